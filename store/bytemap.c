/* Open addressing with linear probing, at most half full (see bytemap.h). */
#include "bytemap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/util.h"

/* Keys up to INLINE_KEY bytes (object ids, most deal ids) live in the slot:
 * a long history puts hundreds of thousands of them, and one allocation
 * each was a tenth of a first read. */
#define INLINE_KEY 24

struct bytemap_slot {
    uint64_t hash;
    size_t len;
    bool used;
    uintptr_t value;
    union {
        char *heap;          /* len > INLINE_KEY */
        char bytes[INLINE_KEY];
    } key;
};

static const char *key_of(const struct bytemap_slot *s)
{
    return s->len > INLINE_KEY ? s->key.heap : s->key.bytes;
}

/* FNV-1a. */
static uint64_t hash_of(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static struct bytemap_slot *find(const bytemap *m, const void *key, size_t len, uint64_t h)
{
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        struct bytemap_slot *s = &m->slots[i];
        if (!s->used || (s->hash == h && s->len == len && memcmp(key_of(s), key, len) == 0))
            return s;
    }
}

static void grow(bytemap *m)
{
    bytemap bigger = {xcalloc(m->cap ? m->cap * 2 : 64, sizeof *m->slots),
                     m->cap ? m->cap * 2 : 64, m->count};
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].used)
            *find(&bigger, key_of(&m->slots[i]), m->slots[i].len, m->slots[i].hash) = m->slots[i];
    free(m->slots);
    *m = bigger;
}

void bytemap_put(bytemap *m, const void *key, size_t len, uintptr_t value)
{
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    uint64_t h = hash_of(key, len);
    struct bytemap_slot *s = find(m, key, len, h);
    if (!s->used) {
        s->used = true;
        s->len = len;
        if (len > INLINE_KEY)
            s->key.heap = xmalloc(len);
        memcpy(len > INLINE_KEY ? s->key.heap : s->key.bytes, key, len);
        s->hash = h;
        m->count++;
    }
    s->value = value;
}

bool bytemap_get(const bytemap *m, const void *key, size_t len, uintptr_t *value)
{
    if (!m->cap)
        return false;
    struct bytemap_slot *s = find(m, key, len, hash_of(key, len));
    if (s->used && value)
        *value = s->value;
    return s->used;
}

void bytemap_each(bytemap *m, void (*fn)(uintptr_t value))
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].used)
            fn(m->slots[i].value);
}

void bytemap_free(bytemap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].used && m->slots[i].len > INLINE_KEY)
            free(m->slots[i].key.heap);
    free(m->slots);
    memset(m, 0, sizeof *m);
}
