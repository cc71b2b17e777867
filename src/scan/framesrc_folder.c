/* The folder frame source: the images of a folder played as camera frames, in
 * name order at the configured fps, looping (demo kiosks and tests). A name with
 * "@N" before the extension ("020-pass@45.png") is held for N frames. A missing
 * or empty folder behaves like an unplugged camera: not found, retried every ~2 s. */
#include <SDL.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lobkiosk/framesrc.h"
#include "lobkiosk/util.h"

#define FOLDER_RETRY_MS 2000
#define FOLDER_MAX_FILES 4096

typedef struct folder_src {
    char dir[CONFIG_PATH_MAX];
    int period_ms;          /* 1000 / fps */
    char **names;           /* sorted image file names, owned */
    size_t n_names;
    size_t cur;             /* index of the image being shown */
    long held;              /* frames the current image has been shown */
    lk_frame img;           /* current image, planes owned */
    framesrc_state state;
    int64_t next_due_ms;    /* when the next frame may be delivered */
    int64_t retry_ms;       /* when to look at the folder again */
    uint64_t seq;
} folder_src;

static void sleep_ms(int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static bool is_image(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot || name[0] == '.')
        return false;
    static const char *const exts[] = {".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm", ".pnm"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (strcasecmp(dot, exts[i]) == 0)
            return true;
    return false;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(folder_src *f)
{
    for (size_t i = 0; i < f->n_names; i++)
        free(f->names[i]);
    free(f->names);
    f->names = NULL;
    f->n_names = 0;
}

/* Frames to hold an image: the N of "name@N.ext", else 1. */
static long hold_frames(const char *name)
{
    const char *at = strrchr(name, '@');
    const char *dot = strrchr(name, '.');
    if (!at || !dot || dot < at)
        return 1;
    char num[16];
    size_t len = (size_t)(dot - at - 1);
    if (len == 0 || len >= sizeof num)
        return 1;
    memcpy(num, at + 1, len);
    num[len] = '\0';
    long n;
    return lk_parse_long(num, 1, 100000, &n) == LK_OK ? n : 1;
}

/* Reads the folder's image names; false when it is missing or holds none. */
static bool scan_folder(folder_src *f)
{
    free_names(f);
    DIR *d = opendir(f->dir);
    if (!d)
        return false;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && f->n_names < FOLDER_MAX_FILES) {
        if (!is_image(e->d_name))
            continue;
        if (f->n_names == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **nn = realloc(f->names, ncap * sizeof *nn);
            if (!nn)
                break;
            f->names = nn;
            cap = ncap;
        }
        f->names[f->n_names] = strdup(e->d_name);
        if (f->names[f->n_names])
            f->n_names++;
    }
    closedir(d);
    if (f->n_names)
        qsort(f->names, f->n_names, sizeof *f->names, cmp_names);
    return f->n_names > 0;
}

static bool load_current(folder_src *f)
{
    framesrc_frame_free(&f->img);
    char path[CONFIG_PATH_MAX + 256];
    if (!lk_path_join(path, sizeof path, f->dir, f->names[f->cur]))
        return false;
    char err[512];
    if (framesrc_load_image(path, &f->img, err, sizeof err) != LK_OK) {
        fprintf(stderr, "lobkiosk: camera folder: %s\n", err);
        return false;
    }
    return true;
}

static lk_status folder_next(void *impl, lk_frame *out, int timeout_ms)
{
    folder_src *f = impl;
    int64_t now = lk_mono_ms();
    if (f->state != FRAMESRC_OK) {
        if (now < f->retry_ms) {
            int64_t wait = f->retry_ms - now;
            sleep_ms(wait < timeout_ms ? wait : timeout_ms);
            return LK_ERR_DEVICE;
        }
        f->retry_ms = now + FOLDER_RETRY_MS;
        f->cur = 0;
        f->held = 0;
        if (!scan_folder(f) || !load_current(f)) {
            f->state = FRAMESRC_NOT_FOUND;
            return LK_ERR_DEVICE;
        }
        f->state = FRAMESRC_OK;
        f->next_due_ms = now;
    }
    if (now < f->next_due_ms) {
        int64_t wait = f->next_due_ms - now;
        if (wait > timeout_ms) {
            sleep_ms(timeout_ms);
            return LK_ERR_TIMEOUT;
        }
        sleep_ms(wait);
    }
    if (f->held >= hold_frames(f->names[f->cur])) {
        /* on to the next image; a vanished file or folder is an unplugged camera */
        f->held = 0;
        size_t prev = f->cur;
        f->cur = (f->cur + 1) % f->n_names;
        if (f->cur != prev || !f->img.grey) {
            if (!load_current(f)) {
                f->state = FRAMESRC_NOT_FOUND;
                f->retry_ms = lk_mono_ms() + FOLDER_RETRY_MS;
                return LK_ERR_DEVICE;
            }
        }
    }
    f->held++;
    /* keep the rhythm even when a frame came late */
    f->next_due_ms += f->period_ms;
    int64_t t = lk_mono_ms();
    if (f->next_due_ms < t - f->period_ms)
        f->next_due_ms = t;
    *out = f->img;
    out->t_ms = t;
    out->seq = ++f->seq;
    return LK_OK;
}

static framesrc_state folder_state(void *impl)
{
    return ((folder_src *)impl)->state;
}

static void folder_close(void *impl)
{
    folder_src *f = impl;
    if (!f)
        return;
    free_names(f);
    framesrc_frame_free(&f->img);
    free(f);
}

static void folder_describe(void *impl, char *buf, size_t len)
{
    folder_src *f = impl;
    if (f->img.grey)
        snprintf(buf, len, "images of %dx%d from the folder %s", f->img.width, f->img.height,
                 f->dir);
    else
        snprintf(buf, len, "images from the folder %s", f->dir);
}

static const framesrc_ops folder_ops = {"folder", folder_next, folder_state, folder_close,
                                        folder_describe};

framesrc *framesrc_folder_open(const char *folder, int fps, char *err, size_t err_len)
{
    if (!folder || folder[0] == '\0' || fps < 1 || fps > 1000) {
        if (err)
            snprintf(err, err_len, "camera: source = folder needs a folder and fps 1..1000");
        return NULL;
    }
    folder_src *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    if (!lk_strlcpy(f->dir, folder, sizeof f->dir)) {
        free(f);
        if (err)
            snprintf(err, err_len, "camera: folder path too long");
        return NULL;
    }
    f->period_ms = 1000 / fps;
    f->state = FRAMESRC_NOT_FOUND;
    f->retry_ms = 0; /* look at once on the first next() */
    return framesrc_from_ops(&folder_ops, f);
}
