/* Kaplan–Meier days in stage (pipeline/survival.h) and the stage clocks
 * built on it (pipeline/stats.h) on small histories made by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/config.h"
#include "../../pipeline/deal.h"
#include "../../pipeline/stats.h"
#include "../../pipeline/survival.h"
#include "../../pipeline/util.h"
#include "history_fixture.h"

/* The brute-force answer with nothing still running: the smallest t such
 * that at least q of the durations are t or less, by counting. */
static int brute_quantile(const int *days, size_t n, double q)
{
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        size_t at_most = 0;
        for (size_t j = 0; j < n; j++)
            at_most += days[j] <= days[i];
        if ((double)at_most >= q * (double)n - 1e-9 && (best < 0 || days[i] < best))
            best = days[i];
    }
    return best;
}

static void no_censoring_equals_brute_force(void **state)
{
    (void)state;
    srand(17);
    static const double qs[] = {0.5, 0.8, 0.25, 0.9};
    for (int trial = 0; trial < 500; trial++) {
        size_t n = 1 + (size_t)(rand() % 40);
        int days[40];
        survival_obs obs[40];
        for (size_t i = 0; i < n; i++) {
            days[i] = rand() % (trial % 2 ? 8 : 100);    /* many ties, and few */
            obs[i] = (survival_obs){days[i], true};
        }
        for (size_t k = 0; k < sizeof qs / sizeof *qs; k++) {
            int want = brute_quantile(days, n, qs[k]);
            assert_int_equal(survival_quantile(obs, n, qs[k]), want);
            int copy[40];
            memcpy(copy, days, n * sizeof *days);
            assert_int_equal(percentile_rank(copy, n, qs[k]), want);
        }
    }
}

/* Freireich et al. (1963), 6-MP group, weeks in remission (+: still in
 * remission): the textbook Kaplan–Meier median is 23 (S(22) = .538,
 * S(23) = .448). */
static void textbook_example(void **state)
{
    (void)state;
    static const int t[] = {6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32,
                            34, 35};
    static const bool ended[] = {1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0};
    survival_obs obs[21];
    for (int i = 0; i < 21; i++)
        obs[i] = (survival_obs){t[i], ended[i]};
    assert_int_equal(survival_quantile(obs, 21, 0.5), 23);
    /* S(6) = 18/21 = .857, S(7) = .807, S(10) = .753: the 25th percentile is 13 (S = .690). */
    assert_int_equal(survival_quantile(obs, 21, 0.25), 13);
}

static void censoring_small_examples(void **state)
{
    (void)state;
    /* 1, 2+, 3, 4: S(1) = 3/4, S(3) = 3/4 * 1/2 = 3/8: median 3. Counting the
     * deal still running at 2 as finished would say 2. */
    survival_obs a[] = {{3, true}, {2, false}, {1, true}, {4, true}};
    assert_int_equal(survival_quantile(a, 4, 0.5), 3);
    /* Most still running: S(1) = 3/4 never falls to 1/2. */
    survival_obs b[] = {{1, true}, {5, false}, {6, false}, {7, false}};
    assert_int_equal(survival_quantile(b, 4, 0.5), -1);
    /* A tie: ended at 2 counts before still running at 2 leaves. 2, 2+, 5:
     * S(2) = 2/3, S(5) = 0. */
    survival_obs c[] = {{2, false}, {5, true}, {2, true}};
    assert_int_equal(survival_quantile(c, 3, 0.5), 5);
    assert_int_equal(survival_quantile(NULL, 0, 0.5), -1);
    assert_int_equal(percentile_rank(NULL, 0, 0.8), -1);
}

/* ---- stage clocks on a hand-made history ---- */

static void stage_clocks(void **state)
{
    (void)state;
    history_fixture f = {0};
    config_init_defaults(&f.cfg);
    config_default_stages(&f.cfg);
    deal_history *h = &f.h;
    h->deals = xcalloc(4, sizeof *h->deals);
    h->ndeals = 4;
    for (int i = 0; i < 4; i++)
        h->deals[i] = xasprintf("deal-%d", i);
    /* 0: Define 10 days, Explore 20 days, won; its close date pushed 15 days, then pulled in. */
    ev(h, 0, 0, EVENT_STAGE, 0, "define");
    ev(h, 0, 0, EVENT_CLOSE_DATE, 20100, NULL);
    ev(h, 0, 5, EVENT_CLOSE_DATE, 20115, NULL);
    ev(h, 0, 6, EVENT_CLOSE_DATE, 20110, NULL);
    ev(h, 0, 10, EVENT_STAGE, 0, "explore");
    ev(h, 0, 30, EVENT_STATUS, STATUS_WON, NULL);
    /* 1: Define 4 days, back to Recognize 3 days, Define 6 more (10 in all), lost. */
    ev(h, 1, 0, EVENT_STAGE, 0, "define");
    ev(h, 1, 4, EVENT_STAGE, 0, "recognize");
    ev(h, 1, 7, EVENT_STAGE, 0, "define");
    ev(h, 1, 13, EVENT_STATUS, STATUS_LOST, NULL);
    /* 2: still open in Define since day 40 (today is day 50): 10 days, still running. */
    ev(h, 2, 40, EVENT_STAGE, 0, "define");
    /* 3: imported on day 45 in Explore, there since day 25 (stage_entered). */
    ev(h, 3, 45, EVENT_STAGE, 0, "explore");
    ev(h, 3, 45, EVENT_STAGE_ENTERED, 20025, NULL);
    stats_result r;
    stats_compute(&f.cfg, h, 20050, &r);
    const stats_stage *define = &r.stages[2], *explore = &r.stages[3], *recognize = &r.stages[1];
    assert_int_equal(r.deals, 4);
    assert_int_equal(define->entered, 3);
    assert_int_equal(define->exited_forward, 1);
    assert_int_equal(define->won, 1);
    assert_int_equal(define->censored, 1);
    assert_int_equal(define->decided, 2);
    /* Define: 10, 10, 10+: the median is 10. */
    assert_int_equal(define->median_days, 10);
    assert_int_equal(define->p80_days_won, 10);
    assert_int_equal(recognize->entered, 1);
    assert_int_equal(recognize->exited_forward, 1);
    assert_int_equal(recognize->median_days, 3);
    /* Explore: 20 (won), 25+ (imported, still running): S(20) = 1/2. */
    assert_int_equal(explore->entered, 2);
    assert_int_equal(explore->censored, 1);
    assert_int_equal(explore->median_days, 20);
    assert_int_equal(explore->p80_days_won, 20);
    assert_int_equal(r.stages[4].entered, 0);
    assert_int_equal(r.stages[4].median_days, -1);
    assert_int_equal(r.pushes, 1);
    assert_int_equal(r.pushed_deals, 1);
    assert_int_equal(r.median_slip_days, 15);
    assert_int_equal(r.by_pushes[0].deals, 1);     /* deal 1, lost */
    assert_int_equal(r.by_pushes[0].won, 0);
    assert_int_equal(r.by_pushes[1].deals, 1);     /* deal 0, won */
    assert_int_equal(r.by_pushes[1].won, 1);
    stats_free(&r);
    deal_history_free(h);
    config_free(&f.cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_censoring_equals_brute_force),
        cmocka_unit_test(textbook_example),
        cmocka_unit_test(censoring_small_examples),
        cmocka_unit_test(stage_clocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
