/* Unit tests of the QR PNG writer: what is written is read back with SDL2_image and
 * decoded with ZBar, the way a kiosk camera would see a printed pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_image.h>
#include <zbar.h>

#include "lobkiosk/qrcode.h"

/* A pass as it is printed: alphanumeric, about 135 characters. */
#define PASS_TEXT                                                                         \
    "LOB1.00AA.S.123456.20300731.K1.EP3QIBHB62EOSUD7EG2OLT4GZDGLQ24S5TFQCUXHPEYRG2WOHNYDX3" \
    "VFSMAT4OLJT457KO4VTQTZZUES2NSN5DHAZ7B5B2HEUEUCQCA"

typedef struct fixture {
    char dir[512];
    char png[600];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    const char *tmp = getenv("TMPDIR");
    snprintf(fx->dir, sizeof fx->dir, "%s/lk-test-qr-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->png, sizeof fx->png, "%s/code.png", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    unlink(fx->png);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

/* Loads a PNG and decodes the one QR code in it into out. Returns the image side in
 * pixels (the images are square). */
static int decode_png(const char *path, char *out, size_t len)
{
    SDL_Surface *raw = IMG_Load(path);
    assert_non_null(raw);
    SDL_Surface *rgb = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_RGB24, 0);
    assert_non_null(rgb);
    assert_int_equal(rgb->w, rgb->h);
    unsigned char *gray = malloc((size_t)rgb->w * (size_t)rgb->h);
    assert_non_null(gray);
    for (int y = 0; y < rgb->h; y++) {
        const unsigned char *row = (const unsigned char *)rgb->pixels + y * rgb->pitch;
        for (int x = 0; x < rgb->w; x++)
            gray[y * rgb->w + x] =
                (unsigned char)((row[3 * x] * 299 + row[3 * x + 1] * 587 + row[3 * x + 2] * 114) /
                                1000);
    }
    zbar_image_scanner_t *sc = zbar_image_scanner_create();
    assert_non_null(sc);
    zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_t *img = zbar_image_create();
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, (unsigned)rgb->w, (unsigned)rgb->h);
    zbar_image_set_data(img, gray, (unsigned long)rgb->w * (unsigned long)rgb->h, NULL);
    int found = zbar_scan_image(sc, img);
    assert_int_equal(found, 1);
    const zbar_symbol_t *sym = zbar_image_first_symbol(img);
    assert_non_null(sym);
    assert_int_equal(zbar_symbol_get_type(sym), ZBAR_QRCODE);
    snprintf(out, len, "%s", zbar_symbol_get_data(sym));
    int side = rgb->w;
    zbar_image_destroy(img);
    zbar_image_scanner_destroy(sc);
    free(gray);
    SDL_FreeSurface(rgb);
    SDL_FreeSurface(raw);
    return side;
}

static void test_pass_round_trip(void **state)
{
    fixture *fx = *state;
    char got[512];
    assert_int_equal(qrcode_write_png(PASS_TEXT, fx->png, 4), LK_OK);
    int side = decode_png(fx->png, got, sizeof got);
    assert_string_equal(got, PASS_TEXT);
    /* version 6 (41 modules) plus a 4-module quiet zone each side, 4 px per module */
    assert_int_equal(side, (41 + 8) * 4);
}

static void test_scale(void **state)
{
    fixture *fx = *state;
    char got[512];
    assert_int_equal(qrcode_write_png(PASS_TEXT, fx->png, 2), LK_OK);
    assert_int_equal(decode_png(fx->png, got, sizeof got), (41 + 8) * 2);
    assert_string_equal(got, PASS_TEXT);
}

static void test_mixed_case_kept(void **state)
{
    fixture *fx = *state;
    char got[512];
    /* not alphanumeric: byte mode, case-sensitive (a dossier URL on the done screen) */
    const char *url = "https://dossier.example.nl/Student?id=00AA-123456&event=open_dag";
    assert_int_equal(qrcode_write_png(url, fx->png, 3), LK_OK);
    decode_png(fx->png, got, sizeof got);
    assert_string_equal(got, url);
}

static void test_overwrites_existing_file(void **state)
{
    fixture *fx = *state;
    char got[512];
    assert_int_equal(qrcode_write_png("FIRST", fx->png, 4), LK_OK);
    assert_int_equal(qrcode_write_png("SECOND", fx->png, 4), LK_OK);
    decode_png(fx->png, got, sizeof got);
    assert_string_equal(got, "SECOND");
}

static void test_bad_arguments(void **state)
{
    fixture *fx = *state;
    assert_int_equal(qrcode_write_png(NULL, fx->png, 4), LK_ERR_INVALID);
    assert_int_equal(qrcode_write_png("", fx->png, 4), LK_ERR_INVALID);
    assert_int_equal(qrcode_write_png("X", NULL, 4), LK_ERR_INVALID);
    assert_int_equal(qrcode_write_png("X", "", 4), LK_ERR_INVALID);
    assert_int_equal(qrcode_write_png("X", fx->png, 0), LK_ERR_INVALID);
    assert_int_equal(qrcode_write_png("X", fx->png, -3), LK_ERR_INVALID);
    assert_int_equal(qrcode_write_png("X", fx->png, 1000), LK_ERR_INVALID);
    assert_int_equal(access(fx->png, F_OK), -1); /* nothing written */
}

static void test_too_long(void **state)
{
    fixture *fx = *state;
    /* more than any QR version holds */
    size_t n = 8000;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'A', n);
    big[n] = '\0';
    assert_int_equal(qrcode_write_png(big, fx->png, 1), LK_ERR_INVALID);
    /* fits QR, but the image would be huge */
    big[2000] = '\0';
    assert_int_equal(qrcode_write_png(big, fx->png, 64), LK_ERR_INVALID);
    free(big);
    assert_int_equal(access(fx->png, F_OK), -1);
}

static void test_unwritable_path(void **state)
{
    fixture *fx = *state;
    char path[700];
    snprintf(path, sizeof path, "%s/no/such/dir/code.png", fx->dir);
    assert_int_equal(qrcode_write_png("X", path, 4), LK_ERR_IO);
}

/* The one surface drawing: colours, quiet zone and size as asked, and it decodes. */
static void test_surface(void **state)
{
    fixture *fx = *state;
    SDL_Surface *s = qrcode_surface(PASS_TEXT, 2, 3, 0x1E1E23, 0xEBEBE4);
    assert_non_null(s);
    assert_int_equal(s->w, (41 + 4) * 3);
    assert_int_equal(s->h, s->w);
    const unsigned char *px = s->pixels;
    /* (0,0): quiet zone, light; (6,6): the top-left finder pattern, dark */
    assert_memory_equal(px, "\xEB\xEB\xE4", 3);
    const unsigned char *d = px + 6 * s->pitch + 6 * 3;
    assert_memory_equal(d, "\x1E\x1E\x23", 3);
    assert_int_equal(IMG_SavePNG(s, fx->png), 0);
    SDL_FreeSurface(s);
    char got[512];
    decode_png(fx->png, got, sizeof got);
    assert_string_equal(got, PASS_TEXT);
    assert_null(qrcode_surface(PASS_TEXT, -1, 3, 0, 0xFFFFFF));
    assert_null(qrcode_surface(PASS_TEXT, 2, 0, 0, 0xFFFFFF));
    assert_null(qrcode_surface("", 2, 1, 0, 0xFFFFFF));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pass_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_surface, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mixed_case_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overwrites_existing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_long, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_path, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
