/* The app: loading deals, the event loop every view runs in, messages. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../pipeline/text.h"
#include "app.h"
#include "draw.h"
#include "term.h"

/* Idle wake-ups: check HEAD once a second; a pending key sequence waits less. */
#define TICK_MS 1000
#define PENDING_MS 800
/* While background work runs: wake often to animate the status line and
 * collect its result. */
#define SYNC_TICK_MS 100

/* The session's messages, for the message log: full text, oldest first; the
 * oldest go once there are MESSAGE_LOG_MAX. */
static void log_message(tui_app *app, const char *text, bool error)
{
    tui_message_log *log = &app->log;
    if (log->n && str_eq(log->items[log->n - 1].text, text))
        return;                        /* the same again (an idle reload): once is enough */
    if (log->n == MESSAGE_LOG_MAX) {
        free(log->items[0].text);
        memmove(log->items, log->items + 1, (log->n - 1) * sizeof *log->items);
        log->n--;
    }
    if (log->n == log->cap) {
        log->cap = log->cap ? log->cap * 2 : 16;
        log->items = xrealloc(log->items, log->cap * sizeof *log->items);
    }
    log->items[log->n++] = (tui_logged){xstrdup(text), error, time(NULL)};
}

void tui_message(tui_app *app, bool error, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int len = vsnprintf(NULL, 0, fmt, ap);
    char *full = xmalloc(len > 0 ? (size_t)len + 1 : 1);
    vsnprintf(full, len > 0 ? (size_t)len + 1 : 1, fmt, again);
    va_end(again);
    va_end(ap);
    snprintf(app->message, sizeof app->message, "%s", full);
    text_trim_partial_utf8(app->message);
    app->message_is_error = error;
    app->message_seq++;
    if (*full)
        log_message(app, full, error);
    free(full);
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

/* ---- finding deals by id (O(1): the board has up to 100,000) ----------- */

static uint64_t id_hash(const char *id)
{
    uint64_t h = 1469598103934665603u;          /* FNV-1a */
    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 1099511628211u;
    return h;
}

/* The slot holding id, or the empty slot where it would go. */
static size_t id_slot(const tui_app *app, const char *id)
{
    size_t mask = app->id_nslots - 1, i = (size_t)(id_hash(id) & mask);
    while (app->id_slots[i] && !str_eq(app->deals.items[app->id_slots[i] - 1]->id, id))
        i = (i + 1) & mask;
    return i;
}

static void index_ids(tui_app *app)
{
    free(app->id_slots);
    app->id_nslots = 64;
    while (app->id_nslots < 2 * app->deals.count + 2)
        app->id_nslots *= 2;
    app->id_slots = xcalloc(app->id_nslots, sizeof *app->id_slots);
    for (size_t i = 0; i < app->deals.count; i++)
        app->id_slots[id_slot(app, app->deals.items[i]->id)] = (uint32_t)(i + 1);
}

const deal *tui_find_deal(const tui_app *app, const char *id)
{
    if (!app->id_nslots || !id)
        return NULL;
    size_t k = app->id_slots[id_slot(app, id)];
    return k ? app->deals.items[k - 1] : NULL;
}

void tui_reload(tui_app *app)
{
    deal_list fresh = {0};
    load_problems problems = {0};
    db_err err = {0};
    repo_head(app->repo, app->head);
    if (repo_load_deals_light(app->repo, &fresh, false, note_problem, &problems, &err)) {
        deal_list_free(&fresh);
        tui_message(app, true, "%s", err.msg);
        return;
    }
    /* The model points into the deals: swap them in, then free the old ones. */
    deal_list old = app->deals;
    app->deals = fresh;
    app->deals_gen++;
    index_ids(app);
    for (size_t i = 0; i < app->nobservers; i++)
        app->observers[i].o->loaded(app, app->observers[i].owner);
    deal_list_free(&old);
    /* A past day's board does not sync: no ahead/behind to show. */
    app->have_sync = !*app->as_of && sync_get_status(app->repo, &app->sync, &err) == 0;
    if (problems.broken)
        tui_message(app, true, "%d broken file%s (see dealboard doctor): %s", problems.broken,
                    problems.broken == 1 ? "" : "s", problems.first);
    if (app->top && app->top->reloaded)
        app->top->reloaded(app, app->top);
}

/* HEAD moved by our commit, a child of the HEAD shown (the caller checked):
 * one more commit ahead of the remote. Asking sync_get_status again would
 * walk the history between HEAD and the remote's branch (all of it before
 * the first sync) on every keypress. */
static void note_own_commit(tui_app *app)
{
    char before[sizeof app->head];
    memcpy(before, app->head, sizeof before);
    repo_head(app->repo, app->head);
    if (strcmp(before, app->head) == 0)
        return;                        /* nothing committed */
    db_err err = {0};
    if (app->have_sync && app->sync.has_remote)
        app->sync.ahead++;
    else if (!app->have_sync)
        app->have_sync = sync_get_status(app->repo, &app->sync, &err) == 0;
}

/* No re-reading, re-scoring or re-sorting of every deal after each keypress:
 * a hash lookup, and what the observers redo for one deal (the board: the
 * two columns concerned, board_replace_deal). */
void tui_apply_own_change(tui_app *app, deal *changed)
{
    deal_make_light(changed);          /* the board keeps no logs (memory) */
    if (!app->id_nslots)
        index_ids(app);                /* the first load failed: no table yet */
    size_t slot = id_slot(app, changed->id), k = app->id_slots[slot];
    deal *old = k ? app->deals.items[k - 1] : NULL;
    if (old) {
        app->deals.items[k - 1] = changed;
    } else {
        deal_list_push(&app->deals, changed);
        app->id_slots[slot] = (uint32_t)app->deals.count;
        if (2 * app->deals.count + 2 > app->id_nslots)
            index_ids(app);
    }
    app->deals_gen++;
    for (size_t i = 0; i < app->nobservers; i++)
        app->observers[i].o->replaced(app, app->observers[i].owner, old, changed);
    deal_destroy(old);                 /* after the models stopped pointing at it */
    note_own_commit(app);
    if (app->top && app->top->reloaded)
        app->top->reloaded(app, app->top);
}

/* ---- whole deals, for the views that show the log ----------------------- */

void tui_full_deal_free(tui_full_deal *f)
{
    deal_free(&f->d);
    free(f->id);
    f->id = NULL;
}

bool tui_full_deal_load(tui_app *app, tui_full_deal *f, const char *id)
{
    if (f->id && str_eq(f->id, id) && f->gen == app->deals_gen)
        return true;
    tui_full_deal_free(f);
    db_err err = {0};
    if (!tui_find_deal(app, id)) {
        snprintf(f->why, sizeof f->why, "%s: the deal is gone (deleted or undone)", id);
        return false;
    }
    if (repo_load_deal(app->repo, id, &f->d, &err) || f->d.partial) {
        snprintf(f->why, sizeof f->why, "%s", err.msg);
        deal_free(&f->d);
        return false;
    }
    f->id = xstrdup(id);
    f->gen = app->deals_gen;
    return true;
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

/* The smallest terminal a view draws on. The board (one column of one card)
 * the pages and the clusters make sense from DRAW_SMALL_*; the review shows a deal with
 * its key hints at once and needs more. */
static void view_minimum(const tui_view *v, int *cols, int *rows)
{
    bool small = v && (v->ctx == KCTX_BOARD || v->ctx == KCTX_DETAIL ||
                       v->ctx == KCTX_REVIEW || v->ctx == KCTX_CLUSTERS);
    *cols = small ? DRAW_SMALL_COLS : DRAW_MIN_COLS;
    *rows = small ? DRAW_SMALL_ROWS : DRAW_MIN_ROWS;
}

bool tui_too_small(const tui_app *app)
{
    int cols, rows;
    view_minimum(app->top, &cols, &rows);
    return draw_too_small(cols, rows);
}

void tui_draw(tui_app *app)
{
    if (!tui_too_small(app) && app->top)
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
        int idle = tui_workers_busy(app) ? SYNC_TICK_MS : TICK_MS;
        int key = term_read_key(app->keys.n ? PENDING_MS : idle);
        keymap_result r;
        if (key == TERM_EOF) {
            ev->kind = EV_EOF;
            return;
        }
        if (key == TERM_TIMEOUT || key == TERM_TICK) {
            ev->idle = key == TERM_TIMEOUT;
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

static bool too_small(const tui_view *v)
{
    int cols, rows;
    view_minimum(v, &cols, &rows);
    return COLS < cols || LINES < rows;
}

/* ---- what registers with the app ---------------------------------------- */

void tui_register_screen(tui_app *app, db_action action, tui_screen_opener open)
{
    if ((int)action > ACTION_NONE && action < ACTION_COUNT)
        app->screens[action] = open;
}

void tui_register_worker(tui_app *app, const tui_worker *w)
{
    if (app->nworkers < TUI_MAX_WORKERS)
        app->workers[app->nworkers++] = w;
}

void tui_observe_deals(tui_app *app, const tui_deals_observer *o, void *owner)
{
    if (app->nobservers == TUI_MAX_OBSERVERS)
        return;
    app->observers[app->nobservers].o = o;
    app->observers[app->nobservers++].owner = owner;
}

bool tui_workers_busy(const tui_app *app)
{
    for (size_t i = 0; i < app->nworkers; i++)
        if (app->workers[i]->busy(app))
            return true;
    return false;
}

static void poll_workers(tui_app *app)
{
    for (size_t i = 0; i < app->nworkers; i++)
        if (app->workers[i]->busy(app))
            app->workers[i]->poll(app);
}

void tui_workers_finish(tui_app *app)
{
    for (size_t i = 0; i < app->nworkers; i++)
        app->workers[i]->finish(app);
}

/* A board of a past day changes nothing: every action that would write is
 * refused here, for every view, before the view sees it (and the store
 * refuses too). */
static bool refuse_in_past(tui_app *app, db_action a)
{
    if (!*app->as_of || !action_has(a, AP_WRITES))
        return false;
    const repo_as_of_info *past = repo_as_of(app->repo);
    char day[DATE_LEN];
    date_format(past ? past->day : app->today, day);
    tui_message(app, true, "read-only: as of %s", day);
    return true;
}

/* Actions every view shares; true when handled here. */
static bool handle_common(tui_app *app, tui_view *v, db_action a)
{
    if (a == ACTION_REFRESH) {
        clearok(curscr, TRUE);
        tui_reload(app);
        return true;
    }
    if ((int)a <= ACTION_NONE || a >= ACTION_COUNT || !app->screens[a])
        return false;
    app->screens[a](app, v->ctx);
    return true;
}

void tui_run_view(tui_app *app, tui_view *v)
{
    tui_view *below = app->top;
    app->top = v;
    bool open = true, draw = true;
    while (open && !app->quit) {
        if (draw)
            tui_draw(app);
        draw = true;
        tui_event ev;
        tui_next_event(app, v->ctx, &ev);
        if (ev.kind == EV_EOF)
            app->quit = true;
        else if (ev.kind == EV_TICK && tui_workers_busy(app))
            poll_workers(app);      /* a sync's commits show when it is done */
        else if (ev.kind == EV_TICK) {
            unsigned long gen = app->deals_gen, seq = app->message_seq;
            check_head(app);
            /* An idle tick that changed nothing leaves the screen alone
             * (a full redraw every second costs CPU for nothing). */
            draw = gen != app->deals_gen || seq != app->message_seq;
        }
        else if (ev.kind != EV_ACTION)
            continue;
        else if (ev.action == ACTION_QUIT)
            app->quit = true;
        else if (too_small(v))
            continue;              /* nothing to act on that the user can see */
        else if (refuse_in_past(app, ev.action))
            continue;
        else if (!handle_common(app, v, ev.action))
            open = v->handle(app, v, ev.action);
    }
    if (app->quit)
        tui_workers_finish(app);   /* while this view is still on screen */
    app->top = below;
    if (below && below->reloaded)
        below->reloaded(app, below);
}

/* ---- the app's lifetime (tui/run.c composes it with the screens) -------- */

void tui_app_init(tui_app *app, db_repo *repo, const keymap *km, db_day today)
{
    memset(app, 0, sizeof *app);
    app->repo = repo;
    app->km = km;
    app->today = today;
    const repo_as_of_info *past = repo_as_of(repo);
    if (past)
        format_as_of(past->day, past->commit, past->commit_time, app->as_of);
    app->user = repo_user_name(repo);
    repo_user_identity(repo, &app->me_name, &app->me_email);
    tui_reload(app);
}

void tui_app_free(tui_app *app)
{
    /* Large blocks first (the board's model): freed after the deals' many
     * small ones, each would make malloc consolidate them all (170 ms at
     * 100,000 deals). */
    for (size_t i = 0; i < app->nobservers; i++)
        app->observers[i].o->release(app->observers[i].owner);
    for (size_t i = 0; i < app->log.n; i++)
        free(app->log.items[i].text);
    free(app->log.items);
    history_book_free(&app->history);
    free(app->id_slots);
    deal_list_free(&app->deals);
    free(app->user);
    free(app->me_name);
    free(app->me_email);
}
