/* json_merge — JSON-aware three-way merge of deal files and pipeline.json (SPEC §6).
 *
 * Used by sync instead of git's line merge: objects merge field by field against the
 * common base, the same field changed on both sides resolves to the later commit's value
 * (the losing value is kept in words in a "conflict" entry), the top-level "log" array
 * is a union by entry id, and the top-level "tags" array is a three-way set merge. Arrays
 * of objects with the same "id"s in the same order on both sides (pipeline.json's stages)
 * merge element by element.
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

/* Where resolved conflicts are written. Each is the same entry as a deal's log has:
 * {id, at, by: "dealboard", kind: "conflict", text}. */
typedef enum {
    JSON_MERGE_COUNT_ONLY = 0,  /* counted in stats, written nowhere */
    JSON_MERGE_DEAL_LOG = 1,    /* deals: appended to the top-level "log" */
    /* pipeline.json: appended to the top-level "conflicts" list, which merges as a
     * union by id, except that an entry one side removed (a person acknowledged it)
     * and the other left as it was stays removed. */
    JSON_MERGE_PIPELINE = 2,
} json_merge_record;

/* The top-level list the conflicts of `record` go to ("log", "conflicts"), or NULL. */
const char *json_merge_list_key(json_merge_record record);
/* A new {id, at, by, kind: "conflict", text} entry, or NULL when out of memory. */
cJSON *json_merge_conflict_entry(const char *id, const char *at, const char *text);

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
 * record:  where each resolved conflict is written (json_merge_record); the list is
 *          created if absent. The old bool (true: deals) still means the same.
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
 * - If the merged top-level list is present but not an array, conflict entries cannot be
 *   recorded there; the conflicts are still counted in stats.
 * - Duplicate keys inside one object: only the first occurrence takes part in the merge.
 */
int json_merge3(const cJSON *base, const cJSON *ours, const cJSON *theirs,
                const json_merge_side *ours_side, const json_merge_side *theirs_side,
                json_merge_record record, cJSON **result, json_merge_stats *stats);

#endif
