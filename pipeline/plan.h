/* The shared plan of a deal (SPEC §9): the buyer's steps and ours toward a
 * decision. Pure functions over deal.plan: finding a step as a user names
 * it, where a new step goes, the compact text a CSV cell holds, and what
 * the move-on rules need to know of it. */
#ifndef DB_PLAN_H
#define DB_PLAN_H

#include "deal.h"
#include "util.h"

/* "p" and 6 random hex digits: two teammates adding steps offline do not
 * collide (the merge keeps both by id). */
#define PLAN_ID_LEN 7
void plan_new_step_id(char out[PLAN_ID_LEN + 1]);

/* The plan's order, in files and after a merge: by due date (steps without
 * one last), then by id. Where a new step goes in d->plan. */
size_t plan_insert_index(const deal *d, db_day due, const char *id);
/* The order's key of one step ("2027-03-01", "~" without a date). */
void plan_order_key(db_day due, char out[DATE_LEN]);

/* A step as the user names it: its number as listed (1, 2, ...), its id
 * or a unique prefix of its id. Returns its index, or -1 with err saying
 * what to type instead. */
int plan_find_step(const deal *d, const char *step, db_err *err);

/* What the move-on rules need of a plan, for whole and light deals alike
 * (a light deal carries only this). */
typedef struct {
    int buyer_open;      /* buyer steps not done yet */
    db_day buyer_due;    /* the earliest due date among them; DAY_NONE: none dated */
} plan_summary;
plan_summary plan_summarize(const deal *d);

/* A CSV cell: one line a step, "id;owner;due;done;text;evidence", with
 * '\\' before a '\\' or ';', "\\n" and "\\r" for line breaks inside a text, so
 * it reads back byte for byte. Empty plan: "". */
char *plan_to_cell(const deal *d);
/* Replaces d's plan with the cell's; DB_EUSAGE with err ("line 2: why") when the
 * cell does not read as a plan (d unchanged). */
int plan_from_cell(deal *d, const char *cell, db_err *err);

/* The cell's escaping, shared by the lists that have a CSV cell (the plan,
 * exit evidence): s written with '\\' before '\\' and ';', "\\n", "\\r". */
void cell_put_escaped(strbuf *sb, const char *s);
/* Splits one line at unescaped ';' into at most max parts, unescaped in
 * place; their number, or -1 when there are more. */
int cell_split_line(char *line, char **parts, int max);
/* Reads a cell line by line (a trailing '\r' dropped, empty lines skipped)
 * into `into` with read_line(into, line, its 1-based number, err); stops at
 * the first line that does not read. */
typedef int (*cell_line_reader)(deal *into, char *line, int number, db_err *err);
int cell_read_lines(const char *cell, deal *into, cell_line_reader read_line, db_err *err);

#endif
