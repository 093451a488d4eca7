/* libFuzzer: the CSV importer. Any bytes either import or fail with a
 * message, and every deal an import would write is one the loader accepts
 * and rewrites to the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../pipeline/csv_map.h"
#include "../../store/codec.h"
#include "../../store/csv_io.h"

#define STOP_NO_HEADER 99   /* not an error code: DB_EUSAGE is 1 */

typedef struct {
    pipeline_cfg cfg;
    csv_mapping map;
    bool mapped;
} import_state;

static void check_deal_round_trip(const deal *d)
{
    char *text = codec_format_deal(d);
    deal back;
    db_err err = {0};
    if (codec_parse_deal(text, strlen(text), "fuzz.json", &back, &err) != 0) {
        fprintf(stderr, "import writes a file the loader refuses: %s\n", err.msg);
        abort();
    }
    char *again = codec_format_deal(&back);
    if (strcmp(text, again) != 0)
        abort();                             /* not canonical: git diffs would churn */
    free(again);
    free(text);
    deal_free(&back);
}

static int on_record(void *ud, const csv_record *rec)
{
    import_state *s = ud;
    db_err err = {0};
    if (!s->mapped) {
        if (csv_mapping_build(&s->map, rec->cells, rec->ncells, NULL, 0, &err) != 0) {
            if (!err.msg[0])
                abort();
            return STOP_NO_HEADER;           /* no usable header: stop */
        }
        s->mapped = true;
        return 0;
    }
    if (csv_row_is_blank(rec->cells, rec->ncells))
        return 0;
    csv_row row;
    const char *id = NULL;
    if (csv_row_read(&s->cfg, &s->map, rec->cells, rec->ncells, &row, &err) != 0 ||
        csv_row_id(&row, &id, &err) != 0) {
        if (!err.msg[0])
            abort();                         /* every refused row says why */
        return 0;
    }
    if (!row.has[CSV_F_TITLE])
        return 0;                            /* only updates existing deals (cmd_csv) */
    edit_ctx ctx = {"fuzz", 20000, 1700000000};
    deal d;
    csv_row_create(&s->cfg, &ctx, &row, id && *id ? id : "fuzz-row-000000", "fuzz.csv", &d);
    check_deal_round_trip(&d);
    deal_free(&d);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    import_state s;
    memset(&s, 0, sizeof s);
    config_init_defaults(&s.cfg);
    config_default_stages(&s.cfg);
    db_err err = {0};
    int rc = csv_read_text((const char *)data, size, "fuzz.csv", on_record, &s, &err);
    if (rc != 0 && rc != STOP_NO_HEADER && !err.msg[0])
        abort();                             /* a read failure says why */
    if (s.mapped)
        csv_mapping_free(&s.map);
    config_free(&s.cfg);
    return 0;
}
