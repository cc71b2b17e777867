/* Layout and drawing of every kiosk screen. Sizes come from screens_metrics(), so
 * the same code is right at 800x480, 1024x600, 1280x800, 720x1280 and 1920x1080.
 * Colours follow UI.md: a calm dark idle, success green with a tick, refusal amber
 * with an exclamation, info blue; every state has an icon and words too. */
#include "ui/screens.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lobkiosk/reflection.h"
#include "lobkiosk/util.h"

/* Palette. Text colours keep at least 4.5:1 contrast on their backgrounds. */
static const SDL_Color C_BG = {16, 24, 32, 255};         /* idle, dark blue-grey */
static const SDL_Color C_PANEL = {30, 42, 54, 255};      /* panels, chips */
static const SDL_Color C_PANEL_HI = {52, 72, 94, 255};   /* pressed chip */
static const SDL_Color C_TEXT = {242, 245, 247, 255};    /* main text on dark */
static const SDL_Color C_MUTED = {170, 182, 194, 255};   /* secondary text on dark */
static const SDL_Color C_GREEN = {27, 122, 70, 255};     /* success; white text 5.3:1 */
static const SDL_Color C_GREEN_HI = {76, 200, 120, 255}; /* ticks and bars on dark */
static const SDL_Color C_AMBER = {240, 168, 48, 255};    /* refusal; dark text 8:1 */
static const SDL_Color C_INK = {26, 26, 26, 255};        /* dark text on amber/white */
static const SDL_Color C_BLUE = {31, 95, 173, 255};      /* info, selected; white 6.4:1 */
static const SDL_Color C_BLUE_HI = {58, 128, 214, 255};  /* pressed blue */
static const SDL_Color C_WHITE = {255, 255, 255, 255};
static const SDL_Color C_FACE = {246, 200, 70, 255}; /* faces */
static const SDL_Color C_OFF_FRAME = {54, 66, 80, 255};   /* outline of a key that is off */
static const SDL_Color C_OFF_TEXT = {104, 116, 128, 255}; /* its label: readable, clearly off */

ui_metrics screens_metrics(int w, int h)
{
    ui_metrics m;
    memset(&m, 0, sizeof m);
    m.w = w;
    m.h = h;
    m.portrait = h > w;
    int shortest = w < h ? w : h;
    if (m.portrait) {
        m.big = h * 8 / 100 + 1;
        m.med = w * 7 / 100 < h * 5 / 100 ? w * 7 / 100 : h * 5 / 100;
        m.small = w * 45 / 1000 < h * 34 / 1000 ? w * 45 / 1000 : h * 34 / 1000;
    } else {
        m.big = h * 85 / 1000;
        m.med = h * 5 / 100;
        m.small = h * 34 / 1000;
    }
    if (m.small < 14)
        m.small = 14;
    if (m.med < m.small + 4)
        m.med = m.small + 4;
    /* 9 mm on the 7" 800x480 display is about 50 px; larger screens scale up. */
    m.target = shortest * 105 / 1000 > 50 ? shortest * 105 / 1000 : 50;
    m.gap = m.target / 4 > 12 ? m.target / 4 : 12;
    m.margin = shortest * 4 / 100 > 16 ? shortest * 4 / 100 : 16;
    m.radius = m.target / 5;
    return m;
}

static const char *tr(const ui_view *v, const char *key)
{
    return i18n_get(v->tr, key);
}

static draw_style style(int size, bool bold, SDL_Color c, draw_align a, int lines)
{
    draw_style st = {size, bold, c, a, true, lines};
    return st;
}

static void text(ui_screens *s, const char *t, SDL_Rect box, int size, bool bold, SDL_Color c,
                 draw_align a, int lines)
{
    draw_style st = style(size, bold, c, a, lines);
    draw_text(s->d, t, box, &st);
}

static void add_button(ui_screens *s, const char *id, SDL_Rect r)
{
    if (s->n_buttons >= SCREENS_MAX_BUTTONS)
        return;
    ui_button *b = &s->buttons[s->n_buttons++];
    lk_strlcpy(b->id, id, sizeof b->id);
    b->r = r;
}

static bool pressed(const ui_view *v, const char *id)
{
    return v->pressed && strcmp(v->pressed, id) == 0;
}

typedef enum btn_kind {
    BTN_PANEL,
    BTN_PRIMARY,
    BTN_SELECTED,
    BTN_DARK,
    BTN_GHOST,
    BTN_AMBER,
    BTN_OFF /* cannot be used now (the PIN pad shut): an outline, a dim label, no
               pressed state */
} btn_kind;

/* A labelled button: recorded for taps, drawn in its pressed state when held. */
static void button_sized(ui_screens *s, const ui_view *v, const char *id, SDL_Rect r,
                         const char *label, btn_kind kind, int label_size);

static void button(ui_screens *s, const ui_view *v, const char *id, SDL_Rect r, const char *label,
                   btn_kind kind)
{
    button_sized(s, v, id, r, label, kind, s->m.med);
}

/* The same with the label's largest size given (a header button: smaller type). */
static void button_sized(ui_screens *s, const ui_view *v, const char *id, SDL_Rect r,
                         const char *label, btn_kind kind, int label_size)
{
    add_button(s, id, r);
    bool down = pressed(v, id);
    SDL_Color bg = C_PANEL, fg = C_TEXT;
    switch (kind) {
    case BTN_PANEL:
        bg = down ? C_PANEL_HI : C_PANEL;
        break;
    case BTN_PRIMARY:
    case BTN_SELECTED:
        bg = down ? C_BLUE_HI : C_BLUE;
        break;
    case BTN_DARK:
        bg = down ? (SDL_Color){60, 60, 60, 255} : C_INK;
        fg = C_WHITE;
        break;
    case BTN_GHOST:
        bg = down ? (SDL_Color){255, 255, 255, 60} : (SDL_Color){255, 255, 255, 28};
        break;
    case BTN_AMBER: /* something to set right */
        bg = down ? C_PANEL_HI : C_AMBER;
        fg = C_INK;
        break;
    case BTN_OFF:
        bg = C_BG;
        fg = C_OFF_TEXT;
        break;
    }
    draw_round_rect(s->d, r, s->m.radius, bg);
    if (kind == BTN_SELECTED)
        draw_round_frame(s->d, r, s->m.radius, 3, C_WHITE);
    else if (kind == BTN_OFF)
        draw_round_frame(s->d, r, s->m.radius, 2, C_OFF_FRAME);
    int pad = s->m.gap / 2 < r.w / 10 ? s->m.gap / 2 : r.w / 10;
    SDL_Rect box = {r.x + pad, r.y + pad / 2, r.w - 2 * pad, r.h - pad};
    int size = label_size;
    if (size > r.h * 6 / 10)
        size = r.h * 6 / 10;
    text(s, label, box, size, true, fg, DRAW_CENTER, 2);
}

static void fill(ui_screens *s, SDL_Color c)
{
    draw_rect(s->d, (SDL_Rect){0, 0, s->m.w, s->m.h}, c);
}

/* A settings screen's start: the background, the way back (button `id`, ghost style)
 * at the top left; returns the x where the screen's title may start. */
static int back_button(ui_screens *s, const ui_view *v, const char *id, const char *label)
{
    const ui_metrics *m = &s->m;
    fill(s, C_BG);
    int bw = m->target * 3 < m->w / 3 ? m->target * 3 : m->w / 3;
    button(s, v, id, (SDL_Rect){m->margin, m->margin, bw, m->target}, label, BTN_GHOST);
    return m->margin + bw + m->gap;
}

/* Round badge with an icon: the shape says it as well as the colour. */
static void badge(ui_screens *s, draw_icon icon, int cx, int cy, int size, SDL_Color bg,
                  SDL_Color fg)
{
    draw_circle(s->d, cx, cy, size / 2, bg);
    draw_icon_at(s->d, icon, (SDL_Rect){cx - size / 2, cy - size / 2, size, size}, fg);
}

/* --- idle -------------------------------------------------------------------- */

/* The words for one sync status ss: its state, and what waits. */
static void status_line(const ui_view *v, const sync_status *ss, char *buf, size_t len)
{
    char n[24], when[8];
    snprintf(n, sizeof n, "%lld", (long long)ss->queued);
    const char *vars[] = {"count", n, "time", when, NULL};
    when[0] = '\0';
    if (ss->last_sync_ms > 0)
        lk_format_hhmm(ss->last_sync_ms, when, sizeof when);
    switch (ss->state) {
    case SYNC_OFF:
        lk_strlcpy(buf, tr(v, "sync.off"), len);
        return;
    case SYNC_OFFLINE:
    case SYNC_AUTH_FAILED:
    case SYNC_ERROR: {
        /* staff must see why nothing leaves: a wrong password or an LRS that refuses
         * everything is fixed differently from a dead network */
        const char *why = ss->state == SYNC_AUTH_FAILED ? "sync.auth_failed"
                          : ss->state == SYNC_ERROR && !strcmp(ss->cause, SYNC_CAUSE_REJECTS_ALL)
                              ? "sync.rejected"
                          : ss->state == SYNC_ERROR && !strcmp(ss->cause, SYNC_CAUSE_NOT_LRS)
                              ? "sync.not_lrs"
                          : ss->state == SYNC_ERROR ? "sync.error"
                                                    : "sync.offline";
        char q[64];
        i18n_format_n(v->tr, "sync.queued", ss->queued, vars, q, sizeof q);
        snprintf(buf, len, "%s \xC2\xB7 %s", tr(v, why), q);
        return;
    }
    default:
        break;
    }
    if (ss->queued > 0)
        i18n_format_n(v->tr, "sync.queued", ss->queued, vars, buf, len);
    else if (ss->last_sync_ms > 0)
        i18n_format(v->tr, "sync.sent", vars, buf, len);
    else
        lk_strlcpy(buf, tr(v, "sync.all_sent"), len);
}

static void sync_line(const ui_view *v, char *buf, size_t len)
{
    status_line(v, &v->sync, buf, len);
}

/* The preview with its viewfinder, and the outline of a code the camera sees. */
static void preview(ui_screens *s, const ui_view *v, SDL_Rect box, bool partial)
{
    const ui_metrics *m = &s->m;
    bool live = v->camera == FRAMESRC_OK && v->preview && v->preview_w > 0 && v->preview_h > 0;
    SDL_Rect dst = box;
    double sc = 1.0;
    if (live) {
        /* Fit the frame in the box, keeping its shape. */
        double sx = (double)box.w / v->preview_w, sy = (double)box.h / v->preview_h;
        sc = sx < sy ? sx : sy;
        dst = (SDL_Rect){0, 0, (int)(v->preview_w * sc), (int)(v->preview_h * sc)};
        dst.x = box.x + (box.w - dst.w) / 2;
        dst.y = box.y + (box.h - dst.h) / 2;
    }
    /* A preview-only redraw paints the same picture rectangle again; the panel
     * around it still stands from the last full frame (a polygon fill saved). */
    if (!partial)
        draw_round_rect(s->d, box, m->radius, C_PANEL);
    if (live) {
        draw_texture(s->d, v->preview, dst);
        if (v->code_seen) {
            /* Clipped to the picture: a preview-only redraw repaints just the
             * picture, so nothing may be left outside it when the outline goes. */
            SDL_Renderer *r = draw_renderer(s->d);
            SDL_RenderSetClipRect(r, &dst);
            /* The outline of the code the camera sees, mapped onto the preview. */
            for (int i = 0; i < 4; i++) {
                const SDL_FPoint *a = &v->corners[i], *b = &v->corners[(i + 1) % 4];
                draw_line(s->d, dst.x + a->x * (float)sc, dst.y + a->y * (float)sc,
                          dst.x + b->x * (float)sc, dst.y + b->y * (float)sc,
                          (float)(m->target / 14 > 3 ? m->target / 14 : 3), C_GREEN_HI);
            }
            SDL_RenderSetClipRect(r, NULL);
        }
    }
    if (v->camera != FRAMESRC_OK || !v->preview) {
        int icon = box.h / 3;
        draw_icon_at(s->d, DRAW_ICON_CAMERA,
                     (SDL_Rect){box.x + (box.w - icon) / 2, box.y + box.h / 2 - icon, icon, icon},
                     C_MUTED);
        char key[48];
        snprintf(key, sizeof key, "camera.%s", framesrc_state_token(v->camera));
        text(s, tr(v, key),
             (SDL_Rect){box.x + m->gap, box.y + box.h / 2 + m->gap / 2, box.w - 2 * m->gap,
                        m->med * 2},
             m->med, false, C_MUTED, DRAW_CENTER, 2);
    }
    /* Viewfinder corners: opaque axis-aligned bars, plain fills (cheap enough to
     * repaint with every camera frame, and no blending where the bars meet). */
    int len = box.w < box.h ? box.w / 6 : box.h / 6, t = m->target / 12 > 3 ? m->target / 12 : 3;
    int inset = m->gap;
    SDL_Color vf = {232, 236, 240, 255};
    int x0 = box.x + inset, y0 = box.y + inset, x1 = box.x + box.w - inset - t,
        y1 = box.y + box.h - inset - t;
    draw_rect(s->d, (SDL_Rect){x0, y0, len, t}, vf);
    draw_rect(s->d, (SDL_Rect){x0, y0, t, len}, vf);
    draw_rect(s->d, (SDL_Rect){x1 + t - len, y0, len, t}, vf);
    draw_rect(s->d, (SDL_Rect){x1, y0, t, len}, vf);
    draw_rect(s->d, (SDL_Rect){x0, y1, len, t}, vf);
    draw_rect(s->d, (SDL_Rect){x0, y1 + t - len, t, len}, vf);
    draw_rect(s->d, (SDL_Rect){x1 + t - len, y1, len, t}, vf);
    draw_rect(s->d, (SDL_Rect){x1, y1 + t - len, t, len}, vf);
}

/* Width of the language button: its word in header type (smaller than the
 * screen's buttons: it is not the message), at least a target and a half. */
static int lang_width(ui_screens *s, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    int lw = 0;
    draw_measure(s->d, tr(v, "app.language_button"), m->small * 13 / 10, true, &lw, NULL);
    int w = lw + 2 * m->gap;
    return w < m->target * 3 / 2 ? m->target * 3 / 2 : w;
}

/* The language button ("English" / "Nederlands") at x, y; nothing when only one
 * language is loaded. */
static void lang_button(ui_screens *s, const ui_view *v, int x, int y)
{
    if (!i18n_has_language(v->tr, "en"))
        return;
    button_sized(s, v, "lang", (SDL_Rect){x, y, lang_width(s, v), s->m.target},
                 tr(v, "app.language_button"), BTN_GHOST, s->m.small * 13 / 10);
}

static void idle(ui_screens *s, flow *f, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    fill(s, C_BG);
    /* Header: language (and admin) on the right, the event and its host on the
     * left. The language button is as wide as its word in header type (smaller
     * than the screen's buttons: it is not the message). In portrait the event
     * gets a row of its own below the buttons, so a long title keeps its width. */
    int hx = m->w - m->margin - lang_width(s, v);
    if (f->has_pin) {
        SDL_Rect gear = {m->w - m->margin - m->target, m->margin, m->target, m->target};
        add_button(s, "admin", gear);
        if (pressed(v, "admin"))
            draw_round_rect(s->d, gear, m->radius, C_PANEL_HI);
        int is = m->target * 6 / 10;
        draw_icon_at(s->d, DRAW_ICON_LOCK,
                     (SDL_Rect){gear.x + (gear.w - is) / 2, gear.y + (gear.h - is) / 2, is, is},
                     C_MUTED);
        hx -= m->target + m->gap;
    }
    lang_button(s, v, hx, m->margin);
    int tx = m->margin;
    if (v->cfg && v->cfg->demo) {
        int bw = m->small * 4;
        SDL_Rect demo = {tx, m->margin + (m->target - m->small * 3 / 2) / 2, bw, m->small * 3 / 2};
        draw_round_rect(s->d, demo, m->radius / 2, C_AMBER);
        text(s, tr(v, "app.demo"), demo, m->small, true, C_INK, DRAW_CENTER, 1);
        tx += bw + m->gap;
    }
    SDL_Rect head = {tx, m->margin, hx - m->gap - tx, m->target};
    int header_bottom = m->margin + m->target;
    if (m->portrait) {
        int lh = draw_line_height(s->d, m->small, true);
        head = (SDL_Rect){m->margin, header_bottom + m->gap / 2, m->w - 2 * m->margin, 2 * lh + 4};
        if (v->ev)
            header_bottom = head.y + head.h;
    }
    if (v->ev) {
        SDL_Rect t1 = {head.x, head.y, head.w, head.h / 2 + 2};
        SDL_Rect t2 = {head.x, head.y + head.h / 2 + 2, head.w, head.h / 2 - 2};
        draw_align al = m->portrait ? DRAW_CENTER : DRAW_LEFT;
        text(s, v->ev->title, t1, m->small, true, C_TEXT, al, 1);
        text(s, v->ev->host, t2, m->small, false, C_MUTED, al, 1);
    }
    /* Footer: camera, sync, count. */
    int fh = draw_line_height(s->d, m->small, false) + m->gap / 2;
    int fy = m->h - m->margin - fh;
    int icon = fh * 8 / 10;
    int col = (m->w - 2 * m->margin) / 3;
    char buf[128], n[16];
    char key[48];
    snprintf(key, sizeof key, "camera.%s", framesrc_state_token(v->camera));
    draw_icon_at(s->d, v->has_camera ? DRAW_ICON_CAMERA : DRAW_ICON_SCANNER,
                 (SDL_Rect){m->margin, fy + (fh - icon) / 2, icon, icon},
                 v->camera == FRAMESRC_OK || !v->has_camera ? C_GREEN_HI : C_AMBER);
    text(s, tr(v, key), (SDL_Rect){m->margin + icon + m->gap / 2, fy, col - icon - m->gap, fh},
         m->small, false, C_MUTED, DRAW_LEFT, 1);
    /* An unsynchronised clock goes with being offline (no network time): it
     * takes the sync column, in amber, until the clock is right. */
    if (v->clock_unsynced)
        lk_strlcpy(buf, tr(v, "clock.unsynced"), sizeof buf);
    else
        sync_line(v, buf, sizeof buf);
    int sx = m->margin + col;
    draw_icon_at(s->d, DRAW_ICON_CLOUD, (SDL_Rect){sx, fy + (fh - icon) / 2, icon, icon},
                 v->clock_unsynced || v->sync.state == SYNC_OFFLINE ||
                         v->sync.state == SYNC_ERROR || v->sync.state == SYNC_AUTH_FAILED
                     ? C_AMBER
                     : C_MUTED);
    text(s, buf, (SDL_Rect){sx + icon + m->gap / 2, fy, col - icon - m->gap, fh}, m->small, false,
         C_MUTED, DRAW_LEFT, 1);
    if (v->ev) {
        snprintf(n, sizeof n, "%d", v->count_today);
        const char *vars[] = {"count", n, NULL};
        i18n_format_n(v->tr, "idle.count", v->count_today, vars, buf, sizeof buf);
        text(s, buf, (SDL_Rect){m->margin + 2 * col, fy, col, fh}, m->small, true, C_TEXT,
             DRAW_RIGHT, 1);
    }
    /* Body. */
    int top = header_bottom + m->gap, bottom = fy - m->gap;
    SDL_Rect body = {m->margin, top, m->w - 2 * m->margin, bottom - top};
    const char *title = v->ev ? tr(v, "idle.title") : tr(v, "idle.no_event");
    const char *hint = v->ev ? tr(v, v->has_camera ? "idle.hint_camera" : "idle.hint_scanner")
                             : tr(v, "idle.no_event_hint");
    int lh_big = draw_line_height(s->d, m->big, true);
    if (!v->has_camera) {
        int is = body.h - 2 * lh_big - 2 * m->med - 2 * m->gap;
        if (is > body.h / 3)
            is = body.h / 3;
        if (is > 0)
            draw_icon_at(s->d, v->ev ? DRAW_ICON_SCANNER : DRAW_ICON_EXCLAIM,
                         (SDL_Rect){body.x + (body.w - is) / 2, body.y, is, is}, C_GREEN_HI);
        int y = body.y + (is > 0 ? is : 0) + m->gap;
        int th = 2 * lh_big;
        text(s, title, (SDL_Rect){body.x, y, body.w, th}, m->big, true, C_TEXT, DRAW_CENTER, 2);
        text(s, hint,
             (SDL_Rect){body.x, y + th + m->gap / 2, body.w, body.y + body.h - y - th - m->gap / 2},
             m->med, false, C_MUTED, DRAW_CENTER, 2);
        return;
    }
    SDL_Rect pv, words;
    if (m->portrait) {
        int ph = body.w * 3 / 4;
        if (ph > body.h * 55 / 100)
            ph = body.h * 55 / 100;
        pv = (SDL_Rect){body.x + (body.w - ph * 4 / 3) / 2, body.y, ph * 4 / 3, ph};
        words = (SDL_Rect){body.x, body.y + ph + m->gap, body.w, body.h - ph - m->gap};
    } else {
        int pw = body.h * 4 / 3;
        if (pw > body.w / 2)
            pw = body.w / 2;
        pv = (SDL_Rect){body.x, body.y + (body.h - pw * 3 / 4) / 2, pw, pw * 3 / 4};
        words = (SDL_Rect){body.x + pw + m->margin, body.y, body.w - pw - m->margin, body.h};
    }
    preview(s, v, pv, false);
    s->has_preview = true;
    s->preview_box = pv;
    draw_style tst = style(m->big, true, C_TEXT, DRAW_CENTER, 2);
    draw_style hst = style(m->med, false, C_MUTED, DRAW_CENTER, 3);
    tst.middle = hst.middle = false;
    int th = draw_text_height(s->d, title, (SDL_Rect){0, 0, words.w, 2 * lh_big}, &tst);
    int hh = draw_text_height(
        s->d, hint, (SDL_Rect){0, 0, words.w, 3 * draw_line_height(s->d, m->med, false)}, &hst);
    int y = words.y + (words.h - th - hh - m->gap) / 2;
    if (y < words.y)
        y = words.y;
    draw_text(s->d, title, (SDL_Rect){words.x, y, words.w, th}, &tst);
    int hy = y + th + m->gap;
    int hmax = words.y + words.h - hy;
    draw_text(s->d, hint, (SDL_Rect){words.x, hy, words.w, hh < hmax ? hh : hmax}, &hst);
}

/* --- welcome, refusal, error ---------------------------------------------------- */

/* A message screen: a badge, the main line, a second line, and the whole
 * screen (or one button) to go on. */
static void message(ui_screens *s, SDL_Color bg, SDL_Color fg, draw_icon icon, SDL_Color badge_bg,
                    SDL_Color badge_fg, const char *main, const char *sub)
{
    const ui_metrics *m = &s->m;
    fill(s, bg);
    int bs = m->portrait ? m->w * 30 / 100 : m->h * 22 / 100;
    int width = m->w - 2 * m->margin;
    /* The main line and the second line take the height they need, and the
     * whole block is centred above the bottom button row. */
    draw_style big = style(m->big, true, fg, DRAW_CENTER, 2);
    draw_style med = style(m->med, false, fg, DRAW_CENTER, 3);
    big.middle = med.middle = false;
    int avail = m->h - 2 * m->margin - m->target - m->gap;
    int mh = draw_text_height(
        s->d, main, (SDL_Rect){0, 0, width, 2 * draw_line_height(s->d, m->big, true)}, &big);
    int sh = sub && sub[0]
                 ? draw_text_height(
                       s->d, sub,
                       (SDL_Rect){0, 0, width, 3 * draw_line_height(s->d, m->med, false)}, &med)
                 : 0;
    int total = bs + m->gap + mh + m->gap + sh;
    if (total > avail) {
        bs -= total - avail;
        if (bs < m->target)
            bs = m->target;
        total = bs + m->gap + mh + m->gap + sh;
    }
    int y = m->margin + (avail - total) / 2;
    if (y < m->margin)
        y = m->margin;
    badge(s, icon, m->w / 2, y + bs / 2, bs, badge_bg, badge_fg);
    y += bs + m->gap;
    draw_text(s->d, main, (SDL_Rect){m->margin, y, width, mh}, &big);
    y += mh + m->gap;
    if (sh > 0)
        draw_text(s->d, sub, (SDL_Rect){m->margin, y, width, sh}, &med);
}

static void duration_text(const ui_view *v, int64_t ms, char *buf, size_t len)
{
    long minutes = ms > 0 ? (long)(ms / 60000) : 0;
    long hours = minutes / 60;
    minutes %= 60;
    char h[16], mm[16], hs[48], ms_[48];
    snprintf(h, sizeof h, "%ld", hours);
    snprintf(mm, sizeof mm, "%ld", minutes);
    const char *vars[] = {"h", h, "m", mm, NULL};
    i18n_format_n(v->tr, "welcome.hours", hours, vars, hs, sizeof hs);
    i18n_format_n(v->tr, "welcome.minutes", minutes, vars, ms_, sizeof ms_);
    /* "6 uur en 15 minuten", "2 uur", "15 minuten", "0 minuten" */
    if (hours > 0 && minutes > 0) {
        const char *both[] = {"hours", hs, "minutes", ms_, NULL};
        i18n_format(v->tr, "welcome.hours_minutes", both, buf, len);
    } else {
        lk_strlcpy(buf, hours > 0 ? hs : ms_, len);
    }
}

static void welcome(ui_screens *s, flow *f, const ui_view *v)
{
    const checkin_result *r = &f->scan;
    char main[256], sub[320], when[8], dur[96];
    bool out = r->outcome == CHECKIN_CHECKED_OUT || r->outcome == CHECKIN_ALREADY_OUT;
    const char *name_vars[] = {"name", r->first_name, NULL};
    if (r->first_name[0])
        i18n_format(v->tr, out ? "welcome.bye" : "welcome.hello", name_vars, main, sizeof main);
    else
        lk_strlcpy(main, tr(v, out ? "welcome.bye_anon" : "welcome.hello_anon"), sizeof main);
    lk_format_hhmm(r->outcome == CHECKIN_ALREADY_OUT ? r->exp.checkout_ms : r->exp.checkin_ms, when,
                   sizeof when);
    duration_text(v, r->duration_ms, dur, sizeof dur);
    const char *vars[] = {"event", v->ev ? v->ev->title : "", "time", when, "duration", dur, NULL};
    const char *key = "welcome.checked_in";
    bool info = false;
    switch (r->outcome) {
    case CHECKIN_ALREADY:
        key = "welcome.already";
        info = true;
        break;
    case CHECKIN_CHECKED_OUT:
        key = "welcome.checked_out";
        break;
    case CHECKIN_ALREADY_OUT:
        key = "welcome.already_out";
        info = true;
        break;
    default:
        break;
    }
    i18n_format(v->tr, key, vars, sub, sizeof sub);
    SDL_Color bg = info ? C_BLUE : C_GREEN;
    message(s, bg, C_WHITE, DRAW_ICON_TICK, C_WHITE, bg, main, sub);
    /* Anywhere on the screen goes on; recorded last so no other target hides it. */
    lang_button(s, v, s->m.w - s->m.margin - lang_width(s, v), s->m.margin);
    add_button(s, "next", (SDL_Rect){0, 0, s->m.w, s->m.h});
}

/* Splits "First sentence. Rest." at the first ". " into main and sub. */
static void split_sentence(const char *t, char *main, size_t ml, char *sub, size_t sl)
{
    const char *dot = strstr(t, ". ");
    if (!dot) {
        lk_strlcpy(main, t, ml);
        sub[0] = '\0';
        return;
    }
    size_t n = (size_t)(dot - t) + 1;
    snprintf(main, ml, "%.*s", (int)n, t);
    lk_strlcpy(sub, dot + 2, sl);
}

static void bottom_button(ui_screens *s, const ui_view *v, const char *id, const char *label,
                          btn_kind kind)
{
    const ui_metrics *m = &s->m;
    int bw = m->target * 4;
    if (bw > m->w - 2 * m->margin)
        bw = m->w - 2 * m->margin;
    button(s, v, id, (SDL_Rect){(m->w - bw) / 2, m->h - m->margin - m->target, bw, m->target},
           label, kind);
}

static void refusal(ui_screens *s, flow *f, const ui_view *v)
{
    char key[64], main[256], sub[256];
    snprintf(key, sizeof key, "refusal.%s", lk_reason_token(f->scan.reason));
    split_sentence(tr(v, key), main, sizeof main, sub, sizeof sub);
    message(s, C_AMBER, C_INK, DRAW_ICON_EXCLAIM, C_INK, C_AMBER, main, sub);
    bottom_button(s, v, "ok", tr(v, "refusal_screen.ok"), BTN_DARK);
}

/* "Wil je uitchecken?": an internship-day scan soon after the check-in. Two clear
 * answers side by side; no answer means no (the flow's timeout). */
static void confirm_out(ui_screens *s, flow *f, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    char main[128], sub[256], dur[96], when[8];
    const checkin_result *r = &f->scan;
    duration_text(v, r->duration_ms, dur, sizeof dur);
    lk_format_hhmm(r->exp.checkin_ms, when, sizeof when);
    const char *vars[] = {"duration", dur, "time", when, NULL};
    lk_strlcpy(main, tr(v, "checkout.question"), sizeof main);
    i18n_format(v->tr, "checkout.early", vars, sub, sizeof sub);
    message(s, C_BLUE, C_WHITE, DRAW_ICON_EXCLAIM, C_WHITE, C_BLUE, main, sub);
    int bw = (m->w - 2 * m->margin - m->gap) / 2;
    if (bw > m->target * 5)
        bw = m->target * 5;
    int x = (m->w - (2 * bw + m->gap)) / 2, y = m->h - m->margin - m->target;
    button(s, v, "checkout-no", (SDL_Rect){x, y, bw, m->target}, tr(v, "checkout.no"), BTN_DARK);
    button(s, v, "checkout-yes", (SDL_Rect){x + bw + m->gap, y, bw, m->target},
           tr(v, "checkout.yes"), BTN_PANEL);
}

static void error_screen(ui_screens *s, flow *f, const ui_view *v)
{
    char main[256], sub[256];
    split_sentence(tr(v, "error.store"), main, sizeof main, sub, sizeof sub);
    message(s, C_AMBER, C_INK, DRAW_ICON_CROSS, C_INK, C_AMBER, main, sub);
    bottom_button(s, v, "ok", tr(v, "refusal_screen.ok"), BTN_DARK);
}

/* --- reflection ------------------------------------------------------------------ */

static bool english(const ui_view *v)
{
    return strcmp(i18n_language(v->tr), "en") == 0;
}

/* --- on-screen keyboards ------------------------------------------------------------ */

/* A keyboard is rows of keys on a grid of equal units, each row centred: ten units
 * a row on a wide screen (one key a unit, QWERTY), fourteen half-key units on a
 * narrow one (seven keys a row, A to Z in order: ten keys across a 7" screen turned
 * to 480x800 would be 33 px, 6 mm; seven are 52 px, over 9 mm). */
#define KB_MAX_KEYS 48

typedef struct kb_key {
    char id[SCREENS_ID_MAX]; /* the button's id ("key-a", "key-shift", "send") */
    char buf[8];             /* the label of a letter or sign key */
    const char *label;       /* what the key says: buf, or a text borrowed from tr() */
    int span;                /* its width in grid units */
    int row;                 /* its row, from 0 */
    btn_kind kind;           /* how it is drawn */
} kb_key;

typedef struct kb {
    kb_key keys[KB_MAX_KEYS]; /* in rows, left to right */
    size_t n;                 /* used */
    int row;                  /* the row keys are added to */
} kb;

/* The space between keys: 2 mm at least. */
static int kb_gap(const ui_metrics *m)
{
    return m->gap * 3 / 4 > 12 ? m->gap * 3 / 4 : 12;
}

/* Whether ten keys across area would be narrower than a target (9 mm): then the
 * keyboards take seven keys a row. */
static bool kb_narrow(const ui_metrics *m, SDL_Rect area)
{
    return (area.w - 9 * kb_gap(m)) / 10 < m->target;
}

/* Adds a key with its own id and label (label borrowed for the frame). */
static void kb_add(kb *b, const char *id, const char *label, int span, btn_kind kind)
{
    if (b->n >= KB_MAX_KEYS)
        return;
    kb_key *k = &b->keys[b->n++];
    lk_strlcpy(k->id, id, sizeof k->id);
    k->label = label;
    k->span = span;
    k->row = b->row;
    k->kind = kind;
}

/* Adds a letter or sign key labelled c (UTF-8), as a capital when cap, with the
 * id "key-" and its label, or "key-" and c when id_as_typed (the roster search's
 * capitals type small letters). */
static void kb_char(kb *b, const char *c, bool cap, bool id_as_typed, int span)
{
    if (b->n >= KB_MAX_KEYS)
        return;
    char label[8], id[SCREENS_ID_MAX];
    lk_strlcpy(label, c, sizeof label);
    if (cap && label[0] >= 'a' && label[0] <= 'z')
        label[0] = (char)(label[0] - 'a' + 'A');
    snprintf(id, sizeof id, "key-%s", id_as_typed ? c : label);
    kb_add(b, id, NULL, span, BTN_PANEL);
    kb_key *k = &b->keys[b->n - 1];
    lk_strlcpy(k->buf, label, sizeof k->buf);
    k->label = k->buf;
}

/* Lays b's keys out in area on a grid of `units` units a row and draws them: rows
 * as high as the room allows (at most one and a half targets), centred. */
static void kb_draw(ui_screens *s, const ui_view *v, const kb *b, SDL_Rect area, int units)
{
    const ui_metrics *m = &s->m;
    if (b->n == 0)
        return;
    int kg = kb_gap(m);
    int u = (area.w - (units - 1) * kg) / units;
    int rows = b->keys[b->n - 1].row + 1;
    int kh = (area.h - (rows - 1) * kg) / rows;
    if (kh > m->target * 3 / 2)
        kh = m->target * 3 / 2;
    int y = area.y + (area.h - (rows * kh + (rows - 1) * kg)) / 2;
    for (size_t i = 0; i < b->n;) {
        size_t end = i;
        int row_w = -kg;
        while (end < b->n && b->keys[end].row == b->keys[i].row) {
            row_w += b->keys[end].span * (u + kg);
            end++;
        }
        int x = area.x + (area.w - row_w) / 2;
        for (; i < end; i++) {
            const kb_key *k = &b->keys[i];
            int w = k->span * u + (k->span - 1) * kg;
            button(s, v, k->id, (SDL_Rect){x, y, w, kh}, k->label, k->kind);
            x += w + kg;
        }
        y += kh + kg;
    }
}

/* The reflection's keyboard: letters (one capital after "ABC", like a phone), and
 * a second layer ("?123") with digits, the Dutch accented letters and punctuation;
 * then "?123", erase, space and send. Keys are at least a target (9 mm) high. */
static void keyboard_rows(ui_screens *s, flow *f, const ui_view *v, SDL_Rect area)
{
    static const char *const wide_letters[3] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
    static const char *const tall_letters[4] = {"abcdefg", "hijklmn", "opqrstu", "vwxyz"};
    static const char *const wide_signs[3][11] = {
        {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", NULL},
        {"\xC3\xAB", "\xC3\xA9", "\xC3\xA8", "\xC3\xAF", "\xC3\xB6", "\xC3\xBC", "\xC3\xA1", "-",
         "/", NULL},
        {".", ",", "?", "!", "'", ":", "(", ")", NULL}};
    static const char *const tall_signs[4][8] = {
        {"1", "2", "3", "4", "5", "6", "7", NULL},
        {"8", "9", "0", "-", "/", "(", ")", NULL},
        {"\xC3\xAB", "\xC3\xA9", "\xC3\xA8", "\xC3\xAF", "\xC3\xB6", "\xC3\xBC", "\xC3\xA1", NULL},
        {".", ",", "?", "!", "'", ":", NULL}};
    static kb b; /* UI thread only; too big for the stack of every frame */
    memset(&b, 0, sizeof b);
    bool narrow = kb_narrow(&s->m, area);
    int one = narrow ? 2 : 1; /* a letter's span */
    if (!f->kb_layer) {
        int nr = narrow ? 4 : 3;
        for (int r = 0; r < nr; r++, b.row++) {
            const char *row = narrow ? tall_letters[r] : wide_letters[r];
            if (r == nr - 1) /* "ABC" before the last letters */
                kb_add(&b, "key-shift", f->kb_shift ? "abc" : "ABC", 2 * one,
                       f->kb_shift ? BTN_SELECTED : BTN_PANEL);
            for (const char *c = row; *c; c++) {
                char one_letter[2] = {*c, '\0'};
                kb_char(&b, one_letter, f->kb_shift, false, one);
            }
        }
    } else {
        int nr = narrow ? 4 : 3;
        for (int r = 0; r < nr; r++, b.row++)
            for (int i = 0; narrow ? tall_signs[r][i] : wide_signs[r][i]; i++)
                kb_char(&b, narrow ? tall_signs[r][i] : wide_signs[r][i], false, false, one);
    }
    kb_add(&b, "key-layer", f->kb_layer ? "abc" : "?123", narrow ? 3 : 2, BTN_PANEL);
    kb_add(&b, "key-erase", tr(v, "reflection.erase"), narrow ? 3 : 2, BTN_PANEL);
    kb_add(&b, "key-space", tr(v, "reflection.space"), narrow ? 4 : 3, BTN_PANEL);
    kb_add(&b, "send", tr(v, "reflection.send"), narrow ? 4 : 3, BTN_PRIMARY);
    kb_draw(s, v, &b, area, narrow ? 14 : 10);
}

/* The roster search's keyboard: capitals that type small letters, and erase. */
static void search_keys(ui_screens *s, const ui_view *v, SDL_Rect area)
{
    static const char *const wide[3] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
    static const char *const tall[4] = {"abcdefg", "hijklmn", "opqrstu", "vwxyz"};
    static kb b; /* UI thread only */
    memset(&b, 0, sizeof b);
    bool narrow = kb_narrow(&s->m, area);
    int nr = narrow ? 4 : 3;
    for (int r = 0; r < nr; r++, b.row++) {
        for (const char *c = narrow ? tall[r] : wide[r]; *c; c++) {
            char one_letter[2] = {*c, '\0'};
            kb_char(&b, one_letter, true, true, narrow ? 2 : 1);
        }
        if (narrow && r == nr - 1) /* beside V to Z */
            kb_add(&b, "key-erase", tr(v, "reflection.erase"), 4, BTN_PANEL);
    }
    if (!narrow)
        kb_add(&b, "key-erase", tr(v, "reflection.erase"), 3, BTN_PANEL);
    kb_draw(s, v, &b, area, narrow ? 14 : 10);
}

/* The banner over a reflection's top bar: what the scan did, in one line or two,
 * amber with an exclamation for a refusal, blue with a tick for "already". */
static void banner(ui_screens *s, const flow *f, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    const checkin_result *r = &f->banner.scan;
    char msg[320], key[64], when[8];
    bool info = false;
    switch (f->banner.kind) {
    case FLOW_BANNER_SCAN:
        if (r->outcome == CHECKIN_ALREADY || r->outcome == CHECKIN_ALREADY_OUT ||
            r->outcome == CHECKIN_CONFIRM_CHECKOUT) {
            bool out = r->outcome == CHECKIN_ALREADY_OUT;
            lk_format_hhmm(out ? r->exp.checkout_ms : r->exp.checkin_ms, when, sizeof when);
            const char *vars[] = {"time", when, NULL};
            i18n_format(v->tr, out ? "welcome.already_out" : "welcome.already", vars, msg,
                        sizeof msg);
            info = true;
        } else {
            snprintf(key, sizeof key, "refusal.%s", lk_reason_token(r->reason));
            lk_strlcpy(msg, tr(v, key), sizeof msg);
        }
        break;
    case FLOW_BANNER_BUSY:
        lk_strlcpy(msg, tr(v, "banner.busy"), sizeof msg);
        break;
    case FLOW_BANNER_ERROR:
        lk_strlcpy(msg, tr(v, "error.store"), sizeof msg);
        break;
    case FLOW_BANNER_NONE:
        return;
    }
    SDL_Color bg = info ? C_BLUE : C_AMBER, fg = info ? C_WHITE : C_INK;
    SDL_Rect r0 = {m->margin / 2, m->margin / 2, m->w - m->margin, m->target + m->margin};
    draw_round_rect(s->d, r0, m->radius, bg);
    int is = m->target * 7 / 10;
    badge(s, info ? DRAW_ICON_TICK : DRAW_ICON_EXCLAIM, r0.x + m->gap / 2 + is / 2, r0.y + r0.h / 2,
          is, fg, bg);
    SDL_Rect tb = {r0.x + is + m->gap, r0.y + 2, r0.w - is - 3 * m->gap / 2, r0.h - 4};
    text(s, msg, tb, m->med, true, fg, DRAW_LEFT, 2);
}

static void reflection(ui_screens *s, flow *f, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    fill(s, C_BG);
    const reflection_session *rs = &f->refl;
    size_t n = reflection_set_count(rs->set);
    const xapi_question *q = reflection_set_question(rs->set, rs->step);
    if (!q)
        return;
    /* Top bar: back, progress dots, skip; or, for a few seconds, a banner about a
     * scan that changed nothing (the reflection goes on under it). */
    int bw = m->target * 3;
    if (bw > m->w / 3)
        bw = m->w / 3;
    int lang_w = i18n_has_language(v->tr, "en") ? lang_width(s, v) + m->gap : 0;
    if (2 * bw + lang_w + m->gap > m->w - 2 * m->margin)
        bw = (m->w - 2 * m->margin - lang_w - m->gap) / 2; /* narrow portrait screens */
    if (f->banner.kind != FLOW_BANNER_NONE)
        banner(s, f, v);
    else if (rs->step > 0)
        button(s, v, "back", (SDL_Rect){m->margin, m->margin, bw, m->target},
               tr(v, "reflection.back"), BTN_GHOST);
    if (f->banner.kind == FLOW_BANNER_NONE) {
        button(s, v, "skip", (SDL_Rect){m->w - m->margin - bw, m->margin, bw, m->target},
               tr(v, "reflection.skip"), BTN_GHOST);
        lang_button(s, v, m->w - m->margin - bw - lang_w, m->margin);
    }
    /* The dots share the row with back, language and skip: as large as the room
     * allows, centred in what is left between them. */
    int room = m->w - 2 * m->margin - 2 * bw - lang_w - 2 * m->gap;
    int dot = m->target / 5;
    if (n > 0 && dot * 3 * (int)n > room)
        dot = room / (3 * (int)n);
    int left = m->margin + bw + m->gap, dy = m->margin + m->target / 2, below = 0;
    if (dot < 5) {
        /* too narrow (portrait): the dots get a thin row of their own below */
        dot = m->target / 6;
        room = m->w - 2 * m->margin;
        left = m->margin;
        dy = m->margin + m->target + m->gap / 2 + dot;
        below = 2 * dot + m->gap / 2;
    }
    int dgap = dot;
    int dots_w = (int)n * dot * 2 + ((int)n - 1) * dgap;
    int dx = left + (room - dots_w) / 2 + dot;
    for (size_t i = 0; i < n && f->banner.kind == FLOW_BANNER_NONE; i++) {
        int cx = dx + (int)i * (2 * dot + dgap);
        if (i == rs->step)
            draw_circle(s->d, cx, dy, dot, C_TEXT);
        else if (rs->answers[i].answered)
            draw_circle(s->d, cx, dy, dot * 3 / 4, C_GREEN_HI);
        else
            draw_ring(s->d, cx, dy, dot * 3 / 4, 2, C_MUTED);
    }
    /* The question. */
    int lh = draw_line_height(s->d, m->big, true);
    int top = m->margin + m->target + m->gap + below;
    bool text_q = q->type == XAPI_FILL_IN;
    int qh = text_q ? lh : 2 * lh;
    if (m->portrait)
        qh = 2 * lh;
    text(s, english(v) ? q->prompt_en : q->prompt_nl,
         (SDL_Rect){m->margin, top, m->w - 2 * m->margin, qh}, m->big, true, C_TEXT, DRAW_CENTER,
         text_q && !m->portrait ? 1 : 2);
    int ay = top + qh + m->gap;
    SDL_Rect area = {m->margin, ay, m->w - 2 * m->margin, m->h - m->margin - ay};
    const reflection_answer *prev = &rs->answers[rs->step];
    if (text_q) {
        int fh = m->target;
        SDL_Rect field = {area.x, area.y, area.w, fh};
        draw_round_rect(s->d, field, m->radius, C_WHITE);
        SDL_Rect tb = {field.x + m->gap, field.y, field.w - 2 * m->gap, fh};
        if (f->text[0])
            text(s, f->text, tb, m->med, false, C_INK, DRAW_LEFT, 1);
        else
            text(s, tr(v, "reflection.write_hint"), tb, m->med, false, (SDL_Color){90, 90, 90, 255},
                 DRAW_LEFT, 1);
        keyboard_rows(s, f, v,
                      (SDL_Rect){area.x, area.y + fh + m->gap, area.w, area.h - fh - m->gap});
        return;
    }
    char id[SCREENS_ID_MAX + 8];
    if (q->type == XAPI_LIKERT) {
        int k = (int)q->n_choices;
        int cw = (area.w - (k - 1) * m->gap) / k;
        int ch = area.h;
        if (ch > (m->portrait ? cw * 2 : cw * 3 / 2))
            ch = m->portrait ? cw * 2 : cw * 3 / 2;
        int y = area.y + (area.h - ch) / 2;
        int label_h = 2 * draw_line_height(s->d, m->small, true);
        for (int i = 0; i < k; i++) {
            SDL_Rect r = {area.x + i * (cw + m->gap), y, cw, ch};
            snprintf(id, sizeof id, "choice-%d", i);
            add_button(s, id, r);
            bool chosen = prev->answered && prev->choice == i;
            draw_round_rect(s->d, r, m->radius,
                            pressed(v, id) ? C_PANEL_HI
                            : chosen       ? C_BLUE
                                           : C_PANEL);
            int fs = ch - label_h - 2 * m->gap;
            if (fs > cw - m->gap)
                fs = cw - m->gap;
            draw_face(s->d, reflection_set_face(rs->set, rs->step, (size_t)i),
                      (SDL_Rect){r.x + (cw - fs) / 2,
                                 r.y + m->gap / 2 + (ch - label_h - m->gap - fs) / 2, fs, fs},
                      C_FACE, C_INK);
            const xapi_choice *c = &q->choices[i];
            text(s, english(v) ? c->en : c->nl,
                 (SDL_Rect){r.x + 4, r.y + ch - label_h - m->gap / 2, cw - 8, label_h}, m->small,
                 true, C_TEXT, DRAW_CENTER, 2);
        }
        return;
    }
    /* Several choices: chips that toggle, a tick in a filled circle when on and an
     * empty ring when off (never colour alone), and "Verder" to go on. */
    bool multi = reflection_set_multiple(rs->set, rs->step);
    if (multi) {
        int nw = m->target * 4 < area.w / 2 ? m->target * 4 : area.w / 2;
        SDL_Rect nb = {area.x + area.w - nw, area.y + area.h - m->target, nw, m->target};
        button(s, v, "next", nb, tr(v, "reflection.next"), BTN_PRIMARY);
        text(s, tr(v, "reflection.multiple_hint"),
             (SDL_Rect){area.x, nb.y, area.w - nw - m->gap, m->target}, m->med, false, C_TEXT,
             DRAW_LEFT, 2);
        area.h -= m->target + m->gap;
    }
    /* Choices as big chips in a grid. */
    int k = (int)q->n_choices;
    int cols = k <= 3 ? (m->portrait ? 1 : k) : k == 4 ? 2 : (m->portrait ? 2 : 3);
    int rows = (k + cols - 1) / cols;
    int cw = (area.w - (cols - 1) * m->gap) / cols;
    int ch = (area.h - (rows - 1) * m->gap) / rows;
    if (ch > m->target * 2)
        ch = m->target * 2;
    int y0 = area.y + (area.h - (rows * ch + (rows - 1) * m->gap)) / 2;
    for (int i = 0; i < k; i++) {
        int r = i / cols, c = i % cols;
        int in_row = r == rows - 1 ? k - r * cols : cols;
        int x0 = area.x + (area.w - (in_row * cw + (in_row - 1) * m->gap)) / 2;
        snprintf(id, sizeof id, "choice-%d", i);
        SDL_Rect cr = {x0 + c * (cw + m->gap), y0 + r * (ch + m->gap), cw, ch};
        const char *label = english(v) ? q->choices[i].en : q->choices[i].nl;
        if (!multi) {
            bool chosen = prev->answered && prev->choice == i;
            button(s, v, id, cr, label, chosen ? BTN_SELECTED : BTN_PANEL);
            continue;
        }
        bool on = (prev->picked & (1u << i)) != 0;
        add_button(s, id, cr);
        draw_round_rect(s->d, cr, m->radius,
                        pressed(v, id) ? (on ? C_BLUE_HI : C_PANEL_HI)
                        : on           ? C_BLUE
                                       : C_PANEL);
        if (on)
            draw_round_frame(s->d, cr, m->radius, 3, C_WHITE);
        int is = m->target * 6 / 10 < ch * 6 / 10 ? m->target * 6 / 10 : ch * 6 / 10;
        int pad = m->gap / 2;
        if (on)
            badge(s, DRAW_ICON_TICK, cr.x + pad + is / 2, cr.y + ch / 2, is, C_WHITE, C_BLUE);
        else
            draw_ring(s->d, cr.x + pad + is / 2, cr.y + ch / 2, is / 2, 3, C_TEXT);
        int size = m->med < ch * 6 / 10 ? m->med : ch * 6 / 10;
        text(s, label, (SDL_Rect){cr.x + 2 * pad + is, cr.y + pad / 2, cw - 3 * pad - is, ch - pad},
             size, true, C_TEXT, DRAW_CENTER, 2);
    }
}

/* "Nog even? Tik om door te gaan": over the whole reflection, which stays visible
 * dimmed behind it; the only target is the whole screen, so a tap anywhere says
 * "still here" and chooses nothing. */
static void warn_overlay(ui_screens *s, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    draw_rect(s->d, (SDL_Rect){0, 0, m->w, m->h}, (SDL_Color){0, 0, 0, 170});
    int pw = m->w * 7 / 10 > m->target * 8 ? m->w * 7 / 10 : m->w - 2 * m->margin;
    if (pw > m->w - 2 * m->margin)
        pw = m->w - 2 * m->margin;
    int lb = draw_line_height(s->d, m->big, true), lm = draw_line_height(s->d, m->med, false);
    int is = m->target;
    int ph = m->gap + is + m->gap + lb + m->gap / 2 + 2 * lm + m->gap;
    SDL_Rect p = {(m->w - pw) / 2, (m->h - ph) / 2, pw, ph};
    draw_round_rect(s->d, p, m->radius, C_BLUE);
    int y = p.y + m->gap;
    badge(s, DRAW_ICON_EXCLAIM, m->w / 2, y + is / 2, is, C_WHITE, C_BLUE);
    y += is + m->gap;
    text(s, tr(v, "reflection.warn_title"), (SDL_Rect){p.x + m->gap, y, p.w - 2 * m->gap, lb},
         m->big, true, C_WHITE, DRAW_CENTER, 1);
    y += lb + m->gap / 2;
    text(s, tr(v, "reflection.warn_hint"), (SDL_Rect){p.x + m->gap, y, p.w - 2 * m->gap, 2 * lm},
         m->med, false, C_WHITE, DRAW_CENTER, 2);
    s->n_buttons = 0; /* nothing under it can be chosen by accident */
    add_button(s, "stay", (SDL_Rect){0, 0, m->w, m->h});
}

const char *screens_done_key(const ui_view *v)
{
    const sync_status *ss = &v->sync;
    switch (ss->state) {
    case SYNC_OFF:
        return "done.saved_local";
    case SYNC_OFFLINE:
    case SYNC_AUTH_FAILED:
    case SYNC_ERROR:
        return "done.saved_later";
    default:
        break;
    }
    if (ss->queued == 0 && ss->last_sync_ms > 0 && ss->last_sync_ms >= v->done_wall_ms &&
        ss->quarantined == v->done_quarantined)
        return "done.saved";
    return "done.saved_queued";
}

/* --- done ---------------------------------------------------------------------------- */

static void done(ui_screens *s, flow *f, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    fill(s, C_BG);
    char counted[96], n[16];
    snprintf(n, sizeof n, "%zu", f->saved_answers);
    const char *vars[] = {"count", n, NULL};
    i18n_format_n(v->tr, "done.saved_answers", (long long)f->saved_answers, vars, counted,
                  sizeof counted);
    int btn_y = m->h - m->margin - m->target;
    SDL_Rect words, qr = {0, 0, 0, 0};
    int content_h = btn_y - m->gap - m->margin;
    if (v->qr) {
        if (m->portrait) {
            int q = m->w * 45 / 100;
            qr = (SDL_Rect){(m->w - q) / 2,
                            m->margin + content_h - q - 2 * draw_line_height(s->d, m->small, false),
                            q, q};
            words =
                (SDL_Rect){m->margin, m->margin, m->w - 2 * m->margin, qr.y - m->gap - m->margin};
        } else {
            int q = content_h - 2 * draw_line_height(s->d, m->small, false) - m->gap;
            if (q > m->w * 36 / 100)
                q = m->w * 36 / 100;
            qr = (SDL_Rect){m->w - m->margin - q, m->margin, q, q};
            words = (SDL_Rect){m->margin, m->margin, qr.x - 2 * m->margin, content_h};
        }
    } else {
        words = (SDL_Rect){m->margin, m->margin, m->w - 2 * m->margin, content_h};
    }
    int bs = words.h / 4 < m->target * 2 ? words.h / 4 : m->target * 2;
    int lh = draw_line_height(s->d, m->big, true);
    int mh = 3 * draw_line_height(s->d, m->med, false);
    int sh = draw_line_height(s->d, m->small, false);
    int total = bs + m->gap + lh + m->gap / 2 + mh + sh;
    int y = words.y + (words.h - total) / 2;
    if (y < words.y)
        y = words.y;
    badge(s, DRAW_ICON_TICK, words.x + words.w / 2, y + bs / 2, bs, C_GREEN, C_WHITE);
    y += bs + m->gap;
    text(s, tr(v, "done.title"), (SDL_Rect){words.x, y, words.w, lh}, m->big, true, C_TEXT,
         DRAW_CENTER, 1);
    y += lh + m->gap / 2;
    text(s, tr(v, screens_done_key(v)), (SDL_Rect){words.x, y, words.w, mh}, m->med, false, C_TEXT,
         DRAW_CENTER, 3);
    y += mh;
    if (f->saved_answers > 0)
        text(s, counted, (SDL_Rect){words.x, y, words.w, sh}, m->small, false, C_MUTED, DRAW_CENTER,
             1);
    if (v->qr) {
        int pad = qr.w / 14;
        draw_round_rect(s->d, qr, m->radius, C_WHITE);
        draw_texture(s->d, v->qr,
                     (SDL_Rect){qr.x + pad, qr.y + pad, qr.w - 2 * pad, qr.h - 2 * pad});
        int ch = 2 * draw_line_height(s->d, m->small, false);
        SDL_Rect cap = {qr.x - m->margin / 2, qr.y + qr.h + m->gap / 2, qr.w + m->margin, ch};
        if (m->portrait)
            cap = (SDL_Rect){m->margin, qr.y + qr.h + m->gap / 2, m->w - 2 * m->margin, ch};
        if (cap.x + cap.w > m->w - 4)
            cap.w = m->w - 4 - cap.x;
        text(s, tr(v, "done.qr"), cap, m->small, false, C_MUTED, DRAW_CENTER, 2);
    }
    int bw = m->target * 4 < m->w - 2 * m->margin ? m->target * 4 : m->w - 2 * m->margin;
    button(s, v, "close", (SDL_Rect){(m->w - bw) / 2, btn_y, bw, m->target}, tr(v, "done.close"),
           BTN_PRIMARY);
}

/* --- pin ----------------------------------------------------------------------------- */

static void pin_screen(ui_screens *s, flow *f, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    int tx = back_button(s, v, "pin-cancel", tr(v, "pin.cancel"));
    text(s, tr(v, "pin.title"), (SDL_Rect){tx, m->margin, m->w - m->margin - tx, m->target}, m->med,
         true, C_TEXT, m->portrait ? DRAW_LEFT : DRAW_CENTER, 2);
    int y = m->margin + m->target + m->gap;
    int dot = m->small / 2 + 2;
    size_t n = strlen(f->pin), slots = n > PIN_MIN_DIGITS ? n : PIN_MIN_DIGITS;
    int dw = (int)slots * (dot * 2) + ((int)slots - 1) * dot * 2;
    for (size_t i = 0; i < slots; i++) {
        int cx = (m->w - dw) / 2 + dot + (int)i * dot * 4;
        if (i < n)
            draw_circle(s->d, cx, y + dot, dot, C_TEXT);
        else
            draw_ring(s->d, cx, y + dot, dot, 2, C_MUTED);
    }
    y += 2 * dot + m->gap / 2;
    /* the message row: one line, two on a tall screen (there is room; the words keep
     * their size); always kept, so the keys do not move when a message comes */
    int lines = m->portrait ? 2 : 1;
    int sh = lines * draw_line_height(s->d, m->small, false);
    if (f->pin_locked) {
        /* the length of this lockout (1, 5, 15 or 60 minutes): the most there is to wait */
        long long minutes = pin_lock_ms(f->pin_guard.failures / PIN_TRIES) / 60000;
        char n[24], msg[256];
        snprintf(n, sizeof n, "%lld", minutes > 0 ? minutes : 1);
        const char *vars[] = {"count", n, NULL};
        i18n_format_n(v->tr, "pin.locked", minutes > 0 ? minutes : 1, vars, msg, sizeof msg);
        /* a lock before the words (never colour alone), the two centred together */
        int is = draw_line_height(s->d, m->small, false) * 3 / 2, tw = 0,
            room = m->w - 2 * m->margin - is - m->gap / 2;
        draw_measure(s->d, msg, m->small, true, &tw, NULL);
        tw += 2;
        if (tw > room)
            tw = room;
        int x = m->margin + (room - tw) / 2;
        draw_icon_at(s->d, DRAW_ICON_LOCK, (SDL_Rect){x, y + (sh - is) / 2, is, is}, C_AMBER);
        text(s, msg, (SDL_Rect){x + is + m->gap / 2, y, tw, sh}, m->small, true, C_AMBER, DRAW_LEFT,
             lines);
    } else if (f->pin_wrong) {
        text(s, tr(v, "pin.wrong"), (SDL_Rect){m->margin, y, m->w - 2 * m->margin, sh}, m->small,
             true, C_AMBER, DRAW_CENTER, lines);
    }
    y += sh + m->gap / 2;
    int kh = (m->h - m->margin - y - 3 * m->gap) / 4;
    if (kh > m->target * 3 / 2)
        kh = m->target * 3 / 2;
    int kw = kh * 2;
    if (kw * 3 + 2 * m->gap > m->w - 2 * m->margin)
        kw = (m->w - 2 * m->margin - 2 * m->gap) / 3;
    int x0 = (m->w - (3 * kw + 2 * m->gap)) / 2;
    static const char *const keys[12] = {"1", "2", "3", "4",     "5", "6",
                                         "7", "8", "9", "erase", "0", "ok"};
    for (int i = 0; i < 12; i++) {
        char id[SCREENS_ID_MAX + 8];
        snprintf(id, sizeof id, "pin-%s", keys[i]);
        const char *label = i == 9 ? tr(v, "pin.erase") : i == 11 ? tr(v, "pin.ok") : keys[i];
        /* Shut after too many wrong PINs: the keys stay where they are (a tap lands
         * on them, not on what is under), drawn off; only "Terug" works. */
        btn_kind kind = f->pin_locked ? BTN_OFF : i == 11 ? BTN_PRIMARY : BTN_PANEL;
        button(s, v, id,
               (SDL_Rect){x0 + (i % 3) * (kw + m->gap), y + (i / 3) * (kh + m->gap), kw, kh}, label,
               kind);
    }
}

/* --- admin --------------------------------------------------------------------------- */

static void chart(ui_screens *s, const ui_view *v, SDL_Rect box)
{
    const ui_metrics *m = &s->m;
    int sh = draw_line_height(s->d, m->small, true);
    text(s, tr(v, "admin.per_hour"), (SDL_Rect){box.x, box.y, box.w, sh}, m->small, true, C_TEXT,
         DRAW_LEFT, 1);
    /* Hours shown: 7..18, widened to any hour with check-ins. */
    int first = 7, last = 18, max = 1;
    for (int h = 0; h < 24; h++) {
        if (v->per_hour[h] > 0) {
            if (h < first)
                first = h;
            if (h > last)
                last = h;
        }
        if (v->per_hour[h] > max)
            max = v->per_hour[h];
    }
    int n = last - first + 1;
    int lab = draw_line_height(s->d, m->small * 3 / 4 > 12 ? m->small * 3 / 4 : 12, false);
    SDL_Rect plot = {box.x, box.y + sh + 2 * lab, box.w, box.h - sh - 3 * lab};
    int slot = plot.w / n, bw = slot * 7 / 10;
    draw_rect(s->d, (SDL_Rect){plot.x, plot.y + plot.h, plot.w, 2}, C_MUTED);
    for (int i = 0; i < n; i++) {
        int h = first + i, c = v->per_hour[h];
        int bh = plot.h * c / max;
        int x = plot.x + i * slot + (slot - bw) / 2;
        if (c > 0) {
            draw_rect(s->d, (SDL_Rect){x, plot.y + plot.h - bh, bw, bh}, C_GREEN_HI);
            char num[16];
            snprintf(num, sizeof num, "%d", c);
            text(s, num, (SDL_Rect){plot.x + i * slot, plot.y + plot.h - bh - lab, slot, lab},
                 lab * 3 / 4, true, C_TEXT, DRAW_CENTER, 1);
        }
        if (i % 2 == 0 || slot > lab * 2) {
            char hour[8];
            snprintf(hour, sizeof hour, "%d", h);
            text(s, hour, (SDL_Rect){plot.x + i * slot, plot.y + plot.h + 2, slot, lab},
                 lab * 3 / 4, false, C_MUTED, DRAW_CENTER, 1);
        }
    }
}

/* "29-11 09:00-17:00", or "29-11 09:00 - 30-11 17:00" over more days (local time). */
static void event_dates(const ui_view *v, const config_event *e, char *buf, size_t len)
{
    (void)v;
    time_t a = (time_t)(e->start_ms / 1000), b = (time_t)(e->end_ms / 1000);
    struct tm ta, tb;
    if (!localtime_r(&a, &ta) || !localtime_r(&b, &tb)) {
        buf[0] = '\0';
        return;
    }
    if (ta.tm_year == tb.tm_year && ta.tm_yday == tb.tm_yday)
        snprintf(buf, len, "%02d-%02d %02d:%02d\xE2\x80\x93%02d:%02d", ta.tm_mday, ta.tm_mon + 1,
                 ta.tm_hour, ta.tm_min, tb.tm_hour, tb.tm_min);
    else
        snprintf(buf, len, "%02d-%02d %02d:%02d \xE2\x80\x93 %02d-%02d %02d:%02d", ta.tm_mday,
                 ta.tm_mon + 1, ta.tm_hour, ta.tm_min, tb.tm_mday, tb.tm_mon + 1, tb.tm_hour,
                 tb.tm_min);
}

/* One row of the admin's event list: title, dates, and a tick with "nu bezig" on
 * the event served now; the chosen one framed. */
static void event_row(ui_screens *s, const ui_view *v, const char *id, SDL_Rect r,
                      const char *title, const char *sub, bool chosen, bool now)
{
    const ui_metrics *m = &s->m;
    add_button(s, id, r);
    bool down = pressed(v, id);
    draw_round_rect(s->d, r, m->radius, down ? C_PANEL_HI : chosen ? C_BLUE : C_PANEL);
    if (chosen)
        draw_round_frame(s->d, r, m->radius, 3, C_WHITE);
    int pad = m->gap / 2;
    int x = r.x + pad;
    if (now) {
        int is = r.h * 5 / 10;
        badge(s, DRAW_ICON_TICK, x + is / 2, r.y + r.h / 2, is, C_GREEN_HI, C_INK);
        x += is + pad;
    }
    int w = r.x + r.w - pad - x;
    char line[128];
    if (now)
        snprintf(line, sizeof line, "%s%s%s", sub, sub[0] ? " \xC2\xB7 " : "",
                 tr(v, "admin.event_now"));
    else
        lk_strlcpy(line, sub, sizeof line);
    if (!line[0]) {
        text(s, title, (SDL_Rect){x, r.y, w, r.h}, m->small, true, C_TEXT, DRAW_LEFT, 2);
        return;
    }
    text(s, title, (SDL_Rect){x, r.y + 2, w, r.h / 2}, m->small, true, C_TEXT, DRAW_LEFT, 1);
    text(s, line, (SDL_Rect){x, r.y + r.h / 2, w, r.h / 2 - 2}, m->small * 9 / 10, false,
         chosen ? C_TEXT : C_MUTED, DRAW_LEFT, 1);
}

/* The admin's notice in box: success and failure look different, green with a
 * tick, amber with "!". */
static void notice(ui_screens *s, const flow *f, const ui_view *v, SDL_Rect box)
{
    const ui_metrics *m = &s->m;
    size_t nl = strlen(f->notice);
    bool ok = nl > 3 && strcmp(f->notice + nl - 3, "_ok") == 0;
    int is = m->target * 7 / 10;
    badge(s, ok ? DRAW_ICON_TICK : DRAW_ICON_EXCLAIM, box.x + is / 2, box.y + box.h / 2, is,
          ok ? C_GREEN_HI : C_AMBER, C_INK);
    text(s, tr(v, f->notice),
         (SDL_Rect){box.x + is + m->gap / 2, box.y, box.w - is - m->gap / 2, box.h}, m->small, true,
         ok ? C_GREEN_HI : C_AMBER, DRAW_LEFT, 2);
}

static void admin(ui_screens *s, flow *f, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    int tx = back_button(s, v, "close", tr(v, "admin.close"));
    /* Forgot the pass: top right, apart from the kiosk's own settings. */
    int fw = m->target * 4 < m->w * 3 / 10 ? m->target * 4 : m->w * 3 / 10;
    button_sized(s, v, "manual", (SDL_Rect){m->w - m->margin - fw, m->margin, fw, m->target},
                 tr(v, "admin.manual"), BTN_PRIMARY, m->small * 13 / 10);
    /* The time, a button to set it (amber: not synchronised): left of "Pas
     * vergeten" in landscape; in portrait the header is too narrow and it goes
     * above the actions. */
    char hhmm[8], clk[48];
    lk_format_hhmm(v->wall_ms, hhmm, sizeof hhmm);
    const char *cvars[] = {"time", hhmm, NULL};
    i18n_format(v->tr, "clock.button", cvars, clk, sizeof clk);
    int cw = m->portrait ? 0 : tx - m->margin - m->gap; /* as wide as the way back */
    if (cw > 0) {
        button(s, v, "clock",
               (SDL_Rect){m->w - m->margin - fw - m->gap - cw, m->margin, cw, m->target}, clk,
               v->clock_unsynced ? BTN_AMBER : BTN_PANEL);
        fw += cw + m->gap; /* the title's room ends before both */
    }
    char busy[128] = "";
    if (v->exporting) {
        /* the USB export runs on its own thread: the screen says how far it is */
        char pct[16];
        snprintf(pct, sizeof pct, "%d", v->export_percent);
        const char *vars[] = {"percent", pct, NULL};
        i18n_format(v->tr, "admin.exporting", vars, busy, sizeof busy);
        text(s, busy, (SDL_Rect){tx, m->margin, m->w - tx - fw - m->gap - m->margin, m->target},
             m->small, true, C_AMBER, DRAW_LEFT, 2);
    } else if (f->notice[0]) {
        notice(s, f, v, (SDL_Rect){tx, m->margin, m->w - tx - fw - m->gap - m->margin, m->target});
    } else {
        text(s, tr(v, "admin.title"),
             (SDL_Rect){tx, m->margin, m->w - tx - fw - m->gap - m->margin, m->target}, m->med,
             true, C_TEXT, DRAW_LEFT, 2);
    }
    int top = m->margin + m->target + m->gap;
    int h = m->h - m->margin - top;
    SDL_Rect left, right;
    if (m->portrait) {
        left = (SDL_Rect){m->margin, top, m->w - 2 * m->margin, h * 55 / 100};
        right =
            (SDL_Rect){m->margin, top + left.h + m->gap, m->w - 2 * m->margin, h - left.h - m->gap};
    } else {
        int rw = (m->w - 2 * m->margin) * 38 / 100;
        left = (SDL_Rect){m->margin, top, m->w - 2 * m->margin - rw - m->margin, h};
        right = (SDL_Rect){m->w - m->margin - rw, top, rw, h};
    }
    /* Left: chart, then the events to choose from as a list of pages: "by time"
     * first, then each event with its dates; the event served now is marked. */
    size_t ne = v->cfg ? v->cfg->n_events : 0;
    int total = (int)ne + 1;
    int rh = m->target + m->gap / 2;
    int list_h = left.h * 58 / 100;
    int per_page = (list_h + m->gap) / (rh + m->gap);
    if (per_page < 1)
        per_page = 1;
    if (per_page > total)
        per_page = total;
    bool paged = total > per_page;
    f->event_pages = (total + per_page - 1) / per_page;
    if (f->event_page >= f->event_pages)
        f->event_page = 0;
    int ev_h = per_page * rh + (per_page - 1) * m->gap;
    chart(s, v, (SDL_Rect){left.x, left.y, left.w, left.h - ev_h - m->gap});
    int y = left.y + left.h - ev_h;
    int mw = paged ? m->target * 2 : 0;
    int lw = left.w - (paged ? mw + m->gap : 0);
    bool chosen_auto = !v->cfg || !v->cfg->event_id[0];
    for (int k = 0; k < per_page; k++) {
        int i = f->event_page * per_page + k;
        if (i >= total)
            break;
        SDL_Rect r = {left.x, y + k * (rh + m->gap), lw, rh};
        if (i == 0) {
            event_row(s, v, "event-auto", r, tr(v, "admin.auto_event"), "", chosen_auto, false);
            continue;
        }
        const config_event *e = &v->cfg->events[i - 1];
        char id[SCREENS_ID_MAX + 8], when[64];
        snprintf(id, sizeof id, "event-%d", i - 1);
        event_dates(v, e, when, sizeof when);
        bool chosen = !chosen_auto && strcmp(v->cfg->event_id, e->id) == 0;
        event_row(s, v, id, r, e->title, when, chosen, v->ev == e);
    }
    if (paged) {
        char page[48], a[12], b[12];
        snprintf(a, sizeof a, "%d", f->event_page + 1);
        snprintf(b, sizeof b, "%d", f->event_pages);
        const char *pv[] = {"page", a, "pages", b, NULL};
        i18n_format(v->tr, "admin.page", pv, page, sizeof page);
        SDL_Rect more = {left.x + left.w - mw, y, mw, m->target};
        button(s, v, "events-more", more, tr(v, "admin.more_events"), BTN_PANEL);
        text(s, page,
             (SDL_Rect){more.x, more.y + more.h + m->gap / 2, mw,
                        draw_line_height(s->d, m->small, false)},
             m->small, false, C_MUTED, DRAW_CENTER, 1);
    }
    /* Right: sync figures and the actions. */
    int sh = draw_line_height(s->d, m->small, false);
    char line[160], n[24], when[8];
    snprintf(n, sizeof n, "%lld", (long long)v->sync.queued);
    when[0] = '\0';
    if (v->sync.last_sync_ms > 0)
        lk_format_hhmm(v->sync.last_sync_ms, when, sizeof when);
    const char *vars[] = {"count", n, "time", when, NULL};
    y = right.y;
    text(s, tr(v, "admin.sync"), (SDL_Rect){right.x, y, right.w, sh}, m->small, true, C_TEXT,
         DRAW_LEFT, 1);
    y += sh;
    /* Several destinations (a school with its own LRS): the one that most needs a
     * look, named, so staff see which school's LRS is down; sync --status lists all. */
    const ui_dest *worst = v->n_dests > 1 ? &v->dest_worst : NULL;
    if (worst) {
        char one[128];
        status_line(v, &worst->st, one, sizeof one);
        snprintf(line, sizeof line, "%s: %s",
                 worst->issuer[0] ? worst->issuer : tr(v, "admin.sync_default"), one);
    } else {
        sync_line(v, line, sizeof line);
    }
    text(s, line, (SDL_Rect){right.x, y, right.w, sh}, m->small, false, C_MUTED, DRAW_LEFT, 1);
    y += sh;
    if (v->sync.last_sync_ms > 0)
        i18n_format(v->tr, "admin.sync_last", vars, line, sizeof line);
    else
        lk_strlcpy(line, tr(v, "admin.sync_never"), sizeof line);
    text(s, line, (SDL_Rect){right.x, y, right.w, sh}, m->small, false, C_MUTED, DRAW_LEFT, 1);
    y += sh;
    /* An internship day has check-outs an admin may undo or correct: a fifth action,
     * in portrait beside the clock. */
    bool outs = v->ev && v->ev->mode == CONFIG_MODE_CHECKIN_CHECKOUT;
    char outs_label[96];
    if (outs) {
        char n[24];
        snprintf(n, sizeof n, "%zu", v->n_co);
        const char *nv[] = {"count", n, NULL};
        i18n_format_n(v->tr, "checkouts.button", (long long)v->n_co, nv, outs_label,
                      sizeof outs_label);
    }
    if (cw == 0) {
        y += m->gap / 2;
        int hw = outs ? (right.w - m->gap) / 2 : right.w;
        button(s, v, "clock", (SDL_Rect){right.x, y, hw, m->target}, clk,
               v->clock_unsynced ? BTN_AMBER : BTN_PANEL);
        if (outs)
            button_sized(s, v, "checkouts", (SDL_Rect){right.x + hw + m->gap, y, hw, m->target},
                         outs_label, BTN_PANEL, m->small * 13 / 10);
        y += m->target + m->gap;
        outs = false; /* drawn */
    } else {
        y += m->gap;
    }
    static const char *const ids[5] = {"checkouts", "sync", "export", "lang", "leave"};
    static const char *const keys[5] = {"", "admin.sync_now", "admin.export", "admin.language",
                                        "admin.leave"};
    bool en = i18n_has_language(v->tr, "en");
    int n_act = 3 + en + outs;
    /* The actions in a column, or two a row where a portrait screen (a 7" screen
     * turned, 480x800) leaves too little height for them. */
    int room = right.y + right.h - y;
    int acols = m->portrait ? 2 : 1, arows = (n_act + acols - 1) / acols;
    int aw = (right.w - (acols - 1) * m->gap) / acols;
    int bh = (room - (arows - 1) * m->gap) / arows;
    if (bh > m->target * 3 / 2)
        bh = m->target * 3 / 2;
    if (bh < m->target)
        bh = m->target;
    for (int i = 0, slot = 0; i < 5; i++) {
        if ((i == 0 && !outs) || (i == 3 && !en))
            continue;
        SDL_Rect r = {right.x + (slot % acols) * (aw + m->gap), y + (slot / acols) * (bh + m->gap),
                      aw, bh};
        char label[96];
        if (i == 0)
            lk_strlcpy(label, outs_label, sizeof label);
        else
            lk_strlcpy(label,
                       i == 4 && f->leave_asked ? tr(v, "admin.leave_confirm") : tr(v, keys[i]),
                       sizeof label);
        button(s, v, ids[i], r, label, i == 4 ? BTN_DARK : BTN_PANEL);
        slot++;
    }
}

/* --- forgot the pass --------------------------------------------------------------- */

/* Letters narrow the roster down; each student found is a button with first name
 * and group; a tap checks them in by hand. */
static void manual(ui_screens *s, flow *f, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    int tx = back_button(s, v, "close", tr(v, "manual.close"));
    text(s, tr(v, "manual.title"), (SDL_Rect){tx, m->margin, m->w - tx - m->margin, m->target},
         m->med, true, C_TEXT, DRAW_LEFT, 2);
    int y = m->margin + m->target + m->gap;
    int lh = draw_line_height(s->d, m->med, true);
    /* What was typed, or how to start. */
    char line[160];
    if (f->text[0])
        snprintf(line, sizeof line, "%s_", f->text);
    else
        lk_strlcpy(line, tr(v, "manual.hint"), sizeof line);
    text(s, line, (SDL_Rect){m->margin, y, m->w - 2 * m->margin, lh}, m->med, f->text[0] != 0,
         f->text[0] ? C_TEXT : C_MUTED, DRAW_LEFT, 1);
    y += lh + m->gap / 2;
    /* The students found: one row of buttons. */
    int rh = m->target * 5 / 4;
    size_t shown = f->manual_n < FLOW_MANUAL_SHOWN ? f->manual_n : FLOW_MANUAL_SHOWN;
    int cols = FLOW_MANUAL_SHOWN;
    int cw = (m->w - 2 * m->margin - (cols - 1) * m->gap) / cols;
    if (shown == 0) {
        text(s, tr(v, "manual.none"), (SDL_Rect){m->margin, y, m->w - 2 * m->margin, rh}, m->small,
             false, C_MUTED, DRAW_LEFT, 2);
    }
    for (size_t i = 0; i < shown; i++) {
        char id[16], label[200];
        snprintf(id, sizeof id, "pick-%zu", i);
        const store_person *p = &f->manual[i];
        if (p->group[0])
            snprintf(label, sizeof label, "%s · %s", p->first_name, p->group);
        else
            lk_strlcpy(label, p->first_name, sizeof label);
        button_sized(s, v, id, (SDL_Rect){m->margin + (int)i * (cw + m->gap), y, cw, rh}, label,
                     BTN_PRIMARY, m->small * 13 / 10);
    }
    y += rh + m->gap / 2;
    if (f->manual_n > FLOW_MANUAL_SHOWN) {
        int sh = draw_line_height(s->d, m->small, false);
        text(s, tr(v, "manual.more"), (SDL_Rect){m->margin, y, m->w - 2 * m->margin, sh}, m->small,
             false, C_MUTED, DRAW_LEFT, 1);
        y += sh;
    }
    y += m->gap / 2;
    /* Letters and erase, as the reflection's keyboard. */
    search_keys(s, v, (SDL_Rect){m->margin, y, m->w - 2 * m->margin, m->h - m->margin - y});
}

/* --- clock --------------------------------------------------------------------------- */

/* The date and time to set, as dd-mm-yyyy hh:mm, with a day, an hour, ten minutes
 * and a minute back or on; "Opslaan" sets the system clock. */
static void clock_screen(ui_screens *s, flow *f, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    int tx = back_button(s, v, "close", tr(v, "admin.close"));
    text(s, tr(v, "clock.title"), (SDL_Rect){tx, m->margin, m->w - tx - m->margin, m->target},
         m->med, true, C_TEXT, DRAW_LEFT, 1);
    int y = m->margin + m->target + m->gap;
    int sh = draw_line_height(s->d, m->small, false);
    text(s, tr(v, v->clock_unsynced ? "clock.state_unsynced" : "clock.state_synced"),
         (SDL_Rect){m->margin, y, m->w - 2 * m->margin, sh * 2}, m->small, false,
         v->clock_unsynced ? C_AMBER : C_MUTED, DRAW_CENTER, 2);
    y += sh * 2 + m->gap / 2;
    int64_t show = v->wall_ms + f->clock_delta_ms;
    time_t t = (time_t)(show / 1000);
    struct tm tm;
    char when[40] = "";
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%d-%m-%Y  %H:%M", &tm);
    int lh = draw_line_height(s->d, m->big, true);
    text(s, when, (SDL_Rect){m->margin, y, m->w - 2 * m->margin, lh}, m->big, true, C_TEXT,
         DRAW_CENTER, 1);
    y += lh + m->gap;
    /* Four steps, each "-  label  +": two a row in landscape, one in portrait. */
    static const char *const keys[4] = {"clock.day", "clock.hour", "clock.10min", "clock.min"};
    static const char *const ids[4][2] = {{"clock-day-", "clock-day+"},
                                          {"clock-hour-", "clock-hour+"},
                                          {"clock-10min-", "clock-10min+"},
                                          {"clock-min-", "clock-min+"}};
    int cols = m->portrait ? 1 : 2, rows = 4 / cols;
    int save_h = m->target;
    int room = m->h - m->margin - save_h - m->gap - y;
    int rh = (room - (rows - 1) * m->gap) / rows;
    if (rh > m->target * 3 / 2)
        rh = m->target * 3 / 2;
    if (rh < m->target)
        rh = m->target;
    int cw = (m->w - 2 * m->margin - (cols - 1) * m->gap * 2) / cols;
    for (int i = 0; i < 4; i++) {
        int cx = m->margin + (i % cols) * (cw + m->gap * 2), cy = y + (i / cols) * (rh + m->gap);
        int pw = rh * 3 / 2 < cw / 3 ? rh * 3 / 2 : cw / 3;
        button(s, v, ids[i][0], (SDL_Rect){cx, cy, pw, rh}, "\xe2\x80\x93",
               BTN_PANEL); /* an en dash: the font has no minus sign */
        text(s, tr(v, keys[i]), (SDL_Rect){cx + pw + m->gap, cy, cw - 2 * pw - 2 * m->gap, rh},
             m->small, true, C_TEXT, DRAW_CENTER, 1);
        button(s, v, ids[i][1], (SDL_Rect){cx + cw - pw, cy, pw, rh}, "+", BTN_PANEL);
    }
    int sw = m->w / 2 < m->target * 5 ? m->w / 2 : m->target * 5;
    button(s, v, "clock-save", (SDL_Rect){(m->w - sw) / 2, m->h - m->margin - save_h, sw, save_h},
           tr(v, "clock.save"), BTN_PRIMARY);
}

/* --- check-outs: undo or correct (admin) ---------------------------------------------- */

/* The student as the host screen names them: roster first name, else the
 * pseudonymous id. */
static void student_name(const ui_view *v, const char *first_name, const char *subject, char *buf,
                         size_t len)
{
    const char *vars[] = {"subject", subject, NULL};
    if (first_name[0])
        lk_strlcpy(buf, first_name, len);
    else
        i18n_format(v->tr, "host.student", vars, buf, len);
}

/* "Terug" and a title; returns where the content starts. */
static int co_header(ui_screens *s, const ui_view *v, const char *title, const char *sub)
{
    const ui_metrics *m = &s->m;
    int tx = back_button(s, v, "close", tr(v, "admin.close"));
    int tw = m->w - tx - m->margin;
    int lm = draw_line_height(s->d, m->med, true), ls = draw_line_height(s->d, m->small, false);
    if (sub && sub[0] && lm + ls <= m->target) {
        int pad = (m->target - lm - ls) / 2;
        text(s, title, (SDL_Rect){tx, m->margin + pad, tw, lm}, m->med, true, C_TEXT, DRAW_LEFT, 1);
        text(s, sub, (SDL_Rect){tx, m->margin + pad + lm, tw, ls}, m->small, false, C_MUTED,
             DRAW_LEFT, 1);
    } else {
        text(s, title, (SDL_Rect){tx, m->margin, tw, m->target}, m->med, true, C_TEXT, DRAW_LEFT,
             2);
    }
    return m->margin + m->target + m->gap;
}

/* Today's check-outs at the event, newest first, a page at a time: each row a button
 * (times, name, group, hours) that opens it. A notice says what the last change did. */
static void checkouts(ui_screens *s, flow *f, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    int top = co_header(s, v, tr(v, "checkouts.title"), v->ev ? v->ev->title : "");
    int nh = m->target;
    if (f->notice[0]) {
        notice(s, f, v, (SDL_Rect){m->margin, top, m->w - 2 * m->margin, nh});
        top += nh + m->gap / 2;
    }
    int area_h = m->h - m->margin - top;
    int rh = m->target + m->gap / 2;
    int per_page = (area_h + m->gap) / (rh + m->gap);
    if (per_page < 1)
        per_page = 1;
    bool paged = (int)v->n_co > per_page;
    if (paged) {
        per_page = (area_h - m->target) / (rh + m->gap);
        if (per_page < 1)
            per_page = 1;
    }
    f->co_pages = v->n_co == 0 ? 1 : (int)((v->n_co + (size_t)per_page - 1) / (size_t)per_page);
    if (f->co_page >= f->co_pages)
        f->co_page = 0;
    if (v->n_co == 0) {
        text(s, tr(v, "checkouts.empty"), (SDL_Rect){m->margin, top, m->w - 2 * m->margin, area_h},
             m->med, false, C_MUTED, DRAW_CENTER, 3);
        return;
    }
    int tw = 0;
    draw_measure(s->d,
                 "00:00\xE2\x80\x93"
                 "00:00",
                 m->small, false, &tw, NULL);
    tw += m->gap;
    for (int i = 0; i < per_page; i++) {
        size_t k = (size_t)f->co_page * (size_t)per_page + (size_t)i;
        if (k >= v->n_co)
            break;
        size_t idx = v->co_order[k];
        const ui_host_row *r = &v->rows[idx];
        int y = top + i * (rh + m->gap);
        SDL_Rect row = {m->margin, y, m->w - 2 * m->margin, rh};
        char id[32], name[160], when[24], in[8], out[8], dur[96], info[200];
        snprintf(id, sizeof id, "co-%zu", idx);
        add_button(s, id, row);
        draw_round_rect(s->d, row, m->radius, pressed(v, id) ? C_PANEL_HI : C_PANEL);
        student_name(v, r->first_name, r->subject, name, sizeof name);
        lk_format_hhmm(r->checkin_ms, in, sizeof in);
        lk_format_hhmm(r->checkout_ms, out, sizeof out);
        snprintf(when, sizeof when, "%s\xE2\x80\x93%s", in, out);
        duration_text(v, r->checkout_ms - r->checkin_ms, dur, sizeof dur);
        snprintf(info, sizeof info, "%s%s%s", r->group, r->group[0] ? " \xC2\xB7 " : "", dur);
        text(s, when, (SDL_Rect){row.x + m->gap, y, tw, rh}, m->small, false, C_MUTED, DRAW_LEFT,
             1);
        SDL_Rect nb = {row.x + m->gap + tw, y, row.w - tw - 2 * m->gap, rh};
        int ns = m->med, ls = draw_line_height(s->d, m->small, false);
        int lm = draw_line_height(s->d, ns, true);
        if (lm + ls > rh) {
            ns = m->small;
            lm = draw_line_height(s->d, ns, true);
        }
        int pad = (rh - lm - ls) / 2 > 0 ? (rh - lm - ls) / 2 : 0;
        text(s, name, (SDL_Rect){nb.x, y + pad, nb.w, lm}, ns, true, C_TEXT, DRAW_LEFT, 1);
        text(s, info, (SDL_Rect){nb.x, y + pad + lm, nb.w, rh - pad - lm}, m->small, false, C_MUTED,
             DRAW_LEFT, 1);
    }
    if (paged) {
        int mw = m->target * 3;
        SDL_Rect mb = {(m->w - mw) / 2, m->h - m->margin - m->target, mw, m->target};
        button(s, v, "co-more", mb, tr(v, "host.more"), BTN_PANEL);
        char page[48], a[12], b[12];
        snprintf(a, sizeof a, "%d", f->co_page + 1);
        snprintf(b, sizeof b, "%d", f->co_pages);
        const char *pv[] = {"page", a, "pages", b, NULL};
        i18n_format(v->tr, "admin.page", pv, page, sizeof page);
        text(s, page,
             (SDL_Rect){mb.x + mb.w + m->gap, mb.y, m->w - m->margin - mb.x - mb.w - m->gap, mb.h},
             m->small, false, C_MUTED, DRAW_LEFT, 1);
    }
}

/* The student and the times of the check-out being changed, centred at y; returns
 * the y below. */
static int co_summary(ui_screens *s, const flow *f, const ui_view *v, int y, int64_t out_ms)
{
    const ui_metrics *m = &s->m;
    char name[200], who[300], in[8], out[8], dur[96], line[240];
    student_name(v, f->co.first_name, f->co.subject, name, sizeof name);
    if (f->co.group[0])
        snprintf(who, sizeof who, "%s \xC2\xB7 %s", name, f->co.group);
    else
        lk_strlcpy(who, name, sizeof who);
    int lm = draw_line_height(s->d, m->med, true), ls = draw_line_height(s->d, m->small, false);
    text(s, who, (SDL_Rect){m->margin, y, m->w - 2 * m->margin, lm}, m->med, true, C_TEXT,
         DRAW_CENTER, 1);
    y += lm;
    lk_format_hhmm(f->co.checkin_ms, in, sizeof in);
    lk_format_hhmm(out_ms, out, sizeof out);
    duration_text(v, out_ms - f->co.checkin_ms, dur, sizeof dur);
    const char *vars[] = {"in", in, "out", out, "duration", dur, NULL};
    i18n_format(v->tr, "checkouts.times", vars, line, sizeof line);
    text(s, line, (SDL_Rect){m->margin, y, m->w - 2 * m->margin, ls * 2}, m->small, false, C_MUTED,
         DRAW_CENTER, 2);
    return y + ls * 2;
}

/* One check-out: undo it (asked once: the student is checked in again) or change
 * its time. */
static void checkout_edit(ui_screens *s, flow *f, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    int y = co_header(s, v, tr(v, "checkouts.edit_title"), v->ev ? v->ev->title : "");
    y = co_summary(s, f, v, y, f->co.checkout_ms) + m->gap;
    int bw = m->w - 2 * m->margin;
    if (bw > m->target * 9)
        bw = m->target * 9;
    int bh = m->target * 5 / 4;
    int ls = draw_line_height(s->d, m->small, false);
    int room = m->h - m->margin - y;
    int need = 2 * bh + ls * 2 + 2 * m->gap;
    if (room > need)
        y += (room - need) / 2;
    int x = (m->w - bw) / 2;
    button(s, v, "co-undo", (SDL_Rect){x, y, bw, bh},
           tr(v, f->co_asked ? "checkouts.undo_ask" : "checkouts.undo"),
           f->co_asked ? BTN_SELECTED : BTN_AMBER);
    y += bh;
    text(s, tr(v, "checkouts.undo_hint"), (SDL_Rect){x, y, bw, ls * 2}, m->small, false, C_MUTED,
         DRAW_CENTER, 2);
    y += ls * 2 + m->gap;
    button(s, v, "co-time", (SDL_Rect){x, y, bw, bh}, tr(v, "checkouts.time"), BTN_PANEL);
}

/* The corrected time, an hour, ten minutes or a minute back or on; "Opslaan" asks
 * once with the time. */
static void checkout_time(ui_screens *s, flow *f, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    int y = co_header(s, v, tr(v, "checkouts.time_title"), "");
    y = co_summary(s, f, v, y, f->co_time_ms);
    char hhmm[8], in[8], line[200];
    lk_format_hhmm(f->co_time_ms, hhmm, sizeof hhmm);
    int lh = draw_line_height(s->d, m->big, true);
    text(s, hhmm, (SDL_Rect){m->margin, y, m->w - 2 * m->margin, lh}, m->big, true,
         f->co_time_ms != f->co.checkout_ms ? C_GREEN_HI : C_TEXT, DRAW_CENTER, 1);
    y += lh;
    lk_format_hhmm(f->co.checkin_ms, in, sizeof in);
    const char *hv[] = {"in", in, NULL};
    i18n_format(v->tr, "checkouts.time_hint", hv, line, sizeof line);
    int ls = draw_line_height(s->d, m->small, false);
    text(s, line, (SDL_Rect){m->margin, y, m->w - 2 * m->margin, ls}, m->small, false, C_MUTED,
         DRAW_CENTER, 1);
    y += ls + m->gap / 2;
    /* Three steps, each "-  label  +": in a row when wide, else under each other. */
    static const char *const keys[3] = {"clock.hour", "clock.10min", "clock.min"};
    static const char *const ids[3][2] = {
        {"co-hour-", "co-hour+"}, {"co-10min-", "co-10min+"}, {"co-min-", "co-min+"}};
    int save_h = m->target;
    int room = m->h - m->margin - save_h - m->gap - y;
    int cols = m->portrait ? 1 : 3, rows = 3 / cols;
    int rh = (room - (rows - 1) * m->gap) / rows;
    if (rh > m->target * 3 / 2)
        rh = m->target * 3 / 2;
    if (rh < m->target)
        rh = m->target;
    y += (room - (rows * rh + (rows - 1) * m->gap)) / 2;
    int total_w = m->w - 2 * m->margin;
    int cw = (total_w - (cols - 1) * m->gap * 2) / cols;
    int x0 = m->margin;
    for (int i = 0; i < 3; i++) {
        int cx = x0 + (i % cols) * (cw + m->gap * 2), cy = y + (i / cols) * (rh + m->gap);
        int pw = rh * 5 / 4 < cw * 3 / 10 ? rh * 5 / 4 : cw * 3 / 10;
        if (pw < m->target)
            pw = m->target;
        button(s, v, ids[i][0], (SDL_Rect){cx, cy, pw, rh}, "\xe2\x80\x93", BTN_PANEL);
        text(s, tr(v, keys[i]), (SDL_Rect){cx + pw + m->gap / 2, cy, cw - 2 * pw - m->gap, rh},
             m->small, true, C_TEXT, DRAW_CENTER, 2);
        button(s, v, ids[i][1], (SDL_Rect){cx + cw - pw, cy, pw, rh}, "+", BTN_PANEL);
    }
    char save[96];
    const char *sv[] = {"time", hhmm, NULL};
    i18n_format(v->tr, f->co_asked ? "checkouts.save_ask" : "checkouts.save", sv, save,
                sizeof save);
    int sw = m->w - 2 * m->margin < m->target * 6 ? m->w - 2 * m->margin : m->target * 6;
    bool changed = f->co_time_ms != f->co.checkout_ms;
    button(s, v, "co-save", (SDL_Rect){(m->w - sw) / 2, m->h - m->margin - save_h, sw, save_h},
           save,
           !changed      ? BTN_GHOST
           : f->co_asked ? BTN_SELECTED
                         : BTN_PRIMARY);
}

/* --- host ---------------------------------------------------------------------------- */

static void host(ui_screens *s, flow *f, const ui_view *v)
{
    const ui_metrics *m = &s->m;
    fill(s, C_BG);
    int bw = m->target * 3 < m->w / 4 ? m->target * 3 : m->w / 4;
    button(s, v, "close", (SDL_Rect){m->margin, m->margin, bw, m->target}, tr(v, "host.close"),
           BTN_GHOST);
    int aw = m->target * 5 < m->w * 35 / 100 ? m->target * 5 : m->w * 35 / 100;
    size_t open = 0;
    for (size_t i = 0; i < v->n_rows; i++)
        open += !v->rows[i].confirmed;
    if (f->undo_until_ms) {
        /* a minute after "Bevestig iedereen": take it back */
        button(s, v, "undo", (SDL_Rect){m->w - m->margin - aw, m->margin, aw, m->target},
               tr(v, "host.undo"), BTN_AMBER);
    } else if (open > 0) {
        /* all of today's open rows, also on pages not seen: say how many, ask once */
        char label[96], n[24];
        snprintf(n, sizeof n, "%zu", open);
        const char *nv[] = {"count", n, NULL};
        if (f->confirm_all_asked)
            i18n_format_n(v->tr, "host.confirm_all_ask", (long long)open, nv, label, sizeof label);
        else
            i18n_format_n(v->tr, "host.confirm_all", (long long)open, nv, label, sizeof label);
        button(s, v, "confirm-all", (SDL_Rect){m->w - m->margin - aw, m->margin, aw, m->target},
               label, f->confirm_all_asked ? BTN_SELECTED : BTN_PRIMARY);
    }
    int tx = m->margin + bw + m->gap;
    int tw_head = m->w - m->margin - aw - m->gap - tx;
    int lh_med = draw_line_height(s->d, m->med, true), ls = draw_line_height(s->d, m->small, false);
    int top = m->margin + m->target + m->gap;
    int hy = m->margin;
    if (m->portrait) {
        /* narrow: the title and the event get a row of their own below the buttons */
        tx = m->margin;
        tw_head = m->w - 2 * m->margin;
        hy = top - m->gap / 2;
        top = hy + lh_med + ls + m->gap;
    }
    text(s, tr(v, "host.title"), (SDL_Rect){tx, hy, tw_head, lh_med}, m->med, true, C_TEXT,
         DRAW_CENTER, 1);
    if (v->ev)
        text(s, v->ev->title, (SDL_Rect){tx, hy + lh_med, tw_head, ls}, m->small, false, C_MUTED,
             DRAW_CENTER, 1);
    int area_h = m->h - m->margin - top;
    int rh = m->target + m->gap / 2;
    int per_page = area_h / (rh + m->gap / 2);
    if (per_page < 1)
        per_page = 1;
    bool paged = (int)v->n_rows > per_page;
    if (paged && per_page > 1)
        per_page--;
    f->host_pages =
        v->n_rows == 0 ? 1 : (int)((v->n_rows + (size_t)per_page - 1) / (size_t)per_page);
    if (f->host_page >= f->host_pages)
        f->host_page = 0;
    if (v->n_rows == 0) {
        text(s, tr(v, "host.empty"), (SDL_Rect){m->margin, top, m->w - 2 * m->margin, area_h},
             m->med, false, C_MUTED, DRAW_CENTER, 3);
        return;
    }
    int cw = m->target * 4 < m->w * 3 / 10 ? m->target * 4 : m->w * 3 / 10;
    int tw = 0;
    draw_measure(s->d,
                 "00:00\xE2\x80\x93"
                 "00:00",
                 m->small, false, &tw, NULL);
    tw += m->gap;
    for (int i = 0; i < per_page; i++) {
        size_t idx = (size_t)f->host_page * (size_t)per_page + (size_t)i;
        if (idx >= v->n_rows)
            break;
        const ui_host_row *r = &v->rows[idx];
        int y = top + i * (rh + m->gap / 2);
        SDL_Rect row = {m->margin, y, m->w - 2 * m->margin, rh};
        draw_round_rect(s->d, row, m->radius, C_PANEL);
        char name[160], when[24], in[8], out[8], info[200], dur[96];
        const char *vars[] = {"subject", r->subject, NULL};
        if (r->first_name[0])
            lk_strlcpy(name, r->first_name, sizeof name);
        else
            i18n_format(v->tr, "host.student", vars, name, sizeof name);
        /* check-in and check-out times, the group and the hours */
        lk_format_hhmm(r->checkin_ms, in, sizeof in);
        if (r->checkout_ms > 0) {
            lk_format_hhmm(r->checkout_ms, out, sizeof out);
            snprintf(when, sizeof when, "%s\xE2\x80\x93%s", in, out);
            duration_text(v, r->checkout_ms - r->checkin_ms, dur, sizeof dur);
        } else {
            lk_strlcpy(when, in, sizeof when);
            dur[0] = '\0';
        }
        snprintf(info, sizeof info, "%s%s%s", r->group, r->group[0] && dur[0] ? " \xC2\xB7 " : "",
                 dur);
        text(s, when, (SDL_Rect){row.x + m->gap, y, tw, rh}, m->small, false, C_MUTED, DRAW_LEFT,
             1);
        SDL_Rect nb = {row.x + m->gap + tw, y, row.w - tw - cw - 3 * m->gap, rh};
        if (info[0]) {
            int ns = m->med, ls = draw_line_height(s->d, m->small, false);
            int lm = draw_line_height(s->d, ns, true);
            if (lm + ls > rh) { /* tall type on a narrow screen: the name a size smaller */
                ns = m->small;
                lm = draw_line_height(s->d, ns, true);
            }
            int top_pad = (rh - lm - ls) / 2;
            if (top_pad < 0)
                top_pad = 0;
            text(s, name, (SDL_Rect){nb.x, y + top_pad, nb.w, lm}, ns, true, C_TEXT, DRAW_LEFT, 1);
            text(s, info, (SDL_Rect){nb.x, y + top_pad + lm, nb.w, rh - top_pad - lm}, m->small,
                 false, C_MUTED, DRAW_LEFT, 1);
        } else {
            text(s, name, nb, m->med, true, C_TEXT, DRAW_LEFT, 1);
        }
        SDL_Rect act = {row.x + row.w - cw - m->gap / 4, y + m->gap / 4, cw, rh - m->gap / 2};
        if (r->confirmed) {
            int is = act.h * 7 / 10;
            badge(s, DRAW_ICON_TICK, act.x + is / 2, act.y + act.h / 2, is, C_GREEN, C_WHITE);
            text(s, tr(v, "host.confirmed"),
                 (SDL_Rect){act.x + is + m->gap / 2, act.y, act.w - is - m->gap / 2, act.h},
                 m->small, true, C_GREEN_HI, DRAW_LEFT, 1);
        } else {
            char id[32];
            snprintf(id, sizeof id, "confirm-%zu", idx);
            button(s, v, id, act, tr(v, "host.confirm"), BTN_PRIMARY);
        }
    }
    if (paged) {
        int mw = m->target * 3;
        SDL_Rect mb = {(m->w - mw) / 2, m->h - m->margin - m->target, mw, m->target};
        button(s, v, "more", mb, tr(v, "host.more"), BTN_PANEL);
        char page[48], a[12], b[12];
        snprintf(a, sizeof a, "%d", f->host_page + 1);
        snprintf(b, sizeof b, "%d", f->host_pages);
        const char *pv[] = {"page", a, "pages", b, NULL};
        i18n_format(v->tr, "admin.page", pv, page, sizeof page);
        text(s, page,
             (SDL_Rect){mb.x + mb.w + m->gap, mb.y, m->w - m->margin - mb.x - mb.w - m->gap, mb.h},
             m->small, false, C_MUTED, DRAW_LEFT, 1);
    }
}

/* --- dispatch ----------------------------------------------------------------------- */

void screens_draw(ui_screens *s, flow *f, const ui_view *v, int w, int h)
{
    if (!s || !f || !v)
        return;
    s->m = screens_metrics(w, h);
    s->n_buttons = 0;
    s->has_preview = false;
    draw_begin(s->d, w, h);
    switch (f->screen) {
    case FLOW_IDLE:
        idle(s, f, v);
        break;
    case FLOW_WELCOME:
        welcome(s, f, v);
        break;
    case FLOW_REFUSAL:
        refusal(s, f, v);
        break;
    case FLOW_REFLECTION:
        reflection(s, f, v);
        if (f->warned)
            warn_overlay(s, v);
        break;
    case FLOW_DONE:
        done(s, f, v);
        break;
    case FLOW_ERROR:
        error_screen(s, f, v);
        break;
    case FLOW_PIN:
        pin_screen(s, f, v);
        break;
    case FLOW_ADMIN:
        admin(s, f, v);
        break;
    case FLOW_HOST:
        host(s, f, v);
        break;
    case FLOW_CONFIRM_OUT:
        confirm_out(s, f, v);
        break;
    case FLOW_MANUAL:
        manual(s, f, v);
        break;
    case FLOW_CLOCK:
        clock_screen(s, f, v);
        break;
    case FLOW_CHECKOUTS:
        checkouts(s, f, v);
        break;
    case FLOW_CHECKOUT_EDIT:
        checkout_edit(s, f, v);
        break;
    case FLOW_CHECKOUT_TIME:
        checkout_time(s, f, v);
        break;
    case FLOW_SCREEN_COUNT:
        break;
    }
}

bool screens_draw_preview(ui_screens *s, const ui_view *v)
{
    if (!s || !v || !s->has_preview || v->camera != FRAMESRC_OK || !v->preview)
        return false;
    preview(s, v, s->preview_box, true);
    return true;
}

const char *screens_hit(const ui_screens *s, int x, int y)
{
    if (!s)
        return NULL;
    SDL_Point p = {x, y};
    /* Buttons are not nested, except the welcome screen's full-screen "next",
     * which is recorded last: the first match wins. */
    for (size_t i = 0; i < s->n_buttons; i++)
        if (SDL_PointInRect(&p, &s->buttons[i].r))
            return s->buttons[i].id;
    return NULL;
}

const ui_button *screens_find(const ui_screens *s, const char *id)
{
    for (size_t i = 0; s && id && i < s->n_buttons; i++)
        if (strcmp(s->buttons[i].id, id) == 0)
            return &s->buttons[i];
    return NULL;
}

size_t screens_check_targets(const ui_screens *s, FILE *report)
{
    if (!s)
        return 0;
    size_t faults = 0;
    SDL_Rect screen = {0, 0, s->m.w, s->m.h};
    /* 9 mm at the 7" display's density (about 5.2 px/mm), 2 mm apart. */
    int min_side = 47, min_gap = 10;
    for (size_t i = 0; i < s->n_buttons; i++) {
        const ui_button *a = &s->buttons[i];
        SDL_Rect in;
        if (a->r.w < min_side || a->r.h < min_side) {
            faults++;
            if (report)
                fprintf(report, "target: %s is %dx%d, smaller than %d px\n", a->id, a->r.w, a->r.h,
                        min_side);
        }
        if (!SDL_IntersectRect(&a->r, &screen, &in) || in.w != a->r.w || in.h != a->r.h) {
            faults++;
            if (report)
                fprintf(report, "target: %s leaves the screen\n", a->id);
        }
        if (strcmp(a->id, "next") == 0)
            continue;
        for (size_t j = i + 1; j < s->n_buttons; j++) {
            const ui_button *b = &s->buttons[j];
            if (strcmp(b->id, "next") == 0)
                continue;
            SDL_Rect grown = {a->r.x - min_gap + 1, a->r.y - min_gap + 1, a->r.w + 2 * min_gap - 2,
                              a->r.h + 2 * min_gap - 2};
            if (SDL_HasIntersection(&grown, &b->r)) {
                faults++;
                if (report)
                    fprintf(report, "target: %s and %s are closer than %d px\n", a->id, b->id,
                            min_gap);
            }
        }
    }
    return faults;
}
