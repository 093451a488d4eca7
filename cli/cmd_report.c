/* dealboard report: the forecast (pipeline/forecast.h) as a table or JSON. */
#include <stdlib.h>
#include <string.h>

#include "../pipeline/forecast.h"
#include "../pipeline/format.h"
#include "../pipeline/forecast_period.h"
#include "../pipeline/honest.h"
#include "../pipeline/text.h"
#include "cli.h"
#include "deal_view.h"

/* ---- JSON (SPEC §3, extra keys as documented in README "Flags and the forecast") ---- */

static cJSON *json_sum(const forecast_sum *s)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddNumberToObject(obj, "count", s->count);
    cJSON_AddNumberToObject(obj, "value", (double)s->value);
    return obj;
}

static cJSON *json_open(const forecast_totals *t)
{
    cJSON *obj = json_sum(&t->open);
    cJSON_AddNumberToObject(obj, "weighted", (double)t->open_weighted);
    return obj;
}

static cJSON *json_closed(const forecast_totals *t)
{
    cJSON *obj = cJSON_CreateObject();
    for (int c = 0; c < FORECAST_CLOSED_COUNT; c++)
        cJSON_AddItemToObject(obj, forecast_closed_name((forecast_closed)c),
                              json_sum(&t->closed[c]));
    return obj;
}

static cJSON *json_stage(const forecast_stage *row)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "id", row->def->id);
    cJSON_AddStringToObject(obj, "name", row->def->name);
    cJSON_AddNumberToObject(obj, "count", row->count);
    cJSON_AddNumberToObject(obj, "value", (double)row->value);
    cJSON_AddNumberToObject(obj, "weighted", (double)row->weighted);
    cJSON_AddNumberToObject(obj, "probability", row->def->probability);
    if (row->avg_days < 0)
        cJSON_AddNullToObject(obj, "avg_days");
    else
        cJSON_AddNumberToObject(obj, "avg_days", row->avg_days);
    return obj;
}

static cJSON *json_other(const forecast_currency *c)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "currency", c->currency);
    cJSON_AddItemToObject(obj, "open", json_open(&c->totals));
    cJSON_AddItemToObject(obj, "flagged", json_sum(&c->totals.flagged));
    cJSON_AddItemToObject(obj, "closed", json_closed(&c->totals));
    return obj;
}

/* "owner": whose deals the totals are over; absent for the whole team. */
static void add_owner(cJSON *doc, const owner_scope *scope)
{
    if (scope->kind == OWNER_ALL)
        return;
    cJSON *owner = cJSON_AddObjectToObject(doc, "owner");
    cJSON_AddStringToObject(owner, "scope", scope->kind == OWNER_MINE ? "mine" : "owner");
    cJSON *matches = cJSON_AddArrayToObject(owner, "matches");
    const char *names[] = {scope->kind == OWNER_MINE ? scope->me.name : scope->name,
                           scope->kind == OWNER_MINE ? scope->me.email : NULL};
    for (size_t i = 0; i < 2; i++)
        if (!str_empty(names[i]))
            cJSON_AddItemToArray(matches, cJSON_CreateString(names[i]));
}

/* "as_of" on a travelled repository (SPEC §8), as list --json has it. */
static void add_as_of(cJSON *doc, const db_repo *repo)
{
    const repo_as_of_info *past = repo_as_of(repo);
    if (!past)
        return;
    char committed[TIMESTAMP_LEN];
    timestamp_format(past->commit_time, committed);
    cJSON *obj = cJSON_AddObjectToObject(doc, "as_of");
    deal_view_add_day(obj, "date", past->day);
    cJSON_AddStringToObject(obj, "commit", past->commit);
    cJSON_AddStringToObject(obj, "committed", committed);
}

static void print_json(const db_repo *repo, const forecast *f, const owner_scope *scope)
{
    const pipeline_cfg *cfg = repo_config(repo);
    cJSON *doc = cJSON_CreateObject();
    deal_view_add_day(doc, "today", f->today);
    add_as_of(doc, repo);
    add_owner(doc, scope);
    cJSON_AddStringToObject(doc, "currency", cfg->currency);
    deal_view_add_day(doc, "since", f->since);
    cJSON *stages = cJSON_AddArrayToObject(doc, "stages");
    for (size_t i = 0; i < f->nstages; i++)
        cJSON_AddItemToArray(stages, json_stage(&f->stages[i]));
    cJSON_AddItemToObject(doc, "open", json_open(&f->totals));
    cJSON_AddItemToObject(doc, "flagged", json_sum(&f->totals.flagged));
    cJSON_AddItemToObject(doc, "closed", json_closed(&f->totals));
    cJSON_AddItemToObject(doc, "unstaged", json_sum(&f->totals.unstaged));
    cJSON *others = cJSON_AddArrayToObject(doc, "other_currencies");
    for (size_t i = 0; i < f->nothers; i++)
        cJSON_AddItemToArray(others, json_other(&f->others[i]));
    deal_view_print_json(doc);
}

/* ---- text: one aligned table a seller reads at a glance ---- */

enum { MONEY_COLS = 13, COUNT_COLS = 5 };

static int label_width(const forecast *f)
{
    int w = (int)strlen("Moved on");
    for (size_t i = 0; i < f->nstages; i++) {
        char *safe = text_sanitize(f->stages[i].def->name, false);
        int cols = text_width(safe);
        free(safe);
        if (cols > w)
            w = cols;
    }
    return w > 24 ? 24 : w;
}

static const char *money(int64_t value, char buf[MONEY_LEN])
{
    format_money(value, buf);
    return buf;
}

/* LABEL  DEALS  VALUE, then the caller adds the rest of the line. */
static void row_start(int w, const char *label, int count, int64_t value)
{
    char buf[MONEY_LEN];
    deal_view_cell(stdout, label, w, false);
    printf("  %*d  %*s", COUNT_COLS, count, MONEY_COLS, money(value, buf));
}

static void print_stages(const forecast *f, int w)
{
    char buf[MONEY_LEN];
    deal_view_cell(stdout, "STAGE", w, false);
    printf("  %*s  %*s  %4s  %*s  %8s\n", COUNT_COLS, "DEALS", MONEY_COLS, "VALUE", "PROB",
           MONEY_COLS, "WEIGHTED", "AVG DAYS");
    for (size_t i = 0; i < f->nstages; i++) {
        const forecast_stage *row = &f->stages[i];
        row_start(w, row->def->name, row->count, row->value);
        printf("  %3d%%  %*s  ", row->def->probability, MONEY_COLS, money(row->weighted, buf));
        if (row->avg_days < 0)
            printf("%8s\n", "-");
        else
            printf("%8d\n", row->avg_days);
    }
}

static void print_rule(int w)
{
    for (int i = 0; i < w + 2 + COUNT_COLS + 2 + MONEY_COLS + 2 + 4 + 2 + MONEY_COLS + 2 + 8; i++)
        fputc('-', stdout);
    fputc('\n', stdout);
}

static void print_totals(const forecast *f, int w)
{
    char buf[MONEY_LEN];
    print_rule(w);
    row_start(w, "Open", f->totals.open.count, f->totals.open.value);
    printf("  %4s  %*s\n", "", MONEY_COLS, money(f->totals.open_weighted, buf));
    row_start(w, "Flagged", f->totals.flagged.count, f->totals.flagged.value);
    fputc('\n', stdout);
    char since[DATE_LEN];
    date_format(f->since, since);
    if (f->since == DAY_NONE)
        printf("\nClosed (all time)\n");
    else
        printf("\nClosed since %s\n", since);
    static const char *const labels[FORECAST_CLOSED_COUNT] = {"Won", "Lost", "Moved on"};
    for (int c = 0; c < FORECAST_CLOSED_COUNT; c++) {
        row_start(w, labels[c], f->totals.closed[c].count, f->totals.closed[c].value);
        fputc('\n', stdout);
    }
}

/* "CHF: 2 open (90,000, weighted 9,000), 1 flagged (90,000), 1 won (20,000)";
 * closed outcomes only when there are some. */
static void print_other(const forecast_currency *c)
{
    static const char *const labels[FORECAST_CLOSED_COUNT] = {"won", "lost", "moved on"};
    const forecast_totals *t = &c->totals;
    char v[MONEY_LEN], wv[MONEY_LEN];
    strbuf sb = {0};
    sb_printf(&sb, "  %s: %d open (%s, ", c->currency, t->open.count, money(t->open.value, v));
    sb_printf(&sb, "weighted %s), ", money(t->open_weighted, wv));
    sb_printf(&sb, "%d flagged (%s)", t->flagged.count, money(t->flagged.value, v));
    for (int i = 0; i < FORECAST_CLOSED_COUNT; i++)
        if (t->closed[i].count)
            sb_printf(&sb, ", %d %s (%s)", t->closed[i].count, labels[i],
                      money(t->closed[i].value, v));
    cli_print_safe(stdout, sb.data);
    fputc('\n', stdout);
    sb_free(&sb);
}

static void print_notes(const forecast *f)
{
    char buf[MONEY_LEN];
    if (f->totals.unstaged.count)
        printf("\nOpen includes %d deal%s (%s) in a stage pipeline.json does not list "
               "(see dealboard doctor).\n",
               f->totals.unstaged.count, f->totals.unstaged.count == 1 ? "" : "s",
               money(f->totals.unstaged.value, buf));
    if (f->nothers)
        printf("\nNot in the totals above (in other currencies):\n");
    for (size_t i = 0; i < f->nothers; i++)
        print_other(&f->others[i]);
}

/* "Deals of: Test Seller (you)" under the heading: whose totals these are. */
static void print_whose(const owner_scope *scope)
{
    strbuf sb = {0};
    if (scope->kind == OWNER_NAMED)
        sb_printf(&sb, "Deals of: %s", scope->name);
    else if (scope->kind == OWNER_MINE && !str_empty(scope->me.name) && !str_empty(scope->me.email))
        sb_printf(&sb, "Deals of: you (%s or %s)", scope->me.name, scope->me.email);
    else if (scope->kind == OWNER_MINE)
        sb_printf(&sb, "Deals of: you (%s)", str_empty(scope->me.name) ? scope->me.email
                                                                        : scope->me.name);
    else
        return;
    cli_print_safe(stdout, sb.data);
    fputc('\n', stdout);
    sb_free(&sb);
}

static void print_text(const db_repo *repo, const forecast *f, const owner_scope *scope)
{
    const pipeline_cfg *cfg = repo_config(repo);
    cli_print_as_of(stdout, repo);
    char today[DATE_LEN];
    date_format(f->today, today);
    cli_print_safe(stdout, cfg->name);
    printf(": forecast on %s, values in ", today);
    cli_print_safe(stdout, cfg->currency);
    fputc('\n', stdout);
    print_whose(scope);
    fputc('\n', stdout);
    int w = label_width(f);
    print_stages(f, w);
    print_totals(f, w);
    print_notes(f);
}

/* ---- --by month|quarter: the forecast by close period, stated and honest ---- */

static cJSON *json_period_sum(const period_sum *s)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddNumberToObject(obj, "count", s->count);
    cJSON_AddNumberToObject(obj, "value", (double)s->value);
    cJSON_AddNumberToObject(obj, "weighted", (double)s->weighted);
    return obj;
}

static void print_periods_json(const pipeline_cfg *cfg, const period_forecast *f, db_day today,
                               const owner_scope *scope, const char *history_error)
{
    cJSON *doc = cJSON_CreateObject();
    deal_view_add_day(doc, "today", today);
    add_owner(doc, scope);
    cJSON_AddStringToObject(doc, "currency", cfg->currency);
    cJSON_AddStringToObject(doc, "by", period_kind_name(f->by));
    cJSON *periods = cJSON_AddArrayToObject(doc, "periods");
    for (size_t i = 0; i < f->nrows; i++) {
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "period", f->rows[i].label);
        deal_view_add_day(row, "start", f->rows[i].start);
        cJSON_AddItemToObject(row, "stated", json_period_sum(&f->rows[i].stated));
        cJSON_AddItemToObject(row, "honest", json_period_sum(&f->rows[i].honest));
        cJSON_AddItemToArray(periods, row);
    }
    cJSON_AddItemToObject(doc, "total", json_period_sum(&f->total));
    cJSON_AddItemToObject(doc, "no_close_date", json_period_sum(&f->no_date));
    cJSON_AddNumberToObject(doc, "not_enough_history", f->not_enough);
    cJSON_AddNumberToObject(doc, "moved", f->moved);
    cJSON_AddNumberToObject(doc, "other_currency", f->other_currency);
    if (history_error)
        cJSON_AddStringToObject(doc, "history_error", history_error);
    else
        cJSON_AddNullToObject(doc, "history_error");
    deal_view_print_json(doc);
}

/* Two sides of deals, value and weighted fit 80 columns with 12 for money. */
enum { PERIOD_MONEY_COLS = 12 };

static void print_period_cells(const period_sum *s)
{
    char v[MONEY_LEN], w[MONEY_LEN];
    printf("  %*d  %*s  %*s", COUNT_COLS, s->count, PERIOD_MONEY_COLS, money(s->value, v),
           PERIOD_MONEY_COLS, money(s->weighted, w));
}

static void print_periods_text(const pipeline_cfg *cfg, const period_forecast *f, db_day today,
                               const owner_scope *scope, const char *history_error)
{
    char day[DATE_LEN];
    date_format(today, day);
    cli_print_safe(stdout, cfg->name);
    printf(": open deals by close %s on %s, values in ", period_kind_name(f->by), day);
    cli_print_safe(stdout, cfg->currency);
    fputc('\n', stdout);
    print_whose(scope);
    int group = COUNT_COLS + 2 + PERIOD_MONEY_COLS + 2 + PERIOD_MONEY_COLS;
    printf("\n%-8s  %-*s  %s\n", "", group, "STATED CLOSE DATE", "HONEST CLOSE DATE");
    for (int side = 0; side < 2; side++)
        printf("%s  %*s  %*s  %*s", side ? "" : "PERIOD  ", COUNT_COLS, "DEALS",
               PERIOD_MONEY_COLS, "VALUE", PERIOD_MONEY_COLS, "WEIGHTED");
    fputc('\n', stdout);
    for (size_t i = 0; i < f->nrows; i++) {
        printf("%-8s", f->rows[i].label);
        print_period_cells(&f->rows[i].stated);
        print_period_cells(&f->rows[i].honest);
        fputc('\n', stdout);
    }
    printf("%-8s", "Total");
    print_period_cells(&f->total);
    print_period_cells(&f->total);
    fputc('\n', stdout);
    char v[MONEY_LEN];
    if (f->no_date.count)
        printf("\nNot in a period: %d open deal%s without a close date (%s).\n", f->no_date.count,
               f->no_date.count == 1 ? "" : "s", money(f->no_date.value, v));
    if (f->other_currency)
        printf("\nNot in the totals: %d open deal%s in other currencies.\n", f->other_currency,
               f->other_currency == 1 ? "" : "s");
    if (history_error) {
        printf("\nHonest = stated: the history cannot be read (");
        cli_print_safe(stdout, history_error);
        printf(").\n");
    } else {
        printf("\nHonest close date: the stated one plus the further pushes of won deals pushed\n"
               "as often so far, times the team's median push (see README). %d deal%s moved\n"
               "to another period;\n"
               "%d kept the stated date: fewer than %d such won deals to learn from.\n",
               f->moved, f->moved == 1 ? "" : "s", f->not_enough, HONEST_MIN_DEALS);
    }
}

/* Each deal's honest close date from the event index; with the index
 * unreadable (a shallow clone), every honest date is the stated one and
 * *why says so. */
static void estimate_all(cli_opts *opts, db_repo *repo, deal **deals, size_t n,
                         honest_estimate *est, db_err *why, bool *known)
{
    deal_history h;
    events_info info;
    *known = !events_load(repo, &h, cli_history_progress(), NULL, &info, why);
    honest_model m = {0};
    if (*known)
        honest_learn(&h, &m);
    for (size_t i = 0; i < n; i++)
        est[i] = *known ? honest_close_of(&m, &h, deals[i])
                        : (honest_estimate){.stated = deals[i]->close_date,
                                            .honest = deals[i]->close_date};
    honest_model_free(&m);
    deal_history_free(&h);
    (void)opts;
}

static void report_by_period(cli_opts *opts, db_repo *repo, deal **deals, size_t n,
                             period_kind by, bool json, const owner_scope *scope)
{
    honest_estimate *est = xcalloc(n ? n : 1, sizeof *est);
    db_err why = {0};
    bool known;
    estimate_all(opts, repo, deals, n, est, &why, &known);
    period_forecast f;
    forecast_by_period(repo_config(repo), deals, est, n, by, &f);
    if (json)
        print_periods_json(repo_config(repo), &f, opts->today, scope, known ? NULL : why.msg);
    else
        print_periods_text(repo_config(repo), &f, opts->today, scope, known ? NULL : why.msg);
    period_forecast_free(&f);
    free(est);
}

int cmd_report(cli_opts *opts, int argc, char **argv)
{
    bool json = false;
    const char *since_text = NULL, *by_text = NULL, *as_of = NULL;
    cli_owner owner = {0};
    cli_option options[] = {{"--json", NULL, &json}, {"--since", &since_text, NULL},
                            {"--by", &by_text, NULL}, CLI_OWNER_OPTIONS(&owner),
                            CLI_AS_OF_OPTION(&as_of),
                            {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "report", argc, argv, options, NULL, 0, 0, NULL);
    if (!rc)
        rc = cli_owner_check(opts, "report", &owner);
    period_kind by = PERIOD_MONTH;
    if (!rc && by_text && !period_kind_parse(by_text, &by))
        rc = db_fail(&opts->err, DB_EUSAGE, "--by: '%s' is not a period; use %s", by_text,
                     period_kind_choices());
    if (!rc && by_text && since_text)
        rc = db_fail(&opts->err, DB_EUSAGE, "--since is for closed deals; --by forecasts open "
                     "ones: use one of them");
    if (!rc && by_text && as_of)     /* the honest dates learn from the whole history */
        rc = db_fail(&opts->err, DB_EUSAGE, "--by cannot look back with --as-of yet: its honest "
                     "close dates learn from every commit up to now; leave one of them out");
    if (!rc)                      /* first: --since counts from the day it makes today */
        rc = cli_as_of_day(opts, as_of);
    db_day since = DAY_NONE;
    if (!rc && since_text && !(rc = cli_date(opts, "--since", since_text, &since)) &&
        since > opts->today)
        rc = db_fail(&opts->err, DB_EUSAGE, "--since: %s is after today", since_text);
    db_repo *repo = NULL;
    if (rc || (rc = as_of ? cli_open_repo_as_of(opts, as_of, &repo) : cli_open_repo(opts, &repo)))
        return rc;
    cli_learn_limits(repo);
    const pipeline_cfg *cfg = repo_config(repo);
    deal_list all = {0};
    rc = cli_owner_scope(opts, "report", repo, &owner);
    if (!rc)
        rc = cli_load_all(opts, repo, &all, NULL);
    if (!rc) {
        deal **theirs = xcalloc(all.count + 1, sizeof *theirs);
        size_t n = 0;
        for (size_t i = 0; i < all.count; i++)
            if (owner_scope_keeps(&owner.scope, all.items[i]))
                theirs[n++] = all.items[i];
        if (by_text) {
            report_by_period(opts, repo, theirs, n, by, json, &owner.scope);
        } else {
            forecast f;
            forecast_compute(cfg, theirs, n, opts->today, since, &f);
            if (json)
                print_json(repo, &f, &owner.scope);
            else
                print_text(repo, &f, &owner.scope);
            forecast_free(&f);
        }
        free(theirs);
    }
    deal_list_free(&all);
    cli_owner_free(&owner);
    repo_close(repo);
    return rc;
}
