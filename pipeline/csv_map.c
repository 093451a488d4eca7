#include "csv_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "reference.h"
#include "exit.h"
#include "people.h"
#include "text.h"

/* The table's field behind each column. */
#define COLUMN_FIELD_CSV(e) DF_##e,
#define COLUMN_FIELD_NOCSV(e)
static const deal_field column_fields[CSV_FIELD_COUNT] = {
#define X(e, group, key, kind, member, need, light, csv, ...) COLUMN_FIELD_##csv(e)
    DEAL_FIELDS(X)
#undef X
};

const char *csv_field_name(csv_field f)
{
    return f < CSV_FIELD_COUNT ? deal_fields[column_fields[f]].csv : "";
}

/* ---- header names ----------------------------------------------------- */

#define NAME_MAX_LEN 64

void csv_normalize_name(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = in ? in : ""; *p && n + 1 < size; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out[n++] = c;
    }
    if (size)
        out[n] = '\0';
}

/* Whether `alias` is one of the space-separated names in `aliases`. */
static bool in_aliases(const char *aliases, const char *alias)
{
    size_t n = strlen(alias);
    for (const char *p = aliases; n && *p; p += strcspn(p, " ")) {
        p += strspn(p, " ");
        if (strncmp(p, alias, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
            return true;
    }
    return false;
}

/* The column names first, then the names other tools use for our fields
 * (the table's aliases: Pipedrive, Salesforce, HubSpot exports, hand-made
 * sheets). */
static bool lookup_normalized(const char *norm, csv_field *out)
{
    char field[NAME_MAX_LEN];
    for (int f = 0; f < CSV_FIELD_COUNT; f++) {
        csv_normalize_name(csv_field_name((csv_field)f), field, sizeof field);
        if (strcmp(norm, field) == 0) {
            *out = (csv_field)f;
            return true;
        }
    }
    for (int f = 0; f < CSV_FIELD_COUNT; f++) {
        if (in_aliases(deal_fields[column_fields[f]].aliases, norm)) {
            *out = (csv_field)f;
            return true;
        }
    }
    return false;
}

bool csv_field_by_name(const char *name, csv_field *out)
{
    char norm[NAME_MAX_LEN];
    csv_normalize_name(name, norm, sizeof norm);
    if (lookup_normalized(norm, out))
        return true;
    static const char *const prefixes[] = {"deal", "opportunity", "opp"};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(norm, prefixes[i], n) == 0 && norm[n] &&
            lookup_normalized(norm + n, out) && *out != CSV_F_ID)
            return true;
    }
    return false;
}

/* ---- the header mapping ----------------------------------------------- */

static char *column_list(const csv_mapping *m)
{
    strbuf sb = {0};
    sb_puts(&sb, "");
    for (size_t i = 0; i < m->ncolumns; i++)
        sb_printf(&sb, "%s%s", i ? ", " : "", m->names[i]);
    return sb.data;
}

static char *field_list(void)
{
    strbuf sb = {0};
    for (int f = 0; f < CSV_FIELD_COUNT; f++)
        sb_printf(&sb, "%s, ", csv_field_name((csv_field)f));
    sb_puts(&sb, "ignore");
    return sb.data;
}

static int find_column(const csv_mapping *m, const char *name, const bool *taken)
{
    char want[NAME_MAX_LEN], have[NAME_MAX_LEN];
    csv_normalize_name(name, want, sizeof want);
    for (size_t i = 0; i < m->ncolumns; i++) {
        csv_normalize_name(m->names[i], have, sizeof have);
        if (!taken[i] && (strcmp(m->names[i], name) == 0 || (*want && strcmp(want, have) == 0)))
            return (int)i;
    }
    return -1;
}

static int apply_override(csv_mapping *m, const csv_override *ov, bool *taken, db_err *err)
{
    int col = find_column(m, ov->column, taken);
    if (col < 0) {
        char *list = column_list(m);
        int rc = db_fail(err, DB_EUSAGE, "--map %s: no such column (columns: %s)", ov->column,
                         list);
        free(list);
        return rc;
    }
    taken[col] = true;
    if (str_empty(ov->field) || str_eq(ov->field, "ignore"))
        return 0;
    csv_field f;
    if (!csv_field_by_name(ov->field, &f)) {
        char *list = field_list();
        int rc = db_fail(err, DB_EUSAGE, "--map %s=%s: unknown field (fields: %s)", ov->column,
                         ov->field, list);
        free(list);
        return rc;
    }
    if (m->column[f] >= 0)
        return db_fail(err, DB_EUSAGE, "--map: two columns map to %s", csv_field_name(f));
    m->column[f] = col;
    return 0;
}

static void map_by_name(csv_mapping *m, const bool *taken)
{
    for (size_t i = 0; i < m->ncolumns; i++) {
        csv_field f;
        if (!taken[i] && csv_field_by_name(m->names[i], &f) && m->column[f] < 0)
            m->column[f] = (int)i;
    }
}

int csv_mapping_build(csv_mapping *m, const char *const *header, size_t n,
                      const csv_override *overrides, size_t noverrides, db_err *err)
{
    memset(m, 0, sizeof *m);
    for (int f = 0; f < CSV_FIELD_COUNT; f++)
        m->column[f] = -1;
    m->ncolumns = n;
    m->names = xcalloc(n ? n : 1, sizeof *m->names);
    for (size_t i = 0; i < n; i++)
        m->names[i] = xstrdup(header[i]);
    bool *taken = xcalloc(n ? n : 1, sizeof *taken);
    int rc = 0;
    for (size_t i = 0; i < noverrides && !rc; i++)
        rc = apply_override(m, &overrides[i], taken, err);
    if (!rc)
        map_by_name(m, taken);
    free(taken);
    if (!rc && m->column[CSV_F_TITLE] < 0 && m->column[CSV_F_ID] < 0) {
        char *list = column_list(m);
        rc = db_fail(err, DB_EUSAGE,
                     "no title column (columns: %s); name one with --map COLUMN=title", list);
        free(list);
    }
    if (rc)
        csv_mapping_free(m);
    return rc;
}

void csv_mapping_free(csv_mapping *m)
{
    for (size_t i = 0; i < m->ncolumns; i++)
        free(m->names[i]);
    free(m->names);
    m->names = NULL;
    m->ncolumns = 0;
}

char *csv_mapping_unused(const csv_mapping *m)
{
    strbuf sb = {0};
    for (size_t i = 0; i < m->ncolumns; i++) {
        bool used = false;
        for (int f = 0; f < CSV_FIELD_COUNT && !used; f++)
            used = m->column[f] == (int)i;
        if (!used && !str_empty(m->names[i]))
            sb_printf(&sb, "%s%s", sb.len ? ", " : "", m->names[i]);
    }
    return sb.data;
}

/* ---- money ------------------------------------------------------------ */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Text around the number: spaces, a currency symbol (any non-ASCII, '$')
 * and at most three letters of a currency code ("EUR", "US$", "kr"). */
static bool is_currency_text(const char *s, size_t n)
{
    int letters = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (is_letter(c))
            letters++;
        else if (!(c == ' ' || c == '\t' || c == '$' || (unsigned char)c >= 0x80))
            return false;
    }
    return letters <= 3;
}

/* "k" / "m" right after the number, then ",-" ("48.000,-"), then a currency. */
static bool read_suffix(const char *s, size_t n, int64_t *scale)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    *scale = 1;
    if (i < n && (s[i] == 'k' || s[i] == 'K' || s[i] == 'm' || s[i] == 'M') &&
        (i + 1 == n || s[i + 1] == ' ')) {
        *scale = s[i] == 'k' || s[i] == 'K' ? 1000 : 1000000;
        i++;
    } else if (i + 1 < n && (s[i] == ',' || s[i] == '.') && s[i + 1] == '-') {
        i += 2;
    }
    return is_currency_text(s + i, n - i);
}

typedef struct {
    char digits[40];      /* whole part, then fraction */
    size_t whole, frac;   /* digit counts */
} amount;

/* The decimal mark's index in s[0..n), or n when every mark groups thousands. */
static size_t decimal_mark(const char *s, size_t n)
{
    size_t last = n, count = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.' || s[i] == ',')
            last = i;
    if (last == n)
        return n;
    if (memchr(s, s[last] == '.' ? ',' : '.', last))   /* "1,234.56", "1.234,56" */
        return last;
    for (size_t i = 0; i < n; i++)
        count += s[i] == s[last];
    if (count > 1)                                      /* "1.234.567" */
        return n;
    size_t after = 0, before = 0;
    for (size_t i = last + 1; i < n && is_digit(s[i]); i++)
        after++;
    for (size_t i = last; i > 0 && is_digit(s[i - 1]); i--)
        before++;
    /* "48,000" and "48.000" group thousands; "48000.000", "1,5", "48.00" do not. */
    return after == 3 && before <= 3 && last + 1 + after == n ? n : last;
}

/* The digits of s[0..n): digits and separators (. , ' _ space, non-ASCII spaces). */
static bool read_amount(const char *s, size_t n, amount *a)
{
    size_t mark = decimal_mark(s, n), used = 0;
    a->whole = a->frac = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (is_digit(c)) {
            if (used + 1 >= sizeof a->digits)
                return false;
            a->digits[used++] = c;
            if (i < mark)
                a->whole++;
            else
                a->frac++;
        } else if (!(c == '.' || c == ',' || c == '\'' || c == '_' || c == ' ' ||
                     (unsigned char)c >= 0x80)) {
            return false;
        }
    }
    a->digits[used] = '\0';
    return a->whole > 0;
}

/* whole * scale + fraction * scale, rounded half up; false on overflow. */
static bool amount_value(const amount *a, int64_t scale, int64_t *out)
{
    int64_t whole = 0, frac = 0, den = 1;
    for (size_t i = 0; i < a->whole; i++) {
        int digit = a->digits[i] - '0';
        if (whole > (DEAL_VALUE_MAX - digit) / 10)
            return false;
        whole = whole * 10 + digit;
    }
    for (size_t i = 0; i < a->frac && i < 9; i++) {
        frac = frac * 10 + (a->digits[a->whole + i] - '0');
        den *= 10;
    }
    if (whole > DEAL_VALUE_MAX / scale)
        return false;
    int64_t part = frac * scale / den, rest = frac * scale % den;
    int64_t v = whole * scale + part + (2 * rest >= den && den > 1 ? 1 : 0);
    if (v > DEAL_VALUE_MAX)
        return false;
    *out = v;
    return true;
}

bool csv_parse_money(const char *text, int64_t *out)
{
    if (!text)
        return false;
    size_t n = strlen(text), first = n, last = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_digit(text[i])) {
            first = first == n ? i : first;
            last = i;
        }
    }
    if (first == n) {
        bool blank = is_currency_text(text, n) && strspn(text, " \t") == n;
        if (blank)
            *out = 0;
        return blank;
    }
    int64_t scale;
    amount a;
    if (!is_currency_text(text, first) || !read_suffix(text + last + 1, n - last - 1, &scale) ||
        !read_amount(text + first, last + 1 - first, &a))
        return false;
    return amount_value(&a, scale, out);
}

/* ---- dates ------------------------------------------------------------ */

static const char *const date_help =
    "is not a date (use YYYY-MM-DD, DD.MM.YYYY or MM/DD/YYYY)";

/* Reads "a<sep>b<sep>c" of 1..4-digit numbers; *len: digits in a. */
static bool three_numbers(const char *s, int part[3], int len[3], char *sep)
{
    const char *p = s;
    *sep = 0;
    for (int i = 0; i < 3; i++) {
        part[i] = len[i] = 0;
        for (; is_digit(*p) && len[i] < 4; p++, len[i]++)
            part[i] = part[i] * 10 + (*p - '0');
        if (len[i] == 0)
            return false;
        if (i == 2)
            break;
        if (!(*p == '-' || *p == '/' || *p == '.') || (*sep && *p != *sep))
            return false;
        *sep = *p++;
    }
    return *p == '\0';
}

/* A real calendar day in 1970..9999, as date_parse accepts. */
static const char *ymd_date(int y, int m, int d, db_day *out)
{
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
        return date_help;
    db_day day = date_from_ymd(y, m, d);
    int yy, mm, dd;
    date_to_ymd(day, &yy, &mm, &dd);
    if (yy != y || mm != m || dd != d)   /* 31 April, 29 February 2027 */
        return date_help;
    *out = day;
    return NULL;
}

/* The date part: up to a space, or a 'T' that starts an ISO time. */
static void date_token(const char *text, char *out, size_t size)
{
    while (*text == ' ' || *text == '\t')
        text++;
    size_t n = 0;
    while (text[n] && text[n] != ' ' && text[n] != '\t' && !(text[n] == 'T' && n == 10) &&
           n + 1 < size)
        n++;
    memcpy(out, text, n);
    out[n] = '\0';
}

const char *csv_parse_date(const char *text, db_day *out)
{
    char token[24];
    date_token(text ? text : "", token, sizeof token);
    int part[3], len[3];
    char sep;
    if (!*token) {
        *out = DAY_NONE;
        return NULL;
    }
    if (!three_numbers(token, part, len, &sep))
        return date_help;
    if (len[0] == 4)
        return ymd_date(part[0], part[1], part[2], out);
    if (len[2] != 4 || sep == '-')
        return date_help;
    if (sep == '.')
        return ymd_date(part[2], part[1], part[0], out);
    if (part[0] > 12 && part[1] <= 12)
        return "looks like DD/MM/YYYY, but a/b/YYYY is read as MM/DD/YYYY "
               "(write YYYY-MM-DD or DD.MM.YYYY)";
    return ymd_date(part[2], part[0], part[1], out);
}

/* ---- stages, status, ids ---------------------------------------------- */

int csv_stage_lookup(const pipeline_cfg *cfg, const char *text)
{
    int found = config_stage_lookup(cfg, text);
    if (found >= 0 || str_empty(text))
        return found;
    char want[NAME_MAX_LEN], id[NAME_MAX_LEN], name[NAME_MAX_LEN];
    csv_normalize_name(text, want, sizeof want);
    for (size_t i = 0; i < cfg->nstages && *want; i++) {
        csv_normalize_name(cfg->stages[i].id, id, sizeof id);
        csv_normalize_name(cfg->stages[i].name, name, sizeof name);
        if (strcmp(want, id) == 0 || strcmp(want, name) == 0)
            return (int)i;
    }
    return -1;
}

static bool status_by_name(const char *text, deal_status *out)
{
    static const struct {
        const char *name;
        deal_status status;
    } names[] = {{"open", STATUS_OPEN}, {"won", STATUS_WON}, {"closedwon", STATUS_WON},
                 {"lost", STATUS_LOST}, {"closedlost", STATUS_LOST},
                 {"movedon", STATUS_MOVED_ON}, {"moveon", STATUS_MOVED_ON}};
    char norm[NAME_MAX_LEN];
    csv_normalize_name(text, norm, sizeof norm);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (strcmp(norm, names[i].name) == 0) {
            *out = names[i].status;
            return true;
        }
    }
    return false;
}

/* slug "-" 6 lowercase hex digits (SPEC §2). */
static bool looks_like_deal_id(const char *id)
{
    size_t n = strlen(id);
    if (!text_valid_id(id) || n < 8 || id[n - 7] != '-')
        return false;
    for (size_t i = n - 6; i < n; i++)
        if (!is_digit(id[i]) && !(id[i] >= 'a' && id[i] <= 'f'))
            return false;
    return true;
}

/* ---- formula guard ---------------------------------------------------- */

static bool runs_as_formula(const char *text)
{
    while (*text == '\'')
        text++;
    return *text && strchr("=+-@\t\r", *text) != NULL;
}

char *csv_guard_cell(const char *text)
{
    text = text ? text : "";
    return runs_as_formula(text) ? xasprintf("'%s", text) : xstrdup(text);
}

const char *csv_unguard_cell(const char *text)
{
    text = text ? text : "";
    return text[0] == '\'' && runs_as_formula(text) ? text + 1 : text;
}

/* ---- reading a row ---------------------------------------------------- */

bool csv_row_is_blank(const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cells[i][strspn(cells[i], " \t")])
            return false;
    return true;
}

static const char *column_name(const csv_mapping *m, csv_field f)
{
    return m->column[f] >= 0 ? m->names[m->column[f]] : csv_field_name((csv_field)f);
}

static bool blank(const char *s) { return s[strspn(s, " \t")] == '\0'; }

static int read_cells(const csv_mapping *m, const char *const *cells, size_t n, csv_row *row,
                      db_err *err)
{
    for (size_t i = m->ncolumns; i < n; i++)
        if (!blank(cells[i]))
            return db_fail(err, DB_EUSAGE, "%zu cells, but the header has %zu columns", n,
                           m->ncolumns);
    for (int f = 0; f < CSV_FIELD_COUNT; f++) {
        int col = m->column[f];
        row->has[f] = col >= 0;
        row->text[f] = col >= 0 && (size_t)col < n ? csv_unguard_cell(cells[col]) : "";
        size_t len = strlen(row->text[f]);
        if (!text_valid_utf8(row->text[f], len))
            return db_fail(err, DB_EUSAGE, "%s: not valid UTF-8 text (save the file as UTF-8)",
                           column_name(m, (csv_field)f));
        if (len > 65536)
            return db_fail(err, DB_EUSAGE, "%s: longer than 64 KiB", column_name(m, (csv_field)f));
    }
    return 0;
}

/* Every date column (the table's DATE fields). */
static int read_dates(const csv_mapping *m, csv_row *row, db_err *err)
{
    for (int f = 0; f < CSV_FIELD_COUNT; f++) {
        if (deal_fields[column_fields[f]].kind != FK_DATE)
            continue;
        const char *why = csv_parse_date(row->text[f], &row->day[f]);
        if (why)
            return db_fail(err, DB_EUSAGE, "%s: '%.80s' %s", column_name(m, (csv_field)f),
                           row->text[f], why);
    }
    return 0;
}

static int read_numbers(const csv_mapping *m, csv_row *row, db_err *err)
{
    const char *value = row->text[CSV_F_VALUE], *pushes = row->text[CSV_F_CLOSE_DATE_PUSHES];
    if (!csv_parse_money(value, &row->value))
        return db_fail(err, DB_EUSAGE,
                       "%s: '%.80s' is not an amount of money (like 48000, 48,000 or €48.000,00)",
                       column_name(m, CSV_F_VALUE), value);
    int64_t n = 0;
    const char *p = pushes + strspn(pushes, " ");
    for (; is_digit(*p) && n <= 100000; p++)
        n = n * 10 + (*p - '0');
    if (!blank(p))
        return db_fail(err, DB_EUSAGE, "%s: '%.80s' is not a whole number",
                       column_name(m, CSV_F_CLOSE_DATE_PUSHES), pushes);
    row->pushes = (int)n;
    return 0;
}

static int read_stage_status(const pipeline_cfg *cfg, const csv_mapping *m, csv_row *row,
                             db_err *err)
{
    const char *stage = row->text[CSV_F_STAGE], *status = row->text[CSV_F_STATUS];
    row->stage = -1;
    if (!blank(stage) && (row->stage = csv_stage_lookup(cfg, stage)) < 0) {
        char *list = config_stage_list(cfg);
        int rc = db_fail(err, DB_EUSAGE, "%s: '%.80s' is not a stage (stages: %s)",
                         column_name(m, CSV_F_STAGE), stage, list);
        free(list);
        return rc;
    }
    row->status_given = !blank(status);
    if (row->status_given && !status_by_name(status, &row->status))
        return db_fail(err, DB_EUSAGE, "%s: '%.80s' is not open, won, lost or moved-on",
                       column_name(m, CSV_F_STATUS), status);
    return 0;
}

static int check_pairs(const csv_mapping *m, const csv_row *row, db_err *err)
{
    if (row->has[CSV_F_TITLE] && blank(row->text[CSV_F_TITLE]))
        return db_fail(err, DB_EUSAGE, "%s: empty; every deal needs a title",
                       column_name(m, CSV_F_TITLE));
    if (row->day[CSV_F_NEXT_STEP_DUE] != DAY_NONE && blank(row->text[CSV_F_NEXT_STEP_TEXT]))
        return db_fail(err, DB_EUSAGE, "%s: a due date without a next step",
                       column_name(m, CSV_F_NEXT_STEP_DUE));
    if (!blank(row->text[CSV_F_SNOOZE_REASON]) && row->day[CSV_F_SNOOZE_UNTIL] == DAY_NONE)
        return db_fail(err, DB_EUSAGE, "%s: a snooze reason without a snooze_until date",
                       column_name(m, CSV_F_SNOOZE_REASON));
    return 0;
}

/* The plan column reads as a plan (pipeline/plan.h's cell), or says which line does not. */
static int read_plan_cell(const csv_mapping *m, const csv_row *row, db_err *err)
{
    if (!row->has[CSV_F_PLAN])
        return 0;
    deal scratch;
    deal_init(&scratch);
    db_err why = {0};
    int rc = plan_from_cell(&scratch, row->text[CSV_F_PLAN], &why);
    deal_free(&scratch);
    return rc ? db_fail(err, DB_EUSAGE, "%s: %s", column_name(m, CSV_F_PLAN), why.msg) : 0;
}

/* The evidence column likewise (pipeline/exit.h's cell). */
static int read_evidence_cell(const csv_mapping *m, const csv_row *row, db_err *err)
{
    if (!row->has[CSV_F_EVIDENCE])
        return 0;
    deal scratch;
    deal_init(&scratch);
    db_err why = {0};
    int rc = exit_from_cell(&scratch, row->text[CSV_F_EVIDENCE], &why);
    deal_free(&scratch);
    return rc ? db_fail(err, DB_EUSAGE, "%s: %s", column_name(m, CSV_F_EVIDENCE), why.msg) : 0;
}

/* The reference column likewise (pipeline/reference.h's cell). */
static int read_reference_cell(const csv_mapping *m, const csv_row *row, db_err *err)
{
    if (!row->has[CSV_F_REFERENCE])
        return 0;
    deal scratch;
    deal_init(&scratch);
    db_err why = {0};
    int rc = reference_from_cell(&scratch, row->text[CSV_F_REFERENCE], &why);
    deal_free(&scratch);
    return rc ? db_fail(err, DB_EUSAGE, "%s: %s", column_name(m, CSV_F_REFERENCE), why.msg) : 0;
}

/* The people column likewise (pipeline/people.h's cell). */
static int read_people_cell(const csv_mapping *m, const csv_row *row, db_err *err)
{
    if (!row->has[CSV_F_PEOPLE])
        return 0;
    deal scratch;
    deal_init(&scratch);
    db_err why = {0};
    int rc = people_from_cell(&scratch, row->text[CSV_F_PEOPLE], &why);
    deal_free(&scratch);
    return rc ? db_fail(err, DB_EUSAGE, "%s: %s", column_name(m, CSV_F_PEOPLE), why.msg) : 0;
}

int csv_row_read(const pipeline_cfg *cfg, const csv_mapping *m, const char *const *cells,
                 size_t n, csv_row *row, db_err *err)
{
    memset(row, 0, sizeof *row);
    int rc = read_cells(m, cells, n, row, err);
    if (!rc)
        rc = read_dates(m, row, err);
    if (!rc)
        rc = read_numbers(m, row, err);
    if (!rc)
        rc = read_stage_status(cfg, m, row, err);
    if (!rc)
        rc = check_pairs(m, row, err);
    if (!rc)
        rc = read_plan_cell(m, row, err);
    if (!rc)
        rc = read_evidence_cell(m, row, err);
    if (!rc)
        rc = read_reference_cell(m, row, err);
    if (!rc)
        rc = read_people_cell(m, row, err);
    return rc;
}

int csv_row_id(const csv_row *row, const char **id, db_err *err)
{
    *id = row->text[CSV_F_ID];
    if (str_empty(*id) || looks_like_deal_id(*id))
        return 0;
    return db_fail(err, DB_EUSAGE,
                   "id: '%.80s' is not a dealboard id (like acme-rollout-7f3a9c); "
                   "--map id=ignore drops the column",
                   *id);
}

/* ---- applying a row --------------------------------------------------- */

/* The file's own text fields (the table's top-level TEXT fields but the id
 * and the stage, which apply_stage moves); a NULLABLE one left blank unsets
 * it. Grouped texts go with their group (apply_next_snooze_moved_on). */
static void apply_texts(const csv_row *row, deal *d)
{
    for (int f = 0; f < CSV_FIELD_COUNT; f++) {
        deal_field df = column_fields[f];
        const deal_field_def *def = &deal_fields[df];
        if (!row->has[f] || def->kind != FK_TEXT || def->group != DG_TOP || df == DF_ID ||
            df == DF_STAGE)
            continue;
        const char *text = row->text[f];
        deal_set_str(deal_field_text(d, df),
                     def->need == NEED_NULLABLE && blank(text) ? NULL : text);
    }
}

static void apply_tags(const csv_row *row, deal *d)
{
    if (!row->has[CSV_F_TAGS])
        return;
    for (size_t i = 0; i < d->ntags; i++)
        free(d->tags[i]);
    d->ntags = 0;
    char *copy = xstrdup(row->text[CSV_F_TAGS]), *save = NULL;
    for (char *tok = strtok_r(copy, ";,", &save); tok; tok = strtok_r(NULL, ";,", &save)) {
        tok += strspn(tok, " \t");
        size_t n = strlen(tok);
        while (n && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
            tok[--n] = '\0';
        if (n)
            deal_add_tag(d, tok);
    }
    free(copy);
}

/* A close date moved later counts a push (back-burner rule), as `set` does,
 * unless the file says how many pushes there were. */
static void apply_close_date(const csv_row *row, deal *d)
{
    if (row->has[CSV_F_CLOSE_DATE]) {
        db_day day = row->day[CSV_F_CLOSE_DATE];
        if (!row->has[CSV_F_CLOSE_DATE_PUSHES] && d->close_date != DAY_NONE &&
            day != DAY_NONE && day > d->close_date)
            d->close_date_pushes++;
        d->close_date = day;
    }
    if (row->has[CSV_F_CLOSE_DATE_PUSHES])
        d->close_date_pushes = row->pushes;
}

static void apply_dates(const csv_row *row, deal *d)
{
    if (row->day[CSV_F_CREATED] != DAY_NONE)
        d->created = row->day[CSV_F_CREATED];
    if (row->day[CSV_F_STAGE_ENTERED] != DAY_NONE)
        d->stage_entered = row->day[CSV_F_STAGE_ENTERED];
    if (row->has[CSV_F_LAST_TOUCH])
        d->last_touch = row->day[CSV_F_LAST_TOUCH];
    apply_close_date(row, d);
}

static void apply_next_snooze_moved_on(const csv_row *row, deal *d)
{
    if (row->has[CSV_F_NEXT_STEP_TEXT]) {
        const char *text = row->text[CSV_F_NEXT_STEP_TEXT];
        deal_set_str(&d->next_text, blank(text) ? NULL : text);
        if (blank(text))
            d->next_due = DAY_NONE;
    }
    if (row->has[CSV_F_NEXT_STEP_DUE])
        d->next_due = row->day[CSV_F_NEXT_STEP_DUE];
    if (row->has[CSV_F_SNOOZE_UNTIL])
        d->snooze_until = row->day[CSV_F_SNOOZE_UNTIL];
    if (row->has[CSV_F_SNOOZE_REASON])
        deal_set_str(&d->snooze_reason, row->text[CSV_F_SNOOZE_REASON]);
    if (d->snooze_until == DAY_NONE)
        deal_set_str(&d->snooze_reason, NULL);
    if (row->has[CSV_F_MOVED_ON_REASON])
        deal_set_str(&d->moved_on_reason, row->text[CSV_F_MOVED_ON_REASON]);
    if (row->has[CSV_F_MOVED_ON_REVISIT])
        d->revisit = row->day[CSV_F_MOVED_ON_REVISIT];
    d->moved_on = !str_empty(d->moved_on_reason) || d->revisit != DAY_NONE;
}

/* A new stage restarts the stall clock, unless the file says when it was entered. */
static void apply_stage(const pipeline_cfg *cfg, const edit_ctx *ctx, const csv_row *row,
                        deal *d)
{
    if (row->stage < 0 || str_eq(d->stage, cfg->stages[row->stage].id))
        return;
    deal_set_str(&d->stage, cfg->stages[row->stage].id);
    d->stage_entered = row->day[CSV_F_STAGE_ENTERED] != DAY_NONE
                           ? row->day[CSV_F_STAGE_ENTERED] : ctx->today;
}

static void apply_row(const pipeline_cfg *cfg, const edit_ctx *ctx, const csv_row *row,
                      deal *d)
{
    apply_texts(row, d);
    apply_stage(cfg, ctx, row, d);
    if (row->status_given)
        d->status = row->status;
    if (row->has[CSV_F_VALUE])
        d->value = row->value;
    apply_dates(row, d);
    apply_tags(row, d);
    apply_next_snooze_moved_on(row, d);
    if (row->has[CSV_F_PLAN])
        plan_from_cell(d, row->text[CSV_F_PLAN], NULL);      /* read_plan_cell checked it */
    if (row->has[CSV_F_EVIDENCE])
        exit_from_cell(d, row->text[CSV_F_EVIDENCE], NULL);  /* read_evidence_cell checked it */
    if (row->has[CSV_F_REFERENCE])
        reference_from_cell(d, row->text[CSV_F_REFERENCE], NULL);  /* read_reference_cell did */
    if (row->has[CSV_F_PEOPLE])
        people_from_cell(d, row->text[CSV_F_PEOPLE], NULL);  /* read_people_cell checked it */
}

static void log_import(const edit_ctx *ctx, deal *d, const char *text)
{
    char id[9], at[TIMESTAMP_LEN];
    text_new_log_id(id);
    timestamp_format(ctx->now, at);
    deal_add_log(d, id, at, ctx->by, "note", text);
}

void csv_row_create(const pipeline_cfg *cfg, const edit_ctx *ctx, const csv_row *row,
                    const char *id, const char *source, deal *out)
{
    deal_init(out);
    out->id = xstrdup(id);
    out->account = xstrdup("");
    out->owner = xstrdup(ctx->by);
    out->stage = xstrdup(cfg->nstages ? cfg->stages[0].id : "");
    out->created = out->stage_entered = ctx->today;
    apply_row(cfg, ctx, row, out);
    char *text = xasprintf("Imported from %s", source);
    log_import(ctx, out, text);
    free(text);
}

static char *changed_fields(char *before[CSV_FIELD_COUNT], char *after[CSV_FIELD_COUNT])
{
    strbuf sb = {0};
    for (int f = 0; f < CSV_FIELD_COUNT; f++)
        if (strcmp(before[f], after[f]) != 0)
            sb_printf(&sb, "%s%s", sb.len ? ", " : "", csv_field_name((csv_field)f));
    return sb.data;
}

char *csv_row_update(const pipeline_cfg *cfg, const edit_ctx *ctx, const csv_row *row,
                     deal *d, const char *source)
{
    char *before[CSV_FIELD_COUNT], *after[CSV_FIELD_COUNT];
    csv_deal_cells(d, before);
    apply_row(cfg, ctx, row, d);
    csv_deal_cells(d, after);
    char *fields = changed_fields(before, after);
    csv_cells_free(before);
    csv_cells_free(after);
    if (fields) {
        char *text = xasprintf("Updated from %s: %s", source, fields);
        log_import(ctx, d, text);
        free(text);
    }
    return fields;
}

/* ---- export cells ----------------------------------------------------- */

static char *date_cell(db_day day)
{
    char buf[DATE_LEN];
    date_format(day, buf);
    return xstrdup(buf);
}

static char *tags_cell(const deal *d)
{
    strbuf sb = {0};
    sb_puts(&sb, "");
    for (size_t i = 0; i < d->ntags; i++)
        sb_printf(&sb, "%s%s", i ? ";" : "", d->tags[i]);
    return sb.data;
}

/* A field's cell; a grouped field's is empty when the deal has no such
 * group (no next step, not snoozed, not moved on). */
static char *field_cell(const deal *d, deal_field f)
{
    bool present = deal_group_present(d, deal_fields[f].group);
    const char *text;
    switch (deal_fields[f].kind) {
    case FK_TEXT:
        text = deal_field_text_of(d, f);
        return xstrdup(present && text ? text : "");
    case FK_DATE: return date_cell(present ? deal_field_day_of(d, f) : DAY_NONE);
    case FK_MONEY: return xasprintf("%lld", (long long)*deal_field_money((deal *)d, f));
    case FK_COUNT: return xasprintf("%d", *deal_field_count((deal *)d, f));
    case FK_STATUS: return xstrdup(deal_status_name(*deal_field_status((deal *)d, f)));
    case FK_TAGS: return tags_cell(d);
    case FK_PLAN: return plan_to_cell(d);
    case FK_EVIDENCE: return exit_to_cell(d);
    case FK_REFERENCE: return reference_to_cell(d);
    case FK_PEOPLE: return people_to_cell(d);
    default: return xstrdup("");
    }
}

void csv_deal_cells(const deal *d, char *c[CSV_FIELD_COUNT])
{
    for (int f = 0; f < CSV_FIELD_COUNT; f++)
        c[f] = field_cell(d, column_fields[f]);
}

void csv_cells_free(char *cells[CSV_FIELD_COUNT])
{
    for (int f = 0; f < CSV_FIELD_COUNT; f++) {
        free(cells[f]);
        cells[f] = NULL;
    }
}
