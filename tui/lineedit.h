/* A one-line text buffer with a cursor: the editing half of the prompt,
 * without curses (UTF-8 aware: the cursor moves by characters, the view
 * scrolls by display columns). */
#ifndef DB_LINEEDIT_H
#define DB_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "../keymaps/actions.h"

typedef struct {
    char *text;      /* UTF-8, NUL-terminated */
    size_t len, cap;
    size_t cursor;   /* byte offset, always at a character boundary */
    /* The whole text is selected, as a pre-filled value is until the user
     * does something with it: the first character typed replaces it (typing
     * "50k" into a pre-filled "85000" must not make "8500050k"), a delete or
     * kill clears it, a cursor move keeps it for editing. */
    bool selected;
} lineedit;

/* A non-empty initial text starts selected (see `selected`). */
void lineedit_init(lineedit *e, const char *initial);
void lineedit_free(lineedit *e);
void lineedit_set(lineedit *e, const char *text);   /* cursor at the end, nothing selected */
/* Inserts one Unicode character (ignores control characters); replaces the
 * text when it is selected. */
void lineedit_insert(lineedit *e, unsigned codepoint);
/* Applies a prompt action (cursor moves, deletes, kills); false if it is not
 * one. On a selected text a delete or kill clears it and a move deselects it. */
bool lineedit_apply(lineedit *e, db_action action);
/* Display columns from the start of the text to the cursor. */
int lineedit_cursor_col(const lineedit *e);
/* First byte to show so that the cursor fits in `cols` columns. */
size_t lineedit_view_start(const lineedit *e, int cols);

#endif
