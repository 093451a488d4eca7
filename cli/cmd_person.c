/* `dealboard person`: the deal's buying committee (SPEC §9), listed or
 * changed one person at a time, each change one commit through the edit
 * transaction. */
#include <stdlib.h>
#include <string.h>

#include "../pipeline/people.h"
#include "../store/deal_txn.h"
#include "cli.h"

/* "  2  h3f2a1c  Ana Ruiz  decision-maker  (supportive; last contact 2027-02-27)" */
void cli_print_people(FILE *out, const deal *d)
{
    for (size_t i = 0; i < d->npeople; i++) {
        const person *p = &d->people[i];
        char contact[DATE_LEN];
        date_format(p->last_contact, contact);
        fprintf(out, "  %zu  %s  ", i + 1, p->id);
        cli_print_safe(out, p->name);
        fputs("  ", out);
        cli_print_safe(out, p->role);
        bool stance = !str_empty(p->stance);
        if (stance || *contact) {
            fputs("  (", out);
            if (stance)
                cli_print_safe(out, p->stance);
            fprintf(out, "%s%s%s)", stance && *contact ? "; " : "", *contact ? "last contact " : "",
                    contact);
        }
        fputc('\n', out);
    }
}

static int list_people(cli_opts *opts, const char *id)
{
    db_repo *repo = NULL;
    int rc = cli_open_repo(opts, &repo);
    if (rc)
        return rc;
    deal d;
    if (!(rc = repo_find_deal(repo, id, &d, &opts->err))) {
        if (d.npeople)
            cli_print_people(stdout, &d);
        else
            printf("No people yet: 'dealboard person %s add NAME --role ROLE [--stance S]' adds "
                   "one (roles: %s).\n", d.id, people_role_list());
        deal_free(&d);
    }
    repo_close(repo);
    return rc;
}

static int person_action(cli_opts *opts, const char *pos[4], int npos, const char *role,
                         const char *stance)
{
    const char *verb = pos[1];
    bool add = str_eq(verb, "add"), rm = str_eq(verb, "rm"), contact = str_eq(verb, "contact");
    if (!add && !rm && !contact)
        return db_fail(&opts->err, DB_EUSAGE,
                       "person: '%s' is not an action: use add NAME --role ROLE, rm PERSON or "
                       "contact PERSON [DATE] (or no action to list the committee)", verb);
    if (!add && (role || stance))
        return db_fail(&opts->err, DB_EUSAGE, "person: %s goes with add NAME",
                       role ? "--role" : "--stance");
    if (npos < 3)
        return db_fail(&opts->err, DB_EUSAGE, "person %s: needs %s", verb,
                       add ? "the person's name (person ID add NAME --role ROLE)"
                           : "a person: their number as 'person ID' lists them, or their id");
    if (npos == 4 && !contact)
        return db_fail(&opts->err, DB_EUSAGE, "person %s: one %s only (quote a name with spaces)",
                       verb, add ? "name" : "person");
    if (add)
        return cli_change_deal(opts, pos[0], (edit_op){.kind = EDIT_OP_PERSON_ADD, .text = pos[2],
                                                       .role = role, .stance = stance,
                                                       .day = DAY_NONE});
    edit_op op = {.kind = rm ? EDIT_OP_PERSON_RM : EDIT_OP_PERSON_CONTACT, .step = pos[2],
                  .day = DAY_NONE};
    int rc = npos == 4 ? cli_date(opts, "DATE", pos[3], &op.day) : 0;
    return rc ? rc : cli_change_deal(opts, pos[0], op);
}

int cmd_person(cli_opts *opts, int argc, char **argv)
{
    const char *pos[4] = {NULL, NULL, NULL, NULL};
    int npos = 0;
    const char *role = NULL, *stance = NULL;
    cli_option options[] = {{"--role", &role, NULL}, {"--stance", &stance, NULL},
                            {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "person", argc, argv, options, pos, 1, 4, &npos);
    if (rc)
        return rc;
    if (npos == 1) {
        if (role || stance)
            return db_fail(&opts->err, DB_EUSAGE, "person: options go with add NAME");
        return list_people(opts, pos[0]);
    }
    return person_action(opts, pos, npos, role, stance);
}
