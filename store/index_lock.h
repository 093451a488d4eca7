/* Git's index lock, held across a whole commit as `git commit` holds it.
 *
 * index.lock is created (O_EXCL) before anything is written, so a git
 * command running beside dealboard can neither be overridden nor record a
 * stale index while the branch moves. The new index is written by libgit2
 * into the lock file itself (an index opened on that path: libgit2 writes
 * index.lock.lock and renames it over index.lock, which therefore exists
 * throughout), and renamed over the index only after the branch moved.
 *
 * Another process's lock is never removed: taking it waits a bounded moment
 * (sleeping) and then refuses in words. */
#ifndef DB_INDEX_LOCK_H
#define DB_INDEX_LOCK_H

#include <git2.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "../pipeline/util.h"

typedef struct index_lock {
    char *index_path;     /* <gitdir>/index */
    char *lock_path;      /* <gitdir>/index.lock */
    char *edit_path;      /* where libgit2 writes: the lock, or a new file beside it */
    git_index *index;     /* the lock file's copy of the index, to edit */
    bool held;
} index_lock;

/* How long a lock held by someone else is waited for. */
#define INDEX_LOCK_WAIT_MS 2000

/* What a lock dealboard takes holds until the index is written into it. */
#define INDEX_LOCK_TAG "dealboard: index lock\n"

/* Takes index.lock in gitdir (a repository's or a linked work tree's),
 * created with INDEX_LOCK_TAG in it. */
int index_lock_take(const char *gitdir, index_lock *lock, db_err *err);
/* True when path is a lock dealboard made and has not written yet. */
bool index_lock_is_tagged(const char *path);
/* Loads the index into lock->index for editing. Refuses, in words with the
 * git command that turns them off, the index forms libgit2 cannot write
 * (split index, sparse index). */
int index_lock_open(index_lock *lock, db_err *err);
/* Puts relpath's entry into lock->index: the blob, its mode, the stat data
 * of the file that will be in place (NULL: a file not checked out, whose
 * entry keeps its flags, such as skip-worktree). */
int index_lock_stage(index_lock *lock, const char *relpath, const git_oid *id, uint32_t mode,
                     const struct stat *st, db_err *err);
/* Writes lock->index into the lock file (still held). */
int index_lock_write(index_lock *lock, db_err *err);
/* After the files were renamed into place: their entries take the stat data
 * they have there (a rename changes ctime), and the lock is written again
 * when that changed anything. Best effort: the lock stays valid either way. */
void index_lock_restat(index_lock *lock, const char *root, const char *const *relpaths, size_t n);
/* Renames the lock file over the index: the lock is released. */
int index_lock_commit(index_lock *lock, db_err *err);
/* Removes the lock file if still held (ours), frees everything. */
void index_lock_release(index_lock *lock);

/* "the index is split: …" for libgit2's error on an index form it does not
 * read, else NULL. */
const char *index_form_advice(const char *libgit2_message);

/* Waits (sleeping) up to INDEX_LOCK_WAIT_MS for path to disappear; false and
 * err set in words when it is still there (someone else's lock). what: the
 * thing it guards ("the git index", "the branch main"). */
bool lock_file_wait(const char *path, const char *what, db_err *err);

#endif
