/* The sync thread and one-shot sync: outbox rows -> POST <endpoint>/statements
 * with libcurl, in outbox order, in batches. Only a 2xx marks rows sent, so a
 * crash at any point leads to a resend, which the LRS answers as a no-op. */
#include "lobkiosk/sync.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lobkiosk/store.h"
#include "lobkiosk/util.h"

#define SYNC_BODY_MAX (64 * 1024) /* keep at most this much of an LRS answer */
#define SYNC_BACKOFF_BASE_MS 1000 /* first retry after a failure, doubled each time */
#define SYNC_CRED_MAX 256         /* user and password buffers */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_OK;

/* curl_global_init is not thread-safe: everyone goes through this once. */
static void curl_init_once(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static bool curl_ready(void)
{
    pthread_once(&curl_once, curl_init_once);
    return curl_init_rc == CURLE_OK;
}

const char *sync_state_token(sync_state s)
{
    switch (s) {
    case SYNC_OFF: return "off";
    case SYNC_IDLE: return "idle";
    case SYNC_SENDING: return "sending";
    case SYNC_OFFLINE: return "offline";
    case SYNC_AUTH_FAILED: return "auth_failed";
    case SYNC_ERROR: return "error";
    }
    return "unknown";
}

lk_status sync_read_credentials(const char *path, char *user, char *password, size_t len)
{
    if (!path || !*path || !user || !password || len == 0)
        return LK_ERR_INVALID;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ELOOP ? LK_ERR_PERMISSION : LK_ERR_IO;
    struct stat sb;
    /* fstat on the open descriptor: the file checked is the file read. */
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return LK_ERR_IO;
    }
    if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
        close(fd);
        return LK_ERR_PERMISSION;
    }
    char buf[2 * SYNC_CRED_MAX + 2];
    ssize_t got = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (got < 0)
        return LK_ERR_IO;
    buf[got] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    char *colon = strchr(buf, ':');
    lk_status st = LK_ERR_INVALID;
    if (colon && colon != buf) {
        *colon = '\0';
        st = lk_strlcpy(user, buf, len) && lk_strlcpy(password, colon + 1, len) ? LK_OK
                                                                               : LK_ERR_INVALID;
    }
    sodium_memzero(buf, sizeof buf);
    return st;
}

/* --- one HTTP client, reused between requests for keep-alive ---------------------- */

typedef struct client {
    CURL *curl;
    struct curl_slist *headers;
    char url[CONFIG_PATH_MAX + 16];
    char user[SYNC_CRED_MAX], password[SYNC_CRED_MAX];
    atomic_bool *stop;          /* borrowed; set to abort a transfer in flight */
    char *req;                  /* request body buffer, reused */
    size_t req_cap;
    char body[SYNC_BODY_MAX + 1]; /* the LRS's answer, truncated */
    size_t body_len;
    size_t batch_cap;           /* statements per request; halves on 413 */
    store *st;                  /* borrowed store handle of this thread */
} client;

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
    client *c = user;
    size_t n = size * nmemb;
    size_t room = SYNC_BODY_MAX - c->body_len;
    size_t take = n < room ? n : room;
    memcpy(c->body + c->body_len, data, take);
    c->body_len += take;
    c->body[c->body_len] = '\0';
    return n;
}

static int on_progress(void *user, curl_off_t a, curl_off_t b, curl_off_t c_, curl_off_t d)
{
    client *c = user;
    return c->stop && atomic_load(c->stop) ? 1 : 0;
}

static void client_free(client *c)
{
    if (!c)
        return;
    if (c->curl)
        curl_easy_cleanup(c->curl);
    curl_slist_free_all(c->headers);
    free(c->req);
    sodium_memzero(c->user, sizeof c->user);
    sodium_memzero(c->password, sizeof c->password);
    free(c);
}

static size_t batch_size_of(const config *cfg)
{
    int b = cfg->sync.batch_size;
    if (b <= 0 || b > LK_SYNC_BATCH_MAX)
        b = LK_SYNC_BATCH_MAX;
    return (size_t)b;
}

/* Sets up a client for cfg. Credentials are checked here, so a kiosk with a
 * world-readable secret refuses to sync at all. err gets the reason. */
static lk_status client_new(const config *cfg, atomic_bool *stop, client **out, char *err,
                            size_t err_len)
{
    *out = NULL;
    if (!curl_ready()) {
        snprintf(err, err_len, "libcurl could not be initialised");
        return LK_ERR_NETWORK;
    }
    client *c = calloc(1, sizeof *c);
    if (!c)
        return LK_ERR_NOMEM;
    c->stop = stop;
    c->batch_cap = batch_size_of(cfg);
    const char *ep = cfg->sync.endpoint;
    size_t el = strlen(ep);
    int n = snprintf(c->url, sizeof c->url, "%.*s/statements", (int)(el && ep[el - 1] == '/' ? el - 1 : el), ep);
    if (n < 0 || (size_t)n >= sizeof c->url) {
        snprintf(err, err_len, "endpoint too long");
        client_free(c);
        return LK_ERR_CONFIG;
    }
    bool auth = cfg->sync.credentials_file[0] != '\0';
    if (auth) {
        lk_status st = sync_read_credentials(cfg->sync.credentials_file, c->user, c->password,
                                             sizeof c->user);
        if (st != LK_OK) {
            snprintf(err, err_len,
                     st == LK_ERR_PERMISSION
                         ? "credentials file %s is readable by group or others (chmod 600 it)"
                     : st == LK_ERR_INVALID ? "credentials file %s must hold user:password"
                                            : "credentials file %s cannot be read",
                     cfg->sync.credentials_file);
            client_free(c);
            return st;
        }
    }
    c->curl = curl_easy_init();
    c->headers = curl_slist_append(NULL, "X-Experience-API-Version: 1.0.3");
    struct curl_slist *h2 = c->headers ? curl_slist_append(c->headers, "Content-Type: application/json") : NULL;
    if (!c->curl || !h2) {
        client_free(c);
        return LK_ERR_NOMEM;
    }
    c->headers = h2;
    /* Expect: 100-continue would cost a round trip per batch for nothing. */
    c->headers = curl_slist_append(c->headers, "Expect:");
    CURL *e = c->curl;
    long ct = cfg->sync.connect_timeout_s > 0 ? cfg->sync.connect_timeout_s : LK_SYNC_CONNECT_TIMEOUT_S;
    long tt = cfg->sync.timeout_s > 0 ? cfg->sync.timeout_s : LK_SYNC_TIMEOUT_S;
    bool ok = curl_easy_setopt(e, CURLOPT_URL, c->url) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->headers) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, ct) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_TIMEOUT, tt) == CURLE_OK &&
              /* TLS verification is never switched off; only the CA set can change. */
              curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_WRITEDATA, c) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_XFERINFODATA, c) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_USERAGENT, "lobkiosk") == CURLE_OK;
    if (ok && cfg->sync.ca_file[0])
        ok = curl_easy_setopt(e, CURLOPT_CAINFO, cfg->sync.ca_file) == CURLE_OK;
    if (ok && auth)
        ok = curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) == CURLE_OK &&
             curl_easy_setopt(e, CURLOPT_USERNAME, c->user) == CURLE_OK &&
             curl_easy_setopt(e, CURLOPT_PASSWORD, c->password) == CURLE_OK;
    if (!ok) {
        snprintf(err, err_len, "libcurl refused an option (is it built with http and https?)");
        client_free(c);
        return LK_ERR_UNSUPPORTED;
    }
    *out = c;
    return LK_OK;
}

/* POSTs items[0..n) as one JSON array. The rows already hold whole statements
 * serialised by jansson, so the array is their concatenation: no re-parsing of
 * every statement on every attempt. *http gets the status (0 without an answer). */
static lk_status client_post(client *c, const store_outbox_item *items, size_t n, long *http,
                             char *err, size_t err_len)
{
    size_t need = 3;
    for (size_t i = 0; i < n; i++)
        need += strlen(items[i].json) + 1;
    if (need > c->req_cap) {
        char *r = realloc(c->req, need);
        if (!r)
            return LK_ERR_NOMEM;
        c->req = r;
        c->req_cap = need;
    }
    size_t used = 0;
    c->req[used++] = '[';
    for (size_t i = 0; i < n; i++) {
        if (i)
            c->req[used++] = ',';
        size_t l = strlen(items[i].json);
        memcpy(c->req + used, items[i].json, l);
        used += l;
    }
    c->req[used++] = ']';
    c->req[used] = '\0';
    c->body_len = 0;
    c->body[0] = '\0';
    *http = 0;
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)used);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, c->req);
    CURLcode rc = curl_easy_perform(c->curl);
    if (rc != CURLE_OK) {
        snprintf(err, err_len, "%s", curl_easy_strerror(rc));
        return rc == CURLE_OPERATION_TIMEDOUT ? LK_ERR_TIMEOUT : LK_ERR_NETWORK;
    }
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, http);
    return LK_OK;
}

/* The LRS's reason for a refusal: its JSON "message" (plus the first warning when
 * Learning Locker gives one), or the start of the raw body. */
static void lrs_message(const client *c, long http, char *out, size_t len)
{
    json_error_t e;
    json_t *j = json_loads(c->body, 0, &e);
    const char *msg = j ? json_string_value(json_object_get(j, "message")) : NULL;
    char *warn = NULL;
    json_t *w = j ? json_array_get(json_object_get(j, "warnings"), 0) : NULL;
    if (w && !msg && json_is_string(w))
        msg = json_string_value(w); /* Learning Locker's 400: the reason is the warning */
    else if (w)
        warn = json_dumps(w, JSON_COMPACT);
    if (msg)
        snprintf(out, len, "HTTP %ld: %s%s%s", http, msg, warn ? " " : "", warn ? warn : "");
    else
        snprintf(out, len, "HTTP %ld: %.200s", http, c->body);
    free(warn);
    json_decref(j);
    /* One line: the admin screen and sync --status print it as is. */
    for (char *p = out; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

static lk_status ids_of(const store_outbox_item *items, size_t n, int64_t **out)
{
    *out = malloc((n ? n : 1) * sizeof **out);
    if (!*out)
        return LK_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        (*out)[i] = items[i].id;
    return LK_OK;
}

/* Sends items[0..n) and settles every one of them (sent or quarantined), or
 * returns the reason to stop. Splits on 400/409 (to find the culprit) and 413. */
static lk_status send_range(client *c, const store_outbox_item *items, size_t n,
                            sync_report *rep)
{
    if (n == 0)
        return LK_OK;
    if (c->stop && atomic_load(c->stop))
        return LK_ERR_BUSY;
    if (n > c->batch_cap) {
        for (size_t off = 0; off < n;) {
            size_t k = n - off < c->batch_cap ? n - off : c->batch_cap;
            lk_status st = send_range(c, items + off, k, rep);
            if (st != LK_OK)
                return st;
            off += k;
        }
        return LK_OK;
    }
    long http = 0;
    char err[SYNC_MESSAGE_MAX] = "";
    int64_t *ids = NULL;
    lk_status st = ids_of(items, n, &ids);
    if (st != LK_OK)
        return st;
    st = client_post(c, items, n, &http, err, sizeof err);
    rep->requests++;
    rep->http_status = (int)http;
    if (st != LK_OK) {
        snprintf(rep->message, sizeof rep->message, "%s", err);
        if (store_outbox_attempted(c->st, ids, n) != LK_OK)
            fprintf(stderr, "sync: could not count the attempt\n");
        free(ids);
        return st;
    }
    if (http >= 200 && http < 300) {
        st = store_outbox_mark_sent(c->st, ids, n, lk_now_ms());
        free(ids);
        if (st != LK_OK) {
            snprintf(rep->message, sizeof rep->message, "store: cannot mark rows sent");
            return st;
        }
        rep->sent += n;
        return LK_OK;
    }
    if (http == 400 || http == 409 || http == 413) {
        if (n > 1) {
            free(ids);
            if (http == 413)
                c->batch_cap = n / 2;
            size_t half = n / 2;
            st = send_range(c, items, half, rep);
            return st != LK_OK ? st : send_range(c, items + half, n - half, rep);
        }
        /* One statement the LRS will never take: set it aside with the reason so
         * it does not block the queue. */
        char msg[SYNC_MESSAGE_MAX];
        lrs_message(c, http, msg, sizeof msg);
        fprintf(stderr, "sync: statement %s quarantined: %s\n", items[0].uuid, msg);
        st = store_outbox_quarantine(c->st, ids[0], msg);
        free(ids);
        if (st != LK_OK)
            return st;
        rep->quarantined++;
        return LK_OK;
    }
    if (store_outbox_attempted(c->st, ids, n) != LK_OK)
        fprintf(stderr, "sync: could not count the attempt\n");
    free(ids);
    if (http == 401 || http == 403) {
        snprintf(rep->message, sizeof rep->message,
                 http == 401 ? "HTTP 401: the LRS refused the credentials"
                             : "HTTP 403: the credentials may not write statements");
        return LK_ERR_AUTH;
    }
    if (http == 429) {
        curl_off_t ra = 0;
        if (curl_easy_getinfo(c->curl, CURLINFO_RETRY_AFTER, &ra) != CURLE_OK || ra <= 0)
            ra = 0;
        if (ra > LK_SYNC_BACKOFF_MAX_S)
            ra = LK_SYNC_BACKOFF_MAX_S;
        rep->retry_after_ms = (int64_t)ra * 1000;
        snprintf(rep->message, sizeof rep->message, "HTTP 429: the LRS asked to wait %lds",
                 (long)ra);
        return LK_ERR_HTTP;
    }
    lrs_message(c, http, rep->message, sizeof rep->message);
    return LK_ERR_HTTP;
}

/* Sends queued rows until the queue is empty or something says stop. */
static lk_status run_pass(client *c, const config *cfg, sync_report *rep,
                          void (*on_sending)(void *), void *user)
{
    for (;;) {
        if (c->stop && atomic_load(c->stop))
            return LK_ERR_BUSY;
        store_outbox_item *items = NULL;
        size_t n = 0;
        lk_status st = store_outbox_next(c->st, batch_size_of(cfg), &items, &n);
        if (st != LK_OK) {
            snprintf(rep->message, sizeof rep->message, "store: cannot read the outbox (%s)",
                     lk_strerror(st));
            return st;
        }
        if (n == 0) {
            rep->state = SYNC_IDLE;
            return LK_OK;
        }
        if (on_sending)
            on_sending(user);
        st = send_range(c, items, n, rep);
        store_outbox_free(items, n);
        if (st != LK_OK)
            return st;
    }
}

static sync_state state_for(lk_status st)
{
    switch (st) {
    case LK_OK: return SYNC_IDLE;
    case LK_ERR_AUTH: return SYNC_AUTH_FAILED;
    case LK_ERR_NETWORK:
    case LK_ERR_TIMEOUT:
    case LK_ERR_HTTP: return SYNC_OFFLINE;
    default: return SYNC_ERROR;
    }
}

lk_status sync_once(const config *cfg, sync_report *out)
{
    sync_report rep;
    memset(&rep, 0, sizeof rep);
    rep.state = SYNC_OFF;
    lk_status st = LK_ERR_UNSUPPORTED;
    client *c = NULL;
    store *s = NULL;
    if (!cfg) {
        st = LK_ERR_INVALID;
        goto out;
    }
    if (!cfg->sync.endpoint[0]) {
        snprintf(rep.message, sizeof rep.message, "sync is off: no endpoint in [sync]");
        goto out;
    }
    st = client_new(cfg, NULL, &c, rep.message, sizeof rep.message);
    if (st != LK_OK) {
        rep.state = SYNC_ERROR;
        goto out;
    }
    char path[CONFIG_PATH_MAX + 64];
    char err[256] = "";
    st = store_path(cfg, path, sizeof path);
    if (st == LK_OK)
        st = store_open(path, &s, err, sizeof err);
    if (st != LK_OK) {
        snprintf(rep.message, sizeof rep.message, "store: %s", err[0] ? err : lk_strerror(st));
        rep.state = SYNC_ERROR;
        goto out;
    }
    c->st = s;
    st = run_pass(c, cfg, &rep, NULL, NULL);
    rep.state = state_for(st);
out:
    client_free(c);
    store_close(s);
    if (out)
        *out = rep;
    return st;
}

/* --- the thread ----------------------------------------------------------------------- */

struct sync_thread {
    const config *cfg;          /* borrowed */
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;          /* signalled by wake, request_now and stop */
    bool wake, now, stop;       /* requests, under mu */
    atomic_bool abort;          /* stop, visible to the transfer in flight */
    client *c;                  /* owned by the thread while it runs */
    sync_status status;         /* under mu */
};

static void set_state(sync_thread *t, sync_state s, const char *msg)
{
    pthread_mutex_lock(&t->mu);
    t->status.state = s;
    if (msg)
        lk_strlcpy(t->status.message, msg, sizeof t->status.message);
    pthread_mutex_unlock(&t->mu);
}

static void on_sending(void *user)
{
    set_state(user, SYNC_SENDING, "");
}

static void refresh_counts(sync_thread *t, store *s)
{
    store_outbox_stats ss;
    if (!s || store_outbox_stats_get(s, &ss) != LK_OK)
        return;
    pthread_mutex_lock(&t->mu);
    t->status.queued = ss.queued;
    t->status.quarantined = ss.quarantined;
    t->status.sent = ss.sent;
    t->status.last_sync_ms = ss.last_sent_ms;
    pthread_mutex_unlock(&t->mu);
}

/* Exponential back-off with "equal jitter": half fixed, half random, so kiosks
 * that lost the network together do not come back in lockstep. */
static int64_t backoff_ms(int failures)
{
    int64_t cap = (int64_t)LK_SYNC_BACKOFF_MAX_S * 1000;
    int64_t d = SYNC_BACKOFF_BASE_MS;
    for (int i = 1; i < failures && d < cap; i++)
        d *= 2;
    if (d > cap)
        d = cap;
    return d / 2 + (int64_t)randombytes_uniform((uint32_t)(d / 2 + 1));
}

static void *thread_main(void *arg)
{
    sync_thread *t = arg;
    store *s = NULL;
    int failures = 0;
    for (;;) {
        sync_report rep;
        memset(&rep, 0, sizeof rep);
        lk_status st;
        if (!s) {
            char path[CONFIG_PATH_MAX + 64];
            char err[256] = "";
            st = store_path(t->cfg, path, sizeof path);
            if (st == LK_OK)
                st = store_open(path, &s, err, sizeof err);
            if (st != LK_OK) {
                s = NULL;
                snprintf(rep.message, sizeof rep.message, "store: %s",
                         err[0] ? err : lk_strerror(st));
            }
        }
        if (s) {
            t->c->st = s;
            refresh_counts(t, s);
            st = run_pass(t->c, t->cfg, &rep, on_sending, t);
            refresh_counts(t, s);
        } else {
            st = LK_ERR_DB;
        }
        if (st == LK_ERR_BUSY && atomic_load(&t->abort))
            break;
        int64_t wait_ms;
        sync_state ns = state_for(st);
        if (st == LK_OK) {
            failures = 0;
            wait_ms = (int64_t)(t->cfg->sync.interval_s > 0 ? t->cfg->sync.interval_s
                                                            : LK_SYNC_INTERVAL_S) * 1000;
        } else if (st == LK_ERR_AUTH) {
            wait_ms = -1; /* until the admin asks again */
        } else if (rep.retry_after_ms > 0) {
            wait_ms = rep.retry_after_ms;
        } else {
            wait_ms = backoff_ms(++failures);
        }
        if (st != LK_OK)
            fprintf(stderr, "sync: %s: %s\n", sync_state_token(ns), rep.message);
        pthread_mutex_lock(&t->mu);
        t->status.state = ns;
        t->status.http_status = rep.http_status;
        lk_strlcpy(t->status.message, st == LK_OK ? "" : rep.message, sizeof t->status.message);
        int64_t deadline = wait_ms < 0 ? INT64_MAX : lk_mono_ms() + wait_ms;
        t->status.next_try_ms = wait_ms < 0 || st == LK_OK ? 0 : lk_now_ms() + wait_ms;
        bool quiet = st != LK_OK; /* back-off: new rows only refresh the counts */
        for (;;) {
            if (t->stop || t->now)
                break;
            if (t->wake) {
                t->wake = false;
                if (!quiet)
                    break;
                pthread_mutex_unlock(&t->mu);
                refresh_counts(t, s);
                pthread_mutex_lock(&t->mu);
                continue;
            }
            int64_t left = deadline == INT64_MAX ? 3600000 : deadline - lk_mono_ms();
            if (left <= 0)
                break;
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_sec += (time_t)(left / 1000);
            ts.tv_nsec += (long)(left % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&t->cv, &t->mu, &ts);
        }
        bool stop = t->stop;
        t->now = false;
        t->wake = false;
        pthread_mutex_unlock(&t->mu);
        if (stop)
            break;
    }
    store_close(s);
    return NULL;
}

sync_thread *sync_start(const config *cfg, char *err, size_t err_len)
{
    char dummy[8];
    if (!err) {
        err = dummy;
        err_len = sizeof dummy;
    }
    if (err_len)
        err[0] = '\0';
    if (!cfg || !cfg->sync.endpoint[0])
        return NULL; /* sync off: no thread, err "" */
    sync_thread *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    t->cfg = cfg;
    atomic_init(&t->abort, false);
    if (client_new(cfg, &t->abort, &t->c, err, err_len) != LK_OK) {
        free(t);
        return NULL;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, &ca);
    pthread_condattr_destroy(&ca);
    t->status.state = SYNC_IDLE;
    if (pthread_create(&t->th, NULL, thread_main, t) != 0) {
        snprintf(err, err_len, "cannot start the sync thread");
        client_free(t->c);
        pthread_cond_destroy(&t->cv);
        pthread_mutex_destroy(&t->mu);
        free(t);
        return NULL;
    }
    return t;
}

static void signal_flag(sync_thread *t, bool *flag)
{
    pthread_mutex_lock(&t->mu);
    *flag = true;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
}

void sync_wake(sync_thread *t)
{
    if (t)
        signal_flag(t, &t->wake);
}

void sync_request_now(sync_thread *t)
{
    if (t)
        signal_flag(t, &t->now);
}

void sync_status_get(sync_thread *t, sync_status *out)
{
    if (!out)
        return;
    if (!t) {
        memset(out, 0, sizeof *out);
        out->state = SYNC_OFF;
        return;
    }
    pthread_mutex_lock(&t->mu);
    *out = t->status;
    pthread_mutex_unlock(&t->mu);
}

void sync_stop(sync_thread *t)
{
    if (!t)
        return;
    atomic_store(&t->abort, true);
    signal_flag(t, &t->stop);
    pthread_join(t->th, NULL);
    client_free(t->c);
    pthread_cond_destroy(&t->cv);
    pthread_mutex_destroy(&t->mu);
    free(t);
}
