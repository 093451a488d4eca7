/* Learned stalled limits, cached per HEAD (see learned_limits.h). */
#include "learned_limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/learned_limits.h"
#include "../pipeline/stats.h"
#include "events.h"
#include "fsutil.h"
#include "gitutil.h"
#include "repo_internal.h"

#define MAGIC "dealboard-limits 1"

/* ---- HEAD without libgit2 (list and flags do not start it) ---- */

static bool is_oid(const char *s, size_t n)
{
    if (n < 40)
        return false;
    for (size_t i = 0; i < 40; i++)
        if (!strchr("0123456789abcdef", s[i]) || !s[i])
            return false;
    return n == 40 || s[40] == '\n' || s[40] == ' ';
}

static bool read_small(const char *dir, const char *name, char **text, size_t *len)
{
    char *path = fs_join(dir, name);
    db_err ignored;
    bool ok = fs_read_file(path, text, len, &ignored) == 0;
    free(path);
    return ok;
}

/* ref's commit in packed-refs ("<oid> refs/heads/main" lines). */
static bool packed_ref(const char *gitdir, const char *ref, char out[41])
{
    char *text = NULL;
    size_t len = 0, n = strlen(ref);
    bool found = false;
    if (!read_small(gitdir, "packed-refs", &text, &len))
        return false;
    for (char *line = text; !found && line && line < text + len;) {
        char *eol = memchr(line, '\n', (size_t)(text + len - line));
        size_t l = eol ? (size_t)(eol - line) : (size_t)(text + len - line);
        if (l == 41 + n && line[40] == ' ' && memcmp(line + 41, ref, n) == 0 && is_oid(line, l)) {
            memcpy(out, line, 40);
            out[40] = '\0';
            found = true;
        }
        line = eol ? eol + 1 : NULL;
    }
    free(text);
    return found;
}

/* HEAD's commit read from the files git keeps it in; false when it cannot
 * be told that way (libgit2 is asked then). */
static bool plain_head(const char *gitdir, char out[41])
{
    char *head = NULL, *ref = NULL;
    size_t len = 0, rlen = 0;
    bool ok = false;
    if (!read_small(gitdir, "HEAD", &head, &len))
        return false;
    if (is_oid(head, len)) {
        memcpy(out, head, 40);
        ok = true;
    } else if (len > 5 && strncmp(head, "ref: ", 5) == 0) {
        char *name = head + 5;
        name[strcspn(name, "\r\n")] = '\0';
        if (strncmp(name, "refs/", 5) == 0 && !strstr(name, "..")) {
            if (read_small(gitdir, name, &ref, &rlen) && is_oid(ref, rlen)) {
                memcpy(out, ref, 40);
                ok = true;
            } else {
                ok = packed_ref(gitdir, name, out);
            }
        }
    }
    out[40] = '\0';
    free(head);
    free(ref);
    return ok;
}

/* ---- the cache file ---- */

/* "<head> <stage id>,<stage id>,…": what the figures were learned for. */
static char *cache_key(const pipeline_cfg *cfg, const char *head)
{
    strbuf sb = {0};
    sb_printf(&sb, "%s ", head);
    for (size_t i = 0; i < cfg->nstages; i++)
        sb_printf(&sb, "%s%s", i ? "," : "", cfg->stages[i].id);
    return sb.data;
}

/* Applies the cached figures when they are for key; false otherwise. */
static bool apply_cached(pipeline_cfg *cfg, const char *path, const char *key)
{
    char *text = NULL;
    size_t len = 0;
    db_err ignored;
    if (fs_read_file(path, &text, &len, &ignored) != 0)
        return false;
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    bool ok = line && strcmp(line, MAGIC) == 0 && (line = strtok_r(NULL, "\n", &save)) &&
              strcmp(line, key) == 0;
    while (ok && (line = strtok_r(NULL, "\n", &save)) && strcmp(line, "end") != 0) {
        char id[64];
        int p80, won;
        ok = sscanf(line, "%63s %d %d", id, &p80, &won) == 3;
        if (ok)
            learned_limits_set(cfg, id, p80, won);
    }
    ok = ok && line;                      /* a torn file has no "end" */
    free(text);
    if (!ok)
        for (size_t i = 0; i < cfg->nstages; i++)
            cfg->stages[i].learned = (learned_limit){0};
    return ok;
}

static void write_cache(const char *path, const char *key, const stats_result *r)
{
    strbuf sb = {0};
    sb_printf(&sb, MAGIC "\n%s\n", key);
    for (size_t i = 0; i < r->nstages; i++)
        sb_printf(&sb, "%s %d %d\n", r->stages[i].def->id, r->stages[i].p80_days_won,
                  r->stages[i].won);
    sb_puts(&sb, "end\n");
    db_err ignored;
    fs_write_atomic_ex(path, sb.data, sb.len, 0644, false, &ignored);   /* a cache: may fail */
    sb_free(&sb);
}

/* ---- learning ---- */

/* The won deals' figures from the history; cached under key (NULL: HEAD
 * is not known, nothing is cached). */
static int learn(db_repo *repo, const char *path, const char *key, events_progress_fn progress,
                 void *ud, db_err *err)
{
    git_repository *opened = NULL;
    if (!repo->git) {                     /* opened for reading: start libgit2 now */
        gitu_setup();
        if (git_repository_open_ext(&opened, repo->root, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
            return gitu_fail(err, DB_EIO, repo->root);
        repo->git = opened;
    }
    deal_history h;
    events_info info;
    int rc = events_load(repo, &h, progress, ud, &info, err);
    if (!rc) {
        /* Only won deals' days are used: they do not depend on today. */
        stats_result r;
        stats_compute(&repo->cfg, &h, 0, &r);
        for (size_t i = 0; i < r.nstages; i++)
            learned_limits_set(&repo->cfg, r.stages[i].def->id, r.stages[i].p80_days_won,
                               r.stages[i].won);
        if (key)
            write_cache(path, key, &r);
        stats_free(&r);
    }
    deal_history_free(&h);
    if (opened) {
        repo->git = NULL;
        git_repository_free(opened);
    }
    return rc;
}

int repo_learn_limits(db_repo *repo, events_progress_fn progress, void *ud, db_err *err)
{
    pipeline_cfg *cfg = &repo->cfg;
    if (!cfg->rules[RULE_STALLED].enabled || !cfg->rules[RULE_STALLED].learn || !repo->gitdir)
        return 0;
    if (repo_as_of(repo))        /* learnt up to HEAD: later days would leak in */
        return db_fail(err, DB_EUSAGE, "they are learnt up to now, not as of a past day");
    char head[41];
    git_oid oid;
    if (!plain_head(repo->gitdir, head)) {
        head[0] = '\0';
        if (repo->git && git_reference_name_to_id(&oid, repo->git, "HEAD") == 0)
            git_oid_tostr(head, sizeof head, &oid);
        git_error_clear();
    }
    char *path = xasprintf("%sdealboard-limits", repo->gitdir);
    char *key = head[0] ? cache_key(cfg, head) : NULL;
    int rc = key && apply_cached(cfg, path, key) ? 0 : learn(repo, path, key, progress, ud, err);
    free(key);
    free(path);
    return rc;
}
