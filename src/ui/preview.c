/* The camera preview texture: see preview.h. */
#include "ui/preview.h"

#include <assert.h>
#include <string.h>

#define PREVIEW_MAX_W 2048 /* widest preview texture (column table on the stack) */

/* The window's pixel format when it is a plain 32-bit one (the software renderer
 * then copies the preview without converting), else ARGB8888, which every
 * renderer takes. upload_frame writes 0xAARRGGBB words: both have that layout. */
static Uint32 window_format(SDL_Window *win)
{
    Uint32 f = SDL_GetWindowPixelFormat(win);
    return f == SDL_PIXELFORMAT_RGB888 ? f : SDL_PIXELFORMAT_ARGB8888;
}

/* Whether the renderer keeps what it drew after a present: the software renderer
 * draws into the window surface itself, so a preview-only frame may draw over the
 * last one. GPU renderers swap buffers; they redraw from p->base instead. */
static bool renderer_retains(SDL_Renderer *r)
{
    SDL_RendererInfo info;
    return SDL_GetRendererInfo(r, &info) == 0 && info.name && strcmp(info.name, "software") == 0;
}

void preview_release(preview *p)
{
    if (p->tex)
        SDL_DestroyTexture(p->tex);
    if (p->base)
        SDL_DestroyTexture(p->base);
    p->tex = p->base = NULL;
    p->w = p->h = 0;
    p->seq = 0;
}

void preview_attach(preview *p, SDL_Window *win, SDL_Renderer *ren)
{
    preview_release(p);
    p->ren = ren;
    p->fmt = window_format(win);
    p->retained = renderer_retains(ren);
}

/* Copies a frame into the preview texture in one pass: converted straight into
 * the texture's own 32-bit pixels and already shrunk to the size it is shown at
 * (each pixel the mean of a 2x2 block, enough against shimmer at these ratios).
 * So there is no RGB24 texture, which the software renderer would convert and
 * scale pixel by pixel on every draw, and no intermediate buffer. */
static void upload_frame(preview *p, const lk_frame *fr)
{
    void *pixels;
    int pitch, tw = p->w, th = p->h;
    assert(tw <= PREVIEW_MAX_W); /* fit_size caps it: the column tables are that long */
    if (SDL_LockTexture(p->tex, NULL, &pixels, &pitch) != 0)
        return;
    /* Source columns once per frame, not a division per pixel. */
    int cx0[PREVIEW_MAX_W], cx1[PREVIEW_MAX_W];
    for (int x = 0; x < tw; x++) {
        cx0[x] = (int)((int64_t)x * fr->width / tw);
        cx1[x] = cx0[x] + 1 < fr->width && tw < fr->width ? cx0[x] + 1 : cx0[x];
    }
    for (int y = 0; y < th; y++) {
        Uint32 *dst = (Uint32 *)(void *)((uint8_t *)pixels + (size_t)y * (size_t)pitch);
        int y0 = (int)((int64_t)y * fr->height / th);
        int y1 = y0 + 1 < fr->height && th < fr->height ? y0 + 1 : y0;
        if (fr->rgb) {
            const uint8_t *r0 = fr->rgb + (size_t)y0 * (size_t)fr->width * 3;
            const uint8_t *r1 = fr->rgb + (size_t)y1 * (size_t)fr->width * 3;
            for (int x = 0; x < tw; x++) {
                const uint8_t *a = r0 + 3 * cx0[x], *b = r0 + 3 * cx1[x];
                const uint8_t *c = r1 + 3 * cx0[x], *e = r1 + 3 * cx1[x];
                Uint32 r = (Uint32)(a[0] + b[0] + c[0] + e[0]) >> 2;
                Uint32 g = (Uint32)(a[1] + b[1] + c[1] + e[1]) >> 2;
                Uint32 bl = (Uint32)(a[2] + b[2] + c[2] + e[2]) >> 2;
                dst[x] = 0xFF000000u | r << 16 | g << 8 | bl;
            }
        } else {
            const uint8_t *r0 = fr->grey + (size_t)y0 * (size_t)fr->width;
            const uint8_t *r1 = fr->grey + (size_t)y1 * (size_t)fr->width;
            for (int x = 0; x < tw; x++) {
                Uint32 v = (Uint32)(r0[cx0[x]] + r0[cx1[x]] + r1[cx0[x]] + r1[cx1[x]]) >> 2;
                dst[x] = 0xFF000000u | v * 0x010101u;
            }
        }
    }
    SDL_UnlockTexture(p->tex);
}

/* The size the preview is shown at: the frame fitted into box, never larger than
 * the frame (enlarging is the renderer's) and never wider than PREVIEW_MAX_W. */
static void fit_size(const SDL_Rect *box, const lk_frame *fr, int *w, int *h)
{
    double sc = 1.0;
    if (box && box->w > 0 && box->h > 0) {
        double sx = (double)box->w / fr->width, sy = (double)box->h / fr->height;
        sc = sx < sy ? sx : sy;
    }
    if (sc > 1.0)
        sc = 1.0;
    if (sc * fr->width > PREVIEW_MAX_W)
        sc = (double)PREVIEW_MAX_W / fr->width;
    *w = sc < 1.0 ? (int)(fr->width * sc) : fr->width;
    *h = sc < 1.0 ? (int)(fr->height * sc) : fr->height;
    if (*w < 1)
        *w = 1;
    if (*h < 1)
        *h = 1;
}

bool preview_update(preview *p, scanner *sc, const SDL_Rect *box, int fps, int64_t now_ms)
{
    if (!sc || now_ms < p->next_ms)
        return false;
    p->next_ms = now_ms + 1000 / (fps > 0 ? fps : 1);
    const lk_frame *fr = scanner_preview_lock(sc);
    if (!fr)
        return false;
    bool fresh = false;
    if (fr->width > 0 && fr->seq != p->seq && (fr->rgb || fr->grey)) {
        int tw, th;
        fit_size(box, fr, &tw, &th);
        if (!p->tex || tw != p->w || th != p->h) {
            if (p->tex)
                SDL_DestroyTexture(p->tex);
            p->tex = SDL_CreateTexture(p->ren, p->fmt, SDL_TEXTUREACCESS_STREAMING, tw, th);
            /* Opaque pixels: a straight copy, no per-pixel blending. */
            if (p->tex)
                SDL_SetTextureBlendMode(p->tex, SDL_BLENDMODE_NONE);
            p->w = tw;
            p->h = th;
            fresh = true;
        }
        if (p->tex)
            upload_frame(p, fr);
        p->seq = fr->seq;
        p->dirty = true;
    }
    scanner_preview_unlock(sc);
    return fresh;
}

bool preview_begin_full(preview *p, bool base, int w, int h)
{
    p->dirty = false;
    p->frames = 0;
    if (p->retained || !base)
        return false;
    if (p->base && (p->base_w != w || p->base_h != h)) {
        SDL_DestroyTexture(p->base);
        p->base = NULL;
    }
    if (!p->base) {
        p->base =
            SDL_CreateTexture(p->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w, h);
        p->base_w = w;
        p->base_h = h;
    }
    return p->base && SDL_SetRenderTarget(p->ren, p->base) == 0;
}

void preview_end_full(preview *p)
{
    SDL_SetRenderTarget(p->ren, NULL);
    SDL_RenderCopy(p->ren, p->base, NULL, NULL);
}

bool preview_begin_partial(preview *p, int w, int h)
{
    int ow = 0, oh = 0;
    SDL_GetRendererOutputSize(p->ren, &ow, &oh);
    if (ow != w || oh != h)
        return false;
    if (p->retained)
        return true;
    if (!p->base || p->base_w != w || p->base_h != h)
        return false;
    SDL_RenderCopy(p->ren, p->base, NULL, NULL);
    return true;
}

void preview_end_partial(preview *p)
{
    p->dirty = false;
    p->frames++;
}
