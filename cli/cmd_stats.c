/* dealboard stats: what the team's history says (SPEC §8; pipeline/stats.h),
 * from the event index (store/events.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../pipeline/flow.h"
#include "../pipeline/stats.h"
#include "../pipeline/text.h"
#include "../store/events.h"
#include "cli.h"
#include "deal_view.h"
#include "stats_flow.h"

/* ---- JSON (SPEC §8) ---- */

static void add_days(cJSON *obj, const char *key, int days)
{
    if (days < 0)
        cJSON_AddNullToObject(obj, key);
    else
        cJSON_AddNumberToObject(obj, key, days);
}

static cJSON *json_stage(const stats_stage *s)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "id", s->def->id);
    cJSON_AddStringToObject(obj, "name", s->def->name);
    cJSON_AddNumberToObject(obj, "entered", s->entered);
    cJSON_AddNumberToObject(obj, "exited_forward", s->exited_forward);
    cJSON_AddNumberToObject(obj, "won", s->won);
    add_days(obj, "median_days", s->median_days);
    add_days(obj, "p80_days_won", s->p80_days_won);
    cJSON_AddNumberToObject(obj, "censored", s->censored);
    return obj;
}

static cJSON *json_slips(const stats_result *r)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddNumberToObject(obj, "pushed_deals", r->pushed_deals);
    cJSON_AddNumberToObject(obj, "pushes", r->pushes);
    cJSON *rates = cJSON_AddArrayToObject(obj, "won_rate_by_pushes");
    for (int b = 0; b < STATS_PUSH_BUCKETS; b++) {
        cJSON *row = cJSON_CreateObject();
        cJSON_AddNumberToObject(row, "pushes", r->by_pushes[b].pushes);
        cJSON_AddNumberToObject(row, "deals", r->by_pushes[b].deals);
        cJSON_AddNumberToObject(row, "won", r->by_pushes[b].won);
        cJSON_AddItemToArray(rates, row);
    }
    add_days(obj, "median_slip_days", r->median_slip_days);
    return obj;
}

static cJSON *json_calibration(const stats_stage *s)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "stage", s->def->id);
    cJSON_AddNumberToObject(obj, "probability", s->def->probability);
    cJSON_AddNumberToObject(obj, "deals", s->decided);
    if (s->decided)
        cJSON_AddNumberToObject(obj, "won_share", (double)s->won / s->decided);
    else
        cJSON_AddNullToObject(obj, "won_share");
    return obj;
}

/* How the event index was had this time: for the curious, and for tests. */
static cJSON *json_index(const events_info *info)
{
    static const char *const from[] = {"cache", "update", "rebuild"};
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "from", from[info->source]);
    cJSON_AddNumberToObject(obj, "commits_read", (double)info->commits_read);
    return obj;
}

static void print_json(const stats_result *r, const flow_result *flow, size_t commits,
                       const events_info *info)
{
    cJSON *doc = cJSON_CreateObject();
    char today[DATE_LEN];
    date_format(r->today, today);
    cJSON_AddStringToObject(doc, "today", today);
    cJSON_AddNumberToObject(doc, "deals", r->deals);
    cJSON_AddNumberToObject(doc, "commits", (double)commits);
    cJSON_AddNumberToObject(doc, "unparseable", (double)r->unparseable);
    cJSON *stages = cJSON_AddArrayToObject(doc, "stages");
    for (size_t i = 0; i < r->nstages; i++)
        cJSON_AddItemToArray(stages, json_stage(&r->stages[i]));
    cJSON_AddItemToObject(doc, "slips", json_slips(r));
    cJSON_AddItemToObject(doc, "index", json_index(info));
    cJSON *cal = cJSON_AddArrayToObject(doc, "calibration");
    for (size_t i = 0; i < r->nstages; i++)
        cJSON_AddItemToArray(cal, json_calibration(&r->stages[i]));
    cJSON_AddItemToObject(doc, "flow", stats_flow_json(flow));
    deal_view_print_json(doc);
}

/* ---- text ---- */

static void print_days(int days, int width)
{
    if (days < 0)
        printf("  %*s", width, "-");
    else
        printf("  %*d", width, days);
}

static void print_percent(int part, int whole, int width)
{
    if (whole)
        printf("  %*d%%", width - 1, (part * 100 + whole / 2) / whole);
    else
        printf("  %*s", width, "-");
}

static void print_stages(const stats_result *r)
{
    int w = (int)strlen("STAGE");
    for (size_t i = 0; i < r->nstages; i++) {
        int cols = deal_view_width(r->stages[i].def->name);
        w = cols > w ? (cols > 24 ? 24 : cols) : w;
    }
    deal_view_cell(stdout, "STAGE", w, false);
    printf("  ENTERED  FORWARD   WON  OPEN  MEDIAN DAYS  WON P80  PROB  WON SHARE\n");
    for (size_t i = 0; i < r->nstages; i++) {
        const stats_stage *s = &r->stages[i];
        deal_view_cell(stdout, s->def->name, w, false);
        printf("  %7d  %7d  %4d  %4d", s->entered, s->exited_forward, s->won, s->censored);
        print_days(s->median_days, 11);
        print_days(s->p80_days_won, 7);
        printf("  %3d%%", s->def->probability);
        print_percent(s->won, s->decided, 9);
        fputc('\n', stdout);
    }
}

static void print_slips(const stats_result *r)
{
    printf("\nClose dates: %d deal%s pushed, %d push%s", r->pushed_deals,
           r->pushed_deals == 1 ? "" : "s", r->pushes, r->pushes == 1 ? "" : "es");
    if (r->median_slip_days >= 0)
        printf(", median slip %d days", r->median_slip_days);
    printf("\nPUSHES  CLOSED DEALS   WON  WIN RATE\n");
    for (int b = 0; b < STATS_PUSH_BUCKETS; b++) {
        const stats_push_bucket *p = &r->by_pushes[b];
        printf("%d%-5s  %12d  %4d", p->pushes, b == STATS_PUSH_BUCKETS - 1 ? "+" : "", p->deals,
               p->won);
        print_percent(p->won, p->deals, 8);
        fputc('\n', stdout);
    }
}

static void print_text(const pipeline_cfg *cfg, const stats_result *r, size_t commits)
{
    char today[DATE_LEN];
    date_format(r->today, today);
    cli_print_safe(stdout, cfg->name);
    printf(": what the history says on %s (%d deal%s, %zu commit%s)\n\n", today, r->deals,
           r->deals == 1 ? "" : "s", commits, commits == 1 ? "" : "s");
    print_stages(r);
    printf("Median days count deals still open in a stage as still running; '-': not enough "
           "history yet.\n");
    print_slips(r);
    if (r->unparseable)
        printf("\n%zu version%s of deal files in the history did not parse and were skipped.\n",
               r->unparseable, r->unparseable == 1 ? "" : "s");
}

/* ---- the flow's period: --days N (a week) or --since DATE, ending today ---- */

#define FLOW_MAX_DAYS 3660

static int flow_period(cli_opts *opts, const char *days_text, const char *since_text,
                       db_day *from)
{
    if (days_text && since_text)
        return db_fail(&opts->err, DB_EUSAGE, "stats: --days and --since both set the period's "
                                              "start: give one of them");
    if (since_text) {
        int rc = cli_date(opts, "--since", since_text, from);
        if (!rc && *from > opts->today)
            rc = db_fail(&opts->err, DB_EUSAGE, "--since: %s is after today", since_text);
        return rc;
    }
    long days = FLOW_DEFAULT_DAYS;
    if (days_text) {
        char *end;
        days = strtol(days_text, &end, 10);
        if (end == days_text || *end || days < 1 || days > FLOW_MAX_DAYS)
            return db_fail(&opts->err, DB_EUSAGE,
                           "--days: '%s' is not a number of days from 1 to %d (7: a week)",
                           days_text, FLOW_MAX_DAYS);
    }
    *from = opts->today - (db_day)(days - 1);
    return 0;
}

int cmd_stats(cli_opts *opts, int argc, char **argv)
{
    bool json = false, flow_only = false;
    const char *days_text = NULL, *since_text = NULL;
    cli_option options[] = {{"--json", NULL, &json}, {"--flow", NULL, &flow_only},
                            {"--days", &days_text, NULL}, {"--since", &since_text, NULL},
                            {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "stats", argc, argv, options, NULL, 0, 0, NULL);
    db_day from = opts->today;
    db_repo *repo = NULL;
    if (rc || (rc = flow_period(opts, days_text, since_text, &from)) ||
        (rc = cli_open_repo(opts, &repo)))
        return rc;
    deal_history h;
    events_info info;
    rc = events_load(repo, &h, cli_history_progress(), NULL, &info, &opts->err);
    if (!rc) {
        flow_result flow;
        flow_compute(&h, from, opts->today, &flow);
        stats_result r;
        stats_compute(repo_config(repo), &h, opts->today, &r);
        if (flow_only && json)
            deal_view_print_json(stats_flow_json(&flow));
        else if (flow_only)
            stats_flow_print(repo_config(repo), &flow);
        else if (json)
            print_json(&r, &flow, h.ncommits, &info);
        else
            print_text(repo_config(repo), &r, h.ncommits);
        stats_free(&r);
    }
    deal_history_free(&h);
    repo_close(repo);
    return rc;
}
