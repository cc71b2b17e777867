/* QR codes: PNG files of passes printed from the CLI, the demo set, the done screen. libqrencode
 * builds the matrix; an SDL surface holds the pixels and SDL2_image writes the PNG,
 * so no SDL_Init (and no display) is needed. */
#include "lobkiosk/qrcode.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <SDL.h>
#include <SDL_image.h>
#include <qrencode.h>

#define QUIET_ZONE 4   /* modules of white around the code, as ISO 18004 asks */
#define SCALE_MAX 64   /* pixels per module; beyond this the file is just big */
#define SIZE_MAX_PX 4096 /* image side: a long text at a big scale is a mistake */

/* True when every character fits QR alphanumeric mode (0-9, A-Z, space $%*+-./:),
 * which keeps a pass at version 6 instead of 8. */
static bool is_alphanumeric(const char *s)
{
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') || strchr(" $%*+-./:", *s)))
            return false;
    return true;
}

QRcode *qrcode_encode(const char *text)
{
    if (!text || !*text)
        return NULL;
    if (!is_alphanumeric(text)) /* case-sensitive: URLs keep their lower case */
        return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    /* QRcode_encodeString refuses QR_MODE_AN as a hint: state the mode explicitly */
    QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
    if (!in)
        return NULL;
    QRcode *qr = NULL;
    if (QRinput_append(in, QR_MODE_AN, (int)strlen(text), (const unsigned char *)text) == 0)
        qr = QRcode_encodeInput(in);
    QRinput_free(in);
    return qr;
}

SDL_Surface *qrcode_surface(const char *text, int quiet, int scale, uint32_t dark, uint32_t light)
{
    if (quiet < 0 || scale < 1 || scale > SCALE_MAX) {
        errno = EINVAL;
        return NULL;
    }
    QRcode *qr = qrcode_encode(text);
    if (!qr)
        return NULL; /* errno: ERANGE too long, ENOMEM, EINVAL */
    int size = (qr->width + 2 * quiet) * scale;
    SDL_Surface *s = NULL;
    if (size > SIZE_MAX_PX) {
        errno = ERANGE;
        goto out;
    }
    s = SDL_CreateRGBSurfaceWithFormat(0, size, size, 24, SDL_PIXELFORMAT_RGB24);
    if (!s) {
        errno = ENOMEM;
        goto out;
    }
    Uint32 px_light =
        SDL_MapRGB(s->format, (Uint8)(light >> 16), (Uint8)(light >> 8), (Uint8)light);
    Uint32 px_dark = SDL_MapRGB(s->format, (Uint8)(dark >> 16), (Uint8)(dark >> 8), (Uint8)dark);
    SDL_FillRect(s, NULL, px_light);
    for (int y = 0; y < qr->width; y++) {
        for (int x = 0; x < qr->width; x++) {
            if (!(qr->data[y * qr->width + x] & 1)) /* bit 0: dark module */
                continue;
            SDL_Rect r = {(x + quiet) * scale, (y + quiet) * scale, scale, scale};
            SDL_FillRect(s, &r, px_dark);
        }
    }
out:
    QRcode_free(qr);
    return s;
}

lk_status qrcode_write_png(const char *text, const char *path, int scale)
{
    if (!text || !*text || !path || !*path || scale < 1 || scale > SCALE_MAX)
        return LK_ERR_INVALID;
    SDL_Surface *s = qrcode_surface(text, QUIET_ZONE, scale, 0x000000, 0xFFFFFF);
    if (!s) {
        /* ERANGE: too long for any QR version or too big an image */
        lk_status st = errno == ENOMEM ? LK_ERR_NOMEM : LK_ERR_INVALID;
        fprintf(stderr, "qrcode: cannot encode: %s\n", strerror(errno));
        return st;
    }
    lk_status st = LK_OK;
    if (IMG_SavePNG(s, path) != 0) {
        fprintf(stderr, "qrcode: %s: %s\n", path, IMG_GetError());
        st = LK_ERR_IO;
    }
    SDL_FreeSurface(s);
    return st;
}
