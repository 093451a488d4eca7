/* Commands that change a deal: each is one commit, message in words. */
#include <stdlib.h>
#include <string.h>

#include "../store/deal_txn.h"
#include "cli.h"

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
    return cli_change_deal(opts, NULL, (edit_op){.kind = EDIT_OP_CREATE, .create = &in});
}

/* ---- set (move: cmd_exit.c, with its exit evidence) ---- */

int cmd_set(cli_opts *opts, int argc, char **argv)
{
    const char *pos[3] = {NULL, NULL, NULL};
    int rc = cli_parse(opts, "set", argc, argv, NULL, pos, 3, 3, NULL);
    edit_op op = {.kind = EDIT_OP_SET, .field = pos[1], .text = pos[2]};
    return rc ? rc : cli_change_deal(opts, pos[0], op);
}

/* ---- touch, note, next ---- */

int cmd_touch(cli_opts *opts, int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL};
    bool inbound = false;
    cli_option options[] = {{"--in", NULL, &inbound}, {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "touch", argc, argv, options, pos, 1, 2, NULL);
    edit_op op = {.kind = EDIT_OP_TOUCH, .text = pos[1], .inbound = inbound};
    return rc ? rc : cli_change_deal(opts, pos[0], op);
}

int cmd_note(cli_opts *opts, int argc, char **argv)
{
    const char *pos[2];
    int rc = cli_parse(opts, "note", argc, argv, NULL, pos, 2, 2, NULL);
    return rc ? rc : cli_change_deal(opts, pos[0], (edit_op){.kind = EDIT_OP_NOTE, .text = pos[1]});
}

int cmd_next(cli_opts *opts, int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL}, *due = NULL;
    cli_option options[] = {{"--due", &due, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "next", argc, argv, options, pos, 2, 2, NULL);
    edit_op op = {.kind = EDIT_OP_NEXT, .text = pos[1], .day = DAY_NONE};
    if (!rc && due)
        rc = cli_date(opts, "--due", due, &op.day);
    return rc ? rc : cli_change_deal(opts, pos[0], op);
}

/* ---- won, lost, moveon, reopen, snooze ---- */

static int close_command(cli_opts *opts, const char *cmd, deal_status status, int argc,
                         char **argv)
{
    const char *id, *reason = NULL;
    cli_option options[] = {{"--reason", &reason, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(opts, cmd, argc, argv, options, &id, 1, 1, NULL);
    edit_op op = {.kind = EDIT_OP_CLOSE, .status = status, .text = reason};
    return rc ? rc : cli_change_deal(opts, id, op);
}

int cmd_won(cli_opts *opts, int argc, char **argv)
{
    return close_command(opts, "won", STATUS_WON, argc, argv);
}

int cmd_lost(cli_opts *opts, int argc, char **argv)
{
    return close_command(opts, "lost", STATUS_LOST, argc, argv);
}

int cmd_moveon(cli_opts *opts, int argc, char **argv)
{
    const char *id, *reason = NULL, *revisit = NULL;
    cli_option options[] = {{"--reason", &reason, NULL}, {"--revisit", &revisit, NULL},
                            {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "moveon", argc, argv, options, &id, 1, 1, NULL);
    edit_op op = {.kind = EDIT_OP_MOVE_ON, .text = reason, .day = DAY_NONE};
    if (!rc && !reason)
        rc = db_fail(&opts->err, DB_EUSAGE, "moveon: --reason R is required (why move on?)");
    if (!rc && revisit)
        rc = cli_date(opts, "--revisit", revisit, &op.day);
    return rc ? rc : cli_change_deal(opts, id, op);
}

int cmd_reopen(cli_opts *opts, int argc, char **argv)
{
    const char *id;
    int rc = cli_parse(opts, "reopen", argc, argv, NULL, &id, 1, 1, NULL);
    return rc ? rc : cli_change_deal(opts, id, (edit_op){.kind = EDIT_OP_REOPEN});
}

int cmd_snooze(cli_opts *opts, int argc, char **argv)
{
    const char *id, *until = NULL, *reason = NULL;
    cli_option options[] = {{"--until", &until, NULL}, {"--reason", &reason, NULL},
                            {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "snooze", argc, argv, options, &id, 1, 1, NULL);
    edit_op op = {.kind = EDIT_OP_SNOOZE, .text = reason, .day = DAY_NONE};
    if (!rc && !until)
        rc = db_fail(&opts->err, DB_EUSAGE, "snooze: --until DATE is required");
    if (!rc)
        rc = cli_date(opts, "--until", until, &op.day);
    return rc ? rc : cli_change_deal(opts, id, op);
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
