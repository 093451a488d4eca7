/* Object copy between two local repositories (see packcopy.h).
 *
 *   new_commits   the commits of tip not reachable from `complete` (a revwalk)
 *   add_tree      a commit's tree against one parent's: only differing entries
 *   write_pack    the objects as a version 2 pack, streamed to libgit2's indexer */
#include "packcopy.h"

#include <git2/sys/odb_backend.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gitutil.h"

typedef struct {
    git_oid *ids;
    size_t n, cap;
} oid_list;

static void oid_push(oid_list *l, const git_oid *id)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->ids = xrealloc(l->ids, l->cap * sizeof *l->ids);
    }
    git_oid_cpy(&l->ids[l->n++], id);
}

static int oid_order(const void *a, const void *b)
{
    return git_oid_cmp(a, b);
}

static void oid_sort_unique(oid_list *l)
{
    if (l->n == 0)
        return;
    qsort(l->ids, l->n, sizeof *l->ids, oid_order);
    size_t out = 1;
    for (size_t i = 1; i < l->n; i++)
        if (!git_oid_equal(&l->ids[i], &l->ids[out - 1]))
            git_oid_cpy(&l->ids[out++], &l->ids[i]);
    l->n = out;
}

static bool oid_sorted_has(const oid_list *l, const git_oid *id)
{
    return l->n && bsearch(id, l->ids, l->n, sizeof *l->ids, oid_order) != NULL;
}

typedef struct {
    git_repository *src;
    git_odb *dst;
    oid_list wanted;           /* objects dst lacks (may repeat until sorted) */
    oid_list commits;          /* the new commits, sorted */
} copy_ctx;

static void want(copy_ctx *c, const git_oid *id)
{
    if (!git_odb_exists(c->dst, id))
        oid_push(&c->wanted, id);
}

/* ---- what to copy ------------------------------------------------------ */

static int new_commits(copy_ctx *c, const git_oid *tip, const git_oid *complete,
                       size_t ncomplete, db_err *err)
{
    git_revwalk *walk = NULL;
    git_oid id;
    int rc = git_revwalk_new(&walk, c->src) < 0 || git_revwalk_push(walk, tip) < 0
                 ? git_fail(err, DB_EIO, "listing the commits to copy") : 0;
    for (size_t i = 0; i < ncomplete && !rc; i++)
        if (git_revwalk_hide(walk, &complete[i]) < 0)
            git_error_clear();              /* not known here: nothing to hide */
    int next = 0;
    while (!rc && (next = git_revwalk_next(&id, walk)) == 0)
        oid_push(&c->commits, &id);
    if (!rc && next != GIT_ITEROVER)
        rc = git_fail(err, DB_EIO, "listing the commits to copy");
    git_revwalk_free(walk);
    oid_sort_unique(&c->commits);
    return rc;
}

/* Adds tree_id and, below it, what differs from base_id (NULL: everything).
 * Entries equal to the base's are reachable from the base commit: either
 * complete in dst or copied along with that commit. */
static int add_tree(copy_ctx *c, const git_oid *base_id, const git_oid *tree_id)
{
    if (base_id && git_oid_equal(base_id, tree_id))
        return 0;
    git_tree *tree = NULL, *base = NULL;
    if (git_tree_lookup(&tree, c->src, tree_id) < 0 ||
        (base_id && git_tree_lookup(&base, c->src, base_id) < 0)) {
        git_tree_free(tree);
        return -1;
    }
    want(c, tree_id);
    int rc = 0;
    for (size_t i = 0; i < git_tree_entrycount(tree) && !rc; i++) {
        const git_tree_entry *e = git_tree_entry_byindex(tree, i);
        const git_tree_entry *b = base ? git_tree_entry_byname(base, git_tree_entry_name(e)) : NULL;
        if (b && git_oid_equal(git_tree_entry_id(b), git_tree_entry_id(e)) &&
            git_tree_entry_filemode(b) == git_tree_entry_filemode(e))
            continue;
        if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
            rc = add_tree(c, b && git_tree_entry_type(b) == GIT_OBJECT_TREE
                                 ? git_tree_entry_id(b) : NULL, git_tree_entry_id(e));
        else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB)
            want(c, git_tree_entry_id(e));
    }
    git_tree_free(base);
    git_tree_free(tree);
    return rc;
}

/* A parent outside the new commits (complete in dst) is the cheapest base:
 * its side needs nothing copied. */
static const git_commit *base_parent(copy_ctx *c, git_commit *commit, git_commit **owned)
{
    unsigned n = git_commit_parentcount(commit);
    for (unsigned i = 0; i < n; i++)
        if (!oid_sorted_has(&c->commits, git_commit_parent_id(commit, i)))
            return git_commit_parent(owned, commit, i) < 0 ? NULL : *owned;
    return n && git_commit_parent(owned, commit, 0) == 0 ? *owned : NULL;
}

static int add_commit(copy_ctx *c, const git_oid *id)
{
    git_commit *commit = NULL, *parent = NULL;
    if (git_commit_lookup(&commit, c->src, id) < 0)
        return -1;
    want(c, id);
    const git_commit *base = base_parent(c, commit, &parent);
    int rc = add_tree(c, base ? git_commit_tree_id(base) : NULL, git_commit_tree_id(commit));
    git_commit_free(parent);
    git_commit_free(commit);
    return rc;
}

/* ---- the pack ---------------------------------------------------------- */

/* The pack goes to libgit2's indexer in chunks of about this size, so that
 * memory stays bounded when a whole pipeline is copied (a first push). */
#define PACK_CHUNK (1u << 20)

typedef struct {
    git_odb_writepack *writer;
    git_indexer_progress stats;
    EVP_MD_CTX *sha1;          /* the trailer: SHA-1 of everything before it */
    strbuf buf;                /* not yet handed to the writer */
} pack_out;

static int pack_flush(pack_out *p)
{
    if (p->buf.len == 0)
        return 0;
    if (!EVP_DigestUpdate(p->sha1, p->buf.data, p->buf.len)) {
        git_error_set_str(GIT_ERROR_SHA, "hashing the pack failed");
        return -1;
    }
    int rc = p->writer->append(p->writer, p->buf.data, p->buf.len, &p->stats);
    p->buf.len = 0;
    return rc < 0 ? -1 : 0;
}

static void put_be32(strbuf *sb, uint32_t v)
{
    char b[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
    sb_add(sb, b, 4);
}

/* Type and size: 3 bits of type, then the size 4 + 7*k bits at a time. */
static void put_entry_header(strbuf *sb, git_object_t type, size_t size)
{
    unsigned char b[16];
    size_t n = 0;
    b[n] = (unsigned char)(((unsigned)type << 4) | (size & 0x0f));
    size >>= 4;
    while (size) {
        b[n++] |= 0x80;
        b[n] = size & 0x7f;
        size >>= 7;
    }
    sb_add(sb, (const char *)b, n + 1);
}

/* Whole, zlib-compressed: no deltas (for a few thousand small files the delta
 * search costs more than sending them whole, and the pack stays local). */
static int put_object(pack_out *p, git_odb *odb, const git_oid *id)
{
    git_odb_object *obj = NULL;
    if (git_odb_read(&obj, odb, id) < 0)
        return -1;
    size_t size = git_odb_object_size(obj);
    put_entry_header(&p->buf, git_odb_object_type(obj), size);
    uLongf bound = compressBound((uLong)size);
    sb_grow(&p->buf, bound);
    int zrc = compress2((Bytef *)p->buf.data + p->buf.len, &bound, git_odb_object_data(obj),
                        (uLong)size, Z_BEST_SPEED);
    git_odb_object_free(obj);
    if (zrc != Z_OK) {
        git_error_set_str(GIT_ERROR_ZLIB, "compressing an object failed");
        return -1;
    }
    p->buf.len += bound;
    return p->buf.len >= PACK_CHUNK ? pack_flush(p) : 0;
}

static int put_trailer(pack_out *p)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (pack_flush(p) < 0)
        return -1;
    if (!EVP_DigestFinal_ex(p->sha1, md, &len) || len != GIT_OID_RAWSZ) {
        git_error_set_str(GIT_ERROR_SHA, "hashing the pack failed");
        return -1;
    }
    return p->writer->append(p->writer, md, len, &p->stats) < 0 ? -1 : 0;
}

/* The objects as a version 2 pack into dst (libgit2 indexes it on commit). */
static int write_pack(git_odb *src, git_odb *dst, const oid_list *ids)
{
    pack_out p;
    memset(&p, 0, sizeof p);
    p.sha1 = EVP_MD_CTX_new();
    int rc = 0;
    if (!p.sha1 || !EVP_DigestInit_ex(p.sha1, EVP_sha1(), NULL)) {
        git_error_set_str(GIT_ERROR_SHA, "hashing the pack failed");
        rc = -1;
    }
    if (!rc && git_odb_write_pack(&p.writer, dst, NULL, NULL) < 0)
        rc = -1;
    if (!rc) {
        sb_add(&p.buf, "PACK", 4);
        put_be32(&p.buf, 2);
        put_be32(&p.buf, (uint32_t)ids->n);
    }
    for (size_t i = 0; i < ids->n && !rc; i++)
        rc = put_object(&p, src, &ids->ids[i]);
    if (!rc)
        rc = put_trailer(&p);
    if (!rc && p.writer->commit(p.writer, &p.stats) < 0)
        rc = -1;
    if (p.writer)
        p.writer->free(p.writer);
    EVP_MD_CTX_free(p.sha1);
    sb_free(&p.buf);
    return rc;
}

int packcopy(git_repository *src, git_repository *dst, const git_oid *tip,
             const git_oid *complete, size_t ncomplete, db_err *err)
{
    copy_ctx c;
    memset(&c, 0, sizeof c);
    c.src = src;
    git_odb *src_odb = NULL;
    int rc = git_repository_odb(&c.dst, dst) < 0 || git_repository_odb(&src_odb, src) < 0
                 ? git_fail(err, DB_EIO, "opening the object databases") : 0;
    if (!rc)
        rc = new_commits(&c, tip, complete, ncomplete, err);
    for (size_t i = 0; i < c.commits.n && !rc; i++)
        if (add_commit(&c, &c.commits.ids[i]) < 0)
            rc = git_fail(err, DB_EIO, "listing the objects to copy");
    oid_sort_unique(&c.wanted);
    if (!rc && c.wanted.n && write_pack(src_odb, c.dst, &c.wanted) < 0)
        rc = git_fail(err, DB_EIO, "copying objects");
    if (!rc && c.wanted.n && git_odb_refresh(c.dst) < 0)
        rc = git_fail(err, DB_EIO, "reading the copied objects");
    free(c.wanted.ids);
    free(c.commits.ids);
    git_odb_free(src_odb);
    git_odb_free(c.dst);
    return rc;
}
