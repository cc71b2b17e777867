/* QR codes drawn with libqrencode: PNG files of passes (CLI, demo) and the
 * done-screen code. Rendering goes through SDL2_image's PNG writer. */
#ifndef LOBKIOSK_QRCODE_H
#define LOBKIOSK_QRCODE_H

#include <qrencode.h>

#include "lobkiosk/status.h"

/* The QR matrix of text at level M: alphanumeric mode when every character allows
 * it (a pass stays at version 6), byte mode otherwise. NULL on NULL/empty text, a
 * text too long for QR, or no memory. Free with QRcode_free(). */
QRcode *qrcode_encode(const char *text);

/* Writes text as a QR code PNG, level M, alphanumeric mode when the text allows
 * it, scale pixels per module, with a 4-module quiet zone. */
lk_status qrcode_write_png(const char *text, const char *path, int scale) LK_MUST_CHECK;

#endif
