/* http(s) credentials without running git (store/http_cred.c): URLs as git's
 * credential store reads them, its matching and files, the settings from git
 * config, and the redaction of passwords in what is shown. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../store/http_cred.h"
#include "../../store/remote.h"

static char home[] = "/tmp/dealboard-http-cred-XXXXXX";

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_parse(void **state)
{
    (void)state;
    http_url u;
    assert_true(http_url_parse("https://alice:s3cret%40pw%2F42%20x@Git.Example.com/team/sales.git/",
                               &u));
    assert_string_equal(u.protocol, "https");
    assert_true(u.has_user && u.has_pass);
    assert_string_equal(u.user, "alice");
    assert_string_equal(u.pass, "s3cret@pw/42 x");
    assert_string_equal(u.host, "Git.Example.com");
    assert_int_equal(u.port, 443);
    assert_string_equal(u.path, "team/sales.git");

    assert_true(http_url_parse("HTTP://bob@127.0.0.1:8080", &u));
    assert_string_equal(u.protocol, "http");
    assert_true(u.has_user && !u.has_pass);
    assert_int_equal(u.port, 8080);
    assert_string_equal(u.path, "");

    assert_true(http_url_parse("https://[::1]:8443/x", &u));
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 8443);
    assert_false(u.has_user);

    assert_false(http_url_parse("/srv/team.git", &u));
    assert_false(http_url_parse("https://", &u));
    assert_false(http_url_parse("https://host:99999/x", &u));
}

static void test_redact(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"https://alice:pw@host/team.git", "https://alice@host/team.git"},
        {"https://alice@host:8443/team.git", "https://alice@host:8443/team.git"},
        {"http://host/a@b", "http://host/a@b"},              /* '@' in the path only */
        {"ssh://seller:pw@host/srv/x.git", "ssh://seller@host/srv/x.git"},
        {"seller@host:team.git", "seller@host:team.git"},
        {"/srv/team.git", "/srv/team.git"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *r = remote_url_redact(cases[i][0]);
        assert_string_equal(r, cases[i][1]);
        free(r);
    }
    char *s = http_url_strip_userinfo("https://alice:pw@host:1/x");
    assert_string_equal(s, "https://host:1/x");
    free(s);
}

static void test_match(void **state)
{
    (void)state;
    http_url want, have;
    assert_true(http_url_parse("https://host/team.git", &want));
    assert_true(http_url_parse("https://alice:pw@host", &have));
    assert_true(http_cred_match(&want, &have, false));
    assert_false(http_cred_match(&want, &have, true));     /* useHttpPath: the path counts */
    assert_true(http_url_parse("https://alice:pw@host:443/team.git/", &have));
    assert_true(http_cred_match(&want, &have, true));      /* the default port, a trailing / */
    assert_true(http_url_parse("http://alice:pw@host", &have));
    assert_false(http_cred_match(&want, &have, false));    /* another protocol */
    assert_true(http_url_parse("https://alice:pw@host:8443", &have));
    assert_false(http_cred_match(&want, &have, false));    /* another port */
    assert_true(http_url_parse("https://bob@host/team.git", &want));
    assert_true(http_url_parse("https://alice:pw@host", &have));
    assert_false(http_cred_match(&want, &have, false));    /* the URL names another user */
}

static void test_store_file(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/store", home);
    write_file(path, "not a url\n"
                     "https://nopass@host\n"
                     "https://alice:first@other\n"
                     "https://alice:second%3Apw@host\r\n"
                     "https://bob:third@host\n");
    http_url want, found;
    assert_true(http_url_parse("https://host/team.git", &want));
    assert_true(http_cred_store_find(path, &want, false, &found));
    assert_string_equal(found.user, "alice");
    assert_string_equal(found.pass, "second:pw");
    assert_true(http_url_parse("https://bob@host/team.git", &want));
    assert_true(http_cred_store_find(path, &want, false, &found));
    assert_string_equal(found.pass, "third");
    assert_true(http_url_parse("https://carol@host/team.git", &want));
    assert_false(http_cred_store_find(path, &want, false, &found));
    assert_false(http_cred_store_find("/nonexistent/store", &want, false, &found));
}

static void test_store_files(void **state)
{
    (void)state;
    http_settings s;
    char files[2][HTTP_CRED_PATH];
    memset(&s, 0, sizeof s);
    setenv("HOME", "/home/sam", 1);
    setenv("XDG_CONFIG_HOME", "/xdg", 1);
    assert_int_equal(http_cred_store_files(&s, files, 2), 2);
    assert_string_equal(files[0], "/home/sam/.git-credentials");
    assert_string_equal(files[1], "/xdg/git/credentials");
    unsetenv("XDG_CONFIG_HOME");
    assert_int_equal(http_cred_store_files(&s, files, 2), 2);
    assert_string_equal(files[1], "/home/sam/.config/git/credentials");
    snprintf(s.store_file, sizeof s.store_file, "~/team-creds");
    assert_int_equal(http_cred_store_files(&s, files, 2), 1);
    assert_string_equal(files[0], "/home/sam/team-creds");
    char *label = http_cred_path_label("/home/sam/.git-credentials");
    assert_string_equal(label, "~/.git-credentials");
    free(label);
    setenv("HOME", home, 1);
}

/* A configuration of two files, as git layers them. */
static git_config *layered(const char *global, const char *local)
{
    char gpath[128], lpath[128];
    snprintf(gpath, sizeof gpath, "%s/global", home);
    snprintf(lpath, sizeof lpath, "%s/local", home);
    write_file(gpath, global);
    write_file(lpath, local);
    git_config *cfg = NULL;
    assert_int_equal(git_config_new(&cfg), 0);
    assert_int_equal(git_config_add_file_ondisk(cfg, gpath, GIT_CONFIG_LEVEL_GLOBAL, NULL, 0), 0);
    assert_int_equal(git_config_add_file_ondisk(cfg, lpath, GIT_CONFIG_LEVEL_LOCAL, NULL, 0), 0);
    return cfg;
}

static void test_settings(void **state)
{
    (void)state;
    unsetenv("GIT_SSL_NO_VERIFY");
    unsetenv("GIT_SSL_CAINFO");
    http_settings s;
    http_settings_load(NULL, &s);
    assert_false(s.store);
    assert_true(s.ssl_verify);
    assert_string_equal(s.ssl_ca_info, "");

    git_config *cfg = layered("[credential]\n\thelper = store --file=~/creds\n"
                              "[http]\n\tsslCAInfo = ~/ca.pem\n",
                              "[credential]\n\tuseHttpPath = true\n[http]\n\tsslVerify = false\n");
    http_settings_load(cfg, &s);
    assert_true(s.store);
    assert_string_equal(s.store_file, "~/creds");
    assert_true(s.use_http_path);
    assert_false(s.ssl_verify);
    char want[256];
    snprintf(want, sizeof want, "%s/ca.pem", home);
    assert_string_equal(s.ssl_ca_info, want);
    git_config_free(cfg);

    /* An empty helper clears the ones before it: git runs the global file's
     * first, whatever order libgit2 lists them in. */
    cfg = layered("[credential]\n\thelper = store\n", "[credential]\n\thelper =\n\thelper = cache\n");
    http_settings_load(cfg, &s);
    assert_false(s.store);
    assert_string_equal(s.unsupported, "cache");
    git_config_free(cfg);
    cfg = layered("[credential]\n\thelper = cache --timeout 300\n", "[credential]\n\thelper = store\n");
    http_settings_load(cfg, &s);
    assert_true(s.store);
    assert_string_equal(s.store_file, "");
    assert_string_equal(s.unsupported, "cache");
    git_config_free(cfg);

    setenv("GIT_SSL_NO_VERIFY", "1", 1);
    setenv("GIT_SSL_CAINFO", "/etc/team-ca.pem", 1);
    http_settings_load(NULL, &s);
    assert_false(s.ssl_verify);
    assert_string_equal(s.ssl_ca_info, "/etc/team-ca.pem");
    assert_true(s.ca_from_env);
    unsetenv("GIT_SSL_NO_VERIFY");
    unsetenv("GIT_SSL_CAINFO");
}

static void test_no_prompt(void **state)
{
    (void)state;
    char user[64] = "", pass[64] = "";
    setenv("GIT_TERMINAL_PROMPT", "0", 1);
    assert_int_equal(http_cred_prompt("https://host", user, sizeof user, pass, sizeof pass),
                     HTTP_PROMPT_FORBIDDEN);
    unsetenv("GIT_TERMINAL_PROMPT");
    assert_string_equal(pass, "");
}

int main(void)
{
    if (!mkdtemp(home))
        return 1;
    setenv("HOME", home, 1);        /* before libgit2 reads it, for its ~ */
    git_libgit2_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),       cmocka_unit_test(test_redact),
        cmocka_unit_test(test_match),       cmocka_unit_test(test_store_file),
        cmocka_unit_test(test_store_files), cmocka_unit_test(test_settings),
        cmocka_unit_test(test_no_prompt),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    git_libgit2_shutdown();
    return rc;
}
