/* Status-quo clusters (SPEC §9; pipeline/clusters.h). */
#include "clusters.h"

#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "util.h"

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *cluster_of(const deal *d)
{
    return cluster_name(d->cluster);
}

char *cluster_name(const char *s)
{
    if (!s)
        return NULL;
    while (blank(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && blank(s[n - 1]))
        n--;
    return n ? xstrndup(s, n) : NULL;
}

const char *cluster_label(const cluster_row *r)
{
    return r->name ? r->name : "(none)";
}

int cluster_win_rate(const cluster_row *r)
{
    int decided = r->won + r->lost + r->moved_on;
    return decided ? r->won * 100 / decided : -1;
}

/* While counting: a row and its stall counts per stage. */
typedef struct {
    cluster_row row;
    int *stalls;
} tally;

typedef struct {
    tally *items;
    size_t count, cap;
    size_t nstages;
} tallies;

/* Takes name (may be NULL) into the tally it finds or makes. */
static tally *tally_for(tallies *t, char *name)
{
    for (size_t i = 0; i < t->count; i++)
        if (str_eq(t->items[i].row.name, name)) {
            free(name);
            return &t->items[i];
        }
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->items = xrealloc(t->items, t->cap * sizeof *t->items);
    }
    tally *n = &t->items[t->count++];
    *n = (tally){.row = {.name = name, .stall_stage = -1}};
    n->stalls = xcalloc(t->nstages ? t->nstages : 1, sizeof *n->stalls);
    return n;
}

static bool flagged_stalled(const flag_result *f)
{
    for (int i = 0; i < f->nreasons; i++)
        if (f->reasons[i].rule == RULE_STALLED)
            return true;
    return false;
}

/* The stage where the deal stopped, or -1: open and not stalled, won, or
 * in a stage the pipeline does not have. */
static int stall_stage_of(const pipeline_cfg *cfg, const deal *d, db_day today)
{
    if (d->status == STATUS_WON)
        return -1;
    if (d->status == STATUS_OPEN) {
        flag_result f;
        rules_score(cfg, d, today, &f);
        return flagged_stalled(&f) ? f.stage_index : -1;
    }
    return config_stage_index(cfg, d->stage);
}

static void count_deal(const pipeline_cfg *cfg, tally *t, const deal *d, db_day today)
{
    switch (d->status) {
    case STATUS_OPEN: t->row.open++; break;
    case STATUS_WON: t->row.won++; break;
    case STATUS_LOST: t->row.lost++; break;
    case STATUS_MOVED_ON: t->row.moved_on++; break;
    case STATUS_COUNT: break;
    }
    int s = stall_stage_of(cfg, d, today);
    if (s >= 0 && (size_t)s < cfg->nstages)
        t->stalls[s]++;
}

static void pick_stall_stage(tally *t, size_t nstages)
{
    for (size_t s = 0; s < nstages; s++)
        if (t->stalls[s] > t->row.stall_count) {   /* strictly more: ties keep the earlier */
            t->row.stall_count = t->stalls[s];
            t->row.stall_stage = (int)s;
        }
}

static int row_deals(const cluster_row *r)
{
    return r->open + r->won + r->lost + r->moved_on;
}

static int by_size_then_name(const void *pa, const void *pb)
{
    const cluster_row *a = pa, *b = pb;
    if (!a->name != !b->name)
        return a->name ? -1 : 1;   /* "(none)" last */
    int da = row_deals(a), db = row_deals(b);
    if (da != db)
        return da > db ? -1 : 1;
    return a->name ? strcmp(a->name, b->name) : 0;
}

void clusters_compute(const pipeline_cfg *cfg, deal *const *deals, size_t n, db_day today,
                      cluster_table *out)
{
    tallies t = {.nstages = cfg->nstages};
    for (size_t i = 0; i < n; i++)
        count_deal(cfg, tally_for(&t, cluster_of(deals[i])), deals[i], today);
    out->count = t.count;
    out->rows = xcalloc(t.count ? t.count : 1, sizeof *out->rows);
    for (size_t i = 0; i < t.count; i++) {
        pick_stall_stage(&t.items[i], cfg->nstages);
        out->rows[i] = t.items[i].row;
        free(t.items[i].stalls);
    }
    free(t.items);
    qsort(out->rows, out->count, sizeof *out->rows, by_size_then_name);
}

static cluster_row *row_named(const cluster_table *t, const char *name)
{
    for (size_t i = 0; i < t->count; i++)
        if (str_eq(t->rows[i].name, name))
            return &t->rows[i];
    return NULL;
}

const cluster_row *clusters_row_of(const cluster_table *t, const deal *d)
{
    char *name = cluster_of(d);
    const cluster_row *r = row_named(t, name);
    free(name);
    return r;
}

bool clusters_add_insight(cluster_table *t, const deal *d, cluster_insight *taken)
{
    cluster_row *r = (cluster_row *)clusters_row_of(t, d);
    if (!r) {
        cluster_insight_free(taken);
        return false;
    }
    r->insights = xrealloc(r->insights, (r->ninsights + 1) * sizeof *r->insights);
    r->insights[r->ninsights++] = *taken;
    *taken = (cluster_insight){0};
    return true;
}

void clusters_sort_insights(cluster_table *t)
{
    for (size_t i = 0; i < t->count; i++)
        cluster_insights_sort(t->rows[i].insights, t->rows[i].ninsights);
}

void clusters_free(cluster_table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        free(t->rows[i].name);
        for (size_t k = 0; k < t->rows[i].ninsights; k++)
            cluster_insight_free(&t->rows[i].insights[k]);
        free(t->rows[i].insights);
    }
    free(t->rows);
    *t = (cluster_table){0};
}
