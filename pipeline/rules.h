/* Move-on rules (SPEC §1): which open deals a seller should push or let go. */
#ifndef DB_RULES_H
#define DB_RULES_H

#include "config.h"
#include "deal.h"

typedef enum { LEVEL_NONE, LEVEL_WATCH, LEVEL_MOVE_ON } flag_level;

typedef struct {
    rule_id rule;
    char text[160];   /* "34 days in Define, limit 21" */
} flag_reason;

typedef struct {
    int score;
    flag_level level;
    int nreasons;
    bool snoozed;          /* open and snoozed: today < snooze until (score 0, no reasons) */
    bool revisit_due;      /* moved on, and revisit <= today */
    int days_in_stage;
    int stage_index;       /* the deal's stage in cfg->stages; -1: not one of them */
    bool without_text;     /* made by rules_score: reasons name the rule, no words */
    /* Last: only the first nreasons are set (the rest is never cleared:
     * listings evaluate every deal). */
    flag_reason reasons[RULE_COUNT];
} flag_result;

/* Pure: depends only on its arguments. Closed deals score 0.
 * A snooze "until D" silences the deal on every day before D; on D itself the
 * snooze has ended and the rules apply again (SPEC: "not flagged before then").
 * A revisit date D makes a moved-on deal due for review from D on. */
void rules_evaluate(const pipeline_cfg *cfg, const deal *d, db_day today, flag_result *out);
/* The same score and level without writing the reasons in words: for sorting
 * and filtering large lists. */
void rules_score(const pipeline_cfg *cfg, const deal *d, db_day today, flag_result *out);
const char *flag_level_name(flag_level level);   /* "none", "watch", "move-on" */
const char *flag_level_label(flag_level level);  /* "", "watch", "move on?" */
int deal_days_in_stage(const deal *d, db_day today);

#endif
