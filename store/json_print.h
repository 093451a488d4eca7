/* Canonical JSON text: 2-space indent, "key": value, UTF-8 as is, trailing newline.
 * (cJSON_Print indents with tabs, and git diffs should read like Python's json.dumps.) */
#ifndef DB_JSON_PRINT_H
#define DB_JSON_PRINT_H

#include <cjson/cJSON.h>

/* Caller frees. Ends with "\n". */
char *json_print_canonical(const cJSON *item);
/* One line, no spaces after separators; for compact machine output. */
char *json_print_compact(const cJSON *item);

#endif
