/* Two-way touches (SPEC §9): the quiet rule counting only the buyer's side
 * at its boundary, light deals giving the same words as whole ones, the
 * log entry's "dir" through both writers and the three-way merge. */
#include "flag_fixture.h"

#include <stdio.h>

#include "../../pipeline/edit.h"
#include "../../pipeline/touches.h"
#include "../../store/codec.h"
#include "../../store/json_merge.h"

static const char buyer_quiet_cfg[] = "{\"rules\": {\"quiet\": {\"days\": 14, \"buyer\": true}}}";

/* A touch logged `ago` days before TODAY; dir NULL: an entry from before
 * touches had a direction. */
static void touch(deal *d, int ago, const char *dir)
{
    char date[DATE_LEN], at[32], id[9];
    date_format(TODAY - ago, date);
    snprintf(at, sizeof at, "%sT10:00:00Z", date);
    snprintf(id, sizeof id, "%08x", (unsigned)(d->nlog + 1));
    log_entry *e = deal_add_log(d, id, at, "Sam", "touch", "call");
    deal_set_str(&e->dir, dir);
}

/* The quiet rule's words for d, "" when it did not fire. */
static const char *quiet_reason(const char *cfg_json, const deal *d, flag_result *f)
{
    pipeline_cfg cfg;
    fixture_config(cfg_json, &cfg);
    rules_evaluate(&cfg, d, TODAY, f);
    config_free(&cfg);
    int i = fixture_reason(f, RULE_QUIET);
    return i < 0 ? "" : f->reasons[i].text;
}

static void buyer_silence_boundary(void **state)
{
    (void)state;
    flag_result f;
    deal *d = fixture_clean_deal("acme-1", "Acme");
    touch(d, 14, "in");                          /* exactly the limit: not yet */
    assert_string_equal(quiet_reason(buyer_quiet_cfg, d, &f), "");
    deal_destroy(d);

    d = fixture_clean_deal("acme-2", "Acme");
    touch(d, 15, "in");                          /* one day more */
    assert_string_equal(quiet_reason(buyer_quiet_cfg, d, &f),
                        "the buyer last replied 15 days ago, limit 14");
    assert_int_equal(f.score, 2);
    deal_destroy(d);
}

static void our_touches_are_counted_not_taken_for_replies(void **state)
{
    (void)state;
    flag_result f;
    deal *d = fixture_clean_deal("acme-3", "Acme");
    touch(d, 40, "in");
    touch(d, 34, "in");
    touch(d, 34, "out");                         /* same day as the reply: answered */
    touch(d, 21, "out");
    touch(d, 14, NULL);                          /* an older entry: ours */
    touch(d, 7, "out");
    touch(d, 3, "out");
    touch(d, 1, "out");
    assert_string_equal(quiet_reason(buyer_quiet_cfg, d, &f),
                        "you touched 5 times in 21 days; the buyer last replied 34 days ago, "
                        "limit 14");
    /* Without "buyer", any touch ends the silence: last_touch is yesterday. */
    assert_string_equal(quiet_reason("{}", d, &f), "");
    deal_destroy(d);
}

static void a_buyer_who_never_replied_counts_from_created(void **state)
{
    (void)state;
    flag_result f;
    deal *d = fixture_clean_deal("acme-4", "Acme");
    d->created = TODAY - 14;
    touch(d, 0, "out");
    assert_string_equal(quiet_reason(buyer_quiet_cfg, d, &f), "");
    d->created = TODAY - 15;
    assert_string_equal(quiet_reason(buyer_quiet_cfg, d, &f),
                        "you touched 1 time today; the buyer never replied, created 15 days ago, "
                        "limit 14");
    deal_destroy(d);
}

/* List and board paths evaluate light deals (no log): the summary kept
 * with them gives the same words. */
static void light_deals_keep_the_summary(void **state)
{
    (void)state;
    flag_result whole, light;
    deal *d = fixture_clean_deal("acme-5", "Acme");
    touch(d, 30, "in");
    touch(d, 20, "out");
    touch(d, 16, "out");
    char *expected = xstrdup(quiet_reason(buyer_quiet_cfg, d, &whole));
    assert_string_equal(expected, "you touched 2 times in 20 days; the buyer last replied 30 days "
                                  "ago, limit 14");
    deal_make_light(d);
    assert_null(d->log);
    assert_string_equal(quiet_reason(buyer_quiet_cfg, d, &light), expected);
    free(expected);
    deal_destroy(d);
}

static void edit_touch_writes_the_direction(void **state)
{
    (void)state;
    deal *d = fixture_clean_deal("acme-6", "Acme");
    edit_ctx ctx = {"Sam", TODAY, 1795168800LL};     /* 2026-11-20T10:00:00Z */
    char *message = NULL;
    db_err err = {0};
    assert_int_equal(edit_touch(&ctx, d, NULL, true, &message, &err), 0);
    assert_string_equal(message, "Touch from the buyer acme-6");
    free(message);
    assert_int_equal(edit_touch(&ctx, d, "Sent the deck", false, &message, &err), 0);
    assert_string_equal(message, "Touch acme-6: Sent the deck");
    free(message);
    assert_int_equal(d->nlog, 2);
    assert_string_equal(d->log[0].dir, "in");
    assert_string_equal(d->log[0].text, "The buyer reached us");
    assert_string_equal(d->log[1].dir, "out");
    assert_int_equal(deal_touches(d).last_in, TODAY);
    assert_int_equal(deal_touches(d).unanswered, 0);   /* same day: answered */
    deal_destroy(d);
}

/* Canonical text: written back byte for byte. */
static const char touched_deal[] =
    "{\n"
    "  \"id\": \"acme-7\",\n"
    "  \"title\": \"Acme\",\n"
    "  \"account\": \"\",\n"
    "  \"owner\": \"\",\n"
    "  \"stage\": \"define\",\n"
    "  \"status\": \"open\",\n"
    "  \"value\": 0,\n"
    "  \"created\": null,\n"
    "  \"stage_entered\": null,\n"
    "  \"last_touch\": null,\n"
    "  \"close_date\": null,\n"
    "  \"close_date_pushes\": 0,\n"
    "  \"next_step\": null,\n"
    "  \"status_quo\": \"\",\n"
    "  \"insight\": \"\",\n"
    "  \"persona\": \"\",\n"
    "  \"champion\": \"\",\n"
    "  \"tags\": [],\n"
    "  \"snooze\": null,\n"
    "  \"moved_on\": null,\n"
    "  \"log\": [\n"
    "    {\n"
    "      \"id\": \"00000001\",\n"
    "      \"at\": \"2026-11-01T10:00:00Z\",\n"
    "      \"by\": \"Sam\",\n"
    "      \"kind\": \"touch\",\n"
    "      \"text\": \"Old touch, no direction\"\n"
    "    },\n"
    "    {\n"
    "      \"id\": \"00000002\",\n"
    "      \"at\": \"2026-11-02T10:00:00Z\",\n"
    "      \"by\": \"Sam\",\n"
    "      \"kind\": \"touch\",\n"
    "      \"dir\": \"in\",\n"
    "      \"text\": \"They called\"\n"
    "    }\n"
    "  ]\n"
    "}\n";

static void dir_round_trips_through_both_writers(void **state)
{
    (void)state;
    deal d;
    db_err err = {0};
    deal_init(&d);
    assert_int_equal(codec_parse_deal(touched_deal, strlen(touched_deal), "deals/a.json", &d,
                                      &err), 0);
    assert_null(d.log[0].dir);
    assert_string_equal(d.log[1].dir, "in");
    char *fast = codec_format_deal(&d), *tree = codec_format_deal_tree(&d);
    assert_string_equal(fast, tree);
    /* Only the entry that said a direction says one: "dir" after "kind". */
    assert_non_null(strstr(fast, "\"kind\": \"touch\",\n      \"text\": \"Old touch"));
    assert_non_null(strstr(fast, "\"kind\": \"touch\",\n      \"dir\": \"in\",\n"));
    assert_string_equal(strstr(fast, "  \"log\": ["), strstr(touched_deal, "  \"log\": ["));
    free(fast);
    free(tree);
    deal_free(&d);
}

static void a_bad_dir_is_refused_by_name(void **state)
{
    (void)state;
    static const char text[] = "{\"id\": \"x\", \"title\": \"X\", \"stage\": \"define\", \"log\": "
                               "[{\"id\": \"1\", \"at\": \"2026-11-01T10:00:00Z\", \"by\": \"S\", "
                               "\"kind\": \"touch\", \"dir\": \"sideways\", \"text\": \"\"}]}";
    deal d;
    db_err err = {0};
    deal_init(&d);
    assert_int_not_equal(codec_parse_deal(text, strlen(text), "deals/x.json", &d, &err), 0);
    assert_non_null(strstr(err.msg, "log.dir"));
    assert_non_null(strstr(err.msg, "\"in\""));
    deal_free(&d);
}

static void config_buyer_must_be_a_bool_on_quiet(void **state)
{
    (void)state;
    const char *bad[] = {"{\"rules\": {\"quiet\": {\"buyer\": \"yes\"}}}",
                         "{\"rules\": {\"stalled\": {\"buyer\": true}}}"};
    for (int i = 0; i < 2; i++) {
        pipeline_cfg cfg;
        db_err err = {0};
        char *warnings = NULL;
        assert_int_not_equal(config_parse(bad[i], strlen(bad[i]), "pipeline.json", &cfg,
                                          &warnings, &err), 0);
        assert_non_null(strstr(err.msg, "'buyer'"));
        free(warnings);
        config_free(&cfg);                 /* a refused file leaves the defaults */
    }
}

/* Sam logs our call, Alex logs the buyer's, both offline: both survive
 * the merge with their directions. */
static void offline_touches_on_both_sides_merge(void **state)
{
    (void)state;
    static const json_merge_side sam = {"Sam <sam@x>", 1795168800LL};
    static const json_merge_side alex = {"Alex <alex@x>", 1795172400LL};
    deal base, ours, theirs, merged;
    db_err err = {0};
    edit_ctx sam_ctx = {"Sam", TODAY, sam.time}, alex_ctx = {"Alex", TODAY, alex.time};
    char *message = NULL;
    deal *sides[] = {&base, &ours, &theirs};
    for (int i = 0; i < 3; i++) {
        deal_init(sides[i]);
        assert_int_equal(codec_parse_deal(touched_deal, strlen(touched_deal), "deals/a.json",
                                          sides[i], &err), 0);
    }
    assert_int_equal(edit_touch(&sam_ctx, &ours, "Sent the deck", false, &message, &err), 0);
    free(message);
    assert_int_equal(edit_touch(&alex_ctx, &theirs, "They asked for a call", true, &message,
                                &err), 0);
    free(message);
    cJSON *b = codec_deal_to_cjson(&base), *o = codec_deal_to_cjson(&ours),
          *t = codec_deal_to_cjson(&theirs), *result = NULL;
    json_merge_stats stats;
    assert_int_equal(json_merge3(b, o, t, &sam, &alex, JSON_MERGE_DEAL_LOG, &result, &stats), 0);
    assert_int_equal(stats.conflicts, 0);
    deal_init(&merged);
    assert_int_equal(codec_deal_from_cjson(result, "deals/a.json", &merged, &err), 0);
    assert_int_equal(merged.nlog, 4);
    assert_string_equal(merged.log[2].dir, "out");
    assert_string_equal(merged.log[2].text, "Sent the deck");
    assert_string_equal(merged.log[3].dir, "in");
    assert_string_equal(merged.log[3].by, "Alex");
    assert_int_equal(deal_touches(&merged).last_in, TODAY);
    cJSON_Delete(b);
    cJSON_Delete(o);
    cJSON_Delete(t);
    cJSON_Delete(result);
    for (int i = 0; i < 3; i++)
        deal_free(sides[i]);
    deal_free(&merged);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buyer_silence_boundary),
        cmocka_unit_test(our_touches_are_counted_not_taken_for_replies),
        cmocka_unit_test(a_buyer_who_never_replied_counts_from_created),
        cmocka_unit_test(light_deals_keep_the_summary),
        cmocka_unit_test(edit_touch_writes_the_direction),
        cmocka_unit_test(dir_round_trips_through_both_writers),
        cmocka_unit_test(a_bad_dir_is_refused_by_name),
        cmocka_unit_test(config_buyer_must_be_a_bool_on_quiet),
        cmocka_unit_test(offline_touches_on_both_sides_merge),
    };
    return cmocka_run_group_tests_name("touches", tests, NULL, NULL);
}
