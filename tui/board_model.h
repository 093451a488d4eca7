/* The board as data: columns of cards by stage, filter, sort, search and the
 * selection. Pure (no curses, no git), so it is tested on its own
 * (tests/unit/test_board_model.c); the board view only draws it. */
#ifndef DB_BOARD_MODEL_H
#define DB_BOARD_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "../pipeline/config.h"
#include "../pipeline/deal.h"
#include "../pipeline/owner.h"
#include "../pipeline/rules.h"

typedef enum { SORT_VALUE, SORT_AGE, SORT_SCORE, SORT_COUNT } board_sort;
typedef enum {
    FILTER_NONE,
    FILTER_MINE,
    FILTER_FLAGGED,
    FILTER_OWNER,
    FILTER_TAG,
    FILTER_CLUSTER,      /* arg "": the deals without a cluster */
} filter_kind;
/* The state of a deal's next step, each drawn with its own mark. */
typedef enum { NEXT_NONE, NEXT_OVERDUE, NEXT_TODAY, NEXT_LATER } next_state;

typedef struct {
    filter_kind kind;
    char arg[128];       /* owner:NAME / tag:NAME / cluster:NAME (trimmed) */
} board_filter;

/* What a card needs of the rules (a flag_result with its reasons in words
 * is 1.3 KB: too much to keep for every open deal). */
typedef struct {
    int score, days_in_stage;
    flag_level level;
    bool snoozed;        /* silenced until deal.snooze_until: marked on the card */
} board_flag;

typedef struct {
    const deal *deal;    /* owned by the caller's deal list */
    board_flag flag;
    int stage;           /* config_stage_index of the deal's stage (-1: unknown) */
    /* In another currency than the pipeline's: marked on the card, left out
     * of sums, and sorted by value after the pipeline's currency. */
    bool foreign;
} board_card;

/* The bottom line, computed when the shown cards change, not on every redraw. */
typedef struct {
    int open_count;
    int64_t open_value, open_weighted;
    bool other_currencies;
    size_t nother;          /* shown cards in other currencies */
    bool saturated;         /* a sum hit INT64_MAX: recount instead of adjusting */
} board_totals;

typedef struct {
    const stage_def *stage; /* NULL: the "unknown stage" column */
    board_card **cards;     /* filtered and sorted */
    size_t ncards, cap;
    int64_t total;          /* of its cards in the pipeline's currency */
    size_t nother;          /* its cards in other currencies (not in total) */
    bool saturated;         /* total hit INT64_MAX: recount on removal */
    size_t top;             /* first card on screen */
} board_column;

typedef struct {
    const pipeline_cfg *cfg;
    db_day today;
    char *user;             /* for the "mine" filter: the git name, */
    char *user_email;       /* and e-mail (NULL: not set) */
    board_card *cards;      /* every open deal (deal NULL: closed since, see board_replace_deal) */
    size_t ncards;
    size_t nflagged;        /* shown cards with a flag */
    board_column *cols;
    size_t ncols;
    board_sort sort;
    board_filter filter;
    char *search;           /* NULL: no search */
    board_totals totals;    /* of the shown cards */
    size_t sel_col, sel_row;
    size_t first_col;       /* first column on screen */
} board_model;

void board_init(board_model *m, const pipeline_cfg *cfg, db_day today, const char *user);
void board_free(board_model *m);
/* Who "mine" is (pipeline/owner.h): the configured git name and e-mail,
 * either NULL when not set. Rebuilds the columns. */
void board_set_identity(board_model *m, const char *name, const char *email);
/* The filter as whose deals it shows (mine, owner:NAME), for the review;
 * false for other filters and none. out borrows from m. */
bool board_owner_scope(const board_model *m, owner_scope *out);
/* Takes the open deals of `deals` (not owned; keep them alive) and rebuilds the
 * columns, keeping the selection on the same deal when it is still shown. */
void board_set_deals(board_model *m, deal *const *deals, size_t n);
/* After one own change: puts `fresh` where `old` was (same id) without
 * rebuilding everything (O(cards in the two columns), not O(deals)); the
 * selection stays on the same deal. False when it cannot (a new or reopened
 * deal, the unknown-stage column would appear or go): call board_set_deals. */
bool board_replace_deal(board_model *m, const deal *old, const deal *fresh);

const deal *board_selected(const board_model *m);
const board_card *board_selected_card(const board_model *m);
bool board_select_id(board_model *m, const char *id);
/* Selects the first card of the first column that has one (on start). */
void board_select_first_card(board_model *m);

/* Moves the selection: columns by dx, cards by dy (clamped). */
void board_move(board_model *m, int dx, int dy);
void board_first(board_model *m);
void board_last(board_model *m);

/* "mine", "flagged", "owner:NAME", "tag:NAME", "cluster:NAME", "clear" or ""
 * (clear). cluster:NAME is the name as `dealboard clusters` groups by (its
 * case, blanks around it ignored); cluster:(none): the deals without one. */
bool board_set_filter(board_model *m, const char *text);
/* The filter in words ("owner:Anna"); "" when none. */
void board_filter_text(const board_model *m, char *out, size_t size);
/* Sorting by value: the deals in the pipeline's currency first, highest
 * first, then the others grouped by currency (A-Z), highest first in each:
 * 190,000 CHF is not more than 150,000 EUR, and nothing is converted. Age and
 * score sorts ignore the currency. */
void board_cycle_sort(board_model *m);
const char *board_sort_name(board_sort s);

/* Sets the query and selects the first match from the selection on (the
 * selected card included). Returns false (selection kept) when nothing matches. */
bool board_search(board_model *m, const char *query);
/* Next (dir 1) or previous (-1) match after the selection, wrapping around. */
bool board_search_next(board_model *m, int dir);
/* Case-insensitive (ASCII) substring of title, account, owner or a tag. */
bool board_deal_matches(const deal *d, const char *query);

/* Scrolls so that the selection is on screen with `vis_cols` columns and
 * `vis_cards` cards per column. */
void board_scroll(board_model *m, size_t vis_cols, size_t vis_cards);

next_state board_next_state(const deal *d, db_day today);
/* Open deals shown and flagged (after the filter). */
size_t board_count_shown(const board_model *m);
size_t board_count_flagged(const board_model *m);

#endif
