#include "index_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "gitutil.h"

#define LOCK_POLL_MS 20

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int held_by_someone(const char *path, const char *what, db_err *err)
{
    return db_fail(err, DB_EIO,
                   "%s is locked by another git command (%s exists); nothing was changed. "
                   "Try again when it has finished. If no git command is running, one crashed "
                   "and left the lock: remove it (rm '%s') and try again",
                   what, path, path);
}

bool lock_file_wait(const char *path, const char *what, db_err *err)
{
    struct stat st;
    for (int waited = 0; lstat(path, &st) == 0; waited += LOCK_POLL_MS) {
        if (waited >= INDEX_LOCK_WAIT_MS) {
            held_by_someone(path, what, err);
            return false;
        }
        sleep_ms(LOCK_POLL_MS);
    }
    return true;
}

/* The lock is born with INDEX_LOCK_TAG in it: made under a name of its own,
 * then linked into place (atomic, and failing when the name is taken, as
 * O_EXCL does). A process killed before it could write its intent marker
 * thus still leaves a lock that says whose it is (recover.c). */
static int make_tagged(const char *gitdir, char **tmp, db_err *err)
{
    *tmp = xasprintf("%s%sindex.lock.dealboard-XXXXXX", gitdir,
                     gitdir[strlen(gitdir) - 1] == '/' ? "" : "/");
    int fd = mkstemp(*tmp);
    bool ok = fd >= 0 && fchmod(fd, 0644) == 0 &&
              fs_write_all(fd, INDEX_LOCK_TAG, strlen(INDEX_LOCK_TAG));
    int saved = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok)
        return 0;
    unlink(*tmp);
    return db_fail(err, DB_EIO, "%s: cannot create: %s", *tmp, strerror(saved));
}

int index_lock_take(const char *gitdir, index_lock *lock, db_err *err)
{
    memset(lock, 0, sizeof *lock);
    lock->index_path = fs_join(gitdir, "index");
    lock->lock_path = fs_join(gitdir, "index.lock");
    char *tmp = NULL;
    int rc = make_tagged(gitdir, &tmp, err);
    for (int waited = 0; !rc; waited += LOCK_POLL_MS) {
        if (link(tmp, lock->lock_path) == 0) {
            lock->held = true;
            break;
        }
        if (errno != EEXIST)
            rc = db_fail(err, DB_EIO, "%s: cannot create: %s", lock->lock_path, strerror(errno));
        else if (waited >= INDEX_LOCK_WAIT_MS)
            rc = held_by_someone(lock->lock_path, "the git index", err);
        else
            sleep_ms(LOCK_POLL_MS);
    }
    if (tmp)
        unlink(tmp);
    free(tmp);
    return rc;
}

bool index_lock_is_tagged(const char *path)
{
    char buf[sizeof INDEX_LOCK_TAG] = "";
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
        close(fd);
    return n == (ssize_t)strlen(INDEX_LOCK_TAG) && memcmp(buf, INDEX_LOCK_TAG, (size_t)n) == 0;
}

const char *index_form_advice(const char *message)
{
    if (!message)
        return NULL;
    if (strstr(message, "'link'"))
        return "the git index is split (core.splitIndex), a form dealboard's git library "
               "cannot write; nothing was changed. Turn it off with: git config core.splitIndex "
               "false && git update-index --no-split-index";
    if (strstr(message, "'sdir'"))
        return "the git index is a sparse index (index.sparse), a form dealboard's git library "
               "cannot write; nothing was changed. Turn it off with: git sparse-checkout reapply "
               "--no-sparse-index (the sparse checkout itself is supported)";
    return NULL;
}

/* The index copied into the lock file, which libgit2 then opens: its edits
 * and its write go to the lock, never to the index itself. With no index
 * yet (a new repository) libgit2 starts empty on a path of its own, renamed
 * over the lock once written, so the lock is held throughout either way. */
static int open_copy(index_lock *lock, db_err *err)
{
    struct stat st;
    if (lstat(lock->index_path, &st) != 0) {
        lock->edit_path = xasprintf("%s.new", lock->lock_path);
        unlink(lock->edit_path);
        return 0;
    }
    lock->edit_path = xstrdup(lock->lock_path);
    return fs_copy_file(lock->index_path, lock->lock_path, err);
}

int index_lock_open(index_lock *lock, db_err *err)
{
    int rc = open_copy(lock, err);
    if (rc)
        return rc;
    if (git_index_open(&lock->index, lock->edit_path) < 0) {
        const git_error *e = git_error_last();
        const char *advice = index_form_advice(e ? e->message : NULL);
        return advice ? db_fail(err, DB_EIO, "%s", advice)
                      : gitu_fail(err, DB_EIO, "reading the git index");
    }
    return 0;
}

static void put_stat(git_index_entry *entry, const struct stat *st)
{
    entry->ctime.seconds = (int32_t)st->st_ctim.tv_sec;
    entry->ctime.nanoseconds = (uint32_t)st->st_ctim.tv_nsec;
    entry->mtime.seconds = (int32_t)st->st_mtim.tv_sec;
    entry->mtime.nanoseconds = (uint32_t)st->st_mtim.tv_nsec;
    entry->dev = (uint32_t)st->st_dev;
    entry->ino = (uint32_t)st->st_ino;
    entry->uid = st->st_uid;
    entry->gid = st->st_gid;
    entry->file_size = (uint32_t)st->st_size;
}

int index_lock_stage(index_lock *lock, const char *relpath, const git_oid *id, uint32_t mode,
                     const struct stat *st, db_err *err)
{
    git_index_entry entry;
    memset(&entry, 0, sizeof entry);
    const git_index_entry *old = git_index_get_bypath(lock->index, relpath, 0);
    if (st) {
        put_stat(&entry, st);
    } else if (old) {
        entry.flags_extended = old->flags_extended;    /* skip-worktree stays */
    }
    entry.mode = mode;
    entry.path = relpath;
    git_oid_cpy(&entry.id, id);
    if (git_index_add(lock->index, &entry) < 0)
        return gitu_fail(err, DB_EIO, relpath);
    return 0;
}

/* A rename changes the file's ctime (ext4, tmpfs, xfs), and git counts a
 * ctime other than the index's as "not up to date": `git sparse-checkout`
 * then leaves such a file checked out, unmarked. So the entries get the
 * stat data of the files as they are in place. The lock already holds a
 * complete index: if anything here fails, that one stays. */
void index_lock_restat(index_lock *lock, const char *root, const char *const *relpaths, size_t n)
{
    bool changed = false;
    for (size_t i = 0; i < n; i++) {
        const git_index_entry *old = git_index_get_bypath(lock->index, relpaths[i], 0);
        char *path = fs_join(root, relpaths[i]);
        struct stat st;
        bool present = old && lstat(path, &st) == 0;
        free(path);
        if (!present || ((int64_t)old->ctime.seconds == (int64_t)st.st_ctim.tv_sec &&
                         old->ctime.nanoseconds == (uint32_t)st.st_ctim.tv_nsec &&
                         (int64_t)old->mtime.seconds == (int64_t)st.st_mtim.tv_sec &&
                         old->mtime.nanoseconds == (uint32_t)st.st_mtim.tv_nsec &&
                         old->ino == (uint32_t)st.st_ino))
            continue;
        git_index_entry entry = *old;
        put_stat(&entry, &st);
        changed |= git_index_add(lock->index, &entry) == 0;
    }
    db_err ignored;
    if (changed && index_lock_write(lock, &ignored) != 0)
        git_error_clear();
}

int index_lock_write(index_lock *lock, db_err *err)
{
    if (git_index_write(lock->index) < 0)
        return gitu_fail(err, DB_EIO, "writing the git index");
    if (strcmp(lock->edit_path, lock->lock_path) != 0 && rename(lock->edit_path, lock->lock_path) != 0)
        return db_fail(err, DB_EIO, "%s: cannot rename: %s", lock->edit_path, strerror(errno));
    return 0;
}

int index_lock_commit(index_lock *lock, db_err *err)
{
    if (rename(lock->lock_path, lock->index_path) != 0)
        return db_fail(err, DB_EIO, "%s: cannot rename into place: %s", lock->lock_path,
                       strerror(errno));
    lock->held = false;
    db_err ignored;
    fs_sync_dir_of(lock->index_path, &ignored);
    return 0;
}

void index_lock_release(index_lock *lock)
{
    if (lock->held) {
        char *nested = xasprintf("%s.lock", lock->lock_path);   /* libgit2's, if it died writing */
        unlink(nested);
        unlink(lock->lock_path);
        free(nested);
    }
    if (lock->edit_path && strcmp(lock->edit_path, lock->lock_path) != 0)
        unlink(lock->edit_path);
    free(lock->edit_path);
    git_index_free(lock->index);
    free(lock->index_path);
    free(lock->lock_path);
    memset(lock, 0, sizeof *lock);
}
