/* Synthetic camera scenes for the decoder's tests and benchmark: backgrounds
 * (sensor noise, a photo-like texture, a flat wall) and a pass rendered with
 * libqrencode, placed scaled, rotated, perspective-warped, then blurred, noised,
 * flattened or inverted. Deterministic: every random draw comes from a seed. */
#ifndef LOBKIOSK_TEST_SCENE_H
#define LOBKIOSK_TEST_SCENE_H

#include <math.h>
#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct scene_rng {
    uint64_t s;
} scene_rng;

static inline uint32_t scene_rand(scene_rng *r)
{
    /* xorshift64*: small, fast, reproducible */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return (uint32_t)((r->s * 2685821657736338717ULL) >> 32);
}

/* roughly normal noise with the given sigma (sum of 4 uniforms) */
static inline int scene_noise(scene_rng *r, int sigma)
{
    int sum = 0;
    for (int i = 0; i < 4; i++)
        sum += (int)(scene_rand(r) & 0xFF) - 128;
    return sum * sigma / 148;
}

static inline uint8_t scene_clamp(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* A pass-sized payload: the fixed fields and 103 base32 signature characters. */
static inline void scene_pass_payload(char *out, size_t len, uint64_t seed)
{
    static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    scene_rng r = {seed * 0x9E3779B97F4A7C15ULL + 1};
    const char *head = "LOB1.00AA.S.123456.20270731.K1.";
    size_t n = strlen(head);
    if (len < n + 104)
        return;
    memcpy(out, head, n);
    for (size_t i = 0; i < 103; i++)
        out[n + i] = b32[scene_rand(&r) % 32];
    out[n + 103] = '\0';
}

enum { SCENE_FLAT, SCENE_NOISE, SCENE_PHOTO };

/* Fills a w x h background. */
static inline void scene_background(uint8_t *px, int w, int h, int kind, scene_rng *r)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int v;
            if (kind == SCENE_FLAT)
                v = 170;
            else if (kind == SCENE_NOISE)
                v = 60 + scene_noise(r, 25);
            else /* gradients, soft shapes and fine texture, like a room */
                v = 90 + x * 80 / w + (int)(40 * sin(x * 0.031) * cos(y * 0.023)) +
                    (((x / 37) ^ (y / 29)) & 1) * 25 + (int)(12 * sin(x * 0.9 + y * 0.7));
            px[(size_t)y * (size_t)w + (size_t)x] = scene_clamp(v);
        }
}

/* How a code is placed. */
typedef struct scene_place {
    double cx, cy;      /* centre in pixels */
    double module;      /* module size in pixels */
    double angle;       /* degrees */
    double persp;       /* 0 = none; 0.3 = the top edge about 0.3x narrower than the bottom */
    int dark, light;    /* grey of dark and light modules */
} scene_place;

/* Draws the QR code of text (QR_ECLEVEL_M) into px with a 4-module quiet zone,
 * supersampled 3x3. Returns 0, or -1 when libqrencode fails. */
static inline int scene_draw_qr(uint8_t *px, int w, int h, const char *text, const scene_place *p)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return -1;
    int n = qr->width, q = 4, tot = n + 2 * q;
    double half = tot * p->module / 2.0;
    double a = p->angle * M_PI / 180.0, ca = cos(a), sa = sin(a);
    double reach = half * 1.5 * (1 + p->persp);
    int x0 = (int)(p->cx - reach), x1 = (int)(p->cx + reach);
    int y0 = (int)(p->cy - reach), y1 = (int)(p->cy + reach);
    for (int y = y0 < 0 ? 0 : y0; y < (y1 > h ? h : y1); y++)
        for (int x = x0 < 0 ? 0 : x0; x < (x1 > w ? w : x1); x++) {
            int sum = 0, inside = 0;
            for (int sy = 0; sy < 3; sy++)
                for (int sx = 0; sx < 3; sx++) {
                    double dx = x + (sx + 0.5) / 3 - p->cx, dy = y + (sy + 0.5) / 3 - p->cy;
                    double X = dx * ca + dy * sa, Y = -dx * sa + dy * ca;
                    /* a true homography (the code tilted back about its horizontal
                     * axis): X = u / d, Y = v / d with d = 1 - k v, inverted here */
                    double k = p->persp / half;
                    if (1 + k * Y <= 0.05)
                        continue;
                    double v = Y / (1 + k * Y), u = X * (1 - k * v);
                    double mu = (u + half) / p->module, mv = (v + half) / p->module;
                    if (mu < 0 || mv < 0 || mu >= tot || mv >= tot)
                        continue;
                    inside++;
                    int i = (int)mu - q, j = (int)mv - q;
                    int dark = i >= 0 && j >= 0 && i < n && j < n && (qr->data[j * n + i] & 1);
                    sum += dark ? p->dark : p->light;
                }
            if (inside) {
                size_t k = (size_t)y * (size_t)w + (size_t)x;
                px[k] = scene_clamp((sum + px[k] * (9 - inside)) / 9);
            }
        }
    QRcode_free(qr);
    return 0;
}

/* 3x3 box blur, passes times. tmp holds w*h bytes. */
static inline void scene_blur(uint8_t *px, uint8_t *tmp, int w, int h, int passes)
{
    for (int p = 0; p < passes; p++) {
        memcpy(tmp, px, (size_t)w * (size_t)h);
        for (int y = 1; y < h - 1; y++)
            for (int x = 1; x < w - 1; x++) {
                int s = 0;
                for (int j = -1; j <= 1; j++)
                    for (int i = -1; i <= 1; i++)
                        s += tmp[(size_t)(y + j) * (size_t)w + (size_t)(x + i)];
                px[(size_t)y * (size_t)w + (size_t)x] = (uint8_t)((s + 4) / 9);
            }
    }
}

static inline void scene_add_noise(uint8_t *px, size_t n, int sigma, scene_rng *r)
{
    for (size_t i = 0; i < n; i++)
        px[i] = scene_clamp(px[i] + scene_noise(r, sigma));
}

static inline void scene_invert(uint8_t *px, size_t n)
{
    for (size_t i = 0; i < n; i++)
        px[i] = (uint8_t)(255 - px[i]);
}

/* Modules across a pass's code (version 6) and its 4-module quiet zones. */
#define SCENE_PASS_MODULES 41
#define SCENE_PASS_SPAN (SCENE_PASS_MODULES + 8)

/* A pass held in a hand in front of a fixed camera, as a sequence of frames that
 * all differ: the hand wanders (a random walk pulled back to the middle), turns
 * and tilts a little, now and then moves fast enough to blur, the exposure
 * flickers, and every frame has its own sensor noise. module <= 0 draws no pass:
 * then the frames are the background with sensor noise only, or (pan != 0) a
 * scene moving past the camera by pan pixels a frame. */
typedef struct scene_hand {
    double module, cx, cy, angle, persp;
    int pan, frame;
    scene_rng r;
} scene_hand;

static inline void scene_hand_init(scene_hand *s, double module, int pan, int w, int h,
                                   uint64_t seed)
{
    *s = (scene_hand){.module = module,
                      .cx = w / 2.0,
                      .cy = h / 2.0,
                      .pan = pan,
                      .r = {seed * 0x9E3779B97F4A7C15ULL + 7}};
}

/* Frame number s->frame of the sequence into px (w x h) over the background bg;
 * tmp holds w*h bytes. */
static inline void scene_hand_frame(scene_hand *s, uint8_t *px, const uint8_t *bg, int w, int h,
                                    const char *payload, uint8_t *tmp)
{
    int i = s->frame++;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            px[(size_t)y * (size_t)w + (size_t)x] =
                bg[(size_t)y * (size_t)w + (size_t)((x + i * s->pan) % w)];
    int blur = 0;
    if (s->module > 0) {
        /* the hand: a few pixels a frame, pulled back towards the middle, kept
         * so that the code itself stays in view */
        double half = SCENE_PASS_MODULES * s->module / 2.0 * 1.2;
        double roam_x = w / 2.0 - half, roam_y = h / 2.0 - half;
        if (roam_x < 4)
            roam_x = 4;
        if (roam_y < 4)
            roam_y = 4;
        s->cx += scene_noise(&s->r, 4) - (s->cx - w / 2.0) * 0.1;
        s->cy += scene_noise(&s->r, 4) - (s->cy - h / 2.0) * 0.1;
        if (s->cx < w / 2.0 - roam_x)
            s->cx = w / 2.0 - roam_x;
        if (s->cx > w / 2.0 + roam_x)
            s->cx = w / 2.0 + roam_x;
        if (s->cy < h / 2.0 - roam_y)
            s->cy = h / 2.0 - roam_y;
        if (s->cy > h / 2.0 + roam_y)
            s->cy = h / 2.0 + roam_y;
        s->angle += scene_noise(&s->r, 3);
        if (s->angle > 20 || s->angle < -20)
            s->angle *= 0.8;
        s->persp += scene_noise(&s->r, 2) / 100.0;
        if (s->persp < 0 || s->persp > 0.1)
            s->persp = s->persp < 0 ? 0 : 0.1;
        int dark = 25 + (int)(scene_rand(&s->r) % 30), light = 200 + (int)(scene_rand(&s->r) % 35);
        scene_place p = {s->cx, s->cy, s->module, s->angle, s->persp, dark, light};
        scene_draw_qr(px, w, h, payload, &p);
        blur = scene_rand(&s->r) % 5 == 0; /* a quick move: one frame in five */
    }
    if (blur)
        scene_blur(px, tmp, w, h, 1);
    scene_add_noise(px, (size_t)w * (size_t)h, 4, &s->r);
}

#endif
