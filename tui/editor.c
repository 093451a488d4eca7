#include "editor.h"

#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../store/codec.h"
#include "../store/fsutil.h"
#include "term.h"

extern char **environ;

/* /bin/sh -c '$EDITOR "$1"' sh PATH: EDITOR may carry arguments ("code -w"),
 * and the path is passed as an argument, never pasted into shell text. */
static int run_editor(const char *path, db_err *err)
{
    const char *editor = getenv("EDITOR");
    char *script = xasprintf("%s \"$1\"", editor && *editor ? editor : "vi");
    char *argv[] = {"sh", "-c", script, "sh", (char *)path, NULL};
    pid_t pid;
    term_suspend();
    int rc = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
    int status = 0;
    if (rc == 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    term_resume();
    free(script);
    if (rc)
        return db_fail(err, DB_EIO, "editor: cannot start /bin/sh: %s", strerror(rc));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return db_fail(err, DB_EIO, "editor: exited with an error; nothing changed");
    return 0;
}

/* The edited text must be a valid deal with the same id. */
static int check_edit(const char *text, size_t len, const char *relpath, const char *id,
                      deal *out, db_err *err)
{
    int rc = codec_parse_deal(text, len, relpath, out, err);
    if (!rc && strcmp(out->id, id) != 0)
        rc = db_fail(err, DB_EUSAGE, "%s: the id changed to '%s' (it must stay %s)", relpath,
                     out->id, id);
    return rc;
}

static int edit_and_commit(tui_app *app, const char *id, const char *relpath, char **message,
                           db_err *err)
{
    char *path = fs_join(repo_root(app->repo), relpath), *before = NULL, *after = NULL;
    size_t before_len = 0, after_len = 0;
    deal d;
    deal_init(&d);
    int rc = fs_read_file(path, &before, &before_len, err);
    if (!rc)
        rc = run_editor(path, err);
    if (!rc)
        rc = fs_read_file(path, &after, &after_len, err);
    if (!rc && after_len == before_len && memcmp(before, after, before_len) == 0)
        *message = xstrdup("no changes");
    else if (!rc && (rc = check_edit(after, after_len, relpath, id, &d, err)) != 0) {
        db_err ignored = {0};   /* put the file back as it was: nothing half-done */
        fs_write_atomic(path, before, before_len, 0644, &ignored);
    } else if (!rc) {
        *message = xasprintf("Edit %s in the editor", id);
        rc = repo_save_deal(app->repo, &d, *message, err);
    }
    deal_free(&d);
    free(before);
    free(after);
    free(path);
    return rc;
}

void tui_edit_file(tui_app *app, const char *id)
{
    db_err err = {0};
    char *relpath = repo_deal_relpath(id), *message = NULL;
    /* No repository lock while the editor runs: other processes (the CLI, a
     * teammate's sync) must not hang for minutes; repo_save_deal locks. */
    int rc = edit_and_commit(app, id, relpath, &message, &err);
    tui_reload(app);
    board_select_id(app->board, id);
    if (rc)
        tui_message(app, true, "not saved: %s", err.msg);
    else
        tui_message(app, false, "%s", message);
    free(message);
    free(relpath);
}
