/* The event index's cache file (see events_file.h). */
#include "events_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checksum.h"
#include "fsutil.h"
#include "repo_internal.h"

#define MAGIC "dealboard-events"

char *events_file_path(db_repo *repo)
{
    return xasprintf("%sdealboard-events", repo->gitdir ? repo->gitdir : "");
}

/* ---- writing ---- */

/* The file is written by hand, not with printf: an update after a sync
 * rewrites the whole index, and formatting was most of its time. */

static void put_char(strbuf *sb, char ch) { sb_add(sb, &ch, 1); }

static void put_u64(strbuf *sb, uint64_t v)
{
    char digits[24], *p = digits + sizeof digits;
    do
        *--p = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    sb_add(sb, p, (size_t)(digits + sizeof digits - p));
}

static void put_i64(strbuf *sb, int64_t v)
{
    if (v < 0) {
        put_char(sb, '-');
        put_u64(sb, (uint64_t)0 - (uint64_t)v);
    } else {
        put_u64(sb, (uint64_t)v);
    }
}

/* " " then the number. */
static void put_field(strbuf *sb, int64_t v)
{
    put_char(sb, ' ');
    put_i64(sb, v);
}

/* "=" then the text with white space, '%' and control bytes as %XX: one
 * word, never empty. */
static void put_text(strbuf *sb, const char *s)
{
    static const char upper[] = "0123456789ABCDEF";
    put_char(sb, '=');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= ' ' || *p == '%' || *p == 0x7f) {
            char esc[3] = {'%', upper[*p >> 4], upper[*p & 15]};
            sb_add(sb, esc, 3);
        } else {
            put_char(sb, (char)*p);
        }
    }
}

static void put_event(strbuf *sb, const deal_event *e)
{
    sb_add(sb, "e", 1);
    put_field(sb, e->deal);
    put_field(sb, e->commit);
    put_char(sb, ' ');
    put_char(sb, event_field_letter(e->field));
    put_char(sb, ' ');
    if (e->field == EVENT_STAGE)
        put_text(sb, e->text ? e->text : "");
    else
        put_i64(sb, e->num);
    put_char(sb, '\n');
}

static void put_commit(strbuf *sb, const history_commit *c)
{
    sb_add(sb, "c ", 2);
    sb_add(sb, c->oid, 40);
    put_field(sb, c->generation);
    put_field(sb, c->author);
    put_field(sb, c->author_time);
    put_field(sb, c->commit_time);
    put_char(sb, '\n');
}

static void put_names(strbuf *sb, const char *tag, char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sb_add(sb, tag, 2);
        put_text(sb, names[i]);
        put_char(sb, '\n');
    }
}

static const char hexdigits[] = "0123456789abcdef";

/* "b BLOB FLAGS NUM... [=STAGE]": FLAGS has bit 0 for ok, bit 1 + f for has[f]. */
static void put_snapshot(strbuf *sb, const deal_snapshot *s)
{
    char oid[40];
    for (int i = 0; i < 20; i++) {
        oid[2 * i] = hexdigits[s->blob[i] >> 4];
        oid[2 * i + 1] = hexdigits[s->blob[i] & 15];
    }
    sb_add(sb, "b ", 2);
    sb_add(sb, oid, 40);
    unsigned flags = s->ok;
    for (int f = 0; f < EVENT_FIELD_COUNT; f++)
        flags |= (unsigned)s->has[f] << (1 + f);
    put_field(sb, flags);
    for (int f = 0; f < EVENT_FIELD_COUNT; f++)
        put_field(sb, s->num[f]);
    if (s->has[EVENT_STAGE]) {
        put_char(sb, ' ');
        put_text(sb, s->stage);
    }
    put_char(sb, '\n');
}

/* The stage renames and additions (pipeline/stage_renames.h), after the
 * snapshots: "stage-changes N", then "r COMMIT =FROM =TO" for a rename and
 * "n COMMIT =TO" for a stage added. */
static void put_stage_changes(strbuf *sb, const deal_history *h)
{
    sb_printf(sb, "stage-changes %zu\n", h->nstage_changes);
    for (size_t i = 0; i < h->nstage_changes; i++) {
        const stage_change *c = &h->stage_changes[i];
        put_char(sb, c->from ? 'r' : 'n');
        put_field(sb, c->commit);
        if (c->from) {
            put_char(sb, ' ');
            put_text(sb, c->from);
        }
        put_char(sb, ' ');
        put_text(sb, c->to);
        put_char(sb, '\n');
    }
}

/* The last line: "end" and the checksum of everything before it. */
static void put_end(strbuf *sb)
{
    char sum[17];
    snprintf(sum, sizeof sum, "%016llx",
             (unsigned long long)region_checksum((const unsigned char *)sb->data, sb->len));
    sb_add(sb, "end ", 4);
    sb_add(sb, sum, 16);
    put_char(sb, '\n');
}

int events_file_write(const char *path, const deal_history *h, const char *head,
                      deal_snapshot *const *tips, size_t ntips)
{
    strbuf sb = {0};
    sb_grow(&sb, 64 + h->ncommits * 80 + h->nevents * 32 + h->ndeals * 40 + ntips * 100);
    sb_printf(&sb, MAGIC " %d\nhead %s\nunparseable %zu\nsizes %zu %zu %zu %zu %zu\n",
              EVENTS_FILE_VERSION, head, h->unparseable, h->ndeals, h->nauthors, h->ncommits,
              h->nevents, ntips);
    put_names(&sb, "d ", h->deals, h->ndeals);
    put_names(&sb, "a ", h->authors, h->nauthors);
    for (size_t i = 0; i < h->ncommits; i++)
        put_commit(&sb, &h->commits[i]);
    for (size_t i = 0; i < h->nevents; i++)
        put_event(&sb, &h->events[i]);
    for (size_t i = 0; i < ntips; i++)
        put_snapshot(&sb, tips[i]);
    put_stage_changes(&sb, h);
    put_end(&sb);
    db_err err;
    int rc = fs_write_atomic_ex(path, sb.data, sb.len, 0644, false, &err) ? -1 : 0;
    sb_free(&sb);
    return rc;
}

/* ---- reading ---- */

/* Read by hand too (sscanf was a third of a warm `stats`). The checksum
 * is checked first, so what is parsed is what was written; the parse still
 * checks every line, for files of another build with the same version. */

#define END_LINE_LEN 21          /* "end " + 16 hex digits + "\n" */

typedef struct {
    char *p, *end;
    bool bad;
} cursor;

/* The next line, NUL-terminated in place; NULL at the end. */
static char *next_line(cursor *c)
{
    if (c->p >= c->end)
        return NULL;
    char *line = c->p, *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    if (!nl) {
        c->bad = true;
        return NULL;
    }
    *nl = '\0';
    c->p = nl + 1;
    return line;
}

static int hex(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* A space, then a decimal number with an optional '-' that fits in
 * [min, max]; *s moves past it. */
static bool get_field(const char **s, int64_t min, int64_t max, int64_t *out)
{
    const char *p = *s;
    if (*p++ != ' ')
        return false;
    bool negative = *p == '-';
    p += negative;
    uint64_t v = 0;
    const char *digits = p;
    for (; *p >= '0' && *p <= '9' && p - digits < 19; p++)
        v = v * 10 + (uint64_t)(*p - '0');
    if (p == digits || (*p >= '0' && *p <= '9'))
        return false;
    int64_t n = negative ? -(int64_t)v : (int64_t)v;
    if (n < min || n > max)
        return false;
    *out = n;
    *s = p;
    return true;
}

static bool get_index(const char **s, size_t below, uint32_t *out)
{
    int64_t v;
    if (!get_field(s, 0, (int64_t)(below < UINT32_MAX ? below : UINT32_MAX) - 1, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

/* The text put_text wrote; NULL when it is not that. */
static char *get_text(const char *s)
{
    if (*s != '=')
        return NULL;
    s++;
    char *out = xmalloc(strlen(s) + 1), *o = out;
    for (; *s; s++) {
        if (*s != '%') {
            *o++ = *s;
            continue;
        }
        int hi = hex(s[1]), lo = hi < 0 ? -1 : hex(s[2]);
        if (lo < 0 || (hi == 0 && lo == 0)) {
            free(out);
            return NULL;
        }
        *o++ = (char)(hi * 16 + lo);
        s += 2;
    }
    *o = '\0';
    return out;
}

static bool read_names(cursor *c, char tag, char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *line = next_line(c);
        if (!line || line[0] != tag || line[1] != ' ' || !(names[i] = get_text(line + 2)))
            return false;
    }
    return true;
}

static bool is_oid(const char *s)
{
    for (int i = 0; i < 40; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static bool read_commit(const char *line, const deal_history *h, history_commit *hc)
{
    if (line[0] != 'c' || line[1] != ' ' || strnlen(line + 2, 41) < 40 || !is_oid(line + 2))
        return false;
    memcpy(hc->oid, line + 2, 40);
    hc->oid[40] = '\0';
    const char *p = line + 42;
    int64_t generation;
    return get_field(&p, 1, UINT32_MAX, &generation) && get_index(&p, h->nauthors, &hc->author) &&
           get_field(&p, INT64_MIN, INT64_MAX, &hc->author_time) &&
           get_field(&p, INT64_MIN, INT64_MAX, &hc->commit_time) && !*p &&
           (hc->generation = (uint32_t)generation, true);
}

static bool read_commits(cursor *c, deal_history *h)
{
    for (size_t i = 0; i < h->ncommits; i++) {
        char *line = next_line(c);
        if (!line || !read_commit(line, h, &h->commits[i]))
            return false;
    }
    return true;
}

static bool read_event(const char *line, const deal_history *h, deal_event *e)
{
    const char *p = line + 1;
    *e = (deal_event){0};
    if (line[0] != 'e' || !get_index(&p, h->ndeals, &e->deal) ||
        !get_index(&p, h->ncommits, &e->commit) || p[0] != ' ' || !p[1] || p[2] != ' ')
        return false;
    int field = event_field_by_letter(p[1]);
    if (field < 0)
        return false;
    e->field = (event_field)field;
    if (e->field == EVENT_STAGE)
        return (e->text = get_text(p + 3)) != NULL;
    p += 2;
    return get_field(&p, INT64_MIN, INT64_MAX, &e->num) && !*p;
}

static bool read_events(cursor *c, deal_history *h)
{
    for (size_t i = 0; i < h->nevents; i++) {
        char *line = next_line(c);
        if (!line || !read_event(line, h, &h->events[i]))
            return false;
    }
    return true;
}

static int lower_hex(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static bool read_snapshot(const char *line, deal_snapshot *s)
{
    if (line[0] != 'b' || line[1] != ' ' || strnlen(line + 2, 41) < 40 || !is_oid(line + 2))
        return false;
    for (int i = 0; i < 20; i++)
        s->blob[i] = (unsigned char)(lower_hex(line[2 + 2 * i]) * 16 + lower_hex(line[3 + 2 * i]));
    const char *p = line + 42;
    int64_t flags;
    if (!get_field(&p, 0, (1 << (1 + EVENT_FIELD_COUNT)) - 1, &flags))
        return false;
    s->ok = flags & 1;
    for (int f = 0; f < EVENT_FIELD_COUNT; f++) {
        s->has[f] = (flags >> (1 + f)) & 1;
        if (!get_field(&p, INT64_MIN, INT64_MAX, &s->num[f]))
            return false;
    }
    if (!s->has[EVENT_STAGE])
        return !*p;
    return *p == ' ' && (s->stage = get_text(p + 1)) != NULL;
}

static bool read_snapshots(cursor *c, deal_snapshot **tips, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *line = next_line(c);
        tips[i] = xcalloc(1, sizeof **tips);
        if (!line || !read_snapshot(line, tips[i]))
            return false;
    }
    return true;
}

/* What put_stage_changes wrote. */
static bool read_stage_change(char *line, const deal_history *h, stage_change *sc)
{
    const char *p = line + 1;
    bool rename = line[0] == 'r';
    if ((line[0] != 'r' && line[0] != 'n') || !get_index(&p, h->ncommits, &sc->commit) ||
        *p != ' ')
        return false;
    char *to = strchr(p + 1, ' ');
    if (rename != (to != NULL))
        return false;
    if (rename) {
        *to++ = '\0';
        if (!(sc->from = get_text(p + 1)))
            return false;
    } else {
        to = (char *)p + 1;
    }
    return (sc->to = get_text(to)) != NULL;
}

static bool read_stage_changes(cursor *c, deal_history *h)
{
    size_t n;
    char *line = next_line(c);
    if (!line || sscanf(line, "stage-changes %zu", &n) != 1 || n > (size_t)(c->end - c->p))
        return false;
    h->stage_changes = xcalloc(n + 1, sizeof *h->stage_changes);
    for (size_t i = 0; i < n; i++) {
        line = next_line(c);
        h->nstage_changes = i + 1;        /* freed with the history if it is cut short */
        if (!line || !read_stage_change(line, h, &h->stage_changes[i]))
            return false;
    }
    return true;
}

static bool parse(cursor *c, deal_history *h, char head[41], deal_snapshot ***tips, size_t *ntips)
{
    int version = 0;
    size_t nd, na, nc, ne, nt;
    char *line = next_line(c);
    if (!line || sscanf(line, MAGIC " %d", &version) != 1 || version != EVENTS_FILE_VERSION)
        return false;
    if (!(line = next_line(c)) || sscanf(line, "head %40s", head) != 1 || strlen(head) != 40 ||
        !(line = next_line(c)) || sscanf(line, "unparseable %zu", &h->unparseable) != 1 ||
        !(line = next_line(c)) ||
        sscanf(line, "sizes %zu %zu %zu %zu %zu", &nd, &na, &nc, &ne, &nt) != 5)
        return false;
    /* Sizes beyond what the file could hold are a damaged file, not a request. */
    size_t bytes = (size_t)(c->end - c->p);
    if (nd > bytes || na > bytes || nc > bytes || ne > bytes || nt > bytes)
        return false;
    *tips = xcalloc(nt + 1, sizeof **tips);
    *ntips = nt;
    h->deals = xcalloc(nd + 1, sizeof *h->deals);
    h->authors = xcalloc(na + 1, sizeof *h->authors);
    h->commits = xcalloc(nc + 1, sizeof *h->commits);
    h->events = xcalloc(ne + 1, sizeof *h->events);
    h->ndeals = nd;
    h->nauthors = na;
    h->ncommits = nc;
    h->nevents = h->cap_events = ne;
    return read_names(c, 'd', h->deals, nd) && read_names(c, 'a', h->authors, na) &&
           read_commits(c, h) && read_events(c, h) && read_snapshots(c, *tips, nt) &&
           read_stage_changes(c, h) && c->p == c->end && !c->bad;
}

/* The whole file, read at once into a buffer of its size. */
static char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) < 0 || st.st_size < 0) {
        close(fd);
        return NULL;
    }
    size_t size = (size_t)st.st_size, got = 0;
    char *text = xmalloc(size + 1);
    while (got < size) {
        ssize_t n = read(fd, text + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got != size) {          /* changed while read: a torn file */
        free(text);
        return NULL;
    }
    text[size] = '\0';
    *len = size;
    return text;
}

/* Whether the file ends with the "end" line put_end writes, with the
 * checksum of all before it. */
static bool checksum_holds(const char *text, size_t len)
{
    if (len < END_LINE_LEN)
        return false;
    const char *end = text + len - END_LINE_LEN;
    char digits[17];
    memcpy(digits, end + 4, 16);
    digits[16] = '\0';
    char *stop;
    unsigned long long sum = strtoull(digits, &stop, 16);
    return memcmp(end, "end ", 4) == 0 && end[END_LINE_LEN - 1] == '\n' && stop == digits + 16 &&
           sum == region_checksum((const unsigned char *)text, len - END_LINE_LEN);
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
    size_t len;
    char *text = slurp(path, &len);
    if (!text)
        return -1;
    bool ok = checksum_holds(text, len);
    if (ok) {
        cursor c = {text, text + len - END_LINE_LEN, false};
        ok = parse(&c, out, head, tips, ntips);
    }
    free(text);
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
