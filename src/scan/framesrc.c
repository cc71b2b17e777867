/* The frame-source seam: dispatch through the ops table, choosing an
 * implementation from kiosk.ini, and image loading (SDL2_image) shared by the
 * folder source and `lobkiosk decode`. */
#include "lobkiosk/framesrc.h"

#include <SDL.h>
#include <SDL_image.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct framesrc {
    const framesrc_ops *ops; /* borrowed, static in each implementation */
    void *impl;              /* owned */
};

const char *framesrc_state_token(framesrc_state st)
{
    switch (st) {
    case FRAMESRC_OK:
        return "ok";
    case FRAMESRC_NOT_FOUND:
        return "not_found";
    case FRAMESRC_RECOVERING:
        return "recovering";
    case FRAMESRC_NONE:
        return "none";
    }
    return "none";
}

framesrc *framesrc_from_ops(const framesrc_ops *ops, void *impl)
{
    if (!ops || !ops->next || !ops->state || !ops->close)
        return NULL;
    framesrc *src = calloc(1, sizeof *src);
    if (!src) {
        ops->close(impl);
        return NULL;
    }
    src->ops = ops;
    src->impl = impl;
    return src;
}

framesrc *framesrc_open(const config_camera *cam, char *err, size_t err_len)
{
    if (err && err_len)
        err[0] = '\0';
    if (!cam) {
        if (err)
            snprintf(err, err_len, "camera: no configuration");
        return NULL;
    }
    if (cam->source[0] == '\0' || strcmp(cam->source, "none") == 0)
        return framesrc_none_open();
    if (cam->fps < 1 || cam->fps > 120) {
        if (err)
            snprintf(err, err_len, "camera: fps %d is outside 1..120", cam->fps);
        return NULL;
    }
    if (strcmp(cam->source, "folder") == 0)
        return framesrc_folder_open(cam->folder, cam->fps, err, err_len);
    if (strcmp(cam->source, "v4l2") == 0)
        return framesrc_v4l2_open(cam, err, err_len);
    if (strcmp(cam->source, "command") == 0)
        return framesrc_command_open(cam->command, cam->width, cam->height, cam->fps, err,
                                     err_len);
    if (err)
        snprintf(err, err_len, "camera: unknown source '%s' (v4l2, command, folder or none)",
                 cam->source);
    return NULL;
}

lk_status framesrc_next(framesrc *src, lk_frame *out, int timeout_ms)
{
    if (!src || !out || timeout_ms < 0)
        return LK_ERR_INVALID;
    memset(out, 0, sizeof *out);
    return src->ops->next(src->impl, out, timeout_ms);
}

framesrc_state framesrc_get_state(const framesrc *src)
{
    return src ? src->ops->state(src->impl) : FRAMESRC_NONE;
}

const char *framesrc_name(const framesrc *src)
{
    return src && src->ops->name ? src->ops->name : "none";
}

void framesrc_describe(const framesrc *src, char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    buf[0] = '\0';
    if (src && src->ops->describe)
        src->ops->describe(src->impl, buf, len);
    if (buf[0] == '\0')
        snprintf(buf, len, "%s", framesrc_name(src));
}

void framesrc_close(framesrc *src)
{
    if (!src)
        return;
    src->ops->close(src->impl);
    free(src);
}

lk_status framesrc_load_image(const char *path, lk_frame *out, char *err, size_t err_len)
{
    if (err && err_len)
        err[0] = '\0';
    if (!path || !out || path[0] == '\0')
        return LK_ERR_INVALID;
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(path, &st) != 0) {
        if (err)
            snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? LK_ERR_NOT_FOUND : LK_ERR_IO;
    }
    SDL_Surface *img = IMG_Load(path);
    if (!img) {
        if (err)
            snprintf(err, err_len, "%s: not an image (%s)", path, IMG_GetError());
        return LK_ERR_INVALID;
    }
    /* RGBA so transparent backgrounds can be put on white, as a screen or paper
     * would show them; a transparent PNG code on black would be unreadable. */
    SDL_Surface *rgba = SDL_ConvertSurfaceFormat(img, SDL_PIXELFORMAT_RGBA32, 0);
    SDL_FreeSurface(img);
    if (!rgba) {
        if (err)
            snprintf(err, err_len, "%s: cannot convert (%s)", path, SDL_GetError());
        return LK_ERR_INVALID;
    }
    int w = rgba->w, h = rgba->h;
    if (w <= 0 || h <= 0 || w > 16384 || h > 16384) {
        SDL_FreeSurface(rgba);
        if (err)
            snprintf(err, err_len, "%s: image size %dx%d not supported", path, w, h);
        return LK_ERR_INVALID;
    }
    size_t n = (size_t)w * (size_t)h;
    uint8_t *grey = malloc(n);
    uint8_t *rgb = malloc(n * 3);
    if (!grey || !rgb) {
        free(grey);
        free(rgb);
        SDL_FreeSurface(rgba);
        return LK_ERR_NOMEM;
    }
    if (SDL_MUSTLOCK(rgba))
        SDL_LockSurface(rgba);
    for (int y = 0; y < h; y++) {
        const uint8_t *p = (const uint8_t *)rgba->pixels + (size_t)y * (size_t)rgba->pitch;
        for (int x = 0; x < w; x++, p += 4) {
            unsigned a = p[3];
            unsigned r = (p[0] * a + 255 * (255 - a)) / 255;
            unsigned g = (p[1] * a + 255 * (255 - a)) / 255;
            unsigned b = (p[2] * a + 255 * (255 - a)) / 255;
            size_t i = (size_t)y * (size_t)w + (size_t)x;
            rgb[i * 3] = (uint8_t)r;
            rgb[i * 3 + 1] = (uint8_t)g;
            rgb[i * 3 + 2] = (uint8_t)b;
            /* BT.601 luma, what a camera's Y plane holds */
            grey[i] = (uint8_t)((77 * r + 150 * g + 29 * b + 128) >> 8);
        }
    }
    if (SDL_MUSTLOCK(rgba))
        SDL_UnlockSurface(rgba);
    SDL_FreeSurface(rgba);
    out->width = w;
    out->height = h;
    out->grey = grey;
    out->rgb = rgb;
    return LK_OK;
}

void framesrc_frame_free(lk_frame *frame)
{
    if (!frame)
        return;
    free((void *)frame->grey);
    free((void *)frame->rgb);
    frame->grey = NULL;
    frame->rgb = NULL;
    frame->width = frame->height = 0;
}
