#include "people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "text.h"

static const char *const role_names[] = {
#define X(e, name) name,
    PEOPLE_ROLES(X)
#undef X
};
enum { ROLE_NAMES = sizeof role_names / sizeof *role_names };

const char *people_role_list(void)
{
    static char list[160];
    if (!*list)
        for (int i = 0; i < ROLE_NAMES; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     role_names[i]);
    return list;
}

bool people_role_valid(const char *role, db_err *err)
{
    for (int i = 0; i < ROLE_NAMES; i++)
        if (str_eq(role, role_names[i]))
            return true;
    db_fail(err, DB_EUSAGE, "role '%s': not a role; use one of %s", role ? role : "",
            people_role_list());
    return false;
}

void people_new_id(char out[PERSON_ID_LEN + 1])
{
    char hex[9];
    text_new_log_id(hex);
    snprintf(out, PERSON_ID_LEN + 1, "h%.6s", hex);
}

size_t people_insert_index(const deal *d, const char *name, const char *id)
{
    size_t i = 0;
    for (; i < d->npeople; i++) {
        int c = strcmp(d->people[i].name, name);
        if (c > 0 || (c == 0 && strcmp(d->people[i].id, id) > 0))
            break;
    }
    return i;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

int people_find(const deal *d, const char *who, db_err *err)
{
    who = who ? who : "";
    if (!d->npeople)
        return db_fail(err, DB_EUSAGE, "%s has no people yet: add one with 'person %s add NAME "
                       "--role ROLE'", d->id, d->id), -1;
    if (all_digits(who)) {
        long n = strtol(who, NULL, 10);
        if (n >= 1 && (size_t)n <= d->npeople)
            return (int)(n - 1);
        return db_fail(err, DB_EUSAGE, "person %s: the committee has people 1 to %zu "
                       "('person %s' lists them)", who, d->npeople, d->id), -1;
    }
    int found = -1;
    for (size_t i = 0; i < d->npeople && *who; i++) {
        if (str_eq(d->people[i].id, who))
            return (int)i;
        if (strncmp(d->people[i].id, who, strlen(who)) == 0) {
            if (found >= 0)
                return db_fail(err, DB_EUSAGE, "person %s: more than one person's id starts so; "
                               "type more of it or their number ('person %s' lists them)", who,
                               d->id), -1;
            found = (int)i;
        }
    }
    if (found < 0)
        db_fail(err, DB_EUSAGE, "person '%s': no such person; name them by number or id "
                "('person %s' lists them)", who, d->id);
    return found;
}

people_summary people_summarize(const deal *d)
{
    if (d->partial)
        return d->people_known;
    people_summary s = {false, false, DAY_NONE};
    for (size_t i = 0; i < d->npeople; i++) {
        const person *p = &d->people[i];
        if (str_eq(p->role, "decision-maker"))
            s.decision_maker = true;
        if (!str_eq(p->role, "champion"))
            continue;
        /* The champion we spoke with last: one engaged champion is enough. */
        if (!s.champion || (p->last_contact != DAY_NONE &&
                            (s.champion_contact == DAY_NONE || p->last_contact > s.champion_contact)))
            s.champion_contact = p->last_contact;
        s.champion = true;
    }
    return s;
}

/* ---- the CSV cell ---- */

char *people_to_cell(const deal *d)
{
    strbuf sb = {0};
    sb_puts(&sb, "");
    for (size_t i = 0; i < d->npeople; i++) {
        const person *p = &d->people[i];
        char contact[DATE_LEN];
        date_format(p->last_contact, contact);
        if (i)
            sb_puts(&sb, "\n");
        cell_put_escaped(&sb, p->id);
        sb_puts(&sb, ";");
        cell_put_escaped(&sb, p->name);
        sb_puts(&sb, ";");
        cell_put_escaped(&sb, p->role);
        sb_puts(&sb, ";");
        cell_put_escaped(&sb, p->stance);
        sb_printf(&sb, ";%s", contact);
    }
    return sb.data;
}

enum { CELL_ID, CELL_NAME, CELL_ROLE, CELL_STANCE, CELL_CONTACT, CELL_PARTS };

static int read_line(deal *into, char *line, int number, db_err *err)
{
    char *part[CELL_PARTS];
    db_day contact = DAY_NONE;
    if (cell_split_line(line, part, CELL_PARTS) != CELL_PARTS)
        return db_fail(err, DB_EUSAGE, "line %d: expected id;name;role;stance;last_contact "
                       "(a ';' inside a text is written \\;)", number);
    if (!*part[CELL_ID])
        return db_fail(err, DB_EUSAGE, "line %d: a person needs an id", number);
    if (*part[CELL_CONTACT] && !date_parse(part[CELL_CONTACT], &contact))
        return db_fail(err, DB_EUSAGE, "line %d: last contact '%s' is not a date (YYYY-MM-DD)",
                       number, part[CELL_CONTACT]);
    deal_add_person(into, part[CELL_ID], part[CELL_NAME], part[CELL_ROLE], part[CELL_STANCE],
                    contact);
    return 0;
}

int people_from_cell(deal *d, const char *cell, db_err *err)
{
    deal parsed;
    deal_init(&parsed);
    int rc = cell_read_lines(cell, &parsed, read_line, err);
    if (!rc) {
        person *old = d->people;
        size_t nold = d->npeople;
        d->people = parsed.people;
        d->npeople = parsed.npeople;
        parsed.people = old;
        parsed.npeople = nold;
    }
    deal_free(&parsed);
    return rc;
}
