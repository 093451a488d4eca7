/* .git/dealboard-events: the event index of one commit, as text (a version
 * line, the commit it covers, the tables of deal_events.h, the snapshots
 * of that commit's deal files, the stage renames, and a checksum of it all). A cache:
 * anything wrong with it (another version, a torn or edited file) makes it
 * be read again from git, never an error. */
#ifndef DB_EVENTS_FILE_H
#define DB_EVENTS_FILE_H

#include <stdbool.h>
#include <stdint.h>

#include "../pipeline/deal_events.h"
#include "repo.h"

/* Bump it when the file's layout changes, and when what a deal file's
 * version says changes (store/events.c read_fields): the snapshots kept in
 * the file are then stale. */
#define EVENTS_FILE_VERSION 4       /* 3: the stage changes; 4: insight fingerprints */

/* What one version of a deal file says, by its blob id. The index keeps
 * those of the deal files in the commit it covers: they are the "before"
 * of the next changes, which an update then does not read from git again. */
typedef struct {
    unsigned char blob[20];
    bool ok;                              /* a JSON object */
    bool has[EVENT_FIELD_COUNT];
    int64_t num[EVENT_FIELD_COUNT];
    char *stage;                          /* with has[EVENT_STAGE] */
} deal_snapshot;

void deal_snapshot_free(deal_snapshot *s);

/* <git dir>/dealboard-events; caller frees. */
char *events_file_path(db_repo *repo);
/* 0 with *out filled, head = the commit it covers and *tips its deal files'
 * snapshots (the caller frees each and the array); -1 when it is missing or
 * not a whole, valid index of this version (*out and *tips then empty). */
int events_file_read(const char *path, deal_history *out, char head[41], deal_snapshot ***tips,
                     size_t *ntips);
/* Writes a temporary file and renames it over path; -1 when that failed
 * (the cache is then simply not there, or the old one). tips: in the order
 * of their blob ids. */
int events_file_write(const char *path, const deal_history *h, const char *head,
                      deal_snapshot *const *tips, size_t ntips);

#endif
