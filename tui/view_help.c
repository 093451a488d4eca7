/* The help view: the keys of the ACTIVE keymap, the current context first. */
#include <stdlib.h>

#include "keys_table.h"
#include "pager.h"

static void add_context(tui_app *app, pager *p, keymap_ctx ctx)
{
    key_group *g = NULL;
    size_t n = keys_grouped(app->km, ctx, &g);
    if (n == 0)
        return;
    if (p->n)
        pager_add(p, ROLE_NORMAL, 0, "%s", "");
    pager_add(p, ROLE_HEADER, 0, "%s", keys_ctx_title(ctx));
    for (size_t i = 0; i < n; i++)
        pager_add(p, ROLE_NORMAL, 20, "  %-16s %s", g[i].keys, action_help(g[i].action));
    free(g);
}

void tui_help_view(tui_app *app, keymap_ctx ctx)
{
    if (app->in_help)
        return;                        /* ? inside help: it is open already */
    pager p = {0};
    p.title = "Keys (from the active keymap)";
    add_context(app, &p, ctx);
    static const keymap_ctx rest[] = {KCTX_BOARD,  KCTX_DETAIL,   KCTX_REVIEW, KCTX_CLOSED,
                                      KCTX_CLUSTERS, KCTX_PROMPT, KCTX_GLOBAL};
    for (size_t i = 0; i < sizeof rest / sizeof *rest; i++)
        if (rest[i] != ctx)
            add_context(app, &p, rest[i]);
    /* Runs in the context of every page (detail, changes, messages), so that
     * it scrolls and closes with the same keys as they do. */
    app->in_help = true;
    pager_run(app, &p, KCTX_DETAIL);
    app->in_help = false;
}
