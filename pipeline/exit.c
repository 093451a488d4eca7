#include "exit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "text.h"

void exit_new_record_id(char out[EXIT_ID_LEN + 1])
{
    char hex[9];
    text_new_log_id(hex);
    snprintf(out, EXIT_ID_LEN + 1, "e%.6s", hex);
}

size_t exit_insert_index(const deal *d, db_day date, const char *id)
{
    char key[DATE_LEN], other[DATE_LEN];
    plan_order_key(date, key);
    size_t i = 0;
    for (; i < d->nevidence; i++) {
        plan_order_key(d->evidence[i].date, other);
        int c = strcmp(other, key);
        if (c > 0 || (c == 0 && strcmp(d->evidence[i].id, id) > 0))
            break;
    }
    return i;
}

int exit_record_index(const deal *d, const char *id)
{
    for (size_t i = 0; i < d->nevidence; i++)
        if (str_eq(d->evidence[i].id, id))
            return (int)i;
    return -1;
}

bool exit_recorded(const deal *d, const char *stage)
{
    if (d->partial) {
        const char *s = d->evidence_stages;
        size_t n = strlen(stage);
        for (const char *p = s ? strstr(s, stage) : NULL; p; p = strstr(p + 1, stage))
            if (p > s && p[-1] == ' ' && p[n] == ' ')
                return true;
        return false;
    }
    for (size_t i = 0; i < d->nevidence; i++)
        if (d->evidence[i].nseen && str_eq(d->evidence[i].stage, stage))
            return true;
    return false;
}

char *exit_stages_summary(const deal *d)
{
    strbuf sb = {0};
    for (size_t i = 0; i < d->nevidence; i++) {
        const exit_record *r = &d->evidence[i];
        if (!r->nseen || !*r->stage || strchr(r->stage, ' '))
            continue;                        /* a stage id never holds a space */
        if (!sb.data)
            sb_puts(&sb, " ");
        char *word = xasprintf(" %s ", r->stage);
        if (!strstr(sb.data, word))
            sb_printf(&sb, "%s ", r->stage);
        free(word);
    }
    return sb.data;
}

int exit_missing(const pipeline_cfg *cfg, const deal *d, int stage, int *latest)
{
    int count = 0;
    *latest = -1;
    for (int i = 0; i < stage && i < (int)cfg->nstages; i++) {
        if (cfg->stages[i].nexits && !exit_recorded(d, cfg->stages[i].id)) {
            count++;
            *latest = i;
        }
    }
    return count;
}

static bool is_number_list(const char *s)
{
    bool digit = false;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digit = true;
        else if (*s != ',' && *s != ' ')
            return false;
    }
    return digit;
}

static void push_seen(char ***seen, size_t *nseen, const char *outcome)
{
    *seen = xrealloc(*seen, (*nseen + 1) * sizeof **seen);
    (*seen)[(*nseen)++] = xstrdup(outcome);
}

int exit_parse_seen(const stage_def *left, const char *text, char ***seen, size_t *nseen,
                    db_err *err)
{
    *seen = NULL;
    *nseen = 0;
    if (str_empty(text))
        return db_fail(err, DB_EUSAGE, "--seen: say what was seen: outcome numbers (1,3) or words");
    if (!is_number_list(text)) {
        push_seen(seen, nseen, text);
        return 0;
    }
    for (const char *p = text; *p;) {
        char *end;
        long n = strtol(p, &end, 10);
        if (end == p) {
            p++;
            continue;
        }
        p = end;
        if (n < 1 || (size_t)n > left->nexits) {
            for (size_t i = 0; i < *nseen; i++)
                free((*seen)[i]);
            free(*seen);
            *seen = NULL;
            *nseen = 0;
            return left->nexits
                       ? db_fail(err, DB_EUSAGE, "--seen %ld: %s has outcomes 1 to %zu", n,
                                 left->name, left->nexits)
                       : db_fail(err, DB_EUSAGE, "--seen %ld: %s has no exit outcomes in "
                                 "pipeline.json; say in words what was seen", n, left->name);
        }
        bool twice = false;
        for (size_t i = 0; i < *nseen; i++)
            twice = twice || str_eq((*seen)[i], left->exits[n - 1]);
        if (!twice)
            push_seen(seen, nseen, left->exits[n - 1]);
    }
    return 0;
}

/* ---- the CSV cell ---- */

char *exit_to_cell(const deal *d)
{
    strbuf sb = {0};
    sb_puts(&sb, "");
    for (size_t i = 0; i < d->nevidence; i++) {
        const exit_record *r = &d->evidence[i];
        char date[DATE_LEN];
        date_format(r->date, date);
        if (i)
            sb_puts(&sb, "\n");
        cell_put_escaped(&sb, r->id);
        sb_puts(&sb, ";");
        cell_put_escaped(&sb, r->stage);
        sb_printf(&sb, ";%s", date);
        for (size_t k = 0; k < r->nseen; k++) {
            sb_puts(&sb, ";");
            cell_put_escaped(&sb, r->seen[k]);
        }
    }
    return sb.data;
}

enum { CELL_ID, CELL_STAGE, CELL_DATE, CELL_FIRST_SEEN, CELL_MAX = 256 };

static int read_line(deal *into, char *line, int number, db_err *err)
{
    char *part[CELL_MAX];
    db_day date = DAY_NONE;
    int n = cell_split_line(line, part, CELL_MAX);
    if (n <= CELL_FIRST_SEEN)
        return db_fail(err, DB_EUSAGE, "line %d: expected id;stage;date;seen[;seen…] "
                       "(a ';' inside a text is written \\;)", number);
    if (!*part[CELL_ID] || !*part[CELL_STAGE])
        return db_fail(err, DB_EUSAGE, "line %d: the record needs an id (like e3f2a1c) and a "
                       "stage", number);
    if (*part[CELL_DATE] && !date_parse(part[CELL_DATE], &date))
        return db_fail(err, DB_EUSAGE, "line %d: the date is YYYY-MM-DD or empty", number);
    exit_record *r = deal_add_exit_record(into, part[CELL_ID], part[CELL_STAGE], date);
    for (int k = CELL_FIRST_SEEN; k < n; k++)
        exit_record_add_seen(r, part[k]);
    return 0;
}

int exit_from_cell(deal *d, const char *cell, db_err *err)
{
    deal parsed;
    deal_init(&parsed);
    int rc = cell_read_lines(cell, &parsed, read_line, err);
    if (!rc) {
        exit_record *old = d->evidence;
        size_t nold = d->nevidence;
        d->evidence = parsed.evidence;
        d->nevidence = parsed.nevidence;
        parsed.evidence = old;
        parsed.nevidence = nold;
    }
    deal_free(&parsed);
    return rc;
}
