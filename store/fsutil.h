/* File-system helpers: bounded reads that never follow links, atomic writes. */
#ifndef DB_FSUTIL_H
#define DB_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "../pipeline/util.h"

#define FS_MAX_FILE (16u << 20)

/* Reads a regular file (not a symlink) of at most FS_MAX_FILE bytes. */
int fs_read_file(const char *path, char **out, size_t *len, db_err *err);
/* Temp file in the same directory, fsync, rename over path, fsync the directory:
 * a crash leaves either the old or the new file, never a torn one. */
int fs_write_atomic(const char *path, const char *data, size_t len, mode_t mode, db_err *err);
/* The same without the fsyncs, for batches made durable at once by
 * fs_sync_flush. */
/* The first half of an atomic write: path.tmp-XXXXXX with the content (its
 * name in *tmp_out, caller frees), for a caller that renames it into place
 * only once the change is certain. */
int fs_write_temp(const char *path, const char *data, size_t len, mode_t mode, bool durable,
                  char **tmp_out, db_err *err);
int fs_write_atomic_ex(const char *path, const char *data, size_t len, mode_t mode, bool durable,
                       db_err *err);
/* Files and directories a change wrote, made durable together: fsync of
 * exactly these, not of the whole file system (syncfs would also wait for
 * other processes' data). */
typedef struct {
    char **files, **dirs;
    size_t nfiles, ndirs;
} fs_sync_set;
/* The file and its directory (an entry added, replaced or renamed there). */
void fs_sync_add_file(fs_sync_set *set, const char *path);
void fs_sync_add_dir(fs_sync_set *set, const char *dir);
int fs_sync_flush(fs_sync_set *set, db_err *err);
void fs_sync_free(fs_sync_set *set);
/* Copies src over dst (created or truncated; no fsync). */
int fs_copy_file(const char *src, const char *dst, db_err *err);
/* fsync of the directory that holds path. */
int fs_sync_dir_of(const char *path, db_err *err);
int fs_mkdir_p(const char *path, mode_t mode, db_err *err);
int fs_unlink_durable(const char *path, db_err *err);
char *fs_join(const char *a, const char *b);
/* writev until everything is written (short writes, EINTR); false on error.
 * Consumes iov (its entries are advanced). */
/* write(2) until all is written (EINTR retried); false on an error. */
bool fs_write_all(int fd, const void *buf, size_t len);
bool fs_writev_all(int fd, struct iovec *iov, int n);
/* Fails when a directory on the way from root to relpath (the last component
 * excluded) is a symbolic link or not a directory: teammates' commits may hold
 * symlinks, and nothing is read or written through them. Missing is fine. */
int fs_check_dirs(const char *root, const char *relpath, db_err *err);

#endif
