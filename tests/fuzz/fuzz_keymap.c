/* libFuzzer: the keymap parser (bind files, bad lines reported, rest loaded). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../keymaps/keymap.h"

static void on_error(void *ud, const char *file, int line, const char *why)
{
    (void)file;
    if (line < 1 || !why || !*why)
        abort();
    ++*(int *)ud;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    keymap *km = keymap_new();
    int reported = 0;
    int bad = keymap_load_string(km, text, "fuzz.keys", on_error, &reported);
    if (bad != reported)
        abort();                        /* every bad line is reported once */
    keymap_free(km);
    free(text);
    return 0;
}
