/* libFuzzer: pipeline.json. Any bytes either load or fail with a message. */
#include <stdint.h>
#include <stdlib.h>

#include "../../store/config_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pipeline_cfg cfg;
    char *warnings = NULL;
    db_err err = {0};
    if (config_parse((const char *)data, size, "pipeline.json", &cfg, &warnings, &err) == 0) {
        if (cfg.nstages == 0)
            abort();                    /* "no stages" must be an error */
        for (size_t i = 0; i < cfg.nstages; i++)
            if (config_stage_index(&cfg, cfg.stages[i].id) != (int)i)
                abort();                /* duplicate stage ids must be an error */
    } else if (!err.msg[0]) {
        abort();                        /* every failure says why */
    }
    config_free(&cfg);                  /* on failure cfg holds the defaults */
    free(warnings);
    return 0;
}
