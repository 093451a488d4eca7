/* The period's flow (pipeline/flow.h) on histories made by hand, and on
 * random ones: the open pipeline at the start and the end equals a replay
 * of every change up to that moment, and the lines reconcile the two. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/deal.h"
#include "../../pipeline/flow.h"
#include "../../pipeline/util.h"

#define DAY 86400
#define D0 20000                       /* 2024-10-04 */

static uint32_t commit_on(deal_history *h, int day, int hour)
{
    h->commits = xrealloc(h->commits, (h->ncommits + 1) * sizeof *h->commits);
    history_commit *c = &h->commits[h->ncommits];
    memset(c, 0, sizeof *c);
    snprintf(c->oid, sizeof c->oid, "%040zu", h->ncommits);
    c->generation = (uint32_t)h->ncommits + 1;
    c->author_time = (int64_t)(D0 + day) * DAY + hour * 3600;
    c->commit_time = c->author_time;
    return (uint32_t)h->ncommits++;
}

static void ev(deal_history *h, uint32_t deal, uint32_t commit, event_field f, int64_t num)
{
    h->events = xrealloc(h->events, (h->nevents + 1) * sizeof *h->events);
    h->events[h->nevents++] = (deal_event){deal, commit, f, num, f == EVENT_STAGE ? xstrdup("define") : NULL};
    if (deal + 1 > h->ndeals) {
        h->deals = xrealloc(h->deals, (deal + 1) * sizeof *h->deals);
        for (size_t i = h->ndeals; i <= deal; i++)
            h->deals[i] = xasprintf("deal-%zu", i);
        h->ndeals = deal + 1;
    }
}

/* A new deal's first version: open, value, close date. */
static void born(deal_history *h, uint32_t deal, int day, int64_t value, int close)
{
    uint32_t c = commit_on(h, day, 9);
    ev(h, deal, c, EVENT_STAGE, 0);
    ev(h, deal, c, EVENT_STATUS, STATUS_OPEN);
    ev(h, deal, c, EVENT_VALUE, value);
    ev(h, deal, c, EVENT_CLOSE_DATE, D0 + close);
}

static void change(deal_history *h, uint32_t deal, int day, event_field f, int64_t num)
{
    ev(h, deal, commit_on(h, day, 11), f, num);
}

static void assert_line(const flow_result *r, flow_kind k, int deals, int64_t value)
{
    assert_int_equal(r->lines[k].deals, deals);
    assert_int_equal(r->lines[k].value, value);
}

/* The week of days 10..16. */
static void a_week_by_hand(void **state)
{
    (void)state;
    deal_history h = {0};
    born(&h, 0, 1, 1000, 40);                      /* open all along, pushed, raised */
    change(&h, 0, 12, EVENT_CLOSE_DATE, D0 + 50);
    change(&h, 0, 13, EVENT_VALUE, 1500);
    born(&h, 1, 2, 2000, 30);                      /* won in the week at a lower value */
    uint32_t c = commit_on(&h, 14, 15);
    ev(&h, 1, c, EVENT_STATUS, STATUS_WON);
    ev(&h, 1, c, EVENT_VALUE, 1800);
    born(&h, 2, 11, 300, 20);                      /* new in the week, pulled in, lost */
    change(&h, 2, 12, EVENT_CLOSE_DATE, D0 + 15);
    change(&h, 2, 16, EVENT_STATUS, STATUS_LOST);
    born(&h, 3, 3, 400, 20);                       /* moved on before the week, reopened in it */
    change(&h, 3, 5, EVENT_STATUS, STATUS_MOVED_ON);
    change(&h, 3, 15, EVENT_STATUS, STATUS_OPEN);
    born(&h, 4, 4, 700, 20);                       /* its file removed in the week */
    change(&h, 4, 10, EVENT_GONE, 0);
    born(&h, 5, 5, 50, 20);                        /* moved on in the week */
    change(&h, 5, 16, EVENT_STATUS, STATUS_MOVED_ON);
    born(&h, 6, 17, 9999, 20);                     /* after the week: not in it */
    flow_result r;
    flow_compute(&h, D0 + 10, D0 + 16, &r);
    assert_int_equal(r.open_start.deals, 4);       /* 0, 1, 4, 5 */
    assert_int_equal(r.open_start.value, 1000 + 2000 + 700 + 50);
    assert_line(&r, FLOW_NEW, 1, 300);
    assert_line(&r, FLOW_REOPENED, 1, 400);
    assert_line(&r, FLOW_WON, 1, 1800);
    assert_line(&r, FLOW_LOST, 1, 300);
    assert_line(&r, FLOW_MOVED_ON, 1, 50);
    assert_line(&r, FLOW_REMOVED, 1, 700);
    assert_line(&r, FLOW_PUSHED, 1, 1000);         /* its value after the push */
    assert_line(&r, FLOW_PULLED_IN, 1, 300);
    assert_int_equal(r.value_changes, 500 - 200);
    assert_int_equal(r.open_end.deals, 2);         /* 0 and 3 */
    assert_int_equal(r.open_end.value, 1500 + 400);
    assert_int_equal(flow_reconciled_end(&r), r.open_end.value);
    deal_history_free(&h);
}

/* The open deals and their value after every change up to the end of `day`,
 * replayed the plain way. */
static flow_line open_at(const deal_history *h, int day)
{
    flow_line open = {0};
    for (size_t i = 0; i < h->nevents;) {
        uint32_t deal = h->events[i].deal;
        bool exists = false;
        int64_t value = 0;
        deal_status st = STATUS_OPEN;
        for (; i < h->nevents && h->events[i].deal == deal; i++) {
            const deal_event *e = &h->events[i];
            if (h->commits[e->commit].author_time >= (int64_t)(D0 + day + 1) * DAY)
                continue;
            exists = e->field != EVENT_GONE;
            if (e->field == EVENT_VALUE)
                value = e->num;
            if (e->field == EVENT_STATUS)
                st = (deal_status)e->num;
        }
        if (exists && st == STATUS_OPEN) {
            open.deals++;
            open.value += value;
        }
    }
    return open;
}

static void random_histories_reconcile(void **state)
{
    (void)state;
    srand(8);
    for (int trial = 0; trial < 300; trial++) {
        deal_history h = {0};
        int ndeals = 1 + rand() % 12;
        for (int d = 0; d < ndeals; d++) {
            int day = rand() % 30, hour = 10;     /* in time order, as the index is */
            born(&h, (uint32_t)d, day, rand() % 10 * 100, 40);
            for (int k = rand() % 6; k > 0; k--) {
                int later = rand() % 5;
                day += later;
                hour = later ? 10 : hour + 2;
                uint32_t c = commit_on(&h, day, hour);
                switch (rand() % 4) {
                case 0: ev(&h, (uint32_t)d, c, EVENT_STATUS, rand() % STATUS_COUNT); break;
                case 1: ev(&h, (uint32_t)d, c, EVENT_VALUE, rand() % 10 * 100); break;
                case 2: ev(&h, (uint32_t)d, c, EVENT_CLOSE_DATE, D0 + 30 + rand() % 20); break;
                default:
                    ev(&h, (uint32_t)d, c, EVENT_STATUS, rand() % STATUS_COUNT);
                    ev(&h, (uint32_t)d, c, EVENT_VALUE, rand() % 10 * 100);
                }
                if (rand() % 15 == 0)
                    ev(&h, (uint32_t)d, commit_on(&h, day, ++hour), EVENT_GONE, 0);
            }
        }
        int from = rand() % 40, to = from + rand() % 10;
        flow_result r;
        flow_compute(&h, D0 + from, D0 + to, &r);
        flow_line start = open_at(&h, from - 1), end = open_at(&h, to);
        assert_int_equal(r.open_start.deals, start.deals);
        assert_int_equal(r.open_start.value, start.value);
        assert_int_equal(r.open_end.deals, end.deals);
        assert_int_equal(r.open_end.value, end.value);
        assert_int_equal(flow_reconciled_end(&r), r.open_end.value);
        int deals = r.open_start.deals;
        for (int k = 0; k < FLOW_LINE_COUNT; k++)
            deals += flow_sign((flow_kind)k) * r.lines[k].deals;
        assert_int_equal(deals, r.open_end.deals);
        deal_history_free(&h);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_week_by_hand),
        cmocka_unit_test(random_histories_reconcile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
