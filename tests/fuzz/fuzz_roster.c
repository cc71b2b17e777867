/* libFuzzer target for the roster import (roster_import: the CSV reader and the
 * rules for a good row). One store per process in a temp folder, emptied after
 * every input so the database never grows. Inputs of even length are imported
 * with a default issuer ("00aa"), odd ones without, so both the issuer column and
 * the --issuer path are reached. Checks: the counts add up, the roster then holds
 * exactly the inserted rows and every one of them is a good row (codes of
 * 0-9 A-Z, first name and group valid UTF-8 without control characters, not
 * starting like a spreadsheet formula), and the report is plain ASCII (it names
 * lines, never their content). Seeds in tests/fuzz/corpus/roster. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "lobkiosk/roster.h"
#include "targets.h"

static char roster_dir[64];
static char roster_db[96];
static store *roster_st;

static void roster_cleanup(void)
{
    store_close(roster_st);
    roster_st = NULL;
    static const char *const files[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s%s", roster_db, files[i]);
        unlink(p);
    }
    rmdir(roster_dir);
}

static store *roster_store(void)
{
    if (roster_st)
        return roster_st;
    const char *dir = getenv("TMPDIR");
    snprintf(roster_dir, sizeof roster_dir, "%s/lk-fuzz-roster-XXXXXX",
             dir && *dir && strlen(dir) < 32 ? dir : "/tmp");
    if (!mkdtemp(roster_dir))
        abort();
    snprintf(roster_db, sizeof roster_db, "%s/fuzz.db", roster_dir);
    if (store_open(roster_db, &roster_st, NULL, 0) != LK_OK)
        abort();
    atexit(roster_cleanup);
    /* a scratch database: no fsync per import, no zeroing of deleted rows */
    sqlite3_exec(store_db(roster_st), "PRAGMA synchronous = OFF; PRAGMA secure_delete = OFF",
                 NULL, NULL, NULL);
    return roster_st;
}

static bool roster_code(const char *s, size_t min, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    return n >= min && n <= max && strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == n;
}

/* A text a person sees and a spreadsheet opens again: see roster.c text_problem. */
static bool roster_text(const char *s, size_t max, bool may_be_empty)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0)
        return may_be_empty;
    if (n > max || strchr("=+-@", s[0]) || s[0] == ' ' || s[n - 1] == ' ')
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    json_t *js = json_string(s); /* jansson: strict UTF-8 */
    if (!js)
        return false;
    json_decref(js);
    return true;
}

/* Checks every roster row; returns their number. */
static size_t roster_check_rows(sqlite3 *db)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, "SELECT issuer, subject, first_name, grp FROM roster", -1, &s,
                           NULL) != SQLITE_OK)
        abort();
    size_t n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *iss = (const char *)sqlite3_column_text(s, 0);
        const char *subj = (const char *)sqlite3_column_text(s, 1);
        const char *first = (const char *)sqlite3_column_text(s, 2);
        const char *grp = (const char *)sqlite3_column_text(s, 3);
        if (!roster_code(iss, 2, LK_ISSUER_MAX) || !roster_code(subj, 1, LK_SUBJECT_MAX) ||
            !roster_text(first, 127, false) || !roster_text(grp, 63, true))
            abort();
        n++;
    }
    sqlite3_finalize(s);
    return n;
}

int fuzz_roster_one(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024)
        return 0;
    store *st = roster_store();
    char *report = NULL;
    size_t report_len = 0;
    FILE *rep = open_memstream(&report, &report_len);
    if (!rep)
        return 0;
    roster_stats stats;
    lk_status ls = roster_import(st, (const char *)data, size, size % 2 ? NULL : "00aa", rep,
                                 &stats);
    fclose(rep);
    for (size_t i = 0; i < report_len; i++)
        if ((unsigned char)report[i] >= 0x7f ||
            ((unsigned char)report[i] < 0x20 && report[i] != '\n'))
            abort(); /* the report copied bytes of the file */
    free(report);
    if (ls != LK_OK && ls != LK_ERR_INVALID)
        abort();
    if (stats.imported != stats.inserted + stats.updated)
        abort();
    sqlite3 *db = store_db(st);
    size_t rows = roster_check_rows(db);
    if (rows != stats.inserted || (ls != LK_OK && rows != 0))
        abort();
    if (sqlite3_exec(db, "DELETE FROM roster", NULL, NULL, NULL) != SQLITE_OK)
        abort();
    return 0;
}

#ifndef LK_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_roster_one(data, size);
}
#endif
