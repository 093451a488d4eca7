/* Work tree against index for dealboard's own files (see worktree_scan.h).
 *
 *   tracked     each index entry: fstatat in its shard directory, rehash when
 *               its stat data differs or is not older than the index file
 *   untracked   pipeline.json, and deal files in shards that hold more deal
 *               files than the index lists there */
#include "worktree_scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "gitutil.h"
#include "merge_tree.h"

#define NSHARDS (37 * 37)           /* two characters of [a-z0-9-] */

typedef struct {
    git_repository *git;
    git_index *index;
    struct timespec index_mtime;    /* entries not older than this are rehashed */
    int root_fd, deals_fd;          /* -1: not a real directory */
    int shard_fd;                   /* the shard of the entries being looked at */
    char shard[3];
    unsigned present[NSHARDS];      /* tracked deal files found, per shard */
    worktree_changes *out;
} scan_ctx;

static void add_path(worktree_changes *c, const char *path)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->paths = xrealloc(c->paths, c->cap * sizeof *c->paths);
    }
    c->paths[c->n++] = xstrdup(path);
}

static int shard_index(const char *two)
{
    int v = 0;
    for (int i = 0; i < 2; i++) {
        char ch = two[i];
        int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'z' ? ch - 'a' + 10
                : ch == '-' ? 36 : -1;
        if (d < 0)
            return -1;
        v = v * 37 + d;
    }
    return v;
}

/* A directory under dir_fd, not through a link; -1 when there is none. */
static int open_dir(int dir_fd, const char *name)
{
    return dir_fd < 0 ? -1 : openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* The directory fd and file name of a deal path or pipeline.json. */
static int dir_of(scan_ctx *s, const char *path, const char **name)
{
    if (strcmp(path, "pipeline.json") == 0) {
        *name = path;
        return s->root_fd;
    }
    if (strncmp(path + 6, s->shard, 2) != 0 || !s->shard[0]) {
        close_fd(&s->shard_fd);
        memcpy(s->shard, path + 6, 2);
        s->shard[2] = '\0';
        s->shard_fd = open_dir(s->deals_fd, s->shard);
    }
    *name = path + 9;
    return s->shard_fd;
}

static bool same_time(const git_index_time *t, const struct timespec *ts)
{
    return t->seconds == (int32_t)ts->tv_sec && t->nanoseconds == (uint32_t)ts->tv_nsec;
}

static bool not_older_than_index(const scan_ctx *s, const git_index_time *t)
{
    return t->seconds > (int32_t)s->index_mtime.tv_sec ||
           (t->seconds == (int32_t)s->index_mtime.tv_sec &&
            t->nanoseconds >= (uint32_t)s->index_mtime.tv_nsec);
}

static bool executable(uint32_t mode)
{
    return mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/* The stat data recorded for the entry still describes the file. */
static bool stat_matches(const git_index_entry *e, const struct stat *st)
{
    return e->file_size == (uint32_t)st->st_size && same_time(&e->mtime, &st->st_mtim) &&
           same_time(&e->ctime, &st->st_ctim) && e->ino == (uint32_t)st->st_ino &&
           e->uid == (uint32_t)st->st_uid && e->gid == (uint32_t)st->st_gid &&
           executable(e->mode) == ((st->st_mode & S_IXUSR) != 0);
}

/* 1 when the file differs from the entry, 0 when not, -1 on error. */
static int tracked_differs(scan_ctx *s, const git_index_entry *e)
{
    const char *name;
    int fd = dir_of(s, e->path, &name);
    struct stat st;
    if (GIT_INDEX_ENTRY_STAGE(e) != 0 || fd < 0 || fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
        !S_ISREG(st.st_mode))
        return 1;                                /* conflicted, removed or not a file */
    if (fd != s->root_fd) {
        int shard = shard_index(s->shard);
        if (shard >= 0)
            s->present[shard]++;
    }
    if (stat_matches(e, &st) && !not_older_than_index(s, &e->mtime))
        return 0;
    git_oid id;
    if (git_repository_hashfile(&id, s->git, e->path, GIT_OBJECT_BLOB, NULL) < 0)
        return -1;
    return !git_oid_equal(&id, &e->id) || executable(e->mode) != ((st.st_mode & S_IXUSR) != 0);
}

/* An untracked regular file that git would not ignore. */
static int untracked(scan_ctx *s, int dir_fd, const char *name, const char *path)
{
    struct stat st;
    int ignored = 0;
    if (git_index_get_bypath(s->index, path, 0) || fstatat(dir_fd, name, &st,
                                                           AT_SYMLINK_NOFOLLOW) < 0 ||
        !S_ISREG(st.st_mode))
        return 0;
    if (git_ignore_path_is_ignored(&ignored, s->git, path) < 0)
        return -1;
    if (!ignored)
        add_path(s->out, path);
    return 0;
}

static bool is_deal_file(const char *shard, const char *name, char *path, size_t len)
{
    snprintf(path, len, "deals/%s/%s", shard, name);
    return merge_is_deal_path(path);
}

/* A shard with more deal files than the index found there has untracked ones. */
static int scan_shard(scan_ctx *s, const char *shard)
{
    int idx = shard_index(shard);
    int fd = strlen(shard) == 2 && idx >= 0 ? open_dir(s->deals_fd, shard) : -1;
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    char path[sizeof "deals/xx/" + 256];
    unsigned files = 0;
    struct dirent *d;
    while ((d = readdir(dir)))
        files += is_deal_file(shard, d->d_name, path, sizeof path);
    int rc = 0;
    if (files > s->present[idx]) {
        rewinddir(dir);
        while (!rc && (d = readdir(dir)))
            if (is_deal_file(shard, d->d_name, path, sizeof path))
                rc = untracked(s, dirfd(dir), d->d_name, path);
    }
    closedir(dir);
    return rc;
}

static int scan_untracked(scan_ctx *s)
{
    int rc = untracked(s, s->root_fd, "pipeline.json", "pipeline.json");
    int fd = s->deals_fd >= 0 ? dup(s->deals_fd) : -1;
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir && fd >= 0)
        close(fd);
    struct dirent *d;
    while (!rc && dir && (d = readdir(dir)))
        if (d->d_name[0] != '.')
            rc = scan_shard(s, d->d_name);
    if (dir)
        closedir(dir);
    return rc;
}

static void index_file_mtime(git_repository *git, struct timespec *out)
{
    char *path = fs_join(git_repository_path(git), "index");
    struct stat st;
    memset(out, 0, sizeof *out);
    if (stat(path, &st) == 0)
        *out = st.st_mtim;
    free(path);
}

int worktree_scan(git_repository *git, git_index *index, const char *root,
                  worktree_changes *out, db_err *err)
{
    scan_ctx *s = xcalloc(1, sizeof *s);
    s->git = git;
    s->index = index;
    s->out = out;
    s->shard_fd = -1;
    index_file_mtime(git, &s->index_mtime);
    s->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    s->deals_fd = open_dir(s->root_fd, "deals");
    int rc = s->root_fd < 0 ? db_fail(err, DB_EIO, "%s: %s", root, strerror(errno)) : 0;
    size_t n = git_index_entrycount(index);
    for (size_t i = 0; i < n && !rc; i++) {
        const git_index_entry *e = git_index_get_byindex(index, i);
        if (!merge_is_json_path(e->path))
            continue;
        int differs = tracked_differs(s, e);
        if (differs < 0)
            rc = git_fail(err, DB_EIO, e->path);
        else if (differs && (out->n == 0 || strcmp(out->paths[out->n - 1], e->path) != 0))
            add_path(out, e->path);              /* once for the stages of a conflict */
    }
    if (!rc && scan_untracked(s) < 0)
        rc = git_fail(err, DB_EIO, "looking for new deal files");
    close_fd(&s->shard_fd);
    close_fd(&s->deals_fd);
    close_fd(&s->root_fd);
    free(s);
    return rc;
}

void worktree_changes_free(worktree_changes *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->paths[i]);
    free(c->paths);
    memset(c, 0, sizeof *c);
}
