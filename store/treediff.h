/* The files that differ between two trees. Subtrees with the same id on both
 * sides are never opened, so the cost grows with what changed, not with the
 * number of deals (git_diff_tree_to_tree visits every file of both trees). */
#ifndef DB_TREEDIFF_H
#define DB_TREEDIFF_H

#include <git2.h>
#include <stdbool.h>
#include <stdint.h>

#include "../pipeline/util.h"

typedef struct {
    bool exists;
    git_oid id;
    uint32_t mode;
} treediff_side;

typedef struct {
    char *path;                  /* "deals/ab/some-deal-ab.json" */
    treediff_side old, new;      /* exists false: added (old) or removed (new) */
} treediff_entry;

typedef struct {
    treediff_entry *items;
    size_t n, cap;
} treediff_list;

/* a or b may be NULL (an empty tree). Appends to *out in no particular order. */
int treediff(git_repository *git, git_tree *a, git_tree *b, treediff_list *out, db_err *err);
/* The paths as a git_strarray pointing into list (valid while list is). */
void treediff_paths(const treediff_list *list, git_strarray *out);
void treediff_free(treediff_list *list);

#endif
