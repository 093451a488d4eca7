/* The slip ledger of one deal (see slips.h). */
#include "slips.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

/* The UTC day of a Unix time (days of changes are UTC, as in stats.h). */
static db_day day_of_time(int64_t t)
{
    return (db_day)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
}

static void add_change(slip_ledger *l, const deal_history *h, const deal_event *e, db_day from)
{
    db_day to = (db_day)e->num;
    l->changes = xrealloc(l->changes, (l->n + 1) * sizeof *l->changes);
    const history_commit *c = &h->commits[e->commit];
    l->changes[l->n++] =
        (slip_change){c->author_time, xstrdup(h->authors[c->author]), from, to, to - from};
    l->pushes += to > from;
    l->pull_ins += to < from;
}

static void apply(slip_ledger *l, const deal_history *h, const deal_event *e, db_day *current)
{
    switch (e->field) {
    case EVENT_CLOSE_DATE:
        if (*current == DAY_NONE)
            l->first = (db_day)e->num;
        else if ((db_day)e->num != *current)
            add_change(l, h, e, *current);
        *current = (db_day)e->num;
        break;
    case EVENT_STATUS:
        l->status = (deal_status)e->num;
        l->gone = false;
        break;
    case EVENT_STAGE:
        l->gone = false;
        break;
    case EVENT_GONE:
        l->gone = true;
        break;
    default:
        break;
    }
}

void slip_ledger_at(const deal_history *h, size_t *i, slip_ledger *out)
{
    memset(out, 0, sizeof *out);
    out->first = DAY_NONE;
    out->status = STATUS_OPEN;
    if (*i >= h->nevents)
        return;
    out->known = true;
    uint32_t deal = h->events[*i].deal;
    db_day current = DAY_NONE;
    for (; *i < h->nevents && h->events[*i].deal == deal; (*i)++)
        apply(out, h, &h->events[*i], &current);
}

void slip_ledger_of(const deal_history *h, const char *deal_id, slip_ledger *out)
{
    size_t from, to;
    size_t i = deal_history_events_of(h, deal_id, &from, &to) ? from : h->nevents;
    slip_ledger_at(h, &i, out);
}

void slip_ledger_free(slip_ledger *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->changes[i].by);
    free(l->changes);
    memset(l, 0, sizeof *l);
}

db_day slip_ledger_date_after(const slip_ledger *l, int k)
{
    if (k == 0)
        return l->first;
    for (size_t i = 0; i < l->n; i++)
        if (l->changes[i].days > 0 && --k == 0)
            return l->changes[i].to;
    return DAY_NONE;
}

db_day slip_ledger_last(const slip_ledger *l)
{
    return l->n ? l->changes[l->n - 1].to : l->first;
}

char *slip_change_words(const slip_change *c)
{
    char on[DATE_LEN], from[DATE_LEN], to[DATE_LEN];
    date_format(day_of_time(c->when), on);
    date_format(c->from, from);
    date_format(c->to, to);
    char *by = text_sanitize(c->by ? c->by : "", false);
    int days = c->days < 0 ? -c->days : c->days;
    char *words = xasprintf("%s  %s → %s  %s%d day%s  %s", on, from, to, c->days < 0 ? "−" : "+",
                            days, days == 1 ? "" : "s", str_empty(by) ? "-" : by);
    free(by);
    return words;
}
