/* Tests of the keyboard-wedge assembler with recorded key timings
 * (tests/data/wedge-*.txt) and hand-made edge cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lobkiosk/util.h"
#include "lobkiosk/wedge.h"

static void append(char *got, size_t len, const char *s)
{
    size_t n = strlen(got);
    snprintf(got + n, len - n, "%s%s", n ? "|" : "", s);
}

/* Replays a recording (modified in place); returns what wedge_poll() handed out,
 * joined by '|'. */
static void replay_data(char *data, char *got, size_t got_len, char *expect, size_t exp_len)
{
    wedge *w = wedge_create(NULL);
    assert_non_null(w);
    got[0] = expect[0] = '\0';
    int64_t last = 0;
    char out[WEDGE_MAX_LEN + 1];
    for (char *line = data, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (strncmp(line, "# expect:", 9) == 0) {
            lk_strlcpy(expect, line[9] == ' ' ? line + 10 : line + 9, exp_len);
            continue;
        }
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *sp = strchr(line, ' ');
        assert_non_null(sp);
        *sp = '\0';
        long t;
        assert_int_equal(lk_parse_long(line, 0, 100000000, &t), LK_OK);
        char c = sp[1];
        if (sp[1] == '\\')
            c = sp[2] == 'n' ? '\n' : '\t';
        wedge_key(w, c, t);
        last = t;
        while (wedge_poll(w, t, out, sizeof out)) {
            append(got, got_len, out);
        }
    }
    while (wedge_poll(w, last + 1000, out, sizeof out)) {
        append(got, got_len, out);
    }
    wedge_destroy(w);
}

static void replay(const char *path, char *got, size_t got_len, char *expect, size_t exp_len)
{
    char *data = NULL;
    assert_int_equal(lk_read_file(path, &data, NULL), LK_OK);
    replay_data(data, got, got_len, expect, exp_len);
    free(data);
}

static void check_recording(const char *path)
{
    char got[1024], expect[1024];
    replay(path, got, sizeof got, expect, sizeof expect);
    assert_string_equal(got, expect);
}

static void test_recorded_scanner_enter(void **s)
{
    (void)s;
    check_recording("tests/data/wedge-scanner-enter.txt");
}

static void test_recorded_human(void **s)
{
    (void)s;
    check_recording("tests/data/wedge-human.txt");
}

static void test_recorded_no_suffix(void **s)
{
    (void)s;
    check_recording("tests/data/wedge-scanner-nosuffix.txt");
}

/* Recorded key timings of a USB barcode scanner typing a pass with Caps Lock on
 * (the host inverts the case of every letter), in the format of tests/data. */
static const char capslock_recording[] =
    "# expect: LOB1.00AA.S.123|LOB1.00AB.S.124\n"
    "2000 l\n2004 o\n2008 b\n2012 1\n2016 .\n2020 0\n2024 0\n2029 a\n"
    "2033 a\n2037 .\n2041 s\n2045 .\n2049 1\n2053 2\n2058 3\n2062 \\n\n"
    "# a person then types in lower case: never delivered\n"
    "4000 h\n4180 e\n4390 l\n4560 l\n4800 o\n4990 \\n\n"
    "# the same scanner without suffix, Caps Lock still on\n"
    "6000 l\n6003 o\n6007 b\n6011 1\n6015 .\n6019 0\n6023 0\n6027 a\n"
    "6031 b\n6035 .\n6039 s\n6043 .\n6047 1\n6051 2\n6055 4\n";

static void test_recorded_capslock(void **s)
{
    (void)s;
    char data[sizeof capslock_recording], got[1024], expect[1024];
    memcpy(data, capslock_recording, sizeof data);
    replay_data(data, got, sizeof got, expect, sizeof expect);
    assert_string_equal(got, expect);
    /* only ASCII letters change: digits, signs and UTF-8 bytes stay as typed */
    wedge *w = wedge_create(NULL);
    char out[32];
    wedge_text(w, "ab.9-\xC3\xA9z", 100);
    wedge_key(w, '\n', 101);
    assert_true(wedge_poll(w, 102, out, sizeof out));
    assert_string_equal(out, "AB.9-\xC3\xA9Z");
    wedge_destroy(w);
}

/* A key held down auto-repeats at about 30 a second, as fast as a slow scanner:
 * never a scan, whatever its length; a real burst with repeated letters is. */
static void test_key_repeat_is_a_person(void **s)
{
    (void)s;
    wedge *w = wedge_create(NULL);
    char out[64];
    for (int i = 0; i < 40; i++)
        wedge_key(w, 'j', 1000 + i * 33);
    wedge_key(w, '\n', 1000 + 40 * 33);
    assert_false(wedge_poll(w, 5000, out, sizeof out));
    /* the same speed with a real payload that has runs in it is a scanner */
    const char *payload = "LOB1.AAAA.S.1111";
    for (int i = 0; payload[i]; i++)
        wedge_key(w, payload[i], 6000 + i * 33);
    wedge_key(w, '\n', 6000 + 15 * 33 + 5);
    assert_true(wedge_poll(w, 7000, out, sizeof out));
    assert_string_equal(out, payload);
    wedge_destroy(w);
}

static void test_timeout_not_early(void **s)
{
    (void)s;
    wedge *w = wedge_create(NULL);
    char out[64];
    wedge_text(w, "", 0);
    for (int i = 0; i < 6; i++)
        wedge_key(w, (char)('A' + i), 10 + i * 5);
    assert_true(wedge_busy(w));
    /* still within the silence limit: nothing yet */
    assert_false(wedge_poll(w, 35 + WEDGE_DEFAULT_END_TIMEOUT_MS - 1, out, sizeof out));
    assert_true(wedge_poll(w, 35 + WEDGE_DEFAULT_END_TIMEOUT_MS + 1, out, sizeof out));
    assert_string_equal(out, "ABCDEF");
    assert_false(wedge_busy(w));
    assert_false(wedge_poll(w, 10000, out, sizeof out));
    wedge_destroy(w);
}

static void test_tab_and_back_to_back(void **s)
{
    (void)s;
    wedge *w = wedge_create(NULL);
    char out[64];
    /* two scans in a row, Tab-terminated, polled only afterwards */
    for (int k = 0; k < 2; k++) {
        wedge_text(w, k ? "LOB2" : "LOB1", 100 + k * 30);
        wedge_key(w, '\t', 101 + k * 30);
    }
    assert_true(wedge_poll(w, 200, out, sizeof out));
    assert_string_equal(out, "LOB1");
    assert_true(wedge_poll(w, 200, out, sizeof out));
    assert_string_equal(out, "LOB2");
    assert_false(wedge_poll(w, 200, out, sizeof out));
    wedge_destroy(w);
}

static void test_hostile(void **s)
{
    (void)s;
    char out[8];
    /* NULL everywhere */
    wedge_key(NULL, 'a', 0);
    wedge_text(NULL, "abc", 0);
    assert_false(wedge_poll(NULL, 0, out, sizeof out));
    assert_false(wedge_busy(NULL));
    wedge_destroy(NULL);
    wedge *w = wedge_create(NULL);
    wedge_text(w, NULL, 0);
    /* too short for a scanner */
    wedge_text(w, "AB", 0);
    wedge_key(w, '\n', 1);
    assert_false(wedge_poll(w, 5, out, sizeof out));
    /* control characters are ignored, a time going backwards is no gap */
    wedge_text(w, "AB\x01" "CD", 500);
    wedge_key(w, 'E', 400);
    wedge_key(w, '\r', 501);
    assert_true(wedge_poll(w, 502, out, sizeof out));
    assert_string_equal(out, "ABCDE");
    /* does not fit the caller's buffer: dropped, never truncated */
    wedge_text(w, "ABCDEFGHIJKL", 1000);
    wedge_key(w, '\n', 1001);
    assert_false(wedge_poll(w, 1002, out, sizeof out));
    /* a burst longer than WEDGE_MAX_LEN is dropped whole */
    for (int i = 0; i < WEDGE_MAX_LEN + 10; i++)
        wedge_key(w, 'Z', 2000);
    wedge_key(w, '\n', 2000);
    char big[WEDGE_MAX_LEN + 16];
    assert_false(wedge_poll(w, 2001, big, sizeof big));
    /* the queue keeps the newest when it overflows */
    for (int k = 0; k < WEDGE_QUEUE + 2; k++) {
        char p[8];
        snprintf(p, sizeof p, "PASS%d", k);
        wedge_text(w, p, 3000 + k);
        wedge_key(w, '\n', 3000 + k);
    }
    int n = 0;
    while (wedge_poll(w, 4000, big, sizeof big))
        n++;
    assert_int_equal(n, WEDGE_QUEUE);
    assert_string_equal(big, "PASS5");
    wedge_destroy(w);
}

static void test_custom_config(void **s)
{
    (void)s;
    wedge_config cfg = {.end_timeout_ms = 300, .avg_gap_max_ms = 200, .min_len = 2};
    wedge *w = wedge_create(&cfg);
    char out[16];
    /* with generous limits a slow typist counts too */
    wedge_key(w, 'O', 0);
    wedge_key(w, 'K', 150);
    assert_false(wedge_poll(w, 400, out, sizeof out));
    assert_true(wedge_poll(w, 451, out, sizeof out));
    assert_string_equal(out, "OK");
    wedge_destroy(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recorded_scanner_enter),
        cmocka_unit_test(test_recorded_human),
        cmocka_unit_test(test_recorded_no_suffix),
        cmocka_unit_test(test_recorded_capslock),
        cmocka_unit_test(test_key_repeat_is_a_person),
        cmocka_unit_test(test_timeout_not_early),
        cmocka_unit_test(test_tab_and_back_to_back),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_custom_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
