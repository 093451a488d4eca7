/* The forecast behind `dealboard report` and the board's bottom line: per
 * stage count, value, weighted value and age; open, flagged and closed totals.
 * Pure (no curses, no git, no JSON). */
#ifndef DB_FORECAST_H
#define DB_FORECAST_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "deal.h"

/* A number of deals and their total value (whole currency units). */
typedef struct {
    int count;
    int64_t value;
} forecast_sum;

typedef enum {
    FORECAST_WON,
    FORECAST_LOST,
    FORECAST_MOVED_ON,
    FORECAST_CLOSED_COUNT
} forecast_closed;

/* Totals of the deals in one currency. */
typedef struct {
    forecast_sum open;                          /* every open deal, snoozed ones too */
    int64_t open_weighted;                      /* sum of the deals' weighted values */
    forecast_sum flagged;                       /* open deals at "watch" or "move on?" */
    forecast_sum closed[FORECAST_CLOSED_COUNT]; /* closed within the period */
    forecast_sum unstaged;  /* open deals whose stage pipeline.json lacks: in `open`
                             * with weight 0, in no stage row */
} forecast_totals;

typedef struct {
    const stage_def *def;   /* points into the cfg passed to forecast_compute */
    int count;              /* open deals in the pipeline's currency in this stage */
    int64_t value, weighted;
    int avg_days;           /* average days in the stage, rounded half up; -1: no deals */
    int64_t total_days;
} forecast_stage;

typedef struct {
    char *currency;         /* the code in upper case ("usd" counts as "USD") */
    forecast_totals totals;
} forecast_currency;

typedef struct {
    db_day today;
    db_day since;                 /* DAY_NONE: every closed deal counts */
    forecast_stage *stages;       /* parallel to cfg->stages */
    size_t nstages;
    forecast_totals totals;       /* deals in the pipeline's currency only */
    forecast_currency *others;    /* deals in other currencies, by currency code */
    size_t nothers;
} forecast;

/* Computes the forecast of `deals` as of `today`. Money is never summed across
 * currencies: a deal whose `currency` differs from the pipeline's (ignoring
 * case) is counted only under its own currency in `others`. Closed deals count
 * when they closed on or after `since` and not after today (any date when
 * since is DAY_NONE). Free with forecast_free. */
void forecast_compute(const pipeline_cfg *cfg, deal *const *deals, size_t n, db_day today,
                      db_day since, forecast *out);
void forecast_free(forecast *f);

/* value × probability / 100, rounded half up to whole units (per deal; the
 * totals are sums of these, so the rows add up). */
int64_t forecast_weighted(int64_t value, int probability);
/* The day a closed deal closed: the latest "status" log entry's date, else
 * stage_entered, else created (DAY_NONE when none is known). */
db_day forecast_closed_on(const deal *d);
/* Why a won or lost deal closed: the words after "Won"/"Lost" (and ": ") in
 * its last "status" log entry, if that entry is the close it is in (not a
 * "Reopened" before a hand edit of the file); NULL when there are none to
 * say, and for open and moved-on deals. Whole deals only (the log); caller frees. */
char *forecast_close_reason(const deal *d);
/* The same two for a deal light or whole: light deals carry them (the load
 * cache and deal_make_light keep them), so the closed view needs no whole
 * deals. The reason is "" when there is none; caller frees. */
db_day forecast_closing_day(const deal *d);
char *forecast_closing_reason(const deal *d);
/* "won", "lost", "moved-on": the keys of report --json's "closed". */
const char *forecast_closed_name(forecast_closed c);

#endif
