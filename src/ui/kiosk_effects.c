/* What the flow's effects do on the UI thread: follow the event served now and its
 * question set, refresh the status line, run retention, write answers and host
 * confirmations through the core, export to USB, and take a scanned payload. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lobkiosk/clock.h"
#include "lobkiosk/export.h"
#include "lobkiosk/pin.h"
#include "lobkiosk/state.h"
#include "lobkiosk/trust.h"
#include "lobkiosk/util.h"
#include "lobkiosk/xapi.h"
#include "ui/kiosk_int.h"

/* --- event, question set, status ------------------------------------------------ */

/* Follows the event served now (it changes with the clock or the admin screen)
 * and loads its question set. */
void kiosk_follow_event(kiosk *k)
{
    const config_event *ev = config_active_event(k->cfg, lk_now_ms());
    const char *id = ev ? ev->id : "";
    if (strcmp(id, k->ev_id) == 0 && k->v.ev == ev)
        return;
    lk_strlcpy(k->ev_id, id, sizeof k->ev_id);
    k->v.ev = ev;
    k->f.mode = ev ? ev->mode : CONFIG_MODE_CHECKIN;
    /* "default" is the set made for the event's kind, when there is one */
    const char *set_name =
        ev && ev->questions[0] ? reflection_set_for(k->cfg->assets_dir, ev->questions, ev->kind) : "";
    if (strcmp(set_name, k->set_name) != 0 || (!k->set && set_name[0])) {
        /* A reflection in progress keeps its own borrowed set until it ends; the
         * flow holds answers only, so swap only outside a reflection. */
        if (k->f.screen == FLOW_REFLECTION)
            return;
        reflection_set_destroy(k->set);
        k->set = NULL;
        lk_strlcpy(k->set_name, set_name, sizeof k->set_name);
        if (set_name[0]) {
            char err[256];
            if (reflection_set_load(k->cfg->assets_dir, set_name, &k->set, err, sizeof err) !=
                LK_OK)
                fprintf(stderr, "lobkiosk: %s\n", err);
        }
        k->f.set = k->set;
    }
    k->dirty = true;
}

/* Retention ([kiosk] retention_days): right after the first idle frame of a run,
 * then once a local day when the kiosk has stood idle for a minute (nobody waits
 * while old statements are deleted); on the UI thread's own store connection. */
static void retention_purge(kiosk *k)
{
    if (k->cfg->retention_days <= 0 || k->f.screen != FLOW_IDLE)
        return;
    bool first = k->purged_day == 0 && k->first_frame_done;
    if (!first && lk_mono_ms() - k->f.since_ms < 60000)
        return;
    int today = lk_local_yyyymmdd(lk_now_ms());
    if (today == k->purged_day)
        return;
    k->purged_day = today;
    store_purge_stats ps;
    lk_status ls = store_purge(k->st, (int64_t)k->cfg->retention_days * STORE_DAY_MS, &ps);
    if (ls == LK_ERR_CLOCK)
        fprintf(stderr, "lobkiosk: retention: %s; it is tried again tomorrow\n", ps.refused);
    else if (ls != LK_OK)
        fprintf(stderr, "lobkiosk: retention purge failed; it is tried again tomorrow\n");
    else if (ps.statements || ps.roster)
        fprintf(stderr, "lobkiosk: retention: removed %lld sent statements, %lld roster rows\n",
                (long long)ps.statements, (long long)ps.roster);
}

/* The clock: whether it is synchronised (every second: cheap), and once a minute
 * or as soon as it becomes synchronised, what the store makes of it: a jump is
 * logged, records made on the unsynchronised clock in this boot are corrected. */
static void watch_clock(kiosk *k)
{
    bool synced = clock_synced();
    int64_t mono = lk_mono_ms();
    if (synced != !k->v.clock_unsynced)
        k->dirty = true;
    bool became = synced && k->v.clock_unsynced;
    k->v.clock_unsynced = !synced;
    if (!became && mono < k->next_clock_ms)
        return;
    k->next_clock_ms = mono + 60000;
    lk_clock c;
    clock_read(&c);
    int64_t jumped = 0, fixed = 0;
    if (store_clock_observe(k->st, &c, &jumped) == LK_OK && jumped > 0)
        fprintf(stderr, "lobkiosk: clock: the wall clock jumped %lld s ahead of the boot clock\n",
                (long long)(jumped / 1000));
    if (c.synced && store_clock_correct(k->st, &c, &fixed) == LK_OK && fixed > 0) {
        fprintf(stderr,
                "lobkiosk: clock: synchronised; %lld records made before got their true time\n",
                (long long)fixed);
        sync_wake(k->sync);
    }
}

/* A newer trust list the sync downloaded: the schools, keys and revocations in it
 * count from the next scan (this thread is the only one that reads the issuers;
 * a school's own LRS in it is used from the next start). */
static void follow_trust_list(kiosk *k)
{
    if (!sync_trust_changed(k->sync))
        return;
    char err[512];
    trust_meta m;
    config_drop_trust_list(k->cfg);
    lk_status st =
        trust_apply_installed(k->cfg, lk_local_yyyymmdd(lk_now_ms()), &m, err, sizeof err);
    if (st == LK_OK)
        fprintf(stderr, "kiosk: trust list version %ld of %s in use (%zu schools)\n", m.version,
                m.region, m.n_issuers);
    else
        fprintf(stderr, "kiosk: trust list not used: %s\n", err);
}

void kiosk_refresh_status(kiosk *k)
{
    watch_clock(k);
    follow_trust_list(k);
    /* The admin and clock screens show the time: redraw when the minute turns. */
    int64_t minute = lk_now_ms() / 60000;
    if ((k->f.screen == FLOW_ADMIN || k->f.screen == FLOW_CLOCK) && minute != k->v.wall_ms / 60000)
        k->dirty = true;
    retention_purge(k);
    kiosk_follow_event(k);
    int count = 0;
    if (k->v.ev && store_count_checkins(k->st, k->v.ev->id, lk_now_ms(), &count) != LK_OK)
        count = k->v.count_today;
    framesrc_state cam = k->sc ? scanner_camera_state(k->sc) : FRAMESRC_NONE;
    if (!k->v.has_camera)
        cam = FRAMESRC_NONE;
    sync_status ss;
    sync_status_get(k->sync, &ss);
    if (!k->sync) {
        /* Sync off or not started: still show what waits in the outbox. */
        store_outbox_stats os;
        if (store_outbox_stats_get(k->st, &os) == LK_OK) {
            ss.queued = os.queued;
            ss.last_sync_ms = os.last_sent_ms;
        }
    }
    if (count != k->v.count_today || cam != k->v.camera || ss.state != k->v.sync.state ||
        ss.queued != k->v.sync.queued || ss.last_sync_ms != k->v.sync.last_sync_ms)
        k->dirty = true;
    /* of several destinations, the one that most needs a look, for the admin screen */
    size_t nd = sync_dest_count(k->sync);
    ui_dest worst = {0};
    for (size_t i = 0; i < nd; i++) {
        ui_dest d;
        sync_dest_status(k->sync, i, &d.st, d.issuer, sizeof d.issuer);
        if (i == 0 || sync_state_severity(d.st.state) > sync_state_severity(worst.st.state) ||
            (sync_state_severity(d.st.state) == sync_state_severity(worst.st.state) &&
             d.st.queued > worst.st.queued))
            worst = d;
    }
    if (nd != k->v.n_dests || worst.st.state != k->v.dest_worst.st.state ||
        worst.st.queued != k->v.dest_worst.st.queued || strcmp(worst.issuer, k->v.dest_worst.issuer))
        k->dirty = true;
    k->v.dest_worst = worst;
    k->v.n_dests = nd;
    k->v.count_today = count;
    k->v.camera = cam;
    k->v.sync = ss;
}

/* --- effects ---------------------------------------------------------------------- */

typedef struct row_list {
    kiosk *k;
    int today;
} row_list;

static void collect_row(const store_experience *e, void *user)
{
    row_list *rl = user;
    kiosk *k = rl->k;
    if (lk_local_yyyymmdd(e->checkin_ms) != rl->today)
        return;
    if (k->n_rows == k->cap_rows) {
        size_t cap = k->cap_rows ? k->cap_rows * 2 : 32;
        ui_host_row *nr = realloc(k->rows, cap * sizeof *nr);
        if (!nr)
            return;
        k->rows = nr;
        size_t *no = realloc(k->co_order, cap * sizeof *no);
        if (!no)
            return;
        k->co_order = no;
        k->cap_rows = cap;
    }
    ui_host_row *r = &k->rows[k->n_rows++];
    memset(r, 0, sizeof *r);
    r->experience_id = e->id;
    lk_strlcpy(r->issuer, e->issuer, sizeof r->issuer);
    lk_strlcpy(r->subject, e->subject, sizeof r->subject);
    lk_strlcpy(r->checkin_uuid, e->checkin_uuid, sizeof r->checkin_uuid);
    lk_strlcpy(r->checkout_uuid, e->checkout_uuid, sizeof r->checkout_uuid);
    r->checkin_ms = e->checkin_ms;
    r->checkout_ms = e->checkout_ms;
    r->confirmed = e->confirmed;
}

static const ui_host_row *co_rows; /* for co_newest_first (UI thread only) */

static int co_newest_first(const void *a, const void *b)
{
    const ui_host_row *x = &co_rows[*(const size_t *)a], *y = &co_rows[*(const size_t *)b];
    if (x->checkout_ms != y->checkout_ms)
        return x->checkout_ms < y->checkout_ms ? 1 : -1;
    return x->experience_id < y->experience_id ? 1 : x->experience_id > y->experience_id ? -1 : 0;
}

/* Today's experiences at the event (host screen), the per-hour counts and the
 * check-outs, newest first (admin). */
static void load_rows(kiosk *k)
{
    k->n_rows = 0;
    memset(k->v.per_hour, 0, sizeof k->v.per_hour);
    if (k->v.ev) {
        int64_t now = lk_now_ms();
        row_list rl = {k, lk_local_yyyymmdd(now)};
        /* a day and a half either side; collect_row keeps today's: an index range, not
         * every check-in of an event that runs all year */
        if (store_each_experience_between(k->st, k->v.ev->id, now - 36 * 3600000LL,
                                          now + 36 * 3600000LL, collect_row, &rl) != LK_OK)
            fprintf(stderr, "lobkiosk: reading today's check-ins failed\n");
    }
    for (size_t i = 0; i < k->n_rows; i++) {
        store_person p;
        if (store_roster_find(k->st, k->rows[i].issuer, k->rows[i].subject, &p) == LK_OK) {
            lk_strlcpy(k->rows[i].first_name, p.first_name, sizeof k->rows[i].first_name);
            lk_strlcpy(k->rows[i].group, p.group, sizeof k->rows[i].group);
        }
        time_t t = (time_t)(k->rows[i].checkin_ms / 1000);
        struct tm tm;
        if (localtime_r(&t, &tm))
            k->v.per_hour[tm.tm_hour]++;
    }
    k->n_co = 0;
    for (size_t i = 0; i < k->n_rows; i++)
        if (k->rows[i].checkout_ms > 0 && k->rows[i].checkout_uuid[0])
            k->co_order[k->n_co++] = i;
    co_rows = k->rows;
    if (k->n_co > 1)
        qsort(k->co_order, k->n_co, sizeof *k->co_order, co_newest_first);
    k->v.rows = k->rows;
    k->v.n_rows = k->n_rows;
    k->v.co_order = k->co_order;
    k->v.n_co = k->n_co;
}

/* The admin chose a check-out (row f.co_pick): its screen opens with a copy. */
static unsigned checkout_pick(kiosk *k)
{
    flow *f = &k->f;
    if (f->co_pick < 0 || (size_t)f->co_pick >= k->n_rows || !k->v.ev)
        return 0;
    const ui_host_row *r = &k->rows[f->co_pick];
    flow_checkout c;
    memset(&c, 0, sizeof c);
    c.experience_id = r->experience_id;
    lk_strlcpy(c.event_id, k->v.ev->id, sizeof c.event_id);
    lk_strlcpy(c.issuer, r->issuer, sizeof c.issuer);
    lk_strlcpy(c.subject, r->subject, sizeof c.subject);
    lk_strlcpy(c.first_name, r->first_name, sizeof c.first_name);
    lk_strlcpy(c.group, r->group, sizeof c.group);
    lk_strlcpy(c.checkin_uuid, r->checkin_uuid, sizeof c.checkin_uuid);
    lk_strlcpy(c.checkout_uuid, r->checkout_uuid, sizeof c.checkout_uuid);
    c.checkin_ms = r->checkin_ms;
    c.checkout_ms = r->checkout_ms;
    return flow_checkout_picked(f, &c, lk_now_ms(), lk_mono_ms());
}

/* Undoes (undo) or corrects the check-out f.co; the notice says how it went. The
 * log names the experience row only, never the student. */
static unsigned checkout_fix(kiosk *k, bool undo)
{
    flow *f = &k->f;
    store_experience e;
    memset(&e, 0, sizeof e);
    e.id = f->co.experience_id;
    lk_strlcpy(e.event_id, f->co.event_id, sizeof e.event_id);
    lk_strlcpy(e.issuer, f->co.issuer, sizeof e.issuer);
    lk_strlcpy(e.subject, f->co.subject, sizeof e.subject);
    lk_strlcpy(e.checkin_uuid, f->co.checkin_uuid, sizeof e.checkin_uuid);
    lk_strlcpy(e.checkout_uuid, f->co.checkout_uuid, sizeof e.checkout_uuid);
    e.checkin_ms = f->co.checkin_ms;
    e.checkout_ms = f->co.checkout_ms;
    bool voided = false;
    int64_t now = lk_now_ms();
    int64_t to = f->co_time_ms > now ? now : f->co_time_ms; /* the picker's "now" is older */
    lk_status st = undo ? checkin_undo_checkout(k->st, k->cfg, &e, &voided)
                        : checkin_correct_checkout(k->st, k->cfg, &e, to, now, &voided);
    const char *key;
    if (st == LK_OK) {
        fprintf(stderr, "lobkiosk: check-out of experience %lld %s by the admin (%s)\n",
                (long long)e.id, undo ? "undone" : "corrected",
                voided ? "the old statement voided" : "the old statement deleted before sending");
        key = undo ? "checkouts.undone_ok" : "checkouts.corrected_ok";
        sync_wake(k->sync);
        k->next_status = 0;
    } else {
        fprintf(stderr, "lobkiosk: changing the check-out of experience %lld failed: %s\n",
                (long long)e.id, lk_strerror(st));
        key = st == LK_ERR_NOT_FOUND ? "checkouts.changed" : "checkouts.failed";
    }
    return flow_checkout_fixed(f, key, lk_mono_ms());
}

/* The host confirms row i (a student at the host's event). */
static void confirm_row(kiosk *k, size_t i)
{
    const ui_host_row *r = &k->rows[i];
    if (r->confirmed || !k->v.ev)
        return;
    store_experience e;
    memset(&e, 0, sizeof e);
    e.id = r->experience_id;
    lk_strlcpy(e.issuer, r->issuer, sizeof e.issuer);
    lk_strlcpy(e.subject, r->subject, sizeof e.subject);
    lk_strlcpy(e.checkin_uuid, r->checkin_uuid, sizeof e.checkin_uuid);
    lk_status st = checkin_confirm(k->st, k->cfg, k->v.ev, &k->f.scan.who, &e, lk_now_ms());
    if (st != LK_OK && st != LK_ERR_EXISTS)
        fprintf(stderr, "lobkiosk: confirmation failed: %s\n", lk_strerror(st));
}

/* Writes the answers in f.save with their statements, one transaction. */
static bool save_answers(kiosk *k)
{
    const flow_pending *p = &k->f.save;
    lk_status st =
        checkin_save_answers(k->st, k->cfg, &p->scan, &p->refl, lk_now_ms(), lk_mono_ms());
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk: saving answers failed: %s\n", lk_strerror(st));
        return false;
    }
    sync_wake(k->sync);
    return true;
}

/* The i18n key of the notice an export's outcome gets. */
static const char *export_key(lk_status st)
{
    return st == LK_OK              ? "admin.export_ok"
           : st == LK_ERR_NOT_FOUND ? "admin.export_none"
                                    : "admin.export_failed";
}

/* The admin's USB export: started on a thread of its own; kiosk_export_tick shows
 * how far it is and, at the end, the notice. A tap while one runs does nothing. */
static void export_usb(kiosk *k)
{
    if (k->exp)
        return;
    k->exp = export_job_start(k->cfg, lk_now_ms());
    if (!k->exp) {
        flow_notice(&k->f, export_key(LK_ERR_NOMEM), lk_mono_ms());
        return;
    }
    k->v.exporting = true;
    k->v.export_percent = 0;
    flow_notice(&k->f, NULL, lk_mono_ms());
    k->dirty = true;
}

/* After a USB export: a region's trust list at the top of the stick (trust.json) is
 * installed by the same rules as `lobkiosk trust import` and used from the next
 * scan. The notice to show instead of the export's, or NULL when the stick has no
 * list (or the kiosk has no region key) or it is the list already in use. */
static const char *trust_from_usb(kiosk *k)
{
    char dir[CONFIG_PATH_MAX], path[CONFIG_PATH_MAX + 16];
    if (!k->cfg->trust.has_region_key || export_usb_target(k->cfg, dir, sizeof dir) != LK_OK ||
        !lk_path_join(path, sizeof path, dir, "trust.json"))
        return NULL;
    char *text = NULL;
    size_t len = 0;
    if (lk_read_file(path, &text, &len) != LK_OK)
        return NULL;
    char err[512];
    trust_meta m;
    lk_status st = trust_install(k->cfg, text, len, lk_local_yyyymmdd(lk_now_ms()), &m, err,
                                 sizeof err);
    free(text);
    if (st == LK_ERR_EXISTS)
        return NULL;
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk: trust list on the USB stick not used: %s\n", err);
        return "admin.trust_failed";
    }
    config_drop_trust_list(k->cfg);
    st = trust_apply_installed(k->cfg, lk_local_yyyymmdd(lk_now_ms()), &m, err, sizeof err);
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk: trust list not used: %s\n", err);
        return "admin.trust_failed";
    }
    fprintf(stderr, "lobkiosk: trust list version %ld of %s from the USB stick in use\n",
            m.version, m.region);
    return "admin.trust_ok";
}

void kiosk_export_tick(kiosk *k)
{
    if (!k->exp)
        return;
    int pct = 0;
    lk_status st = LK_OK;
    if (export_job_poll(k->exp, &pct, &st)) {
        if (pct != k->v.export_percent) {
            k->v.export_percent = pct;
            k->dirty = true;
        }
        return;
    }
    st = export_job_finish(k->exp);
    k->exp = NULL;
    k->v.exporting = false;
    const char *trust = st == LK_OK ? trust_from_usb(k) : NULL;
    flow_notice(&k->f, trust ? trust : export_key(st), lk_mono_ms());
    k->dirty = true;
}

/* The language button. On the admin screen it changes the kiosk's own language;
 * elsewhere it is the student's choice, for their turn only. */
static void toggle_language(kiosk *k)
{
    const char *next = strcmp(i18n_language(k->tr), "nl") == 0 ? "en" : "nl";
    if (i18n_set_language(k->tr, next))
        draw_flush_cache(k->d);
    if (k->f.screen == FLOW_ADMIN)
        lk_strlcpy(k->home_lang, i18n_language(k->tr), sizeof k->home_lang);
}

/* A student's turn ended: the next one starts in the kiosk's own language. */
static void reset_language(kiosk *k)
{
    if (strcmp(i18n_language(k->tr), k->home_lang) != 0 && i18n_set_language(k->tr, k->home_lang))
        draw_flush_cache(k->d);
}

/* Forgot the pass: the roster students whose first name starts with what was typed. */
static void manual_search(kiosk *k)
{
    store_person found[FLOW_MANUAL_SHOWN + 1];
    size_t n = 0;
    if (store_roster_search(k->st, k->f.text, NULL, found, FLOW_MANUAL_SHOWN + 1, &n) != LK_OK)
        n = 0; /* said on stderr by the store; the screen says "nobody found" */
    flow_manual_found(&k->f, found, n);
}

/* The student tapped on the forgot-the-pass screen, checked in by hand: the screen
 * then goes on as after a scan (welcome, reflection). */
static void manual_checkin(kiosk *k)
{
    flow *f = &k->f;
    if (f->manual_pick < 0 || (size_t)f->manual_pick >= f->manual_n)
        return;
    const store_person *p = &f->manual[f->manual_pick];
    checkin_result r;
    lk_status st = checkin_manual(k->st, k->cfg, p->issuer, p->subject, lk_now_ms(), &r);
    unsigned fx;
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk: check-in by hand failed: %s\n", lk_strerror(st));
        fx = flow_scan_failed(f, lk_mono_ms());
    } else {
        fx = flow_scan(f, &r, lk_mono_ms());
        if (r.outcome == CHECKIN_CHECKED_IN) {
            sync_wake(k->sync);
            k->v.count_today++;
            k->next_status = 0;
        }
    }
    kiosk_apply(k, fx);
}

void kiosk_apply(kiosk *k, unsigned fx)
{
    flow *f = &k->f;
    /* before the answers are queued: the done screen says "in your dossier" only
     * once the LRS accepted a batch after this */
    int64_t t0 = lk_now_ms();
    flow_screen before = f->screen;
    int64_t since = f->since_ms;
    if (fx & FLOW_FX_SAVE)
        fx |= flow_saved(f, save_answers(k), lk_mono_ms());
    if (fx & FLOW_FX_SOUND_OK)
        sound_play(k->snd, SOUND_OK);
    if (fx & FLOW_FX_SOUND_REFUSE)
        sound_play(k->snd, SOUND_REFUSE);
    if (fx & FLOW_FX_QUIT)
        k->running = false;
    if (fx & FLOW_FX_SYNC_NOW)
        sync_request_now(k->sync);
    if (fx & FLOW_FX_LANGUAGE_RESET)
        reset_language(k);
    if (fx & FLOW_FX_LANGUAGE)
        toggle_language(k);
    if (fx & FLOW_FX_EVENT) {
        if (f->event_choice >= 0 && (size_t)f->event_choice < k->cfg->n_events)
            lk_strlcpy(k->cfg->event_id, k->cfg->events[f->event_choice].id,
                       sizeof k->cfg->event_id);
        else
            k->cfg->event_id[0] = '\0';
        (void)state_save_event(k->cfg); /* a failure is said on stderr */
        kiosk_follow_event(k);
        kiosk_refresh_status(k);
    }
    if (fx & FLOW_FX_CONFIRM) {
        if (f->confirm_row >= 0 && (size_t)f->confirm_row < k->n_rows)
            confirm_row(k, (size_t)f->confirm_row);
        else if (f->confirm_row < 0) {
            k->undo_since_ms = lk_now_ms(); /* what "Ongedaan maken" takes back */
            for (size_t i = 0; i < k->n_rows; i++)
                confirm_row(k, i);
        }
        sync_wake(k->sync);
    }
    if (fx & FLOW_FX_UNDO_CONFIRM) {
        size_t removed = 0, voided = 0;
        lk_status st =
            store_undo_confirmations(k->st, f->scan.who.issuer, f->scan.who.subject,
                                     k->undo_since_ms, xapi_voiding_fn, k->cfg, &removed, &voided);
        if (st != LK_OK)
            fprintf(stderr, "lobkiosk: undoing the confirmations failed: %s\n", lk_strerror(st));
        else
            fprintf(stderr, "lobkiosk: confirmations undone: %zu not sent yet, %zu voided\n",
                    removed, voided);
        sync_wake(k->sync);
    }
    if (fx & FLOW_FX_CHECKOUT_UNDO)
        fx |= checkout_fix(k, true);
    if (fx & FLOW_FX_CHECKOUT_TIME)
        fx |= checkout_fix(k, false);
    if (fx & (FLOW_FX_HOST_LOAD | FLOW_FX_ADMIN_LOAD))
        load_rows(k);
    if (fx & FLOW_FX_CHECKOUT_PICK)
        fx |= checkout_pick(k);
    if (fx & FLOW_FX_CHECK_PIN) {
        /* Argon2 takes a fraction of a second: acceptable on the admin's keypad. */
        bool ok = pin_verify(k->cfg->ui.admin_pin_hash, f->pin);
        int64_t mono = lk_mono_ms();
        fx |= flow_pin_result(f, ok, mono);
        /* kept across restarts: a restart must not open the pad or reset the count */
        int64_t left = pin_guard_remaining(&f->pin_guard, mono);
        if (store_pin_guard_save(k->st, f->pin_guard.failures, left ? lk_now_ms() + left : 0) !=
            LK_OK)
            fprintf(stderr, "lobkiosk: the PIN lockout could not be kept in the database\n");
        if (ok)
            load_rows(k);
    }
    if (fx & FLOW_FX_EXPORT)
        export_usb(k);
    if (fx & FLOW_FX_SET_CLOCK) {
        char msg[200];
        int64_t to = lk_now_ms() + f->clock_delta_ms;
        lk_status st = clock_set_wall(to, msg, sizeof msg);
        if (st != LK_OK)
            fprintf(stderr, "lobkiosk: clock: not set (%s): %s\n", lk_strerror(st), msg);
        else
            fprintf(stderr, "lobkiosk: clock: set by the admin screen\n");
        fx |= flow_clock_result(f,
                                st == LK_OK           ? "clock.set_ok"
                                : st == LK_ERR_PERMISSION ? "clock.set_denied"
                                                          : "clock.set_failed",
                                lk_mono_ms());
        k->next_clock_ms = 0; /* look at the clock again now */
    }
    if (fx & FLOW_FX_CHECKOUT) {
        /* the student said yes to "Wil je uitchecken?" */
        checkin_result r;
        lk_status st = checkin_checkout(k->st, k->cfg, &f->scan, lk_now_ms(), &r);
        unsigned more;
        if (st != LK_OK) {
            fprintf(stderr, "lobkiosk: check-out failed: %s\n", lk_strerror(st));
            more = flow_scan_failed(f, lk_mono_ms());
        } else {
            more = flow_checkout_result(f, &r, lk_mono_ms());
            sync_wake(k->sync);
            k->next_status = 0;
        }
        kiosk_apply(k, more);
    }
    if (fx & FLOW_FX_MANUAL_SEARCH)
        manual_search(k);
    if (fx & FLOW_FX_MANUAL_CHECKIN)
        manual_checkin(k);
    if (f->screen == FLOW_DONE && (fx & FLOW_FX_REDRAW))
        kiosk_make_qr(k);
    if (f->screen == FLOW_DONE && (before != FLOW_DONE || since != f->since_ms)) {
        k->v.done_wall_ms = t0;
        k->v.done_quarantined = k->v.sync.quarantined;
        k->next_status = 0; /* look at the sync again soon */
    }
    if (fx)
        k->dirty = true;
}

/* A payload from the camera, the USB scanner or a script. checkin_scan runs on the
 * UI thread on purpose: it is one short transaction with fsync, and the screen may
 * only say welcome after the database did; the next frame shows the outcome. */
void kiosk_on_payload(kiosk *k, const char *payload)
{
    k->scan_t0 = SDL_GetPerformanceCounter();
    /* the Return that ended this burst (a camera's payload has none) */
    k->scan_input_ms = k->input_ms && lk_mono_ms() - k->input_ms < 5000 ? k->input_ms : 0;
    k->input_ms = 0;
    checkin_result r;
    lk_status st = checkin_scan(k->st, k->cfg, &k->mem, payload, lk_now_ms(), &r);
    unsigned fx;
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk: check-in failed: %s\n", lk_strerror(st));
        fx = flow_scan_failed(&k->f, lk_mono_ms());
    } else {
        fx = flow_scan(&k->f, &r, lk_mono_ms());
        if (r.outcome == CHECKIN_CHECKED_IN || r.outcome == CHECKIN_CHECKED_OUT) {
            sync_wake(k->sync);
            k->v.count_today += r.outcome == CHECKIN_CHECKED_IN;
            k->next_status = 0;
        }
    }
    if (fx == 0)
        k->scan_t0 = k->scan_input_ms = 0; /* ignored: nothing to present */
    kiosk_apply(k, fx);
}
