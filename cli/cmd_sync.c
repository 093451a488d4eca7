/* Team sync (SPEC §6): clone, sync, changes. */
#include <stdlib.h>
#include <string.h>

#include "../store/sync.h"
#include "cli.h"

int cmd_clone(cli_opts *opts, int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL}, *name = NULL;
    cli_option options[] = {{"--name", &name, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "clone", argc, argv, options, pos, 1, 2, NULL);
    if (!rc && name)
        rc = cli_check_pipeline_name(opts, "clone", name);
    if (rc)
        return rc;
    char *dir = NULL;
    bool created = false;
    rc = sync_clone(pos[0], pos[1], name, &dir, &created, &opts->err);
    if (rc)
        return rc;
    char *url = sync_url_shown(pos[0]);
    if (name && !created)       /* the team named it: one name for everyone */
        fprintf(stderr, "dealboard: clone: --name not used: the team's pipeline has its name "
                        "already (pipeline.json \"name\")\n");
    if (created) {
        printf("The team remote %s was empty: created a new pipeline in %s.\n", url, dir);
        printf("Run 'dealboard -C %s sync' to publish it to the team.\n", dir);
    } else {
        printf("Cloned %s into %s.\n", url, dir);
    }
    free(url);
    free(dir);
    return 0;
}

/* sync's own report names at most this many deals; 'dealboard changes' lists all. */
#define SYNC_DEALS_SHOWN 15

typedef struct {
    char last_id[64];
    int lines;
    int deals;          /* deals seen */
    int limit;          /* deals printed at most; 0 = all */
} changes_print;

static void print_change(void *ud, const char *deal_id, const char *title, const char *words)
{
    changes_print *p = ud;
    p->lines++;
    if (strcmp(p->last_id, deal_id) != 0) {
        snprintf(p->last_id, sizeof p->last_id, "%s", deal_id);
        p->deals++;
        if (p->limit && p->deals > p->limit)
            return;
        cli_print_safe(stdout, title);
        fputs(" (", stdout);
        cli_print_safe(stdout, deal_id);
        fputs(")\n", stdout);
    } else if (p->limit && p->deals > p->limit) {
        return;
    }
    fputs("  - ", stdout);
    cli_print_safe(stdout, words);
    fputc('\n', stdout);
}

static void print_changes(db_repo *repo, const sync_result *r)
{
    changes_print p = {"", 0, 0, SYNC_DEALS_SHOWN};
    db_err err;
    puts("What changed:");
    if (sync_changes(repo, r->old_head, r->new_head, print_change, &p, &err) != 0)
        return;
    if (p.lines == 0)
        puts("  nothing to look at: no new deals, stage moves, pushed close dates, next-step\n"
             "  changes, closed deals or conflicts (see dealboard log ID for other edits)");
    else if (p.deals > p.limit)
        printf("… and %d more deal%s: dealboard changes\n", p.deals - p.limit,
               p.deals - p.limit == 1 ? "" : "s");
}

static void print_result(db_repo *repo, const sync_result *r)
{
    if (r->committed_pending)
        puts("Committed pending changes.");
    if (r->incoming > 0) {
        printf("Brought in %d commit%s from teammates (%s", r->incoming,
               r->incoming == 1 ? "" : "s", r->merged ? "merged" : "fast-forward");
        int in_deals = r->conflicts - r->pipeline_conflicts;
        if (in_deals > 0)
            printf("; %d conflict%s recorded in the deals' logs, both values kept", in_deals,
                   in_deals == 1 ? "" : "s");
        if (r->pipeline_conflicts > 0)
            printf("; %d conflict%s in pipeline.json, both values kept (see dealboard doctor)",
                   r->pipeline_conflicts, r->pipeline_conflicts == 1 ? "" : "s");
        puts(").");
    }
    if (r->pushed > 0)
        printf("Pushed %d commit%s to origin.\n", r->pushed, r->pushed == 1 ? "" : "s");
    if (r->incoming == 0 && r->pushed == 0)
        puts("Already up to date with origin.");
    if (r->packed > 0)
        printf("Packed %zu loose objects into one pack (maintenance).\n", r->packed);
    if (r->incoming > 0)
        print_changes(repo, r);
}

int cmd_sync(cli_opts *opts, int argc, char **argv)
{
    int rc = cli_parse(opts, "sync", argc, argv, NULL, NULL, 0, 0, NULL);
    db_repo *repo = NULL;
    if (rc || (rc = cli_open_repo(opts, &repo)))
        return rc;
    sync_result r;
    rc = sync_run(repo, &r, &opts->err);
    if (!rc) {
        print_result(repo, &r);
    } else if (r.offline) {
        sync_status st;
        db_err ignored;
        if (sync_get_status(repo, &st, &ignored) == 0 && st.ahead > 0) {
            char copy[sizeof opts->err.msg];
            snprintf(copy, sizeof copy, "%s", opts->err.msg);
            db_fail(&opts->err, rc, "%s. Nothing is lost: %d local commit%s wait%s for the next "
                    "sync", copy, st.ahead, st.ahead == 1 ? "" : "s", st.ahead == 1 ? "s" : "");
        }
    }
    repo_close(repo);
    return rc;
}

int cmd_changes(cli_opts *opts, int argc, char **argv)
{
    const char *since = NULL;
    cli_option options[] = {{"--since", &since, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "changes", argc, argv, options, NULL, 0, 0, NULL);
    db_repo *repo = NULL;
    if (rc || (rc = cli_open_repo(opts, &repo)))
        return rc;
    changes_print p = {"", 0, 0, 0};
    rc = sync_changes(repo, since, NULL, print_change, &p, &opts->err);
    if (!rc && p.lines == 0)
        puts("No changes to deals.");
    repo_close(repo);
    return rc;
}
