/* Team sync (SPEC §6): commit pending work, fetch origin, fast-forward or merge
 * (merge_tree.c), push; on a refused push fetch, merge and push again.
 *
 *   sync_run          the rounds, the bookkeeping (refs/dealboard/last-sync-*,
 *                     dealboard.lastsync in .git/config)
 *   commit_pending    deal files and pipeline.json changed in the work tree
 *   integrate         fast-forward, or merge and commit with two parents
 *   move_to           checkout of the new tree first, then the branch ref
 * The repository lock is held throughout: nothing else writes meanwhile. */
#include "sync.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "checkout.h"
#include "codec.h"
#include "config_load.h"
#include "fsutil.h"
#include "repo_internal.h"
#include "index_lock.h"
#include "gitutil.h"
#include "mempack.h"
#include "maintenance.h"
#include "merge_tree.h"
#include "remote.h"
#include "sync_internal.h"
#include "treediff.h"

int sync_current_branch(git_repository *git, char **branch, db_err *err)
{
    git_reference *head = NULL;
    if (git_reference_lookup(&head, git, "HEAD") < 0)
        return gitu_fail(err, DB_EIO, "reading HEAD");
    const char *target = git_reference_symbolic_target(head);
    int rc = 0;
    if (!target || strncmp(target, "refs/heads/", 11) != 0)
        rc = db_fail(err, DB_EIO, "sync: HEAD is not on a branch (detached); check out the "
                                  "pipeline's branch (main or master) first");
    else
        *branch = xstrdup(target + 11);
    git_reference_free(head);
    return rc;
}

static char *tracking_ref(const char *branch)
{
    return xasprintf("refs/remotes/%s/%s", SYNC_REMOTE, branch);
}

/* 1 found, 0 absent. */
static int ref_oid(git_repository *git, const char *name, git_oid *out)
{
    return git_reference_name_to_id(out, git, name) == 0;
}

static int set_ref(git_repository *git, const char *name, const git_oid *oid, const char *why,
                   db_err *err)
{
    git_reference *ref = NULL;
    if (git_reference_create(&ref, git, name, oid, 1, why) < 0)
        return gitu_fail(err, DB_EIO, name);
    git_reference_free(ref);
    return 0;
}

/* ---- pending work ----------------------------------------------------- */

/* The files dealboard owns: pipeline.json and deals/<xx>/<id>.json. */
static bool owned(const char *path)
{
    return strcmp(path, "pipeline.json") == 0 || merge_is_deal_path(path);
}

/* Index entries git itself does not compare with the work tree: outside a
 * sparse checkout (skip-worktree) or marked assume-unchanged. */
static bool not_compared(git_index *index, const char *path)
{
    const git_index_entry *e = git_index_get_bypath(index, path, 0);
    return e && ((e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) ||
                 (e->flags & GIT_INDEX_ENTRY_VALID));
}

/* A deal file or pipeline.json that does not parse is never committed. */
static int check_text_parses(const char *path, const char *text, size_t len, const char *where,
                             db_err *err)
{
    db_err why;
    int rc;
    if (strcmp(path, "pipeline.json") == 0) {
        pipeline_cfg cfg;
        rc = config_parse(text, len, path, &cfg, NULL, &why);
        config_free(&cfg);
    } else {
        deal d;
        rc = codec_parse_deal(text, len, path, &d, &why);
        if (!rc)
            deal_free(&d);
    }
    if (!rc)
        return 0;
    const char *undo = strcmp(where, "staged") == 0 ? "git restore --staged --worktree --source=HEAD -- "
                                                    : "git checkout -- ";
    return db_fail(err, DB_EIO,
                   "sync: %s (%s here) does not parse: %s. Nothing was committed or synced. Fix "
                   "it ('dealboard doctor' says what is wrong), or put back the committed "
                   "version with: %s%s",
                   path, where, why.msg, undo, path);
}

static int check_parses(const char *root, const char *path, db_err *err)
{
    char *full = fs_join(root, path), *text = NULL;
    size_t len = 0;
    int rc = fs_read_file(full, &text, &len, err);
    if (!rc)
        rc = check_text_parses(path, text, len, "changed", err);
    free(text);
    free(full);
    return rc;
}

static bool core_filemode(git_repository *git)
{
    git_config *cfg = NULL;
    int value = 1;
    if (git_repository_config_snapshot(&cfg, git) == 0)
        git_config_get_bool(&value, cfg, "core.filemode");
    git_config_free(cfg);
    git_error_clear();
    return value != 0;
}

/* The file's blob (through the repository's filters) and its index entry. */
static int stage_file(git_repository *git, index_lock *lock, const char *root, const char *path,
                      db_err *err)
{
    git_oid id;
    char *full = fs_join(root, path);
    struct stat st;
    int rc = lstat(full, &st) != 0 ? db_fail(err, DB_EIO, "%s: %s", path, strerror(errno)) : 0;
    if (!rc && git_blob_create_from_workdir(&id, git, path) < 0)
        rc = gitu_fail(err, DB_EIO, path);
    uint32_t mode = (st.st_mode & 0111) && core_filemode(git) ? GIT_FILEMODE_BLOB_EXECUTABLE
                                                              : GIT_FILEMODE_BLOB;
    const git_index_entry *old = git_index_get_bypath(lock->index, path, 0);
    if (!rc && old && !core_filemode(git))
        mode = old->mode;                     /* core.fileMode=false: the mode stays */
    if (!rc)
        rc = index_lock_stage(lock, path, &id, mode, &st, err);
    free(full);
    return rc;
}

static bool regular_file(const char *root, const char *path)
{
    char *full = fs_join(root, path);
    struct stat st;
    bool regular = lstat(full, &st) == 0 && S_ISREG(st.st_mode);
    free(full);
    return regular;
}

static const char *changed_path(const git_status_entry *e)
{
    const git_diff_delta *d = e->index_to_workdir;
    return d ? (d->new_file.path ? d->new_file.path : d->old_file.path) : NULL;
}

/* Stages what git's own status says changed in the work tree among the
 * files dealboard owns (hand edits): index flags, core.fileMode, filters and
 * attributes are git's business, so nothing git would not see is staged.
 * Every file is checked first, so that a broken one stages nothing. */
static int stage_pending(git_repository *git, index_lock *lock, const char *root, size_t *staged,
                         db_err *err)
{
    git_index *index = lock->index;
    git_status_options opts;
    git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
    opts.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                 GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    char *specs[] = {"pipeline.json", "deals"};
    opts.pathspec.strings = specs;
    opts.pathspec.count = 2;
    git_status_list *list = NULL;
    if (git_status_list_new(&list, git, &opts) < 0)
        return gitu_fail(err, DB_EIO, "sync: reading what changed here");
    size_t n = git_status_list_entrycount(list);
    int rc = 0;
    for (int pass = 0; pass < 2 && !rc; pass++)
        for (size_t i = 0; i < n && !rc; i++) {
            const git_status_entry *e = git_status_byindex(list, i);
            const char *path = changed_path(e);
            if (!path || !owned(path) || not_compared(index, path))
                continue;
            /* A link in a deal's place is not followed: the deal leaves. */
            bool deleted = (e->status & GIT_STATUS_WT_DELETED) || !regular_file(root, path);
            if (pass == 0)
                rc = deleted ? 0 : check_parses(root, path, err);
            else if (deleted && git_index_remove(lock->index, path, 0) < 0)
                rc = gitu_fail(err, DB_EIO, path);
            else if (!deleted)
                rc = stage_file(git, lock, root, path, err);
            if (pass == 1 && !rc)
                (*staged)++;
        }
    git_status_list_free(list);
    return rc;
}


static int head_commit(git_repository *git, git_commit **out, db_err *err)
{
    git_oid oid;
    if (git_reference_name_to_id(&oid, git, "HEAD") < 0 || git_commit_lookup(out, git, &oid) < 0)
        return gitu_fail(err, DB_EIO, "reading HEAD");
    return 0;
}

/* Files staged by hand with git add are committed too: each of ours must parse. */
static int check_staged(git_repository *git, git_commit *head, const git_oid *tree_id, db_err *err)
{
    git_tree *from = NULL, *to = NULL;
    treediff_list changes = {0};
    int rc = git_commit_tree(&from, head) < 0 || git_tree_lookup(&to, git, tree_id) < 0
                 ? gitu_fail(err, DB_EIO, "reading a tree") : 0;
    if (!rc)
        rc = treediff(git, from, to, &changes, err);
    for (size_t i = 0; i < changes.n && !rc; i++) {
        const treediff_entry *e = &changes.items[i];
        git_blob *blob = NULL;
        if (!e->new.exists || !owned(e->path))
            continue;
        if (git_blob_lookup(&blob, git, &e->new.id) < 0)
            rc = gitu_fail(err, DB_EIO, e->path);
        else
            rc = check_text_parses(e->path, git_blob_rawcontent(blob),
                                   (size_t)git_blob_rawsize(blob), "staged", err);
        git_blob_free(blob);
    }
    treediff_free(&changes);
    git_tree_free(from);
    git_tree_free(to);
    return rc;
}

static int move_branch(git_repository *git, const char *branch, git_commit *from,
                       const git_oid *to, db_err *err)
{
    char *name = xasprintf("refs/heads/%s", branch);
    git_reference *ref = NULL;
    int rc = git_reference_create_matching(&ref, git, name, to, 1, git_commit_id(from),
                                           SYNC_PENDING_REFLOG) < 0
                 ? gitu_fail(err, DB_EIO, name) : 0;
    git_reference_free(ref);
    free(name);
    return rc;
}

/* Hand edits committed as "Commit pending changes", in the order of every
 * commit (commit.c): git's index lock held throughout, the new index written
 * into it, the branch moved (only from where it was), then the index put in
 * place. The work tree is only read. */
static int commit_pending(db_repo *repo, const char *branch, bool *committed, db_err *err)
{
    git_repository *git = repo_git(repo);
    index_lock lock = {0};
    git_commit *head = NULL;
    git_oid tree_id, commit_id;
    size_t staged = 0;
    bool marked = false;
    int rc = repo_begin_change(repo, &lock, NULL, 0, NULL, &marked, err);
    if (!rc)
        rc = index_lock_open(&lock, err);
    if (!rc)
        rc = stage_pending(git, &lock, repo_root(repo), &staged, err);
    if (!rc && git_index_write_tree_to(&tree_id, lock.index, git) < 0)
        rc = gitu_fail(err, DB_EIO, "sync: writing the index's tree");
    if (!rc)
        rc = head_commit(git, &head, err);
    bool differs = !rc && !git_oid_equal(&tree_id, git_commit_tree_id(head));
    if (differs)
        rc = check_staged(git, head, &tree_id, err);
    if (!rc && staged)
        rc = index_lock_write(&lock, err);
    if (!rc && differs) {
        const git_commit *parents[1] = {head};
        rc = gitu_commit_as_user(git, &tree_id, parents, 1, "Commit pending changes", &commit_id, err);
        if (!rc)
            rc = move_branch(git, branch, head, &commit_id, err);
        *committed = rc == 0;
    }
    if (!rc && staged)
        rc = index_lock_commit(&lock, err);
    index_lock_release(&lock);
    if (marked)
        repo_clear_pending(repo);
    git_commit_free(head);
    return rc;
}

/* The work tree, the index and the branch to the commit (checkout.c). */
static int move_to(db_repo *repo, const char *branch, const git_oid *commit_id, const char *why,
                   db_err *err)
{
    char *ref = xasprintf("refs/heads/%s", branch);
    int rc = checkout_move(repo, ref, commit_id, why, err);
    free(ref);
    return rc;
}

static int conflict_message(db_repo *repo, const merge_tree_stats *st, db_err *err)
{
    return db_fail(err, DB_ECONFLICT,
                   "sync: %s changed here and by a teammate in the same lines, and only deal "
                   "files merge by themselves. Nothing was merged or pushed; your work is "
                   "committed here. A person must decide: merge with git (git -C %s pull, "
                   "edit the file, git commit), then run 'dealboard sync' again",
                   st->unresolved.data, repo_root(repo));
}

/* Merge and commit through an in-memory object store, then write one pack. */
static int merge_in_memory(git_repository *git, const git_oid *ours_id, const git_oid *theirs_id,
                           merge_tree_stats *st, git_oid *commit_id, db_err *err)
{
    mempack_repo mem;
    git_commit *ours = NULL, *theirs = NULL;
    git_oid tree_id;
    int rc = mempack_open(git, &mem, err);
    if (!rc && (git_commit_lookup(&ours, mem.repo, ours_id) < 0 ||
                git_commit_lookup(&theirs, mem.repo, theirs_id) < 0))
        rc = gitu_fail(err, DB_EIO, "reading commits");
    if (!rc)
        rc = merge_tree_commits(mem.repo, ours, theirs, &tree_id, st, err);
    char *message = rc ? NULL : merge_message(st);
    if (!rc) {
        const git_commit *parents[2] = {ours, theirs};
        rc = gitu_commit_as_user(mem.repo, &tree_id, parents, 2, message, commit_id, err);
    }
    if (!rc)
        rc = mempack_flush(&mem, git, commit_id, err);
    free(message);
    git_commit_free(ours);
    git_commit_free(theirs);
    mempack_close(&mem);
    return rc;
}

static int merge_with(db_repo *repo, const char *branch, const git_oid *ours,
                      const git_oid *theirs, sync_result *out, db_err *err)
{
    git_repository *git = repo_git(repo);
    merge_tree_stats st;
    memset(&st, 0, sizeof st);
    git_oid commit_id;
    int rc = merge_in_memory(git, ours, theirs, &st, &commit_id, err);
    if (rc == DB_ECONFLICT)
        rc = conflict_message(repo, &st, err);
    if (!rc)
        rc = move_to(repo, branch, &commit_id, "dealboard sync: merge", err);
    if (!rc) {
        out->conflicts += st.conflicts;
        out->pipeline_conflicts += st.pipeline_conflicts;
        out->merged = true;
    }
    merge_tree_stats_free(&st);
    return rc;
}

/* Brings the fetched remote branch into ours: nothing, fast-forward or merge. */
static int integrate(db_repo *repo, const char *branch, sync_result *out, db_err *err)
{
    git_repository *git = repo_git(repo);
    char *tref = tracking_ref(branch);
    git_oid head_id, theirs_id;
    int found = ref_oid(git, tref, &theirs_id);
    free(tref);
    if (!found)
        return 0;                                   /* empty remote: nothing to bring in */
    size_t ahead = 0, behind = 0;
    if (git_reference_name_to_id(&head_id, git, "HEAD") < 0 ||
        git_graph_ahead_behind(&ahead, &behind, git, &head_id, &theirs_id) < 0)
        return gitu_fail(err, DB_EIO, "comparing with the remote");
    if (behind == 0)
        return 0;
    out->incoming += (int)behind;
    if (ahead == 0)
        return move_to(repo, branch, &theirs_id, "dealboard sync: fast-forward", err);
    return merge_with(repo, branch, &head_id, &theirs_id, out, err);
}

/* ---- the rounds --------------------------------------------------------- */

typedef struct {
    db_repo *repo;
    const char *branch;
    remote_ctx rctx;
    sync_result *out;
    db_err *err;
    char refused[256];   /* why the last push was refused */
} sync_run_ctx;

/* Tests widen the window between fetch and push to provoke the push race
 * deterministically: DEALBOARD_TEST_PUSH_DELAY_MS (at most 10 s). */
static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_push_delay(void)
{
    const char *ms = getenv("DEALBOARD_TEST_PUSH_DELAY_MS");
    long n = ms ? strtol(ms, NULL, 10) : 0;
    if (n > 0 && n <= 10000)
        sleep_ms(n);
}

static int count_ahead(git_repository *git, const char *branch, int *ahead, db_err *err)
{
    char *tref = tracking_ref(branch);
    git_oid head, theirs;
    int rc = 0;
    *ahead = 0;
    if (git_reference_name_to_id(&head, git, "HEAD") < 0) {
        rc = gitu_fail(err, DB_EIO, "reading HEAD");
    } else if (ref_oid(git, tref, &theirs)) {
        size_t a = 0, b = 0;
        if (git_graph_ahead_behind(&a, &b, git, &head, &theirs) < 0)
            rc = gitu_fail(err, DB_EIO, "comparing with the remote");
        *ahead = (int)a;
    } else {
        git_revwalk *walk = NULL;
        git_oid oid;
        if (git_revwalk_new(&walk, git) < 0 || git_revwalk_push(walk, &head) < 0)
            rc = gitu_fail(err, DB_EIO, "counting commits");
        while (!rc && git_revwalk_next(&oid, walk) == 0)
            (*ahead)++;
        git_revwalk_free(walk);
    }
    free(tref);
    return rc;
}

static int pushed(sync_run_ctx *s, int ahead)
{
    git_repository *git = repo_git(s->repo);
    git_oid head;
    if (git_reference_name_to_id(&head, git, "HEAD") < 0)
        return gitu_fail(s->err, DB_EIO, "reading HEAD");
    s->out->pushed += ahead;
    char *tref = tracking_ref(s->branch);
    int rc = set_ref(git, tref, &head, "dealboard sync: pushed", s->err);
    free(tref);
    return rc;
}

/* One fetch, integrate, push. *again: the push was refused (someone pushed first,
 * or the remote was busy updating the branch): fetch, merge and push again. */
static int one_round(sync_run_ctx *s, bool *again)
{
    git_repository *git = repo_git(s->repo);
    *again = false;
    int rc = remote_fetch(git, &s->rctx, s->branch, s->err);
    if (rc) {
        s->out->offline = true;
        return rc;
    }
    rc = integrate(s->repo, s->branch, s->out, s->err);
    int ahead = 0;
    if (!rc)
        rc = count_ahead(git, s->branch, &ahead, s->err);
    if (rc || ahead == 0)
        return rc;
    bool rejected = false;
    test_push_delay();
    rc = remote_push(git, &s->rctx, s->branch, &rejected, s->err);
    if (rc)
        s->out->offline = true;
    else if (rejected)
        snprintf(s->refused, sizeof s->refused, "%s", s->rctx.reject_why);
    else
        rc = pushed(s, ahead);
    *again = !rc && rejected;
    return rc;
}

static int rounds(sync_run_ctx *s)
{
    bool again = true;
    int rc = 0;
    for (int i = 0; i < SYNC_MAX_TRIES && again && !rc; i++) {
        if (i > 0)
            sleep_ms(50L << i);        /* 100, 200, 400, 800 ms: let the other push land */
        rc = one_round(s, &again);
    }
    if (!rc && again)
        rc = db_fail(s->err, DB_EIO,
                     "sync: the remote '%s' (%s) refused our push %d times (last: %s); "
                     "teammates may be pushing right now. Your commits are safe here: run "
                     "'dealboard sync' again",
                     SYNC_REMOTE, s->rctx.url, SYNC_MAX_TRIES,
                     s->refused[0] ? s->refused : "not a fast-forward");
    return rc;
}

/* Records where this sync started and ended when it brought something in. */
static void bookkeeping(git_repository *git, const sync_result *out, bool ok)
{
    git_oid start, end;
    db_err ignored;
    if (out->incoming > 0 && strcmp(out->old_head, out->new_head) != 0 &&
        git_oid_fromstr(&start, out->old_head) == 0 &&
        git_oid_fromstr(&end, out->new_head) == 0) {
        set_ref(git, SYNC_REF_START, &start, "dealboard sync: start", &ignored);
        set_ref(git, SYNC_REF_END, &end, "dealboard sync: end", &ignored);
    }
    git_config *cfg = NULL;
    if (ok && git_repository_config(&cfg, git) == 0)
        git_config_set_int64(cfg, SYNC_TIME_KEY, (int64_t)time(NULL));
    git_config_free(cfg);
}

/* libgit2 caches no tree above 4 KB; a shard's tree holds about 400 deals at
 * 100,000 (24 KB), and a sync reads the same changed trees many times (merge,
 * checkout, what changed), each time inflating delta chains and rehashing. */
static void cache_large_trees(void)
{
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1 << 20);
}

/* Years of commits leave thousands of loose objects: past git's own
 * threshold they go into a pack. A failure here costs nothing but space. */
static void maintain(git_repository *git, sync_result *out)
{
    db_err ignored;
    if (maintenance_loose_estimate(git) > MAINTENANCE_LOOSE_LIMIT)
        maintenance_pack_loose(git, &out->packed, &ignored);
}

int sync_run(db_repo *repo, sync_result *out, db_err *err)
{
    cache_large_trees();
    memset(out, 0, sizeof *out);
    git_repository *git = repo_git(repo);
    char *branch = NULL;
    int rc = repo_lock(repo, err);
    if (rc)
        return rc;
    if ((rc = repo_recover(repo, err))) {
        repo_unlock(repo);
        return rc;
    }
    sync_run_ctx s = {repo, NULL, {0}, out, err, ""};
    remote_ctx_init(&s.rctx, SYNC_REMOTE, NULL);
    rc = sync_current_branch(git, &branch, err);
    if (!rc && git_repository_is_shallow(git) == 1)
        rc = db_fail(err, DB_EIO, "sync: this is a shallow clone (git clone --depth), and merging "
                                  "with teammates needs the whole history, which dealboard's git "
                                  "library cannot fetch by itself; nothing was changed. Fetch it "
                                  "once with: git -C %s fetch --unshallow", repo_root(repo));
    s.branch = branch;
    if (!rc)
        rc = commit_pending(repo, branch, &out->committed_pending, err);
    repo_head(repo, out->old_head);
    if (!rc)
        rc = rounds(&s);
    repo_head(repo, out->new_head);
    bookkeeping(git, out, rc == 0);
    if (!rc)
        maintain(git, out);
    remote_ctx_free(&s.rctx);
    free(branch);
    repo_unlock(repo);
    return rc;
}

/* ---- status for the board ------------------------------------------------ */

int sync_get_status(db_repo *repo, sync_status *out, db_err *err)
{
    memset(out, 0, sizeof *out);
    git_repository *git = repo_git(repo);
    git_remote *remote = NULL;
    if (git_remote_lookup(&remote, git, SYNC_REMOTE) == 0)
        out->has_remote = true;
    git_remote_free(remote);
    git_config *cfg = NULL;
    int64_t when = 0;
    if (git_repository_config_snapshot(&cfg, git) == 0 &&
        git_config_get_int64(&when, cfg, SYNC_TIME_KEY) == 0)
        out->last_sync = when;
    git_config_free(cfg);
    char *branch = NULL;
    git_oid head, theirs;
    if (!out->has_remote || sync_current_branch(git, &branch, err) != 0) {
        db_err_clear(err);
        return 0;
    }
    char *tref = tracking_ref(branch);
    int rc = 0;
    if (git_reference_name_to_id(&head, git, "HEAD") == 0) {
        if (ref_oid(git, tref, &theirs)) {
            size_t a = 0, b = 0;
            if (git_graph_ahead_behind(&a, &b, git, &head, &theirs) < 0)
                rc = gitu_fail(err, DB_EIO, "comparing with the remote");
            out->ahead = (int)a;
            out->behind = (int)b;
        } else {
            rc = count_ahead(git, branch, &out->ahead, err);
        }
    }
    free(tref);
    free(branch);
    return rc;
}
