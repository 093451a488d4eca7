/* The board's entry points (tui.h): the one place that knows every screen.
 * It makes the app, registers what every view shares (help, messages, the
 * background sync) and opens the first view; the framework (app.c) calls
 * none of them by name. */
#include "app.h"
#include "draw.h"
#include "term.h"
#include "tui.h"

/* What the app calls without naming it: the board's model (kept current
 * with the deals), the pages every view opens, the background sync. */
static void register_services(tui_app *app)
{
    tui_board_attach(app);
    tui_register_screen(app, ACTION_HELP, tui_help_view);
    tui_register_screen(app, ACTION_MESSAGES, tui_messages_view);
    tui_sync_register(app);
}

/* Runs `first` (given `arg`) in a fresh app until the user quits. */
static int run_first(db_repo *repo, const keymap *km, db_day today, const char *startup,
                     void (*first)(tui_app *app, const void *arg), const void *arg, db_err *err)
{
    tui_app app;
    tui_app_init(&app, repo, km, today);
    register_services(&app);
    char help[32];
    if (startup && *startup)
        tui_message(&app, true, "%s", startup);
    else if (*tui_key_for(&app, KCTX_BOARD, ACTION_HELP, help, sizeof help))
        tui_message(&app, false, "%s: keys", help);
    int rc = term_open(err);
    if (rc == 0) {
        draw_init(term_has_colors());
        first(&app, arg);
        tui_workers_finish(&app);
        term_close();
    }
    tui_app_free(&app);
    return rc;
}

static void open_board(tui_app *app, const void *arg)
{
    (void)arg;
    tui_board_view(app);
}

int tui_run(db_repo *repo, const keymap *km, db_day today, const char *startup, db_err *err)
{
    return run_first(repo, km, today, startup, open_board, NULL, err);
}

static void open_review(tui_app *app, const void *scope)
{
    tui_review_view(app, scope);
}

int tui_run_review(db_repo *repo, const keymap *km, db_day today, const char *startup,
                   const owner_scope *scope, db_err *err)
{
    return run_first(repo, km, today, startup, open_review, scope, err);
}
