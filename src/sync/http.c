/* The one HTTP transport to the LRS: see http.h. */
#include "lobkiosk/http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/defaults.h"
#include "lobkiosk/util.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_OK;

/* curl_global_init is not thread-safe: everyone goes through this once. */
static void curl_init_once(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

lk_status http_global_init(void)
{
    pthread_once(&curl_once, curl_init_once);
    return curl_init_rc == CURLE_OK ? LK_OK : LK_ERR_NETWORK;
}

struct http_conn {
    CURL *curl;
    CURLM *multi;     /* requests run through it (http_request_start/_finish), so the
                         connection it keeps is reused by every request */
    bool in_flight;   /* between http_request_start and http_request_finish */
    http_answer *out; /* where http_request_finish puts the answer (borrowed) */
    struct curl_slist *headers;
    atomic_bool *stop; /* borrowed */
    char errbuf[CURL_ERROR_SIZE];
    char body[HTTP_BODY_MAX + 1];
    size_t body_len;
    bool truncated;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
    http_conn *c = user;
    size_t n = size * nmemb;
    size_t room = HTTP_BODY_MAX - c->body_len;
    size_t take = n < room ? n : room;
    if (take < n)
        c->truncated = true;
    memcpy(c->body + c->body_len, data, take);
    c->body_len += take;
    c->body[c->body_len] = '\0';
    return n;
}

static int on_progress(void *user, curl_off_t a, curl_off_t b, curl_off_t c_, curl_off_t d)
{
    http_conn *c = user;
    return c->stop && atomic_load(c->stop) ? 1 : 0;
}

void http_conn_free(http_conn *c)
{
    if (!c)
        return;
    if (c->in_flight)
        curl_multi_remove_handle(c->multi, c->curl);
    if (c->multi)
        curl_multi_cleanup(c->multi);
    if (c->curl)
        curl_easy_cleanup(c->curl);
    curl_slist_free_all(c->headers);
    free(c);
}

/* Appends one header; false (and the list left as it was) when out of memory. */
static bool add_header(struct curl_slist **list, const char *h)
{
    struct curl_slist *n = curl_slist_append(*list, h);
    if (!n)
        return false;
    *list = n;
    return true;
}

lk_status http_conn_new(const config_sync *sc, const char *user, const char *password,
                        atomic_bool *stop, http_conn **out, char *err, size_t err_len)
{
    if (out)
        *out = NULL;
    if (!sc || !out || (!user != !password)) {
        snprintf(err, err_len, "invalid HTTP set-up");
        return LK_ERR_INVALID;
    }
    if (http_global_init() != LK_OK) {
        snprintf(err, err_len, "libcurl could not be initialised");
        return LK_ERR_NETWORK;
    }
    http_conn *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, err_len, "out of memory");
        return LK_ERR_NOMEM;
    }
    c->stop = stop;
    c->curl = curl_easy_init();
    c->multi = curl_multi_init();
    /* Expect: 100-continue would cost a round trip per batch for nothing. */
    if (!c->curl || !c->multi || !add_header(&c->headers, "X-Experience-API-Version: 1.0.3") ||
        !add_header(&c->headers, "Content-Type: application/json") ||
        !add_header(&c->headers, "Expect:")) {
        snprintf(err, err_len, "out of memory");
        http_conn_free(c);
        return LK_ERR_NOMEM;
    }
    CURL *e = c->curl;
    long ct = sc->connect_timeout_s > 0 ? sc->connect_timeout_s : LK_SYNC_CONNECT_TIMEOUT_S;
    long tt = sc->timeout_s > 0 ? sc->timeout_s : LK_SYNC_TIMEOUT_S;
    bool ok = curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->headers) == CURLE_OK &&
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
              curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_USERAGENT, "lobkiosk") == CURLE_OK;
    if (ok && sc->ca_file[0])
        ok = curl_easy_setopt(e, CURLOPT_CAINFO, sc->ca_file) == CURLE_OK;
    if (ok && user)
        ok = curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) == CURLE_OK &&
             curl_easy_setopt(e, CURLOPT_USERNAME, user) == CURLE_OK &&
             curl_easy_setopt(e, CURLOPT_PASSWORD, password) == CURLE_OK;
    if (!ok) {
        snprintf(err, err_len,
                 "libcurl refused an option (out of memory, or built without "
                 "http and https)");
        http_conn_free(c);
        return LK_ERR_UNSUPPORTED;
    }
    *out = c;
    return LK_OK;
}

lk_status http_url(const config_sync *sc, const char *path, char *buf, size_t len)
{
    if (!sc || !path || !buf || len == 0)
        return LK_ERR_INVALID;
    size_t el = strlen(sc->endpoint);
    if (el && sc->endpoint[el - 1] == '/')
        el--;
    while (*path == '/')
        path++;
    int n = snprintf(buf, len, "%.*s/%s", (int)el, sc->endpoint, path);
    return n >= 0 && (size_t)n < len ? LK_OK : LK_ERR_CONFIG;
}

lk_status http_request_start(http_conn *c, const char *url, const char *body, size_t len,
                             http_answer *out, char *err, size_t err_len)
{
    if (!c || !url || !out || c->in_flight)
        return LK_ERR_INVALID;
    memset(out, 0, sizeof *out);
    c->body_len = 0;
    c->body[0] = '\0';
    c->truncated = false;
    c->errbuf[0] = '\0';
    out->body = c->body;
    CURL *e = c->curl;
    bool ok = curl_easy_setopt(e, CURLOPT_URL, url) == CURLE_OK;
    if (ok && body)
        ok = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) == CURLE_OK &&
             curl_easy_setopt(e, CURLOPT_POSTFIELDS, body) == CURLE_OK;
    else if (ok)
        ok = curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) == CURLE_OK;
    if (!ok || curl_multi_add_handle(c->multi, e) != CURLM_OK) {
        snprintf(err, err_len, "libcurl refused the request");
        return LK_ERR_NETWORK;
    }
    c->in_flight = true;
    c->out = out;
    /* as far as it goes without waiting: usually the whole request is on its way */
    int running = 0;
    curl_multi_perform(c->multi, &running);
    return LK_OK;
}

lk_status http_request_finish(http_conn *c, char *err, size_t err_len)
{
    if (!c || !c->in_flight)
        return LK_ERR_INVALID;
    CURLcode rc = CURLE_OK;
    bool done = false;
    while (!done) {
        int running = 0;
        CURLMcode mc = curl_multi_perform(c->multi, &running);
        int left = 0;
        CURLMsg *m;
        while ((m = curl_multi_info_read(c->multi, &left)) != NULL)
            if (m->msg == CURLMSG_DONE && m->easy_handle == c->curl) {
                rc = m->data.result;
                done = true;
            }
        if (!done && mc != CURLM_OK) {
            rc = CURLE_FAILED_INIT;
            done = true;
        }
        /* libcurl enforces the timeouts and calls on_progress (stop) in perform */
        if (!done && curl_multi_poll(c->multi, NULL, 0, 1000, NULL) != CURLM_OK) {
            rc = CURLE_FAILED_INIT;
            done = true;
        }
    }
    curl_multi_remove_handle(c->multi, c->curl);
    c->in_flight = false;
    http_answer *out = c->out;
    CURL *e = c->curl;
    if (rc != CURLE_OK) {
        if (rc == CURLE_ABORTED_BY_CALLBACK && c->stop && atomic_load(c->stop)) {
            snprintf(err, err_len, "stopped");
            return LK_ERR_BUSY;
        }
        out->tls_failed = rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
                          rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CERTPROBLEM;
        /* libcurl's message may quote what the server sent (a redirect, a header) */
        lk_log_escape(c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc), err, err_len);
        return rc == CURLE_OPERATION_TIMEDOUT ? LK_ERR_TIMEOUT : LK_ERR_NETWORK;
    }
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &out->status);
    curl_off_t ra = 0;
    if (curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
        out->retry_after_s = (int64_t)ra;
    out->body_len = c->body_len;
    out->truncated = c->truncated;
    return LK_OK;
}

lk_status http_request(http_conn *c, const char *url, const char *body, size_t len,
                       http_answer *out, char *err, size_t err_len)
{
    lk_status st = http_request_start(c, url, body, len, out, err, err_len);
    return st == LK_OK ? http_request_finish(c, err, err_len) : st;
}

/* A growing buffer for http_fetch. */
typedef struct fetch_buf {
    char *data;
    size_t len, cap, max;
    bool too_big;
} fetch_buf;

static size_t on_fetch(char *data, size_t size, size_t nmemb, void *user)
{
    fetch_buf *b = user;
    size_t n = size * nmemb;
    if (b->len + n > b->max) {
        b->too_big = true;
        return 0; /* libcurl stops with a write error */
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown)
            return 0;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

lk_status http_fetch(http_conn *c, const char *url, int64_t since_s, size_t max, char **body,
                     size_t *len, long *status, int64_t *modified_s, char *err, size_t err_len)
{
    if (!c || !url || !body || !len || !status)
        return LK_ERR_INVALID;
    *body = NULL;
    *len = 0;
    *status = 0;
    if (modified_s)
        *modified_s = 0;
    fetch_buf b = {.max = max};
    CURL *e = c->curl;
    c->errbuf[0] = '\0';
    bool ok = curl_easy_setopt(e, CURLOPT_URL, url) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_fetch) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_WRITEDATA, &b) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_TIMECONDITION,
                               since_s > 0 ? (long)CURL_TIMECOND_IFMODSINCE
                                           : (long)CURL_TIMECOND_NONE) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_TIMEVALUE_LARGE, (curl_off_t)since_s) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_FILETIME, 1L) == CURLE_OK;
    CURLcode rc = ok ? curl_easy_perform(e) : CURLE_FAILED_INIT;
    /* back to what http_request expects */
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(e, CURLOPT_TIMECONDITION, (long)CURL_TIMECOND_NONE);
    curl_easy_setopt(e, CURLOPT_FILETIME, 0L);
    if (rc != CURLE_OK) {
        free(b.data);
        if (b.too_big) {
            snprintf(err, err_len, "the file is larger than %zu bytes", max);
            return LK_ERR_FULL;
        }
        if (rc == CURLE_ABORTED_BY_CALLBACK && c->stop && atomic_load(c->stop)) {
            snprintf(err, err_len, "stopped");
            return LK_ERR_BUSY;
        }
        lk_log_escape(c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc), err, err_len);
        return rc == CURLE_OPERATION_TIMEDOUT ? LK_ERR_TIMEOUT : LK_ERR_NETWORK;
    }
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, status);
    curl_off_t ft = -1;
    if (modified_s && curl_easy_getinfo(e, CURLINFO_FILETIME_T, &ft) == CURLE_OK && ft > 0)
        *modified_s = (int64_t)ft;
    if (*status == 200 && b.data) {
        *body = b.data;
        *len = b.len;
    } else {
        free(b.data);
    }
    return LK_OK;
}
