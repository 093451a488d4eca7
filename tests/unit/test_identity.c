/* Author and committer as git picks them (store/gitutil.c): the date forms of
 * GIT_AUTHOR_DATE/GIT_COMMITTER_DATE, and the environment and configuration
 * each part comes from, on a temporary repository whose configuration is
 * the only one libgit2 sees (system, XDG and global point at an empty
 * directory). */
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

#include "../../pipeline/util.h"
#include "../../store/gitutil.h"

static const char *const identity_vars[] = {
    "GIT_AUTHOR_NAME",    "GIT_AUTHOR_EMAIL",    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE",
    "EMAIL",
};

typedef struct {
    char dir[64];       /* the repository */
    char empty[64];     /* where the system and global configuration would be */
    git_repository *git;
    git_config *cfg;
} fixture;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void set_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static int setup(void **state)
{
    gitu_setup();
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/dealboard-ident-XXXXXX");
    snprintf(f->empty, sizeof f->empty, "/tmp/dealboard-noconf-XXXXXX");
    if (!mkdtemp(f->dir) || !mkdtemp(f->empty))
        return -1;
    const int levels[] = {GIT_CONFIG_LEVEL_PROGRAMDATA, GIT_CONFIG_LEVEL_SYSTEM,
                          GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL};
    for (size_t i = 0; i < sizeof levels / sizeof *levels; i++)
        if (git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, levels[i], f->empty) < 0)
            return -1;
    if (git_repository_init(&f->git, f->dir, 0) < 0 || git_repository_config(&f->cfg, f->git) < 0)
        return -1;
    for (size_t i = 0; i < sizeof identity_vars / sizeof *identity_vars; i++)
        unsetenv(identity_vars[i]);
    setenv("USER", "tester", 1);
    set_tz("UTC0");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    git_config_free(f->cfg);
    git_repository_free(f->git);
    nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    nftw(f->empty, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static void config_set(fixture *f, const char *key, const char *value)
{
    assert_int_equal(git_config_set_string(f->cfg, key, value), 0);
}

/* ---- dates -------------------------------------------------------------- */

static void expect_date(const char *text, long long seconds, int offset, char sign)
{
    git_time when = {0};
    if (gitu_identity_date(text, &when) != 0)
        fail_msg("'%s' did not parse", text);
    if (when.time != seconds || when.offset != offset || when.sign != sign)
        fail_msg("'%s': %lld %d %c, expected %lld %d %c", text, (long long)when.time,
                 when.offset, when.sign, seconds, offset, sign);
}

static void expect_bad_date(const char *text)
{
    git_time when = {0};
    if (gitu_identity_date(text, &when) == 0)
        fail_msg("'%s' parsed as %lld %d", text, (long long)when.time, when.offset);
}

static void test_date_raw(void **state)
{
    (void)state;
    expect_date("@1112904793 +0200", 1112904793, 120, '+');
    expect_date("@1112904793 -0130", 1112904793, -90, '-');
    expect_date("@1112904793 -0000", 1112904793, 0, '+');   /* git writes +0000 too */
    expect_date("@0 +0000", 0, 0, '+');
    expect_date("  @1112904793 +0200  ", 1112904793, 120, '+');
    expect_date("1112904793 +0200", 1112904793, 120, '+');    /* git's --date=raw output */
    expect_date("@1112904793", 1112904793, 0, '+');           /* local zone: TZ=UTC0 */
}

static void test_date_iso(void **state)
{
    (void)state;
    expect_date("2005-04-07T22:13:13+02:00", 1112904793, 120, '+');
    expect_date("2005-04-07T22:13:13+0200", 1112904793, 120, '+');
    expect_date("2005-04-07T22:13:13+02", 1112904793, 120, '+');
    expect_date("2005-04-07 22:13:13 +0200", 1112904793, 120, '+');   /* --date=iso */
    expect_date("2005-04-07T22:13:13.250+02:00", 1112904793, 120, '+');
    expect_date("2005-04-07T20:13:13Z", 1112904793, 0, '+');
    expect_date("2005-04-07T20:13:13 UTC", 1112904793, 0, '+');
    expect_date("2005-04-07T16:43:13-03:30", 1112904793, -210, '-');
    expect_date("2005-04-07T22:13+02:00", 1112904780, 120, '+');
    expect_date("2000-02-29T12:00:00Z", 951825600, 0, '+');
    expect_date("2024-12-31T23:59:60Z", 1735689600, 0, '+');          /* a leap second */
}

static void test_date_rfc2822_and_git_default(void **state)
{
    (void)state;
    expect_date("Thu, 07 Apr 2005 22:13:13 +0200", 1112904793, 120, '+');
    expect_date("7 Apr 2005 22:13:13 +0200", 1112904793, 120, '+');
    expect_date("Thu Apr 7 22:13:13 2005 +0200", 1112904793, 120, '+');
    expect_date("Apr  7 22:13:13 2005 +0200", 1112904793, 120, '+');
}

/* No zone: local time, as git takes it. */
static void test_date_local_zone(void **state)
{
    (void)state;
    set_tz("XYZ-3");                                /* three hours east of UTC */
    expect_date("2005-04-07T22:13:13", 1112901193, 180, '+');
    expect_date("2005-04-07 22:13:13", 1112901193, 180, '+');
    expect_date("@1112904793", 1112904793, 180, '+');
    expect_date("2005-04-07T22:13:13+02:00", 1112904793, 120, '+');  /* a zone wins */
    set_tz("UTC0");
}

static void test_date_refused(void **state)
{
    (void)state;
    const char *bad[] = {
        "", "   ", "yesterday", "now", "@", "@x", "@12x", "@1112904793 +2500",
        "@1112904793 +02000", "@1112904793 0200", "@1112904793+0200", "@1112904793 +0200 x",
        "123 +0000",                                /* too short to be seconds, as in git */
        "2005-04-07", "2005-04-07T", "2005-04-07T22", "2005-4-7T22:13:13Z",
        "2005-13-01T00:00:00Z", "2005-00-01T00:00:00Z", "2005-02-29T00:00:00Z",
        "2005-04-31T00:00:00Z", "2005-04-00T00:00:00Z", "2005-04-07T24:00:00Z",
        "2005-04-07T22:60:00Z", "2005-04-07T22:13:61Z", "2005-04-07T22:13:13+02:00 junk",
        "2005-04-07T22:13:13+0200x", "2005-04-07T22:13:13 PST", "2005-04-07T22:13:13+24:00",
        "1969-12-31T23:59:59Z", "1970-01-01T00:30:00+01:00", "Thu, 07 Foo 2005 22:13:13 +0200",
        "Thursday, 07 Apr 2005 22:13:13 +0200", "Apr 7 2005 22:13:13 +0200",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_bad_date(bad[i]);
}

/* ---- who ---------------------------------------------------------------- */

static void expect_sig(const git_signature *sig, const char *name, const char *email)
{
    assert_non_null(sig);
    assert_string_equal(sig->name, name);
    assert_string_equal(sig->email, email);
}

static void test_config_for_both(void **state)
{
    fixture *f = *state;
    config_set(f, "user.name", "Ann Example");
    config_set(f, "user.email", "ann@example.com");
    git_signature *a, *c;
    db_err err = {0};
    time_t before = time(NULL);
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), 0);
    time_t after = time(NULL);
    expect_sig(a, "Ann Example", "ann@example.com");
    expect_sig(c, "Ann Example", "ann@example.com");
    assert_true(a->when.time >= before && a->when.time <= after);
    assert_true(a->when.time == c->when.time);     /* one instant for both */
    assert_int_equal(a->when.offset, 0);
    git_signature_free(a);
    git_signature_free(c);

    git_signature *sig;
    assert_int_equal(gitu_identity(f->git, &sig, &err), 0);
    expect_sig(sig, "Ann Example", "ann@example.com");
    git_signature_free(sig);
}

/* Each part falls back on its own; the committer's variables do not touch the author. */
static void test_environment_part_by_part(void **state)
{
    fixture *f = *state;
    config_set(f, "user.name", "Ann Example");
    config_set(f, "user.email", "ann@example.com");
    setenv("GIT_AUTHOR_NAME", "Bea Author", 1);
    setenv("GIT_COMMITTER_EMAIL", "cid@example.com", 1);
    setenv("GIT_AUTHOR_DATE", "@1112904793 +0200", 1);
    git_signature *a, *c;
    db_err err = {0};
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), 0);
    expect_sig(a, "Bea Author", "ann@example.com");
    expect_sig(c, "Ann Example", "cid@example.com");
    assert_int_equal(a->when.time, 1112904793);
    assert_int_equal(a->when.offset, 120);
    assert_true(c->when.time > 1112904793);          /* now */

    git_signature *sig;
    assert_int_equal(gitu_identity(f->git, &sig, &err), 0);   /* the author half */
    expect_sig(sig, "Bea Author", "ann@example.com");
    assert_int_equal(sig->when.time, 1112904793);
    git_signature_free(sig);
    git_signature_free(a);
    git_signature_free(c);

    setenv("GIT_COMMITTER_NAME", "Cid Committer", 1);
    setenv("GIT_AUTHOR_EMAIL", "bea@example.com", 1);
    setenv("GIT_COMMITTER_DATE", "2005-04-07T16:43:13-03:30", 1);
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), 0);
    expect_sig(a, "Bea Author", "bea@example.com");
    expect_sig(c, "Cid Committer", "cid@example.com");
    assert_int_equal(c->when.time, 1112904793);
    assert_int_equal(c->when.offset, -210);
    git_signature_free(a);
    git_signature_free(c);

    setenv("GIT_AUTHOR_DATE", "", 1);               /* empty: now, as in git */
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), 0);
    assert_true(a->when.time > 1112904793);
    git_signature_free(a);
    git_signature_free(c);
}

static void test_bad_date_in_words(void **state)
{
    fixture *f = *state;
    config_set(f, "user.name", "Ann Example");
    config_set(f, "user.email", "ann@example.com");
    setenv("GIT_COMMITTER_DATE", "next tuesday", 1);
    git_signature *a = (git_signature *)1, *c = (git_signature *)1;
    db_err err = {0};
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), DB_EUSAGE);
    assert_null(a);
    assert_null(c);
    assert_non_null(strstr(err.msg, "GIT_COMMITTER_DATE"));
    assert_non_null(strstr(err.msg, "'next tuesday'"));

    git_signature *sig;                              /* the author half does not read it */
    assert_int_equal(gitu_identity(f->git, &sig, &err), 0);
    git_signature_free(sig);
    setenv("GIT_AUTHOR_DATE", "2005-02-30T00:00:00Z", 1);
    assert_int_equal(gitu_identity(f->git, &sig, &err), DB_EUSAGE);
    assert_null(sig);
    assert_non_null(strstr(err.msg, "GIT_AUTHOR_DATE"));
}

/* author.* and committer.* before user.*, each for its own side. */
static void test_role_config(void **state)
{
    fixture *f = *state;
    config_set(f, "user.name", "Ann Example");
    config_set(f, "user.email", "ann@example.com");
    config_set(f, "author.name", "Bea Author");
    config_set(f, "committer.email", "cid@example.com");
    config_set(f, "committer.name", "");             /* empty: not given, as in git */
    git_signature *a, *c;
    db_err err = {0};
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), 0);
    expect_sig(a, "Bea Author", "ann@example.com");
    expect_sig(c, "Ann Example", "cid@example.com");
    git_signature_free(a);
    git_signature_free(c);

    setenv("GIT_AUTHOR_NAME", "Env Wins", 1);
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), 0);
    expect_sig(a, "Env Wins", "ann@example.com");
    git_signature_free(a);
    git_signature_free(c);
}

/* No configuration: $USER for the name; $EMAIL, else $USER@hostname. */
static void test_fallbacks(void **state)
{
    fixture *f = *state;
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    char *guess = xasprintf("tester@%s", host);
    git_signature *a, *c;
    db_err err = {0};
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), 0);
    expect_sig(a, "tester", guess);
    expect_sig(c, "tester", guess);
    git_signature_free(a);
    git_signature_free(c);

    setenv("EMAIL", "from-env@example.com", 1);
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), 0);
    expect_sig(a, "tester", "from-env@example.com");
    expect_sig(c, "tester", "from-env@example.com");
    git_signature_free(a);
    git_signature_free(c);

    config_set(f, "user.email", "ann@example.com");  /* user.email before $EMAIL */
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), 0);
    expect_sig(a, "tester", "ann@example.com");
    git_signature_free(a);
    git_signature_free(c);

    setenv("EMAIL", "", 1);                          /* empty: not given */
    git_config_delete_entry(f->cfg, "user.email");
    assert_int_equal(gitu_identity_pair(NULL, &a, &c, &err), 0);   /* no repository */
    expect_sig(a, "tester", guess);
    git_signature_free(a);
    git_signature_free(c);
    free(guess);
}

/* Spaces and .,:;<>"\' at either end go; < > inside go; empty is refused. */
static void test_crud_and_empty(void **state)
{
    fixture *f = *state;
    config_set(f, "user.email", "ann@example.com");
    setenv("GIT_AUTHOR_NAME", "  \"Ann <the> Example.\"; ", 1);
    setenv("GIT_COMMITTER_EMAIL", " <cid@example.com> ", 1);
    git_signature *a, *c;
    db_err err = {0};
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), 0);
    expect_sig(a, "Ann the Example", "ann@example.com");     /* the dot too, as in git */
    expect_sig(c, "tester", "cid@example.com");
    git_signature_free(a);
    git_signature_free(c);

    setenv("GIT_AUTHOR_NAME", " <> ", 1);
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), DB_EUSAGE);
    assert_non_null(strstr(err.msg, "GIT_AUTHOR_NAME"));
    assert_non_null(strstr(err.msg, "empty"));
    unsetenv("GIT_AUTHOR_NAME");

    setenv("GIT_COMMITTER_EMAIL", "", 1);
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), DB_EUSAGE);
    assert_null(a);
    assert_non_null(strstr(err.msg, "GIT_COMMITTER_EMAIL"));
    unsetenv("GIT_COMMITTER_EMAIL");

    config_set(f, "user.name", "");                  /* set empty: refused, as in git */
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), DB_EUSAGE);
    assert_non_null(strstr(err.msg, "user.name"));
}

/* user.useConfigOnly: no guessing from $USER, $EMAIL or the host name. */
static void test_use_config_only(void **state)
{
    fixture *f = *state;
    config_set(f, "user.useConfigOnly", "true");
    setenv("EMAIL", "from-env@example.com", 1);
    config_set(f, "user.name", "Ann Example");
    git_signature *a, *c;
    db_err err = {0};
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), DB_EUSAGE);
    assert_non_null(strstr(err.msg, "useConfigOnly"));
    assert_non_null(strstr(err.msg, "user.email"));

    setenv("GIT_AUTHOR_EMAIL", "bea@example.com", 1);
    setenv("GIT_COMMITTER_EMAIL", "cid@example.com", 1);
    assert_int_equal(gitu_identity_pair(f->git, &a, &c, &err), 0);
    expect_sig(a, "Ann Example", "bea@example.com");
    expect_sig(c, "Ann Example", "cid@example.com");
    git_signature_free(a);
    git_signature_free(c);

    git_config_delete_entry(f->cfg, "user.name");
    assert_int_equal(gitu_identity(f->git, &a, &err), DB_EUSAGE);
    assert_non_null(strstr(err.msg, "user.name"));
}

/* "My deals" match only what the user set: never the $USER or host guess. */
static void test_configured_parts(void **state)
{
    fixture *f = *state;
    char *name = NULL, *email = NULL;
    gitu_identity_configured(f->git, &name, &email);
    assert_null(name);
    assert_null(email);

    config_set(f, "user.name", " Ann Example. ");
    setenv("EMAIL", "ann@example.com", 1);
    gitu_identity_configured(f->git, &name, &email);
    assert_string_equal(name, "Ann Example");
    assert_string_equal(email, "ann@example.com");
    free(name);
    free(email);

    config_set(f, "user.email", "ann@work.example");
    setenv("GIT_AUTHOR_NAME", "Bea", 1);
    gitu_identity_configured(f->git, &name, &email);
    assert_string_equal(name, "Bea");
    assert_string_equal(email, "ann@work.example");
    free(name);
    free(email);

    config_set(f, "user.email", "");
    unsetenv("EMAIL");
    setenv("GIT_AUTHOR_NAME", "", 1);
    gitu_identity_configured(f->git, &name, &email);
    assert_null(name);               /* set empty: nothing to match */
    assert_null(email);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_date_raw),
        T(test_date_iso),
        T(test_date_rfc2822_and_git_default),
        T(test_date_local_zone),
        T(test_date_refused),
        T(test_config_for_both),
        T(test_environment_part_by_part),
        T(test_bad_date_in_words),
        T(test_role_config),
        T(test_fallbacks),
        T(test_crud_and_empty),
        T(test_use_config_only),
        T(test_configured_parts),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
