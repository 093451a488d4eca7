/* What was typed at each prompt in this session, for Up/Down at the prompt
 * (history-prev, history-next). One list per prompt (its label): searches
 * are not mixed with notes. In memory only: it goes when the board quits. */
#ifndef DB_PROMPT_HISTORY_H
#define DB_PROMPT_HISTORY_H

#include <stddef.h>

#define PROMPT_HISTORY_MAX 100   /* entries kept per prompt; the oldest go */

typedef struct {
    char *label;
    char **items;                /* oldest first, no two alike */
    size_t n, cap;
} prompt_history;

typedef struct {
    prompt_history *lists;
    size_t n, cap;
} prompt_history_book;

/* The list of the prompt called `label` (made empty the first time). The
 * pointer holds until the next history_for on the same book. */
prompt_history *history_for(prompt_history_book *book, const char *label);
/* Adds text as the newest entry; an equal earlier entry moves up instead of
 * repeating. Empty text is not kept. */
void history_add(prompt_history *h, const char *text);
void history_book_free(prompt_history_book *book);

#endif
