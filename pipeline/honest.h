/* The honest close date: a deal's stated close date plus what the team's
 * own history says such dates still move.
 *
 * The model, in one sentence: for a deal whose date has been pushed k times
 * so far, honest = stated + the median of how much further the close date
 * of won deals moved after they had been pushed k times (from the date
 * their k-th push set, or their first date for k = 0, to the date they
 * were won with; pull-ins count negative). With fewer than
 * HONEST_MIN_DEALS such won deals there is not enough history: honest =
 * stated. Pure: learns from a deal_history (deal_events.h). */
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
    int further_days;     /* the median further move (lower median); 0 when no deals */
} honest_row;

typedef struct {
    honest_row *rows;     /* rows[k] for k = 0 .. nrows-1 */
    size_t nrows;
} honest_model;

/* One deal's estimate. */
typedef struct {
    db_day stated, honest;  /* honest == stated when !enough (or no date) */
    int pushes;             /* its pushes so far, from the history */
    int further_days;       /* honest - stated */
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

/* "2026-04-02 (+18 days: the median further slip of 42 won deals pushed 1×
 * or more)", "2026-03-15 as stated (not enough history: 4 won deals pushed
 * 2× or more, 10 needed)" (no "pushed" for a deal never pushed); "none (no
 * close date)". Caller frees. */
char *honest_words(const honest_estimate *e);

#endif
