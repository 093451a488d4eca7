/* Editing a deal's file in $EDITOR, checked before it is committed. */
#ifndef DB_TUI_EDITOR_H
#define DB_TUI_EDITOR_H

#include "app.h"

/* Runs $EDITOR (else vi) on the deal's file. A valid result is committed
 * (one commit, canonical text); an invalid one is put back as it was, nothing
 * is committed, and the message says why. */
void tui_edit_file(tui_app *app, const char *id);

#endif
