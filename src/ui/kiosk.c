/* The kiosk loop, the composition root: it opens the window and the UI thread's
 * own store connection, starts the scanner and sync threads beside it (they are
 * only asked for snapshots), wires the flow to the renderer, and runs the loop.
 * It sleeps in SDL_WaitEventTimeout until an event, a flow deadline, a preview
 * frame (capped), a script step or the once-a-second status refresh is due, and it
 * draws only when something changed, so an idle kiosk costs next to no CPU. */
#include "ui/kiosk.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "lobkiosk/state.h"
#include "lobkiosk/util.h"
#include "ui/kiosk_int.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    (void)sig;
    stop_signal = 1;
}

/* --- input ------------------------------------------------------------------------ */

/* A finger held longer than this while another comes down is taken as lost (its
 * FINGERUP dropped with a kernel SYN_DROPPED); the new finger presses instead. */
#define FINGER_STALE_MS 10000

/* Output pixels to the UI's coordinates. */
static void to_ui(const kiosk *k, int px, int py, int *x, int *y)
{
    (void)k;
    *x = px;
    *y = py;
}

/* The UI's coordinates to output pixels (the script's taps and touches). */
static void from_ui(const kiosk *k, int x, int y, int *px, int *py)
{
    (void)k;
    *px = x;
    *py = y;
}

static void output_size(const kiosk *k, int *w, int *h)
{
    if (SDL_GetRendererOutputSize(k->ren, w, h) != 0 || *w <= 0 || *h <= 0)
        *w = *h = 1;
}

/* A mouse position (window points) in output pixels: the same unless the window
 * is high-DPI. */
static void mouse_to_output(const kiosk *k, int mx, int my, int *px, int *py)
{
    int ow, oh, ww = 0, wh = 0;
    output_size(k, &ow, &oh);
    SDL_GetWindowSize(k->win, &ww, &wh);
    *px = ww > 0 && ww != ow ? (int)((long)mx * ow / ww) : mx;
    *py = wh > 0 && wh != oh ? (int)((long)my * oh / wh) : my;
}

/* A finger's normalised position (0..1 of the touchscreen, which covers the
 * output) in output pixels. KMSDRM's evdev backend sends it with no window. */
static void finger_to_output(const kiosk *k, float fx, float fy, int *px, int *py)
{
    int ow, oh;
    output_size(k, &ow, &oh);
    int x = (int)(fx * (float)ow), y = (int)(fy * (float)oh);
    *px = x < 0 ? 0 : x >= ow ? ow - 1 : x;
    *py = y < 0 ? 0 : y >= oh ? oh - 1 : y;
}

static void press(kiosk *k, int x, int y)
{
    const char *id = screens_hit(&k->scr, x, y);
    k->presses++;
    lk_strlcpy(k->pressed, id ? id : "", sizeof k->pressed);
    if (id)
        kiosk_render(k); /* the pressed state at once */
}

static void release(kiosk *k, int x, int y)
{
    const char *id = screens_hit(&k->scr, x, y);
    char held[SCREENS_ID_MAX];
    lk_strlcpy(held, k->pressed, sizeof held);
    k->pressed[0] = '\0';
    k->dirty = true;
    /* Respond on release, and only when still on the button pressed. */
    if (id && held[0] && strcmp(id, held) == 0)
        kiosk_apply(k, flow_tap(&k->f, held, lk_mono_ms()));
}

/* Finger events: one press per finger. While one finger holds a button, other
 * fingers do nothing; the press acts when that finger is lifted, on the button
 * under it then. */
static void finger_event(kiosk *k, const SDL_TouchFingerEvent *t)
{
    int px, py, x, y;
    finger_to_output(k, t->x, t->y, &px, &py);
    to_ui(k, px, py, &x, &y);
    bool ours = k->finger_down && t->touchId == k->finger_touch && t->fingerId == k->finger_id;
    if (t->type == SDL_FINGERDOWN) {
        if (k->finger_down && !ours && lk_mono_ms() - k->finger_t0 < FINGER_STALE_MS)
            return;
        k->finger_down = true;
        k->finger_touch = t->touchId;
        k->finger_id = t->fingerId;
        k->finger_t0 = lk_mono_ms();
        press(k, x, y);
    } else if (t->type == SDL_FINGERUP && ours) {
        k->finger_down = false;
        release(k, x, y);
    }
}

static void handle_event(kiosk *k, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT:
        /* Window close or Alt-F4: a kiosk is left only from the admin screen. */
        break;
    case SDL_TEXTINPUT:
        wedge_text(k->wg, e->text.text, (int64_t)e->text.timestamp + k->sdl_to_mono);
        break;
    case SDL_KEYDOWN:
        /* Esc, Ctrl-Q and the like do nothing; Enter and Tab end a scanner burst. */
        if (e->key.keysym.sym == SDLK_RETURN || e->key.keysym.sym == SDLK_KP_ENTER)
            wedge_key(k->wg, '\r', (int64_t)e->key.timestamp + k->sdl_to_mono);
        else if (e->key.keysym.sym == SDLK_TAB)
            wedge_key(k->wg, '\t', (int64_t)e->key.timestamp + k->sdl_to_mono);
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        /* SDL makes mouse events from a finger on a window (X11, Wayland): the
         * finger events carry that tap already. On KMSDRM there are none. */
        if (e->button.button == SDL_BUTTON_LEFT && e->button.which != SDL_TOUCH_MOUSEID) {
            int px, py, x, y;
            mouse_to_output(k, e->button.x, e->button.y, &px, &py);
            to_ui(k, px, py, &x, &y);
            if (e->type == SDL_MOUSEBUTTONDOWN)
                press(k, x, y);
            else
                release(k, x, y);
        }
        break;
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
        finger_event(k, &e->tfinger);
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED || e->window.event == SDL_WINDOWEVENT_EXPOSED ||
            e->window.event == SDL_WINDOWEVENT_SHOWN)
            k->dirty = true;
        break;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        draw_flush_cache(k->d);
        k->dirty = true;
        break;
    default:
        break;
    }
}

static void poll_sources(kiosk *k)
{
    char payload[WEDGE_MAX_LEN + 1];
    if (k->ev_in && evdev_pump(k->ev_in, k->wg, 0) == LK_ERR_DEVICE) {
        /* unplugged: evdev retries by itself */
    }
    while (wedge_poll(k->wg, lk_mono_ms(), payload, sizeof payload))
        kiosk_on_payload(k, payload);
    scanner_hit hit;
    if (k->sc && scanner_take_hit(k->sc, k->last_hit, &hit)) {
        k->last_hit = hit.id;
        double sx = k->pv.w > 0 && hit.frame_w > 0 ? (double)k->pv.w / hit.frame_w : 1.0;
        double sy = k->pv.h > 0 && hit.frame_h > 0 ? (double)k->pv.h / hit.frame_h : 1.0;
        for (int i = 0; i < 4; i++)
            k->v.corners[i] = (SDL_FPoint){(float)(hit.corners[i].x * sx), (float)(hit.corners[i].y * sy)};
        k->hit_until = lk_mono_ms() + HIT_SHOW_MS;
        kiosk_on_payload(k, hit.text);
    }
}

/* --- script ----------------------------------------------------------------------- */

static void script_fail(kiosk *k, const char *fmt, const char *arg)
{
    k->failures++;
    fprintf(stderr, "lobkiosk script line %d: ", k->script_line);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
}

/* A left click at output pixel (px, py) as SDL delivers it; which =
 * SDL_TOUCH_MOUSEID makes it the mouse SDL synthesises from a finger. */
static void push_mouse(Uint32 type, int px, int py, Uint32 which)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    e.button.which = which;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    e.button.x = px;
    e.button.y = py;
    e.button.clicks = 1;
    SDL_PushEvent(&e);
}

/* A finger at output pixel (px, py), as SDL_SendTouch posts it: position
 * normalised to the touchscreen (= the output), pressure 1. KMSDRM passes no
 * window (windowID 0); X11 and Wayland pass theirs. */
static void push_finger(kiosk *k, Uint32 type, int px, int py, Uint32 window_id)
{
    int ow, oh;
    output_size(k, &ow, &oh);
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    e.tfinger.touchId = 3; /* SDL's evdev uses the device's fd */
    e.tfinger.fingerId = k->script_finger;
    e.tfinger.x = ((float)px + 0.5f) / (float)ow;
    e.tfinger.y = ((float)py + 0.5f) / (float)oh;
    e.tfinger.pressure = 1.0f;
    e.tfinger.windowID = window_id;
    SDL_PushEvent(&e);
}

/* Types text as a USB scanner would: one SDL_TEXTINPUT event per character and
 * Enter, all through the event queue and the wedge assembler. */
static void push_typed(const char *s)
{
    SDL_Event e;
    for (; *s; s++) {
        memset(&e, 0, sizeof e);
        e.type = SDL_TEXTINPUT;
        e.text.text[0] = *s;
        SDL_PushEvent(&e);
    }
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDLK_RETURN;
    SDL_PushEvent(&e);
}

/* The screen as presented, as 32-bit pixels (malloc'd), or NULL. */
static Uint32 *read_screen(kiosk *k, int *w, int *h)
{
    if (SDL_GetRendererOutputSize(k->ren, w, h) != 0 || *w <= 0 || *h <= 0)
        return NULL;
    Uint32 *px = malloc((size_t)*w * (size_t)*h * 4);
    if (px && SDL_RenderReadPixels(k->ren, NULL, SDL_PIXELFORMAT_ARGB8888, px, *w * 4) != 0) {
        free(px);
        px = NULL;
    }
    return px;
}

/* check-redraw: what the preview-only frames left on the screen must be exactly
 * what a full frame draws (nothing stale around the preview). Prints how many
 * preview-only frames came since the last full one, so a test can tell it ran. */
static void check_redraw(kiosk *k)
{
    if (k->dirty)
        kiosk_render(k);
    else if (k->pv.dirty)
        kiosk_render_preview(k);
    if (k->dirty)
        kiosk_render(k);
    unsigned partial = k->pv.frames;
    int w, h, w2, h2;
    Uint32 *a = read_screen(k, &w, &h);
    kiosk_render(k);
    Uint32 *b = read_screen(k, &w2, &h2);
    if (!a || !b || w != w2 || h != h2) {
        script_fail(k, "%s", "check-redraw: cannot read the screen");
    } else {
        size_t diff = 0, n = (size_t)w * (size_t)h;
        for (size_t i = 0; i < n; i++)
            diff += a[i] != b[i];
        char msg[64];
        snprintf(msg, sizeof msg, "%zu", diff);
        if (diff)
            script_fail(k, "check-redraw: %s pixels differ from a full frame", msg);
        printf("check-redraw: %u preview-only frames, %zu pixels differ\n", partial, diff);
        fflush(stdout);
    }
    free(a);
    free(b);
}

/* The point a tap or touch aims at, in the UI's coordinates: "X Y" or the
 * centre of the button with id arg. */
static int script_point(kiosk *k, const char *cmd, char *arg, int *x, int *y)
{
    char *sp = strchr(arg, ' ');
    if (sp) {
        long lx, ly;
        *sp = '\0';
        if (lk_parse_long(arg, 0, 100000, &lx) != LK_OK || lk_parse_long(sp + 1, 0, 100000, &ly) != LK_OK) {
            script_fail(k, "%s X Y needs two numbers", cmd);
            return -1;
        }
        *x = (int)lx;
        *y = (int)ly;
        return 0;
    }
    const ui_button *b = screens_find(&k->scr, arg);
    if (!b) {
        script_fail(k, "no button '%s' on this screen", arg);
        return -1;
    }
    *x = b->r.x + b->r.w / 2;
    *y = b->r.y + b->r.h / 2;
    return 0;
}

/* Runs script lines until one waits or the script ends. */
static void script_step(kiosk *k)
{
    char line[1024];
    while (k->script && k->running && lk_mono_ms() >= k->script_wait) {
        if (!fgets(line, sizeof line, k->script)) {
            fclose(k->script);
            k->script = NULL;
            return;
        }
        k->script_line++;
        line[strcspn(line, "\r\n")] = '\0';
        char *cmd = line;
        while (*cmd == ' ')
            cmd++;
        if (!*cmd || *cmd == '#')
            continue;
        char *arg = strchr(cmd, ' ');
        if (arg)
            *arg++ = '\0';
        else
            arg = cmd + strlen(cmd);
        if (k->dirty)
            kiosk_render(k);
        if (strcmp(cmd, "scan") == 0) {
            kiosk_on_payload(k, arg);
        } else if (strcmp(cmd, "type") == 0) {
            push_typed(arg);
            return; /* let the loop deliver the events */
        } else if (strcmp(cmd, "wait") == 0) {
            long ms;
            if (lk_parse_long(arg, 0, 600000, &ms) != LK_OK)
                script_fail(k, "wait needs milliseconds, got '%s'", arg);
            else
                k->script_wait = lk_mono_ms() + ms;
        } else if (strcmp(cmd, "tap") == 0 || strcmp(cmd, "touch") == 0 || strcmp(cmd, "touch-x11") == 0) {
            /* tap: the mouse; touch: a finger as KMSDRM delivers it; touch-x11:
             * a finger on a window plus the mouse clicks SDL makes from it. */
            int x, y;
            if (script_point(k, cmd, arg, &x, &y) != 0)
                continue;
            int px, py;
            from_ui(k, x, y, &px, &py);
            if (cmd[0] == 't' && cmd[1] == 'a') {
                push_mouse(SDL_MOUSEBUTTONDOWN, px, py, 0);
                push_mouse(SDL_MOUSEBUTTONUP, px, py, 0);
            } else {
                /* SDL_SendTouch posts the synthesised click before the finger. */
                Uint32 win = cmd[5] ? SDL_GetWindowID(k->win) : 0;
                if (win)
                    push_mouse(SDL_MOUSEBUTTONDOWN, px, py, SDL_TOUCH_MOUSEID);
                push_finger(k, SDL_FINGERDOWN, px, py, win);
                if (win)
                    push_mouse(SDL_MOUSEBUTTONUP, px, py, SDL_TOUCH_MOUSEID);
                push_finger(k, SDL_FINGERUP, px, py, win);
                k->script_finger++;
            }
            return; /* let the loop deliver the events */
        } else if (strcmp(cmd, "finger") == 0) {
            /* finger down|up N ID|X Y: one finger of several, as KMSDRM sends it */
            char *n = strchr(arg, ' ');
            char *rest = n ? strchr(n + 1, ' ') : NULL;
            long id;
            bool down = strncmp(arg, "down ", 5) == 0, up = strncmp(arg, "up ", 3) == 0;
            if (!rest || (!down && !up)) {
                script_fail(k, "finger needs down|up N ID or N X Y: '%s'", arg);
                continue;
            }
            *rest++ = '\0';
            int x, y, px, py;
            if (lk_parse_long(n + 1, 0, 1000000, &id) != LK_OK) {
                script_fail(k, "finger needs a number, got '%s'", n + 1);
                continue;
            }
            if (script_point(k, cmd, rest, &x, &y) != 0)
                continue;
            from_ui(k, x, y, &px, &py);
            SDL_FingerID next = k->script_finger;
            k->script_finger = id;
            push_finger(k, down ? SDL_FINGERDOWN : SDL_FINGERUP, px, py, 0);
            k->script_finger = next;
            return;
        } else if (strcmp(cmd, "expect-presses") == 0) {
            long n;
            if (lk_parse_long(arg, 0, 1000000, &n) != LK_OK) {
                script_fail(k, "expect-presses needs a number, got '%s'", arg);
            } else if ((long)k->presses != n) {
                char msg[64];
                snprintf(msg, sizeof msg, "%u, not %ld", k->presses, n);
                script_fail(k, "presses since the last check: %s", msg);
            }
            k->presses = 0;
        } else if (strcmp(cmd, "shot") == 0) {
            kiosk_render(k);
            if (draw_screenshot(k->d, arg) != LK_OK)
                script_fail(k, "cannot save screenshot '%s'", arg);
        } else if (strcmp(cmd, "expect-text") == 0 || strcmp(cmd, "expect-no-text") == 0) {
            /* Any text of the frame on screen now (its first 95 bytes) holding arg. */
            kiosk_render(k);
            size_t n = 0;
            const draw_record *rec = draw_records(k->d, &n);
            bool seen = false;
            for (size_t i = 0; i < n && !seen; i++)
                seen = strstr(rec[i].text, arg) != NULL;
            if (seen != (cmd[7] == 't'))
                script_fail(k, seen ? "the screen shows '%s'" : "no text '%s' on the screen", arg);
        } else if (strcmp(cmd, "check-redraw") == 0) {
            check_redraw(k);
        } else if (strcmp(cmd, "check-overflow") == 0) {
            kiosk_render(k);
            size_t n = draw_check_overflow(k->d, stderr) + screens_check_targets(&k->scr, stderr);
            if (n > 0)
                script_fail(k, "%s: text or targets do not fit", flow_screen_token(k->f.screen));
            if (i18n_missing(k->tr) > 0)
                script_fail(k, "missing text '%s'", i18n_last_missing(k->tr));
        } else if (strcmp(cmd, "expect") == 0) {
            if (strcmp(flow_screen_token(k->f.screen), arg) != 0) {
                char msg[96];
                snprintf(msg, sizeof msg, "%s, not %s", flow_screen_token(k->f.screen), arg);
                script_fail(k, "screen is %s", msg);
            }
        } else if (strcmp(cmd, "lang") == 0) {
            if (!i18n_set_language(k->tr, arg))
                script_fail(k, "no language '%s'", arg);
            draw_flush_cache(k->d);
            k->dirty = true;
        } else if (strcmp(cmd, "size") == 0) {
            long w, h;
            char *x = strchr(arg, 'x');
            if (!x) {
                script_fail(k, "size needs WxH: '%s'", arg);
                continue;
            }
            *x = '\0';
            if (lk_parse_long(arg, 200, 8000, &w) != LK_OK || lk_parse_long(x + 1, 200, 8000, &h) != LK_OK) {
                script_fail(k, "bad size '%s'", arg);
                continue;
            }
            kiosk_resize(k, (int)w, (int)h);
        } else if (strcmp(cmd, "echo") == 0) {
            printf("%s\n", arg);
            fflush(stdout);
        } else if (strcmp(cmd, "quit") == 0) {
            k->running = false;
        } else {
            script_fail(k, "unknown command '%s'", cmd);
        }
    }
}

/* --- set-up and loop -------------------------------------------------------------- */

/* SDL_WaitEventTimeout sleeps in the kernel only on drivers that can wait (X11,
 * Wayland); elsewhere (KMSDRM, offscreen, dummy) it polls every millisecond.
 * There we poll every POLL_MS instead: input answers within a frame and an idle
 * kiosk stays near 0% CPU. */
#define POLL_MS 16
static bool wait_event(kiosk *k, SDL_Event *e, int timeout)
{
    if (k->can_wait)
        return SDL_WaitEventTimeout(e, timeout) == 1;
    int64_t end = lk_mono_ms() + timeout;
    for (;;) {
        if (SDL_PollEvent(e))
            return true;
        int64_t left = end - lk_mono_ms();
        if (left <= 0)
            return false;
        SDL_Delay((Uint32)(left < POLL_MS ? left : POLL_MS));
    }
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static int setup(kiosk *k)
{
    config *cfg = k->cfg;
    char err[512], path[CONFIG_PATH_MAX];
    k->tr = i18n_create();
    if (!k->tr || i18n_load_dir(k->tr, cfg->assets_dir, err, sizeof err) != LK_OK) {
        fprintf(stderr, "lobkiosk: texts: %s\n", err);
        return -1;
    }
    if (!i18n_set_language(k->tr, cfg->language[0] ? cfg->language : "nl"))
        i18n_set_language(k->tr, "nl");
    if (store_path(cfg, path, sizeof path) != LK_OK || store_open(path, &k->st, err, sizeof err) != LK_OK) {
        fprintf(stderr, "lobkiosk: database: %s\n", err);
        return -1;
    }
    if (store_sync_events(k->st, cfg) != LK_OK)
        fprintf(stderr, "lobkiosk: could not copy the events into the database\n");
    (void)state_load_event(cfg); /* a bad file leaves kiosk.ini's choice, said on stderr */

    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_WINDOWS_NO_CLOSE_ON_ALT_F4, "1");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "lobkiosk: SDL: %s\n", SDL_GetError());
        return -1;
    }
    int w = k->opt->width > 0 ? k->opt->width : cfg->ui.width;
    int h = k->opt->height > 0 ? k->opt->height : cfg->ui.height;
    bool fullscreen = cfg->ui.fullscreen && k->opt->width <= 0;
    Uint32 flags = SDL_WINDOW_SHOWN;
    if (fullscreen)
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    if (w <= 0 || h <= 0) {
        w = 1024;
        h = 600;
    }
    k->win = SDL_CreateWindow("lobkiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
    if (!k->win) {
        fprintf(stderr, "lobkiosk: window: %s\n", SDL_GetError());
        return -1;
    }
    k->ren = SDL_CreateRenderer(k->win, -1, 0);
    if (!k->ren) {
        fprintf(stderr, "lobkiosk: renderer: %s\n", SDL_GetError());
        return -1;
    }
    if (fullscreen)
        SDL_ShowCursor(SDL_DISABLE);
    preview_attach(&k->pv, k->win, k->ren);
    const char *drv = SDL_GetCurrentVideoDriver();
    k->can_wait = drv && (strcmp(drv, "x11") == 0 || strcmp(drv, "wayland") == 0);
    if (!IMG_Init(IMG_INIT_PNG))
        fprintf(stderr, "lobkiosk: SDL_image: %s\n", IMG_GetError());
    k->d = draw_create(k->ren, cfg->assets_dir, err, sizeof err);
    if (!k->d) {
        fprintf(stderr, "lobkiosk: %s\n", err);
        return -1;
    }
    k->scr.d = k->d;
    k->snd = sound_open(cfg->assets_dir, cfg->ui.sound, cfg->ui.volume);
    k->wg = wedge_create(NULL);
    if (!k->wg)
        return -1;
    k->sdl_to_mono = lk_mono_ms() - (int64_t)SDL_GetTicks();
    SDL_StartTextInput();

    flow_timing ft = {0};
    ft.reflection_ms = (cfg->ui.reflection_timeout_s > 0 ? cfg->ui.reflection_timeout_s : LK_UI_REFLECTION_TIMEOUT_S) * 1000;
    flow_init(&k->f, &ft, lk_mono_ms());
    k->f.has_pin = cfg->ui.admin_pin_hash[0] != '\0';
    k->v.tr = k->tr;
    k->v.cfg = cfg;
    k->v.has_camera = strcmp(cfg->camera.source, "none") != 0 && cfg->camera.source[0];
    k->v.camera = k->v.has_camera ? FRAMESRC_RECOVERING : FRAMESRC_NONE;

    if (!k->opt->no_threads) {
        if (k->v.has_camera) {
            k->sc = scanner_start(&cfg->camera, err, sizeof err);
            if (!k->sc)
                fprintf(stderr, "lobkiosk: camera: %s\n", err);
        }
        k->sync = sync_start(cfg, err, sizeof err);
        if (!k->sync && err[0])
            fprintf(stderr, "lobkiosk: sync: %s\n", err);
        if (cfg->scanner.evdev[0]) {
            k->ev_in = evdev_open(cfg->scanner.evdev, cfg->scanner.layout, err, sizeof err);
            if (!k->ev_in)
                fprintf(stderr, "lobkiosk: scanner: %s\n", err);
        }
    }
    kiosk_follow_event(k);
    kiosk_refresh_status(k);
    return 0;
}

static void teardown(kiosk *k)
{
    if (k->script)
        fclose(k->script);
    evdev_close(k->ev_in);
    scanner_stop(k->sc);
    sync_stop(k->sync);
    sound_close(k->snd);
    wedge_destroy(k->wg);
    if (k->qr)
        SDL_DestroyTexture(k->qr);
    preview_release(&k->pv);
    draw_destroy(k->d);
    if (k->ren)
        SDL_DestroyRenderer(k->ren);
    if (k->win)
        SDL_DestroyWindow(k->win);
    if (TTF_WasInit())
        TTF_Quit();
    IMG_Quit();
    SDL_Quit();
    reflection_set_destroy(k->set);
    free(k->rows);
    store_close(k->st);
    i18n_destroy(k->tr);
}

int kiosk_run(config *cfg, const kiosk_options *opt)
{
    static const kiosk_options none = {0};
    kiosk *k = calloc(1, sizeof *k);
    if (!cfg || !k) {
        free(k);
        return 3;
    }
    k->cfg = cfg;
    k->opt = opt ? opt : &none;
    k->shown = -1;
    int rc = 3;
    if (k->opt->script) {
        k->script = fopen(k->opt->script, "r");
        if (!k->script) {
            fprintf(stderr, "lobkiosk: script %s: %s\n", k->opt->script, strerror(errno));
            goto out;
        }
    }
    if (setup(k) != 0)
        goto out;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    k->running = true;
    k->dirty = true;
    while (k->running && !stop_signal) {
        int64_t now = lk_mono_ms();
        if (now >= k->next_status) {
            kiosk_refresh_status(k);
            k->next_status = now + STATUS_EVERY_MS;
        }
        kiosk_apply(k, flow_tick(&k->f, now));
        poll_sources(k);
        kiosk_update_preview(k);
        script_step(k);
        if (!k->running)
            break;
        if (k->dirty)
            kiosk_render(k);
        else if (k->pv.dirty)
            kiosk_render_preview(k);
        if (k->dirty) /* the preview could not be drawn alone */
            kiosk_render(k);
        /* Sleep until the next thing that can change the screen. */
        now = lk_mono_ms();
        int64_t until = min64(k->next_status, flow_deadline(&k->f));
        if (k->sc && k->f.screen == FLOW_IDLE)
            until = min64(until, k->pv.next_ms);
        if (k->sc)
            until = min64(until, now + 1000 / (LK_UI_PREVIEW_FPS * 2)); /* hits */
        if (wedge_busy(k->wg))
            until = min64(until, now + 20);
        if (k->ev_in)
            until = min64(until, now + 30);
        if (k->script)
            until = min64(until, k->script_wait > now ? k->script_wait : now);
        int timeout = until <= now ? 0 : (int)min64(until - now, 1000);
        SDL_Event e;
        if (wait_event(k, &e, timeout)) {
            handle_event(k, &e);
            while (SDL_PollEvent(&e))
                handle_event(k, &e);
        }
    }
    /* Answers of a reflection still open are kept. */
    if (k->f.screen == FLOW_REFLECTION) {
        kiosk_apply(k, flow_tick(&k->f, INT64_MAX));
    }
    rc = k->failures > 0 ? 1 : 0;
    if (k->opt->latency) {
        struct rusage ru;
        if (getrusage(RUSAGE_SELF, &ru) == 0)
            fprintf(stderr, "peak-rss-kb %ld\n", ru.ru_maxrss);
    }
out:
    teardown(k);
    free(k);
    return rc;
}
