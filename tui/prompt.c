/* Input: a one-line prompt on the bottom line, and forms of several fields.
 * Both edit through lineedit and take their keys from the `prompt` context. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/text.h"
#include "app.h"
#include "draw.h"
#include "lineedit.h"

typedef enum { EDIT_CONFIRM, EDIT_CANCEL, EDIT_PREV, EDIT_NEXT } edit_outcome;

/* ---- checking fields ---------------------------------------------------- */

/* Choices: an exact word, a "word:" prefix with text after it, or a unique prefix. */
static const char *choice_match(const char *const *choices, const char *text, int *count)
{
    const char *found = NULL;
    *count = 0;
    for (size_t i = 0; choices && choices[i]; i++) {
        size_t n = strlen(choices[i]);
        if (strcmp(choices[i], text) == 0 ||
            (n && choices[i][n - 1] == ':' && strncmp(choices[i], text, n) == 0 && text[n])) {
            *count = 1;
            return choices[i];
        }
        if (str_has_prefix(choices[i], text)) {
            found = choices[i];
            (*count)++;
        }
    }
    return found;
}

const char *tui_field_check(const tui_app *app, const form_field *f, const char *text)
{
    db_day day;
    int64_t value;
    int count;
    if (!*text)
        return f->required ? "this field is required" : NULL;
    switch (f->kind) {
    case FIELD_DATE:
        return edit_parse_date(text, app->today, &day)
                   ? NULL
                   : "not a date: use YYYY-MM-DD, today, tomorrow, +N (days) or +Nw (weeks)";
    case FIELD_VALUE:
        return edit_parse_value(text, &value) ? NULL : "not an amount: use digits, e.g. 48000 or 48k";
    case FIELD_STAGE:
        return config_stage_lookup(repo_config(app->repo), text) >= 0 ? NULL : "no such stage";
    case FIELD_CHOICE:
        choice_match(f->choices, text, &count);
        return count == 1 ? NULL : count ? "ambiguous: type more" : "not one of the choices";
    default:
        return NULL;
    }
}

/* The accepted text in its normal form: a date as YYYY-MM-DD, a stage's id,
 * a completed choice. */
static void normalize(const tui_app *app, const form_field *f, lineedit *ed)
{
    db_day day;
    int count;
    if (!*ed->text)
        return;
    if (f->kind == FIELD_DATE && edit_parse_date(ed->text, app->today, &day)) {
        char date[DATE_LEN];
        date_format(day, date);
        lineedit_set(ed, date);
    } else if (f->kind == FIELD_STAGE) {
        const pipeline_cfg *cfg = repo_config(app->repo);
        lineedit_set(ed, cfg->stages[config_stage_lookup(cfg, ed->text)].id);
    } else if (f->kind == FIELD_CHOICE) {
        const char *c = choice_match(f->choices, ed->text, &count);
        size_t n = strlen(c);
        if (!(n && c[n - 1] == ':' && strncmp(c, ed->text, n) == 0))
            lineedit_set(ed, c);
    }
}

/* Tab: the longest text every matching choice (or stage id) starts with. */
static void complete(const tui_app *app, const form_field *f, lineedit *ed)
{
    const char *const *choices = f->choices;
    const char **stage_ids = NULL;
    if (f->kind == FIELD_STAGE) {
        const pipeline_cfg *cfg = repo_config(app->repo);
        stage_ids = xcalloc(cfg->nstages + 1, sizeof *stage_ids);
        for (size_t i = 0; i < cfg->nstages; i++)
            stage_ids[i] = cfg->stages[i].id;
        choices = stage_ids;
    }
    char best[256] = "";
    bool any = false;
    for (size_t i = 0; choices && choices[i]; i++) {
        if (!str_has_prefix(choices[i], ed->text))
            continue;
        if (!any)
            snprintf(best, sizeof best, "%s", choices[i]);
        else
            for (size_t k = 0; best[k]; k++)
                if (best[k] != choices[i][k]) {
                    best[k] = '\0';
                    break;
                }
        any = true;
    }
    if (any && strlen(best) > ed->len)
        lineedit_set(ed, best);
    free(stage_ids);
}

/* ---- the editing loop --------------------------------------------------- */

typedef void (*overlay_fn)(tui_app *app, void *ud, lineedit *ed, const char *error);

static bool is_text_key(int key)
{
    if (key < 0 || (key & KEYMAP_META))
        return false;
    if (key & KEYMAP_CHAR)
        return true;
    return !(key >= KEY_MIN && key <= KEY_MAX) && key >= 0x20 && key != 0x7f;
}

static void draw_with_overlay(tui_app *app, overlay_fn overlay, void *ud, lineedit *ed,
                              const char *error)
{
    if (tui_too_small(app)) {
        curs_set(0);
    } else {
        if (app->top)
            app->top->draw(app, app->top);
        curs_set(1);
        overlay(app, ud, ed, error);
    }
    refresh();
}

static edit_outcome edit_loop(tui_app *app, const form_field *f, lineedit *ed, overlay_fn overlay,
                              void *ud)
{
    const char *error = NULL;
    for (;;) {
        draw_with_overlay(app, overlay, ud, ed, error);
        tui_event ev;
        tui_next_event(app, KCTX_PROMPT, &ev);
        if (ev.kind == EV_EOF) {
            app->quit = true;
            return EDIT_CANCEL;
        }
        if (ev.kind == EV_TEXT && is_text_key(ev.key)) {
            lineedit_insert(ed, (unsigned)(ev.key & ~KEYMAP_CHAR));
            error = NULL;
        }
        if (ev.kind != EV_ACTION)
            continue;
        switch (ev.action) {
        case ACTION_PROMPT_CONFIRM:
            if (!(error = tui_field_check(app, f, ed->text))) {
                normalize(app, f, ed);
                return EDIT_CONFIRM;
            }
            break;
        case ACTION_PROMPT_CANCEL:
        case ACTION_BACK:
            return EDIT_CANCEL;
        case ACTION_HISTORY_PREV:
            return EDIT_PREV;
        case ACTION_HISTORY_NEXT:
            return EDIT_NEXT;
        case ACTION_COMPLETE:
            ed->selected = false;      /* Tab works on the text: keep it */
            complete(app, f, ed);
            break;
        default:
            lineedit_apply(ed, ev.action);
            error = NULL;
        }
    }
}

/* Draws the editable text in `cols` columns at y,x and puts the cursor there.
 * A selected pre-fill is reversed, like selected text anywhere: the user sees
 * that typing replaces it. */
static void draw_edit_text(int y, int x, int cols, lineedit *ed, attr_t attr)
{
    size_t start = lineedit_view_start(ed, cols);
    draw_text(y, x, "", cols, attr, true);
    draw_text(y, x, ed->text + start, cols, ed->selected ? attr | A_REVERSE : attr, false);
    lineedit tail = *ed;   /* cursor column relative to the first shown byte */
    tail.text = ed->text + start;
    tail.cursor = ed->cursor - start;
    move(y, x + lineedit_cursor_col(&tail));
}

/* ---- one-line prompt ---------------------------------------------------- */

/* Above a selected pre-fill: how to keep it, with the keys of this keymap. */
static void selection_hint(tui_app *app)
{
    char left[32], end[32], hint[160];
    tui_key_for(app, KCTX_PROMPT, ACTION_CURSOR_LEFT, left, sizeof left);
    tui_key_for(app, KCTX_PROMPT, ACTION_CURSOR_END, end, sizeof end);
    snprintf(hint, sizeof hint, "typing replaces the value; %s/%s edit it", left, end);
    draw_text(LINES - 2, 0, hint, COLS, draw_attr(ROLE_DIM), false);
}

/* The input keeps at least this many columns however long the label is. */
#define INPUT_MIN_COLS 12

/* The label and the input on the bottom row. A label too long for the row
 * is shortened with an ellipsis, never at the input's cost, and shown whole
 * on the row above when that row is free. */
static void prompt_overlay(tui_app *app, void *ud, lineedit *ed, const char *error)
{
    const char *label = ud;
    int input_min = COLS / 3 > INPUT_MIN_COLS ? COLS / 3 : INPUT_MIN_COLS;
    int label_max = COLS - input_min > 1 ? COLS - input_min : 1;
    bool cut = draw_width(label) > label_max;
    draw_clear_row(LINES - 2, 0, A_NORMAL);
    if (error)
        draw_text(LINES - 2, 0, error, COLS, draw_attr(ROLE_ERROR), false);
    else if (ed->selected)
        selection_hint(app);
    else if (cut)
        draw_text_cut(LINES - 2, 0, label, COLS, draw_attr(ROLE_DIM));
    draw_clear_row(LINES - 1, 0, A_NORMAL);
    int used = draw_text_cut(LINES - 1, 0, label, label_max, A_BOLD);
    if (cut)
        used += draw_text(LINES - 1, used, " ", 1, A_BOLD, false);
    draw_edit_text(LINES - 1, used, COLS - used, ed, A_NORMAL);
}

/* Up/Down at a prompt: walks its history, newest first; Down past the
 * newest gives back what was being typed. */
typedef struct {
    const prompt_history *h;
    size_t pos;                  /* h->n: the line being typed */
    char *draft;                 /* what was typed before the first Up */
} history_walk;

static void history_step(history_walk *w, lineedit *ed, edit_outcome dir)
{
    if (dir == EDIT_PREV && w->pos > 0) {
        if (w->pos == w->h->n) {
            free(w->draft);
            w->draft = xstrdup(ed->text);
        }
        lineedit_set(ed, w->h->items[--w->pos]);
    } else if (dir == EDIT_NEXT && w->pos < w->h->n) {
        w->pos++;
        lineedit_set(ed, w->pos < w->h->n ? w->h->items[w->pos] : w->draft ? w->draft : "");
    }
}

bool tui_prompt(tui_app *app, const char *label, input_kind kind, const char *initial,
                const char *const *choices, char **out)
{
    form_field f = {label, kind, false, choices, NULL, NULL};
    prompt_history *h = history_for(&app->history, label);
    history_walk walk = {h, h->n, NULL};
    lineedit ed;
    lineedit_init(&ed, initial);
    edit_outcome r;
    while ((r = edit_loop(app, &f, &ed, prompt_overlay, (void *)label)) == EDIT_PREV ||
           r == EDIT_NEXT)
        history_step(&walk, &ed, r);
    curs_set(0);
    *out = r == EDIT_CONFIRM ? xstrdup(ed.text) : NULL;
    if (r == EDIT_CONFIRM)
        history_add(h, ed.text);
    free(walk.draft);
    lineedit_free(&ed);
    return r == EDIT_CONFIRM;
}

/* ---- one-key confirmation ----------------------------------------------- */

#define CONFIRM_ROWS_MAX 3

/* The question on the bottom row, or wrapped at spaces over up to three
 * rows when it is longer; " y/n" always shows: the keys must stay readable. */
static void confirm_overlay(const char *question)
{
    static const char keys[] = " y/n";
    int keys_w = (int)strlen(keys), nrows = 0;
    char *safe = draw_safe(question), *rows[CONFIRM_ROWS_MAX];
    const char *rest = safe;
    while (nrows < CONFIRM_ROWS_MAX - 1 && text_width(rest) + keys_w > COLS) {
        int used = 0;
        size_t n = text_fit(rest, COLS, &used), k = n;
        while (k > 0 && rest[k] != ' ')
            k--;
        if (k > 0)
            n = k;
        rows[nrows++] = xstrndup(rest, n);
        rest += n;
        while (*rest == ' ')
            rest++;
    }
    rows[nrows++] = xstrdup(rest);
    for (int r = 0; r < nrows; r++) {
        int y = LINES - nrows + r;
        draw_clear_row(y, 0, A_NORMAL);
        if (r + 1 < nrows) {
            draw_text(y, 0, rows[r], COLS, A_BOLD, false);
        } else {
            int used = draw_text_cut(y, 0, rows[r], COLS - keys_w, A_BOLD);
            used += draw_text(y, used, keys, COLS - used, A_BOLD, false);
            move(y, used < COLS ? used : COLS - 1);
        }
        free(rows[r]);
    }
    free(safe);
}

/* confirm_overlay as an overlay_fn: the question is all it draws. */
static void confirm_overlay_of(tui_app *app, void *question, lineedit *ed, const char *error)
{
    (void)app, (void)ed, (void)error;
    confirm_overlay(question);
}

bool tui_confirm(tui_app *app, const char *question)
{
    tui_event ev;
    do {
        draw_with_overlay(app, confirm_overlay_of, (void *)question, NULL, NULL);
        tui_next_event(app, KCTX_PROMPT, &ev);
    } while (ev.kind == EV_TICK || ev.kind == EV_RESIZE);
    curs_set(0);
    if (ev.kind == EV_EOF)
        app->quit = true;
    return ev.kind == EV_TEXT && (ev.key == 'y' || ev.key == 'Y');
}

/* ---- forms -------------------------------------------------------------- */

typedef struct {
    const char *title;
    form_field *fields;
    size_t n, current;
} form_state;

static void form_box(int top, int left, int w, int h, const char *title)
{
    bool utf8 = text_locale_utf8();
    for (int y = top; y < top + h; y++) {
        draw_text(y, left, "", w, A_NORMAL, true);
        mvaddstr(y, left, utf8 ? "│" : "|");
        mvaddstr(y, left + w - 1, utf8 ? "│" : "|");
    }
    for (int x = left + 1; x < left + w - 1; x++) {
        mvaddstr(top, x, utf8 ? "─" : "-");
        mvaddstr(top + h - 1, x, utf8 ? "─" : "-");
    }
    mvaddstr(top, left, utf8 ? "┌" : "+");
    mvaddstr(top, left + w - 1, utf8 ? "┐" : "+");
    mvaddstr(top + h - 1, left, utf8 ? "└" : "+");
    mvaddstr(top + h - 1, left + w - 1, utf8 ? "┘" : "+");
    int used = draw_text(top, left + 2, " ", w - 4, A_NORMAL, false);
    used += draw_text(top, left + 2 + used, title, w - 6, draw_attr(ROLE_HEADER), false);
    draw_text(top, left + 2 + used, " ", 1, A_NORMAL, false);
}

/* The first field shown: the one being edited is always on screen. */
static size_t form_first_shown(const form_state *fs, size_t rows)
{
    if (rows == 0 || fs->current < rows)
        return 0;
    return fs->current + 1 - rows;
}

static void form_overlay(tui_app *app, void *ud, lineedit *ed, const char *error)
{
    form_state *fs = ud;
    int w = COLS - 4 < 70 ? COLS - 4 : 70, h = (int)fs->n + 4;
    if (COLS < 40)
        w = COLS;                      /* narrow: the box takes the whole row */
    if (h > LINES)
        h = LINES;
    int top = (LINES - h) / 2, left = (COLS - w) / 2, label_w = 0;
    for (size_t i = 0; i < fs->n; i++)
        if (draw_width(fs->fields[i].label) + 2 > label_w)
            label_w = draw_width(fs->fields[i].label) + 2;
    /* The input keeps at least INPUT_MIN_COLS; a label longer than its room
     * ends in an ellipsis. */
    int label_max = w - 4 - INPUT_MIN_COLS;
    if (label_w > label_max)
        label_w = label_max > 4 ? label_max : 4;
    form_box(top, left, w, h, fs->title);
    int cursor_y = -1;
    size_t rows = h > 4 ? (size_t)(h - 4) : 0, first = form_first_shown(fs, rows);
    for (size_t i = first; i < fs->n && i - first < rows; i++) {
        int y = top + 1 + (int)(i - first), x = left + 2;
        form_field *f = &fs->fields[i];
        draw_text_cut(y, x, f->label, label_w - 2, i == fs->current ? A_BOLD : A_NORMAL);
        draw_text(y, x + label_w - 2, f->required ? "*" : " ", 1, A_NORMAL, false);
        if (i == fs->current)
            cursor_y = y;
        else
            draw_text_cut(y, x + label_w, f->value, w - label_w - 4, A_NORMAL);
    }
    char ok[32], prev[32], next[32], cancel[32], hint[160], short_hint[96];
    tui_key_for(app, KCTX_PROMPT, ACTION_PROMPT_CONFIRM, ok, sizeof ok);
    tui_key_for(app, KCTX_PROMPT, ACTION_HISTORY_PREV, prev, sizeof prev);
    tui_key_for(app, KCTX_PROMPT, ACTION_HISTORY_NEXT, next, sizeof next);
    tui_key_for(app, KCTX_PROMPT, ACTION_PROMPT_CANCEL, cancel, sizeof cancel);
    snprintf(hint, sizeof hint, "%s: next field  %s/%s: move  %s: cancel", ok, prev, next, cancel);
    snprintf(short_hint, sizeof short_hint, "%s: next  %s: cancel", ok, cancel);
    const char *say = error ? error : draw_width(hint) <= w - 4 ? hint : short_hint;
    draw_text_cut(top + h - 2, left + 2, say, w - 4,
                  error ? draw_attr(ROLE_ERROR) : draw_attr(ROLE_DIM));
    if (cursor_y >= 0)
        draw_edit_text(cursor_y, left + 2 + label_w, w - label_w - 4, ed, A_UNDERLINE);
}

/* Edits fields until the last one is confirmed (true) or Esc (false). */
static bool form_loop(tui_app *app, form_state *fs)
{
    for (;;) {
        form_field *f = &fs->fields[fs->current];
        lineedit ed;
        lineedit_init(&ed, f->value);
        edit_outcome r = edit_loop(app, f, &ed, form_overlay, fs);
        free(f->value);
        f->value = xstrdup(ed.text);
        lineedit_free(&ed);
        bool last = fs->current + 1 >= fs->n;
        if (r == EDIT_CANCEL)
            return false;
        if (r == EDIT_PREV && fs->current > 0)
            fs->current--;
        else if ((r == EDIT_NEXT || r == EDIT_CONFIRM) && !last)
            fs->current++;
        else if (r == EDIT_CONFIRM)
            return true;
    }
}

/* Fields skipped with Up/Down were not checked on the way: check them all. */
static size_t first_invalid(tui_app *app, form_field *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (tui_field_check(app, &fields[i], fields[i].value))
            return i;
        lineedit ed;
        lineedit_init(&ed, fields[i].value);
        normalize(app, &fields[i], &ed);
        free(fields[i].value);
        fields[i].value = xstrdup(ed.text);
        lineedit_free(&ed);
    }
    return n;
}

bool tui_form(tui_app *app, const char *title, form_field *fields, size_t n)
{
    form_state fs = {title, fields, n, 0};
    for (size_t i = 0; i < n; i++)
        fields[i].value = xstrdup(fields[i].initial ? fields[i].initial : "");
    bool done = false;
    while (form_loop(app, &fs)) {
        fs.current = first_invalid(app, fields, n);
        if ((done = fs.current == n))
            break;
    }
    curs_set(0);
    return done;
}

void tui_form_free(form_field *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(fields[i].value);
        fields[i].value = NULL;
    }
}

/* ---- checklists ---------------------------------------------------------- */

typedef struct {
    const char *title;
    const char *const *items;
    size_t n, current;
    bool *ticked;
} checklist_state;

static void checklist_overlay(tui_app *app, void *ud, lineedit *ed, const char *error)
{
    (void)ed, (void)error;
    checklist_state *cs = ud;
    int w = COLS - 4 < 76 ? COLS - 4 : 76, h = (int)cs->n + 4;
    if (COLS < 40)
        w = COLS;
    if (h > LINES)
        h = LINES;
    int top = (LINES - h) / 2, left = (COLS - w) / 2;
    form_box(top, left, w, h, cs->title);
    size_t rows = h > 4 ? (size_t)(h - 4) : 0;
    size_t first = rows && cs->current >= rows ? cs->current + 1 - rows : 0;
    for (size_t i = first; i < cs->n && i - first < rows; i++) {
        char *line = xasprintf("[%s] %zu. %s", cs->ticked[i] ? "x" : " ", i + 1, cs->items[i]);
        char *safe = draw_safe(line);
        draw_text_cut(top + 1 + (int)(i - first), left + 2, safe, w - 4,
                      i == cs->current ? A_REVERSE : A_NORMAL);
        free(safe);
        free(line);
    }
    char ok[32], cancel[32], hint[160];
    tui_key_for(app, KCTX_PROMPT, ACTION_PROMPT_CONFIRM, ok, sizeof ok);
    tui_key_for(app, KCTX_PROMPT, ACTION_PROMPT_CANCEL, cancel, sizeof cancel);
    snprintf(hint, sizeof hint, "Space/1-%zu: tick  %s: record ticked  %s: record none",
             cs->n < 9 ? cs->n : 9, ok, cancel);
    draw_text_cut(top + h - 2, left + 2, hint, w - 4, draw_attr(ROLE_DIM));
    curs_set(0);
}

bool tui_checklist(tui_app *app, const char *title, const char *const *items, size_t n,
                   bool *ticked)
{
    checklist_state cs = {title, items, n, 0, ticked};
    for (;;) {
        draw_with_overlay(app, checklist_overlay, &cs, NULL, NULL);
        tui_event ev;
        tui_next_event(app, KCTX_PROMPT, &ev);
        int key = ev.kind == EV_TEXT ? ev.key & ~KEYMAP_CHAR : -1;
        if (ev.kind == EV_EOF)
            app->quit = true;
        if (ev.kind == EV_EOF || (ev.kind == EV_ACTION && (ev.action == ACTION_PROMPT_CANCEL ||
                                                          ev.action == ACTION_BACK))) {
            memset(ticked, 0, n * sizeof *ticked);
            curs_set(0);
            return false;
        }
        if (ev.kind == EV_ACTION && ev.action == ACTION_PROMPT_CONFIRM)
            break;
        if (ev.kind == EV_ACTION && ev.action == ACTION_HISTORY_PREV && cs.current > 0)
            cs.current--;
        if (ev.kind == EV_ACTION && ev.action == ACTION_HISTORY_NEXT && cs.current + 1 < n)
            cs.current++;
        if (key == ' ')
            ticked[cs.current] = !ticked[cs.current];
        if (key >= '1' && key <= '9' && (size_t)(key - '1') < n) {
            cs.current = (size_t)(key - '1');
            ticked[cs.current] = !ticked[cs.current];
        }
    }
    curs_set(0);
    return true;
}
