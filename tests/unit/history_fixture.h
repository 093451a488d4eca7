/* Shared by test_survival.c and test_learned_limits.c: event histories
 * (pipeline/deal_events.h) made by hand, one commit per event, on days
 * counted from T0. */
#ifndef HISTORY_FIXTURE_H
#define HISTORY_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../pipeline/config.h"
#include "../../pipeline/deal_events.h"
#include "../../pipeline/util.h"

#define DAY 86400
#define T0 (20000LL * DAY + 10 * 3600)   /* 2024-10-04 10:00 UTC */

typedef struct {
    deal_history h;
    pipeline_cfg cfg;
} history_fixture;

static inline uint32_t commit_at(deal_history *h, int day)
{
    h->commits = xrealloc(h->commits, (h->ncommits + 1) * sizeof *h->commits);
    history_commit *c = &h->commits[h->ncommits];
    memset(c, 0, sizeof *c);
    snprintf(c->oid, sizeof c->oid, "%040zu", h->ncommits);
    c->generation = (uint32_t)h->ncommits + 1;
    c->author_time = T0 + (int64_t)day * DAY;
    c->commit_time = c->author_time;
    return (uint32_t)h->ncommits++;
}

static inline void ev(deal_history *h, uint32_t deal, int day, event_field f, int64_t num,
               const char *text)
{
    uint32_t commit = commit_at(h, day);
    h->events = xrealloc(h->events, (h->nevents + 1) * sizeof *h->events);
    h->events[h->nevents++] = (deal_event){deal, commit, f, num, xstrdup(text)};
}

#endif
