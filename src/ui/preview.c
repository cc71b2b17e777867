/* The camera preview texture: see preview.h. */
#include "ui/preview.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define PREVIEW_MAX_W 2048 /* widest preview texture (column table on the stack) */
/* Change detection: one brightness sample per PREVIEW_CELL x PREVIEW_CELL texture
 * pixels, PREVIEW_TILE x PREVIEW_TILE samples a tile (16 x 16 pixels). */
#define PREVIEW_CELL 4
#define PREVIEW_TILE 4
#define PREVIEW_STEP 32         /* a sample changed by more than this moved */
#define PREVIEW_HITS 3          /* this many moved samples make a changed tile */
#define PREVIEW_DRIFT 12        /* a tile whose samples moved this much on average changed */
#define PREVIEW_REFRESH_MS 10000 /* the whole picture at least this often */

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
    free(p->samples);
    free(p->cell_x);
    p->samples = NULL;
    p->cell_x = p->cell_y = NULL;
    p->src_w = p->src_h = 0;
    p->w = p->h = p->cells_w = p->cells_h = 0;
    p->seq = 0;
    p->refresh_ms = 0;
}

void preview_attach(preview *p, SDL_Window *win, SDL_Renderer *ren)
{
    preview_release(p);
    p->ren = ren;
    p->fmt = window_format(win);
    p->retained = renderer_retains(ren);
}

/* Converts the frame into the texture pixels of rect (texture coordinates),
 * written at dst with pitch: straight into the texture's own 32-bit pixels and
 * already shrunk to the size it is shown at (each pixel the mean of a 2x2 block,
 * enough against shimmer at these ratios). So there is no RGB24 texture, which
 * the software renderer would convert and scale pixel by pixel on every draw,
 * and no intermediate buffer. */
static void convert_rect(const preview *p, const lk_frame *fr, SDL_Rect rect, void *pixels,
                         int pitch)
{
    int tw = p->w, th = p->h;
    assert(tw <= PREVIEW_MAX_W); /* fit_size caps it: the column tables are that long */
    /* Source columns once per call, not a division per pixel. */
    int cx0[PREVIEW_MAX_W], cx1[PREVIEW_MAX_W];
    for (int x = rect.x; x < rect.x + rect.w; x++) {
        cx0[x] = (int)((int64_t)x * fr->width / tw);
        cx1[x] = cx0[x] + 1 < fr->width && tw < fr->width ? cx0[x] + 1 : cx0[x];
    }
    for (int y = rect.y; y < rect.y + rect.h; y++) {
        Uint32 *dst = (Uint32 *)(void *)((uint8_t *)pixels + (size_t)(y - rect.y) * (size_t)pitch);
        dst -= rect.x;
        int y0 = (int)((int64_t)y * fr->height / th);
        int y1 = y0 + 1 < fr->height && th < fr->height ? y0 + 1 : y0;
        if (fr->rgb) {
            const uint8_t *r0 = fr->rgb + (size_t)y0 * (size_t)fr->width * 3;
            const uint8_t *r1 = fr->rgb + (size_t)y1 * (size_t)fr->width * 3;
            for (int x = rect.x; x < rect.x + rect.w; x++) {
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
            for (int x = rect.x; x < rect.x + rect.w; x++) {
                Uint32 v = (Uint32)(r0[cx0[x]] + r0[cx1[x]] + r1[cx0[x]] + r1[cx1[x]]) >> 2;
                dst[x] = 0xFF000000u | v * 0x010101u;
            }
        }
    }
}

/* Where in the frame each sample cell's centre lies: the column of each cell
 * column and the row offset of each cell row, made once for a frame size, so a
 * sample costs two loads and no division. False when out of memory. */
static bool cell_tables(preview *p, const lk_frame *fr)
{
    if (p->cell_x && p->src_w == fr->width && p->src_h == fr->height)
        return true;
    free(p->cell_x);
    p->cell_x = malloc(((size_t)p->cells_w + (size_t)p->cells_h) * sizeof *p->cell_x);
    if (!p->cell_x)
        return false;
    p->cell_y = p->cell_x + p->cells_w;
    for (int c = 0; c < p->cells_w; c++) {
        int x = c * PREVIEW_CELL + PREVIEW_CELL / 2 < p->w ? c * PREVIEW_CELL + PREVIEW_CELL / 2
                                                           : p->w - 1;
        p->cell_x[c] = (size_t)((int64_t)x * fr->width / p->w);
    }
    for (int c = 0; c < p->cells_h; c++) {
        int y = c * PREVIEW_CELL + PREVIEW_CELL / 2 < p->h ? c * PREVIEW_CELL + PREVIEW_CELL / 2
                                                           : p->h - 1;
        p->cell_y[c] = (size_t)((int64_t)y * fr->height / p->h) * (size_t)fr->width;
    }
    p->src_w = fr->width;
    p->src_h = fr->height;
    return true;
}

/* The frame's brightness at the centre of sample cell (cx, cy) of the texture. */
static inline uint8_t sample_at(const preview *p, const lk_frame *fr, int cx, int cy)
{
    size_t i = p->cell_y[cy] + p->cell_x[cx];
    if (!fr->rgb)
        return fr->grey[i];
    const uint8_t *c = fr->rgb + 3 * i;
    return (uint8_t)((c[0] + 2 * c[1] + c[2]) >> 2);
}

/* The part of the texture whose picture changed since it was last uploaded, in
 * whole tiles (false: none). A tile changed when at least PREVIEW_HITS of its
 * samples moved by more than PREVIEW_STEP, or when they moved by more than
 * PREVIEW_DRIFT on average (light coming up slowly): sensor noise (a few levels,
 * now and then one sample far out, averaging out over a tile) changes none,
 * anything that moves in front of the camera changes many. Cost: one sample per
 * PREVIEW_CELL x PREVIEW_CELL pixels. */
static bool changed_rect(const preview *p, const lk_frame *fr, SDL_Rect *out)
{
    int tiles_x = (p->cells_w + PREVIEW_TILE - 1) / PREVIEW_TILE;
    int tiles_y = (p->cells_h + PREVIEW_TILE - 1) / PREVIEW_TILE;
    int x0 = tiles_x, x1 = -1, y0 = tiles_y, y1 = -1;
    for (int ty = 0; ty < tiles_y; ty++) {
        for (int tx = 0; tx < tiles_x; tx++) {
            if (tx >= x0 && tx <= x1 && ty >= y0 && ty <= y1)
                continue; /* inside the rectangle already */
            int hits = 0, sum = 0;
            for (int cy = ty * PREVIEW_TILE; cy < (ty + 1) * PREVIEW_TILE && cy < p->cells_h;
                 cy++) {
                const uint8_t *old = p->samples + (size_t)cy * (size_t)p->cells_w;
                for (int cx = tx * PREVIEW_TILE; cx < (tx + 1) * PREVIEW_TILE && cx < p->cells_w;
                     cx++) {
                    int d = (int)sample_at(p, fr, cx, cy) - (int)old[cx];
                    hits += d > PREVIEW_STEP || d < -PREVIEW_STEP;
                    sum += d;
                }
            }
            int drift = PREVIEW_DRIFT * PREVIEW_TILE * PREVIEW_TILE;
            if (hits >= PREVIEW_HITS || sum > drift || sum < -drift) {
                x0 = tx < x0 ? tx : x0;
                x1 = tx > x1 ? tx : x1;
                y0 = ty < y0 ? ty : y0;
                y1 = ty > y1 ? ty : y1;
            }
        }
    }
    if (x1 < 0)
        return false;
    /* One tile more on each side: the edge of something moving may cover too
     * few samples of the next tile to count, and each pixel mixes its right and
     * lower neighbours' source pixels in. */
    x0 = x0 > 0 ? x0 - 1 : 0;
    y0 = y0 > 0 ? y0 - 1 : 0;
    x1++;
    y1++;
    int px = PREVIEW_TILE * PREVIEW_CELL;
    out->x = x0 * px;
    out->y = y0 * px;
    out->w = ((x1 + 1) * px < p->w ? (x1 + 1) * px : p->w) - out->x;
    out->h = ((y1 + 1) * px < p->h ? (y1 + 1) * px : p->h) - out->y;
    return true;
}

/* Uploads rect of the frame and keeps the samples it was judged by. */
static void upload_rect(preview *p, const lk_frame *fr, SDL_Rect rect)
{
    void *pixels;
    int pitch;
    if (SDL_LockTexture(p->tex, &rect, &pixels, &pitch) != 0)
        return;
    convert_rect(p, fr, rect, pixels, pitch);
    SDL_UnlockTexture(p->tex);
    int c0 = rect.x / PREVIEW_CELL, c1 = (rect.x + rect.w + PREVIEW_CELL - 1) / PREVIEW_CELL;
    int r0 = rect.y / PREVIEW_CELL, r1 = (rect.y + rect.h + PREVIEW_CELL - 1) / PREVIEW_CELL;
    for (int cy = r0; cy < r1 && cy < p->cells_h; cy++)
        for (int cx = c0; cx < c1 && cx < p->cells_w; cx++)
            p->samples[(size_t)cy * (size_t)p->cells_w + (size_t)cx] = sample_at(p, fr, cx, cy);
    p->uploaded_px += (uint64_t)rect.w * (uint64_t)rect.h;
    p->uploads++;
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

/* The newest frame into the texture (the scanner's lock held). Returns true when
 * the texture was made anew. */
static bool take_frame(preview *p, const lk_frame *fr, const SDL_Rect *box, int64_t now_ms)
{
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
            p->cells_w = (tw + PREVIEW_CELL - 1) / PREVIEW_CELL;
            p->cells_h = (th + PREVIEW_CELL - 1) / PREVIEW_CELL;
            free(p->samples);
            p->samples = malloc((size_t)p->cells_w * (size_t)p->cells_h);
            free(p->cell_x);
            p->cell_x = p->cell_y = NULL;
            fresh = true;
        }
        SDL_Rect rect = {0, 0, tw, th};
        /* The whole picture when it is new and once every PREVIEW_REFRESH_MS (a
         * small change below the thresholds shows within that); else only the
         * tiles that changed, and nothing at all when none did. */
        bool all = fresh || now_ms >= p->refresh_ms;
        if (p->tex && p->samples && cell_tables(p, fr) && (all || changed_rect(p, fr, &rect))) {
            upload_rect(p, fr, rect);
            p->dirty = true;
            if (all)
                p->refresh_ms = now_ms + PREVIEW_REFRESH_MS;
        }
        p->seq = fr->seq;
    }
    return fresh;
}

bool preview_update(preview *p, scanner *sc, const SDL_Rect *box, int fps, int64_t now_ms)
{
    if (!sc || now_ms < p->next_ms)
        return false;
    p->next_ms = now_ms + 1000 / (fps > 0 ? fps : 1);
    const lk_frame *fr = scanner_preview_lock(sc);
    if (!fr)
        return false;
    bool fresh = take_frame(p, fr, box, now_ms);
    scanner_preview_unlock(sc);
    return fresh;
}

long preview_verify(preview *p, scanner *sc, const SDL_Rect *box)
{
    const lk_frame *fr = sc ? scanner_preview_lock(sc) : NULL;
    if (!fr)
        return -1;
    long diff = -1;
    (void)take_frame(p, fr, box, INT64_MIN); /* only what changed, no refresh */
    void *pixels;
    int pitch;
    Uint32 *want = p->tex && fr->seq == p->seq ? malloc((size_t)p->w * (size_t)p->h * 4) : NULL;
    if (want && SDL_LockTexture(p->tex, NULL, &pixels, &pitch) == 0) {
        convert_rect(p, fr, (SDL_Rect){0, 0, p->w, p->h}, want, p->w * 4);
        diff = 0;
        for (int y = 0; y < p->h; y++) {
            const Uint32 *got =
                (const Uint32 *)(const void *)((const uint8_t *)pixels + (size_t)y * (size_t)pitch);
            for (int x = 0; x < p->w; x++)
                diff += got[x] != want[(size_t)y * (size_t)p->w + (size_t)x];
        }
        SDL_UnlockTexture(p->tex);
    }
    free(want);
    scanner_preview_unlock(sc);
    return diff;
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
        /* Copied 1:1 over the whole output: no blending, no filtering (an
         * ARGB texture blends by default, and a GPU without shaders to spare
         * pays for every one of the output's pixels twice). */
        if (p->base) {
            SDL_SetTextureBlendMode(p->base, SDL_BLENDMODE_NONE);
            SDL_SetTextureScaleMode(p->base, SDL_ScaleModeNearest);
        }
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
