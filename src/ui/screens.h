/* The kiosk's screens drawn from plain data: a flow (which screen, which answers)
 * and a view (event, counts, camera, sync, host rows, textures). Layout is
 * computed from the window size each frame; every button drawn is recorded so a
 * tap is matched against exactly what the person saw. */
#ifndef LOBKIOSK_UI_SCREENS_H
#define LOBKIOSK_UI_SCREENS_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

#include "lobkiosk/config.h"
#include "lobkiosk/framesrc.h"
#include "lobkiosk/i18n.h"
#include "lobkiosk/sync.h"
#include "ui/draw.h"
#include "ui/flow.h"

#define SCREENS_MAX_BUTTONS 64
#define SCREENS_ID_MAX 24

/* A touch target as drawn in the last frame. */
typedef struct ui_button {
    char id[SCREENS_ID_MAX]; /* flow_tap id */
    SDL_Rect r;              /* where it was drawn */
} ui_button;

/* One row of the host screen. */
typedef struct ui_host_row {
    int64_t experience_id;            /* store row */
    char first_name[64];              /* from the roster, "" = unknown (screen only) */
    char issuer[LK_ISSUER_MAX + 1];   /* student's issuer */
    char subject[LK_SUBJECT_MAX + 1]; /* student's subject */
    char checkin_uuid[37];            /* statement id of the check-in */
    char checkout_uuid[37];           /* statement id of the check-out, "" = none */
    int64_t checkin_ms;               /* check-in time */
    int64_t checkout_ms;              /* check-out time, 0 = still here */
    char group[64];                   /* roster group (klas), "" = unknown */
    bool confirmed;                   /* already confirmed */
} ui_host_row;

/* One destination of the sync, for the admin screen when there are several. */
typedef struct ui_dest {
    char issuer[LK_ISSUER_MAX + 1]; /* the school with its own LRS, "" = the default */
    sync_status st;                 /* its state and its own queue */
} ui_dest;

/* Everything a screen shows besides the flow. All pointers borrowed. */
typedef struct ui_view {
    i18n *tr;                      /* texts */
    const config *cfg;             /* kiosk.ini */
    const config_event *ev;        /* the event served now, NULL = none */
    int count_today;               /* check-ins today at ev */
    bool has_camera;               /* a camera source is configured */
    framesrc_state camera;         /* its state */
    sync_status sync;              /* sync snapshot */
    ui_dest dest_worst;            /* of several destinations, the one that most needs a
                                      look (admin; sync --status lists them all) */
    size_t n_dests;                /* destinations (0 or 1: dest_worst not shown) */
    bool clock_unsynced;           /* the system clock is not synchronised */
    int64_t wall_ms;               /* the wall clock at this frame (admin, clock screens) */
    int per_hour[24];              /* check-ins per local hour today (admin) */
    const ui_host_row *rows;       /* host rows */
    size_t n_rows;                 /* number of host rows */
    const size_t *co_order;        /* rows checked out, newest check-out first (admin) */
    size_t n_co;                   /* how many */
    SDL_Texture *preview;          /* camera preview texture, NULL = none yet */
    int preview_w, preview_h;      /* its frame size */
    bool code_seen;                /* a code outline to draw */
    SDL_FPoint corners[4];         /* its corners in frame pixels */
    SDL_Texture *qr;               /* done-screen QR texture, NULL = none */
    const char *pressed;           /* id of the button held down now, NULL = none */
    int64_t done_wall_ms;          /* wall-clock time the done screen's answers were queued */
    int64_t done_quarantined;      /* sync.quarantined then */
    bool exporting;                /* the admin's USB export runs on its own thread */
    int export_percent;            /* how far it is, 0..100 */
} ui_view;

/* Sizes that follow the screen. */
typedef struct ui_metrics {
    int w, h;            /* window */
    bool portrait;       /* taller than wide */
    int big, med, small; /* three type sizes (big >= 8% of the height) */
    int target;          /* smallest touch target side (>= 9 mm on a 7" 800x480) */
    int gap;             /* space between targets (>= 2 mm) */
    int margin;          /* space along the edges */
    int radius;          /* corner radius */
} ui_metrics;

/* The i18n key of what the done screen may truly say about where the student's
 * statements are: "done.saved" (in the dossier: the LRS accepted everything queued
 * up to done_wall_ms, and refused none since), "done.saved_queued" (on the kiosk,
 * sending), "done.saved_later" (on the kiosk, sending fails now) or
 * "done.saved_local" (on the kiosk, no LRS: the school exports it). */
const char *screens_done_key(const ui_view *v);

/* Metrics of a w x h screen. */
ui_metrics screens_metrics(int w, int h);

typedef struct ui_screens {
    draw *d;                                /* borrowed */
    ui_metrics m;                           /* this frame */
    ui_button buttons[SCREENS_MAX_BUTTONS]; /* this frame's targets */
    size_t n_buttons;                       /* used */
    bool has_preview;                       /* this frame is idle with a camera preview */
    SDL_Rect preview_box;                   /* where the preview was drawn */
} ui_screens;

/* Draws the flow's screen into the renderer behind s->d (not presented). f is
 * written only to store the host screen's page count. */
void screens_draw(ui_screens *s, flow *f, const ui_view *v, int w, int h);

/* Redraws only the camera preview of the last frame (idle with a camera) in place:
 * the picture, the outline of a seen code and the viewfinder. The rest of the
 * screen is left as it is, so a new camera frame costs only its own rectangle.
 * Returns false (nothing drawn) when the last frame had no preview or the camera
 * is not delivering frames (its message is a text: that takes a full frame). */
bool screens_draw_preview(ui_screens *s, const ui_view *v);

/* The id of the button under (x, y) in the last frame, or NULL. */
const char *screens_hit(const ui_screens *s, int x, int y);

/* The button with this id in the last frame, or NULL. */
const ui_button *screens_find(const ui_screens *s, const char *id);

/* Checks that the last frame's buttons are at least the target size, inside
 * the screen and not overlapping. Prints faults to report; returns how many. */
size_t screens_check_targets(const ui_screens *s, FILE *report);

#endif
