/* Keymaps: `bind CONTEXT KEY ACTION` files (SPEC §5) and key-by-key matching.
 *
 * Loading order is the caller's: keymap_default(), then a preset
 * (keymap_preset_text), then the user's file; later lines override earlier
 * ones for the same context and key. The full key syntax is documented at
 * the top of keymaps/default.keys.
 *
 * Key codes are curses codes: characters as their code point, function keys
 * as KEY_UP, KEY_F(1), ... from <curses.h>, control keys as c & 0x1f,
 * Enter as '\n', Esc as 27, Backspace as KEY_BACKSPACE. Two flag bits extend
 * them: KEYMAP_META for M-x, and KEYMAP_CHAR for the few hundred characters
 * whose code point falls in curses' KEY_MIN..KEY_MAX range (e.g. 'ć' is 263,
 * the same number as KEY_BACKSPACE). Turn wget_wch() results into key codes
 * with keymap_key_from_wch() so that these stay apart.
 *
 * Matching equates what terminals send interchangeably: '\r', KEY_ENTER and
 * C-j/C-m are Enter; 127, 8 (C-h) and C-? are Backspace; C-i is Tab; C-[ is Esc.
 */
#ifndef DB_KEYMAP_H
#define DB_KEYMAP_H

#include <stddef.h>

#include "actions.h"

#define KEYMAP_META 0x40000000 /* M-x: Alt held, or Esc then x */
#define KEYMAP_CHAR 0x20000000 /* character in the KEY_MIN..KEY_MAX range */
#define KEYMAP_MAX_KEYS 4      /* longest key sequence */

typedef enum {
    KCTX_GLOBAL, /* fallback for every other context */
    KCTX_BOARD,
    KCTX_DETAIL,
    KCTX_REVIEW,
    KCTX_PROMPT, /* one-line input: search, filter, field edits */
    KCTX_CLOSED, /* the list of won, lost and moved-on deals */
    KCTX_CLUSTERS, /* the deals by status-quo cluster */
    KCTX_COUNT
} keymap_ctx;

typedef struct keymap keymap;

/* Called once per bad line; the SPEC's report format is "FILE:LINE: why". */
typedef void (*keymap_error_fn)(void *ud, const char *file, int line, const char *why);

/* The built-in keymap files, as C strings generated from keymaps/NAME.keys by
 * the build (build/keys_text.c). */
extern const char keymap_default_text[];
extern const char keymap_emacs_text[];

keymap *keymap_new(void); /* empty; NULL if out of memory */
void keymap_free(keymap *km);

/* Loads bindings from text; `file` names it in error reports. Returns the
 * number of bad lines (each reported through on_error, which may be NULL);
 * the good lines load regardless. -1 (errno EINVAL) if km or text is NULL. */
int keymap_load_string(keymap *km, const char *text, const char *file, keymap_error_fn on_error,
                       void *ud);
/* Same for a file. Returns -1 with errno set if it cannot be read (ENOENT for
 * a missing file: the caller decides whether that is an error). */
int keymap_load_file(keymap *km, const char *path, keymap_error_fn on_error, void *ud);
/* A new keymap with the built-in default.keys, parsed by the same parser. */
keymap *keymap_default(keymap_error_fn on_error, void *ud);
/* Text of a built-in preset, "default" or "emacs"; NULL for any other name. */
const char *keymap_preset_text(const char *name);
/* A ready keymap_error_fn: prints "FILE:LINE: why\n" to ud, a FILE *
 * (stderr when ud is NULL). */
void keymap_error_print(void *ud, const char *file, int line, const char *why);

/* Key-by-key matching. Start with `keymap_state st = {0};` and feed every key.
 *
 * The context's own bindings are tried first, then the global ones, except
 * that the prompt context never takes a text key (a printable character or
 * Space) from global, so typing is never stolen. A context binding shadows
 * a global binding of the same keys; binding a key to `none` in a context
 * makes it do nothing there, global binding or not.
 *
 * KEYMAP_PENDING means the keys so far begin a longer binding: a longer
 * sequence always wins while pending, even when the keys so far are a
 * binding of their own (`g` and `gg`, or Esc and every M- key, since a
 * terminal sends M-x as Esc then x). Such a shorter binding fires through
 * keymap_flush(), which the caller calls when no key follows within its
 * timeout (keymap_pending_action() tells whether one is waiting). A key that
 * continues no binding drops the pending keys and is matched on its own.
 * On KEYMAP_MATCH *out is the action; otherwise it is ACTION_NONE.
 * Empty the state (st.n = 0) when the view, and so the context, changes. */
typedef enum { KEYMAP_NOMATCH, KEYMAP_PENDING, KEYMAP_MATCH } keymap_result;
typedef struct {
    int keys[KEYMAP_MAX_KEYS];
    int n;
} keymap_state;

keymap_result keymap_feed(const keymap *km, keymap_ctx ctx, keymap_state *st, int key,
                          db_action *out);
/* What the pending keys would do if no key followed: ACTION_NONE if nothing. */
db_action keymap_pending_action(const keymap *km, keymap_ctx ctx, const keymap_state *st);
/* Ends the pending sequence: KEYMAP_MATCH with its action if it is a binding
 * of its own, else KEYMAP_NOMATCH. Always leaves the state empty. */
keymap_result keymap_flush(const keymap *km, keymap_ctx ctx, keymap_state *st, db_action *out);

/* wget_wch() result to key code: rc is its return value (OK or KEY_CODE_YES,
 * not ERR), wch the character or function key it stored. */
int keymap_key_from_wch(int rc, unsigned int wch);

/* For the help screen: calls fn for every binding of the context itself (not
 * its global fallback, not `none`), in file order, with the key sequence in
 * canonical text ("C-n", "gg", "Enter", "g<Enter>"). Returns the count. */
size_t keymap_bindings(const keymap *km, keymap_ctx ctx,
                       void (*fn)(void *ud, const char *keys, db_action action), void *ud);
/* Canonical text of a key sequence (e.g. a pending one) into buf, always
 * NUL-terminated when size > 0. Returns the length it needed, like snprintf. */
size_t keymap_keys_text(const int *keys, int n, char *buf, size_t size);
/* Parses one KEY word of the bind syntax ("j", "C-n", "gg", "<C-x>u") into key
 * codes, as a keymap file would. Returns the count, or -1 with why set. Used by
 * the board's script mode (tests) to turn `key <C-n>` into what a terminal sends. */
int keymap_parse_keys(const char *text, int keys[KEYMAP_MAX_KEYS], char *why, size_t whysz);
/* "global", "board", ...; NULL if out of range. */
const char *keymap_ctx_name(keymap_ctx ctx);

#endif
