/* Inside the kiosk program: the state the UI thread keeps, shared by kiosk.c (the
 * composition root: set-up, loop, teardown), kiosk_effects.c (what the flow's
 * effects do: the store, the event followed, status), kiosk_render.c (frames, the
 * done-screen QR, the preview), kiosk_input.c (mouse, fingers, scanners) and
 * kiosk_script.c (the test driver). Everything here runs on the UI thread only. */
#ifndef LOBKIOSK_UI_KIOSK_INT_H
#define LOBKIOSK_UI_KIOSK_INT_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lobkiosk/checkin.h"
#include "lobkiosk/evdev.h"
#include "lobkiosk/i18n.h"
#include "lobkiosk/reflection.h"
#include "lobkiosk/scanner.h"
#include "lobkiosk/store.h"
#include "lobkiosk/export.h"
#include "lobkiosk/sync.h"
#include "lobkiosk/wedge.h"
#include "ui/draw.h"
#include "ui/flow.h"
#include "ui/kiosk.h"
#include "ui/preview.h"
#include "ui/screens.h"
#include "ui/service.h"
#include "ui/sound.h"

#define STATUS_EVERY_MS 1000 /* idle status refresh (count, sync, camera) */
#define HIT_SHOW_MS 700      /* how long the outline of a seen code stays */

typedef struct kiosk {
    config *cfg;              /* borrowed; event_id changes from the admin screen */
    const kiosk_options *opt; /* borrowed */
    /* output */
    SDL_Window *win;
    SDL_Renderer *ren;
    int w, h; /* the UI's size: the output's, turned by rot */
    int rot;                      /* [ui] rotate: 0, 90, 180, 270 clockwise */
    SDL_Texture *rot_tex;         /* rot != 0: the UI is drawn here, then turned */
    draw *d;
    ui_screens scr;
    i18n *tr;
    sound *snd;
    service *svc;                 /* systemd notify and watchdog */
    preview pv;                   /* camera preview texture */
    SDL_Texture *qr;              /* done-screen QR */
    char pressed[SCREENS_ID_MAX]; /* the button held down, "" = none */
    unsigned presses;             /* presses since the script's last expect-presses */
    bool finger_down;             /* a finger presses now (one press at a time) */
    SDL_TouchID finger_touch;     /* its device */
    SDL_FingerID finger_id;       /* and its id */
    int64_t finger_t0;            /* when it went down (mono) */
    SDL_FingerID script_finger;   /* the script's next finger id */
    bool dirty;                   /* draw at the next chance */
    bool can_wait;                /* the video driver sleeps in SDL_WaitEventTimeout */
    /* flow and what it shows */
    flow f;
    int64_t undo_since_ms; /* wall clock of the last "Bevestig iedereen" (its undo) */
    ui_view v;
    reflection_set *set; /* the question set of the event */
    char set_name[64];   /* its name */
    char ev_id[64];      /* the event served now ("" = none) */
    char home_lang[8];   /* the kiosk's own language: [kiosk] language, or the admin's choice */
    ui_host_row *rows;   /* host screen rows */
    size_t n_rows, cap_rows;
    size_t *co_order; /* rows checked out, newest first (cap_rows entries) */
    size_t n_co;
    /* store and threads */
    store *st;          /* the UI thread's own connection */
    checkin_memory mem; /* repeat filter */
    scanner *sc;        /* camera thread, NULL = none */
    sync_thread *sync;  /* NULL = sync off */
    export_job *exp;    /* the admin's USB export while it runs, else NULL */
    /* input */
    uint64_t last_hit;   /* last scanner hit taken */
    int64_t hit_until;   /* outline shown until (mono) */
    evdev *ev_in;        /* grabbed USB scanner, NULL = SDL text only */
    wedge *wg;           /* keyboard-wedge assembler (lk_mono_ms clock) */
    int64_t sdl_to_mono; /* lk_mono_ms() - SDL_GetTicks() */
    /* timers */
    bool running;
    int64_t next_status; /* mono time of the next status refresh */
    int purged_day;      /* local YYYYMMDD of the last retention purge, 0 = none */
    int64_t next_clock_ms; /* mono time of the next look at the clock in the store */
    /* script mode */
    FILE *script;
    int script_line;
    int64_t script_wait; /* mono time the script sleeps until */
    int64_t script_camera_until; /* wait-camera: give up at (mono), 0 = not waiting */
    int failures;        /* failed script checks */
    /* latency */
    Uint64 scan_t0;        /* performance counter at payload arrival, 0 = none */
    int64_t input_ms;      /* mono time SDL stamped on the last Return, 0 = none */
    int64_t scan_input_ms; /* input_ms of the payload whose frame is pending, 0 = none:
                              "input-to-frame" when that frame is shown */
    bool first_frame_done; /* the first frame was presented */
    int shown;             /* flow_screen of the last frame presented, -1 = none */
    /* frames presented since the script's last `frames` (tests and benches) */
    unsigned long n_full;    /* whole frames */
    unsigned long n_partial; /* frames in which only the camera preview was redrawn */
} kiosk;

/* kiosk_effects.c */
void kiosk_follow_event(kiosk *k);
void kiosk_refresh_status(kiosk *k);
/* Follows the admin's USB export while it runs (progress, then the notice); each
 * loop turn, on the UI thread. */
void kiosk_export_tick(kiosk *k);
void kiosk_apply(kiosk *k, unsigned fx);
void kiosk_on_payload(kiosk *k, const char *payload);

/* kiosk_input.c */
void kiosk_handle_event(kiosk *k, const SDL_Event *e);
void kiosk_poll_sources(kiosk *k); /* the USB scanner, the wedge, the camera's hits */
void kiosk_from_ui(const kiosk *k, int x, int y, int *px, int *py); /* UI point -> output pixel */
void kiosk_to_ui(const kiosk *k, int px, int py, int *x, int *y);   /* output pixel -> UI point */

/* kiosk_script.c: runs script lines until one waits or the script ends */
void kiosk_script_step(kiosk *k);

/* kiosk_render.c */
void kiosk_output_size(const kiosk *k, int *w, int *h); /* the renderer's pixels, at least 1x1 */
void kiosk_render(kiosk *k);
void kiosk_render_preview(kiosk *k);
void kiosk_update_preview(kiosk *k);
void kiosk_make_qr(kiosk *k);
void kiosk_resize(kiosk *k, int w, int h);

#endif
