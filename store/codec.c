#include "codec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/text.h"
#include "json_print.h"

static const char *const deal_keys[] = {
    "id", "title", "account", "owner", "stage", "status", "value", "currency",
    "created", "stage_entered", "last_touch", "close_date", "close_date_pushes",
    "next_step", "status_quo", "insight", "persona", "champion", "tags", "snooze",
    "moved_on", "log", NULL};
static const char *const next_step_keys[] = {"text", "due", NULL};
static const char *const snooze_keys[] = {"until", "reason", NULL};
static const char *const moved_on_keys[] = {"reason", "revisit", NULL};
static const char *const log_keys[] = {"id", "at", "by", "kind", "text", NULL};

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

static int read_integer(ctx *c, const cJSON *obj, const char *key, int64_t max, int64_t *out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = 0;
    if (is_absent(item))
        return 0;
    if (!cJSON_IsNumber(item) || item->valuedouble != floor(item->valuedouble))
        return bad(c, key, "expected a whole number");
    if (item->valuedouble < 0 || item->valuedouble > (double)max)
        return bad(c, key, "out of range");
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
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(root, "tags");
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
    const cJSON *log = cJSON_GetObjectItemCaseSensitive(root, "log");
    if (is_absent(log))
        return 0;
    if (!cJSON_IsArray(log))
        return bad(c, "log", "expected an array of entries");
    const cJSON *item;
    cJSON_ArrayForEach(item, log) {
        if (!cJSON_IsObject(item))
            return bad(c, "log", "every entry must be an object");
        char *f[5] = {0};
        int rc = 0;
        for (int i = 0; log_keys[i] && !rc; i++) {
            char label[32];
            snprintf(label, sizeof label, "log.%s", log_keys[i]);
            rc = read_string(c, item, log_keys[i], label, false, &f[i]);
        }
        if (!rc)
            deal_add_log(d, f[0] ? f[0] : "", f[1] ? f[1] : "", f[2] ? f[2] : "",
                         f[3] ? f[3] : "note", f[4] ? f[4] : "");
        for (int i = 0; i < 5; i++)
            free(f[i]);
        if (rc)
            return rc;
    }
    return 0;
}

static int read_status(ctx *c, const cJSON *root, deal *d)
{
    char *status = NULL;
    int rc = read_string(c, root, "status", "status", false, &status);
    if (rc)
        return rc;
    d->status = STATUS_OPEN;
    if (status && !deal_status_parse(status, &d->status))
        rc = bad(c, "status", "expected open, won, lost or moved-on");
    free(status);
    return rc;
}

static int read_nested(ctx *c, const cJSON *root, deal *d)
{
    const cJSON *next, *snooze, *moved;
    int rc = read_object(c, root, "next_step", &next);
    if (!rc && next) {
        rc = read_string(c, next, "text", "next_step.text", false, &d->next_text);
        if (!rc)
            rc = read_date(c, next, "due", "next_step.due", &d->next_due);
    }
    if (!rc)
        rc = read_object(c, root, "snooze", &snooze);
    if (!rc && snooze) {
        rc = read_date(c, snooze, "until", "snooze.until", &d->snooze_until);
        if (!rc)
            rc = read_string(c, snooze, "reason", "snooze.reason", false, &d->snooze_reason);
    }
    if (!rc)
        rc = read_object(c, root, "moved_on", &moved);
    if (!rc && moved) {
        d->moved_on = true;
        rc = read_string(c, moved, "reason", "moved_on.reason", false, &d->moved_on_reason);
        if (!rc)
            rc = read_date(c, moved, "revisit", "moved_on.revisit", &d->revisit);
    }
    return rc;
}

static int read_fields(ctx *c, const cJSON *root, deal *d)
{
    int64_t pushes = 0;
    int rc = 0;
    struct { const char *key; bool required; char **out; } strings[] = {
        {"id", true, &d->id}, {"title", true, &d->title}, {"account", false, &d->account},
        {"owner", false, &d->owner}, {"stage", true, &d->stage}, {"currency", false, &d->currency},
        {"status_quo", false, &d->status_quo}, {"insight", false, &d->insight},
        {"persona", false, &d->persona}, {"champion", false, &d->champion}};
    struct { const char *key; db_day *out; } dates[] = {
        {"created", &d->created}, {"stage_entered", &d->stage_entered},
        {"last_touch", &d->last_touch}, {"close_date", &d->close_date}};
    for (size_t i = 0; i < sizeof strings / sizeof *strings && !rc; i++)
        rc = read_string(c, root, strings[i].key, strings[i].key, strings[i].required, strings[i].out);
    for (size_t i = 0; i < sizeof dates / sizeof *dates && !rc; i++)
        rc = read_date(c, root, dates[i].key, dates[i].key, dates[i].out);
    if (!rc && !text_valid_id(d->id))
        rc = bad(c, "id", "only a-z, 0-9 and '-' are allowed, not starting with '-'");
    if (!rc)
        rc = read_status(c, root, d);
    if (!rc)
        rc = read_integer(c, root, "value", DEAL_VALUE_MAX, &d->value);
    if (!rc)
        rc = read_integer(c, root, "close_date_pushes", 1000000, &pushes);
    d->close_date_pushes = (int)pushes;
    if (!rc)
        rc = read_nested(c, root, d);
    if (!rc)
        rc = read_tags(c, root, d);
    if (!rc)
        rc = read_log(c, root, d);
    return rc;
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
    if (has_unknown_keys(root, deal_keys))
        return true;
    struct { const char *key; const char *const *known; } nested[] = {
        {"next_step", next_step_keys}, {"snooze", snooze_keys}, {"moved_on", moved_on_keys}};
    for (size_t i = 0; i < 3; i++) {
        const cJSON *obj = cJSON_GetObjectItemCaseSensitive(root, nested[i].key);
        if (cJSON_IsObject(obj) && has_unknown_keys(obj, nested[i].known))
            return true;
    }
    const cJSON *entry, *log = cJSON_GetObjectItemCaseSensitive(root, "log");
    cJSON_ArrayForEach(entry, log) {
        if (has_unknown_keys(entry, log_keys))
            return true;
    }
    return false;
}

static void free_cjson(void *p) { cJSON_Delete(p); }

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
                : at >= len ? " (unexpected end, or nested deeper than 1000 levels)" : "");
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

/* Appends raw's keys that `known` does not list, in raw's order. */
static void add_unknown(cJSON *obj, const cJSON *raw, const char *const *known)
{
    const cJSON *item;
    if (!cJSON_IsObject(raw))
        return;
    cJSON_ArrayForEach(item, raw) {
        bool found = false;
        for (int i = 0; known[i] && !found; i++)
            found = strcmp(item->string, known[i]) == 0;
        if (!found && !cJSON_GetObjectItemCaseSensitive(obj, item->string))
            cJSON_AddItemToObject(obj, item->string, cJSON_Duplicate(item, true));
    }
}

static const cJSON *raw_child(const cJSON *raw, const char *key)
{
    return raw ? cJSON_GetObjectItemCaseSensitive(raw, key) : NULL;
}

/* The raw log entry for entry i: usually at the same index, since logs only grow. */
static const cJSON *raw_log_entry(const cJSON *raw_log, const cJSON **cursor, const char *id)
{
    if (*cursor) {
        const cJSON *rid = cJSON_GetObjectItemCaseSensitive(*cursor, "id");
        const cJSON *hit = *cursor;
        *cursor = (*cursor)->next;
        if (cJSON_IsString(rid) && str_eq(rid->valuestring, id))
            return hit;
    }
    const cJSON *entry;
    cJSON_ArrayForEach(entry, raw_log) {
        const cJSON *rid = cJSON_GetObjectItemCaseSensitive(entry, "id");
        if (cJSON_IsString(rid) && str_eq(rid->valuestring, id))
            return entry;
    }
    return NULL;
}

static cJSON *log_to_cjson(const deal *d, const cJSON *raw)
{
    cJSON *log = cJSON_CreateArray();
    const cJSON *raw_log = raw_child(raw, "log");
    const cJSON *cursor = cJSON_IsArray(raw_log) ? raw_log->child : NULL;
    for (size_t i = 0; i < d->nlog; i++) {
        const log_entry *e = &d->log[i];
        cJSON *obj = cJSON_CreateObject();
        add_string(obj, "id", e->id);
        add_string(obj, "at", e->at);
        add_string(obj, "by", e->by);
        add_string(obj, "kind", e->kind);
        add_string(obj, "text", e->text);
        if (raw_log)
            add_unknown(obj, raw_log_entry(raw_log, &cursor, e->id), log_keys);
        cJSON_AddItemToArray(log, obj);
    }
    return log;
}

static void add_nested(cJSON *root, const deal *d, const cJSON *raw)
{
    cJSON *obj = NULL;
    if (deal_has_next_step(d)) {
        obj = cJSON_AddObjectToObject(root, "next_step");
        add_string(obj, "text", d->next_text);
        add_date(obj, "due", d->next_due);
        add_unknown(obj, raw_child(raw, "next_step"), next_step_keys);
    } else {
        cJSON_AddNullToObject(root, "next_step");
    }
    add_string(root, "status_quo", d->status_quo);
    add_string(root, "insight", d->insight);
    add_string(root, "persona", d->persona);
    add_string(root, "champion", d->champion);
    cJSON *tags = cJSON_AddArrayToObject(root, "tags");
    for (size_t i = 0; i < d->ntags; i++)
        cJSON_AddItemToArray(tags, cJSON_CreateString(d->tags[i]));
    if (d->snooze_until != DAY_NONE) {
        obj = cJSON_AddObjectToObject(root, "snooze");
        add_date(obj, "until", d->snooze_until);
        add_string(obj, "reason", d->snooze_reason);
        add_unknown(obj, raw_child(raw, "snooze"), snooze_keys);
    } else {
        cJSON_AddNullToObject(root, "snooze");
    }
    if (d->moved_on) {
        obj = cJSON_AddObjectToObject(root, "moved_on");
        add_string(obj, "reason", d->moved_on_reason);
        add_date(obj, "revisit", d->revisit);
        add_unknown(obj, raw_child(raw, "moved_on"), moved_on_keys);
    } else {
        cJSON_AddNullToObject(root, "moved_on");
    }
}

cJSON *codec_deal_to_cjson(const deal *d)
{
    const cJSON *raw = d->raw;
    cJSON *root = cJSON_CreateObject();
    add_string(root, "id", d->id);
    add_string(root, "title", d->title);
    add_string(root, "account", d->account);
    add_string(root, "owner", d->owner);
    add_string(root, "stage", d->stage);
    add_string(root, "status", deal_status_name(d->status));
    cJSON_AddNumberToObject(root, "value", (double)d->value);
    if (d->currency)
        add_string(root, "currency", d->currency);
    add_date(root, "created", d->created);
    add_date(root, "stage_entered", d->stage_entered);
    add_date(root, "last_touch", d->last_touch);
    add_date(root, "close_date", d->close_date);
    cJSON_AddNumberToObject(root, "close_date_pushes", d->close_date_pushes);
    add_nested(root, d, raw);
    cJSON_AddItemToObject(root, "log", log_to_cjson(d, raw));
    add_unknown(root, raw, deal_keys);
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

static void write_nested(json_obj *o, const deal *d)
{
    json_obj inner;
    json_obj_key(o, "next_step");
    if (deal_has_next_step(d)) {
        json_obj_begin(&inner, o->sb, o->depth + 1);
        member_string(&inner, "text", d->next_text);
        member_date(&inner, "due", d->next_due);
        json_obj_end(&inner);
    } else {
        sb_add(o->sb, "null", 4);
    }
    member_string(o, "status_quo", d->status_quo);
    member_string(o, "insight", d->insight);
    member_string(o, "persona", d->persona);
    member_string(o, "champion", d->champion);
    json_obj_key(o, "tags");
    sb_add(o->sb, "[", 1);
    for (size_t i = 0; i < d->ntags; i++) {
        if (i)
            sb_add(o->sb, ",", 1);
        json_write_indent(o->sb, o->depth + 2);
        json_write_string(o->sb, d->tags[i]);
    }
    if (d->ntags)
        json_write_indent(o->sb, o->depth + 1);
    sb_add(o->sb, "]", 1);
    json_obj_key(o, "snooze");
    if (d->snooze_until != DAY_NONE) {
        json_obj_begin(&inner, o->sb, o->depth + 1);
        member_date(&inner, "until", d->snooze_until);
        member_string(&inner, "reason", d->snooze_reason);
        json_obj_end(&inner);
    } else {
        sb_add(o->sb, "null", 4);
    }
    json_obj_key(o, "moved_on");
    if (d->moved_on) {
        json_obj_begin(&inner, o->sb, o->depth + 1);
        member_string(&inner, "reason", d->moved_on_reason);
        member_date(&inner, "revisit", d->revisit);
        json_obj_end(&inner);
    } else {
        sb_add(o->sb, "null", 4);
    }
}

static void write_log(json_obj *o, const deal *d)
{
    json_obj_key(o, "log");
    sb_add(o->sb, "[", 1);
    for (size_t i = 0; i < d->nlog; i++) {
        const log_entry *e = &d->log[i];
        json_obj entry;
        if (i)
            sb_add(o->sb, ",", 1);
        json_write_indent(o->sb, o->depth + 2);
        json_obj_begin(&entry, o->sb, o->depth + 2);
        member_string(&entry, "id", e->id);
        member_string(&entry, "at", e->at);
        member_string(&entry, "by", e->by);
        member_string(&entry, "kind", e->kind);
        member_string(&entry, "text", e->text);
        json_obj_end(&entry);
    }
    if (d->nlog)
        json_write_indent(o->sb, o->depth + 1);
    sb_add(o->sb, "]", 1);
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
    member_string(o, "id", d->id);
    member_string(o, "title", d->title);
    member_string(o, "account", d->account);
    member_string(o, "owner", d->owner);
    member_string(o, "stage", d->stage);
    member_string(o, "status", deal_status_name(d->status));
    member_int(o, "value", (long long)d->value);
    if (d->currency)
        member_string(o, "currency", d->currency);
    member_date(o, "created", d->created);
    member_date(o, "stage_entered", d->stage_entered);
    member_date(o, "last_touch", d->last_touch);
    member_date(o, "close_date", d->close_date);
    member_int(o, "close_date_pushes", d->close_date_pushes);
    write_nested(o, d);
    write_log(o, d);
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
