/* Exit evidence (pipeline/exit.h): what the user says was seen, where a
 * record goes, the CSV cell both ways, and a move that records it
 * (pipeline/edit.h) or refuses without changing the deal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/edit.h"
#include "../../pipeline/exit.h"

#define TODAY 20777 /* 2026-11-20 */

static void free_seen(char **seen, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(seen[i]);
    free(seen);
}

static void seen_by_number_or_in_words(void **state)
{
    (void)state;
    pipeline_cfg cfg;
    config_init_defaults(&cfg);
    config_default_stages(&cfg);
    const stage_def *define = &cfg.stages[2];
    assert_int_equal(define->nexits, 3);
    char **seen;
    size_t n;
    db_err err = {0};
    assert_int_equal(exit_parse_seen(define, "3,1", &seen, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(seen[0], define->exits[2]);
    assert_string_equal(seen[1], define->exits[0]);
    free_seen(seen, n);
    assert_int_equal(exit_parse_seen(define, "2, 2", &seen, &n, &err), 0);   /* once */
    assert_int_equal(n, 1);
    free_seen(seen, n);
    assert_int_equal(exit_parse_seen(define, "the CFO, in writing", &seen, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(seen[0], "the CFO, in writing");
    free_seen(seen, n);
    assert_int_equal(exit_parse_seen(define, "1,4", &seen, &n, &err), DB_EUSAGE);
    assert_string_equal(err.msg, "--seen 4: Define has outcomes 1 to 3");
    assert_null(seen);
    assert_int_equal(exit_parse_seen(define, "0", &seen, &n, &err), DB_EUSAGE);
    assert_int_equal(exit_parse_seen(define, "", &seen, &n, &err), DB_EUSAGE);
    stage_def bare = {.id = "b", .name = "Bare"};
    assert_int_equal(exit_parse_seen(&bare, "1", &seen, &n, &err), DB_EUSAGE);
    assert_string_equal(err.msg, "--seen 1: Bare has no exit outcomes in pipeline.json; "
                                 "say in words what was seen");
    config_free(&cfg);
}

static void cell_round_trips_byte_for_byte(void **state)
{
    (void)state;
    deal d, back;
    deal_init(&d);
    deal_init(&back);
    exit_record *r = deal_add_exit_record(&d, "e1a2b3c", "define", TODAY);
    exit_record_add_seen(r, "a number; \\ a big one\r\nreally");
    exit_record_add_seen(r, "");
    exit_record_add_seen(deal_add_exit_record(&d, "e000002", "explore", DAY_NONE), "criteria");
    char *cell = exit_to_cell(&d);
    assert_string_equal(cell, "e1a2b3c;define;2026-11-20;a number\\; \\\\ a big one\\r\\nreally;\n"
                              "e000002;explore;;criteria");
    db_err err = {0};
    assert_int_equal(exit_from_cell(&back, cell, &err), 0);
    char *again = exit_to_cell(&back);
    assert_string_equal(again, cell);
    assert_int_equal(back.nevidence, 2);
    assert_int_equal(back.evidence[0].nseen, 2);
    assert_string_equal(back.evidence[0].seen[0], "a number; \\ a big one\r\nreally");
    assert_int_equal(exit_from_cell(&back, "e1;define;2026-11-20;ok\ne2;define", &err), DB_EUSAGE);
    assert_string_equal(err.msg, "line 2: expected id;stage;date;seen[;seen…] "
                                 "(a ';' inside a text is written \\;)");
    assert_int_equal(exit_from_cell(&back, "e1;define;20-11-2026;ok", &err), DB_EUSAGE);
    assert_int_equal(back.nevidence, 2);                       /* unchanged */
    free(cell);
    free(again);
    deal_free(&d);
    deal_free(&back);
}

typedef struct {
    pipeline_cfg cfg;
    edit_ctx ctx;
    deal d;
    char *msg;
    db_err err;
} fixture;

static void make(fixture *f, const char *stage)
{
    memset(f, 0, sizeof *f);
    config_init_defaults(&f->cfg);
    config_default_stages(&f->cfg);
    f->ctx = (edit_ctx){.by = "Test Seller", .today = TODAY,
                        .now = (int64_t)TODAY * 86400 + 9 * 3600};
    new_deal in = {"Acme", "Acme", NULL, stage, 0, DAY_NONE, DAY_NONE, NULL};
    assert_int_equal(edit_create(&f->cfg, &f->ctx, &in, &f->d, &f->msg, &f->err), 0);
    free(f->msg);
    f->msg = NULL;
}

static void unmake(fixture *f)
{
    deal_free(&f->d);
    config_free(&f->cfg);
    free(f->msg);
}

static void move_forward_records_what_was_seen(void **state)
{
    (void)state;
    fixture f;
    make(&f, "define");
    assert_int_equal(edit_move(&f.cfg, &f.ctx, &f.d, "evaluate", "1,3", &f.msg, &f.err), 0);
    char *want = xasprintf("Move %s: Define → Evaluate; seen: %s; %s", f.d.id,
                           f.cfg.stages[2].exits[0], f.cfg.stages[2].exits[2]);
    assert_string_equal(f.msg, want);
    free(want);
    assert_int_equal(f.d.nevidence, 1);
    assert_string_equal(f.d.evidence[0].stage, "define");
    assert_int_equal(f.d.evidence[0].date, TODAY);
    assert_int_equal(f.d.evidence[0].nseen, 2);
    assert_int_equal(f.d.evidence[0].id[0], 'e');
    free(f.msg);
    f.msg = NULL;
    f.ctx.today = TODAY - 1;                        /* an older date goes first */
    assert_int_equal(edit_step(&f.cfg, &f.ctx, &f.d, +1, "the CFO signed off", &f.msg, &f.err), 0);
    assert_int_equal(f.d.nevidence, 2);
    assert_string_equal(f.d.evidence[0].stage, "evaluate");
    assert_string_equal(f.d.evidence[0].seen[0], "the CFO signed off");
    assert_true(exit_recorded(&f.d, "define") && exit_recorded(&f.d, "evaluate"));
    assert_false(exit_recorded(&f.d, "explore"));
    unmake(&f);
}

/* Back, sideways or with a number the stage does not have: refused, the
 * deal as it was (the move is not made without its evidence). */
static void move_back_or_bad_seen_changes_nothing(void **state)
{
    (void)state;
    fixture f;
    make(&f, "explore");
    size_t nlog = f.d.nlog;
    assert_int_equal(edit_move(&f.cfg, &f.ctx, &f.d, "define", "1", &f.msg, &f.err), DB_EUSAGE);
    assert_string_equal(f.err.msg, "--seen: records what showed a stage was done, on a move "
                                   "forward; Define is not after the deal's stage");
    assert_int_equal(edit_step(&f.cfg, &f.ctx, &f.d, +1, "7", &f.msg, &f.err), DB_EUSAGE);
    assert_string_equal(f.err.msg, "--seen 7: Explore has outcomes 1 to 2");
    assert_string_equal(f.d.stage, "explore");
    assert_int_equal(f.d.nevidence, 0);
    assert_int_equal(f.d.nlog, nlog);
    assert_null(f.msg);
    assert_int_equal(edit_move(&f.cfg, &f.ctx, &f.d, "decide", NULL, &f.msg, &f.err), 0);
    assert_int_equal(f.d.nevidence, 0);                          /* nothing said */
    unmake(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seen_by_number_or_in_words),
        cmocka_unit_test(cell_round_trips_byte_for_byte),
        cmocka_unit_test(move_forward_records_what_was_seen),
        cmocka_unit_test(move_back_or_bad_seen_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
