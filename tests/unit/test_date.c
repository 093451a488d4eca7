/* Date arithmetic: day numbers, strict parsing, formatting, "today". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../pipeline/date.h"

static void test_known_days(void **state)
{
    (void)state;
    assert_int_equal(date_from_ymd(1970, 1, 1), 0);
    assert_int_equal(date_from_ymd(1970, 1, 2), 1);
    assert_int_equal(date_from_ymd(1969, 12, 31), -1);
    assert_int_equal(date_from_ymd(2000, 3, 1), 11017);
    assert_int_equal(date_from_ymd(2026, 11, 20), 20777);
    assert_int_equal(date_from_ymd(9999, 12, 31), 2932896);
}

/* Every day from 1970 to 2200 survives ymd -> day -> ymd and days are consecutive. */
static void test_round_trip_every_day(void **state)
{
    (void)state;
    db_day expect = 0;
    for (int y = 1970; y <= 2200; y++) {
        for (int m = 1; m <= 12; m++) {
            static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            int days = len[m - 1];
            if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
                days = 29;
            for (int d = 1; d <= days; d++) {
                db_day day = date_from_ymd(y, m, d);
                assert_int_equal(day, expect);
                int yy, mm, dd;
                date_to_ymd(day, &yy, &mm, &dd);
                assert_int_equal(yy, y);
                assert_int_equal(mm, m);
                assert_int_equal(dd, d);
                expect++;
            }
        }
    }
}

static void test_parse_valid(void **state)
{
    (void)state;
    db_day day = 0;
    assert_true(date_parse("2026-11-20", &day));
    assert_int_equal(day, 20777);
    assert_true(date_parse("1970-01-01", &day));
    assert_int_equal(day, 0);
    assert_true(date_parse("2024-02-29", &day));          /* leap year */
    assert_int_equal(day, date_from_ymd(2024, 2, 29));
    assert_true(date_parse("2000-02-29", &day));          /* divisible by 400 */
    assert_true(date_parse("9999-12-31", &day));
    assert_int_equal(day, 2932896);
}

static void test_parse_invalid(void **state)
{
    (void)state;
    const char *bad[] = {
        "", "2026-1-20", "2026-11-2", "26-11-20", "2026/11/20", "2026-11-20 ",
        " 2026-11-20", "2026-11-20T00:00:00Z", "2026-13-01", "2026-00-10", "2026-11-00",
        "2026-11-31", "2026-02-29", "2100-02-29", "1900-02-28", "1969-12-31", "abcd-ef-gh",
        "2026-+1-01", "2026--1-01", "20261120", "tomorrow", "+3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        db_day day = 12345;
        if (date_parse(bad[i], &day))
            fail_msg("date_parse accepted '%s'", bad[i]);
        assert_int_equal(day, 12345);                     /* left alone */
    }
    db_day day;
    assert_false(date_parse(NULL, &day));
}

static void test_format(void **state)
{
    (void)state;
    char buf[DATE_LEN];
    date_format(20777, buf);
    assert_string_equal(buf, "2026-11-20");
    date_format(0, buf);
    assert_string_equal(buf, "1970-01-01");
    date_format(date_from_ymd(2024, 2, 29), buf);
    assert_string_equal(buf, "2024-02-29");
    date_format(DAY_NONE, buf);
    assert_string_equal(buf, "");
    /* Arithmetic: 30 days after 2026-11-20 crosses a month and a year end later. */
    date_format(20777 + 30, buf);
    assert_string_equal(buf, "2026-12-20");
    date_format(20777 + 42, buf);
    assert_string_equal(buf, "2027-01-01");
}

static void test_today_from_env(void **state)
{
    (void)state;
    db_day day = 0;
    setenv("DEALBOARD_TODAY", "2026-11-20", 1);
    assert_true(date_today(&day));
    assert_int_equal(day, 20777);

    day = 42;
    setenv("DEALBOARD_TODAY", "2026-11-31", 1);
    assert_false(date_today(&day));
    assert_int_equal(day, 42);                            /* left alone */

    unsetenv("DEALBOARD_TODAY");
    assert_true(date_today(&day));
    time_t now = time(NULL);
    /* The local date is within a day of the UTC date. */
    assert_in_range(day, now / 86400 - 1, now / 86400 + 1);
}

static void test_timestamps(void **state)
{
    (void)state;
    char buf[TIMESTAMP_LEN];
    timestamp_format(0, buf);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
    timestamp_format((int64_t)20777 * 86400 + 13 * 3600 + 5 * 60 + 9, buf);
    assert_string_equal(buf, "2026-11-20T13:05:09Z");

    setenv("DEALBOARD_TODAY", "2026-11-20", 1);
    int64_t now = clock_now();
    assert_in_range(now, (int64_t)20777 * 86400, (int64_t)20778 * 86400 - 1);
    unsetenv("DEALBOARD_TODAY");
    int64_t real = clock_now();
    assert_in_range(real, (int64_t)time(NULL) - 5, (int64_t)time(NULL) + 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_days),
        cmocka_unit_test(test_round_trip_every_day),
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_today_from_env),
        cmocka_unit_test(test_timestamps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
