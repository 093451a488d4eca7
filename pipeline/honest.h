/* The honest close date: a deal's stated close date plus what the team's
 * own history says such dates still move.
 *
 * The model, in one sentence: honest = stated + (how many more times won
 * deals that had been pushed as often as this one were pushed after that,
 * on average) × (the median push of the team, in days). For a deal pushed
 * k times so far, the comparable deals are the won deals pushed k times or
 * more; with fewer than HONEST_MIN_DEALS of them there is not enough
 * history and honest = stated. (A median of the further slip itself would
 * be 0 whenever most won deals were never pushed again, which is the usual
 * case: the mean number of further pushes keeps the risk of the few that
 * are.) Pure: learns from a deal_history (deal_events.h). */
#ifndef DB_HONEST_H
#define DB_HONEST_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "deal.h"
#include "deal_events.h"

#define HONEST_MIN_DEALS 10

/* What won deals pushed at least k times did after their k-th push. */
typedef struct {
    int deals;            /* won deals pushed k times or more */
    double further_pushes;/* their mean number of pushes after the k-th */
} honest_row;

typedef struct {
    honest_row *rows;     /* rows[k] for k = 0 .. nrows-1 */
    size_t nrows;
    int push_days;        /* the median push of every deal (lower median); 0: none yet */
    int pushes;           /* how many pushes that median is of */
} honest_model;

/* One deal's estimate. */
typedef struct {
    db_day stated, honest;  /* honest == stated when !enough (or no date) */
    int pushes;             /* its pushes so far, from the history */
    int further_days;       /* honest - stated: further_pushes × push_days, rounded */
    double further_pushes;  /* the comparable deals' mean further pushes */
    int push_days;          /* the team's median push */
    int comparable;         /* the won deals the figure comes from */
    bool enough;            /* at least HONEST_MIN_DEALS comparable deals */
} honest_estimate;

/* Learns from every deal of h that is won now (not removed). */
void honest_learn(const deal_history *h, honest_model *out);
void honest_model_free(honest_model *m);

/* The estimate for a deal stated to close on `stated` (DAY_NONE: none) and
 * pushed `pushes` times so far. */
honest_estimate honest_close(const honest_model *m, db_day stated, int pushes);
/* The same for a deal, its pushes counted from h (0 when h lacks it; h
 * NULL: the deal's own close_date_pushes). */
honest_estimate honest_close_of(const honest_model *m, const deal_history *h, const deal *d);

/* "2026-04-02 (+18 days: 42 won deals pushed 1× or more were pushed 0.69×
 * more, by a median 26 days)", "2026-03-15 as stated (not enough history: 4 won deals pushed
 * 2× or more, 10 needed)" (no "pushed" for a deal never pushed); "none (no
 * close date)". Caller frees. */
char *honest_words(const honest_estimate *e);

#endif
