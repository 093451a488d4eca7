/* Team sync. This build has no sync engine yet: every entry point says so. */
#include "sync.h"

#include <string.h>

int sync_get_status(db_repo *repo, sync_status *out, db_err *err)
{
    (void)repo, (void)err;
    memset(out, 0, sizeof *out);
    return 0;
}

int sync_run(db_repo *repo, sync_result *out, db_err *err)
{
    (void)repo;
    memset(out, 0, sizeof *out);
    return db_fail(err, DB_EIO, "sync: team sync is not in this build yet");
}

int sync_changes(db_repo *repo, const char *old_rev, const char *new_rev, sync_change_fn fn,
                 void *ud, db_err *err)
{
    (void)repo, (void)old_rev, (void)new_rev, (void)fn, (void)ud;
    return db_fail(err, DB_EIO, "changes: team sync is not in this build yet");
}
