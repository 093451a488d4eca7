/* Exit evidence (SPEC §9): what a seller saw that showed a stage was done,
 * recorded on the deal when it moves forward. Pure functions over
 * deal.evidence and the stages' exit outcomes (pipeline.json "exit"). */
#ifndef DB_EXIT_H
#define DB_EXIT_H

#include "config.h"
#include "deal.h"
#include "util.h"

/* "e" and 6 random hex digits: two teammates recording offline never collide. */
#define EXIT_ID_LEN 7
void exit_new_record_id(char out[EXIT_ID_LEN + 1]);

/* The evidence's order, in files and after a merge: by date, then id.
 * Where a new record goes in d->evidence. */
size_t exit_insert_index(const deal *d, db_day date, const char *id);

/* The record with this id in d->evidence, or -1. */
int exit_record_index(const deal *d, const char *id);

/* Whether something was recorded as seen for the stage, for whole and
 * light deals alike (a light deal carries only evidence_stages). */
bool exit_recorded(const deal *d, const char *stage);
/* A whole deal's stages with evidence, " a b " (NULL: none); caller frees. */
char *exit_stages_summary(const deal *d);

/* The stages before `stage` (an index in cfg) that have exit outcomes and no
 * evidence: how many, and the latest of them (-1: none). */
int exit_missing(const pipeline_cfg *cfg, const deal *d, int stage, int *latest);

/* What the user says was seen on leaving `left`: "2" or "1,3" (the stage's
 * outcomes by their number as listed), else the text itself, the seller's
 * own words. Outcomes go into *seen (caller frees each and the array).
 * DB_EUSAGE with err saying what to type when a number is out of range. */
int exit_parse_seen(const stage_def *left, const char *text, char ***seen, size_t *nseen,
                    db_err *err);

/* A CSV cell: one line a record, "id;stage;date;seen;seen…", escaped as the
 * plan's cell (cell_put_escaped), so it reads back byte for byte. */
char *exit_to_cell(const deal *d);
/* Replaces d's evidence with the cell's; DB_EUSAGE with err ("line 2: why")
 * when the cell does not read (d unchanged). */
int exit_from_cell(deal *d, const char *cell, db_err *err);

#endif
