/* What the team's history says (SPEC §8): per stage, how many deals entered,
 * moved forward, were won in the end, how long deals stay (Kaplan–Meier:
 * deals still open in a stage count as still running); the slip ledger;
 * how honest the stage probabilities were. Pure: reads a deal_history. */
#ifndef DB_STATS_H
#define DB_STATS_H

#include "config.h"
#include "date.h"
#include "deal_events.h"

/* Pushes 0, 1, 2 and 3 or more. */
#define STATS_PUSH_BUCKETS 4

typedef struct {
    const stage_def *def;
    int entered;          /* deals that were ever open in the stage */
    int exited_forward;   /* ... and moved on to a later stage from it */
    int won;              /* ... and are won now */
    int censored;         /* open in the stage today: still running */
    int median_days;      /* Kaplan–Meier median of days in the stage; -1: unknown */
    int p80_days_won;     /* 80th percentile (nearest rank) for won deals; -1: none */
    int decided;          /* deals that were in the stage and are won, lost or moved on */
} stats_stage;

/* How honest a stage's probability was, for a group of deals: of the deals
 * that were in the stage and were decided (won, lost or moved on), how many
 * were won. */
typedef struct {
    int decided, won;
} stats_calibration;

/* Fewer decided deals than this: no suggested probability ("not enough data"). */
#define CALIBRATION_MIN_DECIDED 10

/* Whose deals are counted, and in which group (per owner): of_deal[i] for
 * deal_history.deals[i] is a group in 0 .. ngroups-1, STATS_NO_GROUP
 * (counted for the team only) or STATS_LEFT_OUT (not counted at all). */
#define STATS_NO_GROUP (-1)
#define STATS_LEFT_OUT (-2)
typedef struct {
    const int *of_deal;
    size_t ngroups;
} stats_groups;

typedef struct {
    int pushes, deals, won;   /* closed deals pushed `pushes` times (the last: or more) */
} stats_push_bucket;

typedef struct {
    db_day today;
    int deals;
    size_t unparseable;
    stats_stage *stages;
    size_t nstages;
    int pushed_deals;         /* deals whose close date was moved later at least once */
    int pushes;               /* every push */
    int median_slip_days;     /* median of how many days a push moved the date; -1: none */
    stats_push_bucket by_pushes[STATS_PUSH_BUCKETS];
    stats_calibration *by_group;   /* [group * nstages + stage]; NULL without groups */
    size_t ngroups;
} stats_result;

/* Days are UTC calendar days of the commits' author times; a deal's days in
 * a stage are the sum of its stays there (going back and forth adds up). */
void stats_compute(const pipeline_cfg *cfg, const deal_history *h, db_day today,
                   stats_result *out);
/* The same counting only some deals, or per group (groups NULL: every deal,
 * no groups). */
void stats_compute_groups(const pipeline_cfg *cfg, const deal_history *h, db_day today,
                          const stats_groups *groups, stats_result *out);
/* The probability the history suggests: the won share of the decided deals
 * in percent, rounded; -1 below CALIBRATION_MIN_DECIDED decided deals. */
int stats_suggested_probability(int won, int decided);
void stats_free(stats_result *s);

#endif
