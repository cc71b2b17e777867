/* The keyboard-wedge assembler: a USB barcode scanner "types" the payload as key
 * presses. This pure module turns timed characters into payloads and tells a
 * scanner from a person by timing. No I/O: the UI feeds it SDL text input, or
 * evdev.c feeds it keys from a grabbed device. */
#ifndef LOBKIOSK_WEDGE_H
#define LOBKIOSK_WEDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/status.h"

#define WEDGE_MAX_LEN 512       /* longest payload assembled; longer bursts are dropped */
#define WEDGE_QUEUE 4           /* finished payloads kept until polled */

/* Timing rules. Zero fields take the defaults below. */
typedef struct wedge_config {
    int end_timeout_ms; /* silence that ends a payload typed without suffix (default 100) */
    int avg_gap_max_ms; /* mean gap between keys of a scanner burst at most (default 35) */
    size_t min_len;     /* shorter bursts are a person pressing keys (default 4) */
} wedge_config;

#define WEDGE_DEFAULT_END_TIMEOUT_MS 100
#define WEDGE_DEFAULT_AVG_GAP_MAX_MS 35
#define WEDGE_DEFAULT_MIN_LEN 4

typedef struct wedge wedge;

/* A new assembler; cfg may be NULL (defaults) and is copied. NULL when out of
 * memory. Free with wedge_destroy(). */
wedge *wedge_create(const wedge_config *cfg);

/* Accepts NULL. */
void wedge_destroy(wedge *w);

/* One typed character at t_ms (any monotonic millisecond clock, the same for every
 * call, e.g. SDL's event timestamp or lk_mono_ms()). '\r', '\n' and '\t' end a
 * payload; other control characters are ignored. Times going backwards are
 * treated as a gap of 0. NULL w is ignored. */
void wedge_key(wedge *w, char c, int64_t t_ms);

/* Feeds every byte of a NUL-terminated string (an SDL_TEXTINPUT event) at t_ms. */
void wedge_text(wedge *w, const char *s, int64_t t_ms);

/* Ends a burst whose silence has lasted end_timeout_ms at now_ms, and hands out the
 * oldest finished payload: copies it (NUL-terminated) into out and returns true.
 * Returns false when none is ready, or when it does not fit in out (then it is
 * dropped). Bursts that look typed by a person are never returned.
 * A scanner burst comes out upper-cased (ASCII a-z only): a wedge scanner types
 * under the host's Caps Lock state, so with Caps Lock on it delivers "lob1.00aa..."
 * for "LOB1.00AA...". The pass alphabet (QR alphanumeric: A-Z, 0-9 and a few
 * signs) has no lower case, so nothing is lost; a person typing is not a scanner
 * burst and never comes out here. */
bool wedge_poll(wedge *w, int64_t now_ms, char *out, size_t out_len);

/* True while a burst is being assembled (the UI may hold back key handling). */
bool wedge_busy(const wedge *w);

#endif
