/* Stalled limits learned from the team's history (SPEC §8, "stalled":
 * {"learn": true}): per stage, the 80th percentile of the days that won
 * deals spent there, pulled toward the configured max_days while the
 * history is thin. Pure: the figures come from pipeline/stats.h. */
#ifndef DB_LEARNED_LIMITS_H
#define DB_LEARNED_LIMITS_H

#include "config.h"

/* Fewer won deals than this in a stage: nothing is learned, max_days stays. */
#define LEARN_MIN_WON 5
/* How many won deals the configured max_days is worth: the learned limit is
 * (won * p80 + LEARN_PRIOR_WEIGHT * max_days) / (won + LEARN_PRIOR_WEIGHT),
 * rounded; so 10 won deals weigh as much as the configuration, 90 count
 * nine times as much. */
#define LEARN_PRIOR_WEIGHT 10

/* The limit for a stage whose won deals (won of them) left it within
 * p80_won days (p80_won < 0: none did); won.won == 0 when too few. */
learned_limit learned_limit_for(int max_days, int p80_won, int won);

/* Sets the stage's learned limit (cfg->stages[i].learned); an unknown stage
 * id is ignored. */
void learned_limits_set(pipeline_cfg *cfg, const char *stage_id, int p80_won, int won);

/* The limit the stalled rule applies to the stage: learned, else max_days. */
int stage_stalled_limit(const stage_def *stage);

#endif
