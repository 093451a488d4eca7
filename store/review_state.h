/* Where the daily review left off today: .git/dealboard-review (format in
 * pipeline/review_session.h). Local to this clone, never committed. */
#ifndef DB_REVIEW_STATE_H
#define DB_REVIEW_STATE_H

#include "../pipeline/review_session.h"
#include "repo.h"

/* Today's state; an empty one when there is no file, it is another day's, or
 * the repository has no .git (the read-only example pipeline). */
void repo_review_state_load(db_repo *repo, db_day today, review_state *out);
/* Writes the file atomically; 0, or an error code with err set. A repository
 * without .git keeps no state (0). */
int repo_review_state_save(db_repo *repo, const review_state *s, db_err *err);

#endif
