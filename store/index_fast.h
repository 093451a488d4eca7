/* Updating a few entries of .git/index without libgit2's full parse and
 * rewrite: the file is mapped, the changed entries are replaced, inserted or
 * removed in git's order and everything else is copied as it is. */
#ifndef DB_INDEX_FAST_H
#define DB_INDEX_FAST_H

#include <git2.h>
#include <stddef.h>
#include <sys/stat.h>

#include "../pipeline/util.h"

typedef struct {
    const char *path;      /* inside the work tree, '/'-separated */
    git_oid id;            /* the blob; unused when removed */
    struct stat st;        /* lstat of the work tree file; unused when removed */
    bool removed;
} index_update;

/* Returned when the index has a form this path does not handle (version 4,
 * extensions other than TREE, a conflict on a changed path, a bad checksum,
 * no index yet, many updates): nothing was written; use libgit2 instead. */
#define INDEX_FAST_UNSUPPORTED 1

/* Applies the updates to gitdir/index under git's lock protocol
 * (index.lock, O_EXCL, taken before the index is read; rename). The
 * cache-tree (TREE) is invalidated along the changed paths; racily clean
 * entries are smudged as git does. workdir: to check racily clean entries. Returns 0, INDEX_FAST_UNSUPPORTED, or an
 * error code with err set. */
int index_fast_update(const char *gitdir, const char *workdir, const index_update *updates,
                      size_t n, db_err *err);
/* True when the work tree file's content is the blob id (git's
 * ce_modified_check_fs). */
bool index_file_matches(const char *workdir, const char *path, const git_oid *id);

#endif
