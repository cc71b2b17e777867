/* The "none" frame source: a kiosk with only a USB barcode scanner. It never
 * delivers a frame and says so; next() just sleeps out its timeout. */
#include <stdlib.h>
#include <time.h>

#include "lobkiosk/framesrc.h"

static lk_status none_next(void *impl, lk_frame *out, int timeout_ms)
{
    (void)impl;
    (void)out;
    struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    return LK_ERR_TIMEOUT;
}

static framesrc_state none_state(void *impl)
{
    (void)impl;
    return FRAMESRC_NONE;
}

static void none_close(void *impl)
{
    (void)impl;
}

static const framesrc_ops none_ops = {"none", none_next, none_state, none_close, NULL};

framesrc *framesrc_none_open(void)
{
    return framesrc_from_ops(&none_ops, NULL);
}
