/* The event index's cache file (see events_file.h). */
#include "events_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytemap.h"
#include "checksum.h"
#include "fsutil.h"
#include "repo_internal.h"

#define MAGIC "dealboard-events"   /* 16 bytes, no NUL in the file */

char *events_file_path(db_repo *repo)
{
    return xasprintf("%sdealboard-events", repo->gitdir ? repo->gitdir : "");
}

/* ---- the layout ----
 *
 * Binary, in the byte order of the machine that wrote it (a file of
 * another order fails the header check and is read again from git):
 *   header   (file_header)
 *   commits  ncommits  x commit_rec
 *   events   nevents   x event_rec
 *   tips     ntips     x tip_rec
 *   deals    ndeals    x uint32 (offset of the name in the strings)
 *   authors  nauthors  x uint32
 *   strings  strings_len bytes of NUL-terminated names and stage ids
 *   checksum uint64: region_checksum of everything before it
 * Fixed-size records, read in place from a mapping of the file: parsing a
 * text index was most of a warm `stats` and of an update after a sync. */

#define MAGIC_LEN 16
#define BYTE_ORDER_MARK 0x01020304u
#define NO_TEXT UINT32_MAX

typedef struct {
    char magic[MAGIC_LEN];
    uint32_t version, byte_order;
    char head[40];
    uint64_t unparseable, ndeals, nauthors, ncommits, nevents, ntips, strings_len;
} file_header;

typedef struct {
    unsigned char oid[20];
    uint32_t generation, author, pad;
    int64_t author_time, commit_time;
} commit_rec;

typedef struct {
    uint32_t deal, commit, field, text;     /* text: NO_TEXT or a string offset */
    int64_t num;
} event_rec;

typedef struct {
    unsigned char blob[20];
    uint32_t flags;                         /* bit 0: ok; bit 1 + f: has[f] */
    uint32_t stage;                         /* NO_TEXT or a string offset */
    uint32_t pad;
    int64_t num[EVENT_FIELD_COUNT];
} tip_rec;

static const char hexdigits[] = "0123456789abcdef";

static void oid_to_hex(const unsigned char *raw, char *hex)
{
    for (int i = 0; i < 20; i++) {
        hex[2 * i] = hexdigits[raw[i] >> 4];
        hex[2 * i + 1] = hexdigits[raw[i] & 15];
    }
}

static int lower_hex(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static bool hex_to_oid(const char *hex, unsigned char *raw)
{
    for (int i = 0; i < 20; i++) {
        int hi = lower_hex(hex[2 * i]), lo = lower_hex(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        raw[i] = (unsigned char)(hi * 16 + lo);
    }
    return true;
}

/* ---- writing ---- */

/* The strings, each kept once (a stage id is in thousands of events). */
typedef struct {
    strbuf text;
    bytemap seen;
} string_table;

static uint32_t string_of(string_table *t, const char *s)
{
    uintptr_t at;
    size_t len = strlen(s);
    if (bytemap_get(&t->seen, s, len, &at))
        return (uint32_t)at;
    at = t->text.len;
    sb_add(&t->text, s, len + 1);
    bytemap_put(&t->seen, s, len, at);
    return (uint32_t)at;
}

static void put_commits(strbuf *sb, const deal_history *h)
{
    for (size_t i = 0; i < h->ncommits; i++) {
        const history_commit *c = &h->commits[i];
        commit_rec r = {.generation = c->generation, .author = c->author,
                        .author_time = c->author_time, .commit_time = c->commit_time};
        hex_to_oid(c->oid, r.oid);
        sb_add(sb, (const char *)&r, sizeof r);
    }
}

static void put_events(strbuf *sb, const deal_history *h, string_table *strings)
{
    for (size_t i = 0; i < h->nevents; i++) {
        const deal_event *e = &h->events[i];
        event_rec r = {e->deal, e->commit, (uint32_t)e->field, NO_TEXT, e->num};
        if (e->field == EVENT_STAGE)
            r.text = string_of(strings, e->text ? e->text : "");
        sb_add(sb, (const char *)&r, sizeof r);
    }
}

static void put_tips(strbuf *sb, deal_snapshot *const *tips, size_t n, string_table *strings)
{
    for (size_t i = 0; i < n; i++) {
        const deal_snapshot *s = tips[i];
        tip_rec r = {.flags = s->ok, .stage = NO_TEXT};
        memcpy(r.blob, s->blob, sizeof r.blob);
        for (int f = 0; f < EVENT_FIELD_COUNT; f++) {
            r.flags |= (uint32_t)s->has[f] << (1 + f);
            r.num[f] = s->num[f];
        }
        if (s->has[EVENT_STAGE])
            r.stage = string_of(strings, s->stage);
        sb_add(sb, (const char *)&r, sizeof r);
    }
}

static void put_names(strbuf *sb, char *const *names, size_t n, string_table *strings)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t at = string_of(strings, names[i]);
        sb_add(sb, (const char *)&at, sizeof at);
    }
}

int events_file_write(const char *path, const deal_history *h, const char *head,
                      deal_snapshot *const *tips, size_t ntips)
{
    strbuf sb = {0};
    string_table strings = {0};
    file_header hd = {.version = EVENTS_FILE_VERSION, .byte_order = BYTE_ORDER_MARK,
                      .unparseable = h->unparseable, .ndeals = h->ndeals,
                      .nauthors = h->nauthors, .ncommits = h->ncommits, .nevents = h->nevents,
                      .ntips = ntips};
    memcpy(hd.magic, MAGIC, sizeof MAGIC - 1);
    memcpy(hd.head, head, sizeof hd.head);
    sb_grow(&sb, sizeof hd + h->ncommits * sizeof(commit_rec) + h->nevents * sizeof(event_rec) +
                     ntips * sizeof(tip_rec) + (h->ndeals + h->nauthors) * 4 + 8);
    sb_add(&sb, (const char *)&hd, sizeof hd);
    put_commits(&sb, h);
    put_events(&sb, h, &strings);
    put_tips(&sb, tips, ntips, &strings);
    put_names(&sb, h->deals, h->ndeals, &strings);
    put_names(&sb, h->authors, h->nauthors, &strings);
    /* The strings' length goes in the header, known only now. */
    ((file_header *)sb.data)->strings_len = strings.text.len;
    if (strings.text.len)
        sb_add(&sb, strings.text.data, strings.text.len);
    uint64_t sum = region_checksum((const unsigned char *)sb.data, sb.len);
    sb_add(&sb, (const char *)&sum, sizeof sum);
    db_err err;
    int rc = fs_write_atomic_ex(path, sb.data, sb.len, 0644, false, &err) ? -1 : 0;
    sb_free(&sb);
    sb_free(&strings.text);
    bytemap_free(&strings.seen);
    return rc;
}

/* ---- reading ---- */

/* The checksum is checked first, so what is read is what was written; every
 * index and offset is still checked, for files of another build. */

typedef struct {
    const file_header *hd;
    const commit_rec *commits;
    const event_rec *events;
    const tip_rec *tips;
    const uint32_t *deals, *authors;
    const char *strings;
    uint64_t strings_len;
} layout;

/* The regions of a mapped file; false when the sizes do not add up to it. */
static bool lay_out(const unsigned char *p, size_t len, layout *l)
{
    if (len < sizeof(file_header) + sizeof(uint64_t))
        return false;
    const file_header *hd = (const file_header *)p;
    if (memcmp(hd->magic, MAGIC, sizeof MAGIC - 1) != 0 || hd->version != EVENTS_FILE_VERSION ||
        hd->byte_order != BYTE_ORDER_MARK)
        return false;
    /* Counts beyond what the file could hold are a damaged file, not a request. */
    uint64_t limit = len;
    if (hd->ncommits > limit || hd->nevents > limit || hd->ntips > limit || hd->ndeals > limit ||
        hd->nauthors > limit || hd->strings_len > limit)
        return false;
    uint64_t need = sizeof *hd + hd->ncommits * sizeof(commit_rec) +
                    hd->nevents * sizeof(event_rec) + hd->ntips * sizeof(tip_rec) +
                    (hd->ndeals + hd->nauthors) * 4 + hd->strings_len + sizeof(uint64_t);
    if (need != len)
        return false;
    l->hd = hd;
    l->commits = (const commit_rec *)(hd + 1);
    l->events = (const event_rec *)(l->commits + hd->ncommits);
    l->tips = (const tip_rec *)(l->events + hd->nevents);
    l->deals = (const uint32_t *)(l->tips + hd->ntips);
    l->authors = l->deals + hd->ndeals;
    l->strings = (const char *)(l->authors + hd->nauthors);
    l->strings_len = hd->strings_len;
    return !l->strings_len || l->strings[l->strings_len - 1] == '\0';
}

static bool checksum_holds(const unsigned char *p, size_t len)
{
    uint64_t sum;
    memcpy(&sum, p + len - sizeof sum, sizeof sum);
    return sum == region_checksum(p, len - sizeof sum);
}

/* The string at an offset, copied; NULL when the offset is not one. */
static char *string_at(const layout *l, uint32_t at)
{
    return at < l->strings_len ? xstrdup(l->strings + at) : NULL;
}

static bool read_names(const layout *l, const uint32_t *offsets, char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(names[i] = string_at(l, offsets[i])))
            return false;
    return true;
}

static bool read_commits(const layout *l, deal_history *h)
{
    for (size_t i = 0; i < h->ncommits; i++) {
        const commit_rec *r = &l->commits[i];
        history_commit *c = &h->commits[i];
        if (r->author >= h->nauthors || r->generation < 1)
            return false;
        oid_to_hex(r->oid, c->oid);
        c->oid[40] = '\0';
        c->generation = r->generation;
        c->author = r->author;
        c->author_time = r->author_time;
        c->commit_time = r->commit_time;
    }
    return true;
}

static bool read_events(const layout *l, deal_history *h)
{
    for (size_t i = 0; i < h->nevents; i++) {
        const event_rec *r = &l->events[i];
        deal_event *e = &h->events[i];
        if (r->deal >= h->ndeals || r->commit >= h->ncommits || r->field >= EVENT_FIELD_COUNT)
            return false;
        *e = (deal_event){r->deal, r->commit, (event_field)r->field, r->num, NULL};
        if (e->field == EVENT_STAGE && !(e->text = string_at(l, r->text)))
            return false;
    }
    return true;
}

static bool read_tips(const layout *l, deal_snapshot **tips, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const tip_rec *r = &l->tips[i];
        deal_snapshot *s = tips[i] = xcalloc(1, sizeof *s);
        if (r->flags >> (1 + EVENT_FIELD_COUNT))
            return false;
        memcpy(s->blob, r->blob, sizeof s->blob);
        s->ok = r->flags & 1;
        for (int f = 0; f < EVENT_FIELD_COUNT; f++) {
            s->has[f] = (r->flags >> (1 + f)) & 1;
            s->num[f] = r->num[f];
        }
        if (s->has[EVENT_STAGE] && !(s->stage = string_at(l, r->stage)))
            return false;
    }
    return true;
}

static bool parse(const layout *l, deal_history *h, char head[41], deal_snapshot ***tips,
                  size_t *ntips)
{
    const file_header *hd = l->hd;
    for (int i = 0; i < 40; i++)
        if (lower_hex(hd->head[i]) < 0)
            return false;
    memcpy(head, hd->head, 40);
    head[40] = '\0';
    h->unparseable = (size_t)hd->unparseable;
    h->deals = xcalloc(hd->ndeals + 1, sizeof *h->deals);
    h->authors = xcalloc(hd->nauthors + 1, sizeof *h->authors);
    h->commits = xmalloc((hd->ncommits + 1) * sizeof *h->commits);
    h->events = xcalloc(hd->nevents + 1, sizeof *h->events);
    *tips = xcalloc(hd->ntips + 1, sizeof **tips);
    h->ndeals = hd->ndeals;
    h->nauthors = hd->nauthors;
    h->ncommits = hd->ncommits;
    h->nevents = h->cap_events = hd->nevents;
    *ntips = hd->ntips;
    return read_names(l, l->deals, h->deals, h->ndeals) &&
           read_names(l, l->authors, h->authors, h->nauthors) && read_commits(l, h) &&
           read_events(l, h) && read_tips(l, *tips, *ntips);
}

void deal_snapshot_free(deal_snapshot *s)
{
    if (s)
        free(s->stage);
    free(s);
}

int events_file_read(const char *path, deal_history *out, char head[41], deal_snapshot ***tips,
                     size_t *ntips)
{
    memset(out, 0, sizeof *out);
    *tips = NULL;
    *ntips = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return -1;
    void *map = MAP_FAILED;
    size_t len = 0;
    if (fstat(fd, &st) == 0 && st.st_size > 0 && (uint64_t)st.st_size <= SIZE_MAX) {
        len = (size_t)st.st_size;
        map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    }
    close(fd);
    if (map == MAP_FAILED)
        return -1;
    layout l;
    bool ok = lay_out(map, len, &l) && checksum_holds(map, len) && parse(&l, out, head, tips, ntips);
    munmap(map, len);
    if (!ok) {
        /* Half-read tables: names and texts read so far are freed, the rest NULL. */
        deal_history_free(out);
        for (size_t i = 0; *tips && i < *ntips; i++)
            deal_snapshot_free((*tips)[i]);
        free(*tips);
        *tips = NULL;
        *ntips = 0;
        return -1;
    }
    return 0;
}
