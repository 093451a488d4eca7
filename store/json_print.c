#include "json_print.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/util.h"

static void print_string(strbuf *sb, const char *s)
{
    sb_add(sb, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': sb_add(sb, "\\\"", 2); break;
        case '\\': sb_add(sb, "\\\\", 2); break;
        case '\n': sb_add(sb, "\\n", 2); break;
        case '\r': sb_add(sb, "\\r", 2); break;
        case '\t': sb_add(sb, "\\t", 2); break;
        case '\b': sb_add(sb, "\\b", 2); break;
        case '\f': sb_add(sb, "\\f", 2); break;
        default:
            if (*p < 0x20)
                sb_printf(sb, "\\u%04x", *p);
            else
                sb_add(sb, (const char *)p, 1);
        }
    }
    sb_add(sb, "\"", 1);
}

static void print_number(strbuf *sb, double v)
{
    if (!isfinite(v)) {
        sb_puts(sb, "null");             /* JSON has no NaN/Infinity */
    } else if (v == floor(v) && fabs(v) <= 9007199254740992.0) {
        sb_printf(sb, "%.0f", v);
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
    if (!pretty)
        return;
    sb_add(sb, "\n", 1);
    for (int i = 0; i < depth; i++)
        sb_add(sb, "  ", 2);
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
