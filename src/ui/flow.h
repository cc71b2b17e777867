/* The kiosk's screens as a state machine over plain data: scans, taps and the
 * clock go in, the next screen and a set of effects (play a sound, save answers,
 * sync now, ...) come out. No SDL and no I/O here, so tests drive every screen and
 * transition directly; the kiosk loop performs the effects. */
#ifndef LOBKIOSK_UI_FLOW_H
#define LOBKIOSK_UI_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/checkin.h"
#include "lobkiosk/config.h"
#include "lobkiosk/pin.h"
#include "lobkiosk/reflection.h"

typedef enum flow_screen {
    FLOW_IDLE = 0,           /* "Scan je LOB-pas" */
    FLOW_WELCOME = 1,        /* check-in, already, check-out (green, tick) */
    FLOW_REFUSAL = 2,        /* one calm sentence per reason (amber, exclamation) */
    FLOW_REFLECTION = 3,     /* one question a screen */
    FLOW_DONE = 4,           /* thanks, what was saved, dossier QR */
    FLOW_ERROR = 5,          /* the store failed: nothing was confirmed */
    FLOW_PIN = 6,            /* admin PIN keypad */
    FLOW_ADMIN = 7,          /* event, chart, sync, export, language, leave */
    FLOW_HOST = 8,           /* confirm attendance */
    FLOW_CONFIRM_OUT = 9,    /* "Wil je uitchecken?" yes / no (internship day, early scan) */
    FLOW_MANUAL = 10,        /* forgot the pass: find a roster student, check in by hand */
    FLOW_CLOCK = 11,         /* admin: set the date and time */
    FLOW_CHECKOUTS = 12,     /* admin: today's check-outs at the event, newest first */
    FLOW_CHECKOUT_EDIT = 13, /* admin: one check-out: undo it or change its time */
    FLOW_CHECKOUT_TIME = 14, /* admin: the corrected time of that check-out */
    FLOW_SCREEN_COUNT
} flow_screen;

/* Stable token of a screen ("idle", "welcome", ...), for scripts and logs. */
const char *flow_screen_token(flow_screen s);

/* Effects the kiosk loop carries out after a flow call (a bit set). */
enum {
    FLOW_FX_REDRAW = 1 << 0,          /* the screen changed */
    FLOW_FX_SOUND_OK = 1 << 1,        /* success sound */
    FLOW_FX_SOUND_REFUSE = 1 << 2,    /* refusal sound */
    FLOW_FX_SAVE = 1 << 3,            /* write flow.save, then call flow_saved() */
    FLOW_FX_QUIT = 1 << 4,            /* leave kiosk mode */
    FLOW_FX_SYNC_NOW = 1 << 5,        /* sync_request_now */
    FLOW_FX_EXPORT = 1 << 6,          /* export to a USB stick, then flow_notice() */
    FLOW_FX_LANGUAGE = 1 << 7,        /* switch to flow.language */
    FLOW_FX_EVENT = 1 << 8,           /* serve event number flow.event_choice (-1 = by time) */
    FLOW_FX_HOST_LOAD = 1 << 9,       /* (re)load the host list */
    FLOW_FX_CONFIRM = 1 << 10,        /* confirm row flow.confirm_row (-1 = all shown) */
    FLOW_FX_CHECK_PIN = 1 << 11,      /* verify flow.pin, then call flow_pin_result() */
    FLOW_FX_ADMIN_LOAD = 1 << 12,     /* (re)load the admin figures */
    FLOW_FX_CHECKOUT = 1 << 14,       /* checkin_checkout(flow.scan), then flow_checkout_result() */
    FLOW_FX_LANGUAGE_RESET = 1 << 13, /* a student's turn ended: back to the kiosk's language */
    FLOW_FX_MANUAL_SEARCH = 1 << 15,  /* look up flow.text in the roster: flow_manual_found() */
    FLOW_FX_MANUAL_CHECKIN = 1 << 16, /* check flow.manual[flow.manual_pick] in by hand
                                         (checkin_manual), then flow_scan() its result */
    FLOW_FX_SET_CLOCK = 1 << 17,      /* set the clock to now + flow.clock_delta_ms, then
                                         flow_clock_result() */
    FLOW_FX_UNDO_CONFIRM = 1 << 18,   /* undo the host's "Bevestig iedereen" of a moment ago
                                         (store_undo_confirmations) */
    FLOW_FX_CHECKOUT_PICK = 1 << 19,  /* the admin chose host row flow.co_pick: call
                                         flow_checkout_picked() with it */
    FLOW_FX_CHECKOUT_UNDO = 1 << 20,  /* undo check-out flow.co (checkin_undo_checkout),
                                         then flow_checkout_fixed() */
    FLOW_FX_CHECKOUT_TIME = 1 << 21,  /* set check-out flow.co to flow.co_time_ms
                                         (checkin_correct_checkout), then
                                         flow_checkout_fixed() */
};

/* The check-out an admin is changing (a copy of the host row chosen). */
typedef struct flow_checkout {
    int64_t experience_id;            /* store row */
    char event_id[64];                /* its event */
    char issuer[LK_ISSUER_MAX + 1];   /* the student's issuer */
    char subject[LK_SUBJECT_MAX + 1]; /* and subject (shown when no roster name) */
    char first_name[64];              /* from the roster, "" = unknown (screen only) */
    char group[64];                   /* roster group, "" = unknown */
    char checkin_uuid[37];            /* statement id of the check-in */
    char checkout_uuid[37];           /* statement id of the check-out being changed */
    int64_t checkin_ms;               /* check-in time (wall) */
    int64_t checkout_ms;              /* check-out time (wall) */
} flow_checkout;

/* Roster students the "forgot the pass" screen shows at once; one more is looked up
 * to know whether to say "type more letters". */
#define FLOW_MANUAL_SHOWN 3

/* Reflection answers waiting to be written, with the scan they belong to. */
typedef struct flow_pending {
    bool active;             /* something to write */
    checkin_result scan;     /* the student's scan (pass, experience) */
    reflection_session refl; /* the answers */
} flow_pending;

/* A scan during a reflection that checks no one in or out ("already", a refusal,
 * a host or admin pass, a failed write): a short banner over the reflection, which
 * keeps running. */
typedef enum flow_banner_kind {
    FLOW_BANNER_NONE = 0,
    FLOW_BANNER_SCAN,  /* scan holds the outcome (already, already out, refused) */
    FLOW_BANNER_BUSY,  /* a host or admin pass: "a student is busy, scan again later" */
    FLOW_BANNER_ERROR, /* checkin_scan failed: nothing was saved for that pass */
} flow_banner_kind;

typedef struct flow_banner {
    flow_banner_kind kind; /* NONE = no banner */
    checkin_result scan;   /* the scan it is about (FLOW_BANNER_SCAN) */
    int64_t until_ms;      /* when it goes (monotonic ms) */
} flow_banner;

/* Timings in milliseconds; zero fields take the defaults of flow_init. */
/* Wrong PINs in a row before the pad shuts; each lockout lasts longer (1, 5, 15,
 * then 60 minutes: pin_guard in pin.h), so guessing a four-digit PIN takes about 41
 * days on average. The kiosk keeps the guard in its database across restarts. */
#define FLOW_PIN_TRIES PIN_TRIES

/* The reflection warns this long before it times out ("Nog even?"); half the
 * timeout when that is shorter than twice this. The done screen (and its QR code)
 * stays this long unless the next scan comes first. */
#define FLOW_WARN_MS 10000
#define FLOW_DONE_MS 20000
#define FLOW_NOTICE_MS 8000 /* a notice on the admin screen */
#define FLOW_UNDO_MS 60000  /* "Ongedaan maken" after "Bevestig iedereen" */

typedef struct flow_timing {
    int welcome_ms;    /* welcome before the reflection (LK_UI_WELCOME_MS) */
    int info_ms;       /* welcome without reflection ("already") */
    int refusal_ms;    /* refusal before idle */
    int reflection_ms; /* no touch for this long ends a reflection */
    int done_ms;       /* done before idle */
    int banner_ms;     /* a banner over a reflection */
    int confirm_ms;    /* "Wil je uitchecken?" without an answer: no */
    int admin_ms;      /* no touch on pin/admin/host before idle */
} flow_timing;

typedef struct flow {
    flow_screen screen;                 /* current screen */
    int64_t since_ms;                   /* when it was entered (monotonic ms) */
    int64_t input_ms;                   /* last touch (monotonic ms) */
    flow_timing timing;                 /* timeouts */
    config_mode mode;                   /* the event's check-in rules */
    const reflection_set *set;          /* the event's question set, NULL = none (borrowed) */
    checkin_result scan;                /* the scan the screen is about */
    bool reflect_next;                  /* welcome leads to a reflection */
    reflection_session refl;            /* answers so far */
    bool kb_shift;                      /* the keyboard's next letter is a capital */
    int kb_layer;                       /* 0 = letters, 1 = digits, accents, punctuation */
    char text[REFLECTION_TEXT_MAX + 1]; /* text typed on the on-screen keyboard */
    flow_pending save;                  /* answers to write (FLOW_FX_SAVE) */
    size_t saved_answers;               /* how many the done screen reports */
    flow_banner banner;                 /* a scan that changed nothing, over a reflection */
    bool warned;                        /* the reflection is about to time out: "Nog even?" */
    char pin[PIN_MAX_DIGITS + 1];       /* digits typed on the PIN pad */
    bool pin_wrong;                     /* the last PIN was wrong */
    pin_guard pin_guard;                /* wrong PINs in a row and the lockout (monotonic ms) */
    bool pin_locked;                    /* too many wrong PINs: the pad is shut for a while */
    int64_t pin_locked_until;           /* when it opens again (monotonic ms) */
    bool has_pin;                       /* an admin PIN is configured */
    char language[8];                   /* language asked for (FLOW_FX_LANGUAGE) */
    int event_choice;                   /* event index asked for (FLOW_FX_EVENT), -1 = by time */
    int confirm_row;                    /* host row to confirm, -1 = all */
    bool confirm_all_asked;             /* "Bevestig iedereen" tapped once: it says how many */
    int64_t undo_until_ms;              /* "Ongedaan maken" offered until then (0 = not) */
    int host_page;                      /* page of the host list */
    int host_pages;                     /* pages the host screen has (set by the screen) */
    int64_t notice_until;               /* when the notice goes (monotonic ms) */
    bool leave_asked;                   /* "Kiosk afsluiten" tapped once: the next tap quits */
    bool has_lrs;                       /* [sync] endpoint set: "Nu verzenden" can send */
    int event_page;                     /* page of the admin's event list */
    int event_pages;                    /* pages it has (set by the screen) */
    char notice[48];                    /* i18n key of a notice on the admin screen, "" = none */
    store_person manual[FLOW_MANUAL_SHOWN + 1]; /* roster students found for flow.text */
    size_t manual_n;                            /* how many (FLOW_MANUAL_SHOWN + 1: more exist) */
    int manual_pick;                            /* the one tapped (FLOW_FX_MANUAL_CHECKIN) */
    int64_t clock_delta_ms;                     /* the clock screen: the time shown is now + this */
    int co_page;                                /* page of the check-out list */
    int co_pages;                               /* pages it has (set by the screen) */
    int co_pick;                                /* host row tapped (FLOW_FX_CHECKOUT_PICK) */
    flow_checkout co;                           /* the check-out being changed */
    bool co_asked;                              /* undo or save tapped once: the next tap does it */
    int64_t co_time_ms;                         /* the corrected time shown (wall) */
    int64_t co_wall_ms, co_mono_ms;             /* wall and monotonic clock when it was chosen:
                                                   the picker never goes past now */
} flow;

/* The row the admin chose (FLOW_FX_CHECKOUT_PICK), copied, with the wall clock now:
 * opens its screen (undo, or change the time). Ignored unless on the list and c is
 * checked out. */
unsigned flow_checkout_picked(flow *f, const flow_checkout *c, int64_t wall_ms, int64_t now_ms);

/* The outcome of FLOW_FX_CHECKOUT_UNDO or _TIME: back to the list (reloaded) with
 * notice key (i18n; "_ok" at the end for a success). */
unsigned flow_checkout_fixed(flow *f, const char *key, int64_t now_ms);

/* The outcome of FLOW_FX_SET_CLOCK: back to the admin screen with notice key (i18n). */
unsigned flow_clock_result(flow *f, const char *key, int64_t now_ms);

/* Starts on the idle screen. timing may be NULL (defaults). */
void flow_init(flow *f, const flow_timing *timing, int64_t now_ms);

/* A scan's outcome (after checkin_scan wrote what it had to). During a reflection
 * only a scan that checks someone in or out takes over: the unfinished reflection
 * is handed to f->save first (FLOW_FX_SAVE) so the next student is served at once
 * and nothing answered is lost. Any other scan (already, a refusal, a host or admin
 * pass) shows as f->banner for timing.banner_ms and the reflection goes on.
 * Returns effects. */
unsigned flow_scan(flow *f, const checkin_result *r, int64_t now_ms);

/* The result of FLOW_FX_CHECKOUT (the student said yes): shown like a scan's,
 * the same student's turn going on. */
unsigned flow_checkout_result(flow *f, const checkin_result *r, int64_t now_ms);

/* checkin_scan failed: nothing was confirmed; shows the error screen (a banner
 * during a reflection). */
unsigned flow_scan_failed(flow *f, int64_t now_ms);

/* A tap on the button with this id (see docs/kiosk.md for the ids). Unknown ids
 * and ids of other screens are ignored (returns 0). */
unsigned flow_tap(flow *f, const char *id, int64_t now_ms);

/* Timeouts. Call when flow_deadline() has passed (calling more often is harmless). */
unsigned flow_tick(flow *f, int64_t now_ms);

/* The next time flow_tick has something to do, or INT64_MAX. */
int64_t flow_deadline(const flow *f);

/* Result of writing f->save. On failure the done screen is replaced by the error
 * screen: the screen only says "saved" after the database said so. */
unsigned flow_saved(flow *f, bool ok, int64_t now_ms);

/* Result of FLOW_FX_CHECK_PIN. The caller keeps f->pin_guard (store_pin_guard_save). */
unsigned flow_pin_result(flow *f, bool ok, int64_t now_ms);

/* The PIN guard kept from before a restart: failures wrong PINs in a row, the pad
 * shut for locked_ms more (0 = open). */
void flow_pin_restore(flow *f, int failures, int64_t locked_ms, int64_t now_ms);

/* The roster students found for FLOW_FX_MANUAL_SEARCH (copied; at most
 * FLOW_MANUAL_SHOWN + 1 are kept). */
unsigned flow_manual_found(flow *f, const store_person *found, size_t n);

/* A notice for the admin screen (i18n key, copied; a key ending in "_ok" is a
 * success, shown green with a tick, anything else amber with an exclamation). It
 * goes after FLOW_NOTICE_MS, and with the admin screen. */
unsigned flow_notice(flow *f, const char *key, int64_t now_ms);

#endif
