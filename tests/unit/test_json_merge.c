/* Unit tests for store/json_merge: three-way merge of deal files and pipeline.json (SPEC §6). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../store/json_merge.h"

/* 2026-01-01T00:00:00Z and one hour later. */
static const json_merge_side ALICE = { "Alice <alice@x>", 1767225600LL };
static const json_merge_side BOB_LATER = { "Bob <bob@x>", 1767229200LL };
static const json_merge_side BOB_SAME_TIME = { "Bob <bob@x>", 1767225600LL };

/* ---------- helpers ---------- */

static cJSON *parse(const char *text)
{
    if (!text)
        return NULL;
    cJSON *tree = cJSON_Parse(text);
    assert_non_null(tree);
    return tree;
}

static char *print(const cJSON *tree)
{
    char *text = cJSON_PrintUnformatted(tree);
    assert_non_null(text);
    return text;
}

/* Merges three documents and checks that the inputs were left untouched. */
static cJSON *merge_trees(const cJSON *b, const cJSON *o, const cJSON *t,
                          const json_merge_side *os, const json_merge_side *ts,
                          json_merge_record record, json_merge_stats *stats)
{
    char *before[3] = { b ? print(b) : NULL, o ? print(o) : NULL, t ? print(t) : NULL };
    const cJSON *inputs[3] = { b, o, t };
    cJSON *result = (cJSON *)1; /* must be overwritten */
    json_merge_stats local;
    assert_int_equal(json_merge3(b, o, t, os, ts, record, &result, stats ? stats : &local), 0);
    for (int i = 0; i < 3; i++) {
        if (!inputs[i])
            continue;
        char *after = print(inputs[i]);
        assert_string_equal(before[i], after);
        cJSON_free(after);
        cJSON_free(before[i]);
    }
    return result;
}

static cJSON *merge_text(const char *base, const char *ours, const char *theirs,
                         const json_merge_side *os, const json_merge_side *ts,
                         json_merge_record record, json_merge_stats *stats)
{
    cJSON *b = parse(base), *o = parse(ours), *t = parse(theirs);
    cJSON *result = merge_trees(b, o, t, os, ts, record, stats);
    cJSON_Delete(b);
    cJSON_Delete(o);
    cJSON_Delete(t);
    return result;
}

/* Compares key-order-independently, printing both on mismatch. */
static void assert_json_equal(const cJSON *got, const char *expected_text)
{
    cJSON *expected = parse(expected_text);
    if (!cJSON_Compare(got, expected, true)) {
        char *text = print(got);
        print_error("expected %s\n     got %s\n", expected_text, text);
        cJSON_free(text);
        cJSON_Delete(expected);
        fail();
    }
    cJSON_Delete(expected);
}

static void assert_printed(const cJSON *got, const char *expected_text)
{
    char *text = print(got);
    assert_string_equal(text, expected_text);
    cJSON_free(text);
}

static const char *string_field(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static const cJSON *log_of(const cJSON *deal)
{
    const cJSON *log = cJSON_GetObjectItemCaseSensitive(deal, "log");
    assert_true(cJSON_IsArray(log));
    return log;
}

static int count_kind(const cJSON *deal, const char *kind)
{
    int n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, log_of(deal)) {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(e, "kind");
        if (cJSON_IsString(k) && strcmp(k->valuestring, kind) == 0)
            n++;
    }
    return n;
}

static const cJSON *first_of_kind(const cJSON *deal, const char *kind)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, log_of(deal)) {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(e, "kind");
        if (cJSON_IsString(k) && strcmp(k->valuestring, kind) == 0)
            return e;
    }
    fail_msg("no log entry of kind %s", kind);
    return NULL;
}

static const cJSON *entry_with_id(const cJSON *deal, const char *id)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, log_of(deal)) {
        if (strcmp(string_field(e, "id"), id) == 0)
            return e;
    }
    fail_msg("no log entry with id %s", id);
    return NULL;
}

static void assert_log_ids(const cJSON *deal, const char *const *ids, int n)
{
    const cJSON *log = log_of(deal);
    assert_int_equal(cJSON_GetArraySize(log), n);
    for (int i = 0; i < n; i++)
        assert_string_equal(string_field(cJSON_GetArrayItem(log, i), "id"), ids[i]);
}

static const char *DEAL_BASE =
    "{\"id\":\"acme-7f3a9c\",\"title\":\"Acme rollout\",\"stage\":\"define\","
    "\"close_date\":\"2027-01-31\",\"value\":48000,\"champion\":\"Eve\","
    "\"next_step\":{\"text\":\"Call CFO\",\"due\":\"2026-01-10\"},\"tags\":[\"a\",\"b\",\"c\"],"
    "\"log\":[{\"id\":\"n1\",\"at\":\"2026-01-01T09:00:00Z\",\"by\":\"Alice\",\"kind\":\"note\","
    "\"text\":\"kickoff\"}]}";

/* ---------- basic field merges ---------- */

static void test_no_change(void **state)
{
    (void)state;
    json_merge_stats st = { -1, JSON_MERGE_DELETED };
    cJSON *r = merge_text(DEAL_BASE, DEAL_BASE, DEAL_BASE, &ALICE, &BOB_LATER, true, &st);
    assert_json_equal(r, DEAL_BASE);
    assert_int_equal(st.conflicts, 0);
    assert_int_equal(st.outcome, JSON_MERGE_KEPT);
    cJSON_Delete(r);
}

static void test_one_side_change(void **state)
{
    (void)state;
    const char *b = "{\"stage\":\"define\",\"value\":1}";
    const char *changed = "{\"stage\":\"explore\",\"value\":1}";
    json_merge_stats st;
    cJSON *r = merge_text(b, changed, b, &ALICE, &BOB_LATER, true, &st);
    assert_json_equal(r, changed); /* ours changed, theirs later but untouched */
    assert_int_equal(st.conflicts, 0);
    cJSON_Delete(r);
    r = merge_text(b, b, changed, &BOB_LATER, &ALICE, true, &st);
    assert_json_equal(r, changed);
    assert_null(cJSON_GetObjectItemCaseSensitive(r, "log"));
    cJSON_Delete(r);
}

static void test_different_fields_both_survive(void **state)
{
    (void)state;
    json_merge_stats st;
    cJSON *r = merge_text("{\"stage\":\"define\",\"value\":1,\"owner\":\"al\"}",
                          "{\"stage\":\"explore\",\"value\":1,\"owner\":\"al\"}",
                          "{\"stage\":\"define\",\"value\":2,\"owner\":\"al\"}", &ALICE,
                          &BOB_LATER, true, &st);
    assert_printed(r, "{\"stage\":\"explore\",\"value\":2,\"owner\":\"al\"}");
    assert_int_equal(st.conflicts, 0);
    cJSON_Delete(r);
}

static void test_same_field_same_value(void **state)
{
    (void)state;
    json_merge_stats st;
    cJSON *r = merge_text("{\"stage\":\"define\"}", "{\"stage\":\"decide\"}",
                          "{\"stage\":\"decide\"}", &ALICE, &BOB_LATER, true, &st);
    assert_printed(r, "{\"stage\":\"decide\"}");
    assert_int_equal(st.conflicts, 0);
    cJSON_Delete(r);
}

/* ---------- conflicts ---------- */

static const char *CD_BASE = "{\"id\":\"d\",\"close_date\":\"2027-01-31\",\"log\":[]}";
static const char *CD_ALICE = "{\"id\":\"d\",\"close_date\":\"2027-02-28\",\"log\":[]}";
static const char *CD_BOB = "{\"id\":\"d\",\"close_date\":\"2027-03-31\",\"log\":[]}";

static void test_conflict_later_commit_wins(void **state)
{
    (void)state;
    json_merge_stats st;
    cJSON *r = merge_text(CD_BASE, CD_ALICE, CD_BOB, &ALICE, &BOB_LATER, true, &st);
    assert_string_equal(string_field(r, "close_date"), "2027-03-31");
    assert_int_equal(st.conflicts, 1);
    assert_int_equal(count_kind(r, "conflict"), 1);
    const cJSON *c = first_of_kind(r, "conflict");
    assert_string_equal(string_field(c, "text"),
                        "close_date: kept \"2027-03-31\" (Bob, later) over \"2027-02-28\" (Alice)");
    assert_string_equal(string_field(c, "at"), "2026-01-01T01:00:00Z");
    assert_string_equal(string_field(c, "by"), "dealboard");
    const char *id = string_field(c, "id");
    assert_int_equal(strlen(id), 13);
    assert_int_equal(id[0], 'c');
    assert_int_equal(strspn(id + 1, "0123456789abcdef"), 12);
    cJSON_Delete(r);

    /* Later on our side this time: ours wins. */
    r = merge_text(CD_BASE, CD_ALICE, CD_BOB, &BOB_LATER, &ALICE, true, &st);
    assert_string_equal(string_field(r, "close_date"), "2027-02-28");
    assert_non_null(strstr(string_field(first_of_kind(r, "conflict"), "text"),
                           "over \"2027-03-31\""));
    cJSON_Delete(r);
}

/* A reference: asks recorded on both sides offline both survive, in day
 * order; "ready" changed both ways goes to the later commit, logged. */
static void test_reference_asks_union_ready_later_wins(void **state)
{
    (void)state;
    json_merge_stats st;
    cJSON *r = merge_text(
        "{\"id\":\"d\",\"reference\":{\"ready\":true,\"asks\":[{\"id\":\"a000001\",\"at\":\"2027-01-01\",\"for\":\"x\"}]},\"log\":[]}",
        "{\"id\":\"d\",\"reference\":{\"ready\":false,\"asks\":[{\"id\":\"a000001\",\"at\":\"2027-01-01\",\"for\":\"x\"},{\"id\":\"a000003\",\"at\":\"2027-01-05\",\"for\":\"y\"}]},\"log\":[]}",
        "{\"id\":\"d\",\"reference\":{\"ready\":true,\"asks\":[{\"id\":\"a000001\",\"at\":\"2027-01-01\",\"for\":\"x\"},{\"id\":\"a000002\",\"at\":\"2027-01-03\",\"for\":\"z\"}]},\"log\":[]}",
        &ALICE, &BOB_LATER, true, &st);
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(r, "reference");
    const cJSON *asks = cJSON_GetObjectItemCaseSensitive(ref, "asks");
    assert_int_equal(cJSON_GetArraySize(asks), 3);
    assert_string_equal(string_field(cJSON_GetArrayItem(asks, 0), "id"), "a000001");
    assert_string_equal(string_field(cJSON_GetArrayItem(asks, 1), "id"), "a000002");
    assert_string_equal(string_field(cJSON_GetArrayItem(asks, 2), "id"), "a000003");
    /* ready: only ours changed it (false), theirs kept the base's: no conflict. */
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(ref, "ready")));
    assert_int_equal(st.conflicts, 0);
    cJSON_Delete(r);
}

static void test_conflict_tie_is_deterministic(void **state)
{
    (void)state;
    /* Same time: both clones (sides swapped) must agree on value and conflict id. */
    cJSON *r1 = merge_text(CD_BASE, CD_ALICE, CD_BOB, &ALICE, &BOB_SAME_TIME, true, NULL);
    cJSON *r2 = merge_text(CD_BASE, CD_BOB, CD_ALICE, &BOB_SAME_TIME, &ALICE, true, NULL);
    assert_string_equal(string_field(r1, "close_date"), string_field(r2, "close_date"));
    assert_string_equal(string_field(first_of_kind(r1, "conflict"), "id"),
                        string_field(first_of_kind(r2, "conflict"), "id"));
    assert_true(cJSON_Compare(r1, r2, true));
    cJSON_Delete(r1);
    cJSON_Delete(r2);

    /* Same time and author: the printed value decides, still symmetric. */
    r1 = merge_text(CD_BASE, CD_ALICE, CD_BOB, &ALICE, &ALICE, true, NULL);
    r2 = merge_text(CD_BASE, CD_BOB, CD_ALICE, &ALICE, &ALICE, true, NULL);
    assert_string_equal(string_field(r1, "close_date"), string_field(r2, "close_date"));
    assert_true(cJSON_Compare(r1, r2, true));
    cJSON_Delete(r1);
    cJSON_Delete(r2);
}

static void test_same_triple_twice_identical(void **state)
{
    (void)state;
    cJSON *r1 = merge_text(CD_BASE, CD_ALICE, CD_BOB, &ALICE, &BOB_LATER, true, NULL);
    cJSON *r2 = merge_text(CD_BASE, CD_ALICE, CD_BOB, &ALICE, &BOB_LATER, true, NULL);
    char *p1 = print(r1), *p2 = print(r2);
    assert_string_equal(p1, p2);
    cJSON_free(p1);
    cJSON_free(p2);
    cJSON_Delete(r1);
    cJSON_Delete(r2);
}

static void test_conflict_not_logged_twice(void **state)
{
    (void)state;
    cJSON *base = parse(CD_BASE), *alice = parse(CD_ALICE), *bob = parse(CD_BOB);
    cJSON *merged = merge_trees(base, alice, bob, &ALICE, &BOB_LATER, true, NULL);
    const json_merge_side merge_commit = { "Bob <bob@x>", BOB_LATER.time + 60 };

    /* The merge result meets Alice's side again: same conflict, same id, one entry. */
    json_merge_stats st;
    cJSON *again = merge_trees(base, merged, alice, &merge_commit, &ALICE, true, &st);
    assert_int_equal(st.conflicts, 1);
    assert_int_equal(count_kind(again, "conflict"), 1);
    assert_string_equal(string_field(again, "close_date"), "2027-03-31");

    /* And Bob's side: no conflict at all, the entry stays. */
    cJSON *with_bob = merge_trees(base, merged, bob, &merge_commit, &BOB_LATER, true, &st);
    assert_int_equal(st.conflicts, 0);
    assert_int_equal(count_kind(with_bob, "conflict"), 1);

    cJSON_Delete(with_bob);
    cJSON_Delete(again);
    cJSON_Delete(merged);
    cJSON_Delete(base);
    cJSON_Delete(alice);
    cJSON_Delete(bob);
}

static void test_record_conflicts_false_leaves_no_log(void **state)
{
    (void)state;
    json_merge_stats st;
    cJSON *r = merge_text("{\"currency\":\"EUR\",\"levels\":{\"watch\":2}}",
                          "{\"currency\":\"USD\",\"levels\":{\"watch\":3}}",
                          "{\"currency\":\"GBP\",\"levels\":{\"watch\":2}}", &ALICE, &BOB_LATER,
                          false, &st);
    assert_printed(r, "{\"currency\":\"GBP\",\"levels\":{\"watch\":3}}");
    assert_int_equal(st.conflicts, 1);
    assert_null(cJSON_GetObjectItemCaseSensitive(r, "log"));
    cJSON_Delete(r);
}

/* ---------- pipeline.json: conflicts kept in its "conflicts" list ---------- */

static const cJSON *conflicts_of(const cJSON *pipeline)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(pipeline, "conflicts");
    assert_true(cJSON_IsArray(list));
    return list;
}

/* The texts of pipeline's "conflicts", joined by '|' (a static buffer). */
static const char *conflict_texts(const cJSON *pipeline)
{
    static char buf[2048];
    const cJSON *e;
    buf[0] = '\0';
    cJSON_ArrayForEach(e, conflicts_of(pipeline)) {
        if (buf[0])
            strncat(buf, "|", sizeof buf - strlen(buf) - 1);
        strncat(buf, string_field(e, "text"), sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

static const char *PL_BASE = "{\"currency\":\"EUR\",\"levels\":{\"watch\":2}}";
static const char *PL_ALICE = "{\"currency\":\"CHF\",\"levels\":{\"watch\":2}}";
static const char *PL_BOB = "{\"currency\":\"USD\",\"levels\":{\"watch\":3}}";

static void test_list_keys(void **state)
{
    (void)state;
    assert_string_equal(json_merge_list_key(JSON_MERGE_DEAL_LOG), "log");
    assert_string_equal(json_merge_list_key(JSON_MERGE_PIPELINE), "conflicts");
    assert_null(json_merge_list_key(JSON_MERGE_COUNT_ONLY));
}

static void test_pipeline_conflict_kept_in_conflicts(void **state)
{
    (void)state;
    json_merge_stats st;
    cJSON *r = merge_text(PL_BASE, PL_ALICE, PL_BOB, &ALICE, &BOB_LATER, JSON_MERGE_PIPELINE,
                          &st);
    assert_string_equal(string_field(r, "currency"), "USD");
    assert_int_equal(st.conflicts, 1);
    assert_null(cJSON_GetObjectItemCaseSensitive(r, "log"));
    assert_int_equal(cJSON_GetArraySize(conflicts_of(r)), 1);
    const cJSON *c = cJSON_GetArrayItem(conflicts_of(r), 0);
    assert_string_equal(string_field(c, "kind"), "conflict");
    assert_string_equal(string_field(c, "by"), "dealboard");
    assert_string_equal(string_field(c, "at"), "2026-01-01T01:00:00Z");
    assert_string_equal(string_field(c, "text"),
                        "currency: kept \"USD\" (Bob, later) over \"CHF\" (Alice)");
    cJSON_Delete(r);
}

/* Both clones merging the same pair, then each other's results: one entry. */
static void test_pipeline_conflict_recorded_once(void **state)
{
    (void)state;
    cJSON *b = parse(PL_BASE), *a = parse(PL_ALICE), *o = parse(PL_BOB);
    cJSON *m1 = merge_trees(b, a, o, &ALICE, &BOB_LATER, JSON_MERGE_PIPELINE, NULL);
    cJSON *m2 = merge_trees(b, o, a, &BOB_LATER, &ALICE, JSON_MERGE_PIPELINE, NULL);
    assert_true(cJSON_Compare(m1, m2, true));
    json_merge_stats st;
    cJSON *again = merge_trees(b, m1, m2, &ALICE, &BOB_LATER, JSON_MERGE_PIPELINE, &st);
    assert_int_equal(st.conflicts, 0);
    assert_int_equal(cJSON_GetArraySize(conflicts_of(again)), 1);
    cJSON_Delete(again);
    cJSON_Delete(m1);
    cJSON_Delete(m2);
    cJSON_Delete(b);
    cJSON_Delete(a);
    cJSON_Delete(o);
}

#define ACK_X "{\"id\":\"cx\",\"at\":\"2026-01-01T00:00:00Z\",\"kind\":\"conflict\",\"text\":\"X\"}"
#define ACK_Y "{\"id\":\"cy\",\"at\":\"2026-01-02T00:00:00Z\",\"kind\":\"conflict\",\"text\":\"Y\"}"

/* Removing an entry is how a person settles it: it must not come back. */
static void test_pipeline_acknowledged_conflict_stays_removed(void **state)
{
    (void)state;
    const char *base = "{\"name\":\"P\",\"conflicts\":[" ACK_X "]}";
    /* Removed here, a teammate changed something else. */
    cJSON *r = merge_text(base, "{\"name\":\"P\",\"conflicts\":[]}",
                          "{\"name\":\"Q\",\"conflicts\":[" ACK_X "]}", &ALICE, &BOB_LATER,
                          JSON_MERGE_PIPELINE, NULL);
    assert_int_equal(cJSON_GetArraySize(conflicts_of(r)), 0);
    assert_string_equal(string_field(r, "name"), "Q");
    cJSON_Delete(r);

    /* The whole list removed there, a new conflict recorded here: only the new one. */
    r = merge_text(base, "{\"name\":\"P\",\"conflicts\":[" ACK_X "," ACK_Y "]}",
                   "{\"name\":\"P\"}", &ALICE, &BOB_LATER, JSON_MERGE_PIPELINE, NULL);
    assert_string_equal(conflict_texts(r), "Y");
    cJSON_Delete(r);

    /* Removed on one side while this merge finds a new conflict: X stays gone. */
    r = merge_text("{\"currency\":\"EUR\",\"conflicts\":[" ACK_X "]}",
                   "{\"currency\":\"CHF\",\"conflicts\":[]}",
                   "{\"currency\":\"USD\",\"conflicts\":[" ACK_X "]}", &ALICE, &BOB_LATER,
                   JSON_MERGE_PIPELINE, NULL);
    assert_string_equal(conflict_texts(r),
                        "currency: kept \"USD\" (Bob, later) over \"CHF\" (Alice)");
    cJSON_Delete(r);
}

static void test_pipeline_new_entries_on_both_sides_union(void **state)
{
    (void)state;
    cJSON *r = merge_text("{\"conflicts\":[]}", "{\"conflicts\":[" ACK_Y "]}",
                          "{\"conflicts\":[" ACK_X "]}", &ALICE, &BOB_LATER,
                          JSON_MERGE_PIPELINE, NULL);
    assert_string_equal(conflict_texts(r), "X|Y"); /* sorted by at */
    cJSON_Delete(r);
}

/* A deal's "conflicts" key is an ordinary field, a pipeline's "log" is not the list. */
static void test_conflicts_key_special_only_in_pipeline(void **state)
{
    (void)state;
    json_merge_stats st;
    cJSON *r = merge_text("{\"conflicts\":[" ACK_X "]}", "{\"conflicts\":[]}",
                          "{\"conflicts\":[" ACK_X "," ACK_Y "]}", &ALICE, &BOB_LATER,
                          JSON_MERGE_DEAL_LOG, &st);
    assert_int_equal(st.conflicts, 1); /* one value, changed on both sides */
    assert_int_equal(count_kind(r, "conflict"), 1);
    cJSON_Delete(r);
}

static const char *ST_BASE = "{\"stages\":[{\"id\":\"define\",\"max_days\":21},"
                             "{\"id\":\"explore\",\"max_days\":30}]}";

static void test_stages_merge_by_id(void **state)
{
    (void)state;
    json_merge_stats st;
    cJSON *r = merge_text(ST_BASE,
                          "{\"stages\":[{\"id\":\"define\",\"max_days\":28},"
                          "{\"id\":\"explore\",\"max_days\":45}]}",
                          "{\"stages\":[{\"id\":\"define\",\"max_days\":35,\"name\":\"Define\"},"
                          "{\"id\":\"explore\",\"max_days\":30}]}",
                          &ALICE, &BOB_LATER, JSON_MERGE_PIPELINE, &st);
    assert_int_equal(st.conflicts, 1);
    assert_json_equal(cJSON_GetObjectItemCaseSensitive(r, "stages"),
                      "[{\"id\":\"define\",\"max_days\":35,\"name\":\"Define\"},"
                      "{\"id\":\"explore\",\"max_days\":45}]");
    assert_string_equal(conflict_texts(r),
                        "stages[define].max_days: kept 35 (Bob, later) over 28 (Alice)");
    cJSON_Delete(r);
}

/* Ids added, reordered or repeated: the list is one value, the loser kept whole. */
static void test_stages_with_other_ids_are_one_value(void **state)
{
    (void)state;
    json_merge_stats st;
    const char *added = "{\"stages\":[{\"id\":\"define\",\"max_days\":21},"
                        "{\"id\":\"explore\",\"max_days\":30},{\"id\":\"x\"}]}";
    const char *changed = "{\"stages\":[{\"id\":\"define\",\"max_days\":35},"
                          "{\"id\":\"explore\",\"max_days\":30}]}";
    cJSON *r = merge_text(ST_BASE, added, changed, &ALICE, &BOB_LATER, JSON_MERGE_PIPELINE, &st);
    assert_int_equal(st.conflicts, 1);
    assert_non_null(strstr(conflict_texts(r), "stages: kept [{\"id\":\"define\",\"max_days\":35}"));
    assert_non_null(strstr(conflict_texts(r), "{\"id\":\"x\"}] (Alice)"));
    cJSON_Delete(r);

    const char *repeated = "{\"stages\":[{\"id\":\"define\",\"max_days\":1},"
                           "{\"id\":\"define\",\"max_days\":2}]}";
    const char *repeated2 = "{\"stages\":[{\"id\":\"define\",\"max_days\":3},"
                            "{\"id\":\"define\",\"max_days\":2}]}";
    r = merge_text(ST_BASE, repeated, repeated2, &ALICE, &BOB_LATER, JSON_MERGE_PIPELINE, &st);
    assert_int_equal(st.conflicts, 1);
    assert_non_null(strstr(conflict_texts(r), "stages: kept "));
    cJSON_Delete(r);
}

static void test_conflict_creates_log_when_absent(void **state)
{
    (void)state;
    cJSON *r = merge_text("{\"v\":1}", "{\"v\":2}", "{\"v\":3}", &ALICE, &BOB_LATER, true, NULL);
    assert_int_equal(cJSON_GetArraySize(log_of(r)), 1);
    assert_string_equal(string_field(first_of_kind(r, "conflict"), "text"),
                        "v: kept 3 (Bob, later) over 2 (Alice)");
    cJSON_Delete(r);
}

static void test_other_arrays_and_type_changes_are_scalars(void **state)
{
    (void)state;
    json_merge_stats st;
    cJSON *r = merge_text("{\"stages\":[1,2],\"value\":1}", "{\"stages\":[1,2,3],\"value\":\"1\"}",
                          "{\"stages\":[0,1,2],\"value\":2}", &BOB_LATER, &ALICE, true, &st);
    assert_int_equal(st.conflicts, 2);
    assert_json_equal(cJSON_GetObjectItemCaseSensitive(r, "stages"), "[1,2,3]");
    assert_string_equal(string_field(r, "value"), "1");
    assert_int_equal(count_kind(r, "conflict"), 2);
    cJSON_Delete(r);
}

/* ---------- nested objects and removed keys ---------- */

static void test_nested_object_fieldwise(void **state)
{
    (void)state;
    json_merge_stats st;
    cJSON *r = merge_text("{\"next_step\":{\"text\":\"Call\",\"due\":\"2026-01-10\"}}",
                          "{\"next_step\":{\"text\":\"Call CFO\",\"due\":\"2026-01-10\"}}",
                          "{\"next_step\":{\"text\":\"Call\",\"due\":\"2026-01-20\"}}", &ALICE,
                          &BOB_LATER, true, &st);
    assert_printed(r, "{\"next_step\":{\"text\":\"Call CFO\",\"due\":\"2026-01-20\"}}");
    assert_int_equal(st.conflicts, 0);
    cJSON_Delete(r);

    r = merge_text("{\"next_step\":{\"text\":\"Call\",\"due\":\"2026-01-10\"}}",
                   "{\"next_step\":{\"text\":\"Call\",\"due\":\"2026-01-11\"}}",
                   "{\"next_step\":{\"text\":\"Call\",\"due\":\"2026-01-20\"}}", &ALICE, &BOB_LATER,
                   true, &st);
    assert_int_equal(st.conflicts, 1);
    assert_string_equal(string_field(first_of_kind(r, "conflict"), "text"),
                        "next_step.due: kept \"2026-01-20\" (Bob, later) over \"2026-01-11\" (Alice)");
    cJSON_Delete(r);
}

static void test_key_removed_on_one_side(void **state)
{
    (void)state;
    json_merge_stats st;
    cJSON *r = merge_text("{\"champion\":\"Eve\",\"snooze\":{\"until\":\"2026-02-01\"},\"v\":1}",
                          "{\"v\":1}",
                          "{\"champion\":\"Eve\",\"snooze\":{\"until\":\"2026-02-01\"},\"v\":2}",
                          &ALICE, &BOB_LATER, true, &st);
    assert_printed(r, "{\"v\":2}");
    assert_int_equal(st.conflicts, 0);
    cJSON_Delete(r);

    /* Removed on one side, changed on the other: a conflict; the loser stays readable. */
    r = merge_text("{\"champion\":\"Eve\"}", "{}", "{\"champion\":\"Mallory\"}", &BOB_LATER,
                   &ALICE, true, &st);
    assert_int_equal(st.conflicts, 1);
    assert_null(cJSON_GetObjectItemCaseSensitive(r, "champion"));
    assert_string_equal(string_field(first_of_kind(r, "conflict"), "text"),
                        "champion: kept (removed) (Bob, later) over \"Mallory\" (Alice)");
    cJSON_Delete(r);
}

static void test_unknown_keys_kept_from_both_sides(void **state)
{
    (void)state;
    cJSON *r = merge_text("{\"id\":\"d\",\"x\":{\"a\":1}}",
                          "{\"id\":\"d\",\"crm_id\":7,\"x\":{\"a\":1,\"b\":2}}",
                          "{\"color\":\"red\",\"id\":\"d\",\"x\":{\"a\":1,\"c\":3},\"z\":[1]}",
                          &ALICE, &BOB_LATER, true, NULL);
    /* Ours' key order, then keys only theirs has, in theirs' order. */
    assert_printed(r, "{\"id\":\"d\",\"crm_id\":7,\"x\":{\"a\":1,\"b\":2,\"c\":3},"
                      "\"color\":\"red\",\"z\":[1]}");
    cJSON_Delete(r);
}

/* ---------- log ---------- */

static void test_log_union_by_id_ordered(void **state)
{
    (void)state;
    json_merge_stats st;
    cJSON *r = merge_text(
        "{\"log\":[{\"id\":\"a\",\"at\":\"2026-01-01T00:00:00Z\"}]}",
        "{\"log\":[{\"id\":\"a\",\"at\":\"2026-01-01T00:00:00Z\"},"
        "{\"id\":\"b\",\"at\":\"2026-01-03T00:00:00Z\"},{\"id\":\"z\",\"at\":\"2026-01-02T00:00:00Z\"}]}",
        "{\"log\":[{\"id\":\"a\",\"at\":\"2026-01-01T00:00:00Z\"},"
        "{\"id\":\"c\",\"at\":\"2026-01-02T00:00:00Z\",\"extra\":true}]}",
        &ALICE, &BOB_LATER, true, &st);
    static const char *const ids[] = { "a", "c", "z", "b" }; /* by at, ties by id */
    assert_log_ids(r, ids, 4);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(log_of(r), 1),
                                                              "extra")));
    assert_int_equal(st.conflicts, 0);
    cJSON_Delete(r);
}

static void test_log_entry_deleted_on_one_side_comes_back(void **state)
{
    (void)state;
    const char *b = "{\"log\":[{\"id\":\"a\",\"at\":\"1\"},{\"id\":\"b\",\"at\":\"2\"}]}";
    cJSON *r = merge_text(b, "{\"log\":[{\"id\":\"b\",\"at\":\"2\"}]}",
                          "{\"log\":[{\"id\":\"a\",\"at\":\"1\"},{\"id\":\"b\",\"at\":\"2\"},"
                          "{\"id\":\"c\",\"at\":\"3\"}]}",
                          &ALICE, &BOB_LATER, true, NULL);
    static const char *const ids[] = { "a", "b", "c" };
    assert_log_ids(r, ids, 3);
    cJSON_Delete(r);
}

static void test_log_same_id_edited_on_both_sides(void **state)
{
    (void)state;
    const char *b = "{\"log\":[{\"id\":\"n1\",\"at\":\"2026-01-01T09:00:00Z\",\"text\":\"kickoff\"}]}";
    json_merge_stats st;
    cJSON *r = merge_text(
        b, "{\"log\":[{\"id\":\"n1\",\"at\":\"2026-01-01T09:00:00Z\",\"text\":\"kickoff call\"}]}",
        "{\"log\":[{\"id\":\"n1\",\"at\":\"2026-01-01T09:00:00Z\",\"text\":\"kickoff\",\"pin\":1}]}",
        &ALICE, &BOB_LATER, true, &st);
    assert_int_equal(st.conflicts, 0);
    assert_json_equal(r, "{\"log\":[{\"id\":\"n1\",\"at\":\"2026-01-01T09:00:00Z\","
                         "\"text\":\"kickoff call\",\"pin\":1}]}");
    cJSON_Delete(r);

    r = merge_text(b, "{\"log\":[{\"id\":\"n1\",\"at\":\"2026-01-01T09:00:00Z\",\"text\":\"A\"}]}",
                   "{\"log\":[{\"id\":\"n1\",\"at\":\"2026-01-01T09:00:00Z\",\"text\":\"B\"}]}",
                   &ALICE, &BOB_LATER, true, &st);
    assert_int_equal(st.conflicts, 1);
    assert_int_equal(cJSON_GetArraySize(log_of(r)), 2);
    assert_string_equal(string_field(entry_with_id(r, "n1"), "text"), "B");
    assert_string_equal(string_field(first_of_kind(r, "conflict"), "text"),
                        "log[n1].text: kept \"B\" (Bob, later) over \"A\" (Alice)");
    cJSON_Delete(r);
}

static void test_log_entries_without_id(void **state)
{
    (void)state;
    cJSON *r = merge_text("{\"log\":[]}",
                          "{\"log\":[{\"at\":\"1\",\"text\":\"same\"},{\"at\":\"2\",\"text\":\"o\"}]}",
                          "{\"log\":[{\"at\":\"3\",\"text\":\"t\"},{\"at\":\"1\",\"text\":\"same\"}]}",
                          &ALICE, &BOB_LATER, true, NULL);
    assert_json_equal(r, "{\"log\":[{\"at\":\"1\",\"text\":\"same\"},{\"at\":\"2\",\"text\":\"o\"},"
                         "{\"at\":\"3\",\"text\":\"t\"}]}");
    cJSON_Delete(r);
}

static void test_big_logs_merge_fast(void **state)
{
    (void)state;
    enum { N = 10000, SHARED = 5000 };
    cJSON *sides[2];
    for (int s = 0; s < 2; s++) {
        sides[s] = cJSON_CreateObject();
        cJSON *log = cJSON_AddArrayToObject(sides[s], "log");
        for (int i = 0; i < N; i++) {
            /* Entries 0..SHARED-1 on both sides; the rest unique to each side. */
            int n = i < SHARED ? i : i + s * N;
            char id[32], at[32];
            snprintf(id, sizeof id, "e%06d", n);
            snprintf(at, sizeof at, "2026-01-01T00:00:%02dZ", (N * 2 - n) % 60);
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "id", id);
            cJSON_AddStringToObject(e, "at", at);
            cJSON_AddStringToObject(e, "text", "note");
            cJSON_AddItemToArray(log, e);
        }
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cJSON *r = merge_trees(NULL, sides[0], sides[1], &ALICE, &BOB_LATER, true, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_int_equal(cJSON_GetArraySize(log_of(r)), 2 * N - SHARED);
    const char *prev = "";
    const cJSON *e;
    cJSON_ArrayForEach(e, log_of(r)) {
        assert_true(strcmp(prev, string_field(e, "at")) <= 0);
        prev = string_field(e, "at");
    }
    assert_true(secs < 1.0);
    cJSON_Delete(r);
    cJSON_Delete(sides[0]);
    cJSON_Delete(sides[1]);
}

/* ---------- tags ---------- */

static void test_tags_set_merge(void **state)
{
    (void)state;
    json_merge_stats st;
    /* Ours removed b and added d; theirs reordered and added e. */
    cJSON *r = merge_text("{\"tags\":[\"a\",\"b\",\"c\"]}", "{\"tags\":[\"a\",\"c\",\"d\"]}",
                          "{\"tags\":[\"c\",\"a\",\"b\",\"e\"]}", &ALICE, &BOB_LATER, true, &st);
    assert_printed(r, "{\"tags\":[\"a\",\"c\",\"d\",\"e\"]}");
    assert_int_equal(st.conflicts, 0);
    cJSON_Delete(r);

    /* Theirs removed c, ours added d (and repeated a tag). */
    r = merge_text("{\"tags\":[\"a\",\"b\",\"c\"]}", "{\"tags\":[\"a\",\"b\",\"c\",\"d\",\"a\"]}",
                   "{\"tags\":[\"a\",\"b\"]}", &ALICE, &BOB_LATER, true, NULL);
    assert_printed(r, "{\"tags\":[\"a\",\"b\",\"d\"]}");
    cJSON_Delete(r);
}

/* ---------- whole-file cases ---------- */

static void test_delete_vs_edit(void **state)
{
    (void)state;
    const char *edited = "{\"id\":\"d\",\"stage\":\"decide\"}";
    json_merge_stats st;
    cJSON *r = merge_text("{\"id\":\"d\",\"stage\":\"define\"}", NULL, edited, &BOB_LATER, &ALICE,
                          true, &st);
    assert_int_equal(st.outcome, JSON_MERGE_KEPT);
    assert_json_equal(r, edited);
    cJSON_Delete(r);
    r = merge_text("{\"id\":\"d\",\"stage\":\"define\"}", edited, NULL, &ALICE, &BOB_LATER, true,
                   &st);
    assert_int_equal(st.outcome, JSON_MERGE_KEPT);
    assert_json_equal(r, edited);
    cJSON_Delete(r);
}

static void test_delete_vs_unchanged(void **state)
{
    (void)state;
    json_merge_stats st = { 5, JSON_MERGE_KEPT };
    cJSON *r = merge_text(DEAL_BASE, DEAL_BASE, NULL, &ALICE, &BOB_LATER, true, &st);
    assert_null(r);
    assert_int_equal(st.outcome, JSON_MERGE_DELETED);
    assert_int_equal(st.conflicts, 0);
    r = merge_text(DEAL_BASE, NULL, DEAL_BASE, &ALICE, &BOB_LATER, true, &st);
    assert_null(r);
    assert_int_equal(st.outcome, JSON_MERGE_DELETED);
    st.outcome = JSON_MERGE_KEPT;
    r = merge_text(DEAL_BASE, NULL, NULL, &ALICE, &BOB_LATER, true, &st);
    assert_null(r);
    assert_int_equal(st.outcome, JSON_MERGE_DELETED);
}

static void test_added_on_both_sides_without_base(void **state)
{
    (void)state;
    json_merge_stats st;
    cJSON *r = merge_text(NULL, "{\"id\":\"d\",\"title\":\"Acme\",\"value\":5}",
                          "{\"id\":\"d\",\"title\":\"ACME\",\"owner\":\"bob\"}", &ALICE, &BOB_LATER,
                          true, &st);
    assert_int_equal(st.outcome, JSON_MERGE_KEPT);
    assert_int_equal(st.conflicts, 1);
    assert_string_equal(string_field(r, "title"), "ACME");
    assert_non_null(cJSON_GetObjectItemCaseSensitive(r, "value"));
    assert_string_equal(string_field(r, "owner"), "bob");
    assert_non_null(strstr(string_field(first_of_kind(r, "conflict"), "text"), "\"Acme\" (Alice)"));
    cJSON_Delete(r);

    /* Added on one side only. */
    r = merge_text(NULL, NULL, "{\"id\":\"d\"}", &ALICE, &BOB_LATER, true, &st);
    assert_int_equal(st.outcome, JSON_MERGE_KEPT);
    assert_json_equal(r, "{\"id\":\"d\"}");
    cJSON_Delete(r);
}

static void test_non_object_root(void **state)
{
    (void)state;
    json_merge_stats st;
    cJSON *r = merge_text("[1]", "[1,2]", "[1]", &ALICE, &BOB_LATER, true, &st);
    assert_printed(r, "[1,2]");
    assert_int_equal(st.conflicts, 0);
    cJSON_Delete(r);

    /* A broken root against a later real deal: the deal wins and logs the loser. */
    r = merge_text("{\"id\":\"d\"}", "\"oops\"", "{\"id\":\"d\",\"v\":1}", &ALICE, &BOB_LATER,
                   true, &st);
    assert_int_equal(st.conflicts, 1);
    assert_true(cJSON_IsObject(r));
    assert_string_equal(string_field(first_of_kind(r, "conflict"), "text"),
                        "(whole file): kept {\"id\":\"d\",\"v\":1} (Bob, later) over \"oops\" (Alice)");
    cJSON_Delete(r);

    /* The object is kept even when the non-object side is later. */
    r = merge_text("{}", "{\"a\":1}", "[1]", &ALICE, &BOB_LATER, true, &st);
    assert_int_equal(st.conflicts, 1);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(r, "a")->valueint, 1);
    assert_string_equal(string_field(first_of_kind(r, "conflict"), "text"),
                        "(whole file): kept {\"a\":1} (Alice, earlier) over [1] (Bob)");
    cJSON_Delete(r);

    /* Two non-objects: plain scalar rule, later wins. */
    r = merge_text("1", "2", "[3]", &ALICE, &BOB_LATER, true, &st);
    assert_int_equal(st.conflicts, 1);
    assert_printed(r, "[3]");
    cJSON_Delete(r);
}

/* ---------- hostile input ---------- */

static cJSON *nested_chain(int depth, const char *leaf)
{
    cJSON *root = cJSON_CreateObject(), *at = root;
    for (int i = 0; i < depth; i++)
        at = cJSON_AddObjectToObject(at, "k");
    cJSON_AddStringToObject(at, "leaf", leaf);
    return root;
}

static void test_deep_nesting(void **state)
{
    (void)state;
    cJSON *b = nested_chain(990, "base"), *o = nested_chain(990, "ours");
    cJSON *t = nested_chain(990, "theirs");
    json_merge_stats st;
    cJSON *r = merge_trees(b, o, t, &ALICE, &BOB_LATER, false, &st);
    assert_int_equal(st.conflicts, 1);
    /* Printed comparison: cJSON_Compare is exponential on deep objects. */
    char *got = print(r), *want = print(t);
    assert_string_equal(got, want);
    cJSON_free(got);
    cJSON_free(want);
    cJSON_Delete(r);
    cJSON_Delete(b);
    cJSON_Delete(o);
    cJSON_Delete(t);
}

static void test_wide_object_merges_fast(void **state)
{
    (void)state;
    enum { KEYS = 20000 };
    cJSON *o = cJSON_CreateObject(), *t = cJSON_CreateObject();
    for (int i = 0; i < KEYS; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        cJSON_AddNumberToObject(o, key, i);
        cJSON_AddNumberToObject(t, key, i % 2 ? i : -i);
    }
    clock_t start = clock();
    json_merge_stats st;
    cJSON *r = merge_trees(NULL, o, t, &ALICE, &BOB_LATER, false, &st);
    double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    assert_int_equal(st.conflicts, KEYS / 2 - 1); /* k0: 0 == -0 */
    assert_int_equal(cJSON_GetArraySize(r), KEYS);
    assert_true(secs < 1.0);
    cJSON_Delete(r);
    cJSON_Delete(o);
    cJSON_Delete(t);
}

static void test_missing_result_pointer_is_einval(void **state)
{
    (void)state;
    cJSON *o = parse("{}");
    errno = 0;
    assert_int_equal(json_merge3(NULL, o, o, NULL, NULL, true, NULL, NULL), -1);
    assert_int_equal(errno, EINVAL);
    cJSON *r = NULL;
    assert_int_equal(json_merge3(NULL, o, o, NULL, NULL, true, &r, NULL), 0);
    assert_printed(r, "{}");
    cJSON_Delete(r);
    cJSON_Delete(o);
}


/* ---------- the shared plan: steps by id, field by field ---------- */

#define STEP(id, due, done) \
    "{\"id\":\"" id "\",\"owner\":\"buyer\",\"text\":\"" id "\",\"due\":" due \
    ",\"done\":" done ",\"evidence\":\"\"}"
#define PLAN_DEAL(steps) "{\"id\":\"acme-7f3a9c\",\"plan\":[" steps "],\"log\":[]}"

/* Two teammates tick different steps offline: both stay ticked, no conflict,
 * and both clones of the merge write the same plan. */
static void test_plan_different_steps_both_ticked(void **state)
{
    (void)state;
    const char *base = PLAN_DEAL(STEP("p111111", "\"2027-01-10\"", "null") ","
                                 STEP("p222222", "\"2027-01-20\"", "null"));
    const char *alice = PLAN_DEAL(STEP("p111111", "\"2027-01-10\"", "\"2027-01-08\"") ","
                                  STEP("p222222", "\"2027-01-20\"", "null"));
    const char *bob = PLAN_DEAL(STEP("p111111", "\"2027-01-10\"", "null") ","
                                STEP("p222222", "\"2027-01-20\"", "\"2027-01-09\""));
    const char *both = PLAN_DEAL(STEP("p111111", "\"2027-01-10\"", "\"2027-01-08\"") ","
                                 STEP("p222222", "\"2027-01-20\"", "\"2027-01-09\""));
    json_merge_stats st;
    cJSON *r = merge_text(base, alice, bob, &ALICE, &BOB_LATER, true, &st);
    assert_json_equal(r, both);
    assert_int_equal(st.conflicts, 0);
    char *one = print(r);
    cJSON_Delete(r);
    r = merge_text(base, bob, alice, &BOB_LATER, &ALICE, true, &st);
    char *other = print(r);
    assert_string_equal(one, other);
    cJSON_free(one);
    cJSON_free(other);
    cJSON_Delete(r);
}

/* Steps added on both sides are all kept, in the plan's order (due date,
 * undated last, then id); a step one side removed stays removed. */
static void test_plan_added_both_sides_removed_one(void **state)
{
    (void)state;
    const char *base = PLAN_DEAL(STEP("p111111", "\"2027-01-10\"", "null") ","
                                 STEP("p222222", "\"2027-01-20\"", "null"));
    const char *alice = PLAN_DEAL(STEP("p111111", "\"2027-01-10\"", "null") ","
                                  STEP("p222222", "\"2027-01-20\"", "null") ","
                                  STEP("paaaaaa", "null", "null"));
    const char *bob = PLAN_DEAL(STEP("p999999", "\"2027-01-05\"", "null") ","
                                STEP("p222222", "\"2027-01-20\"", "null"));
    json_merge_stats st;
    cJSON *r = merge_text(base, alice, bob, &ALICE, &BOB_LATER, true, &st);
    assert_json_equal(r, PLAN_DEAL(STEP("p999999", "\"2027-01-05\"", "null") ","
                                   STEP("p222222", "\"2027-01-20\"", "null") ","
                                   STEP("paaaaaa", "null", "null")));
    assert_int_equal(st.conflicts, 0);
    cJSON_Delete(r);
}

/* The same step ticked on both sides on different days: the later commit's
 * day, whichever side merges, and one conflict entry naming the step. */
static void test_plan_same_step_conflict(void **state)
{
    (void)state;
    const char *base = PLAN_DEAL(STEP("p111111", "\"2027-01-10\"", "null"));
    const char *alice = PLAN_DEAL(STEP("p111111", "\"2027-01-10\"", "\"2027-01-08\""));
    const char *bob = PLAN_DEAL(STEP("p111111", "\"2027-01-10\"", "\"2027-01-09\""));
    for (int side = 0; side < 2; side++) {
        json_merge_stats st;
        cJSON *r = side ? merge_text(base, bob, alice, &BOB_LATER, &ALICE, true, &st)
                        : merge_text(base, alice, bob, &ALICE, &BOB_LATER, true, &st);
        const cJSON *step = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r, "plan"), 0);
        assert_string_equal(string_field(step, "done"), "2027-01-09");   /* Bob's: later */
        assert_int_equal(st.conflicts, 1);
        assert_int_equal(count_kind(r, "conflict"), 1);
        assert_string_equal(string_field(first_of_kind(r, "conflict"), "text"),
                            "plan[p111111].done: kept \"2027-01-09\" (Bob, later) over "
                            "\"2027-01-08\" (Alice)");
        cJSON_Delete(r);
    }
}

/* ---------- entry point ---------- */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_change),
        cmocka_unit_test(test_plan_different_steps_both_ticked),
        cmocka_unit_test(test_plan_added_both_sides_removed_one),
        cmocka_unit_test(test_plan_same_step_conflict),
        cmocka_unit_test(test_one_side_change),
        cmocka_unit_test(test_different_fields_both_survive),
        cmocka_unit_test(test_same_field_same_value),
        cmocka_unit_test(test_conflict_later_commit_wins),
        cmocka_unit_test(test_conflict_tie_is_deterministic),
        cmocka_unit_test(test_reference_asks_union_ready_later_wins),
        cmocka_unit_test(test_same_triple_twice_identical),
        cmocka_unit_test(test_conflict_not_logged_twice),
        cmocka_unit_test(test_record_conflicts_false_leaves_no_log),
        cmocka_unit_test(test_conflict_creates_log_when_absent),
        cmocka_unit_test(test_list_keys),
        cmocka_unit_test(test_pipeline_conflict_kept_in_conflicts),
        cmocka_unit_test(test_pipeline_conflict_recorded_once),
        cmocka_unit_test(test_pipeline_acknowledged_conflict_stays_removed),
        cmocka_unit_test(test_pipeline_new_entries_on_both_sides_union),
        cmocka_unit_test(test_conflicts_key_special_only_in_pipeline),
        cmocka_unit_test(test_stages_merge_by_id),
        cmocka_unit_test(test_stages_with_other_ids_are_one_value),
        cmocka_unit_test(test_other_arrays_and_type_changes_are_scalars),
        cmocka_unit_test(test_nested_object_fieldwise),
        cmocka_unit_test(test_key_removed_on_one_side),
        cmocka_unit_test(test_unknown_keys_kept_from_both_sides),
        cmocka_unit_test(test_log_union_by_id_ordered),
        cmocka_unit_test(test_log_entry_deleted_on_one_side_comes_back),
        cmocka_unit_test(test_log_same_id_edited_on_both_sides),
        cmocka_unit_test(test_log_entries_without_id),
        cmocka_unit_test(test_big_logs_merge_fast),
        cmocka_unit_test(test_tags_set_merge),
        cmocka_unit_test(test_delete_vs_edit),
        cmocka_unit_test(test_delete_vs_unchanged),
        cmocka_unit_test(test_added_on_both_sides_without_base),
        cmocka_unit_test(test_non_object_root),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_wide_object_merges_fast),
        cmocka_unit_test(test_missing_result_pointer_is_einval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
