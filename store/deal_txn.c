/* The one edit transaction (deal_txn.h). */
#include "deal_txn.h"

#include <stdlib.h>
#include <string.h>

static int read_deal(db_repo *repo, const deal_change *change, deal *out, db_err *err)
{
    if (change->op.kind == EDIT_OP_CREATE)
        return 0;
    return change->id_is_prefix ? repo_find_deal(repo, change->id, out, err)
                                : repo_load_deal(repo, change->id, out, err);
}

/* Steps 2 to 5, under the lock. The log's time is taken here, once the lock
 * is ours: entries follow the order of the commits. */
static int change_locked(db_repo *repo, const deal_change *change, deal_txn *out, db_err *err)
{
    repo_head(repo, out->head_before);
    int rc = read_deal(repo, change, &out->d, err);
    char *user = change->by ? NULL : repo_user_name(repo);
    edit_ctx ctx = {.by = change->by ? change->by : user, .today = change->today,
                    .now = clock_now()};
    if (!rc)
        rc = edit_apply(repo_config(repo), &ctx, &change->op, &out->d, &out->message, err);
    if (!rc)
        rc = repo_save_deal(repo, &out->d, out->message, err);
    free(user);
    return rc;
}

int deal_txn_commit(db_repo *repo, const deal_change *change, deal_txn *out, db_err *err)
{
    memset(out, 0, sizeof *out);
    deal_init(&out->d);
    int rc = repo_lock(repo, err);
    if (rc)
        return rc;
    rc = repo_recover(repo, err);
    if (!rc)
        rc = change_locked(repo, change, out, err);
    repo_unlock(repo);
    if (rc)
        deal_txn_free(out);     /* a deal half-edited or not committed is nobody's */
    return rc;
}

void deal_txn_free(deal_txn *t)
{
    deal_free(&t->d);
    deal_init(&t->d);
    free(t->message);
    t->message = NULL;
}
