/* The repository's state, shared by the store/ files that implement repo.h. */
#ifndef DB_REPO_INTERNAL_H
#define DB_REPO_INTERNAL_H

#include <git2.h>

#include "repo.h"

struct db_repo {
    char *root;            /* work tree, no trailing slash */
    git_repository *git;   /* NULL: opened for reading only (repo_open_read) or files only */
    char *gitdir;          /* with a trailing slash; NULL: no git directory */
    pipeline_cfg cfg;
    char *warnings;
    int lock_fd, lock_depth;
};

#endif
