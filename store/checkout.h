/* Moving the checked-out branch to another commit, per file atomic
 * (store/checkout.c). */
#ifndef DB_CHECKOUT_H
#define DB_CHECKOUT_H

#include <git2.h>

#include "repo.h"

/* Brings the work tree and the index from HEAD to target_id for the paths
 * that differ, and moves ref_name (HEAD's branch) there from HEAD, with why
 * as its reflog message. On an error nothing changed. */
int checkout_move(db_repo *repo, const char *ref_name, const git_oid *target_id, const char *why,
                  db_err *err);

#endif
