#include "stage_clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "deal_fields.h"
#include "util.h"

/* What a `stage` log entry's text separates the two stages with (edit.c). */
#define ARROW " → "

db_day stage_clock_log_day(const char *at)
{
    char date[DATE_LEN];
    int h, m, s;
    char z;
    db_day day;
    if (!at || strlen(at) != TIMESTAMP_LEN - 1 || at[10] != 'T')
        return DAY_NONE;
    memcpy(date, at, DATE_LEN - 1);
    date[DATE_LEN - 1] = '\0';
    if (!date_parse(date, &day) || sscanf(at + 11, "%2d:%2d:%2d%c", &h, &m, &s, &z) != 4 ||
        z != 'Z' || h > 23 || m > 59 || s > 60)
        return DAY_NONE;
    /* stage_entered is the user's local day; the log's time is UTC. */
    time_t t = (time_t)day * 86400 + h * 3600 + m * 60 + s;
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return DAY_NONE;
    return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* A `stage` log entry's two sides: "Define → Explore". */
typedef struct {
    const char *from, *to;
    size_t from_len, to_len;
} stage_move;

static bool parse_move(const log_entry *e, stage_move *m)
{
    const char *arrow = str_eq(e->kind, "stage") && e->text ? strstr(e->text, ARROW) : NULL;
    if (!arrow)
        return false;
    m->from = e->text;
    m->from_len = (size_t)(arrow - e->text);
    m->to = arrow + strlen(ARROW);
    m->to_len = strlen(m->to);
    return true;
}

/* Whether `text` (len bytes) names stage s: the log writes names, or the id
 * of a stage that was not in pipeline.json. */
static bool names_stage(const stage_def *s, const char *text, size_t len)
{
    return (strlen(s->name) == len && strncmp(s->name, text, len) == 0) ||
           (strlen(s->id) == len && strncmp(s->id, text, len) == 0);
}

static bool is_reopen(const log_entry *e)
{
    return str_eq(e->kind, "status") && e->text && str_has_prefix(e->text, "Reopened");
}

/* Index + 1 of the last stage move before log entry `before`; 0: none. */
static size_t prev_move(const deal *d, size_t before, stage_move *m)
{
    while (before > 0 && !parse_move(&d->log[before - 1], m))
        before--;
    return before;
}

/* Index + 1 of the last stage move or reopen before `before`; 0: none. */
static size_t prev_clock_event(const deal *d, size_t before)
{
    stage_move m;
    while (before > 0 && !is_reopen(&d->log[before - 1]) && !parse_move(&d->log[before - 1], &m))
        before--;
    return before;
}

/* Whether move `in` (into s) went back to s right after move `out` left it:
 * such a move kept the clock s had before `out`. */
static bool went_back(const stage_def *s, const stage_move *out, const stage_move *in)
{
    return names_stage(s, out->from, out->from_len) && out->to_len == in->from_len &&
           strncmp(out->to, in->from, in->from_len) == 0;
}

/* The day the deal had entered s, when it was in s just before log entry k. */
static db_day entered_before(const deal *d, const stage_def *s, size_t k)
{
    for (;;) {
        size_t i = prev_clock_event(d, k);
        if (i == 0)
            return d->created;                /* in s from the start */
        const log_entry *e = &d->log[i - 1];
        stage_move in, out;
        if (is_reopen(e))
            return stage_clock_log_day(e->at);   /* a reopen restarts the clock */
        parse_move(e, &in);
        if (!names_stage(s, in.to, in.to_len))
            return DAY_NONE;                  /* the log and the stages disagree */
        size_t j = prev_move(d, i - 1, &out);
        if (j == 0 || !went_back(s, &out, &in))
            return stage_clock_log_day(e->at);
        k = j - 1;                            /* back then too: look before that move */
    }
}

db_day stage_clock_return_day(const pipeline_cfg *cfg, const deal *d, int to)
{
    const stage_def *target = to >= 0 && (size_t)to < cfg->nstages ? &cfg->stages[to] : NULL;
    const stage_def *now = config_stage(cfg, d->stage);
    stage_move last;
    deal_field_expect(d, DF_LOG, "stage_clock_return_day");
    size_t k = prev_move(d, d->nlog, &last);
    /* The last move must be the one out of `to` into where the deal is now:
     * a stage changed without a log entry (an import) is not "just left". */
    if (!target || !now || k == 0 || !names_stage(target, last.from, last.from_len) ||
        !names_stage(now, last.to, last.to_len))
        return DAY_NONE;
    return entered_before(d, target, k - 1);
}
