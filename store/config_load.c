#include "config_load.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/text.h"
#include "codec.h"
#include "json_print.h"

static int bad(db_err *err, const char *file, const char *what, const char *why)
{
    return db_fail(err, DB_EUSAGE, "%s: %s: %s", file, what, why);
}

static int read_int(const cJSON *obj, const char *key, int min, int max, int *out,
                    const char *file, const char *what, db_err *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!item || cJSON_IsNull(item))
        return 0;
    if (!cJSON_IsNumber(item) || item->valuedouble != floor(item->valuedouble) ||
        item->valuedouble < min || item->valuedouble > max) {
        char why[96];
        snprintf(why, sizeof why, "'%s' must be a whole number from %d to %d", key, min, max);
        return bad(err, file, what, why);
    }
    *out = (int)item->valuedouble;
    return 0;
}

static int read_text(const cJSON *obj, const char *key, char **out, const char *file,
                     const char *what, db_err *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!item || cJSON_IsNull(item))
        return 0;
    if (!cJSON_IsString(item) || !*item->valuestring) {
        char why[64];
        snprintf(why, sizeof why, "'%s' must be a non-empty string", key);
        return bad(err, file, what, why);
    }
    if (!text_valid_utf8(item->valuestring, strlen(item->valuestring))) {
        char why[64];
        snprintf(why, sizeof why, "'%s' is not valid UTF-8", key);
        return bad(err, file, what, why);
    }
    deal_set_str(out, item->valuestring);
    return 0;
}

/* A stage's "exit": a list of non-empty strings, the buyer outcomes that show it done. */
static int parse_exits(const cJSON *item, stage_def *stage, const char *file, const char *what,
                       db_err *err)
{
    const cJSON *exits = cJSON_GetObjectItemCaseSensitive(item, "exit"), *e;
    if (!exits || cJSON_IsNull(exits))
        return 0;
    if (!cJSON_IsArray(exits))
        return bad(err, file, what, "'exit' must be a list of outcomes (strings)");
    cJSON_ArrayForEach(e, exits) {
        if (!cJSON_IsString(e) || !*e->valuestring ||
            !text_valid_utf8(e->valuestring, strlen(e->valuestring)))
            return bad(err, file, what, "'exit' must be a list of non-empty UTF-8 strings");
        config_stage_add_exit(stage, e->valuestring);
    }
    return 0;
}

/* A stage's "evaluation": true marks the evaluation stage (config_evaluation_stage). */
static int parse_evaluation(const cJSON *item, pipeline_cfg *cfg, const char *file,
                            const char *what, db_err *err)
{
    stage_def *stage = &cfg->stages[cfg->nstages - 1];
    const cJSON *flag = cJSON_GetObjectItemCaseSensitive(item, "evaluation");
    if (!flag || cJSON_IsNull(flag))
        return 0;
    if (!cJSON_IsBool(flag))
        return bad(err, file, what, "'evaluation' must be true or false (true: the stage "
                   "where the buyer evaluates; one stage at most)");
    if (cJSON_IsTrue(flag) && config_evaluation_stage(cfg) >= 0 &&
        cfg->stages[config_evaluation_stage(cfg)].evaluation)
        return bad(err, file, what, "another stage is already marked \"evaluation\": true; "
                   "mark one stage only");
    stage->evaluation = cJSON_IsTrue(flag);
    return 0;
}

static int parse_stage(const cJSON *item, size_t index, pipeline_cfg *cfg, const char *file,
                       db_err *err)
{
    char what[48];
    snprintf(what, sizeof what, "stage %zu", index + 1);
    if (!cJSON_IsObject(item))
        return bad(err, file, what, "expected an object with id, name, probability, max_days");
    char *id = NULL, *name = NULL;
    int probability = 0, max_days = 30;
    int rc = read_text(item, "id", &id, file, what, err);
    if (!rc && !id)
        rc = bad(err, file, what, "'id' is missing");
    if (!rc && (!text_valid_id_prefix(id) || strlen(id) > 32))
        rc = bad(err, file, what, "'id' may only use a-z, 0-9 and '-'");
    if (!rc && config_stage_index(cfg, id) >= 0)
        rc = bad(err, file, what, "duplicate stage id");
    if (!rc)
        rc = read_text(item, "name", &name, file, what, err);
    if (!rc)
        rc = read_int(item, "probability", 0, 100, &probability, file, what, err);
    if (!rc)
        rc = read_int(item, "max_days", 0, 100000, &max_days, file, what, err);
    if (!rc) {
        config_add_stage(cfg, id, name ? name : id, probability, max_days);
        rc = parse_exits(item, &cfg->stages[cfg->nstages - 1], file, what, err);
    }
    if (!rc)
        rc = parse_evaluation(item, cfg, file, what, err);
    free(id);
    free(name);
    return rc;
}

static int parse_stages(const cJSON *root, pipeline_cfg *cfg, const char *file, db_err *err)
{
    const cJSON *stages = cJSON_GetObjectItemCaseSensitive(root, "stages");
    if (!stages || cJSON_IsNull(stages)) {
        config_default_stages(cfg);
        return 0;
    }
    if (!cJSON_IsArray(stages))
        return bad(err, file, "stages", "expected an array of stages");
    if (cJSON_GetArraySize(stages) == 0)
        return bad(err, file, "stages", "there must be at least one stage");
    size_t i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, stages) {
        int rc = parse_stage(item, i++, cfg, file, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_rule(const cJSON *item, rule_id r, pipeline_cfg *cfg, const char *file,
                      db_err *err)
{
    char what[48];
    snprintf(what, sizeof what, "rule '%s'", rule_name(r));
    if (!cJSON_IsObject(item))
        return bad(err, file, what, "expected an object");
    rule_cfg *rule = &cfg->rules[r];
    const cJSON *enabled = cJSON_GetObjectItemCaseSensitive(item, "enabled");
    if (enabled && !cJSON_IsBool(enabled))
        return bad(err, file, what, "'enabled' must be true or false");
    if (enabled)
        rule->enabled = cJSON_IsTrue(enabled);
    const cJSON *buyer = cJSON_GetObjectItemCaseSensitive(item, "buyer");
    if (buyer && (r != RULE_QUIET || !cJSON_IsBool(buyer)))
        return bad(err, file, what,
                   r != RULE_QUIET ? "'buyer' belongs to the quiet rule only"
                                   : "'buyer' must be true (count only the buyer's touches) or false");
    if (buyer)
        rule->buyer = cJSON_IsTrue(buyer);
    const cJSON *learn = cJSON_GetObjectItemCaseSensitive(item, "learn");
    if (learn && (r != RULE_STALLED || !cJSON_IsBool(learn)))
        return bad(err, file, what,
                   r != RULE_STALLED ? "'learn' belongs to the stalled rule only"
                                     : "'learn' must be true (limits learned from the history) "
                                       "or false (the stages' max_days)");
    if (learn)
        rule->learn = cJSON_IsTrue(learn);
    int rc = read_int(item, "weight", 0, 100, &rule->weight, file, what, err);
    const char *key = rule_threshold_key(r);
    if (!rc && key)
        rc = read_int(item, key, 0, 100000, &rule->threshold, file, what, err);
    return rc;
}

static int parse_rules(const cJSON *root, pipeline_cfg *cfg, const char *file, strbuf *warn,
                       db_err *err)
{
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "rules"), *item;
    if (!rules || cJSON_IsNull(rules))
        return 0;
    if (!cJSON_IsObject(rules))
        return bad(err, file, "rules", "expected an object of rules");
    cJSON_ArrayForEach(item, rules) {
        rule_id r;
        if (!rule_by_name(item->string, &r)) {
            sb_printf(warn, "%s: rules: unknown rule '%s' ignored\n", file, item->string);
            continue;
        }
        int rc = parse_rule(item, r, cfg, file, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_levels(const cJSON *root, pipeline_cfg *cfg, const char *file, db_err *err)
{
    const cJSON *levels = cJSON_GetObjectItemCaseSensitive(root, "levels");
    if (!levels || cJSON_IsNull(levels))
        return 0;
    if (!cJSON_IsObject(levels))
        return bad(err, file, "levels", "expected an object {\"watch\": N, \"move-on\": N}");
    int rc = read_int(levels, "watch", 1, 1000, &cfg->level_watch, file, "levels", err);
    if (!rc)
        rc = read_int(levels, "move-on", 1, 1000, &cfg->level_move_on, file, "levels", err);
    if (!rc && cfg->level_move_on < cfg->level_watch)
        rc = bad(err, file, "levels", "'move-on' must not be below 'watch'");
    return rc;
}

int config_parse(const char *text, size_t len, const char *file, pipeline_cfg *cfg,
                 char **warnings, db_err *err)
{
    strbuf warn = {0};
    config_init_defaults(cfg);
    if (warnings)
        *warnings = NULL;
    cJSON *root = codec_parse_json(text, len, file, err);
    int rc = !root ? DB_EUSAGE
             : cJSON_IsObject(root) ? 0 : bad(err, file, "pipeline", "expected a JSON object");
    if (!rc)
        rc = read_text(root, "name", &cfg->name, file, "name", err);
    if (!rc)
        rc = read_text(root, "currency", &cfg->currency, file, "currency", err);
    if (!rc)
        rc = parse_stages(root, cfg, file, err);
    if (!rc)
        rc = parse_rules(root, cfg, file, &warn, err);
    if (!rc)
        rc = parse_levels(root, cfg, file, err);
    cJSON_Delete(root);
    if (rc) {
        config_free(cfg);
        config_init_defaults(cfg);
        config_default_stages(cfg);
    }
    if (warnings)
        *warnings = warn.data;
    else
        sb_free(&warn);
    return rc;
}

char *config_default_text(const char *name, const char *currency)
{
    pipeline_cfg cfg;
    config_init_defaults(&cfg);
    config_default_stages(&cfg);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "name", name ? name : "Pipeline");
    cJSON_AddStringToObject(root, "currency", currency ? currency : cfg.currency);
    cJSON *stages = cJSON_AddArrayToObject(root, "stages");
    for (size_t i = 0; i < cfg.nstages; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "id", cfg.stages[i].id);
        cJSON_AddStringToObject(s, "name", cfg.stages[i].name);
        cJSON_AddNumberToObject(s, "probability", cfg.stages[i].probability);
        cJSON_AddNumberToObject(s, "max_days", cfg.stages[i].max_days);
        cJSON *exits = cJSON_AddArrayToObject(s, "exit");
        for (size_t e = 0; e < cfg.stages[i].nexits; e++)
            cJSON_AddItemToArray(exits, cJSON_CreateString(cfg.stages[i].exits[e]));
        cJSON_AddItemToArray(stages, s);
    }
    cJSON *rules = cJSON_AddObjectToObject(root, "rules");
    for (int r = 0; r < RULE_COUNT; r++) {
        cJSON *rule = cJSON_AddObjectToObject(rules, rule_name((rule_id)r));
        if (rule_threshold_key((rule_id)r))
            cJSON_AddNumberToObject(rule, rule_threshold_key((rule_id)r), cfg.rules[r].threshold);
        cJSON_AddNumberToObject(rule, "weight", cfg.rules[r].weight);
        cJSON_AddBoolToObject(rule, "enabled", cfg.rules[r].enabled);
        if (r == RULE_STALLED)      /* spelled out so that teams find it */
            cJSON_AddBoolToObject(rule, "learn", cfg.rules[r].learn);
    }
    cJSON *levels = cJSON_AddObjectToObject(root, "levels");
    cJSON_AddNumberToObject(levels, "watch", cfg.level_watch);
    cJSON_AddNumberToObject(levels, "move-on", cfg.level_move_on);
    char *text = json_print_canonical(root);
    cJSON_Delete(root);
    config_free(&cfg);
    return text;
}
