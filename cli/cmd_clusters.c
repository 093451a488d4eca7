/* dealboard clusters: deals by status-quo cluster, with their outcomes, the
 * stage where they stall and the insights that worked (SPEC §9;
 * pipeline/clusters.h, pipeline/cluster_insights.h). */
#include <stdlib.h>
#include <string.h>

#include "../pipeline/clusters.h"
#include "../pipeline/text.h"
#include "../store/events_clusters.h"
#include "cli.h"
#include "deal_view.h"

enum { NAME_COLS = 24 };   /* a longer cluster name is cut in the text table */
enum { INSIGHTS_SHOWN = 3 };   /* per cluster in the text, unless --insights */

static void add_stage_or_null(cJSON *obj, const char *key, const pipeline_cfg *cfg, int stage)
{
    if (stage < 0)
        cJSON_AddNullToObject(obj, key);
    else
        cJSON_AddStringToObject(obj, key, cfg->stages[stage].id);
}

static cJSON *json_insight(const pipeline_cfg *cfg, const cluster_insight *in)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "deal", in->deal);
    cJSON_AddStringToObject(obj, "text", in->text);
    add_stage_or_null(obj, "stage_then", cfg, in->stage_then);
    if (in->won)
        cJSON_AddStringToObject(obj, "moved_to", "won");
    else
        add_stage_or_null(obj, "moved_to", cfg, in->moved_to);
    cJSON_AddBoolToObject(obj, "from_history", in->from_history);
    if (in->from_history) {
        char day[DATE_LEN];
        date_format(date_of_time(in->recorded), day);
        cJSON_AddStringToObject(obj, "recorded", day);
    } else {
        cJSON_AddNullToObject(obj, "recorded");
    }
    return obj;
}

static cJSON *json_row(const pipeline_cfg *cfg, const cluster_row *r)
{
    cJSON *obj = cJSON_CreateObject();
    if (r->name)
        cJSON_AddStringToObject(obj, "cluster", r->name);
    else
        cJSON_AddNullToObject(obj, "cluster");
    cJSON_AddNumberToObject(obj, "open", r->open);
    cJSON_AddNumberToObject(obj, "won", r->won);
    cJSON_AddNumberToObject(obj, "lost", r->lost);
    cJSON_AddNumberToObject(obj, "moved_on", r->moved_on);
    cJSON_AddNumberToObject(obj, "decided", r->won + r->lost + r->moved_on);
    int rate = cluster_win_rate(r);
    if (rate < 0)
        cJSON_AddNullToObject(obj, "win_rate");
    else
        cJSON_AddNumberToObject(obj, "win_rate", rate);
    if (r->stall_stage < 0) {
        cJSON_AddNullToObject(obj, "stalls_in");
    } else {
        cJSON *s = cJSON_AddObjectToObject(obj, "stalls_in");
        cJSON_AddStringToObject(s, "stage", cfg->stages[r->stall_stage].id);
        cJSON_AddStringToObject(s, "name", cfg->stages[r->stall_stage].name);
        cJSON_AddNumberToObject(s, "deals", r->stall_count);
    }
    cJSON *insights = cJSON_AddArrayToObject(obj, "insights");
    for (size_t i = 0; i < r->ninsights; i++)
        cJSON_AddItemToArray(insights, json_insight(cfg, &r->insights[i]));
    return obj;
}

static void print_json(const pipeline_cfg *cfg, const cluster_table *t)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *rows = cJSON_AddArrayToObject(doc, "clusters");
    for (size_t i = 0; i < t->count; i++)
        cJSON_AddItemToArray(rows, json_row(cfg, &t->rows[i]));
    deal_view_print_json(doc);
}

/* The cluster's name cut to NAME_COLS columns and padded to them. */
static void print_name(const cluster_row *r)
{
    char *safe = text_sanitize(cluster_label(r), false);
    int used = 0;
    size_t fit = text_fit(safe, NAME_COLS, &used);
    safe[fit] = '\0';
    cli_print_safe(stdout, safe);
    printf("%*s", NAME_COLS - used, "");
    free(safe);
}

static void print_row(const pipeline_cfg *cfg, const cluster_row *r)
{
    print_name(r);
    printf("  %4d  %4d  %4d  %8d  ", r->open, r->won, r->lost, r->moved_on);
    int rate = cluster_win_rate(r);
    if (rate < 0)
        printf("%8s  ", "-");
    else
        printf("%7d%%  ", rate);
    if (r->stall_stage < 0) {
        fputs("-\n", stdout);
        return;
    }
    cli_print_safe(stdout, cfg->stages[r->stall_stage].name);
    printf(" (%d)\n", r->stall_count);
}

/* "Define -> Evaluate", "Define -> won"; without history "now Evaluate" or "won". */
static void print_movement(const pipeline_cfg *cfg, const cluster_insight *in)
{
    const char *to = in->won ? "won" : in->moved_to >= 0 ? cfg->stages[in->moved_to].name : "?";
    if (!in->from_history) {
        fputs(in->won ? "" : "now ", stdout);
        cli_print_safe(stdout, to);
        fputs("; no history", stdout);
        return;
    }
    cli_print_safe(stdout, in->stage_then >= 0 ? cfg->stages[in->stage_then].name : "?");
    fputs(" -> ", stdout);
    cli_print_safe(stdout, to);
    char day[DATE_LEN];
    date_format(date_of_time(in->recorded), day);
    printf(", set %s", day);
}

static void print_insight(const pipeline_cfg *cfg, const cluster_insight *in)
{
    fputs("  ", stdout);
    cli_print_safe(stdout, in->deal);
    fputs(" (", stdout);
    print_movement(cfg, in);
    fputs("): ", stdout);
    char *safe = text_sanitize(in->text, false);
    cli_print_safe(stdout, safe);
    free(safe);
    putchar('\n');
}

/* Per cluster with any, its insights that worked, the first `most` of them. */
static void print_insights(const pipeline_cfg *cfg, const cluster_table *t, size_t most)
{
    bool any = false;
    for (size_t i = 0; i < t->count; i++)
        any |= t->rows[i].ninsights > 0;
    if (!any)
        return;
    puts("\nInsights that worked (recorded on deals that then moved forward; most recent first):");
    for (size_t i = 0; i < t->count; i++) {
        const cluster_row *r = &t->rows[i];
        if (!r->ninsights)
            continue;
        char *name = text_sanitize(cluster_label(r), false);
        cli_print_safe(stdout, name);
        putchar('\n');
        free(name);
        for (size_t k = 0; k < r->ninsights && k < most; k++)
            print_insight(cfg, &r->insights[k]);
        if (r->ninsights > most)
            printf("  ... %zu more (--insights shows all)\n", r->ninsights - most);
    }
}

static void print_text(const pipeline_cfg *cfg, const cluster_table *t, bool all_insights)
{
    if (t->count == 0) {
        puts("No deals yet.");
        return;
    }
    printf("%-*s  %4s  %4s  %4s  %8s  %8s  %s\n", NAME_COLS, "Cluster", "Open", "Won", "Lost",
           "Moved on", "Win rate", "Stalls most in");
    for (size_t i = 0; i < t->count; i++)
        print_row(cfg, &t->rows[i]);
    puts("\nWin rate: won / (won + lost + moved on). Stalls most in: the stage with the most of\n"
         "the cluster's open deals flagged stalled there today and lost or moved-on deals\n"
         "that closed there (deals in it).");
    print_insights(cfg, t, all_insights ? (size_t)-1 : INSIGHTS_SHOWN);
}

int cmd_clusters(cli_opts *opts, int argc, char **argv)
{
    bool json = false, all_insights = false;
    cli_option options[] = {
        {"--json", NULL, &json}, {"--insights", NULL, &all_insights}, {NULL, NULL, NULL}};
    db_repo *repo = NULL;
    int rc = cli_parse(opts, "clusters", argc, argv, options, NULL, 0, 0, NULL);
    if (rc || (rc = cli_open_repo_read(opts, &repo)))
        return rc;
    cli_learn_limits(repo);
    const pipeline_cfg *cfg = repo_config(repo);
    deal_list all = {0};
    rc = cli_load_light(opts, repo, &all, false);
    if (!rc) {
        cluster_table t;
        clusters_compute(cfg, all.items, all.count, opts->today, &t);
        bool history_known;
        events_cluster_insights(repo, all.items, all.count, &t, cli_history_progress(), NULL,
                                &history_known);
        if (json)
            print_json(cfg, &t);
        else
            print_text(cfg, &t, all_insights);
        clusters_free(&t);
    }
    cli_keep_until_exit(&all);
    repo_close(repo);
    return rc;
}
