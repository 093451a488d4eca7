/* The chart screen's bars (tui/chart_bar.h): eighths in UTF-8, '#' in
 * ASCII, never empty for a value above 0, the limit's marker in its cell. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../tui/chart_bar.h"

static char buf[CHART_BAR_SIZE(40)];

static const char *bar(double value, double max, int width, double marker, bool utf8)
{
    chart_bar(buf, sizeof buf, value, max, width, marker, utf8);
    return buf;
}

static void utf8_eighths(void **state)
{
    (void)state;
    assert_string_equal(bar(10, 10, 4, 0, true), "████");
    assert_string_equal(bar(5, 10, 4, 0, true), "██");
    assert_string_equal(bar(5.5, 10, 4, 0, true), "██▎");     /* 2.2 cells: 2 and 2/8 */
    assert_string_equal(bar(10, 80, 10, 0, true), "█▎");      /* 1.25 cells */
    assert_string_equal(bar(0.01, 100, 10, 0, true), "▏");    /* small, still seen */
    assert_string_equal(bar(0, 100, 10, 0, true), "");
    assert_string_equal(bar(20, 10, 3, 0, true), "███");      /* above max: full */
    assert_int_equal(chart_bar(buf, sizeof buf, 7.5, 10, 4, 0, true), 3);
}

static void ascii_cells(void **state)
{
    (void)state;
    assert_string_equal(bar(10, 10, 4, 0, false), "####");
    assert_string_equal(bar(5.5, 10, 4, 0, false), "##");      /* 2.2 cells */
    assert_string_equal(bar(6.5, 10, 4, 0, false), "###");     /* 2.6 cells */
    assert_string_equal(bar(0.01, 100, 10, 0, false), "#");
    assert_string_equal(bar(0, 0, 10, 0, false), "");
}

static void markers(void **state)
{
    (void)state;
    /* Limit 30 of 40 in 8 cells: it ends in cell 6 (the 6th). */
    assert_string_equal(bar(10, 40, 8, 30, false), "##   |");
    assert_string_equal(bar(10, 40, 8, 30, true), "██   │");
    assert_int_equal(chart_bar(buf, sizeof buf, 10, 40, 8, 30, true), 6);
    /* The bar past the limit: no marker, the bar says it. */
    assert_string_equal(bar(35, 40, 8, 30, false), "#######");
    assert_string_equal(bar(0, 40, 8, 40, false), "       |");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_eighths),
        cmocka_unit_test(ascii_cells),
        cmocka_unit_test(markers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
