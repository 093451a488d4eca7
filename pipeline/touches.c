#include "touches.h"

#include <string.h>

#include "deal_fields.h"
#include "util.h"

bool log_entry_is_touch(const log_entry *e) { return str_eq(e->kind, "touch"); }

bool log_entry_is_inbound(const log_entry *e)
{
    return log_entry_is_touch(e) && str_eq(e->dir, TOUCH_IN);
}

const char *log_entry_kind_label(const log_entry *e)
{
    return log_entry_is_inbound(e) ? "touch-in" : e->kind;
}

bool touch_dir_valid(const char *dir) { return str_eq(dir, TOUCH_IN) || str_eq(dir, TOUCH_OUT); }

/* The UTC day of an entry's "at" timestamp ("2026-03-04T10:00:00Z"). */
static db_day entry_day(const log_entry *e)
{
    char date[DATE_LEN];
    db_day day;
    if (!e->at || strlen(e->at) < DATE_LEN - 1)
        return DAY_NONE;
    memcpy(date, e->at, DATE_LEN - 1);
    date[DATE_LEN - 1] = '\0';
    return date_parse(date, &day) ? day : DAY_NONE;
}

/* Two passes, by the entries' days rather than their order: a merge may
 * put an older entry after a newer one. */
touch_summary touch_summary_of_log(const deal *d)
{
    deal_field_expect(d, DF_LOG, "the touch summary");
    touch_summary s = {DAY_NONE, DAY_NONE, 0};
    for (size_t i = 0; i < d->nlog; i++) {
        db_day day = entry_day(&d->log[i]);
        if (log_entry_is_inbound(&d->log[i]) && day != DAY_NONE &&
            (s.last_in == DAY_NONE || day > s.last_in))
            s.last_in = day;
    }
    for (size_t i = 0; i < d->nlog; i++) {
        const log_entry *e = &d->log[i];
        db_day day = entry_day(e);
        if (!log_entry_is_touch(e) || log_entry_is_inbound(e) || day == DAY_NONE ||
            (s.last_in != DAY_NONE && day <= s.last_in))
            continue;
        if (s.first_unanswered == DAY_NONE || day < s.first_unanswered)
            s.first_unanswered = day;
        s.unanswered++;
    }
    return s;
}

touch_summary deal_touches(const deal *d)
{
    return d->partial ? d->touches : touch_summary_of_log(d);
}
