/* The honest close date (see honest.h). */
#include "honest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slips.h"
#include "util.h"

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The lower median (the ceil(n/2)-th smallest), as stats.h's median slip. */
static int lower_median(int *values, size_t n)
{
    if (!n)
        return 0;
    qsort(values, n, sizeof *values, compare_ints);
    return values[(n + 1) / 2 - 1];
}

/* A won deal pushed P times counts in rows 0..P, each with P - k further. */
static void add_won_deal(honest_model *m, long **further, int pushes)
{
    if ((size_t)pushes + 1 > m->nrows) {
        m->rows = xrealloc(m->rows, ((size_t)pushes + 1) * sizeof *m->rows);
        *further = xrealloc(*further, ((size_t)pushes + 1) * sizeof **further);
        for (size_t k = m->nrows; k <= (size_t)pushes; k++) {
            m->rows[k] = (honest_row){0, 0};
            (*further)[k] = 0;
        }
        m->nrows = (size_t)pushes + 1;
    }
    for (int k = 0; k <= pushes; k++) {
        m->rows[k].deals++;
        (*further)[k] += pushes - k;
    }
}

void honest_learn(const deal_history *h, honest_model *out)
{
    memset(out, 0, sizeof *out);
    long *further = NULL;
    int *push_days = NULL;
    size_t npush = 0;
    for (size_t i = 0; i < h->nevents;) {
        slip_ledger l;
        slip_ledger_at(h, &i, &l);
        push_days = xrealloc(push_days, (npush + l.n + 1) * sizeof *push_days);
        for (size_t c = 0; c < l.n; c++)
            if (l.changes[c].days > 0)
                push_days[npush++] = l.changes[c].days;
        if (!l.gone && l.status == STATUS_WON)
            add_won_deal(out, &further, l.pushes);
        slip_ledger_free(&l);
    }
    for (size_t k = 0; k < out->nrows; k++)
        out->rows[k].further_pushes = (double)further[k] / out->rows[k].deals;
    out->push_days = lower_median(push_days, npush);
    out->pushes = (int)npush;
    free(further);
    free(push_days);
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
        e.further_pushes = row->further_pushes;
        e.push_days = m->push_days;
        e.further_days = (int)(row->further_pushes * m->push_days + 0.5);
        e.honest = stated + e.further_days;
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
    return xasprintf("%s (+%d day%s: %d won deals%s were pushed %.2f× more, by a median %d "
                     "days)", date, e->further_days, e->further_days == 1 ? "" : "s",
                     e->comparable, pushed, e->further_pushes, e->push_days);
}
