/* .git/dealboard-events: the event index of one commit, as text (a version
 * line, the commit it covers, then the tables of deal_events.h). A cache:
 * anything wrong with it (another version, a torn or edited file) makes it
 * be read again from git, never an error. */
#ifndef DB_EVENTS_FILE_H
#define DB_EVENTS_FILE_H

#include "../pipeline/deal_events.h"
#include "repo.h"

#define EVENTS_FILE_VERSION 1

/* <git dir>/dealboard-events; caller frees. */
char *events_file_path(db_repo *repo);
/* 0 with *out filled and head = the commit it covers; -1 when it is missing
 * or not a whole, valid index of this version (*out then empty). */
int events_file_read(const char *path, deal_history *out, char head[41]);
/* Writes a temporary file and renames it over path; -1 when that failed
 * (the cache is then simply not there, or the old one). */
int events_file_write(const char *path, const deal_history *h, const char *head);

#endif
