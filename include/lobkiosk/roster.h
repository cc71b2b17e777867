/* Roster import: a school's CSV list of students (subject, first name, group) into
 * the store, so the welcome screen can greet a student by first name. Includes a
 * small strict CSV reader (RFC 4180 quoting, ';' or ',' from the header, UTF-8 with
 * or without BOM, CRLF or LF). First names never appear in messages. */
#ifndef LOBKIOSK_ROSTER_H
#define LOBKIOSK_ROSTER_H

#include <stddef.h>
#include <stdio.h>

#include "lobkiosk/config.h"
#include "lobkiosk/status.h"
#include "lobkiosk/store.h"

#define ROSTER_FIELD_MAX 256            /* longest field the reader keeps, in bytes */
#define ROSTER_FIELDS_MAX 32            /* columns the reader keeps */
#define ROSTER_FILE_MAX (16L << 20)     /* largest file imported (a school is ~100 KB) */

/* What an import did. */
typedef struct roster_stats {
    size_t imported;  /* good rows written */
    size_t inserted;  /* of those, new students */
    size_t updated;   /* of those, students already known (updated in place) */
    size_t skipped;   /* bad rows, each reported by line number */
} roster_stats;

/* The issuer of a roster file without an issuer column: the only issuer cfg trusts
 * (demo issuers count in a demo config). Writes its code to buf. LK_ERR_NOT_FOUND
 * when none is trusted, LK_ERR_EXISTS when several are (then ask for --issuer). */
lk_status roster_default_issuer(const config *cfg, char *buf, size_t len) LK_MUST_CHECK;

/* Imports CSV text into st: good rows in one transaction (insert or update, never
 * a duplicate), bad rows reported to report (may be NULL) as "line N: why" and
 * skipped. data is borrowed and may contain NUL bytes; len is its length. issuer
 * (may be NULL or "") is used for rows without an issuer column or value. *out is
 * filled even on failure. LK_ERR_INVALID when the header lacks a required column
 * or rows have no issuer; store errors as they come (nothing is then written). */
lk_status roster_import(store *st, const char *data, size_t len, const char *issuer,
                        FILE *report, roster_stats *out) LK_MUST_CHECK;

/* Reads path (at most ROSTER_FILE_MAX bytes) and imports it as roster_import does. */
lk_status roster_import_file(store *st, const char *path, const char *issuer, FILE *report,
                             roster_stats *out) LK_MUST_CHECK;

#endif
