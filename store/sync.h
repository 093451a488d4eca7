/* Team sync (SPEC §6): commit pending work, fetch origin, merge deal files
 * field by field, push; plus what changed, in words. */
#ifndef DB_SYNC_H
#define DB_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "repo.h"

typedef struct {
    bool has_remote;       /* an "origin" is configured */
    int ahead, behind;     /* commits, against the last fetched origin branch */
    int64_t last_sync;     /* Unix time of the last successful sync, 0 = never */
} sync_status;

/* Local refs only, no network; but counting ahead/behind walks the history
 * between HEAD and the remote branch (all of it before the first fetch), so
 * call it on load and after a sync, not per keypress or commit. */
int sync_get_status(db_repo *repo, sync_status *out, db_err *err);

typedef struct {
    char old_head[41], new_head[41];  /* HEAD before and after */
    int incoming;                     /* commits brought in from the remote */
    int pushed;                       /* commits pushed */
    int conflicts;                    /* same-field conflicts, both values kept */
    int pipeline_conflicts;           /* of which in pipeline.json's "conflicts" */
    bool offline;                     /* the remote could not be reached; nothing lost */
    bool committed_pending;           /* work-tree changes were committed first */
    bool merged;                      /* a merge commit was made (else fast-forward) */
    size_t packed;                    /* loose objects packed (maintenance) */
} sync_result;

/* Returns 0; DB_EIO (remote unreachable, auth, I/O) with err set;
 * DB_ECONFLICT when a non-JSON file conflicts and a person must decide. */
int sync_run(db_repo *repo, sync_result *out, db_err *err);

/* One line of "what changed": a deal and what happened to it, in words. */
typedef void (*sync_change_fn)(void *ud, const char *deal_id, const char *title,
                               const char *words);
/* Changes between two commits (old_rev NULL: the last sync's starting point). */
int sync_changes(db_repo *repo, const char *old_rev, const char *new_rev, sync_change_fn fn,
                 void *ud, db_err *err);

/* Clones a team pipeline into dir (NULL: named after the URL, returned in
 * *dir_out, caller frees); the pipeline keeps the name the team gave it.
 * *created: the remote was empty, so the clone got a new default pipeline,
 * called `name` (NULL: after the directory), that the next sync publishes. */
int sync_clone(const char *url, const char *dir, const char *name, char **dir_out, bool *created,
               db_err *err);

/* A bare repository to serve as the team remote. shared: group-writable for
 * several Unix users (core.sharedRepository=group, setgid directories). */
int sync_init_bare(const char *dir, bool shared, db_err *err);

/* The URL as messages may show it: a password in it is left out. Caller frees. */
char *sync_url_shown(const char *url);

#endif
