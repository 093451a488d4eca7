/* The fast deal writer (no cJSON tree) must print exactly what the tree
 * writer prints, for every shape of deal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../store/codec.h"

static void assert_writers_agree(const char *json)
{
    deal d;
    db_err err;
    assert_int_equal(codec_parse_deal(json, strlen(json), "t.json", &d, &err), 0);
    char *fast = codec_format_deal(&d), *tree = codec_format_deal_tree(&d);
    assert_string_equal(fast, tree);
    free(fast);
    free(tree);
    deal_free(&d);
}

static void minimal_deal(void **state)
{
    (void)state;
    assert_writers_agree("{\"id\":\"ab-123456\",\"title\":\"T\",\"stage\":\"define\"}");
}

static void full_deal_with_awkward_text(void **state)
{
    (void)state;
    assert_writers_agree(
        "{\"id\":\"acme-7f3a9c\",\"title\":\"Acme \\\"quoted\\\" \\\\ back\\tslash\","
        "\"account\":\"Müller 株式会社\",\"owner\":\"Dana\",\"stage\":\"explore\","
        "\"status\":\"moved-on\",\"value\":9007199254740992,\"currency\":\"CHF\","
        "\"created\":\"2026-01-02\",\"stage_entered\":\"2026-02-03\",\"last_touch\":null,"
        "\"close_date\":\"2026-12-31\",\"close_date_pushes\":3,"
        "\"next_step\":{\"text\":\"Call\\nCFO\\u0001\",\"due\":null},"
        "\"status_quo\":\"Excel\",\"insight\":\"\\u001b[31mred\",\"persona\":\"\",\"champion\":\"\","
        "\"tags\":[\"a\",\"b c\"],\"snooze\":{\"until\":\"2026-12-01\",\"reason\":\"holiday\"},"
        "\"moved_on\":{\"reason\":\"budget\",\"revisit\":\"2027-06-01\"},"
        "\"log\":[{\"id\":\"00000001\",\"at\":\"2026-01-02T10:00:00Z\",\"by\":\"D\","
        "\"kind\":\"note\",\"text\":\"x\\r\\f\\b\"},{\"id\":\"00000002\",\"at\":\"t\","
        "\"by\":\"D\",\"kind\":\"touch\",\"text\":\"\"}]}");
}

static void unknown_keys_everywhere(void **state)
{
    (void)state;
    assert_writers_agree(
        "{\"id\":\"ab-123456\",\"title\":\"T\",\"stage\":\"define\",\"x-new\":{\"a\":[1,2.5,true]},"
        "\"next_step\":{\"text\":\"t\",\"due\":\"2026-01-01\",\"owner\":\"n\"},"
        "\"log\":[{\"id\":\"1\",\"at\":\"a\",\"by\":\"b\",\"kind\":\"note\",\"text\":\"t\",\"mood\":5}]}");
}

static void empty_arrays_and_nulls(void **state)
{
    (void)state;
    assert_writers_agree("{\"id\":\"ab-123456\",\"title\":\"T\",\"stage\":\"s\",\"tags\":[],"
                         "\"log\":[],\"snooze\":null,\"moved_on\":null,\"next_step\":null}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(minimal_deal),
        cmocka_unit_test(full_deal_with_awkward_text),
        cmocka_unit_test(unknown_keys_everywhere),
        cmocka_unit_test(empty_arrays_and_nulls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
