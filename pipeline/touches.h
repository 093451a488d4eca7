/* Two-way touches (SPEC §9): a touch log entry says whether the buyer
 * reached us ("dir": "in") or we reached them ("out"; entries written
 * before touches had a direction say nothing and count as ours). */
#ifndef DB_TOUCHES_H
#define DB_TOUCHES_H

#include <stdbool.h>

#include "deal.h"

#define TOUCH_IN "in"
#define TOUCH_OUT "out"

bool log_entry_is_touch(const log_entry *e);
/* A touch the buyer made. */
bool log_entry_is_inbound(const log_entry *e);
/* The kind as log lines show it: "touch-in" for the buyer's touches (the
 * kind itself otherwise: an outbound touch stays "touch"). */
const char *log_entry_kind_label(const log_entry *e);
/* Whether a "dir" value is one a file may hold. */
bool touch_dir_valid(const char *dir);

/* The summary of d's logged touches; d must be whole (its log loaded). */
touch_summary touch_summary_of_log(const deal *d);
/* The summary for any deal: from the log of a whole deal, the one kept
 * with a light deal (whose log was not loaded) otherwise. */
touch_summary deal_touches(const deal *d);

#endif
