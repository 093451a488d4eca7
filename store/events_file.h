/* .git/dealboard-events: the event index of one commit, binary: a whole
 * index (a header with the version and the commit it covers, the tables of
 * deal_events.h as fixed-size records, the snapshots of that commit's deal
 * files, the stage renames and additions of pipeline.json, a string table,
 * and a checksum of it all), then what each update
 * since added, appended as a segment of the same form (layout in
 * events_file.c). A cache: anything wrong with it (another version or byte
 * order, a torn or edited file) makes it, or its part from there on, be
 * read again from git, never an error. */
#ifndef DB_EVENTS_FILE_H
#define DB_EVENTS_FILE_H

#include <stdbool.h>
#include <stdint.h>

#include "../pipeline/deal_events.h"
#include "repo.h"

/* Bump it when the file's layout changes, and when what a deal file's
 * version says changes (store/events.c read_fields): the snapshots kept in
 * the file are then stale. */
#define EVENTS_FILE_VERSION 5       /* 5: stage renames and insight fingerprints */

/* What one version of a deal file says, by its blob id. The index keeps
 * those of the deal files in the commit it covers: they are the "before"
 * of the next changes, which an update then does not read from git again. */
typedef struct {
    unsigned char blob[20];
    bool ok;                              /* a JSON object */
    bool has[EVENT_FIELD_COUNT];
    int64_t num[EVENT_FIELD_COUNT];
    char *stage;                          /* with has[EVENT_STAGE] */
    uint32_t files;                       /* deal files of the index's commit with it */
} deal_snapshot;

/* The sizes of the tables: what a segment adds comes after them. */
typedef struct {
    size_t deals, authors, commits, events, stage_changes;
} events_counts;

/* What a read found, for appending to it: the segments that check out and
 * their bytes (anything after them is written over by the next append). */
typedef struct {
    size_t segments;
    uint64_t length;
    uint64_t last_sum;                    /* the checksum of the last one */
} events_file_state;

void deal_snapshot_free(deal_snapshot *s);

/* <git dir>/dealboard-events; caller frees. */
char *events_file_path(db_repo *repo);
/* 0 with *out filled, head = the commit it covers and *tips its deal files'
 * snapshots by blob id (the caller frees each and the array), *st where
 * the segments read end; -1 when it is missing or its first segment is not
 * a whole, valid index of this version (*out and *tips then empty). */
int events_file_read(const char *path, deal_history *out, char head[41], deal_snapshot ***tips,
                     size_t *ntips, events_file_state *st);
/* The whole index in one segment: writes a temporary file and renames it
 * over path; -1 when that failed (the cache is then simply not there, or
 * the old one). tips: in the order of their blob ids. */
int events_file_write(const char *path, const deal_history *h, const char *head,
                      deal_snapshot *const *tips, size_t ntips);
/* Appends a segment: what h has beyond `from` (the counts of the index
 * read, in its canonical order), head, and the tips that changed (by blob
 * id; files 0: no longer in head). Holds a lock on the file meanwhile, and
 * writes nothing (-1) when the file no longer ends as st says: another
 * process updated or replaced it since it was read. */
int events_file_append(const char *path, const events_file_state *st, const deal_history *h,
                       const events_counts *from, const char *head,
                       deal_snapshot *const *tips, size_t ntips);

#endif
