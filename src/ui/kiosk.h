/* The kiosk program: one SDL window, the screen flow, and the threads beside it
 * (scanner, sync). Runs until an admin leaves kiosk mode, a script says quit, or
 * SIGTERM/SIGINT arrives. See docs/kiosk.md for the test hooks. */
#ifndef LOBKIOSK_UI_KIOSK_H
#define LOBKIOSK_UI_KIOSK_H

#include <stdbool.h>

#include "lobkiosk/config.h"

typedef struct kiosk_options {
    int width, height;     /* window size; 0 = [ui] width/height or the screen */
    const char *script;    /* script file (LOBKIOSK_SCRIPT), NULL = none */
    bool latency;          /* print "scan-to-frame MS" for each scan (bench) */
    bool no_threads;       /* no scanner and no sync thread (tests, bench) */
} kiosk_options;

/* Runs the kiosk on cfg (borrowed; the admin screen may change its event_id).
 * Returns 0 when it ended normally, 1 when a script check failed, 3 on a start-up
 * error (message on stderr). */
int kiosk_run(config *cfg, const kiosk_options *opt);

#endif
