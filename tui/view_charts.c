/* The chart screen: the pipeline in horizontal bars, read rather than
 * studied — the open pipeline by stage, days in stage against the stages'
 * limits, the week's flow, and the forecast by close month. A
 * page like help: it scrolls, and its lines are laid out again for the
 * width. The history comes from store/ (the event index), read only when
 * the screen is opened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/flow.h"
#include "../pipeline/format.h"
#include "../pipeline/forecast_period.h"
#include "../pipeline/honest.h"
#include "../pipeline/learned_limits.h"
#include "../pipeline/stats.h"
#include "../pipeline/text.h"
#include "../store/events.h"
#include "chart_bar.h"
#include "pager.h"

typedef struct {
    bool have_history;
    char why[sizeof(((db_err *)0)->msg) + 40];   /* why the history could not be read */
    stats_result stats;
    flow_result flow;
    period_forecast forecast;    /* the open deals by close month, stated and honest */
} charts;

/* One row of a chart: words, figures, the bar's value (< 0: no bar) and an
 * optional marker (the limit) on the same scale. */
typedef struct {
    char label[64];
    char figures[96];            /* columns separated by tabs, aligned by chart_draw */
    double value, marker;
    draw_role role;
} chart_row;

typedef struct {
    chart_row *rows;
    size_t n, cap;
    double max;                  /* the scale: the largest value or marker */
} chart;

/* ---- laying out rows: label, figures, bar in what is left ---------------- */

static chart_row *chart_add(chart *c, const char *label, double value, double marker)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->rows = xrealloc(c->rows, c->cap * sizeof *c->rows);
    }
    chart_row *r = &c->rows[c->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->label, sizeof r->label, "%s", label);
    text_trim_partial_utf8(r->label);
    r->value = value;
    r->marker = marker;
    c->max = value > c->max ? value : c->max;
    c->max = marker > c->max ? marker : c->max;
    return r;
}

static int label_cols(int cols)
{
    return cols >= 72 ? 16 : cols >= 48 ? 12 : 8;
}

/* s as drawn, cut or padded to exactly w columns. */
static char *cell(const char *s, int w)
{
    char *safe = draw_safe(s);
    int used = 0;
    size_t n = text_fit(safe, w, &used);
    char *out = xmalloc(n + (size_t)(w - used) + 1);
    memcpy(out, safe, n);
    memset(out + n, ' ', (size_t)(w - used));
    out[n + (size_t)(w - used)] = '\0';
    free(safe);
    return out;
}

/* The figures' columns (tab-separated in chart_row.figures), each
 * right-aligned to its widest, one space apart. */
#define FIGURE_COLUMNS 8

static int split_figures(const char *figures, char cols[FIGURE_COLUMNS][64])
{
    int n = 0;
    for (const char *s = figures; n < FIGURE_COLUMNS; n++) {
        size_t len = strcspn(s, "\t");
        snprintf(cols[n], 64, "%.*s", (int)len, s);
        if (!s[len])
            return n + 1;
        s += len + 1;
    }
    return n;
}

static char *figures_text(const char *figures, const int *widths, int ncols)
{
    char cols[FIGURE_COLUMNS][64];
    int n = split_figures(figures, cols);
    strbuf sb = {0};
    sb_puts(&sb, "");
    for (int i = 0; i < ncols; i++) {
        const char *text = i < n ? cols[i] : "";
        sb_printf(&sb, "%s%*s%s", i ? "  " : "", widths[i] - draw_width(text), "", text);
    }
    return sb.data;
}

static void chart_draw(pager *p, int cols, chart *c)
{
    int widths[FIGURE_COLUMNS] = {0}, ncols = 0;
    for (size_t i = 0; i < c->n; i++) {
        char fc[FIGURE_COLUMNS][64];
        int n = split_figures(c->rows[i].figures, fc);
        for (int k = 0; k < n; k++) {
            int w = draw_width(fc[k]);
            widths[k] = w > widths[k] ? w : widths[k];
        }
        ncols = n > ncols ? n : ncols;
    }
    int lw = label_cols(cols), fw = ncols ? 2 * (ncols - 1) : 0;
    for (int k = 0; k < ncols; k++)
        fw += widths[k];
    int bw = cols - 2 - lw - 1 - fw - 2;
    bool utf8 = text_locale_utf8();
    char *bar = xmalloc(CHART_BAR_SIZE(bw > 0 ? bw : 0));
    for (size_t i = 0; i < c->n; i++) {
        const chart_row *r = &c->rows[i];
        bar[0] = '\0';
        if (bw >= 4 && r->value >= 0)
            chart_bar(bar, CHART_BAR_SIZE(bw), r->value, c->max, bw, r->marker, utf8);
        char *label = cell(r->label, lw), *figures = figures_text(r->figures, widths, ncols);
        pager_add(p, r->role, 4, "  %s %s%s%s", label, figures, *bar ? "  " : "", bar);
        free(label);
        free(figures);
    }
    free(bar);
    free(c->rows);
    memset(c, 0, sizeof *c);
}

static void money(int64_t value, int cols, char out[MONEY_LEN])
{
    if (cols >= 60)
        format_money(value, out);
    else
        format_money_short(value, out);
}

/* ---- 1. the open pipeline by stage --------------------------------------- */

static void add_funnel(tui_app *app, pager *p, int cols)
{
    const pipeline_cfg *cfg = repo_config(app->repo);
    size_t n = cfg->nstages + 1;               /* the last: a stage not in pipeline.json */
    int *deals = xcalloc(n, sizeof *deals);
    int64_t *value = xcalloc(n, sizeof *value), total = 0;
    int count = 0;
    for (size_t i = 0; i < app->deals.count; i++) {
        const deal *d = app->deals.items[i];
        if (d->status != STATUS_OPEN)
            continue;
        int s = config_stage_index(cfg, d->stage ? d->stage : "");
        size_t k = s < 0 ? cfg->nstages : (size_t)s;
        deals[k]++;
        value[k] += d->value;
        total += d->value;
        count++;
    }
    char m[MONEY_LEN];
    money(total, 80, m);
    pager_add(p, ROLE_HEADER, 0, "Open pipeline by stage: %d deal%s, %s %s", count,
              count == 1 ? "" : "s", m, cfg->currency ? cfg->currency : "");
    chart c = {0};
    for (size_t k = 0; k < n; k++) {
        if (k == cfg->nstages && !deals[k])
            break;
        chart_row *r = chart_add(&c, k < cfg->nstages ? cfg->stages[k].name : "(other stage)",
                                 (double)value[k], 0);
        money(value[k], cols, m);
        snprintf(r->figures, sizeof r->figures, "%d\t%s", deals[k], m);
    }
    chart_draw(p, cols, &c);
    free(deals);
    free(value);
}

/* ---- 2. days in stage against the limits -------------------------------- */

static void add_days(charts *ch, tui_app *app, pager *p, int cols)
{
    const pipeline_cfg *cfg = repo_config(app->repo);
    pager_add(p, ROLE_HEADER, 0, "%s",
              "Days in stage: median of the history (bar), the stalled rule's limit (|)");
    if (!ch->have_history) {
        pager_add(p, ROLE_ERROR, 2, "  %s", ch->why);
        return;
    }
    chart c = {0};
    bool any_learned = false;
    for (size_t s = 0; s < ch->stats.nstages && s < cfg->nstages; s++) {
        const stats_stage *st = &ch->stats.stages[s];
        /* The limit the stalled rule applies: learned ("stalled": {"learn":
         * true}, with enough won deals), else the configured max_days. */
        int limit = stage_stalled_limit(&cfg->stages[s]);
        bool learned = cfg->stages[s].learned.won > 0;
        any_learned |= learned;
        /* An unknown median draws no bar, but the limit still shows. */
        chart_row *r = chart_add(&c, st->def->name, st->median_days > 0 ? st->median_days : 0,
                                 limit > 0 ? limit : 0);
        char med[16] = "-", p80[16] = "-";
        if (st->median_days >= 0)
            snprintf(med, sizeof med, "%d", st->median_days);
        if (st->p80_days_won >= 0)
            snprintf(p80, sizeof p80, "%d", st->p80_days_won);
        if (cols >= 72)
            snprintf(r->figures, sizeof r->figures, "median\t%s\twon p80\t%s\tlimit\t%d%s",
                     med, p80, limit, learned ? "\t(learned)" : "");
        else
            snprintf(r->figures, sizeof r->figures, "%s/%d%s", med, limit, learned ? "*" : "");
        if (limit > 0 && st->median_days > limit)
            r->role = ROLE_WATCH;                 /* deals stay longer than the team allows */
    }
    chart_draw(p, cols, &c);
    pager_add(p, ROLE_DIM, 2, "  %s",
              "Deals still open in a stage count as still running; '-': not enough history. "
              "Won p80: 80% of won deals left the stage within that many days.");
    if (any_learned)
        pager_add(p, ROLE_DIM, 2, "  %s",
                  cols >= 72 ? "Limits marked (learned) come from the won deals' days, as the "
                               "stalled rule applies them (\"learn\": true); the others are max_days."
                             : "*: a limit learned from the history (\"learn\": true).");
}

/* ---- 3. the week's flow --------------------------------------------------- */

static void add_flow_row(chart *c, int cols, const char *label, const flow_line *l, bool bar)
{
    char m[MONEY_LEN];
    money(l->value, cols, m);
    chart_row *r = chart_add(c, label, bar ? (double)l->value : -1, 0);
    snprintf(r->figures, sizeof r->figures, "%d\t%s", l->deals, m);
}

static void add_flow(charts *ch, pager *p, int cols)
{
    const flow_result *f = &ch->flow;
    char from[DATE_LEN], to[DATE_LEN];
    date_format(f->from, from);
    date_format(f->to, to);
    pager_add(p, ROLE_HEADER, 0, "The week's flow, %s to %s (deals, value)", from, to);
    if (!ch->have_history) {
        pager_add(p, ROLE_ERROR, 2, "  %s", ch->why);
        return;
    }
    chart c = {0};
    add_flow_row(&c, cols, "Open at start", &f->open_start, false);
    for (int k = 0; k < FLOW_LINE_COUNT; k++) {
        int sign = flow_sign((flow_kind)k);
        if (sign == 0 || (k == FLOW_REMOVED && !f->lines[k].deals))
            continue;
        char label[64];
        snprintf(label, sizeof label, "%s %s", sign > 0 ? "+" : "-", flow_label((flow_kind)k));
        add_flow_row(&c, cols, label, &f->lines[k], true);
    }
    chart_row *r = chart_add(&c, "+- Value changes", -1, 0);
    char m[MONEY_LEN];
    money(f->value_changes, cols, m);
    snprintf(r->figures, sizeof r->figures, "\t%s%s", f->value_changes > 0 ? "+" : "", m);
    add_flow_row(&c, cols, "= Open at end", &f->open_end, false);
    add_flow_row(&c, cols, "Pulled in", &f->lines[FLOW_PULLED_IN], true);
    add_flow_row(&c, cols, "Pushed", &f->lines[FLOW_PUSHED], true);
    chart_draw(p, cols, &c);
}

/* ---- 4. the forecast by close month, stated vs honest -------------------
 * Each month as two bars on one scale: the weighted value of the open deals
 * whose stated close date falls in it, and of those whose honest one does
 * (stated plus the team's typical slip: pipeline/honest.h). */

static void add_forecast_month(chart *c, int cols, const period_row *row)
{
    char label[48], m[MONEY_LEN];
    snprintf(label, sizeof label, "%s stated", row->label);
    chart_row *r = chart_add(c, label, (double)row->stated.weighted, 0);
    money(row->stated.weighted, cols, m);
    snprintf(r->figures, sizeof r->figures, "%d\t%s", row->stated.count, m);
    r = chart_add(c, "        honest", (double)row->honest.weighted, 0);
    money(row->honest.weighted, cols, m);
    snprintf(r->figures, sizeof r->figures, "%d\t%s", row->honest.count, m);
    if (row->honest.weighted < row->stated.weighted)
        r->role = ROLE_WATCH;                     /* the team's slips take value out of it */
}

static void add_forecast(charts *ch, pager *p, int cols)
{
    pager_add(p, ROLE_HEADER, 0, "%s",
              "Forecast by close month: stated vs honest (deals, weighted value)");
    if (!ch->have_history) {
        pager_add(p, ROLE_ERROR, 2, "  %s", ch->why);
        return;
    }
    const period_forecast *f = &ch->forecast;
    if (!f->nrows) {
        pager_add(p, ROLE_DIM, 2, "  %s", "No open deal has a close date.");
        return;
    }
    chart c = {0};
    for (size_t i = 0; i < f->nrows; i++)
        add_forecast_month(&c, cols, &f->rows[i]);
    chart_draw(p, cols, &c);
    pager_add(p, ROLE_DIM, 2, "  %d deal%s moved to another month by the team's slips; %d kept "
              "the stated date for lack of history (see README, Honest close date).",
              f->moved, f->moved == 1 ? "" : "s", f->not_enough);
}

/* ---- the page ------------------------------------------------------------ */

static void layout(tui_app *app, pager *p, int cols)
{
    charts *ch = p->ud;
    add_funnel(app, p, cols);
    pager_add(p, ROLE_NORMAL, 0, "%s", "");
    add_days(ch, app, p, cols);
    pager_add(p, ROLE_NORMAL, 0, "%s", "");
    add_flow(ch, p, cols);
    pager_add(p, ROLE_NORMAL, 0, "%s", "");
    add_forecast(ch, p, cols);
}

static void forecast_months(tui_app *app, const deal_history *h, period_forecast *out)
{
    honest_model m;
    honest_learn(h, &m);
    size_t n = app->deals.count;
    honest_estimate *est = xcalloc(n ? n : 1, sizeof *est);
    for (size_t i = 0; i < n; i++)
        est[i] = honest_close_of(&m, h, app->deals.items[i]);
    forecast_by_period(repo_config(app->repo), app->deals.items, est, n, PERIOD_MONTH, out);
    free(est);
    honest_model_free(&m);
}

/* The history, through store/'s event index: quick when it is cached; the
 * first read of a long history takes seconds, said on the status line. */
static void load(tui_app *app, charts *ch)
{
    tui_history_progress(app, 0, 0);
    deal_history h = {0};
    events_info info;
    db_err err = {0};
    if (events_load(app->repo, &h, tui_history_progress, app, &info, &err) == 0) {
        ch->have_history = true;
        stats_compute(repo_config(app->repo), &h, app->today, &ch->stats);
        flow_compute(&h, app->today - (FLOW_DEFAULT_DAYS - 1), app->today, &ch->flow);
        forecast_months(app, &h, &ch->forecast);
    } else {
        snprintf(ch->why, sizeof ch->why, "the history cannot be read: %s", err.msg);
        ch->flow.from = app->today - (FLOW_DEFAULT_DAYS - 1);
        ch->flow.to = app->today;
    }
    deal_history_free(&h);
    app->message[0] = '\0';
}

void tui_charts_view(tui_app *app)
{
    charts ch = {0};
    load(app, &ch);
    pager p = {0};
    char title[160], today[DATE_LEN];
    date_format(app->today, today);
    snprintf(title, sizeof title, "Charts: %s on %s", repo_config(app->repo)->name, today);
    text_trim_partial_utf8(title);
    p.title = title;
    p.layout = layout;
    p.ud = &ch;
    pager_run(app, &p, KCTX_DETAIL);
    stats_free(&ch.stats);
    period_forecast_free(&ch.forecast);
}
