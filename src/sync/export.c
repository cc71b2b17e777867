/* Exports of the outbox for schools without an LRS: CSV that a Dutch spreadsheet
 * opens as columns (';', BOM, plain local dates), JSON Lines, and the raw xAPI
 * statements. Each statement is read back with jansson; nothing is parsed by hand. */
#include "lobkiosk/export.h"

#include <dirent.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

static const char *str_at(json_t *j, const char *a, const char *b, const char *c)
{
    json_t *v = json_object_get(j, a);
    if (b)
        v = json_object_get(v, b);
    if (c)
        v = json_object_get(v, c);
    return json_is_string(v) ? json_string_value(v) : "";
}

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
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
    fputs(last ? "\r\n" : ";", f);
}

static lk_status write_row(FILE *f, export_format fmt, const char *uuid, const char *kind,
                           const char *json, int64_t created_ms, bool *first)
{
    json_error_t e;
    json_t *st = json_loads(json, 0, &e);
    if (!st)
        return LK_ERR_INVALID;
    lk_status rc = LK_OK;
    if (fmt == EXPORT_XAPI) {
        fputs(*first ? "\n" : ",\n", f);
        if (json_dumpf(st, f, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0)
            rc = LK_ERR_IO;
        *first = false;
        json_decref(st);
        return rc;
    }
    char when[32];
    local_time(created_ms, when, sizeof when);
    const char *obj_type = str_at(st, "object", "objectType", NULL);
    bool ref = strcmp(obj_type, "StatementRef") == 0;
    json_t *ext = json_object_get(json_object_get(st, "context"), "extensions");
    const char *comp = json_string_value(
        json_object_get(ext, "https://w3id.org/xapi/lob/extensions/competency"));
    const char *cp = comp ? strrchr(comp, '/') : NULL;
    const char *v[C_COUNT] = {
        [C_TIME] = when,
        [C_KIND] = kind,
        [C_SCHOOL] = str_at(st, "actor", "account", "homePage"),
        [C_STUDENT] = str_at(st, "actor", "account", "name"),
        [C_ACTIVITY] = str_at(st, "object", "id", NULL),
        [C_NAME] = ref ? "" : str_at(json_object_get(st, "object"), "definition", "name", "nl-NL"),
        [C_RESPONSE] = str_at(st, "result", "response", NULL),
        [C_DURATION] = str_at(st, "result", "duration", NULL),
        [C_COMPETENCY] = cp ? cp + 1 : "",
        [C_ID] = uuid,
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
    json_decref(st);
    return rc;
}

lk_status export_write(store *st, export_format fmt, int64_t since_ms, FILE *f, size_t *out_n)
{
    if (out_n)
        *out_n = 0;
    if (!st || !f || (unsigned)fmt > EXPORT_XAPI)
        return LK_ERR_INVALID;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(store_db(st),
                           "SELECT uuid, kind, json, created_ms FROM outbox"
                           " WHERE created_ms >= ? ORDER BY id",
                           -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "export: %s\n", sqlite3_errmsg(store_db(st)));
        return LK_ERR_DB;
    }
    sqlite3_bind_int64(q, 1, since_ms);
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
        rc = write_row(f, fmt, (const char *)sqlite3_column_text(q, 0),
                       (const char *)sqlite3_column_text(q, 1),
                       (const char *)sqlite3_column_text(q, 2), sqlite3_column_int64(q, 3),
                       &first);
        if (rc == LK_OK)
            n++;
    }
    if (rc == LK_OK && s != SQLITE_DONE)
        rc = LK_ERR_DB;
    sqlite3_finalize(q);
    if (fmt == EXPORT_XAPI)
        fputs("\n]\n", f);
    if (rc == LK_OK && ferror(f))
        rc = LK_ERR_IO;
    if (out_n)
        *out_n = n;
    return rc;
}

static lk_status mark_exported(store *st, int64_t since_ms)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(store_db(st),
                           "UPDATE outbox SET exported_ms = ?1 WHERE created_ms >= ?2"
                           " AND exported_ms = 0",
                           -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "export: %s\n", sqlite3_errmsg(store_db(st)));
        return LK_ERR_DB;
    }
    sqlite3_bind_int64(q, 1, lk_now_ms());
    sqlite3_bind_int64(q, 2, since_ms);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? LK_OK : LK_ERR_DB;
}

lk_status export_to_file(const config *cfg, export_format fmt, int64_t since_ms,
                         const char *path, size_t *out_n)
{
    if (!cfg || !path || !*path)
        return LK_ERR_INVALID;
    char db[CONFIG_PATH_MAX + 64];
    char err[256] = "";
    store *st = NULL;
    lk_status rc = store_path(cfg, db, sizeof db);
    if (rc == LK_OK)
        rc = store_open(db, &st, err, sizeof err);
    if (rc != LK_OK) {
        fprintf(stderr, "export: cannot open the store: %s\n", err);
        return rc;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) {
        store_close(st);
        return LK_ERR_NOMEM;
    }
    /* One snapshot under the write lock: what is written is exactly what is marked
     * exported, so a later forget voids it too (a dossier fed from this file drops
     * it). Marked before the file lands: a failed write only over-voids, harmless. */
    rc = store_begin(st);
    if (rc == LK_OK)
        rc = export_write(st, fmt, since_ms, mem, out_n);
    if (rc == LK_OK)
        rc = mark_exported(st, since_ms);
    if (rc == LK_OK)
        rc = store_commit(st);
    else
        store_rollback(st);
    if (fclose(mem) != 0 && rc == LK_OK)
        rc = LK_ERR_NOMEM;
    store_close(st);
    if (rc == LK_OK)
        rc = lk_write_file(path, buf, len, 0600, false);
    free(buf);
    return rc;
}

/* A writable mount point directly below dir (a stick's own file system: its
 * device differs from dir's). Checks dir/NAME, and dir/USER/NAME when deep. */
static bool find_mount(const char *dir, bool deep, char *out, size_t len)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct stat parent;
    bool found = false;
    if (stat(dir, &parent) == 0) {
        struct dirent *e;
        while (!found && (e = readdir(d))) {
            char p[1024];
            struct stat sb;
            if (e->d_name[0] == '.' || !lk_path_join(p, sizeof p, dir, e->d_name) ||
                stat(p, &sb) != 0 || !S_ISDIR(sb.st_mode))
                continue;
            if (sb.st_dev != parent.st_dev && access(p, W_OK) == 0) {
                lk_strlcpy(out, p, len);
                found = true;
            } else if (deep) {
                found = find_mount(p, false, out, len);
            }
        }
    }
    closedir(d);
    return found;
}

lk_status export_to_usb(const config *cfg, int64_t now_ms)
{
    if (!cfg)
        return LK_ERR_INVALID;
    char found[1024] = "";
    const char *root = getenv("LOBKIOSK_USB_ROOT"); /* tests point this at a folder */
    if (root && root[0])
        lk_strlcpy(found, root, sizeof found);
    else if (!find_mount("/media", true, found, sizeof found))
        find_mount("/run/media", true, found, sizeof found);
    if (!found[0])
        return LK_ERR_NOT_FOUND;
    /* Two files: the CSV opens in a spreadsheet; the xAPI file is what
     * `lobkiosk report --from` merges over several kiosks (and what a dossier reads). */
    static const struct {
        const char *ext;
        export_format fmt;
    } files[] = {{"csv", EXPORT_CSV}, {"json", EXPORT_XAPI}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char name[160], path[1200];
        snprintf(name, sizeof name, "lobkiosk-%s-%d.%s", cfg->kiosk_id[0] ? cfg->kiosk_id : "kiosk",
                 lk_local_yyyymmdd(now_ms), files[i].ext);
        if (!lk_path_join(path, sizeof path, found, name)) {
            fprintf(stderr, "lobkiosk: export: the path on the stick is too long\n");
            return LK_ERR_INVALID;
        }
        lk_status st = export_to_file(cfg, files[i].fmt, 0, path, NULL);
        if (st != LK_OK) {
            fprintf(stderr, "lobkiosk: export failed: %s\n", lk_strerror(st));
            return st;
        }
    }
    return LK_OK;
}
