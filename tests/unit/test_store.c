/* Tests of the SQLite store: migrations and pragmas, file modes, atomic check-in +
 * outbox writes, check-outs, answers, confirmations, refusals, roster, the outbox
 * life cycle, reopening, and a full disk (tmpfs; skipped when it cannot be mounted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/lk-store-XXXXXX");
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
    return rc;
}

static int64_t count(store *st, const char *sql)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static void text_of(store *st, const char *sql, char *buf, size_t len)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    lk_strlcpy(buf, (const char *)sqlite3_column_text(s, 0), len);
    sqlite3_finalize(s);
}

/* Writes a check-in of subject at ms with a fresh statement id. */
static lk_status checkin(store *st, const char *event, const char *subject, int64_t ms,
                         store_experience *exp)
{
    memset(exp, 0, sizeof *exp);
    lk_strlcpy(exp->event_id, event, sizeof exp->event_id);
    lk_strlcpy(exp->issuer, "00AA", sizeof exp->issuer);
    lk_strlcpy(exp->subject, subject, sizeof exp->subject);
    exp->checkin_ms = ms;
    lk_uuid4(exp->checkin_uuid, sizeof exp->checkin_uuid);
    store_statement stmt = {.uuid = exp->checkin_uuid, .kind = "checkin", .json = "{}"};
    return store_record_checkin(st, exp, &stmt);
}

static void test_open_arguments(void **state)
{
    store *st = (store *)1;
    assert_int_equal(store_open(NULL, &st, NULL, 0), LK_ERR_INVALID);
    assert_int_equal(store_open("", &st, NULL, 0), LK_ERR_INVALID);
    assert_int_equal(store_open("/tmp/x.db", NULL, NULL, 0), LK_ERR_INVALID);
    char err[256];
    assert_int_not_equal(store_open("/nonexistent-dir/sub/x.db", &st, err, sizeof err), LK_OK);
    assert_null(st);
    store_close(NULL);
    assert_null(store_db(NULL));
    /* Not a database at all. */
    fixture *f = *state;
    char junk[160];
    snprintf(junk, sizeof junk, "%s/junk.db", f->dir);
    assert_int_equal(lk_write_file(junk, "this is not sqlite, just text that is long enough",
                                   50, 0600, false),
                     LK_OK);
    assert_int_equal(store_open(junk, &st, err, sizeof err), LK_ERR_DB);
    assert_true(strlen(err) > 0);
}

static void test_pragmas_modes_and_migrations(void **state)
{
    fixture *f = *state;
    char mode[32];
    text_of(f->st, "PRAGMA journal_mode", mode, sizeof mode);
    assert_string_equal(mode, "wal");
    assert_int_equal(count(f->st, "PRAGMA synchronous"), 2); /* FULL */
    assert_int_equal(count(f->st, "PRAGMA foreign_keys"), 1);
    assert_int_equal(count(f->st, "PRAGMA auto_vacuum"), 2); /* INCREMENTAL: a new file */
    int64_t version = count(f->st, "PRAGMA user_version");
    assert_true(version >= 2);
    int64_t objects = count(f->st, "SELECT count(*) FROM sqlite_master");

    struct stat sb;
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);

    /* Opening again runs no migration twice and changes nothing. */
    store_close(f->st);
    assert_int_equal(store_open(f->path, &f->st, NULL, 0), LK_OK);
    assert_int_equal(count(f->st, "PRAGMA user_version"), version);
    assert_int_equal(count(f->st, "SELECT count(*) FROM sqlite_master"), objects);

    /* A loose mode on an existing file is tightened. */
    store_close(f->st);
    assert_int_equal(chmod(f->path, 0644), 0);
    assert_int_equal(store_open(f->path, &f->st, NULL, 0), LK_OK);
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);

    /* A database from a newer program is refused rather than misread. */
    assert_int_equal(sqlite3_exec(store_db(f->st), "PRAGMA user_version = 999", NULL, NULL, NULL),
                     SQLITE_OK);
    store_close(f->st);
    f->st = NULL;
    store *st = NULL;
    assert_int_equal(store_open(f->path, &st, NULL, 0), LK_ERR_DB);
    assert_null(st);
}

static void test_store_path_makes_private_dir(void **state)
{
    fixture *f = *state;
    config *cfg = malloc(sizeof *cfg);
    assert_non_null(cfg);
    config_defaults(cfg);
    snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s/data/inner", f->dir);
    char path[CONFIG_PATH_MAX + 32];
    assert_int_equal(store_path(cfg, path, sizeof path), LK_OK);
    struct stat sb;
    assert_int_equal(stat(cfg->data_dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    char want[CONFIG_PATH_MAX + 32];
    snprintf(want, sizeof want, "%s/%s", cfg->data_dir, LK_DB_FILE);
    assert_string_equal(path, want);
    char tiny[8];
    assert_int_equal(store_path(cfg, tiny, sizeof tiny), LK_ERR_INVALID);
    assert_int_equal(store_path(NULL, path, sizeof path), LK_ERR_INVALID);
    cfg->data_dir[0] = '\0';
    assert_int_equal(store_path(cfg, path, sizeof path), LK_ERR_INVALID);

    /* a folder created under a loose umask is still made private */
    mode_t old = umask(0);
    snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s/loose", f->dir);
    assert_int_equal(store_path(cfg, path, sizeof path), LK_OK);
    umask(old);
    assert_int_equal(stat(cfg->data_dir, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0700);

    /* a folder that was there before keeps its mode: the school's shared 1777 folder
     * keeps its sticky bit (lobkiosk check warns about it instead) */
    snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s/shared", f->dir);
    assert_int_equal(mkdir(cfg->data_dir, 0700), 0);
    assert_int_equal(chmod(cfg->data_dir, 01777), 0);
    assert_int_equal(store_path(cfg, path, sizeof path), LK_OK);
    assert_int_equal(stat(cfg->data_dir, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 01777);
    snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s/group", f->dir);
    assert_int_equal(mkdir(cfg->data_dir, 0700), 0);
    assert_int_equal(chmod(cfg->data_dir, 02770), 0);
    assert_int_equal(store_path(cfg, path, sizeof path), LK_OK);
    assert_int_equal(stat(cfg->data_dir, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 02770);
    free(cfg);
}

static void test_checkin_is_atomic_and_unique(void **state)
{
    fixture *f = *state;
    store_experience e, got;
    assert_int_equal(checkin(f->st, "EV1", "1001", T0, &e), LK_OK);
    assert_true(e.id > 0);
    assert_int_equal(store_find_experience(f->st, "EV1", "00AA", "1001", &got), LK_OK);
    assert_int_equal(got.id, e.id);
    assert_int_equal(got.checkin_ms, T0);
    assert_string_equal(got.checkin_uuid, e.checkin_uuid);
    assert_int_equal(got.checkout_ms, 0);
    assert_false(got.confirmed);
    assert_int_equal(store_find_experience(f->st, "EV1", "00AA", "9999", &got), LK_ERR_NOT_FOUND);
    assert_int_equal(store_find_experience(f->st, "EV2", "00AA", "1001", &got), LK_ERR_NOT_FOUND);

    /* Same student, same event: refused, and no orphan outbox row. */
    assert_int_equal(checkin(f->st, "EV1", "1001", T0 + 5, &e), LK_ERR_EXISTS);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 1);
    /* Same student at another event is a new experience. */
    assert_int_equal(checkin(f->st, "EV2", "1001", T0, &e), LK_OK);

    /* An outbox row that cannot be written takes the experience with it. */
    store_experience dup;
    memset(&dup, 0, sizeof dup);
    lk_strlcpy(dup.event_id, "EV3", sizeof dup.event_id);
    lk_strlcpy(dup.issuer, "00AA", sizeof dup.issuer);
    lk_strlcpy(dup.subject, "1001", sizeof dup.subject);
    lk_uuid4(dup.checkin_uuid, sizeof dup.checkin_uuid);
    store_statement reused = {.uuid = e.checkin_uuid, .kind = "checkin", .json = "{}"};
    assert_int_equal(store_record_checkin(f->st, &dup, &reused), LK_ERR_EXISTS);
    assert_int_equal(store_find_experience(f->st, "EV3", "00AA", "1001", &got), LK_ERR_NOT_FOUND);
    assert_int_equal(count(f->st, "SELECT count(*) FROM experiences"),
                     count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'checkin'"));

    /* Hostile and empty arguments. */
    store_statement ok = {.uuid = "u", .kind = "checkin", .json = "{}"};
    assert_int_equal(store_record_checkin(NULL, &dup, &ok), LK_ERR_INVALID);
    assert_int_equal(store_record_checkin(f->st, NULL, &ok), LK_ERR_INVALID);
    assert_int_equal(store_record_checkin(f->st, &dup, NULL), LK_ERR_INVALID);
    store_statement nojson = {.uuid = "u2", .kind = "checkin", .json = NULL};
    lk_uuid4(dup.checkin_uuid, sizeof dup.checkin_uuid);
    assert_int_equal(store_record_checkin(f->st, &dup, &nojson), LK_ERR_INVALID);
    assert_int_equal(store_find_experience(f->st, "EV3", "00AA", "1001", &got), LK_ERR_NOT_FOUND);
    dup.subject[0] = '\0';
    assert_int_equal(store_record_checkin(f->st, &dup, &ok), LK_ERR_INVALID);
    assert_int_equal(store_find_experience(f->st, NULL, "00AA", "1", &got), LK_ERR_INVALID);
    /* Quotes and SQL in values are only data. */
    assert_int_equal(checkin(f->st, "EV1'; DROP TABLE outbox; --", "1001", T0, &e), LK_OK);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 3);
}

static void test_checkout(void **state)
{
    fixture *f = *state;
    store_experience e, got;
    assert_int_equal(checkin(f->st, "EV1", "1001", T0, &e), LK_OK);
    store_statement out = {.uuid = "11111111-1111-4111-8111-111111111111", .kind = "checkout",
                           .json = "{\"v\":\"leave\"}"};
    assert_int_equal(store_record_checkout(f->st, e.id, T0 + 3600000, &out), LK_OK);
    assert_int_equal(store_find_experience(f->st, "EV1", "00AA", "1001", &got), LK_OK);
    assert_int_equal(got.checkout_ms, T0 + 3600000);
    assert_string_equal(got.checkout_uuid, out.uuid);
    /* Twice: refused, nothing queued. */
    store_statement again = {.uuid = "22222222-2222-4222-8222-222222222222", .kind = "checkout",
                             .json = "{}"};
    assert_int_equal(store_record_checkout(f->st, e.id, T0 + 7200000, &again), LK_ERR_EXISTS);
    assert_int_equal(store_record_checkout(f->st, 987654, T0, &again), LK_ERR_NOT_FOUND);
    assert_int_equal(store_record_checkout(f->st, 0, T0, &again), LK_ERR_INVALID);
    assert_int_equal(store_record_checkout(f->st, e.id, T0, NULL), LK_ERR_INVALID);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 2);
}

static void test_answers_and_confirmation(void **state)
{
    fixture *f = *state;
    store_experience e, got;
    assert_int_equal(checkin(f->st, "EV1", "1001", T0, &e), LK_OK);
    store_answer a[2] = {
        {.question_id = "rating", .competency = NULL, .response = "4", .answered_ms = T0 + 1,
         .stmt = {.uuid = "a1", .kind = "answer", .json = "{}"}},
        {.question_id = "qualities", .competency = "qualities", .response = "samenwerken",
         .answered_ms = T0 + 2, .stmt = {.uuid = "a2", .kind = "answer", .json = "{}"}},
    };
    assert_int_equal(store_record_answers(f->st, e.id, a, 2), LK_OK);
    assert_int_equal(count(f->st, "SELECT count(*) FROM answers"), 2);
    assert_int_equal(count(f->st, "SELECT count(*) FROM answers WHERE competency IS NULL"), 1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'answer'"), 2);
    assert_int_equal(store_record_answers(f->st, e.id, NULL, 0), LK_OK);

    /* Answers to an experience that does not exist: nothing lands. */
    store_answer b = {.question_id = "x", .response = "y", .answered_ms = T0,
                      .stmt = {.uuid = "b1", .kind = "answer", .json = "{}"}};
    assert_int_equal(store_record_answers(f->st, 424242, &b, 1), LK_ERR_NOT_FOUND);
    /* The second answer repeats a statement id: the first must roll back too. */
    store_answer c[2] = {b, a[0]};
    assert_int_equal(store_record_answers(f->st, e.id, c, 2), LK_ERR_EXISTS);
    assert_int_equal(count(f->st, "SELECT count(*) FROM answers"), 2);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 3);
    assert_int_equal(store_record_answers(f->st, e.id, NULL, 1), LK_ERR_INVALID);

    store_statement conf = {.uuid = "c1", .kind = "confirmation", .json = "{}"};
    assert_int_equal(store_record_confirmation(f->st, e.id, "00AA", "H01", T0 + 10, &conf),
                     LK_OK);
    assert_int_equal(store_find_experience(f->st, "EV1", "00AA", "1001", &got), LK_OK);
    assert_true(got.confirmed);
    store_statement conf2 = {.uuid = "c2", .kind = "confirmation", .json = "{}"};
    assert_int_equal(store_record_confirmation(f->st, e.id, "00AA", "H02", T0 + 11, &conf2),
                     LK_ERR_EXISTS);
    assert_int_equal(store_record_confirmation(f->st, 777777, "00AA", "H02", T0, &conf2),
                     LK_ERR_NOT_FOUND);
    assert_int_equal(store_record_confirmation(f->st, e.id, NULL, "H02", T0, &conf2),
                     LK_ERR_INVALID);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'confirmation'"), 1);
}

/* A voiding statement that names its target, so the test can see which. */
static char *fake_void(const char *void_uuid, const char *target_uuid, int64_t now_ms, void *user)
{
    (void)now_ms;
    if (user)
        return NULL; /* "cannot build one" */
    char *j = malloc(160);
    if (j)
        snprintf(j, 160, "{\"id\":\"%s\",\"voids\":\"%s\"}", void_uuid, target_uuid);
    return j;
}

static void test_undo_confirmations(void **state)
{
    fixture *f = *state;
    store_experience a, b, c, d;
    assert_int_equal(checkin(f->st, "EV1", "A", T0, &a), LK_OK);
    assert_int_equal(checkin(f->st, "EV1", "B", T0, &b), LK_OK);
    assert_int_equal(checkin(f->st, "EV1", "C", T0, &c), LK_OK);
    assert_int_equal(checkin(f->st, "EV1", "D", T0, &d), LK_OK);
    /* D confirmed before "Bevestig iedereen", by the same host: not undone */
    store_statement c0 = {.uuid = "conf-d", .kind = "confirmation", .json = "{}"};
    assert_int_equal(store_record_confirmation(f->st, d.id, "00AA", "H01", T0 + 5, &c0), LK_OK);
    /* "Bevestig iedereen" at T0 + 100: A, B, C */
    store_statement ca = {.uuid = "conf-a", .kind = "confirmation", .json = "{}"};
    store_statement cb = {.uuid = "conf-b", .kind = "confirmation", .json = "{}"};
    store_statement cc = {.uuid = "conf-c", .kind = "confirmation", .json = "{}"};
    assert_int_equal(store_record_confirmation(f->st, a.id, "00AA", "H01", T0 + 100, &ca), LK_OK);
    assert_int_equal(store_record_confirmation(f->st, b.id, "00AA", "H01", T0 + 100, &cb), LK_OK);
    assert_int_equal(store_record_confirmation(f->st, c.id, "00AA", "H01", T0 + 101, &cc), LK_OK);
    /* B's statement went out already; C's was purged after sending */
    int64_t bid = count(f->st, "SELECT id FROM outbox WHERE uuid = 'conf-b'");
    assert_int_equal(store_outbox_mark_sent(f->st, &bid, 1, T0 + 200), LK_OK);
    assert_int_equal(
        sqlite3_exec(store_db(f->st), "DELETE FROM outbox WHERE uuid = 'conf-c'", NULL, NULL, NULL),
        SQLITE_OK);
    size_t removed = 99, voided = 99;
    /* bad arguments, and a builder that fails: nothing changes */
    assert_int_equal(
        store_undo_confirmations(NULL, "00AA", "H01", T0 + 100, fake_void, NULL, &removed, &voided),
        LK_ERR_INVALID);
    assert_int_equal(
        store_undo_confirmations(f->st, "00AA", NULL, T0 + 100, fake_void, NULL, &removed, &voided),
        LK_ERR_INVALID);
    assert_int_equal(
        store_undo_confirmations(f->st, "00AA", "H01", T0 + 100, NULL, NULL, &removed, &voided),
        LK_ERR_INVALID);
    assert_int_equal(
        store_undo_confirmations(f->st, "00AA", "H01", T0 + 100, fake_void, f, &removed, &voided),
        LK_ERR_INVALID);
    assert_int_equal(removed, 0);
    assert_int_equal(count(f->st, "SELECT count(*) FROM confirmations"), 4);
    /* another host's undo touches none of these */
    assert_int_equal(
        store_undo_confirmations(f->st, "00AA", "H02", 0, fake_void, NULL, &removed, &voided),
        LK_OK);
    assert_int_equal(removed + voided, 0);
    assert_int_equal(count(f->st, "SELECT count(*) FROM confirmations"), 4);
    /* the undo */
    assert_int_equal(store_undo_confirmations(f->st, "00AA", "H01", T0 + 100, fake_void, NULL,
                                              &removed, &voided),
                     LK_OK);
    assert_int_equal(removed, 1); /* A: still waiting, gone from the outbox */
    assert_int_equal(voided, 2);  /* B sent, C purged: voided */
    assert_int_equal(count(f->st, "SELECT count(*) FROM confirmations"), 1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM confirmations WHERE uuid = 'conf-d'"), 1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE uuid = 'conf-a'"), 0);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'voiding' AND id IN "
                                  "(SELECT id FROM outbox_queue)"
                                  " AND issuer = '00AA' AND json LIKE '%conf-b%'"),
                     1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'voiding'"
                                  " AND json LIKE '%conf-c%'"),
                     1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'voiding'"), 2);
    store_experience got;
    assert_int_equal(store_find_experience(f->st, "EV1", "00AA", "A", &got), LK_OK);
    assert_false(got.confirmed);
    assert_int_equal(store_find_experience(f->st, "EV1", "00AA", "D", &got), LK_OK);
    assert_true(got.confirmed);
    /* a second tap finds nothing more; A can be confirmed again */
    assert_int_equal(
        store_undo_confirmations(f->st, "00AA", "H01", T0 + 100, fake_void, NULL, NULL, NULL),
        LK_OK);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'voiding'"), 2);
    store_statement ca2 = {.uuid = "conf-a2", .kind = "confirmation", .json = "{}"};
    assert_int_equal(store_record_confirmation(f->st, a.id, "00AA", "H01", T0 + 300, &ca2), LK_OK);
}

/* Checks out exp at ms with a statement of that uuid. */
static void out_at(fixture *f, const store_experience *e, int64_t ms, const char *uuid)
{
    store_statement st = {.uuid = uuid, .kind = "checkout", .json = "{}"};
    assert_int_equal(store_record_checkout(f->st, e->id, ms, &st), LK_OK);
}

/* An admin undoes or corrects a check-out: a statement that never left is deleted,
 * one that may be in an LRS (sent, offered, purged) is voided where it went, a
 * stale view changes nothing, and the record follows. */
static void test_correct_checkout(void **state)
{
    fixture *f = *state;
    store_experience a, b, c, d, got;
    assert_int_equal(checkin(f->st, "EV1", "A", T0, &a), LK_OK);
    assert_int_equal(checkin(f->st, "EV1", "B", T0, &b), LK_OK);
    assert_int_equal(checkin(f->st, "EV1", "C", T0, &c), LK_OK);
    assert_int_equal(checkin(f->st, "EV1", "D", T0, &d), LK_OK);
    out_at(f, &a, T0 + 60000, "out-a");
    out_at(f, &b, T0 + 120000, "out-b");
    out_at(f, &c, T0 + 180000, "out-c");
    out_at(f, &d, T0 + 240000, "out-d");
    int64_t bid = count(f->st, "SELECT id FROM outbox WHERE uuid = 'out-b'");
    assert_int_equal(store_outbox_mark_sent(f->st, &bid, 1, T0 + 300000), LK_OK);
    int64_t cid = count(f->st, "SELECT id FROM outbox WHERE uuid = 'out-c'");
    bool present = false;
    assert_int_equal(store_outbox_mark_offered(f->st, &cid, 1, T0 + 300000, &present), LK_OK);
    assert_true(present);
    assert_int_equal(
        sqlite3_exec(store_db(f->st),
                     "DELETE FROM outbox WHERE uuid = 'out-d';"
                     "INSERT OR REPLACE INTO clock_unsynced VALUES ('out-b', 'boot', 1, 1)",
                     NULL, NULL, NULL),
        SQLITE_OK);
    store_statement nb = {.uuid = "new-b", .kind = "checkout", .json = "{\"new\":1}"};
    bool voided = true;
    /* bad arguments */
    assert_int_equal(store_correct_checkout(NULL, a.id, "out-a", 0, NULL, fake_void, NULL, NULL),
                     LK_ERR_INVALID);
    assert_int_equal(store_correct_checkout(f->st, 0, "out-a", 0, NULL, fake_void, NULL, NULL),
                     LK_ERR_INVALID);
    assert_int_equal(store_correct_checkout(f->st, a.id, "", 0, NULL, fake_void, NULL, NULL),
                     LK_ERR_INVALID);
    assert_int_equal(store_correct_checkout(f->st, a.id, "out-a", 0, NULL, NULL, NULL, NULL),
                     LK_ERR_INVALID);
    assert_int_equal(store_correct_checkout(f->st, b.id, "out-b", 0, &nb, fake_void, NULL, NULL),
                     LK_ERR_INVALID); /* a statement needs a time */
    assert_int_equal(store_correct_checkout(f->st, b.id, "out-b", T0, NULL, fake_void, NULL, NULL),
                     LK_ERR_INVALID); /* a time needs a statement */
    /* a stale view (another check-out since), or not checked out: nothing changes */
    assert_int_equal(
        store_correct_checkout(f->st, b.id, "out-a", 0, NULL, fake_void, NULL, &voided),
        LK_ERR_NOT_FOUND);
    assert_false(voided);
    assert_int_equal(store_correct_checkout(f->st, 987654, "out-a", 0, NULL, fake_void, NULL, NULL),
                     LK_ERR_NOT_FOUND);
    /* the voiding cannot be built: nothing changes */
    assert_int_equal(
        store_correct_checkout(f->st, b.id, "out-b", T0 + 90000, &nb, fake_void, f, &voided),
        LK_ERR_INVALID);
    assert_int_equal(count(f->st, "SELECT checkout_ms FROM experiences WHERE subject = 'B'"),
                     T0 + 120000);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 7);

    /* A: never left the kiosk: its row is deleted, no voiding; checked in again */
    assert_int_equal(
        store_correct_checkout(f->st, a.id, "out-a", 0, NULL, fake_void, NULL, &voided), LK_OK);
    assert_false(voided);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE uuid = 'out-a'"), 0);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'voiding'"), 0);
    assert_int_equal(store_find_experience(f->st, "EV1", "00AA", "A", &got), LK_OK);
    assert_int_equal(got.checkout_ms, 0);
    assert_string_equal(got.checkout_uuid, "");
    /* a second time: not checked out any more */
    assert_int_equal(store_correct_checkout(f->st, a.id, "out-a", 0, NULL, fake_void, NULL, NULL),
                     LK_ERR_NOT_FOUND);
    /* and a scan can check out again */
    out_at(f, &a, T0 + 600000, "out-a2");

    /* B: sent: voided (to the student's school), the sent row stays, the new
     * statement is queued about the student; its unsynced-clock note goes */
    assert_int_equal(
        store_correct_checkout(f->st, b.id, "out-b", T0 + 90000, &nb, fake_void, NULL, &voided),
        LK_OK);
    assert_true(voided);
    assert_int_equal(store_find_experience(f->st, "EV1", "00AA", "B", &got), LK_OK);
    assert_int_equal(got.checkout_ms, T0 + 90000);
    assert_string_equal(got.checkout_uuid, "new-b");
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'voiding' AND id IN "
                                  "(SELECT id FROM outbox_queue)"
                                  " AND issuer = '00AA' AND subject IS NULL"
                                  " AND json LIKE '%\"voids\":\"out-b\"%'"),
                     1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox o JOIN outbox_sent s"
                                  " ON s.id = o.id WHERE o.uuid = 'out-b'"),
                     1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE uuid = 'new-b' AND id IN "
                                  "(SELECT id FROM outbox_queue)"
                                  " AND issuer = '00AA' AND subject = 'B'"),
                     1);
    assert_int_equal(count(f->st, "SELECT created_ms FROM outbox WHERE uuid = 'new-b'"),
                     T0 + 90000);
    assert_int_equal(count(f->st, "SELECT count(*) FROM clock_unsynced WHERE uuid = 'out-b'"), 0);
    /* the voiding comes before the new one in the queue */
    assert_true(count(f->st, "SELECT id FROM outbox WHERE kind = 'voiding'") <
                count(f->st, "SELECT id FROM outbox WHERE uuid = 'new-b'"));

    /* C: offered to the LRS (maybe stored): voided, and the queued row goes */
    assert_int_equal(
        store_correct_checkout(f->st, c.id, "out-c", 0, NULL, fake_void, NULL, &voided), LK_OK);
    assert_true(voided);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE uuid = 'out-c'"), 0);
    assert_int_equal(
        count(f->st, "SELECT count(*) FROM outbox WHERE json LIKE '%\"voids\":\"out-c\"%'"), 1);
    /* D: sent and purged: voided from the id the record keeps */
    assert_int_equal(
        store_correct_checkout(f->st, d.id, "out-d", 0, NULL, fake_void, NULL, &voided), LK_OK);
    assert_true(voided);
    assert_int_equal(
        count(f->st, "SELECT count(*) FROM outbox WHERE json LIKE '%\"voids\":\"out-d\"%'"), 1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'voiding'"), 3);
}

static void test_refusals(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_count_refusal(f->st, LK_REASON_EXPIRED, 20261128), LK_OK);
    assert_int_equal(store_count_refusal(f->st, LK_REASON_EXPIRED, 20261128), LK_OK);
    assert_int_equal(store_count_refusal(f->st, LK_REASON_EXPIRED, 20261129), LK_OK);
    assert_int_equal(store_count_refusal(f->st, LK_REASON_NOT_A_PASS, 20261128), LK_OK);
    assert_int_equal(store_count_refusal(f->st, LK_REASON_NONE, 20261128), LK_ERR_INVALID);
    assert_int_equal(store_count_refusal(f->st, LK_REASON_COUNT, 20261128), LK_ERR_INVALID);
    assert_int_equal(store_count_refusal(f->st, (lk_reason)-3, 20261128), LK_ERR_INVALID);
    assert_int_equal(store_count_refusal(NULL, LK_REASON_EXPIRED, 20261128), LK_ERR_INVALID);
    assert_int_equal(count(f->st, "SELECT count FROM refusals WHERE day = 20261128 AND"
                                  " reason = 'expired'"),
                     2);
    assert_int_equal(count(f->st, "SELECT count(*) FROM refusals"), 3);
}

static void collect(const store_experience *exp, void *user)
{
    char *buf = user;
    size_t n = strlen(buf);
    snprintf(buf + n, 256 - n, "%s%s", exp->subject, exp->confirmed ? "* " : " ");
}

static void test_counts_and_listing(void **state)
{
    fixture *f = *state;
    store_experience e;
    assert_int_equal(checkin(f->st, "EV1", "B", T0 + 2000, &e), LK_OK);
    assert_int_equal(checkin(f->st, "EV1", "A", T0 + 1000, &e), LK_OK);
    store_statement conf = {.uuid = "c1", .kind = "confirmation", .json = "{}"};
    assert_int_equal(store_record_confirmation(f->st, e.id, "00AA", "H", T0 + 3000, &conf), LK_OK);
    assert_int_equal(checkin(f->st, "EV1", "Y", T0 - DAY_MS, &e), LK_OK); /* yesterday */
    assert_int_equal(checkin(f->st, "EV2", "C", T0, &e), LK_OK);
    int n = -1;
    assert_int_equal(store_count_checkins(f->st, "EV1", T0, &n), LK_OK);
    assert_int_equal(n, 2);
    assert_int_equal(store_count_checkins(f->st, "EV1", T0 - DAY_MS, &n), LK_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_count_checkins(f->st, "NOPE", T0, &n), LK_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_count_checkins(f->st, NULL, T0, &n), LK_ERR_INVALID);

    char buf[256] = "";
    assert_int_equal(store_each_experience(f->st, "EV1", collect, buf), LK_OK);
    assert_string_equal(buf, "Y A* B ");
    assert_int_equal(store_each_experience(f->st, "EV1", NULL, buf), LK_ERR_INVALID);
}

static void test_roster(void **state)
{
    fixture *f = *state;
    store_person p = {.issuer = "00AA", .subject = "1001", .first_name = "Zoë", .group = "3B"};
    bool inserted = false;
    assert_int_equal(store_roster_upsert(f->st, &p, &inserted), LK_OK);
    assert_true(inserted);
    lk_strlcpy(p.first_name, "Zoë-Lynn", sizeof p.first_name);
    assert_int_equal(store_roster_upsert(f->st, &p, &inserted), LK_OK);
    assert_false(inserted);
    store_person got;
    assert_int_equal(store_roster_find(f->st, "00AA", "1001", &got), LK_OK);
    assert_string_equal(got.first_name, "Zoë-Lynn");
    assert_string_equal(got.group, "3B");
    assert_int_equal(store_roster_find(f->st, "11BB", "1001", &got), LK_ERR_NOT_FOUND);
    assert_int_equal(count(f->st, "SELECT count(*) FROM roster"), 1);
    store_person empty = {0};
    assert_int_equal(store_roster_upsert(f->st, &empty, NULL), LK_ERR_INVALID);
    assert_int_equal(store_roster_upsert(f->st, NULL, NULL), LK_ERR_INVALID);
    assert_int_equal(store_roster_find(f->st, NULL, "1001", &got), LK_ERR_INVALID);
}

/* The names found for what was typed, comma-separated, in the order given. */
static const char *search(store *st, const char *typed, const char *group)
{
    static char buf[512];
    store_person found[16];
    size_t n = 99;
    assert_int_equal(store_roster_search(st, typed, group, found, 16, &n), LK_OK);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, sizeof buf - len, "%s%s", i ? "," : "", found[i].first_name);
    }
    return buf;
}

/* The roster search ("forgot the pass") folds both sides: the A-Z keyboard finds
 * Ömer, Çelik, Élise, Ïsa and IJsbrand (also written with the ligature Ĳ); signs
 * in the names do not count, signs typed alone find no one (no LIKE wildcards); a
 * renamed student is found by the new name; rows written by plain SQL through the
 * store (as the bench's seed does) get their key too; the query is an index range. */
static void test_roster_search_folds_accents(void **state)
{
    fixture *f = *state;
    static const char *const names[][3] = {
        {"1", "Ömer", "3B"},    {"2", "Omar", "3B"},  {"3", "Çelik", "4A"},
        {"4", "Élise", "4A"},   {"5", "Ïsa", "3B"},   {"6", "IJsbrand", "4A"},
        {"7", "Ĳsbrand", "3B"}, {"8", "Zoë", "3B"},   {"9", "Anne-Fleur", "4A"},
        {"10", "李娜", "4A"},   {"11", "Ilse", "4A"}, {"12", "100% Ellen", "4A"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        store_person p = {.issuer = "00AA"};
        lk_strlcpy(p.subject, names[i][0], sizeof p.subject);
        lk_strlcpy(p.first_name, names[i][1], sizeof p.first_name);
        lk_strlcpy(p.group, names[i][2], sizeof p.group);
        assert_int_equal(store_roster_upsert(f->st, &p, NULL), LK_OK);
    }
    assert_string_equal(search(f->st, "ome", NULL), "Ömer");
    assert_string_equal(search(f->st, "OME", NULL), "Ömer");
    assert_string_equal(search(f->st, "o", NULL), "Omar,Ömer");
    assert_string_equal(search(f->st, "Ö", NULL), "Omar,Ömer"); /* typed Ö */
    assert_string_equal(search(f->st, "cel", NULL), "Çelik");
    assert_string_equal(search(f->st, "eli", NULL), "Élise");
    assert_string_equal(search(f->st, "is", NULL), "Ïsa");
    assert_string_equal(search(f->st, "i", NULL), "IJsbrand,Ĳsbrand,Ilse,Ïsa");
    assert_string_equal(search(f->st, "ij", NULL), "IJsbrand,Ĳsbrand");
    assert_string_equal(search(f->st, "ij", "4A"), "IJsbrand");
    assert_string_equal(search(f->st, "zoe", NULL), "Zoë");
    assert_string_equal(search(f->st, "annef", NULL), "Anne-Fleur");
    assert_string_equal(search(f->st, "Anne-F", NULL), "Anne-Fleur");
    assert_string_equal(search(f->st, "100", NULL), "100% Ellen");
    /* no wildcards: signs alone find no one, and a sign is no pattern */
    assert_string_equal(search(f->st, "%", NULL), "");
    assert_string_equal(search(f->st, "_", NULL), "");
    assert_string_equal(search(f->st, "\\", NULL), "");
    assert_string_equal(search(f->st, "o_ar", NULL), "");
    assert_string_equal(search(f->st, "x", NULL), "");
    /* everyone for nothing typed, sorted by the folded name */
    store_person all[16];
    size_t n = 0;
    assert_int_equal(store_roster_search(f->st, "", NULL, all, 16, &n), LK_OK);
    assert_int_equal(n, 12);
    assert_string_equal(all[1].first_name, "100% Ellen");
    assert_int_equal(store_roster_search(f->st, "o", NULL, all, 1, &n), LK_OK);
    assert_int_equal(n, 1);
    assert_string_equal(all[0].first_name, "Omar");
    /* renamed: found by the new name only */
    store_person p = {.issuer = "00AA", .subject = "1", .first_name = "Emre", .group = "3B"};
    assert_int_equal(store_roster_upsert(f->st, &p, NULL), LK_OK);
    assert_string_equal(search(f->st, "ome", NULL), "");
    assert_string_equal(search(f->st, "emr", NULL), "Emre");
    /* plain SQL through the store's connection: the key is made all the same */
    assert_int_equal(sqlite3_exec(store_db(f->st),
                                  "INSERT INTO roster (issuer, subject, first_name, grp)"
                                  " VALUES ('00AA', '20', 'Sjoërd', '3B');"
                                  "UPDATE roster SET first_name = 'Åsa' WHERE subject = '2'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_string_equal(search(f->st, "sjoe", NULL), "Sjoërd");
    assert_string_equal(search(f->st, "asa", NULL), "Åsa");
    assert_string_equal(search(f->st, "oma", NULL), "");
    /* an index range, not a scan of the roster */
    const char *sql = NULL;
    for (size_t i = 0; (sql = store_hot_sql(i)) != NULL; i++)
        if (strstr(sql, "name_key >="))
            break;
    assert_non_null(sql);
    char *eqp = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(f->st), eqp, -1, &s, NULL), SQLITE_OK);
    sqlite3_free(eqp);
    bool indexed = false, scan = false;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(s, 3);
        indexed = indexed || strstr(d, "roster_by_name_key (name_key>? AND name_key<?)") != NULL;
        scan = scan || strncmp(d, "SCAN", 4) == 0;
    }
    sqlite3_finalize(s);
    assert_true(indexed);
    assert_false(scan);
    assert_int_equal(store_roster_search(f->st, NULL, NULL, all, 16, &n), LK_ERR_INVALID);
}

/* Takes the outbox's later migrations back (14: the narrow tables, 15: offered runs,
 * 16: sent runs),
 * so a test can set an older user_version and open the file again. */
#define OUTBOX_BACK_TO_13                                                                          \
    "DROP TRIGGER outbox_in; DROP TRIGGER outbox_out; DROP TRIGGER outbox_state_set;"              \
    "DROP INDEX outbox_quarantined; DROP TABLE outbox_queue; DROP TABLE outbox_sent;"              \
    "DROP TABLE outbox_offered_runs; DROP TABLE outbox_sent_runs;"                                 \
    "CREATE TABLE outbox_offered (id INTEGER PRIMARY KEY, offered_ms INTEGER NOT NULL);"           \
    "CREATE INDEX outbox_by_state ON outbox(state, id);"                                           \
    "CREATE INDEX outbox_sent ON outbox(sent_ms) WHERE state = 1;"                                 \
    "CREATE TRIGGER outbox_totals_insert AFTER INSERT ON outbox BEGIN SELECT 1; END;"              \
    "CREATE TRIGGER outbox_totals_delete AFTER DELETE ON outbox BEGIN SELECT 1; END;"              \
    "CREATE TRIGGER outbox_totals_update AFTER UPDATE ON outbox BEGIN SELECT 1; END;"

/* A database from before the search keys (version 12) gets them for the roster it
 * holds when it is opened. */
static void test_roster_search_keys_migrated(void **state)
{
    fixture *f = *state;
    assert_int_equal(sqlite3_exec(store_db(f->st),
                                  OUTBOX_BACK_TO_13
                                  "DROP TRIGGER roster_name_key_insert;"
                                  "DROP TRIGGER roster_name_key_update;"
                                  "DROP INDEX roster_by_name_key;"
                                  "ALTER TABLE roster DROP COLUMN name_key;"
                                  "INSERT INTO roster (issuer, subject, first_name, grp)"
                                  " VALUES ('00AA', '1', 'Ömer', '3B'),"
                                  " ('00AA', '2', 'Çelik', '3B');"
                                  "PRAGMA user_version = 12",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    store_close(f->st);
    assert_int_equal(store_open(f->path, &f->st, NULL, 0), LK_OK);
    assert_true(count(f->st, "PRAGMA user_version") >= 13);
    assert_string_equal(search(f->st, "ome", NULL), "Ömer");
    assert_string_equal(search(f->st, "c", NULL), "Çelik");
}

static void quarantined(const char *uuid, const char *kind, const char *message, void *user)
{
    assert_string_equal(kind, "checkin");
    assert_string_equal(message, "400 Bad Request: 'x'");
    lk_strlcpy(user, uuid, 64);
}

static void test_outbox_life_cycle(void **state)
{
    fixture *f = *state;
    store_experience e;
    for (int i = 0; i < 5; i++) {
        char subj[8];
        snprintf(subj, sizeof subj, "S%d", i);
        assert_int_equal(checkin(f->st, "EV1", subj, T0 + i, &e), LK_OK);
    }
    store_outbox_item *items = NULL;
    size_t n = 0;
    assert_int_equal(store_outbox_next(f->st, 3, &items, &n), LK_OK);
    assert_int_equal(n, 3);
    assert_true(items[0].id < items[1].id && items[1].id < items[2].id);
    assert_string_equal(items[0].kind, "checkin");
    assert_string_equal(items[0].json, "{}");
    assert_int_equal(items[0].attempts, 0);
    int64_t ids[3] = {items[0].id, items[1].id, items[2].id};
    /* The window after another (read while its last batch is on its way): the rows
     * after an id, in order, the rows up to it left out. */
    store_outbox_item *after = NULL;
    size_t na = 0;
    assert_int_equal(store_outbox_next_after(f->st, ids[1], 2, &after, &na), LK_OK);
    assert_int_equal(na, 2);
    assert_int_equal(after[0].id, ids[2]);
    assert_true(after[1].id > ids[2]);
    store_outbox_free(after, na);
    assert_int_equal(store_outbox_next_after(f->st, ids[2] + 2, 9, &after, &na), LK_OK);
    assert_int_equal(na, 0); /* the last of the five: none after it */
    store_outbox_free(after, na);
    char quarantined_uuid[37];
    lk_strlcpy(quarantined_uuid, items[2].uuid, sizeof quarantined_uuid);
    store_outbox_free(items, n);
    store_outbox_free(NULL, 0);

    char why[64];
    int64_t attempts = -1;
    assert_int_equal(store_outbox_head_error(f->st, why, sizeof why, &attempts), LK_OK);
    assert_string_equal(why, "");
    assert_int_equal(attempts, 0);
    int64_t oldest = 0;
    assert_int_equal(store_oldest_queued_ms(f->st, &oldest), LK_OK);
    assert_true(oldest > 0);
    assert_int_equal(store_outbox_record_attempt(f->st, ids, 2, "timeout"), LK_OK);
    assert_int_equal(store_outbox_record_attempt(f->st, ids, 1, NULL), LK_OK);
    assert_int_equal(store_outbox_record_attempt(f->st, NULL, 1, "x"), LK_ERR_INVALID);
    assert_int_equal(store_outbox_next(f->st, 1, &items, &n), LK_OK);
    assert_int_equal(items[0].attempts, 2);
    store_outbox_free(items, n);
    assert_int_equal(store_outbox_head_error(f->st, why, sizeof why, &attempts), LK_OK);
    assert_string_equal(why, "unknown error");
    assert_int_equal(attempts, 2);

    /* Probes on a kiosk that never sent: queued rows, none of the excluded ones. */
    char *probe[3];
    size_t np = 0;
    bool was_sent = true;
    assert_int_equal(store_outbox_probe_candidates(f->st, ids, 3, 3, probe, &np, &was_sent),
                     LK_OK);
    assert_int_equal(np, 2); /* five queued, three left out */
    assert_false(was_sent);
    for (size_t i = 0; i < np; i++)
        free(probe[i]);
    assert_int_equal(store_outbox_probe_candidates(f->st, ids, 9, 3, probe, &np, &was_sent),
                     LK_ERR_INVALID);

    assert_int_equal(store_outbox_mark_sent(f->st, ids, 2, T0 + 99), LK_OK);
    assert_int_equal(store_outbox_quarantine(f->st, ids[2], "400 Bad Request: 'x'"), LK_OK);
    assert_int_equal(store_outbox_quarantine(f->st, 55555, "x"), LK_ERR_NOT_FOUND);
    store_outbox_stats stats;
    assert_int_equal(store_outbox_stats_get(f->st, &stats), LK_OK);
    assert_int_equal(stats.queued, 2);
    assert_int_equal(stats.sent, 2);
    assert_int_equal(stats.quarantined, 1);
    assert_int_equal(stats.last_sent_ms, T0 + 99);

    assert_int_equal(store_outbox_next(f->st, 100, &items, &n), LK_OK);
    assert_int_equal(n, 2); /* sent and quarantined rows are not offered again */
    store_outbox_free(items, n);
    assert_int_equal(store_outbox_next(f->st, 0, &items, &n), LK_OK);
    assert_int_equal(n, 0);
    assert_null(items);
    assert_int_equal(store_outbox_next(f->st, 1, NULL, &n), LK_ERR_INVALID);
    assert_int_equal(store_outbox_mark_sent(f->st, NULL, 0, T0), LK_OK);
    assert_int_equal(store_outbox_mark_sent(f->st, NULL, 2, T0), LK_ERR_INVALID);

    char seen[64] = "";
    assert_int_equal(store_outbox_each_quarantined(f->st, quarantined, seen), LK_OK);
    assert_string_equal(seen, quarantined_uuid);

    /* Once something was sent, the probe is the last statement the LRS took. */
    assert_int_equal(store_outbox_probe_candidates(f->st, NULL, 0, 3, probe, &np, &was_sent),
                     LK_OK);
    assert_int_equal(np, 1);
    assert_true(was_sent);
    free(probe[0]);

    int64_t requeued = 0;
    assert_int_equal(store_outbox_requeue_quarantined(f->st, &requeued), LK_OK);
    assert_int_equal(requeued, 1);
    assert_int_equal(store_outbox_stats_get(f->st, &stats), LK_OK);
    assert_int_equal(stats.queued, 3);
    assert_int_equal(stats.quarantined, 0);
    assert_int_equal(store_outbox_requeue_quarantined(f->st, &requeued), LK_OK);
    assert_int_equal(requeued, 0);

    char msg[128];
    assert_int_equal(store_integrity_check(f->st, msg, sizeof msg), LK_OK);
    assert_string_equal(msg, "ok");
}

static void test_reopen_keeps_everything(void **state)
{
    fixture *f = *state;
    store_experience e;
    assert_int_equal(checkin(f->st, "EV1", "1001", T0, &e), LK_OK);
    store_person p = {.issuer = "00AA", .subject = "1001", .first_name = "Daan", .group = ""};
    assert_int_equal(store_roster_upsert(f->st, &p, NULL), LK_OK);
    assert_int_equal(store_count_refusal(f->st, LK_REASON_REVOKED, 20261128), LK_OK);
    int fails = -1;
    int64_t until = -1;
    assert_int_equal(store_pin_guard_load(f->st, &fails, &until), LK_OK);
    assert_int_equal(fails, 0);
    assert_int_equal(until, 0);
    assert_int_equal(store_pin_guard_save(f->st, 10, T0 + 300000), LK_OK);
    assert_int_equal(store_pin_guard_save(f->st, -1, 0), LK_ERR_INVALID);
    assert_int_equal(store_pin_guard_load(NULL, &fails, &until), LK_ERR_INVALID);
    config *cfg = calloc(1, sizeof *cfg);
    assert_non_null(cfg);
    config_defaults(cfg);
    lk_strlcpy(cfg->events[0].id, "EV1", sizeof cfg->events[0].id);
    lk_strlcpy(cfg->events[0].title, "Open dag", sizeof cfg->events[0].title);
    cfg->n_events = 1;
    assert_int_equal(store_sync_events(f->st, cfg), LK_OK);
    lk_strlcpy(cfg->events[0].title, "Open dag Techniek", sizeof cfg->events[0].title);
    assert_int_equal(store_sync_events(f->st, cfg), LK_OK); /* update, not a second row */
    free(cfg);

    store_close(f->st);
    assert_int_equal(store_open(f->path, &f->st, NULL, 0), LK_OK);
    store_experience got;
    assert_int_equal(store_find_experience(f->st, "EV1", "00AA", "1001", &got), LK_OK);
    assert_string_equal(got.checkin_uuid, e.checkin_uuid);
    store_person gp;
    assert_int_equal(store_roster_find(f->st, "00AA", "1001", &gp), LK_OK);
    assert_string_equal(gp.first_name, "Daan");
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM refusals"), 1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM events"), 1);
    char title[64];
    text_of(f->st, "SELECT title FROM events", title, sizeof title);
    assert_string_equal(title, "Open dag Techniek");
    /* the PIN pad's lockout survives the restart */
    assert_int_equal(store_pin_guard_load(f->st, &fails, &until), LK_OK);
    assert_int_equal(fails, 10);
    assert_int_equal(until, T0 + 300000);
}

/* A full disk: check-ins fail with LK_ERR_FULL and never leave half a check-in. */
static void test_full_disk(void **state)
{
    fixture *f = *state;
    char mnt[96];
    snprintf(mnt, sizeof mnt, "%s/full", f->dir);
    assert_int_equal(mkdir(mnt, 0700), 0);
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=600k") != 0) {
        skip(); /* not root, or no mount permission in this container */
        return;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/%s", mnt, LK_DB_FILE);
    store *st = NULL;
    lk_status ls = store_open(path, &st, NULL, 0);
    if (ls != LK_OK) {
        umount(mnt);
        fail_msg("open on tmpfs: %s", lk_strerror(ls));
    }
    char *json = malloc(4096);
    assert_non_null(json);
    memset(json, 'x', 4095);
    json[4095] = '\0';
    int written = 0;
    for (int i = 0; i < 1000; i++) {
        store_experience e;
        memset(&e, 0, sizeof e);
        lk_strlcpy(e.event_id, "EV1", sizeof e.event_id);
        lk_strlcpy(e.issuer, "00AA", sizeof e.issuer);
        snprintf(e.subject, sizeof e.subject, "S%d", i);
        e.checkin_ms = T0 + i;
        lk_uuid4(e.checkin_uuid, sizeof e.checkin_uuid);
        store_statement stmt = {.uuid = e.checkin_uuid, .kind = "checkin", .json = json};
        ls = store_record_checkin(st, &e, &stmt);
        if (ls != LK_OK)
            break;
        written++;
    }
    free(json);
    int64_t exps = -1, rows = -2;
    if (ls == LK_ERR_FULL) {
        exps = count(st, "SELECT count(*) FROM experiences");
        rows = count(st, "SELECT count(*) FROM outbox");
    }
    store_close(st);
    /* Reopen: what was confirmed is still there, whole. */
    store *again = NULL;
    lk_status reopen = store_open(path, &again, NULL, 0);
    int64_t exps2 = -1, rows2 = -2;
    if (reopen == LK_OK) {
        exps2 = count(again, "SELECT count(*) FROM experiences");
        rows2 = count(again, "SELECT count(*) FROM outbox");
    }
    store_close(again);
    umount(mnt);
    assert_int_equal(ls, LK_ERR_FULL);
    assert_true(written > 0);
    assert_int_equal(exps, written);
    assert_int_equal(rows, written);
    assert_int_equal(reopen, LK_OK);
    assert_int_equal(exps2, written);
    assert_int_equal(rows2, written);
}

/* The full scans of experiences or outbox in the plan of sql, 0 when every access
 * to them is a SEARCH (an index or the rowid). A full scan of an index is a SCAN too. */
static int full_scans(store *st, const char *sql, char *what, size_t what_len)
{
    char *eqp = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    assert_non_null(eqp);
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(store_db(st), eqp, -1, &s, NULL);
    if (rc != SQLITE_OK)
        fail_msg("cannot prepare %s: %s", sql, sqlite3_errmsg(store_db(st)));
    sqlite3_free(eqp);
    int scans = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(s, 3);
        char table[64] = "";
        if (d && sscanf(d, "SCAN %63s", table) == 1 &&
            (!strcmp(table, "experiences") || !strcmp(table, "outbox") || !strcmp(table, "e") ||
             !strcmp(table, "o")) &&
            !strstr(d, "INDEX outbox_quarantined")) { /* a partial index of the few quarantined */
            scans++;
            lk_strlcpy(what, d, what_len);
        }
        /* sent rows are nearly the whole outbox: a walk of outbox_sent reads them all,
         * unless the statement stops at the first (LIMIT) */
        if (d && sscanf(d, "SCAN %63s", table) == 1 &&
            (!strcmp(table, "outbox_sent") || !strcmp(table, "s")) && !strstr(sql, "LIMIT")) {
            scans++;
            lk_strlcpy(what, d, what_len);
        }
    }
    sqlite3_finalize(s);
    return scans;
}

/* Every hot-path statement of the store finds its rows through an index: nothing
 * the kiosk does per scan, every second or per sync batch reads a whole table, so
 * it costs the same in a year's file as in an empty one. */
static void test_hot_paths_use_indexes(void **state)
{
    fixture *f = *state;
    char what[256] = "";
    /* the check itself catches a full scan */
    assert_int_equal(full_scans(f->st, "SELECT count(*) FROM outbox WHERE kind = 'x'", what,
                                sizeof what), 1);
    assert_int_equal(full_scans(f->st, "SELECT e.id FROM experiences e WHERE e.subject = ?",
                                what, sizeof what), 1);
    assert_int_equal(full_scans(f->st, "SELECT count(*) FROM outbox_sent", what, sizeof what), 1);
    size_t n = 0;
    for (const char *sql; (sql = store_hot_sql(n)) != NULL; n++)
        if (full_scans(f->st, sql, what, sizeof what) > 0)
            fail_msg("full scan (%s) in a hot-path statement: %s", what, sql);
    assert_true(n >= 20);
}

/* A file the kiosk's user may not read or write (left by another user) is a
 * permission error, told as such, not a damaged database. */
static void test_file_of_another_user(void **state)
{
    fixture *f = *state;
    store_close(f->st);
    f->st = NULL;
    char path[160];
    snprintf(path, sizeof path, "%s/other.db", f->dir);
    store *st = NULL;
    assert_int_equal(store_open(path, &st, NULL, 0), LK_OK);
    store_close(st);
    assert_int_equal(chmod(f->dir, 0755), 0);
    if (geteuid() != 0)
        assert_int_equal(chmod(path, 0), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(2);
        lk_status ls = store_open(path, &st, NULL, 0);
        _exit(ls == LK_ERR_PERMISSION ? 0 : ls == LK_OK ? 3 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(chmod(path, 0600), 0);
}

/* The program itself, started again as a second process (see main). */
static const char *self_exe;

/* What another process (the sqlite3 command, `lobkiosk export`) sees: it opens the
 * file read-write as they do, counts the check-ins, closes. -1 on any error. */
static int64_t other_process_count(const char *path)
{
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        execl(self_exe, self_exe, "--count-checkins", path, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    char buf[64] = "";
    ssize_t n = read(fd[0], buf, sizeof buf - 1);
    close(fd[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return n > 0 ? strtoll(buf, NULL, 10) : -1;
}

static int count_checkins_main(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM experiences", -1, &s, NULL);
    if (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        printf("%lld\n", (long long)sqlite3_column_int64(s, 0));
    else
        fprintf(stderr, "second process: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : 1;
}

/* A second handle in the same process (the kiosk's sync thread beside its UI) must
 * not cost the first its locks: else another process closing its connection takes
 * itself for the last one, checkpoints and deletes the -wal and -shm under the
 * kiosk, whose later commits it no longer sees (and a reader may meet half a
 * checkpoint: "database disk image is malformed"). */
static void test_second_handle_keeps_the_wal_shared(void **state)
{
    fixture *f = *state;
    store_experience e;
    assert_int_equal(checkin(f->st, "EV1", "1001", T0, &e), LK_OK);
    store *sync_handle = NULL;
    assert_int_equal(store_open(f->path, &sync_handle, NULL, 0), LK_OK);
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", f->path);
    struct stat sb;
    for (int i = 2; i <= 4; i++) {
        assert_int_equal(other_process_count(f->path), i - 1);
        assert_int_equal(stat(wal, &sb), 0); /* still the kiosk's WAL, not deleted */
        char subject[16];
        snprintf(subject, sizeof subject, "%d", 1000 + i);
        assert_int_equal(checkin(i % 2 ? f->st : sync_handle, "EV1", subject, T0, &e), LK_OK);
        assert_int_equal(other_process_count(f->path), i); /* the commit is seen */
    }
    store_close(sync_handle);
    /* and a loose mode on the open file is still tightened, by path */
    assert_int_equal(chmod(f->path, 0640), 0);
    assert_int_equal(store_open(f->path, &sync_handle, NULL, 0), LK_OK);
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(other_process_count(f->path), 4);
    assert_int_equal(stat(wal, &sb), 0);
    store_close(sync_handle);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--count-checkins") == 0)
        return count_checkins_main(argv[2]);
    self_exe = argv[0];
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_open_arguments),
        T(test_pragmas_modes_and_migrations),
        T(test_store_path_makes_private_dir),
        T(test_checkin_is_atomic_and_unique),
        T(test_checkout),
        T(test_answers_and_confirmation),
        T(test_refusals),
        T(test_undo_confirmations),
        T(test_correct_checkout),
        T(test_counts_and_listing),
        T(test_roster),
        T(test_roster_search_folds_accents),
        T(test_roster_search_keys_migrated),
        T(test_outbox_life_cycle),
        T(test_reopen_keeps_everything),
        T(test_full_disk),
        T(test_hot_paths_use_indexes),
        T(test_second_handle_keeps_the_wal_shared),
        T(test_file_of_another_user),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
