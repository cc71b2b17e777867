/* Whether the system clock can be trusted. A Raspberry Pi has no real-time clock:
 * it boots with the last saved time and, offline, stays wrong. The kiosk asks
 * here whether the clock is synchronised (systemd-timesyncd's
 * /run/systemd/timesync/synchronized, else the kernel's STA_UNSYNC flag from
 * adjtimex, which chrony and ntpd clear), and which boot and CLOCK_BOOTTIME it
 * is, so records made on an unsynchronised clock can be corrected once the
 * clock is synchronised later in the same boot.
 *
 * Test seams (environment): LOBKIOSK_CLOCK_SYNC=yes|no overrides the probe;
 * with LOBKIOSK_FAKE_NOW set the clock counts as synchronised (unless
 * LOBKIOSK_CLOCK_SYNC=no), the boot is "fake" and its clock follows the fake
 * wall clock unless LOBKIOSK_FAKE_BOOT_MS gives it. Unit tests can also replace
 * the probe with clock_set_probe(). Any thread may call these. */
#ifndef LOBKIOSK_CLOCK_H
#define LOBKIOSK_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/status.h"

#define CLOCK_BOOT_ID_MAX 40 /* a boot id (36 characters) and its NUL */

typedef struct lk_clock {
    bool synced;                     /* the wall clock is synchronised */
    int64_t wall_ms;                 /* lk_now_ms() */
    int64_t boot_ms;                 /* CLOCK_BOOTTIME: counts on in suspend */
    char boot_id[CLOCK_BOOT_ID_MAX]; /* /proc/sys/kernel/random/boot_id */
} lk_clock;

/* Reads all four at once. */
void clock_read(lk_clock *out);

/* Only the synchronised state (cheap: one access() or one adjtimex()). */
bool clock_synced(void);

/* Replaces the probe (NULL: the real one again). For unit tests. */
void clock_set_probe(bool (*probe)(void));

/* Sets the system clock to ms (admin screen): clock_settime() (the service grants
 * CAP_SYS_TIME), else `timedatectl set-time` (polkit). LOBKIOSK_SET_TIME_CMD
 * replaces timedatectl and skips clock_settime (tests must not set the machine's
 * clock). LK_ERR_PERMISSION when neither may set it, LK_ERR_IO when it failed
 * otherwise; msg says what happened. */
lk_status clock_set_wall(int64_t ms, char *msg, size_t len);

#endif
