/* Getting a team pipeline: clone, and the bare shared repository on a server. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "gitutil.h"
#include "remote.h"
#include "sync.h"
#include "sync_internal.h"

/* The branch to check out when the remote's HEAD names none that exists. */
static bool pick_branch(git_repository *git, char *out, size_t n)
{
    static const char *const preferred[] = {"main", "master"};
    git_oid oid;
    for (size_t i = 0; i < 2; i++) {
        char *ref = xasprintf("refs/remotes/%s/%s", SYNC_REMOTE, preferred[i]);
        bool ok = git_reference_name_to_id(&oid, git, ref) == 0;
        free(ref);
        if (ok) {
            snprintf(out, n, "%s", preferred[i]);
            return true;
        }
    }
    git_reference_iterator *it = NULL;
    const char *name = NULL;
    bool found = false;
    size_t plen = strlen("refs/remotes/" SYNC_REMOTE "/");
    if (git_reference_iterator_glob_new(&it, git, "refs/remotes/" SYNC_REMOTE "/*") == 0)
        while (!found && git_reference_next_name(&name, it) == 0)
            if (strcmp(name + plen, "HEAD") != 0) {
                snprintf(out, n, "%s", name + plen);
                found = true;
            }
    git_reference_iterator_free(it);
    return found;
}

/* The remote's HEAD pointed nowhere: check out main, master or its only branch. */
static int adopt_branch(git_repository *git, const char *branch, db_err *err)
{
    char *tref = xasprintf("refs/remotes/%s/%s", SYNC_REMOTE, branch);
    char *local = xasprintf("refs/heads/%s", branch);
    git_oid oid;
    git_commit *commit = NULL;
    git_reference *ref = NULL;
    git_checkout_options opts;
    git_checkout_options_init(&opts, GIT_CHECKOUT_OPTIONS_VERSION);
    opts.checkout_strategy = GIT_CHECKOUT_SAFE;
    int rc = 0;
    if (git_reference_name_to_id(&oid, git, tref) < 0 || git_commit_lookup(&commit, git, &oid) < 0 ||
        git_checkout_tree(git, (git_object *)commit, &opts) < 0 ||
        git_reference_create(&ref, git, local, &oid, 0, "clone: branch") < 0 ||
        git_repository_set_head(git, local) < 0)
        rc = gitu_fail(err, DB_EIO, branch);
    git_reference_free(ref);
    git_commit_free(commit);
    free(tref);
    free(local);
    return rc;
}

int sync_clone(const char *url, const char *dir, const char *name, char **dir_out, bool *created,
               db_err *err)
{
    gitu_setup();
    *created = false;
    char *target = dir ? xstrdup(dir) : remote_default_dir(url);
    git_repository *git = NULL;
    int rc = remote_clone(url, target, &git, err);
    char branch[256];
    if (!rc && git_repository_head_unborn(git) == 1 && pick_branch(git, branch, sizeof branch))
        rc = adopt_branch(git, branch, err);
    bool empty = !rc && git_repository_head_unborn(git) == 1;
    git_repository_free(git);
    char *marker = rc ? NULL : fs_join(target, "pipeline.json");
    struct stat st;
    if (!rc && empty) {
        rc = repo_init_named(target, NULL, name, NULL, 0, err);  /* the team's first pipeline */
        *created = rc == 0;
    } else if (!rc && stat(marker, &st) != 0) {
        char *shown = remote_url_redact(url);
        rc = db_fail(err, DB_EUSAGE, "%s: cloned into %s, but it is not a dealboard pipeline "
                                     "(no pipeline.json)", shown, target);
        free(shown);
    }
    free(marker);
    if (!rc && dir_out)
        *dir_out = target;
    else
        free(target);
    return rc;
}

/* libgit2 1.5 leaves objects/ and refs/ without group write even for a shared
 * repository: give every directory g+rwxs, as git init --shared=group does. */
static int group_dirs(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type == FTW_D && chmod(path, (st->st_mode & 07777) | S_IRWXG | S_ISGID) != 0)
        return -1;
    return 0;
}

int sync_init_bare(const char *dir, bool shared, db_err *err)
{
    gitu_setup();
    git_repository *git = NULL;
    git_config *cfg = NULL;
    git_repository_init_options opts;
    git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    opts.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_BARE |
                 GIT_REPOSITORY_INIT_NO_REINIT;
    opts.mode = shared ? GIT_REPOSITORY_INIT_SHARED_GROUP : GIT_REPOSITORY_INIT_SHARED_UMASK;
    int rc = 0;
    if (git_repository_init_ext(&git, dir, &opts) < 0)
        rc = gitu_fail(err, DB_EIO, dir);
    /* A team remote never loses history: dealboard never forces, nor should anyone. */
    if (!rc && (git_repository_config(&cfg, git) < 0 ||
                git_config_set_bool(cfg, "receive.denyNonFastForwards", 1) < 0 ||
                git_config_set_bool(cfg, "receive.denyDeletes", 1) < 0))
        rc = gitu_fail(err, DB_EIO, dir);
    if (!rc && shared && nftw(dir, group_dirs, 16, FTW_PHYS) != 0)
        rc = db_fail(err, DB_EIO, "%s: cannot make it group-writable: %s", dir, strerror(errno));
    git_config_free(cfg);
    git_repository_free(git);
    return rc;
}

char *sync_url_shown(const char *url)
{
    return remote_url_redact(url);
}
