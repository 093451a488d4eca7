/* Insights that worked, per cluster (events_clusters.h). */
#include "events_clusters.h"

#include "gitutil.h"
#include "repo_internal.h"

/* The history of HEAD; a repository opened for reading (no libgit2 yet)
 * has git opened for the read, as learned limits do. */
static bool read_history(db_repo *repo, deal_history *h, events_progress_fn progress, void *ud)
{
    git_repository *opened = NULL;
    if (!repo->git && repo->gitdir) {
        gitu_setup();
        if (git_repository_open_ext(&opened, repo->root, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
            git_error_clear();
            return false;
        }
        repo->git = opened;
    }
    events_info info;
    db_err err = {0};
    bool ok = events_load(repo, h, progress, ud, &info, &err) == 0;
    if (opened) {
        repo->git = NULL;
        git_repository_free(opened);
    }
    return ok;
}

void events_cluster_insights(db_repo *repo, deal *const *deals, size_t n, cluster_table *t,
                             events_progress_fn progress, void *ud, bool *history_known)
{
    size_t with_insight = 0;
    for (size_t i = 0; i < n; i++)
        with_insight += deal_has_insight(deals[i]);
    *history_known = false;
    if (!with_insight)
        return;   /* nothing to judge: the history need not be read */
    deal_history h = {0};
    *history_known = read_history(repo, &h, progress, ud);
    const pipeline_cfg *cfg = repo_config(repo);
    for (size_t i = 0; i < n; i++) {
        if (!deal_has_insight(deals[i]))
            continue;
        deal whole;
        deal_init(&whole);
        db_err err = {0};
        cluster_insight found;
        if (repo_load_deal(repo, deals[i]->id, &whole, &err) == 0 && !whole.partial &&
            cluster_insight_of(cfg, *history_known ? &h : NULL, &whole, &found))
            clusters_add_insight(t, &whole, &found);
        deal_free(&whole);
    }
    clusters_sort_insights(t);
    deal_history_free(&h);
}
