/* Insights that worked (pipeline/cluster_insights.h). */
#include "cluster_insights.h"

#include <stdlib.h>
#include <string.h>

#include "deal_fields.h"
#include "util.h"

/* What the history says happened to the insight the deal has now. */
typedef struct {
    bool found;          /* an event set the insight to this text */
    int stage_then, moved_to;
    bool won;
    int64_t recorded;
} insight_trace;

/* The stage index an event names; -1 for a stage the pipeline lacks. */
static int event_stage(const pipeline_cfg *cfg, const deal_event *e)
{
    return config_stage_index(cfg, e->text ? e->text : "");
}

/* Events [from, to) of one deal, in order: where the last setting of the
 * insight to `hash` happened, and what the deal did after it. An insight
 * the deal came with in its first commit (an import, a file added by hand)
 * is not found: that commit says nothing of when it was written. */
static insight_trace trace(const pipeline_cfg *cfg, const deal_history *h, size_t from, size_t to,
                           int64_t hash)
{
    insight_trace t = {.stage_then = -1, .moved_to = -1};
    int stage = -1;
    for (size_t i = from; i < to; i++) {
        const deal_event *e = &h->events[i];
        if (e->field == EVENT_STAGE)
            stage = event_stage(cfg, e);
        if (e->field == EVENT_INSIGHT && e->num == hash)
            t = (insight_trace){e->commit != h->events[from].commit, stage, -1, false,
                                deal_event_time(h, e)};
        if (!t.found)
            continue;
        if (e->field == EVENT_STAGE && t.stage_then >= 0 && stage > t.stage_then &&
            stage > t.moved_to)
            t.moved_to = stage;
        if (e->field == EVENT_STATUS)
            t.won |= e->num == STATUS_WON;   /* won once counts, reopened or not */
    }
    return t;
}

/* Without history: won, or now past the stage that asks for the insight. */
static bool worked_by_now(const pipeline_cfg *cfg, const deal *d, int *stage_now)
{
    *stage_now = config_stage_index(cfg, d->stage ? d->stage : "");
    int asks = config_stage_index(cfg, "define");
    return d->status == STATUS_WON || *stage_now > (asks < 0 ? 0 : asks);
}

bool cluster_insight_of(const pipeline_cfg *cfg, const deal_history *h, const deal *d,
                        cluster_insight *out)
{
    if (d->partial || deal_text_blank(d->insight))
        return false;
    size_t from = 0, to = 0;
    insight_trace t = {0};
    if (h && deal_history_events_of(h, d->id, &from, &to))
        t = trace(cfg, h, from, to, deal_event_text_hash(d->insight));
    *out = (cluster_insight){.stage_then = -1, .moved_to = -1};
    if (t.found) {
        if (t.moved_to < 0 && !t.won)
            return false;
        out->stage_then = t.stage_then;
        out->moved_to = t.moved_to;
        out->won = t.won;
        out->from_history = true;
        out->recorded = t.recorded;
    } else {
        if (!worked_by_now(cfg, d, &out->moved_to))
            return false;
        out->won = d->status == STATUS_WON;
    }
    out->deal = xstrdup(d->id);
    out->text = xstrdup(d->insight);
    return true;
}

void cluster_insight_free(cluster_insight *i)
{
    free(i->deal);
    free(i->text);
    *i = (cluster_insight){0};
}

static int most_recent_first(const void *pa, const void *pb)
{
    const cluster_insight *a = pa, *b = pb;
    if (a->from_history != b->from_history)
        return a->from_history ? -1 : 1;
    if (a->recorded != b->recorded)
        return a->recorded > b->recorded ? -1 : 1;
    return strcmp(a->deal, b->deal);
}

void cluster_insights_sort(cluster_insight *items, size_t n)
{
    if (n > 1)
        qsort(items, n, sizeof *items, most_recent_first);
}
