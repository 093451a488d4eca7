/* The move-on rules (SPEC §1): every rule at its boundary (limit − 1, equal,
 * + 1), snooze and revisit dates, levels, weights and thresholds read from a
 * pipeline.json, disabled rules, and the exact words of every reason. */
#include "flag_fixture.h"

#include <stdio.h>

#include "../../pipeline/exit.h"
#include "../../pipeline/text.h"

typedef struct {
    pipeline_cfg cfg;
    deal *d;
    flag_result f;
} world;

static int setup(void **state)
{
    world *w = xcalloc(1, sizeof *w);
    fixture_default_config(&w->cfg);
    w->d = fixture_clean_deal("acme-rollout-7f3a9c", "Acme rollout");
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    deal_destroy(w->d);
    config_free(&w->cfg);
    free(w);
    return 0;
}

static const flag_result *eval(world *w, db_day today)
{
    rules_evaluate(&w->cfg, w->d, today, &w->f);
    return &w->f;
}

/* Asserts that `rule` fired with exactly `text`. */
static void assert_reason(const flag_result *f, rule_id rule, const char *text)
{
    int i = fixture_reason(f, rule);
    if (i < 0)
        fail_msg("rule %s did not fire (expected \"%s\")", rule_name(rule), text);
    assert_string_equal(f->reasons[i].text, text);
}

static void assert_quiet_rule(const flag_result *f, rule_id rule)
{
    if (fixture_reason(f, rule) >= 0)
        fail_msg("rule %s fired: %s", rule_name(rule), f->reasons[fixture_reason(f, rule)].text);
}

static void clean_deal_is_not_flagged(void **state)
{
    const flag_result *f = eval(*state, TODAY);
    assert_int_equal(f->nreasons, 0);
    assert_int_equal(f->score, 0);
    assert_int_equal(f->level, LEVEL_NONE);
    assert_int_equal(f->days_in_stage, 10);
    assert_false(f->snoozed);
    assert_false(f->revisit_due);
}

/* ---- stalled: days in stage > the stage's max_days (Explore: 30) ---- */

static void stalled_boundary(void **state)
{
    world *w = *state;
    w->d->stage_entered = TODAY - 29;
    assert_quiet_rule(eval(w, TODAY), RULE_STALLED);
    w->d->stage_entered = TODAY - 30;
    assert_quiet_rule(eval(w, TODAY), RULE_STALLED);
    w->d->stage_entered = TODAY - 31;
    const flag_result *f = eval(w, TODAY);
    assert_reason(f, RULE_STALLED, "31 days in Explore, limit 30");
    assert_int_equal(f->score, 2);
    assert_int_equal(f->level, LEVEL_WATCH);
}

static void stalled_counts_from_created_without_stage_entered(void **state)
{
    world *w = *state;
    w->d->stage_entered = DAY_NONE;
    w->d->created = TODAY - 34;
    deal_set_str(&w->d->stage, "define");
    const flag_result *f = eval(w, TODAY);
    assert_int_equal(f->days_in_stage, 34);
    assert_reason(f, RULE_STALLED, "34 days in Define, limit 21");
}

static void stalled_ignores_unknown_stage(void **state)
{
    world *w = *state;
    deal_set_str(&w->d->stage, "negotiation");
    w->d->stage_entered = TODAY - 400;
    assert_quiet_rule(eval(w, TODAY), RULE_STALLED);
}

/* ---- quiet: days since last touch > 14; never touched: since created ---- */

static void quiet_boundary(void **state)
{
    world *w = *state;
    w->d->last_touch = TODAY - 13;
    assert_quiet_rule(eval(w, TODAY), RULE_QUIET);
    w->d->last_touch = TODAY - 14;
    assert_quiet_rule(eval(w, TODAY), RULE_QUIET);
    w->d->last_touch = TODAY - 15;
    assert_reason(eval(w, TODAY), RULE_QUIET, "no touch for 15 days, limit 14");
    w->d->last_touch = TODAY - 19;
    assert_reason(eval(w, TODAY), RULE_QUIET, "no touch for 19 days, limit 14");
}

static void quiet_never_touched_counts_from_created(void **state)
{
    world *w = *state;
    w->d->last_touch = DAY_NONE;
    w->d->stage_entered = w->d->created = TODAY - 14;
    assert_quiet_rule(eval(w, TODAY), RULE_QUIET);
    w->d->stage_entered = w->d->created = TODAY - 15;
    assert_reason(eval(w, TODAY), RULE_QUIET, "never touched, created 15 days ago, limit 14");
}

/* ---- back-burner: close date pushed 2 or more times ---- */

static void back_burner_boundary(void **state)
{
    world *w = *state;
    w->d->close_date_pushes = 1;
    assert_quiet_rule(eval(w, TODAY), RULE_BACK_BURNER);
    w->d->close_date_pushes = 2;
    assert_reason(eval(w, TODAY), RULE_BACK_BURNER, "close date pushed 2 times");
    w->d->close_date_pushes = 3;
    assert_reason(eval(w, TODAY), RULE_BACK_BURNER, "close date pushed 3 times");
}

/* ---- past-close: close date before today ---- */

static void past_close_boundary(void **state)
{
    world *w = *state;
    w->d->close_date = TODAY + 1;
    assert_quiet_rule(eval(w, TODAY), RULE_PAST_CLOSE);
    w->d->close_date = TODAY;
    assert_quiet_rule(eval(w, TODAY), RULE_PAST_CLOSE);
    w->d->close_date = TODAY - 1;
    assert_reason(eval(w, TODAY), RULE_PAST_CLOSE, "close date 2026-11-19 passed 1 day ago");
    w->d->close_date = TODAY - 7;
    assert_reason(eval(w, TODAY), RULE_PAST_CLOSE, "close date 2026-11-13 passed 7 days ago");
    w->d->close_date = DAY_NONE;
    assert_quiet_rule(eval(w, TODAY), RULE_PAST_CLOSE);
}

/* ---- no-next-step and overdue-step (more than 3 days past due) ---- */

static void no_next_step(void **state)
{
    world *w = *state;
    deal_set_str(&w->d->next_text, NULL);
    const flag_result *f = eval(w, TODAY);
    assert_reason(f, RULE_NO_NEXT_STEP, "no next step");
    assert_int_equal(f->score, 1);
    assert_int_equal(f->level, LEVEL_NONE);
    deal_set_str(&w->d->next_text, "");
    assert_reason(eval(w, TODAY), RULE_NO_NEXT_STEP, "no next step");
    assert_quiet_rule(&w->f, RULE_OVERDUE_STEP);   /* a due date without a step is moot */
}

static void overdue_step_boundary(void **state)
{
    world *w = *state;
    w->d->next_due = TODAY - 2;
    assert_quiet_rule(eval(w, TODAY), RULE_OVERDUE_STEP);
    w->d->next_due = TODAY - 3;
    assert_quiet_rule(eval(w, TODAY), RULE_OVERDUE_STEP);
    w->d->next_due = TODAY - 4;
    const flag_result *f = eval(w, TODAY);
    assert_reason(f, RULE_OVERDUE_STEP, "next step overdue by 4 days");
    assert_int_equal(f->score, 1);
    w->d->next_due = DAY_NONE;
    assert_quiet_rule(eval(w, TODAY), RULE_OVERDUE_STEP);
}

/* ---- no-why-change: Define or later without status quo or insight ---- */

static void no_why_change_from_define_on(void **state)
{
    world *w = *state;
    deal_set_str(&w->d->status_quo, NULL);
    deal_set_str(&w->d->stage, "recognize");
    w->d->stage_entered = TODAY - 1;
    assert_quiet_rule(eval(w, TODAY), RULE_NO_WHY_CHANGE);
    deal_set_str(&w->d->stage, "define");
    assert_reason(eval(w, TODAY), RULE_NO_WHY_CHANGE, "no status quo recorded");
    deal_set_str(&w->d->stage, "decide");
    assert_reason(eval(w, TODAY), RULE_NO_WHY_CHANGE, "no status quo recorded");
}

static void no_why_change_wording(void **state)
{
    world *w = *state;
    deal_set_str(&w->d->insight, "");
    assert_reason(eval(w, TODAY), RULE_NO_WHY_CHANGE, "no insight recorded");
    deal_set_str(&w->d->status_quo, " \t ");          /* blank is empty */
    assert_reason(eval(w, TODAY), RULE_NO_WHY_CHANGE, "no status quo or insight recorded");
    assert_int_equal(w->f.score, 1);
}

static void no_why_change_needs_a_define_stage(void **state)
{
    world *w = *state;
    config_free(&w->cfg);
    fixture_config("{\"stages\": [{\"id\": \"lead\", \"name\": \"Lead\"},"
                   " {\"id\": \"deal\", \"name\": \"Deal\", \"max_days\": 90}]}",
                   &w->cfg);
    deal_set_str(&w->d->stage, "deal");
    deal_set_str(&w->d->status_quo, NULL);
    assert_quiet_rule(eval(w, TODAY), RULE_NO_WHY_CHANGE);
}

/* ---- the shared plan: buyer-step-overdue and no-buyer-step (off by default) ---- */

static void plan_rules_on(world *w, int days)
{
    config_free(&w->cfg);
    char json[256];
    snprintf(json, sizeof json,
             "{\"rules\": {\"buyer-step-overdue\": {\"enabled\": true, \"days\": %d},"
             " \"no-buyer-step\": {\"enabled\": true}}}", days);
    fixture_config(json, &w->cfg);
}

static void plan_rules_off_by_default(void **state)
{
    world *w = *state;
    deal_add_plan_step(w->d, "p000001", PLAN_BUYER, "Security review", TODAY - 30, DAY_NONE, NULL);
    assert_quiet_rule(eval(w, TODAY), RULE_BUYER_STEP_OVERDUE);
    deal_remove_plan_step(w->d, 0);
    assert_quiet_rule(eval(w, TODAY), RULE_NO_BUYER_STEP);
    assert_int_equal(w->f.score, 0);
}

static void buyer_step_overdue_boundary(void **state)
{
    world *w = *state;
    plan_rules_on(w, 0);
    deal_add_plan_step(w->d, "p000001", PLAN_BUYER, "Security review", TODAY, DAY_NONE, NULL);
    assert_quiet_rule(eval(w, TODAY), RULE_BUYER_STEP_OVERDUE);    /* due today: not yet */
    w->d->plan[0].due = TODAY - 1;
    const flag_result *f = eval(w, TODAY);
    assert_reason(f, RULE_BUYER_STEP_OVERDUE, "buyer step overdue by 1 day");
    assert_int_equal(f->score, 1);
    w->d->plan[0].due = TODAY - 5;
    assert_reason(eval(w, TODAY), RULE_BUYER_STEP_OVERDUE, "buyer step overdue by 5 days");
    plan_rules_on(w, 5);                                          /* "days": a grace */
    assert_quiet_rule(eval(w, TODAY), RULE_BUYER_STEP_OVERDUE);
    w->d->plan[0].due = TODAY - 6;
    assert_reason(eval(w, TODAY), RULE_BUYER_STEP_OVERDUE, "buyer step overdue by 6 days");
}

/* Only the buyer's open steps count: ours, done ones and undated ones do not. */
static void buyer_step_overdue_counts_open_buyer_steps(void **state)
{
    world *w = *state;
    plan_rules_on(w, 0);
    deal_add_plan_step(w->d, "p000001", PLAN_US, "Send the DPA", TODAY - 9, DAY_NONE, NULL);
    deal_add_plan_step(w->d, "p000002", PLAN_BUYER, "IT review", TODAY - 8, TODAY - 7, "ok");
    deal_add_plan_step(w->d, "p000003", PLAN_BUYER, "Reference call", DAY_NONE, DAY_NONE, NULL);
    assert_quiet_rule(eval(w, TODAY), RULE_BUYER_STEP_OVERDUE);
    assert_quiet_rule(eval(w, TODAY), RULE_NO_BUYER_STEP);        /* p000003 is ahead */
    deal_add_plan_step(w->d, "p000004", PLAN_BUYER, "CFO signs", TODAY - 3, DAY_NONE, NULL);
    deal_add_plan_step(w->d, "p000005", PLAN_BUYER, "Board", TODAY - 2, DAY_NONE, NULL);
    assert_reason(eval(w, TODAY), RULE_BUYER_STEP_OVERDUE, "buyer step overdue by 3 days");
}

static void no_buyer_step_from_define_on(void **state)
{
    world *w = *state;
    plan_rules_on(w, 0);
    deal_set_str(&w->d->stage, "recognize");
    assert_quiet_rule(eval(w, TODAY), RULE_NO_BUYER_STEP);
    deal_set_str(&w->d->stage, "define");
    const flag_result *f = eval(w, TODAY);
    assert_reason(f, RULE_NO_BUYER_STEP, "no buyer step planned");
    assert_int_equal(f->score, 1);
    deal_add_plan_step(w->d, "p000001", PLAN_US, "Send the DPA", TODAY + 3, DAY_NONE, NULL);
    assert_reason(eval(w, TODAY), RULE_NO_BUYER_STEP, "no buyer step planned");   /* ours */
    deal_add_plan_step(w->d, "p000002", PLAN_BUYER, "IT review", TODAY + 3, TODAY, NULL);
    assert_reason(eval(w, TODAY), RULE_NO_BUYER_STEP, "no buyer step planned");   /* done */
    deal_add_plan_step(w->d, "p000003", PLAN_BUYER, "CFO signs", DAY_NONE, DAY_NONE, NULL);
    assert_quiet_rule(eval(w, TODAY), RULE_NO_BUYER_STEP);
    deal_set_str(&w->d->stage, "decide");
    assert_quiet_rule(eval(w, TODAY), RULE_NO_BUYER_STEP);
}

/* A light deal (lists, flags, the board) carries only the plan's summary:
 * the rules say the same of it as of the whole deal. */
static void plan_rules_on_light_deals(void **state)
{
    world *w = *state;
    plan_rules_on(w, 0);
    deal_set_str(&w->d->stage, "define");
    deal_add_plan_step(w->d, "p000001", PLAN_BUYER, "IT review", TODAY - 4, DAY_NONE, NULL);
    flag_result whole;
    rules_evaluate(&w->cfg, w->d, TODAY, &whole);
    deal_make_light(w->d);
    assert_int_equal(w->d->nplan, 0);
    const flag_result *f = eval(w, TODAY);
    assert_reason(f, RULE_BUYER_STEP_OVERDUE, "buyer step overdue by 4 days");
    assert_quiet_rule(f, RULE_NO_BUYER_STEP);
    assert_int_equal(f->score, whole.score);
}

/* ---- no-exit-evidence: a stage left without recording what showed it done ---- */

static void exit_rule_on(world *w, const char *stages)
{
    config_free(&w->cfg);
    char json[1024];
    snprintf(json, sizeof json, "{%s%s\"rules\": {\"no-exit-evidence\": {\"enabled\": true}}}",
             stages ? stages : "", stages ? ", " : "");
    fixture_config(json, &w->cfg);
}

static void record(deal *d, const char *id, const char *stage)
{
    exit_record_add_seen(deal_add_exit_record(d, id, stage, TODAY - 3), "they said so");
}

static void exit_rule_off_by_default(void **state)
{
    world *w = *state;
    deal_set_str(&w->d->stage, "evaluate");
    assert_quiet_rule(eval(w, TODAY), RULE_NO_EXIT_EVIDENCE);
    assert_int_equal(w->f.score, 0);
}

/* The boundary is the stage: the first stage has none before it; the
 * second has the first; the reason names the latest stage missing. */
static void exit_rule_stage_boundary(void **state)
{
    world *w = *state;
    exit_rule_on(w, NULL);
    deal_set_str(&w->d->stage, "status-quo");
    assert_quiet_rule(eval(w, TODAY), RULE_NO_EXIT_EVIDENCE);
    deal_set_str(&w->d->stage, "recognize");
    const flag_result *f = eval(w, TODAY);
    assert_reason(f, RULE_NO_EXIT_EVIDENCE, "in Recognize; nothing recorded that Status quo was done");
    assert_int_equal(f->score, 1);
    record(w->d, "e000001", "status-quo");
    assert_quiet_rule(eval(w, TODAY), RULE_NO_EXIT_EVIDENCE);
    deal_set_str(&w->d->stage, "define");
    assert_reason(eval(w, TODAY), RULE_NO_EXIT_EVIDENCE,
                  "in Define; nothing recorded that Recognize was done");
    deal_set_str(&w->d->stage, "evaluate");
    assert_reason(eval(w, TODAY), RULE_NO_EXIT_EVIDENCE,
                  "in Evaluate; nothing recorded that Explore was done, nor 2 stages before it");
    record(w->d, "e000002", "recognize");
    record(w->d, "e000003", "explore");
    assert_reason(eval(w, TODAY), RULE_NO_EXIT_EVIDENCE,
                  "in Evaluate; nothing recorded that Define was done");
    record(w->d, "e000004", "define");
    assert_quiet_rule(eval(w, TODAY), RULE_NO_EXIT_EVIDENCE);
}

/* A record with nothing seen is no evidence; a record for another stage
 * is none for this one; stages without exit outcomes are not asked for any. */
static void exit_rule_counts_what_was_seen(void **state)
{
    world *w = *state;
    exit_rule_on(w, "\"stages\": [{\"id\": \"a\", \"name\": \"A\", \"exit\": [\"x\"]},"
                    " {\"id\": \"b\", \"name\": \"B\"}, {\"id\": \"c\", \"name\": \"C\"}]");
    deal_set_str(&w->d->stage, "c");
    deal_add_exit_record(w->d, "e000001", "a", TODAY);           /* nothing seen */
    record(w->d, "e000002", "ab");
    assert_reason(eval(w, TODAY), RULE_NO_EXIT_EVIDENCE, "in C; nothing recorded that A was done");
    record(w->d, "e000003", "a");
    assert_quiet_rule(eval(w, TODAY), RULE_NO_EXIT_EVIDENCE);    /* B has no outcomes */
    w->d->status = STATUS_WON;
    w->d->evidence[2].nseen = 0;                                   /* closed: never flagged */
    assert_quiet_rule(eval(w, TODAY), RULE_NO_EXIT_EVIDENCE);
    w->d->evidence[2].nseen = 1;
}

/* A light deal carries only which stages have evidence: the same reasons. */
static void exit_rule_on_light_deals(void **state)
{
    world *w = *state;
    exit_rule_on(w, NULL);
    deal_set_str(&w->d->stage, "explore");
    record(w->d, "e000001", "recognize");
    record(w->d, "e000002", "status-quo");
    flag_result whole;
    rules_evaluate(&w->cfg, w->d, TODAY, &whole);
    deal_make_light(w->d);
    assert_int_equal(w->d->nevidence, 0);
    assert_string_equal(w->d->evidence_stages, " recognize status-quo ");
    const flag_result *f = eval(w, TODAY);
    assert_reason(f, RULE_NO_EXIT_EVIDENCE, "in Explore; nothing recorded that Define was done");
    assert_int_equal(f->score, whole.score);
    deal_set_str(&w->d->stage, "define");
    assert_quiet_rule(eval(w, TODAY), RULE_NO_EXIT_EVIDENCE);
}

/* ---- score, levels, every reason in order ---- */

/* ---- the buying committee: no-decision-maker and champion-silent (off by default) ---- */

static void people_rules_on(world *w, int days)
{
    config_free(&w->cfg);
    char json[256];
    snprintf(json, sizeof json,
             "{\"rules\": {\"no-decision-maker\": {\"enabled\": true},"
             " \"champion-silent\": {\"enabled\": true, \"days\": %d}}}", days);
    fixture_config(json, &w->cfg);
}

static void people_rules_off_by_default(void **state)
{
    world *w = *state;
    deal_set_str(&w->d->stage, "evaluate");
    deal_add_person(w->d, "h000001", "Pia", "champion", "", TODAY - 300);
    const flag_result *f = eval(w, TODAY);
    assert_quiet_rule(f, RULE_NO_DECISION_MAKER);
    assert_quiet_rule(f, RULE_CHAMPION_SILENT);
}

static void no_decision_maker_from_evaluate_on(void **state)
{
    world *w = *state;
    people_rules_on(w, 21);
    deal_set_str(&w->d->stage, "explore");                 /* the stage before: not yet */
    assert_quiet_rule(eval(w, TODAY), RULE_NO_DECISION_MAKER);
    deal_set_str(&w->d->stage, "evaluate");
    const flag_result *f = eval(w, TODAY);
    assert_reason(f, RULE_NO_DECISION_MAKER, "no decision-maker known");
    assert_int_equal(f->score, 1);
    deal_add_person(w->d, "h000001", "Pia", "champion", "", DAY_NONE);
    deal_add_person(w->d, "h000002", "Ola", "finance", "", DAY_NONE);
    assert_reason(eval(w, TODAY), RULE_NO_DECISION_MAKER, "no decision-maker known");
    deal_add_person(w->d, "h000003", "Ana", "decision-maker", "", DAY_NONE);
    assert_quiet_rule(eval(w, TODAY), RULE_NO_DECISION_MAKER);
    deal_remove_person(w->d, 2);
    deal_set_str(&w->d->stage, "decide");                  /* later stages too */
    assert_reason(eval(w, TODAY), RULE_NO_DECISION_MAKER, "no decision-maker known");
}

static void champion_silent_boundary(void **state)
{
    world *w = *state;
    people_rules_on(w, 21);
    deal_add_person(w->d, "h000001", "Pia", "champion", "", DAY_NONE);
    assert_quiet_rule(eval(w, TODAY), RULE_CHAMPION_SILENT);    /* no contact dated yet */
    w->d->people[0].last_contact = TODAY - 21;
    assert_quiet_rule(eval(w, TODAY), RULE_CHAMPION_SILENT);    /* exactly N days: not yet */
    w->d->people[0].last_contact = TODAY - 22;
    const flag_result *f = eval(w, TODAY);
    assert_reason(f, RULE_CHAMPION_SILENT, "champion silent for 22 days");
    assert_int_equal(f->score, 1);
    people_rules_on(w, 0);                                      /* N configurable */
    w->d->people[0].last_contact = TODAY;
    assert_quiet_rule(eval(w, TODAY), RULE_CHAMPION_SILENT);
    w->d->people[0].last_contact = TODAY - 1;
    assert_reason(eval(w, TODAY), RULE_CHAMPION_SILENT, "champion silent for 1 day");
}

/* The champion spoken with last counts; other roles' contacts do not. */
static void champion_silent_counts_the_latest_champion(void **state)
{
    world *w = *state;
    people_rules_on(w, 21);
    deal_add_person(w->d, "h000001", "Ana", "decision-maker", "", TODAY);
    deal_add_person(w->d, "h000002", "Pia", "champion", "", TODAY - 40);
    assert_reason(eval(w, TODAY), RULE_CHAMPION_SILENT, "champion silent for 40 days");
    deal_add_person(w->d, "h000003", "Bo", "champion", "", DAY_NONE);
    assert_reason(eval(w, TODAY), RULE_CHAMPION_SILENT, "champion silent for 40 days");
    deal_add_person(w->d, "h000004", "Cy", "champion", "", TODAY - 3);
    assert_quiet_rule(eval(w, TODAY), RULE_CHAMPION_SILENT);
}

/* A light deal carries only the committee's summary: the same verdicts. */
static void people_rules_on_light_deals(void **state)
{
    world *w = *state;
    people_rules_on(w, 21);
    deal_set_str(&w->d->stage, "evaluate");
    deal_add_person(w->d, "h000001", "Pia", "champion", "", TODAY - 30);
    flag_result whole;
    rules_evaluate(&w->cfg, w->d, TODAY, &whole);
    deal_make_light(w->d);
    assert_int_equal(w->d->npeople, 0);
    const flag_result *f = eval(w, TODAY);
    assert_reason(f, RULE_NO_DECISION_MAKER, "no decision-maker known");
    assert_reason(f, RULE_CHAMPION_SILENT, "champion silent for 30 days");
    assert_int_equal(f->score, whole.score);
    assert_int_equal(f->score, 2);
}

static void levels_at_default_thresholds(void **state)
{
    world *w = *state;
    deal_set_str(&w->d->next_text, NULL);                /* 1 */
    assert_int_equal(eval(w, TODAY)->level, LEVEL_NONE);
    w->d->close_date_pushes = 2;                          /* 1 + 2 = 3 */
    assert_int_equal(eval(w, TODAY)->score, 3);
    assert_int_equal(w->f.level, LEVEL_WATCH);
    w->d->close_date = TODAY - 1;                         /* 3 + 2 = 5 */
    assert_int_equal(eval(w, TODAY)->score, 5);
    assert_int_equal(w->f.level, LEVEL_MOVE_ON);
    assert_string_equal(flag_level_name(w->f.level), "move-on");
    assert_string_equal(flag_level_label(w->f.level), "move on?");
}

static void every_rule_fires_in_order(void **state)
{
    world *w = *state;
    deal_set_str(&w->d->stage, "define");
    w->d->stage_entered = TODAY - 34;
    w->d->last_touch = TODAY - 19;
    w->d->close_date_pushes = 3;
    w->d->close_date = TODAY - 21;
    w->d->next_due = TODAY - 8;
    deal_set_str(&w->d->insight, NULL);
    const flag_result *f = eval(w, TODAY);
    const char *expected[] = {"34 days in Define, limit 21", "no touch for 19 days, limit 14",
                              "close date pushed 3 times",
                              "close date 2026-10-30 passed 21 days ago",
                              "next step overdue by 8 days", "no insight recorded"};
    assert_int_equal(f->nreasons, 6);
    for (int i = 0; i < 6; i++)
        assert_string_equal(f->reasons[i].text, expected[i]);
    assert_int_equal(f->score, 2 + 2 + 2 + 2 + 1 + 1);
    assert_int_equal(f->level, LEVEL_MOVE_ON);
}

static void singular_wording(void **state)
{
    world *w = *state;
    config_free(&w->cfg);
    fixture_config("{\"stages\": [{\"id\": \"explore\", \"name\": \"Explore\", \"max_days\": 0}],"
                   " \"rules\": {\"quiet\": {\"days\": 0}, \"back-burner\": {\"pushes\": 1},"
                   " \"overdue-step\": {\"days\": 0}}}",
                   &w->cfg);
    w->d->stage_entered = TODAY - 1;
    w->d->close_date_pushes = 1;
    w->d->next_due = TODAY - 1;
    const flag_result *f = eval(w, TODAY);
    assert_reason(f, RULE_STALLED, "1 day in Explore, limit 0");
    assert_reason(f, RULE_QUIET, "no touch for 1 day, limit 0");
    assert_reason(f, RULE_BACK_BURNER, "close date pushed 1 time");
    assert_reason(f, RULE_OVERDUE_STEP, "next step overdue by 1 day");
    w->d->last_touch = DAY_NONE;
    w->d->created = TODAY - 1;
    assert_reason(eval(w, TODAY), RULE_QUIET, "never touched, created 1 day ago, limit 0");
}

/* ---- snooze: not flagged before the until date; flagged again on it ---- */

static void snooze_ends_on_the_until_day(void **state)
{
    world *w = *state;
    w->d->close_date_pushes = 5;
    w->d->close_date = TODAY - 10;                 /* score 4: move on? */
    w->d->snooze_until = TODAY + 1;
    const flag_result *f = eval(w, TODAY);
    assert_true(f->snoozed);
    assert_int_equal(f->score, 0);
    assert_int_equal(f->nreasons, 0);
    assert_int_equal(f->level, LEVEL_NONE);
    assert_int_equal(f->days_in_stage, 10);
    w->d->snooze_until = TODAY;                     /* the snooze ends this morning */
    assert_false(eval(w, TODAY)->snoozed);
    assert_int_equal(w->f.level, LEVEL_MOVE_ON);
    w->d->snooze_until = TODAY - 1;
    assert_false(eval(w, TODAY)->snoozed);
    assert_int_equal(w->f.score, 4);
}

static void snooze_starts_the_day_it_is_set(void **state)
{
    world *w = *state;
    w->d->close_date = TODAY - 10;
    w->d->close_date_pushes = 2;
    w->d->snooze_until = TODAY + 14;
    /* There is no start date: any day before the until date is snoozed. */
    assert_true(eval(w, TODAY)->snoozed);
    assert_true(eval(w, TODAY + 13)->snoozed);
    assert_false(eval(w, TODAY + 14)->snoozed);
    assert_int_equal(w->f.level, LEVEL_MOVE_ON);
}

/* ---- closed deals and revisit dates ---- */

static void closed_deals_are_never_flagged(void **state)
{
    world *w = *state;
    deal_set_str(&w->d->next_text, NULL);
    w->d->close_date = TODAY - 30;
    w->d->close_date_pushes = 4;
    for (deal_status s = STATUS_WON; s < STATUS_COUNT; s++) {
        w->d->status = s;
        const flag_result *f = eval(w, TODAY);
        assert_int_equal(f->score, 0);
        assert_int_equal(f->nreasons, 0);
        assert_int_equal(f->level, LEVEL_NONE);
        assert_false(f->revisit_due);
    }
}

static void revisit_due_from_the_revisit_date(void **state)
{
    world *w = *state;
    w->d->status = STATUS_MOVED_ON;
    w->d->moved_on = true;
    w->d->revisit = TODAY + 1;
    assert_false(eval(w, TODAY)->revisit_due);
    w->d->revisit = TODAY;
    assert_true(eval(w, TODAY)->revisit_due);
    assert_int_equal(w->f.level, LEVEL_NONE);
    w->d->revisit = TODAY - 30;
    assert_true(eval(w, TODAY)->revisit_due);
    w->d->revisit = DAY_NONE;
    assert_false(eval(w, TODAY)->revisit_due);
    w->d->revisit = TODAY - 1;
    w->d->status = STATUS_OPEN;                    /* reopened: no longer a revisit */
    assert_false(eval(w, TODAY)->revisit_due);
    w->d->status = STATUS_LOST;
    assert_false(eval(w, TODAY)->revisit_due);
}

/* ---- configuration from pipeline.json ---- */

static const char *custom_pipeline =
    "{\"name\": \"Custom\", \"currency\": \"CHF\","
    " \"stages\": [{\"id\": \"define\", \"name\": \"Qualify\", \"probability\": 25, \"max_days\": 10},"
    "              {\"id\": \"explore\", \"name\": \"Solution\", \"probability\": 50, \"max_days\": 45}],"
    " \"rules\": {\"stalled\": {\"weight\": 5},"
    "            \"quiet\": {\"days\": 7, \"weight\": 3},"
    "            \"back-burner\": {\"pushes\": 4, \"weight\": 1},"
    "            \"past-close\": {\"enabled\": false},"
    "            \"no-next-step\": {\"weight\": 0},"
    "            \"overdue-step\": {\"days\": 0, \"weight\": 2},"
    "            \"no-why-change\": {\"weight\": 4}},"
    " \"levels\": {\"watch\": 3, \"move-on\": 6}}";

static void thresholds_from_pipeline_json(void **state)
{
    world *w = *state;
    config_free(&w->cfg);
    fixture_config(custom_pipeline, &w->cfg);
    w->d->stage_entered = TODAY - 45;              /* Solution: limit 45 */
    w->d->last_touch = TODAY - 7;
    w->d->close_date_pushes = 3;
    w->d->next_due = TODAY;
    assert_int_equal(eval(w, TODAY)->nreasons, 0);
    w->d->stage_entered = TODAY - 46;
    w->d->last_touch = TODAY - 8;
    w->d->close_date_pushes = 4;
    w->d->next_due = TODAY - 1;
    const flag_result *f = eval(w, TODAY);
    assert_reason(f, RULE_STALLED, "46 days in Solution, limit 45");
    assert_reason(f, RULE_QUIET, "no touch for 8 days, limit 7");
    assert_reason(f, RULE_BACK_BURNER, "close date pushed 4 times");
    assert_reason(f, RULE_OVERDUE_STEP, "next step overdue by 1 day");
    assert_int_equal(f->score, 5 + 3 + 1 + 2);
}

static void weights_and_levels_from_pipeline_json(void **state)
{
    world *w = *state;
    config_free(&w->cfg);
    fixture_config(custom_pipeline, &w->cfg);
    w->d->close_date_pushes = 4;                   /* 1: below watch (3) */
    assert_int_equal(eval(w, TODAY)->score, 1);
    assert_int_equal(w->f.level, LEVEL_NONE);
    w->d->next_due = TODAY - 1;                    /* + 2 = 3: watch */
    assert_int_equal(eval(w, TODAY)->score, 3);
    assert_int_equal(w->f.level, LEVEL_WATCH);
    w->d->last_touch = TODAY - 8;                  /* + 3 = 6: move on? */
    assert_int_equal(eval(w, TODAY)->score, 6);
    assert_int_equal(w->f.level, LEVEL_MOVE_ON);
    deal_set_str(&w->d->stage, "define");          /* Qualify: 10 days is not over 10 */
    deal_set_str(&w->d->insight, NULL);            /* + 4 */
    assert_int_equal(eval(w, TODAY)->score, 6 + 4);
    assert_reason(&w->f, RULE_NO_WHY_CHANGE, "no insight recorded");
}

static void disabled_and_zero_weight_rules(void **state)
{
    world *w = *state;
    config_free(&w->cfg);
    fixture_config(custom_pipeline, &w->cfg);
    w->d->close_date = TODAY - 30;                 /* past-close is disabled */
    assert_quiet_rule(eval(w, TODAY), RULE_PAST_CLOSE);
    deal_set_str(&w->d->next_text, NULL);          /* weight 0: said, not scored */
    assert_reason(eval(w, TODAY), RULE_NO_NEXT_STEP, "no next step");
    assert_int_equal(w->f.score, 0);
    assert_int_equal(w->f.level, LEVEL_NONE);
}

static void every_rule_can_be_switched_off(void **state)
{
    world *w = *state;
    config_free(&w->cfg);
    fixture_config("{\"rules\": {\"stalled\": {\"enabled\": false}, \"quiet\": {\"enabled\": false},"
                   " \"back-burner\": {\"enabled\": false}, \"past-close\": {\"enabled\": false},"
                   " \"no-next-step\": {\"enabled\": false}, \"overdue-step\": {\"enabled\": false},"
                   " \"no-why-change\": {\"enabled\": false}}}",
                   &w->cfg);
    deal_set_str(&w->d->stage, "define");
    w->d->stage_entered = TODAY - 300;
    w->d->last_touch = TODAY - 300;
    w->d->close_date_pushes = 9;
    w->d->close_date = TODAY - 100;
    w->d->next_due = TODAY - 100;
    deal_set_str(&w->d->insight, NULL);
    assert_int_equal(eval(w, TODAY)->nreasons, 0);
    deal_set_str(&w->d->next_text, NULL);
    assert_int_equal(eval(w, TODAY)->nreasons, 0);
    assert_int_equal(w->f.level, LEVEL_NONE);
}

static void back_burner_threshold_zero_needs_a_push(void **state)
{
    world *w = *state;
    config_free(&w->cfg);
    fixture_config("{\"rules\": {\"back-burner\": {\"pushes\": 0}}}", &w->cfg);
    assert_quiet_rule(eval(w, TODAY), RULE_BACK_BURNER);
    w->d->close_date_pushes = 1;
    assert_reason(eval(w, TODAY), RULE_BACK_BURNER, "close date pushed 1 time");
}

static void long_stage_names_stay_valid_utf8(void **state)
{
    world *w = *state;
    config_free(&w->cfg);
    strbuf name = {0};
    for (int i = 0; i < 80; i++)
        sb_puts(&name, "é");                       /* 160 bytes: the reason is cut */
    char *json = xasprintf("{\"stages\": [{\"id\": \"explore\", \"name\": \"x%s\", \"max_days\": 1}]}",
                           name.data);
    fixture_config(json, &w->cfg);
    const flag_result *f = eval(w, TODAY);
    int i = fixture_reason(f, RULE_STALLED);
    assert_true(i >= 0);
    assert_true(text_valid_utf8(f->reasons[i].text, strlen(f->reasons[i].text)));
    assert_true(strncmp(f->reasons[i].text, "10 days in xéé", strlen("10 days in xéé")) == 0);
    free(json);
    sb_free(&name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(clean_deal_is_not_flagged),
        T(stalled_boundary),
        T(stalled_counts_from_created_without_stage_entered),
        T(stalled_ignores_unknown_stage),
        T(quiet_boundary),
        T(quiet_never_touched_counts_from_created),
        T(back_burner_boundary),
        T(past_close_boundary),
        T(no_next_step),
        T(overdue_step_boundary),
        T(no_why_change_from_define_on),
        T(no_why_change_wording),
        T(no_why_change_needs_a_define_stage),
        T(plan_rules_off_by_default),
        T(buyer_step_overdue_boundary),
        T(buyer_step_overdue_counts_open_buyer_steps),
        T(no_buyer_step_from_define_on),
        T(plan_rules_on_light_deals),
        T(exit_rule_off_by_default),
        T(exit_rule_stage_boundary),
        T(exit_rule_counts_what_was_seen),
        T(exit_rule_on_light_deals),
        T(people_rules_off_by_default),
        T(no_decision_maker_from_evaluate_on),
        T(champion_silent_boundary),
        T(champion_silent_counts_the_latest_champion),
        T(people_rules_on_light_deals),
        T(levels_at_default_thresholds),
        T(every_rule_fires_in_order),
        T(singular_wording),
        T(snooze_ends_on_the_until_day),
        T(snooze_starts_the_day_it_is_set),
        T(closed_deals_are_never_flagged),
        T(revisit_due_from_the_revisit_date),
        T(thresholds_from_pipeline_json),
        T(weights_and_levels_from_pipeline_json),
        T(disabled_and_zero_weight_rules),
        T(every_rule_can_be_switched_off),
        T(back_burner_threshold_zero_needs_a_push),
        T(long_stage_names_stay_valid_utf8),
#undef T
    };
    return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
