/* The honest close date (see honest.h). */
#include "honest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slips.h"
#include "util.h"

/* Per k, the further moves of the won deals pushed k times or more. */
typedef struct {
    int *days;
    size_t n;
} further_list;

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The lower median (the ceil(n/2)-th smallest); the values may be negative. */
static int lower_median(int *values, size_t n)
{
    if (!n)
        return 0;
    qsort(values, n, sizeof *values, compare_ints);
    return values[(n + 1) / 2 - 1];
}

static void add_won_deal(const slip_ledger *l, further_list **lists, size_t *nlists)
{
    db_day last = slip_ledger_last(l);
    if (last == DAY_NONE)
        return;
    if ((size_t)l->pushes + 1 > *nlists) {
        *lists = xrealloc(*lists, ((size_t)l->pushes + 1) * sizeof **lists);
        memset(*lists + *nlists, 0, ((size_t)l->pushes + 1 - *nlists) * sizeof **lists);
        *nlists = (size_t)l->pushes + 1;
    }
    for (int k = 0; k <= l->pushes; k++) {
        further_list *fl = &(*lists)[k];
        fl->days = xrealloc(fl->days, (fl->n + 1) * sizeof *fl->days);
        fl->days[fl->n++] = last - slip_ledger_date_after(l, k);
    }
}

void honest_learn(const deal_history *h, honest_model *out)
{
    memset(out, 0, sizeof *out);
    further_list *lists = NULL;
    size_t nlists = 0;
    for (size_t i = 0; i < h->nevents;) {
        slip_ledger l;
        slip_ledger_at(h, &i, &l);
        if (!l.gone && l.status == STATUS_WON)
            add_won_deal(&l, &lists, &nlists);
        slip_ledger_free(&l);
    }
    out->rows = xcalloc(nlists ? nlists : 1, sizeof *out->rows);
    out->nrows = nlists;
    for (size_t k = 0; k < nlists; k++) {
        out->rows[k] = (honest_row){(int)lists[k].n, lower_median(lists[k].days, lists[k].n)};
        free(lists[k].days);
    }
    free(lists);
}

void honest_model_free(honest_model *m)
{
    free(m->rows);
    memset(m, 0, sizeof *m);
}

honest_estimate honest_close(const honest_model *m, db_day stated, int pushes)
{
    honest_estimate e = {.stated = stated, .honest = stated, .pushes = pushes};
    if (pushes < 0 || (size_t)pushes >= m->nrows)
        return e;
    const honest_row *row = &m->rows[pushes];
    e.comparable = row->deals;
    e.enough = row->deals >= HONEST_MIN_DEALS;
    if (e.enough && stated != DAY_NONE) {
        e.further_days = row->further_days;
        e.honest = stated + row->further_days;
    }
    return e;
}

honest_estimate honest_close_of(const honest_model *m, const deal_history *h, const deal *d)
{
    if (!h)
        return honest_close(m, d->close_date, d->close_date_pushes);
    slip_ledger l;
    slip_ledger_of(h, d->id, &l);
    honest_estimate e = honest_close(m, d->close_date, l.pushes);
    slip_ledger_free(&l);
    return e;
}

char *honest_words(const honest_estimate *e)
{
    if (e->stated == DAY_NONE)
        return xstrdup("none (no close date)");
    char date[DATE_LEN];
    date_format(e->honest, date);
    char pushed[48] = "";
    if (e->pushes)
        snprintf(pushed, sizeof pushed, " pushed %d× or more", e->pushes);
    if (!e->enough)
        return xasprintf("%s as stated (not enough history: %d won deal%s%s, %d needed)", date,
                         e->comparable, e->comparable == 1 ? "" : "s", pushed, HONEST_MIN_DEALS);
    int days = e->further_days < 0 ? -e->further_days : e->further_days;
    return xasprintf("%s (%s%d day%s: the median further slip of %d won deals%s)", date,
                     e->further_days < 0 ? "−" : "+", days, days == 1 ? "" : "s", e->comparable,
                     pushed);
}
