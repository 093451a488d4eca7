/* `board` opens the terminal UI (tui/). Keys load in the order of SPEC §5:
 * default.keys, then the --keys preset, then the user's keys file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../keymaps/keymap.h"
#include "../pipeline/format.h"
#include "../tui/tui.h"
#include "cli.h"

/* Bad keymap lines: printed on stderr now, and the first shown on the
 * status line once the board is up (the rest still load). */
typedef struct {
    int count;
    char first[512];
} key_errors;

static void key_error(void *ud, const char *file, int line, const char *why)
{
    key_errors *e = ud;
    keymap_error_print(stderr, file, line, why);
    if (e->count++ == 0)
        snprintf(e->first, sizeof e->first, "%s:%d: %s", file, line, why);
}

static char *user_keys_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
        return xasprintf("%s/dealboard/keys", xdg);
    return home && *home ? xasprintf("%s/.config/dealboard/keys", home) : NULL;
}

static int load_keys(cli_opts *opts, keymap **out, key_errors *errs)
{
    keymap *km = keymap_default(key_error, errs);
    if (!km)
        return db_fail(&opts->err, DB_EIO, "keys: out of memory");
    if (opts->keys) {
        const char *text = keymap_preset_text(opts->keys);
        if (!text) {
            keymap_free(km);
            return db_fail(&opts->err, DB_EUSAGE, "--keys: '%s' is not a preset (default, emacs)",
                           opts->keys);
        }
        char *name = xasprintf("%s.keys", opts->keys);
        keymap_load_string(km, text, name, key_error, errs);
        free(name);
    }
    char *path = user_keys_path();
    if (path && keymap_load_file(km, path, key_error, errs) < 0 && errno != ENOENT)
        key_error(errs, path, 0, strerror(errno));
    free(path);
    *out = km;
    return 0;
}

/* Opens the repository and runs the TUI: the board, or with `review` the
 * review of owner's deals (owner NULL for the board; cmd names it in errors). */
static int run_tui(cli_opts *opts, const keymap *km, const key_errors *errs, cli_owner *owner,
                   const char *as_of)
{
    db_repo *repo = NULL;
    int rc = cli_open_repo(opts, &repo);
    if (!rc && as_of)                 /* a past day's board: read-only (store/as_of.c) */
        rc = repo_travel(repo, opts->today, &opts->err);
    if (!rc)
        cli_learn_limits(repo);
    if (!rc && owner)
        rc = cli_owner_scope(opts, "review", repo, owner);
    if (!rc) {
        char startup[600] = "";
        const repo_as_of_info *past = repo_as_of(repo);
        char words[AS_OF_LEN];
        if (past)
            format_as_of(past->day, past->commit, past->commit_time, words);
        if (errs->count)
            snprintf(startup, sizeof startup, "%s%s", errs->first,
                     errs->count > 1 ? " (and more: see stderr)" : "");
        else if (past)
            snprintf(startup, sizeof startup, "read-only: %s", words);
        rc = owner ? tui_run_review(repo, km, opts->today, startup, &owner->scope, &opts->err)
                   : tui_run(repo, km, opts->today, startup, &opts->err);
    }
    repo_close(repo);
    return rc;
}

int cmd_board(cli_opts *opts, int argc, char **argv)
{
    bool table = false, roff = false;
    const char *as_of = NULL;
    cli_option options[] = {{"--keys-table", NULL, &table}, {"--keys-roff", NULL, &roff},
                            CLI_AS_OF_OPTION(&as_of), {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "board", argc, argv, options, NULL, 0, 0, NULL);
    if (rc || (rc = cli_as_of_day(opts, as_of)))
        return rc;
    keymap *km = NULL;
    key_errors errs = {0, ""};
    if ((rc = load_keys(opts, &km, &errs)))
        return rc;
    if (table || roff) {
        tui_print_keys_table(stdout, km, roff);
        keymap_free(km);
        return 0;
    }
    rc = run_tui(opts, km, &errs, NULL, as_of);
    keymap_free(km);
    return rc;
}

/* A terminal, or a script standing in for one (tui/term.c). */
static bool have_terminal(void)
{
    const char *script = getenv("DEALBOARD_SCRIPT");
    return (script && *script) || (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO));
}

/* `review`: the daily review walk-through, in the same TUI as the board;
 * every owner's deals unless --mine or --owner (the board's review key
 * starts with the user's own). */
int cmd_review(cli_opts *opts, int argc, char **argv)
{
    cli_owner owner = {0};
    cli_option options[] = {CLI_OWNER_OPTIONS(&owner), {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "review", argc, argv, options, NULL, 0, 0, NULL);
    if (!rc)
        rc = cli_owner_check(opts, "review", &owner);
    if (!rc && !have_terminal())
        rc = db_fail(&opts->err, DB_EUSAGE, "review: needs a terminal (try 'dealboard flags')");
    keymap *km = NULL;
    key_errors errs = {0, ""};
    if (rc || (rc = load_keys(opts, &km, &errs)))
        return rc;
    rc = run_tui(opts, km, &errs, &owner, NULL);
    keymap_free(km);
    cli_owner_free(&owner);
    return rc;
}
