/* The deals by status-quo cluster (SPEC §9), as `dealboard clusters` counts
 * them: per cluster its deals, open deals, win rate and the stage where they
 * stall, and below the list the insights that worked on the selected one.
 * Enter shows the board with that cluster's deals only (filter cluster:NAME).
 * The table is built from the loaded deals, the insights from their whole
 * files and the event index (store/events_clusters.h), on open and after a
 * reload. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/clusters.h"
#include "../pipeline/text.h"
#include "../store/events_clusters.h"
#include "app.h"
#include "draw.h"
#include "list_nav.h"

#define HEADER_ROWS 2     /* title bar, column headings */
#define FOOTER_ROWS 2     /* message, key hints */
#define NARROW_COLS 60    /* below: the name, open deals and win rate only */
#define INSIGHTS_MIN_BODY 6   /* fewer body rows: the list alone */

typedef struct {
    cluster_table t;
    size_t sel, top;
    unsigned long gen;          /* app->deals_gen the table was built from */
    /* To keep the selection on its cluster across a rebuild: */
    bool remembered;            /* a selection was kept */
    char *sel_name;             /* its cluster (NULL: "(none)") */
} clusters_view;

/* ---- building ----------------------------------------------------------- */

static const cluster_row *selected_row(const clusters_view *cv)
{
    return cv->sel < cv->t.count ? &cv->t.rows[cv->sel] : NULL;
}

static void remember_selection(clusters_view *cv)
{
    const cluster_row *r = selected_row(cv);
    if (!r)
        return;
    free(cv->sel_name);
    cv->sel_name = r->name ? xstrdup(r->name) : NULL;
    cv->remembered = true;
}

static void build(tui_app *app, clusters_view *cv)
{
    remember_selection(cv);
    clusters_free(&cv->t);
    cv->gen = app->deals_gen;   /* first: the progress redraws this view meanwhile */
    clusters_compute(repo_config(app->repo), app->deals.items, app->deals.count, app->today,
                     &cv->t);
    char saved[sizeof app->message];
    snprintf(saved, sizeof saved, "%s", app->message);
    bool history_known;   /* each insight says whether it was judged from the history */
    events_cluster_insights(app->repo, app->deals.items, app->deals.count, &cv->t,
                            tui_history_progress, app, &history_known);
    snprintf(app->message, sizeof app->message, "%s", saved);
    cv->sel = 0;
    for (size_t i = 0; cv->remembered && i < cv->t.count; i++)
        if (str_eq(cv->t.rows[i].name, cv->sel_name))
            cv->sel = i;
}

/* ---- drawing ------------------------------------------------------------ */

typedef struct {
    int name, deals, open, win, stalls;   /* widths; 0: not shown */
} row_layout;

/* The numbers keep their width; the name and the stalling stage share the
 * rest, the name first; a narrow screen shows the name, open and win rate. */
static row_layout layout(void)
{
    if (COLS < NARROW_COLS) {
        int name = COLS - 2 - (1 + 4 + 1 + 4);
        return (row_layout){name > 4 ? name : 4, 0, 4, 4, 0};
    }
    row_layout l = {0, 5, 4, 4, 0};
    int rest = COLS - 2 - (1 + l.deals + 1 + l.open + 1 + l.win + 2);
    l.name = rest / 2;
    l.stalls = rest - l.name;
    return l;
}

static void draw_row(int y, const row_layout *l, const char *name, const char *deals,
                     const char *open, const char *win, const char *stalls, attr_t attr)
{
    draw_text(y, 0, "", COLS, attr, true);
    int x = 1;
    draw_text_cut(y, x, name, l->name, attr);
    x += l->name + 1;
    if (l->deals) {
        draw_text_right(y, x, deals, l->deals, attr);
        x += l->deals + 1;
    }
    draw_text_right(y, x, open, l->open, attr);
    x += l->open + 1;
    draw_text_right(y, x, win, l->win, attr);
    x += l->win + 2;
    if (l->stalls)
        draw_text(y, x, stalls, l->stalls, attr, false);
}

static void draw_cluster(const pipeline_cfg *cfg, int y, const row_layout *l, const cluster_row *r,
                         attr_t attr)
{
    char deals[16], open[16], win[16], stalls[160] = "-";
    snprintf(deals, sizeof deals, "%d", r->open + r->won + r->lost + r->moved_on);
    snprintf(open, sizeof open, "%d", r->open);
    int rate = cluster_win_rate(r);
    if (rate < 0)
        snprintf(win, sizeof win, "-");
    else
        snprintf(win, sizeof win, "%d%%", rate);
    if (r->stall_stage >= 0)
        snprintf(stalls, sizeof stalls, "%s (%d)", cfg->stages[r->stall_stage].name,
                 r->stall_count);
    text_trim_partial_utf8(stalls);
    draw_row(y, l, cluster_label(r), deals, open, win, stalls, attr);
}

/* The list's rows on screen: all of the body, or its upper part when the
 * insights have room below. */
static int list_rows(const clusters_view *cv)
{
    int body = LINES - HEADER_ROWS - FOOTER_ROWS;
    if (body < INSIGHTS_MIN_BODY)
        return body > 1 ? body : 1;
    int half = body / 2;
    int want = cv->t.count ? (int)cv->t.count : 1;
    return want < half ? want : half;
}

static void draw_title(const clusters_view *cv)
{
    char title[96], where[48];
    snprintf(title, sizeof title, "Clusters%s: %zu", COLS < NARROW_COLS ? "" : " (status quo)",
             cv->t.count);
    draw_clear_row(0, 0, draw_attr(ROLE_STATUS));
    draw_text(0, 1, title, COLS - 2, draw_attr(ROLE_STATUS) | A_BOLD, false);
    snprintf(where, sizeof where, " %zu/%zu ", cv->t.count ? cv->sel + 1 : 0, cv->t.count);
    if ((int)strlen(title) + (int)strlen(where) + 2 < COLS)
        draw_text_right(0, 0, where, COLS - 1, draw_attr(ROLE_STATUS));
}

/* "Define -> Evaluate", "Explore -> won"; without history "now Evaluate;
 * no history", "won; no history" (as `dealboard clusters` says it). */
static void movement(const pipeline_cfg *cfg, const cluster_insight *in, char *out, size_t size)
{
    const char *to = in->won ? "won" : in->moved_to >= 0 ? cfg->stages[in->moved_to].name : "?";
    if (!in->from_history)
        snprintf(out, size, "%s%s; no history", in->won ? "" : "now ", to);
    else
        snprintf(out, size, "%s -> %s",
                 in->stage_then >= 0 ? cfg->stages[in->stage_then].name : "?", to);
    text_trim_partial_utf8(out);
}

static void draw_insights(tui_app *app, const clusters_view *cv, int y, int end)
{
    const cluster_row *r = selected_row(cv);
    if (!r || y >= end)
        return;
    const pipeline_cfg *cfg = repo_config(app->repo);
    char heading[256];
    snprintf(heading, sizeof heading, "Insights that worked in %s", cluster_label(r));
    text_trim_partial_utf8(heading);
    draw_text_cut(y++, 1, heading, COLS - 2, draw_attr(ROLE_HEADER));
    if (r->ninsights == 0 && y < end)
        draw_text_cut(y, 1, "none yet: an insight counts when its deal moves forward after it",
                      COLS - 2, draw_attr(ROLE_DIM));
    for (size_t i = 0; i < r->ninsights && y < end; i++, y++) {
        const cluster_insight *in = &r->insights[i];
        char moved[200];
        movement(cfg, in, moved, sizeof moved);
        char *line = xasprintf("%s: %s (%s)", moved, in->text, in->deal);
        draw_text_cut(y, 1, line, COLS - 2, A_NORMAL);   /* draw_text sanitizes */
        free(line);
    }
}

static void draw_hints(tui_app *app)
{
    static const tui_key_hint hints[] = {
        {ACTION_CLUSTER_FILTER, "its deals on the board"}, {ACTION_BACK, "back"},
        {ACTION_HELP, "keys"}};
    tui_draw_key_hints(app, KCTX_CLUSTERS, hints, sizeof hints / sizeof *hints);
}

static void clusters_draw(tui_app *app, tui_view *v)
{
    clusters_view *cv = v->data;
    if (cv->gen != app->deals_gen)
        build(app, cv);
    erase();
    draw_title(cv);
    row_layout l = layout();
    draw_row(1, &l, "CLUSTER", "DEALS", "OPEN", "WIN", "STALLS MOST IN", draw_attr(ROLE_HEADER));
    size_t vis = (size_t)list_rows(cv);
    list_nav_scroll(cv->sel, &cv->top, vis);
    if (cv->t.count == 0)
        draw_text(HEADER_ROWS, 1, "No deals yet.", COLS - 2, draw_attr(ROLE_DIM), false);
    const pipeline_cfg *cfg = repo_config(app->repo);
    for (size_t i = cv->top; i < cv->t.count && i < cv->top + vis; i++)
        draw_cluster(cfg, HEADER_ROWS + (int)(i - cv->top), &l, &cv->t.rows[i],
                     i == cv->sel ? A_REVERSE : A_NORMAL);
    if (LINES - HEADER_ROWS - FOOTER_ROWS >= INSIGHTS_MIN_BODY)
        draw_insights(app, cv, HEADER_ROWS + (int)vis + 1, LINES - FOOTER_ROWS);
    draw_text(LINES - 2, 0, app->message, COLS,
              app->message_is_error ? draw_attr(ROLE_ERROR) : A_NORMAL, false);
    draw_hints(app);
}

/* ---- actions ------------------------------------------------------------ */

/* The board with the selected cluster's deals only; true when it is set. */
static bool filter_board(tui_app *app, const clusters_view *cv)
{
    const cluster_row *r = selected_row(cv);
    if (!r) {
        tui_message(app, true, "no cluster selected");
        return false;
    }
    char *filter = xasprintf("cluster:%s", r->name ? r->name : "(none)");
    bool set = board_set_filter(app->board, filter);
    if (!set)
        tui_message(app, true, "this cluster's name is too long for a filter");
    else if (board_count_shown(app->board) == 0)
        tui_message(app, false, "filter %s: no open deals", filter);
    else
        tui_message(app, false, "filter %s: %zu open deals", filter,
                    board_count_shown(app->board));
    free(filter);
    return set;
}

static bool clusters_handle(tui_app *app, tui_view *v, db_action a)
{
    clusters_view *cv = v->data;
    if (list_nav_key(a, &cv->sel, cv->t.count, (size_t)list_rows(cv)))
        return true;
    switch (a) {
    case ACTION_CLUSTER_FILTER: return !filter_board(app, cv);
    case ACTION_BACK: return false;
    default: tui_message(app, false, "%s: not here", action_name(a));
    }
    return true;
}

void tui_clusters_view(tui_app *app)
{
    clusters_view cv = {0};
    build(app, &cv);
    tui_view v = {KCTX_CLUSTERS, clusters_draw, clusters_handle, NULL, &cv};
    tui_run_view(app, &v);
    clusters_free(&cv.t);
    free(cv.sel_name);
}
