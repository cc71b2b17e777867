/* The script driver (kiosk_options.script, LOBKIOSK_SCRIPT): test and bench
 * scripts drive the real kiosk headless, one command a line (see docs/kiosk.md):
 * scans, typed text, taps and fingers through SDL's own event queue, waits,
 * screenshots, and checks of the screen, its texts and its redraws. */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/util.h"
#include "ui/kiosk_int.h"

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
    kiosk_output_size(k, &ow, &oh);
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
        if (lk_parse_long(arg, 0, 100000, &lx) != LK_OK ||
            lk_parse_long(sp + 1, 0, 100000, &ly) != LK_OK) {
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

/* One command a function. Each returns true when the script must yield to the
 * loop so that the events it pushed are delivered before the next line. */
typedef bool (*script_fn)(kiosk *k, const char *cmd, char *arg);

static bool do_scan(kiosk *k, const char *cmd, char *arg)
{
    kiosk_on_payload(k, arg);
    return false;
}

/* wait-camera MS: until the camera's picture is on the screen, at most MS. */
static bool do_wait_camera(kiosk *k, const char *cmd, char *arg)
{
    long ms;
    if (lk_parse_long(arg, 0, 600000, &ms) != LK_OK) {
        script_fail(k, "wait-camera needs milliseconds, got '%s'", arg);
        return false;
    }
    k->script_camera_until = lk_mono_ms() + ms;
    return true;
}

/* True while a wait-camera holds the script. */
static bool waiting_for_camera(kiosk *k)
{
    if (!k->script_camera_until)
        return false;
    int64_t now = lk_mono_ms();
    if (k->v.camera == FRAMESRC_OK && k->v.preview) {
        k->script_camera_until = 0;
        return false;
    }
    if (now >= k->script_camera_until) {
        script_fail(k, "%s", "wait-camera: no camera picture on the screen");
        k->script_camera_until = 0;
        return false;
    }
    k->script_wait = now + 20; /* look again soon; the loop sleeps till then */
    return true;
}

static bool do_type(kiosk *k, const char *cmd, char *arg)
{
    push_typed(arg);
    return true;
}

/* What a scanner types MS milliseconds from now, from another thread. */
typedef struct typist {
    Uint32 delay_ms;
    char text[];
} typist;

static int typist_run(void *data)
{
    typist *t = data;
    SDL_Delay(t->delay_ms);
    push_typed(t->text); /* SDL_PushEvent may be called from any thread */
    free(t);
    return 0;
}

/* type-later MS TEXT: types TEXT as a USB scanner would, MS milliseconds from now,
 * from its own thread: the keys arrive whatever the UI thread is doing, as a real
 * scanner's do, so a stall on the UI thread shows in "input-to-frame" (bench). */
static bool do_type_later(kiosk *k, const char *cmd, char *arg)
{
    char *sp = strchr(arg, ' ');
    long ms;
    if (!sp || (*sp = '\0', lk_parse_long(arg, 0, 600000, &ms)) != LK_OK) {
        script_fail(k, "type-later needs milliseconds and text, got '%s'", arg);
        return false;
    }
    size_t n = strlen(sp + 1);
    typist *t = malloc(sizeof *t + n + 1);
    if (!t) {
        script_fail(k, "type-later: out of memory%s", "");
        return false;
    }
    t->delay_ms = (Uint32)ms;
    memcpy(t->text, sp + 1, n + 1);
    SDL_Thread *th = SDL_CreateThread(typist_run, "typist", t);
    if (!th) {
        free(t);
        script_fail(k, "type-later: no thread: %s", SDL_GetError());
        return false;
    }
    SDL_DetachThread(th);
    return false;
}

static bool do_wait(kiosk *k, const char *cmd, char *arg)
{
    long ms;
    if (lk_parse_long(arg, 0, 600000, &ms) != LK_OK)
        script_fail(k, "wait needs milliseconds, got '%s'", arg);
    else
        k->script_wait = lk_mono_ms() + ms;
    return false;
}

/* tap: the mouse; touch: a finger as KMSDRM delivers it; touch-x11: a finger on a
 * window plus the mouse clicks SDL makes from it. */
static bool do_tap(kiosk *k, const char *cmd, char *arg)
{
    int x, y, px, py;
    if (script_point(k, cmd, arg, &x, &y) != 0)
        return false;
    kiosk_from_ui(k, x, y, &px, &py);
    if (strcmp(cmd, "tap") == 0) {
        push_mouse(SDL_MOUSEBUTTONDOWN, px, py, 0);
        push_mouse(SDL_MOUSEBUTTONUP, px, py, 0);
        return true;
    }
    /* SDL_SendTouch posts the synthesised click before the finger. */
    Uint32 win = strcmp(cmd, "touch-x11") == 0 ? SDL_GetWindowID(k->win) : 0;
    if (win)
        push_mouse(SDL_MOUSEBUTTONDOWN, px, py, SDL_TOUCH_MOUSEID);
    push_finger(k, SDL_FINGERDOWN, px, py, win);
    if (win)
        push_mouse(SDL_MOUSEBUTTONUP, px, py, SDL_TOUCH_MOUSEID);
    push_finger(k, SDL_FINGERUP, px, py, win);
    k->script_finger++;
    return true;
}

/* finger down|up N ID|X Y: one finger of several, as KMSDRM sends it */
static bool do_finger(kiosk *k, const char *cmd, char *arg)
{
    char *n = strchr(arg, ' ');
    char *rest = n ? strchr(n + 1, ' ') : NULL;
    long id;
    bool down = strncmp(arg, "down ", 5) == 0, up = strncmp(arg, "up ", 3) == 0;
    if (!rest || (!down && !up)) {
        script_fail(k, "finger needs down|up N ID or N X Y: '%s'", arg);
        return false;
    }
    *rest++ = '\0';
    int x, y, px, py;
    if (lk_parse_long(n + 1, 0, 1000000, &id) != LK_OK) {
        script_fail(k, "finger needs a number, got '%s'", n + 1);
        return false;
    }
    if (script_point(k, cmd, rest, &x, &y) != 0)
        return false;
    kiosk_from_ui(k, x, y, &px, &py);
    SDL_FingerID next = k->script_finger;
    k->script_finger = id;
    push_finger(k, down ? SDL_FINGERDOWN : SDL_FINGERUP, px, py, 0);
    k->script_finger = next;
    return true;
}

static bool do_expect_presses(kiosk *k, const char *cmd, char *arg)
{
    long n;
    if (lk_parse_long(arg, 0, 1000000, &n) != LK_OK) {
        script_fail(k, "expect-presses needs a number, got '%s'", arg);
    } else if ((long)k->presses != n) {
        char msg[64];
        snprintf(msg, sizeof msg, "%u, not %ld", k->presses, n);
        script_fail(k, "presses since the last check: %s", msg);
    }
    k->presses = 0;
    return false;
}

static bool do_shot(kiosk *k, const char *cmd, char *arg)
{
    kiosk_render(k);
    if (draw_screenshot(k->d, arg) != LK_OK)
        script_fail(k, "cannot save screenshot '%s'", arg);
    return false;
}

/* expect-text / expect-no-text: any text of the frame on screen now (its first 95
 * bytes) holding arg. */
static bool do_expect_text(kiosk *k, const char *cmd, char *arg)
{
    kiosk_render(k);
    size_t n = 0;
    const draw_record *rec = draw_records(k->d, &n);
    bool seen = false;
    for (size_t i = 0; i < n && !seen; i++)
        seen = strstr(rec[i].text, arg) != NULL;
    if (seen != (strcmp(cmd, "expect-text") == 0))
        script_fail(k, seen ? "the screen shows '%s'" : "no text '%s' on the screen", arg);
    return false;
}

static bool do_check_redraw(kiosk *k, const char *cmd, char *arg)
{
    check_redraw(k);
    return false;
}

static bool do_check_overflow(kiosk *k, const char *cmd, char *arg)
{
    kiosk_render(k);
    size_t n = draw_check_overflow(k->d, stderr) + screens_check_targets(&k->scr, stderr);
    if (n > 0)
        script_fail(k, "%s: text or targets do not fit", flow_screen_token(k->f.screen));
    if (i18n_missing(k->tr) > 0)
        script_fail(k, "missing text '%s'", i18n_last_missing(k->tr));
    return false;
}

static bool do_expect(kiosk *k, const char *cmd, char *arg)
{
    if (strcmp(flow_screen_token(k->f.screen), arg) != 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s, not %s", flow_screen_token(k->f.screen), arg);
        script_fail(k, "screen is %s", msg);
    }
    return false;
}

static bool do_lang(kiosk *k, const char *cmd, char *arg)
{
    if (!i18n_set_language(k->tr, arg))
        script_fail(k, "no language '%s'", arg);
    draw_flush_cache(k->d);
    k->dirty = true;
    return false;
}

static bool do_size(kiosk *k, const char *cmd, char *arg)
{
    long w, h;
    char *x = strchr(arg, 'x');
    if (!x) {
        script_fail(k, "size needs WxH: '%s'", arg);
        return false;
    }
    *x = '\0';
    if (lk_parse_long(arg, 200, 8000, &w) != LK_OK ||
        lk_parse_long(x + 1, 200, 8000, &h) != LK_OK) {
        script_fail(k, "bad size '%s'", arg);
        return false;
    }
    kiosk_resize(k, (int)w, (int)h);
    return false;
}

/* where ID: prints "where ID X Y" (the button's centre in the UI's coordinates) */
static bool do_where(kiosk *k, const char *cmd, char *arg)
{
    int x, y;
    if (script_point(k, cmd, arg, &x, &y) == 0) {
        printf("where %s %d %d\n", arg, x, y);
        fflush(stdout);
    }
    return false;
}

/* tap-output / touch-output PX PY: a click or a finger at an output pixel, as the
 * mouse or the touchscreen report it (before [ui] rotate turns it back). */
static bool do_output(kiosk *k, const char *cmd, char *arg)
{
    long px, py;
    char *sp = strchr(arg, ' ');
    if (!sp || (*sp = '\0', lk_parse_long(arg, 0, 100000, &px) != LK_OK) ||
        lk_parse_long(sp + 1, 0, 100000, &py) != LK_OK) {
        script_fail(k, "%s needs PX PY", cmd);
        return false;
    }
    if (cmd[1] == 'a') {
        push_mouse(SDL_MOUSEBUTTONDOWN, (int)px, (int)py, 0);
        push_mouse(SDL_MOUSEBUTTONUP, (int)px, (int)py, 0);
    } else {
        push_finger(k, SDL_FINGERDOWN, (int)px, (int)py, 0);
        push_finger(k, SDL_FINGERUP, (int)px, (int)py, 0);
        k->script_finger++;
    }
    return true;
}

/* rotate 0|90|180|270: as [ui] rotate, from the next frame on */
static bool do_rotate(kiosk *k, const char *cmd, char *arg)
{
    long r;
    if (lk_parse_long(arg, 0, 270, &r) != LK_OK || r % 90 != 0) {
        script_fail(k, "rotate needs 0, 90, 180 or 270, got '%s'", arg);
        return false;
    }
    k->rot = (int)r;
    k->dirty = true;
    kiosk_render(k);
    return false;
}

/* The loop stuck (a test of the systemd watchdog): nothing runs meanwhile. */
static bool do_hang(kiosk *k, const char *cmd, char *arg)
{
    long ms;
    if (lk_parse_long(arg, 0, 600000, &ms) != LK_OK)
        script_fail(k, "hang needs milliseconds, got '%s'", arg);
    else
        SDL_Delay((Uint32)ms);
    return false;
}

/* frames: what was presented and uploaded since the last `frames` (or the
 * start), so a test can tell that an idle kiosk draws nothing it need not:
 * "frames full F preview P uploads U upload-px X preview-px W" (W: the preview
 * texture's pixels, so X / U against W is the share of it each upload carried). */
static bool do_frames(kiosk *k, const char *cmd, char *arg)
{
    printf("frames full %lu preview %lu uploads %llu upload-px %llu preview-px %llu\n", k->n_full,
           k->n_partial, (unsigned long long)k->pv.uploads, (unsigned long long)k->pv.uploaded_px,
           (unsigned long long)k->pv.w * (unsigned long long)k->pv.h);
    fflush(stdout);
    k->n_full = k->n_partial = 0;
    k->pv.uploads = k->pv.uploaded_px = 0;
    return false;
}

/* check-preview: the preview texture, after the uploads of only what changed,
 * must hold exactly the camera's newest frame (frames without sensor noise). */
static bool do_check_preview(kiosk *k, const char *cmd, char *arg)
{
    const SDL_Rect *box = k->scr.has_preview ? &k->scr.preview_box : NULL;
    long diff = preview_verify(&k->pv, k->sc, box);
    char msg[32];
    snprintf(msg, sizeof msg, "%ld", diff);
    if (diff != 0)
        script_fail(k, "check-preview: %s pixels differ from the camera's frame", msg);
    printf("check-preview: %ld pixels differ\n", diff);
    fflush(stdout);
    return false;
}

static bool do_echo(kiosk *k, const char *cmd, char *arg)
{
    printf("%s\n", arg);
    fflush(stdout);
    return false;
}

static bool do_quit(kiosk *k, const char *cmd, char *arg)
{
    k->running = false;
    return false;
}

static const struct {
    const char *name;
    script_fn fn;
} commands[] = {
    {"scan", do_scan},
    {"type", do_type},
    {"type-later", do_type_later},
    {"wait", do_wait},
    {"wait-camera", do_wait_camera},
    {"tap", do_tap},
    {"touch", do_tap},
    {"touch-x11", do_tap},
    {"finger", do_finger},
    {"expect-presses", do_expect_presses},
    {"shot", do_shot},
    {"expect-text", do_expect_text},
    {"expect-no-text", do_expect_text},
    {"check-redraw", do_check_redraw},
    {"check-overflow", do_check_overflow},
    {"expect", do_expect},
    {"lang", do_lang},
    {"size", do_size},
    {"rotate", do_rotate},
    {"where", do_where},
    {"tap-output", do_output},
    {"touch-output", do_output},
    {"hang", do_hang},
    {"frames", do_frames},
    {"check-preview", do_check_preview},
    {"echo", do_echo},
    {"quit", do_quit},
};

void kiosk_script_step(kiosk *k)
{
    char line[1024];
    while (k->script && k->running && lk_mono_ms() >= k->script_wait && !waiting_for_camera(k)) {
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
        size_t i = 0, n = sizeof commands / sizeof commands[0];
        while (i < n && strcmp(commands[i].name, cmd) != 0)
            i++;
        if (i == n)
            script_fail(k, "unknown command '%s'", cmd);
        else if (commands[i].fn(k, cmd, arg))
            return; /* let the loop deliver the events */
    }
}
