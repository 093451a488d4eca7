/* Shared by store/sync.c and store/changes.c. */
#ifndef DB_SYNC_INTERNAL_H
#define DB_SYNC_INTERNAL_H

#include <git2.h>

#include "../pipeline/util.h"

/* Where the last sync that brought teammates' changes started and ended. */
#define SYNC_REF_START "refs/dealboard/last-sync-start"
#define SYNC_REF_END "refs/dealboard/last-sync-end"
/* Local git config key: Unix time of the last successful sync. */
#define SYNC_TIME_KEY "dealboard.lastsync"
#define SYNC_REMOTE "origin"
/* The reflog message of sync's commit of hand edits (undo may take it back). */
#define SYNC_PENDING_REFLOG "dealboard sync: commit pending changes"
/* Fetch-merge-push rounds before giving up when others keep pushing first. */
#define SYNC_MAX_TRIES 5

/* The checked-out branch's short name ("main"); caller frees. */
int sync_current_branch(git_repository *git, char **branch, db_err *err);

#endif
