/* Copies the objects that some commits add from one repository into another
 * as a single pack, without deltas. Used for a team remote that is a local
 * repository: libgit2 1.5's local fetch and push walk every file of the
 * commits' trees, re-send objects the other side already has (the trees of
 * a merge's local parent) and search deltas across all of it; here the
 * cost grows with what changed, not with the number of deals. */
#ifndef DB_PACKCOPY_H
#define DB_PACKCOPY_H

#include <git2.h>

#include "../pipeline/util.h"

/* Writes into dst every object reachable from tip (a commit in src) and not
 * reachable from the commits in `complete`: dst must hold these commits with
 * everything they reach (its branch tips). Entries of `complete` that src
 * does not know are ignored. Objects dst already has are not copied. */
int packcopy(git_repository *src, git_repository *dst, const git_oid *tip,
             const git_oid *complete, size_t ncomplete, db_err *err);

#endif
