/* The command line (SPEC §3): one function per command, one table in main.c. */
#ifndef DB_CLI_H
#define DB_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "../pipeline/date.h"
#include "../pipeline/deal.h"
#include "../pipeline/edit.h"
#include "../pipeline/edit_op.h"
#include "../pipeline/owner.h"
#include "../pipeline/util.h"
#include "../store/events.h"
#include "../store/repo.h"

/* Global options, parsed before the command name. */
typedef struct {
    const char *repo_dir;      /* -C DIR */
    const char *keys;          /* --keys NAME */
    db_day today;
    db_err err;                /* the error main prints as "dealboard: <msg>" */
    int out_errno;             /* a failed write to stdout that bypassed stdio */
} cli_opts;

typedef int (*cli_fn)(cli_opts *opts, int argc, char **argv);

/* X-macro of every command: name, function, arguments, summary. */
#define DB_COMMANDS(X)                                                                          \
    X("board", cmd_board, "[--as-of DATE]", "open the board (the default command; --as-of: a past day's, read-only)")                          \
    X("init", cmd_init, "[DIR] [--name NAME] [--remote URL] [--bare --shared]", "create a pipeline repository (asks its name on a terminal)") \
    X("clone", cmd_clone, "URL [DIR] [--name NAME]", "clone a team pipeline (--name: for an empty remote)") \
    X("demo", cmd_demo, "", "open the board on a fresh copy of the example pipeline")           \
    X("add", cmd_add, "TITLE [--account A] [--value N] [--stage S] [--owner O] [--close DATE] [--next TEXT] [--due DATE]", \
      "add a deal; prints its id")                                                              \
    X("list", cmd_list, "[--stage S] [--owner O | --mine] [--flagged] [--all] [--json] [--as-of DATE]", "list deals") \
    X("show", cmd_show, "ID [--json]", "show one deal")                                         \
    X("move", cmd_move, "ID STAGE [--seen N[,N]|TEXT]", "move a deal to another stage (--seen: what showed the stage left done)") \
    X("seen", cmd_seen, "ID STAGE N[,N]|TEXT", "record what showed a stage the deal has left was done") \
    X("set", cmd_set, "ID FIELD VALUE", "set a field (a later close_date counts a push)")       \
    X("touch", cmd_touch, "ID [NOTE] [--in]",                                                  \
      "log a contact with the buyer today (--in: the buyer contacted us)")                      \
    X("note", cmd_note, "ID TEXT", "add a note to the deal's log")                              \
    X("next", cmd_next, "ID TEXT [--due DATE]", "plan the next step")                           \
    X("plan", cmd_plan, "ID [add TEXT [--buyer|--us] [--due DATE] | done STEP [--evidence TEXT] | due STEP [DATE] | rm STEP]", \
      "the shared plan: list it, add a step, tick one done, date one, remove one")                        \
    X("ref", cmd_ref, "ID ready|not-ready | ID asked FOR-DEAL-ID",                               \
      "a won deal's customer as a reference: ready or not; a buyer (of FOR-DEAL-ID) asked for it today") \
    X("refs", cmd_refs, "[ID] [--json]", "ready references, least asked first; for ID those of its cluster first") \
    X("person", cmd_person, "ID [add NAME --role ROLE [--stance S] | rm PERSON | contact PERSON [DATE]]", \
      "the buying committee: list it, add a person, remove one, date the last contact")         \
    X("won", cmd_won, "ID [--reason R]", "close the deal as won")                               \
    X("lost", cmd_lost, "ID [--reason R]", "close the deal as lost")                            \
    X("moveon", cmd_moveon, "ID --reason R [--revisit DATE]", "move on from a deal (not lost)") \
    X("reopen", cmd_reopen, "ID", "reopen a closed or moved-on deal")                           \
    X("snooze", cmd_snooze, "ID --until DATE [--reason R]", "do not flag the deal until DATE")  \
    X("flags", cmd_flags, "[--owner O | --mine] [--json] [--as-of DATE]", "flagged open deals with score, level and reasons") \
    X("review", cmd_review, "[--owner O | --mine]", "the daily review walk-through (every owner's deals unless --owner or --mine)") \
    X("log", cmd_log, "ID", "the deal's history from git")                                      \
    X("undo", cmd_undo, "", "undo the last change (as a new commit)")                           \
    X("sync", cmd_sync, "", "commit, fetch, merge, push")                                       \
    X("changes", cmd_changes, "[--since DATE|REV]", "what teammates changed, in words")         \
    X("report", cmd_report, "[--owner O | --mine] [--json] [--since DATE | --by month|quarter] [--as-of DATE]", "per-stage totals, weighted forecast, flagged, closed; --by: by close period, stated and honest") \
    X("stats", cmd_stats, "[--owner O | --mine] [--flow] [--days N | --since DATE] [--json]", "what the history says: days in stage, win rates, slips, calibration; --flow: the period's flow (a week unless --days or --since)") \
    X("clusters", cmd_clusters, "[--json] [--insights]", "deals by status-quo cluster: outcomes, win rate, where they stall, insights that worked") \
    X("import", cmd_import, "FILE.csv [--map COLUMN=FIELD] [--dry-run] [--skip-bad]", "import deals from CSV") \
    X("export", cmd_export, "[--csv|--json]", "write every deal to standard output")            \
    X("doctor", cmd_doctor, "[--repack]", "check every file; list what is broken and why")          \
    X("__complete", cmd_complete, "commands | options CMD | value-options CMD | stages | ids [PREFIX] | fields", \
      "words for shell completion (hidden from --help)")

#define X(name, fn, args, summary) int fn(cli_opts *opts, int argc, char **argv);
DB_COMMANDS(X)
#undef X

typedef struct {
    const char *name, *args, *summary;
} cli_command_info;
/* The command table, for --help, the man page test and completion. */
const cli_command_info *cli_command(const char *name);
/* Every command, in table order; ends with a NULL name. */
const cli_command_info *cli_commands(void);
/* Commands named "__…" are helpers for scripts, not listed in --help. */
bool cli_command_hidden(const char *name);

/* ---- argument parsing ---- */
typedef struct {
    const char *name;          /* "--value" */
    const char **value;        /* option with a value */
    bool *flag;                /* or a flag */
} cli_option;

/* Parses argv after the command name. Positional arguments go to pos[]
 * (between min and max of them). Returns 0, DB_EUSAGE with opts->err set,
 * or -1 when --help was printed (the command then exits 0). */
int cli_parse(cli_opts *opts, const char *cmd, int argc, char **argv, const cli_option *options,
              const char **pos, int min_pos, int max_pos, int *npos);
/* Prints "usage: dealboard CMD ARGS" and the summary. */
void cli_usage(FILE *out, const char *cmd);

/* Opens the repository named by the global options. */
int cli_open_repo(cli_opts *opts, db_repo **repo);
/* For commands that only read deals (repo_open_read). */
int cli_open_repo_read(cli_opts *opts, db_repo **repo);
/* --as-of DATE (SPEC §8), for list, flags, report and board: the option's
 * entry in a command's option table. */
#define CLI_AS_OF_OPTION(text) {"--as-of", (text), NULL}
/* Checks the --as-of text (NULL: not given, nothing to do) and makes that
 * day today, before any other date option is read relative to today. */
int cli_as_of_day(cli_opts *opts, const char *text);
/* Opens the repository for reading (cli_open_repo_read); with --as-of
 * given, as it stood at the end of that day (repo_travel). */
int cli_open_repo_as_of(cli_opts *opts, const char *as_of, db_repo **repo);
/* "as of 2025-03-31 (commit abc1234 of 2025-03-30)" and a newline on a
 * travelled repository's text output; nothing for the present. */
void cli_print_as_of(FILE *out, const db_repo *repo);

/* For commands that evaluate the rules: the stalled limits learned from the
 * history when pipeline.json asks for them ("stalled": {"learn": true}); if
 * they cannot be learned, a warning on stderr and the configured max_days. */
void cli_learn_limits(db_repo *repo);
/* One change to one deal as one commit, reported on stdout in words. */
int cli_change_deal(cli_opts *opts, const char *id, edit_op op);
/* Who/when for edits. Caller frees ctx->by via cli_edit_ctx_free. */
void cli_edit_ctx(cli_opts *opts, db_repo *repo, edit_ctx *ctx);
void cli_edit_ctx_free(edit_ctx *ctx);
/* Loads every deal, reporting broken files on stderr as "dealboard: FILE: why". */
int cli_load_all(cli_opts *opts, db_repo *repo, deal_list *deals, int *broken);
/* The same, light (deal.partial): for lists and flags (repo_load_deals_light). */
int cli_load_light(cli_opts *opts, db_repo *repo, deal_list *deals, bool want_view_json);
/* Ends the life of a listing at exit instead of freeing it now (see common.c). */
void cli_keep_until_exit(deal_list *list);
/* Parses a user date (YYYY-MM-DD, today, tomorrow, +N, +Nw) or fails with a message. */
int cli_date(cli_opts *opts, const char *what, const char *text, db_day *out);

/* --owner NAME and --mine (pipeline/owner.h): whose deals a command shows. */
typedef struct {
    const char *owner;         /* --owner NAME */
    bool mine;                 /* --mine */
    char *name, *email;        /* the identity --mine matches (owned) */
    owner_scope scope;         /* OWNER_ALL when neither was given */
} cli_owner;
/* The two options, for a command's option table (two entries). */
#define CLI_OWNER_OPTIONS(o) {"--owner", &(o)->owner, NULL}, {"--mine", NULL, &(o)->mine}
/* Refuses --owner with --mine and an empty --owner (usage errors). */
int cli_owner_check(cli_opts *opts, const char *cmd, const cli_owner *o);
/* Fills o->scope; for --mine from the user's git identity (an error in
 * words when none is set). */
int cli_owner_scope(cli_opts *opts, const char *cmd, db_repo *repo, cli_owner *o);
void cli_owner_free(cli_owner *o);

/* A pipeline name from --name or the prompt: not blank, no control characters. */
int cli_check_pipeline_name(cli_opts *opts, const char *cmd, const char *name);

/* Prints text made safe for a terminal (teammates' text is untrusted). */
void cli_print_safe(FILE *out, const char *text);
/* The deal's plan as `show` and `plan ID` list it: numbered steps (the
 * number names a step in `plan ID done N`); nothing for an empty plan. */
void cli_print_plan(FILE *out, const deal *d);
/* The deal's buying committee as `show` and `person ID` list it: numbered
 * (the number names a person in `person ID rm N`); nothing for none. */
void cli_print_people(FILE *out, const deal *d);
/* A stage's exit outcomes, numbered as `--seen N` names them. */
void cli_print_exits(FILE *out, const stage_def *stage);
/* The deal's exit evidence as `show` lists it: per record, the stage left
 * and its date, then each outcome seen; nothing when there is none. */
void cli_print_evidence(FILE *out, const pipeline_cfg *cfg, const deal *d);
/* The deal as a reference, as `show` lists it ("Reference ready, asked 2
 * times" and each ask); nothing when it is none. */
void cli_print_reference(FILE *out, const deal *d);

/* The progress line while the event index is first built: on a terminal
 * only (NULL otherwise). */
events_progress_fn cli_history_progress(void);

#endif
