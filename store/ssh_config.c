#include "ssh_config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../pipeline/util.h"
#include "fsutil.h"

/* One line: its keyword and the rest ("Key value", "Key=value", quotes). */
static bool split_line(char *line, char **key, char **value)
{
    char *p = line;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p || *p == '#')
        return false;
    *key = p;
    while (*p && !isspace((unsigned char)*p) && *p != '=')
        p++;
    if (*p)
        *p++ = '\0';
    while (isspace((unsigned char)*p) || *p == '=')
        p++;
    size_t n = strlen(p);
    while (n && isspace((unsigned char)p[n - 1]))
        p[--n] = '\0';
    if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
        p[n - 1] = '\0';
        p++;
    }
    *value = p;
    return true;
}

/* `Host a b !c`: some pattern matches and no negated one does. */
static bool host_matches(char *patterns, const char *host)
{
    bool matched = false;
    char *save = NULL;
    for (char *pat = strtok_r(patterns, " \t", &save); pat; pat = strtok_r(NULL, " \t", &save)) {
        bool negated = pat[0] == '!';
        if (fnmatch(negated ? pat + 1 : pat, host, 0) != 0)
            continue;
        if (negated)
            return false;
        matched = true;
    }
    return matched;
}

/* ~ and ssh's % tokens. */
static void expand(const char *in, const char *host, const char *user, const char *home,
                   const char *local_user, char *out, size_t size)
{
    strbuf sb = {0};
    if (in[0] == '~' && (in[1] == '/' || !in[1])) {
        sb_printf(&sb, "%s", home);
        in++;
    }
    for (; *in; in++) {
        if (in[0] != '%' || !in[1]) {
            sb_printf(&sb, "%c", *in);
            continue;
        }
        char token = *++in;
        sb_printf(&sb, "%s", token == 'h' ? host : token == 'r' ? user : token == 'd' ? home
                             : token == 'u' ? local_user : token == '%' ? "%" : "");
    }
    snprintf(out, size, "%s", sb.data ? sb.data : "");
    sb_free(&sb);
}

static void apply(ssh_host *out, const char *key, const char *value, const char *host,
                  const char *home, const char *local_user)
{
    if (!strcasecmp(key, "HostName") && !out->hostname[0])
        expand(value, host, out->user, home, local_user, out->hostname, sizeof out->hostname);
    else if (!strcasecmp(key, "Port") && !out->port)
        out->port = atoi(value) > 0 && atoi(value) < 65536 ? atoi(value) : 0;
    else if (!strcasecmp(key, "User") && !out->user[0])
        snprintf(out->user, sizeof out->user, "%s", value);
    else if (!strcasecmp(key, "IdentitiesOnly"))
        out->identities_only = out->identities_only || !strcasecmp(value, "yes");
    else if (!strcasecmp(key, "IdentityFile") && out->nidentities < SSH_CONFIG_MAX_IDENTITIES &&
             strcasecmp(value, "none") != 0)
        expand(value, host, out->user, home, local_user, out->identities[out->nidentities++],
               sizeof out->identities[0]);
}

void ssh_config_lookup(const char *text, const char *host_as_given, const char *home,
                       const char *local_user, ssh_host *out)
{
    char *host = xstrdup(host_as_given);      /* ssh matches the lowercased name */
    for (char *c = host; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    char *copy = xstrdup(text ? text : ""), *save = NULL;
    bool active = true;                /* lines before the first Host apply to all */
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *key, *value;
        if (!split_line(line, &key, &value))
            continue;
        if (!strcasecmp(key, "Host"))
            active = host_matches(value, host);
        else if (!strcasecmp(key, "Match"))
            active = false;            /* not understood here: its settings are skipped */
        else if (active)
            apply(out, key, value, host, home, local_user);
    }
    free(copy);
    free(host);
}

bool ssh_config_for(const char *host, ssh_host *out)
{
    memset(out, 0, sizeof *out);
    const char *home = getenv("HOME"), *user = getenv("USER");
    char *files[2] = {home ? xasprintf("%s/.ssh/config", home) : NULL,
                      xstrdup("/etc/ssh/ssh_config")};
    for (size_t i = 0; i < 2; i++) {
        char *text = NULL;
        size_t len = 0;
        db_err ignored;
        if (files[i] && fs_read_file(files[i], &text, &len, &ignored) == 0)
            ssh_config_lookup(text, host, home ? home : "", user ? user : "", out);
        free(text);
        free(files[i]);
    }
    return out->hostname[0] || out->port || out->user[0] || out->nidentities;
}
