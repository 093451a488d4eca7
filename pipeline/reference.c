/* References and the first mover (SPEC §9; pipeline/reference.h). */
#include "reference.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusters.h"
#include "deal_fields.h"
#include "plan.h"
#include "text.h"

void reference_new_ask_id(char out[REFERENCE_ASK_ID_LEN + 1])
{
    char hex[9];
    text_new_log_id(hex);
    snprintf(out, REFERENCE_ASK_ID_LEN + 1, "a%.6s", hex);
}

size_t reference_ask_insert_index(const deal *d, db_day at, const char *id)
{
    size_t i = 0;
    for (; i < d->reference.nasks; i++) {
        const reference_ask *a = &d->reference.asks[i];
        if (a->at > at || (a->at == at && strcmp(a->id, id) > 0))
            break;
    }
    return i;
}

bool reference_is_ready(const deal *d)
{
    return d->status == STATUS_WON && d->reference.present && d->reference.ready;
}

bool reference_same_cluster(const deal *ref, const deal *for_deal)
{
    if (!for_deal)
        return false;
    char *a = cluster_of(ref), *b = cluster_of(for_deal);
    bool same = a && b && strcmp(a, b) == 0;
    free(a);
    free(b);
    return same;
}

static const deal *suggest_for;   /* qsort has no context argument */

static int by_match_then_asks(const void *pa, const void *pb)
{
    const deal *a = *(deal *const *)pa, *b = *(deal *const *)pb;
    bool ma = reference_same_cluster(a, suggest_for), mb = reference_same_cluster(b, suggest_for);
    if (ma != mb)
        return ma ? -1 : 1;
    if (a->reference.nasks != b->reference.nasks)
        return a->reference.nasks < b->reference.nasks ? -1 : 1;
    return strcmp(a->id, b->id);
}

size_t reference_suggest(deal *const *deals, size_t n, const deal *for_deal, deal **out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (reference_is_ready(deals[i]) && deals[i] != for_deal &&
            !(for_deal && str_eq(deals[i]->id, for_deal->id)))
            out[k++] = deals[i];
    suggest_for = for_deal;
    qsort(out, k, sizeof *out, by_match_then_asks);
    suggest_for = NULL;
    return k;
}

db_day reference_first_wanted(const deal *d)
{
    if (d->partial)
        return d->refs_wanted;      /* derived from the log when the deal was made light */
    deal_field_expect(d, DF_LOG, "reference_first_wanted");
    for (size_t i = 0; i < d->nlog; i++) {
        char date[DATE_LEN] = "";
        db_day day;
        if (str_eq(d->log[i].kind, REFERENCE_LOG_KIND) && d->log[i].at) {
            snprintf(date, sizeof date, "%.10s", d->log[i].at);   /* the at's day, UTC */
            if (date_parse(date, &day))
                return day;
        }
    }
    return DAY_NONE;
}

bool reference_not_first_mover(const pipeline_cfg *cfg, const deal *d)
{
    int evaluation = config_evaluation_stage(cfg);
    return deal_is_open(d) && evaluation >= 0 && d->stage &&
           str_eq(d->stage, cfg->stages[evaluation].id) && reference_first_wanted(d) != DAY_NONE;
}

/* "A, B and 2 more": the offers (those sharing for_deal's cluster only, when asked),
 * at most REFERENCE_OFFERS_NAMED named. */
static void name_offers(strbuf *sb, const deal *for_deal, deal *const *offers, size_t n,
                        bool only_same_cluster)
{
    size_t named = 0, more = 0;
    for (size_t i = 0; i < n; i++) {
        if (only_same_cluster && !reference_same_cluster(offers[i], for_deal))
            continue;
        if (named == REFERENCE_OFFERS_NAMED) {
            more++;
            continue;
        }
        const deal *o = offers[i];
        sb_printf(sb, "%s%s", named++ ? ", " : "", str_empty(o->title) ? o->id : o->title);
    }
    if (more)
        sb_printf(sb, " and %zu more", more);
}

char *reference_first_mover_words(db_day asked, const deal *for_deal, deal *const *offers,
                                  size_t n)
{
    char day[DATE_LEN];
    date_format(asked, day);
    strbuf sb = {0};
    sb_printf(&sb, "The buyer asked for references on %s: not comfortable being first — ",
              *day ? day : "an unknown day");
    bool same = n && reference_same_cluster(offers[0], for_deal);   /* suggested first */
    if (!n)
        sb_puts(&sb, "no reference is ready: mark a won deal's reference ready");
    else
        sb_puts(&sb, same ? "offer a reference from the same cluster: " : "offer a reference: ");
    name_offers(&sb, for_deal, offers, n, same);
    return sb.data;
}

/* ---- the CSV cell ---- */

char *reference_to_cell(const deal *d)
{
    strbuf sb = {0};
    sb_puts(&sb, "");
    if (!d->reference.present)
        return sb.data;
    sb_puts(&sb, d->reference.ready ? "ready" : "not-ready");
    for (size_t i = 0; i < d->reference.nasks; i++) {
        const reference_ask *a = &d->reference.asks[i];
        char day[DATE_LEN];
        date_format(a->at, day);
        sb_puts(&sb, "\n");
        cell_put_escaped(&sb, a->id);
        sb_printf(&sb, ";%s;", day);
        cell_put_escaped(&sb, a->for_deal);
    }
    return sb.data;
}

static int read_ask(deal *into, char *line, int number, db_err *err)
{
    char *part[4];
    db_day at = DAY_NONE;
    if (cell_split_line(line, part, 4) != 3)
        return db_fail(err, DB_EUSAGE, "line %d: expected id;day;for (an ask)", number);
    if (!*part[0] || !*part[2])
        return db_fail(err, DB_EUSAGE, "line %d: the ask needs an id (like a3f2a1c) and the "
                       "deal it was for", number);
    if (*part[1] && !date_parse(part[1], &at))
        return db_fail(err, DB_EUSAGE, "line %d: the day is YYYY-MM-DD or empty", number);
    deal_add_reference_ask(into, part[0], at, part[2]);
    return 0;
}

static int read_line(deal *into, char *line, int number, db_err *err)
{
    if (number > 1)
        return read_ask(into, line, number, err);
    if (strcmp(line, "ready") != 0 && strcmp(line, "not-ready") != 0)
        return db_fail(err, DB_EUSAGE, "line 1: expected ready or not-ready, then one ask "
                       "a line");
    into->reference.present = true;
    into->reference.ready = strcmp(line, "ready") == 0;
    return 0;
}

int reference_from_cell(deal *d, const char *cell, db_err *err)
{
    deal parsed;
    deal_init(&parsed);
    char *copy = xstrdup(cell ? cell : ""), *save = NULL;
    int rc = 0, number = 1;
    for (char *line = strtok_r(copy, "\n", &save); line && !rc;
         line = strtok_r(NULL, "\n", &save)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')           /* a spreadsheet's line break */
            line[n - 1] = '\0';
        if (*line)
            rc = read_line(&parsed, line, number++, err);
    }
    free(copy);
    if (!rc) {
        deal_reference old = d->reference;
        d->reference = parsed.reference;
        parsed.reference = old;
    }
    deal_free(&parsed);
    return rc;
}
