/* Exports of the kiosk's records for schools without an LRS (a USB stick): CSV for
 * a Dutch spreadsheet, JSON Lines, or the xAPI statements themselves. The source is
 * the outbox, so an export holds exactly what the LRS would have received. */
#ifndef LOBKIOSK_EXPORT_H
#define LOBKIOSK_EXPORT_H

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

/* Writes every record created at or after since_ms (0 = all) to f in outbox order.
 * st and f are borrowed. *out_n (may be NULL) receives the number of records. */
lk_status export_write(store *st, export_format fmt, int64_t since_ms, FILE *f,
                       size_t *out_n) LK_MUST_CHECK;

/* export_write into path, atomically and with mode 0600 (the records are about
 * minors). Opens its own store handle from cfg. */
lk_status export_to_file(const config *cfg, export_format fmt, int64_t since_ms,
                         const char *path, size_t *out_n) LK_MUST_CHECK;

/* The admin's export onto a USB stick: a writable mount point of its own file
 * system directly below /media or /run/media (or /media/USER, /run/media/USER),
 * or the folder LOBKIOSK_USB_ROOT names (tests). Writes two files there,
 * lobkiosk-<kiosk_id>-<YYYYMMDD>.csv for a spreadsheet and .json (xAPI) for
 * `lobkiosk report --from`. LK_ERR_NOT_FOUND when no stick is mounted; other
 * errors with a message on stderr. Blocks for the time of the export. */
lk_status export_to_usb(const config *cfg, int64_t now_ms) LK_MUST_CHECK;

#endif
