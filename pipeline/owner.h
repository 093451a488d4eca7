/* Whose deals a listing, the report, the board or the review shows: the
 * whole team's, the user's own ("mine": the owner is the user's git name or
 * e-mail), or one named owner's. Pure: the identity comes from store/
 * (repo_user_identity), so the CLI and the board match owners the same way. */
#ifndef DB_OWNER_H
#define DB_OWNER_H

#include <stdbool.h>
#include <stddef.h>

#include "deal.h"

/* The parts of the user's git identity that are configured; NULL (or "")
 * when a part is not (a guess from $USER or the host name is no identity). */
typedef struct {
    const char *name, *email;
} owner_identity;

typedef enum { OWNER_ALL, OWNER_MINE, OWNER_NAMED } owner_scope_kind;

typedef struct {
    owner_scope_kind kind;
    const char *name;        /* OWNER_NAMED: the owner asked for */
    owner_identity me;       /* OWNER_MINE */
} owner_scope;

/* True when the identity has a name or an e-mail to match. */
bool owner_identity_known(const owner_identity *me);
/* The deal's owner field names `who`: equal, ASCII case and blanks at either
 * end aside; an owner written "Name <e-mail>" is either part. */
bool owner_is(const char *owner, const char *who);
/* The owner is the user: owner_is his name or his e-mail. */
bool owner_is_me(const char *owner, const owner_identity *me);
/* The deal is in the scope (OWNER_ALL keeps every deal). */
bool owner_scope_keeps(const owner_scope *s, const deal *d);
/* Whose deals, for headings: "team", "your deals", "owner: Anna". Quotes
 * the name as given: sanitize (text_sanitize) before drawing. */
void owner_scope_label(const owner_scope *s, char *buf, size_t size);

#endif
