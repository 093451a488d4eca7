/* ~/.ssh/config as ssh reads it, for the few keywords a remote URL needs:
 * libgit2 reaches ssh servers through libssh2, which does not read it, so
 * `Host team` … `HostName git.example.com`, `Port`, `User` and
 * `IdentityFile` are applied here. */
#ifndef DB_SSH_CONFIG_H
#define DB_SSH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define SSH_CONFIG_MAX_IDENTITIES 8

typedef struct {
    char hostname[256];           /* "" when not set */
    int port;                     /* 0 when not set */
    char user[128];
    char identities[SSH_CONFIG_MAX_IDENTITIES][512];   /* as written (~, %d… expanded) */
    size_t nidentities;
    bool identities_only;
} ssh_host;

/* The settings that apply to `host` in the config text, ssh's way: the first
 * value of each keyword wins, IdentityFile adds up; `Host` patterns take `*`,
 * `?` and `!negation`; `Match` blocks are skipped. home and local_user expand
 * `~`, %d, %u; %h is the host, %r the user, %% a percent sign. */
void ssh_config_lookup(const char *text, const char *host, const char *home,
                       const char *local_user, ssh_host *out);

/* The user's ~/.ssh/config (then /etc/ssh/ssh_config) applied to host;
 * false when neither file names anything for it. */
bool ssh_config_for(const char *host, ssh_host *out);

#endif
