/* Numbers as sellers read them. */
#ifndef DB_FORMAT_H
#define DB_FORMAT_H

#include <stdint.h>

#include "date.h"

#define MONEY_LEN 32
/* 48000 -> "48,000" */
void format_money(int64_t value, char out[MONEY_LEN]);
/* 48000 -> "48k", 1250000 -> "1.3M" (for narrow columns) */
void format_money_short(int64_t value, char out[MONEY_LEN]);

/* "as of 2025-03-31 (commit abc1234 of 2025-03-30)": which past a
 * time-travelled view shows (SPEC §8); commit: its hex id. */
#define AS_OF_LEN 64
void format_as_of(db_day day, const char *commit, int64_t commit_time, char out[AS_OF_LEN]);

#endif
