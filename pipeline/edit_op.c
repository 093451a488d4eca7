#include "edit_op.h"

int edit_apply(const pipeline_cfg *cfg, const edit_ctx *ctx, const edit_op *op, deal *d,
               char **message, db_err *err)
{
    switch (op->kind) {
    case EDIT_OP_CREATE: return edit_create(cfg, ctx, op->create, d, message, err);
    case EDIT_OP_MOVE: return edit_move(cfg, ctx, d, op->text, op->seen, message, err);
    case EDIT_OP_STEP: return edit_step(cfg, ctx, d, op->direction, op->seen, message, err);
    case EDIT_OP_SEEN: return edit_seen(cfg, ctx, d, op->text, op->seen, message, err);
    case EDIT_OP_SET: return edit_set(cfg, ctx, d, op->field, op->text, message, err);
    case EDIT_OP_TOUCH: return edit_touch(ctx, d, op->text, op->inbound, message, err);
    case EDIT_OP_NOTE: return edit_note(ctx, d, op->text, message, err);
    case EDIT_OP_NEXT: return edit_next(ctx, d, op->text, op->day, message, err);
    case EDIT_OP_CLOSE: return edit_close(ctx, d, op->status, op->text, message, err);
    case EDIT_OP_MOVE_ON: return edit_move_on(ctx, d, op->text, op->day, message, err);
    case EDIT_OP_SNOOZE: return edit_snooze(ctx, d, op->day, op->text, message, err);
    case EDIT_OP_REVISIT: return edit_revisit(ctx, d, op->day, message, err);
    case EDIT_OP_REOPEN: return edit_reopen(ctx, d, message, err);
    case EDIT_OP_PLAN_ADD: return edit_plan_add(ctx, d, op->owner, op->text, op->day, message, err);
    case EDIT_OP_PLAN_DONE: return edit_plan_done(ctx, d, op->step, op->text, message, err);
    case EDIT_OP_PLAN_RM: return edit_plan_rm(ctx, d, op->step, message, err);
    case EDIT_OP_PLAN_DUE: return edit_plan_due(ctx, d, op->step, op->day, message, err);
    case EDIT_OP_REF_READY: return edit_reference_ready(ctx, d, op->direction != 0, message, err);
    case EDIT_OP_REF_ASKED: return edit_reference_asked(ctx, d, op->text, message, err);
    case EDIT_OP_REF_WANTED: return edit_reference_wanted(ctx, d, op->text, message, err);
    case EDIT_OP_PERSON_ADD:
        return edit_person_add(ctx, d, op->text, op->role, op->stance, message, err);
    case EDIT_OP_PERSON_RM: return edit_person_rm(ctx, d, op->step, message, err);
    case EDIT_OP_PERSON_CONTACT:
        return edit_person_contact(ctx, d, op->step, op->day, message, err);
    }
    return db_fail(err, DB_EUSAGE, "internal error: unknown edit %d", (int)op->kind);
}
