/* Frames: a full frame of the screen, a frame in which only the camera preview
 * changed, the done-screen QR texture, and a new window for another size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lobkiosk/qrcode.h"
#include "lobkiosk/util.h"
#include "ui/kiosk_int.h"

/* The done-screen QR: the dossier URL template with {issuer}, {subject}, {event}
 * filled in. Only the pseudonymous subject goes in, never a name. */
void kiosk_make_qr(kiosk *k)
{
    if (k->qr) {
        SDL_DestroyTexture(k->qr);
        k->qr = NULL;
    }
    const char *tpl = k->cfg->ui.dossier_url;
    const checkin_result *r = &k->f.scan;
    if (!tpl[0] || !r->who.subject[0])
        return;
    const char *vars[][2] = {{"{issuer}", r->who.issuer},
                             {"{subject}", r->who.subject},
                             {"{event}", r->exp.event_id[0] ? r->exp.event_id : k->ev_id}};
    char url[CONFIG_PATH_MAX + 64];
    size_t n = 0;
    for (const char *p = tpl; *p && n + 1 < sizeof url;) {
        bool done = false;
        for (size_t i = 0; i < 3 && !done; i++) {
            size_t l = strlen(vars[i][0]);
            if (strncmp(p, vars[i][0], l) == 0) {
                int w = snprintf(url + n, sizeof url - n, "%s", vars[i][1]);
                n += w > 0 ? (size_t)w : 0;
                if (n >= sizeof url)
                    n = sizeof url - 1;
                p += l;
                done = true;
            }
        }
        if (!done)
            url[n++] = *p++;
    }
    url[n] = '\0';
    /* One pixel a module: the screen scales it up without smoothing. */
    SDL_Surface *s = qrcode_surface(url, 2, 1, 0x000000, 0xFFFFFF);
    if (!s)
        return;
    k->qr = SDL_CreateTextureFromSurface(k->ren, s);
    if (k->qr)
        SDL_SetTextureScaleMode(k->qr, SDL_ScaleModeNearest);
    SDL_FreeSurface(s);
}

/* The camera's newest frame into the preview, at most at the preview rate. */
void kiosk_update_preview(kiosk *k)
{
    if (!k->sc || k->f.screen != FLOW_IDLE)
        return;
    int64_t now = lk_mono_ms();
    if (now < k->pv.next_ms)
        return;
    int fps = k->cfg->camera.fps > 0 && k->cfg->camera.fps < LK_UI_PREVIEW_FPS ? k->cfg->camera.fps
                                                                               : LK_UI_PREVIEW_FPS;
    const SDL_Rect *box = k->scr.has_preview ? &k->scr.preview_box : NULL;
    uint64_t seq = k->pv.seq;
    if (preview_update(&k->pv, k->sc, box, fps, now))
        k->dirty = true; /* a new texture: draw the whole frame once */
    if (k->pv.seq != seq && k->v.camera != FRAMESRC_OK) {
        /* A frame came: the camera works now, whatever the last status refresh
         * saw (a source reads "not found" until its first try). Say so at once,
         * not a second later. */
        framesrc_state cam = scanner_camera_state(k->sc);
        if (cam != k->v.camera) {
            k->v.camera = cam;
            k->dirty = true;
        }
    }
    k->v.preview = k->pv.tex;
    k->v.preview_w = k->pv.w;
    k->v.preview_h = k->pv.h;
    bool seen = now < k->hit_until;
    if (seen != k->v.code_seen)
        k->pv.dirty = true;
    k->v.code_seen = seen;
}

/* A turned screen ([ui] rotate): the UI is drawn into k->rot_tex at its own
 * size (the output's, sides swapped at 90 and 270), which is then copied onto
 * the output turned clockwise. Returns false (draw unturned) when the renderer
 * cannot make the texture. */
static bool rot_begin(kiosk *k, int ow, int oh)
{
    int w = k->rot % 180 ? oh : ow, h = k->rot % 180 ? ow : oh, tw = 0, th = 0;
    if (k->rot_tex && (SDL_QueryTexture(k->rot_tex, NULL, NULL, &tw, &th) != 0 || tw != w || th != h)) {
        SDL_DestroyTexture(k->rot_tex);
        k->rot_tex = NULL;
    }
    if (!k->rot_tex) {
        k->rot_tex = SDL_CreateTexture(k->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w, h);
        if (!k->rot_tex) {
            fprintf(stderr, "lobkiosk: rotate = %d: %s; drawing unturned\n", k->rot, SDL_GetError());
            k->rot = 0;
            return false;
        }
    }
    return SDL_SetRenderTarget(k->ren, k->rot_tex) == 0;
}

static void rot_end(kiosk *k, int ow, int oh)
{
    int w = k->rot % 180 ? oh : ow, h = k->rot % 180 ? ow : oh;
    SDL_SetRenderTarget(k->ren, NULL);
    /* Centred on the output: turned about its centre, it covers it exactly. */
    SDL_FRect dst = {(float)(ow - w) / 2.0f, (float)(oh - h) / 2.0f, (float)w, (float)h};
    SDL_RenderCopyExF(k->ren, k->rot_tex, NULL, &dst, (double)k->rot, NULL, SDL_FLIP_NONE);
}

/* Only the preview changed: redraw its rectangle, on the kept frame or on a copy
 * of the last full frame. Falls back to a full frame when that is not possible. */
void kiosk_render_preview(kiosk *k)
{
    int ow, oh;
    kiosk_output_size(k, &ow, &oh);
    bool ok = k->scr.has_preview && k->f.screen == FLOW_IDLE && !k->pressed[0];
    if (k->rot) /* the turned texture keeps the last full frame */
        ok = ok && k->rot_tex && rot_begin(k, ow, oh);
    else
        ok = ok && preview_begin_partial(&k->pv, k->w, k->h);
    if (!ok || !screens_draw_preview(&k->scr, &k->v)) {
        if (k->rot)
            SDL_SetRenderTarget(k->ren, NULL);
        k->dirty = true;
        return;
    }
    if (k->rot)
        rot_end(k, ow, oh);
    SDL_RenderPresent(k->ren);
    k->n_partial++;
    preview_end_partial(&k->pv);
}

void kiosk_output_size(const kiosk *k, int *w, int *h)
{
    if (SDL_GetRendererOutputSize(k->ren, w, h) != 0 || *w <= 0 || *h <= 0)
        *w = *h = 1;
}

void kiosk_render(kiosk *k)
{
    int64_t t0 = k->scan_input_ms ? lk_mono_ms() : 0;
    int ow, oh;
    kiosk_output_size(k, &ow, &oh);
    bool turned = k->rot && rot_begin(k, ow, oh);
    k->w = turned && k->rot % 180 ? oh : ow;
    k->h = turned && k->rot % 180 ? ow : oh;
    k->v.qr = k->qr;
    k->v.wall_ms = lk_now_ms();
    k->v.pressed = k->pressed[0] ? k->pressed : NULL;
    /* An idle frame with a camera on a swapping renderer goes into the base
     * texture first, so the next frames can redraw the preview alone on a copy. */
    bool base = preview_begin_full(&k->pv, !turned && k->sc && k->f.screen == FLOW_IDLE, k->w, k->h);
    screens_draw(&k->scr, &k->f, &k->v, k->w, k->h);
    if (base)
        preview_end_full(&k->pv);
    if (turned)
        rot_end(k, ow, oh);
    SDL_RenderPresent(k->ren);
    k->n_full++;
    k->dirty = false;
    if (k->opt->latency && (int)k->f.screen != k->shown)
        fprintf(stderr, "screen-shown %s\n", flow_screen_token(k->f.screen));
    k->shown = (int)k->f.screen;
    if (!k->first_frame_done) {
        k->first_frame_done = true;
        service_ready(k->svc, "showing the idle screen");
        if (k->opt->latency) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            fprintf(stderr, "first-frame-at %lld\n",
                    (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
        }
    }
    if (k->scan_input_ms) {
        /* frame-ms: this frame's own share (drawing and presenting it) */
        int64_t t1 = lk_mono_ms();
        if (k->opt->latency)
            fprintf(stderr, "frame-ms %lld\ninput-to-frame %lld ms\n", (long long)(t1 - t0),
                    (long long)(t1 - k->scan_input_ms));
        k->scan_input_ms = 0;
    }
    if (k->scan_t0) {
        double ms = (double)(SDL_GetPerformanceCounter() - k->scan_t0) * 1000.0 /
                    (double)SDL_GetPerformanceFrequency();
        if (k->opt->latency)
            fprintf(stderr, "scan-to-frame %.3f ms\n", ms);
        k->scan_t0 = 0;
    }
}

/* A new window of another size with a fresh renderer (script mode): headless
 * drivers do not resize a renderer's surface by themselves. */
void kiosk_resize(kiosk *k, int w, int h)
{
    if (k->qr)
        SDL_DestroyTexture(k->qr);
    k->qr = NULL;
    if (k->rot_tex)
        SDL_DestroyTexture(k->rot_tex);
    k->rot_tex = NULL;
    preview_release(&k->pv);
    k->v.preview = NULL;
    SDL_DestroyRenderer(k->ren);
    SDL_DestroyWindow(k->win);
    k->win = SDL_CreateWindow("lobkiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                              SDL_WINDOW_SHOWN);
    k->ren = k->win ? SDL_CreateRenderer(k->win, -1, 0) : NULL;
    if (!k->ren) {
        fprintf(stderr, "lobkiosk: renderer: %s\n", SDL_GetError());
        k->running = false;
        return;
    }
    draw_set_renderer(k->d, k->ren);
    preview_attach(&k->pv, k->win, k->ren);
    if (k->f.screen == FLOW_DONE)
        kiosk_make_qr(k);
    k->dirty = true;
}
