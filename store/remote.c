/* The team remote (see remote.h). Credentials: ssh-agent first, then the
 * default keys in ~/.ssh, a bounded number of attempts per connection. Host
 * keys: libgit2 (libssh2 build on Debian 12) checks ~/.ssh/known_hosts; we
 * refuse unknown hosts and say how to add them. */
#include "remote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitutil.h"
#include "packcopy.h"

static const char *const default_keys[] = {"id_ed25519", "id_ecdsa", "id_rsa"};
#define NKEYS (sizeof default_keys / sizeof *default_keys)

void remote_ctx_init(remote_ctx *ctx, const char *name, const char *url)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->name = name;
    snprintf(ctx->url, sizeof ctx->url, "%s", url ? url : "");
}

void remote_ctx_free(remote_ctx *ctx)
{
    sb_free(&ctx->tried);
}

/* Each connection starts its credential list again. */
static void reset(remote_ctx *ctx)
{
    ctx->attempts = 0;
    ctx->next_source = 0;
    ctx->auth_exhausted = false;
    ctx->host_unknown = false;
    ctx->push_rejected = false;
    ctx->reject_why[0] = '\0';
    sb_free(&ctx->tried);
}

static void tried(remote_ctx *ctx, const char *what)
{
    sb_printf(&ctx->tried, "%s%s", ctx->tried.len ? ", " : "", what);
}

static int give_up(remote_ctx *ctx, const char *why)
{
    ctx->auth_exhausted = true;
    git_error_set_str(GIT_ERROR_SSH, why);
    return GIT_EAUTH;
}

/* The next key file in ~/.ssh that exists, as a credential. */
static int key_file_cred(git_credential **out, remote_ctx *ctx, const char *user)
{
    const char *home = getenv("HOME");
    while (home && ctx->next_source >= 1 && (size_t)ctx->next_source <= NKEYS) {
        const char *name = default_keys[ctx->next_source++ - 1];
        char *priv = xasprintf("%s/.ssh/%s", home, name), *pub = xasprintf("%s.pub", priv);
        int rc = 1;
        if (access(priv, R_OK) == 0) {
            char *label = xasprintf("~/.ssh/%s", name);
            tried(ctx, label);
            free(label);
            rc = git_credential_ssh_key_new(out, user, access(pub, R_OK) == 0 ? pub : NULL,
                                            priv, NULL);
        }
        free(priv);
        free(pub);
        if (rc <= 0)
            return rc;
    }
    return give_up(ctx, "no more ssh keys to try");
}

static int credentials(git_credential **out, const char *url, const char *user_from_url,
                       unsigned int allowed, void *payload)
{
    (void)url;
    remote_ctx *ctx = payload;
    const char *user = user_from_url && *user_from_url ? user_from_url : getenv("USER");
    if (!user || !*user)
        user = "git";
    if (++ctx->attempts > REMOTE_MAX_AUTH)
        return give_up(ctx, "too many authentication attempts");
    if (allowed & GIT_CREDENTIAL_USERNAME)
        return git_credential_username_new(out, user);
    if (!(allowed & GIT_CREDENTIAL_SSH_KEY))
        return give_up(ctx, "the server does not accept ssh keys (dealboard uses no passwords)");
    if (ctx->next_source == 0) {
        ctx->next_source = 1;
        const char *sock = getenv("SSH_AUTH_SOCK");
        if (sock && *sock) {
            tried(ctx, "ssh-agent");
            return git_credential_ssh_key_from_agent(out, user);
        }
    }
    return key_file_cred(out, ctx, user);
}

static int certificate_check(git_cert *cert, int valid, const char *host, void *payload)
{
    remote_ctx *ctx = payload;
    if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
        return GIT_PASSTHROUGH;                 /* https: libgit2's own checks */
    if (valid)
        return 0;
    ctx->host_unknown = true;
    snprintf(ctx->host, sizeof ctx->host, "%s", host ? host : "");
    git_error_set_str(GIT_ERROR_SSH, "the host key is not in ~/.ssh/known_hosts");
    return GIT_ECERTIFICATE;
}

static int push_update(const char *refname, const char *status, void *payload)
{
    (void)refname;
    remote_ctx *ctx = payload;
    if (status) {
        ctx->push_rejected = true;
        snprintf(ctx->reject_why, sizeof ctx->reject_why, "%s", status);
    }
    return 0;
}

void remote_callbacks(git_remote_callbacks *cb, remote_ctx *ctx)
{
    cb->credentials = credentials;
    cb->certificate_check = certificate_check;
    cb->push_update_reference = push_update;
    cb->payload = ctx;
}

/* Callbacks, and the CA certificates whose parse git_setup deferred (gitutil.c).
 * Only http(s) needs them: if they cannot be read, ssh and local remotes still work. */
static int connection_setup(git_remote_callbacks *cb, remote_ctx *ctx, const char *doing,
                            db_err *err)
{
    remote_callbacks(cb, ctx);
    db_err cert_err = {0};
    if (git_tls_certs_load(&cert_err) == 0 || strncasecmp(ctx->url, "http", 4) != 0) {
        git_error_clear();
        return 0;
    }
    return db_fail(err, DB_EIO, "cannot %s '%s' (%s): cannot load the CA certificates: %s",
                   doing, ctx->name, ctx->url, cert_err.msg);
}

/* ---- errors in words -------------------------------------------------- */

/* libssh2 sometimes fails on the round trip after a refused key ("Failed to retrieve
 * list of SSH authentication methods") before asking us for the next one. */
static bool auth_failed(const remote_ctx *ctx, const git_error *e)
{
    if (ctx->auth_exhausted)
        return true;
    if (ctx->attempts == 0 || !e || e->klass != GIT_ERROR_SSH || !e->message)
        return false;
    for (const char *p = e->message; *p; p++)
        if (strncmp(p, "auth", 4) == 0 || strncmp(p, "Auth", 4) == 0)
            return true;
    return false;
}

/* True when ~/.ssh/known_hosts names the host in plain text (hashed names cannot
 * be matched without HMAC): its key then changed rather than being unknown. */
static bool known_host_listed(const char *url)
{
    char host[256], *pattern;
    int port;
    const char *home = getenv("HOME");
    if (!home || !remote_ssh_host_port(url, host, sizeof host, &port))
        return false;
    pattern = port == 22 ? xstrdup(host) : xasprintf("[%s]:%d", host, port);
    char *file = xasprintf("%s/.ssh/known_hosts", home);
    FILE *f = fopen(file, "r");
    char line[8192];
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f)) {
        char *save = NULL, *names = strtok_r(line, " \t", &save);
        for (char *n = names ? strtok_r(names, ",", &save) : NULL; n && !found;
             n = strtok_r(NULL, ",", &save))
            found = strcmp(n, pattern) == 0;
    }
    if (f)
        fclose(f);
    free(file);
    free(pattern);
    return found;
}

static int host_key_error(remote_ctx *ctx, db_err *err, const char *doing)
{
    char host[256] = "";
    int port = 22;
    remote_ssh_host_port(ctx->url, host, sizeof host, &port);
    int rc;
    if (known_host_listed(ctx->url)) {
        char *name = port == 22 ? xstrdup(host) : xasprintf("'[%s]:%d'", host, port);
        rc = db_fail(err, DB_EIO,
                     "cannot %s '%s' (%s): the ssh host key of %s does not match the one in "
                     "~/.ssh/known_hosts. If the server was really re-installed, remove the old "
                     "key (ssh-keygen -R %s) and add the new one; otherwise do not connect, and "
                     "tell whoever runs the server",
                     doing, ctx->name, ctx->url, ctx->host, name);
        free(name);
        return rc;
    }
    char *hint = remote_keyscan_hint(ctx->url);
    rc = db_fail(err, DB_EIO,
                 "cannot %s '%s' (%s): the ssh host key of %s is not in ~/.ssh/known_hosts. "
                 "Check the key with whoever runs the server, then add it: %s (or connect once "
                 "with ssh)",
                 doing, ctx->name, ctx->url, ctx->host, hint ? hint : "ssh-keyscan");
    free(hint);
    return rc;
}

static int network_error(remote_ctx *ctx, db_err *err, const char *doing)
{
    const git_error *e = git_error_last();
    const char *why = e && e->message ? e->message : "unknown error";
    if (ctx->host_unknown)
        return host_key_error(ctx, err, doing);
    if (auth_failed(ctx, e))
        return db_fail(err, DB_EIO,
                       "cannot %s '%s' (%s): ssh authentication failed; tried %s. Load your key "
                       "with ssh-add, or ask for your public key to be added on the server",
                       doing, ctx->name, ctx->url,
                       ctx->tried.len ? ctx->tried.data : "no keys (no ssh-agent, no ~/.ssh/id_*)");
    return db_fail(err, DB_EIO, "cannot %s '%s' (%s): %s", doing, ctx->name, ctx->url, why);
}

static int lookup(git_repository *git, remote_ctx *ctx, git_remote **out, db_err *err)
{
    if (git_remote_lookup(out, git, ctx->name) < 0)
        return db_fail(err, DB_EIO,
                       "this pipeline has no remote '%s' to sync with (clone the team's "
                       "pipeline with 'dealboard clone URL', or add one with "
                       "'git remote add %s URL')", ctx->name, ctx->name);
    const char *url = git_remote_pushurl(*out) ? git_remote_pushurl(*out) : git_remote_url(*out);
    snprintf(ctx->url, sizeof ctx->url, "%s", url ? url : "");
    return 0;
}

/* ---- a remote on this machine ----------------------------------------- */

/* The remote opened directly when it is a bare repository given as a path or
 * file:// URL (packcopy.c: the cost follows what changed); NULL otherwise,
 * and libgit2's transports do the work (and report the errors). */
static git_repository *open_local_bare(const char *url)
{
    if (!url)
        return NULL;
    const char *path = url;
    if (strncmp(url, "file://", 7) == 0)
        path = url + 7;
    else if (strstr(url, "://") || remote_url_is_ssh(url))
        return NULL;
    git_repository *repo = NULL;
    if (!*path || strchr(path, '%') ||           /* escaped file:// URLs: libgit2 decodes */
        git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
        git_error_clear();
        return NULL;
    }
    if (!git_repository_is_bare(repo)) {
        git_repository_free(repo);
        return NULL;
    }
    return repo;
}

/* err says what failed; this names the remote too. */
static int local_error(remote_ctx *ctx, db_err *err, const char *doing)
{
    char why[sizeof err->msg];
    snprintf(why, sizeof why, "%s", err->msg);
    return db_fail(err, DB_EIO, "cannot %s '%s' (%s): %s", doing, ctx->name, ctx->url, why);
}

/* 1 found, 0 absent, -1 error. */
static int branch_tip(git_repository *git, const char *ref, git_oid *out)
{
    int rc = git_reference_name_to_id(out, git, ref);
    if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        return 0;
    }
    return rc < 0 ? -1 : 1;
}

static int local_fetch(git_repository *git, git_repository *remote, remote_ctx *ctx,
                       const char *branch, db_err *err)
{
    char *head = xasprintf("refs/heads/%s", branch);
    char *tref = xasprintf("refs/remotes/%s/%s", ctx->name, branch);
    git_oid theirs, complete[2];
    size_t n = 0;
    int found = branch_tip(remote, head, &theirs), rc = 0;
    if (found < 0)
        rc = git_fail(err, DB_EIO, head);
    if (branch_tip(git, tref, &complete[n]) == 1)
        n++;
    if (branch_tip(git, "HEAD", &complete[n]) == 1)
        n++;
    if (!rc && found)
        rc = packcopy(remote, git, &theirs, complete, n, err);
    git_reference *ref = NULL;
    if (!rc && found && git_reference_create(&ref, git, tref, &theirs, 1,
                                             "dealboard sync: fetch") < 0)
        rc = git_fail(err, DB_EIO, tref);
    git_reference_free(ref);
    git_error_clear();
    free(head);
    free(tref);
    return rc ? local_error(ctx, err, "fetch from") : 0;
}

static void refuse(remote_ctx *ctx, bool *rejected, const char *why)
{
    *rejected = true;
    snprintf(ctx->reject_why, sizeof ctx->reject_why, "%s", why);
}

/* Objects first, then the branch, moved only if nobody moved it meanwhile. */
static int local_push(git_repository *git, git_repository *remote, remote_ctx *ctx,
                      const char *branch, bool *rejected, db_err *err)
{
    char *name = xasprintf("refs/heads/%s", branch);
    char *tref = xasprintf("refs/remotes/%s/%s", ctx->name, branch);
    git_oid ours, complete[2];
    size_t n = 0;
    int rc = branch_tip(git, name, &ours) == 1 ? 0 : git_fail(err, DB_EIO, name);
    int has_theirs = rc ? 0 : branch_tip(remote, name, &complete[0]);
    if (has_theirs < 0)
        rc = git_fail(err, DB_EIO, name);
    git_odb *odb = NULL;
    if (!rc && git_repository_odb(&odb, git) < 0)
        rc = git_fail(err, DB_EIO, "opening the object database");
    if (!rc && has_theirs == 1) {
        n = 1;
        if (!git_odb_exists(odb, &complete[0]))
            refuse(ctx, rejected, "the remote has commits that are not here (fetch first)");
        else if (!git_oid_equal(&ours, &complete[0]) &&
                 git_graph_descendant_of(git, &ours, &complete[0]) != 1)
            refuse(ctx, rejected, "cannot push non-fastforwardable reference");
    }
    if (!rc && !*rejected && branch_tip(git, tref, &complete[n]) == 1)
        n++;
    if (!rc && !*rejected)
        rc = packcopy(git, remote, &ours, complete, n, err);
    git_reference *ref = NULL;
    int grc = rc || *rejected ? 0
              : has_theirs == 1 ? git_reference_create_matching(&ref, remote, name, &ours, 1,
                                                                &complete[0], "push")
                                : git_reference_create(&ref, remote, name, &ours, 0, "push");
    if (grc == GIT_EMODIFIED || grc == GIT_EEXISTS || grc == GIT_ELOCKED)
        refuse(ctx, rejected, grc == GIT_ELOCKED ? "a teammate's push is updating the branch"
                                                 : "the branch moved meanwhile (someone "
                                                   "pushed first)");
    else if (grc < 0)
        rc = git_fail(err, DB_EIO, name);
    git_reference_free(ref);
    git_error_clear();
    git_odb_free(odb);
    free(name);
    free(tref);
    return rc ? local_error(ctx, err, "push to") : 0;
}

/* ---- fetch, push, clone ---------------------------------------------- */

int remote_fetch(git_repository *git, remote_ctx *ctx, const char *branch, db_err *err)
{
    git_remote *remote = NULL;
    int rc = lookup(git, ctx, &remote, err);
    if (rc)
        return rc;
    reset(ctx);
    git_repository *local = open_local_bare(git_remote_url(remote));
    if (local) {
        git_remote_free(remote);
        rc = local_fetch(git, local, ctx, branch, err);
        git_repository_free(local);
        return rc;
    }
    char *spec = xasprintf("+refs/heads/%s:refs/remotes/%s/%s", branch, ctx->name, branch);
    git_strarray specs = {&spec, 1};
    git_fetch_options opts;
    git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
    opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    rc = connection_setup(&opts.callbacks, ctx, "fetch from", err);
    if (!rc && git_remote_fetch(remote, &specs, &opts, "dealboard sync: fetch") < 0)
        rc = network_error(ctx, err, "fetch from");
    free(spec);
    git_remote_free(remote);
    return rc;
}

int remote_push(git_repository *git, remote_ctx *ctx, const char *branch, bool *rejected,
                db_err *err)
{
    git_remote *remote = NULL;
    *rejected = false;
    int rc = lookup(git, ctx, &remote, err);
    if (rc)
        return rc;
    reset(ctx);
    git_repository *local = open_local_bare(ctx->url);        /* the push URL */
    if (local) {
        git_remote_free(remote);
        mode_t mask = umask(0);
        umask(mask);
        git_apply_shared_umask(local);           /* its core.sharedRepository, as git does */
        rc = local_push(git, local, ctx, branch, rejected, err);
        umask(mask);
        git_repository_free(local);
        return rc;
    }
    char *spec = xasprintf("refs/heads/%s:refs/heads/%s", branch, branch);
    git_strarray specs = {&spec, 1};
    git_push_options opts;
    git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
    opts.pb_parallelism = 0;                     /* delta search on every core */
    rc = connection_setup(&opts.callbacks, ctx, "push to", err);
    int grc = rc ? 0 : git_remote_push(remote, &specs, &opts);
    if (grc == GIT_ENONFASTFORWARD) {
        *rejected = true;                        /* noticed before sending anything */
        const git_error *e = git_error_last();
        snprintf(ctx->reject_why, sizeof ctx->reject_why, "%s",
                 e && e->message ? e->message : "not a fast-forward");
    } else if (grc < 0) {
        rc = network_error(ctx, err, "push to");
    } else if (ctx->push_rejected) {
        *rejected = true;                        /* the remote said no, with status 0 */
    }
    free(spec);
    git_remote_free(remote);
    return rc;
}

int remote_clone(const char *url, const char *dir, git_repository **out, db_err *err)
{
    remote_ctx ctx;
    remote_ctx_init(&ctx, "origin", url);
    git_clone_options opts;
    git_clone_options_init(&opts, GIT_CLONE_OPTIONS_VERSION);
    opts.checkout_opts.checkout_strategy = GIT_CHECKOUT_SAFE;
    int rc = connection_setup(&opts.fetch_opts.callbacks, &ctx, "clone", err);
    if (!rc && git_clone(out, url, dir, &opts) < 0)
        rc = network_error(&ctx, err, "clone");
    remote_ctx_free(&ctx);
    return rc;
}

/* ---- URLs ------------------------------------------------------------- */

bool remote_url_is_ssh(const char *url)
{
    if (!url)
        return false;
    if (strncmp(url, "ssh://", 6) == 0 || strncmp(url, "ssh+git://", 10) == 0 ||
        strncmp(url, "git+ssh://", 10) == 0)
        return true;
    if (strstr(url, "://") || url[0] == '/' || url[0] == '.')
        return false;
    const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
    return colon && colon != url && (!slash || colon < slash);
}

bool remote_ssh_host_port(const char *url, char *host, size_t hostlen, int *port)
{
    if (!remote_url_is_ssh(url) || hostlen == 0)
        return false;
    const char *p = strstr(url, "://");
    bool scp = !p;
    p = scp ? url : p + 3;
    const char *at = strchr(p, '@'), *end_host = scp ? strchr(p, ':') : strpbrk(p, ":/");
    if (at && (!end_host || at < end_host)) {
        p = at + 1;
        end_host = scp ? strchr(p, ':') : strpbrk(p, ":/");
    }
    if (*p == '[') {                                   /* [::1]:2222 */
        const char *close = strchr(p, ']');
        if (!close)
            return false;
        p++;
        end_host = close;
    }
    size_t n = end_host ? (size_t)(end_host - p) : strlen(p);
    if (n == 0 || n >= hostlen)
        return false;
    memcpy(host, p, n);
    host[n] = '\0';
    *port = 22;
    const char *after = end_host && *end_host == ']' ? end_host + 1 : end_host;
    if (!scp && after && *after == ':')
        *port = atoi(after + 1) > 0 ? atoi(after + 1) : 22;
    return true;
}

char *remote_keyscan_hint(const char *url)
{
    char host[256];
    int port;
    if (!remote_ssh_host_port(url, host, sizeof host, &port))
        return NULL;
    if (port == 22)
        return xasprintf("ssh-keyscan %s >> ~/.ssh/known_hosts", host);
    return xasprintf("ssh-keyscan -p %d %s >> ~/.ssh/known_hosts", port, host);
}

char *remote_default_dir(const char *url)
{
    char *copy = xstrdup(url ? url : "");
    size_t n = strlen(copy);
    while (n > 0 && copy[n - 1] == '/')
        copy[--n] = '\0';
    char *base = copy;
    for (char *p = copy; *p; p++)
        if (*p == '/' || *p == ':')
            base = p + 1;
    n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".git") == 0)
        base[n - 4] = '\0';
    char *out = xstrdup(*base ? base : "pipeline");
    free(copy);
    return out;
}
