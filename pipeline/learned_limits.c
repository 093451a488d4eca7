/* Learned stalled limits (see learned_limits.h). */
#include "learned_limits.h"

learned_limit learned_limit_for(int max_days, int p80_won, int won)
{
    if (won < LEARN_MIN_WON || p80_won < 0)
        return (learned_limit){max_days, -1, 0};
    long long weighted = (long long)won * p80_won + (long long)LEARN_PRIOR_WEIGHT * max_days;
    long long total = won + LEARN_PRIOR_WEIGHT;
    return (learned_limit){(int)((weighted + total / 2) / total), p80_won, won};
}

void learned_limits_set(pipeline_cfg *cfg, const char *stage_id, int p80_won, int won)
{
    int i = config_stage_index(cfg, stage_id);
    if (i >= 0)
        cfg->stages[i].learned = learned_limit_for(cfg->stages[i].max_days, p80_won, won);
}

int stage_stalled_limit(const stage_def *stage)
{
    return stage->learned.won > 0 ? stage->learned.limit : stage->max_days;
}
