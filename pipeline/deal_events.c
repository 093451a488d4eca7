/* The history's tables (see deal_events.h). */
#include "deal_events.h"

#include <stdlib.h>
#include <string.h>

#include "stage_renames.h"
#include "util.h"

static const struct {
    char letter;
    const char *name;
} fields[EVENT_FIELD_COUNT] = {
#define X(e, letter, name) {letter, name},
    DEAL_EVENT_FIELDS(X)
#undef X
};

const char *event_field_name(event_field f)
{
    return fields[f].name;
}

char event_field_letter(event_field f)
{
    return fields[f].letter;
}

int event_field_by_letter(char letter)
{
    for (int f = 0; f < EVENT_FIELD_COUNT; f++)
        if (fields[f].letter == letter)
            return f;
    return -1;
}

int64_t deal_event_text_hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        h = (h ^ *c) * 1099511628211ULL;
    return (int64_t)h;
}

static int id_vs_name(const void *key, const void *elem)
{
    return strcmp(key, *(char *const *)elem);
}

/* The first event of deal number `deal` (events are sorted by deal). */
static size_t first_event(const deal_history *h, uint32_t deal)
{
    size_t lo = 0, hi = h->nevents;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->events[mid].deal < deal)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool deal_history_events_of(const deal_history *h, const char *deal_id, size_t *from, size_t *to)
{
    *from = *to = 0;
    char **found = h->ndeals ? bsearch(deal_id, h->deals, h->ndeals, sizeof *h->deals, id_vs_name)
                             : NULL;
    if (!found)
        return false;
    uint32_t deal = (uint32_t)(found - h->deals);
    size_t i = first_event(h, deal);
    *from = *to = i;
    while (*to < h->nevents && h->events[*to].deal == deal)
        (*to)++;
    return *to > *from;
}

int64_t deal_event_time(const deal_history *h, const deal_event *e)
{
    return h->commits[e->commit].author_time;
}

void deal_history_free(deal_history *h)
{
    for (size_t i = 0; i < h->ndeals; i++)
        free(h->deals[i]);
    for (size_t i = 0; i < h->nauthors; i++)
        free(h->authors[i]);
    for (size_t i = 0; i < h->nevents; i++)
        free(h->events[i].text);
    free(h->deals);
    free(h->authors);
    free(h->commits);
    free(h->events);
    stage_changes_free(h);
    memset(h, 0, sizeof *h);
}

/* ---- canonical order ---- */

/* qsort for tables that are mostly in order already: an index read from
 * its file is, and an update appends what it read. Sorts what follows the
 * longest sorted start and merges it in from the back, in place: the same
 * result as qsort (the orders here are total), moving only what lies after
 * the first place a new item goes, and with no copy of the whole table (an
 * update after a sync spent most of its sorting time copying). With map:
 * map[old index] = new index. */
static const char *tail_base;
static size_t tail_size;
static int (*tail_cmp)(const void *, const void *);

static int by_tail_item(const void *a, const void *b)
{
    return tail_cmp(tail_base + *(const size_t *)a * tail_size,
                    tail_base + *(const size_t *)b * tail_size);
}

static bool sort_mostly_sorted(void *base, size_t n, size_t size,
                               int (*cmp)(const void *, const void *), uint32_t *map)
{
    char *a = base;
    size_t k = 1;
    while (k < n && cmp(a + (k - 1) * size, a + k * size) <= 0)
        k++;
    for (size_t i = 0; map && i < n; i++)
        map[i] = (uint32_t)i;
    if (k >= n)
        return false;
    size_t m = n - k;
    char *tail = xmalloc(m * size);
    size_t *order = xmalloc(m * sizeof *order);
    memcpy(tail, a + k * size, m * size);
    for (size_t j = 0; j < m; j++)
        order[j] = j;
    tail_base = tail, tail_size = size, tail_cmp = cmp;
    qsort(order, m, sizeof *order, by_tail_item);
    tail_base = NULL, tail_cmp = NULL;
    size_t i = k, j = m, w = n;       /* one past the next to take and to write */
    while (j > 0) {
        const char *t = tail + order[j - 1] * size;
        w--;
        if (i > 0 && cmp(a + (i - 1) * size, t) > 0) {
            i--;
            memcpy(a + w * size, a + i * size, size);
            if (map)
                map[i] = (uint32_t)w;
        } else {
            j--;
            memcpy(a + w * size, t, size);
            if (map)
                map[k + order[j]] = (uint32_t)w;
        }
    }
    free(order);
    free(tail);
    return true;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts names in place; map[old index] = new index (*moved: not all
 * map[i] == i). Caller frees map. */
static uint32_t *sort_names(char **names, size_t n, bool *moved)
{
    uint32_t *map = xmalloc((n ? n : 1) * sizeof *map);
    *moved = sort_mostly_sorted(names, n, sizeof *names, by_name, map);
    return map;
}

static int by_generation(const void *a, const void *b)
{
    const history_commit *x = a, *y = b;
    if (x->generation != y->generation)
        return x->generation < y->generation ? -1 : 1;
    return strcmp(x->oid, y->oid);
}

static uint32_t *sort_commits(history_commit *commits, size_t n, const uint32_t *author_map,
                              bool authors_moved, bool *moved)
{
    for (size_t i = 0; authors_moved && i < n; i++)
        commits[i].author = author_map[commits[i].author];
    uint32_t *map = xmalloc((n ? n : 1) * sizeof *map);
    *moved = sort_mostly_sorted(commits, n, sizeof *commits, by_generation, map);
    return map;
}

static const deal_history *sorting;

static int event_order(const void *a, const void *b)
{
    const deal_event *x = a, *y = b;
    if (x->deal != y->deal)
        return x->deal < y->deal ? -1 : 1;
    int64_t tx = deal_event_time(sorting, x), ty = deal_event_time(sorting, y);
    if (tx != ty)
        return tx < ty ? -1 : 1;
    if (x->commit != y->commit)
        return x->commit < y->commit ? -1 : 1;
    return (int)x->field - (int)y->field;
}

void deal_history_canonicalize(deal_history *h)
{
    bool deals_moved, authors_moved, commits_moved;
    uint32_t *deal_map = sort_names(h->deals, h->ndeals, &deals_moved);
    uint32_t *author_map = sort_names(h->authors, h->nauthors, &authors_moved);
    uint32_t *commit_map = sort_commits(h->commits, h->ncommits, author_map, authors_moved,
                                        &commits_moved);
    /* An update seldom moves one: new deals and commits mostly sort last. */
    for (size_t i = 0; (deals_moved || commits_moved) && i < h->nevents; i++) {
        h->events[i].deal = deal_map[h->events[i].deal];
        h->events[i].commit = commit_map[h->events[i].commit];
    }
    sorting = h;
    sort_mostly_sorted(h->events, h->nevents, sizeof *h->events, event_order, NULL);
    sorting = NULL;
    stage_changes_canonicalize(h, commit_map);
    free(deal_map);
    free(author_map);
    free(commit_map);
}
