/* The coordinator's report from one read of the check-ins (report_fast.c) against
 * the reference: each section's own SQL query (report_write_reference). A store is
 * seeded with a few thousand check-ins that hit the corners (students on and off
 * the roster, two schools, groups and none, events missing from the events table,
 * open check-outs, check-outs before their check-in, manual check-ins, answers
 * without a competency, with '' and with an unknown one, written notes, confirmed
 * check-ins, times over the clock changes, before 1970 and after 2038), and both
 * must print the same report, byte for byte, text and CSV, for every filter, in
 * three time zones, and again after a forget and a purge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/report_int.h"
#include "lobkiosk/report.h"
#include "lobkiosk/util.h"

#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL
#define T0 1758672000000LL /* 2025-09-24 00:00 UTC: a school year with both clock changes */

typedef struct fixture {
    char dir[64];
    store *st;
    config *cfg;
} fixture;

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err ? err : "?");
}

static const char *const GROUPS[] = {"3A", "3B", "4A", "", "5H,6V"};
static const char *const KINDS[] = {"open_day",    "trial_day",      "company_visit",
                                    "career_fair", "internship_day", "other"};

static void cfg_event(config *cfg, const char *id, const char *kind, const char *groups)
{
    config_event *ev = &cfg->events[cfg->n_events++];
    lk_strlcpy(ev->id, id, sizeof ev->id);
    lk_strlcpy(ev->title, id, sizeof ev->title);
    lk_strlcpy(ev->kind, kind, sizeof ev->kind);
    lk_strlcpy(ev->expected_groups, groups, sizeof ev->expected_groups);
}

/* The roster, 14 events (12 in the events table, two of them without check-ins,
 * and two ids only check-ins name) and about 3,000 check-ins with their answers
 * and confirmations, written with SQL straight into the store's schema. */
static void seed(fixture *f)
{
    sqlite3 *db = store_db(f->st);
    exec(db, "BEGIN");
    sqlite3_stmt *q = NULL;
    /* 260 roster students of two schools (20 never check in); 40 more students
     * only check in */
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO roster (issuer, subject, first_name, grp,"
                                        " updated_ms) VALUES (?, ?, ?, ?, 0)",
                                        -1, &q, NULL),
                     SQLITE_OK);
    for (int i = 0; i < 260; i++) {
        char subject[16], name[32];
        snprintf(subject, sizeof subject, "S%04d", i);
        snprintf(name, sizeof name, "%s %d", i % 7 ? "Sam" : "Ëva", i % 50);
        sqlite3_bind_text(q, 1, i % 3 ? "00AA" : "00BB", -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, subject, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 3, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 4, GROUPS[i % 5], -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(q), SQLITE_DONE);
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    /* events: E01..E12 in the table (E11, E12 without check-ins), X1 and X2 only in
     * check-ins; kiosk.ini expects groups at some */
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO events (id, title, kind, host, location,"
                                        " start_ms, end_ms, mode) VALUES (?, ?, ?, ?, '', ?, ?, ?)",
                                        -1, &q, NULL),
                     SQLITE_OK);
    for (int e = 0; e < 12; e++) {
        char id[8], title[32];
        snprintf(id, sizeof id, "E%02d", e + 1);
        snprintf(title, sizeof title, "Dag \"%d\"; =1+1", e + 1);
        int64_t start = T0 + (int64_t)e * 29 * DAY_MS;
        sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 2, title, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 3, e == 9 ? "weird_kind" : KINDS[e % 6], -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4,
                          e % 4 == 0   ? ""
                          : e % 4 == 1 ? "Bakkerij Bol"
                                       : "Zorg & Co",
                          -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 5, start);
        sqlite3_bind_int64(q, 6, start + DAY_MS);
        sqlite3_bind_text(q, 7, e % 3 == 1 ? "checkin" : "checkin_checkout", -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(q), SQLITE_DONE);
        sqlite3_reset(q);
        if (e % 3 == 0 || e == 10)
            cfg_event(f->cfg, id, KINDS[e % 6], e == 10 ? "3A" : e % 2 ? "3B, 4A" : "3A,5H,6V");
    }
    sqlite3_finalize(q);
    cfg_event(f->cfg, "X1", "other", "3B");
    /* check-ins */
    sqlite3_stmt *qx = NULL, *qa = NULL, *qc = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT OR IGNORE INTO experiences (event_id, issuer,"
                                        " subject, checkin_ms, checkin_uuid, checkout_ms,"
                                        " checkout_uuid, manual) VALUES (?, ?, ?, ?, ?, ?, '', ?)",
                                        -1, &qx, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO answers (experience_id, question_id,"
                                        " competency, response, answered_ms, uuid)"
                                        " VALUES (?, ?, ?, ?, 0, ?)",
                                        -1, &qa, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO confirmations (experience_id, host_issuer,"
                                        " host_subject, confirmed_ms, uuid)"
                                        " VALUES (?, '00AA', 'H01', 0, ?)",
                                        -1, &qc, NULL),
                     SQLITE_OK);
    static const char *const COMPS[] = {
        "qualities", "motives", "work_exploration", "career_steering", "networking",
        NULL,        "",        "curiosity"};
    static const char *const QIDS[] = {"overall", "work", "strengths", "note", "network"};
    for (int i = 0; i < 3200; i++) {
        int e = (int)rnd(14);
        char id[8], subject[16], uuid[37];
        if (e < 10)
            snprintf(id, sizeof id, "E%02d", e + 1);
        else
            snprintf(id, sizeof id, e == 10 ? "X1" : e == 11 ? "X2" : "E%02d", e - 11);
        int s = (int)rnd(280);
        s += s >= 240 ? 20 : 0;
        snprintf(subject, sizeof subject, "S%04d", s);
        /* mostly the event's day (spread over 24 hours: the clock changes fall in
         * some), now and then far away, before 1970 or after 2038 */
        int64_t day = T0 + (int64_t)(e < 10 ? e : e - 10) * 29 * DAY_MS;
        int64_t in = day + (int64_t)rnd(24 * 60) * 60000 + rnd(60000);
        uint32_t odd = rnd(100);
        if (odd == 0)
            in = 4102444800000LL + (int64_t)rnd(400) * DAY_MS; /* 2100 */
        else if (odd == 1)
            in = -86400000LL * (int64_t)rnd(4000) - rnd(5000); /* before 1970 */
        else if (odd == 2)
            in = T0 + 186 * DAY_MS + 3600000LL * rnd(4); /* 2026-03-29 around 01:00 UTC */
        uint32_t o = rnd(10);
        int64_t out = o < 4 ? 0 : o < 9 ? in + (int64_t)rnd(600) * 60000 : in - 60000;
        sqlite3_bind_text(qx, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(qx, 2, s % 3 ? "00AA" : "00BB", -1, SQLITE_STATIC);
        sqlite3_bind_text(qx, 3, subject, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(qx, 4, in);
        lk_uuid4(uuid, sizeof uuid);
        sqlite3_bind_text(qx, 5, uuid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(qx, 6, out);
        sqlite3_bind_int(qx, 7, rnd(20) == 0);
        assert_int_equal(sqlite3_step(qx), SQLITE_DONE);
        sqlite3_reset(qx);
        if (!sqlite3_changes(db))
            continue;
        int64_t exp = sqlite3_last_insert_rowid(db);
        for (uint32_t a = rnd(5); a > 0 && a < 4; a--) {
            int c = (int)rnd(8);
            char resp[32];
            int qi = (int)rnd(5);
            if (qi == 3)
                snprintf(resp, sizeof resp, "Leuk; \"echt\" %u", rnd(30));
            else
                snprintf(resp, sizeof resp, "%u", 1 + rnd(5));
            sqlite3_bind_int64(qa, 1, exp);
            sqlite3_bind_text(qa, 2, QIDS[qi], -1, SQLITE_STATIC);
            if (COMPS[c])
                sqlite3_bind_text(qa, 3, COMPS[c], -1, SQLITE_STATIC);
            else
                sqlite3_bind_null(qa, 3);
            sqlite3_bind_text(qa, 4, resp, -1, SQLITE_TRANSIENT);
            lk_uuid4(uuid, sizeof uuid);
            sqlite3_bind_text(qa, 5, uuid, -1, SQLITE_TRANSIENT);
            assert_int_equal(sqlite3_step(qa), SQLITE_DONE);
            sqlite3_reset(qa);
        }
        if (rnd(4) == 0) {
            sqlite3_bind_int64(qc, 1, exp);
            lk_uuid4(uuid, sizeof uuid);
            sqlite3_bind_text(qc, 2, uuid, -1, SQLITE_TRANSIENT);
            assert_int_equal(sqlite3_step(qc), SQLITE_DONE);
            sqlite3_reset(qc);
        }
    }
    sqlite3_finalize(qx);
    sqlite3_finalize(qa);
    sqlite3_finalize(qc);
    exec(db, "INSERT INTO refusals (day, reason, count) VALUES (20251001, 'expired', 3)");
    exec(db, "COMMIT");
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/lk-rfast-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char path[128];
    snprintf(path, sizeof path, "%s/%s", f->dir, LK_DB_FILE);
    assert_int_equal(store_open(path, &f->st, NULL, 0), LK_OK);
    f->cfg = calloc(1, sizeof *f->cfg);
    assert_non_null(f->cfg);
    config_defaults(f->cfg);
    seed(f);
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
    free(f->cfg);
    free(f);
    return rc;
}

static char *run(fixture *f, const report_filter *flt, report_format fmt, bool reference)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    lk_status ls = reference ? report_write_reference(f->st, f->cfg, flt, fmt, out)
                             : report_write(f->st, f->cfg, flt, fmt, out);
    assert_int_equal(ls, LK_OK);
    fclose(out);
    return buf;
}

/* Both reports for every filter, text and CSV; returns how many lines were
 * compared. */
static size_t compare_all(fixture *f)
{
    const int64_t until = T0 + 120 * DAY_MS;
    const report_filter filters[] = {
        {0},
        {.event_id = "E04"},
        {.event_id = "X1"},
        {.event_id = "E11"},
        {.event_id = "NOPE"},
        {.group = "3A"},
        {.group = "5H,6V"},
        {.group = "nobody"},
        {.event_id = "E01", .group = "3A"},
        {.since_ms = T0 + 30 * DAY_MS},
        {.until_ms = until},
        {.since_ms = T0 + 50 * DAY_MS, .until_ms = until, .group = "3B"},
        {.since_ms = -DAY_MS * 1000, .until_ms = 1},
        {.event_id = "", .group = ""},
    };
    size_t lines = 0;
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
        for (int fmt = REPORT_TEXT; fmt <= REPORT_CSV; fmt++) {
            char *fast = run(f, &filters[i], (report_format)fmt, false);
            char *ref = run(f, &filters[i], (report_format)fmt, true);
            if (strcmp(fast, ref) != 0) {
                const char *a = fast, *b = ref;
                int line = 1;
                while (*a && *a == *b) {
                    line += *a == '\n';
                    a++;
                    b++;
                }
                fail_msg("filter %zu format %d differs at line %d:\nfast: %.120s\nref:  %.120s", i,
                         fmt, line, a, b);
            }
            for (const char *p = ref; *p; p++)
                lines += *p == '\n';
            free(fast);
            free(ref);
        }
    return lines;
}

static void set_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static void test_same_as_reference(void **state)
{
    fixture *f = *state;
    const char *zones[] = {"Europe/Amsterdam", "Asia/Kolkata", "Australia/Lord_Howe"};
    for (size_t z = 0; z < 3; z++) {
        set_tz(zones[z]);
        size_t lines = compare_all(f);
        assert_true(lines > 2000); /* the seed reached every section */
    }
    set_tz("Europe/Amsterdam");
    /* every section is there and has rows on its own too */
    for (int id = 0; id < REPORT_T_COUNT; id++) {
        report_table a, b;
        assert_int_equal(report_table_get(f->st, f->cfg, NULL, (report_table_id)id, &a), LK_OK);
        assert_int_equal(report_table_get_reference(f->st, f->cfg, NULL, (report_table_id)id, &b),
                         LK_OK);
        assert_int_equal(a.rows, b.rows);
        if (a.rows == 0)
            fail_msg("section %s is empty", a.name);
        for (size_t r = 0; r < a.rows; r++)
            for (size_t c = 0; c < a.cols; c++)
                assert_string_equal(report_cell(&a, r, c), report_cell(&b, r, c));
        report_table_free(&a);
        report_table_free(&b);
    }
    unsetenv("TZ");
    tzset();
}

/* A report about one event, one group or a period reads its check-ins, their
 * answers and confirmations through indexes: never a whole table, so report
 * --event costs the same after a year as on the first day. */
static void test_scoped_reports_use_indexes(void **state)
{
    fixture *f = *state;
    const report_filter scopes[] = {
        {.event_id = "E04"},
        {.event_id = "E04", .group = "3A", .since_ms = 1, .until_ms = T0},
        {.group = "3A"},
        {.since_ms = T0, .until_ms = T0 + DAY_MS},
    };
    for (size_t k = 0; k < sizeof scopes / sizeof scopes[0]; k++) {
        char sql[1024];
        for (size_t i = 0; report_fast_scope_sql(&scopes[k], i, sql, sizeof sql); i++) {
            char *eqp = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
            sqlite3_stmt *s = NULL;
            assert_int_equal(sqlite3_prepare_v2(store_db(f->st), eqp, -1, &s, NULL), SQLITE_OK);
            sqlite3_free(eqp);
            int steps = 0;
            while (sqlite3_step(s) == SQLITE_ROW) {
                const char *d = (const char *)sqlite3_column_text(s, 3);
                steps++;
                /* the roster (a school's students) may be read; check-ins and their
                 * answers and confirmations only through an index */
                if (d && strncmp(d, "SCAN ", 5) == 0 && strncmp(d, "SCAN r", 6) != 0)
                    fail_msg("scope %zu statement %zu reads a whole table (%s): %s", k, i, d, sql);
            }
            sqlite3_finalize(s);
            assert_true(steps > 0);
        }
    }
    /* the check catches a full scan */
    char *eqp =
        sqlite3_mprintf("EXPLAIN QUERY PLAN SELECT id FROM experiences e WHERE e.manual = 1");
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(f->st), eqp, -1, &s, NULL), SQLITE_OK);
    sqlite3_free(eqp);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_true(strncmp((const char *)sqlite3_column_text(s, 3), "SCAN e", 6) == 0);
    sqlite3_finalize(s);
}

static char *no_void(const char *void_uuid, const char *target_uuid, int64_t now_ms, void *user)
{
    (void)void_uuid;
    (void)target_uuid;
    (void)now_ms;
    (void)user;
    return strdup("{}");
}

/* Nothing is kept beside the records: a forget, a purge and a corrected check-out
 * show in the next report as in the reference. */
static void test_after_forget_purge_and_correction(void **state)
{
    fixture *f = *state;
    set_tz("Europe/Amsterdam");
    char *before = run(f, NULL, REPORT_CSV, false);
    store_forget_stats fs;
    assert_int_equal(store_forget(f->st, "00AA", "S0001", no_void, NULL, &fs), LK_OK);
    assert_true(fs.experiences > 0);
    store_purge_stats ps;
    setenv("LOBKIOSK_CLOCK_SYNC", "yes", 1); /* retention runs on a synchronised clock */
    assert_int_equal(store_purge(f->st, 300 * DAY_MS, &ps), LK_OK);
    unsetenv("LOBKIOSK_CLOCK_SYNC");
    assert_true(ps.roster > 0);
    exec(store_db(f->st), "UPDATE experiences SET checkout_ms = checkin_ms + 7200000"
                          " WHERE id = (SELECT min(id) FROM experiences WHERE checkout_ms = 0)");
    char *after = run(f, NULL, REPORT_CSV, false);
    assert_string_not_equal(before, after);
    compare_all(f);
    free(before);
    free(after);
    unsetenv("TZ");
    tzset();
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_same_as_reference),
        T(test_after_forget_purge_and_correction),
        T(test_scoped_reports_use_indexes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
