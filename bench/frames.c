/* Per-frame work of the camera path, for counting instructions with callgrind
 * (bench/25-frames.sh): for each 640x480 frame, grey out of I420 (the command
 * source, rpicam-vid), YUYV and MJPEG (the v4l2 source), through the kiosk's own
 * converter (framesrc_conv), then the kiosk's decoder (video mode, as the kiosk
 * runs it) and plain ZBar (zbar_scan_image on the full frame, QR only) on the
 * same grey frame.
 *
 * usage: frames CASE [N]
 *   idle     a room-like scene, nothing moving (also measures the conversions)
 *   moving   a scene moving past the camera, 7 pixels a frame, no pass
 *   m2 m3 m4 m6  a pass held in a hand, modules of 2, 3, 4, 6 pixels
 *   fill     a pass filling the frame (its quiet zone partly out of view)
 * Every frame differs: its own sensor noise (luma and chroma), and the hand
 * wanders, turns, tilts and blurs now and then (scene_hand_frame in scene.h).
 * The frames are made, and the MJPEG encoded (4:2:2, quality 80, as webcams
 * send), before bench_measure() runs. Each measured step is its own function, so
 * callgrind_annotate --inclusive=yes gives its instructions: bench_conv_i420,
 * bench_conv_yuyv, bench_conv_mjpeg, bench_decode_lobkiosk, bench_decode_zbar.
 * Prints the frames each decoder read with the exact payload (ours: a frame it
 * skips because its scene was already read counts as read, as the kiosk keeps
 * the answer), and any wrong text. BENCH_SEED=N draws another hand and other
 * noise; BENCH_VERBOSE prints a line per frame (the pass that read it). */
#include <stdbool.h>
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
    bool conv; /* also the conversions (idle only: they do not depend on the scene) */
    uint8_t **grey, **i420, **yuyv, **jpeg;
    unsigned long *jpeg_len;
} frame_set;

static uint8_t grey[W * H];
static decoder *dec;
static decode_result *res;
static zbar_image_scanner_t *zs;
static framesrc_conv *c_i420, *c_yuyv, *c_mjpg;
static const char *payload;
static bool lk_scene_read; /* ours read the current scene (a skip keeps the answer) */
static bool verbose;       /* BENCH_VERBOSE: a line per frame */
static int read_lk, read_zbar, wrong_lk, wrong_zbar, bad;

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
    if (decoder_scan(dec, &f, res) != LK_OK) {
        bad++;
        return;
    }
    if (res->n) {
        lk_scene_read = payload && strcmp(res->sym[0].text, payload) == 0;
        wrong_lk += !lk_scene_read;
    } else if (!res->skipped) {
        lk_scene_read = false;
    }
    read_lk += lk_scene_read;
    if (verbose)
        printf("frame: finders %d pass %s passes %d read %d", res->finders, res->pass,
               res->passes_run, lk_scene_read);
}

__attribute__((noinline)) static void bench_decode_zbar(const uint8_t *px)
{
    zbar_image_t *img = zbar_image_create();
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, W, H);
    zbar_image_set_data(img, px, (unsigned long)W * H, NULL);
    if (zbar_scan_image(zs, img) > 0) {
        const zbar_symbol_t *sym = zbar_image_first_symbol(img);
        bool ok = payload && sym && strcmp(zbar_symbol_get_data(sym), payload) == 0;
        read_zbar += ok;
        wrong_zbar += !ok;
        if (verbose)
            printf(" zbar %d", ok);
    }
    if (verbose)
        printf("\n");
    zbar_image_destroy(img);
}

/* What callgrind counts (--toggle-collect=bench_measure). The decoders get the
 * grey plane as the I420 source hands it over (the MJPEG one differs only by
 * compression). */
__attribute__((noinline)) static void bench_measure(const frame_set *fs)
{
    for (int i = 0; i < fs->n; i++) {
        if (fs->conv) {
            bench_conv_yuyv(fs->yuyv[i]);
            bench_conv_mjpeg(fs->jpeg[i], fs->jpeg_len[i]);
            bench_conv_i420(fs->i420[i]);
        } else {
            memcpy(grey, fs->grey[i], sizeof grey);
        }
        bench_decode_lobkiosk(grey);
        bench_decode_zbar(grey);
    }
}

static const struct {
    const char *name;
    double module; /* 0: no pass */
    int pan;
} cases[] = {
    {"idle", 0, 0},
    {"moving", 0, 7},
    {"m2", 2.0, 0},
    {"m3", 3.0, 0},
    {"m4", 4.0, 0},
    {"m6", 6.0, 0},
    {"fill", 480.0 / (SCENE_PASS_SPAN - 4), 0},
};

/* The converters' inputs for one grey frame y, with chroma noise of their own. */
static int make_conv_inputs(frame_set *fs, int i, const uint8_t *y, uint8_t *rgb, tjhandle tj,
                            scene_rng *r)
{
    fs->i420[i] = malloc(W * H * 3 / 2);
    fs->yuyv[i] = malloc(W * H * 2);
    if (!fs->i420[i] || !fs->yuyv[i])
        return -1;
    memcpy(fs->i420[i], y, W * H);
    for (int k = 0; k < W * H / 2; k++)
        fs->i420[i][W * H + k] = scene_clamp(128 + scene_noise(r, 2));
    for (int k = 0; k < W * H; k++) {
        fs->yuyv[i][2 * k] = y[k];
        fs->yuyv[i][2 * k + 1] = scene_clamp(128 + scene_noise(r, 2));
    }
    for (int k = 0; k < W * H; k++) {
        int cr = scene_noise(r, 2), cb = scene_noise(r, 2);
        rgb[3 * k] = scene_clamp(y[k] + cr);
        rgb[3 * k + 1] = y[k];
        rgb[3 * k + 2] = scene_clamp(y[k] + cb);
    }
    return tjCompress2(tj, rgb, W, 0, H, TJPF_RGB, &fs->jpeg[i], &fs->jpeg_len[i], TJSAMP_422, 80,
                       0);
}

int main(int argc, char **argv)
{
    int c = -1;
    for (size_t k = 0; argc > 1 && k < sizeof cases / sizeof cases[0]; k++)
        if (strcmp(argv[1], cases[k].name) == 0)
            c = (int)k;
    int n = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 30;
    if (c < 0 || n < 1 || n > 1000) {
        fprintf(stderr, "usage: frames idle|moving|m2|m3|m4|m6|fill [N]\n");
        return 2;
    }
    frame_set fs = {.n = n, .conv = c == 0};
    verbose = getenv("BENCH_VERBOSE") != NULL;
    fs.grey = calloc((size_t)n, sizeof *fs.grey);
    fs.i420 = calloc((size_t)n, sizeof *fs.i420);
    fs.yuyv = calloc((size_t)n, sizeof *fs.yuyv);
    fs.jpeg = calloc((size_t)n, sizeof *fs.jpeg);
    fs.jpeg_len = calloc((size_t)n, sizeof *fs.jpeg_len);
    uint8_t *bg = malloc(W * H), *tmp = malloc(W * H), *rgb = malloc(W * H * 3);
    res = malloc(sizeof *res);
    tjhandle tj = tjInitCompress();
    if (!fs.grey || !fs.i420 || !fs.yuyv || !fs.jpeg || !fs.jpeg_len || !bg || !tmp || !rgb ||
        !res || !tj)
        return 1;
    static char text[160];
    scene_pass_payload(text, sizeof text, 1);
    payload = cases[c].module > 0 ? text : NULL;
    scene_rng r = {2024};
    scene_background(bg, W, H, SCENE_PHOTO, &r);
    scene_hand hand;
    /* BENCH_SEED: another hand (and noise) than the bench's own */
    uint64_t seed = getenv("BENCH_SEED") ? strtoull(getenv("BENCH_SEED"), NULL, 10) : 0;
    scene_hand_init(&hand, cases[c].module, cases[c].pan, W, H, 500 + (uint64_t)c + seed * 1000);
    for (int i = 0; i < n; i++) {
        if (!(fs.grey[i] = malloc(W * H)))
            return 1;
        scene_hand_frame(&hand, fs.grey[i], bg, W, H, text, tmp);
        if (fs.conv && make_conv_inputs(&fs, i, fs.grey[i], rgb, tj, &r) != 0)
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
    printf("%s: %d frames of %dx%d; read: ours %d, zbar %d; wrong text: ours %d, zbar %d; "
           "conversion failures %d",
           cases[c].name, n, W, H, read_lk, read_zbar, wrong_lk, wrong_zbar, bad);
    if (fs.conv)
        printf("; MJPEG %lu bytes on average", jsum / (unsigned long)n);
    printf("\n");
    framesrc_conv_destroy(c_i420);
    framesrc_conv_destroy(c_yuyv);
    framesrc_conv_destroy(c_mjpg);
    decoder_destroy(dec);
    zbar_image_scanner_destroy(zs);
    for (int i = 0; i < n; i++) {
        free(fs.grey[i]);
        free(fs.i420[i]);
        free(fs.yuyv[i]);
        tjFree(fs.jpeg[i]);
    }
    free(fs.grey);
    free(fs.i420);
    free(fs.yuyv);
    free(fs.jpeg);
    free(fs.jpeg_len);
    free(bg);
    free(tmp);
    free(rgb);
    free(res);
    tjDestroy(tj);
    return bad || wrong_lk ? 1 : 0;
}
