#include "repo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../pipeline/text.h"
#include "cache.h"
#include "codec.h"
#include "config_load.h"
#include "deal_files.h"
#include "fsutil.h"
#include "gitutil.h"
#include "remote.h"
#include "repo_internal.h"


const char *repo_root(const db_repo *repo) { return repo->root; }
const pipeline_cfg *repo_config(const db_repo *repo) { return &repo->cfg; }
const char *repo_warnings(const db_repo *repo) { return repo->warnings ? repo->warnings : ""; }
void *repo_git(db_repo *repo) { return repo->git; }

char *repo_deal_relpath(const char *id)
{
    if (!text_valid_id(id))
        return NULL;
    size_t n = strlen(id);
    return xasprintf("deals/%s/%s.json", id + n - 2, id);
}

/* ---- opening ---------------------------------------------------------- */

static char *strip_slash(const char *path)
{
    char *copy = xstrdup(path);
    size_t n = strlen(copy);
    while (n > 1 && copy[n - 1] == '/')
        copy[--n] = '\0';
    return copy;
}

static int load_config(db_repo *repo, db_err *err)
{
    char *path = fs_join(repo->root, "pipeline.json"), *text = NULL;
    size_t len = 0;
    int rc = fs_read_file(path, &text, &len, err);
    free(path);
    if (!rc)
        rc = config_parse(text, len, "pipeline.json", &repo->cfg, &repo->warnings, err);
    free(text);
    return rc;
}

/* git's safe.directory (global and system config): '*' or this path. */
static bool trusted_by_config(const char *dir)
{
    git_config *cfg = NULL;
    git_config_iterator *it = NULL;
    git_config_entry *entry = NULL;
    bool trusted = false;
    if (git_config_open_default(&cfg) == 0 &&
        git_config_multivar_iterator_new(&it, cfg, "safe.directory", NULL) == 0)
        while (!trusted && git_config_next(&entry, it) == 0) {
            size_t n = strlen(entry->value);
            trusted = strcmp(entry->value, "*") == 0 ||
                      (strncmp(entry->value, dir, n) == 0 && (dir[n] == '\0' || strcmp(dir + n, "/") == 0));
        }
    git_config_iterator_free(it);
    git_config_free(cfg);
    git_error_clear();
    return trusted;
}

/* Opens dir as git would: a repository owned by someone else only when
 * safe.directory says so (libgit2 1.5 does not take '*'). */
static int open_git(const char *dir, git_repository **git, db_err *err)
{
    int rc = git_repository_open_ext(git, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
    if (rc == GIT_EOWNER && trusted_by_config(dir)) {
        git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
        rc = git_repository_open_ext(git, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
    }
    if (rc == GIT_EOWNER)
        return db_fail(err, DB_EIO,
                       "%s: the repository belongs to another user, and git (like dealboard) "
                       "does not work in it unless told to trust it. If you do: git config "
                       "--global --add safe.directory %s", dir, dir);
    return rc < 0 ? gitu_fail(err, DB_EIO, dir) : 0;
}

/* Walks up from start to the first git work tree holding a pipeline.json. */
static int discover(const char *start, git_repository **git, db_err *err)
{
    char *dir = realpath(start, NULL);
    if (!dir)
        return db_fail(err, DB_EIO, "%s: %s", start, strerror(errno));
    int rc = DB_EIO;
    for (;;) {
        char *marker = fs_join(dir, "pipeline.json");
        char *dotgit = fs_join(dir, ".git");
        bool found = access(marker, F_OK) == 0 && access(dotgit, F_OK) == 0;
        free(marker);
        free(dotgit);
        if (found) {
            rc = open_git(dir, git, err);
            break;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) {
            rc = db_fail(err, DB_EIO,
                         "no pipeline repository: %s is not inside one "
                         "(run 'dealboard init' there, or use -C DIR)", start);
            break;
        }
        *slash = '\0';
    }
    free(dir);
    return rc;
}

int repo_open(const char *dir, db_repo **out, db_err *err)
{
    gitu_setup();
    if (!dir || !*dir)
        dir = getenv("DEALBOARD_REPO");
    if (!dir || !*dir)
        dir = ".";
    git_repository *git = NULL;
    int rc = discover(dir, &git, err);
    if (rc)
        return rc;
    if (git_repository_is_bare(git)) {
        git_repository_free(git);
        return db_fail(err, DB_EIO, "%s: is a bare repository; clone it to work in it", dir);
    }
    gitu_apply_shared_umask(git);
    db_repo *repo = xcalloc(1, sizeof *repo);
    repo->git = git;
    repo->root = strip_slash(git_repository_workdir(git));
    repo->gitdir = xstrdup(git_repository_path(git));
    repo->lock_fd = -1;
    rc = load_config(repo, err);
    if (rc) {
        repo_close(repo);
        return rc;
    }
    *out = repo;
    return 0;
}

/* The work tree above start holding pipeline.json and a .git directory
 * with a HEAD; NULL when there is none, or when libgit2 must open it (.git
 * is a file: a linked work tree; or the repository is shared). */
/* True when .git/config may set core.sharedRepository (a cheap, cautious
 * test: any mention counts). */
static bool mentions_shared(const char *dotgit)
{
    char *path = fs_join(dotgit, "config"), *text = NULL;
    size_t len = 0;
    db_err ignored;
    bool shared = false;
    if (fs_read_file(path, &text, &len, &ignored) == 0)
        for (size_t i = 0; !shared && i + 16 <= len; i++)
            shared = strncasecmp(text + i, "sharedrepository", 16) == 0;
    free(text);
    free(path);
    return shared;
}

static char *find_plain_work_tree(const char *start)
{
    char *dir = realpath(start, NULL);
    for (;;) {                            /* the directory discover() would pick */
        if (!dir)
            return NULL;
        char *marker = fs_join(dir, "pipeline.json"), *dotgit = fs_join(dir, ".git");
        bool found = access(marker, F_OK) == 0 && access(dotgit, F_OK) == 0;
        free(marker);
        free(dotgit);
        if (found)
            break;
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) {
            free(dir);
            return NULL;
        }
        *slash = '\0';
    }
    char *dotgit = fs_join(dir, ".git"), *head = fs_join(dotgit, "HEAD");
    struct stat st;
    /* A shared repository (group-writable or setgid .git) is left to
     * repo_open: its core.sharedRepository sets the umask for what we
     * create (the load cache), and only libgit2 reads that. */
    /* Another user's repository is left to repo_open too: git's safe.directory. */
    bool plain = lstat(dotgit, &st) == 0 && S_ISDIR(st.st_mode) && access(head, F_OK) == 0 &&
                 st.st_uid == geteuid() &&
                 !(st.st_mode & (S_ISGID | S_IWGRP | S_IWOTH)) && !mentions_shared(dotgit);
    free(dotgit);
    free(head);
    if (!plain) {
        free(dir);
        return NULL;
    }
    return dir;
}

int repo_open_read(const char *dir, db_repo **out, db_err *err)
{
    if (!dir || !*dir)
        dir = getenv("DEALBOARD_REPO");
    if (!dir || !*dir)
        dir = ".";
    char *root = find_plain_work_tree(dir);
    if (!root)
        return repo_open(dir, out, err);  /* libgit2 finds it, or says why not */
    db_repo *repo = xcalloc(1, sizeof *repo);
    repo->root = strip_slash(root);
    repo->gitdir = xasprintf("%s/.git/", repo->root);
    repo->lock_fd = -1;
    free(root);
    int rc = load_config(repo, err);
    if (rc) {
        repo_close(repo);
        return rc;
    }
    *out = repo;
    return 0;
}

int repo_open_files(const char *dir, db_repo **out, db_err *err)
{
    db_repo *repo = xcalloc(1, sizeof *repo);
    repo->root = strip_slash(dir);
    repo->lock_fd = -1;
    int rc = load_config(repo, err);
    if (rc) {
        repo_close(repo);
        return rc;
    }
    *out = repo;
    return 0;
}

void repo_close(db_repo *repo)
{
    if (!repo)
        return;
    if (repo->lock_fd >= 0)
        close(repo->lock_fd);
    events_memo_free(repo->events_memo);
    as_of_free(repo);
    git_repository_free(repo->git);
    free(repo->gitdir);
    config_free(&repo->cfg);
    free(repo->warnings);
    free(repo->root);
    free(repo);
}

/* ---- who the user is -------------------------------------------------- */

char *repo_user_name(db_repo *repo)
{
    git_signature *sig = NULL;
    db_err err;
    if (gitu_identity(repo->git, &sig, &err))
        return xstrdup("dealboard");
    char *name = xstrdup(sig->name);
    git_signature_free(sig);
    return name;
}

void repo_user_identity(db_repo *repo, char **name, char **email)
{
    git_repository *git = repo->git;
    if (!git) {                       /* repo_open_read: the configuration, only for this */
        gitu_setup();
        if (git_repository_open(&git, repo->root) < 0)
            git = NULL;
    }
    gitu_identity_configured(git, name, email);
    if (git != repo->git)
        git_repository_free(git);
}

/* ---- init ------------------------------------------------------------- */

static int add_remote(git_repository *git, const char *url, db_err *err)
{
    git_remote *remote = NULL;
    if (git_remote_create(&remote, git, "origin", url) < 0)
        return gitu_fail(err, DB_EIO, "adding remote 'origin'");
    git_remote_free(remote);
    return 0;
}

char *repo_default_name(const char *dir)
{
    /* realpath gives "." and ".." their names; a directory not made yet
     * has none: its last component as written. */
    char *path = realpath(dir, NULL);
    if (!path)
        path = xstrdup(dir);
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        path[--n] = '\0';
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char *name = xstrdup(*base ? base : "Pipeline");
    free(path);
    return name;
}

static int create_git_repo(const char *dir, const char *remote, db_err *err)
{
    git_repository *git = NULL;
    git_repository_init_options opts;
    git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    opts.flags = GIT_REPOSITORY_INIT_MKPATH;
    char branch[256];
    if (remote && remote_default_branch(remote, branch, sizeof branch))
        opts.initial_head = branch;          /* the team's branch, not a second one */
    int rc = fs_mkdir_p(dir, 0777, err);
    if (!rc && git_repository_init_ext(&git, dir, &opts) < 0)
        rc = gitu_fail(err, DB_EIO, dir);
    if (!rc && remote)
        rc = add_remote(git, remote, err);
    git_repository_free(git);
    return rc;
}

int repo_init(const char *dir, const char *remote, const repo_change *files, size_t n,
              db_err *err)
{
    return repo_init_named(dir, remote, NULL, files, n, err);
}

int repo_init_named(const char *dir, const char *remote, const char *name_given,
                    const repo_change *files, size_t n, db_err *err)
{
    gitu_setup();
    char *marker = fs_join(dir, "pipeline.json");
    struct stat st;
    bool exists = stat(marker, &st) == 0;
    int rc = exists ? db_fail(err, DB_EUSAGE, "%s: already a pipeline (pipeline.json exists)", dir)
                    : create_git_repo(dir, remote, err);
    char *name = rc ? NULL : !str_empty(name_given) ? xstrdup(name_given) : repo_default_name(dir);
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

/* ---- locking ---------------------------------------------------------- */

int repo_lock(db_repo *repo, db_err *err)
{
    if (!repo->git)
        return db_fail(err, DB_EIO, "%s: not a git repository; read only", repo->root);
    if (repo->past)
        return as_of_refuse(repo, err);
    if (repo->lock_depth++ > 0)
        return 0;
    char *path = fs_join(git_repository_path(repo->git), "dealboard.lock");
    /* Read-only is enough for flock, and works on a lock file another user made. */
    int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
    free(path);
    if (fd < 0 || flock(fd, LOCK_EX) < 0) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        repo->lock_depth = 0;
        return db_fail(err, DB_EIO, "cannot lock the repository: %s", strerror(saved));
    }
    repo->lock_fd = fd;
    return 0;
}

void repo_unlock(db_repo *repo)
{
    if (repo->lock_depth == 0 || --repo->lock_depth > 0)
        return;
    close(repo->lock_fd);   /* releases the flock */
    repo->lock_fd = -1;
    repo->recovered = false;   /* the next holder looks again */
}

/* ---- reading deals (all of them: store/load.c) ------------------------ */

int repo_load_file(db_repo *repo, const char *relpath, const char *expect_id, deal *out,
                   db_err *err)
{
    if (repo->past)
        return as_of_load_file(repo, relpath, expect_id, out, err);
    char *path = fs_join(repo->root, relpath), *text = NULL;
    size_t len = 0;
    int rc = fs_check_dirs(repo->root, relpath, err);
    if (!rc)
        rc = fs_read_file(path, &text, &len, err);
    free(path);
    if (rc) {
        /* Say the relative path, not the absolute one. */
        const char *why = strstr(err->msg, ": ");
        char copy[sizeof err->msg];
        snprintf(copy, sizeof copy, "%s", why ? why + 2 : err->msg);
        return db_fail(err, rc, "%s: %s", relpath, copy);
    }
    rc = repo_parse_file(text, len, relpath, expect_id, out, err);
    free(text);
    return rc;
}

int repo_parse_file(const char *text, size_t len, const char *relpath, const char *expect_id,
                    deal *out, db_err *err)
{
    int rc = codec_parse_deal(text, len, relpath, out, err);
    if (!rc && !str_eq(out->id, expect_id)) {
        rc = db_fail(err, DB_EUSAGE, "%s: its id '%s' does not match the file name", relpath,
                     out->id);
        deal_free(out);
    }
    return rc;
}

typedef struct {
    const char *prefix;
    char **matches;
    size_t count;
    bool exact;
} resolve_ctx;

static void resolve_visit(void *ud, const deal_file *f)
{
    const char *id = f->id;
    resolve_ctx *c = ud;
    if (c->exact || !str_has_prefix(id, c->prefix))
        return;
    if (strcmp(id, c->prefix) == 0) {        /* an exact id wins over longer ones */
        for (size_t i = 0; i < c->count; i++)
            free(c->matches[i]);
        c->count = 0;
        c->exact = true;
    }
    c->matches = xrealloc(c->matches, (c->count + 1) * sizeof *c->matches);
    c->matches[c->count++] = xstrdup(id);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool deal_file_exists(db_repo *repo, const char *id)
{
    char *rel = repo_deal_relpath(id);
    if (!rel)
        return false;
    db_err ignored;
    char *path = fs_join(repo->root, rel);
    struct stat st;
    /* Same rule as the directory scan: nothing behind a linked directory. */
    bool found = fs_check_dirs(repo->root, rel, &ignored) == 0 && lstat(path, &st) == 0 &&
                 S_ISREG(st.st_mode);
    free(path);
    free(rel);
    return found;
}

int repo_resolve_id(db_repo *repo, const char *prefix, char **id, db_err *err)
{
    if (!text_valid_id_prefix(prefix))
        return db_fail(err, DB_EUSAGE,
                       "invalid id '%s': ids use only a-z, 0-9 and '-', not starting with '-'",
                       prefix ? prefix : "");
    if (deal_file_exists(repo, prefix)) {
        *id = xstrdup(prefix);                /* a whole id: no directory scan */
        return 0;
    }
    resolve_ctx c = {prefix, NULL, 0, false};
    deal_visitor v = {resolve_visit, NULL, NULL, NULL, NULL, &c};
    for_each_deal_file(repo->root, &v, NULL, NULL);
    int rc = 0;
    if (c.count == 1) {
        *id = c.matches[0];
        free(c.matches);
        return 0;
    }
    if (c.count == 0) {
        rc = db_fail(err, DB_EUSAGE, "%s: no deal has this id", prefix);
    } else {
        qsort(c.matches, c.count, sizeof *c.matches, compare_strings);
        strbuf sb = {0};
        for (size_t i = 0; i < c.count && i < 10; i++)
            sb_printf(&sb, "%s%s", i ? ", " : "", c.matches[i]);
        rc = db_fail(err, DB_EUSAGE, "%s: ambiguous id, matches %zu deals: %s%s", prefix, c.count,
                     sb.data, c.count > 10 ? ", …" : "");
        sb_free(&sb);
    }
    for (size_t i = 0; i < c.count; i++)
        free(c.matches[i]);
    free(c.matches);
    return rc;
}

int repo_load_deal(db_repo *repo, const char *id, deal *out, db_err *err)
{
    char *rel = repo_deal_relpath(id);
    if (!rel)
        return db_fail(err, DB_EUSAGE, "invalid id '%s'", id);
    int rc = repo_load_file(repo, rel, id, out, err);
    free(rel);
    return rc;
}

int repo_find_deal(db_repo *repo, const char *prefix, deal *out, db_err *err)
{
    char *id = NULL;
    int rc = repo_resolve_id(repo, prefix, &id, err);
    if (!rc)
        rc = repo_load_deal(repo, id, out, err);
    free(id);
    return rc;
}

typedef struct {
    const char *prefix;
    repo_id_fn fn;
    void *ud;
} list_ctx;

static void list_visit(void *ud, const deal_file *f)
{
    list_ctx *c = ud;
    if (str_has_prefix(f->id, c->prefix))
        c->fn(c->ud, f->id);
}

void repo_list_ids(db_repo *repo, const char *prefix, repo_id_fn fn, void *ud)
{
    list_ctx c = {prefix ? prefix : "", fn, ud};
    deal_visitor v = {list_visit, NULL, NULL, NULL, NULL, &c};
    for_each_deal_file(repo->root, &v, NULL, NULL);
}
