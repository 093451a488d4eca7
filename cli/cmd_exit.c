/* Exit evidence on the command line (SPEC §9): `move ID STAGE --seen
 * N[,N]|TEXT` records what showed the stage being left was done; a move
 * forward without it shows that stage's outcomes; `seen ID STAGE N|TEXT`
 * records it afterwards for a stage the deal has left. */
#include <stdlib.h>
#include <string.h>

#include "../pipeline/exit.h"
#include "../store/deal_txn.h"
#include "cli.h"

void cli_print_exits(FILE *out, const stage_def *stage)
{
    for (size_t i = 0; i < stage->nexits; i++) {
        fprintf(out, "  %zu. ", i + 1);
        cli_print_safe(out, stage->exits[i]);
        fputc('\n', out);
    }
}

void cli_print_evidence(FILE *out, const pipeline_cfg *cfg, const deal *d)
{
    for (size_t i = 0; i < d->nevidence; i++) {
        const exit_record *r = &d->evidence[i];
        const stage_def *s = config_stage(cfg, r->stage);
        char date[DATE_LEN];
        date_format(r->date, date);
        fputs("  ", out);
        cli_print_safe(out, s ? s->name : r->stage);
        fprintf(out, " done%s%s\n", *date ? ", " : "", date);
        for (size_t k = 0; k < r->nseen; k++) {
            fputs("    - ", out);
            cli_print_safe(out, r->seen[k]);
            fputc('\n', out);
        }
    }
}

/* Before a move forward without --seen: the outcomes of the stage it leaves
 * (empty when it has none, or the move is not forward), for after the move. */
static char *outcomes_to_show(cli_opts *opts, const char *id, const char *stage)
{
    db_repo *repo = NULL;
    if (cli_open_repo(opts, &repo))
        return NULL;                       /* the move itself says why */
    const pipeline_cfg *cfg = repo_config(repo);
    deal d;
    char *text = NULL;
    size_t len = 0;
    db_err ignored = {0};
    if (!repo_find_deal(repo, id, &d, &ignored)) {
        int from = config_stage_index(cfg, d.stage), to = config_stage_lookup(cfg, stage);
        if (from >= 0 && to > from && cfg->stages[from].nexits) {
            FILE *out = open_memstream(&text, &len);
            fprintf(out, "%s is done when:\n", cfg->stages[from].name);
            cli_print_exits(out, &cfg->stages[from]);
            fprintf(out, "Nothing recorded: 'dealboard seen %s %s N[,N]' records what you saw.\n",
                     d.id, cfg->stages[from].id);
            fclose(out);
        }
        deal_free(&d);
    }
    repo_close(repo);
    return text;
}

int cmd_move(cli_opts *opts, int argc, char **argv)
{
    const char *pos[2], *seen = NULL;
    cli_option options[] = {{"--seen", &seen, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "move", argc, argv, options, pos, 2, 2, NULL);
    if (rc)
        return rc;
    char *outcomes = seen ? NULL : outcomes_to_show(opts, pos[0], pos[1]);
    rc = cli_change_deal(opts, pos[0], (edit_op){.kind = EDIT_OP_MOVE, .text = pos[1], .seen = seen});
    if (!rc && outcomes)
        fputs(outcomes, stderr);         /* advice: standard output stays the change made */
    free(outcomes);
    return rc;
}

int cmd_seen(cli_opts *opts, int argc, char **argv)
{
    const char *pos[3];
    int rc = cli_parse(opts, "seen", argc, argv, NULL, pos, 3, 3, NULL);
    edit_op op = {.kind = EDIT_OP_SEEN, .text = pos[1], .seen = pos[2]};
    return rc ? rc : cli_change_deal(opts, pos[0], op);
}
