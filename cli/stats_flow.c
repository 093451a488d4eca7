/* The flow report (see stats_flow.h). */
#include "stats_flow.h"

#include <stdio.h>

#include "../pipeline/format.h"
#include "cli.h"

static cJSON *json_line(const flow_line *l)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddNumberToObject(obj, "deals", l->deals);
    cJSON_AddNumberToObject(obj, "value", (double)l->value);
    return obj;
}

cJSON *stats_flow_json(const flow_result *f)
{
    cJSON *obj = cJSON_CreateObject();
    char day[DATE_LEN];
    date_format(f->from, day);
    cJSON_AddStringToObject(obj, "from", day);
    date_format(f->to, day);
    cJSON_AddStringToObject(obj, "to", day);
    cJSON_AddNumberToObject(obj, "days", f->to - f->from + 1);
    cJSON_AddItemToObject(obj, "open_start", json_line(&f->open_start));
    for (int k = 0; k < FLOW_LINE_COUNT; k++)
        cJSON_AddItemToObject(obj, flow_key((flow_kind)k), json_line(&f->lines[k]));
    cJSON_AddNumberToObject(obj, "value_changes", (double)f->value_changes);
    cJSON_AddItemToObject(obj, "open_end", json_line(&f->open_end));
    return obj;
}

/* One line of the reconciliation: sign, words, deals, value. */
static void print_row(const char *sign, const char *words, int deals, int64_t value, bool signed_value)
{
    char money[MONEY_LEN + 1];
    money[0] = '+';
    format_money(value, money + (signed_value && value > 0));
    printf("%-2s %-30s", sign, words);
    if (deals >= 0)
        printf("  %5d deal%s", deals, deals == 1 ? " " : "s");
    else
        printf("  %11s", "");
    printf("  %15s\n", money);
}

void stats_flow_print(const pipeline_cfg *cfg, const flow_result *f)
{
    char from[DATE_LEN], to[DATE_LEN], words[64];
    date_format(f->from, from);
    date_format(f->to, to);
    cli_print_safe(stdout, cfg->name);
    printf(": flow from %s to %s (%d day%s)\n\n", from, to, f->to - f->from + 1,
           f->to == f->from ? "" : "s");
    snprintf(words, sizeof words, "Open at the start (%s)", from);
    print_row("", words, f->open_start.deals, f->open_start.value, false);
    for (int k = 0; k < FLOW_LINE_COUNT; k++) {
        int sign = flow_sign((flow_kind)k);
        /* Removed (a file deleted while open) is rare: shown when it happened. */
        if (sign == 0 || (k == FLOW_REMOVED && !f->lines[k].deals))
            continue;
        print_row(sign > 0 ? "+" : "-", flow_label((flow_kind)k), f->lines[k].deals,
                  f->lines[k].value, false);
    }
    print_row("+-", "Value changes of open deals", -1, f->value_changes, true);
    snprintf(words, sizeof words, "Open at the end (%s)", to);
    print_row("=", words, f->open_end.deals, f->open_end.value, false);
    printf("\nClose dates moved while open:\n");
    print_row("", "Pulled in (earlier)", f->lines[FLOW_PULLED_IN].deals,
              f->lines[FLOW_PULLED_IN].value, false);
    print_row("", "Pushed (later)", f->lines[FLOW_PUSHED].deals, f->lines[FLOW_PUSHED].value, false);
    printf("\nDeals won, lost or moved on leave at the value they closed with; a deal can "
           "count more than once\n(won, reopened, won again). Values are summed as numbers, "
           "whatever their currency.\n");
}
