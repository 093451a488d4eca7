/* See checksum.h. */
#include "checksum.h"

#include <string.h>

static uint64_t mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
    return h ^ (h >> 29);
}

/* Two 64-bit lanes (GCC and Clang vector extensions: SSE2 on x86-64,
 * plain code elsewhere). */
typedef uint64_t lanes __attribute__((vector_size(16)));

/* A fast checksum over a region: detects truncation, torn writes and
 * damage. Fletcher-like sums (a running sum and a sum of running sums, so
 * order counts) in eight lanes, mixed at the end: list --json checks tens
 * of megabytes with it. */
static lanes load_lanes(const unsigned char *p)
{
    lanes w;
    memcpy(&w, p, sizeof w);
    return w;
}

uint64_t region_checksum(const unsigned char *p, size_t len)
{
    /* Four pairs of named accumulators: kept in registers, not memory. */
    lanes s0 = {len, 1}, s1 = {2, 3}, s2 = {4, 5}, s3 = {6, 7};
    lanes p0 = {0, 0}, p1 = {0, 0}, p2 = {0, 0}, p3 = {0, 0};
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    size_t i = 0;
    for (; i + 64 <= len; i += 64) {
        s0 += load_lanes(p + i);
        s1 += load_lanes(p + i + 16);
        s2 += load_lanes(p + i + 32);
        s3 += load_lanes(p + i + 48);
        p0 += s0;
        p1 += s1;
        p2 += s2;
        p3 += s3;
    }
    for (; i < len; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    const lanes all[] = {s0, s1, s2, s3, p0, p1, p2, p3};
    for (size_t k = 0; k < sizeof all / sizeof *all; k++)
        h = mix(mix(h, all[k][0]), all[k][1]);
    return h;
}
