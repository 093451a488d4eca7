/* A hash map from byte strings (object ids, deal ids, names) to numbers or
 * pointers, for reading a long history without quadratic look-ups. */
#ifndef DB_BYTEMAP_H
#define DB_BYTEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    struct bytemap_slot *slots;
    size_t cap, count;
} bytemap;

/* The key is copied. Replaces the value of a key already there. */
void bytemap_put(bytemap *m, const void *key, size_t len, uintptr_t value);
bool bytemap_get(const bytemap *m, const void *key, size_t len, uintptr_t *value);
/* Calls fn on every value (to free them). */
void bytemap_each(bytemap *m, void (*fn)(uintptr_t value));
void bytemap_free(bytemap *m);

#endif
