/* The active bindings, grouped by action: for the help view, the README's
 * table and the man page. All three come from the keymap, so none can lie. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys_table.h"

typedef struct {
    key_group *items;
    size_t n;
} groups;

static void collect(void *ud, const char *keys, db_action action)
{
    groups *g = ud;
    for (size_t i = 0; i < g->n; i++)
        if (g->items[i].action == action) {
            size_t len = strlen(g->items[i].keys);
            snprintf(g->items[i].keys + len, sizeof g->items[i].keys - len, ", %s", keys);
            return;
        }
    g->items = xrealloc(g->items, (g->n + 1) * sizeof *g->items);
    g->items[g->n].action = action;
    snprintf(g->items[g->n].keys, sizeof g->items[g->n].keys, "%s", keys);
    g->n++;
}

size_t keys_grouped(const keymap *km, keymap_ctx ctx, key_group **out)
{
    groups g = {NULL, 0};
    keymap_bindings(km, ctx, collect, &g);
    *out = g.items;
    return g.n;
}

/* Contexts in the order a reader meets them. */
static const keymap_ctx order[] = {KCTX_BOARD, KCTX_CLOSED, KCTX_CLUSTERS, KCTX_DETAIL, KCTX_REVIEW, KCTX_PROMPT,
                                   KCTX_GLOBAL};

const char *keys_ctx_title(keymap_ctx ctx)
{
    switch (ctx) {
    case KCTX_BOARD: return "The board";
    case KCTX_CLOSED: return "Closed deals";
    case KCTX_CLUSTERS: return "Clusters";
    case KCTX_DETAIL: return "Detail, help and other pages";
    case KCTX_REVIEW: return "The daily review";
    case KCTX_PROMPT: return "Prompts and forms";
    default: return "Everywhere";
    }
}

/* Markdown: a | inside a cell is written \|, and ` cannot be in a code span. */
static void md_keys(FILE *out, const char *keys)
{
    for (const char *k = keys; *k; k++) {
        if (*k == '|')
            fputs("\\|", out);
        else
            fputc(*k, out);
    }
}

/* roff: backslash, a leading dot or quote, and hyphens need escapes. */
static void roff_text(FILE *out, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", out);
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '-')
            fputs("\\-", out);
        else
            fputc(*s, out);
    }
}

void tui_print_keys_table(FILE *out, const keymap *km, bool roff)
{
    for (size_t c = 0; c < sizeof order / sizeof *order; c++) {
        key_group *g = NULL;
        size_t n = keys_grouped(km, order[c], &g);
        if (roff) {
            fprintf(out, ".SS %s (%s)\n", keys_ctx_title(order[c]), keymap_ctx_name(order[c]));
        } else {
            fprintf(out, "%s### %s (`%s`)\n\n| keys | action | what it does |\n|---|---|---|\n",
                    c ? "\n" : "", keys_ctx_title(order[c]), keymap_ctx_name(order[c]));
        }
        for (size_t i = 0; i < n; i++) {
            if (roff) {
                fputs(".TP\n.B ", out);
                roff_text(out, g[i].keys);
                fputs("\n", out);
                roff_text(out, action_help(g[i].action));
                fprintf(out, " (");
                roff_text(out, action_name(g[i].action));
                fputs(")\n", out);
            } else {
                fputs("| ", out);
                md_keys(out, g[i].keys);
                fprintf(out, " | %s | %s |\n", action_name(g[i].action), action_help(g[i].action));
            }
        }
        free(g);
    }
}
