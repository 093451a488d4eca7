/* The stalled limits the team's history teaches ("stalled": {"learn":
 * true}; pipeline/learned_limits.h): read from the event index
 * (store/events.h) and kept in .git/dealboard-limits for the commit and the
 * stage ids they were learned for, so that list, flags and the board read
 * one small file and not the history, until HEAD or the stages change. */
#ifndef DB_STORE_LEARNED_LIMITS_H
#define DB_STORE_LEARNED_LIMITS_H

#include "../pipeline/util.h"
#include "events.h"
#include "repo.h"

/* Sets the learned limits in the repository's configuration when the
 * stalled rule is on and asks to learn; does nothing otherwise. On failure
 * (a shallow clone, an unreadable history) the stages keep their max_days
 * and err says why. */
/* progress: while the event index is first built (NULL: silent). */
int repo_learn_limits(db_repo *repo, events_progress_fn progress, void *ud, db_err *err);

#endif
