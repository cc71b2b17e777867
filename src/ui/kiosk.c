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

/* Texts and the UI thread's own store connection; the event an admin chose. */
static int open_texts_and_store(kiosk *k)
{
    config *cfg = k->cfg;
    char err[512] = "";
    k->tr = i18n_create();
    if (!k->tr || i18n_load_dir(k->tr, cfg->assets_dir, err, sizeof err) != LK_OK) {
        fprintf(stderr, "lobkiosk: texts: %s\n", err);
        return -1;
    }
    if (!i18n_set_language(k->tr, cfg->language[0] ? cfg->language : "nl"))
        i18n_set_language(k->tr, "nl");
    lk_strlcpy(k->home_lang, i18n_language(k->tr), sizeof k->home_lang);
    if (store_open_config(cfg, &k->st, err, sizeof err) != LK_OK) {
        fprintf(stderr, "lobkiosk: database: %s\n", err);
        return -1;
    }
    if (store_sync_events(k->st, cfg) != LK_OK)
        fprintf(stderr, "lobkiosk: could not copy the events into the database\n");
    (void)state_load_event(cfg); /* a bad file leaves kiosk.ini's choice, said on stderr */
    return 0;
}

/* The window and its renderer, at the size asked for or kiosk.ini's. */
static int open_window(kiosk *k)
{
    config *cfg = k->cfg;
    char err[512] = "";
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_WINDOWS_NO_CLOSE_ON_ALT_F4, "1");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    /* The software renderer asked for (SDL_RENDER_DRIVER=software) shows its
     * frames as they are (X11: shared memory), not through a GL texture SDL would
     * otherwise make for the window: with a CPU rasteriser (Mesa llvmpipe) that
     * drew every 1920x1080 frame a second time. Without GL SDL does this anyway. */
    const char *want = SDL_GetHint(SDL_HINT_RENDER_DRIVER);
    if (want && strcmp(want, "software") == 0)
        SDL_SetHintWithPriority(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0", SDL_HINT_DEFAULT);
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
    SDL_RendererInfo ri;
    if (SDL_GetRendererInfo(k->ren, &ri) == 0)
        fprintf(stderr, "lobkiosk: video %s, renderer %s%s\n", SDL_GetCurrentVideoDriver(), ri.name,
                ri.flags & SDL_RENDERER_ACCELERATED ? " (accelerated)" : "");
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
    return 0;
}

/* Sound, the systemd watchdog and the keyboard-wedge assembler. */
static int open_devices(kiosk *k)
{
    config *cfg = k->cfg;
    k->scr.d = k->d;
    k->snd = sound_open(cfg->assets_dir, cfg->ui.sound, cfg->ui.volume);
    k->svc = service_open();
    if (service_interval_ms(k->svc) > 0)
        fprintf(stderr, "lobkiosk: systemd watchdog: keep-alive every %lld ms\n",
                (long long)service_interval_ms(k->svc));
    k->wg = wedge_create(NULL);
    if (!k->wg)
        return -1;
    k->sdl_to_mono = lk_mono_ms() - (int64_t)SDL_GetTicks();
    SDL_StartTextInput();
    return 0;
}

/* The flow with kiosk.ini's timings and the PIN pad's lockout kept in the store. */
static void start_flow(kiosk *k)
{
    config *cfg = k->cfg;
    flow_timing ft = {0};
    ft.reflection_ms = (cfg->ui.reflection_timeout_s > 0 ? cfg->ui.reflection_timeout_s : LK_UI_REFLECTION_TIMEOUT_S) * 1000;
    flow_init(&k->f, &ft, lk_mono_ms());
    k->f.has_lrs = cfg->sync.endpoint[0] != '\0';
    k->mem.ask_early_checkout = true; /* "Wil je uitchecken?" within min_stay_minutes */
    k->f.has_pin = cfg->ui.admin_pin_hash[0] != '\0';
    /* The PIN pad's lockout from before a restart (wall-clock ms in the database). */
    int pin_fails = 0;
    int64_t pin_until = 0;
    if (store_pin_guard_load(k->st, &pin_fails, &pin_until) == LK_OK) {
        pin_guard g = {.failures = pin_fails, .locked_until_ms = pin_until};
        flow_pin_restore(&k->f, pin_fails, pin_guard_remaining(&g, lk_now_ms()), lk_mono_ms());
    }
    k->v.tr = k->tr;
    k->v.cfg = cfg;
    k->v.has_camera = strcmp(cfg->camera.source, "none") != 0 && cfg->camera.source[0];
    k->v.camera = k->v.has_camera ? FRAMESRC_RECOVERING : FRAMESRC_NONE;
}

/* The camera, sync and USB scanner threads beside the UI thread. */
static void start_threads(kiosk *k)
{
    config *cfg = k->cfg;
    char err[512] = "";
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
}

static int setup(kiosk *k)
{
    if (open_texts_and_store(k) != 0 || open_window(k) != 0 || open_devices(k) != 0)
        return -1;
    start_flow(k);
    start_threads(k);
    kiosk_follow_event(k);
    kiosk_refresh_status(k);
    return 0;
}

static void teardown(kiosk *k)
{
    if (k->exp) /* an export under way is finished, not cut off half-written */
        (void)export_job_finish(k->exp);
    if (k->script)
        fclose(k->script);
    evdev_close(k->ev_in);
    scanner_stop(k->sc);
    sync_stop(k->sync);
    sound_close(k->snd);
    service_close(k->svc);
    wedge_destroy(k->wg);
    if (k->qr)
        SDL_DestroyTexture(k->qr);
    preview_release(&k->pv);
    if (k->rot_tex)
        SDL_DestroyTexture(k->rot_tex);
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
    free(k->co_order);
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
    k->rot = cfg->ui.rotate;
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
        /* The watchdog is fed only from here: a loop stuck anywhere stops it. */
        service_tick(k->svc, now);
        sound_tick(k->snd, now);
        if (now >= k->next_status) {
            kiosk_refresh_status(k);
            k->next_status = now + STATUS_EVERY_MS;
        }
        kiosk_apply(k, flow_tick(&k->f, now));
        kiosk_export_tick(k);
        kiosk_poll_sources(k);
        kiosk_update_preview(k);
        kiosk_script_step(k);
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
        until = min64(until, service_deadline(k->svc));
        until = min64(until, sound_deadline(k->snd, now));
        if (k->sc && k->f.screen == FLOW_IDLE)
            until = min64(until, k->pv.next_ms);
        if (k->sc)
            until = min64(until, now + 1000 / (LK_UI_PREVIEW_FPS * 2)); /* hits */
        if (wedge_busy(k->wg))
            until = min64(until, now + 20);
        if (k->ev_in)
            until = min64(until, now + 30);
        if (k->exp)
            until = min64(until, now + 100); /* the export's progress */
        if (k->script)
            until = min64(until, k->script_wait > now ? k->script_wait : now);
        int timeout = until <= now ? 0 : (int)min64(until - now, 1000);
        SDL_Event e;
        if (wait_event(k, &e, timeout)) {
            kiosk_handle_event(k, &e);
            while (SDL_PollEvent(&e))
                kiosk_handle_event(k, &e);
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
