/* Small helpers shared by all modules: time, UUIDs, bounded string copies,
 * strict integer parsing and file helpers. No SDL, no SQLite. */
#ifndef LOBKIOSK_UTIL_H
#define LOBKIOSK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lobkiosk/status.h"

/* Wall-clock time in milliseconds since the Unix epoch, from the clock seam:
 * the system clock unless lk_clock_set() or lk_clock_from_env() chose another.
 * Any thread. */
int64_t lk_now_ms(void);

/* A wall clock: milliseconds since the Unix epoch. */
typedef int64_t (*lk_clock_fn)(void);

/* Sets the clock lk_now_ms() reads (NULL: the system clock). Call once at start,
 * before any thread runs (tests: between cases); it takes no lock. */
void lk_clock_set(lk_clock_fn fn);

/* Reads the environment variable LOBKIOSK_FAKE_NOW once (ISO 8601, e.g.
 * 2026-11-28T10:32:00+01:00): set, lk_now_ms() stands still at that moment, so
 * tests and demos run at a fixed time; unset, the system clock. LK_ERR_INVALID
 * (and the system clock) when it is set but not a time. main() calls it at start;
 * the rules of lk_clock_set() apply. */
lk_status lk_clock_from_env(void);

/* Monotonic milliseconds, for timeouts and benchmarks. */
int64_t lk_mono_ms(void);

/* Formats ms-since-epoch as ISO 8601 with the local UTC offset and milliseconds,
 * e.g. "2026-11-28T10:32:00.123+01:00". buf needs at least 32 bytes. */
void lk_format_iso8601(int64_t ms, char *buf, size_t len);

/* Parses ISO 8601 date-time with offset ("2026-11-28T09:00+01:00",
 * "2026-11-28T09:00:00Z", seconds and fraction optional) or a plain local
 * "2026-11-28T09:00". Writes ms since epoch to *out_ms. */
lk_status lk_parse_iso8601(const char *s, int64_t *out_ms) LK_MUST_CHECK;

/* Local calendar date of ms-since-epoch as YYYYMMDD (an integer like 20261128). */
int lk_local_yyyymmdd(int64_t ms);

/* Local "HH:MM" of ms-since-epoch. buf needs 6 bytes. */
void lk_format_hhmm(int64_t ms, char *buf, size_t len);

/* A random version-4 UUID in canonical lower-case form; buf needs 37 bytes. */
void lk_uuid4(char *buf, size_t len);

/* Copies src into dst of size len, always NUL-terminated. Returns false when
 * src did not fit (dst then holds a truncated copy). */
bool lk_strlcpy(char *dst, const char *src, size_t len);

/* Parses a whole decimal integer within [min, max]; no trailing junk. */
lk_status lk_parse_long(const char *s, long min, long max, long *out) LK_MUST_CHECK;

/* Reads a whole file into a NUL-terminated heap buffer (free with free()).
 * *out_len (may be NULL) receives the length without the NUL. */
lk_status lk_read_file(const char *path, char **out, size_t *out_len) LK_MUST_CHECK;

/* fsyncs the folder that holds path, so a rename or a new file in it survives a
 * power cut (a folder that cannot be fsynced, e.g. on vfat, is not an error). */
lk_status lk_fsync_parent(const char *path) LK_MUST_CHECK;

/* Writes data to path atomically with the given mode: a temporary file with an
 * unpredictable name made exclusively in path's folder (mkstemp), fsync, rename over
 * path (or link, with exclusive), fsync of the folder. Never follows or writes
 * through a symlink: LK_ERR_PERMISSION when path is a symlink or anything but a
 * regular file. With exclusive set, fails with LK_ERR_EXISTS when path exists. */
lk_status lk_write_file(const char *path, const void *data, size_t len, unsigned mode,
                        bool exclusive) LK_MUST_CHECK;

/* Opens a secret file (a key, credentials) for reading and checks, on the open
 * descriptor, that it is a regular file, not a symlink, and that neither group nor
 * others have any access: LK_ERR_PERMISSION otherwise (also for a symlink),
 * LK_ERR_NOT_FOUND when missing. *out_fd is the caller's to close. */
lk_status lk_open_private(const char *path, int *out_fd) LK_MUST_CHECK;

/* True when data[0..n) is strict UTF-8: no overlong forms, no surrogates, nothing
 * above U+10FFFF. NULs count as valid characters (callers that forbid them check). */
bool lk_utf8_valid(const void *data, size_t n);

/* Makes foreign text (an LRS answer, a device or file name, a value from a file)
 * safe for one log line: control characters (ESC, CR, LF, TAB, DEL, NUL), C1
 * controls and bytes that are not UTF-8 become \xHH, \r, \n or \t; readable UTF-8
 * stays as it is. Writes into out (len bytes, always NUL-terminated unless len is 0)
 * and returns false when the text was cut (at a whole character or escape). A NULL
 * in gives "". Any thread may call. */
bool lk_log_escape(const char *in, char *out, size_t len);

/* The same for n bytes that may hold NULs (an HTTP body). */
bool lk_log_escape_n(const void *in, size_t n, char *out, size_t len);

/* Joins dir and name with one '/' into buf. Returns false on truncation. */
bool lk_path_join(char *buf, size_t len, const char *dir, const char *name);

/* Creates a directory and its parents (mode 0755 unless given). */
lk_status lk_mkdirs(const char *path, unsigned mode) LK_MUST_CHECK;

#endif
