/* sync_file_range(2) */
#define _GNU_SOURCE
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *fs_join(const char *a, const char *b)
{
    size_t la = strlen(a);
    return xasprintf("%s%s%s", a, la && a[la - 1] == '/' ? "" : "/", b);
}

int fs_read_file(const char *path, char **out, size_t *len, db_err *err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ELOOP)
            return db_fail(err, DB_EIO, "%s: is a symbolic link, not followed", path);
        return db_fail(err, DB_EIO, "%s: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)FS_MAX_FILE) {
        int rc = db_fail(err, DB_EIO, "%s: %s", path,
                         !S_ISREG(st.st_mode) ? "not a regular file" : "larger than 16 MB");
        close(fd);
        return rc;
    }
    char *buf = xmalloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    *out = buf;
    *len = got;
    return 0;
}

int fs_copy_file(const char *src, const char *dst, db_err *err)
{
    int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return db_fail(err, DB_EIO, "%s: %s", src, strerror(errno));
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    bool ok = out >= 0;
    const char *failed_at = dst;
    char buf[1 << 15];
    while (ok) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            failed_at = src;
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        ok = fs_write_all(out, buf, (size_t)n);
    }
    int saved = errno;
    if (out >= 0 && close(out) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    close(in);
    return ok ? 0 : db_fail(err, DB_EIO, "%s: cannot copy: %s", failed_at, strerror(saved));
}

static int fsync_dir_of(const char *path)
{
    char *copy = xstrdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

bool fs_write_all(int fd, const void *buf, size_t len)
{
    const char *data = buf;
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

int fs_write_atomic(const char *path, const char *data, size_t len, mode_t mode, db_err *err)
{
    return fs_write_atomic_ex(path, data, len, mode, true, err);
}

int fs_write_temp(const char *path, const char *data, size_t len, mode_t mode, bool durable,
                  char **tmp_out, db_err *err)
{
    char *tmp = xasprintf("%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int rc = db_fail(err, DB_EIO, "%s: cannot create a temporary file: %s", path, strerror(errno));
        free(tmp);
        return rc;
    }
    /* mkstemp makes 0600; honour the umask like any other new file. */
    mode_t mask = umask(0);
    umask(mask);
    int failed = fchmod(fd, mode & ~mask) < 0 || !fs_write_all(fd, data, len) ||
                 (durable && fsync(fd) < 0);
    int saved = errno;
    if (close(fd) < 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        unlink(tmp);
        free(tmp);
        return db_fail(err, DB_EIO, "%s: cannot write: %s", path, strerror(saved));
    }
    *tmp_out = tmp;
    return 0;
}

int fs_write_atomic_ex(const char *path, const char *data, size_t len, mode_t mode, bool durable,
                       db_err *err)
{
    char *tmp = NULL;
    int rc = fs_write_temp(path, data, len, mode, durable, &tmp, err);
    if (rc)
        return rc;
    if (rename(tmp, path) < 0) {
        int saved = errno;
        unlink(tmp);
        free(tmp);
        return db_fail(err, DB_EIO, "%s: cannot write: %s", path, strerror(saved));
    }
    free(tmp);
    if (durable)
        fsync_dir_of(path);
    return 0;
}

int fs_sync_dir_of(const char *path, db_err *err)
{
    if (fsync_dir_of(path) != 0)
        return db_fail(err, DB_EIO, "%s: cannot flush its directory: %s", path, strerror(errno));
    return 0;
}

int fs_unlink_durable(const char *path, db_err *err)
{
    if (unlink(path) < 0 && errno != ENOENT)
        return db_fail(err, DB_EIO, "%s: cannot remove: %s", path, strerror(errno));
    fsync_dir_of(path);
    return 0;
}

int fs_check_dirs(const char *root, const char *relpath, db_err *err)
{
    char *path = fs_join(root, relpath);
    char *p = path + strlen(path) - strlen(relpath);
    int rc = 0;
    for (char *slash = strchr(p, '/'); slash && !rc; slash = strchr(slash + 1, '/')) {
        struct stat st;
        *slash = '\0';
        if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode))
            rc = db_fail(err, DB_EIO, "%s: %s", p, S_ISLNK(st.st_mode)
                         ? "is a symbolic link, not followed" : "is not a directory");
        *slash = '/';
    }
    free(path);
    return rc;
}

int fs_mkdir_p(const char *path, mode_t mode, db_err *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;                          /* the usual case: one call, not one per level */
    char *copy = xstrdup(path);
    for (char *p = copy + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(copy, mode) < 0 && errno != EEXIST) {
                int rc = db_fail(err, DB_EIO, "%s: cannot create directory: %s", copy, strerror(errno));
                free(copy);
                return rc;
            }
            *p = saved;
            if (!saved)
                break;
        }
    }
    free(copy);
    return 0;
}


static bool in_list(char **items, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i], path) == 0)
            return true;
    return false;
}

static void add_unique(char ***items, size_t *n, const char *path)
{
    if (in_list(*items, *n, path))
        return;
    *items = xrealloc(*items, (*n + 1) * sizeof **items);
    (*items)[(*n)++] = xstrdup(path);
}

void fs_sync_add_dir(fs_sync_set *set, const char *dir)
{
    add_unique(&set->dirs, &set->ndirs, dir);
}

void fs_sync_add_file(fs_sync_set *set, const char *path)
{
    add_unique(&set->files, &set->nfiles, path);
    char *copy = xstrdup(path);
    fs_sync_add_dir(set, dirname(copy));
    free(copy);
}

static int sync_fail(db_err *err, const char *path)
{
    return db_fail(err, DB_EIO, "%s: cannot flush to disk: %s", path, strerror(errno));
}

typedef struct {
    int fd, error;
} sync_job;

typedef struct {
    sync_job *jobs;
    size_t n;
    atomic_size_t next;
} sync_queue;

static void *fsync_worker(void *arg)
{
    sync_queue *q = arg;
    for (size_t i; (i = atomic_fetch_add(&q->next, 1)) < q->n;)
        if (q->jobs[i].fd >= 0 && fsync(q->jobs[i].fd) < 0)
            q->jobs[i].error = errno;
    return NULL;
}

/* Concurrent fsyncs share one journal commit and disk cache flush (in turn,
 * each could wait for its own); a few threads keep enough of them in flight
 * for a change of a thousand files without a thread each. */
#define SYNC_THREADS 8

static void fsync_all(sync_job *jobs, size_t n)
{
    sync_queue q = {jobs, n, 0};
    pthread_t threads[SYNC_THREADS];
    bool started[SYNC_THREADS] = {false};
    size_t extra = n > 1 ? (n - 1 < SYNC_THREADS ? n - 1 : SYNC_THREADS) : 0;
    for (size_t t = 0; t < extra; t++)
        started[t] = pthread_create(&threads[t], NULL, fsync_worker, &q) == 0;
    fsync_worker(&q);                        /* this thread takes its share too */
    for (size_t t = 0; t < extra; t++)
        if (started[t])
            pthread_join(threads[t], NULL);
}

/* Every path is fsynced; writeback of the files starts first. A file that is
 * not there is skipped: a loose object that was already packed, say. */
int fs_sync_flush(fs_sync_set *set, db_err *err)
{
    size_t n = set->nfiles + set->ndirs;
    sync_job *jobs = xcalloc(n + 1, sizeof *jobs);
    for (size_t i = 0; i < n; i++) {
        bool dir = i >= set->nfiles;
        jobs[i].fd = open(dir ? set->dirs[i - set->nfiles] : set->files[i],
                          O_RDONLY | O_CLOEXEC | (dir ? O_DIRECTORY : O_NOFOLLOW));
        if (jobs[i].fd < 0)
            jobs[i].error = errno == ENOENT ? 0 : errno;
        else if (!dir)
            sync_file_range(jobs[i].fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    }
    fsync_all(jobs, n);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].fd >= 0)
            close(jobs[i].fd);
        if (jobs[i].error && !rc) {
            errno = jobs[i].error;
            rc = sync_fail(err, i >= set->nfiles ? set->dirs[i - set->nfiles] : set->files[i]);
        }
    }
    free(jobs);
    return rc;
}

void fs_sync_free(fs_sync_set *set)
{
    for (size_t i = 0; i < set->nfiles; i++)
        free(set->files[i]);
    for (size_t i = 0; i < set->ndirs; i++)
        free(set->dirs[i]);
    free(set->files);
    free(set->dirs);
    memset(set, 0, sizeof *set);
}

bool fs_writev_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        if (iov->iov_len == 0) {
            iov++, n--;
            continue;
        }
        ssize_t w = writev(fd, iov, n < IOV_MAX ? n : IOV_MAX);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        size_t left = (size_t)w;
        for (; n > 0 && left >= iov->iov_len; iov++, n--)
            left -= iov->iov_len;
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + left;
            iov->iov_len -= left;
        }
    }
    return true;
}
