/* `dealboard plan`: the deal's shared plan (SPEC §9), listed or changed one
 * step at a time, each change one commit through the edit transaction. */
#include <stdlib.h>
#include <string.h>

#include "../store/deal_txn.h"
#include "cli.h"

/* "  2  p3f2a1c  buyer  [x]  Security review  (due 2027-03-01; done 2027-02-27: signed)" */
void cli_print_plan(FILE *out, const deal *d)
{
    for (size_t i = 0; i < d->nplan; i++) {
        const plan_entry *p = &d->plan[i];
        char due[DATE_LEN], done[DATE_LEN];
        date_format(p->due, due);
        date_format(p->done, done);
        fprintf(out, "  %zu  %s  %-5s  [%s]  ", i + 1, p->id, plan_owner_name(p->owner),
                *done ? "x" : " ");
        cli_print_safe(out, p->text);
        if (*due || *done) {
            fprintf(out, "  (%s%s%s%s%s", *due ? "due " : "", due, *due && *done ? "; " : "",
                    *done ? "done " : "", done);
            if (*done && !str_empty(p->evidence)) {
                fputs(": ", out);
                cli_print_safe(out, p->evidence);
            }
            fputc(')', out);
        }
        fputc('\n', out);
    }
}

static int list_plan(cli_opts *opts, const char *id)
{
    db_repo *repo = NULL;
    int rc = cli_open_repo(opts, &repo);
    if (rc)
        return rc;
    deal d;
    if (!(rc = repo_find_deal(repo, id, &d, &opts->err))) {
        if (d.nplan)
            cli_print_plan(stdout, &d);
        else
            printf("No plan yet: 'dealboard plan %s add TEXT [--buyer|--us] [--due DATE]' adds "
                   "a step.\n", d.id);
        deal_free(&d);
    }
    repo_close(repo);
    return rc;
}

typedef struct {
    const char *due, *evidence;
    bool buyer, us;
} plan_options;

/* Options that belong to another action are an error, not silently ignored. */
static int check_options(cli_opts *opts, const char *verb, const plan_options *o)
{
    bool add = str_eq(verb, "add"), done = str_eq(verb, "done");
    const char *stray = !add && o->due ? "--due" : !add && o->buyer ? "--buyer"
                        : !add && o->us ? "--us" : !done && o->evidence ? "--evidence" : NULL;
    if (stray)
        return db_fail(&opts->err, DB_EUSAGE, "plan: %s goes with %s", stray,
                       str_eq(stray, "--evidence") ? "done STEP" : "add TEXT");
    if (o->buyer && o->us)
        return db_fail(&opts->err, DB_EUSAGE,
                       "plan: --buyer and --us together: a step is the buyer's or ours");
    return 0;
}

static int plan_action(cli_opts *opts, const char *pos[4], int npos, const plan_options *o)
{
    const char *verb = pos[1];
    int rc = check_options(opts, verb, o);
    if (rc)
        return rc;
    bool known = str_eq(verb, "add") || str_eq(verb, "done") || str_eq(verb, "rm") ||
                 str_eq(verb, "due");
    if (!known)
        return db_fail(&opts->err, DB_EUSAGE,
                       "plan: '%s' is not an action: use add TEXT, done STEP, due STEP [DATE] "
                       "or rm STEP (or no action to list the plan)", verb);
    if (npos > 3 && !str_eq(verb, "due"))
        return db_fail(&opts->err, DB_EUSAGE, "plan %s: one %s only (put a text in quotes)", verb,
                       str_eq(verb, "add") ? "text" : "step");
    if (npos < 3)
        return db_fail(&opts->err, DB_EUSAGE, "plan %s: needs %s", verb,
                       str_eq(verb, "add") ? "the step's text (plan ID add TEXT)"
                                           : "a step: its number as 'plan ID' lists it, or its id");
    edit_op op = {.step = pos[2], .text = o->evidence, .day = DAY_NONE};
    if (str_eq(verb, "add")) {
        op = (edit_op){.kind = EDIT_OP_PLAN_ADD, .text = pos[2], .day = DAY_NONE,
                       .owner = o->us ? PLAN_US : PLAN_BUYER};
        if (o->due && (rc = cli_date(opts, "--due", o->due, &op.day)))
            return rc;
    } else if (str_eq(verb, "due")) {
        /* No DATE: the step has no due date any more. */
        op.kind = EDIT_OP_PLAN_DUE;
        if (npos > 3 && (rc = cli_date(opts, "plan due", pos[3], &op.day)))
            return rc;
    } else {
        op.kind = str_eq(verb, "done") ? EDIT_OP_PLAN_DONE : EDIT_OP_PLAN_RM;
    }
    return cli_change_deal(opts, pos[0], op);
}

int cmd_plan(cli_opts *opts, int argc, char **argv)
{
    const char *pos[4] = {NULL, NULL, NULL, NULL};
    int npos = 0;
    plan_options o = {0};
    cli_option options[] = {{"--due", &o.due, NULL},         {"--evidence", &o.evidence, NULL},
                            {"--buyer", NULL, &o.buyer},     {"--us", NULL, &o.us},
                            {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "plan", argc, argv, options, pos, 1, 4, &npos);
    if (rc)
        return rc;
    if (npos == 1) {
        if (o.due || o.evidence || o.buyer || o.us)
            return db_fail(&opts->err, DB_EUSAGE,
                           "plan: options go with an action (add TEXT, done STEP)");
        return list_plan(opts, pos[0]);
    }
    return plan_action(opts, pos, npos, &o);
}
