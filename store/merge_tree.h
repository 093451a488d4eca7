/* Tree-wise three-way merge for sync: deal files and pipeline.json merge as JSON
 * (json_merge3), other files through git's line merge. Nothing is written to the
 * work tree, the index or any ref: the caller gets a tree id to commit. */
#ifndef DB_MERGE_TREE_H
#define DB_MERGE_TREE_H

#include <git2.h>
#include <stdbool.h>

#include "../pipeline/util.h"

typedef struct {
    int deals;          /* deal files the other side changed (taken or merged) */
    int files;          /* other files the other side changed */
    int merged;         /* files changed on both sides and merged */
    int conflicts;      /* same-field conflicts recorded (deal logs, pipeline.json) */
    int pipeline_conflicts; /* of which in pipeline.json's "conflicts" list */
    strbuf unresolved;  /* non-JSON files needing a person, ", "-separated */
} merge_tree_stats;

void merge_tree_stats_free(merge_tree_stats *st);

/* Merges `theirs` into `ours`. Returns 0 and the merged tree in *tree_out;
 * DB_ECONFLICT (st->unresolved names the files) when a non-JSON file has
 * overlapping changes; DB_EIO on git errors. */
int merge_tree_commits(git_repository *git, git_commit *ours, git_commit *theirs,
                       git_oid *tree_out, merge_tree_stats *st, db_err *err);

/* Pure helpers (unit-tested). */
bool merge_is_deal_path(const char *path);    /* deals/<xx>/<id>.json */
bool merge_is_json_path(const char *path);    /* a deal file or pipeline.json */
/* "Merge teammates' changes: 3 deals, 1 conflict recorded", "… recorded in pipeline.json"
 * when all are there. Caller frees. */
char *merge_message(const merge_tree_stats *st);

#endif
