/* The session's messages: the messages view, where a message cut short on
 * the status line (message_row.c) can be read whole. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../pipeline/text.h"
#include "pager.h"

static void fill(tui_app *app, pager *p)
{
    const tui_message_log *log = &app->log;
    if (!log->n)
        pager_add(p, ROLE_DIM, 0, "%s", "No messages yet.");
    for (size_t i = log->n; i-- > 0;) {
        char when[16];
        time_t t = (time_t)log->items[i].when;
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%H:%M:%S", &tm);
        pager_add(p, log->items[i].error ? ROLE_ERROR : ROLE_NORMAL, 9, "%s %s", when,
                  log->items[i].text);
    }
}

void tui_messages_view(tui_app *app, keymap_ctx from)
{
    (void)from;                        /* the same page from every view */
    if (app->in_messages)
        return;                        /* it is open already */
    pager p = {0};
    p.title = "Messages of this session (newest first)";
    p.fill = fill;
    fill(app, &p);
    app->in_messages = true;
    pager_run(app, &p, KCTX_DETAIL);
    app->in_messages = false;
}
