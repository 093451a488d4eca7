/* Whose deal it is (pipeline/owner.c): the rule `--owner`, `--mine`, the
 * board's mine/owner: filters and the review's scope share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../pipeline/owner.h"

static void test_owner_is(void **state)
{
    (void)state;
    assert_true(owner_is("Anna Berg", "Anna Berg"));
    assert_true(owner_is("anna berg", "ANNA BERG"));
    assert_true(owner_is("  Anna Berg ", "Anna Berg"));
    assert_true(owner_is("Anna Berg", " anna berg\t"));
    assert_false(owner_is("Anna Berg", "Anna"));
    assert_false(owner_is("Anna", "Anna Berg"));
    assert_false(owner_is("Annabel", "Anna"));
    assert_false(owner_is(NULL, "Anna"));
    assert_false(owner_is("", "Anna"));
    assert_false(owner_is("Anna", NULL));
    assert_false(owner_is("Anna", "   "));
    assert_false(owner_is("   ", "   "));
}

static void test_owner_name_and_email_form(void **state)
{
    (void)state;
    const char *owner = "Anna Berg <Anna@Example.com>";
    assert_true(owner_is(owner, "anna berg"));
    assert_true(owner_is(owner, "anna@example.com"));
    assert_true(owner_is(owner, owner));
    assert_false(owner_is(owner, "example.com"));
    assert_false(owner_is("Anna <anna@example.com", "anna@example.com"));   /* no > */
}

static void test_owner_is_me(void **state)
{
    (void)state;
    owner_identity me = {"Test Seller", "seller@example.com"};
    assert_true(owner_is_me("test seller", &me));
    assert_true(owner_is_me("SELLER@example.com", &me));
    assert_false(owner_is_me("Anna", &me));
    assert_false(owner_is_me(NULL, &me));
    owner_identity only_email = {NULL, "seller@example.com"};
    assert_true(owner_is_me("seller@example.com", &only_email));
    assert_false(owner_is_me("Test Seller", &only_email));
    owner_identity nobody = {NULL, ""};
    assert_false(owner_identity_known(&nobody));
    assert_false(owner_is_me("", &nobody));
    assert_true(owner_identity_known(&only_email));
    assert_false(owner_identity_known(NULL));
}

static void test_scope(void **state)
{
    (void)state;
    deal anna = {0}, mine = {0}, nobody = {0};
    anna.owner = "Anna";
    mine.owner = "seller@example.com";
    owner_scope all = {OWNER_ALL, NULL, {NULL, NULL}};
    owner_scope me = {OWNER_MINE, NULL, {"Test Seller", "seller@example.com"}};
    owner_scope named = {OWNER_NAMED, "anna", {NULL, NULL}};
    assert_true(owner_scope_keeps(&all, &anna) && owner_scope_keeps(&all, &nobody));
    assert_true(owner_scope_keeps(&me, &mine));
    assert_false(owner_scope_keeps(&me, &anna) || owner_scope_keeps(&me, &nobody));
    assert_true(owner_scope_keeps(&named, &anna));
    assert_false(owner_scope_keeps(&named, &mine) || owner_scope_keeps(&named, &nobody));
    char buf[64];
    owner_scope_label(&all, buf, sizeof buf);
    assert_string_equal(buf, "team");
    owner_scope_label(&me, buf, sizeof buf);
    assert_string_equal(buf, "your deals");
    owner_scope_label(&named, buf, sizeof buf);
    assert_string_equal(buf, "owner: anna");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owner_is),
        cmocka_unit_test(test_owner_name_and_email_form),
        cmocka_unit_test(test_owner_is_me),
        cmocka_unit_test(test_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
