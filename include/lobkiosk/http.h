/* The one HTTP transport to the LRS, shared by the sync thread, `sync --verify`
 * and `check --network`: libcurl set up the same way for all of them (timeouts
 * from [sync], TLS verification always on with an optional CA file, http and
 * https only, no redirects, the xAPI version header, keep-alive between requests).
 * libcurl's global state is initialised once here (pthread_once); nothing else
 * in the program calls curl_global_init. One connection per thread; a connection
 * is not shared between threads. */
#ifndef LOBKIOSK_HTTP_H
#define LOBKIOSK_HTTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/config.h"
#include "lobkiosk/status.h"

/* At most this much of an answer's body is kept; the rest is read and dropped. */
#define HTTP_BODY_MAX (64 * 1024)

typedef struct http_conn http_conn;

/* What the LRS answered to one request. */
typedef struct http_answer {
    long status;           /* HTTP status, 0 when there was no answer */
    const char *body;      /* the body, NUL-terminated, cut at HTTP_BODY_MAX; owned by
                              the connection and valid until its next request */
    size_t body_len;       /* bytes in body */
    bool truncated;        /* the body was longer than HTTP_BODY_MAX */
    int64_t retry_after_s; /* the Retry-After header in seconds, 0 when none */
    bool tls_failed;       /* no answer because TLS failed (certificate, CA file) */
} http_answer;

/* Initialises libcurl's global state once for the process (thread-safe). LK_OK or
 * LK_ERR_NETWORK when libcurl cannot start. */
lk_status http_global_init(void) LK_MUST_CHECK;

/* A connection to the LRS of sc. user and password (both NULL: none) are used for
 * HTTP basic auth; libcurl keeps its own copies, so the caller may wipe them at
 * once. stop (may be NULL, borrowed) aborts a transfer in flight when set. err gets
 * the reason on failure. Free with http_conn_free(). */
lk_status http_conn_new(const config_sync *sc, const char *user, const char *password,
                        atomic_bool *stop, http_conn **out, char *err,
                        size_t err_len) LK_MUST_CHECK;

/* Frees a connection; accepts NULL. */
void http_conn_free(http_conn *c);

/* <endpoint>/<path> into buf (one '/' between them). LK_ERR_CONFIG when too long. */
lk_status http_url(const config_sync *sc, const char *path, char *buf, size_t len) LK_MUST_CHECK;

/* Sends one request: a POST of body[0..len) as application/json when body is not
 * NULL, else a GET. url is <endpoint>/... (http_url). *out gets the answer. LK_OK
 * when the LRS answered (any status); LK_ERR_TIMEOUT or LK_ERR_NETWORK without an
 * answer (err gets libcurl's reason, out->tls_failed tells a TLS failure);
 * LK_ERR_BUSY when stop was set. */
lk_status http_request(http_conn *c, const char *url, const char *body, size_t len,
                       http_answer *out, char *err, size_t err_len) LK_MUST_CHECK;

/* http_request in two halves, so the caller can work while the LRS does: _start
 * sends what it can of the request and returns at once; _finish waits for the
 * answer and returns as http_request does (out, given to _start, gets it). One
 * request at a time per connection; nothing else may use c in between. */
lk_status http_request_start(http_conn *c, const char *url, const char *body, size_t len,
                             http_answer *out, char *err, size_t err_len) LK_MUST_CHECK;
lk_status http_request_finish(http_conn *c, char *err, size_t err_len) LK_MUST_CHECK;

/* GETs a file of up to max bytes from url on c (its timeouts and TLS rules; the
 * xAPI headers are sent but harmless): *body (heap, NUL-terminated, free()) and
 * *len get it on a 200. With since_s > 0 the request carries If-Modified-Since
 * (seconds since the epoch), and an unchanged file answers 304 with no body.
 * *status gets the HTTP status, *modified_s (may be NULL) the answer's Last-Modified
 * in seconds since the epoch, 0 when it sent none. LK_OK when the server answered (any status),
 * LK_ERR_FULL when the file is larger than max, else as http_request. */
lk_status http_fetch(http_conn *c, const char *url, int64_t since_s, size_t max, char **body,
                     size_t *len, long *status, int64_t *modified_s, char *err,
                     size_t err_len) LK_MUST_CHECK;

#endif
