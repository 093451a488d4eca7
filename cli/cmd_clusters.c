/* dealboard clusters: deals by status-quo cluster, with their outcomes and
 * the stage where they stall (SPEC §9; pipeline/clusters.h). */
#include <stdlib.h>
#include <string.h>

#include "../pipeline/clusters.h"
#include "../pipeline/text.h"
#include "cli.h"
#include "deal_view.h"

enum { NAME_COLS = 24 };   /* a longer cluster name is cut in the text table */

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

static void print_text(const pipeline_cfg *cfg, const cluster_table *t)
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
}

int cmd_clusters(cli_opts *opts, int argc, char **argv)
{
    bool json = false;
    cli_option options[] = {{"--json", NULL, &json}, {NULL, NULL, NULL}};
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
        if (json)
            print_json(cfg, &t);
        else
            print_text(cfg, &t);
        clusters_free(&t);
    }
    cli_keep_until_exit(&all);
    repo_close(repo);
    return rc;
}
