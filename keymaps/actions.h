/* The one table of everything a key can do (SPEC §5). The keymap files name
 * actions by their cli-name; the TUI switches on the enum; the help screen
 * shows the help text. Adding an action means adding one line here. */
#ifndef DB_ACTIONS_H
#define DB_ACTIONS_H

/* X(ENUM_SUFFIX, "cli-name", "help text in words") */
#define DB_ACTIONS(X) \
    /* board and navigation */ \
    X(MOVE_LEFT,      "move-left",      "move the selection left") \
    X(MOVE_DOWN,      "move-down",      "move the selection down") \
    X(MOVE_UP,        "move-up",        "move the selection up") \
    X(MOVE_RIGHT,     "move-right",     "move the selection right") \
    X(FIRST_CARD,     "first-card",     "go to the first card") \
    X(LAST_CARD,      "last-card",      "go to the last card") \
    X(PAGE_UP,        "page-up",        "go one page up") \
    X(PAGE_DOWN,      "page-down",      "go one page down") \
    X(STAGE_PREV,     "stage-prev",     "move the deal to the previous stage") \
    X(STAGE_NEXT,     "stage-next",     "move the deal to the next stage") \
    X(DETAIL,         "detail",         "open the deal's detail view") \
    X(ADD,            "add",            "add a deal") \
    X(EDIT,           "edit",           "edit the deal's fields") \
    X(EDIT_FILE,      "edit-file",      "edit the deal file in $EDITOR") \
    X(TOUCH,          "touch",          "log a touch (a contact with the buyer)") \
    X(TOUCH_IN,       "touch-in",       "log a touch the buyer made (they reached us)") \
    X(NOTE,           "note",           "add a note") \
    X(NEXT_STEP,      "next-step",      "plan the next step (text and due date)") \
    X(MOVE_ON,        "move-on",        "move on from the deal (reason, revisit date)") \
    X(WON,            "won",            "mark the deal won") \
    X(LOST,           "lost",           "mark the deal lost") \
    X(SNOOZE,         "snooze",         "snooze the deal's flag until a date") \
    X(SORT,           "sort",           "cycle the sort order") \
    X(SEARCH,         "search",         "search the deals") \
    X(SEARCH_NEXT,    "search-next",    "go to the next match") \
    X(SEARCH_PREV,    "search-prev",    "go to the previous match") \
    X(FILTER,         "filter",         "filter the board") \
    X(SYNC,           "sync",           "sync with the team (commit, fetch, merge, push)") \
    X(REVIEW,         "review",         "start the daily review") \
    X(UNDO,           "undo",           "undo the last change") \
    X(CHANGES,        "changes",        "show what teammates changed") \
    X(CLOSED,         "closed",         "show the won, lost and moved-on deals") \
    X(MESSAGES,       "messages",       "show this session's messages in full, newest first") \
    X(REFRESH,        "refresh",        "redraw the screen and reload the deals") \
    X(HELP,           "help",           "show the keys") \
    X(QUIT,           "quit",           "quit dealboard") \
    X(BACK,           "back",           "close the current view") \
    /* daily review */ \
    X(SKIP,           "skip",           "leave the deal as it is and go to the next one") \
    X(REVIEW_BACK,    "review-back",    "go back to the previous deal") \
    X(REOPEN,         "reopen",         "reopen a closed deal") \
    X(STAGE_SET,      "stage-set",      "move the deal to a stage you choose") \
    X(REVIEW_SCOPE,   "review-scope",   "switch the review between your deals and the whole team's") \
    /* prompt line editor */ \
    X(PROMPT_CONFIRM, "prompt-confirm", "accept the input") \
    X(PROMPT_CANCEL,  "prompt-cancel",  "cancel the input") \
    X(CURSOR_LEFT,    "cursor-left",    "move the cursor one character left") \
    X(CURSOR_RIGHT,   "cursor-right",   "move the cursor one character right") \
    X(CURSOR_HOME,    "cursor-home",    "move the cursor to the start of the line") \
    X(CURSOR_END,     "cursor-end",     "move the cursor to the end of the line") \
    X(DELETE_BACK,    "delete-back",    "delete the character before the cursor") \
    X(DELETE_CHAR,    "delete-char",    "delete the character under the cursor") \
    X(KILL_LINE,      "kill-line",      "delete from the cursor to the end of the line") \
    X(KILL_LINE_BACK, "kill-line-back", "delete from the start of the line to the cursor") \
    X(WORD_LEFT,      "word-left",      "move the cursor one word left") \
    X(WORD_RIGHT,     "word-right",     "move the cursor one word right") \
    X(HISTORY_PREV,   "history-prev",   "recall the previous input") \
    X(HISTORY_NEXT,   "history-next",   "recall the next input") \
    X(COMPLETE,       "complete",       "complete the word under the cursor")

#define DB_ACTION_ENUM_(suffix, name, help) ACTION_##suffix,
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
/* The action called `name` (exact, case-sensitive); ACTION_NONE if there is
 * none by that name (and for "none" itself, and for NULL). */
db_action action_by_name(const char *name);

#endif
