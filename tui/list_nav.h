/* A selection in a list of rows shown a screenful at a time (the closed
 * deals, the clusters): the list keys move it, and the list scrolls to keep
 * it on screen. pager.h scrolls text without a selection. */
#ifndef DB_TUI_LIST_NAV_H
#define DB_TUI_LIST_NAV_H

#include <stdbool.h>
#include <stddef.h>

#include "../keymaps/actions.h"

/* Moves *sel within [0, count) by up, down, page up/down (by `page` rows),
 * first and last; false (nothing moved) for any other action. */
bool list_nav_key(db_action a, size_t *sel, size_t count, size_t page);
/* The first row to show so that `sel` is among the `vis` rows shown. */
void list_nav_scroll(size_t sel, size_t *top, size_t vis);

#endif
