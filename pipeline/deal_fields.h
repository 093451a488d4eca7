/* The one table of deal fields (SPEC §2): each field of a deal file, once.
 * The codec (reading, both writers), the load cache (its record and its
 * format), `dealboard set`, CSV import and export, `show` and the JSON merge
 * all walk this table. Adding a plain text field is one line here, its
 * member in struct deal (deal.h) and its words (README, man page); see
 * HACKING.md "Adding a field". */
#ifndef DB_DEAL_FIELDS_H
#define DB_DEAL_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "deal.h"

/* Objects that group fields in the file ("next_step": {"text", "due"}). A
 * group's object is written only when the deal has one (deal_group_present),
 * else null. X(ENUM_SUFFIX, "json key"); TOP: the file's own object. */
#define DEAL_GROUPS(X)            \
    X(TOP, NULL)                  \
    X(NEXT_STEP, "next_step")     \
    X(SNOOZE, "snooze")           \
    X(MOVED_ON, "moved_on")

/* X(ENUM, GROUP, "json key", KIND, member, NEED, LIGHT, CSV, "label", EDIT, "aliases")
 *
 * Rows are in the file's key order, which is also the CSV export's column order.
 *   KIND   TEXT (string), DATE (YYYY-MM-DD or null), MONEY (whole currency
 *          units), COUNT (whole number), STATUS (open|won|lost|moved-on),
 *          TAGS (list of strings), LOG (list of objects by id), PLAN (the
 *          shared plan's steps, objects by id: pipeline/plan.h), EVIDENCE
 *          (exit evidence, objects by id: pipeline/exit.h), REFERENCE
 *          (a won deal as a reference: {ready, asks[]}, pipeline/reference.h), PEOPLE (the
 *          buying committee, objects by id: pipeline/people.h); the kind
 *          also says how the field merges (DEAL_KINDS below).
 *   member the field's member in struct deal.
 *   NEED   OPTIONAL ("" when absent), REQUIRED (never empty), NULLABLE
 *          (absent key when unset; an empty edit unsets it).
 *   LIGHT  LIGHT: light loads carry it; SAYS: they carry only whether it says
 *          anything (deal_field_says); FULL: only full loads carry it.
 *   CSV    CSV: a column named by the key (nested: "group_key"); NOCSV: none.
 *   label  its line in `show` (NULL: none of its own).
 *   EDIT   SET: `dealboard set` writes it; MOVE: `set` moves the deal (listed
 *          last); NOSET: changed only by its own command.
 *   aliases other tools' CSV header names, normalized (csv_normalize_name),
 *          space separated. */
#define DEAL_FIELDS(X)                                                                            \
    X(ID, TOP, "id", TEXT, id, REQUIRED, LIGHT, CSV, "Id", NOSET, "")                             \
    X(TITLE, TOP, "title", TEXT, title, REQUIRED, LIGHT, CSV, "Title", SET,                       \
      "name deal opportunity subject")                                                            \
    X(ACCOUNT, TOP, "account", TEXT, account, OPTIONAL, LIGHT, CSV, "Account", SET,               \
      "accountname organization organisation organizationname org company companyname "          \
      "customer client associatedcompany")                                                        \
    X(OWNER, TOP, "owner", TEXT, owner, OPTIONAL, LIGHT, CSV, "Owner", SET,                       \
      "ownername assignedto salesrep salesperson seller")                                         \
    X(STAGE, TOP, "stage", TEXT, stage, REQUIRED, LIGHT, CSV, "Stage", MOVE,                      \
      "pipelinestage stagename")                                                                  \
    X(STATUS, TOP, "status", STATUS, status, OPTIONAL, LIGHT, CSV, NULL, NOSET, "")               \
    X(VALUE, TOP, "value", MONEY, value, OPTIONAL, LIGHT, CSV, "Value", SET,                      \
      "amount price revenue")                                                                     \
    X(CURRENCY, TOP, "currency", TEXT, currency, NULLABLE, LIGHT, CSV, NULL, SET, "currencycode") \
    X(CREATED, TOP, "created", DATE, created, OPTIONAL, LIGHT, CSV, "Created", NOSET,             \
      "createdon createdat createddate creationdate createdate")                                  \
    X(STAGE_ENTERED, TOP, "stage_entered", DATE, stage_entered, OPTIONAL, LIGHT, CSV, NULL,       \
      NOSET, "laststagechange instagesince")                                                      \
    X(LAST_TOUCH, TOP, "last_touch", DATE, last_touch, OPTIONAL, LIGHT, CSV, "Last touch", NOSET, \
      "lastcontact lastcontacted lastactivity lastactivitydate")                                  \
    X(CLOSE_DATE, TOP, "close_date", DATE, close_date, OPTIONAL, LIGHT, CSV, "Close date", SET,   \
      "closedate expectedclosedate expectedclose closingdate expectedclosingdate")                \
    X(CLOSE_DATE_PUSHES, TOP, "close_date_pushes", COUNT, close_date_pushes, OPTIONAL, LIGHT, CSV, \
      NULL, NOSET, "pushes")                                                                      \
    X(NEXT_STEP_TEXT, NEXT_STEP, "text", TEXT, next_text, OPTIONAL, LIGHT, CSV, "Next step",      \
      NOSET, "nextstep nextaction nextactivity nextactivitysubject")                              \
    X(NEXT_STEP_DUE, NEXT_STEP, "due", DATE, next_due, OPTIONAL, LIGHT, CSV, NULL, NOSET,         \
      "nextstepdue nextstepdate nextactiondate nextactivitydate duedate")                         \
    X(STATUS_QUO, TOP, "status_quo", TEXT, status_quo, OPTIONAL, SAYS, CSV, "Status quo", SET, "") \
    X(INSIGHT, TOP, "insight", TEXT, insight, OPTIONAL, SAYS, CSV, "Insight", SET, "")            \
    X(PERSONA, TOP, "persona", TEXT, persona, OPTIONAL, FULL, CSV, "Persona", SET, "buyerpersona") \
    X(CHAMPION, TOP, "champion", TEXT, champion, OPTIONAL, FULL, CSV, "Champion", SET, "")        \
    X(CLUSTER, TOP, "cluster", TEXT, cluster, NULLABLE, LIGHT, CSV, "Cluster", SET,               \
      "statusquocluster segment")                                                                 \
    X(TAGS, TOP, "tags", TAGS, tags, OPTIONAL, LIGHT, CSV, "Tags", SET, "tag labels label")       \
    X(SNOOZE_UNTIL, SNOOZE, "until", DATE, snooze_until, OPTIONAL, LIGHT, CSV, "Snoozed", NOSET,  \
      "snoozeduntil")                                                                             \
    X(SNOOZE_REASON, SNOOZE, "reason", TEXT, snooze_reason, OPTIONAL, LIGHT, CSV, NULL, NOSET, "") \
    X(MOVED_ON_REASON, MOVED_ON, "reason", TEXT, moved_on_reason, OPTIONAL, LIGHT, CSV,           \
      "Moved on", NOSET, "movedonreason moveonreason")                                            \
    X(MOVED_ON_REVISIT, MOVED_ON, "revisit", DATE, revisit, OPTIONAL, LIGHT, CSV, NULL, NOSET,    \
      "revisit revisitdate")                                                                      \
    X(PLAN, TOP, "plan", PLAN, plan, NULLABLE, FULL, CSV, NULL, NOSET, "mutualplan actionplan")  \
    X(EVIDENCE, TOP, "evidence", EVIDENCE, evidence, NULLABLE, FULL, CSV, NULL, NOSET,           \
      "exitevidence")                                                                             \
    X(REFERENCE, TOP, "reference", REFERENCE, reference, NULLABLE, FULL, CSV, NULL, NOSET, "")  \
    X(PEOPLE, TOP, "people", PEOPLE, people, NULLABLE, FULL, CSV, NULL, NOSET,                   \
      "buyingcommittee")                                          \
    X(LOG, TOP, "log", LOG, log, OPTIONAL, FULL, NOCSV, NULL, NOSET, "")

/* X(KIND, merge): how a changed field merges in sync (store/json_merge.c). */
#define DEAL_KINDS(X)                \
    X(TEXT, LATER_WINS)              \
    X(DATE, LATER_WINS)              \
    X(MONEY, LATER_WINS)             \
    X(COUNT, LATER_WINS)             \
    X(STATUS, LATER_WINS)            \
    X(TAGS, SET_UNION)               \
    X(LOG, UNION_BY_ID)              \
    X(PLAN, STEPS_BY_ID)             \
    X(EVIDENCE, STEPS_BY_ID)         \
    X(REFERENCE, REFERENCE)          \
    X(PEOPLE, STEPS_BY_ID)

typedef enum {
#define X(e, ...) DF_##e,
    DEAL_FIELDS(X)
#undef X
    DF_COUNT
} deal_field;

typedef enum {
#define X(e, key) DG_##e,
    DEAL_GROUPS(X)
#undef X
    DG_COUNT
} deal_group;

typedef enum {
#define X(e, merge) FK_##e,
    DEAL_KINDS(X)
#undef X
    FIELD_KINDS
} field_kind;

typedef enum {
    MERGE_LATER_WINS,    /* changed on both sides: the later commit's value; the other is logged */
    MERGE_SET_UNION,     /* a three-way set merge of the strings */
    MERGE_UNION_BY_ID,   /* the union of both sides' entries by "id" */
    MERGE_STEPS_BY_ID,   /* the same, each entry merged field by field (the same field
                          * changed on both sides: later wins, the other is logged); an
                          * entry one side removed stays removed unless the other changed
                          * it; in the list's order (the plan's by due date,
                          * pipeline/plan.h; evidence by date, pipeline/exit.h;
                          * people by name, pipeline/people.h) */
    MERGE_REFERENCE,     /* "ready" as a value (later wins), "asks" the union by id */
} field_merge;

typedef enum { NEED_OPTIONAL, NEED_REQUIRED, NEED_NULLABLE } field_need;
typedef enum { LIGHT_LIGHT, LIGHT_SAYS, LIGHT_FULL } field_light;
typedef enum { EDIT_NOSET, EDIT_SET, EDIT_MOVE } field_edit;

typedef struct {
    const char *key;          /* JSON key within its group */
    deal_group group;
    field_kind kind;
    size_t offset;            /* of its member in struct deal */
    field_need need;
    field_light light;
    const char *csv;          /* CSV column, NULL: none */
    const char *label;        /* `show` label, NULL: none */
    field_edit edit;
    const char *aliases;
} deal_field_def;

extern const deal_field_def deal_fields[DF_COUNT];

const char *deal_group_key(deal_group g);            /* NULL for DG_TOP */
field_merge deal_kind_merge(field_kind k);
/* A top-level field by its JSON key; -1 when there is none. */
int deal_field_by_key(const char *key);
/* Whether d has the group's object (DG_TOP: always). */
bool deal_group_present(const deal *d, deal_group g);
/* Reading a file whose group object is there (moved_on records it). */
void deal_group_mark_present(deal *d, deal_group g);

/* The member behind a field; the kind says which of these applies. */
char **deal_field_text(deal *d, deal_field f);
const char *deal_field_text_of(const deal *d, deal_field f);
db_day *deal_field_day(deal *d, deal_field f);
db_day deal_field_day_of(const deal *d, deal_field f);
int64_t *deal_field_money(deal *d, deal_field f);
int *deal_field_count(deal *d, deal_field f);
deal_status *deal_field_status(deal *d, deal_field f);

/* Whether a light deal carries the field (whole deals carry them all). */
bool deal_field_carried(const deal *d, deal_field f);
/* For code that reads a field light loads may not carry (the log for
 * closing days, the stage clock): a light deal there is the caller's bug
 * (it must load the deals whole). It stops the program with words saying
 * so, rather than taking the missing field for an empty one. */
void deal_field_expect(const deal *d, deal_field f, const char *who);
/* Whether the field says anything ("  " does not): text of any deal, or
 * the SAYS bit of a light one. */
bool deal_field_says(const deal *d, deal_field f);   /* TEXT fields */
/* NULL, "" or only white space: a text field that says nothing. */
bool deal_text_blank(const char *s);

/* The SAYS bits of d (deal.says), from its text. */
uint64_t deal_fields_says_bits(const deal *d);

/* A hash of what the table says about how fields are stored (keys, groups,
 * kinds, light) and of `derived`, the caller's words for what else its record
 * holds: the load cache's record format follows from it. */
uint64_t deal_fields_layout_hash(const char *derived);

#endif
