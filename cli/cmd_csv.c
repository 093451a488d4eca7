/* CSV import and export. */
#include "cli.h"

int cmd_import(cli_opts *opts, int argc, char **argv)
{
    (void)argc, (void)argv;
    return db_fail(&opts->err, DB_EUSAGE, "import: CSV import is not in this build yet");
}

int cmd_export(cli_opts *opts, int argc, char **argv)
{
    (void)argc, (void)argv;
    return db_fail(&opts->err, DB_EUSAGE, "export: export is not in this build yet");
}
