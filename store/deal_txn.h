/* The one edit transaction: every change the command line or the board makes
 * to one deal goes through here, in one order:
 *   1. the repository lock (repo_lock), then recovery of what a killed
 *      dealboard left (repo_recover), before anything is read;
 *   2. HEAD as it is now, for the caller to tell its own commit from others';
 *   3. the deal read fresh (another process may have changed it), unless the
 *      change creates one;
 *   4. the edit applied and checked (pipeline/edit_op.h: the same pure
 *      functions for both), which also says in words what it did;
 *   5. one commit with that message by the protocol of store/commit.c
 *      (git's index lock first, then the intent marker, ...);
 *   6. the lock let go.
 * The lock spans the whole read-modify-write, so no other process's change
 * can slip in between the read and the commit. */
#ifndef DB_DEAL_TXN_H
#define DB_DEAL_TXN_H

#include "../pipeline/edit_op.h"
#include "repo.h"

typedef struct {
    const char *id;        /* the deal (unused when op creates one) */
    bool id_is_prefix;     /* id may be a unique prefix of it, as typed in a command */
    const char *by;        /* the user's name for the log; NULL: repo_user_name */
    db_day today;
    edit_op op;
} deal_change;

typedef struct {
    deal d;                /* the deal as committed, whole; the caller may take it */
    char *message;         /* what happened, in words: the commit's message */
    char head_before[41];  /* HEAD under the lock before the commit ("" unborn) */
} deal_txn;

/* Runs the transaction above. 0: committed (or nothing changed), out filled;
 * else an error code, err saying what went wrong in words, nothing committed
 * and out's deal and message empty. Either way deal_txn_free(out) afterwards. */
int deal_txn_commit(db_repo *repo, const deal_change *change, deal_txn *out, db_err *err);
void deal_txn_free(deal_txn *t);

#endif
