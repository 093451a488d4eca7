/* The detail view: every field of one deal, why it is flagged, its log and
 * its git history. Deal actions work here as on the board. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../pipeline/deal_fields.h"
#include "../pipeline/format.h"
#include "../pipeline/honest.h"
#include "../pipeline/slips.h"
#include "../pipeline/rules.h"
#include "../pipeline/touches.h"
#include "../store/events.h"
#include "pager.h"
#include "references.h"

/* The deal's close-date changes, read from the event index once when the
 * view opens and again only after a change (app->deals_gen), never per key. */
typedef struct {
    bool loaded;
    unsigned long gen;      /* app->deals_gen when read */
    slip_ledger ledger;
    honest_estimate honest;
    char why[sizeof(((db_err *)0)->msg)];   /* why the history cannot be read; "" */
} detail_slips;

typedef struct {
    char *id;
    tui_full_deal full;     /* the board's deals are light: this one has the log */
    detail_slips slips;
    tui_references refs;    /* the won deals whole, for the first-mover line */
} detail_state;

static const char *or_dash(const char *s)
{
    return str_empty(s) ? "-" : s;
}

static void add_date(pager *p, const char *label, db_day day)
{
    char date[DATE_LEN] = "-";
    if (day != DAY_NONE)
        date_format(day, date);
    pager_add(p, ROLE_NORMAL, 2, "%-14s %s", label, date);
}

static void add_flags(tui_app *app, pager *p, const deal *d)
{
    flag_result f;
    rules_evaluate(repo_config(app->repo), d, app->today, &f);
    if (f.snoozed) {
        char until[DATE_LEN];
        date_format(d->snooze_until, until);
        pager_add(p, ROLE_DIM, 2, "%-14s snoozed until %s", "Flag", until);
    }
    else if (f.level == LEVEL_NONE)
        pager_add(p, ROLE_NORMAL, 2, "%-14s none (score %d)", "Flag", f.score);
    else
        pager_add(p, f.level == LEVEL_MOVE_ON ? ROLE_MOVE_ON : ROLE_WATCH, 2,
                  "%-14s %s (score %d)", "Flag", flag_level_label(f.level), f.score);
    for (int i = 0; i < f.nreasons; i++)
        pager_add(p, ROLE_NORMAL, 6, "  - %s", f.reasons[i].text);
    if (f.revisit_due)
        pager_add(p, ROLE_WATCH, 2, "  revisit is due");
}

/* The value with its currency; another currency than the pipeline's says so
 * (the board does not add it into the pipeline's sums). */
static void add_value(pager *p, const pipeline_cfg *cfg, const deal *d)
{
    char money[MONEY_LEN];
    format_money(d->value, money);
    bool foreign = !str_empty(d->currency) &&
                   !(cfg->currency && strcasecmp(d->currency, cfg->currency) == 0);
    if (foreign)
        pager_add(p, ROLE_WATCH, 17, "%-14s %s %s (not the pipeline's %s: not in its totals)",
                  "Value", money, d->currency, or_dash(cfg->currency));
    else
        pager_add(p, ROLE_NORMAL, 2, "%-14s %s %s", "Value", money, or_dash(cfg->currency));
}

/* The seller's own text fields (status quo, insight, persona, champion, and
 * any added to deal_fields.h): a labelled text field that `set` edits and
 * that the lines above do not show already. */
static void add_plain_texts(pager *p, const deal *d)
{
    for (int i = 0; i < DF_COUNT; i++) {
        const deal_field_def *f = &deal_fields[i];
        if (f->kind != FK_TEXT || !f->label || f->edit != EDIT_SET || i == DF_TITLE ||
            i == DF_ACCOUNT || i == DF_OWNER)
            continue;
        pager_add(p, ROLE_NORMAL, 17, "%-14s %s", f->label,
                  or_dash(deal_field_text_of(d, (deal_field)i)));
    }
}

static void load_slips(tui_app *app, detail_slips *s, const deal *d)
{
    if (s->loaded && s->gen == app->deals_gen)
        return;
    slip_ledger_free(&s->ledger);
    db_err err = {0};
    s->why[0] = '\0';
    if (events_deal_slips(app->repo, d, &s->ledger, &s->honest, tui_history_progress, app, &err))
        snprintf(s->why, sizeof s->why, "%s", err.msg);
    s->loaded = true;
    s->gen = app->deals_gen;
}

/* The close date, every change of it (its slip ledger) and the honest
 * close date; one dim line when the history cannot be read. */
static void add_close_date(tui_app *app, pager *p, const tui_full_deal *full)
{
    const deal *d = &full->d;
    detail_state *ds = p->ud;
    char date[DATE_LEN] = "-";
    if (d->close_date != DAY_NONE)
        date_format(d->close_date, date);
    if (d->close_date_pushes)
        pager_add(p, ROLE_NORMAL, 2, "%-14s %s (pushed %d×)", "Close date", date,
                  d->close_date_pushes);
    else
        pager_add(p, ROLE_NORMAL, 2, "%-14s %s", "Close date", date);
    load_slips(app, &ds->slips, d);
    if (*ds->slips.why) {
        pager_add(p, ROLE_DIM, 17, "%-14s not known (%s)", "Close changes", ds->slips.why);
        return;
    }
    for (size_t i = 0; i < ds->slips.ledger.n; i++) {
        char *words = slip_change_words(&ds->slips.ledger.changes[i]);
        pager_add(p, ds->slips.ledger.changes[i].days > 0 ? ROLE_WATCH : ROLE_NORMAL, 17,
                  "%-14s %s", "", words);
        free(words);
    }
    char *honest = honest_words(&ds->slips.honest);
    pager_add(p, ROLE_NORMAL, 17, "%-14s %s", "Honest close", honest);
    free(honest);
}

/* A buyer not comfortable being first (SPEC §9), and the references to offer. */
static void add_first_mover(tui_app *app, pager *p, const deal *d)
{
    detail_state *ds = p->ud;
    char *words = tui_first_mover_words(app, &ds->refs, d);
    if (words)
        pager_add(p, ROLE_WATCH, 17, "%-14s %s", "First mover", words);
    free(words);
}

static void add_fields(tui_app *app, pager *p, const tui_full_deal *full)
{
    const deal *d = &full->d;
    const pipeline_cfg *cfg = repo_config(app->repo);
    const stage_def *st = config_stage(cfg, d->stage);
    pager_add(p, ROLE_HEADER, 0, "%s", or_dash(d->title));
    pager_add(p, ROLE_DIM, 0, "%s", d->id);
    pager_add(p, ROLE_NORMAL, 2, "%-14s %s", "Account", or_dash(d->account));
    pager_add(p, ROLE_NORMAL, 2, "%-14s %s", "Owner", or_dash(d->owner));
    pager_add(p, ROLE_NORMAL, 2, "%-14s %s (%d days in stage%s)", "Stage",
              st ? st->name : or_dash(d->stage), deal_days_in_stage(d, app->today),
              st ? "" : "; not in pipeline.json");
    char reopen[32];
    if (!deal_is_open(d) && *tui_key_for(app, KCTX_DETAIL, ACTION_REOPEN, reopen, sizeof reopen))
        pager_add(p, ROLE_NORMAL, 2, "%-14s %s (%s reopens it)", "Status",
                  deal_status_name(d->status), reopen);
    else
        pager_add(p, ROLE_NORMAL, 2, "%-14s %s", "Status", deal_status_name(d->status));
    add_value(p, cfg, d);
    add_close_date(app, p, full);
    char due[DATE_LEN] = "no date";
    if (d->next_due != DAY_NONE)
        date_format(d->next_due, due);
    if (deal_has_next_step(d))
        pager_add(p, ROLE_NORMAL, 17, "%-14s %s (due %s)", "Next step", d->next_text, due);
    else
        pager_add(p, ROLE_DIM, 2, "%-14s none", "Next step");
    add_flags(app, p, d);
    add_first_mover(app, p, d);
    add_plain_texts(p, d);
    strbuf tags = {0};
    sb_puts(&tags, "");
    for (size_t i = 0; i < d->ntags; i++)
        sb_printf(&tags, "%s%s", i ? ", " : "", d->tags[i]);
    pager_add(p, ROLE_NORMAL, 17, "%-14s %s", "Tags", or_dash(tags.data));
    sb_free(&tags);
    add_date(p, "Created", d->created);
    add_date(p, "Stage entered", d->stage_entered);
    add_date(p, "Last touch", d->last_touch);
    if (d->snooze_until != DAY_NONE) {
        char until[DATE_LEN];
        date_format(d->snooze_until, until);
        pager_add(p, ROLE_NORMAL, 17, "%-14s until %s: %s", "Snooze", until,
                  or_dash(d->snooze_reason));
    }
    if (d->moved_on) {
        char revisit[DATE_LEN] = "-";
        if (d->revisit != DAY_NONE)
            date_format(d->revisit, revisit);
        pager_add(p, ROLE_NORMAL, 17, "%-14s %s (revisit %s)", "Moved on", or_dash(d->moved_on_reason),
                  revisit);
    }
}

/* One step of the shared plan: "  2 buyer [x] Security review (due 2027-03-01;
 * done 2027-02-27: IT signed off)"; a step not done past its due date is drawn
 * as overdue, a done one dimmed. The number is the one `plan ID done N` takes. */
static void add_plan_step(pager *p, const plan_entry *s, size_t number, db_day today)
{
    char due[DATE_LEN], done[DATE_LEN];
    date_format(s->due, due);
    date_format(s->done, done);
    bool is_done = s->done != DAY_NONE;
    draw_role role = is_done ? ROLE_DIM
                     : s->due != DAY_NONE && s->due < today ? ROLE_OVERDUE : ROLE_NORMAL;
    strbuf when = {0};
    sb_puts(&when, "");
    if (*due || is_done)
        sb_printf(&when, " (%s%s%s%s%s%s%s)", *due ? "due " : "", due, *due && is_done ? "; " : "",
                  is_done ? "done " : "", done, is_done && !str_empty(s->evidence) ? ": " : "",
                  is_done && s->evidence ? s->evidence : "");
    pager_add(p, role, 16, "  %zu %-5s [%s] %s%s", number, plan_owner_name(s->owner),
              is_done ? "x" : " ", or_dash(s->text), when.data);
    sb_free(&when);
}

/* The shared plan (SPEC §9), in its order; nothing when the deal has none. */
static void add_plan(pager *p, const deal *d, db_day today)
{
    if (!d->nplan)
        return;
    pager_add(p, ROLE_NORMAL, 0, "%s", "");
    pager_add(p, ROLE_HEADER, 0, "Plan (%zu)", d->nplan);
    for (size_t i = 0; i < d->nplan; i++)
        add_plan_step(p, &d->plan[i], i + 1, today);
}

/* Exit evidence (SPEC §9): per record, the stage left and the day, then each
 * outcome seen; nothing when none is recorded. */
static void add_evidence(pager *p, const pipeline_cfg *cfg, const deal *d)
{
    if (!d->nevidence)
        return;
    pager_add(p, ROLE_NORMAL, 0, "%s", "");
    pager_add(p, ROLE_HEADER, 0, "Exit evidence (%zu)", d->nevidence);
    for (size_t i = 0; i < d->nevidence; i++) {
        const exit_record *r = &d->evidence[i];
        const stage_def *s = config_stage(cfg, r->stage);
        char date[DATE_LEN];
        date_format(r->date, date);
        pager_add(p, ROLE_NORMAL, 2, "  %s done%s%s", s ? s->name : or_dash(r->stage),
                  *date ? " " : "", date);
        for (size_t k = 0; k < r->nseen; k++)
            pager_add(p, ROLE_NORMAL, 6, "    - %s", or_dash(r->seen[k]));
    }
}

/* The buying committee (SPEC §9): "  1 Ana Ruiz  decision-maker (wants proof;
 * last contact 2027-02-27)", numbered as `person ID rm N` takes them. */
static void add_people(tui_app *app, pager *p, const deal *d)
{
    char add[32], rm[32];
    tui_key_for(app, KCTX_DETAIL, ACTION_PERSON_ADD, add, sizeof add);
    tui_key_for(app, KCTX_DETAIL, ACTION_PERSON_RM, rm, sizeof rm);
    if (!d->npeople) {
        if (deal_is_open(d)) {      /* the key, where it acts */
            pager_add(p, ROLE_NORMAL, 0, "%s", "");
            pager_add(p, ROLE_DIM, 0, "Buying committee: nobody yet (%s: add a person)",
                      or_dash(add));
        }
        return;
    }
    pager_add(p, ROLE_NORMAL, 0, "%s", "");
    pager_add(p, ROLE_HEADER, 0, "Buying committee (%zu)  (%s: add, %s: remove)", d->npeople,
              or_dash(add), or_dash(rm));
    for (size_t i = 0; i < d->npeople; i++) {
        const person *x = &d->people[i];
        char contact[DATE_LEN];
        date_format(x->last_contact, contact);
        bool stance = !str_empty(x->stance);
        pager_add(p, ROLE_NORMAL, 4, "  %zu %s  %s%s%s%s%s%s%s", i + 1, or_dash(x->name),
                  or_dash(x->role), stance || *contact ? " (" : "", stance ? x->stance : "",
                  stance && *contact ? "; " : "", *contact ? "last contact " : "", contact,
                  stance || *contact ? ")" : "");
    }
}

/* A won deal as a reference (SPEC §9): ready or not, and each ask, newest
 * last, with the deal it was for (its title when loaded); on a won deal not
 * marked yet, the key that marks it. */
static void add_reference(tui_app *app, pager *p, const deal *d)
{
    const deal_reference *r = &d->reference;
    char ready[32], asked[32];
    tui_key_for(app, KCTX_DETAIL, ACTION_REF_READY, ready, sizeof ready);
    tui_key_for(app, KCTX_DETAIL, ACTION_REF_ASKED, asked, sizeof asked);
    if (!r->present && d->status != STATUS_WON)
        return;
    pager_add(p, ROLE_NORMAL, 0, "%s", "");
    if (!r->present) {
        pager_add(p, ROLE_HEADER, 0, "Reference: not marked (%s: ready)", or_dash(ready));
        return;
    }
    pager_add(p, ROLE_HEADER, 0, "Reference: %s; asked %zu time%s (%s: %s, %s: asked)",
              r->ready ? "ready" : "not ready", r->nasks, r->nasks == 1 ? "" : "s",
              or_dash(ready), r->ready ? "not ready" : "ready", or_dash(asked));
    for (size_t i = 0; i < r->nasks; i++) {
        char day[DATE_LEN];
        date_format(r->asks[i].at, day);
        const deal *for_deal = tui_find_deal(app, r->asks[i].for_deal);
        bool titled = for_deal && !str_empty(for_deal->title);
        pager_add(p, ROLE_NORMAL, 16, "  %-10s for %s%s%s%s", or_dash(day),
                  or_dash(r->asks[i].for_deal), titled ? " (" : "",
                  titled ? for_deal->title : "", titled ? ")" : "");
    }
}

static void add_log(pager *p, const tui_full_deal *full)
{
    const deal *d = &full->d;
    pager_add(p, ROLE_NORMAL, 0, "%s", "");
    pager_add(p, ROLE_HEADER, 0, "Log (%zu)", d->nlog);
    for (size_t i = d->nlog; i-- > 0;) {
        const log_entry *e = &d->log[i];
        pager_add(p, ROLE_NORMAL, 13, "  %.10s %s %s: %s", e->at ? e->at : "", or_dash(e->by),
                  or_dash(log_entry_kind_label(e)), or_dash(e->text));
    }
}

static void add_commit(void *ud, const repo_commit_info *c)
{
    char date[TIMESTAMP_LEN];
    timestamp_format(c->time, date);
    pager_add(ud, ROLE_NORMAL, 13, "  %.10s %.7s %s: %s", date, c->id, or_dash(c->author),
              or_dash(c->summary));
}

static void add_history(tui_app *app, pager *p, const deal *d)
{
    pager_add(p, ROLE_NORMAL, 0, "%s", "");
    pager_add(p, ROLE_HEADER, 0, "History (git)");
    char *rel = repo_deal_relpath(d->id);
    db_err err = {0};
    if (!rel || repo_history(app->repo, rel, add_commit, p, &err))
        pager_add(p, ROLE_ERROR, 2, "%s", err.msg);
    free(rel);
}

static void fill(tui_app *app, pager *p)
{
    detail_state *ds = p->ud;
    if (!tui_full_deal_load(app, &ds->full, ds->id)) {
        pager_add(p, ROLE_ERROR, 0, "%s", ds->full.why);
        return;
    }
    add_fields(app, p, &ds->full);
    add_plan(p, &ds->full.d, app->today);
    add_evidence(p, repo_config(app->repo), &ds->full.d);
    add_people(app, p, &ds->full.d);
    add_reference(app, p, &ds->full.d);
    add_log(p, &ds->full);
    add_history(app, p, &ds->full.d);
}

static bool act(tui_app *app, pager *p, db_action a)
{
    detail_state *ds = p->ud;
    if (!tui_find_deal(app, ds->id))
        return false;
    return tui_deal_action(app, a, ds->id);
}

void tui_detail_view(tui_app *app, const char *id)
{
    detail_state ds = {.id = xstrdup(id)};
    pager p = {0};
    p.title = "Deal";
    p.fill = fill;
    p.act = act;
    p.ud = &ds;
    fill(app, &p);
    pager_run(app, &p, KCTX_DETAIL);
    tui_full_deal_free(&ds.full);
    slip_ledger_free(&ds.slips.ledger);
    tui_references_free(&ds.refs);
    free(ds.id);
}
