/* Moving a selection through a list (tui/list_nav.h). */
#include "list_nav.h"

static void move_by(size_t *sel, size_t count, long by)
{
    long to = (long)*sel + by;
    if (to >= (long)count)
        to = (long)count - 1;
    *sel = to < 0 ? 0 : (size_t)to;
}

bool list_nav_key(db_action a, size_t *sel, size_t count, size_t page)
{
    switch (a) {
    case ACTION_MOVE_UP: move_by(sel, count, -1); return true;
    case ACTION_MOVE_DOWN: move_by(sel, count, 1); return true;
    case ACTION_PAGE_UP: move_by(sel, count, -(long)page); return true;
    case ACTION_PAGE_DOWN: move_by(sel, count, (long)page); return true;
    case ACTION_FIRST_CARD: *sel = 0; return true;
    case ACTION_LAST_CARD: move_by(sel, count, (long)count); return true;
    default: return false;
    }
}

void list_nav_scroll(size_t sel, size_t *top, size_t vis)
{
    if (sel < *top)
        *top = sel;
    if (sel >= *top + vis)
        *top = sel + 1 - vis;
}
