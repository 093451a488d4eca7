/* dealboard ref and refs: won deals as references (SPEC §9;
 * pipeline/reference.h). */
#include <stdlib.h>
#include <string.h>

#include "../pipeline/clusters.h"
#include "../pipeline/reference.h"
#include "cli.h"
#include "deal_view.h"

void cli_print_reference(FILE *out, const deal *d)
{
    const deal_reference *r = &d->reference;
    if (!r->present)
        return;
    fprintf(out, "\nReference     %s; asked %zu time%s\n", r->ready ? "ready" : "not ready",
            r->nasks, r->nasks == 1 ? "" : "s");
    for (size_t i = 0; i < r->nasks; i++) {
        char day[DATE_LEN];
        date_format(r->asks[i].at, day);
        fprintf(out, "  %s  for ", day);
        cli_print_safe(out, r->asks[i].for_deal);
        fputc('\n', out);
    }
}

/* ---- ref ID ready|not-ready | asked FOR ---- */

/* The deal whose buyer asked, as its whole id (a prefix names it too). */
static int resolve_for(cli_opts *opts, const char *ref, const char *prefix, char **id)
{
    db_repo *repo = NULL;
    char *ref_id = NULL;
    int rc = cli_open_repo_read(opts, &repo);
    if (!rc)
        rc = repo_resolve_id(repo, prefix, id, &opts->err);
    db_err ignored = {0};   /* the reference itself is looked up by the change */
    if (!rc && !repo_resolve_id(repo, ref, &ref_id, &ignored) && str_eq(ref_id, *id))
        rc = db_fail(&opts->err, DB_EUSAGE, "ref: a deal cannot be asked for as its own "
                     "reference; name the deal whose buyer asked");
    free(ref_id);
    if (repo)
        repo_close(repo);
    return rc;
}

static int resolve_ref(cli_opts *opts, const char *prefix, char **id)
{
    db_repo *repo = NULL;
    int rc = cli_open_repo_read(opts, &repo);
    if (!rc)
        rc = repo_resolve_id(repo, prefix, id, &opts->err);
    if (repo)
        repo_close(repo);
    return rc;
}

int cmd_ref(cli_opts *opts, int argc, char **argv)
{
    const char *pos[3];
    int npos = 0;
    cli_option options[] = {{NULL, NULL, NULL}};
    int rc = cli_parse(opts, "ref", argc, argv, options, pos, 2, 3, &npos);
    if (rc)
        return rc;
    const char *verb = pos[1];
    bool ready = str_eq(verb, "ready"), not_ready = str_eq(verb, "not-ready");
    if ((ready || not_ready) && npos == 2)
        return cli_change_deal(opts, pos[0],
                               (edit_op){.kind = EDIT_OP_REF_READY, .direction = ready,
                                         .day = DAY_NONE});
    if (!str_eq(verb, "asked") || npos != 3)
        return db_fail(&opts->err, DB_EUSAGE, "ref: say 'ref ID ready', 'ref ID not-ready' or "
                       "'ref ID asked FOR-DEAL-ID'");
    char *for_id = NULL;
    if ((rc = resolve_for(opts, pos[0], pos[2], &for_id))) {
        free(for_id);              /* resolved, then refused: it names the reference itself */
        return rc;
    }
    char *ref_id = NULL;
    rc = resolve_ref(opts, pos[0], &ref_id);
    if (!rc)
        rc = cli_change_deal(opts, ref_id,
                             (edit_op){.kind = EDIT_OP_REF_ASKED, .text = for_id, .day = DAY_NONE});
    /* Then on the deal whose buyer asked, its own commit: the buyer is not
     * comfortable being first (the review and show say so in Evaluate). */
    if (!rc)
        rc = cli_change_deal(opts, for_id,
                             (edit_op){.kind = EDIT_OP_REF_WANTED, .text = ref_id, .day = DAY_NONE});
    free(ref_id);
    free(for_id);
    return rc;
}

/* ---- refs [ID] ---- */

static db_day last_asked(const deal *d)
{
    return d->reference.nasks ? d->reference.asks[d->reference.nasks - 1].at : DAY_NONE;
}

static void add_optional_string(cJSON *obj, const char *key, char *value)
{
    if (value)
        cJSON_AddStringToObject(obj, key, value);
    else
        cJSON_AddNullToObject(obj, key);
    free(value);
}

static void print_json(const deal *for_deal, deal **refs, size_t n)
{
    cJSON *doc = cJSON_CreateObject();
    if (for_deal) {
        cJSON_AddStringToObject(doc, "for", for_deal->id);
        add_optional_string(doc, "cluster", cluster_of(for_deal));
    } else {
        cJSON_AddNullToObject(doc, "for");
    }
    cJSON *list = cJSON_AddArrayToObject(doc, "references");
    for (size_t i = 0; i < n; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "id", refs[i]->id);
        cJSON_AddStringToObject(r, "title", refs[i]->title ? refs[i]->title : "");
        cJSON_AddStringToObject(r, "account", refs[i]->account ? refs[i]->account : "");
        add_optional_string(r, "cluster", cluster_of(refs[i]));
        cJSON_AddBoolToObject(r, "same_cluster", reference_same_cluster(refs[i], for_deal));
        cJSON_AddNumberToObject(r, "asks", (double)refs[i]->reference.nasks);
        db_day last = last_asked(refs[i]);
        char day[DATE_LEN];
        date_format(last, day);
        if (last == DAY_NONE)
            cJSON_AddNullToObject(r, "last_asked");
        else
            cJSON_AddStringToObject(r, "last_asked", day);
        cJSON_AddItemToArray(list, r);
    }
    deal_view_print_json(doc);
}

static void print_ref(const deal *ref, const deal *for_deal)
{
    fputs(reference_same_cluster(ref, for_deal) ? "* " : "  ", stdout);
    cli_print_safe(stdout, ref->id);
    fputs("  ", stdout);
    cli_print_safe(stdout, ref->title);
    if (!str_empty(ref->account)) {
        fputs(" (", stdout);
        cli_print_safe(stdout, ref->account);
        fputc(')', stdout);
    }
    char *cluster = cluster_of(ref);
    fputs("; cluster ", stdout);
    cli_print_safe(stdout, cluster ? cluster : "(none)");
    free(cluster);
    size_t asks = ref->reference.nasks;
    if (asks == 0) {
        fputs("; never asked\n", stdout);
        return;
    }
    char day[DATE_LEN];
    date_format(last_asked(ref), day);
    printf("; asked %zu time%s, last %s\n", asks, asks == 1 ? "" : "s", day);
}

static void print_text(const deal *for_deal, deal **refs, size_t n)
{
    if (n == 0) {
        puts("No ready references: mark a won deal's customer with 'dealboard ref ID ready'.");
        return;
    }
    if (for_deal) {
        char *cluster = cluster_of(for_deal);
        fputs("References for ", stdout);
        cli_print_safe(stdout, for_deal->id);
        fputs(cluster ? " (cluster " : " (no cluster", stdout);
        if (cluster)
            cli_print_safe(stdout, cluster);
        fputs("), * same cluster, least asked first:\n", stdout);
        free(cluster);
    } else {
        puts("Ready references, least asked first:");
    }
    for (size_t i = 0; i < n; i++)
        print_ref(refs[i], for_deal);
}

static const deal *find_deal(const deal_list *all, const char *id)
{
    for (size_t i = 0; i < all->count; i++)
        if (str_eq(all->items[i]->id, id))
            return all->items[i];
    return NULL;
}

int cmd_refs(cli_opts *opts, int argc, char **argv)
{
    bool json = false;
    const char *pos[1] = {NULL};
    int npos = 0;
    cli_option options[] = {{"--json", NULL, &json}, {NULL, NULL, NULL}};
    db_repo *repo = NULL;
    char *for_id = NULL;
    int rc = cli_parse(opts, "refs", argc, argv, options, pos, 0, 1, &npos);
    if (rc || (rc = cli_open_repo_read(opts, &repo)))
        return rc;
    if (npos && (rc = repo_resolve_id(repo, pos[0], &for_id, &opts->err))) {
        repo_close(repo);
        return rc;
    }
    deal_list all = {0};
    rc = cli_load_all(opts, repo, &all, NULL);
    const deal *for_deal = for_id ? find_deal(&all, for_id) : NULL;
    if (!rc && for_id && !for_deal)
        rc = db_fail(&opts->err, DB_EIO, "refs: %s cannot be read ('dealboard doctor' "
                     "says why)", for_id);
    if (!rc) {
        deal **refs = xcalloc(all.count ? all.count : 1, sizeof *refs);
        size_t n = reference_suggest(all.items, all.count, for_deal, refs);
        if (json)
            print_json(for_deal, refs, n);
        else
            print_text(for_deal, refs, n);
        free(refs);
    }
    free(for_id);
    cli_keep_until_exit(&all);
    repo_close(repo);
    return rc;
}
