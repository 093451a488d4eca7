/* Status-quo clusters (SPEC §9): deals grouped by what the buyer does today
 * (the `cluster` field), with their outcomes and where they stall. Pure. */
#ifndef DB_CLUSTERS_H
#define DB_CLUSTERS_H

#include <stddef.h>

#include "cluster_insights.h"
#include "config.h"
#include "deal.h"

typedef struct {
    char *name;          /* the cluster as written (trimmed); NULL: deals without one */
    int open, won, lost, moved_on;
    /* Where its deals stall most: the stage (index in cfg->stages) with the
     * most of its deals that stopped there, counting open deals flagged
     * stalled in the stage today and lost or moved-on deals that were in
     * the stage when they closed. Ties go to the earlier stage; -1: none. */
    int stall_stage;
    int stall_count;
    /* Insights that worked on its deals (clusters_add_insight), most recent first. */
    cluster_insight *insights;
    size_t ninsights;
} cluster_row;

typedef struct {
    cluster_row *rows;   /* by deals (all statuses) descending, then name; "(none)" last */
    size_t count;
} cluster_table;

/* Groups the deals (light ones will do: `cluster`, `stage` and what the
 * stalled rule reads are light) as of today. */
void clusters_compute(const pipeline_cfg *cfg, deal *const *deals, size_t n, db_day today,
                      cluster_table *out);
void clusters_free(cluster_table *t);
/* Files one deal's insight that worked (cluster_insight_of; taken) under
 * the row of the deal's cluster; false (and freed) when the table has no
 * such row. clusters_sort_insights then puts each row's most recent first. */
bool clusters_add_insight(cluster_table *t, const deal *d, cluster_insight *taken);
void clusters_sort_insights(cluster_table *t);
/* The row of deal d's cluster, or NULL. */
const cluster_row *clusters_row_of(const cluster_table *t, const deal *d);
/* Won / decided (won + lost + moved on), as a whole percent rounded down;
 * -1 when nothing is decided yet. */
int cluster_win_rate(const cluster_row *r);
/* The row's name for people: "(none)" for deals without a cluster. */
const char *cluster_label(const cluster_row *r);
/* The cluster a deal belongs to: its `cluster` without surrounding blanks
 * (the caller frees it), NULL when it says nothing. */
char *cluster_of(const deal *d);
/* The same for a text (a name typed in the board's filter). */
char *cluster_name(const char *text);

#endif
