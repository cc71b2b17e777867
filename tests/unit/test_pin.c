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

/* Five wrong PINs shut the pad for 1 minute, the next five for 5, then 15, then 60
 * minutes each time; a right PIN resets everything. */
static void test_guard_escalates(void **state)
{
    (void)state;
    assert_int_equal(pin_lock_ms(0), 0);
    assert_int_equal(pin_lock_ms(1), 60000);
    assert_int_equal(pin_lock_ms(2), 5 * 60000);
    assert_int_equal(pin_lock_ms(3), 15 * 60000);
    assert_int_equal(pin_lock_ms(4), 60 * 60000);
    assert_int_equal(pin_lock_ms(400), 60 * 60000);
    pin_guard g = {0};
    int64_t t = 1000;
    const int64_t want[] = {60000, 5 * 60000, 15 * 60000, 60 * 60000, 60 * 60000};
    for (int round = 0; round < 5; round++) {
        for (int i = 1; i < PIN_TRIES; i++) {
            assert_false(pin_guard_failed(&g, t));
            assert_int_equal(pin_guard_remaining(&g, t), 0);
            t += 3000;
        }
        assert_true(pin_guard_failed(&g, t));
        assert_int_equal(pin_guard_remaining(&g, t), want[round]);
        assert_int_equal(pin_guard_remaining(&g, t + want[round] - 1), 1);
        t += want[round];
        assert_int_equal(pin_guard_remaining(&g, t), 0);
    }
    assert_int_equal(g.failures, 25);
    /* the clock stepped back a day: still only the hour the count earned */
    for (int i = 1; i < PIN_TRIES; i++)
        assert_false(pin_guard_failed(&g, t));
    assert_true(pin_guard_failed(&g, t));
    assert_int_equal(pin_guard_remaining(&g, t - 86400000), 60 * 60000);
    pin_guard_ok(&g);
    assert_int_equal(g.failures, 0);
    assert_int_equal(pin_guard_remaining(&g, t), 0);
    assert_false(pin_guard_failed(&g, t));
    /* a stored lockout with a count that does not match is at most a minute */
    pin_guard odd = {.failures = 2, .locked_until_ms = t + 86400000};
    assert_int_equal(pin_guard_remaining(&odd, t), 60000);
    assert_false(pin_guard_failed(NULL, t));
    assert_int_equal(pin_guard_remaining(NULL, t), 0);
}

/* The figure in docs/kiosk.md: how long guessing a four-digit PIN takes on average
 * with this escalation (lockouts only, not the typing). Keeps the doc honest. */
static void test_guard_average_guessing_time(void **state)
{
    (void)state;
    double total_ms = 0, locked_ms = 0;
    for (int k = 1; k <= 10000; k++) {
        if (k > 1 && (k - 1) % PIN_TRIES == 0)
            locked_ms += (double)pin_lock_ms((k - 1) / PIN_TRIES);
        total_ms += locked_ms; /* the right PIN is guess k: every lockout before it */
    }
    double days = total_ms / 10000 / 86400000.0;
    /* docs/kiosk.md says "about 41 days on average, 83 days for all 10,000" */
    assert_true(days > 41.0 && days < 42.0);
    assert_true(locked_ms / 86400000.0 > 82.5 && locked_ms / 86400000.0 < 83.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guard_escalates),
        cmocka_unit_test(test_guard_average_guessing_time),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_hash_refuses),
        cmocka_unit_test(test_verify_hostile_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
