/* Insights that worked, per status-quo cluster (pipeline/cluster_insights.h),
 * from the deals' whole files and the event index. */
#ifndef DB_EVENTS_CLUSTERS_H
#define DB_EVENTS_CLUSTERS_H

#include "../pipeline/clusters.h"
#include "events.h"

/* Files under t's rows the insights that worked: each deal (light ones will
 * do) that has an insight is read whole and judged against the history of
 * HEAD. When the history cannot be read (a shallow clone), *history_known
 * is false and each insight is judged by where its deal is now. A deal
 * that cannot be read is left out. */
void events_cluster_insights(db_repo *repo, deal *const *deals, size_t n, cluster_table *t,
                             events_progress_fn progress, void *ud, bool *history_known);

#endif
