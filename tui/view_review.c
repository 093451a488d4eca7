/* The daily review (`dealboard review`, or the review key on the board):
 * today's work one deal at a time, in review_queue order. The deal actions
 * are the board's (deal_actions.c: one commit each); after a change or a skip
 * the walk goes to the next deal and the position is saved under .git/, so a
 * review left with quit resumes the same day where it stopped. A change that
 * leaves the deal open is followed up before the deal goes: its next step
 * (dated), and in Define or later its status quo and insight. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/format.h"
#include "../pipeline/owner.h"
#include "../pipeline/review.h"
#include "../pipeline/review_session.h"
#include "../pipeline/rules.h"
#include "../pipeline/text.h"
#include "../pipeline/touches.h"
#include "../store/review_state.h"
#include "app.h"
#include "draw.h"
#include "references.h"
#include "tui.h"

#define LOG_SHOWN 4        /* newest log entries on a deal's screen */
#define FOOTER_ROWS 3      /* the message line and two rows of key hints */

typedef struct {
    review_session s;
    tui_full_deal full;    /* the deal on screen, whole (the board's are light) */
    owner_scope scope;     /* whose deals: strings borrowed from the app, or */
    char *scope_name;      /* the owner:NAME asked for (owned) */
    int scroll;            /* content lines scrolled off the top */
    int scroll_max;        /* as last drawn: how far it can scroll */
    int page;              /* as last drawn: content lines on screen */
    const char *question;  /* asked above the prompt, in the seller's words */
    tui_references refs;   /* the won deals whole, for the first-mover line */
} review_view;

/* The screen's content, line by line: line y of the content is drawn on
 * screen row top + y - skip when that falls in [top, bottom); lines outside
 * are only counted (y ends as the content's length), so that it scrolls. */
typedef struct {
    int y, skip, top, bottom;
} rows;

static bool row_visible(const rows *r)
{
    return r->y >= r->skip && r->top + r->y - r->skip < r->bottom;
}

static int screen_row(const rows *r)
{
    return r->top + r->y - r->skip;
}

static const char *or_dash(const char *s)
{
    return str_empty(s) ? "-" : s;
}

static const char *plural(long n)
{
    return n == 1 ? "" : "s";
}

static const char *dot(void)
{
    return text_locale_utf8() ? "·" : "-";
}

/* ---- drawing helpers ---------------------------------------------------- */

static const char *ellipsis(void)
{
    return text_locale_utf8() ? "…" : "...";
}

/* Text wrapped at spaces over at most max_rows rows; continuation rows
 * start at column `indent`. When the text goes on after the last row, that
 * row ends with an ellipsis. */
static void wrapped(rows *r, int x, int indent, attr_t attr, int max_rows, const char *text)
{
    char *safe = text_sanitize(text ? text : "", false);
    const char *p = safe;
    for (int k = 0; *p && k < max_rows; k++) {
        int x0 = k ? indent : x, w = COLS - x0, used = 0;
        size_t fit = text_fit(p, w, &used), len = strlen(p);
        bool last = k + 1 == max_rows;
        if (fit < len && !last) {
            size_t b = fit;
            while (b > 0 && p[b] != ' ')
                b--;
            fit = b > 0 ? b : fit;
        } else if (fit < len) {
            fit = text_fit(p, w - text_width(ellipsis()), &used);
        }
        if (row_visible(r)) {
            char *part = fit < len && last ? xasprintf("%.*s%s", (int)fit, p, ellipsis())
                                           : xstrndup(p, fit);
            draw_text(screen_row(r), x0, part, w, attr, false);
            free(part);
        }
        r->y++;
        p += fit;
        while (*p == ' ')
            p++;
    }
    free(safe);
}

/* One line of formatted text: wrapped over up to 3 rows, indented by 2 more. */
static void row(rows *r, int x, attr_t attr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void row(rows *r, int x, attr_t attr, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    text_trim_partial_utf8(text);
    wrapped(r, x, x + 2, attr, 3, *text ? text : " ");
}

static void blank_row(rows *r)
{
    r->y++;
}

/* The top bar: where the walk is; whose deals ("your deals", "team",
 * "owner: Anna") and the day on the right. */
static void draw_top(tui_app *app, const owner_scope *scope, const char *left)
{
    char day[DATE_LEN], whose[200], right[240];
    date_format(app->today, day);
    owner_scope_label(scope, whose, sizeof whose);
    snprintf(right, sizeof right, "%s %s %s", whose, dot(), day);
    text_trim_partial_utf8(right);
    attr_t attr = draw_attr(ROLE_STATUS);
    char *safe_left = text_sanitize(left, false), *safe = text_sanitize(right, false);
    int left_width = text_width(safe_left);
    /* Narrow: whose without the day; narrower still: the left text alone,
     * since running the two together would garble both. */
    if (left_width + 1 + text_width(safe) > COLS)
        snprintf(right, sizeof right, "%s", whose);
    free(safe);
    safe = text_sanitize(right, false);
    if (left_width + 1 + text_width(safe) > COLS)
        right[0] = '\0';
    free(safe_left);
    free(safe);
    draw_clear_row(0, 0, attr);
    draw_text_cut(0, 0, left, COLS, attr);
    draw_text_right(0, 0, right, COLS, attr);
}

/* ---- key hints, from the active keymap ---------------------------------- */

typedef struct {
    db_action a, b;        /* b: a second action sharing the hint (H/L) */
    const char *label;
} hint;

static const hint open_hints[] = {
    {ACTION_TOUCH, 0, "touch"},      {ACTION_NEXT_STEP, 0, "next step"},
    {ACTION_STAGE_PREV, ACTION_STAGE_NEXT, "stage"},
    {ACTION_STAGE_SET, 0, "choose stage"}, {ACTION_MOVE_ON, 0, "move on"},
    {ACTION_WON, 0, "won"},          {ACTION_LOST, 0, "lost"},
    {ACTION_SNOOZE, 0, "snooze"},    {0, 0, NULL}};

static const hint closed_hints[] = {
    {ACTION_REOPEN, 0, "reopen"}, {ACTION_TOUCH, 0, "touch"},
    {ACTION_MOVE_ON, 0, "move on (new revisit date)"}, {0, 0, NULL}};

static const hint walk_hints[] = {
    {ACTION_SKIP, 0, "skip"},     {ACTION_REVIEW_BACK, 0, "back"}, {ACTION_DETAIL, 0, "detail"},
    {ACTION_REVIEW_SCOPE, 0, "mine/team"},
    {ACTION_HELP, 0, "help"},     {ACTION_QUIT, 0, "quit"},        {0, 0, NULL}};

static const hint scope_hints[] = {{ACTION_REVIEW_SCOPE, 0, "mine/team"}, {0, 0, NULL}};

static const hint end_hints[] = {
    {ACTION_REVIEW_BACK, 0, "back to the last deal"}, {ACTION_BACK, 0, "close"},
    {ACTION_QUIT, 0, "quit"}, {0, 0, NULL}};

/* "t", or "H/L" for a pair; false when unbound. */
static bool hint_keys(const tui_app *app, const hint *h, char *buf, size_t size)
{
    char a[64], b[64];
    tui_key_for(app, KCTX_REVIEW, h->a, a, sizeof a);
    if (!*a)
        return false;
    if (h->b && *tui_key_for(app, KCTX_REVIEW, h->b, b, sizeof b))
        snprintf(buf, size, "%s/%s", a, b);
    else
        snprintf(buf, size, "%s", a);
    return true;
}

/* Lays out (and when draw, draws) one hint at *x of row *y, going to the
 * next row when it does not fit. False when it fits on no hint row: it is
 * left out whole rather than cut (the help screen has every key). */
static bool place_hint(const tui_app *app, const hint *h, int *y, int *x, bool draw)
{
    char keys[140];
    if (!hint_keys(app, h, keys, sizeof keys))
        return true;
    int w = text_width(keys) + 1 + text_width(h->label);
    if (*x > 0 && *x + w > COLS) {
        if (*y + 1 >= LINES)
            return false;
        (*y)++;
        *x = 0;
    }
    if (w > COLS)
        return false;
    if (draw) {
        draw_text(*y, *x, keys, COLS - *x, A_BOLD, false);
        draw_text(*y, *x + text_width(keys) + 1, h->label, COLS - *x, A_NORMAL, false);
    }
    *x += w + 2;
    return true;
}

/* Lays out the hints in order until one does not fit; true when all did. */
static bool place_hints(const tui_app *app, const hint *const *lists, size_t nlists, bool draw)
{
    int y = LINES - 2, x = 0;
    for (size_t i = 0; i < nlists; i++)
        for (const hint *h = lists[i]; h->label; h++)
            if (!place_hint(app, h, &y, &x, draw))
                return false;
    return true;
}

/* The key hints on the two bottom rows. When they do not all fit (a narrow
 * terminal), the last list (how to walk: skip, back, help) comes first. */
static void draw_hints(const tui_app *app, const hint *const *lists, size_t nlists)
{
    if (place_hints(app, lists, nlists, false) || nlists < 2) {
        place_hints(app, lists, nlists, true);
        return;
    }
    const hint *walk_first[4];
    walk_first[0] = lists[nlists - 1];
    for (size_t i = 0; i + 1 < nlists && i < 3; i++)
        walk_first[i + 1] = lists[i];
    place_hints(app, walk_first, nlists < 4 ? nlists : 4, true);
}

static void draw_message(const tui_app *app)
{
    attr_t attr = app->message_is_error ? draw_attr(ROLE_ERROR) : A_NORMAL;
    draw_text(LINES - FOOTER_ROWS, 0, app->message, COLS, attr, true);
}

/* ---- one deal ----------------------------------------------------------- */

static draw_role flag_role(flag_level level)
{
    return level == LEVEL_MOVE_ON ? ROLE_MOVE_ON : level == LEVEL_WATCH ? ROLE_WATCH : ROLE_HEADER;
}

static void draw_title(tui_app *app, rows *r, const deal *d, const flag_result *f)
{
    const pipeline_cfg *cfg = repo_config(app->repo);
    const stage_def *st = config_stage(cfg, d->stage);
    char money[MONEY_LEN];
    format_money(d->value, money);
    const char *mark = text_flag_mark(f->level);
    row(r, 0, draw_attr(flag_role(f->level)) | A_BOLD, "%s%s%s", mark, *mark ? " " : "",
        or_dash(d->title));
    const char *currency = d->currency ? d->currency : cfg->currency ? cfg->currency : "";
    row(r, 0, A_NORMAL, "%s %s %s %s %s %s, %d day%s in stage %s %s", or_dash(d->account), dot(),
        money, currency, dot(), st ? st->name : or_dash(d->stage), f->days_in_stage,
        plural(f->days_in_stage), dot(), or_dash(d->owner));
    if (!deal_is_open(d))
        row(r, 0, A_BOLD, "Status: %s", deal_status_name(d->status));
    row(r, 0, draw_attr(ROLE_DIM), "%s", d->id);
}

/* Why the deal is in today's review, as it stands now. */
static void draw_why(tui_app *app, rows *r, const deal *d, review_category cat,
                     const flag_result *f)
{
    if (f->level != LEVEL_NONE)
        row(r, 0, draw_attr(flag_role(f->level)) | A_BOLD, "Why: %s (score %d)",
            flag_level_label(f->level), f->score);
    else if (cat == REVIEW_MOVE_ON || cat == REVIEW_WATCH)
        row(r, 0, A_BOLD, "Why: %s; no longer flagged (score %d)", review_category_label(cat),
            f->score);
    else
        row(r, 0, A_BOLD, "Why: %s", review_category_label(cat));
    review_item item = {(deal *)d, cat, *f, 0};
    char text[1024] = "";
    if (cat == REVIEW_REVISIT && d->status == STATUS_MOVED_ON && d->revisit != DAY_NONE) {
        item.days = app->today - d->revisit;
        review_item_summary(&item, text, sizeof text);
        wrapped(r, 2, 4, A_NORMAL, 2, text);
    } else if (cat == REVIEW_STEP_DUE && deal_has_next_step(d) && d->next_due != DAY_NONE) {
        item.days = app->today - d->next_due;
        review_item_summary(&item, text, sizeof text);
        wrapped(r, 2, 4, A_NORMAL, 2, text);
    }
    for (int i = 0; i < f->nreasons; i++) {
        char *text = xasprintf("- %s", f->reasons[i].text);
        wrapped(r, 2, 4, A_NORMAL, 2, text);
        free(text);
    }
}

/* "overdue by 2 days (due 2026-11-18)", "due today", "due 2026-12-01", "no due
 * date": how the review says when something is due, and in which role. */
static draw_role due_words(const tui_app *app, db_day day, char *out, size_t size)
{
    if (day == DAY_NONE) {
        snprintf(out, size, "no due date");
        return ROLE_NORMAL;
    }
    char due[DATE_LEN];
    long late = (long)app->today - day;
    date_format(day, due);
    if (late > 0)
        snprintf(out, size, "overdue by %ld day%s (due %s)", late, plural(late), due);
    else
        snprintf(out, size, late == 0 ? "due today" : "due %s", due);
    return late > 0 ? ROLE_OVERDUE : late == 0 ? ROLE_TODAY : ROLE_NORMAL;
}

/* The shared plan's open steps, numbered as the detail view and `plan ID
 * done N` number them, the overdue ones marked; nothing without a plan. */
static void draw_plan(tui_app *app, rows *r, const deal *d)
{
    if (!d->nplan)
        return;
    size_t open = 0;
    for (size_t i = 0; i < d->nplan; i++)
        open += d->plan[i].done == DAY_NONE;
    /* The hint rows are full: the plan's keys are said here, where they act. */
    char add[32], tick[32], date[32];
    tui_key_for(app, KCTX_REVIEW, ACTION_PLAN_ADD, add, sizeof add);
    tui_key_for(app, KCTX_REVIEW, ACTION_PLAN_DONE, tick, sizeof tick);
    tui_key_for(app, KCTX_REVIEW, ACTION_PLAN_DUE, date, sizeof date);
    row(r, 0, A_BOLD, "Plan: %zu of %zu step%s open  (%s add, %s tick, %s date)", open, d->nplan,
        plural((long)d->nplan), or_dash(add), or_dash(tick), or_dash(date));
    for (size_t i = 0; i < d->nplan; i++) {
        const plan_entry *p = &d->plan[i];
        if (p->done != DAY_NONE)
            continue;
        char when[96];
        draw_role role = due_words(app, p->due, when, sizeof when);
        char *text = xasprintf("%zu %-5s %s %s %s", i + 1, plan_owner_name(p->owner),
                               or_dash(p->text), dot(), when);
        wrapped(r, 2, 10, draw_attr(role), 2, text);
        free(text);
    }
}

static void draw_next_step(tui_app *app, rows *r, const deal *d)
{
    if (!deal_has_next_step(d)) {
        row(r, 0, draw_attr(ROLE_DIM), "Next step:  none");
        return;
    }
    char state[96];
    draw_role role = due_words(app, d->next_due, state, sizeof state);
    char *text = xasprintf("Next step:  %s %s %s", d->next_text, dot(), state);
    wrapped(r, 0, 12, draw_attr(role), 2, text);
    free(text);
}

static void draw_log(rows *r, const tui_full_deal *full)
{
    const deal *d = &full->d;
    if (!d->nlog)
        return;
    row(r, 0, A_BOLD, "Recent log");
    for (size_t i = d->nlog, k = 0; i-- > 0 && k < LOG_SHOWN; k++) {
        const log_entry *e = &d->log[i];
        char *text = xasprintf("%.10s %s %s: %s", e->at ? e->at : "", or_dash(e->by),
                               or_dash(log_entry_kind_label(e)), or_dash(e->text));
        wrapped(r, 2, 4, A_NORMAL, 2, text);
        free(text);
    }
}

/* "touched, moved stage" for a deal handled earlier in this sitting. */
static void draw_handled(rows *r, unsigned bits)
{
    if (!bits)
        return;
    strbuf sb = {0};
    sb_puts(&sb, "");
    for (int o = 0; o < OUTCOME_COUNT; o++)
        if (bits & (1u << o))
            sb_printf(&sb, "%s%s", sb.len ? ", " : "", review_outcome_label((review_outcome)o));
    row(r, 0, draw_attr(ROLE_DIM), "Already handled today: %s", sb.data);
    sb_free(&sb);
}

/* ---- scrolling ---------------------------------------------------------- */

/* The content between the top bar and the footer, drawn through rows. */
typedef void (*body_fn)(tui_app *app, review_view *rv, const review_stop *stop, rows *r);

/* "-- more below: PgDn --": the last content row, when the content goes on. */
static void draw_more(const tui_app *app, int y, bool above, bool below)
{
    char down[32], up[32], text[128];
    tui_key_for(app, KCTX_REVIEW, ACTION_PAGE_DOWN, down, sizeof down);
    tui_key_for(app, KCTX_REVIEW, ACTION_PAGE_UP, up, sizeof up);
    if (above && below)
        snprintf(text, sizeof text, "-- more: %s down, %s up --", down, up);
    else if (below)
        snprintf(text, sizeof text, "-- more below: %s --", down);
    else
        snprintf(text, sizeof text, "-- end: %s goes back up --", up);
    draw_text(y, 0, text, COLS, draw_attr(ROLE_DIM), false);
}

/* The question being asked (rv->question), wrapped on the rows that end on
 * the message line; returns how many rows it takes (0: none asked). */
static int draw_question(const review_view *rv, bool draw)
{
    if (!rv->question)
        return 0;
    rows m = {0, 1 << 20, 0, 0};
    wrapped(&m, 0, 0, A_BOLD, 3, rv->question);
    if (draw) {
        rows r = {0, 0, LINES - FOOTER_ROWS - m.y + 1, LINES - FOOTER_ROWS + 1};
        wrapped(&r, 0, 0, A_BOLD, 3, rv->question);
    }
    return m.y;
}

/* Draws body scrolled to rv->scroll (kept in range); when it does not fit,
 * its last row says how to see the rest. A small screen spares the blank
 * row under the top bar. */
static void draw_scrolled(tui_app *app, review_view *rv, const review_stop *stop, body_fn body)
{
    int top = LINES < 16 ? 1 : 2, question = draw_question(rv, false);
    int bottom = LINES - FOOTER_ROWS - (question ? question - 1 : 0);
    rows measure = {0, 1 << 20, top, bottom};       /* skips everything: counts */
    body(app, rv, stop, &measure);
    int total = measure.y, page = bottom - top;
    bool more = total > page;
    if (more)
        page--;
    if (page < 1)
        page = 1;
    rv->page = page;
    rv->scroll_max = total > page ? total - page : 0;
    if (rv->scroll > rv->scroll_max)
        rv->scroll = rv->scroll_max;
    rows r = {0, rv->scroll, top, top + page};
    body(app, rv, stop, &r);
    if (more)
        draw_more(app, top + page, rv->scroll > 0, rv->scroll < rv->scroll_max);
    draw_question(rv, true);
}

/* ---- one deal, drawn ------------------------------------------------------ */

/* A buyer not comfortable being first (SPEC §9): said, with the references
 * to offer, whatever brought the deal into the review. */
static void draw_first_mover(tui_app *app, review_view *rv, rows *r, const deal *d)
{
    char *words = tui_first_mover_words(app, &rv->refs, d);
    if (words)
        wrapped(r, 0, 2, draw_attr(ROLE_WATCH), 3, words);
    free(words);
}

static void body_deal(tui_app *app, review_view *rv, const review_stop *stop, rows *r)
{
    if (!tui_full_deal_load(app, &rv->full, stop->id)) {
        row(r, 0, draw_attr(ROLE_ERROR), "%s", rv->full.why);
        return;
    }
    const deal *d = &rv->full.d;
    flag_result f;
    rules_evaluate(repo_config(app->repo), d, app->today, &f);
    draw_title(app, r, d, &f);
    draw_handled(r, review_state_outcomes(&rv->s.state, d->id));
    blank_row(r);
    draw_why(app, r, d, stop->category, &f);
    draw_first_mover(app, rv, r, d);
    blank_row(r);
    char *sq = xasprintf("Status quo: %s", or_dash(d->status_quo));
    char *in = xasprintf("Insight:    %s", or_dash(d->insight));
    wrapped(r, 0, 12, A_NORMAL, 3, sq);
    wrapped(r, 0, 12, A_NORMAL, 3, in);
    free(sq);
    free(in);
    draw_next_step(app, r, d);
    draw_plan(app, r, d);
    blank_row(r);
    draw_log(r, &rv->full);
}

static void draw_deal(tui_app *app, review_view *rv, const review_stop *stop)
{
    char top[160];
    snprintf(top, sizeof top, " Daily review %s %zu of %zu %s %s", dot(),
             review_session_number(&rv->s), review_session_total(&rv->s), dot(),
             review_category_label(stop->category));
    draw_top(app, &rv->scope, top);
    draw_scrolled(app, rv, stop, body_deal);
    const hint *const walk[] = {walk_hints};
    if (!tui_full_deal_load(app, &rv->full, stop->id)) {
        draw_hints(app, walk, 1);
        return;
    }
    const hint *const lists[] = {deal_is_open(&rv->full.d) ? open_hints : closed_hints,
                                 walk_hints};
    draw_hints(app, lists, 2);
}

/* ---- the end ------------------------------------------------------------ */

/* The deals handled today that are still open without a dated next step
 * (review_missing_step), each with what it lacks; returns how many. */
static int list_without_step(tui_app *app, review_view *rv, rows *r, bool draw)
{
    int n = 0;
    for (size_t i = 0; i < rv->s.state.ndone; i++) {
        const deal *d = tui_find_deal(app, rv->s.state.done[i].id);
        const char *missing = d ? review_missing_step(d, app->today) : NULL;
        if (!missing)
            continue;
        n++;
        if (draw)
            row(r, 2, A_NORMAL, "- %s %s", or_dash(d->title), missing);
    }
    return n;
}

static void body_summary(tui_app *app, review_view *rv, const review_stop *stop, rows *r)
{
    (void)stop;
    review_summary sum;
    review_state_summary(&rv->s.state, &sum);
    if (sum.reviewed == 0 && rv->s.n == 0) {
        row(r, 0, draw_attr(ROLE_HEADER) | A_BOLD, "Nothing to review today");
        blank_row(r);
        wrapped(r, 0, 0, A_NORMAL, 4,
                "No deal is due for a revisit, flagged \"move on?\" or \"watch\", or has a "
                "next step due. Enjoy the day.");
        return;
    }
    row(r, 0, draw_attr(ROLE_HEADER) | A_BOLD, "Today's review is done");
    blank_row(r);
    row(r, 2, A_NORMAL, "%-16s %d", "reviewed", sum.reviewed);
    for (int o = 0; o < OUTCOME_COUNT; o++)
        row(r, 2, A_NORMAL, "%-16s %d", review_outcome_label((review_outcome)o), sum.count[o]);
    blank_row(r);
    int left = list_without_step(app, rv, r, false);
    if (!left) {
        row(r, 0, A_NORMAL, "Every open deal you reviewed has a dated next step.");
        return;
    }
    row(r, 0, draw_attr(ROLE_WATCH) | A_BOLD, "Left without a dated next step: %d", left);
    list_without_step(app, rv, r, true);
}

static void draw_summary(tui_app *app, review_view *rv)
{
    review_summary sum;
    review_state_summary(&rv->s.state, &sum);
    draw_top(app, &rv->scope,
             sum.reviewed == 0 && rv->s.n == 0 ? " Daily review" : " Daily review - done");
    draw_scrolled(app, rv, NULL, body_summary);
    const hint *const lists[] = {rv->s.n ? end_hints : end_hints + 1, scope_hints};
    draw_hints(app, lists, 2);
}

static void review_draw(tui_app *app, tui_view *v)
{
    review_view *rv = v->data;
    erase();
    const review_stop *stop = review_session_current(&rv->s);
    if (stop)
        draw_deal(app, rv, stop);
    else
        draw_summary(app, rv);
    if (!rv->question)
        draw_message(app);
}

/* ---- actions ------------------------------------------------------------ */

/* What a committed change means for the summary: the action table's review
 * outcome column (keymaps/actions.h); -1 (NONE) when it does not end the
 * deal's turn (a note, an edit, undo, sync). */
enum { OUTCOME_NONE = -1 };
#define OUTCOME_OF_(suffix, name, props, outcome, help) [ACTION_##suffix] = OUTCOME_##outcome,
static const int action_outcome[ACTION_COUNT] = {[ACTION_NONE] = OUTCOME_NONE,
                                                 DB_ACTIONS(OUTCOME_OF_)};
#undef OUTCOME_OF_

static int outcome_of(db_action a)
{
    return (int)a >= 0 && a < ACTION_COUNT ? action_outcome[a] : OUTCOME_NONE;
}

static void save_position(tui_app *app, review_view *rv)
{
    db_err err = {0};
    if (repo_review_state_save(app->repo, &rv->s.state, &err))
        tui_message(app, true, "review position not saved: %s", err.msg);
}

/* Records the deal on screen as handled, saves the position, goes on. */
static void record(tui_app *app, review_view *rv, review_outcome o)
{
    review_session_act(&rv->s, o);
    save_position(app, rv);
}

/* Records what was done to deal id, which stays on screen. */
static void note_outcome(tui_app *app, review_view *rv, const char *id, review_outcome o)
{
    review_state_record(&rv->s.state, id, o);
    save_position(app, rv);
}

static bool head_moved(tui_app *app, const char *before)
{
    char after[41] = "";
    repo_head(app->repo, after);
    return strcmp(before, after) != 0;
}

/* The deal actions of deal_actions.c; `p` here needs a due date. */
static bool run_action(tui_app *app, db_action a, const char *id)
{
    if (a != ACTION_NEXT_STEP)
        return tui_deal_action(app, a, id);
    if (!tui_refuse_during_sync(app))
        tui_plan_next_step(app, id, true);
    return true;
}

/* ---- following a change up ---------------------------------------------- */

static const char *const status_quo_question =
    "What does the buyer do today, and why do they feel safe?";
static const char *const insight_question = "What should keep them awake at night?";

/* One question above the prompt; a non-blank answer is saved (one commit,
 * as `dealboard set`), an empty one or Esc skips it. */
static void ask_field(tui_app *app, review_view *rv, const char *id, const char *field,
                      const char *label, const char *question)
{
    char *answer = NULL;
    rv->question = question;
    if (tui_prompt(app, label, FIELD_TEXT, NULL, NULL, &answer) && answer[strspn(answer, " \t")])
        tui_set_field(app, id, field, answer);
    rv->question = NULL;
    free(answer);
}

/* From Define on (where the no-why-change rule looks), a deal without the
 * buyer's status quo or the insight is asked for them in words. */
static void ask_why_change(tui_app *app, review_view *rv, const char *id)
{
    const pipeline_cfg *cfg = repo_config(app->repo);
    const deal *d = tui_find_deal(app, id);
    int define = config_stage_index(cfg, "define");
    if (!d || !deal_is_open(d) || !cfg->rules[RULE_NO_WHY_CHANGE].enabled || define < 0 ||
        config_stage_index(cfg, d->stage) < define ||
        (d->snooze_until != DAY_NONE && app->today < d->snooze_until))
        return;
    if (!deal_has_status_quo(d))
        ask_field(app, rv, id, "status_quo", "Status quo: ", status_quo_question);
    d = tui_find_deal(app, id);
    if (d && !app->quit && !deal_has_insight(d))
        ask_field(app, rv, id, "insight", "Insight: ", insight_question);
}

/* After a touch (always) or a change that left an open deal without a dated
 * next step: the next-step form. False when the deal must stay (cancelled,
 * or still without a dated step). */
static bool plan_step(tui_app *app, review_view *rv, review_outcome o, const char *id)
{
    char before[41] = "", plan[32];
    repo_head(app->repo, before);
    tui_key_for(app, KCTX_REVIEW, ACTION_NEXT_STEP, plan, sizeof plan);
    if (!tui_plan_next_step(app, id, true)) {
        const deal *d = tui_find_deal(app, id);
        const char *missing = d ? review_missing_step(d, app->today) : NULL;
        if (missing)
            tui_message(app, false, "%s; %s %s: %s plans one", review_outcome_label(o),
                        d->title ? d->title : id, missing, plan);
        else
            tui_message(app, false, "%s; the next step stays as it was", review_outcome_label(o));
        return false;
    }
    if (head_moved(app, before))
        note_outcome(app, rv, id, OUTCOME_NEXT_STEP);
    const deal *d = tui_find_deal(app, id);
    return !d || !review_missing_step(d, app->today);   /* refused: its message shows */
}

/* What a deal still needs after change `a` before it goes; true when it
 * may go. A moved-on deal touched without a new revisit date stays due. */
static bool follow_up(tui_app *app, review_view *rv, db_action a, review_outcome o,
                      const char *id)
{
    const deal *d = tui_find_deal(app, id);
    if (!d || app->quit)
        return !d;
    if (d->status == STATUS_MOVED_ON && d->revisit != DAY_NONE && d->revisit <= app->today)
        return false;
    if (deal_is_open(d) && (a == ACTION_TOUCH || a == ACTION_TOUCH_IN || review_missing_step(d, app->today)) &&
        !plan_step(app, rv, o, id))
        return false;
    ask_why_change(app, rv, id);
    return !app->quit;
}

/* A deal action; when it committed (HEAD moved), the deal is handled, and
 * goes once followed up. Cancelled prompts and refused changes stay here. */
static void act(tui_app *app, review_view *rv, db_action a, const char *id)
{
    char before[41] = "";
    repo_head(app->repo, before);
    int o = outcome_of(a);
    if (!run_action(app, a, id) || o < 0 || !head_moved(app, before))
        return;
    note_outcome(app, rv, id, (review_outcome)o);
    if (follow_up(app, rv, a, (review_outcome)o, id))
        record(app, rv, (review_outcome)o);
}

/* Skipping never blocks the seller, but a deal left without a dated next
 * step says so. */
static void skip(tui_app *app, review_view *rv, const char *id)
{
    const deal *d = tui_find_deal(app, id);
    const char *missing = d ? review_missing_step(d, app->today) : NULL;
    char back[32], plan[32];
    tui_key_for(app, KCTX_REVIEW, ACTION_REVIEW_BACK, back, sizeof back);
    tui_key_for(app, KCTX_REVIEW, ACTION_NEXT_STEP, plan, sizeof plan);
    if (missing)
        tui_message(app, false, "skipped %s: it %s (%s goes back, %s plans one)",
                    d->title ? d->title : id, missing, back, plan);
    else
        tui_message(app, false, "skipped %s", id);
    record(app, rv, OUTCOME_SKIPPED);
}

/* Scroll keys move the content; true when a was one. */
static bool scroll_content(review_view *rv, db_action a)
{
    int by = rv->page > 2 ? rv->page - 1 : 1;
    switch (a) {
    case ACTION_PAGE_DOWN: rv->scroll += by; break;
    case ACTION_PAGE_UP: rv->scroll -= by; break;
    case ACTION_MOVE_DOWN: rv->scroll++; break;
    case ACTION_MOVE_UP: rv->scroll--; break;
    default: return false;
    }
    if (rv->scroll > rv->scroll_max)
        rv->scroll = rv->scroll_max;
    if (rv->scroll < 0)
        rv->scroll = 0;
    return true;
}

static void switch_scope(tui_app *app, review_view *rv);

static bool review_handle(tui_app *app, tui_view *v, db_action a)
{
    review_view *rv = v->data;
    const review_stop *cur = review_session_current(&rv->s);
    char *id = cur ? xstrdup(cur->id) : NULL;
    size_t pos = rv->s.pos;
    bool open = true;
    if (a == ACTION_BACK)
        open = false;
    else if (a == ACTION_REVIEW_SCOPE)
        switch_scope(app, rv);
    else if (scroll_content(rv, a))
        ;
    else if (a == ACTION_REVIEW_BACK) {
        if (!review_session_back(&rv->s))
            tui_message(app, false, "this is the first deal of this review");
    } else if (!id)
        ;                                   /* the summary: nothing to act on */
    else if (a == ACTION_SKIP)
        skip(app, rv, id);
    else if (a == ACTION_DETAIL)
        tui_detail_view(app, id);
    else
        act(app, rv, a, id);
    if (rv->s.pos != pos)
        rv->scroll = 0;                     /* a new deal starts at its top */
    free(id);
    return open;
}

/* Today's queue of the scope's deals, minus those handled earlier today. */
static void start(tui_app *app, review_view *rv)
{
    review_state state;
    repo_review_state_load(app->repo, app->today, &state);
    deal **theirs = xcalloc(app->deals.count + 1, sizeof *theirs);
    size_t ntheirs = 0;
    for (size_t i = 0; i < app->deals.count; i++)
        if (owner_scope_keeps(&rv->scope, app->deals.items[i]))
            theirs[ntheirs++] = app->deals.items[i];
    review_item *items = xcalloc(ntheirs + 1, sizeof *items);
    size_t n = review_queue(repo_config(app->repo), theirs, ntheirs, app->today, items);
    review_session_start(&rv->s, items, n, &state);
    free(items);
    free(theirs);
    if (rv->s.before && rv->s.n)
        tui_message(app, false, "resuming today's review: %zu deal%s already handled",
                    rv->s.before, plural((long)rv->s.before));
}

static owner_scope my_scope(const tui_app *app)
{
    return (owner_scope){OWNER_MINE, NULL, {app->me_name, app->me_email}};
}

/* Whose deals the review opens with: as asked (dealboard review --mine,
 * --owner), else the board's mine/owner:NAME filter, else the user's own;
 * the team's when git has no identity to tell them by. */
static void pick_scope(tui_app *app, review_view *rv, const owner_scope *asked)
{
    owner_scope scope;
    if (asked)
        scope = *asked;
    else if (!board_owner_scope(app->board, &scope))
        scope = my_scope(app);
    if (scope.kind == OWNER_MINE && !owner_identity_known(&scope.me)) {
        scope = (owner_scope){OWNER_ALL, NULL, {NULL, NULL}};
        if (!asked)
            tui_message(app, false, "reviewing the team's deals: set your git user.name or "
                                    "user.email to review your own");
    }
    if (scope.kind == OWNER_NAMED)
        scope.name = rv->scope_name = xstrdup(scope.name);
    rv->scope = scope;
}

/* The scope key: the whole team's deals, or back to the user's own. */
static void switch_scope(tui_app *app, review_view *rv)
{
    owner_scope next = {OWNER_ALL, NULL, {NULL, NULL}};
    if (rv->scope.kind == OWNER_ALL) {
        next = my_scope(app);
        if (!owner_identity_known(&next.me)) {
            tui_message(app, true, "no git identity to tell your deals by: set it with git "
                                   "config --global user.name \"Your Name\" (and user.email)");
            return;
        }
    }
    rv->scope = next;
    review_session_free(&rv->s);
    start(app, rv);
    char whose[200];
    owner_scope_label(&rv->scope, whose, sizeof whose);
    tui_message(app, false, "reviewing %s: %zu deal%s left today",
                rv->scope.kind == OWNER_ALL ? "the team's deals" : whose, rv->s.n - rv->s.pos,
                plural((long)(rv->s.n - rv->s.pos)));
}

void tui_review_view(tui_app *app, const owner_scope *scope)
{
    review_view rv;
    memset(&rv, 0, sizeof rv);
    pick_scope(app, &rv, scope);
    start(app, &rv);
    tui_view v = {KCTX_REVIEW, review_draw, review_handle, NULL, &rv};
    tui_run_view(app, &v);
    tui_full_deal_free(&rv.full);
    tui_references_free(&rv.refs);
    review_session_free(&rv.s);
    free(rv.scope_name);
}

