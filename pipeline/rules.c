#include "rules.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "util.h"

int deal_days_in_stage(const deal *d, db_day today)
{
    db_day since = d->stage_entered != DAY_NONE ? d->stage_entered : d->created;
    return since == DAY_NONE || today < since ? 0 : today - since;
}

static const char *plural(int n) { return n == 1 ? "" : "s"; }

static void fire(const pipeline_cfg *cfg, flag_result *out, rule_id rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Appends to text (size cap, NUL kept); false once it is full. */
static bool append(char *text, size_t cap, size_t *len, const char *s, size_t n)
{
    size_t room = cap - 1 - *len;
    memcpy(text + *len, s, n < room ? n : room);
    *len += n < room ? n : room;
    return n <= room;
}

/* vsnprintf for the only conversions reasons use (%d and %s), at a
 * fraction of its cost: listings format reasons for every flagged deal. */
static bool format_reason(char *text, size_t cap, const char *fmt, va_list ap)
{
    size_t len = 0;
    bool fits = true;
    while (*fmt && fits) {
        const char *pct = strchr(fmt, '%');
        size_t plain = pct ? (size_t)(pct - fmt) : strlen(fmt);
        fits = append(text, cap, &len, fmt, plain);
        if (!pct || !fits)
            break;
        char num[16], *p = num + sizeof num;
        const char *arg;
        size_t n;
        if (pct[1] == 'd') {
            int v = va_arg(ap, int);
            unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
            do
                *--p = (char)('0' + u % 10);
            while (u /= 10);
            if (v < 0)
                *--p = '-';
            arg = p;
            n = (size_t)(num + sizeof num - p);
        } else {                          /* 's' */
            arg = va_arg(ap, const char *);
            n = strlen(arg);
        }
        fits = append(text, cap, &len, arg, n);
        fmt = pct + 2;
    }
    text[len] = '\0';
    return fits;
}

static void fire(const pipeline_cfg *cfg, flag_result *out, rule_id rule, const char *fmt, ...)
{
    flag_reason *reason = &out->reasons[out->nreasons++];
    reason->rule = rule;
    out->score += cfg->rules[rule].weight;
    if (out->without_text) {
        reason->text[0] = '\0';
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    bool fits = format_reason(reason->text, sizeof reason->text, fmt, ap);
    va_end(ap);
    if (!fits)                            /* a long stage name was cut */
        text_trim_partial_utf8(reason->text);
}

static bool on(const pipeline_cfg *cfg, rule_id rule) { return cfg->rules[rule].enabled; }

static void check_stalled(const pipeline_cfg *cfg, int stage_index, flag_result *out)
{
    const stage_def *stage = stage_index >= 0 ? &cfg->stages[stage_index] : NULL;
    if (!on(cfg, RULE_STALLED) || !stage || out->days_in_stage <= stage->max_days)
        return;
    fire(cfg, out, RULE_STALLED, "%d day%s in %s, limit %d", out->days_in_stage,
         plural(out->days_in_stage), stage->name, stage->max_days);
}

static void check_quiet(const pipeline_cfg *cfg, const deal *d, db_day today, flag_result *out)
{
    if (!on(cfg, RULE_QUIET))
        return;
    int limit = cfg->rules[RULE_QUIET].threshold;
    if (d->last_touch != DAY_NONE) {
        int days = today - d->last_touch;
        if (days > limit)
            fire(cfg, out, RULE_QUIET, "no touch for %d day%s, limit %d", days, plural(days),
                 limit);
    } else if (d->created != DAY_NONE && today - d->created > limit) {
        int days = today - d->created;
        fire(cfg, out, RULE_QUIET, "never touched, created %d day%s ago, limit %d", days,
             plural(days), limit);
    }
}

static void check_close_date(const pipeline_cfg *cfg, const deal *d, db_day today,
                             flag_result *out)
{
    int pushes = d->close_date_pushes;
    /* pushes > 0: a threshold of 0 must not flag deals that were never pushed. */
    if (on(cfg, RULE_BACK_BURNER) && pushes >= cfg->rules[RULE_BACK_BURNER].threshold && pushes > 0)
        fire(cfg, out, RULE_BACK_BURNER, "close date pushed %d time%s", pushes, plural(pushes));
    if (on(cfg, RULE_PAST_CLOSE) && d->close_date != DAY_NONE && d->close_date < today) {
        char date[DATE_LEN] = "";
        if (!out->without_text)           /* scoring large lists: no words */
            date_format(d->close_date, date);
        int days = today - d->close_date;
        fire(cfg, out, RULE_PAST_CLOSE, "close date %s passed %d day%s ago", date, days,
             plural(days));
    }
}

static void check_next_step(const pipeline_cfg *cfg, const deal *d, db_day today,
                            flag_result *out)
{
    if (!deal_has_next_step(d)) {
        if (on(cfg, RULE_NO_NEXT_STEP))
            fire(cfg, out, RULE_NO_NEXT_STEP, "no next step");
        return;
    }
    int grace = cfg->rules[RULE_OVERDUE_STEP].threshold;
    if (on(cfg, RULE_OVERDUE_STEP) && d->next_due != DAY_NONE && today - d->next_due > grace) {
        int days = today - d->next_due;
        fire(cfg, out, RULE_OVERDUE_STEP, "next step overdue by %d day%s", days, plural(days));
    }
}

static void check_why_change(const pipeline_cfg *cfg, const deal *d, int stage,
                             flag_result *out)
{
    int define = config_stage_index(cfg, "define");
    if (!on(cfg, RULE_NO_WHY_CHANGE) || stage < 0 || define < 0 || stage < define)
        return;
    bool no_sq = !deal_has_status_quo(d), no_insight = !deal_has_insight(d);
    if (no_sq || no_insight)
        fire(cfg, out, RULE_NO_WHY_CHANGE, "no %s recorded",
             no_sq && no_insight ? "status quo or insight" : no_sq ? "status quo" : "insight");
}

static void evaluate(const pipeline_cfg *cfg, const deal *d, db_day today, flag_result *out,
                     bool with_text)
{
    memset(out, 0, sizeof *out);
    out->without_text = !with_text;
    out->days_in_stage = deal_days_in_stage(d, today);
    if (d->status == STATUS_MOVED_ON && d->revisit != DAY_NONE && d->revisit <= today)
        out->revisit_due = true;
    if (!deal_is_open(d))
        return;
    if (d->snooze_until != DAY_NONE && today < d->snooze_until) {   /* ends ON the until day */
        out->snoozed = true;
        return;
    }
    int stage = config_stage_index(cfg, d->stage);     /* looked up once */
    check_stalled(cfg, stage, out);
    check_quiet(cfg, d, today, out);
    check_close_date(cfg, d, today, out);
    check_next_step(cfg, d, today, out);
    check_why_change(cfg, d, stage, out);
    if (out->score >= cfg->level_move_on)
        out->level = LEVEL_MOVE_ON;
    else if (out->score >= cfg->level_watch)
        out->level = LEVEL_WATCH;
}

void rules_evaluate(const pipeline_cfg *cfg, const deal *d, db_day today, flag_result *out)
{
    evaluate(cfg, d, today, out, true);
}

void rules_score(const pipeline_cfg *cfg, const deal *d, db_day today, flag_result *out)
{
    evaluate(cfg, d, today, out, false);
}

const char *flag_level_name(flag_level level)
{
    return level == LEVEL_MOVE_ON ? "move-on" : level == LEVEL_WATCH ? "watch" : "none";
}

const char *flag_level_label(flag_level level)
{
    return level == LEVEL_MOVE_ON ? "move on?" : level == LEVEL_WATCH ? "watch" : "";
}
