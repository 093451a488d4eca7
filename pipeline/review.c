#include "review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deal_order.h"
#include "text.h"
#include "util.h"

/* qsort has no context argument: each item carries its sort keys. */
typedef struct {
    review_item item;
    deal_order_key flagged_order;   /* MOVE_ON and WATCH: as `dealboard flags` */
    db_day date;                    /* REVISIT and STEP_DUE: revisit or due date */
} queued;

/* The category of one deal, or -1 when it stays out of today's review. */
static int categorize(const deal *d, const flag_result *f, db_day today)
{
    if (f->revisit_due)
        return REVIEW_REVISIT;
    if (!deal_is_open(d) || f->snoozed)
        return -1;
    if (f->level == LEVEL_MOVE_ON)
        return REVIEW_MOVE_ON;
    if (f->level == LEVEL_WATCH)
        return REVIEW_WATCH;
    if (deal_has_next_step(d) && d->next_due != DAY_NONE && d->next_due <= today)
        return REVIEW_STEP_DUE;
    return -1;
}

static const char *or_empty(const char *s) { return s ? s : ""; }

static bool is_flagged(review_category c) { return c == REVIEW_MOVE_ON || c == REVIEW_WATCH; }

static int compare_ints(long long a, long long b) { return a < b ? -1 : a > b; }

static int compare_queued(const void *pa, const void *pb)
{
    const queued *a = pa, *b = pb;
    int c = compare_ints(a->item.category, b->item.category);
    if (!c && is_flagged(a->item.category))
        return deal_order_compare(&a->flagged_order, &b->flagged_order);
    if (!c)
        c = compare_ints(a->date, b->date);                            /* longest waiting first */
    if (!c)
        c = strcmp(or_empty(a->item.d->title), or_empty(b->item.d->title));
    return c ? c : strcmp(or_empty(a->item.d->id), or_empty(b->item.d->id));
}

static queued make_queued(deal *d, const flag_result *f, review_category category,
                          db_day today)
{
    queued q = {.item = {.d = d, .category = category, .flags = *f}};
    if (is_flagged(category))
        q.flagged_order = deal_order_key_of(d, f, DEAL_ORDER_BY_SCORE);
    q.date = category == REVIEW_REVISIT ? d->revisit
             : category == REVIEW_STEP_DUE ? d->next_due : 0;
    q.item.days = is_flagged(category) ? f->score : today - q.date;
    return q;
}

size_t review_queue(const pipeline_cfg *cfg, deal *const *deals, size_t n, db_day today,
                    review_item *out)
{
    queued *q = xcalloc(n ? n : 1, sizeof *q);
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        flag_result f;
        rules_evaluate(cfg, deals[i], today, &f);
        int category = categorize(deals[i], &f, today);
        if (category >= 0)
            q[count++] = make_queued(deals[i], &f, (review_category)category, today);
    }
    qsort(q, count, sizeof *q, compare_queued);
    for (size_t i = 0; i < count; i++)
        out[i] = q[i].item;
    free(q);
    return count;
}

const char *review_category_label(review_category c)
{
    static const char *const labels[REVIEW_CATEGORY_COUNT] = {"due for review", "move on?",
                                                              "watch", "next step due"};
    return c < REVIEW_CATEGORY_COUNT ? labels[c] : "";
}

static const char *plural(int n) { return n == 1 ? "" : "s"; }

static void summary_revisit(const review_item *item, strbuf *sb)
{
    char date[DATE_LEN];
    date_format(item->d->revisit, date);
    if (item->days == 0)
        sb_printf(sb, "revisit date %s is today", date);
    else
        sb_printf(sb, "revisit date %s came %d day%s ago", date, item->days, plural(item->days));
    if (!str_empty(item->d->moved_on_reason))
        sb_printf(sb, "; moved on: %s", item->d->moved_on_reason);
}

static void summary_flagged(const review_item *item, strbuf *sb)
{
    sb_printf(sb, "%s (score %d)", flag_level_label(item->flags.level), item->flags.score);
    for (int i = 0; i < item->flags.nreasons; i++)
        sb_printf(sb, "%s%s", i ? "; " : ": ", item->flags.reasons[i].text);
}

static void summary_step(const review_item *item, strbuf *sb)
{
    if (item->days == 0)
        sb_puts(sb, "next step due today");
    else
        sb_printf(sb, "next step overdue by %d day%s", item->days, plural(item->days));
    sb_printf(sb, ": %s", item->d->next_text ? item->d->next_text : "");
}

void review_item_summary(const review_item *item, char *buf, size_t size)
{
    if (!size)
        return;
    strbuf sb = {0};
    sb_puts(&sb, "");
    if (item->category == REVIEW_REVISIT)
        summary_revisit(item, &sb);
    else if (item->category == REVIEW_STEP_DUE)
        summary_step(item, &sb);
    else
        summary_flagged(item, &sb);
    snprintf(buf, size, "%s", sb.data);
    if (sb.len >= size)
        text_trim_partial_utf8(buf);
    sb_free(&sb);
}
