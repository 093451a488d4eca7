/* sync_get_status and the sync bookkeeping on real repositories in a temp dir:
 * ahead/behind against origin from local refs, the last sync time, and
 * sync_changes' default range. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../store/repo.h"
#include "../../store/sync.h"

/* Under make check: libgit2 1.5 on Debian 12 leaks pcre2 match data (not ours). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libpcre2-8.so\n";
}

const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}

static char top[256];

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    (void)state;
    snprintf(top, sizeof top, "%s/dealboard-sync-status-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(top));
    char home[300];
    snprintf(home, sizeof home, "%s", top);
    setenv("HOME", home, 1);             /* no user's git config, no ssh keys */
    setenv("DEALBOARD_TODAY", "2026-11-20", 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

static char *path(const char *name)
{
    static char buf[4][400];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", top, name);
    return buf[i];
}

static db_repo *open_repo(const char *name)
{
    db_repo *repo = NULL;
    db_err err;
    assert_int_equal(repo_open(path(name), &repo, &err), 0);
    return repo;
}

static void add_deal(db_repo *repo, const char *id, const char *title)
{
    char rel[128], text[512];
    snprintf(rel, sizeof rel, "deals/%s/%s.json", id + strlen(id) - 2, id);
    snprintf(text, sizeof text,
             "{\n  \"id\": \"%s\",\n  \"title\": \"%s\",\n  \"stage\": \"define\",\n"
             "  \"status\": \"open\",\n  \"value\": 100\n}\n", id, title);
    repo_change c = {rel, text, strlen(text)};
    db_err err;
    assert_int_equal(repo_commit_changes(repo, &c, 1, "Add a deal", &err), 0);
}

typedef struct {
    int lines;
    char first[256];
} seen;

static void on_change(void *ud, const char *id, const char *title, const char *words)
{
    (void)id, (void)title;
    seen *s = ud;
    if (s->lines++ == 0)
        snprintf(s->first, sizeof s->first, "%s", words);
}

static void test_status_and_bookkeeping(void **state)
{
    (void)state;
    db_err err;
    char *url = path("team.git");
    assert_int_equal(sync_init_bare(url, true, &err), 0);
    char *dir = NULL;
    bool created = false;
    assert_int_equal(sync_clone(url, path("a"), NULL, &dir, &created, &err), 0);
    assert_true(created);
    free(dir);

    db_repo *a = open_repo("a");
    sync_status st;
    assert_int_equal(sync_get_status(a, &st, &err), 0);
    assert_true(st.has_remote);
    assert_int_equal(st.ahead, 1);           /* the new pipeline, not pushed yet */
    assert_int_equal(st.behind, 0);
    assert_int_equal(st.last_sync, 0);
    seen s = {0, ""};
    assert_int_equal(sync_changes(a, NULL, NULL, on_change, &s, &err), DB_EUSAGE);

    sync_result r;
    int64_t before = (int64_t)time(NULL);
    assert_int_equal(sync_run(a, &r, &err), 0);
    assert_int_equal(r.pushed, 1);
    assert_int_equal(sync_get_status(a, &st, &err), 0);
    assert_int_equal(st.ahead, 0);
    assert_true(st.last_sync >= before);

    assert_int_equal(sync_clone(url, path("b"), NULL, NULL, &created, &err), 0);
    assert_false(created);
    db_repo *b = open_repo("b");
    add_deal(b, "acme-rollout-7f3a9c", "Acme rollout");
    assert_int_equal(sync_get_status(b, &st, &err), 0);
    assert_int_equal(st.ahead, 1);
    assert_int_equal(sync_run(b, &r, &err), 0);

    add_deal(a, "borealis-pilot-12ab34", "Borealis pilot");
    assert_int_equal(sync_run(a, &r, &err), 0);
    assert_int_equal(r.incoming, 1);
    assert_true(r.merged);
    assert_int_equal(r.pushed, 2);           /* a's deal and the merge */
    assert_int_equal(r.conflicts, 0);
    assert_int_equal(sync_get_status(a, &st, &err), 0);
    assert_int_equal(st.ahead, 0);
    assert_int_equal(st.behind, 0);

    /* what changed in that sync: b's new deal, not a's own */
    s.lines = 0;
    assert_int_equal(sync_changes(a, NULL, NULL, on_change, &s, &err), 0);
    assert_int_equal(s.lines, 1);
    assert_string_equal(s.first, "new deal in Define, value 100, owner nobody");

    /* b is behind once it has fetched (a sync that brings the merge in) */
    assert_int_equal(sync_run(b, &r, &err), 0);
    assert_int_equal(r.incoming, 2);
    assert_false(r.merged);                  /* fast-forward */
    assert_int_equal(r.pushed, 0);
    repo_close(a);
    repo_close(b);
}

static void test_no_remote(void **state)
{
    (void)state;
    db_err err;
    assert_int_equal(repo_init(path("solo"), NULL, NULL, 0, &err), 0);
    db_repo *solo = open_repo("solo");
    sync_status st;
    assert_int_equal(sync_get_status(solo, &st, &err), 0);
    assert_false(st.has_remote);
    assert_int_equal(st.ahead, 0);
    sync_result r;
    assert_int_equal(sync_run(solo, &r, &err), DB_EIO);
    assert_non_null(strstr(err.msg, "no remote 'origin'"));
    repo_close(solo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_status_and_bookkeeping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_remote, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
