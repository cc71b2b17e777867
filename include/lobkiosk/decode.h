/* The QR decoder: ZBar plus cheap preprocessing passes (scale, contrast, inverted
 * codes, regions of interest), cheapest first, stopping at the first pass that
 * finds a code. Skips frames whose scene has not changed; in video mode a cheap
 * finder-pattern check decides how much ZBar a frame gets. QR only. */
#ifndef LOBKIOSK_DECODE_H
#define LOBKIOSK_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/framesrc.h"
#include "lobkiosk/status.h"

#define DECODE_RAW_MAX 3072     /* bytes: the largest QR code holds 2953 */
#define DECODE_TEXT_MAX 4608    /* UTF-8 text of the raw bytes, NUL included */
#define DECODE_MAX_SYMBOLS 4    /* codes reported per frame */

/* A point in frame coordinates (pixels of the frame given to the decoder). */
typedef struct lk_point {
    int x, y;
} lk_point;

/* One QR code found. */
typedef struct decode_symbol {
    char text[DECODE_TEXT_MAX];        /* UTF-8, NUL-terminated (Shift-JIS converted) */
    size_t text_len;                   /* bytes of text without the NUL */
    unsigned char raw[DECODE_RAW_MAX]; /* the bytes as stored in the code */
    size_t raw_len;                    /* bytes in raw */
    bool text_converted;               /* text differs from raw (character set converted) */
    lk_point corners[4];               /* outline of the code, in order around it */
} decode_symbol;

/* The outcome of one decoder_scan(). */
typedef struct decode_result {
    bool skipped;              /* scene unchanged since it was fully scanned: nothing was
                                  scanned and n is 0 (the previous answer still holds) */
    size_t n;                  /* codes found, 0..DECODE_MAX_SYMBOLS */
    decode_symbol sym[DECODE_MAX_SYMBOLS]; /* the codes, sym[0] is the largest */
    const char *pass;          /* name of the pass that found them, or of the last pass
                                  tried ("region", "half", "full", "inverted", ...);
                                  static */
    int passes_run;            /* passes tried on this frame */
    bool finders;              /* video mode: the frame shows finder patterns of a
                                  code (then ZBar reads the region around them, and
                                  the whole frame when that finds nothing) */
} decode_result;

/* How much work a scan may do. */
typedef enum decode_mode {
    DECODE_VIDEO = 0, /* kiosk: skip unchanged scenes, spread the costly passes over
                         consecutive frames of the same scene */
    DECODE_STILL = 1, /* one image: every pass in order until one finds a code */
} decode_mode;

typedef struct decoder decoder;

/* A decoder with its own ZBar scanner; not thread-safe, one per thread.
 * NULL when out of memory. Free with decoder_destroy(). */
decoder *decoder_create(decode_mode mode);

/* Accepts NULL. */
void decoder_destroy(decoder *dec);

/* Forgets the last scene, so the next frame is scanned in full. */
void decoder_reset(decoder *dec);

/* Scans one frame (its grey plane; borrowed for the call only). *out is
 * overwritten (it is large: keep it off small stacks). LK_OK also when nothing
 * was found (out->n == 0); LK_ERR_INVALID for NULL or a frame without pixels;
 * LK_ERR_NOMEM. */
lk_status decoder_scan(decoder *dec, const lk_frame *frame, decode_result *out) LK_MUST_CHECK;

/* Converts the raw bytes of a code to UTF-8 text: valid UTF-8 is kept; bytes that
 * are valid Shift-JIS (and not UTF-8) are converted; anything else is read as
 * ISO-8859-1. Writes at most text_len bytes including the NUL. Returns true when
 * the text differs from the bytes. Exposed for tests. */
bool decode_bytes_to_utf8(const unsigned char *raw, size_t raw_len, char *text, size_t text_len,
                          size_t *out_len);

#endif
