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
        rc = git_fail(err, DB_EIO, "preparing the merge");
    if (!rc && git_odb_add_backend(odb, out->backend, MEMPACK_PRIORITY) < 0) {
        out->backend->free(out->backend);      /* not owned by the odb yet */
        rc = git_fail(err, DB_EIO, "preparing the merge");
    }
    if (rc)
        out->backend = NULL;
    git_odb_free(odb);
    return rc;
}

int mempack_flush(mempack_repo *mem, git_repository *git, db_err *err)
{
    git_buf pack = {NULL, 0, 0};
    git_odb *odb = NULL;
    git_odb_writepack *writer = NULL;
    git_indexer_progress stats;
    memset(&stats, 0, sizeof stats);
    int rc = 0;
    if (git_mempack_dump(&pack, mem->repo, mem->backend) < 0 || git_repository_odb(&odb, git) < 0 ||
        git_odb_write_pack(&writer, odb, NULL, NULL) < 0 ||
        writer->append(writer, pack.ptr, pack.size, &stats) < 0 ||
        writer->commit(writer, &stats) < 0)
        rc = git_fail(err, DB_EIO, "writing the merged objects");
    if (writer)
        writer->free(writer);
    if (!rc && git_odb_refresh(odb) < 0)
        rc = git_fail(err, DB_EIO, "reading the merged objects");
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
