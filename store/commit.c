/* Writing deals and committing them: one commit per user-visible change. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "config_load.h"
#include "fsutil.h"
#include "gitutil.h"
#include "index_fast.h"
#include "repo_internal.h"


char *repo_user_name(db_repo *repo)
{
    git_signature *sig = NULL;
    db_err err;
    if (git_identity(repo->git, &sig, &err))
        return xstrdup("dealboard");
    char *name = xstrdup(sig->name);
    git_signature_free(sig);
    return name;
}

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

/* Not flushed here: what it wrote goes into `written`, flushed with the
 * change's objects before the commit (sync_change). */
static int write_change(db_repo *repo, const repo_change *c, fs_sync_set *written, db_err *err)
{
    /* Never write through a linked directory (deals/xx -> elsewhere). */
    int rc = fs_check_dirs(repo->root, c->relpath, err);
    if (rc)
        return rc;
    char *path = fs_join(repo->root, c->relpath);
    char *dir = xstrdup(path);
    *strrchr(dir, '/') = '\0';
    if (c->content) {
        struct stat st;
        if (stat(dir, &st) != 0)
            sync_new_parents(written, repo->root, dir);
        rc = fs_mkdir_p(dir, 0777, err);
        if (!rc)
            rc = fs_write_atomic_ex(path, c->content, c->len, 0666, false, err);
        if (!rc)
            fs_sync_add_file(written, path);
    } else {
        rc = fs_unlink_durable(path, err);
    }
    free(dir);
    free(path);
    return rc;
}

static int head_commit(git_repository *git, git_commit **out, db_err *err)
{
    git_oid oid;
    *out = NULL;
    int rc = git_reference_name_to_id(&oid, git, "HEAD");
    if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
        return 0;                              /* first commit */
    if (rc < 0 || git_commit_lookup(out, git, &oid) < 0)
        return git_fail(err, DB_EIO, "reading HEAD");
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
                rc = git_fail(err, DB_EIO, changes[i].relpath);
            git_oid_cpy(&u->id, &blob_ids[i]);
        }
        count++;
    }
    if (!rc && git_tree_create_updated(tree_id, git, base, count, updates) < 0)
        rc = git_fail(err, DB_EIO, "writing tree");
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
        return git_fail(err, DB_EIO, "reading the new tree");
    char *objdir = fs_join(git_repository_path(repo->git), "objects");
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
    git_tree *tree = NULL;
    git_signature *sig = NULL;
    int rc = git_tree_lookup(&tree, repo->git, tree_id) < 0 ? git_fail(err, DB_EIO, "reading tree") : 0;
    if (!rc)
        rc = git_identity(repo->git, &sig, err);
    if (!rc) {
        const git_commit *parents[1] = {parent};
        if (git_commit_create(commit_id, repo->git, NULL, sig, sig, "UTF-8", message, tree,
                              parent ? 1 : 0, parents) < 0)
            rc = git_fail(err, DB_EIO, "committing");
    }
    git_signature_free(sig);
    git_tree_free(tree);
    return rc;
}

/* HEAD's branch (or a detached HEAD) to the new commit, as git_commit_create
 * would move it: only from the parent, with the same reflog message (which
 * libgit2 also appends to HEAD's log). libgit2 makes the ref and both logs
 * durable itself: its files backend takes the fsync setting when the
 * repository's refdb is made (here by head_commit's read of HEAD, with
 * fsync on as git_setup left it, before the commit's fsync-off stretch),
 * and fsyncs each log, the ref before its rename, and their directories.
 * (Flushing them again afterwards, as this did, only cost a round.) */
static int update_head(db_repo *repo, git_commit *parent, const git_oid *commit_id, db_err *err)
{
    git_reference *head = NULL, *moved = NULL;
    git_commit *commit = NULL;
    if (git_reference_lookup(&head, repo->git, "HEAD") < 0 ||
        git_commit_lookup(&commit, repo->git, commit_id) < 0) {
        git_reference_free(head);
        return git_fail(err, DB_EIO, "reading HEAD");
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
    int rc = failed < 0 ? git_fail(err, DB_EIO, "committing") : 0;
    free(log);
    git_reference_free(moved);
    git_commit_free(commit);
    git_reference_free(head);
    return rc;
}

/* The index entries of the changed paths, with the stat data of the files
 * just written, so that `git status` needs no rehash and the index matches
 * HEAD again. */
static int index_updates(db_repo *repo, const repo_change *changes, size_t n,
                         const git_oid *blob_ids, index_update *out, db_err *err)
{
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].path = changes[i].relpath;
        out[i].removed = !changes[i].content;
        if (out[i].removed)
            continue;
        git_oid_cpy(&out[i].id, &blob_ids[i]);
        char *path = fs_join(repo->root, changes[i].relpath);
        int failed = lstat(path, &out[i].st);
        free(path);
        if (failed)
            return db_fail(err, DB_EIO, "%s: %s", changes[i].relpath, strerror(errno));
    }
    return 0;
}

static void entry_of(const index_update *u, git_index_entry *entry)
{
    memset(entry, 0, sizeof *entry);
    entry->ctime.seconds = (int32_t)u->st.st_ctim.tv_sec;
    entry->ctime.nanoseconds = (uint32_t)u->st.st_ctim.tv_nsec;
    entry->mtime.seconds = (int32_t)u->st.st_mtim.tv_sec;
    entry->mtime.nanoseconds = (uint32_t)u->st.st_mtim.tv_nsec;
    entry->dev = (uint32_t)u->st.st_dev;
    entry->ino = (uint32_t)u->st.st_ino;
    entry->mode = GIT_FILEMODE_BLOB;
    entry->uid = u->st.st_uid;
    entry->gid = u->st.st_gid;
    entry->file_size = (uint32_t)u->st.st_size;
    entry->path = u->path;
    git_oid_cpy(&entry->id, &u->id);
}

/* libgit2 reads, parses and rewrites the whole index: the way for the
 * forms store/index_fast.c leaves alone. */
static int update_index_libgit2(db_repo *repo, const index_update *u, size_t n, db_err *err)
{
    git_index *index = NULL;
    int rc = 0;
    if (git_repository_index(&index, repo->git) < 0 || git_index_read(index, 0) < 0)
        rc = git_fail(err, DB_EIO, "reading the index");
    for (size_t i = 0; i < n && !rc; i++) {
        if (u[i].removed) {
            git_index_remove(index, u[i].path, 0);   /* absent is fine */
            continue;
        }
        git_index_entry entry;
        entry_of(&u[i], &entry);
        if (git_index_add(index, &entry) < 0)
            rc = git_fail(err, DB_EIO, u[i].path);
    }
    if (!rc && git_index_write(index) < 0)
        rc = git_fail(err, DB_EIO, "writing the index");
    git_index_free(index);
    return rc;
}

static int apply_index(db_repo *repo, const index_update *u, size_t n, db_err *err)
{
    int rc = index_fast_update(git_repository_path(repo->git), repo->root, u, n, err);
    return rc == INDEX_FAST_UNSUPPORTED ? update_index_libgit2(repo, u, n, err) : rc;
}

static int update_index(db_repo *repo, const repo_change *changes, size_t n,
                        const git_oid *blob_ids, db_err *err)
{
    index_update *u = xcalloc(n ? n : 1, sizeof *u);
    int rc = index_updates(repo, changes, n, blob_ids, u, err);
    if (!rc)
        rc = apply_index(repo, u, n, err);
    free(u);
    return rc;
}

/* Written in place, not through a temp file: a process killed while
 * writing it leaves at worst a cut last line, a path prefix that only widens
 * what recovery looks at; it never leaves litter. With a deferred index it
 * also names the paths whose index entries still wait (see below). */
static bool is_pending(const db_repo *repo, const char *relpath)
{
    for (size_t i = 0; i < repo->nindex_pending; i++)
        if (strcmp(repo->index_pending[i].path, relpath) == 0)
            return true;
    return false;
}

/* Our marker, still on disk as we wrote it, names every waiting path: when
 * the change's paths all wait already (the board moving a deal again), it
 * says all there is to say, and rewriting it would only cost an fsync. */
static bool marker_covers(db_repo *repo, const repo_change *changes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_pending(repo, changes[i].relpath))
            return false;
    return repo_marker_is_own(repo);
}

static int mark_pending(db_repo *repo, const repo_change *changes, size_t n, db_err *err)
{
    if (marker_covers(repo, changes, n))
        return 0;
    strbuf paths = {0};
    for (size_t i = 0; i < repo->nindex_pending; i++)
        sb_printf(&paths, "%s\n", repo->index_pending[i].path);
    for (size_t i = 0; i < n; i++)
        sb_printf(&paths, "%s\n", changes[i].relpath);
    char *marker = repo_pending_marker(repo);
    int fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
    bool ok = fd >= 0 && write(fd, paths.data, paths.len) == (ssize_t)paths.len && fsync(fd) == 0 &&
              fstat(fd, &repo->marker_stat) == 0;
    int saved = errno;
    if (fd >= 0)
        close(fd);
    int rc = ok ? 0 : db_fail(err, DB_EIO, "%s: cannot write: %s", marker, strerror(saved));
    free(marker);
    sb_free(&paths);
    return rc;
}

/* The marker goes once nothing waits; while index entries wait, it stays
 * (it names a superset of their paths). */
static void clear_pending(db_repo *repo)
{
    if (repo->nindex_pending)
        return;
    char *marker = repo_pending_marker(repo);
    unlink(marker);
    free(marker);
}

/* ---- the deferred index -------------------------------------------------
 * A long-lived board commits at once (HEAD and the work tree are right on
 * every keypress) but leaves the index, which costs a rewrite of the whole
 * file, to idle time. Why a lagging index never makes anyone wrong:
 * - Its paths stay in the intent marker, fsynced with every commit. If the
 *   board dies, the next process that takes the lock (every writer, doctor,
 *   sync) runs recovery on them: the files equal HEAD, so no commit is made,
 *   and recovery's own commit writes their index entries: repaired at the
 *   cost of one status over those paths. The board itself skips recovery
 *   while the marker is the one it wrote (its identity is kept).
 * - Nothing of dealboard's takes content from the index: commits build trees
 *   from HEAD's, undo reads commits, sync stages from the work tree (a
 *   lagging entry is restaged with HEAD's content: no change), recovery
 *   rereads the files.
 * - Another process may commit the same path meanwhile: the flush, under
 *   the lock, rereads the index and writes only the entries whose blob is
 *   still HEAD's; the other process wrote its own. A file changed since is
 *   smudged (size 0) so that git rehashes it rather than trust old stat data. */

static void pending_free(db_repo *repo)
{
    for (size_t i = 0; i < repo->nindex_pending; i++)
        free((char *)repo->index_pending[i].path);
    free(repo->index_pending);
    repo->index_pending = NULL;
    repo->nindex_pending = 0;
}

static void pending_add(db_repo *repo, const index_update *u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t at = 0;
        while (at < repo->nindex_pending && strcmp(repo->index_pending[at].path, u[i].path) != 0)
            at++;
        if (at == repo->nindex_pending) {
            repo->index_pending = xrealloc(repo->index_pending, (at + 1) * sizeof u[i]);
            repo->nindex_pending++;
        } else {
            free((char *)repo->index_pending[at].path);
        }
        repo->index_pending[at] = u[i];
        repo->index_pending[at].path = xstrdup(u[i].path);
    }
}

static int defer_index(db_repo *repo, const repo_change *changes, size_t n,
                       const git_oid *blob_ids, db_err *err)
{
    index_update *u = xcalloc(n ? n : 1, sizeof *u);
    int rc = index_updates(repo, changes, n, blob_ids, u, err);
    if (!rc)
        pending_add(repo, u, n);
    free(u);
    return rc;
}

int repo_commit_changes(db_repo *repo, const repo_change *changes, size_t n,
                        const char *message, db_err *err)
{
    int rc = repo_lock(repo, err);
    if (rc)
        return rc;
    git_commit *parent = NULL;
    git_tree *base = NULL;
    git_oid *blob_ids = xcalloc(n ? n : 1, sizeof *blob_ids), tree_id;
    fs_sync_set written = {0};
    /* Files, blobs, trees and the commit object are written without a flush
     * each and made durable together (fs_sync_flush: exactly what this change
     * wrote) before the ref (which libgit2 fsyncs) points at them. */
    /* The intent marker first: if this process dies from here on, the next
     * one to take the lock knows which paths to finish (store/recover.c). */
    rc = mark_pending(repo, changes, n, err);
    size_t written_count = 0;
    for (; written_count < n && !rc; written_count++)
        rc = write_change(repo, &changes[written_count], &written, err);
    if (!rc)
        rc = head_commit(repo->git, &parent, err);
    if (!rc && parent && git_commit_tree(&base, parent) < 0)
        rc = git_fail(err, DB_EIO, "reading HEAD's tree");
    git_oid commit_id;
    bool changes_tree = false;
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
    if (!rc)
        rc = build_tree(repo->git, base, changes, n, blob_ids, &tree_id, err);
    changes_tree = !rc && !(parent && git_oid_equal(&tree_id, git_commit_tree_id(parent)));
    if (changes_tree)
        rc = write_commit(repo, parent, &tree_id, message, &commit_id, err);
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
    if (!rc)
        rc = sync_objects(repo, changes, n, blob_ids, &tree_id, changes_tree ? &commit_id : NULL,
                          &written, err);
    if (!rc)
        rc = fs_sync_flush(&written, err);
    fs_sync_free(&written);
    if (!rc && changes_tree)
        rc = update_head(repo, parent, &commit_id, err);
    bool committed = !rc;
    if (!rc)
        rc = (repo->index_deferred ? defer_index : update_index)(repo, changes, n, blob_ids, err);
    if (rc && !committed)
        repo_restore_head(repo, changes, written_count);   /* failed: nothing half-done stays */
    if (!rc || !committed)
        clear_pending(repo);
    free(blob_ids);
    git_tree_free(base);
    git_commit_free(parent);
    repo_unlock(repo);
    return rc;
}

void repo_set_index_deferred(db_repo *repo, bool deferred)
{
    db_err ignored;
    repo->index_deferred = deferred;
    if (!deferred)
        repo_flush_index(repo, &ignored);     /* else repo_close does */
}

bool repo_index_pending(const db_repo *repo)
{
    return repo->nindex_pending > 0;
}

/* The waiting entries that HEAD still has: another process may have
 * committed the path since (and written its entry). */
static size_t still_current(db_repo *repo, git_tree *head, index_update *out)
{
    size_t kept = 0;
    for (size_t i = 0; i < repo->nindex_pending; i++) {
        const index_update *u = &repo->index_pending[i];
        git_tree_entry *entry = NULL;
        bool in_head = head && git_tree_entry_bypath(&entry, head, u->path) == 0;
        bool current = u->removed ? !in_head : in_head && git_oid_equal(git_tree_entry_id(entry), &u->id);
        git_tree_entry_free(entry);
        if (!current)
            continue;
        out[kept] = *u;
        if (!u->removed && !index_file_matches(repo->root, u->path, &u->id))
            out[kept].st.st_size = 0;          /* changed since: git must look */
        kept++;
    }
    return kept;
}

int repo_flush_index(db_repo *repo, db_err *err)
{
    if (!repo->nindex_pending)
        return 0;
    int rc = repo_lock(repo, err);
    if (rc)
        return rc;
    git_commit *head = NULL;
    git_tree *tree = NULL;
    rc = head_commit(repo->git, &head, err);
    if (!rc && head && git_commit_tree(&tree, head) < 0)
        rc = git_fail(err, DB_EIO, "reading HEAD's tree");
    index_update *u = xcalloc(repo->nindex_pending, sizeof *u);
    size_t n = rc ? 0 : still_current(repo, tree, u);
    if (!rc && n)
        rc = apply_index(repo, u, n, err);
    free(u);
    if (!rc) {
        pending_free(repo);
        clear_pending(repo);
    }
    git_tree_free(tree);
    git_commit_free(head);
    repo_unlock(repo);
    return rc;
}

void repo_finish_index(db_repo *repo)
{
    db_err ignored;
    if (repo->git)
        repo_flush_index(repo, &ignored);
    pending_free(repo);    /* unflushed: the marker leads the next writer to them */
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

/* ---- init ------------------------------------------------------------- */

static int add_remote(git_repository *git, const char *url, db_err *err)
{
    git_remote *remote = NULL;
    if (git_remote_create(&remote, git, "origin", url) < 0)
        return git_fail(err, DB_EIO, "adding remote 'origin'");
    git_remote_free(remote);
    return 0;
}

static char *dir_name_of(const char *dir)
{
    char *abs = realpath(dir, NULL);
    const char *base = abs && strrchr(abs, '/') ? strrchr(abs, '/') + 1 : dir;
    char *name = xstrdup(*base ? base : "Pipeline");
    free(abs);
    return name;
}

static int create_git_repo(const char *dir, const char *remote, db_err *err)
{
    git_repository *git = NULL;
    int rc = fs_mkdir_p(dir, 0777, err);
    if (!rc && git_repository_init(&git, dir, 0) < 0)
        rc = git_fail(err, DB_EIO, dir);
    if (!rc && remote)
        rc = add_remote(git, remote, err);
    git_repository_free(git);
    return rc;
}

int repo_init(const char *dir, const char *remote, const repo_change *files, size_t n,
              db_err *err)
{
    git_setup();
    char *marker = fs_join(dir, "pipeline.json");
    struct stat st;
    bool exists = stat(marker, &st) == 0;
    int rc = exists ? db_fail(err, DB_EUSAGE, "%s: already a pipeline (pipeline.json exists)", dir)
                    : create_git_repo(dir, remote, err);
    char *name = rc ? NULL : dir_name_of(dir);
    char *text = NULL;
    repo_change default_file = {"pipeline.json", NULL, 0};
    if (!rc && n == 0) {
        text = config_default_text(name, "EUR");
        default_file.content = text;
        default_file.len = strlen(text);
        files = &default_file;
        n = 1;
    }
    /* pipeline.json must exist before the repository can be opened as a pipeline. */
    for (size_t i = 0; i < n && !rc; i++)
        if (strcmp(files[i].relpath, "pipeline.json") == 0)
            rc = fs_write_atomic(marker, files[i].content, files[i].len, 0666, err);
    db_repo *repo = NULL;
    if (!rc)
        rc = repo_open(dir, &repo, err);
    if (!rc) {
        char *message = xasprintf("Create pipeline %s", repo->cfg.name);
        rc = repo_commit_changes(repo, files, n, message, err);
        free(message);
    }
    repo_close(repo);
    free(text);
    free(name);
    free(marker);
    return rc;
}
