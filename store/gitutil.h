/* libgit2 glue shared by store/ modules: errors in words, identity. */
#ifndef DB_GITUTIL_H
#define DB_GITUTIL_H

#include <git2.h>

#include "../pipeline/util.h"

/* One-time libgit2 set-up (fsync of objects and refs for durability). The
 * system's CA certificates are not parsed yet: see git_tls_certs_load. */
void git_setup(void);
/* Loads the CA certificates whose parse git_setup deferred (once; a no-op
 * when nothing was deferred). Call before anything that may open a TLS
 * connection. On failure err names the file and why; the chain then trusts
 * nobody, so https fails while ssh and local remotes still work. */
int git_tls_certs_load(db_err *err);
/* The CA file git_setup deferred and no connection has loaded yet, or NULL. */
const char *git_tls_certs_deferred(void);
/* Records "<what>: <libgit2's last error>" and returns code. */
int git_fail(db_err *err, int code, const char *what);
/* Sets the process umask so that what dealboard and libgit2 create in this
 * repository (deal files, objects, refs, the index, the lock) follows its
 * core.sharedRepository as git does: group → group-writable, all → also
 * world-readable, 0xxx → those permissions. Never world-writable. libgit2
 * itself ignores the setting in existing repositories. */
void git_apply_shared_umask(git_repository *git);
/* user.name/user.email from git config, else $USER@hostname. */
int git_identity(git_repository *git, git_signature **sig, db_err *err);

#endif
