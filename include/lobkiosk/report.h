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

#endif
