/* Reads a keyboard-wedge barcode scanner straight from its evdev device with an
 * exclusive grab (EVIOCGRAB), so its keystrokes reach nothing else, translates key
 * codes with the configured layout (us, nl) and feeds the wedge assembler.
 * A device that disappears is reopened by itself. */
#ifndef LOBKIOSK_EVDEV_H
#define LOBKIOSK_EVDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/status.h"
#include "lobkiosk/wedge.h"

typedef struct evdev evdev;

/* Opens path (e.g. /dev/input/by-id/usb-...-event-kbd) with layout "us" or "nl"
 * ("" = "us"). A missing device is not an error: evdev_pump() retries every ~2 s.
 * NULL on a bad argument (unknown layout) or out of memory, message in err.
 * path is copied. Free with evdev_close(). */
evdev *evdev_open(const char *path, const char *layout, char *err, size_t err_len);

/* Accepts NULL; releases the grab. */
void evdev_close(evdev *ev);

/* Reads the pending key events (waits at most timeout_ms, 0 = do not wait) and
 * feeds the characters to w with their event times on the lk_mono_ms() clock.
 * LK_OK, LK_ERR_TIMEOUT (nothing read), LK_ERR_DEVICE (missing; retried later). */
lk_status evdev_pump(evdev *ev, wedge *w, int timeout_ms) LK_MUST_CHECK;

/* True while the device is open and grabbed. */
bool evdev_connected(const evdev *ev);

/* The character a Linux key code (KEY_*) types on layout "us" or "nl" with or
 * without shift; '\n' for Enter, '\t' for Tab, 0 for keys that type nothing we use. */
char evdev_key_char(unsigned code, bool shift, const char *layout);

#endif
