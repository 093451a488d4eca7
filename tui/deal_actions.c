/* What the keys do to a deal. Every change goes through pipeline/edit.h and
 * the store and is exactly one commit, the same as from the command line. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/deal_fields.h"
#include "../pipeline/format.h"
#include "../pipeline/text.h"
#include "../store/deal_txn.h"
#include "../store/sync.h"
#include "app.h"
#include "editor.h"

/* ---- asking for input --------------------------------------------------- */

static db_day parse_day(const tui_app *app, const char *text)
{
    db_day day = DAY_NONE;
    if (!str_empty(text))
        edit_parse_date(text, app->today, &day);
    return day;
}

/* Leaving a stage forward whose exit outcomes pipeline.json lists: which
 * were seen ("1,3"; NULL: none ticked, or Esc). The move is made either way. */
static char *ask_exit_seen(tui_app *app, const char *id)
{
    const pipeline_cfg *cfg = repo_config(app->repo);
    const deal *d = tui_find_deal(app, id);
    int from = d ? config_stage_index(cfg, d->stage) : -1;
    if (from < 0 || from + 1 >= (int)cfg->nstages || !cfg->stages[from].nexits ||
        !deal_is_open(d))
        return NULL;
    const stage_def *s = &cfg->stages[from];
    bool *ticked = xcalloc(s->nexits, sizeof *ticked);
    char *title = xasprintf("Leaving %s: what did the buyer show?", s->name);
    strbuf seen = {0};
    if (tui_checklist(app, title, (const char *const *)s->exits, s->nexits, ticked))
        for (size_t i = 0; i < s->nexits; i++)
            if (ticked[i])
                sb_printf(&seen, "%s%zu", seen.data ? "," : "", i + 1);
    free(title);
    free(ticked);
    return seen.data;
}

static void step(tui_app *app, const char *id, int direction)
{
    char *seen = direction > 0 ? ask_exit_seen(app, id) : NULL;
    tui_commit_change(app, id,
                      (edit_op){.kind = EDIT_OP_STEP, .direction = direction, .seen = seen});
    free(seen);
}

/* A moved-on deal touched on (or after) its revisit day stays due, and would
 * come back to the review every day: ask when to look at it again. */
static void ask_revisit(tui_app *app, const char *id)
{
    const deal *d = tui_find_deal(app, id);
    if (!d || d->status != STATUS_MOVED_ON || d->revisit == DAY_NONE || d->revisit > app->today)
        return;
    char again[DATE_LEN];
    date_format(app->today + EDIT_REVISIT_AGAIN_DAYS, again);
    char *text = NULL;
    if (tui_prompt(app, "Revisit again on: ", FIELD_DATE, again, NULL, &text)) {
        tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_REVISIT, .day = parse_day(app, text)});
    } else {
        tui_message(app, false, "touched; no new revisit date: the deal stays due for review");
    }
    free(text);
}

/* inbound: the buyer reached us (touch-in). */
static void touch(tui_app *app, const char *id, bool inbound)
{
    char *note = NULL;
    bool asked = tui_prompt(app,
                            inbound ? "Touch from the buyer: what happened (optional): "
                                    : "Touch: what happened (optional): ",
                            FIELD_TEXT, NULL, NULL, &note);
    edit_op op = {.kind = EDIT_OP_TOUCH, .text = str_empty(note) ? NULL : note,
                  .inbound = inbound};
    if (asked && tui_commit_change(app, id, op))
        ask_revisit(app, id);
    free(note);
}

static void note(tui_app *app, const char *id)
{
    char *text = NULL;
    if (tui_prompt(app, "Note: ", FIELD_TEXT, NULL, NULL, &text) && *text)
        tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_NOTE, .text = text});
    free(text);
}

/* The form pre-filled with the current step. With due_required (the
 * review), a due date is needed, and a passed one is not offered again. */
bool tui_plan_next_step(tui_app *app, const char *id, bool due_required)
{
    const deal *d = tui_find_deal(app, id);   /* light: the next step is there */
    char due[DATE_LEN] = "";
    if (d && d->next_due != DAY_NONE && !(due_required && d->next_due < app->today))
        date_format(d->next_due, due);
    form_field f[] = {{"Next step", FIELD_TEXT, true, NULL, d ? d->next_text : NULL, NULL},
                      {"Due", FIELD_DATE, due_required, NULL, due, NULL}};
    bool confirmed = tui_form(app, "Plan the next step", f, 2);
    if (confirmed) {
        edit_op next = {.kind = EDIT_OP_NEXT, .text = f[0].value,
                        .day = parse_day(app, f[1].value)};
        d = tui_find_deal(app, id);
        if (d && str_eq(d->next_text, next.text) && d->next_due == next.day)
            tui_message(app, false, "the next step stays: %s", next.text);  /* no empty commit */
        else if (due_required && next.day < app->today)
            tui_message(app, true, "due %s has passed: plan the next step from today on",
                        f[1].value);
        else
            tui_commit_change(app, id, next);
    }
    tui_form_free(f, 2);
    return confirmed;
}

static void next_step(tui_app *app, const char *id)
{
    tui_plan_next_step(app, id, false);
}

/* ---- the shared plan (SPEC §9) ----------------------------------------- */

static const char *const plan_owners[] = {"buyer", "us", NULL};

/* P: the step's text, whose it is, and an optional due date, as one form. */
static void plan_add(tui_app *app, const char *id)
{
    form_field f[] = {{"Step", FIELD_TEXT, true, NULL, NULL, NULL},
                      {"Whose (buyer/us)", FIELD_CHOICE, true, plan_owners, "buyer", NULL},
                      {"Due", FIELD_DATE, false, NULL, NULL, NULL}};
    if (tui_form(app, "Add a step to the plan", f, 3)) {
        tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_PLAN_ADD, .text = f[0].value,
                                             .owner = str_eq(f[1].value, "us") ? PLAN_US
                                                             : PLAN_BUYER,
                                             .day = parse_day(app, f[2].value)});
    }
    tui_form_free(f, 3);
}

/* The number (as the detail view lists it) of the first step not done:
 * what the step field offers. False, with a message saying how to start
 * one, when the deal has no plan (the board's deals are light: it is read). */
static bool first_open_step(tui_app *app, const char *id, char number[24])
{
    tui_full_deal full = {0};
    if (!tui_full_deal_load(app, &full, id)) {
        tui_message(app, true, "%s", full.why);
        return false;
    }
    size_t n = full.d.nplan, open = 0;
    while (open < n && full.d.plan[open].done != DAY_NONE)
        open++;
    tui_full_deal_free(&full);
    char add[32];
    if (!n)
        tui_message(app, false, "no plan yet: %s adds a step",
                    tui_key_for(app, KCTX_DETAIL, ACTION_PLAN_ADD, add, sizeof add));
    snprintf(number, 24, "%zu", open < n ? open + 1 : n);
    return n > 0;
}

/* X: which step (the first open one offered), and what showed it done. */
static void plan_done(tui_app *app, const char *id)
{
    char number[24];
    if (!first_open_step(app, id, number))
        return;
    form_field f[] = {{"Step number", FIELD_TEXT, true, NULL, number, NULL},
                      {"Evidence", FIELD_TEXT, false, NULL, NULL, NULL}};
    if (tui_form(app, "Tick a plan step done", f, 2)) {
        tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_PLAN_DONE, .step = f[0].value,
                                             .text = str_empty(f[1].value) ? NULL : f[1].value});
    }
    tui_form_free(f, 2);
}

/* d: which step, and its new due date (empty: none). */
static void plan_due(tui_app *app, const char *id)
{
    char number[24];
    if (!first_open_step(app, id, number))
        return;
    form_field f[] = {{"Step number", FIELD_TEXT, true, NULL, number, NULL},
                      {"Due (empty: none)", FIELD_DATE, false, NULL, NULL, NULL}};
    if (tui_form(app, "Date a plan step", f, 2)) {
        tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_PLAN_DUE, .step = f[0].value,
                                             .day = parse_day(app, f[1].value)});
    }
    tui_form_free(f, 2);
}

bool tui_set_field(tui_app *app, const char *id, const char *field, const char *value)
{
    return tui_commit_change(app, id,
                             (edit_op){.kind = EDIT_OP_SET, .field = field, .text = value});
}

/* ---- one-key confirmations ---------------------------------------------- */

/* The deal's currency: its own, else the pipeline's. */
static const char *currency_of(const tui_app *app, const deal *d)
{
    const char *pipeline = repo_config(app->repo)->currency;
    return !str_empty(d->currency) ? d->currency : pipeline ? pipeline : "";
}

/* "'Acme rollout' (120,000 EUR)": how a question names a deal. A long title
 * is cut so that the rest of the question stays on the line. */
static char *deal_words(const tui_app *app, const deal *d)
{
    char *title = text_sanitize(d->title ? d->title : d->id, false), money[MONEY_LEN];
    int used;
    size_t fit = text_fit(title, 36, &used);
    bool cut = title[fit] != '\0';
    title[fit] = '\0';
    format_money(d->value, money);
    char *words = xasprintf("'%s%s' (%s %s)", title, cut ? (text_locale_utf8() ? "…" : "...") : "",
                            money, currency_of(app, d));
    free(title);
    return words;
}

/* w, x and o end a deal: one stray key in a burst of typing ("wow, great
 * call" closed a deal as won) must not. Asks y/n naming the deal. */
static bool confirm_closing(tui_app *app, const char *id, deal_status status)
{
    const deal *d = tui_find_deal(app, id);
    if (!d) {
        tui_message(app, true, "%s: the deal is gone (deleted or undone)", id);
        return false;
    }
    char *words = deal_words(app, d);
    char *question = status == STATUS_MOVED_ON ? xasprintf("Move on from %s?", words)
                                               : xasprintf("Mark %s as %s?", words,
                                                           deal_status_name(status));
    bool yes = tui_confirm(app, question);
    if (!yes)
        tui_message(app, false, "not %s: nothing changed",
                    status == STATUS_MOVED_ON ? "moved on" : deal_status_name(status));
    free(question);
    free(words);
    return yes;
}

/* A value ten times larger or smaller than before is more often a slip (a
 * pre-fill typed onto) than news: both are said before saving. */
static bool confirm_value(tui_app *app, const deal *d, const char *typed)
{
    int64_t after;
    if (!edit_parse_value(typed, &after) || !edit_value_jump(d->value, after))
        return true;
    char was[MONEY_LEN], now[MONEY_LEN], ratio[MONEY_LEN], how[64];
    format_money(d->value, was);
    format_money(after, now);
    if (after == 0)
        snprintf(how, sizeof how, "to zero");
    else if (after > d->value) {
        format_money(after / d->value, ratio);
        snprintf(how, sizeof how, "%s times as much", ratio);
    } else {
        format_money(d->value / after, ratio);
        snprintf(how, sizeof how, "1/%s of it", ratio);
    }
    char *question = xasprintf("Change the value from %s to %s %s (%s)?", was, now,
                               currency_of(app, d), how);
    bool yes = tui_confirm(app, question);
    if (!yes)
        tui_message(app, false, "value not changed: still %s %s", was, currency_of(app, d));
    free(question);
    return yes;
}

static void close_deal(tui_app *app, const char *id, deal_status status)
{
    if (!confirm_closing(app, id, status))
        return;
    char *reason = NULL;
    const char *label = status == STATUS_WON ? "Won! Why (optional): " : "Lost. Why (optional): ";
    if (tui_prompt(app, label, FIELD_TEXT, NULL, NULL, &reason)) {
        tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_CLOSE, .status = status,
                                             .text = str_empty(reason) ? NULL : reason});
    }
    free(reason);
}

/* R brings a closed deal back to the board; asked first like w, x and o
 * (a stray R in a burst of typing must not reopen a deal). */
static void reopen(tui_app *app, const char *id)
{
    const deal *d = tui_find_deal(app, id);
    if (!d) {
        tui_message(app, true, "%s: the deal is gone (deleted or undone)", id);
        return;
    }
    char *words = deal_words(app, d);
    if (deal_is_open(d)) {
        tui_message(app, true, "%s is already open", words);
        free(words);
        return;
    }
    const char *was = d->status == STATUS_MOVED_ON ? "moved on" : deal_status_name(d->status);
    char *question = xasprintf("Reopen %s (%s)?", words, was);
    if (tui_confirm(app, question))
        tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_REOPEN});
    else
        tui_message(app, false, "not reopened: nothing changed");
    free(question);
    free(words);
}

static void move_on(tui_app *app, const char *id)
{
    if (!confirm_closing(app, id, STATUS_MOVED_ON))
        return;
    form_field f[] = {{"Reason", FIELD_TEXT, true, NULL, NULL, NULL},
                      {"Revisit on", FIELD_DATE, false, NULL, NULL, NULL}};
    if (tui_form(app, "Move on from the deal", f, 2)) {
        tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_MOVE_ON, .text = f[0].value,
                                             .day = parse_day(app, f[1].value)});
    }
    tui_form_free(f, 2);
}

static void snooze(tui_app *app, const char *id)
{
    form_field f[] = {{"Until", FIELD_DATE, true, NULL, NULL, NULL},
                      {"Reason", FIELD_TEXT, false, NULL, NULL, NULL}};
    if (tui_form(app, "Snooze the flag", f, 2)) {
        const char *reason = str_empty(f[1].value) ? NULL : f[1].value;
        tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_SNOOZE,
                                             .day = parse_day(app, f[0].value), .text = reason});
    }
    tui_form_free(f, 2);
}

static void stage_set(tui_app *app, const char *id)
{
    char *stage = NULL;
    if (tui_prompt(app, "Move to stage: ", FIELD_STAGE, NULL, NULL, &stage) && *stage)
        tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_MOVE, .text = stage});
    free(stage);
}

/* The current text of a settable field, for editing it in place (the long
 * ones are only in a whole deal). */
static char *field_text(const tui_full_deal *full, const char *field)
{
    const deal *d = &full->d;
    char date[DATE_LEN];
    if (strcmp(field, "value") == 0)
        return xasprintf("%lld", (long long)d->value);
    if (strcmp(field, "close_date") == 0) {
        if (d->close_date == DAY_NONE)
            return xstrdup("");
        date_format(d->close_date, date);
        return xstrdup(date);
    }
    if (strcmp(field, "tags") == 0) {
        strbuf sb = {0};
        sb_puts(&sb, "");
        for (size_t i = 0; i < d->ntags; i++)
            sb_printf(&sb, "%s%s", i ? "," : "", d->tags[i]);
        return sb.data;
    }
    /* Every other editable field is text (pipeline/deal_fields.h). */
    int f = deal_field_by_key(field);
    const char *text = f >= 0 && deal_fields[f].kind == FK_TEXT
                           ? deal_field_text_of(d, (deal_field)f) : NULL;
    return xstrdup(text ? text : "");
}

static input_kind input_kind_of(const char *field)
{
    if (strcmp(field, "close_date") == 0)
        return FIELD_DATE;
    if (strcmp(field, "value") == 0)
        return FIELD_VALUE;
    return strcmp(field, "stage") == 0 ? FIELD_STAGE : FIELD_TEXT;
}

/* The field `e` edits; NULL when cancelled. */
static char *ask_field(tui_app *app, const char *id)
{
    char *field = NULL;
    if (!tui_find_deal(app, id) || !tui_prompt(app, "Edit which field (Tab completes): ",
                                               FIELD_CHOICE, NULL, edit_settable_fields, &field) ||
        !*field) {
        free(field);
        return NULL;
    }
    return field;
}

static void edit_field(tui_app *app, const char *id)
{
    char *field = ask_field(app, id), *value = NULL;
    tui_full_deal full = {0};
    if (!field)
        return;
    if (!tui_full_deal_load(app, &full, id)) {
        tui_message(app, true, "%s", full.why);
        free(field);
        return;
    }
    /* The current value is the pre-fill: selected, so typing replaces it. */
    char *current = field_text(&full, field), *label = xasprintf("%s: ", field);
    if (tui_prompt(app, label, input_kind_of(field), current, NULL, &value) &&
        (!str_eq(field, "value") || confirm_value(app, &full.d, value))) {
        tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_SET, .field = field, .text = value});
    }
    tui_full_deal_free(&full);
    free(label);
    free(current);
    free(value);
    free(field);
}

/* "Undone: <what it was>", never the undone subject alone (it would read as
 * if it had just happened). The card the undo brought back, or changed, is
 * selected; when it left the board (an undone add), the selection stays
 * where it was, or goes to the first card if that column is now empty. */
static void undo(tui_app *app)
{
    db_err err = {0};
    char *summary = NULL, *restored = NULL;
    const deal *sel = board_selected(app->board);
    char *id = sel ? xstrdup(sel->id) : NULL;
    int rc = repo_undo(app->repo, &summary, &restored, &err);
    tui_reload(app);
    if (!board_select_id(app->board, restored) && !board_select_id(app->board, id) &&
        !board_selected(app->board))
        board_select_first_card(app->board);  /* its column emptied: a card, not nothing */
    if (rc)
        tui_message(app, true, "%s", err.msg);
    else
        tui_message(app, false, "Undone: %s", summary ? summary : "the last change");
    free(summary);
    free(restored);
    free(id);
}

void tui_add_deal(tui_app *app)
{
    if (tui_refuse_during_sync(app))
        return;
    const pipeline_cfg *cfg = repo_config(app->repo);
    form_field f[] = {{"Title", FIELD_TEXT, true, NULL, NULL, NULL},
                      {"Account", FIELD_TEXT, false, NULL, NULL, NULL},
                      {"Value", FIELD_VALUE, false, NULL, NULL, NULL},
                      {"Stage", FIELD_STAGE, false, NULL, cfg->nstages ? cfg->stages[0].id : NULL,
                       NULL},
                      {"Close date", FIELD_DATE, false, NULL, NULL, NULL},
                      {"Next step", FIELD_TEXT, false, NULL, NULL, NULL},
                      {"Due", FIELD_DATE, false, NULL, NULL, NULL}};
    size_t n = sizeof f / sizeof *f;
    if (tui_form(app, "Add a deal", f, n)) {
        new_deal in = {f[0].value, f[1].value, app->user, f[3].value, 0, parse_day(app, f[4].value),
                       parse_day(app, f[6].value), str_empty(f[5].value) ? NULL : f[5].value};
        edit_parse_value(f[2].value, &in.value);
        if (str_empty(in.stage))
            in.stage = NULL;
        tui_commit_change(app, NULL, (edit_op){.kind = EDIT_OP_CREATE, .create = &in});
    }
    tui_form_free(f, n);
}

static void run_deal_action(tui_app *app, db_action a, const char *id);

/* Which actions are deal actions, which need a deal and which wait for a
 * running sync are columns of the action table (keymaps/actions.h). */
bool tui_deal_action(tui_app *app, db_action a, const char *selected_id)
{
    if (!action_has(a, AP_DEAL))
        return false;
    /* Edits would wait on the sync's lock: say so instead of looking hung. */
    if (action_has(a, AP_EDITS) && tui_refuse_during_sync(app))
        return true;
    if (action_has(a, AP_NEEDS_DEAL) && !selected_id) {
        tui_message(app, true, "no deal selected");
        return true;
    }
    /* A copy: the id usually points into a deal that the reload after the
     * change frees. */
    char *id = xstrdup(selected_id);
    run_deal_action(app, a, id);
    free(id);
    return true;
}

static void run_deal_action(tui_app *app, db_action a, const char *id)
{
    switch (a) {
    case ACTION_STAGE_PREV: step(app, id, -1); break;
    case ACTION_STAGE_NEXT: step(app, id, 1); break;
    case ACTION_EDIT: edit_field(app, id); break;
    case ACTION_EDIT_FILE: tui_edit_file(app, id); break;
    case ACTION_TOUCH: touch(app, id, false); break;
    case ACTION_TOUCH_IN: touch(app, id, true); break;
    case ACTION_NOTE: note(app, id); break;
    case ACTION_NEXT_STEP: next_step(app, id); break;
    case ACTION_PLAN_ADD: plan_add(app, id); break;
    case ACTION_PLAN_DONE: plan_done(app, id); break;
    case ACTION_PLAN_DUE: plan_due(app, id); break;
    case ACTION_PERSON_ADD: tui_person_add(app, id); break;
    case ACTION_PERSON_RM: tui_person_rm(app, id); break;
    case ACTION_REF_READY: tui_ref_ready(app, id); break;
    case ACTION_REF_ASKED: tui_ref_asked(app, id); break;
    case ACTION_MOVE_ON: move_on(app, id); break;
    case ACTION_WON: close_deal(app, id, STATUS_WON); break;
    case ACTION_LOST: close_deal(app, id, STATUS_LOST); break;
    case ACTION_SNOOZE: snooze(app, id); break;
    case ACTION_REOPEN: reopen(app, id); break;
    case ACTION_STAGE_SET: stage_set(app, id); break;
    case ACTION_UNDO: undo(app); break;
    default: tui_sync_start(app); break;
    }
}
