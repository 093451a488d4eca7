/* Shared by test_rules.c, test_review.c and test_forecast.c: deals built in
 * memory relative to a fixed "today", and pipeline configs parsed from JSON
 * text exactly as pipeline.json is. */
#ifndef FLAG_FIXTURE_H
#define FLAG_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../pipeline/config.h"
#include "../../pipeline/deal.h"
#include "../../pipeline/rules.h"
#include "../../pipeline/util.h"
#include "../../store/config_load.h"

/* 2026-11-20, the day the example pipeline's expected flags are given for. */
#define TODAY date_from_ymd(2026, 11, 20)

/* An open deal that no default rule flags: 10 days in Explore (limit 30),
 * touched yesterday, closing in a month, a next step due in 2 days, and the
 * why-change fields filled in. Tests break one thing at a time. */
static inline deal *fixture_clean_deal(const char *id, const char *title)
{
    deal *d = xcalloc(1, sizeof *d);
    deal_init(d);
    deal_set_str(&d->id, id);
    deal_set_str(&d->title, title);
    deal_set_str(&d->stage, "explore");
    d->value = 10000;
    d->created = TODAY - 50;
    d->stage_entered = TODAY - 10;
    d->last_touch = TODAY - 1;
    d->close_date = TODAY + 30;
    deal_set_str(&d->next_text, "Send the proposal");
    d->next_due = TODAY + 2;
    deal_set_str(&d->status_quo, "Spreadsheets, and they feel safe");
    deal_set_str(&d->insight, "The spreadsheets hide a 9-point gap");
    return d;
}

/* Parses pipeline.json text; fails the test on any error. */
static inline void fixture_config(const char *json, pipeline_cfg *cfg)
{
    db_err err = {0};
    char *warnings = NULL;
    int rc = config_parse(json, strlen(json), "pipeline.json", cfg, &warnings, &err);
    if (rc)
        fail_msg("config_parse: %s", err.msg);
    free(warnings);
}

static inline void fixture_default_config(pipeline_cfg *cfg)
{
    fixture_config("{}", cfg);
}

/* The index of the reason of `rule`, or -1. */
static inline int fixture_reason(const flag_result *f, rule_id rule)
{
    for (int i = 0; i < f->nreasons; i++)
        if (f->reasons[i].rule == rule)
            return i;
    return -1;
}

#endif
