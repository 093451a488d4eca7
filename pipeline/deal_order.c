#include "deal_order.h"

static const char *or_empty(const char *s) { return s ? s : ""; }

/* The next (up to) 8 bytes of title from *at, big-endian; a shorter rest is
 * padded with zero bytes, as its NUL, so the numbers compare as strcmp. */
static uint64_t title_bytes(const char *title, size_t *at)
{
    uint64_t head = 0;
    size_t i = 0;
    for (; i < 8 && title[*at]; i++, (*at)++)
        head = head << 8 | (unsigned char)title[*at];
    return i ? head << (8 * (8 - i)) : 0;
}

/* Status in 3 bits (open is 0), stage in 21 (unknown: 1 << 20, after every
 * real index), score descending in 32. */
static uint64_t rank_of(const deal *d, int stage, int score, deal_order order)
{
    uint64_t status_rank = (uint64_t)d->status & 0x7;
    uint64_t stage_rank = stage < 0 ? 1u << 20 : (uint64_t)stage & 0xFFFFF;
    uint64_t score_rank = (uint32_t)((int64_t)INT32_MAX - score);
    if (order == DEAL_ORDER_BY_SCORE)
        return score_rank << 32 | status_rank << 21 | stage_rank;
    return status_rank << 53 | stage_rank << 32 | score_rank;
}

deal_order_key deal_order_key_of(const deal *d, const flag_result *flags, deal_order order)
{
    deal_order_key key = {.rank = rank_of(d, flags->stage_index, flags->score, order), .d = d};
    size_t at = 0;
    const char *title = or_empty(d->title);
    key.title_head[0] = title_bytes(title, &at);
    key.title_head[1] = title_bytes(title, &at);
    return key;
}
