/* Tests of the printed passes: a PDF of several pages, a PNG card with its 300 dpi
 * pHYs chunk, and failures that leave no file behind (an unwritable path, a payload
 * no QR code holds, no texts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lobkiosk/print.h"
#include "lobkiosk/util.h"

static i18n *texts(void)
{
    i18n *t = i18n_create();
    assert_non_null(t);
    assert_int_equal(i18n_load_dir(t, "assets", NULL, 0), LK_OK);
    return t;
}

static const char *PAYLOAD = "LOB1.00AA.S.1001.20270731.K1.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEF"
                             "GHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJ";

static void test_pdf_pages(void **state)
{
    (void)state;
    i18n *t = texts();
    print_card cards[13];
    for (size_t i = 0; i < 13; i++)
        cards[i] = (print_card){PAYLOAD, "Zoë", i < 11 ? "2A" : "2B", "1001"};
    print_sheet sh = {"Testcollege", 'S', 20270731, t};
    char path[] = "/tmp/lk-print-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[128] = "";
    assert_int_equal(print_pass_pdf(path, &sh, cards, 13, err, sizeof err), LK_OK);
    /* 10 of 2A, 1 of 2A, then 2B on its own page: three pages. */
    char *pdf = NULL;
    size_t len = 0;
    assert_int_equal(lk_read_file(path, &pdf, &len), LK_OK);
    size_t pages = 0;
    for (char *p = pdf; (p = memmem(p, len - (size_t)(p - pdf), "/Type /Page\n", 12)); p++)
        pages++;
    if (pages == 0) /* cairo may write "/Type /Page" followed by other keys */
        for (char *p = pdf; (p = memmem(p, len - (size_t)(p - pdf), "/Type /Page ", 12)); p++)
            pages++;
    assert_int_equal(pages, 3);
    free(pdf);
    unlink(path);
    assert_int_equal(print_pass_pdf("/nonexistent-dir/x.pdf", &sh, cards, 1, err, sizeof err),
                     LK_ERR_IO);
    i18n_destroy(t);
}

static void test_png_resolution(void **state)
{
    (void)state;
    i18n *t = texts();
    print_card c = {PAYLOAD, "李明", "H4B", "7005"};
    print_sheet sh = {"Testcollege", 'H', 20270731, t};
    char path[] = "/tmp/lk-print-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[128] = "";
    assert_int_equal(print_pass_png(path, &sh, &c, err, sizeof err), LK_OK);
    char *png = NULL;
    size_t len = 0;
    assert_int_equal(lk_read_file(path, &png, &len), LK_OK);
    const unsigned char *p = memmem(png, len, "pHYs", 4);
    assert_non_null(p);
    uint32_t ppm = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
    assert_int_equal(ppm, 11811); /* 300 dpi */
    assert_int_equal(p[12], 1);   /* per metre */
    const unsigned char *ih = memmem(png, len, "IHDR", 4);
    assert_non_null(ih);
    assert_int_equal(ih[7], 1011 & 0xff); /* 85.6 mm at 300 dpi */
    free(png);

    /* A payload no QR code holds: refused, no file left. */
    char *huge = malloc(5000);
    assert_non_null(huge);
    memset(huge, 'A', 4999);
    huge[4999] = '\0';
    c.payload = huge;
    unlink(path);
    assert_int_equal(print_pass_png(path, &sh, &c, err, sizeof err), LK_ERR_INVALID);
    assert_int_not_equal(access(path, F_OK), 0);
    free(huge);
    assert_int_equal(print_pass_png(path, &sh, NULL, err, sizeof err), LK_ERR_INVALID);
    i18n_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pdf_pages),
        cmocka_unit_test(test_png_resolution),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
