/* Unit tests of the admin PIN: hash and verify round trip, wrong PINs, and hostile
 * hashes and PINs. Each hash costs Argon2 time, so the tests hash only a few times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lobkiosk/pin.h"

static void test_valid(void **state)
{
    (void)state;
    assert_true(pin_valid("1234"));
    assert_true(pin_valid("000000000000"));
    assert_false(pin_valid(NULL));
    assert_false(pin_valid(""));
    assert_false(pin_valid("123"));           /* one too short */
    assert_false(pin_valid("1234567890123")); /* one too long */
    assert_false(pin_valid("12a4"));
    assert_false(pin_valid("1234 "));
    assert_false(pin_valid(" 1234"));
    assert_false(pin_valid("1234\n"));
    assert_false(pin_valid("-1234"));
    assert_false(pin_valid("\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4")); /* Arabic-Indic digits */
}

static void test_round_trip(void **state)
{
    (void)state;
    char h1[PIN_HASH_MAX], h2[PIN_HASH_MAX];
    assert_int_equal(pin_hash("4711", h1, sizeof h1), LK_OK);
    assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
    assert_null(strchr(h1, '\n'));
    assert_true(pin_verify(h1, "4711"));
    assert_false(pin_verify(h1, "4712"));
    assert_false(pin_verify(h1, "47110"));
    assert_false(pin_verify(h1, "0000"));
    assert_false(pin_verify(h1, NULL));
    assert_false(pin_verify(h1, ""));
    assert_false(pin_verify(h1, "4711\n")); /* not a PIN, never reaches Argon2 */

    /* a fresh salt each time: same PIN, different hash, both verify */
    assert_int_equal(pin_hash("4711", h2, sizeof h2), LK_OK);
    assert_string_not_equal(h1, h2);
    assert_true(pin_verify(h2, "4711"));

    /* a hash with one character changed does not verify */
    size_t n = strlen(h1);
    h1[n - 2] = h1[n - 2] == 'A' ? 'B' : 'A';
    assert_false(pin_verify(h1, "4711"));
}

static void test_hash_refuses(void **state)
{
    (void)state;
    char h[PIN_HASH_MAX];
    memset(h, 'x', sizeof h);
    assert_int_equal(pin_hash(NULL, h, sizeof h), LK_ERR_INVALID);
    assert_string_equal(h, "");
    assert_int_equal(pin_hash("", h, sizeof h), LK_ERR_INVALID);
    assert_int_equal(pin_hash("12", h, sizeof h), LK_ERR_INVALID);
    assert_int_equal(pin_hash("abcd", h, sizeof h), LK_ERR_INVALID);
    assert_int_equal(pin_hash("1234", NULL, 0), LK_ERR_INVALID);
    char small[32];
    assert_int_equal(pin_hash("1234", small, sizeof small), LK_ERR_INVALID);
    assert_string_equal(small, "");
}

static void test_verify_hostile_hash(void **state)
{
    (void)state;
    assert_false(pin_verify(NULL, "1234"));
    assert_false(pin_verify("", "1234")); /* no PIN configured: nothing opens */
    assert_false(pin_verify("1234", "1234")); /* a plain PIN in kiosk.ini is not a hash */
    assert_false(pin_verify("$argon2id$", "1234"));
    assert_false(pin_verify("$argon2id$v=19$m=65536,t=2,p=1$$", "1234"));
    char longh[1024];
    memset(longh, 'A', sizeof longh - 1);
    longh[sizeof longh - 1] = '\0';
    memcpy(longh, "$argon2id$", 10);
    assert_false(pin_verify(longh, "1234"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_hash_refuses),
        cmocka_unit_test(test_verify_hostile_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
