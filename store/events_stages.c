/* Stage id changes in the history (see events_stages.h). */
#include "events_stages.h"

#include <stdlib.h>
#include <string.h>

#include "../pipeline/stage_renames.h"
#include "config_load.h"

#define PIPELINE_PATH "pipeline.json"

bool events_is_pipeline_path(const char *path)
{
    return strcmp(path, PIPELINE_PATH) == 0;
}

typedef enum { STAGES_ABSENT, STAGES_READ, STAGES_INVALID } stages_read;

/* The stages of one version of pipeline.json (blob NULL: no file). */
static stages_read read_stages(git_repository *git, const git_oid *blob_id, pipeline_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    if (!blob_id)
        return STAGES_ABSENT;
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, git, blob_id) < 0) {
        git_error_clear();
        return STAGES_INVALID;
    }
    db_err ignored;
    int rc = config_parse(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), PIPELINE_PATH,
                          cfg, NULL, &ignored);
    git_blob_free(blob);
    if (rc)
        config_free(cfg);
    return rc ? STAGES_INVALID : STAGES_READ;
}

/* pipeline.json's blob in parent k (NULL: none); *id holds it. */
static const git_oid *parent_blob(const treediff_entry *e, git_tree *const *parent_trees, size_t k,
                                  git_oid *id)
{
    if (k == 0)
        return e->old.exists ? &e->old.id : NULL;
    git_tree_entry *te = NULL;
    if (!parent_trees[k] || git_tree_entry_bypath(&te, parent_trees[k], PIPELINE_PATH) < 0) {
        git_error_clear();
        return NULL;
    }
    bool blob = git_tree_entry_type(te) == GIT_OBJECT_BLOB;
    *id = *git_tree_entry_id(te);
    git_tree_entry_free(te);
    return blob ? id : NULL;
}

static bool same_change(const stage_change *a, const stage_change *b)
{
    return (a->from ? b->from && strcmp(a->from, b->from) == 0 : !b->from) &&
           strcmp(a->to, b->to) == 0;
}

/* Keeps in *list (n of them) the changes also in other. */
static void keep_common(stage_change *list, size_t *n, const stage_change *other, size_t nother)
{
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        bool found = false;
        for (size_t j = 0; j < nother && !found; j++)
            found = same_change(&list[i], &other[j]);
        if (found) {
            list[kept++] = list[i];
        } else {
            free(list[i].from);
            free(list[i].to);
        }
    }
    *n = kept;
}

/* The changes from parent k's stages to `after`; false when that parent's
 * pipeline.json cannot tell. */
static bool changes_from(git_repository *git, const treediff_entry *e,
                         git_tree *const *parent_trees, size_t k, const pipeline_cfg *after,
                         stage_change **out, size_t *n)
{
    git_oid id;
    pipeline_cfg before;
    stages_read r = read_stages(git, parent_blob(e, parent_trees, k, &id), &before);
    if (r == STAGES_INVALID)
        return false;
    *n = stage_changes_detect(before.stages, before.nstages, after->stages, after->nstages, out);
    if (r == STAGES_READ)
        config_free(&before);
    return true;
}

static void append(deal_history *h, uint32_t commit, stage_change *list, size_t n)
{
    h->stage_changes = xrealloc(h->stage_changes,
                                (h->nstage_changes + n + 1) * sizeof *h->stage_changes);
    for (size_t i = 0; i < n; i++) {
        list[i].commit = commit;
        h->stage_changes[h->nstage_changes++] = list[i];
    }
    free(list);
}

void events_stage_changes(git_repository *git, deal_history *h, uint32_t commit,
                          const treediff_entry *e, git_tree *const *parent_trees, size_t nparents)
{
    pipeline_cfg after;
    if (!e->new.exists || read_stages(git, &e->new.id, &after) != STAGES_READ)
        return;
    stage_change *list = NULL;
    size_t n = 0;
    bool known = changes_from(git, e, parent_trees, 0, &after, &list, &n);
    for (size_t k = 1; known && n && k < nparents; k++) {
        stage_change *other = NULL;
        size_t nother = 0;
        known = changes_from(git, e, parent_trees, k, &after, &other, &nother);
        if (known)
            keep_common(list, &n, other, nother);
        stage_change_list_free(other, nother);
    }
    config_free(&after);
    if (known && n)
        append(h, commit, list, n);
    else
        stage_change_list_free(list, n);
}
