/* Pass cards: a QR code drawn module by module as cairo rectangles (sharp at any
 * resolution, no image scaling), the student's first name and group set by pango,
 * the school, the expiry date and the subject small. A4 PDF sheets with cut marks,
 * or one PNG at 300 dpi with its resolution recorded. */
#include "lobkiosk/print.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <png.h>

#include "lobkiosk/qrcode.h"
#include "lobkiosk/util.h"
#include "print/print_util.h"

#define QUIET_MODULES 4 /* white modules around the code (ISO 18004) */
#define A4_W_MM 210.0
#define A4_H_MM 297.0
#define CUT_GAP_MM 2.0 /* between a cut mark and the card edge */
#define CUT_LEN_MM 7.0 /* length of a cut mark */
#define PAD_MM 3.0     /* inner margin of a card */

/* Draws the QR code of payload with its quiet zone in a square of side mm at x, y
 * (points). One path of runs of dark modules, filled once: no seams between them. */
static lk_status draw_qr(cairo_t *cr, const char *payload, double x, double y, double side)
{
    QRcode *qr = qrcode_encode(payload);
    if (!qr)
        return errno == ENOMEM ? LK_ERR_NOMEM : LK_ERR_INVALID;
    int w = qr->width;
    double m = side / (w + 2 * QUIET_MODULES);
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, side, side);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    for (int r = 0; r < w; r++) {
        int c = 0;
        while (c < w) {
            if (!(qr->data[r * w + c] & 1)) {
                c++;
                continue;
            }
            int start = c;
            while (c < w && (qr->data[r * w + c] & 1))
                c++;
            cairo_rectangle(cr, x + (QUIET_MODULES + start) * m, y + (QUIET_MODULES + r) * m,
                            (c - start) * m, m);
        }
    }
    cairo_fill(cr);
    cairo_restore(cr);
    QRcode_free(qr);
    return LK_OK;
}

/* "31-07-2027": the Dutch way of writing a date. */
static void format_date(int yyyymmdd, char *buf, size_t len)
{
    snprintf(buf, len, "%02d-%02d-%04d", yyyymmdd % 100, yyyymmdd / 100 % 100, yyyymmdd / 10000);
}

/* One card with its top left corner at x, y (points). */
static lk_status draw_card(cairo_t *cr, const print_sheet *sh, const print_card *card, double x,
                           double y)
{
    double w = PRINT_MM(PRINT_CARD_W_MM), h = PRINT_MM(PRINT_CARD_H_MM);
    double pad = PRINT_MM(PAD_MM), qr = PRINT_MM(PRINT_QR_MM);
    lk_status ls = draw_qr(cr, card->payload, x + pad, y + (h - qr) / 2, qr);
    if (ls != LK_OK)
        return ls;

    double tx = x + pad + qr + PRINT_MM(2), tw = x + w - pad - tx;
    double ty = y + pad;
    char buf[256], date[16];
    const char *title = sh->role == 'H' ? "print.pass_host" : "print.pass_student";
    ty += print_text(cr, i18n_get(sh->tr, title), tx, ty, tw, 7.5, PRINT_BOLD, 0.0);
    ty += print_text(cr, sh->school, tx, ty, tw, 7.5, 0, 0.0);

    /* The name as large as fits (long names shrink, then end in an ellipsis). */
    ty += PRINT_MM(4);
    double name_pt = print_fit_size(cr, card->first_name, tw, 17.0, 9.0, PRINT_BOLD);
    ty += print_text(cr, card->first_name, tx, ty, tw, name_pt, PRINT_BOLD, 0.0);
    if (card->group && *card->group)
        print_text(cr, card->group, tx, ty, tw, 11.0, 0, 0.0);

    /* The bottom lines: validity, then the subject small. */
    format_date(sh->expires, date, sizeof date);
    const char *dv[] = {"date", date, NULL};
    i18n_format(sh->tr, "print.valid_until", dv, buf, sizeof buf);
    double by = y + h - pad - PRINT_MM(7.2);
    print_text(cr, buf, tx, by, tw, 7.5, 0, 0.0);
    const char *sv[] = {"subject", card->subject, NULL};
    i18n_format(sh->tr, "print.subject", sv, buf, sizeof buf);
    print_text(cr, buf, tx, by + PRINT_MM(3.6), tw, 6.0, 0, 0.35);
    return LK_OK;
}

/* Cut marks in the margins, along every card edge of the grid at x0, y0. */
static void draw_cut_marks(cairo_t *cr, double x0, double y0)
{
    double w = PRINT_MM(PRINT_CARD_W_MM), h = PRINT_MM(PRINT_CARD_H_MM);
    double gap = PRINT_MM(CUT_GAP_MM), len = PRINT_MM(CUT_LEN_MM);
    double x1 = x0 + PRINT_COLS * w, y1 = y0 + PRINT_ROWS * h;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.4);
    for (int c = 0; c <= PRINT_COLS; c++) {
        double x = x0 + c * w;
        cairo_move_to(cr, x, y0 - gap);
        cairo_line_to(cr, x, y0 - gap - len);
        cairo_move_to(cr, x, y1 + gap);
        cairo_line_to(cr, x, y1 + gap + len);
    }
    for (int r = 0; r <= PRINT_ROWS; r++) {
        double y = y0 + r * h;
        cairo_move_to(cr, x0 - gap, y);
        cairo_line_to(cr, x0 - gap - len, y);
        cairo_move_to(cr, x1 + gap, y);
        cairo_line_to(cr, x1 + gap + len, y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

static bool same_group(const print_card *a, const print_card *b)
{
    return strcmp(a->group ? a->group : "", b->group ? b->group : "") == 0;
}

lk_status print_pass_pdf(const char *path, const print_sheet *sh, const print_card *cards, size_t n,
                         char *err, size_t err_len)
{
    if (!path || !sh || !sh->tr || (!cards && n > 0)) {
        print_err(err, err_len, "nothing to print");
        return LK_ERR_INVALID;
    }
    cairo_surface_t *pdf = cairo_pdf_surface_create(path, PRINT_MM(A4_W_MM), PRINT_MM(A4_H_MM));
    if (cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS) {
        print_err(err, err_len, cairo_status_to_string(cairo_surface_status(pdf)));
        cairo_surface_destroy(pdf);
        return LK_ERR_IO;
    }
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, "LOB passes");
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "lobkiosk");
    cairo_t *cr = cairo_create(pdf);
    print_setup(cr);
    double x0 = (PRINT_MM(A4_W_MM) - PRINT_COLS * PRINT_MM(PRINT_CARD_W_MM)) / 2;
    double y0 = (PRINT_MM(A4_H_MM) - PRINT_ROWS * PRINT_MM(PRINT_CARD_H_MM)) / 2;
    lk_status ls = LK_OK;
    size_t slot = 0;
    for (size_t i = 0; i < n && ls == LK_OK; i++) {
        bool new_page =
            slot == PRINT_COLS * PRINT_ROWS || (i > 0 && !same_group(&cards[i - 1], &cards[i]));
        if (new_page) {
            draw_cut_marks(cr, x0, y0);
            cairo_show_page(cr);
            slot = 0;
        }
        double x = x0 + (double)(slot % PRINT_COLS) * PRINT_MM(PRINT_CARD_W_MM);
        double y = y0 + (double)(slot / PRINT_COLS) * PRINT_MM(PRINT_CARD_H_MM);
        ls = draw_card(cr, sh, &cards[i], x, y);
        if (ls != LK_OK)
            print_err(err, err_len, "a pass does not fit in a QR code");
        slot++;
    }
    if (ls == LK_OK) {
        draw_cut_marks(cr, x0, y0);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(pdf);
    if (ls == LK_OK && cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS) {
        print_err(err, err_len, cairo_status_to_string(cairo_surface_status(pdf)));
        ls = LK_ERR_IO;
    }
    cairo_surface_destroy(pdf);
    if (ls != LK_OK)
        remove(path); /* half a sheet is no use to anyone */
    return ls;
}

lk_status print_pass_png(const char *path, const print_sheet *sh, const print_card *card, char *err,
                         size_t err_len)
{
    if (!path || !sh || !sh->tr || !card) {
        print_err(err, err_len, "nothing to print");
        return LK_ERR_INVALID;
    }
    double scale = PRINT_PNG_DPI / 72.0;
    int w = (int)(PRINT_MM(PRINT_CARD_W_MM) * scale + 0.5);
    int h = (int)(PRINT_MM(PRINT_CARD_H_MM) * scale + 0.5);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        print_err(err, err_len, "out of memory");
        return LK_ERR_NOMEM;
    }
    cairo_t *cr = cairo_create(img);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    print_setup(cr);
    lk_status ls = draw_card(cr, sh, card, 0, 0);
    /* A thin border, so the card's edge shows on a white phone screen. */
    if (ls == LK_OK) {
        cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
        cairo_set_line_width(cr, 0.5);
        cairo_rectangle(cr, 0.25, 0.25, PRINT_MM(PRINT_CARD_W_MM) - 0.5,
                        PRINT_MM(PRINT_CARD_H_MM) - 0.5);
        cairo_stroke(cr);
    }
    cairo_destroy(cr);
    cairo_surface_flush(img);
    if (ls == LK_OK)
        ls = print_write_png(img, path, PRINT_PNG_DPI, err, err_len);
    else
        print_err(err, err_len, "a pass does not fit in a QR code");
    cairo_surface_destroy(img);
    return ls;
}
