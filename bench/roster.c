/* The admin's "forgot the pass" search on a school's roster: importing N students
 * through the store (the search keys are made by triggers) and one search per typed
 * prefix with store_roster_search (a range of the folded-name index), side by side
 * with the query it replaced (first_name LIKE prefix, a scan of the whole roster),
 * measured in the same run. Names come from a list with accents (Ömer, Çelik,
 * Élise, Ïsa, IJsbrand...), each made unique with two more letters.
 * usage: roster [N] [SEARCHES]   (defaults 5000 and 2000) */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lobkiosk/store.h"
#include "lobkiosk/util.h"

#define OLD_SQL                                                                                    \
    "SELECT issuer, subject, first_name, grp FROM roster"                                          \
    " WHERE first_name LIKE ?1 || '%' ESCAPE '\\' AND (?2 IS NULL OR grp = ?2)"                    \
    " ORDER BY first_name, grp, subject LIMIT ?3"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static const char *const names[] = {
    "Ömer",     "Çelik", "Élise", "Ïsa",  "IJsbrand", "Anouk", "Daan",   "Fatima", "Sem",   "Lotte",
    "Yusuf",    "Zoë",   "Noah",  "Emma", "Liam",     "Mila",  "Sophie", "Julia",  "Lucas", "Finn",
    "Mohammed", "Sara",  "Eva",   "Tess", "Bram",     "Jesse", "Ruben",  "Thijs",  "Lars",  "Anna"};
#define N_NAMES (sizeof names / sizeof names[0])

int main(int argc, char **argv)
{
    long n = 5000, searches = 2000;
    if ((argc > 1 && lk_parse_long(argv[1], 1, 1000000, &n) != LK_OK) ||
        (argc > 2 && lk_parse_long(argv[2], 1, 10000000, &searches) != LK_OK)) {
        fprintf(stderr, "usage: roster [N] [SEARCHES]\n");
        return 2;
    }
    char dir[] = "/tmp/lk-bench-roster-XXXXXX", path[64];
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/%s", dir, LK_DB_FILE);
    store *st = NULL;
    int rc = 1;
    sqlite3_stmt *old = NULL;
    if (store_open(path, &st, NULL, 0) != LK_OK)
        goto out;
    double t0 = now_us();
    if (store_begin(st) != LK_OK)
        goto out;
    for (long i = 0; i < n; i++) {
        store_person p = {.issuer = "00AA"};
        snprintf(p.subject, sizeof p.subject, "%ld", 100000 + i % 1000000);
        snprintf(p.first_name, sizeof p.first_name, "%s%c%c", names[(size_t)i % N_NAMES],
                 (char)('a' + (i / (long)N_NAMES) % 26),
                 (char)('a' + (i / (26 * (long)N_NAMES)) % 26));
        snprintf(p.group, sizeof p.group, "%ldB", i % 12);
        if (store_roster_upsert(st, &p, NULL) != LK_OK)
            goto out;
    }
    if (store_commit(st) != LK_OK)
        goto out;
    printf("roster import, %ld students (search keys by trigger): %.1f ms\n", n,
           (now_us() - t0) / 1e3);
    if (sqlite3_prepare_v2(store_db(st), OLD_SQL, -1, &old, NULL) != SQLITE_OK)
        goto out;
    static const char *const typed[] = {"a", "om", "ome", "ij", "lot", "x"};
    printf("%-5s %12s %6s %16s %6s %8s\n", "typed", "search us", "found", "former LIKE us", "found",
           "ratio");
    for (size_t k = 0; k < sizeof typed / sizeof typed[0]; k++) {
        store_person found[4];
        size_t got = 0, old_got = 0;
        double a = now_us();
        for (long r = 0; r < searches; r++)
            if (store_roster_search(st, typed[k], NULL, found, 4, &got) != LK_OK)
                goto out;
        double b = now_us();
        for (long r = 0; r < searches; r++) {
            sqlite3_reset(old);
            sqlite3_bind_text(old, 1, typed[k], -1, SQLITE_STATIC);
            sqlite3_bind_null(old, 2);
            sqlite3_bind_int(old, 3, 4);
            for (old_got = 0; sqlite3_step(old) == SQLITE_ROW;)
                old_got++;
        }
        double c = now_us();
        printf("%-5s %12.1f %6zu %16.1f %6zu %7.1fx\n", typed[k], (b - a) / (double)searches, got,
               (c - b) / (double)searches, old_got, (c - b) / (b - a));
    }
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "roster: store error\n");
    sqlite3_finalize(old);
    store_close(st);
    unlink(path);
    char wal[80];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    rmdir(dir);
    return rc;
}
