/* Tests of the frame sources, the scanner thread on top of them and the evdev
 * key table: none, bad configurations, a camera device that does not exist, a
 * folder that appears later (recovery), held images, hits from the thread. */
#include <SDL.h>
#include <linux/input.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <turbojpeg.h>

#include "lobkiosk/evdev.h"
#include "lobkiosk/framesrc.h"
#include "lobkiosk/scanner.h"
#include "lobkiosk/util.h"
#include "scene.h"

static void test_bad_config(void **s)
{
    (void)s;
    char err[256];
    config_camera cam = {0};
    assert_null(framesrc_open(NULL, err, sizeof err));
    framesrc *none = framesrc_open(&cam, err, sizeof err); /* "" = none */
    assert_non_null(none);
    assert_int_equal(framesrc_get_state(none), FRAMESRC_NONE);
    lk_frame f;
    assert_int_equal(framesrc_next(none, &f, 10), LK_ERR_TIMEOUT);
    assert_int_equal(framesrc_next(none, NULL, 10), LK_ERR_INVALID);
    assert_int_equal(framesrc_next(none, &f, -1), LK_ERR_INVALID);
    framesrc_close(none);
    lk_strlcpy(cam.source, "webcam", sizeof cam.source);
    cam.fps = 15;
    assert_null(framesrc_open(&cam, err, sizeof err));
    assert_non_null(strstr(err, "unknown source"));
    lk_strlcpy(cam.source, "v4l2", sizeof cam.source);
    cam.fps = 0;
    assert_null(framesrc_open(&cam, err, sizeof err));
    assert_null(framesrc_folder_open("", 15, err, sizeof err));
    config_camera bad = {.source = "v4l2", .device = "/dev/video0", .fps = 15};
    assert_null(framesrc_v4l2_open(&bad, err, sizeof err));
    assert_null(framesrc_v4l2_open(NULL, err, sizeof err));
    assert_null(framesrc_command_open("", 640, 480, 15, err, sizeof err));
    assert_null(framesrc_command_open("true", 641, 480, 15, err, sizeof err)); /* I420: even */
    assert_null(framesrc_command_open("true", 640, 480, 0, err, sizeof err));
    assert_int_equal(framesrc_next(NULL, &f, 0), LK_ERR_INVALID);
    assert_int_equal(framesrc_get_state(NULL), FRAMESRC_NONE);
    assert_string_equal(framesrc_state_token(FRAMESRC_NOT_FOUND), "not_found");
    framesrc_close(NULL);
    assert_null(framesrc_from_ops(NULL, NULL));
}

static void test_v4l2_missing_device(void **s)
{
    (void)s;
    char err[256];
    config_camera cam = {.source = "v4l2", .device = "/dev/lobkiosk-no-such-camera",
                         .width = 640, .height = 480, .fps = 15,
                         .focus = CONFIG_CAMERA_UNSET, .exposure = CONFIG_CAMERA_UNSET};
    framesrc *src = framesrc_v4l2_open(&cam, err, sizeof err);
    assert_non_null(src);
    lk_frame f;
    int64_t t0 = lk_mono_ms();
    assert_int_equal(framesrc_next(src, &f, 50), LK_ERR_DEVICE);
    assert_int_equal(framesrc_get_state(src), FRAMESRC_NOT_FOUND);
    /* while waiting to retry it sleeps, it does not spin */
    assert_int_equal(framesrc_next(src, &f, 50), LK_ERR_DEVICE);
    assert_true(lk_mono_ms() - t0 >= 40);
    framesrc_close(src);
}

/* Writes a grey image as BMP (SDL can write that without extra libraries). */
static void write_bmp(const char *path, const uint8_t *px, int w, int h)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 24, SDL_PIXELFORMAT_RGB24);
    assert_non_null(s);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = (uint8_t *)s->pixels + y * s->pitch + x * 3;
            p[0] = p[1] = p[2] = px[y * w + x];
        }
    assert_int_equal(SDL_SaveBMP(s, path), 0);
    SDL_FreeSurface(s);
}

static void test_folder_appears_and_scanner_reads(void **s)
{
    (void)s;
    char dir[] = "/tmp/lobkiosk-framesrc-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char folder[256], path[300];
    snprintf(folder, sizeof folder, "%s/frames", dir);
    config_camera cam = {.source = "folder", .fps = 30};
    lk_strlcpy(cam.folder, folder, sizeof cam.folder);
    char err[256];
    scanner *sc = scanner_start(&cam, err, sizeof err);
    assert_non_null(sc);
    /* no folder yet: an unplugged camera */
    usleep(100 * 1000);
    assert_int_equal(scanner_camera_state(sc), FRAMESRC_NOT_FOUND);
    scanner_hit hit;
    assert_false(scanner_take_hit(sc, 0, &hit));
    /* the folder appears with a flat frame held 3 frames and a frame with a pass */
    assert_int_equal(lk_mkdirs(folder, 0755), LK_OK);
    enum { W = 320, H = 240 };
    static uint8_t px[W * H];
    scene_rng r = {5};
    scene_background(px, W, H, SCENE_FLAT, &r);
    snprintf(path, sizeof path, "%s/010-wall@3.bmp", folder);
    write_bmp(path, px, W, H);
    char payload[160];
    scene_pass_payload(payload, sizeof payload, 11);
    scene_place p = {160, 120, 3.5, 0, 0, 20, 235};
    assert_int_equal(scene_draw_qr(px, W, H, payload, &p), 0);
    snprintf(path, sizeof path, "%s/020-pass.bmp", folder);
    write_bmp(path, px, W, H);
    /* recovers by itself within the retry interval (~2 s) */
    int64_t t0 = lk_mono_ms();
    bool got = false;
    while (!got && lk_mono_ms() - t0 < 4000) {
        usleep(50 * 1000);
        got = scanner_take_hit(sc, 0, &hit);
    }
    assert_true(got);
    assert_int_equal(scanner_camera_state(sc), FRAMESRC_OK);
    assert_string_equal(hit.text, payload);
    assert_int_equal(hit.id, 1);
    assert_int_equal(hit.frame_w, W);
    assert_true(hit.corners[0].x > 40 && hit.corners[0].x < 280);
    /* the preview holds a frame of the right size */
    const lk_frame *pv = scanner_preview_lock(sc);
    assert_non_null(pv);
    assert_int_equal(pv->width, W);
    assert_non_null(pv->rgb); /* a BMP is RGB: shown in colour */
    assert_non_null(pv->grey);
    scanner_preview_unlock(sc);
    scanner_stats st = scanner_get_stats(sc);
    assert_true(st.frames >= 2);
    /* every decoded frame is scanned or skipped; gate-only frames are scanned ones */
    assert_true(st.scanned + st.skipped <= st.frames);
    assert_true(st.gated <= st.scanned);
    assert_false(scanner_take_hit(sc, hit.id + 1000, &hit));
    /* the folder goes away: not found again, the kiosk keeps running */
    unlink(path);
    snprintf(path, sizeof path, "%s/010-wall@3.bmp", folder);
    unlink(path);
    rmdir(folder);
    t0 = lk_mono_ms();
    while (scanner_camera_state(sc) != FRAMESRC_NOT_FOUND && lk_mono_ms() - t0 < 2000)
        usleep(20 * 1000);
    assert_int_equal(scanner_camera_state(sc), FRAMESRC_NOT_FOUND);
    scanner_stop(sc);
    rmdir(dir);
    scanner_stop(NULL);
    assert_int_equal(scanner_camera_state(NULL), FRAMESRC_NONE);
    assert_null(scanner_preview_lock(NULL));
    assert_null(scanner_start_source(NULL, err, sizeof err));
}

/* --- the command source ------------------------------------------------------ */

enum { CW = 64, CH = 48 };

/* Writes n I420 frames: Y of frame i is all 10*(i+1), chroma 0x80. Then extra
 * bytes of a frame that never completes. */
static void write_i420(const char *path, int n, size_t extra)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    static uint8_t y[CW * CH], uv[CW * CH / 2];
    memset(uv, 0x80, sizeof uv);
    for (int i = 0; i < n; i++) {
        memset(y, 10 * (i + 1), sizeof y);
        assert_int_equal(fwrite(y, 1, sizeof y, f), sizeof y);
        assert_int_equal(fwrite(uv, 1, sizeof uv, f), sizeof uv);
    }
    for (size_t i = 0; i < extra; i++)
        fputc(0x33, f);
    fclose(f);
}

/* Next frame within ms, skipping timeouts; the last status. */
static lk_status next_within(framesrc *src, lk_frame *f, int ms)
{
    int64_t until = lk_mono_ms() + ms;
    lk_status st;
    do {
        st = framesrc_next(src, f, 100);
    } while (st == LK_ERR_TIMEOUT && lk_mono_ms() < until);
    return st;
}

/* A test source: frames of PAT_W x PAT_H whose every byte depends on the frame
 * number, grey only or with RGB; the source reuses one buffer for every frame,
 * as the real ones do. */
#define PAT_W 64
#define PAT_H 48
typedef struct pattern_src {
    bool rgb;
    uint64_t seq;
    uint8_t grey[PAT_W * PAT_H];
    uint8_t px[PAT_W * PAT_H * 3];
} pattern_src;

static uint8_t pattern_at(uint64_t seq, size_t i)
{
    return (uint8_t)(i * 7 + seq * 31);
}

static lk_status pattern_next(void *impl, lk_frame *out, int timeout_ms)
{
    pattern_src *p = impl;
    usleep((useconds_t)(timeout_ms < 5 ? timeout_ms : 5) * 1000);
    p->seq++;
    for (size_t i = 0; i < sizeof p->grey; i++)
        p->grey[i] = pattern_at(p->seq, i);
    for (size_t i = 0; i < sizeof p->px; i++)
        p->px[i] = pattern_at(p->seq + 1000, i);
    *out = (lk_frame){PAT_W, PAT_H, p->grey, p->rgb ? p->px : NULL, lk_mono_ms(), p->seq};
    return LK_OK;
}

static framesrc_state pattern_state(void *impl)
{
    (void)impl;
    return FRAMESRC_OK;
}

static void pattern_close(void *impl)
{
    free(impl);
}

static const framesrc_ops pattern_ops = {"pattern", pattern_next, pattern_state, pattern_close,
                                         NULL};

/* The preview holds the newest frame's planes exactly as the source made them:
 * grey stays grey (no RGB made from it), RGB stays RGB, and a frame that came
 * later never shows through the one the UI holds. */
static void check_preview_planes(bool rgb)
{
    pattern_src *p = calloc(1, sizeof *p);
    assert_non_null(p);
    p->rgb = rgb;
    char err[256];
    scanner *sc = scanner_start_source(framesrc_from_ops(&pattern_ops, p), err, sizeof err);
    assert_non_null(sc);
    uint64_t seen = 0;
    int64_t t0 = lk_mono_ms();
    while (seen < 20 && lk_mono_ms() - t0 < 5000) {
        const lk_frame *pv = scanner_preview_lock(sc);
        assert_non_null(pv);
        if (pv->width > 0 && pv->seq != seen) {
            assert_int_equal(pv->width, PAT_W);
            assert_int_equal(pv->height, PAT_H);
            assert_non_null(pv->grey);
            for (size_t i = 0; i < PAT_W * PAT_H; i++)
                assert_int_equal(pv->grey[i], pattern_at(pv->seq, i));
            if (rgb) {
                assert_non_null(pv->rgb);
                for (size_t i = 0; i < PAT_W * PAT_H * 3; i++)
                    assert_int_equal(pv->rgb[i], pattern_at(pv->seq + 1000, i));
            } else {
                assert_null(pv->rgb);
            }
            usleep(12 * 1000); /* held: the thread publishes nothing meanwhile */
            assert_int_equal(pv->grey[PAT_W * PAT_H - 1], pattern_at(pv->seq, PAT_W * PAT_H - 1));
            seen = pv->seq;
        }
        scanner_preview_unlock(sc);
        usleep(3 * 1000);
    }
    assert_true(seen >= 20);
    scanner_stop(sc);
}

static void test_scanner_preview_grey_and_rgb(void **s)
{
    (void)s;
    check_preview_planes(false);
    check_preview_planes(true);
}

/* True when this process has no child left, running or zombie. */
static bool no_children(void)
{
    errno = 0;
    return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

static void test_command_frames_and_restart(void **s)
{
    (void)s;
    char dir[] = "/tmp/lobkiosk-cmdsrc-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char frames[300], starts[300], cmd[900], err[256];
    snprintf(frames, sizeof frames, "%s/frames.i420", dir);
    snprintf(starts, sizeof starts, "%s/starts", dir);
    write_i420(frames, 3, 0);
    /* prints to a file each start, sends three frames 0.1 s apart (as a camera
     * does: frames closer than 1/fps would be dropped) and ends */
    snprintf(cmd, sizeof cmd,
             "echo started >> '%s'; for i in 0 1 2; do dd if='%s' bs=%d skip=$i count=1 "
             "2>/dev/null; sleep 0.1; done",
             starts, frames, CW * CH * 3 / 2);
    framesrc *src = framesrc_command_open(cmd, CW, CH, 60, err, sizeof err);
    assert_non_null(src);
    assert_string_equal(framesrc_name(src), "command");
    char desc[256];
    framesrc_describe(src, desc, sizeof desc);
    assert_non_null(strstr(desc, "I420 64x48"));
    lk_frame f;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(next_within(src, &f, 3000), LK_OK);
        assert_int_equal(f.width, CW);
        assert_int_equal(f.height, CH);
        assert_null(f.rgb);
        /* the Y plane, the chroma planes skipped: frame i is 10*(i+1) throughout */
        assert_int_equal(f.grey[0], 10 * (i + 1));
        assert_int_equal(f.grey[CW * CH - 1], 10 * (i + 1));
        assert_int_equal(f.seq, (uint64_t)i + 1);
        assert_int_equal(framesrc_get_state(src), FRAMESRC_OK);
    }
    /* the program ended: an unplugged camera, reaped at once */
    assert_int_equal(next_within(src, &f, 3000), LK_ERR_DEVICE);
    assert_int_equal(framesrc_get_state(src), FRAMESRC_NOT_FOUND);
    assert_true(no_children());
    /* waiting for the restart sleeps, it does not spin */
    int64_t t0 = lk_mono_ms();
    assert_int_equal(framesrc_next(src, &f, 100), LK_ERR_DEVICE);
    assert_true(lk_mono_ms() - t0 >= 90);
    /* started again after ~2 s: the same frames again */
    lk_status st;
    t0 = lk_mono_ms();
    do {
        st = framesrc_next(src, &f, 100);
    } while (st != LK_OK && lk_mono_ms() - t0 < 5000);
    assert_int_equal(st, LK_OK);
    assert_true(lk_mono_ms() - t0 >= 1500); /* the back-off */
    assert_int_equal(f.grey[0], 10);
    assert_int_equal(f.seq, 4);
    framesrc_close(src);
    assert_true(no_children());
    FILE *sf = fopen(starts, "r");
    assert_non_null(sf);
    int lines = 0, c;
    while ((c = fgetc(sf)) != EOF)
        lines += c == '\n';
    fclose(sf);
    assert_int_equal(lines, 2);
    unlink(starts);
    unlink(frames);
    rmdir(dir);
}

static void test_command_short_and_garbage(void **s)
{
    (void)s;
    char dir[] = "/tmp/lobkiosk-cmdsrc-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char frames[300], cmd[900], err[256];
    snprintf(frames, sizeof frames, "%s/frames.i420", dir);
    /* one frame and half of another, then the end: one frame, then unplugged */
    write_i420(frames, 1, CW * CH / 2);
    snprintf(cmd, sizeof cmd, "cat '%s'", frames);
    framesrc *src = framesrc_command_open(cmd, CW, CH, 120, err, sizeof err);
    assert_non_null(src);
    lk_frame f;
    assert_int_equal(next_within(src, &f, 3000), LK_OK);
    assert_int_equal(next_within(src, &f, 3000), LK_ERR_DEVICE);
    assert_true(no_children());
    framesrc_close(src);

    /* a few bytes, then nothing while it keeps running (a program writing the wrong
     * size, or stuck): never a frame, never a hang; after 3 s it is stopped, its
     * whole process group with it, and nothing is left behind */
    snprintf(cmd, sizeof cmd, "printf garbage; sleep 60 & sleep 60; wait");
    src = framesrc_command_open(cmd, CW, CH, 15, err, sizeof err);
    assert_non_null(src);
    int64_t t0 = lk_mono_ms();
    lk_status st;
    int calls = 0;
    do {
        st = framesrc_next(src, &f, 200);
        calls++;
        /* each call returns within its timeout (plus the stop's grace) */
    } while (st == LK_ERR_TIMEOUT && lk_mono_ms() - t0 < 8000);
    assert_int_equal(st, LK_ERR_DEVICE);
    int64_t took = lk_mono_ms() - t0;
    assert_true(took >= 2900 && took < 6000);
    assert_true(calls >= 10);
    assert_true(no_children());
    assert_int_equal(framesrc_get_state(src), FRAMESRC_NOT_FOUND);
    framesrc_close(src);

    /* closed while it streams: stopped and reaped, promptly */
    write_i420(frames, 2, 0);
    snprintf(cmd, sizeof cmd, "while :; do cat '%s'; done", frames);
    src = framesrc_command_open(cmd, CW, CH, 30, err, sizeof err);
    assert_non_null(src);
    assert_int_equal(next_within(src, &f, 3000), LK_OK);
    assert_int_equal(next_within(src, &f, 3000), LK_OK);
    t0 = lk_mono_ms();
    framesrc_close(src);
    assert_true(lk_mono_ms() - t0 < 1500);
    assert_true(no_children());
    unlink(frames);
    rmdir(dir);
}

/* --- grey out of camera formats ------------------------------------------------ */

static void test_conv_formats(void **s)
{
    (void)s;
    enum { W = 32, H = 16 };
    uint32_t grey_cc = FRAMESRC_FOURCC('G', 'R', 'E', 'Y'),
             yuyv = FRAMESRC_FOURCC('Y', 'U', 'Y', 'V'), uyvy = FRAMESRC_FOURCC('U', 'Y', 'V', 'Y'),
             i420 = FRAMESRC_FOURCC('Y', 'U', '1', '2'), nv12 = FRAMESRC_FOURCC('N', 'V', '1', '2'),
             mjpg = FRAMESRC_FOURCC('M', 'J', 'P', 'G'), rgb = FRAMESRC_FOURCC('R', 'G', 'B', '3'),
             bgr = FRAMESRC_FOURCC('B', 'G', 'R', '3');
    /* cheapest grey first: GREY < YUYV < I420/NV12 < MJPEG < RGB24; H264 unreadable */
    assert_int_equal(framesrc_conv_rank(grey_cc), 0);
    assert_true(framesrc_conv_rank(yuyv) < framesrc_conv_rank(i420));
    assert_true(framesrc_conv_rank(nv12) < framesrc_conv_rank(mjpg));
    assert_true(framesrc_conv_rank(mjpg) < framesrc_conv_rank(rgb));
    assert_int_equal(framesrc_conv_rank(FRAMESRC_FOURCC('H', '2', '6', '4')), -1);
    assert_null(framesrc_conv_create(FRAMESRC_FOURCC('H', '2', '6', '4'), W, H, 0));
    assert_null(framesrc_conv_create(yuyv, 0, H, 0));
    static uint8_t want[W * H], in[W * H * 3 + 64 * H], out[W * H];
    for (int i = 0; i < W * H; i++)
        want[i] = (uint8_t)(i * 7 + i / W);
    /* YUYV with padded rows (bytesperline 2*W+16) */
    size_t bpl = 2 * W + 16;
    memset(in, 0x80, sizeof in);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            in[y * bpl + 2 * x] = want[y * W + x];
    framesrc_conv *c = framesrc_conv_create(yuyv, W, H, bpl);
    assert_non_null(c);
    assert_true(framesrc_conv_grey(c, in, bpl * H, out));
    assert_memory_equal(out, want, sizeof want);
    assert_false(framesrc_conv_grey(c, in, bpl * (H - 1), out)); /* a short frame */
    assert_false(framesrc_conv_is_jpeg(c));
    framesrc_conv_destroy(c);
    /* UYVY, packed */
    for (int i = 0; i < W * H; i++) {
        in[2 * i] = 0x80;
        in[2 * i + 1] = want[i];
    }
    c = framesrc_conv_create(uyvy, W, H, 0);
    assert_true(framesrc_conv_grey(c, in, 2 * W * H, out));
    assert_memory_equal(out, want, sizeof want);
    framesrc_conv_destroy(c);
    /* I420: the Y plane, the chroma planes after it ignored */
    memcpy(in, want, sizeof want);
    memset(in + W * H, 0x11, W * H / 2);
    c = framesrc_conv_create(i420, W, H, W);
    assert_true(framesrc_conv_grey(c, in, W * H * 3 / 2, out));
    assert_memory_equal(out, want, sizeof want);
    framesrc_conv_destroy(c);
    /* RGB24 and BGR24 of a grey picture give that grey back */
    for (int i = 0; i < W * H; i++)
        in[3 * i] = in[3 * i + 1] = in[3 * i + 2] = want[i];
    for (int k = 0; k < 2; k++) {
        c = framesrc_conv_create(k ? bgr : rgb, W, H, 0);
        assert_true(framesrc_conv_grey(c, in, 3 * W * H, out));
        assert_memory_equal(out, want, sizeof want);
        framesrc_conv_destroy(c);
    }
    /* MJPEG: a 4:2:2 colour JPEG as webcams send, decoded to grey; broken or of
     * another size: not a frame */
    tjhandle tj = tjInitCompress();
    assert_non_null(tj);
    unsigned char *jpg = NULL;
    unsigned long jlen = 0;
    assert_int_equal(tjCompress2(tj, in, W, 0, H, TJPF_RGB, &jpg, &jlen, TJSAMP_422, 95, 0), 0);
    c = framesrc_conv_create(mjpg, W, H, 0);
    assert_true(framesrc_conv_is_jpeg(c));
    assert_true(framesrc_conv_grey(c, jpg, jlen, out));
    int worst = 0;
    for (int i = 0; i < W * H; i++) {
        int d = abs((int)out[i] - (int)want[i]);
        worst = d > worst ? d : worst;
    }
    assert_true(worst < 40); /* lossy, and this test picture is all edges */
    assert_false(framesrc_conv_grey(c, jpg, 20, out));
    static uint8_t junk[600];
    memset(junk, 0xA5, sizeof junk);
    assert_false(framesrc_conv_grey(c, junk, sizeof junk, out));
    framesrc_conv_destroy(c);
    c = framesrc_conv_create(mjpg, W * 2, H, 0);
    assert_false(framesrc_conv_grey(c, jpg, jlen, out)); /* another size */
    framesrc_conv_destroy(c);
    framesrc_conv_destroy(NULL);
    tjFree(jpg);
    tjDestroy(tj);
}

static void test_load_image_errors(void **s)
{
    (void)s;
    lk_frame f;
    char err[256];
    assert_int_equal(framesrc_load_image("/nonexistent/x.png", &f, err, sizeof err), LK_ERR_NOT_FOUND);
    assert_int_equal(framesrc_load_image(NULL, &f, err, sizeof err), LK_ERR_INVALID);
    assert_int_equal(framesrc_load_image("", &f, err, sizeof err), LK_ERR_INVALID);
    assert_int_equal(framesrc_load_image("Makefile", &f, err, sizeof err), LK_ERR_INVALID);
    framesrc_frame_free(NULL);
}

static void test_evdev_layouts(void **s)
{
    (void)s;
    /* the pass alphabet types the same on us and nl */
    const char *layouts[] = {"us", "nl"};
    for (int l = 0; l < 2; l++) {
        assert_int_equal(evdev_key_char(KEY_L, true, layouts[l]), 'L');
        assert_int_equal(evdev_key_char(KEY_A, false, layouts[l]), 'a');
        assert_int_equal(evdev_key_char(KEY_1, false, layouts[l]), '1');
        assert_int_equal(evdev_key_char(KEY_0, false, layouts[l]), '0');
        assert_int_equal(evdev_key_char(KEY_DOT, false, layouts[l]), '.');
        assert_int_equal(evdev_key_char(KEY_ENTER, false, layouts[l]), '\n');
        assert_int_equal(evdev_key_char(KEY_TAB, false, layouts[l]), '\t');
        assert_int_equal(evdev_key_char(KEY_LEFTCTRL, false, layouts[l]), 0);
    }
    /* where they differ */
    assert_int_equal(evdev_key_char(KEY_MINUS, false, "us"), '-');
    assert_int_equal(evdev_key_char(KEY_SLASH, false, "nl"), '-');
    /* nl: the key right of L is + unshifted; shifted a plus-minus sign (no ASCII) */
    assert_int_equal(evdev_key_char(KEY_SEMICOLON, false, "nl"), '+');
    assert_int_equal(evdev_key_char(KEY_SEMICOLON, true, "nl"), 0);
    assert_int_equal(evdev_key_char(KEY_SEMICOLON, true, "us"), ':');
    assert_int_equal(evdev_key_char(KEY_2, true, "us"), '@');
    assert_int_equal(evdev_key_char(KEY_2, true, "nl"), '"');
    char err[128];
    assert_null(evdev_open("/dev/input/event0", "azerty", err, sizeof err));
    evdev *ev = evdev_open("/dev/input/lobkiosk-no-such-scanner", "nl", err, sizeof err);
    assert_non_null(ev);
    wedge *w = wedge_create(NULL);
    assert_int_equal(evdev_pump(ev, w, 0), LK_ERR_DEVICE);
    assert_false(evdev_connected(ev));
    assert_int_equal(evdev_pump(NULL, w, 0), LK_ERR_INVALID);
    wedge_destroy(w);
    evdev_close(ev);
    evdev_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_v4l2_missing_device),
        cmocka_unit_test(test_load_image_errors),
        cmocka_unit_test(test_evdev_layouts),
        cmocka_unit_test(test_folder_appears_and_scanner_reads),
        cmocka_unit_test(test_scanner_preview_grey_and_rgb),
        cmocka_unit_test(test_conv_formats),
        cmocka_unit_test(test_command_frames_and_restart),
        cmocka_unit_test(test_command_short_and_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
