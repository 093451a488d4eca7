#include "pager.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/text.h"

void pager_add(pager *p, draw_role role, int indent, const char *fmt, ...)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->lines = xrealloc(p->lines, p->cap * sizeof *p->lines);
    }
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int len = vsnprintf(NULL, 0, fmt, ap);
    char *raw = xmalloc(len > 0 ? (size_t)len + 1 : 1);
    vsnprintf(raw, len > 0 ? (size_t)len + 1 : 1, fmt, again);
    va_end(again);
    va_end(ap);
    /* Sanitized once here (deal text comes from teammates' files), and in
     * the ASCII drawn outside UTF-8, so that wrapping counts what is drawn. */
    p->lines[p->n++] = (pager_line){draw_safe(raw ? raw : ""), role, indent};
    free(raw);
}

void pager_clear(pager *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->lines[i].text);
    p->n = 0;
}

/* Draws (when draw) the line wrapped to cols from screen row *row on;
 * returns the rows it takes. Rows before `skip` are not drawn. */
static size_t wrap_line(const pager_line *l, int cols, size_t skip, size_t *row, int max_y,
                        bool draw)
{
    const char *s = l->text;
    size_t rows = 0;
    int indent = 0;
    do {
        int used = 0, width = cols - indent > 10 ? cols - indent : cols;
        size_t n = text_fit(s, width, &used);
        if (n == 0 && *s)
            n = strlen(s);           /* a character wider than the screen */
        /* Break at the last space when the line goes on. */
        if (s[n]) {
            size_t k = n;
            while (k > 0 && s[k] != ' ')
                k--;
            if (k > 0)
                n = k + 1;
        }
        if (draw && *row >= skip && (int)(*row - skip) + 1 < max_y) {
            char *piece = xstrndup(s, n);
            draw_text(1 + (int)(*row - skip), width == cols ? 0 : indent, piece, width,
                      draw_attr(l->role), false);
            free(piece);
        }
        s += n;
        (*row)++;
        rows++;
        indent = l->indent;
    } while (*s);
    return rows;
}

static void pager_draw(tui_app *app, tui_view *v)
{
    pager *p = v->data;
    if (p->layout && p->laid_cols != COLS - 1) {
        pager_clear(p);
        p->layout(app, p, COLS - 1);
        p->laid_cols = COLS - 1;
    }
    erase();
    draw_clear_row(0, 0, draw_attr(ROLE_STATUS));
    draw_text(0, 1, p->title, COLS - 2, draw_attr(ROLE_STATUS) | A_BOLD, false);
    size_t row = 0, height = (size_t)(LINES - 3);
    for (size_t i = 0; i < p->n; i++)
        wrap_line(&p->lines[i], COLS - 1, 0, &row, 0, false);
    p->rows = row;
    if (p->top + height > p->rows)
        p->top = p->rows > height ? p->rows - height : 0;
    row = 0;
    for (size_t i = 0; i < p->n && row < p->top + height; i++)
        wrap_line(&p->lines[i], COLS - 1, p->top, &row, LINES - 2, true);
    tui_draw_message_row(app, v->ctx, LINES - 2, NULL, 0);
    char where[64];
    snprintf(where, sizeof where, "%zu-%zu of %zu", p->rows ? p->top + 1 : 0,
             p->top + height < p->rows ? p->top + height : p->rows, p->rows);
    draw_clear_row(LINES - 1, 0, draw_attr(ROLE_STATUS));
    char back[32], help[32], hint[96];
    tui_key_for(app, v->ctx, ACTION_BACK, back, sizeof back);
    tui_key_for(app, v->ctx, ACTION_HELP, help, sizeof help);
    snprintf(hint, sizeof hint, "%s: back%s%s%s", back, *help && !app->in_help ? "  " : "",
             app->in_help ? "" : help, *help && !app->in_help ? ": keys" : "");
    int room = COLS - 2 - draw_width(where) - 2;
    if (draw_width(hint) > room)
        snprintf(hint, sizeof hint, "%s: back", back);   /* the way out stays */
    draw_text(LINES - 1, 1, hint, room, draw_attr(ROLE_STATUS), false);
    draw_text_right(LINES - 1, 0, where, COLS - 1, draw_attr(ROLE_STATUS));
}

static bool pager_handle(tui_app *app, tui_view *v, db_action a)
{
    pager *p = v->data;
    size_t page = LINES > 4 ? (size_t)(LINES - 4) : 1;
    switch (a) {
    case ACTION_MOVE_UP: p->top = p->top ? p->top - 1 : 0; return true;
    case ACTION_MOVE_DOWN: p->top++; return true;
    case ACTION_PAGE_UP: p->top = p->top > page ? p->top - page : 0; return true;
    case ACTION_PAGE_DOWN: p->top += page; return true;
    case ACTION_FIRST_CARD: p->top = 0; return true;
    case ACTION_LAST_CARD: p->top = p->rows; return true;
    case ACTION_BACK: return false;
    default:
        if (!p->act || !p->act(app, p, a))
            tui_message(app, false, "%s: not here", action_name(a));
        return true;
    }
}

static void pager_reloaded(tui_app *app, tui_view *v)
{
    pager *p = v->data;
    p->laid_cols = 0;              /* laid out again when next drawn */
    if (p->fill && !p->layout) {
        pager_clear(p);
        p->fill(app, p);
    }
}

void pager_run(tui_app *app, pager *p, keymap_ctx ctx)
{
    tui_view v = {ctx, pager_draw, pager_handle, pager_reloaded, p};
    app->message[0] = '\0';
    tui_run_view(app, &v);
    pager_clear(p);
    free(p->lines);
    p->lines = NULL;
    p->cap = 0;
    app->message[0] = '\0';
}
