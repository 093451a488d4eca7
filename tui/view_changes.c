/* "What changed": the sync engine's account of teammates' changes, in words. */
#include "../store/sync.h"
#include "pager.h"

static void add_change(void *ud, const char *deal_id, const char *title, const char *words)
{
    pager_add(ud, ROLE_NORMAL, 4, "%s (%s): %s", title ? title : "", deal_id ? deal_id : "",
              words ? words : "");
}

static void fill(tui_app *app, pager *p)
{
    db_err err = {0};
    size_t before = p->n;
    if (sync_changes(app->repo, NULL, "HEAD", add_change, p, &err))
        pager_add(p, ROLE_ERROR, 0, "%s", err.msg);
    else if (p->n == before)
        pager_add(p, ROLE_DIM, 0, "%s", "Nothing changed since the last sync.");
}

void tui_changes_view(tui_app *app)
{
    pager p = {0};
    p.title = "What changed since the last sync";
    p.fill = fill;
    fill(app, &p);
    pager_run(app, &p, KCTX_DETAIL);
}
