/* Canonical JSON text: 2-space indent, "key": value, UTF-8 as is, trailing newline.
 * (cJSON_Print indents with tabs, and git diffs should read like Python's json.dumps.) */
#ifndef DB_JSON_PRINT_H
#define DB_JSON_PRINT_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "../pipeline/util.h"

/* Caller frees. Ends with "\n". */
char *json_print_canonical(const cJSON *item);
/* One line, no spaces after separators; for compact machine output. */
char *json_print_compact(const cJSON *item);

/* Streaming pieces of the same canonical format, for writers that do not
 * build a cJSON tree first (large listings). */
void json_write_string(strbuf *sb, const char *s);
void json_write_value(strbuf *sb, const cJSON *item, int depth);
void json_write_indent(strbuf *sb, int depth);
void json_write_int(strbuf *sb, long long value);   /* newline + depth * 2 spaces */

typedef struct {
    strbuf *sb;
    int depth, members;
} json_obj;
void json_obj_begin(json_obj *o, strbuf *sb, int depth);
void json_obj_key(json_obj *o, const char *key);  /* writes the separator and "key": */
void json_obj_end(json_obj *o);

#endif
