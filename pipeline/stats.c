/* The team's history in figures (see stats.h). */
#include "stats.h"

#include <stdlib.h>
#include <string.h>

#include "deal.h"
#include "stage_renames.h"
#include "survival.h"
#include "util.h"

/* Every deal's days per stage, gathered over all deals. */
typedef struct {
    survival_obs *obs;
    int *won_days;
    size_t nobs, nwon;
} stage_samples;

/* One deal as its events go by. */
typedef struct {
    int stage;               /* index in cfg->stages; -1: none or unknown */
    bool stage_known, gone;
    deal_status status;
    db_day close_date, entered_hint;
    bool active;             /* open in a known stage: a stay is running */
    db_day stay_start;
    int pushes;
} deal_state;

/* Per deal, per stage. */
typedef struct {
    int *days;
    bool *entered, *forward;
} deal_stages;

static db_day day_of(int64_t unix_time)
{
    return (db_day)(unix_time >= 0 ? unix_time / 86400 : -((-unix_time + 86399) / 86400));
}

static void add_slip(stats_result *out, int **slips, size_t *nslips, int days)
{
    *slips = xrealloc(*slips, (*nslips + 1) * sizeof **slips);
    (*slips)[(*nslips)++] = days;
    out->pushes++;
}

/* Applies one event to the state the commit leads to. A stage is known by
 * the id it has now: a rename is no move. */
static void apply_event(const pipeline_cfg *cfg, const deal_history *h, const deal_event *e,
                        deal_state *next)
{
    const char *stage;
    switch (e->field) {
    case EVENT_STAGE:
        stage = stage_renames_current(h, e->text, e->commit);
        next->stage = config_stage_index(cfg, stage ? stage : "");
        next->stage_known = true;
        next->gone = false;
        break;
    case EVENT_STATUS:
        next->status = (deal_status)e->num;
        next->gone = false;
        break;
    case EVENT_CLOSE_DATE:
        next->close_date = (db_day)e->num;
        break;
    case EVENT_STAGE_ENTERED:
        next->entered_hint = (db_day)e->num;
        break;
    case EVENT_GONE:
        next->gone = true;
        break;
    default:
        break;
    }
}

static bool is_active(const deal_state *s)
{
    return !s->gone && s->stage >= 0 && s->status == STATUS_OPEN;
}

/* The step from cur to next on `day` (one commit's events). */
static void step(deal_state *cur, deal_state *next, db_day day, deal_stages *ds,
                 stats_result *out, int **slips, size_t *nslips)
{
    if (cur->close_date != DAY_NONE && next->close_date != DAY_NONE &&
        next->close_date > cur->close_date) {
        next->pushes++;
        add_slip(out, slips, nslips, next->close_date - cur->close_date);
    }
    bool now_active = is_active(next);
    bool moved = next->stage != cur->stage;
    if (cur->active && (moved || !now_active)) {
        ds->days[cur->stage] += day > cur->stay_start ? day - cur->stay_start : 0;
        if (moved && next->stage > cur->stage)
            ds->forward[cur->stage] = true;
    }
    if (now_active && (moved || !cur->active)) {
        /* A deal's first version says since when it was in its first stage
         * (an import, or a deal made before the repository). */
        bool first = !cur->stage_known;
        next->stay_start = first && next->entered_hint != DAY_NONE && next->entered_hint <= day
                               ? next->entered_hint
                               : day;
        ds->entered[next->stage] = true;
    } else {
        next->stay_start = cur->stay_start;
    }
    next->active = now_active;
    next->entered_hint = DAY_NONE;
    *cur = *next;
}

static void gather(const pipeline_cfg *cfg, const deal_state *end, deal_stages *ds,
                   db_day today, int group, stage_samples *samples, stats_result *out)
{
    if (end->active) {
        ds->days[end->stage] += today > end->stay_start ? today - end->stay_start : 0;
        out->stages[end->stage].censored++;
    }
    bool closed = !end->gone && end->status != STATUS_OPEN;
    bool won = !end->gone && end->status == STATUS_WON;
    for (size_t s = 0; s < cfg->nstages; s++) {
        if (!ds->entered[s])
            continue;
        stats_stage *row = &out->stages[s];
        stage_samples *sm = &samples[s];
        row->entered++;
        row->exited_forward += ds->forward[s];
        row->won += won;
        row->decided += closed;
        if (group >= 0) {
            stats_calibration *c = &out->by_group[(size_t)group * cfg->nstages + s];
            c->decided += closed;
            c->won += won;
        }
        sm->obs = xrealloc(sm->obs, (sm->nobs + 1) * sizeof *sm->obs);
        sm->obs[sm->nobs++] = (survival_obs){ds->days[s], !(end->active && end->stage == (int)s)};
        if (won) {
            sm->won_days = xrealloc(sm->won_days, (sm->nwon + 1) * sizeof *sm->won_days);
            sm->won_days[sm->nwon++] = ds->days[s];
        }
    }
    if (closed) {
        int b = end->pushes < STATS_PUSH_BUCKETS - 1 ? end->pushes : STATS_PUSH_BUCKETS - 1;
        out->by_pushes[b].deals++;
        out->by_pushes[b].won += won;
    }
    out->pushed_deals += end->pushes > 0;
}

/* The events of one deal, h->events[*i ..]: advances *i past them. */
static void one_deal(const pipeline_cfg *cfg, const deal_history *h, size_t *i, db_day today,
                     const stats_groups *groups, deal_stages *ds, stage_samples *samples,
                     stats_result *out, int **slips, size_t *nslips)
{
    uint32_t deal = h->events[*i].deal;
    int group = groups ? groups->of_deal[deal] : STATS_NO_GROUP;
    if (group == STATS_LEFT_OUT) {
        while (*i < h->nevents && h->events[*i].deal == deal)
            (*i)++;
        return;
    }
    deal_state cur = {.stage = -1, .status = STATUS_OPEN, .close_date = DAY_NONE,
                      .entered_hint = DAY_NONE};
    memset(ds->days, 0, cfg->nstages * sizeof *ds->days);
    memset(ds->entered, 0, cfg->nstages * sizeof *ds->entered);
    memset(ds->forward, 0, cfg->nstages * sizeof *ds->forward);
    while (*i < h->nevents && h->events[*i].deal == deal) {
        uint32_t commit = h->events[*i].commit;
        deal_state next = cur;
        for (; *i < h->nevents && h->events[*i].deal == deal && h->events[*i].commit == commit;
             (*i)++)
            apply_event(cfg, h, &h->events[*i], &next);
        step(&cur, &next, day_of(h->commits[commit].author_time), ds, out, slips, nslips);
    }
    gather(cfg, &cur, ds, today, group, samples, out);
    out->deals++;
}

static void summarize(stats_result *out, stage_samples *samples, int *slips, size_t nslips)
{
    for (size_t s = 0; s < out->nstages; s++) {
        out->stages[s].median_days = survival_quantile(samples[s].obs, samples[s].nobs, 0.5);
        out->stages[s].p80_days_won = percentile_rank(samples[s].won_days, samples[s].nwon, 0.8);
        free(samples[s].obs);
        free(samples[s].won_days);
    }
    out->median_slip_days = percentile_rank(slips, nslips, 0.5);
}

void stats_compute(const pipeline_cfg *cfg, const deal_history *h, db_day today,
                   stats_result *out)
{
    stats_compute_groups(cfg, h, today, NULL, out);
}

void stats_compute_groups(const pipeline_cfg *cfg, const deal_history *h, db_day today,
                          const stats_groups *groups, stats_result *out)
{
    memset(out, 0, sizeof *out);
    out->today = today;
    out->unparseable = h->unparseable;
    out->nstages = cfg->nstages;
    out->stages = xcalloc(cfg->nstages ? cfg->nstages : 1, sizeof *out->stages);
    for (size_t s = 0; s < cfg->nstages; s++)
        out->stages[s].def = &cfg->stages[s];
    for (int b = 0; b < STATS_PUSH_BUCKETS; b++)
        out->by_pushes[b].pushes = b;
    if (groups && groups->ngroups && cfg->nstages) {
        out->ngroups = groups->ngroups;
        out->by_group = xcalloc(groups->ngroups * cfg->nstages, sizeof *out->by_group);
    }
    stage_samples *samples = xcalloc(cfg->nstages ? cfg->nstages : 1, sizeof *samples);
    size_t n = cfg->nstages ? cfg->nstages : 1;
    deal_stages ds = {xcalloc(n, sizeof(int)), xcalloc(n, sizeof(bool)), xcalloc(n, sizeof(bool))};
    int *slips = NULL;
    size_t nslips = 0;
    for (size_t i = 0; i < h->nevents;)
        one_deal(cfg, h, &i, today, groups, &ds, samples, out, &slips, &nslips);
    summarize(out, samples, slips, nslips);
    free(slips);
    free(samples);
    free(ds.days);
    free(ds.entered);
    free(ds.forward);
}

int stats_suggested_probability(int won, int decided)
{
    if (decided < CALIBRATION_MIN_DECIDED)
        return -1;
    return (won * 100 + decided / 2) / decided;
}

void stats_free(stats_result *s)
{
    free(s->stages);
    free(s->by_group);
    memset(s, 0, sizeof *s);
}
