/* Writing deals and committing them: one commit per user-visible change. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "config_load.h"
#include "fsutil.h"
#include "gitutil.h"
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

static int write_change(db_repo *repo, const repo_change *c, db_err *err)
{
    char *path = fs_join(repo->root, c->relpath);
    int rc = fs_check_dirs(repo->root, c->relpath, err);
    if (rc) {
        /* nothing is written through a symlinked directory */
    } else if (c->content) {
        char *dir = xstrdup(path);
        *strrchr(dir, '/') = '\0';
        rc = fs_mkdir_p(dir, 0777, err);
        free(dir);
        if (!rc)
            rc = fs_write_atomic(path, c->content, c->len, 0666, err);
    } else {
        rc = fs_unlink_durable(path, err);
    }
    free(path);
    return rc;
}

static int stage_change(git_index *index, const repo_change *c, db_err *err)
{
    int rc = c->content ? git_index_add_bypath(index, c->relpath)
                        : git_index_remove_bypath(index, c->relpath);
    return rc < 0 ? git_fail(err, DB_EIO, c->relpath) : 0;
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

/* Commits the index as it is now, unless its tree equals HEAD's. */
static int commit_index(db_repo *repo, git_index *index, const char *message, db_err *err)
{
    git_oid tree_id, commit_id;
    git_tree *tree = NULL;
    git_commit *parent = NULL;
    git_signature *sig = NULL;
    int rc = git_index_write_tree(&tree_id, index) < 0 ? git_fail(err, DB_EIO, "writing tree") : 0;
    if (!rc)
        rc = head_commit(repo->git, &parent, err);
    if (!rc && parent && git_oid_equal(&tree_id, git_commit_tree_id(parent)))
        goto done;                             /* nothing changed */
    if (!rc && git_tree_lookup(&tree, repo->git, &tree_id) < 0)
        rc = git_fail(err, DB_EIO, "reading tree");
    if (!rc)
        rc = git_identity(repo->git, &sig, err);
    if (!rc) {
        const git_commit *parents[1] = {parent};
        if (git_commit_create(&commit_id, repo->git, "HEAD", sig, sig, "UTF-8", message, tree,
                              parent ? 1 : 0, parents) < 0)
            rc = git_fail(err, DB_EIO, "committing");
    }
done:
    git_signature_free(sig);
    git_tree_free(tree);
    git_commit_free(parent);
    return rc;
}

int repo_commit_changes(db_repo *repo, const repo_change *changes, size_t n,
                        const char *message, db_err *err)
{
    int rc = repo_lock(repo, err);
    if (rc)
        return rc;
    git_index *index = NULL;
    if (git_repository_index(&index, repo->git) < 0 || git_index_read(index, 0) < 0)
        rc = git_fail(err, DB_EIO, "reading the index");
    size_t written = 0;
    for (; written < n && !rc; written++)
        rc = write_change(repo, &changes[written], err);
    for (size_t i = 0; i < n && !rc; i++)
        rc = stage_change(index, &changes[i], err);
    if (!rc && git_index_write(index) < 0)
        rc = git_fail(err, DB_EIO, "writing the index");
    if (!rc)
        rc = commit_index(repo, index, message, err);
    if (rc && index)
        git_index_read(index, 1);              /* drop staged changes that were not committed */
    git_index_free(index);
    if (rc)
        repo_restore_head(repo, changes, written);   /* failed: nothing half-done stays */
    repo_unlock(repo);
    return rc;
}

int repo_save_deal(db_repo *repo, const deal *d, const char *message, db_err *err)
{
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
