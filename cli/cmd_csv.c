/* CSV import and export. What a header or a cell means is pipeline/csv_map;
 * the file format (quotes, BOM, separators) is store/csv_io. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../pipeline/csv_map.h"
#include "../pipeline/text.h"
#include "../store/codec.h"
#include "../store/csv_io.h"
#include "../store/json_print.h"
#include "cli.h"

static int compare_deal_ids(const void *a, const void *b)
{
    const deal *x = *(deal *const *)a, *y = *(deal *const *)b;
    return strcmp(x->id, y->id);
}

/* ---- import: what the run will do -------------------------------------- */

typedef struct {
    deal *d;          /* owned when is_new; else a deal of the loaded list */
    bool is_new;
    char *fields;     /* updates: the changed fields in words */
    long line;
} import_item;

typedef struct {
    cli_opts *opts;
    const char *file;           /* as typed, for messages */
    const char *source;         /* its base name, for logs and the commit */
    db_repo *repo;
    const pipeline_cfg *cfg;
    edit_ctx ctx;
    const csv_override *overrides;
    size_t noverrides;
    bool dry_run, skip_bad, mapped;
    csv_mapping map;
    deal_list existing;         /* sorted by id */
    import_item *items;
    size_t nitems, cap;
    size_t *slots;              /* hash of planned ids: item index + 1, 0 empty */
    size_t nslots;
    int bad, unchanged;
} importer;

static void report_bad_row(importer *im, long line, const char *why)
{
    char *msg = xasprintf("%s:%ld: %s", im->file, line, why);
    fputs("dealboard: ", stderr);
    cli_print_safe(stderr, msg);
    fputc('\n', stderr);
    free(msg);
    im->bad++;
}

static deal *find_existing(importer *im, const char *id)
{
    deal key = {.id = (char *)id}, *kp = &key;
    deal **hit = im->existing.count ? bsearch(&kp, im->existing.items, im->existing.count,
                                              sizeof kp, compare_deal_ids) : NULL;
    return hit ? *hit : NULL;
}

/* ---- planned ids: an open-addressing hash, so big imports stay linear ---- */

static size_t hash_id(const char *id)
{
    size_t h = 14695981039346656037u;          /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return h;
}

/* The slot holding id, or the empty slot where it would go. */
static size_t *planned_slot(const importer *im, const char *id)
{
    size_t i = hash_id(id) & (im->nslots - 1);
    while (im->slots[i] && !str_eq(im->items[im->slots[i] - 1].d->id, id))
        i = (i + 1) & (im->nslots - 1);
    return &im->slots[i];
}

static const import_item *find_planned(const importer *im, const char *id)
{
    size_t *slot = im->nslots ? planned_slot(im, id) : NULL;
    return slot && *slot ? &im->items[*slot - 1] : NULL;
}

/* Keeps the table at most half full. */
static void index_planned(importer *im)
{
    if (2 * im->nitems > im->nslots) {
        free(im->slots);
        im->nslots = im->nslots ? im->nslots * 2 : 1024;
        im->slots = xcalloc(im->nslots, sizeof *im->slots);
        for (size_t i = 0; i + 1 < im->nitems; i++)
            *planned_slot(im, im->items[i].d->id) = i + 1;
    }
    *planned_slot(im, im->items[im->nitems - 1].d->id) = im->nitems;
}

/* A deal file that exists but did not load must not be overwritten. */
static bool deal_file_exists(importer *im, const char *id)
{
    char *rel = repo_deal_relpath(id);
    char *path = xasprintf("%s/%s", repo_root(im->repo), rel);
    struct stat st;
    bool exists = lstat(path, &st) == 0;
    free(path);
    free(rel);
    return exists;
}

static void fresh_id(importer *im, const char *title, char id[ID_MAX + 1])
{
    do {
        text_new_id(title, id);
    } while (find_existing(im, id) || find_planned(im, id) || deal_file_exists(im, id));
}

static void plan(importer *im, deal *d, bool is_new, char *fields, long line)
{
    if (im->nitems == im->cap) {
        im->cap = im->cap ? im->cap * 2 : 64;
        im->items = xrealloc(im->items, im->cap * sizeof *im->items);
    }
    im->items[im->nitems++] = (import_item){d, is_new, fields, line};
    index_planned(im);
}

static int check_row_id(importer *im, const csv_row *row, const char *id, db_err *err)
{
    const import_item *dup = *id ? find_planned(im, id) : NULL;
    if (dup)
        return db_fail(err, DB_EUSAGE, "id: %s is already on line %ld", id, dup->line);
    if (*id && !find_existing(im, id) && deal_file_exists(im, id))
        return db_fail(err, DB_EUSAGE, "id: %s has a deal file that cannot be read "
                       "(see dealboard doctor)", id);
    if (!row->has[CSV_F_TITLE] && !find_existing(im, id))
        return db_fail(err, DB_EUSAGE, "id: '%s' is not in this pipeline, and the file has "
                       "no title column to add it with", id);
    return 0;
}

static int import_row(importer *im, const csv_record *rec, db_err *err)
{
    csv_row row;
    const char *id = "";
    int rc = csv_row_read(im->cfg, &im->map, rec->cells, rec->ncells, &row, err);
    if (!rc)
        rc = csv_row_id(&row, &id, err);
    if (!rc)
        rc = check_row_id(im, &row, id, err);
    if (rc)
        return rc;
    deal *existing = *id ? find_existing(im, id) : NULL;
    if (existing) {
        char *fields = csv_row_update(im->cfg, &im->ctx, &row, existing, im->source);
        if (fields)
            plan(im, existing, false, fields, rec->line);
        else
            im->unchanged++;
        return 0;
    }
    char fresh[ID_MAX + 1];
    if (!*id)
        fresh_id(im, row.text[CSV_F_TITLE], fresh);
    deal *d = xmalloc(sizeof *d);
    csv_row_create(im->cfg, &im->ctx, &row, *id ? id : fresh, im->source, d);
    plan(im, d, true, NULL, rec->line);
    return 0;
}

static void print_mapping(const csv_mapping *m)
{
    fputs("Columns:", stdout);
    for (size_t i = 0; i < m->ncolumns; i++)
        for (int f = 0; f < CSV_FIELD_COUNT; f++)
            if (m->column[f] == (int)i) {
                fputs(" ", stdout);
                cli_print_safe(stdout, m->names[i]);
                printf(" → %s;", csv_field_name((csv_field)f));
            }
    fputc('\n', stdout);
}

static int map_header(importer *im, const csv_record *rec)
{
    db_err err;
    db_err_clear(&err);
    if (csv_mapping_build(&im->map, rec->cells, rec->ncells, im->overrides, im->noverrides,
                          &err))
    {
        /* The message quotes the file's header: main prints it as it is. */
        char *safe = text_sanitize(err.msg, false);
        int rc = db_fail(&im->opts->err, err.code, "%s:%ld: %s", im->file, rec->line, safe);
        free(safe);
        return rc;
    }
    im->mapped = true;
    char *unused = csv_mapping_unused(&im->map);
    if (unused) {
        char *msg = xasprintf("%s: ignoring columns %s (--map COLUMN=FIELD names their field)",
                              im->file, unused);
        fputs("dealboard: ", stderr);
        cli_print_safe(stderr, msg);
        fputc('\n', stderr);
        free(msg);
        free(unused);
    }
    if (im->dry_run)
        print_mapping(&im->map);
    return 0;
}

static int on_record(void *ud, const csv_record *rec)
{
    importer *im = ud;
    if (!im->mapped)
        return map_header(im, rec);
    if (csv_row_is_blank(rec->cells, rec->ncells))
        return 0;
    db_err err;
    db_err_clear(&err);
    if (import_row(im, rec, &err))
        report_bad_row(im, rec->line, err.msg);
    return 0;
}

/* ---- import: doing it ------------------------------------------------- */

/* A commit message lists the deals of a small import, not of a migration. */
#define COMMIT_BODY_LINES 200

/* Prints what each row does and collects the same lines for the commit message. */
static void print_plan(const importer *im, strbuf *body)
{
    for (size_t i = 0; i < im->nitems; i++) {
        const import_item *it = &im->items[i];
        const char *verb = it->is_new ? (im->dry_run ? "Would add" : "Add")
                                      : (im->dry_run ? "Would update" : "Update");
        char *line = xasprintf("%s %s: %s", verb, it->d->id, it->is_new ? it->d->title
                                                                         : it->fields);
        cli_print_safe(stdout, line);
        fputc('\n', stdout);
        if (i < COMMIT_BODY_LINES)
            sb_printf(body, "\n%s", line);
        free(line);
    }
    if (im->nitems > COMMIT_BODY_LINES)
        sb_printf(body, "\n… and %zu more", im->nitems - COMMIT_BODY_LINES);
}

static char *summary(const importer *im, const char *verb)
{
    size_t added = 0;
    for (size_t i = 0; i < im->nitems; i++)
        added += im->items[i].is_new;
    char *counts = added == im->nitems ? xstrdup("")
                                       : xasprintf(" (%zu new, %zu updated)", added,
                                                   im->nitems - added);
    char *text = xasprintf("%s %zu deal%s from %s%s", verb, im->nitems,
                           im->nitems == 1 ? "" : "s", im->source, counts);
    free(counts);
    return text;
}

static int commit_plan(importer *im, const char *body)
{
    repo_change *changes = xcalloc(im->nitems, sizeof *changes);
    for (size_t i = 0; i < im->nitems; i++) {
        char *text = codec_format_deal(im->items[i].d);
        changes[i] = (repo_change){repo_deal_relpath(im->items[i].d->id), text, strlen(text)};
    }
    char *title = summary(im, "Import");
    char *message = xasprintf("%s\n%s", title, body);
    int rc = repo_commit_changes(im->repo, changes, im->nitems, message, &im->opts->err);
    for (size_t i = 0; i < im->nitems; i++) {
        free((char *)changes[i].relpath);
        free((char *)changes[i].content);
    }
    free(changes);
    free(message);
    free(title);
    return rc;
}

static void print_outcome(const importer *im)
{
    char *text = im->nitems || !im->unchanged
                     ? summary(im, im->dry_run ? "Would import" : "Imported")
                     : xasprintf("Nothing to import from %s", im->source);
    cli_print_safe(stdout, text);
    free(text);
    if (im->unchanged)
        printf("; %d row%s already match%s %s deal%s", im->unchanged,
               im->unchanged == 1 ? "" : "s", im->unchanged == 1 ? "es" : "",
               im->unchanged == 1 ? "its" : "their", im->unchanged == 1 ? "" : "s");
    if (im->bad)
        printf("; skipped %d bad row%s", im->bad, im->bad == 1 ? "" : "s");
    puts(im->dry_run ? "; nothing written (--dry-run)" : "");
}

static int finish_import(importer *im)
{
    if (!im->mapped)
        return db_fail(&im->opts->err, DB_EUSAGE, "%s: empty; expected a header row", im->file);
    if (im->bad && !im->skip_bad)
        return db_fail(&im->opts->err, DB_EUSAGE,
                       "%s: %d bad row%s; nothing imported (fix %s, or use --skip-bad to import "
                       "the others)", im->file, im->bad, im->bad == 1 ? "" : "s",
                       im->bad == 1 ? "it" : "them");
    strbuf body = {0};
    sb_puts(&body, "");
    print_plan(im, &body);
    int rc = 0;
    if (!im->dry_run && im->nitems)
        rc = commit_plan(im, body.data);
    if (!rc)
        print_outcome(im);
    sb_free(&body);
    return rc;
}

static int load_existing(importer *im)
{
    int rc = cli_load_all(im->opts, im->repo, &im->existing, NULL);
    if (!rc && im->existing.count)
        qsort(im->existing.items, im->existing.count, sizeof *im->existing.items,
              compare_deal_ids);
    return rc;
}

static void importer_free(importer *im)
{
    for (size_t i = 0; i < im->nitems; i++) {
        if (im->items[i].is_new)
            deal_destroy(im->items[i].d);
        free(im->items[i].fields);
    }
    free(im->items);
    free(im->slots);
    deal_list_free(&im->existing);
    if (im->mapped)
        csv_mapping_free(&im->map);
    cli_edit_ctx_free(&im->ctx);
}

static int run_import(importer *im)
{
    int rc = im->dry_run ? 0 : repo_lock(im->repo, &im->opts->err);
    if (rc)
        return rc;
    /* Before the deals are read: a killed change's file is put in place first. */
    if (!im->dry_run && (rc = repo_recover(im->repo, &im->opts->err))) {
        repo_unlock(im->repo);
        return rc;
    }
    im->cfg = repo_config(im->repo);
    cli_edit_ctx(im->opts, im->repo, &im->ctx);
    rc = load_existing(im);
    if (!rc)
        rc = csv_read_file(im->file, on_record, im, &im->opts->err);
    if (!rc)
        rc = finish_import(im);
    if (!im->dry_run)
        repo_unlock(im->repo);
    return rc;
}

/* ---- import: the command line ----------------------------------------- */

/* Takes every --map COLUMN=FIELD out of argv (cli_parse keeps one value per
 * option); the rest stays in argv, *argc shrinks. */
static int take_maps(cli_opts *opts, int *argc, char **argv, csv_override *maps, size_t *n)
{
    int kept = 0;
    bool positional_only = false;
    for (int i = 0; i < *argc; i++) {
        positional_only = positional_only || str_eq(argv[i], "--");
        bool joined = str_has_prefix(argv[i], "--map=");
        if (positional_only || !(joined || str_eq(argv[i], "--map"))) {
            argv[kept++] = argv[i];
            continue;
        }
        if (!joined && i + 1 >= *argc)
            return db_fail(&opts->err, DB_EUSAGE, "import: missing value for --map");
        char *value = joined ? argv[i] + 6 : argv[++i];
        char *eq = strrchr(value, '=');
        if (!eq || eq == value)
            return db_fail(&opts->err, DB_EUSAGE, "--map %s: expected COLUMN=FIELD", value);
        *eq = '\0';
        maps[(*n)++] = (csv_override){value, eq + 1};
    }
    *argc = kept;
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

int cmd_import(cli_opts *opts, int argc, char **argv)
{
    importer im = {.opts = opts};
    csv_override *maps = xcalloc((size_t)argc + 1, sizeof *maps);
    cli_option options[] = {{"--dry-run", NULL, &im.dry_run}, {"--skip-bad", NULL, &im.skip_bad},
                            {NULL, NULL, NULL}};
    int rc = take_maps(opts, &argc, argv, maps, &im.noverrides);
    if (!rc)
        rc = cli_parse(opts, "import", argc, argv, options, &im.file, 1, 1, NULL);
    if (!rc)
        rc = cli_open_repo(opts, &im.repo);
    if (!rc) {
        im.overrides = maps;
        im.source = base_name(im.file);
        rc = run_import(&im);
        importer_free(&im);
        repo_close(im.repo);
    }
    free(maps);
    return rc;
}

/* ---- export ----------------------------------------------------------- */

static void export_json(deal **deals, size_t n)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *array = cJSON_AddArrayToObject(doc, "deals");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(array, codec_deal_to_cjson(deals[i]));
    char *text = json_print_canonical(doc);
    fputs(text, stdout);
    free(text);
    cJSON_Delete(doc);
}

/* CSV is data: written as stored, except to a terminal, where a teammate's
 * text must not be able to send escape sequences. */
static void export_csv(deal **deals, size_t n, bool to_terminal)
{
    const char *header[CSV_FIELD_COUNT];
    for (int f = 0; f < CSV_FIELD_COUNT; f++)
        header[f] = csv_field_name((csv_field)f);
    csv_write_record(stdout, header, CSV_FIELD_COUNT);
    for (size_t i = 0; i < n; i++) {
        char *cells[CSV_FIELD_COUNT];
        csv_deal_cells(deals[i], cells);
        for (int f = 0; f < CSV_FIELD_COUNT; f++) {
            char *guarded = csv_guard_cell(cells[f]);
            free(cells[f]);
            cells[f] = guarded;
            if (to_terminal) {
                char *safe = text_sanitize(cells[f], true);
                free(cells[f]);
                cells[f] = safe;
            }
        }
        csv_write_record(stdout, (const char *const *)cells, CSV_FIELD_COUNT);
        csv_cells_free(cells);
    }
}

static int export_deals(cli_opts *opts, db_repo *repo, bool json)
{
    deal_list all = {0};
    int broken = 0;
    int rc = cli_load_all(opts, repo, &all, &broken);
    if (!rc && all.count)
        qsort(all.items, all.count, sizeof *all.items, compare_deal_ids);
    if (!rc && json)
        export_json(all.items, all.count);
    else if (!rc)
        export_csv(all.items, all.count, isatty(STDOUT_FILENO));
    deal_list_free(&all);
    if (!rc && (fflush(stdout) != 0 || ferror(stdout)))
        rc = db_fail(&opts->err, DB_EIO, "writing the output: %s", strerror(errno));
    if (!rc && broken)
        rc = db_fail(&opts->err, DB_EIO,
                     "export: %d deal file%s could not be read and %s not in the export "
                     "(see dealboard doctor)", broken, broken == 1 ? "" : "s",
                     broken == 1 ? "is" : "are");
    return rc;
}

int cmd_export(cli_opts *opts, int argc, char **argv)
{
    bool csv = false, json = false;
    cli_option options[] = {{"--csv", NULL, &csv}, {"--json", NULL, &json}, {NULL, NULL, NULL}};
    int rc = cli_parse(opts, "export", argc, argv, options, NULL, 0, 0, NULL);
    if (!rc && csv && json)
        rc = db_fail(&opts->err, DB_EUSAGE, "export: --csv or --json, not both");
    db_repo *repo = NULL;
    if (rc || (rc = cli_open_repo(opts, &repo)))
        return rc;
    rc = export_deals(opts, repo, json);
    repo_close(repo);
    return rc;
}
