#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static const struct {
    const char *name;
    int weight, threshold;
    bool on;
} rule_defaults[RULE_COUNT] = {
#define X(e, name, weight, threshold, on) {name, weight, threshold, on},
    DB_RULES(X)
#undef X
};

void config_add_stage(pipeline_cfg *cfg, const char *id, const char *name, int probability,
                      int max_days)
{
    cfg->stages = xrealloc(cfg->stages, (cfg->nstages + 1) * sizeof *cfg->stages);
    stage_def *s = &cfg->stages[cfg->nstages++];
    s->id = xstrdup(id);
    s->name = xstrdup(name);
    s->probability = probability;
    s->max_days = max_days;
    s->learned = (learned_limit){0};
    s->exits = NULL;
    s->nexits = 0;
    s->evaluation = false;
    int at = (int)cfg->nstages;               /* index + 1; the first of a repeated id counts */
    if (str_eq(id, "define") && !cfg->define_at)
        cfg->define_at = at;
    if (str_eq(id, "evaluate") && !cfg->evaluate_at)
        cfg->evaluate_at = at;
}

void config_stage_add_exit(stage_def *stage, const char *outcome)
{
    stage->exits = xrealloc(stage->exits, (stage->nexits + 1) * sizeof *stage->exits);
    stage->exits[stage->nexits++] = xstrdup(outcome);
}

/* The default stages' exit outcomes: what the buyer says or does that
 * shows the stage is done, in the buyer's words (SPEC §9). */
static const char *const default_exits[][4] = {
    {"the buyer agrees that what they do today carries a risk they had not counted",
     "the buyer asks to look at the problem with us", NULL},
    {"the buyer says in their own words what the problem costs them",
     "the buyer names who else feels the problem", NULL},
    {"the buyer has put a number on the impact",
     "the buyer has named who decides and who is involved",
     "the buyer has decided to act, and by when", NULL},
    {"the buyer has listed the approaches they considered",
     "the buyer has agreed the criteria a solution must meet", NULL},
    {"the buyer ranks us first against their criteria",
     "the decision-maker has seen the proposal and its price",
     "the buyer is comfortable that others like them have done it", NULL},
    {"the budget is approved", "the buyer's legal and purchasing have signed off", NULL},
};

void config_init_defaults(pipeline_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->name = xstrdup("Pipeline");
    cfg->currency = xstrdup("EUR");
    for (int r = 0; r < RULE_COUNT; r++) {
        cfg->rules[r].enabled = rule_defaults[r].on;
        cfg->rules[r].weight = rule_defaults[r].weight;
        cfg->rules[r].threshold = rule_defaults[r].threshold;
    }
    cfg->level_watch = 2;
    cfg->level_move_on = 4;
}



void config_default_stages(pipeline_cfg *cfg)
{
    config_add_stage(cfg, "status-quo", "Status quo", 5, 30);
    config_add_stage(cfg, "recognize", "Recognize", 10, 21);
    config_add_stage(cfg, "define", "Define", 20, 21);
    config_add_stage(cfg, "explore", "Explore", 40, 30);
    config_add_stage(cfg, "evaluate", "Evaluate", 60, 30);
    config_add_stage(cfg, "decide", "Decide", 80, 21);
    for (size_t i = 0; i < cfg->nstages && i < sizeof default_exits / sizeof *default_exits; i++)
        for (const char *const *e = default_exits[i]; *e; e++)
            config_stage_add_exit(&cfg->stages[i], *e);
}

void config_free(pipeline_cfg *cfg)
{
    for (size_t i = 0; i < cfg->nstages; i++) {
        free(cfg->stages[i].id);
        free(cfg->stages[i].name);
        for (size_t e = 0; e < cfg->stages[i].nexits; e++)
            free(cfg->stages[i].exits[e]);
        free(cfg->stages[i].exits);
    }
    free(cfg->stages);
    free(cfg->name);
    free(cfg->currency);
    memset(cfg, 0, sizeof *cfg);
}

const char *rule_name(rule_id r) { return r < RULE_COUNT ? rule_defaults[r].name : "?"; }

bool rule_by_name(const char *name, rule_id *out)
{
    for (int r = 0; r < RULE_COUNT; r++) {
        if (str_eq(name, rule_defaults[r].name)) {
            *out = (rule_id)r;
            return true;
        }
    }
    return false;
}

const char *rule_threshold_key(rule_id r)
{
    switch (r) {
    case RULE_QUIET:
    case RULE_OVERDUE_STEP:
    case RULE_BUYER_STEP_OVERDUE:
    case RULE_CHAMPION_SILENT:
        return "days";
    case RULE_BACK_BURNER:
        return "pushes";
    default:
        return NULL;
    }
}

int config_evaluation_stage(const pipeline_cfg *cfg)
{
    for (size_t i = 0; i < cfg->nstages; i++)
        if (cfg->stages[i].evaluation)
            return (int)i;
    return config_evaluate_stage(cfg);
}

int config_stage_index(const pipeline_cfg *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->nstages; i++)
        if (str_eq(cfg->stages[i].id, id))
            return (int)i;
    return -1;
}

int config_define_stage(const pipeline_cfg *cfg) { return cfg->define_at - 1; }

int config_evaluate_stage(const pipeline_cfg *cfg) { return cfg->evaluate_at - 1; }

const stage_def *config_stage(const pipeline_cfg *cfg, const char *id)
{
    int i = config_stage_index(cfg, id);
    return i < 0 ? NULL : &cfg->stages[i];
}

int config_stage_lookup(const pipeline_cfg *cfg, const char *text)
{
    int found = config_stage_index(cfg, text);
    if (found >= 0 || !text || !*text)
        return found;
    for (size_t i = 0; i < cfg->nstages; i++)
        if (strcasecmp(cfg->stages[i].name, text) == 0)
            return (int)i;
    int matches = 0;
    for (size_t i = 0; i < cfg->nstages; i++) {
        if (str_has_prefix(cfg->stages[i].id, text)) {
            found = (int)i;
            matches++;
        }
    }
    return matches == 1 ? found : -1;
}

char *config_stage_list(const pipeline_cfg *cfg)
{
    strbuf sb = {0};
    sb_puts(&sb, "");
    for (size_t i = 0; i < cfg->nstages; i++) {
        if (i)
            sb_puts(&sb, ", ");
        sb_puts(&sb, cfg->stages[i].id);
    }
    return sb.data;
}
