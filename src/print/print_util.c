/* Text and PNG helpers for src/print: pango layouts in one line, libpng for the
 * resolution chunk cairo's own PNG writer leaves out. */
#include "print/print_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>
#include <png.h>

#include "lobkiosk/util.h"

void print_err(char *err, size_t err_len, const char *why)
{
    if (err && err_len)
        lk_strlcpy(err, why ? why : "", err_len);
}

void print_setup(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

static PangoLayout *layout_for(cairo_t *cr, const char *text, double size, int flags)
{
    PangoLayout *l = pango_cairo_create_layout(cr);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_get_font_options(cr, fo);
    pango_cairo_context_set_font_options(pango_layout_get_context(l), fo);
    cairo_font_options_destroy(fo);
    pango_layout_context_changed(l);
    PangoFontDescription *fd = pango_font_description_from_string(PRINT_FONT);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    if (flags & PRINT_BOLD)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_single_paragraph_mode(l, TRUE);
    pango_layout_set_text(l, text ? text : "", -1);
    return l;
}

double print_fit_size(cairo_t *cr, const char *text, double width, double max, double min,
                      int flags)
{
    for (double s = max; s > min; s -= 0.5) {
        PangoLayout *l = layout_for(cr, text, s, flags);
        int w, h;
        pango_layout_get_size(l, &w, &h);
        g_object_unref(l);
        if (w <= width * PANGO_SCALE)
            return s;
    }
    return min;
}

double print_text(cairo_t *cr, const char *text, double x, double y, double width, double size,
                  int flags, double grey)
{
    PangoLayout *l = layout_for(cr, text, size, flags);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    pango_layout_set_alignment(l, (flags & PRINT_RIGHT)    ? PANGO_ALIGN_RIGHT
                                  : (flags & PRINT_CENTER) ? PANGO_ALIGN_CENTER
                                                           : PANGO_ALIGN_LEFT);
    /* Right-to-left names (Arabic) stay in their box, aligned like the rest. */
    pango_layout_set_auto_dir(l, FALSE);
    int w, h;
    pango_layout_get_size(l, &w, &h);
    cairo_save(cr);
    cairo_set_source_rgb(cr, grey, grey, grey);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    cairo_restore(cr);
    g_object_unref(l);
    return (double)h / PANGO_SCALE;
}

lk_status print_write_png(cairo_surface_t *img, const char *path, int dpi, char *err,
                          size_t err_len)
{
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *data = cairo_image_surface_get_data(img);
    FILE *f = fopen(path, "wb");
    if (!f) {
        print_err(err, err_len, "cannot create the file");
        return LK_ERR_IO;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    unsigned char *row = malloc((size_t)w * 3);
    lk_status ls = LK_OK;
    if (!png || !info || !row) {
        ls = LK_ERR_NOMEM;
        goto out;
    }
    if (setjmp(png_jmpbuf(png))) {
        ls = LK_ERR_IO;
        goto out;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_uint_32 ppm = (png_uint_32)(dpi / 0.0254 + 0.5);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            row[3 * x] = (unsigned char)(px[x] >> 16);
            row[3 * x + 1] = (unsigned char)(px[x] >> 8);
            row[3 * x + 2] = (unsigned char)px[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, info);
out:
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    free(row);
    if (fclose(f) != 0 && ls == LK_OK)
        ls = LK_ERR_IO;
    if (ls != LK_OK) {
        print_err(err, err_len, ls == LK_ERR_NOMEM ? "out of memory" : "cannot write the PNG");
        remove(path);
    }
    return ls;
}
