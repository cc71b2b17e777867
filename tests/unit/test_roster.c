/* Tests of the roster import: the CSV files in tests/data (good, semicolon + BOM +
 * CRLF, issuer column, hostile), header aliases, quoting, re-imports, the default
 * issuer rule, and random bytes that must never crash the reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/roster.h"
#include "lobkiosk/util.h"

typedef struct fixture {
    char dir[64];
    store *st;
    char *report; /* what the import said about bad rows */
    size_t report_len;
    FILE *out; /* memstream behind report */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/lk-roster-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char path[128];
    snprintf(path, sizeof path, "%s/%s", f->dir, LK_DB_FILE);
    assert_int_equal(store_open(path, &f->st, NULL, 0), LK_OK);
    f->out = open_memstream(&f->report, &f->report_len);
    assert_non_null(f->out);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    fclose(f->out);
    free(f->report);
    store_close(f->st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    int rc = system(cmd);
    free(f);
    return rc;
}

static const char *report(fixture *f)
{
    fflush(f->out);
    return f->report ? f->report : "";
}

static int64_t rows(store *st)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(st), "SELECT count(*) FROM roster", -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static void assert_person(store *st, const char *issuer, const char *subject, const char *first,
                          const char *group)
{
    store_person p;
    assert_int_equal(store_roster_find(st, issuer, subject, &p), LK_OK);
    assert_string_equal(p.first_name, first);
    assert_string_equal(p.group, group);
}

static lk_status import_text(fixture *f, const char *text, const char *issuer, roster_stats *s)
{
    return roster_import(f->st, text, strlen(text), issuer, f->out, s);
}

static void test_good_file_and_reimport(void **state)
{
    fixture *f = *state;
    roster_stats s;
    assert_int_equal(roster_import_file(f->st, "tests/data/roster-good.csv", "00AA", f->out, &s),
                     LK_OK);
    assert_int_equal(s.imported, 6);
    assert_int_equal(s.inserted, 6);
    assert_int_equal(s.updated, 0);
    assert_int_equal(s.skipped, 0);
    assert_string_equal(report(f), "");
    assert_person(f->st, "00AA", "1001", "Daan", "3B");
    assert_person(f->st, "00AA", "1002", "Zoë", "3B");
    assert_person(f->st, "00AA", "1003", "Anna, Maria", "4A");
    assert_person(f->st, "00AA", "1004", "Noah \"Noor\"", "4A");
    assert_person(f->st, "00AA", "1005", "Sem", "");

    /* Again: every row updates, none is duplicated. */
    assert_int_equal(roster_import_file(f->st, "tests/data/roster-good.csv", "00AA", f->out, &s),
                     LK_OK);
    assert_int_equal(s.imported, 6);
    assert_int_equal(s.inserted, 0);
    assert_int_equal(s.updated, 6);
    assert_int_equal(rows(f->st), 6);
}

static void test_semicolon_bom_crlf(void **state)
{
    fixture *f = *state;
    roster_stats s;
    assert_int_equal(
        roster_import_file(f->st, "tests/data/roster-semicolon-bom-crlf.csv", "00AA", f->out, &s),
        LK_OK);
    assert_int_equal(s.imported, 4);
    assert_int_equal(s.skipped, 0);
    /* "Roepnaam" beats "Voornaam"; no CR left on the last column. */
    assert_person(f->st, "00AA", "2001", "Fleur", "H3A");
    assert_person(f->st, "00AA", "2003", "Bram", "V4B");
    assert_person(f->st, "00AA", "1001", "Daan", "3B");
}

static void test_issuer_column(void **state)
{
    fixture *f = *state;
    roster_stats s;
    /* Without a default, the row with an empty issuer cell is skipped. */
    assert_int_equal(
        roster_import_file(f->st, "tests/data/roster-issuer-column.csv", NULL, f->out, &s), LK_OK);
    assert_int_equal(s.imported, 2);
    assert_int_equal(s.skipped, 2);
    assert_person(f->st, "11BB", "4002", "Jesse", "5H");
    assert_non_null(strstr(report(f), "line 4: no issuer"));
    assert_non_null(strstr(report(f), "line 5: invalid issuer"));
    /* With one, the empty cell takes it. */
    assert_int_equal(
        roster_import_file(f->st, "tests/data/roster-issuer-column.csv", "00AA", f->out, &s),
        LK_OK);
    assert_int_equal(s.imported, 3);
    assert_int_equal(s.updated, 2);
    assert_person(f->st, "00AA", "4003", "Kees", "5H");
}

static void test_hostile_file(void **state)
{
    fixture *f = *state;
    roster_stats s;
    assert_int_equal(roster_import_file(f->st, "tests/data/roster-hostile.csv", "00AA", f->out, &s),
                     LK_OK);
    assert_int_equal(s.imported, 3);
    assert_int_equal(s.skipped, 18);
    assert_person(f->st, "00AA", "3001", "Eva", "1A");
    assert_person(f->st, "00AA", "3015", "Julia", "1A");
    assert_person(f->st, "00AA", "3019", "Yara", "1A");
    const char *r = report(f);
    const char *want[] = {"line 3: a value that starts like a spreadsheet formula",
                          "line 6: empty first name",
                          "line 7: invalid subject",
                          "line 8: text that is not UTF-8",
                          "line 9: a NUL byte",
                          "line 10: 4 fields where the header has 3",
                          "line 12: a field is too long",
                          "line 13: text after a closing quote",
                          "line 14: a quote inside",
                          "line 19: first name too long",
                          "line 20: a control character",
                          "line 21: a control character"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(r, want[i]))
            fail_msg("report lacks '%s':\n%s", want[i], r);
    /* Bad rows are named by line, never by their content. */
    assert_null(strstr(r, "calc"));
    assert_null(strstr(r, "Sara"));
    assert_null(strstr(r, "XXXX"));
}

static void test_quoting_and_aliases(void **state)
{
    fixture *f = *state;
    roster_stats s;
    assert_int_equal(import_text(f,
                                 " Leerling nummer ,VOORNAAM,Groep\n"
                                 "abc1,\"Ann\nie\",1A\n" /* newline in quotes */
                                 "\"5001\",\"\",1A\n"    /* empty quoted name */
                                 "5002,\"Kim\",\"\"\n"   /* empty quoted group */
                                 "5003 , Lo ,  2B \n"    /* spaces trimmed */
                                 "5004,\"Ti\"\"m\"\n"    /* too few fields */
                                 "5005,\"Open",          /* quote never closed */
                                 "00AA", &s),
                     LK_OK);
    assert_int_equal(s.imported, 2);
    assert_int_equal(s.skipped, 4);
    assert_person(f->st, "00AA", "5002", "Kim", "");
    assert_person(f->st, "00AA", "5003", "Lo", "2B");
    store_person p;
    assert_int_equal(store_roster_find(f->st, "00AA", "ABC1", &p), LK_ERR_NOT_FOUND);
    const char *r = report(f);
    assert_non_null(strstr(r, "line 2: a control character"));
    assert_non_null(strstr(r, "line 4: empty first name"));
    assert_non_null(strstr(r, "line 7: 2 fields"));
    assert_non_null(strstr(r, "line 8: a quote is not closed"));

    /* Lower-case subjects are raised; a lone CR ends no line but is data. */
    assert_int_equal(import_text(f, "id;first_name\r\nab12;Ivo\r\n", "00AA", &s), LK_OK);
    assert_person(f->st, "00AA", "AB12", "Ivo", "");
}

static void test_bad_headers_and_arguments(void **state)
{
    fixture *f = *state;
    roster_stats s = {.imported = 99};
    assert_int_equal(import_text(f, "", "00AA", &s), LK_ERR_INVALID);
    assert_int_equal(s.imported, 0);
    assert_int_equal(import_text(f, "\xEF\xBB\xBF", "00AA", &s), LK_ERR_INVALID);
    assert_int_equal(import_text(f, "\n\n\n", "00AA", &s), LK_ERR_INVALID);
    assert_int_equal(import_text(f, "name,class\nJan,1A\n", "00AA", &s), LK_ERR_INVALID);
    assert_int_equal(import_text(f, "subject\n1001\n", "00AA", &s), LK_ERR_INVALID);
    assert_int_equal(import_text(f, "subject,\"first_name\n1001,Jan\n", "00AA", &s),
                     LK_ERR_INVALID);
    /* No issuer anywhere. */
    assert_int_equal(import_text(f, "subject,first_name\n1001,Jan\n", NULL, &s), LK_ERR_INVALID);
    assert_int_equal(import_text(f, "subject,first_name\n1001,Jan\n", "", &s), LK_ERR_INVALID);
    assert_int_equal(import_text(f, "subject,first_name\n1001,Jan\n", "x", &s), LK_ERR_INVALID);
    assert_int_equal(import_text(f, "subject,first_name\n1001,Jan\n", "TOOLONGISSUER", &s),
                     LK_ERR_INVALID);
    assert_int_equal(rows(f->st), 0);
    assert_int_equal(roster_import(NULL, "a", 1, "00AA", NULL, &s), LK_ERR_INVALID);
    assert_int_equal(roster_import(f->st, NULL, 3, "00AA", NULL, &s), LK_ERR_INVALID);
    assert_int_equal(roster_import(f->st, "subject,first_name\n1,A\n", 23, "00aa", NULL, NULL),
                     LK_OK);
    assert_person(f->st, "00AA", "1", "A", "");
    assert_int_equal(roster_import_file(f->st, "tests/data/does-not-exist.csv", "00AA", NULL, &s),
                     LK_ERR_NOT_FOUND);
    assert_int_equal(roster_import_file(f->st, "tests/data", "00AA", NULL, &s), LK_ERR_INVALID);
    assert_int_equal(roster_import_file(f->st, NULL, "00AA", NULL, &s), LK_ERR_INVALID);
}

static void test_many_columns(void **state)
{
    fixture *f = *state;
    /* More columns than the reader keeps: the ones it needs come first. */
    char text[2048];
    size_t n = (size_t)snprintf(text, sizeof text, "subject,first_name");
    for (int i = 0; i < ROSTER_FIELDS_MAX + 8; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, ",x%d", i);
    n += (size_t)snprintf(text + n, sizeof text - n, "\n6001,Mees");
    for (int i = 0; i < ROSTER_FIELDS_MAX + 8; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, ",v");
    snprintf(text + n, sizeof text - n, "\n");
    roster_stats s;
    assert_int_equal(import_text(f, text, "00AA", &s), LK_OK);
    assert_int_equal(s.imported, 1);
    assert_person(f->st, "00AA", "6001", "Mees", "");
}

static void test_default_issuer(void **state)
{
    config *cfg = calloc(1, sizeof *cfg);
    assert_non_null(cfg);
    config_defaults(cfg);
    char code[16];
    assert_int_equal(roster_default_issuer(cfg, code, sizeof code), LK_ERR_NOT_FOUND);
    config_issuer *is = config_add_issuer(cfg, "00AA");
    assert_non_null(is);
    is->demo = true;
    /* A demo issuer only counts in a demo config. */
    assert_int_equal(roster_default_issuer(cfg, code, sizeof code), LK_ERR_NOT_FOUND);
    cfg->demo = true;
    assert_int_equal(roster_default_issuer(cfg, code, sizeof code), LK_OK);
    assert_string_equal(code, "00AA");
    assert_non_null(config_add_issuer(cfg, "11BB"));
    assert_int_equal(roster_default_issuer(cfg, code, sizeof code), LK_ERR_EXISTS);
    assert_int_equal(roster_default_issuer(NULL, code, sizeof code), LK_ERR_INVALID);
    assert_int_equal(roster_default_issuer(cfg, NULL, 0), LK_ERR_INVALID);
    config_free(cfg);
    free(cfg);
}

/* Random bytes and mutations of a good file: never a crash, never a bad row stored. */
static void test_random_input(void **state)
{
    fixture *f = *state;
    srand(12345);
    const char *seed = "subject;first_name;group\n1001;\"Da\"\"an\";3B\r\n1002;Zo;4A\n";
    size_t seed_len = strlen(seed);
    char buf[512];
    for (int round = 0; round < 3000; round++) {
        size_t len;
        if (round % 2) {
            len = (size_t)(rand() % (int)sizeof buf);
            for (size_t i = 0; i < len; i++)
                buf[i] = (char)(rand() % 256);
        } else {
            memcpy(buf, seed, seed_len);
            len = seed_len;
            for (int k = 0; k < 4; k++)
                buf[rand() % (int)seed_len] = (char)(rand() % 256);
        }
        roster_stats s;
        lk_status ls = roster_import(f->st, buf, len, "00AA", NULL, &s);
        assert_true(ls == LK_OK || ls == LK_ERR_INVALID);
    }
    /* Whatever landed is a valid row. */
    sqlite3_stmt *s = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(store_db(f->st), "SELECT subject, first_name FROM roster", -1, &s, NULL),
        SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *subj = (const char *)sqlite3_column_text(s, 0);
        const char *name = (const char *)sqlite3_column_text(s, 1);
        assert_true(strlen(subj) >= 1 && strlen(subj) <= LK_SUBJECT_MAX);
        assert_true(strspn(subj, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == strlen(subj));
        assert_true(strlen(name) > 0);
        assert_null(strchr("=+-@", name[0]));
        for (const char *p = name; *p; p++)
            assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
    }
    sqlite3_finalize(s);
}

static void test_windows_1252(void **state)
{
    fixture *f = *state;
    roster_stats s;
    assert_int_equal(roster_import_file(f->st, "tests/data/roster-cp1252.csv", "00AA", f->out, &s),
                     LK_OK);
    assert_int_equal(s.imported, 7);
    assert_int_equal(s.skipped, 0);
    assert_string_equal(s.encoding, "Windows-1252 (Excel CSV)");
    assert_person(f->st, "00AA", "6001", "Zoë", "2A");
    assert_person(f->st, "00AA", "6002", "Noëlle", "2A");
    assert_person(f->st, "00AA", "6003", "Chloë", "2A");
    assert_person(f->st, "00AA", "6004", "Esmée", "2B");
    assert_person(f->st, "00AA", "6005", "Björn", "2B");
    assert_person(f->st, "00AA", "6006", "Renée", "2B");
    assert_person(f->st, "00AA", "6007", "François", "2B");
    /* The euro sign and curly quotes are Windows-1252, not Latin-1. */
    assert_int_equal(import_text(f, "id;voornaam\r\n6100;\x93Jo\x94 \x80\r\n", "00AA", &s), LK_OK);
    assert_person(f->st, "00AA", "6100", "\u201cJo\u201d \u20ac", "");
}

static void test_utf16_and_dutch_headers(void **state)
{
    fixture *f = *state;
    roster_stats s;
    assert_int_equal(roster_import_file(f->st, "tests/data/roster-utf16.txt", "00AA", f->out, &s),
                     LK_OK);
    assert_string_equal(s.encoding, "UTF-16 LE (Unicode text)");
    assert_int_equal(s.imported, 8);
    assert_person(f->st, "00AA", "7003", "Наталья", "H4A");
    assert_person(f->st, "00AA", "7005", "李明", "H4B");
    assert_person(f->st, "00AA", "7006", "Ngọc Ánh", "H4B");
    assert_person(f->st, "00AA", "7007", "محمد", "H4B");

    /* Big endian, with BOM; Stamnummer and Lesgroep in capitals. */
    const char be[] = "\xFE\xFF\0S\0T\0A\0M\0N\0U\0M\0M\0E\0R\0\t\0V\0o\0o\0r\0n\0a\0a\0m"
                      "\0\t\0L\0E\0S\0G\0R\0O\0E\0P\0\n\0009\0001\0\t\0E\0v\0a\0\t\0001\0A\0\n";
    assert_int_equal(roster_import(f->st, be, sizeof be - 1, "00AA", f->out, &s), LK_OK);
    assert_string_equal(s.encoding, "UTF-16 BE (Unicode text)");
    assert_int_equal(s.imported, 1);
    assert_person(f->st, "00AA", "91", "Eva", "1A");

    assert_int_equal(roster_import_file(f->st, "tests/data/roster-stamnr.csv", "00AA", f->out, &s),
                     LK_OK);
    assert_int_equal(s.imported, 3);
    assert_person(f->st, "00AA", "8001", "Daan", "3B");
    assert_person(f->st, "00AA", "8003", "Liam", "");
    /* "Stamnr." with a dot, "Leerling-nummer" with a dash. */
    assert_int_equal(import_text(f, "Stamnr.;Roepnaam\n8100;Ivo\n", "00AA", &s), LK_OK);
    assert_person(f->st, "00AA", "8100", "Ivo", "");
}

static void test_not_text_is_refused_with_line(void **state)
{
    fixture *f = *state;
    roster_stats s;
    /* 0x81 is not defined in Windows-1252, and the file is no UTF-8. */
    assert_int_equal(import_text(f, "id;voornaam\n6200;Zo\xEB\n6201;A\x81x\n", "00AA", &s),
                     LK_ERR_INVALID);
    assert_non_null(strstr(report(f), "line 3: the file is not text"));
    assert_int_equal(rows(f->st), 0);
    /* UTF-16 without a BOM: NUL bytes in the header. */
    const char nobom[] = "i\0d\0;\0n\0a\0m\0e\0\n\0";
    assert_int_equal(roster_import(f->st, nobom, sizeof nobom - 1, "00AA", f->out, &s),
                     LK_ERR_INVALID);
    assert_non_null(strstr(report(f), "line 1: the file is not text"));
    /* UTF-16 with an unpaired surrogate on line 2, and with an odd length. */
    const char bad16[] = "\xFF\xFEi\0d\0;\0n\0\n\0001\0;\0\x00\xD8x\0\n\0";
    assert_int_equal(roster_import(f->st, bad16, sizeof bad16 - 1, "00AA", f->out, &s),
                     LK_ERR_INVALID);
    assert_non_null(strstr(report(f), "line 2: the file is not text"));
    const char odd16[] = "\xFF\xFEi\0d\0\n\0x";
    assert_int_equal(roster_import(f->st, odd16, sizeof odd16 - 1, "00AA", f->out, &s),
                     LK_ERR_INVALID);
    assert_int_equal(rows(f->st), 0);
    /* Skipped rows are listed by line. */
    assert_int_equal(import_text(f, "id;voornaam\n1;A\n;B\n3;C\nx-;D\n", "00AA", &s), LK_OK);
    assert_int_equal(s.skipped, 2);
    assert_int_equal(s.skipped_lines[0], 3);
    assert_int_equal(s.skipped_lines[1], 5);
}

static void test_read_into_memory(void **state)
{
    (void)state;
    roster_row *r = NULL;
    size_t n = 0;
    roster_stats s;
    assert_int_equal(roster_read_file("tests/data/roster-cp1252.csv", "00aa", NULL, &r, &n, &s),
                     LK_OK);
    assert_int_equal(n, 7);
    assert_string_equal(r[0].person.first_name, "Zoë");
    assert_string_equal(r[0].person.issuer, "00AA");
    assert_int_equal(r[0].line, 2);
    free(r);
    /* A subject twice keeps its last row. */
    const char *t = "id,voornaam,klas\n1,A,1A\n2,B,1A\n1,C,1B\n";
    assert_int_equal(roster_read(t, strlen(t), "00AA", NULL, &r, &n, &s), LK_OK);
    assert_int_equal(n, 2);
    assert_string_equal(r[0].person.first_name, "C");
    assert_int_equal(r[0].line, 4);
    free(r);
    assert_int_equal(roster_read("x", 1, "00AA", NULL, &r, &n, &s), LK_ERR_INVALID);
    assert_null(r);
    assert_int_equal(n, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_good_file_and_reimport),
        T(test_semicolon_bom_crlf),
        T(test_issuer_column),
        T(test_hostile_file),
        T(test_quoting_and_aliases),
        T(test_bad_headers_and_arguments),
        T(test_many_columns),
        cmocka_unit_test(test_default_issuer),
        T(test_random_input),
        T(test_windows_1252),
        T(test_utf16_and_dutch_headers),
        T(test_not_text_is_refused_with_line),
        cmocka_unit_test(test_read_into_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
