/* dealboard: global options, then one command from the table in cli.h. */
#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/text.h"
#include "cli.h"

#ifndef DEALBOARD_VERSION
#define DEALBOARD_VERSION "dev"
#endif

static const struct {
    const char *name;
    cli_fn fn;
} dispatch[] = {
#define X(name, fn, args, summary) {name, fn},
    DB_COMMANDS(X)
#undef X
};

#define GLOBAL_USAGE "dealboard [-C DIR] [--keys NAME] [COMMAND] [ARGS]"
#define USAGE_HINT "(usage: " GLOBAL_USAGE "; see dealboard --help)"

static void print_help(FILE *out)
{
    fputs("usage: " GLOBAL_USAGE "\n\n"
          "A keyboard-driven board for a sales team's pipeline, kept in git.\n\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < sizeof dispatch / sizeof *dispatch; i++) {
        const cli_command_info *c = cli_command(dispatch[i].name);
        if (!cli_command_hidden(c->name))
            fprintf(out, "  %-9s %s\n", c->name, c->summary);
    }
    fputs("\nOptions:\n"
          "  -C DIR        use the pipeline repository at DIR\n"
          "  --keys NAME   keymap preset for the board (default, emacs)\n"
          "  --help        this help; 'dealboard COMMAND --help' for one command\n"
          "  --version     print the version\n\n"
          "Environment: DEALBOARD_REPO, DEALBOARD_TODAY, EDITOR, NO_COLOR, XDG_CONFIG_HOME.\n"
          "See dealboard(1).\n",
          out);
}

/* Parses -C, --keys, --help, --version; returns the index of the command. */
static int parse_global(cli_opts *opts, int argc, char **argv, bool *done)
{
    int i = 1;
    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-C") == 0 || strcmp(arg, "--keys") == 0) {
            if (i + 1 >= argc)
                return -db_fail(&opts->err, DB_EUSAGE, "%s: missing value " USAGE_HINT, arg);
            *(arg[1] == 'C' ? &opts->repo_dir : &opts->keys) = argv[++i];
        } else if (strncmp(arg, "-C", 2) == 0) {
            opts->repo_dir = arg + 2;
        } else if (strncmp(arg, "--keys=", 7) == 0) {
            opts->keys = arg + 7;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_help(stdout);
            *done = true;
            return i;
        } else if (strcmp(arg, "--version") == 0) {
            printf("dealboard %s\n", DEALBOARD_VERSION);
            *done = true;
            return i;
        } else if (arg[0] == '-') {
            return -db_fail(&opts->err, DB_EUSAGE, "%s: unknown option " USAGE_HINT, arg);
        } else {
            break;
        }
    }
    return i;
}

static int run(cli_opts *opts, int argc, char **argv)
{
    bool done = false;
    int first = parse_global(opts, argc, argv, &done);
    if (first < 0)
        return -first;
    if (done)
        return 0;
    const char *name = first < argc ? argv[first] : "board";
    int rest = first < argc ? first + 1 : argc;
    cli_fn fn = NULL;
    for (size_t i = 0; i < sizeof dispatch / sizeof *dispatch; i++)
        if (strcmp(dispatch[i].name, name) == 0)
            fn = dispatch[i].fn;
    if (!fn)
        return db_fail(&opts->err, DB_EUSAGE, "%s: unknown command (see dealboard --help)", name);
    /* --help and --version work for every command, before it does anything. */
    for (int a = rest; a < argc && strcmp(argv[a], "--") != 0; a++) {
        if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
            cli_usage(stdout, name);
            return 0;
        }
        if (strcmp(argv[a], "--version") == 0) {
            printf("dealboard %s\n", DEALBOARD_VERSION);
            return 0;
        }
    }
    if (!date_today(&opts->today))
        return db_fail(&opts->err, DB_EUSAGE, "DEALBOARD_TODAY: '%s' is not a date YYYY-MM-DD",
                       getenv("DEALBOARD_TODAY"));
    return fn(opts, argc - rest, argv + rest);
}

/* Every command prints through stdout (json_list writes its fd and records
 * failures in opts): checked once here, so that no command reports success
 * for output that never arrived (a full disk, a closed pipe). */
static int check_output(cli_opts *opts, int rc)
{
    int e = fflush(stdout) != 0 ? errno : ferror(stdout) ? EIO : opts->out_errno;
    if (rc > 0 || !e)
        return rc;
    return db_fail(&opts->err, DB_EIO, "writing the output: %s", strerror(e));
}

int main(int argc, char **argv)
{
    /* Character classes and widths follow the user's locale; numbers stay "C". */
    setlocale(LC_CTYPE, "");
    cli_opts opts = {0};
    int rc = check_output(&opts, run(&opts, argc, argv));
    if (rc < 0)                /* --help printed by a command */
        return 0;
    if (rc && opts.err.msg[0]) {
        /* Messages may quote what a teammate wrote (a rule name, a stage). */
        char *safe = text_sanitize(opts.err.msg, false);
        fprintf(stderr, "dealboard: %s\n", safe);
        free(safe);
    }
    return rc;
}
