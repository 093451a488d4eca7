/* One change to a deal as data: which edit of pipeline/edit.h, with its
 * arguments. The command line and the board describe what the user asked for
 * with one of these and hand it to the store's one edit transaction
 * (store/deal_txn.h), which applies it to the deal read under the lock. */
#ifndef DB_EDIT_OP_H
#define DB_EDIT_OP_H

#include "edit.h"

typedef enum {
    EDIT_OP_CREATE,     /* create: a new deal (no deal is read) */
    EDIT_OP_MOVE,       /* text: the stage (id or name); seen: what showed the stage left done */
    EDIT_OP_STEP,       /* direction: +1 one stage forward, -1 back; seen: as for MOVE */
    EDIT_OP_SEEN,       /* text: a stage the deal has left; seen: what showed it done */
    EDIT_OP_SET,        /* field, text: its new value */
    EDIT_OP_TOUCH,      /* text: what happened (NULL: nothing said); inbound: the buyer reached us */
    EDIT_OP_NOTE,       /* text */
    EDIT_OP_NEXT,       /* text: the next step; day: due (DAY_NONE: none) */
    EDIT_OP_CLOSE,      /* status: won or lost; text: why (NULL: not said) */
    EDIT_OP_MOVE_ON,    /* text: why; day: revisit on (DAY_NONE: never) */
    EDIT_OP_SNOOZE,     /* day: until; text: why (NULL: not said) */
    EDIT_OP_REVISIT,    /* day: the next revisit date */
    EDIT_OP_REOPEN,
    EDIT_OP_PLAN_ADD,   /* owner; text: the step; day: due (DAY_NONE: none) */
    EDIT_OP_PLAN_DONE,  /* step; text: the evidence (NULL: none said) */
    EDIT_OP_PLAN_RM,    /* step */
    EDIT_OP_PLAN_DUE,   /* step; day: its due date (DAY_NONE: none) */
    EDIT_OP_REF_READY,  /* direction: 1 ready to be a reference, 0 not (won deals only) */
    EDIT_OP_REF_ASKED,  /* text: the id of the deal whose buyer asked (won deals only) */
    EDIT_OP_REF_WANTED, /* text: the reference offered; the buyer asked for references */
    EDIT_OP_PERSON_ADD, /* text: the name; role; stance (NULL: none said) */
    EDIT_OP_PERSON_RM,  /* step: the person as the user names them */
    EDIT_OP_PERSON_CONTACT, /* step: the person; day: last contact (DAY_NONE: today) */
} edit_op_kind;

/* Written with designated initializers, e.g.
 * (edit_op){.kind = EDIT_OP_NEXT, .text = "Call Ana", .day = due}. */
typedef struct {
    edit_op_kind kind;
    const char *text;
    db_day day;
    const char *field;
    int direction;
    bool inbound;
    deal_status status;
    const new_deal *create;
    plan_owner owner;
    const char *step;       /* a plan step as the user names it (plan_find_step) */
    const char *seen;       /* moves: exit outcomes seen ("1,3" or words; NULL: none said) */
    const char *role, *stance;  /* a person added to the buying committee */
} edit_op;

/* Applies op to d with the edit function it names (for EDIT_OP_CREATE, d is
 * made); same contract as those: 0 and *message (the commit message, caller
 * frees), or an error code with err set and d to be discarded. */
int edit_apply(const pipeline_cfg *cfg, const edit_ctx *ctx, const edit_op *op, deal *d,
               char **message, db_err *err);

#endif
