/* The forecast by close period (`dealboard report --by month|quarter`, and
 * the chart "forecast by close month, stated vs honest"): the open deals in
 * the pipeline's currency summed per month or quarter of their stated close
 * date and, side by side, of their honest one (honest.h). Pure. */
#ifndef DB_FORECAST_PERIOD_H
#define DB_FORECAST_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "deal.h"
#include "honest.h"

/* X-macro: the kind, its name for --by. */
#define PERIOD_KINDS(X)        \
    X(MONTH, "month")          \
    X(QUARTER, "quarter")

typedef enum {
#define X(e, name) PERIOD_##e,
    PERIOD_KINDS(X)
#undef X
    PERIOD_KIND_COUNT
} period_kind;

bool period_kind_parse(const char *s, period_kind *out);
const char *period_kind_name(period_kind k);
/* "month or quarter": the accepted names, for an error message. */
const char *period_kind_choices(void);

typedef struct {
    int count;
    int64_t value, weighted;   /* whole units; weighted: by the stage's probability */
} period_sum;

typedef struct {
    db_day start;              /* the period's first day */
    int year, number;          /* number: month 1-12 or quarter 1-4 */
    char label[32];            /* "2027-03" or "2027-Q1" */
    period_sum stated, honest;
} period_row;

typedef struct {
    period_kind by;
    period_row *rows;          /* every period from the earliest to the latest, empty ones too */
    size_t nrows;
    period_sum total;          /* every deal with a close date (stated and honest alike) */
    period_sum no_date;        /* open deals without a close date: in no row */
    int not_enough;            /* deals whose honest date is the stated one for lack of history */
    int moved;                 /* deals whose honest period differs from the stated one */
    int other_currency;        /* open deals in another currency: left out */
} period_forecast;

/* Sums deals[i] (open ones in cfg's currency; the others are skipped or
 * counted in other_currency) by the period of est[i].stated and of
 * est[i].honest. Free with period_forecast_free. */
void forecast_by_period(const pipeline_cfg *cfg, deal *const *deals, const honest_estimate *est,
                        size_t n, period_kind by, period_forecast *out);
void period_forecast_free(period_forecast *f);

/* The first day of the period `day` falls in. */
db_day period_start(period_kind by, db_day day);

#endif
