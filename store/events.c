/* The event index (see events.h): reading the history from git. The cache
 * file is store/events_file.c. */
#include "events.h"

#include <stdlib.h>
#include <string.h>

#include "../pipeline/deal.h"
#include "../pipeline/deal_fields.h"
#include "bytemap.h"
#include "codec.h"
#include "events_file.h"
#include "events_stages.h"
#include "gitutil.h"
#include "repo_internal.h"
#include "treediff.h"

/* What a commit can change; STAGE_ENTERED and GONE are said otherwise. */
static const event_field changes[] = {EVENT_STAGE, EVENT_STATUS, EVENT_VALUE, EVENT_CLOSE_DATE,
                                      EVENT_INSIGHT};

/* What one version of a deal file says (cached by blob id). */
typedef deal_snapshot snapshot;

typedef struct {
    git_repository *git;
    deal_history *h;
    /* commits: those read this time; the index's own are looked up in
     * h->commits[0, known_commits) only for a parent, since an update reads
     * few commits and mapping all the others was a tenth of its time. */
    bytemap commits, deals, authors, blobs;
    size_t known_commits, parent_misses;
    size_t cap_commits, cap_deals, cap_authors;
    /* The index's deals (h->deals[0, known_deals), by name) and the
     * snapshots of its commit's deal files (by blob id) are searched in
     * place; only what this read adds is mapped (deals, blobs): mapping
     * them all was a tenth of an update. */
    size_t known_deals;
    snapshot **tips;
    size_t ntips;
} builder;

/* ---- one version of a deal file ---- */

static bool day_field(const cJSON *root, const char *key, int64_t *out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, key);
    db_day day;
    if (!cJSON_IsString(item) || !date_parse(item->valuestring, &day))
        return false;
    *out = day;
    return true;
}

/* What this reads is kept in the index file: bump EVENTS_FILE_VERSION when it changes. */
static void read_fields(const cJSON *root, snapshot *s)
{
    const cJSON *stage = cJSON_GetObjectItemCaseSensitive(root, "stage");
    if (cJSON_IsString(stage)) {
        s->stage = xstrdup(stage->valuestring);
        s->has[EVENT_STAGE] = true;
    }
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    deal_status st;
    if (cJSON_IsString(status) && deal_status_parse(status->valuestring, &st)) {
        s->num[EVENT_STATUS] = st;
        s->has[EVENT_STATUS] = true;
    }
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(root, "value");
    if (cJSON_IsNumber(value) && value->valuedouble == (double)(int64_t)value->valuedouble &&
        value->valuedouble >= -(double)DEAL_VALUE_MAX && value->valuedouble <= (double)DEAL_VALUE_MAX) {
        s->num[EVENT_VALUE] = (int64_t)value->valuedouble;
        s->has[EVENT_VALUE] = true;
    }
    s->has[EVENT_CLOSE_DATE] = day_field(root, "close_date", &s->num[EVENT_CLOSE_DATE]);
    s->has[EVENT_STAGE_ENTERED] = day_field(root, "stage_entered", &s->num[EVENT_STAGE_ENTERED]);
    const cJSON *insight = cJSON_GetObjectItemCaseSensitive(root, "insight");
    if (cJSON_IsString(insight) && !deal_text_blank(insight->valuestring)) {
        s->num[EVENT_INSIGHT] = deal_event_text_hash(insight->valuestring);
        s->has[EVENT_INSIGHT] = true;
    }
}

static int by_blob(const void *a, const void *b)
{
    return memcmp((*(snapshot *const *)a)->blob, (*(snapshot *const *)b)->blob, GIT_OID_RAWSZ);
}

/* The index's snapshot of a blob; NULL when it has none. */
static snapshot *known_tip(const builder *b, const unsigned char *blob)
{
    snapshot key, *k = &key;
    memcpy(key.blob, blob, GIT_OID_RAWSZ);
    snapshot **found = b->ntips ? bsearch(&k, b->tips, b->ntips, sizeof *b->tips, by_blob) : NULL;
    return found ? *found : NULL;
}

static snapshot *snapshot_of(builder *b, const git_oid *blob_id)
{
    uintptr_t found;
    if (bytemap_get(&b->blobs, blob_id->id, GIT_OID_RAWSZ, &found))
        return (snapshot *)found;
    snapshot *tip = known_tip(b, blob_id->id);
    if (tip)
        return tip;
    snapshot *s = xcalloc(1, sizeof *s);
    memcpy(s->blob, blob_id->id, GIT_OID_RAWSZ);
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, b->git, blob_id) == 0) {
        db_err ignored;
        cJSON *root = codec_parse_json(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
                                       "", &ignored);
        if (cJSON_IsObject(root)) {
            s->ok = true;
            read_fields(root, s);
        }
        cJSON_Delete(root);
        git_blob_free(blob);
    }
    git_error_clear();
    bytemap_put(&b->blobs, blob_id->id, GIT_OID_RAWSZ, (uintptr_t)s);
    return s;
}

static void free_snapshot(uintptr_t p)
{
    deal_snapshot_free((snapshot *)p);
}

/* ---- the tables ---- */

static uint32_t intern(bytemap *map, char ***names, size_t *n, size_t *cap, const char *name);

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A deal's index: in the index read before, or added by this read. */
static uint32_t intern_deal(builder *b, const char *id)
{
    char **found = b->known_deals ? bsearch(&id, b->h->deals, b->known_deals, sizeof id, by_name)
                                  : NULL;
    if (found)
        return (uint32_t)(found - b->h->deals);
    return intern(&b->deals, &b->h->deals, &b->h->ndeals, &b->cap_deals, id);
}

static uint32_t intern(bytemap *map, char ***names, size_t *n, size_t *cap, const char *name)
{
    uintptr_t found;
    size_t len = strlen(name);
    if (bytemap_get(map, name, len, &found))
        return (uint32_t)found;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *names = xrealloc(*names, *cap * sizeof **names);
    }
    (*names)[*n] = xstrdup(name);
    bytemap_put(map, name, len, *n);
    return (uint32_t)(*n)++;
}

static void add_event(deal_history *h, uint32_t deal, uint32_t commit, event_field f,
                      int64_t num, const char *text)
{
    if (h->nevents == h->cap_events) {
        h->cap_events = h->cap_events ? h->cap_events * 2 : 1024;
        h->events = xrealloc(h->events, h->cap_events * sizeof *h->events);
    }
    h->events[h->nevents++] = (deal_event){deal, commit, f, num, xstrdup(text)};
}

static bool same_field(const snapshot *a, const snapshot *b, event_field f)
{
    if (!a || !b || !a->ok || !b->ok || !a->has[f] || !b->has[f])
        return false;
    return f == EVENT_STAGE ? strcmp(a->stage, b->stage) == 0 : a->num[f] == b->num[f];
}

static bool known_in(const snapshot *s, event_field f)
{
    return s && s->ok && s->has[f];
}

/* ---- one commit ---- */

typedef struct {
    uint32_t commit, deal;
    git_tree **parent_trees;     /* [0] may be NULL (a root commit) */
    size_t nparents;
    /* The other parents' directories, by parent and path: looked up once
     * per commit, not once per file (libgit2 does not cache a tree as large
     * as deals/, and reading it again per file was a third of a merge). */
    bytemap parent_dirs;
} commit_ctx;

/* The deal a path holds: deals/<anything>/<id>.json; NULL otherwise. */
static char *deal_id_of(const char *path)
{
    size_t len = strlen(path);
    if (!str_has_prefix(path, "deals/") || len < 11 || strcmp(path + len - 5, ".json") != 0)
        return NULL;
    const char *base = strrchr(path, '/') + 1;
    if (base == path + len - 5)
        return NULL;
    return xstrndup(base, (size_t)(path + len - 5 - base));
}

/* Parent k's tree of the directory path[0, len); NULL when it has none. */
static git_tree *parent_dir(builder *b, commit_ctx *c, size_t k, const char *path, size_t len)
{
    uintptr_t found;
    if (!c->parent_trees[k])
        return NULL;
    char *key = xmalloc(sizeof k + len);
    memcpy(key, &k, sizeof k);
    memcpy(key + sizeof k, path, len);
    if (bytemap_get(&c->parent_dirs, key, sizeof k + len, &found)) {
        free(key);
        return (git_tree *)found;
    }
    char *dir = xstrndup(path, len);
    git_tree_entry *te = NULL;
    git_tree *tree = NULL;
    if (git_tree_entry_bypath(&te, c->parent_trees[k], dir) == 0 &&
        git_tree_entry_type(te) == GIT_OBJECT_TREE &&
        git_tree_lookup(&tree, b->git, git_tree_entry_id(te)) < 0)
        tree = NULL;
    git_error_clear();
    git_tree_entry_free(te);
    free(dir);
    bytemap_put(&c->parent_dirs, key, sizeof k + len, (uintptr_t)tree);
    free(key);
    return tree;
}

static void free_tree(uintptr_t tree)
{
    git_tree_free((git_tree *)tree);
}

static const snapshot *parent_version(builder *b, commit_ctx *c, size_t k,
                                      const treediff_entry *e, bool *present, git_oid *blob)
{
    *present = false;
    if (k == 0) {
        if (!e->old.exists || (e->old.mode & 0170000) != 0100000)
            return NULL;
        *present = true;
        *blob = e->old.id;
        return snapshot_of(b, &e->old.id);
    }
    const char *base = strrchr(e->path, '/') + 1;   /* deal paths are under deals/ */
    git_tree *dir = parent_dir(b, c, k, e->path, (size_t)(base - 1 - e->path));
    const git_tree_entry *te = dir ? git_tree_entry_byname(dir, base) : NULL;
    if (!te || git_tree_entry_type(te) != GIT_OBJECT_BLOB)
        return NULL;
    *present = true;
    *blob = *git_tree_entry_id(te);
    return snapshot_of(b, blob);
}

/* Emits the changes of one deal file: a field's new value is the commit's
 * own when it differs from that field in every parent (a merge that takes
 * a side's value changes nothing: the side's commit made the change). */
static void deal_file_changed(builder *b, commit_ctx *c, const treediff_entry *e)
{
    const snapshot *now = e->new.exists && (e->new.mode & 0170000) == 0100000
                              ? snapshot_of(b, &e->new.id)
                              : NULL;
    enum { MAX_PARENTS = 16 };
    const snapshot *before[MAX_PARENTS];
    bool present[MAX_PARENTS], all_present = true, new_blob = true;
    size_t np = c->nparents < MAX_PARENTS ? c->nparents : MAX_PARENTS;
    for (size_t k = 0; k < np; k++) {
        git_oid blob;
        before[k] = parent_version(b, c, k, e, &present[k], &blob);
        all_present &= present[k];
        if (present[k] && now && git_oid_equal(&blob, &e->new.id))
            new_blob = false;
    }
    if (!now) {
        if (np && all_present)
            add_event(b->h, c->deal, c->commit, EVENT_GONE, 0, NULL);
        return;
    }
    if (!now->ok) {
        b->h->unparseable += new_blob;
        return;
    }
    bool stage_was_known = false;
    for (size_t i = 0; i < sizeof changes / sizeof *changes; i++) {
        event_field f = changes[i];
        bool differs = now->has[f];
        for (size_t k = 0; k < np && differs; k++)
            differs = !same_field(before[k], now, f);
        for (size_t k = 0; k < np && f == EVENT_STAGE; k++)
            stage_was_known |= known_in(before[k], EVENT_STAGE);
        if (differs)
            add_event(b->h, c->deal, c->commit, f, now->num[f],
                      f == EVENT_STAGE ? now->stage : NULL);
    }
    if (!stage_was_known && now->has[EVENT_STAGE] && now->has[EVENT_STAGE_ENTERED])
        add_event(b->h, c->deal, c->commit, EVENT_STAGE_ENTERED, now->num[EVENT_STAGE_ENTERED],
                  NULL);
}

static void map_known_commits(builder *b)
{
    for (size_t i = 0; i < b->known_commits; i++) {
        git_oid oid;
        if (git_oid_fromstr(&oid, b->h->commits[i].oid) == 0)
            bytemap_put(&b->commits, oid.id, GIT_OID_RAWSZ, i);
    }
    b->known_commits = 0;
}

/* The index of a parent commit: read this time, or in the index before. */
static bool find_commit(builder *b, const git_oid *oid, uintptr_t *index)
{
    if (bytemap_get(&b->commits, oid->id, GIT_OID_RAWSZ, index))
        return true;
    if (!b->known_commits)
        return false;
    /* A few parents are searched for; a history with many is mapped once. */
    if (++b->parent_misses > 16) {
        map_known_commits(b);
        return bytemap_get(&b->commits, oid->id, GIT_OID_RAWSZ, index);
    }
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, oid);
    for (size_t i = 0; i < b->known_commits; i++)
        if (memcmp(b->h->commits[i].oid, hex, GIT_OID_HEXSZ) == 0) {
            *index = i;
            return true;
        }
    return false;
}

static uint32_t add_commit(builder *b, git_commit *commit)
{
    deal_history *h = b->h;
    uint32_t generation = 1;
    for (unsigned k = 0; k < git_commit_parentcount(commit); k++) {
        uintptr_t p;
        if (find_commit(b, git_commit_parent_id(commit, k), &p) &&
            h->commits[p].generation >= generation)
            generation = h->commits[p].generation + 1;
    }
    if (h->ncommits == b->cap_commits) {
        b->cap_commits = b->cap_commits ? b->cap_commits * 2 : 1024;
        h->commits = xrealloc(h->commits, b->cap_commits * sizeof *h->commits);
    }
    history_commit *hc = &h->commits[h->ncommits];
    git_oid_tostr(hc->oid, sizeof hc->oid, git_commit_id(commit));
    hc->generation = generation;
    const git_signature *author = git_commit_author(commit);
    hc->author = intern(&b->authors, &h->authors, &h->nauthors, &b->cap_authors,
                        author->name ? author->name : "");
    hc->author_time = (int64_t)author->when.time;
    hc->commit_time = (int64_t)git_commit_time(commit);
    bytemap_put(&b->commits, git_commit_id(commit)->id, GIT_OID_RAWSZ, h->ncommits);
    return (uint32_t)h->ncommits++;
}

static int parent_trees(git_commit *commit, git_tree ***out, size_t *n, db_err *err)
{
    *n = git_commit_parentcount(commit);
    *out = xcalloc(*n ? *n : 1, sizeof **out);
    for (size_t k = 0; k < *n; k++) {
        git_commit *parent = NULL;
        int rc = git_commit_parent(&parent, commit, (unsigned)k) < 0 ||
                 git_commit_tree(&(*out)[k], parent) < 0;
        git_commit_free(parent);
        if (rc)
            return gitu_fail(err, DB_EIO, "reading the history");
    }
    return 0;
}

static int read_commit(builder *b, const git_oid *oid, db_err *err)
{
    git_commit *commit = NULL;
    git_tree *tree = NULL;
    commit_ctx c = {0};
    treediff_list diff = {0};
    if (git_commit_lookup(&commit, b->git, oid) < 0 || git_commit_tree(&tree, commit) < 0) {
        git_commit_free(commit);
        return gitu_fail(err, DB_EIO, "reading the history");
    }
    c.commit = add_commit(b, commit);
    int rc = parent_trees(commit, &c.parent_trees, &c.nparents, err);
    if (!rc)
        rc = treediff(b->git, c.nparents ? c.parent_trees[0] : NULL, tree, &diff, err);
    for (size_t i = 0; !rc && i < diff.n; i++) {
        if (events_is_pipeline_path(diff.items[i].path))
            events_stage_changes(b->git, b->h, c.commit, &diff.items[i], c.parent_trees,
                                 c.nparents);
        char *id = deal_id_of(diff.items[i].path);
        if (!id)
            continue;
        c.deal = intern_deal(b, id);
        deal_file_changed(b, &c, &diff.items[i]);
        free(id);
    }
    treediff_free(&diff);
    bytemap_each(&c.parent_dirs, free_tree);
    bytemap_free(&c.parent_dirs);
    for (size_t k = 0; k < c.nparents; k++)
        git_tree_free(c.parent_trees[k]);
    free(c.parent_trees);
    git_tree_free(tree);
    git_commit_free(commit);
    return rc;
}

/* ---- the walk ---- */

/* The commits of HEAD not in `known` (NULL: all), parents first. */
static int new_commits(git_repository *git, const git_oid *known, git_oid **out, size_t *n,
                       db_err *err)
{
    git_revwalk *walk = NULL;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    if (git_revwalk_new(&walk, git) < 0 ||
        git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0 ||
        git_revwalk_push_head(walk) < 0 || (known && git_revwalk_hide(walk, known) < 0)) {
        git_revwalk_free(walk);
        return gitu_fail(err, DB_EIO, "walking the history");
    }
    git_oid oid;
    int rc;
    while ((rc = git_revwalk_next(&oid, walk)) == 0) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 1024;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        (*out)[(*n)++] = oid;
    }
    git_revwalk_free(walk);
    if (rc != GIT_ITEROVER)
        return gitu_fail(err, DB_EIO, "walking the history");
    git_error_clear();
    return 0;
}

/* The builder's maps for a history read before (to go on from it), with
 * the snapshots of the deal files it ended with (the builder owns them). */
static void builder_start(builder *b, git_repository *git, deal_history *h, snapshot **tips,
                          size_t ntips)
{
    memset(b, 0, sizeof *b);
    b->git = git;
    b->h = h;
    b->cap_commits = h->ncommits;
    b->cap_deals = h->ndeals;
    b->cap_authors = h->nauthors;
    b->known_commits = h->ncommits;
    b->known_deals = h->ndeals;
    b->tips = tips;
    b->ntips = ntips;
    h->cap_events = h->nevents;
    for (size_t i = 0; i < h->nauthors; i++)
        bytemap_put(&b->authors, h->authors[i], strlen(h->authors[i]), i);
}

static void builder_end(builder *b)
{
    for (size_t i = 0; i < b->ntips; i++)
        deal_snapshot_free(b->tips[i]);
    free(b->tips);
    bytemap_each(&b->blobs, free_snapshot);
    bytemap_free(&b->blobs);
    bytemap_free(&b->commits);
    bytemap_free(&b->deals);
    bytemap_free(&b->authors);
}

/* ---- the deal files of HEAD, kept with the index ---- */

typedef struct {
    builder *b;
    snapshot **items;
    size_t n, cap;
} tip_list;

static void tip_add(tip_list *t, snapshot *s)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->items = xrealloc(t->items, t->cap * sizeof *t->items);
    }
    t->items[t->n++] = s;
}

/* A deal file, as HEAD's tips count them: a blob deals/.../NAME.json. */
static bool tip_name(const char *name)
{
    size_t len = strlen(name);
    return len > 5 && strcmp(name + len - 5, ".json") == 0;
}

static int collect_tip(const char *root, const git_tree_entry *entry, void *payload)
{
    (void)root;
    tip_list *t = payload;
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB || !tip_name(git_tree_entry_name(entry)))
        return 0;
    snapshot *s = snapshot_of(t->b, git_tree_entry_id(entry));
    s->files++;
    tip_add(t, s);
    return 0;
}

/* Sorts by blob id and keeps each once (and, with only_present, only those
 * some deal file still has). */
static void tips_unique(tip_list *t, bool only_present)
{
    if (t->n)
        qsort(t->items, t->n, sizeof *t->items, by_blob);
    size_t kept = 0;
    for (size_t i = 0; i < t->n; i++)
        if ((!kept || t->items[kept - 1] != t->items[i]) && (!only_present || t->items[i]->files))
            t->items[kept++] = t->items[i];
    t->n = kept;
}

static git_tree *tree_of(git_repository *git, const git_oid *commit_id)
{
    git_commit *commit = NULL;
    git_tree *tree = NULL;
    if (git_commit_lookup(&commit, git, commit_id) < 0 || git_commit_tree(&tree, commit) < 0)
        tree = NULL;
    git_commit_free(commit);
    git_error_clear();
    return tree;
}

/* The snapshots of the deal files in HEAD's tree (most read already), by
 * blob id, each once: for a read from scratch. */
static void head_tips(builder *b, const git_oid *head, tip_list *t)
{
    memset(t, 0, sizeof *t);
    t->b = b;
    git_tree *tree = tree_of(b->git, head), *deals = NULL;
    git_tree_entry *entry = NULL;
    if (tree && git_tree_entry_bypath(&entry, tree, "deals") == 0 &&
        git_tree_entry_type(entry) == GIT_OBJECT_TREE &&
        git_tree_lookup(&deals, b->git, git_tree_entry_id(entry)) == 0)
        git_tree_walk(deals, GIT_TREEWALK_PRE, collect_tip, t);
    git_error_clear();
    git_tree_free(deals);
    git_tree_entry_free(entry);
    git_tree_free(tree);
    tips_unique(t, false);
}

static bool tip_side(const treediff_side *side)
{
    uint32_t kind = side->mode & 0170000;
    return side->exists && (kind == 0100000 || kind == 0120000);
}

/* The tips of the index's commit that changed on the way to HEAD, from the
 * difference of the two trees (not a walk of HEAD's, which was a fifth of
 * an update after a sync): each deal file's old blob counts one file
 * fewer, its new one one more. By blob id, each once; files 0: gone. */
static int changed_tips(builder *b, const git_oid *known, const git_oid *head, tip_list *t,
                        db_err *err)
{
    memset(t, 0, sizeof *t);
    t->b = b;
    git_tree *from = tree_of(b->git, known), *to = tree_of(b->git, head);
    treediff_list diff = {0};
    int rc = from && to ? treediff(b->git, from, to, &diff, err)
                        : gitu_fail(err, DB_EIO, "reading the history");
    for (size_t i = 0; !rc && i < diff.n; i++) {
        const treediff_entry *e = &diff.items[i];
        if (!str_has_prefix(e->path, "deals/") || !tip_name(strrchr(e->path, '/') + 1))
            continue;
        if (tip_side(&e->old)) {
            snapshot *s = snapshot_of(b, &e->old.id);
            s->files -= s->files > 0;
            tip_add(t, s);
        }
        if (tip_side(&e->new)) {
            snapshot *s = snapshot_of(b, &e->new.id);
            s->files++;
            tip_add(t, s);
        }
    }
    treediff_free(&diff);
    git_tree_free(from);
    git_tree_free(to);
    tips_unique(t, false);
    /* One read this time and in no file now was never a tip. */
    size_t kept = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->items[i]->files || known_tip(b, t->items[i]->blob))
            t->items[kept++] = t->items[i];
    t->n = kept;
    return rc;
}

/* All the tips of HEAD: the index's, with those that changed. */
static void all_tips(const builder *b, const tip_list *changed, tip_list *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < b->ntips; i++)
        tip_add(out, b->tips[i]);
    for (size_t i = 0; i < changed->n; i++)
        tip_add(out, changed->items[i]);
    tips_unique(out, true);
}

/* ---- reading and caching ---- */

/* Segments the index file may have before an update rewrites it whole
 * (each costs a merge of the tables when it is read). */
static size_t segments_limit(void)
{
    const char *env = getenv("DEALBOARD_EVENTS_SEGMENTS");   /* for tests */
    long n = env ? strtol(env, NULL, 10) : 0;
    return n > 0 ? (size_t)n : 4;
}

typedef struct {
    char *path;
    events_file_state st;          /* segments == 0: none, read from scratch */
} index_file;

/* Writes the index of HEAD after the commits were read (h: the index read
 * before, `from` its counts, then what this read added): one more segment
 * when the file has room, else the whole index in one. */
static int save_index(builder *b, const index_file *f, const events_counts *from,
                      const git_oid *known, const git_oid *head, db_err *err)
{
    char head_hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(head_hex, sizeof head_hex, head);
    tip_list changed, all;
    int rc = known ? changed_tips(b, known, head, &changed, err) : 0;
    if (rc)
        return rc;
    if (known && f->st.segments < segments_limit()) {
        events_file_append(f->path, &f->st, b->h, from, head_hex, changed.items, changed.n);
        deal_history_canonicalize(b->h);
    } else {
        deal_history_canonicalize(b->h);
        if (known)
            all_tips(b, &changed, &all);
        else
            head_tips(b, head, &all);
        events_file_write(f->path, b->h, head_hex, all.items, all.n);
        free(all.items);
    }
    if (known)
        free(changed.items);
    return 0;
}

/* Reads the commits of HEAD not in `known` (NULL: all) on top of h (the
 * index of `known`, whose tips the builder takes) and writes the index of
 * HEAD to the file. */
static int read_history(git_repository *git, const git_oid *known, const git_oid *head,
                        const index_file *f, deal_history *h, snapshot **tips, size_t ntips,
                        events_progress_fn progress, void *ud, size_t *read, db_err *err)
{
    git_oid *oids;
    size_t n;
    /* Every object read is hashed again by default: a fifth of a first
     * read, for objects git wrote and checks itself (git fsck); nothing
     * read here is written back. */
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    /* libgit2 keeps every tree and commit read in its object cache, for
     * a walk that reads each once (a commit's parents' trees are read
     * again, cheaply): the cache doubled the page faults and its teardown
     * at exit was a twentieth of a first read. */
    git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
    builder b;
    events_counts from = {h->ndeals, h->nauthors, h->ncommits, h->nevents, h->nstage_changes};
    builder_start(&b, git, h, tips, ntips);
    int rc = new_commits(git, known, &oids, &n, err);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = read_commit(&b, &oids[i], err);
        if (progress && ((i + 1) % 4096 == 0 || i + 1 == n))
            progress(ud, i + 1, n);
    }
    if (!rc)
        rc = save_index(&b, f, &from, known, head, err);
    builder_end(&b);
    git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 1);
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
    free(oids);
    *read = n;
    return rc;
}

static void free_tips(snapshot **tips, size_t n)
{
    for (size_t i = 0; i < n; i++)
        deal_snapshot_free(tips[i]);
    free(tips);
}

/* Whether the cache's commit is HEAD or one of its ancestors. */
static bool trusted(git_repository *git, const git_oid *head, const char *cached, git_oid *out)
{
    if (git_oid_fromstr(out, cached) < 0)
        return false;
    if (git_oid_equal(out, head))
        return true;
    git_commit *c = NULL;
    bool ok = git_commit_lookup(&c, git, out) == 0 && git_graph_descendant_of(git, head, out) == 1;
    git_commit_free(c);
    git_error_clear();
    return ok;
}

int events_load(db_repo *repo, deal_history *out, events_progress_fn progress, void *ud,
                events_info *info, db_err *err)
{
    memset(out, 0, sizeof *out);
    memset(info, 0, sizeof *info);
    git_repository *git = repo->git;
    if (!git)
        return db_fail(err, DB_EIO, "%s: not a git repository: stats reads the history",
                       repo_root(repo));
    if (git_repository_is_shallow(git) == 1)
        return db_fail(err, DB_EUSAGE, "this is a shallow clone: its history is cut short; "
                       "run 'git fetch --unshallow' first");
    if (repo_as_of(repo))        /* the index covers HEAD: later days would leak in */
        return db_fail(err, DB_EUSAGE, "not in a pipeline as of a past day: the history "
                       "figures are learnt up to now; leave --as-of out to see them");
    git_oid head;
    if (git_reference_name_to_id(&head, git, "HEAD") < 0) {
        git_error_clear();
        return 0;                  /* no commit yet: no history */
    }
    index_file f = {events_file_path(repo), {0}};
    char cached[41] = "";
    git_oid known;
    snapshot **tips;
    size_t ntips;
    bool have = events_file_read(f.path, out, cached, &tips, &ntips, &f.st) == 0 &&
                trusted(git, &head, cached, &known);
    if (have && git_oid_equal(&known, &head)) {
        /* Only a lower limit than the one that wrote it leaves more. */
        if (f.st.segments > segments_limit())
            events_file_write(f.path, out, cached, tips, ntips);
        free_tips(tips, ntips);
        free(f.path);
        info->source = EVENTS_CACHED;
        return 0;
    }
    if (!have) {
        free_tips(tips, ntips);
        tips = NULL;
        ntips = 0;
        deal_history_free(out);
        memset(&f.st, 0, sizeof f.st);
    }
    info->source = have ? EVENTS_UPDATED : EVENTS_REBUILT;
    int rc = read_history(git, have ? &known : NULL, &head, &f, out, tips, ntips, progress, ud,
                          &info->commits_read, err);
    free(f.path);
    return rc;
}
