/* What every command needs: argument parsing, the repository, safe output. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../pipeline/format.h"
#include "../pipeline/text.h"
#include "../store/deal_txn.h"
#include "../store/learned_limits.h"
#include "cli.h"

static const cli_command_info commands[] = {
#define X(name, fn, args, summary) {name, args, summary},
    DB_COMMANDS(X)
#undef X
    {NULL, NULL, NULL}};

const cli_command_info *cli_command(const char *name)
{
    for (const cli_command_info *c = commands; c->name; c++)
        if (str_eq(c->name, name))
            return c;
    return NULL;
}

const cli_command_info *cli_commands(void) { return commands; }

bool cli_command_hidden(const char *name) { return str_has_prefix(name, "__"); }

void cli_usage(FILE *out, const char *cmd)
{
    const cli_command_info *c = cli_command(cmd);
    if (!c)
        return;
    fprintf(out, "usage: dealboard %s%s%s\n\n%s\n", c->name, *c->args ? " " : "", c->args,
            c->summary);
}

static const cli_option *find_option(const cli_option *options, const char *arg, size_t len)
{
    for (const cli_option *o = options; o && o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, arg, len) == 0)
            return o;
    return NULL;
}

/* -C DIR names the repository for every command but those that make one. */
static bool takes_repo(const char *cmd)
{
    return !str_eq(cmd, "init") && !str_eq(cmd, "clone") && !str_eq(cmd, "demo");
}

/* "dealboard [-C DIR] CMD ARGS", as the user would type it. Caller frees. */
static char *usage_line(const char *cmd)
{
    const cli_command_info *c = cli_command(cmd);
    const char *args = c ? c->args : "";
    return xasprintf("dealboard %s%s%s%s", takes_repo(cmd) ? "[-C DIR] " : "", cmd,
                     *args ? " " : "", args);
}

static int usage_error(cli_opts *opts, const char *cmd, const char *why, const char *arg)
{
    char *usage = usage_line(cmd);
    db_fail(&opts->err, DB_EUSAGE, "%s: %s%s (usage: %s)", cmd, why, arg ? arg : "", usage);
    free(usage);
    return DB_EUSAGE;
}

/* A global option typed after the command ("sync -C DIR"), if any. */
static const char *misplaced_global(int argc, char **argv)
{
    for (int i = 0; i < argc && !str_eq(argv[i], "--"); i++)
        if (str_eq(argv[i], "-C") || str_eq(argv[i], "--keys") ||
            str_has_prefix(argv[i], "--keys="))
            return str_eq(argv[i], "-C") ? "-C DIR" : "--keys NAME";
    return NULL;
}

/* One "--name", "--name=value" or "--name value"; returns args consumed or -1. */
static int take_option(cli_opts *opts, const char *cmd, const cli_option *options, int argc,
                       char **argv, int i)
{
    const char *arg = argv[i], *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    const cli_option *o = find_option(options, arg, len);
    if (!o) {
        usage_error(opts, cmd, "unknown option ", arg);
        return -1;
    }
    if (o->flag) {
        if (eq) {
            usage_error(opts, cmd, "this option takes no value: ", arg);
            return -1;
        }
        *o->flag = true;
        return 1;
    }
    if (eq) {
        *o->value = eq + 1;
        return 1;
    }
    if (i + 1 >= argc) {
        usage_error(opts, cmd, "missing value for ", arg);
        return -1;
    }
    *o->value = argv[i + 1];
    return 2;
}

static int parse_args(cli_opts *opts, const char *cmd, int argc, char **argv,
                      const cli_option *options, const char **pos, int min_pos, int max_pos,
                      int *npos)
{
    int n = 0;
    bool only_positional = false;
    for (int i = 0; i < argc;) {
        const char *arg = argv[i];
        if (!only_positional && (str_eq(arg, "--help") || str_eq(arg, "-h"))) {
            cli_usage(stdout, cmd);
            return -1;
        }
        if (!only_positional && str_eq(arg, "--")) {
            only_positional = true;
            i++;
        } else if (!only_positional && arg[0] == '-' && arg[1] == '-') {
            int used = take_option(opts, cmd, options, argc, argv, i);
            if (used < 0)
                return DB_EUSAGE;
            i += used;
        } else {
            if (n >= max_pos)
                return usage_error(opts, cmd, "unexpected argument ", arg);
            pos[n++] = arg;
            i++;
        }
    }
    if (n < min_pos)
        return usage_error(opts, cmd, "missing argument", NULL);
    if (npos)
        *npos = n;
    return 0;
}

int cli_parse(cli_opts *opts, const char *cmd, int argc, char **argv, const cli_option *options,
              const char **pos, int min_pos, int max_pos, int *npos)
{
    int rc = parse_args(opts, cmd, argc, argv, options, pos, min_pos, max_pos, npos);
    const char *global = rc == DB_EUSAGE ? misplaced_global(argc, argv) : NULL;
    if (global) {           /* the rest of the error follows from this one */
        char *why = xasprintf("%s goes before the command", global);
        usage_error(opts, cmd, why, NULL);
        free(why);
    }
    return rc;
}

int cli_owner_check(cli_opts *opts, const char *cmd, const cli_owner *o)
{
    if (o->owner && o->mine)
        return db_fail(&opts->err, DB_EUSAGE,
                       "%s: --owner and --mine together: use one (--mine for your own deals, "
                       "--owner NAME for someone's)", cmd);
    const char *p = o->owner;
    while (p && (*p == ' ' || *p == '\t'))
        p++;
    if (p && !*p)
        return db_fail(&opts->err, DB_EUSAGE, "%s: --owner needs a name or an e-mail", cmd);
    return 0;
}

int cli_owner_scope(cli_opts *opts, const char *cmd, db_repo *repo, cli_owner *o)
{
    o->scope = (owner_scope){o->owner ? OWNER_NAMED : OWNER_ALL, o->owner, {NULL, NULL}};
    if (!o->mine)
        return 0;
    repo_user_identity(repo, &o->name, &o->email);
    o->scope = (owner_scope){OWNER_MINE, NULL, {o->name, o->email}};
    if (owner_identity_known(&o->scope.me))
        return 0;
    return db_fail(&opts->err, DB_EUSAGE,
                   "%s: --mine: no git identity to match the deals' owners against: set it with "
                   "git config --global user.name \"Your Name\" (and user.email), or use --owner "
                   "NAME", cmd);
}

void cli_owner_free(cli_owner *o)
{
    free(o->name);
    free(o->email);
    o->name = o->email = NULL;
}

int cli_open_repo(cli_opts *opts, db_repo **repo)
{
    return repo_open(opts->repo_dir, repo, &opts->err);
}

int cli_open_repo_read(cli_opts *opts, db_repo **repo)
{
    return repo_open_read(opts->repo_dir, repo, &opts->err);
}

static void history_progress(void *ud, size_t done, size_t total)
{
    (void)ud;
    fprintf(stderr, "\rdealboard: reading the history: %zu of %zu commits", done, total);
    if (done == total)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

events_progress_fn cli_history_progress(void)
{
    return isatty(STDERR_FILENO) ? history_progress : NULL;
}

void cli_learn_limits(db_repo *repo)
{
    db_err err = {0};
    if (repo_learn_limits(repo, cli_history_progress(), NULL, &err) == 0)
        return;
    char *safe = text_sanitize(err.msg, false);
    fprintf(stderr, "dealboard: warning: stalled limits not learned: %s; the stages' max_days "
                    "apply\n", safe);
    free(safe);
}

void cli_edit_ctx(cli_opts *opts, db_repo *repo, edit_ctx *ctx)
{
    ctx->by = repo_user_name(repo);
    ctx->today = opts->today;
    ctx->now = clock_now();
}

void cli_edit_ctx_free(edit_ctx *ctx)
{
    free((char *)ctx->by);
    ctx->by = NULL;
}

typedef struct {
    int broken;
} load_report;

static void report_broken(void *ud, const char *relpath, const char *why)
{
    load_report *r = ud;
    char *safe = text_sanitize(why, false);
    fprintf(stderr, "dealboard: %s: %s\n", relpath, safe);
    free(safe);
    r->broken++;
}

int cli_load_all(cli_opts *opts, db_repo *repo, deal_list *deals, int *broken)
{
    load_report r = {0};
    int rc = repo_load_deals(repo, deals, report_broken, &r, &opts->err);
    if (broken)
        *broken = r.broken;
    return rc;
}

int cli_load_light(cli_opts *opts, db_repo *repo, deal_list *deals, bool want_view_json)
{
    load_report r = {0};
    return repo_load_deals_light(repo, deals, want_view_json, report_broken, &r, &opts->err);
}

/* A listing is left for the kernel to reclaim at exit: freeing 100,000
 * deals and unmapping the cache shard by shard costs more than printing
 * them. Kept reachable from here, so leak checkers (valgrind,
 * LeakSanitizer) do not count it as lost. */
static deal_list kept_until_exit;

void cli_keep_until_exit(deal_list *list)
{
    deal_list_free(&kept_until_exit);
    kept_until_exit = *list;
    memset(list, 0, sizeof *list);
}

int cli_date(cli_opts *opts, const char *what, const char *text, db_day *out)
{
    if (edit_parse_date(text, opts->today, out))
        return 0;
    return db_fail(&opts->err, DB_EUSAGE,
                   "%s: '%s' is not a date (use YYYY-MM-DD, today, tomorrow, +N or +Nw)", what,
                   text);
}

void cli_print_safe(FILE *out, const char *text)
{
    char *safe = text_sanitize(text, false);
    fputs(safe, out);
    free(safe);
}

/* One change as one commit (store/deal_txn.h), reported in words: the new
 * deal's id for add, what happened for the others. id: as typed (a prefix). */
int cli_change_deal(cli_opts *opts, const char *id, edit_op op)
{
    db_repo *repo = NULL;
    int rc = cli_open_repo(opts, &repo);
    if (rc)
        return rc;
    deal_change change = {.id = id, .id_is_prefix = true, .today = opts->today, .op = op};
    deal_txn done;
    rc = deal_txn_commit(repo, &change, &done, &opts->err);
    if (!rc && op.kind == EDIT_OP_CREATE)
        printf("%s\n", done.d.id);
    else if (!rc) {
        cli_print_safe(stdout, done.message);
        fputc('\n', stdout);
    }
    deal_txn_free(&done);
    repo_close(repo);
    return rc;
}

int cli_as_of_day(cli_opts *opts, const char *text)
{
    db_day day;
    if (!text)
        return 0;
    if (!date_parse(text, &day))
        return db_fail(&opts->err, DB_EUSAGE, "--as-of: '%s' is not a date (use YYYY-MM-DD)",
                       text);
    if (day > opts->today) {
        char today[DATE_LEN];
        date_format(opts->today, today);
        return db_fail(&opts->err, DB_EUSAGE, "--as-of: %s is after today (%s): the pipeline "
                       "is known up to today; leave --as-of out for today's", text, today);
    }
    opts->today = day;
    return 0;
}

int cli_open_repo_as_of(cli_opts *opts, const char *as_of, db_repo **repo)
{
    if (!as_of)
        return cli_open_repo_read(opts, repo);
    int rc = cli_open_repo(opts, repo);         /* the history needs git */
    if (!rc && (rc = repo_travel(*repo, opts->today, &opts->err))) {
        repo_close(*repo);
        *repo = NULL;
    }
    return rc;
}

void cli_print_as_of(FILE *out, const db_repo *repo)
{
    const repo_as_of_info *past = repo_as_of(repo);
    if (!past)
        return;
    char words[AS_OF_LEN];
    format_as_of(past->day, past->commit, past->commit_time, words);
    words[0] = 'A';                                 /* a heading */
    fprintf(out, "%s\n", words);
}
