/* Deals as the CLI shows them: JSON with flags, aligned tables. */
#ifndef DB_DEAL_VIEW_H
#define DB_DEAL_VIEW_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "../pipeline/config.h"
#include "../pipeline/deal.h"
#include "../pipeline/rules.h"
#include "../pipeline/util.h"

/* The stored object plus days_in_stage, score, level and reasons (SPEC §3). */
cJSON *deal_view_json(const pipeline_cfg *cfg, const deal *d, db_day today);
/* The same object written straight into sb at the given depth (no tree). */
void deal_view_write(strbuf *sb, const pipeline_cfg *cfg, const deal *d, db_day today, int depth);
/* What follows a deal's view_json (deal.h) to make the same text as
 * deal_view_write at depth 2: the computed members and the closing brace. */
void deal_view_write_tail(strbuf *sb, const pipeline_cfg *cfg, const deal *d, db_day today);
/* Prints a JSON document (pretty, trailing newline) and frees it. */
void deal_view_print_json(cJSON *doc);
/* obj[key]: the day as YYYY-MM-DD, or null for DAY_NONE. */
void deal_view_add_day(cJSON *obj, const char *key, db_day day);

/* Orders deals as `list` shows them (DEAL_ORDER_BY_STAGE, pipeline/deal_order.h). */
void deal_view_sort(const pipeline_cfg *cfg, deal **deals, size_t n, db_day today);
/* Orders deals as `flags` shows them (DEAL_ORDER_BY_SCORE). */
void deal_view_sort_by_score(const pipeline_cfg *cfg, deal **deals, size_t n, db_day today);

/* Display columns of s once sanitized. */
int deal_view_width(const char *s);
/* Prints s sanitized, cut or padded to exactly `cols` display columns. */
void deal_view_cell(FILE *out, const char *s, int cols, bool right);
const char *deal_view_stage_label(const pipeline_cfg *cfg, const deal *d);

#endif
