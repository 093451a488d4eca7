/* Drawing helpers shared by every view: untrusted text is sanitized and cut
 * to display columns here, and colours degrade to attributes without colour. */
#ifndef DB_DRAW_H
#define DB_DRAW_H

#include <curses.h>
#include <stdbool.h>

/* What a piece of text means; each role has a colour and a monochrome look. */
typedef enum {
    ROLE_NORMAL,
    ROLE_HEADER,      /* column headers, titles */
    ROLE_SELECTED,    /* the selected card */
    ROLE_WATCH,       /* flag: watch */
    ROLE_MOVE_ON,     /* flag: move on? */
    ROLE_OVERDUE,     /* next step overdue */
    ROLE_TODAY,       /* next step due today */
    ROLE_DIM,         /* no next step, secondary text */
    ROLE_STATUS,      /* the status line */
    ROLE_ERROR,       /* an error message */
    ROLE_COUNT
} draw_role;

/* Sets up colour pairs (if the terminal has colours and NO_COLOR is unset). */
void draw_init(bool colors);
attr_t draw_attr(draw_role role);

/* Draws s (sanitized here) at y,x in at most `cols` columns, padded with
 * spaces to exactly `cols` when pad. Returns the columns drawn. */
int draw_text(int y, int x, const char *s, int cols, attr_t attr, bool pad);
/* The same, ending in an ellipsis when s is cut, so that a cut reads as one. */
int draw_text_cut(int y, int x, const char *s, int cols, attr_t attr);
/* "…" (or "~" outside UTF-8): one column. */
const char *draw_ellipsis(void);
/* s as it is drawn: sanitized, and in ASCII when the locale is not UTF-8
 * (text_ascii). Caller frees. */
char *draw_safe(const char *s);
/* Display columns of s as draw_text draws it. */
int draw_width(const char *s);
/* Right-aligned in the `cols` columns that end at x + cols. */
void draw_text_right(int y, int x, const char *s, int cols, attr_t attr);
/* Fills a row from x to the right edge with spaces in attr. */
void draw_clear_row(int y, int x, attr_t attr);

/* The smallest terminal a view draws on unless it says otherwise (see
 * tui_view.min_cols); smaller shows a message. */
#define DRAW_MIN_COLS 40
#define DRAW_MIN_ROWS 10
/* The board and the pages (detail, help, changes, messages) draw on less:
 * one column of one card, or a few lines of text, still make sense. */
#define DRAW_SMALL_COLS 24
#define DRAW_SMALL_ROWS 8
/* True (and the message drawn) when the terminal is below cols x rows. */
bool draw_too_small(int cols, int rows);

#endif
