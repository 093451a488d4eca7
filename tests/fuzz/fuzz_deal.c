/* libFuzzer: the deal loader. Any bytes may be parsed; a deal that parses must
 * format to text that parses again and formats to the very same text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../store/codec.h"

static char *round_trip(const char *text, size_t len)
{
    deal d;
    db_err err;
    if (codec_parse_deal(text, len, "fuzz.json", &d, &err) != 0)
        return NULL;
    char *out = codec_format_deal(&d);
    deal_free(&d);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *first = round_trip((const char *)data, size);
    if (!first)
        return 0;
    char *second = round_trip(first, strlen(first));
    if (!second || strcmp(first, second) != 0) {
        fprintf(stderr, "round trip differs:\n--- first\n%s\n--- second\n%s\n", first,
                second ? second : "(does not parse)");
        abort();
    }
    free(first);
    free(second);
    return 0;
}
