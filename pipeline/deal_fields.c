#include "deal_fields.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A nested field's CSV column is its group's key, '_' and its own key
 * ("next_step_due"): one prefix a group. */
#define CSV_PREFIX_TOP ""
#define CSV_PREFIX_NEXT_STEP "next_step_"
#define CSV_PREFIX_SNOOZE "snooze_"
#define CSV_PREFIX_MOVED_ON "moved_on_"
#define CSV_NAME_CSV(group, key) CSV_PREFIX_##group key
#define CSV_NAME_NOCSV(group, key) NULL

_Static_assert(DF_COUNT <= 64, "deal.says holds a bit a field");

const deal_field_def deal_fields[DF_COUNT] = {
#define X(e, group, key, kind, member, need, light, csv, label, edit, aliases)              \
    [DF_##e] = {key, DG_##group, FK_##kind, offsetof(deal, member), NEED_##need,            \
                LIGHT_##light, CSV_NAME_##csv(group, key), label, EDIT_##edit, aliases},
    DEAL_FIELDS(X)
#undef X
};

static const char *const group_keys[DG_COUNT] = {
#define X(e, key) key,
    DEAL_GROUPS(X)
#undef X
};

static const field_merge kind_merges[FIELD_KINDS] = {
#define X(e, merge) MERGE_##merge,
    DEAL_KINDS(X)
#undef X
};

const char *deal_group_key(deal_group g) { return g < DG_COUNT ? group_keys[g] : NULL; }

field_merge deal_kind_merge(field_kind k) { return k < FIELD_KINDS ? kind_merges[k] : MERGE_LATER_WINS; }

int deal_field_by_key(const char *key)
{
    for (int f = 0; f < DF_COUNT; f++)
        if (deal_fields[f].group == DG_TOP && str_eq(deal_fields[f].key, key))
            return f;
    return -1;
}

bool deal_group_present(const deal *d, deal_group g)
{
    switch (g) {
    case DG_NEXT_STEP: return deal_has_next_step(d);
    case DG_SNOOZE: return d->snooze_until != DAY_NONE;
    case DG_MOVED_ON: return d->moved_on;
    default: return true;
    }
}

void deal_group_mark_present(deal *d, deal_group g)
{
    if (g == DG_MOVED_ON)
        d->moved_on = true;
}

static void *member(const deal *d, deal_field f) { return (char *)d + deal_fields[f].offset; }

char **deal_field_text(deal *d, deal_field f) { return member(d, f); }
const char *deal_field_text_of(const deal *d, deal_field f) { return *(char **)member(d, f); }
db_day *deal_field_day(deal *d, deal_field f) { return member(d, f); }
db_day deal_field_day_of(const deal *d, deal_field f) { return *(db_day *)member(d, f); }
int64_t *deal_field_money(deal *d, deal_field f) { return member(d, f); }
int *deal_field_count(deal *d, deal_field f) { return member(d, f); }
deal_status *deal_field_status(deal *d, deal_field f) { return member(d, f); }

bool deal_field_carried(const deal *d, deal_field f)
{
    return !d->partial || deal_fields[f].light == LIGHT_LIGHT;
}

void deal_field_expect(const deal *d, deal_field f, const char *who)
{
    if (deal_field_carried(d, f))
        return;
    fprintf(stderr,
            "dealboard: internal error: %s reads the %s of a light deal, which light loads "
            "do not carry (load the deals whole)\n",
            who, deal_fields[f].key);
    abort();
}

/* "  " is as empty as "" to a seller reading the deal. */
bool deal_text_blank(const char *s)
{
    for (; s && *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

bool deal_field_says(const deal *d, deal_field f)
{
    if (d->partial && deal_fields[f].light == LIGHT_SAYS)
        return (d->says >> f) & 1;
    return !deal_text_blank(deal_field_text_of(d, f));
}

uint64_t deal_fields_says_bits(const deal *d)
{
    uint64_t says = 0;
    for (int f = 0; f < DF_COUNT; f++)
        if (deal_fields[f].light == LIGHT_SAYS && deal_field_says(d, (deal_field)f))
            says |= UINT64_C(1) << f;
    return says;
}

static uint64_t hash_text(uint64_t h, const char *s)
{
    for (s = s ? s : ""; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (h ^ 0xFF) * 1099511628211ULL;       /* ends each text: "ab","c" is not "a","bc" */
}

uint64_t deal_fields_layout_hash(const char *derived)
{
    uint64_t h = hash_text(1469598103934665603ULL, derived);
    for (int f = 0; f < DF_COUNT; f++) {
        char kind[4] = {(char)('A' + deal_fields[f].kind), (char)('A' + deal_fields[f].light),
                        (char)('A' + deal_fields[f].need), 0};
        h = hash_text(h, deal_group_key(deal_fields[f].group));
        h = hash_text(h, deal_fields[f].key);
        h = hash_text(h, kind);
    }
    return h;
}
