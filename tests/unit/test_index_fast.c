/* store/index_fast.c on real repositories: after commits through it, git
 * (the CLI) and libgit2 agree that the index matches HEAD; the cache-tree is
 * invalidated where it must be; racily clean entries are smudged; index forms
 * it does not handle are left to libgit2. */
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <git2.h>

#include "../../pipeline/util.h"
#include "../../store/fsutil.h"
#include "../../store/index_fast.h"
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

/* Runs a shell command in the repository; its exit status. */
static int sh(fixture *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char cmd[1024];
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char *full = xasprintf("cd '%s' && (%s) >/dev/null 2>&1", f->dir, cmd);
    int rc = system(full);
    free(full);
    return rc;
}

/* Its standard output (caller frees). */
static char *out(fixture *f, const char *cmd)
{
    char *full = xasprintf("cd '%s' && %s 2>&1", f->dir, cmd);
    FILE *p = popen(full, "r");
    free(full);
    strbuf sb = {0};
    char buf[4096];
    size_t n;
    while (p && (n = fread(buf, 1, sizeof buf, p)) > 0)
        sb_add(&sb, buf, n);
    if (p)
        pclose(p);
    return sb.data ? sb.data : xstrdup("");
}

static char *deal_text(const char *id, const char *stage)
{
    return xasprintf("{\"id\": \"%s\", \"title\": \"T %s\", \"stage\": \"%s\"}\n", id, id, stage);
}

static void commit(fixture *f, const char **ids, size_t n, const char *stage)
{
    repo_change *changes = calloc(n, sizeof *changes);
    for (size_t i = 0; i < n; i++) {
        char *text = stage ? deal_text(ids[i], stage) : NULL;
        changes[i] = (repo_change){repo_deal_relpath(ids[i]), text, text ? strlen(text) : 0};
    }
    db_err err;
    if (repo_commit_changes(f->repo, changes, n, "Test change", &err) != 0)
        fail_msg("%s", err.msg);
    for (size_t i = 0; i < n; i++) {
        free((char *)changes[i].relpath);
        free((char *)changes[i].content);
    }
    free(changes);
}

static void commit_one(fixture *f, const char *id, const char *stage)
{
    commit(f, &id, 1, stage);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/dealboard-index-XXXXXX");
    db_err err;
    if (!mkdtemp(f->dir) || repo_init(f->dir, NULL, NULL, 0, &err) != 0 ||
        repo_open(f->dir, &f->repo, &err) != 0)
        return -1;
    sh(f, "git config user.name Tester && git config user.email t@example.com");
    const char *ids[] = {"acme-rollout-7f3a9c", "beta-pilot-0cf143", "cobalt-renewal-aa01",
                         "delta-deal-00aa", "echo-deal-01aa", "fox-9c"};
    commit(f, ids, 6, "define");
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

static bool index_has(fixture *f, const char *signature)
{
    char *path = xasprintf("%s/.git/index", f->dir), *text = NULL;
    size_t len = 0;
    db_err err;
    bool found = false;
    if (fs_read_file(path, &text, &len, &err) == 0)
        for (size_t i = 0; i + 4 <= len && !found; i++)
            found = memcmp(text + i, signature, 4) == 0;
    free(text);
    free(path);
    return found;
}

/* The index matches HEAD and the work tree, for git and for libgit2. */
static void assert_consistent(fixture *f)
{
    char *status = out(f, "git status --porcelain");
    if (*status)
        fail_msg("git status is not clean:\n%s", status);
    free(status);
    assert_int_equal(sh(f, "git diff --cached --quiet"), 0);
    assert_int_equal(sh(f, "git ls-files -s | sed 's/ 0\t/ /' > ../idx-$$ && "
                           "git ls-tree -r HEAD | sed 's/ blob / /; s/\t/ /' > ../tree-$$ && "
                           "cmp -s ../idx-$$ ../tree-$$; rc=$?; rm -f ../idx-$$ ../tree-$$; exit $rc"),
                     0);
    /* The cache-tree, when git uses it, gives HEAD's tree. */
    char *written = out(f, "git write-tree"), *head = out(f, "git rev-parse 'HEAD^{tree}'");
    assert_string_equal(written, head);
    free(written);
    free(head);
    assert_int_equal(sh(f, "git fsck --strict"), 0);
    git_repository *git = repo_git(f->repo);
    git_index *index = NULL;
    assert_int_equal(git_repository_index(&index, git), 0);
    assert_int_equal(git_index_read(index, 1), 0);
    char *count = out(f, "git ls-files | wc -l");
    assert_int_equal(git_index_entrycount(index), (size_t)atoi(count));
    free(count);
    git_index_free(index);
}

static void test_update_one(void **state)
{
    fixture *f = *state;
    commit_one(f, "beta-pilot-0cf143", "explore");
    assert_consistent(f);
    commit_one(f, "beta-pilot-0cf143", "decide");
    assert_consistent(f);
}

static void test_add_delete_many(void **state)
{
    fixture *f = *state;
    const char *added[] = {"new-a-zz", "new-b-zz", "new-c-0a", "aaa-first-00", "zzz-last-ff"};
    commit(f, added, 5, "define");                 /* new shard directories too */
    assert_consistent(f);
    const char *gone[] = {"new-b-zz", "delta-deal-00aa", "never-existed-77"};
    commit(f, gone, 3, NULL);
    assert_consistent(f);
    const char *all[] = {"acme-rollout-7f3a9c", "cobalt-renewal-aa01", "echo-deal-01aa",
                         "fox-9c", "new-a-zz", "new-c-0a", "zzz-last-ff"};
    commit(f, all, 7, "evaluate");
    assert_consistent(f);
    char *files = out(f, "git ls-files deals | wc -l");
    assert_int_equal(atoi(files), 9);
    free(files);
}

/* Updates for a direct call: the file as it is, its blob written by git. */
static index_update update_for(fixture *f, const char *relpath)
{
    index_update u;
    memset(&u, 0, sizeof u);
    u.path = relpath;
    char *cmd = xasprintf("git hash-object -w '%s'", relpath);
    char *hex = out(f, cmd);
    free(cmd);
    hex[strcspn(hex, "\n")] = '\0';
    assert_int_equal(git_oid_fromstr(&u.id, hex), 0);
    free(hex);
    char *path = fs_join(f->dir, relpath);
    assert_int_equal(lstat(path, &u.st), 0);
    free(path);
    return u;
}

static void write_file(fixture *f, const char *relpath, const char *text)
{
    char *path = fs_join(f->dir, relpath);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    free(path);
}

/* git's cache-tree must not keep the old tree of a changed directory: git
 * commit (CLI) would then record it. */
static void test_tree_extension(void **state)
{
    fixture *f = *state;
    assert_int_equal(sh(f, "git read-tree HEAD"), 0);   /* a complete cache-tree */
    assert_true(index_has(f, "TREE"));
    commit_one(f, "acme-rollout-7f3a9c", "explore");
    assert_true(index_has(f, "TREE"));
    assert_consistent(f);

    /* A staged change through the fast path, then git commit. */
    char *text = deal_text("fox-9c", "decide");
    write_file(f, "deals/9c/fox-9c.json", text);
    free(text);
    index_update u = update_for(f, "deals/9c/fox-9c.json");
    db_err err;
    char *gitdir = fs_join(f->dir, ".git");
    assert_int_equal(index_fast_update(gitdir, f->dir, &u, 1, &err), 0);
    free(gitdir);
    assert_int_equal(sh(f, "git commit -qm 'By the git CLI'"), 0);
    char *shown = out(f, "git show HEAD:deals/9c/fox-9c.json");
    assert_non_null(strstr(shown, "decide"));
    free(shown);
    assert_consistent(f);
}

/* A file changed within the index's timestamp tick, same size: only its
 * smudged size tells git to look at it after the index is rewritten. */
static void test_racily_clean(void **state)
{
    fixture *f = *state;
    sh(f, "git config core.trustctime false");
    const char *rel = "deals/aa/delta-deal-00aa.json";
    char *path = fs_join(f->dir, rel), *index = fs_join(f->dir, ".git/index");
    struct timespec when[2] = {{1700000000, 500000000}, {1700000000, 500000000}};
    assert_int_equal(utimensat(AT_FDCWD, path, when, 0), 0);
    assert_int_equal(sh(f, "git update-index -- '%s'", rel), 0);
    assert_int_equal(utimensat(AT_FDCWD, index, when, 0), 0);   /* written in the same tick */
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "{\"id\": \"delta-deal-00aa\", \"title\": \"X", 37, 0), 37);
    close(fd);
    assert_int_equal(utimensat(AT_FDCWD, path, when, 0), 0);
    commit_one(f, "beta-pilot-0cf143", "decide");               /* rewrites the index */
    char *status = out(f, "git status --porcelain");
    assert_string_equal(status, " M deals/aa/delta-deal-00aa.json\n");
    free(status);
    free(index);
    free(path);
}

/* Forms left to libgit2: nothing is written by the fast path, and the
 * commit still leaves a consistent index. */
static void falls_back(fixture *f, const char *setup_cmd, const char *signature)
{
    assert_int_equal(sh(f, "%s", setup_cmd), 0);
    if (signature)
        assert_true(index_has(f, signature));
    char *before = out(f, "cksum .git/index");
    index_update u = update_for(f, "deals/9c/acme-rollout-7f3a9c.json");
    db_err err;
    char *gitdir = fs_join(f->dir, ".git");
    assert_int_equal(index_fast_update(gitdir, f->dir, &u, 1, &err), INDEX_FAST_UNSUPPORTED);
    free(gitdir);
    char *after = out(f, "cksum .git/index");
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void test_version_4(void **state)
{
    fixture *f = *state;
    falls_back(f, "git update-index --index-version 4", NULL);
    commit_one(f, "acme-rollout-7f3a9c", "decide");
    assert_consistent(f);
}

static void test_untracked_cache(void **state)
{
    fixture *f = *state;
    falls_back(f, "git config core.untrackedCache true && git update-index --untracked-cache "
                  "&& git status >/dev/null", "UNTR");
    commit_one(f, "acme-rollout-7f3a9c", "decide");
    assert_consistent(f);
}

/* libgit2 cannot read a split index either: only check nothing is written. */
static void test_split_index(void **state)
{
    fixture *f = *state;
    falls_back(f, "git update-index --split-index", "link");
}

static void test_corrupt_checksum(void **state)
{
    fixture *f = *state;
    falls_back(f, "printf 'x' | dd of=.git/index bs=1 seek=30 conv=notrunc", NULL);
}

/* After the changed entry: the part of the old checksum not shared with the new one. */
static void test_corrupt_checksum_after_change(void **state)
{
    fixture *f = *state;
    falls_back(f, "python3 -c 'import sys; b = bytearray(open(sys.argv[1], \"rb\").read()); "
                  "i = b.index(b\"pipeline.json\") - 62 + 4; b[i] ^= 1; "
                  "open(sys.argv[1], \"wb\").write(b)' .git/index", NULL);
}

/* ---- the deferred index (store/commit.c) ---- */

static bool marker_exists(fixture *f)
{
    char *path = fs_join(f->dir, ".git/dealboard-pending");
    bool exists = access(path, F_OK) == 0;
    free(path);
    return exists;
}

static int commit_count(fixture *f)
{
    char *n = out(f, "git rev-list --count HEAD");
    int count = atoi(n);
    free(n);
    return count;
}

static void test_deferred_flush(void **state)
{
    fixture *f = *state;
    int before = commit_count(f);
    repo_set_index_deferred(f->repo, true);
    commit_one(f, "beta-pilot-0cf143", "explore");
    commit_one(f, "beta-pilot-0cf143", "decide");
    commit_one(f, "acme-rollout-7f3a9c", "explore");
    const char *gone = "fox-9c";
    commit(f, &gone, 1, NULL);
    assert_int_equal(commit_count(f), before + 4);          /* committed at once */
    assert_true(repo_index_pending(f->repo));
    assert_int_not_equal(sh(f, "git diff --cached --quiet"), 0);   /* the index waits */
    assert_true(marker_exists(f));
    db_err err;
    assert_int_equal(repo_flush_index(f->repo, &err), 0);
    assert_false(repo_index_pending(f->repo));
    assert_false(marker_exists(f));
    assert_consistent(f);
    assert_int_equal(commit_count(f), before + 4);          /* no recovery commit */
}

/* Another process commits the same deal before the board flushes. */
static void test_deferred_other_writer(void **state)
{
    fixture *f = *state;
    repo_set_index_deferred(f->repo, true);
    commit_one(f, "beta-pilot-0cf143", "explore");
    fixture other = *f;
    db_err err;
    assert_int_equal(repo_open(f->dir, &other.repo, &err), 0);
    commit_one(&other, "beta-pilot-0cf143", "evaluate");
    repo_close(other.repo);
    commit_one(f, "acme-rollout-7f3a9c", "decide");
    assert_int_equal(repo_flush_index(f->repo, &err), 0);
    assert_consistent(f);
    char *shown = out(f, "git show HEAD:deals/43/beta-pilot-0cf143.json");
    assert_non_null(strstr(shown, "evaluate"));
    free(shown);
}

static char *marker_text(fixture *f)
{
    return out(f, "cat .git/dealboard-pending");
}

/* Moving the same deal again leaves the marker as it is (it names the path
 * already); once another process's commit took it away, it is written again. */
static void test_deferred_marker_kept(void **state)
{
    fixture *f = *state;
    repo_set_index_deferred(f->repo, true);
    commit_one(f, "beta-pilot-0cf143", "explore");
    commit_one(f, "beta-pilot-0cf143", "decide");
    char *text = marker_text(f);
    /* Rewritten, it would name the path twice (the waiting one, the change's). */
    assert_string_equal(text, "deals/43/beta-pilot-0cf143.json\n");
    free(text);
    fixture other = *f;
    db_err err;
    assert_int_equal(repo_open(f->dir, &other.repo, &err), 0);
    commit_one(&other, "acme-rollout-7f3a9c", "evaluate");      /* its marker, then none */
    repo_close(other.repo);
    assert_false(marker_exists(f));
    commit_one(f, "beta-pilot-0cf143", "explore");
    text = marker_text(f);
    assert_non_null(strstr(text, "deals/43/beta-pilot-0cf143.json"));   /* named again */
    free(text);
    assert_int_equal(repo_flush_index(f->repo, &err), 0);
    assert_false(marker_exists(f));
    assert_consistent(f);
}

/* A board killed with entries waiting: the next writer repairs the index,
 * without a commit. */
static void test_deferred_killed(void **state)
{
    fixture *f = *state;
    int before = commit_count(f);
    pid_t pid = fork();
    if (pid == 0) {
        db_repo *repo = NULL;
        db_err err;
        if (repo_open(f->dir, &repo, &err) != 0)
            _exit(2);
        repo_set_index_deferred(repo, true);
        char *text = deal_text("echo-deal-01aa", "decide");
        repo_change change = {"deals/aa/echo-deal-01aa.json", text, strlen(text)};
        _exit(repo_commit_changes(repo, &change, 1, "Killed board's change", &err) ? 3 : 0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(commit_count(f), before + 1);
    assert_int_not_equal(sh(f, "git diff --cached --quiet"), 0);
    assert_true(marker_exists(f));
    db_repo *next = NULL;
    db_err err;
    assert_int_equal(repo_open(f->dir, &next, &err), 0);
    assert_int_equal(repo_lock(next, &err), 0);
    repo_unlock(next);
    repo_close(next);
    assert_false(marker_exists(f));
    assert_consistent(f);
    assert_int_equal(commit_count(f), before + 1);
    char *message = out(f, "git log -1 --format=%s");
    assert_string_equal(message, "Killed board's change\n");
    free(message);
}

int main(void)
{
    git_libgit2_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_update_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_delete_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tree_extension, setup, teardown),
        cmocka_unit_test_setup_teardown(test_racily_clean, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_4, setup, teardown),
        cmocka_unit_test_setup_teardown(test_untracked_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_checksum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_checksum_after_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deferred_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deferred_other_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deferred_marker_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deferred_killed, setup, teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    git_libgit2_shutdown();
    return failed;
}
