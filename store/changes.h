/* "What changed", in words: compares two versions of a deal (pure; unit-tested), and
 * lists the conflicts sync recorded in pipeline.json. sync_changes (sync.h) runs them
 * over two commits. */
#ifndef DB_CHANGES_H
#define DB_CHANGES_H

#include <cjson/cJSON.h>

#include "../pipeline/config.h"
#include "../pipeline/date.h"
#include "../pipeline/deal.h"

typedef void (*changes_emit_fn)(void *ud, const char *words);

/* old NULL: a new deal; new NULL: the deal's file was removed. cfg (may be NULL)
 * names the stages. Emits one line per change, in a fixed order. "next step
 * overdue" is emitted only as news: the step was set or changed to a past date,
 * or the deal was reopened with one; an untouched overdue step is not repeated. */
void changes_describe(const deal *old, const deal *new, const pipeline_cfg *cfg, db_day today,
                      changes_emit_fn emit, void *ud);

/* pipeline.json's "conflicts" list (a same-key conflict's losing value, recorded by
 * sync's merge; it stays until a person removes the entry): emits each entry's text,
 * skipping ids that `old` (an earlier version of the file, may be NULL) has too.
 * Either document may be NULL or not an object. Returns how many were emitted. */
int changes_pipeline_conflicts(const cJSON *old, const cJSON *now, changes_emit_fn emit,
                               void *ud);
/* The same for the work tree's pipeline.json under root: the open conflicts. */
int changes_open_conflicts(const char *root, changes_emit_fn emit, void *ud);

#endif
