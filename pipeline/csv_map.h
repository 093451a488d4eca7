/* Deals <-> CSV rows, as pure functions: which header names mean which deal
 * field, how a spreadsheet's money and dates read, and what a row does to a
 * deal. The file format itself (quotes, separators, BOM) is store/csv_io. */
#ifndef DB_CSV_MAP_H
#define DB_CSV_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "deal.h"
#include "deal_fields.h"
#include "edit.h"
#include "util.h"

/* The CSV columns, in export order: the fields of the field table
 * (deal_fields.h) marked CSV, nested ones flattened ("next_step_due"). The
 * log is not a column: it is history, kept in the deal files. */
/* The CSV column's token picks the macro that keeps or drops a row. */
#define CSV_COLUMN_CSV(e) CSV_F_##e,
#define CSV_COLUMN_NOCSV(e)
typedef enum {
#define X(e, group, key, kind, member, need, light, csv, ...) CSV_COLUMN_##csv(e)
    DEAL_FIELDS(X)
#undef X
    CSV_FIELD_COUNT
} csv_field;

const char *csv_field_name(csv_field f);
/* "Deal - Title" -> "dealtitle": ASCII letters and digits, lowercased. */
void csv_normalize_name(const char *in, char *out, size_t size);
/* A header (or --map) name to a field: the field names and common CRM
 * aliases, ignoring case and punctuation; a leading "Deal" / "Opportunity"
 * is optional ("Deal - Value"), except for "id": only a column called id is
 * taken for dealboard's id, since CRM ids ("Deal - ID") are something else. */
bool csv_field_by_name(const char *name, csv_field *out);

/* --map COLUMN=FIELD; field "ignore" (or empty) drops the column. */
typedef struct {
    const char *column, *field;
} csv_override;

/* Which header column feeds each field. */
typedef struct {
    int column[CSV_FIELD_COUNT];   /* -1: the file has no such column */
    char **names;                  /* header cells as written, for messages */
    size_t ncolumns;
} csv_mapping;

/* Maps the header: overrides first, then names and aliases; the first
 * column for a field wins. Fails without a title column, or on an override
 * whose column or field does not exist. */
int csv_mapping_build(csv_mapping *m, const char *const *header, size_t n,
                      const csv_override *overrides, size_t noverrides, db_err *err);
void csv_mapping_free(csv_mapping *m);
/* Header cells no field takes, as "A, B" for a warning; NULL when none. */
char *csv_mapping_unused(const csv_mapping *m);

/* Money as spreadsheets write it, to whole currency units: "48000",
 * "48,000", "48.000", "48 000", "1'234", "48000.00", "1.234,56" (rounded
 * half up), "€48,000", "48.000 €", "USD 48,000", "48.000,-", "48k", "1.5m".
 * A '.' or ',' followed by exactly three digits, after at most three, is a
 * thousands separator; otherwise the last one is the decimal mark.
 * Empty text is 0. Negative amounts are refused. */
bool csv_parse_money(const char *text, int64_t *out);
/* A date as spreadsheets write it: YYYY-MM-DD (or YYYY/MM/DD), DD.MM.YYYY,
 * MM/DD/YYYY; a time after it is ignored ("2027-03-31T00:00:00Z",
 * "3/31/2027 0:00"). Empty text is DAY_NONE. Returns NULL, or why not. */
const char *csv_parse_date(const char *text, db_day *out);
/* The stage by id or name, ignoring case and punctuation; -1 if unknown. */
int csv_stage_lookup(const pipeline_cfg *cfg, const char *text);

/* Spreadsheets run a cell starting with = + - @ as a formula (CSV
 * injection): export puts a ' before such text (and before text that
 * already starts with ' + one of them), import takes one off again. */
char *csv_guard_cell(const char *text);        /* caller frees */
const char *csv_unguard_cell(const char *text);

/* One data row, checked against the pipeline; nothing applied yet. Text
 * points into the row's cells (which must outlive it). */
typedef struct {
    bool has[CSV_FIELD_COUNT];           /* the file has the column */
    const char *text[CSV_FIELD_COUNT];   /* the cell ("" for a short row) */
    db_day day[CSV_FIELD_COUNT];         /* date fields */
    int64_t value;
    int pushes;
    int stage;                           /* index, -1: empty cell */
    deal_status status;
    bool status_given;
} csv_row;

/* All cells empty: a spacer row a spreadsheet left in. */
bool csv_row_is_blank(const char *const *cells, size_t n);
/* Reads and checks a row; err says "COLUMN: why" for the first bad cell. */
int csv_row_read(const pipeline_cfg *cfg, const csv_mapping *m, const char *const *cells,
                 size_t n, csv_row *row, db_err *err);
/* A row's id cell when it holds one ("" otherwise), checked to look like a
 * dealboard id (slug-7f3a9c). */
int csv_row_id(const csv_row *row, const char **id, db_err *err);

/* A new deal from a row; `id` is the row's or a fresh one. Logs the import. */
void csv_row_create(const pipeline_cfg *cfg, const edit_ctx *ctx, const csv_row *row,
                    const char *id, const char *source, deal *out);
/* Applies a row to an existing deal: only the file's columns change; an
 * empty stage or status cell keeps the deal's. Returns the changed fields
 * ("value, stage"; caller frees) and logs them, or NULL when nothing a CSV
 * shows changed (then leave the deal's file alone). */
char *csv_row_update(const pipeline_cfg *cfg, const edit_ctx *ctx, const csv_row *row,
                     deal *d, const char *source);

/* A deal's export cells, one per field (caller frees with csv_cells_free). */
void csv_deal_cells(const deal *d, char *cells[CSV_FIELD_COUNT]);
void csv_cells_free(char *cells[CSV_FIELD_COUNT]);

#endif
