#include "lineedit.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "../pipeline/util.h"

void lineedit_init(lineedit *e, const char *initial)
{
    memset(e, 0, sizeof *e);
    lineedit_set(e, initial ? initial : "");
    e->selected = e->len > 0;
}

void lineedit_free(lineedit *e)
{
    free(e->text);
    memset(e, 0, sizeof *e);
}

static void reserve(lineedit *e, size_t need)
{
    if (need + 1 <= e->cap)
        return;
    e->cap = (need + 1) * 2;
    e->text = xrealloc(e->text, e->cap);
}

void lineedit_set(lineedit *e, const char *text)
{
    size_t n = strlen(text);
    reserve(e, n);
    memcpy(e->text, text, n + 1);
    e->len = e->cursor = n;
    e->selected = false;
}

static bool is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

static size_t next_char(const lineedit *e, size_t at)
{
    if (at >= e->len)
        return e->len;
    at++;
    while (at < e->len && is_cont((unsigned char)e->text[at]))
        at++;
    return at;
}

static size_t prev_char(const lineedit *e, size_t at)
{
    if (at == 0)
        return 0;
    at--;
    while (at > 0 && is_cont((unsigned char)e->text[at]))
        at--;
    return at;
}

static size_t utf8_encode(unsigned cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

void lineedit_insert(lineedit *e, unsigned cp)
{
    /* Control characters never enter the text: it ends up in commits and files. */
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return;
    if (e->selected)
        lineedit_set(e, "");          /* typing over a selection replaces it */
    char buf[4];
    size_t n = utf8_encode(cp, buf);
    reserve(e, e->len + n);
    memmove(e->text + e->cursor + n, e->text + e->cursor, e->len - e->cursor + 1);
    memcpy(e->text + e->cursor, buf, n);
    e->len += n;
    e->cursor += n;
}

static void delete_range(lineedit *e, size_t from, size_t to)
{
    memmove(e->text + from, e->text + to, e->len - to + 1);
    e->len -= to - from;
    e->cursor = from;
}

static bool is_space_at(const lineedit *e, size_t at)
{
    return e->text[at] == ' ' || e->text[at] == '\t';
}

static size_t word_left(const lineedit *e)
{
    size_t at = e->cursor;
    while (at > 0 && is_space_at(e, prev_char(e, at)))
        at = prev_char(e, at);
    while (at > 0 && !is_space_at(e, prev_char(e, at)))
        at = prev_char(e, at);
    return at;
}

static size_t word_right(const lineedit *e)
{
    size_t at = e->cursor;
    while (at < e->len && is_space_at(e, at))
        at = next_char(e, at);
    while (at < e->len && !is_space_at(e, at))
        at = next_char(e, at);
    return at;
}

/* An action on the selected (pre-filled) text: deletes and kills take all of
 * it, as they take a selection anywhere else; a cursor move keeps the text
 * for editing. False when the action is not an edit at all. */
static bool apply_to_selection(lineedit *e, db_action action)
{
    switch (action) {
    case ACTION_DELETE_BACK: case ACTION_DELETE_CHAR: case ACTION_KILL_LINE:
    case ACTION_KILL_LINE_BACK:
        lineedit_set(e, "");
        return true;
    case ACTION_CURSOR_LEFT: case ACTION_CURSOR_RIGHT: case ACTION_CURSOR_HOME:
    case ACTION_CURSOR_END: case ACTION_WORD_LEFT: case ACTION_WORD_RIGHT:
        e->selected = false;
        return lineedit_apply(e, action);
    default:
        return false;
    }
}

bool lineedit_apply(lineedit *e, db_action action)
{
    if (e->selected)
        return apply_to_selection(e, action);
    switch (action) {
    case ACTION_CURSOR_LEFT:
        e->cursor = prev_char(e, e->cursor);
        return true;
    case ACTION_CURSOR_RIGHT:
        e->cursor = next_char(e, e->cursor);
        return true;
    case ACTION_CURSOR_HOME:
        e->cursor = 0;
        return true;
    case ACTION_CURSOR_END:
        e->cursor = e->len;
        return true;
    case ACTION_DELETE_BACK:
        delete_range(e, prev_char(e, e->cursor), e->cursor);
        return true;
    case ACTION_DELETE_CHAR:
        delete_range(e, e->cursor, next_char(e, e->cursor));
        return true;
    case ACTION_KILL_LINE:
        delete_range(e, e->cursor, e->len);
        return true;
    case ACTION_KILL_LINE_BACK:
        delete_range(e, 0, e->cursor);
        return true;
    case ACTION_WORD_LEFT:
        e->cursor = word_left(e);
        return true;
    case ACTION_WORD_RIGHT:
        e->cursor = word_right(e);
        return true;
    default:
        return false;
    }
}

/* Display width of text[from, to). */
static int width_between(const lineedit *e, size_t from, size_t to)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    int cols = 0;
    while (from < to) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, e->text + from, to - from, &st);
        if (n == 0 || n == (size_t)-1 || n == (size_t)-2) {
            memset(&st, 0, sizeof st);
            n = 1;
            wc = L'?';
        }
        int w = wcwidth(wc);
        cols += w < 0 ? 1 : w;
        from += n;
    }
    return cols;
}

int lineedit_cursor_col(const lineedit *e)
{
    return width_between(e, 0, e->cursor);
}

size_t lineedit_view_start(const lineedit *e, int cols)
{
    size_t start = 0;
    /* Keep one column free for the cursor itself. */
    while (start < e->cursor && width_between(e, start, e->cursor) > cols - 1)
        start = next_char(e, start);
    return start;
}
