/* The daily review's queue (pipeline/review.h): what is in it, in which
 * order, and the one-line summaries the review shows. */
#include "flag_fixture.h"

#include "../../pipeline/review.h"
#include "../../pipeline/text.h"

typedef struct {
    pipeline_cfg cfg;
    deal_list deals;
} world;

static deal *add(world *w, const char *id, const char *title)
{
    deal *d = fixture_clean_deal(id, title);
    deal_list_push(&w->deals, d);
    return d;
}

static deal *moved_on(world *w, const char *id, const char *title, db_day revisit)
{
    deal *d = add(w, id, title);
    d->status = STATUS_MOVED_ON;
    d->moved_on = true;
    d->revisit = revisit;
    return d;
}

/* close date pushed twice (+2) and, when `late`, passed ten days ago (+2). */
static deal *flagged(world *w, const char *id, const char *title, const char *stage, bool late)
{
    deal *d = add(w, id, title);
    deal_set_str(&d->stage, stage);
    d->close_date_pushes = 2;
    if (late)
        d->close_date = TODAY - 10;
    return d;
}

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
    deal_list_free(&w->deals);
    config_free(&w->cfg);
    free(w);
    return 0;
}

/* A pipeline with one deal of every kind; the comment says where each goes. */
static void build_mixed(world *w)
{
    deal_set_str(&moved_on(w, "beta-000001", "Beta", TODAY - 5)->moved_on_reason,
                 "No budget until Q3");                                 /* 1 */
    moved_on(w, "alpha-000002", "Alpha", TODAY);                        /* 2 */
    moved_on(w, "later-000003", "Later", TODAY + 1);                    /* not yet */
    moved_on(w, "never-000004", "Never", DAY_NONE);                     /* no revisit */
    deal_set_str(&flagged(w, "m1-000005", "M one", "explore", true)->next_text, NULL); /* 3: 5 */
    flagged(w, "m2-000006", "M two", "decide", true);                   /* 5: 4, Decide */
    flagged(w, "m3-000007", "M three", "define", true);                 /* 4: 4, Define */
    flagged(w, "w1-000008", "W one", "explore", false);                 /* 7: 2 */
    deal_set_str(&flagged(w, "w2-000009", "W two", "explore", false)->next_text, NULL); /* 6: 3 */
    flagged(w, "w3-00000a", "W three", "explore", false)->next_due = TODAY; /* 8: watch, once */
    add(w, "s1-00000b", "S one")->next_due = TODAY;                     /* 10: due today */
    add(w, "s2-00000c", "S two")->next_due = TODAY - 5;                 /* 9: overdue, score 1 */
    add(w, "s3-00000d", "S three")->next_due = TODAY + 1;               /* not due */
    deal *snoozed = flagged(w, "z-00000e", "Snoozed", "explore", true);
    snoozed->snooze_until = TODAY + 3;                                  /* out until then */
    snoozed->next_due = TODAY - 1;
    deal *won = flagged(w, "won-00000f", "Won", "decide", true);
    won->status = STATUS_WON;
    won->revisit = TODAY - 1;                                           /* only moved-on revisits */
    add(w, "quiet-000010", "Nothing to do");
}

static size_t queue(world *w, review_item **items)
{
    *items = xcalloc(w->deals.count ? w->deals.count : 1, sizeof **items);
    return review_queue(&w->cfg, w->deals.items, w->deals.count, TODAY, *items);
}

static void order_and_categories(void **state)
{
    world *w = *state;
    build_mixed(w);
    review_item *items;
    size_t n = queue(w, &items);
    static const struct {
        const char *title;
        review_category category;
        int days;
    } expected[] = {
        {"Beta", REVIEW_REVISIT, 5},   {"Alpha", REVIEW_REVISIT, 0},
        {"M one", REVIEW_MOVE_ON, 5},  {"M three", REVIEW_MOVE_ON, 4},
        {"M two", REVIEW_MOVE_ON, 4},  {"W two", REVIEW_WATCH, 3},
        {"W one", REVIEW_WATCH, 2},    {"W three", REVIEW_WATCH, 2},
        {"S two", REVIEW_STEP_DUE, 5}, {"S one", REVIEW_STEP_DUE, 0},
    };
    size_t count = sizeof expected / sizeof *expected;
    for (size_t i = 0; i < n && i < count; i++) {
        assert_string_equal(items[i].d->title, expected[i].title);
        assert_int_equal(items[i].category, expected[i].category);
        assert_int_equal(items[i].days, expected[i].days);
    }
    assert_int_equal(n, count);
    free(items);
}

static void items_carry_the_flag_result(void **state)
{
    world *w = *state;
    build_mixed(w);
    review_item *items;
    size_t n = queue(w, &items);
    for (size_t i = 0; i < n; i++) {
        flag_result f;
        rules_evaluate(&w->cfg, items[i].d, TODAY, &f);
        assert_int_equal(items[i].flags.score, f.score);
        assert_int_equal(items[i].flags.level, f.level);
        assert_int_equal(items[i].flags.nreasons, f.nreasons);
    }
    assert_true(items[0].flags.revisit_due);
    assert_int_equal(items[8].flags.score, 1);     /* overdue by 5: below watch, still due */
    free(items);
}

static void a_deal_appears_once(void **state)
{
    world *w = *state;
    build_mixed(w);
    review_item *items;
    size_t n = queue(w, &items);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            assert_ptr_not_equal(items[i].d, items[j].d);
    free(items);
}

static void snoozed_deals_come_back_on_the_until_day(void **state)
{
    world *w = *state;
    deal *d = flagged(w, "z-000001", "Snoozed", "explore", true);
    d->snooze_until = TODAY + 1;
    review_item items[1];
    assert_int_equal(review_queue(&w->cfg, w->deals.items, 1, TODAY, items), 0);
    assert_int_equal(review_queue(&w->cfg, w->deals.items, 1, TODAY + 1, items), 1);
    assert_int_equal(items[0].category, REVIEW_MOVE_ON);
}

static void revisit_comes_on_its_date(void **state)
{
    world *w = *state;
    moved_on(w, "r-000001", "Revisit", TODAY + 2);
    review_item items[1];
    assert_int_equal(review_queue(&w->cfg, w->deals.items, 1, TODAY + 1, items), 0);
    assert_int_equal(review_queue(&w->cfg, w->deals.items, 1, TODAY + 2, items), 1);
    assert_int_equal(items[0].category, REVIEW_REVISIT);
    assert_int_equal(items[0].days, 0);
    assert_int_equal(review_queue(&w->cfg, w->deals.items, 1, TODAY + 9, items), 1);
    assert_int_equal(items[0].days, 7);
}

static void levels_from_pipeline_json_decide_the_category(void **state)
{
    world *w = *state;
    config_free(&w->cfg);
    fixture_config("{\"levels\": {\"watch\": 1, \"move-on\": 2},"
                   " \"rules\": {\"no-next-step\": {\"weight\": 1}}}",
                   &w->cfg);
    deal_set_str(&add(w, "a-000001", "No step")->next_text, NULL);      /* 1: watch now */
    flagged(w, "b-000002", "Pushed", "explore", false);                 /* 2: move on? */
    review_item items[2];
    assert_int_equal(review_queue(&w->cfg, w->deals.items, 2, TODAY, items), 2);
    assert_string_equal(items[0].d->title, "Pushed");
    assert_int_equal(items[0].category, REVIEW_MOVE_ON);
    assert_int_equal(items[1].category, REVIEW_WATCH);
}

static void empty_pipeline(void **state)
{
    world *w = *state;
    assert_int_equal(review_queue(&w->cfg, NULL, 0, TODAY, NULL), 0);
    add(w, "quiet-000001", "Nothing to do");
    review_item items[1];
    assert_int_equal(review_queue(&w->cfg, w->deals.items, 1, TODAY, items), 0);
}

static void labels(void **state)
{
    (void)state;
    assert_string_equal(review_category_label(REVIEW_REVISIT), "due for review");
    assert_string_equal(review_category_label(REVIEW_MOVE_ON), "move on?");
    assert_string_equal(review_category_label(REVIEW_WATCH), "watch");
    assert_string_equal(review_category_label(REVIEW_STEP_DUE), "next step due");
}

static const char *summary_of(review_item *items, size_t n, const char *title, char *buf,
                              size_t size)
{
    for (size_t i = 0; i < n; i++) {
        if (str_eq(items[i].d->title, title)) {
            review_item_summary(&items[i], buf, size);
            return buf;
        }
    }
    fail_msg("%s is not in the queue", title);
    return NULL;
}

static void summaries_in_words(void **state)
{
    world *w = *state;
    build_mixed(w);
    review_item *items;
    size_t n = queue(w, &items);
    char buf[256];
    assert_string_equal(summary_of(items, n, "Beta", buf, sizeof buf),
                        "revisit date 2026-11-15 came 5 days ago; moved on: No budget until Q3");
    assert_string_equal(summary_of(items, n, "Alpha", buf, sizeof buf),
                        "revisit date 2026-11-20 is today");
    assert_string_equal(summary_of(items, n, "M two", buf, sizeof buf),
                        "move on? (score 4): close date pushed 2 times; "
                        "close date 2026-11-10 passed 10 days ago");
    assert_string_equal(summary_of(items, n, "W one", buf, sizeof buf),
                        "watch (score 2): close date pushed 2 times");
    assert_string_equal(summary_of(items, n, "S one", buf, sizeof buf),
                        "next step due today: Send the proposal");
    assert_string_equal(summary_of(items, n, "S two", buf, sizeof buf),
                        "next step overdue by 5 days: Send the proposal");
    free(items);
}

static void summaries_are_cut_on_character_boundaries(void **state)
{
    world *w = *state;
    add(w, "s-000001", "Step")->next_due = TODAY;
    deal_set_str(&w->deals.items[0]->next_text, "Réunion à Genève");
    review_item items[1];
    assert_int_equal(review_queue(&w->cfg, w->deals.items, 1, TODAY, items), 1);
    char buf[32];
    for (size_t size = 1; size <= sizeof buf; size++) {
        review_item_summary(&items[0], buf, size);
        assert_true(strlen(buf) < size);
        assert_true(text_valid_utf8(buf, strlen(buf)));
    }
    review_item_summary(&items[0], buf, 24);
    assert_string_equal(buf, "next step due today: R");   /* "é" would not fit whole */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(order_and_categories),
        T(items_carry_the_flag_result),
        T(a_deal_appears_once),
        T(snoozed_deals_come_back_on_the_until_day),
        T(revisit_comes_on_its_date),
        T(levels_from_pipeline_json_decide_the_category),
        T(empty_pipeline),
        T(labels),
        T(summaries_in_words),
        T(summaries_are_cut_on_character_boundaries),
#undef T
    };
    return cmocka_run_group_tests_name("review", tests, NULL, NULL);
}
