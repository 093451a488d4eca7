#include "review_session.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

static const char *const outcome_names[OUTCOME_COUNT] = {
    "touched", "next-step", "stage", "moved-on", "won", "lost", "snoozed", "reopened", "skipped"};

static const char *const outcome_labels[OUTCOME_COUNT] = {
    "touched", "next steps set", "moved stage", "moved on", "won",
    "lost",    "snoozed",        "reopened",    "skipped"};

const char *review_outcome_name(review_outcome o)
{
    return o < OUTCOME_COUNT ? outcome_names[o] : "";
}

const char *review_outcome_label(review_outcome o)
{
    return o < OUTCOME_COUNT ? outcome_labels[o] : "";
}

bool review_outcome_parse(const char *name, review_outcome *out)
{
    for (int i = 0; i < OUTCOME_COUNT; i++)
        if (name && strcmp(name, outcome_names[i]) == 0) {
            *out = (review_outcome)i;
            return true;
        }
    return false;
}

/* ---- the state ---------------------------------------------------------- */

void review_state_init(review_state *s, db_day day)
{
    memset(s, 0, sizeof *s);
    s->day = day;
}

void review_state_free(review_state *s)
{
    for (size_t i = 0; i < s->ndone; i++)
        free(s->done[i].id);
    free(s->done);
    review_state_init(s, s->day);
}

static review_done *find_done(const review_state *s, const char *id)
{
    for (size_t i = 0; i < s->ndone; i++)
        if (strcmp(s->done[i].id, id) == 0)
            return &s->done[i];
    return NULL;
}

static void add_outcomes(review_state *s, const char *id, unsigned bits)
{
    review_done *d = find_done(s, id);
    if (!d) {
        if (s->ndone == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 16;
            s->done = xrealloc(s->done, s->cap * sizeof *s->done);
        }
        d = &s->done[s->ndone++];
        d->id = xstrdup(id);
        d->outcomes = 0;
    }
    d->outcomes |= bits;
}

void review_state_record(review_state *s, const char *id, review_outcome o)
{
    if (id && o < OUTCOME_COUNT)
        add_outcomes(s, id, 1u << o);
}

unsigned review_state_outcomes(const review_state *s, const char *id)
{
    const review_done *d = id ? find_done(s, id) : NULL;
    return d ? d->outcomes : 0;
}

/* "touched,stage": the known words' bits; unknown words are ignored. */
static unsigned parse_outcomes(char *list)
{
    unsigned bits = 0;
    for (char *save = NULL, *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        review_outcome o;
        if (review_outcome_parse(w, &o))
            bits |= 1u << o;
    }
    return bits;
}

/* One line, modified in place. Returns false when it names another day. */
static bool parse_line(char *line, db_day today, review_state *out, bool *have_day)
{
    char *save = NULL, *word = strtok_r(line, " \t\r", &save);
    if (!word || word[0] == '#')
        return true;
    char *arg = strtok_r(NULL, " \t\r", &save), *rest = strtok_r(NULL, " \t\r", &save);
    if (strcmp(word, "day") == 0) {
        db_day day;
        *have_day = arg && date_parse(arg, &day) && day == today;
        return *have_day;
    }
    if (strcmp(word, "done") == 0 && arg && text_valid_id(arg) && rest) {
        unsigned bits = parse_outcomes(rest);
        if (bits)
            add_outcomes(out, arg, bits);
    }
    return true;
}

bool review_state_parse(const char *text, db_day today, review_state *out)
{
    review_state_init(out, today);
    if (!text)
        return false;
    char *copy = xstrdup(text), *save = NULL;
    bool have_day = false, same_day = true;
    for (char *line = strtok_r(copy, "\n", &save); line && same_day;
         line = strtok_r(NULL, "\n", &save))
        same_day = parse_line(line, today, out, &have_day);
    free(copy);
    if (same_day && have_day)
        return true;
    review_state_free(out);        /* another day, or no day at all: start afresh */
    return false;
}

char *review_state_format(const review_state *s)
{
    strbuf sb = {0};
    char day[DATE_LEN];
    date_format(s->day, day);
    sb_printf(&sb, "# dealboard daily review: deals handled today (safe to delete)\nday %s\n",
              day);
    for (size_t i = 0; i < s->ndone; i++) {
        sb_printf(&sb, "done %s ", s->done[i].id);
        const char *sep = "";
        for (int o = 0; o < OUTCOME_COUNT; o++)
            if (s->done[i].outcomes & (1u << o)) {
                sb_printf(&sb, "%s%s", sep, outcome_names[o]);
                sep = ",";
            }
        sb_puts(&sb, "\n");
    }
    return sb.data;
}

void review_state_summary(const review_state *s, review_summary *out)
{
    memset(out, 0, sizeof *out);
    const unsigned skipped = 1u << OUTCOME_SKIPPED;
    for (size_t i = 0; i < s->ndone; i++) {
        unsigned bits = s->done[i].outcomes;
        if (!bits)
            continue;
        out->reviewed++;
        /* Skipped, then back and changed: it was not skipped in the end. */
        if (bits != skipped)
            bits &= ~skipped;
        for (int o = 0; o < OUTCOME_COUNT; o++)
            if (bits & (1u << o))
                out->count[o]++;
    }
}

/* ---- the walk ----------------------------------------------------------- */

void review_session_start(review_session *s, const review_item *items, size_t n,
                          review_state *state)
{
    memset(s, 0, sizeof *s);
    s->state = *state;
    review_state_init(state, state->day);
    s->before = s->state.ndone;
    s->stops = xcalloc(n ? n : 1, sizeof *s->stops);
    for (size_t i = 0; i < n; i++) {
        if (review_state_outcomes(&s->state, items[i].d->id))
            continue;
        s->stops[s->n].id = xstrdup(items[i].d->id);
        s->stops[s->n++].category = items[i].category;
    }
}

void review_session_free(review_session *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->stops[i].id);
    free(s->stops);
    review_state_free(&s->state);
    memset(s, 0, sizeof *s);
}

const review_stop *review_session_current(const review_session *s)
{
    return s->pos < s->n ? &s->stops[s->pos] : NULL;
}

bool review_session_over(const review_session *s)
{
    return s->pos >= s->n;
}

void review_session_act(review_session *s, review_outcome o)
{
    const review_stop *cur = review_session_current(s);
    if (!cur)
        return;
    review_state_record(&s->state, cur->id, o);
    s->pos++;
}

bool review_session_back(review_session *s)
{
    if (s->pos == 0)
        return false;
    s->pos--;
    return true;
}

size_t review_session_number(const review_session *s)
{
    return s->before + (s->pos < s->n ? s->pos : s->n) + 1;
}

size_t review_session_total(const review_session *s)
{
    return s->before + s->n;
}

const char *review_missing_step(const deal *d, db_day today)
{
    bool snoozed = d->snooze_until != DAY_NONE && today < d->snooze_until;
    if (!deal_is_open(d) || snoozed)
        return NULL;
    if (!deal_has_next_step(d))
        return "has no next step";
    if (d->next_due == DAY_NONE)
        return "has no due date for its next step";
    return d->next_due < today ? "has an overdue next step" : NULL;
}
