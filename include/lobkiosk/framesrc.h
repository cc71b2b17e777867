/* Frame sources: where camera frames come from. One small table of function
 * pointers, several implementations: a V4L2 camera, a folder of images played as
 * frames (demo and tests) and none (a kiosk with only a USB barcode scanner). */
#ifndef LOBKIOSK_FRAMESRC_H
#define LOBKIOSK_FRAMESRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/config.h"
#include "lobkiosk/status.h"

/* One frame. The planes belong to the source and stay valid until the next
 * framesrc_next() or framesrc_close() on the same source. */
typedef struct lk_frame {
    int width, height;      /* pixels */
    const uint8_t *grey;    /* width*height bytes, 8-bit luma, rows packed (stride = width) */
    const uint8_t *rgb;     /* width*height*3 bytes RGB24 for the preview, or NULL */
    int64_t t_ms;           /* capture time, lk_mono_ms() clock */
    uint64_t seq;           /* frame number since the source was opened */
} lk_frame;

/* What the idle screen says about the camera. */
typedef enum framesrc_state {
    FRAMESRC_OK = 0,        /* frames are coming */
    FRAMESRC_NOT_FOUND = 1, /* device (or folder) missing; retrying by itself */
    FRAMESRC_RECOVERING = 2,/* device is back and being opened, or it stalled */
    FRAMESRC_NONE = 3,      /* no camera configured (source = none) */
} framesrc_state;

/* Stable lower-case token of a state ("ok", "not_found", "recovering", "none"),
 * for logs and i18n keys (camera.<token>). Static string. */
const char *framesrc_state_token(framesrc_state st);

/* The seam: an implementation fills this table. impl is its private state. */
typedef struct framesrc_ops {
    const char *name; /* "v4l2", "folder", "none", or a test's name */
    /* Waits up to timeout_ms for the next frame. LK_OK: *out filled (buffers owned
     * by impl). LK_ERR_TIMEOUT: no frame yet. LK_ERR_DEVICE: the camera is missing;
     * the implementation retries by itself on later calls. Must not busy-wait. */
    lk_status (*next)(void *impl, lk_frame *out, int timeout_ms);
    /* Current state (see framesrc_state). */
    framesrc_state (*state)(void *impl);
    /* Frees impl and everything it holds. */
    void (*close)(void *impl);
    /* Optional (may be NULL): what the source negotiated, one line for a person
     * ("YUYV 640x480 from /dev/video0"), written into buf. */
    void (*describe)(void *impl, char *buf, size_t len);
} framesrc_ops;

typedef struct framesrc framesrc;

/* Opens the source named by cam->source ("v4l2", "command", "folder", "none";
 * "" = "none").
 * A missing camera device or folder is NOT an error: the source starts in
 * FRAMESRC_NOT_FOUND and keeps retrying (every ~2 s), so an unplugged camera never
 * stops the kiosk. Returns NULL only for a bad configuration (unknown source,
 * impossible size or fps) or out of memory, with a message in err (may be NULL).
 * cam is copied; the caller keeps ownership. Free with framesrc_close(). */
framesrc *framesrc_open(const config_camera *cam, char *err, size_t err_len);

/* Wraps an implementation (for tests, or a future source). Takes ownership of
 * impl: ops->close(impl) runs on framesrc_close(), and also here when NULL is
 * returned (out of memory). ops is borrowed and must outlive the source. */
framesrc *framesrc_from_ops(const framesrc_ops *ops, void *impl);

/* Next frame, waiting at most timeout_ms (>= 0). See framesrc_ops.next for the
 * results; LK_ERR_INVALID for NULL arguments. The frame's buffers are borrowed. */
lk_status framesrc_next(framesrc *src, lk_frame *out, int timeout_ms) LK_MUST_CHECK;

/* Current state; FRAMESRC_NONE for NULL. */
framesrc_state framesrc_get_state(const framesrc *src);

/* Name of the implementation ("v4l2", ...); "none" for NULL. Static or borrowed. */
const char *framesrc_name(const framesrc *src);

/* One line on what the source negotiated (pixel format, size, device or
 * command), into buf; the name alone when the source cannot tell. */
void framesrc_describe(const framesrc *src, char *buf, size_t len);

/* Closes the device / frees the images. Accepts NULL. */
void framesrc_close(framesrc *src);

/* Implementations, for framesrc_open() and tests. Each returns NULL only on a
 * bad argument or out of memory (message in err). */
/* V4L2: cam->device, width, height, fps, focus, exposure. */
framesrc *framesrc_v4l2_open(const config_camera *cam, char *err, size_t err_len);
/* A program (command, run with /bin/sh -c as the kiosk's user, in its own process
 * group) writing raw I420 frames of width x height to its stdout, as rpicam-vid
 * --codec yuv420 does. Its exit, a short frame or 3 s without one is an unplugged
 * camera: the program is stopped, reaped and started again every ~2 s. */
framesrc *framesrc_command_open(const char *command, int width, int height, int fps, char *err,
                                size_t err_len);
/* Plays the images of folder in name order at fps, looping; see docs/scanner.md
 * for holding an image for several frames. */
framesrc *framesrc_folder_open(const char *folder, int fps, char *err, size_t err_len);
framesrc *framesrc_none_open(void);

/* Grey out of a camera pixel format (a V4L2 fourcc): the per-frame conversion of
 * the v4l2 source, public so the benchmark measures the same code. */
#define FRAMESRC_FOURCC(a, b, c, d)                                                          \
    ((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | ((uint32_t)(d) << 24))
typedef struct framesrc_conv framesrc_conv;

/* Preference of a format: 0 is the cheapest grey (GREY), then YUYV, UYVY, the 4:2:0
 * formats, MJPEG/JPEG, RGB24/BGR24; -1 for a format we cannot read. */
int framesrc_conv_rank(uint32_t fourcc);

/* A converter for frames of width x height whose rows are bytesperline apart (0 or
 * too small: packed). NULL for an unknown format, a bad size or out of memory. */
framesrc_conv *framesrc_conv_create(uint32_t fourcc, int width, int height,
                                    size_t bytesperline);

/* Writes the width*height grey frame of src (used bytes) into grey. False when src
 * is not a whole frame: too short, or a JPEG that does not decode or is of another
 * size (a JPEG warning, such as a torn end, still counts as a frame). */
bool framesrc_conv_grey(framesrc_conv *c, const uint8_t *src, size_t used, uint8_t *grey);

/* True for MJPEG/JPEG (decoded by libjpeg-turbo). */
bool framesrc_conv_is_jpeg(const framesrc_conv *c);

/* Accepts NULL. */
void framesrc_conv_destroy(framesrc_conv *c);

/* Loads one image file (any format SDL2_image reads) into a frame whose grey
 * and rgb planes are heap buffers owned by the caller: free with
 * framesrc_frame_free(). Shared by the folder source and `lobkiosk decode`.
 * LK_ERR_NOT_FOUND / LK_ERR_IO / LK_ERR_INVALID, message in err. */
lk_status framesrc_load_image(const char *path, lk_frame *out, char *err,
                              size_t err_len) LK_MUST_CHECK;

/* Frees the planes of a frame made by framesrc_load_image(); accepts NULL and
 * zeroed frames. */
void framesrc_frame_free(lk_frame *frame);

#endif
