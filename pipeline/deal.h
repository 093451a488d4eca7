/* The deal model: plain structs, no JSON, no git. */
#ifndef DB_DEAL_H
#define DB_DEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"

typedef enum { STATUS_OPEN, STATUS_WON, STATUS_LOST, STATUS_MOVED_ON, STATUS_COUNT } deal_status;

typedef struct {
    char *id;      /* 8 hex digits, unique within the deal */
    char *at;      /* UTC ISO-8601 timestamp */
    char *by;
    char *kind;    /* note | touch | stage | conflict | … */
    char *dir;     /* touches: "in" (the buyer reached us) or "out"; NULL: not said (out) */
    char *text;
} log_entry;

/* What the quiet rule asks of a deal's touches when it counts only the
 * buyer's side (SPEC §9); derived from the log (pipeline/touches.h). */
typedef struct {
    db_day last_in;            /* the buyer's last touch; DAY_NONE: never */
    db_day first_unanswered;   /* our first touch after it; DAY_NONE: none */
    int unanswered;            /* our touches after it */
} touch_summary;
/* Who a step of the shared plan is for: the buyer's own steps toward a
 * decision, or ours (SPEC §9). */
typedef enum { PLAN_BUYER, PLAN_US, PLAN_OWNER_COUNT } plan_owner;

typedef struct {
    char *id;          /* "p" and 6 hex digits: two teammates adding offline never collide */
    plan_owner owner;
    char *text;
    db_day due, done;  /* DAY_NONE: no due date / not done yet */
    char *evidence;    /* what showed it was done ("" or NULL: nothing said) */
} plan_entry;

/* What was seen when a deal left a stage forward: the stage's exit outcomes
 * (pipeline.json "exit") the seller saw, in the words they had then, or the
 * seller's own words (SPEC §9, pipeline/exit.h). */
typedef struct {
    char *id;          /* "e" and 6 hex digits: two teammates recording offline never collide */
    char *stage;       /* the stage left (its id) */
    char **seen;       /* at least one outcome */
    size_t nseen;
    db_day date;       /* the day it was recorded */
} exit_record;

/* A won deal as a reference (SPEC §9, pipeline/reference.h): whether the
 * customer is ready to be one, and each time a buyer asked to talk to them. */
typedef struct {
    char *id;          /* "a" and 6 hex digits: asks recorded offline never collide */
    db_day at;         /* the day it was asked */
    char *for_deal;    /* the deal ("for") whose buyer asked */
} reference_ask;

typedef struct {
    bool present;      /* the deal has a "reference" object */
    bool ready;
    reference_ask *asks;   /* in the file's order (by day, then id) */
    size_t nasks;
} deal_reference;
/* One person of the buying committee (SPEC §9, pipeline/people.h). */
typedef struct {
    char *id;           /* "h" and 6 hex digits: two teammates adding offline never collide */
    char *name;
    char *role;         /* one of people.h's PEOPLE_ROLES (a file's other words kept as written) */
    char *stance;       /* the seller's read of them ("" : nothing said) */
    db_day last_contact;
} person;

/* What the committee rules need of it (people_summarize): light deals carry only this. */
typedef struct {
    bool decision_maker;     /* someone with the role decision-maker */
    bool champion;           /* someone with the role champion */
    db_day champion_contact; /* the latest last_contact among champions; DAY_NONE: none */
} people_summary;

typedef struct deal {
    /* Members paired by size, 4-byte ones side by side: no padding holes
     * (a listing holds one of these a deal; 10,000 of them are 400 KB less). */
    char *id, *title, *account, *owner, *stage;
    deal_status status;
    int close_date_pushes;
    int64_t value;
    char *currency;              /* NULL: the pipeline's currency */
    db_day created, stage_entered, last_touch, close_date;
    char *next_text;             /* NULL: no next step */
    db_day next_due;
    db_day snooze_until;         /* DAY_NONE: not snoozed */
    char *status_quo, *insight, *persona, *champion;
    char *cluster;               /* the status-quo cluster; NULL: none */
    char **tags;
    size_t ntags;
    char *snooze_reason;
    char *moved_on_reason;
    db_day revisit;
    bool moved_on;               /* a moved_on record exists */
    /* A light deal (repo_load_deals_light): only what lists, flags and the
     * board need, the fields the field table (deal_fields.h) marks LIGHT; no
     * raw. Never written back: repo_save_deal refuses it (load the deal whole). */
    bool partial;
    log_entry *log;
    size_t nlog, cap_log;          /* cap_log: entries allocated (deal_add_log grows it) */
    /* Light deals only (their log is not loaded): the log's touch summary,
     * kept by deal_make_light and the load cache; read through deal_touches. */
    touch_summary touches;
    /* Light deals only: what the rules need of the plan (plan_summarize). */
    db_day plan_buyer_due;
    int plan_buyer_open;
    /* Light deals only (their log is not loaded): the day a closed deal
     * closed and why (forecast_closed_on, forecast_close_reason; NULL: no
     * reason), for the closed view; read through forecast_closing_day and
     * forecast_closing_reason. The reason lives in strings_block when the
     * deal has one, else it is its own allocation. */
    db_day closed_on;
    char *close_reason;
    /* Light deals only: the day the buyer first asked for references
     * (reference_first_wanted; DAY_NONE: never), for the first-mover mark. */
    db_day refs_wanted;
    plan_entry *plan;             /* the shared plan, in the file's order */
    size_t nplan;
    exit_record *evidence;        /* exit evidence, in the file's order (by date, then id) */
    size_t nevidence;
    person *people;               /* the buying committee, in the file's order (by name, then id) */
    size_t npeople;
    people_summary people_known;  /* light deals only: what the rules need of people */
    /* Light deals only: the stages with evidence recorded, their ids each
     * between spaces (" recognize define "), for the no-exit-evidence rule;
     * read through exit_recorded (pipeline/exit.h). Its own allocation. */
    char *evidence_stages;
    deal_reference reference;     /* won deals: as a reference ("reference") */
    /* Owned by the store: the file's parsed JSON, so unknown keys survive a rewrite. */
    void *raw;
    void (*raw_free)(void *);
    /* Light deals only: bit f (a deal_field) set when a field marked SAYS
     * says anything (the move-on rules need no more; read through
     * deal_field_says or deal_has_status_quo). */
    uint64_t says;
    /* Store-owned, valid while its deal_list lives; NULL when not at hand:
     * the stored object as `list --json` prints it (depth 2), without its
     * closing brace, so a listing copies it instead of re-encoding. */
    const char *view_json;
    size_t view_json_len;
    /* Light deals from the load cache: every string (id included) and the
     * tags array live in this one allocation, freed whole by deal_free
     * (a listing of 100,000 deals makes and frees 2 blocks a deal, not 12).
     * Such a deal is never edited (light deals never are: an edit loads the
     * deal whole), so deal_set_str and deal_add_tag are never used on it. */
    void *strings_block;
} deal;

typedef struct {
    deal **items;
    size_t count, cap;
    /* What view_json points into (the store's mapped load cache). */
    void *backing;
    void (*backing_free)(void *);
} deal_list;

/* Largest value a JSON double keeps exactly and unambiguously (2^53 - 1):
 * 9007199254740993 reads back as 2^53, so 2^53 itself may be a rounded number. */
#define DEAL_VALUE_MAX 9007199254740991LL

void deal_init(deal *d);
void deal_free(deal *d);            /* frees members, not d itself */
void deal_destroy(deal *d);         /* deal_free + free(d) */
void deal_set_str(char **field, const char *value); /* replaces, NULL allowed */
void deal_add_tag(deal *d, const char *tag);
log_entry *deal_add_log(deal *d, const char *id, const char *at, const char *by,
                        const char *kind, const char *text);
/* Appends a step (strings copied; evidence NULL: none). */
plan_entry *deal_add_plan_step(deal *d, const char *id, plan_owner owner, const char *text,
                              db_day due, db_day done, const char *evidence);
void deal_remove_plan_step(deal *d, size_t i);
/* Appends an exit record (strings copied) with no outcomes yet; then
 * exit_record_add_seen for each outcome. */
exit_record *deal_add_exit_record(deal *d, const char *id, const char *stage, db_day date);
void exit_record_add_seen(exit_record *r, const char *outcome);
/* Appends an ask to the deal's reference (strings copied; marks it present). */
reference_ask *deal_add_reference_ask(deal *d, const char *id, db_day at, const char *for_deal);
/* Appends a person (strings copied); deal_remove_person removes the i-th. */
person *deal_add_person(deal *d, const char *id, const char *name, const char *role,
                        const char *stance, db_day last_contact);
void deal_remove_person(deal *d, size_t i);
const char *plan_owner_name(plan_owner o);               /* "buyer", "us" */
bool plan_owner_parse(const char *s, plan_owner *out);

void deal_list_push(deal_list *list, deal *d);
void deal_list_free(deal_list *list);

const char *deal_status_name(deal_status s);
bool deal_status_parse(const char *s, deal_status *out);
bool deal_is_open(const deal *d);
bool deal_has_next_step(const deal *d);
/* Whether the status quo / insight say anything ("  " does not), for full
 * and light deals alike. */
bool deal_has_status_quo(const deal *d);
bool deal_has_insight(const deal *d);
/* Makes d light (partial): frees the log, the long text fields and raw. */
void deal_make_light(deal *d);

#endif
