/* How long things last when some are still going on: the Kaplan–Meier
 * estimate, in whole days. Pure. */
#ifndef DB_SURVIVAL_H
#define DB_SURVIVAL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int days;
    bool ended;      /* false: still running after `days` (censored) */
} survival_obs;

/* The smallest number of days t at which the Kaplan–Meier estimate of
 * "still running" S(t) has fallen to 1 - q or below (q = 0.5: the median
 * duration), counting observations that are still running as at risk up to
 * their days and never as ended. -1 when S never falls that low (too many
 * still running), or n is 0. Sorts obs. With nothing still running it is
 * the ceil(q n)-th smallest duration (percentile_rank). */
int survival_quantile(survival_obs *obs, size_t n, double q);

/* The ceil(q n)-th smallest of values (the nearest-rank percentile), -1
 * when n is 0. Sorts values. */
int percentile_rank(int *values, size_t n, double q);

#endif
