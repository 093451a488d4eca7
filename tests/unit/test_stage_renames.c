/* Stage renames (pipeline/stage_renames.h): which changes of the stage list
 * are renames (same name, same slot) and which are removals and additions;
 * a recorded id read under today's one (chains, deals rewritten later, an
 * id reused for a new stage); and stats (pipeline/stats.h) that see no
 * move at a rename: the same figures as the history without it. */
#include "flag_fixture.h"

#include "../../pipeline/stage_renames.h"
#include "../../pipeline/stats.h"
#include "history_fixture.h"

/* ---- detection ---- */

/* "id:Name,id:Name,…" */
static void stages_of(pipeline_cfg *cfg, const char *spec)
{
    memset(cfg, 0, sizeof *cfg);
    char *copy = xstrdup(spec), *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(item, ':');
        *colon = '\0';
        config_add_stage(cfg, item, colon + 1, 10, 30);
    }
    free(copy);
}

/* The changes as "from>to" (from empty: added), space-separated. */
static char *detect(const char *before, const char *after)
{
    pipeline_cfg a, b;
    stages_of(&a, before);
    stages_of(&b, after);
    stage_change *list;
    size_t n = stage_changes_detect(a.stages, a.nstages, b.stages, b.nstages, &list);
    strbuf sb = {0};
    sb_puts(&sb, "");
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "%s%s>%s", i ? " " : "", list[i].from ? list[i].from : "", list[i].to);
    stage_change_list_free(list, n);
    config_free(&a);
    config_free(&b);
    return sb.data;
}

static void expect_detect(const char *before, const char *after, const char *want)
{
    char *got = detect(before, after);
    assert_string_equal(got, want);
    free(got);
}

static void renames_are_told_from_removals_and_additions(void **state)
{
    (void)state;
    const char *three = "define:Define,explore:Explore,evaluate:Evaluate";
    /* nothing changed; only a display name changed (ids are what events keep) */
    expect_detect(three, three, "");
    expect_detect(three, "define:Define,explore:Discovery,evaluate:Evaluate", "");
    /* the id changed, the name kept: a rename wherever the stage now sits */
    expect_detect(three, "define:Define,discover:Explore,evaluate:Evaluate", "explore>discover");
    expect_detect(three, "discover:Explore,define:Define,evaluate:Evaluate", "explore>discover");
    /* id and name changed in the same slot: a rename */
    expect_detect(three, "define:Define,discover:Discover,evaluate:Evaluate", "explore>discover");
    /* with a stage added elsewhere in the same commit */
    expect_detect(three, "intro:Intro,define:Define,discover:Discover,evaluate:Evaluate",
                  "explore>discover >intro");
    /* removed: no partner */
    expect_detect(three, "define:Define,evaluate:Evaluate", "");
    /* one removed here and one added elsewhere: not a rename */
    expect_detect(three, "define:Define,evaluate:Evaluate,legal:Legal", ">legal");
    /* two new stages in the old one's slot: which one is it? neither */
    expect_detect(three, "define:Define,a:A,b:B,evaluate:Evaluate", ">a >b");
    /* two renamed in two slots, and two at once by name */
    expect_detect(three, "scope:Define,discover:Discover,evaluate:Evaluate",
                  "define>scope explore>discover");
    expect_detect("a:A,b:B,c:C", "x:B,y:A,c:C", "a>y b>x");
    /* the first pipeline.json: every stage added */
    expect_detect("", "define:Define,explore:Explore", ">define >explore");
}

/* ---- reading a recorded id under today's one ---- */

static void change(deal_history *h, uint32_t commit, const char *from, const char *to)
{
    h->stage_changes = xrealloc(h->stage_changes, (h->nstage_changes + 1) * sizeof *h->stage_changes);
    h->stage_changes[h->nstage_changes++] =
        (stage_change){commit, from ? xstrdup(from) : NULL, xstrdup(to)};
}

static void ids_follow_renames_chains_and_reuse(void **state)
{
    (void)state;
    deal_history h = {0};
    uint32_t c[8];
    for (int d = 0; d < 8; d++)
        c[d] = commit_at(&h, d * 10);
    assert_string_equal(stage_renames_current(&h, "explore", c[0]), "explore");   /* none */
    change(&h, c[0], NULL, "explore");          /* the first pipeline.json */
    change(&h, c[2], "explore", "discover");    /* day 20 */
    change(&h, c[4], "discover", "research");   /* day 40: chained */
    change(&h, c[6], NULL, "explore");          /* day 60: the id reused for a new stage */
    assert_string_equal(stage_renames_current(&h, "explore", c[1]), "research");
    /* recorded in the rename's commit, or after it (deals rewritten later) */
    assert_string_equal(stage_renames_current(&h, "explore", c[2]), "research");
    assert_string_equal(stage_renames_current(&h, "explore", c[5]), "research");
    assert_string_equal(stage_renames_current(&h, "discover", c[3]), "research");
    assert_string_equal(stage_renames_current(&h, "research", c[4]), "research");
    /* from the reuse on: the new stage */
    assert_string_equal(stage_renames_current(&h, "explore", c[6]), "explore");
    assert_string_equal(stage_renames_current(&h, "explore", c[7]), "explore");
    /* never renamed; no id */
    assert_string_equal(stage_renames_current(&h, "evaluate", c[1]), "evaluate");
    assert_null(stage_renames_current(&h, NULL, c[1]));
    deal_history_free(&h);

    /* renamed back: a → b → a */
    deal_history g = {0};
    for (int d = 0; d < 4; d++)
        c[d] = commit_at(&g, d * 10);
    change(&g, c[1], "a", "b");
    change(&g, c[2], "b", "a");
    assert_string_equal(stage_renames_current(&g, "a", c[0]), "a");
    assert_string_equal(stage_renames_current(&g, "b", c[1]), "a");
    assert_string_equal(stage_renames_current(&g, "a", c[3]), "a");
    deal_history_free(&g);
}

/* ---- stats see no move at a rename ---- */

static void history_with(deal_history *h, uint32_t deals, bool rename, bool rewrite_later)
{
    memset(h, 0, sizeof *h);
    h->deals = xcalloc(deals, sizeof *h->deals);
    h->ndeals = deals;
    for (uint32_t i = 0; i < deals; i++)
        h->deals[i] = xasprintf("deal-%03u", i);
    /* deal i: Define on day 0, Explore on day 2+i, then won (even) or
     * still open in Explore (odd); the rename is on day 5, the deals
     * rewritten then or on day 7. */
    for (uint32_t i = 0; i < deals; i++) {
        const char *explore = rename && 2 + (int)i >= 5 ? "discover" : "explore";
        ev(h, i, 0, EVENT_STAGE, 0, "define");
        ev(h, i, 2 + (int)i, EVENT_STAGE, 0, explore);
        if (rename && 2 + (int)i < 5)
            ev(h, i, rewrite_later ? 7 : 5, EVENT_STAGE, 0, "discover");
        if (i % 2 == 0)
            ev(h, i, 12 + 2 * (int)i, EVENT_STATUS, STATUS_WON, NULL);
    }
    if (rename) {
        uint32_t r = commit_at(h, 5);
        change(h, r, "explore", "discover");
    }
    deal_history_canonicalize(h);
}

static void stats_of(bool rename, bool later, const char *explore_id, stats_result *out,
                     pipeline_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    config_add_stage(cfg, "define", "Define", 20, 21);
    config_add_stage(cfg, explore_id, "Explore", 40, 30);
    config_add_stage(cfg, "evaluate", "Evaluate", 60, 30);
    deal_history h;
    history_with(&h, 8, rename, later);
    stats_compute(cfg, &h, date_from_ymd(2024, 12, 31), out);
    deal_history_free(&h);
}

static void stats_see_no_move_at_a_rename(void **state)
{
    (void)state;
    stats_result plain, same_commit, later;
    pipeline_cfg c1, c2, c3;
    stats_of(false, false, "explore", &plain, &c1);
    stats_of(true, false, "discover", &same_commit, &c2);
    stats_of(true, true, "discover", &later, &c3);
    assert_int_equal(plain.stages[1].entered, 8);
    assert_int_equal(plain.stages[1].censored, 4);
    for (size_t s = 0; s < 3; s++)
        for (int k = 0; k < 2; k++) {
            const stats_stage *want = &plain.stages[s], *got = k ? &later.stages[s] : &same_commit.stages[s];
            assert_int_equal(got->entered, want->entered);
            assert_int_equal(got->exited_forward, want->exited_forward);
            assert_int_equal(got->won, want->won);
            assert_int_equal(got->censored, want->censored);
            assert_int_equal(got->median_days, want->median_days);
            assert_int_equal(got->p80_days_won, want->p80_days_won);
        }
    stats_free(&plain);
    stats_free(&same_commit);
    stats_free(&later);
    config_free(&c1);
    config_free(&c2);
    config_free(&c3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(renames_are_told_from_removals_and_additions),
        cmocka_unit_test(ids_follow_renames_chains_and_reuse),
        cmocka_unit_test(stats_see_no_move_at_a_rename),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
