/* The daily review's walk, without curses or git: which deals are left
 * today, where the walk is, what was done to each deal, the summary counts,
 * and the small resume-state file kept under .git/ (store/review_state.c
 * reads and writes it; the text format is parsed and made here).
 *
 * A deal is "handled" once the review made a change to it (touch, next step,
 * stage, move on, won, lost, snooze, reopen) or the seller skipped it. A deal
 * handled today is not shown again when the review is resumed the same day.
 *
 * The state file, one item a line:
 *     # dealboard daily review: deals handled today (safe to delete)
 *     day 2026-11-20
 *     done acme-rollout-7f3a9c touched,stage
 * Lines it does not understand are ignored; another day means a fresh start. */
#ifndef DB_REVIEW_SESSION_H
#define DB_REVIEW_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "review.h"

/* What the review did to a deal; the summary counts deals per outcome. */
typedef enum {
    OUTCOME_TOUCHED,
    OUTCOME_NEXT_STEP,
    OUTCOME_STAGE,
    OUTCOME_MOVED_ON,
    OUTCOME_WON,
    OUTCOME_LOST,
    OUTCOME_SNOOZED,
    OUTCOME_REOPENED,
    OUTCOME_SKIPPED,
    OUTCOME_COUNT
} review_outcome;

/* The word in the state file: "touched", "next-step", "stage", "moved-on",
 * "won", "lost", "snoozed", "reopened", "skipped". */
const char *review_outcome_name(review_outcome o);
bool review_outcome_parse(const char *name, review_outcome *out);
/* For the summary screen: "touched", "next steps set", "moved stage", … */
const char *review_outcome_label(review_outcome o);

typedef struct {
    char *id;
    unsigned outcomes;      /* bit (1u << review_outcome) per outcome */
} review_done;

/* Today's handled deals, in the order they were first handled. */
typedef struct {
    db_day day;
    review_done *done;
    size_t ndone, cap;
} review_state;

void review_state_init(review_state *s, db_day day);
void review_state_free(review_state *s);
/* Parses a state file's text (NULL: no file). True when it was today's;
 * otherwise *out is today's empty state. */
bool review_state_parse(const char *text, db_day today, review_state *out);
/* The file's text; caller frees. */
char *review_state_format(const review_state *s);
void review_state_record(review_state *s, const char *id, review_outcome o);
/* The outcome bits recorded for id today; 0 when not handled. */
unsigned review_state_outcomes(const review_state *s, const char *id);

typedef struct {
    int reviewed;                  /* deals handled (changed or skipped) */
    int count[OUTCOME_COUNT];      /* deals per outcome; skipped: only skipped */
} review_summary;

void review_state_summary(const review_state *s, review_summary *out);

/* One deal of the walk. */
typedef struct {
    char *id;
    review_category category;
} review_stop;

typedef struct {
    review_state state;            /* today's, including earlier sittings */
    review_stop *stops;            /* today's queue minus deals handled before */
    size_t n;
    size_t pos;                    /* the deal on screen; n: the walk is over */
    size_t before;                 /* deals handled in earlier sittings today */
} review_session;

/* Takes over *state (left empty); keeps the queue's items that state has
 * not handled, in order. */
void review_session_start(review_session *s, const review_item *items, size_t n,
                          review_state *state);
void review_session_free(review_session *s);
/* The deal on screen, NULL when the walk is over. */
const review_stop *review_session_current(const review_session *s);
bool review_session_over(const review_session *s);
/* Records what was done to the deal on screen and goes to the next one. */
void review_session_act(review_session *s, review_outcome o);
/* Back to the previous deal of this sitting; false at the first. */
bool review_session_back(review_session *s);
/* "3 of 11": the deal's number counting earlier sittings, and the total. */
size_t review_session_number(const review_session *s);
size_t review_session_total(const review_session *s);

/* What the review expects of a deal it lets go: an open deal that is not
 * snoozed has a next step with a due date, today or later. NULL when the
 * deal has one (or is closed, moved on or snoozed); else what is missing, in
 * words: "has no next step", "has no due date for its next step", "has an
 * overdue next step". */
const char *review_missing_step(const deal *d, db_day today);

#endif
