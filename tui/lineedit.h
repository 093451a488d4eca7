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
} lineedit;

void lineedit_init(lineedit *e, const char *initial);
void lineedit_free(lineedit *e);
void lineedit_set(lineedit *e, const char *text);   /* cursor at the end */
/* Inserts one Unicode character (ignores control characters). */
void lineedit_insert(lineedit *e, unsigned codepoint);
/* Applies a prompt action (cursor moves, deletes, kills); false if it is not one. */
bool lineedit_apply(lineedit *e, db_action action);
/* Display columns from the start of the text to the cursor. */
int lineedit_cursor_col(const lineedit *e);
/* First byte to show so that the cursor fits in `cols` columns. */
size_t lineedit_view_start(const lineedit *e, int cols);

#endif
