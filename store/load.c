/* Loading every deal: through the load cache, on two threads when there
 * are enough shards to share. Each thread takes whole entries of deals/
 * (the main one from the first, the helper (store/helper.h) from the last,
 * until they meet)
 * with its own cache object, deal list and problem list; the results are
 * put back in directory order, so what a load returns and reports does
 * not depend on how the work was shared. */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../pipeline/util.h"
#include "cache.h"
#include "deal_files.h"
#include "fsutil.h"
#include "helper.h"
#include "repo_internal.h"

/* Fewer entries than this: a thread costs more than it saves. */
#define MIN_ENTRIES_FOR_THREAD 8

typedef struct {
    char *relpath, *why;
} problem_note;

/* One thread's share. */
typedef struct {
    db_repo *repo;
    deal_cache *cache;          /* NULL: parse every file */
    cache_mode mode;
    deal_list deals;
    problem_note *problems;
    size_t nproblems, cap_problems;
} loader;

enum { UNCLAIMED = -1, BY_MAIN = 0, BY_HELPER = 1 };

typedef struct {
    atomic_int owner;
    size_t first_deal, ndeals, first_problem, nproblems;
} entry_share;

typedef struct {
    const deals_dir *dir;
    entry_share *shares;
    loader loaders[2];
} load_job;

static void note_problem(void *ud, const char *relpath, const char *why)
{
    loader *l = ud;
    if (l->nproblems == l->cap_problems) {
        l->cap_problems = l->cap_problems ? 2 * l->cap_problems : 16;
        l->problems = xrealloc(l->problems, l->cap_problems * sizeof *l->problems);
    }
    l->problems[l->nproblems++] = (problem_note){xstrdup(relpath), xstrdup(why)};
}

static void note_error(loader *l, const char *relpath, const db_err *err)
{
    size_t skip = strlen(relpath);
    const char *why = strncmp(err->msg, relpath, skip) == 0 && err->msg[skip] == ':'
                          ? err->msg + skip + 2 : err->msg;
    note_problem(l, relpath, why);
}

/* The file's identity is taken BEFORE reading it: if it changes in between,
 * the cached key is older than the content and the next load re-parses. */
static void load_visit(void *ud, const deal_file *f)
{
    loader *l = ud;
    deal *d = xmalloc(sizeof *d);
    file_key key;
    struct stat st;
    bool regular = l->cache && fstatat(f->dirfd, f->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                   S_ISREG(st.st_mode);
    if (regular) {
        file_key_of(&st, &key);
        if (cache_take(l->cache, f->id, &key, d)) {
            deal_list_push(&l->deals, d);
            return;
        }
    }
    char *rel = deal_file_relpath(f);
    db_err err;
    if (repo_load_file(l->repo, rel, f->id, d, &err) == 0) {
        if (regular)
            cache_put(l->cache, f->id, &key, d);
        if (l->mode == CACHE_LIGHT)     /* a listing renders it whole: no second read */
            deal_make_light(d);
        deal_list_push(&l->deals, d);
    } else {
        free(d);
        note_error(l, rel, &err);
    }
    free(rel);
}

static void load_shard_begin(void *ud, const char *shard, const struct stat *dir)
{
    loader *l = ud;
    if (l->cache)
        cache_begin_shard(l->cache, shard, dir);
}

static const char *load_shard_names(void *ud, size_t *len)
{
    loader *l = ud;
    return l->cache ? cache_shard_names(l->cache, len) : NULL;
}

static void load_note_name(void *ud, const char *name)
{
    loader *l = ud;
    if (l->cache)
        cache_note_name(l->cache, name);
}

static void load_shard_end(void *ud)
{
    loader *l = ud;
    if (l->cache)
        cache_end_shard(l->cache);
}

static bool claim(load_job *job, size_t i, int who)
{
    int unclaimed = UNCLAIMED;
    return atomic_compare_exchange_strong(&job->shares[i].owner, &unclaimed, who);
}

static void load_entry(load_job *job, size_t i, int who)
{
    loader *l = &job->loaders[who];
    entry_share *share = &job->shares[i];
    deal_visitor v = {load_visit,       load_shard_begin, load_shard_end,
                      load_shard_names, load_note_name,   l};
    share->first_deal = l->deals.count;
    share->first_problem = l->nproblems;
    deals_dir_visit(job->dir, i, &v, note_problem, l);
    share->ndeals = l->deals.count - share->first_deal;
    share->nproblems = l->nproblems - share->first_problem;
}

/* Entries are claimed one by one from each end: the first one taken by
 * the other side means all the rest are. */
static void helper_share(void *arg)
{
    load_job *job = arg;
    for (size_t i = job->dir->count; i-- > 0 && claim(job, i, BY_HELPER);)
        load_entry(job, i, BY_HELPER);
}

/* Directory order again: the deals into out, the problems to problem(). */
static void gather(load_job *job, deal_list *out, repo_problem_fn problem, void *pud)
{
    for (size_t i = 0; i < job->dir->count; i++) {
        const entry_share *share = &job->shares[i];
        const loader *l = &job->loaders[atomic_load(&share->owner)];
        for (size_t k = 0; k < share->ndeals; k++)
            deal_list_push(out, l->deals.items[share->first_deal + k]);
        for (size_t k = 0; problem && k < share->nproblems; k++) {
            const problem_note *p = &l->problems[share->first_problem + k];
            problem(pud, p->relpath, p->why);
        }
    }
}

static void loader_free(loader *l)
{
    free(l->deals.items);                       /* the deals went to the caller */
    for (size_t i = 0; i < l->nproblems; i++) {
        free(l->problems[i].relpath);
        free(l->problems[i].why);
    }
    free(l->problems);
}

static void load_all(db_repo *repo, deal_list *out, cache_mode mode, repo_problem_fn problem,
                     void *pud)
{
    char *cache_dir = NULL;
    load_job job = {0};
    for (int i = 0; i < 2; i++)
        job.loaders[i] = (loader){.repo = repo, .mode = mode};
    if (repo->gitdir && !getenv("DEALBOARD_NO_CACHE")) {
        char *legacy = fs_join(repo->gitdir, "dealboard-cache");   /* one file, before shards */
        unlink(legacy);
        free(legacy);
        cache_dir = fs_join(repo->gitdir, "dealboard-cache.d");
        for (int i = 0; i < 2; i++)
            job.loaders[i].cache = cache_open(cache_dir, mode);
    }
    deals_dir dir;
    bool scanned = deals_dir_open(repo->root, &dir, problem, pud);
    if (scanned) {
        job.dir = &dir;
        job.shares = xcalloc(dir.count ? dir.count : 1, sizeof *job.shares);
        for (size_t i = 0; i < dir.count; i++)
            atomic_init(&job.shares[i].owner, UNCLAIMED);
        bool shared = dir.count >= MIN_ENTRIES_FOR_THREAD && helper_start(helper_share, &job, true);
        for (size_t i = 0; i < dir.count && claim(&job, i, BY_MAIN); i++)
            load_entry(&job, i, BY_MAIN);
        if (shared)
            helper_wait();
        gather(&job, out, problem, pud);
        free(job.shares);
        deals_dir_close(&dir);
    }
    bool free_backing = out->backing == NULL;   /* an empty list: nothing to keep */
    if (job.loaders[0].cache)
        cache_merge(job.loaders[0].cache, job.loaders[1].cache);
    /* Files of shards not seen (none when deals/ is gone) are removed. */
    cache_close(job.loaders[0].cache, true, free_backing ? &out->backing : NULL,
                free_backing ? &out->backing_free : NULL);
    for (int i = 0; i < 2; i++)
        loader_free(&job.loaders[i]);
    free(cache_dir);
}

int repo_load_deals(db_repo *repo, deal_list *out, repo_problem_fn problem, void *ud,
                    db_err *err)
{
    (void)err;
    if (repo->past)
        as_of_load_all(repo, out, false, problem, ud);
    else
        load_all(repo, out, CACHE_FULL, problem, ud);
    return 0;
}

int repo_load_deals_light(db_repo *repo, deal_list *out, bool want_view_json,
                          repo_problem_fn problem, void *ud, db_err *err)
{
    (void)err;
    if (repo->past)          /* a listing (want_view_json) renders them whole */
        as_of_load_all(repo, out, !want_view_json, problem, ud);
    else
        load_all(repo, out, want_view_json ? CACHE_LIGHT_VIEW : CACHE_LIGHT, problem, ud);
    return 0;
}
