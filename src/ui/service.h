/* Talking to systemd when the kiosk runs as a Type=notify service: READY=1 once
 * the first frame is on the screen, WATCHDOG=1 from the main loop at half the
 * unit's WatchdogSec=, so a loop that hangs stops the keep-alives and systemd
 * restarts the kiosk instead of leaving a frozen screen. Without NOTIFY_SOCKET
 * (a terminal, the tests) every call does nothing.
 *
 * Ownership: one service per process, made and used on the UI thread only. */
#ifndef LOBKIOSK_UI_SERVICE_H
#define LOBKIOSK_UI_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct service service;

/* Reads the watchdog interval systemd passes (WATCHDOG_USEC, WATCHDOG_PID) and
 * takes those variables out of the environment, so a camera program the kiosk
 * starts does not inherit them. NULL only when out of memory. */
service *service_open(void);

/* READY=1 with a STATUS= line, once; later calls do nothing. */
void service_ready(service *s, const char *status);

/* WATCHDOG=1 when half the interval has passed since the last one (now_ms on
 * the lk_mono_ms clock). Call it from the main loop on every turn. */
void service_tick(service *s, int64_t now_ms);

/* When service_tick must run next (lk_mono_ms), INT64_MAX without a watchdog:
 * the loop wakes up in time even when nothing else happens. */
int64_t service_deadline(const service *s);

/* The keep-alive interval in ms, 0 = no watchdog (for logs and tests). */
int64_t service_interval_ms(const service *s);

/* STOPPING=1 and frees; accepts NULL. */
void service_close(service *s);

#endif
