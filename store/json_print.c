#include "json_print.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/util.h"

/* Bytes that JSON strings must escape. */
static bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

/* Nonzero when a byte of w is below 0x20, '"' or '\\' (exact as to whether
 * one exists: the borrow trick only errs above a true hit). */
static uint64_t word_needs_escape(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    uint64_t control = (w - ones * 0x20) & ~w;               /* a byte below 0x20 */
    return (control | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) & highs;
}

/* Length of the plain run at p (no byte to escape), eight bytes at a time. */
static size_t plain_run(const unsigned char *p, size_t len)
{
    size_t i = 0;
    uint64_t w;
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, p + i, 8);
        if (word_needs_escape(w))
            break;
    }
    while (i < len && !needs_escape(p[i]))
        i++;
    return i;
}

void json_write_string(strbuf *sb, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)p);
    sb_add(sb, "\"", 1);
    while (len) {
        size_t run = plain_run(p, len);
        if (run)                          /* copy plain runs whole */
            sb_add(sb, (const char *)p, run);
        p += run;
        len -= run;
        if (!len)
            break;
        switch (*p) {
        case '"': sb_add(sb, "\\\"", 2); break;
        case '\\': sb_add(sb, "\\\\", 2); break;
        case '\n': sb_add(sb, "\\n", 2); break;
        case '\r': sb_add(sb, "\\r", 2); break;
        case '\t': sb_add(sb, "\\t", 2); break;
        case '\b': sb_add(sb, "\\b", 2); break;
        case '\f': sb_add(sb, "\\f", 2); break;
        default: {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            sb_add(sb, esc, 6);
        }
        }
        p++;
        len--;
    }
    sb_add(sb, "\"", 1);
}

static void print_string(strbuf *sb, const char *s) { json_write_string(sb, s); }

static void print_number(strbuf *sb, double v)
{
    if (!isfinite(v)) {
        sb_puts(sb, "null");             /* JSON has no NaN/Infinity */
    } else if (v == floor(v) && fabs(v) <= 9007199254740992.0) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%.0f", v);
        sb_add(sb, buf, (size_t)n);
    } else {
        char buf[40];
        for (int precision = 15; precision <= 17; precision++) {
            snprintf(buf, sizeof buf, "%.*g", precision, v);
            if (strtod(buf, NULL) == v)
                break;
        }
        sb_puts(sb, buf);
    }
}

static void indent(strbuf *sb, int depth, bool pretty)
{
    if (pretty)
        json_write_indent(sb, depth);
}

static void print_value(strbuf *sb, const cJSON *item, int depth, bool pretty);

static void print_container(strbuf *sb, const cJSON *item, int depth, bool pretty)
{
    bool object = cJSON_IsObject(item);
    const cJSON *child = item->child;
    sb_add(sb, object ? "{" : "[", 1);
    for (; child; child = child->next) {
        indent(sb, depth + 1, pretty);
        if (object) {
            print_string(sb, child->string);
            sb_puts(sb, pretty ? ": " : ":");
        }
        print_value(sb, child, depth + 1, pretty);
        if (child->next)
            sb_add(sb, ",", 1);
    }
    if (item->child)
        indent(sb, depth, pretty);
    sb_add(sb, object ? "}" : "]", 1);
}

static void print_value(strbuf *sb, const cJSON *item, int depth, bool pretty)
{
    if (cJSON_IsObject(item) || cJSON_IsArray(item))
        print_container(sb, item, depth, pretty);
    else if (cJSON_IsString(item))
        print_string(sb, item->valuestring);
    else if (cJSON_IsNumber(item))
        print_number(sb, item->valuedouble);
    else if (cJSON_IsTrue(item))
        sb_puts(sb, "true");
    else if (cJSON_IsFalse(item))
        sb_puts(sb, "false");
    else if (cJSON_IsRaw(item) && item->valuestring)
        sb_puts(sb, item->valuestring);
    else
        sb_puts(sb, "null");
}

char *json_print_canonical(const cJSON *item)
{
    strbuf sb = {0};
    print_value(&sb, item, 0, true);
    sb_add(&sb, "\n", 1);
    return sb.data;
}

char *json_print_compact(const cJSON *item)
{
    strbuf sb = {0};
    print_value(&sb, item, 0, false);
    return sb.data;
}

void json_write_value(strbuf *sb, const cJSON *item, int depth)
{
    print_value(sb, item, depth, true);
}

void json_write_indent(strbuf *sb, int depth)
{
    static const char spaces[] = "                                ";
    sb_add(sb, "\n", 1);
    for (int cols = depth * 2; cols > 0; cols -= 32)
        sb_add(sb, spaces, cols < 32 ? (size_t)cols : 32);
}

void json_obj_begin(json_obj *o, strbuf *sb, int depth)
{
    o->sb = sb;
    o->depth = depth;
    o->members = 0;
    sb_add(sb, "{", 1);
}

void json_obj_key(json_obj *o, const char *key)
{
    if (o->members++)
        sb_add(o->sb, ",", 1);
    json_write_indent(o->sb, o->depth + 1);
    json_write_string(o->sb, key);
    sb_add(o->sb, ": ", 2);
}

void json_obj_end(json_obj *o)
{
    if (o->members)
        json_write_indent(o->sb, o->depth);
    sb_add(o->sb, "}", 1);
}

void json_write_int(strbuf *sb, long long value)
{
    char buf[24], *p = buf + sizeof buf;
    unsigned long long v = value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    if (value < 0)
        *--p = '-';
    sb_add(sb, p, (size_t)(buf + sizeof buf - p));
}
