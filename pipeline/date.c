#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Howard Hinnant's days-from-civil: exact for the proleptic Gregorian calendar. */
db_day date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void date_to_ymd(db_day day, int *y, int *m, int *d)
{
    int z = day + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static bool all_digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool date_parse(const char *s, db_day *out)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    if (!all_digits(s, 4) || !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
        return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    *out = date_from_ymd(y, m, d);
    return true;
}

static void put_digits(char *out, unsigned value, int width)
{
    for (int i = width - 1; i >= 0; i--, value /= 10)
        out[i] = (char)('0' + value % 10);
}

/* Hand-rolled: listings format hundreds of thousands of dates. */
void date_format(db_day day, char out[DATE_LEN])
{
    int y, m, d;
    if (day == DAY_NONE) {
        out[0] = '\0';
        return;
    }
    date_to_ymd(day, &y, &m, &d);
    put_digits(out, (unsigned)y % 10000u, 4);
    out[4] = '-';
    put_digits(out + 5, (unsigned)m, 2);
    out[7] = '-';
    put_digits(out + 8, (unsigned)d, 2);
    out[10] = '\0';
}

bool date_today(db_day *out)
{
    const char *fixed = getenv("DEALBOARD_TODAY");
    if (fixed && *fixed)
        return date_parse(fixed, out);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    *out = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return true;
}

int64_t date_local_day_end(db_day day)
{
    int y, m, d;
    date_to_ymd(day + 1, &y, &m, &d);
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
    return (int64_t)mktime(&tm) - 1;
}

db_day date_of_time(int64_t unix_time)
{
    return (db_day)(unix_time >= 0 ? unix_time / 86400 : (unix_time - 86399) / 86400);
}

void timestamp_format(int64_t unix_time, char out[TIMESTAMP_LEN])
{
    time_t t = (time_t)unix_time;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, TIMESTAMP_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t clock_now(void)
{
    time_t now = time(NULL);
    db_day fixed;
    const char *env = getenv("DEALBOARD_TODAY");
    if (env && *env && date_parse(env, &fixed))
        return (int64_t)fixed * 86400 + (int64_t)(now % 86400);
    return (int64_t)now;
}
