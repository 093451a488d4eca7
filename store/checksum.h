/* A fast checksum for the caches under .git/ (the load cache's regions,
 * the event index): detects truncation, torn writes and damage. Not
 * cryptographic: a cache is checked against accidents, not attackers. */
#ifndef DB_CHECKSUM_H
#define DB_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

uint64_t region_checksum(const unsigned char *p, size_t len);

#endif
