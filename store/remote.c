/* The team remote (see remote.h). Credentials: ssh-agent first, then the
 * default keys in ~/.ssh, a bounded number of attempts per connection; over
 * http(s), one user name and password per connection from the URL, git's
 * credential store or the terminal (http_cred.h). Host keys: libgit2
 * (libssh2 build on Debian 12) checks ~/.ssh/known_hosts; we refuse unknown
 * hosts and say how to add them. */
#include "remote.h"

#include <sys/file.h>
#include <fcntl.h>
#include <errno.h>
#include <time.h>
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

/* ctx->url is what messages show: never a password. */
static void set_url(remote_ctx *ctx, const char *url)
{
    char *shown = remote_url_redact(url);
    snprintf(ctx->url, sizeof ctx->url, "%s", shown);
    free(shown);
}

void remote_ctx_init(remote_ctx *ctx, const char *name, const char *url)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->name = name;
    set_url(ctx, url);
}

void remote_ctx_free(remote_ctx *ctx)
{
    sb_free(&ctx->tried);
    sb_free(&ctx->server_said);
    explicit_bzero(&ctx->http, sizeof ctx->http);
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
    remote_http *h = &ctx->http;
    h->attempts = 0;
    h->refused = h->none = h->store_missed = h->other_kind = false;
    h->cert_invalid = h->prompted = false;
    h->user[0] = h->source[0] = h->why_none[0] = '\0';
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

/* ---- http(s): one user name and password per connection ------------------ */

static int http_give_up(const char *why)
{
    git_error_set_str(GIT_ERROR_HTTP, why);
    return GIT_EAUTH;
}

/* Records what is offered and where it came from, for messages; copies user
 * and pass to u and p unless they are already there. */
static void offering(remote_http *h, const char *source, const char *user, const char *pass,
                     char *u, char *p)
{
    snprintf(h->source, sizeof h->source, "%s", source);
    snprintf(h->user, sizeof h->user, "%s", user);
    if (u != user)
        snprintf(u, HTTP_CRED_FIELD, "%s", user);
    if (p != pass)
        snprintf(p, HTTP_CRED_FIELD, "%s", pass);
}

/* "https://host:8443" (no user, no path): what the prompt and hints name. */
static char *url_site(const char *url)
{
    char *bare = http_url_strip_userinfo(url);
    char *sep = strstr(bare, "://");
    if (sep)
        sep[3 + strcspn(sep + 3, "/?#")] = '\0';
    return bare;
}

/* git's credential store, when credential.helper is `store`. */
static bool from_store(remote_http *h, const char *url, const char *user, char *u, char *p)
{
    char files[2][HTTP_CRED_PATH];
    http_url want, found;
    bool hit = false;
    if (!h->cfg.store || !http_url_parse(url, &want))
        return false;
    if (user && *user) {
        snprintf(want.user, sizeof want.user, "%s", user);
        want.has_user = true;
    }
    size_t n = http_cred_store_files(&h->cfg, files, 2);
    for (size_t i = 0; i < n && !hit; i++) {
        hit = http_cred_store_find(files[i], &want, h->cfg.use_http_path, &found);
        char *label = hit ? http_cred_path_label(files[i]) : NULL;
        if (hit)
            offering(h, label, found.user, found.pass, u, p);
        free(label);
    }
    explicit_bzero(&found, sizeof found);
    explicit_bzero(&want, sizeof want);
    h->store_missed = !hit;
    return hit;
}

static bool from_terminal(remote_http *h, const char *url, const char *user, char *u, char *p)
{
    char *where = url_site(url);
    snprintf(u, HTTP_CRED_FIELD, "%s", user ? user : "");
    http_prompt_rc rc = http_cred_prompt(where, u, HTTP_CRED_FIELD, p, HTTP_CRED_FIELD);
    free(where);
    static const char *const why[] = {
        [HTTP_PROMPT_NO_TERMINAL] = "there is no terminal to ask on",
        [HTTP_PROMPT_FORBIDDEN] = "GIT_TERMINAL_PROMPT=0 says not to ask",
        [HTTP_PROMPT_BUSY] = "the board has the terminal (sync on the command line to be asked)",
        [HTTP_PROMPT_CANCELLED] = "none was typed at the prompt",
    };
    if (rc != HTTP_PROMPT_OK) {
        snprintf(h->why_none, sizeof h->why_none, "%s", why[rc]);
        return false;
    }
    offering(h, "the terminal", u, p, u, p);
    h->prompted = true;
    snprintf(h->asked_user, sizeof h->asked_user, "%s", u);
    snprintf(h->asked_pass, sizeof h->asked_pass, "%s", p);
    return true;
}

/* The first source that has a user name and password for url. */
static bool find_http_cred(remote_http *h, const char *url, const char *user, char *u, char *p)
{
    if (h->url_pass[0]) {
        offering(h, "the URL", h->url_user, h->url_pass, u, p);
        return true;
    }
    if (h->asked_pass[0]) {
        offering(h, "the terminal", h->asked_user, h->asked_pass, u, p);
        return true;
    }
    return from_store(h, url, user, u, p) || from_terminal(h, url, user, u, p);
}

/* libgit2 offers a user:password in the URL itself before it asks us, and asks
 * again after each refusal: a second call ends the connection's attempts. */
static int http_credentials(git_credential **out, const char *url, const char *user,
                            unsigned int allowed, remote_http *h)
{
    http_url parsed;
    bool url_had_pass = http_url_parse(url, &parsed) && parsed.has_pass && parsed.pass[0];
    explicit_bzero(&parsed, sizeof parsed);
    if (h->attempts++ > 0 || url_had_pass) {
        if (h->attempts == 1) {                 /* libgit2 offered the URL's */
            snprintf(h->source, sizeof h->source, "the URL");
            snprintf(h->user, sizeof h->user, "%s", user ? user : "");
        }
        h->refused = true;
        return http_give_up("the server refused the user name and password");
    }
    if (!(allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT)) {
        h->other_kind = true;
        return http_give_up("the server wants an authentication other than a password");
    }
    char u[HTTP_CRED_FIELD], p[HTTP_CRED_FIELD] = "";
    int rc;
    if (find_http_cred(h, url, user, u, p)) {
        rc = git_credential_userpass_plaintext_new(out, u, p);
    } else {
        h->none = true;
        rc = http_give_up("no user name and password to offer");
    }
    explicit_bzero(p, sizeof p);
    return rc;
}

/* ---- credentials ---------------------------------------------------------- */

static int credentials(git_credential **out, const char *url, const char *user_from_url,
                       unsigned int allowed, void *payload)
{
    remote_ctx *ctx = payload;
    if (http_url_is_http(url))
        return http_credentials(out, url, user_from_url, allowed, &ctx->http);
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

/* https: libgit2 has checked the chain against the CA certificates (the
 * system's, or http.sslCAInfo's); http.sslVerify=false accepts it anyway. */
static int https_certificate(remote_http *h, int valid)
{
    if (valid)
        return GIT_PASSTHROUGH;
    if (!h->cfg.ssl_verify)
        return 0;
    h->cert_invalid = true;
    return GIT_PASSTHROUGH;                     /* libgit2's own error stands */
}

static int certificate_check(git_cert *cert, int valid, const char *host, void *payload)
{
    remote_ctx *ctx = payload;
    if (cert->cert_type == GIT_CERT_X509)
        return https_certificate(&ctx->http, valid);
    if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
        return GIT_PASSTHROUGH;
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

/* ---- http(s) errors ---------------------------------------------------- */

/* The status in libgit2's "unexpected http status code: 403", or 0. */
static int http_status(const git_error *e)
{
    const char *p = e && e->message ? strstr(e->message, "status code: ") : NULL;
    return p ? atoi(p + 13) : 0;
}

/* "the user name 'alice' and the password from ~/.git-credentials" */
static char *offered(const remote_http *h)
{
    if (strcmp(h->source, "the terminal") == 0)
        return xasprintf("the user name '%s' and the password typed at the prompt", h->user);
    return xasprintf("the user name '%s' and the password %s %s", h->user,
                     strcmp(h->source, "the URL") == 0 ? "in" : "from", h->source);
}

static int http_refused(remote_ctx *ctx, db_err *err, const char *doing)
{
    const remote_http *h = &ctx->http;
    bool url = strcmp(h->source, "the URL") == 0, typed = strcmp(h->source, "the terminal") == 0;
    char *what = offered(h);
    int rc = db_fail(err, DB_EIO,
                     "cannot %s '%s' (%s): HTTP authentication failed: the server refused %s. "
                     "Check the user name and the password or access token%s; many servers "
                     "want a token, not the account's password%s",
                     doing, ctx->name, ctx->url, what, url || typed ? "" : " in that file",
                     url ? ". Better, leave the password out of the URL: dealboard then takes "
                           "it from git's credential store (credential.helper store) or asks"
                     : typed ? ". Then run it again" : "");
    free(what);
    return rc;
}

/* "https://USER:PASSWORD@host:8443": the line git's credential store wants. */
static char *store_line_hint(const char *url)
{
    char *site = url_site(url);
    const char *sep = strstr(site, "://");
    char *hint = sep ? xasprintf("%.*sUSER:PASSWORD@%s", (int)(sep + 3 - site), site, sep + 3)
                     : xstrdup("https://USER:PASSWORD@HOST");
    free(site);
    return hint;
}

static int http_no_credentials(remote_ctx *ctx, db_err *err, const char *doing)
{
    const remote_http *h = &ctx->http;
    char *hint = store_line_hint(ctx->url);
    char *helper = h->cfg.unsupported[0] ? xasprintf(" (credential.helper '%s' is a program, "
                                                      "which dealboard does not run)",
                                                      h->cfg.unsupported)
                                         : xstrdup("");
    int rc = db_fail(err, DB_EIO,
                     "cannot %s '%s' (%s): the server asks for credentials (HTTP 401), and "
                     "%s%s%s. Run it in a terminal to be asked, or keep them in git's credential "
                     "store: git config --global credential.helper store, and a line %s in "
                     "~/.git-credentials (chmod 600)",
                     doing, ctx->name, ctx->url,
                     h->store_missed ? "git's credential store has none for it and " : "",
                     h->why_none, helper, hint);
    free(helper);
    free(hint);
    return rc;
}

static int http_forbidden(remote_ctx *ctx, db_err *err, const char *doing)
{
    const remote_http *h = &ctx->http;
    char *what = h->attempts ? offered(h) : xstrdup("no password (the server asked for none)");
    bool push = strcmp(doing, "push to") == 0;
    int rc = db_fail(err, DB_EIO,
                     "cannot %s '%s' (%s): the server refused access (HTTP 403) with %s. Check "
                     "that this account may %s this repository and that the password or token "
                     "allows it; ask whoever runs the server",
                     doing, ctx->name, ctx->url, what, push ? "push to" : "read");
    free(what);
    return rc;
}

static int http_certificate_error(remote_ctx *ctx, db_err *err, const char *doing, const char *why)
{
    return db_fail(err, DB_EIO,
                   "cannot %s '%s' (%s): %s. If the server's certificate comes from your "
                   "organisation's own CA, tell git where that CA's file is: git config "
                   "http.sslCAInfo /path/to/ca.pem (--global for every repository)",
                   doing, ctx->name, ctx->url, why);
}

/* An http(s) failure in words, or -1 when it is none of these. */
static int http_error(remote_ctx *ctx, db_err *err, const char *doing, const git_error *e)
{
    const remote_http *h = &ctx->http;
    bool auth = e && e->klass == GIT_ERROR_HTTP && e->message && strstr(e->message, "authentica");
    if (h->other_kind)
        return db_fail(err, DB_EIO, "cannot %s '%s' (%s): the server wants another kind of "
                                    "authentication than a user name and password, and that "
                                    "is all dealboard offers; ask whoever runs it for an access "
                                    "token", doing, ctx->name, ctx->url);
    if (h->none)
        return http_no_credentials(ctx, err, doing);
    if (h->refused || (h->attempts && (auth || http_status(e) == 401)))
        return http_refused(ctx, err, doing);
    if (http_status(e) == 403)
        return http_forbidden(ctx, err, doing);
    if (h->cert_invalid)
        return http_certificate_error(ctx, err, doing, e && e->message ? e->message : "");
    return -1;
}

static int network_error(remote_ctx *ctx, db_err *err, const char *doing)
{
    const git_error *e = git_error_last();
    const char *why = e && e->message ? e->message : "unknown error";
    int http = http_url_is_http(ctx->url) ? http_error(ctx, err, doing, e) : -1;
    if (http >= 0)
        return http;
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
    set_url(ctx, url);
    return 0;
}

/* Before an http(s) connection: git config's credential and http settings
 * (the repository's; the user's when there is none yet), and http.sslCAInfo's
 * CA certificates in place of the system's, as git takes them. */
static int http_prepare(remote_ctx *ctx, git_repository *git, const char *url,
                        const char *doing, db_err *err)
{
    if (!http_url_is_http(url))
        return 0;
    git_config *cfg = NULL;
    int got = git ? git_repository_config_snapshot(&cfg, git) : git_config_open_default(&cfg);
    http_settings_load(got == 0 ? cfg : NULL, &ctx->http.cfg);
    git_config_free(cfg);
    git_error_clear();
    const char *ca = ctx->http.cfg.ssl_ca_info;
    if (strncasecmp(url, "https:", 6) != 0 || !ca[0] ||
        git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, ca, NULL) == 0)
        return 0;
    const git_error *e = git_error_last();
    return db_fail(err, DB_EIO, "cannot %s '%s' (%s): cannot load the CA certificates that %s "
                                "names (%s): %s. It must be a PEM file of CA certificates",
                   doing, ctx->name, ctx->url,
                   ctx->http.cfg.ca_from_env ? "GIT_SSL_CAINFO" : "http.sslCAInfo", ca,
                   e && e->message ? e->message : "unreadable");
}

/* A user:password@ in a URL given on the command line: kept in ctx for the
 * credentials callback, and left out of what libgit2 gets (and so of
 * .git/config, the reflog and FETCH_HEAD). Caller frees. */
static char *take_url_password(remote_ctx *ctx, const char *url)
{
    http_url u;
    if (!http_url_is_http(url) || !http_url_parse(url, &u) || !u.has_pass)
        return xstrdup(url);
    snprintf(ctx->http.url_user, sizeof ctx->http.url_user, "%s", u.user);
    snprintf(ctx->http.url_pass, sizeof ctx->http.url_pass, "%s", u.pass);
    explicit_bzero(&u, sizeof u);
    return http_url_redact(url);
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
 * and what we write there follows its core.sharedRepository. *out: the
 * remote, opened, for the checks around the push. */
static int prepare_local_push(remote_ctx *ctx, const char *path, git_repository **out,
                              db_err *err)
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
        gitu_apply_shared_umask(remote);          /* its core.sharedRepository, as git does */
    if (rc)
        git_repository_free(remote);
    else
        *out = remote;
    return rc;
}

/* libgit2's local transport moves the remote branch with a forced write, not
 * "only from where it was" as git's receive-pack does: two pushes at once
 * could each overwrite the other's. So dealboards pushing to one local
 * remote take turns (a flock in it), and each checks the branch before (it
 * is still what we fetched) and after (it is what we pushed); otherwise the
 * push counts as refused and the sync fetches, merges and pushes again. */
#define LOCAL_PUSH_WAIT_MS 10000

static int lock_local_push(remote_ctx *ctx, git_repository *remote, int *fd, db_err *err)
{
    char *path = fs_join(git_repository_path(remote), "dealboard-push.lock");
    *fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
    free(path);
    for (int waited = 0; *fd >= 0 && flock(*fd, LOCK_EX | LOCK_NB) != 0; waited += 50) {
        if (errno != EWOULDBLOCK || waited >= LOCAL_PUSH_WAIT_MS)
            break;
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (*fd >= 0 && flock(*fd, LOCK_EX | LOCK_NB) == 0)
        return 0;
    int saved = errno;
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
    return db_fail(err, DB_EIO, "cannot push to '%s' (%s): cannot take its push lock: %s",
                   ctx->name, ctx->url, strerror(saved));
}

/* 1: the branch names `want` (or is absent and want is NULL). */
static bool branch_is(git_repository *repo, const char *ref, const git_oid *want)
{
    git_oid id;
    bool found = git_reference_name_to_id(&id, repo, ref) == 0;
    git_error_clear();
    return want ? found && git_oid_equal(&id, want) : !found;
}

static void refuse_race(remote_ctx *ctx, bool *rejected, const char *why)
{
    *rejected = true;
    snprintf(ctx->reject_why, sizeof ctx->reject_why, "%s", why);
}

static void check_before_local_push(git_repository *git, git_repository *remote,
                                    remote_ctx *ctx, const char *branch, bool *rejected)
{
    char *head = xasprintf("refs/heads/%s", branch);
    char *tref = xasprintf("refs/remotes/%s/%s", ctx->name, branch);
    git_oid fetched;
    bool have = git_reference_name_to_id(&fetched, git, tref) == 0;
    git_error_clear();
    if (!branch_is(remote, head, have ? &fetched : NULL))
        refuse_race(ctx, rejected, "the branch moved since our fetch (someone pushed first)");
    free(head);
    free(tref);
}

static void check_after_local_push(git_repository *git, git_repository *remote,
                                   remote_ctx *ctx, const char *branch, bool *rejected)
{
    char *head = xasprintf("refs/heads/%s", branch);
    git_oid ours;
    if (git_reference_name_to_id(&ours, git, head) != 0 || !branch_is(remote, head, &ours))
        refuse_race(ctx, rejected, "the branch moved while we pushed (someone pushed at once)");
    git_error_clear();
    free(head);
}

/* ---- fetch, push, clone ---------------------------------------------- */

/* A prompt can outlast the server's keep-alive (Apache's is 5 s), and libgit2
 * 1.5 does not reconnect then ("unexpected EOF"): one more try, which offers
 * what was typed without asking again. */
static bool again_after_prompt(remote_ctx *ctx, bool *retried)
{
    const git_error *e = git_error_last();
    const char *m = e && e->message ? e->message : "";
    if (*retried || !ctx->http.prompted || ctx->http.refused ||
        !(strstr(m, "unexpected EOF") || strstr(m, "reset by peer") || strstr(m, "Broken pipe")))
        return false;
    *retried = true;
    reset(ctx);
    return true;
}

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
    if (!rc)
        rc = http_prepare(ctx, git, git_remote_url(remote), "fetch from", err);
    char *spec = xasprintf("+refs/heads/%s:refs/remotes/%s/%s", branch, ctx->name, branch);
    git_strarray specs = {&spec, 1};
    git_fetch_options opts;
    git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
    opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    opts.prune = GIT_FETCH_PRUNE;      /* a branch gone from the remote is not "pushed" */
    remote_callbacks(&opts.callbacks, ctx);
    bool retried = false;
    int grc = 0;
    while (!rc && (grc = git_remote_fetch(remote, &specs, &opts, "dealboard sync: fetch")) < 0 &&
           again_after_prompt(ctx, &retried))
        ;
    if (!rc && grc < 0)
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
    git_repository *local = NULL;
    int push_lock = -1;
    if (path)
        rc = prepare_local_push(ctx, path, &local, err);
    free(path);
    if (!rc && local)
        rc = lock_local_push(ctx, local, &push_lock, err);
    if (!rc && local)
        check_before_local_push(git, local, ctx, branch, rejected);
    const char *url = git_remote_pushurl(remote) ? git_remote_pushurl(remote)
                                                 : git_remote_url(remote);
    if (!rc)
        rc = http_prepare(ctx, git, url, "push to", err);
    char *spec = xasprintf("refs/heads/%s:refs/heads/%s", branch, branch);
    git_strarray specs = {&spec, 1};
    git_push_options opts;
    git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
    opts.pb_parallelism = 0;                     /* delta search on every core */
    remote_callbacks(&opts.callbacks, ctx);
    bool retried = false;
    int grc = 0;
    while (!rc && !*rejected && (grc = git_remote_push(remote, &specs, &opts)) < 0 &&
           again_after_prompt(ctx, &retried))
        ;
    if (!rc && !*rejected && grc == 0 && !ctx->push_rejected && local)
        check_after_local_push(git, local, ctx, branch, rejected);
    if (push_lock >= 0)
        close(push_lock);                        /* releases the flock */
    git_repository_free(local);
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
    char *clean = take_url_password(&ctx, url);
    git_remote *remote = NULL;
    git_remote_callbacks cb;
    git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
    git_buf ref = {0};
    db_err ignored;
    remote_callbacks(&cb, &ctx);
    bool found = http_prepare(&ctx, NULL, clean, "read", &ignored) == 0 &&
                 git_remote_create_detached(&remote, clean) == 0 &&
                 git_remote_connect(remote, GIT_DIRECTION_FETCH, &cb, NULL, NULL) == 0 &&
                 git_remote_default_branch(&ref, remote) == 0 && short_branch(ref.ptr, out, n);
    git_buf_dispose(&ref);
    git_remote_free(remote);
    free(clean);
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
    char *clean = take_url_password(&ctx, url);
    int rc = http_prepare(&ctx, NULL, clean, "clone", err), grc = 0;
    bool retried = false;
    while (!rc && (grc = git_clone(out, clean, dir, &opts)) < 0 && again_after_prompt(&ctx, &retried))
        ;
    if (!rc && grc < 0)
        rc = network_error(&ctx, err, "clone");
    free(clean);
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

char *remote_url_redact(const char *url)
{
    return http_url_redact(url);
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
