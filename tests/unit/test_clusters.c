/* Status-quo clusters (pipeline/clusters.h): outcomes per cluster, the win
 * rate, and the stage where a cluster's deals stall, on boundary days. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/clusters.h"
#include "../../pipeline/util.h"

static db_day day(const char *text)
{
    db_day d;
    assert_true(date_parse(text, &d));
    return d;
}

typedef struct {
    pipeline_cfg cfg;
    deal deals[16];
    deal *ptrs[16];
    size_t n;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    config_init_defaults(&f->cfg);
    config_default_stages(&f->cfg);   /* define: limit 21 days, evaluate: 30 */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < f->n; i++)
        deal_free(&f->deals[i]);
    config_free(&f->cfg);
    free(f);
    return 0;
}

static deal *add(fixture *f, const char *cluster, const char *stage, deal_status status,
                 const char *entered)
{
    deal *d = &f->deals[f->n];
    deal_init(d);
    d->id = xasprintf("deal-%zu", f->n);
    d->title = xstrdup("A deal");
    d->stage = xstrdup(stage);
    d->cluster = xstrdup(cluster);
    d->status = status;
    d->created = d->stage_entered = day(entered);
    d->last_touch = day("2027-03-01");
    d->next_text = xstrdup("call");
    d->next_due = day("2027-03-05");
    f->ptrs[f->n++] = d;
    return d;
}

static const cluster_row *row_named(const cluster_table *t, const char *label)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(cluster_label(&t->rows[i]), label) == 0)
            return &t->rows[i];
    fail_msg("no row %s", label);
    return NULL;
}

static void outcomes_and_win_rate(void **state)
{
    fixture *f = *state;
    add(f, "spreadsheets", "define", STATUS_OPEN, "2027-02-20");
    add(f, "spreadsheets", "decide", STATUS_WON, "2027-01-01");
    add(f, " spreadsheets\t", "decide", STATUS_WON, "2027-01-01");   /* blanks do not count */
    add(f, "spreadsheets", "evaluate", STATUS_LOST, "2027-01-01");
    add(f, "spreadsheets", "define", STATUS_MOVED_ON, "2027-01-01");
    add(f, "paper", "define", STATUS_OPEN, "2027-02-20");
    add(f, NULL, "define", STATUS_WON, "2027-01-01");
    add(f, "  ", "define", STATUS_OPEN, "2027-02-20");
    cluster_table t;
    clusters_compute(&f->cfg, f->ptrs, f->n, day("2027-03-01"), &t);
    assert_int_equal(t.count, 3);
    assert_string_equal(cluster_label(&t.rows[0]), "spreadsheets");
    assert_string_equal(cluster_label(&t.rows[1]), "paper");
    assert_string_equal(cluster_label(&t.rows[2]), "(none)");   /* last, though bigger than paper */
    const cluster_row *s = &t.rows[0];
    assert_int_equal(s->open, 1);
    assert_int_equal(s->won, 2);
    assert_int_equal(s->lost, 1);
    assert_int_equal(s->moved_on, 1);
    assert_int_equal(cluster_win_rate(s), 50);   /* 2 won of 4 decided */
    assert_int_equal(cluster_win_rate(&t.rows[1]), -1);   /* nothing decided */
    assert_int_equal(cluster_win_rate(&t.rows[2]), 100);
    assert_int_equal(t.rows[2].open, 1);
    clusters_free(&t);
}

/* Open deals count where they are flagged stalled: define's limit is 21
 * days, so 21 days in is not stalled and 22 is. */
static void stall_stage_boundary(void **state)
{
    fixture *f = *state;
    db_day today = day("2027-03-01");
    add(f, "paper", "define", STATUS_OPEN, "2027-02-08");     /* 21 days: not stalled */
    add(f, "paper", "define", STATUS_OPEN, "2027-02-08");
    add(f, "paper", "evaluate", STATUS_OPEN, "2027-01-29");   /* 31 days: stalled */
    cluster_table t;
    clusters_compute(&f->cfg, f->ptrs, f->n, today, &t);
    const cluster_row *p = row_named(&t, "paper");
    assert_int_equal(p->stall_stage, config_stage_index(&f->cfg, "evaluate"));
    assert_int_equal(p->stall_count, 1);
    clusters_free(&t);
    f->deals[0].stage_entered = day("2027-02-07");             /* 22 days: stalled */
    clusters_compute(&f->cfg, f->ptrs, f->n, today, &t);
    p = row_named(&t, "paper");
    assert_int_equal(p->stall_stage, config_stage_index(&f->cfg, "define"));   /* tie: earlier */
    assert_int_equal(p->stall_count, 1);
    clusters_free(&t);
}

/* Lost and moved-on deals count in the stage they closed in; won deals and
 * open deals that are not stalled do not count at all. */
static void closed_deals_count_where_they_closed(void **state)
{
    fixture *f = *state;
    add(f, "paper", "explore", STATUS_LOST, "2026-01-01");
    add(f, "paper", "explore", STATUS_MOVED_ON, "2026-01-01");
    add(f, "paper", "define", STATUS_LOST, "2026-01-01");
    add(f, "paper", "decide", STATUS_WON, "2026-01-01");
    add(f, "paper", "decide", STATUS_WON, "2026-01-01");
    add(f, "paper", "decide", STATUS_WON, "2026-01-01");
    add(f, "fax", "decide", STATUS_WON, "2026-01-01");
    add(f, "fax", "nowhere", STATUS_LOST, "2026-01-01");   /* a stage the pipeline lacks */
    cluster_table t;
    clusters_compute(&f->cfg, f->ptrs, f->n, day("2027-03-01"), &t);
    const cluster_row *p = row_named(&t, "paper");
    assert_int_equal(p->stall_stage, config_stage_index(&f->cfg, "explore"));
    assert_int_equal(p->stall_count, 2);
    const cluster_row *x = row_named(&t, "fax");
    assert_int_equal(x->stall_stage, -1);
    assert_int_equal(x->stall_count, 0);
    assert_int_equal(x->lost, 1);
    clusters_free(&t);
}

static void no_deals_no_rows(void **state)
{
    fixture *f = *state;
    cluster_table t;
    clusters_compute(&f->cfg, f->ptrs, 0, day("2027-03-01"), &t);
    assert_int_equal(t.count, 0);
    clusters_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(outcomes_and_win_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(stall_stage_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(closed_deals_count_where_they_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(no_deals_no_rows, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
