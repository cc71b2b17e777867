/* A kiosk after a school year of check-ins, for the benches: a working kiosk folder
 * (the demo's kiosk.ini, keys, passes and roster, as `lobkiosk init --demo` makes
 * them) whose database holds N experiences with their answers, confirmations and
 * outbox rows, spread over the past school year, for a roster of 5,000 students (the
 * same at every size, so a report over an empty kiosk prints as many rows), plus 200
 * check-ins today at the current event (so the idle screen's "today" count and the
 * host screen hold the same rows at every size).
 *
 * Everything goes through the store's own schema and migrations (store_open), in
 * one bulk transaction with the journal off and no fsync (a bench file, not a
 * kiosk's: a crash while seeding only loses the seed), prepared statements reused
 * for every row, a 1 GiB page cache, and the store's secondary indexes dropped
 * before the load and made again from their own SQL after it (the UNIQUE
 * constraints stay: they belong to the tables). The statement ids stay random, as
 * a kiosk's are, so the unique indexes on them grow as a kiosk's do. The xAPI statements are built
 * by the kiosk's own builders (xapi.c) once per event and kind, then filled in per row at fixed
 * places (statement id, check-in id, subject, timestamp), so a million rows take
 * seconds, not the minutes of building each statement with jansson.
 *
 * usage: seed DIR N [WxH]     (DIR must not hold a kiosk.ini yet; WxH for [ui]) */
#include <sodium.h>
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

/* The seeding connection's statements. */
enum { I_EVENT, I_EXP, I_ANSWER, I_CONFIRM, I_OUTBOX, I_ROSTER, I_N };
static const char *const insert_sql[I_N] = {
    [I_EVENT] = "INSERT OR REPLACE INTO events (id, title, kind, host, location, start_ms,"
                " end_ms, mode) VALUES (?, ?, ?, 'Bedrijf', 'Utrecht', ?, ?, 'checkin_checkout')",
    [I_EXP] = "INSERT INTO experiences (event_id, issuer, subject, checkin_ms, checkin_uuid,"
              " checkout_ms, checkout_uuid) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [I_ANSWER] = "INSERT INTO answers (experience_id, question_id, competency, response,"
                 " answered_ms, uuid) VALUES (?, ?, ?, ?, ?, ?)",
    [I_CONFIRM] = "INSERT INTO confirmations (experience_id, host_issuer, host_subject,"
                  " confirmed_ms, uuid) VALUES (?, ?, 'H01', ?, ?)",
    [I_OUTBOX] = "INSERT INTO outbox (uuid, kind, json, state, attempts, last_error, created_ms,"
                 " sent_ms, issuer, subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [I_ROSTER] = "INSERT OR IGNORE INTO roster (issuer, subject, first_name, grp, updated_ms)"
                 " VALUES (?, ?, ?, ?, ?)",
};

typedef struct seeder {
    sqlite3 *db;
    sqlite3_stmt *q[I_N];
    const config *cfg;
    int64_t now;
    long outbox_rows;
    int quarantined;
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
    return step(s, I_OUTBOX);
}

/* The statements of one event, built once by the kiosk's own builders. */
typedef struct event_tmpl {
    tmpl checkin, checkout, answer[2], confirm;
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
    for (int i = 0; i < 2; i++)
        if (tmpl_make(&et->answer[i],
                      xapi_answer(cfg, ev, &student, P_UUID, ts, P_CHECKIN, &QUESTIONS[i], "4")))
            return -1;
    return 0;
}

static void event_tmpl_free(event_tmpl *et)
{
    tmpl_free(&et->checkin);
    tmpl_free(&et->checkout);
    tmpl_free(&et->confirm);
    tmpl_free(&et->answer[0]);
    tmpl_free(&et->answer[1]);
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
    int rc = 0;
    for (long i = 0; rc == 0 && i < n; i++) {
        long k = (*serial)++;
        char subject[24], uuid[37], cuuid[37], ts[40];
        snprintf(subject, sizeof subject, "L%06d", (int)(i % 1000000));
        int64_t in = first + i * span / (n > 0 ? n : 1);
        bool out = k % 5 < 2, answered = k % 10 < 3, confirmed = k % 10 == 5;
        int64_t out_ms = in + 45 * 60000;
        fast_uuid4(cuuid, sizeof cuuid);
        lk_format_iso8601(in, ts, sizeof ts);
        tmpl_fill(&et.checkin, cuuid, cuuid, subject, ts);
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
        rc = step(s, I_EXP);
        int64_t exp_id = sqlite3_last_insert_rowid(s->db);
        if (rc == 0)
            rc = outbox(s, cuuid, "checkin", et.checkin.json, in, issuer, subject);
        for (int a = 0; rc == 0 && answered && a < 2; a++) {
            int64_t at = in + (5 + a) * 60000;
            fast_uuid4(uuid, sizeof uuid);
            lk_format_iso8601(at, ts, sizeof ts);
            tmpl_fill(&et.answer[a], uuid, cuuid, subject, ts);
            q = s->q[I_ANSWER];
            sqlite3_bind_int64(q, 1, exp_id);
            sqlite3_bind_text(q, 2, QUESTIONS[a].id, -1, SQLITE_STATIC);
            if (QUESTIONS[a].competency)
                sqlite3_bind_text(q, 3, QUESTIONS[a].competency, -1, SQLITE_STATIC);
            else
                sqlite3_bind_null(q, 3);
            sqlite3_bind_text(q, 4, (k / 10) % 2 ? "4" : "5", -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 5, at);
            sqlite3_bind_text(q, 6, uuid, -1, SQLITE_STATIC);
            rc = step(s, I_ANSWER);
            if (rc == 0)
                rc = outbox(s, uuid, "answer", et.answer[a].json, at, issuer, subject);
        }
        if (rc == 0 && confirmed) {
            int64_t at = in + 10 * 60000;
            fast_uuid4(uuid, sizeof uuid);
            lk_format_iso8601(at, ts, sizeof ts);
            tmpl_fill(&et.confirm, uuid, cuuid, subject, ts);
            q = s->q[I_CONFIRM];
            sqlite3_bind_int64(q, 1, exp_id);
            sqlite3_bind_text(q, 2, issuer, -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 3, at);
            sqlite3_bind_text(q, 4, uuid, -1, SQLITE_STATIC);
            rc = step(s, I_CONFIRM);
            if (rc == 0)
                rc = outbox(s, uuid, "confirmation", et.confirm.json, at, issuer, subject);
        }
        if (rc == 0 && out) {
            lk_format_iso8601(out_ms, ts, sizeof ts);
            tmpl_fill(&et.checkout, ouuid, cuuid, subject, ts);
            rc = outbox(s, ouuid, "checkout", et.checkout.json, out_ms, issuer, subject);
        }
    }
    event_tmpl_free(&et);
    return rc;
}

static int seed_roster(seeder *s, const char *issuer, long n)
{
    static const char *const groups[] = {"3A", "3B", "4A", "4B", "5H", "6V"};
    int rc = 0;
    for (long i = 0; rc == 0 && i < n; i++) {
        char subject[24], name[32];
        snprintf(subject, sizeof subject, "L%06d", (int)(i % 1000000));
        snprintf(name, sizeof name, "Leerling %ld", i);
        sqlite3_stmt *q = s->q[I_ROSTER];
        sqlite3_bind_text(q, 1, issuer, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, subject, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 4, groups[i % 6], -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 5, s->now);
        rc = step(s, I_ROSTER);
    }
    return rc;
}

/* The store's own secondary indexes (not the UNIQUE constraints, which are part of
 * the tables), as its migrations wrote them: dropped before the bulk load and made
 * again after it from their own SQL, a sort each instead of a million random
 * inserts into each. */
typedef struct saved_index {
    char **sql;
    size_t n;
} saved_index;

static int drop_indexes(sqlite3 *db, saved_index *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                           " AND sql IS NOT NULL",
                           -1, &q, NULL) != SQLITE_OK)
        return -1;
    char names[64][128];
    size_t n = 0;
    int rc = 0;
    while (rc == 0 && sqlite3_step(q) == SQLITE_ROW && n < 64) {
        char **grown = realloc(out->sql, (out->n + 1) * sizeof *grown);
        if (!grown) {
            rc = -1;
            break;
        }
        out->sql = grown;
        out->sql[out->n] = strdup((const char *)sqlite3_column_text(q, 1));
        if (!out->sql[out->n])
            rc = -1;
        else
            out->n++;
        snprintf(names[n++], sizeof names[0], "%s", (const char *)sqlite3_column_text(q, 0));
    }
    sqlite3_finalize(q);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char *sql = sqlite3_mprintf("DROP INDEX \"%w\"", names[i]);
        rc = sql && sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
        sqlite3_free(sql);
    }
    return rc;
}

static int restore_indexes(sqlite3 *db, saved_index *saved)
{
    int rc = 0;
    for (size_t i = 0; i < saved->n; i++) {
        if (rc == 0 && sqlite3_exec(db, saved->sql[i], NULL, NULL, NULL) != SQLITE_OK)
            rc = -1;
        free(saved->sql[i]);
    }
    free(saved->sql);
    memset(saved, 0, sizeof *saved);
    return rc;
}

static int seed(const config *cfg, store *st, long n)
{
    seeder s = {.db = store_db(st), .cfg = cfg, .now = lk_now_ms()};
    const char *issuer = cfg->n_issuers > 0 ? cfg->issuers[0].code : "DEMO";
    const config_event *cur = cfg->n_events > 0 ? &cfg->events[0] : NULL;
    for (int i = 0; i < I_N; i++)
        if (sqlite3_prepare_v2(s.db, insert_sql[i], -1, &s.q[i], NULL) != SQLITE_OK) {
            fprintf(stderr, "seed: %s\n", sqlite3_errmsg(s.db));
            return -1;
        }
    /* A bench file: no journal, no fsync, a big cache while the indexes grow. */
    int rc = sqlite3_exec(s.db,
                          "PRAGMA journal_mode = DELETE; PRAGMA journal_mode = OFF;"
                          " PRAGMA synchronous = OFF; PRAGMA cache_size = -1048576;"
                          " PRAGMA temp_store = MEMORY; BEGIN",
                          NULL, NULL, NULL);
    saved_index saved = {0};
    if (rc == SQLITE_OK && drop_indexes(s.db, &saved) != 0)
        rc = SQLITE_ERROR;
    long events = (n + PER_EVENT - 1) / PER_EVENT;
    long per = events > 0 ? (n + events - 1) / events : 0;
    long serial = 0, done = 0;
    int64_t today0 = s.now - s.now % STORE_DAY_MS; /* midnight UTC; the hours do not matter */
    /* one school's roster, the same at every size: only the check-ins grow */
    rc = rc == SQLITE_OK ? seed_roster(&s, issuer, PER_EVENT) : -1;
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
    if (restore_indexes(s.db, &saved) != 0)
        rc = -1;
    rc = rc == 0 && sqlite3_exec(s.db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
    for (int i = 0; i < I_N; i++)
        sqlite3_finalize(s.q[i]);
    if (rc == 0 && sqlite3_exec(s.db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "seed: %s\n", sqlite3_errmsg(s.db));
    else
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
        return 1;
    }
    int rc = seed(cfg, st, n);
    store_close(st);
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
