/* Input on the UI thread: mouse clicks and fingers press and release buttons (one
 * press at a time, acted on at release), typed text and Enter from a keyboard-wedge
 * scanner, the grabbed USB scanner, and the camera scanner's hits. */
#include <SDL.h>
#include <string.h>

#include "lobkiosk/util.h"
#include "ui/kiosk_int.h"

/* A finger held longer than this while another comes down is taken as lost (its
 * FINGERUP dropped with a kernel SYN_DROPPED); the new finger presses instead. */
#define FINGER_STALE_MS 10000

/* Output pixels to the UI's coordinates. The UI is drawn turned clockwise by
 * k->rot, so its point (x, y) lands on the output at (for an ow x oh output):
 * 90: (ow-1-y, x); 180: (ow-1-x, oh-1-y); 270: (y, oh-1-x). The mouse and the
 * touchscreen report output pixels; this turns them back. */
void kiosk_to_ui(const kiosk *k, int px, int py, int *x, int *y)
{
    int ow, oh;
    kiosk_output_size(k, &ow, &oh);
    switch (k->rot) {
    case 90:
        *x = py;
        *y = ow - 1 - px;
        break;
    case 180:
        *x = ow - 1 - px;
        *y = oh - 1 - py;
        break;
    case 270:
        *x = oh - 1 - py;
        *y = px;
        break;
    default:
        *x = px;
        *y = py;
        break;
    }
}

/* The UI's coordinates to output pixels (the script's taps and touches). */
void kiosk_from_ui(const kiosk *k, int x, int y, int *px, int *py)
{
    int ow, oh;
    kiosk_output_size(k, &ow, &oh);
    switch (k->rot) {
    case 90:
        *px = ow - 1 - y;
        *py = x;
        break;
    case 180:
        *px = ow - 1 - x;
        *py = oh - 1 - y;
        break;
    case 270:
        *px = y;
        *py = oh - 1 - x;
        break;
    default:
        *px = x;
        *py = y;
        break;
    }
}

/* A mouse position (window points) in output pixels: the same unless the window
 * is high-DPI. */
static void mouse_to_output(const kiosk *k, int mx, int my, int *px, int *py)
{
    int ow, oh, ww = 0, wh = 0;
    kiosk_output_size(k, &ow, &oh);
    SDL_GetWindowSize(k->win, &ww, &wh);
    *px = ww > 0 && ww != ow ? (int)((long)mx * ow / ww) : mx;
    *py = wh > 0 && wh != oh ? (int)((long)my * oh / wh) : my;
}

/* A finger's normalised position (0..1 of the touchscreen, which covers the
 * output) in output pixels. KMSDRM's evdev backend sends it with no window. */
static void finger_to_output(const kiosk *k, float fx, float fy, int *px, int *py)
{
    int ow, oh;
    kiosk_output_size(k, &ow, &oh);
    int x = (int)(fx * (float)ow), y = (int)(fy * (float)oh);
    *px = x < 0 ? 0 : x >= ow ? ow - 1 : x;
    *py = y < 0 ? 0 : y >= oh ? oh - 1 : y;
}

static void kiosk_press(kiosk *k, int x, int y)
{
    const char *id = screens_hit(&k->scr, x, y);
    k->presses++;
    lk_strlcpy(k->pressed, id ? id : "", sizeof k->pressed);
    if (id)
        kiosk_render(k); /* the pressed state at once */
}

static void kiosk_release(kiosk *k, int x, int y)
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
    kiosk_to_ui(k, px, py, &x, &y);
    bool ours = k->finger_down && t->touchId == k->finger_touch && t->fingerId == k->finger_id;
    if (t->type == SDL_FINGERDOWN) {
        if (k->finger_down && !ours && lk_mono_ms() - k->finger_t0 < FINGER_STALE_MS)
            return;
        k->finger_down = true;
        k->finger_touch = t->touchId;
        k->finger_id = t->fingerId;
        k->finger_t0 = lk_mono_ms();
        kiosk_press(k, x, y);
    } else if (t->type == SDL_FINGERUP && ours) {
        k->finger_down = false;
        kiosk_release(k, x, y);
    }
}

void kiosk_handle_event(kiosk *k, const SDL_Event *e)
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
        if (e->key.keysym.sym == SDLK_RETURN || e->key.keysym.sym == SDLK_KP_ENTER) {
            wedge_key(k->wg, '\r', (int64_t)e->key.timestamp + k->sdl_to_mono);
            /* the stamp SDL gave the key when it was queued: a stall anywhere on
             * this thread before the frame shows in the latency figure */
            k->input_ms = (int64_t)e->key.timestamp + k->sdl_to_mono;
        }
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
            kiosk_to_ui(k, px, py, &x, &y);
            if (e->type == SDL_MOUSEBUTTONDOWN)
                kiosk_press(k, x, y);
            else
                kiosk_release(k, x, y);
        }
        break;
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
        finger_event(k, &e->tfinger);
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
            e->window.event == SDL_WINDOWEVENT_EXPOSED || e->window.event == SDL_WINDOWEVENT_SHOWN)
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

void kiosk_poll_sources(kiosk *k)
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
            k->v.corners[i] =
                (SDL_FPoint){(float)(hit.corners[i].x * sx), (float)(hit.corners[i].y * sy)};
        k->hit_until = lk_mono_ms() + HIT_SHOW_MS;
        kiosk_on_payload(k, hit.text);
    }
}
