/* The board's entry point for cli/ (`dealboard board`, `dealboard demo`). */
#ifndef DB_TUI_H
#define DB_TUI_H

#include <stdio.h>

#include "../keymaps/keymap.h"
#include "../pipeline/owner.h"
#include "../pipeline/util.h"
#include "../store/repo.h"

/* Runs the board until the user quits. `startup` is shown on the status line
 * first (e.g. bad keys file lines), may be NULL. */
int tui_run(db_repo *repo, const keymap *km, db_day today, const char *startup, db_err *err);

/* The same, opening the daily review (`dealboard review`) of scope's deals
 * (pipeline/owner.h; OWNER_ALL: the team's); quitting it or reaching its end
 * leaves dealboard. */
int tui_run_review(db_repo *repo, const keymap *km, db_day today, const char *startup,
                   const owner_scope *scope, db_err *err);

/* The active bindings per context, as a Markdown table (README) or roff
 * (man page). Generated from the keymap so documentation cannot drift. */
void tui_print_keys_table(FILE *out, const keymap *km, bool roff);

#endif
