/* Check-in throughput and latency through the core (checkin_scan: verify, rules,
 * statement, experience + outbox in one synchronous=FULL transaction), side by side
 * with the floor: a bare SQLite INSERT+COMMIT loop with the same durability.
 * usage: checkin [N] [DIR]   (DIR on a real disk; default: a new folder in /var/tmp) */
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lobkiosk/checkin.h"
#include "lobkiosk/util.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void print_line(const char *what, long n, double total_ms, double *lat)
{
    qsort(lat, (size_t)n, sizeof lat[0], cmp_double);
    double p50 = lat[(size_t)(n * 50 / 100)];
    double p99 = lat[(size_t)(n * 99 / 100 < n ? n * 99 / 100 : n - 1)];
    printf("%-34s %7ld in %7.2f s  %8.0f /s  p50 %6.3f ms  p99 %6.3f ms\n", what, n,
           total_ms / 1e3, n / (total_ms / 1e3), p50, p99);
}

/* A region's worth of other schools: n_issuers - 1 more issuers, each with a key,
 * and revoked passes spread over all of them (issue: 500 schools, 50,000 revoked). */
static int add_region(config *cfg, int n_issuers, long revoked)
{
    unsigned char pk[32], sk[64];
    crypto_sign_keypair(pk, sk);
    for (int i = 1; i < n_issuers; i++) {
        char code[16];
        snprintf(code, sizeof code, "R%04d", i);
        config_issuer *is = config_add_issuer(cfg, code);
        if (!is)
            return 1;
        lk_strlcpy(is->keys[0].id, "K1", sizeof is->keys[0].id);
        memcpy(is->keys[0].pk, pk, 32);
        is->n_keys = 1;
    }
    for (long r = 0; r < revoked; r++) {
        char entry[24];
        snprintf(entry, sizeof entry, "X%ld", r);
        if (config_revoke_entry(&cfg->issuers[(size_t)r % cfg->n_issuers], entry) != LK_OK)
            return 1;
    }
    for (size_t i = 0; i < cfg->n_issuers; i++)
        config_sort_revoked(&cfg->issuers[i]);
    config_sort_issuers(cfg);
    return 0;
}

/* The kiosk path: pre-signed passes of n distinct students through checkin_scan,
 * with n_issuers trusted issuers and revoked passes in the configuration. */
static int bench_core(const char *dir, long n, double *lat, int n_issuers, long revoked)
{
    config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return 1;
    config_defaults(cfg);
    lk_strlcpy(cfg->data_dir, dir, sizeof cfg->data_dir);
    pass_key key;
    memset(&key, 0, sizeof key);
    lk_strlcpy(key.issuer, "00AA", sizeof key.issuer);
    lk_strlcpy(key.key_id, "K1", sizeof key.key_id);
    crypto_sign_keypair(key.pk, key.sk);
    config_issuer *is = config_add_issuer(cfg, "00AA");
    if (!is)
        return 1;
    lk_strlcpy(is->home_page, "https://dossier.example.nl/00AA", sizeof is->home_page);
    lk_strlcpy(is->keys[0].id, "K1", sizeof is->keys[0].id);
    memcpy(is->keys[0].pk, key.pk, sizeof key.pk);
    is->n_keys = 1;
    config_event *ev = &cfg->events[cfg->n_events++];
    lk_strlcpy(ev->id, "BENCH", sizeof ev->id);
    lk_strlcpy(ev->title, "Bench", sizeof ev->title);
    lk_strlcpy(ev->kind, "open_day", sizeof ev->kind);
    int64_t now = lk_now_ms();
    ev->start_ms = now - 3600000;
    ev->end_ms = now + 24 * 3600000LL;
    lk_strlcpy(cfg->event_id, "BENCH", sizeof cfg->event_id);
    if (add_region(cfg, n_issuers, revoked) != 0) {
        fprintf(stderr, "bench: cannot build the region's issuers\n");
        return 1;
    }

    char (*passes)[LK_PASS_MAX_LEN + 1] = calloc((size_t)n, sizeof *passes);
    if (!passes)
        return 1;
    int expires = lk_local_yyyymmdd(now + 400 * 24 * 3600000LL);
    for (long i = 0; i < n; i++) {
        char subject[24]; /* "B" and up to 7 digits: within LK_SUBJECT_MAX */
        snprintf(subject, sizeof subject, "B%ld", i);
        if (pass_sign(&key, PASS_ROLE_STUDENT, subject, expires, passes[i], sizeof passes[i]) !=
            LK_OK) {
            fprintf(stderr, "bench: pass_sign failed\n");
            return 1;
        }
    }
    char path[CONFIG_PATH_MAX + 32];
    store *st = NULL;
    if (store_path(cfg, path, sizeof path) != LK_OK || store_open(path, &st, NULL, 0) != LK_OK ||
        store_sync_events(st, cfg) != LK_OK) {
        fprintf(stderr, "bench: cannot open the store in %s\n", dir);
        return 1;
    }
    checkin_memory mem = {0};
    double t0 = now_ms();
    for (long i = 0; i < n; i++) {
        checkin_result r;
        double a = now_ms();
        lk_status ls = checkin_scan(st, cfg, &mem, passes[i], lk_now_ms(), &r);
        lat[i] = now_ms() - a;
        if (ls != LK_OK || r.outcome != CHECKIN_CHECKED_IN) {
            fprintf(stderr, "bench: check-in %ld: %s / %s\n", i, lk_strerror(ls),
                    checkin_outcome_token(r.outcome));
            return 1;
        }
    }
    double total = now_ms() - t0;
    store_close(st);
    sodium_memzero(&key, sizeof key);
    free(passes);
    config_free(cfg);
    free(cfg);
    char what[64];
    if (n_issuers > 1)
        snprintf(what, sizeof what, "  same, %d issuers, %ld revoked", n_issuers, revoked);
    else
        snprintf(what, sizeof what, "checkin_scan (core, FULL)");
    print_line(what, n, total, lat);
    return 0;
}

/* The floor: the least a durable write costs here. */
static int bench_floor(const char *dir, long n, double *lat)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/floor.db", dir);
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return 1;
    sqlite3_exec(db,
                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                 "CREATE TABLE t (id INTEGER PRIMARY KEY, subject TEXT, json TEXT)",
                 NULL, NULL, NULL);
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO t (subject, json) VALUES (?, ?)", -1, &ins, NULL) !=
        SQLITE_OK)
        return 1;
    char json[600];
    memset(json, 'x', sizeof json - 1);
    json[sizeof json - 1] = '\0';
    double t0 = now_ms();
    for (long i = 0; i < n; i++) {
        double a = now_ms();
        sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        sqlite3_bind_int64(ins, 1, i);
        sqlite3_bind_text(ins, 2, json, -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            return 1;
        sqlite3_reset(ins);
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            return 1;
        lat[i] = now_ms() - a;
    }
    double total = now_ms() - t0;
    sqlite3_finalize(ins);
    sqlite3_close(db);
    print_line("sqlite INSERT+COMMIT (floor, FULL)", n, total, lat);
    return 0;
}

int main(int argc, char **argv)
{
    long n = 10000;
    if (argc > 1 && lk_parse_long(argv[1], 1, 10000000, &n) != LK_OK) {
        fprintf(stderr, "usage: checkin [N] [DIR]\n");
        return 2;
    }
    char dir[1024];
    if (argc > 2) {
        lk_strlcpy(dir, argv[2], sizeof dir);
    } else {
        snprintf(dir, sizeof dir, "/var/tmp/lk-bench-XXXXXX");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 1;
        }
    }
    if (sodium_init() < 0)
        return 1;
    double *lat = calloc((size_t)n, sizeof *lat);
    if (!lat)
        return 1;
    printf("%ld check-ins of distinct students, WAL, synchronous=FULL, in %s\n", n, dir);
    int rc = bench_core(dir, n, lat, 1, 0);
    if (rc == 0) {
        /* a regional kiosk: a fresh database, so both runs start alike */
        char region[1100];
        snprintf(region, sizeof region, "%s/region", dir);
        if (lk_mkdirs(region, 0700) != LK_OK)
            rc = 1;
        else
            rc = bench_core(region, n, lat, 500, 50000);
    }
    if (rc == 0)
        rc = bench_floor(dir, n, lat);
    free(lat);
    return rc;
}
