/* The one order of listed deals (pipeline/deal_order.h) that `list`, `flags`
 * and the review's flagged deals share: each test sorts a handful of deals
 * and checks the ids come out in the documented order. */
#include "flag_fixture.h"

#include "../../pipeline/deal_order.h"

typedef struct {
    deal d;
    flag_result flags;
} listed;

static listed make(const char *id, const char *title, deal_status status, int stage, int score)
{
    listed l = {0};
    deal_init(&l.d);
    deal_set_str(&l.d.id, id);
    if (title)
        deal_set_str(&l.d.title, title);
    l.d.status = status;
    l.flags.stage_index = stage;
    l.flags.score = score;
    return l;
}

static int compare(const void *a, const void *b)
{
    return deal_order_compare(a, b);
}

/* Sorts items[] in `order` and checks their ids come out as `expected`. */
static void expect_order(listed *items, size_t n, deal_order order, const char *const *expected)
{
    deal_order_key keys[16];
    assert_true(n <= 16);
    for (size_t i = 0; i < n; i++)
        keys[i] = deal_order_key_of(&items[i].d, &items[i].flags, order);
    qsort(keys, n, sizeof *keys, compare);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(keys[i].d->id, expected[i]);
    for (size_t i = 0; i < n; i++)
        deal_free(&items[i].d);
}

static void test_by_score_puts_the_score_first_then_status_then_stage(void **state)
{
    (void)state;
    listed items[] = {
        make("a-low", "Alpha", STATUS_OPEN, 0, 2),
        make("b-high-late-stage", "Beta", STATUS_OPEN, 3, 6),
        make("c-high-unknown-stage", "Gamma", STATUS_OPEN, -1, 6),
        make("d-high-early-stage", "Delta", STATUS_OPEN, 1, 6),
        make("e-high-moved-on", "Epsilon", STATUS_MOVED_ON, 0, 6),
    };
    const char *expected[] = {"d-high-early-stage", "b-high-late-stage", "c-high-unknown-stage",
                              "e-high-moved-on", "a-low"};
    expect_order(items, 5, DEAL_ORDER_BY_SCORE, expected);
}

static void test_by_stage_puts_status_then_stage_then_score(void **state)
{
    (void)state;
    listed items[] = {
        make("a-won", "Alpha", STATUS_WON, 0, 0),
        make("b-late", "Beta", STATUS_OPEN, 2, 9),
        make("c-early-low", "Gamma", STATUS_OPEN, 0, 1),
        make("d-early-high", "Delta", STATUS_OPEN, 0, 5),
        make("e-unknown", "Epsilon", STATUS_OPEN, -1, 9),
        make("f-lost", "Zeta", STATUS_LOST, 0, 0),
    };
    const char *expected[] = {"d-early-high", "c-early-low", "b-late", "e-unknown", "a-won",
                              "f-lost"};
    expect_order(items, 6, DEAL_ORDER_BY_STAGE, expected);
}

/* Titles tie-break as strcmp, also past the 16 bytes the key holds and for
 * a title that is a prefix of another; equal titles by id; no title as "". */
static void test_ties_by_title_then_id(void **state)
{
    (void)state;
    listed items[] = {
        make("a", "Renewal of the northern warehouse B", STATUS_OPEN, 0, 3),
        make("b", "Renewal of the northern warehouse A", STATUS_OPEN, 0, 3),
        make("c", "Renewal", STATUS_OPEN, 0, 3),
        make("e", "Renewal of", STATUS_OPEN, 0, 3),
        make("d", "Renewal of", STATUS_OPEN, 0, 3),
        make("f", NULL, STATUS_OPEN, 0, 3),
        make("g", "\xc3\xa9tude", STATUS_OPEN, 0, 3),     /* bytes above 0x7f sort last */
    };
    const char *expected[] = {"f", "c", "d", "e", "b", "a", "g"};
    expect_order(items, 7, DEAL_ORDER_BY_SCORE, expected);
}

static void test_only_the_same_id_compares_equal(void **state)
{
    (void)state;
    listed one = make("same", "Title", STATUS_OPEN, 1, 4);
    listed two = make("same", "Title", STATUS_OPEN, 1, 4);
    listed other = make("samf", "Title", STATUS_OPEN, 1, 4);
    deal_order_key k1 = deal_order_key_of(&one.d, &one.flags, DEAL_ORDER_BY_STAGE);
    deal_order_key k2 = deal_order_key_of(&two.d, &two.flags, DEAL_ORDER_BY_STAGE);
    deal_order_key k3 = deal_order_key_of(&other.d, &other.flags, DEAL_ORDER_BY_STAGE);
    assert_int_equal(deal_order_compare(&k1, &k2), 0);
    assert_true(deal_order_compare(&k1, &k3) < 0);
    assert_true(deal_order_compare(&k3, &k1) > 0);
    deal_free(&one.d);
    deal_free(&two.d);
    deal_free(&other.d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_score_puts_the_score_first_then_status_then_stage),
        cmocka_unit_test(test_by_stage_puts_status_then_stage_then_score),
        cmocka_unit_test(test_ties_by_title_then_id),
        cmocka_unit_test(test_only_the_same_id_compares_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
