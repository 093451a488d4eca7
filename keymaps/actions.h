/* The one table of everything a key can do (SPEC §5). The keymap files name
 * actions by their cli-name; the TUI switches on the enum; the help screen
 * shows the help text; the board asks the properties (action_has) instead of
 * keeping its own lists. Adding an action means adding one line here. */
#ifndef DB_ACTIONS_H
#define DB_ACTIONS_H

#include <stdbool.h>

/* Properties of an action (the fourth column, or-ed; 0: none of them). */
#define AP_DEAL       1u   /* a deal action (tui/deal_actions.c): the board, detail and
                            * review views run it on their deal */
#define AP_NEEDS_DEAL 2u   /* refused with "no deal selected" when there is none */
#define AP_EDITS      4u   /* commits: refused while a sync runs (it holds the lock) */
#define AP_WRITES     8u   /* changes the repository (a commit, a sync, the review's
                            * place): refused on a board of a past day (--as-of) */
#define AP_DEAL_EDIT  (AP_DEAL | AP_NEEDS_DEAL | AP_EDITS | AP_WRITES)   /* a change to one deal */

/* X(ENUM_SUFFIX, "cli-name", properties, review outcome, "help text in words")
 * The review outcome is what a committed change means in the daily review
 * (OUTCOME_<it>, pipeline/review_session.h: it ends the deal's turn there);
 * NONE: the deal stays on screen (a note, an edit, undo, sync). */
#define DB_ACTIONS(X) \
    /* board and navigation */ \
    X(MOVE_LEFT,      "move-left",      0,                  NONE,      "move the selection left") \
    X(MOVE_DOWN,      "move-down",      0,                  NONE,      "move the selection down") \
    X(MOVE_UP,        "move-up",        0,                  NONE,      "move the selection up") \
    X(MOVE_RIGHT,     "move-right",     0,                  NONE,      "move the selection right") \
    X(FIRST_CARD,     "first-card",     0,                  NONE,      "go to the first card") \
    X(LAST_CARD,      "last-card",      0,                  NONE,      "go to the last card") \
    X(PAGE_UP,        "page-up",        0,                  NONE,      "go one page up") \
    X(PAGE_DOWN,      "page-down",      0,                  NONE,      "go one page down") \
    X(STAGE_PREV,     "stage-prev",     AP_DEAL_EDIT,       STAGE,     "move the deal to the previous stage") \
    X(STAGE_NEXT,     "stage-next",     AP_DEAL_EDIT,       STAGE,     "move the deal to the next stage") \
    X(DETAIL,         "detail",         0,                  NONE,      "open the deal's detail view") \
    X(ADD,            "add",            AP_WRITES,          NONE,      "add a deal") \
    X(EDIT,           "edit",           AP_DEAL_EDIT,       NONE,      "edit the deal's fields") \
    X(EDIT_FILE,      "edit-file",      AP_DEAL_EDIT,       NONE,      "edit the deal file in $EDITOR") \
    X(TOUCH,          "touch",          AP_DEAL_EDIT,       TOUCHED,   "log a touch (a contact with the buyer)") \
    X(TOUCH_IN,       "touch-in",       AP_DEAL_EDIT,       TOUCHED,   "log a touch the buyer made (they reached us)") \
    X(NOTE,           "note",           AP_DEAL_EDIT,       NONE,      "add a note") \
    X(NEXT_STEP,      "next-step",      AP_DEAL_EDIT,       NEXT_STEP, "plan the next step (text and due date)") \
    X(PLAN_ADD,       "plan-add",       AP_DEAL_EDIT,       NONE,      "add a step to the shared plan (text, the buyer's or ours, due date)") \
    X(PLAN_DONE,      "plan-done",      AP_DEAL_EDIT,       NONE,      "tick a step of the shared plan done (which one, evidence)") \
    X(PLAN_DUE,       "plan-due",       AP_DEAL_EDIT,       NONE,      "set or change the due date of a step of the shared plan") \
    X(PERSON_ADD,     "person-add",     AP_DEAL_EDIT,       NONE,      "add a person to the buying committee (name, role, stance)") \
    X(PERSON_RM,      "person-rm",      AP_DEAL_EDIT,       NONE,      "remove a person from the buying committee") \
    X(REF_READY,      "ref-ready",      AP_DEAL_EDIT,       NONE,      "mark a won deal ready, or no longer ready, to be a reference") \
    X(REF_ASKED,      "ref-asked",      AP_DEAL_EDIT,       NONE,      "record that a buyer asked for this won deal as a reference (which deal)") \
    X(MOVE_ON,        "move-on",        AP_DEAL_EDIT,       MOVED_ON,  "move on from the deal (reason, revisit date)") \
    X(WON,            "won",            AP_DEAL_EDIT,       WON,       "mark the deal won") \
    X(LOST,           "lost",           AP_DEAL_EDIT,       LOST,      "mark the deal lost") \
    X(SNOOZE,         "snooze",         AP_DEAL_EDIT,       SNOOZED,   "snooze the deal's flag until a date") \
    X(SORT,           "sort",           0,                  NONE,      "cycle the sort order") \
    X(SEARCH,         "search",         0,                  NONE,      "search the deals") \
    X(SEARCH_NEXT,    "search-next",    0,                  NONE,      "go to the next match") \
    X(SEARCH_PREV,    "search-prev",    0,                  NONE,      "go to the previous match") \
    X(FILTER,         "filter",         0,                  NONE,      "filter the board") \
    X(SYNC,           "sync",           AP_DEAL | AP_WRITES, NONE,      "sync with the team (commit, fetch, merge, push)") \
    X(REVIEW,         "review",         AP_WRITES,          NONE,      "start the daily review") \
    X(UNDO,           "undo",           AP_DEAL | AP_EDITS | AP_WRITES, NONE,      "undo the last change") \
    X(CHANGES,        "changes",        0,                  NONE,      "show what teammates changed") \
    X(CLOSED,         "closed",         0,                  NONE,      "show the won, lost and moved-on deals") \
    X(CHARTS,         "charts",         0,                  NONE,      "show the charts: pipeline by stage, days in stage, the week's flow") \
    X(CLUSTERS,       "clusters",       0,                  NONE,      "show the deals by status-quo cluster: win rate, where they stall, insights that worked") \
    X(CLUSTER_FILTER, "cluster-filter", 0,                  NONE,      "show the board with the selected cluster's deals only (filter cluster:NAME)") \
    X(MESSAGES,       "messages",       0,                  NONE,      "show this session's messages in full, newest first") \
    X(REFRESH,        "refresh",        0,                  NONE,      "redraw the screen and reload the deals") \
    X(HELP,           "help",           0,                  NONE,      "show the keys") \
    X(QUIT,           "quit",           0,                  NONE,      "quit dealboard") \
    X(BACK,           "back",           0,                  NONE,      "close the current view") \
    /* daily review */ \
    X(SKIP,           "skip",           0,                  NONE,      "leave the deal as it is and go to the next one") \
    X(REVIEW_BACK,    "review-back",    0,                  NONE,      "go back to the previous deal") \
    X(REOPEN,         "reopen",         AP_DEAL_EDIT,       REOPENED,  "reopen a closed deal") \
    X(STAGE_SET,      "stage-set",      AP_DEAL_EDIT,       STAGE,     "move the deal to a stage you choose") \
    X(REVIEW_SCOPE,   "review-scope",   0,                  NONE,      "switch the review between your deals and the whole team's") \
    /* prompt line editor */ \
    X(PROMPT_CONFIRM, "prompt-confirm", 0,                  NONE,      "accept the input") \
    X(PROMPT_CANCEL,  "prompt-cancel",  0,                  NONE,      "cancel the input") \
    X(CURSOR_LEFT,    "cursor-left",    0,                  NONE,      "move the cursor one character left") \
    X(CURSOR_RIGHT,   "cursor-right",   0,                  NONE,      "move the cursor one character right") \
    X(CURSOR_HOME,    "cursor-home",    0,                  NONE,      "move the cursor to the start of the line") \
    X(CURSOR_END,     "cursor-end",     0,                  NONE,      "move the cursor to the end of the line") \
    X(DELETE_BACK,    "delete-back",    0,                  NONE,      "delete the character before the cursor") \
    X(DELETE_CHAR,    "delete-char",    0,                  NONE,      "delete the character under the cursor") \
    X(KILL_LINE,      "kill-line",      0,                  NONE,      "delete from the cursor to the end of the line") \
    X(KILL_LINE_BACK, "kill-line-back", 0,                  NONE,      "delete from the start of the line to the cursor") \
    X(WORD_LEFT,      "word-left",      0,                  NONE,      "move the cursor one word left") \
    X(WORD_RIGHT,     "word-right",     0,                  NONE,      "move the cursor one word right") \
    X(HISTORY_PREV,   "history-prev",   0,                  NONE,      "recall the previous input") \
    X(HISTORY_NEXT,   "history-next",   0,                  NONE,      "recall the next input") \
    X(COMPLETE,       "complete",       0,                  NONE,      "complete the word under the cursor")

#define DB_ACTION_ENUM_(suffix, name, props, outcome, help) ACTION_##suffix,
typedef enum {
    ACTION_NONE = 0, /* "none": no action; in a keymap file it unbinds a key */
    DB_ACTIONS(DB_ACTION_ENUM_)
    ACTION_COUNT
} db_action;
#undef DB_ACTION_ENUM_

/* "move-left" etc.; "none" for ACTION_NONE; NULL if out of range. */
const char *action_name(db_action a);
/* Help text in words; NULL if out of range. */
const char *action_help(db_action a);
/* Whether a has every property in `props` (AP_*); false if out of range. */
bool action_has(db_action a, unsigned props);
/* The action called `name` (exact, case-sensitive); ACTION_NONE if there is
 * none by that name (and for "none" itself, and for NULL). */
db_action action_by_name(const char *name);

#endif
