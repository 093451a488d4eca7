/* Commands about the repository itself: init, doctor. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../pipeline/text.h"
#include "../store/changes.h"
#include "../store/sync.h"
#include "cli.h"

/* The team's remote on a server: a bare repository, group-shared with --shared. */
static int init_bare(cli_opts *opts, const char *dir, bool shared)
{
    int rc = sync_init_bare(dir, shared, &opts->err);
    if (rc)
        return rc;
    printf("Created a bare repository for the team in %s%s.\n", dir,
           shared ? " (group-shared: teammates in its group can push)" : "");
    printf("Teammates clone it with: dealboard clone ssh://HOST%s%s (or a local path)\n",
           dir[0] == '/' ? "" : "/PATH/", dir);
    return 0;
}

/* On a terminal, without --name: "Name of the pipeline [sales]: "; Enter
 * (or end of input) takes the directory's name. Caller frees. */
static char *ask_name(const char *dir)
{
    char *fallback = repo_default_name(dir), line[512];
    printf("Name of the pipeline [");
    cli_print_safe(stdout, fallback);
    printf("]: ");
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin)) {
        fputc('\n', stdout);
        return fallback;
    }
    line[strcspn(line, "\r\n")] = '\0';
    char *start = line, *end = line + strlen(line);
    while (*start == ' ' || *start == '\t')
        start++;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
        *--end = '\0';
    if (!*start)
        return fallback;
    free(fallback);
    return xstrdup(start);
}

int cli_check_pipeline_name(cli_opts *opts, const char *cmd, const char *name)
{
    bool blank = true;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p < ' ' || *p == 0x7f)
            return db_fail(&opts->err, DB_EUSAGE, "%s: --name: control characters are not "
                                                  "allowed in a pipeline's name", cmd);
        blank = blank && *p == ' ';
    }
    if (blank)
        return db_fail(&opts->err, DB_EUSAGE, "%s: --name: give the pipeline a name (e.g. "
                                              "--name \"Sales EMEA\")", cmd);
    return 0;
}

int cmd_init(cli_opts *opts, int argc, char **argv)
{
    const char *dir = ".", *remote = NULL, *name = NULL;
    bool bare = false, shared = false;
    cli_option options[] = {{"--remote", &remote, NULL},
                            {"--name", &name, NULL},
                            {"--bare", NULL, &bare},
                            {"--shared", NULL, &shared},
                            {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "init", argc, argv, options, &dir, 0, 1, NULL);
    if (!rc && name)
        rc = cli_check_pipeline_name(opts, "init", name);
    if (rc)
        return rc;
    if (bare && name)
        return db_fail(&opts->err, DB_EUSAGE, "init: a --bare repository holds no pipeline; "
                                              "name it in the first clone (clone --name)");
    if (shared && !bare)
        return db_fail(&opts->err, DB_EUSAGE, "init: --shared goes with --bare (a team remote "
                                              "on a server)");
    if (bare && remote)
        return db_fail(&opts->err, DB_EUSAGE, "init: a --bare repository is the remote; it "
                                              "takes no --remote");
    if (bare)
        return init_bare(opts, dir, shared);
    char *asked = NULL;
    if (!name && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
        name = asked = ask_name(dir);
        if ((rc = cli_check_pipeline_name(opts, "init", name))) {
            free(asked);
            return rc;
        }
    }
    rc = repo_init_named(dir, remote, name, NULL, 0, &opts->err);
    free(asked);
    if (!rc)
        printf("Created a pipeline in %s\n", dir);
    return rc;
}

typedef struct {
    int broken;
} doctor_report;

static void doctor_problem(void *ud, const char *relpath, const char *why)
{
    doctor_report *r = ud;
    char *safe = text_sanitize(why, false);
    printf("%s: %s\n", relpath, safe);
    free(safe);
    r->broken++;
}

/* Deals whose stage the pipeline no longer has still show, in their own column. */
static int check_stages(const pipeline_cfg *cfg, const deal_list *deals)
{
    int unknown = 0;
    for (size_t i = 0; i < deals->count; i++) {
        const deal *d = deals->items[i];
        if (config_stage_index(cfg, d->stage) >= 0)
            continue;
        char *rel = repo_deal_relpath(d->id);
        printf("%s: stage '", rel);
        cli_print_safe(stdout, d->stage);
        printf("' is not in pipeline.json (shown under \"unknown stage\")\n");
        free(rel);
        unknown++;
    }
    return unknown;
}

/* Recovery under the lock finishes what a killed process left of a change; then
 * the repository must be in a form dealboard can commit to. */
static int check_git(db_repo *repo, db_err *err)
{
    char *marker = repo_pending_marker(repo);
    bool interrupted = access(marker, F_OK) == 0;
    db_err lock_err;
    int rc = repo_lock(repo, &lock_err);
    if (!rc) {
        rc = repo_recover(repo, &lock_err);
        repo_unlock(repo);
    }
    if (rc)                                       /* read-only: the rest is still checked */
        printf("Not checked for an interrupted change: %s\n", lock_err.msg);
    if (interrupted && access(marker, F_OK) != 0)
        printf("Finished an interrupted change (its temp files removed, its files as committed)\n");
    free(marker);
    return repo_check_git(repo, err);
}

static void print_conflict(void *ud, const char *text)
{
    char *safe = text_sanitize(text, false);
    printf("pipeline.json: sync conflict: %s\n", safe);
    free(safe);
    ++*(int *)ud;
}

/* Same-key conflicts sync recorded in pipeline.json: open until a person removes them. */
static void list_conflicts(db_repo *repo)
{
    int n = 0;
    changes_open_conflicts(repo_root(repo), print_conflict, &n);
    if (n)
        printf("To settle %s: set the value the team wants in pipeline.json, delete its entry "
               "from \"conflicts\" and run dealboard sync\n", n == 1 ? "it" : "one");
}

static int pack_loose(db_repo *repo, db_err *err)
{
    size_t packed = 0;
    int rc = repo_lock(repo, err);
    if (!rc)
        rc = repo_recover(repo, err);
    if (!rc)
        rc = repo_pack_loose(repo, &packed, err);
    repo_unlock(repo);
    if (!rc)
        printf("Packed %zu loose object%s into one pack\n", packed, packed == 1 ? "" : "s");
    return rc;
}

int cmd_doctor(cli_opts *opts, int argc, char **argv)
{
    bool repack = false;
    cli_option options[] = {{"--repack", NULL, &repack}, {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "doctor", argc, argv, options, NULL, 0, 0, NULL);
    db_repo *repo = NULL;
    if (rc || (rc = cli_open_repo(opts, &repo)))
        return rc;
    rc = check_git(repo, &opts->err);
    if (!rc && repack)
        rc = pack_loose(repo, &opts->err);
    if (rc) {
        repo_close(repo);
        return rc;
    }
    char *warnings = text_sanitize(repo_warnings(repo), true);   /* quotes pipeline.json */
    fputs(warnings, stdout);
    free(warnings);
    list_conflicts(repo);
    doctor_report report = {0};
    deal_list deals = {0};
    rc = repo_load_deals(repo, &deals, doctor_problem, &report, &opts->err);
    int unknown = rc ? 0 : check_stages(repo_config(repo), &deals);
    if (!rc) {
        printf("%zu deal%s ok, %d broken, %d in an unknown stage\n", deals.count,
               deals.count == 1 ? "" : "s", report.broken, unknown);
        if (report.broken)
            rc = db_fail(&opts->err, DB_EUSAGE, "doctor: %d broken file%s", report.broken,
                         report.broken == 1 ? "" : "s");
    }
    deal_list_free(&deals);
    repo_close(repo);
    return rc;
}
