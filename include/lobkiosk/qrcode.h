/* QR codes drawn with libqrencode: PNG files of passes (CLI, demo) and the
 * done-screen code. Rendering goes through SDL2_image's PNG writer. */
#ifndef LOBKIOSK_QRCODE_H
#define LOBKIOSK_QRCODE_H

#include <SDL.h>
#include <qrencode.h>
#include <stdint.h>

#include "lobkiosk/status.h"

/* The QR matrix of text at level M: alphanumeric mode when every character allows
 * it (a pass stays at version 6), byte mode otherwise. NULL on NULL/empty text, a
 * text too long for QR, or no memory. Free with QRcode_free(). */
QRcode *qrcode_encode(const char *text);

/* The one drawing of a QR code: a new RGB24 surface (free with SDL_FreeSurface)
 * of text's code, scale pixels per module, with quiet modules of the light
 * colour around it; colours as 0xRRGGBB. NULL when text is NULL/empty or too long
 * for QR, or the surface would be larger than 4096 pixels, or on no memory (errno
 * says which). Needs no SDL_Init. Any thread. */
SDL_Surface *qrcode_surface(const char *text, int quiet, int scale, uint32_t dark, uint32_t light);

/* Writes text as a QR code PNG, level M, alphanumeric mode when the text allows
 * it, scale pixels per module, with a 4-module quiet zone. */
lk_status qrcode_write_png(const char *text, const char *path, int scale) LK_MUST_CHECK;

#endif
