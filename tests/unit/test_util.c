/* Unit tests of the shared helpers that guard what reaches a log: foreign text (an
 * LRS answer, a file name, a value from kiosk.ini) is escaped so it cannot move the
 * cursor, recolour the terminal, forge a log line or hide behind a NUL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "lobkiosk/util.h"

static void test_escape_controls(void **state)
{
    (void)state;
    char out[128];
    assert_true(lk_log_escape("plain tekst, ok", out, sizeof out));
    assert_string_equal(out, "plain tekst, ok");
    assert_true(lk_log_escape("\x1b[31mrood\x1b[0m", out, sizeof out));
    assert_string_equal(out, "\\x1b[31mrood\\x1b[0m");
    assert_true(lk_log_escape("a\r\nlobkiosk: forged", out, sizeof out));
    assert_string_equal(out, "a\\r\\nlobkiosk: forged");
    assert_true(lk_log_escape("tab\there\x7f", out, sizeof out));
    assert_string_equal(out, "tab\\there\\x7f");
    /* UTF-8 text stays readable; C1 controls (U+009B is CSI) and broken bytes do not */
    assert_true(lk_log_escape("caf\xc3\xa9 \xe2\x82\xac", out, sizeof out));
    assert_string_equal(out, "caf\xc3\xa9 \xe2\x82\xac");
    assert_true(lk_log_escape("\xc2\x9b"
                              "31m",
                              out, sizeof out));
    assert_string_equal(out, "\\xc2\\x9b31m");
    assert_true(lk_log_escape("\xff\xc3", out, sizeof out));
    assert_string_equal(out, "\\xff\\xc3");
    assert_true(lk_log_escape(NULL, out, sizeof out));
    assert_string_equal(out, "");
}

static void test_escape_bytes_with_nul(void **state)
{
    (void)state;
    char out[64];
    assert_true(lk_log_escape_n("ok\0hidden", 9, out, sizeof out));
    assert_string_equal(out, "ok\\x00hidden");
}

static void test_escape_truncates_whole(void **state)
{
    (void)state;
    char out[8];
    /* never half an escape or half a character, always terminated */
    assert_false(lk_log_escape("abcd\x1b[31m", out, sizeof out));
    assert_string_equal(out, "abcd");
    assert_false(lk_log_escape("abcdef\xc3\xa9", out, sizeof out));
    assert_string_equal(out, "abcdef");
    char one[1];
    assert_false(lk_log_escape("x", one, sizeof one));
    assert_string_equal(one, "");
    assert_false(lk_log_escape("x", NULL, 0));
}

static int64_t clock_42(void)
{
    return 42;
}

/* The clock seam: a function set once; LOBKIOSK_FAKE_NOW is read when asked to,
 * not on every call. */
/* 64-bit time and file offsets: on 32-bit Pi OS a date from 2038 on would
 * otherwise parse as -1 (1970) or wrap. The build sets _TIME_BITS=64 and
 * _FILE_OFFSET_BITS=64; 2099 (the passes' far validity) must come through. */
static void test_dates_past_2038(void **state)
{
    (void)state;
#if !defined(_FILE_OFFSET_BITS) || _FILE_OFFSET_BITS != 64 || !defined(_TIME_BITS) || _TIME_BITS != 64
    fail_msg("built without -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64");
#endif
    assert_int_equal(sizeof(time_t), 8);
    assert_int_equal(sizeof(off_t), 8);
    int64_t ms = 0;
    assert_int_equal(lk_parse_iso8601("2099-06-30T12:00:00+02:00", &ms), LK_OK);
    assert_true(ms == 4086496800000LL);
    assert_int_equal(lk_parse_iso8601("2099-06-30T10:00:00Z", &ms), LK_OK);
    assert_true(ms == 4086496800000LL);
    setenv("TZ", "Europe/Amsterdam", 1);
    tzset();
    assert_int_equal(lk_parse_iso8601("2099-12-31T23:59", &ms), LK_OK); /* local time: mktime */
    assert_int_equal(lk_local_yyyymmdd(ms), 20991231);
    char buf[40];
    lk_format_iso8601(4086496800000LL, buf, sizeof buf);
    assert_string_equal(buf, "2099-06-30T12:00:00.000+02:00");
    /* the second before the epoch is -1 s, a real time, not an error */
    assert_int_equal(lk_parse_iso8601("1969-12-31T23:59:59Z", &ms), LK_OK);
    assert_true(ms == -1000);
    unsetenv("TZ");
    tzset();
}

static void test_clock_seam(void **state)
{
    (void)state;
    unsetenv("LOBKIOSK_FAKE_NOW");
    assert_int_equal(lk_clock_from_env(), LK_OK);
    int64_t real = lk_now_ms();
    assert_true(real > 1700000000000LL);
    setenv("LOBKIOSK_FAKE_NOW", "2026-11-28T10:32:00+01:00", 1);
    assert_int_equal(lk_clock_from_env(), LK_OK);
    int64_t fake = 0;
    assert_int_equal(lk_parse_iso8601("2026-11-28T10:32:00+01:00", &fake), LK_OK);
    assert_int_equal(lk_now_ms(), fake);
    /* changed afterwards: not read again */
    setenv("LOBKIOSK_FAKE_NOW", "2030-01-01T00:00:00Z", 1);
    assert_int_equal(lk_now_ms(), fake);
    /* not a time: said, and the system clock */
    setenv("LOBKIOSK_FAKE_NOW", "tomorrow", 1);
    assert_int_equal(lk_clock_from_env(), LK_ERR_INVALID);
    assert_true(lk_now_ms() >= real);
    lk_clock_set(clock_42);
    assert_int_equal(lk_now_ms(), 42);
    lk_clock_set(NULL);
    assert_true(lk_now_ms() >= real);
    unsetenv("LOBKIOSK_FAKE_NOW");
}

/* Files in dir whose name starts with prefix. */
static int files_like(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

/* lk_write_file never writes through a symlink: one planted at the target, or at
 * what the temporary file used to be called (<file>.tmp.<pid>), leaves its target
 * untouched; no temporary file stays behind; the mode is what was asked. */
static void test_write_file_refuses_symlinks(void **state)
{
    (void)state;
    char dir[] = "/tmp/lk-util-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char victim[128], target[128], old_tmp[160];
    snprintf(victim, sizeof victim, "%s/victim.db", dir);
    snprintf(target, sizeof target, "%s/export.csv", dir);
    assert_int_equal(lk_write_file(victim, "precious", 8, 0600, false), LK_OK);
    /* a symlink at the target itself */
    assert_int_equal(symlink(victim, target), 0);
    assert_int_equal(lk_write_file(target, "csv", 3, 0600, false), LK_ERR_PERMISSION);
    assert_int_equal(lk_write_file(target, "csv", 3, 0600, true), LK_ERR_EXISTS);
    char *text = NULL;
    assert_int_equal(lk_read_file(victim, &text, NULL), LK_OK);
    assert_string_equal(text, "precious");
    free(text);
    unlink(target);
    /* symlinks at the old predictable temporary names, for any pid */
    for (long pid = getpid() - 3; pid <= getpid() + 3; pid++) {
        snprintf(old_tmp, sizeof old_tmp, "%s.tmp.%ld", target, pid);
        assert_int_equal(symlink(victim, old_tmp), 0);
    }
    assert_int_equal(lk_write_file(target, "csv", 3, 0640, false), LK_OK);
    assert_int_equal(lk_read_file(victim, &text, NULL), LK_OK);
    assert_string_equal(text, "precious");
    free(text);
    assert_int_equal(lk_read_file(target, &text, NULL), LK_OK);
    assert_string_equal(text, "csv");
    free(text);
    struct stat sb;
    assert_int_equal(lstat(target, &sb), 0);
    assert_true(S_ISREG(sb.st_mode));
    assert_int_equal(sb.st_mode & 0777, 0640);
    /* overwriting a regular file works; nothing temporary is left */
    assert_int_equal(lk_write_file(target, "csv2", 4, 0600, false), LK_OK);
    assert_int_equal(files_like(dir, ".export.csv."), 0);
    /* a folder in the way is refused, not replaced */
    char sub[160];
    snprintf(sub, sizeof sub, "%s/folder", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(lk_write_file(sub, "x", 1, 0600, false), LK_ERR_PERMISSION);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_seam),
        cmocka_unit_test(test_dates_past_2038),
        cmocka_unit_test(test_escape_controls),
        cmocka_unit_test(test_escape_bytes_with_nul),
        cmocka_unit_test(test_escape_truncates_whole),
        cmocka_unit_test(test_write_file_refuses_symlinks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
