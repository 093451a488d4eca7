/* The shard load cache on its own: what a light, light+view and full take
 * give back, identity checks, damaged files and shards that disappear. */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../pipeline/forecast.h"
#include "../../pipeline/reference.h"
#include "../../pipeline/touches.h"
#include "../../pipeline/util.h"
#include "../../store/cache.h"
#include "../../store/fsutil.h"

static char dir[64];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/db-test-cache-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *cache_dir(void) { return fs_join(dir, "cache.d"); }

/* A deal old enough to be cached, with a log and every text field. */
static void sample(deal *d, const char *id)
{
    deal_init(d);
    deal_set_str(&d->id, id);
    deal_set_str(&d->title, "Acme \"rollout\"");
    deal_set_str(&d->stage, "define");
    deal_set_str(&d->owner, "Sam");
    deal_set_str(&d->status_quo, "Spreadsheets");
    deal_set_str(&d->insight, "");
    deal_set_str(&d->persona, "CFO");
    deal_set_str(&d->champion, "Ana");
    deal_add_tag(d, "inbound");
    deal_add_log(d, "0001", "2026-01-01T10:00:00Z", "Sam", "note", "first call");
    d->value = 1234;
    d->created = 100;
}

static file_key key_of(uint64_t ino)
{
    file_key k = {ino, 500, 1000, 0, 1000, 0};     /* 1970: never "racy" */
    return k;
}

static void write_one(const char *shard, const deal *d, uint64_t ino)
{
    char *cd = cache_dir();
    deal_cache *c = cache_open(cd, CACHE_FULL);
    file_key k = key_of(ino);
    cache_begin_shard(c, shard, NULL);
    cache_put(c, d->id, &k, d);
    cache_end_shard(c);
    cache_close(c, true, NULL, NULL);
    free(cd);
}

/* Takes id from shard in mode; returns whether it hit. */
static bool take_key(cache_mode mode, const char *shard, const char *id, file_key k, deal *out,
                     deal_list *holder)
{
    char *cd = cache_dir();
    deal_cache *c = cache_open(cd, mode);
    cache_begin_shard(c, shard, NULL);
    bool hit = cache_take(c, id, &k, out);
    cache_end_shard(c);
    cache_close(c, true, &holder->backing, &holder->backing_free);
    free(cd);
    return hit;
}

static bool take_one(cache_mode mode, const char *shard, const char *id, uint64_t ino, deal *out,
                     deal_list *holder)
{
    return take_key(mode, shard, id, key_of(ino), out, holder);
}

/* A log entry's "dir" in the full record; the touch summary the quiet rule
 * needs (SPEC §9) in the light one, where the log is not. */
static void test_touches_in_both_records(void **state)
{
    (void)state;
    deal d, got;
    deal_list holder = {0};
    sample(&d, "acme-b3");
    deal_set_str(&deal_add_log(&d, "0002", "2026-01-05T10:00:00Z", "Sam", "touch", "in")->dir,
                 "in");
    deal_set_str(&deal_add_log(&d, "0003", "2026-01-09T10:00:00Z", "Sam", "touch", "out")->dir,
                 "out");
    deal_add_log(&d, "0004", "2026-01-12T10:00:00Z", "Sam", "touch", "older: no dir");
    write_one("b3", &d, 9);

    assert_true(take_one(CACHE_LIGHT, "b3", "acme-b3", 9, &got, &holder));
    assert_int_equal(got.nlog, 0);
    touch_summary t = deal_touches(&got);
    assert_int_equal(t.last_in, date_from_ymd(2026, 1, 5));
    assert_int_equal(t.first_unanswered, date_from_ymd(2026, 1, 9));
    assert_int_equal(t.unanswered, 2);
    deal_free(&got);

    assert_true(take_one(CACHE_FULL, "b3", "acme-b3", 9, &got, &holder));
    assert_int_equal(got.nlog, 4);
    assert_null(got.log[0].dir);
    assert_string_equal(got.log[1].dir, "in");
    assert_string_equal(got.log[2].dir, "out");
    assert_null(got.log[3].dir);
    deal_free(&got);
    deal_free(&d);
    deal_list_free(&holder);
}

static void test_light_full_view(void **state)
{
    (void)state;
    deal d, got;
    deal_list holder = {0};
    sample(&d, "acme-a1");
    write_one("a1", &d, 7);

    assert_true(take_one(CACHE_LIGHT, "a1", "acme-a1", 7, &got, &holder));
    assert_true(got.partial);
    assert_string_equal(got.title, "Acme \"rollout\"");
    assert_null(got.status_quo);              /* the rules need only whether it says anything */
    assert_true(deal_has_status_quo(&got));
    assert_false(deal_has_insight(&got));
    assert_true(deal_has_status_quo(&got) == deal_has_status_quo(&d));
    assert_true(deal_has_insight(&got) == deal_has_insight(&d));
    assert_null(got.persona);
    assert_int_equal(got.nlog, 0);
    assert_int_equal(got.ntags, 1);
    assert_int_equal(got.value, 1234);
    assert_null(got.view_json);
    deal_free(&got);

    assert_true(take_one(CACHE_FULL, "a1", "acme-a1", 7, &got, &holder));
    assert_false(got.partial);
    assert_string_equal(got.status_quo, "Spreadsheets");
    assert_string_equal(got.insight, "");
    assert_string_equal(got.persona, "CFO");
    assert_int_equal(got.nlog, 1);
    assert_string_equal(got.log[0].text, "first call");
    deal_free(&got);

    assert_true(take_one(CACHE_LIGHT_VIEW, "a1", "acme-a1", 7, &got, &holder));
    strbuf expect = {0};
    cache_render_view(&expect, &d);
    assert_non_null(got.view_json);
    assert_int_equal(got.view_json_len, expect.len);
    assert_memory_equal(got.view_json, expect.data, expect.len);
    assert_non_null(holder.backing);               /* the mapping outlives the cache */
    deal_free(&got);
    deal_list_free(&holder);
    sb_free(&expect);
    deal_free(&d);
}

static void test_identity_and_damage(void **state)
{
    (void)state;
    deal d, got;
    deal_list holder = {0};
    sample(&d, "acme-a1");
    write_one("a1", &d, 7);
    assert_false(take_one(CACHE_LIGHT, "a1", "acme-a1", 8, &got, &holder));  /* other inode */
    assert_false(take_one(CACHE_LIGHT, "a1", "other-a1", 7, &got, &holder));
    /* The failed takes above dropped the entry: the shard holds nothing now. */
    assert_false(take_one(CACHE_LIGHT, "a1", "acme-a1", 7, &got, &holder));

    write_one("a1", &d, 7);
    char *cd = cache_dir(), *path = fs_join(cd, "a1");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size - 1), 0);
    assert_false(take_one(CACHE_LIGHT, "a1", "acme-a1", 7, &got, &holder));

    write_one("a1", &d, 7);
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    fseek(fp, -2, SEEK_END);                       /* in the view text */
    fputc('#', fp);
    fclose(fp);
    assert_true(take_one(CACHE_LIGHT, "a1", "acme-a1", 7, &got, &holder));  /* light is intact */
    deal_free(&got);
    assert_false(take_one(CACHE_LIGHT_VIEW, "a1", "acme-a1", 7, &got, &holder));
    free(path);
    free(cd);
    deal_free(&d);
}

static void test_unseen_shards_removed(void **state)
{
    (void)state;
    deal d;
    sample(&d, "acme-a1");
    write_one("a1", &d, 7);
    deal_set_str(&d.id, "acme-b2");
    write_one("b2", &d, 9);                        /* a1 was not seen: removed */
    char *cd = cache_dir(), *a1 = fs_join(cd, "a1"), *b2 = fs_join(cd, "b2");
    assert_int_not_equal(access(a1, F_OK), 0);
    assert_int_equal(access(b2, F_OK), 0);
    free(a1);
    free(b2);
    free(cd);
    deal_free(&d);
}

static void test_racy_not_cached(void **state)
{
    (void)state;
    deal d, got;
    deal_list holder = {0};
    sample(&d, "acme-a1");
    char *cd = cache_dir();
    deal_cache *c = cache_open(cd, CACHE_FULL);
    file_key k = key_of(7);
    k.mtime_s = (int64_t)time(NULL);               /* written just now */
    cache_begin_shard(c, "a1", NULL);
    cache_put(c, d.id, &k, &d);
    cache_end_shard(c);
    cache_close(c, true, NULL, NULL);
    free(cd);
    assert_false(take_key(CACHE_LIGHT, "a1", "acme-a1", k, &got, &holder));
    deal_free(&d);
}

/* A light deal's strings and tags live in one block, freed whole. */
static void test_light_one_block(void **state)
{
    (void)state;
    deal d, got;
    deal_list holder = {0};
    sample(&d, "acme-a1");
    deal_add_tag(&d, "renewal");
    deal_set_str(&d.next_text, "Call the CFO");
    write_one("a1", &d, 7);
    assert_true(take_one(CACHE_LIGHT, "a1", "acme-a1", 7, &got, &holder));
    assert_non_null(got.strings_block);
    assert_ptr_equal(got.tags, got.strings_block);  /* the tags array heads the block */
    assert_int_equal(got.ntags, 2);
    assert_string_equal(got.tags[0], "inbound");
    assert_string_equal(got.tags[1], "renewal");
    assert_string_equal(got.id, "acme-a1");
    assert_string_equal(got.next_text, "Call the CFO");
    assert_null(got.currency);
    deal_free(&got);                               /* ASan: one free, nothing leaked */
    assert_null(got.strings_block);
    assert_null(got.title);
    assert_true(take_one(CACHE_FULL, "a1", "acme-a1", 7, &got, &holder));
    assert_null(got.strings_block);                /* whole deals own each string */
    deal_free(&got);
    deal_list_free(&holder);
    deal_free(&d);
}

/* The closed view's day and reason (pipeline/forecast.h) in the light
 * record, equal to what the whole deal's log says, in both kinds of take;
 * none for an open deal, and a close with nothing after "Lost" has none. */
static void expect_closing(const deal *d, const char *shard, uint64_t ino, db_day day,
                           const char *reason)
{
    write_one(shard, d, ino);
    char *whole_reason = forecast_closing_reason(d);
    assert_int_equal(forecast_closing_day(d), day);
    assert_string_equal(whole_reason, reason);
    free(whole_reason);
    cache_mode modes[] = {CACHE_LIGHT, CACHE_LIGHT_VIEW};
    for (size_t m = 0; m < 2; m++) {
        deal got;
        deal_list holder = {0};
        assert_true(take_one(modes[m], shard, d->id, ino, &got, &holder));
        assert_true(got.partial);
        assert_int_equal(got.nlog, 0);
        char *light_reason = forecast_closing_reason(&got);
        assert_int_equal(forecast_closing_day(&got), day);
        assert_string_equal(light_reason, reason);
        free(light_reason);
        deal_free(&got);
        deal_list_free(&holder);
    }
    deal light;
    deal_init(&light);                  /* the board's way: a whole deal made light */
    deal_set_str(&light.id, d->id);
    deal_set_str(&light.title, d->title);
    deal_set_str(&light.stage, d->stage);
    light.status = d->status;
    light.created = d->created;
    light.stage_entered = d->stage_entered;
    for (size_t i = 0; i < d->nlog; i++)
        deal_add_log(&light, d->log[i].id, d->log[i].at, d->log[i].by, d->log[i].kind,
                     d->log[i].text);
    deal_make_light(&light);
    char *made_reason = forecast_closing_reason(&light);
    assert_int_equal(forecast_closing_day(&light), day);
    assert_string_equal(made_reason, reason);
    free(made_reason);
    deal_free(&light);
}

static void test_closing_in_light_record(void **state)
{
    (void)state;
    deal d;
    sample(&d, "acme-c1");
    d.stage_entered = date_from_ymd(2026, 2, 1);
    expect_closing(&d, "c1", 11, date_from_ymd(2026, 2, 1), "");      /* open: its stage entry */
    d.status = STATUS_WON;
    deal_add_log(&d, "0002", "2026-03-04T10:00:00Z", "Sam", "status", "Won: signed today");
    deal_add_log(&d, "0003", "2026-03-05T10:00:00Z", "Sam", "note", "party");
    expect_closing(&d, "c1", 12, date_from_ymd(2026, 3, 4), "signed today");
    d.status = STATUS_LOST;
    deal_add_log(&d, "0004", "2026-04-09T10:00:00Z", "Sam", "status", "Lost");
    expect_closing(&d, "c1", 13, date_from_ymd(2026, 4, 9), "");
    deal_add_log(&d, "0005", "2026-04-10T10:00:00Z", "Sam", "status", "Lost: went with Globex");
    expect_closing(&d, "c1", 14, date_from_ymd(2026, 4, 10), "went with Globex");
    deal_free(&d);
}

/* The first-mover mark's day (pipeline/reference.h) in the light record:
 * DAY_NONE before the buyer asks for references, the first ask's day after. */
static void expect_refs_wanted(const deal *d, uint64_t ino, db_day day)
{
    write_one("r1", d, ino);
    assert_int_equal(reference_first_wanted(d), day);
    deal got;
    deal_list holder = {0};
    assert_true(take_one(CACHE_LIGHT, "r1", d->id, ino, &got, &holder));
    assert_true(got.partial);
    assert_int_equal(reference_first_wanted(&got), day);
    deal_free(&got);
    deal_list_free(&holder);
}

static void test_refs_wanted_in_light_record(void **state)
{
    (void)state;
    deal d;
    sample(&d, "acme-r1");
    expect_refs_wanted(&d, 21, DAY_NONE);
    deal_add_log(&d, "0002", "2026-03-04T10:00:00Z", "Sam", REFERENCE_LOG_KIND,
                 "the buyer asked for references: globex");
    deal_add_log(&d, "0003", "2026-03-09T10:00:00Z", "Sam", REFERENCE_LOG_KIND,
                 "the buyer asked for references: initech");
    expect_refs_wanted(&d, 22, date_from_ymd(2026, 3, 4));
    deal_free(&d);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {T(test_light_full_view), T(test_touches_in_both_records),
                                       T(test_identity_and_damage),
                                       T(test_unseen_shards_removed), T(test_racy_not_cached),
                                       T(test_light_one_block), T(test_closing_in_light_record),
                                       T(test_refs_wanted_in_light_record)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
