/* Commands that change a deal: each is one commit, message in words. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* An edit applied to a loaded deal; returns 0 and sets *message. */
typedef int (*apply_fn)(cli_opts *opts, db_repo *repo, const edit_ctx *ctx, deal *d,
                        void *ud, char **message);

/* Open, lock, load, apply, save + commit, report. The lock spans the
 * read-modify-write so a concurrent process cannot slip a change in between. */
static int edit_deal(cli_opts *opts, const char *prefix, apply_fn apply, void *ud)
{
    db_repo *repo = NULL;
    int rc = cli_open_repo(opts, &repo);
    if (rc)
        return rc;
    rc = repo_lock(repo, &opts->err);
    deal d;
    deal_init(&d);
    edit_ctx ctx = {0};
    char *message = NULL;
    if (!rc)
        rc = repo_find_deal(repo, prefix, &d, &opts->err);
    if (!rc) {
        cli_edit_ctx(opts, repo, &ctx);
        rc = apply(opts, repo, &ctx, &d, ud, &message);
    }
    if (!rc)
        rc = repo_save_deal(repo, &d, message, &opts->err);
    if (!rc) {
        cli_print_safe(stdout, message);
        fputc('\n', stdout);
    }
    free(message);
    cli_edit_ctx_free(&ctx);
    deal_free(&d);
    repo_unlock(repo);
    repo_close(repo);
    return rc;
}

/* ---- add ---- */

int cmd_add(cli_opts *opts, int argc, char **argv)
{
    const char *title = NULL, *account = NULL, *value = NULL, *stage = NULL, *owner = NULL;
    const char *close = NULL, *next = NULL, *due = NULL;
    cli_option options[] = {{"--account", &account, NULL}, {"--value", &value, NULL},
                            {"--stage", &stage, NULL},     {"--owner", &owner, NULL},
                            {"--close", &close, NULL},     {"--next", &next, NULL},
                            {"--due", &due, NULL},         {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "add", argc, argv, options, &title, 1, 1, NULL);
    if (rc)
        return rc;
    new_deal in = {title, account, owner, stage, 0, DAY_NONE, DAY_NONE, next};
    if (value && !edit_parse_value(value, &in.value))
        return db_fail(&opts->err, DB_EUSAGE, "--value: '%s' is not a whole number", value);
    if (close && (rc = cli_date(opts, "--close", close, &in.close_date)))
        return rc;
    if (due && (rc = cli_date(opts, "--due", due, &in.next_due)))
        return rc;
    if (due && !next)
        return db_fail(&opts->err, DB_EUSAGE, "--due: goes with --next TEXT");
    db_repo *repo = NULL;
    if ((rc = cli_open_repo(opts, &repo)))
        return rc;
    edit_ctx ctx;
    cli_edit_ctx(opts, repo, &ctx);
    deal d;
    char *message = NULL;
    rc = edit_create(repo_config(repo), &ctx, &in, &d, &message, &opts->err);
    if (!rc) {
        rc = repo_save_deal(repo, &d, message, &opts->err);
        if (!rc)
            printf("%s\n", d.id);
        deal_free(&d);
    }
    free(message);
    cli_edit_ctx_free(&ctx);
    repo_close(repo);
    return rc;
}

/* ---- move, set ---- */

static int apply_move(cli_opts *opts, db_repo *repo, const edit_ctx *ctx, deal *d, void *ud,
                      char **message)
{
    return edit_move(repo_config(repo), ctx, d, ud, message, &opts->err);
}

int cmd_move(cli_opts *opts, int argc, char **argv)
{
    const char *pos[2];
    int rc = cli_parse(opts, "move", argc, argv, NULL, pos, 2, 2, NULL);
    return rc ? rc : edit_deal(opts, pos[0], apply_move, (void *)pos[1]);
}

static int apply_set(cli_opts *opts, db_repo *repo, const edit_ctx *ctx, deal *d, void *ud,
                     char **message)
{
    const char **fv = ud;
    return edit_set(repo_config(repo), ctx, d, fv[0], fv[1], message, &opts->err);
}

int cmd_set(cli_opts *opts, int argc, char **argv)
{
    const char *pos[3];
    int rc = cli_parse(opts, "set", argc, argv, NULL, pos, 3, 3, NULL);
    return rc ? rc : edit_deal(opts, pos[0], apply_set, pos + 1);
}

/* ---- touch, note, next ---- */

static int apply_touch(cli_opts *opts, db_repo *repo, const edit_ctx *ctx, deal *d, void *ud,
                       char **message)
{
    (void)repo;
    return edit_touch(ctx, d, ud, message, &opts->err);
}

int cmd_touch(cli_opts *opts, int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL};
    int rc = cli_parse(opts, "touch", argc, argv, NULL, pos, 1, 2, NULL);
    return rc ? rc : edit_deal(opts, pos[0], apply_touch, (void *)pos[1]);
}

static int apply_note(cli_opts *opts, db_repo *repo, const edit_ctx *ctx, deal *d, void *ud,
                      char **message)
{
    (void)repo;
    return edit_note(ctx, d, ud, message, &opts->err);
}

int cmd_note(cli_opts *opts, int argc, char **argv)
{
    const char *pos[2];
    int rc = cli_parse(opts, "note", argc, argv, NULL, pos, 2, 2, NULL);
    return rc ? rc : edit_deal(opts, pos[0], apply_note, (void *)pos[1]);
}

typedef struct {
    const char *text;
    db_day date;
} text_and_date;

static int apply_next(cli_opts *opts, db_repo *repo, const edit_ctx *ctx, deal *d, void *ud,
                      char **message)
{
    (void)repo;
    text_and_date *in = ud;
    return edit_next(ctx, d, in->text, in->date, message, &opts->err);
}

int cmd_next(cli_opts *opts, int argc, char **argv)
{
    const char *pos[2], *due = NULL;
    cli_option options[] = {{"--due", &due, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "next", argc, argv, options, pos, 2, 2, NULL);
    text_and_date in = {pos[1], DAY_NONE};
    if (!rc && due)
        rc = cli_date(opts, "--due", due, &in.date);
    return rc ? rc : edit_deal(opts, pos[0], apply_next, &in);
}

/* ---- won, lost, moveon, reopen, snooze ---- */

typedef struct {
    deal_status status;
    const char *reason;
} close_args;

static int apply_close(cli_opts *opts, db_repo *repo, const edit_ctx *ctx, deal *d, void *ud,
                       char **message)
{
    (void)repo;
    close_args *in = ud;
    return edit_close(ctx, d, in->status, in->reason, message, &opts->err);
}

static int close_command(cli_opts *opts, const char *cmd, deal_status status, int argc,
                         char **argv)
{
    const char *id, *reason = NULL;
    cli_option options[] = {{"--reason", &reason, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(opts, cmd, argc, argv, options, &id, 1, 1, NULL);
    close_args in = {status, reason};
    return rc ? rc : edit_deal(opts, id, apply_close, &in);
}

int cmd_won(cli_opts *opts, int argc, char **argv)
{
    return close_command(opts, "won", STATUS_WON, argc, argv);
}

int cmd_lost(cli_opts *opts, int argc, char **argv)
{
    return close_command(opts, "lost", STATUS_LOST, argc, argv);
}

static int apply_moveon(cli_opts *opts, db_repo *repo, const edit_ctx *ctx, deal *d, void *ud,
                        char **message)
{
    (void)repo;
    text_and_date *in = ud;
    return edit_move_on(ctx, d, in->text, in->date, message, &opts->err);
}

int cmd_moveon(cli_opts *opts, int argc, char **argv)
{
    const char *id, *reason = NULL, *revisit = NULL;
    cli_option options[] = {{"--reason", &reason, NULL}, {"--revisit", &revisit, NULL},
                            {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "moveon", argc, argv, options, &id, 1, 1, NULL);
    text_and_date in = {reason, DAY_NONE};
    if (!rc && !reason)
        rc = db_fail(&opts->err, DB_EUSAGE, "moveon: --reason R is required (why move on?)");
    if (!rc && revisit)
        rc = cli_date(opts, "--revisit", revisit, &in.date);
    return rc ? rc : edit_deal(opts, id, apply_moveon, &in);
}

static int apply_reopen(cli_opts *opts, db_repo *repo, const edit_ctx *ctx, deal *d, void *ud,
                        char **message)
{
    (void)repo;
    (void)ud;
    return edit_reopen(ctx, d, message, &opts->err);
}

int cmd_reopen(cli_opts *opts, int argc, char **argv)
{
    const char *id;
    int rc = cli_parse(opts, "reopen", argc, argv, NULL, &id, 1, 1, NULL);
    return rc ? rc : edit_deal(opts, id, apply_reopen, NULL);
}

static int apply_snooze(cli_opts *opts, db_repo *repo, const edit_ctx *ctx, deal *d, void *ud,
                        char **message)
{
    (void)repo;
    text_and_date *in = ud;
    return edit_snooze(ctx, d, in->date, in->text, message, &opts->err);
}

int cmd_snooze(cli_opts *opts, int argc, char **argv)
{
    const char *id, *until = NULL, *reason = NULL;
    cli_option options[] = {{"--until", &until, NULL}, {"--reason", &reason, NULL},
                            {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "snooze", argc, argv, options, &id, 1, 1, NULL);
    text_and_date in = {reason, DAY_NONE};
    if (!rc && !until)
        rc = db_fail(&opts->err, DB_EUSAGE, "snooze: --until DATE is required");
    if (!rc)
        rc = cli_date(opts, "--until", until, &in.date);
    return rc ? rc : edit_deal(opts, id, apply_snooze, &in);
}

/* ---- undo ---- */

int cmd_undo(cli_opts *opts, int argc, char **argv)
{
    int rc = cli_parse(opts, "undo", argc, argv, NULL, NULL, 0, 0, NULL);
    db_repo *repo = NULL;
    if (rc || (rc = cli_open_repo(opts, &repo)))
        return rc;
    char *summary = NULL;
    rc = repo_undo(repo, &summary, NULL, &opts->err);
    if (!rc) {
        fputs("Undone: ", stdout);
        cli_print_safe(stdout, summary);
        fputc('\n', stdout);
    }
    free(summary);
    repo_close(repo);
    return rc;
}
