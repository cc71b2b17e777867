/* xAPI 1.0.3 statements (DESIGN.md, "The dossier"), built with jansson.
 * Pure: plain data in, a JSON string out. Statements are built once, when the
 * record is written, and stored in the outbox as they will be sent. */
#ifndef LOBKIOSK_XAPI_H
#define LOBKIOSK_XAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/config.h"
#include "lobkiosk/pass.h"

/* Interaction types of reflection questions. */
typedef enum xapi_interaction {
    XAPI_LIKERT = 0,  /* a scale, e.g. five faces */
    XAPI_CHOICE = 1,  /* pick one of a list */
    XAPI_FILL_IN = 2, /* short free text */
} xapi_interaction;

/* One answer option of a question. */
typedef struct xapi_choice {
    const char *id;   /* stable id, e.g. "samenwerken" */
    const char *nl;   /* Dutch label */
    const char *en;   /* English label */
} xapi_choice;

/* A reflection question, as the statement describes it. Borrowed strings. */
typedef struct xapi_question {
    const char *set;          /* question set name, e.g. "default" */
    const char *id;           /* question id within the set */
    xapi_interaction type;    /* likert, choice or fill-in */
    const char *competency;   /* qualities, motives, work_exploration, career_steering,
                                 networking, or NULL for the overall rating */
    const char *prompt_nl;    /* Dutch question text */
    const char *prompt_en;    /* English question text */
    const xapi_choice *choices; /* options (likert scale points or choices) */
    size_t n_choices;         /* number of options */
} xapi_question;

/* Each builder returns a malloc'd NUL-terminated JSON statement (free with free()),
 * or NULL when out of memory or an argument is invalid. uuid is the statement id;
 * ts_ms the timestamp (never in the future: the caller passes "now" or earlier). */

/* Check-in: verb attended, object the event activity. */
char *xapi_checkin(const config *cfg, const config_event *ev, const pass *student,
                   const char *uuid, int64_t ts_ms);

/* A check-in by hand on the admin screen (the student forgot the pass): as
 * xapi_checkin, with the context extension .../extensions/manual-checkin = true,
 * so a dossier can tell it from a scanned pass. */
char *xapi_checkin_manual(const config *cfg, const config_event *ev, const pass *student,
                          const char *uuid, int64_t ts_ms);

/* Check-out: verb leave, result.duration; context.statement -> the check-in. */
char *xapi_checkout(const config *cfg, const config_event *ev, const pass *student,
                    const char *uuid, int64_t ts_ms, const char *checkin_uuid,
                    int64_t duration_ms);

/* A check-out whose time an admin corrected on the admin screen: as xapi_checkout
 * (ts_ms the corrected time, duration_ms from the check-in to it), with the context
 * extension .../extensions/corrects = corrects_uuid, the id of the check-out it
 * replaces (which the kiosk voids with xapi_voiding just before). */
char *xapi_checkout_corrected(const config *cfg, const config_event *ev, const pass *student,
                              const char *uuid, int64_t ts_ms, const char *checkin_uuid,
                              int64_t duration_ms, const char *corrects_uuid);

/* A reflection answer: verb answered, object the question (cmi.interaction),
 * result.response, the competency as a context extension, context.statement ->
 * the check-in. response is the choice id (or the text for fill-in). */
char *xapi_answer(const config *cfg, const config_event *ev, const pass *student,
                  const char *uuid, int64_t ts_ms, const char *checkin_uuid,
                  const xapi_question *q, const char *response);

/* A host's confirmation of a student's attendance: actor the host's account,
 * context.statement -> the student's check-in. */
char *xapi_confirmation(const config *cfg, const config_event *ev, const pass *host,
                        const pass *student, const char *uuid, int64_t ts_ms,
                        const char *checkin_uuid);

/* A voiding statement (xAPI 1.0.3, part 2, 2.3.2), so the LRS and the dossier drop a
 * statement this kiosk sent earlier (lobkiosk forget): verb voided, object a
 * StatementRef to target_uuid. The actor is the kiosk's own account, homePage
 * <activity_base>kiosks and name cfg->kiosk_id: never a person, so the voiding
 * statement itself says nothing about the student. uuid is its own fresh id. */
char *xapi_voiding(const config *cfg, const char *uuid, int64_t ts_ms, const char *target_uuid);

/* xapi_voiding in the shape of store.h's store_void_fn, for store_forget and
 * store_outbox_settle_sent: user is the config (borrowed). */
char *xapi_voiding_fn(const char *uuid, const char *target_uuid, int64_t ts_ms, void *user);

/* --- what an LRS answered to POST /statements ------------------------------------ */

/* What an answer says about the batch that was sent. */
typedef enum xapi_verdict {
    XAPI_STORED = 0,    /* 200 with a JSON array of exactly the ids sent: all stored */
    XAPI_NOT_LRS = 1,   /* any other 2xx, or a 200 whose body is not exactly the id list
                           (an HTML page, empty, wrong or fewer ids): only the ids it
                           listed count as stored; stop and tell a person */
    XAPI_REFUSED = 2,   /* 400, 409, 413: the LRS refuses these statements */
    XAPI_AUTH = 3,      /* 401, 403: the credentials */
    XAPI_RETRY = 4,     /* anything else (429, 5xx, 3xx, 1xx, 404): nothing stored, retry */
} xapi_verdict;

/* Judges an answer (xAPI 1.0.3 sections 2.1.2 and 7.2.2: POST /statements answers
 * 200 and the array of statement ids stored). ids[0..n) are the ids sent (n > 0);
 * confirmed (required, n entries): confirmed[i] is set true when the answer lists
 * ids[i] (only a 200 can), false otherwise; without ids or confirmed nothing counts
 * as stored (XAPI_RETRY). why (may be NULL) gets an English one-line reason for XAPI_NOT_LRS,
 * with no control characters and no text of the body. */
xapi_verdict xapi_statements_answer(long status, const char *body, size_t body_len,
                                    const char *const *ids, size_t n, bool *confirmed,
                                    char *why, size_t why_len);

#endif
