/* Repository maintenance (store/maintenance.c): loose objects into a pack. */
#ifndef DB_MAINTENANCE_H
#define DB_MAINTENANCE_H

#include <git2.h>
#include <stddef.h>

#include "../pipeline/util.h"

/* Past this many loose objects a sync packs them (git gc --auto: 6,700). */
#define MAINTENANCE_LOOSE_LIMIT 6700

/* About how many loose objects there are, from one fan-out directory. */
size_t maintenance_loose_estimate(git_repository *git);
/* Writes every loose object into one new pack, then removes the loose files
 * that pack holds; *packed: how many. Nothing is ever dropped. */
int maintenance_pack_loose(git_repository *git, size_t *packed, db_err *err);

#endif
