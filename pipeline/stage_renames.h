/* Stage renames in the history (SPEC §8: the event index survives them).
 * A team that renames a stage id in pipeline.json (explore → discover)
 * rewrites its deals' "stage" in the same commit or later; the history must
 * not take that for a move. The event index keeps what each commit did to
 * the stage ids (deal_events.h stage_change); a stage id recorded in an
 * event is read under the id that stage has now. Pure: no git.
 *
 * A rename is a stage id that one version of pipeline.json loses and the
 * next gains, for the same stage:
 *   1. the same display name ("Explore" kept, id explore → discover); else
 *   2. the same slot: between the same surviving neighbours (the stages
 *      kept on both sides), the only id lost there and the only one gained.
 * An id lost with no partner is a stage removed (its figures are no longer
 * shown; deals moved out of it entered their new stage then); an id gained
 * with none is a stage added. */
#ifndef DB_STAGE_RENAMES_H
#define DB_STAGE_RENAMES_H

#include <stddef.h>

#include "config.h"
#include "deal_events.h"

/* The changes from the stage list `before` to `after`: renames, then
 * additions, each with commit 0 (the caller sets it); returns how many.
 * Caller frees with stage_change_list_free. */
size_t stage_changes_detect(const stage_def *before, size_t nbefore, const stage_def *after,
                            size_t nafter, stage_change **out);
void stage_change_list_free(stage_change *list, size_t n);

/* The id that stage `id`, as recorded by commit `commit`, has now: renames
 * followed in order (a → b → c). A rename away from an id covers the
 * changes recorded with it until the id is added again for a new stage
 * (a reuse): later ones are that new stage's. Returns id itself when it
 * was never renamed (or is NULL). Commits are ordered by author time, then
 * by their canonical index. */
const char *stage_renames_current(const deal_history *h, const char *id, uint32_t commit);

/* For deal_events.c: renumbers the changes' commits (map[old] = new) and
 * sorts them; frees them. */
void stage_changes_canonicalize(deal_history *h, const uint32_t *commit_map);
void stage_changes_free(deal_history *h);

#endif
