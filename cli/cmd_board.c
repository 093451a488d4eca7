/* The board and the review open the terminal UI (tui/). Until the board is
 * built into this binary, `board` prints the open deals as `list` does. */
#include "cli.h"

int cmd_board(cli_opts *opts, int argc, char **argv)
{
    int rc = cli_parse(opts, "board", argc, argv, NULL, NULL, 0, 0, NULL);
    return rc ? rc : cmd_list(opts, 0, NULL);
}

int cmd_review(cli_opts *opts, int argc, char **argv)
{
    int rc = cli_parse(opts, "review", argc, argv, NULL, NULL, 0, 0, NULL);
    return rc ? rc : cmd_flags(opts, 0, NULL);
}
