#include "csv_io.h"

#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define CSV_MAX_FILE (256u << 20)

char csv_sniff_separator(const char *text, size_t len)
{
    size_t comma = 0, semicolon = 0, tab = 0;
    bool quoted = false;
    for (size_t i = 0; i < len && (quoted || (text[i] != '\n' && text[i] != '\r')); i++) {
        char c = text[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && c == ',')
            comma++;
        else if (!quoted && c == ';')
            semicolon++;
        else if (!quoted && c == '\t')
            tab++;
    }
    if (semicolon > comma && semicolon >= tab)
        return ';';
    return tab > comma ? '\t' : ',';
}

/* ---- reading ---------------------------------------------------------- */

typedef struct {
    struct csv_parser parser;
    char **cells;
    size_t ncells, cap;
    long line, record_line;     /* record_line 0: between records */
    csv_record_fn fn;
    void *ud;
    int rc;
} reader;

static void free_cells(reader *r)
{
    for (size_t i = 0; i < r->ncells; i++)
        free(r->cells[i]);
    r->ncells = 0;
}

/* libcsv: one cell ended. */
static void on_cell(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->rc)
        return;
    if (r->ncells == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->cells = xrealloc(r->cells, r->cap * sizeof *r->cells);
    }
    char *cell = xmalloc(len + 1), *out = cell;
    const char *in = s ? s : "";
    for (size_t i = 0; i < len; i++)
        if (!(in[i] == '\r' && i + 1 < len && in[i + 1] == '\n'))
            *out++ = in[i];
    *out = '\0';
    r->cells[r->ncells++] = cell;
}

/* libcsv: one record ended. */
static void on_record(int terminator, void *data)
{
    (void)terminator;
    reader *r = data;
    if (!r->rc) {
        csv_record rec = {(const char *const *)r->cells, r->ncells, r->record_line};
        r->rc = r->fn(r->ud, &rec);
    }
    free_cells(r);
    r->record_line = 0;
}

/* Bytes libcsv skips between records: they do not start one. */
static bool starts_record(unsigned char c, char sep)
{
    return c != '\r' && c != '\n' && ((c != ' ' && c != '\t') || c == (unsigned char)sep);
}

static long line_at(const char *text, size_t pos)
{
    long line = 1;
    for (size_t i = 0; i < pos; i++)
        line += text[i] == '\n';
    return line;
}

static int check_encoding(const char *text, size_t len, const char *name, db_err *err)
{
    const unsigned char *u = (const unsigned char *)text;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return db_fail(err, DB_EUSAGE, "%s: UTF-16 text; save it as \"CSV UTF-8\"", name);
    const char *nul = memchr(text, '\0', len);
    if (nul)
        return db_fail(err, DB_EUSAGE, "%s:%ld: a NUL byte; not a CSV text file (save it as "
                       "\"CSV UTF-8\")", name, line_at(text, (size_t)(nul - text)));
    return 0;
}

/* Skips a UTF-8 BOM and an Excel "sep=X" line; returns where records start. */
static size_t preamble(const char *text, size_t len, char *sep, long *line)
{
    size_t at = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    *sep = csv_sniff_separator(text + at, len - at);
    *line = 1;
    if (len - at >= 5 && strncmp(text + at, "sep=", 4) == 0) {
        size_t end = at + 5 + (len - at > 5 && text[at + 5] == '\r');
        if (end < len && text[end] == '\n') {
            *sep = text[at + 4];
            *line = 2;
            return end + 1;
        }
    }
    return at;
}

/* Feeds libcsv a byte at a time, to know the line each record starts on. */
static int parse_records(reader *r, const char *text, size_t len, size_t at, char sep,
                         const char *name, db_err *err)
{
    for (size_t i = at; i < len && !r->rc; i++) {
        unsigned char c = (unsigned char)text[i];
        if (!r->record_line && starts_record(c, sep))
            r->record_line = r->line;
        if (csv_parse(&r->parser, &c, 1, on_cell, on_record, r) != 1)
            return db_fail(err, DB_EUSAGE,
                           "%s:%ld: malformed quotes (a '\"' inside an unquoted cell, or text "
                           "after a closing quote; write \"\" for a quote inside quotes)",
                           name, r->line);
        r->line += c == '\n';
    }
    if (!r->rc && csv_fini(&r->parser, on_cell, on_record, r) != 0)
        return db_fail(err, DB_EUSAGE, "%s:%ld: a quoted cell is never closed", name,
                       r->record_line ? r->record_line : r->line);
    return r->rc;
}

int csv_read_text(const char *text, size_t len, const char *name, csv_record_fn fn, void *ud,
                  db_err *err)
{
    int rc = check_encoding(text, len, name, err);
    if (rc)
        return rc;
    reader r = {.fn = fn, .ud = ud};
    char sep;
    size_t at = preamble(text, len, &sep, &r.line);
    /* Strict: broken quoting is an error with a line number, not cells that
     * silently swallow the rest of the file. */
    if (csv_init(&r.parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return db_fail(err, DB_EIO, "%s: out of memory", name);
    csv_set_delim(&r.parser, (unsigned char)sep);
    rc = parse_records(&r, text, len, at, sep, name, err);
    csv_free(&r.parser);
    free_cells(&r);
    free(r.cells);
    return rc;
}

static int read_all(FILE *f, const char *path, char **out, size_t *len, db_err *err)
{
    strbuf sb = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (sb.len + n > CSV_MAX_FILE) {
            sb_free(&sb);
            return db_fail(err, DB_EUSAGE, "%s: larger than %u MB; split it", path,
                           CSV_MAX_FILE >> 20);
        }
        sb_add(&sb, buf, n);
    }
    if (ferror(f)) {
        sb_free(&sb);
        return db_fail(err, DB_EIO, "%s: %s", path, strerror(errno));
    }
    sb_puts(&sb, "");
    *out = sb.data;
    *len = sb.len;
    return 0;
}

int csv_read_file(const char *path, csv_record_fn fn, void *ud, db_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return db_fail(err, errno == ENOENT ? DB_EUSAGE : DB_EIO, "%s: %s", path,
                       strerror(errno));
    char *text = NULL;
    size_t len = 0;
    int rc = read_all(f, path, &text, &len, err);
    fclose(f);
    if (!rc)
        rc = csv_read_text(text, len, path, fn, ud, err);
    free(text);
    return rc;
}

/* ---- writing ---------------------------------------------------------- */

/* Cells that would read back differently without quotes. */
static bool needs_quotes(const char *cell)
{
    size_t n = strlen(cell);
    return strpbrk(cell, ",\"\r\n") != NULL ||
           (n && (cell[0] == ' ' || cell[0] == '\t' || cell[n - 1] == ' ' || cell[n - 1] == '\t'));
}

void csv_write_record(FILE *out, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *cell = cells[i] ? cells[i] : "";
        if (i)
            fputc(',', out);
        if (needs_quotes(cell))
            csv_fwrite(out, cell, strlen(cell));
        else
            fputs(cell, out);
    }
    fputc('\n', out);
}
