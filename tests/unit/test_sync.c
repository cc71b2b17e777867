/* Unit tests of the sync that need no LRS: the credentials file rules, sync off,
 * an unreachable endpoint (nothing lost, attempts counted), the thread's start,
 * status and prompt stop. The HTTP answers are tested against a real LRS in
 * tests/e2e/sync_faults.sh. */
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

#include "lobkiosk/store.h"
#include "lobkiosk/sync.h"
#include "lobkiosk/util.h"
#include "lobkiosk/xapi.h"

typedef struct fx {
    char dir[64];
    char cred[128];
    config cfg;
} fx;

static void write_cred(const char *path, const char *text, unsigned mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/lk-test-sync-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->cred, sizeof f->cred, "%s/lrs.cred", f->dir);
    write_cred(f->cred, "user:pa:ss\n", 0600);
    config_defaults(&f->cfg);
    lk_strlcpy(f->cfg.data_dir, f->dir, sizeof f->cfg.data_dir);
    lk_strlcpy(f->cfg.sync.credentials_file, f->cred, sizeof f->cfg.sync.credentials_file);
    /* Port 1 on loopback: nothing listens, the connection is refused at once. */
    lk_strlcpy(f->cfg.sync.endpoint, "http://127.0.0.1:1/xAPI", sizeof f->cfg.sync.endpoint);
    f->cfg.sync.connect_timeout_s = 2;
    f->cfg.sync.timeout_s = 2;
    f->cfg.sync.interval_s = 1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static void queue(fx *f, int n)
{
    static int seq;
    char path[CONFIG_PATH_MAX + 64];
    store *s = NULL;
    assert_int_equal(store_path(&f->cfg, path, sizeof path), LK_OK);
    assert_int_equal(store_open(path, &s, NULL, 0), LK_OK);
    for (int i = 0; i < n; i++) {
        store_experience e;
        memset(&e, 0, sizeof e);
        lk_strlcpy(e.event_id, "EV1", sizeof e.event_id);
        lk_strlcpy(e.issuer, "00AA", sizeof e.issuer);
        snprintf(e.subject, sizeof e.subject, "S%d", seq++ % 100000);
        e.checkin_ms = lk_now_ms();
        lk_uuid4(e.checkin_uuid, sizeof e.checkin_uuid);
        store_statement st = {e.checkin_uuid, "checkin", "{}"};
        assert_int_equal(store_record_checkin(s, &e, &st), LK_OK);
    }
    store_close(s);
}

static store_outbox_stats stats(fx *f)
{
    char path[CONFIG_PATH_MAX + 64];
    store *s = NULL;
    store_outbox_stats ss;
    assert_int_equal(store_path(&f->cfg, path, sizeof path), LK_OK);
    assert_int_equal(store_open(path, &s, NULL, 0), LK_OK);
    assert_int_equal(store_outbox_stats_get(s, &ss), LK_OK);
    store_close(s);
    return ss;
}

static void test_credentials(void **state)
{
    fx *f = *state;
    char u[32], p[32];
    assert_int_equal(sync_read_credentials(f->cred, u, p, sizeof u), LK_OK);
    assert_string_equal(u, "user");
    assert_string_equal(p, "pa:ss"); /* only the first ':' separates */
    write_cred(f->cred, "user:pw", 0400);
    assert_int_equal(sync_read_credentials(f->cred, u, p, sizeof u), LK_OK);
    assert_string_equal(p, "pw");
    write_cred(f->cred, "user:pw\n", 0640);
    assert_int_equal(sync_read_credentials(f->cred, u, p, sizeof u), LK_ERR_PERMISSION);
    write_cred(f->cred, "user:pw\n", 0604);
    assert_int_equal(sync_read_credentials(f->cred, u, p, sizeof u), LK_ERR_PERMISSION);
    write_cred(f->cred, "no colon\n", 0600);
    assert_int_equal(sync_read_credentials(f->cred, u, p, sizeof u), LK_ERR_INVALID);
    write_cred(f->cred, ":pw\n", 0600);
    assert_int_equal(sync_read_credentials(f->cred, u, p, sizeof u), LK_ERR_INVALID);
    write_cred(f->cred, "", 0600);
    assert_int_equal(sync_read_credentials(f->cred, u, p, sizeof u), LK_ERR_INVALID);
    write_cred(f->cred, "a-very-long-user-name-that-does-not-fit:pw", 0600);
    assert_int_equal(sync_read_credentials(f->cred, u, p, sizeof u), LK_ERR_INVALID);
    assert_int_equal(sync_read_credentials("/nonexistent/x", u, p, sizeof u), LK_ERR_IO);
    assert_int_equal(sync_read_credentials(f->dir, u, p, sizeof u), LK_ERR_IO);
    assert_int_equal(sync_read_credentials(NULL, u, p, sizeof u), LK_ERR_INVALID);
    assert_int_equal(sync_read_credentials("", u, p, sizeof u), LK_ERR_INVALID);
    assert_int_equal(sync_read_credentials(f->cred, NULL, p, sizeof u), LK_ERR_INVALID);
}

static void test_refuses_readable_credentials(void **state)
{
    fx *f = *state;
    write_cred(f->cred, "user:pw\n", 0644);
    char err[256] = "";
    assert_null(sync_start(&f->cfg, err, sizeof err));
    assert_non_null(strstr(err, "readable"));
    sync_report rep;
    assert_int_equal(sync_once(&f->cfg, &rep), LK_ERR_PERMISSION);
    assert_int_equal(rep.sent, 0);
}

static void test_off(void **state)
{
    fx *f = *state;
    f->cfg.sync.endpoint[0] = '\0';
    char err[64] = "x";
    assert_null(sync_start(&f->cfg, err, sizeof err));
    assert_string_equal(err, "");
    sync_status s;
    sync_status_get(NULL, &s);
    assert_int_equal(s.state, SYNC_OFF);
    sync_report rep;
    assert_int_equal(sync_once(&f->cfg, &rep), LK_ERR_UNSUPPORTED);
    assert_int_equal(sync_once(NULL, NULL), LK_ERR_INVALID);
    /* NULL handles are accepted everywhere. */
    sync_wake(NULL);
    sync_request_now(NULL);
    sync_stop(NULL);
    sync_status_get(NULL, NULL);
    assert_null(sync_start(NULL, NULL, 0));
}

static void test_tokens(void **state)
{
    assert_string_equal(sync_state_token(SYNC_OFF), "off");
    assert_string_equal(sync_state_token(SYNC_IDLE), "idle");
    assert_string_equal(sync_state_token(SYNC_SENDING), "sending");
    assert_string_equal(sync_state_token(SYNC_OFFLINE), "offline");
    assert_string_equal(sync_state_token(SYNC_AUTH_FAILED), "auth_failed");
    assert_string_equal(sync_state_token(SYNC_ERROR), "error");
    assert_string_equal(sync_state_token((sync_state)99), "unknown");
}

static void test_unreachable_keeps_everything(void **state)
{
    fx *f = *state;
    queue(f, 5);
    sync_report rep;
    assert_int_equal(sync_once(&f->cfg, &rep), LK_ERR_NETWORK);
    assert_int_equal(rep.state, SYNC_OFFLINE);
    assert_int_equal(rep.sent, 0);
    assert_int_equal(rep.requests, 1);
    assert_true(rep.message[0] != '\0');
    store_outbox_stats ss = stats(f);
    assert_int_equal(ss.queued, 5);
    assert_int_equal(ss.sent, 0);
    /* An empty queue is a success without any request. */
    f->cfg.sync.batch_size = 0; /* out of range: the default is used */
    char path[CONFIG_PATH_MAX + 64];
    store *s = NULL;
    assert_int_equal(store_path(&f->cfg, path, sizeof path), LK_OK);
    assert_int_equal(store_open(path, &s, NULL, 0), LK_OK);
    store_outbox_item *items = NULL;
    size_t n = 0;
    assert_int_equal(store_outbox_next(s, 10, &items, &n), LK_OK);
    assert_int_equal(n, 5);
    assert_int_equal(items[0].attempts, 1); /* the failed try was counted */
    int64_t ids[5];
    for (size_t i = 0; i < n; i++)
        ids[i] = items[i].id;
    assert_int_equal(store_outbox_mark_sent(s, ids, n, lk_now_ms()), LK_OK);
    store_outbox_free(items, n);
    store_close(s);
    assert_int_equal(sync_once(&f->cfg, &rep), LK_OK);
    assert_int_equal(rep.requests, 0);
    assert_int_equal(rep.state, SYNC_IDLE);
}

static void test_thread_offline_and_stop(void **state)
{
    fx *f = *state;
    queue(f, 3);
    char err[256] = "";
    sync_thread *t = sync_start(&f->cfg, err, sizeof err);
    assert_non_null(t);
    sync_status s;
    int64_t until = lk_mono_ms() + 5000;
    do {
        usleep(20000);
        sync_status_get(t, &s);
    } while (s.state != SYNC_OFFLINE && lk_mono_ms() < until);
    assert_int_equal(s.state, SYNC_OFFLINE);
    assert_int_equal(s.queued, 3);
    assert_true(s.next_try_ms > 0);
    /* New rows during back-off refresh the count. */
    queue(f, 2);
    sync_wake(t);
    until = lk_mono_ms() + 3000;
    do {
        usleep(20000);
        sync_status_get(t, &s);
    } while (s.queued != 5 && lk_mono_ms() < until);
    assert_int_equal(s.queued, 5);
    sync_request_now(t);
    int64_t t0 = lk_mono_ms();
    sync_stop(t);
    assert_true(lk_mono_ms() - t0 < 3000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_readable_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_off, setup, teardown),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test_setup_teardown(test_unreachable_keeps_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thread_offline_and_stop, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
