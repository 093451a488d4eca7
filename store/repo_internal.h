/* The repository's state, shared by the store/ files that implement repo.h. */
#ifndef DB_REPO_INTERNAL_H
#define DB_REPO_INTERNAL_H

#include <git2.h>
#include <sys/stat.h>

#include "repo.h"

typedef struct events_memo events_memo;
void events_memo_free(events_memo *memo);

struct db_repo {
    char *root;            /* work tree, no trailing slash */
    git_repository *git;   /* NULL: opened for reading only (repo_open_read) or files only */
    char *gitdir;          /* with a trailing slash; NULL: no git directory */
    pipeline_cfg cfg;
    char *warnings;
    int lock_fd, lock_depth;
    bool recovered;        /* repo_recover ran during this hold of the lock */
    events_memo *events_memo; /* the event index as last read, for its HEAD (events_deal.c) */
    struct as_of_state *past;   /* repo_travel: read from a past commit (store/as_of.c) */
};

/* Reads and parses one deal file (relpath: deals/xx/<id>.json, its id
 * expect_id); errors name relpath. */
int repo_load_file(db_repo *repo, const char *relpath, const char *expect_id, deal *out,
                   db_err *err);

/* Parses a deal file's text (relpath names it in errors; its id must be expect_id). */
int repo_parse_file(const char *text, size_t len, const char *relpath, const char *expect_id,
                    deal *out, db_err *err);

/* A travelled repository (store/as_of.c): its deals come from the past
 * commit's tree, and nothing may be written. */
int as_of_load_file(db_repo *repo, const char *relpath, const char *expect_id, deal *out,
                    db_err *err);
void as_of_load_all(db_repo *repo, deal_list *out, bool light, repo_problem_fn problem,
                    void *pud);
/* "read-only: as of DATE" as an error (what a write gets). */
int as_of_refuse(const db_repo *repo, db_err *err);
/* The past commit the repository was moved to. */
const git_oid *as_of_commit(const db_repo *repo);
void as_of_free(db_repo *repo);

/* Takes git's index lock and, at once, writes the intent marker
 * (store/recover.c): each path with its blob in `before` (the commit the work
 * tree has now; NULL: none), fsynced, before anything of a change is
 * written. *marked: the marker is ours, to remove once the change is over
 * (repo_clear_pending). */
typedef struct index_lock index_lock;
int repo_begin_change(db_repo *repo, index_lock *lock, const char *const *paths, size_t n,
                      git_commit *before, bool *marked, db_err *err);
void repo_clear_pending(db_repo *repo);

#endif
