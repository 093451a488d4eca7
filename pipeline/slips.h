/* The slip ledger of one deal: every change of its close date the git
 * history knows (pipeline/deal_events.h), with when, by whom, from → to
 * and by how many days. Pure: reads a deal_history, no git. */
#ifndef DB_SLIPS_H
#define DB_SLIPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "deal.h"
#include "deal_events.h"

typedef struct {
    int64_t when;         /* the commit's author time (Unix seconds) */
    char *by;             /* its author's name (as git has it: untrusted text) */
    db_day from, to;
    int days;             /* to - from: > 0 a push, < 0 a pull-in, never 0 */
} slip_change;

typedef struct {
    bool known;           /* the history has the deal at all */
    db_day first;         /* the first close date it had; DAY_NONE: never one */
    slip_change *changes; /* oldest first */
    size_t n;
    int pushes, pull_ins;
    deal_status status;   /* as the last commit left it */
    bool gone;            /* its file was removed */
} slip_ledger;

/* The ledger of the deal with this id (h's deals and events in canonical
 * order: found by binary search; an unknown id gives known = false). A
 * commit that sets the date it already had is no change; the first date a
 * deal gets is not one either (there is nothing it moved from). */
void slip_ledger_of(const deal_history *h, const char *deal_id, slip_ledger *out);
/* The same for h->deals[deal]: the events from *i on (advanced past them). */
void slip_ledger_at(const deal_history *h, size_t *i, slip_ledger *out);
void slip_ledger_free(slip_ledger *l);

/* The close date after the ledger's k-th push (k = 0: its first date). */
db_day slip_ledger_date_after(const slip_ledger *l, int k);
/* The last close date the history has (DAY_NONE: never one). */
db_day slip_ledger_last(const slip_ledger *l);

/* "2026-02-03  2026-03-01 → 2026-03-15  +14 days  Dana Whitfield": the
 * day of the change (UTC), from → to, by how much ("−14 days": pulled in)
 * and by whom (sanitized). Caller frees. */
char *slip_change_words(const slip_change *c);

#endif
