/* The load cache: parsed deals kept under .git/dealboard-cache.d/, one file
 * per shard directory (deals/XX -> .git/dealboard-cache.d/XX), so that an
 * edit rewrites one small file, not the whole cache.
 *
 * Each shard file holds three regions, each with its own checksum:
 *   light | rest | view
 * light: what a light deal carries (the fields deal_fields.h marks LIGHT),
 *        plus each deal's file identity and where its rest and view are;
 *        the only region a light load reads;
 * rest:  the other fields and the log (a full load reads light + rest);
 * view:  the stored object pre-rendered as `list --json` prints it (depth 2,
 *        no closing brace), copied out as is by listings.
 * Invisible to correctness: every entry is checked against its file's
 * identity (inode, size, mtime, ctime) at each load; a region is checked
 * against its checksum before its first use; a damaged, truncated or
 * old-format file (one written for another field table) is ignored and rebuilt; deals with unknown keys and
 * files changed in the last two seconds are never cached. */
#ifndef DB_CACHE_H
#define DB_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "../pipeline/deal.h"
#include "../pipeline/util.h"

typedef struct {
    uint64_t ino, size;
    int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
} file_key;

typedef enum {
    CACHE_FULL,          /* whole deals: light + rest */
    CACHE_LIGHT,         /* light deals */
    CACHE_LIGHT_VIEW,    /* light deals with view_json (the mappings outlive the cache) */
} cache_mode;

typedef struct deal_cache deal_cache;

void file_key_of(const struct stat *st, file_key *key);
/* dir: the cache directory (made when missing). Never fails: a missing or
 * unusable cache file gives empty shards. */
deal_cache *cache_open(const char *dir, cache_mode mode);
/* Every deal of a shard is taken or put between these two; shards may come
 * in any order, each once. cache_end_shard rewrites the shard's file when
 * its content changed. */
void cache_begin_shard(deal_cache *cache, const char *shard, const struct stat *dir);
/* The shard directory's file names as last read (NUL-terminated, *len bytes
 * in all) when the directory has the same identity as then (dir given to
 * cache_begin_shard; not changed in the last two seconds): creating,
 * removing or renaming a file changes it, so reading it again is spared.
 * NULL: read the directory, telling each name to cache_note_name. */
const char *cache_shard_names(deal_cache *cache, size_t *len);
void cache_note_name(deal_cache *cache, const char *name);
void cache_end_shard(deal_cache *cache);
/* A hit fills *out: an owned deal, light (deal.partial) unless the mode is
 * CACHE_FULL; in CACHE_LIGHT_VIEW view_json points into a mapping that
 * cache_close hands over. The entry is kept for the next write. */
bool cache_take(deal_cache *cache, const char *id, const file_key *key, deal *out);
/* Records a freshly parsed (whole) deal for the next write. */
void cache_put(deal_cache *cache, const char *id, const file_key *key, const deal *d);
/* Moves into `into` what `from` holds beyond its shards (the names of the
 * shards it saw, the mappings it keeps) and frees `from` (NULL is fine):
 * two caches that loaded disjoint shards, one per thread, close as one.
 * Both must be between shards. */
void cache_merge(deal_cache *into, deal_cache *from);
/* Removes the files of shards no longer present (only after a complete
 * scan: all_seen), then frees the cache. In CACHE_LIGHT_VIEW the mappings
 * go to *backing / *backing_free (for deal_list), else they are unmapped. */
void cache_close(deal_cache *cache, bool all_seen, void **backing,
                 void (**backing_free)(void *));

/* The text a listing copies: the object at depth 2 without its closing brace. */
void cache_render_view(strbuf *sb, const deal *d);

#endif
