#include "owner.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"

bool owner_identity_known(const owner_identity *me)
{
    return me && (!str_empty(me->name) || !str_empty(me->email));
}

/* [*start, *end) without blanks at either end. */
static void trim(const char **start, const char **end)
{
    while (*start < *end && isspace((unsigned char)**start))
        (*start)++;
    while (*end > *start && isspace((unsigned char)(*end)[-1]))
        (*end)--;
}

/* The text [start, end) equals who, ASCII case and blanks at either end aside. */
static bool same(const char *start, const char *end, const char *who)
{
    const char *ws = who, *we = who + strlen(who);
    trim(&start, &end);
    trim(&ws, &we);
    size_t n = (size_t)(end - start);
    return n > 0 && n == (size_t)(we - ws) && strncasecmp(start, ws, n) == 0;
}

bool owner_is(const char *owner, const char *who)
{
    if (str_empty(owner) || str_empty(who))
        return false;
    const char *end = owner + strlen(owner);
    if (same(owner, end, who))
        return true;
    /* "Anna Berg <anna@example.com>": the name before <, the e-mail inside. */
    const char *lt = strchr(owner, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    return gt && (same(owner, lt, who) || same(lt + 1, gt, who));
}

bool owner_is_me(const char *owner, const owner_identity *me)
{
    return me && (owner_is(owner, me->name) || owner_is(owner, me->email));
}

bool owner_scope_keeps(const owner_scope *s, const deal *d)
{
    switch (s->kind) {
    case OWNER_MINE:
        return owner_is_me(d->owner, &s->me);
    case OWNER_NAMED:
        return owner_is(d->owner, s->name);
    default:
        return true;
    }
}

void owner_scope_label(const owner_scope *s, char *buf, size_t size)
{
    switch (s->kind) {
    case OWNER_MINE:
        snprintf(buf, size, "your deals");
        break;
    case OWNER_NAMED:
        snprintf(buf, size, "owner: %s", s->name ? s->name : "");
        break;
    default:
        snprintf(buf, size, "team");
    }
}
