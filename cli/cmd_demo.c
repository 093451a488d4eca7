/* dealboard demo: the example pipeline, copied into a fresh repository with
 * its dates shifted so that its newest activity is today. */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store/codec.h"
#include "../store/fsutil.h"
#include "cli.h"

static char *examples_dir(void)
{
    const char *env = getenv("DEALBOARD_EXAMPLES");
    if (env && *env)
        return xstrdup(env);
#ifdef DEALBOARD_DATADIR
    if (access(DEALBOARD_DATADIR "/examples/pipeline/pipeline.json", R_OK) == 0)
        return xstrdup(DEALBOARD_DATADIR "/examples/pipeline");
#endif
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    return xasprintf("%s/examples/pipeline", exe);
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

int cmd_demo(cli_opts *opts, int argc, char **argv)
{
    int rc = cli_parse(opts, "demo", argc, argv, NULL, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    char *src = examples_dir();
    if (!src)
        return db_fail(&opts->err, DB_EIO, "demo: cannot find the example pipeline");
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/dealboard-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    repo_change *files = NULL;
    char **texts = NULL;
    size_t n = 0;
    if (!mkdtemp(dir))
        rc = db_fail(&opts->err, DB_EIO, "demo: cannot create %s", dir);
    if (!rc)
        rc = build_files(opts, src, &files, &n, &texts);
    if (!rc)
        rc = repo_init(dir, NULL, files, n, &opts->err);
    if (files)
        free_files(files, n, texts);
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
