/* The sync thread: sends the outbox of xAPI statements to the LRS with libcurl,
 * in outbox order, in batches, beside the UI and without ever blocking it.
 * The HTTP transport (libcurl) is http.h's, shared with `check --network`. */
#ifndef LOBKIOSK_SYNC_H
#define LOBKIOSK_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/config.h"
#include "lobkiosk/status.h"
#include "lobkiosk/store.h"
#include "lobkiosk/trust.h"

/* What the sync is doing; the UI shows "sync.state.<token>" from assets/i18n. */
typedef enum sync_state {
    SYNC_OFF = 0,         /* no endpoint configured: the kiosk keeps everything locally */
    SYNC_IDLE = 1,        /* the queue is empty or waiting for the next interval */
    SYNC_SENDING = 2,     /* a batch is on its way */
    SYNC_OFFLINE = 3,     /* network error, timeout, 5xx or 429: retrying with back-off */
    SYNC_AUTH_FAILED = 4, /* 401/403: stopped until sync_request_now or a restart */
    SYNC_ERROR = 5,       /* the store could not be read or written, the LRS refuses
                             every statement (cause "lrs_rejects_all"), or the endpoint
                             does not answer like an LRS (cause "not_lrs"); retrying */
} sync_state;

/* How much a state needs a person's eye, higher first: auth_failed, error, offline,
 * sending, idle, off. Of several destinations the worst speaks for all. */
int sync_state_severity(sync_state s);

/* Stable lower-case token of a state ("off", "idle", "sending", "offline",
 * "auth_failed", "error"); static string. */
const char *sync_state_token(sync_state s);

#define SYNC_MESSAGE_MAX 256
#define SYNC_CAUSE_MAX 32

/* Cause token of SYNC_ERROR when the LRS refuses every statement (e.g. a server
 * misconfigured to answer 400 to anything): nothing is quarantined, the rows stay
 * queued and the sync retries with back-off. */
#define SYNC_CAUSE_REJECTS_ALL "lrs_rejects_all"

/* Cause token of SYNC_ERROR when the endpoint answers a POST of statements with a
 * 2xx that is not an LRS's answer (200 and the list of exactly the ids sent): a
 * mistyped URL, a captive portal, a login page. Only the statements it listed are
 * marked sent; the rest stay queued and the sync retries after a minute or more.
 * The screen says "sync.not_lrs" from assets/i18n. */
#define SYNC_CAUSE_NOT_LRS "not_lrs"

/* How many statements refused one by one, with nothing accepted in between, make
 * the sync ask whether the LRS accepts anything at all: it re-sends a statement the
 * LRS accepted before (a no-op there) or, on a kiosk that never sent one, another
 * queued statement. Accepted: the refused ones are quarantined. Refused too: the
 * LRS rejects everything and they stay queued. The same question is asked at the
 * end of every batch that left refused statements without an acceptance after them. */
#define SYNC_REJECT_RUN 5

/* A snapshot of the sync for the idle and admin screens. */
typedef struct sync_status {
    sync_state state;                 /* see sync_state */
    int64_t queued;                   /* statements waiting in the outbox */
    int64_t quarantined;              /* statements the LRS refused (400) */
    int64_t sent;                     /* statements the LRS accepted, ever */
    int64_t last_sync_ms;             /* last time the LRS accepted a batch, 0 = never */
    int64_t next_try_ms;              /* when offline: wall-clock time of the next try */
    int http_status;                  /* last HTTP status seen, 0 = none */
    char message[SYNC_MESSAGE_MAX];   /* why (English, for the admin screen and logs);
                                         never holds personal data */
    char cause[SYNC_CAUSE_MAX];       /* "" or a stable token refining the state, e.g.
                                         SYNC_CAUSE_REJECTS_ALL */
} sync_status;

/* What one sync pass did (sync_once). */
typedef struct sync_report {
    size_t sent;                      /* statements accepted in this pass */
    size_t quarantined;               /* statements quarantined in this pass */
    size_t requests;                  /* HTTP requests made */
    int http_status;                  /* last HTTP status, 0 = none */
    int64_t retry_after_ms;           /* 429: how long the LRS asked us to wait */
    sync_state state;                 /* idle when the queue was emptied */
    char message[SYNC_MESSAGE_MAX];   /* why the pass stopped early, "" when it did not */
    char cause[SYNC_CAUSE_MAX];       /* "" or a stable token, e.g. SYNC_CAUSE_REJECTS_ALL */
} sync_report;

/* One destination of statements: an LRS and whose statements go there. Statements
 * about a school's students go to that school's own LRS when [issuer.CODE] endpoint
 * names one, and to [sync] endpoint otherwise; never to another school's LRS. */
typedef struct sync_dest {
    char issuer[LK_ISSUER_MAX + 1]; /* "": the default ([sync] endpoint), taking every
                                       school without an LRS of its own; else the school */
    config_sync sc;                 /* [sync] with this destination's endpoint,
                                       credentials file and CA file */
} sync_dest;

/* The destinations of cfg: the default when [sync] endpoint is set, then one per
 * trusted issuer with an endpoint of its own, in code order. *out is a heap array
 * (free()), NULL when *n is 0 (sync off). */
lk_status sync_dests(const config *cfg, sync_dest **out, size_t *n) LK_MUST_CHECK;

/* Makes the store handle s see only d's queue (store_set_lane), for reading one
 * destination's queue outside the sync (sync --status). */
lk_status sync_dest_scope(const config *cfg, const sync_dest *d, store *s) LK_MUST_CHECK;

typedef struct sync_thread sync_thread;

/* Starts the sync for cfg (borrowed: cfg must outlive the threads): one thread per
 * destination (sync_dests), each with its own back-off, so one school's LRS being
 * down, slow or refusing its credentials never delays another's.
 * Returns NULL and writes a clear reason into err (may be NULL) when the
 * credentials file is missing or readable by group or others, or libcurl or the
 * thread cannot start. With an empty endpoint sync is "off": returns NULL with
 * err set to "" (no thread is needed; sync_status_get(NULL) reports SYNC_OFF).
 * Free with sync_stop(). */
sync_thread *sync_start(const config *cfg, char *err, size_t err_len);

/* Tells the thread new rows are queued (cheap, never blocks on the network).
 * During a back-off it only refreshes the counts; it does not cut the wait short. */
void sync_wake(sync_thread *t);

/* Tries now: ends a back-off or an auth_failed stop (the admin's "sync now"). */
void sync_request_now(sync_thread *t);

/* Copies the current status into *out (never blocks on the network): the state and
 * message of the destination that most needs attention (auth failed, error,
 * offline, sending, idle), the whole outbox's counts. With t NULL, SYNC_OFF. */
void sync_status_get(sync_thread *t, sync_status *out);

/* Downloads the region's trust list from [trust] url when it changed (GET with
 * If-Modified-Since the installed list's time) and installs it (trust_install:
 * signature, expiry, only a newer version). LK_OK when a new list was installed
 * (*meta, may be NULL, gets it), LK_ERR_EXISTS when there was nothing new (304, or
 * the same version), LK_ERR_UNSUPPORTED without a url or region_key, another error
 * with the reason in err. The sync thread does this at most every
 * LK_TRUST_CHECK_S seconds; `lobkiosk trust update` at once. */
lk_status sync_trust_update(const config *cfg, trust_meta *meta, char *err,
                            size_t err_len) LK_MUST_CHECK;

/* True once after the sync thread installed a newer trust list: the UI thread then
 * applies it to its configuration (config_drop_trust_list, trust_apply_installed). */
bool sync_trust_changed(sync_thread *t);

/* How many destinations the sync sends to (one thread each); 0 for NULL. */
size_t sync_dest_count(sync_thread *t);

/* The status of destination i (0 .. sync_dest_count - 1): its state, message and
 * queue (queued counts only its own rows). issuer (len bytes, may be NULL) gets the
 * school's code, "" for the default destination. Never blocks on the network. */
void sync_dest_status(sync_thread *t, size_t i, sync_status *out, char *issuer, size_t len);

/* Stops the thread (aborts a transfer in flight within a fraction of a second),
 * joins it and frees it. Accepts NULL. */
void sync_stop(sync_thread *t);

/* One pass on the calling thread: opens its own store handle, sends queued
 * statements until the queue is empty or the LRS or network says stop. *out (may
 * be NULL) receives what happened. LK_OK when the queue was emptied (quarantined
 * rows included); LK_ERR_AUTH on 401/403; LK_ERR_HTTP with state SYNC_ERROR and
 * cause SYNC_CAUSE_NOT_LRS when the endpoint does not answer like an LRS, or
 * SYNC_CAUSE_REJECTS_ALL when the LRS refuses every statement (nothing is
 * quarantined then); LK_ERR_PERMISSION for a credentials file readable by others;
 * LK_ERR_NETWORK, LK_ERR_TIMEOUT or LK_ERR_HTTP when it stopped early;
 * LK_ERR_UNSUPPORTED when sync is off. */
lk_status sync_once(const config *cfg, sync_report *out) LK_MUST_CHECK;

/* Reads and checks the credentials file ("user:password", mode 0600 or 0400).
 * user and password receive the parts (each buffer len bytes); wipe them after use.
 * LK_ERR_PERMISSION when group or others may read it, LK_ERR_IO when missing,
 * LK_ERR_INVALID when it holds no ':'. Used by sync_start and by tests. */
lk_status sync_read_credentials(const char *path, char *user, char *password,
                                size_t len) LK_MUST_CHECK;

/* Puts every quarantined row of cfg's outbox back in the queue (one UPDATE in one
 * transaction; the old reasons are cleared), for after the cause was fixed at the
 * LRS. *out_n (may be NULL) receives how many rows were re-queued. Safe while a
 * kiosk runs: SQLite serialises the writers. */
lk_status sync_requeue_quarantined(const config *cfg, int64_t *out_n) LK_MUST_CHECK;

/* What sync_verify found. */
typedef struct sync_verify_report {
    size_t checked;                  /* statements asked about */
    size_t missing;                  /* of them, the LRS answered 404 (does not have) */
    int http_status;                 /* last HTTP status, 0 = none */
    char message[SYNC_MESSAGE_MAX];  /* why it stopped early, "" when it did not */
} sync_verify_report;

/* Reads back the n most recently sent statements by id (GET
 * <endpoint>/statements?statementId=...) and calls on_missing (may be NULL) for
 * each one the LRS does not have (404). LK_OK when every one was asked about
 * (missing or not); LK_ERR_AUTH on 401/403; LK_ERR_HTTP when an answer is neither
 * the statement nor 404 (cause in message); LK_ERR_NETWORK/LK_ERR_TIMEOUT without
 * an answer; LK_ERR_UNSUPPORTED when sync is off. Changes nothing in the store. */
lk_status sync_verify(const config *cfg, size_t n,
                      void (*on_missing)(const char *uuid, const char *kind, void *user),
                      void *user, sync_verify_report *out) LK_MUST_CHECK;

/* How long the thread waits after `failures` (>= 1) failed passes in a row:
 * exponential from 1 s, capped at LK_SYNC_BACKOFF_MAX_S, with "equal jitter" (half
 * fixed, half random) so kiosks that lost the network together do not come back in
 * lockstep. In [d/2, d] for that d. */
int64_t sync_backoff_ms(int failures);

#endif
