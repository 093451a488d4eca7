/* Bars as text (see chart_bar.h). */
#include "chart_bar.h"

#include <math.h>
#include <string.h>

/* The eighths of a cell, 1 to 8. */
static const char *const eighths[9] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"};

static size_t put(char *out, size_t size, size_t at, const char *s)
{
    size_t n = strlen(s);
    if (at + n < size) {
        memcpy(out + at, s, n);
        out[at + n] = '\0';
        return at + n;
    }
    return at;
}

int chart_bar(char *out, size_t size, double value, double max, int width, double marker,
              bool utf8)
{
    if (size == 0)
        return 0;
    out[0] = '\0';
    if (width <= 0 || max <= 0)
        return 0;
    int steps = utf8 ? 8 : 1;
    double share = value > max ? 1 : value / max;
    long pieces = value > 0 ? lround(share * width * steps) : 0;
    if (value > 0 && pieces == 0)
        pieces = 1;
    size_t at = 0;
    int cells = 0;
    for (; pieces >= steps; pieces -= steps, cells++)
        at = put(out, size, at, utf8 ? eighths[8] : "#");
    if (pieces > 0) {
        at = put(out, size, at, eighths[pieces]);
        cells++;
    }
    if (marker > 0) {
        long end = lround((marker > max ? 1 : marker / max) * width);
        int cell = end < 1 ? 0 : (int)end - 1;
        if (cell >= cells) {
            for (; cells < cell; cells++)
                at = put(out, size, at, " ");
            put(out, size, at, utf8 ? "│" : "|");
            cells++;
        }
    }
    return cells;
}
