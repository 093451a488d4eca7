/* .git/index format (versions 2 and 3): "DIRC", version, entry count (all
 * 32-bit big-endian); entries sorted by path then stage, each 62 bytes of
 * stat data, object id and flags (64 with v3's extended flags) + the path,
 * NUL-padded to a multiple of 8; extensions (4-byte signature, 32-bit size,
 * data); a SHA-1 of everything before it. See git's
 * Documentation/gitformat-index.txt. */
/* SHA1_Init/Update/Final: deprecated in OpenSSL 3 but direct, while the
 * EVP interface would load the provider machinery first (~1 ms a process). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "index_fast.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fsutil.h"

#define ENTRY_FIXED 62         /* stat data, id, flags */
#define HASH_LEN 20
#define MAX_UPDATES 256        /* more: libgit2 (a bulk change is slow anyway) */
#define FLAG_EXTENDED 0x4000
#define FLAG_STAGE 0x3000
#define NAME_MASK 0x0fff

typedef struct {
    const unsigned char *data;
    size_t size;               /* without the trailing hash */
    unsigned version;
    size_t count;
    size_t *offsets;           /* count + 1: where each entry starts; the last = end */
    size_t ext_start;
    struct timespec mtime;     /* of the index file: for racily clean entries */
} index_map;

typedef struct {
    unsigned char *data;
    size_t len, cap;
} outbuf;

/* The new index as pieces: runs of the mapped old one, and new bytes (the
 * header, new and smudged entries, the extensions) in `own`. Hashed and
 * written piece by piece: no copy of the unchanged megabytes. */
typedef struct {
    const unsigned char *base;  /* the mapped old index, or NULL: own */
    size_t off, len;
} piece;

typedef struct {
    piece *items;
    size_t count;
    outbuf own;
} newindex;

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void out_add(outbuf *o, const void *data, size_t len)
{
    if (o->len + len > o->cap) {
        o->cap = (o->len + len) * 2;
        o->data = xrealloc(o->data, o->cap);
    }
    memcpy(o->data + o->len, data, len);
    o->len += len;
}

static void add_piece(newindex *x, const unsigned char *base, size_t off, size_t len)
{
    if (!len)
        return;
    x->items = xrealloc(x->items, (x->count + 1) * sizeof *x->items);
    x->items[x->count++] = (piece){base, off, len};
}

static void emit_own(newindex *x, const void *data, size_t len)
{
    add_piece(x, NULL, x->own.len, len);
    out_add(&x->own, data, len);
}

static const unsigned char *piece_data(const newindex *x, const piece *p)
{
    return (p->base ? p->base : x->own.data) + p->off;
}

static bool sha1(const void *data, size_t len, unsigned char out[HASH_LEN])
{
    SHA_CTX ctx;
    return SHA1_Init(&ctx) == 1 && SHA1_Update(&ctx, data, len) == 1 && SHA1_Final(out, &ctx) == 1;
}

static unsigned entry_flags(const index_map *m, size_t i)
{
    const unsigned char *p = m->data + m->offsets[i] + 60;
    return (unsigned)p[0] << 8 | p[1];
}

static const char *entry_path(const index_map *m, size_t i)
{
    size_t fixed = ENTRY_FIXED + (entry_flags(m, i) & FLAG_EXTENDED ? 2 : 0);
    return (const char *)m->data + m->offsets[i] + fixed;
}

/* One entry at off: its length, or 0 when it is malformed. */
static size_t entry_length(const index_map *m, size_t off)
{
    if (off + ENTRY_FIXED > m->size)
        return 0;
    unsigned flags = (unsigned)m->data[off + 60] << 8 | m->data[off + 61];
    size_t fixed = ENTRY_FIXED;
    if (flags & FLAG_EXTENDED) {
        if (m->version < 3)
            return 0;
        fixed += 2;
    }
    const unsigned char *path = m->data + off + fixed;
    if (off + fixed >= m->size)
        return 0;
    const unsigned char *nul = memchr(path, '\0', m->size - off - fixed);
    if (!nul)
        return 0;
    size_t namelen = (size_t)(nul - path);
    if ((flags & NAME_MASK) != (namelen < NAME_MASK ? namelen : NAME_MASK) || namelen == 0)
        return 0;
    size_t len = (fixed + namelen + 8) & ~(size_t)7;
    return off + len <= m->size ? len : 0;
}

static bool parse_entries(index_map *m)
{
    m->offsets = xmalloc((m->count + 1) * sizeof *m->offsets);
    size_t off = 12;
    for (size_t i = 0; i < m->count; i++) {
        size_t len = entry_length(m, off);
        if (!len)
            return false;
        m->offsets[i] = off;
        off += len;
    }
    m->offsets[m->count] = off;
    m->ext_start = off;
    return true;
}

/* 0: mapped and checked; INDEX_FAST_UNSUPPORTED: not a form handled here. */
static int map_index(const char *path, index_map *m, db_err *err)
{
    memset(m, 0, sizeof *m);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? INDEX_FAST_UNSUPPORTED
                               : db_fail(err, DB_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    int rc = fstat(fd, &st) < 0 ? db_fail(err, DB_EIO, "%s: %s", path, strerror(errno)) : 0;
    if (!rc && (!S_ISREG(st.st_mode) || st.st_size < 12 + HASH_LEN))
        rc = INDEX_FAST_UNSUPPORTED;
    void *data = rc ? MAP_FAILED : mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (rc)
        return rc;
    if (data == MAP_FAILED)
        return db_fail(err, DB_EIO, "%s: cannot map: %s", path, strerror(errno));
    m->data = data;
    m->size = (size_t)st.st_size - HASH_LEN;
    m->mtime = st.st_mtim;
    m->version = get32(m->data + 4);
    m->count = get32(m->data + 8);
    /* The checksum is checked with the new one's computation (hash_both). */
    if (memcmp(m->data, "DIRC", 4) != 0 || (m->version != 2 && m->version != 3) ||
        m->count > m->size / ENTRY_FIXED || !parse_entries(m))
        return INDEX_FAST_UNSUPPORTED;
    return 0;
}

static void unmap_index(index_map *m)
{
    if (m->data)
        munmap((void *)m->data, m->size + HASH_LEN);
    free(m->offsets);
}

/* First entry whose path is >= path (git's order: bytes, then length). */
static size_t lower_bound(const index_map *m, const char *path)
{
    size_t lo = 0, hi = m->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(entry_path(m, mid), path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool is_under(const char *path, const char *dir, size_t dirlen)
{
    return strncmp(path, dir, dirlen) == 0 && path[dirlen] == '/';
}

/* Where an update goes, or SIZE_MAX when libgit2 should do it: a conflict
 * (stages 1-3) on the path, or a file where a directory is (or the reverse). */
static size_t update_position(const index_map *m, const char *path, bool *replaces)
{
    size_t pos = lower_bound(m, path);
    *replaces = pos < m->count && strcmp(entry_path(m, pos), path) == 0;
    if (*replaces && ((entry_flags(m, pos) & FLAG_STAGE) ||
                      (pos + 1 < m->count && strcmp(entry_path(m, pos + 1), path) == 0)))
        return SIZE_MAX;
    char *dir = xasprintf("%s/", path);
    size_t under = lower_bound(m, dir);
    bool is_dir = under < m->count && str_has_prefix(entry_path(m, under), dir);
    for (char *slash = strchr(dir, '/'); slash && !is_dir && slash[1]; slash = strchr(slash + 1, '/')) {
        *slash = '\0';                         /* each directory above must not be a file */
        size_t at = lower_bound(m, dir);
        is_dir = at < m->count && strcmp(entry_path(m, at), dir) == 0;
        *slash = '/';
    }
    free(dir);
    return is_dir ? SIZE_MAX : pos;
}

static bool content_matches(const char *workdir, const char *path, const unsigned char *id)
{
    char *full = fs_join(workdir, path), *text = NULL;
    size_t len = 0;
    db_err ignored;
    bool same = false;
    if (fs_read_file(full, &text, &len, &ignored) == 0) {
        size_t head = (size_t)snprintf(NULL, 0, "blob %zu", len) + 1;
        char *blob = xmalloc(head + len + 1);
        snprintf(blob, head, "blob %zu", len);
        memcpy(blob + head, text, len);
        unsigned char hash[HASH_LEN];
        same = sha1(blob, head + len, hash) && memcmp(hash, id, HASH_LEN) == 0;
        free(blob);
    }
    free(text);
    free(full);
    return same;
}

bool index_file_matches(const char *workdir, const char *path, const git_oid *id)
{
    return content_matches(workdir, path, id->id);
}

/* An entry is racily clean when its file changed in the same timestamp tick
 * as the index was written: its stat data cannot tell a later change. Git
 * (and libgit2's truncate_racily_clean) keep such entries honest when they
 * rewrite the index: if the file differs, the size is zeroed so that the
 * next status hashes it. Once the new index is newer, nothing else would. */
static bool needs_smudge(const index_map *m, size_t i, const char *workdir)
{
    const unsigned char *p = m->data + m->offsets[i];
    uint32_t sec = get32(p + 8), nsec = get32(p + 12);
    bool racy = sec > (uint32_t)m->mtime.tv_sec ||
                (sec == (uint32_t)m->mtime.tv_sec && nsec >= (uint32_t)m->mtime.tv_nsec);
    if (!racy || get32(p + 36) == 0 || (entry_flags(m, i) & FLAG_STAGE))
        return false;
    bool regular = (get32(p + 24) & 0170000) == 0100000;
    return !regular || !content_matches(workdir, entry_path(m, i), p + 40);
}

static void copy_entries(const index_map *m, size_t from, size_t to, newindex *x,
                         const char *workdir)
{
    size_t start = m->offsets[from];
    for (size_t i = from; i < to; i++) {
        if (!needs_smudge(m, i, workdir))
            continue;
        add_piece(x, m->data, start, m->offsets[i] - start);
        size_t len = m->offsets[i + 1] - m->offsets[i];
        size_t at = x->own.len;
        emit_own(x, m->data + m->offsets[i], len);
        put32(x->own.data + at + 36, 0);
        start = m->offsets[i + 1];
    }
    add_piece(x, m->data, start, m->offsets[to] - start);
}

static void add_entry(newindex *x, const index_update *u)
{
    size_t namelen = strlen(u->path);
    size_t len = (ENTRY_FIXED + namelen + 8) & ~(size_t)7;
    unsigned char fixed[ENTRY_FIXED];
    const struct stat *st = &u->st;
    uint32_t fields[10] = {(uint32_t)st->st_ctim.tv_sec, (uint32_t)st->st_ctim.tv_nsec,
                           (uint32_t)st->st_mtim.tv_sec, (uint32_t)st->st_mtim.tv_nsec,
                           (uint32_t)st->st_dev,         (uint32_t)st->st_ino,
                           0100644,                      (uint32_t)st->st_uid,
                           (uint32_t)st->st_gid,         (uint32_t)st->st_size};
    for (int i = 0; i < 10; i++)
        put32(fixed + 4 * i, fields[i]);
    memcpy(fixed + 40, u->id.id, HASH_LEN);
    unsigned flags = namelen < NAME_MASK ? (unsigned)namelen : NAME_MASK;
    fixed[60] = (unsigned char)(flags >> 8);
    fixed[61] = (unsigned char)flags;
    emit_own(x, fixed, ENTRY_FIXED);
    emit_own(x, u->path, namelen);
    static const unsigned char zeros[8];
    emit_own(x, zeros, len - ENTRY_FIXED - namelen);
}

/* ---- the cache-tree extension ----------------------------------------- */

typedef struct {
    const unsigned char *p;
    size_t pos, len;
} cursor;

static bool read_number(cursor *c, char end, long *out)
{
    bool neg = c->pos < c->len && c->p[c->pos] == '-';
    c->pos += neg;
    long v = 0;
    size_t start = c->pos;
    while (c->pos < c->len && c->p[c->pos] >= '0' && c->p[c->pos] <= '9' && v < 100000000)
        v = v * 10 + (c->p[c->pos++] - '0');
    if (c->pos == start || c->pos >= c->len || c->p[c->pos] != end)
        return false;
    c->pos++;
    *out = neg ? -v : v;
    return true;
}

static bool touches(const char *dir, const index_update *u, size_t n)
{
    size_t len = strlen(dir);
    for (size_t i = 0; i < n; i++)
        if (!len || is_under(u[i].path, dir, len))
            return true;
    return false;
}

/* One node (name NUL, entry count, ' ', subtree count, '\n', id unless the
 * count is -1) and its subtrees, copied; invalidated (count -1, no id) when a
 * changed path lies below it, as git's cache_tree_invalidate_path does. */
static bool tree_node(cursor *c, strbuf *path, int depth, const index_update *u, size_t n,
                      outbuf *o)
{
    const unsigned char *name = c->p + c->pos;
    const unsigned char *nul = memchr(name, '\0', c->len - c->pos);
    if (!nul || depth > 64)
        return false;
    size_t namelen = (size_t)(nul - name), outer = path->len;
    c->pos += namelen + 1;
    if (depth > 0)
        sb_printf(path, "%s%.*s", depth > 1 ? "/" : "", (int)namelen, (const char *)name);
    long entries, subtrees;
    if (!read_number(c, ' ', &entries) || !read_number(c, '\n', &subtrees) || subtrees < 0 ||
        (entries >= 0 && c->pos + HASH_LEN > c->len))
        return false;
    const char *dir = path->data ? path->data : "";
    for (size_t i = 0; i < n; i++)
        if (depth > 0 && strcmp(u[i].path, dir) == 0)
            return false;                      /* a file where a tree was: libgit2 */
    char counts[48];
    bool invalid = entries < 0 || touches(dir, u, n);
    int len = snprintf(counts, sizeof counts, "%ld %ld\n", invalid ? -1L : entries, subtrees);
    out_add(o, name, namelen + 1);
    out_add(o, counts, (size_t)len);
    if (entries >= 0) {
        if (!invalid)
            out_add(o, c->p + c->pos, HASH_LEN);
        c->pos += HASH_LEN;
    }
    bool ok = true;
    for (long i = 0; i < subtrees && ok; i++)
        ok = tree_node(c, path, depth + 1, u, n, o);
    path->len = outer;
    if (path->data)
        path->data[outer] = '\0';
    return ok;
}

/* The extensions after the entries: TREE is rewritten, any other one makes
 * this path step aside (split index, untracked cache, fsmonitor … are
 * libgit2's to keep right). */
static bool copy_extensions(const index_map *m, const index_update *u, size_t n, newindex *x)
{
    size_t off = m->ext_start;
    while (off < m->size) {
        if (off + 8 > m->size)
            return false;
        size_t len = get32(m->data + off + 4);
        if (memcmp(m->data + off, "TREE", 4) != 0 || len > m->size - off - 8)
            return false;
        cursor c = {m->data + off + 8, 0, len};
        outbuf tree = {0};
        strbuf path = {0};
        bool ok = len == 0 || (tree_node(&c, &path, 0, u, n, &tree) && c.pos == len);
        sb_free(&path);
        if (ok) {
            unsigned char head[8];
            memcpy(head, "TREE", 4);
            put32(head + 4, (uint32_t)tree.len);
            emit_own(x, head, 8);
            emit_own(x, tree.data, tree.len);
        }
        free(tree.data);
        if (!ok)
            return false;
        off += 8 + len;
    }
    return true;
}

/* ---- writing ---------------------------------------------------------- */

static int by_path(const void *a, const void *b)
{
    return strcmp(((const index_update *)a)->path, ((const index_update *)b)->path);
}

/* Builds the new index in x; false when libgit2 should do it. */
static bool build(const index_map *m, index_update *u, size_t n, const char *workdir, newindex *x)
{
    size_t *pos = xmalloc(n * sizeof *pos);
    bool *replaces = xmalloc(n * sizeof *replaces);
    bool ok = true;
    size_t count = m->count;
    for (size_t i = 0; i < n && ok; i++) {
        pos[i] = update_position(m, u[i].path, &replaces[i]);
        ok = pos[i] != SIZE_MAX && (i == 0 || strcmp(u[i - 1].path, u[i].path) != 0);
        count += (size_t)!u[i].removed - (size_t)replaces[i];
    }
    if (ok) {
        unsigned char header[12];
        memcpy(header, m->data, 8);
        put32(header + 8, (uint32_t)count);
        emit_own(x, header, sizeof header);
        size_t next = 0;                       /* the first old entry not yet copied */
        for (size_t i = 0; i < n; i++) {
            copy_entries(m, next, pos[i], x, workdir);
            next = pos[i] + replaces[i];
            if (!u[i].removed)
                add_entry(x, &u[i]);
        }
        copy_entries(m, next, m->count, x, workdir);
        ok = copy_extensions(m, u, n, x);
    }
    free(replaces);
    free(pos);
    return ok;
}

/* How many bytes the new index starts with that the old one has at the same
 * place: everything before the first changed (or smudged) entry when the
 * entry count is unchanged, only "DIRC" and the version otherwise. */
static size_t common_prefix(const index_map *m, const newindex *x)
{
    size_t off = 0;
    for (size_t i = 0; i < x->count; i++) {
        const piece *p = &x->items[i];
        if (p->base && p->off == off) {        /* the old bytes, in place */
            off += p->len;
            continue;
        }
        const unsigned char *d = piece_data(x, p);
        size_t n = p->len < m->size - off ? p->len : m->size - off, k = 0;
        while (k < n && d[k] == m->data[off + k])
            k++;
        off += k;
        if (k < p->len)
            break;
    }
    return off;
}

/* Checks the old index's checksum and computes the new one's, hashing the
 * bytes they start with once: an edit in the middle of a 10 MB index hashes
 * 15 MB instead of 20. False when the old checksum is wrong. */
static bool hash_both(const index_map *m, const newindex *x, unsigned char out[HASH_LEN])
{
    size_t skip = common_prefix(m, x);
    SHA_CTX old, new;
    unsigned char hash[HASH_LEN];
    bool ok = SHA1_Init(&old) == 1 && SHA1_Update(&old, m->data, skip) == 1;
    new = old;                                 /* the state after the shared bytes */
    ok = ok && SHA1_Update(&old, m->data + skip, m->size - skip) == 1 &&
         SHA1_Final(hash, &old) == 1 && memcmp(hash, m->data + m->size, HASH_LEN) == 0;
    for (size_t i = 0; i < x->count && ok; i++) {
        size_t len = x->items[i].len, drop = skip < len ? skip : len;
        skip -= drop;
        ok = SHA1_Update(&new, piece_data(x, &x->items[i]) + drop, len - drop) == 1;
    }
    return ok && SHA1_Final(out, &new) == 1;
}

typedef struct {
    char *path, *lock;
    int fd;                     /* index.lock, ours from the start */
    index_map m;
    newindex x;
} index_job;

static void drop_job(index_job *job)
{
    if (!job)
        return;
    if (job->fd >= 0) {
        close(job->fd);
        unlink(job->lock);
    }
    free(job->x.own.data);
    free(job->x.items);
    unmap_index(&job->m);
    free(job->path);
    free(job->lock);
    free(job);
}

/* git's lock protocol: index.lock is created (O_EXCL) before the index is
 * read, so no other git command changes it in between. */
static int prepare_job(const char *gitdir, const char *workdir, const index_update *updates,
                       size_t n, index_job **out, db_err *err)
{
    *out = NULL;
    if (n == 0 || n > MAX_UPDATES)
        return n ? INDEX_FAST_UNSUPPORTED : 0;
    index_job *job = xcalloc(1, sizeof *job);
    job->path = fs_join(gitdir, "index");
    job->lock = fs_join(gitdir, "index.lock");
    job->fd = open(job->lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    int rc = job->fd < 0 ? db_fail(err, DB_EIO, "%s: cannot lock the index: %s", job->lock,
                                   strerror(errno))
                         : map_index(job->path, &job->m, err);
    index_update *sorted = NULL;
    if (!rc) {
        sorted = xmalloc(n * sizeof *sorted);
        memcpy(sorted, updates, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, by_path);
        rc = build(&job->m, sorted, n, workdir, &job->x) ? 0 : INDEX_FAST_UNSUPPORTED;
    }
    free(sorted);
    unsigned char hash[HASH_LEN];
    if (!rc && !hash_both(&job->m, &job->x, hash))
        rc = INDEX_FAST_UNSUPPORTED;          /* a bad checksum: libgit2 says what */
    if (rc) {
        drop_job(job);
        return rc;
    }
    emit_own(&job->x, hash, HASH_LEN);
    *out = job;
    return 0;
}

static int write_job(index_job *job, db_err *err)
{
    if (!job)
        return 0;
    bool ok = true;
    for (size_t i = 0; i < job->x.count && ok; i++)
        ok = fs_write_all(job->fd, piece_data(&job->x, &job->x.items[i]), job->x.items[i].len);
    int saved = errno;
    if (close(job->fd) < 0 && ok) {
        ok = false;
        saved = errno;
    }
    job->fd = -1;
    if (ok && rename(job->lock, job->path) < 0) {
        ok = false;
        saved = errno;
    }
    int rc = 0;
    if (!ok) {
        unlink(job->lock);
        rc = db_fail(err, DB_EIO, "%s: cannot write: %s", job->path, strerror(saved));
    }
    drop_job(job);          /* frees what is left */
    return rc;
}

int index_fast_update(const char *gitdir, const char *workdir, const index_update *updates,
                      size_t n, db_err *err)
{
    index_job *job = NULL;
    int rc = prepare_job(gitdir, workdir, updates, n, &job, err);
    return rc ? rc : write_job(job, err);
}
