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
#include "fsutil.h"
#include "ssh_config.h"

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
    sb_free(&ctx->server_said);
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
    sb_free(&ctx->server_said);
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

/* The key files to offer after the agent: ~/.ssh/config's IdentityFile
 * entries for the host, or else ssh's default keys (as ssh does). */
static size_t key_files(const remote_ctx *ctx, char out[][512], size_t max)
{
    size_t n = 0;
    for (; n < ctx->ssh.nidentities && n < max; n++)
        snprintf(out[n], sizeof out[n], "%s", ctx->ssh.identities[n]);
    const char *home = getenv("HOME");
    for (size_t i = 0; n == 0 && home && i < NKEYS; i++)
        snprintf(out[i], sizeof out[i], "%s/.ssh/%s", home, default_keys[i]);
    return n ? n : home ? NKEYS : 0;
}

/* "~/.ssh/id_ed25519" for messages. */
static void tried_key(remote_ctx *ctx, const char *path)
{
    const char *home = getenv("HOME");
    size_t n = home ? strlen(home) : 0;
    char *label = n && strncmp(path, home, n) == 0 && path[n] == '/' ? xasprintf("~%s", path + n)
                                                                      : xstrdup(path);
    tried(ctx, label);
    free(label);
}

/* The next key file that exists, as a credential. */
static int key_file_cred(git_credential **out, remote_ctx *ctx, const char *user)
{
    char keys[SSH_CONFIG_MAX_IDENTITIES > NKEYS ? SSH_CONFIG_MAX_IDENTITIES : NKEYS][512];
    size_t nkeys = key_files(ctx, keys, sizeof keys / sizeof *keys);
    while (ctx->next_source >= 1 && (size_t)ctx->next_source <= nkeys) {
        const char *priv = keys[ctx->next_source++ - 1];
        char *pub = xasprintf("%s.pub", priv);
        int rc = 1;
        if (access(priv, R_OK) == 0) {
            tried_key(ctx, priv);
            rc = git_credential_ssh_key_new(out, user, access(pub, R_OK) == 0 ? pub : NULL,
                                            priv, NULL);
        }
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
    const char *user = user_from_url && *user_from_url ? user_from_url
                       : ctx->ssh.user[0]                ? ctx->ssh.user
                                                         : getenv("USER");
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
        if (sock && *sock && !ctx->ssh.identities_only) {
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

/* What the server prints (its hooks' output among it), kept for messages:
 * the last lines, control characters made spaces. */
static int server_output(const char *text, int len, void *payload)
{
    remote_ctx *ctx = payload;
    if (len <= 0)
        return 0;
    if (ctx->server_said.len > 2048)
        sb_free(&ctx->server_said);
    for (int i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        bool space = c < 0x20 || c == 0x7f;
        bool after_space = ctx->server_said.len && ctx->server_said.data[ctx->server_said.len - 1] == ' ';
        if (space && (after_space || !ctx->server_said.len))
            continue;
        sb_printf(&ctx->server_said, "%c", space ? ' ' : (char)c);
    }
    return 0;
}

/* The URL with ~/.ssh/config applied (its Host alias resolved), as libgit2
 * gets it; the configured URL stays what messages name. */
static int apply_ssh_config(git_remote *remote, int direction, void *payload)
{
    remote_ctx *ctx = payload;
    bool push = direction == GIT_DIRECTION_PUSH && git_remote_pushurl(remote);
    const char *url = push ? git_remote_pushurl(remote) : git_remote_url(remote);
    char *effective = remote_apply_ssh_config(url, &ctx->ssh);
    snprintf(ctx->effective, sizeof ctx->effective, "%s", effective ? effective : url ? url : "");
    int rc = !effective ? 0
             : push     ? git_remote_set_instance_pushurl(remote, effective)
                        : git_remote_set_instance_url(remote, effective);
    free(effective);
    return rc;
}

void remote_callbacks(git_remote_callbacks *cb, remote_ctx *ctx)
{
    cb->remote_ready = apply_ssh_config;
    cb->sideband_progress = server_output;
    cb->credentials = credentials;
    cb->certificate_check = certificate_check;
    cb->push_update_reference = push_update;
    cb->payload = ctx;
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
    const char *url = ctx->effective[0] ? ctx->effective : ctx->url;
    remote_ssh_host_port(url, host, sizeof host, &port);
    int rc;
    if (known_host_listed(url)) {
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
    char *hint = remote_keyscan_hint(url);
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
                       "this pipeline has no remote '%s' to sync with: work on the team's "
                       "pipeline with 'dealboard clone URL', or start a new one that syncs "
                       "with 'dealboard init DIR --remote URL'", ctx->name);
    const char *url = git_remote_pushurl(*out) ? git_remote_pushurl(*out) : git_remote_url(*out);
    snprintf(ctx->url, sizeof ctx->url, "%s", url ? url : "");
    return 0;
}

/* ---- a remote on this machine -----------------------------------------
 * Paths and file:// URLs go through libgit2's local transport like any
 * other remote. That transport runs no server hooks, and a team's hooks are
 * its policy: a push to a local remote that has any is refused, with the
 * ssh URL that would run them. */

static const char *const server_hooks[] = {"pre-receive", "update", "post-receive",
                                           "post-update", "reference-transaction",
                                           "proc-receive", "push-to-checkout"};

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The directory of a path or file:// URL (percent escapes decoded); NULL
 * for network URLs. Caller frees. */
static char *local_path(const char *url)
{
    if (!url || !*url)
        return NULL;
    bool file = strncmp(url, "file://", 7) == 0;
    if (!file && (strstr(url, "://") || remote_url_is_ssh(url)))
        return NULL;
    const char *p = file ? url + 7 : url;
    char *out = xmalloc(strlen(p) + 1), *o = out;
    for (; *p; p++) {
        if (file && p[0] == '%' && hex_value(p[1]) >= 0 && hex_value(p[2]) >= 0) {
            *o++ = (char)(hex_value(p[1]) * 16 + hex_value(p[2]));
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

static int missing_local(remote_ctx *ctx, const char *path, const char *doing, db_err *err)
{
    return db_fail(err, DB_EIO,
                   "cannot %s '%s' (%s): %s does not exist on this machine. Check the remote's "
                   "path ('git remote -v' shows it) and fix it with: git remote set-url %s URL",
                   doing, ctx->name, ctx->url, path, ctx->name);
}

/* The hooks directory of the local repository git would run hooks from. */
static char *hooks_dir(git_repository *remote)
{
    git_config *cfg = NULL;
    git_buf value = {0};
    char *dir = NULL;
    if (git_repository_config_snapshot(&cfg, remote) == 0 &&
        git_config_get_path(&value, cfg, "core.hooksPath") == 0 && value.size)
        dir = value.ptr[0] == '/' ? xstrdup(value.ptr)
                                  : fs_join(git_repository_is_bare(remote)
                                                ? git_repository_path(remote)
                                                : git_repository_workdir(remote), value.ptr);
    git_buf_dispose(&value);
    git_config_free(cfg);
    git_error_clear();
    return dir ? dir : fs_join(git_repository_path(remote), "hooks");
}

/* The first active server hook, or NULL. */
static const char *active_hook(git_repository *remote)
{
    char *dir = hooks_dir(remote);
    const char *found = NULL;
    for (size_t i = 0; !found && i < sizeof server_hooks / sizeof *server_hooks; i++) {
        char *path = fs_join(dir, server_hooks[i]);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
            found = server_hooks[i];
        free(path);
    }
    free(dir);
    return found;
}

/* Before a push to a local remote: it exists, has no hooks we would skip,
 * and what we write there follows its core.sharedRepository. */
static int prepare_local_push(remote_ctx *ctx, const char *path, db_err *err)
{
    git_repository *remote = NULL;
    struct stat st;
    if (stat(path, &st) != 0)
        return missing_local(ctx, path, "push to", err);
    if (git_repository_open_ext(&remote, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
        return network_error(ctx, err, "push to");
    const char *hook = active_hook(remote);
    int rc = 0;
    if (hook)
        rc = db_fail(err, DB_EIO,
                     "will not push to '%s' (%s): that repository has a server hook (%s), and "
                     "dealboard reaches a path on this machine without running hooks. Reach it "
                     "over ssh so that its hooks apply: git remote set-url %s ssh://localhost%s%s "
                     "(or ask whoever runs it to remove the hook). Your commits are kept here",
                     ctx->name, ctx->url, hook, ctx->name, path[0] == '/' ? "" : "/", path);
    else
        git_apply_shared_umask(remote);          /* its core.sharedRepository, as git does */
    git_repository_free(remote);
    return rc;
}

/* ---- fetch, push, clone ---------------------------------------------- */

int remote_fetch(git_repository *git, remote_ctx *ctx, const char *branch, db_err *err)
{
    git_remote *remote = NULL;
    int rc = lookup(git, ctx, &remote, err);
    if (rc)
        return rc;
    reset(ctx);
    char *path = local_path(git_remote_url(remote));
    struct stat st;
    if (path && stat(path, &st) != 0)
        rc = missing_local(ctx, path, "fetch from", err);
    free(path);
    char *spec = xasprintf("+refs/heads/%s:refs/remotes/%s/%s", branch, ctx->name, branch);
    git_strarray specs = {&spec, 1};
    git_fetch_options opts;
    git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
    opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    opts.prune = GIT_FETCH_PRUNE;      /* a branch gone from the remote is not "pushed" */
    remote_callbacks(&opts.callbacks, ctx);
    if (!rc && git_remote_fetch(remote, &specs, &opts, "dealboard sync: fetch") < 0)
        rc = network_error(ctx, err, "fetch from");
    free(spec);
    git_remote_free(remote);
    return rc;
}

/* Refusals that another try may get past (a teammate pushed first, or was
 * updating the branch just then); anything else is the server's policy. */
static bool refused_by_race(const char *why)
{
    static const char *const races[] = {"non-fast-forward", "fetch first", "failed to update",
                                        "failed to lock", "cannot lock", "stale info",
                                        "not a fast-forward", "already exists"};
    for (size_t i = 0; i < sizeof races / sizeof *races; i++)
        if (strstr(why, races[i]))
            return true;
    return false;
}

static int refused_by_policy(remote_ctx *ctx, db_err *err)
{
    return db_fail(err, DB_EIO,
                   "the remote '%s' (%s) refused the push: %s%s%s. Your commits are kept here; "
                   "ask whoever runs the server about its rules",
                   ctx->name, ctx->url, ctx->reject_why,
                   ctx->server_said.len ? ". The server said: " : "",
                   ctx->server_said.len ? ctx->server_said.data : "");
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
    mode_t mask = umask(0);
    umask(mask);
    char *path = local_path(ctx->url);            /* the push URL */
    if (path)
        rc = prepare_local_push(ctx, path, err);
    free(path);
    char *spec = xasprintf("refs/heads/%s:refs/heads/%s", branch, branch);
    git_strarray specs = {&spec, 1};
    git_push_options opts;
    git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
    opts.pb_parallelism = 0;                     /* delta search on every core */
    remote_callbacks(&opts.callbacks, ctx);
    int grc = rc ? 0 : git_remote_push(remote, &specs, &opts);
    if (grc == GIT_ENONFASTFORWARD) {
        *rejected = true;                        /* noticed before sending anything */
        const git_error *e = git_error_last();
        snprintf(ctx->reject_why, sizeof ctx->reject_why, "%s",
                 e && e->message ? e->message : "not a fast-forward");
    } else if (grc < 0) {
        rc = network_error(ctx, err, "push to");
    } else if (ctx->push_rejected && refused_by_race(ctx->reject_why)) {
        *rejected = true;                        /* the remote said no, with status 0 */
    } else if (ctx->push_rejected) {
        rc = refused_by_policy(ctx, err);
    }
    umask(mask);
    free(spec);
    git_remote_free(remote);
    return rc;
}

/* "master" from "refs/heads/master". */
static bool short_branch(const char *ref, char *out, size_t n)
{
    if (!ref || strncmp(ref, "refs/heads/", 11) != 0 || strlen(ref + 11) >= n)
        return false;
    snprintf(out, n, "%s", ref + 11);
    return true;
}

static bool local_default_branch(const char *path, char *out, size_t n)
{
    git_repository *remote = NULL;
    git_reference *head = NULL;
    bool found = git_repository_open_ext(&remote, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0 &&
                 git_reference_lookup(&head, remote, "HEAD") == 0 &&
                 short_branch(git_reference_symbolic_target(head), out, n);
    git_reference_free(head);
    git_repository_free(remote);
    git_error_clear();
    return found;
}

bool remote_default_branch(const char *url, char *out, size_t n)
{
    char *path = local_path(url);
    if (path) {
        bool found = local_default_branch(path, out, n);
        free(path);
        return found;
    }
    remote_ctx ctx;
    remote_ctx_init(&ctx, "origin", url);
    git_remote *remote = NULL;
    git_remote_callbacks cb;
    git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
    git_buf ref = {0};
    remote_callbacks(&cb, &ctx);
    bool found = git_remote_create_detached(&remote, url) == 0 &&
                 git_remote_connect(remote, GIT_DIRECTION_FETCH, &cb, NULL, NULL) == 0 &&
                 git_remote_default_branch(&ref, remote) == 0 && short_branch(ref.ptr, out, n);
    git_buf_dispose(&ref);
    git_remote_free(remote);
    remote_ctx_free(&ctx);
    git_error_clear();
    return found;
}

int remote_clone(const char *url, const char *dir, git_repository **out, db_err *err)
{
    remote_ctx ctx;
    remote_ctx_init(&ctx, "origin", url);
    char *path = local_path(url);
    struct stat st;
    int missing = path && stat(path, &st) != 0 ? missing_local(&ctx, path, "clone", err) : 0;
    free(path);
    if (missing) {
        remote_ctx_free(&ctx);
        return missing;
    }
    git_clone_options opts;
    git_clone_options_init(&opts, GIT_CLONE_OPTIONS_VERSION);
    opts.checkout_opts.checkout_strategy = GIT_CHECKOUT_SAFE;
    remote_callbacks(&opts.fetch_opts.callbacks, &ctx);
    int rc = 0;
    if (git_clone(out, url, dir, &opts) < 0)
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

/* user, host, explicit port (0: none) and path of an ssh URL (scp-like or
 * ssh://), the path as ssh:// has it. */
static bool split_ssh_url(const char *url, char *user, char *host, int *port, char *path,
                          size_t size)
{
    int default_port;
    if (!remote_ssh_host_port(url, host, size, &default_port) || strchr(host, ':'))
        return false;                             /* not ssh, or [::1]: left as it is */
    bool scp = !strstr(url, "://");
    const char *p = scp ? url : strstr(url, "://") + 3;
    const char *at = strchr(p, '@'), *sep = scp ? strchr(p, ':') : strchr(p, '/');
    user[0] = '\0';
    if (at && (!sep || at < sep)) {
        snprintf(user, size, "%.*s", (int)(at - p), p);
        p = at + 1;
    }
    const char *colon = scp ? NULL : strchr(p, ':');
    *port = colon && (!sep || colon < sep) ? default_port : 0;
    const char *rest = scp ? (sep ? sep + 1 : "") : (sep ? sep : "/");
    if (scp && rest[0] != '/')
        snprintf(path, size, "/~/%s", rest);      /* relative to the home directory */
    else
        snprintf(path, size, "%s", rest);
    return true;
}

char *remote_apply_ssh_config(const char *url, ssh_host *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    char user[1024], host[1024], path[1024];     /* split_ssh_url: one size for all */
    int port = 0;
    if (!url || strlen(url) >= sizeof path - 4 ||
        !split_ssh_url(url, user, host, &port, path, sizeof path) || !ssh_config_for(host, cfg))
        return NULL;
    int final_port = port ? port : cfg->port ? cfg->port : 22;
    const char *final_user = user[0] ? user : cfg->user;
    const char *final_host = cfg->hostname[0] ? cfg->hostname : host;
    char portbuf[16] = "";
    if (final_port != 22)
        snprintf(portbuf, sizeof portbuf, ":%d", final_port);
    return xasprintf("ssh://%s%s%s%s%s", final_user, final_user[0] ? "@" : "", final_host,
                     portbuf, path);
}
