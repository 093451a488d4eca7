/* http(s) credentials without running git (see http_cred.h). */
#include "http_cred.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "../pipeline/util.h"

/* ---- URLs ------------------------------------------------------------- */

bool http_url_is_http(const char *url)
{
    return url && (strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "http://", 7) == 0);
}

static int hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decodes [p, end) into out; false when it does not fit. */
static bool decode(const char *p, const char *end, char *out, size_t size)
{
    size_t n = 0;
    for (; p < end; p++) {
        char c = *p;
        if (c == '%' && end - p >= 3 && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
            c = (char)(hex(p[1]) * 16 + hex(p[2]));
            p += 2;
        }
        if (n + 1 >= size)
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return true;
}

/* "host", "host:8443", "[::1]:8443" → host and port. */
static bool split_host(const char *p, const char *end, http_url *u)
{
    const char *colon = NULL;
    if (*p == '[') {
        const char *close = memchr(p, ']', (size_t)(end - p));
        if (!close)
            return false;
        colon = close + 1 < end && close[1] == ':' ? close + 1 : NULL;
        if (!decode(p + 1, close, u->host, sizeof u->host))
            return false;
    } else {
        colon = memchr(p, ':', (size_t)(end - p));
        if (!decode(p, colon ? colon : end, u->host, sizeof u->host))
            return false;
    }
    if (colon && colon + 1 < end)
        u->port = atoi(colon + 1);
    return u->host[0] != '\0' && u->port > 0 && u->port < 65536;
}

/* user[:pass] of the authority, as git reads it (the first '@' ends it). */
static bool split_userinfo(const char *p, const char *at, http_url *u)
{
    const char *colon = memchr(p, ':', (size_t)(at - p));
    u->has_user = true;
    u->has_pass = colon != NULL;
    return decode(p, colon ? colon : at, u->user, sizeof u->user) &&
           (!colon || decode(colon + 1, at, u->pass, sizeof u->pass));
}

static int default_port(const char *protocol)
{
    return strcmp(protocol, "https") == 0 ? 443 : strcmp(protocol, "http") == 0 ? 80 : 0;
}

bool http_url_parse(const char *url, http_url *u)
{
    memset(u, 0, sizeof *u);
    const char *sep = url ? strstr(url, "://") : NULL;
    if (!sep || sep == url || (size_t)(sep - url) >= sizeof u->protocol)
        return false;
    for (size_t i = 0; url + i < sep; i++)
        u->protocol[i] = (char)tolower((unsigned char)url[i]);
    u->port = default_port(u->protocol);
    const char *p = sep + 3, *slash = p + strcspn(p, "/?#");
    const char *at = memchr(p, '@', (size_t)(slash - p));
    if (at && !split_userinfo(p, at, u))
        return false;
    if (!split_host(at ? at + 1 : p, slash, u))
        return false;
    const char *path = slash + strspn(slash, "/"), *end = path + strcspn(path, "?#");
    while (end > path && end[-1] == '/')
        end--;
    return decode(path, end, u->path, sizeof u->path);
}

/* The userinfo of a scheme:// URL: [*start, *at) with '@' at *at. */
static bool find_userinfo(const char *url, const char **start, const char **at)
{
    const char *sep = url ? strstr(url, "://") : NULL;
    if (!sep)
        return false;
    *start = sep + 3;
    const char *end = *start + strcspn(*start, "/?#");
    *at = memchr(*start, '@', (size_t)(end - *start));
    return *at != NULL;
}

char *http_url_redact(const char *url)
{
    const char *start, *at;
    if (!find_userinfo(url, &start, &at))
        return xstrdup(url ? url : "");
    const char *colon = memchr(start, ':', (size_t)(at - start));
    if (!colon)
        return xstrdup(url);
    return xasprintf("%.*s%s", (int)(colon - url), url, at);
}

char *http_url_strip_userinfo(const char *url)
{
    const char *start, *at;
    if (!find_userinfo(url, &start, &at))
        return xstrdup(url ? url : "");
    return xasprintf("%.*s%s", (int)(start - url), url, at + 1);
}

/* ---- git's credential store ------------------------------------------- */

bool http_cred_match(const http_url *want, const http_url *have, bool use_path)
{
    return strcmp(want->protocol, have->protocol) == 0 &&
           strcasecmp(want->host, have->host) == 0 && want->port == have->port &&
           (!use_path || strcmp(want->path, have->path) == 0) &&
           (!want->has_user || !want->user[0] ||
            (have->has_user && strcmp(want->user, have->user) == 0));
}

bool http_cred_store_find(const char *file, const http_url *want, bool use_path, http_url *found)
{
    FILE *f = fopen(file, "r");
    char line[4096];
    bool hit = false;
    while (f && !hit && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        hit = http_url_parse(line, found) && found->has_user && found->has_pass &&
              http_cred_match(want, found, use_path);
    }
    if (f)
        fclose(f);
    explicit_bzero(line, sizeof line);
    if (!hit)
        explicit_bzero(found, sizeof *found);
    return hit;
}

size_t http_cred_store_files(const http_settings *s, char files[][HTTP_CRED_PATH], size_t max)
{
    const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
    size_t n = 0;
    if (s->store_file[0] && max > 0) {
        bool tilde = strncmp(s->store_file, "~/", 2) == 0 && home;
        snprintf(files[n++], HTTP_CRED_PATH, "%s%s", tilde ? home : "",
                 tilde ? s->store_file + 1 : s->store_file);
        return n;
    }
    if (home && n < max)
        snprintf(files[n++], HTTP_CRED_PATH, "%s/.git-credentials", home);
    if (xdg && *xdg && n < max)
        snprintf(files[n++], HTTP_CRED_PATH, "%s/git/credentials", xdg);
    else if (home && n < max)
        snprintf(files[n++], HTTP_CRED_PATH, "%s/.config/git/credentials", home);
    return n;
}

char *http_cred_path_label(const char *path)
{
    const char *home = getenv("HOME");
    size_t n = home ? strlen(home) : 0;
    if (n && strncmp(path, home, n) == 0 && path[n] == '/')
        return xasprintf("~%s", path + n);
    return xstrdup(path);
}

/* ---- settings ---------------------------------------------------------- */

#define MAX_HELPERS 16

typedef struct {
    int level;
    char value[HTTP_CRED_PATH];
} helper_value;

/* `store`, `store --file=F`, `store --file F`. */
static bool store_helper(const char *value, char *file, size_t size)
{
    if (strncmp(value, "store", 5) != 0 || (value[5] && !isspace((unsigned char)value[5])))
        return false;
    const char *opt = strstr(value + 5, "--file");
    file[0] = '\0';
    if (opt) {
        opt += 6;
        opt += strspn(opt, " \t=");
        snprintf(file, size, "%.*s", (int)strcspn(opt, " \t"), opt);
    }
    return true;
}

/* git runs the helpers from the system file to the repository's, and an
 * empty value clears the list so far; libgit2 lists the repository's first. */
static size_t read_helpers(git_config *cfg, helper_value *out)
{
    git_config_iterator *it = NULL;
    git_config_entry *e;
    size_t n = 0;
    if (git_config_multivar_iterator_new(&it, cfg, "credential.helper", NULL) < 0)
        return 0;
    while (n < MAX_HELPERS && git_config_next(&e, it) == 0) {
        size_t i = n++;
        for (; i > 0 && out[i - 1].level > (int)e->level; i--)
            out[i] = out[i - 1];
        out[i].level = (int)e->level;
        snprintf(out[i].value, sizeof out[i].value, "%s", e->value ? e->value : "");
    }
    git_config_iterator_free(it);
    return n;
}

static void apply_helpers(git_config *cfg, http_settings *s)
{
    helper_value *v = xcalloc(MAX_HELPERS, sizeof *v);
    size_t n = read_helpers(cfg, v);
    for (size_t i = 0; i < n; i++) {
        const char *value = v[i].value + strspn(v[i].value, " \t");
        if (!*value) {
            s->store = false;
            s->unsupported[0] = '\0';
        } else if (store_helper(value, s->store_file, sizeof s->store_file)) {
            s->store = true;
        } else if (!s->unsupported[0]) {
            snprintf(s->unsupported, sizeof s->unsupported, "%.*s",
                     (int)strcspn(value, " \t"), value);
        }
    }
    free(v);
}

void http_settings_load(git_config *cfg, http_settings *s)
{
    memset(s, 0, sizeof *s);
    s->ssl_verify = true;
    if (cfg) {
        int b;
        git_buf path = {0};
        apply_helpers(cfg, s);
        if (git_config_get_bool(&b, cfg, "credential.useHttpPath") == 0)
            s->use_http_path = b;
        if (git_config_get_bool(&b, cfg, "http.sslVerify") == 0)
            s->ssl_verify = b;
        if (git_config_get_path(&path, cfg, "http.sslCAInfo") == 0 && path.size)
            snprintf(s->ssl_ca_info, sizeof s->ssl_ca_info, "%s", path.ptr);
        git_buf_dispose(&path);
        git_error_clear();
    }
    if (getenv("GIT_SSL_NO_VERIFY"))               /* any value, as in git */
        s->ssl_verify = false;
    const char *ca = getenv("GIT_SSL_CAINFO");
    if (ca && *ca) {
        snprintf(s->ssl_ca_info, sizeof s->ssl_ca_info, "%s", ca);
        s->ca_from_env = true;
    }
}

/* ---- the terminal -------------------------------------------------------- */

/* Restored if a signal ends the process while echo is off. */
static struct termios saved_mode;
static volatile sig_atomic_t saved_fd = -1;

static void restore_and_die(int sig)
{
    if (saved_fd >= 0)
        tcsetattr(saved_fd, TCSAFLUSH, &saved_mode);
    signal(sig, SIG_DFL);
    raise(sig);
}

static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define NCAUGHT (sizeof caught / sizeof *caught)

static bool echo_off(int fd, struct sigaction old[NCAUGHT])
{
    struct termios quiet;
    if (tcgetattr(fd, &saved_mode) != 0)
        return false;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = restore_and_die;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NCAUGHT; i++)
        sigaction(caught[i], &sa, &old[i]);
    saved_fd = fd;
    quiet = saved_mode;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
    return tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
}

static void echo_on(int fd, const struct sigaction old[NCAUGHT])
{
    tcsetattr(fd, TCSAFLUSH, &saved_mode);
    saved_fd = -1;
    for (size_t i = 0; i < NCAUGHT; i++)
        sigaction(caught[i], &old[i], NULL);
}

/* One line from fd without its newline; false at end of input. */
static bool read_line(int fd, char *out, size_t size)
{
    size_t n = 0;
    char c;
    ssize_t got;
    while ((got = read(fd, &c, 1)) == 1 || (got < 0 && errno == EINTR)) {
        if (got < 0)
            continue;
        if (c == '\n' || c == '\r')
            break;
        if (n + 1 < size)
            out[n++] = c;
    }
    out[n] = '\0';
    explicit_bzero(&c, sizeof c);
    return got == 1;
}

static void say(int fd, const char *text)
{
    size_t n = strlen(text);
    while (n > 0) {
        ssize_t w = write(fd, text, n);
        if (w <= 0 && errno != EINTR)
            return;
        if (w > 0) {
            text += w;
            n -= (size_t)w;
        }
    }
}

static bool prompt_forbidden(void)
{
    const char *env = getenv("GIT_TERMINAL_PROMPT");
    return env && (strcmp(env, "0") == 0 || strcasecmp(env, "false") == 0 ||
                   strcasecmp(env, "no") == 0 || strcasecmp(env, "off") == 0);
}

/* The terminal to ask on in *fd, as git does: /dev/tty. One out of line
 * mode belongs to a full-screen program (the board's background sync). */
static http_prompt_rc open_terminal(int *fd)
{
    if (prompt_forbidden())
        return HTTP_PROMPT_FORBIDDEN;
    *fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*fd < 0 && isatty(STDIN_FILENO))
        *fd = dup(STDIN_FILENO);
    struct termios mode;
    if (*fd >= 0 && tcgetattr(*fd, &mode) == 0 && (mode.c_lflag & ICANON))
        return HTTP_PROMPT_OK;
    bool busy = *fd >= 0;
    if (*fd >= 0)
        close(*fd);
    return busy ? HTTP_PROMPT_BUSY : HTTP_PROMPT_NO_TERMINAL;
}

static bool ask_password(int fd, const char *prompt, char *pass, size_t plen)
{
    struct sigaction old[NCAUGHT];
    say(fd, prompt);
    bool quiet = echo_off(fd, old);
    bool got = read_line(fd, pass, plen);
    if (quiet)
        echo_on(fd, old);
    say(fd, "\n");
    return got && pass[0];
}

http_prompt_rc http_cred_prompt(const char *where, char *user, size_t ulen, char *pass,
                                size_t plen)
{
    int fd = -1;
    http_prompt_rc rc = open_terminal(&fd);
    if (rc != HTTP_PROMPT_OK)
        return rc;
    if (!user[0]) {
        char *q = xasprintf("Username for '%s': ", where);
        say(fd, q);
        free(q);
        if (!read_line(fd, user, ulen) || !user[0])
            rc = HTTP_PROMPT_CANCELLED;
    }
    if (rc == HTTP_PROMPT_OK) {
        const char *sep = strstr(where, "://");
        char *q = sep ? xasprintf("Password for '%.*s%s@%s': ", (int)(sep + 3 - where), where,
                                  user, sep + 3)
                      : xasprintf("Password for '%s': ", where);
        if (!ask_password(fd, q, pass, plen))
            rc = HTTP_PROMPT_CANCELLED;
        free(q);
    }
    close(fd);
    return rc;
}
