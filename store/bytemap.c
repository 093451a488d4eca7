/* Open addressing with linear probing, at most half full (see bytemap.h). */
#include "bytemap.h"

#include <stdlib.h>
#include <string.h>

#include "../pipeline/util.h"

struct bytemap_slot {
    uint64_t hash;
    char *key;               /* NULL: empty */
    size_t len;
    uintptr_t value;
};

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
        if (!s->key || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
            return s;
    }
}

static void grow(bytemap *m)
{
    bytemap bigger = {xcalloc(m->cap ? m->cap * 2 : 64, sizeof *m->slots),
                     m->cap ? m->cap * 2 : 64, m->count};
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            *find(&bigger, m->slots[i].key, m->slots[i].len, m->slots[i].hash) = m->slots[i];
    free(m->slots);
    *m = bigger;
}

void bytemap_put(bytemap *m, const void *key, size_t len, uintptr_t value)
{
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    uint64_t h = hash_of(key, len);
    struct bytemap_slot *s = find(m, key, len, h);
    if (!s->key) {
        s->key = xmalloc(len ? len : 1);
        memcpy(s->key, key, len);
        s->len = len;
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
    if (s->key && value)
        *value = s->value;
    return s->key != NULL;
}

void bytemap_each(bytemap *m, void (*fn)(uintptr_t value))
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            fn(m->slots[i].value);
}

void bytemap_free(bytemap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    memset(m, 0, sizeof *m);
}
