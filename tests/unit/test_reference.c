/* References and the first mover (pipeline/reference.h): which stage is the
 * evaluation stage, who is not comfortable being first, which references
 * are offered and the words the review shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/config.h"
#include "../../pipeline/reference.h"

static db_day day(const char *text)
{
    db_day d;
    assert_true(date_parse(text, &d));
    return d;
}

static void default_pipeline(pipeline_cfg *cfg)
{
    config_init_defaults(cfg);
    config_default_stages(cfg);
}

/* An open deal in `stage`; asked_at: when its buyer asked for references (NULL: never). */
static void buyer(deal *d, const char *stage, const char *asked_at)
{
    deal_init(d);
    d->id = xstrdup("rijnmond-port-dd7d3d");
    d->title = xstrdup("Rijnmond Port");
    d->stage = xstrdup(stage);
    d->cluster = xstrdup("one stack per site");
    deal_add_log(d, "l1", "2026-09-28T12:05:00Z", "Dana", "stage", "Explore → Evaluate");
    if (asked_at)
        deal_add_log(d, "l2", asked_at, "Dana", REFERENCE_LOG_KIND,
                     "the buyer asked for references: castell");
}

/* A won deal, ready as a reference, asked `asks` times. */
static deal *reference(const char *id, const char *title, const char *cluster, size_t asks)
{
    deal *d = xcalloc(1, sizeof *d);
    deal_init(d);
    d->id = xstrdup(id);
    d->title = title ? xstrdup(title) : NULL;
    d->stage = xstrdup("decide");
    d->status = STATUS_WON;
    d->cluster = cluster ? xstrdup(cluster) : NULL;
    d->reference.present = true;
    d->reference.ready = true;
    for (size_t i = 0; i < asks; i++) {
        char ask_id[24];
        snprintf(ask_id, sizeof ask_id, "a%zu", i);
        deal_add_reference_ask(d, ask_id, day("2026-10-01") + (db_day)i, "someone");
    }
    return d;
}

static void evaluation_stage_is_evaluate_unless_one_is_marked(void **state)
{
    (void)state;
    pipeline_cfg cfg;
    default_pipeline(&cfg);
    assert_int_equal(config_evaluation_stage(&cfg), config_stage_index(&cfg, "evaluate"));
    cfg.stages[3].evaluation = true;                    /* explore, marked in pipeline.json */
    assert_int_equal(config_evaluation_stage(&cfg), 3);
    config_free(&cfg);

    config_init_defaults(&cfg);                         /* a pipeline without an evaluate stage */
    config_add_stage(&cfg, "lead", "Lead", 10, 30);
    config_add_stage(&cfg, "shortlist", "Shortlist", 50, 30);
    assert_int_equal(config_evaluation_stage(&cfg), -1);
    config_free(&cfg);
}

static void not_first_mover_only_open_in_the_evaluation_stage_after_asking(void **state)
{
    (void)state;
    pipeline_cfg cfg;
    default_pipeline(&cfg);
    deal d;
    buyer(&d, "evaluate", "2026-11-12T15:00:00Z");
    assert_true(reference_not_first_mover(&cfg, &d));
    assert_int_equal(reference_first_wanted(&d), day("2026-11-12"));
    d.status = STATUS_WON;                              /* closed: nothing to offer any more */
    assert_false(reference_not_first_mover(&cfg, &d));
    d.status = STATUS_MOVED_ON;
    assert_false(reference_not_first_mover(&cfg, &d));
    d.status = STATUS_OPEN;
    deal_set_str(&d.stage, "explore");                  /* asked before evaluating: not yet */
    assert_false(reference_not_first_mover(&cfg, &d));
    deal_set_str(&d.stage, "decide");                   /* past it: the rule is Evaluate's */
    assert_false(reference_not_first_mover(&cfg, &d));
    cfg.stages[3].evaluation = true;                    /* the team evaluates in Explore */
    deal_set_str(&d.stage, "explore");
    assert_true(reference_not_first_mover(&cfg, &d));
    deal_set_str(&d.stage, "evaluate");
    assert_false(reference_not_first_mover(&cfg, &d));
    deal_free(&d);

    buyer(&d, "evaluate", NULL);                        /* never asked */
    assert_false(reference_not_first_mover(&cfg, &d));
    assert_int_equal(reference_first_wanted(&d), DAY_NONE);
    deal_free(&d);
    config_free(&cfg);
}

static void suggest_same_cluster_first_then_least_asked(void **state)
{
    (void)state;
    deal *all[] = {reference("polaris", "Polaris", "vendor portals", 0),
                   reference("castell", "Castell Media", "one stack per site", 2),
                   reference("lindqvist", "Lindqvist", "spreadsheets", 1),
                   reference("adler", "Adler", "one stack per site", 1)};
    all[2]->reference.ready = false;                    /* not ready: never offered */
    deal d, *out[4];
    buyer(&d, "evaluate", "2026-11-12T15:00:00Z");
    size_t n = reference_suggest(all, 4, &d, out);
    assert_int_equal(n, 3);
    assert_string_equal(out[0]->id, "adler");           /* same cluster, asked once */
    assert_string_equal(out[1]->id, "castell");         /* same cluster, asked twice */
    assert_string_equal(out[2]->id, "polaris");
    for (size_t i = 0; i < 4; i++)
        deal_destroy(all[i]);
    deal_free(&d);
}

static void words_name_the_same_cluster_else_any_else_none(void **state)
{
    (void)state;
    deal d;
    buyer(&d, "evaluate", "2026-11-12T15:00:00Z");
    db_day asked = day("2026-11-12");
    deal *same[] = {reference("adler", "Adler", "one stack per site", 0),
                    reference("castell", NULL, "one stack per site", 1),
                    reference("polaris", "Polaris", "vendor portals", 0)};
    char *w = reference_first_mover_words(asked, &d, same, 3);
    assert_string_equal(w, "The buyer asked for references on 2026-11-12: not comfortable being "
                           "first — offer a reference from the same cluster: Adler, castell");
    free(w);
    w = reference_first_mover_words(asked, &d, same + 2, 1);
    assert_string_equal(w, "The buyer asked for references on 2026-11-12: not comfortable being "
                           "first — offer a reference: Polaris");
    free(w);
    w = reference_first_mover_words(asked, &d, NULL, 0);
    assert_string_equal(w, "The buyer asked for references on 2026-11-12: not comfortable being "
                           "first — no reference is ready: mark a won deal's reference ready");
    free(w);
    for (size_t i = 0; i < 3; i++)
        deal_destroy(same[i]);

    deal *many[] = {reference("r1", "One", "x", 0), reference("r2", "Two", "x", 0),
                    reference("r3", "Three", "x", 0), reference("r4", "Four", "x", 0),
                    reference("r5", "Five", "x", 0)};
    w = reference_first_mover_words(asked, &d, many, 5);  /* REFERENCE_OFFERS_NAMED is 3 */
    assert_non_null(strstr(w, "offer a reference: One, Two, Three and 2 more"));
    free(w);
    for (size_t i = 0; i < 5; i++)
        deal_destroy(many[i]);
    deal_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evaluation_stage_is_evaluate_unless_one_is_marked),
        cmocka_unit_test(not_first_mover_only_open_in_the_evaluation_stage_after_asking),
        cmocka_unit_test(suggest_same_cluster_first_then_least_asked),
        cmocka_unit_test(words_name_the_same_cluster_else_any_else_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
