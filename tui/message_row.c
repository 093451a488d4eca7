/* The status line's message row, part of the framework (the board, the
 * pages and the review draw it): the message has room first, indicators take
 * what is left, and a message cut short says which key shows it whole. */
#include <stdio.h>
#include <string.h>

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
