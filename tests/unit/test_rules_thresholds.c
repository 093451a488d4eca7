/* Move-on rules (SPEC §1): each rule at its boundary, weights, levels, snooze. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/config.h"
#include "../../pipeline/rules.h"
#include "../../pipeline/util.h"

#define TODAY 20777 /* 2026-11-20 */

typedef struct {
    pipeline_cfg cfg;
    deal d;
} fixture;

/* A healthy open deal in Explore: no rule fires. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    config_init_defaults(&f->cfg);
    config_default_stages(&f->cfg);
    deal_init(&f->d);
    f->d.id = xstrdup("acme-7f3a9c");
    f->d.title = xstrdup("Acme");
    f->d.stage = xstrdup("explore");
    f->d.created = TODAY - 60;
    f->d.stage_entered = TODAY - 10;
    f->d.last_touch = TODAY - 2;
    f->d.close_date = TODAY + 30;
    f->d.next_text = xstrdup("Call");
    f->d.next_due = TODAY + 1;
    f->d.status_quo = xstrdup("Excel");
    f->d.insight = xstrdup("A week lost per close");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    deal_free(&f->d);
    config_free(&f->cfg);
    free(f);
    return 0;
}

static flag_result eval(fixture *f)
{
    flag_result r;
    rules_evaluate(&f->cfg, &f->d, TODAY, &r);
    return r;
}

/* The text of `rule` if it fired, else NULL. */
static const char *fired(const flag_result *r, rule_id rule)
{
    for (int i = 0; i < r->nreasons; i++)
        if (r->reasons[i].rule == rule)
            return r->reasons[i].text;
    return NULL;
}

static void test_healthy(void **state)
{
    fixture *f = *state;
    flag_result r = eval(f);
    assert_int_equal(r.score, 0);
    assert_int_equal(r.nreasons, 0);
    assert_int_equal(r.level, LEVEL_NONE);
    assert_int_equal(r.days_in_stage, 10);
    assert_string_equal(flag_level_name(r.level), "none");
}

static void test_stalled(void **state)
{
    fixture *f = *state;
    f->d.stage_entered = TODAY - 30;                  /* Explore: limit 30 */
    flag_result r = eval(f);
    assert_null(fired(&r, RULE_STALLED));
    f->d.stage_entered = TODAY - 31;
    r = eval(f);
    assert_string_equal(fired(&r, RULE_STALLED), "31 days in Explore, limit 30");
    assert_int_equal(r.score, 2);
    assert_int_equal(r.level, LEVEL_WATCH);
    /* Without stage_entered the clock starts at created. */
    f->d.stage_entered = DAY_NONE;
    r = eval(f);
    assert_int_equal(r.days_in_stage, 60);
    assert_non_null(fired(&r, RULE_STALLED));
    /* A stage the pipeline does not have is never "stalled". */
    deal_set_str(&f->d.stage, "negotiate");
    r = eval(f);
    assert_null(fired(&r, RULE_STALLED));
}

static void test_quiet(void **state)
{
    fixture *f = *state;
    f->d.last_touch = TODAY - 14;
    flag_result r = eval(f);
    assert_null(fired(&r, RULE_QUIET));
    f->d.last_touch = TODAY - 15;
    r = eval(f);
    assert_string_equal(fired(&r, RULE_QUIET), "no touch for 15 days, limit 14");
    f->d.last_touch = DAY_NONE;                       /* never touched: since created */
    r = eval(f);
    assert_string_equal(fired(&r, RULE_QUIET), "never touched, created 60 days ago, limit 14");
    f->d.created = TODAY - 14;
    f->d.stage_entered = TODAY - 14;
    r = eval(f);
    assert_null(fired(&r, RULE_QUIET));
}

static void test_back_burner_and_past_close(void **state)
{
    fixture *f = *state;
    f->d.close_date_pushes = 1;
    flag_result r = eval(f);
    assert_null(fired(&r, RULE_BACK_BURNER));
    f->d.close_date_pushes = 2;
    r = eval(f);
    assert_string_equal(fired(&r, RULE_BACK_BURNER), "close date pushed 2 times");
    f->d.close_date_pushes = 0;
    f->d.close_date = TODAY;                          /* today is not past */
    r = eval(f);
    assert_null(fired(&r, RULE_PAST_CLOSE));
    f->d.close_date = TODAY - 1;
    r = eval(f);
    assert_string_equal(fired(&r, RULE_PAST_CLOSE), "close date 2026-11-19 passed 1 day ago");
    f->d.close_date = DAY_NONE;
    r = eval(f);
    assert_null(fired(&r, RULE_PAST_CLOSE));
}

static void test_next_step(void **state)
{
    fixture *f = *state;
    f->d.next_due = TODAY - 3;                        /* grace: 3 days */
    flag_result r = eval(f);
    assert_null(fired(&r, RULE_OVERDUE_STEP));
    f->d.next_due = TODAY - 4;
    r = eval(f);
    assert_string_equal(fired(&r, RULE_OVERDUE_STEP), "next step overdue by 4 days");
    assert_int_equal(r.score, 1);
    assert_int_equal(r.level, LEVEL_NONE);            /* 1 is below watch */
    free(f->d.next_text);
    f->d.next_text = NULL;
    r = eval(f);
    assert_string_equal(fired(&r, RULE_NO_NEXT_STEP), "no next step");
    assert_null(fired(&r, RULE_OVERDUE_STEP));
    f->d.next_text = xstrdup("");
    r = eval(f);
    assert_non_null(fired(&r, RULE_NO_NEXT_STEP));
}

static void test_no_why_change(void **state)
{
    fixture *f = *state;
    free(f->d.insight);
    f->d.insight = NULL;
    flag_result r = eval(f);
    assert_string_equal(fired(&r, RULE_NO_WHY_CHANGE), "no insight recorded");
    free(f->d.status_quo);
    f->d.status_quo = xstrdup("");
    r = eval(f);
    assert_string_equal(fired(&r, RULE_NO_WHY_CHANGE), "no status quo or insight recorded");
    deal_set_str(&f->d.stage, "define");
    r = eval(f);
    assert_non_null(fired(&r, RULE_NO_WHY_CHANGE));
    deal_set_str(&f->d.stage, "recognize");           /* before define: not yet asked */
    r = eval(f);
    assert_null(fired(&r, RULE_NO_WHY_CHANGE));
}

static void test_levels_and_config(void **state)
{
    fixture *f = *state;
    f->d.stage_entered = TODAY - 40;                  /* stalled 2 */
    f->d.last_touch = TODAY - 20;                     /* quiet 2 */
    flag_result r = eval(f);
    assert_int_equal(r.score, 4);
    assert_int_equal(r.level, LEVEL_MOVE_ON);
    assert_string_equal(flag_level_name(r.level), "move-on");
    assert_string_equal(flag_level_label(r.level), "move on?");
    /* Weights, thresholds, switches and levels come from the configuration. */
    f->cfg.rules[RULE_QUIET].enabled = false;
    r = eval(f);
    assert_int_equal(r.score, 2);
    assert_int_equal(r.level, LEVEL_WATCH);
    assert_string_equal(flag_level_label(r.level), "watch");
    f->cfg.rules[RULE_STALLED].weight = 5;
    r = eval(f);
    assert_int_equal(r.score, 5);
    f->cfg.level_move_on = 6;
    r = eval(f);
    assert_int_equal(r.level, LEVEL_WATCH);
    f->cfg.rules[RULE_QUIET].enabled = true;
    f->cfg.rules[RULE_QUIET].threshold = 30;
    r = eval(f);
    assert_null(fired(&r, RULE_QUIET));
}

static void test_closed_and_snoozed(void **state)
{
    fixture *f = *state;
    f->d.stage_entered = TODAY - 100;
    f->d.last_touch = DAY_NONE;
    f->d.close_date = TODAY - 10;
    flag_result r = eval(f);
    assert_int_equal(r.level, LEVEL_MOVE_ON);
    for (deal_status s = STATUS_WON; s < STATUS_COUNT; s++) {
        f->d.status = s;
        r = eval(f);
        assert_int_equal(r.score, 0);
        assert_int_equal(r.level, LEVEL_NONE);
    }
    f->d.status = STATUS_OPEN;
    f->d.snooze_until = TODAY + 1;
    r = eval(f);
    assert_true(r.snoozed);
    assert_int_equal(r.score, 0);
    f->d.snooze_until = TODAY;                        /* the snooze is over on its date */
    r = eval(f);
    assert_false(r.snoozed);
    assert_int_equal(r.level, LEVEL_MOVE_ON);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_healthy), T(test_stalled), T(test_quiet), T(test_back_burner_and_past_close),
        T(test_next_step), T(test_no_why_change), T(test_levels_and_config),
        T(test_closed_and_snoozed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
