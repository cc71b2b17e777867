/* The durable store: one SQLite database in WAL mode, synchronous=FULL. Numbered
 * migrations, check-ins and check-outs, reflection answers, host confirmations,
 * counted refusals, the roster and the outbox of xAPI statements.
 * One store handle per thread; handles are not shared between threads. */
#ifndef LOBKIOSK_STORE_H
#define LOBKIOSK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/clock.h"
#include "lobkiosk/config.h"
#include "lobkiosk/status.h"

typedef struct store store;

/* Opens (creating and migrating) the database at path. *out receives a handle to
 * free with store_close(). err (may be NULL) gets SQLite's message on failure. */
lk_status store_open(const char *path, store **out, char *err, size_t err_len) LK_MUST_CHECK;

/* Closes the handle; accepts NULL. */
void store_close(store *st);

/* The path of the database inside cfg->data_dir (creates data_dir). */
lk_status store_path(const config *cfg, char *buf, size_t len) LK_MUST_CHECK;

/* store_path, then store_open: the kiosk's own database. err (may be NULL) says
 * why it did not open, also when the data folder could not be made. */
lk_status store_open_config(const config *cfg, store **out, char *err,
                            size_t err_len) LK_MUST_CHECK;

/* Copies cfg's events into the events table (insert or update). */
lk_status store_sync_events(store *st, const config *cfg) LK_MUST_CHECK;

/* One student's experience at one event. */
typedef struct store_experience {
    int64_t id;                       /* row id */
    char event_id[64];                /* event */
    char issuer[LK_ISSUER_MAX + 1];   /* student's issuer */
    char subject[LK_SUBJECT_MAX + 1]; /* student's subject */
    int64_t checkin_ms;               /* check-in time */
    char checkin_uuid[37];            /* statement id of the check-in */
    int64_t checkout_ms;              /* check-out time, 0 = still in */
    char checkout_uuid[37];           /* statement id of the check-out, "" = none */
    bool confirmed;                   /* a host confirmed attendance */
    bool manual;                      /* checked in by hand (forgotten pass), written once */
} store_experience;

/* The experience of (event, issuer, subject): LK_OK and *out filled, or
 * LK_ERR_NOT_FOUND. */
lk_status store_find_experience(store *st, const char *event_id, const char *issuer,
                                const char *subject, store_experience *out) LK_MUST_CHECK;

/* A statement to queue with a record: its id and JSON (borrowed). */
typedef struct store_statement {
    const char *uuid;  /* statement id, fixed when the row is written */
    const char *kind;  /* "checkin", "checkout", "answer", "confirmation", "voiding" */
    const char *json;  /* the whole statement */
} store_statement;

/* Writes a check-in and its outbox row in one transaction (exp->id is set).
 * LK_ERR_EXISTS when the student is already checked in at this event. */
lk_status store_record_checkin(store *st, store_experience *exp,
                               const store_statement *stmt) LK_MUST_CHECK;

/* Sets the check-out of an experience and queues its statement, one transaction. */
lk_status store_record_checkout(store *st, int64_t experience_id, int64_t checkout_ms,
                                const store_statement *stmt) LK_MUST_CHECK;

/* One reflection answer. */
typedef struct store_answer {
    const char *question_id; /* question id in its set */
    const char *competency;  /* competency token or NULL */
    const char *response;    /* the answer (choice id or text) */
    int64_t answered_ms;     /* when it was given */
    store_statement stmt;    /* its statement */
} store_answer;

/* Writes answers of one experience and their outbox rows in one transaction. */
lk_status store_record_answers(store *st, int64_t experience_id, const store_answer *answers,
                               size_t n) LK_MUST_CHECK;

/* Records a host's confirmation of an experience and queues its statement.
 * LK_ERR_EXISTS when already confirmed. */
lk_status store_record_confirmation(store *st, int64_t experience_id, const char *host_issuer,
                                    const char *host_subject, int64_t confirmed_ms,
                                    const store_statement *stmt) LK_MUST_CHECK;

/* Counts a refused scan by reason and local day; the payload is never stored. */
lk_status store_count_refusal(store *st, lk_reason reason, int yyyymmdd) LK_MUST_CHECK;

/* The admin PIN pad's lockout (pin_guard in pin.h), kept across restarts: wrong PINs
 * in a row and the wall-clock ms until which the pad is shut (0 = open). Load gives
 * 0/0 for a fresh database. UI thread. */
lk_status store_pin_guard_load(store *st, int *failures, int64_t *locked_until_ms) LK_MUST_CHECK;
lk_status store_pin_guard_save(store *st, int failures, int64_t locked_until_ms) LK_MUST_CHECK;

/* Check-ins at an event today (local day of now_ms), for the idle screen. */
lk_status store_count_checkins(store *st, const char *event_id, int64_t now_ms,
                               int *out) LK_MUST_CHECK;

/* Calls fn for each experience at event_id, oldest first (host screen, reports). */
lk_status store_each_experience(store *st, const char *event_id,
                                void (*fn)(const store_experience *exp, void *user),
                                void *user) LK_MUST_CHECK;

/* Like store_each_experience, for check-ins in [from_ms, to_ms) only (the host
 * screen's "today"): an index range, whatever the size of the event. */
lk_status store_each_experience_between(store *st, const char *event_id, int64_t from_ms,
                                        int64_t to_ms,
                                        void (*fn)(const store_experience *exp, void *user),
                                        void *user) LK_MUST_CHECK;

/* --- roster ------------------------------------------------------------------ */

/* One roster row. First names stay on the kiosk: never in a log or statement. */
typedef struct store_person {
    char issuer[LK_ISSUER_MAX + 1];   /* issuer code */
    char subject[LK_SUBJECT_MAX + 1]; /* subject id */
    char first_name[128];             /* shown in the welcome */
    char group[64];                   /* class or group, for reports */
} store_person;

lk_status store_begin(store *st) LK_MUST_CHECK;    /* BEGIN IMMEDIATE */
lk_status store_commit(store *st) LK_MUST_CHECK;   /* COMMIT */
void store_rollback(store *st);                    /* ROLLBACK, ignores errors */

/* Inserts or updates a roster row (use inside store_begin/store_commit for bulk).
 * *out_inserted (may be NULL) tells whether the row is new. */
lk_status store_roster_upsert(store *st, const store_person *p, bool *out_inserted) LK_MUST_CHECK;

/* Roster rows whose first name starts with name, both folded to plain small letters
 * and digits (fold_key: any case, accents and ligatures, so "ome" finds "Ömer" and
 * "ij" finds "Ĳsbrand"; spaces, hyphens and apostrophes do not count), in group
 * when group is neither NULL nor "", sorted by that key: at most max into out[],
 * *out_n how many. name "" lists everyone; a name with nothing to search by (only
 * signs: "%", "_") finds no one. An index range, no pattern: cheap at any roster
 * size. For the admin screen's check-in by hand. UI thread. */
lk_status store_roster_search(store *st, const char *name, const char *group, store_person *out,
                              size_t max, size_t *out_n) LK_MUST_CHECK;

/* The roster row of (issuer, subject), or LK_ERR_NOT_FOUND. */
lk_status store_roster_find(store *st, const char *issuer, const char *subject,
                            store_person *out) LK_MUST_CHECK;

/* --- outbox ------------------------------------------------------------------ */

typedef enum store_outbox_state {
    STORE_OUTBOX_QUEUED = 0,      /* waiting to be sent */
    STORE_OUTBOX_SENT = 1,        /* the LRS accepted it */
    STORE_OUTBOX_QUARANTINED = 2, /* the LRS refused it (400); kept with its message */
} store_outbox_state;

/* One outbox row. */
typedef struct store_outbox_item {
    int64_t id;        /* row id, ascending in write order */
    char uuid[37];     /* statement id */
    char kind[16];     /* checkin, checkout, answer, confirmation, voiding */
    char *json;        /* the statement (owned by the item, see store_outbox_free) */
    int attempts;      /* send attempts so far */
} store_outbox_item;

/* The oldest queued rows, at most max. *out_items is a heap array of *out_n items;
 * free with store_outbox_free(). */
lk_status store_outbox_next(store *st, size_t max, store_outbox_item **out_items,
                            size_t *out_n) LK_MUST_CHECK;

/* As store_outbox_next, but only rows with an id above after_id: the sync reads the
 * next window while the last batch of the one before is still queued. */
lk_status store_outbox_next_after(store *st, int64_t after_id, size_t max,
                                  store_outbox_item **out_items, size_t *out_n) LK_MUST_CHECK;

/* Limits the rows this handle's sending queries see (store_outbox_next,
 * _head_error, _probe_candidates, _recent_sent, _lane_queued, store_oldest_queued_ms)
 * to one destination, so each school's LRS has a queue of its own in the one outbox:
 * issuer non-NULL: the rows about that issuer's students; issuer NULL: the default
 * destination, every row except those about students of the issuers in exclude
 * (the ones with an LRS of their own; copied). A voiding statement this handle
 * queues for a statement it settles goes to the same destination. A new handle sees
 * every row. Thread: the handle's owner. */
lk_status store_set_lane(store *st, const char *issuer, const char *const *exclude,
                         size_t n_exclude) LK_MUST_CHECK;

/* Queued rows of this handle's destination (store_set_lane); O(queued rows). */
lk_status store_outbox_lane_queued(store *st, int64_t *out) LK_MUST_CHECK;

/* Frees an array from store_outbox_next; accepts NULL. */
void store_outbox_free(store_outbox_item *items, size_t n);

/* Marks the rows of ids that are still queued sent at sent_ms, one transaction: their
 * ids move from the queue (outbox_queue) to outbox_sent, the rows are not rewritten.
 * A row sent before keeps its send time; a quarantined one stays quarantined. */
lk_status store_outbox_mark_sent(store *st, const int64_t *ids, size_t n,
                                 int64_t sent_ms) LK_MUST_CHECK;

/* Quarantines one row with the LRS's message. */
lk_status store_outbox_quarantine(store *st, int64_t id, const char *message) LK_MUST_CHECK;

/* Counts a failed send attempt on rows still queued and keeps why on them (one
 * transaction; why NULL or "" is kept as "unknown error"): `sync --status` runs in
 * another process and shows the head row's last error. */
lk_status store_outbox_record_attempt(store *st, const int64_t *ids, size_t n,
                                      const char *why) LK_MUST_CHECK;

/* Marks queued rows as handed to the network (before the sync POSTs them), one
 * transaction written with synchronous = FULL: from then on store_forget voids them,
 * since the LRS may store them even when its answer is lost. present[i] (n entries)
 * tells whether ids[i] is still queued; a row that is not (forgotten meanwhile) must
 * not be sent. A row offered again keeps its first mark too. The marks live in a
 * table of their own, one row a run of consecutive ids (outbox_offered_runs), so
 * marking a window read in order costs one row, and no rewrite of the rows; a run
 * without a queued row left is cleared by the next mark. */
lk_status store_outbox_mark_offered(store *st, const int64_t *ids, size_t n, int64_t now_ms,
                                    bool *present) LK_MUST_CHECK;

/* SQLite's data_version of this handle: it changes when another connection (or
 * process) commits to the file, not when this handle does. */
lk_status store_data_version(store *st, int64_t *out) LK_MUST_CHECK;

/* queued[i] (n entries) tells whether the row ids[i] is still queued (not forgotten,
 * sent or quarantined since it was read); reads only. */
lk_status store_outbox_still_queued(store *st, const int64_t *ids, size_t n,
                                    bool *queued) LK_MUST_CHECK;

/* Puts every quarantined row back in the queue (one UPDATE in one transaction; the
 * reasons are cleared, the attempts kept). *out_n (may be NULL) gets how many. */
lk_status store_outbox_requeue_quarantined(store *st, int64_t *out_n) LK_MUST_CHECK;

/* The last error a send attempt met, as recorded on the oldest queued row (the head
 * of the queue, which blocks the rest): copied into buf ("" when none) and its
 * attempts into *attempts (may be NULL). */
lk_status store_outbox_head_error(store *st, char *buf, size_t len,
                                  int64_t *attempts) LK_MUST_CHECK;

/* How many row ids store_outbox_probe_candidates can leave out. */
#define STORE_PROBE_EXCLUDE_MAX 8

/* Statements to ask an LRS whether it takes anything at all: the last one it
 * accepted (re-sending it is a no-op there), *was_sent true; or, when none was ever
 * sent, up to max queued ones whose ids are not in exclude[0..n_exclude) (at most
 * STORE_PROBE_EXCLUDE_MAX): the newest first, then random ones, so one bad row
 * cannot block the queue for ever. json[0..*out_n) receive malloc'd copies (json
 * has room for max, or 1). *out_n is 0 when there is nothing to ask with. */
lk_status store_outbox_probe_candidates(store *st, const int64_t *exclude, size_t n_exclude,
                                        size_t max, char **json, size_t *out_n,
                                        bool *was_sent) LK_MUST_CHECK;

/* The max most recently sent rows, newest first (uuid, kind; json is NULL), for
 * `sync --verify`. Free with store_outbox_free(). */
lk_status store_outbox_recent_sent(store *st, size_t max, store_outbox_item **out_items,
                                   size_t *out_n) LK_MUST_CHECK;

/* created_ms of the oldest queued row into *out_ms; 0 when none is queued. */
lk_status store_oldest_queued_ms(store *st, int64_t *out_ms) LK_MUST_CHECK;

/* PRAGMA integrity_check: LK_OK when SQLite says "ok"; else LK_ERR_DB with the first
 * problem it lists (or why it could not run) in msg. */
lk_status store_integrity_check(store *st, char *msg, size_t len) LK_MUST_CHECK;

/* Where each outbox row stands, counted from the rows themselves (lobkiosk check):
 * every row is in exactly one place (outbox_queue, outbox_sent or quarantined), each
 * sent row lies in a run of its send time (retention finds it), and the running
 * counts equal the rows. The store's triggers keep all of this true; a difference
 * means a hand-made change or a bug. Walks the whole outbox: never on the kiosk's
 * hot path. */
typedef struct store_outbox_audit {
    int64_t unplaced; /* rows neither queued, sent nor quarantined: never sent */
    int64_t doubled;  /* rows in two places (queued and sent, or also quarantined) */
    int64_t orphans;  /* queue or sent entries whose row is gone */
    int64_t unrun;    /* sent rows no run of their send time lists (never purged) */
    bool totals_off;  /* the running counts differ from the rows */
} store_outbox_audit;

lk_status store_outbox_audit_get(store *st, store_outbox_audit *out) LK_MUST_CHECK;

/* Sync status figures. */
typedef struct store_outbox_stats {
    int64_t queued;        /* rows waiting */
    int64_t sent;          /* rows sent */
    int64_t quarantined;   /* rows refused by the LRS */
    int64_t last_sent_ms;  /* time of the last successful send, 0 = never */
} store_outbox_stats;

lk_status store_outbox_stats_get(store *st, store_outbox_stats *out) LK_MUST_CHECK;

/* Records, in one transaction, that the outbox rows created at or after since_ms
 * up to the last row now are going out on a USB stick at now_ms (so forget voids
 * them as it does sent ones): one row in the exports table, whatever the number of
 * statements. *out_max_id gets that last row id: the export writes rows up to it. */
lk_status store_outbox_mark_export(store *st, int64_t since_ms, int64_t now_ms,
                                   int64_t *out_max_id) LK_MUST_CHECK;

/* Calls fn for each quarantined row with its message (admin screen, sync --status). */
lk_status store_outbox_each_quarantined(store *st,
                                        void (*fn)(const char *uuid, const char *kind,
                                                   const char *message, void *user),
                                        void *user) LK_MUST_CHECK;

/* --- privacy: forget one person, purge what is no longer needed -------------------
 * What the kiosk keeps, for how long, and what these do: docs/privacy.md. */

/* One day in milliseconds, for store_purge(st, days * STORE_DAY_MS, ...). */
#define STORE_DAY_MS 86400000LL

/* Builds the voiding statement of a statement that has left the kiosk: returns a
 * malloc'd JSON statement with id void_uuid whose object is a StatementRef to
 * target_uuid (xapi_voiding() does exactly this), or NULL to abandon the forget.
 * The store takes ownership of the returned string. */
typedef char *(*store_void_fn)(const char *void_uuid, const char *target_uuid, int64_t now_ms,
                               void *user);

/* What store_forget removed. */
typedef struct store_forget_stats {
    int64_t roster;        /* roster rows (0 or 1) */
    int64_t experiences;   /* experiences */
    int64_t answers;       /* reflection answers */
    int64_t confirmations; /* host confirmations of the person's experiences, and ones the
                              person gave as a host */
    int64_t unsent;        /* outbox rows never offered to the LRS, deleted */
    int64_t voided;        /* statements that left the kiosk: outbox rows that were
                              sent, or offered and maybe stored (handed to the network,
                              attempts > 0, quarantined, exported), and statements whose
                              sent row was purged (voided_purged): a voiding statement
                              was queued for each, then the row deleted */
    int64_t voided_purged; /* of voided: sent statements whose outbox row retention had
                              purged, found by the ids the person's records keep */
    bool scrubbed;         /* the WAL was emptied (secure_delete had zeroed the deleted
                              rows in the file; free pages went back to the file system);
                              false when another connection kept the WAL busy (the next
                              store_purge or forget empties it) */
} store_forget_stats;

/* Marks items sent at sent_ms, in one transaction (a statement or two for the batch),
 * like store_outbox_mark_sent (their offered marks no longer count). The commit does not
 * wait for the disk (synchronous = NORMAL for it): a mark lost in a power cut means
 * a resend, a no-op at the LRS; the next durable commit on the file carries it. An
 * item whose row is gone (a forget ran while the batch was on the wire, in another
 * process) was stored by the LRS all the same, so a voiding statement of it is
 * queued right after (make_void as for store_forget). *out_voided (may
 * be NULL) gets how many. Items are borrowed. */
lk_status store_outbox_settle_sent(store *st, const store_outbox_item *items, size_t n,
                                   int64_t sent_ms, store_void_fn make_void, void *user,
                                   size_t *out_voided) LK_MUST_CHECK;

/* Removes everything this kiosk holds about (issuer, subject), in one transaction:
 * roster row, experiences, answers, confirmations and the person's outbox rows.
 * Statements that left the kiosk get a voiding statement from make_void (queued as
 * kind "voiding", about no one) before their row goes: rows sent, handed to the
 * network, tried, quarantined or exported, and the statement ids the person's
 * experiences, answers and confirmations keep whose sent row was purged (retention
 * deletes sent rows, never these ids). Then the WAL is emptied; no
 * rewrite of the whole file (docs/privacy.md), so it takes the same time in any file.
 * *out (required) gets the counts. LK_ERR_NOT_FOUND, with nothing changed, when the
 * kiosk knows nothing about the person; LK_ERR_INVALID when make_void returns NULL
 * (nothing changed either). */
lk_status store_forget(store *st, const char *issuer, const char *subject, store_void_fn make_void,
                       void *user, store_forget_stats *out) LK_MUST_CHECK;

/* Undoes the confirmations host (host_issuer, host_subject) made at or after
 * since_ms (the host screen's "Ongedaan maken" after "Bevestig iedereen"), in one
 * transaction: each leaves the confirmations table; one whose statement still waits
 * in the outbox loses that row too, one already sent (or quarantined, or purged)
 * gets a voiding statement (make_void, sent where the confirmation went). A row the
 * sync thread is sending at that moment is voided when it comes back (as forget).
 * *removed and *voided (may be NULL) count them. LK_ERR_INVALID when make_void
 * returns NULL (nothing changed). */
lk_status store_undo_confirmations(store *st, const char *host_issuer, const char *host_subject,
                                   int64_t since_ms, store_void_fn make_void, void *user,
                                   size_t *removed, size_t *voided) LK_MUST_CHECK;

/* An admin undoes a check-out (checkout_ms 0, stmt NULL: the student is checked in
 * again) or corrects its time (checkout_ms > 0 and stmt the new check-out statement,
 * queued about the experience's student), in one transaction. old_uuid is the
 * check-out the admin saw: LK_ERR_NOT_FOUND, nothing changed, when the experience
 * is not checked out with that statement any more (a scan or another kiosk came
 * first). The old statement's outbox row is deleted when it never left the kiosk;
 * otherwise a voiding statement (make_void, sent where it went) is queued and a row
 * still waiting is deleted. *voided (may be NULL) tells which. UI thread. */
lk_status store_correct_checkout(store *st, int64_t experience_id, const char *old_uuid,
                                 int64_t checkout_ms, const store_statement *stmt,
                                 store_void_fn make_void, void *user, bool *voided) LK_MUST_CHECK;

/* What store_purge removed. */
typedef struct store_purge_stats {
    int64_t statements; /* sent outbox rows (their statements are in the LRS) */
    int64_t roster;     /* roster rows not updated (imported) within the period */
    bool vacuumed;      /* the file was rewritten once, to make it give free pages back
                           as it goes (a file from before that, a quarter of it free) */
    bool checkpointed;  /* the WAL was emptied; false when another connection kept it */
    char refused[200];  /* LK_ERR_CLOCK: why nothing was removed (English, for the log) */
} store_purge_stats;

/* Retention: deletes, in one transaction, outbox rows sent more than older_than_ms
 * ago (by lk_now_ms()) and roster rows not updated for that long; never queued or
 * quarantined rows, never experiences, answers or confirmations (pseudonymous, they
 * feed the reports). Then gives free pages back (incremental vacuum) and empties the
 * WAL; an old file that is a quarter free is rewritten once (VACUUM). older_than_ms
 * must be > 0 (retention 0 means: do not call). The sent count and last send time of
 * store_outbox_stats_get survive the purge. Its cost follows what it deletes, not the
 * size of the file; still, call it from a quiet moment, not per scan.
 * *out (required) gets the counts. */
lk_status store_purge(store *st, int64_t older_than_ms, store_purge_stats *out) LK_MUST_CHECK;

/* --- the clock (store_clock.c; clock.h says how the state is known) ---------------- */

/* Inside a write transaction: when the clock is not synchronised now, lists the
 * record uuid (made at wall time wall_ms) as made on an unsynchronised clock,
 * with the boot id and CLOCK_BOOTTIME. Called for every queued statement. */
lk_status store_clock_flag(store *st, const char *uuid, int64_t wall_ms) LK_MUST_CHECK;

/* Once a minute from the kiosk: remembers the latest wall time seen with its
 * boot and boot time. When the wall clock moved more than an hour beyond the boot
 * clock since the last look in the same boot, the clock jumped: remembered (for
 * store_clock_purge_guard) and *jumped_ms (may be NULL) gets by how much, else 0. */
lk_status store_clock_observe(store *st, const lk_clock *now, int64_t *jumped_ms) LK_MUST_CHECK;

/* With the clock synchronised (now->synced): gives each record made on an
 * unsynchronised clock in this boot its true time (now's wall time minus the
 * boot time passed since it was made), also in its statement when that is still
 * queued, and sets a queued statement whose time lies in the future to now.
 * *fixed (may be NULL) gets how many records were corrected. Records of an
 * earlier boot cannot be corrected and stay listed. Does nothing when not synced. */
lk_status store_clock_correct(store *st, const lk_clock *now, int64_t *fixed) LK_MUST_CHECK;

/* Records still listed as made on an unsynchronised clock. */
lk_status store_clock_unsynced_count(store *st, int64_t *n) LK_MUST_CHECK;

/* LK_OK when retention may delete now; LK_ERR_CLOCK with why in msg when the
 * clock is not synchronised, jumped forward less than a day ago, or lies more
 * than 400 days past the latest time seen. Updates the time seen. */
lk_status store_clock_purge_guard(store *st, char *msg, size_t len) LK_MUST_CHECK;

/* The SQL of the i-th statement on a hot path (per scan, the screen's status every
 * second, start-up, sync, sync --status, forget, purge), NULL past the last: for the
 * test that none reads a whole experiences or outbox table (EXPLAIN QUERY PLAN). */
const char *store_hot_sql(size_t i);

/* The underlying connection, for read-only queries of the report and export modules
 * only; everything else goes through the functions above. */
struct sqlite3 *store_db(store *st);

#endif
