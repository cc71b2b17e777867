/* lobkiosk check: the hardware: the camera (a frame grabbed), the USB scanner and
 * the fonts the screen draws with. */
#include <SDL_ttf.h>
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/check.h"
#include "lobkiosk/framesrc.h"
#include "lobkiosk/util.h"
#include "ui/draw.h"

#define CHECK_CAMERA_WAIT_MS 10000 /* rpicam-vid needs a second or two to start */

/* --- devices ------------------------------------------------------------------ */

/* The image extensions the folder source plays (src/scan/framesrc_folder.c). */
static bool is_image(const char *name)
{
    static const char *const exts[] = {".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm", ".pnm"};
    const char *dot = strrchr(name, '.');
    if (!dot)
        return false;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (strcasecmp(dot, exts[i]) == 0)
            return true;
    return false;
}

static void check_device(run *r, const char *what, const char *path, const char *fix_missing,
                         const char *group)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        check_say(r, RES_FAIL, what, "%s does not exist (%s) -> %s", path, strerror(errno),
                  fix_missing);
    else if (!S_ISCHR(sb.st_mode))
        check_say(r, RES_FAIL, what, "%s is not a device -> fix the path in kiosk.ini", path);
    else if (access(path, R_OK) != 0)
        check_say(r, RES_WARN, what,
                  "%s is there, but this user may not open it -> the kiosk's user "
                  "needs the %s group",
                  path, group);
    else
        check_say(r, RES_OK, what, "%s is there", path);
}

/* Opens the camera as the kiosk would and waits for one real frame. */
static void check_grab(run *r, const config_camera *cam)
{
    char err[512] = "", desc[CONFIG_PATH_MAX + 200];
    framesrc *src = framesrc_open(cam, err, sizeof err);
    if (!src) {
        check_say(r, RES_FAIL, "camera", "%s -> fix [camera]", err);
        return;
    }
    int64_t until = lk_mono_ms() + CHECK_CAMERA_WAIT_MS;
    lk_frame f;
    lk_status st;
    do {
        st = framesrc_next(src, &f, 200);
    } while (st != LK_OK && lk_mono_ms() < until);
    framesrc_describe(src, desc, sizeof desc);
    if (st == LK_OK)
        check_say(r, RES_OK, "camera", "a %dx%d frame: %s", f.width, f.height, desc);
    else
        check_say(
            r, RES_FAIL, "camera",
            "no frame within %d s: %s -> plug the camera in; stop the "
            "kiosk first if it is running (it holds the camera); `lobkiosk camera` shows more",
            CHECK_CAMERA_WAIT_MS / 1000, desc);
    framesrc_close(src);
}

void check_camera(run *r)
{
    const config_camera *cam = &r->cfg->camera;
    if (!cam->source[0] || strcmp(cam->source, "none") == 0) {
        check_say(r, RES_OK, "camera", "source none: scanner only");
        return;
    }
    if (strcmp(cam->source, "v4l2") == 0 || strcmp(cam->source, "command") == 0) {
        check_grab(r, cam);
        return;
    }
    DIR *d = opendir(cam->folder);
    if (!d) {
        check_say(r, RES_FAIL, "camera",
                  "frames folder %s cannot be opened (%s) -> create it or fix "
                  "[camera] folder",
                  cam->folder, strerror(errno));
        return;
    }
    size_t n = 0;
    char first[256] = "";
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !is_image(e->d_name))
            continue;
        if (!first[0] || strcmp(e->d_name, first) < 0)
            lk_strlcpy(first, e->d_name, sizeof first);
        n++;
    }
    closedir(d);
    if (n == 0) {
        check_say(r, RES_FAIL, "camera",
                  "frames folder %s holds no images -> put PNG or JPEG files in "
                  "it",
                  cam->folder);
        return;
    }
    char path[CONFIG_PATH_MAX + 256], err[256] = "";
    lk_frame fr = {0};
    if (!lk_path_join(path, sizeof path, cam->folder, first) ||
        framesrc_load_image(path, &fr, err, sizeof err) != LK_OK) {
        check_say(r, RES_FAIL, "camera", "%s does not load as an image (%s) -> replace it", path,
                  err);
        return;
    }
    framesrc_frame_free(&fr);
    check_say(r, RES_OK, "camera", "frames folder %s: %zu images", cam->folder, n);
}

void check_scanner(run *r)
{
    const char *dev = r->cfg->scanner.evdev;
    if (!dev[0]) {
        check_say(r, RES_OK, "scanner", "no evdev device: a scanner types into the kiosk window");
        return;
    }
    check_device(r, "scanner", dev, "plug the scanner in, or fix [scanner] evdev", "input");
}

/* The UI's own font lookup (draw_create) on a small off-screen renderer, so this
 * check finds exactly what the kiosk will find. */
void check_fonts(run *r)
{
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, 8, 8, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *ren = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    char err[256] = "";
    draw *d = ren ? draw_create(ren, r->cfg->assets_dir, err, sizeof err) : NULL;
    if (d)
        check_say(r, RES_OK, "fonts", "%s", draw_font_path(d));
    else if (!ren)
        check_say(r, RES_FAIL, "fonts", "cannot try the fonts: %s", SDL_GetError());
    else
        check_say(r, RES_FAIL, "fonts", "%s -> sudo apt install fonts-noto-core",
                  err[0] ? err : "no font found");
    draw_destroy(d);
    if (ren)
        SDL_DestroyRenderer(ren);
    SDL_FreeSurface(surf);
    if (TTF_WasInit())
        TTF_Quit();
}
