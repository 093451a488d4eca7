#include "gitutil.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- CA certificates, parsed when a connection may need them ----------
 * Debian's libgit2 is built with mbedTLS, and git_libgit2_init() parses every
 * system CA certificate (/etc/ssl/certs/ca-certificates.crt: base64-decoding
 * some 140 certificates, 55M instructions, ~5 ms) at every start of every
 * command, though only an https fetch, push or clone ever uses them; libgit2
 * has no setting to skip it. libgit2 is linked in statically (Makefile), and
 * the linker sends its calls of mbedtls_x509_crt_parse_file/_path to the
 * __wrap_ functions below (ld --wrap). While git_setup() runs
 * git_libgit2_init() they record the path and parse nothing (libgit2
 * installs an empty chain, which trusts nobody); any other call goes to
 * mbedTLS (__real_). git_tls_certs_load(), before every connection, hands
 * the recorded path to GIT_OPT_SET_SSL_CERT_LOCATIONS, which loads the chain
 * exactly as libgit2's init would have. With a libgit2 built on OpenSSL
 * (DEALBOARD_GIT_MBEDTLS=0) nothing is wrapped and nothing changes. */
static _Thread_local bool deferring_certs;     /* only inside git_setup's init */
static char deferred_cert_file[PATH_MAX], deferred_cert_dir[PATH_MAX];
static pthread_mutex_t certs_lock = PTHREAD_MUTEX_INITIALIZER;

#if DEALBOARD_GIT_MBEDTLS
struct mbedtls_x509_crt;     /* opaque: no mbedTLS headers needed */
int __real_mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);
int __real_mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path);
int __wrap_mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);
int __wrap_mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path);

/* Records path instead of parsing while deferring. */
static bool deferred(char *record, const char *path)
{
    if (!deferring_certs || !path || strlen(path) >= PATH_MAX)
        return false;
    snprintf(record, PATH_MAX, "%s", path);
    return true;
}

int __wrap_mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
    return deferred(deferred_cert_file, path) ? 0 : __real_mbedtls_x509_crt_parse_file(chain, path);
}

/* libgit2 takes GIT_DEFAULT_CERT_LOCATION as a directory when it is one. */
int __wrap_mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path)
{
    return deferred(deferred_cert_dir, path) ? 0 : __real_mbedtls_x509_crt_parse_path(chain, path);
}
#endif

int git_tls_certs_load(db_err *err)
{
    pthread_mutex_lock(&certs_lock);
    int rc = 0;
    const char *file = deferred_cert_file[0] ? deferred_cert_file : NULL;
    const char *dir = deferred_cert_dir[0] ? deferred_cert_dir : NULL;
    if (file || dir) {
        if (git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, dir) < 0) {
            rc = git_fail(err, DB_EIO, file ? file : dir);
        } else {                    /* loaded: later connections use the same chain */
            deferred_cert_file[0] = '\0';
            deferred_cert_dir[0] = '\0';
        }
    }
    pthread_mutex_unlock(&certs_lock);
    return rc;
}

const char *git_tls_certs_deferred(void)
{
    return deferred_cert_file[0] ? deferred_cert_file
                                 : deferred_cert_dir[0] ? deferred_cert_dir : NULL;
}

void git_setup(void)
{
    static int done;
    if (done++)
        return;
    deferring_certs = true;
    git_libgit2_init();
    deferring_certs = false;
    /* Without fsync a power cut can leave refs pointing at missing objects. */
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
}

/* core.sharedRepository as permission bits for files (0 = follow the umask). */
static mode_t shared_perm(git_repository *git)
{
    git_config *cfg = NULL;
    git_buf value = {0};
    mode_t perm = 0;
    if (git_repository_config_snapshot(&cfg, git) == 0 &&
        git_config_get_string_buf(&value, cfg, "core.sharedRepository") == 0) {
        const char *v = value.ptr;
        if (!strcasecmp(v, "group") || !strcasecmp(v, "true") || !strcmp(v, "1"))
            perm = 0660;
        else if (!strcasecmp(v, "all") || !strcasecmp(v, "world") ||
                 !strcasecmp(v, "everybody") || !strcmp(v, "2"))
            perm = 0664;
        else if (v[0] == '0' && v[1])
            perm = (mode_t)(strtoul(v, NULL, 8) & 0666);
    }
    git_buf_dispose(&value);
    git_config_free(cfg);
    return perm;
}

void git_apply_shared_umask(git_repository *git)
{
    mode_t mask = umask(0);
    mode_t perm = shared_perm(git);
    if (perm)                                  /* directories get x where r is */
        mask = 0777 & ~(perm | ((perm & 0444) >> 2));
    umask(mask | 0002);
}

int git_fail(db_err *err, int code, const char *what)
{
    const git_error *e = git_error_last();
    return db_fail(err, code, "%s: %s", what, e && e->message ? e->message : "unknown git error");
}

int git_identity(git_repository *git, git_signature **sig, db_err *err)
{
    if (git_signature_default(sig, git) == 0)
        return 0;
    /* Partly configured (user.name without user.email, say): keep what is
     * set, and take the rest from $USER@hostname. */
    git_config *cfg = NULL;
    git_buf name = {0}, mail = {0};
    if (git_repository_config_snapshot(&cfg, git) == 0) {
        git_config_get_string_buf(&name, cfg, "user.name");
        git_config_get_string_buf(&mail, cfg, "user.email");
    }
    git_error_clear();
    const char *user = getenv("USER");
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    if (!user || !*user)
        user = "dealboard";
    char *email = mail.size ? xstrdup(mail.ptr) : xasprintf("%s@%s", user, host);
    int rc = git_signature_now(sig, name.size ? name.ptr : user, email);
    free(email);
    git_buf_dispose(&name);
    git_buf_dispose(&mail);
    git_config_free(cfg);
    return rc < 0 ? git_fail(err, DB_EIO, "git identity") : 0;
}
