/* ~/.ssh/config as ssh reads it (store/ssh_config.c) and its use on remote
 * URLs (store/remote.c): the Host alias a URL names resolves to its HostName,
 * Port, User and IdentityFile. */
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

#include "../../store/remote.h"
#include "../../store/ssh_config.h"

static const char config[] =
    "# the team's server\n"
    "Host team team-backup\n"
    "    HostName git.example.com\n"
    "    Port 2222\n"
    "    User seller\n"
    "    IdentityFile ~/.ssh/team_key\n"
    "    IdentityFile=%d/.ssh/second_%r\n"
    "Host *.example.com !secret.example.com\n"
    "  User wildcard\n"
    "Match host other\n"
    "  User from-match\n"
    "Host *\n"
    "  Port 2200\n"
    "  IdentitiesOnly yes\n";

static void lookup(const char *host, ssh_host *out)
{
    memset(out, 0, sizeof *out);
    ssh_config_lookup(config, host, "/home/sam", "sam", out);
}

static void test_alias(void **state)
{
    (void)state;
    ssh_host h;
    lookup("team", &h);
    assert_string_equal(h.hostname, "git.example.com");
    assert_int_equal(h.port, 2222);                 /* the first value wins, not Host *'s */
    assert_string_equal(h.user, "seller");
    assert_int_equal(h.nidentities, 2);
    assert_string_equal(h.identities[0], "/home/sam/.ssh/team_key");
    assert_string_equal(h.identities[1], "/home/sam/.ssh/second_seller");
    assert_true(h.identities_only);
    lookup("TEAM-backup", &h);                       /* case does not matter */
    assert_string_equal(h.hostname, "git.example.com");
}

static void test_patterns(void **state)
{
    (void)state;
    ssh_host h;
    lookup("build.example.com", &h);
    assert_string_equal(h.user, "wildcard");
    assert_string_equal(h.hostname, "");
    assert_int_equal(h.port, 2200);
    lookup("secret.example.com", &h);               /* negated */
    assert_string_equal(h.user, "");
    lookup("other", &h);                             /* Match blocks are not applied */
    assert_string_equal(h.user, "");
    assert_int_equal(h.port, 2200);
}

static char dir[] = "/tmp/dealboard-sshcfg-XXXXXX";

static void with_home_config(const char *text)
{
    assert_non_null(mkdtemp(dir));
    char ssh[64], file[80];
    snprintf(ssh, sizeof ssh, "%s/.ssh", dir);
    snprintf(file, sizeof file, "%s/config", ssh);
    assert_int_equal(mkdir(ssh, 0700), 0);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    setenv("HOME", dir, 1);
}

static void test_urls(void **state)
{
    (void)state;
    with_home_config("Host team\n  HostName 127.0.0.1\n  Port 2222\n  User git\n"
                     "Host plain\n  HostName real.example.com\n");
    ssh_host h;
    char *url = remote_apply_ssh_config("team:pipelines/sales.git", &h);
    assert_string_equal(url, "ssh://git@127.0.0.1:2222/~/pipelines/sales.git");
    free(url);
    url = remote_apply_ssh_config("ssh://me@team/srv/sales.git", &h);   /* the URL's user wins */
    assert_string_equal(url, "ssh://me@127.0.0.1:2222/srv/sales.git");
    free(url);
    url = remote_apply_ssh_config("ssh://team:2022/srv/sales.git", &h); /* and its port */
    assert_string_equal(url, "ssh://git@127.0.0.1:2022/srv/sales.git");
    free(url);
    url = remote_apply_ssh_config("plain:/srv/x.git", &h);
    assert_string_equal(url, "ssh://real.example.com/srv/x.git");
    free(url);
    assert_null(remote_apply_ssh_config("elsewhere:/srv/x.git", &h));  /* nothing applies */
    assert_null(remote_apply_ssh_config("/srv/x.git", &h));            /* not ssh */
    assert_null(remote_apply_ssh_config("https://team/x.git", &h));
    char path[96];
    snprintf(path, sizeof path, "%s/.ssh/config", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/.ssh", dir);
    rmdir(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alias),
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_urls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
