#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../pipeline/deal_fields.h"
#include "../pipeline/touches.h"
#include "../pipeline/plan.h"
#include "../pipeline/exit.h"
#include "../pipeline/forecast.h"
#include "../pipeline/people.h"
#include "../pipeline/reference.h"
#include "../pipeline/util.h"
#include "checksum.h"
#include "codec.h"
#include "fsutil.h"

/* The shard file's own format; what a deal's record holds follows from the
 * field table (deal_fields_layout_hash, in the header): a new field makes
 * every old file unusable, and rebuilt, without a hand-kept version. */
#define SHARD_MAGIC "DBSHARD7"
/* What a light record holds besides the table's light fields, in order:
 * values derived from the full deal for the rules (put_light, get_light).
 * It goes into the layout hash with the table, so changing it here makes
 * old files rebuild: keep it in step with those two functions. */
#define LIGHT_DERIVED "moved_on says-bits touches(last_in,first_unanswered,unanswered) " \
                      "plan(buyer_open,buyer_due) evidence_stages " \
                      "people(decision_maker,champion,champion_contact) " \
                      "closing(day,reason) refs_wanted tags"
#define ENDIAN_MARK 0x01020304u
/* Entries younger than this are not cached: on file systems with coarse
 * timestamps a same-size rewrite within one tick would look unchanged. */
#define RACY_SECONDS 2
/* Offsets within a region are 32-bit: no entry is added to a region this
 * full (one deal file is at most 16 MB, so its entry fits in what is left). */
#define REGION_LIMIT (1u << 30)

enum { LIGHT, REST, VIEW, NREGIONS };

typedef struct {
    char magic[8];
    uint32_t endian, count;
    uint64_t layout;                /* deal_fields_layout_hash(LIGHT_DERIVED) */
    uint64_t len[NREGIONS], sum[NREGIONS];
    /* The directory's file names (NUL-terminated, after the regions) as
     * read when it had identity `dir` (all zero: not to be trusted). */
    uint64_t names_len, names_sum;
    file_key dir;
    uint64_t header_sum;            /* over everything above */
} shard_header;

/* Fixed head of a light entry; the id and the light fields follow. */
typedef struct {
    uint32_t len;                   /* the whole entry */
    uint32_t off[NREGIONS], size[NREGIONS];   /* [LIGHT] unused */
    file_key key;
} entry_head;

/* What the next file of the shard holds, in visiting order: an entry of
 * the old file copied forward, or a new one encoded into put[]. */
typedef struct {
    const unsigned char *old;       /* NULL: a new entry */
    uint32_t off[NREGIONS], size[NREGIONS];
} piece;

typedef struct {
    void *map;
    size_t len;
} mapping;

typedef struct {
    mapping *maps;
    size_t count;
} mapping_set;

/* The shard being loaded: its old file and what its next file will hold. */
typedef struct {
    char name[3];
    const unsigned char *map;
    size_t map_len;
    bool in_arena;
    const unsigned char *region[NREGIONS];
    uint64_t region_len[NREGIONS], region_sum[NREGIONS];
    bool checked[NREGIONS], region_ok[NREGIONS];
    uint32_t count;
    const unsigned char *cursor;    /* the old entry expected next */
    const unsigned char **table;    /* by id, built on the first out-of-order take */
    size_t table_size;
    piece *pieces;
    size_t npieces, cap_pieces, ntaken;
    strbuf put[NREGIONS];
    bool changed;
    file_key dir, stored_dir;       /* the directory now / when its names were stored */
    const unsigned char *names;     /* the stored names */
    uint64_t names_len, names_sum;
    bool names_reused;              /* listed from the stored names: keep them */
    strbuf new_names;               /* else: as read from the directory */
} shard_state;

/* Address space reserved for the shard files, mapped one after another:
 * one munmap ends them all, where one a shard would each interrupt the
 * other CPU to flush its TLB (the load runs on two threads). */
typedef struct {
    unsigned char *base;        /* NULL: none (each file mapped on its own) */
    size_t used, released;      /* [base, base + released) is unmapped already */
    bool pointed_into;          /* a deal's view_json points here: keep it */
} arena;

#define ARENA_SIZE ((size_t)1 << 30)    /* address space only, never memory */
/* Light and full loads copy what they take: their shard files are unmapped
 * a few megabytes at a time, so that mapped pages do not pile up (a mapped
 * page counts in the memory a process uses). */
#define ARENA_BATCH ((size_t)4 << 20)

struct deal_cache {
    char *dir;
    cache_mode mode;
    uint64_t layout;            /* deal_fields_layout_hash(LIGHT_DERIVED) */
    int64_t now;
    shard_state s;
    char (*seen)[3];
    size_t nseen;
    arena arena;
    mapping_set kept;           /* the arenas and any file mapped on its own */
};

/* ---- hashing ---- */

static uint64_t hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

void file_key_of(const struct stat *st, file_key *key)
{
    memset(key, 0, sizeof *key);
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
    sb_add(sb, s, n + 1);               /* keep the NUL: ids are compared in place */
}

/* A field a record holds as a plain value (lists are written apart). */
static bool scalar(deal_field f)
{
    field_kind k = deal_fields[f].kind;
    return k != FK_TAGS && k != FK_LOG && k != FK_PLAN && k != FK_EVIDENCE && k != FK_REFERENCE &&
           k != FK_PEOPLE;
}

static void put_value(strbuf *sb, const deal *d, deal_field f)
{
    switch (deal_fields[f].kind) {
    case FK_TEXT: put_str(sb, deal_field_text_of(d, f)); break;
    case FK_DATE: put_i32(sb, deal_field_day_of(d, f)); break;
    case FK_MONEY: put_i64(sb, *deal_field_money((deal *)d, f)); break;
    case FK_COUNT: put_i32(sb, *deal_field_count((deal *)d, f)); break;
    case FK_STATUS: put_i32(sb, (int32_t)*deal_field_status((deal *)d, f)); break;
    default: break;
    }
}

/* In a light record: the fields light loads carry (the id is the entry's
 * own), in the table's order, then the deal's flags, then its tags. */
static bool in_light_record(deal_field f)
{
    return deal_fields[f].light == LIGHT_LIGHT && f != DF_ID && scalar(f);
}

/* In the rest: every other field but the plan, the evidence and the log, which end it. */
static bool in_rest_record(deal_field f)
{
    return deal_fields[f].light != LIGHT_LIGHT && scalar(f);
}

static void put_light(strbuf *sb, const deal *d)
{
    for (int f = 0; f < DF_COUNT; f++)
        if (in_light_record((deal_field)f))
            put_value(sb, d, (deal_field)f);
    put_i32(sb, d->moved_on);
    /* The rules only ask whether the SAYS fields say anything; their text is in rest. */
    put_i64(sb, (int64_t)deal_fields_says_bits(d));
    /* The quiet rule's view of the log (the buyer's side), derived once here. */
    touch_summary touches = touch_summary_of_log(d);
    put_i32(sb, touches.last_in);
    put_i32(sb, touches.first_unanswered);
    put_i32(sb, touches.unanswered);
    /* The plan rules need only this of the plan (pipeline/plan.h). */
    plan_summary plan = plan_summarize(d);
    put_i32(sb, plan.buyer_open);
    put_i32(sb, plan.buyer_due);
    /* The no-exit-evidence rule needs only which stages have evidence (pipeline/exit.h). */
    char *stages = exit_stages_summary(d);
    put_str(sb, stages);
    free(stages);
    /* The committee rules need only this of people (pipeline/people.h). */
    people_summary people = people_summarize(d);
    put_u32(sb, (uint32_t)people.decision_maker | (uint32_t)people.champion << 1);
    put_i32(sb, people.champion_contact);
    /* The closed view needs only this of the log (pipeline/forecast.h). */
    put_i32(sb, forecast_closed_on(d));
    char *reason = forecast_close_reason(d);
    put_str(sb, reason);
    free(reason);
    /* The first-mover mark needs only this of the log (pipeline/reference.h). */
    put_i32(sb, reference_first_wanted(d));
    put_u32(sb, (uint32_t)d->ntags);
    for (size_t i = 0; i < d->ntags; i++)
        put_str(sb, d->tags[i]);
}

static void put_rest(strbuf *sb, const deal *d)
{
    for (int f = 0; f < DF_COUNT; f++)
        if (in_rest_record((deal_field)f))
            put_value(sb, d, (deal_field)f);
    put_u32(sb, (uint32_t)d->nplan);
    for (size_t i = 0; i < d->nplan; i++) {
        const plan_entry *p = &d->plan[i];
        put_str(sb, p->id);
        put_i32(sb, (int32_t)p->owner);
        put_str(sb, p->text);
        put_i32(sb, p->due);
        put_i32(sb, p->done);
        put_str(sb, p->evidence);
    }
    put_u32(sb, (uint32_t)d->nevidence);
    for (size_t i = 0; i < d->nevidence; i++) {
        const exit_record *e = &d->evidence[i];
        put_str(sb, e->id);
        put_str(sb, e->stage);
        put_i32(sb, e->date);
        put_u32(sb, (uint32_t)e->nseen);
        for (size_t k = 0; k < e->nseen; k++)
            put_str(sb, e->seen[k]);
    }
    put_i32(sb, d->reference.present);
    put_i32(sb, d->reference.ready);
    put_u32(sb, (uint32_t)d->reference.nasks);
    for (size_t i = 0; i < d->reference.nasks; i++) {
        put_str(sb, d->reference.asks[i].id);
        put_i32(sb, d->reference.asks[i].at);
        put_str(sb, d->reference.asks[i].for_deal);
    }
    put_u32(sb, (uint32_t)d->npeople);
    for (size_t i = 0; i < d->npeople; i++) {
        const person *p = &d->people[i];
        put_str(sb, p->id);
        put_str(sb, p->name);
        put_str(sb, p->role);
        put_str(sb, p->stance);
        put_i32(sb, p->last_contact);
    }
    put_u32(sb, (uint32_t)d->nlog);
    for (size_t i = 0; i < d->nlog; i++) {
        const log_entry *e = &d->log[i];
        const char *f[] = {e->id, e->at, e->by, e->kind, e->text, e->dir};   /* dir: NULL */
        for (int k = 0; k < 6; k++)
            put_str(sb, f[k]);
    }
}

void cache_render_view(strbuf *sb, const deal *d)
{
    json_obj o;
    json_obj_begin(&o, sb, 2);
    codec_write_members(&o, d);
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
        memset(out, 0, n);
        return false;
    }
    memcpy(out, r->p, n);
    r->p += n;
    return true;
}

static int32_t get_i32(reader *r)
{
    int32_t v;
    take(r, &v, sizeof v);
    return v;
}

static int64_t get_i64(reader *r)
{
    int64_t v;
    take(r, &v, sizeof v);
    return v;
}

static uint32_t get_u32(reader *r)
{
    uint32_t v;
    take(r, &v, sizeof v);
    return v;
}

/* Points into the mapping (valid while it is mapped); *len is its length. */
static const char *peek_str(reader *r, uint32_t *len)
{
    uint32_t n = get_u32(r);
    *len = 0;
    if (r->bad || n == UINT32_MAX)
        return NULL;
    if ((size_t)(r->end - r->p) < (size_t)n + 1 || r->p[n] != '\0') {
        r->bad = true;
        return NULL;
    }
    const char *s = (const char *)r->p;
    r->p += n + 1;
    *len = n;
    return s;
}

/* One malloc and one copy: the length is known. */
static char *get_str(reader *r)
{
    uint32_t n;
    const char *s = peek_str(r, &n);
    if (!s)
        return NULL;
    char *copy = xmalloc((size_t)n + 1);
    memcpy(copy, s, (size_t)n + 1);
    return copy;
}

/* A light deal's strings point into its one block (see to_block), a whole
 * deal's are each its own copy. */
static char *get_field(reader *r, bool in_block)
{
    uint32_t n;
    return in_block ? (char *)peek_str(r, &n) : get_str(r);
}

/* Moves what was read of a light entry so far (from `start`, its id, on:
 * the strings point there) and the rest of it into one block behind room
 * for ntags pointers (d->tags); the reader goes on in the copy. */
static void to_block(reader *r, deal *d, const unsigned char *start, uint32_t ntags,
                     char **strings[], size_t nstrings)
{
    size_t room = (size_t)ntags * sizeof(char *), bytes = (size_t)(r->end - start);
    unsigned char *block = xmalloc(room + bytes), *copy = block + room;
    memcpy(copy, start, bytes);
    for (size_t i = 0; i < nstrings; i++)
        if (*strings[i])
            *strings[i] = (char *)copy + (*strings[i] - (const char *)start);
    r->p = copy + (r->p - start);
    r->end = copy + bytes;
    d->strings_block = block;
    d->tags = ntags ? (char **)block : NULL;
}

/* One scalar field of the rest, its own copy. */
static void get_value(reader *r, deal *d, deal_field f)
{
    int32_t status;
    switch (deal_fields[f].kind) {
    case FK_TEXT: *deal_field_text(d, f) = get_str(r); break;
    case FK_DATE: *deal_field_day(d, f) = get_i32(r); break;
    case FK_MONEY: *deal_field_money(d, f) = get_i64(r); break;
    case FK_COUNT: *deal_field_count(d, f) = get_i32(r); break;
    case FK_STATUS:
        status = get_i32(r);
        *deal_field_status(d, f) =
            status >= 0 && status < STATUS_COUNT ? (deal_status)status : STATUS_OPEN;
        break;
    default: break;
    }
}

/* The light record's fields as a constant table (kind and member), so that
 * reading the record, done for every deal of every listing, is a loop the
 * compiler unrolls rather than a walk of deal_fields with a look-up per field:
 * the rows marked LIGHT in the table's order, as put_light writes them
 * (in_light_record; the id and the non-scalar kinds, tags, are skipped by
 * get_light, as there). */
typedef struct {
    field_kind kind;
    size_t offset;
} light_slot;

#define LIGHT_SLOT_LIGHT(kind, member) {FK_##kind, offsetof(deal, member)},
#define LIGHT_SLOT_SAYS(kind, member)
#define LIGHT_SLOT_FULL(kind, member)
static const light_slot light_slots[] = {
#define X(e, group, key, kind, member, need, light, ...) LIGHT_SLOT_##light(kind, member)
    DEAL_FIELDS(X)
#undef X
};
_Static_assert(DF_ID == 0, "light_slots[0] is the id, read with the entry's head");

/* block_start: a light deal's id in the entry (its strings go in one
 * block, d->id already pointing at it); NULL: each string copied. */
static void get_light(reader *r, deal *d, const unsigned char *block_start)
{
    bool in_block = block_start != NULL;
    char **strings[DF_COUNT + 2];           /* the texts, the id, the close reason */
    size_t nstrings = 0;
    for (size_t i = 1; i < sizeof light_slots / sizeof *light_slots; i++) {
        void *member = (char *)d + light_slots[i].offset;
        int32_t status;
        switch (light_slots[i].kind) {
        case FK_TEXT:
            *(char **)member = get_field(r, in_block);
            strings[nstrings++] = member;
            break;
        case FK_DATE: *(db_day *)member = get_i32(r); break;
        case FK_MONEY: *(int64_t *)member = get_i64(r); break;
        case FK_COUNT: *(int *)member = get_i32(r); break;
        case FK_STATUS:
            status = get_i32(r);
            *(deal_status *)member =
                status >= 0 && status < STATUS_COUNT ? (deal_status)status : STATUS_OPEN;
            break;
        default: break;             /* tags: after the derived values */
        }
    }
    strings[nstrings++] = &d->id;          /* read with the entry's head */
    d->moved_on = get_i32(r) != 0;
    d->says = (uint64_t)get_i64(r);
    d->touches.last_in = get_i32(r);
    d->touches.first_unanswered = get_i32(r);
    d->touches.unanswered = get_i32(r);
    d->plan_buyer_open = get_i32(r);
    d->plan_buyer_due = get_i32(r);
    d->evidence_stages = get_str(r);           /* its own allocation, never in the block */
    uint32_t people_bits = get_u32(r);
    d->people_known = (people_summary){people_bits & 1, (people_bits >> 1) & 1, get_i32(r)};
    d->closed_on = get_i32(r);
    d->close_reason = get_field(r, in_block);       /* NULL (the usual): no reason */
    strings[nstrings++] = &d->close_reason;
    d->refs_wanted = get_i32(r);
    uint32_t ntags = get_u32(r);
    /* a tag takes 5 bytes or more */
    bool tags_fit = !r->bad && ntags <= (size_t)(r->end - r->p) / 5;
    if (in_block)                   /* even when damaged: deal_free frees the block */
        to_block(r, d, block_start, tags_fit ? ntags : 0, strings, nstrings);
    else if (tags_fit && ntags)
        d->tags = xcalloc(ntags, sizeof *d->tags);
    if (!tags_fit) {
        r->bad = true;
        return;
    }
    for (uint32_t i = 0; i < ntags && !r->bad; i++)
        d->tags[d->ntags++] = get_field(r, in_block);
}

/* A step takes 22 bytes or more (two strings, three numbers). */
static void get_plan(reader *r, deal *d)
{
    uint32_t n = get_u32(r);
    if (r->bad || n > (size_t)(r->end - r->p) / 22) {
        r->bad = true;
        return;
    }
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        char *id = get_str(r);
        int32_t owner = get_i32(r);
        char *text = get_str(r);
        db_day due = get_i32(r), done = get_i32(r);
        char *evidence = get_str(r);
        if (!id || !text || owner < 0 || owner >= PLAN_OWNER_COUNT)
            r->bad = true;
        else
            deal_add_plan_step(d, id, (plan_owner)owner, text, due, done, evidence);
        free(id);
        free(text);
        free(evidence);
    }
}

/* A record takes 17 bytes or more (two strings, a date, a count). */
static void get_evidence(reader *r, deal *d)
{
    uint32_t n = get_u32(r);
    if (r->bad || n > (size_t)(r->end - r->p) / 17) {
        r->bad = true;
        return;
    }
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        char *id = get_str(r), *stage = get_str(r);
        db_day date = get_i32(r);
        uint32_t nseen = get_u32(r);
        if (!id || !stage || r->bad || nseen > (size_t)(r->end - r->p) / 5)
            r->bad = true;
        exit_record *e = r->bad ? NULL : deal_add_exit_record(d, id, stage, date);
        for (uint32_t k = 0; e && k < nseen && !r->bad; k++) {
            char *seen = get_str(r);
            if (seen)
                exit_record_add_seen(e, seen);
            else
                r->bad = true;
            free(seen);
        }
        free(id);
        free(stage);
    }
}

/* An ask takes 14 bytes or more (two strings, a day). */
static void get_reference(reader *r, deal *d)
{
    bool present = get_i32(r) != 0, ready = get_i32(r) != 0;
    uint32_t n = get_u32(r);
    if (r->bad || n > (size_t)(r->end - r->p) / 14) {
        r->bad = true;
        return;
    }
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        char *id = get_str(r);
        db_day at = get_i32(r);
        char *for_deal = get_str(r);
        if (!id || !for_deal)
            r->bad = true;
        else
            deal_add_reference_ask(d, id, at, for_deal);
        free(id);
        free(for_deal);
    }
    d->reference.present = present;
    d->reference.ready = ready;
}

/* A person takes 20 bytes or more (four strings, a date). */
static void get_people(reader *r, deal *d)
{
    uint32_t n = get_u32(r);
    if (r->bad || n > (size_t)(r->end - r->p) / 20) {
        r->bad = true;
        return;
    }
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        char *id = get_str(r), *name = get_str(r), *role = get_str(r), *stance = get_str(r);
        db_day contact = get_i32(r);
        if (!id || !name || !role || !stance || r->bad)
            r->bad = true;
        else
            deal_add_person(d, id, name, role, stance, contact);
        free(id);
        free(name);
        free(role);
        free(stance);
    }
}

static void get_rest(reader *r, deal *d)
{
    for (int f = 0; f < DF_COUNT; f++)
        if (in_rest_record((deal_field)f))
            get_value(r, d, (deal_field)f);
    get_plan(r, d);
    get_evidence(r, d);
    get_reference(r, d);
    get_people(r, d);
    uint32_t nlog = get_u32(r);
    if (r->bad || nlog > (size_t)(r->end - r->p) / 29) {     /* an entry takes 29 bytes or more */
        r->bad = true;
        return;
    }
    d->log = nlog ? xcalloc(nlog, sizeof *d->log) : NULL;
    d->cap_log = nlog;
    for (uint32_t i = 0; i < nlog && !r->bad; i++) {
        log_entry *e = &d->log[d->nlog++];
        char **f[] = {&e->id, &e->at, &e->by, &e->kind, &e->text, &e->dir};
        for (int k = 0; k < 6; k++)
            *f[k] = get_str(r);
        if (!e->id || !e->at || !e->by || !e->kind || !e->text)
            r->bad = true;
    }
}

/* ---- the old file of the current shard ---- */

static bool region_usable(deal_cache *c, int region)
{
    if (!c->s.checked[region]) {
        c->s.checked[region] = true;
        c->s.region_ok[region] =
            region_checksum(c->s.region[region], (size_t)c->s.region_len[region]) == c->s.region_sum[region];
    }
    return c->s.region_ok[region];
}

static bool header_ok(deal_cache *c)
{
    shard_header h;
    if (c->s.map_len < sizeof h)
        return false;
    memcpy(&h, c->s.map, sizeof h);
    uint64_t total = sizeof h + h.names_len;
    if (h.names_len > c->s.map_len)
        return false;
    for (int i = 0; i < NREGIONS; i++) {
        if (h.len[i] > c->s.map_len)
            return false;
        total += h.len[i];
    }
    if (memcmp(h.magic, SHARD_MAGIC, 8) != 0 || h.endian != ENDIAN_MARK ||
        h.layout != c->layout || total != c->s.map_len ||
        h.header_sum != region_checksum(c->s.map, offsetof(shard_header, header_sum)))
        return false;
    const unsigned char *p = c->s.map + sizeof h;
    for (int i = 0; i < NREGIONS; i++) {
        c->s.region[i] = p;
        c->s.region_len[i] = h.len[i];
        c->s.region_sum[i] = h.sum[i];
        p += h.len[i];
    }
    c->s.names = p;
    c->s.names_len = h.names_len;
    c->s.names_sum = h.names_sum;
    c->s.stored_dir = h.dir;
    c->s.count = h.count;
    c->s.cursor = c->s.count ? c->s.region[LIGHT] : NULL;
    return true;
}

/* The regions this mode reads are checked before any entry is used. */
static bool shard_usable(deal_cache *c)
{
    if (!header_ok(c) || !region_usable(c, LIGHT))
        return false;
    if (c->mode == CACHE_FULL && !region_usable(c, REST))
        return false;
    return c->mode != CACHE_LIGHT_VIEW || region_usable(c, VIEW);
}

static size_t round_to_page(size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (n + page - 1) / page * page;
}

/* Where the next shard file goes in the arena (reserved on first use), or
 * NULL: map it anywhere. */
static unsigned char *arena_room(deal_cache *c, size_t len)
{
    if (!c->arena.base && !c->arena.used) {
        void *base = mmap(NULL, ARENA_SIZE, PROT_NONE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        c->arena.base = base == MAP_FAILED ? NULL : base;
        c->arena.used = base == MAP_FAILED ? ARENA_SIZE : 0;   /* not tried again */
    }
    if (!c->arena.base || len > ARENA_SIZE - c->arena.used)
        return NULL;
    return c->arena.base + c->arena.used;
}

static void map_shard(deal_cache *c)
{
    char *path = fs_join(c->dir, c->s.name);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    free(path);
    struct stat st;
    if (fd < 0)
        return;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        /* A listing reads every page: one call maps them all, not a fault each. */
        int populate = c->mode == CACHE_LIGHT_VIEW ? MAP_POPULATE : 0;
        unsigned char *at = arena_room(c, (size_t)st.st_size);
        void *m = mmap(at, (size_t)st.st_size, PROT_READ,
                       MAP_PRIVATE | populate | (at ? MAP_FIXED : 0), fd, 0);
        if (m == MAP_FAILED && at)       /* the reservation stays: map elsewhere */
            m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | populate, fd, 0);
        else if (at)
            c->arena.used += round_to_page((size_t)st.st_size);
        if (m != MAP_FAILED) {
            c->s.in_arena = m == at;
            c->s.map = m;
            c->s.map_len = (size_t)st.st_size;
        }
    }
    close(fd);
}

/* An entry's id and head; false when the entry is damaged. */
static bool read_head(deal_cache *c, const unsigned char *entry, entry_head *head,
                      const char **id, reader *rest_of_entry)
{
    const unsigned char *end = c->s.region[LIGHT] + c->s.region_len[LIGHT];
    reader r = {entry, end, false};
    uint32_t n;
    take(&r, head, sizeof *head);
    *id = peek_str(&r, &n);
    if (r.bad || !*id || head->len < sizeof *head || head->len > (size_t)(end - entry))
        return false;
    for (int i = REST; i < NREGIONS; i++)
        if ((uint64_t)head->off[i] + head->size[i] > c->s.region_len[i])
            return false;
    r.end = entry + head->len;
    if (rest_of_entry)
        *rest_of_entry = r;
    return r.p <= r.end;
}

static const unsigned char *next_entry(deal_cache *c, const unsigned char *entry)
{
    entry_head head;
    const char *id;
    if (!read_head(c, entry, &head, &id, NULL))
        return NULL;
    const unsigned char *next = entry + head.len;
    return next < c->s.region[LIGHT] + c->s.region_len[LIGHT] ? next : NULL;
}

static void build_table(deal_cache *c)
{
    c->s.table_size = 16;
    while (c->s.table_size < (size_t)c->s.count * 2)
        c->s.table_size *= 2;
    c->s.table = xcalloc(c->s.table_size, sizeof *c->s.table);
    size_t mask = c->s.table_size - 1;
    const unsigned char *e = c->s.count ? c->s.region[LIGHT] : NULL;
    for (uint32_t n = 0; e && n < c->s.count; n++, e = next_entry(c, e)) {
        entry_head head;
        const char *id;
        if (!read_head(c, e, &head, &id, NULL))
            break;
        size_t i = hash_id(id) & mask;
        while (c->s.table[i])
            i = (i + 1) & mask;
        c->s.table[i] = e;
    }
}

/* The old entry for id: usually the next one, as directories list in a stable order. */
static const unsigned char *find_entry(deal_cache *c, const char *id)
{
    entry_head head;
    const char *found;
    if (c->s.cursor && read_head(c, c->s.cursor, &head, &found, NULL) && strcmp(found, id) == 0) {
        const unsigned char *e = c->s.cursor;
        c->s.cursor = next_entry(c, e);
        return e;
    }
    if (!c->s.count)
        return NULL;
    if (!c->s.table)
        build_table(c);
    size_t mask = c->s.table_size - 1;
    for (size_t i = hash_id(id) & mask; c->s.table[i]; i = (i + 1) & mask) {
        if (read_head(c, c->s.table[i], &head, &found, NULL) && strcmp(found, id) == 0) {
            c->s.cursor = next_entry(c, c->s.table[i]);
            return c->s.table[i];
        }
    }
    return NULL;
}

/* ---- the cache ---- */

deal_cache *cache_open(const char *dir, cache_mode mode)
{
    deal_cache *c = xcalloc(1, sizeof *c);
    c->dir = xstrdup(dir);
    c->mode = mode;
    c->layout = deal_fields_layout_hash(LIGHT_DERIVED);
    c->now = (int64_t)time(NULL);
    return c;
}

static bool is_racy(const deal_cache *c, const file_key *key)
{
    return key->mtime_s >= c->now - RACY_SECONDS || key->ctime_s >= c->now - RACY_SECONDS;
}

void cache_begin_shard(deal_cache *c, const char *shard, const struct stat *dir)
{
    snprintf(c->s.name, sizeof c->s.name, "%s", shard);
    c->seen = xrealloc(c->seen, (c->nseen + 1) * sizeof *c->seen);
    memcpy(c->seen[c->nseen++], c->s.name, sizeof c->s.name);
    if (dir)
        file_key_of(dir, &c->s.dir);
    if (dir && is_racy(c, &c->s.dir))      /* names read now may miss a change this tick */
        memset(&c->s.dir, 0, sizeof c->s.dir);
    map_shard(c);
    if (c->s.map && !shard_usable(c)) {   /* unusable: start this shard afresh */
        if (!c->s.in_arena)
            munmap((void *)c->s.map, c->s.map_len);
        memset(&c->s.region, 0, sizeof c->s.region);
        c->s.map = NULL;
        c->s.names = NULL;
        c->s.count = 0;
        c->s.cursor = NULL;
        c->s.changed = true;
    }
    if (memcmp(&c->s.stored_dir, &c->s.dir, sizeof c->s.dir) != 0)
        c->s.changed = true;              /* the names to store are new */
}

static const file_key no_key;

const char *cache_shard_names(deal_cache *c, size_t *len)
{
    const unsigned char *names = c->s.names;
    size_t n = (size_t)c->s.names_len;
    if (!c->s.map || memcmp(&c->s.dir, &no_key, sizeof no_key) == 0 ||
        memcmp(&c->s.stored_dir, &c->s.dir, sizeof c->s.dir) != 0 ||
        (n && names[n - 1] != '\0') || region_checksum(names, n) != c->s.names_sum)
        return NULL;
    c->s.names_reused = true;
    *len = n;
    return (const char *)names;
}

void cache_note_name(deal_cache *c, const char *name)
{
    sb_add(&c->s.new_names, name, strlen(name) + 1);
}

static void add_piece(deal_cache *c, const piece *p)
{
    if (c->s.npieces == c->s.cap_pieces) {
        c->s.cap_pieces = c->s.cap_pieces ? c->s.cap_pieces * 2 : 64;
        c->s.pieces = xrealloc(c->s.pieces, c->s.cap_pieces * sizeof *c->s.pieces);
    }
    c->s.pieces[c->s.npieces++] = *p;
}

bool cache_take(deal_cache *c, const char *id, const file_key *key, deal *out)
{
    const unsigned char *e = find_entry(c, id);
    entry_head head;
    const char *stored_id;
    reader r;
    if (!e || !read_head(c, e, &head, &stored_id, &r) ||
        memcmp(&head.key, key, sizeof *key) != 0)
        return false;
    deal_init(out);
    bool light = c->mode != CACHE_FULL;
    if (light)
        out->id = (char *)stored_id;    /* moved into the deal's block with its strings */
    get_light(&r, out, light ? (const unsigned char *)stored_id : NULL);
    if (!light) {
        reader rest = {c->s.region[REST] + head.off[REST],
                       c->s.region[REST] + head.off[REST] + head.size[REST], false};
        get_rest(&rest, out);
        r.bad |= rest.bad;
    }
    if (r.bad || !out->title || !out->stage) {
        deal_free(out);
        return false;
    }
    if (!light)
        out->id = xstrdup(id);
    out->partial = light;
    if (c->mode == CACHE_LIGHT_VIEW) {
        out->view_json = (const char *)c->s.region[VIEW] + head.off[VIEW];
        out->view_json_len = head.size[VIEW];
        c->arena.pointed_into |= c->s.in_arena;
    }
    add_piece(c, &(piece){.old = e});
    c->s.ntaken++;
    return true;
}

void cache_put(deal_cache *c, const char *id, const file_key *key, const deal *d)
{
    /* Unknown keys live only in the file's JSON; such deals are always parsed. */
    if (d->raw || is_racy(c, key) || c->s.put[LIGHT].len > REGION_LIMIT ||
        c->s.put[REST].len > REGION_LIMIT || c->s.put[VIEW].len > REGION_LIMIT)
        return;
    c->s.changed = true;
    piece p = {0};
    entry_head head;
    memset(&head, 0, sizeof head);      /* padding included: the file is checksummed */
    head.key = *key;
    strbuf *light = &c->s.put[LIGHT];
    p.off[LIGHT] = (uint32_t)light->len;
    sb_add(light, (const char *)&head, sizeof head);
    put_str(light, id);
    put_light(light, d);
    head.len = (uint32_t)(light->len - p.off[LIGHT]);
    memcpy(light->data + p.off[LIGHT], &head.len, sizeof head.len);
    p.size[LIGHT] = head.len;
    p.off[REST] = (uint32_t)c->s.put[REST].len;
    put_rest(&c->s.put[REST], d);
    p.size[REST] = (uint32_t)(c->s.put[REST].len - p.off[REST]);
    p.off[VIEW] = (uint32_t)c->s.put[VIEW].len;
    cache_render_view(&c->s.put[VIEW], d);
    p.size[VIEW] = (uint32_t)(c->s.put[VIEW].len - p.off[VIEW]);
    add_piece(c, &p);
}

/* Copies one piece into the next file's regions, its offsets made new. */
static void emit_piece(deal_cache *c, const piece *p, strbuf out[NREGIONS])
{
    entry_head head;
    const unsigned char *src[NREGIONS];
    if (p->old) {
        const char *id;
        read_head(c, p->old, &head, &id, NULL);
        src[LIGHT] = p->old;
        for (int i = REST; i < NREGIONS; i++)
            src[i] = c->s.region[i] + head.off[i];
        head.size[LIGHT] = head.len;
    } else {
        for (int i = 0; i < NREGIONS; i++) {
            src[i] = (const unsigned char *)c->s.put[i].data + p->off[i];
            head.size[i] = p->size[i];
        }
    }
    size_t start = out[LIGHT].len;
    sb_add(&out[LIGHT], (const char *)src[LIGHT], head.size[LIGHT]);
    char *at = out[LIGHT].data + start;
    for (int i = REST; i < NREGIONS; i++) {
        uint32_t off = (uint32_t)out[i].len, size = head.size[i];
        memcpy(at + offsetof(entry_head, off) + i * sizeof off, &off, sizeof off);
        memcpy(at + offsetof(entry_head, size) + i * sizeof size, &size, sizeof size);
        sb_add(&out[i], (const char *)src[i], size);
    }
}

/* The umask decides, as for git's own files (a shared repository's is set
 * from core.sharedRepository), so teammates can update the cache too; never
 * world-writable, whatever the umask. */
static int open_temp(deal_cache *c, const char *tmp)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0664);
    if (fd < 0 && errno == ENOENT && mkdir(c->dir, 0775) == 0)
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0664);
    return fd;
}

/* Atomic (temp + rename), not durable: a torn file only costs a rebuild,
 * as the checksums catch it. */
static void write_shard(deal_cache *c)
{
    /* Entries are copied forward only from regions known to be intact. */
    bool copy_old = c->s.map && region_usable(c, REST) && region_usable(c, VIEW);
    strbuf out[NREGIONS] = {{0}};
    uint32_t count = 0;
    for (size_t i = 0; i < c->s.npieces; i++) {
        if ((c->s.pieces[i].old && !copy_old) || out[LIGHT].len > REGION_LIMIT ||
            out[REST].len > REGION_LIMIT || out[VIEW].len > REGION_LIMIT)
            continue;
        emit_piece(c, &c->s.pieces[i], out);
        count++;
    }
    shard_header h;
    memset(&h, 0, sizeof h);            /* padding included: the header is checksummed */
    memcpy(h.magic, SHARD_MAGIC, 8);
    h.endian = ENDIAN_MARK;
    h.layout = c->layout;
    h.count = count;
    struct iovec iov[2 + NREGIONS] = {{&h, sizeof h}};
    for (int i = 0; i < NREGIONS; i++) {
        h.len[i] = out[i].len;
        h.sum[i] = region_checksum((const unsigned char *)(out[i].data ? out[i].data : ""), out[i].len);
        iov[1 + i] = (struct iovec){out[i].data, out[i].len};
    }
    const unsigned char *names = c->s.names_reused ? c->s.names
                                                   : (const unsigned char *)c->s.new_names.data;
    h.names_len = c->s.names_reused ? c->s.names_len : c->s.new_names.len;
    h.names_sum = region_checksum(names ? names : (const unsigned char *)"", (size_t)h.names_len);
    h.dir = c->s.dir;
    iov[1 + NREGIONS] = (struct iovec){(void *)names, (size_t)h.names_len};
    h.header_sum = region_checksum((const unsigned char *)&h, offsetof(shard_header, header_sum));
    char *path = fs_join(c->dir, c->s.name);
    char *tmp = xasprintf("%s.tmp-%ld", path, (long)getpid());
    int fd = open_temp(c, tmp);
    bool ok = fd >= 0 && fs_writev_all(fd, iov, 2 + NREGIONS);
    if (fd >= 0)
        close(fd);
    if (fd >= 0 && (!ok || rename(tmp, path) < 0))
        unlink(tmp);
    free(tmp);
    free(path);
    for (int i = 0; i < NREGIONS; i++)
        sb_free(&out[i]);
}

static void mapping_set_free(void *p)
{
    mapping_set *set = p;
    for (size_t i = 0; i < set->count; i++)
        munmap(set->maps[i].map, set->maps[i].len);
    free(set->maps);
    free(set);
}

static void keep_mapping(deal_cache *c, void *map, size_t len)
{
    c->kept.maps = xrealloc(c->kept.maps, (c->kept.count + 1) * sizeof *c->kept.maps);
    c->kept.maps[c->kept.count++] = (mapping){map, len};
}

/* Unmaps what the arena holds once a batch has piled up, but never in a
 * listing (its deals' view_json point there); all: the whole reservation. */
static void release_arena(deal_cache *c, bool all)
{
    arena *a = &c->arena;
    size_t end = all ? ARENA_SIZE : a->used;
    if (!a->base || (!all && (c->mode == CACHE_LIGHT_VIEW || end - a->released < ARENA_BATCH)))
        return;
    munmap(a->base + a->released, end - a->released);
    a->released = end;
}

/* The arena joins the kept mappings (a listing's, for the deal list) or is
 * unmapped. */
static void keep_arena(deal_cache *c)
{
    if (c->arena.base && c->arena.pointed_into)
        keep_mapping(c, c->arena.base, ARENA_SIZE);
    else
        release_arena(c, true);
    c->arena.base = NULL;
}

void cache_end_shard(deal_cache *c)
{
    if (c->s.changed || c->s.ntaken != c->s.count)
        write_shard(c);
    if (c->s.map && c->s.in_arena)
        release_arena(c, false);
    else if (c->s.map && c->mode == CACHE_LIGHT_VIEW && c->s.ntaken)   /* view_json points here */
        keep_mapping(c, (void *)c->s.map, c->s.map_len);
    else if (c->s.map)
        munmap((void *)c->s.map, c->s.map_len);
    free(c->s.table);
    free(c->s.pieces);
    for (int i = 0; i < NREGIONS; i++)
        sb_free(&c->s.put[i]);
    sb_free(&c->s.new_names);
    memset(&c->s, 0, sizeof c->s);
}

static bool was_seen(const deal_cache *c, const char *name)
{
    for (size_t i = 0; i < c->nseen; i++)
        if (strcmp(c->seen[i], name) == 0)
            return true;
    return false;
}

/* Files of shard directories that are gone (and old temp files). */
static void remove_unseen(deal_cache *c)
{
    DIR *d = opendir(c->dir);
    struct dirent *ent;
    while (d && (ent = readdir(d)))
        if (ent->d_name[0] != '.' && !was_seen(c, ent->d_name))
            unlinkat(dirfd(d), ent->d_name, 0);
    if (d)
        closedir(d);
}

void cache_merge(deal_cache *into, deal_cache *from)
{
    if (!from)
        return;
    keep_arena(from);
    if (from->nseen) {
        into->seen = xrealloc(into->seen, (into->nseen + from->nseen) * sizeof *into->seen);
        memcpy(into->seen + into->nseen, from->seen, from->nseen * sizeof *from->seen);
        into->nseen += from->nseen;
    }
    if (from->kept.count) {
        into->kept.maps = xrealloc(into->kept.maps, (into->kept.count + from->kept.count) *
                                                        sizeof *into->kept.maps);
        memcpy(into->kept.maps + into->kept.count, from->kept.maps,
               from->kept.count * sizeof *from->kept.maps);
        into->kept.count += from->kept.count;
    }
    free(from->kept.maps);
    free(from->seen);
    free(from->dir);
    free(from);
}

void cache_close(deal_cache *c, bool all_seen, void **backing, void (**backing_free)(void *))
{
    if (!c)
        return;
    if (all_seen)
        remove_unseen(c);
    keep_arena(c);
    if (c->kept.count && backing && c->mode == CACHE_LIGHT_VIEW) {
        mapping_set *set = xmalloc(sizeof *set);
        *set = c->kept;
        *backing = set;
        *backing_free = mapping_set_free;
    } else if (c->kept.count) {
        mapping_set *set = xmalloc(sizeof *set);
        *set = c->kept;
        mapping_set_free(set);
    }
    free(c->seen);
    free(c->dir);
    free(c);
}
