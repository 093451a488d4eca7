/* Commands that read: list, show, flags, log. */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../pipeline/reference.h"
#include "../pipeline/deal_fields.h"
#include "../pipeline/honest.h"
#include "../pipeline/slips.h"
#include "../pipeline/format.h"
#include "../pipeline/rules.h"
#include "../pipeline/text.h"
#include "../pipeline/touches.h"
#include "cli.h"
#include "deal_view.h"
#include "json_list.h"
#include "../store/fsutil.h"
#include "../store/json_print.h"

typedef struct {
    const char *stage;
    const owner_scope *owner;   /* NULL: every owner */
    bool flagged, all, json;
} list_filter;

static bool keep(const pipeline_cfg *cfg, const deal *d, const list_filter *f, db_day today)
{
    if (!f->all && !deal_is_open(d))
        return false;
    if (f->stage && !str_eq(d->stage, f->stage))
        return false;
    if (f->owner && !owner_scope_keeps(f->owner, d))
        return false;
    if (f->flagged) {
        flag_result r;
        rules_score(cfg, d, today, &r);
        return r.level != LEVEL_NONE;
    }
    return true;
}

static int column_width(deal **deals, size_t n, size_t offset, int min, int max)
{
    int w = min;
    for (size_t i = 0; i < n; i++) {
        int cols = deal_view_width(*(char **)((char *)deals[i] + offset));
        if (cols > w)
            w = cols;
    }
    return w > max ? max : w;
}

/* A deal's currency when it is not the pipeline's (as forecast.h counts it:
 * case aside), else NULL. */
static const char *other_currency(const pipeline_cfg *cfg, const deal *d)
{
    return str_empty(d->currency) || strcasecmp(d->currency, cfg->currency) == 0 ? NULL
                                                                                 : d->currency;
}

/* The value column: numbers right-aligned, then, for deals in another
 * currency, its code (a column of its own: 200,000 CHF is not EUR). */
typedef struct {
    int number, code;           /* display columns; code 0: every deal is in the pipeline's */
} value_column;

static int money_width(int64_t value)
{
    char money[MONEY_LEN];
    format_money(value, money);
    return (int)strlen(money);
}

static value_column value_widths(const pipeline_cfg *cfg, deal **deals, size_t n, int header)
{
    value_column w = {0, 0};
    int64_t low = 0, high = 0;          /* the widest numbers are at the ends */
    for (size_t i = 0; i < n; i++) {
        const char *code = other_currency(cfg, deals[i]);
        int cols = code ? deal_view_width(code) : 0;
        w.code = cols > w.code ? (cols > 8 ? 8 : cols) : w.code;
        low = deals[i]->value < low ? deals[i]->value : low;
        high = deals[i]->value > high ? deals[i]->value : high;
    }
    w.number = money_width(low) > money_width(high) ? money_width(low) : money_width(high);
    int cell = w.number + (w.code ? 1 + w.code : 0);
    if (cell < header)
        w.number += header - cell;
    return w;
}

static void print_value(const pipeline_cfg *cfg, const deal *d, value_column w)
{
    char money[MONEY_LEN];
    format_money(d->value, money);
    printf("%*s", w.number, money);
    if (w.code) {
        char *code = xstrdup(other_currency(cfg, d) ? other_currency(cfg, d) : "");
        for (char *p = code; *p; p++)        /* "gbp" is GBP, as report counts it */
            *p = (char)toupper((unsigned char)*p);
        fputc(' ', stdout);
        deal_view_cell(stdout, code, w.code, false);
        free(code);
    }
}

/* "VALUE EUR", and the columns of the value cell: 12 (the usual numbers) to 16. */
static char *value_header(const pipeline_cfg *cfg, int *cols)
{
    char *currency = text_sanitize(cfg->currency, false);
    char *header = xasprintf("VALUE %s", currency);
    free(currency);
    int w = deal_view_width(header);
    *cols = w < 12 ? 12 : w > 16 ? 16 : w;
    return header;
}

static void print_table(cli_opts *opts, const pipeline_cfg *cfg, deal **deals, size_t n)
{
    int wid = column_width(deals, n, offsetof(deal, id), 2, 40);
    int wtitle = column_width(deals, n, offsetof(deal, title), 5, 36);
    int waccount = column_width(deals, n, offsetof(deal, account), 7, 24);
    int wheader;
    char *header = value_header(cfg, &wheader);
    value_column w = value_widths(cfg, deals, n, wheader);
    printf("%-*s  %-*s  %-*s  %-10s  ", wid, "ID", wtitle, "TITLE", waccount, "ACCOUNT",
           "STAGE");
    deal_view_cell(stdout, header, w.number + (w.code ? 1 + w.code : 0), true);
    printf("  %4s  %s\n", "DAYS", "FLAG");
    free(header);
    for (size_t i = 0; i < n; i++) {
        const deal *d = deals[i];
        flag_result f;
        rules_score(cfg, d, opts->today, &f);      /* no reasons shown: no words needed */
        deal_view_cell(stdout, d->id, wid, false);
        fputs("  ", stdout);
        deal_view_cell(stdout, d->title, wtitle, false);
        fputs("  ", stdout);
        deal_view_cell(stdout, d->account, waccount, false);
        fputs("  ", stdout);
        deal_view_cell(stdout, deal_view_stage_label(cfg, d), 10, false);
        fputs("  ", stdout);
        print_value(cfg, d, w);
        printf("  %4d  %s%s%s\n", f.days_in_stage, text_flag_mark(f.level), f.level ? " " : "",
               f.snoozed ? "snoozed" : flag_level_label(f.level));
    }
}

int cmd_list(cli_opts *opts, int argc, char **argv)
{
    list_filter f = {0};
    cli_owner owner = {0};
    const char *as_of = NULL;
    cli_option options[] = {{"--stage", &f.stage, NULL}, CLI_OWNER_OPTIONS(&owner),
                            {"--flagged", NULL, &f.flagged}, {"--all", NULL, &f.all},
                            {"--json", NULL, &f.json}, CLI_AS_OF_OPTION(&as_of),
                            {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "list", argc, argv, options, NULL, 0, 0, NULL);
    db_repo *repo = NULL;
    if (rc || (rc = cli_owner_check(opts, "list", &owner)) || (rc = cli_as_of_day(opts, as_of)) ||
        (rc = cli_open_repo_as_of(opts, as_of, &repo)))
        return rc;
    cli_learn_limits(repo);
    if ((rc = cli_owner_scope(opts, "list", repo, &owner))) {
        cli_owner_free(&owner);
        repo_close(repo);
        return rc;
    }
    f.owner = &owner.scope;
    const pipeline_cfg *cfg = repo_config(repo);
    int stage = f.stage ? config_stage_lookup(cfg, f.stage) : 0;
    if (stage < 0) {
        char *list = config_stage_list(cfg);
        rc = db_fail(&opts->err, DB_EUSAGE, "%s: unknown stage (stages: %s)", f.stage, list);
        free(list);
        cli_owner_free(&owner);
        repo_close(repo);
        return rc;
    }
    if (f.stage)
        f.stage = cfg->stages[stage].id;
    deal_list all = {0};
    rc = cli_load_light(opts, repo, &all, f.json);
    deal **shown = xcalloc(all.count, sizeof *shown);
    size_t n = 0;
    for (size_t i = 0; i < all.count; i++)
        if (keep(cfg, all.items[i], &f, opts->today))
            shown[n++] = all.items[i];
    deal_view_sort(cfg, shown, n, opts->today);
    if (!rc && f.json) {
        json_list_print(opts, repo, shown, n);
    } else if (!rc) {
        cli_print_as_of(stdout, repo);
        print_table(opts, cfg, shown, n);
    }
    free(shown);
    cli_keep_until_exit(&all);
    cli_owner_free(&owner);
    repo_close(repo);
    return rc;
}

/* ---- show ---- */

/* "close_date_changes": [{"on", "from", "to", "days", "by"}] and
 * "honest_close": {...}; with the history unreadable, "close_date_changes":
 * null and "history_error" says why. */
static void add_slips_json(cJSON *doc, const slip_ledger *l, const honest_estimate *e,
                           const char *why)
{
    if (why) {
        cJSON_AddNullToObject(doc, "close_date_changes");
        cJSON_AddStringToObject(doc, "history_error", why);
        return;
    }
    cJSON *changes = cJSON_AddArrayToObject(doc, "close_date_changes");
    for (size_t i = 0; i < l->n; i++) {
        const slip_change *c = &l->changes[i];
        char on[TIMESTAMP_LEN];
        timestamp_format(c->when, on);
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "at", on);
        deal_view_add_day(row, "from", c->from);
        deal_view_add_day(row, "to", c->to);
        cJSON_AddNumberToObject(row, "days", c->days);
        cJSON_AddStringToObject(row, "by", c->by ? c->by : "");
        cJSON_AddItemToArray(changes, row);
    }
    cJSON *honest = cJSON_AddObjectToObject(doc, "honest_close");
    deal_view_add_day(honest, "stated", e->stated);
    deal_view_add_day(honest, "date", e->honest);
    cJSON_AddNumberToObject(honest, "days", e->further_days);
    cJSON_AddNumberToObject(honest, "pushes", l->pushes);
    cJSON_AddNumberToObject(honest, "comparable", e->comparable);
    cJSON_AddNumberToObject(honest, "further_pushes", e->further_pushes);
    cJSON_AddNumberToObject(honest, "push_days", e->push_days);
    cJSON_AddBoolToObject(honest, "enough_history", e->enough);
}

static void show_line(const char *label, const char *value)
{
    if (str_empty(value))
        return;
    printf("%-13s ", label);
    char *safe = text_sanitize(value, false);
    fputs(safe, stdout);
    free(safe);
    fputc('\n', stdout);
}

/* The words of a field whose line says more than its value (NULL: no
 * line); the other fields with a label show as they are. Caller frees. */
static char *show_words(const pipeline_cfg *cfg, const deal *d, deal_field f,
                        const flag_result *flags)
{
    char a[DATE_LEN] = "", money[MONEY_LEN];
    switch (f) {
    case DF_STAGE:
        return xasprintf("%s (%d days)", deal_view_stage_label(cfg, d), flags->days_in_stage);
    case DF_VALUE:
        format_money(d->value, money);
        return xasprintf("%s %s", money, d->currency ? d->currency : cfg->currency);
    case DF_CLOSE_DATE:
        if (d->close_date == DAY_NONE)
            return NULL;
        date_format(d->close_date, a);
        return d->close_date_pushes ? xasprintf("%s (pushed %d×)", a, d->close_date_pushes)
                                    : xstrdup(a);
    case DF_NEXT_STEP_TEXT:
        date_format(d->next_due, a);
        return !deal_has_next_step(d) ? xstrdup("none")
               : *a                   ? xasprintf("%s (due %s)", d->next_text, a)
                                      : xstrdup(d->next_text);
    case DF_SNOOZE_UNTIL:
        if (!flags->snoozed)
            return NULL;
        date_format(d->snooze_until, a);
        return xasprintf("until %s%s%s", a, str_empty(d->snooze_reason) ? "" : ": ",
                         d->snooze_reason ? d->snooze_reason : "");
    case DF_MOVED_ON_REASON:
        if (!d->moved_on)
            return NULL;
        date_format(d->revisit, a);
        return xasprintf("%s%s%s%s", d->moved_on_reason ? d->moved_on_reason : "",
                         *a ? " (revisit " : "", a, *a ? ")" : "");
    default: break;
    }
    strbuf sb = {0};
    switch (deal_fields[f].kind) {
    case FK_TEXT: return xstrdup(deal_field_text_of(d, f));
    case FK_DATE:
        date_format(deal_field_day_of(d, f), a);
        return xstrdup(a);
    case FK_TAGS:
        for (size_t i = 0; i < d->ntags; i++)
            sb_printf(&sb, "%s%s", i ? ", " : "", d->tags[i]);
        return sb.data;
    default: return NULL;
    }
}

static void show_log(const deal *d)
{
    if (d->nlog)
        printf("\nLog\n");
    for (size_t i = 0; i < d->nlog; i++) {
        printf("  %.10s  %-8s ", d->log[i].at, log_entry_kind_label(&d->log[i]));
        cli_print_safe(stdout, d->log[i].by);
        fputs(": ", stdout);
        cli_print_safe(stdout, d->log[i].text);
        fputc('\n', stdout);
    }
}

/* The fields with a label (deal_fields.h), in the table's order under the
 * title, then the flag and the log. */
/* Every close-date change the history has, and the honest close date; one
 * line saying why when the history cannot be read. */
static void show_slips(const slip_ledger *l, const honest_estimate *honest, const char *why)
{
    if (why) {
        printf("\nClose date changes: not known (");
        cli_print_safe(stdout, why);
        printf(")\n");
        return;
    }
    if (l->n)
        printf("\nClose date changes (%zu)\n", l->n);
    else
        printf("\nClose date changes: none\n");
    for (size_t i = 0; i < l->n; i++) {
        char *words = slip_change_words(&l->changes[i]);
        printf("  %s\n", words);
        free(words);
    }
    char *words = honest_words(honest);
    printf("%-13s %s\n", "Honest close", words);
    free(words);
}

static void show_text(const pipeline_cfg *cfg, const deal *d, db_day today)
{
    flag_result f;
    rules_evaluate(cfg, d, today, &f);
    show_line(deal_fields[DF_TITLE].label, d->title);
    for (int i = 0; i < DF_COUNT; i++) {
        if (i == DF_TITLE || !deal_fields[i].label)
            continue;
        char *words = show_words(cfg, d, (deal_field)i, &f);
        show_line(deal_fields[i].label, words);
        free(words);
    }
    if (reference_not_first_mover(cfg, d)) {
        char day[DATE_LEN];
        date_format(reference_first_wanted(d), day);
        printf("%-13s not comfortable being first: the buyer asked for references (%s)\n",
               "First mover", day);
    }
    if (f.level != LEVEL_NONE) {
        printf("%-13s %s %s (score %d)\n", "Flag", text_flag_mark(f.level),
               flag_level_label(f.level), f.score);
        for (int i = 0; i < f.nreasons; i++)
            printf("%-13s - %s\n", "", f.reasons[i].text);
    }
    if (d->nplan)
        printf("\nPlan\n");
    cli_print_plan(stdout, d);
    if (d->nevidence)
        printf("\nExit evidence\n");
    cli_print_evidence(stdout, cfg, d);
    cli_print_reference(stdout, d);
    if (d->npeople)
        printf("\nBuying committee (%zu)\n", d->npeople);
    cli_print_people(stdout, d);
}

int cmd_show(cli_opts *opts, int argc, char **argv)
{
    const char *id;
    bool json = false;
    cli_option options[] = {{"--json", NULL, &json}, {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "show", argc, argv, options, &id, 1, 1, NULL);
    db_repo *repo = NULL;
    if (rc || (rc = cli_open_repo(opts, &repo)))
        return rc;
    cli_learn_limits(repo);
    deal d;
    rc = repo_find_deal(repo, id, &d, &opts->err);
    if (!rc) {
        slip_ledger ledger;
        honest_estimate honest;
        db_err why = {0};
        bool known = !events_deal_slips(repo, &d, &ledger, &honest, cli_history_progress(), NULL,
                                        &why);
        if (json) {
            cJSON *doc = deal_view_json(repo_config(repo), &d, opts->today);
            add_slips_json(doc, &ledger, &honest, known ? NULL : why.msg);
            deal_view_print_json(doc);
        } else {
            show_text(repo_config(repo), &d, opts->today);
            show_slips(&ledger, &honest, known ? NULL : why.msg);
            show_log(&d);
        }
        slip_ledger_free(&ledger);
        deal_free(&d);
    }
    repo_close(repo);
    return rc;
}

/* ---- flags ----
 * In DEAL_ORDER_BY_SCORE (pipeline/deal_order.h), as the review's flagged deals. */

static void print_flags(const pipeline_cfg *cfg, deal **deals, size_t n, db_day today)
{
    if (n == 0) {
        puts("No flagged deals.");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        flag_result f;
        rules_evaluate(cfg, deals[i], today, &f);
        /* The mark is 1 or 2 columns but up to 3 bytes: pad by columns, not bytes. */
        deal_view_cell(stdout, text_flag_mark(f.level), 2, false);
        printf(" %-8s %2d  ", flag_level_label(f.level), f.score);
        cli_print_safe(stdout, deals[i]->title);
        printf("  (%s, ", deals[i]->id);
        cli_print_safe(stdout, deal_view_stage_label(cfg, deals[i]));   /* pipeline.json text */
        fputs(")\n", stdout);
        for (int r = 0; r < f.nreasons; r++) {
            fputs("              - ", stdout);
            cli_print_safe(stdout, f.reasons[r].text);
            fputc('\n', stdout);
        }
    }
}

int cmd_flags(cli_opts *opts, int argc, char **argv)
{
    bool json = false;
    cli_owner owner = {0};
    const char *as_of = NULL;
    cli_option options[] = {{"--json", NULL, &json}, CLI_OWNER_OPTIONS(&owner),
                            CLI_AS_OF_OPTION(&as_of), {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "flags", argc, argv, options, NULL, 0, 0, NULL);
    db_repo *repo = NULL;
    if (rc || (rc = cli_owner_check(opts, "flags", &owner)) ||
        (rc = cli_as_of_day(opts, as_of)) || (rc = cli_open_repo_as_of(opts, as_of, &repo)))
        return rc;
    cli_learn_limits(repo);
    if ((rc = cli_owner_scope(opts, "flags", repo, &owner))) {
        cli_owner_free(&owner);
        repo_close(repo);
        return rc;
    }
    const pipeline_cfg *cfg = repo_config(repo);
    deal_list all = {0};
    rc = cli_load_light(opts, repo, &all, json);
    list_filter f = {.flagged = true, .owner = &owner.scope};
    deal **flagged = xcalloc(all.count, sizeof *flagged);
    size_t n = 0;
    for (size_t i = 0; i < all.count; i++)
        if (keep(cfg, all.items[i], &f, opts->today))
            flagged[n++] = all.items[i];
    deal_view_sort_by_score(cfg, flagged, n, opts->today);
    if (!rc && json) {
        json_list_print(opts, repo, flagged, n);
    } else if (!rc) {
        cli_print_as_of(stdout, repo);
        print_flags(cfg, flagged, n, opts->today);
    }
    free(flagged);
    cli_keep_until_exit(&all);
    cli_owner_free(&owner);
    repo_close(repo);
    return rc;
}

/* ---- log ---- */

static void print_commit(void *ud, const repo_commit_info *c)
{
    (void)ud;
    char when[32];
    time_t t = (time_t)c->time;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    printf("%.8s  %s  ", c->id, when);
    cli_print_safe(stdout, c->author);
    fputs("  ", stdout);
    cli_print_safe(stdout, c->summary);
    fputc('\n', stdout);
}

int cmd_log(cli_opts *opts, int argc, char **argv)
{
    const char *prefix;
    int rc = cli_parse(opts, "log", argc, argv, NULL, &prefix, 1, 1, NULL);
    db_repo *repo = NULL;
    if (rc || (rc = cli_open_repo(opts, &repo)))
        return rc;
    char *id = NULL;
    rc = repo_resolve_id(repo, prefix, &id, &opts->err);
    if (!rc) {
        char *rel = repo_deal_relpath(id);
        rc = repo_history(repo, rel, print_commit, NULL, &opts->err);
        free(rel);
    }
    free(id);
    repo_close(repo);
    return rc;
}
