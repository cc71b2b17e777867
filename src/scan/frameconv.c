/* Grey frames out of camera pixel formats: the per-frame work of the v4l2 source,
 * in its own unit so the benchmark measures exactly the code the kiosk runs.
 * GREY and the Y plane of the 4:2:0 formats are copied, YUYV/UYVY have every other
 * byte picked, MJPEG/JPEG is decoded by libjpeg-turbo straight to grey (only the
 * luma is transformed), RGB24/BGR24 get BT.601 luma computed.
 * Thread: a converter is used by one thread at a time. */
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

#include "lobkiosk/framesrc.h"

typedef enum pix_kind {
    PIX_GREY,   /* 8-bit luma, rows of bytesperline */
    PIX_YUYV,   /* packed 4:2:2, Y at even bytes */
    PIX_UYVY,   /* packed 4:2:2, Y at odd bytes */
    PIX_YPLANE, /* planar or semi-planar 4:2:0: the Y plane comes first */
    PIX_JPEG,   /* MJPEG / JPEG */
    PIX_RGB24,
    PIX_BGR24,
} pix_kind;

/* In the order the v4l2 source prefers them (cheapest grey first). */
static const struct {
    uint32_t fourcc;
    pix_kind kind;
    unsigned bpp; /* bytes per pixel in a row; 0 = compressed */
} formats[] = {
    {FRAMESRC_FOURCC('G', 'R', 'E', 'Y'), PIX_GREY, 1},
    {FRAMESRC_FOURCC('Y', 'U', 'Y', 'V'), PIX_YUYV, 2},
    {FRAMESRC_FOURCC('U', 'Y', 'V', 'Y'), PIX_UYVY, 2},
    {FRAMESRC_FOURCC('Y', 'U', '1', '2'), PIX_YPLANE, 1}, /* YUV420, I420 */
    {FRAMESRC_FOURCC('Y', 'V', '1', '2'), PIX_YPLANE, 1}, /* YVU420 */
    {FRAMESRC_FOURCC('N', 'V', '1', '2'), PIX_YPLANE, 1},
    {FRAMESRC_FOURCC('N', 'V', '2', '1'), PIX_YPLANE, 1},
    {FRAMESRC_FOURCC('M', 'J', 'P', 'G'), PIX_JPEG, 0},
    {FRAMESRC_FOURCC('J', 'P', 'E', 'G'), PIX_JPEG, 0},
    {FRAMESRC_FOURCC('R', 'G', 'B', '3'), PIX_RGB24, 3},
    {FRAMESRC_FOURCC('B', 'G', 'R', '3'), PIX_BGR24, 3},
};
#define N_FORMATS (sizeof formats / sizeof formats[0])

struct framesrc_conv {
    pix_kind kind;
    int w, h;
    size_t bytesperline;
    tjhandle tj; /* JPEG decoder, made on first use */
};

int framesrc_conv_rank(uint32_t fourcc)
{
    for (size_t k = 0; k < N_FORMATS; k++)
        if (formats[k].fourcc == fourcc)
            return (int)k;
    return -1;
}

framesrc_conv *framesrc_conv_create(uint32_t fourcc, int width, int height, size_t bytesperline)
{
    int k = framesrc_conv_rank(fourcc);
    if (k < 0 || width < 1 || height < 1 || width > 16384 || height > 16384)
        return NULL;
    framesrc_conv *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->kind = formats[k].kind;
    c->w = width;
    c->h = height;
    size_t min = (size_t)width * formats[k].bpp;
    c->bytesperline = bytesperline >= min ? bytesperline : min;
    return c;
}

bool framesrc_conv_is_jpeg(const framesrc_conv *c)
{
    return c && c->kind == PIX_JPEG;
}

bool framesrc_conv_grey(framesrc_conv *c, const uint8_t *src, size_t used, uint8_t *grey)
{
    if (!c || !src || !grey)
        return false;
    int w = c->w, h = c->h;
    if (c->kind == PIX_JPEG) {
        if (!c->tj && !(c->tj = tjInitDecompress()))
            return false;
        int jw = 0, jh = 0, sub = 0, cs = 0; /* not always set when the header is cut */
        if (tjDecompressHeader3(c->tj, src, (unsigned long)used, &jw, &jh, &sub, &cs) != 0 ||
            jw != w || jh != h)
            return false;
        if (tjDecompress2(c->tj, src, (unsigned long)used, grey, w, w, h, TJPF_GRAY,
                          TJFLAG_FASTDCT | TJFLAG_NOREALLOC) != 0 &&
            tjGetErrorCode(c->tj) != TJERR_WARNING)
            return false; /* a warning (a torn end of the frame) still gives a picture */
        return true;
    }
    size_t bpp = c->kind == PIX_YUYV || c->kind == PIX_UYVY     ? 2
                 : c->kind == PIX_RGB24 || c->kind == PIX_BGR24 ? 3
                                                                : 1;
    if (used < c->bytesperline * (size_t)(h - 1) + (size_t)w * bpp)
        return false;
    for (int y = 0; y < h; y++) {
        const uint8_t *p = src + (size_t)y * c->bytesperline;
        uint8_t *g = grey + (size_t)y * (size_t)w;
        switch (c->kind) {
        case PIX_GREY:
        case PIX_YPLANE:
            memcpy(g, p, (size_t)w);
            break;
        case PIX_YUYV:
            for (int x = 0; x < w; x++)
                g[x] = p[2 * x];
            break;
        case PIX_UYVY:
            for (int x = 0; x < w; x++)
                g[x] = p[2 * x + 1];
            break;
        case PIX_RGB24:
            for (int x = 0; x < w; x++, p += 3)
                g[x] = (uint8_t)((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);
            break;
        case PIX_BGR24:
            for (int x = 0; x < w; x++, p += 3)
                g[x] = (uint8_t)((77 * p[2] + 150 * p[1] + 29 * p[0] + 128) >> 8);
            break;
        case PIX_JPEG:
            break;
        }
    }
    return true;
}

void framesrc_conv_destroy(framesrc_conv *c)
{
    if (!c)
        return;
    if (c->tj)
        tjDestroy(c->tj);
    free(c);
}
