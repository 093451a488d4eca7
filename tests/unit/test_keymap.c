/* Unit tests for keymaps/: the action table, the keymap parser (every key
 * syntax, every error message), matching (sequences, prefixes, Esc as Meta,
 * global fallback), the built-in default and emacs keymaps and the help
 * listing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h> /* KEY_* codes only */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../keymaps/keymap.h"

#define ESC 27
#define CTRL(c) ((c) & 0x1f)
#define META(c) (KEYMAP_META | (c))

/* ---- helpers ------------------------------------------------------------ */

#define MAX_ERRORS 16

struct errors {
    int count;
    int line[MAX_ERRORS];
    char file[MAX_ERRORS][64];
    char why[MAX_ERRORS][256];
};

static void collect_error(void *ud, const char *file, int line, const char *why)
{
    struct errors *e = ud;
    if (e->count < MAX_ERRORS) {
        e->line[e->count] = line;
        snprintf(e->file[e->count], sizeof e->file[0], "%s", file);
        snprintf(e->why[e->count], sizeof e->why[0], "%s", why);
    }
    e->count++;
}

static keymap *load(const char *text, struct errors *e)
{
    keymap *km = keymap_new();
    assert_non_null(km);
    int bad = keymap_load_string(km, text, "test.keys", collect_error, e);
    assert_int_equal(bad, e->count);
    return km;
}

/* A keymap from text that must load without errors. */
static keymap *load_ok(const char *text)
{
    struct errors e = {0};
    keymap *km = load(text, &e);
    if (e.count)
        fail_msg("line %d: %s", e.line[0], e.why[0]);
    return km;
}

/* Feeds the keys; every key but the last must leave the sequence pending.
 * Returns the action the last key matched, ACTION_NONE if it matched none. */
static db_action press(const keymap *km, keymap_ctx ctx, const int *keys, size_t n)
{
    keymap_state st = {0};
    db_action a = ACTION_COUNT;
    for (size_t i = 0; i + 1 < n; i++) {
        assert_int_equal(keymap_feed(km, ctx, &st, keys[i], &a), KEYMAP_PENDING);
        assert_int_equal(a, ACTION_NONE);
    }
    keymap_result r = keymap_feed(km, ctx, &st, keys[n - 1], &a);
    assert_int_equal(st.n, r == KEYMAP_PENDING ? st.n : 0);
    if (r == KEYMAP_PENDING)
        return ACTION_COUNT; /* distinct from every answer a test expects */
    assert_int_equal(r == KEYMAP_MATCH, a != ACTION_NONE);
    return a;
}

#define PRESS(km, ctx, ...) \
    press((km), (ctx), (const int[]){__VA_ARGS__}, sizeof((int[]){__VA_ARGS__}) / sizeof(int))

/* The action a one-binding file gives the key, in the board context. */
static db_action bind_and_press(const char *key_word, const int *keys, size_t n)
{
    char line[128];
    snprintf(line, sizeof line, "bind board %s note\n", key_word);
    keymap *km = load_ok(line);
    db_action a = press(km, KCTX_BOARD, keys, n);
    keymap_free(km);
    return a;
}

#define KEY_IS(word, ...)                                                                      \
    assert_int_equal(bind_and_press((word), (const int[]){__VA_ARGS__},                       \
                                    sizeof((int[]){__VA_ARGS__}) / sizeof(int)),              \
                     ACTION_NOTE)

struct listing {
    size_t n;
    char keys[128][48];
    db_action action[128];
};

static void collect_binding(void *ud, const char *keys, db_action action)
{
    struct listing *l = ud;
    if (l->n < 128) {
        snprintf(l->keys[l->n], sizeof l->keys[0], "%s", keys);
        l->action[l->n] = action;
    }
    l->n++;
}

/* Canonical text of the only binding in a one-line board keymap. */
static void assert_renders(const char *line, const char *expected)
{
    keymap *km = load_ok(line);
    struct listing l = {0};
    assert_int_equal(keymap_bindings(km, KCTX_BOARD, collect_binding, &l), 1);
    assert_string_equal(l.keys[0], expected);
    keymap_free(km);
}

static char *write_temp(const char *text, size_t len)
{
    char *path = strdup("/tmp/test_keymap_XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

/* ---- the action table ---------------------------------------------------- */

static void test_every_action_has_name_and_help_and_round_trips(void **state)
{
    (void)state;
    for (int a = ACTION_NONE + 1; a < ACTION_COUNT; a++) {
        const char *name = action_name((db_action)a);
        assert_non_null(name);
        assert_true(name[0] != '\0');
        assert_non_null(action_help((db_action)a));
        assert_true(action_help((db_action)a)[0] != '\0');
        assert_int_equal(action_by_name(name), a);
    }
    assert_string_equal(action_name(ACTION_NONE), "none");
    assert_null(action_name(ACTION_COUNT));
    assert_null(action_help(ACTION_COUNT));
    assert_int_equal(action_by_name("no-such-action"), ACTION_NONE);
    assert_int_equal(action_by_name("none"), ACTION_NONE);
    assert_int_equal(action_by_name("Quit"), ACTION_NONE);
    assert_int_equal(action_by_name(NULL), ACTION_NONE);
}

/* The properties the board reads from the table instead of its own lists:
 * the deal changes need a deal and wait for a sync; undo waits but needs no
 * deal; sync is a deal action that neither needs a deal nor waits. */
static void test_action_properties(void **state)
{
    (void)state;
    assert_true(action_has(ACTION_WON, AP_DEAL | AP_NEEDS_DEAL | AP_EDITS));
    assert_true(action_has(ACTION_STAGE_SET, AP_DEAL_EDIT));
    assert_true(action_has(ACTION_UNDO, AP_DEAL | AP_EDITS));
    assert_false(action_has(ACTION_UNDO, AP_NEEDS_DEAL));
    assert_true(action_has(ACTION_SYNC, AP_DEAL));
    assert_false(action_has(ACTION_SYNC, AP_EDITS));
    assert_false(action_has(ACTION_SYNC, AP_NEEDS_DEAL));
    assert_false(action_has(ACTION_DETAIL, AP_DEAL));
    assert_false(action_has(ACTION_NONE, AP_DEAL));
    assert_false(action_has(ACTION_COUNT, AP_DEAL));
    /* Needing a deal or waiting for a sync only means something for deal actions. */
    for (int a = ACTION_NONE + 1; a < ACTION_COUNT; a++)
        if (action_has((db_action)a, AP_NEEDS_DEAL) || action_has((db_action)a, AP_EDITS))
            assert_true(action_has((db_action)a, AP_DEAL));
}

static void test_action_names_are_the_contract(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        db_action action;
    } contract[] = {
        {"move-left", ACTION_MOVE_LEFT}, {"move-down", ACTION_MOVE_DOWN},
        {"move-up", ACTION_MOVE_UP}, {"move-right", ACTION_MOVE_RIGHT},
        {"first-card", ACTION_FIRST_CARD}, {"last-card", ACTION_LAST_CARD},
        {"page-up", ACTION_PAGE_UP}, {"page-down", ACTION_PAGE_DOWN},
        {"stage-prev", ACTION_STAGE_PREV}, {"stage-next", ACTION_STAGE_NEXT},
        {"detail", ACTION_DETAIL}, {"add", ACTION_ADD}, {"edit", ACTION_EDIT},
        {"edit-file", ACTION_EDIT_FILE}, {"touch", ACTION_TOUCH},
        {"touch-in", ACTION_TOUCH_IN}, {"note", ACTION_NOTE},
        {"next-step", ACTION_NEXT_STEP}, {"plan-add", ACTION_PLAN_ADD},
        {"plan-done", ACTION_PLAN_DONE}, {"plan-due", ACTION_PLAN_DUE},
        {"person-add", ACTION_PERSON_ADD}, {"person-rm", ACTION_PERSON_RM},
        {"ref-ready", ACTION_REF_READY}, {"ref-asked", ACTION_REF_ASKED},
        {"move-on", ACTION_MOVE_ON}, {"won", ACTION_WON},
        {"lost", ACTION_LOST}, {"snooze", ACTION_SNOOZE}, {"sort", ACTION_SORT},
        {"search", ACTION_SEARCH}, {"search-next", ACTION_SEARCH_NEXT},
        {"search-prev", ACTION_SEARCH_PREV}, {"filter", ACTION_FILTER}, {"sync", ACTION_SYNC},
        {"review", ACTION_REVIEW}, {"undo", ACTION_UNDO}, {"changes", ACTION_CHANGES},
        {"closed", ACTION_CLOSED}, {"charts", ACTION_CHARTS},
        {"clusters", ACTION_CLUSTERS}, {"cluster-filter", ACTION_CLUSTER_FILTER},
        {"messages", ACTION_MESSAGES},
        {"refresh", ACTION_REFRESH}, {"help", ACTION_HELP}, {"quit", ACTION_QUIT},
        {"back", ACTION_BACK}, {"skip", ACTION_SKIP}, {"review-back", ACTION_REVIEW_BACK},
        {"reopen", ACTION_REOPEN}, {"stage-set", ACTION_STAGE_SET},
        {"review-scope", ACTION_REVIEW_SCOPE},
        {"prompt-confirm", ACTION_PROMPT_CONFIRM}, {"prompt-cancel", ACTION_PROMPT_CANCEL},
        {"cursor-left", ACTION_CURSOR_LEFT}, {"cursor-right", ACTION_CURSOR_RIGHT},
        {"cursor-home", ACTION_CURSOR_HOME}, {"cursor-end", ACTION_CURSOR_END},
        {"delete-back", ACTION_DELETE_BACK}, {"delete-char", ACTION_DELETE_CHAR},
        {"kill-line", ACTION_KILL_LINE}, {"kill-line-back", ACTION_KILL_LINE_BACK},
        {"word-left", ACTION_WORD_LEFT}, {"word-right", ACTION_WORD_RIGHT},
        {"history-prev", ACTION_HISTORY_PREV}, {"history-next", ACTION_HISTORY_NEXT},
        {"complete", ACTION_COMPLETE},
    };
    size_t n = sizeof contract / sizeof contract[0];
    for (size_t i = 0; i < n; i++)
        assert_int_equal(action_by_name(contract[i].name), contract[i].action);
    assert_int_equal(n, ACTION_COUNT - 1); /* and nothing else */
}

/* ---- key syntax ---------------------------------------------------------- */

static void test_single_characters(void **state)
{
    (void)state;
    KEY_IS("a", 'a');
    KEY_IS("A", 'A');
    KEY_IS("<", '<');
    KEY_IS(">", '>');
    KEY_IS("?", '?');
    KEY_IS("/", '/');
    KEY_IS("#", '#');
    KEY_IS("-", '-');
    /* case matters for characters */
    assert_int_equal(bind_and_press("a", (const int[]){'A'}, 1), ACTION_NONE);
}

static void test_utf8_characters(void **state)
{
    (void)state;
    KEY_IS("é", 0xe9);
    KEY_IS("€", 0x20ac);
    KEY_IS("😀", 0x1f600);
    /* ć is U+0107 = 263 = KEY_BACKSPACE: the two stay apart */
    KEY_IS("ć", keymap_key_from_wch(OK, 0x107));
    assert_int_equal(keymap_key_from_wch(OK, 0x107), 0x107 | KEYMAP_CHAR);
    assert_int_equal(bind_and_press("ć", (const int[]){KEY_BACKSPACE}, 1), ACTION_NONE);
    assert_int_equal(keymap_key_from_wch(KEY_CODE_YES, KEY_BACKSPACE), KEY_BACKSPACE);
    assert_int_equal(keymap_key_from_wch(OK, 'a'), 'a');
    assert_int_equal(keymap_key_from_wch(OK, 0xe9), 0xe9);
    KEY_IS("éé", 0xe9, 0xe9);
}

static void test_control_keys(void **state)
{
    (void)state;
    KEY_IS("C-a", CTRL('a'));
    KEY_IS("C-n", 14);
    KEY_IS("C-N", 14); /* Control ignores case, as terminals do */
    KEY_IS("c-n", 14); /* the prefix may be lower case */
    KEY_IS("C-z", 26);
    KEY_IS("C-Space", 0);
    KEY_IS("C-@", 0);
    KEY_IS("C-\\", 28);
    KEY_IS("C-]", 29);
    KEY_IS("C-^", 30);
    KEY_IS("C-_", 31);
    KEY_IS("C-[", ESC);
    /* what terminals send alike is one key */
    KEY_IS("C-h", KEY_BACKSPACE);
    KEY_IS("C-h", 8);
    KEY_IS("C-?", 127);
    KEY_IS("C-m", '\n');
    KEY_IS("C-j", '\r');
    KEY_IS("C-i", '\t');
}

static void test_meta_keys(void **state)
{
    (void)state;
    KEY_IS("M-x", META('x'));
    KEY_IS("M-x", ESC, 'x'); /* how a terminal sends Alt-x */
    KEY_IS("m-x", META('x'));
    KEY_IS("M-X", META('X'));
    assert_int_equal(bind_and_press("M-X", (const int[]){META('x')}, 1), ACTION_NONE);
    KEY_IS("M-<", META('<'));
    KEY_IS("M->", ESC, '>');
    KEY_IS("M--", META('-'));
    KEY_IS("M-Enter", META('\n'));
    KEY_IS("M-Enter", ESC, '\r');
    KEY_IS("M-Up", META(KEY_UP));
    KEY_IS("M-C-x", META(CTRL('x')));
    KEY_IS("C-M-x", ESC, CTRL('x'));
    KEY_IS("M-é", META(0xe9));
    KEY_IS("M-Esc", ESC, ESC);
}

static void test_named_keys(void **state)
{
    (void)state;
    static const struct {
        const char *word;
        int key;
    } names[] = {
        {"Enter", '\n'},          {"Enter", '\r'},        {"Enter", KEY_ENTER},
        {"Return", '\n'},         {"Esc", ESC},           {"Escape", ESC},
        {"Tab", '\t'},            {"BackTab", KEY_BTAB},  {"Space", ' '},
        {"Backspace", KEY_BACKSPACE}, {"Backspace", 127}, {"Backspace", 8},
        {"Delete", KEY_DC},       {"Del", KEY_DC},        {"Insert", KEY_IC},
        {"Home", KEY_HOME},       {"End", KEY_END},       {"Up", KEY_UP},
        {"Down", KEY_DOWN},       {"Left", KEY_LEFT},     {"Right", KEY_RIGHT},
        {"PgUp", KEY_PPAGE},      {"PageUp", KEY_PPAGE},  {"PgDn", KEY_NPAGE},
        {"PageDown", KEY_NPAGE},  {"enter", '\n'},        {"PGDN", KEY_NPAGE},
        {"<Up>", KEY_UP},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (bind_and_press(names[i].word, &names[i].key, 1) != ACTION_NOTE)
            fail_msg("key '%s' does not match code %d", names[i].word, names[i].key);
    }
    for (int f = 1; f <= 12; f++) {
        char word[16]; /* room for any int: -O1 -Wformat-truncation */
        int key = KEY_F(f);
        snprintf(word, sizeof word, "F%d", f);
        assert_int_equal(bind_and_press(word, &key, 1), ACTION_NOTE);
        snprintf(word, sizeof word, "f%d", f);
        assert_int_equal(bind_and_press(word, &key, 1), ACTION_NOTE);
    }
    int f2 = KEY_F(2);
    assert_int_equal(bind_and_press("F1", &f2, 1), ACTION_NONE);
}

static void test_sequences(void **state)
{
    (void)state;
    KEY_IS("gg", 'g', 'g');
    KEY_IS("abcd", 'a', 'b', 'c', 'd'); /* four keys: the longest */
    KEY_IS("g<Enter>", 'g', '\n');
    KEY_IS("<C-x><C-s>", CTRL('x'), CTRL('s'));
    KEY_IS("<C-x>u", CTRL('x'), 'u');
    KEY_IS("<Esc>x", META('x')); /* Esc then x is M-x */
    KEY_IS("<lt>a", '<', 'a');
    KEY_IS("a<gt>", 'a', '>');
    KEY_IS("a>", 'a', '>');
    KEY_IS("<u><p>", 'u', 'p');
    KEY_IS("<M-lt>x", META('<'), 'x');
    KEY_IS("<Space><Space>", ' ', ' ');
    KEY_IS("<F5>g", KEY_F(5), 'g');
    KEY_IS("zé", 'z', 0xe9);
    /* a word that spells a key name is that key */
    KEY_IS("up", KEY_UP);
}

static void test_canonical_text(void **state)
{
    (void)state;
    assert_renders("bind board C-n note", "C-n");
    assert_renders("bind board c-N note", "C-n");
    assert_renders("bind board gg note", "gg");
    assert_renders("bind board enter note", "Enter");
    assert_renders("bind board C-m note", "Enter");
    assert_renders("bind board C-h note", "Backspace");
    assert_renders("bind board g<Return> note", "g<Enter>");
    assert_renders("bind board <C-x><C-s> note", "<C-x><C-s>");
    assert_renders("bind board <Esc>x note", "M-x");
    assert_renders("bind board M-< note", "M-<");
    assert_renders("bind board < note", "<");
    assert_renders("bind board <lt>> note", "<lt>>");
    assert_renders("bind board <M-gt>a note", "<M-gt>a");
    assert_renders("bind board <u><p> note", "<u><p>");
    assert_renders("bind board <C><-><x> note", "<C><-><x>");
    assert_renders("bind board <Space>a note", "<Space>a");
    assert_renders("bind board Space note", "Space");
    assert_renders("bind board C-Space note", "C-Space");
    assert_renders("bind board C-_ note", "C-_");
    assert_renders("bind board f12 note", "F12");
    assert_renders("bind board é note", "é");
    assert_renders("bind board ć note", "ć");
    assert_renders("bind board M-C-x note", "M-C-x");
    assert_renders("bind board PageDown note", "PgDn");
}

static void test_keys_text_truncates_safely(void **state)
{
    (void)state;
    const int keys[] = {CTRL('x'), CTRL('s')};
    char buf[6];
    assert_int_equal(keymap_keys_text(keys, 2, buf, sizeof buf), strlen("<C-x><C-s>"));
    assert_string_equal(buf, "<C-x>");
    char big[32];
    assert_int_equal(keymap_keys_text(keys, 0, big, sizeof big), 0);
    assert_string_equal(big, "");
    const int pending[] = {'g'};
    keymap_keys_text(pending, 1, big, sizeof big);
    assert_string_equal(big, "g");
}

/* ---- file format ----------------------------------------------------------- */

static void test_multi_context_line(void **state)
{
    (void)state;
    keymap *km = load_ok("bind board,review o move-on\n");
    assert_int_equal(PRESS(km, KCTX_BOARD, 'o'), ACTION_MOVE_ON);
    assert_int_equal(PRESS(km, KCTX_REVIEW, 'o'), ACTION_MOVE_ON);
    assert_int_equal(PRESS(km, KCTX_DETAIL, 'o'), ACTION_NONE);
    assert_int_equal(PRESS(km, KCTX_GLOBAL, 'o'), ACTION_NONE);
    keymap_free(km);
}

static void test_none_unbinds_in_that_context_only(void **state)
{
    (void)state;
    keymap *km = load_ok("bind global ? help\n"
                         "bind board,detail q quit\n"
                         "bind board ? none\n"
                         "bind board q none\n");
    assert_int_equal(PRESS(km, KCTX_BOARD, '?'), ACTION_NONE); /* global does not fill in */
    assert_int_equal(PRESS(km, KCTX_DETAIL, '?'), ACTION_HELP);
    assert_int_equal(PRESS(km, KCTX_BOARD, 'q'), ACTION_NONE);
    assert_int_equal(PRESS(km, KCTX_DETAIL, 'q'), ACTION_QUIT);
    assert_int_equal(keymap_bindings(km, KCTX_BOARD, NULL, NULL), 0); /* none is not listed */
    assert_true(keymap_load_string(km, "bind global ? none\n", "t", NULL, NULL) == 0);
    assert_int_equal(PRESS(km, KCTX_DETAIL, '?'), ACTION_NONE);
    keymap_free(km);
}

static void test_later_lines_override_earlier_ones(void **state)
{
    (void)state;
    keymap *km = load_ok("bind board x won\n"
                         "bind board y sync\n"
                         "bind board x lost\n");
    assert_int_equal(PRESS(km, KCTX_BOARD, 'x'), ACTION_LOST);
    struct listing l = {0};
    assert_int_equal(keymap_bindings(km, KCTX_BOARD, collect_binding, &l), 2);
    assert_string_equal(l.keys[0], "x"); /* keeps its place for the help screen */
    assert_int_equal(l.action[0], ACTION_LOST);
    assert_string_equal(l.keys[1], "y");
    /* the same key spelled differently is the same binding */
    assert_int_equal(keymap_load_string(km, "bind board <x> note\n", "t", NULL, NULL), 0);
    assert_int_equal(PRESS(km, KCTX_BOARD, 'x'), ACTION_NOTE);
    assert_int_equal(keymap_bindings(km, KCTX_BOARD, NULL, NULL), 2);
    keymap_free(km);
}

static void test_user_file_loads_after_default(void **state)
{
    (void)state;
    const char *user = "# my keys\n"
                       "bind board q none\n"
                       "bind board Q quit\n"
                       "bind board j move-up\n"
                       "bind global C-q quit\n";
    char *path = write_temp(user, strlen(user));
    struct errors e = {0};
    keymap *km = keymap_default(collect_error, &e);
    assert_non_null(km);
    assert_int_equal(e.count, 0);
    assert_int_equal(PRESS(km, KCTX_BOARD, 'q'), ACTION_QUIT);
    assert_int_equal(keymap_load_file(km, path, collect_error, &e), 0);
    assert_int_equal(PRESS(km, KCTX_BOARD, 'q'), ACTION_NONE);
    assert_int_equal(PRESS(km, KCTX_BOARD, 'Q'), ACTION_QUIT);
    assert_int_equal(PRESS(km, KCTX_BOARD, 'j'), ACTION_MOVE_UP);
    assert_int_equal(PRESS(km, KCTX_BOARD, 'k'), ACTION_MOVE_UP); /* untouched */
    assert_int_equal(PRESS(km, KCTX_REVIEW, CTRL('q')), ACTION_QUIT);
    unlink(path);
    free(path);
    keymap_free(km);
}

static void test_load_file_failures(void **state)
{
    (void)state;
    keymap *km = keymap_new();
    errno = 0;
    assert_int_equal(keymap_load_file(km, "/nonexistent/dealboard/keys", NULL, NULL), -1);
    assert_int_equal(errno, ENOENT);
    errno = 0;
    assert_int_equal(keymap_load_file(km, "/tmp", NULL, NULL), -1);
    assert_int_equal(errno, EISDIR);
    errno = 0;
    assert_int_equal(keymap_load_string(km, NULL, "x", NULL, NULL), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(keymap_load_string(NULL, "", "x", NULL, NULL), -1);
    keymap_free(km);
}

static void test_file_with_crlf_and_comments(void **state)
{
    (void)state;
    const char *text = "# comment\r\n"
                       "\r\n"
                       "   \t  \n"
                       "   # indented comment\n"
                       "\tbind\tboard\ta\tadd\t\r\n"
                       "bind board # note   # a # key, then a trailing comment\n"
                       "bind board b won";
    char *path = write_temp(text, strlen(text));
    keymap *km = keymap_new();
    struct errors e = {0};
    assert_int_equal(keymap_load_file(km, path, collect_error, &e), 0);
    assert_int_equal(PRESS(km, KCTX_BOARD, 'a'), ACTION_ADD);
    assert_int_equal(PRESS(km, KCTX_BOARD, '#'), ACTION_NOTE);
    assert_int_equal(PRESS(km, KCTX_BOARD, 'b'), ACTION_WON); /* no final newline */
    unlink(path);
    free(path);
    keymap_free(km);
}

static void test_rest_of_file_loads_after_bad_lines(void **state)
{
    (void)state;
    struct errors e = {0};
    keymap *km = load("bind board a add\n"
                      "bind board b mvoe\n"
                      "bind board c won\n"
                      "bogus\n"
                      "bind board d lost\n",
                      &e);
    assert_int_equal(e.count, 2);
    assert_int_equal(e.line[0], 2);
    assert_int_equal(e.line[1], 4);
    assert_string_equal(e.file[0], "test.keys");
    assert_int_equal(PRESS(km, KCTX_BOARD, 'a'), ACTION_ADD);
    assert_int_equal(PRESS(km, KCTX_BOARD, 'b'), ACTION_NONE);
    assert_int_equal(PRESS(km, KCTX_BOARD, 'c'), ACTION_WON);
    assert_int_equal(PRESS(km, KCTX_BOARD, 'd'), ACTION_LOST);
    keymap_free(km);
}

static void test_nul_byte_stops_the_file_with_a_report(void **state)
{
    (void)state;
    static const char text[] = "bind board a add\nbind bo\0ard b add\nbind board c add\n";
    char *path = write_temp(text, sizeof text - 1);
    keymap *km = keymap_new();
    struct errors e = {0};
    assert_int_equal(keymap_load_file(km, path, collect_error, &e), 1);
    assert_int_equal(e.line[0], 2);
    assert_string_equal(e.why[0], "NUL byte in the file; the rest is ignored");
    assert_string_equal(e.file[0], path);
    assert_int_equal(PRESS(km, KCTX_BOARD, 'a'), ACTION_ADD);
    assert_int_equal(PRESS(km, KCTX_BOARD, 'c'), ACTION_NONE);
    unlink(path);
    free(path);
    keymap_free(km);
}

static void test_every_error_message(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        const char *why;
    } cases[] = {
        {"bind boadr a add", "unknown context 'boadr' (use global, board, detail, review, prompt, closed, clusters)"},
        {"bind board,revew a add", "unknown context 'revew' (use global, board, detail, review, prompt, closed, clusters)"},
        {"bind board, a add", "unknown context '' (use global, board, detail, review, prompt, closed, clusters)"},
        {"bind Board a add", "unknown context 'Board' (use global, board, detail, review, prompt, closed, clusters)"},
        {"bind board a mvoe", "unknown action 'mvoe'"},
        {"bind board a qiut", "unknown action 'qiut' (did you mean 'quit'?)"},
        {"bind board a stage-nxt", "unknown action 'stage-nxt' (did you mean 'stage-next'?)"},
        {"bind board C- add", "bad key 'C-' (nothing after the modifier)"},
        {"bind board M- add", "bad key 'M-' (nothing after the modifier)"},
        {"bind board M-C- add", "bad key 'M-C-' (nothing after the modifier)"},
        {"bind board C-Up add", "bad key 'C-Up' (C- goes with a letter, Space or one of @ [ \\ ] ^ _ ?)"},
        {"bind board C-1 add", "bad key 'C-1' (C- goes with a letter, Space or one of @ [ \\ ] ^ _ ?)"},
        {"bind board C-C-x add", "bad key 'C-C-x' (the same modifier twice)"},
        {"bind board M-foo add", "bad key 'M-foo' ('foo' after the modifier is not a key)"},
        {"bind board F13 add", "bad key 'F13' (function keys are F1 to F12)"},
        {"bind board F0 add", "bad key 'F0' (function keys are F1 to F12)"},
        {"bind board <Foo> add", "bad key '<Foo>' ('<Foo>' is not a key name)"},
        {"bind board g<C-> add", "bad key 'g<C->' (nothing after the modifier)"},
        {"bind board a<Up add", "bad key 'a<Up' ('<' starts a key name like <Up>; write <lt> for the < key)"},
        {"bind board <> add", "bad key '<>' ('<' starts a key name like <Up>; write <lt> for the < key)"},
        {"bind board abcde add", "key sequence 'abcde' is too long (at most 4 keys)"},
        {"bind board <Up><Up><Up><Up><Up> add", "key sequence '<Up><Up><Up><Up><Up>' is too long (at most 4 keys)"},
        {"bind board \xff add", "bad key '\xff' (not valid UTF-8)"},
        {"bind board a\xc3 add", "bad key 'a\xc3' (not valid UTF-8)"},
        {"bind board \xc0\xaf add", "bad key '\xc0\xaf' (not valid UTF-8)"}, /* overlong '/' */
        {"bind board \x01 add", "bad key '\x01' (not a printable character)"},
        {"bind board \xc2\x85 add", "bad key '\xc2\x85' (not a printable character)"},
        {"bind board", "expected: bind CONTEXT KEY ACTION"},
        {"bind board a", "expected: bind CONTEXT KEY ACTION"},
        {"bind", "expected: bind CONTEXT KEY ACTION"},
        {"bnid board a add", "unknown command 'bnid' (expected: bind CONTEXT KEY ACTION)"},
        {"bind board a add extra", "unexpected 'extra' after the action (expected: bind CONTEXT KEY ACTION)"},
        {"bind xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx a add",
         "unknown context 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' (use global, board, detail, review, prompt, closed, clusters)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "# header\nbind board z sort\n%s\nbind board y won\n",
                 cases[i].line);
        struct errors e = {0};
        keymap *km = load(text, &e);
        if (e.count != 1 || strcmp(e.why[0], cases[i].why) != 0)
            fail_msg("line '%s': got %d errors, first '%s'", cases[i].line, e.count,
                     e.count ? e.why[0] : "");
        assert_int_equal(e.line[0], 3);
        assert_int_equal(PRESS(km, KCTX_BOARD, 'z'), ACTION_SORT);
        assert_int_equal(PRESS(km, KCTX_BOARD, 'y'), ACTION_WON);
        /* a bad line binds nothing, in any context it named */
        assert_int_equal(keymap_bindings(km, KCTX_BOARD, NULL, NULL), 2);
        keymap_free(km);
    }
}

static void test_error_print_format(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    keymap *km = keymap_new();
    assert_int_equal(keymap_load_string(km, "\n\nbind board a mvoe\n", "keys", keymap_error_print, f),
                     1);
    rewind(f);
    char line[128] = "";
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "keys:3: unknown action 'mvoe'\n");
    fclose(f);
    keymap_free(km);
}

/* ---- matching ------------------------------------------------------------ */

static void test_sequence_pending_then_match(void **state)
{
    (void)state;
    keymap *km = load_ok("bind board gg first-card\nbind board j move-down\n");
    keymap_state st = {0};
    db_action a = ACTION_COUNT;
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'g', &a), KEYMAP_PENDING);
    assert_int_equal(a, ACTION_NONE);
    assert_int_equal(st.n, 1);
    assert_int_equal(keymap_pending_action(km, KCTX_BOARD, &st), ACTION_NONE);
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'g', &a), KEYMAP_MATCH);
    assert_int_equal(a, ACTION_FIRST_CARD);
    assert_int_equal(st.n, 0);
    /* a key that breaks the sequence is taken on its own */
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'g', &a), KEYMAP_PENDING);
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'j', &a), KEYMAP_MATCH);
    assert_int_equal(a, ACTION_MOVE_DOWN);
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'g', &a), KEYMAP_PENDING);
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'x', &a), KEYMAP_NOMATCH);
    assert_int_equal(a, ACTION_NONE);
    assert_int_equal(st.n, 0);
    /* flushing a pending key that is no binding matches nothing */
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'g', &a), KEYMAP_PENDING);
    assert_int_equal(keymap_flush(km, KCTX_BOARD, &st, &a), KEYMAP_NOMATCH);
    assert_int_equal(st.n, 0);
    /* NULL out is allowed */
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'j', NULL), KEYMAP_MATCH);
    keymap_free(km);
}

static void test_prefix_conflict_longer_wins_while_pending(void **state)
{
    (void)state;
    keymap *km = load_ok("bind board g sort\nbind board gg first-card\nbind board j move-down\n");
    keymap_state st = {0};
    db_action a;
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'g', &a), KEYMAP_PENDING);
    assert_int_equal(keymap_pending_action(km, KCTX_BOARD, &st), ACTION_SORT);
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'g', &a), KEYMAP_MATCH);
    assert_int_equal(a, ACTION_FIRST_CARD);
    /* no key in time: the caller flushes and g's own action runs */
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'g', &a), KEYMAP_PENDING);
    assert_int_equal(keymap_flush(km, KCTX_BOARD, &st, &a), KEYMAP_MATCH);
    assert_int_equal(a, ACTION_SORT);
    assert_int_equal(st.n, 0);
    /* another key drops the pending g and runs on its own */
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'g', &a), KEYMAP_PENDING);
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'j', &a), KEYMAP_MATCH);
    assert_int_equal(a, ACTION_MOVE_DOWN);
    /* the order the lines came in makes no difference */
    keymap *km2 = load_ok("bind board gg first-card\nbind board g sort\n");
    assert_int_equal(keymap_feed(km2, KCTX_BOARD, &st, 'g', &a), KEYMAP_PENDING);
    assert_int_equal(keymap_feed(km2, KCTX_BOARD, &st, 'g', &a), KEYMAP_MATCH);
    assert_int_equal(a, ACTION_FIRST_CARD);
    keymap_free(km2);
    keymap_free(km);
}

static void test_longest_sequence_and_state_reuse(void **state)
{
    (void)state;
    keymap *km = load_ok("bind board abcd won\nbind board d lost\n");
    assert_int_equal(PRESS(km, KCTX_BOARD, 'a', 'b', 'c', 'd'), ACTION_WON);
    keymap_state st = {0};
    db_action a;
    keymap_feed(km, KCTX_BOARD, &st, 'a', &a);
    keymap_feed(km, KCTX_BOARD, &st, 'b', &a);
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'd', &a), KEYMAP_MATCH);
    assert_int_equal(a, ACTION_LOST);
    /* a corrupt state is reset rather than read past its end */
    st.n = 99;
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, 'd', &a), KEYMAP_MATCH);
    assert_int_equal(a, ACTION_LOST);
    /* bad arguments match nothing */
    assert_int_equal(keymap_feed(km, KCTX_COUNT, &st, 'd', &a), KEYMAP_NOMATCH);
    assert_int_equal(keymap_feed(NULL, KCTX_BOARD, &st, 'd', &a), KEYMAP_NOMATCH);
    assert_int_equal(a, ACTION_NONE);
    keymap_free(km);
}

static void test_global_fallback(void **state)
{
    (void)state;
    keymap *km = load_ok("bind global ? help\n"
                         "bind global C-l refresh\n"
                         "bind global gx sync\n"
                         "bind global zz quit\n"
                         "bind board ? sort\n"
                         "bind board g add\n"
                         "bind board zz none\n"
                         "bind prompt Enter prompt-confirm\n");
    /* the context's own binding comes first, then global */
    assert_int_equal(PRESS(km, KCTX_BOARD, '?'), ACTION_SORT);
    assert_int_equal(PRESS(km, KCTX_DETAIL, '?'), ACTION_HELP);
    assert_int_equal(PRESS(km, KCTX_GLOBAL, '?'), ACTION_HELP);
    assert_int_equal(PRESS(km, KCTX_BOARD, CTRL('l')), ACTION_REFRESH);
    /* a context's own key wins at once over a longer global sequence */
    assert_int_equal(PRESS(km, KCTX_BOARD, 'g'), ACTION_ADD);
    assert_int_equal(PRESS(km, KCTX_REVIEW, 'g', 'x'), ACTION_SYNC);
    /* a context's none shadows the global sequence, so nothing waits */
    assert_int_equal(PRESS(km, KCTX_BOARD, 'z'), ACTION_NONE);
    assert_int_equal(PRESS(km, KCTX_DETAIL, 'z', 'z'), ACTION_QUIT);
    /* the prompt takes only non-typing keys from global */
    assert_int_equal(PRESS(km, KCTX_PROMPT, '?'), ACTION_NONE);
    assert_int_equal(PRESS(km, KCTX_PROMPT, 'g'), ACTION_NONE);
    assert_int_equal(PRESS(km, KCTX_PROMPT, CTRL('l')), ACTION_REFRESH);
    assert_int_equal(PRESS(km, KCTX_PROMPT, '\r'), ACTION_PROMPT_CONFIRM);
    keymap_free(km);
}

static void test_esc_waits_only_when_meta_keys_are_bound(void **state)
{
    (void)state;
    keymap *km = load_ok("bind global Esc back\n"
                         "bind prompt Esc prompt-cancel\n"
                         "bind prompt M-b word-left\n");
    keymap_state st = {0};
    db_action a;
    /* board: no M- key, Esc acts at once */
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, ESC, &a), KEYMAP_MATCH);
    assert_int_equal(a, ACTION_BACK);
    /* prompt: Esc may begin M-b */
    assert_int_equal(keymap_feed(km, KCTX_PROMPT, &st, ESC, &a), KEYMAP_PENDING);
    assert_int_equal(keymap_pending_action(km, KCTX_PROMPT, &st), ACTION_PROMPT_CANCEL);
    assert_int_equal(keymap_feed(km, KCTX_PROMPT, &st, 'b', &a), KEYMAP_MATCH);
    assert_int_equal(a, ACTION_WORD_LEFT);
    assert_int_equal(keymap_feed(km, KCTX_PROMPT, &st, ESC, &a), KEYMAP_PENDING);
    assert_int_equal(keymap_flush(km, KCTX_PROMPT, &st, &a), KEYMAP_MATCH);
    assert_int_equal(a, ACTION_PROMPT_CANCEL);
    /* Esc then a key with no M- binding: the key is taken on its own */
    assert_int_equal(keymap_feed(km, KCTX_PROMPT, &st, ESC, &a), KEYMAP_PENDING);
    assert_int_equal(keymap_feed(km, KCTX_PROMPT, &st, 'z', &a), KEYMAP_NOMATCH);
    assert_int_equal(st.n, 0);
    /* a caller that reads Alt itself passes KEYMAP_META | key */
    assert_int_equal(PRESS(km, KCTX_PROMPT, META('b')), ACTION_WORD_LEFT);
    keymap_free(km);
}

/* ---- built-in keymaps ---------------------------------------------------- */

struct expect {
    keymap_ctx ctx;
    int keys[2];
    db_action action;
};

static void assert_bindings(const keymap *km, const struct expect *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t nkeys = x[i].keys[1] ? 2 : 1;
        db_action got = press(km, x[i].ctx, x[i].keys, nkeys);
        if (got != x[i].action) {
            char text[64];
            keymap_keys_text(x[i].keys, (int)nkeys, text, sizeof text);
            fail_msg("%s %s: expected %s, got %s", keymap_ctx_name(x[i].ctx), text,
                     action_name(x[i].action), got < ACTION_COUNT ? action_name(got) : "pending");
        }
    }
}

#define B KCTX_BOARD
#define D KCTX_DETAIL
#define R KCTX_REVIEW
#define P KCTX_PROMPT

static const struct expect spec_board[] = {
    {B, {KEY_LEFT}, ACTION_MOVE_LEFT},   {B, {'h'}, ACTION_MOVE_LEFT},
    {B, {KEY_DOWN}, ACTION_MOVE_DOWN},   {B, {'j'}, ACTION_MOVE_DOWN},
    {B, {KEY_UP}, ACTION_MOVE_UP},       {B, {'k'}, ACTION_MOVE_UP},
    {B, {KEY_RIGHT}, ACTION_MOVE_RIGHT}, {B, {'l'}, ACTION_MOVE_RIGHT},
    {B, {'g', 'g'}, ACTION_FIRST_CARD},  {B, {'G'}, ACTION_LAST_CARD},
    {B, {'H'}, ACTION_STAGE_PREV},       {B, {'<'}, ACTION_STAGE_PREV},
    {B, {'L'}, ACTION_STAGE_NEXT},       {B, {'>'}, ACTION_STAGE_NEXT},
    {B, {'\n'}, ACTION_DETAIL},          {B, {KEY_ENTER}, ACTION_DETAIL},
    {B, {'a'}, ACTION_ADD},              {B, {'e'}, ACTION_EDIT},
    {B, {'E'}, ACTION_EDIT_FILE},        {B, {'t'}, ACTION_TOUCH},
    {B, {'c'}, ACTION_NOTE},             {B, {'p'}, ACTION_NEXT_STEP},
    {B, {'o'}, ACTION_MOVE_ON},          {B, {'w'}, ACTION_WON},
    {B, {'x'}, ACTION_LOST},             {B, {'z'}, ACTION_SNOOZE},
    {B, {'s'}, ACTION_SORT},             {B, {'/'}, ACTION_SEARCH},
    {B, {'n'}, ACTION_SEARCH_NEXT},      {B, {'N'}, ACTION_SEARCH_PREV},
    {B, {'f'}, ACTION_FILTER},           {B, {'S'}, ACTION_SYNC},
    {B, {'r'}, ACTION_REVIEW},           {B, {'u'}, ACTION_UNDO},
    {B, {'?'}, ACTION_HELP},             {B, {KEY_F(1)}, ACTION_HELP},
    {B, {'q'}, ACTION_QUIT},             {B, {KEY_PPAGE}, ACTION_PAGE_UP},
    {B, {KEY_NPAGE}, ACTION_PAGE_DOWN},  {B, {ESC}, ACTION_BACK},
    {B, {CTRL('l')}, ACTION_REFRESH},    {B, {'D'}, ACTION_CHANGES},
};

static const struct expect spec_other_contexts[] = {
    {D, {ESC}, ACTION_BACK},             {D, {'q'}, ACTION_BACK},
    {D, {'t'}, ACTION_TOUCH},            {D, {'e'}, ACTION_EDIT},
    {D, {'E'}, ACTION_EDIT_FILE},        {D, {'c'}, ACTION_NOTE},
    {D, {'p'}, ACTION_NEXT_STEP},        {D, {'o'}, ACTION_MOVE_ON},
    {D, {'w'}, ACTION_WON},              {D, {'x'}, ACTION_LOST},
    {D, {'z'}, ACTION_SNOOZE},           {D, {'H'}, ACTION_STAGE_PREV},
    {D, {'L'}, ACTION_STAGE_NEXT},       {D, {'?'}, ACTION_HELP},
    {R, {'t'}, ACTION_TOUCH},            {R, {'p'}, ACTION_NEXT_STEP},
    {R, {'H'}, ACTION_STAGE_PREV},       {R, {'L'}, ACTION_STAGE_NEXT},
    {R, {'o'}, ACTION_MOVE_ON},          {R, {'w'}, ACTION_WON},
    {R, {'x'}, ACTION_LOST},             {R, {'z'}, ACTION_SNOOZE},
    {R, {'R'}, ACTION_REOPEN},           {R, {' '}, ACTION_SKIP},
    {R, {'j'}, ACTION_SKIP},             {R, {'k'}, ACTION_REVIEW_BACK},
    {R, {KEY_BACKSPACE}, ACTION_REVIEW_BACK}, {R, {127}, ACTION_REVIEW_BACK},
    {R, {'q'}, ACTION_QUIT},             {R, {'?'}, ACTION_HELP},
    {P, {'\n'}, ACTION_PROMPT_CONFIRM},  {P, {'\r'}, ACTION_PROMPT_CONFIRM},
    {P, {ESC}, ACTION_PROMPT_CANCEL},    {P, {CTRL('g')}, ACTION_PROMPT_CANCEL},
    {P, {KEY_LEFT}, ACTION_CURSOR_LEFT}, {P, {KEY_RIGHT}, ACTION_CURSOR_RIGHT},
    {P, {KEY_HOME}, ACTION_CURSOR_HOME}, {P, {CTRL('a')}, ACTION_CURSOR_HOME},
    {P, {KEY_END}, ACTION_CURSOR_END},   {P, {CTRL('e')}, ACTION_CURSOR_END},
    {P, {KEY_BACKSPACE}, ACTION_DELETE_BACK}, {P, {8}, ACTION_DELETE_BACK},
    {P, {KEY_DC}, ACTION_DELETE_CHAR},   {P, {CTRL('k')}, ACTION_KILL_LINE},
    {P, {CTRL('u')}, ACTION_KILL_LINE_BACK}, {P, {KEY_UP}, ACTION_HISTORY_PREV},
    {P, {KEY_DOWN}, ACTION_HISTORY_NEXT}, {P, {'\t'}, ACTION_COMPLETE},
    /* typing keys stay text in the prompt */
    {P, {'q'}, ACTION_NONE},             {P, {'?'}, ACTION_NONE},
    {P, {' '}, ACTION_NONE},             {P, {'j'}, ACTION_NONE},
};

static void test_default_keymap_has_the_spec_keys(void **state)
{
    (void)state;
    struct errors e = {0};
    keymap *km = keymap_default(collect_error, &e);
    assert_non_null(km);
    if (e.count)
        fail_msg("default.keys:%d: %s", e.line[0], e.why[0]);
    assert_bindings(km, spec_board, sizeof spec_board / sizeof spec_board[0]);
    assert_bindings(km, spec_other_contexts, sizeof spec_other_contexts / sizeof spec_other_contexts[0]);
    keymap_free(km);
}

static const struct expect emacs_keys[] = {
    {B, {CTRL('n')}, ACTION_MOVE_DOWN},  {B, {CTRL('p')}, ACTION_MOVE_UP},
    {B, {CTRL('f')}, ACTION_MOVE_RIGHT}, {B, {CTRL('b')}, ACTION_MOVE_LEFT},
    {B, {CTRL('v')}, ACTION_PAGE_DOWN},  {B, {ESC, 'v'}, ACTION_PAGE_UP},
    {B, {ESC, '<'}, ACTION_FIRST_CARD},  {B, {ESC, '>'}, ACTION_LAST_CARD},
    {B, {CTRL('s')}, ACTION_SEARCH},     {B, {CTRL('g')}, ACTION_BACK},
    {B, {CTRL('x'), CTRL('s')}, ACTION_SYNC}, {B, {CTRL('x'), 'u'}, ACTION_UNDO},
    {D, {CTRL('n')}, ACTION_MOVE_DOWN},  {D, {CTRL('g')}, ACTION_BACK},
    {R, {CTRL('n')}, ACTION_SKIP},       {R, {CTRL('p')}, ACTION_REVIEW_BACK},
    {P, {CTRL('g')}, ACTION_PROMPT_CANCEL}, {P, {CTRL('a')}, ACTION_CURSOR_HOME},
    {P, {CTRL('e')}, ACTION_CURSOR_END}, {P, {CTRL('b')}, ACTION_CURSOR_LEFT},
    {P, {CTRL('f')}, ACTION_CURSOR_RIGHT}, {P, {CTRL('d')}, ACTION_DELETE_CHAR},
    {P, {ESC, 'b'}, ACTION_WORD_LEFT},   {P, {ESC, 'f'}, ACTION_WORD_RIGHT},
    {P, {CTRL('p')}, ACTION_HISTORY_PREV}, {P, {CTRL('n')}, ACTION_HISTORY_NEXT},
    /* the default keys still work under the preset */
    {B, {'j'}, ACTION_MOVE_DOWN},        {B, {'g', 'g'}, ACTION_FIRST_CARD},
    {P, {KEY_LEFT}, ACTION_CURSOR_LEFT},
};

static void test_emacs_preset(void **state)
{
    (void)state;
    struct errors e = {0};
    keymap *km = keymap_default(collect_error, &e);
    const char *emacs = keymap_preset_text("emacs");
    assert_non_null(emacs);
    assert_int_equal(keymap_load_string(km, emacs, "emacs.keys", collect_error, &e), 0);
    if (e.count)
        fail_msg("%s:%d: %s", e.file[0], e.line[0], e.why[0]);
    assert_bindings(km, emacs_keys, sizeof emacs_keys / sizeof emacs_keys[0]);
    /* Esc now waits for a possible M- key; with none following it goes back */
    keymap_state st = {0};
    db_action a;
    assert_int_equal(keymap_feed(km, KCTX_BOARD, &st, ESC, &a), KEYMAP_PENDING);
    assert_int_equal(keymap_flush(km, KCTX_BOARD, &st, &a), KEYMAP_MATCH);
    assert_int_equal(a, ACTION_BACK);
    keymap_free(km);
}

static void test_preset_texts(void **state)
{
    (void)state;
    assert_ptr_equal(keymap_preset_text("default"), keymap_default_text);
    assert_ptr_equal(keymap_preset_text("emacs"), keymap_emacs_text);
    assert_null(keymap_preset_text("vim"));
    assert_null(keymap_preset_text(NULL));
    assert_non_null(strstr(keymap_default_text, "bind board gg"));
}

/* Every binding the help screen lists reads back as the same binding. */
static void test_help_listing_round_trips(void **state)
{
    (void)state;
    keymap *km = keymap_default(NULL, NULL);
    assert_int_equal(keymap_load_string(km, keymap_emacs_text, "emacs.keys", NULL, NULL), 0);
    for (int c = 0; c < KCTX_COUNT; c++) {
        struct listing l = {0}, again = {0};
        size_t n = keymap_bindings(km, (keymap_ctx)c, collect_binding, &l);
        assert_true(n > 0 && n <= 128);
        assert_int_equal(n, l.n);
        keymap *copy = keymap_new();
        for (size_t i = 0; i < n; i++) {
            char line[128];
            snprintf(line, sizeof line, "bind %s %s %s", keymap_ctx_name((keymap_ctx)c), l.keys[i],
                     action_name(l.action[i]));
            assert_int_equal(keymap_load_string(copy, line, "copy", NULL, NULL), 0);
        }
        keymap_bindings(copy, (keymap_ctx)c, collect_binding, &again);
        assert_int_equal(again.n, n);
        for (size_t i = 0; i < n; i++) {
            assert_string_equal(again.keys[i], l.keys[i]);
            assert_int_equal(again.action[i], l.action[i]);
        }
        keymap_free(copy);
    }
    keymap_free(km);
}

static void test_context_names(void **state)
{
    (void)state;
    assert_string_equal(keymap_ctx_name(KCTX_GLOBAL), "global");
    assert_string_equal(keymap_ctx_name(KCTX_BOARD), "board");
    assert_string_equal(keymap_ctx_name(KCTX_DETAIL), "detail");
    assert_string_equal(keymap_ctx_name(KCTX_REVIEW), "review");
    assert_string_equal(keymap_ctx_name(KCTX_PROMPT), "prompt");
    assert_string_equal(keymap_ctx_name(KCTX_CLOSED), "closed");
    assert_string_equal(keymap_ctx_name(KCTX_CLUSTERS), "clusters");
    assert_null(keymap_ctx_name(KCTX_COUNT));
    keymap_free(NULL); /* allowed, like free() */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_action_has_name_and_help_and_round_trips),
        cmocka_unit_test(test_action_names_are_the_contract),
        cmocka_unit_test(test_action_properties),
        cmocka_unit_test(test_single_characters),
        cmocka_unit_test(test_utf8_characters),
        cmocka_unit_test(test_control_keys),
        cmocka_unit_test(test_meta_keys),
        cmocka_unit_test(test_named_keys),
        cmocka_unit_test(test_sequences),
        cmocka_unit_test(test_canonical_text),
        cmocka_unit_test(test_keys_text_truncates_safely),
        cmocka_unit_test(test_multi_context_line),
        cmocka_unit_test(test_none_unbinds_in_that_context_only),
        cmocka_unit_test(test_later_lines_override_earlier_ones),
        cmocka_unit_test(test_user_file_loads_after_default),
        cmocka_unit_test(test_load_file_failures),
        cmocka_unit_test(test_file_with_crlf_and_comments),
        cmocka_unit_test(test_rest_of_file_loads_after_bad_lines),
        cmocka_unit_test(test_nul_byte_stops_the_file_with_a_report),
        cmocka_unit_test(test_every_error_message),
        cmocka_unit_test(test_error_print_format),
        cmocka_unit_test(test_sequence_pending_then_match),
        cmocka_unit_test(test_prefix_conflict_longer_wins_while_pending),
        cmocka_unit_test(test_longest_sequence_and_state_reuse),
        cmocka_unit_test(test_global_fallback),
        cmocka_unit_test(test_esc_waits_only_when_meta_keys_are_bound),
        cmocka_unit_test(test_default_keymap_has_the_spec_keys),
        cmocka_unit_test(test_emacs_preset),
        cmocka_unit_test(test_preset_texts),
        cmocka_unit_test(test_help_listing_round_trips),
        cmocka_unit_test(test_context_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
