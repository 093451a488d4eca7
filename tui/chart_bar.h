/* Horizontal bars for the chart screen (view_charts.c), as text: Unicode
 * blocks with eighths (▏▎▍▌▋▊▉█) on a UTF-8 terminal, '#' cells outside it.
 * Pure: no curses. */
#ifndef DB_CHART_BAR_H
#define DB_CHART_BAR_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes a bar of `width` cells may take, with its marker and the NUL. */
#define CHART_BAR_SIZE(width) ((size_t)(width) * 3 + 4)

/* The bar of value out of max in `width` cells into out (size bytes, at
 * least CHART_BAR_SIZE(width)): rounded to the nearest eighth of a cell
 * (utf8) or cell ('#'); a value above 0 shows at least its smallest piece,
 * so that one small deal is not drawn as none. When marker > 0, a '|' (utf8:
 * '│') stands in the cell where marker ends, after spaces, unless the bar
 * reaches that cell. Returns the cells written. */
int chart_bar(char *out, size_t size, double value, double max, int width, double marker,
              bool utf8);

#endif
