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

/* --- the school's report in one pass (report_fast.c) --------------------------------
 * Each query of report.c's sections has an id; report_fast gives the same rows (the
 * same columns, as text, hours as the number SQL's round() gives) from one read of
 * the check-ins in scope. report.c runs either the SQL (the reference) or this. */
typedef enum report_query {
    RQ_STUDENTS,     /* STUDENT_SQL */
    RQ_GROUPS,       /* GROUP_SQL */
    RQ_EVENTS,       /* EVENT_SQL; extra: the char(31)-framed ids expecting groups */
    RQ_EXPECTED,     /* EXPECTED_SQL; extra: ",3B,3C,", extra2: the event id */
    RQ_HOSTS,        /* per host */
    RQ_KINDS,        /* per kind */
    RQ_COMPETENCIES, /* answers and students per competency (GROUP BY competency) */
    RQ_ANSWERS,      /* answers per competency, question and response */
    RQ_HOURS,        /* check-ins per event and hour */
    RQ_WITHOUT,      /* roster students without a check-in */
    RQ_TOTAL,        /* check-ins, students, events */
} report_query;

/* Receives one row of n text cells (borrowed until it returns). */
typedef lk_status (*report_row_fn)(void *ctx, const char *const *v, size_t n);

typedef struct report_fast report_fast;

/* Reads the check-ins of f (and their answers and confirmations), the roster and
 * the events from db, inside the caller's read transaction. cfg (may be NULL):
 * which events expect groups. Free with report_fast_free. */
lk_status report_fast_load(sqlite3 *db, const config *cfg, const report_filter *f,
                           report_fast **out) LK_MUST_CHECK;
void report_fast_free(report_fast *d);

/* Calls fn for every row query q gives, in its order. */
lk_status report_fast_rows(report_fast *d, report_query q, const char *extra, const char *extra2,
                           report_row_fn fn, void *ctx) LK_MUST_CHECK;

/* The i-th statement report_fast runs for f when the scope is a small part of the
 * store (0: the check-ins, 1: their answers, 2: their confirmations), written into
 * buf; NULL past the end. For EXPLAIN QUERY PLAN in the tests. */
const char *report_fast_scope_sql(const report_filter *f, size_t i, char *buf, size_t len);

/* report_write and report_table_get with the reference: each section's SQL
 * query over the store (slow on a big store; tests compare the two). */
lk_status report_write_reference(store *st, const config *cfg, const report_filter *f,
                                 report_format fmt, FILE *out) LK_MUST_CHECK;
lk_status report_table_get_reference(store *st, const config *cfg, const report_filter *f,
                                     report_table_id id, report_table *out) LK_MUST_CHECK;

#endif
