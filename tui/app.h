/* The terminal UI's framework: the app (repository, deals, keymap, messages),
 * views (board, detail, help, changes, review…) run in a modal loop like tig's
 * views, and the prompt and form for input. A new screen is a tui_view with a
 * draw and a handle function, run with tui_run_view. The framework (app.c)
 * names no screen: what every view shares (help, messages) and work beside
 * the views (a sync) register with the app (tui/run.c does it). */
#ifndef DB_TUI_APP_H
#define DB_TUI_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../keymaps/keymap.h"
#include "../pipeline/deal.h"
#include "../pipeline/edit.h"
#include "../pipeline/edit_op.h"
#include "../pipeline/format.h"
#include "../store/repo.h"
#include "../store/sync.h"
#include "board_model.h"
#include "prompt_history.h"

typedef struct tui_app tui_app;
typedef struct tui_view tui_view;

/* A screen opened by the same key from every view (help, messages); `from`:
 * the context of the view it was opened from. */
typedef void (*tui_screen_opener)(tui_app *app, keymap_ctx from);

/* Work that runs beside the views (a sync in a child process). While busy,
 * the loop wakes every 100 ms and polls it instead of checking HEAD; before
 * the app quits it is finished (waited for, not killed). */
typedef struct {
    bool (*busy)(const tui_app *app);
    void (*poll)(tui_app *app);
    void (*finish)(tui_app *app);
} tui_worker;
#define TUI_MAX_WORKERS 4

/* Something that keeps its own view of the loaded deals (the board's
 * model): told when they change, before the old deals are freed. */
typedef struct {
    void (*loaded)(tui_app *app, void *owner);      /* every deal read again */
    /* One deal swapped in after the board's own commit (old: NULL when it
     * is new; freed after this returns). */
    void (*replaced)(tui_app *app, void *owner, const deal *old, const deal *changed);
    void (*release)(void *owner);                    /* the app is freed */
} tui_deals_observer;
#define TUI_MAX_OBSERVERS 4

struct tui_view {
    keymap_ctx ctx;                     /* whose bindings apply */
    void (*draw)(tui_app *app, tui_view *v);
    /* Handles an action; returns false to close the view. */
    bool (*handle)(tui_app *app, tui_view *v, db_action action);
    /* Optional: the deals were reloaded (a change, or another process). */
    void (*reloaded)(tui_app *app, tui_view *v);
    void *data;
};

/* A sync running in a child process (tui/sync_job.c). */
typedef struct {
    pid_t pid;                  /* 0: none running */
    int fd;                     /* the pipe the child reports on */
    int64_t started_ms;         /* monotonic, for the status line */
} tui_sync_job;

/* One message of the session, as tui_message said it (not cut to 512 bytes). */
typedef struct {
    char *text;
    bool error;
    int64_t when;               /* time(NULL) */
} tui_logged;
#define MESSAGE_LOG_MAX 200
typedef struct {
    tui_logged *items;          /* oldest first */
    size_t n, cap;
} tui_message_log;

struct tui_app {
    db_repo *repo;
    const keymap *km;
    db_day today;
    char *user;                 /* the user's git name: log entries */
    char *me_name, *me_email;   /* the git identity as set, for "mine" (NULL: not set) */
    deal_list deals;            /* every deal, open or closed; light (deal.partial) */
    uint32_t *id_slots;         /* hash of the ids: index + 1 into deals, 0 empty */
    size_t id_nslots;           /* a power of two, at least twice the deals */
    unsigned long deals_gen;    /* changes whenever a deal may have changed */
    board_model *board;         /* owned by the board view (view_board.c), which keeps
                                 * it current; other views select deals on it */
    char head[41];              /* HEAD as last loaded */
    char as_of[AS_OF_LEN];      /* a board of a past day (--as-of): "as of …" (format_as_of),
                                 * read-only; "": today's */
    char message[512];          /* the status line's message */
    bool message_is_error;
    unsigned long message_seq;  /* counts messages: did an idle tick say anything? */
    tui_message_log log;        /* every message of the session (the messages view) */
    bool in_messages;           /* the messages view is open (it does not stack) */
    prompt_history_book history;    /* what was typed at each prompt (Up/Down) */
    sync_status sync;
    bool have_sync;             /* sync_get_status worked */
    tui_sync_job job;
    tui_view *top;              /* the view on screen (drawn under prompts) */
    keymap_state keys;
    keymap_ctx keys_ctx;
    bool in_help;               /* the help view is open (it does not stack) */
    bool quit;
    tui_screen_opener screens[ACTION_COUNT];    /* registered: opened by their key */
    const tui_worker *workers[TUI_MAX_WORKERS]; /* registered background work */
    size_t nworkers;
    struct {
        const tui_deals_observer *o;
        void *owner;
    } observers[TUI_MAX_OBSERVERS];
    size_t nobservers;
};

/* The app over repo, deals loaded; tui_app_free releases it. */
void tui_app_init(tui_app *app, db_repo *repo, const keymap *km, db_day today);
void tui_app_free(tui_app *app);
/* `action` opens `open` from every view (unless the view's keymap context
 * binds the key to something else). */
void tui_register_screen(tui_app *app, db_action action, tui_screen_opener open);
/* w (static, outlives the app) is polled and finished by the app. */
void tui_register_worker(tui_app *app, const tui_worker *w);
bool tui_workers_busy(const tui_app *app);
/* o (static) is told about every change of app->deals, with `owner`. */
void tui_observe_deals(tui_app *app, const tui_deals_observer *o, void *owner);
/* Waits for every registered worker (on quit). */
void tui_workers_finish(tui_app *app);

/* What the keyboard (or script) said. */
typedef enum { EV_ACTION, EV_TEXT, EV_RESIZE, EV_TICK, EV_EOF } tui_event_kind;
typedef struct {
    tui_event_kind kind;
    db_action action;           /* EV_ACTION */
    int key;                    /* EV_TEXT: a key no binding took */
    bool idle;                  /* EV_TICK: a pause long enough for the idle work */
} tui_event;

/* Waits for the next event in context ctx (sequences, timeouts, resize). */
void tui_next_event(tui_app *app, keymap_ctx ctx, tui_event *ev);
/* Runs a view until its handler returns false or the app quits. */
void tui_run_view(tui_app *app, tui_view *v);
/* Draws the view on top (or the too-small message) and updates the screen. */
void tui_draw(tui_app *app);
/* True (and the too-small message drawn) when the terminal is below what
 * the view on top needs. */
bool tui_too_small(const tui_app *app);

void tui_message(tui_app *app, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Loads every deal again, keeping the board's selection on the same deal. */
void tui_reload(tui_app *app);
/* The loaded (light) deal with this id, or NULL (it may have gone in a reload). */
const deal *tui_find_deal(const tui_app *app, const char *id);

/* A deal loaded whole, with its log and long text fields. The board holds
 * light deals (deal.partial); code that shows those fields takes a
 * tui_full_deal, never a deal from app->deals, so a light one cannot reach it. */
typedef struct {
    deal d;
    char *id;                   /* what d is, NULL: nothing loaded */
    unsigned long gen;          /* app->deals_gen when loaded */
    char why[sizeof(((db_err *)0)->msg)];   /* why the load failed */
} tui_full_deal;
/* Loads deal `id` whole unless f holds it since the last change; false (with
 * f->why) when it is gone or cannot be read. */
bool tui_full_deal_load(tui_app *app, tui_full_deal *f, const char *id);
void tui_full_deal_free(tui_full_deal *f);

/* After the board's own commit: swaps in the one deal it changed (taking
 * ownership of `changed`, kept light) instead of re-reading every file. */
void tui_apply_own_change(tui_app *app, deal *changed);
/* The first key bound to `action` in ctx (else global), e.g. "Esc", for hints
 * that must never lie about rebound keys; "" when unbound. */
const char *tui_key_for(const tui_app *app, keymap_ctx ctx, db_action action, char *buf,
                        size_t size);

/* ---- input: prompt and form (tui/prompt.c) ---- */
typedef enum { FIELD_TEXT, FIELD_DATE, FIELD_VALUE, FIELD_STAGE, FIELD_CHOICE } input_kind;
typedef struct {
    const char *label;
    input_kind kind;
    bool required;
    const char *const *choices;  /* FIELD_CHOICE: accepted words (unique prefixes complete) */
    const char *initial;         /* may be NULL */
    char *value;                 /* out: malloc'd text (tui_form_free) */
} form_field;

/* A form of fields; Enter confirms a field (validated first) and moves on,
 * Esc cancels. True when every field was confirmed. */
bool tui_form(tui_app *app, const char *title, form_field *fields, size_t n);
/* Frees the values tui_form allocated (after either outcome). */
void tui_form_free(form_field *fields, size_t n);
/* One field on the bottom line. *out (malloc'd) on confirm. */
bool tui_prompt(tui_app *app, const char *label, input_kind kind, const char *initial,
                const char *const *choices, char **out);
/* A yes/no question on the bottom line ("Mark 'Acme' (120,000 EUR) as won?",
 * " y/n" is added); true only for y or Y: any other key says no, so a key
 * typed by mistake changes nothing. */
bool tui_confirm(tui_app *app, const char *question);
/* A checklist in a box: Up/Down choose an item, Space or its number (1-9)
 * ticks or unticks it, Enter confirms (true), Esc skips (false: *ticked is
 * then all false). ticked[i]: item i ticked, in and out. */
bool tui_checklist(tui_app *app, const char *title, const char *const *items, size_t n,
                   bool *ticked);
/* Checks a field's text; NULL when fine, else why (static text). */
const char *tui_field_check(const tui_app *app, const form_field *f, const char *text);

/* ---- views ---- */
void tui_board_view(tui_app *app);                      /* view_board.c */
/* Makes the board's model (app->board) and keeps it current with the deals. */
void tui_board_attach(tui_app *app);
void tui_detail_view(tui_app *app, const char *id);     /* view_detail.c */
void tui_help_view(tui_app *app, keymap_ctx ctx);       /* view_help.c */
void tui_changes_view(tui_app *app);                    /* view_changes.c */
void tui_closed_view(tui_app *app);                     /* view_closed.c */
void tui_charts_view(tui_app *app);                     /* view_charts.c */
/* The deals by status-quo cluster; Enter filters the board to one. */
void tui_clusters_view(tui_app *app);                   /* view_clusters.c */
void tui_messages_view(tui_app *app, keymap_ctx from);  /* view_messages.c */
/* message_row.c: the message row at y: the message has room first; `indicators` (in order,
 * the last one dropped first) take what is left. A message cut short ends
 * with how to read it whole ("… (M: all)"). */
void tui_draw_message_row(tui_app *app, keymap_ctx ctx, int y, const char *const *indicators,
                          size_t n);
/* A progress callback (store/events.h) for a first read of the history:
 * says how far it is on the status line and draws; app_ptr: the tui_app. */
void tui_history_progress(void *app_ptr, size_t done, size_t total);
/* The bottom row's key hints: each action's key in ctx and its words, whole
 * hints only, as many as fit; an action with no key is left out. */
typedef struct {
    db_action action;
    const char *words;
} tui_key_hint;
void tui_draw_key_hints(tui_app *app, keymap_ctx ctx, const tui_key_hint *hints, size_t n);
/* view_review.c: the deals of `scope`; NULL: the board's mine/owner:NAME
 * filter when one is set, else the user's own deals (the team's when no git
 * identity is set). */
void tui_review_view(tui_app *app, const owner_scope *scope);

/* ---- background sync (sync_job.c) ---- */
/* Registers the sync as the app's background work (polled, waited for). */
void tui_sync_register(tui_app *app);
/* Starts a sync in a child process (script mode: and waits for it). */
void tui_sync_start(tui_app *app);
bool tui_sync_running(const tui_app *app);
int64_t tui_sync_elapsed_ms(const tui_app *app);
/* True (with a message) when a sync runs: edits wait until it is done. */
bool tui_refuse_during_sync(tui_app *app);

/* ---- deal actions (deal_actions.c), shared by board, detail and review ---- */
/* Runs a deal action on deal `id` (NULL: none selected); true when `action`
 * is one (handled, whatever the outcome). */
bool tui_deal_action(tui_app *app, db_action action, const char *id);
void tui_add_deal(tui_app *app);
/* The next-step form for deal id, pre-filled with its current step (the `p`
 * key; the review passes due_required). Commits when something changed; true
 * unless the form was cancelled. */
bool tui_plan_next_step(tui_app *app, const char *id, bool due_required);
/* One change as one commit (store/deal_txn.h, the command line's
 * transaction); the board then shows it with the deal selected (id NULL: the
 * op creates one) and the message says what happened. True when committed. */
bool tui_commit_change(tui_app *app, const char *id, edit_op op);   /* deal_commit.c */

/* ---- the buying committee and references (committee_actions.c) ---- */
void tui_person_add(tui_app *app, const char *id);   /* name, role, stance */
void tui_person_rm(tui_app *app, const char *id);    /* which person */
void tui_ref_ready(tui_app *app, const char *id);    /* toggles ready / not ready */
void tui_ref_asked(tui_app *app, const char *id);    /* for which deal: two commits */
/* Sets one field as `dealboard set` does (one commit); true when it did. */
bool tui_set_field(tui_app *app, const char *id, const char *field, const char *value);

#endif
