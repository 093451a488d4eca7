/* The forecast by close period (see forecast_period.h). */
#include "forecast_period.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "forecast.h"
#include "util.h"

static const char *const kind_names[PERIOD_KIND_COUNT] = {
#define X(e, name) name,
    PERIOD_KINDS(X)
#undef X
};

bool period_kind_parse(const char *s, period_kind *out)
{
    for (int k = 0; k < PERIOD_KIND_COUNT; k++)
        if (s && strcmp(s, kind_names[k]) == 0) {
            *out = (period_kind)k;
            return true;
        }
    return false;
}

const char *period_kind_name(period_kind k)
{
    return kind_names[k];
}

const char *period_kind_choices(void)
{
    static char choices[64];
    if (!*choices) {
        strbuf sb = {0};
        for (int k = 0; k < PERIOD_KIND_COUNT; k++)
            sb_printf(&sb, "%s%s", k == 0 ? "" : k == PERIOD_KIND_COUNT - 1 ? " or " : ", ",
                      kind_names[k]);
        snprintf(choices, sizeof choices, "%s", sb.data);
        sb_free(&sb);
    }
    return choices;
}

db_day period_start(period_kind by, db_day day)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    if (by == PERIOD_QUARTER)
        m = (m - 1) / 3 * 3 + 1;
    return date_from_ymd(y, m, 1);
}

/* The period after the one starting on `start`. */
static db_day next_start(period_kind by, db_day start)
{
    int y, m, d;
    date_to_ymd(start, &y, &m, &d);
    m += by == PERIOD_QUARTER ? 3 : 1;
    if (m > 12) {
        m -= 12;
        y++;
    }
    return date_from_ymd(y, m, 1);
}

static void label_row(period_kind by, period_row *row)
{
    int d;
    date_to_ymd(row->start, &row->year, &row->number, &d);
    if (by == PERIOD_QUARTER) {
        row->number = (row->number - 1) / 3 + 1;
        snprintf(row->label, sizeof row->label, "%04d-Q%d", row->year, row->number);
    } else {
        snprintf(row->label, sizeof row->label, "%04d-%02d", row->year, row->number);
    }
}

static void sum_add(period_sum *s, int64_t value, int64_t weighted)
{
    s->count++;
    s->value += value;
    s->weighted += weighted;
}

static bool in_pipeline_currency(const pipeline_cfg *cfg, const deal *d)
{
    return str_empty(d->currency) || (cfg->currency && strcasecmp(d->currency, cfg->currency) == 0);
}

/* The rows from the earliest to the latest period of the dates counted. */
static void make_rows(period_kind by, db_day first, db_day last, period_forecast *out)
{
    size_t cap = 0;
    for (db_day s = period_start(by, first); s <= last; s = next_start(by, s)) {
        if (out->nrows == cap) {
            cap = cap ? cap * 2 : 16;
            out->rows = xrealloc(out->rows, cap * sizeof *out->rows);
        }
        period_row *row = &out->rows[out->nrows++];
        memset(row, 0, sizeof *row);
        row->start = s;
        label_row(by, row);
    }
}

static period_row *row_of(period_forecast *f, db_day day)
{
    db_day start = period_start(f->by, day);
    size_t lo = 0, hi = f->nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->rows[mid].start < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return &f->rows[lo];
}

static bool counted(const pipeline_cfg *cfg, const deal *d, period_forecast *out)
{
    if (!deal_is_open(d))
        return false;
    if (!in_pipeline_currency(cfg, d)) {
        out->other_currency++;
        return false;
    }
    return true;
}

void forecast_by_period(const pipeline_cfg *cfg, deal *const *deals, const honest_estimate *est,
                        size_t n, period_kind by, period_forecast *out)
{
    memset(out, 0, sizeof *out);
    out->by = by;
    db_day first = DAY_NONE, last = DAY_NONE;
    for (size_t i = 0; i < n; i++) {
        if (!deal_is_open(deals[i]) || !in_pipeline_currency(cfg, deals[i]) ||
            est[i].stated == DAY_NONE)
            continue;
        db_day lo = est[i].stated < est[i].honest ? est[i].stated : est[i].honest;
        db_day hi = est[i].stated < est[i].honest ? est[i].honest : est[i].stated;
        first = first == DAY_NONE || lo < first ? lo : first;
        last = last == DAY_NONE || hi > last ? hi : last;
    }
    if (first != DAY_NONE)
        make_rows(by, first, last, out);
    for (size_t i = 0; i < n; i++) {
        const deal *d = deals[i];
        if (!counted(cfg, d, out))
            continue;
        int stage = config_stage_index(cfg, d->stage);
        int64_t weighted = stage < 0 ? 0 : forecast_weighted(d->value, cfg->stages[stage].probability);
        if (est[i].stated == DAY_NONE) {
            sum_add(&out->no_date, d->value, weighted);
            continue;
        }
        period_row *stated = row_of(out, est[i].stated), *honest = row_of(out, est[i].honest);
        sum_add(&stated->stated, d->value, weighted);
        sum_add(&honest->honest, d->value, weighted);
        sum_add(&out->total, d->value, weighted);
        out->not_enough += !est[i].enough;
        out->moved += stated != honest;
    }
}

void period_forecast_free(period_forecast *f)
{
    free(f->rows);
    memset(f, 0, sizeof *f);
}
