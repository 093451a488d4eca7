/* Bindings grouped by action, per context (help view, README, man page). */
#ifndef DB_KEYS_TABLE_H
#define DB_KEYS_TABLE_H

#include <stddef.h>

#include "../keymaps/keymap.h"
#include "../pipeline/util.h"
#include "tui.h"

typedef struct {
    db_action action;
    char keys[160];      /* "h, Left" in keymap file order */
} key_group;

/* The context's own bindings, one group per action; caller frees *out. */
size_t keys_grouped(const keymap *km, keymap_ctx ctx, key_group **out);
/* "The board", "Prompts and forms", ... */
const char *keys_ctx_title(keymap_ctx ctx);

#endif
