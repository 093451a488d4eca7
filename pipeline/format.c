#include "format.h"

#include <stdio.h>
#include <string.h>

void format_money(int64_t value, char out[MONEY_LEN])
{
    char digits[24];
    int negative = value < 0;
    unsigned long long v = negative ? 0ULL - (unsigned long long)value : (unsigned long long)value;
    int n = snprintf(digits, sizeof digits, "%llu", v);
    char *p = out;
    if (negative)
        *p++ = '-';
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            *p++ = ',';
        *p++ = digits[i];
    }
    *p = '\0';
}

void format_money_short(int64_t value, char out[MONEY_LEN])
{
    long long v = (long long)value;
    long long magnitude = v < 0 ? -v : v;
    if (magnitude < 10000)
        snprintf(out, MONEY_LEN, "%lld", v);
    else if (magnitude < 1000000)
        snprintf(out, MONEY_LEN, "%lldk", (v + (v < 0 ? -500 : 500)) / 1000);
    else
        snprintf(out, MONEY_LEN, "%.1fM", (double)v / 1e6);
}

void format_as_of(db_day day, const char *commit, int64_t commit_time, char out[AS_OF_LEN])
{
    char asked[DATE_LEN], committed[DATE_LEN];
    date_format(day, asked);
    date_format(date_of_time(commit_time), committed);
    snprintf(out, AS_OF_LEN, "as of %s (commit %.7s of %s)", asked, commit, committed);
}
