/* The deal files and pipeline.json that differ between the work tree and the
 * index: what libgit2's index-to-workdir status reports for them, without
 * its cost. Every tracked file is stat'ed (hand edits are caught by size,
 * times and inode; an entry as new as the index file itself, or with any
 * difference, is rehashed with the repository's filters); a shard directory
 * is searched for untracked files only when it holds more deal files than
 * the index has there. Ignored files are left out, links are not followed. */
#ifndef DB_WORKTREE_SCAN_H
#define DB_WORKTREE_SCAN_H

#include <git2.h>

#include "../pipeline/util.h"

typedef struct {
    char **paths;               /* "deals/ab/x-ab.json": changed, added or removed */
    size_t n, cap;
} worktree_changes;

int worktree_scan(git_repository *git, git_index *index, const char *root,
                  worktree_changes *out, db_err *err);
void worktree_changes_free(worktree_changes *c);

#endif
