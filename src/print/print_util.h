/* Shared pieces of the printed output: millimetres to points, text set by pango in
 * one line that never overflows its width, and PNG files with their resolution.
 * Internal to src/print. */
#ifndef LOBKIOSK_PRINT_UTIL_H
#define LOBKIOSK_PRINT_UTIL_H

#include <stddef.h>

#include <cairo.h>

#include "lobkiosk/status.h"

#define PRINT_MM(mm) ((mm)*72.0 / 25.4) /* millimetres in PDF points */
#define PRINT_FONT "Noto Sans"          /* fontconfig falls back per script */

enum {
    PRINT_BOLD = 1,   /* bold weight */
    PRINT_RIGHT = 2,  /* right-aligned in its width */
    PRINT_CENTER = 4, /* centred in its width */
};

/* Turns off metric hinting: text is laid out in points, not device pixels, so it
 * looks the same in a PDF and a PNG. */
void print_setup(cairo_t *cr);

/* Sets text (UTF-8, any script) in one line at x, y (top) within width points, size
 * in points, flags PRINT_*, grey 0 (black) to 1 (white); a text too long ends in an
 * ellipsis. Returns the height of the line. */
double print_text(cairo_t *cr, const char *text, double x, double y, double width, double size,
                  int flags, double grey);

/* The largest size from max down to min (points) at which text fits width; min when
 * none does (print_text then ellipsizes). */
double print_fit_size(cairo_t *cr, const char *text, double width, double max, double min,
                      int flags);

/* Writes an RGB24 image surface as a PNG with a pHYs chunk of dpi. */
lk_status print_write_png(cairo_surface_t *img, const char *path, int dpi, char *err,
                          size_t err_len) LK_MUST_CHECK;

/* Copies why into err (may be NULL). */
void print_err(char *err, size_t err_len, const char *why);

#endif
