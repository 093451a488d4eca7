/* One deal's slips from the event index (see events.h). The history and
 * the honest model learnt from it are kept with the repository for as long
 * as HEAD stays where it was: the board's detail view asks again for every
 * deal it opens, and reading 100,000 commits' index each time would show. */
#include "events.h"

#include <stdlib.h>
#include <string.h>

#include "repo_internal.h"

struct events_memo {
    git_oid head;
    deal_history history;
    honest_model model;
};

void events_memo_free(events_memo *memo)
{
    if (!memo)
        return;
    deal_history_free(&memo->history);
    honest_model_free(&memo->model);
    free(memo);
}

static bool head_of(db_repo *repo, git_oid *out)
{
    bool ok = repo->git && git_reference_name_to_id(out, repo->git, "HEAD") == 0;
    git_error_clear();
    return ok;
}

/* The memo for HEAD as it is now, loaded when there is none or HEAD moved. */
static int memo_for_head(db_repo *repo, events_progress_fn progress, void *ud, db_err *err)
{
    git_oid head;
    bool known = head_of(repo, &head);
    if (known && repo->events_memo && git_oid_equal(&repo->events_memo->head, &head))
        return 0;
    events_memo_free(repo->events_memo);
    repo->events_memo = NULL;
    events_memo *memo = xcalloc(1, sizeof *memo);
    events_info info;
    int rc = events_load(repo, &memo->history, progress, ud, &info, err);
    if (rc) {
        deal_history_free(&memo->history);
        free(memo);
        return rc;
    }
    honest_learn(&memo->history, &memo->model);
    if (known)
        git_oid_cpy(&memo->head, &head);
    repo->events_memo = memo;
    return 0;
}

int events_deal_slips(db_repo *repo, const deal *d, slip_ledger *ledger, honest_estimate *honest,
                      events_progress_fn progress, void *ud, db_err *err)
{
    memset(ledger, 0, sizeof *ledger);
    ledger->first = DAY_NONE;
    *honest = (honest_estimate){.stated = d->close_date, .honest = d->close_date};
    int rc = memo_for_head(repo, progress, ud, err);
    if (rc)
        return rc;
    slip_ledger_of(&repo->events_memo->history, d->id, ledger);
    *honest = honest_close(&repo->events_memo->model, d->close_date, ledger->pushes);
    return 0;
}
