#include "prompt_history.h"

#include <stdlib.h>
#include <string.h>

#include "../pipeline/util.h"

prompt_history *history_for(prompt_history_book *book, const char *label)
{
    for (size_t i = 0; i < book->n; i++)
        if (str_eq(book->lists[i].label, label))
            return &book->lists[i];
    if (book->n == book->cap) {
        book->cap = book->cap ? book->cap * 2 : 8;
        book->lists = xrealloc(book->lists, book->cap * sizeof *book->lists);
    }
    prompt_history *h = &book->lists[book->n++];
    *h = (prompt_history){xstrdup(label), NULL, 0, 0};
    return h;
}

static void drop(prompt_history *h, size_t i)
{
    free(h->items[i]);
    memmove(h->items + i, h->items + i + 1, (h->n - i - 1) * sizeof *h->items);
    h->n--;
}

void history_add(prompt_history *h, const char *text)
{
    if (!text || !*text)
        return;
    for (size_t i = 0; i < h->n; i++)
        if (str_eq(h->items[i], text)) {
            drop(h, i);
            break;
        }
    if (h->n == PROMPT_HISTORY_MAX)
        drop(h, 0);
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 8;
        h->items = xrealloc(h->items, h->cap * sizeof *h->items);
    }
    h->items[h->n++] = xstrdup(text);
}

void history_book_free(prompt_history_book *book)
{
    for (size_t i = 0; i < book->n; i++) {
        for (size_t k = 0; k < book->lists[i].n; k++)
            free(book->lists[i].items[k]);
        free(book->lists[i].items);
        free(book->lists[i].label);
    }
    free(book->lists);
    *book = (prompt_history_book){0};
}
