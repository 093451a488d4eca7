/* Credentials and settings for http(s) remotes, found as git finds them but
 * without running git or any helper program: the URL, git's credential-store
 * files (when credential.helper is `store`), and a prompt on the terminal.
 * store/remote.c offers them to libgit2. */
#ifndef DB_HTTP_CRED_H
#define DB_HTTP_CRED_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#define HTTP_CRED_FIELD 256
#define HTTP_CRED_PATH 1024

/* A URL's parts, percent-decoded. port is the scheme's default (443, 80)
 * when the URL names none; path has no leading or trailing '/'. */
typedef struct {
    char protocol[16];
    char user[HTTP_CRED_FIELD];
    char pass[HTTP_CRED_FIELD];
    bool has_user, has_pass;
    char host[HTTP_CRED_FIELD];
    int port;
    char path[HTTP_CRED_PATH];
} http_url;

/* What git config says about https remotes. */
typedef struct {
    bool store;                         /* credential.helper has `store` */
    char store_file[HTTP_CRED_PATH];    /* its --file; "" for git's two files */
    char unsupported[64];               /* a helper dealboard does not run ("cache") */
    bool use_http_path;                 /* credential.useHttpPath */
    bool ssl_verify;                    /* http.sslVerify (and GIT_SSL_NO_VERIFY) */
    char ssl_ca_info[HTTP_CRED_PATH];   /* http.sslCAInfo (or GIT_SSL_CAINFO) */
    bool ca_from_env;                   /* GIT_SSL_CAINFO gave it */
} http_settings;

/* http:// or https://. */
bool http_url_is_http(const char *url);
/* false when url is not scheme://host… or a part does not fit. */
bool http_url_parse(const char *url, http_url *out);
/* url without the password of any user:password@ ("https://alice@host/x");
 * anything else as it is. Caller frees. */
char *http_url_redact(const char *url);
/* url with neither user nor password; caller frees. */
char *http_url_strip_userinfo(const char *url);
/* git's credential matching: protocol, host and port; the path only with
 * use_path; the user when want names one. */
bool http_cred_match(const http_url *want, const http_url *have, bool use_path);
/* The first line of a credential-store file (one URL a line, user and
 * password percent-encoded) that matches want and has both a user and a
 * password; false when none does or the file cannot be read. */
bool http_cred_store_find(const char *file, const http_url *want, bool use_path,
                          http_url *found);
/* The files `store` reads, in order: its --file, or ~/.git-credentials then
 * $XDG_CONFIG_HOME/git/credentials (~/.config/git/credentials). */
size_t http_cred_store_files(const http_settings *s, char files[][HTTP_CRED_PATH], size_t max);
/* Reads the settings from cfg (NULL: the defaults), then the environment. */
void http_settings_load(git_config *cfg, http_settings *out);

typedef enum {
    HTTP_PROMPT_OK,
    HTTP_PROMPT_NO_TERMINAL,
    HTTP_PROMPT_FORBIDDEN,      /* GIT_TERMINAL_PROMPT=0 */
    HTTP_PROMPT_BUSY,           /* a full-screen program has the terminal (the board) */
    HTTP_PROMPT_CANCELLED       /* end of input, or an empty password */
} http_prompt_rc;
/* Asks on the terminal (/dev/tty) for the user name when *user is empty,
 * then for the password with echo off. `where` is the URL shown (no
 * password in it). */
http_prompt_rc http_cred_prompt(const char *where, char *user, size_t ulen, char *pass,
                                size_t plen);
/* "~/.git-credentials" for a path under $HOME, for messages. Caller frees. */
char *http_cred_path_label(const char *path);

#endif
