/* Reading the repository's past: a deal's history, undo, HEAD. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "gitutil.h"
#include "repo_internal.h"
#include "sync_internal.h"

int repo_head(db_repo *repo, char out[41])
{
    git_oid oid;
    out[0] = '\0';
    if (repo->past) {
        git_oid_tostr(out, 41, as_of_commit(repo));
        return 0;
    }
    if (git_reference_name_to_id(&oid, repo->git, "HEAD") < 0)
        return 0;
    git_oid_tostr(out, 41, &oid);
    return 0;
}

static bool changed_in(git_commit *commit, const char *relpath)
{
    git_oid now, before;
    git_commit *parent = NULL;
    bool has_now = gitu_blob_at(commit, relpath, &now);
    bool has_before = git_commit_parentcount(commit) > 0 &&
                      git_commit_parent(&parent, commit, 0) == 0 &&
                      gitu_blob_at(parent, relpath, &before);
    git_commit_free(parent);
    if (has_now != has_before)
        return true;
    return has_now && !git_oid_equal(&now, &before);
}

static void report(git_commit *commit, repo_commit_fn fn, void *ud)
{
    const git_signature *author = git_commit_author(commit);
    repo_commit_info info;
    git_oid_tostr(info.id, sizeof info.id, git_commit_id(commit));
    info.author = author->name;
    info.email = author->email;
    info.time = (int64_t)author->when.time;
    info.summary = git_commit_summary(commit);
    info.message = git_commit_message(commit);
    fn(ud, &info);
}

/* HEAD, or the past commit of a travelled repository; false when unborn. */
static bool start_of_history(db_repo *repo, git_oid *oid)
{
    if (repo->past) {
        git_oid_cpy(oid, as_of_commit(repo));
        return true;
    }
    return git_reference_name_to_id(oid, repo->git, "HEAD") == 0;
}

/* A shallow clone's history, which libgit2 1.5 cannot walk (its commits
 * name parents that are not there): the first-parent line from HEAD down to
 * where the clone was cut. */
static int shallow_history(db_repo *repo, const char *relpath, repo_commit_fn fn, void *ud)
{
    git_oid oid;
    git_commit *commit = NULL;
    if (!start_of_history(repo, &oid) || git_commit_lookup(&commit, repo->git, &oid) < 0) {
        git_error_clear();
        return 0;
    }
    while (commit) {
        git_commit *parent = NULL;
        bool has_parent = git_commit_parentcount(commit) > 0 &&
                          git_commit_parent(&parent, commit, 0) == 0;
        /* The cut commit shows whatever it holds, as `git log` does. */
        if (!has_parent || changed_in(commit, relpath)) {
            if (has_parent || gitu_blob_at(commit, relpath, &oid))
                report(commit, fn, ud);
        }
        git_commit_free(commit);
        commit = has_parent ? parent : NULL;
    }
    git_error_clear();
    return 0;
}

int repo_history(db_repo *repo, const char *relpath, repo_commit_fn fn, void *ud, db_err *err)
{
    if (git_repository_is_shallow(repo->git) == 1)
        return shallow_history(repo, relpath, fn, ud);
    git_revwalk *walk = NULL;
    git_oid oid;
    if (git_revwalk_new(&walk, repo->git) < 0)
        return gitu_fail(err, DB_EIO, "reading history");
    /* Parents after children even when commits share a second (time alone is not an order). */
    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
    if (!start_of_history(repo, &oid) || git_revwalk_push(walk, &oid) < 0) {
        git_revwalk_free(walk);
        return 0;                              /* no commits yet */
    }
    int rc = 0, step;
    while ((step = git_revwalk_next(&oid, walk)) == 0) {
        git_commit *commit = NULL;
        if (git_commit_lookup(&commit, repo->git, &oid) < 0) {
            rc = gitu_fail(err, DB_EIO, "reading a commit");
            break;
        }
        if (changed_in(commit, relpath))
            report(commit, fn, ud);
        git_commit_free(commit);
    }
    if (!rc && step != GIT_ITEROVER)
        rc = gitu_fail(err, DB_EIO, "walking history");
    git_revwalk_free(walk);
    return rc;
}

/* ---- undo ------------------------------------------------------------- */

typedef struct {
    repo_change *items;
    size_t count;
    char **buffers;    /* contents to free */
} change_set;

static void change_set_free(change_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        free((char *)set->items[i].relpath);
        free(set->buffers[i]);
    }
    free(set->items);
    free(set->buffers);
}

/* The file as the parent commit had it (or a deletion). */
static int restore_from(git_repository *git, git_tree *parent_tree, const char *relpath,
                        change_set *set, db_err *err)
{
    set->items = xrealloc(set->items, (set->count + 1) * sizeof *set->items);
    set->buffers = xrealloc(set->buffers, (set->count + 1) * sizeof *set->buffers);
    repo_change *c = &set->items[set->count];
    char **buffer = &set->buffers[set->count++];
    c->relpath = xstrdup(relpath);
    c->content = NULL;
    c->len = 0;
    *buffer = NULL;
    git_tree_entry *entry = NULL;
    if (!parent_tree || git_tree_entry_bypath(&entry, parent_tree, relpath) < 0)
        return 0;                              /* added by the commit: delete it */
    git_blob *blob = NULL;
    int rc = git_blob_lookup(&blob, git, git_tree_entry_id(entry)) < 0
                 ? gitu_fail(err, DB_EIO, relpath) : 0;
    if (!rc) {
        c->len = (size_t)git_blob_rawsize(blob);
        *buffer = xmalloc(c->len + 1);
        memcpy(*buffer, git_blob_rawcontent(blob), c->len);
        (*buffer)[c->len] = '\0';
        c->content = *buffer;
    }
    git_blob_free(blob);
    git_tree_entry_free(entry);
    return rc;
}

static int collect_undo(db_repo *repo, git_commit *head, change_set *set, db_err *err)
{
    git_commit *parent = NULL;
    git_tree *old_tree = NULL, *new_tree = NULL;
    git_diff *diff = NULL;
    git_diff_options opts;
    int rc = 0;
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    if (git_commit_parent(&parent, head, 0) < 0 || git_commit_tree(&old_tree, parent) < 0 ||
        git_commit_tree(&new_tree, head) < 0 ||
        git_diff_tree_to_tree(&diff, repo->git, old_tree, new_tree, &opts) < 0)
        rc = gitu_fail(err, DB_EIO, "reading the last change");
    for (size_t i = 0; !rc && i < git_diff_num_deltas(diff); i++) {
        const git_diff_delta *delta = git_diff_get_delta(diff, i);
        rc = restore_from(repo->git, old_tree, delta->new_file.path, set, err);
    }
    git_diff_free(diff);
    git_tree_free(old_tree);
    git_tree_free(new_tree);
    git_commit_free(parent);
    return rc;
}

/* HEAD's last move was a commit made here ("commit: …" in the branch's
 * reflog, by dealboard or git), not teammates' work brought in by a sync. */
static int check_made_here(db_repo *repo, const git_oid *head, db_err *err)
{
    git_reflog *log = NULL;
    const git_reflog_entry *top = NULL;
    bool here = git_reflog_read(&log, repo->git, "HEAD") == 0 &&
                (top = git_reflog_entry_byindex(log, 0)) != NULL &&
                git_oid_equal(git_reflog_entry_id_new(top), head) &&
                git_reflog_entry_message(top) &&
                (strncmp(git_reflog_entry_message(top), "commit", 6) == 0 ||
                 strcmp(git_reflog_entry_message(top), SYNC_PENDING_REFLOG) == 0);
    const char *how = top && git_reflog_entry_message(top) ? git_reflog_entry_message(top) : "";
    int rc = here ? 0
             : db_fail(err, DB_EUSAGE,
                       "undo: the last change here was not made in this clone (%s); dealboard "
                       "undoes only your own last change. Nothing was changed. To take back a "
                       "teammate's change, edit the deal and sync",
                       strstr(how, "sync") ? "it came with a sync" : "git moved the branch");
    git_reflog_free(log);
    git_error_clear();
    return rc;
}

/* Undo rewrites the files the last change touched: none may hold work that
 * is not committed. */
static int check_uncommitted(db_repo *repo, git_commit *head, const change_set *set, db_err *err)
{
    git_tree *tree = NULL;
    int rc = git_commit_tree(&tree, head) < 0 ? gitu_fail(err, DB_EIO, "reading HEAD") : 0;
    for (size_t i = 0; i < set->count && !rc; i++) {
        const char *relpath = set->items[i].relpath;
        git_tree_entry *entry = NULL;
        git_oid on_disk;
        char *path = fs_join(repo->root, relpath);
        bool in_head = git_tree_entry_bypath(&entry, tree, relpath) == 0;
        bool exists = access(path, F_OK) == 0;
        bool same = in_head == exists &&
                    (!exists || (git_repository_hashfile(&on_disk, repo->git, relpath, GIT_OBJECT_BLOB,
                                                         NULL) == 0 &&
                                 git_oid_equal(&on_disk, git_tree_entry_id(entry))));
        if (!same)
            rc = db_fail(err, DB_EUSAGE,
                         "undo: %s has changes here that are not committed, and undo would "
                         "overwrite them; nothing was changed. Keep them with 'dealboard sync' "
                         "(or git commit), or drop them with: git checkout -- %s",
                         relpath, relpath);
        git_tree_entry_free(entry);
        free(path);
    }
    git_tree_free(tree);
    git_error_clear();
    return rc;
}

/* The deal whose file the first of the undone changes is, or NULL. */
static char *undone_deal_id(const change_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        const char *rel = set->items[i].relpath, *base = strrchr(rel, '/');
        const char *dot = base ? strrchr(base, '.') : NULL;
        if (str_has_prefix(rel, "deals/") && dot && str_eq(dot, ".json"))
            return xstrndup(base + 1, (size_t)(dot - base - 1));
    }
    return NULL;
}

int repo_undo(db_repo *repo, char **summary, char **deal_id, db_err *err)
{
    int rc = repo_lock(repo, err);
    if (rc)
        return rc;
    if ((rc = repo_recover(repo, err))) {
        repo_unlock(repo);
        return rc;
    }
    git_commit *head = NULL;
    git_oid oid;
    change_set set = {0};
    if (git_reference_name_to_id(&oid, repo->git, "HEAD") < 0 ||
        git_commit_lookup(&head, repo->git, &oid) < 0)
        rc = db_fail(err, DB_EUSAGE, "undo: there is nothing to undo");
    else if (git_commit_parentcount(head) != 1)
        rc = db_fail(err, DB_EUSAGE, "undo: the last change is %s; it cannot be undone here",
                     git_commit_parentcount(head) ? "a merge of teammates' work" : "the first commit");
    if (!rc)
        rc = check_made_here(repo, &oid, err);
    if (!rc)
        rc = collect_undo(repo, head, &set, err);
    if (!rc)
        rc = check_uncommitted(repo, head, &set, err);
    if (!rc) {
        char *message = xasprintf("Undo: %s", git_commit_summary(head));
        rc = repo_commit_changes(repo, set.items, set.count, message, err);
        if (!rc && summary)
            *summary = xstrdup(git_commit_summary(head));
        if (!rc && deal_id)
            *deal_id = undone_deal_id(&set);
        free(message);
    }
    change_set_free(&set);
    git_commit_free(head);
    repo_unlock(repo);
    return rc;
}
