/* The board model (tui/board_model.h): columns, filter, sort, search,
 * selection and scrolling, without curses; and the prompt's line editor. */
#include "flag_fixture.h"

#include <locale.h>
#include <stdio.h>

#include "../../tui/board_model.h"
#include "../../tui/lineedit.h"

typedef struct {
    pipeline_cfg cfg;
    deal_list deals;
    board_model m;
} world;

static deal *add(world *w, const char *id, const char *title, const char *stage, int64_t value,
                 const char *owner)
{
    deal *d = fixture_clean_deal(id, title);
    deal_set_str(&d->stage, stage);
    deal_set_str(&d->owner, owner);
    d->value = value;
    deal_list_push(&w->deals, d);
    return d;
}

static void load(world *w)
{
    board_set_deals(&w->m, w->deals.items, w->deals.count);
}

/* define: Beta 120k, Acme 48k; explore: Gamma 9k (Other); won: Zeta. */
static int setup(void **state)
{
    world *w = xcalloc(1, sizeof *w);
    fixture_default_config(&w->cfg);
    board_init(&w->m, &w->cfg, TODAY, "Me");
    add(w, "acme-000001", "Acme Rollout", "define", 48000, "Me");
    deal *beta = add(w, "beta-000002", "Beta Platform", "define", 120000, "Me");
    deal_add_tag(beta, "fintech");
    deal *gamma = add(w, "gamma-000003", "Gamma Pricing", "explore", 9000, "Other");
    gamma->stage_entered = TODAY - 29;
    free(gamma->next_text);
    gamma->next_text = NULL;   /* flagged: no next step; quiet below */
    gamma->last_touch = TODAY - 20;
    add(w, "zeta-000004", "Zeta Won", "decide", 1, "Me")->status = STATUS_WON;
    load(w);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    board_free(&w->m);
    deal_list_free(&w->deals);
    config_free(&w->cfg);
    free(w);
    return 0;
}

static const char *sel_id(const world *w)
{
    const deal *d = board_selected(&w->m);
    return d ? d->id : "(none)";
}

static void columns_are_open_stages(void **state)
{
    world *w = *state;
    assert_int_equal(w->m.ncols, 6);
    assert_int_equal(w->m.cols[2].ncards, 2);
    assert_int_equal(w->m.cols[2].total, 168000);
    assert_int_equal(w->m.cols[3].ncards, 1);
    assert_int_equal(w->m.cols[5].ncards, 0);      /* the won deal is not on the board */
    assert_int_equal(board_count_shown(&w->m), 3);
    assert_int_equal(board_count_flagged(&w->m), 1);
}

static void unknown_stage_gets_its_own_column(void **state)
{
    world *w = *state;
    add(w, "odd-000005", "Odd Stage", "negotiation", 5, "Me");
    load(w);
    assert_int_equal(w->m.ncols, 7);
    assert_null(w->m.cols[6].stage);
    assert_int_equal(w->m.cols[6].ncards, 1);
    assert_string_equal(w->m.cols[6].cards[0]->deal->id, "odd-000005");
}

static void sorts_by_value_age_and_score(void **state)
{
    world *w = *state;
    assert_string_equal(w->m.cols[2].cards[0]->deal->id, "beta-000002");   /* value */
    w->deals.items[0]->stage_entered = TODAY - 20;                        /* Acme older */
    load(w);
    board_cycle_sort(&w->m);
    assert_int_equal(w->m.sort, SORT_AGE);
    assert_string_equal(w->m.cols[2].cards[0]->deal->id, "acme-000001");
    board_cycle_sort(&w->m);
    assert_int_equal(w->m.sort, SORT_SCORE);
    board_cycle_sort(&w->m);
    assert_int_equal(w->m.sort, SORT_VALUE);
}

static void selection_moves_and_clamps(void **state)
{
    world *w = *state;
    board_select_first_card(&w->m);
    assert_string_equal(sel_id(w), "beta-000002");
    board_move(&w->m, 0, 1);
    assert_string_equal(sel_id(w), "acme-000001");
    board_move(&w->m, 0, 5);                        /* clamped to the last card */
    assert_string_equal(sel_id(w), "acme-000001");
    board_move(&w->m, 1, 0);                        /* explore has one card */
    assert_string_equal(sel_id(w), "gamma-000003");
    board_move(&w->m, 1, 0);                        /* evaluate is empty */
    assert_null(board_selected(&w->m));
    board_move(&w->m, 10, 0);
    assert_int_equal(w->m.sel_col, 5);
    board_move(&w->m, -10, 0);
    assert_int_equal(w->m.sel_col, 0);
}

static void reload_keeps_the_selected_deal(void **state)
{
    world *w = *state;
    assert_true(board_select_id(&w->m, "acme-000001"));
    deal_set_str(&w->deals.items[0]->stage, "explore");   /* it moved */
    load(w);
    assert_string_equal(sel_id(w), "acme-000001");
    assert_int_equal(w->m.sel_col, 3);
}

static void filters(void **state)
{
    world *w = *state;
    assert_true(board_set_filter(&w->m, "mine"));
    assert_int_equal(board_count_shown(&w->m), 2);
    assert_true(board_set_filter(&w->m, "owner:other"));     /* case-insensitive name */
    assert_int_equal(board_count_shown(&w->m), 1);
    char text[64];
    board_filter_text(&w->m, text, sizeof text);
    assert_string_equal(text, "owner:other");
    assert_true(board_set_filter(&w->m, "flagged"));
    assert_int_equal(board_count_shown(&w->m), 1);
    assert_true(board_set_filter(&w->m, "tag:fintech"));
    assert_int_equal(board_count_shown(&w->m), 1);
    assert_false(board_set_filter(&w->m, "owner:"));
    assert_false(board_set_filter(&w->m, "bogus"));
    assert_true(board_set_filter(&w->m, "clear"));
    assert_int_equal(board_count_shown(&w->m), 3);
}

static void search_wraps_both_ways(void **state)
{
    world *w = *state;
    board_select_first_card(&w->m);
    assert_true(board_search(&w->m, "PLATFORM"));
    assert_string_equal(sel_id(w), "beta-000002");
    assert_true(board_search(&w->m, "a"));       /* the selected card matches itself */
    assert_string_equal(sel_id(w), "beta-000002");
    assert_true(board_search_next(&w->m, 1));
    assert_string_equal(sel_id(w), "acme-000001");
    assert_true(board_search_next(&w->m, 1));
    assert_string_equal(sel_id(w), "gamma-000003");
    assert_true(board_search_next(&w->m, 1));    /* wraps */
    assert_string_equal(sel_id(w), "beta-000002");
    assert_true(board_search_next(&w->m, -1));   /* wraps back */
    assert_string_equal(sel_id(w), "gamma-000003");
    assert_true(board_search(&w->m, "fintech"));  /* tags */
    assert_string_equal(sel_id(w), "beta-000002");
    assert_false(board_search(&w->m, "nothing-like-it"));
    assert_string_equal(sel_id(w), "beta-000002");
}

static void scroll_keeps_selection_visible(void **state)
{
    world *w = *state;
    for (int i = 0; i < 10; i++) {
        char id[32];
        snprintf(id, sizeof id, "many-%06d", i);
        add(w, id, "Many", "define", i, "Me");
    }
    load(w);
    board_select_id(&w->m, "many-000000");          /* lowest value: the last card */
    board_scroll(&w->m, 3, 4);
    assert_int_equal(w->m.sel_row, 11);
    assert_int_equal(w->m.cols[2].top, 8);
    assert_int_equal(w->m.first_col, 0);            /* column 2 is within the first 3 */
    w->m.sel_col = 5;
    w->m.sel_row = 0;
    board_scroll(&w->m, 3, 4);
    assert_int_equal(w->m.first_col, 3);
    board_first(&w->m);
    w->m.sel_col = 2;
    board_scroll(&w->m, 3, 4);
    assert_int_equal(w->m.cols[2].top, 0);
    assert_int_equal(w->m.first_col, 2);
}

static void next_step_states(void **state)
{
    (void)state;
    deal *d = fixture_clean_deal("x-000001", "X");
    assert_int_equal(board_next_state(d, TODAY), NEXT_LATER);
    d->next_due = TODAY;
    assert_int_equal(board_next_state(d, TODAY), NEXT_TODAY);
    d->next_due = TODAY - 1;
    assert_int_equal(board_next_state(d, TODAY), NEXT_OVERDUE);
    free(d->next_text);
    d->next_text = NULL;
    assert_int_equal(board_next_state(d, TODAY), NEXT_NONE);
    deal_destroy(d);
}

/* ---- the line editor ---------------------------------------------------- */

static void lineedit_utf8_cursor(void **state)
{
    (void)state;
    lineedit e;
    lineedit_init(&e, "ab");
    lineedit_insert(&e, 0x6771);                    /* 東: 3 bytes, 2 columns */
    assert_string_equal(e.text, "ab\xe6\x9d\xb1");
    assert_int_equal(lineedit_cursor_col(&e), 4);
    lineedit_apply(&e, ACTION_CURSOR_LEFT);
    assert_int_equal(e.cursor, 2);
    lineedit_insert(&e, 0x0142);                    /* ł */
    assert_string_equal(e.text, "ab\xc5\x82\xe6\x9d\xb1");
    lineedit_apply(&e, ACTION_DELETE_CHAR);         /* deletes 東 whole */
    assert_string_equal(e.text, "ab\xc5\x82");
    lineedit_apply(&e, ACTION_DELETE_BACK);         /* deletes ł whole */
    assert_string_equal(e.text, "ab");
    lineedit_insert(&e, 0x1b);                      /* control characters never enter */
    assert_string_equal(e.text, "ab");
    lineedit_free(&e);
}

static void lineedit_words_and_kills(void **state)
{
    (void)state;
    lineedit e;
    lineedit_init(&e, "send the proposal");
    lineedit_apply(&e, ACTION_WORD_LEFT);
    assert_int_equal(e.cursor, 9);
    lineedit_apply(&e, ACTION_WORD_LEFT);
    assert_int_equal(e.cursor, 5);
    lineedit_apply(&e, ACTION_WORD_RIGHT);
    assert_int_equal(e.cursor, 8);
    lineedit_apply(&e, ACTION_KILL_LINE);
    assert_string_equal(e.text, "send the");
    lineedit_apply(&e, ACTION_CURSOR_HOME);
    lineedit_apply(&e, ACTION_CURSOR_RIGHT);
    lineedit_apply(&e, ACTION_KILL_LINE_BACK);
    assert_string_equal(e.text, "end the");
    assert_int_equal(e.cursor, 0);
    lineedit_apply(&e, ACTION_CURSOR_END);
    assert_int_equal(e.cursor, 7);
    assert_false(lineedit_apply(&e, ACTION_QUIT));
    lineedit_free(&e);
}

static void lineedit_scrolls_by_columns(void **state)
{
    (void)state;
    lineedit e;
    lineedit_init(&e, "\xe6\x9d\xb1\xe6\x9d\xb1\xe6\x9d\xb1\xe6\x9d\xb1"); /* 4 wide chars */
    size_t start = lineedit_view_start(&e, 5);      /* 8 columns + cursor into 5 */
    assert_int_equal(start % 3, 0);                 /* never splits a character */
    assert_true(start >= 6);
    lineedit_free(&e);
}

int main(void)
{
    setlocale(LC_CTYPE, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(columns_are_open_stages, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_stage_gets_its_own_column, setup, teardown),
        cmocka_unit_test_setup_teardown(sorts_by_value_age_and_score, setup, teardown),
        cmocka_unit_test_setup_teardown(selection_moves_and_clamps, setup, teardown),
        cmocka_unit_test_setup_teardown(reload_keeps_the_selected_deal, setup, teardown),
        cmocka_unit_test_setup_teardown(filters, setup, teardown),
        cmocka_unit_test_setup_teardown(search_wraps_both_ways, setup, teardown),
        cmocka_unit_test_setup_teardown(scroll_keeps_selection_visible, setup, teardown),
        cmocka_unit_test(next_step_states),
        cmocka_unit_test(lineedit_utf8_cursor),
        cmocka_unit_test(lineedit_words_and_kills),
        cmocka_unit_test(lineedit_scrolls_by_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
