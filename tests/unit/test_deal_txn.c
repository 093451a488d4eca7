/* The one edit transaction (store/deal_txn.h) on a real temporary repository:
 * each kind of edit_op reaches its edit and is one commit saying what it did;
 * a refused or failed change commits nothing and leaves the result empty;
 * the lock only locks, and the transaction runs recovery itself. */
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
#include "../../store/deal_txn.h"
#include "../../store/fsutil.h"
#include "../../store/repo.h"

#define TODAY 20777 /* 2026-11-20 */

typedef struct {
    char dir[64];
    db_repo *repo;
    char *id;          /* the deal the fixture added */
} fixture;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static deal_change change_of(const char *id, edit_op op)
{
    return (deal_change){.id = id, .by = "Ana", .today = TODAY, .op = op};
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s/dealboard-txn-XXXXXX", "/tmp");
    db_err err;
    if (!mkdtemp(f->dir) || repo_init(f->dir, NULL, NULL, 0, &err) != 0 ||
        repo_open(f->dir, &f->repo, &err) != 0)
        return -1;
    new_deal in = {"Acme rollout", "Acme", NULL, NULL, 48000, DAY_NONE, DAY_NONE, NULL};
    deal_change add = change_of(NULL, (edit_op){.kind = EDIT_OP_CREATE, .create = &in});
    deal_txn done;
    if (deal_txn_commit(f->repo, &add, &done, &err) != 0)
        return -1;
    f->id = xstrdup(done.d.id);
    deal_txn_free(&done);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    repo_close(f->repo);
    nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f->id);
    free(f);
    return 0;
}

static void head(fixture *f, char out[41])
{
    repo_head(f->repo, out);
}

/* Commits change; checks the message starts with `says` and that HEAD moved
 * from the HEAD the transaction reports it saw. */
static void commit_ok(fixture *f, const deal_change *change, const char *says)
{
    char before[41], after[41];
    deal_txn done;
    db_err err = {0};
    head(f, before);
    if (deal_txn_commit(f->repo, change, &done, &err) != 0)
        fail_msg("%s: %s", says, err.msg);
    head(f, after);
    assert_string_equal(done.head_before, before);
    assert_string_not_equal(after, before);
    if (strncmp(done.message, says, strlen(says)) != 0)
        fail_msg("message '%s', expected '%s…'", done.message, says);
    assert_false(done.d.partial);
    deal_txn_free(&done);
    assert_null(done.message);
}

static void test_create(void **state)
{
    fixture *f = *state;
    deal d;
    db_err err;
    assert_int_equal(repo_load_deal(f->repo, f->id, &d, &err), 0);
    assert_string_equal(d.title, "Acme rollout");
    assert_string_equal(d.owner, "Ana");              /* by: the owner when none given */
    assert_int_equal(d.created, TODAY);
    deal_free(&d);
}

/* Every kind once, in an order each is allowed in, on the deal read fresh. */
static void test_every_kind(void **state)
{
    fixture *f = *state;
    const char *id = f->id;
    new_deal in = {"Beta pilot", NULL, NULL, NULL, 0, DAY_NONE, DAY_NONE, NULL};
    struct {
        edit_op op;
        const char *says;
    } steps[] = {
        {{.kind = EDIT_OP_CREATE, .create = &in}, "Add beta-pilot-"},
        {{.kind = EDIT_OP_STEP, .direction = 1}, "Move "},
        {{.kind = EDIT_OP_MOVE, .text = "define"}, "Move "},
        {{.kind = EDIT_OP_SET, .field = "account", .text = "Acme Corp"}, "Set "},
        {{.kind = EDIT_OP_TOUCH, .text = NULL}, "Touch "},
        {{.kind = EDIT_OP_NOTE, .text = "Met Ana"}, "Note on "},
        {{.kind = EDIT_OP_NEXT, .text = "Call", .day = TODAY + 3}, "Next step for "},
        {{.kind = EDIT_OP_SNOOZE, .day = TODAY + 7, .text = NULL}, "Snooze "},
        {{.kind = EDIT_OP_CLOSE, .status = STATUS_WON, .text = "signed"}, "Won "},
        {{.kind = EDIT_OP_REOPEN}, "Reopen "},
        {{.kind = EDIT_OP_MOVE_ON, .text = "no budget", .day = TODAY + 30}, "Move on from "},
        {{.kind = EDIT_OP_REVISIT, .day = TODAY + 60}, "Revisit "},
    };
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        deal_change c = change_of(id, steps[i].op);
        commit_ok(f, &c, steps[i].says);
    }
    deal d;
    db_err err;
    assert_int_equal(repo_load_deal(f->repo, id, &d, &err), 0);
    assert_string_equal(d.account, "Acme Corp");
    assert_int_equal(d.status, STATUS_MOVED_ON);
    assert_int_equal(d.revisit, TODAY + 60);
    assert_string_equal(d.log[d.nlog - 1].by, "Ana");
    deal_free(&d);
}

/* A command's id may be a prefix; the board's is exact. */
static void test_prefix_only_when_asked(void **state)
{
    fixture *f = *state;
    deal_change c = change_of("acme", (edit_op){.kind = EDIT_OP_NOTE, .text = "by prefix"});
    c.id_is_prefix = true;
    commit_ok(f, &c, "Note on acme-rollout-");

    char before[41], after[41];
    head(f, before);
    c.id_is_prefix = false;
    deal_txn done;
    db_err err = {0};
    assert_int_not_equal(deal_txn_commit(f->repo, &c, &done, &err), 0);
    assert_non_null(strstr(err.msg, "acme"));
    assert_null(done.message);
    assert_null(done.d.id);
    deal_txn_free(&done);
    head(f, after);
    assert_string_equal(before, after);
}

/* Refused by the edit (already in the first stage), or bad input: nothing
 * committed, the error in words, the result empty. */
static void test_refused_commits_nothing(void **state)
{
    fixture *f = *state;
    deal_change refused[] = {
        change_of(f->id, (edit_op){.kind = EDIT_OP_STEP, .direction = -1}),
        change_of(f->id, (edit_op){.kind = EDIT_OP_SET, .field = "colour", .text = "red"}),
        change_of(f->id, (edit_op){.kind = EDIT_OP_MOVE_ON, .text = " ", .day = DAY_NONE}),
        change_of(NULL, (edit_op){.kind = EDIT_OP_CREATE,
                                  .create = &(new_deal){"", NULL, NULL, NULL, 0, DAY_NONE,
                                                        DAY_NONE, NULL}}),
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        char before[41], after[41];
        head(f, before);
        deal_txn done;
        db_err err = {0};
        assert_int_equal(deal_txn_commit(f->repo, &refused[i], &done, &err), DB_EUSAGE);
        assert_true(err.msg[0] != '\0');
        assert_null(done.message);
        assert_null(done.d.id);
        deal_txn_free(&done);
        head(f, after);
        assert_string_equal(before, after);
    }
}

/* No name given: the repository's user (git identity). */
static void test_default_author(void **state)
{
    fixture *f = *state;
    deal_change c = change_of(f->id, (edit_op){.kind = EDIT_OP_NOTE, .text = "who?"});
    c.by = NULL;
    commit_ok(f, &c, "Note on ");
    deal d;
    db_err err;
    assert_int_equal(repo_load_deal(f->repo, f->id, &d, &err), 0);
    assert_string_equal(d.log[d.nlog - 1].by, "Unit Tester");
    deal_free(&d);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* A marker left by a killed change (here: one that never got to write
 * anything) stays through repo_lock and goes with repo_recover; recovery
 * is refused without the lock; the transaction recovers by itself. */
static void test_lock_only_locks(void **state)
{
    fixture *f = *state;
    db_err err = {0};
    char *marker = repo_pending_marker(f->repo);
    assert_int_equal(fs_write_atomic(marker, "", 0, 0644, &err), 0);

    assert_int_not_equal(repo_recover(f->repo, &err), 0);
    assert_non_null(strstr(err.msg, "lock"));
    assert_true(exists(marker));

    assert_int_equal(repo_lock(f->repo, &err), 0);
    assert_true(exists(marker));
    assert_int_equal(repo_recover(f->repo, &err), 0);
    assert_false(exists(marker));
    repo_unlock(f->repo);

    assert_int_equal(fs_write_atomic(marker, "", 0, 0644, &err), 0);
    deal_change c = change_of(f->id, (edit_op){.kind = EDIT_OP_TOUCH});
    commit_ok(f, &c, "Touch ");
    assert_false(exists(marker));
    free(marker);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
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
        T(test_create),         T(test_every_kind),     T(test_prefix_only_when_asked),
        T(test_refused_commits_nothing), T(test_default_author), T(test_lock_only_locks),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(config);
    rmdir(home);
    free(config);
    return rc;
}
