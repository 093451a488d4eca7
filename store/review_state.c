#include "review_state.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "repo_internal.h"

#define STATE_FILE "dealboard-review"
#define STATE_MAX (1u << 20)

static char *state_path(db_repo *repo)
{
    return repo->git ? fs_join(git_repository_path(repo->git), STATE_FILE) : NULL;
}

void repo_review_state_load(db_repo *repo, db_day today, review_state *out)
{
    char *path = state_path(repo), *text = NULL;
    size_t len = 0;
    db_err err = {0};
    if (path && (fs_read_file(path, &text, &len, &err) || len > STATE_MAX)) {
        free(text);
        text = NULL;      /* missing or unreadable: start afresh */
    }
    review_state_parse(text, today, out);
    free(text);
    free(path);
}

int repo_review_state_save(db_repo *repo, const review_state *s, db_err *err)
{
    char *path = state_path(repo);
    if (!path)
        return 0;
    char *text = review_state_format(s);
    int rc = fs_write_atomic_ex(path, text, strlen(text), 0644, false, err);
    free(text);
    free(path);
    return rc;
}
