/* Numbers as sellers read them. */
#ifndef DB_FORMAT_H
#define DB_FORMAT_H

#include <stdint.h>

#define MONEY_LEN 32
/* 48000 -> "48,000" */
void format_money(int64_t value, char out[MONEY_LEN]);
/* 48000 -> "48k", 1250000 -> "1.3M" (for narrow columns) */
void format_money_short(int64_t value, char out[MONEY_LEN]);

#endif
