/* What the git history says each deal did: every change of its stage,
 * status, value, close date and insight, in the commit that made it
 * (store/events.c reads it from git; pipeline/stats.c learns from it,
 * pipeline/cluster_insights.c judges insights by it). Plain data, no git. */
#ifndef DB_DEAL_EVENTS_H
#define DB_DEAL_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X-macro: the field, its letter in the index file, its name. STAGE_ENTERED
 * comes only with a deal's first known version (its stage_entered field
 * then says since when it was in its first stage); GONE: its file was
 * removed; INSIGHT: the insight was set to a text that says something
 * (num: deal_event_text_hash of it; the text itself stays in the deal, so
 * the index does not grow with every insight written). */
#define DEAL_EVENT_FIELDS(X)                  \
    X(STAGE, 's', "stage")                    \
    X(STATUS, 't', "status")                  \
    X(VALUE, 'v', "value")                    \
    X(CLOSE_DATE, 'c', "close_date")          \
    X(STAGE_ENTERED, 'e', "stage_entered")    \
    X(GONE, 'g', "gone")                      \
    X(INSIGHT, 'i', "insight")

typedef enum {
#define X(e, letter, name) EVENT_##e,
    DEAL_EVENT_FIELDS(X)
#undef X
    EVENT_FIELD_COUNT
} event_field;

typedef struct {
    char oid[41];
    uint32_t generation;     /* 1 + the largest of its parents': parents sort first */
    uint32_t author;         /* index into deal_history.authors */
    int64_t author_time;     /* Unix seconds: when the change was made */
    int64_t commit_time;
} history_commit;

typedef struct {
    uint32_t deal;           /* index into deal_history.deals */
    uint32_t commit;         /* index into deal_history.commits */
    event_field field;
    /* STAGE: the stage id (text); STATUS: a deal_status; VALUE: the value;
     * CLOSE_DATE, STAGE_ENTERED: a db_day. */
    int64_t num;
    char *text;
} deal_event;

/* A change of pipeline.json's stage ids made by a commit
 * (pipeline/stage_renames.h): stage `from` renamed to `to`, or (from NULL)
 * stage `to` added. */
typedef struct {
    uint32_t commit;         /* index into deal_history.commits */
    char *from;              /* NULL: `to` was added */
    char *to;
} stage_change;

/* Tables in a canonical order (deals and authors by name, commits by
 * generation then id, events by deal, time, generation, commit, field), so
 * that the same history gives the same tables however it was read. */
typedef struct {
    char **deals;
    size_t ndeals;
    char **authors;
    size_t nauthors;
    history_commit *commits;
    size_t ncommits;
    deal_event *events;
    size_t nevents, cap_events;
    size_t unparseable;      /* deal file versions that were not a JSON object */
    stage_change *stage_changes;   /* by commit, then from, then to */
    size_t nstage_changes;
} deal_history;

const char *event_field_name(event_field f);
char event_field_letter(event_field f);
int event_field_by_letter(char letter);   /* -1: none */
void deal_history_free(deal_history *h);

/* Puts the tables in their canonical order (renumbering what refers to
 * them): a history read in one pass and one read in two parts are then equal. */
void deal_history_canonicalize(deal_history *h);

/* A text's fingerprint in an event (64-bit FNV-1a of its bytes): equal
 * texts give equal numbers, in every build. */
int64_t deal_event_text_hash(const char *s);

/* The events of the deal with this id: [*from, *to) in h->events; false
 * (and an empty range) when the history does not know it. */
bool deal_history_events_of(const deal_history *h, const char *deal_id, size_t *from, size_t *to);

/* When the event's change was made: its commit's author time. */
int64_t deal_event_time(const deal_history *h, const deal_event *e);

#endif
