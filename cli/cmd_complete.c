/* dealboard __complete: the words completion/dealboard.bash offers, one a
 * line. Quiet and cheap: ids come from file names, nothing is parsed. */
#include <ctype.h>
#include <string.h>

#include "../pipeline/people.h"
#include "cli.h"

static void print_commands(void)
{
    for (const cli_command_info *c = cli_commands(); c->name; c++)
        if (!cli_command_hidden(c->name))
            puts(c->name);
}

/* The --options in a command's usage text ("[--stage S] [--csv|--json]");
 * with_value_only: just those followed by a VALUE word. */
static void print_options(const char *cmd, bool with_value_only)
{
    const cli_command_info *c = cli_command(cmd);
    if (!c)
        return;
    for (const char *p = strstr(c->args, "--"); p; p = strstr(p, "--")) {
        size_t n = 2 + strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
        bool takes_value = p[n] == ' ' && isupper((unsigned char)p[n + 1]);
        if (n > 2 && (!with_value_only || takes_value))
            printf("%.*s\n", (int)n, p);
        p += n;
    }
    if (!with_value_only)
        puts("--help");
}

static void print_id(void *ud, const char *id)
{
    (void)ud;
    puts(id);
}

static int print_from_repo(cli_opts *opts, const char *what, const char *prefix)
{
    db_repo *repo = NULL;
    int rc = cli_open_repo(opts, &repo);
    if (rc)
        return rc;
    if (str_eq(what, "ids")) {
        repo_list_ids(repo, prefix, print_id, NULL);
    } else {
        const pipeline_cfg *cfg = repo_config(repo);
        for (size_t i = 0; i < cfg->nstages; i++)
            puts(cfg->stages[i].id);
    }
    repo_close(repo);
    return 0;
}

/* The buying committee's roles (pipeline/people.h), for person --role. */
static void print_roles(void)
{
#define X(e, name) puts(name);
    PEOPLE_ROLES(X)
#undef X
}

int cmd_complete(cli_opts *opts, int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL};
    int rc = cli_parse(opts, "__complete", argc, argv, NULL, pos, 1, 2, NULL);
    if (rc)
        return rc;
    if (str_eq(pos[0], "commands"))
        print_commands();
    else if (str_eq(pos[0], "options") || str_eq(pos[0], "value-options"))
        print_options(pos[1] ? pos[1] : "", str_eq(pos[0], "value-options"));
    else if (str_eq(pos[0], "fields"))
        for (int i = 0; edit_settable_fields[i]; i++)
            puts(edit_settable_fields[i]);
    else if (str_eq(pos[0], "roles"))
        print_roles();
    else if (str_eq(pos[0], "stages") || str_eq(pos[0], "ids"))
        return print_from_repo(opts, pos[0], pos[1]);
    else
        return db_fail(&opts->err, DB_EUSAGE, "__complete: %s: unknown word list", pos[0]);
    return 0;
}
