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
