/* The daily review's walk without curses (pipeline/review_session.h): the
 * resume state's text format, what counts as handled, the summary counts and
 * the position through a sitting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../pipeline/review_session.h"
#include "../../pipeline/util.h"

#define DAY date_from_ymd(2026, 11, 20)

static const char *const ids[] = {"alpha-000001", "beta-000002", "gamma-000003", "delta-000004"};
#define NIDS 4

/* A queue of the four ids; the deals hold only their ids. */
typedef struct {
    deal deals[NIDS];
    review_item items[NIDS];
} queue;

static void make_queue(queue *q)
{
    memset(q, 0, sizeof *q);
    for (int i = 0; i < NIDS; i++) {
        q->deals[i].id = (char *)ids[i];
        q->items[i].d = &q->deals[i];
        q->items[i].category = i == 0 ? REVIEW_REVISIT : REVIEW_MOVE_ON;
    }
}

static void outcome_names_round_trip(void **state)
{
    (void)state;
    for (int o = 0; o < OUTCOME_COUNT; o++) {
        review_outcome back;
        assert_true(review_outcome_parse(review_outcome_name((review_outcome)o), &back));
        assert_int_equal(back, o);
        assert_true(*review_outcome_label((review_outcome)o));
    }
    review_outcome o;
    assert_false(review_outcome_parse("bogus", &o));
    assert_false(review_outcome_parse(NULL, &o));
    assert_string_equal(review_outcome_label(OUTCOME_NEXT_STEP), "next steps set");
    assert_string_equal(review_outcome_name(OUTCOME_MOVED_ON), "moved-on");
}

static void state_format_and_parse(void **state)
{
    (void)state;
    review_state s;
    review_state_init(&s, DAY);
    review_state_record(&s, "beta-000002", OUTCOME_SKIPPED);
    review_state_record(&s, "alpha-000001", OUTCOME_TOUCHED);
    review_state_record(&s, "alpha-000001", OUTCOME_STAGE);
    char *text = review_state_format(&s);
    assert_string_equal(text,
                        "# dealboard daily review: deals handled today (safe to delete)\n"
                        "day 2026-11-20\n"
                        "done beta-000002 skipped\n"
                        "done alpha-000001 touched,stage\n");
    review_state back;
    assert_true(review_state_parse(text, DAY, &back));
    assert_int_equal(back.ndone, 2);
    assert_string_equal(back.done[0].id, "beta-000002");
    assert_int_equal(review_state_outcomes(&back, "alpha-000001"),
                     (1u << OUTCOME_TOUCHED) | (1u << OUTCOME_STAGE));
    assert_int_equal(review_state_outcomes(&back, "gamma-000003"), 0);
    free(text);
    review_state_free(&back);
    review_state_free(&s);
}

static void another_day_starts_afresh(void **state)
{
    (void)state;
    review_state s;
    assert_false(review_state_parse("day 2026-11-19\ndone alpha-000001 touched\n", DAY, &s));
    assert_int_equal(s.ndone, 0);
    assert_int_equal(s.day, DAY);
    /* "done" lines before the day line of another day do not leak through */
    assert_false(review_state_parse("done alpha-000001 touched\nday 2026-11-19\n", DAY, &s));
    assert_int_equal(s.ndone, 0);
    /* no day line at all */
    assert_false(review_state_parse("done alpha-000001 touched\n", DAY, &s));
    assert_int_equal(s.ndone, 0);
    assert_false(review_state_parse(NULL, DAY, &s));
    assert_false(review_state_parse("", DAY, &s));
    review_state_free(&s);
}

static void bad_lines_are_ignored(void **state)
{
    (void)state;
    review_state s;
    const char *text = "# comment\r\n"
                       "day 2026-11-20\r\n"
                       "\n"
                       "done ../../etc/passwd touched\n"   /* not an id */
                       "done alpha-000001\n"                /* no outcomes */
                       "done beta-000002 exploded\n"        /* unknown outcome only */
                       "done gamma-000003 future,won\n"     /* unknown word kept out */
                       "whatever else\n";
    assert_true(review_state_parse(text, DAY, &s));
    assert_int_equal(s.ndone, 1);
    assert_string_equal(s.done[0].id, "gamma-000003");
    assert_int_equal(s.done[0].outcomes, 1u << OUTCOME_WON);
    review_state_free(&s);
}

static void summary_counts_deals(void **state)
{
    (void)state;
    review_state s;
    review_state_init(&s, DAY);
    review_state_record(&s, "alpha-000001", OUTCOME_SKIPPED);
    review_state_record(&s, "alpha-000001", OUTCOME_TOUCHED);   /* skipped, back, touched */
    review_state_record(&s, "beta-000002", OUTCOME_SKIPPED);
    review_state_record(&s, "gamma-000003", OUTCOME_TOUCHED);
    review_state_record(&s, "gamma-000003", OUTCOME_TOUCHED);   /* the same deal twice */
    review_state_record(&s, "delta-000004", OUTCOME_WON);
    review_summary sum;
    review_state_summary(&s, &sum);
    assert_int_equal(sum.reviewed, 4);
    assert_int_equal(sum.count[OUTCOME_TOUCHED], 2);
    assert_int_equal(sum.count[OUTCOME_SKIPPED], 1);
    assert_int_equal(sum.count[OUTCOME_WON], 1);
    assert_int_equal(sum.count[OUTCOME_LOST], 0);
    review_state_free(&s);
}

static void walk_forward_and_back(void **state)
{
    (void)state;
    queue q;
    make_queue(&q);
    review_state st;
    review_state_init(&st, DAY);
    review_session s;
    review_session_start(&s, q.items, NIDS, &st);
    assert_int_equal(st.ndone, 0);               /* taken over */
    assert_int_equal(review_session_total(&s), 4);
    assert_int_equal(review_session_number(&s), 1);
    assert_string_equal(review_session_current(&s)->id, "alpha-000001");
    assert_int_equal(review_session_current(&s)->category, REVIEW_REVISIT);
    assert_false(review_session_back(&s));        /* the first deal */
    review_session_act(&s, OUTCOME_REOPENED);
    review_session_act(&s, OUTCOME_SKIPPED);
    assert_int_equal(review_session_number(&s), 3);
    assert_true(review_session_back(&s));
    assert_string_equal(review_session_current(&s)->id, "beta-000002");
    review_session_act(&s, OUTCOME_LOST);
    review_session_act(&s, OUTCOME_WON);
    review_session_act(&s, OUTCOME_SNOOZED);
    assert_true(review_session_over(&s));
    assert_null(review_session_current(&s));
    review_session_act(&s, OUTCOME_TOUCHED);      /* over: nothing to record */
    assert_int_equal(review_session_number(&s), 5);
    review_summary sum;
    review_state_summary(&s.state, &sum);
    assert_int_equal(sum.reviewed, 4);
    assert_int_equal(sum.count[OUTCOME_SKIPPED], 0);
    assert_int_equal(sum.count[OUTCOME_LOST], 1);
    assert_true(review_session_back(&s));         /* from the summary to the last deal */
    assert_string_equal(review_session_current(&s)->id, "delta-000004");
    review_session_free(&s);
}

static void resume_skips_handled_deals(void **state)
{
    (void)state;
    queue q;
    make_queue(&q);
    review_state st;
    assert_true(review_state_parse("day 2026-11-20\ndone alpha-000001 reopened\n"
                                   "done gamma-000003 skipped\n"
                                   "done gone-000009 won\n",    /* handled, now out of the queue */
                                   DAY, &st));
    review_session s;
    review_session_start(&s, q.items, NIDS, &st);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.before, 3);
    assert_int_equal(review_session_total(&s), 5);
    assert_int_equal(review_session_number(&s), 4);
    assert_string_equal(review_session_current(&s)->id, "beta-000002");
    review_session_act(&s, OUTCOME_TOUCHED);
    assert_string_equal(review_session_current(&s)->id, "delta-000004");
    assert_int_equal(review_state_outcomes(&s.state, "beta-000002"), 1u << OUTCOME_TOUCHED);
    assert_int_equal(s.state.ndone, 4);
    review_session_free(&s);
}

static void empty_queue(void **state)
{
    (void)state;
    review_state st;
    review_state_init(&st, DAY);
    review_session s;
    review_session_start(&s, NULL, 0, &st);
    assert_true(review_session_over(&s));
    assert_int_equal(review_session_total(&s), 0);
    assert_false(review_session_back(&s));
    review_session_free(&s);
}

static void missing_step_in_words(void **state)
{
    (void)state;
    deal d;
    deal_init(&d);
    d.id = xstrdup("acme-000001");
    d.status = STATUS_OPEN;
    d.snooze_until = d.next_due = DAY_NONE;
    assert_string_equal(review_missing_step(&d, DAY), "has no next step");
    d.next_text = xstrdup("Call Anna");
    assert_string_equal(review_missing_step(&d, DAY), "has no due date for its next step");
    d.next_due = DAY - 1;
    assert_string_equal(review_missing_step(&d, DAY), "has an overdue next step");
    d.next_due = DAY;                                  /* due today is a plan */
    assert_null(review_missing_step(&d, DAY));
    d.next_due = DAY_NONE;
    d.snooze_until = DAY + 1;                          /* snoozed: parked on purpose */
    assert_null(review_missing_step(&d, DAY));
    d.snooze_until = DAY;                              /* the snooze ends today */
    assert_non_null(review_missing_step(&d, DAY));
    d.status = STATUS_MOVED_ON;
    assert_null(review_missing_step(&d, DAY));
    d.status = STATUS_WON;
    assert_null(review_missing_step(&d, DAY));
    deal_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(outcome_names_round_trip),
        cmocka_unit_test(state_format_and_parse),
        cmocka_unit_test(another_day_starts_afresh),
        cmocka_unit_test(bad_lines_are_ignored),
        cmocka_unit_test(summary_counts_deals),
        cmocka_unit_test(walk_forward_and_back),
        cmocka_unit_test(resume_skips_handled_deals),
        cmocka_unit_test(empty_queue),
        cmocka_unit_test(missing_step_in_words),
    };
    return cmocka_run_group_tests_name("review_session", tests, NULL, NULL);
}
