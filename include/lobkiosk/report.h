/* Reports for schools and kiosk staff: counts of practical experiences per event,
 * per kind of activity, per student (pseudonymous subject) and answers per career
 * competency, read from the store. Text for people, CSV for machines. */
#ifndef LOBKIOSK_REPORT_H
#define LOBKIOSK_REPORT_H

#include <stdio.h>

#include "lobkiosk/status.h"
#include "lobkiosk/store.h"

typedef enum report_format {
    REPORT_TEXT = 0, /* aligned columns with section titles */
    REPORT_CSV = 1,  /* one table with a header row; column "section" says what a row is */
} report_format;

/* The CSV header row (without newline); static string. */
const char *report_csv_header(void);

/* Writes the report of event_id (NULL or "" = every event) to out. Reads only; st
 * and out are borrowed. Never writes a first name: students appear by issuer and
 * subject (and their group from the roster). Free-text answers are never printed. */
lk_status report_write(store *st, const char *event_id, report_format fmt, FILE *out) LK_MUST_CHECK;

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

/* The CSV header of the merged report (without newline): report_csv_header() with
 * the columns kiosk, kiosks and files appended; static string. */
const char *report_merge_csv_header(void);

/* Writes the merged report of event_id (an event id or its activity IRI; NULL or ""
 * = every event): the sections of report_write (per event, per kind of activity, per
 * student, per competency) counted over the merged statements, plus the kiosks and
 * files that contributed. Reads only; m and out are borrowed. */
lk_status report_merge_write(report_merge *m, const char *event_id, report_format fmt,
                             FILE *out) LK_MUST_CHECK;

#endif
