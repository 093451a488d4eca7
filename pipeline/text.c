#include "text.h"

#include <langinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <wchar.h>

#include "util.h"

static size_t utf8_seq(const unsigned char *s, size_t avail, uint32_t *cp);

/* ASCII for the accented Latin letters of names (U+00C0..U+017F), so that
 * "Müller" gives "muller" as the example ids do; NULL for anything else. */
static const char *latin_ascii(uint32_t cp)
{
    static const struct {
        uint16_t first, last;
        const char *ascii;
    } map[] = {
        {0xC0, 0xC5, "a"}, {0xC6, 0xC6, "ae"}, {0xC7, 0xC7, "c"}, {0xC8, 0xCB, "e"},
        {0xCC, 0xCF, "i"}, {0xD0, 0xD0, "d"}, {0xD1, 0xD1, "n"}, {0xD2, 0xD6, "o"},
        {0xD8, 0xD8, "o"}, {0xD9, 0xDC, "u"}, {0xDD, 0xDD, "y"}, {0xDE, 0xDE, "th"},
        {0xDF, 0xDF, "ss"}, {0xE0, 0xE5, "a"}, {0xE6, 0xE6, "ae"}, {0xE7, 0xE7, "c"},
        {0xE8, 0xEB, "e"}, {0xEC, 0xEF, "i"}, {0xF0, 0xF0, "d"}, {0xF1, 0xF1, "n"},
        {0xF2, 0xF6, "o"}, {0xF8, 0xF8, "o"}, {0xF9, 0xFC, "u"}, {0xFD, 0xFD, "y"},
        {0xFE, 0xFE, "th"}, {0xFF, 0xFF, "y"}, {0x100, 0x105, "a"}, {0x106, 0x10D, "c"},
        {0x10E, 0x111, "d"}, {0x112, 0x11B, "e"}, {0x11C, 0x123, "g"}, {0x124, 0x127, "h"},
        {0x128, 0x131, "i"}, {0x132, 0x133, "ij"}, {0x134, 0x135, "j"}, {0x136, 0x138, "k"},
        {0x139, 0x142, "l"}, {0x143, 0x14B, "n"}, {0x14C, 0x151, "o"}, {0x152, 0x153, "oe"},
        {0x154, 0x159, "r"}, {0x15A, 0x161, "s"}, {0x162, 0x167, "t"}, {0x168, 0x173, "u"},
        {0x174, 0x175, "w"}, {0x176, 0x178, "y"}, {0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (cp >= map[i].first && cp <= map[i].last)
            return map[i].ascii;
    return NULL;
}

void text_slug(const char *title, char out[SLUG_MAX + 1])
{
    size_t n = 0;
    bool dash = false, full = false;
    const unsigned char *p = (const unsigned char *)(title ? title : "");
    size_t len = strlen((const char *)p);
    for (size_t i = 0; i < len && !full;) {
        char ascii[2] = {(char)p[i], '\0'};
        const char *letters = ascii;
        size_t step = 1;
        if (p[i] >= 'A' && p[i] <= 'Z') {
            ascii[0] = (char)(p[i] - 'A' + 'a');
        } else if (p[i] >= 0x80) {
            uint32_t cp;
            step = utf8_seq(p + i, len - i, &cp);
            letters = step ? latin_ascii(cp) : NULL;
            if (!step)
                step = 1;
        }
        i += step;
        bool word = letters && ((*letters >= 'a' && *letters <= 'z') ||
                                (*letters >= '0' && *letters <= '9'));
        if (!word) {
            dash = true;                     /* punctuation and other scripts separate words */
            continue;
        }
        /* A word that no longer fits after its '-' is left out whole. */
        if (dash && n > 0 && n + 1 >= SLUG_MAX)
            break;
        if (dash && n > 0)
            out[n++] = '-';
        dash = false;
        for (; *letters; letters++) {
            if (n == SLUG_MAX) {
                full = true;
                break;
            }
            out[n++] = *letters;
        }
    }
    out[n] = '\0';
    if (n == 0)
        strcpy(out, "deal");
}

static void random_bytes(unsigned char *buf, size_t n)
{
    if (getrandom(buf, n, 0) == (ssize_t)n)
        return;
    /* getrandom can only fail on ancient kernels; ids need uniqueness, not secrecy. */
    static unsigned long state;
    state = state * 6364136223846793005UL + (unsigned long)(uintptr_t)buf + 1442695040888963407UL;
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)(state >> (8 * (i % 8)));
}

static void random_hex(char *out, size_t digits)
{
    unsigned char bytes[8];
    random_bytes(bytes, sizeof bytes);
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < digits; i++)
        out[i] = hex[(bytes[i / 2] >> (i % 2 ? 0 : 4)) & 0xF];
    out[digits] = '\0';
}

void text_new_id(const char *title, char out[ID_MAX + 1])
{
    char slug[SLUG_MAX + 1], hex[7];
    text_slug(title, slug);
    random_hex(hex, 6);
    snprintf(out, ID_MAX + 1, "%s-%s", slug, hex);
}

void text_new_log_id(char out[9]) { random_hex(out, 8); }

bool text_valid_id_prefix(const char *prefix)
{
    if (!prefix || !*prefix || prefix[0] == '-' || strlen(prefix) > ID_MAX)
        return false;
    for (const char *p = prefix; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    return true;
}

bool text_valid_id(const char *id)
{
    return text_valid_id_prefix(id) && strlen(id) >= 2;
}

/* Length of the UTF-8 sequence at s (1..4), or 0 when it is invalid. */
static size_t utf8_seq(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, min = 0x80, *cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, min = 0x800, *cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, min = 0x10000, *cp = c & 0x07;
    } else {
        return 0;
    }
    if (avail < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return len;
}

bool text_valid_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t cp;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(p + i, len - i, &cp);
        if (!n)
            return false;
        i += n;
    }
    return true;
}

/* Skips an escape sequence starting at ESC (or a C1 CSI/OSC); returns bytes consumed. */
static size_t skip_escape(const unsigned char *s, size_t avail)
{
    size_t i = 1;
    if (avail < 2)
        return 1;
    if (s[1] == '[') {                       /* CSI: parameters, then a final byte */
        for (i = 2; i < avail; i++)
            if (s[i] >= 0x40 && s[i] <= 0x7E)
                return i + 1;
        return avail;
    }
    if (s[1] == ']' || s[1] == 'P' || s[1] == '_' || s[1] == '^' || s[1] == 'X') {
        for (i = 2; i < avail; i++) {        /* OSC/DCS/…: up to BEL or ST (ESC \) */
            if (s[i] == 0x07)
                return i + 1;
            if (s[i] == 0x1B && i + 1 < avail && s[i + 1] == '\\')
                return i + 2;
        }
        return avail;
    }
    return 2;                                /* two-byte escape like ESC c */
}

char *text_sanitize(const char *s, bool keep_newlines)
{
    strbuf sb = {0};
    sb_puts(&sb, "");
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)p);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_seq(p + i, len - i, &cp);
        if (n == 0) {
            sb_puts(&sb, "\xEF\xBF\xBD");
            i++;
        } else if (cp == 0x1B) {
            i += skip_escape(p + i, len - i);
        } else if (cp == '\n' && keep_newlines) {
            sb_add(&sb, "\n", 1);
            i += n;
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
                   cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
                   (cp >= 0x2066 && cp <= 0x2069)) {
            /* Controls and bidi overrides could reorder or hide what is drawn. */
            sb_add(&sb, " ", 1);
            i += n;
        } else {
            sb_add(&sb, (const char *)p + i, n);
            i += n;
        }
    }
    return sb.data;
}

static int cp_width(uint32_t cp)
{
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

int text_width(const char *s)
{
    int cols = 0;
    text_fit(s, 1 << 30, &cols);
    return cols;
}

size_t text_fit(const char *s, int cols, int *used_cols)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s), i = 0;
    int used = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_seq(p + i, len - i, &cp);
        int w = n ? cp_width(cp) : 1;
        if (!n)
            n = 1;
        if (used + w > cols)
            break;
        used += w;
        i += n;
    }
    if (used_cols)
        *used_cols = used;
    return i;
}

/* An accented Latin letter's case (latin_ascii gives lower case). */
static bool latin_upper(uint32_t cp)
{
    if (cp < 0x100)
        return cp >= 0xC0 && cp <= 0xDE && cp != 0xD7;
    if (cp == 0x138 || cp == 0x149 || cp == 0x17F)
        return false;                       /* ĸ, ŉ, ſ: no capital beside them */
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return cp % 2 == 1;
    return cp == 0x178 || cp % 2 == 0;      /* Ÿ; else capital, small pairs */
}

/* ASCII look-alikes of common punctuation; NULL for anything else. */
static const char *punct_ascii(uint32_t cp)
{
    switch (cp) {
    case 0xA0: return " ";
    case 0xAB: case 0xBB: case 0x201C: case 0x201D: case 0x201E: return "\"";
    case 0xB7: case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: return "-";
    case 0xD7: return "x";
    case 0x2018: case 0x2019: case 0x201A: return "'";
    case 0x2026: return "...";
    case 0x20AC: return "EUR";
    default: return NULL;
    }
}

char *text_ascii(const char *s)
{
    strbuf sb = {0};
    sb_puts(&sb, "");
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)p);
    for (size_t i = 0; i < len;) {
        uint32_t cp = p[i];
        size_t n = p[i] < 0x80 ? 1 : utf8_seq(p + i, len - i, &cp);
        const char *latin = n > 1 ? latin_ascii(cp) : NULL, *punct = n > 1 ? punct_ascii(cp) : NULL;
        if (n == 1) {
            sb_add(&sb, (const char *)p + i, 1);
        } else if (latin) {
            char first = latin_upper(cp) ? (char)(latin[0] - 'a' + 'A') : latin[0];
            sb_add(&sb, &first, 1);
            sb_puts(&sb, latin + 1);           /* "Æ" -> "Ae", "ß" -> "ss" */
        } else {
            sb_puts(&sb, punct ? punct : "?");
        }
        i += n ? n : 1;
    }
    return sb.data;
}

bool text_locale_utf8(void)
{
    const char *codeset = nl_langinfo(CODESET);
    return codeset && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

const char *text_flag_mark(int level)
{
    if (level >= 2)
        return text_locale_utf8() ? "\u2691" : "!!";
    return level == 1 ? "!" : "";
}

void text_trim_partial_utf8(char *s)
{
    size_t len = strlen(s), start = len;
    while (start > 0 && ((unsigned char)s[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0 || (unsigned char)s[start - 1] < 0xC0)
        return;                               /* no lead byte at the end: nothing cut */
    unsigned char lead = (unsigned char)s[start - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (len - (start - 1) < need)
        s[start - 1] = '\0';
}
