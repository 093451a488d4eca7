/* libFuzzer: the JSON three-way merge. The input is base, ours and theirs
 * separated by NUL bytes; an empty or unparsable part stands for "absent". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../../store/json_merge.h"

static cJSON *part(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *nul = memchr(*p, 0, (size_t)(end - *p));
    const uint8_t *stop = nul ? nul : end;
    cJSON *doc = stop > *p ? cJSON_ParseWithLength((const char *)*p, (size_t)(stop - *p)) : NULL;
    *p = nul ? nul + 1 : end;
    return doc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool record = data[0] & 1;
    const uint8_t *p = data + 1, *end = data + size;
    cJSON *base = part(&p, end), *ours = part(&p, end), *theirs = part(&p, end);
    json_merge_side a = {"Alice <a@x>", 100}, b = {"Bob <b@x>", (long long)(data[0] >> 1)};
    cJSON *result = NULL;
    json_merge_stats stats;
    int rc = json_merge3(base, ours, theirs, &a, &b, record, &result, &stats);
    if (rc == 0 && cJSON_IsObject(ours) && cJSON_IsObject(theirs) && !cJSON_IsObject(result))
        abort();                        /* two objects merge to an object */
    if (rc == 0 && result) {
        char *text = cJSON_PrintUnformatted(result);
        free(text);
    }
    cJSON_Delete(result);
    cJSON_Delete(base);
    cJSON_Delete(ours);
    cJSON_Delete(theirs);
    return 0;
}
