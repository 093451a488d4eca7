/* Time travel (SPEC §8): the repository as it stood at the end of a past
 * day. Its pipeline.json and deals are read from the blobs of one commit's
 * tree, never from the work tree or the load cache (both are of today:
 * nothing after the day may leak in), with the codec the work tree's files
 * go through and the layout rules of store/deal_files.h. A travelled
 * repository is read-only: repo_lock refuses, so no commit, undo or sync. */
#include <stdlib.h>
#include <string.h>

#include "../pipeline/date.h"
#include "../pipeline/text.h"
#include "config_load.h"
#include "deal_files.h"
#include "fsutil.h"
#include "gitutil.h"
#include "repo_internal.h"

struct as_of_state {
    repo_as_of_info info;
    git_oid commit;
    git_tree *tree;
};

const repo_as_of_info *repo_as_of(const db_repo *repo)
{
    return repo->past ? &repo->past->info : NULL;
}

const git_oid *as_of_commit(const db_repo *repo) { return &repo->past->commit; }

void as_of_free(db_repo *repo)
{
    if (!repo->past)
        return;
    git_tree_free(repo->past->tree);
    free(repo->past);
    repo->past = NULL;
}

int as_of_refuse(const db_repo *repo, db_err *err)
{
    char day[DATE_LEN];
    date_format(repo->past->info.day, day);
    return db_fail(err, DB_EUSAGE, "read-only: as of %s (the pipeline of a past day changes "
                   "nothing; run without --as-of to change it)", day);
}

/* ---- which commit ------------------------------------------------------ */

static void commit_day(const git_commit *c, char out[DATE_LEN])
{
    date_format(date_of_time((int64_t)git_commit_time(c)), out);
}

/* The walk could go no further back than `oldest`: why, in words, and what
 * to do. */
static int no_earlier(git_repository *git, const git_commit *oldest, const char *day,
                      db_err *err)
{
    char first[DATE_LEN];
    commit_day(oldest, first);
    if (git_commit_parentcount(oldest) == 0)
        return db_fail(err, DB_EUSAGE,
                       "as of %s: the pipeline's history starts on %s (its first commit): "
                       "give --as-of a date from %s on", day, first, first);
    if (git_repository_is_shallow(git) == 1)
        return db_fail(err, DB_EUSAGE,
                       "as of %s: this clone is shallow and its history starts on %s: fetch "
                       "the rest with 'git fetch --unshallow', then try again", day, first);
    char id[GIT_OID_HEXSZ + 1];
    git_oid_tostr(id, sizeof id, git_commit_id(oldest));
    git_error_clear();
    return db_fail(err, DB_EIO, "as of %s: the parent of commit %.10s cannot be read (run "
                   "'git fsck' to see what is missing)", day, id);
}

/* The last commit of HEAD's first-parent line committed on or before
 * `cutoff` (a Unix time): the line is the branch as it was at each moment;
 * the commits a merge brought in had not reached it before the merge. */
static int find_commit(git_repository *git, int64_t cutoff, const char *day, git_commit **out,
                       db_err *err)
{
    git_oid oid;
    git_commit *c = NULL;
    if (git_reference_name_to_id(&oid, git, "HEAD") < 0 || git_commit_lookup(&c, git, &oid) < 0) {
        git_error_clear();
        return db_fail(err, DB_EUSAGE, "as of %s: the repository has no commits yet", day);
    }
    while ((int64_t)git_commit_time(c) > cutoff) {
        git_commit *parent = NULL;
        if (git_commit_parentcount(c) == 0 || git_commit_parent(&parent, c, 0) < 0) {
            int rc = no_earlier(git, c, day, err);
            git_commit_free(c);
            return rc;
        }
        git_commit_free(c);
        c = parent;
    }
    *out = c;
    return 0;
}

/* ---- reading the commit's files ------------------------------------------ */

/* The blob at relpath in the past tree, its text in *text (caller frees). */
static int read_blob(db_repo *repo, const char *relpath, const git_tree_entry *entry,
                     char **text, size_t *len, db_err *err)
{
    git_tree_entry *found = NULL;
    if (!entry && git_tree_entry_bypath(&found, repo->past->tree, relpath) < 0) {
        git_error_clear();
        return db_fail(err, DB_EIO, "%s: not there as of this day", relpath);
    }
    const git_tree_entry *e = entry ? entry : found;
    git_filemode_t mode = git_tree_entry_filemode(e);
    git_blob *blob = NULL;
    int rc = 0;
    if (mode == GIT_FILEMODE_LINK)
        rc = db_fail(err, DB_EIO, "%s: is a symbolic link, not followed", relpath);
    else if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)
        rc = db_fail(err, DB_EIO, "%s: not a regular file", relpath);
    else if (git_blob_lookup(&blob, git_tree_owner(repo->past->tree), git_tree_entry_id(e)) < 0)
        rc = gitu_fail(err, DB_EIO, relpath);
    else if (git_blob_rawsize(blob) > FS_MAX_FILE)
        rc = db_fail(err, DB_EIO, "%s: larger than 16 MB", relpath);
    if (!rc) {
        *len = (size_t)git_blob_rawsize(blob);
        *text = xmalloc(*len + 1);
        memcpy(*text, git_blob_rawcontent(blob), *len);
        (*text)[*len] = '\0';
    }
    git_blob_free(blob);
    git_tree_entry_free(found);
    return rc;
}

static int parse_entry(db_repo *repo, const char *relpath, const git_tree_entry *entry,
                       const char *id, deal *out, db_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = read_blob(repo, relpath, entry, &text, &len, err);
    if (!rc)
        rc = repo_parse_file(text, len, relpath, id, out, err);
    free(text);
    return rc;
}

int as_of_load_file(db_repo *repo, const char *relpath, const char *expect_id, deal *out,
                    db_err *err)
{
    return parse_entry(repo, relpath, NULL, expect_id, out, err);
}

typedef struct {
    db_repo *repo;
    deal_list *out;
    bool light;
    repo_problem_fn problem;
    void *pud;
} tree_loader;

static void problem(const tree_loader *l, const char *relpath, const char *why)
{
    if (l->problem)
        l->problem(l->pud, relpath, why);
}

/* One deals/<shard>/<name> entry, as deal_files.c's visit_name takes a file. */
static void load_entry(const tree_loader *l, const char *shard, const git_tree_entry *e)
{
    const char *name = git_tree_entry_name(e);
    char id[ID_MAX + 1];
    if (name[0] == '.' || !deal_files_json_id(name, id))
        return;
    char *rel = xasprintf("deals/%s/%s", shard, name);
    size_t n = strlen(id);
    deal *d = xmalloc(sizeof *d);
    db_err err;
    if (!text_valid_id(id) || strcmp(id + n - 2, shard) != 0) {
        problem(l, rel, DEAL_FILES_BAD_NAME);
        free(d);
    } else if (parse_entry(l->repo, rel, e, id, d, &err) == 0) {
        if (l->light)
            deal_make_light(d);
        deal_list_push(l->out, d);
    } else {
        size_t skip = strlen(rel);       /* "why" without the path, as load.c says it */
        problem(l, rel, strncmp(err.msg, rel, skip) == 0 && err.msg[skip] == ':'
                            ? err.msg + skip + 2 : err.msg);
        free(d);
    }
    free(rel);
}

static void load_shard(const tree_loader *l, const git_tree_entry *e)
{
    const char *name = git_tree_entry_name(e);
    char id[ID_MAX + 1];
    git_tree *shard = NULL;
    if (deal_files_is_shard(name) && git_tree_entry_type(e) == GIT_OBJECT_TREE &&
        git_tree_lookup(&shard, git_tree_owner(l->repo->past->tree), git_tree_entry_id(e)) == 0) {
        for (size_t i = 0; i < git_tree_entrycount(shard); i++)
            load_entry(l, name, git_tree_entry_byindex(shard, i));
        git_tree_free(shard);
        return;
    }
    git_error_clear();
    char *rel = xasprintf("deals/%s", name);
    if (deal_files_json_id(name, id))
        problem(l, rel, DEAL_FILES_NOT_IN_SHARD);
    else if (git_tree_entry_type(e) != GIT_OBJECT_TREE)
        problem(l, rel, DEAL_FILES_NOT_DIR);
    free(rel);
}

void as_of_load_all(db_repo *repo, deal_list *out, bool light, repo_problem_fn fn, void *pud)
{
    tree_loader l = {repo, out, light, fn, pud};
    git_tree_entry *deals = NULL;
    git_tree *top = NULL;
    if (git_tree_entry_bypath(&deals, repo->past->tree, "deals") < 0) {
        git_error_clear();
        return;                                  /* no deals yet that day */
    }
    if (git_tree_entry_type(deals) != GIT_OBJECT_TREE)
        problem(&l, "deals", DEAL_FILES_NOT_DIR);
    else if (git_tree_lookup(&top, repo->git, git_tree_entry_id(deals)) == 0)
        for (size_t i = 0; i < git_tree_entrycount(top); i++) {
            const git_tree_entry *e = git_tree_entry_byindex(top, i);
            if (git_tree_entry_name(e)[0] != '.')
                load_shard(&l, e);
        }
    git_error_clear();
    git_tree_free(top);
    git_tree_entry_free(deals);
}

/* ---- moving the repository ------------------------------------------------ */

/* pipeline.json of the past commit, parsed into repo's configuration. */
static int load_past_config(db_repo *repo, const char *day, db_err *err)
{
    char *text = NULL, *warnings = NULL;
    size_t len = 0;
    pipeline_cfg cfg;
    db_err why;
    if (read_blob(repo, "pipeline.json", NULL, &text, &len, &why))
        return db_fail(err, DB_EUSAGE, "as of %s: %s", day, why.msg);
    int rc = config_parse(text, len, "pipeline.json", &cfg, &warnings, &why);
    free(text);
    if (rc) {
        config_free(&cfg);
        free(warnings);
        return db_fail(err, rc, "as of %s: %s", day, why.msg);
    }
    config_free(&repo->cfg);
    free(repo->warnings);
    repo->cfg = cfg;
    repo->warnings = warnings;
    return 0;
}

int repo_travel(db_repo *repo, db_day day, db_err *err)
{
    char text[DATE_LEN];
    date_format(day, text);
    if (!repo->git)
        return db_fail(err, DB_EUSAGE, "as of %s: %s is not a git repository: it has no "
                       "history", text, repo->root);
    as_of_free(repo);
    git_commit *c = NULL;
    int64_t cutoff = date_local_day_end(day);               /* 23:59:59 local time */
    int rc = find_commit(repo->git, cutoff, text, &c, err);
    if (rc)
        return rc;
    struct as_of_state *past = xcalloc(1, sizeof *past);
    past->info.day = day;
    past->info.commit_time = (int64_t)git_commit_time(c);
    git_oid_cpy(&past->commit, git_commit_id(c));
    git_oid_tostr(past->info.commit, sizeof past->info.commit, git_commit_id(c));
    if (git_commit_tree(&past->tree, c) < 0)
        rc = gitu_fail(err, DB_EIO, "reading the commit's files");
    git_commit_free(c);
    repo->past = past;
    if (!rc)
        rc = load_past_config(repo, text, err);
    if (rc)
        as_of_free(repo);
    return rc;
}
