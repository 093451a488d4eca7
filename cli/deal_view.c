#include "deal_view.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/deal_order.h"
#include "../pipeline/text.h"
#include "../store/codec.h"
#include "../store/helper.h"
#include "../store/json_print.h"

cJSON *deal_view_json(const pipeline_cfg *cfg, const deal *d, db_day today)
{
    flag_result flags;
    rules_evaluate(cfg, d, today, &flags);
    cJSON *obj = codec_deal_to_cjson(d);
    /* A stored key of the same name (from a newer version) must not appear twice. */
    const char *computed[] = {"days_in_stage", "score", "level", "reasons"};
    for (size_t i = 0; i < sizeof computed / sizeof *computed; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(obj, computed[i]);
    cJSON_AddNumberToObject(obj, "days_in_stage", flags.days_in_stage);
    cJSON_AddNumberToObject(obj, "score", flags.score);
    cJSON_AddStringToObject(obj, "level", flag_level_name(flags.level));
    cJSON *reasons = cJSON_AddArrayToObject(obj, "reasons");
    for (int i = 0; i < flags.nreasons; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "rule", rule_name(flags.reasons[i].rule));
        cJSON_AddStringToObject(r, "text", flags.reasons[i].text);
        cJSON_AddItemToArray(reasons, r);
    }
    return obj;
}

/* Keys and names below are the program's own ASCII: nothing to escape, so
 * they are copied as they are (listings write them for every deal). */
static void key(json_obj *o, const char *name)
{
    if (o->members++)
        sb_add(o->sb, ",", 1);
    json_write_indent(o->sb, o->depth + 1);
    sb_add(o->sb, "\"", 1);
    sb_puts(o->sb, name);
    sb_add(o->sb, "\": ", 3);
}

static void name_value(strbuf *sb, const char *name)
{
    sb_add(sb, "\"", 1);
    sb_puts(sb, name);
    sb_add(sb, "\"", 1);
}

static void write_reasons(json_obj *o, const flag_result *flags)
{
    key(o, "reasons");
    sb_add(o->sb, "[", 1);
    for (int i = 0; i < flags->nreasons; i++) {
        json_obj r;
        if (i)
            sb_add(o->sb, ",", 1);
        json_write_indent(o->sb, o->depth + 2);
        json_obj_begin(&r, o->sb, o->depth + 2);
        key(&r, "rule");
        name_value(o->sb, rule_name(flags->reasons[i].rule));
        key(&r, "text");
        json_write_string(o->sb, flags->reasons[i].text);
        json_obj_end(&r);
    }
    if (flags->nreasons)
        json_write_indent(o->sb, o->depth + 1);
    sb_add(o->sb, "]", 1);
}

/* The computed members, appended to an open object. */
static void write_computed(json_obj *o, const pipeline_cfg *cfg, const deal *d, db_day today)
{
    flag_result flags;
    rules_evaluate(cfg, d, today, &flags);
    key(o, "days_in_stage");
    json_write_int(o->sb, flags.days_in_stage);
    key(o, "score");
    json_write_int(o->sb, flags.score);
    key(o, "level");
    name_value(o->sb, flag_level_name(flags.level));
    write_reasons(o, &flags);
}

void deal_view_write(strbuf *sb, const pipeline_cfg *cfg, const deal *d, db_day today, int depth)
{
    if (d->raw) {                        /* unknown keys: the tree path handles clashes */
        cJSON *obj = deal_view_json(cfg, d, today);
        json_write_value(sb, obj, depth);
        cJSON_Delete(obj);
        return;
    }
    json_obj o;
    json_obj_begin(&o, sb, depth);
    codec_write_members(&o, d);
    write_computed(&o, cfg, d, today);
    json_obj_end(&o);
}

/* The same text as write_computed + json_obj_end at depth 2, in a few
 * copies of literal text: a listing writes it for every deal. */
void deal_view_write_tail(strbuf *sb, const pipeline_cfg *cfg, const deal *d, db_day today)
{
    flag_result flags;
    rules_evaluate(cfg, d, today, &flags);
    sb_add(sb, ",\n      \"days_in_stage\": ", 25);
    json_write_int(sb, flags.days_in_stage);
    sb_add(sb, ",\n      \"score\": ", 17);
    json_write_int(sb, flags.score);
    sb_add(sb, ",\n      \"level\": \"", 18);
    sb_puts(sb, flag_level_name(flags.level));
    sb_add(sb, "\",\n      \"reasons\": [", 21);
    for (int i = 0; i < flags.nreasons; i++) {
        sb_puts(sb, i ? ",\n        {\n          \"rule\": \"" : "\n        {\n          \"rule\": \"");
        sb_puts(sb, rule_name(flags.reasons[i].rule));
        sb_add(sb, "\",\n          \"text\": ", 21);
        json_write_string(sb, flags.reasons[i].text);
        sb_add(sb, "\n        }", 10);
    }
    sb_puts(sb, flags.nreasons ? "\n      ]\n    }" : "]\n    }");
}

void deal_view_add_day(cJSON *obj, const char *key, db_day day)
{
    char date[DATE_LEN];
    date_format(day, date);
    if (day == DAY_NONE)
        cJSON_AddNullToObject(obj, key);
    else
        cJSON_AddStringToObject(obj, key, date);
}

void deal_view_print_json(cJSON *doc)
{
    char *text = json_print_canonical(doc);
    fputs(text, stdout);
    free(text);
    cJSON_Delete(doc);
}

/* The order is pipeline/deal_order.h's; here is only how a long list is
 * sorted fast. The key carries the caller's (mutable) deal beside it. */
typedef struct {
    deal_order_key order;
    deal *d;
} sort_key;

static int compare_keys(const sort_key *x, const sort_key *y)
{
    return deal_order_compare(&x->order, &y->order);
}

/* Merges the sorted keys[0, half) and keys[half, n), tmp holding half. */
static void merge_halves(sort_key *keys, sort_key *tmp, size_t half, size_t n)
{
    if (half == 0 || half == n || compare_keys(&keys[half - 1], &keys[half]) <= 0)
        return;                         /* already in order */
    memcpy(tmp, keys, half * sizeof *keys);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n)
        keys[k++] = compare_keys(&keys[j], &tmp[i]) < 0 ? keys[j++] : tmp[i++];
    while (i < half)
        keys[k++] = tmp[i++];
}

/* A merge sort with the comparison inlined: qsort's call per comparison
 * and byte-wise copies cost more than twice as much for 10,000 keys. */
static void merge_sort(sort_key *keys, sort_key *tmp, size_t n)
{
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            sort_key v = keys[i];
            size_t j = i;
            for (; j > 0 && compare_keys(&v, &keys[j - 1]) < 0; j--)
                keys[j] = keys[j - 1];
            keys[j] = v;
        }
        return;
    }
    merge_sort(keys, tmp, n / 2);
    merge_sort(keys + n / 2, tmp, n - n / 2);
    merge_halves(keys, tmp, n / 2, n);
}

/* One half of a sort: its keys made and sorted (tmp: room for n / 2 + 1). */
typedef struct {
    const pipeline_cfg *cfg;
    db_day today;
    deal_order order;
    deal **deals;
    sort_key *keys, *tmp;
    size_t n;
} sort_part;

static void sort_one_part(void *arg)
{
    sort_part *p = arg;
    for (size_t i = 0; i < p->n; i++) {
        flag_result f;
        rules_score(p->cfg, p->deals[i], p->today, &f);
        p->keys[i].order = deal_order_key_of(p->deals[i], &f, p->order);
        p->keys[i].d = p->deals[i];
    }
    merge_sort(p->keys, p->tmp, p->n);
}

/* Fewer deals than this: sorted on this thread alone. */
#define MIN_SHARED_SORT 4096

/* A long list is sorted in two halves, the second on the helper thread
 * (store/helper.h; a listing's output follows at once), then merged. */
static void sort_with(const pipeline_cfg *cfg, deal **deals, size_t n, db_day today,
                      deal_order order)
{
    sort_key *keys = xcalloc(n ? n : 1, sizeof *keys);
    sort_key *tmp = xmalloc((n / 2 + 2) * sizeof *tmp);
    sort_key *tmp2 = xmalloc((n / 4 + 2) * sizeof *tmp2);
    size_t half = n >= MIN_SHARED_SORT ? n / 2 : n;
    sort_part first = {cfg, today, order, deals, keys, tmp, half};
    sort_part second = {cfg, today, order, deals + half, keys + half, tmp2, n - half};
    bool shared = half < n && helper_start(sort_one_part, &second, true);
    sort_one_part(&first);
    if (shared)
        helper_wait();
    else if (half < n)
        sort_one_part(&second);
    merge_halves(keys, tmp, half, n);
    for (size_t i = 0; i < n; i++)
        deals[i] = keys[i].d;
    free(tmp2);
    free(tmp);
    free(keys);
}

void deal_view_sort(const pipeline_cfg *cfg, deal **deals, size_t n, db_day today)
{
    sort_with(cfg, deals, n, today, DEAL_ORDER_BY_STAGE);
}

void deal_view_sort_by_score(const pipeline_cfg *cfg, deal **deals, size_t n, db_day today)
{
    sort_with(cfg, deals, n, today, DEAL_ORDER_BY_SCORE);
}

/* Printable ASCII needs no sanitizing and takes one column a byte: most
 * names and titles, so tables of many deals skip the UTF-8 work. */
static bool plain_ascii(const char *s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p >= 0x20 && *p < 0x7F)
        p++;
    *len = (size_t)(p - (const unsigned char *)s);
    return *p == '\0';
}

static void pad(FILE *out, int cols)
{
    static const char spaces[] = "                                ";
    for (; cols > 0; cols -= 32)
        fwrite(spaces, 1, cols < 32 ? (size_t)cols : 32, out);
}

int deal_view_width(const char *s)
{
    size_t len;
    if (plain_ascii(s ? s : "", &len))
        return len > INT_MAX ? INT_MAX : (int)len;
    char *safe = text_sanitize(s, false);
    int cols = text_width(safe);
    free(safe);
    return cols;
}

void deal_view_cell(FILE *out, const char *s, int cols, bool right)
{
    size_t len;
    if (plain_ascii(s ? s : "", &len) && len <= (size_t)(cols > 0 ? cols : 0)) {
        if (right)
            pad(out, cols - (int)len);
        fwrite(s ? s : "", 1, len, out);
        if (!right)
            pad(out, cols - (int)len);
        return;
    }
    char *safe = text_sanitize(s ? s : "", false);
    int used = 0;
    size_t bytes = text_fit(safe, cols, &used);
    if (bytes < strlen(safe) && cols > 0) {       /* cut: end with an ellipsis */
        bytes = text_fit(safe, cols - 1, &used);
        safe[bytes] = '\0';
        char *cut = xasprintf("%s…", safe);
        free(safe);
        safe = cut;
        bytes = strlen(safe);
        used++;
    }
    if (right)
        fprintf(out, "%*s", cols - used, "");
    fwrite(safe, 1, bytes, out);
    if (!right)
        fprintf(out, "%*s", cols - used, "");
    free(safe);
}

const char *deal_view_stage_label(const pipeline_cfg *cfg, const deal *d)
{
    switch (d->status) {
    case STATUS_WON: return "won";
    case STATUS_LOST: return "lost";
    case STATUS_MOVED_ON: return "moved on";
    default: break;
    }
    const stage_def *s = config_stage(cfg, d->stage);
    return s ? s->name : d->stage;
}
