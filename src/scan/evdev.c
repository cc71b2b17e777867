/* A keyboard-wedge barcode scanner read straight from /dev/input with an
 * exclusive grab, so its keys never reach the desktop or another window.
 * Key codes become characters by a small layout table (us, nl) and go to the
 * wedge assembler with the kernel's event times on the monotonic clock. */
#include "lobkiosk/evdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lobkiosk/config.h"
#include "lobkiosk/util.h"

#define EVDEV_RETRY_MS 2000

struct evdev {
    char path[CONFIG_PATH_MAX];
    char layout[8];
    int fd;                /* -1 while missing */
    bool shift_l, shift_r; /* shift keys held */
    int64_t retry_ms;
    bool logged_missing;
};

/* Keys whose character is the same on us and nl, unshifted / shifted. Letters
 * and digits are where the pass alphabet lives, so both layouts agree on them. */
static char common_key(unsigned code, bool shift)
{
    static const char letters[] = "qwertyuiop";  /* KEY_Q .. KEY_P */
    static const char letters2[] = "asdfghjkl";  /* KEY_A .. KEY_L */
    static const char letters3[] = "zxcvbnm";    /* KEY_Z .. KEY_M */
    char c = 0;
    if (code >= KEY_Q && code <= KEY_P)
        c = letters[code - KEY_Q];
    else if (code >= KEY_A && code <= KEY_L)
        c = letters2[code - KEY_A];
    else if (code >= KEY_Z && code <= KEY_M)
        c = letters3[code - KEY_Z];
    if (c)
        return shift ? (char)(c - 'a' + 'A') : c;
    if (code == KEY_SPACE)
        return ' ';
    if (code == KEY_ENTER || code == KEY_KPENTER)
        return '\n';
    if (code == KEY_TAB)
        return '\t';
    return 0;
}

char evdev_key_char(unsigned code, bool shift, const char *layout)
{
    char c = common_key(code, shift);
    if (c)
        return c;
    bool nl = layout && strcmp(layout, "nl") == 0;
    /* top row 1..0: digits unshifted on both; shifted symbols differ */
    static const char us_shift_digits[] = "!@#$%^&*()";
    static const char nl_shift_digits[] = "!\"#$%&_()'";
    if (code >= KEY_1 && code <= KEY_0) {
        unsigned i = code - KEY_1;
        if (!shift)
            return i == 9 ? '0' : (char)('1' + i);
        return nl ? nl_shift_digits[i] : us_shift_digits[i];
    }
    switch (code) {
    case KEY_DOT:
        return shift ? (nl ? ':' : '>') : '.';
    case KEY_COMMA:
        return shift ? (nl ? ';' : '<') : ',';
    case KEY_MINUS:
        return nl ? (shift ? '?' : '/') : (shift ? '_' : '-');
    case KEY_SLASH:
        return nl ? (shift ? '=' : '-') : (shift ? '?' : '/');
    case KEY_EQUAL:
        return nl ? (shift ? '~' : 0) : (shift ? '+' : '=');
    case KEY_SEMICOLON:
        return nl ? (shift ? 0 : '+') : (shift ? ':' : ';'); /* nl shift: a plus-minus sign, no ASCII */
    case KEY_KPDOT:
        return '.';
    case KEY_KPMINUS:
        return '-';
    case KEY_KPPLUS:
        return '+';
    case KEY_KPSLASH:
        return '/';
    case KEY_KPASTERISK:
        return '*';
    default:
        break;
    }
    if (code >= KEY_KP7 && code <= KEY_KP0) {
        /* keypad: 7 8 9 - 4 5 6 + 1 2 3 0 in key-code order */
        static const char kp[] = "789-456+1230";
        return kp[code - KEY_KP7];
    }
    return 0;
}

static bool evdev_try_open(evdev *ev)
{
    ev->fd = open(ev->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (ev->fd < 0) {
        if (!ev->logged_missing)
            fprintf(stderr, "lobkiosk: scanner %s: %s\n", ev->path, strerror(errno));
        ev->logged_missing = true;
        return false;
    }
    /* times on the monotonic clock, as lk_mono_ms() */
    int clk = CLOCK_MONOTONIC;
    (void)ioctl(ev->fd, EVIOCSCLOCKID, &clk);
    if (ioctl(ev->fd, EVIOCGRAB, (void *)1) != 0) {
        fprintf(stderr, "lobkiosk: scanner %s: cannot grab (%s)\n", ev->path, strerror(errno));
        close(ev->fd);
        ev->fd = -1;
        return false;
    }
    ev->shift_l = ev->shift_r = false;
    ev->logged_missing = false;
    return true;
}

evdev *evdev_open(const char *path, const char *layout, char *err, size_t err_len)
{
    if (!layout || layout[0] == '\0')
        layout = "us";
    if (!path || path[0] == '\0' || (strcmp(layout, "us") != 0 && strcmp(layout, "nl") != 0)) {
        if (err)
            snprintf(err, err_len, "scanner: needs an evdev path and layout us or nl");
        return NULL;
    }
    evdev *ev = calloc(1, sizeof *ev);
    if (!ev)
        return NULL;
    if (!lk_strlcpy(ev->path, path, sizeof ev->path)) {
        free(ev);
        if (err)
            snprintf(err, err_len, "scanner: evdev path too long");
        return NULL;
    }
    lk_strlcpy(ev->layout, layout, sizeof ev->layout);
    ev->fd = -1;
    return ev;
}

void evdev_close(evdev *ev)
{
    if (!ev)
        return;
    if (ev->fd >= 0) {
        (void)ioctl(ev->fd, EVIOCGRAB, (void *)0);
        close(ev->fd);
    }
    free(ev);
}

bool evdev_connected(const evdev *ev)
{
    return ev && ev->fd >= 0;
}

lk_status evdev_pump(evdev *ev, wedge *w, int timeout_ms)
{
    if (!ev || !w || timeout_ms < 0)
        return LK_ERR_INVALID;
    if (ev->fd < 0) {
        int64_t now = lk_mono_ms();
        if (now < ev->retry_ms)
            return LK_ERR_DEVICE;
        ev->retry_ms = now + EVDEV_RETRY_MS;
        if (!evdev_try_open(ev))
            return LK_ERR_DEVICE;
    }
    struct pollfd pfd = {.fd = ev->fd, .events = POLLIN};
    int r = poll(&pfd, 1, timeout_ms);
    if (r <= 0)
        return LK_ERR_TIMEOUT;
    bool got = false;
    for (;;) {
        struct input_event e[32];
        ssize_t n = read(ev->fd, e, sizeof e);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                break;
            /* ENODEV: unplugged; reopened on a later call */
            fprintf(stderr, "lobkiosk: scanner %s lost (%s)\n", ev->path, strerror(errno));
            close(ev->fd);
            ev->fd = -1;
            ev->retry_ms = lk_mono_ms() + EVDEV_RETRY_MS;
            return LK_ERR_DEVICE;
        }
        size_t cnt = (size_t)n / sizeof e[0];
        for (size_t i = 0; i < cnt; i++) {
            if (e[i].type != EV_KEY)
                continue;
            bool down = e[i].value != 0; /* 1 press, 2 autorepeat */
            if (e[i].code == KEY_LEFTSHIFT) {
                ev->shift_l = down;
                continue;
            }
            if (e[i].code == KEY_RIGHTSHIFT) {
                ev->shift_r = down;
                continue;
            }
            if (e[i].value != 1)
                continue;
            char c = evdev_key_char(e[i].code, ev->shift_l || ev->shift_r, ev->layout);
            if (!c)
                continue;
            int64_t t = (int64_t)e[i].input_event_sec * 1000 + (int64_t)e[i].input_event_usec / 1000;
            wedge_key(w, c, t);
            got = true;
        }
        if ((size_t)n < sizeof e)
            break;
    }
    return got ? LK_OK : LK_ERR_TIMEOUT;
}
