/* Moving a selection through a list (tui/list_nav.h): the list keys stay
 * within the rows, other actions move nothing, and the list scrolls just
 * enough to show the selection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../tui/list_nav.h"

static void keys_stay_within_the_rows(void **state)
{
    (void)state;
    size_t sel = 0;
    assert_true(list_nav_key(ACTION_MOVE_UP, &sel, 10, 4));
    assert_int_equal(sel, 0);
    assert_true(list_nav_key(ACTION_MOVE_DOWN, &sel, 10, 4));
    assert_int_equal(sel, 1);
    assert_true(list_nav_key(ACTION_PAGE_DOWN, &sel, 10, 4));
    assert_int_equal(sel, 5);
    assert_true(list_nav_key(ACTION_PAGE_DOWN, &sel, 10, 8));
    assert_int_equal(sel, 9);                      /* the last, not past it */
    assert_true(list_nav_key(ACTION_PAGE_UP, &sel, 10, 4));
    assert_int_equal(sel, 5);
    assert_true(list_nav_key(ACTION_FIRST_CARD, &sel, 10, 4));
    assert_int_equal(sel, 0);
    assert_true(list_nav_key(ACTION_LAST_CARD, &sel, 10, 4));
    assert_int_equal(sel, 9);
    assert_true(list_nav_key(ACTION_PAGE_UP, &sel, 10, 20));
    assert_int_equal(sel, 0);                      /* the first, not before it */
}

static void an_empty_list_keeps_row_zero(void **state)
{
    (void)state;
    size_t sel = 0;
    assert_true(list_nav_key(ACTION_MOVE_DOWN, &sel, 0, 4));
    assert_int_equal(sel, 0);
    assert_true(list_nav_key(ACTION_LAST_CARD, &sel, 0, 4));
    assert_int_equal(sel, 0);
}

static void other_actions_move_nothing(void **state)
{
    (void)state;
    size_t sel = 3;
    assert_false(list_nav_key(ACTION_BACK, &sel, 10, 4));
    assert_false(list_nav_key(ACTION_HELP, &sel, 10, 4));
    assert_int_equal(sel, 3);
}

static void scrolls_just_enough(void **state)
{
    (void)state;
    size_t top = 0;
    list_nav_scroll(3, &top, 4);
    assert_int_equal(top, 0);                      /* on screen: stays */
    list_nav_scroll(4, &top, 4);
    assert_int_equal(top, 1);                      /* one past the last shown */
    list_nav_scroll(9, &top, 4);
    assert_int_equal(top, 6);
    list_nav_scroll(2, &top, 4);
    assert_int_equal(top, 2);                      /* above: it becomes the first */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_stay_within_the_rows),
        cmocka_unit_test(an_empty_list_keeps_row_zero),
        cmocka_unit_test(other_actions_move_nothing),
        cmocka_unit_test(scrolls_just_enough),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
