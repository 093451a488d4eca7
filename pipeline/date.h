/* Calendar dates as day numbers, so that "days since" is a subtraction. */
#ifndef DB_DATE_H
#define DB_DATE_H

#include <stdbool.h>
#include <stdint.h>

typedef int32_t db_day;          /* days since 1970-01-01 */
#define DAY_NONE INT32_MIN       /* "no date" */
#define DATE_LEN 11              /* "YYYY-MM-DD" + NUL */

/* Strict YYYY-MM-DD with a real calendar day (1970..9999). */
bool date_parse(const char *s, db_day *out);
void date_format(db_day day, char out[DATE_LEN]);
db_day date_from_ymd(int y, int m, int d);
void date_to_ymd(db_day day, int *y, int *m, int *d);
/* The last second (Unix time) of `day` in local time, as `today` is a local
 * day: what `--as-of DAY` reads up to (SPEC §8). */
int64_t date_local_day_end(db_day day);

/* Today's local date, or DEALBOARD_TODAY when set. Returns false (and
 * leaves *out alone) when DEALBOARD_TODAY is set but not a valid date. */
bool date_today(db_day *out);

/* The UTC calendar day of a Unix time. */
db_day date_of_time(int64_t unix_time);

/* UTC ISO-8601 timestamp "YYYY-MM-DDTHH:MM:SSZ" of a Unix time. */
#define TIMESTAMP_LEN 21
void timestamp_format(int64_t unix_time, char out[TIMESTAMP_LEN]);
/* Now, or DEALBOARD_TODAY at the current time of day (keeps logs in order). */
int64_t clock_now(void);

#endif
