/* Insights that worked (pipeline/cluster_insights.h): the insight a deal has
 * now, set while in a stage, counts when the deal then reached a later stage
 * or was won; on the boundaries (changed after the move, moved back, won
 * before it was set), and without history (judged by where the deal is). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/cluster_insights.h"
#include "../../pipeline/clusters.h"
#include "history_fixture.h"

typedef struct {
    history_fixture hf;
    deal d;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    config_init_defaults(&f->hf.cfg);
    config_default_stages(&f->hf.cfg);   /* status-quo recognize define explore evaluate decide */
    f->hf.h.deals = xcalloc(1, sizeof *f->hf.h.deals);
    f->hf.h.deals[0] = xstrdup("acme");
    f->hf.h.ndeals = 1;
    deal_init(&f->d);
    f->d.id = xstrdup("acme");
    f->d.title = xstrdup("Acme");
    f->d.stage = xstrdup("define");
    f->d.insight = xstrdup("Their close takes 9 days");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    deal_history_free(&f->hf.h);
    config_free(&f->hf.cfg);
    deal_free(&f->d);
    free(f);
    return 0;
}

static int64_t hash(const char *text)
{
    return deal_event_text_hash(text);
}

static int stage(const fixture *f, const char *id)
{
    return config_stage_index(&f->hf.cfg, id);
}

static void moved_forward_after_it_was_set(void **state)
{
    fixture *f = *state;
    deal_history *h = &f->hf.h;
    ev(h, 0, 0, EVENT_STAGE, 0, "define");
    ev(h, 0, 3, EVENT_INSIGHT, hash(f->d.insight), NULL);
    ev(h, 0, 9, EVENT_STAGE, 0, "explore");
    ev(h, 0, 20, EVENT_STAGE, 0, "evaluate");
    ev(h, 0, 25, EVENT_STAGE, 0, "explore");   /* back again: the furthest counts */
    cluster_insight in;
    assert_true(cluster_insight_of(&f->hf.cfg, h, &f->d, &in));
    assert_string_equal(in.deal, "acme");
    assert_string_equal(in.text, "Their close takes 9 days");
    assert_int_equal(in.stage_then, stage(f, "define"));
    assert_int_equal(in.moved_to, stage(f, "evaluate"));
    assert_false(in.won);
    assert_true(in.from_history);
    assert_int_equal(in.recorded, T0 + 3 * DAY);
    cluster_insight_free(&in);
}

static void not_moved_since_does_not_count(void **state)
{
    fixture *f = *state;
    deal_history *h = &f->hf.h;
    ev(h, 0, 0, EVENT_STAGE, 0, "define");
    ev(h, 0, 3, EVENT_INSIGHT, hash(f->d.insight), NULL);
    cluster_insight in;
    assert_false(cluster_insight_of(&f->hf.cfg, h, &f->d, &in));
}

/* The insight of now was written after the move: the move was not its doing. */
static void changed_after_the_move_does_not_count(void **state)
{
    fixture *f = *state;
    deal_history *h = &f->hf.h;
    ev(h, 0, 0, EVENT_STAGE, 0, "define");
    ev(h, 0, 1, EVENT_INSIGHT, hash("an older insight"), NULL);
    ev(h, 0, 2, EVENT_STAGE, 0, "explore");
    ev(h, 0, 3, EVENT_INSIGHT, hash(f->d.insight), NULL);
    cluster_insight in;
    assert_false(cluster_insight_of(&f->hf.cfg, h, &f->d, &in));
    /* The older text, back on the deal, did see the move. */
    free(f->d.insight);
    f->d.insight = xstrdup("an older insight");
    assert_true(cluster_insight_of(&f->hf.cfg, h, &f->d, &in));
    assert_int_equal(in.stage_then, stage(f, "define"));
    assert_int_equal(in.moved_to, stage(f, "explore"));
    cluster_insight_free(&in);
}

static void moved_back_does_not_count(void **state)
{
    fixture *f = *state;
    deal_history *h = &f->hf.h;
    ev(h, 0, 0, EVENT_STAGE, 0, "explore");
    ev(h, 0, 1, EVENT_INSIGHT, hash(f->d.insight), NULL);
    ev(h, 0, 2, EVENT_STAGE, 0, "define");
    ev(h, 0, 3, EVENT_STAGE, 0, "explore");   /* back to where it was: not later */
    cluster_insight in;
    assert_false(cluster_insight_of(&f->hf.cfg, h, &f->d, &in));
}

static void won_after_counts_won_before_does_not(void **state)
{
    fixture *f = *state;
    deal_history *h = &f->hf.h;
    ev(h, 0, 0, EVENT_STAGE, 0, "decide");
    ev(h, 0, 1, EVENT_INSIGHT, hash(f->d.insight), NULL);
    ev(h, 0, 2, EVENT_STATUS, STATUS_WON, NULL);
    ev(h, 0, 3, EVENT_STATUS, STATUS_OPEN, NULL);   /* reopened: it was won once */
    cluster_insight in;
    assert_true(cluster_insight_of(&f->hf.cfg, h, &f->d, &in));
    assert_true(in.won);
    assert_int_equal(in.moved_to, -1);
    assert_int_equal(in.stage_then, stage(f, "decide"));
    cluster_insight_free(&in);

    deal_history_free(&f->hf.h);
    memset(h, 0, sizeof *h);
    h->deals = xcalloc(1, sizeof *h->deals);
    h->deals[0] = xstrdup("acme");
    h->ndeals = 1;
    ev(h, 0, 0, EVENT_STAGE, 0, "decide");
    ev(h, 0, 1, EVENT_STATUS, STATUS_WON, NULL);
    ev(h, 0, 2, EVENT_INSIGHT, hash(f->d.insight), NULL);   /* written after the win */
    assert_false(cluster_insight_of(&f->hf.cfg, h, &f->d, &in));
}

/* Without history (or a deal it does not know): won, or past define now. */
static void without_history_where_the_deal_is_now(void **state)
{
    fixture *f = *state;
    cluster_insight in;
    assert_false(cluster_insight_of(&f->hf.cfg, NULL, &f->d, &in));   /* in define */
    free(f->d.stage);
    f->d.stage = xstrdup("explore");
    assert_true(cluster_insight_of(&f->hf.cfg, NULL, &f->d, &in));
    assert_false(in.from_history);
    assert_int_equal(in.stage_then, -1);
    assert_int_equal(in.moved_to, stage(f, "explore"));
    assert_false(in.won);
    assert_int_equal(in.recorded, 0);
    cluster_insight_free(&in);
    /* A history that does not know the deal: the same. */
    free(f->d.id);
    f->d.id = xstrdup("globex");
    assert_true(cluster_insight_of(&f->hf.cfg, &f->hf.h, &f->d, &in));
    assert_false(in.from_history);
    cluster_insight_free(&in);
    free(f->d.stage);
    f->d.stage = xstrdup("define");
    f->d.status = STATUS_WON;
    assert_true(cluster_insight_of(&f->hf.cfg, NULL, &f->d, &in));
    assert_true(in.won);
    cluster_insight_free(&in);
}

/* Another event in the commit of the last one (ev makes one commit each). */
static void ev_same_commit(deal_history *h, uint32_t deal, event_field f, int64_t num)
{
    h->events = xrealloc(h->events, (h->nevents + 1) * sizeof *h->events);
    h->events[h->nevents++] = (deal_event){deal, (uint32_t)h->ncommits - 1, f, num, NULL};
}

/* A deal that came with its insight in its first commit (imported, the
 * demo): the history does not say when it was written, so the deal is
 * judged by where it is now, as without history. */
static void came_with_it_judged_by_now(void **state)
{
    fixture *f = *state;
    deal_history *h = &f->hf.h;
    ev(h, 0, 0, EVENT_STAGE, 0, "evaluate");
    ev_same_commit(h, 0, EVENT_INSIGHT, hash(f->d.insight));
    free(f->d.stage);
    f->d.stage = xstrdup("evaluate");
    cluster_insight in;
    assert_true(cluster_insight_of(&f->hf.cfg, h, &f->d, &in));
    assert_false(in.from_history);
    assert_int_equal(in.stage_then, -1);
    assert_int_equal(in.moved_to, stage(f, "evaluate"));
    cluster_insight_free(&in);
    /* Written again later, in Evaluate, and then the deal moved on: known. */
    free(f->d.insight);
    f->d.insight = xstrdup("sharper");
    ev(h, 0, 4, EVENT_INSIGHT, hash("sharper"), NULL);
    ev(h, 0, 6, EVENT_STAGE, 0, "decide");
    assert_true(cluster_insight_of(&f->hf.cfg, h, &f->d, &in));
    assert_true(in.from_history);
    assert_int_equal(in.stage_then, stage(f, "evaluate"));
    assert_int_equal(in.moved_to, stage(f, "decide"));
    cluster_insight_free(&in);
}

static void blank_or_light_insight_never_counts(void **state)
{
    fixture *f = *state;
    free(f->d.stage);
    f->d.stage = xstrdup("decide");
    free(f->d.insight);
    f->d.insight = xstrdup(" \t ");
    cluster_insight in;
    assert_false(cluster_insight_of(&f->hf.cfg, NULL, &f->d, &in));
    free(f->d.insight);
    f->d.insight = xstrdup("real");
    f->d.partial = true;   /* a light deal has no text to show */
    assert_false(cluster_insight_of(&f->hf.cfg, NULL, &f->d, &in));
    f->d.partial = false;
}

static cluster_insight made(const char *deal, bool from_history, int64_t recorded)
{
    return (cluster_insight){.deal = xstrdup(deal), .text = xstrdup("x"), .stage_then = -1,
                             .moved_to = -1, .from_history = from_history, .recorded = recorded};
}

/* Filed under the deal's cluster; most recent first, those without a date last. */
static void filed_by_cluster_most_recent_first(void **state)
{
    fixture *f = *state;
    free(f->d.cluster);
    f->d.cluster = xstrdup(" fax ");
    deal *list[] = {&f->d};
    cluster_table t;
    clusters_compute(&f->hf.cfg, list, 1, 20000, &t);
    cluster_insight a = made("a", false, 0), b = made("b", true, 100), c = made("c", true, 300),
                    d = made("d", false, 0);
    assert_true(clusters_add_insight(&t, &f->d, &d));
    assert_true(clusters_add_insight(&t, &f->d, &b));
    assert_true(clusters_add_insight(&t, &f->d, &a));
    assert_true(clusters_add_insight(&t, &f->d, &c));
    assert_null(b.deal);   /* taken */
    clusters_sort_insights(&t);
    const cluster_row *r = clusters_row_of(&t, &f->d);
    assert_non_null(r);
    assert_int_equal(r->ninsights, 4);
    assert_string_equal(r->insights[0].deal, "c");
    assert_string_equal(r->insights[1].deal, "b");
    assert_string_equal(r->insights[2].deal, "a");
    assert_string_equal(r->insights[3].deal, "d");
    free(f->d.cluster);
    f->d.cluster = xstrdup("paper");   /* no such row */
    cluster_insight e = made("e", true, 1);
    assert_false(clusters_add_insight(&t, &f->d, &e));
    assert_null(e.deal);
    clusters_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(moved_forward_after_it_was_set, setup, teardown),
        cmocka_unit_test_setup_teardown(not_moved_since_does_not_count, setup, teardown),
        cmocka_unit_test_setup_teardown(changed_after_the_move_does_not_count, setup, teardown),
        cmocka_unit_test_setup_teardown(moved_back_does_not_count, setup, teardown),
        cmocka_unit_test_setup_teardown(won_after_counts_won_before_does_not, setup, teardown),
        cmocka_unit_test_setup_teardown(without_history_where_the_deal_is_now, setup, teardown),
        cmocka_unit_test_setup_teardown(came_with_it_judged_by_now, setup, teardown),
        cmocka_unit_test_setup_teardown(blank_or_light_insight_never_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(filed_by_cluster_most_recent_first, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
