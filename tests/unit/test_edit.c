/* Edits as pure functions: validation, what changes, the log, the commit message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/config.h"
#include "../../pipeline/edit.h"
#include "../../pipeline/rules.h"

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
    fixture *f = calloc(1, sizeof *f);
    config_init_defaults(&f->cfg);
    config_default_stages(&f->cfg);
    f->ctx.by = "Test Seller";
    f->ctx.today = TODAY;
    f->ctx.now = (int64_t)TODAY * 86400 + 9 * 3600;
    new_deal in = {"Acme — Rollout!", "Acme", NULL, "define", 48000, DAY_NONE, DAY_NONE, NULL};
    if (edit_create(&f->cfg, &f->ctx, &in, &f->d, &f->msg, &f->err) != 0)
        return -1;
    free(f->msg);
    f->msg = NULL;
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

/* Takes the message of the last edit; returns it for comparison (freed on next call). */
static const char *msg(fixture *f)
{
    static char copy[1024];
    snprintf(copy, sizeof copy, "%s", f->msg ? f->msg : "(none)");
    free(f->msg);
    f->msg = NULL;
    return copy;
}

static const log_entry *last_log(const deal *d)
{
    assert_true(d->nlog > 0);
    return &d->log[d->nlog - 1];
}

static void test_create(void **state)
{
    fixture *f = *state;
    deal *d = &f->d;
    assert_true(str_has_prefix(d->id, "acme-rollout-"));
    assert_int_equal(strlen(d->id), strlen("acme-rollout-") + 6);
    assert_string_equal(d->title, "Acme — Rollout!");
    assert_string_equal(d->account, "Acme");
    assert_string_equal(d->owner, "Test Seller");        /* defaults to the user */
    assert_string_equal(d->stage, "define");
    assert_int_equal(d->status, STATUS_OPEN);
    assert_true(d->value == 48000);
    assert_int_equal(d->created, TODAY);
    assert_int_equal(d->stage_entered, TODAY);
    assert_int_equal(d->last_touch, DAY_NONE);
    assert_int_equal(d->nlog, 1);
    assert_string_equal(d->log[0].by, "Test Seller");
    assert_string_equal(d->log[0].at, "2026-11-20T09:00:00Z");
    assert_int_equal(strlen(d->log[0].id), 8);

    /* Default stage: the first; message names id and title. */
    deal other;
    char *message = NULL;
    new_deal in = {"Beta", NULL, "Sam", NULL, 0, TODAY + 30, TODAY + 2, "Call the CFO"};
    assert_int_equal(edit_create(&f->cfg, &f->ctx, &in, &other, &message, &f->err), 0);
    assert_string_equal(other.stage, "status-quo");
    assert_string_equal(other.owner, "Sam");
    assert_string_equal(other.account, "");
    assert_int_equal(other.close_date, TODAY + 30);
    assert_string_equal(other.next_text, "Call the CFO");
    assert_int_equal(other.next_due, TODAY + 2);
    char *expect = xasprintf("Add %s: Beta", other.id);
    assert_string_equal(message, expect);
    free(expect);
    free(message);
    deal_free(&other);
}

static void test_create_rejects(void **state)
{
    fixture *f = *state;
    deal other;
    char *message = NULL;
    new_deal in = {"Beta", NULL, NULL, "won", 0, DAY_NONE, DAY_NONE, NULL};
    assert_int_equal(edit_create(&f->cfg, &f->ctx, &in, &other, &message, &f->err), DB_EUSAGE);
    assert_string_equal(f->err.msg, "won: unknown stage (stages: status-quo, recognize, define, "
                                    "explore, evaluate, decide)");
    assert_null(message);
    in.stage = NULL;
    in.title = "";
    assert_int_equal(edit_create(&f->cfg, &f->ctx, &in, &other, &message, &f->err), DB_EUSAGE);
    assert_string_equal(f->err.msg, "title: must not be empty");
    in.title = " \t ";
    assert_int_equal(edit_create(&f->cfg, &f->ctx, &in, &other, &message, &f->err), DB_EUSAGE);
    assert_string_equal(f->err.msg, "title: must not be empty");
    in.title = "Bad \xff title";
    assert_int_equal(edit_create(&f->cfg, &f->ctx, &in, &other, &message, &f->err), DB_EUSAGE);
    assert_non_null(strstr(f->err.msg, "UTF-8"));
    in.title = "Beta";
    in.value = -1;
    assert_int_equal(edit_create(&f->cfg, &f->ctx, &in, &other, &message, &f->err), DB_EUSAGE);
    assert_non_null(strstr(f->err.msg, "value"));
    assert_null(message);
}

static void test_move(void **state)
{
    fixture *f = *state;
    deal *d = &f->d;
    f->ctx.today = TODAY + 5;
    assert_int_equal(edit_move(&f->cfg, &f->ctx, d, "Explore", NULL, &f->msg, &f->err), 0);
    char *expect = xasprintf("Move %s: Define → Explore", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);
    assert_string_equal(d->stage, "explore");
    assert_int_equal(d->stage_entered, TODAY + 5);
    assert_string_equal(last_log(d)->kind, "stage");
    assert_string_equal(last_log(d)->text, "Define → Explore");

    size_t nlog = d->nlog;
    assert_int_equal(edit_move(&f->cfg, &f->ctx, d, "explore", NULL, &f->msg, &f->err), DB_EUSAGE);
    assert_non_null(strstr(f->err.msg, "already in Explore"));
    assert_int_equal(edit_move(&f->cfg, &f->ctx, d, "nowhere", NULL, &f->msg, &f->err), DB_EUSAGE);
    assert_string_equal(f->err.msg, "nowhere: unknown stage (stages: status-quo, recognize, "
                                    "define, explore, evaluate, decide)");
    assert_null(f->msg);
    assert_int_equal(d->nlog, nlog);                      /* failed edits log nothing */
    assert_string_equal(d->stage, "explore");
}

static void test_step(void **state)
{
    fixture *f = *state;
    deal *d = &f->d;
    assert_int_equal(edit_step(&f->cfg, &f->ctx, d, +1, NULL, &f->msg, &f->err), 0);
    assert_string_equal(d->stage, "explore");
    msg(f);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(edit_step(&f->cfg, &f->ctx, d, -1, NULL, &f->msg, &f->err), 0);
        msg(f);
    }
    assert_string_equal(d->stage, "status-quo");
    assert_int_equal(edit_step(&f->cfg, &f->ctx, d, -1, NULL, &f->msg, &f->err), DB_EUSAGE);
    assert_non_null(strstr(f->err.msg, "first stage"));
    deal_set_str(&d->stage, "decide");
    assert_int_equal(edit_step(&f->cfg, &f->ctx, d, +1, NULL, &f->msg, &f->err), DB_EUSAGE);
    assert_non_null(strstr(f->err.msg, "last stage"));
    d->status = STATUS_WON;
    assert_int_equal(edit_step(&f->cfg, &f->ctx, d, -1, NULL, &f->msg, &f->err), DB_EUSAGE);
    assert_non_null(strstr(f->err.msg, "reopen"));
    assert_null(f->msg);
}

/* Only a later date is a push; pushes are what the back-burner rule counts. */
static void test_close_date_pushes(void **state)
{
    fixture *f = *state;
    deal *d = &f->d;
    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "close_date", "2026-12-31", &f->msg, &f->err), 0);
    char *expect = xasprintf("Set %s close date: none → 2026-12-31", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);
    assert_int_equal(d->close_date_pushes, 0);

    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "close_date", "2027-01-31", &f->msg, &f->err), 0);
    expect = xasprintf("Push %s close date: 2026-12-31 → 2027-01-31 (pushed 1 time)", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);
    assert_int_equal(d->close_date_pushes, 1);

    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "close_date", "2027-01-31", &f->msg, &f->err), 0);
    assert_int_equal(d->close_date_pushes, 1);            /* same date: no push */
    msg(f);
    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "close_date", "2027-01-15", &f->msg, &f->err), 0);
    assert_int_equal(d->close_date_pushes, 1);            /* earlier: no push */
    msg(f);
    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "close_date", "+12w", &f->msg, &f->err), 0);
    assert_int_equal(d->close_date_pushes, 2);
    assert_int_equal(d->close_date, TODAY + 84);
    expect = xasprintf("Push %s close date: 2027-01-15 → 2027-02-12 (pushed 2 times)", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);

    flag_result r;
    rules_evaluate(&f->cfg, d, TODAY, &r);
    bool back_burner = false;
    for (int i = 0; i < r.nreasons; i++)
        back_burner |= r.reasons[i].rule == RULE_BACK_BURNER;
    assert_true(back_burner);

    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "close_date", "none", &f->msg, &f->err), 0);
    assert_int_equal(d->close_date, DAY_NONE);
    assert_int_equal(d->close_date_pushes, 2);
    expect = xasprintf("Set %s close date: 2027-02-12 → none", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);

    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "close_date", "2027-02-30", &f->msg, &f->err),
                     DB_EUSAGE);
    assert_string_equal(f->err.msg, "close_date: '2027-02-30' is not a date (YYYY-MM-DD)");
    assert_int_equal(d->close_date, DAY_NONE);
    assert_null(f->msg);
}

static void test_set_value(void **state)
{
    fixture *f = *state;
    deal *d = &f->d;
    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "value", "12,500", &f->msg, &f->err), 0);
    assert_true(d->value == 12500);
    char *expect = xasprintf("Set %s value: 48000 → 12500", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);
    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "value", "lots", &f->msg, &f->err), DB_EUSAGE);
    assert_string_equal(f->err.msg, "value: 'lots' is not a whole number of currency units");
    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "value", "-5", &f->msg, &f->err), DB_EUSAGE);
    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "value", "1.5", &f->msg, &f->err), DB_EUSAGE);
    assert_true(d->value == 12500);
    assert_null(f->msg);
}

static void test_set_fields(void **state)
{
    fixture *f = *state;
    deal *d = &f->d;
    const char *fields[] = {"title", "account", "owner", "status_quo", "insight", "persona",
                            "champion"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        assert_int_equal(edit_set(&f->cfg, &f->ctx, d, fields[i], "Some text", &f->msg, &f->err), 0);
        char *expect = xasprintf("Set %s %s", d->id, fields[i]);
        assert_string_equal(msg(f), expect);
        free(expect);
    }
    assert_string_equal(d->title, "Some text");
    assert_string_equal(d->champion, "Some text");
    assert_string_equal(d->status_quo, "Some text");

    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "currency", "CHF", &f->msg, &f->err), 0);
    assert_string_equal(d->currency, "CHF");
    msg(f);
    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "currency", "", &f->msg, &f->err), 0);
    assert_null(d->currency);                             /* back to the pipeline's */
    msg(f);

    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "tags", "vip, dach,,emea", &f->msg, &f->err), 0);
    assert_int_equal(d->ntags, 3);
    assert_string_equal(d->tags[0], "vip");
    assert_string_equal(d->tags[2], "emea");
    msg(f);
    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "tags", "", &f->msg, &f->err), 0);
    assert_int_equal(d->ntags, 0);
    msg(f);

    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "stage", "decide", &f->msg, &f->err), 0);
    assert_string_equal(d->stage, "decide");
    assert_true(str_has_prefix(msg(f), "Move "));

    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "title", "", &f->msg, &f->err), DB_EUSAGE);
    assert_string_equal(f->err.msg, "title: must not be empty");
    assert_string_equal(d->title, "Some text");
    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "status", "won", &f->msg, &f->err), DB_EUSAGE);
    assert_string_equal(f->err.msg, "status: unknown field (fields: title, account, owner, value, "
                                    "currency, close_date, status_quo, insight, persona, "
                                    "champion, cluster, tags, stage)");
    assert_int_equal(edit_set(&f->cfg, &f->ctx, d, "insight", "bad \xc3", &f->msg, &f->err),
                     DB_EUSAGE);
    assert_non_null(strstr(f->err.msg, "insight: not valid UTF-8"));
    assert_null(f->msg);
}

static void test_touch_note_next(void **state)
{
    fixture *f = *state;
    deal *d = &f->d;
    f->ctx.today = TODAY + 3;
    assert_int_equal(edit_touch(&f->ctx, d, NULL, false, &f->msg, &f->err), 0);
    char *expect = xasprintf("Touch %s", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);
    assert_int_equal(d->last_touch, TODAY + 3);
    assert_string_equal(last_log(d)->kind, "touch");
    assert_string_equal(last_log(d)->text, "Contact with the buyer");
    assert_string_equal(last_log(d)->dir, "out");

    assert_int_equal(edit_touch(&f->ctx, d, "Call with Jonas", false, &f->msg, &f->err), 0);
    expect = xasprintf("Touch %s: Call with Jonas", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);
    assert_string_equal(last_log(d)->text, "Call with Jonas");

    assert_int_equal(edit_note(&f->ctx, d, "Budget is approved", &f->msg, &f->err), 0);
    expect = xasprintf("Note on %s: Budget is approved", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);
    assert_string_equal(last_log(d)->kind, "note");
    assert_int_equal(d->last_touch, TODAY + 3);           /* a note is not a touch */
    assert_int_equal(edit_note(&f->ctx, d, "", &f->msg, &f->err), DB_EUSAGE);
    assert_string_equal(f->err.msg, "note: must not be empty");

    assert_int_equal(edit_next(&f->ctx, d, "Send the deck", TODAY + 7, &f->msg, &f->err), 0);
    expect = xasprintf("Next step for %s: Send the deck (due 2026-11-27)", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);
    assert_string_equal(d->next_text, "Send the deck");
    assert_int_equal(d->next_due, TODAY + 7);
    assert_int_equal(edit_next(&f->ctx, d, "Wait for legal", DAY_NONE, &f->msg, &f->err), 0);
    assert_int_equal(d->next_due, DAY_NONE);
    expect = xasprintf("Next step for %s: Wait for legal", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);
    assert_int_equal(edit_next(&f->ctx, d, "", TODAY, &f->msg, &f->err), DB_EUSAGE);
    assert_string_equal(d->next_text, "Wait for legal");
    assert_null(f->msg);
}

static void test_reopen_after_moving_on(void **state)
{
    fixture *f = *state;
    deal *d = &f->d;
    assert_int_equal(edit_move_on(&f->ctx, d, "No budget", TODAY + 30, &f->msg, &f->err), 0);
    msg(f);
    assert_true(d->moved_on);
    f->ctx.today = TODAY + 30;
    assert_int_equal(edit_reopen(&f->ctx, d, &f->msg, &f->err), 0);
    msg(f);
    assert_int_equal(d->status, STATUS_OPEN);
    assert_false(d->moved_on);                      /* an open deal has no move-on record */
    assert_null(d->moved_on_reason);
    assert_int_equal(d->revisit, DAY_NONE);
    assert_string_equal(d->log[d->nlog - 1].text, "Reopened (had moved on: No budget)");
}

static void test_close_and_reopen(void **state)
{
    fixture *f = *state;
    deal *d = &f->d;
    assert_int_equal(edit_close(&f->ctx, d, STATUS_WON, NULL, &f->msg, &f->err), 0);
    char *expect = xasprintf("Won %s", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);
    assert_int_equal(d->status, STATUS_WON);
    assert_int_equal(edit_close(&f->ctx, d, STATUS_WON, NULL, &f->msg, &f->err), DB_EUSAGE);
    assert_non_null(strstr(f->err.msg, "already won"));

    f->ctx.today = TODAY + 10;
    assert_int_equal(edit_reopen(&f->ctx, d, &f->msg, &f->err), 0);
    assert_int_equal(d->status, STATUS_OPEN);
    assert_int_equal(d->stage_entered, TODAY + 10);
    msg(f);
    assert_int_equal(edit_reopen(&f->ctx, d, &f->msg, &f->err), DB_EUSAGE);
    assert_non_null(strstr(f->err.msg, "already open"));

    assert_int_equal(edit_close(&f->ctx, d, STATUS_LOST, "Price", &f->msg, &f->err), 0);
    expect = xasprintf("Lost %s: Price", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);
    assert_string_equal(last_log(d)->text, "Lost: Price");
}

static void test_move_on(void **state)
{
    fixture *f = *state;
    deal *d = &f->d;
    assert_int_equal(edit_move_on(&f->ctx, d, "", DAY_NONE, &f->msg, &f->err), DB_EUSAGE);
    assert_string_equal(f->err.msg, "reason: must not be empty");
    assert_int_equal(edit_move_on(&f->ctx, d, "Timing", TODAY, &f->msg, &f->err), DB_EUSAGE);
    assert_string_equal(f->err.msg, "revisit: must be after today");
    assert_int_equal(d->status, STATUS_OPEN);
    assert_false(d->moved_on);

    assert_int_equal(edit_move_on(&f->ctx, d, "Not a good match at this time", TODAY + 90,
                                  &f->msg, &f->err), 0);
    char *expect = xasprintf("Move on from %s: Not a good match at this time (revisit 2027-02-18)",
                             d->id);
    assert_string_equal(msg(f), expect);
    free(expect);
    assert_int_equal(d->status, STATUS_MOVED_ON);
    assert_true(d->moved_on);
    assert_string_equal(d->moved_on_reason, "Not a good match at this time");
    assert_int_equal(d->revisit, TODAY + 90);

    flag_result r;
    rules_evaluate(&f->cfg, d, TODAY + 89, &r);
    assert_false(r.revisit_due);
    assert_int_equal(r.score, 0);                         /* closed: never flagged */
    rules_evaluate(&f->cfg, d, TODAY + 90, &r);
    assert_true(r.revisit_due);
}

static void test_revisit_again(void **state)
{
    fixture *f = *state;
    deal *d = &f->d;
    assert_int_equal(edit_revisit(&f->ctx, d, TODAY + 30, &f->msg, &f->err), DB_EUSAGE);
    assert_non_null(strstr(f->err.msg, "only a moved-on deal has a revisit date"));
    assert_int_equal(edit_move_on(&f->ctx, d, "Timing", TODAY + 10, &f->msg, &f->err), 0);
    msg(f);
    f->ctx.today = TODAY + 10;                          /* the revisit day */
    assert_int_equal(edit_revisit(&f->ctx, d, TODAY + 10, &f->msg, &f->err), DB_EUSAGE);
    assert_string_equal(f->err.msg, "revisit: must be a date after today");
    assert_int_equal(edit_revisit(&f->ctx, d, DAY_NONE, &f->msg, &f->err), DB_EUSAGE);
    assert_int_equal(d->revisit, TODAY + 10);
    assert_int_equal(edit_revisit(&f->ctx, d, TODAY + 40, &f->msg, &f->err), 0);
    char *expect = xasprintf("Revisit %s again on 2026-12-30", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);
    assert_int_equal(d->revisit, TODAY + 40);
    assert_int_equal(d->status, STATUS_MOVED_ON);
    assert_string_equal(d->moved_on_reason, "Timing");
    assert_string_equal(last_log(d)->kind, "revisit");
    assert_string_equal(last_log(d)->text, "Next revisit 2026-12-30");
    flag_result r;
    rules_evaluate(&f->cfg, d, TODAY + 11, &r);
    assert_false(r.revisit_due);                        /* out of the review until then */
}

static void test_snooze(void **state)
{
    fixture *f = *state;
    deal *d = &f->d;
    assert_int_equal(edit_snooze(&f->ctx, d, TODAY, NULL, &f->msg, &f->err), DB_EUSAGE);
    assert_string_equal(f->err.msg, "until: must be a date after today");
    assert_int_equal(edit_snooze(&f->ctx, d, DAY_NONE, NULL, &f->msg, &f->err), DB_EUSAGE);
    assert_int_equal(edit_snooze(&f->ctx, d, TODAY + 14, "Budget freeze", &f->msg, &f->err), 0);
    char *expect = xasprintf("Snooze %s until 2026-12-04: Budget freeze", d->id);
    assert_string_equal(msg(f), expect);
    free(expect);
    assert_int_equal(d->snooze_until, TODAY + 14);
    assert_string_equal(d->snooze_reason, "Budget freeze");

    /* Snoozed: not flagged before the date, flagged again from it. */
    d->stage_entered = TODAY - 100;
    flag_result r;
    rules_evaluate(&f->cfg, d, TODAY + 13, &r);
    assert_true(r.snoozed);
    assert_int_equal(r.level, LEVEL_NONE);
    rules_evaluate(&f->cfg, d, TODAY + 14, &r);
    assert_false(r.snoozed);
    assert_int_not_equal(r.level, LEVEL_NONE);
}

static void test_parse_date(void **state)
{
    (void)state;
    db_day day = 0;
    struct { const char *text; db_day expect; } good[] = {
        {"today", TODAY},       {"tomorrow", TODAY + 1}, {"+0", TODAY},
        {"+1", TODAY + 1},      {"+3d", TODAY + 3},      {"+2w", TODAY + 14},
        {"+10", TODAY + 10},    {"+3650", TODAY + 3650}, {"2027-03-31", 20908},
        {"2026-11-20", TODAY}};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        if (!edit_parse_date(good[i].text, TODAY, &day))
            fail_msg("rejected '%s'", good[i].text);
        assert_int_equal(day, good[i].expect);
    }
    const char *bad[] = {"", "+", "+w", "-1", "+-1", "+1x", "+1ww", "+2 w", "+3651",
                         "+99999999999999999999", "Today", "yesterday", "2027-02-29",
                         "31.03.2027", "next week", " +1", "+1 "};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        day = 42;
        if (edit_parse_date(bad[i], TODAY, &day))
            fail_msg("accepted '%s'", bad[i]);
        assert_int_equal(day, 42);
    }
    assert_false(edit_parse_date(NULL, TODAY, &day));
}

static void test_parse_value(void **state)
{
    (void)state;
    struct { const char *text; int64_t expect; } good[] = {
        {"0", 0}, {"48000", 48000}, {"48,000", 48000}, {"1_250_000", 1250000},
        {"48 000", 48000}, {"48k", 48000}, {"48K", 48000}, {"2m", 2000000}, {"2M", 2000000},
        {"1,500k", 1500000}, {"007", 7}, {"9007199254740991", 9007199254740991LL},
        {"9,007,199,254,740,991", 9007199254740991LL}, {"9007199254740k", 9007199254740000LL},
        {"1.5k", 1500}, {"1.2M", 1200000}, {"0.5k", 500}, {"2.25m", 2250000},
        {"9007199254.740991M", 9007199254740991LL}};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        int64_t v = -1;
        if (!edit_parse_value(good[i].text, &v))
            fail_msg("rejected '%s'", good[i].text);
        if (v != good[i].expect)
            fail_msg("'%s' gave %lld", good[i].text, (long long)v);
    }
    const char *bad[] = {"", " ", "k", "-5", "+5", "1.5", "1.2345k", ".5k", "1.k", "1.5.5k",
                         "9007199254.740992M", "12e3", "€48000", "48000 EUR",
                         "48kk", ",000", "1,5k", "1,5", "12,50", "1,0000", "48 000 ", "1__000", "9007199254740993", "9007199254741k",
                         "99999999999999999999999", "ten"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t v = 42;
        if (edit_parse_value(bad[i], &v))
            fail_msg("accepted '%s' as %lld", bad[i], (long long)v);
        assert_true(v == 42);
    }
    int64_t v;
    assert_false(edit_parse_value(NULL, &v));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_create),          T(test_create_rejects), T(test_move),
        T(test_step),            T(test_close_date_pushes), T(test_set_value),
        T(test_set_fields),      T(test_touch_note_next), T(test_close_and_reopen),
        T(test_move_on),         T(test_snooze),            T(test_revisit_again),
        T(test_reopen_after_moving_on),
        cmocka_unit_test(test_parse_date), cmocka_unit_test(test_parse_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
