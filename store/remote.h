/* Talking to the team remote: credentials, host keys, fetch, push, clone.
 * Every failure is reported in words that name the remote and what to do. */
#ifndef DB_REMOTE_H
#define DB_REMOTE_H

#include <git2.h>
#include <stdbool.h>

#include "../pipeline/util.h"
#include "http_cred.h"
#include "ssh_config.h"

/* At most this many credentials are offered per connection (agent + default keys). */
#define REMOTE_MAX_AUTH 6

/* Per connection at most one user name and password is offered: a second
 * request for one means the server refused it. */
typedef struct {
    http_settings cfg;               /* credential.helper, http.sslVerify, … */
    char url_user[HTTP_CRED_FIELD];  /* from the URL given to clone: used, never stored */
    char url_pass[HTTP_CRED_FIELD];
    char asked_user[HTTP_CRED_FIELD]; /* typed at the prompt, offered again on the next */
    char asked_pass[HTTP_CRED_FIELD]; /* connection of this command */
    int attempts;                    /* on this connection */
    bool refused;                    /* the server said no to what was offered */
    bool none;                       /* nothing to offer (no terminal, …) */
    bool store_missed;               /* git's credential store had nothing */
    bool other_kind;                 /* the server wants no user name and password */
    char user[HTTP_CRED_FIELD];      /* the user offered */
    char source[HTTP_CRED_PATH + 8]; /* where it came from: "the URL", "~/.git-credentials" */
    char why_none[128];
    bool cert_invalid;
    bool prompted;                   /* asked on this connection */
} remote_http;

typedef struct {
    const char *name;        /* "origin" */
    char url[1024];          /* for messages: never with a password */
    /* credentials */
    int attempts;            /* credential callback calls on this connection */
    int next_source;         /* 0 agent, 1.. default key files */
    bool auth_exhausted;
    strbuf tried;            /* "ssh-agent, ~/.ssh/id_ed25519" */
    /* host key */
    bool host_unknown;
    char host[256];
    /* push */
    bool push_rejected;
    char reject_why[256];
    strbuf server_said;      /* the server's progress and hook output */
    /* ~/.ssh/config for the host, and the URL libgit2 was given */
    ssh_host ssh;
    char effective[1024];
    remote_http http;
} remote_ctx;

void remote_ctx_init(remote_ctx *ctx, const char *name, const char *url);
void remote_ctx_free(remote_ctx *ctx);
void remote_callbacks(git_remote_callbacks *cb, remote_ctx *ctx);

/* Fetches `branch` from the remote into refs/remotes/<name>/<branch>. */
int remote_fetch(git_repository *git, remote_ctx *ctx, const char *branch, db_err *err);
/* Pushes refs/heads/<branch>. *rejected: the remote has commits we do not
 * (someone pushed first); returns 0 then. A refusal by the server's policy
 * (a hook) is an error that quotes the server. A path or file:// remote with
 * server hooks is refused before anything is sent (libgit2's local
 * transport would skip them). */
int remote_push(git_repository *git, remote_ctx *ctx, const char *branch, bool *rejected,
                db_err *err);
/* The branch the remote's HEAD names ("master"), even in an empty
 * repository where it can be read (a local path; a server that says);
 * false when it cannot be known. */
bool remote_default_branch(const char *url, char *out, size_t n);
/* Clones url into dir (a working copy with a checkout). A password in the
 * URL is used for the clone and not written to .git/config. */
int remote_clone(const char *url, const char *dir, git_repository **out, db_err *err);

/* Pure helpers (unit-tested). */
/* ssh:// or scp-like user@host:path; false for local paths and file://. */
bool remote_url_is_ssh(const char *url);
/* Host and port of an ssh URL ("host", 22 by default); false when not ssh. */
bool remote_ssh_host_port(const char *url, char *host, size_t hostlen, int *port);
/* The command that adds the host's key: "ssh-keyscan -p 2222 host >> ~/.ssh/known_hosts". */
char *remote_keyscan_hint(const char *url);
/* The ssh URL with ~/.ssh/config's HostName, Port and User for its host
 * (*cfg gets the settings, IdentityFile among them); NULL when the URL is
 * not ssh or no setting applies. Caller frees. */
char *remote_apply_ssh_config(const char *url, ssh_host *cfg);
/* url without the password of a user:password@ in it (for messages); caller frees. */
char *remote_url_redact(const char *url);
/* "team.git" -> "team", "ssh://h/srv/sales.git/" -> "sales"; caller frees. */
char *remote_default_dir(const char *url);

#endif
