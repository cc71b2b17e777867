/* Unit tests of the sync that need no LRS: the credentials file rules, sync off,
 * an unreachable endpoint (nothing lost, attempts counted), the thread's start,
 * status and prompt stop; and, against a tiny in-process HTTP server on loopback,
 * the guard against an LRS that refuses everything, quarantine of refused runs
 * among accepted statements, the last error and re-queueing. The HTTP answers are
 * also tested against a real LRS in tests/e2e/sync_faults.sh. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

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

static void queue_json(fx *f, int n, const char *json)
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
        /* every statement carries its id, as the kiosk's own do */
        json_t *j = json_loads(json, 0, NULL);
        assert_non_null(j);
        json_object_set_new(j, "id", json_string(e.checkin_uuid));
        char *text = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        assert_non_null(text);
        store_statement st = {e.checkin_uuid, "checkin", text};
        assert_int_equal(store_record_checkin(s, &e, &st), LK_OK);
        free(text);
    }
    store_close(s);
}

static void queue(fx *f, int n)
{
    queue_json(f, n, "{}");
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


/* --- a tiny LRS on loopback: one request a connection, answers by mode ---------- */

typedef enum lrs_mode {
    LRS_ACCEPT = 0,     /* 200 to everything */
    LRS_REJECT_ALL = 1, /* 400 to everything */
    LRS_REJECT_BAD = 2, /* 400 to a batch holding a statement with "bad", else 200 */
    LRS_ECHO_BAD = 3,   /* as REJECT_BAD, and the 400 quotes the request body */
    /* endpoints that are not an LRS, or not quite */
    LRS_HTML = 4,         /* 200 with a web page (a captive portal, a mistyped URL) */
    LRS_EMPTY = 5,        /* 200 with an empty body */
    LRS_WRONG_IDS = 6,    /* 200 with as many ids, none of them sent */
    LRS_FEWER_IDS = 7,    /* 200 listing all but the last id sent */
    LRS_299 = 8,          /* 299 with exactly the ids sent */
    LRS_413_OVER_3 = 9,   /* 413 to a batch of more than 3 statements, else 200 */
    LRS_429 = 10,         /* 429 with Retry-After: 2 */
    LRS_ANSI = 11,        /* 400 whose message holds terminal escapes and a line break */
    LRS_ANSI_RAW = 12,    /* 400 with a body that is not JSON and holds raw escapes */
    LRS_CUT_AFTER_2 = 13, /* stores the first two batches, then hangs up unanswered */
    LRS_FORGET_AT_2 = 14, /* on the second request, another connection deletes the
                             21st to 23rd rows: in the window's next batch */
} lrs_mode;

typedef struct lrs {
    int fd;
    int port;
    pthread_t th;
    atomic_bool stop;
    atomic_int mode;
    atomic_int requests;
    atomic_int accepted;   /* statements in 2xx answered batches */
    atomic_int sizes[64];  /* statements in each request, in order */
    atomic_llong at_ms[64]; /* when each request came (lk_mono_ms) */
    char db[CONFIG_PATH_MAX + 64]; /* the kiosk's database, for LRS_FORGET_AT_2 */
} lrs;

/* Statements in a body of flat objects: one '{' each (the tests' rows are flat). */
static int count_objects(const char *body)
{
    int n = 0;
    for (const char *p = body; *p; p++)
        n += *p == '{';
    return n;
}

static void lrs_serve(lrs *l, int c)
{
    char buf[1 << 16];
    size_t used = 0;
    long clen = -1;
    char *body = NULL;
    while (used < sizeof buf - 1) {
        ssize_t got = recv(c, buf + used, sizeof buf - 1 - used, 0);
        if (got <= 0)
            return;
        used += (size_t)got;
        buf[used] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end && clen < 0) {
            char *cl = strcasestr(buf, "content-length:");
            clen = cl ? strtol(cl + 15, NULL, 10) : 0;
            body = end + 4;
        }
        if (body && (long)(used - (size_t)(body - buf)) >= clen)
            break;
    }
    if (!body)
        return;
    int nreq = atomic_fetch_add(&l->requests, 1);
    int mode = atomic_load(&l->mode);
    if (mode == LRS_CUT_AFTER_2 && nreq >= 2)
        return; /* the connection closes: no answer */
    if (mode == LRS_FORGET_AT_2 && nreq == 1) {
        /* as a forget in another process would: rows marked offered with this
         * window, not yet sent */
        sqlite3 *db = NULL;
        assert_int_equal(sqlite3_open(l->db, &db), SQLITE_OK);
        sqlite3_busy_timeout(db, 5000);
        assert_int_equal(sqlite3_exec(db,
                                      "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
                                      " ORDER BY id LIMIT 3 OFFSET 20)",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);
    }
    /* the ids sent, as an LRS answers them */
    json_t *sent = json_loads(body, 0, NULL);
    json_t *ids = json_array();
    size_t i;
    json_t *stmt;
    json_array_foreach(sent, i, stmt) {
        json_t *id = json_object_get(stmt, "id");
        if (mode == LRS_WRONG_IDS) {
            char u[37];
            lk_uuid4(u, sizeof u);
            json_array_append_new(ids, json_string(u));
        } else if (id && !(mode == LRS_FEWER_IDS && i + 1 == json_array_size(sent))) {
            json_array_append(ids, id);
        }
    }
    if (nreq < 64) {
        atomic_store(&l->sizes[nreq], (int)json_array_size(sent));
        atomic_store(&l->at_ms[nreq], (long long)lk_mono_ms());
    }
    bool too_large = mode == LRS_413_OVER_3 && json_array_size(sent) > 3;
    json_decref(sent);
    char *idtext = json_dumps(ids, JSON_COMPACT);
    json_decref(ids);
    char ok_ans[8192];
    lk_strlcpy(ok_ans, idtext ? idtext : "[]", sizeof ok_ans);
    free(idtext);
    bool refuse = mode == LRS_REJECT_ALL || too_large ||
                  ((mode == LRS_REJECT_BAD || mode == LRS_ECHO_BAD) && strstr(body, "\"bad\""));
    const char *ans = refuse ? "{\"message\":\"no statements here\"}" : ok_ans;
    const char *status = refuse ? (too_large ? "413 Payload Too Large" : "400 Bad Request")
                                : "200 OK";
    const char *extra = "";
    if (mode == LRS_HTML)
        ans = "<html><body>Welkom! Log in om verder te gaan.</body></html>";
    else if (mode == LRS_EMPTY)
        ans = "";
    else if (mode == LRS_299)
        status = "299 Whatever";
    else if (mode == LRS_429) {
        status = "429 Too Many Requests";
        extra = "Retry-After: 2\r\n";
        ans = "{}";
        refuse = true; /* nothing accepted */
    }
    if (mode == LRS_ANSI) {
        status = "400 Bad Request";
        ans = "{\"message\":\"\\u001b[31mrood\\u001b[0m\\r\\nsync: forged line\"}";
        refuse = true;
    } else if (mode == LRS_ANSI_RAW) {
        status = "400 Bad Request";
        ans = "\x1b]0;owned\x07\x1b[2J<h1>\x9b" "31m</h1>";
        refuse = true;
    }
    char echo[4096];
    if (refuse && mode == LRS_ECHO_BAD) {
        /* as some LRSs do: the refused statement is quoted in the answer */
        json_t *m = json_pack("{s:s+}", "message", "invalid statement: ", body);
        char *txt = m ? json_dumps(m, JSON_COMPACT) : NULL;
        if (txt && lk_strlcpy(echo, txt, sizeof echo))
            ans = echo;
        free(txt);
        json_decref(m);
    }
    if (!refuse)
        atomic_fetch_add(&l->accepted, count_objects(body));
    char head[256];
    int hl = snprintf(head, sizeof head,
                      "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                      "%sConnection: close\r\n\r\n",
                      status, strlen(ans), extra);
    if (send(c, head, (size_t)hl, MSG_NOSIGNAL) < 0 || send(c, ans, strlen(ans), MSG_NOSIGNAL) < 0)
        return;
}

static void *lrs_main(void *arg)
{
    lrs *l = arg;
    while (!atomic_load(&l->stop)) {
        struct pollfd p = {l->fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int c = accept(l->fd, NULL, NULL);
        if (c < 0)
            continue;
        lrs_serve(l, c);
        close(c);
    }
    return NULL;
}

static lrs *lrs_start(fx *f, lrs_mode mode)
{
    lrs *l = calloc(1, sizeof *l);
    assert_non_null(l);
    l->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(l->fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(l->fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(l->fd, 16), 0);
    socklen_t al = sizeof a;
    assert_int_equal(getsockname(l->fd, (struct sockaddr *)&a, &al), 0);
    l->port = ntohs(a.sin_port);
    atomic_init(&l->stop, false);
    atomic_init(&l->mode, (int)mode);
    atomic_init(&l->requests, 0);
    atomic_init(&l->accepted, 0);
    assert_int_equal(pthread_create(&l->th, NULL, lrs_main, l), 0);
    snprintf(f->cfg.sync.endpoint, sizeof f->cfg.sync.endpoint, "http://127.0.0.1:%d/xAPI",
             l->port);
    f->cfg.sync.batch_size = 10;
    return l;
}

static void lrs_stop(lrs *l)
{
    atomic_store(&l->stop, true);
    pthread_join(l->th, NULL);
    close(l->fd);
    free(l);
}

static void last_error(fx *f, char *buf, size_t len, int64_t *attempts)
{
    char path[CONFIG_PATH_MAX + 64];
    store *s = NULL;
    assert_int_equal(store_path(&f->cfg, path, sizeof path), LK_OK);
    assert_int_equal(store_open(path, &s, NULL, 0), LK_OK);
    assert_int_equal(store_outbox_head_error(s, buf, len, attempts), LK_OK);
    store_close(s);
}

/* 400 to everything, with statements sent before: nothing is quarantined, the
 * queue stays whole, the state says why, and few requests are spent on it. */
static void test_rejects_all_keeps_queue(void **state)
{
    fx *f = *state;
    lrs *l = lrs_start(f, LRS_ACCEPT);
    queue(f, 3);
    sync_report rep;
    assert_int_equal(sync_once(&f->cfg, &rep), LK_OK);
    assert_int_equal(rep.sent, 3);
    assert_string_equal(rep.cause, "");
    queue(f, 40);
    atomic_store(&l->mode, LRS_REJECT_ALL);
    for (int i = 1; i <= 2; i++) {
        assert_int_equal(sync_once(&f->cfg, &rep), LK_ERR_HTTP);
        assert_int_equal(rep.state, SYNC_ERROR);
        assert_string_equal(rep.cause, SYNC_CAUSE_REJECTS_ALL);
        assert_int_equal(rep.quarantined, 0);
        assert_int_equal(rep.sent, 0);
        assert_true(rep.requests <= 15);
        assert_non_null(strstr(rep.message, "lrs_rejects_all: "));
        assert_non_null(strstr(rep.message, "one it had accepted before"));
        assert_non_null(strstr(rep.message, "HTTP 400: no statements here"));
        store_outbox_stats ss = stats(f);
        assert_int_equal(ss.queued, 40);
        assert_int_equal(ss.quarantined, 0);
        char le[SYNC_MESSAGE_MAX];
        int64_t att = 0;
        last_error(f, le, sizeof le, &att);
        assert_string_equal(le, rep.message);
        assert_int_equal(att, i);
    }
    atomic_store(&l->mode, LRS_ACCEPT);
    assert_int_equal(sync_once(&f->cfg, &rep), LK_OK);
    assert_int_equal(rep.sent, 40);
    assert_int_equal(stats(f).sent, 43);
    char le[SYNC_MESSAGE_MAX] = "x";
    last_error(f, le, sizeof le, NULL);
    assert_string_equal(le, ""); /* empty queue, no error */
    lrs_stop(l);
}

/* A kiosk that never sent anything probes with another queued row; with a single
 * queued row there is nothing to compare with, and it stays queued too. */
static void test_rejects_all_fresh_kiosk(void **state)
{
    fx *f = *state;
    lrs *l = lrs_start(f, LRS_REJECT_ALL);
    queue(f, 1);
    sync_report rep;
    assert_int_equal(sync_once(&f->cfg, &rep), LK_ERR_HTTP);
    assert_string_equal(rep.cause, SYNC_CAUSE_REJECTS_ALL);
    assert_non_null(strstr(rep.message, "no other to try"));
    queue(f, 7);
    assert_int_equal(sync_once(&f->cfg, &rep), LK_ERR_HTTP);
    assert_string_equal(rep.cause, SYNC_CAUSE_REJECTS_ALL);
    assert_non_null(strstr(rep.message, "other queued ones"));
    assert_int_equal(stats(f).queued, 8);
    assert_int_equal(stats(f).quarantined, 0);
    lrs_stop(l);
}

/* An LRS that quotes a refused statement must not carry what a student typed into
 * the log or the outbox's last_error: the fill-in text is cut out. */
static void collect_reason(const char *uuid, const char *kind, const char *message, void *user)
{
    lk_strlcpy(user, message, 1024);
}

static void test_refusal_message_without_free_text(void **state)
{
    fx *f = *state;
    lrs *l = lrs_start(f, LRS_ECHO_BAD);
    char answer[512], ok_json[128];
    char u[37];
    lk_uuid4(u, sizeof u);
    snprintf(answer, sizeof answer,
             "{\"id\":\"%s\",\"bad\":1,\"object\":{\"definition\":{\"interactionType\":"
             "\"fill-in\"}},\"result\":{\"response\":\"Ik sprak met Anouk de Vries\"}}",
             u);
    char path[CONFIG_PATH_MAX + 64];
    store *s = NULL;
    assert_int_equal(store_path(&f->cfg, path, sizeof path), LK_OK);
    assert_int_equal(store_open(path, &s, NULL, 0), LK_OK);
    store_experience e;
    memset(&e, 0, sizeof e);
    lk_strlcpy(e.event_id, "EV1", sizeof e.event_id);
    lk_strlcpy(e.issuer, "00AA", sizeof e.issuer);
    lk_strlcpy(e.subject, "S1", sizeof e.subject);
    e.checkin_ms = lk_now_ms();
    lk_uuid4(e.checkin_uuid, sizeof e.checkin_uuid);
    snprintf(ok_json, sizeof ok_json, "{\"id\":\"%s\",\"ok\":1}", e.checkin_uuid);
    store_statement in = {e.checkin_uuid, "checkin", ok_json};
    assert_int_equal(store_record_checkin(s, &e, &in), LK_OK);
    store_answer a = {.question_id = "note", .response = "x", .answered_ms = e.checkin_ms,
                      .stmt = {u, "answer", answer}};
    assert_int_equal(store_record_answers(s, e.id, &a, 1), LK_OK);
    store_close(s);
    queue(f, 2); /* accepted after it: the answer is quarantined, not held */

    sync_report rep;
    assert_int_equal(sync_once(&f->cfg, &rep), LK_OK);
    assert_int_equal(rep.quarantined, 1);
    char reason[1024] = "";
    assert_int_equal(store_open(path, &s, NULL, 0), LK_OK);
    assert_int_equal(store_outbox_each_quarantined(s, collect_reason, reason), LK_OK);
    store_close(s);
    assert_non_null(strstr(reason, "invalid statement"));  /* the LRS's words are kept */
    assert_non_null(strstr(reason, "interactionType"));
    assert_null(strstr(reason, "Anouk"));                  /* what the student typed is not */
    assert_non_null(strstr(reason, "\xE2\x80\xA6"));
    lrs_stop(l);
}

/* Refused statements among accepted ones are quarantined, one by one, even a run
 * longer than SYNC_REJECT_RUN, at the head of the queue or at its tail. */
static void test_refused_among_accepted(void **state)
{
    fx *f = *state;
    lrs *l = lrs_start(f, LRS_REJECT_BAD);
    queue_json(f, 8, "{\"bad\":1}"); /* a run at the head, nothing ever sent */
    queue(f, 5);
    queue_json(f, 1, "{\"bad\":2}");
    queue(f, 6);
    sync_report rep;
    assert_int_equal(sync_once(&f->cfg, &rep), LK_OK);
    assert_int_equal(rep.quarantined, 9);
    assert_int_equal(rep.sent, 11);
    assert_string_equal(rep.cause, "");
    assert_int_equal(rep.state, SYNC_IDLE);
    queue(f, 3);
    queue_json(f, 1, "{\"bad\":3}"); /* the last row: nothing accepted after it */
    assert_int_equal(sync_once(&f->cfg, &rep), LK_OK);
    assert_int_equal(rep.quarantined, 1);
    assert_int_equal(rep.sent, 3);
    store_outbox_stats ss = stats(f);
    assert_int_equal(ss.queued, 0);
    assert_int_equal(ss.quarantined, 10);
    assert_int_equal(ss.sent, 14);
    /* Re-queued after "the cause was fixed": all go. */
    int64_t n = -1;
    assert_int_equal(sync_requeue_quarantined(&f->cfg, &n), LK_OK);
    assert_int_equal(n, 10);
    ss = stats(f);
    assert_int_equal(ss.queued, 10);
    assert_int_equal(ss.quarantined, 0);
    assert_int_equal(sync_requeue_quarantined(&f->cfg, &n), LK_OK);
    assert_int_equal(n, 0);
    atomic_store(&l->mode, LRS_ACCEPT);
    assert_int_equal(sync_once(&f->cfg, &rep), LK_OK);
    assert_int_equal(rep.sent, 10);
    assert_int_equal(stats(f).sent, 24);
    assert_int_equal(sync_requeue_quarantined(NULL, NULL), LK_ERR_INVALID);
    lrs_stop(l);
}

/* A stored batch is marked sent while the next request is on its way: when that
 * next one gets no answer, or is the last, the batch before is marked all the
 * same, and nothing after it. */
static void test_stored_batch_marked_when_next_fails(void **state)
{
    fx *f = *state;
    lrs *l = lrs_start(f, LRS_CUT_AFTER_2);
    queue(f, 45);
    sync_report rep;
    assert_int_not_equal(sync_once(&f->cfg, &rep), LK_OK);
    assert_int_equal(rep.state, SYNC_OFFLINE);
    assert_int_equal(rep.sent, 20);
    assert_int_equal(atomic_load(&l->accepted), 20);
    store_outbox_stats ss = stats(f);
    assert_int_equal(ss.sent, 20);
    assert_int_equal(ss.queued, 25);
    atomic_store(&l->mode, LRS_ACCEPT);
    assert_int_equal(sync_once(&f->cfg, &rep), LK_OK);
    assert_int_equal(rep.sent, 25); /* the last batch too, with no request after it */
    assert_int_equal(rep.requests, 3);
    ss = stats(f);
    assert_int_equal(ss.sent, 45);
    assert_int_equal(ss.queued, 0);
    lrs_stop(l);
}

/* A window of rows is marked offered before its first batch goes; a row another
 * process forgets after that, before its own batch goes, is not sent. */
static void test_forgotten_within_window_not_sent(void **state)
{
    fx *f = *state;
    lrs *l = lrs_start(f, LRS_FORGET_AT_2);
    assert_int_equal(store_path(&f->cfg, l->db, sizeof l->db), LK_OK);
    queue(f, 35); /* windows of 10, then 20 (two batches), then 5 */
    sync_report rep;
    assert_int_equal(sync_once(&f->cfg, &rep), LK_OK);
    assert_int_equal(atomic_load(&l->requests), 4);
    assert_int_equal(atomic_load(&l->sizes[1]), 10);
    assert_int_equal(atomic_load(&l->sizes[2]), 7); /* three were forgotten meanwhile */
    assert_int_equal(atomic_load(&l->sizes[3]), 5);
    assert_int_equal(rep.sent, 32);
    assert_int_equal(atomic_load(&l->accepted), 32);
    store_outbox_stats ss = stats(f);
    assert_int_equal(ss.sent, 32);
    assert_int_equal(ss.queued, 0);
    lrs_stop(l);
}

/* The thread reports lrs_rejects_all as an error and waits a while before the
 * next try; the admin's "sync now" tries at once and recovers. */
static void test_thread_rejects_all(void **state)
{
    fx *f = *state;
    lrs *l = lrs_start(f, LRS_REJECT_ALL);
    queue(f, 6);
    char err[256] = "";
    sync_thread *t = sync_start(&f->cfg, err, sizeof err);
    assert_non_null(t);
    sync_status s;
    int64_t until = lk_mono_ms() + 5000;
    do {
        usleep(20000);
        sync_status_get(t, &s);
    } while (s.state != SYNC_ERROR && lk_mono_ms() < until);
    assert_int_equal(s.state, SYNC_ERROR);
    assert_string_equal(s.cause, SYNC_CAUSE_REJECTS_ALL);
    assert_int_equal(s.http_status, 400);
    assert_int_equal(s.queued, 6);
    assert_int_equal(s.quarantined, 0);
    assert_true(s.next_try_ms >= lk_now_ms() + 50000);
    atomic_store(&l->mode, LRS_ACCEPT);
    sync_request_now(t);
    until = lk_mono_ms() + 5000;
    do {
        usleep(20000);
        sync_status_get(t, &s);
    } while ((s.state != SYNC_IDLE || s.queued != 0) && lk_mono_ms() < until);
    assert_int_equal(s.state, SYNC_IDLE);
    assert_string_equal(s.cause, "");
    assert_int_equal(s.sent, 6);
    sync_stop(t);
    lrs_stop(l);
}

/* Endpoints that answer 2xx but not as an LRS (xAPI 1.0.3: 200 and exactly the ids
 * sent): a web page, an empty body, wrong ids, fewer ids, status 299. Only ids the
 * answer listed count as sent; the pass stops with cause not_lrs, the rest stays
 * queued with the reason on the head row; a real LRS then gets them all. */
static void test_not_an_lrs_swallows_nothing(void **state)
{
    fx *f = *state;
    static const struct {
        lrs_mode mode;
        int64_t sent; /* of 4 queued: what the answer confirmed */
    } cases[] = {
        {LRS_HTML, 0}, {LRS_EMPTY, 0}, {LRS_WRONG_IDS, 0}, {LRS_FEWER_IDS, 3}, {LRS_299, 0},
    };
    lrs *l = lrs_start(f, LRS_ACCEPT);
    int64_t before = 0;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        atomic_store(&l->mode, (int)cases[k].mode);
        queue(f, 4);
        sync_report rep;
        assert_int_equal(sync_once(&f->cfg, &rep), LK_ERR_HTTP);
        assert_int_equal(rep.state, SYNC_ERROR);
        assert_string_equal(rep.cause, SYNC_CAUSE_NOT_LRS);
        assert_int_equal((int64_t)rep.sent, cases[k].sent);
        assert_int_equal(rep.requests, 1); /* no halving, no probing: it stops at once */
        store_outbox_stats ss = stats(f);
        assert_int_equal(ss.sent, before + cases[k].sent);
        assert_int_equal(ss.queued, 4 - cases[k].sent);
        assert_int_equal(ss.quarantined, 0);
        char why[SYNC_MESSAGE_MAX];
        int64_t attempts = 0;
        last_error(f, why, sizeof why, &attempts);
        assert_true(strncmp(why, "not_lrs: ", 9) == 0);
        assert_null(strstr(why, "Welkom")); /* the page's text is not repeated */
        assert_int_equal(attempts, 1);
        /* the real LRS is back: everything goes, exactly once */
        atomic_store(&l->mode, LRS_ACCEPT);
        int acc0 = atomic_load(&l->accepted);
        assert_int_equal(sync_once(&f->cfg, &rep), LK_OK);
        assert_string_equal(rep.cause, "");
        assert_int_equal((int64_t)(atomic_load(&l->accepted) - acc0), 4 - cases[k].sent);
        ss = stats(f);
        assert_int_equal(ss.queued, 0);
        assert_int_equal(ss.sent, before + 4);
        before += 4;
    }
    lrs_stop(l);
}

/* The thread shows not_lrs as an error with its cause and waits a minute or more. */
static void test_thread_not_an_lrs(void **state)
{
    fx *f = *state;
    lrs *l = lrs_start(f, LRS_HTML);
    queue(f, 3);
    sync_thread *t = sync_start(&f->cfg, NULL, 0);
    assert_non_null(t);
    sync_status s;
    int64_t until = lk_mono_ms() + 5000;
    do {
        usleep(20000);
        sync_status_get(t, &s);
    } while (s.state != SYNC_ERROR && lk_mono_ms() < until);
    assert_int_equal(s.state, SYNC_ERROR);
    assert_string_equal(s.cause, SYNC_CAUSE_NOT_LRS);
    assert_int_equal(s.queued, 3);
    assert_true(s.next_try_ms >= lk_now_ms() + 50000);
    sync_stop(t);
    lrs_stop(l);
}

/* 413: the batch is halved, and stays halved for the rest of the pass. With 10
 * queued, batches of 10 and an LRS that takes at most 3 a request, the requests
 * are 10 (413), 5 (413), then batches of 2: 2, 2, 1 and 2, 2, 1. */
static void test_413_halves_the_batch(void **state)
{
    fx *f = *state;
    lrs *l = lrs_start(f, LRS_413_OVER_3);
    queue(f, 10);
    sync_report rep;
    assert_int_equal(sync_once(&f->cfg, &rep), LK_OK);
    assert_int_equal(rep.sent, 10);
    assert_int_equal(rep.quarantined, 0);
    static const int want[] = {10, 5, 2, 2, 1, 2, 2, 1};
    assert_int_equal(rep.requests, sizeof want / sizeof want[0]);
    assert_int_equal(atomic_load(&l->requests), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_int_equal(atomic_load(&l->sizes[i]), want[i]);
    assert_int_equal(stats(f).sent, 10);
    lrs_stop(l);
}

/* 429 with Retry-After: 2: the thread waits those two seconds, not its own shorter
 * back-off (0.5-1 s after a first failure). */
static void test_thread_waits_retry_after(void **state)
{
    fx *f = *state;
    lrs *l = lrs_start(f, LRS_429);
    queue(f, 2);
    sync_thread *t = sync_start(&f->cfg, NULL, 0);
    assert_non_null(t);
    int64_t until = lk_mono_ms() + 15000;
    while (atomic_load(&l->requests) < 2 && lk_mono_ms() < until)
        usleep(20000);
    sync_status s;
    sync_status_get(t, &s);
    sync_stop(t);
    assert_true(atomic_load(&l->requests) >= 2);
    int64_t gap = atomic_load(&l->at_ms[1]) - atomic_load(&l->at_ms[0]);
    assert_true(gap >= 1900);  /* Retry-After honoured */
    assert_true(gap < 10000);  /* and not much more */
    assert_int_equal(s.http_status, 429);
    assert_int_equal(stats(f).queued, 2);
    lrs_stop(l);
}

/* The back-off has jitter: kiosks that lost the network together do not come back
 * in lockstep. Equal jitter: within [d/2, d] for d = 1 s doubled per failure. */
static void test_backoff_jitter(void **state)
{
    (void)state;
    for (int failures = 1; failures <= 12; failures++) {
        int64_t d = 1000;
        for (int i = 1; i < failures && d < LK_SYNC_BACKOFF_MAX_S * 1000; i++)
            d *= 2;
        if (d > LK_SYNC_BACKOFF_MAX_S * 1000)
            d = LK_SYNC_BACKOFF_MAX_S * 1000;
        int64_t lo = INT64_MAX, hi = 0;
        for (int k = 0; k < 200; k++) {
            int64_t w = sync_backoff_ms(failures);
            assert_true(w >= d / 2 && w <= d);
            lo = w < lo ? w : lo;
            hi = w > hi ? w : hi;
        }
        assert_true(hi - lo >= d / 4); /* 200 draws spread over most of the range */
    }
}

/* A COMMIT that fails (here a deferred foreign key that a trigger breaks, as a disk
 * error would) must not leave the sync thread inside its transaction: it would hold
 * the write lock for good and every check-in of the kiosk would fail as busy. */
static void test_failed_commit_releases_the_lock(void **state)
{
    fx *f = *state;
    queue(f, 2);
    char path[CONFIG_PATH_MAX + 64];
    store *s = NULL;
    assert_int_equal(store_path(&f->cfg, path, sizeof path), LK_OK);
    assert_int_equal(store_open(path, &s, NULL, 0), LK_OK);
    assert_int_equal(sqlite3_exec(store_db(s),
                                  "CREATE TABLE t_parent (id INTEGER PRIMARY KEY);"
                                  "CREATE TABLE t_child (pid INTEGER REFERENCES t_parent(id)"
                                  " DEFERRABLE INITIALLY DEFERRED);"
                                  "CREATE TRIGGER t_break AFTER UPDATE OF attempts ON outbox"
                                  " BEGIN INSERT INTO t_child VALUES (1); END;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    store_close(s);
    char err[256] = "";
    sync_thread *t = sync_start(&f->cfg, err, sizeof err);
    assert_non_null(t);
    sync_status st;
    int64_t until = lk_mono_ms() + 5000;
    do {
        usleep(20000);
        sync_status_get(t, &st);
    } while (st.state != SYNC_OFFLINE && lk_mono_ms() < until);
    assert_int_equal(st.state, SYNC_OFFLINE);
    /* Another connection (the kiosk's) can still write. */
    s = NULL;
    assert_int_equal(store_open(path, &s, NULL, 0), LK_OK);
    assert_int_equal(store_begin(s), LK_OK);
    store_rollback(s);
    store_close(s);
    sync_stop(t);
}

/* An LRS answer is foreign text: its terminal escapes, line breaks and NULs are
 * escaped before they reach the log, last_error and the report. */
static void test_lrs_error_text_escaped(void **state)
{
    fx *f = *state;
    lrs *l = lrs_start(f, LRS_ANSI);
    queue(f, 2);
    sync_report rep;
    assert_int_equal(sync_once(&f->cfg, &rep), LK_ERR_HTTP);
    lrs_stop(l);
    assert_null(strchr(rep.message, '\x1b'));
    assert_null(strchr(rep.message, '\n'));
    assert_null(strchr(rep.message, '\r'));
    if (!strstr(rep.message, "HTTP 400: \\x1b[31mrood\\x1b[0m\\r\\nsync: forged"))
        fail_msg("message '%s'", rep.message);
    char le[SYNC_MESSAGE_MAX];
    int64_t attempts = 0;
    last_error(f, le, sizeof le, &attempts);
    assert_null(strchr(le, '\x1b'));
    assert_non_null(strstr(le, "\\x1b[31mrood"));

    l = lrs_start(f, LRS_ANSI_RAW);
    assert_int_equal(sync_once(&f->cfg, &rep), LK_ERR_HTTP);
    lrs_stop(l);
    assert_null(strchr(rep.message, '\x1b'));
    assert_null(strchr(rep.message, '\x07'));
    assert_null(strchr(rep.message, '\x9b'));
    if (!strstr(rep.message, "HTTP 400: \\x1b]0;owned\\x07\\x1b[2J<h1>\\x9b31m</h1>"))
        fail_msg("message '%s'", rep.message);
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
        cmocka_unit_test_setup_teardown(test_rejects_all_keeps_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejects_all_fresh_kiosk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusal_message_without_free_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lrs_error_text_escaped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_among_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stored_batch_marked_when_next_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forgotten_within_window_not_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thread_rejects_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_commit_releases_the_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_an_lrs_swallows_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thread_not_an_lrs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_413_halves_the_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thread_waits_retry_after, setup, teardown),
        cmocka_unit_test(test_backoff_jitter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
