/* The event index's cache file (see events_file.h). */
#include "events_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "repo_internal.h"

#define MAGIC "dealboard-events"

char *events_file_path(db_repo *repo)
{
    return xasprintf("%sdealboard-events", repo->gitdir ? repo->gitdir : "");
}

/* ---- writing ---- */

/* "=" then the text with white space, '%' and control bytes as %XX: one
 * word, never empty. */
static void put_text(strbuf *sb, const char *s)
{
    sb_add(sb, "=", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= ' ' || *p == '%' || *p == 0x7f)
            sb_printf(sb, "%%%02X", *p);
        else
            sb_add(sb, (const char *)p, 1);
    }
}

static void put_event(strbuf *sb, const deal_event *e)
{
    sb_printf(sb, "e %u %u %c ", e->deal, e->commit, event_field_letter(e->field));
    if (e->field == EVENT_STAGE)
        put_text(sb, e->text ? e->text : "");
    else
        sb_printf(sb, "%lld", (long long)e->num);
    sb_add(sb, "\n", 1);
}

int events_file_write(const char *path, const deal_history *h, const char *head)
{
    strbuf sb = {0};
    sb_printf(&sb, MAGIC " %d\nhead %s\nunparseable %zu\nsizes %zu %zu %zu %zu\n",
              EVENTS_FILE_VERSION, head, h->unparseable, h->ndeals, h->nauthors, h->ncommits,
              h->nevents);
    for (size_t i = 0; i < h->ndeals; i++) {
        sb_add(&sb, "d ", 2);
        put_text(&sb, h->deals[i]);
        sb_add(&sb, "\n", 1);
    }
    for (size_t i = 0; i < h->nauthors; i++) {
        sb_add(&sb, "a ", 2);
        put_text(&sb, h->authors[i]);
        sb_add(&sb, "\n", 1);
    }
    for (size_t i = 0; i < h->ncommits; i++) {
        const history_commit *c = &h->commits[i];
        sb_printf(&sb, "c %s %u %u %lld %lld\n", c->oid, c->generation, c->author,
                  (long long)c->author_time, (long long)c->commit_time);
    }
    for (size_t i = 0; i < h->nevents; i++)
        put_event(&sb, &h->events[i]);
    sb_puts(&sb, "end\n");
    db_err err;
    int rc = fs_write_atomic_ex(path, sb.data, sb.len, 0644, false, &err) ? -1 : 0;
    sb_free(&sb);
    return rc;
}

/* ---- reading ---- */

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

static bool read_commits(cursor *c, deal_history *h)
{
    for (size_t i = 0; i < h->ncommits; i++) {
        char *line = next_line(c);
        history_commit *hc = &h->commits[i];
        long long at, ct;
        int used = 0;
        if (!line || sscanf(line, "c %40s %u %u %lld %lld%n", hc->oid, &hc->generation,
                            &hc->author, &at, &ct, &used) != 5 || line[used] ||
            strlen(hc->oid) != 40 || hc->author >= h->nauthors)
            return false;
        hc->author_time = at;
        hc->commit_time = ct;
    }
    return true;
}

static bool read_event(char *line, const deal_history *h, deal_event *e)
{
    unsigned deal, commit;
    char letter;
    int used = 0;
    if (sscanf(line, "e %u %u %c %n", &deal, &commit, &letter, &used) != 3 || !used ||
        deal >= h->ndeals || commit >= h->ncommits || event_field_by_letter(letter) < 0)
        return false;
    *e = (deal_event){deal, commit, (event_field)event_field_by_letter(letter), 0, NULL};
    const char *value = line + used;
    if (e->field == EVENT_STAGE)
        return (e->text = get_text(value)) != NULL;
    char *end;
    errno = 0;
    e->num = strtoll(value, &end, 10);
    return errno == 0 && end != value && !*end;
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

static bool parse(cursor *c, deal_history *h, char head[41])
{
    int version = 0;
    size_t nd, na, nc, ne;
    char *line = next_line(c);
    if (!line || sscanf(line, MAGIC " %d", &version) != 1 || version != EVENTS_FILE_VERSION)
        return false;
    if (!(line = next_line(c)) || sscanf(line, "head %40s", head) != 1 || strlen(head) != 40 ||
        !(line = next_line(c)) || sscanf(line, "unparseable %zu", &h->unparseable) != 1 ||
        !(line = next_line(c)) || sscanf(line, "sizes %zu %zu %zu %zu", &nd, &na, &nc, &ne) != 4)
        return false;
    /* Sizes beyond what the file could hold are a damaged file, not a request. */
    size_t bytes = (size_t)(c->end - c->p);
    if (nd > bytes || na > bytes || nc > bytes || ne > bytes)
        return false;
    h->deals = xcalloc(nd + 1, sizeof *h->deals);
    h->authors = xcalloc(na + 1, sizeof *h->authors);
    h->commits = xcalloc(nc + 1, sizeof *h->commits);
    h->events = xcalloc(ne + 1, sizeof *h->events);
    h->ndeals = nd;
    h->nauthors = na;
    h->ncommits = nc;
    h->nevents = h->cap_events = ne;
    if (!read_names(c, 'd', h->deals, nd) || !read_names(c, 'a', h->authors, na) ||
        !read_commits(c, h) || !read_events(c, h))
        return false;
    line = next_line(c);
    return line && strcmp(line, "end") == 0 && c->p == c->end && !c->bad;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    strbuf sb = {0};
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_add(&sb, buf, n);
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        sb_free(&sb);
        return NULL;
    }
    *len = sb.len;
    return sb.data ? sb.data : xstrdup("");
}

int events_file_read(const char *path, deal_history *out, char head[41])
{
    memset(out, 0, sizeof *out);
    size_t len;
    char *text = slurp(path, &len);
    if (!text)
        return -1;
    cursor c = {text, text + len, false};
    bool ok = parse(&c, out, head);
    free(text);
    if (!ok) {
        /* Half-read tables: names and texts read so far are freed, the rest NULL. */
        deal_history_free(out);
        return -1;
    }
    return 0;
}
