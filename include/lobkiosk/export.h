/* Exports of the kiosk's records for schools without an LRS (a USB stick): CSV for
 * a Dutch spreadsheet, JSON Lines, or the xAPI statements themselves. The source is
 * the outbox, so an export holds exactly what the LRS would have received. */
#ifndef LOBKIOSK_EXPORT_H
#define LOBKIOSK_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lobkiosk/config.h"
#include "lobkiosk/status.h"
#include "lobkiosk/store.h"

typedef enum export_format {
    EXPORT_CSV = 0,   /* ';'-separated, UTF-8 with BOM, CRLF, local "YYYY-MM-DD HH:MM:SS" */
    EXPORT_JSONL = 1, /* one flat JSON record a line, same columns as CSV */
    EXPORT_XAPI = 2,  /* a JSON array of the xAPI statements as sent to an LRS */
} export_format;

/* "csv", "jsonl" or "xapi" -> *out. LK_ERR_INVALID otherwise. */
lk_status export_format_parse(const char *s, export_format *out) LK_MUST_CHECK;

/* The one SQL statement an export of fmt runs over the outbox (parameters: since_ms,
 * the highest id), for tests that check its query plan. A static string. */
const char *export_sql(export_format fmt);

/* Writes every record created at or after since_ms (0 = all) to f in outbox order.
 * st and f are borrowed. *out_n (may be NULL) receives the number of records. */
lk_status export_write(store *st, export_format fmt, int64_t since_ms, FILE *f,
                       size_t *out_n) LK_MUST_CHECK;

/* export_write into path, atomically and with mode 0600 (the records are about
 * minors). Opens its own store handle from cfg. */
lk_status export_to_file(const config *cfg, export_format fmt, int64_t since_ms,
                         const char *path, size_t *out_n) LK_MUST_CHECK;

/* Rows written so far, every EXPORT_PROGRESS_EVERY rows and once at the end; called
 * on the exporting thread. */
typedef void (*export_progress_fn)(size_t done, void *user);
#define EXPORT_PROGRESS_EVERY 500

/* export_to_file with progress (may be NULL). The rows come from one read snapshot
 * (WAL) on a connection of its own, which takes no write lock: check-ins go on
 * while it runs. The target is replaced (temporary file made with mkstemp beside it,
 * fsync, rename, fsync of the folder), never written through: LK_ERR_PERMISSION when
 * it is a symlink or not a regular file. */
lk_status export_to_file_progress(const config *cfg, export_format fmt, int64_t since_ms,
                                  const char *path, size_t *out_n, export_progress_fn progress,
                                  void *user) LK_MUST_CHECK;

/* The folder the admin's export writes to, into out: cfg->usb_mount ([kiosk]
 * usb_mount, default LK_USB_MOUNT) when a removable device (USB, or "removable" in
 * sysfs) is mounted right there and it is writable; or the folder LOBKIOSK_USB_ROOT
 * names (tests, no device check). Never a symlink. LK_ERR_NOT_FOUND when nothing is
 * mounted there; LK_ERR_PERMISSION (a message on stderr) when what is there is not a
 * removable device, not a real folder or not writable. */
lk_status export_usb_target(const config *cfg, char *out, size_t len) LK_MUST_CHECK;

/* Percent done (0..100) of the admin's export; on the exporting thread. */
typedef void (*export_usb_progress_fn)(int percent, void *user);

/* The admin's export onto the USB stick (export_usb_target): two files,
 * lobkiosk-<kiosk_id>-<YYYYMMDD>.csv for a spreadsheet and .json (xAPI) for
 * `lobkiosk report --from`, each as export_to_file_progress writes them.
 * LK_ERR_NOT_FOUND when no stick is mounted; other errors with a message on stderr.
 * Blocks for the time of the export: the kiosk's screen uses export_job_start. */
lk_status export_to_usb_progress(const config *cfg, int64_t now_ms, export_usb_progress_fn progress,
                                 void *user) LK_MUST_CHECK;
lk_status export_to_usb(const config *cfg, int64_t now_ms) LK_MUST_CHECK;

/* The admin's export on a thread of its own, so the screen keeps drawing and
 * shows the progress. cfg is borrowed and must outlive the job. NULL when the
 * thread cannot start. Any thread may start, poll and finish a job; one owner. */
typedef struct export_job export_job;
export_job *export_job_start(const config *cfg, int64_t now_ms);

/* *percent (may be NULL) gets how far it is. true while it runs; false when it is
 * done, with *result (may be NULL) its outcome as export_to_usb returns it. */
bool export_job_poll(export_job *j, int *percent, lk_status *result);

/* Waits for the job to end, frees it and returns its outcome. */
lk_status export_job_finish(export_job *j);

#endif
