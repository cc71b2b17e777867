/* Unit tests of the search keys for names (src/core/fold.c): accents, ligatures and
 * letters without a decomposition fold to plain small letters, in any process
 * locale (a systemd service runs in "C", where iconv alone makes "Ö" a "?"), from
 * composed and decomposed UTF-8; broken bytes, long names, small buffers and NULL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <pthread.h>
#include <string.h>

#include "lobkiosk/fold.h"

static const char *key(const char *in)
{
    static char out[128];
    fold_key(in, out, sizeof out);
    return out;
}

static void check_names(void)
{
    static const char *const cases[][2] = {
        {"Ömer", "omer"},
        {"Çelik", "celik"},
        {"Élise", "elise"},
        {"Ïsa", "isa"},
        {"Zoë", "zoe"},
        {"IJsbrand", "ijsbrand"},
        {"Ĳsbrand", "ijsbrand"}, /* the ligature */
        {"ĳsbrand", "ijsbrand"},
        {"Şükrü", "sukru"},
        {"Øystein", "oystein"}, /* no decomposition */
        {"Łukasz", "lukasz"},
        {"Straße", "strasse"},
        {"Đorđe", "dorde"},
        {"Nguyễn", "nguyen"},
        {"O\xCC\x88mer", "omer"}, /* decomposed: O and a combining diaeresis */
        {"Anne-Fleur", "annefleur"},
        {"D'Angelo", "dangelo"},
        {"Jan Willem", "janwillem"},
        {"Riëtte2", "riette2"},
        {"李娜", ""}, /* no ASCII form */
        {"%_\\", ""}, /* LIKE's wildcards are no letters */
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (strcmp(key(cases[i][0]), cases[i][1]) != 0)
            fail_msg("fold_key(\"%s\") = \"%s\", want \"%s\"", cases[i][0], key(cases[i][0]),
                     cases[i][1]);
}

static void test_names_fold(void **state)
{
    (void)state;
    check_names();
}

/* The process's own locale does not matter: "C" (a service), the environment's. */
static void test_any_locale(void **state)
{
    (void)state;
    assert_non_null(setlocale(LC_ALL, "C"));
    check_names();
    if (setlocale(LC_ALL, "C.UTF-8"))
        check_names();
    assert_non_null(setlocale(LC_ALL, "C"));
    /* still "C" afterwards: fold_key switched only its own thread, and back */
    assert_string_equal(setlocale(LC_CTYPE, NULL), "C");
}

static void *fold_thread(void *arg)
{
    (void)arg;
    char out[32];
    for (int i = 0; i < 2000; i++)
        if (fold_key("\xC3\x96mer", out, sizeof out) != 4 || strcmp(out, "omer") != 0)
            return (void *)1;
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, fold_thread, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *r = (void *)1;
        assert_int_equal(pthread_join(t[i], &r), 0);
        assert_null(r);
    }
}

static void test_bad_input(void **state)
{
    (void)state;
    char out[8];
    /* bytes that are not UTF-8 are skipped, the rest kept */
    assert_string_equal(key("a\xFF"
                            "b\xC3"
                            "c\xE2\x82"),
                        "abc");
    assert_string_equal(key("\xC3\x96\x80\xBF"
                            "mer"),
                        "omer");                   /* stray continuation bytes */
    assert_string_equal(key("\xC3\x96\xC3"), "o"); /* cut short at the end */
    /* cut at the buffer, always terminated */
    assert_int_equal(fold_key("Maximiliaan", out, sizeof out), 7);
    assert_string_equal(out, "maximil");
    assert_int_equal(fold_key("\xC3\x96mer", out, 1), 0);
    assert_string_equal(out, "");
    assert_int_equal(fold_key(NULL, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(fold_key("x", NULL, 8), 0);
    assert_int_equal(fold_key("x", out, 0), 0);
    /* a very long name: only the first FOLD_INPUT_MAX bytes count */
    static char longname[4 * FOLD_INPUT_MAX];
    for (size_t i = 0; i + 2 < sizeof longname; i += 2)
        memcpy(longname + i, "\xC3\x9F", 2); /* ß ß ß ... -> ss ss ss */
    static char big[8 * FOLD_INPUT_MAX];
    size_t n = fold_key(longname, big, sizeof big);
    assert_int_equal(n, FOLD_INPUT_MAX); /* FOLD_INPUT_MAX / 2 letters, two each */
    assert_int_equal(strspn(big, "s"), n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_fold),
        cmocka_unit_test(test_any_locale),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
