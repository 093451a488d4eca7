/* Unit tests for the limits of store/codec: numbers JSON doubles cannot keep
 * exactly, nesting, NUL characters; and the round trip of what it accepts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../store/codec.h"

static int parse_value(const char *value, deal *d, db_err *err)
{
    char text[256];
    snprintf(text, sizeof text,
             "{\"id\": \"acme-123456\", \"title\": \"Acme\", \"stage\": \"define\", \"value\": %s}",
             value);
    return codec_parse_deal(text, strlen(text), "d.json", d, err);
}

static void expect_refused(const char *value, const char *why)
{
    deal d;
    db_err err = {0};
    assert_int_not_equal(parse_value(value, &d, &err), 0);
    if (!strstr(err.msg, why))
        fail_msg("value %s: '%s' does not say '%s'", value, err.msg, why);
}

static void test_numbers_beyond_2_53_refused(void **state)
{
    (void)state;
    expect_refused("9007199254740993", "out of range");
    expect_refused("9007199254740992", "out of range");   /* may be a rounded 2^53 + 1 */
    expect_refused("1e300", "out of range");
    expect_refused("-5", "out of range");
    expect_refused("1.5", "not a fraction");
    expect_refused("\"5\"", "expected a whole number");
    expect_refused("true", "expected a whole number");
}

static void test_largest_value_round_trips_exactly(void **state)
{
    (void)state;
    deal d;
    db_err err = {0};
    assert_int_equal(parse_value("9007199254740991", &d, &err), 0);
    assert_true(d.value == 9007199254740991LL);
    char *text = codec_format_deal(&d);
    assert_non_null(strstr(text, "\"value\": 9007199254740991,"));
    free(text);
    deal_free(&d);
}

static void test_deep_nesting_refused_with_reason(void **state)
{
    (void)state;
    size_t depth = 10000, len = 2 * depth;
    char *text = malloc(len + 1);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    text[len] = '\0';
    db_err err = {0};
    deal d;
    assert_int_not_equal(codec_parse_deal(text, len, "deep.json", &d, &err), 0);
    assert_non_null(strstr(err.msg, "nested deeper than 1000 levels"));
    free(text);
}

static void test_nesting_inside_strings_is_text(void **state)
{
    (void)state;
    char text[4096];
    char brackets[2100];
    memset(brackets, '[', 2000);
    brackets[2000] = '\0';
    snprintf(text, sizeof text,
             "{\"id\": \"acme-123456\", \"title\": \"%s\", \"stage\": \"define\"}", brackets);
    deal d;
    db_err err = {0};
    assert_int_equal(codec_parse_deal(text, strlen(text), "d.json", &d, &err), 0);
    assert_int_equal(strlen(d.title), 2000);
    deal_free(&d);
}

static void test_nul_escape_refused_not_cut(void **state)
{
    (void)state;
    const char *text = "{\"id\": \"acme-123456\", \"title\": \"a\\u0000b\", \"stage\": \"define\"}";
    const char *escaped = "{\"id\": \"acme-123456\", \"title\": \"a\\\\u0000b\", \"stage\": \"define\"}";
    deal d;
    db_err err = {0};
    assert_int_not_equal(codec_parse_deal(text, strlen(text), "d.json", &d, &err), 0);
    assert_non_null(strstr(err.msg, "\\u0000"));
    assert_int_equal(codec_parse_deal(escaped, strlen(escaped), "d.json", &d, &err), 0);
    assert_string_equal(d.title, "a\\u0000b");   /* a backslash, then text */
    deal_free(&d);
}

static void test_escapes_stored_escaped(void **state)
{
    (void)state;
    const char *text = "{\"id\": \"acme-123456\", \"title\": \"\\u001b]0;pwned\\u0007\", "
                       "\"stage\": \"define\"}";
    deal d;
    db_err err = {0};
    assert_int_equal(codec_parse_deal(text, strlen(text), "d.json", &d, &err), 0);
    assert_string_equal(d.title, "\x1b]0;pwned\x07");
    char *out = codec_format_deal(&d);
    assert_non_null(strstr(out, "\"title\": \"\\u001b]0;pwned\\u0007\""));
    assert_null(strchr(out, 0x1b));
    free(out);
    deal_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_beyond_2_53_refused),
        cmocka_unit_test(test_largest_value_round_trips_exactly),
        cmocka_unit_test(test_deep_nesting_refused_with_reason),
        cmocka_unit_test(test_nesting_inside_strings_is_text),
        cmocka_unit_test(test_nul_escape_refused_not_cut),
        cmocka_unit_test(test_escapes_stored_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
