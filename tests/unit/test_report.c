/* Tests of the reports: counts per event, kind, student and competency, the event
 * filter, CSV quoting (including defused spreadsheet formulas), an empty store and
 * bad arguments. The store is filled through its public API. The merged report
 * (several kiosks' exports) is fed small statement sets from memory: two kiosks
 * seeing one student, duplicates, voiding, export rows and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
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
static char *run_f(fixture *f, const report_filter *flt, report_format fmt, bool without)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    lk_status ls = without ? report_write_without(f->st, f->cfg, flt, fmt, out)
                           : report_write(f->st, f->cfg, flt, fmt, out);
    assert_int_equal(ls, LK_OK);
    fclose(out);
    return buf;
}

static void ans(store *st, int64_t exp_id, const char *qid, const char *competency,
                const char *response)
{
    char uuid[37];
    lk_uuid4(uuid, sizeof uuid);
    store_answer a = {.question_id = qid,
                      .competency = competency,
                      .response = response,
                      .answered_ms = T0,
                      .stmt = {.uuid = uuid, .kind = "answer", .json = "{}"}};
    assert_int_equal(store_record_answers(st, exp_id, &a, 1), LK_OK);
}

static void person(store *st, const char *subject, const char *first, const char *group)
{
    store_person p = {.issuer = "00AA"};
    lk_strlcpy(p.subject, subject, sizeof p.subject);
    lk_strlcpy(p.first_name, first, sizeof p.first_name);
    lk_strlcpy(p.group, group, sizeof p.group);
    assert_int_equal(store_roster_upsert(st, &p, NULL), LK_OK);
}

/* The seeded school with known answers: 3B (Daan, Zoë, and Sem who only had refused
 * scans), 4A (Anna, who never reflects, and Noor), a student not on the roster; an
 * open day expecting 3B and 4A; an internship day expecting 3B where Daan stayed
 * 6 h 15 min (confirmed by the host) and Zoë never checked out. */
static void seed(fixture *f)
{
    config_event *open = &f->cfg->events[0], *stage = &f->cfg->events[1];
    lk_strlcpy(open->host, "Testcollege", sizeof open->host);
    lk_strlcpy(open->expected_groups, "3B, 4A", sizeof open->expected_groups);
    lk_strlcpy(stage->title, "Meeloopdag", sizeof stage->title);
    lk_strlcpy(stage->host, "Bouwbedrijf De Vries", sizeof stage->host);
    lk_strlcpy(stage->expected_groups, "3B", sizeof stage->expected_groups);
    stage->mode = CONFIG_MODE_CHECKIN_CHECKOUT;
    open->start_ms = stage->start_ms = T0 - 3600000;
    open->end_ms = stage->end_ms = T0 + 8 * 3600000;
    lk_strlcpy(f->cfg->assets_dir, "assets", sizeof f->cfg->assets_dir);
    assert_int_equal(store_sync_events(f->st, f->cfg), LK_OK);
    person(f->st, "1001", "Daan", "3B");
    person(f->st, "1002", "Zoë", "3B");
    person(f->st, "1005", "Sem", "3B");
    person(f->st, "1003", "Anna", "4A");
    person(f->st, "1004", "Noor", "4A");
    int64_t d1 = checkin(f->st, "OPEN1", "1001", T0, 0);
    int64_t z1 = checkin(f->st, "OPEN1", "1002", T0 + 1000, 0);
    checkin(f->st, "OPEN1", "1003", T0 + 3600000, 0);
    checkin(f->st, "OPEN1", "9999", T0 + 3600000, 0);
    int64_t d2 = checkin(f->st, "STAGE1", "1001", T0, T0 + 375 * MIN_MS);
    checkin(f->st, "STAGE1", "1002", T0, 0);
    ans(f->st, d1, "overall", NULL, "4");
    ans(f->st, d1, "qualities", "qualities", "samenwerken");
    ans(f->st, d1, "motives", "motives", "ja");
    ans(f->st, z1, "networking", "networking", "ja");
    ans(f->st, z1, "note", NULL, "Ik vond het =leuk");
    char uuid[37];
    lk_uuid4(uuid, sizeof uuid);
    store_statement cs = {.uuid = uuid, .kind = "confirmation", .json = "{}"};
    assert_int_equal(store_record_confirmation(f->st, d2, "00AA", "H1", T0 + 60000, &cs), LK_OK);
    assert_int_equal(store_count_refusal(f->st, LK_REASON_EXPIRED, lk_local_yyyymmdd(T0)), LK_OK);
    assert_int_equal(store_count_refusal(f->st, LK_REASON_EXPIRED, lk_local_yyyymmdd(T0)), LK_OK);
}

/* The table as "a|b|c\n" lines. */
static char *flat(fixture *f, const report_filter *flt, report_table_id id)
{
    report_table t;
    assert_int_equal(report_table_get(f->st, f->cfg, flt, id, &t), LK_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    for (size_t r = 0; r < t.rows; r++)
        for (size_t c = 0; c < t.cols; c++)
            fprintf(out, "%s%s", report_cell(&t, r, c), c + 1 == t.cols ? "\n" : "|");
    fclose(out);
    report_table_free(&t);
    return buf ? buf : strdup("");
}

static void expect_table(fixture *f, const report_filter *flt, report_table_id id, const char *want)
{
    char *got = flat(f, flt, id);
    if (strcmp(got, want) != 0)
        fail_msg("table %d:\n--- got:\n%s--- want:\n%s", (int)id, got, want);
    free(got);
}

static void test_known_answers(void **state)
{
    fixture *f = *state;
    seed(f);
    expect_table(f, NULL, REPORT_T_STUDENTS,
                 "00AA|9999|||1|0,00|0|0|0|0|0|0|0|0|0|1|0|0|0|0|0\n"
                 "00AA|1001|Daan|3B|2|6,25|0|1|0|3|1|1|0|0|0|1|0|0|0|1|0\n"
                 "00AA|1005|Sem|3B|0|0,00|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
                 "00AA|1002|Zoë|3B|2|0,00|1|0|0|2|0|0|0|0|1|1|0|0|0|1|0\n"
                 "00AA|1003|Anna|4A|1|0,00|0|0|0|0|0|0|0|0|0|1|0|0|0|0|0\n"
                 "00AA|1004|Noor|4A|0|0,00|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n");
    expect_table(f, NULL, REPORT_T_GROUPS,
                 "3B|3|2|1|4|6,25|5|1|1|0|0|1\n"
                 "4A|2|1|1|1|0,00|0|0|0|0|0|0\n"
                 "-|1|1|0|1|0,00|0|0|0|0|0|0\n");
    char *ev = flat(f, NULL, REPORT_T_EVENTS);
    assert_non_null(strstr(ev, "OPEN1|"));
    assert_non_null(strstr(ev, "|open_day|Testcollege|4|0|5|3|2|0|0,00|Open dag Techniek\n"));
    assert_non_null(strstr(ev, "|internship_day|Bouwbedrijf De Vries|2|0|3|2|1|1|6,25|Meeloopdag\n"));
    free(ev);
    expect_table(f, NULL, REPORT_T_MISSING,
                 "OPEN1|00AA|1005|Sem|3B\n"
                 "OPEN1|00AA|1004|Noor|4A\n"
                 "STAGE1|00AA|1005|Sem|3B\n");
    expect_table(f, NULL, REPORT_T_HOSTS,
                 "Bouwbedrijf De Vries|2|2|1|6,25|1\n"
                 "Testcollege|4|4|1|0,00|0\n");
    expect_table(f, NULL, REPORT_T_KINDS, "internship_day|2|2|6,25\nopen_day|4|4|0,00\n");
    expect_table(f, NULL, REPORT_T_COMPETENCIES,
                 "kwaliteitenreflectie|1|1\nmotievenreflectie|1|1\nwerkexploratie|0|0\n"
                 "loopbaansturing|0|0\nnetwerken|1|1\nalgemeen|2|2\n");
    /* Labels, not ids; the written note only counted. */
    expect_table(f, NULL, REPORT_T_ANSWERS,
                 "algemeen|Wat had je eraan?|Veel aan gehad|1\n"
                 "kwaliteitenreflectie|Waar was je goed in?|Samenwerken|1\n"
                 "motievenreflectie|Past dit bij wat jij wilt?|Ja|1\n"
                 "netwerken|Heb je iemand gesproken die je verder kan helpen?|Ja, even kort|1\n"
                 "|(geschreven tekst)|(niet getoond)|1\n");
    expect_table(f, NULL, REPORT_T_REFUSALS, "expired|2\n");
    expect_table(f, NULL, REPORT_T_WITHOUT, "00AA|1005|Sem|3B\n00AA|1004|Noor|4A\n");
    char *hours = flat(f, NULL, REPORT_T_HOURS);
    assert_non_null(strstr(hours, "OPEN1|"));
    free(hours);
}

static void test_filters(void **state)
{
    fixture *f = *state;
    seed(f);
    /* One group: the others' students and events' counts leave. */
    report_filter g = {.group = "4A"};
    expect_table(f, &g, REPORT_T_STUDENTS,
                 "00AA|1003|Anna|4A|1|0,00|0|0|0|0|0|0|0|0|0|1|0|0|0|0|0\n"
                 "00AA|1004|Noor|4A|0|0,00|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n");
    expect_table(f, &g, REPORT_T_MISSING, "OPEN1|00AA|1004|Noor|4A\n");
    /* One event: Zoë's and Daan's internship day is not counted. */
    report_filter e = {.event_id = "STAGE1"};
    expect_table(f, &e, REPORT_T_KINDS, "internship_day|2|2|6,25\n");
    expect_table(f, &e, REPORT_T_WITHOUT,
                 "00AA|1005|Sem|3B\n00AA|1003|Anna|4A\n00AA|1004|Noor|4A\n");
    /* A period after the events: every roster student has none, no refusals. */
    report_filter later = {.since_ms = T0 + 86400000LL};
    expect_table(f, &later, REPORT_T_KINDS, "");
    expect_table(f, &later, REPORT_T_REFUSALS, "");
    char *w = flat(f, &later, REPORT_T_WITHOUT);
    assert_int_equal(strlen(w) > 0, 1);
    assert_non_null(strstr(w, "Daan"));
    free(w);
    /* A period that ends before the second hour of the open day. */
    report_filter early = {.until_ms = T0 + 1800000};
    expect_table(f, &early, REPORT_T_KINDS, "internship_day|2|2|6,25\nopen_day|2|2|0,00\n");
    /* A filter made of SQL finds nothing. */
    report_filter evil = {.event_id = "NOPE' OR '1'='1", .group = "x' OR 1=1 --"};
    expect_table(f, &evil, REPORT_T_KINDS, "");
    expect_table(f, &evil, REPORT_T_STUDENTS, "");
}

static void test_csv_and_text(void **state)
{
    fixture *f = *state;
    seed(f);
    char *csv = run_f(f, NULL, REPORT_CSV, false);
    assert_true(strncmp(csv, "\xEF\xBB\xBF\"section\";\"issuer\";\"subject\";\"first_name\"", 42) ==
                0);
    assert_non_null(strstr(csv, "\"student\";\"00AA\";\"1001\";\"Daan\";\"3B\";\"2\";\"6,25\";"));
    assert_non_null(strstr(csv, "\r\n\"section\";\"group\";\"students\";"));
    assert_non_null(strstr(csv, "\"without_experience\";\"00AA\";\"1004\";\"Noor\";\"4A\"\r\n"));
    assert_non_null(strstr(csv, "\"netwerken\""));
    assert_null(strstr(csv, "networking"));
    assert_null(strstr(csv, "Ik vond"));
    for (const char *p = csv; (p = strchr(p, '\n')); p++)
        assert_int_equal(p[-1], '\r');
    free(csv);

    /* Text: a long subject or name never moves the next column. */
    person(f->st, "ABCDEFGHIJKLMNOP", "Maximiliaan-Alexander", "3B");
    char *text = run_f(f, NULL, REPORT_TEXT, false);
    const char *a = strstr(text, "  00AA   1001         Daan           3B    ");
    const char *b = strstr(text, "  00AA   ABCDEFGHIJK~ Maximiliaan-A~ 3B    ");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(strstr(text, "Nog geen ervaring (3)"));
    free(text);

    text = run_f(f, NULL, REPORT_TEXT, true);
    assert_non_null(strstr(text, "Nog geen ervaring (3)\n"));
    assert_non_null(strstr(text, "Sem"));
    assert_null(strstr(text, "Daan"));
    free(text);
}

static void test_empty_roster_and_arguments(void **state)
{
    fixture *f = *state;
    /* No roster, no check-ins: every section is there and empty. */
    char *text = run_f(f, NULL, REPORT_TEXT, false);
    assert_non_null(strstr(text, "Per student (0)"));
    assert_non_null(strstr(text, "Nog geen ervaring (0)"));
    free(text);
    checkin(f->st, "OPEN1", "1001", T0, 0);
    expect_table(f, NULL, REPORT_T_STUDENTS, "00AA|1001|||1|0,00|0|0|0|0|0|0|0|0|0|1|0|0|0|0|0\n");
    expect_table(f, NULL, REPORT_T_WITHOUT, "");
    report_filter none = {0};
    assert_int_equal(report_write(NULL, f->cfg, &none, REPORT_TEXT, stdout), LK_ERR_INVALID);
    assert_int_equal(report_write(f->st, f->cfg, &none, REPORT_TEXT, NULL), LK_ERR_INVALID);
    assert_int_equal(report_write(f->st, f->cfg, &none, (report_format)7, stdout), LK_ERR_INVALID);
    report_table t;
    assert_int_equal(report_table_get(f->st, NULL, NULL, REPORT_T_COUNT, &t), LK_ERR_INVALID);
    report_table_free(&t);
    assert_string_equal(report_competency_name("work_exploration"), "werkexploratie");
    assert_string_equal(report_competency_name(NULL), "algemeen");
}

/* --- the merged report over exports ------------------------------------------------ */

#define HOME "https://school.example.nl/"
#define BASE "https://w3id.org/xapi/lob/kiosk/"
#define OPEN_DAY "https://w3id.org/xapi/lob/activity-types/open-day"

/* A statement as the kiosk writes it (docs/xapi-profile.md), reduced to what the
 * report reads. verb: "attended", "left", "answered"; n is the last digits of its id. */
static char *statement(int n, const char *verb, const char *subject, const char *event,
                       const char *kiosk, const char *extra)
{
    const char *verb_iri = strcmp(verb, "left") == 0 ? "http://activitystrea.ms/leave"
                           : strcmp(verb, "answered") == 0
                               ? "http://adlnet.gov/expapi/verbs/answered"
                               : "http://adlnet.gov/expapi/verbs/attended";
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fprintf(f,
            "{\"id\":\"00000000-0000-4000-8000-%012d\","
            "\"actor\":{\"objectType\":\"Agent\",\"account\":{\"homePage\":\"" HOME "\","
            "\"name\":\"%s\"}},\"verb\":{\"id\":\"%s\"},",
            n, subject, verb_iri);
    if (strcmp(verb, "answered") == 0)
        fprintf(f,
                "\"object\":{\"id\":\"" BASE "questions/default/q1\"},"
                "\"result\":{\"response\":\"4\"},"
                "\"context\":{\"contextActivities\":{\"parent\":[{\"id\":\"" BASE "events/%s\","
                "\"definition\":{\"type\":\"" OPEN_DAY "\"}}]},"
                "\"extensions\":{\"https://w3id.org/xapi/lob/extensions/kiosk\":\"%s\","
                "\"https://w3id.org/xapi/lob/extensions/competency\":"
                "\"https://w3id.org/xapi/lob/competencies/work-exploration\"}}",
                event, kiosk);
    else
        fprintf(f,
                "\"object\":{\"objectType\":\"Activity\",\"id\":\"" BASE "events/%s\","
                "\"definition\":{\"name\":{\"nl-NL\":\"Open dag %s\"},\"type\":\"" OPEN_DAY "\"}},"
                "\"context\":{\"extensions\":"
                "{\"https://w3id.org/xapi/lob/extensions/kiosk\":\"%s\"}}",
                event, event, kiosk);
    fprintf(f, "%s}", extra ? extra : "");
    fclose(f);
    return buf;
}

/* The voiding statement a kiosk writes after forget: its own account voids target n. */
static char *voiding(int n, int target, const char *kiosk)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fprintf(f,
            "{\"id\":\"00000000-0000-4000-8000-%012d\",\"actor\":{\"objectType\":\"Agent\","
            "\"account\":{\"homePage\":\"" BASE "kiosks\",\"name\":\"%s\"}},"
            "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\"},"
            "\"object\":{\"objectType\":\"StatementRef\","
            "\"id\":\"00000000-0000-4000-8000-%012d\"}}",
            n, kiosk, target);
    fclose(f);
    return buf;
}

/* Joins the statements (each freed) as a JSON array (xapi export) or one a line. */
static char *join(bool array, char **items, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fputs(array ? "[\n" : "", f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s%s\n", items[i], array && i + 1 < n ? "," : "");
        free(items[i]);
    }
    fputs(array ? "]\n" : "", f);
    fclose(f);
    return buf;
}

/* Adds data (freed) as name; returns how many statements were left out. */
static size_t add(report_merge *m, const char *name, char *data, lk_status want)
{
    size_t skipped = 99;
    FILE *devnull = fopen("/dev/null", "w");
    assert_non_null(devnull);
    assert_int_equal(report_merge_add(m, name, data, strlen(data), devnull, &skipped), want);
    fclose(devnull);
    free(data);
    return skipped;
}

static char *merged(report_merge *m, const char *event, report_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(report_merge_write(m, event, fmt, out), LK_OK);
    fclose(out);
    return buf;
}

static void want_rows(const char *csv, const char *const *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strstr(csv, want[i]))
            fail_msg("merged CSV lacks row %zu: %s--- got:\n%s", i, want[i], csv);
}

/* 1001 checks in at both kiosks of OPEN1 (and out at the second after 90 minutes),
 * 1002 only at the first: two students, not three check-ins. */
static void test_merge_two_kiosks_count_once(void **state)
{
    (void)state;
    report_merge *m = report_merge_create();
    assert_non_null(m);
    char *k1[] = {statement(1, "attended", "1001", "OPEN1", "K1", NULL),
                  statement(2, "attended", "1002", "OPEN1", "K1", NULL),
                  statement(3, "answered", "1001", "OPEN1", "K1", NULL),
                  statement(4, "attended", "1001", "OPEN2", "K1", NULL)};
    char *k2[] = {
        statement(11, "attended", "1001", "OPEN1", "K2", NULL),
        statement(12, "left", "1001", "OPEN1", "K2", ",\"result\":{\"duration\":\"PT1H30M\"}"),
        /* the same question at the other kiosk of the same event: one answer */
        statement(13, "answered", "1001", "OPEN1", "K2", NULL)};
    assert_int_equal(add(m, "k1.json", join(true, k1, 4), LK_OK), 0);
    assert_int_equal(add(m, "k2.jsonl", join(false, k2, 3), LK_OK), 0);

    report_merge_stats st;
    assert_int_equal(report_merge_get_stats(m, &st), LK_OK);
    assert_int_equal(st.files, 2);
    assert_int_equal(st.statements, 7);
    assert_int_equal(st.duplicates, 0);
    assert_int_equal(st.voided, 0);
    assert_int_equal(st.kiosks, 2);

    char *csv = merged(m, NULL, REPORT_CSV);
    char header[512];
    snprintf(header, sizeof header, "%s\n", report_merge_csv_header());
    assert_true(strncmp(csv, header, strlen(header)) == 0);
    assert_non_null(strstr(header, "minutes,kiosk,kiosks,files\n"));
    const char *want[] = {
        "total,,,,,,,,,3,1,2,,,2,2\n",
        "event,OPEN1,Open dag OPEN1,open_day,,,,,,2,1,2,90,,2,\n",
        "event,OPEN2,Open dag OPEN2,open_day,,,,,,1,0,1,,,1,\n",
        "kind,,,open_day,,,,,,3,,2,,,,\n",
        "student,,,,https://school.example.nl/,1001,,,,2,1,,90,,,\n",
        "student,,,,https://school.example.nl/,1002,,,,1,0,,0,,,\n",
        "competency,,,,,,,work_exploration,,1,,1,,,,\n",
        "kiosk,,,,,,,,,4,,,,K1,,\n",
        "kiosk,,,,,,,,,3,,,,K2,,\n",
    };
    want_rows(csv, want, sizeof want / sizeof want[0]);
    free(csv);

    char *text = merged(m, "OPEN1", REPORT_TEXT);
    assert_non_null(strstr(text, "Total: 2 check-ins by 2 students at 1 events"));
    assert_non_null(strstr(text, "Merged: 2 files from 2 kiosks"));
    assert_null(strstr(text, "OPEN2 "));
    free(text);
    /* The event's activity IRI works as a filter too. */
    text = merged(m, BASE "events/OPEN2", REPORT_TEXT);
    assert_non_null(strstr(text, "Total: 1 check-ins by 1 students at 1 events"));
    free(text);
    report_merge_destroy(m);
}

/* The same export on the stick twice, and a kiosk's later export with a voiding
 * statement for 1002 (forgotten): 1002 no longer counts, nothing counts twice. */
static void test_merge_duplicates_and_voiding(void **state)
{
    (void)state;
    report_merge *m = report_merge_create();
    assert_non_null(m);
    for (int copy = 0; copy < 2; copy++) {
        char *k1[] = {statement(1, "attended", "1001", "OPEN1", "K1", NULL),
                      statement(2, "attended", "1002", "OPEN1", "K1", NULL),
                      statement(3, "attended", "1002", "OPEN2", "K1", NULL)};
        assert_int_equal(add(m, copy ? "copy.json" : "k1.json", join(true, k1, 3), LK_OK), 0);
    }
    /* the later export: the voiding statements and, again, a statement already seen
     * (ids are compared without regard to case) */
    char *later[] = {voiding(21, 2, "K1"), voiding(22, 3, "K1"),
                     statement(1, "attended", "1001", "OPEN1", "K1", NULL)};
    for (char *p = later[2]; *p; p++)
        if (*p == 'a')
            *p = 'A';
    assert_int_equal(add(m, "later.jsonl", join(false, later, 3), LK_OK), 0);
    /* A voiding statement for a statement nobody has is harmless. */
    char *stray[] = {voiding(23, 999, "K1")};
    assert_int_equal(add(m, "stray.json", join(true, stray, 1), LK_OK), 0);

    report_merge_stats st;
    assert_int_equal(report_merge_get_stats(m, &st), LK_OK);
    assert_int_equal(st.statements, 10);
    assert_int_equal(st.duplicates, 4);
    assert_int_equal(st.voided, 2);
    assert_int_equal(st.skipped, 0);

    char *csv = merged(m, NULL, REPORT_CSV);
    want_rows(csv,
              (const char *[]){"total,,,,,,,,,1,0,1,,,1,4\n",
                               "event,OPEN1,Open dag OPEN1,open_day,,,,,,1,0,1,,,1,\n"},
              2);
    assert_null(strstr(csv, ",1002,"));
    assert_null(strstr(csv, "OPEN2"));
    free(csv);
    report_merge_destroy(m);
}

/* Rows of export --format jsonl: no kiosk id and no activity type in them; the kind
 * is learnt from another kiosk's statement about the same event, else "unknown". */
static void test_merge_export_rows(void **state)
{
    (void)state;
    report_merge *m = report_merge_create();
    assert_non_null(m);
    char *rows = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&rows, &len);
    assert_non_null(f);
    static const char row[] =
        "{\"time\":\"2030-06-03 12:00:00\",\"kind\":\"%s\",\"account_home\":\"%s\","
        "\"account\":\"%s\",\"activity\":\"%s\",\"activity_name\":\"%s\",\"response\":\"\","
        "\"duration\":\"%s\",\"competency\":\"%s\","
        "\"statement_id\":\"00000000-0000-4000-8000-%012d\"}\r\n";
    fputs("\xEF\xBB\xBF", f);
    fprintf(f, row, "checkin", HOME, "1001", BASE "events/OPEN1", "Open dag", "", "", 31);
    fprintf(f, row, "checkout", HOME, "1001", BASE "events/OPEN1", "Open dag", "PT45M", "", 32);
    fprintf(f, row, "checkin", HOME, "1003", BASE "events/STAGE%201", "Stage", "", "", 33);
    fprintf(f, row, "answer", HOME, "1003", BASE "questions/default/q2", "", "", "motives", 34);
    fprintf(f, row, "voiding", BASE "kiosks", "K3", "00000000-0000-4000-8000-000000000031", "", "",
            "", 35);
    fputs("\n", f);
    fclose(f);
    assert_int_equal(add(m, "k3.jsonl", rows, LK_OK), 0);
    char *k1[] = {statement(1, "attended", "1001", "OPEN1", "K1", NULL)};
    assert_int_equal(add(m, "k1.json", join(true, k1, 1), LK_OK), 0);

    char *csv = merged(m, NULL, REPORT_CSV);
    const char *want[] = {
        /* 1001: K1's check-in and K3's check-out (K3's own check-in was voided) */
        "event,OPEN1,Open dag OPEN1,open_day,,,,,,1,1,1,45,,1,\n",
        /* percent-decoded as the kiosk encoded it; no type anywhere */
        "event,STAGE 1,Stage,unknown,,,,,,1,0,1,,,0,\n",
        "competency,,,,,,,motives,,1,,1,,,,\n",
        "kiosk,,,,,,,,,1,,,,K1,,\n",
        /* rows carry no kiosk id */
        "kiosk,,,,,,,,,3,,,,?,,\n",
    };
    want_rows(csv, want, sizeof want / sizeof want[0]);
    free(csv);
    report_merge_destroy(m);
}

/* Malformed statements are left out with the file and line or item named; files
 * that are no export at all are refused whole; the rest still counts. */
static void test_merge_malformed(void **state)
{
    (void)state;
    report_merge *m = report_merge_create();
    assert_non_null(m);
    char *diag = NULL;
    size_t dlen = 0;
    FILE *d = open_memstream(&diag, &dlen);
    assert_non_null(d);

    char *good = statement(1, "attended", "1001", "OPEN1", "K1", NULL);
    char *arr = NULL;
    size_t alen = 0;
    FILE *f = open_memstream(&arr, &alen);
    assert_non_null(f);
    fprintf(f,
            "[%s,\n 42,\n {\"id\":\"not-a-uuid\",\"verb\":{\"id\":\"x\"}},\n"
            " {\"id\":\"00000000-0000-4000-8000-000000000009\","
            "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/attended\"},"
            "\"object\":{\"id\":\"" BASE "events/OPEN1\"}},\n"
            " {\"id\":\"00000000-0000-4000-8000-000000000010\","
            "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\"},"
            "\"object\":{\"objectType\":\"Activity\",\"id\":\"x\"}}]",
            good);
    fclose(f);
    free(good);
    size_t skipped = 0;
    assert_int_equal(report_merge_add(m, "a.json", arr, alen, d, &skipped), LK_OK);
    assert_int_equal(skipped, 4);
    free(arr);

    static const char lines[] = "\n{\"id\": broken\n[1]\n"
                                "{\"statement_id\":\"00000000-0000-4000-8000-000000000002\","
                                "\"kind\":\"checkin\",\"account_home\":\"" HOME "\"}\n";
    assert_int_equal(report_merge_add(m, "b.jsonl", lines, strlen(lines), d, &skipped), LK_OK);
    assert_int_equal(skipped, 3);

    static const char csv_export[] = "\xEF\xBB\xBF\"time\";\"kind\"\r\n";
    assert_int_equal(report_merge_add(m, "c.csv", csv_export, strlen(csv_export), d, &skipped),
                     LK_ERR_INVALID);
    static const char cut[] = "[{\"id\":\"00000000-0000-4000-8000-000000000003\",\n";
    assert_int_equal(report_merge_add(m, "cut.json", cut, strlen(cut), d, &skipped),
                     LK_ERR_INVALID);
    assert_int_equal(report_merge_add(m, "empty.jsonl", "", 0, d, &skipped), LK_OK);
    assert_int_equal(report_merge_add_file(m, "/nonexistent/x.json", d, &skipped),
                     LK_ERR_NOT_FOUND);
    fclose(d);

    const char *want[] = {
        "a.json: statement 2: not a JSON object",
        "a.json: statement 3: no statement id",
        "a.json: statement 4: no actor account",
        "a.json: statement 5: a voiding statement without a StatementRef",
        "b.jsonl: line 2: not JSON",
        "b.jsonl: line 3: not a JSON object",
        "b.jsonl: line 4: no account_home and account",
        "c.csv: not an xapi or jsonl export",
        "cut.json: line 2 column",
        "/nonexistent/x.json: cannot be read",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(diag, want[i]))
            fail_msg("diagnostics lack: %s\n--- got:\n%s", want[i], diag);
    assert_null(strstr(diag, "statement 1:"));
    free(diag);

    report_merge_stats st;
    assert_int_equal(report_merge_get_stats(m, &st), LK_OK);
    assert_int_equal(st.files, 3); /* a.json, b.jsonl and the empty one */
    assert_int_equal(st.skipped, 7);
    char *text = merged(m, NULL, REPORT_TEXT);
    assert_non_null(strstr(text, "Total: 1 check-ins by 1 students at 1 events"));
    assert_non_null(strstr(text, "7 malformed left out"));
    free(text);

    assert_int_equal(report_merge_add(NULL, "x", "[]", 2, NULL, NULL), LK_ERR_INVALID);
    assert_int_equal(report_merge_write(m, NULL, (report_format)7, stdout), LK_ERR_INVALID);
    assert_int_equal(report_merge_write(NULL, NULL, REPORT_TEXT, stdout), LK_ERR_INVALID);
    report_merge_destroy(m);
    report_merge_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_known_answers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_and_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_roster_and_arguments, setup, teardown),
        cmocka_unit_test(test_merge_two_kiosks_count_once),
        cmocka_unit_test(test_merge_duplicates_and_voiding),
        cmocka_unit_test(test_merge_export_rows),
        cmocka_unit_test(test_merge_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
