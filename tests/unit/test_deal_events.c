/* The event index's canonical order (pipeline/deal_events.h): a history
 * read in two parts (its first part in order, the second appended, as an
 * update leaves it) is put in the same order as one shuffled whole, and
 * what refers to the tables is renumbered with them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/deal_events.h"
#include "../../pipeline/util.h"

#define NDEALS 40
#define NCOMMITS 60
#define NEVENTS 300

/* A history whose rows are given by seeds, in the order of `order` (a
 * permutation of the rows): deal k is "deal-<k>", commit k has generation
 * k / 3 and author time 1000 - k, event k is of deal (k * 7) % NDEALS and
 * commit (k * 11) % NCOMMITS, with a field by k. */
static void make_history(deal_history *h, const size_t *deal_order, const size_t *commit_order,
                         const size_t *event_order)
{
    memset(h, 0, sizeof *h);
    h->deals = xcalloc(NDEALS, sizeof *h->deals);
    h->authors = xcalloc(1, sizeof *h->authors);
    h->commits = xcalloc(NCOMMITS, sizeof *h->commits);
    h->events = xcalloc(NEVENTS, sizeof *h->events);
    h->ndeals = NDEALS;
    h->nauthors = 1;
    h->ncommits = NCOMMITS;
    h->nevents = h->cap_events = NEVENTS;
    h->authors[0] = xstrdup("Dana");
    size_t deal_at[NDEALS], commit_at[NCOMMITS];
    for (size_t i = 0; i < NDEALS; i++) {
        h->deals[i] = xasprintf("deal-%02zu", deal_order[i]);
        deal_at[deal_order[i]] = i;
    }
    for (size_t i = 0; i < NCOMMITS; i++) {
        size_t k = commit_order[i];
        history_commit *c = &h->commits[i];
        snprintf(c->oid, sizeof c->oid, "%040zx", k * 2654435761u % 1000003u);
        c->generation = (uint32_t)(k / 3 + 1);
        c->author_time = c->commit_time = 1000 - (int64_t)k;
        commit_at[k] = i;
    }
    for (size_t i = 0; i < NEVENTS; i++) {
        size_t k = event_order[i];
        deal_event *e = &h->events[i];
        e->deal = (uint32_t)deal_at[(k * 7) % NDEALS];
        e->commit = (uint32_t)commit_at[(k * 11) % NCOMMITS];
        e->field = (event_field)(k / (NEVENTS / 5) % 5);
        e->num = (int64_t)k;
        if (e->field == EVENT_STAGE)
            e->text = xasprintf("stage-%zu", k);
    }
}

static void identity(size_t *order, size_t n)
{
    for (size_t i = 0; i < n; i++)
        order[i] = i;
}

/* A fixed shuffle (a linear congruential generator, so runs agree). */
static void shuffle(size_t *order, size_t from, size_t n, unsigned seed)
{
    for (size_t i = n - 1; i > from; i--) {
        seed = seed * 1103515245u + 12345u;
        size_t j = from + (seed >> 8) % (i - from + 1);
        size_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

/* Every fifth row moved to the end, last first: the rest stays in order
 * and the moved rows belong between them (an update's appended rows). */
static void move_to_end(size_t *order, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (i % 5)
            order[k++] = i;
    for (size_t i = n; i-- > 0;)
        if (i % 5 == 0)
            order[k++] = i;
}

static void assert_same_history(const deal_history *a, const deal_history *b)
{
    for (size_t i = 0; i < NDEALS; i++)
        assert_string_equal(a->deals[i], b->deals[i]);
    for (size_t i = 0; i < NCOMMITS; i++)
        assert_memory_equal(&a->commits[i], &b->commits[i], sizeof a->commits[i]);
    for (size_t i = 0; i < NEVENTS; i++) {
        const deal_event *x = &a->events[i], *y = &b->events[i];
        assert_int_equal(x->deal, y->deal);
        assert_int_equal(x->commit, y->commit);
        assert_int_equal(x->field, y->field);
        assert_int_equal(x->num, y->num);
        if (x->field == EVENT_STAGE)
            assert_string_equal(x->text, y->text);
    }
}

static void in_order(const deal_history *h)
{
    for (size_t i = 1; i < NDEALS; i++)
        assert_true(strcmp(h->deals[i - 1], h->deals[i]) < 0);
    for (size_t i = 1; i < NCOMMITS; i++)
        assert_true(h->commits[i - 1].generation < h->commits[i].generation ||
                    (h->commits[i - 1].generation == h->commits[i].generation &&
                     strcmp(h->commits[i - 1].oid, h->commits[i].oid) < 0));
    for (size_t i = 1; i < NEVENTS; i++)
        assert_true(h->events[i - 1].deal <= h->events[i].deal);
}

/* Every deal's events still name its own deal and commit after renumbering. */
static void refers_right(const deal_history *h)
{
    for (size_t i = 0; i < NEVENTS; i++) {
        const deal_event *e = &h->events[i];
        size_t k = (size_t)e->num;
        char want[16];
        snprintf(want, sizeof want, "deal-%02zu", (k * 7) % NDEALS);
        assert_string_equal(h->deals[e->deal], want);
        assert_int_equal(h->commits[e->commit].author_time, 1000 - (int64_t)((k * 11) % NCOMMITS));
    }
}

static void appended_tail_equals_whole_shuffle(void **state)
{
    (void)state;
    size_t deals[NDEALS], commits[NCOMMITS], events[NEVENTS];
    identity(deals, NDEALS);
    identity(commits, NCOMMITS);
    identity(events, NEVENTS);
    shuffle(deals, 0, NDEALS, 1);
    shuffle(commits, 0, NCOMMITS, 2);
    shuffle(events, 0, NEVENTS, 3);
    deal_history whole;
    make_history(&whole, deals, commits, events);
    deal_history_canonicalize(&whole);
    in_order(&whole);
    refers_right(&whole);

    /* The same rows as an update leaves them: most in canonical order, the
     * appended ones after them, out of order and belonging in between. */
    deal_history parts;
    make_history(&parts, deals, commits, events);
    deal_history_canonicalize(&parts);
    size_t tail_deals[NDEALS], tail_commits[NCOMMITS], tail_events[NEVENTS];
    move_to_end(tail_deals, NDEALS);
    move_to_end(tail_commits, NCOMMITS);
    move_to_end(tail_events, NEVENTS);
    deal_history mixed;
    {
        /* Rows of `parts` taken in the tail orders: names and commits
         * keep their contents, events are renumbered to the new places. */
        size_t deal_place[NDEALS], commit_place[NCOMMITS];
        memset(&mixed, 0, sizeof mixed);
        mixed.deals = xcalloc(NDEALS, sizeof *mixed.deals);
        mixed.authors = xcalloc(1, sizeof *mixed.authors);
        mixed.authors[0] = xstrdup("Dana");
        mixed.commits = xcalloc(NCOMMITS, sizeof *mixed.commits);
        mixed.events = xcalloc(NEVENTS, sizeof *mixed.events);
        mixed.ndeals = NDEALS;
        mixed.nauthors = 1;
        mixed.ncommits = NCOMMITS;
        mixed.nevents = mixed.cap_events = NEVENTS;
        for (size_t i = 0; i < NDEALS; i++) {
            mixed.deals[i] = xstrdup(parts.deals[tail_deals[i]]);
            deal_place[tail_deals[i]] = i;
        }
        for (size_t i = 0; i < NCOMMITS; i++) {
            mixed.commits[i] = parts.commits[tail_commits[i]];
            commit_place[tail_commits[i]] = i;
        }
        for (size_t i = 0; i < NEVENTS; i++) {
            deal_event e = parts.events[tail_events[i]];
            e.deal = (uint32_t)deal_place[e.deal];
            e.commit = (uint32_t)commit_place[e.commit];
            e.text = xstrdup(e.text);
            mixed.events[i] = e;
        }
    }
    deal_history_canonicalize(&mixed);
    assert_same_history(&whole, &mixed);
    deal_history_free(&whole);
    deal_history_free(&parts);
    deal_history_free(&mixed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(appended_tail_equals_whole_shuffle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
