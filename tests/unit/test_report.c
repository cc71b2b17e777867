/* Tests of the reports: counts per event, kind, student and competency, the event
 * filter, CSV quoting (including defused spreadsheet formulas), an empty store and
 * bad arguments. The store is filled through its public API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/report.h"
#include "lobkiosk/util.h"

#define MIN_MS 60000LL
#define T0 1795852800000LL

typedef struct fixture {
    char dir[64];
    store *st;
    config *cfg;
} fixture;

static void add_event(config *cfg, const char *id, const char *title, const char *kind)
{
    config_event *ev = &cfg->events[cfg->n_events++];
    lk_strlcpy(ev->id, id, sizeof ev->id);
    lk_strlcpy(ev->title, title, sizeof ev->title);
    lk_strlcpy(ev->kind, kind, sizeof ev->kind);
}

static int64_t checkin(store *st, const char *event, const char *subject, int64_t in_ms,
                       int64_t out_ms)
{
    store_experience e;
    memset(&e, 0, sizeof e);
    lk_strlcpy(e.event_id, event, sizeof e.event_id);
    lk_strlcpy(e.issuer, "00AA", sizeof e.issuer);
    lk_strlcpy(e.subject, subject, sizeof e.subject);
    e.checkin_ms = in_ms;
    lk_uuid4(e.checkin_uuid, sizeof e.checkin_uuid);
    store_statement s = {.uuid = e.checkin_uuid, .kind = "checkin", .json = "{}"};
    assert_int_equal(store_record_checkin(st, &e, &s), LK_OK);
    if (out_ms) {
        char uuid[37];
        lk_uuid4(uuid, sizeof uuid);
        store_statement o = {.uuid = uuid, .kind = "checkout", .json = "{}"};
        assert_int_equal(store_record_checkout(st, e.id, out_ms, &o), LK_OK);
    }
    return e.id;
}

static void answer(store *st, int64_t exp_id, const char *competency, const char *response)
{
    char uuid[37];
    lk_uuid4(uuid, sizeof uuid);
    store_answer a = {.question_id = competency ? competency : "rating",
                      .competency = competency,
                      .response = response,
                      .answered_ms = T0,
                      .stmt = {.uuid = uuid, .kind = "answer", .json = "{}"}};
    assert_int_equal(store_record_answers(st, exp_id, &a, 1), LK_OK);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/lk-report-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char path[128];
    snprintf(path, sizeof path, "%s/%s", f->dir, LK_DB_FILE);
    assert_int_equal(store_open(path, &f->st, NULL, 0), LK_OK);
    f->cfg = calloc(1, sizeof *f->cfg);
    assert_non_null(f->cfg);
    config_defaults(f->cfg);
    add_event(f->cfg, "OPEN1", "Open dag Techniek", "open_day");
    add_event(f->cfg, "STAGE1", "=HYPERLINK(\"x\"), \"stage\"", "internship_day");
    assert_int_equal(store_sync_events(f->st, f->cfg), LK_OK);
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
    free(f->cfg);
    free(f);
    return rc;
}

/* Runs the report into a heap string (free it). */
static char *run(fixture *f, const char *event, report_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(report_write(f->st, event, fmt, out), LK_OK);
    fclose(out);
    return buf;
}

static void fill(fixture *f)
{
    int64_t a = checkin(f->st, "OPEN1", "1001", T0, 0);
    checkin(f->st, "OPEN1", "1002", T0 + 1000, 0);
    checkin(f->st, "OPEN1", "1003", T0 + 2000, 0);
    checkin(f->st, "STAGE1", "1001", T0, T0 + 90 * MIN_MS);
    checkin(f->st, "STAGE1", "1002", T0, T0 + 30 * MIN_MS);
    checkin(f->st, "STAGE1", "1004", T0, 0);
    checkin(f->st, "GONE", "1004", T0 - 1, 0); /* event no longer in kiosk.ini */
    answer(f->st, a, NULL, "4");
    answer(f->st, a, "qualities", "samenwerken");
    answer(f->st, a, "motives", "ja");
    store_person p = {.issuer = "00AA", .subject = "1001", .first_name = "Daan", .group = "3B"};
    assert_int_equal(store_roster_upsert(f->st, &p, NULL), LK_OK);
    assert_int_equal(store_count_refusal(f->st, LK_REASON_EXPIRED, 20261128), LK_OK);
    assert_int_equal(store_count_refusal(f->st, LK_REASON_EXPIRED, 20261129), LK_OK);
}

static void test_csv_rows(void **state)
{
    fixture *f = *state;
    fill(f);
    char *csv = run(f, NULL, REPORT_CSV);
    const char *header = "section,event,title,kind,issuer,subject,group,competency,reason,"
                         "count,checkouts,students,minutes\n";
    const char *want[] = {
        header,
        "event,OPEN1,Open dag Techniek,open_day,,,,,,3,0,3,\n",
        /* a title that looks like a formula is quoted and defused */
        "event,STAGE1,\"'=HYPERLINK(\"\"x\"\"), \"\"stage\"\"\",internship_day,,,,,,3,2,3,60\n",
        "event,GONE,,other,,,,,,1,0,1,\n",
        "kind,,,internship_day,,,,,,3,,3,\n",
        "kind,,,open_day,,,,,,3,,3,\n",
        "kind,,,other,,,,,,1,,1,\n",
        "student,,,,00AA,1001,3B,,,2,1,,90\n",
        "student,,,,00AA,1002,,,,2,1,,30\n",
        "student,,,,00AA,1004,,,,2,0,,0\n",
        "competency,,,,,,,motives,,1,,1,\n",
        "competency,,,,,,,overall,,1,,1,\n",
        "competency,,,,,,,qualities,,1,,1,\n",
        "refusal,,,,,,,,expired,2,,,\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(csv, want[i]))
            fail_msg("CSV lacks row %zu: %s\n--- got:\n%s", i, want[i], csv);
    assert_true(strncmp(csv, want[0], strlen(want[0])) == 0);
    assert_null(strstr(csv, "Daan"));
    free(csv);
}

static void test_text_and_filter(void **state)
{
    fixture *f = *state;
    fill(f);
    char *text = run(f, NULL, REPORT_TEXT);
    assert_non_null(strstr(text, "Total: 7 check-ins by 4 students at 3 events"));
    assert_non_null(strstr(text, "Answers per competency"));
    assert_non_null(strstr(text, "qualities"));
    assert_null(strstr(text, "Daan"));
    assert_null(strstr(text, "samenwerken")); /* responses are not listed */
    free(text);

    text = run(f, "OPEN1", REPORT_TEXT);
    assert_non_null(strstr(text, "Total: 3 check-ins by 3 students at 1 events"));
    assert_null(strstr(text, "STAGE1"));
    assert_null(strstr(text, "Refused")); /* refusals have no event */
    free(text);

    char *csv = run(f, "STAGE1", REPORT_CSV);
    assert_null(strstr(csv, "OPEN1"));
    assert_non_null(strstr(csv, "student,,,,00AA,1001,3B,,,1,1,,90\n"));
    assert_null(strstr(csv, "\ncompetency,")); /* the answers were at OPEN1 */
    free(csv);

    /* A filter that matches nothing, and one made of SQL. */
    text = run(f, "NOPE' OR '1'='1", REPORT_TEXT);
    assert_non_null(strstr(text, "Total: 0 check-ins"));
    free(text);
}

static void test_empty_store_and_arguments(void **state)
{
    fixture *f = *state;
    char *text = run(f, NULL, REPORT_TEXT);
    assert_non_null(strstr(text, "Total: 0 check-ins by 0 students at 0 events"));
    assert_null(strstr(text, "Check-ins per event"));
    free(text);
    char *csv = run(f, "", REPORT_CSV);
    char want[256];
    snprintf(want, sizeof want, "%s\n", report_csv_header());
    assert_string_equal(csv, want);
    free(csv);
    assert_int_equal(report_write(NULL, NULL, REPORT_TEXT, stdout), LK_ERR_INVALID);
    assert_int_equal(report_write(f->st, NULL, REPORT_TEXT, NULL), LK_ERR_INVALID);
    assert_int_equal(report_write(f->st, NULL, (report_format)7, stdout), LK_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_csv_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_and_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_store_and_arguments, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
