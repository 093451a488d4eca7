/* Header aliases, money and dates as spreadsheets write them, row -> deal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/csv_map.h"

static void test_normalize_name(void **state)
{
    (void)state;
    char out[64];
    csv_normalize_name("Deal - Title", out, sizeof out);
    assert_string_equal(out, "dealtitle");
    csv_normalize_name("  Expected close_date (UTC) ", out, sizeof out);
    assert_string_equal(out, "expectedclosedateutc");
    csv_normalize_name("Gr\xc3\xbcn", out, sizeof out);
    assert_string_equal(out, "grn");
    csv_normalize_name("abcdef", out, 4);
    assert_string_equal(out, "abc");
}

static void assert_field(const char *header, csv_field want)
{
    csv_field got = CSV_FIELD_COUNT;
    if (!csv_field_by_name(header, &got))
        fail_msg("'%s' maps to no field", header);
    if (got != want)
        fail_msg("'%s' maps to %s, not %s", header, csv_field_name(got), csv_field_name(want));
}

static void test_header_aliases(void **state)
{
    (void)state;
    assert_field("Deal - Title", CSV_F_TITLE);
    assert_field("Title", CSV_F_TITLE);
    assert_field("Name", CSV_F_TITLE);
    assert_field("Opportunity Name", CSV_F_TITLE);
    assert_field("Organization", CSV_F_ACCOUNT);
    assert_field("Deal - Organization", CSV_F_ACCOUNT);
    assert_field("ACCOUNT", CSV_F_ACCOUNT);
    assert_field("Company", CSV_F_ACCOUNT);
    assert_field("Deal value", CSV_F_VALUE);
    assert_field("Value", CSV_F_VALUE);
    assert_field("Amount", CSV_F_VALUE);
    assert_field("Expected close date", CSV_F_CLOSE_DATE);
    assert_field("Close date", CSV_F_CLOSE_DATE);
    assert_field("close_date", CSV_F_CLOSE_DATE);
    assert_field("Stage", CSV_F_STAGE);
    assert_field("Deal Stage", CSV_F_STAGE);
    assert_field("Owner", CSV_F_OWNER);
    assert_field("Deal - Owner", CSV_F_OWNER);
    assert_field("Next step", CSV_F_NEXT_STEP_TEXT);
    assert_field("next_step_due", CSV_F_NEXT_STEP_DUE);
    assert_field("Tags", CSV_F_TAGS);
    assert_field("Labels", CSV_F_TAGS);
    assert_field("Status", CSV_F_STATUS);
    assert_field("id", CSV_F_ID);
    assert_field("ID", CSV_F_ID);
    assert_field("Create Date", CSV_F_CREATED);
}

static void test_crm_ids_are_not_our_ids(void **state)
{
    (void)state;
    csv_field f;
    assert_false(csv_field_by_name("Deal - ID", &f));
    assert_false(csv_field_by_name("Opportunity ID", &f));
    assert_false(csv_field_by_name("Probability (%)", &f));
    assert_false(csv_field_by_name("", &f));
}

static void test_mapping(void **state)
{
    (void)state;
    const char *header[] = {"Deal - ID", "Deal - Title", "Name", "Revenue (net)", "Stage"};
    csv_override ov[] = {{"revenue net", "value"}, {"Deal - ID", "ignore"}};
    csv_mapping m;
    db_err err;
    assert_int_equal(csv_mapping_build(&m, header, 5, ov, 2, &err), 0);
    assert_int_equal(m.column[CSV_F_TITLE], 1);     /* the first title column wins */
    assert_int_equal(m.column[CSV_F_VALUE], 3);
    assert_int_equal(m.column[CSV_F_STAGE], 4);
    assert_int_equal(m.column[CSV_F_ID], -1);
    char *unused = csv_mapping_unused(&m);
    assert_string_equal(unused, "Deal - ID, Name");
    free(unused);
    csv_mapping_free(&m);
}

static void test_mapping_errors(void **state)
{
    (void)state;
    const char *header[] = {"Company", "Amount"};
    csv_mapping m;
    db_err err;
    assert_int_equal(csv_mapping_build(&m, header, 2, NULL, 0, &err), DB_EUSAGE);
    assert_non_null(strstr(err.msg, "no title column (columns: Company, Amount)"));
    csv_override no_column = {"Deal", "title"};
    assert_int_equal(csv_mapping_build(&m, header, 2, &no_column, 1, &err), DB_EUSAGE);
    assert_non_null(strstr(err.msg, "--map Deal: no such column"));
    csv_override no_field = {"Company", "colour"};
    assert_int_equal(csv_mapping_build(&m, header, 2, &no_field, 1, &err), DB_EUSAGE);
    assert_non_null(strstr(err.msg, "unknown field (fields: id, title,"));
    csv_override twice[] = {{"Company", "title"}, {"Amount", "title"}};
    assert_int_equal(csv_mapping_build(&m, header, 2, twice, 2, &err), DB_EUSAGE);
    csv_override title = {"Company", "title"};
    assert_int_equal(csv_mapping_build(&m, header, 2, &title, 1, &err), 0);
    assert_int_equal(m.column[CSV_F_TITLE], 0);
    csv_mapping_free(&m);
}

static void assert_money(const char *text, int64_t want)
{
    int64_t got = -1;
    if (!csv_parse_money(text, &got))
        fail_msg("'%s' was refused", text);
    if (got != want)
        fail_msg("'%s' read as %lld, not %lld", text, (long long)got, (long long)want);
}

static void test_money(void **state)
{
    (void)state;
    assert_money("48000", 48000);
    assert_money("48,000", 48000);
    assert_money("48.000", 48000);
    assert_money("48 000", 48000);
    assert_money("48\xc2\xa0" "000", 48000);            /* no-break space */
    assert_money("1'234'500", 1234500);
    assert_money("48000.00", 48000);
    assert_money("48000.000", 48000);
    assert_money("1,234,567.89", 1234568);
    assert_money("1.234.567,49", 1234567);
    assert_money("1,5", 2);                             /* rounded half up */
    assert_money("0.49", 0);
    assert_money("\xe2\x82\xac" "48,000", 48000);       /* €48,000 */
    assert_money("48.000 \xe2\x82\xac", 48000);         /* 48.000 € */
    assert_money("$1,200.50", 1201);
    assert_money("USD 48,000", 48000);
    assert_money("48000 EUR", 48000);
    assert_money("48.000,-", 48000);
    assert_money("48k", 48000);
    assert_money("1.5m", 1500000);
    assert_money("  12 500  ", 12500);
    assert_money("", 0);
    assert_money("9007199254740992", 9007199254740992LL);
}

static void test_money_refused(void **state)
{
    (void)state;
    const char *bad[] = {"TBD", "n/a", "-5", "48000-", "about 40k", "12abc34",
                         "9007199254740993", "99999999999999999999", "€", "1e6", NULL};
    for (int i = 0; bad[i]; i++) {
        int64_t v;
        if (csv_parse_money(bad[i], &v))
            fail_msg("'%s' was read as %lld", bad[i], (long long)v);
    }
}

static void assert_date(const char *text, const char *want)
{
    db_day day;
    const char *why = csv_parse_date(text, &day);
    if (why)
        fail_msg("'%s': %s", text, why);
    char got[DATE_LEN];
    date_format(day, got);
    if (strcmp(got, want) != 0)
        fail_msg("'%s' read as %s, not %s", text, got, want);
}

static void test_dates(void **state)
{
    (void)state;
    assert_date("2027-03-31", "2027-03-31");
    assert_date(" 2027-03-31 ", "2027-03-31");
    assert_date("2027-03-31T00:00:00Z", "2027-03-31");
    assert_date("2027-03-31 14:30", "2027-03-31");
    assert_date("2027/3/1", "2027-03-01");
    assert_date("31.03.2027", "2027-03-31");
    assert_date("1.2.2027", "2027-02-01");
    assert_date("03/31/2027", "2027-03-31");
    assert_date("3/1/2027 0:00", "2027-03-01");
    assert_date("2028-02-29", "2028-02-29");
    db_day day = 0;
    assert_null(csv_parse_date("", &day));
    assert_int_equal(day, DAY_NONE);
}

static void test_dates_refused(void **state)
{
    (void)state;
    const char *bad[] = {"2027-02-30", "2027-13-01", "31-03-2027", "03/31/27", "tomorrow",
                         "2027-03", "2027-03-31-01", "20270331", "1969-12-31", NULL};
    for (int i = 0; bad[i]; i++) {
        db_day day;
        if (!csv_parse_date(bad[i], &day))
            fail_msg("'%s' was taken as a date", bad[i]);
    }
    db_day day;
    const char *why = csv_parse_date("31/03/2027", &day);
    assert_non_null(why);
    assert_non_null(strstr(why, "looks like DD/MM/YYYY"));
}

static void test_stage_lookup(void **state)
{
    (void)state;
    pipeline_cfg cfg;
    config_init_defaults(&cfg);
    config_default_stages(&cfg);
    assert_int_equal(csv_stage_lookup(&cfg, "define"), 2);
    assert_int_equal(csv_stage_lookup(&cfg, "DEFINE"), 2);
    assert_int_equal(csv_stage_lookup(&cfg, "Status quo"), 0);
    assert_int_equal(csv_stage_lookup(&cfg, "Status-Quo"), 0);
    assert_int_equal(csv_stage_lookup(&cfg, "status_quo"), 0);
    assert_int_equal(csv_stage_lookup(&cfg, "Negotiation"), -1);
    assert_int_equal(csv_stage_lookup(&cfg, ""), -1);
    config_free(&cfg);
}

static void test_formula_guard(void **state)
{
    (void)state;
    const char *texts[] = {"=SUM(A1)", "+49 30 1234", "-5% discount", "@mention", "'=x",
                           "''+y", "plain", "it's", "'quoted'", "", NULL};
    const char *guarded[] = {"'=SUM(A1)", "'+49 30 1234", "'-5% discount", "'@mention",
                             "''=x", "'''+y", "plain", "it's", "'quoted'", ""};
    for (int i = 0; texts[i]; i++) {
        char *g = csv_guard_cell(texts[i]);
        assert_string_equal(g, guarded[i]);
        assert_string_equal(csv_unguard_cell(g), texts[i]);
        free(g);
    }
}

/* ---- rows ------------------------------------------------------------- */

typedef struct {
    pipeline_cfg cfg;
    csv_mapping map;
    edit_ctx ctx;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    config_init_defaults(&fx->cfg);
    config_default_stages(&fx->cfg);
    const char *header[] = {"Title", "Organization", "Deal value", "Expected close date",
                            "Stage", "Tags", "Next step", "Next step due", "Status"};
    db_err err;
    if (csv_mapping_build(&fx->map, header, 9, NULL, 0, &err))
        return -1;
    date_parse("2026-11-20", &fx->ctx.today);
    fx->ctx.by = "Test Seller";
    fx->ctx.now = (int64_t)fx->ctx.today * 86400;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    csv_mapping_free(&fx->map);
    config_free(&fx->cfg);
    free(fx);
    return 0;
}

static void test_row_create(void **state)
{
    fixture *fx = *state;
    const char *cells[] = {"Claims hub", "Adler AG, Köln", "€48,000", "31.03.2027", "Define",
                           "hot; insurance ,", "Call the CFO", "2026-12-02", ""};
    csv_row row;
    db_err err;
    assert_int_equal(csv_row_read(&fx->cfg, &fx->map, cells, 9, &row, &err), 0);
    deal d;
    csv_row_create(&fx->cfg, &fx->ctx, &row, "claims-hub-7f3a9c", "crm.csv", &d);
    assert_string_equal(d.id, "claims-hub-7f3a9c");
    assert_string_equal(d.account, "Adler AG, Köln");
    assert_string_equal(d.owner, "Test Seller");         /* no owner column: the importer */
    assert_string_equal(d.stage, "define");
    assert_int_equal(d.value, 48000);
    assert_int_equal(d.status, STATUS_OPEN);
    assert_int_equal(d.created, fx->ctx.today);
    assert_int_equal(d.ntags, 2);
    assert_string_equal(d.tags[1], "insurance");
    assert_string_equal(d.next_text, "Call the CFO");
    assert_int_equal(d.nlog, 1);
    assert_string_equal(d.log[0].text, "Imported from crm.csv");
    deal_free(&d);
}

static void test_row_errors(void **state)
{
    fixture *fx = *state;
    struct {
        const char *cells[9];
        const char *why;
    } cases[] = {
        {{"T", "", "TBD", "", "", "", "", "", ""}, "Deal value: 'TBD' is not an amount"},
        {{"T", "", "", "2027-02-30", "", "", "", "", ""}, "Expected close date: '2027-02-30'"},
        {{"T", "", "", "", "Negotiation", "", "", "", ""},
         "Stage: 'Negotiation' is not a stage (stages: status-quo, recognize, define"},
        {{" ", "", "", "", "", "", "", "", ""}, "Title: empty"},
        {{"T", "", "", "", "", "", "", "2027-01-01", ""}, "a due date without a next step"},
        {{"T", "", "", "", "", "", "", "", "deleted"}, "Status: 'deleted' is not open, won"},
        {{"T", "\xff", "", "", "", "", "", "", ""}, "Organization: not valid UTF-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        csv_row row;
        db_err err;
        assert_int_equal(csv_row_read(&fx->cfg, &fx->map, cases[i].cells, 9, &row, &err),
                         DB_EUSAGE);
        if (!strstr(err.msg, cases[i].why))
            fail_msg("case %zu: '%s' does not say '%s'", i, err.msg, cases[i].why);
    }
    const char *extra[] = {"T", "", "", "", "", "", "", "", "", "surplus"};
    csv_row row;
    db_err err;
    assert_int_equal(csv_row_read(&fx->cfg, &fx->map, extra, 10, &row, &err), DB_EUSAGE);
    assert_non_null(strstr(err.msg, "10 cells, but the header has 9 columns"));
    const char *short_row[] = {"Only a title"};
    assert_int_equal(csv_row_read(&fx->cfg, &fx->map, short_row, 1, &row, &err), 0);
}

static void test_row_id(void **state)
{
    (void)state;
    csv_row row = {0};
    const char *id;
    db_err err;
    row.text[CSV_F_ID] = "acme-rollout-7f3a9c";
    assert_int_equal(csv_row_id(&row, &id, &err), 0);
    assert_string_equal(id, "acme-rollout-7f3a9c");
    row.text[CSV_F_ID] = "";
    assert_int_equal(csv_row_id(&row, &id, &err), 0);
    const char *bad[] = {"1041", "Acme-rollout-7f3a9c", "acme-rollout-7f3a9g", "../etc-7f3a9c"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        row.text[CSV_F_ID] = bad[i];
        assert_int_equal(csv_row_id(&row, &id, &err), DB_EUSAGE);
    }
}

static void test_row_update(void **state)
{
    fixture *fx = *state;
    const char *cells[] = {"Claims hub", "Adler", "48000", "2027-03-31", "Define", "", "", "",
                           ""};
    csv_row row;
    db_err err;
    assert_int_equal(csv_row_read(&fx->cfg, &fx->map, cells, 9, &row, &err), 0);
    deal d;
    csv_row_create(&fx->cfg, &fx->ctx, &row, "claims-hub-7f3a9c", "a.csv", &d);
    assert_null(csv_row_update(&fx->cfg, &fx->ctx, &row, &d, "b.csv"));
    assert_int_equal(d.nlog, 1);

    fx->ctx.today += 5;
    const char *later[] = {"Claims hub", "Adler", "50,000", "2027-04-30", "explore", "", "",
                           "", "won"};
    assert_int_equal(csv_row_read(&fx->cfg, &fx->map, later, 9, &row, &err), 0);
    char *fields = csv_row_update(&fx->cfg, &fx->ctx, &row, &d, "b.csv");
    assert_string_equal(fields, "stage, status, value, stage_entered, close_date, "
                                "close_date_pushes");
    assert_int_equal(d.close_date_pushes, 1);       /* a later close date is a push */
    assert_int_equal(d.stage_entered, fx->ctx.today);
    assert_int_equal(d.nlog, 2);
    assert_non_null(strstr(d.log[1].text, "Updated from b.csv: stage, status"));
    free(fields);
    fx->ctx.today -= 5;
    deal_free(&d);
}

static void test_deal_cells(void **state)
{
    (void)state;
    deal d;
    deal_init(&d);
    d.id = strdup("acme-7f3a9c");
    d.title = strdup("Acme");
    d.value = 1200;
    deal_add_tag(&d, "a");
    deal_add_tag(&d, "b c");
    date_parse("2027-01-02", &d.snooze_until);
    d.snooze_reason = strdup("holidays");
    d.next_due = 5;                       /* no next step text: not exported */
    char *cells[CSV_FIELD_COUNT];
    csv_deal_cells(&d, cells);
    assert_string_equal(cells[CSV_F_VALUE], "1200");
    assert_string_equal(cells[CSV_F_STATUS], "open");
    assert_string_equal(cells[CSV_F_TAGS], "a;b c");
    assert_string_equal(cells[CSV_F_SNOOZE_UNTIL], "2027-01-02");
    assert_string_equal(cells[CSV_F_SNOOZE_REASON], "holidays");
    assert_string_equal(cells[CSV_F_NEXT_STEP_DUE], "");
    assert_string_equal(cells[CSV_F_CREATED], "");
    assert_string_equal(cells[CSV_F_CLOSE_DATE_PUSHES], "0");
    csv_cells_free(cells);
    deal_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_name),
        cmocka_unit_test(test_header_aliases),
        cmocka_unit_test(test_crm_ids_are_not_our_ids),
        cmocka_unit_test(test_mapping),
        cmocka_unit_test(test_mapping_errors),
        cmocka_unit_test(test_money),
        cmocka_unit_test(test_money_refused),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_dates_refused),
        cmocka_unit_test(test_stage_lookup),
        cmocka_unit_test(test_formula_guard),
        cmocka_unit_test_setup_teardown(test_row_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_row_errors, setup, teardown),
        cmocka_unit_test(test_row_id),
        cmocka_unit_test_setup_teardown(test_row_update, setup, teardown),
        cmocka_unit_test(test_deal_cells),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
