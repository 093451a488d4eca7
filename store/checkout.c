/* Moving the checked-out branch to another commit (a sync's fast-forward or
 * merge), in the order of a commit (store/commit.c): index lock and intent
 * marker; every changed file written whole beside its place and flushed; the
 * new index into the lock; the branch (the point of no return); the files
 * renamed into place; the index. A full disk or an error before the branch
 * moved leaves the work tree, the index and HEAD as they were; a killed
 * process leaves what recovery finishes (store/recover.c).
 *
 * Only the paths that differ between HEAD and the commit are looked at.
 * Content goes through the repository's filters (core.autocrlf, attributes)
 * as git's checkout would; entries git does not check out (skip-worktree:
 * outside a sparse checkout) get the new blob and stay unchecked-out. A file
 * changed here and not committed is never overwritten. */
#include "checkout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "gitutil.h"
#include "index_lock.h"
#include "repo_internal.h"
#include "treediff.h"

typedef struct {
    db_repo *repo;
    treediff_list changes;
    char **temps;               /* per change: the new file, not in place yet */
    bool *unchecked;            /* per change: skip-worktree, not in the work tree */
    index_lock lock;
    fs_sync_set written;
    bool marked;
} checkout_job;

static bool not_checked_out(index_lock *lock, const char *path)
{
    const git_index_entry *e = git_index_get_bypath(lock->index, path, 0);
    return e && (e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE);
}

/* The file is as HEAD has it (or absent where HEAD has none). */
static int check_untouched(checkout_job *job, const treediff_entry *e, db_err *err)
{
    char *path = fs_join(job->repo->root, e->path);
    struct stat st;
    bool exists = lstat(path, &st) == 0;
    free(path);
    git_oid id;
    bool same = exists == e->old.exists;
    if (same && exists && S_ISREG(st.st_mode))
        same = git_repository_hashfile(&id, job->repo->git, e->path, GIT_OBJECT_BLOB, NULL) == 0 &&
               git_oid_equal(&id, &e->old.id);
    git_error_clear();
    if (same)
        return 0;
    return db_fail(err, DB_EIO,
                   "sync: %s was changed here and not committed, and the incoming commits change "
                   "it too; nothing was changed. Commit it with git (git add %s && git commit) "
                   "or put it back (git checkout -- %s), then sync again",
                   e->path, e->path, e->path);
}

static int write_link(const char *path, const git_blob *blob, char **tmp, db_err *err)
{
    *tmp = xasprintf("%s.tmp-XXXXXX", path);
    int fd = mkstemp(*tmp);
    char *target = strndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    bool ok = fd >= 0 && close(fd) == 0 && unlink(*tmp) == 0 && target && symlink(target, *tmp) == 0;
    int saved = errno;
    free(target);
    if (ok)
        return 0;
    unlink(*tmp);
    free(*tmp);
    *tmp = NULL;
    return db_fail(err, DB_EIO, "%s: cannot write: %s", path, strerror(saved));
}

static int write_regular(checkout_job *job, const treediff_entry *e, const git_blob *blob,
                         const char *path, char **tmp, db_err *err)
{
    git_buf content = {0};
    git_blob_filter_options opts;
    git_blob_filter_options_init(&opts, GIT_BLOB_FILTER_OPTIONS_VERSION);
    if (git_blob_filter(&content, (git_blob *)blob, e->path, &opts) < 0)
        return gitu_fail(err, DB_EIO, e->path);
    mode_t mode = e->new.mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0777 : 0666;
    int rc = fs_write_temp(path, content.ptr ? content.ptr : "", content.size, mode, false, tmp, err);
    git_buf_dispose(&content);
    if (!rc)
        fs_sync_add_file(&job->written, *tmp);
    return rc;
}

static int write_temp(checkout_job *job, size_t i, db_err *err)
{
    const treediff_entry *e = &job->changes.items[i];
    if (!e->new.exists || job->unchecked[i] || e->new.mode == GIT_FILEMODE_COMMIT)
        return 0;
    int rc = fs_check_dirs(job->repo->root, e->path, err);
    git_blob *blob = NULL;
    if (!rc && git_blob_lookup(&blob, job->repo->git, &e->new.id) < 0)
        rc = gitu_fail(err, DB_EIO, e->path);
    char *path = fs_join(job->repo->root, e->path);
    char *dir = xstrdup(path);
    *strrchr(dir, '/') = '\0';
    if (!rc)
        rc = fs_mkdir_p(dir, 0777, err);
    if (!rc)
        rc = e->new.mode == GIT_FILEMODE_LINK
                 ? write_link(path, blob, &job->temps[i], err)
                 : write_regular(job, e, blob, path, &job->temps[i], err);
    free(dir);
    free(path);
    git_blob_free(blob);
    return rc;
}

static int stage(checkout_job *job, db_err *err)
{
    int rc = 0;
    for (size_t i = 0; i < job->changes.n && !rc; i++) {
        const treediff_entry *e = &job->changes.items[i];
        struct stat st;
        if (!e->new.exists)
            git_index_remove(job->lock.index, e->path, 0);
        else if (!job->temps[i])
            rc = index_lock_stage(&job->lock, e->path, &e->new.id, e->new.mode, NULL, err);
        else if (lstat(job->temps[i], &st) != 0)
            rc = db_fail(err, DB_EIO, "%s: %s", job->temps[i], strerror(errno));
        else
            rc = index_lock_stage(&job->lock, e->path, &e->new.id, e->new.mode, &st, err);
    }
    return rc ? rc : index_lock_write(&job->lock, err);
}

/* After the branch moved: renames and unlinks, which need no new space. */
static int place_files(checkout_job *job, db_err *err)
{
    int rc = 0;
    for (size_t i = 0; i < job->changes.n; i++) {
        const treediff_entry *e = &job->changes.items[i];
        char *path = fs_join(job->repo->root, e->path);
        if (job->temps[i] && rename(job->temps[i], path) != 0 && !rc)
            rc = db_fail(err, DB_EIO, "%s: not put in place: %s", e->path, strerror(errno));
        else if (!e->new.exists && !job->unchecked[i] && unlink(path) != 0 && errno != ENOENT && !rc)
            rc = db_fail(err, DB_EIO, "%s: cannot remove: %s", e->path, strerror(errno));
        if (!e->new.exists) {                    /* an emptied shard goes, as with git */
            *strrchr(path, '/') = '\0';
            rmdir(path);
        }
        free(path);
    }
    return rc;
}

static void restat_placed(checkout_job *job)
{
    const char **paths = xcalloc(job->changes.n ? job->changes.n : 1, sizeof *paths);
    size_t n = 0;
    for (size_t i = 0; i < job->changes.n; i++)
        if (job->temps[i])
            paths[n++] = job->changes.items[i].path;
    index_lock_restat(&job->lock, job->repo->root, paths, n);
    free(paths);
}

static int begin(checkout_job *job, git_commit *head, db_err *err)
{
    size_t n = job->changes.n;
    const char **paths = xcalloc(n ? n : 1, sizeof *paths);
    for (size_t i = 0; i < n; i++)
        paths[i] = job->changes.items[i].path;
    int rc = repo_begin_change(job->repo, &job->lock, paths, n, head, &job->marked, err);
    if (!rc)
        rc = index_lock_open(&job->lock, err);
    free(paths);
    for (size_t i = 0; i < n && !rc; i++) {
        job->unchecked[i] = not_checked_out(&job->lock, job->changes.items[i].path);
        if (!job->unchecked[i])
            rc = check_untouched(job, &job->changes.items[i], err);
    }
    return rc;
}

static int move_ref(git_repository *git, const char *ref_name, const git_oid *from,
                    const git_oid *to, const char *why, db_err *err)
{
    git_reference *ref = NULL;
    int rc = git_reference_create_matching(&ref, git, ref_name, to, 1, from, why) < 0
                 ? gitu_fail(err, DB_EIO, ref_name) : 0;
    git_reference_free(ref);
    return rc;
}

static int run(checkout_job *job, git_commit *head, const char *ref_name, const git_oid *target_id,
               const char *why, db_err *err)
{
    int rc = begin(job, head, err);
    for (size_t i = 0; i < job->changes.n && !rc; i++)
        rc = write_temp(job, i, err);
    if (!rc)
        rc = fs_sync_flush(&job->written, err);
    if (!rc)
        rc = stage(job, err);
    bool moved = !rc && move_ref(job->repo->git, ref_name, git_commit_id(head), target_id, why, err) == 0;
    if (!rc && !moved)
        rc = DB_EIO;
    if (moved) {
        rc = place_files(job, err);
        if (!rc)
            restat_placed(job);
        if (!rc)
            rc = index_lock_commit(&job->lock, err);
    } else {
        for (size_t i = 0; i < job->changes.n; i++)
            if (job->temps[i])
                unlink(job->temps[i]);
        index_lock_release(&job->lock);
    }
    if (job->marked && (!moved || !rc))
        repo_clear_pending(job->repo);
    return rc;
}

int checkout_move(db_repo *repo, const char *ref_name, const git_oid *target_id, const char *why,
                  db_err *err)
{
    git_repository *git = repo_git(repo);
    git_oid head_id;
    git_commit *head = NULL, *target = NULL;
    git_tree *from = NULL, *to = NULL;
    checkout_job job = {repo, {0}, NULL, NULL, {0}, {0}, false};
    int rc = git_reference_name_to_id(&head_id, git, "HEAD") < 0 ||
             git_commit_lookup(&head, git, &head_id) < 0 ||
             git_commit_lookup(&target, git, target_id) < 0 ||
             git_commit_tree(&from, head) < 0 || git_commit_tree(&to, target) < 0
                 ? gitu_fail(err, DB_EIO, "sync: reading the commits to check out") : 0;
    if (!rc)
        rc = treediff(git, from, to, &job.changes, err);
    job.temps = xcalloc(job.changes.n ? job.changes.n : 1, sizeof *job.temps);
    job.unchecked = xcalloc(job.changes.n ? job.changes.n : 1, sizeof *job.unchecked);
    if (!rc)
        rc = run(&job, head, ref_name, target_id, why, err);
    index_lock_release(&job.lock);
    fs_sync_free(&job.written);
    for (size_t i = 0; i < job.changes.n; i++)
        free(job.temps[i]);
    free(job.temps);
    free(job.unchecked);
    treediff_free(&job.changes);
    git_tree_free(from);
    git_tree_free(to);
    git_commit_free(head);
    git_commit_free(target);
    return rc;
}
