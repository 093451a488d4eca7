/* The buying committee of a deal (SPEC §9): the people on the buyer's side,
 * each with a role, the seller's read of their stance and the day we last
 * spoke with them. Pure functions over deal.people: the roles, finding a
 * person as a user names them, where a new person goes, the CSV cell, and
 * what the committee rules need to know of it. */
#ifndef DB_PEOPLE_H
#define DB_PEOPLE_H

#include "deal.h"
#include "util.h"

/* The roles a person may have: X(ENUM, "name"). */
#define PEOPLE_ROLES(X)                 \
    X(CHAMPION, "champion")             \
    X(DECISION_MAKER, "decision-maker") \
    X(FINANCE, "finance")               \
    X(USER, "user")                     \
    X(TECHNICAL, "technical")           \
    X(BLOCKER, "blocker")

/* Whether role is one of PEOPLE_ROLES; err lists them when it is not. */
bool people_role_valid(const char *role, db_err *err);
/* "champion, decision-maker, ..." (static). */
const char *people_role_list(void);

/* "h" and 6 random hex digits: two teammates adding people offline do not
 * collide (the merge keeps both by id). */
#define PERSON_ID_LEN 7
void people_new_id(char out[PERSON_ID_LEN + 1]);

/* The committee's order, in files and after a merge: by name, then by id.
 * Where a new person goes in d->people. */
size_t people_insert_index(const deal *d, const char *name, const char *id);

/* A person as the user names them: their number as listed (1, 2, ...),
 * their id or a unique prefix of it. Their index, or -1 with err saying
 * what to type instead. */
int people_find(const deal *d, const char *who, db_err *err);

/* What the committee rules need, for whole and light deals alike (a light
 * deal carries only this). */
people_summary people_summarize(const deal *d);

/* A CSV cell: one line a person, "id;name;role;stance;last_contact", escaped
 * as the plan's cell (plan.h), so it reads back byte for byte. None: "". */
char *people_to_cell(const deal *d);
/* Replaces d's people with the cell's; DB_EUSAGE with err ("line 2: why")
 * when the cell does not read as people (d unchanged). */
int people_from_cell(deal *d, const char *cell, db_err *err);

#endif
