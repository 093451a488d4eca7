/* The event index's record of stage renames (pipeline/stage_renames.h):
 * what a commit did to pipeline.json's stage ids, read from git. Kept apart
 * from the deal events (store/events.c) it is read beside. */
#ifndef DB_EVENTS_STAGES_H
#define DB_EVENTS_STAGES_H

#include <git2.h>

#include "../pipeline/deal_events.h"
#include "treediff.h"

/* Whether a changed path is the pipeline's settings. */
bool events_is_pipeline_path(const char *path);

/* Appends to h->stage_changes the stage ids that commit `commit` renamed
 * or added: e is pipeline.json in the commit's diff against its first
 * parent; a merge records only what differs from every parent (a side's
 * rename is its own commit's). A version that is not valid pipeline.json
 * records nothing. */
void events_stage_changes(git_repository *git, deal_history *h, uint32_t commit,
                          const treediff_entry *e, git_tree *const *parent_trees,
                          size_t nparents);

#endif
