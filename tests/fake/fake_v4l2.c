/* A fake V4L2 camera for tests, loaded with LD_PRELOAD into the real lobkiosk
 * binary. It answers for one device path (FAKE_V4L2_DEVICE) by intercepting the
 * C library's open/open64/openat/close/ioctl/mmap/mmap64/poll/select; every other
 * file passes through untouched. This works because the kiosk calls the kernel
 * through these libc functions (libv4l2, which uses syscall() directly, would
 * bypass any preload).
 *
 * It behaves as a UVC webcam does: VIDIOC_QUERYCAP, ENUM_FMT (one format),
 * S_FMT/G_FMT/TRY_FMT (the asked size is replaced by its own), S_PARM (noted, the
 * camera keeps its own rate), REQBUFS/QUERYBUF/mmap, QBUF/DQBUF (EAGAIN until the
 * next frame is due), STREAMON/OFF, S_CTRL (logged), and poll() that waits for the
 * next frame at FAKE_V4L2_FPS.
 *
 *   FAKE_V4L2_DEVICE  the path it answers for (e.g. a file in the test's folder)
 *   FAKE_V4L2_FORMAT  MJPG (frames are JPEG files), YUYV or GREY (frames are raw
 *                     8-bit grey files of width*height bytes, packed by the fake)
 *   FAKE_V4L2_SIZE    WxH of the frames (default 640x480)
 *   FAKE_V4L2_FRAMES  frame files separated by ':', played in a loop
 *   FAKE_V4L2_HOLD    frames each file is shown (default 5)
 *   FAKE_V4L2_FPS     the camera's own frame rate (default 30)
 *   FAKE_V4L2_LOG     a file that gets one line per S_FMT, S_PARM, S_CTRL and
 *                     delivered frame ("frame N"), for the test to read
 *
 * Raw frames get sensor noise (+-2) in every frame; JPEG files are sent as they
 * are. Not thread-safe beyond what the kiosk does: one thread streams. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NBUF 4
#define BUF_OFFSET 0x100000u

static int fake_fd = -1;
static uint32_t fmt_fourcc;
static int W = 640, H = 480, fps = 30, hold = 5;
static char **files;
static int n_files;
static uint64_t produced;     /* frames handed out */
static int64_t next_frame_ns; /* when the next frame is ready */
static int streaming;
static struct {
    void *mem;
    size_t len;
    int queued;
} bufs[NBUF];
static unsigned n_bufs;
static size_t buf_len;
static uint8_t *cur; /* the current frame's bytes */
static size_t cur_len;
static int cur_file = -1;
static uint32_t rng = 12345;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void logf_(const char *fmt, ...)
{
    const char *path = getenv("FAKE_V4L2_LOG");
    if (!path)
        return;
    FILE *f = fopen(path, "a");
    if (!f)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
}

static void setup(void)
{
    if (files)
        return;
    const char *f = getenv("FAKE_V4L2_FORMAT");
    fmt_fourcc = f && !strcmp(f, "YUYV")   ? V4L2_PIX_FMT_YUYV
                 : f && !strcmp(f, "GREY") ? V4L2_PIX_FMT_GREY
                                           : V4L2_PIX_FMT_MJPEG;
    const char *sz = getenv("FAKE_V4L2_SIZE");
    if (sz)
        sscanf(sz, "%dx%d", &W, &H);
    if (getenv("FAKE_V4L2_FPS"))
        fps = (int)strtol(getenv("FAKE_V4L2_FPS"), NULL, 10);
    if (getenv("FAKE_V4L2_HOLD"))
        hold = (int)strtol(getenv("FAKE_V4L2_HOLD"), NULL, 10);
    if (fps < 1)
        fps = 30;
    if (hold < 1)
        hold = 1;
    char *list = strdup(getenv("FAKE_V4L2_FRAMES") ? getenv("FAKE_V4L2_FRAMES") : "");
    files = calloc(64, sizeof *files);
    for (char *tok = list; tok && *tok && n_files < 64;) {
        char *colon = strchr(tok, ':');
        if (colon)
            *colon = '\0';
        files[n_files++] = tok;
        tok = colon ? colon + 1 : NULL;
    }
}

static size_t frame_bytes(void)
{
    if (fmt_fourcc == V4L2_PIX_FMT_YUYV)
        return (size_t)W * H * 2;
    if (fmt_fourcc == V4L2_PIX_FMT_GREY)
        return (size_t)W * H;
    return (size_t)W * H * 2; /* room for any JPEG of this size */
}

static void load_file(int i)
{
    if (i == cur_file)
        return;
    FILE *f = fopen(files[i], "rb");
    if (!f)
        return;
    free(cur);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    cur = malloc(n > 0 ? (size_t)n : 1);
    cur_len = fread(cur, 1, (size_t)n, f);
    fclose(f);
    cur_file = i;
}

/* Fills buffer b with the next frame; returns bytesused. */
static size_t fill(uint8_t *dst, size_t cap)
{
    if (n_files == 0)
        return 0;
    load_file((int)((produced / (uint64_t)hold) % (uint64_t)n_files));
    produced++;
    if (fmt_fourcc == V4L2_PIX_FMT_MJPEG) {
        size_t n = cur_len < cap ? cur_len : cap;
        memcpy(dst, cur, n);
        return n;
    }
    size_t px = (size_t)W * H;
    for (size_t i = 0; i < px; i++) {
        rng = rng * 1103515245u + 12345u;
        int v = (i < cur_len ? cur[i] : 128) + (int)((rng >> 16) % 5) - 2; /* sensor noise */
        uint8_t y = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        if (fmt_fourcc == V4L2_PIX_FMT_GREY) {
            dst[i] = y;
        } else {
            dst[2 * i] = y;
            dst[2 * i + 1] = 0x80; /* U and V alternate; grey has none */
        }
    }
    return fmt_fourcc == V4L2_PIX_FMT_GREY ? px : px * 2;
}

static int is_fake_path(const char *path)
{
    const char *dev = getenv("FAKE_V4L2_DEVICE");
    return dev && path && strcmp(path, dev) == 0;
}

static int fake_open(void)
{
    setup();
    if (fake_fd >= 0) {
        errno = EBUSY;
        return -1;
    }
    fake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    streaming = 0;
    n_bufs = 0;
    logf_("open");
    return fake_fd;
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

int open(const char *path, int flags, ...)
{
    if (is_fake_path(path))
        return fake_open();
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return REAL(open)(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    if (is_fake_path(path))
        return fake_open();
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return REAL(open64)(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    if (is_fake_path(path))
        return fake_open();
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return REAL(openat)(dirfd, path, flags, mode);
}

int close(int fd)
{
    if (fd >= 0 && fd == fake_fd) {
        fake_fd = -1;
        streaming = 0;
        logf_("close");
    }
    return REAL(close)(fd);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    if (fd >= 0 && fd == fake_fd) {
        unsigned i = (unsigned)(off / BUF_OFFSET);
        if (i >= n_bufs || len > buf_len) {
            errno = EINVAL;
            return MAP_FAILED;
        }
        void *m = REAL(mmap)(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m != MAP_FAILED) {
            bufs[i].mem = m;
            bufs[i].len = len;
        }
        return m;
    }
    return REAL(mmap)(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    return mmap(addr, len, prot, flags, fd, off);
}

static int frame_ready(void)
{
    return streaming && now_ns() >= next_frame_ns;
}

/* Waits (at most timeout_ms) for the next frame; 1 when one is ready. */
static int wait_frame(int timeout_ms)
{
    if (!streaming) {
        if (timeout_ms > 0) {
            struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
        return 0;
    }
    int64_t until = timeout_ms < 0 ? INT64_MAX : now_ns() + (int64_t)timeout_ms * 1000000LL;
    int64_t t = next_frame_ns < until ? next_frame_ns : until;
    int64_t d = t - now_ns();
    if (d > 0) {
        struct timespec ts = {(time_t)(d / 1000000000LL), (long)(d % 1000000000LL)};
        nanosleep(&ts, NULL);
    }
    return frame_ready();
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
    if (n == 1 && fds[0].fd >= 0 && fds[0].fd == fake_fd) {
        fds[0].revents = wait_frame(timeout) ? POLLIN : 0;
        return fds[0].revents ? 1 : 0;
    }
    return REAL(poll)(fds, n, timeout);
}

int select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
    if (fake_fd >= 0 && fake_fd < nfds && r && FD_ISSET(fake_fd, r)) {
        int ms = tv ? (int)(tv->tv_sec * 1000 + tv->tv_usec / 1000) : -1;
        int ok = wait_frame(ms);
        FD_ZERO(r);
        if (w)
            FD_ZERO(w);
        if (e)
            FD_ZERO(e);
        if (ok)
            FD_SET(fake_fd, r);
        return ok;
    }
    return REAL(select)(nfds, r, w, e, tv);
}

static void set_fmt(struct v4l2_format *f)
{
    f->fmt.pix.pixelformat = fmt_fourcc;
    f->fmt.pix.width = (unsigned)W;
    f->fmt.pix.height = (unsigned)H;
    f->fmt.pix.field = V4L2_FIELD_NONE;
    f->fmt.pix.bytesperline = fmt_fourcc == V4L2_PIX_FMT_YUYV   ? (unsigned)W * 2
                              : fmt_fourcc == V4L2_PIX_FMT_GREY ? (unsigned)W
                                                                : 0;
    f->fmt.pix.sizeimage = (unsigned)frame_bytes();
}

static int fake_ioctl(unsigned long req, void *arg)
{
    switch (req) {
    case VIDIOC_QUERYCAP: {
        struct v4l2_capability *c = arg;
        memset(c, 0, sizeof *c);
        strcpy((char *)c->driver, "uvcvideo");
        strcpy((char *)c->card, "Fake Webcam");
        c->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
        c->capabilities = c->device_caps | V4L2_CAP_DEVICE_CAPS;
        return 0;
    }
    case VIDIOC_ENUM_FMT: {
        struct v4l2_fmtdesc *d = arg;
        if (d->index != 0 || d->type != V4L2_BUF_TYPE_VIDEO_CAPTURE) {
            errno = EINVAL;
            return -1;
        }
        d->pixelformat = fmt_fourcc;
        d->flags = fmt_fourcc == V4L2_PIX_FMT_MJPEG ? V4L2_FMT_FLAG_COMPRESSED : 0;
        return 0;
    }
    case VIDIOC_G_FMT:
    case VIDIOC_TRY_FMT:
    case VIDIOC_S_FMT: {
        struct v4l2_format *f = arg;
        if (req == VIDIOC_S_FMT)
            logf_("S_FMT asked %.4s %ux%u", (char *)&f->fmt.pix.pixelformat, f->fmt.pix.width,
                  f->fmt.pix.height);
        set_fmt(f);
        return 0;
    }
    case VIDIOC_S_PARM:
    case VIDIOC_G_PARM: {
        struct v4l2_streamparm *p = arg;
        if (req == VIDIOC_S_PARM)
            logf_("S_PARM %u/%u", p->parm.capture.timeperframe.numerator,
                  p->parm.capture.timeperframe.denominator);
        p->parm.capture.timeperframe.numerator = 1;
        p->parm.capture.timeperframe.denominator = (unsigned)fps;
        return 0;
    }
    case VIDIOC_S_CTRL: {
        struct v4l2_control *c = arg;
        logf_("S_CTRL 0x%x %d", c->id, c->value);
        return 0;
    }
    case VIDIOC_REQBUFS: {
        struct v4l2_requestbuffers *r = arg;
        if (r->memory != V4L2_MEMORY_MMAP) {
            errno = EINVAL;
            return -1;
        }
        n_bufs = r->count > NBUF ? NBUF : r->count;
        r->count = n_bufs;
        buf_len = (frame_bytes() + 4095) & ~(size_t)4095;
        memset(bufs, 0, sizeof bufs);
        return 0;
    }
    case VIDIOC_QUERYBUF:
    case VIDIOC_QBUF: {
        struct v4l2_buffer *b = arg;
        if (b->index >= n_bufs) {
            errno = EINVAL;
            return -1;
        }
        if (req == VIDIOC_QBUF) {
            bufs[b->index].queued = 1;
            return 0;
        }
        b->length = (unsigned)buf_len;
        b->m.offset = b->index * BUF_OFFSET;
        return 0;
    }
    case VIDIOC_DQBUF: {
        struct v4l2_buffer *b = arg;
        if (!frame_ready()) {
            errno = EAGAIN;
            return -1;
        }
        for (unsigned i = 0; i < n_bufs; i++) {
            if (!bufs[i].queued || !bufs[i].mem)
                continue;
            bufs[i].queued = 0;
            b->index = i;
            b->bytesused = (unsigned)fill(bufs[i].mem, bufs[i].len);
            b->flags = 0;
            b->field = V4L2_FIELD_NONE;
            b->sequence = (unsigned)produced;
            next_frame_ns += 1000000000LL / fps;
            if (next_frame_ns < now_ns() - 1000000000LL / fps)
                next_frame_ns = now_ns();
            logf_("frame %llu", (unsigned long long)produced);
            return 0;
        }
        errno = EAGAIN;
        return -1;
    }
    case VIDIOC_STREAMON:
        streaming = 1;
        next_frame_ns = now_ns() + 1000000000LL / fps;
        logf_("STREAMON");
        return 0;
    case VIDIOC_STREAMOFF:
        streaming = 0;
        return 0;
    default:
        errno = ENOTTY;
        return -1;
    }
}

int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (fd >= 0 && fd == fake_fd)
        return fake_ioctl(req, arg);
    return REAL(ioctl)(fd, req, arg);
}
