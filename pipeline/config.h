/* The board's configuration (pipeline.json), with the defaults of SPEC §1. */
#ifndef DB_CONFIG_H
#define DB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* A stalled limit learned from the team's history (pipeline/learned_limits.h);
 * won == 0: none, the configured max_days applies. */
typedef struct {
    int limit;         /* the limit the stalled rule uses */
    int p80_won;       /* 80% of the won deals left the stage within this many days */
    int won;           /* ... of this many won deals */
} learned_limit;

typedef struct {
    char *id, *name;
    int probability;   /* percent */
    int max_days;      /* the "stalled" limit */
    learned_limit learned;   /* set only with "stalled": {"learn": true} */
    /* "exit": the buyer outcomes that show the stage is done (SPEC §9),
     * in the buyer's words; shown when a deal moves forward. */
    char **exits;
    size_t nexits;
    /* "evaluation": true: the stage where the buyer compares options and
     * checks that others like them have done it (pipeline.json may mark one;
     * see config_evaluation_stage). */
    bool evaluation;
} stage_def;

/* X-macro: enum, name in pipeline.json, default weight, default threshold. */
/* X(ENUM, "name in pipeline.json", weight, threshold, on by default). The plan
 * rules are off until a team turns them on in pipeline.json ("enabled": true):
 * a pipeline without plans would otherwise flag every deal from Define on;
 * no-exit-evidence likewise, until a team records what it saw at each move;
 * the buying-committee rules until a team records its people. */
#define DB_RULES(X)                                          \
    X(STALLED, "stalled", 2, 0, true)                        \
    X(QUIET, "quiet", 2, 14, true)                           \
    X(BACK_BURNER, "back-burner", 2, 2, true)                \
    X(PAST_CLOSE, "past-close", 2, 0, true)                  \
    X(NO_NEXT_STEP, "no-next-step", 1, 0, true)              \
    X(OVERDUE_STEP, "overdue-step", 1, 3, true)              \
    X(NO_WHY_CHANGE, "no-why-change", 1, 0, true)            \
    X(BUYER_STEP_OVERDUE, "buyer-step-overdue", 1, 0, false) \
    X(NO_BUYER_STEP, "no-buyer-step", 1, 0, false)           \
    X(NO_EXIT_EVIDENCE, "no-exit-evidence", 1, 0, false)     \
    X(NO_DECISION_MAKER, "no-decision-maker", 1, 0, false)   \
    X(CHAMPION_SILENT, "champion-silent", 1, 21, false)

typedef enum {
#define X(e, name, weight, threshold, on) RULE_##e,
    DB_RULES(X)
#undef X
    RULE_COUNT
} rule_id;

typedef struct {
    bool enabled;
    int weight;
    int threshold;     /* days (quiet, overdue-step, buyer-step-overdue, champion-silent) or pushes
                        * (back-burner); unused otherwise */
    bool buyer;        /* quiet: only the buyer's touches ("dir": "in") end the silence */
    bool learn;        /* stalled: limits learned from the history (store/learned_limits.h) */
} rule_cfg;

typedef struct {
    char *name;
    char *currency;
    stage_def *stages;
    size_t nstages;
    rule_cfg rules[RULE_COUNT];
    int level_watch, level_move_on;
    /* The stages some rules start at, kept by config_add_stage (the rules
     * ask for every deal): index + 1, 0 when there is no such stage (a
     * zeroed config has none). Read through config_define_stage and
     * config_evaluate_stage. */
    int define_at, evaluate_at;
} pipeline_cfg;

void config_init_defaults(pipeline_cfg *cfg);   /* rules and levels; no stages */
/* The six buyer stages of SPEC §1, used when pipeline.json has no "stages". */
void config_default_stages(pipeline_cfg *cfg);
void config_free(pipeline_cfg *cfg);
void config_add_stage(pipeline_cfg *cfg, const char *id, const char *name, int probability,
                      int max_days);
/* Appends an exit outcome to the stage (copied). */
void config_stage_add_exit(stage_def *stage, const char *outcome);

const char *rule_name(rule_id r);
bool rule_by_name(const char *name, rule_id *out);
/* The key a rule's threshold has in pipeline.json ("days", "pushes"), or NULL. */
const char *rule_threshold_key(rule_id r);

/* Index of the stage, or -1. */
int config_stage_index(const pipeline_cfg *cfg, const char *id);
/* config_stage_index(cfg, "define") and (cfg, "evaluate"), without the look-up. */
int config_define_stage(const pipeline_cfg *cfg);
int config_evaluate_stage(const pipeline_cfg *cfg);
const stage_def *config_stage(const pipeline_cfg *cfg, const char *id);
/* The evaluation stage's index, or -1: the stage pipeline.json marks
 * "evaluation": true (the first one marked), else the stage with id
 * "evaluate". The no-decision-maker rule counts from it, and a buyer asking
 * for references in it is not comfortable being first (pipeline/reference.h). */
int config_evaluation_stage(const pipeline_cfg *cfg);
/* Stage by id, then by name ignoring case, then by unique id prefix. */
int config_stage_lookup(const pipeline_cfg *cfg, const char *text);
/* "status-quo, recognize, …" for error messages; caller frees. */
char *config_stage_list(const pipeline_cfg *cfg);

#endif
