/* Keeping a repository that lives for years fast and small: every commit
 * writes a few loose objects (a blob, trees, the commit), thousands a year.
 * They are packed as `git repack -d` + `git prune-packed` would do for loose
 * objects: one new pack written by libgit2's packbuilder, then each loose file
 * whose object the new pack holds (checked in that pack alone) is removed.
 * No object is ever dropped, so a git command or a teammate's clone beside us
 * cannot lose anything; packs are left as they are (git gc merges them). */
#include "maintenance.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "gitutil.h"
#include "repo.h"

typedef struct {
    git_oid *ids;
    size_t n, cap;
} oid_list;

static bool is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdef", s[i]))
            return false;
    return s[n] == '\0';
}

/* The loose objects of one fan-out directory (objects/ab/). */
static void list_fanout(const char *objdir, int fan, oid_list *out)
{
    static const char digits[] = "0123456789abcdef";
    char name[3] = {digits[(fan >> 4) & 15], digits[fan & 15], '\0'}, hex[GIT_OID_HEXSZ + 1];
    char *dir = fs_join(objdir, name);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!is_hex(e->d_name, GIT_OID_HEXSZ - 2))
            continue;
        memcpy(hex, name, 2);
        memcpy(hex + 2, e->d_name, GIT_OID_HEXSZ - 2 + 1);
        if (out->n == out->cap) {
            out->cap = out->cap ? 2 * out->cap : 256;
            out->ids = xrealloc(out->ids, out->cap * sizeof *out->ids);
        }
        if (git_oid_fromstr(&out->ids[out->n], hex) == 0)
            out->n++;
    }
    if (d)
        closedir(d);
    free(dir);
}

static char *objects_dir(git_repository *git)
{
    return fs_join(git_repository_commondir(git), "objects");
}

size_t maintenance_loose_estimate(git_repository *git)
{
    char *objdir = objects_dir(git);
    oid_list one = {0};
    list_fanout(objdir, 0x17, &one);       /* as git gc --auto estimates */
    free(objdir);
    free(one.ids);
    return one.n * 256;
}

/* The objects the new pack holds, asked of that pack alone. */
static int open_pack(git_repository *git, const char *name, git_odb **out, db_err *err)
{
    char *objdir = objects_dir(git);
    char *idx = xasprintf("%s/pack/pack-%s.idx", objdir, name);
    git_odb_backend *backend = NULL;
    int rc = git_odb_new(out) < 0 || git_odb_backend_one_pack(&backend, idx) < 0 ||
                     git_odb_add_backend(*out, backend, 1) < 0
                 ? gitu_fail(err, DB_EIO, "reading the new pack") : 0;
    free(idx);
    free(objdir);
    return rc;
}

static size_t remove_packed(git_repository *git, git_odb *pack, const oid_list *loose)
{
    char *objdir = objects_dir(git);
    size_t removed = 0;
    for (size_t i = 0; i < loose->n; i++) {
        if (!git_odb_exists(pack, &loose->ids[i]))
            continue;
        char hex[GIT_OID_HEXSZ + 1];
        git_oid_tostr(hex, sizeof hex, &loose->ids[i]);
        char *path = xasprintf("%s/%.2s/%s", objdir, hex, hex + 2);
        if (unlink(path) == 0)
            removed++;
        free(path);
    }
    for (int fan = 0; fan < 256; fan++) {          /* emptied fan-out directories go */
        char *dir = xasprintf("%s/%02x", objdir, fan);
        rmdir(dir);
        free(dir);
    }
    free(objdir);
    return removed;
}

int maintenance_pack_loose(git_repository *git, size_t *packed, db_err *err)
{
    *packed = 0;
    char *objdir = objects_dir(git);
    oid_list loose = {0};
    for (int fan = 0; fan < 256; fan++)
        list_fanout(objdir, fan, &loose);
    free(objdir);
    git_packbuilder *pb = NULL;
    git_odb *pack = NULL;
    int rc = 0;
    if (loose.n == 0)
        goto done;
    if (git_packbuilder_new(&pb, git) < 0)
        rc = gitu_fail(err, DB_EIO, "packing loose objects");
    for (size_t i = 0; i < loose.n && !rc; i++)
        if (git_packbuilder_insert(pb, &loose.ids[i], NULL) < 0)
            rc = gitu_fail(err, DB_EIO, "packing loose objects");
    if (!rc && git_packbuilder_write(pb, NULL, 0, NULL, NULL) < 0)
        rc = gitu_fail(err, DB_EIO, "writing the pack");
    if (!rc)
        rc = open_pack(git, git_packbuilder_name(pb), &pack, err);
    if (!rc)
        *packed = remove_packed(git, pack, &loose);
done:
    git_odb_free(pack);
    git_packbuilder_free(pb);
    free(loose.ids);
    return rc;
}

int repo_pack_loose(db_repo *repo, size_t *packed, db_err *err)
{
    *packed = 0;
    return repo_git(repo) ? maintenance_pack_loose(repo_git(repo), packed, err) : 0;
}
