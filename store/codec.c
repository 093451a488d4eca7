#include "codec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/deal_fields.h"
#include "../pipeline/exit.h"
#include "../pipeline/people.h"
#include "../pipeline/text.h"
#include "../pipeline/touches.h"
#include "json_print.h"

/* A log entry's keys, in the order they are written; "dir" (touches only)
 * is written only when said, so older files read and write back unchanged. */
enum { LOG_ID, LOG_AT, LOG_BY, LOG_KIND, LOG_DIR, LOG_TEXT, LOG_KEYS };
static const char *const log_keys[] = {"id", "at", "by", "kind", "dir", "text", NULL};
static const char *const plan_keys[] = {"id", "owner", "text", "due", "done", "evidence", NULL};
static const char *const evidence_keys[] = {"id", "stage", "date", "seen", NULL};
static const char *const reference_keys[] = {"ready", "asks", NULL};
static const char *const ask_keys[] = {"id", "at", "for", NULL};
static const char *const people_keys[] = {"id", "name", "role", "stance", "last_contact", NULL};

#define MAX_DEAL_BYTES (16u << 20)

/* ---- reading ---------------------------------------------------------- */

typedef struct {
    const char *file;
    db_err *err;
} ctx;

static int bad(ctx *c, const char *field, const char *why)
{
    return db_fail(c->err, DB_EUSAGE, "%s: field '%s': %s", c->file, field, why);
}

static bool is_absent(const cJSON *item) { return !item || cJSON_IsNull(item); }

static int read_string(ctx *c, const cJSON *obj, const char *key, const char *label,
                       bool required, char **out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (is_absent(item)) {
        if (required)
            return bad(c, label, "missing");
        *out = NULL;
        return 0;
    }
    if (!cJSON_IsString(item))
        return bad(c, label, "expected a string");
    if (!text_valid_utf8(item->valuestring, strlen(item->valuestring)))
        return bad(c, label, "not valid UTF-8");
    if (required && !*item->valuestring)
        return bad(c, label, "must not be empty");
    *out = xstrdup(item->valuestring);
    return 0;
}

static int read_date(ctx *c, const cJSON *obj, const char *key, const char *label, db_day *out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = DAY_NONE;
    if (is_absent(item) || (cJSON_IsString(item) && !*item->valuestring))
        return 0;
    if (!cJSON_IsString(item) || !date_parse(item->valuestring, out))
        return bad(c, label, "expected a date YYYY-MM-DD");
    return 0;
}

/* JSON numbers are doubles in cJSON: only whole numbers up to 2^53 - 1 are
 * exact, so anything larger is refused rather than silently rounded. */
static int read_integer(ctx *c, const cJSON *obj, const char *key, int64_t max, int64_t *out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    char why[96];
    *out = 0;
    if (is_absent(item))
        return 0;
    if (!cJSON_IsNumber(item))
        return bad(c, key, "expected a whole number");
    if (!isfinite(item->valuedouble) || item->valuedouble < 0 ||
        item->valuedouble > (double)max) {
        snprintf(why, sizeof why, "out of range: a whole number from 0 to %lld is expected",
                 (long long)max);
        return bad(c, key, why);
    }
    if (item->valuedouble != floor(item->valuedouble))
        return bad(c, key, "expected a whole number, not a fraction");
    *out = (int64_t)item->valuedouble;
    return 0;
}

static int read_object(ctx *c, const cJSON *obj, const char *key, const cJSON **out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (is_absent(item))
        return 0;
    if (!cJSON_IsObject(item))
        return bad(c, key, "expected an object or null");
    *out = item;
    return 0;
}

static int read_tags(ctx *c, const cJSON *root, deal *d)
{
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(root, deal_fields[DF_TAGS].key);
    if (is_absent(tags))
        return 0;
    if (!cJSON_IsArray(tags))
        return bad(c, "tags", "expected an array of strings");
    const cJSON *tag;
    cJSON_ArrayForEach(tag, tags) {
        if (!cJSON_IsString(tag))
            return bad(c, "tags", "expected an array of strings");
        deal_add_tag(d, tag->valuestring);
    }
    return 0;
}

static int read_log(ctx *c, const cJSON *root, deal *d)
{
    const cJSON *log = cJSON_GetObjectItemCaseSensitive(root, deal_fields[DF_LOG].key);
    if (is_absent(log))
        return 0;
    if (!cJSON_IsArray(log))
        return bad(c, "log", "expected an array of entries");
    const cJSON *item;
    cJSON_ArrayForEach(item, log) {
        if (!cJSON_IsObject(item))
            return bad(c, "log", "every entry must be an object");
        char *f[LOG_KEYS] = {0};
        int rc = 0;
        for (int i = 0; log_keys[i] && !rc; i++) {
            char label[32];
            snprintf(label, sizeof label, "log.%s", log_keys[i]);
            rc = read_string(c, item, log_keys[i], label, false, &f[i]);
        }
        if (!rc && f[LOG_DIR] && !touch_dir_valid(f[LOG_DIR]))
            rc = bad(c, "log.dir", "expected \"in\" (the buyer reached us) or \"out\"");
        if (!rc) {
            log_entry *e = deal_add_log(d, f[LOG_ID] ? f[LOG_ID] : "", f[LOG_AT] ? f[LOG_AT] : "",
                                        f[LOG_BY] ? f[LOG_BY] : "",
                                        f[LOG_KIND] ? f[LOG_KIND] : "note",
                                        f[LOG_TEXT] ? f[LOG_TEXT] : "");
            e->dir = f[LOG_DIR];
            f[LOG_DIR] = NULL;
        }
        for (int i = 0; i < LOG_KEYS; i++)
            free(f[i]);
        if (rc)
            return rc;
    }
    return 0;
}

static int read_plan_step(ctx *c, const cJSON *item, deal *d)
{
    char *id = NULL, *owner = NULL, *text = NULL, *evidence = NULL;
    db_day due = DAY_NONE, done = DAY_NONE;
    plan_owner who = PLAN_BUYER;
    int rc = read_string(c, item, "id", "plan.id", true, &id);
    if (!rc)
        rc = read_string(c, item, "owner", "plan.owner", true, &owner);
    if (!rc && !plan_owner_parse(owner, &who))
        rc = bad(c, "plan.owner", "expected buyer or us");
    if (!rc)
        rc = read_string(c, item, "text", "plan.text", false, &text);
    if (!rc)
        rc = read_date(c, item, "due", "plan.due", &due);
    if (!rc)
        rc = read_date(c, item, "done", "plan.done", &done);
    if (!rc)
        rc = read_string(c, item, "evidence", "plan.evidence", false, &evidence);
    if (!rc)
        deal_add_plan_step(d, id, who, text, due, done, evidence && *evidence ? evidence : NULL);
    free(id);
    free(owner);
    free(text);
    free(evidence);
    return rc;
}

static int read_plan(ctx *c, const cJSON *root, deal *d)
{
    const cJSON *plan = cJSON_GetObjectItemCaseSensitive(root, deal_fields[DF_PLAN].key);
    if (is_absent(plan))
        return 0;
    if (!cJSON_IsArray(plan))
        return bad(c, "plan", "expected an array of steps");
    const cJSON *item;
    int rc = 0;
    cJSON_ArrayForEach(item, plan) {
        if (!cJSON_IsObject(item))
            return bad(c, "plan", "every step must be an object");
        if ((rc = read_plan_step(c, item, d)))
            return rc;
    }
    return 0;
}

static int read_exit_record(ctx *c, const cJSON *item, deal *d)
{
    char *id = NULL, *stage = NULL;
    db_day date = DAY_NONE;
    int rc = read_string(c, item, "id", "evidence.id", true, &id);
    if (!rc)
        rc = read_string(c, item, "stage", "evidence.stage", true, &stage);
    if (!rc)
        rc = read_date(c, item, "date", "evidence.date", &date);
    const cJSON *seen = cJSON_GetObjectItemCaseSensitive(item, "seen"), *s;
    if (!rc && !is_absent(seen) && !cJSON_IsArray(seen))
        rc = bad(c, "evidence.seen", "expected an array of strings");
    if (rc)
        seen = NULL;
    cJSON_ArrayForEach(s, seen) {
        if (!cJSON_IsString(s)) {
            rc = bad(c, "evidence.seen", "expected an array of strings");
            break;
        }
    }
    if (!rc) {
        exit_record *r = deal_add_exit_record(d, id, stage, date);
        if (!cJSON_IsArray(seen))
            seen = NULL;
        cJSON_ArrayForEach(s, seen)
            exit_record_add_seen(r, s->valuestring);
    }
    free(id);
    free(stage);
    return rc;
}

static int read_evidence(ctx *c, const cJSON *root, deal *d)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, deal_fields[DF_EVIDENCE].key);
    if (is_absent(list))
        return 0;
    if (!cJSON_IsArray(list))
        return bad(c, "evidence", "expected an array of records");
    const cJSON *item;
    int rc = 0;
    cJSON_ArrayForEach(item, list) {
        if (!cJSON_IsObject(item))
            return bad(c, "evidence", "every record must be an object");
        if ((rc = read_exit_record(c, item, d)))
            return rc;
    }
    return 0;
}

static int read_ask(ctx *c, const cJSON *item, deal *d)
{
    char *id = NULL, *for_deal = NULL;
    db_day at = DAY_NONE;
    int rc = read_string(c, item, "id", "reference.asks.id", true, &id);
    if (!rc)
        rc = read_date(c, item, "at", "reference.asks.at", &at);
    if (!rc)
        rc = read_string(c, item, "for", "reference.asks.for", true, &for_deal);
    if (!rc)
        deal_add_reference_ask(d, id, at, for_deal);
    free(id);
    free(for_deal);
    return rc;
}

static int read_reference(ctx *c, const cJSON *root, deal *d)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(root, deal_fields[DF_REFERENCE].key);
    if (is_absent(ref))
        return 0;
    if (!cJSON_IsObject(ref))
        return bad(c, "reference", "expected an object {ready, asks}");
    const cJSON *ready = cJSON_GetObjectItemCaseSensitive(ref, "ready");
    if (!is_absent(ready) && !cJSON_IsBool(ready))
        return bad(c, "reference.ready", "expected true or false");
    d->reference.present = true;
    d->reference.ready = cJSON_IsTrue(ready);
    const cJSON *asks = cJSON_GetObjectItemCaseSensitive(ref, "asks"), *item;
    if (!is_absent(asks) && !cJSON_IsArray(asks))
        return bad(c, "reference.asks", "expected an array of asks");
    if (!cJSON_IsArray(asks))
        return 0;
    int rc;
    cJSON_ArrayForEach(item, asks) {
        if (!cJSON_IsObject(item))
            return bad(c, "reference.asks", "every ask must be an object");
        if ((rc = read_ask(c, item, d)))
            return rc;
    }
    return 0;
}

static int read_person(ctx *c, const cJSON *item, deal *d)
{
    char *id = NULL, *name = NULL, *role = NULL, *stance = NULL;
    db_day contact = DAY_NONE;
    int rc = read_string(c, item, "id", "people.id", true, &id);
    if (!rc)
        rc = read_string(c, item, "name", "people.name", false, &name);
    if (!rc)
        rc = read_string(c, item, "role", "people.role", false, &role);
    if (!rc)
        rc = read_string(c, item, "stance", "people.stance", false, &stance);
    if (!rc)
        rc = read_date(c, item, "last_contact", "people.last_contact", &contact);
    if (!rc)
        deal_add_person(d, id, name, role, stance, contact);
    free(id);
    free(name);
    free(role);
    free(stance);
    return rc;
}

static int read_people(ctx *c, const cJSON *root, deal *d)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, deal_fields[DF_PEOPLE].key);
    if (is_absent(list))
        return 0;
    if (!cJSON_IsArray(list))
        return bad(c, "people", "expected an array of people");
    const cJSON *item;
    int rc = 0;
    cJSON_ArrayForEach(item, list) {
        if (!cJSON_IsObject(item))
            return bad(c, "people", "every person must be an object");
        if ((rc = read_person(c, item, d)))
            return rc;
    }
    return 0;
}

static int read_status(ctx *c, const cJSON *obj, const char *key, deal_status *out)
{
    char *status = NULL;
    int rc = read_string(c, obj, key, key, false, &status);
    if (rc)
        return rc;
    *out = STATUS_OPEN;
    if (status && !deal_status_parse(status, out))
        rc = bad(c, key, "expected open, won, lost or moved-on");
    free(status);
    return rc;
}

/* Whole numbers the file may hold, by kind. */
static int64_t kind_max(field_kind kind) { return kind == FK_MONEY ? DEAL_VALUE_MAX : 1000000; }

/* One field from obj (the file's object or its group's). */
static int read_field(ctx *c, const cJSON *obj, deal_field f, deal *d)
{
    const deal_field_def *def = &deal_fields[f];
    const char *group = deal_group_key(def->group);
    char label[64];
    snprintf(label, sizeof label, "%s%s%s", group ? group : "", group ? "." : "", def->key);
    int64_t n = 0;
    int rc = 0;
    switch (def->kind) {
    case FK_TEXT:
        return read_string(c, obj, def->key, label, def->need == NEED_REQUIRED,
                           deal_field_text(d, f));
    case FK_DATE: return read_date(c, obj, def->key, label, deal_field_day(d, f));
    case FK_MONEY: return read_integer(c, obj, def->key, kind_max(def->kind), deal_field_money(d, f));
    case FK_COUNT:
        rc = read_integer(c, obj, def->key, kind_max(def->kind), &n);
        *deal_field_count(d, f) = (int)n;
        return rc;
    case FK_STATUS: return read_status(c, obj, def->key, deal_field_status(d, f));
    case FK_TAGS: return read_tags(c, obj, d);
    case FK_LOG: return read_log(c, obj, d);
    case FK_PLAN: return read_plan(c, obj, d);
    case FK_EVIDENCE: return read_evidence(c, obj, d);
    case FK_REFERENCE: return read_reference(c, obj, d);
    case FK_PEOPLE: return read_people(c, obj, d);
    default: return 0;
    }
}

/* Every field of the table, in its order; a group's object is looked up
 * with its first field (absent or null: its fields stay unset). */
static int read_fields(ctx *c, const cJSON *root, deal *d)
{
    const cJSON *objects[DG_COUNT] = {root};
    bool looked_up[DG_COUNT] = {true};
    int rc = 0;
    for (int f = 0; f < DF_COUNT && !rc; f++) {
        deal_group g = deal_fields[f].group;
        if (!looked_up[g]) {
            looked_up[g] = true;
            rc = read_object(c, root, deal_group_key(g), &objects[g]);
            if (!rc && objects[g])
                deal_group_mark_present(d, g);
        }
        if (!rc && objects[g])
            rc = read_field(c, objects[g], (deal_field)f, d);
    }
    if (!rc && !text_valid_id(d->id))
        rc = bad(c, "id", "only a-z, 0-9 and '-' are allowed, not starting with '-'");
    return rc;
}

/* Whether key is one the table knows in the group's object (the file's own
 * object: its fields and its groups). */
static bool known_key(deal_group g, const char *key)
{
    for (int f = 0; f < DF_COUNT; f++)
        if (deal_fields[f].group == g && strcmp(deal_fields[f].key, key) == 0)
            return true;
    for (int k = DG_TOP + 1; g == DG_TOP && k < DG_COUNT; k++)
        if (strcmp(deal_group_key((deal_group)k), key) == 0)
            return true;
    return false;
}

static bool group_has_unknown(const cJSON *obj, deal_group g)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, obj) {
        if (!known_key(g, item->string))
            return true;
    }
    return false;
}

/* True when obj has a key outside `known` (so the raw JSON must be kept). */
static bool has_unknown_keys(const cJSON *obj, const char *const *known)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, obj) {
        bool found = false;
        for (int i = 0; known[i] && !found; i++)
            found = strcmp(item->string, known[i]) == 0;
        if (!found)
            return true;
    }
    return false;
}

static bool deal_json_has_unknown(const cJSON *root)
{
    if (group_has_unknown(root, DG_TOP))
        return true;
    for (int g = DG_TOP + 1; g < DG_COUNT; g++) {
        const cJSON *obj = cJSON_GetObjectItemCaseSensitive(root, deal_group_key((deal_group)g));
        if (cJSON_IsObject(obj) && group_has_unknown(obj, (deal_group)g))
            return true;
    }
    const cJSON *entry, *log = cJSON_GetObjectItemCaseSensitive(root, deal_fields[DF_LOG].key);
    cJSON_ArrayForEach(entry, log) {
        if (has_unknown_keys(entry, log_keys))
            return true;
    }
    const cJSON *plan = cJSON_GetObjectItemCaseSensitive(root, deal_fields[DF_PLAN].key);
    cJSON_ArrayForEach(entry, plan) {
        if (has_unknown_keys(entry, plan_keys))
            return true;
    }
    const cJSON *evidence = cJSON_GetObjectItemCaseSensitive(root, deal_fields[DF_EVIDENCE].key);
    cJSON_ArrayForEach(entry, evidence) {
        if (has_unknown_keys(entry, evidence_keys))
            return true;
    }
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(root, deal_fields[DF_REFERENCE].key);
    if (cJSON_IsObject(ref) && has_unknown_keys(ref, reference_keys))
        return true;
    const cJSON *asks = cJSON_IsObject(ref) ? cJSON_GetObjectItemCaseSensitive(ref, "asks") : NULL;
    cJSON_ArrayForEach(entry, asks) {
        if (has_unknown_keys(entry, ask_keys))
            return true;
    }
    const cJSON *people = cJSON_GetObjectItemCaseSensitive(root, deal_fields[DF_PEOPLE].key);
    cJSON_ArrayForEach(entry, people) {
        if (has_unknown_keys(entry, people_keys))
            return true;
    }
    return false;
}

static void free_cjson(void *p) { cJSON_Delete(p); }

/* What cJSON cannot represent faithfully: nesting deeper than its limit (it
 * would fail without saying why) and \u0000 in a string (it would silently cut
 * the string there). Returns why, or NULL. */
static const char *unrepresentable(const char *text, size_t len)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (in_string) {
            if (ch == '\\' && len - i >= 6 && memcmp(text + i + 1, "u0000", 5) == 0)
                return "a string contains \\u0000 (a NUL character), which dealboard cannot store";
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_string = false;
        } else if (ch == '"') {
            in_string = true;
        } else if (ch == '[' || ch == '{') {
            if (++depth > CJSON_NESTING_LIMIT)
                return "JSON nested deeper than 1000 levels";
        } else if (ch == ']' || ch == '}') {
            depth--;
        }
    }
    return NULL;
}

cJSON *codec_parse_json(const char *text, size_t len, const char *file, db_err *err)
{
    if (len > MAX_DEAL_BYTES) {
        db_fail(err, DB_EUSAGE, "%s: file is larger than %u MB", file, MAX_DEAL_BYTES >> 20);
        return NULL;
    }
    if (memchr(text, '\0', len)) {
        db_fail(err, DB_EUSAGE, "%s: contains a NUL byte, not JSON text", file);
        return NULL;
    }
    const char *why = unrepresentable(text, len);
    if (why) {
        db_fail(err, DB_EUSAGE, "%s: %s", file, why);
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
    /* One value and nothing after it but white space (a second object or a
     * left-over conflict marker must not be dropped silently on rewrite). */
    while (root && end && end < text + len && strchr(" \t\r\n", *end))
        end++;
    bool trailing = root && end && end < text + len;
    if (trailing) {
        cJSON_Delete(root);
        root = NULL;
    }
    if (!root) {
        size_t at = end && end >= text ? (size_t)(end - text) : 0;
        size_t line = 1;
        for (size_t i = 0; i < at && i < len; i++)
            line += text[i] == '\n';
        db_fail(err, DB_EUSAGE, "%s: line %zu: malformed JSON%s", file, line,
                trailing ? " (text after the end of the object)"
                : at >= len ? " (unexpected end)" : "");
        return NULL;
    }
    return root;
}

int codec_deal_from_cjson(cJSON *root, const char *file, deal *out, db_err *err)
{
    ctx c = {file, err};
    deal_init(out);
    if (!cJSON_IsObject(root))
        return db_fail(err, DB_EUSAGE, "%s: expected a JSON object", file);
    int rc = read_fields(&c, root, out);
    if (rc) {
        deal_free(out);
        return rc;
    }
    return 0;
}

int codec_parse_deal(const char *text, size_t len, const char *file, deal *out, db_err *err)
{
    deal_init(out);
    cJSON *root = codec_parse_json(text, len, file, err);
    if (!root)
        return DB_EUSAGE;
    int rc = codec_deal_from_cjson(root, file, out, err);
    if (rc || !deal_json_has_unknown(root)) {
        cJSON_Delete(root);
        return rc;
    }
    out->raw = root;
    out->raw_free = free_cjson;
    return 0;
}

/* ---- writing ---------------------------------------------------------- */

static void add_string(cJSON *obj, const char *key, const char *value)
{
    cJSON_AddItemToObject(obj, key, cJSON_CreateString(value ? value : ""));
}

static void add_date(cJSON *obj, const char *key, db_day day)
{
    char buf[DATE_LEN];
    if (day == DAY_NONE) {
        cJSON_AddItemToObject(obj, key, cJSON_CreateNull());
        return;
    }
    date_format(day, buf);
    cJSON_AddItemToObject(obj, key, cJSON_CreateString(buf));
}

/* Appends raw's keys the table does not know in group g (log entries: that
 * `log_keys` does not list), in raw's order. */
static void add_unknown(cJSON *obj, const cJSON *raw, deal_group g, const char *const *known)
{
    const cJSON *item;
    if (!cJSON_IsObject(raw))
        return;
    cJSON_ArrayForEach(item, raw) {
        bool found = false;
        for (int i = 0; known && known[i] && !found; i++)
            found = strcmp(item->string, known[i]) == 0;
        if (!known)
            found = known_key(g, item->string);
        if (!found && !cJSON_GetObjectItemCaseSensitive(obj, item->string))
            cJSON_AddItemToObject(obj, item->string, cJSON_Duplicate(item, true));
    }
}

static const cJSON *raw_child(const cJSON *raw, const char *key)
{
    return raw ? cJSON_GetObjectItemCaseSensitive(raw, key) : NULL;
}

/* The raw entry with this id: usually at the cursor, since lists mostly
 * keep their order (a log only grows). */
static const cJSON *raw_entry(const cJSON *raw_list, const cJSON **cursor, const char *id)
{
    if (*cursor) {
        const cJSON *rid = cJSON_GetObjectItemCaseSensitive(*cursor, "id");
        const cJSON *hit = *cursor;
        *cursor = (*cursor)->next;
        if (cJSON_IsString(rid) && str_eq(rid->valuestring, id))
            return hit;
    }
    const cJSON *entry;
    cJSON_ArrayForEach(entry, raw_list) {
        const cJSON *rid = cJSON_GetObjectItemCaseSensitive(entry, "id");
        if (cJSON_IsString(rid) && str_eq(rid->valuestring, id))
            return entry;
    }
    return NULL;
}

static const char *log_entry_to_cjson(cJSON *obj, const void *item)
{
    const log_entry *e = item;
    add_string(obj, "id", e->id);
    add_string(obj, "at", e->at);
    add_string(obj, "by", e->by);
    add_string(obj, "kind", e->kind);
    if (e->dir)
        add_string(obj, "dir", e->dir);
    add_string(obj, "text", e->text);
    return e->id;
}

static const char *plan_step_to_cjson(cJSON *obj, const void *item)
{
    const plan_entry *p = item;
    add_string(obj, "id", p->id);
    add_string(obj, "owner", plan_owner_name(p->owner));
    add_string(obj, "text", p->text);
    add_date(obj, "due", p->due);
    add_date(obj, "done", p->done);
    add_string(obj, "evidence", p->evidence);
    return p->id;
}

static const char *exit_record_to_cjson(cJSON *obj, const void *item)
{
    const exit_record *r = item;
    add_string(obj, "id", r->id);
    add_string(obj, "stage", r->stage);
    add_date(obj, "date", r->date);
    cJSON *seen = cJSON_AddArrayToObject(obj, "seen");
    for (size_t i = 0; i < r->nseen; i++)
        cJSON_AddItemToArray(seen, cJSON_CreateString(r->seen[i]));
    return r->id;
}

/* A list of objects by id ("log", "plan"): each item's members (`members`
 * adds them and returns the id), then the keys a newer version wrote into
 * the raw entry with that id, which this one does not know (`known`). */
static cJSON *objects_to_cjson(const cJSON *raw, int f, const void *items, size_t n,
                               size_t size, const char *(*members)(cJSON *, const void *),
                               const char *const *known)
{
    cJSON *list = cJSON_CreateArray();
    const cJSON *raw_list = raw_child(raw, f >= 0 ? deal_fields[f].key : "asks");
    const cJSON *cursor = cJSON_IsArray(raw_list) ? raw_list->child : NULL;
    for (size_t i = 0; i < n; i++) {
        cJSON *obj = cJSON_CreateObject();
        const char *id = members(obj, (const char *)items + i * size);
        if (raw_list)
            add_unknown(obj, raw_entry(raw_list, &cursor, id), DG_TOP, known);
        cJSON_AddItemToArray(list, obj);
    }
    return list;
}

static cJSON *log_to_cjson(const deal *d, const cJSON *raw)
{
    return objects_to_cjson(raw, DF_LOG, d->log, d->nlog, sizeof *d->log, log_entry_to_cjson,
                            log_keys);
}

static cJSON *plan_to_cjson(const deal *d, const cJSON *raw)
{
    return objects_to_cjson(raw, DF_PLAN, d->plan, d->nplan, sizeof *d->plan,
                            plan_step_to_cjson, plan_keys);
}

static const char *person_to_cjson(cJSON *obj, const void *item)
{
    const person *p = item;
    add_string(obj, "id", p->id);
    add_string(obj, "name", p->name);
    add_string(obj, "role", p->role);
    add_string(obj, "stance", p->stance);
    add_date(obj, "last_contact", p->last_contact);
    return p->id;
}

static cJSON *people_to_cjson(const deal *d, const cJSON *raw)
{
    return objects_to_cjson(raw, DF_PEOPLE, d->people, d->npeople, sizeof *d->people,
                            person_to_cjson, people_keys);
}

static cJSON *evidence_to_cjson(const deal *d, const cJSON *raw)
{
    return objects_to_cjson(raw, DF_EVIDENCE, d->evidence, d->nevidence, sizeof *d->evidence,
                            exit_record_to_cjson, evidence_keys);
}

static const char *ask_to_cjson(cJSON *obj, const void *item)
{
    const reference_ask *a = item;
    add_string(obj, "id", a->id);
    add_date(obj, "at", a->at);
    add_string(obj, "for", a->for_deal);
    return a->id;
}

/* {ready, asks}, then the keys a newer version wrote into either. */
static cJSON *reference_to_cjson(const deal *d, const cJSON *raw)
{
    const cJSON *raw_ref = raw_child(raw, deal_fields[DF_REFERENCE].key);
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddItemToObject(obj, "ready", cJSON_CreateBool(d->reference.ready));
    cJSON_AddItemToObject(obj, "asks",
                          objects_to_cjson(cJSON_IsObject(raw_ref) ? raw_ref : NULL, -1,
                                           d->reference.asks, d->reference.nasks,
                                           sizeof *d->reference.asks, ask_to_cjson, ask_keys));
    add_unknown(obj, raw_ref, DG_TOP, reference_keys);
    return obj;
}

/* A list a NULLABLE field writes only once it holds something (existing
 * files stay byte-identical). */
static bool list_written(const deal_field_def *def, size_t n)
{
    return n || def->need != NEED_NULLABLE;
}

static void add_field(cJSON *obj, const deal *d, deal_field f, const cJSON *raw)
{
    const deal_field_def *def = &deal_fields[f];
    const char *text;
    switch (def->kind) {
    case FK_TEXT:
        text = deal_field_text_of(d, f);
        if (text || def->need != NEED_NULLABLE)
            add_string(obj, def->key, text);
        break;
    case FK_DATE: add_date(obj, def->key, deal_field_day_of(d, f)); break;
    case FK_MONEY:
        cJSON_AddNumberToObject(obj, def->key, (double)*deal_field_money((deal *)d, f));
        break;
    case FK_COUNT: cJSON_AddNumberToObject(obj, def->key, *deal_field_count((deal *)d, f)); break;
    case FK_STATUS:
        add_string(obj, def->key, deal_status_name(*deal_field_status((deal *)d, f)));
        break;
    case FK_TAGS: {
        cJSON *tags = cJSON_AddArrayToObject(obj, def->key);
        for (size_t i = 0; i < d->ntags; i++)
            cJSON_AddItemToArray(tags, cJSON_CreateString(d->tags[i]));
        break;
    }
    case FK_LOG: cJSON_AddItemToObject(obj, def->key, log_to_cjson(d, raw)); break;
    case FK_PLAN:
        if (list_written(def, d->nplan))
            cJSON_AddItemToObject(obj, def->key, plan_to_cjson(d, raw));
        break;
    case FK_EVIDENCE:
        if (list_written(def, d->nevidence))
            cJSON_AddItemToObject(obj, def->key, evidence_to_cjson(d, raw));
        break;
    case FK_REFERENCE:
        if (d->reference.present)
            cJSON_AddItemToObject(obj, def->key, reference_to_cjson(d, raw));
        break;
    case FK_PEOPLE:
        if (list_written(def, d->npeople))
            cJSON_AddItemToObject(obj, def->key, people_to_cjson(d, raw));
        break;
    default: break;
    }
}

/* A group's object (its fields, then raw's keys the table does not know), or null. */
static void add_group(cJSON *root, const deal *d, deal_group g, const cJSON *raw)
{
    const char *key = deal_group_key(g);
    if (!deal_group_present(d, g)) {
        cJSON_AddNullToObject(root, key);
        return;
    }
    cJSON *obj = cJSON_AddObjectToObject(root, key);
    for (int f = 0; f < DF_COUNT; f++)
        if (deal_fields[f].group == g)
            add_field(obj, d, (deal_field)f, raw);
    add_unknown(obj, raw_child(raw, key), g, NULL);
}

cJSON *codec_deal_to_cjson(const deal *d)
{
    const cJSON *raw = d->raw;
    cJSON *root = cJSON_CreateObject();
    bool written[DG_COUNT] = {false};
    for (int f = 0; f < DF_COUNT; f++) {
        deal_group g = deal_fields[f].group;
        if (g == DG_TOP)
            add_field(root, d, (deal_field)f, raw);
        else if (!written[g])
            add_group(root, d, g, raw);
        written[g] = true;
    }
    add_unknown(root, raw, DG_TOP, NULL);
    return root;
}

/* ---- writing without a cJSON tree (the common case: no unknown keys) ---- */

static void member_string(json_obj *o, const char *key, const char *value)
{
    json_obj_key(o, key);
    json_write_string(o->sb, value ? value : "");
}

static void member_date(json_obj *o, const char *key, db_day day)
{
    char buf[DATE_LEN];
    json_obj_key(o, key);
    if (day == DAY_NONE) {
        sb_add(o->sb, "null", 4);
        return;
    }
    date_format(day, buf);
    json_write_string(o->sb, buf);
}

static void member_int(json_obj *o, const char *key, long long value)
{
    json_obj_key(o, key);
    json_write_int(o->sb, value);
}

/* A list of strings (tags, an exit record's outcomes seen), one a line. */
static void write_strings(json_obj *o, const char *key, char *const *items, size_t n)
{
    json_obj_key(o, key);
    sb_add(o->sb, "[", 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_add(o->sb, ",", 1);
        json_write_indent(o->sb, o->depth + 2);
        json_write_string(o->sb, items[i]);
    }
    if (n)
        json_write_indent(o->sb, o->depth + 1);
    sb_add(o->sb, "]", 1);
}

static void write_tags(json_obj *o, const deal *d)
{
    write_strings(o, deal_fields[DF_TAGS].key, d->tags, d->ntags);
}

/* A list of objects ("log", "plan"): one object a line, each written by
 * `member`; "[]" when empty. */
static void write_object_list(json_obj *o, const char *key, const void *items, size_t n,
                              size_t size, void (*members)(json_obj *, const void *))
{
    json_obj_key(o, key);
    sb_add(o->sb, "[", 1);
    for (size_t i = 0; i < n; i++) {
        json_obj item;
        if (i)
            sb_add(o->sb, ",", 1);
        json_write_indent(o->sb, o->depth + 2);
        json_obj_begin(&item, o->sb, o->depth + 2);
        members(&item, (const char *)items + i * size);
        json_obj_end(&item);
    }
    if (n)
        json_write_indent(o->sb, o->depth + 1);
    sb_add(o->sb, "]", 1);
}

static void log_entry_members(json_obj *entry, const void *item)
{
    const log_entry *e = item;
    member_string(entry, "id", e->id);
    member_string(entry, "at", e->at);
    member_string(entry, "by", e->by);
    member_string(entry, "kind", e->kind);
    if (e->dir)
        member_string(entry, "dir", e->dir);
    member_string(entry, "text", e->text);
}

static void plan_step_members(json_obj *step, const void *item)
{
    const plan_entry *p = item;
    member_string(step, "id", p->id);
    member_string(step, "owner", plan_owner_name(p->owner));
    member_string(step, "text", p->text);
    member_date(step, "due", p->due);
    member_date(step, "done", p->done);
    member_string(step, "evidence", p->evidence);
}

static void exit_record_members(json_obj *rec, const void *item)
{
    const exit_record *r = item;
    member_string(rec, "id", r->id);
    member_string(rec, "stage", r->stage);
    member_date(rec, "date", r->date);
    write_strings(rec, "seen", r->seen, r->nseen);
}

static void person_members(json_obj *p, const void *item)
{
    const person *x = item;
    member_string(p, "id", x->id);
    member_string(p, "name", x->name);
    member_string(p, "role", x->role);
    member_string(p, "stance", x->stance);
    member_date(p, "last_contact", x->last_contact);
}

static void write_people(json_obj *o, const deal *d)
{
    if (list_written(&deal_fields[DF_PEOPLE], d->npeople))
        write_object_list(o, deal_fields[DF_PEOPLE].key, d->people, d->npeople,
                          sizeof *d->people, person_members);
}

static void write_evidence(json_obj *o, const deal *d)
{
    if (list_written(&deal_fields[DF_EVIDENCE], d->nevidence))
        write_object_list(o, deal_fields[DF_EVIDENCE].key, d->evidence, d->nevidence,
                          sizeof *d->evidence, exit_record_members);
}

static void ask_members(json_obj *ask, const void *item)
{
    const reference_ask *a = item;
    member_string(ask, "id", a->id);
    member_date(ask, "at", a->at);
    member_string(ask, "for", a->for_deal);
}

static void write_reference(json_obj *o, const deal *d)
{
    if (!d->reference.present)
        return;
    json_obj ref;
    json_obj_key(o, deal_fields[DF_REFERENCE].key);
    json_obj_begin(&ref, o->sb, o->depth + 1);
    json_obj_key(&ref, "ready");
    sb_puts(ref.sb, d->reference.ready ? "true" : "false");
    write_object_list(&ref, "asks", d->reference.asks, d->reference.nasks,
                      sizeof *d->reference.asks, ask_members);
    json_obj_end(&ref);
}

static void write_log(json_obj *o, const deal *d)
{
    write_object_list(o, deal_fields[DF_LOG].key, d->log, d->nlog, sizeof *d->log,
                      log_entry_members);
}

static void write_plan(json_obj *o, const deal *d)
{
    if (list_written(&deal_fields[DF_PLAN], d->nplan))
        write_object_list(o, deal_fields[DF_PLAN].key, d->plan, d->nplan, sizeof *d->plan,
                          plan_step_members);
}

static void write_field(json_obj *o, const deal *d, deal_field f)
{
    const deal_field_def *def = &deal_fields[f];
    const char *text;
    switch (def->kind) {
    case FK_TEXT:
        text = deal_field_text_of(d, f);
        if (text || def->need != NEED_NULLABLE)
            member_string(o, def->key, text);
        break;
    case FK_DATE: member_date(o, def->key, deal_field_day_of(d, f)); break;
    case FK_MONEY: member_int(o, def->key, (long long)*deal_field_money((deal *)d, f)); break;
    case FK_COUNT: member_int(o, def->key, *deal_field_count((deal *)d, f)); break;
    case FK_STATUS:
        member_string(o, def->key, deal_status_name(*deal_field_status((deal *)d, f)));
        break;
    case FK_TAGS: write_tags(o, d); break;
    case FK_LOG: write_log(o, d); break;
    case FK_PLAN: write_plan(o, d); break;
    case FK_EVIDENCE: write_evidence(o, d); break;
    case FK_REFERENCE: write_reference(o, d); break;
    case FK_PEOPLE: write_people(o, d); break;
    default: break;
    }
}

static void write_group(json_obj *o, const deal *d, deal_group g)
{
    json_obj_key(o, deal_group_key(g));
    if (!deal_group_present(d, g)) {
        sb_add(o->sb, "null", 4);
        return;
    }
    json_obj inner;
    json_obj_begin(&inner, o->sb, o->depth + 1);
    for (int f = 0; f < DF_COUNT; f++)
        if (deal_fields[f].group == g)
            write_field(&inner, d, (deal_field)f);
    json_obj_end(&inner);
}

void codec_write_members(json_obj *o, const deal *d)
{
    if (d->raw) {                        /* unknown keys: go through the tree */
        cJSON *root = codec_deal_to_cjson(d), *item;
        cJSON_ArrayForEach(item, root) {
            json_obj_key(o, item->string);
            json_write_value(o->sb, item, o->depth + 1);
        }
        cJSON_Delete(root);
        return;
    }
    bool written[DG_COUNT] = {false};
    for (int f = 0; f < DF_COUNT; f++) {
        deal_group g = deal_fields[f].group;
        if (g == DG_TOP)
            write_field(o, d, (deal_field)f);
        else if (!written[g])
            write_group(o, d, g);
        written[g] = true;
    }
}

char *codec_format_deal(const deal *d)
{
    strbuf sb = {0};
    json_obj o;
    json_obj_begin(&o, &sb, 0);
    codec_write_members(&o, d);
    json_obj_end(&o);
    sb_add(&sb, "\n", 1);
    return sb.data;
}

char *codec_format_deal_tree(const deal *d)
{
    cJSON *root = codec_deal_to_cjson(d);
    char *text = json_print_canonical(root);
    cJSON_Delete(root);
    return text;
}
