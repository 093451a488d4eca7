/* The forecast (pipeline/forecast.h): stage rows, rounding, open, flagged and
 * closed totals, the --since period, other currencies, unknown stages. */
#include "flag_fixture.h"

#include <stdio.h>

#include "../../pipeline/forecast.h"

typedef struct {
    pipeline_cfg cfg;
    deal_list deals;
    forecast f;
} world;

static int setup(void **state)
{
    world *w = xcalloc(1, sizeof *w);
    fixture_default_config(&w->cfg);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    forecast_free(&w->f);
    deal_list_free(&w->deals);
    config_free(&w->cfg);
    free(w);
    return 0;
}

static deal *add(world *w, const char *stage, int64_t value, int days_in_stage)
{
    char id[32];
    snprintf(id, sizeof id, "deal-%06zx", w->deals.count);
    deal *d = fixture_clean_deal(id, id);
    deal_set_str(&d->stage, stage);
    d->value = value;
    d->stage_entered = TODAY - days_in_stage;
    deal_list_push(&w->deals, d);
    return d;
}

/* A closed deal whose "status" log entry is dated `closed`. */
static deal *closed(world *w, deal_status status, int64_t value, db_day closed)
{
    deal *d = add(w, "decide", value, 40);
    d->status = status;
    char at[TIMESTAMP_LEN];
    timestamp_format((int64_t)closed * 86400 + 3600, at);
    deal_add_log(d, "0000aaaa", at, "Test Seller", "status", "Won");
    return d;
}

static const forecast *compute(world *w, db_day since)
{
    forecast_free(&w->f);
    forecast_compute(&w->cfg, w->deals.items, w->deals.count, TODAY, since, &w->f);
    return &w->f;
}

static void weighted_rounds_half_up_per_deal(void **state)
{
    (void)state;
    assert_int_equal(forecast_weighted(12345, 5), 617);      /* 617.25 */
    assert_int_equal(forecast_weighted(45, 10), 5);          /* 4.5 */
    assert_int_equal(forecast_weighted(44, 10), 4);          /* 4.4 */
    assert_int_equal(forecast_weighted(15, 50), 8);          /* 7.5 */
    assert_int_equal(forecast_weighted(48000, 20), 9600);
    assert_int_equal(forecast_weighted(0, 80), 0);
    assert_int_equal(forecast_weighted(1000, 0), 0);
    assert_int_equal(forecast_weighted(DEAL_VALUE_MAX, 100), DEAL_VALUE_MAX);
}

static void stage_rows(void **state)
{
    world *w = *state;
    add(w, "recognize", 45, 10);               /* 10 %: 4.5 each, rounded per deal */
    add(w, "recognize", 45, 11);
    add(w, "explore", 100000, 3);
    add(w, "explore", 12345, 4);
    add(w, "explore", 1, 4);
    const forecast *f = compute(w, DAY_NONE);
    assert_int_equal(f->nstages, 6);
    assert_string_equal(f->stages[0].def->id, "status-quo");
    assert_int_equal(f->stages[0].count, 0);
    assert_int_equal(f->stages[0].avg_days, -1);
    const forecast_stage *recognize = &f->stages[1], *explore = &f->stages[3];
    assert_int_equal(recognize->count, 2);
    assert_int_equal(recognize->value, 90);
    assert_int_equal(recognize->weighted, 5 + 5);        /* not round(9.0) = 9 */
    assert_int_equal(recognize->avg_days, 11);           /* 10.5 rounds up */
    assert_int_equal(explore->count, 3);
    assert_int_equal(explore->value, 112346);
    assert_int_equal(explore->weighted, 40000 + 4938 + 0);
    assert_int_equal(explore->avg_days, 4);              /* 3.67 */
    assert_int_equal(f->totals.open.count, 5);
    assert_int_equal(f->totals.open.value, 112436);
    assert_int_equal(f->totals.open_weighted, 10 + 44938);
}

static void probabilities_from_pipeline_json(void **state)
{
    world *w = *state;
    config_free(&w->cfg);
    fixture_config("{\"stages\": [{\"id\": \"lead\", \"name\": \"Lead\", \"probability\": 15},"
                   " {\"id\": \"commit\", \"name\": \"Commit\", \"probability\": 95}]}",
                   &w->cfg);
    add(w, "lead", 1000, 1);
    add(w, "commit", 1010, 1);
    const forecast *f = compute(w, DAY_NONE);
    assert_int_equal(f->nstages, 2);
    assert_string_equal(f->stages[1].def->name, "Commit");
    assert_int_equal(f->stages[0].weighted, 150);
    assert_int_equal(f->stages[1].weighted, 960);        /* 959.5 */
    assert_int_equal(f->totals.open_weighted, 1110);
}

static void flagged_totals(void **state)
{
    world *w = *state;
    add(w, "explore", 1000, 1)->close_date_pushes = 2;          /* watch */
    deal *m = add(w, "explore", 2000, 1);                       /* move on? */
    m->close_date_pushes = 2;
    m->close_date = TODAY - 1;
    deal_set_str(&add(w, "explore", 4000, 1)->next_text, NULL); /* score 1: not flagged */
    deal *s = add(w, "explore", 8000, 1);                       /* snoozed: not flagged */
    s->close_date_pushes = 2;
    s->snooze_until = TODAY + 1;
    const forecast *f = compute(w, DAY_NONE);
    assert_int_equal(f->totals.flagged.count, 2);
    assert_int_equal(f->totals.flagged.value, 3000);
    assert_int_equal(f->totals.open.count, 4);                  /* snoozed deals are open */
    assert_int_equal(f->totals.open.value, 15000);
}

static void closed_totals_all_time(void **state)
{
    world *w = *state;
    closed(w, STATUS_WON, 100, TODAY - 400);
    closed(w, STATUS_WON, 200, TODAY);
    closed(w, STATUS_LOST, 400, TODAY - 3);
    closed(w, STATUS_MOVED_ON, 800, TODAY - 30);
    add(w, "explore", 5000, 1);
    const forecast *f = compute(w, DAY_NONE);
    assert_int_equal(f->totals.closed[FORECAST_WON].count, 2);
    assert_int_equal(f->totals.closed[FORECAST_WON].value, 300);
    assert_int_equal(f->totals.closed[FORECAST_LOST].count, 1);
    assert_int_equal(f->totals.closed[FORECAST_LOST].value, 400);
    assert_int_equal(f->totals.closed[FORECAST_MOVED_ON].count, 1);
    assert_int_equal(f->totals.closed[FORECAST_MOVED_ON].value, 800);
    assert_int_equal(f->totals.open.count, 1);           /* closed deals are not open */
    assert_int_equal(f->stages[5].count, 0);
    assert_string_equal(forecast_closed_name(FORECAST_MOVED_ON), "moved-on");
}

static void closed_since_a_date(void **state)
{
    world *w = *state;
    closed(w, STATUS_WON, 100, TODAY - 31);              /* before the period */
    closed(w, STATUS_WON, 200, TODAY - 30);              /* on its first day */
    closed(w, STATUS_LOST, 400, TODAY);
    closed(w, STATUS_LOST, 800, TODAY + 1);              /* after today */
    const forecast *f = compute(w, TODAY - 30);
    assert_int_equal(f->since, TODAY - 30);
    assert_int_equal(f->totals.closed[FORECAST_WON].count, 1);
    assert_int_equal(f->totals.closed[FORECAST_WON].value, 200);
    assert_int_equal(f->totals.closed[FORECAST_LOST].count, 1);
    assert_int_equal(f->totals.closed[FORECAST_LOST].value, 400);
}

static void closing_date_is_the_latest_status_entry(void **state)
{
    world *w = *state;
    deal *d = closed(w, STATUS_WON, 100, TODAY - 60);    /* won, reopened, won again */
    deal_add_log(d, "0000bbbb", "2026-11-10T09:00:00Z", "A", "status", "Won");
    deal_add_log(d, "0000cccc", "2026-11-12T09:00:00Z", "A", "note", "later, not a status");
    deal_add_log(d, "0000dddd", "2026-10-01T09:00:00Z", "B", "status", "Reopened");  /* merged */
    assert_int_equal(forecast_closed_on(d), date_from_ymd(2026, 11, 10));
    deal *no_log = add(w, "decide", 1, 12);
    no_log->status = STATUS_LOST;
    assert_int_equal(forecast_closed_on(no_log), TODAY - 12);      /* stage_entered */
    no_log->stage_entered = DAY_NONE;
    assert_int_equal(forecast_closed_on(no_log), TODAY - 50);      /* created */
    no_log->created = DAY_NONE;
    assert_int_equal(forecast_closed_on(no_log), DAY_NONE);
    const forecast *f = compute(w, TODAY - 15);
    assert_int_equal(f->totals.closed[FORECAST_WON].count, 1);
    assert_int_equal(f->totals.closed[FORECAST_LOST].count, 0);    /* no date: not in a period */
    assert_int_equal(compute(w, DAY_NONE)->totals.closed[FORECAST_LOST].count, 1);
}

static void other_currencies_are_never_summed_in(void **state)
{
    world *w = *state;
    add(w, "explore", 1000, 1);
    deal_set_str(&add(w, "explore", 2000, 1)->currency, "eur");     /* the pipeline's, any case */
    deal_set_str(&add(w, "decide", 50000, 1)->currency, "usd");
    deal *usd = add(w, "explore", 10000, 1);
    deal_set_str(&usd->currency, "USD");
    usd->close_date_pushes = 2;                                      /* flagged */
    deal_set_str(&add(w, "define", 7000, 1)->currency, "CHF");
    deal_set_str(&closed(w, STATUS_WON, 3000, TODAY)->currency, "USD");
    const forecast *f = compute(w, DAY_NONE);
    assert_int_equal(f->totals.open.count, 2);
    assert_int_equal(f->totals.open.value, 3000);
    assert_int_equal(f->totals.open_weighted, 1200);
    assert_int_equal(f->stages[3].count, 2);
    assert_int_equal(f->stages[5].count, 0);
    assert_int_equal(f->totals.flagged.count, 0);
    assert_int_equal(f->totals.closed[FORECAST_WON].count, 0);
    assert_int_equal(f->nothers, 2);
    assert_string_equal(f->others[0].currency, "CHF");             /* by code */
    assert_int_equal(f->others[0].totals.open.value, 7000);
    assert_int_equal(f->others[0].totals.open_weighted, 1400);
    const forecast_totals *usd_totals = &f->others[1].totals;
    assert_string_equal(f->others[1].currency, "USD");             /* upper case */
    assert_int_equal(usd_totals->open.count, 2);
    assert_int_equal(usd_totals->open.value, 60000);
    assert_int_equal(usd_totals->open_weighted, 40000 + 4000);
    assert_int_equal(usd_totals->flagged.count, 1);
    assert_int_equal(usd_totals->flagged.value, 10000);
    assert_int_equal(usd_totals->closed[FORECAST_WON].value, 3000);
}

static void unknown_stages_are_open_but_unweighted(void **state)
{
    world *w = *state;
    add(w, "explore", 1000, 1);
    add(w, "negotiation", 5000, 1);
    const forecast *f = compute(w, DAY_NONE);
    assert_int_equal(f->totals.open.count, 2);
    assert_int_equal(f->totals.open.value, 6000);
    assert_int_equal(f->totals.open_weighted, 400);
    assert_int_equal(f->totals.unstaged.count, 1);
    assert_int_equal(f->totals.unstaged.value, 5000);
    int in_rows = 0;
    for (size_t i = 0; i < f->nstages; i++)
        in_rows += f->stages[i].count;
    assert_int_equal(in_rows, 1);
}

static void empty_pipeline(void **state)
{
    world *w = *state;
    const forecast *f = compute(w, DAY_NONE);
    assert_int_equal(f->today, TODAY);
    assert_int_equal(f->since, DAY_NONE);
    assert_int_equal(f->totals.open.count, 0);
    assert_int_equal(f->nothers, 0);
    for (size_t i = 0; i < f->nstages; i++)
        assert_int_equal(f->stages[i].avg_days, -1);
}

static void sums_saturate_instead_of_wrapping(void **state)
{
    world *w = *state;
    for (int i = 0; i < 1100; i++)                       /* 1100 × 2^53 > 2^63 */
        add(w, "decide", DEAL_VALUE_MAX, 1);
    const forecast *f = compute(w, DAY_NONE);
    assert_true(f->totals.open.value == INT64_MAX);
    assert_true(f->totals.open_weighted > 0);
    assert_true(f->stages[5].value == INT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(weighted_rounds_half_up_per_deal),
        T(stage_rows),
        T(probabilities_from_pipeline_json),
        T(flagged_totals),
        T(closed_totals_all_time),
        T(closed_since_a_date),
        T(closing_date_is_the_latest_status_entry),
        T(other_currencies_are_never_summed_in),
        T(unknown_stages_are_open_but_unweighted),
        T(empty_pipeline),
        T(sums_saturate_instead_of_wrapping),
#undef T
    };
    return cmocka_run_group_tests_name("forecast", tests, NULL, NULL);
}
