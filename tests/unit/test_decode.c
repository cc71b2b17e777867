/* Tests of the QR decoder: the photo set (a regression guard on the decode rate,
 * never a wrong text), round trips of passes rendered into synthetic scenes,
 * scene-change skipping in video mode, character sets and hostile arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zbar.h>

#include "lobkiosk/decode.h"
#include "lobkiosk/framesrc.h"
#include "lobkiosk/util.h"
#include "scene.h"

#define PHOTOS "tests/data/qr-photos"
/* Reached on the 97 photos when this test was written (zbarimg: 82, ZXingReader:
 * 91). Raise it when the decoder gets better; never lower it. */
#define PHOTOS_MIN_OK 95

#define W 640
#define H 480

static void test_photo_set(void **state)
{
    (void)state;
    decoder *dec = decoder_create(DECODE_STILL);
    decode_result *res = malloc(sizeof *res);
    assert_non_null(dec);
    assert_non_null(res);
    int ok = 0, wrong = 0, missing = 0, images = 0;
    for (int set = 1; set <= 3; set++) {
        for (int i = 1; i <= 60; i++) {
            char png[256], txt[256];
            snprintf(png, sizeof png, PHOTOS "/qrcode-%d/%d.png", set, i);
            snprintf(txt, sizeof txt, PHOTOS "/qrcode-%d/%d.txt", set, i);
            char *expect = NULL;
            size_t expect_len = 0;
            if (lk_read_file(txt, &expect, &expect_len) != LK_OK) {
                /* qrcode-3 numbers its files 01, 02, ... */
                snprintf(png, sizeof png, PHOTOS "/qrcode-%d/%02d.png", set, i);
                snprintf(txt, sizeof txt, PHOTOS "/qrcode-%d/%02d.txt", set, i);
                if (i >= 10 || lk_read_file(txt, &expect, &expect_len) != LK_OK)
                    continue;
            }
            lk_frame f;
            char err[256];
            if (framesrc_load_image(png, &f, err, sizeof err) != LK_OK) {
                print_message("cannot load %s: %s\n", png, err);
                free(expect);
                images++;
                missing++;
                continue;
            }
            images++;
            assert_int_equal(decoder_scan(dec, &f, res), LK_OK);
            framesrc_frame_free(&f);
            if (res->n == 0)
                missing++;
            else if (res->sym[0].text_len == expect_len && memcmp(res->sym[0].text, expect, expect_len) == 0)
                ok++;
            else {
                wrong++;
                print_message("wrong text for %s\n", png);
            }
            free(expect);
        }
    }
    print_message("photos: %d of %d decoded, %d wrong, %d not found\n", ok, images, wrong,
                  missing);
    if (images == 0) {
        print_message("photo set not found at " PHOTOS " (run from the repository root)\n");
        fail();
    }
    assert_int_equal(images, 97);
    assert_int_equal(wrong, 0);
    assert_true(ok >= PHOTOS_MIN_OK);
    free(res);
    decoder_destroy(dec);
}

typedef struct rt_case {
    const char *name;
    int bg;
    scene_place place;
    int blur, noise;
    int invert;
} rt_case;

static const rt_case rt_cases[] = {
    {"plain", SCENE_PHOTO, {320, 240, 4.0, 0, 0, 20, 235}, 0, 3, 0},
    {"small", SCENE_PHOTO, {300, 250, 2.2, 0, 0, 20, 235}, 0, 3, 0},
    {"large", SCENE_FLAT, {320, 240, 8.0, 0, 0, 20, 235}, 0, 3, 0},
    {"rotated-30", SCENE_PHOTO, {320, 240, 4.0, 30, 0, 20, 235}, 0, 3, 0},
    {"rotated-45", SCENE_NOISE, {330, 230, 3.5, 45, 0, 20, 235}, 0, 3, 0},
    {"blurred", SCENE_PHOTO, {320, 240, 4.5, 5, 0, 20, 235}, 2, 3, 0},
    {"noisy", SCENE_PHOTO, {320, 240, 4.0, 0, 0, 20, 235}, 0, 22, 0},
    {"low-contrast", SCENE_FLAT, {320, 240, 4.0, 0, 0, 120, 160}, 0, 3, 0},
    {"perspective", SCENE_PHOTO, {320, 240, 4.5, 8, 0.12, 20, 235}, 0, 3, 0},
    {"inverted", SCENE_NOISE, {320, 240, 4.0, 0, 0, 235, 30}, 0, 3, 1},
    {"off-centre", SCENE_PHOTO, {150, 130, 3.0, 12, 0, 30, 220}, 1, 6, 0},
    {"all-at-once", SCENE_PHOTO, {340, 250, 3.5, 20, 0.06, 60, 190}, 1, 10, 0},
};

static void render(const rt_case *c, const char *payload, uint8_t *px, uint64_t seed)
{
    uint8_t *tmp = malloc((size_t)W * H);
    assert_non_null(tmp);
    scene_rng r = {seed};
    scene_background(px, W, H, c->bg, &r);
    assert_int_equal(scene_draw_qr(px, W, H, payload, &c->place), 0);
    if (c->blur)
        scene_blur(px, tmp, W, H, c->blur);
    scene_add_noise(px, (size_t)W * H, c->noise, &r);
    free(tmp);
}

static void test_round_trip(void **state)
{
    (void)state;
    decoder *still = decoder_create(DECODE_STILL);
    decoder *video = decoder_create(DECODE_VIDEO);
    decode_result *res = malloc(sizeof *res);
    uint8_t *px = malloc((size_t)W * H);
    assert_non_null(still);
    assert_non_null(video);
    assert_non_null(res);
    assert_non_null(px);
    int failed = 0;
    for (size_t i = 0; i < sizeof rt_cases / sizeof rt_cases[0]; i++) {
        char payload[160];
        scene_pass_payload(payload, sizeof payload, i + 1);
        render(&rt_cases[i], payload, px, 1000 + i);
        lk_frame f = {.width = W, .height = H, .grey = px};
        assert_int_equal(decoder_scan(still, &f, res), LK_OK);
        if (res->n != 1 || strcmp(res->sym[0].text, payload) != 0) {
            /* a wrong payload is always a failure; a miss is one too here */
            print_message("round trip %s: %s\n", rt_cases[i].name,
                          res->n ? "WRONG payload" : "not decoded");
            failed++;
            continue;
        }
        /* the box is around the code's centre */
        int cx = 0, cy = 0;
        for (int k = 0; k < 4; k++) {
            cx += res->sym[0].corners[k].x;
            cy += res->sym[0].corners[k].y;
        }
        assert_true(abs(cx / 4 - (int)rt_cases[i].place.cx) < 20);
        assert_true(abs(cy / 4 - (int)rt_cases[i].place.cy) < 20);
        /* video mode reaches the same answer within a few frames of a still scene */
        decoder_reset(video);
        bool seen = false;
        for (int fr = 0; fr < 10 && !seen; fr++) {
            assert_int_equal(decoder_scan(video, &f, res), LK_OK);
            if (res->n) {
                assert_string_equal(res->sym[0].text, payload);
                seen = true;
            }
        }
        if (!seen) {
            print_message("round trip %s: video mode never found it\n", rt_cases[i].name);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
    free(px);
    free(res);
    decoder_destroy(still);
    decoder_destroy(video);
}

static void test_inverted_frame(void **state)
{
    (void)state;
    /* a whole inverted image: light code on a dark screen */
    decoder *dec = decoder_create(DECODE_STILL);
    decode_result *res = malloc(sizeof *res);
    uint8_t *px = malloc((size_t)W * H);
    assert_non_null(px);
    char payload[160];
    scene_pass_payload(payload, sizeof payload, 77);
    render(&rt_cases[0], payload, px, 5);
    scene_invert(px, (size_t)W * H);
    lk_frame f = {.width = W, .height = H, .grey = px};
    assert_int_equal(decoder_scan(dec, &f, res), LK_OK);
    assert_int_equal(res->n, 1);
    assert_string_equal(res->sym[0].text, payload);
    assert_string_equal(res->pass, "inverted");
    free(px);
    free(res);
    decoder_destroy(dec);
}

static void test_no_code_scenes(void **state)
{
    (void)state;
    decoder *dec = decoder_create(DECODE_STILL);
    decode_result *res = malloc(sizeof *res);
    uint8_t *px = malloc((size_t)W * H);
    assert_non_null(px);
    for (int kind = SCENE_FLAT; kind <= SCENE_PHOTO; kind++) {
        scene_rng r = {42u + (unsigned)kind};
        scene_background(px, W, H, kind, &r);
        scene_add_noise(px, (size_t)W * H, 8, &r);
        lk_frame f = {.width = W, .height = H, .grey = px};
        assert_int_equal(decoder_scan(dec, &f, res), LK_OK);
        assert_int_equal(res->n, 0);
        assert_false(res->skipped);
        assert_true(res->passes_run >= 5);
    }
    free(px);
    free(res);
    decoder_destroy(dec);
}

static void test_video_skips_unchanged(void **state)
{
    (void)state;
    decoder *dec = decoder_create(DECODE_VIDEO);
    decode_result *res = malloc(sizeof *res);
    uint8_t *px = malloc((size_t)W * H), *noisy = malloc((size_t)W * H);
    assert_non_null(px);
    assert_non_null(noisy);
    scene_rng r = {9};
    scene_background(px, W, H, SCENE_PHOTO, &r);
    lk_frame f = {.width = W, .height = H, .grey = noisy};
    /* the same scene with fresh sensor noise each frame: nothing code-like, so
     * ZBar runs on the first frame and then on one frame in 8 until every pass
     * has run once; after that frames are skipped */
    int skipped = 0, zbar_frames = 0;
    for (int i = 0; i < 90; i++) {
        memcpy(noisy, px, (size_t)W * H);
        scene_add_noise(noisy, (size_t)W * H, 6, &r);
        assert_int_equal(decoder_scan(dec, &f, res), LK_OK);
        assert_int_equal(res->n, 0);
        assert_false(res->finders);
        if (i == 0)
            assert_false(res->skipped);
        skipped += res->skipped;
        zbar_frames += res->passes_run > 0;
    }
    assert_true(skipped >= 20);
    assert_true(zbar_frames <= 1 + 90 / 8);
    /* a uniform brightness change (auto exposure) is not a new scene */
    for (size_t i = 0; i < (size_t)W * H; i++)
        noisy[i] = scene_clamp(px[i] + 15);
    assert_int_equal(decoder_scan(dec, &f, res), LK_OK);
    assert_true(res->skipped);
    /* a pass coming into view is */
    char payload[160];
    scene_pass_payload(payload, sizeof payload, 3);
    scene_place p = {320, 240, 4.0, 0, 0, 20, 235};
    memcpy(noisy, px, (size_t)W * H);
    assert_int_equal(scene_draw_qr(noisy, W, H, payload, &p), 0);
    assert_int_equal(decoder_scan(dec, &f, res), LK_OK);
    assert_false(res->skipped);
    assert_int_equal(res->n, 1);
    assert_string_equal(res->sym[0].text, payload);
    /* and once read, the still code is not decoded over and over */
    assert_int_equal(decoder_scan(dec, &f, res), LK_OK);
    assert_true(res->skipped);
    assert_int_equal(res->n, 0);
    /* reset forgets the scene */
    decoder_reset(dec);
    assert_int_equal(decoder_scan(dec, &f, res), LK_OK);
    assert_false(res->skipped);
    assert_int_equal(res->n, 1);
    free(px);
    free(noisy);
    free(res);
    decoder_destroy(dec);
}

/* Frame i of a sequence as the bench makes them: the view pans a pixel every
 * third frame with the light drifting (slow), and/or a pass held in a hand that
 * moves a little every frame (module > 0). */
static void sequence_frame(uint8_t *px, const uint8_t *bg, int kind, bool slow, double module,
                           int i, const char *payload, scene_rng *r)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            px[y * W + x] = slow ? scene_clamp(bg[y * W + (x + i / 3) % W] + i / 6) : bg[y * W + x];
    if (module > 0) {
        scene_place p = {300 + (i % 7) * 3, 240 + (i % 5) * 2, module, (i % 9) - 4.0, 0, 25, 230};
        assert_int_equal(scene_draw_qr(px, W, H, payload, &p), 0);
    }
    scene_add_noise(px, (size_t)W * H, kind == SCENE_NOISE ? 10 : 4, r);
}

static void test_video_idle_slow_change(void **state)
{
    (void)state;
    /* a slowly changing scene without a code: the finder gate sees nothing, and
     * ZBar runs on only a few frames (the whole point of the gate) */
    uint8_t *bg = malloc((size_t)W * H), *px = malloc((size_t)W * H);
    decode_result *res = malloc(sizeof *res);
    assert_non_null(bg);
    assert_non_null(px);
    assert_non_null(res);
    for (int kind = SCENE_FLAT; kind <= SCENE_PHOTO; kind++) {
        decoder *dec = decoder_create(DECODE_VIDEO);
        scene_rng r = {300u + (unsigned)kind};
        scene_background(bg, W, H, kind, &r);
        int gate = 0, zbar_frames = 0, whole = 0;
        for (int i = 0; i < 60; i++) {
            sequence_frame(px, bg, kind, true, 0, i, NULL, &r);
            lk_frame f = {.width = W, .height = H, .grey = px};
            assert_int_equal(decoder_scan(dec, &f, res), LK_OK);
            assert_int_equal(res->n, 0);
            gate += res->finders;
            zbar_frames += res->passes_run > 0;
            /* ZBar on the whole frame, not only on a region around finders */
            whole += res->passes_run > 1 || (res->passes_run == 1 && strcmp(res->pass, "region"));
        }
        print_message("idle kind %d, slow change: finders on %d, ZBar on %d of 60 frames, %d of "
                      "them whole\n",
                      kind, gate, zbar_frames, whole);
        /* a room or a wall: sensor noise may look like finders now and then; pure
         * noise is a texture full of them, where only their regions are read */
        if (kind != SCENE_NOISE)
            assert_true(gate <= 6);
        assert_true(zbar_frames <= 20); /* a third; "half" on each new scene mostly */
        assert_true(whole <= 1 + 60 / 8 + 1);
        decoder_destroy(dec);
    }
    free(res);
    free(px);
    free(bg);
}

static void test_video_hand_held(void **state)
{
    (void)state;
    /* a pass held in a moving hand is read on at least as many frames as plain
     * ZBar reads it, for a normal and a small code, on a room and on noise */
    static const struct {
        int kind;
        double module;
    } seqs[] = {{SCENE_PHOTO, 4.0}, {SCENE_NOISE, 4.0}, {SCENE_PHOTO, 2.5}};
    uint8_t *bg = malloc((size_t)W * H), *px = malloc((size_t)W * H);
    decode_result *res = malloc(sizeof *res);
    zbar_image_scanner_t *zs = zbar_image_scanner_create();
    assert_non_null(bg);
    assert_non_null(px);
    assert_non_null(res);
    assert_non_null(zs);
    zbar_image_scanner_set_config(zs, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(zs, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    char payload[160];
    scene_pass_payload(payload, sizeof payload, 11);
    for (size_t s = 0; s < sizeof seqs / sizeof seqs[0]; s++) {
        decoder *dec = decoder_create(DECODE_VIDEO);
        scene_rng r = {400u + s};
        scene_background(bg, W, H, seqs[s].kind, &r);
        int ours = 0, plain = 0;
        for (int i = 0; i < 30; i++) {
            sequence_frame(px, bg, seqs[s].kind, false, seqs[s].module, i, payload, &r);
            lk_frame f = {.width = W, .height = H, .grey = px};
            assert_int_equal(decoder_scan(dec, &f, res), LK_OK);
            if (res->n) {
                assert_string_equal(res->sym[0].text, payload);
                ours++;
            }
            zbar_image_t *img = zbar_image_create();
            zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
            zbar_image_set_size(img, W, H);
            zbar_image_set_data(img, px, (unsigned long)W * H, NULL);
            plain += zbar_scan_image(zs, img) > 0;
            zbar_image_destroy(img);
        }
        print_message("hand-held, module %.1f on kind %d: read on %d frames, plain ZBar %d\n",
                      seqs[s].module, seqs[s].kind, ours, plain);
        assert_true(ours >= plain);
        decoder_destroy(dec);
    }
    zbar_image_scanner_destroy(zs);
    free(res);
    free(px);
    free(bg);
}

/* Reads a hand-held sequence (scene_hand_frame) with our decoder and plain ZBar;
 * counts frames read with the payload (ours: a skipped frame of a scene it read
 * counts, as the kiosk keeps the answer), those ours read in the region around
 * the finders, and frames where ours ran ZBar at all. */
typedef struct seq_count {
    int ours, plain, region, zbar_frames;
} seq_count;

static seq_count run_sequence(double module, int pan, int frames, uint64_t seed)
{
    seq_count c = {0};
    uint8_t *bg = malloc((size_t)W * H), *px = malloc((size_t)W * H), *tmp = malloc((size_t)W * H);
    decode_result *res = malloc(sizeof *res);
    zbar_image_scanner_t *zs = zbar_image_scanner_create();
    decoder *dec = decoder_create(DECODE_VIDEO);
    assert_non_null(bg);
    assert_non_null(px);
    assert_non_null(tmp);
    assert_non_null(res);
    assert_non_null(zs);
    assert_non_null(dec);
    zbar_image_scanner_set_config(zs, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(zs, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    char payload[160];
    scene_pass_payload(payload, sizeof payload, seed);
    scene_rng r = {seed};
    scene_background(bg, W, H, SCENE_PHOTO, &r);
    scene_hand hand;
    scene_hand_init(&hand, module, pan, W, H, seed);
    bool scene_read = false;
    for (int i = 0; i < frames; i++) {
        scene_hand_frame(&hand, px, bg, W, H, payload, tmp);
        lk_frame f = {.width = W, .height = H, .grey = px};
        assert_int_equal(decoder_scan(dec, &f, res), LK_OK);
        if (res->n) {
            assert_string_equal(res->sym[0].text, payload);
            scene_read = true;
            c.region += strcmp(res->pass, "region") == 0;
        } else if (!res->skipped) {
            scene_read = false;
        }
        c.ours += scene_read;
        c.zbar_frames += res->passes_run > 0;
        zbar_image_t *img = zbar_image_create();
        zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
        zbar_image_set_size(img, W, H);
        zbar_image_set_data(img, px, (unsigned long)W * H, NULL);
        c.plain += zbar_scan_image(zs, img) > 0;
        zbar_image_destroy(img);
    }
    decoder_destroy(dec);
    zbar_image_scanner_destroy(zs);
    free(res);
    free(tmp);
    free(px);
    free(bg);
    return c;
}

static void test_video_small_modules(void **state)
{
    (void)state;
    /* a pass with 2 and 3 pixel modules, held in a wandering, turning hand,
     * blurred now and then: read on at least as many frames as plain ZBar reads
     * it, mostly in the small region around its finders at full resolution (2 px
     * modules do not survive a downscale) */
    static const double modules[] = {2.0, 3.0};
    for (size_t k = 0; k < sizeof modules / sizeof modules[0]; k++) {
        seq_count c = run_sequence(modules[k], 0, 40, 31 + k);
        print_message("hand-held, %.0f px modules: read on %d of 40 frames (%d in the region), "
                      "plain ZBar %d\n",
                      modules[k], c.ours, c.region, c.plain);
        assert_true(c.ours >= c.plain);
        assert_true(c.ours >= 40 / 2);
        assert_true(c.region * 3 >= c.ours * 2);
    }
}

static void test_video_moving_scene(void **state)
{
    (void)state;
    /* a scene moving past the camera, every frame new: without finders ZBar runs
     * only as the occasional safety net, not on every new scene */
    seq_count c = run_sequence(0, 7, 64, 5);
    print_message("moving scene: ZBar on %d of 64 frames\n", c.zbar_frames);
    assert_int_equal(c.ours, 0);
    assert_true(c.zbar_frames <= 64 / 8 + 2);
}

/* A 7x7 module finder pattern at (x, y), its top left corner, modules of m px. */
static void draw_finder(uint8_t *px, int x, int y, int m)
{
    for (int j = 0; j < 7 * m; j++)
        for (int i = 0; i < 7 * m; i++) {
            int u = i / m, v = j / m;
            int ring = u < v ? (u < 6 - v ? u : 6 - v) : (v < 6 - u ? v : 6 - u);
            px[(size_t)(y + j) * W + (size_t)(x + i)] = ring == 1 ? 225 : 30;
        }
}

static void test_video_fallback_whole_frame(void **state)
{
    (void)state;
    /* Three large finders without a code between them (a decoy: a poster, a
     * damaged pass) outweigh the small real code on the right. ZBar on their
     * region reads nothing, so the same frame falls back to the whole frame at
     * its own resolution, which reads the code: no frame plain ZBar reads is lost. */
    uint8_t *px = malloc((size_t)W * H);
    decode_result *res = malloc(sizeof *res);
    decoder *dec = decoder_create(DECODE_VIDEO);
    assert_non_null(px);
    assert_non_null(res);
    assert_non_null(dec);
    scene_rng r = {77};
    scene_background(px, W, H, SCENE_FLAT, &r);
    draw_finder(px, 30, 60, 6);
    draw_finder(px, 200, 60, 6);
    draw_finder(px, 30, 230, 6);
    char payload[160];
    scene_pass_payload(payload, sizeof payload, 9);
    scene_place p = {520, 330, 2.5, 0, 0, 20, 235};
    assert_int_equal(scene_draw_qr(px, W, H, payload, &p), 0);
    scene_add_noise(px, (size_t)W * H, 3, &r);
    lk_frame f = {.width = W, .height = H, .grey = px};
    assert_int_equal(decoder_scan(dec, &f, res), LK_OK);
    assert_true(res->finders);
    assert_int_equal(res->n, 1);
    assert_string_equal(res->sym[0].text, payload);
    assert_string_equal(res->pass, "full");
    assert_int_equal(res->passes_run, 2);
    /* the code's own corners come back in frame coordinates */
    assert_true(abs(res->sym[0].corners[0].x - 520) < 80);
    /* without the decoy the region alone reads it */
    scene_background(px, W, H, SCENE_FLAT, &r);
    assert_int_equal(scene_draw_qr(px, W, H, payload, &p), 0);
    scene_add_noise(px, (size_t)W * H, 3, &r);
    assert_int_equal(decoder_scan(dec, &f, res), LK_OK);
    assert_int_equal(res->n, 1);
    assert_string_equal(res->pass, "region");
    assert_int_equal(res->passes_run, 1);
    decoder_destroy(dec);
    free(res);
    free(px);
}

static void test_charsets(void **state)
{
    (void)state;
    char text[64];
    size_t n = 99;
    /* ASCII and UTF-8 stay as they are */
    assert_false(decode_bytes_to_utf8((const unsigned char *)"LOB1.X", 6, text, sizeof text, &n));
    assert_string_equal(text, "LOB1.X");
    assert_int_equal(n, 6);
    const unsigned char utf8[] = {0x63, 0x61, 0x66, 0xC3, 0xA9}; /* café */
    assert_false(decode_bytes_to_utf8(utf8, sizeof utf8, text, sizeof text, &n));
    assert_memory_equal(text, utf8, sizeof utf8);
    /* Shift-JIS "日本" becomes UTF-8 */
    const unsigned char sjis[] = {0x93, 0xFA, 0x96, 0x7B};
    assert_true(decode_bytes_to_utf8(sjis, sizeof sjis, text, sizeof text, &n));
    assert_string_equal(text, "\xE6\x97\xA5\xE6\x9C\xAC");
    /* 0x5C inside Shift-JIS text stays a backslash, as phones read it */
    const unsigned char sjis_bs[] = {0x93, 0xFA, 0x5C};
    assert_true(decode_bytes_to_utf8(sjis_bs, sizeof sjis_bs, text, sizeof text, &n));
    assert_string_equal(text, "\xE6\x97\xA5\\");
    /* neither: ISO-8859-1 */
    const unsigned char latin1[] = {0x63, 0x61, 0x66, 0xE9, 0xFF};
    assert_true(decode_bytes_to_utf8(latin1, sizeof latin1, text, sizeof text, &n));
    assert_string_equal(text, "caf\xC3\xA9\xC3\xBF");
    /* overlong UTF-8 is not UTF-8 */
    const unsigned char overlong[] = {0xC0, 0xAF};
    assert_true(decode_bytes_to_utf8(overlong, sizeof overlong, text, sizeof text, &n));
    assert_string_not_equal(text, "/");
    /* hostile: NULL, empty, tiny buffers */
    assert_false(decode_bytes_to_utf8(NULL, 3, text, sizeof text, &n));
    assert_string_equal(text, "");
    assert_int_equal(n, 0);
    assert_false(decode_bytes_to_utf8(sjis, 0, text, sizeof text, &n));
    assert_false(decode_bytes_to_utf8(sjis, sizeof sjis, NULL, 10, &n));
    assert_false(decode_bytes_to_utf8((const unsigned char *)"ABCDEF", 6, text, 4, &n));
    assert_string_equal(text, "ABC");
    decode_bytes_to_utf8(sjis, sizeof sjis, text, 4, NULL); /* too small: no overflow */
    assert_true(strlen(text) < 4);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    decoder *dec = decoder_create(DECODE_VIDEO);
    decode_result *res = malloc(sizeof *res);
    uint8_t px[64] = {0};
    lk_frame f = {.width = 8, .height = 8, .grey = px};
    assert_int_equal(decoder_scan(NULL, &f, res), LK_ERR_INVALID);
    assert_int_equal(decoder_scan(dec, NULL, res), LK_ERR_INVALID);
    assert_int_equal(decoder_scan(dec, &f, NULL), LK_ERR_INVALID);
    lk_frame empty = {0};
    assert_int_equal(decoder_scan(dec, &empty, res), LK_ERR_INVALID);
    lk_frame neg = {.width = -5, .height = 8, .grey = px};
    assert_int_equal(decoder_scan(dec, &neg, res), LK_ERR_INVALID);
    /* tiny frames are fine, just empty */
    assert_int_equal(decoder_scan(dec, &f, res), LK_OK);
    assert_int_equal(res->n, 0);
    lk_frame one = {.width = 1, .height = 1, .grey = px};
    assert_int_equal(decoder_scan(dec, &one, res), LK_OK);
    decoder_destroy(NULL);
    decoder_reset(NULL);
    free(res);
    decoder_destroy(dec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_charsets),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_no_code_scenes),
        cmocka_unit_test(test_video_skips_unchanged),
        cmocka_unit_test(test_video_idle_slow_change),
        cmocka_unit_test(test_video_hand_held),
        cmocka_unit_test(test_video_small_modules),
        cmocka_unit_test(test_video_moving_scene),
        cmocka_unit_test(test_video_fallback_whole_frame),
        cmocka_unit_test(test_inverted_frame),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_photo_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
