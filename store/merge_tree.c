/* Tree-wise three-way merge (see merge_tree.h).
 *
 *   merge_tree_commits  base = git_merge_base; diff base->ours and base->theirs with
 *                       treediff (no rename detection: similar deal files must never
 *                       pair up; equal subtrees are not opened)
 *   apply_theirs        a path only theirs changed: take their entry as it is
 *   merge_path          a path both changed: JSON merge or git's line merge
 *   last_change         the commit on one side that last changed a path: its time
 *                       decides which value wins a same-field conflict
 * The result is ours' tree with the merged paths updated (git_tree_create_updated). */
#include "merge_tree.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/config.h"
#include "../pipeline/date.h"
#include "../pipeline/text.h"
#include "codec.h"
#include "config_load.h"
#include "gitutil.h"
#include "json_merge.h"
#include "json_print.h"
#include "treediff.h"

/* Commits walked back from a side's tip to find who last changed a file. */
#define LAST_CHANGE_WALK 2000

typedef struct {
    bool exists;
    git_oid id;
    uint32_t mode;
} side_entry;

typedef struct {
    const char *path;
    side_entry base, side;
} change;

typedef struct {
    change *items;
    size_t n;
} change_list;

typedef struct {
    git_repository *git;
    git_commit *ours, *theirs;
    const git_oid *base;     /* NULL: unrelated histories */
    git_tree *ours_tree;     /* the result is this tree with `updates` applied */
    git_tree_update *updates;
    size_t nupdates, capupdates;
    merge_tree_stats *st;
    db_err *err;
} merge_ctx;

void merge_tree_stats_free(merge_tree_stats *st)
{
    sb_free(&st->unresolved);
}

/* ---- pure helpers ---------------------------------------------------- */

bool merge_is_deal_path(const char *path)
{
    if (strncmp(path, "deals/", 6) != 0)
        return false;
    const char *shard = path + 6, *name = path + 9;
    size_t n = strlen(name);
    if (strlen(shard) < 4 || shard[2] != '/' || n < 6 || n - 5 > ID_MAX ||
        strcmp(name + n - 5, ".json") != 0)
        return false;
    char id[ID_MAX + 1];
    memcpy(id, name, n - 5);
    id[n - 5] = '\0';
    return text_valid_id(id) && strncmp(id + n - 7, shard, 2) == 0;
}

bool merge_is_json_path(const char *path)
{
    return strcmp(path, "pipeline.json") == 0 || merge_is_deal_path(path);
}

char *merge_message(const merge_tree_stats *st)
{
    strbuf sb = {0};
    sb_puts(&sb, "Merge teammates' changes: ");
    const char *sep = "";
    if (st->deals) {
        sb_printf(&sb, "%d deal%s", st->deals, st->deals == 1 ? "" : "s");
        sep = ", ";
    }
    if (st->files) {
        sb_printf(&sb, "%s%d other file%s", sep, st->files, st->files == 1 ? "" : "s");
        sep = ", ";
    }
    if (!st->deals && !st->files) {
        sb_puts(&sb, "history only");
        sep = ", ";
    }
    if (st->conflicts)
        sb_printf(&sb, "%s%d conflict%s recorded", sep, st->conflicts,
                  st->conflicts == 1 ? "" : "s");
    /* Deal conflicts are found in the deal's log; these only in pipeline.json. */
    if (st->conflicts && st->pipeline_conflicts == st->conflicts)
        sb_puts(&sb, " in pipeline.json");
    else if (st->pipeline_conflicts)
        sb_printf(&sb, " (%d in pipeline.json)", st->pipeline_conflicts);
    return sb.data;
}

/* ---- collecting changes ---------------------------------------------- */

static int compare_change(const void *a, const void *b)
{
    return strcmp(((const change *)a)->path, ((const change *)b)->path);
}

static void entry_of(const treediff_side *d, side_entry *out)
{
    out->exists = d->exists;
    git_oid_cpy(&out->id, &d->id);
    out->mode = d->mode;
}

/* The paths that differ between two trees, sorted; the diff must outlive the list.
 * Subtrees equal on both sides are skipped (treediff), so this costs what changed. */
static int collect(git_repository *git, git_tree *base, git_tree *side, treediff_list *diff,
                   change_list *out, db_err *err)
{
    if (treediff(git, base, side, diff, err))
        return DB_EIO;
    size_t n = diff->n;
    out->items = n ? xcalloc(n, sizeof *out->items) : NULL;
    out->n = n;
    for (size_t i = 0; i < n; i++) {
        const treediff_entry *d = &diff->items[i];
        change *c = &out->items[i];
        c->path = d->path;
        entry_of(&d->old, &c->base);
        entry_of(&d->new, &c->side);
    }
    if (n)
        qsort(out->items, n, sizeof *out->items, compare_change);
    return 0;
}

static const change *find_change(const change_list *list, const char *path)
{
    change key = {.path = path};
    return list->n ? bsearch(&key, list->items, list->n, sizeof key, compare_change) : NULL;
}

/* ---- writing the result ---------------------------------------------- */

static bool in_ours(merge_ctx *m, const char *path)
{
    git_tree_entry *entry = NULL;
    bool found = git_tree_entry_bypath(&entry, m->ours_tree, path) == 0;
    git_tree_entry_free(entry);
    return found;
}

/* Records path's merged entry (absent: removed) as an update of ours' tree. */
static int index_put(merge_ctx *m, const char *path, const side_entry *e)
{
    if (!e->exists && !in_ours(m, path))
        return 0;
    if (m->nupdates == m->capupdates) {
        m->capupdates = m->capupdates ? m->capupdates * 2 : 64;
        m->updates = xrealloc(m->updates, m->capupdates * sizeof *m->updates);
    }
    git_tree_update *u = &m->updates[m->nupdates++];
    memset(u, 0, sizeof *u);
    u->path = path;
    u->action = e->exists ? GIT_TREE_UPDATE_UPSERT : GIT_TREE_UPDATE_REMOVE;
    u->filemode = e->exists ? (git_filemode_t)e->mode : GIT_FILEMODE_BLOB;
    git_oid_cpy(&u->id, &e->id);
    return 0;
}

static int index_put_text(merge_ctx *m, const char *path, const char *text, size_t len,
                          uint32_t mode)
{
    side_entry e = {true, {{0}}, mode ? mode : GIT_FILEMODE_BLOB};
    if (git_blob_create_from_buffer(&e.id, m->git, text, len) < 0)
        return gitu_fail(m->err, DB_EIO, path);
    return index_put(m, path, &e);
}

/* ---- who changed a path last ------------------------------------------ */

/* True when the commit's version of path is new: it differs from every parent's. */
static bool introduces(git_commit *commit, const char *path)
{
    git_oid mine, theirs;
    bool has = gitu_blob_at(commit, path, &mine);
    unsigned n = git_commit_parentcount(commit);
    for (unsigned i = 0; i < n; i++) {
        git_commit *parent = NULL;
        if (git_commit_parent(&parent, commit, i) < 0)
            continue;
        bool phas = gitu_blob_at(parent, path, &theirs);
        git_commit_free(parent);
        if (has == phas && (!has || git_oid_equal(&mine, &theirs)))
            return false;
    }
    return true;
}

static void side_of(git_commit *c, json_merge_side *side, strbuf *author)
{
    const git_signature *sig = git_commit_author(c);
    sb_printf(author, "%s <%s>", sig->name, sig->email);
    side->author = author->data;
    side->time = (long long)git_commit_time(c);
}

static void last_change(merge_ctx *m, git_commit *tip, const char *path, json_merge_side *side,
                        strbuf *author)
{
    git_revwalk *walk = NULL;
    git_commit *found = NULL;
    git_oid oid;
    if (git_revwalk_new(&walk, m->git) == 0 &&
        git_revwalk_sorting(walk, GIT_SORT_TIME) == 0 &&
        git_revwalk_push(walk, git_commit_id(tip)) == 0 &&
        (!m->base || git_revwalk_hide(walk, m->base) == 0)) {
        for (int i = 0; i < LAST_CHANGE_WALK && !found && git_revwalk_next(&oid, walk) == 0;
             i++) {
            git_commit *c = NULL;
            if (git_commit_lookup(&c, m->git, &oid) < 0)
                break;
            if (introduces(c, path))
                found = c;
            else
                git_commit_free(c);
        }
    }
    git_revwalk_free(walk);
    side_of(found ? found : tip, side, author);
    git_commit_free(found);
}

/* ---- JSON merge of one file ------------------------------------------ */

typedef struct {
    cJSON *base, *ours, *theirs;
} json_three;

static cJSON *load_json(merge_ctx *m, const side_entry *e, const char *path, bool *bad)
{
    git_blob *blob = NULL;
    if (!e->exists)
        return NULL;
    if (git_blob_lookup(&blob, m->git, &e->id) < 0) {
        *bad = true;
        return NULL;
    }
    db_err ignored;
    cJSON *json = codec_parse_json(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
                                   path, &ignored);
    git_blob_free(blob);
    if (!json || !cJSON_IsObject(json))
        *bad = true;
    return json;
}

static void json_three_free(json_three *j)
{
    cJSON_Delete(j->base);
    cJSON_Delete(j->ours);
    cJSON_Delete(j->theirs);
}

/* Canonical text of a valid deal stored at path, else NULL. */
static char *canonical_deal(const cJSON *json, const char *path)
{
    char *text = json_print_canonical(json);
    deal d;
    db_err err;
    char *out = NULL;
    const char *name = strrchr(path, '/') + 1;
    if (text && codec_parse_deal(text, strlen(text), path, &d, &err) == 0) {
        if (strlen(d.id) == strlen(name) - 5 && strncmp(d.id, name, strlen(d.id)) == 0)
            out = codec_format_deal(&d);
        deal_free(&d);
    }
    free(text);
    return out;
}

static char *canonical_pipeline(const cJSON *json)
{
    char *text = json_print_canonical(json), *warnings = NULL;
    pipeline_cfg cfg;
    db_err err;
    if (!text)
        return NULL;
    /* A failed parse leaves the defaults in cfg: freed either way. */
    if (config_parse(text, strlen(text), "pipeline.json", &cfg, &warnings, &err) != 0) {
        free(text);
        text = NULL;
    }
    config_free(&cfg);
    free(warnings);
    return text;
}

static char *canonical(const cJSON *json, const char *path)
{
    return merge_is_deal_path(path) ? canonical_deal(json, path) : canonical_pipeline(json);
}

static bool later_is_theirs(const json_merge_side *o, const json_merge_side *t)
{
    if (o->time != t->time)
        return t->time > o->time;
    return strcmp(t->author ? t->author : "", o->author ? o->author : "") > 0;
}

/* The losing version, whole, as a conflict entry in the winner: a deal's log or
 * pipeline.json's "conflicts" (json_merge's lists, created if absent). */
static void record_whole(cJSON *winner, const cJSON *loser, const json_merge_side *ws,
                         const json_merge_side *ls, const char *path)
{
    bool deal = merge_is_deal_path(path);
    const char *key = json_merge_list_key(deal ? JSON_MERGE_DEAL_LOG : JSON_MERGE_PIPELINE);
    const char *what = deal ? "deal" : "pipeline.json";
    cJSON *list = cJSON_GetObjectItemCaseSensitive(winner, key);
    if (!list)
        list = cJSON_AddArrayToObject(winner, key);
    if (!cJSON_IsArray(list))
        return;
    char *text = cJSON_PrintUnformatted(loser), at[TIMESTAMP_LEN], id[16];
    uint64_t h = 14695981039346656037ULL;
    for (const char *p = text; p && *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    snprintf(id, sizeof id, "w%012llx", (unsigned long long)(h & 0xFFFFFFFFFFFFULL));
    timestamp_format(ws->time > ls->time ? ws->time : ls->time, at);
    char *words = xasprintf("whole %s: kept the version by %s; the merged version was not a "
                            "valid %s, the other version (by %s) was: %s", what,
                            ws->author ? ws->author : "unknown", what,
                            ls->author ? ls->author : "unknown", text ? text : "");
    cJSON *entry = json_merge_conflict_entry(id, at, words);
    if (entry)
        cJSON_AddItemToArray(list, entry);
    free(words);
    cJSON_free(text);
}

/* The merged file did not validate: keep the later side whole and the other side
 * whole in a conflict entry, so that nothing is dropped. */
static char *keep_later_whole(const json_three *j, const json_merge_side *os,
                              const json_merge_side *ts, const char *path)
{
    bool theirs = j->theirs && (!j->ours || later_is_theirs(os, ts));
    cJSON *winner = cJSON_Duplicate(theirs ? j->theirs : j->ours, 1);
    const cJSON *loser = theirs ? j->ours : j->theirs;
    if (loser)
        record_whole(winner, loser, theirs ? ts : os, theirs ? os : ts, path);
    char *out = canonical(winner, path);
    if (!out)
        out = json_print_canonical(winner);
    cJSON_Delete(winner);
    return out;
}

/* Writes the merged file (NULL: removed), counting its conflicts. */
static int put_merged(merge_ctx *m, const change *o, const change *t, const json_three *j,
                      const json_merge_side *os, const json_merge_side *ts, const cJSON *merged,
                      int conflicts)
{
    const char *path = o->path;
    if (!merged) {
        side_entry gone = {false, {{0}}, 0};
        return index_put(m, path, &gone);
    }
    char *text = canonical(merged, path);
    if (!text) {
        text = keep_later_whole(j, os, ts, path);
        conflicts++;
    }
    m->st->conflicts += conflicts;
    if (!merge_is_deal_path(path))
        m->st->pipeline_conflicts += conflicts;
    uint32_t mode = o->side.exists ? o->side.mode : t->side.mode;
    int rc = index_put_text(m, path, text, strlen(text), mode);
    free(text);
    return rc;
}

/* Returns 0 when merged, 1 when a side is not a JSON object (merge it as text). */
static int merge_json(merge_ctx *m, const change *o, const change *t)
{
    const char *path = o->path;
    bool bad = false;
    json_three j = {load_json(m, &o->base, path, &bad), load_json(m, &o->side, path, &bad),
                    load_json(m, &t->side, path, &bad)};
    if (bad) {
        json_three_free(&j);
        return 1;
    }
    json_merge_side os, ts;
    strbuf oa = {0}, ta = {0};
    last_change(m, m->ours, path, &os, &oa);
    last_change(m, m->theirs, path, &ts, &ta);
    cJSON *merged = NULL;
    json_merge_stats stats = {0, JSON_MERGE_KEPT};
    json_merge_record record = merge_is_deal_path(path) ? JSON_MERGE_DEAL_LOG
                                                        : JSON_MERGE_PIPELINE;
    int rc = json_merge3(j.base, j.ours, j.theirs, &os, &ts, record, &merged, &stats) < 0
                 ? db_fail(m->err, DB_EIO, "%s: merge: out of memory", path)
                 : put_merged(m, o, t, &j, &os, &ts, merged, stats.conflicts);
    cJSON_Delete(merged);
    json_three_free(&j);
    sb_free(&oa);
    sb_free(&ta);
    return rc;
}

/* ---- git's line merge for other files --------------------------------- */

static int blob_input(merge_ctx *m, const side_entry *e, const char *path, git_blob **blob,
                      git_merge_file_input *in)
{
    if (!e->exists)
        return 0;
    if (git_blob_lookup(blob, m->git, &e->id) < 0)
        return gitu_fail(m->err, DB_EIO, path);
    in->ptr = git_blob_rawcontent(*blob);
    in->size = (size_t)git_blob_rawsize(*blob);
    in->path = path;
    in->mode = e->mode;
    return 0;
}

static void unresolved(merge_ctx *m, const char *path)
{
    sb_printf(&m->st->unresolved, "%s%s", m->st->unresolved.len ? ", " : "", path);
}

static int merge_text(merge_ctx *m, const change *o, const change *t)
{
    const char *path = o->path;
    if (!o->side.exists || !t->side.exists) {     /* changed here, deleted there */
        unresolved(m, path);
        return 0;
    }
    git_merge_file_input in[3];
    for (int i = 0; i < 3; i++)
        git_merge_file_input_init(&in[i], GIT_MERGE_FILE_INPUT_VERSION);
    git_blob *blobs[3] = {NULL, NULL, NULL};
    git_merge_file_result res;
    memset(&res, 0, sizeof res);
    int rc = blob_input(m, &o->base, path, &blobs[0], &in[0]);
    if (!rc)
        rc = blob_input(m, &o->side, path, &blobs[1], &in[1]);
    if (!rc)
        rc = blob_input(m, &t->side, path, &blobs[2], &in[2]);
    if (!rc && git_merge_file(&res, &in[0], &in[1], &in[2], NULL) < 0)
        rc = gitu_fail(m->err, DB_EIO, path);
    if (!rc && res.automergeable)
        rc = index_put_text(m, path, res.ptr, res.len, res.mode);
    else if (!rc)
        unresolved(m, path);
    git_merge_file_result_free(&res);
    for (int i = 0; i < 3; i++)
        git_blob_free(blobs[i]);
    return rc;
}

/* ---- the merge -------------------------------------------------------- */

static bool same_entry(const side_entry *a, const side_entry *b)
{
    return a->exists == b->exists && (!a->exists || (git_oid_equal(&a->id, &b->id) &&
                                                     a->mode == b->mode));
}

static int merge_path(merge_ctx *m, const change *o, const change *t)
{
    if (same_entry(&o->side, &t->side))
        return 0;                                 /* both made the same change */
    m->st->merged++;
    if (merge_is_json_path(o->path)) {
        int rc = merge_json(m, o, t);
        if (rc <= 0)
            return rc;
    }
    return merge_text(m, o, t);
}

static int merge_changes(merge_ctx *m, const change_list *ours, const change_list *theirs)
{
    int rc = 0;
    for (size_t i = 0; i < theirs->n && !rc; i++) {
        const change *t = &theirs->items[i];
        const change *o = find_change(ours, t->path);
        if (merge_is_deal_path(t->path))
            m->st->deals++;
        else
            m->st->files++;
        rc = o ? merge_path(m, o, t) : index_put(m, t->path, &t->side);
    }
    return rc;
}

static int tree_of(git_repository *git, const git_oid *commit_id, git_tree **tree, db_err *err)
{
    git_commit *c = NULL;
    *tree = NULL;
    if (!commit_id)
        return 0;
    int rc = git_commit_lookup(&c, git, commit_id) < 0 || git_commit_tree(tree, c) < 0
                 ? gitu_fail(err, DB_EIO, "reading a commit") : 0;
    git_commit_free(c);
    return rc;
}

int merge_tree_commits(git_repository *git, git_commit *ours, git_commit *theirs,
                       git_oid *tree_out, merge_tree_stats *st, db_err *err)
{
    git_oid base_id;
    int found = git_merge_base(&base_id, git, git_commit_id(ours), git_commit_id(theirs));
    if (found < 0 && found != GIT_ENOTFOUND)
        return gitu_fail(err, DB_EIO, "finding the common ancestor");
    merge_ctx m = {git, ours, theirs, found == 0 ? &base_id : NULL, NULL, NULL, 0, 0, st, err};
    git_tree *base = NULL, *ot = NULL, *tt = NULL;
    treediff_list od = {0}, td = {0};
    change_list oc = {0}, tc = {0};
    int rc = tree_of(git, m.base, &base, err);
    if (!rc && (git_commit_tree(&ot, ours) < 0 || git_commit_tree(&tt, theirs) < 0))
        rc = gitu_fail(err, DB_EIO, "reading a commit's tree");
    if (!rc)
        rc = collect(git, base, ot, &od, &oc, err);
    if (!rc)
        rc = collect(git, base, tt, &td, &tc, err);
    m.ours_tree = ot;
    if (!rc)
        rc = merge_changes(&m, &oc, &tc);
    if (!rc && st->unresolved.len)
        rc = db_fail(err, DB_ECONFLICT, "changed here and by a teammate in the same place: %s",
                     st->unresolved.data);
    /* Only the directories on the changed paths are rewritten, not all of them. */
    if (!rc && git_tree_create_updated(tree_out, git, ot, m.nupdates, m.updates) < 0)
        rc = gitu_fail(err, DB_EIO, "writing the merged tree");
    free(m.updates);
    free(oc.items);
    free(tc.items);
    treediff_free(&od);
    treediff_free(&td);
    git_tree_free(base);
    git_tree_free(ot);
    git_tree_free(tt);
    return rc;
}
