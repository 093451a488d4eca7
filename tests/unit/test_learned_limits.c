/* Stalled limits learned from the history (pipeline/learned_limits.h) and
 * how honest the stage probabilities were (pipeline/stats.h calibration):
 * the shrinkage at its boundaries (0, 4, 5 won deals; thin and rich
 * history), the reason's exact words, the limits from a hand-made history,
 * per-owner groups, and the "learn" key of pipeline.json. */
#include "flag_fixture.h"

#include "../../pipeline/learned_limits.h"
#include "../../pipeline/stats.h"
#include "history_fixture.h"

/* ---- the shrinkage ---- */

static void too_few_won_deals_keep_max_days(void **state)
{
    (void)state;
    learned_limit l = learned_limit_for(30, 12, 0);
    assert_int_equal(l.won, 0);
    assert_int_equal(l.limit, 30);
    l = learned_limit_for(30, 12, LEARN_MIN_WON - 1);          /* 4 */
    assert_int_equal(l.won, 0);
    assert_int_equal(l.limit, 30);
    l = learned_limit_for(30, -1, 50);                         /* no won deal's days */
    assert_int_equal(l.won, 0);
}

static void thin_history_is_pulled_toward_max_days(void **state)
{
    (void)state;
    /* 5 won deals, p80 12, max 30: (5*12 + 10*30) / 15 = 24. */
    learned_limit l = learned_limit_for(30, 12, LEARN_MIN_WON);
    assert_int_equal(l.won, 5);
    assert_int_equal(l.p80_won, 12);
    assert_int_equal(l.limit, 24);
    /* 10 won deals weigh as much as the configuration: (10*12 + 10*30) / 20 = 21. */
    assert_int_equal(learned_limit_for(30, 12, 10).limit, 21);
    /* Rounded to the nearest day: (23*28 + 10*30) / 33 = 28.6. */
    assert_int_equal(learned_limit_for(30, 28, 23).limit, 29);
    /* A learned limit above max_days is pulled down alike: (5*60 + 300) / 15 = 40. */
    assert_int_equal(learned_limit_for(30, 60, 5).limit, 40);
}

static void rich_history_speaks_for_itself(void **state)
{
    (void)state;
    assert_int_equal(learned_limit_for(30, 12, 90).limit, 14);    /* 1380 / 100 = 13.8 */
    assert_int_equal(learned_limit_for(30, 12, 5000).limit, 12);
    assert_int_equal(learned_limit_for(30, 30, 5).limit, 30);     /* agrees: no change */
}

/* ---- the reason ---- */

static void learned_reason_words_and_boundary(void **state)
{
    (void)state;
    pipeline_cfg cfg;
    fixture_default_config(&cfg);
    deal *d = fixture_clean_deal("acme-rollout-7f3a9c", "Acme rollout");
    flag_result f;
    /* Explore, max_days 28: 23 won deals agree with it at 28. */
    cfg.stages[3].max_days = 28;
    learned_limits_set(&cfg, "explore", 28, 23);
    assert_int_equal(stage_stalled_limit(&cfg.stages[3]), 28);
    d->stage_entered = TODAY - 28;
    rules_evaluate(&cfg, d, TODAY, &f);
    assert_int_equal(fixture_reason(&f, RULE_STALLED), -1);
    d->stage_entered = TODAY - 41;
    rules_evaluate(&cfg, d, TODAY, &f);
    int i = fixture_reason(&f, RULE_STALLED);
    assert_true(i >= 0);
    assert_string_equal(f.reasons[i].text,
                        "41 days in Explore; 80% of won deals left Explore within 28 (23 deals)");
    /* Thin history: the limit the rule applied follows (max 30, p80 12, 5 deals: 24). */
    cfg.stages[3].max_days = 30;
    learned_limits_set(&cfg, "explore", 12, 5);
    d->stage_entered = TODAY - 24;
    rules_evaluate(&cfg, d, TODAY, &f);
    assert_int_equal(fixture_reason(&f, RULE_STALLED), -1);
    d->stage_entered = TODAY - 25;
    rules_evaluate(&cfg, d, TODAY, &f);
    i = fixture_reason(&f, RULE_STALLED);
    assert_true(i >= 0);
    assert_string_equal(f.reasons[i].text,
                        "25 days in Explore; 80% of won deals left Explore within 12 (5 deals), "
                        "limit 24");
    /* Four won deals: nothing learned, the old words and limit. */
    learned_limits_set(&cfg, "explore", 12, 4);
    d->stage_entered = TODAY - 31;
    rules_evaluate(&cfg, d, TODAY, &f);
    i = fixture_reason(&f, RULE_STALLED);
    assert_true(i >= 0);
    assert_string_equal(f.reasons[i].text, "31 days in Explore, limit 30");
    learned_limits_set(&cfg, "no-such-stage", 1, 100);          /* ignored */
    deal_destroy(d);
    config_free(&cfg);
}

/* ---- from a history ---- */

/* count deals (numbered from *next) that spend `days` in Explore, then are
 * won (won) or lost in Evaluate. */
static void add_deals(deal_history *h, uint32_t *next, int count, int days, bool won)
{
    for (int i = 0; i < count; i++, (*next)++) {
        ev(h, *next, 0, EVENT_STAGE, 0, "explore");
        ev(h, *next, days, EVENT_STAGE, 0, "evaluate");
        ev(h, *next, days + 1, EVENT_STATUS, won ? STATUS_WON : STATUS_LOST, NULL);
    }
}

static void name_deals(deal_history *h, uint32_t n)
{
    h->deals = xcalloc(n, sizeof *h->deals);
    h->ndeals = n;
    for (uint32_t i = 0; i < n; i++)
        h->deals[i] = xasprintf("deal-%03u", i);
}

/* won deals with Explore days 10, 11, … and 3 lost ones of 90 days: the
 * stage's learned limit. */
static learned_limit learned_from(int won)
{
    history_fixture f = {0};
    config_init_defaults(&f.cfg);
    config_default_stages(&f.cfg);
    uint32_t next = 0;
    for (int i = 0; i < won; i++)
        add_deals(&f.h, &next, 1, 10 + i, true);
    add_deals(&f.h, &next, 3, 90, false);
    name_deals(&f.h, next);
    stats_result r;
    stats_compute(&f.cfg, &f.h, 20500, &r);
    learned_limits_set(&f.cfg, "explore", r.stages[3].p80_days_won, r.stages[3].won);
    learned_limit l = f.cfg.stages[3].learned;
    stats_free(&r);
    deal_history_free(&f.h);
    config_free(&f.cfg);
    return l;
}

static void limits_from_a_history(void **state)
{
    (void)state;
    assert_int_equal(learned_from(0).won, 0);
    assert_int_equal(learned_from(4).won, 0);
    /* 5 won: 10..14, nearest-rank p80 = the 4th = 13; (5*13 + 300) / 15 = 24.3. */
    learned_limit l = learned_from(5);
    assert_int_equal(l.won, 5);
    assert_int_equal(l.p80_won, 13);
    assert_int_equal(l.limit, 24);
    /* 100 won: 10..109, p80 = the 80th = 89; (8900 + 300) / 110 = 83.6. The
     * lost deals' 90 days do not count. */
    l = learned_from(100);
    assert_int_equal(l.p80_won, 89);
    assert_int_equal(l.limit, 84);
}

/* ---- calibration ---- */

static void suggested_probability_needs_enough_decided_deals(void **state)
{
    (void)state;
    assert_int_equal(stats_suggested_probability(0, 0), -1);
    assert_int_equal(stats_suggested_probability(5, CALIBRATION_MIN_DECIDED - 1), -1);
    assert_int_equal(stats_suggested_probability(3, 10), 30);
    assert_int_equal(stats_suggested_probability(2, 12), 17);   /* 16.7 */
    assert_int_equal(stats_suggested_probability(0, 10), 0);
    assert_int_equal(stats_suggested_probability(10, 10), 100);
}

static void calibration_per_group_and_left_out(void **state)
{
    (void)state;
    history_fixture f = {0};
    config_init_defaults(&f.cfg);
    config_default_stages(&f.cfg);
    uint32_t next = 0;
    add_deals(&f.h, &next, 3, 5, true);      /* 0-2: group 0, won */
    add_deals(&f.h, &next, 2, 5, false);     /* 3-4: group 1, lost */
    add_deals(&f.h, &next, 1, 5, true);      /* 5: no group */
    add_deals(&f.h, &next, 4, 5, true);      /* 6-9: left out */
    ev(&f.h, next++, 0, EVENT_STAGE, 0, "explore");   /* 10: open, group 1: not decided */
    name_deals(&f.h, next);
    int of_deal[] = {0, 0, 0, 1, 1, STATS_NO_GROUP, STATS_LEFT_OUT, STATS_LEFT_OUT,
                     STATS_LEFT_OUT, STATS_LEFT_OUT, 1};
    stats_groups groups = {of_deal, 2};
    stats_result r;
    stats_compute_groups(&f.cfg, &f.h, 20500, &groups, &r);
    size_t explore = 3, n = f.cfg.nstages;
    assert_int_equal(r.deals, 7);
    assert_int_equal(r.stages[explore].decided, 6);
    assert_int_equal(r.stages[explore].won, 4);
    assert_int_equal(r.ngroups, 2);
    assert_int_equal(r.by_group[0 * n + explore].decided, 3);
    assert_int_equal(r.by_group[0 * n + explore].won, 3);
    assert_int_equal(r.by_group[1 * n + explore].decided, 2);
    assert_int_equal(r.by_group[1 * n + explore].won, 0);
    assert_int_equal(r.by_group[1 * n + explore + 1].decided, 2);   /* Evaluate */
    assert_int_equal(r.by_group[0 * n + 0].decided, 0);             /* Status quo */
    stats_free(&r);
    deal_history_free(&f.h);
    config_free(&f.cfg);
}

/* ---- pipeline.json ---- */

static void learn_key_is_read_and_checked(void **state)
{
    (void)state;
    pipeline_cfg cfg;
    fixture_config("{\"rules\": {\"stalled\": {\"learn\": true}}}", &cfg);
    assert_true(cfg.rules[RULE_STALLED].learn);
    config_free(&cfg);
    fixture_default_config(&cfg);
    assert_false(cfg.rules[RULE_STALLED].learn);
    config_free(&cfg);
    static const struct {
        const char *json, *message;
    } bad[] = {
        {"{\"rules\": {\"stalled\": {\"learn\": \"yes\"}}}",
         "pipeline.json: rule 'stalled': 'learn' must be true (limits learned from the history) "
         "or false (the stages' max_days)"},
        {"{\"rules\": {\"stalled\": {\"learn\": 1}}}",
         "pipeline.json: rule 'stalled': 'learn' must be true (limits learned from the history) "
         "or false (the stages' max_days)"},
        {"{\"rules\": {\"quiet\": {\"learn\": true}}}",
         "pipeline.json: rule 'quiet': 'learn' belongs to the stalled rule only"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        db_err err = {0};
        char *warnings = NULL;
        assert_int_not_equal(config_parse(bad[i].json, strlen(bad[i].json), "pipeline.json", &cfg,
                                          &warnings, &err), 0);
        assert_string_equal(err.msg, bad[i].message);
        free(warnings);
        config_free(&cfg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(too_few_won_deals_keep_max_days),
        cmocka_unit_test(thin_history_is_pulled_toward_max_days),
        cmocka_unit_test(rich_history_speaks_for_itself),
        cmocka_unit_test(learned_reason_words_and_boundary),
        cmocka_unit_test(limits_from_a_history),
        cmocka_unit_test(suggested_probability_needs_enough_decided_deals),
        cmocka_unit_test(calibration_per_group_and_left_out),
        cmocka_unit_test(learn_key_is_read_and_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
