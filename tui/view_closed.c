/* The closed deals: won, lost and moved on, most recently closed first, with
 * why; Enter shows one, R reopens it onto the board. The board holds light
 * deals (no log): the closing day and reason come with them (the load cache
 * keeps both, pipeline/forecast.h), so building the list (on open and after
 * a change) reads no deal file. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../pipeline/forecast.h"
#include "../pipeline/format.h"
#include "../pipeline/text.h"
#include "app.h"
#include "draw.h"
#include "list_nav.h"

#define HEADER_ROWS 2   /* title bar, column headings */
#define FOOTER_ROWS 2   /* message, key hints */
#define NARROW_COLS 60  /* below: "moved" for "moved on", and only the title after the value */

typedef struct {
    char *id, *title, *account, *why;
    deal_status status;
    db_day closed_on;
    char value[MONEY_LEN + 16];   /* "48k", "190k CHF" in another currency */
} closed_row;

typedef struct {
    closed_row *rows;       /* every closed deal, most recently closed first */
    size_t nrows;
    size_t *shown;          /* indexes into rows that pass the outcome filter */
    size_t nshown;
    deal_status outcome;    /* STATUS_OPEN: all outcomes shown */
    size_t sel, top;
    unsigned long gen;      /* app->deals_gen the rows were built from */
    char *sel_id;           /* to keep the selection on its deal across a rebuild */
} closed_view;

static const char *outcome_word(deal_status s)
{
    return s == STATUS_MOVED_ON ? "moved on" : deal_status_name(s);
}

/* The same in a row, where a narrow screen has room for "moved" only. */
static const char *outcome_cell(deal_status s)
{
    return s == STATUS_MOVED_ON && COLS < NARROW_COLS ? "moved" : outcome_word(s);
}

/* ---- building the rows -------------------------------------------------- */

static char *moved_on_words(const deal *d)
{
    if (d->revisit == DAY_NONE)
        return xstrdup(d->moved_on_reason ? d->moved_on_reason : "");
    char date[DATE_LEN];
    date_format(d->revisit, date);
    return xasprintf("%s%srevisit %s", d->moved_on_reason ? d->moved_on_reason : "",
                     str_empty(d->moved_on_reason) ? "" : "; ", date);
}

/* "190k CHF": a value in another currency than the pipeline's says which. */
static void row_value(const pipeline_cfg *cfg, const deal *d, char out[MONEY_LEN + 16])
{
    char money[MONEY_LEN];
    format_money_short(d->value, money);
    bool foreign = !str_empty(d->currency) &&
                   !(cfg->currency && strcasecmp(d->currency, cfg->currency) == 0);
    if (!foreign) {
        snprintf(out, MONEY_LEN + 16, "%s", money);
        return;
    }
    snprintf(out, MONEY_LEN + 16, "%s %.12s", money, d->currency);
    for (char *c = out + strlen(money); *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    text_trim_partial_utf8(out);
}

/* One row from the deal, light or whole. */
static void fill_row(tui_app *app, const deal *d, closed_row *r)
{
    r->id = xstrdup(d->id);
    r->title = xstrdup(d->title ? d->title : d->id);
    r->account = xstrdup(d->account ? d->account : "");
    r->status = d->status;
    r->closed_on = forecast_closing_day(d);
    r->why = d->status == STATUS_MOVED_ON ? moved_on_words(d) : forecast_closing_reason(d);
    row_value(repo_config(app->repo), d, r->value);
}

/* Latest first; ties by title, then id, so the order never jitters. */
static int compare_rows(const void *a, const void *b)
{
    const closed_row *x = a, *y = b;
    if (x->closed_on != y->closed_on)
        return x->closed_on > y->closed_on ? -1 : 1;
    int t = strcmp(x->title, y->title);
    return t ? t : strcmp(x->id, y->id);
}

static void free_rows(closed_view *cv)
{
    for (size_t i = 0; i < cv->nrows; i++) {
        closed_row *r = &cv->rows[i];
        free(r->id);
        free(r->title);
        free(r->account);
        free(r->why);
    }
    free(cv->rows);
    free(cv->shown);
    cv->rows = NULL;
    cv->shown = NULL;
    cv->nrows = cv->nshown = 0;
}

static const closed_row *selected_row(const closed_view *cv)
{
    return cv->sel < cv->nshown ? &cv->rows[cv->shown[cv->sel]] : NULL;
}

static void remember_selection(closed_view *cv)
{
    const closed_row *r = selected_row(cv);
    if (!r)
        return;
    free(cv->sel_id);
    cv->sel_id = xstrdup(r->id);
}

/* The rows the outcome filter lets through; the selection stays on its deal. */
static void apply_filter(closed_view *cv)
{
    free(cv->shown);
    cv->shown = xcalloc(cv->nrows + 1, sizeof *cv->shown);
    cv->nshown = 0;
    cv->sel = 0;
    for (size_t i = 0; i < cv->nrows; i++) {
        if (cv->outcome != STATUS_OPEN && cv->rows[i].status != cv->outcome)
            continue;
        if (cv->sel_id && str_eq(cv->rows[i].id, cv->sel_id))
            cv->sel = cv->nshown;
        cv->shown[cv->nshown++] = i;
    }
}

static void build(tui_app *app, closed_view *cv)
{
    remember_selection(cv);
    free_rows(cv);
    cv->rows = xcalloc(app->deals.count + 1, sizeof *cv->rows);
    for (size_t i = 0; i < app->deals.count; i++)
        if (!deal_is_open(app->deals.items[i]))
            fill_row(app, app->deals.items[i], &cv->rows[cv->nrows++]);
    if (cv->nrows > 1)
        qsort(cv->rows, cv->nrows, sizeof *cv->rows, compare_rows);
    cv->gen = app->deals_gen;
    apply_filter(cv);
}

/* ---- drawing ------------------------------------------------------------ */

typedef struct {
    int outcome, date, value, title, account, why;   /* widths; 0: not shown */
} row_layout;

/* Outcome, date and value keep their width; title, account and why share
 * what is left, the title first (a narrow screen shows only the title). */
static row_layout layout(void)
{
    row_layout l = {COLS < NARROW_COLS ? 5 : 8, 10, 9, 0, 0, 0};
    int rest = COLS - 1 - (l.outcome + 1 + l.date + 1 + l.value + 2);
    if (rest < 36) {
        l.title = rest > 4 ? rest : 4;
        return l;
    }
    l.title = rest * 2 / 5;
    l.account = rest / 4;
    l.why = rest - l.title - l.account - 2;
    return l;
}

static void draw_row(int y, const row_layout *l, const char *outcome, const char *date,
                     const char *value, const char *title, const char *account, const char *why,
                     attr_t attr)
{
    int x = 0;
    draw_text(y, 0, "", COLS, attr, true);
    draw_text(y, x, outcome, l->outcome, attr, false);
    x += l->outcome + 1;
    draw_text(y, x, date, l->date, attr, false);
    x += l->date + 1;
    draw_text_right(y, x, value, l->value, attr);
    x += l->value + 2;
    draw_text(y, x, title, l->title, attr, false);
    x += l->title + 1;
    if (l->account)
        draw_text(y, x, account, l->account, attr, false);
    x += l->account + 1;
    if (l->why)
        draw_text(y, x, why, l->why, attr, false);
}

static size_t visible_rows(void)
{
    int rows = LINES - HEADER_ROWS - FOOTER_ROWS;
    return rows > 0 ? (size_t)rows : 1;
}

static void draw_title(const closed_view *cv)
{
    size_t n[STATUS_COUNT] = {0};
    for (size_t i = 0; i < cv->nrows; i++)
        n[cv->rows[i].status]++;
    char title[160], where[48];
    snprintf(title, sizeof title, "Closed%s: %zu won, %zu lost, %zu moved on%s%s",
             COLS < NARROW_COLS ? "" : " deals",
             n[STATUS_WON], n[STATUS_LOST], n[STATUS_MOVED_ON],
             cv->outcome == STATUS_OPEN ? "" : "  showing: ",
             cv->outcome == STATUS_OPEN ? "" : outcome_word(cv->outcome));
    draw_clear_row(0, 0, draw_attr(ROLE_STATUS));
    draw_text(0, 1, title, COLS - 2, draw_attr(ROLE_STATUS) | A_BOLD, false);
    snprintf(where, sizeof where, " %zu/%zu ", cv->nshown ? cv->sel + 1 : 0, cv->nshown);
    if ((int)strlen(title) + (int)strlen(where) + 2 < COLS)
        draw_text_right(0, 0, where, COLS - 1, draw_attr(ROLE_STATUS));
}

static void draw_hints(tui_app *app)
{
    static const tui_key_hint hints[] = {
        {ACTION_DETAIL, "detail"}, {ACTION_REOPEN, "reopen"},
        {ACTION_FILTER, "won/lost/moved on"}, {ACTION_BACK, "back"}, {ACTION_HELP, "keys"}};
    tui_draw_key_hints(app, KCTX_CLOSED, hints, sizeof hints / sizeof *hints);
}

static void closed_draw(tui_app *app, tui_view *v)
{
    closed_view *cv = v->data;
    if (cv->gen != app->deals_gen)
        build(app, cv);
    erase();
    draw_title(cv);
    row_layout l = layout();
    draw_row(1, &l, COLS < NARROW_COLS ? "" : "OUTCOME", "CLOSED", "VALUE", "TITLE", "ACCOUNT", "WHY / REVISIT",
             draw_attr(ROLE_HEADER));
    size_t vis = visible_rows();
    list_nav_scroll(cv->sel, &cv->top, vis);
    if (cv->nshown == 0)
        draw_text(HEADER_ROWS, 1, cv->nrows ? "No deals with this outcome." : "No closed deals yet.",
                  COLS - 2, draw_attr(ROLE_DIM), false);
    for (size_t i = cv->top; i < cv->nshown && i < cv->top + vis; i++) {
        const closed_row *r = &cv->rows[cv->shown[i]];
        char date[DATE_LEN] = "-";
        if (r->closed_on != DAY_NONE)
            date_format(r->closed_on, date);
        draw_row(HEADER_ROWS + (int)(i - cv->top), &l, outcome_cell(r->status), date, r->value,
                 r->title, r->account, r->why, i == cv->sel ? A_REVERSE : A_NORMAL);
    }
    draw_text(LINES - 2, 0, app->message, COLS,
              app->message_is_error ? draw_attr(ROLE_ERROR) : A_NORMAL, false);
    draw_hints(app);
}

/* ---- actions ------------------------------------------------------------ */

/* All outcomes, then won, lost, moved on, and round again. */
static void next_outcome(tui_app *app, closed_view *cv)
{
    cv->outcome = cv->outcome == STATUS_OPEN      ? STATUS_WON
                  : cv->outcome == STATUS_WON     ? STATUS_LOST
                  : cv->outcome == STATUS_LOST    ? STATUS_MOVED_ON
                                                  : STATUS_OPEN;
    remember_selection(cv);
    apply_filter(cv);
    if (cv->outcome == STATUS_OPEN)
        tui_message(app, false, "showing every closed deal");
    else
        tui_message(app, false, "showing the %s deals only", outcome_word(cv->outcome));
}

/* True when deal `id` is open now (reopened here or in its detail view). */
static bool reopened(const tui_app *app, const char *id)
{
    const deal *d = tui_find_deal(app, id);
    return d && deal_is_open(d);
}

static bool closed_handle(tui_app *app, tui_view *v, db_action a)
{
    closed_view *cv = v->data;
    if (list_nav_key(a, &cv->sel, cv->nshown, visible_rows()))
        return true;
    const closed_row *r = selected_row(cv);
    char *id = r ? xstrdup(r->id) : NULL;   /* a rebuild frees the row */
    bool stay = true;
    switch (a) {
    case ACTION_FILTER: next_outcome(app, cv); break;
    case ACTION_BACK: stay = false; break;
    case ACTION_DETAIL:
    case ACTION_REOPEN:
        if (!id) {
            tui_message(app, true, "no deal selected");
            break;
        }
        if (a == ACTION_DETAIL)
            tui_detail_view(app, id);
        else
            tui_deal_action(app, a, id);
        /* Reopened: back to the board, which has it selected in its stage. */
        if (reopened(app, id)) {
            board_select_id(app->board, id);
            stay = false;
        }
        break;
    default:
        tui_message(app, false, "%s: not here", action_name(a));
    }
    free(id);
    return stay;
}

void tui_closed_view(tui_app *app)
{
    closed_view cv = {.outcome = STATUS_OPEN};
    build(app, &cv);
    tui_view v = {KCTX_CLOSED, closed_draw, closed_handle, NULL, &cv};
    tui_run_view(app, &v);
    free_rows(&cv);
    free(cv.sel_id);
}
