/* A pipeline repository: pipeline.json + deals/<xx>/<id>.json in a git work
 * tree. Every change is written atomically and committed (libgit2). */
#ifndef DB_REPO_H
#define DB_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "../pipeline/config.h"
#include "../pipeline/deal.h"
#include "../pipeline/util.h"

typedef struct db_repo db_repo;

/* Finds the repository: dir (the -C option) if given, else $DEALBOARD_REPO,
 * else the current directory; then upwards to the first work tree that has
 * a pipeline.json. */
int repo_open(const char *dir, db_repo **out, db_err *err);
/* A directory laid out like a pipeline (pipeline.json, deals/) that need not
 * be a git repository, for reading only: the example pipeline. */
int repo_open_files(const char *dir, db_repo **out, db_err *err);
/* Like repo_open for commands that only read deals (no libgit2 start-up,
 * which parses the system's CA certificates): repo_git() is NULL, so no
 * locking, commits or history. Falls back to repo_open where .git is not a
 * plain directory. */
int repo_open_read(const char *dir, db_repo **out, db_err *err);
/* Creates dir (if needed), a git repository in it, and the first commit: a
 * default pipeline.json, or `files` (which must include pipeline.json) when
 * n > 0. remote: added as "origin" when not NULL. */
typedef struct repo_change repo_change;
int repo_init(const char *dir, const char *remote, const repo_change *files, size_t n,
              db_err *err);
/* The same with the pipeline's name (pipeline.json "name") for the default
 * pipeline.json; NULL or "": repo_default_name(dir). */
int repo_init_named(const char *dir, const char *remote, const char *name,
                    const repo_change *files, size_t n, db_err *err);
/* A new pipeline's name when none is given: its directory's name. Caller frees. */
char *repo_default_name(const char *dir);
void repo_close(db_repo *repo);

const char *repo_root(const db_repo *repo);
const pipeline_cfg *repo_config(const db_repo *repo);
/* Non-fatal remarks about pipeline.json (unknown rules …), or "". */
const char *repo_warnings(const db_repo *repo);
/* The libgit2 repository (git_repository *) for store/ modules only. */
void *repo_git(db_repo *repo);

/* "deals/<xx>/<id>.json" for a valid id, else NULL. Caller frees. */
char *repo_deal_relpath(const char *id);

typedef void (*repo_problem_fn)(void *ud, const char *relpath, const char *why);
/* Loads every deal; broken files are reported through `problem` and skipped. */
int repo_load_deals(db_repo *repo, deal_list *out, repo_problem_fn problem, void *ud,
                    db_err *err);
/* The same deals made light (deal.partial: see deal.h), which is all that
 * list, flags and the board need; with want_view_json, view_json is set
 * where the load cache has the deal's listing text, and a deal the cache
 * does not have comes whole (not partial), so a listing needs no second read. */
int repo_load_deals_light(db_repo *repo, deal_list *out, bool want_view_json,
                          repo_problem_fn problem, void *ud, db_err *err);
/* Calls fn for every deal id starting with prefix, from file names alone
 * (no file is read: fast enough for shell completion). */
typedef void (*repo_id_fn)(void *ud, const char *id);
void repo_list_ids(db_repo *repo, const char *prefix, repo_id_fn fn, void *ud);
/* Resolves a unique id prefix (like git's short hashes). */
int repo_resolve_id(db_repo *repo, const char *prefix, char **id, db_err *err);
int repo_load_deal(db_repo *repo, const char *id, deal *out, db_err *err);
/* resolve + load */
int repo_find_deal(db_repo *repo, const char *prefix, deal *out, db_err *err);

/* Inter-process lock around read-modify-write-commit; re-entrant. Held until
 * repo_unlock; the kernel releases it if the process dies. It only locks: a
 * writer calls repo_recover next, before it reads what it will change. */
int repo_lock(db_repo *repo, db_err *err);
void repo_unlock(db_repo *repo);
/* Finishes what a killed dealboard left of a change (store/recover.c): its
 * temp files and its own index lock are removed, and a path whose commit
 * landed but whose file was not put in place yet is brought to HEAD. Never
 * commits, never touches a file someone edited since. Only under the lock,
 * where it does its work once: a second call in the same hold (a writer
 * calling another) returns at once. */
int repo_recover(db_repo *repo, db_err *err);
/* The repository is in a state dealboard can change: no merge or rebase
 * under way, an index form libgit2 writes (not split, not sparse). err says
 * what is wrong and the git command that fixes it. */
int repo_check_git(db_repo *repo, db_err *err);
/* Packs the loose objects (store/maintenance.c); *packed: how many. Call
 * under the lock. */
int repo_pack_loose(db_repo *repo, size_t *packed, db_err *err);
/* .git/dealboard-pending: the paths of a change being written (caller frees). */
char *repo_pending_marker(db_repo *repo);

struct repo_change {
    const char *relpath;   /* inside the work tree */
    const char *content;   /* NULL: delete the file */
    size_t len;
};

/* Writes the files and makes one commit with `message`; takes the lock.
 * Holds git's index lock throughout (another git command's lock is waited
 * for briefly, then refused). On an error nothing is committed and the work
 * tree and index are as they were; on success HEAD, the work tree and the
 * index agree. Nothing to commit (content unchanged) is not an error. */
int repo_commit_changes(db_repo *repo, const repo_change *changes, size_t n,
                        const char *message, db_err *err);
/* Canonical text of the deal, written and committed. */
int repo_save_deal(db_repo *repo, const deal *d, const char *message, db_err *err);

/* The user's name as it goes into log entries and commits. Caller frees. */
char *repo_user_name(db_repo *repo);

/* The parts of the user's git identity that are set (environment or git
 * configuration; never a guess), for "my deals" (pipeline/owner.h); each
 * NULL when not set. Caller frees both. */
void repo_user_identity(db_repo *repo, char **name, char **email);

/* ---- time travel (store/as_of.c, SPEC §8) ---- */
typedef struct {
    db_day day;                /* the day asked for */
    char commit[41];           /* the commit the deals are read from */
    int64_t commit_time;       /* its committer time (Unix) */
} repo_as_of_info;
/* Moves repo (opened with repo_open: it needs git) to the end of `day`, UTC
 * (23:59:59): the last commit of HEAD's first-parent line whose committer
 * date is on or before it. From then on its configuration and deals are
 * that commit's, read from git objects (never the work tree or the load
 * cache, which are of today); repo_head and repo_history start from it;
 * repo_lock, and with it every commit, undo and sync, refuses
 * ("read-only: as of DATE"). Errors in words, saying what to do: no
 * commits, a day before the first commit, a shallow clone cut after it;
 * on an error repo is as it was. */
int repo_travel(db_repo *repo, db_day day, db_err *err);
/* Where repo was moved to; NULL: the present. */
const repo_as_of_info *repo_as_of(const db_repo *repo);

typedef struct {
    char id[41];
    const char *author, *email, *summary, *message;
    int64_t time;
} repo_commit_info;
typedef void (*repo_commit_fn)(void *ud, const repo_commit_info *info);
/* Commits that changed relpath, newest first (in a travelled repository:
 * from its past commit down). */
int repo_history(db_repo *repo, const char *relpath, repo_commit_fn fn, void *ud, db_err *err);
/* Reverts the last commit's file changes as a new commit ("Undo: …").
 * *summary: the undone commit's subject; *deal_id (may be NULL): the deal it
 * changed (the first, if several), NULL when none. Caller frees both. */
int repo_undo(db_repo *repo, char **summary, char **deal_id, db_err *err);
/* HEAD's commit id ("" when unborn), to notice changes made by others; a
 * travelled repository's past commit (it never changes). */
int repo_head(db_repo *repo, char out[41]);

#endif
