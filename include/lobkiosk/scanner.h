/* The scanner thread: pulls frames from a frame source, runs the decoder on them
 * and keeps the newest found code, the newest preview frame and the camera state
 * for the UI, each behind one mutex. It sleeps on the source's timing, never spins. */
#ifndef LOBKIOSK_SCANNER_H
#define LOBKIOSK_SCANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/config.h"
#include "lobkiosk/decode.h"
#include "lobkiosk/framesrc.h"
#include "lobkiosk/status.h"

/* A code the camera saw. */
typedef struct scanner_hit {
    uint64_t id;                 /* increases with every hit, starting at 1 */
    char text[DECODE_TEXT_MAX];  /* UTF-8 payload, NUL-terminated */
    size_t text_len;             /* bytes of text */
    lk_point corners[4];         /* outline of the code in frame pixels */
    int frame_w, frame_h;        /* size of the frame the corners refer to */
    int64_t t_ms;                /* lk_mono_ms() when it was decoded */
} scanner_hit;

/* Counters, for the status line and the logs. */
typedef struct scanner_stats {
    uint64_t frames;    /* frames received */
    uint64_t scanned;   /* frames the decoder looked at */
    uint64_t skipped;   /* frames skipped as unchanged */
    uint64_t gated;     /* frames scanned by the finder gate alone (no ZBar pass):
                           nothing code-like in a scene still being watched */
    uint64_t hits;      /* codes found */
} scanner_stats;

typedef struct scanner scanner;

/* Opens the frame source named in cam and starts the thread. A missing camera is
 * not an error (the state says FRAMESRC_NOT_FOUND until it comes back). NULL on a
 * bad configuration or when the thread cannot start, message in err. cam is copied.
 * Stop with scanner_stop(). */
scanner *scanner_start(const config_camera *cam, char *err, size_t err_len);

/* Same with a source made by the caller; takes ownership of src (closed by
 * scanner_stop(), or here on failure). */
scanner *scanner_start_source(framesrc *src, char *err, size_t err_len);

/* Copies the newest hit with an id above after_id into *out and returns true;
 * false when there is none. A hit is reported once per appearance of a code: the
 * same text seen again in consecutive frames is not a new hit until the code has
 * been out of sight for a moment. */
bool scanner_take_hit(scanner *s, uint64_t after_id, scanner_hit *out);

/* The camera's state now (FRAMESRC_NONE for NULL). */
framesrc_state scanner_camera_state(scanner *s);

/* Locks and returns the newest frame for the preview as the source made it: grey
 * always, rgb only from a source that made RGB (else NULL); width 0 when no frame
 * came yet. The frame is borrowed until scanner_preview_unlock(), which
 * must follow soon: the thread waits for it. NULL for NULL s (then no unlock). */
const lk_frame *scanner_preview_lock(scanner *s);
void scanner_preview_unlock(scanner *s);

/* Counters so far; zeros for NULL. */
scanner_stats scanner_get_stats(scanner *s);

/* Stops the thread and closes the source. Accepts NULL. */
void scanner_stop(scanner *s);

#endif
