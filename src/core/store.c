/* The durable store: one SQLite database (WAL, synchronous=FULL) holding events,
 * the roster, experiences, answers, confirmations, counted refusals and the outbox
 * of xAPI statements. SQLite result codes are translated to lk_status here. */
#include "lobkiosk/store.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lobkiosk/fold.h"
#include "lobkiosk/util.h"

/* Numbered migrations: entry i brings user_version from i to i+1, each in its own
 * transaction. Never edit a shipped entry; append a new one. */
static const char *const migrations[] = {
    /* 1: the tables */
    "CREATE TABLE events ("
    "  id TEXT PRIMARY KEY,"
    "  title TEXT NOT NULL DEFAULT '',"
    "  kind TEXT NOT NULL DEFAULT 'other',"
    "  host TEXT NOT NULL DEFAULT '',"
    "  location TEXT NOT NULL DEFAULT '',"
    "  start_ms INTEGER NOT NULL DEFAULT 0,"
    "  end_ms INTEGER NOT NULL DEFAULT 0,"
    "  mode TEXT NOT NULL DEFAULT 'checkin');"
    "CREATE TABLE roster ("
    "  issuer TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  first_name TEXT NOT NULL,"
    "  grp TEXT NOT NULL DEFAULT '',"
    "  updated_ms INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (issuer, subject));"
    /* No foreign key to events: an event may leave kiosk.ini later, its
     * experiences must stay. */
    "CREATE TABLE experiences ("
    "  id INTEGER PRIMARY KEY,"
    "  event_id TEXT NOT NULL,"
    "  issuer TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  checkin_ms INTEGER NOT NULL,"
    "  checkin_uuid TEXT NOT NULL UNIQUE,"
    "  checkout_ms INTEGER NOT NULL DEFAULT 0,"
    "  checkout_uuid TEXT NOT NULL DEFAULT '',"
    "  UNIQUE (event_id, issuer, subject));"
    "CREATE TABLE answers ("
    "  id INTEGER PRIMARY KEY,"
    "  experience_id INTEGER NOT NULL REFERENCES experiences(id),"
    "  question_id TEXT NOT NULL,"
    "  competency TEXT,"
    "  response TEXT NOT NULL,"
    "  answered_ms INTEGER NOT NULL,"
    "  uuid TEXT NOT NULL UNIQUE);"
    "CREATE TABLE confirmations ("
    "  id INTEGER PRIMARY KEY,"
    "  experience_id INTEGER NOT NULL UNIQUE REFERENCES experiences(id),"
    "  host_issuer TEXT NOT NULL,"
    "  host_subject TEXT NOT NULL,"
    "  confirmed_ms INTEGER NOT NULL,"
    "  uuid TEXT NOT NULL UNIQUE);"
    /* Only a count per day and reason: the scanned payload is never kept. */
    "CREATE TABLE refusals ("
    "  day INTEGER NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  count INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (day, reason));"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  uuid TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL,"
    "  json TEXT NOT NULL,"
    "  state INTEGER NOT NULL DEFAULT 0,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT,"
    "  created_ms INTEGER NOT NULL DEFAULT 0,"
    "  sent_ms INTEGER NOT NULL DEFAULT 0);",
    /* 2: the indexes the kiosk's hot queries need */
    "CREATE INDEX experiences_by_event ON experiences(event_id, checkin_ms);"
    "CREATE INDEX outbox_by_state ON outbox(state, id);"
    "CREATE INDEX answers_by_experience ON answers(experience_id);",
    /* 3: privacy. Each outbox row names the person it is about, so forget finds
     * every statement of a student with one indexed lookup. Existing rows are filled
     * from the records they were written with (experiences, answers, confirmations),
     * not from the JSON: the actor of a confirmation is the host, and an actor's
     * homePage depends on kiosk.ini as it was then. Voiding statements stay NULL:
     * they are about no one. outbox_purged keeps the sent count and the last send
     * time when purge deletes sent rows (sync status and the screen show them). */
    "ALTER TABLE outbox ADD COLUMN issuer TEXT;"
    "ALTER TABLE outbox ADD COLUMN subject TEXT;"
    "UPDATE outbox SET issuer = l.issuer, subject = l.subject FROM ("
    "  SELECT checkin_uuid AS uuid, issuer, subject FROM experiences"
    "  UNION ALL SELECT checkout_uuid, issuer, subject FROM experiences"
    "    WHERE checkout_uuid <> ''"
    "  UNION ALL SELECT a.uuid, e.issuer, e.subject FROM answers a"
    "    JOIN experiences e ON e.id = a.experience_id"
    "  UNION ALL SELECT c.uuid, e.issuer, e.subject FROM confirmations c"
    "    JOIN experiences e ON e.id = c.experience_id"
    ") AS l WHERE l.uuid = outbox.uuid;"
    "CREATE INDEX outbox_by_person ON outbox(issuer, subject);"
    "CREATE TABLE outbox_purged ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  sent INTEGER NOT NULL DEFAULT 0,"
    "  last_sent_ms INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO outbox_purged (id) VALUES (1);",
    /* 4: when a row went out on a USB stick: forget voids exported statements too */
    "ALTER TABLE outbox ADD COLUMN exported_ms INTEGER NOT NULL DEFAULT 0;",
    /* 5: costs flat in the size of the file. outbox_totals keeps the rows per state
     * and the last send time as running counts: triggers update them in the same
     * transaction as every write to the outbox, whoever writes (the scan, the sync,
     * forget, purge, requeue), so the screen's once-a-second status and sync --status
     * read one row instead of counting a year of statements. The sent count of purged
     * rows stays in outbox_purged as before. The indexes let forget find a person's
     * experiences and the confirmations they gave as a host, and purge find old sent
     * rows, without reading every row. */
    "CREATE TABLE outbox_totals ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  queued INTEGER NOT NULL DEFAULT 0,"
    "  sent INTEGER NOT NULL DEFAULT 0,"
    "  quarantined INTEGER NOT NULL DEFAULT 0,"
    "  last_sent_ms INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO outbox_totals (id, queued, sent, quarantined, last_sent_ms)"
    "  SELECT 1, coalesce(sum(state = 0), 0), coalesce(sum(state = 1), 0),"
    "  coalesce(sum(state = 2), 0), coalesce(max(CASE WHEN state = 1 THEN sent_ms END), 0)"
    "  FROM outbox;"
    "CREATE TRIGGER outbox_totals_insert AFTER INSERT ON outbox BEGIN"
    "  UPDATE outbox_totals SET queued = queued + (NEW.state = 0),"
    "  sent = sent + (NEW.state = 1), quarantined = quarantined + (NEW.state = 2),"
    "  last_sent_ms = max(last_sent_ms, CASE WHEN NEW.state = 1 THEN NEW.sent_ms ELSE 0 END)"
    "  WHERE id = 1;"
    "END;"
    "CREATE TRIGGER outbox_totals_delete AFTER DELETE ON outbox BEGIN"
    "  UPDATE outbox_totals SET queued = queued - (OLD.state = 0),"
    "  sent = sent - (OLD.state = 1), quarantined = quarantined - (OLD.state = 2)"
    "  WHERE id = 1;"
    "END;"
    "CREATE TRIGGER outbox_totals_update AFTER UPDATE OF state, sent_ms ON outbox"
    "  WHEN OLD.state IS NOT NEW.state OR OLD.sent_ms IS NOT NEW.sent_ms BEGIN"
    "  UPDATE outbox_totals SET"
    "  queued = queued - (OLD.state = 0) + (NEW.state = 0),"
    "  sent = sent - (OLD.state = 1) + (NEW.state = 1),"
    "  quarantined = quarantined - (OLD.state = 2) + (NEW.state = 2),"
    "  last_sent_ms = max(last_sent_ms, CASE WHEN NEW.state = 1 THEN NEW.sent_ms ELSE 0 END)"
    "  WHERE id = 1;"
    "END;"
    "CREATE INDEX experiences_by_person ON experiences(issuer, subject);"
    "CREATE INDEX confirmations_by_host ON confirmations(host_issuer, host_subject);"
    "CREATE INDEX outbox_sent ON outbox(sent_ms) WHERE state = 1;",
    /* 6: the PIN pad's lockout survives a restart (pin_guard in pin.h) */
    "CREATE TABLE pin_guard ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  failures INTEGER NOT NULL DEFAULT 0,"
    "  locked_until_ms INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO pin_guard (id) VALUES (1);",
    /* 7: the coordinator's report over a period and a group reads a range of
     * check-ins and one group's roster rows, not the whole year. */
    "CREATE INDEX experiences_by_time ON experiences(checkin_ms);"
    "CREATE INDEX roster_by_group ON roster(grp);",
    /* 8: an export to a USB stick is one row here (the rows created since since_ms,
     * up to max_outbox_id, went out), instead of stamping exported_ms on each of a
     * year's rows; forget checks both. */
    "CREATE TABLE exports ("
    "  id INTEGER PRIMARY KEY,"
    "  exported_ms INTEGER NOT NULL,"
    "  since_ms INTEGER NOT NULL,"
    "  max_outbox_id INTEGER NOT NULL);",
    /* 9: when a queued row was first handed to the network (the sync marks a batch
     * before it POSTs it): a student forgotten while the batch is on the wire, and
     * the LRS's answer lost, is voided all the same (store_forget). */
    "ALTER TABLE outbox ADD COLUMN offered_ms INTEGER NOT NULL DEFAULT 0;",
    /* 10: a check-in by hand on the admin screen (the student forgot the pass):
     * reports count these apart. */
    "ALTER TABLE experiences ADD COLUMN manual INTEGER NOT NULL DEFAULT 0;",
    /* 11: the clock (store_clock.c). A record made while the system clock was not
     * synchronised is listed in clock_unsynced by its uuid (that of its statement
     * too) with the boot and CLOCK_BOOTTIME it was made at, so its time can be
     * corrected once the clock is synchronised in the same boot. clock_seen keeps
     * the latest wall time seen and when the clock last jumped (retention). */
    "CREATE TABLE clock_unsynced ("
    "  uuid TEXT PRIMARY KEY,"
    "  boot_id TEXT NOT NULL,"
    "  boot_ms INTEGER NOT NULL,"
    "  wall_ms INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX clock_unsynced_by_boot ON clock_unsynced(boot_id);"
    "CREATE TABLE clock_seen ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  wall_ms INTEGER NOT NULL DEFAULT 0,"
    "  boot_id TEXT NOT NULL DEFAULT '',"
    "  boot_ms INTEGER NOT NULL DEFAULT 0,"
    "  jump_ms INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO clock_seen (id) VALUES (1);",
    /* 12: a queued row handed to the network is listed here (by id) until it is
     * settled, instead of having offered_ms written into its row: the sync marks a
     * whole window of rows before it POSTs them, and rewriting each 1 KB row (and its
     * page in the WAL) cost more than the sending. offered_ms still counts for rows
     * marked before. */
    "CREATE TABLE outbox_offered ("
    "  id INTEGER PRIMARY KEY,"
    "  offered_ms INTEGER NOT NULL);",
    /* 13: the roster search ("forgot the pass") finds names with accents from the
     * A-Z keyboard ("ome" finds "Ömer", "ij" "Ĳsbrand"): each row keeps its first
     * name's search key (lk_fold(), fold_key in fold.h), written by triggers whoever
     * writes the row, and an index answers a prefix as a range of keys. */
    "ALTER TABLE roster ADD COLUMN name_key TEXT NOT NULL DEFAULT '';"
    "UPDATE roster SET name_key = lk_fold(first_name);"
    "CREATE INDEX roster_by_name_key ON roster(name_key);"
    "CREATE TRIGGER roster_name_key_insert AFTER INSERT ON roster BEGIN"
    "  UPDATE roster SET name_key = lk_fold(NEW.first_name) WHERE rowid = NEW.rowid;"
    "END;"
    "CREATE TRIGGER roster_name_key_update AFTER UPDATE OF first_name ON roster"
    "  WHEN OLD.first_name IS NOT NEW.first_name BEGIN"
    "  UPDATE roster SET name_key = lk_fold(NEW.first_name) WHERE rowid = NEW.rowid;"
    "END;",
    /* 14: a row's place in the sync lives in narrow tables, not in its wide row:
     * outbox_queue lists the queued rows (the sync walks it in id order and reads each
     * row by id), outbox_sent the sent ones with their send time. Marking a batch sent
     * moves its ids from one to the other and updates outbox_totals once per batch
     * (store_outbox_settle_sent): the 1 KB row, its (state, id) index entry and a
     * trigger a row were rewritten before, most of what the sync cost. outbox.state
     * now says only "quarantined" (2); 0 and 1 say nothing (1: sent before this
     * migration). The triggers keep the narrow tables and the totals true for every
     * other write, whoever makes it: a row inserted (queued; or with state 1 and
     * sent_ms, or 2, as tools write them), deleted (forget, purge, a corrected
     * check-out), or its state set (quarantine, requeue, a tool's state = 1; state 1
     * with a new sent_ms on a row already sent moves its send time).
     * Send times are found by run: outbox_sent has no index of sent_ms (its entry cost
     * a quarter of marking a row sent). Each run of consecutive ids marked sent
     * together is a row of outbox_sent_runs with its time: one row a batch read in
     * order. Every outbox_sent row lies in a run with its own send time, so retention
     * and sync --verify find the sent rows by time through the runs; a run may also
     * span rows sent at another time (they have a run of their own, and the readers
     * compare each row's time). Runs are deleted by purge with the rows they list;
     * runs of rows forgotten since stay until then (they list only ids and a time).
     * Offered marks (migration 12) become runs of consecutive ids, one row a run
     * instead of one a statement: a window of the sync is mostly one run, so marking
     * it costs one row and settling a batch deletes none. Every id from lo to hi was
     * in the window handed to the network at offered_ms; a queued row in a run was
     * offered. Runs without a queued row left are cleared by the next mark. */
    "DROP TRIGGER outbox_totals_insert;"
    "DROP TRIGGER outbox_totals_delete;"
    "DROP TRIGGER outbox_totals_update;"
    "DROP INDEX outbox_sent;"
    "CREATE TABLE outbox_queue (id INTEGER PRIMARY KEY);"
    "CREATE TABLE outbox_sent (id INTEGER PRIMARY KEY, sent_ms INTEGER NOT NULL);"
    "INSERT INTO outbox_queue (id) SELECT id FROM outbox WHERE state = 0 ORDER BY id;"
    "INSERT INTO outbox_sent (id, sent_ms) SELECT id, sent_ms FROM outbox WHERE state = 1"
    "  ORDER BY id;"
    "DROP INDEX outbox_by_state;"
    "CREATE INDEX outbox_quarantined ON outbox(id) WHERE state = 2;"
    "UPDATE outbox_totals SET queued = (SELECT count(*) FROM outbox_queue),"
    "  sent = (SELECT count(*) FROM outbox_sent),"
    "  quarantined = (SELECT count(*) FROM outbox WHERE state = 2),"
    "  last_sent_ms = max(last_sent_ms, coalesce((SELECT max(sent_ms) FROM outbox_sent), 0))"
    "  WHERE id = 1;"
    "CREATE TABLE outbox_sent_runs ("
    "  lo INTEGER NOT NULL,"
    "  hi INTEGER NOT NULL,"
    "  sent_ms INTEGER NOT NULL);"
    "INSERT INTO outbox_sent_runs (lo, hi, sent_ms)"
    "  SELECT min(id), max(id), sent_ms FROM (SELECT id, sent_ms,"
    "  id - row_number() OVER (PARTITION BY sent_ms ORDER BY id) AS run FROM outbox_sent)"
    "  GROUP BY sent_ms, run;"
    "CREATE INDEX outbox_sent_runs_by_time ON outbox_sent_runs(sent_ms);"
    "CREATE TABLE outbox_offered_runs ("
    "  lo INTEGER NOT NULL,"
    "  hi INTEGER NOT NULL,"
    "  offered_ms INTEGER NOT NULL);"
    "INSERT INTO outbox_offered_runs (lo, hi, offered_ms)"
    "  SELECT f.id, f.id, f.offered_ms FROM outbox_offered f"
    "  WHERE EXISTS (SELECT 1 FROM outbox_queue q WHERE q.id = f.id);"
    "DROP TABLE outbox_offered;"
    "CREATE TRIGGER outbox_in AFTER INSERT ON outbox BEGIN"
    "  INSERT INTO outbox_queue (id) SELECT NEW.id WHERE NEW.state = 0;"
    "  INSERT INTO outbox_sent (id, sent_ms) SELECT NEW.id, NEW.sent_ms WHERE NEW.state = 1;"
    "  INSERT INTO outbox_sent_runs (lo, hi, sent_ms) SELECT NEW.id, NEW.id, NEW.sent_ms"
    "  WHERE NEW.state = 1;"
    "  UPDATE outbox_totals SET queued = queued + (NEW.state = 0),"
    "  sent = sent + (NEW.state = 1), quarantined = quarantined + (NEW.state = 2),"
    "  last_sent_ms = max(last_sent_ms, CASE WHEN NEW.state = 1 THEN NEW.sent_ms ELSE 0 END)"
    "  WHERE id = 1;"
    "END;"
    "CREATE TRIGGER outbox_out AFTER DELETE ON outbox BEGIN"
    "  UPDATE outbox_totals SET"
    "  queued = queued - EXISTS (SELECT 1 FROM outbox_queue WHERE id = OLD.id),"
    "  sent = sent - EXISTS (SELECT 1 FROM outbox_sent WHERE id = OLD.id),"
    "  quarantined = quarantined - (OLD.state = 2) WHERE id = 1;"
    "  DELETE FROM outbox_queue WHERE id = OLD.id;"
    "  DELETE FROM outbox_sent WHERE id = OLD.id;"
    "END;"
    "CREATE TRIGGER outbox_state_set AFTER UPDATE OF state, sent_ms ON outbox"
    "  WHEN OLD.state IS NOT NEW.state OR (NEW.state = 1 AND OLD.sent_ms IS NOT NEW.sent_ms)"
    "  BEGIN"
    "  UPDATE outbox_totals SET"
    "  queued = queued - EXISTS (SELECT 1 FROM outbox_queue WHERE id = NEW.id) + (NEW.state = 0),"
    "  sent = sent - EXISTS (SELECT 1 FROM outbox_sent WHERE id = NEW.id) + (NEW.state = 1),"
    "  quarantined = quarantined - (OLD.state = 2) + (NEW.state = 2),"
    "  last_sent_ms = max(last_sent_ms, CASE WHEN NEW.state = 1 THEN NEW.sent_ms ELSE 0 END)"
    "  WHERE id = 1;"
    "  DELETE FROM outbox_queue WHERE id = NEW.id AND NEW.state <> 0;"
    "  DELETE FROM outbox_sent WHERE id = NEW.id AND NEW.state <> 1;"
    "  INSERT OR IGNORE INTO outbox_queue (id) SELECT NEW.id WHERE NEW.state = 0;"
    "  INSERT OR REPLACE INTO outbox_sent (id, sent_ms) SELECT NEW.id, NEW.sent_ms"
    "  WHERE NEW.state = 1;"
    "  INSERT INTO outbox_sent_runs (lo, hi, sent_ms) SELECT NEW.id, NEW.id, NEW.sent_ms"
    "  WHERE NEW.state = 1;"
    "END;",
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])

/* A batch's ids are bound as one JSON array (?2 or ?1, read by json_each), so one
 * statement marks a whole batch: one statement a row cost more than the row. */
/* A run of ids lo..hi of a window marked offered (migration 14). */
#define SQL_OFFER_RUN "INSERT INTO outbox_offered_runs (lo, hi, offered_ms) VALUES (?2, ?3, ?1)"
#define SQL_QUEUED_IN_RUN "SELECT count(*) FROM outbox_queue WHERE id BETWEEN ?1 AND ?2"
/* Runs with no row queued any more (sent, quarantined, forgotten) mark nothing. */
#define SQL_OFFERED_CLEAN                                                                          \
    "DELETE FROM outbox_offered_runs WHERE NOT EXISTS (SELECT 1 FROM outbox_queue q"               \
    " WHERE q.id BETWEEN outbox_offered_runs.lo AND outbox_offered_runs.hi)"
/* Whether outbox row o was handed to the network in a window still on record. */
#define SQL_OFFERED_ROW                                                                            \
    "EXISTS (SELECT 1 FROM outbox_offered_runs f WHERE o.id BETWEEN f.lo AND f.hi)"
/* Marking a batch sent (migration 14): its ids still queued move from outbox_queue to
 * outbox_sent, and outbox_totals changes once; the outbox rows are not written. */
#define SQL_SETTLE                                                                                 \
    "INSERT OR IGNORE INTO outbox_sent (id, sent_ms) SELECT q.id, ?1"                              \
    " FROM json_each(?2) j CROSS JOIN outbox_queue q ON q.id = j.value"
#define SQL_SETTLE_QUEUE "DELETE FROM outbox_queue WHERE id IN (SELECT value FROM json_each(?1))"
/* The same for a run of consecutive ids ?2..?3 of the batch: a walk of the queue's
 * range instead of a lookup per id (most batches are one run). */
#define SQL_SETTLE_RUN                                                                             \
    "INSERT OR IGNORE INTO outbox_sent (id, sent_ms) SELECT id, ?1 FROM outbox_queue"              \
    " WHERE id BETWEEN ?2 AND ?3"
#define SQL_SETTLE_QUEUE_RUN "DELETE FROM outbox_queue WHERE id BETWEEN ?2 AND ?3"
/* The run's send time (migration 14): one row a run, not an index entry a row. */
#define SQL_SENT_RUN "INSERT INTO outbox_sent_runs (lo, hi, sent_ms) VALUES (?2, ?3, ?1)"
#define SQL_SETTLE_TOTALS                                                                          \
    "UPDATE outbox_totals SET queued = queued - ?1, sent = sent + ?1,"                             \
    " last_sent_ms = max(last_sent_ms, ?2) WHERE id = 1"
/* CROSS JOIN keeps json_each outside: a lookup per id, never a walk of the queue. */
#define SQL_STILL_QUEUED                                                                           \
    "SELECT q.id FROM json_each(?1) j CROSS JOIN outbox_queue q ON q.id = j.value"
#define SQL_EXISTING "SELECT o.id FROM json_each(?1) j CROSS JOIN outbox o ON o.id = j.value"

/* Statements used on every scan are prepared once per handle. */
enum {
    Q_FIND_EXP,
    Q_INSERT_EXP,
    Q_CHECKOUT,
    Q_OUTBOX_INSERT,
    Q_OUTBOX_INSERT_EXP,
    Q_REFUSAL,
    Q_ROSTER_INSERT,
    Q_ROSTER_UPDATE,
    Q_ROSTER_FIND,
    Q_ROSTER_SEARCH,
    Q_ANSWER,
    Q_CONFIRM,
    Q_COUNT_TODAY,
    Q_OUTBOX_STATS,
    Q_OFFER_RUN,
    Q_QUEUED_IN_RUN,
    Q_SETTLE,
    Q_SETTLE_QUEUE,
    Q_SETTLE_TOTALS,
    Q_SETTLE_RUN,
    Q_SETTLE_QUEUE_RUN,
    Q_SENT_RUN,
    Q_STILL_QUEUED,
    Q_EXISTING,
    Q_COUNT
};

static const char *const cached_sql[Q_COUNT] = {
    [Q_FIND_EXP] = "SELECT e.id, e.event_id, e.issuer, e.subject, e.checkin_ms, e.checkin_uuid,"
                   " e.checkout_ms, e.checkout_uuid,"
                   " EXISTS (SELECT 1 FROM confirmations c WHERE c.experience_id = e.id)"
                   " FROM experiences e WHERE e.event_id = ? AND e.issuer = ? AND e.subject = ?",
    [Q_INSERT_EXP] = "INSERT INTO experiences (event_id, issuer, subject, checkin_ms, checkin_uuid,"
                     " manual) VALUES (?, ?, ?, ?, ?, ?)",
    [Q_CHECKOUT] = "UPDATE experiences SET checkout_ms = ?, checkout_uuid = ?"
                   " WHERE id = ? AND checkout_ms = 0",
    [Q_OUTBOX_INSERT] = "INSERT INTO outbox (uuid, kind, json, created_ms, issuer, subject)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
    /* The person a statement is about is the student of its experience. */
    [Q_OUTBOX_INSERT_EXP] = "INSERT INTO outbox (uuid, kind, json, created_ms, issuer, subject)"
                            " SELECT ?, ?, ?, ?, issuer, subject FROM experiences WHERE id = ?",
    [Q_REFUSAL] = "INSERT INTO refusals (day, reason, count) VALUES (?, ?, 1)"
                  " ON CONFLICT (day, reason) DO UPDATE SET count = count + 1",
    [Q_ROSTER_INSERT] =
        "INSERT OR IGNORE INTO roster (issuer, subject, first_name, grp, updated_ms)"
        " VALUES (?, ?, ?, ?, ?)",
    [Q_ROSTER_UPDATE] = "UPDATE roster SET first_name = ?, grp = ?, updated_ms = ?"
                        " WHERE issuer = ? AND subject = ?",
    [Q_ROSTER_FIND] = "SELECT issuer, subject, first_name, grp FROM roster"
                      " WHERE issuer = ? AND subject = ?",
    /* the forgot-the-pass search: a range of folded keys (store_roster_search) */
    [Q_ROSTER_SEARCH] = "SELECT issuer, subject, first_name, grp FROM roster"
                        " WHERE name_key >= ?1 AND name_key < ?2 AND (?3 IS NULL OR grp = ?3)"
                        " ORDER BY name_key, first_name, grp, subject LIMIT ?4",
    [Q_ANSWER] = "INSERT INTO answers (experience_id, question_id, competency, response,"
                 " answered_ms, uuid) VALUES (?, ?, ?, ?, ?, ?)",
    [Q_CONFIRM] = "INSERT INTO confirmations (experience_id, host_issuer, host_subject,"
                  " confirmed_ms, uuid) VALUES (?, ?, ?, ?, ?)",
    /* the idle screen's "today", every second: a range of experiences_by_event */
    [Q_COUNT_TODAY] = "SELECT count(*) FROM experiences WHERE event_id = ?"
                      " AND checkin_ms >= ? AND checkin_ms < ?",
    /* the status line every second, sync --status: running counts (migration 5) */
    [Q_OUTBOX_STATS] = "SELECT t.queued, t.sent + p.sent, t.quarantined,"
                       " max(t.last_sent_ms, p.last_sent_ms)"
                       " FROM outbox_totals t, outbox_purged p WHERE t.id = 1 AND p.id = 1",
    /* per sync batch (the ids as one JSON array) */
    [Q_OFFER_RUN] = SQL_OFFER_RUN,
    [Q_QUEUED_IN_RUN] = SQL_QUEUED_IN_RUN,
    [Q_SETTLE] = SQL_SETTLE,
    [Q_SETTLE_QUEUE] = SQL_SETTLE_QUEUE,
    [Q_SETTLE_TOTALS] = SQL_SETTLE_TOTALS,
    [Q_SETTLE_RUN] = SQL_SETTLE_RUN,
    [Q_SETTLE_QUEUE_RUN] = SQL_SETTLE_QUEUE_RUN,
    [Q_SENT_RUN] = SQL_SENT_RUN,
    [Q_STILL_QUEUED] = SQL_STILL_QUEUED,
    [Q_EXISTING] = SQL_EXISTING,
};

/* The other statements on a hot path, by name, used where they run. */
#define SQL_EACH_EXPERIENCE                                                                 \
    "SELECT e.id, e.event_id, e.issuer, e.subject, e.checkin_ms, e.checkin_uuid,"          \
    " e.checkout_ms, e.checkout_uuid,"                                                     \
    " EXISTS (SELECT 1 FROM confirmations c WHERE c.experience_id = e.id)"                \
    " FROM experiences e WHERE e.event_id = ? AND e.checkin_ms >= ? AND e.checkin_ms < ?" \
    " ORDER BY e.checkin_ms, e.id"
/* The queue in id order, each row read by id (CROSS JOIN: never the other way). */
#define SQL_FROM_QUEUE " FROM outbox_queue q CROSS JOIN outbox o ON o.id = q.id"
#define SQL_OUTBOX_NEXT                                                                            \
    "SELECT o.id, o.uuid, o.kind, o.json, o.attempts" SQL_FROM_QUEUE                               \
    " WHERE q.id > ?2 AND lk_lane(o.issuer) ORDER BY q.id LIMIT ?1"
#define SQL_QUARANTINED                                                                            \
    "SELECT uuid, kind, coalesce(last_error, '') FROM outbox WHERE state = 2 ORDER BY id"
#define SQL_QUARANTINE                                                                      \
    "UPDATE outbox SET state = 2, last_error = ?, attempts = attempts + 1 WHERE id = ?"
#define SQL_FORGET_OUTBOX "DELETE FROM outbox WHERE id = ?"
#define SQL_RECORD_ATTEMPT                                                                         \
    "UPDATE outbox SET attempts = attempts + 1, last_error = ?1 WHERE id = ?2"                     \
    " AND EXISTS (SELECT 1 FROM outbox_queue q WHERE q.id = ?2)"
#define SQL_REQUEUE "UPDATE outbox SET state = 0, last_error = NULL WHERE state = 2"
/* The statement ids the person's records keep whose outbox row is gone: only sent rows
 * are purged, so each of these is in the LRS (or was exported before it was sent). */
#define SQL_FORGET_PURGED                                                                   \
    "SELECT r.uuid FROM ("                                                                 \
    "  SELECT checkin_uuid AS uuid FROM experiences WHERE issuer = ?1 AND subject = ?2"    \
    "  UNION SELECT checkout_uuid FROM experiences"                                        \
    "    WHERE issuer = ?1 AND subject = ?2 AND checkout_uuid <> ''"                       \
    "  UNION SELECT a.uuid FROM answers a JOIN experiences e ON e.id = a.experience_id"    \
    "    WHERE e.issuer = ?1 AND e.subject = ?2"                                           \
    "  UNION SELECT c.uuid FROM confirmations c JOIN experiences e ON e.id = c.experience_id" \
    "    WHERE e.issuer = ?1 AND e.subject = ?2"                                           \
    "  UNION SELECT uuid FROM confirmations WHERE host_issuer = ?1 AND host_subject = ?2"  \
    ") r WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.uuid = r.uuid) ORDER BY r.uuid"
/* The queue's first row: one step, however long the outbox. */
#define SQL_HEAD_ERROR                                                                             \
    "SELECT coalesce(o.last_error, ''), o.attempts" SQL_FROM_QUEUE                                 \
    " WHERE lk_lane(o.issuer) ORDER BY q.id LIMIT 1"
#define SQL_OLDEST_QUEUED                                                                          \
    "SELECT min(o.created_ms)" SQL_FROM_QUEUE " WHERE o.created_ms > 0 AND lk_lane(o.issuer)"
#define SQL_LANE_QUEUED "SELECT count(*)" SQL_FROM_QUEUE " WHERE lk_lane(o.issuer)"
#define SQL_PROBE_SENT                                                                             \
    "SELECT o.json FROM outbox_sent s CROSS JOIN outbox o ON o.id = s.id"                          \
    " WHERE lk_lane(o.issuer) ORDER BY s.id DESC LIMIT 1"
/* The latest runs first (migration 14), each row once, by its own send time. */
#define SQL_RECENT_SENT                                                                            \
    "SELECT o.id, o.uuid, o.kind, o.attempts"                                                      \
    " FROM outbox_sent_runs r INDEXED BY outbox_sent_runs_by_time"                                 \
    " CROSS JOIN outbox_sent s ON s.id BETWEEN r.lo AND r.hi AND s.sent_ms = r.sent_ms"            \
    " CROSS JOIN outbox o ON o.id = s.id"                                                          \
    " WHERE lk_lane(o.issuer) ORDER BY r.sent_ms DESC, s.id DESC LIMIT ?"
#define SQL_PROBE_QUEUED                                                                           \
    "WITH c AS (SELECT o.id, o.json" SQL_FROM_QUEUE "           WHERE lk_lane(o.issuer)"           \
    "           AND q.id NOT IN (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))"                                 \
    " SELECT json FROM c ORDER BY id = (SELECT max(id) FROM c) DESC, random() LIMIT ?9"
#define SQL_FORGET_ANSWERS                                                                  \
    "DELETE FROM answers WHERE experience_id IN"                                           \
    " (SELECT id FROM experiences WHERE issuer = ?1 AND subject = ?2)"
#define SQL_FORGET_CONFIRMATIONS                                                            \
    "DELETE FROM confirmations WHERE experience_id IN"                                     \
    " (SELECT id FROM experiences WHERE issuer = ?1 AND subject = ?2)"                     \
    " OR (host_issuer = ?1 AND host_subject = ?2)"
#define SQL_FORGET_EXPERIENCES "DELETE FROM experiences WHERE issuer = ?1 AND subject = ?2"
/* Sent rows are most of the outbox: purge reads only the old ones, through the runs
 * sent before the cut-off (migration 14), each row by its own send time; the delete
 * trigger takes their outbox_sent rows along, and the old runs go after them. */
#define SQL_OLD_SENT                                                                               \
    " (SELECT DISTINCT s.id, s.sent_ms FROM outbox_sent_runs r"                                    \
    " CROSS JOIN outbox_sent s ON s.id BETWEEN r.lo AND r.hi"                                      \
    " WHERE r.sent_ms < ?3 AND s.sent_ms < ?3)"
#define SQL_PURGE_COUNT                                                                            \
    "UPDATE outbox_purged SET"                                                                     \
    " sent = sent + (SELECT count(*) FROM" SQL_OLD_SENT "),"                                       \
    " last_sent_ms = max(last_sent_ms, coalesce((SELECT max(sent_ms) FROM" SQL_OLD_SENT "), 0))"   \
    " WHERE id = 1"
#define SQL_PURGE_OUTBOX "DELETE FROM outbox WHERE id IN (SELECT id FROM" SQL_OLD_SENT ")"
#define SQL_PURGE_RUNS "DELETE FROM outbox_sent_runs WHERE sent_ms < ?3"

struct store {
    sqlite3 *db;                 /* the connection, owned */
    sqlite3_stmt *q[Q_COUNT];    /* cached statements, prepared on first use */
    /* The destination this handle sends to (store_set_lane): what lk_lane() takes. */
    bool lane_set;                              /* false: every row */
    char lane_issuer[LK_ISSUER_MAX + 1];        /* "": the default destination */
    char (*lane_exclude)[LK_ISSUER_MAX + 1];    /* default: issuers with their own LRS,
                                                   sorted; heap, owned */
    size_t n_lane_exclude;                      /* entries of lane_exclude */
};

static int code_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* True when this handle's destination takes rows about students of issuer (NULL:
 * a row about no one, from before rows named their destination). */
static bool lane_takes(const store *st, const char *issuer)
{
    if (!st->lane_set)
        return true;
    if (st->lane_issuer[0])
        return issuer && !strcmp(issuer, st->lane_issuer);
    if (!issuer || strlen(issuer) > LK_ISSUER_MAX || st->n_lane_exclude == 0)
        return true;
    char key[LK_ISSUER_MAX + 1];
    lk_strlcpy(key, issuer, sizeof key);
    return !bsearch(key, st->lane_exclude, st->n_lane_exclude, sizeof st->lane_exclude[0],
                    code_cmp);
}

/* lk_lane(issuer): the SQL face of lane_takes, so the sending queries filter by
 * destination inside SQLite. */
static void lane_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const store *st = sqlite3_user_data(ctx);
    const unsigned char *issuer = sqlite3_value_text(argv[0]);
    sqlite3_result_int(ctx, lane_takes(st, (const char *)issuer));
}

/* lk_fold(text): a first name's search key (fold_key), for the roster's name_key. */
static void fold_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    char key[256];
    size_t n = fold_key((const char *)sqlite3_value_text(argv[0]), key, sizeof key);
    sqlite3_result_text(ctx, key, (int)n, SQLITE_TRANSIENT);
}

/* Translates an SQLite result code, logging SQLite's own message (never data). */
static lk_status db_status(store *st, int rc, const char *what)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
        return LK_OK;
    int prim = rc & 0xff;
    fprintf(stderr, "store: %s: %s (%d)\n", what,
            st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc), rc);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return LK_ERR_NOT_FOUND; /* the experience referred to does not exist */
    switch (prim) {
    case SQLITE_FULL: return LK_ERR_FULL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return LK_ERR_BUSY;
    case SQLITE_NOMEM: return LK_ERR_NOMEM;
    case SQLITE_CONSTRAINT: return LK_ERR_EXISTS;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY: return LK_ERR_IO;
    default: return LK_ERR_DB;
    }
}

/* A cached statement, reset and unbound, or NULL (the status goes to *out_st). */
static sqlite3_stmt *prep(store *st, int which, lk_status *out_st)
{
    if (!st->q[which]) {
        int rc = sqlite3_prepare_v3(st->db, cached_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                                    &st->q[which], NULL);
        if (rc != SQLITE_OK) {
            *out_st = db_status(st, rc, "prepare");
            return NULL;
        }
    }
    sqlite3_reset(st->q[which]);
    sqlite3_clear_bindings(st->q[which]);
    *out_st = LK_OK;
    return st->q[which];
}

/* Steps a statement that returns no rows; resets it afterwards. */
static lk_status step_done(store *st, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    lk_status ls = rc == SQLITE_DONE ? LK_OK : db_status(st, rc, what);
    sqlite3_reset(s);
    return ls;
}

static lk_status exec(store *st, const char *sql, const char *what)
{
    char *msg = NULL;
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    return db_status(st, rc, what);
}

static void copy_col(sqlite3_stmt *s, int col, char *dst, size_t len)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    lk_strlcpy(dst, t ? (const char *)t : "", len);
}

static lk_status migrate(store *st)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "user_version");
    rc = sqlite3_step(s);
    int version = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_finalize(s);
    if (version < 0)
        return db_status(st, rc, "user_version");
    if ((size_t)version > N_MIGRATIONS) {
        fprintf(stderr, "store: database version %d is newer than this program (%zu)\n",
                version, N_MIGRATIONS);
        return LK_ERR_DB;
    }
    for (size_t v = (size_t)version; v < N_MIGRATIONS; v++) {
        lk_status ls = exec(st, "BEGIN IMMEDIATE", "migration begin");
        if (ls != LK_OK)
            return ls;
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %zu", v + 1);
        ls = exec(st, migrations[v], "migration");
        if (ls == LK_OK)
            ls = exec(st, bump, "migration version");
        if (ls == LK_OK)
            ls = exec(st, "COMMIT", "migration commit");
        if (ls != LK_OK) {
            store_rollback(st);
            return ls;
        }
    }
    return LK_OK;
}

/* Whether the file holds no schema yet. */
static bool fresh_file(store *st)
{
    sqlite3_stmt *s = NULL;
    bool fresh = false;
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_schema", -1, &s, NULL) ==
            SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        fresh = sqlite3_column_int(s, 0) == 0;
    sqlite3_finalize(s);
    return fresh;
}

/* Creates the file 0600 before SQLite does (SQLite would use 0644 & ~umask), and
 * tightens an existing one: it holds first names. The -wal and -shm files inherit
 * the mode of the main file.
 * An existing file is never opened here: POSIX locks belong to the process, and
 * closing any descriptor of a file drops all of them, including the SHARED lock an
 * open WAL connection of this process (the UI's, when the sync thread opens its
 * own) keeps on the database. Without that lock another process's connection (the
 * sqlite3 command, `lobkiosk export`) takes itself for the last one when it closes:
 * it checkpoints ignoring our readers and deletes the -wal and -shm under us. Our
 * commits then go to an unlinked WAL that other processes do not see, their writes
 * to a new one we do not see, and a reader may meet pages our checkpoint is still
 * writing ("database disk image is malformed"). So a new file is made with O_EXCL
 * (nobody holds a file that did not exist; the kiosk opens its first handle before
 * any thread) and an existing one is tightened by path. */
static lk_status secure_file(const char *path)
{
    struct stat sb;
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST && stat(path, &sb) != 0 && errno == ENOENT)
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600); /* a link to nothing yet */
    if (fd >= 0) {
        close(fd);
        return LK_OK;
    }
    if (errno != EEXIST) {
        fprintf(stderr, "store: cannot create database file: %s\n", strerror(errno));
        return errno == ENOSPC ? LK_ERR_FULL : errno == EACCES ? LK_ERR_PERMISSION : LK_ERR_IO;
    }
    /* as an open(O_RDWR) would have said it (a file left by another user) */
    if (faccessat(AT_FDCWD, path, R_OK | W_OK, AT_EACCESS) != 0) {
        fprintf(stderr, "store: cannot open database file: %s\n", strerror(errno));
        return errno == EACCES ? LK_ERR_PERMISSION : LK_ERR_IO;
    }
    if (stat(path, &sb) == 0 && (sb.st_mode & 077) != 0)
        (void)chmod(path, 0600);
    return LK_OK;
}

lk_status store_open(const char *path, store **out, char *err, size_t err_len)
{
    if (err && err_len)
        err[0] = '\0';
    if (!path || !*path || !out)
        return LK_ERR_INVALID;
    *out = NULL;
    lk_status ls = secure_file(path);
    if (ls != LK_OK) {
        if (err)
            snprintf(err, err_len, "cannot create the database file");
        return ls;
    }
    store *st = calloc(1, sizeof *st);
    if (!st)
        return LK_ERR_NOMEM;
    int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        if (err)
            snprintf(err, err_len, "%s", st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        ls = db_status(st, rc, "open");
        store_close(st);
        return ls;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, LK_DB_BUSY_TIMEOUT_MS);
    rc = sqlite3_create_function_v2(st->db, "lk_lane", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, st,
                                    lane_fn, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(st->db, "lk_fold", 1,
                                        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                        fold_fn, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        ls = db_status(st, rc, "functions");
        store_close(st);
        return ls;
    }
    /* WAL: the sync thread reads while the UI writes. FULL: a confirmed check-in
     * survives a power cut. */
    /* A new file gives freed pages back as it goes (forget, purge), instead of
     * needing a full rewrite: only possible before the file's first page is written,
     * so before the switch to WAL. */
    ls = fresh_file(st) ? exec(st, "PRAGMA auto_vacuum = INCREMENTAL", "auto_vacuum") : LK_OK;
    if (ls == LK_OK)
        ls = exec(st, "PRAGMA journal_mode = WAL", "journal_mode");
    if (ls == LK_OK)
        ls = exec(st, "PRAGMA synchronous = FULL", "synchronous");
    if (ls == LK_OK)
        ls = exec(st, "PRAGMA foreign_keys = ON", "foreign_keys");
    /* secure_delete: deleted rows (a forgotten student, a purged first name) are
     * overwritten with zeros instead of lingering in free space until the page is
     * reused. It costs only on deletes and shrinking updates, which are rare here
     * (forget, purge, a roster re-import); a check-in only inserts. Per connection,
     * so every handle sets it. */
    if (ls == LK_OK)
        ls = exec(st, "PRAGMA secure_delete = ON", "secure_delete");
    if (ls == LK_OK)
        ls = migrate(st);
    if (ls != LK_OK) {
        if (err)
            snprintf(err, err_len, "%s", sqlite3_errmsg(st->db));
        store_close(st);
        return ls;
    }
    *out = st;
    return LK_OK;
}

void store_close(store *st)
{
    if (!st)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(st->q[i]);
    sqlite3_close(st->db);
    free(st->lane_exclude);
    free(st);
}

lk_status store_path(const config *cfg, char *buf, size_t len)
{
    if (!cfg || !buf || !len || !cfg->data_dir[0])
        return LK_ERR_INVALID;
    /* The folder holds first names: nobody else may list or read it. Only a folder
     * the kiosk creates gets that mode (exactly, whatever the umask); a folder that
     * was there keeps the mode its owner chose (a shared 1777 folder keeps its sticky
     * bit; `lobkiosk check` warns about a folder others can read). */
    struct stat sb;
    bool existed = stat(cfg->data_dir, &sb) == 0;
    lk_status ls = lk_mkdirs(cfg->data_dir, 0700);
    if (ls != LK_OK)
        return ls;
    if (!existed)
        (void)chmod(cfg->data_dir, 0700);
    return lk_path_join(buf, len, cfg->data_dir, LK_DB_FILE) ? LK_OK : LK_ERR_INVALID;
}

lk_status store_open_config(const config *cfg, store **out, char *err, size_t err_len)
{
    char path[CONFIG_PATH_MAX + 64];
    lk_status ls = store_path(cfg, path, sizeof path);
    if (ls != LK_OK) {
        if (err && err_len)
            snprintf(err, err_len, "data folder %s: %s",
                     cfg && cfg->data_dir[0] ? cfg->data_dir : "(none)", lk_strerror(ls));
        return ls;
    }
    return store_open(path, out, err, err_len);
}

lk_status store_begin(store *st)
{
    if (!st)
        return LK_ERR_INVALID;
    return exec(st, "BEGIN IMMEDIATE", "begin");
}

lk_status store_commit(store *st)
{
    if (!st)
        return LK_ERR_INVALID;
    return exec(st, "COMMIT", "commit");
}

void store_rollback(store *st)
{
    /* After SQLITE_FULL SQLite may already have rolled back: then there is no
     * transaction left and ROLLBACK would only print a confusing error. */
    if (st && st->db && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

static const char *mode_token(config_mode m)
{
    return m == CONFIG_MODE_CHECKIN_CHECKOUT ? "checkin_checkout" : "checkin";
}

lk_status store_sync_events(store *st, const config *cfg)
{
    if (!st || !cfg)
        return LK_ERR_INVALID;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(
        st->db,
        "INSERT INTO events (id, title, kind, host, location, start_ms, end_ms, mode)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title,"
        " kind = excluded.kind, host = excluded.host, location = excluded.location,"
        " start_ms = excluded.start_ms, end_ms = excluded.end_ms, mode = excluded.mode",
        -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare events");
    lk_status ls = store_begin(st);
    for (size_t i = 0; ls == LK_OK && i < cfg->n_events; i++) {
        const config_event *ev = &cfg->events[i];
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, ev->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, ev->title, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, ev->kind[0] ? ev->kind : "other", -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, ev->host, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, ev->location, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 6, ev->start_ms);
        sqlite3_bind_int64(s, 7, ev->end_ms);
        sqlite3_bind_text(s, 8, mode_token(ev->mode), -1, SQLITE_STATIC);
        ls = step_done(st, s, "sync events");
    }
    sqlite3_finalize(s);
    if (ls == LK_OK)
        ls = store_commit(st);
    if (ls != LK_OK)
        store_rollback(st);
    return ls;
}

static void exp_from_row(sqlite3_stmt *s, store_experience *out)
{
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(s, 0);
    copy_col(s, 1, out->event_id, sizeof out->event_id);
    copy_col(s, 2, out->issuer, sizeof out->issuer);
    copy_col(s, 3, out->subject, sizeof out->subject);
    out->checkin_ms = sqlite3_column_int64(s, 4);
    copy_col(s, 5, out->checkin_uuid, sizeof out->checkin_uuid);
    out->checkout_ms = sqlite3_column_int64(s, 6);
    copy_col(s, 7, out->checkout_uuid, sizeof out->checkout_uuid);
    out->confirmed = sqlite3_column_int(s, 8) != 0;
}

lk_status store_find_experience(store *st, const char *event_id, const char *issuer,
                                const char *subject, store_experience *out)
{
    if (!st || !event_id || !issuer || !subject || !out)
        return LK_ERR_INVALID;
    lk_status ls;
    sqlite3_stmt *s = prep(st, Q_FIND_EXP, &ls);
    if (!s)
        return ls;
    sqlite3_bind_text(s, 1, event_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, issuer, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, subject, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        exp_from_row(s, out);
        ls = LK_OK;
    } else if (rc == SQLITE_DONE) {
        ls = LK_ERR_NOT_FOUND;
    } else {
        ls = db_status(st, rc, "find experience");
    }
    sqlite3_reset(s);
    return ls;
}


/* The prepared outbox insert q with the statement's columns 1-4 bound (borrowed
 * strings), or NULL with *out_ls set (LK_ERR_INVALID for an incomplete statement). */
static sqlite3_stmt *prep_outbox_insert(store *st, int q, const store_statement *stmt,
                                        int64_t created_ms, lk_status *out_ls)
{
    if (!stmt || !stmt->uuid || !stmt->uuid[0] || !stmt->kind || !stmt->json) {
        *out_ls = LK_ERR_INVALID;
        return NULL;
    }
    sqlite3_stmt *s = prep(st, q, out_ls);
    if (!s)
        return NULL;
    sqlite3_bind_text(s, 1, stmt->uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, stmt->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, stmt->json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, created_ms);
    return s;
}

/* Queues one statement about (issuer, subject), both NULL for a statement about no
 * one; the caller holds the transaction. */
static lk_status outbox_insert(store *st, const store_statement *stmt, int64_t created_ms,
                               const char *issuer, const char *subject)
{
    lk_status ls;
    sqlite3_stmt *s = prep_outbox_insert(st, Q_OUTBOX_INSERT, stmt, created_ms, &ls);
    if (!s)
        return ls;
    if (issuer && subject) {
        sqlite3_bind_text(s, 5, issuer, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 6, subject, -1, SQLITE_STATIC);
    }
    ls = step_done(st, s, "outbox insert");
    return ls == LK_OK ? store_clock_flag(st, stmt->uuid, created_ms) : ls;
}

/* Queues one statement about the student of experience_id; the caller holds the
 * transaction. LK_ERR_NOT_FOUND when there is no such experience. */
static lk_status outbox_insert_for(store *st, const store_statement *stmt, int64_t created_ms,
                                   int64_t experience_id)
{
    lk_status ls;
    sqlite3_stmt *s = prep_outbox_insert(st, Q_OUTBOX_INSERT_EXP, stmt, created_ms, &ls);
    if (!s)
        return ls;
    sqlite3_bind_int64(s, 5, experience_id);
    ls = step_done(st, s, "outbox insert");
    if (ls == LK_OK && sqlite3_changes(st->db) != 1)
        ls = LK_ERR_NOT_FOUND;
    return ls == LK_OK ? store_clock_flag(st, stmt->uuid, created_ms) : ls;
}

/* Ends a write transaction: COMMIT when ls is LK_OK, otherwise ROLLBACK. */
static lk_status finish(store *st, lk_status ls)
{
    if (ls == LK_OK)
        ls = store_commit(st);
    if (ls != LK_OK)
        store_rollback(st);
    return ls;
}

lk_status store_record_checkin(store *st, store_experience *exp, const store_statement *stmt)
{
    if (!st || !exp || !stmt || !exp->event_id[0] || !exp->issuer[0] || !exp->subject[0] ||
        !exp->checkin_uuid[0])
        return LK_ERR_INVALID;
    lk_status ls = store_begin(st);
    if (ls != LK_OK)
        return ls;
    sqlite3_stmt *s = prep(st, Q_INSERT_EXP, &ls);
    if (s) {
        sqlite3_bind_text(s, 1, exp->event_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, exp->issuer, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, exp->subject, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, exp->checkin_ms);
        sqlite3_bind_text(s, 5, exp->checkin_uuid, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 6, exp->manual ? 1 : 0);
        ls = step_done(st, s, "insert experience");
    }
    if (ls == LK_OK) {
        exp->id = sqlite3_last_insert_rowid(st->db);
        ls = outbox_insert(st, stmt, exp->checkin_ms, exp->issuer, exp->subject);
    }
    return finish(st, ls);
}

lk_status store_record_checkout(store *st, int64_t experience_id, int64_t checkout_ms,
                                const store_statement *stmt)
{
    if (!st || !stmt || !stmt->uuid || !stmt->uuid[0] || experience_id <= 0)
        return LK_ERR_INVALID;
    lk_status ls = store_begin(st);
    if (ls != LK_OK)
        return ls;
    sqlite3_stmt *s = prep(st, Q_CHECKOUT, &ls);
    if (s) {
        sqlite3_bind_int64(s, 1, checkout_ms);
        sqlite3_bind_text(s, 2, stmt->uuid, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, experience_id);
        ls = step_done(st, s, "checkout");
    }
    if (ls == LK_OK && sqlite3_changes(st->db) == 0) {
        /* Either no such experience or it was checked out before. */
        sqlite3_stmt *q = NULL;
        int found = 0;
        if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM experiences WHERE id = ?", -1, &q, NULL) ==
            SQLITE_OK) {
            sqlite3_bind_int64(q, 1, experience_id);
            found = sqlite3_step(q) == SQLITE_ROW;
        }
        sqlite3_finalize(q);
        ls = found ? LK_ERR_EXISTS : LK_ERR_NOT_FOUND;
    }
    if (ls == LK_OK)
        ls = outbox_insert_for(st, stmt, checkout_ms, experience_id);
    return finish(st, ls);
}

lk_status store_record_answers(store *st, int64_t experience_id, const store_answer *answers,
                               size_t n)
{
    if (!st || (n > 0 && !answers) || experience_id <= 0)
        return LK_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        if (!answers[i].question_id || !answers[i].response || !answers[i].stmt.uuid)
            return LK_ERR_INVALID;
    lk_status ls = store_begin(st);
    if (ls != LK_OK)
        return ls;
    for (size_t i = 0; ls == LK_OK && i < n; i++) {
        const store_answer *a = &answers[i];
        sqlite3_stmt *s = prep(st, Q_ANSWER, &ls);
        if (!s)
            break;
        sqlite3_bind_int64(s, 1, experience_id);
        sqlite3_bind_text(s, 2, a->question_id, -1, SQLITE_STATIC);
        if (a->competency)
            sqlite3_bind_text(s, 3, a->competency, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(s, 3);
        sqlite3_bind_text(s, 4, a->response, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 5, a->answered_ms);
        sqlite3_bind_text(s, 6, a->stmt.uuid, -1, SQLITE_STATIC);
        ls = step_done(st, s, "insert answer");
        if (ls == LK_OK)
            ls = outbox_insert_for(st, &a->stmt, a->answered_ms, experience_id);
    }
    return finish(st, ls);
}

lk_status store_record_confirmation(store *st, int64_t experience_id, const char *host_issuer,
                                    const char *host_subject, int64_t confirmed_ms,
                                    const store_statement *stmt)
{
    if (!st || !host_issuer || !host_subject || !stmt || !stmt->uuid || experience_id <= 0)
        return LK_ERR_INVALID;
    lk_status ls = store_begin(st);
    if (ls != LK_OK)
        return ls;
    sqlite3_stmt *s = prep(st, Q_CONFIRM, &ls);
    if (s) {
        sqlite3_bind_int64(s, 1, experience_id);
        sqlite3_bind_text(s, 2, host_issuer, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, host_subject, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, confirmed_ms);
        sqlite3_bind_text(s, 5, stmt->uuid, -1, SQLITE_STATIC);
        ls = step_done(st, s, "insert confirmation");
    }
    if (ls == LK_OK)
        ls = outbox_insert_for(st, stmt, confirmed_ms, experience_id);
    return finish(st, ls);
}

lk_status store_count_refusal(store *st, lk_reason reason, int yyyymmdd)
{
    if (!st || reason <= LK_REASON_NONE || reason >= LK_REASON_COUNT)
        return LK_ERR_INVALID;
    lk_status ls;
    sqlite3_stmt *s = prep(st, Q_REFUSAL, &ls);
    if (!s)
        return ls;
    sqlite3_bind_int(s, 1, yyyymmdd);
    sqlite3_bind_text(s, 2, lk_reason_token(reason), -1, SQLITE_STATIC);
    return step_done(st, s, "count refusal");
}

lk_status store_pin_guard_load(store *st, int *failures, int64_t *locked_until_ms)
{
    if (!st || !failures || !locked_until_ms)
        return LK_ERR_INVALID;
    *failures = 0;
    *locked_until_ms = 0;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                "SELECT failures, locked_until_ms FROM pin_guard WHERE id = 1", -1,
                                &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "pin guard");
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        int64_t n = sqlite3_column_int64(s, 0);
        *failures = n < 0 ? 0 : n > INT32_MAX ? INT32_MAX : (int)n;
        *locked_until_ms = sqlite3_column_int64(s, 1);
        rc = SQLITE_DONE;
    }
    sqlite3_finalize(s);
    return db_status(st, rc, "pin guard");
}

lk_status store_pin_guard_save(store *st, int failures, int64_t locked_until_ms)
{
    if (!st || failures < 0)
        return LK_ERR_INVALID;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                "UPDATE pin_guard SET failures = ?, locked_until_ms = ? WHERE id = 1",
                                -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "pin guard");
    sqlite3_bind_int(s, 1, failures);
    sqlite3_bind_int64(s, 2, locked_until_ms);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return db_status(st, rc, "pin guard");
}

/* [start, end) of the local calendar day containing ms. */
static void local_day_bounds(int64_t ms, int64_t *start, int64_t *end)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    struct tm next = tm;
    next.tm_mday += 1;
    *start = (int64_t)mktime(&tm) * 1000;
    *end = (int64_t)mktime(&next) * 1000;
}

lk_status store_count_checkins(store *st, const char *event_id, int64_t now_ms, int *out)
{
    if (!st || !event_id || !out)
        return LK_ERR_INVALID;
    *out = 0;
    int64_t from, to;
    local_day_bounds(now_ms, &from, &to);
    lk_status ls;
    sqlite3_stmt *s = prep(st, Q_COUNT_TODAY, &ls);
    if (!s)
        return ls;
    sqlite3_bind_text(s, 1, event_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, from);
    sqlite3_bind_int64(s, 3, to);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(s, 0);
    ls = db_status(st, rc, "count checkins");
    sqlite3_reset(s);
    return ls;
}

lk_status store_each_experience(store *st, const char *event_id,
                                void (*fn)(const store_experience *exp, void *user), void *user)
{
    return store_each_experience_between(st, event_id, INT64_MIN, INT64_MAX, fn, user);
}

lk_status store_each_experience_between(store *st, const char *event_id, int64_t from_ms,
                                        int64_t to_ms,
                                        void (*fn)(const store_experience *exp, void *user),
                                        void *user)
{
    if (!st || !event_id || !fn)
        return LK_ERR_INVALID;
    /* Its own statement, not a cached one: fn may call back into the store. */
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, SQL_EACH_EXPERIENCE, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare each experience");
    sqlite3_bind_text(s, 1, event_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, from_ms);
    sqlite3_bind_int64(s, 3, to_ms);
    store_experience exp;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        exp_from_row(s, &exp);
        fn(&exp, user);
    }
    lk_status ls = db_status(st, rc, "each experience");
    sqlite3_finalize(s);
    return ls;
}

lk_status store_roster_upsert(store *st, const store_person *p, bool *out_inserted)
{
    if (!st || !p || !p->issuer[0] || !p->subject[0])
        return LK_ERR_INVALID;
    int64_t now = lk_now_ms();
    lk_status ls;
    sqlite3_stmt *s = prep(st, Q_ROSTER_INSERT, &ls);
    if (!s)
        return ls;
    sqlite3_bind_text(s, 1, p->issuer, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, p->subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, p->first_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, p->group, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, now);
    ls = step_done(st, s, "roster insert");
    if (ls != LK_OK)
        return ls;
    bool inserted = sqlite3_changes(st->db) > 0;
    if (!inserted) {
        s = prep(st, Q_ROSTER_UPDATE, &ls);
        if (!s)
            return ls;
        sqlite3_bind_text(s, 1, p->first_name, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, p->group, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, now);
        sqlite3_bind_text(s, 4, p->issuer, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, p->subject, -1, SQLITE_STATIC);
        ls = step_done(st, s, "roster update");
    }
    if (ls == LK_OK && out_inserted)
        *out_inserted = inserted;
    return ls;
}

lk_status store_roster_find(store *st, const char *issuer, const char *subject, store_person *out)
{
    if (!st || !issuer || !subject || !out)
        return LK_ERR_INVALID;
    lk_status ls;
    sqlite3_stmt *s = prep(st, Q_ROSTER_FIND, &ls);
    if (!s)
        return ls;
    sqlite3_bind_text(s, 1, issuer, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, subject, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        copy_col(s, 0, out->issuer, sizeof out->issuer);
        copy_col(s, 1, out->subject, sizeof out->subject);
        copy_col(s, 2, out->first_name, sizeof out->first_name);
        copy_col(s, 3, out->group, sizeof out->group);
        ls = LK_OK;
    } else {
        ls = rc == SQLITE_DONE ? LK_ERR_NOT_FOUND : db_status(st, rc, "roster find");
    }
    sqlite3_reset(s);
    return ls;
}

lk_status store_roster_search(store *st, const char *name, const char *group, store_person *out,
                              size_t max, size_t *out_n)
{
    if (out_n)
        *out_n = 0;
    if (!st || !name || !out || !out_n)
        return LK_ERR_INVALID;
    /* Both sides folded (fold_key): "ome" finds "Ömer". A prefix of a key is the
     * range [key, key + DEL): keys hold only a-z and 0-9, all below DEL, so the
     * index answers it and no pattern is ever built from what was typed (no LIKE,
     * no wildcards). Typed text with nothing to search by ("%", "-") finds no one. */
    char lo[sizeof out->first_name + 2], hi[sizeof lo + 1];
    size_t n = fold_key(name, lo, sizeof lo - 1);
    if (n == 0 && name[0])
        return LK_OK;
    memcpy(hi, lo, n);
    hi[n] = '\x7f';
    hi[n + 1] = '\0';
    lk_status ls;
    sqlite3_stmt *s = prep(st, Q_ROSTER_SEARCH, &ls);
    if (!s)
        return ls;
    sqlite3_bind_text(s, 1, lo, (int)n, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, hi, (int)n + 1, SQLITE_TRANSIENT);
    if (group && *group)
        sqlite3_bind_text(s, 3, group, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 3);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)max);
    int rc = SQLITE_DONE;
    size_t found = 0;
    while (found < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        memset(&out[found], 0, sizeof out[found]);
        copy_col(s, 0, out[found].issuer, sizeof out[found].issuer);
        copy_col(s, 1, out[found].subject, sizeof out[found].subject);
        copy_col(s, 2, out[found].first_name, sizeof out[found].first_name);
        copy_col(s, 3, out[found].group, sizeof out[found].group);
        found++;
    }
    ls = found == max || rc == SQLITE_DONE ? LK_OK : db_status(st, rc, "roster search");
    sqlite3_reset(s);
    *out_n = found;
    return ls;
}

/* --- outbox -------------------------------------------------------------------- */

lk_status store_outbox_next(store *st, size_t max, store_outbox_item **out_items, size_t *out_n)
{
    return store_outbox_next_after(st, INT64_MIN, max, out_items, out_n);
}

lk_status store_outbox_next_after(store *st, int64_t after_id, size_t max,
                                  store_outbox_item **out_items, size_t *out_n)
{
    if (!st || !out_items || !out_n)
        return LK_ERR_INVALID;
    *out_items = NULL;
    *out_n = 0;
    if (max == 0)
        return LK_OK;
    if (max > 10000)
        max = 10000;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, SQL_OUTBOX_NEXT, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare outbox next");
    sqlite3_bind_int64(s, 1, (sqlite3_int64)max);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)after_id);
    store_outbox_item *items = calloc(max, sizeof *items);
    if (!items) {
        sqlite3_finalize(s);
        return LK_ERR_NOMEM;
    }
    size_t n = 0;
    lk_status ls = LK_OK;
    while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        store_outbox_item *it = &items[n];
        it->id = sqlite3_column_int64(s, 0);
        copy_col(s, 1, it->uuid, sizeof it->uuid);
        copy_col(s, 2, it->kind, sizeof it->kind);
        const unsigned char *json = sqlite3_column_text(s, 3);
        it->json = strdup(json ? (const char *)json : "");
        it->attempts = sqlite3_column_int(s, 4);
        n++;
        if (!it->json) {
            ls = LK_ERR_NOMEM;
            break;
        }
    }
    if (ls == LK_OK && rc != SQLITE_ROW)
        ls = db_status(st, rc, "outbox next");
    sqlite3_finalize(s);
    if (ls != LK_OK) {
        store_outbox_free(items, n);
        return ls;
    }
    *out_items = items;
    *out_n = n;
    return LK_OK;
}

void store_outbox_free(store_outbox_item *items, size_t n)
{
    if (!items)
        return;
    for (size_t i = 0; i < n; i++)
        free(items[i].json);
    free(items);
}

/* Queues the voiding statement of target_uuid (built by make_void, about no one
 * but sent where the target went: the LRS of issuer's students; NULL: this handle's
 * destination); the caller holds the transaction. LK_ERR_INVALID when make_void
 * built none. */
static lk_status queue_voiding(store *st, const char *issuer, const char *target_uuid,
                               int64_t now_ms, store_void_fn make_void, void *user)
{
    char void_uuid[37];
    lk_uuid4(void_uuid, sizeof void_uuid);
    char *json = make_void(void_uuid, target_uuid, now_ms, user);
    if (!json)
        return LK_ERR_INVALID;
    store_statement vs = {.uuid = void_uuid, .kind = "voiding", .json = json};
    if (!issuer && st->lane_set && st->lane_issuer[0])
        issuer = st->lane_issuer;
    lk_status ls;
    sqlite3_stmt *s = prep_outbox_insert(st, Q_OUTBOX_INSERT, &vs, now_ms, &ls);
    if (s) {
        if (issuer)
            sqlite3_bind_text(s, 5, issuer, -1, SQLITE_STATIC); /* subject stays NULL */
        ls = step_done(st, s, "outbox insert");
    }
    free(json);
    return ls;
}

/* Runs one statement with one id bound; the caller holds the transaction. */
static lk_status exec_id(store *st, const char *sql, int64_t id)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, sql);
    sqlite3_bind_int64(s, 1, id);
    lk_status ls = step_done(st, s, sql);
    sqlite3_finalize(s);
    return ls;
}

lk_status store_undo_confirmations(store *st, const char *host_issuer, const char *host_subject,
                                   int64_t since_ms, store_void_fn make_void, void *user,
                                   size_t *removed, size_t *voided)
{
    if (removed)
        *removed = 0;
    if (voided)
        *voided = 0;
    if (!st || !host_issuer || !host_subject || !make_void)
        return LK_ERR_INVALID;
    typedef struct {
        int64_t id, outbox_id;
        bool waiting;
        char uuid[37], issuer[64];
    } undo_row;
    undo_row *rows = NULL;
    size_t n = 0, cap = 0, n_removed = 0, n_voided = 0;
    lk_status ls = store_begin(st);
    if (ls != LK_OK)
        return ls;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                "SELECT c.id, c.uuid, e.issuer, o.id,"
                                " EXISTS (SELECT 1 FROM outbox_queue q WHERE q.id = o.id)"
                                " FROM confirmations c"
                                " JOIN experiences e ON e.id = c.experience_id"
                                " LEFT JOIN outbox o ON o.uuid = c.uuid"
                                " WHERE c.host_issuer = ?1 AND c.host_subject = ?2"
                                " AND c.confirmed_ms >= ?3 ORDER BY c.id",
                                -1, &s, NULL);
    if (rc != SQLITE_OK)
        ls = db_status(st, rc, "prepare undo confirmations");
    if (s) {
        sqlite3_bind_text(s, 1, host_issuer, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, host_subject, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, since_ms);
        while (ls == LK_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
            if (n == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                undo_row *grown = realloc(rows, ncap * sizeof *rows);
                if (!grown) {
                    ls = LK_ERR_NOMEM;
                    break;
                }
                rows = grown;
                cap = ncap;
            }
            undo_row *r = &rows[n++];
            r->id = sqlite3_column_int64(s, 0);
            copy_col(s, 1, r->uuid, sizeof r->uuid);
            copy_col(s, 2, r->issuer, sizeof r->issuer);
            r->outbox_id =
                sqlite3_column_type(s, 3) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, 3);
            r->waiting = r->outbox_id > 0 && sqlite3_column_int(s, 4) != 0; /* queued */
        }
        if (ls == LK_OK && rc != SQLITE_DONE)
            ls = db_status(st, rc, "undo confirmations");
        sqlite3_finalize(s);
    }
    int64_t now = lk_now_ms();
    for (size_t i = 0; ls == LK_OK && i < n; i++) {
        const undo_row *r = &rows[i];
        if (r->waiting) {
            ls = exec_id(st, "DELETE FROM outbox WHERE id = ?", r->outbox_id);
            n_removed++; /* the delete trigger takes its queue entry along */
        } else {
            ls = queue_voiding(st, r->issuer, r->uuid, now, make_void, user);
            n_voided++;
        }
        if (ls == LK_OK)
            ls = exec_id(st, "DELETE FROM confirmations WHERE id = ?", r->id);
    }
    free(rows);
    ls = finish(st, ls);
    if (ls == LK_OK) {
        if (removed)
            *removed = n_removed;
        if (voided)
            *voided = n_voided;
    }
    return ls;
}

/* ids[0..n) as a JSON array, for json_each() in one statement per batch; free(). */
static char *ids_json(const int64_t *ids, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_integer((json_int_t)ids[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    char *out = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return out;
}

/* An id and where it stands in the caller's array. */
typedef struct id_at {
    int64_t id;
    size_t at;
} id_at;

static int id_at_cmp(const void *a, const void *b)
{
    int64_t x = ((const id_at *)a)->id, y = ((const id_at *)b)->id;
    return (x > y) - (x < y);
}

/* Steps s (json_each over ids[0..n) bound) and sets hit[i] for each ids[i] a row
 * names in column 0; hit is cleared first. */
static lk_status collect_ids(store *st, sqlite3_stmt *s, const int64_t *ids, size_t n, bool *hit,
                             const char *what)
{
    for (size_t i = 0; i < n; i++)
        hit[i] = false;
    id_at *by_id = malloc(n * sizeof *by_id);
    if (!by_id)
        return LK_ERR_NOMEM;
    bool ascending = true; /* as store_outbox_next reads them: no sort needed */
    for (size_t i = 0; i < n; i++) {
        by_id[i] = (id_at){ids[i], i};
        ascending = ascending && (i == 0 || ids[i] > ids[i - 1]);
    }
    if (!ascending)
        qsort(by_id, n, sizeof *by_id, id_at_cmp);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        id_at key = {sqlite3_column_int64(s, 0), 0};
        const id_at *f = bsearch(&key, by_id, n, sizeof *by_id, id_at_cmp);
        /* equal ids side by side: mark every copy */
        for (const id_at *p = f; p && p >= by_id && p->id == key.id; p--)
            hit[p->at] = true;
        for (const id_at *p = f; p && p < by_id + n && p->id == key.id; p++)
            hit[p->at] = true;
    }
    free(by_id);
    return rc == SQLITE_DONE ? LK_OK : db_status(st, rc, what);
}

/* The cached statement which, with the JSON array of ids bound at parameter col;
 * NULL on failure (*out_st says why). json is borrowed until the statement is
 * reset (prep does that on its next use; callers reset it when done). */
static sqlite3_stmt *prep_ids(store *st, int which, int col, const char *json, lk_status *out_st)
{
    sqlite3_stmt *s = prep(st, which, out_st);
    if (s)
        sqlite3_bind_text(s, col, json, -1, SQLITE_STATIC);
    return s;
}

lk_status store_correct_checkout(store *st, int64_t experience_id, const char *old_uuid,
                                 int64_t checkout_ms, const store_statement *stmt,
                                 store_void_fn make_void, void *user, bool *voided)
{
    if (voided)
        *voided = false;
    if (!st || experience_id <= 0 || !old_uuid || !old_uuid[0] || !make_void ||
        (stmt != NULL) != (checkout_ms > 0) || (stmt && (!stmt->uuid || !stmt->uuid[0])))
        return LK_ERR_INVALID;
    lk_status ls = store_begin(st);
    if (ls != LK_OK)
        return ls;
    /* The row as it is now: another kiosk (or a forget) may have changed it. */
    sqlite3_stmt *s = NULL;
    char issuer[LK_ISSUER_MAX + 1] = "";
    int64_t outbox_id = 0;
    bool left = true; /* the old statement may be in an LRS: void it */
    int rc = sqlite3_prepare_v2(
        st->db,
        "SELECT e.issuer, o.id, s.id IS NOT NULL OR o.attempts > 0 OR o.exported_ms > 0"
        "  OR o.offered_ms > 0 OR " SQL_OFFERED_ROW "  OR EXISTS (SELECT 1 FROM exports x"
        "   WHERE x.max_outbox_id >= o.id AND x.since_ms <= o.created_ms), s.id IS NOT NULL"
        " FROM experiences e LEFT JOIN outbox o ON o.uuid = e.checkout_uuid"
        " LEFT JOIN outbox_sent s ON s.id = o.id"
        " WHERE e.id = ?1 AND e.checkout_ms > 0 AND e.checkout_uuid = ?2",
        -1, &s, NULL);
    if (rc != SQLITE_OK)
        ls = db_status(st, rc, "prepare correct checkout");
    bool sent = true;
    if (s) {
        sqlite3_bind_int64(s, 1, experience_id);
        sqlite3_bind_text(s, 2, old_uuid, -1, SQLITE_STATIC);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            copy_col(s, 0, issuer, sizeof issuer);
            if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
                outbox_id = sqlite3_column_int64(s, 1);
                left = sqlite3_column_int(s, 2) != 0;
                sent = sqlite3_column_int(s, 3) != 0;
            } /* else its sent row was purged: it is in the LRS */
        } else if (rc == SQLITE_DONE) {
            ls = LK_ERR_NOT_FOUND; /* not checked out (any more), or another check-out */
        } else {
            ls = db_status(st, rc, "correct checkout");
        }
        sqlite3_finalize(s);
    }
    /* Never handed to the network: deleted, no LRS ever saw it. Else voided (where it
     * went), and a row still queued or quarantined goes too: it must not be sent. A
     * row the sync is sending right now is voided when it comes back (settle). */
    if (ls == LK_OK && left)
        ls = queue_voiding(st, issuer, old_uuid, lk_now_ms(), make_void, user);
    if (ls == LK_OK && outbox_id > 0 && (!left || !sent))
        ls = exec_id(st, "DELETE FROM outbox WHERE id = ?", outbox_id);
    if (ls == LK_OK) {
        s = NULL;
        rc = sqlite3_prepare_v2(st->db, "DELETE FROM clock_unsynced WHERE uuid = ?", -1, &s, NULL);
        if (rc != SQLITE_OK)
            ls = db_status(st, rc, "prepare correct checkout");
        else {
            sqlite3_bind_text(s, 1, old_uuid, -1, SQLITE_STATIC);
            ls = step_done(st, s, "correct checkout clock");
        }
        sqlite3_finalize(s);
    }
    if (ls == LK_OK) {
        s = NULL;
        rc = sqlite3_prepare_v2(st->db,
                                "UPDATE experiences SET checkout_ms = ?1, checkout_uuid = ?2"
                                " WHERE id = ?3",
                                -1, &s, NULL);
        if (rc != SQLITE_OK)
            ls = db_status(st, rc, "prepare correct checkout");
        else {
            sqlite3_bind_int64(s, 1, stmt ? checkout_ms : 0);
            sqlite3_bind_text(s, 2, stmt ? stmt->uuid : "", -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 3, experience_id);
            ls = step_done(st, s, "correct checkout");
        }
        sqlite3_finalize(s);
    }
    if (ls == LK_OK && stmt)
        ls = outbox_insert_for(st, stmt, checkout_ms, experience_id);
    ls = finish(st, ls);
    if (ls == LK_OK && voided)
        *voided = left;
    return ls;
}

static int int64_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* ids[0..n) sorted, without repeats, as runs of consecutive ids: (*runs)[2k] to
 * (*runs)[2k + 1] is run k. Returns how many runs, or 0 (*runs NULL) without memory;
 * *distinct gets how many different ids. free(*runs). */
static size_t id_runs(const int64_t *ids, size_t n, int64_t **runs, size_t *distinct)
{
    *runs = NULL;
    *distinct = 0;
    int64_t *sorted = malloc(n * sizeof *sorted);
    int64_t *r = malloc(2 * n * sizeof *r);
    if (!sorted || !r) {
        free(sorted);
        free(r);
        return 0;
    }
    memcpy(sorted, ids, n * sizeof *sorted);
    bool ascending = true; /* as store_outbox_next reads them: no sort needed */
    for (size_t i = 1; i < n && ascending; i++)
        ascending = sorted[i] > sorted[i - 1];
    if (!ascending)
        qsort(sorted, n, sizeof *sorted, int64_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && sorted[i] == sorted[i - 1])
            continue;
        (*distinct)++;
        if (k > 0 && sorted[i] == r[2 * k - 1] + 1) {
            r[2 * k - 1] = sorted[i];
        } else {
            r[2 * k] = sorted[i];
            r[2 * k + 1] = sorted[i];
            k++;
        }
    }
    free(sorted);
    *runs = r;
    return k;
}

/* Steps the cached statement q with the run lo..hi bound at ?2, ?3 (and ms at ?1 when
 * it has it); *changed gets the rows it changed. */
static lk_status step_run(store *st, int q, int64_t ms, int64_t lo, int64_t hi, int64_t *changed)
{
    lk_status ls;
    sqlite3_stmt *s = prep(st, q, &ls);
    if (!s)
        return ls;
    if (sqlite3_bind_parameter_count(s) >= 3)
        sqlite3_bind_int64(s, 1, ms);
    sqlite3_bind_int64(s, 2, lo);
    sqlite3_bind_int64(s, 3, hi);
    ls = step_done(st, s, "outbox settle run");
    *changed = ls == LK_OK ? sqlite3_changes(st->db) : 0;
    return ls;
}

/* Marks the rows of ids[0..n) that are still queued sent at sent_ms: their ids move
 * from outbox_queue to outbox_sent, and outbox_totals changes once; *out_marked gets
 * how many moved. A batch that is mostly runs of consecutive ids (the queue read in
 * order) moves a range a run; any other by a lookup a row. A lost sent mark only
 * means a resend, which the LRS answers as a no-op: the commit need not wait for the
 * disk (synchronous = NORMAL); the next offered mark (or check-in) is written with
 * synchronous = FULL and takes it to the disk with it. One transaction: a row is in
 * the queue or sent, never both or neither, whenever the process dies. */
static lk_status settle(store *st, const int64_t *ids, size_t n, int64_t sent_ms,
                        int64_t *out_marked)
{
    *out_marked = 0;
    int64_t *runs = NULL;
    size_t distinct = 0, n_runs = id_runs(ids, n, &runs, &distinct);
    if (!runs)
        return LK_ERR_NOMEM;
    char *json = NULL;
    if (n_runs * 4 > n && !(json = ids_json(ids, n))) {
        free(runs);
        return LK_ERR_NOMEM;
    }
    bool relaxed = exec(st, "PRAGMA synchronous = NORMAL", "synchronous") == LK_OK;
    lk_status ls = store_begin(st);
    int64_t moved = 0, dequeued = 0;
    for (size_t k = 0; !json && ls == LK_OK && k < n_runs; k++) {
        int64_t m = 0, d = 0;
        ls = step_run(st, Q_SETTLE_RUN, sent_ms, runs[2 * k], runs[2 * k + 1], &m);
        if (ls == LK_OK)
            ls = step_run(st, Q_SETTLE_QUEUE_RUN, 0, runs[2 * k], runs[2 * k + 1], &d);
        int64_t r = 0;
        if (ls == LK_OK && m > 0)
            ls = step_run(st, Q_SENT_RUN, sent_ms, runs[2 * k], runs[2 * k + 1], &r);
        moved += m;
        dequeued += d;
    }
    sqlite3_stmt *s = json && ls == LK_OK ? prep_ids(st, Q_SETTLE, 2, json, &ls) : NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, sent_ms);
        ls = step_done(st, s, "outbox settle");
        moved = ls == LK_OK ? sqlite3_changes(st->db) : 0;
        sqlite3_reset(s);
    }
    s = json && ls == LK_OK ? prep_ids(st, Q_SETTLE_QUEUE, 1, json, &ls) : NULL;
    if (s) {
        ls = step_done(st, s, "outbox settle queue");
        dequeued = ls == LK_OK ? sqlite3_changes(st->db) : 0;
        sqlite3_reset(s);
    }
    /* a scattered batch: every run gets its time (one whose ids were not queued any
     * more lists no sent row of this time, and goes with the next purge) */
    for (size_t k = 0; json && moved > 0 && ls == LK_OK && k < n_runs; k++) {
        int64_t r = 0;
        ls = step_run(st, Q_SENT_RUN, sent_ms, runs[2 * k], runs[2 * k + 1], &r);
    }
    /* every id dequeued was inserted into outbox_sent from the queue just before */
    if (ls == LK_OK && moved != dequeued) {
        fprintf(stderr, "store: settle: %lld sent, %lld dequeued\n", (long long)moved,
                (long long)dequeued);
        ls = LK_ERR_DB;
    }
    s = ls == LK_OK && moved > 0 ? prep(st, Q_SETTLE_TOTALS, &ls) : NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, moved);
        sqlite3_bind_int64(s, 2, sent_ms);
        ls = step_done(st, s, "outbox settle totals");
    }
    ls = finish(st, ls);
    if (relaxed)
        (void)exec(st, "PRAGMA synchronous = FULL", "synchronous");
    free(json);
    free(runs);
    if (ls == LK_OK)
        *out_marked = moved;
    return ls;
}

lk_status store_outbox_mark_sent(store *st, const int64_t *ids, size_t n, int64_t sent_ms)
{
    if (!st || (n > 0 && !ids))
        return LK_ERR_INVALID;
    if (n == 0)
        return LK_OK;
    int64_t marked = 0;
    return settle(st, ids, n, sent_ms, &marked);
}

lk_status store_outbox_settle_sent(store *st, const store_outbox_item *items, size_t n,
                                   int64_t sent_ms, store_void_fn make_void, void *user,
                                   size_t *out_voided)
{
    if (out_voided)
        *out_voided = 0;
    if (!st || (n > 0 && (!items || !make_void)))
        return LK_ERR_INVALID;
    if (n == 0)
        return LK_OK;
    int64_t *ids = malloc(n * sizeof *ids);
    bool *marked = malloc(n * sizeof *marked);
    char *json = NULL;
    lk_status ls = ids && marked ? LK_OK : LK_ERR_NOMEM;
    for (size_t i = 0; ls == LK_OK && i < n; i++)
        ids[i] = items[i].id;
    int64_t n_marked = 0;
    if (ls == LK_OK)
        ls = settle(st, ids, n, sent_ms, &n_marked);
    if (ls == LK_OK && (size_t)n_marked == n) {
        for (size_t i = 0; i < n; i++)
            marked[i] = true;
    } else if (ls == LK_OK && !(json = ids_json(ids, n))) {
        ls = LK_ERR_NOMEM;
    } else if (ls == LK_OK) {
        /* some rows are gone (or were no longer queued): the ones still there count as
         * marked; only those gone were forgotten while on the wire */
        sqlite3_stmt *s = prep_ids(st, Q_EXISTING, 1, json, &ls);
        if (s) {
            ls = collect_ids(st, s, ids, n, marked, "outbox settle");
            sqlite3_reset(s);
        }
    }
    size_t missing = 0, voided = 0;
    for (size_t i = 0; ls == LK_OK && i < n; i++)
        missing += !marked[i];
    if (missing > 0) {
        ls = store_begin(st);
        for (size_t i = 0; ls == LK_OK && i < n; i++) {
            if (marked[i])
                continue;
            /* forgotten while on the wire: the LRS has it, so it must be voided there */
            ls = queue_voiding(st, NULL, items[i].uuid, sent_ms, make_void, user);
            if (ls == LK_OK)
                voided++;
        }
        if (ls == LK_OK || !sqlite3_get_autocommit(st->db))
            ls = finish(st, ls);
    }
    free(json);
    free(marked);
    free(ids);
    if (ls == LK_OK && out_voided)
        *out_voided = voided;
    return ls;
}

lk_status store_outbox_record_attempt(store *st, const int64_t *ids, size_t n, const char *why)
{
    if (!st || (n > 0 && !ids))
        return LK_ERR_INVALID;
    if (n == 0)
        return LK_OK;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, SQL_RECORD_ATTEMPT, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare outbox attempt");
    lk_status ls = store_begin(st);
    for (size_t i = 0; ls == LK_OK && i < n; i++) {
        sqlite3_bind_text(s, 1, why && *why ? why : "unknown error", -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, ids[i]);
        ls = step_done(st, s, "outbox attempt");
    }
    sqlite3_finalize(s);
    return finish(st, ls); /* also rolls back after a failed COMMIT, which leaves it open */
}

lk_status store_outbox_mark_offered(store *st, const int64_t *ids, size_t n, int64_t now_ms,
                                    bool *present)
{
    if (!st || (n > 0 && (!ids || !present)))
        return LK_ERR_INVALID;
    if (n == 0)
        return LK_OK;
    for (size_t i = 0; i < n; i++)
        present[i] = false;
    int64_t *runs = NULL;
    size_t distinct = 0, n_runs = id_runs(ids, n, &runs, &distinct);
    if (!runs)
        return LK_ERR_NOMEM;
    lk_status ls = store_begin(st);
    if (ls == LK_OK)
        ls = exec(st, SQL_OFFERED_CLEAN, "offered clean");
    /* one row a run of the window; how many of its ids are queued, by a range walk */
    int64_t queued = 0;
    for (size_t k = 0; ls == LK_OK && k < n_runs; k++) {
        int64_t added = 0;
        ls = step_run(st, Q_OFFER_RUN, now_ms > 0 ? now_ms : 1, runs[2 * k], runs[2 * k + 1],
                      &added);
        sqlite3_stmt *s = ls == LK_OK ? prep(st, Q_QUEUED_IN_RUN, &ls) : NULL;
        if (s) {
            sqlite3_bind_int64(s, 1, runs[2 * k]);
            sqlite3_bind_int64(s, 2, runs[2 * k + 1]);
            int rc = sqlite3_step(s);
            if (rc == SQLITE_ROW)
                queued += sqlite3_column_int64(s, 0);
            else
                ls = db_status(st, rc, "mark offered");
            sqlite3_reset(s);
        }
    }
    free(runs);
    char *json = NULL;
    if (ls == LK_OK && distinct == n && (size_t)queued == n) {
        for (size_t i = 0; i < n; i++)
            present[i] = true; /* every one queued */
    } else if (ls == LK_OK && !(json = ids_json(ids, n))) {
        ls = LK_ERR_NOMEM;
    } else if (ls == LK_OK) {
        /* some were gone, or an id came twice: ask which are queued */
        sqlite3_stmt *s = prep_ids(st, Q_STILL_QUEUED, 1, json, &ls);
        if (s) {
            ls = collect_ids(st, s, ids, n, present, "mark offered");
            sqlite3_reset(s);
        }
    }
    ls = finish(st, ls); /* synchronous = FULL: on the disk before the POST */
    free(json);
    if (ls != LK_OK)
        for (size_t i = 0; i < n; i++)
            present[i] = false;
    return ls;
}

lk_status store_data_version(store *st, int64_t *out)
{
    if (!st || !out)
        return LK_ERR_INVALID;
    *out = 0;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, "PRAGMA data_version", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "data_version");
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    lk_status ls = db_status(st, rc, "data_version");
    sqlite3_finalize(s);
    return ls;
}

lk_status store_outbox_still_queued(store *st, const int64_t *ids, size_t n, bool *queued)
{
    if (!st || (n > 0 && (!ids || !queued)))
        return LK_ERR_INVALID;
    if (n == 0)
        return LK_OK;
    char *json = ids_json(ids, n);
    if (!json)
        return LK_ERR_NOMEM;
    lk_status ls;
    sqlite3_stmt *s = prep_ids(st, Q_STILL_QUEUED, 1, json, &ls);
    if (s) {
        ls = collect_ids(st, s, ids, n, queued, "still queued");
        sqlite3_reset(s);
    }
    free(json);
    if (ls != LK_OK)
        for (size_t i = 0; i < n; i++)
            queued[i] = false;
    return ls;
}

lk_status store_outbox_requeue_quarantined(store *st, int64_t *out_n)
{
    if (out_n)
        *out_n = 0;
    if (!st)
        return LK_ERR_INVALID;
    /* attempts are kept: they tell how often a row was tried, over its whole life. */
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, SQL_REQUEUE, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare requeue");
    lk_status ls = store_begin(st);
    if (ls == LK_OK)
        ls = step_done(st, s, "requeue");
    int64_t n = ls == LK_OK ? (int64_t)sqlite3_changes(st->db) : 0;
    sqlite3_finalize(s);
    ls = finish(st, ls);
    if (ls == LK_OK && out_n)
        *out_n = n;
    return ls;
}

lk_status store_outbox_head_error(store *st, char *buf, size_t len, int64_t *attempts)
{
    if (!st || !buf || len == 0)
        return LK_ERR_INVALID;
    buf[0] = '\0';
    if (attempts)
        *attempts = 0;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, SQL_HEAD_ERROR, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare head error");
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        copy_col(s, 0, buf, len);
        if (attempts)
            *attempts = sqlite3_column_int64(s, 1);
    }
    lk_status ls = db_status(st, rc, "head error");
    sqlite3_finalize(s);
    return ls;
}

lk_status store_outbox_probe_candidates(store *st, const int64_t *exclude, size_t n_exclude,
                                        size_t max, char **json, size_t *out_n, bool *was_sent)
{
    static const char *const sql[] = {SQL_PROBE_SENT, SQL_PROBE_QUEUED};
    if (out_n)
        *out_n = 0;
    if (was_sent)
        *was_sent = false;
    if (!st || !json || !out_n || !was_sent || n_exclude > STORE_PROBE_EXCLUDE_MAX ||
        (n_exclude > 0 && !exclude))
        return LK_ERR_INVALID;
    _Static_assert(STORE_PROBE_EXCLUDE_MAX == 8, "the NOT IN list has 8 places");
    lk_status ls = LK_OK;
    for (size_t k = 0; k < sizeof sql / sizeof sql[0] && *out_n == 0 && ls == LK_OK; k++) {
        sqlite3_stmt *s = NULL;
        int rc = sqlite3_prepare_v2(st->db, sql[k], -1, &s, NULL);
        if (rc != SQLITE_OK)
            return db_status(st, rc, "prepare probe");
        if (k == 1) {
            for (int i = 0; i < STORE_PROBE_EXCLUDE_MAX; i++)
                sqlite3_bind_int64(s, i + 1, (size_t)i < n_exclude ? exclude[i] : -1);
            sqlite3_bind_int64(s, 9, (sqlite3_int64)max);
        }
        while (*out_n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
            const char *j = (const char *)sqlite3_column_text(s, 0);
            if (!j)
                continue;
            if (!(json[*out_n] = strdup(j))) {
                ls = LK_ERR_NOMEM;
                break;
            }
            (*out_n)++;
        }
        if (ls == LK_OK && rc != SQLITE_ROW)
            ls = db_status(st, rc, "probe");
        *was_sent = k == 0;
        sqlite3_finalize(s);
    }
    if (ls != LK_OK) {
        while (*out_n > 0)
            free(json[--(*out_n)]);
        *was_sent = false;
    }
    return ls;
}

lk_status store_outbox_recent_sent(store *st, size_t max, store_outbox_item **out_items,
                                   size_t *out_n)
{
    if (!st || !out_items || !out_n)
        return LK_ERR_INVALID;
    *out_items = NULL;
    *out_n = 0;
    if (max == 0)
        return LK_OK;
    if (max > 100000)
        max = 100000;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, SQL_RECENT_SENT, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare recent sent");
    sqlite3_bind_int64(s, 1, (sqlite3_int64)max);
    store_outbox_item *items = calloc(max, sizeof *items);
    if (!items) {
        sqlite3_finalize(s);
        return LK_ERR_NOMEM;
    }
    size_t n = 0;
    while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        store_outbox_item *it = &items[n++];
        it->id = sqlite3_column_int64(s, 0);
        copy_col(s, 1, it->uuid, sizeof it->uuid);
        copy_col(s, 2, it->kind, sizeof it->kind);
        it->attempts = sqlite3_column_int(s, 3);
    }
    lk_status ls = rc == SQLITE_ROW ? LK_OK : db_status(st, rc, "recent sent");
    sqlite3_finalize(s);
    if (ls != LK_OK) {
        store_outbox_free(items, n);
        return ls;
    }
    *out_items = items;
    *out_n = n;
    return LK_OK;
}

lk_status store_oldest_queued_ms(store *st, int64_t *out_ms)
{
    if (!st || !out_ms)
        return LK_ERR_INVALID;
    *out_ms = 0;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, SQL_OLDEST_QUEUED, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare oldest queued");
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        *out_ms = sqlite3_column_int64(s, 0);
    lk_status ls = db_status(st, rc, "oldest queued");
    sqlite3_finalize(s);
    return ls;
}

lk_status store_integrity_check(store *st, char *msg, size_t len)
{
    if (!st || !msg || len == 0)
        return LK_ERR_INVALID;
    msg[0] = '\0';
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &s, NULL);
    if (rc != SQLITE_OK) {
        lk_strlcpy(msg, sqlite3_errmsg(st->db), len);
        return LK_ERR_DB;
    }
    rc = sqlite3_step(s);
    const unsigned char *text = rc == SQLITE_ROW ? sqlite3_column_text(s, 0) : NULL;
    lk_strlcpy(msg, text ? (const char *)text : sqlite3_errmsg(st->db), len);
    lk_status ls = text && strcmp((const char *)text, "ok") == 0 ? LK_OK : LK_ERR_DB;
    sqlite3_finalize(s);
    return ls;
}

lk_status store_outbox_quarantine(store *st, int64_t id, const char *message)
{
    if (!st)
        return LK_ERR_INVALID;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, SQL_QUARANTINE, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare quarantine");
    sqlite3_bind_text(s, 1, message ? message : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, id);
    lk_status ls = step_done(st, s, "quarantine");
    if (ls == LK_OK && sqlite3_changes(st->db) == 0)
        ls = LK_ERR_NOT_FOUND;
    sqlite3_finalize(s);
    return ls;
}

lk_status store_outbox_stats_get(store *st, store_outbox_stats *out)
{
    if (!st || !out)
        return LK_ERR_INVALID;
    memset(out, 0, sizeof *out);
    lk_status ls;
    sqlite3_stmt *s = prep(st, Q_OUTBOX_STATS, &ls);
    if (!s)
        return ls;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->queued = sqlite3_column_int64(s, 0);
        out->sent = sqlite3_column_int64(s, 1);
        out->quarantined = sqlite3_column_int64(s, 2);
        out->last_sent_ms = sqlite3_column_int64(s, 3);
    }
    ls = db_status(st, rc, "stats");
    sqlite3_reset(s);
    return ls;
}

lk_status store_outbox_audit_get(store *st, store_outbox_audit *out)
{
    if (!st || !out)
        return LK_ERR_INVALID;
    memset(out, 0, sizeof *out);
    static const char sql[] =
        "SELECT"
        " (SELECT count(*) FROM outbox o WHERE o.state <> 2"
        "   AND NOT EXISTS (SELECT 1 FROM outbox_queue q WHERE q.id = o.id)"
        "   AND NOT EXISTS (SELECT 1 FROM outbox_sent s WHERE s.id = o.id)),"
        " (SELECT count(*) FROM outbox o WHERE"
        "   EXISTS (SELECT 1 FROM outbox_queue q WHERE q.id = o.id)"
        "   + EXISTS (SELECT 1 FROM outbox_sent s WHERE s.id = o.id) + (o.state = 2) > 1),"
        " (SELECT count(*) FROM outbox_queue q"
        "   WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = q.id))"
        " + (SELECT count(*) FROM outbox_sent s"
        "   WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = s.id)),"
        " (SELECT count(*) FROM outbox_sent s WHERE NOT EXISTS (SELECT 1 FROM outbox_sent_runs r"
        "   WHERE s.id BETWEEN r.lo AND r.hi AND r.sent_ms = s.sent_ms)),"
        " (SELECT t.queued <> (SELECT count(*) FROM outbox_queue)"
        "   OR t.sent <> (SELECT count(*) FROM outbox_sent)"
        "   OR t.quarantined <> (SELECT count(*) FROM outbox WHERE state = 2)"
        "   OR t.last_sent_ms < (SELECT coalesce(max(sent_ms), 0) FROM outbox_sent)"
        "   FROM outbox_totals t WHERE t.id = 1)";
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare outbox audit");
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->unplaced = sqlite3_column_int64(s, 0);
        out->doubled = sqlite3_column_int64(s, 1);
        out->orphans = sqlite3_column_int64(s, 2);
        out->unrun = sqlite3_column_int64(s, 3);
        out->totals_off = sqlite3_column_int(s, 4) != 0;
    }
    lk_status ls = db_status(st, rc, "outbox audit");
    sqlite3_finalize(s);
    return ls;
}

lk_status store_outbox_each_quarantined(store *st,
                                        void (*fn)(const char *uuid, const char *kind,
                                                   const char *message, void *user),
                                        void *user)
{
    if (!st || !fn)
        return LK_ERR_INVALID;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, SQL_QUARANTINED, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare quarantined");
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        fn((const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
           (const char *)sqlite3_column_text(s, 2), user);
    lk_status ls = db_status(st, rc, "quarantined");
    sqlite3_finalize(s);
    return ls;
}

/* --- privacy: forget and purge --------------------------------------------------- */

/* Runs one parameterised statement that changes rows; *changed (may be NULL) gets
 * how many. Parameters: text ?1, ?2 (may be NULL) and integer ?3 when used. */
static lk_status run_changes(store *st, const char *sql, const char *t1, const char *t2,
                             int64_t i3, int64_t *changed, const char *what)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, what);
    int n = sqlite3_bind_parameter_count(s);
    if (n >= 1 && t1)
        sqlite3_bind_text(s, 1, t1, -1, SQLITE_STATIC);
    if (n >= 2 && t2)
        sqlite3_bind_text(s, 2, t2, -1, SQLITE_STATIC);
    if (n >= 3)
        sqlite3_bind_int64(s, 3, i3);
    lk_status ls = step_done(st, s, what);
    if (ls == LK_OK && changed)
        *changed = sqlite3_changes(st->db);
    sqlite3_finalize(s);
    return ls;
}

/* Empties the WAL into the database file and truncates it: old page images (with
 * the bytes a delete just zeroed) live on in the WAL until then. *done is false when
 * another connection's read kept the WAL (its frames stay until the next try). */
static void wal_truncate(store *st, bool *done)
{
    int log = -1, ckpt = -1;
    int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &ckpt);
    *done = rc == SQLITE_OK;
    if (!*done)
        fprintf(stderr, "store: checkpoint: %s (%d); the WAL is emptied next time\n",
                sqlite3_errmsg(st->db), rc);
}

/* Whether the file was made with auto_vacuum = INCREMENTAL (new files are). */
static bool incremental(store *st)
{
    sqlite3_stmt *s = NULL;
    bool inc = false;
    if (sqlite3_prepare_v2(st->db, "PRAGMA auto_vacuum", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        inc = sqlite3_column_int(s, 0) == 2;
    sqlite3_finalize(s);
    return inc;
}

/* After a delete: returns the file's free pages to the file system (incremental
 * vacuum: it moves only pages from the end of the file into the holes, a cost in
 * the size of what was deleted, not of the file), then empties the WAL. Returns
 * whether the WAL was emptied; failures are logged, not fatal: the deletes were
 * committed and secure_delete already zeroed the deleted rows. */
static bool release_free_pages(store *st)
{
    if (incremental(st)) {
        char *msg = NULL;
        int rc = sqlite3_exec(st->db, "PRAGMA incremental_vacuum", NULL, NULL, &msg);
        if (rc != SQLITE_OK)
            fprintf(stderr, "store: incremental vacuum: %s (%d)\n",
                    msg ? msg : sqlite3_errstr(rc), rc);
        sqlite3_free(msg);
    }
    bool done = false;
    wal_truncate(st, &done);
    return done;
}

/* Rewrites the whole file once, switching it to auto_vacuum = INCREMENTAL, so later
 * deletes can give space back without a rewrite. For files made before new files
 * were incremental. Returns whether it happened and the WAL was emptied. */
static bool convert_to_incremental(store *st)
{
    char *msg = NULL;
    int rc = sqlite3_exec(st->db, "PRAGMA auto_vacuum = INCREMENTAL; VACUUM", NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "store: vacuum: %s (%d)\n", msg ? msg : sqlite3_errstr(rc), rc);
    sqlite3_free(msg);
    bool done = false;
    wal_truncate(st, &done);
    return rc == SQLITE_OK && done;
}

/* One outbox row of the person being forgotten. */
typedef struct forget_row {
    int64_t id;
    char uuid[37];
    bool left;        /* sent, offered to the LRS and maybe stored there, or exported */
    bool sent;        /* in outbox_sent */
    int64_t sent_ms;  /* when */
} forget_row;

/* Every outbox row about (?1 issuer, ?2 subject): by the columns written with the
 * row, and, independently, by the statement ids of the person's records, so a row
 * whose columns are empty (written by older code, filled by nothing) is found too.
 * Confirmations the person gave as a host are theirs as well. */
static const char FORGET_ROWS_SQL[] =
    "SELECT o.id, o.uuid, s.id IS NOT NULL OR o.attempts > 0 OR o.exported_ms > 0"
    "  OR o.offered_ms > 0 OR " SQL_OFFERED_ROW "  OR EXISTS (SELECT 1 FROM exports x"
    "   WHERE x.max_outbox_id >= o.id AND x.since_ms <= o.created_ms),"
    " s.id IS NOT NULL, coalesce(s.sent_ms, 0)"
    " FROM outbox o LEFT JOIN outbox_sent s ON s.id = o.id"
    " WHERE (o.issuer = ?1 AND o.subject = ?2) OR o.uuid IN ("
    "  SELECT checkin_uuid FROM experiences WHERE issuer = ?1 AND subject = ?2"
    "  UNION SELECT checkout_uuid FROM experiences"
    "    WHERE issuer = ?1 AND subject = ?2 AND checkout_uuid <> ''"
    "  UNION SELECT a.uuid FROM answers a JOIN experiences e ON e.id = a.experience_id"
    "    WHERE e.issuer = ?1 AND e.subject = ?2"
    "  UNION SELECT c.uuid FROM confirmations c JOIN experiences e ON e.id = c.experience_id"
    "    WHERE e.issuer = ?1 AND e.subject = ?2"
    "  UNION SELECT uuid FROM confirmations WHERE host_issuer = ?1 AND host_subject = ?2)"
    " ORDER BY o.id";

/* Reads the person's outbox rows into a heap array (*out, free()). */
static lk_status forget_rows(store *st, const char *issuer, const char *subject, forget_row **out,
                             size_t *out_n)
{
    *out = NULL;
    *out_n = 0;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, FORGET_ROWS_SQL, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare forget rows");
    sqlite3_bind_text(s, 1, issuer, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, subject, -1, SQLITE_STATIC);
    forget_row *rows = NULL;
    size_t n = 0, cap = 0;
    lk_status ls = LK_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            forget_row *grown = realloc(rows, ncap * sizeof *rows);
            if (!grown) {
                ls = LK_ERR_NOMEM;
                break;
            }
            rows = grown;
            cap = ncap;
        }
        forget_row *r = &rows[n++];
        r->id = sqlite3_column_int64(s, 0);
        copy_col(s, 1, r->uuid, sizeof r->uuid);
        r->left = sqlite3_column_int(s, 2) != 0;
        r->sent = sqlite3_column_int(s, 3) != 0;
        r->sent_ms = sqlite3_column_int64(s, 4);
    }
    if (ls == LK_OK && rc != SQLITE_DONE)
        ls = db_status(st, rc, "forget rows");
    sqlite3_finalize(s);
    if (ls != LK_OK) {
        free(rows);
        return ls;
    }
    *out = rows;
    *out_n = n;
    return LK_OK;
}

/* Adds deleted sent rows to outbox_purged, so the sent count and last send time
 * that sync status shows do not go back. The caller holds the transaction. */
static lk_status count_purged(store *st, int64_t n, int64_t last_ms)
{
    if (n <= 0)
        return LK_OK;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                "UPDATE outbox_purged SET sent = sent + ?,"
                                " last_sent_ms = max(last_sent_ms, ?) WHERE id = 1",
                                -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare purged");
    sqlite3_bind_int64(s, 1, n);
    sqlite3_bind_int64(s, 2, last_ms);
    lk_status ls = step_done(st, s, "purged");
    sqlite3_finalize(s);
    return ls;
}

/* Queues a voiding statement for every statement id the person's records keep whose
 * outbox row was purged (it was sent: the LRS has it). Inside the caller's
 * transaction, before the records go. */
static lk_status forget_purged(store *st, const char *issuer, const char *subject, int64_t now,
                               store_void_fn make_void, void *user, store_forget_stats *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, SQL_FORGET_PURGED, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare forget purged");
    sqlite3_bind_text(s, 1, issuer, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, subject, -1, SQLITE_STATIC);
    /* read them all first: queueing inserts into the outbox the query looks at */
    char (*ids)[37] = NULL;
    size_t n = 0, cap = 0;
    lk_status ls = LK_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char(*grown)[37] = realloc(ids, ncap * sizeof *ids);
            if (!grown) {
                ls = LK_ERR_NOMEM;
                break;
            }
            ids = grown;
            cap = ncap;
        }
        copy_col(s, 0, ids[n++], sizeof ids[0]);
    }
    if (ls == LK_OK && rc != SQLITE_DONE)
        ls = db_status(st, rc, "forget purged");
    sqlite3_finalize(s);
    for (size_t i = 0; ls == LK_OK && i < n; i++) {
        if (!ids[i][0])
            continue;
        ls = queue_voiding(st, issuer, ids[i], now, make_void, user);
        if (ls == LK_ERR_INVALID)
            fprintf(stderr, "store: forget: no voiding statement could be built\n");
        if (ls == LK_OK) {
            out->voided++;
            out->voided_purged++;
        }
    }
    free(ids);
    return ls;
}

/* The forget itself, inside the caller's transaction. */
static lk_status forget_in_tx(store *st, const char *issuer, const char *subject,
                              store_void_fn make_void, void *user, store_forget_stats *out)
{
    int64_t now = lk_now_ms();
    lk_status ls = forget_purged(st, issuer, subject, now, make_void, user, out);
    forget_row *rows = NULL;
    size_t n = 0;
    if (ls == LK_OK)
        ls = forget_rows(st, issuer, subject, &rows, &n);
    int64_t sent_n = 0, sent_last = 0;
    sqlite3_stmt *del = NULL;
    if (ls == LK_OK && n > 0) {
        int rc = sqlite3_prepare_v2(st->db, SQL_FORGET_OUTBOX, -1, &del, NULL);
        if (rc != SQLITE_OK)
            ls = db_status(st, rc, "prepare forget outbox");
    }
    for (size_t i = 0; ls == LK_OK && i < n; i++) {
        const forget_row *r = &rows[i];
        if (r->left) {
            /* It is (or may be) in the LRS: ask the LRS to drop it. A voiding
             * statement for one the LRS never stored is harmless (xAPI 1.0.3: an
             * LRS should not reject it for a missing target). */
            ls = queue_voiding(st, issuer, r->uuid, now, make_void, user);
            if (ls == LK_ERR_INVALID) {
                fprintf(stderr, "store: forget: no voiding statement could be built\n");
                break;
            }
            out->voided++;
        } else {
            out->unsent++;
        }
        if (r->sent) {
            sent_n++;
            if (r->sent_ms > sent_last)
                sent_last = r->sent_ms;
        }
        if (ls == LK_OK) {
            sqlite3_reset(del);
            sqlite3_bind_int64(del, 1, r->id);
            ls = step_done(st, del, "forget outbox");
        }
    }
    sqlite3_finalize(del);
    free(rows);
    if (ls == LK_OK)
        ls = count_purged(st, sent_n, sent_last);
    /* Children before parents: answers and confirmations refer to experiences. */
    if (ls == LK_OK)
        ls = run_changes(st, SQL_FORGET_ANSWERS, issuer, subject, 0, &out->answers,
                         "forget answers");
    if (ls == LK_OK)
        ls = run_changes(st, SQL_FORGET_CONFIRMATIONS, issuer, subject, 0, &out->confirmations,
                         "forget confirmations");
    if (ls == LK_OK)
        ls = run_changes(st, SQL_FORGET_EXPERIENCES, issuer, subject, 0, &out->experiences,
                         "forget experiences");
    if (ls == LK_OK)
        ls = run_changes(st, "DELETE FROM roster WHERE issuer = ?1 AND subject = ?2", issuer,
                         subject, 0, &out->roster, "forget roster");
    return ls;
}

lk_status store_forget(store *st, const char *issuer, const char *subject, store_void_fn make_void,
                       void *user, store_forget_stats *out)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!st || !issuer || !*issuer || !subject || !*subject || !make_void || !out)
        return LK_ERR_INVALID;
    lk_status ls = store_begin(st);
    if (ls != LK_OK)
        return ls;
    ls = forget_in_tx(st, issuer, subject, make_void, user, out);
    if (ls == LK_OK && out->roster + out->experiences + out->answers + out->confirmations +
                               out->unsent + out->voided ==
                           0)
        ls = LK_ERR_NOT_FOUND;
    if (ls != LK_OK) {
        store_rollback(st);
        store_forget_stats none = {0};
        *out = none;
        return ls;
    }
    ls = store_commit(st);
    if (ls != LK_OK) {
        store_rollback(st);
        memset(out, 0, sizeof *out);
        return ls;
    }
    /* secure_delete zeroed the rows in the file; free pages go back to the file
     * system and the WAL's old page images are dropped. No full rewrite: it would
     * cost a minute on a year's file (docs/privacy.md). */
    out->scrubbed = release_free_pages(st);
    return LK_OK;
}

/* Pages of the file and free pages in it. */
static void page_counts(store *st, int64_t *pages, int64_t *free_pages)
{
    static const char *const sql[2] = {"PRAGMA page_count", "PRAGMA freelist_count"};
    int64_t *dst[2] = {pages, free_pages};
    for (int i = 0; i < 2; i++) {
        *dst[i] = 0;
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(st->db, sql[i], -1, &s, NULL) == SQLITE_OK &&
            sqlite3_step(s) == SQLITE_ROW)
            *dst[i] = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
    }
}

lk_status store_purge(store *st, int64_t older_than_ms, store_purge_stats *out)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!st || !out || older_than_ms <= 0)
        return LK_ERR_INVALID;
    /* Never on a clock that may be wrong: a Pi that boots 45 days ahead would
     * delete the roster and every sent statement. */
    lk_status ls = store_clock_purge_guard(st, out->refused, sizeof out->refused);
    if (ls != LK_OK)
        return ls;
    int64_t cutoff = lk_now_ms() - older_than_ms;
    ls = store_begin(st);
    if (ls != LK_OK)
        return ls;
    /* The sent count and the last send time outlive the rows (sync status). */
    ls = run_changes(st, SQL_PURGE_COUNT, NULL, NULL, cutoff, NULL, "purge count");
    /* Only sent rows: queued ones still have to reach the LRS, quarantined ones wait
     * for staff (sync --requeue). */
    if (ls == LK_OK)
        ls = run_changes(st, SQL_PURGE_OUTBOX, NULL, NULL, cutoff, &out->statements,
                         "purge outbox");
    if (ls == LK_OK)
        ls = run_changes(st, SQL_PURGE_RUNS, NULL, NULL, cutoff, NULL, "purge runs");
    /* A roster row is refreshed by every import; one not imported for the whole
     * period belongs to a student the school no longer lists. */
    if (ls == LK_OK)
        ls = run_changes(st, "DELETE FROM roster WHERE updated_ms < ?3", NULL, NULL, cutoff,
                         &out->roster, "purge roster");
    if (ls == LK_OK)
        ls = store_commit(st);
    if (ls != LK_OK) {
        store_rollback(st);
        memset(out, 0, sizeof *out);
        return ls;
    }
    /* Free pages go back to the file system as they are freed (incremental vacuum);
     * a file made before that was possible is rewritten once, when a quarter of it
     * is free, and is incremental from then on. */
    int64_t pages = 0, free_pages = 0;
    page_counts(st, &pages, &free_pages);
    if (!incremental(st) && pages > 0 && free_pages * 4 >= pages) {
        out->vacuumed = convert_to_incremental(st);
        out->checkpointed = out->vacuumed;
    } else {
        out->checkpointed = release_free_pages(st);
    }
    return LK_OK;
}

struct sqlite3 *store_db(store *st)
{
    return st ? st->db : NULL;
}

lk_status store_outbox_mark_export(store *st, int64_t since_ms, int64_t now_ms,
                                   int64_t *out_max_id)
{
    if (out_max_id)
        *out_max_id = 0;
    if (!st || !out_max_id)
        return LK_ERR_INVALID;
    lk_status ls = store_begin(st);
    if (ls != LK_OK)
        return ls;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                "INSERT INTO exports (exported_ms, since_ms, max_outbox_id)"
                                " SELECT ?, ?, coalesce(max(id), 0) FROM outbox"
                                " RETURNING max_outbox_id",
                                -1, &s, NULL);
    if (rc != SQLITE_OK) {
        ls = db_status(st, rc, "prepare mark export");
    } else {
        sqlite3_bind_int64(s, 1, now_ms);
        sqlite3_bind_int64(s, 2, since_ms);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *out_max_id = sqlite3_column_int64(s, 0);
            rc = sqlite3_step(s);
        }
        ls = rc == SQLITE_DONE ? LK_OK : db_status(st, rc, "mark export");
        sqlite3_finalize(s);
    }
    return finish(st, ls);
}

/* Every statement the kiosk runs per scan, every second on the screen, at start-up,
 * per sync batch, for sync --status, forget and purge. None may read a whole
 * experiences or outbox table: test_store runs EXPLAIN QUERY PLAN on each. Add a new
 * hot statement here when you write one. */
static const char *const hot_sql[] = {
    SQL_EACH_EXPERIENCE,    SQL_OUTBOX_NEXT,    SQL_QUARANTINED,    SQL_RECENT_SENT,
    SQL_QUARANTINE,         SQL_FORGET_OUTBOX,  SQL_FORGET_ANSWERS, SQL_FORGET_CONFIRMATIONS,
    SQL_FORGET_EXPERIENCES, SQL_PURGE_COUNT,    SQL_PURGE_OUTBOX,   FORGET_ROWS_SQL,
    SQL_PURGE_RUNS,         SQL_RECORD_ATTEMPT, SQL_REQUEUE,        SQL_HEAD_ERROR,
    SQL_OLDEST_QUEUED,      SQL_PROBE_SENT,     SQL_PROBE_QUEUED,   SQL_FORGET_PURGED,
    SQL_OFFERED_CLEAN,
};

const char *store_hot_sql(size_t i)
{
    if (i < Q_COUNT)
        return cached_sql[i];
    i -= Q_COUNT;
    return i < sizeof hot_sql / sizeof hot_sql[0] ? hot_sql[i] : NULL;
}

lk_status store_set_lane(store *st, const char *issuer, const char *const *exclude,
                         size_t n_exclude)
{
    if (!st || (n_exclude > 0 && !exclude) || (issuer && strlen(issuer) > LK_ISSUER_MAX))
        return LK_ERR_INVALID;
    char(*list)[LK_ISSUER_MAX + 1] = NULL;
    if (n_exclude > 0) {
        list = calloc(n_exclude, sizeof *list);
        if (!list)
            return LK_ERR_NOMEM;
        for (size_t i = 0; i < n_exclude; i++)
            if (!exclude[i] || !lk_strlcpy(list[i], exclude[i], sizeof list[i])) {
                free(list);
                return LK_ERR_INVALID;
            }
        qsort(list, n_exclude, sizeof *list, code_cmp);
    }
    /* A sending handle reads a window of rows and then updates them: a cache that
     * holds the window (SQLite's default is 2 MB) reads each page once, and statement
     * journals in memory instead of a temporary file per statement. Neither holds
     * more than a window's worth. */
    lk_status ls = exec(st, "PRAGMA cache_size = -8192", "cache_size");
    if (ls == LK_OK)
        ls = exec(st, "PRAGMA temp_store = MEMORY", "temp_store");
    if (ls != LK_OK) {
        free(list);
        return ls;
    }
    free(st->lane_exclude);
    st->lane_exclude = list;
    st->n_lane_exclude = n_exclude;
    lk_strlcpy(st->lane_issuer, issuer ? issuer : "", sizeof st->lane_issuer);
    st->lane_set = true;
    return LK_OK;
}

lk_status store_outbox_lane_queued(store *st, int64_t *out)
{
    if (!st || !out)
        return LK_ERR_INVALID;
    *out = 0;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, SQL_LANE_QUEUED, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return db_status(st, rc, "prepare lane queued");
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    lk_status ls = db_status(st, rc, "lane queued");
    sqlite3_finalize(s);
    return ls;
}
