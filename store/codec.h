/* Deal files <-> deal structs. Canonical text (SPEC §2): fixed key order,
 * 2-space indent, trailing newline; unknown keys are kept on rewrite. */
#ifndef DB_CODEC_H
#define DB_CODEC_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "../pipeline/deal.h"
#include "../pipeline/util.h"
#include "json_print.h"

/* Parses one deal file's text. `file` names it in errors ("deals/9c/x.json:
 * field 'value': expected a whole number"). On error *out is left empty. */
int codec_parse_deal(const char *text, size_t len, const char *file, deal *out, db_err *err);
/* Validates a parsed JSON object as a deal (used by parse and by sync's merge). */
int codec_deal_from_cjson(cJSON *root, const char *file, deal *out, db_err *err);
/* The deal as a JSON object in canonical key order, unknown keys last. */
cJSON *codec_deal_to_cjson(const deal *d);
/* Canonical file text; caller frees. */
char *codec_format_deal(const deal *d);
/* The same text through a cJSON tree: the reference the fast writer is tested against. */
char *codec_format_deal_tree(const deal *d);
/* Writes the deal's members (canonical order, unknown keys last) into an open
 * object, so callers can append keys of their own before closing it. */
void codec_write_members(json_obj *o, const deal *d);

/* Parses JSON text with the limits the store enforces (size, depth). */
cJSON *codec_parse_json(const char *text, size_t len, const char *file, db_err *err);

#endif
