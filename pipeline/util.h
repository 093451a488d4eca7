/* Small helpers shared by every layer: checked allocation, errors in words. */
#ifndef DB_UTIL_H
#define DB_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Exit codes of SPEC §3. */
enum { DB_OK = 0, DB_EUSAGE = 1, DB_EIO = 2, DB_ECONFLICT = 3 };

/* An error as the user will read it: "<what>: <why>", plus the exit code. */
typedef struct {
    int code;
    char msg[1024];
} db_err;

/* Records the error (the latest one wins) and returns its code. */
int db_fail(db_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void db_err_clear(db_err *err);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);          /* NULL stays NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable byte buffer, always NUL-terminated. */
typedef struct {
    char *data;
    size_t len, cap;
} strbuf;
void sb_grow(strbuf *sb, size_t n);
/* Inline: writers call it for every token of large outputs. */
static inline void sb_add(strbuf *sb, const char *s, size_t n)
{
    if (sb->len + n + 1 > sb->cap)
        sb_grow(sb, n);
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}
void sb_puts(strbuf *sb, const char *s);
void sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_free(strbuf *sb);

bool str_empty(const char *s);         /* NULL or "" */
bool str_eq(const char *a, const char *b); /* NULL-safe */
bool str_has_prefix(const char *s, const char *prefix);

#endif
