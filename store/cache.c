#include "cache.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../pipeline/util.h"
#include "fsutil.h"

#define CACHE_MAGIC "DBCACHE2"
/* Entries younger than this are not cached: on file systems with coarse
 * timestamps a same-size rewrite within one tick would look unchanged. */
#define RACY_SECONDS 2

typedef struct {
    char magic[8];
    uint32_t endian, count;
    uint64_t payload_len, checksum;
} cache_header;

typedef struct {
    const char *id;          /* points into the mapping */
    size_t offset, len;      /* the whole entry, for copying forward */
} cache_slot;

struct deal_cache {
    char *path;
    const unsigned char *map;
    size_t map_len;
    cache_slot *slots;
    size_t nslots, nused_old, ntaken;
    strbuf out;              /* the next cache file's payload */
    uint32_t out_count;
    bool changed;
    int64_t now;
};

/* ---- hashing ---- */

static uint64_t hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

/* A fast checksum over the payload: detects truncation and torn writes. */
static uint64_t checksum(const unsigned char *p, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ len, w;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
        h ^= h >> 29;
    }
    for (; i < len; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

void file_key_of(const struct stat *st, file_key *key)
{
    key->ino = (uint64_t)st->st_ino;
    key->size = (uint64_t)st->st_size;
    key->mtime_s = st->st_mtim.tv_sec;
    key->mtime_ns = st->st_mtim.tv_nsec;
    key->ctime_s = st->st_ctim.tv_sec;
    key->ctime_ns = st->st_ctim.tv_nsec;
}

/* ---- writing entries ---- */

static void put_u32(strbuf *sb, uint32_t v) { sb_add(sb, (const char *)&v, sizeof v); }
static void put_i32(strbuf *sb, int32_t v) { sb_add(sb, (const char *)&v, sizeof v); }
static void put_i64(strbuf *sb, int64_t v) { sb_add(sb, (const char *)&v, sizeof v); }

static void put_str(strbuf *sb, const char *s)
{
    if (!s) {
        put_u32(sb, UINT32_MAX);
        return;
    }
    uint32_t n = (uint32_t)strlen(s);
    put_u32(sb, n);
    sb_add(sb, s, n + 1);               /* keep the NUL: ids are read in place */
}

static void put_deal(strbuf *sb, const deal *d)
{
    const char *strings[] = {d->title, d->account, d->owner, d->stage, d->currency, d->next_text,
                             d->status_quo, d->insight, d->persona, d->champion,
                             d->snooze_reason, d->moved_on_reason};
    const db_day days[] = {d->created, d->stage_entered, d->last_touch, d->close_date,
                           d->next_due, d->snooze_until, d->revisit};
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
        put_str(sb, strings[i]);
    for (size_t i = 0; i < sizeof days / sizeof *days; i++)
        put_i32(sb, days[i]);
    put_i64(sb, d->value);
    put_i32(sb, (int32_t)d->status);
    put_i32(sb, d->close_date_pushes);
    put_i32(sb, d->moved_on);
    put_u32(sb, (uint32_t)d->ntags);
    for (size_t i = 0; i < d->ntags; i++)
        put_str(sb, d->tags[i]);
    put_u32(sb, (uint32_t)d->nlog);
    for (size_t i = 0; i < d->nlog; i++) {
        const log_entry *e = &d->log[i];
        put_str(sb, e->id);
        put_str(sb, e->at);
        put_str(sb, e->by);
        put_str(sb, e->kind);
        put_str(sb, e->text);
    }
}

/* Entry: id, key, deal. The length prefix lets a hit be copied forward whole. */
static void put_entry(strbuf *sb, const char *id, const file_key *key, const deal *d)
{
    size_t start = sb->len;
    put_u32(sb, 0);                      /* patched below */
    put_str(sb, id);
    sb_add(sb, (const char *)key, sizeof *key);
    put_deal(sb, d);
    uint32_t len = (uint32_t)(sb->len - start);
    memcpy(sb->data + start, &len, sizeof len);
}

/* ---- reading entries (bounds-checked: the file may be damaged) ---- */

typedef struct {
    const unsigned char *p, *end;
    bool bad;
} reader;

static bool take(reader *r, void *out, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        return false;
    }
    memcpy(out, r->p, n);
    r->p += n;
    return true;
}

static int32_t get_i32(reader *r)
{
    int32_t v = 0;
    take(r, &v, sizeof v);
    return v;
}

static int64_t get_i64(reader *r)
{
    int64_t v = 0;
    take(r, &v, sizeof v);
    return v;
}

static uint32_t get_u32(reader *r)
{
    uint32_t v = 0;
    take(r, &v, sizeof v);
    return v;
}

/* Points into the mapping (valid while it is mapped). */
static const char *peek_str(reader *r)
{
    uint32_t n = get_u32(r);
    if (r->bad || n == UINT32_MAX)
        return NULL;
    if ((size_t)(r->end - r->p) < (size_t)n + 1 || r->p[n] != '\0') {
        r->bad = true;
        return NULL;
    }
    const char *s = (const char *)r->p;
    r->p += n + 1;
    return s;
}

static char *get_str(reader *r) { return xstrdup(peek_str(r)); }

static bool get_deal(reader *r, const char *id, deal *d)
{
    deal_init(d);
    d->id = xstrdup(id);
    char **strings[] = {&d->title, &d->account, &d->owner, &d->stage, &d->currency,
                        &d->next_text, &d->status_quo, &d->insight, &d->persona, &d->champion,
                        &d->snooze_reason, &d->moved_on_reason};
    db_day *days[] = {&d->created, &d->stage_entered, &d->last_touch, &d->close_date,
                      &d->next_due, &d->snooze_until, &d->revisit};
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
        *strings[i] = get_str(r);
    for (size_t i = 0; i < sizeof days / sizeof *days; i++)
        *days[i] = get_i32(r);
    d->value = get_i64(r);
    int32_t status = get_i32(r);
    d->status = status >= 0 && status < STATUS_COUNT ? (deal_status)status : STATUS_OPEN;
    d->close_date_pushes = get_i32(r);
    d->moved_on = get_i32(r) != 0;
    uint32_t ntags = get_u32(r);
    for (uint32_t i = 0; i < ntags && !r->bad; i++) {
        const char *tag = peek_str(r);
        if (tag)
            deal_add_tag(d, tag);
    }
    uint32_t nlog = get_u32(r);
    for (uint32_t i = 0; i < nlog && !r->bad; i++) {
        const char *f[5];
        for (int k = 0; k < 5; k++)
            f[k] = peek_str(r);
        if (!r->bad)
            deal_add_log(d, f[0], f[1], f[2], f[3], f[4]);
    }
    if (r->bad || !d->title || !d->stage)
        deal_free(d);
    return !r->bad && d->id;
}

/* ---- the table of old entries ---- */

static cache_slot *find_slot(deal_cache *c, const char *id)
{
    if (!c->nslots)
        return NULL;
    size_t mask = c->nslots - 1;
    for (size_t i = hash_id(id) & mask;; i = (i + 1) & mask) {
        if (!c->slots[i].id || strcmp(c->slots[i].id, id) == 0)
            return &c->slots[i];
    }
}

static bool index_entries(deal_cache *c, uint32_t count)
{
    c->nslots = 16;
    while (c->nslots < (size_t)count * 2)
        c->nslots *= 2;
    c->slots = xcalloc(c->nslots, sizeof *c->slots);
    reader r = {c->map + sizeof(cache_header), c->map + c->map_len, false};
    for (uint32_t i = 0; i < count; i++) {
        const unsigned char *start = r.p;
        uint32_t len = get_u32(&r);
        const char *id = peek_str(&r);
        if (r.bad || !id || len < 4 || (size_t)(r.end - start) < len)
            return false;
        cache_slot *slot = find_slot(c, id);
        *slot = (cache_slot){id, (size_t)(start - c->map), len};
        r.p = start + len;
    }
    c->nused_old = count;
    return true;
}

static void map_file(deal_cache *c)
{
    int fd = open(c->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0)
        return;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= (off_t)sizeof(cache_header)) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            c->map = m;
            c->map_len = (size_t)st.st_size;
        }
    }
    close(fd);
}

static bool header_ok(const deal_cache *c, cache_header *h)
{
    memcpy(h, c->map, sizeof *h);
    return memcmp(h->magic, CACHE_MAGIC, 8) == 0 && h->endian == 0x01020304 &&
           h->payload_len == c->map_len - sizeof *h &&
           h->checksum == checksum(c->map + sizeof *h, (size_t)h->payload_len);
}

deal_cache *cache_open(const char *path)
{
    deal_cache *c = xcalloc(1, sizeof *c);
    c->path = xstrdup(path);
    c->now = (int64_t)time(NULL);
    map_file(c);
    cache_header h;
    if (c->map && !(header_ok(c, &h) && index_entries(c, h.count))) {
        free(c->slots);                  /* unusable: start afresh */
        c->slots = NULL;
        c->nslots = c->nused_old = 0;
        c->changed = true;
    }
    return c;
}

bool cache_take(deal_cache *c, const char *id, const file_key *key, deal *out)
{
    cache_slot *slot = find_slot(c, id);
    if (!slot || !slot->id)
        return false;
    reader r = {c->map + slot->offset, c->map + slot->offset + slot->len, false};
    get_u32(&r);
    peek_str(&r);
    file_key stored;
    if (!take(&r, &stored, sizeof stored) || memcmp(&stored, key, sizeof stored) != 0 ||
        !get_deal(&r, id, out))
        return false;
    sb_add(&c->out, (const char *)c->map + slot->offset, slot->len);
    c->out_count++;
    c->ntaken++;
    return true;
}

void cache_put(deal_cache *c, const char *id, const file_key *key, const deal *d)
{
    c->changed = true;
    /* Unknown keys live only in the file's JSON; such deals are always parsed. */
    if (d->raw || key->mtime_s >= c->now - RACY_SECONDS || key->ctime_s >= c->now - RACY_SECONDS)
        return;
    put_entry(&c->out, id, key, d);
    c->out_count++;
}

static void write_cache(deal_cache *c)
{
    cache_header h = {CACHE_MAGIC, 0x01020304, c->out_count, c->out.len, 0};
    memcpy(h.magic, CACHE_MAGIC, 8);
    h.checksum = checksum((const unsigned char *)(c->out.data ? c->out.data : ""), c->out.len);
    strbuf file = {0};
    sb_add(&file, (const char *)&h, sizeof h);
    if (c->out.len)
        sb_add(&file, c->out.data, c->out.len);
    /* A torn write only costs a rebuild: the checksum catches it. */
    char *tmp = xasprintf("%s.tmp-%ld", c->path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    bool ok = fd >= 0 && write(fd, file.data, file.len) == (ssize_t)file.len;
    if (fd >= 0)
        close(fd);
    if (!ok || rename(tmp, c->path) < 0)
        unlink(tmp);
    free(tmp);
    sb_free(&file);
}

void cache_close(deal_cache *c)
{
    if (!c)
        return;
    if (c->changed || c->ntaken != c->nused_old)
        write_cache(c);
    if (c->map)
        munmap((void *)c->map, c->map_len);
    free(c->slots);
    sb_free(&c->out);
    free(c->path);
    free(c);
}
