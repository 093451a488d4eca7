/* dealboard stats --flow: the period's flow (pipeline/flow.h) in words and
 * in JSON; `stats --json` carries the same object under "flow". */
#ifndef DB_STATS_FLOW_H
#define DB_STATS_FLOW_H

#include <cjson/cJSON.h>

#include "../pipeline/config.h"
#include "../pipeline/flow.h"

cJSON *stats_flow_json(const flow_result *f);
void stats_flow_print(const pipeline_cfg *cfg, const flow_result *f);

#endif
