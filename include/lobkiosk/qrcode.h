/* QR codes drawn with libqrencode: PNG files of passes (CLI, demo) and the
 * done-screen code. Rendering goes through SDL2_image's PNG writer. */
#ifndef LOBKIOSK_QRCODE_H
#define LOBKIOSK_QRCODE_H

#include "lobkiosk/status.h"

/* Writes text as a QR code PNG, level M, alphanumeric mode when the text allows
 * it, scale pixels per module, with a 4-module quiet zone. */
lk_status qrcode_write_png(const char *text, const char *path, int scale) LK_MUST_CHECK;

#endif
