/* The board view: columns by buyer stage, cards, status and totals lines. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../pipeline/forecast.h"
#include "../pipeline/format.h"
#include "../pipeline/reference.h"
#include "../pipeline/text.h"
#include "app.h"
#include "draw.h"

#define MIN_COL_WIDTH 24   /* 80 columns show three stages */
#define CARD_ROWS 4        /* three lines of text and a gap */
#define HEADER_ROWS 2      /* stage header and rule */
#define FOOTER_ROWS 2      /* status line and totals line */
/* On the card of a buyer not comfortable being first (the detail view says it whole). */
#define FIRST_MOVER_MARK "wants refs"
#define SNOOZE_DATE_WIDTH 32   /* a card this wide says until when it is snoozed */

typedef struct {
    size_t vis_cols, vis_cards;   /* as last drawn, for paging */
} board_view;

/* A separator that reads well in any locale. */
static const char *dot(void)
{
    return text_locale_utf8() ? "·" : "-";
}

/* ---- layout ------------------------------------------------------------- */

static size_t visible_columns(const board_model *m)
{
    size_t n = (size_t)COLS / MIN_COL_WIDTH;
    if (n == 0)
        n = 1;
    return m->ncols && n > m->ncols ? m->ncols : n;
}

static size_t visible_cards(void)
{
    int rows = LINES - HEADER_ROWS - FOOTER_ROWS;
    return rows >= CARD_ROWS ? (size_t)(rows / CARD_ROWS) : 1;
}

static const char *column_name(const board_column *col)
{
    return col->stage ? col->stage->name : "unknown stage";
}

/* ---- cards -------------------------------------------------------------- */

static const char *next_mark(const deal *d, db_day today, draw_role *role, char buf[32])
{
    switch (board_next_state(d, today)) {
    case NEXT_OVERDUE:
        *role = ROLE_OVERDUE;
        return "overdue";
    case NEXT_TODAY:
        *role = ROLE_TODAY;
        return "due today";
    case NEXT_NONE:
        *role = ROLE_DIM;
        return "no step";
    default:
        *role = ROLE_NORMAL;
        if (d->next_due == DAY_NONE)
            return "next step";
        char date[DATE_LEN];
        date_format(d->next_due, date);
        snprintf(buf, 32, "due %s", date + 5);
        return buf;
    }
}

static draw_role flag_role(flag_level level)
{
    return level == LEVEL_MOVE_ON ? ROLE_MOVE_ON : level == LEVEL_WATCH ? ROLE_WATCH : ROLE_NORMAL;
}

/* Text on the left, a short text on the right, both within w columns. */
static void draw_split(int y, int x, int w, const char *left, attr_t la, const char *right,
                       attr_t ra, attr_t fill)
{
    char *safe = draw_safe(right);
    int rw = text_width(safe);
    if (rw > w / 2)
        rw = w / 2;
    draw_text(y, x, "", w, fill, true);
    draw_text_cut(y, x, left, w - rw - (rw ? 1 : 0), la);
    draw_text_right(y, x, safe, w, ra);
    free(safe);
}

/* "48k"; "190k CHF" in another currency than the pipeline's, which a card
 * must not pass off as the pipeline's (nor is it in the column's sum). */
static void card_value(const board_card *c, char out[MONEY_LEN + 16])
{
    char money[MONEY_LEN];
    format_money_short(c->deal->value, money);
    if (!c->foreign) {
        snprintf(out, MONEY_LEN + 16, "%s", money);
        return;
    }
    snprintf(out, MONEY_LEN + 16, "%s %.12s", money, c->deal->currency);
    for (size_t i = strlen(out); i-- > 0 && out[i] != ' ';)   /* "chf" reads as "CHF" */
        if (out[i] >= 'a' && out[i] <= 'z')
            out[i] = (char)(out[i] - 'a' + 'A');
    text_trim_partial_utf8(out);
}

static void draw_card(const board_model *m, const board_card *c, int y, int x, int w, bool sel)
{
    const deal *d = c->deal;
    attr_t base = sel ? A_REVERSE : A_NORMAL;
    attr_t flag = draw_attr(flag_role(c->flag.level)) | base;
    /* Line 1: the flag's mark, then the title (coloured when flagged). */
    draw_text(y, x, "", w, base, true);
    const char *mark = c->flag.snoozed ? "z" : text_flag_mark(c->flag.level);
    int used = 0, until = 0;
    if (*mark) {
        used = draw_text(y, x, mark, w, c->flag.snoozed ? draw_attr(ROLE_DIM) | base : flag | A_BOLD,
                         false);
        used += draw_text(y, x + used, " ", w - used, base, false);
    }
    if (c->flag.snoozed && w >= SNOOZE_DATE_WIDTH) {   /* "z Title    until 12-01" */
        char date[DATE_LEN], note[32];
        date_format(d->snooze_until, date);
        until = snprintf(note, sizeof note, " until %s", date + 5);
        draw_text_right(y, x, note, w, draw_attr(ROLE_DIM) | base);
    }
    draw_text_cut(y, x + used, d->title, w - used - until, c->flag.level ? flag : base);
    /* Line 2: account, value. */
    char value[MONEY_LEN + 16];
    card_value(c, value);
    draw_split(y + 1, x, w, d->account ? d->account : "", base, value, base, base);
    /* Line 3: days in stage and owner; the next step's state. */
    char left[160], buf[32];
    draw_role role;
    const char *step = next_mark(d, m->today, &role, buf);
    /* A buyer who asked for references in the evaluation stage is not
     * comfortable being first (pipeline/reference.h): offer one. */
    bool wants_refs = reference_not_first_mover(m->cfg, d);
    snprintf(left, sizeof left, "%dd %s%s", c->flag.days_in_stage,   /* the mark before the owner, */
             wants_refs ? FIRST_MOVER_MARK " " : "", d->owner ? d->owner : "");   /* which may be cut */
    text_trim_partial_utf8(left);
    draw_split(y + 2, x, w, left, base | draw_attr(ROLE_DIM), step, draw_attr(role) | base, base);
}

/* ---- columns ------------------------------------------------------------ */

static void draw_header(const board_model *m, size_t i, int x, int w)
{
    const board_column *col = &m->cols[i];
    char money[MONEY_LEN], right[64];
    format_money_short(col->total, money);
    /* "+": deals in other currencies too, not in the sum (the totals line
     * says so in words). */
    snprintf(right, sizeof right, "%zu %s %s%s", col->ncards, dot(), money, col->nother ? "+" : "");
    attr_t attr = draw_attr(ROLE_HEADER) | (i == m->sel_col ? A_UNDERLINE : 0);
    draw_split(0, x, w, column_name(col), attr, right, attr, A_NORMAL);
}

static void draw_column(const board_model *m, size_t i, int x, int w, size_t vis_cards)
{
    const board_column *col = &m->cols[i];
    draw_header(m, i, x, w);
    const char *rule = text_locale_utf8() ? "─" : "-";
    for (int k = 0; k < w; k++)
        mvaddstr(1, x + k, rule);
    if (col->top > 0) {
        char more[32];
        snprintf(more, sizeof more, " %zu more ^ ", col->top);
        draw_text_right(1, x, more, w, draw_attr(ROLE_DIM));
    }
    size_t shown = 0;
    for (size_t j = col->top; j < col->ncards && shown < vis_cards; j++, shown++) {
        int y = HEADER_ROWS + (int)shown * CARD_ROWS;
        draw_card(m, col->cards[j], y, x, w, i == m->sel_col && j == m->sel_row);
    }
    size_t below = col->ncards - col->top - shown;
    if (below > 0) {
        char more[32];
        snprintf(more, sizeof more, " %zu more v ", below);
        draw_text_right(LINES - FOOTER_ROWS - 1, x, more, w, draw_attr(ROLE_DIM));
    }
    if (col->ncards == 0)
        draw_text(HEADER_ROWS, x, i == m->sel_col ? "(no deals)" : "", w,
                  i == m->sel_col ? A_REVERSE : draw_attr(ROLE_DIM), false);
}

/* ---- status and totals -------------------------------------------------- */

/* "synced 14:05" today, else "synced 3 d ago"; "" when never synced. */
static void last_sync_text(int64_t when, char *buf, size_t size)
{
    buf[0] = '\0';
    if (when <= 0)
        return;
    time_t then = (time_t)when, now = time(NULL);
    struct tm t, n;
    localtime_r(&then, &t);
    localtime_r(&now, &n);
    if (t.tm_year == n.tm_year && t.tm_yday == n.tm_yday) {
        strftime(buf, size, "synced %H:%M", &t);
        return;
    }
    long days = (long)((now - then) / 86400);
    snprintf(buf, size, "synced %ld d ago", days < 1 ? 1 : days);
}

/* The sync part of the status line: progress, or ahead/behind; and when. */
static void sync_text(tui_app *app, char *state, size_t size, char *when, size_t when_size)
{
    static const char spin[] = "|/-\\";
    state[0] = when[0] = '\0';
    if (tui_sync_running(app)) {
        int64_t ms = tui_sync_elapsed_ms(app);
        snprintf(state, size, "syncing %c %llds", spin[(ms / 250) % 4], (long long)(ms / 1000));
    } else if (app->have_sync && app->sync.has_remote) {
        last_sync_text(app->sync.last_sync, when, when_size);
        snprintf(state, size, "ahead %d behind %d", app->sync.ahead, app->sync.behind);
    }
}

/* The message first; then the indicators, the least needed dropped first
 * when the row is short. */
static void draw_status(tui_app *app)
{
    const board_model *m = app->board;
    char flagged[32], filter[200], search[200], state[64], when[48];
    char current[160];
    board_filter_text(m, current, sizeof current);
    snprintf(flagged, sizeof flagged, "%zu flagged", board_count_flagged(m));
    snprintf(filter, sizeof filter, "%s%s", *current ? "filter: " : "", current);
    snprintf(search, sizeof search, "%s%.190s", m->search ? "/" : "", m->search ? m->search : "");
    text_trim_partial_utf8(search);
    sync_text(app, state, sizeof state, when, sizeof when);
    const char *indicators[] = {app->as_of, filter, search, flagged, state, when};
    tui_draw_message_row(app, KCTX_BOARD, LINES - 2, indicators,
                         sizeof indicators / sizeof *indicators);
}

/* Left and right texts of a row, each from longest to shortest: the first
 * pair that fits is drawn, the right one giving way first; at worst the
 * shortest left text is cut with an ellipsis. */
static void draw_fitting(int y, const char *const *lefts, size_t nl, const char *const *rights,
                         size_t nr, attr_t attr)
{
    draw_clear_row(y, 0, attr);
    for (size_t l = 0; l < nl; l++)
        for (size_t r = 0; r < nr; r++) {
            int lw = draw_width(lefts[l]), rw = draw_width(rights[r]);
            if (lw + (rw ? rw + 2 : 0) > COLS - 1)
                continue;
            draw_text(y, 0, lefts[l], lw, attr, false);
            draw_text_right(y, 0, rights[r], COLS - 1, attr);
            return;
        }
    draw_text_cut(y, 0, lefts[nl - 1], COLS - 1, attr);
}

static void draw_totals(tui_app *app, size_t vis_cols)
{
    const board_model *m = app->board;
    const board_totals *t = &m->totals;
    const char *cur = m->cfg->currency ? m->cfg->currency : "";
    char value[MONEY_LEN], weighted[MONEY_LEN], short_value[MONEY_LEN], short_weighted[MONEY_LEN];
    format_money(t->open_value, value);
    format_money(t->open_weighted, weighted);
    format_money_short(t->open_value, short_value);
    format_money_short(t->open_weighted, short_weighted);
    char full[256], shorter[160], shortest[96];
    snprintf(full, sizeof full, "Open %d %s %s %s %s weighted %s%s", t->open_count, dot(), value,
             cur, dot(), weighted, t->other_currencies ? " (+ other currencies)" : "");
    snprintf(shorter, sizeof shorter, "Open %d %s %s %s %s wtd %s%s", t->open_count, dot(),
             short_value, cur, dot(), short_weighted, t->other_currencies ? " (+ other cur.)" : "");
    snprintf(shortest, sizeof shortest, "Open %d %s %s %s%s", t->open_count, dot(), short_value,
             cur, t->other_currencies ? " +other" : "");
    char sort_stages[128], stages[48] = "", sort[64];
    snprintf(sort, sizeof sort, "sort: %s", board_sort_name(m->sort));
    if (vis_cols < m->ncols)
        snprintf(stages, sizeof stages, "stages %zu-%zu/%zu", m->first_col + 1,
                 m->first_col + vis_cols, m->ncols);
    snprintf(sort_stages, sizeof sort_stages, "%s%s%s", sort, *stages ? "  " : "", stages);
    const char *lefts[] = {full, shorter, shortest};
    const char *rights[] = {sort_stages, stages, ""};
    draw_fitting(LINES - 1, lefts, 3, rights, 3, draw_attr(ROLE_STATUS));
}

static void board_draw(tui_app *app, tui_view *v)
{
    board_view *bv = v->data;
    board_model *m = app->board;
    erase();
    bv->vis_cols = visible_columns(m);
    bv->vis_cards = visible_cards();
    board_scroll(m, bv->vis_cols, bv->vis_cards);
    int width = COLS / (int)bv->vis_cols;
    for (size_t c = 0; c < bv->vis_cols && m->first_col + c < m->ncols; c++)
        draw_column(m, m->first_col + c, (int)c * width, width - 1, bv->vis_cards);
    draw_status(app);
    draw_totals(app, bv->vis_cols);
}

/* ---- actions ------------------------------------------------------------ */

static void search(tui_app *app)
{
    char *query = NULL;
    if (!tui_prompt(app, "/", FIELD_TEXT, NULL, NULL, &query))
        return;
    if (!*query)
        tui_message(app, false, "search cleared");
    else if (board_search(app->board, query))
        tui_message(app, false, "/%s", query);
    else
        tui_message(app, true, "no deal matches '%s'", query);
    free(query);
}

static void search_again(tui_app *app, int dir)
{
    if (!app->board->search)
        tui_message(app, true, "no search yet (press the search key)");
    else if (!board_search_next(app->board, dir))
        tui_message(app, true, "no deal matches '%s'", app->board->search);
}

static const char *const filter_words[] = {"mine", "flagged", "owner:", "tag:",
                                           "cluster:", "clear", NULL};

static void ask_filter(tui_app *app)
{
    char current[160], *text = NULL;
    board_filter_text(app->board, current, sizeof current);
    if (!tui_prompt(app, "filter (mine, flagged, owner:NAME, tag:NAME, cluster:NAME, clear): ",
                    FIELD_TEXT, current, filter_words, &text))
        return;
    if (!board_set_filter(app->board, text))
        tui_message(app, true,
                    "filter: '%s' is not mine, flagged, owner:NAME, tag:NAME, cluster:NAME or clear",
                    text);
    else if (app->board->filter.kind == FILTER_MINE &&
             !owner_identity_known(&(owner_identity){app->me_name, app->me_email}))
        tui_message(app, true, "mine: no git identity to match owners against: set it with "
                               "git config --global user.name \"Your Name\" (and user.email)");
    else if (board_count_shown(app->board) == 0)
        tui_message(app, false, "filter %s: no deals", text);
    else
        tui_message(app, false, "%s", *text && strcmp(text, "clear") ? "filtered" : "filter cleared");
    free(text);
}

static bool board_handle(tui_app *app, tui_view *v, db_action a)
{
    board_view *bv = v->data;
    board_model *m = app->board;
    const deal *sel = board_selected(m);
    switch (a) {
    case ACTION_MOVE_LEFT: board_move(m, -1, 0); break;
    case ACTION_MOVE_RIGHT: board_move(m, 1, 0); break;
    case ACTION_MOVE_UP: board_move(m, 0, -1); break;
    case ACTION_MOVE_DOWN: board_move(m, 0, 1); break;
    case ACTION_PAGE_UP: board_move(m, 0, -(int)bv->vis_cards); break;
    case ACTION_PAGE_DOWN: board_move(m, 0, (int)bv->vis_cards); break;
    case ACTION_FIRST_CARD: board_first(m); break;
    case ACTION_LAST_CARD: board_last(m); break;
    case ACTION_SORT:
        board_cycle_sort(m);
        tui_message(app, false, "sorted by %s", board_sort_name(m->sort));
        break;
    case ACTION_SEARCH: search(app); break;
    case ACTION_SEARCH_NEXT: search_again(app, 1); break;
    case ACTION_SEARCH_PREV: search_again(app, -1); break;
    case ACTION_FILTER: ask_filter(app); break;
    case ACTION_ADD: tui_add_deal(app); break;
    case ACTION_CHANGES: tui_changes_view(app); break;
    case ACTION_CLOSED: tui_closed_view(app); break;
    case ACTION_CHARTS: tui_charts_view(app); break;
    case ACTION_CLUSTERS: tui_clusters_view(app); break;
    case ACTION_DETAIL:
        if (sel)
            tui_detail_view(app, sel->id);
        else
            tui_message(app, true, "no deal selected");
        break;
    case ACTION_REVIEW: tui_review_view(app, NULL); break;
    default:
        tui_deal_action(app, a, sel ? sel->id : NULL);
    }
    return true;
}

void tui_board_view(tui_app *app)
{
    board_view bv = {1, 1};
    tui_view v = {KCTX_BOARD, board_draw, board_handle, NULL, &bv};
    tui_run_view(app, &v);
}

/* ---- the board's model, kept current with the app's deals --------------- */

static void model_loaded(tui_app *app, void *owner)
{
    board_set_deals(owner, app->deals.items, app->deals.count);
}

static void model_replaced(tui_app *app, void *owner, const deal *old, const deal *changed)
{
    if (!board_replace_deal(owner, old, changed))
        board_set_deals(owner, app->deals.items, app->deals.count);
}

static void model_release(void *owner)
{
    board_free(owner);
    free(owner);
}

static const tui_deals_observer model_observer = {model_loaded, model_replaced, model_release};

void tui_board_attach(tui_app *app)
{
    board_model *m = xcalloc(1, sizeof *m);
    board_init(m, repo_config(app->repo), app->today, app->user);
    board_set_identity(m, app->me_name, app->me_email);
    board_set_deals(m, app->deals.items, app->deals.count);
    board_select_first_card(m);
    app->board = m;
    tui_observe_deals(app, &model_observer, m);
}
