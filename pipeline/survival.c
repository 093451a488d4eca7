/* Kaplan–Meier (see survival.h). */
#include "survival.h"

#include <math.h>
#include <stdlib.h>

/* Products of (1 - d/n) land a hair above an exact 1 - q. */
#define SURVIVAL_EPSILON 1e-9

static int by_days(const void *a, const void *b)
{
    const survival_obs *x = a, *y = b;
    return (x->days > y->days) - (x->days < y->days);
}

int survival_quantile(survival_obs *obs, size_t n, double q)
{
    if (n == 0)
        return -1;
    qsort(obs, n, sizeof *obs, by_days);
    double still_running = 1.0;
    size_t at_risk = n, i = 0;
    while (i < n) {
        int t = obs[i].days;
        size_t ended = 0, leaving = 0;
        for (; i < n && obs[i].days == t; i++, leaving++)
            ended += obs[i].ended;
        /* At a tie, deals ended at t count as ended before those still
         * running at t leave the risk set (the usual convention). */
        still_running *= 1.0 - (double)ended / (double)at_risk;
        if (ended && still_running <= 1.0 - q + SURVIVAL_EPSILON)
            return t;
        at_risk -= leaving;
    }
    return -1;
}

static int by_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int percentile_rank(int *values, size_t n, double q)
{
    if (n == 0)
        return -1;
    qsort(values, n, sizeof *values, by_int);
    size_t rank = (size_t)ceil(q * (double)n - SURVIVAL_EPSILON);
    return values[rank ? rank - 1 : 0];
}
