/* References in the terminal UI (tui/references.h). */
#include "references.h"

#include <stdlib.h>

#include "../pipeline/reference.h"

static void load_won(tui_app *app, tui_references *refs)
{
    if (refs->loaded && refs->gen == app->deals_gen)
        return;
    tui_references_free(refs);
    for (size_t i = 0; i < app->deals.count; i++) {
        if (app->deals.items[i]->status != STATUS_WON)
            continue;
        deal *d = xmalloc(sizeof *d);
        deal_init(d);
        db_err err = {0};
        /* One that cannot be read is left out: `dealboard doctor` says why. */
        if (repo_load_deal(app->repo, app->deals.items[i]->id, d, &err) == 0 && !d->partial)
            deal_list_push(&refs->won, d);
        else
            deal_destroy(d);
    }
    refs->loaded = true;
    refs->gen = app->deals_gen;
}

char *tui_first_mover_words(tui_app *app, tui_references *refs, const deal *whole)
{
    if (!reference_not_first_mover(repo_config(app->repo), whole))
        return NULL;
    load_won(app, refs);
    deal **offers = xcalloc(refs->won.count + 1, sizeof *offers);
    size_t n = reference_suggest(refs->won.items, refs->won.count, whole, offers);
    char *words = reference_first_mover_words(reference_first_wanted(whole), whole, offers, n);
    free(offers);
    return words;
}

void tui_references_free(tui_references *refs)
{
    deal_list_free(&refs->won);
    refs->won = (deal_list){0};
    refs->loaded = false;
}
