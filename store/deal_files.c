#include "deal_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../pipeline/text.h"
#include "../pipeline/util.h"
#include "fsutil.h"

bool deal_files_is_shard(const char *name)
{
    return strlen(name) == 2 && text_valid_id_prefix(name);
}

bool deal_files_json_id(const char *name, char id[ID_MAX + 1])
{
    size_t n = strlen(name);
    if (n < 6 || n - 5 > ID_MAX || strcmp(name + n - 5, ".json") != 0)
        return false;
    memcpy(id, name, n - 5);
    id[n - 5] = '\0';
    return true;
}

char *deal_file_relpath(const deal_file *f)
{
    return xasprintf("deals/%s/%s", f->shard, f->name);
}

/* d_type spares a stat per entry; file systems without it say DT_UNKNOWN. */
static bool entry_is_dir(int dirfd, const struct dirent *ent)
{
    struct stat st;
    if (ent->d_type != DT_UNKNOWN)
        return ent->d_type == DT_DIR;
    return fstatat(dirfd, ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISDIR(st.st_mode);
}

static void visit_name(int fd, const char *shard, const char *name, const deal_visitor *v,
                       repo_problem_fn problem, void *pud)
{
    char id[ID_MAX + 1];
    if (name[0] == '.' || !deal_files_json_id(name, id))
        return;
    deal_file f = {fd, shard, name, id};
    size_t n = strlen(id);
    if (text_valid_id(id) && strcmp(id + n - 2, shard) == 0) {
        v->file(v->ud, &f);
    } else if (problem) {
        char *rel = deal_file_relpath(&f);
        problem(pud, rel, DEAL_FILES_BAD_NAME);
        free(rel);
    }
}

static void visit_shard(int topfd, const char *shard, const deal_visitor *v,
                        repo_problem_fn problem, void *pud)
{
    /* O_NOFOLLOW: a link could lead reads outside the repository. */
    int fd = openat(topfd, shard, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    bool have_stat = fstat(fd, &st) == 0;
    if (v->shard_begin)
        v->shard_begin(v->ud, shard, have_stat ? &st : NULL);
    size_t len = 0;
    const char *names = v->shard_names ? v->shard_names(v->ud, &len) : NULL;
    for (const char *name = names; names && name < names + len; name += strlen(name) + 1)
        visit_name(fd, shard, name, v, problem, pud);
    DIR *sub = names ? NULL : fdopendir(fd);
    struct dirent *ent;
    while (sub && (ent = readdir(sub))) {
        if (v->note_name && ent->d_name[0] != '.')
            v->note_name(v->ud, ent->d_name);
        visit_name(fd, shard, ent->d_name, v, problem, pud);
    }
    if (v->shard_end)
        v->shard_end(v->ud);
    if (sub)
        closedir(sub);
    else
        close(fd);
}

void deals_dir_visit(const deals_dir *dir, size_t i, const deal_visitor *v,
                     repo_problem_fn problem, void *pud)
{
    const deals_entry *e = &dir->entries[i];
    char id[ID_MAX + 1];
    if (deal_files_is_shard(e->name) && e->is_dir) {
        visit_shard(dir->fd, e->name, v, problem, pud);
        return;
    }
    char *rel_dir = xasprintf("deals/%s", e->name);
    if (problem && deal_files_json_id(e->name, id))
        problem(pud, rel_dir, DEAL_FILES_NOT_IN_SHARD);
    else if (problem && !e->is_dir)
        problem(pud, rel_dir, DEAL_FILES_NOT_DIR);
    free(rel_dir);
}

bool deals_dir_open(const char *root, deals_dir *dir, repo_problem_fn problem, void *pud)
{
    memset(dir, 0, sizeof *dir);
    dir->fd = -1;
    char *deals = fs_join(root, "deals");
    struct stat st;
    if (lstat(deals, &st) == 0 && !S_ISDIR(st.st_mode)) {
        if (problem)
            problem(pud, "deals", DEAL_FILES_NOT_DIR);
        free(deals);
        return false;
    }
    int fd = open(deals, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    free(deals);
    int listing_fd = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
    DIR *top = listing_fd >= 0 ? fdopendir(listing_fd) : NULL;
    if (!top) {
        if (listing_fd >= 0)
            close(listing_fd);
        if (fd >= 0)
            close(fd);
        return false;                       /* a new pipeline has no deals yet */
    }
    dir->fd = fd;
    struct dirent *ent;
    while ((ent = readdir(top))) {
        if (ent->d_name[0] == '.')
            continue;
        if ((dir->count & (dir->count - 1)) == 0)     /* 0, 1, 2, 4, ...: grown to twice */
            dir->entries = xrealloc(dir->entries,
                                    (dir->count ? 2 * dir->count : 1) * sizeof *dir->entries);
        deals_entry *e = &dir->entries[dir->count++];
        e->name = xstrdup(ent->d_name);
        e->is_dir = entry_is_dir(fd, ent);
    }
    closedir(top);
    return true;
}

void deals_dir_close(deals_dir *dir)
{
    for (size_t i = 0; i < dir->count; i++)
        free(dir->entries[i].name);
    free(dir->entries);
    if (dir->fd >= 0)
        close(dir->fd);
    memset(dir, 0, sizeof *dir);
    dir->fd = -1;
}

void for_each_deal_file(const char *root, const deal_visitor *v, repo_problem_fn problem,
                        void *pud)
{
    deals_dir dir;
    if (!deals_dir_open(root, &dir, problem, pud))
        return;
    for (size_t i = 0; i < dir.count; i++)
        deals_dir_visit(&dir, i, v, problem, pud);
    deals_dir_close(&dir);
}
