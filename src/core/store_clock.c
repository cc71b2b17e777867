/* The store's side of the clock (clock.h): records made on an unsynchronised
 * clock, their correction once it is synchronised in the same boot, and the
 * guard that keeps retention from deleting on a clock that may be wrong. Runs on
 * the connection of the store handle passed, on that handle's thread. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "lobkiosk/clock.h"
#include "lobkiosk/store.h"
#include "lobkiosk/util.h"

#define HOUR_MS (3600LL * 1000)
#define DAY_MS (24 * HOUR_MS)
#define JUMP_MS HOUR_MS             /* wall ahead of the boot clock by more: a jump */
#define IMPLAUSIBLE_MS (400 * DAY_MS) /* past the latest time seen, across a reboot */

typedef struct seen {
    int64_t wall_ms, boot_ms, jump_ms;
    char boot_id[CLOCK_BOOT_ID_MAX];
} seen;

static lk_status sql_status(int rc)
{
    return rc == SQLITE_FULL ? LK_ERR_FULL : rc == SQLITE_BUSY ? LK_ERR_BUSY : LK_ERR_DB;
}

lk_status store_clock_flag(store *st, const char *uuid, int64_t wall_ms)
{
    if (!st || !uuid)
        return LK_ERR_INVALID;
    if (clock_synced())
        return LK_OK;
    lk_clock c;
    clock_read(&c);
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(store_db(st),
                                "INSERT OR REPLACE INTO clock_unsynced (uuid, boot_id, boot_ms, wall_ms)"
                                " VALUES (?, ?, ?, ?)",
                                -1, &s, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, c.boot_id, -1, SQLITE_STATIC);
        /* The boot time when the record was made: its wall time may be older
         * than now (a reflection's answers are stored when it ends). */
        int64_t age = c.wall_ms > wall_ms ? c.wall_ms - wall_ms : 0;
        sqlite3_bind_int64(s, 3, c.boot_ms - age);
        sqlite3_bind_int64(s, 4, wall_ms);
        rc = sqlite3_step(s);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? LK_OK : sql_status(rc);
}

static lk_status load_seen(store *st, seen *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(store_db(st),
                                "SELECT wall_ms, boot_id, boot_ms, jump_ms FROM clock_seen WHERE id = 1",
                                -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        out->wall_ms = sqlite3_column_int64(s, 0);
        const unsigned char *b = sqlite3_column_text(s, 1);
        lk_strlcpy(out->boot_id, b ? (const char *)b : "", sizeof out->boot_id);
        out->boot_ms = sqlite3_column_int64(s, 2);
        out->jump_ms = sqlite3_column_int64(s, 3);
        rc = SQLITE_DONE;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? LK_OK : sql_status(rc);
}

/* Compares now with what was seen last and stores now. */
static lk_status observe(store *st, const lk_clock *now, seen *prev, int64_t *jumped)
{
    *jumped = 0;
    lk_status ls = load_seen(st, prev);
    if (ls != LK_OK)
        return ls;
    int64_t jump_ms = prev->jump_ms;
    if (prev->wall_ms > 0 && strcmp(prev->boot_id, now->boot_id) == 0) {
        int64_t drift = (now->wall_ms - prev->wall_ms) - (now->boot_ms - prev->boot_ms);
        if (drift > JUMP_MS) {
            *jumped = drift;
            jump_ms = now->wall_ms;
        }
    }
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(store_db(st),
                                "UPDATE clock_seen SET wall_ms = ?, boot_id = ?, boot_ms = ?, jump_ms = ?"
                                " WHERE id = 1",
                                -1, &s, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, now->wall_ms);
        sqlite3_bind_text(s, 2, now->boot_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, now->boot_ms);
        sqlite3_bind_int64(s, 4, jump_ms);
        rc = sqlite3_step(s);
    }
    sqlite3_finalize(s);
    prev->jump_ms = jump_ms; /* the jump as it stands now */
    return rc == SQLITE_DONE ? LK_OK : sql_status(rc);
}

lk_status store_clock_observe(store *st, const lk_clock *now, int64_t *jumped_ms)
{
    if (!st || !now)
        return LK_ERR_INVALID;
    seen prev;
    int64_t j = 0;
    lk_status ls = observe(st, now, &prev, &j);
    if (jumped_ms)
        *jumped_ms = j;
    return ls;
}

/* The correction, set-based: one pass over each table whatever the number of
 * records. ?1 = now's wall time, ?2 = now's boot time, ?3 = the boot id. A
 * statement's time is written as UTC ("...Z"), which xAPI accepts. */
static const char *const fix_sql[] = {
    "CREATE TEMP TABLE IF NOT EXISTS clock_fix (uuid TEXT PRIMARY KEY, t INTEGER NOT NULL)",
    "DELETE FROM temp.clock_fix",
    "INSERT INTO temp.clock_fix SELECT uuid, min(?1, ?1 - (?2 - boot_ms)) FROM clock_unsynced"
    " WHERE boot_id = ?3",
    "UPDATE experiences SET checkin_ms = f.t FROM temp.clock_fix f WHERE experiences.checkin_uuid "
    "= f.uuid",
    "UPDATE experiences SET checkout_ms = f.t FROM temp.clock_fix f WHERE "
    "experiences.checkout_uuid = f.uuid",
    "UPDATE answers SET answered_ms = f.t FROM temp.clock_fix f WHERE answers.uuid = f.uuid",
    "UPDATE confirmations SET confirmed_ms = f.t FROM temp.clock_fix f WHERE confirmations.uuid = "
    "f.uuid",
    "UPDATE outbox SET created_ms = f.t,"
    " json = json_set(json, '$.timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', f.t / 1000.0, "
    "'unixepoch'))"
    " FROM temp.clock_fix f WHERE outbox.uuid = f.uuid"
    " AND EXISTS (SELECT 1 FROM outbox_queue q WHERE q.id = outbox.id)",
    "DELETE FROM clock_unsynced WHERE uuid IN (SELECT uuid FROM temp.clock_fix)",
    /* Never a time in the future: a queued statement ahead of the true time (the
     * clock went back when it was synchronised) gets now. */
    "UPDATE outbox SET created_ms = ?1,"
    " json = json_set(json, '$.timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', ?1 / 1000.0, "
    "'unixepoch'))"
    " WHERE id IN (SELECT id FROM outbox_queue) AND created_ms > ?1",
};

lk_status store_clock_correct(store *st, const lk_clock *now, int64_t *fixed)
{
    if (fixed)
        *fixed = 0;
    if (!st || !now)
        return LK_ERR_INVALID;
    if (!now->synced)
        return LK_OK;
    lk_status ls = store_begin(st);
    if (ls != LK_OK)
        return ls;
    sqlite3 *db = store_db(st);
    int rc = SQLITE_OK;
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof fix_sql / sizeof fix_sql[0]; i++) {
        sqlite3_stmt *s = NULL;
        rc = sqlite3_prepare_v2(db, fix_sql[i], -1, &s, NULL);
        if (rc != SQLITE_OK)
            break;
        int np = sqlite3_bind_parameter_count(s);
        if (np >= 1)
            sqlite3_bind_int64(s, 1, now->wall_ms);
        if (np >= 2)
            sqlite3_bind_int64(s, 2, now->boot_ms);
        if (np >= 3)
            sqlite3_bind_text(s, 3, now->boot_id, -1, SQLITE_STATIC);
        rc = sqlite3_step(s);
        if (rc == SQLITE_DONE) {
            rc = SQLITE_OK;
            if (i == 2 && fixed)
                *fixed = sqlite3_changes(db);
        }
        sqlite3_finalize(s);
    }
    if (rc != SQLITE_OK) {
        fprintf(stderr, "lobkiosk: clock correction: %s\n", sqlite3_errmsg(db));
        store_rollback(st);
        if (fixed)
            *fixed = 0;
        return sql_status(rc);
    }
    return store_commit(st);
}

lk_status store_clock_unsynced_count(store *st, int64_t *n)
{
    if (!st || !n)
        return LK_ERR_INVALID;
    *n = 0;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(store_db(st), "SELECT count(*) FROM clock_unsynced", -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        *n = sqlite3_column_int64(s, 0);
        rc = SQLITE_DONE;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? LK_OK : sql_status(rc);
}

lk_status store_clock_purge_guard(store *st, char *msg, size_t len)
{
    if (!st)
        return LK_ERR_INVALID;
    if (msg && len)
        msg[0] = '\0';
    lk_clock c;
    clock_read(&c);
    seen prev;
    int64_t jumped = 0;
    lk_status ls = observe(st, &c, &prev, &jumped);
    if (ls != LK_OK)
        return ls;
    if (!c.synced) {
        if (msg)
            snprintf(msg, len, "the system clock is not synchronised (no network time yet);"
                               " nothing is deleted until it is");
        return LK_ERR_CLOCK;
    }
    if (prev.jump_ms > 0 && c.wall_ms >= prev.jump_ms && c.wall_ms - prev.jump_ms < DAY_MS) {
        if (msg)
            snprintf(msg, len, "the clock jumped forward%s less than a day ago;"
                               " nothing is deleted until it has run steadily for a day",
                     jumped > 0 ? " just now" : "");
        return LK_ERR_CLOCK;
    }
    if (prev.wall_ms > 0 && c.wall_ms - prev.wall_ms > IMPLAUSIBLE_MS) {
        if (msg)
            snprintf(msg, len, "the clock is %lld days past the latest time this kiosk saw;"
                               " nothing is deleted",
                     (long long)((c.wall_ms - prev.wall_ms) / DAY_MS));
        return LK_ERR_CLOCK;
    }
    return LK_OK;
}
