/* The canonical deal codec: byte-identical round trips, unknown keys kept,
 * malformed JSON and wrong types rejected naming the file and the field. */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../pipeline/deal.h"
#include "../../store/codec.h"
#include "../../store/fsutil.h"

/* Every key set, every nested object present, a deal-level currency. */
static const char full_deal[] =
    "{\n"
    "  \"id\": \"acme-rollout-7f3a9c\",\n"
    "  \"title\": \"Acme \\\"Rollout\\\" \\\\ phase 2\\nsecond line\\u0001\",\n"
    "  \"account\": \"Acme GmbH & Co. KG\",\n"
    "  \"owner\": \"Dana Whitfield\",\n"
    "  \"stage\": \"define\",\n"
    "  \"status\": \"moved-on\",\n"
    "  \"value\": 9007199254740992,\n"
    "  \"currency\": \"CHF\",\n"
    "  \"created\": \"2026-08-20\",\n"
    "  \"stage_entered\": \"2026-10-11\",\n"
    "  \"last_touch\": \"2026-10-26\",\n"
    "  \"close_date\": \"2027-01-29\",\n"
    "  \"close_date_pushes\": 3,\n"
    "  \"next_step\": {\n"
    "    \"text\": \"Call Jonas\",\n"
    "    \"due\": \"2026-11-06\"\n"
    "  },\n"
    "  \"status_quo\": \"Nightly extract into an Oracle mart\",\n"
    "  \"insight\": \"Fraud shows up 3 weeks late: €3–4M a year\",\n"
    "  \"persona\": \"Head of Claims\",\n"
    "  \"champion\": \"Jonas Weber\",\n"
    "  \"tags\": [\n"
    "    \"enterprise\",\n"
    "    \"dach\"\n"
    "  ],\n"
    "  \"snooze\": {\n"
    "    \"until\": \"2026-12-01\",\n"
    "    \"reason\": \"Budget freeze\"\n"
    "  },\n"
    "  \"moved_on\": {\n"
    "    \"reason\": \"Not a good match at this time\",\n"
    "    \"revisit\": \"2027-04-01\"\n"
    "  },\n"
    "  \"log\": [\n"
    "    {\n"
    "      \"id\": \"8dd286f8\",\n"
    "      \"at\": \"2026-08-20T10:00:00Z\",\n"
    "      \"by\": \"Dana Whitfield\",\n"
    "      \"kind\": \"note\",\n"
    "      \"text\": \"Intro via LinkedIn\"\n"
    "    },\n"
    "    {\n"
    "      \"id\": \"c349016f\",\n"
    "      \"at\": \"2026-09-02T14:00:00Z\",\n"
    "      \"by\": \"Dana Whitfield\",\n"
    "      \"kind\": \"touch\",\n"
    "      \"text\": \"Call with Jonas\"\n"
    "    }\n"
    "  ]\n"
    "}\n";

/* The smallest valid deal file. */
static const char minimal_deal[] = "{\"id\": \"tiny-000001\", \"title\": \"Tiny\", \"stage\": \"define\"}";

static char *format_of(const char *text, deal *d)
{
    db_err err = {0};
    if (codec_parse_deal(text, strlen(text), "deals/x.json", d, &err) != 0)
        fail_msg("parse failed: %s", err.msg);
    return codec_format_deal(d);
}

static void test_round_trip_full(void **state)
{
    (void)state;
    deal d;
    char *out = format_of(full_deal, &d);
    assert_string_equal(out, full_deal);
    assert_string_equal(d.id, "acme-rollout-7f3a9c");
    assert_string_equal(d.title, "Acme \"Rollout\" \\ phase 2\nsecond line\x01");
    assert_int_equal(d.status, STATUS_MOVED_ON);
    assert_true(d.value == 9007199254740992LL);
    assert_string_equal(d.currency, "CHF");
    assert_int_equal(d.close_date_pushes, 3);
    assert_string_equal(d.next_text, "Call Jonas");
    char buf[DATE_LEN];
    date_format(d.next_due, buf);
    assert_string_equal(buf, "2026-11-06");
    assert_int_equal(d.ntags, 2);
    assert_string_equal(d.tags[1], "dach");
    date_format(d.snooze_until, buf);
    assert_string_equal(buf, "2026-12-01");
    assert_true(d.moved_on);
    date_format(d.revisit, buf);
    assert_string_equal(buf, "2027-04-01");
    assert_int_equal(d.nlog, 2);
    assert_string_equal(d.log[1].kind, "touch");
    assert_null(d.raw);                 /* nothing unknown: no raw JSON kept */
    free(out);
    deal_free(&d);
}

/* A minimal file gets every key in canonical form, and that form is stable. */
static void test_minimal_canonical(void **state)
{
    (void)state;
    deal d, again;
    char *first = format_of(minimal_deal, &d);
    assert_int_equal(d.status, STATUS_OPEN);
    assert_true(d.value == 0);
    assert_int_equal(d.created, DAY_NONE);
    assert_null(d.next_text);
    assert_null(d.currency);
    assert_non_null(strstr(first, "  \"next_step\": null,\n"));
    assert_non_null(strstr(first, "  \"tags\": [],\n"));
    assert_non_null(strstr(first, "  \"log\": []\n}\n"));
    assert_null(strstr(first, "currency"));
    char *second = format_of(first, &again);
    assert_string_equal(first, second);
    free(first);
    free(second);
    deal_free(&d);
    deal_free(&again);
}

/* build/tests/test_codec -> <top>/examples/pipeline/deals */
static char *examples_deals_dir(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    for (int up = 0; up < 3; up++)
        *strrchr(exe, '/') = '\0';
    return xasprintf("%s/examples/pipeline/deals", exe);
}

/* Every example file is canonical: parse + format gives the same bytes. */
static void test_round_trip_examples(void **state)
{
    (void)state;
    char *top = examples_deals_dir();
    assert_non_null(top);
    DIR *dir = opendir(top);
    if (!dir)
        fail_msg("cannot open %s", top);
    int files = 0;
    struct dirent *shard;
    while ((shard = readdir(dir))) {
        if (shard->d_name[0] == '.')
            continue;
        char *sub = xasprintf("%s/%s", top, shard->d_name);
        DIR *sd = opendir(sub);
        struct dirent *ent;
        while (sd && (ent = readdir(sd))) {
            if (ent->d_name[0] == '.')
                continue;
            char *path = xasprintf("%s/%s", sub, ent->d_name), *text = NULL;
            size_t len = 0;
            db_err err = {0};
            deal d;
            if (fs_read_file(path, &text, &len, &err) != 0)
                fail_msg("%s", err.msg);
            if (codec_parse_deal(text, len, path, &d, &err) != 0)
                fail_msg("%s", err.msg);
            char *out = codec_format_deal(&d);
            if (strcmp(out, text) != 0)
                fail_msg("%s is not byte-identical after a round trip", path);
            files++;
            free(out);
            free(text);
            free(path);
            deal_free(&d);
        }
        if (sd)
            closedir(sd);
        free(sub);
    }
    closedir(dir);
    free(top);
    assert_int_equal(files, 35);
}

/* Keys a newer version may write survive a rewrite, at every level. */
static const char with_unknown[] =
    "{\n"
    "  \"id\": \"acme-rollout-7f3a9c\",\n"
    "  \"title\": \"Acme\",\n"
    "  \"account\": \"\",\n"
    "  \"owner\": \"Dana\",\n"
    "  \"stage\": \"define\",\n"
    "  \"status\": \"open\",\n"
    "  \"value\": 1000,\n"
    "  \"created\": \"2026-08-20\",\n"
    "  \"stage_entered\": \"2026-08-20\",\n"
    "  \"last_touch\": null,\n"
    "  \"close_date\": null,\n"
    "  \"close_date_pushes\": 0,\n"
    "  \"next_step\": {\n"
    "    \"text\": \"Call\",\n"
    "    \"due\": null,\n"
    "    \"owner\": \"Sam\"\n"
    "  },\n"
    "  \"status_quo\": \"\",\n"
    "  \"insight\": \"\",\n"
    "  \"persona\": \"\",\n"
    "  \"champion\": \"\",\n"
    "  \"tags\": [],\n"
    "  \"snooze\": {\n"
    "    \"until\": \"2026-12-01\",\n"
    "    \"reason\": \"\",\n"
    "    \"by\": \"Sam\"\n"
    "  },\n"
    "  \"moved_on\": null,\n"
    "  \"log\": [\n"
    "    {\n"
    "      \"id\": \"8dd286f8\",\n"
    "      \"at\": \"2026-08-20T10:00:00Z\",\n"
    "      \"by\": \"Dana\",\n"
    "      \"kind\": \"meeting\",\n"
    "      \"text\": \"Kick-off\",\n"
    "      \"attendees\": [\n"
    "        \"Jonas\",\n"
    "        \"Eva\"\n"
    "      ]\n"
    "    }\n"
    "  ],\n"
    "  \"priority\": 3,\n"
    "  \"region\": {\n"
    "    \"name\": \"DACH\",\n"
    "    \"flags\": [\n"
    "      true,\n"
    "      false,\n"
    "      null,\n"
    "      1.5\n"
    "    ]\n"
    "  }\n"
    "}\n";

static void test_unknown_keys_round_trip(void **state)
{
    (void)state;
    deal d;
    char *out = format_of(with_unknown, &d);
    assert_string_equal(out, with_unknown);
    assert_non_null(d.raw);
    assert_string_equal(d.log[0].kind, "meeting");   /* unknown kinds are fine too */
    free(out);
    deal_free(&d);
}

static void test_unknown_keys_survive_edits(void **state)
{
    (void)state;
    deal d;
    char *out = format_of(with_unknown, &d);
    free(out);
    deal_set_str(&d.title, "Acme renamed");
    d.value = 2000;
    deal_add_log(&d, "0badf00d", "2026-11-20T09:00:00Z", "Test Seller", "note", "Renamed");
    out = codec_format_deal(&d);
    assert_non_null(strstr(out, "  \"title\": \"Acme renamed\",\n"));
    assert_non_null(strstr(out, "  \"value\": 2000,\n"));
    assert_non_null(strstr(out, "    \"owner\": \"Sam\"\n"));
    assert_non_null(strstr(out, "    \"by\": \"Sam\"\n"));
    assert_non_null(strstr(out, "      \"attendees\": [\n"));
    assert_non_null(strstr(out, "  \"priority\": 3,\n"));
    assert_non_null(strstr(out, "      1.5\n"));
    assert_non_null(strstr(out, "\"0badf00d\""));
    /* Unknown keys come after the known ones. */
    assert_true(strstr(out, "\"priority\"") > strstr(out, "\"log\""));
    /* And the result parses back to the same text. */
    deal again;
    char *second = format_of(out, &again);
    assert_string_equal(second, out);
    free(second);
    deal_free(&again);
    free(out);
    deal_free(&d);
}

/* Parses text expecting a failure whose message contains every needle. */
static void rejects(const char *text, const char *needle1, const char *needle2)
{
    deal d;
    db_err err = {0};
    memset(&d, 0x5a, sizeof d);
    int rc = codec_parse_deal(text, strlen(text), "deals/9c/acme-7f3a9c.json", &d, &err);
    if (rc == 0)
        fail_msg("accepted: %s", text);
    assert_int_equal(rc, err.code);
    assert_int_not_equal(rc, 0);
    if (strncmp(err.msg, "deals/9c/acme-7f3a9c.json: ", 27) != 0)
        fail_msg("message does not start with the file: %s", err.msg);
    if (needle1 && !strstr(err.msg, needle1))
        fail_msg("message lacks '%s': %s", needle1, err.msg);
    if (needle2 && !strstr(err.msg, needle2))
        fail_msg("message lacks '%s': %s", needle2, err.msg);
    assert_null(d.id);                                  /* left empty */
    assert_null(d.raw);
}

#define BASE "\"id\": \"acme-7f3a9c\", \"title\": \"Acme\", \"stage\": \"define\""

static void test_malformed_json(void **state)
{
    (void)state;
    rejects("", "malformed JSON", NULL);
    rejects("{", "malformed JSON", NULL);
    rejects("{\"id\": \"a-1\",\n\"title\": \"x\",\n\"stage\" \"define\"}", "line 3", "malformed JSON");
    rejects("{" BASE "} trailing", "malformed JSON", NULL);
    rejects("{" BASE "}\n{" BASE "}\n", "line 2", "malformed JSON");
    rejects("{" BASE "}\n>>>>>>> theirs\n", "line 2", "malformed JSON");
    rejects("{'id': 'a-1'}", "malformed JSON", NULL);
    rejects("[]", "expected a JSON object", NULL);
    rejects("\"just a string\"", "expected a JSON object", NULL);
    char with_nul[] = "{\"id\": \"a\0b\"}";
    deal d;
    db_err err = {0};
    assert_int_not_equal(codec_parse_deal(with_nul, sizeof with_nul - 1, "f.json", &d, &err), 0);
    assert_non_null(strstr(err.msg, "NUL"));
    /* Nesting a hostile file deep does not crash the parser. */
    size_t depth = 100000;
    char *deep = xmalloc(depth * 2 + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[depth * 2] = '\0';
    rejects(deep, "malformed JSON", NULL);
    free(deep);
}

/* Replaces `"key": <old>` in minimal-but-complete text with a new value. */
static void rejects_field(const char *json, const char *field, const char *why)
{
    char needle[64];
    snprintf(needle, sizeof needle, "field '%s'", field);
    rejects(json, needle, why);
}

static void test_wrong_types(void **state)
{
    (void)state;
    rejects_field("{\"title\": \"Acme\", \"stage\": \"define\"}", "id", "missing");
    rejects_field("{\"id\": \"acme-7f3a9c\", \"stage\": \"define\"}", "title", "missing");
    rejects_field("{\"id\": \"acme-7f3a9c\", \"title\": \"Acme\"}", "stage", "missing");
    rejects_field("{\"id\": \"acme-7f3a9c\", \"title\": \"\", \"stage\": \"x\"}", "title", "empty");
    rejects_field("{\"id\": 7, \"title\": \"Acme\", \"stage\": \"define\"}", "id", "string");
    rejects_field("{\"id\": \"../../etc/passwd\", \"title\": \"A\", \"stage\": \"d\"}", "id", NULL);
    rejects_field("{\"id\": \"a/b\", \"title\": \"A\", \"stage\": \"d\"}", "id", NULL);
    rejects_field("{\"id\": \"acme-7f3a9c\", \"title\": [\"Acme\"], \"stage\": \"d\"}", "title",
                  "expected a string");
    rejects_field("{" BASE ", \"account\": 12}", "account", "expected a string");
    rejects_field("{" BASE ", \"owner\": \"M\xfc" "ller\"}", "owner", "UTF-8");
    rejects_field("{" BASE ", \"value\": \"lots\"}", "value", "whole number");
    rejects_field("{" BASE ", \"value\": 1.5}", "value", "whole number");
    rejects_field("{" BASE ", \"value\": -3}", "value", "out of range");
    rejects_field("{" BASE ", \"value\": 9007199254740994}", "value", "out of range");
    rejects_field("{" BASE ", \"value\": true}", "value", "whole number");
    rejects_field("{" BASE ", \"close_date_pushes\": -1}", "close_date_pushes", NULL);
    rejects_field("{" BASE ", \"close_date_pushes\": \"2\"}", "close_date_pushes", NULL);
    rejects_field("{" BASE ", \"status\": \"maybe\"}", "status", "open, won, lost or moved-on");
    rejects_field("{" BASE ", \"status\": 1}", "status", "expected a string");
    rejects_field("{" BASE ", \"created\": \"2026-13-01\"}", "created", "YYYY-MM-DD");
    rejects_field("{" BASE ", \"stage_entered\": 20261120}", "stage_entered", "YYYY-MM-DD");
    rejects_field("{" BASE ", \"last_touch\": \"yesterday\"}", "last_touch", "YYYY-MM-DD");
    rejects_field("{" BASE ", \"close_date\": \"2026-02-30\"}", "close_date", "YYYY-MM-DD");
    rejects_field("{" BASE ", \"next_step\": \"call\"}", "next_step", "object");
    rejects_field("{" BASE ", \"next_step\": {\"text\": 5}}", "next_step.text", "string");
    rejects_field("{" BASE ", \"next_step\": {\"text\": \"x\", \"due\": \"soon\"}}",
                  "next_step.due", "YYYY-MM-DD");
    rejects_field("{" BASE ", \"tags\": \"vip\"}", "tags", "array of strings");
    rejects_field("{" BASE ", \"tags\": [\"vip\", 2]}", "tags", "array of strings");
    rejects_field("{" BASE ", \"snooze\": []}", "snooze", "object");
    rejects_field("{" BASE ", \"snooze\": {\"until\": 1}}", "snooze.until", "YYYY-MM-DD");
    rejects_field("{" BASE ", \"moved_on\": {\"reason\": false}}", "moved_on.reason", "string");
    rejects_field("{" BASE ", \"moved_on\": {\"revisit\": \"2027\"}}", "moved_on.revisit", NULL);
    rejects_field("{" BASE ", \"log\": {}}", "log", "array");
    rejects_field("{" BASE ", \"log\": [\"note\"]}", "log", "object");
    rejects_field("{" BASE ", \"log\": [{\"id\": \"1\", \"text\": 3}]}", "log.text", "string");
    rejects_field("{" BASE ", \"currency\": 978}", "currency", "string");
    rejects_field("{" BASE ", \"insight\": {}}", "insight", "string");
}

/* null and "" mean "not set" for optional fields. */
static void test_nulls_are_absent(void **state)
{
    (void)state;
    const char *text = "{" BASE ", \"account\": null, \"value\": null, \"close_date\": \"\","
                       " \"next_step\": null, \"tags\": null, \"log\": null, \"status\": null}";
    deal d;
    db_err err = {0};
    assert_int_equal(codec_parse_deal(text, strlen(text), "f.json", &d, &err), 0);
    assert_null(d.account);
    assert_int_equal(d.close_date, DAY_NONE);
    assert_int_equal(d.status, STATUS_OPEN);
    assert_int_equal(d.ntags, 0);
    deal_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_full),
        cmocka_unit_test(test_minimal_canonical),
        cmocka_unit_test(test_round_trip_examples),
        cmocka_unit_test(test_unknown_keys_round_trip),
        cmocka_unit_test(test_unknown_keys_survive_edits),
        cmocka_unit_test(test_malformed_json),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_nulls_are_absent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
