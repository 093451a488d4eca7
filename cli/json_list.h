/* `list --json` and `flags --json`: the listing object, streamed. */
#ifndef DB_JSON_LIST_H
#define DB_JSON_LIST_H

#include <stddef.h>

#include "cli.h"

/* Prints {"today": ..., "deals": [...]} for deals in their order. */
void json_list_print(cli_opts *opts, db_repo *repo, deal **deals, size_t n);

#endif
