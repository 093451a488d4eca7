#include "board_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../pipeline/clusters.h"
#include "../pipeline/forecast.h"
#include "../pipeline/util.h"

void board_init(board_model *m, const pipeline_cfg *cfg, db_day today, const char *user)
{
    memset(m, 0, sizeof *m);
    m->cfg = cfg;
    m->today = today;
    m->user = xstrdup(user ? user : "");
    m->sort = SORT_VALUE;
}

static void free_columns(board_model *m)
{
    for (size_t i = 0; i < m->ncols; i++)
        free(m->cols[i].cards);
    free(m->cols);
    m->cols = NULL;
    m->ncols = 0;
}

void board_free(board_model *m)
{
    free_columns(m);
    free(m->cards);
    free(m->user);
    free(m->user_email);
    free(m->search);
    memset(m, 0, sizeof *m);
}

/* ---- filter and sort ---------------------------------------------------- */

static bool has_tag(const deal *d, const char *tag)
{
    for (size_t i = 0; i < d->ntags; i++)
        if (strcasecmp(d->tags[i], tag) == 0)
            return true;
    return false;
}

/* The deal is in the cluster `name` ("": in none), as clusters groups. */
static bool in_cluster(const deal *d, const char *name)
{
    char *cluster = cluster_of(d);
    bool in = cluster ? strcmp(cluster, name) == 0 : !*name;
    free(cluster);
    return in;
}

static bool card_passes(const board_model *m, const board_card *c)
{
    switch (m->filter.kind) {
    case FILTER_MINE:
        return owner_is_me(c->deal->owner, &(owner_identity){m->user, m->user_email});
    case FILTER_FLAGGED:
        return c->flag.level != LEVEL_NONE;
    case FILTER_OWNER:
        return owner_is(c->deal->owner, m->filter.arg);
    case FILTER_TAG:
        return has_tag(c->deal, m->filter.arg);
    case FILTER_CLUSTER:
        return in_cluster(c->deal, m->filter.arg);
    default:
        return true;
    }
}

static board_sort sort_key; /* qsort has no user pointer; set just before sorting */

static int64_t sort_weight(const board_card *c)
{
    switch (sort_key) {
    case SORT_AGE:
        return c->flag.days_in_stage;
    case SORT_SCORE:
        return c->flag.score;
    default:
        return c->deal->value;
    }
}

/* By value, amounts in different currencies do not compare: the pipeline's
 * currency first, then the others by currency code. */
static int compare_currency(const board_card *x, const board_card *y)
{
    if (sort_key != SORT_VALUE)
        return 0;
    if (x->foreign != y->foreign)
        return x->foreign ? 1 : -1;
    return x->foreign ? strcasecmp(x->deal->currency, y->deal->currency) : 0;
}

/* Highest first; ties by title, then id, so the order never jitters. */
static int compare_cards(const void *a, const void *b)
{
    const board_card *x = *(board_card *const *)a, *y = *(board_card *const *)b;
    int by_currency = compare_currency(x, y);
    if (by_currency)
        return by_currency;
    int64_t wx = sort_weight(x), wy = sort_weight(y);
    if (wx != wy)
        return wx > wy ? -1 : 1;
    int t = strcmp(x->deal->title ? x->deal->title : "", y->deal->title ? y->deal->title : "");
    return t ? t : strcmp(x->deal->id, y->deal->id);
}

/* ---- building the columns ----------------------------------------------- */

static bool in_pipeline_currency(const board_model *m, const deal *d)
{
    return str_empty(d->currency) ||
           (m->cfg->currency && strcasecmp(d->currency, m->cfg->currency) == 0);
}

/* a + b, held at INT64_MAX (and *saturated set) rather than overflowing. */
static int64_t add_capped(int64_t a, int64_t b, bool *saturated)
{
    if (b > 0 && a > INT64_MAX - b) {
        *saturated = true;
        return INT64_MAX;
    }
    return a + b;
}

/* A column's sum is of its deals in the pipeline's currency (EUR and CHF
 * add up to nothing); its header marks a column that holds others too. */
static void column_count(const board_model *m, board_column *col, const deal *d, int sign)
{
    if (!in_pipeline_currency(m, d))
        col->nother = sign > 0 ? col->nother + 1 : col->nother - 1;
    else if (sign > 0)
        col->total = add_capped(col->total, d->value, &col->saturated);
    else if (!col->saturated)
        col->total -= d->value;
}

static void column_add(const board_model *m, board_column *col, board_card *c)
{
    if (col->ncards == col->cap) {
        col->cap = col->cap ? col->cap * 2 : 16;
        col->cards = xrealloc(col->cards, col->cap * sizeof *col->cards);
    }
    col->cards[col->ncards++] = c;
    column_count(m, col, c->deal, 1);
}

/* The column a card belongs in: its stage's, else the unknown-stage one. */
static size_t column_of(const board_model *m, const board_card *c)
{
    return c->stage >= 0 ? (size_t)c->stage : m->cfg->nstages;
}

static bool any_unknown_stage(const board_model *m)
{
    for (size_t i = 0; i < m->ncards; i++)
        if (m->cards[i].deal && m->cards[i].stage < 0)
            return true;
    return false;
}

static void build_columns(board_model *m)
{
    size_t old_ncols = m->ncols, *tops = xcalloc(old_ncols + 1, sizeof *tops);
    for (size_t i = 0; i < old_ncols; i++)
        tops[i] = m->cols[i].top;
    free_columns(m);
    m->ncols = m->cfg->nstages + (any_unknown_stage(m) ? 1 : 0);
    m->cols = xcalloc(m->ncols + 1, sizeof *m->cols);
    for (size_t i = 0; i < m->cfg->nstages; i++)
        m->cols[i].stage = &m->cfg->stages[i];
    for (size_t i = 0; i < m->ncards; i++) {
        board_card *c = &m->cards[i];
        if (c->deal && card_passes(m, c))
            column_add(m, &m->cols[column_of(m, c)], c);
    }
    sort_key = m->sort;
    for (size_t i = 0; i < m->ncols; i++) {
        if (m->cols[i].ncards > 1)
            qsort(m->cols[i].cards, m->cols[i].ncards, sizeof *m->cols[i].cards, compare_cards);
        m->cols[i].top = i < old_ncols ? tops[i] : 0;
    }
    free(tops);
}

static void clamp_selection(board_model *m)
{
    if (m->ncols == 0) {
        m->sel_col = m->sel_row = 0;
        return;
    }
    if (m->sel_col >= m->ncols)
        m->sel_col = m->ncols - 1;
    size_t n = m->cols[m->sel_col].ncards;
    if (m->sel_row >= n)
        m->sel_row = n ? n - 1 : 0;
}

/* ---- totals: what forecast_compute's open totals say, kept per card ----- */

/* Saturates like the forecast: absurd sums must not go negative. */

/* Adds (sign 1) or takes away (-1) a shown card's part of the totals. */
static void count_card(board_model *m, const board_card *c, int sign)
{
    board_totals *t = &m->totals;
    const deal *d = c->deal;
    if (c->flag.level != LEVEL_NONE)
        m->nflagged = sign > 0 ? m->nflagged + 1 : m->nflagged - 1;
    if (!in_pipeline_currency(m, d)) {
        t->nother = sign > 0 ? t->nother + 1 : t->nother - 1;
        t->other_currencies = t->nother > 0;
        return;
    }
    int64_t weighted =
        c->stage < 0 ? 0 : forecast_weighted(d->value, m->cfg->stages[c->stage].probability);
    t->open_count += sign;
    t->open_value = add_capped(t->open_value, sign * d->value, &t->saturated);
    t->open_weighted = add_capped(t->open_weighted, sign * weighted, &t->saturated);
}

static void compute_totals(board_model *m)
{
    memset(&m->totals, 0, sizeof m->totals);
    m->nflagged = 0;
    for (size_t i = 0; i < m->ncols; i++)
        for (size_t j = 0; j < m->cols[i].ncards; j++)
            count_card(m, m->cols[i].cards[j], 1);
}

/* Rebuilds and puts the selection back on the deal `id` (copied by the caller). */
static void rebuild(board_model *m, const char *id)
{
    build_columns(m);
    compute_totals(m);
    if (!id || !board_select_id(m, id))
        clamp_selection(m);
}

static void score_card(const board_model *m, board_card *c)
{
    c->stage = config_stage_index(m->cfg, c->deal->stage);
    c->foreign = !in_pipeline_currency(m, c->deal);
    flag_result f;
    rules_score(m->cfg, c->deal, m->today, &f);
    c->flag = (board_flag){f.score, f.days_in_stage, f.level, f.snoozed};
}

void board_set_deals(board_model *m, deal *const *deals, size_t n)
{
    const deal *sel = board_selected(m);
    char *id = sel ? xstrdup(sel->id) : NULL;
    free(m->cards);
    m->cards = xcalloc(n + 1, sizeof *m->cards);
    m->ncards = 0;
    for (size_t i = 0; i < n; i++) {
        if (!deal_is_open(deals[i]))
            continue;
        board_card *c = &m->cards[m->ncards++];
        c->deal = deals[i];
        score_card(m, c);
    }
    rebuild(m, id);
    free(id);
}

/* ---- one deal changed --------------------------------------------------- */

static bool column_find(const board_column *col, const board_card *c, size_t *pos)
{
    for (size_t j = 0; j < col->ncards; j++)
        if (col->cards[j] == c) {
            *pos = j;
            return true;
        }
    return false;
}

static void column_remove(const board_model *m, board_column *col, size_t pos)
{
    column_count(m, col, col->cards[pos]->deal, -1);
    memmove(&col->cards[pos], &col->cards[pos + 1], (col->ncards - pos - 1) * sizeof *col->cards);
    col->ncards--;
    if (col->saturated) {                     /* held at the cap: count again */
        col->total = 0;
        col->nother = 0;
        col->saturated = false;
        for (size_t i = 0; i < col->ncards; i++)
            column_count(m, col, col->cards[i]->deal, 1);
    }
}

/* Inserts in sort order (binary search: the column is sorted); returns where. */
static size_t column_insert(board_model *m, board_column *col, board_card *c)
{
    sort_key = m->sort;
    size_t lo = 0, hi = col->ncards;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (compare_cards(&col->cards[mid], &c) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    column_add(m, col, c);       /* grows it and counts the value; then move into place */
    memmove(&col->cards[lo + 1], &col->cards[lo], (col->ncards - 1 - lo) * sizeof *col->cards);
    col->cards[lo] = c;
    return lo;
}

static board_card *find_card(board_model *m, const deal *d)
{
    board_card *sel = (board_card *)board_selected_card(m);
    if (sel && sel->deal == d)
        return sel;                           /* the usual case: a key on the selection */
    for (size_t i = 0; i < m->ncards; i++)
        if (m->cards[i].deal == d)
            return &m->cards[i];
    return NULL;
}

/* Takes the card out of its column (when shown) and out of the totals. */
static void unshow_card(board_model *m, board_card *c)
{
    board_column *col = &m->cols[column_of(m, c)];
    size_t pos = m->sel_row;
    bool selected = col == &m->cols[m->sel_col] && pos < col->ncards && col->cards[pos] == c;
    if (!selected && !column_find(col, c, &pos))
        return;                               /* filtered out */
    count_card(m, c, -1);
    column_remove(m, col, pos);
}

bool board_replace_deal(board_model *m, const deal *old, const deal *fresh)
{
    board_card *c = old && deal_is_open(old) ? find_card(m, old) : NULL;
    if (!c || c->stage < 0)
        return false;                         /* not a card, or its column may go */
    bool open = deal_is_open(fresh);
    if (open && config_stage_index(m->cfg, fresh->stage) < 0)
        return false;                         /* the unknown-stage column may appear */
    const board_card *sel = board_selected_card(m);
    bool followed = false;
    unshow_card(m, c);
    c->deal = open ? fresh : NULL;            /* NULL: closed, no longer a card */
    if (open) {
        score_card(m, c);
        if (card_passes(m, c)) {
            size_t col = column_of(m, c), at = column_insert(m, &m->cols[col], c);
            count_card(m, c, 1);
            if (sel == c) {                   /* the selection follows its deal */
                m->sel_col = col;
                m->sel_row = at;
                followed = true;
            }
        }
    }
    if (m->totals.saturated)
        compute_totals(m);
    if (followed)
        return true;
    size_t pos;
    for (size_t i = 0; sel && i < m->ncols; i++)  /* keep the selection on its deal */
        if (column_find(&m->cols[i], sel, &pos)) {
            m->sel_col = i;
            m->sel_row = pos;
            return true;
        }
    clamp_selection(m);
    return true;
}

/* ---- selection ---------------------------------------------------------- */

const board_card *board_selected_card(const board_model *m)
{
    if (m->sel_col >= m->ncols || m->sel_row >= m->cols[m->sel_col].ncards)
        return NULL;
    return m->cols[m->sel_col].cards[m->sel_row];
}

const deal *board_selected(const board_model *m)
{
    const board_card *c = board_selected_card(m);
    return c ? c->deal : NULL;
}

bool board_select_id(board_model *m, const char *id)
{
    const deal *sel = board_selected(m);
    if (sel && id && strcmp(sel->id, id) == 0)
        return true;                          /* the usual case after an edit */
    for (size_t i = 0; id && i < m->ncols; i++)
        for (size_t j = 0; j < m->cols[i].ncards; j++)
            if (strcmp(m->cols[i].cards[j]->deal->id, id) == 0) {
                m->sel_col = i;
                m->sel_row = j;
                return true;
            }
    return false;
}

void board_select_first_card(board_model *m)
{
    for (size_t i = 0; i < m->ncols; i++)
        if (m->cols[i].ncards) {
            m->sel_col = i;
            m->sel_row = 0;
            return;
        }
}

void board_move(board_model *m, int dx, int dy)
{
    if (m->ncols == 0)
        return;
    long col = (long)m->sel_col + dx, row = (long)m->sel_row + dy;
    m->sel_col = col < 0 ? 0 : (size_t)col;
    m->sel_row = row < 0 ? 0 : (size_t)row;
    clamp_selection(m);
}

void board_first(board_model *m)
{
    m->sel_row = 0;
}

void board_last(board_model *m)
{
    m->sel_row = (size_t)-1 / 2;
    clamp_selection(m);
}

/* ---- filter, sort ------------------------------------------------------- */

/* The cluster named after "cluster:", trimmed as clusters trims; "(none)":
 * "" (no cluster). False when it names nothing or does not fit. */
static bool cluster_arg(const char *text, char *out, size_t size)
{
    char *name = cluster_name(text);
    bool ok = name && strlen(name) < size;
    if (ok)
        snprintf(out, size, "%s", strcmp(name, "(none)") == 0 ? "" : name);
    free(name);
    return ok;
}

bool board_set_filter(board_model *m, const char *text)
{
    board_filter f = {FILTER_NONE, ""};
    const char *arg = strchr(text, ':');
    if (!*text || strcmp(text, "clear") == 0 || strcmp(text, "none") == 0)
        f.kind = FILTER_NONE;
    else if (strcmp(text, "mine") == 0)
        f.kind = FILTER_MINE;
    else if (strcmp(text, "flagged") == 0)
        f.kind = FILTER_FLAGGED;
    else if (arg && arg[1] && str_has_prefix(text, "owner:"))
        f.kind = FILTER_OWNER;
    else if (arg && arg[1] && str_has_prefix(text, "tag:"))
        f.kind = FILTER_TAG;
    else if (str_has_prefix(text, "cluster:") && !cluster_arg(arg + 1, f.arg, sizeof f.arg))
        return false;
    else if (str_has_prefix(text, "cluster:"))
        f.kind = FILTER_CLUSTER;
    else
        return false;
    if (f.kind == FILTER_OWNER || f.kind == FILTER_TAG)
        snprintf(f.arg, sizeof f.arg, "%s", arg + 1);
    const deal *sel = board_selected(m);
    char *id = sel ? xstrdup(sel->id) : NULL;
    m->filter = f;
    rebuild(m, id);
    free(id);
    return true;
}

void board_set_identity(board_model *m, const char *name, const char *email)
{
    free(m->user);
    free(m->user_email);
    m->user = xstrdup(name ? name : "");
    m->user_email = xstrdup(email);
    const deal *sel = board_selected(m);
    char *id = sel ? xstrdup(sel->id) : NULL;
    rebuild(m, id);
    free(id);
}

bool board_owner_scope(const board_model *m, owner_scope *out)
{
    if (m->filter.kind == FILTER_MINE)
        *out = (owner_scope){OWNER_MINE, NULL, {m->user, m->user_email}};
    else if (m->filter.kind == FILTER_OWNER)
        *out = (owner_scope){OWNER_NAMED, m->filter.arg, {NULL, NULL}};
    else
        return false;
    return true;
}

void board_filter_text(const board_model *m, char *out, size_t size)
{
    switch (m->filter.kind) {
    case FILTER_MINE:
        snprintf(out, size, "mine");
        break;
    case FILTER_FLAGGED:
        snprintf(out, size, "flagged");
        break;
    case FILTER_OWNER:
        snprintf(out, size, "owner:%s", m->filter.arg);
        break;
    case FILTER_TAG:
        snprintf(out, size, "tag:%s", m->filter.arg);
        break;
    case FILTER_CLUSTER:
        snprintf(out, size, "cluster:%s", *m->filter.arg ? m->filter.arg : "(none)");
        break;
    default:
        snprintf(out, size, "%s", "");
    }
}

void board_cycle_sort(board_model *m)
{
    const deal *sel = board_selected(m);
    char *id = sel ? xstrdup(sel->id) : NULL;
    m->sort = (m->sort + 1) % SORT_COUNT;
    rebuild(m, id);
    free(id);
}

const char *board_sort_name(board_sort s)
{
    static const char *const names[] = {"value", "age in stage", "flag score"};
    return s < SORT_COUNT ? names[s] : "";
}

/* ---- search ------------------------------------------------------------- */

static bool contains_ci(const char *hay, const char *needle)
{
    if (!hay)
        return false;
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

bool board_deal_matches(const deal *d, const char *query)
{
    if (str_empty(query))
        return false;
    if (contains_ci(d->title, query) || contains_ci(d->account, query) ||
        contains_ci(d->owner, query))
        return true;
    for (size_t i = 0; i < d->ntags; i++)
        if (contains_ci(d->tags[i], query))
            return true;
    return false;
}

/* Walks the cards in board order (column by column) from the selection. */
static bool find_match(board_model *m, int dir, bool include_current)
{
    size_t total = 0, pos = 0;
    for (size_t i = 0; i < m->ncols; i++) {
        if (i == m->sel_col)
            pos = total + m->sel_row;
        total += m->cols[i].ncards;
    }
    for (size_t step = include_current ? 0 : 1; step <= total && total; step++) {
        size_t k = (pos + total + (dir >= 0 ? step : total - step % total)) % total;
        for (size_t i = 0; i < m->ncols; i++) {
            if (k >= m->cols[i].ncards) {
                k -= m->cols[i].ncards;
                continue;
            }
            if (board_deal_matches(m->cols[i].cards[k]->deal, m->search)) {
                m->sel_col = i;
                m->sel_row = k;
                return true;
            }
            break;
        }
    }
    return false;
}

bool board_search(board_model *m, const char *query)
{
    free(m->search);
    m->search = str_empty(query) ? NULL : xstrdup(query);
    return m->search && find_match(m, 1, true);
}

bool board_search_next(board_model *m, int dir)
{
    return m->search && find_match(m, dir, false);
}

/* ---- scrolling ---------------------------------------------------------- */

void board_scroll(board_model *m, size_t vis_cols, size_t vis_cards)
{
    if (vis_cols == 0)
        vis_cols = 1;
    if (vis_cards == 0)
        vis_cards = 1;
    if (m->sel_col < m->first_col)
        m->first_col = m->sel_col;
    if (m->sel_col >= m->first_col + vis_cols)
        m->first_col = m->sel_col + 1 - vis_cols;
    /* Never leave empty space on the right when columns could fill it. */
    if (m->ncols >= vis_cols && m->first_col > m->ncols - vis_cols)
        m->first_col = m->ncols - vis_cols;
    for (size_t i = 0; i < m->ncols; i++) {
        board_column *col = &m->cols[i];
        if (col->ncards <= vis_cards)
            col->top = 0;
        else if (col->top > col->ncards - vis_cards)
            col->top = col->ncards - vis_cards;
    }
    board_column *sel = m->ncols ? &m->cols[m->sel_col] : NULL;
    if (sel && m->sel_row < sel->top)
        sel->top = m->sel_row;
    if (sel && m->sel_row >= sel->top + vis_cards)
        sel->top = m->sel_row + 1 - vis_cards;
}

/* ---- small facts -------------------------------------------------------- */

next_state board_next_state(const deal *d, db_day today)
{
    if (!deal_has_next_step(d))
        return NEXT_NONE;
    if (d->next_due == DAY_NONE || d->next_due > today)
        return NEXT_LATER;
    return d->next_due == today ? NEXT_TODAY : NEXT_OVERDUE;
}

size_t board_count_shown(const board_model *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->ncols; i++)
        n += m->cols[i].ncards;
    return n;
}

size_t board_count_flagged(const board_model *m)
{
    return m->nflagged;
}
