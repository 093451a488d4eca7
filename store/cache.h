/* The load cache: parsed deals kept under .git/ so that a board or `list`
 * over a large pipeline does not re-parse files that have not changed.
 * Invisible to correctness: every entry is checked against the file's
 * identity (inode, size, mtime, ctime) at each load, a damaged or truncated
 * cache is ignored and rebuilt, and any file that does not match is parsed. */
#ifndef DB_CACHE_H
#define DB_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "../pipeline/deal.h"

typedef struct {
    uint64_t ino, size;
    int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
} file_key;

typedef struct deal_cache deal_cache;

void file_key_of(const struct stat *st, file_key *key);
/* Never fails: a missing or unusable cache file gives an empty cache. */
deal_cache *cache_open(const char *path);
/* A hit fills *out (an owned deal) and keeps the entry for the next write. */
bool cache_take(deal_cache *cache, const char *id, const file_key *key, deal *out);
/* Records a freshly parsed deal for the next write. */
void cache_put(deal_cache *cache, const char *id, const file_key *key, const deal *d);
/* Writes the cache back if anything changed, then frees it. */
void cache_close(deal_cache *cache);

#endif
