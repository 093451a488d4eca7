#include "draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/text.h"

static bool have_colors;

/* Foreground per role; -1 is the terminal's default. */
static const short role_fg[ROLE_COUNT] = {
    [ROLE_NORMAL] = -1,         [ROLE_HEADER] = COLOR_CYAN,  [ROLE_SELECTED] = -1,
    [ROLE_WATCH] = COLOR_YELLOW, [ROLE_MOVE_ON] = COLOR_RED, [ROLE_OVERDUE] = COLOR_RED,
    [ROLE_TODAY] = COLOR_YELLOW, [ROLE_DIM] = -1,            [ROLE_STATUS] = -1,
    [ROLE_ERROR] = COLOR_RED,
};

/* How each role looks without colour: flags stay visible by attribute. */
static const attr_t role_mono[ROLE_COUNT] = {
    [ROLE_HEADER] = A_BOLD,   [ROLE_SELECTED] = A_REVERSE, [ROLE_WATCH] = A_BOLD,
    [ROLE_MOVE_ON] = A_BOLD,  [ROLE_OVERDUE] = A_BOLD,     [ROLE_TODAY] = A_UNDERLINE,
    [ROLE_DIM] = A_DIM,       [ROLE_STATUS] = A_REVERSE,   [ROLE_ERROR] = A_BOLD,
};

void draw_init(bool colors)
{
    have_colors = colors;
    if (!colors)
        return;
    for (int r = 1; r < ROLE_COUNT; r++)
        init_pair((short)r, role_fg[r], -1);
}

attr_t draw_attr(draw_role role)
{
    if (!have_colors || role_fg[role] == -1)
        return role_mono[role];
    attr_t extra = role == ROLE_MOVE_ON || role == ROLE_ERROR || role == ROLE_HEADER ? A_BOLD : 0;
    return COLOR_PAIR(role) | extra;
}

/* Blanks from the cursor on, in the current attributes: one call, not one
 * addch (a wide-character conversion) per cell; every card row of every
 * frame is blanked first. The cursor stays. */
static void blank(int n)
{
    if (n > 0)
        hline(' ', n);
}

char *draw_safe(const char *s)
{
    char *safe = text_sanitize(s ? s : "", false);
    if (text_locale_utf8())
        return safe;
    /* Outside UTF-8 the terminal would show each byte of "ü" as a cell of
     * garbage and the columns would shift: one ASCII stand-in a character. */
    char *ascii = text_ascii(safe);
    free(safe);
    return ascii;
}

int draw_width(const char *s)
{
    char *safe = draw_safe(s);
    int w = text_width(safe);
    free(safe);
    return w;
}

const char *draw_ellipsis(void)
{
    return text_locale_utf8() ? "…" : "~";
}

int draw_text_cut(int y, int x, const char *s, int cols, attr_t attr)
{
    if (cols <= 0)
        return 0;
    char *safe = draw_safe(s);
    int w = text_width(safe), used;
    if (w <= cols) {
        used = draw_text(y, x, safe, cols, attr, false);
    } else {
        used = draw_text(y, x, safe, cols - 1, attr, false);
        used += draw_text(y, x + used, draw_ellipsis(), 1, attr, false);
    }
    free(safe);
    return used;
}

int draw_text(int y, int x, const char *s, int cols, attr_t attr, bool pad)
{
    if (cols <= 0)
        return 0;
    char *safe = draw_safe(s);
    int used = 0;
    size_t n = text_fit(safe, cols, &used);
    attr_t old_attr;
    short old_pair;
    attr_get(&old_attr, &old_pair, NULL);
    attrset(attr);
    mvaddnstr(y, x, safe, (int)n);
    if (pad)
        blank(cols - used);
    attr_set(old_attr, old_pair, NULL);
    free(safe);
    return pad ? cols : used;
}

void draw_text_right(int y, int x, const char *s, int cols, attr_t attr)
{
    char *safe = draw_safe(s);
    int w = text_width(safe);
    if (w > cols)
        w = cols;
    draw_text(y, x + cols - w, safe, w, attr, false);
    free(safe);
}

void draw_clear_row(int y, int x, attr_t attr)
{
    int cols = COLS - x;
    attr_t old_attr;
    short old_pair;
    attr_get(&old_attr, &old_pair, NULL);
    attrset(attr);
    move(y, x);
    blank(cols);
    attr_set(old_attr, old_pair, NULL);
}

bool draw_too_small(int min_cols, int min_rows)
{
    if (COLS >= min_cols && LINES >= min_rows)
        return false;
    erase();
    char msg[96];
    snprintf(msg, sizeof msg, "terminal too small: needs at least %dx%d (now %dx%d)", min_cols,
             min_rows, COLS, LINES);
    /* Wrap by hand at spaces: readable even in a 10-column terminal. */
    const char *s = msg;
    for (int row = 0; *s && row < LINES; row++) {
        int n = (int)strlen(s);
        if (n > COLS) {
            n = COLS;
            while (n > 0 && s[n] != ' ')
                n--;
            if (n == 0)
                n = COLS;
        }
        mvaddnstr(row, 0, s, n);
        s += n;
        while (*s == ' ')
            s++;
    }
    return true;
}
