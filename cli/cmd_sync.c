/* Team sync (SPEC §6): clone, sync, changes. */
#include "cli.h"

static int unavailable(cli_opts *opts, const char *cmd)
{
    return db_fail(&opts->err, DB_EUSAGE, "%s: team sync is not in this build yet", cmd);
}

int cmd_clone(cli_opts *opts, int argc, char **argv)
{
    (void)argc, (void)argv;
    return unavailable(opts, "clone");
}

int cmd_sync(cli_opts *opts, int argc, char **argv)
{
    (void)argc, (void)argv;
    return unavailable(opts, "sync");
}

int cmd_changes(cli_opts *opts, int argc, char **argv)
{
    (void)argc, (void)argv;
    return unavailable(opts, "changes");
}
