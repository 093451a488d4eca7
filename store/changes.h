/* "What changed", in words: compares two versions of a deal (pure; unit-tested).
 * sync_changes (sync.h) runs it over the deal files of two commits. */
#ifndef DB_CHANGES_H
#define DB_CHANGES_H

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

#endif
