/* dealboard stats: what the team's history says (SPEC §8; pipeline/stats.h),
 * from the event index (store/events.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../pipeline/flow.h"
#include "../pipeline/learned_limits.h"
#include "../pipeline/owner.h"
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
    cJSON_AddNumberToObject(obj, "max_days", s->def->max_days);
    learned_limit l = learned_limit_for(s->def->max_days, s->p80_days_won, s->won);
    add_days(obj, "learned_limit", l.won ? l.limit : -1);
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

static cJSON *json_calibration(const char *owner, const stage_def *def,
                               const stats_calibration *c)
{
    cJSON *obj = cJSON_CreateObject();
    if (owner)
        cJSON_AddStringToObject(obj, "owner", owner);
    cJSON_AddStringToObject(obj, "stage", def->id);
    cJSON_AddNumberToObject(obj, "probability", def->probability);
    cJSON_AddNumberToObject(obj, "deals", c->decided);
    cJSON_AddNumberToObject(obj, "won", c->won);
    if (c->decided)
        cJSON_AddNumberToObject(obj, "won_share", (double)c->won / c->decided);
    else
        cJSON_AddNullToObject(obj, "won_share");
    add_days(obj, "suggested_probability", stats_suggested_probability(c->won, c->decided));
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

/* ---- whose deals: owners as groups (SPEC §8 "per owner") ---- */

typedef struct {
    char **names;         /* the owners, as first written (trimmed) */
    size_t n;
    int *of_deal;         /* per deal of the history: stats_groups */
    const char *scope;    /* --owner/--mine: whose deals are counted; NULL: the team's */
} owner_groups;

static int by_id(const void *a, const void *b)
{
    return strcmp((*(deal *const *)a)->id, (*(deal *const *)b)->id);
}

/* One group per owner, case aside; "Name <e-mail>" counts as its name. */
static int owner_group(owner_groups *g, const char *owner)
{
    const char *mail = owner ? strchr(owner, '<') : NULL;
    size_t len = mail && mail > owner ? (size_t)(mail - owner) : owner ? strlen(owner) : 0;
    while (len && (owner[len - 1] == ' ' || owner[len - 1] == '\t'))
        len--;
    while (len && (*owner == ' ' || *owner == '\t'))
        owner++, len--;
    if (!len)
        return STATS_NO_GROUP;
    for (size_t i = 0; i < g->n; i++)
        if (strlen(g->names[i]) == len && strncasecmp(g->names[i], owner, len) == 0)
            return (int)i;
    g->names = xrealloc(g->names, (g->n + 1) * sizeof *g->names);
    g->names[g->n] = xstrndup(owner, len);
    return (int)g->n++;
}

typedef struct {
    char *name;
    int group;
} named_group;

static int by_owner_name(const void *a, const void *b)
{
    return strcasecmp(((const named_group *)a)->name, ((const named_group *)b)->name);
}

/* Owners in alphabetical order, for a listing that reads the same every time. */
static void sort_owners(const deal_history *h, owner_groups *g)
{
    size_t n = g->n ? g->n : 1;
    named_group *sorted = xcalloc(n, sizeof *sorted);
    int *rank = xcalloc(n, sizeof *rank);
    for (size_t i = 0; i < g->n; i++)
        sorted[i] = (named_group){g->names[i], (int)i};
    qsort(sorted, g->n, sizeof *sorted, by_owner_name);
    for (size_t i = 0; i < g->n; i++) {
        rank[sorted[i].group] = (int)i;
        g->names[i] = sorted[i].name;
    }
    for (size_t i = 0; i < h->ndeals; i++)
        if (g->of_deal[i] >= 0)
            g->of_deal[i] = rank[g->of_deal[i]];
    free(sorted);
    free(rank);
}

/* Each deal of the history in its owner's group, from the deals as they
 * are now; outside the scope (or gone, when there is one): left out. */
static void group_by_owner(const deal_history *h, deal_list *deals, const owner_scope *scope,
                           owner_groups *g)
{
    qsort(deals->items, deals->count, sizeof *deals->items, by_id);
    g->of_deal = xcalloc(h->ndeals ? h->ndeals : 1, sizeof *g->of_deal);
    for (size_t i = 0; i < h->ndeals; i++) {
        deal key = {.id = h->deals[i]}, *kp = &key;
        deal **found = bsearch(&kp, deals->items, deals->count, sizeof *deals->items, by_id);
        if (!found)
            g->of_deal[i] = scope->kind == OWNER_ALL ? STATS_NO_GROUP : STATS_LEFT_OUT;
        else if (!owner_scope_keeps(scope, *found))
            g->of_deal[i] = STATS_LEFT_OUT;
        else
            g->of_deal[i] = owner_group(g, (*found)->owner);
    }
    sort_owners(h, g);
}

static void owner_groups_free(owner_groups *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->names[i]);
    free(g->names);
    free(g->of_deal);
}

/* The calibration of group g's stage s, when enough of its deals were decided. */
static const stats_calibration *owner_cell(const stats_result *r, size_t g, size_t s)
{
    const stats_calibration *c = &r->by_group[g * r->nstages + s];
    return c->decided >= CALIBRATION_MIN_DECIDED ? c : NULL;
}

static void print_json(const stats_result *r, const flow_result *flow, const owner_groups *g,
                       size_t commits, const events_info *info)
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
    for (size_t i = 0; i < r->nstages; i++) {
        const stats_stage *s = &r->stages[i];
        stats_calibration c = {s->decided, s->won};
        cJSON_AddItemToArray(cal, json_calibration(NULL, s->def, &c));
    }
    cJSON *by_owner = cJSON_AddArrayToObject(doc, "calibration_by_owner");
    for (size_t o = 0; o < r->ngroups; o++)
        for (size_t i = 0; i < r->nstages; i++)
            if (owner_cell(r, o, i))
                cJSON_AddItemToArray(by_owner, json_calibration(g->names[o], r->stages[i].def,
                                                                owner_cell(r, o, i)));
    if (g->scope)
        cJSON_AddStringToObject(doc, "owner", g->scope);
    else
        cJSON_AddNullToObject(doc, "owner");
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

/* Widest stage name (at most 24 columns), at least `floor`. */
static int name_width(const stats_result *r, int floor)
{
    int w = floor;
    for (size_t i = 0; i < r->nstages; i++) {
        int cols = deal_view_width(r->stages[i].def->name);
        w = cols > w ? (cols > 24 ? 24 : cols) : w;
    }
    return w;
}

static void print_stages(const stats_result *r)
{
    int w = name_width(r, (int)strlen("STAGE"));
    deal_view_cell(stdout, "STAGE", w, false);
    printf("  ENTERED  FORWARD   WON  OPEN  MEDIAN DAYS  WON P80  MAX DAYS  LEARNED\n");
    for (size_t i = 0; i < r->nstages; i++) {
        const stats_stage *s = &r->stages[i];
        deal_view_cell(stdout, s->def->name, w, false);
        printf("  %7d  %7d  %4d  %4d", s->entered, s->exited_forward, s->won, s->censored);
        print_days(s->median_days, 11);
        print_days(s->p80_days_won, 7);
        print_days(s->def->max_days, 8);
        learned_limit l = learned_limit_for(s->def->max_days, s->p80_days_won, s->won);
        print_days(l.won ? l.limit : -1, 7);
        fputc('\n', stdout);
    }
}

static void print_calibration_row(const stage_def *def, const stats_calibration *c, int w)
{
    deal_view_cell(stdout, def->name, w, false);
    printf("  %3d%%  %7d  %4d", def->probability, c->decided, c->won);
    int suggested = stats_suggested_probability(c->won, c->decided);
    if (suggested >= 0)
        printf("  %8d%%\n", suggested);   /* the won share, rounded */
    else
        printf("  not enough data\n");
}

static void print_calibration(const stats_result *r, const owner_groups *g)
{
    int w = name_width(r, (int)strlen("STAGE"));
    printf("\nHow honest is the board: of the deals that were in a stage and were decided "
           "(won,\nlost or moved on), the share that was won: the probability the history "
           "suggests.\n");
    deal_view_cell(stdout, "STAGE", w, false);
    printf("  PROB  DECIDED   WON  SUGGESTED\n");
    for (size_t i = 0; i < r->nstages; i++) {
        stats_calibration c = {r->stages[i].decided, r->stages[i].won};
        print_calibration_row(r->stages[i].def, &c, w);
    }
    for (size_t o = 0; o < r->ngroups; o++) {
        bool any = false;
        for (size_t i = 0; i < r->nstages; i++)
            any = any || owner_cell(r, o, i);
        if (!any)
            continue;
        fputs("\nOwner ", stdout);
        cli_print_safe(stdout, g->names[o]);
        fputs(":\n", stdout);
        for (size_t i = 0; i < r->nstages; i++)
            if (owner_cell(r, o, i))
                print_calibration_row(r->stages[i].def, owner_cell(r, o, i), w);
    }
    printf("\nA suggestion needs %d decided deals; per owner, only stages that have them are "
           "shown.\n", CALIBRATION_MIN_DECIDED);
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

static void print_text(const pipeline_cfg *cfg, const stats_result *r, const owner_groups *g,
                       size_t commits)
{
    char today[DATE_LEN];
    date_format(r->today, today);
    cli_print_safe(stdout, cfg->name);
    printf(": what the history says on %s (%d deal%s, %zu commit%s", today, r->deals,
           r->deals == 1 ? "" : "s", commits, commits == 1 ? "" : "s");
    if (g->scope) {
        fputs("; owner: ", stdout);
        cli_print_safe(stdout, g->scope);
    }
    printf(")\n\n");
    print_stages(r);
    printf("Median days count deals still open in a stage as still running; '-': not enough "
           "history yet.\nLEARNED: the stalled limit with \"learn\": true ('-': fewer than %d "
           "won deals).\n", LEARN_MIN_WON);
    print_slips(r);
    print_calibration(r, g);
    if (r->unparseable)
        printf("\n%zu version%s of deal files in the history did not parse and were skipped.\n",
               r->unparseable, r->unparseable == 1 ? "" : "s");
}

/* The figures, per owner (and only the scope's deals with --owner/--mine). */
static int compute(cli_opts *opts, db_repo *repo, const deal_history *h, const cli_owner *owner,
                   owner_groups *g, stats_result *r)
{
    deal_list deals = {0};
    int rc = cli_load_light(opts, repo, &deals, false);
    if (rc)
        return rc;
    group_by_owner(h, &deals, &owner->scope, g);
    if (owner->scope.kind == OWNER_NAMED)
        g->scope = owner->scope.name;
    else if (owner->scope.kind == OWNER_MINE)
        g->scope = owner->scope.me.name && *owner->scope.me.name ? owner->scope.me.name
                                                                  : owner->scope.me.email;
    stats_groups groups = {g->of_deal, g->n};
    stats_compute_groups(repo_config(repo), h, opts->today, &groups, r);
    deal_list_free(&deals);
    return 0;
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
    cli_owner owner = {0};
    cli_option options[] = {{"--json", NULL, &json}, {"--flow", NULL, &flow_only},
                            {"--days", &days_text, NULL}, {"--since", &since_text, NULL},
                            CLI_OWNER_OPTIONS(&owner), {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "stats", argc, argv, options, NULL, 0, 0, NULL);
    db_day from = opts->today;
    db_repo *repo = NULL;
    if (!rc && flow_only && (owner.owner || owner.mine))
        rc = db_fail(&opts->err, DB_EUSAGE, "stats --flow counts the whole team's pipeline; "
                     "leave --owner/--mine out (the other figures of stats take them)");
    if (rc || (rc = flow_period(opts, days_text, since_text, &from)) ||
        (rc = cli_owner_check(opts, "stats", &owner)) || (rc = cli_open_repo(opts, &repo)))
        return rc;
    deal_history h = {0};
    events_info info;
    rc = cli_owner_scope(opts, "stats", repo, &owner);
    if (!rc)
        rc = events_load(repo, &h, cli_history_progress(), NULL, &info, &opts->err);
    owner_groups g = {0};
    stats_result r;
    if (!rc && !(rc = compute(opts, repo, &h, &owner, &g, &r))) {
        flow_result flow;
        flow_compute(&h, from, opts->today, &flow);
        if (flow_only && json)
            deal_view_print_json(stats_flow_json(&flow));
        else if (flow_only)
            stats_flow_print(repo_config(repo), &flow);
        else if (json)
            print_json(&r, &flow, &g, h.ncommits, &info);
        else
            print_text(repo_config(repo), &r, &g, h.ncommits);
        stats_free(&r);
    }
    owner_groups_free(&g);
    deal_history_free(&h);
    cli_owner_free(&owner);
    repo_close(repo);
    return rc;
}
