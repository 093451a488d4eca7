/* The stage clock when a deal goes back to the stage it just left (issue 14:
 * an accidental `>` then `<` reset 18 days to 0 and silenced `stalled`), and
 * the money-value jump the board asks about before saving. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../pipeline/config.h"
#include "../../pipeline/edit.h"
#include "../../pipeline/rules.h"
#include "../../pipeline/stage_clock.h"

#define TODAY 20777 /* 2026-11-20 */

typedef struct {
    pipeline_cfg cfg;
    edit_ctx ctx;
    deal d;
    char *msg;
    db_err err;
} fixture;

static int setup(void **state)
{
    /* Log times are UTC, stage_entered is the local day: pin the zone. */
    setenv("TZ", "UTC", 1);
    tzset();
    fixture *f = calloc(1, sizeof *f);
    config_init_defaults(&f->cfg);
    config_default_stages(&f->cfg);
    f->ctx.by = "Test Seller";
    f->ctx.today = TODAY;
    f->ctx.now = (int64_t)TODAY * 86400 + 9 * 3600;
    deal_init(&f->d);
    f->d.id = xstrdup("acme-rollout-7f3a9c");
    f->d.title = xstrdup("Acme Rollout");
    f->d.stage = xstrdup("define");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    deal_free(&f->d);
    config_free(&f->cfg);
    free(f->msg);
    free(f);
    return 0;
}

/* A log entry written at noon (UTC) of `day`. */
static void log_at(deal *d, db_day day, const char *kind, const char *text)
{
    char at[TIMESTAMP_LEN], id[9];
    timestamp_format((int64_t)day * 86400 + 12 * 3600, at);
    snprintf(id, sizeof id, "%08zx", d->nlog + 1);
    deal_add_log(d, id, at, "Test Seller", kind, text);
}

/* Created in Recognize 40 days ago, in Define for 25 days (limit 21). */
static void stalled_in_define(deal *d)
{
    d->created = TODAY - 40;
    d->stage_entered = TODAY - 25;
    log_at(d, TODAY - 40, "note", "Deal created");
    log_at(d, TODAY - 25, "stage", "Recognize → Define");
}

static bool stalled(const fixture *f)
{
    flag_result r;
    rules_evaluate(&f->cfg, &f->d, TODAY, &r);
    for (int i = 0; i < r.nreasons; i++)
        if (r.reasons[i].rule == RULE_STALLED)
            return true;
    return false;
}

static const char *take_msg(fixture *f)
{
    static char copy[512];
    snprintf(copy, sizeof copy, "%s", f->msg ? f->msg : "(none)");
    free(f->msg);
    f->msg = NULL;
    return copy;
}

static void test_forward_then_back_keeps_the_clock(void **state)
{
    fixture *f = *state;
    stalled_in_define(&f->d);
    assert_true(stalled(f));
    assert_int_equal(edit_step(&f->cfg, &f->ctx, &f->d, +1, NULL, &f->msg, &f->err), 0);
    assert_int_equal(f->d.stage_entered, TODAY);          /* a real move forward: a fresh clock */
    take_msg(f);
    assert_int_equal(edit_step(&f->cfg, &f->ctx, &f->d, -1, NULL, &f->msg, &f->err), 0);
    assert_string_equal(f->d.stage, "define");
    assert_int_equal(f->d.stage_entered, TODAY - 25);     /* not 0 days: 25, as before */
    assert_true(stalled(f));
    assert_string_equal(take_msg(f), "Move acme-rollout-7f3a9c: Explore → Define "
                                     "(back: in Define since 2026-10-26)");
    /* The log entry stays in the form stage_clock reads. */
    assert_string_equal(f->d.log[f->d.nlog - 1].text, "Explore → Define");
}

static void test_move_by_name_keeps_the_clock(void **state)
{
    fixture *f = *state;                                  /* the CLI's `move` */
    stalled_in_define(&f->d);
    assert_int_equal(edit_move(&f->cfg, &f->ctx, &f->d, "evaluate", NULL, &f->msg, &f->err), 0);
    take_msg(f);
    assert_int_equal(edit_move(&f->cfg, &f->ctx, &f->d, "Define", NULL, &f->msg, &f->err), 0);
    assert_int_equal(f->d.stage_entered, TODAY - 25);
}

/* A move back is logged today, but it kept an older clock: going back again
 * later must find that older day, however often it went back and forth. */
static void test_back_again_after_a_back_move(void **state)
{
    fixture *f = *state;
    stalled_in_define(&f->d);
    const char *to[] = {"explore", "define", "evaluate", "define", "explore", "define"};
    for (size_t i = 0; i < sizeof to / sizeof *to; i++) {
        f->ctx.today = TODAY + (db_day)i;
        f->ctx.now = (int64_t)f->ctx.today * 86400 + 9 * 3600;
        assert_int_equal(edit_move(&f->cfg, &f->ctx, &f->d, to[i], NULL, &f->msg, &f->err), 0);
        take_msg(f);
        if (i % 2)
            assert_int_equal(f->d.stage_entered, TODAY - 25);
    }
    /* Forward to Explore, left three days ago: its clock from then. */
    f->ctx.today = TODAY + 6;
    assert_int_equal(stage_clock_return_day(&f->cfg, &f->d, 3), TODAY + 4);
}

static void test_started_in_the_stage(void **state)
{
    fixture *f = *state;
    f->d.created = f->d.stage_entered = TODAY - 30;
    log_at(&f->d, TODAY - 30, "note", "Deal created");
    log_at(&f->d, TODAY - 2, "stage", "Define → Explore");
    deal_set_str(&f->d.stage, "explore");
    assert_int_equal(stage_clock_return_day(&f->cfg, &f->d, 2), TODAY - 30);
}

static void test_not_the_stage_just_left(void **state)
{
    fixture *f = *state;
    stalled_in_define(&f->d);
    assert_int_equal(edit_step(&f->cfg, &f->ctx, &f->d, +1, NULL, &f->msg, &f->err), 0);
    take_msg(f);
    assert_int_equal(edit_step(&f->cfg, &f->ctx, &f->d, +1, NULL, &f->msg, &f->err), 0);
    take_msg(f);
    /* Evaluate → Define skips Explore: Define was not the stage it just left. */
    assert_int_equal(stage_clock_return_day(&f->cfg, &f->d, 2), DAY_NONE);
    assert_int_equal(edit_move(&f->cfg, &f->ctx, &f->d, "define", NULL, &f->msg, &f->err), 0);
    assert_int_equal(f->d.stage_entered, TODAY);
    assert_string_equal(take_msg(f), "Move acme-rollout-7f3a9c: Evaluate → Define");
    /* Forward again to the stage just left is "back" too. */
    assert_int_equal(stage_clock_return_day(&f->cfg, &f->d, 4), TODAY);
}

static void test_stage_changed_outside_the_log(void **state)
{
    fixture *f = *state;
    stalled_in_define(&f->d);
    log_at(&f->d, TODAY - 3, "stage", "Define → Explore");
    /* An import put it in Evaluate without a stage entry: it did not just
     * leave Define for where it is now. */
    deal_set_str(&f->d.stage, "evaluate");
    assert_int_equal(stage_clock_return_day(&f->cfg, &f->d, 2), DAY_NONE);
    /* …nor when the entry before does not lead into Define. */
    deal_set_str(&f->d.stage, "explore");
    log_at(&f->d, TODAY - 2, "stage", "Evaluate → Define");
    log_at(&f->d, TODAY - 1, "stage", "Define → Explore");
    f->d.log[f->d.nlog - 2].text[0] = 'X';                 /* "Xvaluate → Define" still into Define */
    assert_int_equal(stage_clock_return_day(&f->cfg, &f->d, 2), TODAY - 2);
    deal_set_str(&f->d.log[f->d.nlog - 2].text, "Evaluate → Decide");
    assert_int_equal(stage_clock_return_day(&f->cfg, &f->d, 2), DAY_NONE);
}

static void test_reopen_restarts_the_clock(void **state)
{
    fixture *f = *state;
    stalled_in_define(&f->d);
    log_at(&f->d, TODAY - 9, "status", "Lost: no budget");
    log_at(&f->d, TODAY - 6, "status", "Reopened");
    log_at(&f->d, TODAY - 1, "stage", "Define → Explore");
    deal_set_str(&f->d.stage, "explore");
    assert_int_equal(stage_clock_return_day(&f->cfg, &f->d, 2), TODAY - 6);
}

static void test_stage_ids_in_the_log(void **state)
{
    fixture *f = *state;
    /* A stage not in pipeline.json then is logged by its id. */
    log_at(&f->d, TODAY - 12, "stage", "qualify → define");
    log_at(&f->d, TODAY - 1, "stage", "define → explore");
    deal_set_str(&f->d.stage, "explore");
    assert_int_equal(stage_clock_return_day(&f->cfg, &f->d, 2), TODAY - 12);
    assert_int_equal(stage_clock_return_day(&f->cfg, &f->d, -1), DAY_NONE);
    assert_int_equal(stage_clock_return_day(&f->cfg, &f->d, 99), DAY_NONE);
}

static void test_no_log(void **state)
{
    fixture *f = *state;
    f->d.created = TODAY - 5;
    assert_int_equal(stage_clock_return_day(&f->cfg, &f->d, 3), DAY_NONE);
    log_at(&f->d, TODAY - 1, "note", "Define → Explore");   /* a note, not a move */
    assert_int_equal(stage_clock_return_day(&f->cfg, &f->d, 3), DAY_NONE);
}

static void test_log_day_is_local(void **state)
{
    (void)state;
    db_day nov2;
    assert_true(date_parse("2026-11-02", &nov2));
    assert_int_equal(stage_clock_log_day("2026-11-02T23:30:00Z"), nov2);
    setenv("TZ", "UTC-2", 1);                               /* two hours east of UTC */
    tzset();
    assert_int_equal(stage_clock_log_day("2026-11-02T23:30:00Z"), nov2 + 1);
    setenv("TZ", "UTC+5", 1);
    tzset();
    assert_int_equal(stage_clock_log_day("2026-11-02T03:00:00Z"), nov2 - 1);
    const char *bad[] = {NULL, "", "2026-11-02", "2026-11-02 10:00:00Z", "2026-11-02T10:00:00",
                         "2026-13-02T10:00:00Z", "2026-11-02T25:00:00Z", "garbage-garbage-garb"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(stage_clock_log_day(bad[i]), DAY_NONE);
    setenv("TZ", "UTC", 1);
    tzset();
}

static void test_value_jump(void **state)
{
    (void)state;
    assert_true(edit_value_jump(85000, 8500050000LL));      /* "50k" appended to the pre-fill */
    assert_true(edit_value_jump(85000, 850000));             /* exactly x10 */
    assert_false(edit_value_jump(85000, 849999));
    assert_true(edit_value_jump(85000, 8500));               /* exactly /10 */
    assert_false(edit_value_jump(85000, 8501));
    assert_true(edit_value_jump(85000, 0));
    assert_false(edit_value_jump(85000, 50000));             /* an ordinary change */
    assert_false(edit_value_jump(0, 50000));                 /* no value before */
    assert_true(edit_value_jump(1, DEAL_VALUE_MAX));         /* no overflow at the top */
    assert_false(edit_value_jump(DEAL_VALUE_MAX, DEAL_VALUE_MAX));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_forward_then_back_keeps_the_clock), T(test_move_by_name_keeps_the_clock),
        T(test_back_again_after_a_back_move),     T(test_started_in_the_stage),             T(test_not_the_stage_just_left),
        T(test_stage_changed_outside_the_log),    T(test_reopen_restarts_the_clock),
        T(test_stage_ids_in_the_log),             T(test_no_log),
        T(test_log_day_is_local),                 cmocka_unit_test(test_value_jump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
