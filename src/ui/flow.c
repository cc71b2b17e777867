/* The kiosk's screen state machine. Every transition is a small function of the
 * current screen and one input; effects are returned as bits for the kiosk loop
 * (src/ui/kiosk.c) to carry out, so this file stays pure and fully testable. */
#include "ui/flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/defaults.h"
#include "lobkiosk/util.h"

static const char *const screen_tokens[FLOW_SCREEN_COUNT] = {
    "idle",   "welcome", "refusal",   "reflection",    "done",
    "error",  "pin",     "admin",     "host",          "confirm_out",
    "manual", "clock",   "checkouts", "checkout_edit", "checkout_time",
};

const char *flow_screen_token(flow_screen s)
{
    return (unsigned)s < FLOW_SCREEN_COUNT ? screen_tokens[s] : "unknown";
}

static void enter(flow *f, flow_screen s, int64_t now_ms)
{
    bool same = f->screen == s;
    f->screen = s;
    f->banner.kind = FLOW_BANNER_NONE;
    f->warned = false;
    f->since_ms = now_ms;
    f->input_ms = now_ms;
    if (!same) {
        /* an old message does not greet the next admin */
        f->notice[0] = '\0';
        f->leave_asked = false;
        f->confirm_all_asked = false;
        f->undo_until_ms = 0; /* the undo belongs to the host screen it was offered on */
        f->event_page = 0;
        f->co_asked = false;
    }
    if (s != FLOW_PIN)
        memset(f->pin, 0, sizeof f->pin);
}

void flow_init(flow *f, const flow_timing *timing, int64_t now_ms)
{
    if (!f)
        return;
    memset(f, 0, sizeof *f);
    if (timing)
        f->timing = *timing;
    if (f->timing.welcome_ms <= 0)
        f->timing.welcome_ms = LK_UI_WELCOME_MS;
    if (f->timing.info_ms <= 0)
        f->timing.info_ms = LK_UI_WELCOME_MS + 1500;
    if (f->timing.refusal_ms <= 0)
        f->timing.refusal_ms = 5000;
    if (f->timing.reflection_ms <= 0)
        f->timing.reflection_ms = LK_UI_REFLECTION_TIMEOUT_S * 1000;
    if (f->timing.done_ms <= 0)
        f->timing.done_ms = FLOW_DONE_MS;
    if (f->timing.banner_ms <= 0)
        f->timing.banner_ms = 4000;
    if (f->timing.confirm_ms <= 0)
        f->timing.confirm_ms = 10000;
    if (f->timing.admin_ms <= 0)
        f->timing.admin_ms = 120000;
    f->event_choice = -1;
    f->confirm_row = -1;
    enter(f, FLOW_IDLE, now_ms);
}

/* Ends the reflection in progress: what was answered goes to f->save. */
static unsigned end_reflection(flow *f, flow_screen next, int64_t now_ms)
{
    unsigned fx = FLOW_FX_REDRAW;
    /* Chips toggled on before "Verder" (a scan took over, the time ran out) are an
     * answer too. */
    if (!reflection_done(&f->refl) && reflection_set_multiple(f->refl.set, f->refl.step) &&
        f->refl.answers[f->refl.step].picked != 0) {
        lk_status st = reflection_next(&f->refl, now_ms);
        (void)st; /* cannot fail on a multiple question that is not done */
    }
    size_t answered = reflection_answered(&f->refl);
    if (answered > 0) {
        f->save.active = true;
        f->save.scan = f->scan;
        f->save.refl = f->refl;
        fx |= FLOW_FX_SAVE;
    }
    f->saved_answers = answered;
    memset(&f->refl, 0, sizeof f->refl);
    f->text[0] = '\0';
    enter(f, next, now_ms);
    return fx;
}

static void start_reflection(flow *f, int64_t now_ms)
{
    f->kb_shift = false;
    f->kb_layer = 0;
    reflection_session_start(&f->refl, f->set);
    f->text[0] = '\0';
    enter(f, FLOW_REFLECTION, now_ms);
}

/* Shows a banner over the running reflection. */
static unsigned banner(flow *f, flow_banner_kind kind, const checkin_result *r, int64_t now_ms)
{
    f->banner.kind = kind;
    if (r)
        f->banner.scan = *r;
    else
        memset(&f->banner.scan, 0, sizeof f->banner.scan);
    f->banner.until_ms = now_ms + f->timing.banner_ms;
    bool ok = kind == FLOW_BANNER_SCAN &&
              (r->outcome == CHECKIN_ALREADY || r->outcome == CHECKIN_ALREADY_OUT);
    return FLOW_FX_REDRAW | (ok ? FLOW_FX_SOUND_OK : FLOW_FX_SOUND_REFUSE);
}

/* The screens of one student's turn. */
static bool student_screen(flow_screen s)
{
    return s == FLOW_WELCOME || s == FLOW_REFUSAL || s == FLOW_REFLECTION || s == FLOW_DONE ||
           s == FLOW_ERROR || s == FLOW_CONFIRM_OUT;
}

/* The language a student chose is theirs alone: when their turn ends (back to
 * idle), the kiosk goes back to its own language for the next one. */
static unsigned turn_over(const flow *f, flow_screen before, unsigned fx)
{
    if (student_screen(before) && f->screen == FLOW_IDLE)
        fx |= FLOW_FX_LANGUAGE_RESET;
    return fx;
}

/* The warning comes this long before a reflection times out. */
static int64_t warn_ms(const flow *f)
{
    int64_t t = f->timing.reflection_ms;
    return t >= 2 * FLOW_WARN_MS ? FLOW_WARN_MS : t / 2;
}

unsigned flow_scan(flow *f, const checkin_result *r, int64_t now_ms)
{
    if (!f || !r || r->outcome == CHECKIN_IGNORED)
        return 0;
    /* A scan that takes over the screen from a student's turn ends that turn. */
    unsigned fx = student_screen(f->screen) ? FLOW_FX_LANGUAGE_RESET : 0;
    if (f->screen == FLOW_REFLECTION) {
        /* Only a check-in or check-out takes over (the answers so far are kept);
         * anything else leaves the student's reflection running. */
        if (r->outcome == CHECKIN_HOST || r->outcome == CHECKIN_ADMIN)
            return banner(f, FLOW_BANNER_BUSY, NULL, now_ms);
        if (r->outcome != CHECKIN_CHECKED_IN && r->outcome != CHECKIN_CHECKED_OUT)
            return banner(f, FLOW_BANNER_SCAN, r, now_ms);
        fx = FLOW_FX_LANGUAGE_RESET;
        fx |= end_reflection(f, FLOW_IDLE, now_ms);
    }
    f->scan = *r;
    f->reflect_next = false;
    bool has_questions = reflection_set_count(f->set) > 0;
    switch (r->outcome) {
    case CHECKIN_REFUSED:
        enter(f, FLOW_REFUSAL, now_ms);
        return fx | FLOW_FX_REDRAW | FLOW_FX_SOUND_REFUSE;
    case CHECKIN_CHECKED_IN:
        /* On an internship day the reflection comes at check-out. */
        f->reflect_next = has_questions && f->mode == CONFIG_MODE_CHECKIN;
        break;
    case CHECKIN_CHECKED_OUT:
        f->reflect_next = has_questions;
        break;
    case CHECKIN_ALREADY:
    case CHECKIN_ALREADY_OUT:
        break;
    case CHECKIN_CONFIRM_CHECKOUT:
        /* nothing written yet: ask; no answer means no */
        enter(f, FLOW_CONFIRM_OUT, now_ms);
        return fx | FLOW_FX_REDRAW | FLOW_FX_SOUND_OK;
    case CHECKIN_HOST:
        f->host_page = 0;
        enter(f, FLOW_HOST, now_ms);
        return fx | FLOW_FX_REDRAW | FLOW_FX_SOUND_OK | FLOW_FX_HOST_LOAD;
    case CHECKIN_ADMIN:
        enter(f, FLOW_ADMIN, now_ms);
        return fx | FLOW_FX_REDRAW | FLOW_FX_SOUND_OK | FLOW_FX_ADMIN_LOAD;
    case CHECKIN_IGNORED:
        return fx;
    }
    enter(f, FLOW_WELCOME, now_ms);
    return fx | FLOW_FX_REDRAW | FLOW_FX_SOUND_OK;
}

unsigned flow_checkout_result(flow *f, const checkin_result *r, int64_t now_ms)
{
    if (!f || !r || f->screen != FLOW_CONFIRM_OUT)
        return 0;
    return flow_scan(f, r, now_ms) & ~(unsigned)FLOW_FX_LANGUAGE_RESET;
}

unsigned flow_scan_failed(flow *f, int64_t now_ms)
{
    if (!f)
        return 0;
    if (f->screen == FLOW_REFLECTION)
        return banner(f, FLOW_BANNER_ERROR, NULL, now_ms);
    unsigned fx = student_screen(f->screen) ? FLOW_FX_LANGUAGE_RESET : 0;
    enter(f, FLOW_ERROR, now_ms);
    return fx | FLOW_FX_REDRAW | FLOW_FX_SOUND_REFUSE;
}

/* After the welcome: the reflection, or straight back to idle. */
static unsigned after_welcome(flow *f, int64_t now_ms)
{
    if (f->reflect_next) {
        start_reflection(f, now_ms);
        if (reflection_done(&f->refl))
            return end_reflection(f, FLOW_DONE, now_ms);
    } else {
        enter(f, FLOW_IDLE, now_ms);
    }
    return FLOW_FX_REDRAW;
}

/* Moves on after an answer or a skip; the done screen after the last question. */
static unsigned reflection_moved(flow *f, int64_t now_ms)
{
    f->text[0] = '\0';
    if (reflection_done(&f->refl))
        return end_reflection(f, FLOW_DONE, now_ms);
    /* Show an earlier written answer again when coming back to it. */
    const reflection_answer *a = &f->refl.answers[f->refl.step];
    if (a->answered && a->choice < 0)
        lk_strlcpy(f->text, a->text, sizeof f->text);
    return FLOW_FX_REDRAW;
}

/* Parses "prefix-N" into *n within [0, max). */
static bool id_number(const char *id, const char *prefix, long max, long *n)
{
    size_t pl = strlen(prefix);
    if (strncmp(id, prefix, pl) != 0)
        return false;
    return lk_parse_long(id + pl, 0, max - 1, n) == LK_OK;
}

/* The on-screen keyboard: "key-a", "key-space", "key-erase". */
static unsigned keyboard(flow *f, const char *id)
{
    size_t n = strlen(f->text);
    if (strcmp(id, "key-shift") == 0) {
        f->kb_shift = !f->kb_shift;
        return FLOW_FX_REDRAW;
    }
    if (strcmp(id, "key-layer") == 0) {
        f->kb_layer = !f->kb_layer;
        f->kb_shift = false;
        return FLOW_FX_REDRAW;
    }
    if (strcmp(id, "key-erase") == 0) {
        if (n == 0)
            return 0;
        /* Erase one whole UTF-8 character. */
        do
            n--;
        while (n > 0 && ((unsigned char)f->text[n] & 0xC0) == 0x80);
        f->text[n] = '\0';
        return FLOW_FX_REDRAW;
    }
    const char *add = strcmp(id, "key-space") == 0 ? " " : id + 4;
    size_t al = strlen(add);
    if (al == 0 || al > 4 || n + al > REFLECTION_TEXT_MAX)
        return 0;
    if (al == 1 && ((unsigned char)add[0] < 0x20 || add[0] == 0x7F))
        return 0;
    if (add[0] == ' ' && (n == 0 || f->text[n - 1] == ' '))
        return 0; /* no leading or double spaces */
    memcpy(f->text + n, add, al + 1);
    f->kb_shift = false; /* one capital, like a phone */
    return FLOW_FX_REDRAW;
}

static unsigned tap_reflection(flow *f, const char *id, int64_t now_ms)
{
    long n;
    if (f->warned) {
        /* "Nog even? Tik om door te gaan": this tap only says the student is there */
        f->warned = false;
        return FLOW_FX_REDRAW;
    }
    if (strcmp(id, "lang") == 0)
        return FLOW_FX_LANGUAGE | FLOW_FX_REDRAW;
    if (strcmp(id, "back") == 0) {
        if (f->refl.step == 0)
            return 0;
        reflection_back(&f->refl);
        f->text[0] = '\0';
        const reflection_answer *a = &f->refl.answers[f->refl.step];
        if (a->answered && a->choice < 0)
            lk_strlcpy(f->text, a->text, sizeof f->text);
        return FLOW_FX_REDRAW;
    }
    if (strcmp(id, "skip") == 0) {
        reflection_skip(&f->refl);
        return reflection_moved(f, now_ms);
    }
    if (reflection_set_multiple(f->refl.set, f->refl.step)) {
        /* several choices: chips toggle, "Verder" goes on */
        if (id_number(id, "choice-", REFLECTION_MAX_CHOICES, &n))
            return reflection_toggle(&f->refl, (size_t)n) == LK_OK ? FLOW_FX_REDRAW : 0;
        if (strcmp(id, "next") == 0) {
            if (reflection_next(&f->refl, now_ms) != LK_OK)
                return 0;
            return reflection_moved(f, now_ms);
        }
        return 0;
    }
    if (id_number(id, "choice-", REFLECTION_MAX_CHOICES, &n)) {
        if (reflection_choose(&f->refl, (size_t)n, now_ms) != LK_OK)
            return 0;
        return reflection_moved(f, now_ms);
    }
    /* The keyboard belongs to the text question only. */
    const xapi_question *q = reflection_set_question(f->refl.set, f->refl.step);
    if (!q || q->type != XAPI_FILL_IN)
        return 0;
    if (strcmp(id, "send") == 0) {
        if (reflection_write(&f->refl, f->text, now_ms) != LK_OK)
            return 0;
        return reflection_moved(f, now_ms);
    }
    if (strncmp(id, "key-", 4) == 0)
        return keyboard(f, id);
    return 0;
}

static unsigned tap_pin(flow *f, const char *id, int64_t now_ms)
{
    size_t n = strlen(f->pin);
    if (strcmp(id, "pin-cancel") == 0) {
        enter(f, FLOW_IDLE, now_ms);
        return FLOW_FX_REDRAW;
    }
    if (f->pin_locked)
        return 0; /* shut after too many wrong PINs: only cancel works (the keys are off) */
    if (strcmp(id, "pin-erase") == 0) {
        if (n > 0)
            f->pin[n - 1] = '\0';
        return FLOW_FX_REDRAW;
    }
    if (strcmp(id, "pin-ok") == 0)
        return n >= PIN_MIN_DIGITS ? FLOW_FX_CHECK_PIN : 0;
    if (strncmp(id, "pin-", 4) == 0 && id[4] >= '0' && id[4] <= '9' && id[5] == '\0') {
        if (n >= PIN_MAX_DIGITS)
            return 0;
        f->pin[n] = id[4];
        f->pin[n + 1] = '\0';
        f->pin_wrong = false;
        return FLOW_FX_REDRAW;
    }
    return 0;
}

static unsigned tap_admin(flow *f, const char *id, int64_t now_ms)
{
    long n;
    if (strcmp(id, "close") == 0) {
        enter(f, FLOW_IDLE, now_ms);
        return FLOW_FX_REDRAW;
    }
    if (strcmp(id, "leave") == 0) {
        if (f->leave_asked)
            return FLOW_FX_QUIT;
        f->leave_asked = true; /* "Echt afsluiten? Tik nog eens." */
        return FLOW_FX_REDRAW;
    }
    f->leave_asked = false;
    if (strcmp(id, "events-more") == 0) {
        f->event_page = f->event_pages > 0 ? (f->event_page + 1) % f->event_pages : 0;
        return FLOW_FX_REDRAW;
    }
    if (strcmp(id, "sync") == 0) {
        if (!f->has_lrs)
            return flow_notice(f, "admin.sync_off", now_ms);
        return FLOW_FX_SYNC_NOW | FLOW_FX_ADMIN_LOAD | FLOW_FX_REDRAW;
    }
    if (strcmp(id, "export") == 0)
        return FLOW_FX_EXPORT | FLOW_FX_REDRAW;
    if (strcmp(id, "lang") == 0)
        return FLOW_FX_LANGUAGE | FLOW_FX_REDRAW;
    if (strcmp(id, "manual") == 0) {
        f->text[0] = '\0';
        f->manual_n = 0;
        enter(f, FLOW_MANUAL, now_ms);
        return FLOW_FX_REDRAW | FLOW_FX_MANUAL_SEARCH;
    }
    if (strcmp(id, "clock") == 0) {
        enter(f, FLOW_CLOCK, now_ms);
        f->clock_delta_ms = 0;
        return FLOW_FX_REDRAW;
    }
    if (strcmp(id, "checkouts") == 0) {
        enter(f, FLOW_CHECKOUTS, now_ms);
        f->co_page = 0;
        return FLOW_FX_REDRAW | FLOW_FX_ADMIN_LOAD;
    }
    if (strcmp(id, "event-auto") == 0) {
        f->event_choice = -1;
        return FLOW_FX_EVENT | FLOW_FX_ADMIN_LOAD | FLOW_FX_REDRAW;
    }
    if (id_number(id, "event-", CONFIG_MAX_EVENTS, &n)) {
        f->event_choice = (int)n;
        return FLOW_FX_EVENT | FLOW_FX_ADMIN_LOAD | FLOW_FX_REDRAW;
    }
    return 0;
}

/* Forgot the pass: letters narrow the roster down, a tap on a student checks them in
 * by hand (the kiosk then shows the welcome as for a scan). */
static unsigned tap_manual(flow *f, const char *id, int64_t now_ms)
{
    long n;
    if (strcmp(id, "close") == 0) {
        enter(f, FLOW_ADMIN, now_ms);
        return FLOW_FX_REDRAW | FLOW_FX_ADMIN_LOAD;
    }
    if (id_number(id, "pick-", FLOW_MANUAL_SHOWN, &n)) {
        if ((size_t)n >= f->manual_n)
            return 0;
        f->manual_pick = (int)n;
        return FLOW_FX_MANUAL_CHECKIN;
    }
    if (strncmp(id, "key-", 4) == 0 && strcmp(id, "key-space") != 0) {
        /* a first name's start: 24 characters are plenty */
        if (strcmp(id, "key-erase") != 0 && strlen(f->text) >= 24)
            return 0;
        unsigned fx = keyboard(f, id);
        return fx ? fx | FLOW_FX_MANUAL_SEARCH : 0;
    }
    return 0;
}

/* The clock screen: a day, an hour, ten minutes or a minute back or on; save sets
 * the clock (the kiosk does it and calls flow_clock_result). */
static unsigned tap_clock(flow *f, const char *id, int64_t now_ms)
{
    static const struct {
        const char *id;
        int64_t ms;
    } steps[] = {
        {"clock-day-", -86400000}, {"clock-day+", 86400000},  {"clock-hour-", -3600000},
        {"clock-hour+", 3600000},  {"clock-10min-", -600000}, {"clock-10min+", 600000},
        {"clock-min-", -60000},    {"clock-min+", 60000},
    };
    if (strcmp(id, "close") == 0) {
        enter(f, FLOW_ADMIN, now_ms);
        return FLOW_FX_ADMIN_LOAD | FLOW_FX_REDRAW;
    }
    if (strcmp(id, "clock-save") == 0)
        return FLOW_FX_SET_CLOCK;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (strcmp(id, steps[i].id) == 0) {
            f->clock_delta_ms += steps[i].ms;
            return FLOW_FX_REDRAW;
        }
    return 0;
}

unsigned flow_clock_result(flow *f, const char *key, int64_t now_ms)
{
    if (!f)
        return 0;
    enter(f, FLOW_ADMIN, now_ms);
    f->clock_delta_ms = 0;
    return flow_notice(f, key, now_ms) | FLOW_FX_ADMIN_LOAD | FLOW_FX_REDRAW;
}

/* Today's check-outs, newest first: a tap on one opens it (the kiosk copies the row
 * and calls flow_checkout_picked). */
static unsigned tap_checkouts(flow *f, const char *id, int64_t now_ms)
{
    long n;
    if (strcmp(id, "close") == 0) {
        enter(f, FLOW_ADMIN, now_ms);
        return FLOW_FX_REDRAW | FLOW_FX_ADMIN_LOAD;
    }
    if (strcmp(id, "co-more") == 0) {
        f->co_page = f->co_pages > 0 ? (f->co_page + 1) % f->co_pages : 0;
        return FLOW_FX_REDRAW;
    }
    if (id_number(id, "co-", 100000, &n)) {
        f->co_pick = (int)n;
        return FLOW_FX_CHECKOUT_PICK;
    }
    return 0;
}

unsigned flow_checkout_picked(flow *f, const flow_checkout *c, int64_t wall_ms, int64_t now_ms)
{
    if (!f || !c || f->screen != FLOW_CHECKOUTS || c->experience_id <= 0 || c->checkout_ms <= 0 ||
        !c->checkout_uuid[0])
        return 0;
    f->co = *c;
    f->co_wall_ms = wall_ms;
    f->co_mono_ms = now_ms;
    enter(f, FLOW_CHECKOUT_EDIT, now_ms);
    return FLOW_FX_REDRAW;
}

/* One check-out: "Check-out ongedaan maken" (asked once) or "Tijd aanpassen". */
static unsigned tap_checkout_edit(flow *f, const char *id, int64_t now_ms)
{
    if (strcmp(id, "co-undo") != 0)
        f->co_asked = false; /* anything else cancels the question */
    if (strcmp(id, "close") == 0) {
        enter(f, FLOW_CHECKOUTS, now_ms);
        return FLOW_FX_REDRAW | FLOW_FX_ADMIN_LOAD;
    }
    if (strcmp(id, "co-undo") == 0) {
        if (!f->co_asked) {
            f->co_asked = true; /* "Ja, ongedaan maken" */
            return FLOW_FX_REDRAW;
        }
        f->co_asked = false;
        return FLOW_FX_CHECKOUT_UNDO;
    }
    if (strcmp(id, "co-time") == 0) {
        enter(f, FLOW_CHECKOUT_TIME, now_ms);
        f->co_time_ms = f->co.checkout_ms;
        return FLOW_FX_REDRAW;
    }
    return 0;
}

/* The time picker: an hour, ten minutes or a minute back or on, on whole minutes,
 * never before the check-in and never past now; "Opslaan" asks once. */
static unsigned tap_checkout_time(flow *f, const char *id, int64_t now_ms)
{
    static const struct {
        const char *id;
        int64_t ms;
    } steps[] = {
        {"co-hour-", -3600000}, {"co-hour+", 3600000}, {"co-10min-", -600000},
        {"co-10min+", 600000},  {"co-min-", -60000},   {"co-min+", 60000},
    };
    if (strcmp(id, "co-save") != 0)
        f->co_asked = false;
    if (strcmp(id, "close") == 0) {
        enter(f, FLOW_CHECKOUT_EDIT, now_ms);
        return FLOW_FX_REDRAW;
    }
    if (strcmp(id, "co-save") == 0) {
        if (f->co_time_ms == f->co.checkout_ms)
            return 0; /* nothing changed */
        if (!f->co_asked) {
            f->co_asked = true; /* "Ja, 16:00 opslaan" */
            return FLOW_FX_REDRAW;
        }
        f->co_asked = false;
        return FLOW_FX_CHECKOUT_TIME;
    }
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (strcmp(id, steps[i].id) == 0) {
            int64_t t = f->co_time_ms + steps[i].ms;
            t -= t % 60000; /* a whole minute, as shown */
            int64_t wall_now = f->co_wall_ms + (now_ms - f->co_mono_ms);
            if (t > wall_now)
                t = wall_now;
            if (t < f->co.checkin_ms)
                t = f->co.checkin_ms;
            if (t == f->co_time_ms)
                return 0;
            f->co_time_ms = t;
            return FLOW_FX_REDRAW;
        }
    return 0;
}

unsigned flow_checkout_fixed(flow *f, const char *key, int64_t now_ms)
{
    if (!f)
        return 0;
    enter(f, FLOW_CHECKOUTS, now_ms);
    return flow_notice(f, key, now_ms) | FLOW_FX_ADMIN_LOAD | FLOW_FX_REDRAW;
}

static unsigned tap_host(flow *f, const char *id, int64_t now_ms)
{
    long n;
    if (strcmp(id, "confirm-all") != 0)
        f->confirm_all_asked = false; /* anything else cancels the question */
    if (strcmp(id, "close") == 0) {
        enter(f, FLOW_IDLE, now_ms);
        return FLOW_FX_REDRAW;
    }
    if (strcmp(id, "more") == 0) {
        f->host_page = f->host_pages > 0 ? (f->host_page + 1) % f->host_pages : 0;
        return FLOW_FX_REDRAW;
    }
    if (strcmp(id, "confirm-all") == 0) {
        if (!f->confirm_all_asked) {
            f->confirm_all_asked = true; /* "Ja, 12 bevestigen": asks once, with how many */
            return FLOW_FX_REDRAW;
        }
        f->confirm_all_asked = false;
        f->confirm_row = -1;
        f->undo_until_ms = now_ms + FLOW_UNDO_MS; /* "Ongedaan maken" for a minute */
        return FLOW_FX_CONFIRM | FLOW_FX_HOST_LOAD | FLOW_FX_REDRAW;
    }
    if (strcmp(id, "undo") == 0) {
        if (f->undo_until_ms == 0 || now_ms >= f->undo_until_ms)
            return 0;
        f->undo_until_ms = 0;
        return FLOW_FX_UNDO_CONFIRM | FLOW_FX_HOST_LOAD | FLOW_FX_REDRAW;
    }
    if (id_number(id, "confirm-", 100000, &n)) {
        f->confirm_row = (int)n;
        return FLOW_FX_CONFIRM | FLOW_FX_HOST_LOAD | FLOW_FX_REDRAW;
    }
    return 0;
}

static unsigned tap(flow *f, const char *id, int64_t now_ms)
{
    f->input_ms = now_ms;
    switch (f->screen) {
    case FLOW_IDLE:
        if (strcmp(id, "lang") == 0)
            return FLOW_FX_LANGUAGE | FLOW_FX_REDRAW;
        if (strcmp(id, "admin") == 0 && f->has_pin) {
            f->pin_wrong = false;
            enter(f, FLOW_PIN, now_ms);
            return FLOW_FX_REDRAW;
        }
        return 0;
    case FLOW_WELCOME:
        if (strcmp(id, "lang") == 0) {
            f->since_ms = now_ms; /* time to read it in the other language */
            return FLOW_FX_LANGUAGE | FLOW_FX_REDRAW;
        }
        return strcmp(id, "next") == 0 ? after_welcome(f, now_ms) : 0;
    case FLOW_REFUSAL:
    case FLOW_ERROR:
        if (strcmp(id, "ok") != 0)
            return 0;
        enter(f, FLOW_IDLE, now_ms);
        return FLOW_FX_REDRAW;
    case FLOW_REFLECTION:
        return tap_reflection(f, id, now_ms);
    case FLOW_DONE:
        if (strcmp(id, "close") != 0)
            return 0;
        enter(f, FLOW_IDLE, now_ms);
        return FLOW_FX_REDRAW;
    case FLOW_PIN:
        return tap_pin(f, id, now_ms);
    case FLOW_ADMIN:
        return tap_admin(f, id, now_ms);
    case FLOW_CLOCK:
        return tap_clock(f, id, now_ms);
    case FLOW_HOST:
        return tap_host(f, id, now_ms);
    case FLOW_CONFIRM_OUT:
        if (strcmp(id, "checkout-yes") == 0)
            return FLOW_FX_CHECKOUT;
        if (strcmp(id, "checkout-no") != 0)
            return 0;
        enter(f, FLOW_IDLE, now_ms);
        return FLOW_FX_REDRAW;
    case FLOW_MANUAL:
        return tap_manual(f, id, now_ms);
    case FLOW_CHECKOUTS:
        return tap_checkouts(f, id, now_ms);
    case FLOW_CHECKOUT_EDIT:
        return tap_checkout_edit(f, id, now_ms);
    case FLOW_CHECKOUT_TIME:
        return tap_checkout_time(f, id, now_ms);
    case FLOW_SCREEN_COUNT:
        break;
    }
    return 0;
}

unsigned flow_tap(flow *f, const char *id, int64_t now_ms)
{
    if (!f || !id)
        return 0;
    flow_screen before = f->screen;
    return turn_over(f, before, tap(f, id, now_ms));
}

int64_t flow_deadline(const flow *f)
{
    if (!f)
        return INT64_MAX;
    switch (f->screen) {
    case FLOW_IDLE:
        return INT64_MAX;
    case FLOW_WELCOME:
        return f->since_ms + (f->reflect_next ? f->timing.welcome_ms : f->timing.info_ms);
    case FLOW_REFUSAL:
    case FLOW_ERROR:
        return f->since_ms + f->timing.refusal_ms;
    case FLOW_REFLECTION: {
        int64_t end = f->input_ms + f->timing.reflection_ms;
        if (!f->warned)
            end -= warn_ms(f); /* first the warning */
        if (f->banner.kind != FLOW_BANNER_NONE && f->banner.until_ms < end)
            return f->banner.until_ms; /* redraw without it */
        return end;
    }
    case FLOW_DONE:
        return f->since_ms + f->timing.done_ms;
    case FLOW_CONFIRM_OUT:
        return f->since_ms + f->timing.confirm_ms;
    case FLOW_PIN:
        if (f->pin_locked && f->pin_locked_until < f->input_ms + f->timing.admin_ms)
            return f->pin_locked_until; /* redraw the pad when it opens again */
        return f->input_ms + f->timing.admin_ms;
    case FLOW_ADMIN:
    case FLOW_CHECKOUTS:
        if (f->notice[0] && f->notice_until < f->input_ms + f->timing.admin_ms)
            return f->notice_until; /* the message goes */
        return f->input_ms + f->timing.admin_ms;
    case FLOW_HOST:
        if (f->undo_until_ms && f->undo_until_ms < f->input_ms + f->timing.admin_ms)
            return f->undo_until_ms; /* the undo button goes */
        return f->input_ms + f->timing.admin_ms;
    case FLOW_MANUAL:
    case FLOW_CLOCK:
    case FLOW_CHECKOUT_EDIT:
    case FLOW_CHECKOUT_TIME:
        return f->input_ms + f->timing.admin_ms;
    case FLOW_SCREEN_COUNT:
        break;
    }
    return INT64_MAX;
}

static unsigned tick(flow *f, int64_t now_ms);

unsigned flow_tick(flow *f, int64_t now_ms)
{
    if (!f)
        return 0;
    flow_screen before = f->screen;
    return turn_over(f, before, tick(f, now_ms));
}

static unsigned tick(flow *f, int64_t now_ms)
{
    if (f && f->pin_locked && now_ms >= f->pin_locked_until) {
        f->pin_locked = false;
        if (f->screen == FLOW_PIN && now_ms < f->input_ms + f->timing.admin_ms)
            return FLOW_FX_REDRAW;
    }
    if (!f)
        return 0;
    unsigned fx = 0;
    if (f->banner.kind != FLOW_BANNER_NONE && now_ms >= f->banner.until_ms) {
        f->banner.kind = FLOW_BANNER_NONE;
        fx = FLOW_FX_REDRAW;
    }
    if (f->screen == FLOW_HOST && f->undo_until_ms && now_ms >= f->undo_until_ms) {
        f->undo_until_ms = 0;
        return FLOW_FX_REDRAW;
    }
    if ((f->screen == FLOW_ADMIN || f->screen == FLOW_CHECKOUTS) && f->notice[0] &&
        now_ms >= f->notice_until) {
        f->notice[0] = '\0';
        fx = FLOW_FX_REDRAW;
    }
    if (now_ms < flow_deadline(f))
        return fx;
    switch (f->screen) {
    case FLOW_WELCOME:
        return after_welcome(f, now_ms);
    case FLOW_REFLECTION:
        if (!f->warned) {
            f->warned = true; /* "Nog even? Tik om door te gaan" */
            return FLOW_FX_REDRAW;
        }
        /* The student walked away: keep what was answered, serve the next one. */
        return end_reflection(f, FLOW_IDLE, now_ms);
    default:
        enter(f, FLOW_IDLE, now_ms);
        return FLOW_FX_REDRAW;
    }
}

unsigned flow_saved(flow *f, bool ok, int64_t now_ms)
{
    if (!f)
        return 0;
    f->save.active = false;
    if (ok || f->screen != FLOW_DONE)
        return 0;
    enter(f, FLOW_ERROR, now_ms);
    return FLOW_FX_REDRAW | FLOW_FX_SOUND_REFUSE;
}

unsigned flow_pin_result(flow *f, bool ok, int64_t now_ms)
{
    if (!f || f->screen != FLOW_PIN)
        return 0;
    if (ok) {
        pin_guard_ok(&f->pin_guard);
        enter(f, FLOW_ADMIN, now_ms);
        return FLOW_FX_REDRAW | FLOW_FX_ADMIN_LOAD;
    }
    memset(f->pin, 0, sizeof f->pin);
    f->pin_wrong = true;
    if (pin_guard_failed(&f->pin_guard, now_ms)) {
        f->pin_locked = true;
        f->pin_locked_until = now_ms + pin_guard_remaining(&f->pin_guard, now_ms);
    }
    return FLOW_FX_REDRAW | FLOW_FX_SOUND_REFUSE;
}

void flow_pin_restore(flow *f, int failures, int64_t locked_ms, int64_t now_ms)
{
    if (!f)
        return;
    f->pin_guard.failures = failures > 0 ? failures : 0;
    f->pin_guard.locked_until_ms = locked_ms > 0 ? now_ms + locked_ms : 0;
    f->pin_locked = locked_ms > 0;
    f->pin_locked_until = f->pin_guard.locked_until_ms;
}

unsigned flow_manual_found(flow *f, const store_person *found, size_t n)
{
    if (!f || f->screen != FLOW_MANUAL)
        return 0;
    f->manual_n = 0;
    for (size_t i = 0; found && i < n && i < FLOW_MANUAL_SHOWN + 1; i++)
        f->manual[f->manual_n++] = found[i];
    return FLOW_FX_REDRAW;
}

unsigned flow_notice(flow *f, const char *key, int64_t now_ms)
{
    if (!f)
        return 0;
    lk_strlcpy(f->notice, key ? key : "", sizeof f->notice);
    f->notice_until = now_ms + FLOW_NOTICE_MS;
    return FLOW_FX_REDRAW;
}
