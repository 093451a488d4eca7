/* Recovery of a change that a killed or crashed dealboard left half done.
 *
 * A change is written in this order: temp file, rename over the deal file,
 * index, commit. A process killed between the rename and the commit leaves a
 * deal file that differs from HEAD (and maybe a staged index); one killed
 * before the rename leaves a "*.tmp-XXXXXX" file. Before it writes anything,
 * a change records its paths in .git/dealboard-pending and removes that file
 * once committed, so a leftover marker is the proof of an interrupted change
 * (and without one, recovery costs one failed open). Whoever takes the lock
 * next (repo_lock calls repo_recover) finishes the job for the marked paths:
 * temp files are removed, and files that differ from HEAD are committed as
 * "Recover interrupted change" — when they parse. A file that does not parse
 * was not written by dealboard (writes are atomic): it is left alone for the
 * user, and `dealboard doctor` names it. Hand edits without a marker are the
 * user's: `sync` commits them as pending changes, nothing else touches them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../pipeline/text.h"
#include "codec.h"
#include "config_load.h"
#include "fsutil.h"
#include "gitutil.h"
#include "repo_internal.h"

typedef struct {
    repo_change *items;
    char **texts;
    size_t count;
    strbuf paths;          /* for the commit message */
} recovery;

/* "deals/<xx>/<id>.json.tmp-XXXXXX" or "pipeline.json.tmp-XXXXXX". */
static bool is_temp_file(const char *path)
{
    const char *tmp = strstr(path, ".json.tmp-");
    return tmp && strlen(tmp) == strlen(".json.tmp-XXXXXX") &&
           (str_has_prefix(path, "deals/") || str_has_prefix(path, "pipeline.json"));
}

/* deals/<xx>/<id>.json with a valid id in the right shard. */
static bool is_deal_path(const char *path)
{
    char id[ID_MAX + 8];
    size_t n = strlen(path);
    if (!str_has_prefix(path, "deals/") || n < 16 || n - 14 > ID_MAX ||
        strcmp(path + n - 5, ".json") != 0 || path[8] != '/')
        return false;
    memcpy(id, path + 9, n - 14);
    id[n - 14] = '\0';
    size_t idlen = strlen(id);
    return text_valid_id(id) && memcmp(id + idlen - 2, path + 6, 2) == 0;
}

/* True when text is what dealboard would have written at path. */
static bool parses(const char *path, const char *text, size_t len)
{
    db_err err;
    if (strcmp(path, "pipeline.json") == 0) {
        pipeline_cfg cfg;
        int rc = config_parse(text, len, path, &cfg, NULL, &err);
        config_free(&cfg);
        return rc == 0;
    }
    deal d;
    if (codec_parse_deal(text, len, path, &d, &err) != 0)
        return false;
    size_t n = strlen(path);
    bool ok = strlen(d.id) == n - 14 && strncmp(d.id, path + 9, n - 14) == 0;
    deal_free(&d);
    return ok;
}

static void add_change(recovery *r, const char *path, char *text, size_t len)
{
    r->items = xrealloc(r->items, (r->count + 1) * sizeof *r->items);
    r->texts = xrealloc(r->texts, (r->count + 1) * sizeof *r->texts);
    r->items[r->count] = (repo_change){xstrdup(path), text, len};
    r->texts[r->count++] = text;
    sb_printf(&r->paths, "\n%s%s", path, text ? "" : " (deleted)");
}

/* One path that differs from HEAD: take it into the recovery commit or not. */
static void consider(db_repo *repo, const char *path, recovery *r)
{
    char *full = fs_join(repo->root, path), *text = NULL;
    size_t len = 0;
    db_err err;
    if (is_temp_file(path)) {
        fs_unlink_durable(full, &err);
    } else if (strcmp(path, "pipeline.json") != 0 && !is_deal_path(path)) {
        /* not ours: leave it */
    } else if (access(full, F_OK) != 0) {
        add_change(r, path, NULL, 0);             /* a deletion (undo of an add) */
    } else if (fs_read_file(full, &text, &len, &err) == 0 && parses(path, text, len)) {
        add_change(r, path, text, len);
        text = NULL;
    }
    free(text);
    free(full);
}

static const char *status_path(const git_status_entry *e)
{
    if (e->index_to_workdir && e->index_to_workdir->new_file.path)
        return e->index_to_workdir->new_file.path;
    if (e->head_to_index && e->head_to_index->new_file.path)
        return e->head_to_index->new_file.path;
    return NULL;
}

char *repo_pending_marker(db_repo *repo)
{
    return fs_join(git_repository_path(repo->git), "dealboard-pending");
}

/* The marker's paths as status pathspecs ("path*" also matches its temp files). */
static size_t read_marker(db_repo *repo, char ***specs)
{
    char *path = repo_pending_marker(repo), *text = NULL;
    size_t len = 0, n = 0;
    db_err ignored;
    *specs = NULL;
    if (fs_read_file(path, &text, &len, &ignored) == 0) {
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            *specs = xrealloc(*specs, (n + 1) * sizeof **specs);
            (*specs)[n++] = xasprintf("%s*", line);
        }
    }
    free(text);
    free(path);
    return n;
}

static int collect(db_repo *repo, char **specs, size_t nspecs, recovery *r, db_err *err)
{
    git_status_options opts;
    git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                 GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    opts.pathspec.strings = specs;
    opts.pathspec.count = nspecs;
    git_status_list *list = NULL;
    if (git_status_list_new(&list, repo->git, &opts) < 0)
        return git_fail(err, DB_EIO, "checking for an interrupted change");
    for (size_t i = 0; i < git_status_list_entrycount(list); i++) {
        const char *path = status_path(git_status_byindex(list, i));
        if (path)
            consider(repo, path, r);
    }
    git_status_list_free(list);
    return 0;
}

static void recovery_free(recovery *r)
{
    for (size_t i = 0; i < r->count; i++) {
        free((char *)r->items[i].relpath);
        free(r->texts[i]);
    }
    free(r->items);
    free(r->texts);
    sb_free(&r->paths);
}

/* The file as HEAD has it, or removed when HEAD does not have it. */
static void restore_one(db_repo *repo, git_tree *head, git_index *index, const char *relpath)
{
    git_tree_entry *entry = NULL;
    git_blob *blob = NULL;
    char *path = fs_join(repo->root, relpath);
    db_err err;
    if (fs_check_dirs(repo->root, relpath, &err) != 0) {
        /* never through a symlink */
    } else if (head && git_tree_entry_bypath(&entry, head, relpath) == 0 &&
               git_blob_lookup(&blob, repo->git, git_tree_entry_id(entry)) == 0) {
        if (fs_write_atomic(path, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
                            0666, &err) == 0)
            git_index_add_bypath(index, relpath);
    } else if (!entry && fs_unlink_durable(path, &err) == 0) {
        git_index_remove_bypath(index, relpath);
    }
    git_blob_free(blob);
    git_tree_entry_free(entry);
    free(path);
}

void repo_restore_head(db_repo *repo, const repo_change *changes, size_t n)
{
    git_commit *commit = NULL;
    git_tree *head = NULL;
    git_index *index = NULL;
    git_oid oid;
    if (git_reference_name_to_id(&oid, repo->git, "HEAD") == 0 &&
        git_commit_lookup(&commit, repo->git, &oid) == 0)
        git_commit_tree(&head, commit);
    if (git_repository_index(&index, repo->git) == 0 && git_index_read(index, 1) == 0) {
        for (size_t i = 0; i < n; i++)
            restore_one(repo, head, index, changes[i].relpath);
        git_index_write(index);
    }
    git_index_free(index);
    git_tree_free(head);
    git_commit_free(commit);
}

/* This process's own marker while its index entries wait (store/commit.c):
 * nothing was interrupted, and its flush will write them. */
bool repo_marker_is_own(db_repo *repo)
{
    struct stat st;
    char *marker = repo_pending_marker(repo);
    bool own = repo->nindex_pending && lstat(marker, &st) == 0 &&
               st.st_ino == repo->marker_stat.st_ino && st.st_dev == repo->marker_stat.st_dev &&
               st.st_size == repo->marker_stat.st_size &&
               st.st_mtim.tv_sec == repo->marker_stat.st_mtim.tv_sec &&
               st.st_mtim.tv_nsec == repo->marker_stat.st_mtim.tv_nsec;
    free(marker);
    return own;
}

int repo_recover(db_repo *repo, db_err *err)
{
    if (repo_marker_is_own(repo))
        return 0;
    char **specs = NULL;
    size_t nspecs = read_marker(repo, &specs);
    /* No marker: no change was interrupted. No commit yet: init's files. */
    if (!nspecs || !git_repository_workdir(repo->git) || git_repository_head_unborn(repo->git) != 0) {
        for (size_t i = 0; i < nspecs; i++)
            free(specs[i]);
        free(specs);
        return 0;
    }
    recovery r = {0};
    int rc = collect(repo, specs, nspecs, &r, err);
    if (!rc && r.count) {
        char *message = xasprintf("Recover interrupted change\n\nThese files differed from the "
                                  "last commit when dealboard took the lock:\n%s",
                                  r.paths.data);
        rc = repo_commit_changes(repo, r.items, r.count, message, err);
        free(message);
    }
    if (!rc) {                            /* finished (or nothing was left to do) */
        char *marker = repo_pending_marker(repo);
        unlink(marker);
        free(marker);
    }
    recovery_free(&r);
    for (size_t i = 0; i < nspecs; i++)
        free(specs[i]);
    free(specs);
    return rc;
}
