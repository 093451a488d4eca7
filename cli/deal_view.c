#include "deal_view.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/text.h"
#include "../store/codec.h"
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

void deal_view_print_json(cJSON *doc)
{
    char *text = json_print_canonical(doc);
    fputs(text, stdout);
    free(text);
    cJSON_Delete(doc);
}

/* qsort has no context argument: the sort keys are computed up front,
 * with the title's first bytes, so that most comparisons read no title
 * (with many deals, reading titles scattered in memory is most of a sort). */
typedef struct {
    int open_rank, stage, score;
    uint64_t title_head;        /* the first 8 bytes, big-endian: compares as strcmp */
    deal *d;
} sort_key;

static uint64_t title_head(const char *title)
{
    uint64_t head = 0;
    size_t i = 0;
    for (; i < 8 && title[i]; i++)
        head = head << 8 | (unsigned char)title[i];
    return head << (8 * (8 - i));   /* shorter titles: zero bytes, as their NUL */
}

/* The keys are sorted through pointers: qsort moves 8 bytes, not a key. */
static int compare_keys(const void *a, const void *b)
{
    const sort_key *x = *(const sort_key *const *)a, *y = *(const sort_key *const *)b;
    if (x->open_rank != y->open_rank)
        return x->open_rank - y->open_rank;
    if (x->stage != y->stage)
        return x->stage - y->stage;
    if (x->score != y->score)
        return y->score - x->score;
    if (x->title_head != y->title_head)
        return x->title_head < y->title_head ? -1 : 1;
    int t = strcmp(x->d->title, y->d->title);
    return t ? t : strcmp(x->d->id, y->d->id);
}

static int compare_scores(const void *a, const void *b)
{
    const sort_key *x = *(const sort_key *const *)a, *y = *(const sort_key *const *)b;
    if (x->score != y->score)
        return y->score - x->score;
    return compare_keys(a, b);
}

static void sort_with(const pipeline_cfg *cfg, deal **deals, size_t n, db_day today,
                      int (*cmp)(const void *, const void *))
{
    sort_key *keys = xcalloc(n ? n : 1, sizeof *keys);
    sort_key **order = xcalloc(n ? n : 1, sizeof *order);
    for (size_t i = 0; i < n; i++) {
        flag_result f;
        rules_score(cfg, deals[i], today, &f);
        int stage = f.stage_index;
        keys[i] = (sort_key){deals[i]->status, stage < 0 ? 1 << 20 : stage, f.score,
                             title_head(deals[i]->title), deals[i]};
        order[i] = &keys[i];
    }
    qsort(order, n, sizeof *order, cmp);
    for (size_t i = 0; i < n; i++)
        deals[i] = order[i]->d;
    free(order);
    free(keys);
}

void deal_view_sort(const pipeline_cfg *cfg, deal **deals, size_t n, db_day today)
{
    sort_with(cfg, deals, n, today, compare_keys);
}

void deal_view_sort_by_score(const pipeline_cfg *cfg, deal **deals, size_t n, db_day today)
{
    sort_with(cfg, deals, n, today, compare_scores);
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
