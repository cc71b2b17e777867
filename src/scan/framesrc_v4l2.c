/* The V4L2 camera source: USB (UVC) webcams and other V4L2 capture devices,
 * mmap streaming. We scan grey, so the format asked for is the one that gives
 * grey cheapest: GREY, then the YUV formats whose Y samples we pick out (YUYV,
 * UYVY, YUV420/YVU420, NV12/NV21), then MJPEG/JPEG (decoded by libjpeg-turbo
 * straight to grey: only the luma is decoded), then RGB24/BGR24 (luma computed).
 * Pi camera modules are not V4L2 cameras in this sense (the raw sensor node needs
 * libcamera's ISP): they use source = command with rpicam-vid.
 *
 * The kernel is called directly (open, ioctl, mmap, poll): no libv4l2. Its format
 * conversions are not needed for the formats above, and it reaches the kernel
 * through syscall(), which no LD_PRELOAD shim sees (neither libcamerify nor the
 * tests' fake camera).
 *
 * Frames faster than fps are requeued unread. When the camera goes away (ENODEV,
 * EIO, a stall) it is closed and reopened every ~2 s. A frame that does not decode
 * (a torn MJPEG frame) is dropped, not a lost camera.
 *
 * Thread: one source is used by one thread at a time. */
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "lobkiosk/framesrc.h"
#include "lobkiosk/util.h"

#define V4L2_RETRY_MS 2000 /* reopen interval while the camera is missing */
#define V4L2_STALL_MS 3000 /* no frame this long while streaming: reopen */
#define V4L2_BUFFERS 4

typedef struct v4l2_src {
    char device[CONFIG_PATH_MAX];
    int req_w, req_h, fps, period_ms;
    int focus, exposure; /* CONFIG_CAMERA_UNSET, _AUTO or a value */
    int fd;              /* -1 while closed */
    struct {
        void *start;
        size_t len;
    } buf[V4L2_BUFFERS];
    unsigned n_buf;
    int w, h;
    uint32_t fourcc;     /* negotiated */
    framesrc_conv *conv; /* grey out of it, owned */
    uint8_t *grey;       /* our copy, so the driver buffer is requeued at once */
    framesrc_state state;
    int64_t retry_ms, last_frame_ms, next_due_ms;
    uint64_t seq, bad_frames;
    char offered[160];      /* the camera's formats, for describe */
    char last_failure[200]; /* logged once until it changes */
} v4l2_src;

static int xioctl(int fd, unsigned long req, void *arg)
{
    int r;
    do {
        r = ioctl(fd, req, arg);
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

static void fourcc_str(uint32_t f, char out[5])
{
    for (int i = 0; i < 4; i++) {
        char c = (char)((f >> (8 * i)) & 0xFF);
        out[i] = c >= 0x20 && c < 0x7F ? c : '?';
    }
    out[4] = '\0';
    for (int i = 3; i > 0 && out[i] == ' '; i--)
        out[i] = '\0';
}

/* Logs a failure once until a different one comes (or frames came between). */
static void note_failure(v4l2_src *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note_failure(v4l2_src *s, const char *fmt, ...)
{
    char msg[sizeof s->last_failure];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (strcmp(msg, s->last_failure) != 0) {
        fprintf(stderr, "lobkiosk: camera %s: %s\n", s->device, msg);
        lk_strlcpy(s->last_failure, msg, sizeof s->last_failure);
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
            munmap(s->buf[i].start, s->buf[i].len);
    memset(s->buf, 0, sizeof s->buf);
    s->n_buf = 0;
    close(s->fd);
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

/* The camera's formats; the best one we read (framesrc_conv_rank), or 0. */
static uint32_t choose_format(v4l2_src *s)
{
    uint32_t best = 0;
    int best_rank = -1;
    s->offered[0] = '\0';
    for (unsigned i = 0; i < 64; i++) {
        struct v4l2_fmtdesc d = {0};
        d.index = i;
        d.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        if (xioctl(s->fd, VIDIOC_ENUM_FMT, &d) < 0)
            break;
        char cc[5];
        fourcc_str(d.pixelformat, cc);
        size_t used = strlen(s->offered);
        if (used + 6 < sizeof s->offered)
            snprintf(s->offered + used, sizeof s->offered - used, "%s%s", used ? " " : "", cc);
        int rank = framesrc_conv_rank(d.pixelformat);
        if (rank >= 0 && (best_rank < 0 || rank < best_rank)) {
            best_rank = rank;
            best = d.pixelformat;
        }
    }
    return best;
}

/* Opens, negotiates the cheapest grey format, maps buffers, starts streaming. */
static bool v4l2_start(v4l2_src *s)
{
    s->fd = open(s->device, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (s->fd < 0) {
        note_failure(s, "%s", strerror(errno));
        return false;
    }
    struct v4l2_capability cap = {0};
    if (xioctl(s->fd, VIDIOC_QUERYCAP, &cap) < 0) {
        note_failure(s, "not a V4L2 device (%s)", strerror(errno));
        goto fail;
    }
    uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
        note_failure(s, "not a capture device with streaming (a metadata node? try the "
                        "-video-index0 name under /dev/v4l/by-id/)");
        goto fail;
    }
    uint32_t want = choose_format(s);
    if (!want) {
        note_failure(s, "offers none of the formats we read (it offers: %s)",
                     s->offered[0] ? s->offered : "nothing");
        goto fail;
    }
    struct v4l2_format fmt = {0};
    fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    fmt.fmt.pix.width = (unsigned)s->req_w;
    fmt.fmt.pix.height = (unsigned)s->req_h;
    fmt.fmt.pix.pixelformat = want;
    fmt.fmt.pix.field = V4L2_FIELD_NONE;
    if (xioctl(s->fd, VIDIOC_S_FMT, &fmt) < 0) {
        note_failure(s,
                     errno == EBUSY ? "busy: another program (a running kiosk?) uses it"
                                    : "cannot set the format (%s)",
                     strerror(errno));
        goto fail;
    }
    if (fmt.fmt.pix.pixelformat != want || fmt.fmt.pix.width < 16 || fmt.fmt.pix.height < 16 ||
        fmt.fmt.pix.width > 8192 || fmt.fmt.pix.height > 8192) {
        char cc[5];
        fourcc_str(fmt.fmt.pix.pixelformat, cc);
        note_failure(s, "the driver answered %s %ux%u", cc, fmt.fmt.pix.width, fmt.fmt.pix.height);
        goto fail;
    }
    /* the driver picks the nearest size it has */
    s->fourcc = want;
    s->w = (int)fmt.fmt.pix.width;
    s->h = (int)fmt.fmt.pix.height;
    framesrc_conv_destroy(s->conv);
    s->conv = framesrc_conv_create(want, s->w, s->h, fmt.fmt.pix.bytesperline);
    if (!s->conv) {
        note_failure(s, "out of memory");
        goto fail;
    }
    struct v4l2_streamparm parm = {0};
    parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    parm.parm.capture.timeperframe.numerator = 1;
    parm.parm.capture.timeperframe.denominator = (unsigned)s->fps;
    (void)xioctl(s->fd, VIDIOC_S_PARM, &parm); /* a hint; faster frames are dropped here */
    apply_controls(s);

    struct v4l2_requestbuffers req = {0};
    req.count = V4L2_BUFFERS;
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (xioctl(s->fd, VIDIOC_REQBUFS, &req) < 0 || req.count < 2) {
        note_failure(s,
                     errno == EBUSY ? "busy: another program (a running kiosk?) uses it"
                                    : "no mmap buffers (%s)",
                     strerror(errno));
        goto fail;
    }
    s->n_buf = req.count < V4L2_BUFFERS ? req.count : V4L2_BUFFERS;
    for (unsigned i = 0; i < s->n_buf; i++) {
        struct v4l2_buffer b = {0};
        b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b.memory = V4L2_MEMORY_MMAP;
        b.index = i;
        if (xioctl(s->fd, VIDIOC_QUERYBUF, &b) < 0)
            goto fail_errno;
        s->buf[i].len = b.length;
        s->buf[i].start =
            mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, b.m.offset);
        if (s->buf[i].start == MAP_FAILED) {
            s->buf[i].start = NULL;
            goto fail_errno;
        }
        if (xioctl(s->fd, VIDIOC_QBUF, &b) < 0)
            goto fail_errno;
    }
    uint8_t *g = realloc(s->grey, (size_t)s->w * (size_t)s->h);
    if (!g) {
        note_failure(s, "out of memory");
        goto fail;
    }
    s->grey = g;
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(s->fd, VIDIOC_STREAMON, &type) < 0)
        goto fail_errno;
    char cc[5];
    fourcc_str(s->fourcc, cc);
    fprintf(stderr, "lobkiosk: camera %s: %s %dx%d (offers %s)\n", s->device, cc, s->w, s->h,
            s->offered);
    s->last_failure[0] = '\0';
    return true;
fail_errno:
    note_failure(s, "cannot stream (%s)", strerror(errno));
fail:
    v4l2_shut(s);
    return false;
}

static void lost(v4l2_src *s, const char *why)
{
    note_failure(s, "lost (%s), retrying every %d s", why, V4L2_RETRY_MS / 1000);
    v4l2_shut(s);
    s->state = FRAMESRC_NOT_FOUND;
    s->retry_ms = lk_mono_ms() + V4L2_RETRY_MS;
}

static lk_status v4l2_next(void *impl, lk_frame *out, int timeout_ms)
{
    v4l2_src *s = impl;
    int64_t now = lk_mono_ms();
    int64_t deadline = now + timeout_ms;
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
        s->last_frame_ms = s->next_due_ms = lk_mono_ms();
    }
    for (;;) {
        now = lk_mono_ms();
        int wait = (int)(deadline - now);
        struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
        int r = poll(&pfd, 1, wait > 0 ? wait : 0);
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
                /* poll said readable (or POLLERR) yet no buffer is ready: a driver in
                 * a bad state. Count it as a stall, so it is reopened after
                 * V4L2_STALL_MS instead of being polled in a tight loop meanwhile. */
                if (lk_mono_ms() - s->last_frame_ms > V4L2_STALL_MS) {
                    lost(s, "no frames");
                    return LK_ERR_DEVICE;
                }
                sleep_ms(20);
                return LK_ERR_TIMEOUT;
            }
            lost(s, strerror(errno)); /* ENODEV when unplugged, EIO on a USB hiccup */
            return LK_ERR_DEVICE;
        }
        now = lk_mono_ms();
        s->last_frame_ms = now;
        /* a quarter period early still counts: USB timing jitters */
        bool due = now + s->period_ms / 4 >= s->next_due_ms;
        bool whole = false;
        if (due && b.index < s->n_buf && !(b.flags & V4L2_BUF_FLAG_ERROR)) {
            size_t used = b.bytesused ? b.bytesused : s->buf[b.index].len;
            if (used > s->buf[b.index].len)
                used = s->buf[b.index].len;
            whole = framesrc_conv_grey(s->conv, s->buf[b.index].start, used, s->grey);
            if (!whole && s->bad_frames++ % 100 == 0)
                fprintf(stderr,
                        "lobkiosk: camera %s: a frame that does not decode, dropped "
                        "(%llu so far)\n",
                        s->device, (unsigned long long)s->bad_frames);
        }
        if (xioctl(s->fd, VIDIOC_QBUF, &b) < 0) {
            lost(s, strerror(errno));
            return LK_ERR_DEVICE;
        }
        if (!whole) {
            if (lk_mono_ms() >= deadline)
                return LK_ERR_TIMEOUT;
            continue; /* faster than fps, or a broken frame: dropped */
        }
        s->next_due_ms += s->period_ms;
        if (s->next_due_ms < now - s->period_ms)
            s->next_due_ms = now;
        s->state = FRAMESRC_OK;
        out->width = s->w;
        out->height = s->h;
        out->grey = s->grey;
        out->rgb = NULL;
        out->t_ms = now;
        out->seq = ++s->seq;
        return LK_OK;
    }
}

static framesrc_state v4l2_state(void *impl)
{
    return ((v4l2_src *)impl)->state;
}

static void v4l2_describe(void *impl, char *buf, size_t len)
{
    v4l2_src *s = impl;
    char cc[5];
    fourcc_str(s->fourcc, cc);
    if (s->fd >= 0)
        snprintf(buf, len, "%s %dx%d from %s (it offers %s; %s)", cc, s->w, s->h, s->device,
                 s->offered,
                 framesrc_conv_is_jpeg(s->conv) ? "decoded to grey by libjpeg-turbo"
                                                : "the grey taken as is");
    else
        snprintf(buf, len, "%s: %s", s->device, s->last_failure[0] ? s->last_failure : "closed");
}

static void v4l2_free(void *impl)
{
    v4l2_src *s = impl;
    if (!s)
        return;
    v4l2_shut(s);
    framesrc_conv_destroy(s->conv);
    free(s->grey);
    free(s);
}

static const framesrc_ops v4l2_ops = {"v4l2", v4l2_next, v4l2_state, v4l2_free, v4l2_describe};

framesrc *framesrc_v4l2_open(const config_camera *cam, char *err, size_t err_len)
{
    if (!cam || cam->device[0] == '\0' || cam->width < 16 || cam->height < 16 ||
        cam->width > 4096 || cam->height > 4096 || cam->fps < 1 || cam->fps > 120) {
        if (err)
            snprintf(err, err_len,
                     "camera: source = v4l2 needs a device, a size of 16..4096 "
                     "and fps 1..120");
        return NULL;
    }
    v4l2_src *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (!lk_strlcpy(s->device, cam->device, sizeof s->device)) {
        free(s);
        if (err)
            snprintf(err, err_len, "camera: device path too long");
        return NULL;
    }
    s->req_w = cam->width;
    s->req_h = cam->height;
    s->fps = cam->fps;
    s->period_ms = 1000 / cam->fps;
    s->focus = cam->focus;
    s->exposure = cam->exposure;
    s->fd = -1;
    s->state = FRAMESRC_NOT_FOUND;
    s->retry_ms = 0; /* first next() opens at once */
    return framesrc_from_ops(&v4l2_ops, s);
}
