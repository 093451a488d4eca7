/* The event index: what every commit did to every deal's stage, status,
 * value, close date and insight (pipeline/deal_events.h), read from the git history
 * in one pass and cached in .git/dealboard-events for the commit it covers.
 * A later HEAD that descends from that commit is read from there on; any
 * other HEAD (a reset, a rewritten history) is read from the start. */
#ifndef DB_EVENTS_H
#define DB_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "../pipeline/deal_events.h"
#include "../pipeline/honest.h"
#include "../pipeline/slips.h"
#include "../pipeline/util.h"
#include "repo.h"

/* done of total commits read, every few thousand commits and at the end. */
typedef void (*events_progress_fn)(void *ud, size_t done, size_t total);

typedef enum { EVENTS_CACHED, EVENTS_UPDATED, EVENTS_REBUILT } events_source;

typedef struct {
    events_source source;
    size_t commits_read;     /* commits read from git this time */
} events_info;

/* The history of HEAD (an unborn HEAD: an empty one), from the cache where
 * it can be trusted; the cache is then brought up to HEAD (written to a
 * temporary file and renamed over the old one; a cache that cannot be
 * written is not an error). A shallow clone is refused: its history is cut. */
int events_load(db_repo *repo, deal_history *out, events_progress_fn progress, void *ud,
                events_info *info, db_err *err);

/* One deal's slip ledger and honest close date (pipeline/slips.h,
 * honest.h), from the index as events_load has it: what `show` and the
 * board's detail view show. On an error (a shallow clone, no git) both
 * are left empty (ledger.known false, honest = stated). */
int events_deal_slips(db_repo *repo, const deal *d, slip_ledger *ledger, honest_estimate *honest,
                      events_progress_fn progress, void *ud, db_err *err);

#endif
