/* libFuzzer: text_sanitize. The output must be valid UTF-8 with no ESC, no C0
 * control (except '\n' when newlines are kept), no DEL and no C1 control. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../pipeline/text.h"

static void check(const char *in, bool keep_newlines)
{
    char *out = text_sanitize(in, keep_newlines);
    size_t len = strlen(out);
    if (!text_valid_utf8(out, len))
        abort();
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)out[i];
        if ((c < 0x20 && !(c == '\n' && keep_newlines)) || c == 0x7F)
            abort();
        if (c == 0xC2 && i + 1 < len && (unsigned char)out[i + 1] < 0xA0)
            abort();                    /* U+0080..U+009F: C1 controls (CSI, OSC …) */
    }
    int cols = 0;
    if (text_fit(out, 10, &cols) > len || cols > 10)
        abort();
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    check(text, false);
    check(text, true);
    free(text);
    return 0;
}
