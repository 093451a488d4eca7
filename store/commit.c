/* Writing deals and committing them: one commit per user-visible change. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "fsutil.h"
#include "gitutil.h"
#include "index_lock.h"
#include "repo_internal.h"


/* dir is about to be made: each directory above it up to the first that
 * exists (at most the work tree) gains an entry, to be flushed too. */
static void sync_new_parents(fs_sync_set *written, const char *root, const char *dir)
{
    char *up = xstrdup(dir), *slash;
    struct stat st;
    while ((slash = strrchr(up, '/')) && (size_t)(slash - up) >= strlen(root)) {
        *slash = '\0';
        fs_sync_add_dir(written, up);
        if (stat(up, &st) == 0)
            break;
    }
    free(up);
}

static int head_commit(git_repository *git, git_commit **out, db_err *err)
{
    git_oid oid;
    *out = NULL;
    int rc = git_reference_name_to_id(&oid, git, "HEAD");
    if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
        return 0;                              /* first commit */
    if (rc < 0 || git_commit_lookup(out, git, &oid) < 0)
        return gitu_fail(err, DB_EIO, "reading HEAD");
    return 0;
}

static bool in_tree(git_tree *tree, const char *relpath)
{
    git_tree_entry *entry = NULL;
    bool found = tree && git_tree_entry_bypath(&entry, tree, relpath) == 0;
    git_tree_entry_free(entry);
    return found;
}

/* The new tree is HEAD's with only the changed paths replaced: the cost
 * grows with the depth of a path, not with the number of deals (writing a
 * tree from the whole index rehashes every directory). */
static int build_tree(git_repository *git, git_tree *base, const repo_change *changes, size_t n,
                      git_oid *blob_ids, git_oid *tree_id, db_err *err)
{
    git_tree_update *updates = xcalloc(n, sizeof *updates);
    size_t count = 0;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        git_tree_update *u = &updates[count];
        u->path = changes[i].relpath;
        if (!changes[i].content) {
            if (!in_tree(base, u->path))
                continue;                      /* deleting what HEAD never had */
            u->action = GIT_TREE_UPDATE_REMOVE;
        } else {
            u->action = GIT_TREE_UPDATE_UPSERT;
            u->filemode = GIT_FILEMODE_BLOB;
            if (git_blob_create_from_buffer(&blob_ids[i], git, changes[i].content,
                                            changes[i].len) < 0)
                rc = gitu_fail(err, DB_EIO, changes[i].relpath);
            git_oid_cpy(&u->id, &blob_ids[i]);
        }
        count++;
    }
    if (!rc && git_tree_create_updated(tree_id, git, base, count, updates) < 0)
        rc = gitu_fail(err, DB_EIO, "writing tree");
    free(updates);
    return rc;
}

static void sync_object(fs_sync_set *written, const char *objdir, const git_oid *id)
{
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, id);
    char *path = xasprintf("%s/%.2s/%s", objdir, hex, hex + 2);
    fs_sync_add_file(written, path);
    free(path);
}

/* The loose objects the change wrote: its commit, its blobs, and in the new
 * tree the trees along each changed path (no other tree differs from HEAD's). */
static int sync_objects(db_repo *repo, const repo_change *changes, size_t n,
                        const git_oid *blob_ids, const git_oid *tree_id,
                        const git_oid *commit_id, fs_sync_set *written, db_err *err)
{
    git_tree *tree = NULL;
    if (git_tree_lookup(&tree, repo->git, tree_id) < 0)
        return gitu_fail(err, DB_EIO, "reading the new tree");
    /* A linked work tree keeps its objects in the common directory. */
    char *objdir = fs_join(git_repository_commondir(repo->git), "objects");
    sync_object(written, objdir, tree_id);
    if (commit_id)
        sync_object(written, objdir, commit_id);
    for (size_t i = 0; i < n; i++) {
        if (changes[i].content)
            sync_object(written, objdir, &blob_ids[i]);
        char *dir = xstrdup(changes[i].relpath);
        for (char *slash = strchr(dir, '/'); slash; slash = strchr(slash + 1, '/')) {
            git_tree_entry *entry = NULL;
            *slash = '\0';
            if (git_tree_entry_bypath(&entry, tree, dir) == 0)
                sync_object(written, objdir, git_tree_entry_id(entry));
            git_tree_entry_free(entry);
            *slash = '/';
        }
        free(dir);
    }
    fs_sync_add_dir(written, objdir);      /* a new fan-out directory is an entry here */
    free(objdir);
    git_tree_free(tree);
    return 0;
}

/* The commit object only: it is flushed with the change's other objects. */
static int write_commit(db_repo *repo, git_commit *parent, const git_oid *tree_id,
                        const char *message, git_oid *commit_id, db_err *err)
{
    const git_commit *parents[1] = {parent};
    return gitu_commit_as_user(repo->git, tree_id, parents, parent ? 1 : 0, message, commit_id, err);
}

/* HEAD's branch (or a detached HEAD) to the new commit, as git_commit_create
 * would move it: only from the parent, with the same reflog message (which
 * libgit2 also appends to HEAD's log). libgit2 makes the ref and both logs
 * durable itself: its files backend takes the fsync setting when the
 * repository's refdb is made (here by head_commit's read of HEAD, with
 * fsync on as gitu_setup left it, before the commit's fsync-off stretch),
 * and fsyncs each log, the ref before its rename, and their directories.
 * (Flushing them again afterwards, as this did, only cost a round.) */
static int update_head(db_repo *repo, git_commit *parent, const git_oid *commit_id, db_err *err)
{
    git_reference *head = NULL, *moved = NULL;
    git_commit *commit = NULL;
    if (git_reference_lookup(&head, repo->git, "HEAD") < 0 ||
        git_commit_lookup(&commit, repo->git, commit_id) < 0) {
        git_reference_free(head);
        return gitu_fail(err, DB_EIO, "reading HEAD");
    }
    char *log = xasprintf("commit%s: %s", parent ? "" : " (initial)", git_commit_summary(commit));
    const char *branch = git_reference_symbolic_target(head);
    int failed;
    if (!branch)
        failed = git_reference_set_target(&moved, head, commit_id, log);
    else if (parent)
        failed = git_reference_create_matching(&moved, repo->git, branch, commit_id, 1,
                                               git_commit_id(parent), log);
    else
        failed = git_reference_create(&moved, repo->git, branch, commit_id, 0, log);
    int rc = failed < 0 ? gitu_fail(err, DB_EIO, "committing") : 0;
    free(log);
    git_reference_free(moved);
    git_commit_free(commit);
    git_reference_free(head);
    return rc;
}

/* ---- one change, one commit ----------------------------------------------
 * The order makes every failure leave the repository as it was:
 *  1. git's index lock is taken (never someone else's: wait, then refuse);
 *  2. the new contents go to temp files beside the deal files, and blobs,
 *     trees and the commit object into the object database (all flushed);
 *  3. the new index is written into the lock file;
 *  4. the branch moves: this is the commit;
 *  5. the temp files are renamed over the deal files, and the lock over the
 *     index.
 * Until 4 the work tree, the index and HEAD are untouched (a full disk or a
 * git error leaves only temp files, removed at once). The intent marker
 * (.git/dealboard-pending, written as soon as the lock is taken and removed
 * after it is let go) tells the next writer what a killed process left: see
 * recover.c. */

typedef struct {
    db_repo *repo;
    const repo_change *changes;
    size_t n;
    char **temps;                 /* per change: its new content, not in place yet */
    git_oid *blob_ids;
    index_lock lock;
    fs_sync_set written;
    bool marked;                  /* the intent marker is ours */
} change_tx;

/* Never through a linked directory (deals/xx -> elsewhere). */
static int write_temp(change_tx *tx, size_t i, db_err *err)
{
    const repo_change *c = &tx->changes[i];
    int rc = fs_check_dirs(tx->repo->root, c->relpath, err);
    if (rc || !c->content)
        return rc;
    char *path = fs_join(tx->repo->root, c->relpath);
    char *dir = xstrdup(path);
    *strrchr(dir, '/') = '\0';
    struct stat st;
    if (stat(dir, &st) != 0)
        sync_new_parents(&tx->written, tx->repo->root, dir);
    rc = fs_mkdir_p(dir, 0777, err);
    if (!rc)
        rc = fs_write_temp(path, c->content, c->len, 0666, false, &tx->temps[i], err);
    if (!rc)
        fs_sync_add_file(&tx->written, tx->temps[i]);
    free(dir);
    free(path);
    return rc;
}

static void drop_temps(change_tx *tx)
{
    for (size_t i = 0; i < tx->n; i++)
        if (tx->temps[i])
            unlink(tx->temps[i]);
}

/* Step 5: after the commit nothing here needs new space (renames, unlinks). */
static int place_files(change_tx *tx, db_err *err)
{
    int rc = 0;
    for (size_t i = 0; i < tx->n; i++) {
        char *path = fs_join(tx->repo->root, tx->changes[i].relpath);
        if (tx->temps[i] && rename(tx->temps[i], path) != 0 && !rc)
            rc = db_fail(err, DB_EIO, "%s: committed, but not put in place: %s",
                         tx->changes[i].relpath, strerror(errno));
        else if (!tx->changes[i].content && !rc)
            rc = fs_unlink_durable(path, err);
        free(path);
    }
    for (size_t i = 0; i < tx->n; i++)
        if (tx->temps[i])
            fs_sync_dir_of(tx->temps[i], err);
    return rc;
}

static void restat_placed(change_tx *tx)
{
    const char **paths = xcalloc(tx->n ? tx->n : 1, sizeof *paths);
    size_t n = 0;
    for (size_t i = 0; i < tx->n; i++)
        if (tx->temps[i])
            paths[n++] = tx->changes[i].relpath;
    index_lock_restat(&tx->lock, tx->repo->root, paths, n);
    free(paths);
}

/* Step 3: the changed paths' entries, with the stat data of the files that
 * will be renamed into place (made exact once they are: restat_placed). */
static int stage_changes(change_tx *tx, db_err *err)
{
    for (size_t i = 0; i < tx->n; i++) {
        const char *relpath = tx->changes[i].relpath;
        if (!tx->temps[i]) {
            git_index_remove(tx->lock.index, relpath, 0);     /* absent is fine */
            continue;
        }
        struct stat st;
        if (lstat(tx->temps[i], &st) != 0)
            return db_fail(err, DB_EIO, "%s: %s", tx->temps[i], strerror(errno));
        int rc = index_lock_stage(&tx->lock, relpath, &tx->blob_ids[i], GIT_FILEMODE_BLOB, &st, err);
        if (rc)
            return rc;
    }
    return index_lock_write(&tx->lock, err);
}

/* A rebase or merge that a person runs with git owns the branch meanwhile. */
static int check_state(db_repo *repo, db_err *err)
{
    static const char *const names[] = {
        [GIT_REPOSITORY_STATE_MERGE] = "a merge",
        [GIT_REPOSITORY_STATE_REVERT] = "a revert",
        [GIT_REPOSITORY_STATE_REVERT_SEQUENCE] = "a revert",
        [GIT_REPOSITORY_STATE_CHERRYPICK] = "a cherry-pick",
        [GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE] = "a cherry-pick",
        [GIT_REPOSITORY_STATE_BISECT] = "a bisect",
        [GIT_REPOSITORY_STATE_REBASE] = "a rebase",
        [GIT_REPOSITORY_STATE_REBASE_INTERACTIVE] = "a rebase",
        [GIT_REPOSITORY_STATE_REBASE_MERGE] = "a rebase",
        [GIT_REPOSITORY_STATE_APPLY_MAILBOX] = "git am",
        [GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE] = "git am or a rebase",
    };
    int state = git_repository_state(repo->git);
    if (state <= GIT_REPOSITORY_STATE_NONE || (size_t)state >= sizeof names / sizeof *names ||
        !names[state])
        return 0;
    return db_fail(err, DB_EIO, "%s is in progress in this repository (see 'git status'); "
                                "nothing was changed. Finish or abort it with git, then try again",
                   names[state]);
}

/* HEAD's own lock and its branch's (git holds them while it moves them). */
static int refs_unlocked(db_repo *repo, db_err *err)
{
    char *head = fs_join(git_repository_path(repo->git), "HEAD.lock");
    bool free_now = lock_file_wait(head, "HEAD", err);
    free(head);
    git_reference *ref = NULL;
    const char *branch = NULL;
    if (free_now && git_reference_lookup(&ref, repo->git, "HEAD") == 0)
        branch = git_reference_symbolic_target(ref);
    if (branch) {
        char *lock = xasprintf("%s%s.lock", git_repository_commondir(repo->git), branch);
        free_now = lock_file_wait(lock, branch, err);
        free(lock);
    }
    git_reference_free(ref);
    return free_now ? 0 : DB_EIO;
}

int repo_check_git(db_repo *repo, db_err *err)
{
    if (!repo->git)
        return 0;
    int rc = check_state(repo, err);
    git_index *index = NULL;
    if (!rc && (git_repository_index(&index, repo->git) < 0 || git_index_read(index, 1) < 0)) {
        const git_error *e = git_error_last();
        const char *advice = index_form_advice(e ? e->message : NULL);
        rc = advice ? db_fail(err, DB_EIO, "%s", advice)
                    : gitu_fail(err, DB_EIO, "reading the git index");
    }
    git_index_free(index);
    return rc;
}

static int begin(change_tx *tx, git_commit *parent, db_err *err)
{
    int rc = check_state(tx->repo, err);
    if (!rc)
        rc = refs_unlocked(tx->repo, err);
    const char **paths = xcalloc(tx->n ? tx->n : 1, sizeof *paths);
    for (size_t i = 0; i < tx->n; i++)
        paths[i] = tx->changes[i].relpath;
    if (!rc)
        rc = repo_begin_change(tx->repo, &tx->lock, paths, tx->n, parent, &tx->marked, err);
    free(paths);
    if (!rc)
        rc = index_lock_open(&tx->lock, err);
    return rc;
}

/* Step 2 and the commit object; *tree_changed false: nothing to commit. */
static int write_objects(change_tx *tx, git_commit *parent, const char *message,
                         bool *tree_changed, git_oid *commit_id, db_err *err)
{
    git_tree *base = NULL;
    git_oid tree_id;
    int rc = 0;
    for (size_t i = 0; i < tx->n && !rc; i++)
        rc = write_temp(tx, i, err);
    if (!rc && parent && git_commit_tree(&base, parent) < 0)
        rc = gitu_fail(err, DB_EIO, "reading HEAD's tree");
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);    /* flushed together below */
    if (!rc)
        rc = build_tree(tx->repo->git, base, tx->changes, tx->n, tx->blob_ids, &tree_id, err);
    *tree_changed = !rc && !(parent && git_oid_equal(&tree_id, git_commit_tree_id(parent)));
    if (*tree_changed)
        rc = write_commit(tx->repo, parent, &tree_id, message, commit_id, err);
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
    if (!rc && *tree_changed)
        rc = sync_objects(tx->repo, tx->changes, tx->n, tx->blob_ids, &tree_id, commit_id,
                          &tx->written, err);
    git_tree_free(base);
    return rc;
}

static int run(change_tx *tx, const char *message, db_err *err)
{
    git_commit *parent = NULL;
    git_oid commit_id;
    bool tree_changed = false, committed = false;
    int rc = head_commit(tx->repo->git, &parent, err);
    if (!rc)
        rc = begin(tx, parent, err);
    if (!rc)
        rc = write_objects(tx, parent, message, &tree_changed, &commit_id, err);
    if (!rc && tree_changed)
        rc = stage_changes(tx, err);
    if (!rc && tree_changed)
        rc = fs_sync_flush(&tx->written, err);
    if (!rc && tree_changed) {
        rc = update_head(tx->repo, parent, &commit_id, err);
        committed = rc == 0;
    }
    if (committed) {
        rc = place_files(tx, err);
        if (!rc)
            restat_placed(tx);
        if (!rc)
            rc = index_lock_commit(&tx->lock, err);
    } else {
        drop_temps(tx);
        index_lock_release(&tx->lock);
    }
    /* Last, once the lock is let go (recover.c); a commit whose files could
     * not be put in place keeps it, for recovery to finish. */
    if (tx->marked && (!committed || !rc))
        repo_clear_pending(tx->repo);
    git_commit_free(parent);
    return rc;
}

int repo_commit_changes(db_repo *repo, const repo_change *changes, size_t n,
                        const char *message, db_err *err)
{
    int rc = repo_lock(repo, err);
    if (rc)
        return rc;
    if ((rc = repo_recover(repo, err))) {
        repo_unlock(repo);
        return rc;
    }
    change_tx tx = {repo, changes, n, xcalloc(n ? n : 1, sizeof(char *)),
                    xcalloc(n ? n : 1, sizeof(git_oid)), {0}, {0}, false};
    rc = run(&tx, message, err);
    index_lock_release(&tx.lock);
    fs_sync_free(&tx.written);
    for (size_t i = 0; i < n; i++)
        free(tx.temps[i]);
    free(tx.temps);
    free(tx.blob_ids);
    repo_unlock(repo);
    return rc;
}

int repo_save_deal(db_repo *repo, const deal *d, const char *message, db_err *err)
{
    if (d->partial)    /* a light deal would lose its log: a programming error */
        return db_fail(err, DB_EIO, "internal error: %s was loaded light; not saved", d->id);
    char *rel = repo_deal_relpath(d->id);
    if (!rel)
        return db_fail(err, DB_EUSAGE, "invalid id '%s'", d->id ? d->id : "");
    char *text = codec_format_deal(d);
    repo_change change = {rel, text, strlen(text)};
    int rc = repo_commit_changes(repo, &change, 1, message, err);
    free(text);
    free(rel);
    return rc;
}
