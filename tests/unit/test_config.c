/* Tests of the kiosk.ini loader: good files, every kind of mistake with the line
 * it is on, defaults, event selection and the demo rule for issuers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lobkiosk/config.h"
#include "lobkiosk/util.h"

#define PK "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

static char dir[256];

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/lk-config-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

/* Writes text to dir/kiosk.ini and loads it. */
static lk_status load(const char *text, config *cfg, char *err, size_t len)
{
    char path[300];
    snprintf(path, sizeof path, "%s/kiosk.ini", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    config_free(cfg); /* a config loaded before: its issuers and lists go first */
    return config_load(cfg, path, err, len);
}

static const char *good = "[kiosk]\n"
                          "id = K-01\n"
                          "data_dir = data\n"
                          "language = en\n"
                          "\n"
                          "[issuer.00AA]\n"
                          "name = Techniek College\n"
                          "home_page = https://dossier.example.nl/00AA\n"
                          "key.K1 = " PK "\n"
                          "revoked = 123456, 777@20270731\n"
                          "\n"
                          "[event.OPEN1]\n"
                          "title = Open dag Techniek\n"
                          "kind = open_day\n"
                          "host = Techniek College\n"
                          "start = 2026-11-28T09:00+01:00\n"
                          "end = 2026-11-28T16:00+01:00\n"
                          "mode = checkin\n"
                          "\n"
                          "[event.STAGE]\n"
                          "title = Stagedag\n"
                          "kind = internship_day\n"
                          "start = 2026-11-29T08:00+01:00\n"
                          "end = 2026-11-29T17:00+01:00\n"
                          "mode = checkin_checkout\n"
                          "min_stay_minutes = 45\n"
                          "hosts = H01,H02\n"
                          "issuers = 01BB, 00AA\n"
                          "\n"
                          "[sync]\n"
                          "endpoint = https://lrs.example.nl/xAPI\n"
                          "batch_size = 50\n"
                          "[ui]\n"
                          "rotate = 270\n"
                          "[camera]\n"
                          "source = folder\n"
                          "folder = frames\n"
                          "command = rpicam-vid -t 0 -n --codec yuv420 -o -\n"
                          "focus = 180\n"
                          "exposure = auto\n";

static void test_good_file(void **state)
{
    config *cfg = calloc(1, sizeof *cfg);
    char err[CONFIG_ERR_MAX] = "";
    assert_int_equal(load(good, cfg, err, sizeof err), LK_OK);
    assert_string_equal(cfg->kiosk_id, "K-01");
    assert_string_equal(cfg->language, "en");
    assert_int_equal(cfg->data_dir[0], '/'); /* made absolute */
    assert_non_null(strstr(cfg->data_dir, "/data"));
    assert_int_equal(cfg->n_issuers, 1);
    assert_int_equal(cfg->issuers[0].n_keys, 1);
    assert_string_equal(cfg->issuers[0].keys[0].id, "K1");
    assert_int_equal(cfg->issuers[0].n_revoked, 2);
    assert_int_equal(cfg->issuers[0].revoked[0].expires, 0);
    assert_string_equal(cfg->issuers[0].revoked[1].subject, "777");
    assert_int_equal(cfg->issuers[0].revoked[1].expires, 20270731);
    assert_int_equal(cfg->n_events, 2);
    assert_int_equal(cfg->events[1].mode, CONFIG_MODE_CHECKIN_CHECKOUT);
    assert_int_equal(cfg->events[0].min_stay_minutes, LK_MIN_STAY_MINUTES); /* default 30 */
    assert_int_equal(LK_MIN_STAY_MINUTES, 30);
    assert_int_equal(cfg->events[1].min_stay_minutes, 45);
    assert_string_equal(cfg->events[1].hosts, "H01,H02");
    assert_true(config_event_admits_host(&cfg->events[1], "H02"));
    assert_false(config_event_admits_host(&cfg->events[1], "H03"));
    assert_true(config_event_admits_host(&cfg->events[0], "H03")); /* no list: any */
    assert_int_equal(cfg->sync.batch_size, 50);
    assert_int_equal(cfg->ui.rotate, 270);
    assert_int_equal(cfg->sync.timeout_s, LK_SYNC_TIMEOUT_S); /* default kept */
    assert_string_equal(cfg->camera.source, "folder");
    assert_int_equal(cfg->camera.folder[0], '/');
    assert_string_equal(cfg->camera.command, "rpicam-vid -t 0 -n --codec yuv420 -o -");
    assert_int_equal(cfg->camera.focus, 180);
    assert_int_equal(cfg->camera.exposure, CONFIG_CAMERA_AUTO);

    int64_t t;
    assert_int_equal(lk_parse_iso8601("2026-11-28T10:32:00+01:00", &t), LK_OK);
    const config_event *ev = config_active_event(cfg, t);
    assert_non_null(ev);
    assert_string_equal(ev->id, "OPEN1");
    assert_int_equal(lk_parse_iso8601("2026-11-28T16:00:00+01:00", &t), LK_OK);
    assert_null(config_active_event(cfg, t)); /* end is exclusive */
    assert_int_equal(lk_parse_iso8601("2026-11-29T12:00:00+01:00", &t), LK_OK);
    assert_string_equal(config_active_event(cfg, t)->id, "STAGE");

    assert_true(config_event_admits(&cfg->events[0], "99ZZ")); /* no list: all */
    assert_true(config_event_admits(&cfg->events[1], "00AA"));
    assert_true(config_event_admits(&cfg->events[1], "01BB"));
    assert_false(config_event_admits(&cfg->events[1], "00A"));
    assert_false(config_event_admits(&cfg->events[1], "00AAX"));
    assert_false(config_event_admits(NULL, "00AA"));

    assert_non_null(config_find_issuer(cfg, "00AA"));
    assert_null(config_find_issuer(cfg, "01BB"));
    assert_null(config_find_issuer(cfg, NULL));
    config_free(cfg);
    free(cfg);
}

static void test_demo_issuer_needs_demo_kiosk(void **state)
{
    config *cfg = calloc(1, sizeof *cfg);
    char err[CONFIG_ERR_MAX];
    const char *text = "[issuer.DEMO]\nhome_page = https://demo.example\ndemo = true\n"
                       "key.D1 = " PK "\n";
    assert_int_equal(load(text, cfg, err, sizeof err), LK_OK);
    assert_null(config_find_issuer(cfg, "DEMO"));
    char with_demo[512];
    snprintf(with_demo, sizeof with_demo, "[kiosk]\ndemo = yes\n%s", text);
    assert_int_equal(load(with_demo, cfg, err, sizeof err), LK_OK);
    assert_non_null(config_find_issuer(cfg, "DEMO"));
    config_free(cfg);
    free(cfg);
}

/* Each broken file names the line and the key. */
static void test_errors_name_line_and_key(void **state)
{
    static const struct {
        const char *text;
        const char *expect; /* substring of the message */
    } cases[] = {
        {"[kiosk]\nid = a\nlanguage = fr\n", ":3: [kiosk] language"},
        {"[kiosk]\nidd = a\n", ":2: [kiosk] idd: unknown key"},
        {"[kiosk]\nid = a\n[nonsense]\nx = 1\n", ":4: [nonsense] x: unknown section"},
        {"[issuer.00AA]\nhome_page = https://x\nkey.K1 = notbase64!\n", ":3: [issuer.00AA] key.K1"},
        {"[issuer.00aa]\nhome_page = https://x\n", "issuer code"},
        {"[issuer.00AA]\nhome_page = https://x\n", "[issuer.00AA]: an issuer needs"},
        {"[issuer.00AA]\nhome_page = https://x\nkey.K1 = " PK "\nrevoked = 12,ab\n",
         ":4: [issuer.00AA] revoked: 'ab'"},
        {"[event.E1]\ntitle = x\nstart = 2026-11-28T09:00\nend = tomorrow\n", ":4: [event.E1] end"},
        {"[event.E1]\ntitle = x\nmode = open\n", ":3: [event.E1] mode"},
        {"[event.E1]\ntitle = x\nkind = party\n", "kind"},
        {"[event.E1]\ntitle = x\nmin_stay_minutes = 1441\n", ":3: [event.E1] min_stay_minutes"},
        {"[event.E1]\ntitle = x\nmin_stay_minutes = half\n", "0..1440 minutes"},
        {"[event.E1]\ntitle = x\nstart = 2026-11-28T09:00\n",
         "[event.E1]: missing key start or end"},
        {"[event.E1]\ntitle = x\nstart = 2026-11-28T09:00\nend = 2026-11-28T08:00\n",
         "end is not after start"},
        {"[event.bad id]\ntitle = x\n", "event id"},
        {"[kiosk]\nevent = NOPE\n", ":2: [kiosk] event: no [event.NOPE] section"},
        {"[sync]\nbatch_size = 101\n", ":2: [sync] batch_size"},
        {"[ui]\nrotate = 45\n", ":2: [ui] rotate: '45' is not 0, 90, 180 or 270"},
        {"[ui]\nrotate = 360\n", ":2: [ui] rotate"},
        {"[ui]\nrotate = -90\n", ":2: [ui] rotate"},
        {"[sync]\nendpoint = ftp://x\n", "[sync] endpoint"},
        {"[sync]\nendpoint = http://lrs.example.nl/xAPI\n", "plain http only"},
        {"[sync]\nendpoint = http://127.0.0.1.evil.example/xAPI\n", "plain http only"},
        /* "127.0.0.1:80" before an '@' is user:password, the host comes after it */
        {"[sync]\nendpoint = http://127.0.0.1:80@lrs.example.nl/xAPI\n", "plain http only"},
        {"[sync]\nendpoint = http://localhost:x@lrs.example.nl/xAPI\n", "plain http only"},
        {"[ui]\nvolume = loud\n", "[ui] volume"},
        {"[ui]\nadmin_pin_hash = 1234\n", "lobkiosk pin"},
        {"[camera]\nsource = webcam\n", "[camera] source"},
        {"[camera]\nsource = folder\n", "needs a folder"},
        {"[camera]\nsource = command\n", "needs a command"},
        {"[camera]\nfocus = sharp\n", ":2: [camera] focus"},
        {"[camera]\nexposure = -5\n", ":2: [camera] exposure"},
        {"[scanner]\nlayout = azerty\n", "[scanner] layout"},
        {"[kiosk]\nthis line is wrong\n", ":2: this line is not"},
        {"id = x\n", "outside a section"},
    };
    config *cfg = calloc(1, sizeof *cfg);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[CONFIG_ERR_MAX] = "";
        lk_status st = load(cases[i].text, cfg, err, sizeof err);
        if (st == LK_OK || !strstr(err, cases[i].expect))
            fail_msg("case %zu: status %d, message '%s', expected '%s'", i, st, err,
                     cases[i].expect);
        assert_non_null(strstr(err, "kiosk.ini"));
    }
    config_free(cfg);
    free(cfg);
}

/* What keygen prints is enough for an issuer: the home page is optional. */
static void test_issuer_from_keygen_lines_and_loopback_http(void **state)
{
    config *cfg = calloc(1, sizeof *cfg);
    char err[CONFIG_ERR_MAX] = "";
    assert_int_equal(load("[issuer.00AA]\nkey.K1 = " PK "\n[sync]\n"
                          "endpoint = http://127.0.0.1:8080/xAPI\n",
                          cfg, err, sizeof err),
                     LK_OK);
    assert_non_null(config_find_issuer(cfg, "00AA"));
    assert_string_equal(cfg->issuers[0].home_page, "");
    assert_int_equal(load("[sync]\nendpoint = http://localhost/xAPI\n", cfg, err, sizeof err),
                     LK_OK);
    assert_int_equal(load("[sync]\nendpoint = https://lrs.example.nl/xAPI\n", cfg, err, sizeof err),
                     LK_OK);
    config_free(cfg);
    free(cfg);
}

static void test_missing_file_and_null(void **state)
{
    config *cfg = calloc(1, sizeof *cfg);
    char err[CONFIG_ERR_MAX] = "";
    assert_int_equal(config_load(cfg, "/nonexistent/kiosk.ini", err, sizeof err), LK_ERR_IO);
    assert_non_null(strstr(err, "not found"));
    assert_int_equal(config_load(NULL, "x", err, sizeof err), LK_ERR_INVALID);
    assert_int_equal(config_load(cfg, NULL, NULL, 0), LK_ERR_INVALID);
    /* empty file: defaults */
    assert_int_equal(load("", cfg, err, sizeof err), LK_OK);
    assert_string_equal(cfg->language, "nl");
    assert_int_equal(cfg->n_events, 0);
    /* no assets_dir: found from the binary's source tree, whatever the working dir */
    char probe[CONFIG_PATH_MAX + 16];
    snprintf(probe, sizeof probe, "%s/i18n/nl.ini", cfg->assets_dir);
    assert_int_equal(access(probe, R_OK), 0);
    assert_null(config_active_event(cfg, 0));
    config_free(cfg);
    free(cfg);
}

static void test_iso8601(void **state)
{
    int64_t ms;
    assert_int_equal(lk_parse_iso8601("1970-01-01T00:00:00Z", &ms), LK_OK);
    assert_int_equal(ms, 0);
    assert_int_equal(lk_parse_iso8601("1970-01-01T01:00+01:00", &ms), LK_OK);
    assert_int_equal(ms, 0);
    assert_int_equal(lk_parse_iso8601("2026-11-28T10:32:00.250Z", &ms), LK_OK);
    assert_int_equal(ms % 1000, 250);
    assert_int_not_equal(lk_parse_iso8601("2026-13-01T00:00Z", &ms), LK_OK);
    assert_int_not_equal(lk_parse_iso8601("2026-11-28T10:32Zjunk", &ms), LK_OK);
    /* offsets: hours 0-23, minutes 0-59, with or without a colon, never cut off */
    assert_int_equal(lk_parse_iso8601("1970-01-01T05:30+0530", &ms), LK_OK);
    assert_int_equal(ms, 0);
    assert_int_equal(lk_parse_iso8601("1970-01-01T01:00+01", &ms), LK_OK);
    assert_int_equal(ms, 0);
    assert_int_not_equal(lk_parse_iso8601("2026-11-28T09:00+01:", &ms), LK_OK);
    assert_int_not_equal(lk_parse_iso8601("2026-11-28T09:00+01:99", &ms), LK_OK);
    assert_int_not_equal(lk_parse_iso8601("2026-11-28T09:00+0199", &ms), LK_OK);
    assert_int_not_equal(lk_parse_iso8601("2026-11-28T09:00+24:00", &ms), LK_OK);
    assert_int_not_equal(lk_parse_iso8601("2026-11-28T09:00+01:0", &ms), LK_OK);
    assert_int_not_equal(lk_parse_iso8601("", &ms), LK_OK);
    assert_int_not_equal(lk_parse_iso8601(NULL, &ms), LK_OK);
    char buf[40];
    setenv("TZ", "Europe/Amsterdam", 1);
    tzset();
    assert_int_equal(lk_parse_iso8601("2026-11-28T09:32:00.123Z", &ms), LK_OK);
    lk_format_iso8601(ms, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-28T10:32:00.123+01:00");
    assert_int_equal(lk_local_yyyymmdd(ms), 20261128);
    lk_format_hhmm(ms, buf, sizeof buf);
    assert_string_equal(buf, "10:32");
    assert_int_equal(lk_parse_iso8601("2026-07-01T12:00:00Z", &ms), LK_OK);
    lk_format_iso8601(ms, buf, sizeof buf);
    assert_string_equal(buf, "2026-07-01T14:00:00.000+02:00");
}

static void test_util_helpers(void **state)
{
    char buf[8];
    assert_true(lk_strlcpy(buf, "abc", sizeof buf));
    assert_false(lk_strlcpy(buf, "abcdefghij", sizeof buf));
    assert_string_equal(buf, "abcdefg");
    long v;
    assert_int_equal(lk_parse_long("42", 0, 100, &v), LK_OK);
    assert_int_equal(v, 42);
    assert_int_not_equal(lk_parse_long("42x", 0, 100, &v), LK_OK);
    assert_int_not_equal(lk_parse_long("101", 0, 100, &v), LK_OK);
    assert_int_not_equal(lk_parse_long("", 0, 100, &v), LK_OK);
    assert_int_not_equal(lk_parse_long("99999999999999999999", 0, 100, &v), LK_OK);
    char u1[37], u2[37];
    lk_uuid4(u1, sizeof u1);
    lk_uuid4(u2, sizeof u2);
    assert_int_equal(strlen(u1), 36);
    assert_int_equal(u1[14], '4');
    assert_string_not_equal(u1, u2);

    char path[300];
    snprintf(path, sizeof path, "%s/secret", dir);
    assert_int_equal(lk_write_file(path, "x", 1, 0600, true), LK_OK);
    assert_int_equal(lk_write_file(path, "y", 1, 0600, true), LK_ERR_EXISTS);
    assert_int_equal(lk_write_file(path, "yz", 2, 0600, false), LK_OK);
    char *text;
    size_t n;
    assert_int_equal(lk_read_file(path, &text, &n), LK_OK);
    assert_int_equal(n, 2);
    assert_string_equal(text, "yz");
    free(text);
    assert_int_equal(lk_read_file("/nonexistent", &text, &n), LK_ERR_NOT_FOUND);

    /* strict UTF-8 */
    assert_true(lk_utf8_valid("", 0));
    assert_true(lk_utf8_valid(NULL, 0));
    assert_false(lk_utf8_valid(NULL, 1));
    assert_true(lk_utf8_valid("Fatima \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 16));
    assert_false(lk_utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
    assert_false(lk_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    assert_false(lk_utf8_valid("\xF4\x90\x80\x80", 4)); /* beyond U+10FFFF */
    assert_false(lk_utf8_valid("\xE2\x82", 2));         /* cut short */
    assert_false(lk_utf8_valid("\x82\x60", 2));         /* Shift-JIS bytes */

    /* secret files: private regular files only, never through a symlink */
    int fd = -1;
    assert_int_equal(lk_open_private(path, &fd), LK_OK);
    close(fd);
    char link_path[320];
    snprintf(link_path, sizeof link_path, "%s/link", dir);
    assert_int_equal(symlink(path, link_path), 0);
    assert_int_equal(lk_open_private(link_path, &fd), LK_ERR_PERMISSION);
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(lk_open_private(path, &fd), LK_ERR_PERMISSION);
    assert_int_equal(chmod(path, 0400), 0);
    assert_int_equal(lk_open_private(path, &fd), LK_OK);
    close(fd);
    assert_int_equal(lk_open_private("/nonexistent", &fd), LK_ERR_NOT_FOUND);
    assert_int_equal(lk_open_private(NULL, &fd), LK_ERR_INVALID);
}

/* Writes text to dir/name. */
static void write_file(const char *name, const char *text)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

#define ISSUER "[issuer.00AA]\nkey.K1 = " PK "\n"

/* A revocation list of any length: several revoked = lines add up, no cap. */
static void test_revoked_lines_accumulate(void **state)
{
    config *cfg = calloc(1, sizeof *cfg);
    char err[CONFIG_ERR_MAX] = "";
    size_t cap = 64 * 1024;
    char *text = malloc(cap);
    size_t n = (size_t)snprintf(text, cap, "%s", ISSUER);
    /* 400 lines of five entries: 2,000 revocations, far over the old 256 */
    for (int i = 0; i < 400; i++)
        n += (size_t)snprintf(text + n, cap - n,
                              "revoked = A%d, B%d@20270731, C%d, D%d@20280229, E%d\n", i, i, i, i,
                              i);
    assert_int_equal(load(text, cfg, err, sizeof err), LK_OK);
    const config_issuer *is = config_find_issuer(cfg, "00AA");
    assert_non_null(is);
    assert_int_equal(is->n_revoked, 2000);
    assert_true(config_is_revoked(is, "A0", 20270731));
    assert_true(config_is_revoked(is, "E399", 20991231));
    assert_true(config_is_revoked(is, "B17", 20270731));
    assert_false(config_is_revoked(is, "B17", 20270801)); /* only that pass */
    assert_true(config_is_revoked(is, "D250", 20280229));
    assert_false(config_is_revoked(is, "A400", 20270731));
    assert_false(config_is_revoked(is, "A", 20270731)); /* a prefix is another subject */
    assert_false(config_is_revoked(NULL, "A0", 20270731));
    config_free(cfg);
    free(text);
    config_free(cfg);
    free(cfg);
}

/* revoked_file: one entry a line, thousands, comments and blank lines allowed. */
static void test_revoked_file(void **state)
{
    config *cfg = calloc(1, sizeof *cfg);
    char err[CONFIG_ERR_MAX] = "";
    size_t cap = 256 * 1024;
    char *list = malloc(cap);
    size_t n = (size_t)snprintf(list, cap, "# revoked passes of Techniek College\n\n");
    for (int i = 0; i < 10000; i++)
        n += (size_t)snprintf(list + n, cap - n, i % 3 ? "S%d\n" : "  S%d@20271231\r\n", i);
    n += (size_t)snprintf(list + n, cap - n, "; last updated by hand\nLAST");
    write_file("revoked.txt", list);
    assert_int_equal(
        load(ISSUER "revoked_file = revoked.txt\nrevoked = EXTRA\n", cfg, err, sizeof err), LK_OK);
    const config_issuer *is = config_find_issuer(cfg, "00AA");
    assert_int_equal(is->n_revoked, 10002);
    assert_true(config_is_revoked(is, "S1", 20300101));
    assert_true(config_is_revoked(is, "S0", 20271231));
    assert_false(config_is_revoked(is, "S0", 20271230));
    assert_true(config_is_revoked(is, "S9998", 20300101));
    assert_true(config_is_revoked(is, "LAST", 20300101));
    assert_true(config_is_revoked(is, "EXTRA", 20300101));
    assert_false(config_is_revoked(is, "S10000", 20300101));
    config_free(cfg);

    /* a bad entry names the list file and its line */
    n = (size_t)snprintf(list, cap, "# list\n");
    for (int i = 0; i < 1232; i++)
        n += (size_t)snprintf(list + n, cap - n, "S%d\n", i);
    snprintf(list + n, cap - n, "s-1233\nS1234\n");
    write_file("revoked.txt", list);
    assert_int_equal(load(ISSUER "revoked_file = revoked.txt\n", cfg, err, sizeof err),
                     LK_ERR_CONFIG);
    if (!strstr(err, "revoked.txt:1234: 's-1233' is not") || !strstr(err, "kiosk.ini:3:"))
        fail_msg("message '%s'", err);
    config_free(cfg);

    /* a missing list stops the kiosk: passes it should refuse must not get in */
    assert_int_equal(load(ISSUER "revoked_file = nothere.txt\n", cfg, err, sizeof err),
                     LK_ERR_CONFIG);
    if (!strstr(err, ":3: [issuer.00AA] revoked_file") || !strstr(err, "nothere.txt"))
        fail_msg("message '%s'", err);
    config_free(cfg);
    free(list);
    config_free(cfg);
    free(cfg);
}

/* Over-long lines are refused on the right line; dates are calendar dates; event ids
 * that inih would cut are refused, not cut. */
static void test_limits(void **state)
{
    config *cfg = calloc(1, sizeof *cfg);
    char err[CONFIG_ERR_MAX] = "";
    char text[2048];
    /* eight revocations on one line: too long for inih, named on its own line */
    snprintf(text, sizeof text,
             "[kiosk]\nid = a\n" ISSUER "revoked = 1000000000000001@20270731, "
             "1000000000000002@20270731, 1000000000000003@20270731, "
             "1000000000000004@20270731, 1000000000000005@20270731, "
             "1000000000000006@20270731, 1000000000000007@20270731, "
             "1000000000000008@20270731\nname = x\n");
    assert_int_equal(load(text, cfg, err, sizeof err), LK_ERR_CONFIG);
    if (!strstr(err, "kiosk.ini:5:") || !strstr(err, "longer than"))
        fail_msg("message '%s'", err);
    config_free(cfg);

    assert_int_equal(load(ISSUER "revoked = 12@20270231\n", cfg, err, sizeof err), LK_ERR_CONFIG);
    if (!strstr(err, ":3: [issuer.00AA] revoked: '12@20270231'"))
        fail_msg("message '%s'", err);
    assert_int_equal(load(ISSUER "revoked = 12@2027073\n", cfg, err, sizeof err), LK_ERR_CONFIG);
    assert_int_equal(load(ISSUER "revoked = 12@+20270731\n", cfg, err, sizeof err), LK_ERR_CONFIG);
    assert_int_equal(load(ISSUER "revoked = 12@20280229\n", cfg, err, sizeof err), LK_OK);
    config_free(cfg);

    /* 43 characters is the longest event id inih keeps whole */
    const char *id43 = "abcdefghij_abcdefghij_abcdefghij_abcdefghij";
    assert_int_equal(strlen(id43), 43);
    snprintf(text, sizeof text,
             "[kiosk]\nevent = %s\n[event.%s]\ntitle = t\nstart = 2026-11-28T09:00\n"
             "end = 2026-11-28T10:00\n",
             id43, id43);
    assert_int_equal(load(text, cfg, err, sizeof err), LK_OK);
    assert_string_equal(cfg->events[0].id, id43);
    snprintf(text, sizeof text,
             "[kiosk]\nid = a\n\n[event.%sX]\ntitle = t\nstart = 2026-11-28T09:00\n"
             "end = 2026-11-28T10:00\n",
             id43);
    assert_int_equal(load(text, cfg, err, sizeof err), LK_ERR_CONFIG);
    if (!strstr(err, "kiosk.ini:4:") || !strstr(err, "longer than 43"))
        fail_msg("message '%s'", err);
    snprintf(text, sizeof text, "[kiosk]\nevent = %sX\n", id43);
    assert_int_equal(load(text, cfg, err, sizeof err), LK_ERR_CONFIG);
    if (!strstr(err, "kiosk.ini:2:") || !strstr(err, "longer than 43"))
        fail_msg("message '%s'", err);
    /* a NUL in the file is not silently the end of it */
    write_file("kiosk.ini", "");
    char path[300];
    snprintf(path, sizeof path, "%s/kiosk.ini", dir);
    FILE *f = fopen(path, "w");
    fwrite("[kiosk]\nid = a\n\0[sync]\nendpoint = ftp://x\n", 1, 42, f);
    fclose(f);
    assert_int_equal(config_load(cfg, path, err, sizeof err), LK_ERR_CONFIG);
    if (!strstr(err, "kiosk.ini:3:"))
        fail_msg("message '%s'", err);
    /* the message escapes what it quotes from the file */
    assert_int_equal(load("[kiosk]\nlanguage = \x1b[31mnl\n", cfg, err, sizeof err), LK_ERR_CONFIG);
    assert_null(strchr(err, '\x1b'));
    assert_non_null(strstr(err, "\\x1b[31mnl"));
    config_free(cfg);
    free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_revoked_lines_accumulate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revoked_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_good_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_demo_issuer_needs_demo_kiosk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_name_line_and_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_issuer_from_keygen_lines_and_loopback_http, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_file_and_null, setup, teardown),
        cmocka_unit_test(test_iso8601),
        cmocka_unit_test_setup_teardown(test_util_helpers, setup, teardown),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
