/* The buying committee and references from the detail view (SPEC §9): the
 * keys the `person` and `ref` commands have on the command line, each change
 * one commit through the same edit transaction (tui_commit_change). */
#include <stdio.h>
#include <stdlib.h>

#include "../pipeline/people.h"
#include "app.h"

static const char *const roles[] = {
#define X(e, name) name,
    PEOPLE_ROLES(X)
#undef X
    NULL};

/* b: who, their role (the list offered, unique prefixes complete) and stance. */
void tui_person_add(tui_app *app, const char *id)
{
    form_field f[] = {{"Name", FIELD_TEXT, true, NULL, NULL, NULL},
                      {"Role", FIELD_CHOICE, true, roles, NULL, NULL},
                      {"Stance (empty: not known)", FIELD_TEXT, false, NULL, NULL, NULL}};
    if (tui_form(app, "Add a person to the buying committee", f, 3))
        tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_PERSON_ADD, .text = f[0].value,
                                             .role = f[1].value,
                                             .stance = str_empty(f[2].value) ? NULL : f[2].value,
                                             .day = DAY_NONE});
    tui_form_free(f, 3);
}

/* The deal read whole (the board's deals are light); false with the reason said. */
static bool load_whole(tui_app *app, const char *id, tui_full_deal *full)
{
    if (tui_full_deal_load(app, full, id))
        return true;
    tui_message(app, true, "%s", full->why);
    return false;
}

/* B: which person, by the number the detail view shows (or their id). */
void tui_person_rm(tui_app *app, const char *id)
{
    tui_full_deal full = {0};
    if (!load_whole(app, id, &full))
        return;
    size_t n = full.d.npeople;
    tui_full_deal_free(&full);
    if (!n) {
        char add[32];
        tui_message(app, false, "no people yet: %s adds one",
                    tui_key_for(app, KCTX_DETAIL, ACTION_PERSON_ADD, add, sizeof add));
        return;
    }
    char label[48];
    snprintf(label, sizeof label, "Remove person (1-%zu, or id)", n);
    char *who = NULL;
    if (tui_prompt(app, label, FIELD_TEXT, n == 1 ? "1" : NULL, NULL, &who) && !str_empty(who))
        tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_PERSON_RM, .step = who,
                                             .day = DAY_NONE});
    free(who);
}

/* F: ready when it is not, not ready when it is (won deals only: the edit says so). */
void tui_ref_ready(tui_app *app, const char *id)
{
    tui_full_deal full = {0};
    if (!load_whole(app, id, &full))
        return;
    bool ready = full.d.reference.present && full.d.reference.ready;
    tui_full_deal_free(&full);
    tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_REF_READY, .direction = !ready,
                                         .day = DAY_NONE});
}

/* A: the deal whose buyer asked (an id or a unique prefix). As `ref ID asked
 * FOR`: the ask on this reference, then on the buyer's deal that they asked
 * (not comfortable being first), each its own commit. */
void tui_ref_asked(tui_app *app, const char *id)
{
    char *typed = NULL, *for_id = NULL;
    db_err err = {0};
    if (!tui_prompt(app, "Asked for by the buyer of (deal id)", FIELD_TEXT, NULL, NULL, &typed) ||
        str_empty(typed)) {
        free(typed);
        return;
    }
    if (repo_resolve_id(app->repo, typed, &for_id, &err))
        tui_message(app, true, "%s", err.msg);
    else if (str_eq(for_id, id))
        tui_message(app, true, "a deal cannot be asked for as its own reference; name the deal "
                    "whose buyer asked");
    else if (tui_commit_change(app, id, (edit_op){.kind = EDIT_OP_REF_ASKED, .text = for_id,
                                                  .day = DAY_NONE}) &&
             tui_commit_change(app, for_id, (edit_op){.kind = EDIT_OP_REF_WANTED, .text = id,
                                                      .day = DAY_NONE})) {
        board_select_id(app->board, id);   /* the view stays on the reference */
        tui_message(app, false, "2 commits: %s asked for as a reference by %s's buyer", id,
                    for_id);
    }
    free(for_id);
    free(typed);
}
