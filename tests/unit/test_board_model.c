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

/* cluster:NAME as `dealboard clusters` groups: blanks around the name do
 * not count, its case does; cluster:(none) shows the deals without one. */
static void cluster_filter(void **state)
{
    world *w = *state;
    deal_set_str(&w->deals.items[0]->cluster, " fax ");
    deal_set_str(&w->deals.items[1]->cluster, "Fax");
    load(w);
    assert_true(board_set_filter(&w->m, "cluster: fax"));
    assert_int_equal(board_count_shown(&w->m), 1);
    assert_true(board_select_id(&w->m, "acme-000001"));
    assert_false(board_select_id(&w->m, "beta-000002"));   /* "Fax": another cluster */
    char text[160];
    board_filter_text(&w->m, text, sizeof text);
    assert_string_equal(text, "cluster:fax");
    assert_true(board_set_filter(&w->m, "cluster:Fax"));
    assert_int_equal(board_count_shown(&w->m), 1);
    assert_true(board_set_filter(&w->m, "cluster:(none)"));
    assert_int_equal(board_count_shown(&w->m), 1);
    board_filter_text(&w->m, text, sizeof text);
    assert_string_equal(text, "cluster:(none)");
    assert_true(board_set_filter(&w->m, "cluster:paper"));
    assert_int_equal(board_count_shown(&w->m), 0);
    assert_false(board_set_filter(&w->m, "cluster:"));
    assert_false(board_set_filter(&w->m, "cluster:  "));
    char longer[200];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    memcpy(longer, "cluster:", 8);
    assert_false(board_set_filter(&w->m, longer));   /* does not fit: refused, not cut */
}

/* "mine" is the git name or e-mail (pipeline/owner.c), and carries into the review. */
static void mine_is_name_or_email(void **state)
{
    world *w = *state;
    deal_set_str(&w->deals.items[0]->owner, "me@example.com");      /* Acme */
    deal_set_str(&w->deals.items[1]->owner, " ME ");                 /* Beta */
    load(w);
    board_set_identity(&w->m, "Me", "ME@example.com");
    assert_true(board_set_filter(&w->m, "mine"));
    assert_int_equal(board_count_shown(&w->m), 2);
    owner_scope scope;
    assert_true(board_owner_scope(&w->m, &scope));
    assert_int_equal(scope.kind, OWNER_MINE);
    assert_string_equal(scope.me.email, "ME@example.com");
    board_set_identity(&w->m, NULL, "me@example.com");              /* no name set */
    assert_int_equal(board_count_shown(&w->m), 1);
    board_set_identity(&w->m, NULL, NULL);                          /* no identity */
    assert_int_equal(board_count_shown(&w->m), 0);
    assert_true(board_set_filter(&w->m, "owner:Other"));
    assert_true(board_owner_scope(&w->m, &scope));
    assert_int_equal(scope.kind, OWNER_NAMED);
    assert_string_equal(scope.name, "Other");
    assert_true(board_set_filter(&w->m, "flagged"));
    assert_false(board_owner_scope(&w->m, &scope));
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
    lineedit_apply(&e, ACTION_CURSOR_END);          /* keep the pre-fill, edit it */
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

/* Issue 14: "e value 50k" on 85,000 saved 8,500,050,000. A pre-fill is
 * selected: typing replaces it, a delete clears it, a cursor move keeps it. */
static void lineedit_prefill_is_selected(void **state)
{
    (void)state;
    lineedit e;
    lineedit_init(&e, "85000");
    assert_true(e.selected);
    lineedit_insert(&e, 0x1b);                      /* a control key is not typing */
    assert_true(e.selected);
    assert_string_equal(e.text, "85000");
    lineedit_insert(&e, '5');
    lineedit_insert(&e, '0');
    lineedit_insert(&e, 'k');
    assert_string_equal(e.text, "50k");
    assert_false(e.selected);
    assert_int_equal(e.cursor, 3);
    lineedit_free(&e);

    lineedit_init(&e, "Call Lars");
    assert_false(lineedit_apply(&e, ACTION_QUIT));  /* not an edit: still selected */
    assert_true(e.selected);
    assert_true(lineedit_apply(&e, ACTION_DELETE_BACK));
    assert_string_equal(e.text, "");                /* Backspace takes the selection */
    assert_false(e.selected);
    lineedit_set(&e, "Call Lars");
    assert_false(e.selected);                       /* set (Tab, normalising): no selection */
    lineedit_free(&e);

    db_action kills[] = {ACTION_DELETE_CHAR, ACTION_KILL_LINE, ACTION_KILL_LINE_BACK};
    for (size_t i = 0; i < sizeof kills / sizeof *kills; i++) {
        lineedit_init(&e, "flagged");
        assert_true(lineedit_apply(&e, kills[i]));
        assert_string_equal(e.text, "");
        lineedit_free(&e);
    }

    lineedit_init(&e, "flagged");
    lineedit_apply(&e, ACTION_CURSOR_LEFT);         /* moves and keeps the text */
    assert_false(e.selected);
    assert_int_equal(e.cursor, 6);
    lineedit_insert(&e, 'X');
    assert_string_equal(e.text, "flaggeXd");
    lineedit_free(&e);

    lineedit_init(&e, "flagged");
    lineedit_apply(&e, ACTION_CURSOR_HOME);
    lineedit_insert(&e, '!');
    assert_string_equal(e.text, "!flagged");
    lineedit_free(&e);

    lineedit_init(&e, "");
    assert_false(e.selected);                       /* nothing to select */
    lineedit_free(&e);
    lineedit_init(&e, NULL);
    assert_false(e.selected);
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


/* ---- one own change without a rebuild (board_replace_deal) -------------- */

/* A second version of deal i, as the store hands it back after an edit. */
static deal *changed_copy(const deal *old, const char *stage, int64_t value, deal_status status)
{
    deal *d = fixture_clean_deal(old->id, old->title);
    deal_set_str(&d->stage, stage);
    deal_set_str(&d->owner, old->owner);
    for (size_t i = 0; i < old->ntags; i++)
        deal_add_tag(d, old->tags[i]);
    d->value = value;
    d->status = status;
    d->stage_entered = TODAY;
    return d;
}

/* The incremental model must equal a rebuilt one: cards in order, totals,
 * flags and the selection. */
static void assert_same_board(const board_model *a, const board_model *b)
{
    assert_int_equal(a->ncols, b->ncols);
    for (size_t i = 0; i < a->ncols; i++) {
        assert_int_equal(a->cols[i].ncards, b->cols[i].ncards);
        assert_int_equal(a->cols[i].total, b->cols[i].total);
        assert_int_equal(a->cols[i].nother, b->cols[i].nother);
        for (size_t j = 0; j < a->cols[i].ncards; j++) {
            assert_string_equal(a->cols[i].cards[j]->deal->id, b->cols[i].cards[j]->deal->id);
            assert_int_equal(a->cols[i].cards[j]->flag.score, b->cols[i].cards[j]->flag.score);
        }
    }
    assert_int_equal(a->totals.open_count, b->totals.open_count);
    assert_int_equal(a->totals.open_value, b->totals.open_value);
    assert_int_equal(a->totals.open_weighted, b->totals.open_weighted);
    assert_int_equal(a->totals.other_currencies, b->totals.other_currencies);
    assert_int_equal(board_count_flagged(a), board_count_flagged(b));
    assert_int_equal(a->sel_col, b->sel_col);
    assert_int_equal(a->sel_row, b->sel_row);
}

/* Replaces deal i in w incrementally and checks against a fresh model. */
static void replace_and_compare(world *w, size_t i, deal *fresh)
{
    deal *old = w->deals.items[i];
    w->deals.items[i] = fresh;
    assert_true(board_replace_deal(&w->m, old, fresh));
    deal_destroy(old);
    board_model rebuilt;
    board_init(&rebuilt, &w->cfg, TODAY, "Me");
    rebuilt.sort = w->m.sort;
    rebuilt.filter = w->m.filter;
    board_set_deals(&rebuilt, w->deals.items, w->deals.count);
    const deal *sel = board_selected(&w->m);
    if (sel)
        assert_true(board_select_id(&rebuilt, sel->id));
    else {
        rebuilt.sel_col = w->m.sel_col;
        rebuilt.sel_row = w->m.sel_row;
    }
    assert_same_board(&w->m, &rebuilt);
    board_free(&rebuilt);
}

static void replace_equals_rebuild(void **state)
{
    world *w = *state;
    assert_true(board_select_id(&w->m, "acme-000001"));
    /* Acme moves on to explore: selected there, sorted above Gamma. */
    replace_and_compare(w, 0, changed_copy(w->deals.items[0], "explore", 48000, STATUS_OPEN));
    assert_string_equal(sel_id(w), "acme-000001");
    assert_int_equal(w->m.sel_col, 3);
    assert_int_equal(w->m.sel_row, 0);
    /* Beta, not selected, shrinks below Acme's value in another column. */
    replace_and_compare(w, 1, changed_copy(w->deals.items[1], "define", 10, STATUS_OPEN));
    assert_string_equal(sel_id(w), "acme-000001");
    /* Beta, selected, changes in place: the selection follows it there. */
    assert_true(board_select_id(&w->m, "beta-000002"));
    replace_and_compare(w, 1, changed_copy(w->deals.items[1], "define", 90000, STATUS_OPEN));
    assert_string_equal(sel_id(w), "beta-000002");
    replace_and_compare(w, 1, changed_copy(w->deals.items[1], "explore", 1, STATUS_OPEN));
    assert_string_equal(sel_id(w), "beta-000002");
    assert_true(board_select_id(&w->m, "acme-000001"));
    /* Gamma, filtered out, moves: the selection stays put. */
    assert_true(board_set_filter(&w->m, "mine"));
    replace_and_compare(w, 2, changed_copy(w->deals.items[2], "evaluate", 7, STATUS_OPEN));
    /* A closed deal leaves the board; the selection stays where it was. */
    assert_true(board_set_filter(&w->m, "clear"));
    board_cycle_sort(&w->m);
    replace_and_compare(w, 0, changed_copy(w->deals.items[0], "explore", 48000, STATUS_WON));
    assert_int_equal(board_count_shown(&w->m), 2);
}

/* A column sums the deals in the pipeline's currency only and counts the
 * others, incrementally as a rebuild would. */
static void column_sums_one_currency(void **state)
{
    world *w = *state;
    deal *chf = changed_copy(w->deals.items[1], "define", 70000, STATUS_OPEN);
    deal_set_str(&chf->currency, "CHF");
    replace_and_compare(w, 1, chf);
    assert_int_equal(w->m.cols[2].total, 48000);          /* Acme only */
    assert_int_equal(w->m.cols[2].nother, 1);
    deal *moved = changed_copy(w->deals.items[1], "explore", 70000, STATUS_OPEN);
    deal_set_str(&moved->currency, "chf");
    replace_and_compare(w, 1, moved);
    assert_int_equal(w->m.cols[2].nother, 0);
    assert_int_equal(w->m.cols[3].total, 9000);           /* Gamma only */
    assert_int_equal(w->m.cols[3].nother, 1);
    deal *eur = changed_copy(w->deals.items[1], "explore", 70000, STATUS_OPEN);
    deal_set_str(&eur->currency, "eur");                   /* the pipeline's, any case */
    replace_and_compare(w, 1, eur);
    assert_int_equal(w->m.cols[3].total, 79000);
    assert_int_equal(w->m.cols[3].nother, 0);
}

static const char *card_id(const world *w, size_t col, size_t row)
{
    return w->m.cols[col].cards[row]->deal->id;
}

/* By value, 190,000 CHF is not more than 120,000 EUR: the pipeline's currency
 * first, the others after it grouped by currency; age and score ignore it. */
static void value_sort_groups_currencies(void **state)
{
    world *w = *state;
    deal_set_str(&add(w, "chf-000005", "Chf Big", "define", 190000, "Me")->currency, "CHF");
    deal_set_str(&add(w, "usd-000006", "Usd Small", "define", 5000, "Me")->currency, "usd");
    deal_set_str(&add(w, "chf-000007", "Chf Small", "define", 1000, "Me")->currency, "chf");
    add(w, "eur-000008", "Eur Tiny", "define", 10, "Me")->stage_entered = TODAY - 40;
    load(w);
    const char *want[] = {"beta-000002", "acme-000001", "eur-000008", "chf-000005",
                          "chf-000007", "usd-000006"};
    assert_int_equal(w->m.cols[2].ncards, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(card_id(w, 2, i), want[i]);
    assert_true(w->m.cols[2].cards[3]->foreign);
    assert_false(w->m.cols[2].cards[0]->foreign);
    /* An incremental change sorts the same way: CHF grows past every EUR deal
     * and still comes after them. */
    assert_true(board_select_id(&w->m, "chf-000007"));
    deal *bigger = changed_copy(w->deals.items[6], "define", 900000, STATUS_OPEN);
    deal_set_str(&bigger->currency, "CHF");
    replace_and_compare(w, 6, bigger);
    assert_string_equal(card_id(w, 2, 3), "chf-000007");
    assert_string_equal(sel_id(w), "chf-000007");
    board_cycle_sort(&w->m);                        /* age in stage: currency plays no part */
    assert_string_equal(card_id(w, 2, 0), "eur-000008");
}

static void replace_refuses_what_needs_a_rebuild(void **state)
{
    world *w = *state;
    deal *odd = changed_copy(w->deals.items[0], "negotiation", 5, STATUS_OPEN);
    assert_false(board_replace_deal(&w->m, w->deals.items[0], odd));   /* new column */
    assert_false(board_replace_deal(&w->m, NULL, odd));                /* a new deal */
    assert_false(board_replace_deal(&w->m, w->deals.items[3], odd));   /* a closed one */
    assert_int_equal(board_count_shown(&w->m), 3);                     /* nothing changed */
    deal_destroy(odd);
}

/* The board holds light deals: their flags must be those of the whole deal. */
static void light_deals_score_as_whole_ones(void **state)
{
    world *w = *state;
    deal *with = w->deals.items[0], *without = w->deals.items[1];
    deal_set_str(&without->insight, "   ");          /* blank: "no why change" fires */
    deal_add_log(with, "00000001", "2026-01-01T00:00:00Z", "Me", "note", "hello");
    flag_result f_with, f_without, l_with, l_without;
    rules_evaluate(&w->cfg, with, TODAY, &f_with);
    rules_evaluate(&w->cfg, without, TODAY, &f_without);
    deal_make_light(with);
    deal_make_light(without);
    assert_true(with->partial);
    assert_null(with->log);
    assert_null(with->status_quo);
    assert_null(without->insight);
    rules_evaluate(&w->cfg, with, TODAY, &l_with);
    rules_evaluate(&w->cfg, without, TODAY, &l_without);
    assert_int_equal(l_with.score, f_with.score);
    assert_int_equal(l_without.score, f_without.score);
    assert_true(l_without.score > l_with.score);
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
        cmocka_unit_test_setup_teardown(cluster_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(filters, setup, teardown),
        cmocka_unit_test_setup_teardown(mine_is_name_or_email, setup, teardown),
        cmocka_unit_test_setup_teardown(search_wraps_both_ways, setup, teardown),
        cmocka_unit_test_setup_teardown(scroll_keeps_selection_visible, setup, teardown),
        cmocka_unit_test_setup_teardown(replace_equals_rebuild, setup, teardown),
        cmocka_unit_test_setup_teardown(column_sums_one_currency, setup, teardown),
        cmocka_unit_test_setup_teardown(value_sort_groups_currencies, setup, teardown),
        cmocka_unit_test_setup_teardown(replace_refuses_what_needs_a_rebuild, setup, teardown),
        cmocka_unit_test_setup_teardown(light_deals_score_as_whole_ones, setup, teardown),
        cmocka_unit_test(next_step_states),
        cmocka_unit_test(lineedit_utf8_cursor),
        cmocka_unit_test(lineedit_prefill_is_selected),
        cmocka_unit_test(lineedit_words_and_kills),
        cmocka_unit_test(lineedit_scrolls_by_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
