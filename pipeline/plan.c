#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void plan_new_step_id(char out[PLAN_ID_LEN + 1])
{
    char hex[9];
    text_new_log_id(hex);
    snprintf(out, PLAN_ID_LEN + 1, "p%.6s", hex);
}

void plan_order_key(db_day due, char out[DATE_LEN])
{
    if (due == DAY_NONE)
        snprintf(out, DATE_LEN, "~");          /* after every date */
    else
        date_format(due, out);
}

size_t plan_insert_index(const deal *d, db_day due, const char *id)
{
    char key[DATE_LEN], other[DATE_LEN];
    plan_order_key(due, key);
    size_t i = 0;
    for (; i < d->nplan; i++) {
        plan_order_key(d->plan[i].due, other);
        int c = strcmp(other, key);
        if (c > 0 || (c == 0 && strcmp(d->plan[i].id, id) > 0))
            break;
    }
    return i;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!is_digit(*s))
            return false;
    return true;
}

int plan_find_step(const deal *d, const char *step, db_err *err)
{
    step = step ? step : "";
    if (!d->nplan)
        return db_fail(err, DB_EUSAGE, "%s has no plan yet: add a step with 'plan %s add TEXT'",
                       d->id, d->id), -1;
    if (all_digits(step)) {
        long n = strtol(step, NULL, 10);
        if (n >= 1 && (size_t)n <= d->nplan)
            return (int)(n - 1);
        return db_fail(err, DB_EUSAGE, "step %s: the plan has steps 1 to %zu ('plan %s' lists them)",
                       step, d->nplan, d->id), -1;
    }
    int found = -1;
    for (size_t i = 0; i < d->nplan && *step; i++) {
        if (str_eq(d->plan[i].id, step))
            return (int)i;
        if (strncmp(d->plan[i].id, step, strlen(step)) == 0) {
            if (found >= 0)
                return db_fail(err, DB_EUSAGE,
                               "step %s: more than one step's id starts so; type more of it "
                               "or its number ('plan %s' lists them)", step, d->id), -1;
            found = (int)i;
        }
    }
    if (found < 0)
        db_fail(err, DB_EUSAGE, "step '%s': no such step; name it by its number or id ('plan %s' "
                "lists them)", step, d->id);
    return found;
}

plan_summary plan_summarize(const deal *d)
{
    if (d->partial)
        return (plan_summary){d->plan_buyer_open, d->plan_buyer_due};
    plan_summary s = {0, DAY_NONE};
    for (size_t i = 0; i < d->nplan; i++) {
        const plan_entry *p = &d->plan[i];
        if (p->owner != PLAN_BUYER || p->done != DAY_NONE)
            continue;
        s.buyer_open++;
        if (p->due != DAY_NONE && (s.buyer_due == DAY_NONE || p->due < s.buyer_due))
            s.buyer_due = p->due;
    }
    return s;
}

/* ---- the CSV cell ---- */

void cell_put_escaped(strbuf *sb, const char *s)
{
    for (s = s ? s : ""; *s; s++) {
        if (*s == '\\' || *s == ';')
            sb_printf(sb, "\\%c", *s);
        else if (*s == '\n')
            sb_puts(sb, "\\n");
        else if (*s == '\r')
            sb_puts(sb, "\\r");
        else
            sb_printf(sb, "%c", *s);
    }
}

char *plan_to_cell(const deal *d)
{
    strbuf sb = {0};
    sb_puts(&sb, "");
    for (size_t i = 0; i < d->nplan; i++) {
        const plan_entry *p = &d->plan[i];
        char due[DATE_LEN], done[DATE_LEN];
        date_format(p->due, due);
        date_format(p->done, done);
        if (i)
            sb_puts(&sb, "\n");
        cell_put_escaped(&sb, p->id);
        sb_printf(&sb, ";%s;%s;%s;", plan_owner_name(p->owner), due, done);
        cell_put_escaped(&sb, p->text);
        sb_puts(&sb, ";");
        cell_put_escaped(&sb, p->evidence);
    }
    return sb.data;
}

enum { CELL_ID, CELL_OWNER, CELL_DUE, CELL_DONE, CELL_TEXT, CELL_EVIDENCE, CELL_PARTS };

int cell_split_line(char *line, char **parts, int max)
{
    int n = 0;
    char *out = line;
    parts[n++] = out;
    for (char *p = line; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            *out++ = *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
        } else if (*p == ';') {
            *out++ = '\0';
            if (n == max)
                return -1;
            parts[n++] = out;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
    return n;
}

static int read_line(deal *into, char *line, int number, db_err *err)
{
    char *part[CELL_PARTS];
    plan_owner owner;
    db_day due = DAY_NONE, done = DAY_NONE;
    if (cell_split_line(line, part, CELL_PARTS) != CELL_PARTS)
        return db_fail(err, DB_EUSAGE, "line %d: expected id;owner;due;done;text;evidence "
                       "(a ';' inside a text is written \\;)", number);
    if (!*part[CELL_ID])                     /* any id a deal file may hold, but one */
        return db_fail(err, DB_EUSAGE, "line %d: the step has no id (like p3f2a1c)", number);
    if (!plan_owner_parse(part[CELL_OWNER], &owner))
        return db_fail(err, DB_EUSAGE, "line %d: owner '%.40s': expected buyer or us", number,
                       part[CELL_OWNER]);
    if ((*part[CELL_DUE] && !date_parse(part[CELL_DUE], &due)) ||
        (*part[CELL_DONE] && !date_parse(part[CELL_DONE], &done)))
        return db_fail(err, DB_EUSAGE, "line %d: dates are YYYY-MM-DD or empty", number);
    deal_add_plan_step(into, part[CELL_ID], owner, part[CELL_TEXT], due, done,
                       *part[CELL_EVIDENCE] ? part[CELL_EVIDENCE] : NULL);
    return 0;
}

int cell_read_lines(const char *cell, deal *into, cell_line_reader read_line, db_err *err)
{
    char *copy = xstrdup(cell ? cell : ""), *save = NULL;
    int rc = 0, number = 1;
    for (char *line = strtok_r(copy, "\n", &save); line && !rc;
         line = strtok_r(NULL, "\n", &save), number++) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')           /* a spreadsheet's line break */
            line[n - 1] = '\0';
        if (*line)
            rc = read_line(into, line, number, err);
    }
    free(copy);
    return rc;
}

int plan_from_cell(deal *d, const char *cell, db_err *err)
{
    deal parsed;
    deal_init(&parsed);
    int rc = cell_read_lines(cell, &parsed, read_line, err);
    if (!rc) {
        plan_entry *old = d->plan;
        size_t nold = d->nplan;
        d->plan = parsed.plan;
        d->nplan = parsed.nplan;
        parsed.plan = old;
        parsed.nplan = nold;
    }
    deal_free(&parsed);
    return rc;
}
