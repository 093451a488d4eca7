/* The store on a real temporary repository: id paths, prefix resolution,
 * loading with problems reported, commits, history and undo. */
#include <dirent.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../pipeline/util.h"
#include "../../store/codec.h"
#include "../../store/fsutil.h"
#include "../../store/repo.h"

typedef struct {
    char dir[64];
    db_repo *repo;
} fixture;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void put(fixture *f, const char *rel, const char *text)
{
    char *path = fs_join(f->dir, rel);
    char *dir = xstrdup(path);
    *strrchr(dir, '/') = '\0';
    db_err err;
    assert_int_equal(fs_mkdir_p(dir, 0777, &err), 0);
    assert_int_equal(fs_write_atomic(path, text, strlen(text), 0644, &err), 0);
    free(dir);
    free(path);
}

static void put_deal(fixture *f, const char *id, const char *title)
{
    char *rel = repo_deal_relpath(id);
    char *text = xasprintf("{\"id\": \"%s\", \"title\": \"%s\", \"stage\": \"define\"}\n", id, title);
    repo_change change = {rel, text, strlen(text)};
    db_err err;
    if (repo_commit_changes(f->repo, &change, 1, "Fixture", &err) != 0)
        fail_msg("%s", err.msg);
    free(text);
    free(rel);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s/dealboard-unit-XXXXXX", "/tmp");
    if (!mkdtemp(f->dir))
        return -1;
    db_err err;
    if (repo_init(f->dir, NULL, NULL, 0, &err) != 0 || repo_open(f->dir, &f->repo, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    put_deal(f, "acme-rollout-7f3a9c", "Acme rollout");
    put_deal(f, "acme-renewal-12ab9c", "Acme renewal");
    put_deal(f, "beta-pilot-0cf143", "Beta pilot");
    put_deal(f, "ab", "Exact two-letter id");
    put_deal(f, "ab-longer-0000ab", "Longer id starting with ab");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    repo_close(f->repo);
    nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static void test_relpath(void **state)
{
    (void)state;
    char *rel = repo_deal_relpath("acme-rollout-7f3a9c");
    assert_string_equal(rel, "deals/9c/acme-rollout-7f3a9c.json");
    free(rel);
    assert_null(repo_deal_relpath("../etc/passwd"));
    assert_null(repo_deal_relpath("a/b"));
    assert_null(repo_deal_relpath(".."));
    assert_null(repo_deal_relpath("a"));
    assert_null(repo_deal_relpath(""));
}

static void resolves(fixture *f, const char *prefix, const char *expect)
{
    char *id = NULL;
    db_err err = {0};
    if (repo_resolve_id(f->repo, prefix, &id, &err) != 0)
        fail_msg("'%s' did not resolve: %s", prefix, err.msg);
    assert_string_equal(id, expect);
    free(id);
}

static void fails(fixture *f, const char *prefix, const char *needle)
{
    char *id = NULL;
    db_err err = {0};
    int rc = repo_resolve_id(f->repo, prefix, &id, &err);
    if (rc == 0)
        fail_msg("'%s' resolved to %s", prefix, id);
    assert_int_equal(rc, DB_EUSAGE);
    assert_null(id);
    if (!strstr(err.msg, needle))
        fail_msg("'%s': message lacks '%s': %s", prefix, needle, err.msg);
}

static void test_resolve(void **state)
{
    fixture *f = *state;
    resolves(f, "acme-rollout-7f3a9c", "acme-rollout-7f3a9c");
    resolves(f, "acme-ro", "acme-rollout-7f3a9c");
    resolves(f, "acme-re", "acme-renewal-12ab9c");
    resolves(f, "b", "beta-pilot-0cf143");
    resolves(f, "ab", "ab");                         /* exact beats longer ids */
    resolves(f, "ab-", "ab-longer-0000ab");
    fails(f, "acme", "ambiguous id, matches 2 deals: acme-renewal-12ab9c, acme-rollout-7f3a9c");
    fails(f, "a", "ambiguous id, matches 4 deals");
    fails(f, "gamma", "gamma: no deal has this id");
    fails(f, "acme-rollout-7f3a9c0", "no deal has this id");
    fails(f, "../acme", "invalid id");
    fails(f, "deals/9c/acme", "invalid id");
    fails(f, "ACME", "invalid id");
    fails(f, "", "invalid id");
    fails(f, NULL, "invalid id");
}

static void record(void *ud, const char *relpath, const char *why)
{
    sb_printf(ud, "%s: %s\n", relpath, why);
}

static void test_load_and_problems(void **state)
{
    fixture *f = *state;
    put(f, "deals/zz/broken-0000zz.json", "{\"id\": ");
    put(f, "deals/zz/not-here-000001.json", "{}");       /* wrong shard */
    put(f, "deals/9c/notes.txt", "not a deal");           /* ignored: not .json */
    deal_list deals = {0};
    strbuf problems = {0};
    db_err err = {0};
    assert_int_equal(repo_load_deals(f->repo, &deals, NULL, NULL, &err), 0);
    assert_int_equal(deals.count, 5);
    deal_list_free(&deals);

    assert_int_equal(repo_load_deals(f->repo, &deals, record, &problems, &err), 0);
    assert_int_equal(deals.count, 5);
    assert_non_null(strstr(problems.data, "deals/zz/broken-0000zz.json: line 1: malformed JSON"));
    assert_non_null(strstr(problems.data, "deals/zz/not-here-000001.json: file name is not a valid id"));
    assert_null(strstr(problems.data, "notes.txt"));
    sb_free(&problems);
    deal_list_free(&deals);

    deal d;
    assert_int_equal(repo_find_deal(f->repo, "beta", &d, &err), 0);
    assert_string_equal(d.title, "Beta pilot");
    deal_free(&d);
    assert_int_not_equal(repo_find_deal(f->repo, "broken", &d, &err), 0);
    assert_non_null(strstr(err.msg, "deals/zz/broken-0000zz.json: line 1: malformed JSON"));
}

/* The ids a load must return, in directory order: deals/ entries as
 * readdir gives them, each shard's files likewise (what a load visits,
 * however its threads share the shards). */
static void expected_order(fixture *f, strbuf *ids)
{
    char *deals = fs_join(f->dir, "deals");
    DIR *top = opendir(deals);
    assert_non_null(top);
    struct dirent *e;
    while ((e = readdir(top))) {
        if (e->d_name[0] == '.' || strlen(e->d_name) != 2)
            continue;
        char *shard = fs_join(deals, e->d_name);
        DIR *d = opendir(shard);
        struct dirent *g;
        while (d && (g = readdir(d))) {
            size_t n = strlen(g->d_name);
            if (n > 5 && strcmp(g->d_name + n - 5, ".json") == 0 &&
                strncmp(g->d_name, "broken", 6) != 0)
                sb_printf(ids, "%.*s\n", (int)(n - 5), g->d_name);
        }
        if (d)
            closedir(d);
        free(shard);
    }
    closedir(top);
    free(deals);
}

static size_t count_files(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

/* Many shards: the load shares them with a second thread (store/load.c).
 * Deals come back in directory order and problems are reported in it,
 * the same without the cache, when building it and when reading it; the
 * cache keeps a file for every shard, whichever thread loaded it. */
static void test_load_shared_in_order(void **state)
{
    fixture *f = *state;
    enum { NSHARDS = 40, PER_SHARD = 3 };
    for (int i = 0; i < NSHARDS; i++) {
        char shard[3] = {(char)('m' + i / 10), (char)('0' + i % 10), '\0'};
        for (int k = 0; k < PER_SHARD; k++) {
            char *id = xasprintf("deal-%d-%d-00%s", i, k, shard);
            char *rel = repo_deal_relpath(id);
            char *text =
                xasprintf("{\"id\": \"%s\", \"title\": \"T\", \"stage\": \"define\"}\n", id);
            put(f, rel, text);
            free(text);
            free(rel);
            free(id);
        }
        if (i % 13 == 7) {
            char *rel = xasprintf("deals/%s/broken-%d-00%s.json", shard, i, shard);
            put(f, rel, "{\"id\": ");
            free(rel);
        }
    }
    put(f, "deals/misplaced-000001.json", "{}");
    strbuf want = {0}, want_problems = {0};
    expected_order(f, &want);
    /* Junk cache files for every shard and for one that does not exist:
     * each is rebuilt or removed, whichever thread saw its shard. */
    char *cache = fs_join(f->dir, ".git/dealboard-cache.d");
    assert_int_equal(mkdir(cache, 0755), 0);
    char *junk = fs_join(cache, "x9");
    const char *fixture_shards[] = {"9c", "43", "ab", "x9"};
    for (int i = 0; i < NSHARDS + 4; i++) {
        char shard[3] = {(char)('m' + i / 10), (char)('0' + i % 10), '\0'};
        char *path = fs_join(cache, i < NSHARDS ? shard : fixture_shards[i - NSHARDS]);
        FILE *fp = fopen(path, "w");
        assert_non_null(fp);
        fputs("junk", fp);
        fclose(fp);
        free(path);
    }
    for (int round = 0; round < 3; round++) {   /* no cache, building it, reading it */
        if (round == 0)
            setenv("DEALBOARD_NO_CACHE", "1", 1);
        else
            unsetenv("DEALBOARD_NO_CACHE");
        deal_list deals = {0};
        strbuf got = {0}, problems = {0};
        db_err err = {0};
        assert_int_equal(
            repo_load_deals_light(f->repo, &deals, round == 2, record, &problems, &err), 0);
        assert_int_equal(deals.count, NSHARDS * PER_SHARD + 5);
        for (size_t i = 0; i < deals.count; i++)
            sb_printf(&got, "%s\n", deals.items[i]->id);
        assert_string_equal(got.data, want.data);
        assert_non_null(strstr(problems.data, "deals/misplaced-000001.json: not in its shard"));
        assert_non_null(strstr(problems.data, "deals/m7/broken-7-00m7.json: line 1"));
        assert_non_null(strstr(problems.data, "deals/p3/broken-33-00p3.json: line 1"));
        if (round == 0)
            sb_puts(&want_problems, problems.data);
        else
            assert_string_equal(problems.data, want_problems.data);
        if (round == 1) {    /* one file a shard: the fixture's 3 and ours; x9's went */
            assert_int_equal(count_files(cache), NSHARDS + 3);
            assert_int_not_equal(access(junk, F_OK), 0);
        }
        sb_free(&got);
        sb_free(&problems);
        deal_list_free(&deals);
    }
    free(junk);
    free(cache);
    sb_free(&want);
    sb_free(&want_problems);
}

typedef struct {
    int count;
    char first[256];
} history;

static void count_commit(void *ud, const repo_commit_info *c)
{
    history *h = ud;
    if (h->count++ == 0)
        snprintf(h->first, sizeof h->first, "%s <%s>: %s", c->author, c->email, c->summary);
}

static void test_commit_history_undo(void **state)
{
    fixture *f = *state;
    db_err err = {0};
    char head0[41], head1[41];
    repo_head(f->repo, head0);
    assert_int_equal(strlen(head0), 40);

    deal d;
    assert_int_equal(repo_find_deal(f->repo, "beta", &d, &err), 0);
    char *before = codec_format_deal(&d);
    deal_set_str(&d.title, "Beta pilot, phase 2");
    assert_int_equal(repo_save_deal(f->repo, &d, "Set beta-pilot-0cf143 title", &err), 0);
    repo_head(f->repo, head1);
    assert_string_not_equal(head0, head1);
    /* Saving the same content again is not a change: no commit. */
    assert_int_equal(repo_save_deal(f->repo, &d, "Nothing", &err), 0);
    repo_head(f->repo, head0);
    assert_string_equal(head0, head1);

    history h = {0};
    assert_int_equal(repo_history(f->repo, "deals/43/beta-pilot-0cf143.json", count_commit, &h, &err), 0);
    assert_int_equal(h.count, 2);                     /* the fixture's commit and this one */
    assert_string_equal(h.first, "Unit Tester <unit@example.com>: Set beta-pilot-0cf143 title");

    char *summary = NULL, *undone_id = NULL;
    assert_int_equal(repo_undo(f->repo, &summary, &undone_id, &err), 0);
    assert_string_equal(summary, "Set beta-pilot-0cf143 title");
    assert_string_equal(undone_id, "beta-pilot-0cf143");     /* the board selects it */
    free(summary);
    free(undone_id);
    char *path = fs_join(f->dir, "deals/43/beta-pilot-0cf143.json"), *text = NULL;
    size_t len;
    assert_int_equal(fs_read_file(path, &text, &len, &err), 0);
    /* Byte for byte what the parent commit had (the fixture's own text). */
    assert_string_equal(text, "{\"id\": \"beta-pilot-0cf143\", \"title\": \"Beta pilot\", "
                              "\"stage\": \"define\"}\n");
    assert_string_not_equal(text, before);
    memset(&h, 0, sizeof h);
    repo_history(f->repo, "deals/43/beta-pilot-0cf143.json", count_commit, &h, &err);
    assert_int_equal(h.count, 3);
    assert_non_null(strstr(h.first, ": Undo: Set beta-pilot-0cf143 title"));
    free(text);
    free(path);
    free(before);
    deal_free(&d);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    /* A private git identity for the commits. */
    char home[] = "/tmp/dealboard-home-XXXXXX";
    if (!mkdtemp(home))
        return 1;
    char *config = xasprintf("%s/.gitconfig", home);
    FILE *fp = fopen(config, "w");
    fputs("[user]\n\tname = Unit Tester\n\temail = unit@example.com\n", fp);
    fclose(fp);
    setenv("HOME", home, 1);
    unsetenv("XDG_CONFIG_HOME");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relpath), T(test_resolve), T(test_load_and_problems),
        T(test_load_shared_in_order),
        T(test_commit_history_undo),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(config);
    rmdir(home);
    free(config);
    return rc;
}
