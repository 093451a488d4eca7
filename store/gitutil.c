#include "gitutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void git_setup(void)
{
    static int done;
    if (done++)
        return;
    git_libgit2_init();
    /* Without fsync a power cut can leave refs pointing at missing objects. */
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
}

int git_fail(db_err *err, int code, const char *what)
{
    const git_error *e = git_error_last();
    return db_fail(err, code, "%s: %s", what, e && e->message ? e->message : "unknown git error");
}

int git_identity(git_repository *git, git_signature **sig, db_err *err)
{
    if (git_signature_default(sig, git) == 0)
        return 0;
    /* Partly configured (user.name without user.email, say): keep what is
     * set, and take the rest from $USER@hostname. */
    git_config *cfg = NULL;
    git_buf name = {0}, mail = {0};
    if (git_repository_config_snapshot(&cfg, git) == 0) {
        git_config_get_string_buf(&name, cfg, "user.name");
        git_config_get_string_buf(&mail, cfg, "user.email");
    }
    git_error_clear();
    const char *user = getenv("USER");
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    if (!user || !*user)
        user = "dealboard";
    char *email = mail.size ? xstrdup(mail.ptr) : xasprintf("%s@%s", user, host);
    int rc = git_signature_now(sig, name.size ? name.ptr : user, email);
    free(email);
    git_buf_dispose(&name);
    git_buf_dispose(&mail);
    git_config_free(cfg);
    return rc < 0 ? git_fail(err, DB_EIO, "git identity") : 0;
}
