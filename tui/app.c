/* The app: loading deals, the event loop every view runs in, messages. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/text.h"
#include "app.h"
#include "draw.h"
#include "term.h"
#include "tui.h"

/* Idle wake-ups: check HEAD once a second; a pending key sequence waits less. */
#define TICK_MS 1000
#define PENDING_MS 800
/* While a sync runs: wake often to animate the status line and collect it. */
#define SYNC_TICK_MS 100

void tui_message(tui_app *app, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->message, sizeof app->message, fmt, ap);
    va_end(ap);
    text_trim_partial_utf8(app->message);
    app->message_is_error = error;
}

edit_ctx tui_edit_ctx(const tui_app *app)
{
    edit_ctx ctx = {app->user, app->today, clock_now()};
    return ctx;
}

typedef struct {
    db_action want;
    char *buf;
    size_t size;
    bool found;
} key_search;

static void first_key(void *ud, const char *keys, db_action action)
{
    key_search *ks = ud;
    if (ks->found || action != ks->want)
        return;
    snprintf(ks->buf, ks->size, "%s", keys);
    ks->found = true;
}

const char *tui_key_for(const tui_app *app, keymap_ctx ctx, db_action action, char *buf,
                        size_t size)
{
    key_search ks = {action, buf, size, false};
    buf[0] = '\0';
    keymap_bindings(app->km, ctx, first_key, &ks);
    if (!ks.found)
        keymap_bindings(app->km, KCTX_GLOBAL, first_key, &ks);
    return buf;
}

typedef struct {
    int broken;
    char first[300];
} load_problems;

static void note_problem(void *ud, const char *relpath, const char *why)
{
    load_problems *p = ud;
    if (p->broken++ == 0)
        snprintf(p->first, sizeof p->first, "%s: %s", relpath, why);
}

void tui_reload(tui_app *app)
{
    deal_list fresh = {0};
    load_problems problems = {0};
    db_err err = {0};
    repo_head(app->repo, app->head);
    if (repo_load_deals(app->repo, &fresh, note_problem, &problems, &err)) {
        deal_list_free(&fresh);
        tui_message(app, true, "%s", err.msg);
        return;
    }
    /* The model points into the deals: swap them in, then free the old ones. */
    deal_list old = app->deals;
    app->deals = fresh;
    board_set_deals(&app->board, app->deals.items, app->deals.count);
    deal_list_free(&old);
    app->have_sync = sync_get_status(app->repo, &app->sync, &err) == 0;
    if (problems.broken)
        tui_message(app, true, "%d broken file%s (see dealboard doctor): %s", problems.broken,
                    problems.broken == 1 ? "" : "s", problems.first);
    if (app->top && app->top->reloaded)
        app->top->reloaded(app, app->top);
}

const deal *tui_find_deal(const tui_app *app, const char *id)
{
    for (size_t i = 0; i < app->deals.count; i++)
        if (strcmp(app->deals.items[i]->id, id) == 0)
            return app->deals.items[i];
    return NULL;
}

bool tui_head_is_ours(tui_app *app)
{
    char head[41];
    repo_head(app->repo, head);
    return strcmp(head, app->head) == 0;
}

void tui_apply_own_change(tui_app *app, deal *changed)
{
    deal *old = NULL;
    for (size_t i = 0; i < app->deals.count && !old; i++) {
        if (str_eq(app->deals.items[i]->id, changed->id)) {
            old = app->deals.items[i];
            app->deals.items[i] = changed;
        }
    }
    if (!old)
        deal_list_push(&app->deals, changed);
    board_set_deals(&app->board, app->deals.items, app->deals.count);
    deal_destroy(old);                 /* after the model stopped pointing at it */
    repo_head(app->repo, app->head);
    db_err err = {0};
    app->have_sync = sync_get_status(app->repo, &app->sync, &err) == 0;
    if (app->top && app->top->reloaded)
        app->top->reloaded(app, app->top);
}

/* Another process (the CLI, a sync) committed: show its work. */
static void check_head(tui_app *app)
{
    char head[41];
    repo_head(app->repo, head);
    if (strcmp(head, app->head) == 0)
        return;
    tui_reload(app);
    tui_message(app, false, "reloaded: the repository changed");
}

void tui_draw(tui_app *app)
{
    if (!draw_too_small() && app->top)
        app->top->draw(app, app->top);
    refresh();
}

void tui_next_event(tui_app *app, keymap_ctx ctx, tui_event *ev)
{
    if (app->keys_ctx != ctx)
        app->keys.n = 0;
    app->keys_ctx = ctx;
    memset(ev, 0, sizeof *ev);
    for (;;) {
        int idle = tui_sync_running(app) ? SYNC_TICK_MS : TICK_MS;
        int key = term_read_key(app->keys.n ? PENDING_MS : idle);
        keymap_result r;
        if (key == TERM_EOF) {
            ev->kind = EV_EOF;
            return;
        }
        if (key == TERM_TIMEOUT) {
            r = app->keys.n ? keymap_flush(app->km, ctx, &app->keys, &ev->action)
                            : KEYMAP_NOMATCH;
            ev->kind = r == KEYMAP_MATCH ? EV_ACTION : EV_TICK;
            return;
        }
        if (key == KEY_RESIZE) {
            app->keys.n = 0;
            ev->kind = EV_RESIZE;
            return;
        }
        r = keymap_feed(app->km, ctx, &app->keys, key, &ev->action);
        if (r == KEYMAP_PENDING)
            continue;
        ev->kind = r == KEYMAP_MATCH ? EV_ACTION : EV_TEXT;
        ev->key = key;
        return;
    }
}

static bool too_small(void)
{
    return COLS < DRAW_MIN_COLS || LINES < DRAW_MIN_ROWS;
}

/* Actions every view shares; true when handled here. */
static bool handle_common(tui_app *app, tui_view *v, db_action a)
{
    switch (a) {
    case ACTION_HELP:
        if (v->ctx != KCTX_GLOBAL)     /* the help view itself runs in global */
            tui_help_view(app, v->ctx);
        return true;
    case ACTION_REFRESH:
        clearok(curscr, TRUE);
        tui_reload(app);
        return true;
    default:
        return false;
    }
}

void tui_run_view(tui_app *app, tui_view *v)
{
    tui_view *below = app->top;
    app->top = v;
    bool open = true;
    while (open && !app->quit) {
        tui_draw(app);
        tui_event ev;
        tui_next_event(app, v->ctx, &ev);
        if (ev.kind == EV_EOF)
            app->quit = true;
        else if (ev.kind == EV_TICK && tui_sync_running(app))
            tui_sync_poll(app, false);  /* its commits show when it is done */
        else if (ev.kind == EV_TICK)
            check_head(app);
        else if (ev.kind != EV_ACTION)
            continue;
        else if (ev.action == ACTION_QUIT)
            app->quit = true;
        else if (too_small())
            continue;              /* nothing to act on that the user can see */
        else if (!handle_common(app, v, ev.action))
            open = v->handle(app, v, ev.action);
    }
    if (app->quit)
        tui_sync_wait(app);        /* while this view is still on screen */
    app->top = below;
    if (below && below->reloaded)
        below->reloaded(app, below);
}

int tui_run(db_repo *repo, const keymap *km, db_day today, const char *startup, db_err *err)
{
    return tui_run_first(repo, km, today, startup, tui_board_view, err);
}

int tui_run_first(db_repo *repo, const keymap *km, db_day today, const char *startup,
                  void (*first)(tui_app *app), db_err *err)
{
    tui_app app;
    memset(&app, 0, sizeof app);
    app.repo = repo;
    app.km = km;
    app.today = today;
    app.user = repo_user_name(repo);
    board_init(&app.board, repo_config(repo), today, app.user);
    tui_reload(&app);
    board_select_first_card(&app.board);
    char help[32];
    if (startup && *startup)
        tui_message(&app, true, "%s", startup);
    else if (*tui_key_for(&app, KCTX_BOARD, ACTION_HELP, help, sizeof help))
        tui_message(&app, false, "%s: keys", help);
    int rc = term_open(err);
    if (rc == 0) {
        draw_init(term_has_colors());
        first(&app);
        tui_sync_wait(&app);
        term_close();
    }
    board_free(&app.board);
    deal_list_free(&app.deals);
    free(app.user);
    return rc;
}
