/* Ids, slugs, id prefixes, sanitizing untrusted text, display widths. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/text.h"

static void slug_is(const char *title, const char *expect)
{
    char out[SLUG_MAX + 1];
    memset(out, 'X', sizeof out);
    text_slug(title, out);
    if (strcmp(out, expect) != 0)
        fail_msg("slug of '%s': expected '%s', got '%s'", title ? title : "(null)", expect, out);
}

static void test_slug_basic(void **state)
{
    (void)state;
    slug_is("Acme Rollout", "acme-rollout");
    slug_is("Acme — Rollout!", "acme-rollout");
    slug_is("  --Acme  rollout--  ", "acme-rollout");
    slug_is("ACME 2027 Q1", "acme-2027-q1");
    slug_is("S&OP data", "s-op-data");
    slug_is("", "deal");
    slug_is(NULL, "deal");
    slug_is("!!! ???", "deal");
    slug_is("ヤマセ精工", "deal");
    slug_is("ヤマセ精工 Europe", "europe");
}

/* Accented Latin letters become their ASCII letter, as the example ids do
 * ("Müller Logistik control tower" -> muller-logistik-control-tower-ec8d2b). */
static void test_slug_transliterates_latin(void **state)
{
    (void)state;
    slug_is("Müller Logistik control tower", "muller-logistik-control-tower");
    slug_is("Grünwald Kliniken reporting", "grunwald-kliniken-reporting");
    slug_is("Société Ferroviaire fleet data", "societe-ferroviaire-fleet-data");
    slug_is("Hanse Kühlhaus cold chain", "hanse-kuhlhaus-cold-chain");
    slug_is("Têxteis do Porto", "texteis-do-porto");
    slug_is("Straße", "strasse");
    slug_is("Łódź Øresund Ærø", "lodz-oresund-aero");
    slug_is("ČEZ Škoda", "cez-skoda");
    slug_is("Caf\xc3\xa9", "cafe");
    slug_is("a\xff" "b", "a-b");                           /* invalid UTF-8 separates */
}

static void test_slug_length(void **state)
{
    (void)state;
    char out[SLUG_MAX + 1];
    text_slug("abcdefghijklmnopqrstuvwxyz0123456789abcdef", out);
    assert_int_equal(strlen(out), SLUG_MAX);
    assert_string_equal(out, "abcdefghijklmnopqrstuvwxyz012345");
    /* Cut at a word boundary: never a trailing '-' nor two words run together. */
    text_slug("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbb", out);
    assert_string_equal(out, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-b");
    text_slug("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbb", out);
    assert_string_equal(out, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    for (int len = 1; len < 80; len++) {
        char title[100];
        for (int i = 0; i < len; i++)
            title[i] = i % 3 == 2 ? ' ' : 'x';
        title[len] = '\0';
        text_slug(title, out);
        size_t n = strlen(out);
        assert_true(n >= 1 && n <= SLUG_MAX);
        assert_true(out[0] != '-' && out[n - 1] != '-');
        assert_null(strstr(out, "--"));
    }
}

static bool is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdef", s[i]) || !s[i])
            return false;
    return true;
}

static void test_new_id(void **state)
{
    (void)state;
    char id[ID_MAX + 1], other[ID_MAX + 1];
    text_new_id("Acme — Rollout!", id);
    assert_int_equal(strlen(id), strlen("acme-rollout-") + 6);
    assert_memory_equal(id, "acme-rollout-", 13);
    assert_true(is_hex(id + 13, 6));
    assert_true(text_valid_id(id));
    /* Random suffixes: 50 ids of one title are (practically) never all alike. */
    int same = 0;
    for (int i = 0; i < 50; i++) {
        text_new_id("Acme", other);
        same += strcmp(id + 13, other + 5) == 0;
        assert_true(text_valid_id(other));
    }
    assert_true(same < 50);
    /* A long title still gives a valid id of at most ID_MAX characters. */
    text_new_id("An extremely long deal title that goes on and on and on", id);
    assert_true(strlen(id) <= ID_MAX);
    assert_true(text_valid_id(id));
    assert_int_equal(id[strlen(id) - 7], '-');

    char log_id[9];
    text_new_log_id(log_id);
    assert_int_equal(strlen(log_id), 8);
    assert_true(is_hex(log_id, 8));
}

static void test_valid_id(void **state)
{
    (void)state;
    const char *good[] = {"acme-rollout-7f3a9c", "ab", "a-b", "0123456789", "deal-000000"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        if (!text_valid_id(good[i]))
            fail_msg("rejected id '%s'", good[i]);
    const char *bad[] = {"", "a", "-acme", "../etc", "a/b", "acme/../x", "..", "Acme",
                         "acme rollout", "acme_rollout", "acme.json", "acme\n",
                         "m\xc3\xbcller", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (text_valid_id(bad[i]))
            fail_msg("accepted id '%s'", bad[i]);
    assert_false(text_valid_id(NULL));
}

static void test_valid_prefix(void **state)
{
    (void)state;
    assert_true(text_valid_id_prefix("a"));
    assert_true(text_valid_id_prefix("acme-"));
    assert_true(text_valid_id_prefix("7f3a"));
    assert_false(text_valid_id_prefix(""));
    assert_false(text_valid_id_prefix(NULL));
    assert_false(text_valid_id_prefix("-"));
    assert_false(text_valid_id_prefix("."));
    assert_false(text_valid_id_prefix(".."));
    assert_false(text_valid_id_prefix("/"));
    assert_false(text_valid_id_prefix("a/"));
    assert_false(text_valid_id_prefix("a*"));
    assert_false(text_valid_id_prefix("A"));
}

static void sanitized_is(const char *in, bool keep_newlines, const char *expect)
{
    char *out = text_sanitize(in, keep_newlines);
    if (strcmp(out, expect) != 0)
        fail_msg("sanitize: expected '%s', got '%s'", expect, out);
    free(out);
}

static void test_sanitize(void **state)
{
    (void)state;
    sanitized_is("plain text", false, "plain text");
    sanitized_is("Müller — ヤマセ", false, "Müller — ヤマセ");
    sanitized_is(NULL, false, "");
    sanitized_is("a\nb", false, "a b");
    sanitized_is("a\nb", true, "a\nb");
    sanitized_is("a\tb\rc", false, "a b c");
    sanitized_is("red \x1b[31mALERT\x1b[0m!", false, "red ALERT!");
    sanitized_is("title\x1b]0;pwned\x07 end", false, "title end");
    sanitized_is("title\x1b]52;c;ZXZpbA==\x1b\\ end", false, "title end");
    sanitized_is("clear\x1b" "c", false, "clear");
    sanitized_is("csi \xc2\x9b" "31m", false, "csi  31m");         /* C1 CSI -> space */
    sanitized_is("bad \xff byte", false, "bad \xef\xbf\xbd byte");
    sanitized_is("cut \xc3", false, "cut \xef\xbf\xbd");
    sanitized_is("bidi \xe2\x80\xae" "evil", false, "bidi  evil");
    sanitized_is("del\x7f", false, "del ");
    sanitized_is("unterminated \x1b[31", false, "unterminated ");
}

static void test_valid_utf8(void **state)
{
    (void)state;
    const char *good = "Müller ヤマセ 😀";
    assert_true(text_valid_utf8(good, strlen(good)));
    assert_true(text_valid_utf8("", 0));
    struct { const char *s; size_t n; } bad[] = {
        {"\xff", 1}, {"\xc3", 1}, {"\xc0\xaf", 2} /* overlong '/' */,
        {"\xe0\x80\xaf", 3}, {"\xed\xa0\x80", 3} /* surrogate */,
        {"\xf4\x90\x80\x80", 4} /* > U+10FFFF */, {"a\x80", 2}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (text_valid_utf8(bad[i].s, bad[i].n))
            fail_msg("accepted invalid UTF-8 #%zu", i);
}

static void test_width_and_fit(void **state)
{
    (void)state;
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        fail_msg("the C.UTF-8 locale is needed (scripts/deps.sh installs it)");
    assert_int_equal(text_width(""), 0);
    assert_int_equal(text_width("Acme"), 4);
    assert_int_equal(text_width("Müller"), 6);
    assert_int_equal(text_width("ヤマセ精工"), 10);
    assert_int_equal(text_width("ヤマセ Europe"), 13);

    int used = -1;
    assert_int_equal(text_fit("Acme", 10, &used), 4);
    assert_int_equal(used, 4);
    assert_int_equal(text_fit("Acme", 2, &used), 2);
    assert_int_equal(used, 2);
    /* Never splits a character: "Mü" is 3 bytes, 2 columns. */
    assert_int_equal(text_fit("Müller", 2, &used), 3);
    assert_int_equal(used, 2);
    /* A wide character that does not fit is left out whole. */
    assert_int_equal(text_fit("ヤマセ", 5, &used), 6);
    assert_int_equal(used, 4);
    assert_int_equal(text_fit("ヤマセ", 1, &used), 0);
    assert_int_equal(used, 0);
    assert_int_equal(text_fit("abc", 0, NULL), 0);

    assert_true(text_locale_utf8());
    assert_string_equal(text_flag_mark(2), "\u2691");
    assert_string_equal(text_flag_mark(1), "!");
    assert_string_equal(text_flag_mark(0), "");
    setlocale(LC_CTYPE, "C");
    assert_false(text_locale_utf8());
    assert_string_equal(text_flag_mark(2), "!!");
}

/* LANG=C: every character one ASCII stand-in, case kept, so that columns
 * measured on the result are the columns drawn. */
static void test_ascii_fallback(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        {"Müller AG", "Muller AG"},
        {"Zürich Überweisung Großprojekt", "Zurich Uberweisung Grossprojekt"},
        {"Jörg Åström", "Jorg Astrom"},
        {"Łódź Ærø Œuvre", "Lodz Aero Oeuvre"},
        {"Acme – Rollout … “new”", "Acme - Rollout ... \"new\""},
        {"東京 deal", "?? deal"},
        {"price 5 €", "price 5 EUR"},
        {"plain ASCII", "plain ASCII"},
        {"bad \xff byte", "bad ? byte"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = text_ascii(cases[i].in);
        assert_string_equal(got, cases[i].out);
        for (const char *c = got; *c; c++)
            assert_true((unsigned char)*c < 0x80);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slug_basic),
        cmocka_unit_test(test_slug_transliterates_latin),
        cmocka_unit_test(test_slug_length),
        cmocka_unit_test(test_new_id),
        cmocka_unit_test(test_valid_id),
        cmocka_unit_test(test_valid_prefix),
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_valid_utf8),
        cmocka_unit_test(test_width_and_fit),
        cmocka_unit_test(test_ascii_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
