/* Insights that worked (SPEC §9): the insight recorded on a deal that then
 * moved forward, so a seller facing the same status quo can reuse it. Read
 * from the event index (pipeline/deal_events.h) when it knows the deal; a
 * deal it does not know is judged by where it is now, and marked so. Pure. */
#ifndef DB_CLUSTER_INSIGHTS_H
#define DB_CLUSTER_INSIGHTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "deal.h"
#include "deal_events.h"

typedef struct {
    char *deal;          /* the deal's id */
    char *text;          /* the insight as written: untrusted, sanitize before showing */
    /* From the history: the stage (index in cfg->stages) the deal was in
     * when its insight was set to this text, and the furthest later stage
     * it reached afterwards (-1: it was won without a later stage). Without
     * history: stage_then -1 (not known) and moved_to the stage it is in. */
    int stage_then;
    int moved_to;
    bool won;            /* won after the insight was recorded (without history: is won) */
    bool from_history;
    int64_t recorded;    /* Unix time the insight was set (from_history), else 0 */
} cluster_insight;

/* Whether the insight of d (a whole deal: light ones have no text) worked:
 * with history (h may be NULL), set while in stage S and then moved to a
 * stage after S or won; without (h does not know when the deal's insight
 * was set: no history, or the deal came with it in its first commit), the
 * deal is won or now in a stage after `define` (the stage that asks for the
 * insight; the first stage when the pipeline has none). Fills *out
 * (cluster_insight_free) only when it did. */
bool cluster_insight_of(const pipeline_cfg *cfg, const deal_history *h, const deal *d,
                        cluster_insight *out);
void cluster_insight_free(cluster_insight *i);
/* Most recent first: those from the history by when they were recorded,
 * then the others; ties by deal id. */
void cluster_insights_sort(cluster_insight *items, size_t n);

#endif
