/* json_merge — three-way merge of cJSON trees for team sync (SPEC §6).
 *
 * Shape of the algorithm:
 *   json_merge3      file-level delete/edit rules, then merge_root
 *   merge_objects    field by field against the base; recursion is depth-bounded
 *   merge_value      one field: unchanged side loses, objects recurse, else conflict
 *   merge_by_id      arrays of objects with the same ids on both sides: element-wise
 *   merge_log        top-level "log" (a UNION_BY_ID field of deal_fields.h): union by
 *                    entry id, sorted by (at, id); pipeline.json's "conflicts" the same,
 *                    but an acknowledged (removed) entry stays removed
 *   merge_steps      top-level "plan", "evidence", "people" (STEPS_BY_ID): as the log, each
 *                    entry merged field by field, an entry one side removed stays
 *                    removed, sorted by (due, id), (date, id) or (name, id)
 *   merge_tags       top-level "tags" (SET_UNION): three-way set merge
 *   resolve_conflict later commit wins; the loser is written into a "conflict" entry
 * Lookups go through sorted indexes so large objects and logs stay O(n log n).
 */
#include "json_merge.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../pipeline/deal_fields.h"

/* Nested objects deeper than this merge as whole values: bounds our recursion. */
#define MERGE_MAX_DEPTH 64
/* Deeper than anything cJSON_Parse accepts; beyond it values count as different. */
#define EQUAL_MAX_DEPTH (CJSON_NESTING_LIMIT + 64)
/* Objects smaller than this are compared by linear lookup, without allocating. */
#define SMALL_OBJECT 16

typedef struct {
    const char *author;
    long long time;
} side_info;

typedef struct {
    side_info ours, theirs;
    json_merge_record record;
    cJSON *pending;   /* conflict entries waiting to be added to the log */
    int conflicts;
    bool failed;      /* an allocation failed: the result is discarded */
} merge_ctx;

/* A field path as a chain to the parent, rendered only when a conflict needs words. */
typedef struct path_seg {
    const struct path_seg *parent;
    const char *name;
    bool is_log_entry; /* rendered "[id]" rather than ".name" */
} path_seg;

/* ---------- small string builder ---------- */

typedef struct {
    char *data;
    size_t len, cap;
    bool failed;
} strbuf;

static void sb_append_n(strbuf *sb, const char *s, size_t n)
{
    if (sb->failed)
        return;
    if (sb->len + n + 1 > sb->cap) {
        size_t cap = sb->cap ? sb->cap : 64;
        while (cap < sb->len + n + 1)
            cap *= 2;
        char *grown = realloc(sb->data, cap);
        if (!grown) {
            sb->failed = true;
            return;
        }
        sb->data = grown;
        sb->cap = cap;
    }
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

static void sb_append(strbuf *sb, const char *s)
{
    sb_append_n(sb, s, strlen(s));
}

/* ---------- sorted name index (object keys, or strings in an array) ---------- */

typedef struct {
    const char *key;
    size_t pos; /* position in the container: keeps "first occurrence" meaningful */
    const cJSON *item;
} slot;

typedef struct {
    slot *slots;
    size_t n;
} name_index;

static int slot_cmp(const void *a, const void *b)
{
    const slot *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static size_t child_count(const cJSON *container)
{
    size_t n = 0;
    for (const cJSON *c = container ? container->child : NULL; c; c = c->next)
        n++;
    return n;
}

/* by_value: index string elements of an array by their text; else members by key. */
static bool index_build(name_index *ix, const cJSON *container, bool by_value)
{
    ix->slots = NULL;
    ix->n = 0;
    size_t count = child_count(container);
    if (count == 0)
        return true;
    ix->slots = malloc(count * sizeof *ix->slots);
    if (!ix->slots)
        return false;
    size_t pos = 0;
    for (const cJSON *c = container->child; c; c = c->next, pos++) {
        const char *key = by_value ? (cJSON_IsString(c) ? c->valuestring : NULL) : c->string;
        if (key)
            ix->slots[ix->n++] = (slot){ key, pos, c };
    }
    qsort(ix->slots, ix->n, sizeof *ix->slots, slot_cmp);
    return true;
}

static void index_free(name_index *ix)
{
    free(ix->slots);
    ix->slots = NULL;
    ix->n = 0;
}

/* First occurrence of key (lower bound), or NULL. */
static const slot *index_find(const name_index *ix, const char *key)
{
    if (!key)
        return NULL;
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->slots[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ix->n && strcmp(ix->slots[lo].key, key) == 0 ? &ix->slots[lo] : NULL;
}

static const cJSON *index_get(const name_index *ix, const char *key)
{
    const slot *s = index_find(ix, key);
    return s ? s->item : NULL;
}

/* ---------- deep equality (key order does not matter) ---------- */

static bool values_equal(const cJSON *a, const cJSON *b, int depth);

static bool strings_equal(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static bool objects_equal_linear(const cJSON *a, const cJSON *b, int depth)
{
    for (const cJSON *ca = a->child; ca; ca = ca->next)
        if (!values_equal(ca, cJSON_GetObjectItemCaseSensitive(b, ca->string), depth + 1))
            return false;
    for (const cJSON *cb = b->child; cb; cb = cb->next)
        if (!cJSON_GetObjectItemCaseSensitive(a, cb->string))
            return false;
    return true;
}

static bool objects_equal_indexed(const cJSON *a, const cJSON *b, const name_index *ai,
                                  const name_index *bi, int depth)
{
    for (const cJSON *ca = a->child; ca; ca = ca->next)
        if (!values_equal(ca, index_get(bi, ca->string), depth + 1))
            return false;
    for (const cJSON *cb = b->child; cb; cb = cb->next)
        if (!index_get(ai, cb->string))
            return false;
    return true;
}

static bool objects_equal(const cJSON *a, const cJSON *b, int depth)
{
    size_t n = child_count(a);
    if (n != child_count(b))
        return false;
    if (n < SMALL_OBJECT)
        return objects_equal_linear(a, b, depth);
    name_index ai, bi;
    bool indexed = index_build(&ai, a, false) && index_build(&bi, b, false);
    if (!indexed) {
        /* Out of memory: fall back to the slow but allocation-free comparison. */
        index_free(&ai);
        return objects_equal_linear(a, b, depth);
    }
    bool equal = objects_equal_indexed(a, b, &ai, &bi, depth);
    index_free(&ai);
    index_free(&bi);
    return equal;
}

static bool arrays_equal(const cJSON *a, const cJSON *b, int depth)
{
    const cJSON *ca = a->child, *cb = b->child;
    for (; ca && cb; ca = ca->next, cb = cb->next)
        if (!values_equal(ca, cb, depth + 1))
            return false;
    return !ca && !cb;
}

/* NULL stands for "absent"; two absent values are equal. */
static bool values_equal(const cJSON *a, const cJSON *b, int depth)
{
    if (a == b)
        return true;
    if (!a || !b || depth > EQUAL_MAX_DEPTH)
        return false;
    int type = a->type & 0xFF;
    if (type != (b->type & 0xFF))
        return false;
    switch (type) {
    case cJSON_Number:
        return a->valuedouble == b->valuedouble;
    case cJSON_String:
    case cJSON_Raw:
        return strings_equal(a->valuestring, b->valuestring);
    case cJSON_Array:
        return arrays_equal(a, b, depth);
    case cJSON_Object:
        return objects_equal(a, b, depth);
    default: /* null, true, false: the type says it all */
        return true;
    }
}

/* ---------- result building helpers ---------- */

static cJSON *dup_value(merge_ctx *ctx, const cJSON *v)
{
    if (!v || ctx->failed)
        return NULL;
    cJSON *copy = cJSON_Duplicate(v, true);
    if (!copy)
        ctx->failed = true;
    return copy;
}

static void add_member(merge_ctx *ctx, cJSON *obj, const char *key, cJSON *value)
{
    if (!cJSON_AddItemToObject(obj, key, value)) {
        cJSON_Delete(value);
        ctx->failed = true;
    }
}

static void add_element(merge_ctx *ctx, cJSON *arr, cJSON *value)
{
    if (!value || !cJSON_AddItemToArray(arr, value)) {
        cJSON_Delete(value);
        ctx->failed = true;
    }
}

/* ---------- conflicts ---------- */

static void render_path(strbuf *sb, const path_seg *seg)
{
    if (!seg)
        return;
    render_path(sb, seg->parent); /* depth is bounded by MERGE_MAX_DEPTH */
    if (seg->is_log_entry) {
        sb_append(sb, "[");
        sb_append(sb, seg->name);
        sb_append(sb, "]");
        return;
    }
    if (seg->parent)
        sb_append(sb, ".");
    sb_append(sb, seg->name);
}

/* "Alice <alice@x>" -> "Alice": the log reads better with names only. */
static void append_author_name(strbuf *sb, const char *author)
{
    if (!author || !*author) {
        sb_append(sb, "unknown");
        return;
    }
    const char *email = strchr(author, '<');
    size_t n = email ? (size_t)(email - author) : strlen(author);
    while (n > 0 && author[n - 1] == ' ')
        n--;
    if (n == 0)
        sb_append(sb, author);
    else
        sb_append_n(sb, author, n);
}

static uint64_t fnv1a(uint64_t hash, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        hash ^= (unsigned char)s[i];
        hash *= 1099511628211ULL;
    }
    return hash;
}

/* Depends only on the path and the unordered pair of values, so every clone that
 * merges the same conflict produces the same id and the union by id de-duplicates it. */
static void conflict_id(char out[16], const char *path, const char *a, const char *b)
{
    if (strcmp(a, b) > 0) {
        const char *swap = a;
        a = b;
        b = swap;
    }
    uint64_t hash = 14695981039346656037ULL;
    hash = fnv1a(hash, path, strlen(path) + 1); /* the NULs separate the parts */
    hash = fnv1a(hash, a, strlen(a) + 1);
    hash = fnv1a(hash, b, strlen(b));
    snprintf(out, 16, "c%012llx", (unsigned long long)(hash & 0xFFFFFFFFFFFFULL));
}

static void format_utc(char out[32], long long secs)
{
    time_t t = (time_t)secs;
    struct tm tm;
    if ((long long)t != secs || !gmtime_r(&t, &tm)) {
        t = 0;
        gmtime_r(&t, &tm);
    }
    if (strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, 32, "1970-01-01T00:00:00Z");
}

static int compare_text(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* Later commit wins, then author, then printed value: every tie-break is symmetric in
 * the two sides, so both clones of a pair pick the same winner. */
static bool theirs_wins(const merge_ctx *ctx, const char *ours_text, const char *theirs_text)
{
    if (ctx->ours.time != ctx->theirs.time)
        return ctx->theirs.time > ctx->ours.time;
    int by_author = compare_text(ctx->theirs.author, ctx->ours.author);
    if (by_author)
        return by_author > 0;
    return compare_text(theirs_text, ours_text) > 0;
}

static const char *relative_time(const side_info *winner, const side_info *loser)
{
    if (winner->time == loser->time)
        return ", same time) over ";
    return winner->time > loser->time ? ", later) over " : ", earlier) over ";
}

/* 'close_date: kept "2027-03-31" (Bob, later) over "2027-02-28" (Alice)' */
static void describe_conflict(strbuf *sb, const char *path, const side_info *winner,
                              const char *winner_text, const side_info *loser,
                              const char *loser_text)
{
    sb_append(sb, path);
    sb_append(sb, ": kept ");
    sb_append(sb, winner_text ? winner_text : "(removed)");
    sb_append(sb, " (");
    append_author_name(sb, winner->author);
    sb_append(sb, relative_time(winner, loser));
    sb_append(sb, loser_text ? loser_text : "(removed)");
    sb_append(sb, " (");
    append_author_name(sb, loser->author);
    sb_append(sb, ")");
}

const char *json_merge_list_key(json_merge_record record)
{
    return record == JSON_MERGE_DEAL_LOG    ? "log"
           : record == JSON_MERGE_PIPELINE ? "conflicts"
                                           : NULL;
}

cJSON *json_merge_conflict_entry(const char *id, const char *at, const char *text)
{
    cJSON *entry = cJSON_CreateObject();
    if (!entry || !cJSON_AddStringToObject(entry, "id", id) ||
        !cJSON_AddStringToObject(entry, "at", at) ||
        !cJSON_AddStringToObject(entry, "by", "dealboard") ||
        !cJSON_AddStringToObject(entry, "kind", "conflict") ||
        !cJSON_AddStringToObject(entry, "text", text)) {
        cJSON_Delete(entry);
        return NULL;
    }
    return entry;
}

static void record_conflict(merge_ctx *ctx, const path_seg *path, bool theirs_won,
                            const char *ours_text, const char *theirs_text)
{
    strbuf where = { 0 }, words = { 0 };
    render_path(&where, path);
    if (where.len == 0)
        sb_append(&where, "(whole file)");
    if (theirs_won)
        describe_conflict(&words, where.data ? where.data : "", &ctx->theirs, theirs_text,
                          &ctx->ours, ours_text);
    else
        describe_conflict(&words, where.data ? where.data : "", &ctx->ours, ours_text,
                          &ctx->theirs, theirs_text);
    if (where.failed || words.failed) {
        ctx->failed = true;
    } else {
        char id[16], at[32];
        conflict_id(id, where.data, ours_text ? ours_text : "", theirs_text ? theirs_text : "");
        format_utc(at, ctx->ours.time > ctx->theirs.time ? ctx->ours.time : ctx->theirs.time);
        add_element(ctx, ctx->pending, json_merge_conflict_entry(id, at, words.data));
    }
    free(where.data);
    free(words.data);
}

typedef enum { PICK_LATER, PICK_OURS, PICK_THEIRS } pick_rule;

static cJSON *resolve_conflict(merge_ctx *ctx, const cJSON *o, const cJSON *t,
                               const path_seg *path, pick_rule rule)
{
    char *ours_text = o ? cJSON_PrintUnformatted(o) : NULL;
    char *theirs_text = t ? cJSON_PrintUnformatted(t) : NULL;
    cJSON *winner = NULL;
    if ((o && !ours_text) || (t && !theirs_text)) {
        ctx->failed = true;
    } else {
        bool theirs_won = rule == PICK_LATER ? theirs_wins(ctx, ours_text, theirs_text)
                                             : rule == PICK_THEIRS;
        ctx->conflicts++;
        if (ctx->record)
            record_conflict(ctx, path, theirs_won, ours_text, theirs_text);
        winner = dup_value(ctx, theirs_won ? t : o);
    }
    cJSON_free(ours_text);
    cJSON_free(theirs_text);
    return winner;
}

/* ---------- tags: three-way set merge ---------- */

static bool is_tag_list(const cJSON *v)
{
    if (!v)
        return true;
    if (!cJSON_IsArray(v))
        return false;
    for (const cJSON *c = v->child; c; c = c->next)
        if (!cJSON_IsString(c) || !c->valuestring)
            return false;
    return true;
}

/* Adds side's tags that survive: first occurrence only, not already emitted (skip),
 * and not removed by the other side (base had it, the other side does not). */
static void add_surviving_tags(merge_ctx *ctx, cJSON *out, const cJSON *side,
                               const name_index *own, const name_index *other,
                               const name_index *base, const name_index *skip)
{
    size_t pos = 0;
    for (const cJSON *c = side ? side->child : NULL; c && !ctx->failed; c = c->next, pos++) {
        const char *tag = c->valuestring;
        if (index_find(own, tag)->pos != pos)
            continue;
        if (skip && index_find(skip, tag))
            continue;
        if (index_find(base, tag) && !index_find(other, tag))
            continue;
        add_element(ctx, out, cJSON_CreateString(tag));
    }
}

static cJSON *merge_tags(merge_ctx *ctx, const cJSON *b, const cJSON *o, const cJSON *t)
{
    name_index bi = { 0 }, oi = { 0 }, ti = { 0 };
    cJSON *out = cJSON_CreateArray();
    if (!out || !index_build(&bi, cJSON_IsArray(b) ? b : NULL, true) ||
        !index_build(&oi, o, true) || !index_build(&ti, t, true)) {
        ctx->failed = true;
    } else {
        add_surviving_tags(ctx, out, o, &oi, &ti, &bi, NULL);
        add_surviving_tags(ctx, out, t, &ti, &oi, &bi, &oi);
    }
    index_free(&bi);
    index_free(&oi);
    index_free(&ti);
    if (ctx->failed) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

/* ---------- objects ---------- */

static cJSON *merge_objects(merge_ctx *ctx, const cJSON *b, const cJSON *o, const cJSON *t,
                            const path_seg *path, int depth);
static const char *entry_at(const cJSON *entry);
typedef const char *(*order_key_fn)(const cJSON *entry);
static cJSON *merge_log(merge_ctx *ctx, const cJSON *b, const cJSON *o, const cJSON *t,
                        const path_seg *path, bool removals, order_key_fn order_key);
static cJSON *merge_steps(merge_ctx *ctx, const cJSON *b, const cJSON *o, const cJSON *t,
                          const path_seg *path, order_key_fn order_key);
static order_key_fn steps_order_of(const char *key);
static cJSON *merge_by_id(merge_ctx *ctx, const cJSON *b, const cJSON *o, const cJSON *t,
                          const path_seg *path, int depth);

/* How a value merges when both sides changed it, besides objects field by field. */
typedef enum { AS_VALUE, AS_TAGS, AS_ACK_LIST } value_kind;

static bool is_log_list(const cJSON *v)
{
    return !v || cJSON_IsArray(v);
}

/* One value; NULL = absent (check ctx->failed to tell it from an allocation failure). */
static cJSON *merge_value(merge_ctx *ctx, const cJSON *b, const cJSON *o, const cJSON *t,
                          const path_seg *path, int depth, value_kind kind)
{
    if (values_equal(o, t, 0))
        return dup_value(ctx, o);
    if (values_equal(o, b, 0)) /* only theirs changed (or removed) it */
        return dup_value(ctx, t);
    if (values_equal(t, b, 0))
        return dup_value(ctx, o);
    if (cJSON_IsObject(o) && cJSON_IsObject(t) && depth < MERGE_MAX_DEPTH)
        return merge_objects(ctx, cJSON_IsObject(b) ? b : NULL, o, t, path, depth + 1);
    if (kind == AS_TAGS && is_tag_list(o) && is_tag_list(t))
        return merge_tags(ctx, b, o, t);
    if (kind == AS_ACK_LIST && is_log_list(o) && is_log_list(t))
        return merge_log(ctx, cJSON_IsArray(b) ? b : NULL, o, t, path, true, entry_at);
    if (path && cJSON_IsArray(o) && cJSON_IsArray(t) && depth < MERGE_MAX_DEPTH)
        return merge_by_id(ctx, b, o, t, path, depth); /* not at the root: one value there */
    return resolve_conflict(ctx, o, t, path, PICK_LATER);
}

/* How a top-level key merges: as the deal field table says (deal_fields.h:
 * "log" by entry id, "tags" as a set); keys it does not know as values. */
static field_merge field_merge_of(const char *key)
{
    int f = deal_field_by_key(key);
    return f < 0 ? MERGE_LATER_WINS : deal_kind_merge(deal_fields[f].kind);
}

/* A deal's reference asks ("reference": {"asks": [...]}): recorded by two
 * teammates offline, both count, as log entries do (by id, in day order). */
static bool is_reference_asks(const merge_ctx *ctx, const char *key, const path_seg *parent,
                              int depth)
{
    return depth == 1 && ctx->record != JSON_MERGE_PIPELINE && parent && !parent->parent &&
           strcmp(parent->name, "reference") == 0 && strcmp(key, "asks") == 0 &&
           field_merge_of(parent->name) == MERGE_REFERENCE;
}

static void merge_member(merge_ctx *ctx, cJSON *out, const char *key, const cJSON *b,
                         const cJSON *o, const cJSON *t, const path_seg *parent, int depth)
{
    path_seg seg = { parent, key, false };
    bool top = depth == 0; /* the lists below are special only at the top of a file */
    field_merge how = top ? field_merge_of(key) : MERGE_LATER_WINS;
    cJSON *value;
    if (top && ctx->record == JSON_MERGE_PIPELINE && strcmp(key, "conflicts") == 0)
        value = merge_value(ctx, b, o, t, &seg, depth, AS_ACK_LIST);
    else if (how == MERGE_UNION_BY_ID && is_log_list(o) && is_log_list(t))
        value = merge_log(ctx, cJSON_IsArray(b) ? b : NULL, o, t, &seg, false, entry_at);
    else if (how == MERGE_STEPS_BY_ID && is_log_list(o) && is_log_list(t))
        value = merge_steps(ctx, cJSON_IsArray(b) ? b : NULL, o, t, &seg, steps_order_of(key));
    else if (is_reference_asks(ctx, key, parent, depth) && is_log_list(o) && is_log_list(t))
        value = merge_log(ctx, cJSON_IsArray(b) ? b : NULL, o, t, &seg, false, entry_at);
    else
        value = merge_value(ctx, b, o, t, &seg, depth,
                            how == MERGE_SET_UNION ? AS_TAGS : AS_VALUE);
    if (value)
        add_member(ctx, out, key, value);
}

static void merge_members(merge_ctx *ctx, cJSON *out, const cJSON *o, const cJSON *t,
                          const name_index *bi, const name_index *oi, const name_index *ti,
                          const path_seg *path, int depth)
{
    /* Ours' key order first, then keys only theirs has; later duplicate keys are skipped. */
    for (const cJSON *c = o->child; c && !ctx->failed; c = c->next)
        if (index_get(oi, c->string) == c)
            merge_member(ctx, out, c->string, index_get(bi, c->string), c,
                         index_get(ti, c->string), path, depth);
    for (const cJSON *c = t->child; c && !ctx->failed; c = c->next)
        if (index_get(ti, c->string) == c && !index_get(oi, c->string))
            merge_member(ctx, out, c->string, index_get(bi, c->string), NULL, c, path, depth);
}

/* b may be NULL (no common base: every field counts as added). */
static cJSON *merge_objects(merge_ctx *ctx, const cJSON *b, const cJSON *o, const cJSON *t,
                            const path_seg *path, int depth)
{
    name_index bi = { 0 }, oi = { 0 }, ti = { 0 };
    cJSON *out = cJSON_CreateObject();
    if (!out || !index_build(&bi, b, false) || !index_build(&oi, o, false) ||
        !index_build(&ti, t, false))
        ctx->failed = true;
    else
        merge_members(ctx, out, o, t, &bi, &oi, &ti, path, depth);
    index_free(&bi);
    index_free(&oi);
    index_free(&ti);
    if (ctx->failed) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

/* ---------- log: union by entry id ---------- */

static const char *entry_id(const cJSON *entry)
{
    const cJSON *id = cJSON_IsObject(entry) ? cJSON_GetObjectItemCaseSensitive(entry, "id") : NULL;
    return cJSON_IsString(id) ? id->valuestring : NULL;
}

static const char *entry_at(const cJSON *entry)
{
    const cJSON *at = cJSON_IsObject(entry) ? cJSON_GetObjectItemCaseSensitive(entry, "at") : NULL;
    return cJSON_IsString(at) && at->valuestring ? at->valuestring : "";
}

typedef struct {
    name_index by_id;    /* first entry for each id */
    const cJSON **loose; /* entries without a usable id, and repeats of an id */
    size_t n_loose;
} log_index;

static void log_index_free(log_index *li)
{
    index_free(&li->by_id);
    free(li->loose);
    li->loose = NULL;
    li->n_loose = 0;
}

/* Keeps the first slot per id in by_id; later slots with the same id move to loose. */
static void split_repeated_ids(log_index *li)
{
    size_t kept = 0;
    for (size_t i = 0; i < li->by_id.n; i++) {
        slot s = li->by_id.slots[i];
        if (kept > 0 && strcmp(li->by_id.slots[kept - 1].key, s.key) == 0)
            li->loose[li->n_loose++] = s.item;
        else
            li->by_id.slots[kept++] = s;
    }
    li->by_id.n = kept;
}

static bool log_index_build(log_index *li, const cJSON *log)
{
    size_t count = child_count(log);
    *li = (log_index){ { NULL, 0 }, NULL, 0 };
    if (count == 0)
        return true;
    li->by_id.slots = malloc(count * sizeof *li->by_id.slots);
    li->loose = malloc(count * sizeof *li->loose);
    if (!li->by_id.slots || !li->loose) {
        log_index_free(li);
        return false;
    }
    size_t pos = 0;
    for (const cJSON *c = log->child; c; c = c->next, pos++) {
        const char *id = entry_id(c);
        if (id)
            li->by_id.slots[li->by_id.n++] = (slot){ id, pos, c };
        else
            li->loose[li->n_loose++] = c;
    }
    qsort(li->by_id.slots, li->by_id.n, sizeof *li->by_id.slots, slot_cmp);
    split_repeated_ids(li);
    return true;
}

/* Merged entries, collected with a fixed capacity so pushing never fails. */
/* What a merged list is sorted by first: a log entry's "at", a plan step's "due". */
typedef const char *(*order_key_fn)(const cJSON *entry);

typedef struct {
    cJSON *item;
    const char *at;
    const char *id;
    char *text; /* printed entry: orders ties (no id, or a repeated id) by content */
    size_t seq; /* insertion order: makes the sort stable */
} log_item;

typedef struct {
    log_item *items;
    size_t n;
} log_list;

static void log_list_push(merge_ctx *ctx, log_list *list, cJSON *item)
{
    if (!item) {
        ctx->failed = true;
        return;
    }
    list->items[list->n] = (log_item){ item, NULL, NULL, NULL, list->n };
    list->n++;
}

static int log_item_cmp(const void *a, const void *b)
{
    const log_item *x = a, *y = b;
    int c = strcmp(x->at, y->at);
    if (c == 0)
        c = strcmp(x->id, y->id);
    if (c == 0)
        c = strcmp(x->text, y->text);
    if (c == 0)
        c = (x->seq > y->seq) - (x->seq < y->seq);
    return c;
}

/* Entries without an id (or repeating one) tie on (at, id); ordering them by content
 * rather than by side makes both clones of a merge write the same log. */
static bool prepare_sort_keys(merge_ctx *ctx, log_list *list, order_key_fn order_key)
{
    for (size_t i = 0; i < list->n; i++) {
        log_item *it = &list->items[i];
        const char *id = entry_id(it->item);
        it->at = order_key(it->item);
        it->id = id ? id : "";
        if (!(it->text = cJSON_PrintUnformatted(it->item))) {
            ctx->failed = true;
            return false;
        }
    }
    return true;
}

static void free_sort_keys(log_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        cJSON_free(list->items[i].text);
        list->items[i].text = NULL;
    }
}

/* Moves the list's items into arr ordered by (at, id, content, insertion); on failure
 * they stay in the list for log_list_discard. */
static void fill_sorted(merge_ctx *ctx, cJSON *arr, log_list *list, order_key_fn order_key)
{
    bool ready = prepare_sort_keys(ctx, list, order_key);
    if (ready)
        qsort(list->items, list->n, sizeof *list->items, log_item_cmp);
    free_sort_keys(list);
    if (!ready)
        return;
    for (size_t i = 0; i < list->n; i++)
        add_element(ctx, arr, list->items[i].item);
    list->n = 0;
}

static void log_list_discard(log_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        cJSON_Delete(list->items[i].item);
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

typedef struct {
    char *text;
    size_t idx;
} printed_entry;

static int printed_cmp(const void *a, const void *b)
{
    const printed_entry *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

static void printed_free(printed_entry *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++)
        cJSON_free(p[i].text);
    free(p);
}

/* Prints entries and sorts them by text: the cheap way to match identical content. */
static printed_entry *print_sorted(const cJSON **entries, size_t n)
{
    printed_entry *p = calloc(n ? n : 1, sizeof *p);
    if (!p)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        p[i] = (printed_entry){ cJSON_PrintUnformatted(entries[i]), i };
        if (!p[i].text) {
            printed_free(p, n);
            return NULL;
        }
    }
    qsort(p, n, sizeof *p, printed_cmp);
    return p;
}

/* Marks each of theirs' loose entries that pairs up with an identical one of ours
 * (as a multiset: two identical notes on one side stay two). */
static bool *match_identical(const log_index *ol, const log_index *tl)
{
    printed_entry *op = print_sorted(ol->loose, ol->n_loose);
    printed_entry *tp = print_sorted(tl->loose, tl->n_loose);
    bool *matched = calloc(tl->n_loose ? tl->n_loose : 1, sizeof *matched);
    if (op && tp && matched) {
        size_t i = 0, j = 0;
        while (i < ol->n_loose && j < tl->n_loose) {
            int c = strcmp(op[i].text, tp[j].text);
            if (c == 0)
                matched[tp[j++].idx] = true;
            if (c <= 0)
                i++;
            else
                j++;
        }
    } else {
        free(matched);
        matched = NULL;
    }
    printed_free(op, ol->n_loose);
    printed_free(tp, tl->n_loose);
    return matched;
}

static void union_loose(merge_ctx *ctx, const log_index *ol, const log_index *tl, log_list *out)
{
    bool *matched = match_identical(ol, tl);
    if (!matched) {
        ctx->failed = true;
        return;
    }
    for (size_t i = 0; i < ol->n_loose && !ctx->failed; i++)
        log_list_push(ctx, out, dup_value(ctx, ol->loose[i]));
    for (size_t i = 0; i < tl->n_loose && !ctx->failed; i++)
        if (!matched[i])
            log_list_push(ctx, out, dup_value(ctx, tl->loose[i]));
    free(matched);
}

/* The same entry id on both sides with different content: field-wise against the base's
 * entry with that id, so e.g. one side's edited text and the other's new key both survive. */
static cJSON *merge_log_entry(merge_ctx *ctx, const log_index *bl, const slot *ours,
                              const cJSON *theirs, const path_seg *log_path)
{
    if (values_equal(ours->item, theirs, 0))
        return dup_value(ctx, ours->item);
    path_seg seg = { log_path, ours->key, true };
    return merge_objects(ctx, index_get(&bl->by_id, ours->key), ours->item, theirs, &seg, 1);
}

/* An entry that only one side has, as it was in the base: the other side removed it. */
static bool removed_by_other(const log_index *bl, const slot *s)
{
    const cJSON *base = index_get(&bl->by_id, s->key);
    return base && values_equal(base, s->item, 0);
}

/* removals: an entry the other side removed stays removed (else it comes back). */
static void union_by_id(merge_ctx *ctx, const log_index *bl, const log_index *ol,
                        const log_index *tl, log_list *out, const path_seg *path, bool removals)
{
    for (size_t i = 0; i < ol->by_id.n && !ctx->failed; i++) {
        const slot *ours = &ol->by_id.slots[i];
        const cJSON *theirs = index_get(&tl->by_id, ours->key);
        if (!theirs && removals && removed_by_other(bl, ours))
            continue;
        cJSON *entry = theirs ? merge_log_entry(ctx, bl, ours, theirs, path)
                              : dup_value(ctx, ours->item);
        log_list_push(ctx, out, entry);
    }
    for (size_t i = 0; i < tl->by_id.n && !ctx->failed; i++) {
        const slot *theirs = &tl->by_id.slots[i];
        if (!index_get(&ol->by_id, theirs->key) && !(removals && removed_by_other(bl, theirs)))
            log_list_push(ctx, out, dup_value(ctx, theirs->item));
    }
}

/* Union of both sides' entries (nothing a teammate logged is dropped), sorted by at. */
static cJSON *merge_log(merge_ctx *ctx, const cJSON *b, const cJSON *o, const cJSON *t,
                        const path_seg *path, bool removals, order_key_fn order_key)
{
    log_index bl, ol, tl;
    bool indexed = log_index_build(&bl, b);
    indexed = log_index_build(&ol, o) && indexed;
    indexed = log_index_build(&tl, t) && indexed;
    log_list out = { malloc((child_count(o) + child_count(t) + 1) * sizeof(log_item)), 0 };
    cJSON *arr = cJSON_CreateArray();
    if (!indexed || !out.items || !arr) {
        ctx->failed = true;
    } else {
        union_by_id(ctx, &bl, &ol, &tl, &out, path, removals);
        if (!ctx->failed)
            union_loose(ctx, &ol, &tl, &out);
        if (!ctx->failed)
            fill_sorted(ctx, arr, &out, order_key);
    }
    log_list_discard(&out);
    log_index_free(&bl);
    log_index_free(&ol);
    log_index_free(&tl);
    if (ctx->failed) {
        cJSON_Delete(arr);
        return NULL;
    }
    return arr;
}

/* ---------- the plan: steps by id, field by field ---------- */

/* A step's due date, "~" (after every date) without one: pipeline/plan.h's order. */
static const char *step_due(const cJSON *entry)
{
    const cJSON *due = cJSON_IsObject(entry) ? cJSON_GetObjectItemCaseSensitive(entry, "due") : NULL;
    return cJSON_IsString(due) && due->valuestring && *due->valuestring ? due->valuestring : "~";
}

/* An exit record's date, "~" without one: pipeline/exit.h's order. */
static const char *record_date(const cJSON *entry)
{
    const cJSON *date = cJSON_IsObject(entry) ? cJSON_GetObjectItemCaseSensitive(entry, "date") : NULL;
    return cJSON_IsString(date) && date->valuestring && *date->valuestring ? date->valuestring
                                                                           : "~";
}

/* A person's name: pipeline/people.h's order. */
static const char *person_name(const cJSON *entry)
{
    const cJSON *name = cJSON_IsObject(entry) ? cJSON_GetObjectItemCaseSensitive(entry, "name") : NULL;
    return cJSON_IsString(name) && name->valuestring ? name->valuestring : "";
}

/* The order a STEPS_BY_ID list keeps: exit evidence by date, people by name,
 * the plan by due date. */
static order_key_fn steps_order_of(const char *key)
{
    int f = deal_field_by_key(key);
    field_kind kind = f >= 0 ? deal_fields[f].kind : FK_PLAN;
    return kind == FK_EVIDENCE ? record_date : kind == FK_PEOPLE ? person_name : step_due;
}

/* Changed on one side only: that side's plan as it is. Both: the union by
 * step id, a step changed on both sides merged field by field (one ticks it
 * done, the other dates it: both survive; the same field: a conflict), a
 * step one side removed and the other left alone stays removed. */
static cJSON *merge_steps(merge_ctx *ctx, const cJSON *b, const cJSON *o, const cJSON *t,
                          const path_seg *path, order_key_fn order_key)
{
    if (values_equal(o, t, 0))
        return dup_value(ctx, o);
    if (values_equal(o, b, 0))
        return dup_value(ctx, t);
    if (values_equal(t, b, 0))
        return dup_value(ctx, o);
    return merge_log(ctx, b, o, t, path, true, order_key);
}

/* ---------- arrays of objects by id ---------- */

/* Both arrays hold objects with string ids, the same ids in the same order. */
static bool same_ids(const cJSON *o, const cJSON *t)
{
    const cJSON *x = o->child, *y = t->child;
    for (; x && y; x = x->next, y = y->next) {
        const char *a = entry_id(x), *b = entry_id(y);
        if (!a || !b || strcmp(a, b) != 0)
            return false;
    }
    return !x && !y && o->child;
}

static cJSON *merge_elements(merge_ctx *ctx, const log_index *bl, const cJSON *o,
                             const cJSON *t, const path_seg *path, int depth)
{
    cJSON *out = cJSON_CreateArray();
    if (!out)
        ctx->failed = true;
    for (const cJSON *x = o->child, *y = t->child; x && y && !ctx->failed;
         x = x->next, y = y->next) {
        path_seg seg = { path, entry_id(x), true };
        add_element(ctx, out, merge_value(ctx, index_get(&bl->by_id, seg.name), x, y, &seg,
                                          depth + 1, AS_VALUE));
    }
    if (ctx->failed) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

/* Stages and other lists of objects by id: element by element against the base's
 * element with that id, so a conflict names the element's field ("stages[define].
 * max_days") and edits to different elements both survive. A list whose ids differ
 * between the sides (added, removed, reordered, repeated) is one value. */
static cJSON *merge_by_id(merge_ctx *ctx, const cJSON *b, const cJSON *o, const cJSON *t,
                          const path_seg *path, int depth)
{
    if (!same_ids(o, t))
        return resolve_conflict(ctx, o, t, path, PICK_LATER);
    log_index bl, ol;
    bool indexed = log_index_build(&bl, cJSON_IsArray(b) ? b : NULL);
    indexed = log_index_build(&ol, o) && indexed;
    cJSON *out = NULL;
    if (!indexed)
        ctx->failed = true;
    else if (ol.n_loose) /* an id repeats */
        out = resolve_conflict(ctx, o, t, path, PICK_LATER);
    else
        out = merge_elements(ctx, &bl, o, t, path, depth);
    log_index_free(&bl);
    log_index_free(&ol);
    return out;
}

/* ---------- recording conflicts in the result ---------- */

static void append_new_conflicts(merge_ctx *ctx, cJSON *log, const log_index *existing,
                                 log_list *list)
{
    while (log->child)
        log_list_push(ctx, list, cJSON_DetachItemViaPointer(log, log->child));
    while (ctx->pending->child) {
        cJSON *entry = cJSON_DetachItemViaPointer(ctx->pending, ctx->pending->child);
        if (index_get(&existing->by_id, entry_id(entry)))
            cJSON_Delete(entry); /* already logged by an earlier merge */
        else
            log_list_push(ctx, list, entry);
    }
}

static void sort_in_conflicts(merge_ctx *ctx, cJSON *log)
{
    log_index existing;
    size_t cap = child_count(log) + child_count(ctx->pending) + 1;
    log_list list = { malloc(cap * sizeof(log_item)), 0 };
    if (!list.items || !log_index_build(&existing, log)) {
        free(list.items);
        ctx->failed = true;
        return;
    }
    append_new_conflicts(ctx, log, &existing, &list);
    log_index_free(&existing); /* its ids point into entries still alive in list */
    fill_sorted(ctx, log, &list, entry_at);
    log_list_discard(&list);
}

static void record_pending_conflicts(merge_ctx *ctx, cJSON *result)
{
    if (!ctx->pending || !ctx->pending->child || !cJSON_IsObject(result))
        return;
    const char *key = json_merge_list_key(ctx->record);
    cJSON *log = cJSON_GetObjectItemCaseSensitive(result, key);
    if (!log && !(log = cJSON_AddArrayToObject(result, key))) {
        ctx->failed = true;
        return;
    }
    if (cJSON_IsArray(log)) /* a hostile non-array log cannot hold entries */
        sort_in_conflicts(ctx, log);
}

/* ---------- entry point ---------- */

static cJSON *merge_root(merge_ctx *ctx, const cJSON *base, const cJSON *ours,
                         const cJSON *theirs)
{
    if (ctx->record && !(ctx->pending = cJSON_CreateArray())) {
        ctx->failed = true;
        return NULL;
    }
    cJSON *merged;
    bool ours_is_deal = cJSON_IsObject(ours), theirs_is_deal = cJSON_IsObject(theirs);
    if (ours_is_deal && theirs_is_deal)
        merged = merge_objects(ctx, cJSON_IsObject(base) ? base : NULL, ours, theirs, NULL, 0);
    else if (ours_is_deal != theirs_is_deal && !values_equal(base, ours, 0) &&
             !values_equal(base, theirs, 0))
        /* Both changed and only one is an object: keep the object, which can carry the
         * other version in its log, whatever the commit times say. */
        merged = resolve_conflict(ctx, ours, theirs, NULL,
                                  ours_is_deal ? PICK_OURS : PICK_THEIRS);
    else /* a non-object root is one scalar value */
        merged = merge_value(ctx, base, ours, theirs, NULL, 0, AS_VALUE);
    if (!ctx->failed)
        record_pending_conflicts(ctx, merged);
    cJSON_Delete(ctx->pending);
    ctx->pending = NULL;
    if (ctx->failed) {
        cJSON_Delete(merged);
        return NULL;
    }
    return merged;
}

static side_info side_of(const json_merge_side *side)
{
    return side ? (side_info){ side->author, side->time } : (side_info){ NULL, 0 };
}

int json_merge3(const cJSON *base, const cJSON *ours, const cJSON *theirs,
                const json_merge_side *ours_side, const json_merge_side *theirs_side,
                json_merge_record record, cJSON **result, json_merge_stats *stats)
{
    json_merge_stats ignored;
    if (!stats)
        stats = &ignored;
    *stats = (json_merge_stats){ 0, JSON_MERGE_KEPT };
    if (!result) {
        errno = EINVAL;
        return -1;
    }
    *result = NULL;
    merge_ctx ctx = { side_of(ours_side), side_of(theirs_side), record, NULL, 0, false };
    if (ours && theirs) {
        *result = merge_root(&ctx, base, ours, theirs);
    } else {
        /* Deleted on one side: an edit on the other side beats the deletion. */
        const cJSON *kept = ours ? ours : theirs;
        if (kept && !(base && values_equal(base, kept, 0)))
            *result = dup_value(&ctx, kept);
    }
    if (ctx.failed) {
        errno = ENOMEM;
        return -1;
    }
    stats->conflicts = ctx.conflicts;
    stats->outcome = *result ? JSON_MERGE_KEPT : JSON_MERGE_DELETED;
    return 0;
}
