/* Per-frame work of the camera path, for counting instructions with callgrind
 * (bench/25-frames.sh): for each 640x480 frame, grey out of I420 (the command
 * source, rpicam-vid), YUYV and MJPEG (the v4l2 source), through the kiosk's own
 * converter (framesrc_conv), then the kiosk's decoder (video mode, as the kiosk
 * runs it) and plain ZBar (zbar_scan_image on the full frame, QR only) on the
 * same grey frame.
 *
 * usage: frames idle|pass [N]
 *   idle: a room-like scene; pass: a hand-held pass moving a little in front of it.
 * Every frame gets its own sensor noise (luma and chroma), as a real camera's
 * frames differ; the frames are made, and the MJPEG encoded (4:2:2, quality 80,
 * as webcams send), before bench_measure() runs. Each measured step is its own
 * function, so callgrind_annotate --inclusive=yes gives its instructions:
 * bench_conv_i420, bench_conv_yuyv, bench_conv_mjpeg, bench_decode_lobkiosk,
 * bench_decode_zbar. Prints what was decoded, so a broken frame set shows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <zbar.h>

#include "../tests/unit/scene.h"
#include "lobkiosk/decode.h"
#include "lobkiosk/framesrc.h"

#define W 640
#define H 480

typedef struct frame_set {
    int n;
    uint8_t **i420, **yuyv, **jpeg;
    unsigned long *jpeg_len;
} frame_set;

static uint8_t grey[W * H];
static decoder *dec;
static decode_result *res;
static zbar_image_scanner_t *zs;
static framesrc_conv *c_i420, *c_yuyv, *c_mjpg;
static int found_lk, found_zbar, bad;

__attribute__((noinline)) static void bench_conv_i420(const uint8_t *src)
{
    bad += !framesrc_conv_grey(c_i420, src, (size_t)W * H * 3 / 2, grey);
}

__attribute__((noinline)) static void bench_conv_yuyv(const uint8_t *src)
{
    bad += !framesrc_conv_grey(c_yuyv, src, (size_t)W * H * 2, grey);
}

__attribute__((noinline)) static void bench_conv_mjpeg(const uint8_t *src, unsigned long len)
{
    bad += !framesrc_conv_grey(c_mjpg, src, len, grey);
}

__attribute__((noinline)) static void bench_decode_lobkiosk(const uint8_t *px)
{
    lk_frame f = {.width = W, .height = H, .grey = px};
    if (decoder_scan(dec, &f, res) == LK_OK && res->n)
        found_lk++;
}

__attribute__((noinline)) static void bench_decode_zbar(const uint8_t *px)
{
    zbar_image_t *img = zbar_image_create();
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, W, H);
    zbar_image_set_data(img, px, (unsigned long)W * H, NULL);
    if (zbar_scan_image(zs, img) > 0)
        found_zbar++;
    zbar_image_destroy(img);
}

/* What callgrind counts (--toggle-collect=bench_measure). The decoders get the
 * grey frame of the I420 source (the MJPEG one differs only by compression). */
__attribute__((noinline)) static void bench_measure(const frame_set *fs)
{
    for (int i = 0; i < fs->n; i++) {
        bench_conv_yuyv(fs->yuyv[i]);
        bench_conv_mjpeg(fs->jpeg[i], fs->jpeg_len[i]);
        bench_conv_i420(fs->i420[i]);
        bench_decode_lobkiosk(grey);
        bench_decode_zbar(grey);
    }
}

int main(int argc, char **argv)
{
    int pass = argc > 1 && strcmp(argv[1], "pass") == 0;
    int n = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 30;
    if (argc < 2 || (!pass && strcmp(argv[1], "idle") != 0) || n < 1 || n > 1000) {
        fprintf(stderr, "usage: frames idle|pass [N]\n");
        return 2;
    }
    frame_set fs = {.n = n};
    fs.i420 = calloc((size_t)n, sizeof *fs.i420);
    fs.yuyv = calloc((size_t)n, sizeof *fs.yuyv);
    fs.jpeg = calloc((size_t)n, sizeof *fs.jpeg);
    fs.jpeg_len = calloc((size_t)n, sizeof *fs.jpeg_len);
    uint8_t *bg = malloc(W * H), *y = malloc(W * H), *rgb = malloc(W * H * 3);
    res = malloc(sizeof *res);
    tjhandle tj = tjInitCompress();
    if (!fs.i420 || !fs.yuyv || !fs.jpeg || !fs.jpeg_len || !bg || !y || !rgb || !res || !tj)
        return 1;
    char payload[160];
    scene_pass_payload(payload, sizeof payload, 1);
    scene_rng r = {2024};
    scene_background(bg, W, H, SCENE_PHOTO, &r);
    for (int i = 0; i < n; i++) {
        memcpy(y, bg, W * H);
        if (pass) {
            /* a hand-held pass: it moves and turns a little every frame */
            scene_place p = {300 + (i % 7) * 3, 240 + (i % 5) * 2, 4.0, (i % 9) - 4.0, 0, 25, 230};
            scene_draw_qr(y, W, H, payload, &p);
        }
        scene_add_noise(y, (size_t)W * H, 4, &r); /* this frame's own sensor noise */
        fs.i420[i] = malloc(W * H * 3 / 2);
        fs.yuyv[i] = malloc(W * H * 2);
        if (!fs.i420[i] || !fs.yuyv[i])
            return 1;
        memcpy(fs.i420[i], y, W * H);
        for (int k = 0; k < W * H / 2; k++)
            fs.i420[i][W * H + k] = scene_clamp(128 + scene_noise(&r, 2));
        for (int k = 0; k < W * H; k++) {
            fs.yuyv[i][2 * k] = y[k];
            fs.yuyv[i][2 * k + 1] = scene_clamp(128 + scene_noise(&r, 2));
        }
        for (int k = 0; k < W * H; k++) {
            int cr = scene_noise(&r, 2), cb = scene_noise(&r, 2);
            rgb[3 * k] = scene_clamp(y[k] + cr);
            rgb[3 * k + 1] = y[k];
            rgb[3 * k + 2] = scene_clamp(y[k] + cb);
        }
        if (tjCompress2(tj, rgb, W, 0, H, TJPF_RGB, &fs.jpeg[i], &fs.jpeg_len[i], TJSAMP_422, 80,
                        0) != 0)
            return 1;
    }
    c_i420 = framesrc_conv_create(FRAMESRC_FOURCC('Y', 'U', '1', '2'), W, H, W);
    c_yuyv = framesrc_conv_create(FRAMESRC_FOURCC('Y', 'U', 'Y', 'V'), W, H, 0);
    c_mjpg = framesrc_conv_create(FRAMESRC_FOURCC('M', 'J', 'P', 'G'), W, H, 0);
    dec = decoder_create(DECODE_VIDEO);
    zs = zbar_image_scanner_create();
    if (!c_i420 || !c_yuyv || !c_mjpg || !dec || !zs)
        return 1;
    zbar_image_scanner_set_config(zs, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(zs, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    /* ZBar's first scan sets up its tables; so does the converters' JPEG handle */
    bench_measure(&(frame_set){.n = 0});

    bench_measure(&fs);

    unsigned long jsum = 0;
    for (int i = 0; i < n; i++)
        jsum += fs.jpeg_len[i];
    printf("frames: %d %s frames of %dx%d, MJPEG %lu bytes on average; decoded: ours in %d, "
           "zbar in %d; conversion failures %d\n",
           n, pass ? "pass" : "idle", W, H, jsum / (unsigned long)n, found_lk, found_zbar, bad);
    framesrc_conv_destroy(c_i420);
    framesrc_conv_destroy(c_yuyv);
    framesrc_conv_destroy(c_mjpg);
    decoder_destroy(dec);
    zbar_image_scanner_destroy(zs);
    for (int i = 0; i < n; i++) {
        free(fs.i420[i]);
        free(fs.yuyv[i]);
        tjFree(fs.jpeg[i]);
    }
    free(fs.i420);
    free(fs.yuyv);
    free(fs.jpeg);
    free(fs.jpeg_len);
    free(bg);
    free(y);
    free(rgb);
    free(res);
    tjDestroy(tj);
    return bad ? 1 : 0;
}
