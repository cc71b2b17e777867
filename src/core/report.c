/* Reports over the store: a handful of read-only GROUP BY queries, each printed
 * as a text section or as CSV rows of one shared table. Schools use the counts to
 * show the quality of their LOB programme; nothing here names a person. */
#include "lobkiosk/report.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <string.h>

/* Columns of the CSV table; each section fills the ones that apply. */
enum {
    C_SECTION, C_EVENT, C_TITLE, C_KIND, C_ISSUER, C_SUBJECT, C_GROUP, C_COMPETENCY, C_REASON,
    C_COUNT, C_CHECKOUTS, C_STUDENTS, C_MINUTES, C_N
};

static const char CSV_HEADER[] = "section,event,title,kind,issuer,subject,group,competency,"
                                 "reason,count,checkouts,students,minutes";

const char *report_csv_header(void)
{
    return CSV_HEADER;
}

/* One CSV field: quoted when needed, and a leading = + - @ defused with a quote
 * so a spreadsheet shows it instead of running it. */
static void csv_field(FILE *out, const char *s)
{
    if (!s)
        s = "";
    bool formula = s[0] && strchr("=+-@\t\r", s[0]);
    bool quote = formula || strpbrk(s, ",\"\r\n;") != NULL;
    if (!quote) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    if (formula)
        fputc('\'', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void csv_row(FILE *out, const char *const cells[C_N])
{
    for (int i = 0; i < C_N; i++) {
        if (i)
            fputc(',', out);
        csv_field(out, cells[i]);
    }
    fputc('\n', out);
}

static lk_status db_fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "report: %s: %s\n", what, sqlite3_errmsg(db));
    return LK_ERR_DB;
}

/* Prepares sql and binds the event filter (?1, NULL = all). */
static lk_status prepare(sqlite3 *db, const char *sql, const char *event_id, sqlite3_stmt **out)
{
    if (sqlite3_prepare_v2(db, sql, -1, out, NULL) != SQLITE_OK)
        return db_fail(db, "prepare");
    if (event_id && *event_id)
        sqlite3_bind_text(*out, 1, event_id, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(*out, 1);
    return LK_OK;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

/* Filter on experiences e by ?1. */
#define EVENT_FILTER "(?1 IS NULL OR e.event_id = ?1)"

typedef struct section {
    const char *title;     /* text heading */
    const char *columns;   /* text column titles (printf'd with the row format) */
    const char *sql;       /* the query; columns as map describes */
    const char *csv_name;  /* value of the section column */
    int map[8];            /* CSV column of each result column, -1 = end */
    const char *text_fmt;  /* format of a text row: all result columns as strings */
} section;

static const section sections[] = {
    {"Check-ins per event",
     "  %-16s %-16s %9s %10s %9s %8s  %s\n",
     "SELECT e.event_id, coalesce(ev.kind, 'other'), count(*), sum(e.checkout_ms > 0),"
     " count(DISTINCT e.issuer || '/' || e.subject),"
     " coalesce(CAST(round(avg(CASE WHEN e.checkout_ms > 0 THEN"
     " (e.checkout_ms - e.checkin_ms) / 60000.0 END)) AS INTEGER), ''),"
     " coalesce(ev.title, '')"
     " FROM experiences e LEFT JOIN events ev ON ev.id = e.event_id WHERE " EVENT_FILTER
     " GROUP BY e.event_id ORDER BY min(e.checkin_ms), e.event_id",
     "event",
     {C_EVENT, C_KIND, C_COUNT, C_CHECKOUTS, C_STUDENTS, C_MINUTES, C_TITLE, -1},
     "  %-16s %-16s %9s %10s %9s %8s  %s\n"},
    {"Check-ins per kind of activity",
     "  %-16s %9s %9s\n",
     "SELECT coalesce(ev.kind, 'other') AS k, count(*),"
     " count(DISTINCT e.issuer || '/' || e.subject)"
     " FROM experiences e LEFT JOIN events ev ON ev.id = e.event_id WHERE " EVENT_FILTER
     " GROUP BY k ORDER BY k",
     "kind",
     {C_KIND, C_COUNT, C_STUDENTS, -1},
     "  %-16s %9s %9s\n"},
    {"Experiences per student",
     "  %-8s %-16s %-10s %11s %10s %8s\n",
     "SELECT e.issuer, e.subject, coalesce(r.grp, ''), count(*), sum(e.checkout_ms > 0),"
     /* whole minutes, rounded down as the check-out screen says them */
     " coalesce(sum(CASE WHEN e.checkout_ms > 0 THEN"
     " (e.checkout_ms - e.checkin_ms) END), 0) / 60000"
     " FROM experiences e LEFT JOIN roster r ON r.issuer = e.issuer AND r.subject = e.subject"
     " WHERE " EVENT_FILTER " GROUP BY e.issuer, e.subject ORDER BY e.issuer, e.subject",
     "student",
     {C_ISSUER, C_SUBJECT, C_GROUP, C_COUNT, C_CHECKOUTS, C_MINUTES, -1},
     "  %-8s %-16s %-10s %11s %10s %8s\n"},
    {"Answers per competency",
     "  %-18s %9s %9s\n",
     "SELECT coalesce(a.competency, 'overall') AS c, count(*),"
     " count(DISTINCT e.issuer || '/' || e.subject)"
     " FROM answers a JOIN experiences e ON e.id = a.experience_id WHERE " EVENT_FILTER
     " GROUP BY c ORDER BY c",
     "competency",
     {C_COMPETENCY, C_COUNT, C_STUDENTS, -1},
     "  %-18s %9s %9s\n"},
};

static const char *const column_titles[][7] = {
    {"event", "kind", "check-ins", "check-outs", "students", "avg min", "title"},
    {"kind", "check-ins", "students"},
    {"issuer", "subject", "group", "experiences", "check-outs", "minutes"},
    {"competency", "answers", "students"},
};

/* Prints one text row from up to 7 strings using fmt. */
static void text_row(FILE *out, const char *fmt, const char *const v[7], int n)
{
    const char *a[7];
    for (int i = 0; i < 7; i++)
        a[i] = i < n ? v[i] : "";
    fprintf(out, fmt, a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
}

static lk_status write_section(sqlite3 *db, const section *sec, size_t idx, const char *event_id,
                               report_format fmt, FILE *out, int64_t *out_rows)
{
    sqlite3_stmt *s = NULL;
    lk_status ls = prepare(db, sec->sql, event_id, &s);
    if (ls != LK_OK)
        return ls;
    int ncols = 0;
    while (ncols < 8 && sec->map[ncols] >= 0)
        ncols++;
    int64_t rows = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (fmt == REPORT_TEXT && rows == 0) {
            fprintf(out, "\n%s\n", sec->title);
            text_row(out, sec->columns, column_titles[idx], ncols);
        }
        rows++;
        const char *v[8] = {0};
        for (int i = 0; i < ncols; i++)
            v[i] = col_text(s, i);
        if (fmt == REPORT_CSV) {
            const char *cells[C_N] = {0};
            cells[C_SECTION] = sec->csv_name;
            for (int i = 0; i < ncols; i++)
                cells[sec->map[i]] = v[i];
            csv_row(out, cells);
        } else {
            text_row(out, sec->text_fmt, v, ncols);
        }
    }
    ls = rc == SQLITE_DONE ? LK_OK : db_fail(db, sec->csv_name);
    sqlite3_finalize(s);
    if (out_rows)
        *out_rows = rows;
    return ls;
}

/* Refusals are counted per day, not per event: the whole kiosk's figures. */
static lk_status write_refusals(sqlite3 *db, report_format fmt, FILE *out)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT reason, sum(count) FROM refusals GROUP BY reason"
                           " ORDER BY reason",
                           -1, &s, NULL) != SQLITE_OK)
        return db_fail(db, "prepare refusals");
    int rc, rows = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (fmt == REPORT_CSV) {
            const char *cells[C_N] = {0};
            cells[C_SECTION] = "refusal";
            cells[C_REASON] = col_text(s, 0);
            cells[C_COUNT] = col_text(s, 1);
            csv_row(out, cells);
        } else {
            if (rows == 0)
                fprintf(out, "\nRefused scans (all events)\n  %-20s %9s\n", "reason", "count");
            fprintf(out, "  %-20s %9s\n", col_text(s, 0), col_text(s, 1));
        }
        rows++;
    }
    lk_status ls = rc == SQLITE_DONE ? LK_OK : db_fail(db, "refusals");
    sqlite3_finalize(s);
    return ls;
}

lk_status report_write(store *st, const char *event_id, report_format fmt, FILE *out)
{
    sqlite3 *db = store_db(st);
    if (!db || !out || (fmt != REPORT_TEXT && fmt != REPORT_CSV))
        return LK_ERR_INVALID;
    /* One read transaction: every section sees the same moment, even while the
     * kiosk keeps writing. */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(db, "begin");
    lk_status ls = LK_OK;
    if (fmt == REPORT_CSV) {
        fprintf(out, "%s\n", CSV_HEADER);
    } else {
        sqlite3_stmt *s = NULL;
        ls = prepare(db,
                     "SELECT count(*), count(DISTINCT e.issuer || '/' || e.subject),"
                     " count(DISTINCT e.event_id) FROM experiences e WHERE " EVENT_FILTER,
                     event_id, &s);
        if (ls == LK_OK && sqlite3_step(s) == SQLITE_ROW)
            fprintf(out, "Total: %lld check-ins by %lld students at %lld events\n",
                    (long long)sqlite3_column_int64(s, 0), (long long)sqlite3_column_int64(s, 1),
                    (long long)sqlite3_column_int64(s, 2));
        if (ls == LK_OK && event_id && *event_id)
            fprintf(out, "Event: %s\n", event_id);
        sqlite3_finalize(s);
    }
    for (size_t i = 0; ls == LK_OK && i < sizeof sections / sizeof sections[0]; i++)
        ls = write_section(db, &sections[i], i, event_id, fmt, out, NULL);
    if (ls == LK_OK && !(event_id && *event_id))
        ls = write_refusals(db, fmt, out);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (ls == LK_OK && ferror(out))
        ls = LK_ERR_IO;
    return ls;
}
