/* Clock state: synchronised or not, boot id and boot time. See clock.h. */
#include "lobkiosk/clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lobkiosk/util.h"

static bool (*probe_fn)(void);

static bool real_probe(void)
{
    const char *force = getenv("LOBKIOSK_CLOCK_SYNC");
    if (force && *force)
        return strcmp(force, "yes") == 0 || strcmp(force, "1") == 0;
    /* A fake clock (tests, demos) is exact by definition. */
    const char *fake = getenv("LOBKIOSK_FAKE_NOW");
    if (fake && *fake)
        return true;
    /* systemd-timesyncd touches this file once it has synchronised (since
     * systemd 239); it lives in /run, so it is gone after a reboot. */
    if (access("/run/systemd/timesync/synchronized", F_OK) == 0)
        return true;
    /* chrony and ntpd keep the kernel's flag up to date. */
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    int state = adjtimex(&tx);
    return state != -1 && state != TIME_ERROR && !(tx.status & STA_UNSYNC);
}

void clock_set_probe(bool (*probe)(void))
{
    probe_fn = probe;
}

bool clock_synced(void)
{
    return probe_fn ? probe_fn() : real_probe();
}

static void read_boot_id(char *buf, size_t len)
{
    lk_strlcpy(buf, "unknown", len);
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (!f)
        return;
    char line[64];
    if (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0])
            lk_strlcpy(buf, line, len);
    }
    fclose(f);
}

void clock_read(lk_clock *out)
{
    memset(out, 0, sizeof *out);
    out->synced = clock_synced();
    out->wall_ms = lk_now_ms();
    const char *fake_now = getenv("LOBKIOSK_FAKE_NOW");
    const char *fake_boot = getenv("LOBKIOSK_FAKE_BOOT_MS");
    long long fb = 0;
    if ((fake_boot && *fake_boot && sscanf(fake_boot, "%lld", &fb) == 1) ||
        (fake_now && *fake_now)) {
        /* A fake clock: one fake boot whose clock runs with the fake wall clock
         * unless the test gives it. */
        lk_strlcpy(out->boot_id, "fake", sizeof out->boot_id);
        out->boot_ms = fake_boot && *fake_boot ? (int64_t)fb : out->wall_ms;
        return;
    }
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    out->boot_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    read_boot_id(out->boot_id, sizeof out->boot_id);
}

/* Runs argv; returns its exit status, 127 when it could not be started. */
static int run(char *const argv[])
{
    pid_t pid = fork();
    if (pid < 0)
        return 127;
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 127;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 126;
}

lk_status clock_set_wall(int64_t ms, char *msg, size_t len)
{
    if (msg && len)
        msg[0] = '\0';
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (ms <= 0 || !localtime_r(&t, &tm))
        return LK_ERR_INVALID;
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    const char *cmd = getenv("LOBKIOSK_SET_TIME_CMD");
    if (!(cmd && *cmd)) {
        /* The clock itself: the service grants CAP_SYS_TIME and nothing more. This
         * works with network time switched on, which timedatectl refuses. */
        struct timespec ts = {.tv_sec = t, .tv_nsec = (long)(ms % 1000) * 1000000L};
        if (clock_settime(CLOCK_REALTIME, &ts) == 0)
            return LK_OK;
        if (errno != EPERM) {
            if (msg)
                snprintf(msg, len, "clock_settime: %s", strerror(errno));
            return LK_ERR_IO;
        }
    }
    /* Without the capability: timedatectl, through polkit. */
    char *argv[] = {(char *)(cmd && *cmd ? cmd : "timedatectl"), "set-time", when, NULL};
    int rc = run(argv);
    if (rc == 0)
        return LK_OK;
    if (msg)
        snprintf(msg, len, "%s set-time exited with %d", argv[0], rc);
    /* timedatectl says "Access denied" (polkit) or "Automatic time
     * synchronization is enabled" with status 1. */
    return rc == 1 ? LK_ERR_PERMISSION : LK_ERR_IO;
}
