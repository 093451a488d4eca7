/* What changed between two commits, grouped by deal, in words (SPEC §6: after a
 * sync a seller sees what teammates did). */
#include "changes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "fsutil.h"
#include "gitutil.h"
#include "merge_tree.h"
#include "sync.h"
#include "sync_internal.h"

/* ---- one deal ------------------------------------------------------------ */

static const char *stage_name(const pipeline_cfg *cfg, const char *id)
{
    const stage_def *s = cfg && id ? config_stage(cfg, id) : NULL;
    return s ? s->name : id ? id : "?";
}

static void emitf(changes_emit_fn emit, void *ud, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void emitf(changes_emit_fn emit, void *ud, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    emit(ud, buf);
}

static const char *day_text(db_day day, char buf[DATE_LEN])
{
    if (day == DAY_NONE)
        return "none";
    date_format(day, buf);
    return buf;
}

static void describe_status(const deal *o, const deal *n, changes_emit_fn emit, void *ud)
{
    if (o->status == n->status)
        return;
    char d[DATE_LEN];
    switch (n->status) {
    case STATUS_WON: emit(ud, "won"); break;
    case STATUS_LOST: emit(ud, "lost"); break;
    case STATUS_MOVED_ON:
        if (n->revisit != DAY_NONE)
            emitf(emit, ud, "moved on: %s (revisit %s)",
                  str_empty(n->moved_on_reason) ? "no reason given" : n->moved_on_reason,
                  day_text(n->revisit, d));
        else
            emitf(emit, ud, "moved on: %s",
                  str_empty(n->moved_on_reason) ? "no reason given" : n->moved_on_reason);
        break;
    default: emitf(emit, ud, "reopened (was %s)", deal_status_name(o->status)); break;
    }
}

static void describe_close(const deal *o, const deal *n, changes_emit_fn emit, void *ud)
{
    if (o->close_date == n->close_date)
        return;
    char a[DATE_LEN], b[DATE_LEN];
    if (o->close_date == DAY_NONE)
        emitf(emit, ud, "close date set to %s", day_text(n->close_date, b));
    else if (n->close_date == DAY_NONE)
        emitf(emit, ud, "close date cleared (was %s)", day_text(o->close_date, a));
    else if (n->close_date > o->close_date)
        emitf(emit, ud, "close date pushed from %s to %s", day_text(o->close_date, a),
              day_text(n->close_date, b));
    else
        emitf(emit, ud, "close date pulled in from %s to %s", day_text(o->close_date, a),
              day_text(n->close_date, b));
}

/* "Overdue" is news only when this change made it so: the next step was set or
 * changed to a date already past, or the deal was reopened with a past-due step.
 * A step that was overdue before and is untouched is not repeated on every sync
 * that edits some other field of the deal (the board flags it). */
static void describe_next(const deal *o, const deal *n, db_day today, changes_emit_fn emit,
                          void *ud)
{
    char d[DATE_LEN];
    bool had = o && deal_has_next_step(o), has = deal_has_next_step(n);
    bool changed = has && (!had || !str_eq(o->next_text, n->next_text) ||
                           o->next_due != n->next_due);
    bool reopened = o && !deal_is_open(o) && deal_is_open(n);
    if (had && !has) {
        emitf(emit, ud, "next step removed (was: %s)", o->next_text);
    } else if (changed) {
        if (n->next_due != DAY_NONE)
            emitf(emit, ud, "next step: %s (due %s)", n->next_text, day_text(n->next_due, d));
        else
            emitf(emit, ud, "next step: %s", n->next_text);
    }
    if ((changed || reopened) && deal_is_open(n) && n->next_due != DAY_NONE &&
        n->next_due < today)
        emitf(emit, ud, "next step overdue since %s: %s", day_text(n->next_due, d),
              n->next_text);
}

static bool has_log_id(const deal *d, const char *id)
{
    for (size_t i = 0; d && i < d->nlog; i++)
        if (str_eq(d->log[i].id, id))
            return true;
    return false;
}

static void describe_log(const deal *o, const deal *n, changes_emit_fn emit, void *ud)
{
    int notes = 0, touches = 0;
    for (size_t i = 0; i < n->nlog; i++) {
        const log_entry *e = &n->log[i];
        if (has_log_id(o, e->id))
            continue;
        if (str_eq(e->kind, "conflict"))
            emitf(emit, ud, "conflict recorded: %s", e->text ? e->text : "");
        else if (str_eq(e->kind, "note"))
            notes++;
        else if (str_eq(e->kind, "touch"))
            touches++;
        else if (str_eq(e->kind, "plan"))     /* "plan: done buyer step p3f2a1c …" */
            emitf(emit, ud, "plan: %s", e->text ? e->text : "");
        else if (str_eq(e->kind, "people"))   /* "people: added champion h3f2a1c …" */
            emitf(emit, ud, "people: %s", e->text ? e->text : "");
    }
    if (notes)
        emitf(emit, ud, "%d note%s added", notes, notes == 1 ? "" : "s");
    if (touches)
        emitf(emit, ud, "%d touch%s logged", touches, touches == 1 ? "" : "es");
}

void changes_describe(const deal *o, const deal *n, const pipeline_cfg *cfg, db_day today,
                      changes_emit_fn emit, void *ud)
{
    if (!n) {
        emit(ud, "deal removed");
        return;
    }
    if (!o) {
        emitf(emit, ud, "new deal in %s, value %lld, owner %s", stage_name(cfg, n->stage),
              (long long)n->value, str_empty(n->owner) ? "nobody" : n->owner);
        describe_next(NULL, n, today, emit, ud);
        return;
    }
    if (!str_eq(o->stage, n->stage))
        emitf(emit, ud, "moved %s → %s", stage_name(cfg, o->stage), stage_name(cfg, n->stage));
    describe_status(o, n, emit, ud);
    describe_close(o, n, emit, ud);
    if (o->value != n->value)
        emitf(emit, ud, "value %lld → %lld", (long long)o->value, (long long)n->value);
    if (!str_eq(o->owner, n->owner))
        emitf(emit, ud, "owner %s → %s", str_empty(o->owner) ? "nobody" : o->owner,
              str_empty(n->owner) ? "nobody" : n->owner);
    describe_next(o, n, today, emit, ud);
    describe_log(o, n, emit, ud);
}

/* ---- pipeline.json's conflicts ------------------------------------------------ */

static const char *entry_text(const cJSON *entry, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(entry, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *conflict_list(const cJSON *pipeline)
{
    const cJSON *list = cJSON_IsObject(pipeline)
                            ? cJSON_GetObjectItemCaseSensitive(pipeline, "conflicts") : NULL;
    return cJSON_IsArray(list) ? list : NULL;
}

static bool lists_id(const cJSON *list, const char *id)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list)
        if (str_eq(entry_text(e, "id"), id))
            return true;
    return false;
}

int changes_pipeline_conflicts(const cJSON *old, const cJSON *now, changes_emit_fn emit,
                               void *ud)
{
    const cJSON *before = conflict_list(old), *e;
    int n = 0;
    cJSON_ArrayForEach(e, conflict_list(now)) {
        const char *id = entry_text(e, "id"), *text = entry_text(e, "text");
        if (!text || (id && lists_id(before, id)))
            continue;
        emit(ud, text);
        n++;
    }
    return n;
}

int changes_open_conflicts(const char *root, changes_emit_fn emit, void *ud)
{
    char *path = fs_join(root, "pipeline.json"), *text = NULL;
    size_t len = 0;
    db_err err;
    cJSON *json = fs_read_file(path, &text, &len, &err) == 0
                      ? codec_parse_json(text, len, "pipeline.json", &err) : NULL;
    int n = changes_pipeline_conflicts(NULL, json, emit, ud);
    cJSON_Delete(json);
    free(text);
    free(path);
    return n;
}

/* ---- two commits ----------------------------------------------------------- */

static int resolve(git_repository *git, const char *rev, git_commit **out, db_err *err)
{
    git_object *obj = NULL, *peeled = NULL;
    int rc = 0;
    if (git_revparse_single(&obj, git, rev) < 0 ||
        git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0)
        rc = gitu_fail(err, DB_EUSAGE, rev);
    else
        *out = (git_commit *)peeled;
    git_object_free(obj);
    return rc;
}

/* Midnight, local time, at the start of day. */
static int64_t day_start(db_day day)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
    return (int64_t)mktime(&tm);
}

/* The newest commit on HEAD's first-parent line committed before `day`, so
 * that the comparison covers the commits made on or after it; NULL when
 * there is none (everything is compared with an empty pipeline). */
static int resolve_day(git_repository *git, db_day day, git_commit **out, db_err *err)
{
    int64_t start = day_start(day);
    git_commit *c = NULL;
    int rc = resolve(git, "HEAD", &c, err);
    while (!rc && c && git_commit_time(c) >= start) {
        git_commit *parent = NULL;
        if (git_commit_parentcount(c) > 0 && git_commit_parent(&parent, c, 0) < 0)
            rc = gitu_fail(err, DB_EIO, "reading the history");
        git_commit_free(c);
        c = parent;
    }
    *out = c;
    return rc;
}

/* --since: a date YYYY-MM-DD (tried first: tags are rarely named like one) or a revision. */
static int resolve_since(git_repository *git, const char *rev, git_commit **out, db_err *err)
{
    db_day day;
    if (date_parse(rev, &day))
        return resolve_day(git, day, out, err);
    if (resolve(git, rev, out, err) == 0)
        return 0;
    return db_fail(err, DB_EUSAGE, "changes: --since '%s' is neither a date YYYY-MM-DD nor a "
                                   "commit (an id, a branch, a tag, HEAD~N)", rev);
}

/* The deal at a blob, or false (absent or broken: *why says so). */
static bool load_deal(git_repository *git, const git_diff_file *f, bool exists, const char *path,
                      deal *out, char *why, size_t whylen)
{
    git_blob *blob = NULL;
    db_err err;
    if (!exists)
        return false;
    if (git_blob_lookup(&blob, git, &f->id) < 0) {
        snprintf(why, whylen, "cannot read %s", path);
        return false;
    }
    int rc = codec_parse_deal(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), path, out,
                              &err);
    git_blob_free(blob);
    if (rc)
        snprintf(why, whylen, "%s", err.msg);
    return rc == 0;
}

typedef struct {
    sync_change_fn fn;
    void *ud;
    const char *id, *title;
} emit_ctx;

static void emit_line(void *ud, const char *words)
{
    emit_ctx *e = ud;
    e->fn(e->ud, e->id, e->title, words);
}

static void describe_delta(git_repository *git, const git_diff_delta *d, const pipeline_cfg *cfg,
                           db_day today, sync_change_fn fn, void *ud)
{
    const char *path = d->new_file.path ? d->new_file.path : d->old_file.path;
    if (!merge_is_deal_path(path))
        return;
    char id[64], why[1024] = "";
    const char *name = strrchr(path, '/') + 1;
    snprintf(id, sizeof id, "%.*s", (int)(strlen(name) - 5), name);
    deal o, n;
    bool has_o = load_deal(git, &d->old_file, d->status != GIT_DELTA_ADDED, path, &o, why,
                           sizeof why);
    bool has_n = load_deal(git, &d->new_file, d->status != GIT_DELTA_DELETED, path, &n, why,
                           sizeof why);
    emit_ctx e = {fn, ud, id, has_n ? n.title : has_o ? o.title : id};
    if (why[0])
        emitf(emit_line, &e, "not a valid deal file: %s", why);
    else
        changes_describe(has_o ? &o : NULL, has_n ? &n : NULL, cfg, today, emit_line, &e);
    if (has_o)
        deal_free(&o);
    if (has_n)
        deal_free(&n);
}

static cJSON *pipeline_at(git_repository *git, git_commit *commit)
{
    git_tree *tree = NULL;
    git_tree_entry *entry = NULL;
    git_blob *blob = NULL;
    cJSON *json = NULL;
    db_err ignored;
    if (commit && git_commit_tree(&tree, commit) == 0 &&
        git_tree_entry_bypath(&entry, tree, "pipeline.json") == 0 &&
        git_blob_lookup(&blob, git, git_tree_entry_id(entry)) == 0)
        json = codec_parse_json(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
                                "pipeline.json", &ignored);
    git_blob_free(blob);
    git_tree_entry_free(entry);
    git_tree_free(tree);
    return json;
}

static void emit_conflict(void *ud, const char *text)
{
    char *words = xasprintf("conflict recorded: %s", text);
    emit_line(ud, words);
    free(words);
}

/* A deal's conflicts are in its log; pipeline.json's only in its own list, so the
 * report says where they stay and who lists them. */
static void describe_pipeline(git_repository *git, git_commit *a, git_commit *b,
                              sync_change_fn fn, void *ud)
{
    cJSON *old = pipeline_at(git, a), *now = pipeline_at(git, b);
    emit_ctx e = {fn, ud, "pipeline.json", "Pipeline settings"};
    if (changes_pipeline_conflicts(old, now, emit_conflict, &e) > 0)
        emit_line(&e, "kept in pipeline.json \"conflicts\" until settled: see dealboard doctor");
    cJSON_Delete(old);
    cJSON_Delete(now);
}

static int diff_commits(git_repository *git, git_commit *a, git_commit *b, git_diff **diff,
                        db_err *err)
{
    git_tree *ta = NULL, *tb = NULL;
    git_diff_options opts;
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    char *spec = "deals";
    opts.pathspec.strings = &spec;
    opts.pathspec.count = 1;
    int rc = (a && git_commit_tree(&ta, a) < 0) || git_commit_tree(&tb, b) < 0 ||
                     git_diff_tree_to_tree(diff, git, ta, tb, &opts) < 0
                 ? gitu_fail(err, DB_EIO, "comparing commits") : 0;
    git_tree_free(ta);
    git_tree_free(tb);
    return rc;
}

int sync_changes(db_repo *repo, const char *old_rev, const char *new_rev, sync_change_fn fn,
                 void *ud, db_err *err)
{
    git_repository *git = repo_git(repo);
    git_oid probe;
    if (!old_rev && git_reference_name_to_id(&probe, git, SYNC_REF_START) < 0)
        return db_fail(err, DB_EUSAGE, "changes: no sync has brought in teammates' changes "
                                       "yet (use --since DATE or --since REV for the changes "
                                       "since a day or a commit)");
    const char *from = old_rev ? old_rev : SYNC_REF_START;
    const char *to = new_rev ? new_rev : old_rev ? "HEAD" : SYNC_REF_END;
    git_commit *a = NULL, *b = NULL;
    git_diff *diff = NULL;
    db_day today;
    if (!date_today(&today))
        today = DAY_NONE;
    int rc = old_rev ? resolve_since(git, from, &a, err) : resolve(git, from, &a, err);
    if (!rc)
        rc = resolve(git, to, &b, err);
    if (!rc) /* first: sync's report names only the first deals */
        describe_pipeline(git, a, b, fn, ud);
    if (!rc)
        rc = diff_commits(git, a, b, &diff, err);
    for (size_t i = 0; !rc && i < git_diff_num_deltas(diff); i++)
        describe_delta(git, git_diff_get_delta(diff, i), repo_config(repo), today, fn, ud);
    git_diff_free(diff);
    git_commit_free(a);
    git_commit_free(b);
    return rc;
}
