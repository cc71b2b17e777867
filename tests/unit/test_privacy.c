/* Tests of forgetting a person and of retention: store_forget (everything of one
 * student gone, others untouched, voiding statements only for statements that left
 * the kiosk, their JSON shape), store_purge (only old sent rows and stale roster
 * rows go), migration 3 on a database made by the previous version, and the
 * [kiosk] retention_days key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lobkiosk/config.h"
#include "lobkiosk/defaults.h"
#include "lobkiosk/export.h"
#include "lobkiosk/store.h"
#include "lobkiosk/util.h"
#include "lobkiosk/xapi.h"

#define DAY_MS STORE_DAY_MS
/* "Now" for every test: 2030-06-03T10:00:00Z. */
#define NOW_ISO "2030-06-03T10:00:00Z"
#define NOW 1906711200000LL

typedef struct fixture {
    char dir[64];
    char path[128];
    store *st;
    config *cfg;
} fixture;

static int setup(void **state)
{
    setenv("LOBKIOSK_FAKE_NOW", NOW_ISO, 1);
    assert_int_equal(lk_clock_from_env(), LK_OK);
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/lk-privacy-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, LK_DB_FILE);
    assert_int_equal(store_open(f->path, &f->st, NULL, 0), LK_OK);
    f->cfg = calloc(1, sizeof *f->cfg);
    assert_non_null(f->cfg);
    config_defaults(f->cfg);
    lk_strlcpy(f->cfg->kiosk_id, "K-TEST", sizeof f->cfg->kiosk_id);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->st);
    free(f->cfg);
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

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
    sqlite3_free(msg);
}

/* A student's whole visit: check-in, check-out, two answers, a host confirmation.
 * Statement ids are real UUIDs; *out gets the experience. */
static void visit(store *st, const char *event, const char *subject, store_experience *out)
{
    memset(out, 0, sizeof *out);
    lk_strlcpy(out->event_id, event, sizeof out->event_id);
    lk_strlcpy(out->issuer, "00AA", sizeof out->issuer);
    lk_strlcpy(out->subject, subject, sizeof out->subject);
    out->checkin_ms = NOW - 3 * DAY_MS;
    lk_uuid4(out->checkin_uuid, sizeof out->checkin_uuid);
    store_statement in = {.uuid = out->checkin_uuid, .kind = "checkin", .json = "{}"};
    assert_int_equal(store_record_checkin(st, out, &in), LK_OK);
    char u[4][37];
    for (int i = 0; i < 4; i++)
        lk_uuid4(u[i], sizeof u[i]);
    store_statement co = {.uuid = u[0], .kind = "checkout", .json = "{}"};
    assert_int_equal(store_record_checkout(st, out->id, out->checkin_ms + 3600000, &co), LK_OK);
    lk_strlcpy(out->checkout_uuid, u[0], sizeof out->checkout_uuid);
    store_answer a[2] = {
        {.question_id = "rating", .response = "4", .answered_ms = out->checkin_ms + 1,
         .stmt = {.uuid = u[1], .kind = "answer", .json = "{}"}},
        {.question_id = "q", .competency = "motives", .response = "x",
         .answered_ms = out->checkin_ms + 2, .stmt = {.uuid = u[2], .kind = "answer", .json = "{}"}},
    };
    assert_int_equal(store_record_answers(st, out->id, a, 2), LK_OK);
    store_statement cf = {.uuid = u[3], .kind = "confirmation", .json = "{}"};
    assert_int_equal(store_record_confirmation(st, out->id, "00AA", "H01", out->checkin_ms + 5, &cf),
                     LK_OK);
}

static void roster_add(store *st, const char *subject, const char *name)
{
    store_person p = {.issuer = "00AA"};
    lk_strlcpy(p.subject, subject, sizeof p.subject);
    lk_strlcpy(p.first_name, name, sizeof p.first_name);
    assert_int_equal(store_roster_upsert(st, &p, NULL), LK_OK);
}

/* What the CLI passes: the real voiding builder. */
static char *make_void(const char *void_uuid, const char *target_uuid, int64_t now_ms, void *user)
{
    return xapi_voiding((const config *)user, void_uuid, now_ms, target_uuid);
}

static char *make_nothing(const char *void_uuid, const char *target_uuid, int64_t now_ms,
                          void *user)
{
    return NULL;
}

/* Checks one voiding statement's shape; returns its target id (static buffer). */
static const char *check_voiding(const char *text)
{
    static char target[37];
    json_error_t jerr;
    json_t *st = json_loads(text, 0, &jerr);
    assert_non_null(st);
    assert_string_equal(json_string_value(json_object_get(st, "id")) ? "ok" : "", "ok");
    assert_int_equal(strlen(json_string_value(json_object_get(st, "id"))), 36);
    json_t *verb = json_object_get(st, "verb");
    assert_string_equal(json_string_value(json_object_get(verb, "id")),
                        "http://adlnet.gov/expapi/verbs/voided");
    json_t *obj = json_object_get(st, "object");
    assert_string_equal(json_string_value(json_object_get(obj, "objectType")), "StatementRef");
    assert_int_equal(json_object_size(obj), 2);
    lk_strlcpy(target, json_string_value(json_object_get(obj, "id")), sizeof target);
    json_t *actor = json_object_get(st, "actor");
    assert_string_equal(json_string_value(json_object_get(actor, "objectType")), "Agent");
    assert_null(json_object_get(actor, "name"));
    assert_null(json_object_get(actor, "mbox"));
    json_t *acc = json_object_get(actor, "account");
    assert_string_equal(json_string_value(json_object_get(acc, "homePage")),
                        "https://w3id.org/xapi/lob/kiosk/kiosks");
    assert_string_equal(json_string_value(json_object_get(acc, "name")), "K-TEST");
    const char *ts = json_string_value(json_object_get(st, "timestamp"));
    assert_non_null(ts);
    int64_t ts_ms = 0;
    assert_int_equal(lk_parse_iso8601(ts, &ts_ms), LK_OK);
    assert_int_equal(ts_ms, NOW);
    /* No platform: the object is no Activity (xAPI 1.0.3, 4.1.6). */
    assert_null(json_object_get(json_object_get(st, "context"), "platform"));
    json_decref(st);
    return target;
}

static void test_voiding_builder(void **state)
{
    fixture *f = *state;
    char a[37], b[37];
    lk_uuid4(a, sizeof a);
    lk_uuid4(b, sizeof b);
    char *j = xapi_voiding(f->cfg, a, NOW, b);
    assert_non_null(j);
    assert_string_equal(check_voiding(j), b);
    free(j);
    /* Never about a person: no subject, no issuer home page in it. */
    assert_null(xapi_voiding(f->cfg, a, NOW, "a1"));
    assert_null(xapi_voiding(f->cfg, "x", NOW, b));
    assert_null(xapi_voiding(f->cfg, a, NOW, a)); /* a statement cannot void itself */
    assert_null(xapi_voiding(NULL, a, NOW, b));
    assert_null(xapi_voiding(f->cfg, a, 0, b));
    f->cfg->kiosk_id[0] = '\0';
    assert_null(xapi_voiding(f->cfg, a, NOW, b));
    /* activity_base without a trailing slash still gives one homePage. */
    lk_strlcpy(f->cfg->kiosk_id, "K-TEST", sizeof f->cfg->kiosk_id);
    lk_strlcpy(f->cfg->activity_base, "https://w3id.org/xapi/lob/kiosk",
               sizeof f->cfg->activity_base);
    j = xapi_voiding(f->cfg, a, NOW, b);
    assert_non_null(strstr(j, "\"https://w3id.org/xapi/lob/kiosk/kiosks\""));
    free(j);
}

static void test_forget(void **state)
{
    fixture *f = *state;
    store *st = f->st;
    store_experience gone1, gone2, kept;
    visit(st, "EV1", "1002", &gone1);
    visit(st, "EV2", "1002", &gone2);
    visit(st, "EV1", "1001", &kept);
    /* Another issuer's student with the same subject id is someone else. */
    store_experience other;
    memset(&other, 0, sizeof other);
    lk_strlcpy(other.event_id, "EV1", sizeof other.event_id);
    lk_strlcpy(other.issuer, "11BB", sizeof other.issuer);
    lk_strlcpy(other.subject, "1002", sizeof other.subject);
    other.checkin_ms = NOW;
    lk_uuid4(other.checkin_uuid, sizeof other.checkin_uuid);
    store_statement os = {.uuid = other.checkin_uuid, .kind = "checkin", .json = "{}"};
    assert_int_equal(store_record_checkin(st, &other, &os), LK_OK);
    /* 1002 gave a confirmation as a host too (a student assistant): theirs as well. */
    char hu[37];
    lk_uuid4(hu, sizeof hu);
    store_experience third;
    memset(&third, 0, sizeof third);
    lk_strlcpy(third.event_id, "EV3", sizeof third.event_id);
    lk_strlcpy(third.issuer, "00AA", sizeof third.issuer);
    lk_strlcpy(third.subject, "1003", sizeof third.subject);
    third.checkin_ms = NOW;
    lk_uuid4(third.checkin_uuid, sizeof third.checkin_uuid);
    store_statement ts = {.uuid = third.checkin_uuid, .kind = "checkin", .json = "{}"};
    assert_int_equal(store_record_checkin(st, &third, &ts), LK_OK);
    store_statement hs = {.uuid = hu, .kind = "confirmation", .json = "{}"};
    assert_int_equal(store_record_confirmation(st, third.id, "00AA", "1002", NOW, &hs), LK_OK);
    roster_add(st, "1002", "Daan");
    roster_add(st, "1001", "Anouk");

    /* Of 1002's 11 statements (2 visits x 5, plus the host confirmation): the first
     * visit's check-in and check-out sent, one answer tried and failed, one
     * quarantined, the rest never offered. Of 1001, everything sent. */
    sqlite3 *db = store_db(st);
    char sql[512];
    snprintf(sql, sizeof sql,
             "UPDATE outbox SET state = 1, sent_ms = %lld WHERE uuid IN ('%s', '%s')"
             " OR subject = '1001'",
             (long long)(NOW - DAY_MS), gone1.checkin_uuid, gone1.checkout_uuid);
    exec_ok(db, sql);
    exec_ok(db, "UPDATE outbox SET attempts = 2 WHERE id = (SELECT min(id) FROM outbox"
                " WHERE kind = 'answer' AND subject = '1002')");
    exec_ok(db, "UPDATE outbox SET state = 2, attempts = 1, last_error = 'HTTP 400'"
                " WHERE id = (SELECT max(id) FROM outbox WHERE kind = 'answer' AND subject = '1002')");
    int64_t total = count(st, "SELECT count(*) FROM outbox");
    int64_t sent_before =
        count(st, "SELECT count(*) FROM outbox WHERE id IN (SELECT id FROM outbox_sent)");
    store_outbox_stats before;
    assert_int_equal(store_outbox_stats_get(st, &before), LK_OK);
    /* The roster row of 1001 must not change. */
    int64_t kept_roster_ms = count(st, "SELECT updated_ms FROM roster WHERE subject = '1001'");

    store_forget_stats fs;
    assert_int_equal(store_forget(st, "00AA", "1002", make_void, f->cfg, &fs), LK_OK);
    assert_int_equal(fs.roster, 1);
    assert_int_equal(fs.experiences, 2);
    assert_int_equal(fs.answers, 4);
    assert_int_equal(fs.confirmations, 3); /* two of its visits, one it gave */
    assert_int_equal(fs.voided, 4);        /* 2 sent, 1 tried, 1 quarantined */
    assert_int_equal(fs.unsent, 7);
    assert_true(fs.scrubbed);

    /* Nothing of 00AA/1002 left, anywhere. */
    assert_int_equal(count(st, "SELECT count(*) FROM roster WHERE subject = '1002'"), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM experiences WHERE issuer = '00AA'"
                               " AND subject = '1002'"), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM confirmations WHERE host_subject = '1002'"),
                     0);
    assert_int_equal(count(st, "SELECT count(*) FROM answers WHERE experience_id NOT IN"
                               " (SELECT id FROM experiences)"), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE subject = '1002'"
                               " AND issuer = '00AA'"), 0);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE uuid IN ('%s','%s','%s')",
             gone1.checkin_uuid, gone2.checkin_uuid, hu);
    assert_int_equal(count(st, sql), 0);
    /* Others untouched: 1001's visit, 11BB/1002, 1003's experience (now unconfirmed). */
    assert_int_equal(count(st, "SELECT count(*) FROM experiences"), 3);
    assert_int_equal(count(st, "SELECT count(*) FROM answers"), 2);
    assert_int_equal(count(st, "SELECT count(*) FROM confirmations"), 1);
    assert_int_equal(count(st, "SELECT updated_ms FROM roster WHERE subject = '1001'"),
                     kept_roster_ms);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE subject = '1001' AND id IN "
                               "(SELECT id FROM outbox_sent)"),
                     5);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE issuer = '11BB'"), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE subject = '1003'"), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox"), total - 11 + 4);

    /* Four voiding statements, queued, about no one (no subject) but bound for the
     * student's school's LRS (issuer), each pointing at a statement that had left:
     * the sent two, the tried one, the quarantined one. */
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE kind = 'voiding' AND id IN "
                               "(SELECT id FROM outbox_queue)"
                               " AND issuer = '00AA' AND subject IS NULL AND created_ms > 0"),
                     4);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT json FROM outbox WHERE kind = 'voiding'", -1,
                                        &q, NULL),
                     SQLITE_OK);
    int seen_in = 0, seen_out = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *j = (const char *)sqlite3_column_text(q, 0);
        assert_null(strstr(j, "1002"));
        const char *target = check_voiding(j);
        seen_in += strcmp(target, gone1.checkin_uuid) == 0;
        seen_out += strcmp(target, gone1.checkout_uuid) == 0;
        assert_string_not_equal(target, gone2.checkin_uuid); /* never offered */
    }
    sqlite3_finalize(q);
    assert_int_equal(seen_in, 1);
    assert_int_equal(seen_out, 1);
    /* The sent count and last send time of sync status did not go back. */
    store_outbox_stats after;
    assert_int_equal(store_outbox_stats_get(st, &after), LK_OK);
    assert_int_equal(after.sent, before.sent);
    assert_int_equal(after.last_sent_ms, before.last_sent_ms);
    assert_int_equal(
        count(st, "SELECT count(*) FROM outbox WHERE id IN (SELECT id FROM outbox_sent)"),
        sent_before - 2);
    assert_int_equal(after.queued, before.queued - 8 + 4); /* 7 never offered, 1 tried */

    /* Twice: nothing known, nothing changed. */
    int64_t rows = count(st, "SELECT count(*) FROM outbox");
    assert_int_equal(store_forget(st, "00AA", "1002", make_void, f->cfg, &fs), LK_ERR_NOT_FOUND);
    assert_int_equal(fs.voided + fs.unsent + fs.roster, 0);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox"), rows);
    assert_int_equal(store_forget(st, "00AA", "NOBODY", make_void, f->cfg, &fs), LK_ERR_NOT_FOUND);
    /* A roster row alone is enough to be known. */
    roster_add(st, "2001", "Sem");
    assert_int_equal(store_forget(st, "00AA", "2001", make_void, f->cfg, &fs), LK_OK);
    assert_int_equal(fs.roster, 1);
    assert_int_equal(fs.experiences + fs.voided + fs.unsent, 0);

    /* A builder that fails leaves everything as it was. */
    assert_int_equal(store_forget(st, "00AA", "1001", make_nothing, NULL, &fs), LK_ERR_INVALID);
    assert_int_equal(count(st, "SELECT count(*) FROM experiences WHERE subject = '1001'"), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM roster WHERE subject = '1001'"), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox"), rows);
    /* Arguments. */
    assert_int_equal(store_forget(NULL, "00AA", "1", make_void, f->cfg, &fs), LK_ERR_INVALID);
    assert_int_equal(store_forget(st, "", "1", make_void, f->cfg, &fs), LK_ERR_INVALID);
    assert_int_equal(store_forget(st, "00AA", NULL, make_void, f->cfg, &fs), LK_ERR_INVALID);
    assert_int_equal(store_forget(st, "00AA", "1", NULL, f->cfg, &fs), LK_ERR_INVALID);
    assert_int_equal(store_forget(st, "00AA", "1", make_void, f->cfg, NULL), LK_ERR_INVALID);
}

/* The first name is not left in the file or its WAL after a forget. */
/* The person's rows written first, then thousands of others, so page splits move
 * their cells around before the forget: no copy may stay behind, with no VACUUM. */
static void test_forget_after_page_splits_leaves_no_bytes(void **state)
{
    fixture *f = *state;
    store_experience e;
    roster_add(f->st, "1002", "Zwaantjeverdwijnt");
    visit(f->st, "EV1", "1002", &e);
    for (int i = 0; i < 3000; i += 30) {
        char subj[8];
        snprintf(subj, sizeof subj, "S%d", i);
        visit(f->st, "EV1", subj, &e);
    }
    assert_int_equal(store_begin(f->st), LK_OK);
    for (int i = 0; i < 3000; i++) {
        char subj[8], name[32];
        snprintf(subj, sizeof subj, "S%d", i);
        snprintf(name, sizeof name, "Naam%04dx", i);
        roster_add(f->st, subj, name);
    }
    assert_int_equal(store_commit(f->st), LK_OK);
    store_forget_stats fs;
    assert_int_equal(store_forget(f->st, "00AA", "1002", make_void, f->cfg, &fs), LK_OK);
    assert_true(fs.scrubbed);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(lk_read_file(f->path, &data, &len), LK_OK);
    assert_null(memmem(data, len, "Zwaantjeverdwijnt", 17));
    assert_non_null(memmem(data, len, "Naam1234x", 9));
    free(data);
}

static void test_forget_leaves_no_bytes(void **state)
{
    fixture *f = *state;
    store_experience e;
    for (int i = 0; i < 200; i++) {
        char subj[8], name[32];
        snprintf(subj, sizeof subj, "S%d", i);
        snprintf(name, sizeof name, "Naam%03dx", i);
        roster_add(f->st, subj, name);
    }
    roster_add(f->st, "1002", "Zwaantjeverdwijnt");
    visit(f->st, "EV1", "1002", &e);
    store_forget_stats fs;
    assert_int_equal(store_forget(f->st, "00AA", "1002", make_void, f->cfg, &fs), LK_OK);
    assert_true(fs.scrubbed);
    const char *files[2] = {"", "-wal"};
    for (int k = 0; k < 2; k++) {
        char p[160];
        snprintf(p, sizeof p, "%s%s", f->path, files[k]);
        char *data = NULL;
        size_t len = 0;
        if (lk_read_file(p, &data, &len) != LK_OK)
            continue; /* no WAL file is fine */
        assert_null(memmem(data, len, "Zwaantjeverdwijnt", 17));
        if (k == 0)
            assert_non_null(memmem(data, len, "Naam123x", 8)); /* the others are there */
        free(data);
    }
}

static void test_purge(void **state)
{
    fixture *f = *state;
    store *st = f->st;
    store_experience e;
    for (int i = 0; i < 6; i++) {
        char subj[8];
        snprintf(subj, sizeof subj, "P%d", i);
        visit(st, "EV1", subj, &e);
    }
    sqlite3 *db = store_db(st);
    /* P0, P1: sent 40 days ago; P2: sent 10 days ago; P3: quarantined long ago;
     * P4: queued and tried long ago; P5: queued. */
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE outbox SET state = 1, sent_ms = %lld WHERE subject IN ('P0', 'P1')",
             (long long)(NOW - 40 * DAY_MS));
    exec_ok(db, sql);
    snprintf(sql, sizeof sql, "UPDATE outbox SET state = 1, sent_ms = %lld WHERE subject = 'P2'",
             (long long)(NOW - 10 * DAY_MS));
    exec_ok(db, sql);
    exec_ok(db, "UPDATE outbox SET state = 2, attempts = 3, created_ms = 1 WHERE subject = 'P3'");
    exec_ok(db, "UPDATE outbox SET attempts = 9, created_ms = 1 WHERE subject = 'P4'");
    /* Roster: R-OLD imported 40 days ago, R-NEW today. */
    roster_add(st, "RNEW", "Fleur");
    roster_add(st, "ROLD", "Oudenaam");
    snprintf(sql, sizeof sql, "UPDATE roster SET updated_ms = %lld WHERE subject = 'ROLD'",
             (long long)(NOW - 40 * DAY_MS));
    exec_ok(db, sql);
    store_outbox_stats before;
    assert_int_equal(store_outbox_stats_get(st, &before), LK_OK);
    int64_t exps = count(st, "SELECT count(*) FROM experiences");
    int64_t answers = count(st, "SELECT count(*) FROM answers");

    store_purge_stats ps;
    assert_int_equal(store_purge(st, 30 * DAY_MS, &ps), LK_OK);
    assert_int_equal(ps.statements, 10);
    assert_int_equal(ps.roster, 1);
    /* A new file gives free pages back as it goes: no rewrite, and the first name
     * is gone from the disk all the same (secure_delete, then the WAL emptied). */
    assert_false(ps.vacuumed);
    assert_true(ps.checkpointed);
    assert_int_equal(count(st, "PRAGMA freelist_count"), 0); /* given back */
    {
        char *data = NULL;
        size_t len = 0;
        assert_int_equal(lk_read_file(f->path, &data, &len), LK_OK);
        assert_null(memmem(data, len, "Oudenaam", 8));
        free(data);
    }
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE subject IN ('P0', 'P1')"), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE subject = 'P2'"), 5);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE subject = 'P3' AND state = 2"), 5);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE subject = 'P4' AND id IN (SELECT "
                               "id FROM outbox_queue)"),
                     5);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE subject = 'P5'"), 5);
    assert_int_equal(count(st, "SELECT count(*) FROM roster WHERE subject = 'ROLD'"), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM roster WHERE subject = 'RNEW'"), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM experiences"), exps);
    assert_int_equal(count(st, "SELECT count(*) FROM answers"), answers);
    assert_int_equal(count(st, "SELECT count(*) FROM confirmations"), 6);
    /* sync status keeps its figures. */
    store_outbox_stats after;
    assert_int_equal(store_outbox_stats_get(st, &after), LK_OK);
    assert_int_equal(after.sent, before.sent);
    assert_int_equal(after.last_sent_ms, before.last_sent_ms);
    assert_int_equal(after.queued, before.queued);
    assert_int_equal(after.quarantined, before.quarantined);

    /* Again: nothing more to do, and no rewrite for nothing. */
    assert_int_equal(store_purge(st, 30 * DAY_MS, &ps), LK_OK);
    assert_int_equal(ps.statements + ps.roster, 0);
    assert_false(ps.vacuumed);
    /* A shorter period takes P2 too. */
    assert_int_equal(store_purge(st, 5 * DAY_MS, &ps), LK_OK);
    assert_int_equal(ps.statements, 5);
    assert_int_equal(ps.roster, 0);
    assert_int_equal(store_outbox_stats_get(st, &after), LK_OK);
    assert_int_equal(after.sent, before.sent);
    /* Arguments: 0 means "keep", never "everything". */
    assert_int_equal(store_purge(st, 0, &ps), LK_ERR_INVALID);
    assert_int_equal(store_purge(st, -DAY_MS, &ps), LK_ERR_INVALID);
    assert_int_equal(store_purge(NULL, DAY_MS, &ps), LK_ERR_INVALID);
    assert_int_equal(store_purge(st, DAY_MS, NULL), LK_ERR_INVALID);
}

/* The schema as migrations 1 and 2 left it (a copy: the shipped entries). */
static const char *const V2_SCHEMA =
    "CREATE TABLE events (id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '',"
    "  kind TEXT NOT NULL DEFAULT 'other', host TEXT NOT NULL DEFAULT '',"
    "  location TEXT NOT NULL DEFAULT '', start_ms INTEGER NOT NULL DEFAULT 0,"
    "  end_ms INTEGER NOT NULL DEFAULT 0, mode TEXT NOT NULL DEFAULT 'checkin');"
    "CREATE TABLE roster (issuer TEXT NOT NULL, subject TEXT NOT NULL,"
    "  first_name TEXT NOT NULL, grp TEXT NOT NULL DEFAULT '',"
    "  updated_ms INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (issuer, subject));"
    "CREATE TABLE experiences (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL,"
    "  issuer TEXT NOT NULL, subject TEXT NOT NULL, checkin_ms INTEGER NOT NULL,"
    "  checkin_uuid TEXT NOT NULL UNIQUE, checkout_ms INTEGER NOT NULL DEFAULT 0,"
    "  checkout_uuid TEXT NOT NULL DEFAULT '', UNIQUE (event_id, issuer, subject));"
    "CREATE TABLE answers (id INTEGER PRIMARY KEY,"
    "  experience_id INTEGER NOT NULL REFERENCES experiences(id), question_id TEXT NOT NULL,"
    "  competency TEXT, response TEXT NOT NULL, answered_ms INTEGER NOT NULL,"
    "  uuid TEXT NOT NULL UNIQUE);"
    "CREATE TABLE confirmations (id INTEGER PRIMARY KEY,"
    "  experience_id INTEGER NOT NULL UNIQUE REFERENCES experiences(id),"
    "  host_issuer TEXT NOT NULL, host_subject TEXT NOT NULL, confirmed_ms INTEGER NOT NULL,"
    "  uuid TEXT NOT NULL UNIQUE);"
    "CREATE TABLE refusals (day INTEGER NOT NULL, reason TEXT NOT NULL,"
    "  count INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (day, reason));"
    "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL, json TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0,"
    "  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
    "  created_ms INTEGER NOT NULL DEFAULT 0, sent_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX experiences_by_event ON experiences(event_id, checkin_ms);"
    "CREATE INDEX outbox_by_state ON outbox(state, id);"
    "CREATE INDEX answers_by_experience ON answers(experience_id);"
    "PRAGMA user_version = 2;";

static void test_migration_from_version_2(void **state)
{
    fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/old.db", f->dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    exec_ok(db, V2_SCHEMA);
    exec_ok(db,
            "INSERT INTO roster VALUES ('00AA', '1002', 'Daan', '3H2', 1);"
            "INSERT INTO roster VALUES ('00AA', '1001', 'Anouk', '3H2', 1);"
            "INSERT INTO experiences VALUES (1, 'EV1', '00AA', '1002', 10,"
            "  '10000000-0000-4000-8000-000000000001', 20, '10000000-0000-4000-8000-000000000002');"
            "INSERT INTO experiences VALUES (2, 'EV1', '00AA', '1001', 10,"
            "  '20000000-0000-4000-8000-000000000001', 0, '');"
            "INSERT INTO answers VALUES (1, 1, 'rating', NULL, '4', 11,"
            "  '10000000-0000-4000-8000-000000000003');"
            "INSERT INTO confirmations VALUES (1, 1, '00AA', 'H01', 12,"
            "  '10000000-0000-4000-8000-000000000004');"
            "INSERT INTO outbox (uuid, kind, json, state, sent_ms) VALUES"
            "  ('10000000-0000-4000-8000-000000000001', 'checkin', '{}', 1, 100),"
            "  ('10000000-0000-4000-8000-000000000002', 'checkout', '{}', 0, 0),"
            "  ('10000000-0000-4000-8000-000000000003', 'answer', '{}', 1, 100),"
            "  ('10000000-0000-4000-8000-000000000004', 'confirmation', '{}', 0, 0),"
            "  ('20000000-0000-4000-8000-000000000001', 'checkin', '{}', 1, 100);");
    sqlite3_close(db);

    store *st = NULL;
    assert_int_equal(store_open(path, &st, NULL, 0), LK_OK);
    assert_true(count(st, "PRAGMA user_version") >= 5);
    /* The running counts start from the rows that were there (migration 5). */
    store_outbox_stats os0;
    assert_int_equal(store_outbox_stats_get(st, &os0), LK_OK);
    assert_int_equal(os0.queued, 2);
    assert_int_equal(os0.quarantined, 0);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE exported_ms <> 0"), 0);
    /* Every old row now names its person, from the record it belongs to. */
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE issuer = '00AA'"
                               " AND subject = '1002'"), 4);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE subject = '1001'"), 1);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE subject IS NULL"), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox_purged"), 1);
    store_outbox_stats os;
    assert_int_equal(store_outbox_stats_get(st, &os), LK_OK);
    assert_int_equal(os.sent, 3);
    assert_int_equal(os.last_sent_ms, 100);
    /* New rows get it from their experience. */
    char u[37];
    lk_uuid4(u, sizeof u);
    store_statement cf = {.uuid = u, .kind = "confirmation", .json = "{}"};
    assert_int_equal(store_record_confirmation(st, 2, "00AA", "H01", 30, &cf), LK_OK);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE subject = '1001'"), 2);
    /* And forget works on the migrated data. */
    store_forget_stats fs;
    assert_int_equal(store_forget(st, "00AA", "1002", make_void, f->cfg, &fs), LK_OK);
    assert_int_equal(fs.voided, 2);
    assert_int_equal(fs.unsent, 2);
    assert_int_equal(fs.experiences, 1);
    assert_int_equal(fs.answers, 1);
    assert_int_equal(fs.confirmations, 1);
    assert_int_equal(fs.roster, 1);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE kind = 'voiding'"), 2);
    store_close(st);
    /* Reopening runs nothing again. */
    assert_int_equal(store_open(path, &st, NULL, 0), LK_OK);
    assert_true(count(st, "PRAGMA user_version") >= 5);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE exported_ms <> 0"), 0);
    assert_int_equal(count(st, "PRAGMA secure_delete"), 1);
    store_close(st);
}

/* The running counts (migrations 5 and 14) against a count of the rows themselves,
 * and every row in exactly one place: queued (outbox_queue), sent (outbox_sent) or
 * quarantined (state 2); no entry in the narrow tables without its row. */
static void assert_totals_true(store *st)
{
    store_outbox_stats os;
    assert_int_equal(store_outbox_stats_get(st, &os), LK_OK);
    store_outbox_audit a; /* lobkiosk check's audit agrees */
    assert_int_equal(store_outbox_audit_get(st, &a), LK_OK);
    assert_int_equal(a.unplaced + a.doubled + a.orphans + a.unrun, 0);
    assert_false(a.totals_off);
    assert_int_equal(os.queued, count(st, "SELECT count(*) FROM outbox_queue"));
    assert_int_equal(os.quarantined, count(st, "SELECT count(*) FROM outbox WHERE state = 2"));
    assert_int_equal(os.sent, count(st, "SELECT (SELECT count(*) FROM outbox_sent)"
                                        " + (SELECT sent FROM outbox_purged)"));
    assert_true(os.last_sent_ms >= count(st, "SELECT coalesce(max(sent_ms), 0) FROM outbox_sent"));
    assert_int_equal(count(st, "SELECT count(*) FROM outbox"),
                     count(st, "SELECT (SELECT count(*) FROM outbox_queue)"
                               " + (SELECT count(*) FROM outbox_sent)"
                               " + (SELECT count(*) FROM outbox WHERE state = 2)"));
    assert_int_equal(count(st, "SELECT count(*) FROM outbox_queue q JOIN outbox_sent s"
                               " ON s.id = q.id"),
                     0); /* sent yet queued */
    assert_int_equal(count(st, "SELECT count(*) FROM outbox_queue q JOIN outbox o"
                               " ON o.id = q.id AND o.state = 2"),
                     0); /* quarantined yet queued */
    assert_int_equal(count(st, "SELECT count(*) FROM outbox_queue q"
                               " WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = q.id)"),
                     0);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox_sent s"
                               " WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = s.id)"),
                     0);
    /* every sent row lies in a run of its own send time (retention finds it) */
    assert_int_equal(count(st, "SELECT count(*) FROM outbox_sent s WHERE NOT EXISTS"
                               " (SELECT 1 FROM outbox_sent_runs r WHERE s.id BETWEEN r.lo"
                               " AND r.hi AND r.sent_ms = s.sent_ms)"),
                     0);
}

/* lobkiosk check's audit finds each kind of fault a hand-made change can leave in the
 * queue, and counts each apart. */
static void test_outbox_audit_finds_faults(void **state)
{
    fixture *f = *state;
    store *st = f->st;
    sqlite3 *db = store_db(st);
    store_experience e;
    for (int i = 0; i < 3; i++) {
        char subj[8];
        snprintf(subj, sizeof subj, "A%d", i);
        visit(st, "EV1", subj, &e);
    }
    store_outbox_item *items = NULL;
    size_t n = 0;
    assert_int_equal(store_outbox_next(st, 6, &items, &n), LK_OK);
    assert_int_equal(n, 6);
    int64_t ids[6];
    for (size_t i = 0; i < n; i++)
        ids[i] = items[i].id;
    store_outbox_free(items, n);
    assert_int_equal(store_outbox_mark_sent(st, ids, 3, NOW - 1000), LK_OK);
    assert_totals_true(st);

    char sql[256];
    store_outbox_audit a;
    /* a queued row out of the queue by hand: never sent */
    snprintf(sql, sizeof sql, "DELETE FROM outbox_queue WHERE id = %lld", (long long)ids[4]);
    exec_ok(db, sql);
    assert_int_equal(store_outbox_audit_get(st, &a), LK_OK);
    assert_int_equal(a.unplaced, 1);
    assert_int_equal(a.doubled + a.orphans + a.unrun, 0);
    assert_true(a.totals_off);
    snprintf(sql, sizeof sql, "INSERT INTO outbox_queue (id) VALUES (%lld)", (long long)ids[4]);
    exec_ok(db, sql);
    assert_totals_true(st);
    /* a sent row queued again by hand: in two places */
    snprintf(sql, sizeof sql, "INSERT INTO outbox_queue (id) VALUES (%lld)", (long long)ids[0]);
    exec_ok(db, sql);
    assert_int_equal(store_outbox_audit_get(st, &a), LK_OK);
    assert_int_equal(a.doubled, 1);
    assert_int_equal(a.unplaced + a.orphans + a.unrun, 0);
    snprintf(sql, sizeof sql, "DELETE FROM outbox_queue WHERE id = %lld", (long long)ids[0]);
    exec_ok(db, sql);
    /* a queue entry whose row is gone */
    exec_ok(db, "INSERT INTO outbox_queue (id) VALUES (999999)");
    assert_int_equal(store_outbox_audit_get(st, &a), LK_OK);
    assert_int_equal(a.orphans, 1);
    assert_int_equal(a.unplaced + a.doubled + a.unrun, 0);
    exec_ok(db, "DELETE FROM outbox_queue WHERE id = 999999");
    /* a sent row retention cannot find by its time */
    exec_ok(db, "DELETE FROM outbox_sent_runs");
    assert_int_equal(store_outbox_audit_get(st, &a), LK_OK);
    assert_int_equal(a.unrun, 3);
    assert_int_equal(a.unplaced + a.doubled + a.orphans, 0);
    assert_false(a.totals_off);
}

/* The screen's and sync --status's counts are kept, not counted: every way a row
 * enters, changes state or leaves keeps them true. */
static void test_running_counts_stay_true(void **state)
{
    fixture *f = *state;
    store *st = f->st;
    store_experience e;
    for (int i = 0; i < 6; i++) {
        char subj[8];
        snprintf(subj, sizeof subj, "C%d", i);
        visit(st, "EV1", subj, &e);
    }
    assert_totals_true(st);
    store_outbox_item *items = NULL;
    size_t n = 0;
    assert_int_equal(store_outbox_next(st, 12, &items, &n), LK_OK);
    assert_int_equal(n, 12);
    int64_t ids[12];
    for (size_t i = 0; i < n; i++)
        ids[i] = items[i].id;
    assert_int_equal(store_outbox_mark_sent(st, ids, 4, NOW - 40 * DAY_MS), LK_OK);
    assert_totals_true(st);
    assert_int_equal(store_outbox_mark_sent(st, ids + 4, 2, NOW - 1000), LK_OK);
    assert_int_equal(store_outbox_quarantine(st, ids[6], "400"), LK_OK);
    assert_int_equal(store_outbox_quarantine(st, ids[7], "400"), LK_OK);
    assert_int_equal(store_outbox_record_attempt(st, ids + 8, 2, "timeout"), LK_OK);
    assert_totals_true(st);
    /* sent again (a batch that came back after a time-out): counted once */
    assert_int_equal(store_outbox_mark_sent(st, ids + 4, 1, NOW - 500), LK_OK);
    assert_totals_true(st);
    /* requeue (sync --requeue) */
    int64_t requeued = 0;
    assert_int_equal(store_outbox_requeue_quarantined(st, &requeued), LK_OK);
    assert_int_equal(requeued, 2);
    assert_totals_true(st);
    assert_int_equal(store_outbox_quarantine(st, ids[7], "400 again"), LK_OK);
    size_t voided = 0;
    assert_int_equal(store_outbox_settle_sent(st, items + 8, 2, NOW - 100, make_void, f->cfg,
                                              &voided),
                     LK_OK);
    store_outbox_free(items, n);
    assert_totals_true(st);
    /* forget: unsent rows deleted, sent ones voided (a new queued row) and deleted */
    store_outbox_stats before;
    assert_int_equal(store_outbox_stats_get(st, &before), LK_OK);
    store_forget_stats fs;
    assert_int_equal(store_forget(st, "00AA", "C0", make_void, f->cfg, &fs), LK_OK);
    assert_true(fs.voided > 0);
    assert_totals_true(st);
    store_outbox_stats after;
    assert_int_equal(store_outbox_stats_get(st, &after), LK_OK);
    assert_int_equal(after.sent, before.sent); /* the sent count never goes back */
    /* purge of old sent rows */
    store_purge_stats ps;
    assert_int_equal(store_purge(st, 30 * DAY_MS, &ps), LK_OK);
    assert_totals_true(st);
    assert_int_equal(store_outbox_stats_get(st, &after), LK_OK);
    assert_int_equal(after.sent, before.sent);
    /* a rolled-back write leaves the counts as they were */
    assert_int_equal(store_begin(st), LK_OK);
    exec_ok(store_db(st),
            "UPDATE outbox SET state = 1, sent_ms = 5 WHERE id IN (SELECT id FROM outbox_queue)");
    store_rollback(st);
    assert_totals_true(st);
    assert_int_equal(store_outbox_stats_get(st, &after), LK_OK);
    assert_int_equal(after.sent, before.sent);
}

/* A database as version 13 left it: the state in each outbox row, counted by
 * triggers a row (migration 5), offered marks in outbox_offered (migration 12). Made
 * from a new file by taking migrations 16 to 14 back, so it has every older table. */
static const char V13_OUTBOX[] =
    "DROP TRIGGER outbox_in; DROP TRIGGER outbox_out; DROP TRIGGER outbox_state_set;"
    "DROP INDEX outbox_quarantined; DROP TABLE outbox_queue; DROP TABLE outbox_sent;"
    "DROP TABLE outbox_offered_runs; DROP TABLE outbox_sent_runs;"
    "CREATE TABLE outbox_offered (id INTEGER PRIMARY KEY, offered_ms INTEGER NOT NULL);"
    "CREATE INDEX outbox_by_state ON outbox(state, id);"
    "CREATE TRIGGER outbox_totals_insert AFTER INSERT ON outbox BEGIN"
    "  UPDATE outbox_totals SET queued = queued + (NEW.state = 0),"
    "  sent = sent + (NEW.state = 1), quarantined = quarantined + (NEW.state = 2),"
    "  last_sent_ms = max(last_sent_ms, CASE WHEN NEW.state = 1 THEN NEW.sent_ms ELSE 0 END)"
    "  WHERE id = 1;"
    "END;"
    "CREATE TRIGGER outbox_totals_delete AFTER DELETE ON outbox BEGIN"
    "  UPDATE outbox_totals SET queued = queued - (OLD.state = 0),"
    "  sent = sent - (OLD.state = 1), quarantined = quarantined - (OLD.state = 2)"
    "  WHERE id = 1;"
    "END;"
    "CREATE TRIGGER outbox_totals_update AFTER UPDATE OF state, sent_ms ON outbox"
    "  WHEN OLD.state IS NOT NEW.state OR OLD.sent_ms IS NOT NEW.sent_ms BEGIN"
    "  UPDATE outbox_totals SET"
    "  queued = queued - (OLD.state = 0) + (NEW.state = 0),"
    "  sent = sent - (OLD.state = 1) + (NEW.state = 1),"
    "  quarantined = quarantined - (OLD.state = 2) + (NEW.state = 2),"
    "  last_sent_ms = max(last_sent_ms, CASE WHEN NEW.state = 1 THEN NEW.sent_ms ELSE 0 END)"
    "  WHERE id = 1;"
    "END;"
    "CREATE INDEX outbox_sent ON outbox(sent_ms) WHERE state = 1;"
    "UPDATE outbox_totals SET queued = 0, sent = 0, quarantined = 0, last_sent_ms = 0;"
    "PRAGMA user_version = 13;";

/* Migration 14 on a version 13 file: queued rows go into outbox_queue in id
 * order, sent rows into outbox_sent with their send time, quarantined ones stay in
 * their row; offered marks of queued rows become runs, the others go; the counts are
 * counted once. */
static void test_migration_14_from_version_13(void **state)
{
    fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/v13.db", f->dir);
    store *st = NULL;
    assert_int_equal(store_open(path, &st, NULL, 0), LK_OK);
    sqlite3 *db = store_db(st);
    exec_ok(db, V13_OUTBOX);
    /* 1: sent 40 days ago, 2: queued and offered, 3: quarantined, 4: sent yesterday
     * with a stale offered mark (a crash between its two commits), 5: queued */
    exec_ok(db, "INSERT INTO outbox (id, uuid, kind, json, state, attempts, last_error,"
                "  created_ms, sent_ms, issuer, subject) VALUES"
                " (1, 'u1', 'checkin', '{}', 1, 1, NULL, 10, 1903255200000, '00AA', 'S1'),"
                " (2, 'u2', 'checkin', '{}', 0, 0, NULL, 20, 0, '00AA', 'S2'),"
                " (3, 'u3', 'checkin', '{}', 2, 3, 'HTTP 400', 30, 0, '00AA', 'S3'),"
                " (4, 'u4', 'checkin', '{}', 1, 1, NULL, 40, 1906624800000, '00AA', 'S1'),"
                " (5, 'u5', 'answer', '{}', 0, 0, NULL, 50, 0, '00AA', 'S2');"
                "INSERT INTO outbox_offered (id, offered_ms) VALUES (2, 60), (4, 60);");
    assert_int_equal(count(st, "SELECT queued * 100 + sent * 10 + quarantined"
                               " FROM outbox_totals"),
                     221);
    store_close(st);

    assert_int_equal(store_open(path, &st, NULL, 0), LK_OK);
    assert_int_equal(count(st, "PRAGMA user_version"), 14);
    /* each sent row's time is found through a run: here one row each */
    assert_int_equal(count(st, "SELECT count(*) FROM outbox_sent_runs"), 2);
    assert_totals_true(st);
    assert_int_equal(count(st, "SELECT sum(id * (id + 1)) FROM outbox_queue"), 2 * 3 + 5 * 6);
    assert_int_equal(count(st, "SELECT sum(id) FROM outbox_sent"), 1 + 4);
    assert_int_equal(count(st, "SELECT sent_ms FROM outbox_sent WHERE id = 4"), 1906624800000);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox_offered_runs"), 1);
    assert_int_equal(count(st, "SELECT lo * 10 + hi FROM outbox_offered_runs"), 22);
    store_outbox_stats os;
    assert_int_equal(store_outbox_stats_get(st, &os), LK_OK);
    assert_int_equal(os.queued, 2);
    assert_int_equal(os.sent, 2);
    assert_int_equal(os.quarantined, 1);
    assert_int_equal(os.last_sent_ms, 1906624800000);
    /* the sync reads the queue in id order */
    store_outbox_item *items = NULL;
    size_t n = 0;
    assert_int_equal(store_outbox_next(st, 10, &items, &n), LK_OK);
    assert_int_equal(n, 2);
    assert_string_equal(items[0].uuid, "u2");
    assert_string_equal(items[1].uuid, "u5");
    size_t voided = 9;
    assert_int_equal(store_outbox_settle_sent(st, items, n, NOW, make_void, f->cfg, &voided),
                     LK_OK);
    assert_int_equal(voided, 0);
    store_outbox_free(items, n);
    assert_totals_true(st);
    /* retention finds the old sent row by its send time, and only that one */
    store_purge_stats ps;
    assert_int_equal(store_purge(st, 30 * DAY_MS, &ps), LK_OK);
    assert_int_equal(ps.statements, 1);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE uuid = 'u1'"), 0);
    assert_totals_true(st);
    /* the quarantined row comes back at its place */
    int64_t requeued = 0;
    assert_int_equal(store_outbox_requeue_quarantined(st, &requeued), LK_OK);
    assert_int_equal(requeued, 1);
    assert_int_equal(store_outbox_next(st, 10, &items, &n), LK_OK);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].uuid, "u3");
    store_outbox_free(items, n);
    assert_totals_true(st);
    store_close(st);
}

/* Where a row stands is in one place: a sent row is never read as queued again, a
 * quarantined one is not sent by a late answer nor read as queued until requeued, a
 * forgotten one leaves the queue and its offered mark, and the running counts follow
 * every kind of write (also a tool's direct SQL). */
static void test_queue_places(void **state)
{
    fixture *f = *state;
    store *st = f->st;
    store_experience a, b;
    visit(st, "EV1", "Q1", &a);
    visit(st, "EV1", "Q2", &b);
    assert_totals_true(st);
    store_outbox_item *items = NULL;
    size_t n = 0;
    assert_int_equal(store_outbox_next(st, 4, &items, &n), LK_OK);
    assert_int_equal(n, 4);
    int64_t first = items[0].id;
    size_t voided = 9;
    assert_int_equal(store_outbox_settle_sent(st, items, n, NOW - 10, make_void, f->cfg, &voided),
                     LK_OK);
    assert_int_equal(voided, 0);
    /* sent twice (an answer that came back late): counted once, its time kept */
    assert_int_equal(store_outbox_settle_sent(st, items, n, NOW, make_void, f->cfg, &voided),
                     LK_OK);
    assert_int_equal(voided, 0);
    store_outbox_free(items, n);
    assert_totals_true(st);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT sent_ms FROM outbox_sent WHERE id = %lld", (long long)first);
    assert_int_equal(count(st, sql), NOW - 10);
    store_outbox_stats os;
    assert_int_equal(store_outbox_stats_get(st, &os), LK_OK);
    assert_int_equal(os.queued, 6);
    assert_int_equal(os.sent, 4);
    /* the next batch starts after the sent ones */
    assert_int_equal(store_outbox_next(st, 100, &items, &n), LK_OK);
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++)
        assert_true(items[i].id > first + 3);
    int64_t q_id = items[0].id;
    assert_int_equal(store_outbox_quarantine(st, q_id, "HTTP 400"), LK_OK);
    assert_totals_true(st);
    /* a late answer for the quarantined row leaves it quarantined */
    assert_int_equal(store_outbox_settle_sent(st, items, 1, NOW, make_void, f->cfg, &voided),
                     LK_OK);
    assert_int_equal(voided, 0);
    snprintf(sql, sizeof sql, "SELECT state FROM outbox WHERE id = %lld", (long long)q_id);
    assert_int_equal(count(st, sql), 2);
    assert_totals_true(st);
    store_outbox_free(items, n);
    assert_int_equal(store_outbox_next(st, 100, &items, &n), LK_OK);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
        assert_true(items[i].id != q_id);
    /* offered, then the student is forgotten: nothing of theirs stays queued */
    int64_t ids[5];
    bool present[5];
    for (size_t i = 0; i < n; i++)
        ids[i] = items[i].id;
    assert_int_equal(store_outbox_mark_offered(st, ids, n, NOW, present), LK_OK);
    store_outbox_free(items, n);
    store_forget_stats fs;
    assert_int_equal(store_forget(st, "00AA", "Q2", make_void, f->cfg, &fs), LK_OK);
    assert_totals_true(st);
    assert_int_equal(count(st, "SELECT count(*) FROM outbox_queue q JOIN outbox o ON o.id = q.id"
                               " WHERE o.subject = 'Q2'"),
                     0);
    /* a tool's direct writes: a row inserted as sent, one set sent, one deleted */
    exec_ok(store_db(st), "INSERT INTO outbox (uuid, kind, json, state, sent_ms)"
                          " VALUES ('tool-1', 'checkin', '{}', 1, 5)");
    assert_totals_true(st);
    exec_ok(store_db(st), "UPDATE outbox SET state = 1, sent_ms = 6 WHERE id ="
                          " (SELECT min(id) FROM outbox_queue)");
    assert_totals_true(st);
    exec_ok(store_db(st), "DELETE FROM outbox WHERE id = (SELECT max(id) FROM outbox_queue)");
    assert_totals_true(st);
    int64_t requeued = 0;
    assert_int_equal(store_outbox_requeue_quarantined(st, &requeued), LK_OK);
    assert_totals_true(st);
    /* the first batch (one run, sent 40 days ago) with one of its rows sent again
     * since by a tool: retention takes the others and keeps that one */
    exec_ok(store_db(st), "UPDATE outbox_sent SET sent_ms = 1902355200000"
                          " WHERE sent_ms = 1906711199990;"
                          "UPDATE outbox_sent_runs SET sent_ms = 1902355200000"
                          " WHERE sent_ms = 1906711199990;");
    snprintf(sql, sizeof sql, "UPDATE outbox SET state = 1, sent_ms = %lld WHERE id = %lld",
             (long long)(NOW - 5), (long long)(first + 1));
    exec_ok(store_db(st), sql);
    assert_totals_true(st);
    store_outbox_item *recent = NULL;
    size_t nr = 0;
    assert_int_equal(store_outbox_recent_sent(st, 1, &recent, &nr), LK_OK);
    assert_int_equal(nr, 1);
    assert_int_equal(recent[0].id, first + 1);
    store_outbox_free(recent, nr);
    store_purge_stats ps;
    assert_int_equal(store_purge(st, 30 * DAY_MS, &ps), LK_OK);
    assert_int_equal(ps.statements, 5); /* and the two a tool wrote sent in 1970 */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox_sent WHERE id = %lld",
             (long long)(first + 1));
    assert_int_equal(count(st, sql), 1);
    assert_int_equal(
        count(st, "SELECT count(*) FROM outbox_sent_runs WHERE sent_ms < 1906000000000"), 0);
    assert_totals_true(st);
    /* an admin's corrections: a sent check-out moved (voided, its new one queued), a
     * queued one undone (deleted), and a host's confirmations undone */
    store_experience c, d;
    visit(st, "EV1", "Q3", &c);
    visit(st, "EV1", "Q4", &d);
    snprintf(sql, sizeof sql, "SELECT id FROM outbox WHERE uuid = '%s'", c.checkout_uuid);
    int64_t co = count(st, sql);
    assert_int_equal(store_outbox_mark_sent(st, &co, 1, NOW - 3), LK_OK);
    assert_totals_true(st);
    char nu[37];
    lk_uuid4(nu, sizeof nu);
    store_statement moved = {.uuid = nu, .kind = "checkout", .json = "{}"};
    bool was_voided = false;
    assert_int_equal(store_correct_checkout(st, c.id, c.checkout_uuid, c.checkin_ms + 7200000,
                                            &moved, make_void, f->cfg, &was_voided),
                     LK_OK);
    assert_true(was_voided);
    assert_totals_true(st);
    assert_int_equal(
        store_correct_checkout(st, d.id, d.checkout_uuid, 0, NULL, make_void, f->cfg, &was_voided),
        LK_OK);
    assert_false(was_voided);
    assert_totals_true(st);
    size_t removed = 0, undone_voided = 0;
    assert_int_equal(
        store_undo_confirmations(st, "00AA", "H01", 0, make_void, f->cfg, &removed, &undone_voided),
        LK_OK);
    assert_true(removed >= 2);
    assert_totals_true(st);
    (void)a;
}

/* Writes text to DIR/kiosk.ini and loads it. */
static lk_status load(const fixture *f, const char *text, config *cfg, char *err, size_t len)
{
    char path[160];
    snprintf(path, sizeof path, "%s/kiosk.ini", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return config_load(cfg, path, err, len);
}

static void test_retention_days_key(void **state)
{
    fixture *f = *state;
    config *cfg = malloc(sizeof *cfg);
    assert_non_null(cfg);
    char err[CONFIG_ERR_MAX] = "";
    assert_int_equal(load(f, "[kiosk]\nid = K\n", cfg, err, sizeof err), LK_OK);
    assert_int_equal(cfg->retention_days, 0); /* default: keep */
    assert_int_equal(load(f, "[kiosk]\nid = K\nretention_days = 180\n", cfg, err, sizeof err),
                     LK_OK);
    assert_int_equal(cfg->retention_days, 180);
    assert_int_equal(load(f, "[kiosk]\nretention_days = 0\n", cfg, err, sizeof err), LK_OK);
    assert_int_equal(load(f, "[kiosk]\nretention_days = 3650\n", cfg, err, sizeof err), LK_OK);
    assert_int_equal(cfg->retention_days, 3650);
    static const char *const bad[] = {"3651", "-1", "30d", "", "1e3", "180 "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "[kiosk]\nid = K\n\nretention_days = %s\n", bad[i]);
        err[0] = '\0';
        lk_status ls = load(f, text, cfg, err, sizeof err);
        if (!strcmp(bad[i], "180 ") && ls == LK_OK) /* inih trims trailing blanks */
            continue;
        if (ls != LK_ERR_CONFIG || !strstr(err, "kiosk.ini:4: [kiosk] retention_days:"))
            fail_msg("'%s': status %d, message '%s'", bad[i], ls, err);
    }
    /* Only in [kiosk]. */
    assert_int_equal(load(f, "[sync]\nretention_days = 30\n", cfg, err, sizeof err),
                     LK_ERR_CONFIG);
    assert_non_null(strstr(err, ":2: [sync] retention_days: unknown key"));
    /* [kiosk] usb_mount: where the admin's export may write; absolute paths only */
    assert_int_equal(load(f, "[kiosk]\nid = K\n", cfg, err, sizeof err), LK_OK);
    assert_string_equal(cfg->usb_mount, LK_USB_MOUNT);
    assert_int_equal(load(f, "[kiosk]\nusb_mount = /mnt/stick\n", cfg, err, sizeof err), LK_OK);
    assert_string_equal(cfg->usb_mount, "/mnt/stick");
    assert_int_equal(load(f, "[kiosk]\nusb_mount = stick\n", cfg, err, sizeof err), LK_ERR_CONFIG);
    assert_non_null(strstr(err, "usb_mount"));
    config_free(cfg);
    free(cfg);
}

/* A batch on the wire while forget ran in another process: the LRS stored what the
 * kiosk no longer has, so settling the batch queues a voiding statement of it. */
static void test_settle_sent_voids_rows_forgotten_meanwhile(void **state)
{
    fixture *f = *state;
    store_experience a, b;
    visit(f->st, "EV1", "1001", &a);
    visit(f->st, "EV1", "1002", &b);
    store_outbox_item *items = NULL;
    size_t n = 0;
    assert_int_equal(store_outbox_next(f->st, 100, &items, &n), LK_OK);
    assert_int_equal(n, 10);
    /* forget of 1001 happens now, while the batch is being sent */
    store_forget_stats fs;
    assert_int_equal(store_forget(f->st, "00AA", "1001", make_void, f->cfg, &fs), LK_OK);
    assert_int_equal(fs.unsent, 5);
    assert_int_equal(fs.voided, 0);
    size_t voided = 99;
    assert_int_equal(store_outbox_settle_sent(f->st, items, n, NOW, make_void, f->cfg, &voided),
                     LK_OK);
    assert_int_equal(voided, 5);
    assert_int_equal(
        count(f->st, "SELECT count(*) FROM outbox WHERE id IN (SELECT id FROM outbox_sent)"), 5);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'voiding'"
                                  " AND id IN (SELECT id FROM outbox_queue)"),
                     5);
    /* each voiding statement points at one of 1001's statements */
    (void)a;
    (void)b;
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(f->st),
                                        "SELECT json FROM outbox WHERE kind = 'voiding'", -1, &q,
                                        NULL),
                     SQLITE_OK);
    size_t matched = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *target = check_voiding((const char *)sqlite3_column_text(q, 0));
        bool in_batch = false;
        for (size_t i = 0; i < n; i++)
            in_batch = in_batch || !strcmp(items[i].uuid, target);
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE uuid = '%s'", target);
        /* a statement of the batch whose row is gone: 1001's, not 1002's */
        if (in_batch && count(f->st, sql) == 0)
            matched++;
    }
    sqlite3_finalize(q);
    assert_int_equal(matched, 5);
    /* NULL and empty */
    assert_int_equal(store_outbox_settle_sent(f->st, items, 0, NOW, make_void, f->cfg, &voided),
                     LK_OK);
    assert_int_equal(voided, 0);
    assert_int_equal(store_outbox_settle_sent(NULL, items, n, NOW, make_void, f->cfg, NULL),
                     LK_ERR_INVALID);
    assert_int_equal(store_outbox_settle_sent(f->st, items, n, NOW, NULL, f->cfg, NULL),
                     LK_ERR_INVALID);
    store_outbox_free(items, n);
}

/* A school without an LRS: statements that went out on a USB stick are voided by
 * forget like sent ones, so a dossier fed from exports can drop them too; rows that
 * never left are just deleted. */
static void test_forget_voids_exported_statements(void **state)
{
    fixture *f = *state;
    lk_strlcpy(f->cfg->data_dir, f->dir, sizeof f->cfg->data_dir);
    store_experience a, b;
    visit(f->st, "EV1", "1001", &a);
    char out[128];
    snprintf(out, sizeof out, "%s/export.json", f->dir);
    size_t n = 0;
    assert_int_equal(export_to_file(f->cfg, EXPORT_XAPI, 0, out, &n), LK_OK);
    assert_int_equal(n, 5);
    /* one row records the export, however many statements it held */
    assert_int_equal(count(f->st, "SELECT count(*) FROM exports WHERE since_ms = 0"
                                  " AND max_outbox_id = (SELECT max(id) FROM outbox)"),
                     1);
    visit(f->st, "EV1", "1002", &b); /* after the export: stays on the kiosk */
    /* an export of the last day only holds none of 1002's rows (three days old) */
    snprintf(out, sizeof out, "%s/export.csv", f->dir);
    assert_int_equal(export_to_file(f->cfg, EXPORT_CSV, NOW - DAY_MS, out, &n), LK_OK);
    assert_int_equal(n, 0);
    store_forget_stats fs;
    assert_int_equal(store_forget(f->st, "00AA", "1001", make_void, f->cfg, &fs), LK_OK);
    assert_int_equal(fs.voided, 5);
    assert_int_equal(fs.unsent, 0);
    assert_int_equal(store_forget(f->st, "00AA", "1002", make_void, f->cfg, &fs), LK_OK);
    assert_int_equal(fs.voided, 0);
    assert_int_equal(fs.unsent, 5);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'voiding'"), 5);
    (void)a;
    (void)b;
}

/* Retention purges sent rows; forget must still void those statements, from the ids
 * the person's records keep (and only those: another student's stay untouched). */
static void test_forget_after_purge_voids_from_kept_ids(void **state)
{
    fixture *f = *state;
    store_experience a, b;
    visit(f->st, "EV1", "1001", &a);
    visit(f->st, "EV1", "1002", &b);
    exec_ok(store_db(f->st), "UPDATE outbox SET state = 1, sent_ms = 1");
    store_purge_stats ps;
    assert_int_equal(store_purge(f->st, DAY_MS, &ps), LK_OK);
    assert_int_equal(ps.statements, 10);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 0);
    store_forget_stats fs;
    assert_int_equal(store_forget(f->st, "00AA", "1001", make_void, f->cfg, &fs), LK_OK);
    assert_int_equal(fs.voided, 5);
    assert_int_equal(fs.voided_purged, 5);
    assert_int_equal(fs.unsent, 0);
    /* one voiding statement for each of 1001's five statements, none for 1002's */
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(f->st),
                                        "SELECT json FROM outbox WHERE kind = 'voiding'", -1, &q,
                                        NULL),
                     SQLITE_OK);
    size_t seen = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *target = check_voiding((const char *)sqlite3_column_text(q, 0));
        assert_true(strcmp(target, b.checkin_uuid) != 0 && strcmp(target, b.checkout_uuid) != 0);
        seen++;
    }
    sqlite3_finalize(q);
    assert_int_equal(seen, 5);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'voiding'"
                                  " AND json LIKE '%' || (SELECT checkin_uuid FROM experiences"
                                  " WHERE subject = '1002') || '%'"),
                     0);
    /* forgetting again finds nothing: the ids went with the records */
    assert_int_equal(store_forget(f->st, "00AA", "1001", make_void, f->cfg, &fs),
                     LK_ERR_NOT_FOUND);
    /* the other student's statements are voided only when they are forgotten */
    assert_int_equal(store_forget(f->st, "00AA", "1002", make_void, f->cfg, &fs), LK_OK);
    assert_int_equal(fs.voided_purged, 5);
}

/* The sync marks a batch before it POSTs it: a forget while it is on the wire (the
 * answer may be lost: the LRS may have it) voids it; before the mark it was never
 * offered and is just deleted; a batch row forgotten before the mark is not sent. */
static void test_forget_while_in_flight(void **state)
{
    fixture *f = *state;
    store_experience a, b;
    visit(f->st, "EV1", "1001", &a);
    visit(f->st, "EV1", "1002", &b);
    store_outbox_item *items = NULL;
    size_t n = 0;
    assert_int_equal(store_outbox_next(f->st, 100, &items, &n), LK_OK);
    assert_int_equal(n, 10);
    int64_t ids[10];
    bool present[10];
    for (size_t i = 0; i < n; i++)
        ids[i] = items[i].id;
    /* 1002 forgotten after the batch was read, before it was marked */
    store_forget_stats fs;
    assert_int_equal(store_forget(f->st, "00AA", "1002", make_void, f->cfg, &fs), LK_OK);
    assert_int_equal(fs.unsent, 5);
    assert_int_equal(fs.voided, 0);
    assert_int_equal(store_outbox_mark_offered(f->st, ids, n, NOW, present), LK_OK);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        kept += present[i];
        /* exactly 1001's rows are still there to send */
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE id = %lld AND subject = '1001'",
                 (long long)ids[i]);
        assert_int_equal(present[i], count(f->st, sql) == 1);
    }
    assert_int_equal(kept, 5);
    /* 1001 forgotten while the batch is on the wire, its answer then lost */
    assert_int_equal(store_forget(f->st, "00AA", "1001", make_void, f->cfg, &fs), LK_OK);
    assert_int_equal(fs.voided, 5);
    assert_int_equal(fs.unsent, 0);
    assert_int_equal(store_outbox_record_attempt(f->st, ids, n, "timeout"), LK_OK); /* no-op */
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'voiding'"), 5);
    assert_int_equal(store_outbox_mark_offered(f->st, ids, 0, NOW, NULL), LK_OK);
    assert_int_equal(store_outbox_mark_offered(f->st, ids, 1, NOW, NULL), LK_ERR_INVALID);
    store_outbox_free(items, n);
}

/* The outbox rows marked offered (migration 14), for a WHERE to go on. */
#define OFFERED_ROWS                                                                               \
    "SELECT count(*) FROM outbox o, outbox_offered_runs f WHERE o.id BETWEEN f.lo AND f.hi"

/* The offered marks of a window: kept apart from the rows (no row is rewritten),
 * in any id order; a row forgotten after the mark is voided and reads as no longer
 * queued; settling drops the marks, leaves no transaction open and the file at
 * synchronous = FULL; a mark left behind by a crash is cleared by the next one. */
static void test_offered_window(void **state)
{
    fixture *f = *state;
    store_experience a, b;
    visit(f->st, "EV1", "1001", &a);
    visit(f->st, "EV1", "1002", &b);
    store_outbox_item *items = NULL;
    size_t n = 0;
    assert_int_equal(store_outbox_next(f->st, 100, &items, &n), LK_OK);
    assert_int_equal(n, 10);
    int64_t ids[10], rev[10];
    bool present[10], queued[10];
    for (size_t i = 0; i < n; i++) {
        ids[i] = items[i].id;
        rev[n - 1 - i] = items[i].id;
    }
    assert_int_equal(store_outbox_mark_offered(f->st, rev, n, NOW, present), LK_OK);
    for (size_t i = 0; i < n; i++)
        assert_true(present[i]);
    /* the ten rows are one run of ids: one row marks them */
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox_offered_runs"), 1);
    assert_int_equal(count(f->st, OFFERED_ROWS), 10);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE offered_ms <> 0"), 0);
    /* offered again (a retry): still present, the first time kept */
    assert_int_equal(store_outbox_mark_offered(f->st, ids, n, NOW + 5, present), LK_OK);
    assert_true(present[0] && present[9]);
    assert_int_equal(count(f->st, OFFERED_ROWS " AND f.offered_ms = 1906711200000"), 10);
    store_forget_stats fs;
    assert_int_equal(store_forget(f->st, "00AA", "1002", make_void, f->cfg, &fs), LK_OK);
    assert_int_equal(fs.voided, 5);
    assert_int_equal(fs.unsent, 0);
    assert_int_equal(store_outbox_still_queued(f->st, rev, n, queued), LK_OK);
    size_t left = 0;
    for (size_t i = 0; i < n; i++) {
        char sql[128];
        snprintf(
            sql, sizeof sql,
            "SELECT count(*) FROM outbox WHERE id = %lld AND id IN (SELECT id FROM outbox_queue)",
            (long long)rev[i]);
        assert_int_equal(queued[i], count(f->st, sql) == 1);
        left += queued[i];
    }
    assert_int_equal(left, 5);
    /* 1001's five are sent; 1002's were forgotten on the wire and are voided again */
    size_t voided = 0;
    assert_int_equal(store_outbox_settle_sent(f->st, items, n, NOW, make_void, f->cfg, &voided),
                     LK_OK);
    assert_int_equal(voided, 5);
    assert_int_equal(
        count(f->st, "SELECT count(*) FROM outbox WHERE id IN (SELECT id FROM outbox_sent)"), 5);
    assert_int_equal(count(f->st, OFFERED_ROWS " AND o.id IN (SELECT id FROM outbox_queue)"), 0);
    assert_true(sqlite3_get_autocommit(store_db(f->st)));
    assert_int_equal(count(f->st, "PRAGMA synchronous"), 2);
    /* a mark whose row was sent before a crash could drop it: cleared by the next mark */
    char sql[128];
    snprintf(sql, sizeof sql,
             "INSERT INTO outbox_offered_runs (lo, hi, offered_ms) VALUES (%lld, %lld, 1)",
             (long long)ids[0], (long long)ids[0]);
    assert_int_equal(sqlite3_exec(store_db(f->st), sql, NULL, NULL, NULL), SQLITE_OK);
    store_outbox_item *more = NULL;
    size_t m = 0;
    assert_int_equal(store_outbox_next(f->st, 100, &more, &m), LK_OK);
    assert_int_equal(m, 10); /* the voiding statements */
    int64_t vid = more[0].id;
    bool p1 = false;
    assert_int_equal(store_outbox_mark_offered(f->st, &vid, 1, NOW, &p1), LK_OK);
    assert_true(p1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox_offered_runs"), 1);
    assert_int_equal(count(f->st, OFFERED_ROWS), 1);
    store_outbox_free(more, m);
    assert_int_equal(store_outbox_still_queued(f->st, ids, 0, NULL), LK_OK);
    assert_int_equal(store_outbox_still_queued(f->st, ids, 1, NULL), LK_ERR_INVALID);
    store_outbox_free(items, n);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_voiding_builder),
        T(test_forget),
        T(test_forget_leaves_no_bytes),
        T(test_forget_after_page_splits_leaves_no_bytes),
        T(test_purge),
        T(test_running_counts_stay_true),
        T(test_outbox_audit_finds_faults),
        T(test_migration_from_version_2),
        T(test_migration_14_from_version_13),
        T(test_queue_places),
        T(test_retention_days_key),
        T(test_settle_sent_voids_rows_forgotten_meanwhile),
        T(test_offered_window),
        T(test_forget_voids_exported_statements),
        T(test_forget_after_purge_voids_from_kept_ids),
        T(test_forget_while_in_flight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
