/* Stats deal files on a second thread during a directory scan: a cached
 * load checks every deal file's identity with one stat, and those path
 * lookups are most of its time. The scan takes the shards forward, the
 * helper takes them backward from the last, and each shard is stat'ed once,
 * by whichever comes to it first.
 * The helper's stat of a file is made before the scan reads that file, as
 * the scan's own would be: a file changed after it looks changed to the
 * next load (the same rule as load_visit's). */
#ifndef DB_STAT_AHEAD_H
#define DB_STAT_AHEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

typedef struct stat_ahead stat_ahead;

/* deals_fd: the deals directory (duplicated: the caller may close it);
 * cache_dir: the load cache's directory, for the names it stored (NULL:
 * the helper reads each directory); shards: the shard directory names in
 * scan order (copied). NULL when it is not worth a thread (one CPU, few
 * shards) or none could start. */
stat_ahead *stat_ahead_start(int deals_fd, const char *cache_dir, char *const *shards, size_t n);
/* The scan starts a shard: the helper leaves it alone if it has not begun it. */
void stat_ahead_claim(stat_ahead *sa, const char *shard);
/* The helper's result for a file of the claimed shard: false when it has
 * none (stat it yourself), else *stat_ok says whether its fstatat succeeded. */
bool stat_ahead_get(stat_ahead *sa, const char *name, struct stat *st, bool *stat_ok);
/* Stops and joins the helper, frees everything (NULL is fine). */
void stat_ahead_end(stat_ahead *sa);

#endif
