/* Sync in the background (the team-sync issue): S forks a child that opens its
 * own repository handle (libgit2 objects never cross a fork), runs sync_run
 * and writes one fixed-size record to a pipe. The board keeps drawing and
 * polls the pipe on its short ticks; when the record arrives it reaps the
 * child and reloads. The child merges under the repository lock, and the
 * board does not reload until the child is done, so it never shows a
 * half-merged state. Edits are refused while a sync runs (no silent waits on
 * the lock). Script mode waits for the child at once: deterministic. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../store/fsutil.h"
#include "app.h"
#include "term.h"

/* What the child reports; < PIPE_BUF, so one write() delivers it whole. */
typedef struct {
    int rc;
    sync_result r;
    char msg[sizeof(((db_err *)0)->msg)];
} sync_record;

_Static_assert(sizeof(sync_record) <= 4096, "the record must fit one atomic pipe write");

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool tui_sync_running(const tui_app *app)
{
    return app->job.pid > 0;
}

int64_t tui_sync_elapsed_ms(const tui_app *app)
{
    return tui_sync_running(app) ? now_ms() - app->job.started_ms : 0;
}

bool tui_refuse_during_sync(tui_app *app)
{
    if (!tui_sync_running(app))
        return false;
    tui_message(app, true, "a sync is running; try again when it has finished");
    return true;
}

/* The child: never returns, never touches curses or the parent's handle. */
static void run_child(const char *root, int out)
{
    sync_record rec;
    memset(&rec, 0, sizeof rec);
    db_repo *repo = NULL;
    db_err err = {0};
    rec.rc = repo_open(root, &repo, &err);
    if (rec.rc == 0)
        rec.rc = sync_run(repo, &rec.r, &err);
    if (rec.rc)
        snprintf(rec.msg, sizeof rec.msg, "%s", err.msg);
    if (repo)
        repo_close(repo);
    int status = fs_write_all(out, &rec, sizeof rec) ? 0 : 1;
    close(out);
    _exit(status);   /* no atexit handlers, no second flush of curses' buffers */
}

/* Reads the record (blocking: it comes whole, or EOF if the child died). */
static bool read_record(int fd, sync_record *rec)
{
    size_t got = 0;
    while (got < sizeof *rec) {
        ssize_t n = read(fd, (char *)rec + got, sizeof *rec - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    return true;
}

static void show_result(tui_app *app, bool have, const sync_record *rec)
{
    if (!have)
        tui_message(app, true, "sync failed: the sync process ended without a result");
    else if (rec->rc)
        tui_message(app, true, "sync failed: %s", rec->msg);
    else if (rec->r.offline)
        tui_message(app, true, "sync: offline; your commits wait locally");
    else
        tui_message(app, false, "synced: %d in, %d out%s", rec->r.incoming, rec->r.pushed,
                    rec->r.pipeline_conflicts ? " (conflicts kept: see doctor)"
                    : rec->r.conflicts       ? " (conflicts kept in the deals' logs)" : "");
}

/* Reaps the child, reloads and says how it went. */
static void finish(tui_app *app)
{
    sync_record rec;
    memset(&rec, 0, sizeof rec);
    bool have = read_record(app->job.fd, &rec);
    close(app->job.fd);
    while (waitpid(app->job.pid, NULL, 0) < 0 && errno == EINTR)
        ;
    app->job.pid = 0;
    app->job.fd = -1;
    /* Whatever happened, show the repository as it is now. */
    tui_reload(app);
    show_result(app, have, &rec);
}

/* Finishes the sync if its result has arrived (block: waits for it); true
 * when it finished (deals reloaded, result in the message). */
static bool sync_poll(tui_app *app, bool block)
{
    if (!tui_sync_running(app))
        return false;
    struct pollfd p = {app->job.fd, POLLIN, 0};
    int n;
    while ((n = poll(&p, 1, block ? -1 : 0)) < 0 && errno == EINTR)
        ;
    if (n <= 0)
        return false;
    finish(app);
    return true;
}

static void sync_tick(tui_app *app)
{
    sync_poll(app, false);      /* its commits show when it is done */
}

static void sync_wait(tui_app *app);

static const tui_worker sync_worker = {tui_sync_running, sync_tick, sync_wait};

void tui_sync_register(tui_app *app)
{
    tui_register_worker(app, &sync_worker);
}

void tui_sync_start(tui_app *app)
{
    if (tui_sync_running(app)) {
        tui_message(app, true, "a sync is already running");
        return;
    }
    int fds[2];
    if (pipe(fds) < 0) {
        tui_message(app, true, "sync failed: cannot create a pipe: %s", strerror(errno));
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        tui_message(app, true, "sync failed: cannot start: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        run_child(repo_root(app->repo), fds[1]);
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);   /* an editor must not hold it open */
    app->job.pid = pid;
    app->job.fd = fds[0];
    app->job.started_ms = now_ms();
    tui_message(app, false, "syncing…");
    if (term_is_script())
        sync_poll(app, true);   /* scripts stay deterministic: wait here */
}

/* On quit: "finishing sync…" and waits rather than killing it mid-push. */
static void sync_wait(tui_app *app)
{
    if (!tui_sync_running(app))
        return;
    /* Killing it mid-push could leave the remote and us disagreeing. */
    tui_message(app, false, "finishing sync…");
    tui_draw(app);
    sync_poll(app, true);
}
