/* The command frame source: a program that writes raw I420 (YUV 4:2:0 planar)
 * frames to its stdout, as `rpicam-vid -t 0 -n --codec yuv420 --width 640
 * --height 480 --framerate 15 -o -` does. This is how every libcamera camera
 * (Camera Module 2 and 3, the Pi 5's CSI ports) reaches the kiosk. A frame is
 * width*height bytes of Y (the grey frame we scan) followed by two quarter-size
 * chroma planes, which are read and dropped.
 *
 * The command line comes from kiosk.ini only and runs with /bin/sh -c (so it may
 * hold options, quotes and pipes) as the kiosk's own user, in its own process
 * group, stdin from /dev/null, stderr shared with the kiosk (the journal). Nothing
 * from outside (a scanned code, the network) is ever put into it.
 *
 * The program's exit, a short last frame (EOF inside a frame) or 3 s without a
 * whole frame counts as an unplugged camera: the process group gets SIGTERM
 * (SIGKILL after 1 s), the child is reaped, and it is started again every ~2 s,
 * the kiosk showing "Geen camera" meanwhile. close() stops it the same way, so no
 * zombie and no orphan stay behind; should the kiosk itself die, the child gets
 * SIGTERM from the kernel (PR_SET_PDEATHSIG) and SIGPIPE on its next write.
 *
 * Frames that come faster than fps are read and dropped, so the picture is never
 * late (a program blocked on a full pipe would hand out old frames).
 *
 * Thread: one source is used by one thread at a time (the scanner thread, or the
 * `camera` command). fork() from a threaded program: the child calls only
 * async-signal-safe functions before exec. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lobkiosk/framesrc.h"
#include "lobkiosk/util.h"

extern char **environ;

#define CMD_RETRY_MS 2000 /* restart interval after the program ended */
#define CMD_STALL_MS 3000 /* no whole frame this long: the program is stuck */
#define CMD_TERM_MS 1000  /* SIGTERM to SIGKILL */

typedef struct cmd_src {
    char command[CONFIG_PATH_MAX];
    int w, h, period_ms;
    size_t frame_len; /* w*h*3/2 */
    uint8_t *buf;     /* one I420 frame being filled, owned */
    size_t filled;    /* bytes of buf read so far */
    uint8_t *grey;    /* the last whole frame's Y plane, owned */
    pid_t pid;        /* 0 while not running */
    int fd;           /* read end of the pipe, -1 while not running */
    framesrc_state state;
    int64_t retry_ms;      /* when to start the program again */
    int64_t started_ms;    /* when it was started */
    int64_t last_frame_ms; /* last whole frame read (or start) */
    int64_t next_due_ms;   /* frames before this are dropped (fps) */
    uint64_t seq, frames_read;
    char last_failure[160]; /* logged once until it changes or frames come */
} cmd_src;

static void sleep_ms(int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* The child's side, between fork and exec: async-signal-safe calls only. */
static void child_exec(char *const argv[], pid_t parent, int out_fd, int sync_fd)
{
    (void)setpgid(0, 0);
    (void)prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        _exit(127); /* the kiosk died before prctl */
    sigset_t none;
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
    /* dispositions set to "ignore" survive exec: give the program the defaults */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    (void)sigaction(SIGPIPE, &dfl, NULL);
    (void)sigaction(SIGTERM, &dfl, NULL);
    (void)sigaction(SIGINT, &dfl, NULL);
    (void)sigaction(SIGHUP, &dfl, NULL);
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0)
        _exit(127);
    (void)close(sync_fd);
    /* every other descriptor of the kiosk (database, sockets, the camera pipe's
     * read end) was opened close-on-exec or is closed here */
    for (int fd = STDERR_FILENO + 1; fd < 1024; fd++)
        (void)close(fd);
    execve("/bin/sh", argv, environ);
    _exit(127);
}

/* Stops the program (its whole process group) and reaps it. */
static void cmd_stop(cmd_src *s)
{
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    if (s->pid <= 0)
        return;
    int status;
    pid_t r = waitpid(s->pid, &status, WNOHANG);
    if (r == 0) {
        (void)kill(-s->pid, SIGTERM);
        (void)kill(s->pid, SIGTERM);
        int64_t until = lk_mono_ms() + CMD_TERM_MS;
        while ((r = waitpid(s->pid, &status, WNOHANG)) == 0 && lk_mono_ms() < until)
            sleep_ms(10);
        if (r == 0) {
            (void)kill(-s->pid, SIGKILL);
            (void)kill(s->pid, SIGKILL);
            while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR) {
            }
        }
    }
    /* the rest of the group (a pipeline's other programs) */
    (void)kill(-s->pid, SIGKILL);
    s->pid = 0;
    s->filled = 0;
}

static void note_failure(cmd_src *s, const char *why)
{
    if (strcmp(why, s->last_failure) != 0) {
        fprintf(stderr, "lobkiosk: camera command: %s; restarting every %d s\n", why,
                CMD_RETRY_MS / 1000);
        lk_strlcpy(s->last_failure, why, sizeof s->last_failure);
    }
}

/* The program ended or misbehaved: stop it, unplugged until the retry. */
static void lost(cmd_src *s, const char *why, bool at_eof)
{
    char msg[160];
    int status = 0;
    pid_t pid = s->pid;
    /* at EOF the program is usually exiting: give it a moment, for its status */
    bool exited = false;
    for (int i = 0; pid > 0 && i < 20; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            exited = true;
            break;
        }
        if (!at_eof)
            break;
        sleep_ms(10);
    }
    if (exited) {
        s->pid = 0; /* reaped */
        if (WIFEXITED(status))
            snprintf(msg, sizeof msg, "%s (exit status %d)", why, WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
            snprintf(msg, sizeof msg, "%s (killed by signal %d)", why, WTERMSIG(status));
        else
            snprintf(msg, sizeof msg, "%s", why);
    } else {
        snprintf(msg, sizeof msg, "%s", why);
    }
    cmd_stop(s);
    note_failure(s, msg);
    s->state = FRAMESRC_NOT_FOUND;
    s->retry_ms = lk_mono_ms() + CMD_RETRY_MS;
}

static bool cmd_start(cmd_src *s)
{
    int p[2], sync_pipe[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return false;
    /* closes at exec: tells the parent the child is in its own group */
    if (pipe2(sync_pipe, O_CLOEXEC) != 0) {
        close(p[0]);
        close(p[1]);
        return false;
    }
    /* made before fork: the child may only call async-signal-safe functions */
    char *argv[] = {"sh", "-c", s->command, NULL};
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        close(sync_pipe[0]);
        close(sync_pipe[1]);
        note_failure(s, strerror(errno));
        return false;
    }
    if (pid == 0) {
        close(p[0]);
        close(sync_pipe[0]);
        child_exec(argv, parent, p[1], sync_pipe[1]);
    }
    (void)setpgid(pid, pid); /* also from here, so kill(-pid) works at once */
    close(p[1]);
    close(sync_pipe[1]);
    char c;
    while (read(sync_pipe[0], &c, 1) < 0 && errno == EINTR) {
    }
    close(sync_pipe[0]);
    int fl = fcntl(p[0], F_GETFL);
    (void)fcntl(p[0], F_SETFL, fl | O_NONBLOCK);
    s->pid = pid;
    s->fd = p[0];
    s->filled = 0;
    s->started_ms = s->last_frame_ms = lk_mono_ms();
    s->next_due_ms = s->started_ms;
    return true;
}

static lk_status cmd_next(void *impl, lk_frame *out, int timeout_ms)
{
    cmd_src *s = impl;
    int64_t now = lk_mono_ms();
    int64_t deadline = now + timeout_ms;
    if (s->pid <= 0) {
        if (now < s->retry_ms) {
            int64_t wait = s->retry_ms - now;
            sleep_ms(wait < timeout_ms ? wait : timeout_ms);
            return LK_ERR_DEVICE;
        }
        s->state = FRAMESRC_RECOVERING;
        if (!cmd_start(s)) {
            s->state = FRAMESRC_NOT_FOUND;
            s->retry_ms = lk_mono_ms() + CMD_RETRY_MS;
            return LK_ERR_DEVICE;
        }
    }
    for (;;) {
        now = lk_mono_ms();
        if (now - s->last_frame_ms > CMD_STALL_MS) {
            lost(s,
                 s->frames_read || s->filled ? "no whole frame for 3 s"
                                             : "no frame within 3 s of starting",
                 false);
            return LK_ERR_DEVICE;
        }
        int wait = (int)(deadline - now);
        if (wait < 0)
            wait = 0;
        struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
        int r = poll(&pfd, 1, wait);
        if (r < 0 && errno != EINTR) {
            lost(s, strerror(errno), false);
            return LK_ERR_DEVICE;
        }
        if (r <= 0)
            return LK_ERR_TIMEOUT; /* nothing within the timeout, or a signal */
        ssize_t n = read(s->fd, s->buf + s->filled, s->frame_len - s->filled);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            lost(s, strerror(errno), false);
            return LK_ERR_DEVICE;
        }
        if (n == 0) {
            lost(s,
                 s->filled ? "the program ended inside a frame (short read)" : "the program ended",
                 true);
            return LK_ERR_DEVICE;
        }
        s->filled += (size_t)n;
        if (s->filled < s->frame_len)
            continue;
        s->filled = 0;
        s->frames_read++;
        now = lk_mono_ms();
        s->last_frame_ms = now;
        if (s->state != FRAMESRC_OK)
            s->last_failure[0] = '\0'; /* a later failure is news again */
        s->state = FRAMESRC_OK;
        if (now + s->period_ms / 4 < s->next_due_ms)
            continue; /* faster than fps (a quarter period early still counts): dropped */
        s->next_due_ms += s->period_ms;
        if (s->next_due_ms < now - s->period_ms)
            s->next_due_ms = now;
        memcpy(s->grey, s->buf, (size_t)s->w * (size_t)s->h);
        out->width = s->w;
        out->height = s->h;
        out->grey = s->grey;
        out->rgb = NULL;
        out->t_ms = now;
        out->seq = ++s->seq;
        return LK_OK;
    }
}

static framesrc_state cmd_state(void *impl)
{
    return ((cmd_src *)impl)->state;
}

static void cmd_describe(void *impl, char *buf, size_t len)
{
    cmd_src *s = impl;
    if (s->state != FRAMESRC_OK && s->last_failure[0])
        snprintf(buf, len, "I420 %dx%d from the command '%s': %s", s->w, s->h, s->command,
                 s->last_failure);
    else
        snprintf(buf, len, "I420 %dx%d from the command '%s'", s->w, s->h, s->command);
}

static void cmd_free(void *impl)
{
    cmd_src *s = impl;
    if (!s)
        return;
    cmd_stop(s);
    free(s->buf);
    free(s->grey);
    free(s);
}

static const framesrc_ops cmd_ops = {"command", cmd_next, cmd_state, cmd_free, cmd_describe};

framesrc *framesrc_command_open(const char *command, int width, int height, int fps, char *err,
                                size_t err_len)
{
    /* I420 needs even sizes: the chroma planes are (w/2)x(h/2) */
    if (!command || command[0] == '\0' || width < 16 || height < 16 || width > 4096 ||
        height > 4096 || (width & 1) || (height & 1) || fps < 1 || fps > 120) {
        if (err)
            snprintf(err, err_len,
                     "camera: source = command needs a command, an even size of "
                     "16..4096 and fps 1..120");
        return NULL;
    }
    cmd_src *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (!lk_strlcpy(s->command, command, sizeof s->command)) {
        free(s);
        if (err)
            snprintf(err, err_len, "camera: command too long");
        return NULL;
    }
    s->w = width;
    s->h = height;
    s->period_ms = 1000 / fps;
    s->frame_len = (size_t)width * (size_t)height * 3 / 2;
    s->buf = malloc(s->frame_len);
    s->grey = malloc((size_t)width * (size_t)height);
    if (!s->buf || !s->grey) {
        free(s->buf);
        free(s->grey);
        free(s);
        return NULL;
    }
    s->fd = -1;
    s->state = FRAMESRC_NOT_FOUND;
    s->retry_ms = 0; /* the first next() starts it */
    return framesrc_from_ops(&cmd_ops, s);
}
