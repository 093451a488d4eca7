/* The slip ledger of one deal (pipeline/slips.h), the honest close date
 * (pipeline/honest.h) and the forecast by close period
 * (pipeline/forecast_period.h), on histories built by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/config.h"
#include "../../pipeline/forecast_period.h"
#include "../../pipeline/honest.h"
#include "../../pipeline/slips.h"
#include "../../pipeline/util.h"

#define DAY0 20454 /* 2026-01-01 */

/* ---- a history built by hand ---- */

static uint32_t intern(char ***names, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*names)[i], name) == 0)
            return (uint32_t)i;
    *names = xrealloc(*names, (*n + 1) * sizeof **names);
    (*names)[*n] = xstrdup(name);
    return (uint32_t)(*n)++;
}

/* A commit at noon of `day` by `who`; returns its index. */
static uint32_t commit_at(deal_history *h, db_day day, const char *who)
{
    h->commits = xrealloc(h->commits, (h->ncommits + 1) * sizeof *h->commits);
    history_commit *c = &h->commits[h->ncommits];
    memset(c, 0, sizeof *c);
    snprintf(c->oid, sizeof c->oid, "%040zx", h->ncommits + 1);
    c->generation = (uint32_t)h->ncommits + 1;
    c->author = intern(&h->authors, &h->nauthors, who);
    c->author_time = c->commit_time = (int64_t)day * 86400 + 12 * 3600;
    return (uint32_t)h->ncommits++;
}

static void event(deal_history *h, const char *deal_id, uint32_t commit, event_field f,
                  int64_t num, const char *text)
{
    h->events = xrealloc(h->events, (h->nevents + 1) * sizeof *h->events);
    h->events[h->nevents++] = (deal_event){intern(&h->deals, &h->ndeals, deal_id), commit, f,
                                           num, text ? xstrdup(text) : NULL};
}

/* The deal `id` set on `day` by `who` to close on `close`. */
static void set_close(deal_history *h, const char *id, db_day day, const char *who, db_day close)
{
    event(h, id, commit_at(h, day, who), EVENT_CLOSE_DATE, close, NULL);
}

static void created(deal_history *h, const char *id, db_day day, db_day close)
{
    uint32_t c = commit_at(h, day, "Dana");
    event(h, id, c, EVENT_STAGE, 0, "explore");
    event(h, id, c, EVENT_STATUS, STATUS_OPEN, NULL);
    event(h, id, c, EVENT_CLOSE_DATE, close, NULL);
}

static void won(deal_history *h, const char *id, db_day day)
{
    event(h, id, commit_at(h, day, "Dana"), EVENT_STATUS, STATUS_WON, NULL);
}

/* ---- the ledger ---- */

static void no_changes(void **state)
{
    (void)state;
    deal_history h = {0};
    created(&h, "a", DAY0, DAY0 + 60);
    deal_history_canonicalize(&h);
    slip_ledger l;
    slip_ledger_of(&h, "a", &l);
    assert_true(l.known);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.pushes, 0);
    assert_int_equal(l.first, DAY0 + 60);
    assert_int_equal(slip_ledger_last(&l), DAY0 + 60);
    slip_ledger_free(&l);
    slip_ledger_of(&h, "not-there", &l);
    assert_false(l.known);
    assert_int_equal(l.n, 0);
    slip_ledger_free(&l);
    deal_history_free(&h);
}

static void one_pull_in(void **state)
{
    (void)state;
    deal_history h = {0};
    created(&h, "a", DAY0, DAY0 + 60);
    set_close(&h, "a", DAY0 + 10, "Marco", DAY0 + 45);
    deal_history_canonicalize(&h);
    slip_ledger l;
    slip_ledger_of(&h, "a", &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.pushes, 0);
    assert_int_equal(l.pull_ins, 1);
    assert_int_equal(l.changes[0].from, DAY0 + 60);
    assert_int_equal(l.changes[0].to, DAY0 + 45);
    assert_int_equal(l.changes[0].days, -15);
    assert_string_equal(l.changes[0].by, "Marco");
    assert_int_equal(l.changes[0].when, (int64_t)(DAY0 + 10) * 86400 + 12 * 3600);
    slip_ledger_free(&l);
    deal_history_free(&h);
}

static void several_pushes(void **state)
{
    (void)state;
    deal_history h = {0};
    created(&h, "a", DAY0, DAY0 + 30);
    created(&h, "b", DAY0, DAY0 + 90);      /* another deal's dates stay its own */
    set_close(&h, "a", DAY0 + 20, "Dana", DAY0 + 44);
    set_close(&h, "b", DAY0 + 21, "Dana", DAY0 + 10);
    set_close(&h, "a", DAY0 + 40, "Aisha", DAY0 + 74);
    set_close(&h, "a", DAY0 + 70, "Dana", DAY0 + 81);
    deal_history_canonicalize(&h);
    slip_ledger l;
    slip_ledger_of(&h, "a", &l);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.pushes, 3);
    int days[] = {14, 30, 7};
    for (int i = 0; i < 3; i++)
        assert_int_equal(l.changes[i].days, days[i]);
    assert_string_equal(l.changes[1].by, "Aisha");
    assert_int_equal(slip_ledger_date_after(&l, 0), DAY0 + 30);
    assert_int_equal(slip_ledger_date_after(&l, 2), DAY0 + 74);
    assert_int_equal(slip_ledger_date_after(&l, 4), DAY_NONE);
    slip_ledger_free(&l);
    deal_history_free(&h);
}

/* Back to the first date: two changes that cancel out; setting the date the
 * deal already has (another branch made the same change) is none. */
static void back_to_the_same_date(void **state)
{
    (void)state;
    deal_history h = {0};
    created(&h, "a", DAY0, DAY0 + 30);
    set_close(&h, "a", DAY0 + 5, "Dana", DAY0 + 50);
    set_close(&h, "a", DAY0 + 6, "Marco", DAY0 + 50);
    set_close(&h, "a", DAY0 + 9, "Dana", DAY0 + 30);
    deal_history_canonicalize(&h);
    slip_ledger l;
    slip_ledger_of(&h, "a", &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.changes[0].days, 20);
    assert_int_equal(l.changes[1].days, -20);
    assert_int_equal(l.pushes, 1);
    assert_int_equal(l.pull_ins, 1);
    assert_int_equal(slip_ledger_last(&l), l.first);
    slip_ledger_free(&l);
    deal_history_free(&h);
}

/* ---- the honest close date ---- */

/* n won deals: created with a date 30 days out, pushed `pushes` times by
 * `step` days each, won on the last date. */
static void won_deals(deal_history *h, const char *prefix, int n, int pushes, int step)
{
    for (int i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "%s-%02d", prefix, i);
        db_day close = DAY0 + 30;
        created(h, id, DAY0, close);
        for (int p = 0; p < pushes; p++)
            set_close(h, id, DAY0 + 1 + p, "Dana", close += step);
        won(h, id, close);
    }
}

static void honest_needs_history(void **state)
{
    (void)state;
    deal_history h = {0};
    won_deals(&h, "w", HONEST_MIN_DEALS - 1, 1, 20);
    deal_history_canonicalize(&h);
    honest_model m;
    honest_learn(&h, &m);
    honest_estimate e = honest_close(&m, DAY0 + 100, 0);
    assert_false(e.enough);
    assert_int_equal(e.comparable, HONEST_MIN_DEALS - 1);
    assert_int_equal(e.honest, DAY0 + 100);
    honest_model_free(&m);
    deal_history_free(&h);
}

static void honest_adds_further_pushes_times_the_median_push(void **state)
{
    (void)state;
    deal_history h = {0};
    won_deals(&h, "never", 4, 0, 0);
    won_deals(&h, "once", 4, 1, 10);
    won_deals(&h, "twice", 4, 2, 15);
    won_deals(&h, "lost", 3, 3, 50);     /* not won: their pushes count in the median only */
    for (int i = 0; i < 3; i++) {
        char id[32];
        snprintf(id, sizeof id, "lost-%02d", i);
        event(&h, id, commit_at(&h, DAY0 + 200, "Dana"), EVENT_STATUS, STATUS_LOST, NULL);
    }
    deal_history_canonicalize(&h);
    honest_model m;
    honest_learn(&h, &m);
    assert_int_equal(m.nrows, 3);        /* won deals pushed 0, 1, 2 times */
    /* Pushes: 4 of 10 days, 8 of 15, 9 of 50: the 11th of 21 is 15. */
    assert_int_equal(m.pushes, 21);
    assert_int_equal(m.push_days, 15);
    assert_int_equal(m.rows[0].deals, 12);
    /* After no push: (0·4 + 1·4 + 2·4) / 12 = 1 further push. */
    assert_true(m.rows[0].further_pushes > 0.999 && m.rows[0].further_pushes < 1.001);
    honest_estimate e = honest_close(&m, DAY0 + 100, 0);
    assert_true(e.enough);
    assert_int_equal(e.further_days, 15);
    assert_int_equal(e.honest, DAY0 + 115);
    char *words = honest_words(&e);
    assert_non_null(strstr(words, "(+15 days: 12 won deals were pushed 1.00× more, by a median 15"));
    free(words);
    /* Pushed once: only 8 comparable won deals. */
    e = honest_close(&m, DAY0 + 100, 1);
    assert_false(e.enough);
    assert_int_equal(e.comparable, 8);
    assert_int_equal(e.honest, DAY0 + 100);
    /* Pushed more often than any won deal: nothing to learn from. */
    e = honest_close(&m, DAY0 + 100, 5);
    assert_false(e.enough);
    assert_int_equal(e.comparable, 0);
    /* No stated date: nothing to add to. */
    e = honest_close(&m, DAY_NONE, 0);
    assert_int_equal(e.honest, DAY_NONE);
    honest_model_free(&m);
    deal_history_free(&h);
}

/* ---- the forecast by period ---- */

static deal *open_deal(const char *id, const char *stage, int64_t value, db_day close)
{
    deal *d = xcalloc(1, sizeof *d);
    deal_init(d);
    d->id = xstrdup(id);
    d->stage = xstrdup(stage);
    d->value = value;
    d->close_date = close;
    return d;
}

static void by_period(void **state)
{
    (void)state;
    pipeline_cfg cfg;
    config_init_defaults(&cfg);
    config_default_stages(&cfg);
    int p = config_stage(&cfg, "explore")->probability;
    db_day jan20 = date_from_ymd(2026, 1, 20), mar31 = date_from_ymd(2026, 3, 31);
    deal *deals[4] = {open_deal("a", "explore", 1000, jan20), open_deal("b", "explore", 300, mar31),
                      open_deal("c", "explore", 50, DAY_NONE), open_deal("d", "explore", 7, jan20)};
    deals[3]->status = STATUS_WON;
    honest_estimate est[4] = {{.stated = jan20, .honest = jan20 + 45, .enough = true},
                              {.stated = mar31, .honest = mar31},
                              {.stated = DAY_NONE, .honest = DAY_NONE},
                              {.stated = jan20, .honest = jan20}};
    period_forecast f;
    forecast_by_period(&cfg, deals, est, 4, PERIOD_MONTH, &f);
    assert_int_equal(f.nrows, 3);        /* January to March, February empty but there */
    assert_string_equal(f.rows[0].label, "2026-01");
    assert_string_equal(f.rows[2].label, "2026-03");
    assert_int_equal(f.rows[0].stated.value, 1000);
    assert_int_equal(f.rows[0].honest.count, 0);
    assert_int_equal(f.rows[1].stated.count, 0);
    assert_int_equal(f.rows[2].honest.value, 1300);    /* a: Jan 20 + 45 = Mar 6 */
    assert_int_equal(f.rows[2].honest.weighted, (1000 * p + 50) / 100 + (300 * p + 50) / 100);
    assert_int_equal(f.no_date.count, 1);
    assert_int_equal(f.total.count, 2);
    assert_int_equal(f.not_enough, 1);
    assert_int_equal(f.moved, 1);
    period_forecast_free(&f);
    forecast_by_period(&cfg, deals, est, 4, PERIOD_QUARTER, &f);
    assert_int_equal(f.nrows, 1);
    assert_string_equal(f.rows[0].label, "2026-Q1");
    assert_int_equal(f.rows[0].stated.value, 1300);
    assert_int_equal(f.moved, 0);
    period_forecast_free(&f);
    period_kind k;
    assert_true(period_kind_parse("quarter", &k) && k == PERIOD_QUARTER);
    assert_false(period_kind_parse("week", &k));
    assert_string_equal(period_kind_choices(), "month or quarter");
    for (int i = 0; i < 4; i++) {
        deal_free(deals[i]);
        free(deals[i]);
    }
    config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_changes),
        cmocka_unit_test(one_pull_in),
        cmocka_unit_test(several_pushes),
        cmocka_unit_test(back_to_the_same_date),
        cmocka_unit_test(honest_needs_history),
        cmocka_unit_test(honest_adds_further_pushes_times_the_median_push),
        cmocka_unit_test(by_period),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
