/* Stage renames (see stage_renames.h). */
#include "stage_renames.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- detecting them in two versions of the stage list ---- */

static int find_id(const stage_def *stages, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (str_eq(stages[i].id, id))
            return (int)i;
    return -1;
}

/* One side of the comparison: which of its stages the other side lacks. */
typedef struct {
    const stage_def *stages;
    size_t n;
    bool *changed;        /* lost (before) or gained (after) */
    bool *paired;
} side;

static void side_init(side *s, const stage_def *stages, size_t n, const stage_def *other,
                      size_t nother)
{
    s->stages = stages;
    s->n = n;
    s->changed = xcalloc(n ? n : 1, sizeof *s->changed);
    s->paired = xcalloc(n ? n : 1, sizeof *s->paired);
    for (size_t i = 0; i < n; i++)
        s->changed[i] = find_id(other, nother, stages[i].id) < 0;
}

static void side_free(side *s)
{
    free(s->changed);
    free(s->paired);
}

static bool open_change(const side *s, size_t i)
{
    return s->changed[i] && !s->paired[i];
}

/* Stages still open for pairing on side s with the display name `name`;
 * *at: the last of them. */
static int count_named(const side *s, const char *name, size_t *at)
{
    int count = 0;
    for (size_t i = 0; i < s->n; i++)
        if (open_change(s, i) && str_eq(s->stages[i].name, name)) {
            count++;
            *at = i;
        }
    return count;
}

/* The slot of stage i: the ids of the nearest kept stages before and after
 * it (NULL: the start or the end of the list). */
typedef struct {
    const char *prev, *next;
} slot;

static slot slot_of(const side *s, size_t i)
{
    slot sl = {NULL, NULL};
    for (size_t k = i; k-- > 0;)
        if (!s->changed[k]) {
            sl.prev = s->stages[k].id;
            break;
        }
    for (size_t k = i + 1; k < s->n; k++)
        if (!s->changed[k]) {
            sl.next = s->stages[k].id;
            break;
        }
    return sl;
}

static bool nullable_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_slot(slot a, slot b)
{
    return nullable_eq(a.prev, b.prev) && nullable_eq(a.next, b.next);
}

static int count_in_slot(const side *s, slot sl, size_t *at)
{
    int count = 0;
    for (size_t i = 0; i < s->n; i++)
        if (open_change(s, i) && same_slot(slot_of(s, i), sl)) {
            count++;
            *at = i;
        }
    return count;
}

static void push_change(stage_change **out, size_t *n, const char *from, const char *to)
{
    *out = xrealloc(*out, (*n + 1) * sizeof **out);
    (*out)[(*n)++] = (stage_change){0, from ? xstrdup(from) : NULL, xstrdup(to)};
}

static void pair(side *lost, size_t i, side *gained, size_t j, stage_change **out, size_t *n)
{
    lost->paired[i] = gained->paired[j] = true;
    push_change(out, n, lost->stages[i].id, gained->stages[j].id);
}

size_t stage_changes_detect(const stage_def *before, size_t nbefore, const stage_def *after,
                            size_t nafter, stage_change **out)
{
    side lost, gained;
    side_init(&lost, before, nbefore, after, nafter);
    side_init(&gained, after, nafter, before, nbefore);
    size_t n = 0, i2, j;
    *out = NULL;
    /* 1. the same display name, on neither side shared with another changed stage */
    for (size_t i = 0; i < nbefore; i++)
        if (open_change(&lost, i) && count_named(&lost, before[i].name, &i2) == 1 &&
            count_named(&gained, before[i].name, &j) == 1)
            pair(&lost, i, &gained, j, out, &n);
    /* 2. the same slot, alone there on both sides */
    for (size_t i = 0; i < nbefore; i++) {
        if (!open_change(&lost, i))
            continue;
        slot sl = slot_of(&lost, i);
        if (count_in_slot(&lost, sl, &i2) == 1 && count_in_slot(&gained, sl, &j) == 1)
            pair(&lost, i, &gained, j, out, &n);
    }
    for (size_t k = 0; k < nafter; k++)
        if (open_change(&gained, k))
            push_change(out, &n, NULL, after[k].id);
    side_free(&lost);
    side_free(&gained);
    return n;
}

void stage_change_list_free(stage_change *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(list[i].from);
        free(list[i].to);
    }
    free(list);
}

/* ---- reading a recorded id under today's one ---- */

/* Whether commit a comes after commit b: author time, then canonical index. */
static bool later(const deal_history *h, uint32_t a, uint32_t b)
{
    int64_t ta = h->commits[a].author_time, tb = h->commits[b].author_time;
    return ta != tb ? ta > tb : a > b;
}

static bool is_rename_from(const stage_change *c, const char *id)
{
    return c->from && str_eq(c->from, id);
}

static bool renamed_before(const deal_history *h, const char *id, uint32_t commit)
{
    for (size_t i = 0; i < h->nstage_changes; i++)
        if (is_rename_from(&h->stage_changes[i], id) &&
            later(h, commit, h->stage_changes[i].commit))
            return true;
    return false;
}

/* The commit that started the life of `id` that `commit` saw: the last
 * time it was added again after a rename away, at or before `commit`;
 * -1: its first life. */
static int64_t life_start(const deal_history *h, const char *id, uint32_t commit)
{
    int64_t since = -1;
    for (size_t i = 0; i < h->nstage_changes; i++) {
        const stage_change *c = &h->stage_changes[i];
        if (c->from || !str_eq(c->to, id) || later(h, c->commit, commit) ||
            !renamed_before(h, id, c->commit))
            continue;
        if (since < 0 || later(h, c->commit, (uint32_t)since))
            since = c->commit;
    }
    return since;
}

/* The first rename away from `id` after commit `since` (-1: any). */
static const stage_change *next_rename(const deal_history *h, const char *id, int64_t since)
{
    const stage_change *first = NULL;
    for (size_t i = 0; i < h->nstage_changes; i++) {
        const stage_change *c = &h->stage_changes[i];
        if (!is_rename_from(c, id) || (since >= 0 && !later(h, c->commit, (uint32_t)since)))
            continue;
        if (!first || later(h, first->commit, c->commit))
            first = c;
    }
    return first;
}

const char *stage_renames_current(const deal_history *h, const char *id, uint32_t commit)
{
    if (!id || !h->nstage_changes)
        return id;
    int64_t since = life_start(h, id, commit);
    const char *current = id;
    /* since moves later at each step: at most one step per change */
    for (size_t steps = 0; steps < h->nstage_changes; steps++) {
        const stage_change *r = next_rename(h, current, since);
        if (!r)
            break;
        current = r->to;
        since = r->commit;
    }
    return current;
}

/* ---- canonical order ---- */

static int change_order(const void *a, const void *b)
{
    const stage_change *x = a, *y = b;
    if (x->commit != y->commit)
        return x->commit < y->commit ? -1 : 1;
    if (!x->from != !y->from)
        return x->from ? 1 : -1;            /* additions first */
    int c = x->from ? strcmp(x->from, y->from) : 0;
    return c ? c : strcmp(x->to, y->to);
}

void stage_changes_canonicalize(deal_history *h, const uint32_t *commit_map)
{
    for (size_t i = 0; i < h->nstage_changes; i++)
        h->stage_changes[i].commit = commit_map[h->stage_changes[i].commit];
    if (h->nstage_changes > 1)
        qsort(h->stage_changes, h->nstage_changes, sizeof *h->stage_changes, change_order);
}

void stage_changes_free(deal_history *h)
{
    stage_change_list_free(h->stage_changes, h->nstage_changes);
    h->stage_changes = NULL;
    h->nstage_changes = 0;
}
