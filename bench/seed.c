/* A kiosk after a school year of check-ins, for the benches: a working kiosk folder
 * (the demo's kiosk.ini, keys, passes and roster, as `lobkiosk init --demo` makes
 * them) whose database holds N experiences with their answers, confirmations and
 * outbox rows, spread over the past school year, for a roster of 5,000 students (the
 * same at every size, so a report over an empty kiosk prints as many rows), plus 200
 * check-ins today at the current event (so the idle screen's "today" count and the
 * host screen hold the same rows at every size).
 *
 * The schema is the store's own (store_open runs its migrations); the rows go in
 * through plain INSERTs with reused prepared statements, in one transaction on
 * connections of the seeder's own with the journal off and no fsync (a bench file,
 * not a kiosk's: a crash while seeding only loses the seed). The indexes that
 * random statement ids would make slow are made after the load, in the shape a
 * kiosk's own inserts give them (see "The bulk load" below). The statement ids stay
 * random, as a kiosk's are. The xAPI statements are built by the kiosk's own
 * builders (xapi.c) once per event and kind, then filled in per row at fixed places
 * (statement id, check-in id, subject, timestamp); rows of every kind are checked
 * against the builders as they go. A million experiences take about 25 s of CPU
 * here (35-44 s before the indexes were made after the load).
 *
 * usage: seed DIR N [WxH]     (DIR must not hold a kiosk.ini yet; WxH for [ui]) */
#include <ctype.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <strings.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lobkiosk/config.h"
#include "lobkiosk/store.h"
#include "lobkiosk/util.h"
#include "lobkiosk/xapi.h"

#define PER_EVENT 5000 /* students at one seeded event, at most */
#define TODAY_ROWS 200 /* check-ins today at the current event */
#define P_UUID "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
#define P_CHECKIN "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
#define P_SUBJECT "Z999999" /* as long as the seeded subjects "L000123" */

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A statement with fixed-width slots to fill per row. */
enum { S_UUID, S_CHECKIN, S_SUBJECT, S_TS, S_COUNT };
typedef struct tmpl {
    char *json; /* the built statement, filled in place */
    size_t len;
    size_t *at[S_COUNT]; /* offsets of each slot's occurrences */
    size_t n[S_COUNT];
} tmpl;

/* Random version-4 UUIDs from splitmix64, seeded once from the system: millions of
 * lk_uuid4 calls would be millions of getrandom() system calls. */
static uint64_t rng_state;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void fast_uuid4(char *buf, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    uint64_t a = rng_next(), c = rng_next();
    memcpy(b, &a, 8);
    memcpy(b + 8, &c, 8);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    if (len < 37)
        return;
    char *p = buf;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
}

/* lk_format_iso8601 (local time with its offset) for millions of timestamps: the
 * offset is looked up once per UTC hour, and used only when it is the same at both
 * ends of that hour; the rest is arithmetic (days to a civil date as in
 * H. Hinnant's chrono algorithms). Every 1024th result is checked against
 * lk_format_iso8601 and a difference stops the seed. */
static void put_digits(char *p, long v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
}

static long utc_offset_s(int64_t ms)
{
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    return tm.tm_gmtoff;
}

static int fast_iso8601(int64_t ms, char *buf, size_t len)
{
    static int64_t hour = INT64_MIN;
    static long off;
    static bool steady;
    static unsigned calls;
    const int64_t H = 3600000;
    int64_t h = ms >= 0 ? ms / H : (ms - H + 1) / H;
    if (h != hour) {
        hour = h;
        off = utc_offset_s(h * H);
        steady = off == utc_offset_s(h * H + H - 1) && off % 60 == 0;
    }
    int64_t local = ms + (int64_t)off * 1000;
    if (!steady || local < 0 || local >= 253402300800000LL || len < 30) { /* 0000-9999 */
        lk_format_iso8601(ms, buf, len);
        return 0;
    }
    int64_t z = local / 86400000 + 719468, msday = local % 86400000;
    int64_t era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    long aoff = off < 0 ? -off / 60 : off / 60;
    memcpy(buf, "0000-00-00T00:00:00.000+00:00", 30);
    put_digits(buf, (long)y, 4);
    put_digits(buf + 5, (long)m, 2);
    put_digits(buf + 8, (long)d, 2);
    put_digits(buf + 11, (long)(msday / H), 2);
    put_digits(buf + 14, (long)(msday / 60000 % 60), 2);
    put_digits(buf + 17, (long)(msday / 1000 % 60), 2);
    put_digits(buf + 20, (long)(msday % 1000), 3);
    buf[23] = off < 0 ? '-' : '+';
    put_digits(buf + 24, aoff / 60, 2);
    put_digits(buf + 27, aoff % 60, 2);
    if (++calls % 1024 == 0) {
        char slow[40];
        lk_format_iso8601(ms, slow, sizeof slow);
        if (strcmp(slow, buf) != 0) {
            fprintf(stderr, "seed: %lld made %s, not %s\n", (long long)ms, buf, slow);
            return -1;
        }
    }
    return 0;
}

static const char *slot_text[S_COUNT];
static char ts_text[40];

static int tmpl_make(tmpl *t, char *json)
{
    memset(t, 0, sizeof *t);
    if (!json)
        return -1;
    t->json = json;
    t->len = strlen(json);
    for (int k = 0; k < S_COUNT; k++) {
        size_t plen = strlen(slot_text[k]);
        for (const char *p = json; (p = strstr(p, slot_text[k])) != NULL; p += plen) {
            size_t *grown = realloc(t->at[k], (t->n[k] + 1) * sizeof *grown);
            if (!grown)
                return -1;
            t->at[k] = grown;
            t->at[k][t->n[k]++] = (size_t)(p - json);
        }
    }
    return t->n[S_UUID] == 1 && t->n[S_TS] >= 1 ? 0 : -1;
}

static void tmpl_fill(tmpl *t, const char *uuid, const char *checkin, const char *subject,
                      const char *ts)
{
    const char *v[S_COUNT] = {uuid, checkin, subject, ts};
    for (int k = 0; k < S_COUNT; k++)
        for (size_t i = 0; i < t->n[k]; i++)
            memcpy(t->json + t->at[k][i], v[k], strlen(slot_text[k]));
}

static void tmpl_free(tmpl *t)
{
    free(t->json);
    for (int k = 0; k < S_COUNT; k++)
        free(t->at[k]);
}

#define ROSTER_SQL                                                                                 \
    "INSERT OR IGNORE INTO roster (issuer, subject, first_name, grp, updated_ms)"                  \
    " VALUES (?, ?, ?, ?, ?)"

/* The seeding connection's statements. */
enum { I_EVENT, I_EXP, I_ANSWER, I_CONFIRM, I_OUTBOX, I_QUEUE, I_SENT, I_SENT_RUN, I_N };
static const char *const insert_sql[I_N] = {
    [I_EVENT] = "INSERT OR REPLACE INTO events (id, title, kind, host, location, start_ms,"
                " end_ms, mode) VALUES (?, ?, ?, 'Bedrijf', 'Utrecht', ?, ?, 'checkin_checkout')",
    [I_EXP] = "INSERT INTO experiences (event_id, issuer, subject, checkin_ms, checkin_uuid,"
              " checkout_ms, checkout_uuid) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [I_ANSWER] = "INSERT INTO answers (experience_id, question_id, competency, response,"
                 " answered_ms, uuid) VALUES (?, ?, ?, ?, ?, ?)",
    [I_CONFIRM] = "INSERT INTO confirmations (experience_id, host_issuer, host_subject,"
                  " confirmed_ms, uuid) VALUES (?, ?, 'H01', ?, ?)",
    /* the outbox insert trigger's rows (migration 14), set aside with it for
     * the load */
    [I_QUEUE] = "INSERT INTO outbox_queue (id) VALUES (?)",
    [I_SENT] = "INSERT INTO outbox_sent (id, sent_ms) VALUES (?, ?)",
    [I_SENT_RUN] = "INSERT INTO outbox_sent_runs (lo, hi, sent_ms) VALUES (?1, ?1, ?2)",
    [I_OUTBOX] = "INSERT INTO outbox (uuid, kind, json, state, attempts, last_error, created_ms,"
                 " sent_ms, issuer, subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

typedef struct seeder {
    sqlite3 *db;
    sqlite3_stmt *q[I_N];
    const config *cfg;
    int64_t now;
    long outbox_rows;
    int quarantined;
    int64_t totals[4]; /* queued, sent, quarantined, last sent_ms: outbox_totals */
} seeder;

static int step(seeder *s, int which)
{
    int rc = sqlite3_step(s->q[which]);
    sqlite3_reset(s->q[which]);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "seed: %s: %s\n", insert_sql[which], sqlite3_errmsg(s->db));
        return -1;
    }
    return 0;
}

static int exec_fmt(sqlite3 *db, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    char *msg = NULL;
    int rc = sql ? sqlite3_exec(db, sql, NULL, NULL, &msg) : SQLITE_NOMEM;
    if (rc != SQLITE_OK)
        fprintf(stderr, "seed: %s: %s\n", sql ? sql : "?", msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    sqlite3_free(sql);
    return rc == SQLITE_OK ? 0 : -1;
}

/* One outbox row: sent a minute after it was written when older than two days
 * (but 20 of those, early in the year, quarantined: a refusal staff never looked
 * at), otherwise still queued. */
static int outbox(seeder *s, const char *uuid, const char *kind, const char *json, int64_t created,
                  const char *issuer, const char *subject)
{
    sqlite3_stmt *q = s->q[I_OUTBOX];
    bool old = created < s->now - 2 * STORE_DAY_MS;
    int state = old ? 1 : 0;
    if (old && s->quarantined < 20 && s->outbox_rows % 997 == 996) {
        state = 2;
        s->quarantined++;
    }
    sqlite3_bind_text(q, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, json, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 4, state);
    sqlite3_bind_int(q, 5, state == 0 ? 0 : 1);
    if (state == 2)
        sqlite3_bind_text(q, 6, "LRS: 400 Bad Request", -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, 6);
    sqlite3_bind_int64(q, 7, created);
    sqlite3_bind_int64(q, 8, state == 1 ? created + 60000 : 0);
    sqlite3_bind_text(q, 9, issuer, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 10, subject, -1, SQLITE_STATIC);
    s->outbox_rows++;
    s->totals[state]++;
    if (state == 1 && created + 60000 > s->totals[3])
        s->totals[3] = created + 60000;
    int rc = step(s, I_OUTBOX);
    /* what the insert trigger (outbox_in) does besides the totals: a queued row is
     * listed in outbox_queue, a sent one in outbox_sent with its send time and in
     * outbox_sent_runs as a run of its own */
    int64_t id = sqlite3_last_insert_rowid(s->db);
    if (rc == 0 && state != 2) {
        q = s->q[state == 0 ? I_QUEUE : I_SENT];
        sqlite3_bind_int64(q, 1, id);
        if (state == 1)
            sqlite3_bind_int64(q, 2, created + 60000);
        rc = step(s, state == 0 ? I_QUEUE : I_SENT);
    }
    if (rc == 0 && state == 1) {
        q = s->q[I_SENT_RUN];
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int64(q, 2, created + 60000);
        rc = step(s, I_SENT_RUN);
    }
    return rc;
}

/* The statements of one event, built once by the kiosk's own builders: an answer
 * per question and response. */
static const char *const RESPONSES[2] = {"5", "4"};
typedef struct event_tmpl {
    tmpl checkin, checkout, answer[2][2], confirm;
} event_tmpl;

static const xapi_choice FACES[5] = {{"1", "Heel slecht", "Very bad"},
                                     {"2", "Slecht", "Bad"},
                                     {"3", "Gaat wel", "So-so"},
                                     {"4", "Goed", "Good"},
                                     {"5", "Heel goed", "Very good"}};
static const xapi_question QUESTIONS[2] = {
    {"default", "overall", XAPI_LIKERT, NULL, "Hoe vond je het?", "How was it?", FACES, 5},
    {"default", "work", XAPI_LIKERT, "work_exploration", "Weet je nu meer over dit werk?",
     "Do you know more about this work now?", FACES, 5},
};

static int event_tmpl_make(event_tmpl *et, const config *cfg, const config_event *ev,
                           const char *issuer, int64_t ts)
{
    lk_format_iso8601(ts, ts_text, sizeof ts_text); /* the timestamp slot's text */
    pass student = {0}, host = {0};
    lk_strlcpy(student.issuer, issuer, sizeof student.issuer);
    lk_strlcpy(student.subject, P_SUBJECT, sizeof student.subject);
    student.role = PASS_ROLE_STUDENT;
    host = student;
    lk_strlcpy(host.subject, "H01", sizeof host.subject);
    host.role = PASS_ROLE_HOST;
    if (tmpl_make(&et->checkin, xapi_checkin(cfg, ev, &student, P_UUID, ts)) ||
        tmpl_make(&et->checkout,
                  xapi_checkout(cfg, ev, &student, P_UUID, ts, P_CHECKIN, 45 * 60000)) ||
        tmpl_make(&et->confirm, xapi_confirmation(cfg, ev, &host, &student, P_UUID, ts, P_CHECKIN)))
        return -1;
    for (int i = 0; i < 4; i++)
        if (tmpl_make(&et->answer[i / 2][i % 2],
                      xapi_answer(cfg, ev, &student, P_UUID, ts, P_CHECKIN, &QUESTIONS[i / 2],
                                  RESPONSES[i % 2])))
            return -1;
    return 0;
}

/* Is a filled template what the kiosk's own builder makes of the same row? (built:
 * the builder's statement, freed here) */
static int tmpl_check(const tmpl *t, char *built, const char *kind)
{
    int rc = built && strcmp(built, t->json) == 0 ? 0 : -1;
    if (rc != 0)
        fprintf(stderr, "seed: a seeded %s statement differs from the kiosk's own:\n%s\n%s\n", kind,
                t->json, built ? built : "(none)");
    free(built);
    return rc;
}

static void event_tmpl_free(event_tmpl *et)
{
    tmpl_free(&et->checkin);
    tmpl_free(&et->checkout);
    tmpl_free(&et->confirm);
    for (int i = 0; i < 4; i++)
        tmpl_free(&et->answer[i / 2][i % 2]);
}

/* n experiences at ev, check-ins spread over [first, first + span), students
 * L000000 up. */
static int seed_event(seeder *s, const config_event *ev, const char *issuer, long n, int64_t first,
                      int64_t span, long *serial)
{
    event_tmpl et;
    memset(&et, 0, sizeof et);
    if (event_tmpl_make(&et, s->cfg, ev, issuer, first)) {
        fprintf(stderr, "seed: cannot build the statements of %s\n", ev->id);
        event_tmpl_free(&et);
        return -1;
    }
    pass student = {0}, host = {0}; /* for the checks against the builders */
    lk_strlcpy(student.issuer, issuer, sizeof student.issuer);
    student.role = PASS_ROLE_STUDENT;
    host = student;
    lk_strlcpy(host.subject, "H01", sizeof host.subject);
    host.role = PASS_ROLE_HOST;
    int rc = 0;
    for (long i = 0; rc == 0 && i < n; i++) {
        long k = (*serial)++;
        char subject[24], uuid[37], cuuid[37], ts[40];
        snprintf(subject, sizeof subject, "L%06d", (int)(i % 1000000));
        lk_strlcpy(student.subject, subject, sizeof student.subject);
        int64_t in = first + i * span / (n > 0 ? n : 1);
        bool out = k % 5 < 2, answered = k % 10 < 3, confirmed = k % 10 == 5;
        /* each event's first 20 rows hold every kind and response; and some after */
        bool check = i < 20 || k % 1009 == 0;
        int64_t out_ms = in + 45 * 60000;
        fast_uuid4(cuuid, sizeof cuuid);
        rc = fast_iso8601(in, ts, sizeof ts);
        tmpl_fill(&et.checkin, cuuid, cuuid, subject, ts);
        if (rc == 0 && check)
            rc = tmpl_check(&et.checkin, xapi_checkin(s->cfg, ev, &student, cuuid, in), "check-in");
        char ouuid[37] = "";
        if (out)
            fast_uuid4(ouuid, sizeof ouuid);
        sqlite3_stmt *q = s->q[I_EXP];
        sqlite3_bind_text(q, 1, ev->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, issuer, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, subject, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 4, in);
        sqlite3_bind_text(q, 5, cuuid, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 6, out ? out_ms : 0);
        sqlite3_bind_text(q, 7, ouuid, -1, SQLITE_STATIC);
        if (rc == 0)
            rc = step(s, I_EXP);
        int64_t exp_id = sqlite3_last_insert_rowid(s->db);
        if (rc == 0)
            rc = outbox(s, cuuid, "checkin", et.checkin.json, in, issuer, subject);
        for (int a = 0; rc == 0 && answered && a < 2; a++) {
            int64_t at = in + (5 + a) * 60000;
            int r = (int)((k / 10) % 2); /* the response: RESPONSES[r] */
            tmpl *t = &et.answer[a][r];
            fast_uuid4(uuid, sizeof uuid);
            rc = fast_iso8601(at, ts, sizeof ts);
            tmpl_fill(t, uuid, cuuid, subject, ts);
            if (rc == 0 && check)
                rc = tmpl_check(
                    t,
                    xapi_answer(s->cfg, ev, &student, uuid, at, cuuid, &QUESTIONS[a], RESPONSES[r]),
                    "answer");
            q = s->q[I_ANSWER];
            sqlite3_bind_int64(q, 1, exp_id);
            sqlite3_bind_text(q, 2, QUESTIONS[a].id, -1, SQLITE_STATIC);
            if (QUESTIONS[a].competency)
                sqlite3_bind_text(q, 3, QUESTIONS[a].competency, -1, SQLITE_STATIC);
            else
                sqlite3_bind_null(q, 3);
            sqlite3_bind_text(q, 4, RESPONSES[r], -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 5, at);
            sqlite3_bind_text(q, 6, uuid, -1, SQLITE_STATIC);
            if (rc == 0)
                rc = step(s, I_ANSWER);
            if (rc == 0)
                rc = outbox(s, uuid, "answer", t->json, at, issuer, subject);
        }
        if (rc == 0 && confirmed) {
            int64_t at = in + 10 * 60000;
            fast_uuid4(uuid, sizeof uuid);
            rc = fast_iso8601(at, ts, sizeof ts);
            tmpl_fill(&et.confirm, uuid, cuuid, subject, ts);
            if (rc == 0 && check)
                rc = tmpl_check(&et.confirm,
                                xapi_confirmation(s->cfg, ev, &host, &student, uuid, at, cuuid),
                                "confirmation");
            q = s->q[I_CONFIRM];
            sqlite3_bind_int64(q, 1, exp_id);
            sqlite3_bind_text(q, 2, issuer, -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 3, at);
            sqlite3_bind_text(q, 4, uuid, -1, SQLITE_STATIC);
            if (rc == 0)
                rc = step(s, I_CONFIRM);
            if (rc == 0)
                rc = outbox(s, uuid, "confirmation", et.confirm.json, at, issuer, subject);
        }
        if (rc == 0 && out) {
            rc = fast_iso8601(out_ms, ts, sizeof ts);
            tmpl_fill(&et.checkout, ouuid, cuuid, subject, ts);
            if (rc == 0 && check)
                rc = tmpl_check(
                    &et.checkout,
                    xapi_checkout(s->cfg, ev, &student, ouuid, out_ms, cuuid, 45 * 60000),
                    "check-out");
            if (rc == 0)
                rc = outbox(s, ouuid, "checkout", et.checkout.json, out_ms, issuer, subject);
        }
    }
    event_tmpl_free(&et);
    return rc;
}

/* One school's roster, the same at every size (only the check-ins grow), on the
 * store's own connection: its triggers keep each name's search key with the
 * store's own SQL function. */
static int seed_roster(store *st, const char *issuer, long n, int64_t now)
{
    static const char *const groups[] = {"3A", "3B", "4A", "4B", "5H", "6V"};
    sqlite3 *db = store_db(st);
    sqlite3_stmt *q = NULL;
    int rc = exec_fmt(db, "BEGIN");
    if (rc == 0 && sqlite3_prepare_v2(db, ROSTER_SQL, -1, &q, NULL) != SQLITE_OK)
        rc = -1;
    for (long i = 0; rc == 0 && i < n; i++) {
        char subject[24], name[32];
        snprintf(subject, sizeof subject, "L%06d", (int)(i % 1000000));
        snprintf(name, sizeof name, "Leerling %ld", i);
        sqlite3_bind_text(q, 1, issuer, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, subject, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, groups[i % 6], -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 5, now);
        rc = sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
        sqlite3_reset(q);
    }
    if (rc != 0)
        fprintf(stderr, "seed: roster: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(q);
    return exec_fmt(db, rc == 0 ? "COMMIT" : "ROLLBACK") == 0 ? rc : -1;
}

/* The bulk load. Random statement ids inserted one by one into the B-trees of the
 * store's UNIQUE constraints, among a million fat outbox rows, cost more than the
 * rest of the load, and every outbox row fired the trigger that keeps
 * outbox_totals. So while the rows go in, the tables the seeder fills carry no
 * index and no trigger (but partial indexes), and afterwards the schema is put back to
 * the store's own text, byte for byte:
 *   - secondary indexes and triggers: their sqlite_master SQL is kept, they are
 *     dropped, and made again from that SQL after the load (SQLite sorts; the keys
 *     of these arrive in row order in a kiosk too, so the B-trees come out alike);
 *   - a UNIQUE constraint's index (sqlite_autoindex_T_N) cannot be dropped, so its
 *     table's SQL is set, with writable_schema, to the same text without UNIQUE
 *     (checked in a scratch database: the same columns, types, defaults, foreign
 *     keys), and its row becomes a plain index "seed_unique_N", dropped for the
 *     load. After it, a WITHOUT ROWID table seed_unique_N (key columns, rowid) holds
 *     exactly the index's records (key..., rowid); its row then becomes the
 *     constraint's index row and the table gets its SQL back. It is filled in a
 *     kiosk's order (by rowid) within buckets of the key's first characters, so the
 *     pages split as a kiosk's do (the same page count and fill, within 0.5 %, as
 *     one by one: a B-tree made by one sort is packed full, and the first check-ins
 *     into it would split a page each), at a fraction of the cost. A duplicate id
 *     fails the seed.
 * A table the edit cannot be checked for keeps its constraints (only slower). The
 * running totals the outbox triggers keep are the trigger's sums, added up as the
 * rows are made (seed_totals). tests/e2e/seed_bench.sh checks the result against a
 * fresh store: the same sqlite_master, integrity_check, the totals as the triggers
 * count them. */
#define BULK_MAX 32
typedef struct bulk_unique {
    char table[64];      /* the constrained table */
    char auto_name[128]; /* sqlite_autoindex_T_N, the name it gets back */
    char tmp_name[64];   /* seed_unique_N while the rows go in */
    char *plain;         /* CREATE UNIQUE INDEX seed_unique_N ON T(...): dropped for the load */
    char *standin;       /* CREATE TABLE seed_unique_N (...) WITHOUT ROWID: the index after it */
    char *fill;          /* INSERT INTO seed_unique_N SELECT ... FROM T ORDER BY ... */
} bulk_unique;
typedef struct bulk_table {
    char name[64];
    char *sql; /* the store's CREATE TABLE text, put back after the load */
} bulk_table;
typedef struct bulk {
    char *later[BULK_MAX]; /* secondary indexes and triggers, in sqlite_master order */
    size_t n_later;
    bulk_table table[8];
    size_t n_table;
    bulk_unique uniq[16];
    size_t n_uniq;
} bulk;

/* The tables the seeder fills in bulk. Their partial indexes (outbox_quarantined)
 * stay during the load: a row outside one costs only the test, where making it
 * afterwards would read the whole outbox (its JSON: most of the file) once more. */
static const char *const bulk_tables[] = {"experiences", "answers", "confirmations", "outbox"};

static void bulk_unique_free(bulk_unique *u)
{
    sqlite3_free(u->plain);
    sqlite3_free(u->standin);
    sqlite3_free(u->fill);
    u->plain = u->standin = u->fill = NULL;
}

static void bulk_free(bulk *b)
{
    for (size_t i = 0; i < b->n_later; i++)
        free(b->later[i]);
    for (size_t i = 0; i < b->n_table; i++)
        free(b->table[i].sql);
    for (size_t i = 0; i < b->n_uniq; i++)
        bulk_unique_free(&b->uniq[i]);
    memset(b, 0, sizeof *b);
}

static bool word_at(const char *s, size_t i, const char *w)
{
    size_t n = strlen(w);
    return strncasecmp(s + i, w, n) == 0 &&
           (i == 0 || !(isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_')) &&
           !(isalnum((unsigned char)s[i + n]) || s[i + n] == '_');
}

/* The CREATE TABLE text sql without its UNIQUE constraints (a column's "UNIQUE", a
 * table's ", UNIQUE (...)"), or NULL when it has anything this does not know (a
 * named constraint, a conflict clause, a comment). Caller frees. */
static char *strip_unique(const char *sql)
{
    size_t n = strlen(sql), o = 0;
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    int depth = 0;
    size_t last_comma = 0; /* in out: where the current definition's comma was written */
    for (size_t i = 0; i < n;) {
        char c = sql[i];
        if (c == '\'' || c == '"' || c == '`' || c == '[') { /* quoted: copied as it is */
            char close = c == '[' ? ']' : c;
            size_t j = i + 1;
            while (j < n && sql[j] != close)
                j++;
            memcpy(out + o, sql + i, j - i + (j < n));
            o += j - i + (j < n);
            i = j + 1;
            continue;
        }
        if ((c == '-' && sql[i + 1] == '-') || (c == '/' && sql[i + 1] == '*') ||
            (depth == 1 && (word_at(sql, i, "CONSTRAINT") || word_at(sql, i, "CONFLICT")))) {
            free(out);
            return NULL;
        }
        if (depth == 1 && word_at(sql, i, "UNIQUE")) {
            size_t j = i + 6;
            while (j < n && isspace((unsigned char)sql[j]))
                j++;
            if (sql[j] == '(') { /* a table constraint: from its comma to its ')' */
                while (j < n && sql[j] != ')')
                    j++;
                o = last_comma;
                i = j + 1;
            } else { /* a column constraint: the word and the blank before it */
                while (o > 0 && isspace((unsigned char)out[o - 1]))
                    o--;
                i += 6;
            }
            continue;
        }
        if (c == '(')
            depth++;
        else if (c == ')')
            depth--;
        else if (c == ',' && depth == 1)
            last_comma = o;
        out[o++] = c;
        i++;
    }
    out[o] = '\0';
    return out;
}

/* One line per row of a PRAGMA, to compare two tables' shape. Caller frees. */
static char *pragma_rows(sqlite3 *db, const char *pragma, const char *arg)
{
    char *sql = sqlite3_mprintf("SELECT * FROM pragma_%s(%Q)", pragma, arg);
    sqlite3_stmt *q = NULL;
    char *acc = sqlite3_mprintf("%s", "");
    if (sql && sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK)
        while (acc && sqlite3_step(q) == SQLITE_ROW)
            for (int c = 0; acc && c < sqlite3_column_count(q); c++) {
                const unsigned char *v = sqlite3_column_text(q, c);
                char *grown = sqlite3_mprintf("%s%s%c", acc, v ? (const char *)v : "<null>",
                                              c + 1 < sqlite3_column_count(q) ? '|' : '\n');
                sqlite3_free(acc);
                acc = grown;
            }
    sqlite3_finalize(q);
    sqlite3_free(sql);
    return acc;
}

/* Does CREATE TABLE text edited make the same table as orig, only without its UNIQUE
 * constraints? Made side by side in a scratch database. */
static bool same_but_unique(const char *orig, const char *edited, const char *table)
{
    sqlite3 *a = NULL, *b = NULL;
    bool same = false;
    if (sqlite3_open(":memory:", &a) == SQLITE_OK && sqlite3_open(":memory:", &b) == SQLITE_OK &&
        sqlite3_exec(a, orig, NULL, NULL, NULL) == SQLITE_OK &&
        sqlite3_exec(b, edited, NULL, NULL, NULL) == SQLITE_OK) {
        same = true;
        static const char *const same_in_both[] = {"table_xinfo", "foreign_key_list"};
        for (int i = 0; same && i < 2; i++) {
            char *x = pragma_rows(a, same_in_both[i], table);
            char *y = pragma_rows(b, same_in_both[i], table);
            same = x && y && strcmp(x, y) == 0;
            sqlite3_free(x);
            sqlite3_free(y);
        }
        char *left = pragma_rows(b, "index_list", table);
        same = same && left && !*left; /* no index left */
        sqlite3_free(left);
    }
    sqlite3_close(a);
    sqlite3_close(b);
    return same;
}

/* The SQL of a UNIQUE constraint's index auto_name on table while the rows go in
 * (u->plain: CREATE UNIQUE INDEX tmp ON table(...), dropped at once) and after
 * (u->standin: a WITHOUT ROWID table tmp(key columns, seed_rowid) whose B-tree holds
 * the very records of the index, (key..., rowid), filled by u->fill). Each column
 * keeps the constraint's collation and order. */
static int unique_sql(sqlite3 *db, bulk_unique *u)
{
    char *cols = sqlite3_mprintf("%s", ""), *names = sqlite3_mprintf("%s", "");
    char *keys = sqlite3_mprintf("%s", ""), *first = NULL;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "SELECT name, desc, coll FROM pragma_index_xinfo(?) WHERE key", -1,
                           &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, u->auto_name, -1, SQLITE_STATIC);
        while (cols && names && keys && sqlite3_step(q) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(q, 0);
            const char *coll = (const char *)sqlite3_column_text(q, 2);
            if (!name || !coll)
                break;
            const char *sep = *cols ? ", " : "";
            char *c = sqlite3_mprintf("%s%s\"%w\" COLLATE \"%w\" %s", cols, sep, name, coll,
                                      sqlite3_column_int(q, 1) ? "DESC" : "ASC");
            char *n = sqlite3_mprintf("%s%s\"%w\"", names, sep, name);
            char *k = sqlite3_mprintf("%s%s\"%w\"", keys, sep, name);
            sqlite3_free(cols);
            sqlite3_free(names);
            sqlite3_free(keys);
            cols = c, names = n, keys = k;
            /* the insert order's buckets: a text key's first two characters
             * (monotone in BINARY order), an integer's 4096s */
            if (!first)
                first = strcasecmp(coll, "BINARY") == 0
                            ? sqlite3_mprintf("CASE typeof(\"%w\") WHEN 'text'"
                                              " THEN substr(\"%w\", 1, 2) WHEN"
                                              " 'integer' THEN \"%w\" >> 12 END",
                                              name, name, name)
                            : sqlite3_mprintf("NULL");
        }
    }
    sqlite3_finalize(q);
    if (cols && names && first && *cols) {
        u->plain = sqlite3_mprintf("CREATE UNIQUE INDEX \"%w\" ON \"%w\" (%s)", u->tmp_name,
                                   u->table, cols);
        u->standin = sqlite3_mprintf("CREATE TABLE \"%w\" (%s, seed_rowid, PRIMARY KEY (%s))"
                                     " WITHOUT ROWID",
                                     u->tmp_name, names, cols);
        u->fill = sqlite3_mprintf("INSERT INTO \"%w\" SELECT %s, rowid FROM \"%w\""
                                  " ORDER BY %s, rowid",
                                  u->tmp_name, keys, u->table, first);
    }
    sqlite3_free(cols);
    sqlite3_free(names);
    sqlite3_free(keys);
    sqlite3_free(first);
    return u->plain && u->standin && u->fill ? 0 : -1;
}

/* Step 1, on a connection of its own (the edited schema is read by the next one):
 * the UNIQUE constraints of the bulk tables become plain indexes. */
static int bulk_unconstrain(sqlite3 *db, bulk *b)
{
    int rc = exec_fmt(db, "BEGIN; PRAGMA writable_schema = ON");
    for (size_t t = 0; rc == 0 && t < sizeof bulk_tables / sizeof *bulk_tables; t++) {
        const char *table = bulk_tables[t];
        sqlite3_stmt *q = NULL;
        char *orig = NULL;
        if (sqlite3_prepare_v2(db,
                               "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                               -1, &q, NULL) == SQLITE_OK) {
            sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
            if (sqlite3_step(q) == SQLITE_ROW)
                orig = strdup((const char *)sqlite3_column_text(q, 0));
        }
        sqlite3_finalize(q);
        /* only tables whose every automatic index is a UNIQUE constraint's */
        char *edited = orig ? strip_unique(orig) : NULL;
        bool ok = edited && same_but_unique(orig, edited, table);
        size_t first = b->n_uniq;
        if (ok && sqlite3_prepare_v2(db,
                                     "SELECT name, origin FROM pragma_index_list(?)"
                                     " WHERE name LIKE 'sqlite_autoindex_%'",
                                     -1, &q, NULL) == SQLITE_OK) {
            sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
            while (ok && sqlite3_step(q) == SQLITE_ROW) {
                ok = strcmp((const char *)sqlite3_column_text(q, 1), "u") == 0 &&
                     b->n_uniq < sizeof b->uniq / sizeof *b->uniq;
                if (!ok)
                    break;
                bulk_unique *u = &b->uniq[b->n_uniq++];
                lk_strlcpy(u->table, table, sizeof u->table);
                lk_strlcpy(u->auto_name, (const char *)sqlite3_column_text(q, 0),
                           sizeof u->auto_name);
                snprintf(u->tmp_name, sizeof u->tmp_name, "seed_unique_%zu", b->n_uniq);
            }
            sqlite3_finalize(q);
        }
        for (size_t i = first; ok && i < b->n_uniq; i++) {
            bulk_unique *u = &b->uniq[i];
            ok = unique_sql(db, u) == 0;
        }
        if (!ok || b->n_uniq == first || b->n_table >= sizeof b->table / sizeof *b->table) {
            for (size_t i = first; i < b->n_uniq; i++)
                bulk_unique_free(&b->uniq[i]);
            b->n_uniq = first;
            if (orig)
                fprintf(stderr, "seed: %s keeps its UNIQUE constraints during the load\n", table);
            free(orig);
            free(edited);
            continue;
        }
        lk_strlcpy(b->table[b->n_table].name, table, sizeof b->table[0].name);
        b->table[b->n_table++].sql = orig;
        rc = exec_fmt(db, "UPDATE sqlite_master SET sql = %Q WHERE type = 'table' AND name = %Q",
                      edited, table);
        free(edited);
        for (size_t i = first; rc == 0 && i < b->n_uniq; i++)
            rc = exec_fmt(db, "UPDATE sqlite_master SET name = %Q, sql = %Q WHERE name = %Q",
                          b->uniq[i].tmp_name, b->uniq[i].plain, b->uniq[i].auto_name);
    }
    if (rc == 0)
        rc = exec_fmt(db, "PRAGMA writable_schema = OFF; COMMIT");
    return rc;
}

/* Step 2, on the loading connection inside its transaction: the bulk tables' plain
 * indexes, their constraints' stand-ins and every trigger dropped, their SQL kept. */
static int bulk_drop(sqlite3 *db, bulk *b)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT type, name, sql, tbl_name, type = 'index' AND EXISTS"
                           " (SELECT 1 FROM pragma_index_list(m.tbl_name) l WHERE"
                           " l.name = m.name AND l.partial) FROM sqlite_master m WHERE"
                           " sql IS NOT NULL AND (type = 'trigger' OR type = 'index')"
                           " ORDER BY rowid",
                           -1, &q, NULL) != SQLITE_OK)
        return -1;
    char names[BULK_MAX][128], types[BULK_MAX][8];
    int rc = 0;
    while (rc == 0 && sqlite3_step(q) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(q, 1);
        bool ours = false;
        for (size_t t = 0; t < sizeof bulk_tables / sizeof *bulk_tables; t++)
            ours = ours || strcmp((const char *)sqlite3_column_text(q, 3), bulk_tables[t]) == 0;
        ours = ours && !sqlite3_column_int(q, 4); /* a partial index stays */
        if (!ours)
            continue;
        bool stand_in = strncmp(name, "seed_unique_", 12) == 0;
        if (b->n_later >= BULK_MAX) {
            rc = -1;
            break;
        }
        lk_strlcpy(types[b->n_later], (const char *)sqlite3_column_text(q, 0), sizeof types[0]);
        lk_strlcpy(names[b->n_later], name, sizeof names[0]);
        /* a stand-in is made again by bulk_restore, before the others */
        b->later[b->n_later] =
            stand_in ? strdup("") : strdup((const char *)sqlite3_column_text(q, 2));
        rc = b->later[b->n_later] ? 0 : -1;
        b->n_later++;
    }
    sqlite3_finalize(q);
    for (size_t i = 0; rc == 0 && i < b->n_later; i++)
        rc = exec_fmt(db, "DROP %s \"%w\"", types[i], names[i]);
    return rc;
}

/* Step 3, after the load, in the same transaction: the constraints' indexes and
 * the others made by sorting, and the triggers again. */
static int bulk_rebuild(sqlite3 *db, const bulk *b)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < b->n_uniq; i++)
        rc = exec_fmt(db, "%s; %s", b->uniq[i].standin, b->uniq[i].fill);
    for (size_t i = 0; rc == 0 && i < b->n_later; i++)
        if (*b->later[i])
            rc = exec_fmt(db, "%s", b->later[i]);
    return rc;
}

/* Step 4, last in the transaction: the store's own schema text back, and the
 * constraints' names. This connection's idea of the schema is stale afterwards:
 * commit and close it. */
static int bulk_reschema(sqlite3 *db, const bulk *b)
{
    int rc = exec_fmt(db, "PRAGMA writable_schema = ON");
    for (size_t i = 0; rc == 0 && i < b->n_uniq; i++)
        rc = exec_fmt(db,
                      "UPDATE sqlite_master SET type = 'index', name = %Q, tbl_name = %Q,"
                      " sql = NULL WHERE name = %Q",
                      b->uniq[i].auto_name, b->uniq[i].table, b->uniq[i].tmp_name);
    for (size_t i = 0; rc == 0 && i < b->n_table; i++)
        rc = exec_fmt(db, "UPDATE sqlite_master SET sql = %Q WHERE type = 'table' AND name = %Q",
                      b->table[i].sql, b->table[i].name);
    if (rc == 0)
        rc = exec_fmt(db, "PRAGMA writable_schema = OFF");
    return rc;
}

/* The running totals the outbox triggers keep (migrations 5 and 14), as the insert
 * trigger would have added them up row by row (seeder.totals). */
static int seed_totals(sqlite3 *db, const int64_t totals[4])
{
    return exec_fmt(db,
                    "UPDATE outbox_totals SET queued = %lld, sent = %lld, quarantined = %lld,"
                    " last_sent_ms = max(last_sent_ms, %lld) WHERE id = 1",
                    (long long)totals[0], (long long)totals[1], (long long)totals[2],
                    (long long)totals[3]);
}

/* A connection of the seeder's own: no journal, no fsync (a bench file, not a
 * kiosk's: a crash while seeding only loses the seed). */
static sqlite3 *bulk_open(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        exec_fmt(db, "PRAGMA journal_mode = DELETE; PRAGMA journal_mode = OFF;"
                     " PRAGMA synchronous = OFF") != 0) {
        fprintf(stderr, "seed: %s: %s\n", path, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static int seed(const config *cfg, const char *path, long n)
{
    seeder s = {.cfg = cfg, .now = lk_now_ms()};
    const char *issuer = cfg->n_issuers > 0 ? cfg->issuers[0].code : "DEMO";
    const config_event *cur = cfg->n_events > 0 ? &cfg->events[0] : NULL;
    bulk b;
    memset(&b, 0, sizeof b);
    sqlite3 *db = bulk_open(path);
    int rc = db ? bulk_unconstrain(db, &b) : -1;
    sqlite3_close(db);
    s.db = rc == 0 ? bulk_open(path) : NULL;
    /* a cache that holds the indexes (256 MB: 1 GB was 3 % slower), sorts in
     * memory, the file read through a memory map (as far as SQLite maps: 2 GB in
     * Debian's build) rather than copied page by page */
    rc = s.db ? exec_fmt(s.db, "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;"
                               " PRAGMA mmap_size = 4294967296; BEGIN")
              : -1;
    if (rc == 0)
        rc = bulk_drop(s.db, &b);
    for (int i = 0; rc == 0 && i < I_N; i++)
        if (sqlite3_prepare_v2(s.db, insert_sql[i], -1, &s.q[i], NULL) != SQLITE_OK) {
            fprintf(stderr, "seed: %s\n", sqlite3_errmsg(s.db));
            rc = -1;
        }
    long events = (n + PER_EVENT - 1) / PER_EVENT;
    long per = events > 0 ? (n + events - 1) / events : 0;
    long serial = 0, done = 0;
    int64_t today0 = s.now - s.now % STORE_DAY_MS; /* midnight UTC; the hours do not matter */
    for (long e = 0; rc == 0 && e < events; e++) {
        /* school days from 330 days ago to three days ago, oldest first */
        int64_t day = today0 - (330 - e * 327 / (events > 1 ? events - 1 : 1)) * STORE_DAY_MS;
        config_event ev;
        memset(&ev, 0, sizeof ev);
        snprintf(ev.id, sizeof ev.id, "SEED-%04ld", e + 1);
        snprintf(ev.title, sizeof ev.title, "Meeloopdag %ld", e + 1);
        lk_strlcpy(ev.kind,
                   e % 3 == 0   ? "open_day"
                   : e % 3 == 1 ? "job_shadow"
                                : "company_visit",
                   sizeof ev.kind);
        ev.start_ms = day;
        ev.end_ms = day + STORE_DAY_MS;
        sqlite3_stmt *q = s.q[I_EVENT];
        sqlite3_bind_text(q, 1, ev.id, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, ev.title, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, ev.kind, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 4, ev.start_ms);
        sqlite3_bind_int64(q, 5, ev.end_ms);
        rc = step(&s, I_EVENT);
        long m = n - done < per ? n - done : per;
        if (rc == 0)
            rc = seed_event(&s, &ev, issuer, m, day + 9 * 3600000LL, 6 * 3600000LL, &serial);
        done += m;
    }
    /* today at the kiosk's current event: the same rows at every size */
    if (rc == 0 && cur) {
        time_t t = (time_t)(s.now / 1000);
        struct tm tm;
        localtime_r(&t, &tm);
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
        tm.tm_isdst = -1;
        int64_t midnight = (int64_t)mktime(&tm) * 1000;
        if (midnight < cur->start_ms)
            midnight = cur->start_ms;
        int64_t span = s.now - 60000 - midnight;
        rc = seed_event(&s, cur, issuer, TODAY_ROWS, midnight, span > 0 ? span : 1, &serial);
    }
    for (int i = 0; i < I_N; i++)
        sqlite3_finalize(s.q[i]);
    if (rc == 0)
        rc = bulk_rebuild(s.db, &b);
    if (rc == 0)
        rc = seed_totals(s.db, s.totals);
    if (rc == 0)
        rc = bulk_reschema(s.db, &b);
    if (rc == 0)
        rc = exec_fmt(s.db, "COMMIT");
    sqlite3_close(s.db); /* its idea of the schema is stale after bulk_reschema */
    bulk_free(&b);
    db = rc == 0 ? bulk_open(path) : NULL;
    if (!db || exec_fmt(db, "PRAGMA journal_mode = WAL") != 0)
        rc = -1;
    sqlite3_close(db);
    if (rc == 0)
        printf("seed: %ld experiences (+%d today), %ld outbox rows\n", n, cur ? TODAY_ROWS : 0,
               s.outbox_rows);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: seed DIR N [WxH]\n");
        return 2;
    }
    char *end = NULL;
    long n = strtol(argv[2], &end, 10);
    if (!end || *end || n < 0 || n > 100000000) {
        fprintf(stderr, "seed: N must be a number of experiences\n");
        return 2;
    }
    double t0 = mono_s();
    /* no allocation statistics: less work in each of SQLite's millions of
     * allocations (before anything calls SQLite; bulk_open's connections go
     * without a mutex of their own too) */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (sodium_init() < 0)
        return 1;
    randombytes_buf(&rng_state, sizeof rng_state);
    slot_text[S_UUID] = P_UUID;
    slot_text[S_CHECKIN] = P_CHECKIN;
    slot_text[S_SUBJECT] = P_SUBJECT;
    slot_text[S_TS] = ts_text;
    /* 1. the demo kiosk: kiosk.ini, keys, passes, roster, as init makes it */
    char *init_argv[] = {"--demo", argv[1], "--windowed", "--size", argc > 3 ? argv[3] : "800x480",
                         NULL};
    cli_ctx ctx = {0};
    fflush(stdout);
    int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
    if (saved >= 0 && null >= 0)
        dup2(null, STDOUT_FILENO); /* init lists the demo passes: not wanted here */
    int ic = cmd_init(&ctx, 5, init_argv);
    fflush(stdout);
    if (saved >= 0 && null >= 0)
        dup2(saved, STDOUT_FILENO);
    if (saved >= 0)
        close(saved);
    if (null >= 0)
        close(null);
    if (ic != 0) {
        fprintf(stderr, "seed: init failed (%d)\n", ic);
        return 1;
    }
    char ini[CONFIG_PATH_MAX], err[256], path[CONFIG_PATH_MAX + 32];
    config *cfg = calloc(1, sizeof *cfg);
    store *st = NULL;
    if (!cfg || !lk_path_join(ini, sizeof ini, argv[1], "kiosk.ini") ||
        config_load(cfg, ini, err, sizeof err) != LK_OK ||
        store_path(cfg, path, sizeof path) != LK_OK ||
        store_open(path, &st, err, sizeof err) != LK_OK) {
        fprintf(stderr, "seed: cannot open the new kiosk: %s\n", err);
        config_free(cfg);
        free(cfg);
        return 1;
    }
    int rc =
        seed_roster(st, cfg->n_issuers > 0 ? cfg->issuers[0].code : "DEMO", PER_EVENT, lk_now_ms());
    store_close(st); /* the schema is made; the load has connections of its own */
    if (rc == 0)
        rc = seed(cfg, path, n);
    config_free(cfg);
    free(cfg);
    if (rc == 0) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        fprintf(stderr, "seed: %.1f s\nseed: cpu %.1f s\n", mono_s() - t0,
                (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
    }
    return rc == 0 ? 0 : 1;
}
