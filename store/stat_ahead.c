#include "stat_ahead.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../pipeline/util.h"
#include "cache.h"

/* Fewer shards than this: the thread costs more than it saves. */
#define MIN_SHARDS 8

enum { FREE, BY_HELPER, DONE, BY_SCAN };

typedef struct {
    char *name;
    struct stat st;
    bool ok;
} file_stat;

typedef struct {
    char *name;
    atomic_int state;
    file_stat *files;       /* the helper's, in directory order; read once DONE */
    size_t nfiles;
} shard_slot;

struct stat_ahead {
    int fd;
    char *cache_dir;            /* NULL: names read from the directories */
    shard_slot *slots;
    size_t n, next_claim;
    atomic_bool stop;
    pthread_t thread;
    const shard_slot *current;  /* the claimed shard, when the helper did it */
    size_t cursor;
};

static bool is_deal_file_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0;
}

static void add_file(shard_slot *slot, size_t *cap, int dirfd, const char *name)
{
    if (!is_deal_file_name(name))
        return;
    if (slot->nfiles == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        slot->files = xrealloc(slot->files, *cap * sizeof *slot->files);
    }
    file_stat *f = &slot->files[slot->nfiles++];
    f->name = xstrdup(name);
    f->ok = fstatat(dirfd, name, &f->st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* The names come from the load cache when it has them (reading the
 * directory costs more than the stats): they need not be right, as the
 * scan asks for its own names and stats any the helper missed. */
static void stat_shard(stat_ahead *sa, shard_slot *slot)
{
    int fd = openat(sa->fd, slot->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    size_t cap = 0, len = 0;
    char *names = sa->cache_dir ? cache_peek_names(sa->cache_dir, slot->name, &len) : NULL;
    for (const char *name = names; names && name < names + len; name += strlen(name) + 1) {
        if (atomic_load_explicit(&sa->stop, memory_order_relaxed))
            break;
        add_file(slot, &cap, fd, name);
    }
    free(names);
    DIR *dir = names ? NULL : fdopendir(fd);
    struct dirent *ent;
    while (dir && !atomic_load_explicit(&sa->stop, memory_order_relaxed) && (ent = readdir(dir)))
        add_file(slot, &cap, dirfd(dir), ent->d_name);
    if (dir)
        closedir(dir);
    else
        close(fd);
}

static void *helper(void *arg)
{
    stat_ahead *sa = arg;
    for (size_t i = sa->n; i-- > 0 && !atomic_load(&sa->stop);) {
        int expected = FREE;
        if (!atomic_compare_exchange_strong(&sa->slots[i].state, &expected, BY_HELPER))
            break;                          /* the scan got here first: the rest is its */
        stat_shard(sa, &sa->slots[i]);
        atomic_store(&sa->slots[i].state, DONE);
    }
    return NULL;
}

stat_ahead *stat_ahead_start(int deals_fd, const char *cache_dir, char *const *shards, size_t n)
{
    if (n < MIN_SHARDS || sysconf(_SC_NPROCESSORS_ONLN) < 2)
        return NULL;
    int fd = fcntl(deals_fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return NULL;
    stat_ahead *sa = xcalloc(1, sizeof *sa);
    sa->fd = fd;
    sa->cache_dir = cache_dir ? xstrdup(cache_dir) : NULL;
    sa->n = n;
    sa->slots = xcalloc(n, sizeof *sa->slots);
    for (size_t i = 0; i < n; i++) {
        sa->slots[i].name = xstrdup(shards[i]);
        atomic_init(&sa->slots[i].state, FREE);
    }
    atomic_init(&sa->stop, false);
    /* The helper takes no signals (it inherits this mask): the board's
     * handlers expect them on the main thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int started = pthread_create(&sa->thread, NULL, helper, sa);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (started != 0) {
        atomic_store(&sa->stop, true);
        sa->thread = pthread_self();      /* marks: nothing to join */
        stat_ahead_end(sa);
        return NULL;
    }
    return sa;
}

static shard_slot *find_slot(stat_ahead *sa, const char *shard)
{
    for (size_t k = 0; k < sa->n; k++) {  /* usually the next one: shards come in order */
        size_t i = (sa->next_claim + k) % sa->n;
        if (strcmp(sa->slots[i].name, shard) == 0) {
            sa->next_claim = i + 1;
            return &sa->slots[i];
        }
    }
    return NULL;
}

void stat_ahead_claim(stat_ahead *sa, const char *shard)
{
    if (!sa)
        return;
    sa->current = NULL;
    shard_slot *slot = find_slot(sa, shard);
    int expected = FREE;
    /* Free: the scan's own. Being done by the helper: the scan does it too
     * rather than wait. Done: the helper's results. */
    if (slot && !atomic_compare_exchange_strong(&slot->state, &expected, BY_SCAN) &&
        expected == DONE) {
        sa->current = slot;
        sa->cursor = 0;
    }
}

bool stat_ahead_get(stat_ahead *sa, const char *name, struct stat *st, bool *stat_ok)
{
    const shard_slot *slot = sa ? sa->current : NULL;
    if (!slot)
        return false;
    for (size_t k = 0; k < slot->nfiles; k++) {   /* usually the next one: same order */
        size_t i = (sa->cursor + k) % slot->nfiles;
        if (strcmp(slot->files[i].name, name) == 0) {
            sa->cursor = i + 1;
            *st = slot->files[i].st;
            *stat_ok = slot->files[i].ok;
            return true;
        }
    }
    return false;
}

void stat_ahead_end(stat_ahead *sa)
{
    if (!sa)
        return;
    atomic_store(&sa->stop, true);
    if (!pthread_equal(sa->thread, pthread_self()))
        pthread_join(sa->thread, NULL);
    for (size_t i = 0; i < sa->n; i++) {
        for (size_t k = 0; k < sa->slots[i].nfiles; k++)
            free(sa->slots[i].files[k].name);
        free(sa->slots[i].files);
        free(sa->slots[i].name);
    }
    free(sa->slots);
    free(sa->cache_dir);
    close(sa->fd);
    free(sa);
}
