/* The event index's cache file (see events_file.h). */
#include "events_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
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
 * A file is one or more segments, each whole in itself:
 *   header   (file_header)
 *   commits  ncommits  x commit_rec
 *   events   nevents   x event_rec
 *   tips     ntips     x tip_rec
 *   stages   nstage_changes x stage_rec (renames and added stages)
 *   deals    ndeals    x uint32 (offset of the name in the strings)
 *   authors  nauthors x uint32
 *   strings  strings_len bytes of NUL-terminated names and stage ids,
 *            NULs after them up to a multiple of 8 bytes for the segment
 *   checksum uint64: region_checksum of the segment before it
 * Binary, in the byte order of the machine that wrote it (a file of
 * another order fails the header check and is read again from git);
 * fixed-size records, read in place from a mapping of the file.
 *
 * The first segment is a whole index (link 0). Each later one is what an
 * update added, appended instead of rewriting the file (which was a fifth
 * of the update after a sync): its deals, authors, commits and events come
 * after those of the tables as they stood, in their canonical order, before
 * it (its records refer to them by that numbering; the tables are put in
 * canonical order again after each); its tips replace those of the same
 * blob (files 0: gone); unparseable and head are the totals after it; link
 * is the checksum of the segment before, so that a segment is never read
 * on top of another file's. A segment that is torn or bad ends the file:
 * what comes before it is the index, and the update from there is read
 * from git again and replaces it. */

#define MAGIC_LEN 16
#define BYTE_ORDER_MARK 0x01020304u
#define NO_TEXT UINT32_MAX

typedef struct {
    char magic[MAGIC_LEN];
    uint32_t version, byte_order;
    char head[40];
    uint64_t unparseable, ndeals, nauthors, ncommits, nevents, ntips, nstage_changes, strings_len;
    uint64_t link;
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
    uint32_t files;                         /* deal files of head with this blob */
    int64_t num[EVENT_FIELD_COUNT];
} tip_rec;

/* A stage renamed (from: a string offset) or added (from: NO_TEXT) in a
 * commit's pipeline.json (pipeline/stage_renames.h). */
typedef struct {
    uint32_t commit, from, to, pad;
} stage_rec;

static const char hexdigits[] = "0123456789abcdef";

/* Two digits per byte from a table: a read converts every commit's id. */
static void oid_to_hex(const unsigned char *raw, char *hex)
{
    static char pairs[256][2];
    if (!pairs[255][0])
        for (int i = 0; i < 256; i++) {
            pairs[i][0] = hexdigits[i >> 4];
            pairs[i][1] = hexdigits[i & 15];
        }
    for (int i = 0; i < 20; i++)
        memcpy(hex + 2 * i, pairs[raw[i]], 2);
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

static void put_commits(strbuf *sb, const deal_history *h, size_t from)
{
    for (size_t i = from; i < h->ncommits; i++) {
        const history_commit *c = &h->commits[i];
        commit_rec r = {.generation = c->generation, .author = c->author,
                        .author_time = c->author_time, .commit_time = c->commit_time};
        hex_to_oid(c->oid, r.oid);
        sb_add(sb, (const char *)&r, sizeof r);
    }
}

static void put_events(strbuf *sb, const deal_history *h, size_t from, string_table *strings)
{
    for (size_t i = from; i < h->nevents; i++) {
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
        tip_rec r = {.flags = s->ok, .stage = NO_TEXT, .files = s->files};
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

static void put_names(strbuf *sb, char *const *names, size_t from, size_t n,
                      string_table *strings)
{
    for (size_t i = from; i < n; i++) {
        uint32_t at = string_of(strings, names[i]);
        sb_add(sb, (const char *)&at, sizeof at);
    }
}

static void put_stage_changes(strbuf *sb, const deal_history *h, size_t from,
                              string_table *strings)
{
    for (size_t i = from; i < h->nstage_changes; i++) {
        const stage_change *c = &h->stage_changes[i];
        stage_rec r = {.commit = c->commit, .from = c->from ? string_of(strings, c->from) : NO_TEXT,
                       .to = string_of(strings, c->to)};
        sb_add(sb, (const char *)&r, sizeof r);
    }
}

/* One segment: what h has beyond the counts in `from` (all of it from
 * zeros), and the tips given. */
static void put_segment(strbuf *sb, const deal_history *h, const events_counts *from,
                        const char *head, deal_snapshot *const *tips, size_t ntips,
                        uint64_t link)
{
    string_table strings = {0};
    size_t start = sb->len;
    file_header hd = {.version = EVENTS_FILE_VERSION, .byte_order = BYTE_ORDER_MARK,
                      .unparseable = h->unparseable, .ndeals = h->ndeals - from->deals,
                      .nauthors = h->nauthors - from->authors,
                      .ncommits = h->ncommits - from->commits,
                      .nevents = h->nevents - from->events, .ntips = ntips,
                      .nstage_changes = h->nstage_changes - from->stage_changes, .link = link};
    memcpy(hd.magic, MAGIC, sizeof MAGIC - 1);
    memcpy(hd.head, head, sizeof hd.head);
    sb_grow(sb, sizeof hd + hd.ncommits * sizeof(commit_rec) + hd.nevents * sizeof(event_rec) +
                    ntips * sizeof(tip_rec) + hd.nstage_changes * sizeof(stage_rec) +
                    (hd.ndeals + hd.nauthors) * 4 + 8);
    sb_add(sb, (const char *)&hd, sizeof hd);
    put_commits(sb, h, from->commits);
    put_events(sb, h, from->events, &strings);
    put_tips(sb, tips, ntips, &strings);
    put_stage_changes(sb, h, from->stage_changes, &strings);
    put_names(sb, h->deals, from->deals, h->ndeals, &strings);
    put_names(sb, h->authors, from->authors, h->nauthors, &strings);
    /* The strings, NUL-padded so that the next segment's records are
     * aligned; their length goes in the header, known only now. */
    while ((sb->len - start + strings.text.len) % 8)
        sb_add(&strings.text, "", 1);
    ((file_header *)(sb->data + start))->strings_len = strings.text.len;
    if (strings.text.len)
        sb_add(sb, strings.text.data, strings.text.len);
    uint64_t sum = region_checksum((const unsigned char *)sb->data + start, sb->len - start);
    sb_add(sb, (const char *)&sum, sizeof sum);
    sb_free(&strings.text);
    bytemap_free(&strings.seen);
}

int events_file_write(const char *path, const deal_history *h, const char *head,
                      deal_snapshot *const *tips, size_t ntips)
{
    strbuf sb = {0};
    events_counts none = {0};
    put_segment(&sb, h, &none, head, tips, ntips, 0);
    db_err err;
    int rc = fs_write_atomic_ex(path, sb.data, sb.len, 0644, false, &err) ? -1 : 0;
    sb_free(&sb);
    return rc;
}

/* Whether the file still ends, at st->length, with the segment read: a
 * process that updated it meanwhile, or replaced it, wins. */
static bool still_as_read(int fd, const events_file_state *st)
{
    struct stat now;
    uint64_t sum;
    return st->length >= sizeof sum && fstat(fd, &now) == 0 &&
           (uint64_t)now.st_size >= st->length &&
           pread(fd, &sum, sizeof sum, (off_t)(st->length - sizeof sum)) == (ssize_t)sizeof sum &&
           sum == st->last_sum;
}

/* Zeros over [from, to) of the file. */
static bool zero_fill(int fd, uint64_t from, uint64_t to)
{
    static const char zeros[65536];
    while (from < to) {
        size_t n = to - from < sizeof zeros ? (size_t)(to - from) : sizeof zeros;
        ssize_t w = pwrite(fd, zeros, n, (off_t)from);
        if (w <= 0)
            return false;
        from += (uint64_t)w;
    }
    return true;
}

int events_file_append(const char *path, const events_file_state *st, const deal_history *h,
                       const events_counts *from, const char *head,
                       deal_snapshot *const *tips, size_t ntips)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -1;
    /* One writer at a time; readers need no lock (a segment being written
     * is one that does not check out yet, and is read again from git). */
    int rc = -1;
    struct stat now;
    if (flock(fd, LOCK_EX) == 0 && still_as_read(fd, st) && fstat(fd, &now) == 0) {
        strbuf sb = {0};
        put_segment(&sb, h, from, head, tips, ntips, st->last_sum);
        /* A torn or bad tail after the segments read is written over, and
         * what is left of it zeroed (no segment starts with zeros): never
         * cut off, which would fault a reader that has it mapped. */
        uint64_t end = st->length + sb.len;
        if (pwrite(fd, sb.data, sb.len, (off_t)st->length) == (ssize_t)sb.len &&
            zero_fill(fd, end, (uint64_t)now.st_size))
            rc = 0;
        sb_free(&sb);
    }
    close(fd);
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
    const stage_rec *stages;
    const uint32_t *deals, *authors;
    const char *strings;
    uint64_t strings_len;
    size_t len;                           /* of the whole segment */
} layout;

/* The regions of the segment at p (at most len bytes); false when they do
 * not fit. */
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
        hd->nstage_changes > limit ||
        hd->nauthors > limit || hd->strings_len > limit)
        return false;
    uint64_t need = sizeof *hd + hd->ncommits * sizeof(commit_rec) +
                    hd->nevents * sizeof(event_rec) + hd->ntips * sizeof(tip_rec) +
                    hd->nstage_changes * sizeof(stage_rec) +
                    (hd->ndeals + hd->nauthors) * 4 + hd->strings_len + sizeof(uint64_t);
    if (need > len || need % 8)       /* the next segment's records stay aligned */
        return false;
    l->hd = hd;
    l->len = (size_t)need;
    l->commits = (const commit_rec *)(hd + 1);
    l->events = (const event_rec *)(l->commits + hd->ncommits);
    l->tips = (const tip_rec *)(l->events + hd->nevents);
    l->stages = (const stage_rec *)(l->tips + hd->ntips);
    l->deals = (const uint32_t *)(l->stages + hd->nstage_changes);
    l->authors = l->deals + hd->ndeals;
    l->strings = (const char *)(l->authors + hd->nauthors);
    l->strings_len = hd->strings_len;
    return !l->strings_len || l->strings[l->strings_len - 1] == '\0';
}

static uint64_t stored_checksum(const layout *l)
{
    uint64_t sum;
    memcpy(&sum, (const unsigned char *)l->hd + l->len - sizeof sum, sizeof sum);
    return sum;
}

static bool checksum_holds(const layout *l)
{
    return stored_checksum(l) ==
           region_checksum((const unsigned char *)l->hd, l->len - sizeof(uint64_t));
}

/* The string at an offset, copied; NULL when the offset is not one. */
static char *string_at(const layout *l, uint32_t at)
{
    return at < l->strings_len ? xstrdup(l->strings + at) : NULL;
}

/* Appends n names to names[*have...]. */
static bool read_names(const layout *l, const uint32_t *offsets, char ***names, size_t *have,
                       size_t n)
{
    *names = xrealloc(*names, (*have + n + 1) * sizeof **names);
    for (size_t i = 0; i < n; i++, (*have)++)
        if (!((*names)[*have] = string_at(l, offsets[i])))
            return false;
    return true;
}

static bool read_commits(const layout *l, deal_history *h)
{
    size_t n = l->hd->ncommits;
    h->commits = xrealloc(h->commits, (h->ncommits + n + 1) * sizeof *h->commits);
    for (size_t i = 0; i < n; i++) {
        const commit_rec *r = &l->commits[i];
        history_commit *c = &h->commits[h->ncommits];
        if (r->author >= h->nauthors || r->generation < 1)
            return false;
        oid_to_hex(r->oid, c->oid);
        c->oid[40] = '\0';
        c->generation = r->generation;
        c->author = r->author;
        c->author_time = r->author_time;
        c->commit_time = r->commit_time;
        h->ncommits++;
    }
    return true;
}

static bool read_events(const layout *l, deal_history *h)
{
    size_t n = l->hd->nevents;
    h->events = xrealloc(h->events, (h->nevents + n + 1) * sizeof *h->events);
    h->cap_events = h->nevents + n + 1;
    for (size_t i = 0; i < n; i++) {
        const event_rec *r = &l->events[i];
        deal_event *e = &h->events[h->nevents];
        if (r->deal >= h->ndeals || r->commit >= h->ncommits || r->field >= EVENT_FIELD_COUNT)
            return false;
        *e = (deal_event){r->deal, r->commit, (event_field)r->field, r->num, NULL};
        if (e->field == EVENT_STAGE && !(e->text = string_at(l, r->text)))
            return false;
        h->nevents++;
    }
    return true;
}

static bool read_stage_changes(const layout *l, deal_history *h)
{
    size_t n = l->hd->nstage_changes;
    h->stage_changes = xrealloc(h->stage_changes,
                                (h->nstage_changes + n + 1) * sizeof *h->stage_changes);
    for (size_t i = 0; i < n; i++) {
        const stage_rec *r = &l->stages[i];
        stage_change *c = &h->stage_changes[h->nstage_changes];
        if (r->commit >= h->ncommits)
            return false;
        *c = (stage_change){r->commit, NULL, string_at(l, r->to)};
        h->nstage_changes++;          /* freed with the rest if it does not check out */
        if (!c->to || (r->from != NO_TEXT && !(c->from = string_at(l, r->from))))
            return false;
    }
    return true;
}

static bool read_tips(const layout *l, deal_snapshot **tips)
{
    for (size_t i = 0; i < l->hd->ntips; i++) {
        const tip_rec *r = &l->tips[i];
        deal_snapshot *s = tips[i] = xcalloc(1, sizeof *s);
        if (r->flags >> (1 + EVENT_FIELD_COUNT))
            return false;
        if (i && memcmp(l->tips[i - 1].blob, r->blob, sizeof r->blob) >= 0)
            return false;                 /* by blob id, each once */
        memcpy(s->blob, r->blob, sizeof s->blob);
        s->ok = r->flags & 1;
        s->files = r->files;
        for (int f = 0; f < EVENT_FIELD_COUNT; f++) {
            s->has[f] = (r->flags >> (1 + f)) & 1;
            s->num[f] = r->num[f];
        }
        if (s->has[EVENT_STAGE] && !(s->stage = string_at(l, r->stage)))
            return false;
    }
    return true;
}

static void free_tips(deal_snapshot **tips, size_t n)
{
    for (size_t i = 0; i < n; i++)
        deal_snapshot_free(tips[i]);
    free(tips);
}

/* The tips after a segment: its own replace those of the same blob. Both
 * lists by blob id; takes both (frees what is replaced or gone). */
static void merge_tips(deal_snapshot ***tips, size_t *n, deal_snapshot **changed, size_t nchanged)
{
    deal_snapshot **out = xmalloc((*n + nchanged + 1) * sizeof *out);
    size_t i = 0, j = 0, k = 0;
    while (i < *n || j < nchanged) {
        int cmp = i == *n ? 1 : j == nchanged ? -1
                  : memcmp((*tips)[i]->blob, changed[j]->blob, sizeof changed[j]->blob);
        deal_snapshot *take = cmp < 0 ? (*tips)[i++] : changed[j++];
        if (cmp == 0)
            deal_snapshot_free((*tips)[i++]);
        if (take->files)
            out[k++] = take;
        else
            deal_snapshot_free(take);
    }
    free(*tips);
    free(changed);
    *tips = out;
    *n = k;
}

/* The counts, to go back to when a segment turns out bad half-read. */
static events_counts counts_of(const deal_history *h)
{
    return (events_counts){h->ndeals, h->nauthors, h->ncommits, h->nevents, h->nstage_changes};
}

static void cut_back(deal_history *h, const events_counts *to)
{
    for (size_t i = to->deals; i < h->ndeals; i++)
        free(h->deals[i]);
    for (size_t i = to->authors; i < h->nauthors; i++)
        free(h->authors[i]);
    for (size_t i = to->events; i < h->nevents; i++)
        free(h->events[i].text);
    for (size_t i = to->stage_changes; i < h->nstage_changes; i++) {
        free(h->stage_changes[i].from);
        free(h->stage_changes[i].to);
    }
    h->ndeals = to->deals;
    h->nauthors = to->authors;
    h->ncommits = to->commits;
    h->nevents = to->events;
    h->nstage_changes = to->stage_changes;
}

/* Reads one checked segment on top of what is read; false (and nothing
 * changed) when a record does not check out. */
static bool read_segment(const layout *l, deal_history *h, char head[41], deal_snapshot ***tips,
                         size_t *ntips)
{
    const file_header *hd = l->hd;
    for (int i = 0; i < 40; i++)
        if (lower_hex(hd->head[i]) < 0)
            return false;
    events_counts before = counts_of(h);
    deal_snapshot **changed = xcalloc(hd->ntips + 1, sizeof *changed);
    if (!read_names(l, l->deals, &h->deals, &h->ndeals, hd->ndeals) ||
        !read_names(l, l->authors, &h->authors, &h->nauthors, hd->nauthors) ||
        !read_commits(l, h) || !read_events(l, h) || !read_stage_changes(l, h) ||
        !read_tips(l, changed)) {
        cut_back(h, &before);
        free_tips(changed, hd->ntips);
        return false;
    }
    memcpy(head, hd->head, 40);
    head[40] = '\0';
    h->unparseable = (size_t)hd->unparseable;
    merge_tips(tips, ntips, changed, hd->ntips);
    if (hd->link)                 /* what an update appended: in order again */
        deal_history_canonicalize(h);
    return true;
}

void deal_snapshot_free(deal_snapshot *s)
{
    if (s)
        free(s->stage);
    free(s);
}

/* The segments of a mapped file, up to the first that does not check out. */
static void read_segments(const unsigned char *map, size_t len, deal_history *out,
                          char head[41], deal_snapshot ***tips, size_t *ntips,
                          events_file_state *st)
{
    layout l;
    while (st->length < len && lay_out(map + st->length, len - st->length, &l) &&
           l.hd->link == (st->segments ? st->last_sum : 0) && checksum_holds(&l) &&
           read_segment(&l, out, head, tips, ntips)) {
        st->segments++;
        st->length += l.len;
        st->last_sum = stored_checksum(&l);
    }
}

int events_file_read(const char *path, deal_history *out, char head[41], deal_snapshot ***tips,
                     size_t *ntips, events_file_state *st)
{
    memset(out, 0, sizeof *out);
    memset(st, 0, sizeof *st);
    *tips = xcalloc(1, sizeof **tips);
    *ntips = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    void *map = MAP_FAILED;
    size_t len = 0;
    if (fd >= 0 && fstat(fd, &sb) == 0 && sb.st_size > 0 && (uint64_t)sb.st_size <= SIZE_MAX) {
        len = (size_t)sb.st_size;
        map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    }
    if (fd >= 0)
        close(fd);
    if (map != MAP_FAILED) {
        read_segments(map, len, out, head, tips, ntips, st);
        munmap(map, len);
    }
    if (!st->segments) {
        deal_history_free(out);
        free_tips(*tips, *ntips);
        *tips = NULL;
        *ntips = 0;
        return -1;
    }
    return 0;
}
