/* dealboard demo: the example pipeline, copied into a fresh repository with
 * its dates shifted so that its newest activity is today. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../store/codec.h"
#include "../store/fsutil.h"
#include "cli.h"

/* Where the example pipeline may be, in order (DEALBOARD_EXAMPLES alone when
 * set); NULL-terminated, caller frees with free_dirs. */
static char **example_dirs(void)
{
    char **dirs = xcalloc(4, sizeof *dirs);
    size_t n = 0;
    const char *env = getenv("DEALBOARD_EXAMPLES");
    if (env && *env) {
        dirs[0] = xstrdup(env);
        return dirs;
    }
#ifdef DEALBOARD_DATADIR
    dirs[n++] = xstrdup(DEALBOARD_DATADIR "/examples/pipeline");
#endif
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return dirs;
    exe[len] = '\0';
    *strrchr(exe, '/') = '\0';
    dirs[n++] = xasprintf("%s/examples/pipeline", exe);           /* the source tree */
    char *slash = strrchr(exe, '/');
    if (slash) {                                                  /* a build directory in it */
        *slash = '\0';
        dirs[n++] = xasprintf("%s/examples/pipeline", exe);
    }
    return dirs;
}

static void free_dirs(char **dirs)
{
    for (char **d = dirs; *d; d++)
        free(*d);
    free(dirs);
}

/* The first directory with a pipeline.json, or an error naming every place tried. */
static int find_examples(cli_opts *opts, char **src)
{
    char **dirs = example_dirs();
    strbuf tried = {0};
    *src = NULL;
    for (char **d = dirs; *d && !*src; d++) {
        char *file = fs_join(*d, "pipeline.json");
        if (access(file, R_OK) == 0)
            *src = xstrdup(*d);
        sb_printf(&tried, "%s%s", d == dirs ? "" : ", ", *d);
        free(file);
    }
    const char *env = getenv("DEALBOARD_EXAMPLES");
    int rc = 0;
    if (!*src && env && *env)
        rc = db_fail(&opts->err, DB_EIO, "demo: DEALBOARD_EXAMPLES: %s has no pipeline.json "
                     "(it names a copy of examples/pipeline)", env);
    else if (!*src)
        rc = db_fail(&opts->err, DB_EIO, "demo: the example pipeline is not here (looked for "
                     "pipeline.json in %s); set DEALBOARD_EXAMPLES to a copy of "
                     "examples/pipeline from dealboard's source", tried.data ? tried.data : "-");
    sb_free(&tried);
    free_dirs(dirs);
    return rc;
}

static db_day log_day(const log_entry *e)
{
    char date[DATE_LEN];
    db_day day;
    snprintf(date, sizeof date, "%.10s", e->at ? e->at : "");
    return date_parse(date, &day) ? day : DAY_NONE;
}

static db_day newest_activity(const deal_list *deals)
{
    db_day newest = DAY_NONE;
    for (size_t i = 0; i < deals->count; i++) {
        const deal *d = deals->items[i];
        if (d->last_touch != DAY_NONE && d->last_touch > newest)
            newest = d->last_touch;
        for (size_t j = 0; j < d->nlog; j++)
            if (log_day(&d->log[j]) != DAY_NONE && log_day(&d->log[j]) > newest)
                newest = log_day(&d->log[j]);
    }
    return newest;
}

static void shift(db_day *day, int delta)
{
    if (*day != DAY_NONE)
        *day += delta;
}

static void shift_deal(deal *d, int delta)
{
    db_day *days[] = {&d->created, &d->stage_entered, &d->last_touch, &d->close_date,
                      &d->next_due, &d->snooze_until, &d->revisit};
    for (size_t i = 0; i < sizeof days / sizeof *days; i++)
        shift(days[i], delta);
    /* Every dated part of the journey, or the demo would age with the calendar:
     * plan steps fall overdue, champions fall silent, asks drift into the past. */
    for (size_t j = 0; j < d->nevidence; j++)
        shift(&d->evidence[j].date, delta);
    for (size_t j = 0; j < d->nplan; j++) {
        shift(&d->plan[j].due, delta);
        shift(&d->plan[j].done, delta);
    }
    for (size_t j = 0; j < d->npeople; j++)
        shift(&d->people[j].last_contact, delta);
    for (size_t j = 0; j < d->reference.nasks; j++)
        shift(&d->reference.asks[j].at, delta);
    for (size_t j = 0; j < d->nlog; j++) {
        db_day day = log_day(&d->log[j]);
        if (day == DAY_NONE)
            continue;
        char date[DATE_LEN];
        date_format(day + delta, date);
        memcpy(d->log[j].at, date, 10);
    }
}

typedef struct {
    int broken;
} demo_report;

static void demo_problem(void *ud, const char *relpath, const char *why)
{
    ((demo_report *)ud)->broken++;
    fprintf(stderr, "dealboard: examples: %s: %s\n", relpath, why);
}

/* Loads the examples as a repository would (same validation), shifted to today. */
static int build_files(cli_opts *opts, const char *src, repo_change **files, size_t *n,
                       char ***texts)
{
    db_repo *examples = NULL;
    deal_list deals = {0};
    demo_report report = {0};
    int rc = repo_open_files(src, &examples, &opts->err);   /* an installed copy has no .git */
    if (rc)
        return rc;
    repo_load_deals(examples, &deals, demo_problem, &report, &opts->err);
    int delta = deals.count ? opts->today - newest_activity(&deals) : 0;
    *files = xcalloc(deals.count + 1, sizeof **files);
    *texts = xcalloc(deals.count + 2, sizeof **texts);
    char *pipeline_path = fs_join(src, "pipeline.json");
    size_t len = 0;
    rc = fs_read_file(pipeline_path, &(*texts)[0], &len, &opts->err);
    free(pipeline_path);
    (*files)[0] = (repo_change){"pipeline.json", (*texts)[0], len};
    for (size_t i = 0; i < deals.count && !rc; i++) {
        shift_deal(deals.items[i], delta);
        char *text = codec_format_deal(deals.items[i]);
        (*texts)[i + 1] = text;
        (*files)[i + 1] = (repo_change){repo_deal_relpath(deals.items[i]->id), text, strlen(text)};
    }
    *n = deals.count + 1;
    deal_list_free(&deals);
    repo_close(examples);
    return rc;
}

static void free_files(repo_change *files, size_t n, char **texts)
{
    for (size_t i = 1; i < n; i++)
        free((char *)files[i].relpath);
    for (size_t i = 0; i <= n; i++)
        free(texts[i]);
    free(texts);
    free(files);
}

/* Without a terminal (CI, a pipe) the demo still builds its pipeline and
 * shows it as a list instead of failing. */
static bool wants_board(void)
{
    const char *script = getenv("DEALBOARD_SCRIPT");
    return (script && *script) || (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO));
}

/* nftw: removes the demo's own temporary directory after a failed init. */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

/* The examples are read before the temporary directory is made: a failure
 * leaves nothing behind. */
static int make_demo(cli_opts *opts, const char *src, char **dir)
{
    repo_change *files = NULL;
    char **texts = NULL;
    size_t n = 0;
    int rc = build_files(opts, src, &files, &n, &texts);
    const char *tmp = getenv("TMPDIR");
    *dir = xasprintf("%s/dealboard-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!rc && !mkdtemp(*dir))
        rc = db_fail(&opts->err, DB_EIO, "demo: cannot create %s: %s", *dir, strerror(errno));
    else if (!rc && (rc = repo_init(*dir, NULL, files, n, &opts->err)) != 0)
        nftw(*dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (files)
        free_files(files, n, texts);
    return rc;
}

int cmd_demo(cli_opts *opts, int argc, char **argv)
{
    int rc = cli_parse(opts, "demo", argc, argv, NULL, NULL, 0, 0, NULL);
    char *src = NULL, *dir = NULL;
    if (rc || (rc = find_examples(opts, &src)))
        return rc;
    rc = make_demo(opts, src, &dir);
    if (!rc) {
        fprintf(stderr, "dealboard: demo pipeline in %s\n", dir);
        opts->repo_dir = dir;
        rc = wants_board() ? cmd_board(opts, 0, NULL) : cmd_list(opts, 0, NULL);
    }
    opts->repo_dir = NULL;
    free(dir);
    free(src);
    return rc;
}
