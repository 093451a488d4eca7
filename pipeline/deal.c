#include "deal.h"

#include <stdlib.h>
#include <string.h>

#include "deal_fields.h"
#include "touches.h"
#include "plan.h"
#include "exit.h"
#include "forecast.h"
#include "people.h"
#include "reference.h"
#include "util.h"

static const char *const status_names[STATUS_COUNT] = {"open", "won", "lost", "moved-on"};

void deal_init(deal *d)
{
    memset(d, 0, sizeof *d);
    d->created = d->stage_entered = d->last_touch = d->close_date = DAY_NONE;
    d->next_due = d->snooze_until = d->revisit = DAY_NONE;
    d->touches = (touch_summary){DAY_NONE, DAY_NONE, 0};
    d->plan_buyer_due = DAY_NONE;
    d->people_known.champion_contact = DAY_NONE;
    d->refs_wanted = DAY_NONE;
}

static void log_entry_free(log_entry *e)
{
    free(e->id);
    free(e->at);
    free(e->by);
    free(e->kind);
    free(e->dir);
    free(e->text);
}

static void plan_step_free(plan_entry *s)
{
    free(s->id);
    free(s->text);
    free(s->evidence);
}

static void plan_free(deal *d)
{
    for (size_t i = 0; i < d->nplan; i++)
        plan_step_free(&d->plan[i]);
    free(d->plan);
    d->plan = NULL;
    d->nplan = 0;
}

static void evidence_free(deal *d)
{
    for (size_t i = 0; i < d->nevidence; i++) {
        exit_record *r = &d->evidence[i];
        free(r->id);
        free(r->stage);
        for (size_t k = 0; k < r->nseen; k++)
            free(r->seen[k]);
        free(r->seen);
    }
    free(d->evidence);
    d->evidence = NULL;
    d->nevidence = 0;
}

static void reference_free(deal *d)
{
    for (size_t i = 0; i < d->reference.nasks; i++) {
        free(d->reference.asks[i].id);
        free(d->reference.asks[i].for_deal);
    }
    free(d->reference.asks);
    d->reference = (deal_reference){0};
}

static void person_free(person *p)
{
    free(p->id);
    free(p->name);
    free(p->role);
    free(p->stance);
}

static void people_free(deal *d)
{
    for (size_t i = 0; i < d->npeople; i++)
        person_free(&d->people[i]);
    free(d->people);
    d->people = NULL;
    d->npeople = 0;
}

void deal_free(deal *d)
{
    people_free(d);
    free(d->evidence_stages);                /* its own allocation, light or not */
    evidence_free(d);
    reference_free(d);
    if (d->strings_block) {              /* strings and tags: one block, nothing else */
        free(d->strings_block);
        free(d->log);
        plan_free(d);
        if (d->raw && d->raw_free)
            d->raw_free(d->raw);
        deal_init(d);
        return;
    }
    for (int f = 0; f < DF_COUNT; f++)
        if (deal_fields[f].kind == FK_TEXT)
            free(*deal_field_text(d, (deal_field)f));
    free(d->close_reason);
    for (size_t i = 0; i < d->ntags; i++)
        free(d->tags[i]);
    free(d->tags);
    for (size_t i = 0; i < d->nlog; i++)
        log_entry_free(&d->log[i]);
    free(d->log);
    plan_free(d);
    if (d->raw && d->raw_free)
        d->raw_free(d->raw);
    deal_init(d);
}

static const char *const plan_owner_names[PLAN_OWNER_COUNT] = {"buyer", "us"};

const char *plan_owner_name(plan_owner o) { return o < PLAN_OWNER_COUNT ? plan_owner_names[o] : "?"; }

bool plan_owner_parse(const char *s, plan_owner *out)
{
    for (int o = 0; o < PLAN_OWNER_COUNT; o++)
        if (s && strcmp(s, plan_owner_names[o]) == 0) {
            *out = (plan_owner)o;
            return true;
        }
    return false;
}

plan_entry *deal_add_plan_step(deal *d, const char *id, plan_owner owner, const char *text,
                              db_day due, db_day done, const char *evidence)
{
    d->plan = xrealloc(d->plan, (d->nplan + 1) * sizeof *d->plan);
    plan_entry *s = &d->plan[d->nplan++];
    *s = (plan_entry){xstrdup(id ? id : ""), owner, xstrdup(text ? text : ""), due, done,
                     evidence ? xstrdup(evidence) : NULL};
    return s;
}

exit_record *deal_add_exit_record(deal *d, const char *id, const char *stage, db_day date)
{
    d->evidence = xrealloc(d->evidence, (d->nevidence + 1) * sizeof *d->evidence);
    exit_record *r = &d->evidence[d->nevidence++];
    *r = (exit_record){xstrdup(id ? id : ""), xstrdup(stage ? stage : ""), NULL, 0, date};
    return r;
}

reference_ask *deal_add_reference_ask(deal *d, const char *id, db_day at, const char *for_deal)
{
    deal_reference *r = &d->reference;
    r->present = true;
    r->asks = xrealloc(r->asks, (r->nasks + 1) * sizeof *r->asks);
    reference_ask *a = &r->asks[r->nasks++];
    *a = (reference_ask){xstrdup(id ? id : ""), at, xstrdup(for_deal ? for_deal : "")};
    return a;
}

person *deal_add_person(deal *d, const char *id, const char *name, const char *role,
                        const char *stance, db_day last_contact)
{
    d->people = xrealloc(d->people, (d->npeople + 1) * sizeof *d->people);
    person *p = &d->people[d->npeople++];
    *p = (person){xstrdup(id ? id : ""), xstrdup(name ? name : ""), xstrdup(role ? role : ""),
                  xstrdup(stance ? stance : ""), last_contact};
    return p;
}

void deal_remove_person(deal *d, size_t i)
{
    if (i >= d->npeople)
        return;
    person_free(&d->people[i]);
    memmove(&d->people[i], &d->people[i + 1], (d->npeople - i - 1) * sizeof *d->people);
    d->npeople--;
}

void exit_record_add_seen(exit_record *r, const char *outcome)
{
    r->seen = xrealloc(r->seen, (r->nseen + 1) * sizeof *r->seen);
    r->seen[r->nseen++] = xstrdup(outcome ? outcome : "");
}

void deal_remove_plan_step(deal *d, size_t i)
{
    if (i >= d->nplan)
        return;
    plan_step_free(&d->plan[i]);
    memmove(&d->plan[i], &d->plan[i + 1], (d->nplan - i - 1) * sizeof *d->plan);
    d->nplan--;
}

void deal_destroy(deal *d)
{
    if (!d)
        return;
    deal_free(d);
    free(d);
}

void deal_set_str(char **field, const char *value)
{
    char *copy = xstrdup(value);
    free(*field);
    *field = copy;
}

void deal_add_tag(deal *d, const char *tag)
{
    d->tags = xrealloc(d->tags, (d->ntags + 1) * sizeof *d->tags);
    d->tags[d->ntags++] = xstrdup(tag);
}

log_entry *deal_add_log(deal *d, const char *id, const char *at, const char *by,
                        const char *kind, const char *text)
{
    if (d->nlog == d->cap_log) {              /* doubling: a 10,000-entry log is no n² */
        d->cap_log = d->cap_log ? 2 * d->cap_log : 8;
        d->log = xrealloc(d->log, d->cap_log * sizeof *d->log);
    }
    log_entry *e = &d->log[d->nlog++];
    e->id = xstrdup(id);
    e->at = xstrdup(at);
    e->by = xstrdup(by);
    e->kind = xstrdup(kind);
    e->dir = NULL;
    e->text = xstrdup(text);
    return e;
}

void deal_list_push(deal_list *list, deal *d)
{
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 64;
        list->items = xrealloc(list->items, list->cap * sizeof *list->items);
    }
    list->items[list->count++] = d;
}

void deal_list_free(deal_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        deal_destroy(list->items[i]);
    free(list->items);
    if (list->backing && list->backing_free)
        list->backing_free(list->backing);
    memset(list, 0, sizeof *list);
}

const char *deal_status_name(deal_status s)
{
    return s < STATUS_COUNT ? status_names[s] : "open";
}

bool deal_status_parse(const char *s, deal_status *out)
{
    for (int i = 0; i < STATUS_COUNT; i++) {
        if (str_eq(s, status_names[i])) {
            *out = (deal_status)i;
            return true;
        }
    }
    return false;
}

bool deal_is_open(const deal *d) { return d->status == STATUS_OPEN; }

bool deal_has_next_step(const deal *d) { return !str_empty(d->next_text); }

bool deal_has_status_quo(const deal *d) { return deal_field_says(d, DF_STATUS_QUO); }

bool deal_has_insight(const deal *d) { return deal_field_says(d, DF_INSIGHT); }

void deal_make_light(deal *d)
{
    if (d->partial)
        return;
    d->says = deal_fields_says_bits(d);
    d->touches = touch_summary_of_log(d);
    plan_summary plan = plan_summarize(d);
    d->plan_buyer_open = plan.buyer_open;
    d->plan_buyer_due = plan.buyer_due;
    plan_free(d);
    free(d->evidence_stages);
    d->evidence_stages = exit_stages_summary(d);
    evidence_free(d);
    reference_free(d);
    d->people_known = people_summarize(d);
    people_free(d);
    d->closed_on = forecast_closed_on(d);          /* before the log goes */
    d->refs_wanted = reference_first_wanted(d);
    free(d->close_reason);
    d->close_reason = forecast_close_reason(d);
    for (int f = 0; f < DF_COUNT; f++) {
        if (deal_fields[f].light != LIGHT_LIGHT && deal_fields[f].kind == FK_TEXT) {
            char **text = deal_field_text(d, (deal_field)f);
            free(*text);
            *text = NULL;
        }
    }
    for (size_t i = 0; i < d->nlog; i++)
        log_entry_free(&d->log[i]);
    free(d->log);
    d->log = NULL;
    d->nlog = d->cap_log = 0;
    if (d->raw && d->raw_free)
        d->raw_free(d->raw);
    d->raw = NULL;
    d->raw_free = NULL;
    d->partial = true;
}
