/* References and the first mover (SPEC §9): a won deal's customer as a
 * reference (deal.reference: ready, and each time a buyer asked), and which
 * references to offer a buyer. Pure. */
#ifndef DB_REFERENCE_H
#define DB_REFERENCE_H

#include "config.h"
#include "deal.h"
#include "util.h"

enum { REFERENCE_ASK_ID_LEN = 7 };

/* "a" and 6 random hex digits. */
void reference_new_ask_id(char out[REFERENCE_ASK_ID_LEN + 1]);
/* Where an ask on `at` goes in the list: by day, then id. */
size_t reference_ask_insert_index(const deal *d, db_day at, const char *id);
/* Whether the deal is a reference to offer: won, and marked ready. */
bool reference_is_ready(const deal *d);

/* The ready references among deals to offer the buyer of `for_deal` (NULL:
 * none in particular): those of its status-quo cluster first, then the
 * least asked, then by id. Fills out (n entries at most); returns how many. */
size_t reference_suggest(deal *const *deals, size_t n, const deal *for_deal, deal **out);
/* Whether the reference shares for_deal's cluster (both have one). */
bool reference_same_cluster(const deal *ref, const deal *for_deal);

/* The log kind that records a buyer asking for references (`ref ID asked FOR`
 * writes it on FOR). */
#define REFERENCE_LOG_KIND "references"
/* The first day the deal's buyer asked for references (DAY_NONE: never).
 * Reads the log of a whole deal; a light deal carries the day (refs_wanted). */
db_day reference_first_wanted(const deal *d);
/* The first mover (SPEC §9): an open deal in the evaluation stage
 * (config_evaluation_stage: the stage pipeline.json marks "evaluation", else
 * "evaluate") whose buyer asked for references, then or before, is not
 * comfortable being first. `show`, the detail view and the review all ask
 * this. A whole deal. */
bool reference_not_first_mover(const pipeline_cfg *cfg, const deal *d);

/* References named in reference_first_mover_words at most (then "and N more"). */
enum { REFERENCE_OFFERS_NAMED = 3 };
/* What the review says of a buyer not comfortable being first, given the
 * day they first asked and the references reference_suggest offers them:
 * "The buyer asked for references on 2026-11-12: not comfortable being first
 * — offer a reference from the same cluster: Castell Media, Polaris" (those
 * of its cluster; the others only when none is), "… offer a reference: …"
 * when none shares its cluster, "… no reference is ready: mark a won deal's
 * reference ready" when there is none. Each named by title (its id when it
 * has none). Caller frees; quotes titles as stored: sanitize to draw. */
char *reference_first_mover_words(db_day asked, const deal *for_deal, deal *const *offers,
                                  size_t n);

/* A CSV cell: "" without a reference, else "ready" or "not-ready", then a
 * line an ask, "id;day;for", escaped as the plan's cell. */
char *reference_to_cell(const deal *d);
/* Replaces d's reference with the cell's; DB_EUSAGE with err ("line 2:
 * why") when the cell does not read (d unchanged). */
int reference_from_cell(deal *d, const char *cell, db_err *err);

#endif
