/* One change from a key as one commit, shared by every action file (deal
 * actions, the buying committee, references): the same edit transaction as
 * the command line's, then the board keeps up and says what happened. */
#include <stdlib.h>

#include "../pipeline/util.h"
#include "../store/deal_txn.h"
#include "app.h"

/* Our own commit changed one deal: swap it in (fast, O(1) files read). If
 * anything else may have changed, read everything again. */
static void keep_board_current(tui_app *app, deal *changed, bool only_ours)
{
    if (!only_ours) {
        tui_reload(app);
        return;
    }
    deal *copy = xmalloc(sizeof *copy);
    *copy = *changed;
    deal_init(changed);               /* ownership moved to the board */
    tui_apply_own_change(app, copy);
}

/* One change as one commit (store/deal_txn.h: the same transaction as the
 * command line's); then the board shows it, with the deal selected (id NULL:
 * the one op creates), and says what happened. */
bool tui_commit_change(tui_app *app, const char *id, edit_op op)
{
    db_err err = {0};
    deal_change change = {.id = id, .by = app->user, .today = app->today, .op = op};
    deal_txn done;
    int rc = deal_txn_commit(app->repo, &change, &done, &err);
    char *select = xstrdup(rc == 0 ? done.d.id : id);   /* the board takes done.d */
    /* HEAD as the board last read it: the commit is the only change since. */
    keep_board_current(app, &done.d, rc == 0 && str_eq(done.head_before, app->head));
    board_select_id(app->board, select);
    if (rc)
        tui_message(app, true, "%s", err.msg);
    else
        tui_message(app, false, "%s", done.message);
    free(select);
    deal_txn_free(&done);
    return rc == 0;
}
