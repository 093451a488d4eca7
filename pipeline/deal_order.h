/* The order deals are listed in, defined once: `dealboard list`, `dealboard
 * flags` and the daily review's flagged deals (pipeline/review.h) all sort
 * with these keys. Pure (no curses, no git). */
#ifndef DB_DEAL_ORDER_H
#define DB_DEAL_ORDER_H

#include <stdint.h>
#include <string.h>

#include "deal.h"
#include "rules.h"

typedef enum {
    /* `list`: open deals first (then won, lost, moved on), by pipeline stage
     * (unknown stages last), highest score first, then title, then id. */
    DEAL_ORDER_BY_STAGE,
    /* `flags` and the review: highest score first, then open first, by
     * stage (unknown last), then title, then id. */
    DEAL_ORDER_BY_SCORE,
} deal_order;

/* A deal's sort key, made once up front. It holds what orders first packed
 * into one number and the title's first 16 bytes, so that almost no
 * comparison reads the deal itself (with many deals, reading titles scattered
 * in memory is most of a sort). */
typedef struct {
    uint64_t rank;
    uint64_t title_head[2];     /* big-endian: compares as strcmp */
    const deal *d;              /* borrowed: its title and id break ties */
} deal_order_key;

/* flags: rules_score or rules_evaluate of d (its score and stage_index). */
deal_order_key deal_order_key_of(const deal *d, const flag_result *flags, deal_order order);

static inline int deal_order_compare_u64(uint64_t a, uint64_t b) { return a < b ? -1 : a > b; }

/* <0, 0 or >0 as a comes before, with or after b; 0 only for the same id.
 * Inline: a sort of 10,000 keys spends most of its time here. */
static inline int deal_order_compare(const deal_order_key *a, const deal_order_key *b)
{
    int c = deal_order_compare_u64(a->rank, b->rank);
    if (!c)
        c = deal_order_compare_u64(a->title_head[0], b->title_head[0]);
    if (!c)
        c = deal_order_compare_u64(a->title_head[1], b->title_head[1]);
    if (!c)
        c = strcmp(a->d->title ? a->d->title : "", b->d->title ? b->d->title : "");
    return c ? c : strcmp(a->d->id ? a->d->id : "", b->d->id ? b->d->id : "");
}

#endif
