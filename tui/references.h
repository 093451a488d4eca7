/* References in the terminal UI (SPEC §9): the won deals read whole (the
 * board's light deals carry no reference), to offer a buyer who is not
 * comfortable being first the references `dealboard refs ID` would. */
#ifndef DB_TUI_REFERENCES_H
#define DB_TUI_REFERENCES_H

#include "app.h"

typedef struct {
    bool loaded;
    unsigned long gen;      /* app->deals_gen when read: read again after a change */
    deal_list won;          /* the won deals, whole */
} tui_references;

/* The first-mover line for `whole` (a deal loaded whole): NULL unless its
 * buyer is not comfortable being first (reference_not_first_mover); then
 * reference_first_mover_words with the references reference_suggest offers.
 * Caller frees; titles are quoted as stored (drawing sanitizes them). */
char *tui_first_mover_words(tui_app *app, tui_references *refs, const deal *whole);
void tui_references_free(tui_references *refs);

#endif
