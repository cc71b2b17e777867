/* Internal to the report modules (report.c, the school's report over the store;
 * report_merge.c, the report over kiosks' exports): the merged report's CSV columns,
 * SQL helpers and one writer for a section that is a single GROUP BY query. */
#ifndef LOBKIOSK_REPORT_INT_H
#define LOBKIOSK_REPORT_INT_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

#include "lobkiosk/report.h"

/* Columns of the CSV table; each section fills the ones that apply. */
enum {
    C_SECTION,
    C_EVENT,
    C_TITLE,
    C_KIND,
    C_ISSUER,
    C_SUBJECT,
    C_GROUP,
    C_COMPETENCY,
    C_REASON,
    C_COUNT,
    C_CHECKOUTS,
    C_STUDENTS,
    C_MINUTES,
    C_N,
    /* the merged report's table has three more at the end */
    C_KIOSK = C_N,
    C_KIOSKS,
    C_FILES,
    C_MERGE_N
};

extern const char REPORT_MERGE_CSV_BASE[]; /* the merged table's first columns */

typedef struct report_section {
    const char *title;    /* text heading */
    const char *columns;  /* text column titles (printf'd with the row format) */
    const char *sql;      /* the query; columns as map describes */
    const char *csv_name; /* value of the section column */
    int map[8];           /* CSV column of each result column, -1 = end */
    const char *text_fmt; /* format of a text row: all result columns as strings */
} report_section;

/* One CSV field of the merged report (',' separated): quoted when needed, a
 * leading = + - @ defused with a quote so a spreadsheet shows it. */
void report_csv_field(FILE *out, const char *s);
void report_csv_row(FILE *out, const char *const *cells, int ncells);

/* Logs SQLite's message for what and returns LK_ERR_DB. */
lk_status report_db_fail(sqlite3 *db, const char *what);

/* Prepares sql and binds the event filter (?1, NULL or "" = all). */
lk_status report_prepare(sqlite3 *db, const char *sql, const char *event_id, sqlite3_stmt **out);

/* Column i as text, "" for NULL. Borrowed from s until the next step. */
const char *report_col_text(sqlite3_stmt *s, int i);

/* Runs sec's query and writes it as a text section (heading, titles, rows) or CSV
 * rows of csv_cols columns. *out_rows (may be NULL) receives the row count. */
lk_status report_write_section(sqlite3 *db, const report_section *sec, const char *const titles[8],
                               const char *event_id, report_format fmt, int csv_cols, FILE *out,
                               int64_t *out_rows);

#endif
