#include "forecast.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "deal_fields.h"
#include "rules.h"
#include "util.h"

/* Sums saturate instead of wrapping: 2^53 is the largest value a deal holds,
 * so only absurd pipelines get near INT64_MAX, and they must not go negative. */
static int64_t add_money(int64_t a, int64_t b)
{
    return b > 0 && a > INT64_MAX - b ? INT64_MAX : a + b;
}

static void sum_add(forecast_sum *s, int64_t value)
{
    s->count++;
    s->value = add_money(s->value, value);
}

int64_t forecast_weighted(int64_t value, int probability)
{
    /* value <= 2^53 and probability <= 100, so the product fits in 64 bits. */
    return (value * probability + 50) / 100;
}

static db_day log_day(const log_entry *e)
{
    char date[DATE_LEN];
    db_day day;
    if (!e->at || strlen(e->at) < 10)
        return DAY_NONE;
    memcpy(date, e->at, 10);
    date[10] = '\0';
    return date_parse(date, &day) ? day : DAY_NONE;
}

db_day forecast_closed_on(const deal *d)
{
    db_day latest = DAY_NONE;
    deal_field_expect(d, DF_LOG, "forecast_closed_on");     /* the day it closed is in the log */
    for (size_t i = 0; i < d->nlog; i++) {
        db_day day = str_eq(d->log[i].kind, "status") ? log_day(&d->log[i]) : DAY_NONE;
        if (day != DAY_NONE && (latest == DAY_NONE || day > latest))
            latest = day;
    }
    if (latest != DAY_NONE)
        return latest;
    return d->stage_entered != DAY_NONE ? d->stage_entered : d->created;
}

char *forecast_close_reason(const deal *d)
{
    if (d->status != STATUS_WON && d->status != STATUS_LOST)
        return NULL;
    deal_field_expect(d, DF_LOG, "forecast_close_reason");     /* the reason is in the log */
    const char *verb = d->status == STATUS_WON ? "Won" : "Lost";
    for (size_t i = d->nlog; i-- > 0;) {
        const log_entry *e = &d->log[i];
        if (!str_eq(e->kind, "status") || !e->text)
            continue;
        size_t n = strlen(verb);
        if (strncmp(e->text, verb, n) != 0)
            return NULL;
        const char *rest = e->text + n;
        rest = str_has_prefix(rest, ": ") ? rest + 2 : rest;
        return *rest ? xstrdup(rest) : NULL;
    }
    return NULL;
}

db_day forecast_closing_day(const deal *d)
{
    return d->partial ? d->closed_on : forecast_closed_on(d);
}

char *forecast_closing_reason(const deal *d)
{
    char *reason = d->partial ? (d->close_reason ? xstrdup(d->close_reason) : NULL)
                              : forecast_close_reason(d);
    return reason ? reason : xstrdup("");
}

const char *forecast_closed_name(forecast_closed c)
{
    static const char *const names[FORECAST_CLOSED_COUNT] = {"won", "lost", "moved-on"};
    return c < FORECAST_CLOSED_COUNT ? names[c] : "";
}

static bool in_period(const deal *d, db_day since, db_day today)
{
    if (since == DAY_NONE)
        return true;
    db_day closed = forecast_closed_on(d);
    return closed != DAY_NONE && closed >= since && closed <= today;
}

/* The totals a deal's money belongs to: the pipeline's, or its own currency's. */
static forecast_totals *totals_for(const pipeline_cfg *cfg, forecast *f, const deal *d)
{
    if (str_empty(d->currency) || strcasecmp(d->currency, cfg->currency) == 0)
        return &f->totals;
    for (size_t i = 0; i < f->nothers; i++)
        if (strcasecmp(f->others[i].currency, d->currency) == 0)
            return &f->others[i].totals;
    f->others = xrealloc(f->others, (f->nothers + 1) * sizeof *f->others);
    forecast_currency *c = &f->others[f->nothers++];
    memset(c, 0, sizeof *c);
    c->currency = xstrdup(d->currency);
    for (char *p = c->currency; *p; p++)     /* "usd" and "USD" are one currency */
        *p = (char)toupper((unsigned char)*p);
    return &c->totals;
}

static void add_closed(forecast_totals *t, const deal *d, db_day since, db_day today)
{
    forecast_closed c = d->status == STATUS_WON    ? FORECAST_WON
                        : d->status == STATUS_LOST ? FORECAST_LOST
                                                   : FORECAST_MOVED_ON;
    if (in_period(d, since, today))
        sum_add(&t->closed[c], d->value);
}

static void add_open(const pipeline_cfg *cfg, forecast *f, forecast_totals *t, const deal *d)
{
    flag_result flags;
    rules_score(cfg, d, f->today, &flags);   /* counts only: no words needed */
    sum_add(&t->open, d->value);
    if (flags.level != LEVEL_NONE)
        sum_add(&t->flagged, d->value);
    int stage = config_stage_index(cfg, d->stage);
    if (stage < 0) {
        sum_add(&t->unstaged, d->value);
        return;
    }
    int64_t weighted = forecast_weighted(d->value, cfg->stages[stage].probability);
    t->open_weighted = add_money(t->open_weighted, weighted);
    if (t != &f->totals)
        return;                       /* stage rows are in the pipeline's currency */
    forecast_stage *row = &f->stages[stage];
    row->count++;
    row->value = add_money(row->value, d->value);
    row->weighted = add_money(row->weighted, weighted);
    row->total_days += flags.days_in_stage;
}

static int compare_currencies(const void *a, const void *b)
{
    return strcasecmp(((const forecast_currency *)a)->currency,
                      ((const forecast_currency *)b)->currency);
}

void forecast_compute(const pipeline_cfg *cfg, deal *const *deals, size_t n, db_day today,
                      db_day since, forecast *out)
{
    memset(out, 0, sizeof *out);
    out->today = today;
    out->since = since;
    out->nstages = cfg->nstages;
    out->stages = xcalloc(cfg->nstages ? cfg->nstages : 1, sizeof *out->stages);
    for (size_t i = 0; i < cfg->nstages; i++)
        out->stages[i].def = &cfg->stages[i];
    for (size_t i = 0; i < n; i++) {
        forecast_totals *t = totals_for(cfg, out, deals[i]);
        if (deal_is_open(deals[i]))
            add_open(cfg, out, t, deals[i]);
        else
            add_closed(t, deals[i], since, today);
    }
    for (size_t i = 0; i < out->nstages; i++) {
        forecast_stage *row = &out->stages[i];
        /* Half up: 2.5 days reads as 3. */
        row->avg_days = row->count ? (int)((2 * row->total_days + row->count) / (2 * row->count))
                                   : -1;
    }
    if (out->nothers > 1)
        qsort(out->others, out->nothers, sizeof *out->others, compare_currencies);
}

void forecast_free(forecast *f)
{
    for (size_t i = 0; i < f->nothers; i++)
        free(f->others[i].currency);
    free(f->others);
    free(f->stages);
    memset(f, 0, sizeof *f);
}
