#include "rules.h"

#include <stddef.h>
#include <string.h>

#include "learned_limits.h"
#include "plan.h"
#include "people.h"
#include "exit.h"
#include "text.h"
#include "touches.h"
#include "util.h"

int deal_days_in_stage(const deal *d, db_day today)
{
    db_day since = d->stage_entered != DAY_NONE ? d->stage_entered : d->created;
    return since == DAY_NONE || today < since ? 0 : today - since;
}

/* A reason's words, written piece by piece into its text; a piece that
 * does not fit is cut (only a long stage name can be that long). Literal
 * pieces are copied with their length known at compile time: listings word
 * the reasons of every flagged deal. */
typedef struct {
    flag_reason *reason;
    size_t len;
    bool fits;
} words;

static inline void put(words *w, const char *s, size_t n)
{
    size_t room = sizeof w->reason->text - 1 - w->len;
    if (n > room) {
        n = room;
        w->fits = false;
    }
    memcpy(w->reason->text + w->len, s, n);
    w->len += n;
}

#define PUT(w, literal) put(w, literal, sizeof literal - 1)

static void put_str(words *w, const char *s) { put(w, s, strlen(s)); }

static void put_int(words *w, int v)
{
    char num[16], *p = num + sizeof num;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    put(w, p, (size_t)(num + sizeof num - p));
}

/* "1 day", "2 days" */
static void put_count(words *w, int n, const char *unit)
{
    put_int(w, n);
    put_str(w, unit);
    if (n != 1)
        PUT(w, "s");
}

/* Records that the rule fired; true when its words are wanted: the caller
 * writes them into *w and ends them with said(). */
static bool fire(const pipeline_cfg *cfg, flag_result *out, rule_id rule, words *w)
{
    flag_reason *reason = &out->reasons[out->nreasons++];
    reason->rule = rule;
    reason->text[0] = '\0';
    out->score += cfg->rules[rule].weight;
    *w = (words){reason, 0, true};
    return !out->without_text;
}

static void said(words *w)
{
    w->reason->text[w->len] = '\0';
    if (!w->fits)                         /* a long stage name was cut */
        text_trim_partial_utf8(w->reason->text);
}

static bool on(const pipeline_cfg *cfg, rule_id rule) { return cfg->rules[rule].enabled; }

/* "41 days in Explore; 80% of won deals left Explore within 28 (23 deals)",
 * and the limit after it when the configured max_days pulled it elsewhere
 * (thin history: learned_limits.h). */
static void say_learned(words *w, const stage_def *stage)
{
    const learned_limit *l = &stage->learned;
    PUT(w, "; 80% of won deals left ");
    put_str(w, stage->name);
    PUT(w, " within ");
    put_int(w, l->p80_won);
    PUT(w, " (");
    put_count(w, l->won, " deal");
    PUT(w, ")");
    if (l->limit != l->p80_won) {
        PUT(w, ", limit ");
        put_int(w, l->limit);
    }
}

static void check_stalled(const pipeline_cfg *cfg, int stage_index, flag_result *out)
{
    const stage_def *stage = stage_index >= 0 ? &cfg->stages[stage_index] : NULL;
    words w;
    if (!on(cfg, RULE_STALLED) || !stage || out->days_in_stage <= stage_stalled_limit(stage) ||
        !fire(cfg, out, RULE_STALLED, &w))
        return;
    put_count(&w, out->days_in_stage, " day");          /* "34 days in Define, limit 21" */
    PUT(&w, " in ");
    put_str(&w, stage->name);
    if (stage->learned.won > 0) {
        say_learned(&w, stage);
    } else {
        PUT(&w, ", limit ");
        put_int(&w, stage->max_days);
    }
    said(&w);
}

/* "quiet": {"buyer": true}: the silence is the buyer's; our own touches
 * since their last one are counted, not taken for an answer (SPEC §9). */
static void check_buyer_quiet(const pipeline_cfg *cfg, const deal *d, db_day today,
                              flag_result *out)
{
    int limit = cfg->rules[RULE_QUIET].threshold;
    touch_summary t = deal_touches(d);     /* light deals carry it: no log needed */
    db_day since = t.last_in != DAY_NONE ? t.last_in : d->created;
    words w;
    if (since == DAY_NONE || today - since <= limit || !fire(cfg, out, RULE_QUIET, &w))
        return;
    if (t.unanswered > 0) {                 /* "you touched 5 times in 21 days; " */
        PUT(&w, "you touched ");
        put_count(&w, t.unanswered, " time");
        if (today - t.first_unanswered > 0) {
            PUT(&w, " in ");
            put_count(&w, today - t.first_unanswered, " day");
        } else {
            PUT(&w, " today");
        }
        PUT(&w, "; ");
    }
    if (t.last_in != DAY_NONE) {
        PUT(&w, "the buyer last replied ");
    } else {
        PUT(&w, "the buyer never replied, created ");
    }
    put_count(&w, today - since, " day");
    PUT(&w, " ago, limit ");
    put_int(&w, limit);
    said(&w);
}

static void check_quiet(const pipeline_cfg *cfg, const deal *d, db_day today, flag_result *out)
{
    if (!on(cfg, RULE_QUIET))
        return;
    if (cfg->rules[RULE_QUIET].buyer) {
        check_buyer_quiet(cfg, d, today, out);
        return;
    }
    int limit = cfg->rules[RULE_QUIET].threshold;
    words w;
    if (d->last_touch != DAY_NONE) {
        int days = today - d->last_touch;
        if (days <= limit || !fire(cfg, out, RULE_QUIET, &w))
            return;
        PUT(&w, "no touch for ");
        put_count(&w, days, " day");
    } else if (d->created != DAY_NONE && today - d->created > limit) {
        int days = today - d->created;
        if (!fire(cfg, out, RULE_QUIET, &w))
            return;
        PUT(&w, "never touched, created ");
        put_count(&w, days, " day");
        PUT(&w, " ago");
    } else {
        return;
    }
    PUT(&w, ", limit ");
    put_int(&w, limit);
    said(&w);
}

static void check_close_date(const pipeline_cfg *cfg, const deal *d, db_day today,
                             flag_result *out)
{
    int pushes = d->close_date_pushes;
    words w;
    /* pushes > 0: a threshold of 0 must not flag deals that were never pushed. */
    if (on(cfg, RULE_BACK_BURNER) && pushes >= cfg->rules[RULE_BACK_BURNER].threshold &&
        pushes > 0 && fire(cfg, out, RULE_BACK_BURNER, &w)) {
        PUT(&w, "close date pushed ");
        put_count(&w, pushes, " time");
        said(&w);
    }
    if (on(cfg, RULE_PAST_CLOSE) && d->close_date != DAY_NONE && d->close_date < today &&
        fire(cfg, out, RULE_PAST_CLOSE, &w)) {
        char date[DATE_LEN];
        date_format(d->close_date, date);
        PUT(&w, "close date ");
        put_str(&w, date);
        PUT(&w, " passed ");
        put_count(&w, today - d->close_date, " day");
        PUT(&w, " ago");
        said(&w);
    }
}

static void check_next_step(const pipeline_cfg *cfg, const deal *d, db_day today,
                            flag_result *out)
{
    words w;
    if (!deal_has_next_step(d)) {
        if (on(cfg, RULE_NO_NEXT_STEP) && fire(cfg, out, RULE_NO_NEXT_STEP, &w)) {
            PUT(&w, "no next step");
            said(&w);
        }
        return;
    }
    int grace = cfg->rules[RULE_OVERDUE_STEP].threshold;
    if (on(cfg, RULE_OVERDUE_STEP) && d->next_due != DAY_NONE && today - d->next_due > grace &&
        fire(cfg, out, RULE_OVERDUE_STEP, &w)) {
        PUT(&w, "next step overdue by ");
        put_count(&w, today - d->next_due, " day");
        said(&w);
    }
}

static void check_why_change(const pipeline_cfg *cfg, const deal *d, int stage,
                             flag_result *out)
{
    bool no_sq = !deal_has_status_quo(d), no_insight = !deal_has_insight(d);
    if (!on(cfg, RULE_NO_WHY_CHANGE) || stage < 0 || (!no_sq && !no_insight))
        return;
    int define = config_define_stage(cfg);
    words w;
    if (define < 0 || stage < define || !fire(cfg, out, RULE_NO_WHY_CHANGE, &w))
        return;
    PUT(&w, "no ");
    put_str(&w, no_sq && no_insight ? "status quo or insight" : no_sq ? "status quo" : "insight");
    PUT(&w, " recorded");
    said(&w);
}

/* The shared plan (pipeline/plan.h): the buyer's earliest open step overdue
 * by more than the rule's days; and from Define on, no buyer step ahead. */
static void check_plan(const pipeline_cfg *cfg, const deal *d, int stage, db_day today,
                       flag_result *out)
{
    if (!on(cfg, RULE_BUYER_STEP_OVERDUE) && !on(cfg, RULE_NO_BUYER_STEP))
        return;                             /* both off (the default): nothing to summarize */
    plan_summary plan = plan_summarize(d);
    int grace = cfg->rules[RULE_BUYER_STEP_OVERDUE].threshold;
    words w;
    if (on(cfg, RULE_BUYER_STEP_OVERDUE) && plan.buyer_due != DAY_NONE &&
        today - plan.buyer_due > grace && fire(cfg, out, RULE_BUYER_STEP_OVERDUE, &w)) {
        PUT(&w, "buyer step overdue by ");
        put_count(&w, today - plan.buyer_due, " day");
        said(&w);
    }
    int define = config_define_stage(cfg);
    if (on(cfg, RULE_NO_BUYER_STEP) && plan.buyer_open == 0 && define >= 0 && stage >= define &&
        fire(cfg, out, RULE_NO_BUYER_STEP, &w)) {
        PUT(&w, "no buyer step planned");
        said(&w);
    }
}

/* Exit evidence (pipeline/exit.h): a stage before this one, with exit
 * outcomes in pipeline.json, and nothing recorded as seen when it was left. */
static void check_exit_evidence(const pipeline_cfg *cfg, const deal *d, int stage,
                                flag_result *out)
{
    if (!on(cfg, RULE_NO_EXIT_EVIDENCE) || stage <= 0)
        return;
    int latest, missing = exit_missing(cfg, d, stage, &latest);
    words w;
    if (!missing || !fire(cfg, out, RULE_NO_EXIT_EVIDENCE, &w))
        return;
    PUT(&w, "in ");
    put_str(&w, cfg->stages[stage].name);
    PUT(&w, "; nothing recorded that ");
    put_str(&w, cfg->stages[latest].name);
    PUT(&w, " was done");
    if (missing > 1) {
        PUT(&w, ", nor ");
        put_count(&w, missing - 1, " stage");
        PUT(&w, " before it");
    }
    said(&w);
}

/* The buying committee (pipeline/people.h): from the evaluation stage
 * (config_evaluation_stage) on, nobody known
 * as the decision-maker; a champion whose latest dated contact is more than
 * the rule's days ago (a champion with no contact dated yet says nothing). */
static void check_people(const pipeline_cfg *cfg, const deal *d, int stage, db_day today,
                         flag_result *out)
{
    if (!on(cfg, RULE_NO_DECISION_MAKER) && !on(cfg, RULE_CHAMPION_SILENT))
        return;                             /* both off (the default): nothing to summarize */
    people_summary people = people_summarize(d);
    int evaluate = config_evaluation_stage(cfg);
    words w;
    if (on(cfg, RULE_NO_DECISION_MAKER) && !people.decision_maker && evaluate >= 0 &&
        stage >= evaluate && fire(cfg, out, RULE_NO_DECISION_MAKER, &w)) {
        PUT(&w, "no decision-maker known");
        said(&w);
    }
    int days = cfg->rules[RULE_CHAMPION_SILENT].threshold;
    if (on(cfg, RULE_CHAMPION_SILENT) && people.champion_contact != DAY_NONE &&
        today - people.champion_contact > days && fire(cfg, out, RULE_CHAMPION_SILENT, &w)) {
        PUT(&w, "champion silent for ");
        put_count(&w, today - people.champion_contact, " day");
        said(&w);
    }
}

static void evaluate(const pipeline_cfg *cfg, const deal *d, db_day today, flag_result *out,
                     bool with_text)
{
    memset(out, 0, offsetof(flag_result, reasons));
    out->without_text = !with_text;
    out->days_in_stage = deal_days_in_stage(d, today);
    int stage = out->stage_index = config_stage_index(cfg, d->stage);   /* looked up once */
    if (d->status == STATUS_MOVED_ON && d->revisit != DAY_NONE && d->revisit <= today)
        out->revisit_due = true;
    if (!deal_is_open(d))
        return;
    if (d->snooze_until != DAY_NONE && today < d->snooze_until) {   /* ends ON the until day */
        out->snoozed = true;
        return;
    }
    check_stalled(cfg, stage, out);
    check_quiet(cfg, d, today, out);
    check_close_date(cfg, d, today, out);
    check_next_step(cfg, d, today, out);
    check_why_change(cfg, d, stage, out);
    check_plan(cfg, d, stage, today, out);
    check_exit_evidence(cfg, d, stage, out);
    check_people(cfg, d, stage, today, out);
    if (out->score >= cfg->level_move_on)
        out->level = LEVEL_MOVE_ON;
    else if (out->score >= cfg->level_watch)
        out->level = LEVEL_WATCH;
}

void rules_evaluate(const pipeline_cfg *cfg, const deal *d, db_day today, flag_result *out)
{
    evaluate(cfg, d, today, out, true);
}

void rules_score(const pipeline_cfg *cfg, const deal *d, db_day today, flag_result *out)
{
    evaluate(cfg, d, today, out, false);
}

const char *flag_level_name(flag_level level)
{
    return level == LEVEL_MOVE_ON ? "move-on" : level == LEVEL_WATCH ? "watch" : "none";
}

const char *flag_level_label(flag_level level)
{
    return level == LEVEL_MOVE_ON ? "move on?" : level == LEVEL_WATCH ? "watch" : "";
}
