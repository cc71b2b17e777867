/* Reports for schools and kiosk staff: counts of practical experiences per event,
 * per kind of activity, per student (pseudonymous subject) and answers per career
 * competency, read from the store. Text for people, CSV for machines. */
#ifndef LOBKIOSK_REPORT_H
#define LOBKIOSK_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "lobkiosk/config.h"
#include "lobkiosk/status.h"
#include "lobkiosk/store.h"

typedef enum report_format {
    REPORT_TEXT = 0, /* aligned columns with section titles; columns never shift */
    REPORT_CSV = 1,  /* the export's CSV: ';', BOM, CRLF, every field quoted; each
                        section a header row and rows, the first column its name */
} report_format;

/* What a report covers. Zero it for everything. Strings borrowed. */
typedef struct report_filter {
    const char *event_id; /* one event, NULL or "" = every event */
    int64_t since_ms;     /* check-ins from this moment on, 0 = from the start */
    int64_t until_ms;     /* check-ins before this moment, 0 = up to now and later */
    const char *group;    /* one roster group (klas), NULL or "" = every group */
} report_filter;

/* The sections of the coordinator's report. Numbers never renumbered. */
typedef enum report_table_id {
    REPORT_T_STUDENTS = 0,     /* every roster student (also with none): counts, hours */
    REPORT_T_GROUPS = 1,       /* per group: students, without experience, competencies */
    REPORT_T_EVENTS = 2,       /* per event: checked in / expected (expected_groups) */
    REPORT_T_MISSING = 3,      /* per event: expected students who did not check in */
    REPORT_T_HOSTS = 4,        /* per host (company): students, days, hours */
    REPORT_T_KINDS = 5,        /* per kind of activity */
    REPORT_T_COMPETENCIES = 6, /* per competency: answers and students who reflected */
    REPORT_T_ANSWERS = 7,      /* per question and answer label: how often */
    REPORT_T_HOURS = 8,        /* per event and hour of the day: check-ins */
    REPORT_T_REFUSALS = 9,     /* refused scans per reason */
    REPORT_T_WITHOUT = 10,     /* roster students without an experience ("nog geen ervaring") */
    REPORT_T_COUNT
} report_table_id;

/* One section as rows of text cells. */
typedef struct report_table {
    report_table_id id;
    const char *name;           /* CSV section name ("student"); static */
    const char *title;          /* heading of the text report; static */
    size_t cols;                /* columns */
    const char *const *headers; /* cols column names; static */
    const int *widths;          /* cols text widths, negative = left-aligned; static */
    size_t rows;                /* rows */
    char **cells;               /* rows * cols strings, owned (report_table_free) */
} report_table;

/* The Dutch name of a competency id ("work_exploration" -> "werkexploratie"), the
 * one spelling every report uses; "algemeen" for NULL (the overall rating); the id
 * itself when unknown. Static. */
const char *report_competency_name(const char *id);

/* Reads section id for filter f (may be NULL: everything) from st. cfg (may be NULL)
 * gives each event's expected_groups and question sets (answer labels). Fills *out;
 * free it with report_table_free (also after a failure). Reads only. Students appear
 * with their first name from the roster: the report stays on the school's machine. */
lk_status report_table_get(store *st, const config *cfg, const report_filter *f, report_table_id id,
                           report_table *out) LK_MUST_CHECK;
/* Reads sections ids[0..n) into out[0..n) as report_table_get does, from one read
 * of the store (faster than n calls). Free each with report_table_free. */
lk_status report_tables_get(store *st, const config *cfg, const report_filter *f,
                            const report_table_id *ids, size_t n, report_table *out) LK_MUST_CHECK;
void report_table_free(report_table *t);

/* Cell (row, col) of t, "" when out of range. Borrowed. */
const char *report_cell(const report_table *t, size_t row, size_t col);

/* Writes the coordinator's report (every section but the missing lists' details are
 * included) for f to out, in one read transaction. */
lk_status report_write(store *st, const config *cfg, const report_filter *f, report_format fmt,
                       FILE *out) LK_MUST_CHECK;

/* Writes only the students without an experience in f: subject, first name, group. */
lk_status report_write_without(store *st, const config *cfg, const report_filter *f,
                               report_format fmt, FILE *out) LK_MUST_CHECK;

/* Writes tables t[0..n) as report_write does (CSV with the BOM first). */
lk_status report_write_tables(const report_table *t, size_t n, report_format fmt,
                              FILE *out) LK_MUST_CHECK;

/* --- One report over several kiosks' exports ------------------------------------
 * For schools without an LRS: each kiosk of an event exports its statements
 * (export --format xapi or jsonl) and the coordinator merges the files. Statements
 * are kept once by id, a voiding statement removes the one it points at, and a
 * student seen by several kiosks at one event counts once there (one experience per
 * event activity and actor account). Students appear by account home page and
 * pseudonymous subject only. */

typedef struct report_merge report_merge;

/* A new, empty merge; NULL when out of memory. Free with report_merge_destroy. */
report_merge *report_merge_create(void);
void report_merge_destroy(report_merge *m);

/* Adds one export held in data (len bytes; need not be NUL-terminated), named name
 * (the file name, used in messages). The format is recognised from the content: a
 * JSON array of xAPI statements (export --format xapi), or one JSON object a line,
 * each an xAPI statement or a row of export --format jsonl. A malformed statement
 * or line is left out with a message on diag naming name and the line or item
 * (diag may be NULL); *out_skipped (may be NULL) receives how many. Returns
 * LK_ERR_INVALID when data as a whole is no such export (nothing is added),
 * LK_ERR_NOMEM / LK_ERR_DB on failure, else LK_OK. m, name, data and diag are
 * borrowed. */
lk_status report_merge_add(report_merge *m, const char *name, const char *data, size_t len,
                           FILE *diag, size_t *out_skipped) LK_MUST_CHECK;

/* Reads path and adds it as report_merge_add does; LK_ERR_NOT_FOUND / LK_ERR_IO when
 * it cannot be read (with a message on diag). */
lk_status report_merge_add_file(report_merge *m, const char *path, FILE *diag,
                                size_t *out_skipped) LK_MUST_CHECK;

/* Totals of what was added so far. */
typedef struct report_merge_stats {
    size_t files;      /* files (buffers) added */
    size_t statements; /* statements and rows read, duplicates included */
    size_t duplicates; /* left out: an id seen before */
    size_t skipped;    /* left out: malformed */
    size_t voided;     /* withdrawn by a voiding statement among the input */
    size_t kiosks;     /* distinct kiosk ids among the statements kept */
} report_merge_stats;

lk_status report_merge_get_stats(report_merge *m, report_merge_stats *out) LK_MUST_CHECK;

/* The CSV header of the merged report (without newline): section, event, title,
 * kind, issuer, subject, group, competency, reason, count, checkouts, students,
 * minutes, kiosk, kiosks, files; static string. */
const char *report_merge_csv_header(void);

/* Writes the merged report of event_id (an event id or its activity IRI; NULL or ""
 * = every event): the sections of report_write (per event, per kind of activity, per
 * student, per competency) counted over the merged statements, plus the kiosks and
 * files that contributed. Reads only; m and out are borrowed. */
lk_status report_merge_write(report_merge *m, const char *event_id, report_format fmt,
                             FILE *out) LK_MUST_CHECK;

#endif
