#include "edit.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "deal_fields.h"
#include "plan.h"
#include "reference.h"
#include "people.h"
#include "exit.h"
#include "stage_clock.h"
#include "text.h"
#include "touches.h"

/* The field table's rows marked SET, then those marked MOVE (a stage set
 * is a move, listed last); the EDIT column's token picks the macro. */
#define SETTABLE_SET(key) key,
#define SETTABLE_MOVE(key)
#define SETTABLE_NOSET(key)
#define MOVABLE_SET(key)
#define MOVABLE_MOVE(key) key,
#define MOVABLE_NOSET(key)
const char *const edit_settable_fields[] = {
#define X(e, group, key, kind, member, need, light, csv, label, edit, ...) SETTABLE_##edit(key)
    DEAL_FIELDS(X)
#undef X
#define X(e, group, key, kind, member, need, light, csv, label, edit, ...) MOVABLE_##edit(key)
    DEAL_FIELDS(X)
#undef X
    NULL};

static log_entry *add_log(const edit_ctx *ctx, deal *d, const char *kind, const char *text)
{
    char id[9], at[TIMESTAMP_LEN];
    text_new_log_id(id);
    timestamp_format(ctx->now, at);
    return deal_add_log(d, id, at, ctx->by, kind, text);
}

static const char *stage_name(const pipeline_cfg *cfg, const char *id)
{
    const stage_def *s = config_stage(cfg, id);
    return s ? s->name : id;
}

/* Text fields must be valid UTF-8 without NUL (they come from a terminal or a shell). */
static bool blank(const char *text)
{
    for (const char *p = text ? text : ""; *p; p++)
        if (!isspace((unsigned char)*p))
            return false;
    return true;
}

static int check_text(const char *what, const char *text, bool required, db_err *err)
{
    if (required && blank(text))
        return db_fail(err, DB_EUSAGE, "%s: must not be empty", what);
    if (text && !text_valid_utf8(text, strlen(text)))
        return db_fail(err, DB_EUSAGE, "%s: not valid UTF-8 text", what);
    if (text && strlen(text) > 65536)
        return db_fail(err, DB_EUSAGE, "%s: longer than 64 KiB", what);
    return 0;
}

static int unknown_stage(const pipeline_cfg *cfg, const char *stage, db_err *err)
{
    char *list = config_stage_list(cfg);
    int rc = db_fail(err, DB_EUSAGE, "%s: unknown stage (stages: %s)", stage, list);
    free(list);
    return rc;
}

int edit_create(const pipeline_cfg *cfg, const edit_ctx *ctx, const new_deal *in, deal *out,
                char **message, db_err *err)
{
    int rc = check_text("title", in->title, true, err);
    if (!rc)
        rc = check_text("account", in->account, false, err);
    if (!rc)
        rc = check_text("owner", in->owner, false, err);
    if (!rc)
        rc = check_text("next step", in->next_text, false, err);
    int stage = in->stage ? config_stage_lookup(cfg, in->stage) : 0;
    if (!rc && (stage < 0 || cfg->nstages == 0))
        rc = unknown_stage(cfg, in->stage ? in->stage : "", err);
    if (!rc && (in->value < 0 || in->value > DEAL_VALUE_MAX))
        rc = db_fail(err, DB_EUSAGE, "value: out of range");
    if (rc)
        return rc;
    char id[ID_MAX + 1];
    text_new_id(in->title, id);
    deal_init(out);
    out->id = xstrdup(id);
    out->title = xstrdup(in->title);
    out->account = xstrdup(in->account ? in->account : "");
    out->owner = xstrdup(in->owner ? in->owner : ctx->by);
    out->stage = xstrdup(cfg->stages[stage].id);
    out->value = in->value;
    out->created = out->stage_entered = ctx->today;
    out->close_date = in->close_date;
    if (!str_empty(in->next_text)) {
        out->next_text = xstrdup(in->next_text);
        out->next_due = in->next_due;
    }
    add_log(ctx, out, "note", "Deal created");
    *message = xasprintf("Add %s: %s", id, in->title);
    return 0;
}

/* Every stage move, from the board and the command line alike. Going back to
 * the stage the deal just left keeps the day it had entered it (an accidental
 * `>` then `<` must not hide a stalled deal); any other move restarts the clock. */
static void enter_stage(const pipeline_cfg *cfg, const edit_ctx *ctx, deal *d, int stage,
                        char **message)
{
    db_day back = stage_clock_return_day(cfg, d, stage);   /* before the new log entry */
    bool kept = back != DAY_NONE && back < ctx->today;
    char *words = xasprintf("%s → %s", stage_name(cfg, d->stage), cfg->stages[stage].name);
    deal_set_str(&d->stage, cfg->stages[stage].id);
    d->stage_entered = kept ? back : ctx->today;
    add_log(ctx, d, "stage", words);
    char since[DATE_LEN];
    date_format(d->stage_entered, since);
    /* The log entry stays "A → B" (stage_clock reads it); the message says why
     * the clock did not restart. */
    *message = kept ? xasprintf("Move %s: %s (back: in %s since %s)", d->id, words,
                                cfg->stages[stage].name, since)
                    : xasprintf("Move %s: %s", d->id, words);
    free(words);
}

/* What was seen that showed stage `from` done (SPEC §9): a record of its
 * outcomes (or the seller's words) in the evidence, and *words saying it
 * for the commit message. */
static int record_exit(const pipeline_cfg *cfg, const edit_ctx *ctx, deal *d, int from,
                       const char *seen, char **words, db_err *err)
{
    *words = NULL;
    char **outcomes;
    size_t n;
    int rc = check_text("--seen", seen, true, err);
    if (!rc)
        rc = exit_parse_seen(&cfg->stages[from], seen, &outcomes, &n, err);
    if (rc)
        return rc;
    char id[EXIT_ID_LEN + 1];
    do
        exit_new_record_id(id);
    while (exit_record_index(d, id) >= 0);
    size_t at = exit_insert_index(d, ctx->today, id);
    exit_record *r = deal_add_exit_record(d, id, cfg->stages[from].id, ctx->today);
    strbuf sb = {0};
    for (size_t i = 0; i < n; i++) {
        exit_record_add_seen(r, outcomes[i]);
        sb_printf(&sb, "%s%s", i ? "; " : "", outcomes[i]);
        free(outcomes[i]);
    }
    free(outcomes);
    exit_record added = *r;
    memmove(&d->evidence[at + 1], &d->evidence[at], (d->nevidence - 1 - at) * sizeof *d->evidence);
    d->evidence[at] = added;
    *words = sb.data;
    return 0;
}

/* A move's message, with what was seen on leaving the stage (if said). */
static int move_to(const pipeline_cfg *cfg, const edit_ctx *ctx, deal *d, int to, const char *seen,
                   char **message, db_err *err)
{
    char *words = NULL;
    int from = config_stage_index(cfg, d->stage);
    if (seen && (from < 0 || to <= from))    /* only a move forward leaves a stage done */
        return db_fail(err, DB_EUSAGE, "--seen: records what showed a stage was done, on a move "
                       "forward; %s is not after the deal's stage", cfg->stages[to].name);
    int rc = seen ? record_exit(cfg, ctx, d, from, seen, &words, err) : 0;
    if (rc)
        return rc;
    enter_stage(cfg, ctx, d, to, message);
    if (words) {
        char *with = xasprintf("%s; seen: %s", *message, words);
        free(*message);
        *message = with;
        free(words);
    }
    return 0;
}

int edit_move(const pipeline_cfg *cfg, const edit_ctx *ctx, deal *d, const char *stage,
              const char *seen, char **message, db_err *err)
{
    int to = config_stage_lookup(cfg, stage);
    if (to < 0)
        return unknown_stage(cfg, stage, err);
    if (str_eq(cfg->stages[to].id, d->stage))
        return db_fail(err, DB_EUSAGE, "%s: already in %s", d->id, cfg->stages[to].name);
    return move_to(cfg, ctx, d, to, seen, message, err);
}

int edit_step(const pipeline_cfg *cfg, const edit_ctx *ctx, deal *d, int direction,
              const char *seen, char **message, db_err *err)
{
    int at = config_stage_index(cfg, d->stage);
    int to = at < 0 ? 0 : at + direction;
    if (!deal_is_open(d))
        return db_fail(err, DB_EUSAGE, "%s: is %s; reopen it first", d->id,
                       deal_status_name(d->status));
    if (to < 0 || to >= (int)cfg->nstages)
        return db_fail(err, DB_EUSAGE, "%s: already in the %s stage", d->id,
                       direction < 0 ? "first" : "last");
    return move_to(cfg, ctx, d, to, seen, message, err);
}

int edit_seen(const pipeline_cfg *cfg, const edit_ctx *ctx, deal *d, const char *stage,
              const char *seen, char **message, db_err *err)
{
    int from = config_stage_lookup(cfg, stage), at = config_stage_index(cfg, d->stage);
    if (from < 0)
        return unknown_stage(cfg, stage, err);
    if (at >= 0 && from >= at)
        return db_fail(err, DB_EUSAGE, "%s: is in %s; evidence is recorded for a stage it has "
                       "left, one before it", d->id, stage_name(cfg, d->stage));
    char *words;
    int rc = record_exit(cfg, ctx, d, from, seen, &words, err);
    if (!rc)
        *message = xasprintf("Exit evidence for %s: %s done; seen: %s", d->id,
                             cfg->stages[from].name, words);
    free(words);
    return rc;
}

/* A date field's words in a message: its label in lower case ("close date"). */
static char *field_words(deal_field f)
{
    const char *label = deal_fields[f].label ? deal_fields[f].label : deal_fields[f].key;
    char *words = xstrdup(label);
    for (char *p = words; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return words;
}

static int set_date(const edit_ctx *ctx, deal *d, deal_field f, const char *value,
                    char **message, db_err *err)
{
    db_day day, *slot = deal_field_day(d, f);
    if (str_empty(value) || str_eq(value, "none")) {
        day = DAY_NONE;
    } else if (!edit_parse_date(value, ctx->today, &day)) {
        return db_fail(err, DB_EUSAGE, "%s: '%s' is not a date (YYYY-MM-DD)", deal_fields[f].key,
                       value);
    }
    char before[DATE_LEN] = "none", after[DATE_LEN] = "none";
    if (*slot != DAY_NONE)
        date_format(*slot, before);
    if (day != DAY_NONE)
        date_format(day, after);
    /* Pushing the close date out again and again is what the back-burner rule watches. */
    bool pushed = f == DF_CLOSE_DATE && *slot != DAY_NONE && day != DAY_NONE && day > *slot;
    if (pushed)
        d->close_date_pushes++;
    *slot = day;
    char *words = field_words(f);
    *message = pushed ? xasprintf("Push %s %s: %s → %s (pushed %d time%s)", d->id, words, before,
                                  after, d->close_date_pushes, d->close_date_pushes == 1 ? "" : "s")
                      : xasprintf("Set %s %s: %s → %s", d->id, words, before, after);
    free(words);
    return 0;
}

static int set_value(deal *d, const char *value, char **message, db_err *err)
{
    int64_t v;
    if (!edit_parse_value(value, &v))
        return db_fail(err, DB_EUSAGE, "value: '%s' is not a whole number of currency units",
                       value);
    *message = xasprintf("Set %s value: %lld → %lld", d->id, (long long)d->value, (long long)v);
    d->value = v;
    return 0;
}

static void set_tags(deal *d, const char *value)
{
    for (size_t i = 0; i < d->ntags; i++)
        free(d->tags[i]);
    d->ntags = 0;
    char *copy = xstrdup(value), *save = NULL;
    for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
        deal_add_tag(d, tok);
    free(copy);
}

static int unknown_field(const char *field, db_err *err)
{
    strbuf sb = {0};
    for (int i = 0; edit_settable_fields[i]; i++)
        sb_printf(&sb, "%s%s", i ? ", " : "", edit_settable_fields[i]);
    int rc = db_fail(err, DB_EUSAGE, "%s: unknown field (fields: %s)", field, sb.data);
    sb_free(&sb);
    return rc;
}

/* Any field the table marks SET or MOVE, by its kind. */
int edit_set(const pipeline_cfg *cfg, const edit_ctx *ctx, deal *d, const char *field,
             const char *value, char **message, db_err *err)
{
    int f = deal_field_by_key(field);
    const deal_field_def *def = f >= 0 ? &deal_fields[f] : NULL;
    bool required = def && def->edit == EDIT_SET && def->need == NEED_REQUIRED;
    int rc = check_text(field, value, required, err);
    if (rc)
        return rc;
    if (!def || def->edit == EDIT_NOSET)
        return unknown_field(field, err);
    if (def->edit == EDIT_MOVE)
        return edit_move(cfg, ctx, d, value, NULL, message, err);
    switch (def->kind) {
    case FK_DATE: return set_date(ctx, d, (deal_field)f, value, message, err);
    case FK_MONEY: return set_value(d, value, message, err);
    case FK_TAGS:
        set_tags(d, value);
        *message = xasprintf("Set %s tags: %s", d->id, value);
        return 0;
    case FK_TEXT:
        if (def->need == NEED_NULLABLE && str_empty(value))
            value = NULL;
        deal_set_str(deal_field_text(d, (deal_field)f), value);
        *message = xasprintf("Set %s %s", d->id, field);
        return 0;
    default: return unknown_field(field, err);
    }
}

int edit_touch(const edit_ctx *ctx, deal *d, const char *note, bool inbound, char **message,
               db_err *err)
{
    int rc = check_text("note", note, false, err);
    if (rc)
        return rc;
    d->last_touch = ctx->today;
    const char *said = !str_empty(note) ? note
                       : inbound        ? "The buyer reached us"
                                        : "Contact with the buyer";
    log_entry *e = add_log(ctx, d, "touch", said);
    deal_set_str(&e->dir, inbound ? TOUCH_IN : TOUCH_OUT);
    const char *what = inbound ? "Touch from the buyer" : "Touch";
    *message = str_empty(note) ? xasprintf("%s %s", what, d->id)
                               : xasprintf("%s %s: %s", what, d->id, note);
    return 0;
}

int edit_note(const edit_ctx *ctx, deal *d, const char *text, char **message, db_err *err)
{
    int rc = check_text("note", text, true, err);
    if (rc)
        return rc;
    add_log(ctx, d, "note", text);
    *message = xasprintf("Note on %s: %s", d->id, text);
    return 0;
}

int edit_next(const edit_ctx *ctx, deal *d, const char *text, db_day due, char **message,
              db_err *err)
{
    int rc = check_text("next step", text, true, err);
    if (rc)
        return rc;
    deal_set_str(&d->next_text, text);
    d->next_due = due;
    char date[DATE_LEN] = "";
    if (due != DAY_NONE)
        date_format(due, date);
    char *words = due != DAY_NONE ? xasprintf("%s (due %s)", text, date) : xstrdup(text);
    add_log(ctx, d, "next", words);
    *message = xasprintf("Next step for %s: %s", d->id, words);
    free(words);
    return 0;
}

int edit_close(const edit_ctx *ctx, deal *d, deal_status status, const char *reason,
               char **message, db_err *err)
{
    int rc = check_text("reason", reason, false, err);
    if (rc)
        return rc;
    if (d->status == status)
        return db_fail(err, DB_EUSAGE, "%s: is already %s", d->id, deal_status_name(status));
    d->status = status;
    const char *verb = status == STATUS_WON ? "Won" : "Lost";
    char *words = str_empty(reason) ? xstrdup(verb) : xasprintf("%s: %s", verb, reason);
    add_log(ctx, d, "status", words);
    *message = str_empty(reason) ? xasprintf("%s %s", verb, d->id)
                                 : xasprintf("%s %s: %s", verb, d->id, reason);
    free(words);
    return 0;
}

int edit_move_on(const edit_ctx *ctx, deal *d, const char *reason, db_day revisit,
                 char **message, db_err *err)
{
    int rc = check_text("reason", reason, true, err);
    if (rc)
        return rc;
    if (revisit != DAY_NONE && revisit <= ctx->today)
        return db_fail(err, DB_EUSAGE, "revisit: must be after today");
    d->status = STATUS_MOVED_ON;
    d->moved_on = true;
    deal_set_str(&d->moved_on_reason, reason);
    d->revisit = revisit;
    char date[DATE_LEN] = "";
    date_format(revisit, date);
    char *words = revisit != DAY_NONE ? xasprintf("%s (revisit %s)", reason, date) : xstrdup(reason);
    char *log = xasprintf("Moved on: %s", words);
    add_log(ctx, d, "status", log);
    *message = xasprintf("Move on from %s: %s", d->id, words);
    free(log);
    free(words);
    return 0;
}

int edit_snooze(const edit_ctx *ctx, deal *d, db_day until, const char *reason,
                char **message, db_err *err)
{
    int rc = check_text("reason", reason, false, err);
    if (rc)
        return rc;
    if (until == DAY_NONE || until <= ctx->today)
        return db_fail(err, DB_EUSAGE, "until: must be a date after today");
    d->snooze_until = until;
    deal_set_str(&d->snooze_reason, reason ? reason : "");
    char date[DATE_LEN];
    date_format(until, date);
    char *words = str_empty(reason) ? xasprintf("until %s", date)
                                    : xasprintf("until %s: %s", date, reason);
    char *log = xasprintf("Snoozed %s", words);
    add_log(ctx, d, "snooze", log);
    *message = xasprintf("Snooze %s %s", d->id, words);
    free(log);
    free(words);
    return 0;
}

int edit_revisit(const edit_ctx *ctx, deal *d, db_day revisit, char **message, db_err *err)
{
    if (d->status != STATUS_MOVED_ON)
        return db_fail(err, DB_EUSAGE, "%s: is %s: only a moved-on deal has a revisit date",
                       d->id, deal_status_name(d->status));
    if (revisit == DAY_NONE || revisit <= ctx->today)
        return db_fail(err, DB_EUSAGE, "revisit: must be a date after today");
    d->moved_on = true;
    d->revisit = revisit;
    char date[DATE_LEN];
    date_format(revisit, date);
    char *log = xasprintf("Next revisit %s", date);
    add_log(ctx, d, "revisit", log);
    free(log);
    *message = xasprintf("Revisit %s again on %s", d->id, date);
    return 0;
}

int edit_reopen(const edit_ctx *ctx, deal *d, char **message, db_err *err)
{
    if (deal_is_open(d))
        return db_fail(err, DB_EUSAGE, "%s: is already open", d->id);
    d->status = STATUS_OPEN;
    d->stage_entered = ctx->today;   /* a fresh look: the stall clock restarts */
    /* The move-on record describes a closed deal; its words stay in the log. */
    char *words = d->moved_on ? xasprintf("Reopened (had moved on: %s)",
                                          d->moved_on_reason ? d->moved_on_reason : "")
                              : xstrdup("Reopened");
    d->moved_on = false;
    deal_set_str(&d->moved_on_reason, NULL);
    d->revisit = DAY_NONE;
    add_log(ctx, d, "status", words);
    free(words);
    *message = xasprintf("Reopen %s", d->id);
    (void)err;
    return 0;
}

bool edit_parse_date(const char *text, db_day today, db_day *out)
{
    if (!text)
        return false;
    if (str_eq(text, "today")) {
        *out = today;
        return true;
    }
    if (str_eq(text, "tomorrow")) {
        *out = today + 1;
        return true;
    }
    if (text[0] == '+' && isdigit((unsigned char)text[1])) {
        char *end;
        errno = 0;
        long n = strtol(text + 1, &end, 10);
        int unit = *end == 'w' ? 7 : *end == 'd' || *end == '\0' ? 1 : 0;
        if (errno || !unit || (*end && end[1]) || n > 3650)
            return false;
        *out = today + (db_day)(n * unit);
        return true;
    }
    return date_parse(text, out);
}

bool edit_parse_value(const char *text, int64_t *out)
{
    if (str_empty(text))
        return false;
    int64_t v = 0;
    int digits = 0, group = -1;      /* digits since the last separator; -1: none yet */
    const char *p = text;
    for (; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            int digit = *p - '0';
            if (v > (DEAL_VALUE_MAX - digit) / 10)
                return false;
            v = v * 10 + digit;
            digits++;
            if (group >= 0)
                group++;
        } else if (digits && (*p == ',' || *p == '_' || *p == ' ')) {
            if (group >= 0 && group != 3)
                return false;
            group = 0;
        } else {
            break;
        }
    }
    /* Separators group thousands: "1,5k" is a decimal comma, not 15k. */
    if (group >= 0 && group != 3)
        return false;
    /* A fraction only before k or M ("1.2M"), and it must come out whole. */
    int64_t fraction = 0, fraction_scale = 1;
    if (*p == '.' && digits) {
        for (p++; isdigit((unsigned char)*p) && fraction_scale < 1000000; p++) {
            fraction = fraction * 10 + (*p - '0');
            fraction_scale *= 10;
        }
        if (fraction_scale == 1)
            return false;
    }
    int64_t scale = *p == 'k' || *p == 'K' ? 1000 : *p == 'm' || *p == 'M' ? 1000000 : 1;
    if (scale > 1)
        p++;
    if (!digits || *p || v > DEAL_VALUE_MAX / scale)
        return false;
    if (fraction_scale > 1 && (scale == 1 || (fraction * scale) % fraction_scale != 0))
        return false;
    int64_t whole = v * scale, extra = fraction * scale / fraction_scale;
    if (whole > DEAL_VALUE_MAX - extra)
        return false;
    *out = whole + extra;
    return true;
}

bool edit_value_jump(int64_t before, int64_t after)
{
    if (before <= 0 || after < 0)
        return false;
    /* Divisions, not products: values go up to DEAL_VALUE_MAX. */
    return after / 10 >= before || after <= before / 10;
}

/* ---- the shared plan ---- */

/* "buyer step p3f2a1c "Security review" (due 2027-03-01)" */
static char *step_words(const plan_entry *p)
{
    char due[DATE_LEN] = "";
    date_format(p->due, due);
    return xasprintf("%s step %s \"%s\"%s%s%s", plan_owner_name(p->owner), p->id, p->text,
                     *due ? " (due " : "", due, *due ? ")" : "");
}

static int plan_logged(const edit_ctx *ctx, deal *d, const char *what, const plan_entry *p,
                       const char *more, char **message)
{
    char *words = step_words(p);
    char *text = xasprintf("%s %s%s", what, words, more ? more : "");
    add_log(ctx, d, "plan", text);                 /* reads "plan: added buyer step …" */
    *message = xasprintf("Plan for %s: %s %s%s", d->id, what, words, more ? more : "");
    free(text);
    free(words);
    return 0;
}

static bool has_step_id(const deal *d, const char *id)
{
    for (size_t i = 0; i < d->nplan; i++)
        if (str_eq(d->plan[i].id, id))
            return true;
    return false;
}

int edit_plan_add(const edit_ctx *ctx, deal *d, plan_owner owner, const char *text, db_day due,
                  char **message, db_err *err)
{
    int rc = check_text("plan step", text, true, err);
    if (rc)
        return rc;
    char id[PLAN_ID_LEN + 1];
    do
        plan_new_step_id(id);
    while (has_step_id(d, id));
    size_t at = plan_insert_index(d, due, id);
    deal_add_plan_step(d, id, owner, text, due, DAY_NONE, NULL);
    plan_entry added = d->plan[d->nplan - 1];
    memmove(&d->plan[at + 1], &d->plan[at], (d->nplan - 1 - at) * sizeof *d->plan);
    d->plan[at] = added;
    return plan_logged(ctx, d, "added", &d->plan[at], NULL, message);
}

int edit_plan_done(const edit_ctx *ctx, deal *d, const char *step, const char *evidence,
                   char **message, db_err *err)
{
    int rc = check_text("--evidence", evidence, false, err);
    int i = rc ? -1 : plan_find_step(d, step, err);
    if (i < 0)
        return rc ? rc : DB_EUSAGE;
    plan_entry *p = &d->plan[i];
    if (p->done != DAY_NONE) {
        char done[DATE_LEN];
        date_format(p->done, done);
        return db_fail(err, DB_EUSAGE, "step %s: done on %s already ('plan %s rm %s' removes it)",
                       p->id, done, d->id, p->id);
    }
    p->done = ctx->today;
    if (!str_empty(evidence))
        deal_set_str(&p->evidence, evidence);
    char *more = str_empty(evidence) ? NULL : xasprintf(": %s", evidence);
    rc = plan_logged(ctx, d, "done", p, more, message);
    free(more);
    return rc;
}

int edit_plan_due(const edit_ctx *ctx, deal *d, const char *step, db_day due, char **message,
                  db_err *err)
{
    int i = plan_find_step(d, step, err);
    if (i < 0)
        return DB_EUSAGE;
    plan_entry moved = d->plan[i];
    char was[DATE_LEN] = "";
    date_format(moved.due, was);
    if (moved.due == due)
        return db_fail(err, DB_EUSAGE, "step %s: %s%s already: nothing to change", moved.id,
                       *was ? "due " : "no due date", was);
    /* Out of the list and back in at its new place: the plan stays in its order. */
    memmove(&d->plan[i], &d->plan[i + 1], (d->nplan - 1 - (size_t)i) * sizeof *d->plan);
    d->nplan--;
    moved.due = due;
    size_t at = plan_insert_index(d, due, moved.id);
    memmove(&d->plan[at + 1], &d->plan[at], (d->nplan - at) * sizeof *d->plan);
    d->plan[at] = moved;
    d->nplan++;
    char *more = xasprintf(", was %s", *was ? was : "undated");
    int rc = plan_logged(ctx, d, due == DAY_NONE ? "undated" : "dated", &d->plan[at], more,
                         message);
    free(more);
    return rc;
}

int edit_plan_rm(const edit_ctx *ctx, deal *d, const char *step, char **message, db_err *err)
{
    int i = plan_find_step(d, step, err);
    if (i < 0)
        return DB_EUSAGE;
    plan_entry gone = d->plan[i];
    plan_logged(ctx, d, "removed", &gone, NULL, message);
    deal_remove_plan_step(d, (size_t)i);
    return 0;
}

/* ---- references (pipeline/reference.h) ---- */

static int check_won(const deal *d, db_err *err)
{
    if (d->status == STATUS_WON)
        return 0;
    return db_fail(err, DB_EUSAGE, "%s is %s, not won: only a won deal's customer can be a "
                   "reference", d->id, deal_status_name(d->status));
}

int edit_reference_ready(const edit_ctx *ctx, deal *d, bool ready, char **message, db_err *err)
{
    (void)ctx;
    int rc = check_won(d, err);
    if (rc)
        return rc;
    d->reference.present = true;
    d->reference.ready = ready;
    *message = xasprintf("Reference %s: %s", d->id, ready ? "ready" : "not ready");
    return 0;
}

int edit_reference_asked(const edit_ctx *ctx, deal *d, const char *for_deal, char **message,
                         db_err *err)
{
    int rc = check_won(d, err);
    if (rc)
        return rc;
    if (str_empty(for_deal) || !text_valid_id(for_deal))
        return db_fail(err, DB_EUSAGE, "asked: name the deal whose buyer asked (its id)");
    char id[REFERENCE_ASK_ID_LEN + 1];
    reference_new_ask_id(id);
    size_t at = reference_ask_insert_index(d, ctx->today, id);
    deal_add_reference_ask(d, id, ctx->today, for_deal);
    deal_reference *r = &d->reference;
    reference_ask added = r->asks[r->nasks - 1];   /* appended: move it to its place */
    memmove(&r->asks[at + 1], &r->asks[at], (r->nasks - 1 - at) * sizeof *r->asks);
    r->asks[at] = added;
    *message = xasprintf("Reference %s: asked for %s (%zu time%s)", d->id, for_deal, r->nasks,
                         r->nasks == 1 ? "" : "s");
    return 0;
}

int edit_reference_wanted(const edit_ctx *ctx, deal *d, const char *reference, char **message,
                          db_err *err)
{
    if (str_empty(reference))
        return db_fail(err, DB_EUSAGE, "asked: name the reference offered (its id)");
    char *text = xasprintf("the buyer asked for references: %s", reference);
    add_log(ctx, d, REFERENCE_LOG_KIND, text);
    *message = xasprintf("Buyer of %s asked for references: %s", d->id, reference);
    free(text);
    return 0;
}

/* ---- the buying committee ---- */

/* "decision-maker h3f2a1c "Ana Ruiz"" */
static int people_logged(const edit_ctx *ctx, deal *d, const char *what, const person *p,
                         const char *more, char **message)
{
    char *words = xasprintf("%s %s \"%s\"%s", p->role, p->id, p->name, more ? more : "");
    char *text = xasprintf("%s %s", what, words);
    add_log(ctx, d, "people", text);             /* reads "people: added champion …" */
    *message = xasprintf("People of %s: %s %s", d->id, what, words);
    free(text);
    free(words);
    return 0;
}

static bool has_person_id(const deal *d, const char *id)
{
    for (size_t i = 0; i < d->npeople; i++)
        if (str_eq(d->people[i].id, id))
            return true;
    return false;
}

int edit_person_add(const edit_ctx *ctx, deal *d, const char *name, const char *role,
                    const char *stance, char **message, db_err *err)
{
    int rc = check_text("person's name", name, true, err);
    if (!rc)
        rc = check_text("--stance", stance, false, err);
    if (rc)
        return rc;
    if (str_empty(role))
        return db_fail(err, DB_EUSAGE, "person: --role is needed, one of %s", people_role_list());
    if (!people_role_valid(role, err))
        return DB_EUSAGE;
    char id[PERSON_ID_LEN + 1];
    do
        people_new_id(id);
    while (has_person_id(d, id));
    size_t at = people_insert_index(d, name, id);
    deal_add_person(d, id, name, role, stance, DAY_NONE);
    person added = d->people[d->npeople - 1];
    memmove(&d->people[at + 1], &d->people[at], (d->npeople - 1 - at) * sizeof *d->people);
    d->people[at] = added;
    return people_logged(ctx, d, "added", &d->people[at], NULL, message);
}

int edit_person_rm(const edit_ctx *ctx, deal *d, const char *who, char **message, db_err *err)
{
    int i = people_find(d, who, err);
    if (i < 0)
        return DB_EUSAGE;
    people_logged(ctx, d, "removed", &d->people[i], NULL, message);
    deal_remove_person(d, (size_t)i);
    return 0;
}

int edit_person_contact(const edit_ctx *ctx, deal *d, const char *who, db_day day,
                        char **message, db_err *err)
{
    int i = people_find(d, who, err);
    if (i < 0)
        return DB_EUSAGE;
    if (day == DAY_NONE)
        day = ctx->today;
    if (day > ctx->today)
        return db_fail(err, DB_EUSAGE, "person %s: a last contact cannot be after today",
                       d->people[i].id);
    d->people[i].last_contact = day;
    char date[DATE_LEN];
    date_format(day, date);
    char *more = xasprintf(" last contact %s", date);
    int rc = people_logged(ctx, d, "contacted", &d->people[i], more, message);
    free(more);
    return rc;
}
