/* dealboard report: the forecast. */
#include "cli.h"

int cmd_report(cli_opts *opts, int argc, char **argv)
{
    (void)argc, (void)argv;
    return db_fail(&opts->err, DB_EUSAGE, "report: the forecast is not in this build yet");
}
