/* sd_notify for the kiosk's main loop. See service.h. */
#include "ui/service.h"

#include <stdlib.h>
#include <systemd/sd-daemon.h>

struct service {
    bool ready;          /* READY=1 sent */
    int64_t interval_ms; /* keep-alive every this many ms, 0 = no watchdog */
    int64_t next_ms;     /* next keep-alive due (lk_mono_ms), 0 = at once */
};

service *service_open(void)
{
    service *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    uint64_t usec = 0;
    /* > 0: the watchdog is meant for this process; 1 = unset the variables. */
    if (sd_watchdog_enabled(1, &usec) > 0 && usec > 0) {
        s->interval_ms = (int64_t)(usec / 2000);
        if (s->interval_ms < 1)
            s->interval_ms = 1;
    }
    return s;
}

void service_ready(service *s, const char *status)
{
    if (!s || s->ready)
        return;
    s->ready = true;
    sd_notifyf(0, "READY=1\nSTATUS=%s", status ? status : "running");
}

void service_tick(service *s, int64_t now_ms)
{
    if (!s || s->interval_ms <= 0 || now_ms < s->next_ms)
        return;
    sd_notify(0, "WATCHDOG=1");
    s->next_ms = now_ms + s->interval_ms;
}

int64_t service_deadline(const service *s)
{
    return s && s->interval_ms > 0 ? s->next_ms : INT64_MAX;
}

int64_t service_interval_ms(const service *s)
{
    return s ? s->interval_ms : 0;
}

void service_close(service *s)
{
    if (!s)
        return;
    if (s->ready)
        sd_notify(0, "STOPPING=1");
    free(s);
}
