/* Helpers shared by the report modules: CSV quoting, SQLite statements with the
 * event filter, and the writer for a one-query section. */
#include <stdbool.h>
#include <string.h>

#include "core/report_int.h"

const char REPORT_MERGE_CSV_BASE[] = "section,event,title,kind,issuer,subject,group,competency,"
                                     "reason,count,checkouts,students,minutes";

/* One CSV field: quoted when needed, and a leading = + - @ defused with a quote
 * so a spreadsheet shows it instead of running it. */
void report_csv_field(FILE *out, const char *s)
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

void report_csv_row(FILE *out, const char *const *cells, int ncells)
{
    for (int i = 0; i < ncells; i++) {
        if (i)
            fputc(',', out);
        report_csv_field(out, cells[i]);
    }
    fputc('\n', out);
}

lk_status report_db_fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "report: %s: %s\n", what, sqlite3_errmsg(db));
    return LK_ERR_DB;
}

/* Prepares sql and binds the event filter (?1, NULL = all). */
lk_status report_prepare(sqlite3 *db, const char *sql, const char *event_id, sqlite3_stmt **out)
{
    if (sqlite3_prepare_v2(db, sql, -1, out, NULL) != SQLITE_OK)
        return report_db_fail(db, "prepare");
    if (event_id && *event_id)
        sqlite3_bind_text(*out, 1, event_id, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(*out, 1);
    return LK_OK;
}

const char *report_col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

/* Prints one text row from up to 8 strings using fmt (a format with as many %s as
 * the section has columns; the rest are passed as "" and not printed). */
static void text_row(FILE *out, const char *fmt, const char *const v[8], int n)
{
    const char *a[8];
    for (int i = 0; i < 8; i++)
        a[i] = i < n ? v[i] : "";
    fprintf(out, fmt, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
}

lk_status report_write_section(sqlite3 *db, const report_section *sec, const char *const titles[8],
                               const char *event_id, report_format fmt, int csv_cols, FILE *out,
                               int64_t *out_rows)
{
    sqlite3_stmt *s = NULL;
    lk_status ls = report_prepare(db, sec->sql, event_id, &s);
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
            text_row(out, sec->columns, titles, ncols);
        }
        rows++;
        const char *v[8] = {0};
        for (int i = 0; i < ncols; i++)
            v[i] = report_col_text(s, i);
        if (fmt == REPORT_CSV) {
            const char *cells[C_MERGE_N] = {0};
            cells[C_SECTION] = sec->csv_name;
            for (int i = 0; i < ncols; i++)
                cells[sec->map[i]] = v[i];
            report_csv_row(out, cells, csv_cols);
        } else {
            text_row(out, sec->text_fmt, v, ncols);
        }
    }
    ls = rc == SQLITE_DONE ? LK_OK : report_db_fail(db, sec->csv_name);
    sqlite3_finalize(s);
    if (out_rows)
        *out_rows = rows;
    return ls;
}
