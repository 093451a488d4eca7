/* libgit2 glue shared by store/ modules: errors in words, identity. Named
 * gitu_* so that nothing of dealboard's sits in libgit2's git_* namespace. */
#ifndef DB_GITUTIL_H
#define DB_GITUTIL_H

#include <git2.h>

#include "../pipeline/util.h"

/* One-time libgit2 set-up (fsync of objects and refs for durability).
 * libgit2's own init loads the system's CA certificates, as it always does. */
void gitu_setup(void);
/* Records "<what>: <libgit2's last error>" and returns code. */
int gitu_fail(db_err *err, int code, const char *what);
/* Sets the process umask so that what dealboard and libgit2 create in this
 * repository (deal files, objects, refs, the index, the lock) follows its
 * core.sharedRepository as git does: group → group-writable, all → also
 * world-readable, 0xxx → those permissions. Never world-writable. libgit2
 * itself ignores the setting in existing repositories. */
void gitu_apply_shared_umask(git_repository *git);
/* The author and committer of a new commit, picked as git picks them, each
 * part on its own (the committer's with GIT_COMMITTER_* and committer.*):
 *   name:   $GIT_AUTHOR_NAME, else author.name, else user.name, else $USER;
 *   e-mail: $GIT_AUTHOR_EMAIL, else author.email, else user.email, else
 *           $EMAIL, else $USER@hostname;
 *   date:   $GIT_AUTHOR_DATE (read by gitu_identity_date), else now: the
 *           same instant for both sides.
 * A variable set empty counts as given (git's rule), except $EMAIL and the
 * date; author.* and committer.* set empty count as not given. git's
 * "crud" (spaces and .,:;<>"\' at either end; < > and newlines inside) is
 * stripped from names and e-mails. Where git would refuse a guessed e-mail
 * without a domain, $USER@hostname is used, as dealboard always did.
 * Errors in words, with exit code 1: a name or e-mail that comes out empty
 * (libgit2 cannot write an empty e-mail, which git would), a date that does
 * not parse, and with user.useConfigOnly set a name or e-mail that neither
 * the environment nor the configuration gives. A git configuration that
 * cannot be read is exit code 2. git may be NULL (no configuration). On
 * failure both are NULL. */
int gitu_identity_pair(git_repository *git, git_signature **author, git_signature **committer,
                      db_err *err);
/* The author half of gitu_identity_pair. */
int gitu_identity(git_repository *git, git_signature **sig, db_err *err);
/* The author's name and e-mail as far as the environment or the
 * configuration gives them (the rules above, without the guesses from $USER
 * and the host name), for "my deals"; each NULL when not given. Caller frees. */
void gitu_identity_configured(git_repository *git, char **name, char **email);
/* A date as GIT_AUTHOR_DATE/GIT_COMMITTER_DATE give it, in git's forms:
 *   "@<seconds> +hhmm" (git's raw form; "<seconds> +hhmm" with at least nine
 *   digits too), "YYYY-MM-DDTHH:MM[:SS[.frac]]" (or a space for the T) with
 *   "Z", "+hh:mm", "+hhmm", "+hh" or " +hhmm" after it, RFC 2822 "[Thu, ]07
 *   Apr 2005 22:13[:13] +0200", and git's "[Thu ]Apr 7 22:13:13 2005 +0200".
 * Without a zone the time is local, as in git; "UTC", "GMT", "UT" are zone
 * names. These give what git gives. git's own parser also guesses at
 * anything else (it skips words it does not know, rolls 02-30 over into
 * March, takes "yesterday"); here the rest is refused: text after the date,
 * days, hours or zones out of range, other zone names, dates before 1970.
 * 0 with *when filled, or -1. */
int gitu_identity_date(const char *text, git_time *when);

/* A commit object (no ref moves) of tree_id with the user's author and
 * committer (gitu_identity_pair). */
int gitu_commit_as_user(git_repository *git, const git_oid *tree_id, const git_commit **parents,
                       size_t nparents, const char *message, git_oid *out, db_err *err);

/* The blob at relpath in commit's tree (commit may be NULL); false when
 * there is none. */
bool gitu_blob_at(git_commit *commit, const char *relpath, git_oid *out);

#endif
