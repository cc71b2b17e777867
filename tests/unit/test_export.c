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

#include "lobkiosk/export.h"
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
    json_t *j = json_pack("{s:s, s:{s:{s:s,s:s}}, s:{s:s}, s:{s:s}}", "id", e.checkin_uuid,
                          "actor", "account", "homePage", "https://s.example/", "name", subject,
                          "object", "id", "https://a.example/events/EV1", "result", "response",
                          response);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_csv_jsonl_xapi),
        cmocka_unit_test(test_to_usb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
