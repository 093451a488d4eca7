/* The period's flow (see flow.h). */
#include "flow.h"

#include <stdbool.h>
#include <string.h>

#include "deal.h"

static const struct {
    const char *key, *label;
    int sign;
} lines[FLOW_LINE_COUNT] = {
#define X(e, key, label, sign) {key, label, sign},
    FLOW_LINES(X)
#undef X
};

const char *flow_key(flow_kind k) { return lines[k].key; }
const char *flow_label(flow_kind k) { return lines[k].label; }
int flow_sign(flow_kind k) { return lines[k].sign; }

/* One deal as its commits go by. */
typedef struct {
    bool exists;                /* a version of its file is in the tree */
    deal_status status;
    int64_t value;
    db_day close_date;
} deal_now;

static bool is_open(const deal_now *d)
{
    return d->exists && d->status == STATUS_OPEN;
}

static db_day day_of(int64_t unix_time)
{
    return (db_day)(unix_time >= 0 ? unix_time / 86400 : -((-unix_time + 86399) / 86400));
}

static void apply_event(const deal_event *e, deal_now *d)
{
    d->exists = e->field != EVENT_GONE;
    switch (e->field) {
    case EVENT_STATUS: d->status = (deal_status)e->num; break;
    case EVENT_VALUE: d->value = e->num; break;
    case EVENT_CLOSE_DATE: d->close_date = (db_day)e->num; break;
    default: break;
    }
}

static void count(flow_line *l, int64_t value)
{
    l->deals++;
    l->value += value;
}

/* The close date moves of one deal in the period: flags and its value. */
typedef struct {
    bool pulled, pushed;
    int64_t pulled_value, pushed_value;
} date_moves;

/* One commit's change of one deal, from a to b, inside the period. */
static void step(const deal_now *a, const deal_now *b, flow_result *out, date_moves *m)
{
    bool was = is_open(a), now = is_open(b);
    if (!was && now) {
        count(&out->lines[a->exists && a->status != STATUS_OPEN ? FLOW_REOPENED : FLOW_NEW],
              b->value);
    } else if (was && !now) {
        if (!b->exists) {
            count(&out->lines[FLOW_REMOVED], a->value);
            return;
        }
        static const flow_kind by_status[STATUS_COUNT] = {
            [STATUS_WON] = FLOW_WON, [STATUS_LOST] = FLOW_LOST, [STATUS_MOVED_ON] = FLOW_MOVED_ON};
        count(&out->lines[by_status[b->status]], b->value);
        out->value_changes += b->value - a->value;   /* it left at its closing value */
    } else if (was && now) {
        out->value_changes += b->value - a->value;
        if (a->close_date != DAY_NONE && b->close_date != DAY_NONE && a->close_date != b->close_date) {
            bool later = b->close_date > a->close_date;
            *(later ? &m->pushed : &m->pulled) = true;
            *(later ? &m->pushed_value : &m->pulled_value) = b->value;
        }
    }
}

/* The events of one deal, h->events[*i ..]: advances *i past them. */
static void one_deal(const deal_history *h, size_t *i, flow_result *out)
{
    uint32_t deal = h->events[*i].deal;
    deal_now cur = {false, STATUS_OPEN, 0, DAY_NONE};
    bool started = false;
    date_moves moves = {0};
    while (*i < h->nevents && h->events[*i].deal == deal) {
        uint32_t commit = h->events[*i].commit;
        deal_now next = cur;
        for (; *i < h->nevents && h->events[*i].deal == deal && h->events[*i].commit == commit;
             (*i)++)
            apply_event(&h->events[*i], &next);
        db_day day = day_of(h->commits[commit].author_time);
        if (day > out->to)
            continue;                  /* after the period (events are in time order) */
        if (day >= out->from && !started) {
            started = true;
            if (is_open(&cur))
                count(&out->open_start, cur.value);
        }
        if (started)
            step(&cur, &next, out, &moves);
        cur = next;
    }
    if (!started && is_open(&cur))
        count(&out->open_start, cur.value);  /* nothing happened to it in the period */
    if (is_open(&cur))
        count(&out->open_end, cur.value);
    if (moves.pulled)
        count(&out->lines[FLOW_PULLED_IN], moves.pulled_value);
    if (moves.pushed)
        count(&out->lines[FLOW_PUSHED], moves.pushed_value);
}

void flow_compute(const deal_history *h, db_day from, db_day to, flow_result *out)
{
    memset(out, 0, sizeof *out);
    out->from = from;
    out->to = to;
    for (size_t i = 0; i < h->nevents;)
        one_deal(h, &i, out);
}

int64_t flow_reconciled_end(const flow_result *f)
{
    int64_t v = f->open_start.value + f->value_changes;
    for (int k = 0; k < FLOW_LINE_COUNT; k++)
        v += flow_sign((flow_kind)k) * f->lines[k].value;
    return v;
}
