/* pipeline.json -> pipeline_cfg, defaults for absent keys (SPEC §2). */
#ifndef DB_CONFIG_LOAD_H
#define DB_CONFIG_LOAD_H

#include "../pipeline/config.h"
#include "../pipeline/util.h"

/* Parses pipeline.json text into cfg (initialised here; on failure it holds the
 * defaults: config_free it either way). Structural problems
 * (no stages, duplicate stage ids, wrong types) are errors; things a newer
 * version may add (unknown rule names) are appended to *warnings (caller frees). */
int config_parse(const char *text, size_t len, const char *file, pipeline_cfg *cfg,
                 char **warnings, db_err *err);
/* The pipeline.json that `init` writes: every default spelled out. Caller frees. */
char *config_default_text(const char *name, const char *currency);

#endif
