/* Check-in rules and the scan service: what a verified pass leads to at the active
 * event (checkin_decide, pure), and the durable write of that outcome (checkin_scan):
 * the experience and its xAPI statement in one transaction before the screen speaks. */
#include "lobkiosk/checkin.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/util.h"
#include "lobkiosk/xapi.h"

const char *checkin_outcome_token(checkin_outcome o)
{
    switch (o) {
    case CHECKIN_REFUSED:
        return "refused";
    case CHECKIN_IGNORED:
        return "ignored";
    case CHECKIN_CHECKED_IN:
        return "checked_in";
    case CHECKIN_ALREADY:
        return "already";
    case CHECKIN_CHECKED_OUT:
        return "checked_out";
    case CHECKIN_ALREADY_OUT:
        return "already_out";
    case CHECKIN_HOST:
        return "host";
    case CHECKIN_ADMIN:
        return "admin";
    case CHECKIN_CONFIRM_CHECKOUT:
        return "confirm_checkout";
    }
    return "unknown";
}

/* The camera sees one code in many frames in a row: the same pass again within
 * the window is one scan. The window counts both ways so a clock stepped back a
 * little cannot turn a held pass into an instant check-out. */
static bool same_window(int64_t then_ms, int64_t now_ms)
{
    int64_t delta = now_ms - then_ms;
    int64_t window = (int64_t)LK_REPEAT_IGNORE_SECONDS * 1000;
    return delta < window && delta > -window;
}

static bool is_repeat(const pass *p, const checkin_prior *prior, int64_t now_ms)
{
    if (!prior || prior->last_scan_ms == 0)
        return false;
    if (strcmp(prior->last_payload_issuer, p->issuer) != 0 ||
        strcmp(prior->last_payload_subject, p->subject) != 0)
        return false;
    return same_window(prior->last_scan_ms, now_ms);
}

checkin_outcome checkin_decide(const pass *p, const config_event *ev, const checkin_prior *prior,
                               int64_t now_ms, lk_reason *out_reason)
{
    lk_reason dummy;
    if (!out_reason)
        out_reason = &dummy;
    *out_reason = LK_REASON_NONE;
    if (!p) {
        *out_reason = LK_REASON_MALFORMED;
        return CHECKIN_REFUSED;
    }
    if (is_repeat(p, prior, now_ms))
        return CHECKIN_IGNORED;
    /* Staff passes open their screens whatever the event's hours: an admin must be
     * able to fix a kiosk that has no event. But only staff of a school the event
     * invites: another trusted school's admin pass opens nothing here. */
    if ((p->role == PASS_ROLE_ADMIN || p->role == PASS_ROLE_HOST) && ev &&
        !config_event_admits(ev, p->issuer)) {
        *out_reason = LK_REASON_ISSUER_NOT_INVITED;
        return CHECKIN_REFUSED;
    }
    /* A host pass tied to other events (another company's) opens nothing here. */
    if (p->role == PASS_ROLE_HOST && ev && !config_event_admits_host(ev, p->subject)) {
        *out_reason = LK_REASON_ROLE_NOT_ALLOWED;
        return CHECKIN_REFUSED;
    }
    switch (p->role) {
    case PASS_ROLE_ADMIN:
        return CHECKIN_ADMIN;
    case PASS_ROLE_HOST:
        return CHECKIN_HOST;
    case PASS_ROLE_STUDENT:
        break;
    default:
        *out_reason = LK_REASON_ROLE_NOT_ALLOWED;
        return CHECKIN_REFUSED;
    }
    /* An event pinned in kiosk.ini still only runs inside its window. */
    if (!ev || (ev->end_ms > ev->start_ms && (now_ms < ev->start_ms || now_ms >= ev->end_ms))) {
        *out_reason = LK_REASON_NO_EVENT;
        return CHECKIN_REFUSED;
    }
    if (!config_event_admits(ev, p->issuer)) {
        *out_reason = LK_REASON_ISSUER_NOT_INVITED;
        return CHECKIN_REFUSED;
    }
    if (!prior || !prior->has_experience)
        return CHECKIN_CHECKED_IN;
    if (ev->mode == CONFIG_MODE_CHECKIN_CHECKOUT) {
        if (prior->checkout_ms != 0)
            return CHECKIN_ALREADY_OUT;
        /* One extra scan soon after arriving must not end an internship day. */
        if (prior->ask_early_checkout && ev->min_stay_minutes > 0 &&
            now_ms - prior->checkin_ms < (int64_t)ev->min_stay_minutes * 60000)
            return CHECKIN_CONFIRM_CHECKOUT;
        return CHECKIN_CHECKED_OUT;
    }
    return CHECKIN_ALREADY;
}

/* A refused scan is only counted. Losing one count (disk full) must not hide the
 * refusal from the student, so a store failure is logged, not returned. */
static void count_refusal(store *st, lk_reason reason, int64_t now_ms)
{
    lk_status ls = store_count_refusal(st, reason, lk_local_yyyymmdd(now_ms));
    if (ls != LK_OK)
        fprintf(stderr, "checkin: refusal not counted: %s\n", lk_strerror(ls));
}

/* The student's experience at ev into *exp and what the rules need of it into
 * *prior (none yet: LK_OK, prior untouched). */
static lk_status read_prior(store *st, const config_event *ev, const pass *p, store_experience *exp,
                            checkin_prior *prior)
{
    lk_status ls = store_find_experience(st, ev->id, p->issuer, p->subject, exp);
    if (ls == LK_ERR_NOT_FOUND)
        return LK_OK;
    if (ls == LK_OK) {
        prior->has_experience = true;
        prior->checkin_ms = exp->checkin_ms;
        prior->checkout_ms = exp->checkout_ms;
    }
    return ls;
}

static lk_status write_checkin(store *st, const config *cfg, const config_event *ev,
                               const pass *p, int64_t now_ms, checkin_result *out, bool manual)
{
    store_experience *exp = &out->exp;
    memset(exp, 0, sizeof *exp);
    lk_strlcpy(exp->event_id, ev->id, sizeof exp->event_id);
    lk_strlcpy(exp->issuer, p->issuer, sizeof exp->issuer);
    lk_strlcpy(exp->subject, p->subject, sizeof exp->subject);
    exp->checkin_ms = now_ms;
    exp->manual = manual;
    lk_uuid4(exp->checkin_uuid, sizeof exp->checkin_uuid);
    char *json = manual ? xapi_checkin_manual(cfg, ev, p, exp->checkin_uuid, now_ms)
                        : xapi_checkin(cfg, ev, p, exp->checkin_uuid, now_ms);
    if (!json)
        return LK_ERR_NOMEM;
    store_statement stmt = {.uuid = exp->checkin_uuid, .kind = "checkin", .json = json};
    lk_status ls = store_record_checkin(st, exp, &stmt);
    free(json);
    if (ls == LK_ERR_EXISTS) {
        /* Another connection checked this student in between our read and write
         * (two kiosk processes on one database): report what is stored. */
        ls = store_find_experience(st, ev->id, p->issuer, p->subject, exp);
        if (ls == LK_OK)
            out->outcome = ev->mode == CONFIG_MODE_CHECKIN_CHECKOUT
                               ? (exp->checkout_ms ? CHECKIN_ALREADY_OUT : CHECKIN_ALREADY)
                               : CHECKIN_ALREADY;
    }
    return ls;
}

static lk_status write_checkout(store *st, const config *cfg, const config_event *ev, const pass *p,
                                int64_t now_ms, checkin_result *out)
{
    store_experience *exp = &out->exp;
    /* A clock stepped back must not make a negative duration. */
    int64_t duration = now_ms > exp->checkin_ms ? now_ms - exp->checkin_ms : 0;
    char uuid[37];
    lk_uuid4(uuid, sizeof uuid);
    char *json = xapi_checkout(cfg, ev, p, uuid, now_ms, exp->checkin_uuid, duration);
    if (!json)
        return LK_ERR_NOMEM;
    store_statement stmt = {.uuid = uuid, .kind = "checkout", .json = json};
    lk_status ls = store_record_checkout(st, exp->id, now_ms, &stmt);
    free(json);
    if (ls == LK_ERR_EXISTS) {
        ls = store_find_experience(st, ev->id, p->issuer, p->subject, exp);
        if (ls == LK_OK)
            out->outcome = CHECKIN_ALREADY_OUT;
        return ls;
    }
    if (ls == LK_OK) {
        exp->checkout_ms = now_ms;
        lk_strlcpy(exp->checkout_uuid, uuid, sizeof exp->checkout_uuid);
        out->duration_ms = duration;
    }
    return ls;
}

lk_status checkin_checkout(store *st, const config *cfg, const checkin_result *asked,
                           int64_t now_ms, checkin_result *out)
{
    if (!st || !cfg || !asked || !out || asked->outcome != CHECKIN_CONFIRM_CHECKOUT ||
        asked->exp.id <= 0)
        return LK_ERR_INVALID;
    const config_event *ev = config_active_event(cfg, now_ms);
    if (!ev || strcmp(ev->id, asked->exp.event_id) != 0 || ev->mode != CONFIG_MODE_CHECKIN_CHECKOUT)
        return LK_ERR_INVALID;
    *out = *asked;
    out->duration_ms = 0;
    /* The stored row, not the asked copy: another kiosk may have checked out meanwhile. */
    lk_status ls =
        store_find_experience(st, ev->id, asked->who.issuer, asked->who.subject, &out->exp);
    if (ls != LK_OK)
        return ls;
    if (out->exp.checkout_ms != 0) {
        out->outcome = CHECKIN_ALREADY_OUT;
        if (out->exp.checkout_ms > out->exp.checkin_ms)
            out->duration_ms = out->exp.checkout_ms - out->exp.checkin_ms;
        return LK_OK;
    }
    out->outcome = CHECKIN_CHECKED_OUT;
    return write_checkout(st, cfg, ev, &out->who, now_ms, out);
}

lk_status checkin_scan(store *st, const config *cfg, checkin_memory *mem, const char *payload,
                       int64_t now_ms, checkin_result *out)
{
    if (!st || !cfg || !payload || !out)
        return LK_ERR_INVALID;
    memset(out, 0, sizeof *out);

    lk_reason reason = pass_verify(payload, cfg, lk_local_yyyymmdd(now_ms), &out->who);
    if (reason != LK_REASON_NONE) {
        out->outcome = CHECKIN_REFUSED;
        out->reason = reason;
        /* The camera sees a refused code for many frames in a row: count it once and
         * keep ignoring it while it stays in view (the same sliding window as passes). */
        unsigned char h[16];
        crypto_generichash(h, sizeof h, (const unsigned char *)payload, strlen(payload), NULL, 0);
        if (mem && mem->refused_at_ms && memcmp(h, mem->refused_hash, sizeof h) == 0 &&
            same_window(mem->refused_at_ms, now_ms)) {
            mem->refused_at_ms = now_ms;
            out->outcome = CHECKIN_IGNORED;
            return LK_OK;
        }
        if (mem) {
            memcpy(mem->refused_hash, h, sizeof h);
            mem->refused_at_ms = now_ms;
        }
        count_refusal(st, reason, now_ms);
        return LK_OK;
    }
    const pass *p = &out->who;
    const config_event *ev = config_active_event(cfg, now_ms);

    checkin_prior prior;
    memset(&prior, 0, sizeof prior);
    if (mem) {
        lk_strlcpy(prior.last_payload_issuer, mem->issuer, sizeof prior.last_payload_issuer);
        lk_strlcpy(prior.last_payload_subject, mem->subject, sizeof prior.last_payload_subject);
        prior.last_scan_ms = mem->at_ms;
        prior.ask_early_checkout = mem->ask_early_checkout;
    }
    if (ev && p->role == PASS_ROLE_STUDENT) {
        lk_status ls = read_prior(st, ev, p, &out->exp, &prior);
        if (ls != LK_OK)
            return ls;
    }

    out->outcome = checkin_decide(p, ev, &prior, now_ms, &out->reason);
    lk_status ls = LK_OK;
    switch (out->outcome) {
    case CHECKIN_REFUSED: count_refusal(st, out->reason, now_ms); break;
    case CHECKIN_CHECKED_IN: ls = write_checkin(st, cfg, ev, p, now_ms, out, false); break;
    case CHECKIN_CHECKED_OUT: ls = write_checkout(st, cfg, ev, p, now_ms, out); break;
    case CHECKIN_IGNORED:
    case CHECKIN_ALREADY:
    case CHECKIN_ALREADY_OUT:
    case CHECKIN_CONFIRM_CHECKOUT:
    case CHECKIN_HOST:
    case CHECKIN_ADMIN:
        break;
    }
    if (ls != LK_OK)
        return ls; /* the repeat filter stays as it was: the student may scan again */

    if (out->outcome != CHECKIN_CHECKED_IN && out->outcome != CHECKIN_ALREADY &&
        out->outcome != CHECKIN_CHECKED_OUT && out->outcome != CHECKIN_ALREADY_OUT &&
        out->outcome != CHECKIN_CONFIRM_CHECKOUT)
        memset(&out->exp, 0, sizeof out->exp);
    if (out->outcome == CHECKIN_CONFIRM_CHECKOUT && now_ms > out->exp.checkin_ms)
        out->duration_ms = now_ms - out->exp.checkin_ms; /* "Je bent hier pas ..." */
    if (out->outcome == CHECKIN_ALREADY_OUT && out->exp.checkout_ms > out->exp.checkin_ms)
        out->duration_ms = out->exp.checkout_ms - out->exp.checkin_ms;

    /* Sliding window: a pass held in view keeps being ignored until it leaves. */
    if (mem) {
        lk_strlcpy(mem->issuer, p->issuer, sizeof mem->issuer);
        lk_strlcpy(mem->subject, p->subject, sizeof mem->subject);
        mem->at_ms = now_ms;
    }

    if (out->exp.id > 0) {
        store_person person;
        if (store_roster_find(st, p->issuer, p->subject, &person) == LK_OK)
            lk_strlcpy(out->first_name, person.first_name, sizeof out->first_name);
    }
    return LK_OK;
}

lk_status checkin_manual(store *st, const config *cfg, const char *issuer, const char *subject,
                         int64_t now_ms, checkin_result *out)
{
    if (!st || !cfg || !issuer || !subject || !out)
        return LK_ERR_INVALID;
    memset(out, 0, sizeof *out);
    store_person person;
    lk_status ls = store_roster_find(st, issuer, subject, &person);
    if (ls != LK_OK)
        return ls;
    pass *p = &out->who;
    lk_strlcpy(p->issuer, person.issuer, sizeof p->issuer);
    lk_strlcpy(p->subject, person.subject, sizeof p->subject);
    p->role = PASS_ROLE_STUDENT;
    if (!config_find_issuer(cfg, p->issuer)) {
        out->outcome = CHECKIN_REFUSED;
        out->reason = LK_REASON_UNKNOWN_ISSUER;
        return LK_OK;
    }
    const config_event *ev = config_active_event(cfg, now_ms);
    checkin_prior prior;
    memset(&prior, 0, sizeof prior);
    if (ev) {
        ls = read_prior(st, ev, p, &out->exp, &prior);
        if (ls != LK_OK)
            return ls;
    }
    out->outcome = checkin_decide(p, ev, &prior, now_ms, &out->reason);
    /* By hand only in, never out: a check-out needs the pass (or the host). */
    if (out->outcome == CHECKIN_CHECKED_OUT)
        out->outcome = CHECKIN_ALREADY;
    if (out->outcome == CHECKIN_CHECKED_IN)
        ls = write_checkin(st, cfg, ev, p, now_ms, out, true);
    else if (out->outcome == CHECKIN_REFUSED)
        memset(&out->exp, 0, sizeof out->exp);
    if (ls == LK_OK && out->exp.id > 0)
        lk_strlcpy(out->first_name, person.first_name, sizeof out->first_name);
    return ls;
}

lk_status checkin_save_answers(store *st, const config *cfg, const checkin_result *scan,
                               const reflection_session *refl, int64_t now_ms, int64_t clock_now_ms)
{
    if (!st || !cfg || !scan || !refl)
        return LK_ERR_INVALID;
    const config_event *ev = config_find_event(cfg, scan->exp.event_id);
    if (!ev || scan->exp.id <= 0)
        return LK_ERR_INVALID;
    size_t n = reflection_set_count(refl->set);
    assert(n <= REFLECTION_MAX_QUESTIONS); /* reflection_set_parse refuses more */
    store_answer ans[REFLECTION_MAX_QUESTIONS];
    char uuid[REFLECTION_MAX_QUESTIONS][37];
    char *json[REFLECTION_MAX_QUESTIONS] = {0};
    size_t m = 0;
    lk_status ls = LK_OK;
    for (size_t i = 0; i < n; i++) {
        const char *resp = reflection_response(refl, i);
        if (!resp)
            continue;
        const xapi_question *q = reflection_set_question(refl->set, i);
        int64_t back = clock_now_ms - refl->answers[i].answered_ms;
        int64_t ts = back > 0 ? now_ms - back : now_ms;
        lk_uuid4(uuid[m], sizeof uuid[m]);
        json[m] = xapi_answer(cfg, ev, &scan->who, uuid[m], ts, scan->exp.checkin_uuid, q, resp);
        if (!json[m]) {
            ls = LK_ERR_NOMEM;
            goto out;
        }
        ans[m] = (store_answer){q->id, q->competency, resp, ts, {uuid[m], "answer", json[m]}};
        m++;
    }
    if (m > 0)
        ls = store_record_answers(st, scan->exp.id, ans, m);
out:
    for (size_t i = 0; i < m; i++)
        free(json[i]);
    return ls;
}

lk_status checkin_confirm(store *st, const config *cfg, const config_event *ev, const pass *host,
                          const store_experience *exp, int64_t now_ms)
{
    if (!st || !cfg || !ev || !host || !exp || exp->id <= 0)
        return LK_ERR_INVALID;
    pass student;
    memset(&student, 0, sizeof student);
    lk_strlcpy(student.issuer, exp->issuer, sizeof student.issuer);
    lk_strlcpy(student.subject, exp->subject, sizeof student.subject);
    student.role = PASS_ROLE_STUDENT;
    char uuid[37];
    lk_uuid4(uuid, sizeof uuid);
    char *json = xapi_confirmation(cfg, ev, host, &student, uuid, now_ms, exp->checkin_uuid);
    if (!json)
        return LK_ERR_NOMEM;
    store_statement stmt = {uuid, "confirmation", json};
    lk_status ls =
        store_record_confirmation(st, exp->id, host->issuer, host->subject, now_ms, &stmt);
    free(json);
    return ls;
}

/* The student of exp as the statements name them (no pass was scanned). */
static void student_of(const store_experience *exp, pass *p)
{
    memset(p, 0, sizeof *p);
    lk_strlcpy(p->issuer, exp->issuer, sizeof p->issuer);
    lk_strlcpy(p->subject, exp->subject, sizeof p->subject);
    p->role = PASS_ROLE_STUDENT;
}

static bool checked_out(const store_experience *exp)
{
    return exp && exp->id > 0 && exp->checkout_ms > 0 && exp->checkout_uuid[0] &&
           exp->checkin_uuid[0] && exp->issuer[0] && exp->subject[0];
}

lk_status checkin_undo_checkout(store *st, const config *cfg, const store_experience *exp,
                                bool *voided)
{
    if (!st || !cfg || !checked_out(exp))
        return LK_ERR_INVALID;
    return store_correct_checkout(st, exp->id, exp->checkout_uuid, 0, NULL, xapi_voiding_fn,
                                  (void *)cfg, voided);
}

lk_status checkin_correct_checkout(store *st, const config *cfg, const store_experience *exp,
                                   int64_t checkout_ms, int64_t now_ms, bool *voided)
{
    if (!st || !cfg || !checked_out(exp) || checkout_ms < exp->checkin_ms || checkout_ms > now_ms ||
        checkout_ms <= 0 || checkout_ms == exp->checkout_ms)
        return LK_ERR_INVALID;
    const config_event *ev = config_find_event(cfg, exp->event_id);
    if (!ev)
        return LK_ERR_INVALID;
    pass student;
    student_of(exp, &student);
    char uuid[37];
    lk_uuid4(uuid, sizeof uuid);
    char *json = xapi_checkout_corrected(cfg, ev, &student, uuid, checkout_ms, exp->checkin_uuid,
                                         checkout_ms - exp->checkin_ms, exp->checkout_uuid);
    if (!json)
        return LK_ERR_NOMEM;
    store_statement stmt = {.uuid = uuid, .kind = "checkout", .json = json};
    lk_status ls = store_correct_checkout(st, exp->id, exp->checkout_uuid, checkout_ms, &stmt,
                                          xapi_voiding_fn, (void *)cfg, voided);
    free(json);
    return ls;
}
