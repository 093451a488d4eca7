/* The repository's state, shared by the store/ files that implement repo.h. */
#ifndef DB_REPO_INTERNAL_H
#define DB_REPO_INTERNAL_H

#include <git2.h>
#include <sys/stat.h>

#include "index_fast.h"
#include "repo.h"

struct db_repo {
    char *root;            /* work tree, no trailing slash */
    git_repository *git;   /* NULL: opened for reading only (repo_open_read) or files only */
    char *gitdir;          /* with a trailing slash; NULL: no git directory */
    pipeline_cfg cfg;
    char *warnings;
    int lock_fd, lock_depth;
    /* Deferred index (store/commit.c): entries waiting for repo_flush_index,
     * and the identity of the intent marker that names their paths. */
    bool index_deferred;
    index_update *index_pending;
    size_t nindex_pending;
    struct stat marker_stat;
};

/* Reads and parses one deal file (relpath: deals/xx/<id>.json, its id
 * expect_id); errors name relpath. */
int repo_load_file(db_repo *repo, const char *relpath, const char *expect_id, deal *out,
                   db_err *err);

/* The intent marker on disk is the one this process wrote for its waiting
 * index entries (store/recover.c). */
bool repo_marker_is_own(db_repo *repo);
/* repo_close: flushes a deferred index, best effort (store/commit.c). */
void repo_finish_index(db_repo *repo);

#endif
