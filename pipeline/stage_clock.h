/* The stage clock (days in stage, which the `stalled` rule watches) when a
 * deal goes back to the stage it has just left: an accidental `>` then `<`
 * must not restart it. Pure: reads the deal's log, changes nothing. */
#ifndef DB_STAGE_CLOCK_H
#define DB_STAGE_CLOCK_H

#include "config.h"
#include "deal.h"

/* The day deal d had entered stage cfg->stages[to] before, when moving it
 * there is going back: its last `stage` log entry ("Define → Explore", stage
 * names or ids) left that stage for the one the deal is in now. The day comes
 * from the log too: the entry that moved the deal into that stage before, or
 * a reopen there after it (a reopen restarts the clock); with neither, the
 * deal started in that stage: its created day. DAY_NONE when it is not going
 * back, or the log cannot say (the clock then restarts today). */
db_day stage_clock_return_day(const pipeline_cfg *cfg, const deal *d, int to);

/* The local calendar day of a log timestamp ("2026-11-02T09:30:00Z"), as
 * stage_entered was written at that moment; DAY_NONE if it does not parse. */
db_day stage_clock_log_day(const char *at);

#endif
