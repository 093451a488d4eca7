/* The status line's message row, part of the framework (the board, the
 * pages and the review draw it): the message has room first, indicators take
 * what is left, and a message cut short says which key shows it whole. */
#include <stdio.h>
#include <string.h>

#include "../pipeline/text.h"
#include "app.h"
#include "draw.h"

#define INDICATOR_GAP 2    /* columns between the message and each indicator */

/* The indicators that fit in `room` columns, in order, as one text; the
 * first that does not fit ends them (the later ones matter less). */
static int join_indicators(const char *const *indicators, size_t n, int room, char *out,
                           size_t size)
{
    int used = 0;
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (!indicators[i] || !*indicators[i])
            continue;
        int w = draw_width(indicators[i]) + (used ? INDICATOR_GAP : 0);
        if (used + w > room || len + strlen(indicators[i]) + INDICATOR_GAP >= size)
            break;
        len += (size_t)snprintf(out + len, size - len, "%s%s", used ? "  " : "", indicators[i]);
        used += w;
    }
    return used;
}

void tui_draw_message_row(tui_app *app, keymap_ctx ctx, int y, const char *const *indicators,
                          size_t n)
{
    attr_t attr = app->message_is_error ? draw_attr(ROLE_ERROR) : A_NORMAL;
    int msg_w = draw_width(app->message);
    int room = COLS - 1 - msg_w - (msg_w ? INDICATOR_GAP : 0);
    char right[512];
    int right_w = join_indicators(indicators, n, room > 0 ? room : 0, right, sizeof right);
    draw_clear_row(y, 0, A_NORMAL);
    draw_text_right(y, 0, right, COLS - 1, A_NORMAL);
    int cols = COLS - 1 - (right_w ? right_w + INDICATOR_GAP : 0);
    if (msg_w <= cols) {
        draw_text(y, 0, app->message, cols, attr, false);
        return;
    }
    /* Cut: say where the whole message is, when a key shows it. */
    char key[32], how[64] = "";
    if (*tui_key_for(app, ctx, ACTION_MESSAGES, key, sizeof key))
        snprintf(how, sizeof how, " (%s: all)", key);
    int how_w = draw_width(how);
    if (how_w + 8 > cols)
        how[0] = '\0', how_w = 0;      /* too narrow to say it: the ellipsis must do */
    int used = draw_text(y, 0, app->message, cols - how_w - 1, attr, false);
    used += draw_text(y, used, draw_ellipsis(), 1, attr, false);
    draw_text(y, used, how, how_w, A_NORMAL, false);
}

void tui_history_progress(void *app_ptr, size_t done, size_t total)
{
    tui_app *app = app_ptr;
    /* A passing status, not a message for the log (M). */
    if (total)
        snprintf(app->message, sizeof app->message,
                 "reading the pipeline's history (once)%s %zu of %zu commits", draw_ellipsis(),
                 done, total);
    else
        snprintf(app->message, sizeof app->message, "reading the pipeline's history (once)%s",
                 draw_ellipsis());
    app->message_is_error = false;
    tui_draw(app);
}

void tui_draw_key_hints(tui_app *app, keymap_ctx ctx, const tui_key_hint *hints, size_t n)
{
    char line[256] = "", key[32], one[96];
    size_t used = 0;
    /* Whole hints only: a hint cut in the middle reads as a different key. */
    for (size_t i = 0; i < n; i++) {
        if (!*tui_key_for(app, ctx, hints[i].action, key, sizeof key))
            continue;
        int len = snprintf(one, sizeof one, "%s%s %s", used ? "  " : "", key, hints[i].words);
        if (len < 0 || used + (size_t)len >= sizeof line ||
            text_width(line) + text_width(one) > COLS - 2)
            continue;
        used += (size_t)snprintf(line + used, sizeof line - used, "%s", one);
    }
    draw_clear_row(LINES - 1, 0, draw_attr(ROLE_STATUS));
    draw_text(LINES - 1, 1, line, COLS - 2, draw_attr(ROLE_STATUS), false);
}
