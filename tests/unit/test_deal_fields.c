/* Generated from the field table (pipeline/deal_fields.h): every field,
 * changed on its own, round-trips through the codec, the load cache (full
 * and light), CSV export and import, the JSON merge (changed on one side,
 * on both) and show --json's object. A new row is tested without a line
 * here; a kind this file does not know fails loudly. */
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../cli/deal_view.h"
#include "../../pipeline/config.h"
#include "../../pipeline/csv_map.h"
#include "../../pipeline/deal_fields.h"
#include "../../pipeline/forecast.h"
#include "../../pipeline/util.h"
#include "../../store/cache.h"
#include "../../store/codec.h"
#include "../../store/json_merge.h"

static char dir[64];
static pipeline_cfg cfg;

/* ---- deals made from the table ---- */

static db_day day_of(const char *text)
{
    db_day d = DAY_NONE;
    assert_true(date_parse(text, &d));
    return d;
}

/* Variant 0 is the base deal's value; 1 and 2 are two different changes. */
static void clear_evidence(deal *d)
{
    for (size_t i = 0; i < d->nevidence; i++) {
        free(d->evidence[i].id);
        free(d->evidence[i].stage);
        for (size_t k = 0; k < d->evidence[i].nseen; k++)
            free(d->evidence[i].seen[k]);
        free(d->evidence[i].seen);
    }
    d->nevidence = 0;
}

/* Drops the deal's reference asks (set_sample sets them afresh). */
static void deal_free_reference_for_test(deal *d)
{
    for (size_t i = 0; i < d->reference.nasks; i++) {
        free(d->reference.asks[i].id);
        free(d->reference.asks[i].for_deal);
    }
    free(d->reference.asks);
    d->reference = (deal_reference){0};
}

static void clear_people(deal *d)
{
    while (d->npeople)
        deal_remove_person(d, 0);
}

static void set_sample(deal *d, deal_field f, int variant)
{
    static const char *const stages[] = {"define", "explore", "evaluate"};
    static const char *const ids[] = {"acme-rollout-7f3a9c", "acme-other-1a2b3c",
                                      "acme-third-4d5e6f"};
    const deal_field_def *def = &deal_fields[f];
    char text[96];
    switch (def->kind) {
    case FK_TEXT:
        snprintf(text, sizeof text, "%s %d \"ü\"", def->key, variant);
        deal_set_str(deal_field_text(d, f),
                     f == DF_ID ? ids[variant] : f == DF_STAGE ? stages[variant] : text);
        break;
    case FK_DATE: *deal_field_day(d, f) = day_of("2027-01-01") + 40 * variant + (db_day)f; break;
    case FK_MONEY: *deal_field_money(d, f) = 48000 + 1111 * variant; break;
    case FK_COUNT: *deal_field_count(d, f) = 1 + variant; break;
    case FK_STATUS: *deal_field_status(d, f) = variant ? STATUS_LOST - (variant - 1) : STATUS_OPEN;
        break;
    case FK_TAGS:
        for (size_t i = 0; i < d->ntags; i++)
            free(d->tags[i]);
        d->ntags = 0;
        deal_add_tag(d, "base");
        if (variant)
            deal_add_tag(d, variant == 1 ? "one tag" : "two");
        break;
    case FK_LOG:
        deal_add_log(d, "00000001", "2027-01-01T10:00:00Z", "Sam", "note", "first");
        if (variant)
            deal_add_log(d, variant == 1 ? "00000011" : "00000022", "2027-01-02T10:00:00Z",
                         "Sam", "touch", variant == 1 ? "one" : "two");
        break;
    case FK_PLAN:                      /* text with what the CSV cell escapes */
        while (d->nplan)
            deal_remove_plan_step(d, d->nplan - 1);
        deal_add_plan_step(d, "p000001", PLAN_BUYER, "Security review; \\ok\nsigned",
                           day_of("2027-01-10"), DAY_NONE, NULL);
        if (variant)
            deal_add_plan_step(d, variant == 1 ? "p000011" : "p000022",
                               variant == 1 ? PLAN_US : PLAN_BUYER, variant == 1 ? "one" : "two",
                               DAY_NONE, day_of("2027-01-03"), "the CFO said so");
        break;
    case FK_EVIDENCE:                  /* text with what the CSV cell escapes */
        clear_evidence(d);
        exit_record_add_seen(deal_add_exit_record(d, "e000001", "recognize", day_of("2027-01-05")),
                             "the buyer said; \\it costs\nthem");
        if (variant) {
            exit_record *r = deal_add_exit_record(d, variant == 1 ? "e000011" : "e000022",
                                                  "define", day_of("2027-01-09"));
            exit_record_add_seen(r, variant == 1 ? "one" : "two");
            exit_record_add_seen(r, "a number on the impact");
        }
        break;
    case FK_REFERENCE:                 /* text with what the CSV cell escapes */
        deal_free_reference_for_test(d);
        deal_add_reference_ask(d, "a000001", day_of("2027-01-04"), "other; \\deal");
        d->reference.ready = variant != 0;
        if (variant)
            deal_add_reference_ask(d, variant == 1 ? "a000011" : "a000022",
                                   day_of("2027-01-06"), variant == 1 ? "one" : "two");
        break;
    case FK_PEOPLE:                    /* text with what the CSV cell escapes */
        clear_people(d);
        deal_add_person(d, "h000001", "Ana; \\Ruiz\nCFO", "decision-maker", "keen", DAY_NONE);
        if (variant)
            deal_add_person(d, variant == 1 ? "h000011" : "h000022", variant == 1 ? "Bo" : "Cy",
                            "champion", "", day_of("2027-01-09"));
        break;
    default: fail_msg("%s: a kind this test does not know", def->key);
    }
}

/* Every field at variant 0, `changed` at `variant`; every group present. */
static void make_deal(deal *d, int changed, int variant)
{
    deal_init(d);
    for (int f = 0; f < DF_COUNT; f++)
        set_sample(d, (deal_field)f, f == changed ? variant : 0);
    d->moved_on = true;
}

static bool same_field(const deal *a, const deal *b, deal_field f)
{
    switch (deal_fields[f].kind) {
    case FK_TEXT: return str_eq(deal_field_text_of(a, f), deal_field_text_of(b, f));
    case FK_DATE: return deal_field_day_of(a, f) == deal_field_day_of(b, f);
    case FK_MONEY: return *deal_field_money((deal *)a, f) == *deal_field_money((deal *)b, f);
    case FK_COUNT: return *deal_field_count((deal *)a, f) == *deal_field_count((deal *)b, f);
    case FK_STATUS: return *deal_field_status((deal *)a, f) == *deal_field_status((deal *)b, f);
    case FK_TAGS:
        if (a->ntags != b->ntags)
            return false;
        for (size_t i = 0; i < a->ntags; i++)
            if (!str_eq(a->tags[i], b->tags[i]))
                return false;
        return true;
    case FK_LOG:
        if (a->nlog != b->nlog)
            return false;
        for (size_t i = 0; i < a->nlog; i++)
            if (!str_eq(a->log[i].id, b->log[i].id) || !str_eq(a->log[i].text, b->log[i].text))
                return false;
        return true;
    case FK_PLAN:
        if (a->nplan != b->nplan)
            return false;
        for (size_t i = 0; i < a->nplan; i++) {
            const plan_entry *x = &a->plan[i], *y = &b->plan[i];
            if (!str_eq(x->id, y->id) || x->owner != y->owner || !str_eq(x->text, y->text) ||
                x->due != y->due || x->done != y->done ||
                !str_eq(x->evidence ? x->evidence : "", y->evidence ? y->evidence : ""))
                return false;
        }
        return true;
    case FK_EVIDENCE:
        if (a->nevidence != b->nevidence)
            return false;
        for (size_t i = 0; i < a->nevidence; i++) {
            const exit_record *x = &a->evidence[i], *y = &b->evidence[i];
            if (!str_eq(x->id, y->id) || !str_eq(x->stage, y->stage) || x->date != y->date ||
                x->nseen != y->nseen)
                return false;
            for (size_t k = 0; k < x->nseen; k++)
                if (!str_eq(x->seen[k], y->seen[k]))
                    return false;
        }
        return true;
    case FK_REFERENCE:
        if (a->reference.present != b->reference.present ||
            a->reference.ready != b->reference.ready || a->reference.nasks != b->reference.nasks)
            return false;
        for (size_t i = 0; i < a->reference.nasks; i++) {
            const reference_ask *x = &a->reference.asks[i], *y = &b->reference.asks[i];
            if (!str_eq(x->id, y->id) || x->at != y->at || !str_eq(x->for_deal, y->for_deal))
                return false;
        }
        return true;
    case FK_PEOPLE:
        if (a->npeople != b->npeople)
            return false;
        for (size_t i = 0; i < a->npeople; i++) {
            const person *x = &a->people[i], *y = &b->people[i];
            if (!str_eq(x->id, y->id) || !str_eq(x->name, y->name) || !str_eq(x->role, y->role) ||
                !str_eq(x->stance, y->stance) || x->last_contact != y->last_contact)
                return false;
        }
        return true;
    default: return false;
    }
}

static void expect_same(const deal *got, const deal *want, deal_field f, const char *through)
{
    if (!same_field(got, want, f))
        fail_msg("%s: changed, but not the same after %s", deal_fields[f].key, through);
}

/* ---- codec ---- */

static void parse_text(const char *text, deal *out)
{
    db_err err = {0};
    if (codec_parse_deal(text, strlen(text), "test.json", out, &err))
        fail_msg("parse: %s", err.msg);
}

static void test_codec(void **state)
{
    (void)state;
    deal base;
    make_deal(&base, -1, 0);
    char *base_text = codec_format_deal(&base);
    for (int f = 0; f < DF_COUNT; f++) {
        deal d, got;
        make_deal(&d, f, 1);
        char *text = codec_format_deal(&d), *tree = codec_format_deal_tree(&d);
        if (str_eq(text, base_text))
            fail_msg("%s: a change is not written", deal_fields[f].key);
        assert_string_equal(text, tree);
        parse_text(text, &got);
        for (int g = 0; g < DF_COUNT; g++)
            expect_same(&got, &d, (deal_field)g, "the codec");
        char *again = codec_format_deal(&got);
        assert_string_equal(again, text);            /* byte-identical rewrite */
        free(again);
        free(text);
        free(tree);
        deal_free(&got);
        deal_free(&d);
    }
    free(base_text);
    deal_free(&base);
}

/* ---- load cache ---- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static bool cache_round_trip(const deal *d, cache_mode mode, deal *out, deal_list *holder)
{
    char *cd = xasprintf("%s/cache.d", dir);
    file_key k = {7, 500, 1000, 0, 1000, 0};      /* 1970: never "racy" */
    deal_cache *c = cache_open(cd, CACHE_FULL);
    cache_begin_shard(c, "9c", NULL);
    cache_put(c, d->id, &k, d);
    cache_end_shard(c);
    cache_close(c, true, NULL, NULL);
    c = cache_open(cd, mode);
    cache_begin_shard(c, "9c", NULL);
    bool hit = cache_take(c, d->id, &k, out);
    cache_end_shard(c);
    cache_close(c, true, &holder->backing, &holder->backing_free);
    nftw(cd, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(cd);
    return hit;
}

static void test_cache(void **state)
{
    (void)state;
    for (int f = 0; f < DF_COUNT; f++) {
        deal d, full, light;
        deal_list holder = {0};
        make_deal(&d, f, 1);
        assert_true(cache_round_trip(&d, CACHE_FULL, &full, &holder));
        for (int g = 0; g < DF_COUNT; g++)
            expect_same(&full, &d, (deal_field)g, "a full cache load");
        assert_true(cache_round_trip(&d, CACHE_LIGHT, &light, &holder));
        assert_true(light.partial);
        for (int g = 0; g < DF_COUNT; g++) {
            const deal_field_def *def = &deal_fields[g];
            if (deal_field_carried(&light, (deal_field)g))
                expect_same(&light, &d, (deal_field)g, "a light cache load");
            else if (def->kind == FK_TEXT)      /* not carried: absent, never stale */
                assert_null(deal_field_text_of(&light, (deal_field)g));
            if (def->light == LIGHT_SAYS)
                assert_true(deal_field_says(&light, (deal_field)g) ==
                            deal_field_says(&d, (deal_field)g));
        }
        assert_int_equal(light.nlog, 0);
        deal_free(&light);
        deal_free(&full);
        deal_list_free(&holder);
        deal_free(&d);
    }
}

/* ---- CSV ---- */

static void test_csv(void **state)
{
    (void)state;
    const char *header[CSV_FIELD_COUNT];
    for (int c = 0; c < CSV_FIELD_COUNT; c++)
        header[c] = csv_field_name((csv_field)c);
    edit_ctx ctx = {"Sam", day_of("2027-01-05"), 1800000000};
    for (int f = 0; f < DF_COUNT; f++) {
        if (!deal_fields[f].csv || f == DF_ID)      /* the id picks the deal, not a change */
            continue;
        deal d, target;
        make_deal(&d, f, 1);
        make_deal(&target, -1, 0);
        char *cells[CSV_FIELD_COUNT];
        csv_deal_cells(&d, cells);
        csv_mapping m;
        csv_row row;
        db_err err = {0};
        assert_int_equal(csv_mapping_build(&m, header, CSV_FIELD_COUNT, NULL, 0, &err), 0);
        if (csv_row_read(&cfg, &m, (const char *const *)cells, CSV_FIELD_COUNT, &row, &err))
            fail_msg("%s: %s", deal_fields[f].key, err.msg);
        char *changed = csv_row_update(&cfg, &ctx, &row, &target, "t.csv");
        if (!changed || !strstr(changed, deal_fields[f].csv))
            fail_msg("%s: import saw changes '%s'", deal_fields[f].key, changed ? changed : "");
        expect_same(&target, &d, (deal_field)f, "CSV export and import");
        free(changed);
        csv_mapping_free(&m);
        csv_cells_free(cells);
        deal_free(&target);
        deal_free(&d);
    }
}

/* ---- merge ---- */

static deal merged_deal(int f, int ours, int theirs, int *conflicts)
{
    deal b, o, t, got;
    make_deal(&b, f, 0);
    make_deal(&o, f, ours);
    make_deal(&t, f, theirs);
    cJSON *jb = codec_deal_to_cjson(&b), *jo = codec_deal_to_cjson(&o),
          *jt = codec_deal_to_cjson(&t), *result = NULL;
    json_merge_side os = {"Ann", 100}, ts = {"Bob", 200};    /* theirs is later */
    json_merge_stats stats = {0};
    assert_int_equal(json_merge3(jb, jo, jt, &os, &ts, JSON_MERGE_DEAL_LOG, &result, &stats), 0);
    db_err err = {0};
    if (codec_deal_from_cjson(result, "merged.json", &got, &err))
        fail_msg("%s: merged deal: %s", deal_fields[f].key, err.msg);
    *conflicts = stats.conflicts;
    cJSON_Delete(jb);
    cJSON_Delete(jo);
    cJSON_Delete(jt);
    cJSON_Delete(result);
    deal_free(&b);
    deal_free(&o);
    deal_free(&t);
    return got;
}

static void test_merge(void **state)
{
    (void)state;
    for (int f = 0; f < DF_COUNT; f++) {
        int conflicts;
        deal one_side, both, want;
        one_side = merged_deal(f, 1, 0, &conflicts);     /* ours changed it */
        make_deal(&want, f, 1);
        expect_same(&one_side, &want, (deal_field)f, "a merge changed on one side");
        assert_int_equal(conflicts, 0);
        deal_free(&want);
        both = merged_deal(f, 1, 2, &conflicts);         /* both, differently */
        switch (deal_kind_merge(deal_fields[f].kind)) {
        case MERGE_LATER_WINS:
            make_deal(&want, f, 2);
            expect_same(&both, &want, (deal_field)f, "a merge changed on both sides");
            assert_int_equal(conflicts, 1);
            deal_free(&want);
            break;
        case MERGE_SET_UNION:                            /* base, "one tag", "two" */
            assert_int_equal(both.ntags, 3);
            assert_int_equal(conflicts, 0);
            break;
        case MERGE_UNION_BY_ID:                          /* the first entry and both new ones */
            assert_int_equal(both.nlog, 3);
            assert_int_equal(conflicts, 0);
            break;
        case MERGE_STEPS_BY_ID:                          /* the first step and both new ones */
            assert_int_equal(deal_fields[f].kind == FK_PLAN       ? both.nplan
                             : deal_fields[f].kind == FK_EVIDENCE ? both.nevidence
                                                                  : both.npeople,
                             3);
            assert_int_equal(conflicts, 0);
            break;
        case MERGE_REFERENCE:                            /* both made it ready; every ask */
            assert_int_equal(both.reference.nasks, 3);
            assert_true(both.reference.ready);
            assert_int_equal(conflicts, 0);
            break;
        }
        deal_free(&both);
        deal_free(&one_side);
    }
}

/* ---- show --json ---- */

static void test_show_json(void **state)
{
    (void)state;
    for (int f = 0; f < DF_COUNT; f++) {
        deal d, got;
        make_deal(&d, f, 1);
        cJSON *view = deal_view_json(&cfg, &d, day_of("2027-01-05"));
        db_err err = {0};
        if (codec_deal_from_cjson(view, "show.json", &got, &err))
            fail_msg("%s: show --json: %s", deal_fields[f].key, err.msg);
        expect_same(&got, &d, (deal_field)f, "show --json");
        cJSON_Delete(view);
        deal_free(&got);
        deal_free(&d);
    }
}

/* ---- light deals ---- */

/* Whether forecast_closed_on(d) stops the program (run in a child). */
static bool closed_on_aborts(const deal *d)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);                        /* the words are for people, not this test */
        forecast_closed_on(d);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

/* A report that needs the log never reads a light deal's missing log as
 * "no log": the closing day of a deal closed a month ago would silently be
 * its stage_entered day instead. */
static void test_light_deal_fails_loudly(void **state)
{
    (void)state;
    deal d;
    make_deal(&d, -1, 0);
    *deal_field_status(&d, DF_STATUS) = STATUS_WON;
    deal_add_log(&d, "00000002", "2027-02-03T10:00:00Z", "Sam", "status", "Won");
    assert_int_equal(forecast_closed_on(&d), day_of("2027-02-03"));
    assert_false(closed_on_aborts(&d));
    deal_make_light(&d);
    assert_false(deal_field_carried(&d, DF_LOG));
    assert_true(closed_on_aborts(&d));
    deal_free(&d);
}

/* ---- the table itself ---- */

static void test_table(void **state)
{
    (void)state;
    for (int f = 0; f < DF_COUNT; f++) {
        const deal_field_def *def = &deal_fields[f];
        assert_non_null(def->key);
        assert_true(def->kind < FIELD_KINDS);
        if (def->group == DG_TOP)
            assert_int_equal(deal_field_by_key(def->key), f);
        csv_field c;
        if (def->csv)                                   /* a column reads back as its field */
            assert_true(csv_field_by_name(def->csv, &c) && str_eq(csv_field_name(c), def->csv));
    }
}

static int setup(void **state)
{
    (void)state;
    config_init_defaults(&cfg);
    config_default_stages(&cfg);
    snprintf(dir, sizeof dir, "/tmp/db-test-fields-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    config_free(&cfg);
    return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),    cmocka_unit_test(test_codec),
        cmocka_unit_test(test_cache),    cmocka_unit_test(test_csv),
        cmocka_unit_test(test_merge),    cmocka_unit_test(test_show_json),
        cmocka_unit_test(test_light_deal_fails_loudly),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
