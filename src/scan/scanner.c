/* The scanner thread: frames in, hits out. It blocks in framesrc_next() (the
 * source's own timing), runs the video-mode decoder, and publishes the newest
 * hit, preview frame and camera state for the UI thread under one mutex. */
#include "lobkiosk/scanner.h"

#include <SDL_thread.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/util.h"

#define SCANNER_WAIT_MS 200     /* longest block in the source: bounds stop latency */
#define SCANNER_SAME_CODE_MS 1500 /* the same text within this is the same appearance */

/* One copy of a frame's planes for the preview: the grey plane, then the RGB24
 * plane when the frame had one. */
typedef struct preview_buf {
    uint8_t *px;
    size_t cap;
} preview_buf;

struct scanner {
    framesrc *src;             /* owned */
    decoder *dec;              /* owned, used by the thread only */
    decode_result *res;        /* thread's scratch */
    pthread_t thread;
    atomic_bool stop;
    pthread_mutex_t mu;        /* guards everything below */
    scanner_hit hit;           /* newest hit (hit.id 0 = none yet) */
    framesrc_state state;
    lk_frame preview;  /* its planes are pv[pv_front], owned */
    preview_buf pv[2]; /* front: published; back: the thread's, filled unlocked */
    int pv_front;
    scanner_stats stats;
    char last_text[DECODE_TEXT_MAX]; /* thread only: for "same appearance" */
    int64_t last_seen_ms;
};

/* Copies the frame's planes as they are (grey, and RGB when the source made it)
 * into the back buffer, which only this thread touches, so the UI never waits for
 * the copy. The UI converts only the tiles that changed (ui/preview.c), so a grey
 * camera costs one memcpy of its luma plane here. False when out of memory. */
static bool fill_back(scanner *s, const lk_frame *f)
{
    preview_buf *b = &s->pv[1 - s->pv_front];
    size_t n = (size_t)f->width * (size_t)f->height;
    size_t need = f->rgb ? 4 * n : n;
    if (b->cap < need) {
        uint8_t *p = realloc(b->px, need);
        if (!p)
            return false;
        b->px = p;
        b->cap = need;
    }
    memcpy(b->px, f->grey, n);
    if (f->rgb)
        memcpy(b->px + n, f->rgb, 3 * n);
    return true;
}

/* Makes the back buffer the preview (the lock held): a swap, no copy. */
static void publish_preview(scanner *s, const lk_frame *f)
{
    s->pv_front = 1 - s->pv_front;
    const uint8_t *px = s->pv[s->pv_front].px;
    size_t n = (size_t)f->width * (size_t)f->height;
    s->preview.width = f->width;
    s->preview.height = f->height;
    s->preview.grey = px;
    s->preview.rgb = f->rgb ? px + n : NULL;
    s->preview.t_ms = f->t_ms;
    s->preview.seq = f->seq;
}

static void *scanner_main(void *arg)
{
    scanner *s = arg;
    while (!atomic_load(&s->stop)) {
        lk_frame f;
        lk_status st = framesrc_next(s->src, &f, SCANNER_WAIT_MS);
        framesrc_state state = framesrc_get_state(s->src);
        bool filled = st == LK_OK && fill_back(s, &f);
        pthread_mutex_lock(&s->mu);
        s->state = state;
        if (st == LK_OK)
            s->stats.frames++;
        if (filled)
            publish_preview(s, &f);
        pthread_mutex_unlock(&s->mu);
        if (st != LK_OK)
            continue; /* the source slept already */
        if (decoder_scan(s->dec, &f, s->res) != LK_OK)
            continue;
        pthread_mutex_lock(&s->mu);
        if (s->res->skipped)
            s->stats.skipped++;
        else
            s->stats.scanned++;
        if (!s->res->skipped && s->res->passes_run == 0)
            s->stats.gated++;
        pthread_mutex_unlock(&s->mu);
        if (s->res->n == 0)
            continue;
        const decode_symbol *sym = &s->res->sym[0];
        int64_t now = lk_mono_ms();
        bool same = strcmp(sym->text, s->last_text) == 0 &&
                    now - s->last_seen_ms < SCANNER_SAME_CODE_MS;
        lk_strlcpy(s->last_text, sym->text, sizeof s->last_text);
        s->last_seen_ms = now;
        if (same)
            continue;
        pthread_mutex_lock(&s->mu);
        s->hit.id++;
        memcpy(s->hit.text, sym->text, sym->text_len + 1);
        s->hit.text_len = sym->text_len;
        memcpy(s->hit.corners, sym->corners, sizeof s->hit.corners);
        s->hit.frame_w = f.width;
        s->hit.frame_h = f.height;
        s->hit.t_ms = now;
        s->stats.hits++;
        pthread_mutex_unlock(&s->mu);
    }
    /* A failed image load in this thread (a folder frame that vanished) made SDL
     * allocate its per-thread error buffer (128 bytes). SDL frees that only for
     * threads it created itself, so a pthread must hand it back. */
    SDL_TLSCleanup();
    return NULL;
}

scanner *scanner_start_source(framesrc *src, char *err, size_t err_len)
{
    if (!src) {
        if (err)
            snprintf(err, err_len, "scanner: no frame source");
        return NULL;
    }
    scanner *s = calloc(1, sizeof *s);
    if (!s) {
        framesrc_close(src);
        return NULL;
    }
    s->src = src;
    s->dec = decoder_create(DECODE_VIDEO);
    s->res = malloc(sizeof *s->res);
    /* A source not tried yet reads "not found"; until the thread's first try it is
     * starting, so the screen does not say "no camera" for a working one. */
    s->state = framesrc_get_state(src);
    if (s->state == FRAMESRC_NOT_FOUND)
        s->state = FRAMESRC_RECOVERING;
    atomic_init(&s->stop, false);
    if (!s->dec || !s->res || pthread_mutex_init(&s->mu, NULL) != 0) {
        decoder_destroy(s->dec);
        free(s->res);
        framesrc_close(src);
        free(s);
        if (err)
            snprintf(err, err_len, "scanner: out of memory");
        return NULL;
    }
    if (pthread_create(&s->thread, NULL, scanner_main, s) != 0) {
        pthread_mutex_destroy(&s->mu);
        decoder_destroy(s->dec);
        free(s->res);
        framesrc_close(src);
        free(s);
        if (err)
            snprintf(err, err_len, "scanner: cannot start thread");
        return NULL;
    }
    return s;
}

scanner *scanner_start(const config_camera *cam, char *err, size_t err_len)
{
    framesrc *src = framesrc_open(cam, err, err_len);
    if (!src)
        return NULL;
    return scanner_start_source(src, err, err_len);
}

bool scanner_take_hit(scanner *s, uint64_t after_id, scanner_hit *out)
{
    if (!s || !out)
        return false;
    bool got = false;
    pthread_mutex_lock(&s->mu);
    if (s->hit.id > after_id) {
        memcpy(out, &s->hit, sizeof *out);
        got = true;
    }
    pthread_mutex_unlock(&s->mu);
    return got;
}

framesrc_state scanner_camera_state(scanner *s)
{
    if (!s)
        return FRAMESRC_NONE;
    pthread_mutex_lock(&s->mu);
    framesrc_state st = s->state;
    pthread_mutex_unlock(&s->mu);
    return st;
}

const lk_frame *scanner_preview_lock(scanner *s)
{
    if (!s)
        return NULL;
    pthread_mutex_lock(&s->mu);
    return &s->preview;
}

void scanner_preview_unlock(scanner *s)
{
    if (s)
        pthread_mutex_unlock(&s->mu);
}

scanner_stats scanner_get_stats(scanner *s)
{
    scanner_stats st = {0};
    if (!s)
        return st;
    pthread_mutex_lock(&s->mu);
    st = s->stats;
    pthread_mutex_unlock(&s->mu);
    return st;
}

void scanner_stop(scanner *s)
{
    if (!s)
        return;
    atomic_store(&s->stop, true);
    pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->mu);
    decoder_destroy(s->dec);
    free(s->res);
    free(s->pv[0].px);
    free(s->pv[1].px);
    framesrc_close(s->src);
    free(s);
}
