/* Tests of the check-in rules (a table of cases for checkin_decide) and of the scan
 * service on a real store: what is written, what is only counted, the repeat filter,
 * check-out durations and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/checkin.h"
#include "lobkiosk/util.h"

#define HOUR_MS (3600 * 1000LL)
#define NONE INT64_MIN

/* 2026-11-28T09:00:00+01:00 */
#define T0 1795852800000LL

enum { EV_NONE, EV_OPEN, EV_STAGE, EV_ONLY11 };

static config_event events[4];

static void make_events(void)
{
    memset(events, 0, sizeof events);
    const char *ids[] = {"", "OPEN1", "STAGE1", "ONLY11"};
    for (int i = 1; i < 4; i++) {
        lk_strlcpy(events[i].id, ids[i], sizeof events[i].id);
        lk_strlcpy(events[i].title, ids[i], sizeof events[i].title);
        lk_strlcpy(events[i].kind, i == EV_STAGE ? "internship_day" : "open_day",
                   sizeof events[i].kind);
        events[i].start_ms = T0;
        events[i].end_ms = T0 + 8 * HOUR_MS;
        events[i].mode = i == EV_STAGE ? CONFIG_MODE_CHECKIN_CHECKOUT : CONFIG_MODE_CHECKIN;
    }
    lk_strlcpy(events[EV_ONLY11].issuers, "11BB, 22CC", sizeof events[EV_ONLY11].issuers);
}

/* --- checkin_decide from a table -------------------------------------------------- */

typedef struct decide_case {
    const char *name;
    char role; /* S, H, A or something else */
    const char *issuer, *subject;
    int event;                              /* EV_* */
    bool has_exp;                           /* prior experience */
    int64_t checkin_off;                    /* its check-in, relative to T0 */
    int64_t checkout_off;                   /* its check-out relative to T0, NONE = still in */
    const char *last_issuer, *last_subject; /* previous scan */
    int64_t last_off;                       /* previous scan relative to T0, NONE = never */
    int64_t now_off;                        /* now, relative to T0 */
    checkin_outcome want;
    lk_reason want_reason;
} decide_case;

static const decide_case cases[] = {
    {"first scan at open day", 'S', "00AA", "1001", EV_OPEN, false, 0, NONE, "", "", NONE, 600000,
     CHECKIN_CHECKED_IN, LK_REASON_NONE},
    {"second scan at open day", 'S', "00AA", "1001", EV_OPEN, true, 0, NONE, "", "", NONE, 600000,
     CHECKIN_ALREADY, LK_REASON_NONE},
    {"first scan at internship", 'S', "00AA", "1001", EV_STAGE, false, 0, NONE, "", "", NONE, 1000,
     CHECKIN_CHECKED_IN, LK_REASON_NONE},
    {"second scan at internship checks out", 'S', "00AA", "1001", EV_STAGE, true, 0, NONE, "", "",
     NONE, 6 * HOUR_MS, CHECKIN_CHECKED_OUT, LK_REASON_NONE},
    {"third scan at internship", 'S', "00AA", "1001", EV_STAGE, true, 0, 6 * HOUR_MS, "", "", NONE,
     7 * HOUR_MS, CHECKIN_ALREADY_OUT, LK_REASON_NONE},
    {"no event", 'S', "00AA", "1001", EV_NONE, false, 0, NONE, "", "", NONE, 1000, CHECKIN_REFUSED,
     LK_REASON_NO_EVENT},
    {"before the window", 'S', "00AA", "1001", EV_OPEN, false, 0, NONE, "", "", NONE, -1,
     CHECKIN_REFUSED, LK_REASON_NO_EVENT},
    {"exactly at the end", 'S', "00AA", "1001", EV_OPEN, false, 0, NONE, "", "", NONE, 8 * HOUR_MS,
     CHECKIN_REFUSED, LK_REASON_NO_EVENT},
    {"exactly at the start", 'S', "00AA", "1001", EV_OPEN, false, 0, NONE, "", "", NONE, 0,
     CHECKIN_CHECKED_IN, LK_REASON_NONE},
    {"issuer not invited", 'S', "00AA", "1001", EV_ONLY11, false, 0, NONE, "", "", NONE, 1000,
     CHECKIN_REFUSED, LK_REASON_ISSUER_NOT_INVITED},
    {"invited issuer", 'S', "11BB", "1001", EV_ONLY11, false, 0, NONE, "", "", NONE, 1000,
     CHECKIN_CHECKED_IN, LK_REASON_NONE},
    {"second invited issuer", 'S', "22CC", "1001", EV_ONLY11, false, 0, NONE, "", "", NONE, 1000,
     CHECKIN_CHECKED_IN, LK_REASON_NONE},
    {"host pass routed", 'H', "00AA", "H1", EV_OPEN, false, 0, NONE, "", "", NONE, 1000,
     CHECKIN_HOST, LK_REASON_NONE},
    {"host pass without event", 'H', "00AA", "H1", EV_NONE, false, 0, NONE, "", "", NONE, 1000,
     CHECKIN_HOST, LK_REASON_NONE},
    {"admin pass without event", 'A', "00AA", "A1", EV_NONE, false, 0, NONE, "", "", NONE, 1000,
     CHECKIN_ADMIN, LK_REASON_NONE},
    /* staff passes honour the event's issuers: another trusted school's admin or host
     * pass opens nothing here */
    {"admin pass of an uninvited issuer", 'A', "00AA", "A1", EV_ONLY11, false, 0, NONE, "", "",
     NONE, 1000, CHECKIN_REFUSED, LK_REASON_ISSUER_NOT_INVITED},
    {"host pass of an uninvited issuer", 'H', "00AA", "H1", EV_ONLY11, false, 0, NONE, "", "", NONE,
     1000, CHECKIN_REFUSED, LK_REASON_ISSUER_NOT_INVITED},
    {"admin pass of an invited issuer", 'A', "11BB", "A1", EV_ONLY11, false, 0, NONE, "", "", NONE,
     1000, CHECKIN_ADMIN, LK_REASON_NONE},
    {"host pass of the second invited issuer", 'H', "22CC", "H1", EV_ONLY11, false, 0, NONE, "", "",
     NONE, 1000, CHECKIN_HOST, LK_REASON_NONE},
    {"uninvited admin outside the event's hours", 'A', "00AA", "A1", EV_ONLY11, false, 0, NONE, "",
     "", NONE, -HOUR_MS, CHECKIN_REFUSED, LK_REASON_ISSUER_NOT_INVITED},
    {"invited admin outside the event's hours", 'A', "11BB", "A1", EV_ONLY11, false, 0, NONE, "",
     "", NONE, 9 * HOUR_MS, CHECKIN_ADMIN, LK_REASON_NONE},
    {"admin pass at an event open to all", 'A', "99ZZ", "A1", EV_OPEN, false, 0, NONE, "", "", NONE,
     1000, CHECKIN_ADMIN, LK_REASON_NONE},
    {"uninvited admin pass repeated is ignored, not reopened", 'A', "00AA", "A1", EV_ONLY11, false,
     0, NONE, "00AA", "A1", 0, 300, CHECKIN_IGNORED, LK_REASON_NONE},
    {"unknown role", 'X', "00AA", "1001", EV_OPEN, false, 0, NONE, "", "", NONE, 1000,
     CHECKIN_REFUSED, LK_REASON_ROLE_NOT_ALLOWED},
    {"same pass 1 s later", 'S', "00AA", "1001", EV_OPEN, true, 0, NONE, "00AA", "1001", 0, 1000,
     CHECKIN_IGNORED, LK_REASON_NONE},
    {"same pass just inside the window", 'S', "00AA", "1001", EV_OPEN, true, 0, NONE, "00AA",
     "1001", 0, LK_REPEAT_IGNORE_SECONDS * 1000 - 1, CHECKIN_IGNORED, LK_REASON_NONE},
    {"same pass at the window's end", 'S', "00AA", "1001", EV_OPEN, true, 0, NONE, "00AA", "1001",
     0, LK_REPEAT_IGNORE_SECONDS * 1000, CHECKIN_ALREADY, LK_REASON_NONE},
    {"no instant check-out", 'S', "00AA", "1001", EV_STAGE, true, 0, NONE, "00AA", "1001", 0, 500,
     CHECKIN_IGNORED, LK_REASON_NONE},
    {"check-out after the window", 'S', "00AA", "1001", EV_STAGE, true, 0, NONE, "00AA", "1001", 0,
     LK_REPEAT_IGNORE_SECONDS * 1000, CHECKIN_CHECKED_OUT, LK_REASON_NONE},
    {"other subject inside the window", 'S', "00AA", "1002", EV_OPEN, false, 0, NONE, "00AA",
     "1001", 0, 100, CHECKIN_CHECKED_IN, LK_REASON_NONE},
    {"same subject, other issuer", 'S', "11BB", "1001", EV_OPEN, false, 0, NONE, "00AA", "1001", 0,
     100, CHECKIN_CHECKED_IN, LK_REASON_NONE},
    {"clock stepped back a little", 'S', "00AA", "1001", EV_STAGE, true, 0, NONE, "00AA", "1001",
     5000, 2000, CHECKIN_IGNORED, LK_REASON_NONE},
    /* the clock stepped back by a lot (2 hours): the earlier scan lies in the future;
     * the pass is not ignored for two hours, it is a new scan */
    {"clock stepped back 2 h, open day", 'S', "00AA", "1001", EV_OPEN, true, 2 * HOUR_MS, NONE,
     "00AA", "1001", 2 * HOUR_MS, 1000, CHECKIN_ALREADY, LK_REASON_NONE},
    {"clock stepped back 2 h, internship checks out", 'S', "00AA", "1001", EV_STAGE, true,
     2 * HOUR_MS, NONE, "00AA", "1001", 2 * HOUR_MS, 1000, CHECKIN_CHECKED_OUT, LK_REASON_NONE},
    {"clock stepped back 2 h, admin pass opens again", 'A', "00AA", "A1", EV_NONE, false, 0, NONE,
     "00AA", "A1", 2 * HOUR_MS, 0, CHECKIN_ADMIN, LK_REASON_NONE},
    {"clock stepped back just inside the window", 'S', "00AA", "1001", EV_OPEN, true, 0, NONE,
     "00AA", "1001", LK_REPEAT_IGNORE_SECONDS * 1000 - 1, 0, CHECKIN_IGNORED, LK_REASON_NONE},
    {"clock stepped back exactly the window", 'S', "00AA", "1001", EV_OPEN, true, 0, NONE, "00AA",
     "1001", LK_REPEAT_IGNORE_SECONDS * 1000, 0, CHECKIN_ALREADY, LK_REASON_NONE},
    {"repeat of an admin pass", 'A', "00AA", "A1", EV_NONE, false, 0, NONE, "00AA", "A1", 0, 300,
     CHECKIN_IGNORED, LK_REASON_NONE},
    {"refused pass repeated is still refused once per window", 'S', "00AA", "1001", EV_NONE, false,
     0, NONE, "00AA", "1001", 0, 300, CHECKIN_IGNORED, LK_REASON_NONE},
};

static void test_decide_table(void **state)
{
    make_events();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const decide_case *c = &cases[i];
        pass p;
        memset(&p, 0, sizeof p);
        lk_strlcpy(p.issuer, c->issuer, sizeof p.issuer);
        lk_strlcpy(p.subject, c->subject, sizeof p.subject);
        lk_strlcpy(p.key_id, "K1", sizeof p.key_id);
        p.role = (pass_role)c->role;
        p.expires = 20271231;
        checkin_prior prior;
        memset(&prior, 0, sizeof prior);
        prior.has_experience = c->has_exp;
        prior.checkin_ms = T0 + c->checkin_off;
        prior.checkout_ms = c->checkout_off == NONE ? 0 : T0 + c->checkout_off;
        lk_strlcpy(prior.last_payload_issuer, c->last_issuer, sizeof prior.last_payload_issuer);
        lk_strlcpy(prior.last_payload_subject, c->last_subject, sizeof prior.last_payload_subject);
        prior.last_scan_ms = c->last_off == NONE ? 0 : T0 + c->last_off;
        lk_reason reason = LK_REASON_COUNT;
        checkin_outcome got = checkin_decide(&p, c->event == EV_NONE ? NULL : &events[c->event],
                                             &prior, T0 + c->now_off, &reason);
        if (got != c->want || reason != c->want_reason)
            fail_msg("case '%s': got %s/%s, want %s/%s", c->name, checkin_outcome_token(got),
                     lk_reason_token(reason), checkin_outcome_token(c->want),
                     lk_reason_token(c->want_reason));
    }
}

static void test_decide_null(void **state)
{
    make_events();
    lk_reason reason = LK_REASON_NONE;
    assert_int_equal(checkin_decide(NULL, &events[EV_OPEN], NULL, T0, &reason), CHECKIN_REFUSED);
    assert_int_equal(reason, LK_REASON_MALFORMED);
    pass p = {.issuer = "00AA", .role = PASS_ROLE_STUDENT, .subject = "1", .expires = 20271231};
    /* No prior and no reason pointer are allowed. */
    assert_int_equal(checkin_decide(&p, &events[EV_OPEN], NULL, T0 + 1, NULL), CHECKIN_CHECKED_IN);
    /* An event without a window (start = end = 0) is always open. */
    config_event open = events[EV_OPEN];
    open.start_ms = open.end_ms = 0;
    assert_int_equal(checkin_decide(&p, &open, NULL, 12345, &reason), CHECKIN_CHECKED_IN);
}

/* hosts = H01,H02 ties host passes to an event: another company's host pass opens
 * nothing here; without a list every invited host may. */
static void test_decide_hosts_list(void **state)
{
    make_events();
    config_event ev = events[EV_OPEN];
    pass h1 = {.issuer = "00AA", .role = PASS_ROLE_HOST, .subject = "H01", .expires = 20271231};
    pass h3 = {.issuer = "00AA", .role = PASS_ROLE_HOST, .subject = "H03", .expires = 20271231};
    pass h0 = {.issuer = "00AA", .role = PASS_ROLE_HOST, .subject = "H0", .expires = 20271231};
    lk_reason reason = LK_REASON_NONE;
    assert_int_equal(checkin_decide(&h3, &ev, NULL, T0 + 1, &reason), CHECKIN_HOST);
    snprintf(ev.hosts, sizeof ev.hosts, "H01, H02");
    assert_int_equal(checkin_decide(&h1, &ev, NULL, T0 + 1, &reason), CHECKIN_HOST);
    assert_int_equal(checkin_decide(&h3, &ev, NULL, T0 + 1, &reason), CHECKIN_REFUSED);
    assert_int_equal(reason, LK_REASON_ROLE_NOT_ALLOWED);
    assert_int_equal(checkin_decide(&h0, &ev, NULL, T0 + 1, &reason),
                     CHECKIN_REFUSED); /* no prefix match */
    assert_true(config_event_admits_host(&ev, "H02"));
    assert_false(config_event_admits_host(&ev, ""));
    assert_false(config_event_admits_host(NULL, "H01"));
}

static void test_tokens(void **state)
{
    const char *want[] = {"refused",     "ignored",     "checked_in", "already",
                          "checked_out", "already_out", "host",       "admin"};
    for (int i = 0; i <= CHECKIN_ADMIN; i++)
        assert_string_equal(checkin_outcome_token((checkin_outcome)i), want[i]);
    assert_string_equal(checkin_outcome_token((checkin_outcome)99), "unknown");
}

/* --- checkin_scan on a real store -------------------------------------------------- */

typedef struct fixture {
    char dir[64];
    config *cfg;
    store *st;
    pass_key key;   /* 00AA K1 */
    pass_key other; /* 99ZZ K1: not trusted */
} fixture;

static void add_issuer(config *cfg, const pass_key *k)
{
    config_issuer *is = config_add_issuer(cfg, k->issuer);
    assert_non_null(is);
    lk_strlcpy(is->name, "Test College", sizeof is->name);
    snprintf(is->home_page, sizeof is->home_page, "https://dossier.example.nl/%s", k->issuer);
    lk_strlcpy(is->keys[0].id, k->key_id, sizeof is->keys[0].id);
    memcpy(is->keys[0].pk, k->pk, 32);
    is->n_keys = 1;
}

static void make_key(pass_key *k, const char *issuer)
{
    memset(k, 0, sizeof *k);
    lk_strlcpy(k->issuer, issuer, sizeof k->issuer);
    lk_strlcpy(k->key_id, "K1", sizeof k->key_id);
    crypto_sign_keypair(k->pk, k->sk);
}

static int setup_scan(void **state)
{
    assert_true(sodium_init() >= 0);
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/lk-checkin-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->cfg = malloc(sizeof *f->cfg);
    assert_non_null(f->cfg);
    config_defaults(f->cfg);
    lk_strlcpy(f->cfg->data_dir, f->dir, sizeof f->cfg->data_dir);
    make_key(&f->key, "00AA");
    make_key(&f->other, "99ZZ");
    add_issuer(f->cfg, &f->key);
    assert_int_equal(config_revoke(&f->cfg->issuers[0], "GONE", 0), LK_OK);
    make_events();
    for (int i = 1; i < 4; i++)
        f->cfg->events[f->cfg->n_events++] = events[i];
    lk_strlcpy(f->cfg->event_id, "OPEN1", sizeof f->cfg->event_id);
    char path[256];
    assert_int_equal(store_path(f->cfg, path, sizeof path), LK_OK);
    assert_int_equal(store_open(path, &f->st, NULL, 0), LK_OK);
    assert_int_equal(store_sync_events(f->st, f->cfg), LK_OK);
    store_person p = {.issuer = "00AA", .subject = "1001", .first_name = "Daan", .group = "3B"};
    assert_int_equal(store_roster_upsert(f->st, &p, NULL), LK_OK);
    *state = f;
    return 0;
}

static int teardown_scan(void **state)
{
    fixture *f = *state;
    store_close(f->st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    int rc = system(cmd);
    config_free(f->cfg);
    free(f->cfg);
    free(f);
    return rc;
}

static void sign(const pass_key *k, char role, const char *subject, int expires, char *buf,
                 size_t len)
{
    assert_int_equal(pass_sign(k, (pass_role)role, subject, expires, buf, len), LK_OK);
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

static void test_scan_checkin_writes_both_rows(void **state)
{
    fixture *f = *state;
    char payload[256];
    sign(&f->key, 'S', "1001", 20271231, payload, sizeof payload);
    checkin_memory mem = {0};
    checkin_result r;
    int64_t now = T0 + HOUR_MS;
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, payload, now, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_IN);
    assert_int_equal(r.reason, LK_REASON_NONE);
    assert_string_equal(r.first_name, "Daan");
    assert_string_equal(r.who.subject, "1001");
    assert_true(r.exp.id > 0);
    assert_int_equal(r.exp.checkin_ms, now);
    assert_string_equal(r.exp.event_id, "OPEN1");
    assert_int_equal(strlen(r.exp.checkin_uuid), 36);

    assert_int_equal(count(f->st, "SELECT count(*) FROM experiences"), 1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox o JOIN experiences e"
                                  " ON o.uuid = e.checkin_uuid WHERE o.kind = 'checkin'"
                                  " AND o.id IN (SELECT id FROM outbox_queue)"),
                     1);
    /* The statement carries the subject, never the first name. */
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE json LIKE '%1001%'"), 1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE json LIKE '%Daan%'"), 0);
    int today = 0;
    assert_int_equal(store_count_checkins(f->st, "OPEN1", now, &today), LK_OK);
    assert_int_equal(today, 1);

    /* Held in front of the camera: ignored, nothing written. */
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, payload, now + 2000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_IGNORED);
    assert_int_equal(r.exp.id, 0);
    /* Sliding window: still in view 7 s later, still ignored. */
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, payload, now + 9000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_IGNORED);
    /* Taken away and shown again: "already" with the first time. */
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, payload, now + 60000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_ALREADY);
    assert_int_equal(r.exp.checkin_ms, now);
    assert_string_equal(r.first_name, "Daan");
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM experiences"), 1);
}

static void test_manual_checkin(void **state)
{
    fixture *f = *state;
    store_person p = {.issuer = "00AA", .subject = "1002", .first_name = "Zoë", .group = "3B"};
    assert_int_equal(store_roster_upsert(f->st, &p, NULL), LK_OK);
    store_person z = {.issuer = "99ZZ", .subject = "1003", .first_name = "Zara", .group = "3B"};
    assert_int_equal(store_roster_upsert(f->st, &z, NULL), LK_OK);
    /* Finding a student: a prefix of the first name in any case, one group. */
    store_person found[8];
    size_t n = 0;
    assert_int_equal(store_roster_search(f->st, "zo", "3B", found, 8, &n), LK_OK);
    assert_int_equal(n, 1);
    assert_string_equal(found[0].first_name, "Zoë");
    assert_int_equal(store_roster_search(f->st, "Z", NULL, found, 8, &n), LK_OK);
    assert_int_equal(n, 2);
    assert_int_equal(store_roster_search(f->st, "%", NULL, found, 8, &n), LK_OK);
    assert_int_equal(n, 0); /* LIKE's wildcards are letters here */
    assert_int_equal(store_roster_search(f->st, "", "4A", found, 8, &n), LK_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_roster_search(f->st, "", NULL, found, 1, &n), LK_OK);
    assert_int_equal(n, 1);

    int64_t now = T0 + HOUR_MS;
    checkin_result r;
    assert_int_equal(checkin_manual(f->st, f->cfg, "00AA", "1002", now, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_IN);
    assert_string_equal(r.first_name, "Zoë");
    assert_true(r.exp.manual);
    assert_int_equal(count(f->st, "SELECT count(*) FROM experiences WHERE manual = 1"), 1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE json LIKE"
                                  " '%extensions/manual-checkin\":true%'"),
                     1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE json LIKE '%Zo%'"), 0);
    /* Again: already, nothing written; a scan of the pass later says already too. */
    assert_int_equal(checkin_manual(f->st, f->cfg, "00AA", "1002", now + 60000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_ALREADY);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 1);
    /* A scanned check-in is not manual. */
    char payload[256];
    sign(&f->key, 'S', "1001", 20271231, payload, sizeof payload);
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, payload, now, &r), LK_OK);
    assert_false(r.exp.manual);
    assert_int_equal(count(f->st, "SELECT count(*) FROM experiences WHERE manual = 0"), 1);
    /* Not on the roster; an issuer the kiosk does not trust; no event. */
    assert_int_equal(checkin_manual(f->st, f->cfg, "00AA", "7777", now, &r), LK_ERR_NOT_FOUND);
    assert_int_equal(checkin_manual(f->st, f->cfg, "99ZZ", "1003", now, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_REFUSED);
    assert_int_equal(r.reason, LK_REASON_UNKNOWN_ISSUER);
    assert_int_equal(checkin_manual(f->st, f->cfg, "00AA", "1002", T0 - 365LL * 86400000, &r),
                     LK_OK);
    assert_int_equal(r.outcome, CHECKIN_REFUSED);
    assert_int_equal(r.reason, LK_REASON_NO_EVENT);
    assert_int_equal(checkin_manual(NULL, f->cfg, "00AA", "1002", now, &r), LK_ERR_INVALID);
}

static void test_scan_without_memory_and_roster(void **state)
{
    fixture *f = *state;
    char payload[256];
    sign(&f->key, 'S', "2002", 20271231, payload, sizeof payload);
    checkin_result r;
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, payload, T0 + 1000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_IN);
    assert_string_equal(r.first_name, ""); /* not on the roster */
    /* Without memory there is no repeat filter. */
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, payload, T0 + 1001, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_ALREADY);
    /* A trailing newline from a keyboard-wedge scanner is fine. */
    char nl[260];
    snprintf(nl, sizeof nl, "%s\r\n", payload);
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, nl, T0 + 1002, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_ALREADY);
}

static void test_scan_checkout(void **state)
{
    fixture *f = *state;
    lk_strlcpy(f->cfg->event_id, "STAGE1", sizeof f->cfg->event_id);
    char payload[256];
    sign(&f->key, 'S', "1001", 20271231, payload, sizeof payload);
    checkin_memory mem = {0};
    checkin_result r;
    int64_t in = T0 + 1000;
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, payload, in, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_IN);
    /* The camera still sees it: no instant check-out. */
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, payload, in + 3000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_IGNORED);
    int64_t out = in + 6 * HOUR_MS + 15 * 60000;
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, payload, out, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_OUT);
    assert_int_equal(r.duration_ms, 6 * HOUR_MS + 15 * 60000);
    assert_int_equal(r.exp.checkout_ms, out);
    assert_int_equal(strlen(r.exp.checkout_uuid), 36);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'checkout'"
                                  " AND json LIKE '%PT6H15M%'"),
                     1);
    /* The check-out statement points at the check-in. */
    assert_int_equal(count(f->st,
                           "SELECT count(*) FROM outbox o, experiences e WHERE"
                           " o.kind = 'checkout' AND o.json LIKE '%' || e.checkin_uuid || '%'"),
                     1);
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, payload, out + HOUR_MS, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_ALREADY_OUT);
    assert_int_equal(r.duration_ms, 6 * HOUR_MS + 15 * 60000);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 2);
}

/* Internship day at the kiosk (ask_early_checkout): a scan within min_stay_minutes
 * asks first and writes nothing; checkin_checkout() does the check-out on "yes";
 * after min_stay_minutes the scan checks out at once; the command line (no memory)
 * never asks. */
static void test_scan_early_checkout_asks_first(void **state)
{
    fixture *f = *state;
    lk_strlcpy(f->cfg->event_id, "STAGE1", sizeof f->cfg->event_id);
    for (size_t i = 0; i < f->cfg->n_events; i++)
        f->cfg->events[i].min_stay_minutes = 30;
    char a[256], b[256], c[256];
    sign(&f->key, 'S', "1001", 20271231, a, sizeof a);
    sign(&f->key, 'S', "1002", 20271231, b, sizeof b);
    sign(&f->key, 'S', "1003", 20271231, c, sizeof c);
    checkin_memory mem = {0};
    mem.ask_early_checkout = true;
    checkin_result r, asked, done;
    int64_t in = T0 + 1000;
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, a, in, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_IN);
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, a, in + 10 * 60000, &asked), LK_OK);
    assert_int_equal(asked.outcome, CHECKIN_CONFIRM_CHECKOUT);
    assert_string_equal(checkin_outcome_token(asked.outcome), "confirm_checkout");
    assert_int_equal(asked.duration_ms, 10 * 60000);
    assert_int_equal(asked.exp.checkin_ms, in);
    assert_int_equal(count(f->st, "SELECT count(*) FROM experiences WHERE checkout_ms > 0"), 0);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 1);
    /* "no" (nothing called): a later scan asks again, still nothing written */
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, a, in + 20 * 60000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CONFIRM_CHECKOUT);
    /* "yes" */
    assert_int_equal(checkin_checkout(f->st, f->cfg, &r, in + 20 * 60000 + 4000, &done), LK_OK);
    assert_int_equal(done.outcome, CHECKIN_CHECKED_OUT);
    assert_int_equal(done.duration_ms, 20 * 60000 + 4000);
    assert_int_equal(count(f->st, "SELECT count(*) FROM experiences WHERE checkout_ms > 0"), 1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'checkout'"), 1);
    /* a second "yes" (another kiosk, a double tap): already out, nothing more */
    assert_int_equal(checkin_checkout(f->st, f->cfg, &r, in + 21 * 60000, &done), LK_OK);
    assert_int_equal(done.outcome, CHECKIN_ALREADY_OUT);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'checkout'"), 1);
    /* an extra scan after the check-out: already out */
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, a, in + 40 * 60000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_ALREADY_OUT);
    /* after the minimum stay a scan checks out at once */
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, b, in, &r), LK_OK);
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, b, in + 30 * 60000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_OUT);
    /* the command line (no memory) and min_stay_minutes = 0 never ask */
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, c, in, &r), LK_OK);
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, c, in + 60000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_OUT);
    /* only a confirm_checkout result can be confirmed */
    assert_int_equal(checkin_checkout(f->st, f->cfg, &r, in, &done), LK_ERR_INVALID);
    assert_int_equal(checkin_checkout(NULL, f->cfg, &asked, in, &done), LK_ERR_INVALID);
    checkin_prior prior = {.has_experience = true, .checkin_ms = in, .ask_early_checkout = true};
    config_event ev0 = f->cfg->events[0];
    for (size_t i = 0; i < f->cfg->n_events; i++)
        if (!strcmp(f->cfg->events[i].id, "STAGE1"))
            ev0 = f->cfg->events[i];
    ev0.min_stay_minutes = 0;
    pass p = asked.who;
    assert_int_equal(checkin_decide(&p, &ev0, &prior, in + 60000, NULL), CHECKIN_CHECKED_OUT);
    ev0.min_stay_minutes = 30;
    assert_int_equal(checkin_decide(&p, &ev0, &prior, in + 60000, NULL), CHECKIN_CONFIRM_CHECKOUT);
}

/* Reads the database and its WAL and tells whether needle appears anywhere. */
static bool db_contains(const fixture *f, const char *needle)
{
    const char *suffix[] = {"", "-wal"};
    for (int i = 0; i < 2; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s%s", f->dir, LK_DB_FILE, suffix[i]);
        char *data = NULL;
        size_t len = 0;
        if (lk_read_file(path, &data, &len) != LK_OK)
            continue;
        bool hit = memmem(data, len, needle, strlen(needle)) != NULL;
        free(data);
        if (hit)
            return true;
    }
    return false;
}

static void test_scan_refusals_are_counted_not_stored(void **state)
{
    fixture *f = *state;
    char good[256], expired[256], revoked[256], stranger[256], tampered[256];
    sign(&f->key, 'S', "3003", 20271231, good, sizeof good);
    sign(&f->key, 'S', "3004", 20251231, expired, sizeof expired);
    sign(&f->key, 'S', "GONE", 20271231, revoked, sizeof revoked);
    sign(&f->other, 'S', "3005", 20271231, stranger, sizeof stranger);
    lk_strlcpy(tampered, good, sizeof tampered);
    tampered[strlen(tampered) - 5] = tampered[strlen(tampered) - 5] == 'A' ? 'B' : 'A';

    struct {
        const char *payload;
        lk_reason want;
    } rows[] = {
        {"https://example.org/HOSTILEMARKER", LK_REASON_NOT_A_PASS},
        {"", LK_REASON_NOT_A_PASS},
        {"LOB1.00AA.S.HOSTILEMARKER", LK_REASON_MALFORMED},
        {expired, LK_REASON_EXPIRED},
        {revoked, LK_REASON_REVOKED},
        {stranger, LK_REASON_UNKNOWN_ISSUER},
        {tampered, LK_REASON_BAD_SIGNATURE},
    };
    int64_t now = T0 + 1000;
    checkin_memory mem = {0};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        checkin_result r;
        assert_int_equal(checkin_scan(f->st, f->cfg, &mem, rows[i].payload, now, &r), LK_OK);
        assert_int_equal(r.outcome, CHECKIN_REFUSED);
        if (r.reason != rows[i].want)
            fail_msg("row %zu: got %s, want %s", i, lk_reason_token(r.reason),
                     lk_reason_token(rows[i].want));
    }
    /* A long hostile payload does not crash and is refused. */
    char *huge = malloc(100000);
    assert_non_null(huge);
    memset(huge, 'A', 99999);
    huge[99999] = '\0';
    checkin_result r;
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, huge, now, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_REFUSED);
    free(huge);

    /* No event: the pass is good but the kiosk has nothing open. */
    f->cfg->event_id[0] = '\0';
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, good, T0 - HOUR_MS, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_REFUSED);
    assert_int_equal(r.reason, LK_REASON_NO_EVENT);
    /* The ONLY11 event does not admit 00AA. */
    lk_strlcpy(f->cfg->event_id, "ONLY11", sizeof f->cfg->event_id);
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, good, T0 + 2000, &r), LK_OK);
    assert_int_equal(r.reason, LK_REASON_ISSUER_NOT_INVITED);

    int day = lk_local_yyyymmdd(now);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count FROM refusals WHERE day = %d AND reason = 'not_a_pass'",
             day);
    assert_int_equal(count(f->st, sql), 3); /* two rows above and the huge one */
    assert_int_equal(count(f->st, "SELECT sum(count) FROM refusals"), 10);
    assert_int_equal(count(f->st, "SELECT count(*) FROM experiences"), 0);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 0);
    assert_false(db_contains(f, "HOSTILEMARKER"));
}

/* A refused code held in front of the camera is counted once while it stays in
 * view, not once a frame; after it has been away for the window it counts again. */
static void test_scan_refused_code_held_in_view_counts_once(void **state)
{
    fixture *f = *state;
    checkin_memory mem = {0};
    checkin_result r;
    int64_t t = T0 + 1000;
    for (int frame = 0; frame < 40; frame++, t += 66) {
        assert_int_equal(checkin_scan(f->st, f->cfg, &mem, "WIFI:S:cafe;;", t, &r), LK_OK);
        assert_int_equal(r.outcome, frame == 0 ? CHECKIN_REFUSED : CHECKIN_IGNORED);
    }
    assert_int_equal(count(f->st, "SELECT sum(count) FROM refusals"), 1);
    /* another refused code is a new scan at once */
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, "https://example.org", t, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_REFUSED);
    /* the first one, back after the window: counted again */
    t += (int64_t)LK_REPEAT_IGNORE_SECONDS * 1000;
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, "WIFI:S:cafe;;", t, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_REFUSED);
    assert_int_equal(count(f->st, "SELECT sum(count) FROM refusals"), 3);
    /* without memory (the command line) every call counts */
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, "WIFI:S:cafe;;", t, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_REFUSED);
    assert_int_equal(count(f->st, "SELECT sum(count) FROM refusals"), 4);
}

static void test_scan_staff_passes_write_nothing(void **state)
{
    fixture *f = *state;
    char host[256], admin[256];
    sign(&f->key, 'H', "H01", 20271231, host, sizeof host);
    sign(&f->key, 'A', "A01", 20271231, admin, sizeof admin);
    checkin_result r;
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, host, T0 + 1000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_HOST);
    assert_string_equal(r.who.subject, "H01");
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, admin, T0 + 1000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_ADMIN);
    assert_int_equal(count(f->st, "SELECT count(*) FROM experiences"), 0);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 0);
}

/* The kiosk's clock stepped back by two hours (NTP after a wrong RTC) between two
 * scans of the same pass: the pass is a new scan at once, not ignored for the two
 * hours until the clock catches up; a check-out gets no negative duration; a refused
 * code is counted again. */
static void test_scan_clock_stepped_back_a_lot(void **state)
{
    fixture *f = *state;
    lk_strlcpy(f->cfg->event_id, "STAGE1", sizeof f->cfg->event_id);
    char payload[256];
    sign(&f->key, 'S', "1001", 20271231, payload, sizeof payload);
    checkin_memory mem = {0};
    checkin_result r;
    int64_t wrong = T0 + 2 * HOUR_MS; /* the clock ran two hours ahead */
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, payload, wrong, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_IN);
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, "WIFI:S:cafe;;", wrong + 10, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_REFUSED);
    /* corrected: now two hours earlier than the last scans */
    int64_t now = T0 + 30000;
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, "WIFI:S:cafe;;", now, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_REFUSED);
    assert_int_equal(count(f->st, "SELECT sum(count) FROM refusals"), 2);
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, payload, now, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_OUT);
    assert_int_equal(r.duration_ms, 0);
    /* held in view after that: ignored again, from the corrected time on */
    assert_int_equal(checkin_scan(f->st, f->cfg, &mem, payload, now + 1000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_IGNORED);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 2);
}

/* Staff passes of a trusted school the event does not invite open nothing. */
static void test_scan_staff_of_uninvited_school(void **state)
{
    fixture *f = *state;
    lk_strlcpy(f->cfg->event_id, "ONLY11", sizeof f->cfg->event_id);
    char host[256], admin[256];
    sign(&f->key, 'H', "H01", 20271231, host, sizeof host);
    sign(&f->key, 'A', "A01", 20271231, admin, sizeof admin);
    checkin_result r;
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, admin, T0 + 1000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_REFUSED);
    assert_int_equal(r.reason, LK_REASON_ISSUER_NOT_INVITED);
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, host, T0 + 1000, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_REFUSED);
    assert_int_equal(count(f->st, "SELECT sum(count) FROM refusals"), 2);
}

static void test_scan_null_arguments(void **state)
{
    fixture *f = *state;
    checkin_result r;
    assert_int_equal(checkin_scan(NULL, f->cfg, NULL, "x", T0, &r), LK_ERR_INVALID);
    assert_int_equal(checkin_scan(f->st, NULL, NULL, "x", T0, &r), LK_ERR_INVALID);
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, NULL, T0, &r), LK_ERR_INVALID);
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, "x", T0, NULL), LK_ERR_INVALID);
}

/* A finished reflection is written with one answer statement per answered
 * question, timed on the wall clock from the UI's monotonic clock. */
static void test_save_answers(void **state)
{
    fixture *f = *state;
    char payload[256];
    sign(&f->key, 'S', "1001", 20271231, payload, sizeof payload);
    checkin_result r;
    int64_t now = T0 + HOUR_MS;
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, payload, now, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_IN);

    reflection_set *set = NULL;
    assert_int_equal(reflection_set_load("assets", "default", &set, NULL, 0), LK_OK);
    reflection_session s;
    reflection_session_start(&s, set);
    /* Nothing answered: nothing written, and that is fine. */
    assert_int_equal(checkin_save_answers(f->st, f->cfg, &r, &s, now + 9000, 9000), LK_OK);
    assert_int_equal(count(f->st, "SELECT count(*) FROM answers"), 0);

    assert_int_equal(reflection_choose(&s, 4, 1000), LK_OK); /* mono 1000 */
    reflection_skip(&s);
    size_t n = reflection_set_count(set);
    while (s.step + 1 < n)
        reflection_skip(&s);
    assert_int_equal(reflection_write(&s, "Ik wil de zorg in", 4000), LK_OK);
    /* Saved at mono 9000, wall now + 9000: the answers were 8 s and 5 s ago. */
    int64_t wall = now + 9000;
    assert_int_equal(checkin_save_answers(f->st, f->cfg, &r, &s, wall, 9000), LK_OK);
    assert_int_equal(count(f->st, "SELECT count(*) FROM answers"), 2);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'answer'"), 2);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM answers WHERE answered_ms IN (%lld, %lld)",
             (long long)(wall - 8000), (long long)(wall - 5000));
    assert_int_equal(count(f->st, sql), 2);
    /* The statements point at the check-in. */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM outbox WHERE kind = 'answer' AND json LIKE '%%%s%%'",
             r.exp.checkin_uuid);
    assert_int_equal(count(f->st, sql), 2);

    /* An answer timed after "now" (a clock read later) is never in the future. */
    reflection_session late;
    reflection_session_start(&late, set);
    assert_int_equal(reflection_choose(&late, 0, 20000), LK_OK);
    assert_int_equal(checkin_save_answers(f->st, f->cfg, &r, &late, wall, 9000), LK_OK);
    snprintf(sql, sizeof sql, "SELECT max(answered_ms) FROM answers");
    assert_int_equal(count(f->st, sql), wall);

    /* No stored experience (a refused scan) or an event gone: refused, nothing written. */
    checkin_result none;
    memset(&none, 0, sizeof none);
    assert_int_equal(checkin_save_answers(f->st, f->cfg, &none, &s, wall, 9000), LK_ERR_INVALID);
    checkin_result gone = r;
    lk_strlcpy(gone.exp.event_id, "NOPE", sizeof gone.exp.event_id);
    assert_int_equal(checkin_save_answers(f->st, f->cfg, &gone, &s, wall, 9000), LK_ERR_INVALID);
    assert_int_equal(checkin_save_answers(NULL, f->cfg, &r, &s, wall, 9000), LK_ERR_INVALID);
    assert_int_equal(count(f->st, "SELECT count(*) FROM answers"), 3);
    reflection_set_destroy(set);
}

/* A host confirms a student once: the statement names the host as actor and the
 * check-in as context; a second confirmation writes nothing. */
/* The admin undoes or corrects a check-out: times out of range are refused; a
 * correction voids the sent statement with the real voiding statement and queues
 * a check-out at the new time that names the one it corrects; an undo checks the
 * student in again, and the next scan checks out anew. */
static void test_undo_and_correct_checkout(void **state)
{
    fixture *f = *state;
    lk_strlcpy(f->cfg->event_id, "STAGE1", sizeof f->cfg->event_id);
    lk_strlcpy(f->cfg->kiosk_id, "K1", sizeof f->cfg->kiosk_id);
    char payload[256];
    sign(&f->key, 'S', "1001", 20271231, payload, sizeof payload);
    checkin_result r;
    int64_t in = T0 + 1000, out = T0 + 5 * HOUR_MS, now = T0 + 6 * HOUR_MS;
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, payload, in, &r), LK_OK);
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, payload, out, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_OUT);
    store_experience e = r.exp;
    char old[37];
    lk_strlcpy(old, e.checkout_uuid, sizeof old);
    /* the check-out went to the LRS */
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT id FROM outbox WHERE uuid = '%s'", old);
    int64_t id = count(f->st, sql);
    assert_int_equal(store_outbox_mark_sent(f->st, &id, 1, out + 1000), LK_OK);
    bool voided = false;
    /* before the check-in, in the future, unchanged, not checked out: refused */
    assert_int_equal(checkin_correct_checkout(f->st, f->cfg, &e, in - 1, now, &voided),
                     LK_ERR_INVALID);
    assert_int_equal(checkin_correct_checkout(f->st, f->cfg, &e, now + 1, now, &voided),
                     LK_ERR_INVALID);
    assert_int_equal(checkin_correct_checkout(f->st, f->cfg, &e, out, now, &voided),
                     LK_ERR_INVALID);
    store_experience in_only = e;
    in_only.checkout_ms = 0;
    in_only.checkout_uuid[0] = '\0';
    assert_int_equal(checkin_undo_checkout(f->st, f->cfg, &in_only, &voided), LK_ERR_INVALID);
    assert_int_equal(checkin_undo_checkout(NULL, f->cfg, &e, &voided), LK_ERR_INVALID);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 2);
    /* 3 h 30 after the check-in */
    int64_t fixed = in + 3 * HOUR_MS + 30 * 60000;
    assert_int_equal(checkin_correct_checkout(f->st, f->cfg, &e, fixed, now, &voided), LK_OK);
    assert_true(voided);
    store_experience got;
    assert_int_equal(store_find_experience(f->st, "STAGE1", "00AA", "1001", &got), LK_OK);
    assert_int_equal(got.checkout_ms, fixed);
    assert_string_not_equal(got.checkout_uuid, old);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM outbox WHERE kind = 'voiding' AND json LIKE '%%\"id\":\"%s\"%%'"
             " AND json LIKE '%%/verbs/voided%%' AND json NOT LIKE '%%\"1001\"%%'",
             old);
    assert_int_equal(count(f->st, sql), 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM outbox WHERE uuid = '%s' AND kind = 'checkout'"
             " AND json LIKE '%%\"PT3H30M\"%%' AND json LIKE '%%/extensions/corrects\":\"%s\"%%'",
             got.checkout_uuid, old);
    assert_int_equal(count(f->st, sql), 1);
    /* the stale view (the old statement) no longer matches */
    assert_int_equal(checkin_undo_checkout(f->st, f->cfg, &e, &voided), LK_ERR_NOT_FOUND);
    /* undo the corrected one: it never left, so it is deleted; checked in again */
    assert_int_equal(checkin_undo_checkout(f->st, f->cfg, &got, &voided), LK_OK);
    assert_false(voided);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE uuid = '%s'", got.checkout_uuid);
    assert_int_equal(count(f->st, sql), 0);
    assert_int_equal(store_find_experience(f->st, "STAGE1", "00AA", "1001", &got), LK_OK);
    assert_int_equal(got.checkout_ms, 0);
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, payload, now, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_OUT);
    assert_int_equal(r.duration_ms, now - in);
    /* an event no longer in kiosk.ini: a new statement cannot be built */
    store_experience gone = r.exp;
    lk_strlcpy(gone.event_id, "NOPE", sizeof gone.event_id);
    assert_int_equal(checkin_correct_checkout(f->st, f->cfg, &gone, in + HOUR_MS, now, &voided),
                     LK_ERR_INVALID);
}

static void test_confirm(void **state)
{
    fixture *f = *state;
    char payload[256];
    sign(&f->key, 'S', "1001", 20271231, payload, sizeof payload);
    checkin_result r;
    int64_t now = T0 + HOUR_MS;
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, payload, now, &r), LK_OK);
    assert_int_equal(r.outcome, CHECKIN_CHECKED_IN);
    sign(&f->key, 'H', "H77", 20271231, payload, sizeof payload);
    checkin_result host;
    assert_int_equal(checkin_scan(f->st, f->cfg, NULL, payload, now + 1000, &host), LK_OK);
    assert_int_equal(host.outcome, CHECKIN_HOST);
    const config_event *ev = config_find_event(f->cfg, "OPEN1");
    assert_non_null(ev);

    assert_int_equal(checkin_confirm(f->st, f->cfg, ev, &host.who, &r.exp, now + 2000), LK_OK);
    assert_int_equal(count(f->st, "SELECT count(*) FROM confirmations WHERE host_subject = 'H77'"),
                     1);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'confirmation'"
                                  " AND json LIKE '%H77%' AND json NOT LIKE '%Daan%'"),
                     1);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM outbox WHERE kind = 'confirmation' AND json LIKE '%%%s%%'",
             r.exp.checkin_uuid);
    assert_int_equal(count(f->st, sql), 1);
    assert_int_equal(checkin_confirm(f->st, f->cfg, ev, &host.who, &r.exp, now + 3000),
                     LK_ERR_EXISTS);
    assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE kind = 'confirmation'"), 1);

    store_experience bad = r.exp;
    bad.id = 0;
    assert_int_equal(checkin_confirm(f->st, f->cfg, ev, &host.who, &bad, now), LK_ERR_INVALID);
    assert_int_equal(checkin_confirm(f->st, f->cfg, NULL, &host.who, &r.exp, now), LK_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decide_table),
        cmocka_unit_test(test_decide_null),
        cmocka_unit_test(test_decide_hosts_list),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test_setup_teardown(test_scan_checkin_writes_both_rows, setup_scan,
                                        teardown_scan),
        cmocka_unit_test_setup_teardown(test_scan_without_memory_and_roster, setup_scan,
                                        teardown_scan),
        cmocka_unit_test_setup_teardown(test_scan_checkout, setup_scan, teardown_scan),
        cmocka_unit_test_setup_teardown(test_manual_checkin, setup_scan, teardown_scan),
        cmocka_unit_test_setup_teardown(test_scan_early_checkout_asks_first, setup_scan,
                                        teardown_scan),
        cmocka_unit_test_setup_teardown(test_scan_refused_code_held_in_view_counts_once, setup_scan,
                                        teardown_scan),
        cmocka_unit_test_setup_teardown(test_scan_refusals_are_counted_not_stored, setup_scan,
                                        teardown_scan),
        cmocka_unit_test_setup_teardown(test_scan_staff_passes_write_nothing, setup_scan,
                                        teardown_scan),
        cmocka_unit_test_setup_teardown(test_scan_clock_stepped_back_a_lot, setup_scan,
                                        teardown_scan),
        cmocka_unit_test_setup_teardown(test_scan_staff_of_uninvited_school, setup_scan,
                                        teardown_scan),
        cmocka_unit_test_setup_teardown(test_scan_null_arguments, setup_scan, teardown_scan),
        cmocka_unit_test_setup_teardown(test_save_answers, setup_scan, teardown_scan),
        cmocka_unit_test_setup_teardown(test_confirm, setup_scan, teardown_scan),
        cmocka_unit_test_setup_teardown(test_undo_and_correct_checkout, setup_scan, teardown_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
