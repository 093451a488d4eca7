/* json_merge — JSON-aware three-way merge of deal files and pipeline.json (SPEC §6).
 *
 * Used by sync instead of git's line merge: objects merge field by field against the
 * common base, the same field changed on both sides resolves to the later commit's value
 * (the losing value is kept in words in a "conflict" log entry), the top-level "log" array
 * is a union by entry id, and the top-level "tags" array is a three-way set merge.
 */
#ifndef DEALBOARD_JSON_MERGE_H
#define DEALBOARD_JSON_MERGE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

/* One side of the merge: the commit that produced that side's version. */
typedef struct {
    const char *author;   /* "Alice <alice@x>" or just a name; may be NULL */
    long long time;       /* commit time, seconds since epoch */
} json_merge_side;

typedef enum { JSON_MERGE_KEPT, JSON_MERGE_DELETED } json_merge_outcome;

typedef struct {
    int conflicts;           /* how many same-field conflicts were resolved */
    json_merge_outcome outcome;
} json_merge_stats;

/* Three-way merge of one JSON document.
 *
 * base:    common ancestor, or NULL when the file was added on both sides.
 * ours, theirs: the two versions; NULL means the file was deleted on that side.
 * ours_side, theirs_side: commit author/time of each side; either may be NULL
 *          (treated as author "unknown", time 0).
 * record_conflicts: true for deals: each resolved conflict appends a "conflict" entry to
 *          the top-level "log" array (created if absent); false for pipeline.json.
 * result:  required. On success receives a NEW tree the caller frees with cJSON_Delete,
 *          or NULL when the file should be deleted (stats->outcome == JSON_MERGE_DELETED).
 * stats:   optional (may be NULL).
 *
 * Returns 0 on success. Returns -1 with errno set and *result == NULL on failure:
 * EINVAL if result is NULL, ENOMEM if an allocation failed. Inputs are never modified.
 *
 * Notes for callers:
 * - A non-object root is merged as one scalar value. If both sides changed it and only
 *   one side is an object, the object is kept (whatever the commit times) and the other
 *   version is logged in it. So the result is an object whenever both sides are objects,
 *   or either side is and both changed; otherwise it may be a non-object root that one
 *   side wrote (a conflict between two non-objects is then counted but not logged).
 * - If the merged top-level "log" is present but not an array, conflict entries cannot be
 *   recorded there; the conflicts are still counted in stats.
 * - Duplicate keys inside one object: only the first occurrence takes part in the merge.
 */
int json_merge3(const cJSON *base, const cJSON *ours, const cJSON *theirs,
                const json_merge_side *ours_side, const json_merge_side *theirs_side,
                bool record_conflicts, cJSON **result, json_merge_stats *stats);

#endif
