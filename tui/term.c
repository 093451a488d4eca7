#include "term.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "../keymaps/keymap.h"

#define KEYQ_MAX 512

static struct {
    SCREEN *screen;
    FILE *out, *in;            /* script mode: /dev/null */
    FILE *script;              /* NULL: a real terminal */
    int line;                  /* script line number, for errors */
    int keys[KEYQ_MAX];        /* keys of the current script line */
    int nkeys, next_key;
    bool tick_due;             /* a short tick after each script line */
    bool idle_due;             /* an `idle` line: a long pause */
    FILE *times;               /* DEALBOARD_SCRIPT_TIMES: latency per key */
    char timed[32];            /* what is being timed ("" for nothing) */
    struct timespec timed_at;  /* when it was taken */
    bool colors;
} term;

bool term_is_script(void)
{
    return term.script != NULL;
}

bool term_has_colors(void)
{
    return term.colors;
}

static void setup_modes(void)
{
    raw();          /* C-s, C-q, C-z reach the keymap (emacs binds C-s) */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    intrflush(stdscr, FALSE);
    set_escdelay(25);
    curs_set(0);
}

static void setup_colors(void)
{
    const char *no_color = getenv("NO_COLOR");
    term.colors = has_colors() && !(no_color && *no_color);
    if (!term.colors)
        return;
    start_color();
    use_default_colors();
}

static bool parse_size(const char *s, int *w, int *h)
{
    char extra;
    return s && sscanf(s, "%dx%d%c", w, h, &extra) == 2 && *w > 0 && *h > 0 && *w <= 1000 &&
           *h <= 1000;
}

static int open_script(const char *path, db_err *err)
{
    int w = 80, h = 24;
    const char *size = getenv("DEALBOARD_SCRIPT_SIZE");
    if (size && *size && !parse_size(size, &w, &h))
        return db_fail(err, DB_EUSAGE, "DEALBOARD_SCRIPT_SIZE: '%s' is not WIDTHxHEIGHT", size);
    term.script = fopen(path, "r");
    if (!term.script)
        return db_fail(err, DB_EIO, "DEALBOARD_SCRIPT: cannot read %s", path);
    char cols[16], lines[16];
    snprintf(cols, sizeof cols, "%d", w);
    snprintf(lines, sizeof lines, "%d", h);
    setenv("COLUMNS", cols, 1);
    setenv("LINES", lines, 1);
    const char *times = getenv("DEALBOARD_SCRIPT_TIMES");
    if (times && *times && !(term.times = fopen(times, "w")))
        return db_fail(err, DB_EIO, "DEALBOARD_SCRIPT_TIMES: cannot write %s", times);
    term.out = fopen("/dev/null", "w");
    term.in = fopen("/dev/null", "r");
    const char *type = getenv("DEALBOARD_SCRIPT_TERM");
    term.screen = newterm(type && *type ? type : "xterm-256color", term.out, term.in);
    if (!term.screen)
        return db_fail(err, DB_EIO, "script mode: cannot set up a virtual terminal");
    resizeterm(h, w);
    return 0;
}

int term_open(db_err *err)
{
    memset(&term, 0, sizeof term);
    const char *script = getenv("DEALBOARD_SCRIPT");
    int rc = 0;
    if (script && *script) {
        rc = open_script(script, err);
    } else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        rc = db_fail(err, DB_EUSAGE, "board: needs a terminal (try 'dealboard list')");
    } else {
        term.screen = newterm(NULL, stdout, stdin);
        if (!term.screen)
            rc = db_fail(err, DB_EUSAGE, "board: cannot use the terminal '%s'",
                         getenv("TERM") ? getenv("TERM") : "");
    }
    if (rc) {
        term_close();
        return rc;
    }
    setup_modes();
    setup_colors();
    return 0;
}

static void times_end(void);

void term_close(void)
{
    times_end();               /* the last key (quit) took until now */
    if (term.times)
        fclose(term.times);
    if (term.screen) {
        endwin();
        delscreen(term.screen);
    }
    if (term.script)
        fclose(term.script);
    if (term.out)
        fclose(term.out);
    if (term.in)
        fclose(term.in);
    memset(&term, 0, sizeof term);
}

void term_suspend(void)
{
    def_prog_mode();
    endwin();
}

void term_resume(void)
{
    reset_prog_mode();
    clearok(curscr, TRUE);
    refresh();
}

/* ---- script mode -------------------------------------------------------- */

/* Latency as the user sees it: from taking a key to asking for the next
 * one, which the views do only once the frame is on screen (refresh). */
static void times_start(const char *what)
{
    if (!term.times)
        return;
    snprintf(term.timed, sizeof term.timed, "%s", what);
    clock_gettime(CLOCK_MONOTONIC, &term.timed_at);
}

static void times_start_key(int key)
{
    char name[32] = "resize";
    if (key != KEY_RESIZE)
        keymap_keys_text(&key, 1, name, sizeof name);
    times_start(name);
}

static void times_end(void)
{
    if (!term.times || !term.timed[0])
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - term.timed_at.tv_sec) * 1e3 +
                (double)(now.tv_nsec - term.timed_at.tv_nsec) / 1e6;
    fprintf(term.times, "%s %.3f\n", term.timed, ms);
    term.timed[0] = '\0';
}

static void queue_key(int key)
{
    if (term.nkeys < KEYQ_MAX)
        term.keys[term.nkeys++] = key;
}

static void script_error(const char *what, const char *arg)
{
    /* Tests must notice a bad script: fail loudly, after curses is gone. */
    term_suspend();
    fprintf(stderr, "dealboard: DEALBOARD_SCRIPT:%d: %s '%s'\n", term.line, what, arg);
    exit(1);
}

static void queue_key_word(const char *word)
{
    int keys[KEYMAP_MAX_KEYS];
    char why[200];
    int n = keymap_parse_keys(word, keys, why, sizeof why);
    if (n < 0)
        script_error(why, word);
    for (int i = 0; i < n; i++) {
        /* The parser folds Esc+x into M-x; a terminal sends two keys. */
        if (keys[i] & KEYMAP_META) {
            queue_key(27);
            queue_key(keys[i] & ~KEYMAP_META);
        } else {
            queue_key(keys[i]);
        }
    }
}

static void queue_text(const char *s)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t len = strlen(s);
    while (len > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, len, &st);
        if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
            script_error("not UTF-8 text", s);
        queue_key(keymap_key_from_wch(OK, (unsigned)wc));
        s += n;
        len -= n;
    }
}

/* The screen as the terminal shows it (curscr), trailing spaces trimmed. */
static void save_screen(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        script_error("cannot write", path);
    int rows = getmaxy(curscr), cols = getmaxx(curscr);
    wchar_t *buf = calloc((size_t)cols + 1, sizeof *buf);
    for (int y = 0; y < rows; y++) {
        int n = mvwinnwstr(curscr, y, 0, buf, cols);
        if (n < 0)
            n = 0;
        buf[n] = L'\0';
        while (n > 0 && buf[n - 1] == L' ')
            buf[--n] = L'\0';
        fprintf(f, "%ls\n", buf);
    }
    free(buf);
    fclose(f);
}

static void do_resize(const char *arg)
{
    int w, h;
    if (!parse_size(arg, &w, &h))
        script_error("resize: expected WIDTHxHEIGHT, got", arg);
    resizeterm(h, w);
    queue_key(KEY_RESIZE);
}

/* Reads script lines until one gives keys; false at the end of the script. */
static bool script_fill(void)
{
    char line[4096];
    while (term.nkeys == 0 && fgets(line, sizeof line, term.script)) {
        term.line++;
        line[strcspn(line, "\r\n")] = '\0';
        char *arg = strchr(line, ' ');
        if (arg)
            *arg++ = '\0';
        else
            arg = line + strlen(line);
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (strcmp(line, "key") == 0)
            queue_key_word(arg);
        else if (strcmp(line, "keys") == 0)
            for (char *w = strtok(arg, " "); w; w = strtok(NULL, " "))
                queue_key_word(w);
        else if (strcmp(line, "type") == 0)
            queue_text(arg);
        else if (strcmp(line, "screen") == 0)
            save_screen(arg);
        else if (strcmp(line, "resize") == 0)
            do_resize(arg);
        else if (strcmp(line, "idle") == 0) {
            term.idle_due = true;
            return false;
        } else
            script_error("unknown command", line);
        term.next_key = 0;
    }
    return term.nkeys > 0;
}

static int script_next(void)
{
    if (term.next_key < term.nkeys) {
        int key = term.keys[term.next_key++];
        if (term.next_key == term.nkeys) {
            term.nkeys = term.next_key = 0;
            term.tick_due = true;
        }
        return key;
    }
    if (term.tick_due) {
        term.tick_due = false;
        return TERM_TICK;
    }
    if (!script_fill() && !term.idle_due)
        return TERM_EOF;
    if (term.idle_due) {
        term.idle_due = false;
        return TERM_TIMEOUT;
    }
    return script_next();
}

static int script_read_key(void)
{
    times_end();
    int key = script_next();
    if (key == TERM_TIMEOUT)
        times_start("idle");
    else if (key >= 0)
        times_start_key(key);
    return key;
}

/* ---- reading keys ------------------------------------------------------- */

int term_read_key(int timeout_ms)
{
    if (term.script)
        return script_read_key();
    wtimeout(stdscr, timeout_ms);
    wint_t wch;
    int rc = wget_wch(stdscr, &wch);
    if (rc == ERR)
        return TERM_TIMEOUT;
    return keymap_key_from_wch(rc, (unsigned)wch);
}
