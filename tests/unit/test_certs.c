/* The deferred parse of the system CA certificates (store/gitutil.c): git_setup
 * records the file instead of parsing it, git_tls_certs_load parses it for real
 * through libgit2, later parses reach mbedTLS and report errors in words. Only
 * meaningful with a libgit2 built with mbedTLS (Debian's, linked in
 * statically with ld --wrap); with OpenSSL nothing is deferred and the tests
 * that need mbedTLS are skipped. The tests run in
 * order in one process: the first one makes the one git_setup() call. */
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

#include "../../store/gitutil.h"

#define SYSTEM_CA "/etc/ssl/certs/ca-certificates.crt"   /* Debian's GIT_DEFAULT_CERT_LOCATION */

/* libgit2 uses mbedTLS when it was linked with it (the Makefile says so),
 * and the system file exists for libgit2 to load. */
static bool mbedtls_with_system_ca(void)
{
    struct stat st;
    return DEALBOARD_GIT_MBEDTLS && stat(SYSTEM_CA, &st) == 0 && S_ISREG(st.st_mode);
}

static void test_setup_defers_the_parse(void **state)
{
    (void)state;
    assert_null(git_tls_certs_deferred());
    git_setup();
    if (!mbedtls_with_system_ca()) {
        assert_null(git_tls_certs_deferred());           /* OpenSSL: nothing changes */
        skip();
    }
    /* Recorded only by the stand-in that did not parse. */
    assert_non_null(git_tls_certs_deferred());
    assert_string_equal(git_tls_certs_deferred(), SYSTEM_CA);
}

static void test_load_parses_once(void **state)
{
    (void)state;
    db_err err = {0};
    assert_int_equal(git_tls_certs_load(&err), 0);
    assert_null(git_tls_certs_deferred());
    assert_int_equal(git_tls_certs_load(&err), 0);      /* nothing left to do */
    assert_int_equal(err.code, 0);
}

static void expect_load_error(const char *file)
{
    assert_true(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, NULL) < 0);
    const git_error *e = git_error_last();
    assert_non_null(e);
    assert_non_null(strstr(e->message, "failed to load CA certificates"));
    git_error_clear();
}

/* After git_setup, parses go to mbedTLS: a bad file is an error, a good one loads. */
static void test_later_parses_are_real(void **state)
{
    (void)state;
    if (!mbedtls_with_system_ca())
        skip();
    expect_load_error("/nonexistent/ca-certificates.crt");
    char bogus[] = "/tmp/dealboard-certs-XXXXXX";
    int fd = mkstemp(bogus);
    assert_true(fd >= 0);
    const char junk[] = "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n";
    assert_int_equal(write(fd, junk, sizeof junk - 1), (int)(sizeof junk - 1));
    close(fd);
    expect_load_error(bogus);
    unlink(bogus);
    assert_int_equal(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, SYSTEM_CA, NULL), 0);
    assert_null(git_tls_certs_deferred());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_setup_defers_the_parse),
        cmocka_unit_test(test_load_parses_once),
        cmocka_unit_test(test_later_parses_are_real),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
