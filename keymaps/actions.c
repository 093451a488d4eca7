/* Names, help texts and properties generated from the DB_ACTIONS table. */
#include "actions.h"

#include <stddef.h>
#include <string.h>

#define DB_ACTION_ROW_(suffix, name, props, outcome, help) [ACTION_##suffix] = {name, help, props},
static const struct {
    const char *name;
    const char *help;
    unsigned props;
} action_rows[ACTION_COUNT] = {
    [ACTION_NONE] = {"none", "do nothing (unbinds the key)", 0},
    DB_ACTIONS(DB_ACTION_ROW_)
};
#undef DB_ACTION_ROW_

static int action_in_range(db_action a)
{
    return (int)a >= 0 && a < ACTION_COUNT;
}

const char *action_name(db_action a)
{
    return action_in_range(a) ? action_rows[a].name : NULL;
}

const char *action_help(db_action a)
{
    return action_in_range(a) ? action_rows[a].help : NULL;
}

bool action_has(db_action a, unsigned props)
{
    return action_in_range(a) && (action_rows[a].props & props) == props;
}

db_action action_by_name(const char *name)
{
    if (!name)
        return ACTION_NONE;
    /* Linear search: ~55 short names, looked up only while loading keymaps. */
    for (int a = ACTION_NONE + 1; a < ACTION_COUNT; a++)
        if (strcmp(action_rows[a].name, name) == 0)
            return (db_action)a;
    return ACTION_NONE;
}
