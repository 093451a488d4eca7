#include "mempack.h"

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <string.h>

#include "gitutil.h"

/* Above the loose and pack backends: new objects are written here first. */
#define MEMPACK_PRIORITY 1000

int mempack_open(git_repository *git, mempack_repo *out, db_err *err)
{
    git_odb *odb = NULL;
    memset(out, 0, sizeof *out);
    int rc = 0;
    if (git_repository_open(&out->repo, git_repository_path(git)) < 0 ||
        git_repository_odb(&odb, out->repo) < 0 || git_mempack_new(&out->backend) < 0)
        rc = gitu_fail(err, DB_EIO, "preparing the merge");
    if (!rc && git_odb_add_backend(odb, out->backend, MEMPACK_PRIORITY) < 0) {
        out->backend->free(out->backend);      /* not owned by the odb yet */
        rc = gitu_fail(err, DB_EIO, "preparing the merge");
    }
    if (rc)
        out->backend = NULL;
    git_odb_free(odb);
    return rc;
}

/* Made through mem->repo and not yet in the real object database. */
static bool in_memory(const mempack_repo *mem, const git_oid *id)
{
    return mem->backend->exists(mem->backend, id) == 1;
}

/* Adds tree_id and what it holds to the pack, but only the objects in memory: a
 * tree already on disk has all its contents on disk, so it is not opened. The
 * walk is O(changed trees), never O(deals). */
static int insert_new_tree(mempack_repo *mem, git_packbuilder *pb, const git_oid *tree_id)
{
    git_tree *tree = NULL;
    if (!in_memory(mem, tree_id))
        return 0;
    if (git_packbuilder_insert(pb, tree_id, NULL) < 0 || git_tree_lookup(&tree, mem->repo,
                                                                         tree_id) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < git_tree_entrycount(tree) && !rc; i++) {
        const git_tree_entry *e = git_tree_entry_byindex(tree, i);
        const git_oid *id = git_tree_entry_id(e);
        if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
            rc = insert_new_tree(mem, pb, id);
        else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB && in_memory(mem, id))
            rc = git_packbuilder_insert(pb, id, NULL);
    }
    git_tree_free(tree);
    return rc;
}

/* The pack of the new commit and the new objects it reaches. (git_mempack_dump in
 * libgit2 1.5 packs each commit's whole tree: every deal file, delta-compressed,
 * O(deals) per merge.) */
static int pack_new(mempack_repo *mem, const git_oid *commit_id, git_buf *pack)
{
    git_packbuilder *pb = NULL;
    git_commit *commit = NULL;
    int rc = git_packbuilder_new(&pb, mem->repo) < 0 ||
                     git_commit_lookup(&commit, mem->repo, commit_id) < 0 ||
                     git_packbuilder_insert(pb, commit_id, NULL) < 0 ||
                     insert_new_tree(mem, pb, git_commit_tree_id(commit)) < 0 ||
                     git_packbuilder_write_buf(pack, pb) < 0
                 ? -1 : 0;
    git_commit_free(commit);
    git_packbuilder_free(pb);
    return rc;
}

int mempack_flush(mempack_repo *mem, git_repository *git, const git_oid *commit_id, db_err *err)
{
    git_buf pack = {NULL, 0, 0};
    git_odb *odb = NULL;
    git_odb_writepack *writer = NULL;
    git_indexer_progress stats;
    memset(&stats, 0, sizeof stats);
    int rc = 0;
    if (pack_new(mem, commit_id, &pack) < 0 || git_repository_odb(&odb, git) < 0 ||
        git_odb_write_pack(&writer, odb, NULL, NULL) < 0 ||
        writer->append(writer, pack.ptr, pack.size, &stats) < 0 ||
        writer->commit(writer, &stats) < 0)
        rc = gitu_fail(err, DB_EIO, "writing the merged objects");
    if (writer)
        writer->free(writer);
    if (!rc && git_odb_refresh(odb) < 0)
        rc = gitu_fail(err, DB_EIO, "reading the merged objects");
    git_odb_free(odb);
    git_buf_dispose(&pack);
    return rc;
}

void mempack_close(mempack_repo *mem)
{
    if (mem->backend)
        git_mempack_reset(mem->backend);
    git_repository_free(mem->repo);          /* frees the odb and with it the backend */
    memset(mem, 0, sizeof *mem);
}
