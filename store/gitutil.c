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
    const char *user = getenv("USER");
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    if (!user || !*user)
        user = "dealboard";
    char *email = xasprintf("%s@%s", user, host);
    int rc = git_signature_now(sig, user, email);
    free(email);
    return rc < 0 ? git_fail(err, DB_EIO, "git identity") : 0;
}
