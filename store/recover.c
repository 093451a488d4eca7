/* What a killed dealboard left of a change (see the order in commit.c).
 *
 * A change records its paths in .git/dealboard-pending as soon as it holds
 * git's index lock, and removes the marker only after it let the lock go.
 * So a marker found under our own flock proves that a dealboard process died
 * mid-change, holding locks made within moments of the marker: those (and
 * only those: a lock of another time is some git command's) are removed.
 *
 * The work tree is touched only after the branch moved, so each marked path
 * is in one of three states: as HEAD has it (the change failed, or finished
 * but for the index), as HEAD's parent has it (committed, file not put in
 * place yet: it is brought to HEAD), or edited by someone since (left alone:
 * `sync` and `doctor` show it). Temp files are removed. Nothing is committed. */
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
#include "index_lock.h"
#include "repo_internal.h"

char *repo_pending_marker(db_repo *repo)
{
    return fs_join(git_repository_path(repo->git), "dealboard-pending");
}

/* Lines "<path>\t<blob before the change, or ->". Written in place, not
 * through a temp file: a process killed while writing it leaves at worst a
 * cut last line, which recovery reads as a path without its blob. */
int repo_begin_change(db_repo *repo, index_lock *lock, const char *const *paths, size_t n,
                      git_commit *before, bool *marked, db_err *err)
{
    *marked = false;
    strbuf text = {0};                   /* made first: the lock is held bare for no longer */
    for (size_t i = 0; i < n; i++) {     /* than two system calls (see the top of this file) */
        git_oid id;
        char hex[GIT_OID_HEXSZ + 1] = "-";
        if (gitu_blob_at(before, paths[i], &id))
            git_oid_tostr(hex, sizeof hex, &id);
        sb_printf(&text, "%s\t%s\n", paths[i], hex);
    }
    int rc = index_lock_take(git_repository_path(repo->git), lock, err);
    char *marker = repo_pending_marker(repo);
    int fd = rc ? -1 : open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
    bool ok = fd >= 0 && fs_write_all(fd, text.data ? text.data : "", text.len) && fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!rc && !ok) {
        rc = db_fail(err, DB_EIO, "%s: cannot write: %s", marker, strerror(saved));
        unlink(marker);
    }
    *marked = !rc;
    free(marker);
    sb_free(&text);
    return rc;
}

void repo_clear_pending(db_repo *repo)
{
    char *marker = repo_pending_marker(repo);
    unlink(marker);
    free(marker);
}

typedef struct {
    char *path;
    bool known;            /* the line names the blob before the change */
    bool existed;
    git_oid before;
} marked_path;

static size_t read_marker(db_repo *repo, marked_path **out)
{
    char *marker = repo_pending_marker(repo), *text = NULL;
    size_t len = 0, n = 0;
    db_err ignored;
    *out = NULL;
    if (fs_read_file(marker, &text, &len, &ignored) == 0) {
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char *tab = strchr(line, '\t');
            if (tab)
                *tab++ = '\0';
            if (strstr(line, "..") || line[0] == '/' || !line[0])
                continue;                         /* only paths inside the work tree */
            *out = xrealloc(*out, (n + 1) * sizeof **out);
            marked_path *m = &(*out)[n++];
            memset(m, 0, sizeof *m);
            m->path = xstrdup(line);
            m->known = tab && (strcmp(tab, "-") == 0 || git_oid_fromstr(&m->before, tab) == 0);
            m->existed = m->known && strcmp(tab, "-") != 0;
        }
    }
    free(text);
    free(marker);
    return n;
}

/* "<name>.tmp-XXXXXX" beside the file (fs_write_temp). */
static void remove_temps(const char *root, const char *relpath)
{
    char *path = fs_join(root, relpath);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    const char *name = slash + 1;
    size_t len = strlen(name);
    DIR *dir = opendir(path);
    struct dirent *e;
    while (dir && (e = readdir(dir)))
        if (strncmp(e->d_name, name, len) == 0 && strncmp(e->d_name + len, ".tmp-", 5) == 0 &&
            strlen(e->d_name + len) == strlen(".tmp-XXXXXX"))
            unlinkat(dirfd(dir), e->d_name, 0);
    if (dir)
        closedir(dir);
    free(path);
}

typedef struct {
    bool exists;
    git_oid id;
} version;

static bool same(const version *a, const version *b)
{
    return a->exists == b->exists && (!a->exists || git_oid_equal(&a->id, &b->id));
}

static int put_head_version(db_repo *repo, const char *relpath, const version *head, db_err *err)
{
    char *path = fs_join(repo->root, relpath);
    git_blob *blob = NULL;
    int rc = 0;
    if (!head->exists)
        rc = fs_unlink_durable(path, err);
    else if (git_blob_lookup(&blob, repo->git, &head->id) < 0)
        rc = gitu_fail(err, DB_EIO, relpath);
    else
        rc = fs_write_atomic(path, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
                             0666, err);
    git_blob_free(blob);
    free(path);
    return rc;
}

/* One marked path; *touched: its index entry is to be brought to HEAD. */
static int recover_path(db_repo *repo, git_commit *head, git_commit *parent, const marked_path *m,
                        bool *touched, db_err *err)
{
    db_err ignored;
    const char *relpath = m->path;
    *touched = false;
    remove_temps(repo->root, relpath);
    if (fs_check_dirs(repo->root, relpath, &ignored) != 0)
        return 0;                                 /* never through a link */
    version in_head = {0}, before = {m->existed, m->before}, on_disk = {0};
    in_head.exists = gitu_blob_at(head, relpath, &in_head.id);
    if (!m->known)                                /* a cut line: the commit's parent */
        before.exists = gitu_blob_at(parent, relpath, &before.id);
    char *path = fs_join(repo->root, relpath);
    struct stat st;
    on_disk.exists = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
    free(path);
    if (on_disk.exists &&
        git_repository_hashfile(&on_disk.id, repo->git, relpath, GIT_OBJECT_BLOB, NULL) < 0)
        return gitu_fail(err, DB_EIO, relpath);
    if (same(&on_disk, &in_head)) {
        *touched = true;                          /* only the index may lag */
        return 0;
    }
    if (!same(&on_disk, &before))
        return 0;                                 /* edited since: the user's */
    *touched = true;
    return put_head_version(repo, relpath, &in_head, err);
}

/* The touched paths' index entries as HEAD has them. */
static int sync_index(db_repo *repo, const marked_path *paths, const bool *touched, size_t n, db_err *err)
{
    git_index *index = NULL;
    int rc = 0;
    if (git_repository_index(&index, repo->git) < 0 || git_index_read(index, 1) < 0)
        rc = gitu_fail(err, DB_EIO, "reading the git index");
    for (size_t i = 0; i < n && !rc; i++) {
        if (!touched[i])
            continue;
        char *path = fs_join(repo->root, paths[i].path);
        bool exists = access(path, F_OK) == 0;
        free(path);
        if ((exists ? git_index_add_bypath(index, paths[i].path) : git_index_remove_bypath(index, paths[i].path)) < 0)
            rc = gitu_fail(err, DB_EIO, paths[i].path);
    }
    if (!rc && git_index_write(index) < 0)
        rc = gitu_fail(err, DB_EIO, "writing the git index");
    git_index_free(index);
    return rc;
}

/* A lock the dead process held: made between its marker and its death,
 * which came within its few milliseconds of work. */
static bool made_during(const char *path, const struct stat *marker)
{
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    long long lock = st.st_mtim.tv_sec, mark = marker->st_mtim.tv_sec;
    return lock >= mark - 1 && lock <= mark + 10;
}

static void remove_if_made_during(const char *dir, const char *name, const struct stat *marker)
{
    char *path = fs_join(dir, name);
    if (made_during(path, marker))
        unlink(path);
    free(path);
}

static void remove_own_locks(db_repo *repo, const struct stat *marker)
{
    static const char *const names[] = {"index.lock", "index.lock.lock", "index.lock.new",
                                        "HEAD.lock"};
    const char *gitdir = git_repository_path(repo->git);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        remove_if_made_during(gitdir, names[i], marker);
    git_reference *ref = NULL;
    const char *branch = git_reference_lookup(&ref, repo->git, "HEAD") == 0
                             ? git_reference_symbolic_target(ref) : NULL;
    if (branch) {
        char *lock = xasprintf("%s.lock", branch);
        remove_if_made_during(git_repository_commondir(repo->git), lock, marker);
        free(lock);
    }
    git_reference_free(ref);
    git_error_clear();
}

static void head_and_parent(git_repository *git, git_commit **head, git_commit **parent)
{
    git_oid oid;
    *head = *parent = NULL;
    if (git_reference_name_to_id(&oid, git, "HEAD") == 0 && git_commit_lookup(head, git, &oid) == 0 &&
        git_commit_parentcount(*head) > 0)
        git_commit_parent(parent, *head, 0);
    git_error_clear();
}

/* Killed before its marker: its lock still says whose it is (index_lock.c);
 * so does the name of one it had not linked into place yet. */
static void remove_tagged_locks(db_repo *repo)
{
    const char *gitdir = git_repository_path(repo->git);
    char *lock = fs_join(gitdir, "index.lock");
    if (index_lock_is_tagged(lock))
        unlink(lock);
    free(lock);
    DIR *dir = opendir(gitdir);
    struct dirent *e;
    while (dir && (e = readdir(dir)))
        if (strncmp(e->d_name, "index.lock.dealboard-", 21) == 0)
            unlinkat(dirfd(dir), e->d_name, 0);
    if (dir)
        closedir(dir);
}

static int recover_under_lock(db_repo *repo, db_err *err)
{
    char *marker = repo_pending_marker(repo);
    struct stat marker_st;
    if (lstat(marker, &marker_st) != 0) {
        free(marker);
        remove_tagged_locks(repo);
        return 0;                                 /* nothing was interrupted */
    }
    remove_tagged_locks(repo);
    marked_path *paths = NULL;
    size_t n = read_marker(repo, &paths);
    remove_own_locks(repo, &marker_st);
    git_commit *head = NULL, *parent = NULL;
    head_and_parent(repo->git, &head, &parent);
    bool *touched = xcalloc(n ? n : 1, sizeof *touched);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        rc = recover_path(repo, head, parent, &paths[i], &touched[i], err);
    if (!rc && n && head)
        rc = sync_index(repo, paths, touched, n, err);
    if (!rc)
        unlink(marker);
    for (size_t i = 0; i < n; i++)
        free(paths[i].path);
    free(paths);
    free(touched);
    free(marker);
    git_commit_free(head);
    git_commit_free(parent);
    return rc;
}

int repo_recover(db_repo *repo, db_err *err)
{
    /* Without our flock, a marker may be a live process's change. */
    if (repo->lock_depth == 0)
        return db_fail(err, DB_EIO, "internal error: recovery without the repository lock");
    if (repo->recovered)
        return 0;
    int rc = recover_under_lock(repo, err);
    repo->recovered = rc == 0;
    return rc;
}
