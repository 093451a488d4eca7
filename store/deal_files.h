/* The deal files of a work tree: deals/<xx>/<id>.json, visited shard by
 * shard with *at() calls, never following a symbolic link. What is not in
 * its place is reported as a problem, not visited. */
#ifndef DB_DEAL_FILES_H
#define DB_DEAL_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "../pipeline/text.h"
#include "repo.h"

/* One deals/<shard>/<name> entry met by the scan. */
typedef struct {
    int dirfd;                  /* the shard directory, for *at() calls */
    const char *shard, *name, *id;
} deal_file;

typedef struct {
    void (*file)(void *ud, const deal_file *f);
    /* Optional: a shard directory starts (dir: its stat, or NULL) and ends. */
    void (*shard_begin)(void *ud, const char *shard, const struct stat *dir);
    void (*shard_end)(void *ud);
    /* Optional: the shard's names without reading the directory (NULL: read
     * it), and each name read from it. */
    const char *(*shard_names)(void *ud, size_t *len);
    void (*note_name)(void *ud, const char *name);
    void *ud;
} deal_visitor;

/* The entries of deals/, read once; each is visited on its own (a shard
 * directory, or something misplaced to report), so that threads can share
 * them out. */
typedef struct {
    char *name;
    bool is_dir;
} deals_entry;

typedef struct {
    int fd;                     /* deals/ */
    deals_entry *entries;
    size_t count;
} deals_dir;

/* False when there is nothing to visit (no deals/ yet, or it is not a
 * directory: reported). */
bool deals_dir_open(const char *root, deals_dir *dir, repo_problem_fn problem, void *pud);
void deals_dir_visit(const deals_dir *dir, size_t i, const deal_visitor *v,
                     repo_problem_fn problem, void *pud);
void deals_dir_close(deals_dir *dir);

/* Visits every deals/<xx>/<id>.json in turn; reports misplaced files. */
void for_each_deal_file(const char *root, const deal_visitor *v, repo_problem_fn problem,
                        void *pud);

/* The rules of the layout, for readers of a tree other than the work tree
 * (store/as_of.c reads a past commit's): a shard is two id characters; a
 * deal file is <id>.json (false: not one, *id untouched). */
bool deal_files_is_shard(const char *name);
bool deal_files_json_id(const char *name, char id[ID_MAX + 1]);
/* What is said of what is not in its place. */
#define DEAL_FILES_BAD_NAME "file name is not a valid id in its shard directory"
#define DEAL_FILES_NOT_IN_SHARD \
    "not in its shard directory (deals/XX/ID.json, XX = the id's last two characters)"
#define DEAL_FILES_NOT_DIR "is not a directory (a symbolic link is not followed)"

/* "deals/<shard>/<name>", allocated. */
char *deal_file_relpath(const deal_file *f);

#endif
