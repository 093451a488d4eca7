/* One deal's slips from the event index (see events.h). */
#include "events.h"

#include <string.h>

int events_deal_slips(db_repo *repo, const deal *d, slip_ledger *ledger, honest_estimate *honest,
                      events_progress_fn progress, void *ud, db_err *err)
{
    memset(ledger, 0, sizeof *ledger);
    ledger->first = DAY_NONE;
    *honest = (honest_estimate){.stated = d->close_date, .honest = d->close_date};
    deal_history h;
    events_info info;
    int rc = events_load(repo, &h, progress, ud, &info, err);
    if (!rc) {
        honest_model m;
        honest_learn(&h, &m);
        slip_ledger_of(&h, d->id, ledger);
        *honest = honest_close(&m, d->close_date, ledger->pushes);
        honest_model_free(&m);
    }
    deal_history_free(&h);
    return rc;
}
