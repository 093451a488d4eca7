/* The CSV file format through libcsv: separators, BOM, line numbers, quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../store/csv_io.h"

/* Records as "line|cell|cell…" lines. */
typedef struct {
    char out[2048];
    int stop_after;
    int seen;
} collector;

static int collect(void *ud, const csv_record *rec)
{
    collector *c = ud;
    size_t n = strlen(c->out);
    n += (size_t)snprintf(c->out + n, sizeof c->out - n, "%ld", rec->line);
    for (size_t i = 0; i < rec->ncells; i++)
        n += (size_t)snprintf(c->out + n, sizeof c->out - n, "|%s", rec->cells[i]);
    snprintf(c->out + n, sizeof c->out - n, "\n");
    return ++c->seen == c->stop_after ? 42 : 0;
}

static const char *read_text(const char *text, collector *c, int *rc, db_err *err)
{
    memset(c, 0, sizeof *c);
    *rc = csv_read_text(text, strlen(text), "t.csv", collect, c, err);
    return c->out;
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(csv_sniff_separator("a,b,c\n", 6), ',');
    assert_int_equal(csv_sniff_separator("a;b;c\nx,y,z,w,v", 15), ';');
    assert_int_equal(csv_sniff_separator("\"a,b\";c\n", 8), ';');
    assert_int_equal(csv_sniff_separator("a\tb\tc", 5), '\t');
    assert_int_equal(csv_sniff_separator("title", 5), ',');
    assert_int_equal(csv_sniff_separator("a;b,c", 5), ',');   /* a tie is a comma */
}

static void test_line_numbers(void **state)
{
    (void)state;
    collector c;
    db_err err;
    int rc;
    const char *text = "h1,h2\n"
                       "a,\"two\nlines\"\n"
                       "\n"
                       "b,\"with, comma and \"\"quotes\"\"\"\n"
                       "  c  ,d";
    assert_string_equal(read_text(text, &c, &rc, &err),
                        "1|h1|h2\n2|a|two\nlines\n5|b|with, comma and \"quotes\"\n6|c|d\n");
    assert_int_equal(rc, 0);
}

static void test_bom_semicolon_crlf(void **state)
{
    (void)state;
    collector c;
    db_err err;
    int rc;
    const char *text = "\xEF\xBB\xBFTitle;Amount\r\n\"K\xC3\xB6ln; 2\";\"48.000\r\n,00\"\r\n";
    assert_string_equal(read_text(text, &c, &rc, &err),
                        "1|Title|Amount\n2|K\xC3\xB6ln; 2|48.000\n,00\n");
    assert_int_equal(rc, 0);
}

static void test_excel_sep_line(void **state)
{
    (void)state;
    collector c;
    db_err err;
    int rc;
    assert_string_equal(read_text("sep=;\r\na;b,c\r\n1;2,3\r\n", &c, &rc, &err),
                        "2|a|b,c\n3|1|2,3\n");
}

static void test_callback_stops(void **state)
{
    (void)state;
    collector c = {.stop_after = 2};
    db_err err;
    const char *text = "a\nb\nc\n";
    assert_int_equal(csv_read_text(text, strlen(text), "t.csv", collect, &c, &err), 42);
    assert_int_equal(c.seen, 2);
}

static void test_malformed(void **state)
{
    (void)state;
    collector c;
    db_err err;
    int rc;
    read_text("a,b\n1,2\n3,24\" screen\n", &c, &rc, &err);
    assert_int_equal(rc, DB_EUSAGE);
    assert_non_null(strstr(err.msg, "t.csv:3: malformed quotes"));
    read_text("a,b\n\"x\"y,2\n", &c, &rc, &err);
    assert_int_equal(rc, DB_EUSAGE);
    assert_non_null(strstr(err.msg, "t.csv:2: malformed quotes"));
    read_text("a,b\n1,2\n\"never closed,3\n4,5\n", &c, &rc, &err);
    assert_int_equal(rc, DB_EUSAGE);
    assert_non_null(strstr(err.msg, "t.csv:3: a quoted cell is never closed"));
}

static void test_encodings_refused(void **state)
{
    (void)state;
    collector c;
    db_err err;
    const char utf16[] = "\xFF\xFEt\0i\0";
    assert_int_equal(csv_read_text(utf16, sizeof utf16 - 1, "t.csv", collect, &c, &err),
                     DB_EUSAGE);
    assert_non_null(strstr(err.msg, "UTF-16"));
    const char nul[] = "a,b\nc\0,d\n";
    assert_int_equal(csv_read_text(nul, sizeof nul - 1, "t.csv", collect, &c, &err), DB_EUSAGE);
    assert_non_null(strstr(err.msg, "t.csv:2: a NUL byte"));
}

static void test_write_record(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    const char *cells[] = {"plain", "with, comma", "say \"hi\"", "two\nlines", " pad", "",
                           "K\xC3\xB6ln"};
    csv_write_record(out, cells, 7);
    fclose(out);
    assert_string_equal(buf, "plain,\"with, comma\",\"say \"\"hi\"\"\",\"two\nlines\",\" pad\",,"
                             "K\xC3\xB6ln\n");
    /* and it reads back the same */
    collector c;
    db_err err;
    int rc;
    assert_string_equal(read_text(buf, &c, &rc, &err),
                        "1|plain|with, comma|say \"hi\"|two\nlines| pad||K\xC3\xB6ln\n");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_line_numbers),
        cmocka_unit_test(test_bom_semicolon_crlf),
        cmocka_unit_test(test_excel_sep_line),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_encodings_refused),
        cmocka_unit_test(test_write_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
