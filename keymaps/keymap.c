/* Keymap files (`bind CONTEXT KEY ACTION`) and key-by-key matching.
 * The key syntax is documented in keymaps/default.keys; the matching rules
 * in keymap.h. Only curses' KEY_* constants are used, no curses function. */
#include "keymap.h"

#include <curses.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ESC_KEY 27
#define WHY_SIZE 256
#define REASON_SIZE 128      /* the part in parentheses of "bad key 'x' (reason)" */
#define ECHO_MAX 40          /* how much of a bad word an error repeats */
#define KEY_TEXT_MAX 32      /* longest single key text: "M-C-Backspace" and such */
#define KEYS_FILE_MAX (1u << 20)
#define SYNTAX "bind CONTEXT KEY ACTION"

/* printf arguments that repeat a word of the line, cut to ECHO_MAX bytes */
#define ECHO(w) (int)((w).len > ECHO_MAX ? ECHO_MAX : (w).len), (w).s

struct binding {
    keymap_ctx ctx;
    int n;
    int keys[KEYMAP_MAX_KEYS];
    db_action action; /* ACTION_NONE: unbound on purpose, shadows global */
};

struct keymap {
    struct binding *items; /* in the order first bound: the help screen's order */
    size_t count, cap;
};

struct word {
    const char *s;
    size_t len;
};

static const char *const ctx_names[KCTX_COUNT] = {"global", "board", "detail", "review", "prompt",
                                                   "closed", "clusters"};

/* Canonical names first: rendering uses the first name of a code. */
static const struct {
    const char *name;
    int code;
} key_names[] = {
    {"Enter", '\n'},       {"Esc", ESC_KEY},      {"Tab", '\t'},         {"BackTab", KEY_BTAB},
    {"Space", ' '},        {"Backspace", KEY_BACKSPACE},                 {"Delete", KEY_DC},
    {"Insert", KEY_IC},    {"Home", KEY_HOME},    {"End", KEY_END},      {"Up", KEY_UP},
    {"Down", KEY_DOWN},    {"Left", KEY_LEFT},    {"Right", KEY_RIGHT},  {"PgUp", KEY_PPAGE},
    {"PgDn", KEY_NPAGE},   {"Return", '\n'},      {"Escape", ESC_KEY},   {"Del", KEY_DC},
    {"PageUp", KEY_PPAGE}, {"PageDown", KEY_NPAGE},
};
#define KEY_NAME_COUNT (sizeof key_names / sizeof key_names[0])
#define FKEY_MAX 12

/* ---- keymap storage ---------------------------------------------------- */

keymap *keymap_new(void)
{
    return calloc(1, sizeof(keymap));
}

void keymap_free(keymap *km)
{
    if (!km)
        return;
    free(km->items);
    free(km);
}

static bool keys_equal(const int *a, int na, const int *b, int nb)
{
    return na == nb && memcmp(a, b, (size_t)na * sizeof *a) == 0;
}

static const struct binding *binding_find(const keymap *km, keymap_ctx ctx, const int *keys, int n)
{
    for (size_t i = 0; i < km->count; i++) {
        const struct binding *b = &km->items[i];
        if (b->ctx == ctx && keys_equal(b->keys, b->n, keys, n))
            return b;
    }
    return NULL;
}

/* Later lines override earlier ones in place, keeping the help order. */
static bool binding_set(keymap *km, keymap_ctx ctx, const int *keys, int n, db_action action)
{
    struct binding *found = (struct binding *)binding_find(km, ctx, keys, n);
    if (found) {
        found->action = action;
        return true;
    }
    if (km->count == km->cap) {
        size_t cap = km->cap ? km->cap * 2 : 64;
        struct binding *items = realloc(km->items, cap * sizeof *items);
        if (!items)
            return false;
        km->items = items;
        km->cap = cap;
    }
    struct binding *b = &km->items[km->count++];
    b->ctx = ctx;
    b->n = n;
    memcpy(b->keys, keys, (size_t)n * sizeof *keys);
    b->action = action;
    return true;
}

/* ---- key codes --------------------------------------------------------- */

/* Terminals send some keys in several ways; fold each to one code. */
static int key_normalize(int key)
{
    if (key & KEYMAP_META)
        return KEYMAP_META | key_normalize(key & ~KEYMAP_META);
    switch (key) {
    case '\r':
    case KEY_ENTER:
        return '\n';
    case 8:
    case 127:
        return KEY_BACKSPACE;
    default:
        return key;
    }
}

static bool codepoint_is_printable(unsigned cp)
{
    return cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0) && cp <= 0x10ffff;
}

static int key_from_codepoint(unsigned cp)
{
    bool collides = cp >= KEY_MIN && cp <= KEY_MAX;
    return collides ? (int)cp | KEYMAP_CHAR : (int)cp;
}

int keymap_key_from_wch(int rc, unsigned int wch)
{
    return rc == KEY_CODE_YES ? (int)wch : key_from_codepoint(wch);
}

/* A key that types text: a printable character, Space included. */
static bool key_is_text(int key)
{
    if (key & KEYMAP_META)
        return false;
    if (key & KEYMAP_CHAR)
        return true;
    if (key >= KEY_MIN && key <= KEY_MAX)
        return false;
    return key >= 0 && codepoint_is_printable((unsigned)key);
}

static unsigned key_codepoint(int key)
{
    return (unsigned)(key & ~KEYMAP_CHAR);
}

/* Appends a key to a sequence, merging Esc and the key after it into M-key
 * the way a terminal sends Alt. Returns the new length. */
static int seq_push(int *keys, int n, int key)
{
    if (n > 0 && keys[n - 1] == ESC_KEY && !(key & KEYMAP_META)) {
        keys[n - 1] = KEYMAP_META | key;
        return n;
    }
    keys[n] = key;
    return n + 1;
}

/* ---- UTF-8 -------------------------------------------------------------- */

/* Decodes one character; returns its length in bytes, 0 if not valid UTF-8
 * (truncated, overlong, surrogate, beyond U+10FFFF). */
static size_t utf8_decode(const char *s, size_t len, unsigned *cp)
{
    /* lead byte pattern, payload bits, smallest code point of that length */
    static const struct {
        unsigned mask, lead, bits, min;
    } forms[] = {{0x80, 0x00, 0x7f, 0}, {0xe0, 0xc0, 0x1f, 0x80},
                 {0xf0, 0xe0, 0x0f, 0x800}, {0xf8, 0xf0, 0x07, 0x10000}};
    const unsigned char *u = (const unsigned char *)s;
    if (len == 0)
        return 0;
    size_t form = 0;
    while (form < 4 && (u[0] & forms[form].mask) != forms[form].lead)
        form++;
    size_t need = form + 1; /* bytes in the character */
    if (form == 4 || len < need)
        return 0;
    unsigned c = u[0] & forms[form].bits, min = forms[form].min;
    for (size_t i = 1; i < need; i++) {
        if ((u[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (u[i] & 0x3fu);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return need;
}

static size_t utf8_encode(unsigned cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

struct utf8_char {
    char s[5];
};

static struct utf8_char utf8_text(unsigned cp)
{
    struct utf8_char c;
    c.s[utf8_encode(cp, c.s)] = '\0';
    return c;
}

/* ---- parsing one key --------------------------------------------------- */

enum tok { TOK_KEY, TOK_NOT_A_KEY, TOK_BAD };

static bool word_is_ci(const char *s, size_t len, const char *name)
{
    return strlen(name) == len && strncasecmp(s, name, len) == 0;
}

/* "F1".."F12"; returns TOK_NOT_A_KEY for words that are not F-digits. */
static enum tok parse_fkey(const char *s, size_t len, int *key, char *why, size_t whysz)
{
    if (len < 2 || len > 4 || (s[0] != 'F' && s[0] != 'f'))
        return TOK_NOT_A_KEY;
    int n = 0;
    for (size_t i = 1; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return TOK_NOT_A_KEY;
        n = n * 10 + (s[i] - '0');
    }
    if (n < 1 || n > FKEY_MAX) {
        snprintf(why, whysz, "function keys are F1 to F%d", FKEY_MAX);
        return TOK_BAD;
    }
    *key = KEY_F(n);
    return TOK_KEY;
}

/* A key without modifiers: one character, a key name or an F-key. Inside
 * <...> the names lt and gt stand for the characters '<' and '>'. */
static enum tok parse_bare_key(const char *s, size_t len, bool bracketed, int *key, char *why,
                               size_t whysz)
{
    unsigned cp;
    size_t used = utf8_decode(s, len, &cp);
    if (used == 0) {
        snprintf(why, whysz, "not valid UTF-8");
        return TOK_BAD;
    }
    if (used == len) {
        if (!codepoint_is_printable(cp)) {
            snprintf(why, whysz, "not a printable character");
            return TOK_BAD;
        }
        *key = key_from_codepoint(cp);
        return TOK_KEY;
    }
    if (bracketed && (word_is_ci(s, len, "lt") || word_is_ci(s, len, "gt"))) {
        *key = (s[0] == 'l' || s[0] == 'L') ? '<' : '>';
        return TOK_KEY;
    }
    for (size_t i = 0; i < KEY_NAME_COUNT; i++) {
        if (word_is_ci(s, len, key_names[i].name)) {
            *key = key_names[i].code;
            return TOK_KEY;
        }
    }
    return parse_fkey(s, len, key, why, whysz);
}

/* C-x: letters (either case), Space and @ [ \ ] ^ _ ? as terminals send them. */
static bool apply_ctrl(int *key)
{
    int c = *key;
    if (c >= 'a' && c <= 'z')
        c -= 'a' - 'A';
    if (c == ' ')
        c = '@';
    if (c == '?') {
        *key = 127;
        return true;
    }
    if (c < '@' || c > '_')
        return false;
    *key = c & 0x1f;
    return true;
}

static bool is_modifier_prefix(const char *s, size_t len)
{
    return len >= 2 && s[1] == '-' && (s[0] == 'C' || s[0] == 'c' || s[0] == 'M' || s[0] == 'm');
}

/* One key with optional C- / M- modifiers, as a whole word ("C-n", "M-<",
 * "Up") or inside <...>. TOK_NOT_A_KEY: the word is no single key (it may
 * still be a sequence); TOK_BAD: it is meant as one and `why` says why not. */
static enum tok parse_one_key(const char *s, size_t len, bool bracketed, int *key, char *why,
                              size_t whysz)
{
    bool ctrl = false, meta = false;
    while (is_modifier_prefix(s, len)) {
        bool *flag = (s[0] == 'C' || s[0] == 'c') ? &ctrl : &meta;
        if (*flag) {
            snprintf(why, whysz, "the same modifier twice");
            return TOK_BAD;
        }
        *flag = true;
        s += 2;
        len -= 2;
    }
    bool modified = ctrl || meta;
    if (len == 0) {
        snprintf(why, whysz, "nothing after the modifier");
        return TOK_BAD;
    }
    int base;
    enum tok t = parse_bare_key(s, len, bracketed, &base, why, whysz);
    if (t == TOK_NOT_A_KEY && modified) {
        struct word rest = {s, len};
        snprintf(why, whysz, "'%.*s' after the modifier is not a key", ECHO(rest));
        return TOK_BAD;
    }
    if (t != TOK_KEY)
        return t;
    if (ctrl && !apply_ctrl(&base)) {
        snprintf(why, whysz, "C- goes with a letter, Space or one of @ [ \\ ] ^ _ ?");
        return TOK_BAD;
    }
    *key = key_normalize(meta ? KEYMAP_META | base : base);
    return TOK_KEY;
}

/* ---- parsing a KEY word ------------------------------------------------ */

/* One item of a sequence: <Name> or a single character. Returns bytes used,
 * 0 on error with `why` set. */
static size_t parse_seq_item(const char *s, size_t len, int *key, char *why, size_t whysz)
{
    if (s[0] == '<') {
        const char *close = len > 2 ? memchr(s + 2, '>', len - 2) : NULL;
        if (!close) {
            snprintf(why, whysz, "'<' starts a key name like <Up>; write <lt> for the < key");
            return 0;
        }
        struct word name = {s + 1, (size_t)(close - s) - 1};
        enum tok t = parse_one_key(name.s, name.len, true, key, why, whysz);
        if (t == TOK_NOT_A_KEY)
            snprintf(why, whysz, "'<%.*s>' is not a key name", ECHO(name));
        return t == TOK_KEY ? name.len + 2 : 0;
    }
    unsigned cp;
    size_t used = utf8_decode(s, len, &cp);
    if (used == 0) {
        snprintf(why, whysz, "not valid UTF-8");
        return 0;
    }
    if (!codepoint_is_printable(cp)) {
        snprintf(why, whysz, "not a printable character");
        return 0;
    }
    *key = key_from_codepoint(cp);
    return used;
}

/* KEY word to canonical keys: a single key ("a", "C-n", "Up") or else a
 * sequence ("gg", "g<Enter>"). Returns the count, or -1 with `why` set. */
static int parse_key_word(struct word w, int keys[KEYMAP_MAX_KEYS], char *why, size_t whysz)
{
    char reason[REASON_SIZE];
    int key, seq[KEYMAP_MAX_KEYS + 1], n = 0;
    enum tok t = parse_one_key(w.s, w.len, false, &key, reason, sizeof reason);
    if (t == TOK_KEY) {
        keys[0] = key;
        return 1;
    }
    for (size_t i = 0; t == TOK_NOT_A_KEY && i < w.len && n <= KEYMAP_MAX_KEYS;) {
        size_t used = parse_seq_item(w.s + i, w.len - i, &key, reason, sizeof reason);
        if (used == 0)
            t = TOK_BAD;
        else
            n = seq_push(seq, n, key_normalize(key));
        i += used;
    }
    if (t == TOK_BAD) {
        snprintf(why, whysz, "bad key '%.*s' (%s)", ECHO(w), reason);
        return -1;
    }
    if (n > KEYMAP_MAX_KEYS) {
        snprintf(why, whysz, "key sequence '%.*s' is too long (at most %d keys)", ECHO(w),
                 KEYMAP_MAX_KEYS);
        return -1;
    }
    memcpy(keys, seq, (size_t)n * sizeof *seq);
    return n;
}

int keymap_parse_keys(const char *text, int keys[KEYMAP_MAX_KEYS], char *why, size_t whysz)
{
    if (!text || !*text) {
        snprintf(why, whysz, "no key");
        return -1;
    }
    return parse_key_word((struct word){text, strlen(text)}, keys, why, whysz);
}

/* ---- rendering keys as text -------------------------------------------- */

struct out {
    char *buf;
    size_t size, len; /* len counts what was needed, even past size */
};

static void out_add(struct out *o, const char *s, size_t n)
{
    if (o->len < o->size) {
        size_t room = o->size - 1 - o->len;
        memcpy(o->buf + o->len, s, n < room ? n : room);
        o->buf[o->len + (n < room ? n : room)] = '\0';
    }
    o->len += n;
}

static void out_str(struct out *o, const char *s)
{
    out_add(o, s, strlen(s));
}

/* The key without M-: its name, C-x, or the character itself. */
static void base_key_text(int key, bool bracketed, char *buf, size_t size)
{
    for (size_t i = 0; i < KEY_NAME_COUNT; i++) {
        if (key_names[i].code == key) {
            snprintf(buf, size, "%s", key_names[i].name);
            return;
        }
    }
    if (key >= KEY_F(1) && key <= KEY_F(FKEY_MAX))
        snprintf(buf, size, "F%d", key - KEY_F0);
    else if (key == 0)
        snprintf(buf, size, "C-Space");
    else if (key > 0 && key < 0x20) /* C-a..C-z, then C-\ C-] C-^ C-_ */
        snprintf(buf, size, "C-%c", key < 27 ? key + 'a' - 1 : key + '@');
    else if (bracketed && (key == '<' || key == '>'))
        snprintf(buf, size, "%s", key == '<' ? "lt" : "gt");
    else if (key_is_text(key))
        snprintf(buf, size, "%s", utf8_text(key_codepoint(key)).s);
    else
        snprintf(buf, size, "key-%d", key); /* no syntax binds it: never in a keymap */
}

static void key_text(int key, bool bracketed, char *buf, size_t size)
{
    const char *meta = (key & KEYMAP_META) ? "M-" : "";
    size_t skip = strlen(meta);
    snprintf(buf, size, "%s", meta);
    base_key_text(key & ~KEYMAP_META, bracketed, buf + skip, size - skip);
}

/* Text characters stand for themselves inside a sequence, except the ones
 * the syntax needs: '<' opens a name and Space separates words. */
static bool key_stands_alone(int key)
{
    return key_is_text(key) && key != '<' && key != ' ';
}

static void sequence_text(struct out *o, const int *keys, int n, bool bracket_all)
{
    char text[KEY_TEXT_MAX];
    for (int i = 0; i < n; i++) {
        bool bare = !bracket_all && key_stands_alone(keys[i]);
        key_text(keys[i], !bare, text, sizeof text);
        if (!bare)
            out_str(o, "<");
        out_str(o, text);
        if (!bare)
            out_str(o, ">");
    }
}

size_t keymap_keys_text(const int *keys, int n, char *buf, size_t size)
{
    struct out o = {buf, size, 0};
    char text[KEY_TEXT_MAX], why[WHY_SIZE];
    int dummy;
    if (size > 0)
        buf[0] = '\0';
    if (!keys || n <= 0)
        return 0;
    if (n > KEYMAP_MAX_KEYS)
        n = KEYMAP_MAX_KEYS;
    if (n == 1) {
        key_text(keys[0], false, text, sizeof text);
        out_str(&o, text);
        return o.len;
    }
    /* Short form ("gg", "g<Enter>") unless it would read back as one key
     * ("up" is the Up key, "C-x" is Control-x): then bracket every key. */
    char shortform[KEYMAP_MAX_KEYS * (KEY_TEXT_MAX + 2) + 1];
    struct out s = {shortform, sizeof shortform, 0};
    sequence_text(&s, keys, n, false);
    bool ambiguous = parse_one_key(shortform, strlen(shortform), false, &dummy, why, sizeof why) !=
                     TOK_NOT_A_KEY;
    sequence_text(&o, keys, n, ambiguous);
    return o.len;
}

/* ---- parsing a line ---------------------------------------------------- */

static size_t split_words(const char *line, size_t len, struct word *words, size_t max)
{
    size_t n = 0, i = 0;
    while (n < max) {
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == len)
            break;
        size_t start = i;
        while (i < len && line[i] != ' ' && line[i] != '\t')
            i++;
        words[n++] = (struct word){line + start, i - start};
    }
    return n;
}

/* Marks every context of a comma list ("board,review") in `on`. */
static bool parse_contexts(struct word w, bool on[KCTX_COUNT], char *why, size_t whysz)
{
    memset(on, 0, KCTX_COUNT * sizeof *on);
    const char *p = w.s, *end = w.s + w.len;
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        struct word name = {p, (size_t)((comma ? comma : end) - p)};
        int c = 0;
        while (c < KCTX_COUNT && !(strlen(ctx_names[c]) == name.len &&
                                   memcmp(ctx_names[c], name.s, name.len) == 0))
            c++;
        if (c == KCTX_COUNT) {
            snprintf(why, whysz,
                     "unknown context '%.*s' (use global, board, detail, review, prompt, closed, clusters)",
                     ECHO(name));
            return false;
        }
        on[c] = true;
        if (!comma)
            return true;
        p = comma + 1;
    }
}

/* Edit distance, to suggest the action a typo meant. Both under 64 bytes. */
static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
    size_t row[64];
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

static const char *closest_action(const char *name, size_t len)
{
    const char *best = NULL;
    size_t best_d = 3; /* suggest only for a typo or two */
    for (int a = ACTION_NONE + 1; a < ACTION_COUNT && len < 64; a++) {
        const char *cand = action_name((db_action)a);
        size_t d = edit_distance(name, len, cand, strlen(cand));
        if (d < best_d)
            best = cand, best_d = d;
    }
    return best;
}

static bool parse_action(struct word w, db_action *action, char *why, size_t whysz)
{
    char name[64];
    if (w.len < sizeof name) {
        memcpy(name, w.s, w.len);
        name[w.len] = '\0';
        if (strcmp(name, "none") == 0) {
            *action = ACTION_NONE;
            return true;
        }
        *action = action_by_name(name);
        if (*action != ACTION_NONE)
            return true;
    }
    const char *guess = closest_action(w.s, w.len);
    if (guess)
        snprintf(why, whysz, "unknown action '%.*s' (did you mean '%s'?)", ECHO(w), guess);
    else
        snprintf(why, whysz, "unknown action '%.*s'", ECHO(w));
    return false;
}

/* Returns false with `why` set for a bad line; blank and comment lines are fine. */
static bool parse_line(keymap *km, const char *line, size_t len, char *why, size_t whysz)
{
    struct word w[5];
    size_t n = split_words(line, len, w, 5);
    if (n == 0 || w[0].s[0] == '#')
        return true;
    if (!(w[0].len == 4 && memcmp(w[0].s, "bind", 4) == 0)) {
        snprintf(why, whysz, "unknown command '%.*s' (expected: " SYNTAX ")", ECHO(w[0]));
        return false;
    }
    if (n < 4) {
        snprintf(why, whysz, "expected: " SYNTAX);
        return false;
    }
    if (n > 4 && w[4].s[0] != '#') {
        snprintf(why, whysz, "unexpected '%.*s' after the action (expected: " SYNTAX ")",
                 ECHO(w[4]));
        return false;
    }
    bool on[KCTX_COUNT];
    int keys[KEYMAP_MAX_KEYS], nkeys;
    db_action action;
    if (!parse_contexts(w[1], on, why, whysz) ||
        (nkeys = parse_key_word(w[2], keys, why, whysz)) < 0 ||
        !parse_action(w[3], &action, why, whysz))
        return false;
    for (int c = 0; c < KCTX_COUNT; c++) {
        if (on[c] && !binding_set(km, (keymap_ctx)c, keys, nkeys, action)) {
            snprintf(why, whysz, "out of memory");
            return false;
        }
    }
    return true;
}

/* ---- loading ----------------------------------------------------------- */

static void report(keymap_error_fn on_error, void *ud, const char *file, int line, const char *why)
{
    if (on_error)
        on_error(ud, file ? file : "(keys)", line, why);
}

/* Loads `len` bytes of text (which may hold a NUL: reported, rest ignored). */
static int load_text(keymap *km, const char *text, size_t len, const char *file,
                     keymap_error_fn on_error, void *ud)
{
    int bad = 0, lineno = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        char why[WHY_SIZE];
        lineno++;
        if (memchr(p, '\0', n)) {
            report(on_error, ud, file, lineno, "NUL byte in the file; the rest is ignored");
            return bad + 1;
        }
        size_t content = (n > 0 && p[n - 1] == '\r') ? n - 1 : n; /* CRLF files */
        if (!parse_line(km, p, content, why, sizeof why)) {
            bad++;
            report(on_error, ud, file, lineno, why);
        }
        p += n + (nl != NULL);
    }
    return bad;
}

int keymap_load_string(keymap *km, const char *text, const char *file, keymap_error_fn on_error,
                       void *ud)
{
    if (!km || !text) {
        errno = EINVAL;
        return -1;
    }
    return load_text(km, text, strlen(text), file, on_error, ud);
}

/* Reads a whole (small) file; NULL with errno set on failure. */
static char *read_small_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || ferror(f))
            break;
        char *bigger = cap < KEYS_FILE_MAX ? realloc(buf, cap * 2) : NULL;
        if (!bigger) {
            free(buf);
            buf = NULL;
            errno = cap < KEYS_FILE_MAX ? ENOMEM : EFBIG;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (buf && ferror(f)) {
        int err = errno ? errno : EIO;
        free(buf);
        buf = NULL;
        errno = err;
    }
    int err = errno;
    fclose(f);
    errno = err;
    *len = n;
    return buf;
}

int keymap_load_file(keymap *km, const char *path, keymap_error_fn on_error, void *ud)
{
    if (!km || !path) {
        errno = EINVAL;
        return -1;
    }
    size_t len;
    errno = 0;
    char *text = read_small_file(path, &len);
    if (!text)
        return -1;
    int bad = load_text(km, text, len, path, on_error, ud);
    free(text);
    return bad;
}

keymap *keymap_default(keymap_error_fn on_error, void *ud)
{
    keymap *km = keymap_new();
    if (km)
        keymap_load_string(km, keymap_default_text, "default.keys", on_error, ud);
    return km;
}

const char *keymap_preset_text(const char *name)
{
    if (!name)
        return NULL;
    if (strcmp(name, "default") == 0)
        return keymap_default_text;
    if (strcmp(name, "emacs") == 0)
        return keymap_emacs_text;
    return NULL;
}

void keymap_error_print(void *ud, const char *file, int line, const char *why)
{
    fprintf(ud ? (FILE *)ud : stderr, "%s:%d: %s\n", file, line, why);
}

const char *keymap_ctx_name(keymap_ctx ctx)
{
    return (int)ctx >= 0 && ctx < KCTX_COUNT ? ctx_names[ctx] : NULL;
}

/* ---- matching ---------------------------------------------------------- */

/* Could the pending keys S grow into binding B? A trailing Esc in S grows
 * into B's M- key at that place, since the next key merges with it. */
static bool seq_extends(const int *s, int n, const struct binding *b)
{
    if (b->n < n || memcmp(s, b->keys, (size_t)(n - 1) * sizeof *s) != 0)
        return false;
    int last = s[n - 1], there = b->keys[n - 1];
    if (last == ESC_KEY && (there & KEYMAP_META))
        return true;
    return b->n > n && last == there;
}

/* Does any real binding of `layer` extend S? Bindings whose keys the
 * context `shadow` binds itself do not count (it overrides them). */
static bool layer_extends(const keymap *km, keymap_ctx layer, const int *s, int n,
                          keymap_ctx shadow)
{
    for (size_t i = 0; i < km->count; i++) {
        const struct binding *b = &km->items[i];
        if (b->ctx != layer || b->action == ACTION_NONE || !seq_extends(s, n, b))
            continue;
        if (shadow == layer || !binding_find(km, shadow, b->keys, b->n))
            return true;
    }
    return false;
}

static bool falls_back_to_global(keymap_ctx ctx, const keymap_state *st)
{
    return ctx != KCTX_GLOBAL && !(ctx == KCTX_PROMPT && key_is_text(st->keys[0]));
}

enum resolved { R_NOMATCH, R_PENDING, R_MATCH, R_DEAD };

static enum resolved resolve(const keymap *km, keymap_ctx ctx, const keymap_state *st,
                             db_action *out)
{
    if (layer_extends(km, ctx, st->keys, st->n, ctx))
        return R_PENDING;
    const struct binding *b = binding_find(km, ctx, st->keys, st->n);
    if (!b && falls_back_to_global(ctx, st)) {
        if (layer_extends(km, KCTX_GLOBAL, st->keys, st->n, ctx))
            return R_PENDING;
        b = binding_find(km, KCTX_GLOBAL, st->keys, st->n);
    }
    if (!b)
        return R_NOMATCH;
    *out = b->action;
    return b->action == ACTION_NONE ? R_DEAD : R_MATCH;
}

static bool state_valid(const keymap_state *st)
{
    return st->n >= 0 && st->n <= KEYMAP_MAX_KEYS;
}

keymap_result keymap_feed(const keymap *km, keymap_ctx ctx, keymap_state *st, int key,
                          db_action *out)
{
    db_action ignored;
    if (!out)
        out = &ignored;
    *out = ACTION_NONE;
    if (!km || !st || (int)ctx < 0 || ctx >= KCTX_COUNT)
        return KEYMAP_NOMATCH;
    if (!state_valid(st))
        st->n = 0;
    key = key_normalize(key);
    bool had_pending = st->n > 0;
    bool merges = had_pending && st->keys[st->n - 1] == ESC_KEY && !(key & KEYMAP_META);
    if (st->n == KEYMAP_MAX_KEYS && !merges)
        st->n = 0, had_pending = false; /* no binding is longer */
    st->n = seq_push(st->keys, st->n, key);
    enum resolved r = resolve(km, ctx, st, out);
    if (r == R_NOMATCH && had_pending) {
        /* The key broke the sequence: drop what was pending, try it alone. */
        st->n = seq_push(st->keys, 0, key);
        r = resolve(km, ctx, st, out);
    }
    if (r == R_PENDING)
        return KEYMAP_PENDING;
    st->n = 0;
    if (r == R_MATCH)
        return KEYMAP_MATCH;
    *out = ACTION_NONE;
    return KEYMAP_NOMATCH;
}

db_action keymap_pending_action(const keymap *km, keymap_ctx ctx, const keymap_state *st)
{
    if (!km || !st || st->n <= 0 || !state_valid(st) || (int)ctx < 0 || ctx >= KCTX_COUNT)
        return ACTION_NONE;
    const struct binding *b = binding_find(km, ctx, st->keys, st->n);
    if (!b && falls_back_to_global(ctx, st))
        b = binding_find(km, KCTX_GLOBAL, st->keys, st->n);
    return b ? b->action : ACTION_NONE;
}

keymap_result keymap_flush(const keymap *km, keymap_ctx ctx, keymap_state *st, db_action *out)
{
    db_action a = keymap_pending_action(km, ctx, st);
    if (st)
        st->n = 0;
    if (out)
        *out = a;
    return a == ACTION_NONE ? KEYMAP_NOMATCH : KEYMAP_MATCH;
}

/* ---- help -------------------------------------------------------------- */

size_t keymap_bindings(const keymap *km, keymap_ctx ctx,
                       void (*fn)(void *ud, const char *keys, db_action action), void *ud)
{
    size_t count = 0;
    char text[KEYMAP_MAX_KEYS * (KEY_TEXT_MAX + 2) + 1];
    for (size_t i = 0; km && i < km->count; i++) {
        const struct binding *b = &km->items[i];
        if (b->ctx != ctx || b->action == ACTION_NONE)
            continue;
        keymap_keys_text(b->keys, b->n, text, sizeof text);
        if (fn)
            fn(ud, text, b->action);
        count++;
    }
    return count;
}
