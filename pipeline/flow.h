/* Flow (SPEC §8): what happened to the open pipeline over a period — deals
 * that came in (new, reopened), went out (won, lost, moved on, removed),
 * whose close date was pulled in or pushed — and the open pipeline's value at
 * the start and the end, which reconcile exactly:
 *
 *   start + new + reopened − won − lost − moved on − removed ± value changes = end
 *
 * (the same holds for the number of deals, without the value changes).
 * Pure: reads a deal_history. */
#ifndef DB_FLOW_H
#define DB_FLOW_H

#include <stdint.h>

#include "date.h"
#include "deal_events.h"

/* X(ENUM, "json key", "label", sign in the reconciliation: +1 into the open
 * pipeline, -1 out of it, 0 not part of it). */
#define FLOW_LINES(X)                              \
    X(NEW, "new", "New", 1)                        \
    X(REOPENED, "reopened", "Reopened", 1)         \
    X(WON, "won", "Won", -1)                       \
    X(LOST, "lost", "Lost", -1)                    \
    X(MOVED_ON, "moved_on", "Moved on", -1)        \
    X(REMOVED, "removed", "Removed", -1)           \
    X(PULLED_IN, "pulled_in", "Pulled in", 0)      \
    X(PUSHED, "pushed", "Pushed", 0)

typedef enum {
#define X(e, key, label, sign) FLOW_##e,
    FLOW_LINES(X)
#undef X
    FLOW_LINE_COUNT
} flow_kind;

typedef struct {
    int deals;
    int64_t value;
} flow_line;

typedef struct {
    db_day from, to;            /* the period: whole days, both included */
    flow_line open_start;       /* open deals when the period began */
    flow_line open_end;         /* ... and when it ended */
    /* In and out lines count changes: a deal won, reopened and won again in
     * the period counts twice in won. A deal leaves at the value it closed
     * with. Pulled in and pushed count deals (whose close date moved earlier
     * or later while open), at their value after the last such move. */
    flow_line lines[FLOW_LINE_COUNT];
    int64_t value_changes;      /* open deals' values raised (+) and lowered (−) */
} flow_result;

/* The period when none is asked for: a week, ending today. */
#define FLOW_DEFAULT_DAYS 7

const char *flow_key(flow_kind k);
const char *flow_label(flow_kind k);
int flow_sign(flow_kind k);

/* The flow from the start of day `from` to the end of day `to` (UTC days of
 * the changes' author times, as in stats.h); later changes are left out. */
void flow_compute(const deal_history *h, db_day from, db_day to, flow_result *out);

/* start + every in and out line + value changes: equals open_end.value. */
int64_t flow_reconciled_end(const flow_result *f);

#endif
