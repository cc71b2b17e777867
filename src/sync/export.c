/* Exports of the outbox for schools without an LRS: CSV that a Dutch spreadsheet
 * opens as columns (';', BOM, plain local dates), JSON Lines, and the raw xAPI
 * statements. The columns are read from each statement by SQLite's JSON functions in
 * the one query; JSON Lines rows are made by jansson; nothing is parsed by hand. */
#include "lobkiosk/export.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "lobkiosk/defaults.h"
#include "lobkiosk/util.h"

lk_status export_format_parse(const char *s, export_format *out)
{
    if (!s || !out)
        return LK_ERR_INVALID;
    if (strcmp(s, "csv") == 0)
        *out = EXPORT_CSV;
    else if (strcmp(s, "jsonl") == 0)
        *out = EXPORT_JSONL;
    else if (strcmp(s, "xapi") == 0)
        *out = EXPORT_XAPI;
    else
        return LK_ERR_INVALID;
    return LK_OK;
}

/* The columns of CSV and JSON Lines, in order. */
enum { C_TIME, C_KIND, C_SCHOOL, C_STUDENT, C_ACTIVITY, C_NAME, C_RESPONSE, C_DURATION,
       C_COMPETENCY, C_ID, C_COUNT };
static const char *const COLUMNS[C_COUNT] = {"time",     "kind",     "account_home",
                                             "account",  "activity", "activity_name",
                                             "response", "duration", "competency",
                                             "statement_id"};

/* Local time as a spreadsheet reads it without help: "2026-11-28 10:32:00". */
static void local_time(int64_t ms, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

/* One CSV field: quoted, quotes doubled. A field that a spreadsheet would take
 * for a formula gets a leading apostrophe (students type free text). */
static void csv_field(FILE *f, const char *s, bool last)
{
    fputc('"', f);
    if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
        s[0] == '\r')
        fputc('\'', f);
    for (const char *p = s;;) { /* the runs between quotes at once, each quote twice */
        size_t run = strcspn(p, "\"");
        fwrite(p, 1, run, f);
        if (!p[run])
            break;
        fputs("\"\"", f);
        p += run + 1;
    }
    fputc('"', f);
    fputs(last ? "\r\n" : ";", f);
}

/* The JSON paths of the CSV and JSON Lines columns, read by SQLite's JSON functions
 * in the one query over the outbox (they parse each statement once per row and look
 * up each path; jansson building the whole statement as a tree cost seven times the
 * xAPI export). A value counts only when it is a JSON string, as before. */
#define TEXT_AT(p)                                                                                 \
    ", CASE json_type(json, '" p "') WHEN 'text' THEN json_extract(json, '" p "') END"
#define P_COMPETENCY "$.context.extensions.\"https://w3id.org/xapi/lob/extensions/competency\""
/* The one statement of each export: a walk of the outbox's rowid range in id order
 * (SEARCH ... USING INTEGER PRIMARY KEY; no sort, no sub-query); tests check the plan. */
static const char *const SQL_XAPI = "SELECT uuid, kind, created_ms, json FROM outbox"
                                    " WHERE created_ms >= ? AND id <= ? ORDER BY id";
static const char *const SQL_ROWS = "SELECT uuid, kind, created_ms" /* 0-2 */
    TEXT_AT("$.actor.account.homePage")                             /* 3 */
    TEXT_AT("$.actor.account.name")                                 /* 4 */
    TEXT_AT("$.object.id")                                          /* 5 */
    TEXT_AT("$.object.objectType")                                  /* 6 */
    TEXT_AT("$.object.definition.name.\"nl-NL\"")                   /* 7 */
    TEXT_AT("$.result.response")                                    /* 8 */
    TEXT_AT("$.result.duration")                                    /* 9 */
    TEXT_AT(P_COMPETENCY)                                           /* 10 */
    " FROM outbox WHERE created_ms >= ? AND id <= ? ORDER BY id";

const char *export_sql(export_format fmt)
{
    return fmt == EXPORT_XAPI ? SQL_XAPI : SQL_ROWS;
}

static const char *col(sqlite3_stmt *q, int i)
{
    const char *s = (const char *)sqlite3_column_text(q, i);
    return s ? s : "";
}

/* One row of the cursor q (made from export_sql(fmt)) into f. */
static lk_status write_row(FILE *f, export_format fmt, sqlite3_stmt *q, bool *first)
{
    if (fmt == EXPORT_XAPI) {
        /* The statement as the LRS would receive it: the outbox holds compact JSON
         * made by jansson (xapi.c), so it is copied, not parsed and made again. */
        const char *json = (const char *)sqlite3_column_text(q, 3);
        if (!json)
            return LK_ERR_INVALID;
        fputs(*first ? "\n" : ",\n", f);
        *first = false;
        return fputs(json, f) < 0 ? LK_ERR_IO : LK_OK;
    }
    lk_status rc = LK_OK;
    char when[32];
    local_time(sqlite3_column_int64(q, 2), when, sizeof when);
    bool ref = strcmp(col(q, 6), "StatementRef") == 0;
    const char *comp = (const char *)sqlite3_column_text(q, 10);
    const char *cp = comp ? strrchr(comp, '/') : NULL;
    const char *v[C_COUNT] = {
        [C_TIME] = when,          [C_KIND] = col(q, 1),     [C_SCHOOL] = col(q, 3),
        [C_STUDENT] = col(q, 4),  [C_ACTIVITY] = col(q, 5), [C_NAME] = ref ? "" : col(q, 7),
        [C_RESPONSE] = col(q, 8), [C_DURATION] = col(q, 9), [C_COMPETENCY] = cp ? cp + 1 : "",
        [C_ID] = col(q, 0),
    };
    if (fmt == EXPORT_CSV) {
        for (int i = 0; i < C_COUNT; i++)
            csv_field(f, v[i], i == C_COUNT - 1);
    } else {
        json_t *row = json_object();
        for (int i = 0; row && i < C_COUNT; i++)
            json_object_set_new(row, COLUMNS[i], json_string(v[i]));
        if (!row || json_dumpf(row, f, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0)
            rc = LK_ERR_IO;
        fputc('\n', f);
        json_decref(row);
    }
    return rc;
}

/* The rows created at or after since_ms with ids up to max_id, one at a time from
 * an SQLite cursor straight into f: memory stays the same for any number of rows. */
static lk_status write_rows(store *st, export_format fmt, int64_t since_ms, int64_t max_id, FILE *f,
                            size_t *out_n, export_progress_fn progress, void *user)
{
    if (out_n)
        *out_n = 0;
    if (!st || !f || (unsigned)fmt > EXPORT_XAPI)
        return LK_ERR_INVALID;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(store_db(st), export_sql(fmt), -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "export: %s\n", sqlite3_errmsg(store_db(st)));
        return LK_ERR_DB;
    }
    sqlite3_bind_int64(q, 1, since_ms);
    sqlite3_bind_int64(q, 2, max_id);
    if (fmt == EXPORT_CSV) {
        fputs("\xEF\xBB\xBF", f); /* the BOM makes Excel read UTF-8 */
        for (int i = 0; i < C_COUNT; i++)
            csv_field(f, COLUMNS[i], i == C_COUNT - 1);
    } else if (fmt == EXPORT_XAPI) {
        fputc('[', f);
    }
    size_t n = 0;
    bool first = true;
    lk_status rc = LK_OK;
    int s;
    while (rc == LK_OK && (s = sqlite3_step(q)) == SQLITE_ROW) {
        rc = write_row(f, fmt, q, &first);
        if (rc == LK_OK)
            n++;
        if (progress && n % EXPORT_PROGRESS_EVERY == 0)
            progress(n, user);
    }
    if (progress)
        progress(n, user);
    if (rc == LK_OK && s != SQLITE_DONE) {
        /* a statement that is not JSON: the export stops and says why */
        fprintf(stderr, "export: %s\n", sqlite3_errmsg(store_db(st)));
        rc = LK_ERR_DB;
    }
    sqlite3_finalize(q);
    if (fmt == EXPORT_XAPI)
        fputs("\n]\n", f);
    if (rc == LK_OK && ferror(f))
        rc = LK_ERR_IO;
    if (out_n)
        *out_n = n;
    return rc;
}

lk_status export_write(store *st, export_format fmt, int64_t since_ms, FILE *f, size_t *out_n)
{
    return write_rows(st, fmt, since_ms, INT64_MAX, f, out_n, NULL, NULL);
}

/* A new file beside path, mode 0600, open for writing: *tmp gets its name. */
static FILE *open_beside(const char *path, char *tmp, size_t len)
{
    if (snprintf(tmp, len, "%s.XXXXXX", path) >= (int)len)
        return NULL;
    int fd = mkstemp(tmp); /* O_EXCL, 0600: never follows a planted link */
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
    }
    return f;
}

lk_status export_to_file(const config *cfg, export_format fmt, int64_t since_ms,
                         const char *path, size_t *out_n)
{
    return export_to_file_progress(cfg, fmt, since_ms, path, out_n, NULL, NULL);
}

/* The target may be replaced, never written through: a symlink (or anything but a
 * regular file) under its name is refused. */
static lk_status target_ok(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) == 0)
        return S_ISREG(sb.st_mode) ? LK_OK : LK_ERR_PERMISSION;
    return errno == ENOENT ? LK_OK : LK_ERR_IO;
}

lk_status export_to_file_progress(const config *cfg, export_format fmt, int64_t since_ms,
                                  const char *path, size_t *out_n, export_progress_fn progress,
                                  void *user)
{
    if (!cfg || !path || !*path)
        return LK_ERR_INVALID;
    if (target_ok(path) != LK_OK) {
        fprintf(stderr, "export: %s is not a plain file (a link?): refused\n", path);
        return LK_ERR_PERMISSION;
    }
    char err[256] = "";
    store *st = NULL;
    lk_status rc = store_open_config(cfg, &st, err, sizeof err);
    if (rc != LK_OK) {
        fprintf(stderr, "export: cannot open the store: %s\n", err);
        return rc;
    }
    /* Marked before the file is written, so a later forget voids what it holds (a
     * dossier fed from this file drops it); a failed write only over-voids, which
     * is harmless. One short write transaction: the kiosk keeps checking in. */
    int64_t max_id = 0;
    rc = store_outbox_mark_export(st, since_ms, lk_now_ms(), &max_id);
    char tmp[CONFIG_PATH_MAX + 80];
    FILE *f = rc == LK_OK ? open_beside(path, tmp, sizeof tmp) : NULL;
    if (rc == LK_OK && !f)
        rc = errno == ENOSPC ? LK_ERR_FULL : LK_ERR_IO;
    /* A read transaction: one snapshot of the outbox, streamed row by row into the
     * file; writers carry on meanwhile (WAL). */
    if (rc == LK_OK && sqlite3_exec(store_db(st), "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        rc = LK_ERR_DB;
    if (rc == LK_OK) {
        rc = write_rows(st, fmt, since_ms, max_id, f, out_n, progress, user);
        sqlite3_exec(store_db(st), "COMMIT", NULL, NULL, NULL);
    }
    store_close(st);
    if (f) {
        if (rc == LK_OK && (fflush(f) != 0 || fsync(fileno(f)) != 0))
            rc = errno == ENOSPC ? LK_ERR_FULL : LK_ERR_IO;
        if (fclose(f) != 0 && rc == LK_OK)
            rc = LK_ERR_IO;
        if (rc == LK_OK && target_ok(path) != LK_OK)
            rc = LK_ERR_PERMISSION; /* planted while we wrote */
        /* rename replaces a name; it never writes through a link */
        if (rc == LK_OK && rename(tmp, path) != 0)
            rc = LK_ERR_IO;
        if (rc != LK_OK)
            unlink(tmp);
        if (rc == LK_OK)
            rc = lk_fsync_parent(path);
    }
    return rc;
}

/* Whether the block device dev is removable: the kernel says so for it or for the
 * disk it is a partition of, or it hangs off a USB bus. */
static bool removable_device(dev_t dev)
{
    char link[96], real[PATH_MAX];
    snprintf(link, sizeof link, "/sys/dev/block/%u:%u", major(dev), minor(dev));
    if (!realpath(link, real))
        return false;
    if (strstr(real, "/usb"))
        return true;
    for (int up = 0; up < 2; up++) {
        char attr[PATH_MAX + 16], *text = NULL;
        snprintf(attr, sizeof attr, "%s/removable", real);
        if (lk_read_file(attr, &text, NULL) == LK_OK) {
            bool yes = text[0] == '1';
            free(text);
            if (yes)
                return true;
        }
        char *slash = strrchr(real, '/'); /* a partition: look at its disk */
        if (!slash)
            break;
        *slash = '\0';
    }
    return false;
}

lk_status export_usb_target(const config *cfg, char *out, size_t len)
{
    if (!cfg || !out || len == 0)
        return LK_ERR_INVALID;
    out[0] = '\0';
    const char *root = getenv("LOBKIOSK_USB_ROOT"); /* tests: a folder stands for the stick */
    bool test = root && root[0];
    const char *dir = test ? root : cfg->usb_mount[0] ? cfg->usb_mount : LK_USB_MOUNT;
    struct stat sb, parent;
    if (lstat(dir, &sb) != 0)
        return LK_ERR_NOT_FOUND;
    if (!S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "lobkiosk: export: %s is not a folder (a link?): refused\n", dir);
        return LK_ERR_PERMISSION;
    }
    if (!test) {
        char up[CONFIG_PATH_MAX + 4];
        if (!lk_path_join(up, sizeof up, dir, "..") || stat(up, &parent) != 0)
            return LK_ERR_NOT_FOUND;
        if (sb.st_dev == parent.st_dev)
            return LK_ERR_NOT_FOUND; /* nothing mounted there: no stick */
        if (!removable_device(sb.st_dev)) {
            fprintf(stderr, "lobkiosk: export: %s holds no removable device: refused\n", dir);
            return LK_ERR_PERMISSION;
        }
    }
    if (access(dir, W_OK) != 0) {
        fprintf(stderr, "lobkiosk: export: %s is not writable (%s)\n", dir, strerror(errno));
        return LK_ERR_PERMISSION;
    }
    return lk_strlcpy(out, dir, len) ? LK_OK : LK_ERR_INVALID;
}

/* The two files of the admin's export, in order. */
static const struct {
    const char *ext;
    export_format fmt;
} usb_files[] = {{"csv", EXPORT_CSV}, {"json", EXPORT_XAPI}};
#define USB_FILES (sizeof usb_files / sizeof usb_files[0])

typedef struct usb_progress {
    export_usb_progress_fn fn;
    void *user;
    size_t file;  /* index of the file being written */
    size_t total; /* rows in one file */
} usb_progress;

static void on_rows(size_t done, void *user)
{
    usb_progress *p = user;
    size_t all = p->total * USB_FILES;
    size_t at = p->file * p->total + (done < p->total ? done : p->total);
    if (p->fn)
        p->fn(all ? (int)(at * 100 / all) : 100, p->user);
}

lk_status export_to_usb_progress(const config *cfg, int64_t now_ms, export_usb_progress_fn progress,
                                 void *user)
{
    if (!cfg)
        return LK_ERR_INVALID;
    char found[CONFIG_PATH_MAX];
    lk_status st = export_usb_target(cfg, found, sizeof found);
    if (st != LK_OK)
        return st;
    usb_progress p = {progress, user, 0, 0};
    if (progress) {
        /* for the percentage: the number of rows, from the kiosk's own figures */
        char db[CONFIG_PATH_MAX + 64];
        store *s = NULL;
        store_outbox_stats ss;
        if (store_path(cfg, db, sizeof db) == LK_OK && store_open(db, &s, NULL, 0) == LK_OK &&
            store_outbox_stats_get(s, &ss) == LK_OK)
            p.total = (size_t)(ss.queued + ss.quarantined + ss.sent);
        store_close(s);
        progress(0, user);
    }
    /* Two files: the CSV opens in a spreadsheet; the xAPI file is what
     * `lobkiosk report --from` merges over several kiosks (and what a dossier reads). */
    for (size_t i = 0; i < USB_FILES; i++) {
        char name[160], path[CONFIG_PATH_MAX + 200];
        snprintf(name, sizeof name, "lobkiosk-%s-%d.%s", cfg->kiosk_id[0] ? cfg->kiosk_id : "kiosk",
                 lk_local_yyyymmdd(now_ms), usb_files[i].ext);
        if (!lk_path_join(path, sizeof path, found, name)) {
            fprintf(stderr, "lobkiosk: export: the path on the stick is too long\n");
            return LK_ERR_INVALID;
        }
        p.file = i;
        st = export_to_file_progress(cfg, usb_files[i].fmt, 0, path, NULL,
                                     progress ? on_rows : NULL, &p);
        if (st != LK_OK) {
            fprintf(stderr, "lobkiosk: export failed: %s\n", lk_strerror(st));
            return st;
        }
    }
    if (progress)
        progress(100, user);
    return LK_OK;
}

lk_status export_to_usb(const config *cfg, int64_t now_ms)
{
    return export_to_usb_progress(cfg, now_ms, NULL, NULL);
}

/* --- the admin's export on a thread of its own ------------------------------------ */

struct export_job {
    const config *cfg;
    int64_t now_ms;
    pthread_t th;
    atomic_int percent;
    atomic_bool done;
    atomic_int result;
};

static void job_progress(int percent, void *user)
{
    export_job *j = user;
    atomic_store(&j->percent, percent < 0 ? 0 : percent > 100 ? 100 : percent);
}

static void *job_main(void *arg)
{
    export_job *j = arg;
    lk_status st = export_to_usb_progress(j->cfg, j->now_ms, job_progress, j);
    atomic_store(&j->result, (int)st);
    atomic_store(&j->done, true);
    return NULL;
}

export_job *export_job_start(const config *cfg, int64_t now_ms)
{
    if (!cfg)
        return NULL;
    export_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->cfg = cfg;
    j->now_ms = now_ms;
    atomic_init(&j->percent, 0);
    atomic_init(&j->done, false);
    atomic_init(&j->result, (int)LK_OK);
    if (pthread_create(&j->th, NULL, job_main, j) != 0) {
        free(j);
        return NULL;
    }
    return j;
}

bool export_job_poll(export_job *j, int *percent, lk_status *result)
{
    if (!j)
        return false;
    if (percent)
        *percent = atomic_load(&j->percent);
    if (!atomic_load(&j->done))
        return true;
    if (result)
        *result = (lk_status)atomic_load(&j->result);
    return false;
}

lk_status export_job_finish(export_job *j)
{
    if (!j)
        return LK_ERR_INVALID;
    pthread_join(j->th, NULL);
    lk_status st = (lk_status)atomic_load(&j->result);
    free(j);
    return st;
}
