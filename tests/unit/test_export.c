/* Unit tests of the exports: format names, CSV for a Dutch spreadsheet (BOM, ';',
 * quoting, formula guard), JSON Lines, the xAPI array, --since and bad arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "lobkiosk/export.h"
#include "lobkiosk/util.h"

static store *open_tmp(char *path, size_t len)
{
    snprintf(path, len, "/tmp/lk-test-export-%d.db", (int)getpid());
    unlink(path);
    store *s = NULL;
    assert_int_equal(store_open(path, &s, NULL, 0), LK_OK);
    return s;
}

static void add(store *s, const char *subject, int64_t ms, const char *response)
{
    store_experience e;
    memset(&e, 0, sizeof e);
    lk_strlcpy(e.event_id, "EV1", sizeof e.event_id);
    lk_strlcpy(e.issuer, "00AA", sizeof e.issuer);
    lk_strlcpy(e.subject, subject, sizeof e.subject);
    e.checkin_ms = ms;
    lk_uuid4(e.checkin_uuid, sizeof e.checkin_uuid);
    json_t *j = json_pack("{s:s, s:{s:{s:s,s:s}}, s:{s:s}, s:{s:s}}", "id", e.checkin_uuid, "actor",
                          "account", "homePage", "https://s.example/", "name", subject, "object",
                          "id", "https://a.example/events/EV1", "result", "response", response);
    char *json = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    store_statement st = {e.checkin_uuid, "checkin", json};
    assert_int_equal(store_record_checkin(s, &e, &st), LK_OK);
    free(json);
}

static char *run(store *s, export_format fmt, int64_t since, size_t *n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(export_write(s, fmt, since, f, n), LK_OK);
    fclose(f);
    return buf;
}

static void test_formats(void **state)
{
    export_format f;
    assert_int_equal(export_format_parse("csv", &f), LK_OK);
    assert_int_equal(f, EXPORT_CSV);
    assert_int_equal(export_format_parse("jsonl", &f), LK_OK);
    assert_int_equal(f, EXPORT_JSONL);
    assert_int_equal(export_format_parse("xapi", &f), LK_OK);
    assert_int_equal(f, EXPORT_XAPI);
    assert_int_equal(export_format_parse("CSV", &f), LK_ERR_INVALID);
    assert_int_equal(export_format_parse("", &f), LK_ERR_INVALID);
    assert_int_equal(export_format_parse(NULL, &f), LK_ERR_INVALID);
    assert_int_equal(export_format_parse("csv", NULL), LK_ERR_INVALID);
    size_t n = 7;
    assert_int_equal(export_write(NULL, EXPORT_CSV, 0, stdout, &n), LK_ERR_INVALID);
    assert_int_equal(n, 0);
    assert_int_equal(export_to_file(NULL, EXPORT_CSV, 0, "/tmp/x", NULL), LK_ERR_INVALID);
}

static void test_csv_jsonl_xapi(void **state)
{
    char path[128];
    store *s = open_tmp(path, sizeof path);
    size_t n = 0;
    char *csv = run(s, EXPORT_CSV, 0, &n);
    assert_int_equal(n, 0);
    assert_memory_equal(csv, "\xEF\xBB\xBF\"time\";", 10); /* header only */
    free(csv);
    add(s, "S1", 1764324000000LL, "=HYPERLINK(\"x\")");
    add(s, "S2", 1764327600000LL, "a;b\"c\r\nd");
    csv = run(s, EXPORT_CSV, 0, &n);
    assert_int_equal(n, 2);
    assert_non_null(strstr(csv, "\"'=HYPERLINK(\"\"x\"\")\";")); /* quoted, formula guarded */
    assert_non_null(strstr(csv, "\"a;b\"\"c\r\nd\""));
    assert_non_null(strstr(csv, "\"S1\";"));
    assert_non_null(strstr(csv, "\r\n\""));
    free(csv);
    char *jl = run(s, EXPORT_JSONL, 1764327000000LL, &n); /* only S2 */
    assert_int_equal(n, 1);
    json_error_t e;
    json_t *row = json_loads(jl, JSON_DISABLE_EOF_CHECK, &e);
    assert_non_null(row);
    assert_string_equal(json_string_value(json_object_get(row, "account")), "S2");
    assert_string_equal(json_string_value(json_object_get(row, "response")), "a;b\"c\r\nd");
    json_decref(row);
    free(jl);
    char *xa = run(s, EXPORT_XAPI, 0, &n);
    json_t *arr = json_loads(xa, 0, &e);
    assert_true(json_is_array(arr));
    assert_int_equal(json_array_size(arr), 2);
    json_decref(arr);
    free(xa);
    store_close(s);
    unlink(path);
}

/* The admin's USB export: both files on the stick, named by kiosk and day. */
static void test_to_usb(void **state)
{
    char dir[64] = "/tmp/lk-test-usb-XXXXXX";
    assert_non_null(mkdtemp(dir));
    config *cfg = malloc(sizeof *cfg);
    assert_non_null(cfg);
    config_defaults(cfg);
    lk_strlcpy(cfg->data_dir, dir, sizeof cfg->data_dir);
    lk_strlcpy(cfg->kiosk_id, "HAL-2", sizeof cfg->kiosk_id);
    char stick[96];
    snprintf(stick, sizeof stick, "%s/stick", dir);
    assert_int_equal(mkdir(stick, 0700), 0);
    setenv("LOBKIOSK_USB_ROOT", stick, 1);
    int64_t now = 1764324000000LL;
    assert_int_equal(export_to_usb(cfg, now), LK_OK);
    char path[160];
    struct stat sb;
    snprintf(path, sizeof path, "%s/lobkiosk-HAL-2-%d.csv", stick, lk_local_yyyymmdd(now));
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    unlink(path);
    snprintf(path, sizeof path, "%s/lobkiosk-HAL-2-%d.json", stick, lk_local_yyyymmdd(now));
    assert_int_equal(stat(path, &sb), 0);
    unlink(path);
    /* a stick that went away while exporting */
    rmdir(stick);
    assert_int_not_equal(export_to_usb(cfg, now), LK_OK);
    unsetenv("LOBKIOSK_USB_ROOT");
    assert_int_equal(export_to_usb(NULL, now), LK_ERR_INVALID);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    free(cfg);
}

/* A kiosk's config and store in a fresh folder, with n check-ins. */
static config *kiosk_with(char *dir, size_t dir_len, int n)
{
    snprintf(dir, dir_len, "/tmp/lk-test-usb2-XXXXXX");
    assert_non_null(mkdtemp(dir));
    config *cfg = malloc(sizeof *cfg);
    assert_non_null(cfg);
    config_defaults(cfg);
    lk_strlcpy(cfg->data_dir, dir, sizeof cfg->data_dir);
    lk_strlcpy(cfg->kiosk_id, "HAL-3", sizeof cfg->kiosk_id);
    char db[CONFIG_PATH_MAX + 64];
    assert_int_equal(store_path(cfg, db, sizeof db), LK_OK);
    store *s = NULL;
    assert_int_equal(store_open(db, &s, NULL, 0), LK_OK);
    /* set-up, not the thing tested: no fsync per row */
    sqlite3_exec(store_db(s), "PRAGMA synchronous = OFF", NULL, NULL, NULL);
    for (int i = 0; i < n; i++) {
        char subj[16];
        snprintf(subj, sizeof subj, "S%d", i);
        add(s, subj, 1764324000000LL + i, "ok");
    }
    store_close(s);
    return cfg;
}

static void rm_rf(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A check-in while an export reads: the export holds no write lock (one read
 * snapshot), so the check-in goes through at once, and the file holds the rows of
 * the snapshot, not the new one. */
typedef struct during {
    const config *cfg;
    int checkins; /* made from the progress callback */
    int failed;
} during;

static void checkin_meanwhile(size_t done, void *user)
{
    during *d = user;
    if (done == 0 || d->checkins >= 3)
        return;
    char db[CONFIG_PATH_MAX + 64];
    store *s = NULL;
    assert_int_equal(store_path(d->cfg, db, sizeof db), LK_OK);
    assert_int_equal(store_open(db, &s, NULL, 0), LK_OK);
    store_experience e;
    memset(&e, 0, sizeof e);
    lk_strlcpy(e.event_id, "EV1", sizeof e.event_id);
    lk_strlcpy(e.issuer, "00AA", sizeof e.issuer);
    snprintf(e.subject, sizeof e.subject, "NEW%d", d->checkins);
    e.checkin_ms = lk_now_ms();
    lk_uuid4(e.checkin_uuid, sizeof e.checkin_uuid);
    store_statement st = {e.checkin_uuid, "checkin", "{}"};
    int64_t t0 = lk_mono_ms();
    if (store_record_checkin(s, &e, &st) != LK_OK || lk_mono_ms() - t0 > 1000)
        d->failed++;
    d->checkins++;
    store_close(s);
}

static void test_checkin_during_export(void **state)
{
    char dir[64];
    config *cfg = kiosk_with(dir, sizeof dir, 3 * EXPORT_PROGRESS_EVERY);
    char out[128];
    snprintf(out, sizeof out, "%s/all.csv", dir);
    during d = {cfg, 0, 0};
    size_t n = 0;
    assert_int_equal(export_to_file_progress(cfg, EXPORT_CSV, 0, out, &n, checkin_meanwhile, &d),
                     LK_OK);
    assert_int_equal(d.checkins, 3);
    assert_int_equal(d.failed, 0);
    assert_int_equal(n, 3 * EXPORT_PROGRESS_EVERY); /* the snapshot: not the new ones */
    rm_rf(dir);
    free(cfg);
}

/* A symlink planted on the stick at every name the export could write (both files,
 * and what the temporary files used to be called) pointing at the kiosk's database:
 * the export refuses, the database is untouched and still checks in. */
static void test_planted_symlinks(void **state)
{
    char dir[64];
    config *cfg = kiosk_with(dir, sizeof dir, 20);
    char db[CONFIG_PATH_MAX + 64], stick[96];
    assert_int_equal(store_path(cfg, db, sizeof db), LK_OK);
    snprintf(stick, sizeof stick, "%s/stick", dir);
    assert_int_equal(mkdir(stick, 0700), 0);
    setenv("LOBKIOSK_USB_ROOT", stick, 1);
    int64_t now = 1764324000000LL;
    static const char *const ext[] = {"csv", "json"};
    for (int plant = 0; plant < 2; plant++) {
        char name[200];
        snprintf(name, sizeof name, "%s/lobkiosk-HAL-3-%d.%s", stick, lk_local_yyyymmdd(now),
                 ext[plant]);
        assert_int_equal(symlink(db, name), 0);
        for (long pid = getpid() - 2; pid <= getpid() + 2; pid++) {
            char tmp[240];
            snprintf(tmp, sizeof tmp, "%s.tmp.%ld", name, pid);
            assert_int_equal(symlink(db, tmp), 0);
        }
        assert_int_equal(export_to_usb(cfg, now), LK_ERR_PERMISSION);
        /* still the database (no CSV or JSON written through the link), all rows */
        char *after = NULL;
        size_t after_len = 0;
        assert_int_equal(lk_read_file(db, &after, &after_len), LK_OK);
        assert_true(after_len >= 16 && memcmp(after, "SQLite format 3", 16) == 0);
        assert_null(memmem(after, after_len, "statement_id", 12));
        free(after);
        store *s = NULL;
        store_outbox_stats ss;
        assert_int_equal(store_open(db, &s, NULL, 0), LK_OK);
        assert_int_equal(store_outbox_stats_get(s, &ss), LK_OK);
        assert_int_equal(ss.queued, 20);
        store_close(s);
        unlink(name);
    }
    store *s = NULL;
    char msg[64];
    assert_int_equal(store_open(db, &s, NULL, 0), LK_OK);
    assert_int_equal(store_integrity_check(s, msg, sizeof msg), LK_OK);
    store_close(s);
    /* the stick itself a symlink: refused */
    char fake[128];
    snprintf(fake, sizeof fake, "%s/fake-stick", dir);
    assert_int_equal(symlink(dir, fake), 0);
    setenv("LOBKIOSK_USB_ROOT", fake, 1);
    assert_int_equal(export_to_usb(cfg, now), LK_ERR_PERMISSION);
    unsetenv("LOBKIOSK_USB_ROOT");
    rm_rf(dir);
    free(cfg);
}

/* Without the test hook only the configured mount point counts, and only with a
 * removable device mounted there: a plain folder is no stick. */
static void test_usb_mount_point(void **state)
{
    char dir[64];
    config *cfg = kiosk_with(dir, sizeof dir, 1);
    unsetenv("LOBKIOSK_USB_ROOT");
    char out[CONFIG_PATH_MAX];
    snprintf(cfg->usb_mount, sizeof cfg->usb_mount, "%s/media-lobkiosk", dir);
    assert_int_equal(export_usb_target(cfg, out, sizeof out), LK_ERR_NOT_FOUND); /* absent */
    assert_int_equal(mkdir(cfg->usb_mount, 0700), 0);
    assert_int_equal(export_usb_target(cfg, out, sizeof out), LK_ERR_NOT_FOUND); /* no mount */
    assert_int_equal(export_to_usb(cfg, 1764324000000LL), LK_ERR_NOT_FOUND);
    rmdir(cfg->usb_mount);
    assert_int_equal(symlink("/tmp", cfg->usb_mount), 0);
    assert_int_equal(export_usb_target(cfg, out, sizeof out), LK_ERR_PERMISSION);
    /* /proc is a mount point, but of no removable device */
    lk_strlcpy(cfg->usb_mount, "/proc", sizeof cfg->usb_mount);
    assert_int_equal(export_usb_target(cfg, out, sizeof out), LK_ERR_PERMISSION);
    rm_rf(dir);
    free(cfg);
}

/* The admin's export on its own thread: progress up to 100, then the outcome. */
static void test_export_job(void **state)
{
    char dir[64];
    config *cfg = kiosk_with(dir, sizeof dir, 2 * EXPORT_PROGRESS_EVERY + 7);
    char stick[96];
    snprintf(stick, sizeof stick, "%s/stick", dir);
    assert_int_equal(mkdir(stick, 0700), 0);
    setenv("LOBKIOSK_USB_ROOT", stick, 1);
    export_job *j = export_job_start(cfg, 1764324000000LL);
    assert_non_null(j);
    int pct = -1, last = 0;
    lk_status st = LK_ERR_IO;
    int64_t until = lk_mono_ms() + 30000;
    while (export_job_poll(j, &pct, &st) && lk_mono_ms() < until) {
        assert_true(pct >= last && pct <= 100); /* never goes back */
        last = pct;
        usleep(1000);
    }
    assert_false(export_job_poll(j, &pct, &st));
    assert_int_equal(st, LK_OK);
    assert_int_equal(pct, 100);
    assert_int_equal(export_job_finish(j), LK_OK);
    unsetenv("LOBKIOSK_USB_ROOT");
    rm_rf(dir);
    free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats),          cmocka_unit_test(test_csv_jsonl_xapi),
        cmocka_unit_test(test_to_usb),           cmocka_unit_test(test_checkin_during_export),
        cmocka_unit_test(test_planted_symlinks), cmocka_unit_test(test_usb_mount_point),
        cmocka_unit_test(test_export_job),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
