/* Changes to a deal, as pure functions: validate, apply, log, and say in words
 * what happened (the commit message). Shared by the CLI, the board and review. */
#ifndef DB_EDIT_H
#define DB_EDIT_H

#include "config.h"
#include "deal.h"
#include "util.h"

/* Who and when, for log entries and dates. */
typedef struct {
    const char *by;       /* the user's name */
    db_day today;
    int64_t now;          /* Unix time for log timestamps */
} edit_ctx;

typedef struct {
    const char *title, *account, *owner, *stage;   /* stage NULL: the first */
    int64_t value;
    db_day close_date, next_due;
    const char *next_text;
} new_deal;

/* Each returns 0 or an error code with err set; *message (caller frees) is
 * the commit message, e.g. "Move acme-rollout-7f3a9c: Define → Explore". */
int edit_create(const pipeline_cfg *cfg, const edit_ctx *ctx, const new_deal *in, deal *out,
                char **message, db_err *err);
/* seen (NULL: nothing said): what showed the stage being left was done,
 * recorded in the deal's exit evidence (pipeline/exit.h: "1,3", the
 * stage's outcomes by number, or the seller's words); a move forward only. */
int edit_move(const pipeline_cfg *cfg, const edit_ctx *ctx, deal *d, const char *stage,
              const char *seen, char **message, db_err *err);
/* Records afterwards what showed a stage the deal has left was done (seen
 * as for edit_move). */
int edit_seen(const pipeline_cfg *cfg, const edit_ctx *ctx, deal *d, const char *stage,
              const char *seen, char **message, db_err *err);
/* Moves one stage forward (+1) or back (-1); seen as for edit_move. */
int edit_step(const pipeline_cfg *cfg, const edit_ctx *ctx, deal *d, int direction,
              const char *seen, char **message, db_err *err);
int edit_set(const pipeline_cfg *cfg, const edit_ctx *ctx, deal *d, const char *field,
             const char *value, char **message, db_err *err);
/* inbound: the buyer reached us (the log entry's "dir": "in"); else we did ("out"). */
int edit_touch(const edit_ctx *ctx, deal *d, const char *note, bool inbound, char **message,
               db_err *err);
int edit_note(const edit_ctx *ctx, deal *d, const char *text, char **message, db_err *err);
int edit_next(const edit_ctx *ctx, deal *d, const char *text, db_day due, char **message,
              db_err *err);
int edit_close(const edit_ctx *ctx, deal *d, deal_status status, const char *reason,
               char **message, db_err *err);
int edit_move_on(const edit_ctx *ctx, deal *d, const char *reason, db_day revisit,
                 char **message, db_err *err);
int edit_snooze(const edit_ctx *ctx, deal *d, db_day until, const char *reason,
                char **message, db_err *err);
/* A moved-on deal's next revisit date, after today (a deal touched on its
 * revisit day and left as it was would come back every day). */
int edit_revisit(const edit_ctx *ctx, deal *d, db_day revisit, char **message, db_err *err);
/* What the board offers as the next revisit date: today + this many days. */
#define EDIT_REVISIT_AGAIN_DAYS 30
/* Back to open (a revisited or wrongly closed deal). */
int edit_reopen(const edit_ctx *ctx, deal *d, char **message, db_err *err);

/* The shared plan (pipeline/plan.h): a step added in the plan's order, a
 * step ticked done today (with what showed it), a step removed, a step's due
 * date set. STEP is
 * as the user names it: its number as listed, its id or a unique prefix. */
int edit_plan_add(const edit_ctx *ctx, deal *d, plan_owner owner, const char *text, db_day due,
                  char **message, db_err *err);
int edit_plan_done(const edit_ctx *ctx, deal *d, const char *step, const char *evidence,
                   char **message, db_err *err);
int edit_plan_rm(const edit_ctx *ctx, deal *d, const char *step, char **message, db_err *err);
/* A step's due date set, changed or (DAY_NONE) cleared; the step moves to its
 * place in the plan's order. Setting the date it has already is refused. */
int edit_plan_due(const edit_ctx *ctx, deal *d, const char *step, db_day due, char **message,
                  db_err *err);
/* A won deal as a reference (pipeline/reference.h): ready or not; an ask
 * (today, for the deal `for_deal`) recorded. Refused in words on a deal
 * that is not won. */
int edit_reference_ready(const edit_ctx *ctx, deal *d, bool ready, char **message, db_err *err);
int edit_reference_asked(const edit_ctx *ctx, deal *d, const char *for_deal, char **message,
                         db_err *err);
/* On the deal whose buyer asked: a "references" log entry naming the
 * reference (what marks a buyer not comfortable being first). */
int edit_reference_wanted(const edit_ctx *ctx, deal *d, const char *reference, char **message,
                          db_err *err);

/* The buying committee (pipeline/people.h): a person added in the
 * committee's order (role one of PEOPLE_ROLES, else an error listing them),
 * one removed, one's last contact set (DAY_NONE: today; not after today).
 * WHO is as the user names them: their number as listed, id or id prefix. */
int edit_person_add(const edit_ctx *ctx, deal *d, const char *name, const char *role,
                    const char *stance, char **message, db_err *err);
int edit_person_rm(const edit_ctx *ctx, deal *d, const char *who, char **message, db_err *err);
int edit_person_contact(const edit_ctx *ctx, deal *d, const char *who, db_day day,
                        char **message, db_err *err);

/* Field names `edit_set` accepts, NULL-terminated. */
extern const char *const edit_settable_fields[];
/* A date typed by a user: YYYY-MM-DD, or today / tomorrow / +N (days) / +Nw. */
bool edit_parse_date(const char *text, db_day today, db_day *out);
/* A money value: digits with optional , _ or space thousands separators (each
 * followed by three digits), optional k/m suffix. */
bool edit_parse_value(const char *text, int64_t *out);
/* Whether a money value changing from `before` to `after` moves by an order
 * of magnitude or more (x10 or /10): more often a typo ("50k" appended to
 * 85000) than news, so the board asks first. False when there was no value (0). */
bool edit_value_jump(int64_t before, int64_t after);

#endif
