/* Roster import: a school's CSV list of students (subject, first name, group) into
 * the store, so the welcome screen can greet a student by first name, and into
 * memory for printing passes. Includes a small strict CSV reader (RFC 4180 quoting,
 * ';', ',' or TAB from the header, CRLF or LF) and the encodings schools export:
 * UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text") and
 * Windows-1252 (Excel's classic CSV), converted with iconv. Column names as Dutch
 * school administrations write them (Stamnr, Leerlingnummer, Roepnaam, Klas, ...)
 * in any case. First names never appear in messages. */
#ifndef LOBKIOSK_ROSTER_H
#define LOBKIOSK_ROSTER_H

#include <stddef.h>
#include <stdio.h>

#include "lobkiosk/config.h"
#include "lobkiosk/status.h"
#include "lobkiosk/store.h"

#define ROSTER_FIELD_MAX 256        /* longest field the reader keeps, in bytes */
#define ROSTER_FIELDS_MAX 32        /* columns the reader keeps */
#define ROSTER_FILE_MAX (16L << 20) /* largest file imported (a school is ~100 KB) */
#define ROSTER_SKIPPED_LINES_MAX 64 /* skipped line numbers kept in roster_stats */

/* The encoding a roster file was read in. */
typedef enum roster_encoding {
    ROSTER_ENC_UTF8 = 0,     /* UTF-8 without BOM (also plain ASCII) */
    ROSTER_ENC_UTF8_BOM = 1, /* UTF-8 with BOM (Excel's "CSV UTF-8") */
    ROSTER_ENC_UTF16LE = 2,  /* UTF-16 little endian with BOM (Excel's "Unicode text") */
    ROSTER_ENC_UTF16BE = 3,  /* UTF-16 big endian with BOM */
    ROSTER_ENC_CP1252 = 4,   /* Windows-1252 (Excel's classic CSV on Windows) */
} roster_encoding;

/* A short English name of e ("Windows-1252 (Excel CSV)"); static string. */
const char *roster_encoding_name(roster_encoding e);

/* Detects the encoding of data[0..len) and converts it to UTF-8: a BOM decides
 * (UTF-8, UTF-16 LE/BE); without one, text that is (mostly) well-formed UTF-8 is
 * UTF-8 (a bad line is left for the row check to report), else Windows-1252.
 * *out (caller frees with free(); NUL-terminated, *out_len without the NUL) holds the
 * text without BOM. LK_ERR_INVALID when the bytes are none of these (a NUL in the
 * header line, a byte Windows-1252 does not define, broken UTF-16): *bad_line is
 * then the line of the first bad byte. *enc is set in every case. */
lk_status roster_to_utf8(const char *data, size_t len, char **out, size_t *out_len,
                         roster_encoding *enc, long *bad_line) LK_MUST_CHECK;
/* What an import did. */
typedef struct roster_stats {
    size_t imported; /* good rows written */
    size_t inserted; /* of those, new students */
    size_t updated;  /* of those, students already known (updated in place) */
    size_t skipped;  /* bad rows, each reported by line number */
    long skipped_lines[ROSTER_SKIPPED_LINES_MAX]; /* the first skipped rows' lines */
    const char *encoding; /* roster_encoding_name() of the file, static; "" when unread */
} roster_stats;

/* One good row of a roster read into memory. */
typedef struct roster_row {
    store_person person; /* issuer, subject, first name, group */
    long line;           /* the line it was read from */
} roster_row;

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
lk_status roster_import(store *st, const char *data, size_t len, const char *issuer, FILE *report,
                        roster_stats *out) LK_MUST_CHECK;

/* Reads path (at most ROSTER_FILE_MAX bytes) and imports it as roster_import does. */
lk_status roster_import_file(store *st, const char *path, const char *issuer, FILE *report,
                             roster_stats *out) LK_MUST_CHECK;

/* Reads a roster into memory (for passes), by the rules of roster_import: a subject
 * that comes twice keeps its last row. *out_rows (caller frees with free()) holds
 * *out_n rows in file order. LK_ERR_INVALID as roster_import. */
lk_status roster_read(const char *data, size_t len, const char *issuer, FILE *report,
                      roster_row **out_rows, size_t *out_n, roster_stats *out) LK_MUST_CHECK;

/* Reads path (at most ROSTER_FILE_MAX bytes) as roster_read does. */
lk_status roster_read_file(const char *path, const char *issuer, FILE *report,
                           roster_row **out_rows, size_t *out_n, roster_stats *out) LK_MUST_CHECK;

#endif
