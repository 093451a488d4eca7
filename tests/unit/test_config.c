/* pipeline.json: defaults, overrides, errors, warnings; stage lookup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/config.h"
#include "../../store/config_load.h"

static int parse(const char *text, pipeline_cfg *cfg, char **warnings, db_err *err)
{
    db_err_clear(err);
    return config_parse(text, strlen(text), "pipeline.json", cfg, warnings, err);
}

static void expect_defaults(const pipeline_cfg *cfg)
{
    static const struct { const char *id, *name; int probability, max_days; } stages[] = {
        {"status-quo", "Status quo", 5, 30}, {"recognize", "Recognize", 10, 21},
        {"define", "Define", 20, 21},        {"explore", "Explore", 40, 30},
        {"evaluate", "Evaluate", 60, 30},    {"decide", "Decide", 80, 21}};
    assert_int_equal(cfg->nstages, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(cfg->stages[i].id, stages[i].id);
        assert_string_equal(cfg->stages[i].name, stages[i].name);
        assert_int_equal(cfg->stages[i].probability, stages[i].probability);
        assert_int_equal(cfg->stages[i].max_days, stages[i].max_days);
    }
    /* SPEC §1 weights and thresholds; the plan rules (§9) are off until turned on. */
    static const int weight[RULE_COUNT] = {2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1};
    for (int r = 0; r < RULE_COUNT; r++) {
        assert_true(cfg->rules[r].enabled == (r != RULE_BUYER_STEP_OVERDUE &&
                                              r != RULE_NO_BUYER_STEP &&
                                              r != RULE_NO_EXIT_EVIDENCE &&
                                              r != RULE_NO_DECISION_MAKER &&
                                              r != RULE_CHAMPION_SILENT));
        assert_int_equal(cfg->rules[r].weight, weight[r]);
    }
    assert_int_equal(cfg->rules[RULE_QUIET].threshold, 14);
    assert_int_equal(cfg->rules[RULE_BACK_BURNER].threshold, 2);
    assert_int_equal(cfg->rules[RULE_OVERDUE_STEP].threshold, 3);
    assert_int_equal(cfg->rules[RULE_BUYER_STEP_OVERDUE].threshold, 0);
    assert_int_equal(cfg->rules[RULE_CHAMPION_SILENT].threshold, 21);
    assert_int_equal(cfg->level_watch, 2);
    assert_int_equal(cfg->level_move_on, 4);
}

static void test_empty_object_gives_defaults(void **state)
{
    (void)state;
    pipeline_cfg cfg;
    db_err err;
    char *warnings = NULL;
    assert_int_equal(parse("{}", &cfg, &warnings, &err), 0);
    expect_defaults(&cfg);
    assert_string_equal(cfg.currency, "EUR");
    assert_true(warnings == NULL || *warnings == '\0');
    free(warnings);
    config_free(&cfg);
    /* null means absent too. */
    assert_int_equal(parse("{\"stages\": null, \"rules\": null, \"levels\": null}", &cfg, NULL,
                           &err), 0);
    expect_defaults(&cfg);
    config_free(&cfg);
}

/* The file `init` writes spells out the defaults and reads back as them. */
static void test_default_text_round_trip(void **state)
{
    (void)state;
    char *text = config_default_text("Acme Sales EMEA", "CHF");
    pipeline_cfg cfg;
    db_err err;
    char *warnings = NULL;
    assert_int_equal(parse(text, &cfg, &warnings, &err), 0);
    expect_defaults(&cfg);
    assert_string_equal(cfg.name, "Acme Sales EMEA");
    assert_string_equal(cfg.currency, "CHF");
    assert_true(warnings == NULL || *warnings == '\0');
    assert_non_null(strstr(text, "\"move-on\": 4"));
    assert_int_equal(text[strlen(text) - 1], '\n');
    free(warnings);
    free(text);
    config_free(&cfg);
}

static void test_overrides(void **state)
{
    (void)state;
    const char *text =
        "{\"name\": \"Acme Sales\", \"currency\": \"USD\",\n"
        " \"stages\": [{\"id\": \"lead\", \"name\": \"Lead\", \"probability\": 10, \"max_days\": 7},\n"
        "            {\"id\": \"trial\"},\n"
        "            {\"id\": \"signed\", \"name\": \"Signed\", \"probability\": 100}],\n"
        " \"rules\": {\"quiet\": {\"days\": 7, \"weight\": 3},\n"
        "           \"back-burner\": {\"pushes\": 1},\n"
        "           \"overdue-step\": {\"days\": 0, \"enabled\": false},\n"
        "           \"no-why-change\": {\"enabled\": false}},\n"
        " \"levels\": {\"watch\": 3, \"move-on\": 6}}";
    pipeline_cfg cfg;
    db_err err;
    assert_int_equal(parse(text, &cfg, NULL, &err), 0);
    assert_string_equal(cfg.name, "Acme Sales");
    assert_string_equal(cfg.currency, "USD");
    assert_int_equal(cfg.nstages, 3);
    assert_string_equal(cfg.stages[0].name, "Lead");
    assert_int_equal(cfg.stages[0].max_days, 7);
    assert_string_equal(cfg.stages[1].id, "trial");
    assert_string_equal(cfg.stages[1].name, "trial");      /* name defaults to the id */
    assert_int_equal(cfg.stages[1].probability, 0);
    assert_int_equal(cfg.stages[1].max_days, 30);
    assert_int_equal(cfg.stages[2].probability, 100);
    assert_int_equal(cfg.rules[RULE_QUIET].threshold, 7);
    assert_int_equal(cfg.rules[RULE_QUIET].weight, 3);
    assert_true(cfg.rules[RULE_QUIET].enabled);
    assert_int_equal(cfg.rules[RULE_BACK_BURNER].threshold, 1);
    assert_int_equal(cfg.rules[RULE_BACK_BURNER].weight, 2);  /* untouched key keeps default */
    assert_false(cfg.rules[RULE_OVERDUE_STEP].enabled);
    assert_int_equal(cfg.rules[RULE_OVERDUE_STEP].threshold, 0);
    assert_false(cfg.rules[RULE_NO_WHY_CHANGE].enabled);
    assert_true(cfg.rules[RULE_STALLED].enabled);
    assert_int_equal(cfg.level_watch, 3);
    assert_int_equal(cfg.level_move_on, 6);
    config_free(&cfg);
}

static void rejects(const char *text, const char *needle1, const char *needle2)
{
    pipeline_cfg cfg;
    db_err err;
    int rc = parse(text, &cfg, NULL, &err);
    if (rc == 0)
        fail_msg("accepted: %s", text);
    assert_int_equal(rc, err.code);
    if (strncmp(err.msg, "pipeline.json: ", 15) != 0)
        fail_msg("message does not name the file: %s", err.msg);
    if (needle1 && !strstr(err.msg, needle1))
        fail_msg("message lacks '%s': %s", needle1, err.msg);
    if (needle2 && !strstr(err.msg, needle2))
        fail_msg("message lacks '%s': %s", needle2, err.msg);
    /* A failed parse still leaves a usable default configuration. */
    expect_defaults(&cfg);
    config_free(&cfg);
}

static void test_errors(void **state)
{
    (void)state;
    rejects("{", "malformed JSON", NULL);
    rejects("[]", "expected a JSON object", NULL);
    rejects("{\"stages\": []}", "stages", "at least one stage");
    rejects("{\"stages\": {}}", "stages", "array");
    rejects("{\"stages\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"a\"}]}", "stage 3",
            "duplicate stage id");
    rejects("{\"stages\": [\"define\"]}", "stage 1", "object");
    rejects("{\"stages\": [{\"name\": \"Lead\"}]}", "stage 1", "'id' is missing");
    rejects("{\"stages\": [{\"id\": 5}]}", "stage 1", "'id'");
    rejects("{\"stages\": [{\"id\": \"\"}]}", "stage 1", "'id'");
    rejects("{\"stages\": [{\"id\": \"Lead Stage\"}]}", "stage 1", "a-z");
    rejects("{\"stages\": [{\"id\": \"../x\"}]}", "stage 1", "a-z");
    rejects("{\"stages\": [{\"id\": \"a\", \"name\": 3}]}", "stage 1", "'name'");
    rejects("{\"stages\": [{\"id\": \"a\", \"probability\": 150}]}", "stage 1", "'probability'");
    rejects("{\"stages\": [{\"id\": \"a\", \"probability\": 12.5}]}", "stage 1", "whole number");
    rejects("{\"stages\": [{\"id\": \"a\", \"max_days\": \"30\"}]}", "stage 1", "'max_days'");
    rejects("{\"stages\": [{\"id\": \"a\", \"max_days\": -1}]}", "stage 1", "'max_days'");
    rejects("{\"name\": 7}", "name", "non-empty string");
    rejects("{\"currency\": \"\"}", "currency", "non-empty string");
    rejects("{\"rules\": []}", "rules", "object");
    rejects("{\"rules\": {\"quiet\": 14}}", "rule 'quiet'", "object");
    rejects("{\"rules\": {\"quiet\": {\"days\": \"14\"}}}", "rule 'quiet'", "'days'");
    rejects("{\"rules\": {\"quiet\": {\"enabled\": \"yes\"}}}", "rule 'quiet'", "'enabled'");
    rejects("{\"rules\": {\"stalled\": {\"weight\": -1}}}", "rule 'stalled'", "'weight'");
    rejects("{\"rules\": {\"back-burner\": {\"pushes\": 1.5}}}", "rule 'back-burner'", "'pushes'");
    rejects("{\"stages\": [{\"id\": \"a\", \"evaluation\": \"yes\"}]}", "stage 1",
            "'evaluation' must be true or false");
    rejects("{\"stages\": [{\"id\": \"a\", \"evaluation\": true}, {\"id\": \"b\", "
            "\"evaluation\": true}]}", "stage 2", "mark one stage only");
    rejects("{\"levels\": 4}", "levels", "object");
    rejects("{\"levels\": {\"watch\": 5, \"move-on\": 4}}", "levels", "below");
    rejects("{\"levels\": {\"watch\": 0}}", "levels", "'watch'");
}

static void test_unknown_rule_warns(void **state)
{
    (void)state;
    pipeline_cfg cfg;
    db_err err;
    char *warnings = NULL;
    const char *text = "{\"rules\": {\"quiet\": {\"days\": 10}, \"no-champion\": {\"weight\": 1}},"
                       " \"future-key\": true}";
    assert_int_equal(parse(text, &cfg, &warnings, &err), 0);
    assert_non_null(warnings);
    assert_non_null(strstr(warnings, "pipeline.json"));
    assert_non_null(strstr(warnings, "unknown rule 'no-champion'"));
    assert_int_equal(cfg.rules[RULE_QUIET].threshold, 10);  /* the rest still loads */
    free(warnings);
    config_free(&cfg);
}

static void test_stage_lookup(void **state)
{
    (void)state;
    pipeline_cfg cfg;
    config_init_defaults(&cfg);
    config_default_stages(&cfg);
    assert_int_equal(config_stage_index(&cfg, "status-quo"), 0);
    assert_int_equal(config_stage_index(&cfg, "decide"), 5);
    assert_int_equal(config_stage_index(&cfg, "Decide"), -1);  /* index: exact ids only */
    assert_int_equal(config_stage_index(&cfg, "won"), -1);
    assert_int_equal(config_stage_index(&cfg, NULL), -1);
    assert_string_equal(config_stage(&cfg, "define")->name, "Define");
    assert_null(config_stage(&cfg, "nowhere"));

    assert_int_equal(config_stage_lookup(&cfg, "explore"), 3);
    assert_int_equal(config_stage_lookup(&cfg, "Explore"), 3);     /* by name, any case */
    assert_int_equal(config_stage_lookup(&cfg, "STATUS QUO"), 0);
    assert_int_equal(config_stage_lookup(&cfg, "ev"), 4);          /* unique id prefix */
    assert_int_equal(config_stage_lookup(&cfg, "de"), -1);         /* define or decide */
    assert_int_equal(config_stage_lookup(&cfg, "e"), -1);          /* explore or evaluate */
    assert_int_equal(config_stage_lookup(&cfg, "dec"), 5);
    assert_int_equal(config_stage_lookup(&cfg, ""), -1);
    assert_int_equal(config_stage_lookup(&cfg, NULL), -1);
    assert_int_equal(config_stage_lookup(&cfg, "won"), -1);
    assert_int_equal(config_stage_lookup(&cfg, "explore "), -1);

    char *list = config_stage_list(&cfg);
    assert_string_equal(list, "status-quo, recognize, define, explore, evaluate, decide");
    free(list);
    config_free(&cfg);
}

/* "evaluation": true names the evaluation stage; without it, "evaluate". */
static void test_evaluation_stage(void **state)
{
    (void)state;
    pipeline_cfg cfg;
    db_err err;
    assert_int_equal(parse("{\"stages\": [{\"id\": \"lead\"}, {\"id\": \"shortlist\", "
                           "\"evaluation\": true}, {\"id\": \"evaluate\"}]}", &cfg, NULL, &err), 0);
    assert_int_equal(config_evaluation_stage(&cfg), 1);
    config_free(&cfg);
    assert_int_equal(parse("{\"stages\": [{\"id\": \"lead\"}, {\"id\": \"evaluate\", "
                           "\"evaluation\": false}]}", &cfg, NULL, &err), 0);
    assert_int_equal(config_evaluation_stage(&cfg), 1);
    config_free(&cfg);
    assert_int_equal(parse("{\"stages\": [{\"id\": \"lead\"}]}", &cfg, NULL, &err), 0);
    assert_int_equal(config_evaluation_stage(&cfg), -1);
    config_free(&cfg);
}

static void test_rule_names(void **state)
{
    (void)state;
    const char *names[RULE_COUNT] = {"stalled", "quiet", "back-burner", "past-close",
                                     "no-next-step", "overdue-step", "no-why-change",
                                     "buyer-step-overdue", "no-buyer-step", "no-exit-evidence",
                                     "no-decision-maker", "champion-silent"};
    for (int r = 0; r < RULE_COUNT; r++) {
        rule_id id;
        assert_string_equal(rule_name((rule_id)r), names[r]);
        assert_true(rule_by_name(names[r], &id));
        assert_int_equal(id, r);
    }
    rule_id id;
    assert_false(rule_by_name("Quiet", &id));
    assert_false(rule_by_name("", &id));
    assert_string_equal(rule_threshold_key(RULE_QUIET), "days");
    assert_string_equal(rule_threshold_key(RULE_OVERDUE_STEP), "days");
    assert_string_equal(rule_threshold_key(RULE_BACK_BURNER), "pushes");
    assert_null(rule_threshold_key(RULE_STALLED));
}

/* The rules' Define and Evaluate, kept as stages are added, equal the look-up. */
static void test_define_and_evaluate_stages(void **state)
{
    (void)state;
    pipeline_cfg cfg = {0};
    assert_int_equal(config_define_stage(&cfg), -1);      /* a zeroed config: none */
    assert_int_equal(config_evaluate_stage(&cfg), -1);
    config_default_stages(&cfg);
    assert_int_equal(config_define_stage(&cfg), config_stage_index(&cfg, "define"));
    assert_int_equal(config_evaluate_stage(&cfg), config_stage_index(&cfg, "evaluate"));
    assert_int_equal(config_define_stage(&cfg), 2);
    config_free(&cfg);
    config_add_stage(&cfg, "lead", "Lead", 10, 30);
    config_add_stage(&cfg, "evaluate", "Evaluate", 50, 30);
    config_add_stage(&cfg, "evaluate", "Again", 60, 30);   /* the first counts, as in the look-up */
    assert_int_equal(config_define_stage(&cfg), -1);
    assert_int_equal(config_evaluate_stage(&cfg), 1);
    assert_int_equal(config_evaluate_stage(&cfg), config_stage_index(&cfg, "evaluate"));
    config_free(&cfg);
    assert_int_equal(config_evaluate_stage(&cfg), -1);    /* config_free forgets them */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_define_and_evaluate_stages),
        cmocka_unit_test(test_empty_object_gives_defaults),
        cmocka_unit_test(test_default_text_round_trip),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_unknown_rule_warns),
        cmocka_unit_test(test_stage_lookup),
        cmocka_unit_test(test_evaluation_stage),
        cmocka_unit_test(test_rule_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
