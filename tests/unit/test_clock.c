/* Tests of the clock state (src/core/clock.c) and the store's use of it
 * (src/core/store_clock.c): records made on an unsynchronised clock are listed
 * with their boot and boot time and corrected when the clock is synchronised in
 * the same boot (also in their queued statements), never in another boot; no
 * queued statement keeps a time in the future; retention refuses an
 * unsynchronised clock, a clock that jumped forward in the last day and one far
 * past the latest time seen. The clock is faked through the documented seams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "lobkiosk/clock.h"
#include "lobkiosk/defaults.h"
#include "lobkiosk/store.h"
#include "lobkiosk/util.h"

#define DAY_MS (24 * 3600 * 1000LL)
/* 2026-11-28T09:00:00+01:00 */
#define T0 1795852800000LL

typedef struct fixture {
    char dir[64];
    char path[128];
    store *st;
} fixture;

/* The clock as the test says: wall time, boot time and synchronised or not. */
static void fake_clock(int64_t wall_ms, int64_t boot_ms, bool synced)
{
    char iso[40], boot[32];
    lk_format_iso8601(wall_ms, iso, sizeof iso);
    snprintf(boot, sizeof boot, "%lld", (long long)boot_ms);
    setenv("LOBKIOSK_FAKE_NOW", iso, 1);
    setenv("LOBKIOSK_FAKE_BOOT_MS", boot, 1);
    setenv("LOBKIOSK_CLOCK_SYNC", synced ? "yes" : "no", 1);
    assert_int_equal(lk_clock_from_env(), LK_OK);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/lk-clock-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, LK_DB_FILE);
    assert_int_equal(store_open(f->path, &f->st, NULL, 0), LK_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    int rc = system(cmd);
    free(f);
    unsetenv("LOBKIOSK_FAKE_NOW");
    unsetenv("LOBKIOSK_FAKE_BOOT_MS");
    unsetenv("LOBKIOSK_CLOCK_SYNC");
    unsetenv("LOBKIOSK_SET_TIME_CMD");
    lk_clock_set(NULL);
    return rc;
}

static int64_t num(store *st, const char *sql)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static void text(store *st, const char *sql, char *out, size_t len)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(s, 0);
    lk_strlcpy(out, t ? (const char *)t : "", len);
    sqlite3_finalize(s);
}

/* A check-in of subject at wall time ms, its statement carrying that time. */
static void checkin(store *st, const char *subject, int64_t ms, char *uuid_out)
{
    store_experience e;
    memset(&e, 0, sizeof e);
    lk_strlcpy(e.event_id, "E1", sizeof e.event_id);
    lk_strlcpy(e.issuer, "00AA", sizeof e.issuer);
    lk_strlcpy(e.subject, subject, sizeof e.subject);
    e.checkin_ms = ms;
    lk_uuid4(e.checkin_uuid, sizeof e.checkin_uuid);
    char ts[40], json[160];
    lk_format_iso8601(ms, ts, sizeof ts);
    snprintf(json, sizeof json, "{\"id\":\"%s\",\"timestamp\":\"%s\"}", e.checkin_uuid, ts);
    store_statement stmt = {e.checkin_uuid, "checkin", json};
    assert_int_equal(store_record_checkin(st, &e, &stmt), LK_OK);
    if (uuid_out)
        strcpy(uuid_out, e.checkin_uuid);
}

static bool probe_no(void)
{
    return false;
}

static void test_probe_and_seams(void **state)
{
    (void)state;
    setenv("LOBKIOSK_CLOCK_SYNC", "no", 1);
    assert_false(clock_synced());
    setenv("LOBKIOSK_CLOCK_SYNC", "yes", 1);
    assert_true(clock_synced());
    clock_set_probe(probe_no);
    assert_false(clock_synced());
    clock_set_probe(NULL);
    assert_true(clock_synced());
    unsetenv("LOBKIOSK_CLOCK_SYNC");
    fake_clock(T0, 5000, true);
    unsetenv("LOBKIOSK_CLOCK_SYNC");
    lk_clock c;
    clock_read(&c);
    assert_true(c.synced); /* a fake clock is exact */
    assert_true(c.wall_ms == T0);
    assert_true(c.boot_ms == 5000);
    assert_string_equal(c.boot_id, "fake");
    unsetenv("LOBKIOSK_FAKE_NOW");
    unsetenv("LOBKIOSK_FAKE_BOOT_MS");
    assert_int_equal(lk_clock_from_env(), LK_OK);
    clock_read(&c); /* the real one */
    assert_int_equal(strlen(c.boot_id), 36);
    assert_true(c.boot_ms > 0);
}

static void test_records_corrected_in_the_same_boot(void **state)
{
    fixture *f = *state;
    store *st = f->st;
    char a[37], b[37];
    /* The Pi booted with a clock 45 days behind; two check-ins a minute apart. */
    fake_clock(T0, 100000, false);
    checkin(st, "1001", T0, a);
    fake_clock(T0 + 60000, 160000, false);
    checkin(st, "1002", T0 + 60000, b);
    /* one from an earlier boot */
    assert_int_equal(sqlite3_exec(store_db(st),
                                  "INSERT INTO clock_unsynced VALUES ('earlier-boot-row', 'other', 5, 6)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    int64_t n = 0;
    assert_int_equal(store_clock_unsynced_count(st, &n), LK_OK);
    assert_int_equal(n, 3);
    /* not synchronised yet: nothing changes */
    lk_clock c;
    clock_read(&c);
    int64_t fixed = -1;
    assert_int_equal(store_clock_correct(st, &c, &fixed), LK_OK);
    assert_int_equal(fixed, 0);
    /* Network time comes 10 minutes of boot time later: it is 45 days later. */
    int64_t truth = T0 + 45 * DAY_MS;
    fake_clock(truth, 760000, true);
    clock_read(&c);
    assert_int_equal(store_clock_correct(st, &c, &fixed), LK_OK);
    assert_int_equal(fixed, 2);
    char sql[200], got[80];
    snprintf(sql, sizeof sql, "SELECT checkin_ms FROM experiences WHERE checkin_uuid = '%s'", a);
    assert_true(num(st, sql) == truth - 660000);
    snprintf(sql, sizeof sql, "SELECT checkin_ms FROM experiences WHERE checkin_uuid = '%s'", b);
    assert_true(num(st, sql) == truth - 600000);
    /* the queued statement carries the true time too (UTC) */
    snprintf(sql, sizeof sql, "SELECT json_extract(json, '$.timestamp') FROM outbox WHERE uuid = '%s'", a);
    text(st, sql, got, sizeof got);
    int64_t parsed = 0;
    assert_int_equal(lk_parse_iso8601(got, &parsed), LK_OK);
    assert_true(parsed == truth - 660000);
    snprintf(sql, sizeof sql, "SELECT created_ms FROM outbox WHERE uuid = '%s'", a);
    assert_true(num(st, sql) == truth - 660000);
    /* the other boot's record stays listed */
    assert_int_equal(store_clock_unsynced_count(st, &n), LK_OK);
    assert_int_equal(n, 1);
    /* a synchronised clock lists nothing new */
    checkin(st, "1003", truth, NULL);
    assert_int_equal(store_clock_unsynced_count(st, &n), LK_OK);
    assert_int_equal(n, 1);
}

static void test_no_statement_in_the_future(void **state)
{
    fixture *f = *state;
    store *st = f->st;
    char a[37], sent[37];
    /* The clock was 3 days ahead when these were made (and thought synchronised). */
    fake_clock(T0 + 3 * DAY_MS, 1000, true);
    checkin(st, "1001", T0 + 3 * DAY_MS, a);
    checkin(st, "1002", T0 + 3 * DAY_MS, sent);
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE outbox SET state = 1 WHERE uuid = '%s'", sent);
    assert_int_equal(sqlite3_exec(store_db(st), sql, NULL, NULL, NULL), SQLITE_OK);
    fake_clock(T0, 2000, true);
    lk_clock c;
    clock_read(&c);
    assert_int_equal(store_clock_correct(st, &c, NULL), LK_OK);
    snprintf(sql, sizeof sql, "SELECT created_ms FROM outbox WHERE uuid = '%s'", a);
    assert_true(num(st, sql) == T0);
    assert_int_equal(num(st, "SELECT count(*) FROM outbox WHERE id IN (SELECT id FROM "
                             "outbox_queue) AND created_ms > 1795852800000"),
                     0);
    char got[80];
    snprintf(sql, sizeof sql, "SELECT json_extract(json, '$.timestamp') FROM outbox WHERE uuid = '%s'", a);
    text(st, sql, got, sizeof got);
    int64_t parsed = 0;
    assert_int_equal(lk_parse_iso8601(got, &parsed), LK_OK);
    assert_true(parsed == T0);
    /* a sent statement is history: left alone */
    snprintf(sql, sizeof sql, "SELECT created_ms FROM outbox WHERE uuid = '%s'", sent);
    assert_true(num(st, sql) == T0 + 3 * DAY_MS);
}

static void test_retention_guard(void **state)
{
    fixture *f = *state;
    store *st = f->st;
    store_purge_stats ps;
    /* A roster row and a sent statement from long ago. */
    fake_clock(T0, 1000, true);
    checkin(st, "1001", T0, NULL);
    assert_int_equal(sqlite3_exec(store_db(st),
                                  "UPDATE outbox SET state = 1, sent_ms = 1795852800000;"
                                  "INSERT INTO roster (issuer, subject, first_name, updated_ms)"
                                  " VALUES ('00AA', '1001', 'Fatima', 1795852800000)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(store_purge(st, 30 * DAY_MS, &ps), LK_OK); /* seen at T0, nothing old */
    assert_int_equal(ps.statements + ps.roster, 0);
    /* 1. Unsynchronised, 45 days on: nothing deleted. */
    fake_clock(T0 + 45 * DAY_MS, 1000 + 45 * DAY_MS, false);
    assert_int_equal(store_purge(st, 30 * DAY_MS, &ps), LK_ERR_CLOCK);
    assert_non_null(strstr(ps.refused, "not synchronised"));
    /* 2. Synchronised, but the wall clock jumped 45 days ahead of the boot clock
     *    in this boot: nothing deleted, for a day. */
    fake_clock(T0 + 46 * DAY_MS, 1000 + 45 * DAY_MS + 60000, true);
    assert_int_equal(store_purge(st, 30 * DAY_MS, &ps), LK_ERR_CLOCK);
    assert_non_null(strstr(ps.refused, "jumped"));
    fake_clock(T0 + 46 * DAY_MS + 3600000, 1000 + 45 * DAY_MS + 3660000, true);
    assert_int_equal(store_purge(st, 30 * DAY_MS, &ps), LK_ERR_CLOCK);
    assert_int_equal(num(st, "SELECT count(*) FROM roster"), 1);
    assert_int_equal(num(st, "SELECT count(*) FROM outbox"), 1);
    /* 3. A day of steady clock later: retention does its work. */
    fake_clock(T0 + 47 * DAY_MS + 60000, 1000 + 46 * DAY_MS + 120000, true);
    assert_int_equal(store_purge(st, 30 * DAY_MS, &ps), LK_OK);
    assert_int_equal(ps.statements, 1);
    assert_int_equal(ps.roster, 1);
    /* 4. After a reboot, 500 days past the latest time seen: refused. */
    fake_clock(T0 + 547 * DAY_MS, 5000, true);
    setenv("LOBKIOSK_FAKE_BOOT_MS", "5000", 1);
    assert_int_equal(sqlite3_exec(store_db(st), "UPDATE clock_seen SET boot_id = 'before-reboot'", NULL,
                                  NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(store_purge(st, 30 * DAY_MS, &ps), LK_ERR_CLOCK);
    assert_non_null(strstr(ps.refused, "days past the latest time"));
}

static void test_set_wall(void **state)
{
    (void)state;
    char msg[200];
    setenv("LOBKIOSK_SET_TIME_CMD", "true", 1);
    assert_int_equal(clock_set_wall(T0, msg, sizeof msg), LK_OK);
    setenv("LOBKIOSK_SET_TIME_CMD", "false", 1); /* timedatectl: "Access denied", 1 */
    assert_int_equal(clock_set_wall(T0, msg, sizeof msg), LK_ERR_PERMISSION);
    assert_non_null(strstr(msg, "set-time"));
    assert_int_equal(clock_set_wall(0, msg, sizeof msg), LK_ERR_INVALID);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_probe_and_seams),
        T(test_records_corrected_in_the_same_boot),
        T(test_no_statement_in_the_future),
        T(test_retention_guard),
        T(test_set_wall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
