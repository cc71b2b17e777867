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
#include <sodium.h>
#include <sqlite3.h>

#include "lobkiosk/checkin.h"
#include "lobkiosk/export.h"
#include "lobkiosk/reflection.h"
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

/* --- the CSV and JSON Lines rows against a reference, on a kiosk's real statements --- */

/* The reference: each outbox row read back whole with jansson, the columns picked
 * from the tree as the export has always done (a value counts only when it is a
 * string; no activity name for a StatementRef; the competency's last path part). */
static const char *ref_str(json_t *j, const char *a, const char *b, const char *c)
{
    json_t *v = json_object_get(j, a);
    if (b)
        v = json_object_get(v, b);
    if (c)
        v = json_object_get(v, c);
    return json_is_string(v) ? json_string_value(v) : "";
}

static void ref_field(FILE *f, const char *s, bool last)
{
    fputc('"', f);
    if (strchr("=+-@\t\r", s[0]) && s[0])
        fputc('\'', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputs(last ? "\"\r\n" : "\";", f);
}

static char *reference(store *s, export_format fmt, size_t *rows)
{
    static const char *const cols[] = {"time",       "kind",          "account_home", "account",
                                       "activity",   "activity_name", "response",     "duration",
                                       "competency", "statement_id"};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    if (fmt == EXPORT_CSV) {
        fputs("\xEF\xBB\xBF", f);
        for (int i = 0; i < 10; i++)
            ref_field(f, cols[i], i == 9);
    }
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(
                         store_db(s), "SELECT uuid, kind, json, created_ms FROM outbox ORDER BY id",
                         -1, &q, NULL),
                     SQLITE_OK);
    *rows = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        json_error_t e;
        json_t *st = json_loads((const char *)sqlite3_column_text(q, 2), 0, &e);
        assert_non_null(st);
        char when[32];
        time_t t = (time_t)(sqlite3_column_int64(q, 3) / 1000);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        bool ref = strcmp(ref_str(st, "object", "objectType", NULL), "StatementRef") == 0;
        const char *comp = json_string_value(
            json_object_get(json_object_get(json_object_get(st, "context"), "extensions"),
                            "https://w3id.org/xapi/lob/extensions/competency"));
        const char *cp = comp ? strrchr(comp, '/') : NULL;
        const char *v[10] = {
            when,
            (const char *)sqlite3_column_text(q, 1),
            ref_str(st, "actor", "account", "homePage"),
            ref_str(st, "actor", "account", "name"),
            ref_str(st, "object", "id", NULL),
            ref ? "" : ref_str(json_object_get(st, "object"), "definition", "name", "nl-NL"),
            ref_str(st, "result", "response", NULL),
            ref_str(st, "result", "duration", NULL),
            cp ? cp + 1 : "",
            (const char *)sqlite3_column_text(q, 0),
        };
        if (fmt == EXPORT_CSV) {
            for (int i = 0; i < 10; i++)
                ref_field(f, v[i], i == 9);
        } else {
            json_t *row = json_object();
            for (int i = 0; i < 10; i++)
                json_object_set_new(row, cols[i], json_string(v[i]));
            assert_int_equal(json_dumpf(row, f, JSON_COMPACT | JSON_PRESERVE_ORDER), 0);
            fputc('\n', f);
            json_decref(row);
        }
        json_decref(st);
        (*rows)++;
    }
    sqlite3_finalize(q);
    fclose(f);
    return buf;
}

/* 2026-11-28T09:00:00+01:00 */
#define T0 1795852800000LL
#define HOUR_MS (3600 * 1000LL)

static void make_event(config *cfg, const char *id, const char *kind, config_mode mode)
{
    config_event *ev = &cfg->events[cfg->n_events++];
    memset(ev, 0, sizeof *ev);
    lk_strlcpy(ev->id, id, sizeof ev->id);
    lk_strlcpy(ev->title, id, sizeof ev->title);
    lk_strlcpy(ev->kind, kind, sizeof ev->kind);
    ev->start_ms = T0;
    ev->end_ms = T0 + 10 * HOUR_MS;
    ev->mode = mode;
}

static void scan(store *st, config *cfg, const pass_key *k, char role, const char *subject,
                 int64_t at, checkin_result *r)
{
    char payload[256];
    assert_int_equal(pass_sign(k, (pass_role)role, subject, 20271231, payload, sizeof payload),
                     LK_OK);
    assert_int_equal(checkin_scan(st, cfg, NULL, payload, at, r), LK_OK);
}

/* Answers every question of set: the first choice, the first two of a multiple
 * question, and a text a spreadsheet must not take for a formula. */
static void answer_all(store *st, config *cfg, const checkin_result *r, const char *set_name,
                       int64_t now)
{
    reflection_set *set = NULL;
    assert_int_equal(reflection_set_load("assets", set_name, &set, NULL, 0), LK_OK);
    reflection_session s;
    reflection_session_start(&s, set);
    for (int64_t t = 1000; !reflection_done(&s); t += 1000) {
        size_t i = s.step;
        if (reflection_set_multiple(set, i)) {
            assert_int_equal(reflection_toggle(&s, 0), LK_OK);
            assert_int_equal(reflection_toggle(&s, 1), LK_OK);
            assert_int_equal(reflection_next(&s, t), LK_OK);
        } else if (reflection_choose(&s, i % 2, t) != LK_OK) {
            assert_int_equal(reflection_write(&s, "=1+1; \"zorg\" é", t), LK_OK);
        }
    }
    assert_int_equal(checkin_save_answers(st, cfg, r, &s, now, 1000 * 30), LK_OK);
    reflection_set_destroy(set);
}

static int64_t count_of(store *st, const char *sql)
{
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
}

/* Every kind of statement a kiosk writes (check-ins by scan and by hand, answers
 * with competencies and free text, a host's confirmation, an open check-out, a
 * check-out, a corrected check-out with its voiding statement, an undone one)
 * exported as CSV and JSON Lines equals the reference row for row. */
static void test_rows_match_reference(void **state)
{
    assert_true(sodium_init() >= 0);
    char dir[64] = "/tmp/lk-test-export-ref-XXXXXX";
    assert_non_null(mkdtemp(dir));
    config *cfg = malloc(sizeof *cfg);
    assert_non_null(cfg);
    config_defaults(cfg);
    lk_strlcpy(cfg->data_dir, dir, sizeof cfg->data_dir);
    lk_strlcpy(cfg->kiosk_id, "K1", sizeof cfg->kiosk_id);
    pass_key key;
    memset(&key, 0, sizeof key);
    lk_strlcpy(key.issuer, "00AA", sizeof key.issuer);
    lk_strlcpy(key.key_id, "K1", sizeof key.key_id);
    crypto_sign_keypair(key.pk, key.sk);
    config_issuer *is = config_add_issuer(cfg, "00AA");
    assert_non_null(is);
    lk_strlcpy(is->name, "Test College", sizeof is->name);
    lk_strlcpy(is->home_page, "https://dossier.example.nl/00AA", sizeof is->home_page);
    lk_strlcpy(is->keys[0].id, "K1", sizeof is->keys[0].id);
    memcpy(is->keys[0].pk, key.pk, 32);
    is->n_keys = 1;
    make_event(cfg, "FAIR1", "career_fair", CONFIG_MODE_CHECKIN);
    make_event(cfg, "STAGE1", "internship_day", CONFIG_MODE_CHECKIN_CHECKOUT);
    lk_strlcpy(cfg->event_id, "FAIR1", sizeof cfg->event_id);
    char path[256];
    assert_int_equal(store_path(cfg, path, sizeof path), LK_OK);
    store *st = NULL;
    assert_int_equal(store_open(path, &st, NULL, 0), LK_OK);
    assert_int_equal(store_sync_events(st, cfg), LK_OK);
    store_person p = {.issuer = "00AA", .subject = "1002", .first_name = "Zoë", .group = "3B"};
    assert_int_equal(store_roster_upsert(st, &p, NULL), LK_OK);

    /* the fair: a scan with answers and a host's confirmation, a check-in by hand */
    checkin_result r, host, m;
    scan(st, cfg, &key, 'S', "1001", T0 + HOUR_MS, &r);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_IN);
    answer_all(st, cfg, &r, "career_fair", T0 + HOUR_MS + 60000);
    scan(st, cfg, &key, 'H', "H77", T0 + HOUR_MS + 70000, &host);
    assert_int_equal(host.outcome, CHECKIN_HOST);
    assert_int_equal(checkin_confirm(st, cfg, config_find_event(cfg, "FAIR1"), &host.who, &r.exp,
                                     T0 + HOUR_MS + 80000),
                     LK_OK);
    assert_int_equal(checkin_manual(st, cfg, "00AA", "1002", T0 + 2 * HOUR_MS, &m), LK_OK);
    assert_int_equal(m.outcome, CHECKIN_CHECKED_IN);

    /* the internship day: one still in, one out, one out and corrected after it was
     * sent (voided, a new check-out), one out and undone before it left */
    lk_strlcpy(cfg->event_id, "STAGE1", sizeof cfg->event_id);
    checkin_result a, b, c;
    scan(st, cfg, &key, 'S', "2001", T0 + 1000, &a);
    scan(st, cfg, &key, 'S', "2002", T0 + 2000, &b);
    scan(st, cfg, &key, 'S', "2002", T0 + 5 * HOUR_MS, &b);
    assert_int_equal(b.outcome, CHECKIN_CHECKED_OUT);
    scan(st, cfg, &key, 'S', "2003", T0 + 3000, &c);
    scan(st, cfg, &key, 'S', "2003", T0 + 6 * HOUR_MS, &c);
    assert_int_equal(c.outcome, CHECKIN_CHECKED_OUT);
    int64_t sent = count_of(st, "SELECT max(id) FROM outbox");
    assert_int_equal(store_outbox_mark_sent(st, &sent, 1, T0 + 6 * HOUR_MS + 1000), LK_OK);
    bool voided = false;
    assert_int_equal(checkin_correct_checkout(st, cfg, &c.exp, T0 + 3 * HOUR_MS + 30 * 60000,
                                              T0 + 7 * HOUR_MS, &voided),
                     LK_OK);
    assert_true(voided);
    checkin_result d;
    scan(st, cfg, &key, 'S', "2004", T0 + 4000, &d);
    scan(st, cfg, &key, 'S', "2004", T0 + 2 * HOUR_MS, &d);
    assert_int_equal(checkin_undo_checkout(st, cfg, &d.exp, &voided), LK_OK);

    /* what the store holds is what this test means to cover */
    assert_true(count_of(st, "SELECT count(*) FROM outbox WHERE kind = 'answer'") >= 4);
    assert_int_equal(count_of(st, "SELECT count(*) FROM outbox WHERE kind = 'confirmation'"), 1);
    assert_int_equal(count_of(st, "SELECT count(*) FROM outbox WHERE kind = 'voiding'"), 1);
    assert_int_equal(count_of(st, "SELECT count(*) FROM outbox WHERE kind = 'checkout'"), 3);
    assert_int_equal(count_of(st, "SELECT count(*) FROM outbox WHERE kind = 'checkin'"), 6);
    assert_int_equal(count_of(st, "SELECT count(*) FROM outbox WHERE json LIKE '%competency%'"
                                  " AND kind = 'answer'") > 0,
                     1);

    for (export_format fmt = EXPORT_CSV; fmt <= EXPORT_JSONL; fmt++) {
        size_t n = 0, want_n = 0;
        char *got = run(st, fmt, 0, &n);
        char *want = reference(st, fmt, &want_n);
        assert_int_equal(n, want_n);
        assert_string_equal(got, want);
        free(got);
        free(want);
    }
    /* and a few cells by name, so that the reference itself is held to something */
    char *csv = run(st, EXPORT_CSV, 0, NULL);
    assert_non_null(strstr(csv, "\"'=1+1; \"\"zorg\"\" é\"")); /* free text, guarded */
    assert_non_null(strstr(csv, "\"checkout\";\"https://dossier.example.nl/00AA\";\"2003\""));
    assert_non_null(strstr(csv, "\"PT3H29M57S\"")); /* the corrected duration */
    char cell[200]; /* voiding and confirming point at a statement: no activity name */
    snprintf(cell, sizeof cell,
             "\"voiding\";\"https://w3id.org/xapi/lob/kiosk/kiosks\";\"K1\";\"%s\";\"\";",
             c.exp.checkout_uuid);
    assert_non_null(strstr(csv, cell));
    snprintf(cell, sizeof cell,
             "\"confirmation\";\"https://dossier.example.nl/00AA\";\"H77\";\"%s\";\"\";",
             r.exp.checkin_uuid);
    assert_non_null(strstr(csv, cell));
    assert_non_null(strstr(csv, "\"motives\";")); /* a competency's last path part */
    free(csv);
    store_close(st);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    config_free(cfg);
    free(cfg);
}

/* Each export is one pass over the outbox in id order through its primary key:
 * no full scan, no sort into a temporary tree, no sub-query per row. */
static void test_query_plan(void **state)
{
    char path[128];
    store *s = open_tmp(path, sizeof path);
    for (export_format fmt = EXPORT_CSV; fmt <= EXPORT_XAPI; fmt++) {
        char sql[2048];
        snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", export_sql(fmt));
        sqlite3_stmt *q = NULL;
        assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &q, NULL), SQLITE_OK);
        sqlite3_bind_int64(q, 1, 0);
        sqlite3_bind_int64(q, 2, INT64_MAX);
        int rows = 0;
        while (sqlite3_step(q) == SQLITE_ROW) {
            const char *d = (const char *)sqlite3_column_text(q, 3);
            if (!strstr(d, "SEARCH outbox USING INTEGER PRIMARY KEY"))
                fail_msg("export %d: query plan step '%s'", (int)fmt, d);
            rows++;
        }
        assert_int_equal(rows, 1);
        sqlite3_finalize(q);
    }
    store_close(s);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats),          cmocka_unit_test(test_csv_jsonl_xapi),
        cmocka_unit_test(test_to_usb),           cmocka_unit_test(test_checkin_during_export),
        cmocka_unit_test(test_planted_symlinks), cmocka_unit_test(test_usb_mount_point),
        cmocka_unit_test(test_export_job),       cmocka_unit_test(test_rows_match_reference),
        cmocka_unit_test(test_query_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
