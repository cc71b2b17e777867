/* The sync thread and one-shot sync: outbox rows -> POST <endpoint>/statements
 * over http.h, in outbox order, in batches. Only the ids a 200 lists are marked
 * sent (xapi_statements_answer), so a crash at any point leads to a resend, which
 * the LRS answers as a no-op, and an endpoint that is not an LRS swallows nothing. */
#include "lobkiosk/sync.h"
#include "lobkiosk/http.h"
#include "lobkiosk/xapi.h"

#include <assert.h>
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
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lobkiosk/store.h"
#include "lobkiosk/util.h"

#define SYNC_BACKOFF_BASE_MS 1000 /* first retry after a failure, doubled each time */
#define SYNC_CRED_MAX 256         /* user and password buffers */
#define SYNC_REJECTS_WAIT_MIN_MS 60000 /* first retry after a cause a person must fix */
#define SYNC_WINDOW_MAX 32             /* batches read and marked offered at once, at most */

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
    int fd;
    lk_status ost = lk_open_private(path, &fd);
    if (ost != LK_OK)
        return ost == LK_ERR_NOT_FOUND ? LK_ERR_IO : ost;
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
    http_conn *http;
    char url[CONFIG_PATH_MAX + 16];
    atomic_bool *stop;          /* borrowed; set to abort a transfer in flight */
    char *req;                  /* request body buffer, reused */
    size_t req_cap;
    http_answer ans;            /* the LRS's last answer (body owned by http) */
    size_t batch_cap;           /* statements per request; halves on 413 */
    store *st;                  /* borrowed store handle of this thread */
    const config *cfg;          /* borrowed: builds voiding statements */
    /* Statements refused one by one since the LRS last accepted something. They
     * stay queued until the LRS shows it takes other statements (then they are
     * quarantined) or that it takes none (then they stay queued): quarantining on
     * a 400 alone would empty the whole queue into quarantine behind an LRS that
     * refuses everything. */
    /* A batch the LRS stored, not yet marked sent: it is marked while the next
     * request is on its way (flush_settle), so the store's work and the LRS's
     * overlap. Item copies; their json is borrowed from run_pass's window. */
    store_outbox_item *pending;
    size_t n_pending, pending_cap;
    int64_t offer_version; /* the store's data_version when the window was marked */
    /* The next window, read and marked offered while the last request of the one
     * before is on its way (read_ahead), so the LRS always has a request in flight:
     * the rows after ahead_after, at most ahead_max. Its own array (freed with
     * store_outbox_free(ahead, ahead_read)); ahead_n rows kept after the mark. */
    int64_t ahead_after; /* the last id of the window being sent; 0: none */
    size_t ahead_max;
    store_outbox_item *ahead;
    size_t ahead_n, ahead_read;
    int64_t ahead_version; /* data_version when the next window was marked */
    struct held {
        int64_t id;
        char uuid[37];
        char kind[16];
        char msg[SYNC_MESSAGE_MAX];
    } held[SYNC_REJECT_RUN];
    size_t n_held;
} client;

static void client_free(client *c)
{
    if (!c)
        return;
    http_conn_free(c->http);
    free(c->req);
    free(c->pending);
    store_outbox_free(c->ahead, c->ahead_read);
    free(c);
}

static size_t batch_size_of(const config *cfg)
{
    int b = cfg->sync.batch_size;
    if (b <= 0 || b > LK_SYNC_BATCH_MAX)
        b = LK_SYNC_BATCH_MAX;
    return (size_t)b;
}

/* Sets up a client for one destination sc of cfg. Credentials are checked here, so
 * a kiosk with a world-readable secret refuses to sync at all. err gets the reason. */
static lk_status client_new(const config *cfg, const config_sync *sc, atomic_bool *stop,
                            client **out, char *err, size_t err_len)
{
    *out = NULL;
    client *c = calloc(1, sizeof *c);
    if (!c)
        return LK_ERR_NOMEM;
    c->stop = stop;
    c->batch_cap = batch_size_of(cfg);
    lk_status st = http_url(sc, "statements", c->url, sizeof c->url);
    if (st != LK_OK) {
        snprintf(err, err_len, "endpoint too long");
        client_free(c);
        return LK_ERR_CONFIG;
    }
    char user[SYNC_CRED_MAX] = "", password[SYNC_CRED_MAX] = "";
    bool auth = sc->credentials_file[0] != '\0';
    if (auth) {
        st = sync_read_credentials(sc->credentials_file, user, password, sizeof user);
        if (st != LK_OK) {
            snprintf(err, err_len,
                     st == LK_ERR_PERMISSION
                         ? "credentials file %s is readable by group or others (chmod 600 it)"
                     : st == LK_ERR_INVALID ? "credentials file %s must hold user:password"
                                            : "credentials file %s cannot be read",
                     sc->credentials_file);
            sodium_memzero(user, sizeof user);
            sodium_memzero(password, sizeof password);
            client_free(c);
            return st;
        }
    }
    st = http_conn_new(sc, auth ? user : NULL, auth ? password : NULL, stop, &c->http,
                       err, err_len);
    sodium_memzero(user, sizeof user);
    sodium_memzero(password, sizeof password);
    if (st != LK_OK) {
        client_free(c);
        return st;
    }
    *out = c;
    return LK_OK;
}

/* Marks the pending batch sent (voiding those forgotten meanwhile); see pending. */
static lk_status flush_settle(client *c, sync_report *rep)
{
    if (c->n_pending == 0)
        return LK_OK;
    size_t voided = 0, n = c->n_pending;
    c->n_pending = 0;
    lk_status st = store_outbox_settle_sent(c->st, c->pending, n, lk_now_ms(), xapi_voiding_fn,
                                            (void *)c->cfg, &voided);
    if (st == LK_OK && voided > 0)
        fprintf(stderr, "sync: %zu sent statements were forgotten meanwhile; voiding queued\n",
                voided);
    if (st != LK_OK) {
        snprintf(rep->message, sizeof rep->message, "store: cannot mark rows sent");
        return st;
    }
    rep->sent += n;
    return LK_OK;
}

/* Keeps items[0..n), all stored by the LRS, to be marked sent by flush_settle. */
static lk_status defer_settle(client *c, const store_outbox_item *items, size_t n, sync_report *rep)
{
    lk_status st = flush_settle(c, rep); /* never two batches waiting */
    if (st != LK_OK)
        return st;
    if (n > c->pending_cap) {
        store_outbox_item *p = realloc(c->pending, n * sizeof *p);
        if (!p)
            return LK_ERR_NOMEM;
        c->pending = p;
        c->pending_cap = n;
    }
    memcpy(c->pending, items, n * sizeof *items);
    c->n_pending = n;
    return LK_OK;
}

static lk_status offer_window(client *c, store_outbox_item *items, size_t *n, int64_t *version,
                              sync_report *rep);

/* Reads the next window (the rows after c->ahead_after) and marks it offered, durably,
 * while the last request of the window before is on its way; each row's offered mark
 * is on the disk before that row goes out, as for a window read in turn. Once a
 * window: ahead_after is cleared. A failure leaves no window read ahead: run_pass
 * then reads it in turn (rows marked offered and not sent cost a forget only a
 * voiding statement, as for a window a stop cut short). */
static void read_ahead(client *c)
{
    int64_t after = c->ahead_after;
    c->ahead_after = 0;
    store_outbox_item *items = NULL;
    size_t read = 0;
    if (store_outbox_next_after(c->st, after, c->ahead_max, &items, &read) != LK_OK)
        return;
    size_t n = read;
    sync_report scratch;
    memset(&scratch, 0, sizeof scratch);
    if (n == 0 || offer_window(c, items, &n, &c->ahead_version, &scratch) != LK_OK) {
        store_outbox_free(items, read);
        return;
    }
    c->ahead = items;
    c->ahead_n = n;
    c->ahead_read = read;
}

/* Frees the window read ahead, if any (its rows stay queued, marked offered). */
static void ahead_drop(client *c)
{
    store_outbox_free(c->ahead, c->ahead_read);
    c->ahead = NULL;
    c->ahead_n = c->ahead_read = 0;
    c->ahead_after = 0;
}

/* POSTs items[0..n) as one JSON array. The rows already hold whole statements
 * serialised by jansson, so the array is their concatenation: no re-parsing of
 * every statement on every attempt. While the request is on its way, the batch
 * before it is marked sent (flush_settle). *http gets the status (0 without an
 * answer). */
static lk_status client_post(client *c, const store_outbox_item *items, size_t n, long *http,
                             char *err, size_t err_len, sync_report *rep)
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
    *http = 0;
    lk_status st = http_request_start(c->http, c->url, c->req, used, &c->ans, err, err_len);
    lk_status fs = flush_settle(c, rep);
    if (st == LK_OK && fs == LK_OK && c->ahead_after != 0 && n > 0 &&
        items[n - 1].id == c->ahead_after)
        read_ahead(c); /* the last request of the window: the next one's turn */
    if (st == LK_OK)
        st = http_request_finish(c->http, err, err_len);
    if (st == LK_OK)
        *http = c->ans.status;
    if (fs != LK_OK) {
        snprintf(err, err_len, "%s", rep->message);
        return fs; /* this answer is dropped: its rows stay queued and go again */
    }
    return st;
}

/* The LRS's reason for a refusal: its JSON "message" (plus the first warning when
 * Learning Locker gives one), or the start of the raw body. */
/* Replaces every occurrence of needle in msg with an ellipsis, in place. */
static void blank_out(char *msg, const char *needle)
{
    static const char dots[] = "\xE2\x80\xA6"; /* "…" */
    size_t nl = strlen(needle), dl = sizeof dots - 1;
    if (nl < dl)
        return; /* the ellipsis must fit where the text was */
    char *from = msg, *p;
    while ((p = strstr(from, needle)) != NULL) {
        memcpy(p, dots, dl);
        memmove(p + dl, p + nl, strlen(p + nl) + 1);
        from = p + dl; /* past the ellipsis: a text that is itself "…" ends here */
    }
}

/* An LRS may quote the refused statement in its answer, and the only text in our
 * statements that a person typed is a fill-in answer: it could hold a name. Such
 * texts are cut out of the message before it reaches the log and last_error. */
static void redact_free_text(char *msg, const store_outbox_item *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        if (!items[i].json || strcmp(items[i].kind, "answer") != 0)
            continue;
        json_t *j = json_loads(items[i].json, 0, NULL);
        const char *type = json_string_value(json_object_get(
            json_object_get(json_object_get(j, "object"), "definition"), "interactionType"));
        const char *text =
            json_string_value(json_object_get(json_object_get(j, "result"), "response"));
        if (type && text && !strcmp(type, "fill-in") && strlen(text) >= 3)
            blank_out(msg, text);
        json_decref(j);
    }
}

static void lrs_message(const client *c, long http, const store_outbox_item *items, size_t n,
                        char *out, size_t len)
{
    json_error_t e;
    json_t *j = json_loads(c->ans.body, 0, &e);
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
        snprintf(out, len, "HTTP %ld: %.200s", http, c->ans.body);
    free(warn);
    json_decref(j);
    redact_free_text(out, items, n);
    /* Foreign text on one line: the log, the admin screen and sync --status print it
     * as is, so terminal escapes, line breaks and NULs are escaped. */
    char *raw = strdup(out);
    if (raw)
        lk_log_escape(raw, out, len);
    else
        out[0] = '\0';
    free(raw);
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

static void count_attempt(client *c, const int64_t *ids, size_t n, const char *why)
{
    if (store_outbox_record_attempt(c->st, ids, n, why) != LK_OK)
        fprintf(stderr, "sync: could not count the attempt\n");
}

/* Judges the last answer for items[0..n) (xapi_statements_answer); confirmed has n
 * entries. For XAPI_NOT_LRS, rep gets the cause and why. */
static xapi_verdict judge(client *c, const store_outbox_item *items, size_t n, bool *confirmed,
                          sync_report *rep)
{
    const char **ids = malloc(n * sizeof *ids);
    if (!ids)
        return XAPI_RETRY; /* out of memory: nothing counts as stored, retried later */
    for (size_t i = 0; i < n; i++)
        ids[i] = items[i].uuid;
    char why[SYNC_MESSAGE_MAX - 32];
    xapi_verdict v = xapi_statements_answer(c->ans.status, c->ans.body, c->ans.body_len, ids, n,
                                            confirmed, why, sizeof why);
    free(ids);
    if (v == XAPI_NOT_LRS) {
        snprintf(rep->message, sizeof rep->message, "%s: %s", SYNC_CAUSE_NOT_LRS, why);
        lk_strlcpy(rep->cause, SYNC_CAUSE_NOT_LRS, sizeof rep->cause);
    }
    return v;
}

/* The "id" of a statement's JSON into out ("" when it has none). */
static void statement_id(const char *json, char *out, size_t len)
{
    json_t *j = json_loads(json, 0, NULL);
    const char *id = json_string_value(json_object_get(j, "id"));
    lk_strlcpy(out, id ? id : "", len);
    json_decref(j);
}

/* An answer that is neither 2xx nor a refusal of the statements: why to stop. */
static lk_status stop_answer(client *c, long http, const store_outbox_item *items, size_t n,
                             sync_report *rep)
{
    if (http == 401 || http == 403) {
        snprintf(rep->message, sizeof rep->message,
                 http == 401 ? "HTTP 401: the LRS refused the credentials"
                             : "HTTP 403: the credentials may not write statements");
        return LK_ERR_AUTH;
    }
    if (http == 429) {
        int64_t ra = c->ans.retry_after_s;
        if (ra > LK_SYNC_BACKOFF_MAX_S)
            ra = LK_SYNC_BACKOFF_MAX_S;
        rep->retry_after_ms = ra * 1000;
        snprintf(rep->message, sizeof rep->message, "HTTP 429: the LRS asked to wait %lds",
                 (long)ra);
        return LK_ERR_HTTP;
    }
    lrs_message(c, http, items, n, rep->message, sizeof rep->message);
    return LK_ERR_HTTP;
}

/* The LRS accepts statements, so the held ones it refused are bad: quarantine
 * them with the LRS's reason so they do not block the queue. */
static lk_status held_quarantine(client *c, sync_report *rep)
{
    lk_status st = LK_OK;
    for (size_t i = 0; i < c->n_held && st == LK_OK; i++) {
        fprintf(stderr, "sync: statement %s quarantined: %s\n", c->held[i].uuid, c->held[i].msg);
        st = store_outbox_quarantine(c->st, c->held[i].id, c->held[i].msg);
        if (st == LK_OK)
            rep->quarantined++;
    }
    c->n_held = 0;
    if (st != LK_OK)
        snprintf(rep->message, sizeof rep->message, "store: cannot quarantine a row");
    return st;
}

/* Leaves the held statements queued, with the attempt and why counted. */
static void held_release(client *c, const char *why)
{
    int64_t ids[SYNC_REJECT_RUN];
    for (size_t i = 0; i < c->n_held; i++)
        ids[i] = c->held[i].id;
    count_attempt(c, ids, c->n_held, why);
    c->n_held = 0;
}

#define SYNC_PROBES_MAX 3 /* probe statements tried by a kiosk that never sent one */

/* Statements to ask the LRS whether it takes anything at all: the last one it
 * accepted (re-sending it is a no-op there, same id and content); or, on a kiosk
 * that never sent one, up to SYNC_PROBES_MAX queued statements that are not held:
 * the newest, then random ones, so a bad one among them cannot block the queue for
 * ever: each pass draws others. json[0..*n) are malloc'd; *was_sent tells which.
 * *n is 0 when there is nothing to ask with. */
static lk_status probe_pick(client *c, char *json[SYNC_PROBES_MAX], size_t *n, bool *was_sent)
{
    _Static_assert(SYNC_REJECT_RUN <= STORE_PROBE_EXCLUDE_MAX, "held rows are left out");
    int64_t held[SYNC_REJECT_RUN];
    for (size_t i = 0; i < c->n_held; i++)
        held[i] = c->held[i].id;
    return store_outbox_probe_candidates(c->st, held, c->n_held, SYNC_PROBES_MAX, json, n,
                                         was_sent);
}

/* Decides about the held refusals: asks the LRS with probe statements whether it
 * takes anything. Yes: they are quarantined. No (or nothing to ask with): the LRS
 * rejects everything; they stay queued and the pass stops with
 * SYNC_CAUSE_REJECTS_ALL. Any other answer stops the pass as usual. */
static lk_status held_resolve(client *c, sync_report *rep)
{
    if (c->n_held == 0)
        return LK_OK;
    char *json[SYNC_PROBES_MAX];
    size_t n = 0;
    bool was_sent = false;
    lk_status st = probe_pick(c, json, &n, &was_sent);
    if (st != LK_OK) {
        snprintf(rep->message, sizeof rep->message, "store: cannot read the outbox (%s)",
                 lk_strerror(st));
        held_release(c, rep->message);
        return st;
    }
    long http = 0;
    bool accepted = false;
    for (size_t i = 0; i < n && st == LK_OK && !accepted; i++) {
        char err[SYNC_MESSAGE_MAX] = "";
        store_outbox_item probe;
        memset(&probe, 0, sizeof probe);
        probe.json = json[i];
        statement_id(json[i], probe.uuid, sizeof probe.uuid);
        st = client_post(c, &probe, 1, &http, err, sizeof err, rep);
        rep->requests++;
        rep->http_status = (int)http;
        if (st != LK_OK) {
            snprintf(rep->message, sizeof rep->message, "%s", err);
            break;
        }
        bool confirmed = false;
        xapi_verdict v = judge(c, &probe, 1, &confirmed, rep);
        if (v == XAPI_STORED)
            accepted = true;
        else if (v == XAPI_NOT_LRS)
            st = LK_ERR_HTTP;
        else if (v != XAPI_REFUSED)
            st = stop_answer(c, http, &probe, 1, rep);
    }
    for (size_t i = 0; i < n; i++)
        free(json[i]);
    if (st != LK_OK) {
        held_release(c, rep->message);
        return st;
    }
    if (accepted)
        return held_quarantine(c, rep);
    bool probed = n > 0;
    char kinds[64] = "";
    for (size_t i = 0; i < c->n_held; i++) {
        if (strstr(kinds, c->held[i].kind))
            continue;
        size_t used = strlen(kinds);
        snprintf(kinds + used, sizeof kinds - used, "%s%s", used ? "," : "", c->held[i].kind);
    }
    /* The LRS's own reason comes last, so a long one is what gets cut. */
    int len = snprintf(rep->message, sizeof rep->message,
             "%s: the LRS refused %zu statement%s in a row (%s) and %s; none quarantined: %s",
             SYNC_CAUSE_REJECTS_ALL, c->n_held, c->n_held == 1 ? "" : "s", kinds,
             !probed ? "there was no other to try"
             : was_sent ? "one it had accepted before"
                        : "other queued ones",
             c->held[0].msg);
    if (len < 0)
        rep->message[0] = '\0';
    lk_strlcpy(rep->cause, SYNC_CAUSE_REJECTS_ALL, sizeof rep->cause);
    held_release(c, rep->message);
    return LK_ERR_HTTP;
}

/* Marks the confirmed ones of items[0..n) sent (voiding those forgotten meanwhile). */
static lk_status settle_confirmed(client *c, const store_outbox_item *items, size_t n,
                                  const bool *confirmed, sync_report *rep)
{
    store_outbox_item *done = malloc(n * sizeof *done);
    if (!done)
        return LK_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (confirmed[i])
            done[k++] = items[i]; /* borrowed json: not freed here */
    size_t voided = 0;
    lk_status st = store_outbox_settle_sent(c->st, done, k, lk_now_ms(), xapi_voiding_fn,
                                            (void *)c->cfg, &voided);
    free(done);
    if (st == LK_OK && voided > 0)
        fprintf(stderr, "sync: %zu sent statements were forgotten meanwhile; voiding queued\n",
                voided);
    if (st != LK_OK) {
        snprintf(rep->message, sizeof rep->message, "store: cannot mark rows sent");
        return st;
    }
    rep->sent += k;
    return LK_OK;
}

/* Sends items[0..n) and settles every one of them (sent, held as refused, or
 * quarantined), or returns the reason to stop. Splits on 400/409 (to find the
 * culprit) and 413. */
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
    /* run_pass marked the window offered before any of it went out (a forget since
     * voids them); a row forgotten since then is not sent at all. */
    bool *present = calloc(n, sizeof *present);
    /* Only another connection can have forgotten one since the window was marked:
     * this one never touches a row before it sends it. */
    int64_t version = 0;
    bool untouched = store_data_version(c->st, &version) == LK_OK && version == c->offer_version;
    for (size_t i = 0; present && untouched && i < n; i++)
        present[i] = true;
    st = !present    ? LK_ERR_NOMEM
         : untouched ? LK_OK
                     : store_outbox_still_queued(c->st, ids, n, present);
    size_t kept = 0;
    for (size_t i = 0; st == LK_OK && i < n; i++)
        kept += present[i];
    if (st != LK_OK || kept < n) {
        free(ids);
        if (st != LK_OK) {
            free(present);
            snprintf(rep->message, sizeof rep->message, "store: cannot read the batch (%s)",
                     lk_strerror(st));
            return st;
        }
        /* some were forgotten meanwhile: send the others, in order */
        store_outbox_item *rest = malloc((kept ? kept : 1) * sizeof *rest);
        if (!rest) {
            free(present);
            return LK_ERR_NOMEM;
        }
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (present[i])
                rest[k++] = items[i]; /* borrowed json */
        free(present);
        st = send_range(c, rest, kept, rep);
        free(rest);
        return st;
    }
    free(present);
    st = client_post(c, items, n, &http, err, sizeof err, rep);
    rep->requests++;
    rep->http_status = (int)http;
    if (st != LK_OK) {
        snprintf(rep->message, sizeof rep->message, "%s", err);
        if (st != LK_ERR_BUSY) /* stopping is not an attempt the network failed */
            count_attempt(c, ids, n, rep->message);
        free(ids);
        return st;
    }
    bool *confirmed = calloc(n, sizeof *confirmed);
    if (!confirmed) {
        free(ids);
        return LK_ERR_NOMEM;
    }
    xapi_verdict v = judge(c, items, n, confirmed, rep);
    if (v == XAPI_STORED || v == XAPI_NOT_LRS) {
        /* Only what the LRS listed is stored there; the rest stays queued. */
        st = v == XAPI_STORED ? defer_settle(c, items, n, rep)
                              : settle_confirmed(c, items, n, confirmed, rep);
        if (st == LK_OK && v == XAPI_NOT_LRS) {
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                if (!confirmed[i])
                    ids[k++] = items[i].id;
            count_attempt(c, ids, k, rep->message);
            st = LK_ERR_HTTP;
        }
        free(confirmed);
        free(ids);
        /* The LRS takes statements: those it refused before these are bad. */
        return st == LK_OK ? held_quarantine(c, rep) : st;
    }
    free(confirmed);
    if (v == XAPI_REFUSED) {
        free(ids);
        if (n > 1) {
            if (http == 413)
                c->batch_cap = n / 2;
            size_t half = n / 2;
            st = send_range(c, items, half, rep);
            return st != LK_OK ? st : send_range(c, items + half, n - half, rep);
        }
        /* One statement refused: held until the LRS shows whether it takes others. */
        /* Room: held_resolve below empties the list whenever it fills, on every
         * way out (held_release or held_quarantine), and run_pass starts empty. */
        assert(c->n_held < SYNC_REJECT_RUN);
        struct held *h = &c->held[c->n_held++];
        h->id = items[0].id;
        lk_strlcpy(h->uuid, items[0].uuid, sizeof h->uuid);
        lk_strlcpy(h->kind, items[0].kind, sizeof h->kind);
        lrs_message(c, http, items, 1, h->msg, sizeof h->msg);
        if (c->n_held < SYNC_REJECT_RUN)
            return LK_OK;
        st = held_resolve(c, rep);
        assert(c->n_held == 0);
        return st;
    }
    st = stop_answer(c, http, items, n, rep);
    count_attempt(c, ids, n, rep->message);
    free(ids);
    return st;
}

/* Marks items[0..*n) offered in one durable transaction before any of them goes
 * out, and drops from the array (in place, order kept) the rows forgotten since
 * they were read. */
static lk_status offer_window(client *c, store_outbox_item *items, size_t *n, int64_t *version,
                              sync_report *rep)
{
    int64_t *ids = NULL;
    lk_status st = ids_of(items, *n, &ids);
    bool *present = st == LK_OK ? calloc(*n ? *n : 1, sizeof *present) : NULL;
    if (st == LK_OK && !present)
        st = LK_ERR_NOMEM;
    if (st == LK_OK)
        st = store_outbox_mark_offered(c->st, ids, *n, lk_now_ms(), present);
    if (st == LK_OK && store_data_version(c->st, version) != LK_OK)
        *version = -1; /* unknown: every batch is checked */
    if (st != LK_OK) {
        snprintf(rep->message, sizeof rep->message, "store: cannot mark the batch (%s)",
                 lk_strerror(st));
    } else {
        size_t k = 0;
        for (size_t i = 0; i < *n; i++) {
            if (present[i]) {
                store_outbox_item keep = items[i];
                items[i] = items[k];
                items[k++] = keep; /* the dropped ones move behind, still freed */
            }
        }
        *n = k;
    }
    free(present);
    free(ids);
    return st;
}

/* Sends queued rows until the queue is empty or something says stop. They are read
 * and marked offered a window at a time: one batch at first, then twice as many
 * each time up to SYNC_WINDOW_MAX batches, so a long queue costs one durable
 * commit per window instead of one per batch, and a short one no more than before.
 * The next window is read and marked while the last request of the one before is on
 * its way (read_ahead), so the LRS never waits for the kiosk's read and fsync; when
 * none is read ahead (the first window, after a probe, at the end of the queue) the
 * window is read in turn, from the oldest queued row. */
static lk_status run_pass(client *c, const config *cfg, sync_report *rep,
                          void (*on_sending)(void *), void *user)
{
    c->n_held = 0;
    ahead_drop(c);
    size_t window = 1;
    for (;;) {
        if (c->stop && atomic_load(c->stop)) {
            ahead_drop(c);
            return LK_ERR_BUSY;
        }
        store_outbox_item *items = NULL;
        size_t n = 0, read = 0;
        lk_status st = LK_OK;
        bool marked = c->ahead != NULL;
        if (marked) {
            /* read and marked offered while the window before went out */
            items = c->ahead;
            n = c->ahead_n;
            read = c->ahead_read;
            c->offer_version = c->ahead_version;
            c->ahead = NULL;
            c->ahead_n = c->ahead_read = 0;
        } else {
            st = store_outbox_next(c->st, batch_size_of(cfg) * window, &items, &read);
            n = read;
            if (st != LK_OK) {
                snprintf(rep->message, sizeof rep->message, "store: cannot read the outbox (%s)",
                         lk_strerror(st));
                return st;
            }
            if (n == 0) {
                /* store_outbox_next hands over its array even when it is empty. */
                store_outbox_free(items, n);
                rep->state = SYNC_IDLE;
                return LK_OK;
            }
        }
        if (on_sending)
            on_sending(user);
        if (!marked)
            st = offer_window(c, items, &n, &c->offer_version, rep);
        size_t next = window < SYNC_WINDOW_MAX ? window * 2 : window;
        if (st == LK_OK && n > 0) {
            /* the kept rows are in id order: the last one ends the last request */
            c->ahead_after = items[n - 1].id;
            c->ahead_max = batch_size_of(cfg) * next;
        }
        if (st == LK_OK)
            st = send_range(c, items, n, rep);
        c->ahead_after = 0;
        window = next;
        /* Held rows are still queued: decide about them before the next batch,
         * which would otherwise start with them again. Probing may send a row of
         * the window read ahead: that window is read again in turn instead. */
        if (st != LK_OK || c->n_held > 0)
            ahead_drop(c);
        if (st == LK_OK)
            st = held_resolve(c, rep);
        else if (st == LK_ERR_BUSY)
            c->n_held = 0; /* stopping: not an attempt the LRS answered */
        else
            held_release(c, rep->message);
        /* before the window's rows (and the json the pending batch borrows) go */
        lk_status fs = flush_settle(c, rep);
        if (st == LK_OK || st == LK_ERR_BUSY)
            st = fs != LK_OK ? fs : st;
        store_outbox_free(items, read);
        if (st != LK_OK) {
            ahead_drop(c);
            return st;
        }
    }
}

static sync_state state_for(lk_status st, const sync_report *rep)
{
    if (rep->cause[0])
        return SYNC_ERROR; /* the LRS answers, but refuses everything: not "offline" */
    switch (st) {
    case LK_OK: return SYNC_IDLE;
    case LK_ERR_AUTH: return SYNC_AUTH_FAILED;
    case LK_ERR_NETWORK:
    case LK_ERR_TIMEOUT:
    case LK_ERR_HTTP: return SYNC_OFFLINE;
    default: return SYNC_ERROR;
    }
}

/* --- destinations ------------------------------------------------------------------- */

/* True when issuer i is a trusted school with an LRS of its own: a destination of
 * its own, left out of the default's queue. */
static bool own_lrs(const config *cfg, size_t i)
{
    const config_issuer *is = &cfg->issuers[i];
    return is->endpoint[0] && config_find_issuer(cfg, is->code);
}

lk_status sync_dests(const config *cfg, sync_dest **out, size_t *n)
{
    if (!cfg || !out || !n)
        return LK_ERR_INVALID;
    *out = NULL;
    *n = 0;
    size_t cap = 1 + cfg->n_issuers;
    sync_dest *d = calloc(cap, sizeof *d);
    if (!d)
        return LK_ERR_NOMEM;
    size_t k = 0;
    if (cfg->sync.endpoint[0])
        d[k++].sc = cfg->sync; /* issuer "": the default */
    for (size_t i = 0; i < cfg->n_issuers; i++) {
        const config_issuer *is = &cfg->issuers[i];
        if (!own_lrs(cfg, i))
            continue;
        sync_dest *x = &d[k++];
        lk_strlcpy(x->issuer, is->code, sizeof x->issuer);
        x->sc = cfg->sync;
        /* never the default LRS's credentials or CA: each school's own, or none */
        lk_strlcpy(x->sc.endpoint, is->endpoint, sizeof x->sc.endpoint);
        lk_strlcpy(x->sc.credentials_file, is->credentials_file,
                   sizeof x->sc.credentials_file);
        lk_strlcpy(x->sc.ca_file, is->ca_file, sizeof x->sc.ca_file);
    }
    if (k == 0) {
        free(d);
        return LK_OK;
    }
    *out = d;
    *n = k;
    return LK_OK;
}

lk_status sync_dest_scope(const config *cfg, const sync_dest *d, store *s)
{
    if (!cfg || !d || !s)
        return LK_ERR_INVALID;
    if (d->issuer[0])
        return store_set_lane(s, d->issuer, NULL, 0);
    /* the default takes every school's statements but those with an LRS of their own */
    const char **own = calloc(cfg->n_issuers + 1, sizeof *own);
    if (!own)
        return LK_ERR_NOMEM;
    size_t n_own = 0;
    for (size_t i = 0; i < cfg->n_issuers; i++)
        if (own_lrs(cfg, i))
            own[n_own++] = cfg->issuers[i].code;
    lk_status st = store_set_lane(s, NULL, own, n_own);
    free(own);
    return st;
}

/* Opens cfg's store with a handle that sees only d's queue; err gets the reason. */
static lk_status open_dest_store(const config *cfg, const sync_dest *d, store **out, char *err,
                                 size_t err_len)
{
    char path[CONFIG_PATH_MAX + 64];
    char why[256] = "";
    *out = NULL;
    lk_status st = store_path(cfg, path, sizeof path);
    if (st == LK_OK)
        st = store_open(path, out, why, sizeof why);
    if (st != LK_OK) {
        snprintf(err, err_len, "store: %s", why[0] ? why : lk_strerror(st));
        return st;
    }
    st = sync_dest_scope(cfg, d, *out);
    if (st != LK_OK) {
        snprintf(err, err_len, "store: %s", lk_strerror(st));
        store_close(*out);
        *out = NULL;
    }
    return st;
}

/* "11BB: " before a message about a school's own LRS; "" for the default. */
static void dest_prefix(const sync_dest *d, char *msg, size_t len)
{
    if (!d->issuer[0] || !msg[0])
        return;
    char tmp[SYNC_MESSAGE_MAX + LK_ISSUER_MAX + 2];
    snprintf(tmp, sizeof tmp, "%s: %s", d->issuer, msg);
    lk_strlcpy(msg, tmp, len); /* cut at len, as every status message */
}

/* One pass to one destination on the calling thread. */
static lk_status once_to(const config *cfg, const sync_dest *d, sync_report *rep)
{
    client *c = NULL;
    store *s = NULL;
    lk_status st = client_new(cfg, &d->sc, NULL, &c, rep->message, sizeof rep->message);
    if (st == LK_OK)
        st = open_dest_store(cfg, d, &s, rep->message, sizeof rep->message);
    if (st != LK_OK) {
        rep->state = SYNC_ERROR;
    } else {
        c->st = s;
        c->cfg = cfg;
        st = run_pass(c, cfg, rep, NULL, NULL);
        rep->state = state_for(st, rep);
    }
    dest_prefix(d, rep->message, sizeof rep->message);
    client_free(c);
    store_close(s);
    return st;
}

/* once_to on a thread of its own, so --once sends to every destination at once. */
typedef struct once_job {
    const config *cfg;
    const sync_dest *d;
    sync_report rep;
    lk_status st;
    pthread_t th;
    bool started;
} once_job;

static void *once_main(void *arg)
{
    once_job *j = arg;
    j->st = once_to(j->cfg, j->d, &j->rep);
    return NULL;
}

lk_status sync_once(const config *cfg, sync_report *out)
{
    sync_report rep;
    memset(&rep, 0, sizeof rep);
    rep.state = SYNC_OFF;
    lk_status st = LK_ERR_UNSUPPORTED;
    sync_dest *d = NULL;
    size_t n = 0;
    if (!cfg) {
        st = LK_ERR_INVALID;
        goto out;
    }
    st = sync_dests(cfg, &d, &n);
    if (st != LK_OK)
        goto out;
    if (n == 0) {
        st = LK_ERR_UNSUPPORTED;
        snprintf(rep.message, sizeof rep.message, "sync is off: no endpoint in [sync]");
        goto out;
    }
    /* Every destination gets its pass at the same time, whatever another one
     * answers or however slowly; the report adds them up and keeps the first (in
     * destination order) that stopped early. */
    once_job *jobs = calloc(n, sizeof *jobs);
    if (!jobs) {
        st = LK_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        jobs[i].cfg = cfg;
        jobs[i].d = &d[i];
        jobs[i].started = n > 1 && pthread_create(&jobs[i].th, NULL, once_main, &jobs[i]) == 0;
        if (!jobs[i].started)
            once_main(&jobs[i]); /* one destination, or no thread to spare: here */
    }
    st = LK_OK;
    rep.state = SYNC_IDLE;
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].started)
            pthread_join(jobs[i].th, NULL);
        sync_report one = jobs[i].rep;
        lk_status ds = jobs[i].st;
        rep.sent += one.sent;
        rep.quarantined += one.quarantined;
        rep.requests += one.requests;
        if (ds != LK_OK && st == LK_OK) {
            st = ds;
            rep.http_status = one.http_status;
            rep.retry_after_ms = one.retry_after_ms;
            rep.state = one.state;
            lk_strlcpy(rep.message, one.message, sizeof rep.message);
            lk_strlcpy(rep.cause, one.cause, sizeof rep.cause);
        } else if (st == LK_OK) {
            rep.http_status = one.http_status ? one.http_status : rep.http_status;
        }
    }
    free(jobs);
out:
    free(d);
    if (out)
        *out = rep;
    return st;
}

/* --- the threads: one per destination ----------------------------------------------- */

/* One destination's thread: its own connection, back-off, auth state and status,
 * so one school's LRS being down, slow or refusing never delays another's. */
typedef struct lane {
    const config *cfg;          /* borrowed */
    sync_dest dest;             /* where it sends */
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;          /* signalled by wake, request_now and stop */
    bool wake, now, stop;       /* requests, under mu */
    atomic_bool abort;          /* stop, visible to the transfer in flight */
    client *c;                  /* owned by the thread while it runs */
    sync_status status;         /* under mu; queued is this destination's queue */
    sync_status totals;         /* under mu; the whole outbox's counts */
    atomic_bool *trust_changed; /* the sync_thread's flag; only lanes[0] checks the list */
    char (*own)[LK_ISSUER_MAX + 1]; /* default lane: the schools with their own LRS, copied
                                       at start (the UI thread may change cfg's issuers
                                       when a newer trust list arrives); heap, owned */
    const char **own_ptr;       /* pointers into own, for store_set_lane */
    size_t n_own;               /* entries of own */
    int64_t trust_checked_ms;   /* monotonic time of its last check, 0 = never */
} lane;

struct sync_thread {
    lane **lanes;               /* one per destination (sync_dests) */
    size_t n;
    atomic_bool trust_changed;  /* lanes[0] installed a newer trust list */
};

static void set_state(lane *t, sync_state s, const char *msg)
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

static void refresh_counts(lane *t, store *s)
{
    store_outbox_stats ss;
    int64_t mine = 0;
    if (!s || store_outbox_stats_get(s, &ss) != LK_OK || store_outbox_lane_queued(s, &mine) != LK_OK)
        return;
    pthread_mutex_lock(&t->mu);
    t->status.queued = mine;
    t->totals.queued = ss.queued;
    t->status.quarantined = t->totals.quarantined = ss.quarantined;
    t->status.sent = t->totals.sent = ss.sent;
    t->totals.last_sync_ms = ss.last_sent_ms;
    pthread_mutex_unlock(&t->mu);
}

/* Exponential back-off with "equal jitter": half fixed, half random, so kiosks
 * that lost the network together do not come back in lockstep. */
int64_t sync_backoff_ms(int failures)
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
    lane *t = arg;
    store *s = NULL;
    int failures = 0;
    for (;;) {
        sync_report rep;
        memset(&rep, 0, sizeof rep);
        lk_status st;
        if (!s) {
            char path[CONFIG_PATH_MAX + 64];
            char why[256] = "";
            st = store_path(t->cfg, path, sizeof path);
            if (st == LK_OK)
                st = store_open(path, &s, why, sizeof why);
            if (st == LK_OK) {
                st = store_set_lane(s, t->dest.issuer[0] ? t->dest.issuer : NULL, t->own_ptr,
                                    t->n_own);
                if (st != LK_OK) {
                    store_close(s);
                    s = NULL;
                }
            }
            if (st != LK_OK) {
                s = NULL;
                snprintf(rep.message, sizeof rep.message, "store: %s",
                         why[0] ? why : lk_strerror(st));
            }
        }
        if (s) {
            t->c->st = s;
            t->c->cfg = t->cfg;
            refresh_counts(t, s);
            st = run_pass(t->c, t->cfg, &rep, on_sending, t);
            if (rep.sent > 0) {
                pthread_mutex_lock(&t->mu);
                t->status.last_sync_ms = lk_now_ms();
                pthread_mutex_unlock(&t->mu);
            }
            refresh_counts(t, s);
        } else {
            st = LK_ERR_DB;
        }
        if (st == LK_ERR_BUSY && atomic_load(&t->abort))
            break;
        if (t->trust_changed && t->cfg->trust.url[0] && t->cfg->trust.has_region_key &&
            (!t->trust_checked_ms || lk_mono_ms() - t->trust_checked_ms >= LK_TRUST_CHECK_S * 1000LL)) {
            char why[256] = "";
            trust_meta m;
            lk_status ts = sync_trust_update(t->cfg, &m, why, sizeof why);
            t->trust_checked_ms = lk_mono_ms();
            if (ts == LK_OK) {
                fprintf(stderr, "sync: trust list version %ld of %s installed\n", m.version,
                        m.region);
                atomic_store(t->trust_changed, true);
            } else if (ts != LK_ERR_EXISTS) {
                fprintf(stderr, "sync: trust list not updated: %s\n", why);
            }
        }
        int64_t wait_ms;
        sync_state ns = state_for(st, &rep);
        if (st == LK_OK) {
            failures = 0;
            wait_ms = (int64_t)(t->cfg->sync.interval_s > 0 ? t->cfg->sync.interval_s
                                                            : LK_SYNC_INTERVAL_S) * 1000;
        } else if (st == LK_ERR_AUTH) {
            wait_ms = -1; /* until the admin asks again */
        } else if (rep.retry_after_ms > 0) {
            wait_ms = rep.retry_after_ms;
        } else if (rep.cause[0]) {
            /* A refusing LRS is fixed by a person, not in seconds; each try costs a
             * dozen requests. The admin's "sync now" still tries at once. */
            wait_ms = sync_backoff_ms(++failures);
            if (wait_ms < SYNC_REJECTS_WAIT_MIN_MS)
                wait_ms = SYNC_REJECTS_WAIT_MIN_MS;
        } else {
            wait_ms = sync_backoff_ms(++failures);
        }
        dest_prefix(&t->dest, rep.message, sizeof rep.message);
        if (st != LK_OK)
            fprintf(stderr, "sync: %s: %s\n", sync_state_token(ns), rep.message);
        pthread_mutex_lock(&t->mu);
        t->status.state = ns;
        t->status.http_status = rep.http_status;
        lk_strlcpy(t->status.message, st == LK_OK ? "" : rep.message, sizeof t->status.message);
        lk_strlcpy(t->status.cause, rep.cause, sizeof t->status.cause);
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

static void lane_free(lane *t)
{
    free(t->own);
    free(t->own_ptr);
    client_free(t->c);
    pthread_cond_destroy(&t->cv);
    pthread_mutex_destroy(&t->mu);
    free(t);
}

static lane *lane_start(const config *cfg, const sync_dest *d, atomic_bool *trust_changed,
                        char *err, size_t err_len)
{
    lane *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    t->cfg = cfg;
    t->dest = *d;
    t->trust_changed = trust_changed;
    if (!d->issuer[0] && cfg->n_issuers > 0) {
        t->own = calloc(cfg->n_issuers, sizeof *t->own);
        t->own_ptr = calloc(cfg->n_issuers, sizeof *t->own_ptr);
        if (!t->own || !t->own_ptr) {
            snprintf(err, err_len, "out of memory");
            free(t->own);
            free(t->own_ptr);
            free(t);
            return NULL;
        }
        for (size_t i = 0; i < cfg->n_issuers; i++)
            if (own_lrs(cfg, i)) {
                lk_strlcpy(t->own[t->n_own], cfg->issuers[i].code, sizeof t->own[0]);
                t->own_ptr[t->n_own] = t->own[t->n_own];
                t->n_own++;
            }
    }
    atomic_init(&t->abort, false);
    if (client_new(cfg, &d->sc, &t->abort, &t->c, err, err_len) != LK_OK) {
        dest_prefix(d, err, err_len);
        free(t->own);
        free(t->own_ptr);
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
        lane_free(t);
        return NULL;
    }
    return t;
}

static void signal_flag(lane *t, bool *flag)
{
    pthread_mutex_lock(&t->mu);
    *flag = true;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
}

void sync_stop(sync_thread *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        atomic_store(&t->lanes[i]->abort, true);
        signal_flag(t->lanes[i], &t->lanes[i]->stop);
    }
    for (size_t i = 0; i < t->n; i++) {
        pthread_join(t->lanes[i]->th, NULL);
        lane_free(t->lanes[i]);
    }
    free(t->lanes);
    free(t);
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
    sync_dest *d = NULL;
    size_t n = 0;
    if (!cfg || sync_dests(cfg, &d, &n) != LK_OK || n == 0) {
        free(d);
        return NULL; /* sync off: no thread, err "" */
    }
    sync_thread *t = calloc(1, sizeof *t);
    if (t)
        t->lanes = calloc(n, sizeof *t->lanes);
    if (!t || !t->lanes) {
        snprintf(err, err_len, "out of memory");
        free(t);
        free(d);
        return NULL;
    }
    atomic_init(&t->trust_changed, false);
    for (size_t i = 0; i < n; i++) {
        t->lanes[i] = lane_start(cfg, &d[i], i == 0 ? &t->trust_changed : NULL, err, err_len);
        if (!t->lanes[i]) {
            sync_stop(t);
            free(d);
            return NULL;
        }
        t->n++;
    }
    free(d);
    return t;
}

void sync_wake(sync_thread *t)
{
    for (size_t i = 0; t && i < t->n; i++)
        signal_flag(t->lanes[i], &t->lanes[i]->wake);
}

void sync_request_now(sync_thread *t)
{
    for (size_t i = 0; t && i < t->n; i++)
        signal_flag(t->lanes[i], &t->lanes[i]->now);
}

int sync_state_severity(sync_state s)
{
    switch (s) {
    case SYNC_AUTH_FAILED: return 5;
    case SYNC_ERROR: return 4;
    case SYNC_OFFLINE: return 3;
    case SYNC_SENDING: return 2;
    case SYNC_IDLE: return 1;
    default: return 0;
    }
}

void sync_status_get(sync_thread *t, sync_status *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    out->state = SYNC_OFF;
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        lane *l = t->lanes[i];
        pthread_mutex_lock(&l->mu);
        sync_status one = l->status;
        sync_status totals = l->totals;
        pthread_mutex_unlock(&l->mu);
        if (i == 0 || sync_state_severity(one.state) > sync_state_severity(out->state)) {
            int64_t last = out->last_sync_ms;
            *out = one;
            out->last_sync_ms = last;
        }
        if (totals.last_sync_ms > out->last_sync_ms)
            out->last_sync_ms = totals.last_sync_ms;
        if (one.last_sync_ms > out->last_sync_ms)
            out->last_sync_ms = one.last_sync_ms;
        if (i == t->n - 1) {
            /* the whole outbox, whichever destination refreshed it last */
            out->queued = totals.queued;
            out->quarantined = totals.quarantined;
            out->sent = totals.sent;
        }
    }
}

bool sync_trust_changed(sync_thread *t)
{
    return t && atomic_exchange(&t->trust_changed, false);
}

lk_status sync_trust_update(const config *cfg, trust_meta *meta, char *err, size_t err_len)
{
    if (!cfg)
        return LK_ERR_INVALID;
    if (!cfg->trust.url[0] || !cfg->trust.has_region_key) {
        snprintf(err, err_len, "no [trust] url or region_key");
        return LK_ERR_UNSUPPORTED;
    }
    /* the region's web server, not an LRS: [sync]'s timeouts, the system's CAs, no
     * credentials */
    config_sync sc = cfg->sync;
    sc.credentials_file[0] = sc.ca_file[0] = '\0';
    http_conn *c = NULL;
    lk_status st = http_conn_new(&sc, NULL, NULL, NULL, &c, err, err_len);
    if (st != LK_OK)
        return st;
    struct stat sb;
    int64_t since = stat(cfg->trust.file, &sb) == 0 ? (int64_t)sb.st_mtime : 0;
    char *body = NULL;
    size_t len = 0;
    long status = 0;
    int64_t modified = 0;
    st = http_fetch(c, cfg->trust.url, since, LK_TRUST_MAX_BYTES, &body, &len, &status,
                    &modified, err, err_len);
    http_conn_free(c);
    if (st != LK_OK)
        return st;
    if (status == 304) {
        snprintf(err, err_len, "not modified since the installed list");
        return LK_ERR_EXISTS;
    }
    if (status != 200 || !body) {
        free(body);
        snprintf(err, err_len, "HTTP %ld from %s", status, cfg->trust.url);
        return LK_ERR_HTTP;
    }
    st = trust_install(cfg, body, len, lk_local_yyyymmdd(lk_now_ms()), meta, err, err_len);
    free(body);
    if ((st == LK_OK || st == LK_ERR_EXISTS) && modified > 0) {
        /* the installed file carries the server's time: the next If-Modified-Since is
         * the server's own clock, whatever this kiosk's clock says */
        struct timespec tv[2] = {{.tv_sec = (time_t)modified}, {.tv_sec = (time_t)modified}};
        if (utimensat(AT_FDCWD, cfg->trust.file, tv, 0) != 0)
            fprintf(stderr, "sync: cannot set the trust list's time\n");
    }
    return st;
}

size_t sync_dest_count(sync_thread *t)
{
    return t ? t->n : 0;
}

void sync_dest_status(sync_thread *t, size_t i, sync_status *out, char *issuer, size_t len)
{
    if (out) {
        memset(out, 0, sizeof *out);
        out->state = SYNC_OFF;
    }
    if (issuer && len)
        issuer[0] = '\0';
    if (!t || i >= t->n)
        return;
    lane *l = t->lanes[i];
    pthread_mutex_lock(&l->mu);
    if (out)
        *out = l->status;
    pthread_mutex_unlock(&l->mu);
    if (issuer)
        lk_strlcpy(issuer, l->dest.issuer, len);
}

/* Opens cfg's store for a one-off command; err gets the reason. */
static lk_status open_store(const config *cfg, store **out)
{
    char path[CONFIG_PATH_MAX + 64];
    char err[256] = "";
    *out = NULL;
    lk_status st = store_path(cfg, path, sizeof path);
    if (st == LK_OK)
        st = store_open(path, out, err, sizeof err);
    if (st != LK_OK)
        fprintf(stderr, "sync: store: %s\n", err[0] ? err : lk_strerror(st));
    return st;
}

lk_status sync_requeue_quarantined(const config *cfg, int64_t *out_n)
{
    if (out_n)
        *out_n = 0;
    if (!cfg)
        return LK_ERR_INVALID;
    store *s = NULL;
    lk_status st = open_store(cfg, &s);
    if (st != LK_OK)
        return st;
    st = store_outbox_requeue_quarantined(s, out_n);
    store_close(s);
    return st;
}


/* --- sync --verify -------------------------------------------------------------- */

/* A statement id as the kiosk writes them: safe in a URL as it is. */
static bool plain_uuid(const char *u)
{
    size_t n = strlen(u);
    return n == 36 && strspn(u, "0123456789abcdefABCDEF-") == n;
}

/* 200 with a statement whose id is uuid: the LRS has it. */
static bool answer_is_statement(const http_answer *a, const char *uuid)
{
    json_t *j = json_loadb(a->body, a->body_len, 0, NULL);
    const char *id = json_string_value(json_object_get(j, "id"));
    bool ok = id && strcasecmp(id, uuid) == 0;
    json_decref(j);
    return ok;
}

/* Asks d's LRS about the n statements most recently sent there. */
static lk_status verify_at(const config *cfg, const sync_dest *d, size_t n,
                           void (*on_missing)(const char *uuid, const char *kind, void *user),
                           void *user, sync_verify_report *rep)
{
    client *c = NULL;
    store *s = NULL;
    store_outbox_item *items = NULL;
    size_t count = 0;
    lk_status st = client_new(cfg, &d->sc, NULL, &c, rep->message, sizeof rep->message);
    if (st == LK_OK)
        st = open_dest_store(cfg, d, &s, rep->message, sizeof rep->message);
    if (st == LK_OK) {
        st = store_outbox_recent_sent(s, n, &items, &count);
        if (st != LK_OK)
            snprintf(rep->message, sizeof rep->message, "store: cannot read the outbox (%s)",
                     lk_strerror(st));
    }
    for (size_t i = 0; i < count && st == LK_OK; i++) {
        char url[CONFIG_PATH_MAX + 80], path[80], err[SYNC_MESSAGE_MAX] = "";
        if (!plain_uuid(items[i].uuid))
            continue; /* not written by this kiosk; nothing to ask */
        snprintf(path, sizeof path, "statements?statementId=%s", items[i].uuid);
        st = http_url(&d->sc, path, url, sizeof url);
        if (st != LK_OK)
            break;
        st = http_request(c->http, url, NULL, 0, &c->ans, err, sizeof err);
        if (st != LK_OK) {
            snprintf(rep->message, sizeof rep->message, "%s", err);
            break;
        }
        rep->http_status = (int)c->ans.status;
        if (c->ans.status == 200 && answer_is_statement(&c->ans, items[i].uuid)) {
            rep->checked++;
            continue;
        }
        if (c->ans.status == 404) {
            rep->checked++;
            rep->missing++;
            if (on_missing)
                on_missing(items[i].uuid, items[i].kind, user);
            continue;
        }
        if (c->ans.status == 401 || c->ans.status == 403) {
            snprintf(rep->message, sizeof rep->message,
                     "HTTP %ld: the LRS refused the credentials", c->ans.status);
            st = LK_ERR_AUTH;
        } else {
            snprintf(rep->message, sizeof rep->message,
                     "%s: HTTP %ld to GET statements?statementId= is neither the statement nor 404",
                     SYNC_CAUSE_NOT_LRS, c->ans.status);
            st = LK_ERR_HTTP;
        }
    }
    dest_prefix(d, rep->message, sizeof rep->message);
    store_outbox_free(items, count);
    client_free(c);
    store_close(s);
    return st;
}

lk_status sync_verify(const config *cfg, size_t n,
                      void (*on_missing)(const char *uuid, const char *kind, void *user),
                      void *user, sync_verify_report *out)
{
    sync_verify_report rep;
    memset(&rep, 0, sizeof rep);
    lk_status st = LK_ERR_UNSUPPORTED;
    sync_dest *d = NULL;
    size_t nd = 0;
    if (!cfg) {
        st = LK_ERR_INVALID;
        goto out;
    }
    st = sync_dests(cfg, &d, &nd);
    if (st != LK_OK)
        goto out;
    if (nd == 0) {
        st = LK_ERR_UNSUPPORTED;
        snprintf(rep.message, sizeof rep.message, "sync is off: no endpoint in [sync]");
        goto out;
    }
    for (size_t i = 0; i < nd; i++) {
        sync_verify_report one;
        memset(&one, 0, sizeof one);
        lk_status ds = verify_at(cfg, &d[i], n, on_missing, user, &one);
        rep.checked += one.checked;
        rep.missing += one.missing;
        if (one.http_status)
            rep.http_status = one.http_status;
        if (ds != LK_OK && st == LK_OK) {
            st = ds;
            lk_strlcpy(rep.message, one.message, sizeof rep.message);
        }
    }
out:
    free(d);
    if (out)
        *out = rep;
    return st;
}
