/* Writing many objects at once: a second handle on the repository whose new
 * objects go to memory (libgit2's mempack), then into the real object database
 * as one pack. A merge of 300 deals is then one fsync'd pack, not 300 fsync'd
 * loose objects. */
#ifndef DB_MEMPACK_H
#define DB_MEMPACK_H

#include <git2.h>

#include "../pipeline/util.h"

typedef struct {
    git_repository *repo;       /* reads see everything; writes stay in memory */
    git_odb_backend *backend;
} mempack_repo;

int mempack_open(git_repository *git, mempack_repo *out, db_err *err);
/* Writes commit_id (made through mem->repo) and the new objects it reaches into
 * git's object database as one pack. */
int mempack_flush(mempack_repo *mem, git_repository *git, const git_oid *commit_id,
                  db_err *err);
void mempack_close(mempack_repo *mem);

#endif
