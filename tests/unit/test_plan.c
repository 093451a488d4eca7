/* The shared plan's pure parts (pipeline/plan.h): naming a step, where a new
 * step goes, the CSV cell both ways, and the summary the rules read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/edit.h"
#include "../../pipeline/plan.h"

static db_day day(const char *text)
{
    db_day d;
    assert_true(date_parse(text, &d));
    return d;
}

static void three_steps(deal *d)
{
    deal_init(d);
    d->id = xstrdup("acme-rollout-7f3a9c");
    deal_add_plan_step(d, "p1a2b3c", PLAN_BUYER, "Security review", day("2027-01-10"), DAY_NONE,
                       NULL);
    deal_add_plan_step(d, "p1a9999", PLAN_US, "Send the DPA", day("2027-01-12"),
                       day("2027-01-11"), "sent");
    deal_add_plan_step(d, "p7f0000", PLAN_BUYER, "CFO signs", DAY_NONE, DAY_NONE, NULL);
}

static void find_step_by_number_id_and_prefix(void **state)
{
    (void)state;
    deal d;
    db_err err = {0};
    three_steps(&d);
    assert_int_equal(plan_find_step(&d, "1", &err), 0);
    assert_int_equal(plan_find_step(&d, "3", &err), 2);
    assert_int_equal(plan_find_step(&d, "p1a9999", &err), 1);
    assert_int_equal(plan_find_step(&d, "p7", &err), 2);
    assert_int_equal(plan_find_step(&d, "p1a", &err), -1);
    assert_non_null(strstr(err.msg, "more than one step's id starts so"));
    assert_int_equal(plan_find_step(&d, "4", &err), -1);
    assert_non_null(strstr(err.msg, "the plan has steps 1 to 3"));
    assert_int_equal(plan_find_step(&d, "0", &err), -1);
    assert_int_equal(plan_find_step(&d, "pzz", &err), -1);
    assert_non_null(strstr(err.msg, "no such step"));
    deal_free(&d);
}

/* Due date first, undated last, equal dates by id. */
static void insert_index_keeps_the_order(void **state)
{
    (void)state;
    deal d;
    three_steps(&d);
    assert_int_equal(plan_insert_index(&d, day("2027-01-01"), "p0"), 0);
    assert_int_equal(plan_insert_index(&d, day("2027-01-10"), "p0"), 0);
    assert_int_equal(plan_insert_index(&d, day("2027-01-10"), "p2"), 1);
    assert_int_equal(plan_insert_index(&d, day("2027-01-13"), "p0"), 2);
    assert_int_equal(plan_insert_index(&d, DAY_NONE, "p0"), 2);
    assert_int_equal(plan_insert_index(&d, DAY_NONE, "p9"), 3);
    deal_free(&d);
}

static void cell_round_trips_byte_for_byte(void **state)
{
    (void)state;
    deal d, back;
    three_steps(&d);
    deal_set_str(&d.plan[0].text, "a;b\\c\nd\r\ne\\");
    deal_set_str(&d.plan[2].text, "");
    char *cell = plan_to_cell(&d);
    assert_string_equal(cell,
                        "p1a2b3c;buyer;2027-01-10;;a\\;b\\\\c\\nd\\r\\ne\\\\;\n"
                        "p1a9999;us;2027-01-12;2027-01-11;Send the DPA;sent\n"
                        "p7f0000;buyer;;;;");
    deal_init(&back);
    db_err err = {0};
    assert_int_equal(plan_from_cell(&back, cell, &err), 0);
    char *again = plan_to_cell(&back);
    assert_string_equal(again, cell);
    assert_string_equal(back.plan[0].text, "a;b\\c\nd\r\ne\\");
    free(again);
    free(cell);
    deal_free(&back);
    deal_free(&d);
}

static void bad_cells_say_which_line(void **state)
{
    (void)state;
    deal d;
    db_err err = {0};
    three_steps(&d);
    assert_int_equal(plan_from_cell(&d, "p1;buyer;;;x;\np2;them;;;y;", &err), DB_EUSAGE);
    assert_string_equal(err.msg, "line 2: owner 'them': expected buyer or us");
    assert_int_equal(plan_from_cell(&d, "p1;buyer;;;x", &err), DB_EUSAGE);
    assert_non_null(strstr(err.msg, "line 1: expected id;owner;due;done;text;evidence"));
    assert_int_equal(plan_from_cell(&d, "p1;us;2027-13-01;;x;", &err), DB_EUSAGE);
    assert_string_equal(err.msg, "line 1: dates are YYYY-MM-DD or empty");
    assert_int_equal(plan_from_cell(&d, ";us;;;x;", &err), DB_EUSAGE);
    assert_int_equal(d.nplan, 3);                        /* a bad cell changes nothing */
    assert_int_equal(plan_from_cell(&d, "p1;us;;;x;\r\n", &err), 0);   /* CRLF */
    assert_int_equal(d.nplan, 1);
    assert_string_equal(d.plan[0].evidence ? d.plan[0].evidence : "", "");
    assert_int_equal(plan_from_cell(&d, "", &err), 0);
    assert_int_equal(d.nplan, 0);
    deal_free(&d);
}

static void summary_counts_open_buyer_steps(void **state)
{
    (void)state;
    deal d;
    three_steps(&d);
    plan_summary s = plan_summarize(&d);
    assert_int_equal(s.buyer_open, 2);
    assert_int_equal(s.buyer_due, day("2027-01-10"));
    d.plan[0].done = day("2027-01-09");
    s = plan_summarize(&d);
    assert_int_equal(s.buyer_open, 1);
    assert_int_equal(s.buyer_due, DAY_NONE);             /* the open one has no date */
    deal_free(&d);
}

/* edit_plan_due: a step dated, re-dated or undated moves to its place in
 * the plan's order; the date it already has is refused, and a step not found
 * changes nothing. */
static void due_moves_the_step_to_its_place(void **state)
{
    (void)state;
    deal d;
    three_steps(&d);
    edit_ctx ctx = {.by = "Test Seller", .today = day("2027-01-05"),
                    .now = (int64_t)day("2027-01-05") * 86400};
    db_err err = {0};
    char *msg = NULL;
    assert_int_equal(edit_plan_due(&ctx, &d, "3", day("2027-01-01"), &msg, &err), 0);
    assert_string_equal(d.plan[0].id, "p7f0000");          /* now the earliest */
    assert_int_equal(d.plan[0].due, day("2027-01-01"));
    assert_string_equal(d.plan[1].id, "p1a2b3c");
    assert_string_equal(msg, "Plan for acme-rollout-7f3a9c: dated buyer step p7f0000 \"CFO signs\" "
                             "(due 2027-01-01), was undated");
    assert_string_equal(d.log[d.nlog - 1].kind, "plan");
    free(msg);
    assert_int_equal(edit_plan_due(&ctx, &d, "p7f", DAY_NONE, &msg, &err), 0);
    assert_string_equal(d.plan[2].id, "p7f0000");          /* undated: last again */
    assert_int_equal(d.plan[2].due, DAY_NONE);
    assert_non_null(strstr(msg, "undated buyer step p7f0000"));
    assert_non_null(strstr(msg, ", was 2027-01-01"));
    free(msg);
    msg = NULL;
    assert_int_equal(edit_plan_due(&ctx, &d, "1", day("2027-01-10"), &msg, &err), DB_EUSAGE);
    assert_string_equal(err.msg, "step p1a2b3c: due 2027-01-10 already: nothing to change");
    assert_int_equal(edit_plan_due(&ctx, &d, "4", day("2027-01-10"), &msg, &err), DB_EUSAGE);
    assert_null(msg);
    assert_int_equal(d.nplan, 3);
    deal_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(find_step_by_number_id_and_prefix),
        cmocka_unit_test(insert_index_keeps_the_order),
        cmocka_unit_test(cell_round_trips_byte_for_byte),
        cmocka_unit_test(bad_cells_say_which_line),
        cmocka_unit_test(summary_counts_open_buyer_steps),
        cmocka_unit_test(due_moves_the_step_to_its_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
