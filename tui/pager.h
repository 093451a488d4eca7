/* A scrolling page of text lines: the detail, help and changes views. */
#ifndef DB_PAGER_H
#define DB_PAGER_H

#include "app.h"
#include "draw.h"

typedef struct {
    char *text;
    draw_role role;
    int indent;          /* wrapped continuation lines start here */
} pager_line;

typedef struct pager pager;
struct pager {
    char *title;
    pager_line *lines;
    size_t n, cap;
    size_t top;          /* first screen row shown (after wrapping) */
    size_t rows;         /* screen rows of the text as last drawn */
    /* Optional: fills the lines again after a reload. */
    void (*fill)(tui_app *app, pager *p);
    /* Optional: fills the lines for a width of `cols` columns, when first
     * drawn and again when the width changes or the deals are reloaded (bars
     * that fit the screen); then fill is not used. */
    void (*layout)(tui_app *app, pager *p, int cols);
    int laid_cols;       /* the width layout last filled for; 0: not yet */
    /* Optional: actions beyond scrolling; true when handled. */
    bool (*act)(tui_app *app, pager *p, db_action action);
    void *ud;
};

void pager_add(pager *p, draw_role role, int indent, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void pager_clear(pager *p);
/* Runs the pager as a view in context ctx until back; frees its lines. */
void pager_run(tui_app *app, pager *p, keymap_ctx ctx);

#endif
