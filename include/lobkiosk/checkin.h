/* Check-in rules and the scan service. checkin_decide() is pure and tested from a
 * table of cases; checkin_scan() verifies a payload, applies the rules and writes
 * the outcome durably (experience + outbox row in one transaction) before it returns. */
#ifndef LOBKIOSK_CHECKIN_H
#define LOBKIOSK_CHECKIN_H

#include <stdbool.h>
#include <stdint.h>

#include "lobkiosk/config.h"
#include "lobkiosk/pass.h"
#include "lobkiosk/reflection.h"
#include "lobkiosk/status.h"
#include "lobkiosk/store.h"

/* What a scan leads to. Tokens: see checkin_outcome_token(). */
typedef enum checkin_outcome {
    CHECKIN_REFUSED = 0,          /* see the reason */
    CHECKIN_IGNORED = 1,          /* same pass again within seconds: say and store nothing */
    CHECKIN_CHECKED_IN = 2,       /* a new experience */
    CHECKIN_ALREADY = 3,          /* checkin mode: already checked in (at checkin_ms) */
    CHECKIN_CHECKED_OUT = 4,      /* checkin_checkout mode: checked out, duration known */
    CHECKIN_ALREADY_OUT = 5,      /* checkin_checkout mode: checked out before */
    CHECKIN_HOST = 6,             /* a host pass: open the host screen */
    CHECKIN_ADMIN = 7,            /* an admin pass: open the admin screen */
    CHECKIN_CONFIRM_CHECKOUT = 8, /* checkin_checkout mode, asked for (ask_early_checkout):
                                   a scan sooner than the event's min_stay_minutes after
                                   the check-in; nothing written, checkin_checkout() does
                                   it when the student says yes */
} checkin_outcome;

/* Stable token: "refused", "ignored", "checked_in", "already", "checked_out",
 * "already_out", "host", "admin", "confirm_checkout". */
const char *checkin_outcome_token(checkin_outcome o);

/* What the rules need to know about the past. Plain data. */
typedef struct checkin_prior {
    bool has_experience;                           /* the student has an experience at this event */
    int64_t checkin_ms;                            /* its check-in time */
    int64_t checkout_ms;                           /* its check-out time, 0 = none */
    char last_payload_subject[LK_SUBJECT_MAX + 1]; /* subject of the previous scan */
    char last_payload_issuer[LK_ISSUER_MAX + 1];   /* issuer of the previous scan */
    int64_t last_scan_ms;    /* time of the previous scan of any pass, 0 = none */
    bool ask_early_checkout; /* a check-out within min_stay_minutes asks first */
} checkin_prior;

/* The pure rules: given a verified pass, the event (may be NULL: no event), what
 * happened before and now, the outcome. *out_reason gets the refusal reason. */
checkin_outcome checkin_decide(const pass *p, const config_event *ev, const checkin_prior *prior,
                               int64_t now_ms, lk_reason *out_reason);

/* Everything a screen or the CLI needs to say about a scan. */
typedef struct checkin_result {
    checkin_outcome outcome; /* what happened */
    lk_reason reason;        /* why refused, LK_REASON_NONE otherwise */
    pass who;                /* the pass (valid unless refused for parsing reasons) */
    store_experience exp;    /* the experience (checked_in/already/checked_out/already_out) */
    int64_t duration_ms;     /* time spent (checked_out) */
    char first_name[128];    /* from the roster, "" when unknown: screen only */
} checkin_result;

/* Scan state that survives between calls (the repeat filter). Zero-initialise. */
typedef struct checkin_memory {
    char issuer[LK_ISSUER_MAX + 1];   /* issuer of the last good scan */
    char subject[LK_SUBJECT_MAX + 1]; /* subject of the last good scan */
    int64_t at_ms;                    /* when, 0 = never */
    unsigned char refused_hash[16];   /* hash of the last refused payload (kept in memory
                                         only, never stored), so a refused code held in
                                         front of the camera is counted once */
    int64_t refused_at_ms;            /* when it was last seen, 0 = never */
    bool ask_early_checkout;          /* set by the kiosk: a scan within the event's
                                         min_stay_minutes is CHECKIN_CONFIRM_CHECKOUT
                                         (the command line checks out at once) */
} checkin_memory;

/* Verifies payload, decides, and writes what must be written (experience and its
 * outbox row, or a counted refusal) before returning. mem (may be NULL) holds the
 * repeat filter across calls. Returns LK_OK with *out filled, or an error when the
 * store failed (then nothing was confirmed and the screen must not say welcome). */
lk_status checkin_scan(store *st, const config *cfg, checkin_memory *mem, const char *payload,
                       int64_t now_ms, checkin_result *out) LK_MUST_CHECK;

/* Checks in a roster student by hand: the admin screen's "forgot the pass". No pass
 * is verified (staff vouch for the student), so the student must be on the roster
 * of an issuer cfg trusts (else refused unknown_issuer); the event's rules apply as
 * for a scan (no event, issuer not invited). A student already checked in is
 * reported (already / already_out), never checked out by hand. The experience and
 * its statement are marked manual (xapi_checkin_manual) and written in one
 * transaction. LK_ERR_NOT_FOUND when (issuer, subject) is not on the roster. */
lk_status checkin_manual(store *st, const config *cfg, const char *issuer, const char *subject,
                         int64_t now_ms, checkin_result *out) LK_MUST_CHECK;
/* The check-out a student confirmed after CHECKIN_CONFIRM_CHECKOUT: asked is that
 * scan's result (its pass and experience). Writes the check-out and its statement
 * like a scan would; *out as checkin_scan fills it (CHECKIN_CHECKED_OUT, or
 * CHECKIN_ALREADY_OUT when it happened meanwhile). LK_ERR_INVALID when asked is not
 * such a result or the event is no longer served. */
lk_status checkin_checkout(store *st, const config *cfg, const checkin_result *asked,
                           int64_t now_ms, checkin_result *out) LK_MUST_CHECK;

/* The admin screen undoes a check-out (exp as the admin saw it: id, event, student,
 * check-in and check-out with their statement ids): the student is checked in
 * again; the check-out statement is voided (xapi_voiding) or, when it never left
 * the kiosk, deleted (store_correct_checkout; *voided, may be NULL, says which).
 * LK_ERR_NOT_FOUND when the check-out changed meanwhile (nothing written);
 * LK_ERR_INVALID when exp is not checked out. UI thread. */
lk_status checkin_undo_checkout(store *st, const config *cfg, const store_experience *exp,
                                bool *voided) LK_MUST_CHECK;

/* The admin screen corrects the time of a check-out to checkout_ms, which must lie
 * between the check-in and now_ms and differ from the time it has: the old
 * statement goes as for checkin_undo_checkout and a new check-out statement
 * (xapi_checkout_corrected: that time, the duration from the check-in, the id of
 * the one it corrects) is queued, in one transaction. Hours on the host screen
 * and in the report follow the experience row. LK_ERR_INVALID for a time out of
 * range or an event no longer in cfg; LK_ERR_NOT_FOUND as for the undo. */
lk_status checkin_correct_checkout(store *st, const config *cfg, const store_experience *exp,
                                   int64_t checkout_ms, int64_t now_ms, bool *voided) LK_MUST_CHECK;

/* Saves a finished reflection of the experience that scan checked in: the given
 * answers, each with its xAPI answer statement (context -> the check-in), in one
 * transaction. The session's answered_ms are on the clock that reads clock_now_ms
 * now (the UI's monotonic clock); a statement's time is that moment on the wall
 * clock now_ms, never later than now_ms. Nothing answered: LK_OK, nothing written.
 * LK_ERR_INVALID when scan holds no stored experience or its event is gone. */
lk_status checkin_save_answers(store *st, const config *cfg, const checkin_result *scan,
                               const reflection_session *refl, int64_t now_ms,
                               int64_t clock_now_ms) LK_MUST_CHECK;

/* A host confirms that a student was there: the confirmation statement (actor the
 * host, context -> the student's check-in checkin_uuid) and the experience marked
 * confirmed, in one transaction. exp needs id, issuer, subject and checkin_uuid.
 * LK_ERR_EXISTS when it was confirmed already (nothing written). */
lk_status checkin_confirm(store *st, const config *cfg, const config_event *ev, const pass *host,
                          const store_experience *exp, int64_t now_ms) LK_MUST_CHECK;

#endif
