/* The V4L2 camera source: USB webcams directly, Pi camera modules through
 * libcamera's V4L2 compatibility layer. libv4l2 converts whatever the camera
 * speaks (YUYV, MJPEG, ...) to RGB24; mmap streaming. When the camera goes away
 * (ENODEV, EIO, a stall) it is closed and reopened every ~2 s. */
#include <errno.h>
#include <fcntl.h>
#include <libv4l2.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "lobkiosk/framesrc.h"
#include "lobkiosk/util.h"

#define V4L2_RETRY_MS 2000   /* reopen interval while the camera is missing */
#define V4L2_STALL_MS 3000   /* no frame this long while streaming: reopen */
#define V4L2_BUFFERS 4

typedef struct v4l2_src {
    char device[CONFIG_PATH_MAX];
    int req_w, req_h, fps;
    int focus, exposure;           /* CONFIG_CAMERA_UNSET, _AUTO or a value */
    int fd;                        /* -1 while closed */
    struct {
        void *start;
        size_t len;
    } buf[V4L2_BUFFERS];
    unsigned n_buf;
    int w, h;
    size_t bytesperline;
    uint8_t *grey, *rgb;           /* our copies, so the driver buffer is requeued at once */
    framesrc_state state;
    int64_t retry_ms, last_frame_ms;
    uint64_t seq;
    bool logged_missing;           /* log "not found" once per disappearance */
} v4l2_src;

static int xioctl(int fd, unsigned long req, void *arg)
{
    int r;
    do {
        r = v4l2_ioctl(fd, req, arg);
    } while (r == -1 && errno == EINTR);
    return r;
}

static void sleep_ms(int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void v4l2_shut(v4l2_src *s)
{
    if (s->fd < 0)
        return;
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    (void)xioctl(s->fd, VIDIOC_STREAMOFF, &type);
    for (unsigned i = 0; i < s->n_buf; i++)
        if (s->buf[i].start && s->buf[i].start != MAP_FAILED)
            v4l2_munmap(s->buf[i].start, s->buf[i].len);
    s->n_buf = 0;
    v4l2_close(s->fd);
    s->fd = -1;
}

/* Sets one control; false (and a log line) when the camera refuses it. */
static bool set_ctrl(v4l2_src *s, unsigned id, int value, const char *what)
{
    struct v4l2_control c = {.id = id, .value = value};
    if (xioctl(s->fd, VIDIOC_S_CTRL, &c) == 0)
        return true;
    fprintf(stderr, "lobkiosk: camera %s: cannot set %s to %d (%s)\n", s->device, what, value,
            strerror(errno));
    return false;
}

/* [camera] focus and exposure: auto, a fixed value, or untouched. */
static void apply_controls(v4l2_src *s)
{
    if (s->focus == CONFIG_CAMERA_AUTO) {
        set_ctrl(s, V4L2_CID_FOCUS_AUTO, 1, "focus auto");
    } else if (s->focus >= 0) {
        set_ctrl(s, V4L2_CID_FOCUS_AUTO, 0, "focus auto");
        set_ctrl(s, V4L2_CID_FOCUS_ABSOLUTE, s->focus, "focus");
    }
    if (s->exposure == CONFIG_CAMERA_AUTO) {
        /* UVC webcams know only aperture priority as their "auto" */
        struct v4l2_control c = {.id = V4L2_CID_EXPOSURE_AUTO, .value = V4L2_EXPOSURE_AUTO};
        if (xioctl(s->fd, VIDIOC_S_CTRL, &c) != 0)
            set_ctrl(s, V4L2_CID_EXPOSURE_AUTO, V4L2_EXPOSURE_APERTURE_PRIORITY, "exposure auto");
    } else if (s->exposure >= 0) {
        set_ctrl(s, V4L2_CID_EXPOSURE_AUTO, V4L2_EXPOSURE_MANUAL, "exposure auto");
        set_ctrl(s, V4L2_CID_EXPOSURE_ABSOLUTE, s->exposure, "exposure");
    }
}

/* Opens, negotiates RGB24 (converted by libv4l2), maps buffers, starts streaming. */
static bool v4l2_start(v4l2_src *s)
{
    s->fd = v4l2_open(s->device, O_RDWR | O_NONBLOCK, 0);
    if (s->fd < 0) {
        if (!s->logged_missing)
            fprintf(stderr, "lobkiosk: camera %s: %s\n", s->device, strerror(errno));
        s->logged_missing = true;
        return false;
    }
    struct v4l2_format fmt = {0};
    fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    fmt.fmt.pix.width = (unsigned)s->req_w;
    fmt.fmt.pix.height = (unsigned)s->req_h;
    fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_RGB24;
    fmt.fmt.pix.field = V4L2_FIELD_ANY;
    if (xioctl(s->fd, VIDIOC_S_FMT, &fmt) < 0 || fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_RGB24 ||
        fmt.fmt.pix.width == 0 || fmt.fmt.pix.height == 0) {
        fprintf(stderr, "lobkiosk: camera %s: no RGB24 format (%s)\n", s->device, strerror(errno));
        goto fail;
    }
    /* the driver picks the nearest size it has */
    s->w = (int)fmt.fmt.pix.width;
    s->h = (int)fmt.fmt.pix.height;
    s->bytesperline = fmt.fmt.pix.bytesperline ? fmt.fmt.pix.bytesperline : (size_t)s->w * 3;
    struct v4l2_streamparm parm = {0};
    parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    parm.parm.capture.timeperframe.numerator = 1;
    parm.parm.capture.timeperframe.denominator = (unsigned)s->fps;
    (void)xioctl(s->fd, VIDIOC_S_PARM, &parm); /* a hint; many cameras ignore it */

    struct v4l2_requestbuffers req = {0};
    req.count = V4L2_BUFFERS;
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (xioctl(s->fd, VIDIOC_REQBUFS, &req) < 0 || req.count < 2) {
        fprintf(stderr, "lobkiosk: camera %s: no mmap buffers (%s)\n", s->device, strerror(errno));
        goto fail;
    }
    s->n_buf = req.count < V4L2_BUFFERS ? req.count : V4L2_BUFFERS;
    for (unsigned i = 0; i < s->n_buf; i++) {
        struct v4l2_buffer b = {0};
        b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b.memory = V4L2_MEMORY_MMAP;
        b.index = i;
        if (xioctl(s->fd, VIDIOC_QUERYBUF, &b) < 0)
            goto fail;
        s->buf[i].len = b.length;
        s->buf[i].start =
            v4l2_mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, b.m.offset);
        if (s->buf[i].start == MAP_FAILED)
            goto fail;
        if (xioctl(s->fd, VIDIOC_QBUF, &b) < 0)
            goto fail;
    }
    size_t n = (size_t)s->w * (size_t)s->h;
    uint8_t *g = realloc(s->grey, n), *c = g ? realloc(s->rgb, n * 3) : NULL;
    if (g)
        s->grey = g;
    if (c)
        s->rgb = c;
    if (!g || !c)
        goto fail;
    apply_controls(s);
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(s->fd, VIDIOC_STREAMON, &type) < 0)
        goto fail;
    fprintf(stderr, "lobkiosk: camera %s: %dx%d\n", s->device, s->w, s->h);
    s->logged_missing = false;
    return true;
fail:
    v4l2_shut(s);
    return false;
}

static void lost(v4l2_src *s, const char *why)
{
    fprintf(stderr, "lobkiosk: camera %s lost (%s), retrying\n", s->device, why);
    v4l2_shut(s);
    s->state = FRAMESRC_NOT_FOUND;
    s->retry_ms = lk_mono_ms() + V4L2_RETRY_MS;
}

static lk_status v4l2_next(void *impl, lk_frame *out, int timeout_ms)
{
    v4l2_src *s = impl;
    int64_t now = lk_mono_ms();
    if (s->fd < 0) {
        if (now < s->retry_ms) {
            int64_t wait = s->retry_ms - now;
            sleep_ms(wait < timeout_ms ? wait : timeout_ms);
            return LK_ERR_DEVICE;
        }
        s->state = FRAMESRC_RECOVERING;
        if (!v4l2_start(s)) {
            s->state = FRAMESRC_NOT_FOUND;
            s->retry_ms = lk_mono_ms() + V4L2_RETRY_MS;
            return LK_ERR_DEVICE;
        }
        s->last_frame_ms = lk_mono_ms();
    }
    struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
    int r = poll(&pfd, 1, timeout_ms);
    if (r < 0 && errno != EINTR) {
        lost(s, strerror(errno));
        return LK_ERR_DEVICE;
    }
    if (r <= 0 || !(pfd.revents & (POLLIN | POLLERR | POLLHUP))) {
        if (lk_mono_ms() - s->last_frame_ms > V4L2_STALL_MS) {
            lost(s, "no frames");
            return LK_ERR_DEVICE;
        }
        return LK_ERR_TIMEOUT;
    }
    struct v4l2_buffer b = {0};
    b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b.memory = V4L2_MEMORY_MMAP;
    if (xioctl(s->fd, VIDIOC_DQBUF, &b) < 0) {
        if (errno == EAGAIN) {
            /* poll said readable (or POLLERR) yet no buffer is ready: a driver in a
             * bad state. Count it as a stall, so it is reopened after V4L2_STALL_MS
             * instead of being polled in a tight loop meanwhile. */
            if (lk_mono_ms() - s->last_frame_ms > V4L2_STALL_MS) {
                lost(s, "no frames");
                return LK_ERR_DEVICE;
            }
            struct timespec nap = {0, 20 * 1000000L};
            nanosleep(&nap, NULL);
            return LK_ERR_TIMEOUT;
        }
        lost(s, strerror(errno)); /* ENODEV when unplugged, EIO on a USB hiccup */
        return LK_ERR_DEVICE;
    }
    if (b.index < s->n_buf && b.bytesused >= s->bytesperline * (size_t)(s->h - 1) + (size_t)s->w * 3) {
        const uint8_t *src = s->buf[b.index].start;
        for (int y = 0; y < s->h; y++) {
            const uint8_t *p = src + (size_t)y * s->bytesperline;
            uint8_t *rgb = s->rgb + (size_t)y * (size_t)s->w * 3;
            uint8_t *g = s->grey + (size_t)y * (size_t)s->w;
            memcpy(rgb, p, (size_t)s->w * 3);
            for (int x = 0; x < s->w; x++, p += 3)
                g[x] = (uint8_t)((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);
        }
    }
    if (xioctl(s->fd, VIDIOC_QBUF, &b) < 0) {
        lost(s, strerror(errno));
        return LK_ERR_DEVICE;
    }
    s->state = FRAMESRC_OK;
    s->last_frame_ms = lk_mono_ms();
    out->width = s->w;
    out->height = s->h;
    out->grey = s->grey;
    out->rgb = s->rgb;
    out->t_ms = s->last_frame_ms;
    out->seq = ++s->seq;
    return LK_OK;
}

static framesrc_state v4l2_state(void *impl)
{
    return ((v4l2_src *)impl)->state;
}

static void v4l2_free(void *impl)
{
    v4l2_src *s = impl;
    if (!s)
        return;
    v4l2_shut(s);
    free(s->grey);
    free(s->rgb);
    free(s);
}

static const framesrc_ops v4l2_ops = {"v4l2", v4l2_next, v4l2_state, v4l2_free, NULL};

framesrc *framesrc_v4l2_open(const config_camera *cam, char *err, size_t err_len)
{
    const char *device = cam ? cam->device : NULL;
    int width = cam ? cam->width : 0, height = cam ? cam->height : 0, fps = cam ? cam->fps : 0;
    if (!device || device[0] == '\0' || width < 16 || height < 16 || width > 4096 ||
        height > 4096 || fps < 1 || fps > 120) {
        if (err)
            snprintf(err, err_len, "camera: source = v4l2 needs a device, a size of 16..4096 "
                                   "and fps 1..120");
        return NULL;
    }
    v4l2_src *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (!lk_strlcpy(s->device, device, sizeof s->device)) {
        free(s);
        if (err)
            snprintf(err, err_len, "camera: device path too long");
        return NULL;
    }
    s->req_w = width;
    s->req_h = height;
    s->fps = fps;
    s->focus = cam->focus;
    s->exposure = cam->exposure;
    s->fd = -1;
    s->state = FRAMESRC_NOT_FOUND;
    s->retry_ms = 0; /* first next() opens at once */
    return framesrc_from_ops(&v4l2_ops, s);
}
