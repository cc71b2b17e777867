/* lobkiosk camera: the technician's camera test. Opens the configured [camera]
 * source exactly as the kiosk does, reads N frames, scans each with the kiosk's
 * decoder (video mode, as the kiosk runs it), and prints:
 *   stdout: one line per decoded code, beginning with the payload, then a tab and
 *           the frame number (control characters escaped), so `cut -f1` gives the
 *           payloads;
 *   stderr: the format negotiated, and at the end the frames read, the time and
 *           the frame rate achieved.
 * --save DIR writes every frame as DIR/frame-NNNN.png (grey, as the decoder sees it).
 * Exit 0 when the frames came, 1 when no frame came (the camera is not working),
 * 2 wrong arguments, 3 a failure (kiosk.ini, the save folder).
 * Stop the kiosk first: a V4L2 camera or rpicam-vid serves one program at a time. */
#include <SDL.h>
#include <SDL_image.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "lobkiosk/decode.h"
#include "lobkiosk/framesrc.h"
#include "lobkiosk/util.h"

#define CAMERA_FIRST_FRAME_MS 10000 /* rpicam-vid and some webcams need seconds to start */
#define CAMERA_GAP_MS 5000          /* no frame this long after the first: give up */
#define CAMERA_DEFAULT_FRAMES 45    /* 3 s at 15 fps */

static int save_png(const char *dir, uint64_t n, const lk_frame *f)
{
    char path[CONFIG_PATH_MAX + 64], name[40];
    snprintf(name, sizeof name, "frame-%04llu.png", (unsigned long long)n);
    if (!lk_path_join(path, sizeof path, dir, name))
        return -1;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, f->width, f->height, 24,
                                                    SDL_PIXELFORMAT_RGB24);
    if (!s)
        return -1;
    for (int y = 0; y < f->height; y++) {
        uint8_t *p = (uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch;
        const uint8_t *g = f->grey + (size_t)y * (size_t)f->width;
        for (int x = 0; x < f->width; x++, p += 3)
            p[0] = p[1] = p[2] = g[x];
    }
    int rc = IMG_SavePNG(s, path);
    SDL_FreeSurface(s);
    if (rc != 0)
        fprintf(stderr, "lobkiosk camera: cannot write %s: %s\n", path, IMG_GetError());
    return rc;
}

int cmd_camera(const cli_ctx *ctx, int argc, char **argv)
{
    long frames = CAMERA_DEFAULT_FRAMES;
    const char *save = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--frames") == 0 && i + 1 < argc) {
            if (lk_parse_long(argv[++i], 1, 100000, &frames) != LK_OK) {
                fprintf(stderr, "lobkiosk camera: --frames '%s' is not 1..100000\n", argv[i]);
                return CLI_EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--save") == 0 && i + 1 < argc) {
            save = argv[++i];
        } else {
            fprintf(stderr, "usage: lobkiosk --config FILE camera [--frames N] [--save DIR]\n");
            return CLI_EXIT_USAGE;
        }
    }
    const config_camera *cam = &ctx->cfg->camera;
    if (!cam->source[0] || strcmp(cam->source, "none") == 0) {
        fprintf(stderr, "lobkiosk camera: [camera] source = none: no camera to test (a USB "
                        "barcode scanner only)\n");
        return CLI_EXIT_REFUSED;
    }
    if (save) {
        struct stat st;
        if (stat(save, &st) != 0 && lk_mkdirs(save, 0755) != LK_OK) {
            fprintf(stderr, "lobkiosk camera: cannot create %s: %s\n", save, strerror(errno));
            return CLI_EXIT_ERROR;
        }
    }
    char err[512] = "", desc[CONFIG_PATH_MAX + 256];
    framesrc *src = framesrc_open(cam, err, sizeof err);
    if (!src) {
        fprintf(stderr, "lobkiosk camera: %s\n", err[0] ? err : "out of memory");
        return CLI_EXIT_ERROR;
    }
    decoder *dec = decoder_create(DECODE_VIDEO);
    decode_result *res = malloc(sizeof *res);
    if (!dec || !res) {
        fprintf(stderr, "lobkiosk camera: out of memory\n");
        decoder_destroy(dec);
        free(res);
        framesrc_close(src);
        return CLI_EXIT_ERROR;
    }
    fprintf(stderr, "camera: source %s, asking %dx%d at %d fps\n", cam->source, cam->width,
            cam->height, cam->fps);
    int rc = CLI_EXIT_OK;
    long got = 0, decoded = 0;
    int64_t t0 = lk_mono_ms(), first_ms = 0, last_ms = 0;
    int64_t wait_until = t0 + CAMERA_FIRST_FRAME_MS;
    while (got < frames) {
        lk_frame f;
        lk_status st = framesrc_next(src, &f, 200);
        int64_t now = lk_mono_ms();
        if (st != LK_OK) {
            if (now >= wait_until)
                break;
            continue;
        }
        if (got == 0) {
            first_ms = now;
            framesrc_describe(src, desc, sizeof desc);
            fprintf(stderr, "camera: format %s\n", desc);
        }
        got++;
        last_ms = now;
        wait_until = now + CAMERA_GAP_MS;
        if (save && save_png(save, (uint64_t)got, &f) != 0) {
            rc = CLI_EXIT_ERROR;
            break;
        }
        if (decoder_scan(dec, &f, res) != LK_OK)
            continue;
        for (size_t k = 0; k < res->n; k++) {
            char safe[DECODE_TEXT_MAX * 4];
            lk_log_escape(res->sym[k].text, safe, sizeof safe);
            printf("%s\tframe %ld\n", safe, got);
            decoded++;
        }
        fflush(stdout);
    }
    if (got == 0) {
        framesrc_describe(src, desc, sizeof desc);
        fprintf(stderr, "camera: no frame within %d s: %s\n", CAMERA_FIRST_FRAME_MS / 1000, desc);
        if (rc == CLI_EXIT_OK)
            rc = CLI_EXIT_REFUSED;
    } else {
        /* the rate between the first and the last frame: start-up time left out */
        double secs = (double)(last_ms - first_ms) / 1000.0;
        double fps = got > 1 && secs > 0 ? (double)(got - 1) / secs : 0.0;
        fprintf(stderr,
                "camera: %ld frames of %ld in %.1f s, %.1f fps (asked %d), first after %.1f s; "
                "%ld codes decoded%s%s\n",
                got, frames, secs, fps, cam->fps, (double)(first_ms - t0) / 1000.0, decoded,
                save ? "; frames saved in " : "", save ? save : "");
        if (got < frames) {
            fprintf(stderr, "camera: the frames stopped: %s\n",
                    (framesrc_describe(src, desc, sizeof desc), desc));
            if (rc == CLI_EXIT_OK)
                rc = CLI_EXIT_REFUSED;
        }
    }
    decoder_destroy(dec);
    free(res);
    framesrc_close(src);
    SDL_TLSCleanup();
    return rc;
}
