/* The daily review's queue: which deals to walk through this morning, in
 * which order. Pure (no curses, no git); the review TUI draws it. */
#ifndef DB_REVIEW_H
#define DB_REVIEW_H

#include <stddef.h>

#include "config.h"
#include "deal.h"
#include "rules.h"

/* Why a deal is in the queue; the queue is ordered by category, in this order. */
typedef enum {
    REVIEW_REVISIT,     /* moved on, and its revisit date has come */
    REVIEW_MOVE_ON,     /* open, flagged "move on?" */
    REVIEW_WATCH,       /* open, flagged "watch" */
    REVIEW_STEP_DUE,    /* open, not flagged, next step due today or overdue */
    REVIEW_CATEGORY_COUNT
} review_category;

typedef struct {
    deal *d;                   /* borrowed from the caller's array */
    review_category category;
    flag_result flags;         /* rules_evaluate(cfg, d, today) */
    int days;                  /* REVISIT: days since the revisit date; STEP_DUE: days
                                * overdue (0 = due today); MOVE_ON/WATCH: the score */
} review_item;

/* Fills out[] (room for n items: a deal appears at most once) and returns how
 * many deals are queued. Order: REVISIT (earliest revisit date first),
 * MOVE_ON then WATCH (DEAL_ORDER_BY_SCORE, pipeline/deal_order.h: the order of
 * `dealboard flags`), STEP_DUE (earliest due date first); remaining ties by
 * title, then id. Snoozed deals are left out until their snooze ends; won and
 * lost deals, and moved-on deals without a due revisit, never appear. */
size_t review_queue(const pipeline_cfg *cfg, deal *const *deals, size_t n, db_day today,
                    review_item *out);

/* "due for review", "move on?", "watch", "next step due". */
const char *review_category_label(review_category c);
/* One line saying why the deal is in the queue, e.g. "revisit date 2026-11-15
 * came 5 days ago", "move on? (score 6): 66 days in Explore, limit 30; …",
 * "next step overdue by 2 days: Call Anna". Always NUL-terminated, valid UTF-8
 * when the deal's text is; it quotes the deal's text as stored, so sanitize it
 * (text_sanitize) before drawing it. */
void review_item_summary(const review_item *item, char *buf, size_t size);

#endif
