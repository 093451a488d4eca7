/* CSV files through libcsv (RFC 4180): quoted cells with separators, quotes
 * and newlines in them; UTF-8 with or without a BOM; ',' ';' or tab as the
 * separator, sniffed from the header line (or given by Excel's "sep=;"). */
#ifndef DB_CSV_IO_H
#define DB_CSV_IO_H

#include <stdio.h>

#include "../pipeline/util.h"

typedef struct {
    const char *const *cells;   /* UTF-8 as in the file; CRLF inside a cell becomes LF */
    size_t ncells;
    long line;                  /* physical line the record starts on, from 1 */
} csv_record;

/* Called for every record, the header first; a non-zero return stops the
 * reading and is returned. */
typedef int (*csv_record_fn)(void *ud, const csv_record *rec);

/* `name` is the file's name in errors ("crm.csv:7: ..."). Fails on UTF-16,
 * NUL bytes and malformed quoting (a quote inside an unquoted cell, text
 * after a closing quote, a quote never closed). */
int csv_read_text(const char *text, size_t len, const char *name, csv_record_fn fn, void *ud,
                  db_err *err);
int csv_read_file(const char *path, csv_record_fn fn, void *ud, db_err *err);

/* The separator of the first line: the most frequent of , ; and tab outside
 * quotes (',' on a tie or when there is none). */
char csv_sniff_separator(const char *text, size_t len);

/* One record with ',' separators and a "\n" end; cells are quoted (by
 * libcsv's csv_fwrite) only when they need it. */
void csv_write_record(FILE *out, const char *const *cells, size_t n);

#endif
