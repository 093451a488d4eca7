/* The files that differ between two trees (see treediff.h). */
#include "treediff.h"

#include <stdlib.h>
#include <string.h>

#include "gitutil.h"

static void side_of(const git_tree_entry *e, treediff_side *out)
{
    memset(out, 0, sizeof *out);
    if (!e)
        return;
    out->exists = true;
    git_oid_cpy(&out->id, git_tree_entry_id(e));
    out->mode = (uint32_t)git_tree_entry_filemode(e);
}

static void add(treediff_list *l, const strbuf *prefix, const git_tree_entry *a,
                const git_tree_entry *b)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    treediff_entry *e = &l->items[l->n++];
    const char *name = git_tree_entry_name(a ? a : b);
    e->path = xasprintf("%s%s", prefix->len ? prefix->data : "", name);
    side_of(a, &e->old);
    side_of(b, &e->new);
}

static bool is_tree(const git_tree_entry *e)
{
    return e && git_tree_entry_type(e) == GIT_OBJECT_TREE;
}

static int walk(git_repository *git, git_tree *a, git_tree *b, strbuf *prefix,
                treediff_list *out, db_err *err);

/* Two entries of the same name (either may be NULL). */
static int pair(git_repository *git, const git_tree_entry *ea, const git_tree_entry *eb,
                strbuf *prefix, treediff_list *out, db_err *err)
{
    if (ea && eb && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
        git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb))
        return 0;
    bool ta = is_tree(ea), tb = is_tree(eb);
    if (!ta && !tb) {
        add(out, prefix, ea, eb);
        return 0;
    }
    if (!ta && ea)
        add(out, prefix, ea, NULL);              /* a file became a directory */
    if (!tb && eb)
        add(out, prefix, NULL, eb);
    git_tree *sa = NULL, *sb = NULL;
    int rc = (ta && git_tree_lookup(&sa, git, git_tree_entry_id(ea)) < 0) ||
                     (tb && git_tree_lookup(&sb, git, git_tree_entry_id(eb)) < 0)
                 ? gitu_fail(err, DB_EIO, "reading a tree") : 0;
    size_t len = prefix->len;
    if (!rc) {
        sb_puts(prefix, git_tree_entry_name(ta ? ea : eb));
        sb_puts(prefix, "/");
        rc = walk(git, sa, sb, prefix, out, err);
        prefix->len = len;
        if (prefix->data)
            prefix->data[len] = '\0';
    }
    git_tree_free(sa);
    git_tree_free(sb);
    return rc;
}

/* Entry i of t when it has that name: two versions of a tree mostly have
 * the same names at the same places, and a look-up by name (a binary
 * search) for each entry on both sides was a seventh of reading a history. */
static const git_tree_entry *same_name_at(const git_tree *t, size_t n, size_t i,
                                          const char *name)
{
    if (!t || i >= n)
        return NULL;
    const git_tree_entry *e = git_tree_entry_byindex(t, i);
    return strcmp(git_tree_entry_name(e), name) == 0 ? e : NULL;
}

static int walk(git_repository *git, git_tree *a, git_tree *b, strbuf *prefix,
                treediff_list *out, db_err *err)
{
    int rc = 0;
    size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;
    size_t in_step = 0;          /* entries of b paired with a's at the same index */
    for (size_t i = 0; i < na && !rc; i++) {
        const git_tree_entry *ea = git_tree_entry_byindex(a, i);
        const char *name = git_tree_entry_name(ea);
        const git_tree_entry *eb = same_name_at(b, nb, i, name);
        if (eb)
            in_step++;
        else if (b)
            eb = git_tree_entry_byname(b, name);
        rc = pair(git, ea, eb, prefix, out, err);
    }
    if (in_step == nb)           /* each of b's entries was paired: none is new */
        return rc;
    for (size_t i = 0; i < nb && !rc; i++) {
        const git_tree_entry *eb = git_tree_entry_byindex(b, i);
        const char *name = git_tree_entry_name(eb);
        if (!same_name_at(a, na, i, name) && (!a || !git_tree_entry_byname(a, name)))
            rc = pair(git, NULL, eb, prefix, out, err);
    }
    return rc;
}

int treediff(git_repository *git, git_tree *a, git_tree *b, treediff_list *out, db_err *err)
{
    strbuf prefix = {0};
    int rc = walk(git, a, b, &prefix, out, err);
    sb_free(&prefix);
    return rc;
}

void treediff_paths(const treediff_list *list, git_strarray *out)
{
    out->count = list->n;
    out->strings = list->n ? xcalloc(list->n, sizeof *out->strings) : NULL;
    for (size_t i = 0; i < list->n; i++)
        out->strings[i] = list->items[i].path;
}

void treediff_free(treediff_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->items[i].path);
    free(list->items);
    memset(list, 0, sizeof *list);
}
