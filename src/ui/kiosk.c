/* The kiosk loop. The UI thread owns SDL, the flow and its own store connection;
 * the scanner and sync threads run beside it and are only asked for snapshots.
 * It sleeps in SDL_WaitEventTimeout until an event, a flow deadline, a preview
 * frame (capped), a script step or the once-a-second status refresh is due, and it
 * draws only when something changed, so an idle kiosk costs next to no CPU. */
#include "ui/kiosk.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lobkiosk/checkin.h"
#include "lobkiosk/evdev.h"
#include "lobkiosk/export.h"
#include "lobkiosk/i18n.h"
#include "lobkiosk/pin.h"
#include "lobkiosk/qrcode.h"
#include "lobkiosk/reflection.h"
#include "lobkiosk/scanner.h"
#include "lobkiosk/store.h"
#include "lobkiosk/sync.h"
#include "lobkiosk/util.h"
#include "lobkiosk/wedge.h"
#include "lobkiosk/xapi.h"
#include "ui/draw.h"
#include "ui/flow.h"
#include "ui/screens.h"
#include "ui/sound.h"

#include <qrencode.h>

#define STATUS_EVERY_MS 1000 /* idle status refresh (count, sync, camera) */
#define HIT_SHOW_MS 700      /* how long the outline of a seen code stays */
#define PREVIEW_MAX_W 2048   /* widest preview texture (column table on the stack) */

typedef struct kiosk {
    config *cfg;                  /* borrowed; event_id changes from the admin screen */
    const kiosk_options *opt;     /* borrowed */
    SDL_Window *win;
    SDL_Renderer *ren;
    int w, h;                     /* output size */
    draw *d;
    ui_screens scr;
    i18n *tr;
    flow f;
    ui_view v;
    store *st;                    /* the UI thread's own connection */
    checkin_memory mem;           /* repeat filter */
    scanner *sc;                  /* camera thread, NULL = none */
    uint64_t last_hit;            /* last scanner hit taken */
    int64_t hit_until;            /* outline shown until (mono) */
    evdev *ev_in;                 /* grabbed USB scanner, NULL = SDL text only */
    wedge *wg;                    /* keyboard-wedge assembler (lk_mono_ms clock) */
    int64_t sdl_to_mono;          /* lk_mono_ms() - SDL_GetTicks() */
    sync_thread *sync;            /* NULL = sync off */
    sound *snd;
    reflection_set *set;          /* the question set of the event */
    char set_name[64];            /* its name */
    char ev_id[64];               /* the event served now ("" = none) */
    SDL_Texture *preview;         /* streaming texture in the window's 32-bit format */
    Uint32 preview_fmt;           /* that format */
    int preview_w, preview_h;     /* its size */
    uint64_t preview_seq;         /* frame shown */
    int64_t next_preview;         /* when to look for a new frame (mono) */
    bool preview_dirty;           /* only the preview changed since the last frame */
    unsigned preview_frames;      /* preview-only frames since the last full one */
    bool retained;                /* the renderer keeps the last frame (software) */
    SDL_Texture *base;            /* else: the last full idle frame, to redraw the preview on */
    int base_w, base_h;           /* its size */
    SDL_Texture *qr;              /* done-screen QR */
    ui_host_row *rows;            /* host screen rows */
    size_t n_rows, cap_rows;
    char pressed[SCREENS_ID_MAX]; /* the button held down, "" = none */
    unsigned presses;             /* presses since the script's last expect-presses */
    bool finger_down;             /* a finger presses now (one press at a time) */
    SDL_TouchID finger_touch;     /* its device */
    SDL_FingerID finger_id;       /* and its id */
    int64_t finger_t0;            /* when it went down (mono) */
    SDL_FingerID script_finger;   /* the script's next finger id */
    bool dirty;                   /* draw at the next chance */
    bool running;
    int64_t next_status;          /* mono time of the next status refresh */
    int purged_day;               /* local YYYYMMDD of the last retention purge, 0 = none */
    /* script mode */
    FILE *script;
    int script_line;
    int64_t script_wait;          /* mono time the script sleeps until */
    int failures;                 /* failed script checks */
    /* latency */
    Uint64 scan_t0;               /* performance counter at payload arrival, 0 = none */
    bool first_frame_done;        /* the first frame was presented */
    int shown;                    /* flow_screen of the last frame presented, -1 = none */
    bool can_wait;                /* the video driver sleeps in SDL_WaitEventTimeout */
} kiosk;

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    (void)sig;
    stop_signal = 1;
}

static int64_t mono(void)
{
    return lk_mono_ms();
}

/* --- event, question set, status ------------------------------------------------ */

/* Follows the event served now (it changes with the clock or the admin screen)
 * and loads its question set. */
static void follow_event(kiosk *k)
{
    const config_event *ev = config_active_event(k->cfg, lk_now_ms());
    const char *id = ev ? ev->id : "";
    if (strcmp(id, k->ev_id) == 0 && k->v.ev == ev)
        return;
    lk_strlcpy(k->ev_id, id, sizeof k->ev_id);
    k->v.ev = ev;
    k->f.mode = ev ? ev->mode : CONFIG_MODE_CHECKIN;
    const char *set_name = ev && ev->questions[0] ? ev->questions : "";
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
            if (reflection_set_load(k->cfg->assets_dir, set_name, &k->set, err, sizeof err) != LK_OK)
                fprintf(stderr, "lobkiosk: %s\n", err);
        }
        k->f.set = k->set;
    }
    k->dirty = true;
}

/* Retention ([kiosk] retention_days): right after the first idle frame of a run,
 * then once a local day when the kiosk has stood idle for a minute (nobody waits
 * while VACUUM rewrites the file); on the UI thread's own store connection. */
static void retention_purge(kiosk *k)
{
    if (k->cfg->retention_days <= 0 || k->f.screen != FLOW_IDLE)
        return;
    bool first = k->purged_day == 0 && k->first_frame_done;
    if (!first && mono() - k->f.since_ms < 60000)
        return;
    int today = lk_local_yyyymmdd(lk_now_ms());
    if (today == k->purged_day)
        return;
    k->purged_day = today;
    store_purge_stats ps;
    if (store_purge(k->st, (int64_t)k->cfg->retention_days * STORE_DAY_MS, &ps) != LK_OK)
        fprintf(stderr, "lobkiosk: retention purge failed; it is tried again tomorrow\n");
    else if (ps.statements || ps.roster)
        fprintf(stderr, "lobkiosk: retention: removed %lld sent statements, %lld roster rows\n",
                (long long)ps.statements, (long long)ps.roster);
}

static void refresh_status(kiosk *k)
{
    retention_purge(k);
    follow_event(k);
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
    k->v.count_today = count;
    k->v.camera = cam;
    k->v.sync = ss;
}

/* --- the admin's event choice, kept across restarts ------------------------------ */

/* data_dir/kiosk-state.ini holds the event an admin chose on the admin screen, so
 * a restart (power cut, update, watchdog) serves the same event. kiosk.ini stays
 * untouched: it may be read-only or managed centrally. "event =" (empty) means the
 * admin chose "by time". */
#define STATE_FILE "kiosk-state.ini"

static bool state_path(const config *cfg, char *buf, size_t len)
{
    return cfg->data_dir[0] && lk_path_join(buf, len, cfg->data_dir, STATE_FILE);
}

static void save_event_choice(const config *cfg)
{
    char path[CONFIG_PATH_MAX + 32], text[192];
    if (!state_path(cfg, path, sizeof path))
        return;
    int n = snprintf(text, sizeof text,
                     "; The event chosen on the admin screen; lobkiosk writes this file.\n"
                     "; Empty: by time. Delete the file to follow kiosk.ini again.\n"
                     "[kiosk]\nevent = %s\n",
                     cfg->event_id);
    if (n < 0 || (size_t)n >= sizeof text)
        return;
    lk_status st = lk_write_file(path, text, (size_t)n, 0600, false);
    if (st != LK_OK)
        fprintf(stderr, "lobkiosk: could not keep the chosen event in %s: %s\n", path, lk_strerror(st));
}

/* Applies a kept choice to cfg->event_id. An event that is no longer in kiosk.ini
 * leaves kiosk.ini's own choice ([kiosk] event, or by time) in place. */
static void load_event_choice(config *cfg)
{
    char path[CONFIG_PATH_MAX + 32];
    char *text = NULL;
    if (!state_path(cfg, path, sizeof path) || lk_read_file(path, &text, NULL) != LK_OK)
        return;
    bool found = false;
    char id[sizeof cfg->event_id] = "";
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        while (*line == ' ' || *line == '\t')
            line++;
        if (strncmp(line, "event", 5) != 0)
            continue;
        char *v = line + 5;
        while (*v == ' ' || *v == '\t')
            v++;
        if (*v != '=')
            continue;
        v++;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t l = strcspn(v, "\r");
        while (l > 0 && (v[l - 1] == ' ' || v[l - 1] == '\t'))
            l--;
        v[l] = '\0';
        found = lk_strlcpy(id, v, sizeof id);
    }
    free(text);
    if (!found)
        return;
    if (id[0] && !config_find_event(cfg, id)) {
        fprintf(stderr, "lobkiosk: the event chosen earlier (%s) is no longer in kiosk.ini; %s\n", id,
                cfg->event_id[0] ? "serving [kiosk] event" : "choosing by time");
        return;
    }
    lk_strlcpy(cfg->event_id, id, sizeof cfg->event_id);
}

/* --- effects ---------------------------------------------------------------------- */

/* Wall-clock time of a moment on the monotonic clock (answers are timed by the
 * flow on the monotonic clock; statements need wall time, never in the future). */
static int64_t wall_of(int64_t mono_ms)
{
    int64_t now = lk_now_ms(), back = mono() - mono_ms;
    return back > 0 ? now - back : now;
}

/* Writes the answers in f.save with their statements, one transaction. */
static bool save_answers(kiosk *k)
{
    flow_pending *p = &k->f.save;
    const config_event *ev = config_find_event(k->cfg, p->scan.exp.event_id);
    size_t n = reflection_set_count(p->refl.set);
    store_answer ans[REFLECTION_MAX_QUESTIONS];
    char uuid[REFLECTION_MAX_QUESTIONS][37];
    char *json[REFLECTION_MAX_QUESTIONS] = {0};
    size_t m = 0;
    bool ok = ev != NULL && p->scan.exp.id > 0;
    for (size_t i = 0; ok && i < n; i++) {
        const char *resp = reflection_response(&p->refl, i);
        if (!resp)
            continue;
        const xapi_question *q = reflection_set_question(p->refl.set, i);
        int64_t ts = wall_of(p->refl.answers[i].answered_ms);
        lk_uuid4(uuid[m], sizeof uuid[m]);
        json[m] = xapi_answer(k->cfg, ev, &p->scan.who, uuid[m], ts, p->scan.exp.checkin_uuid, q, resp);
        if (!json[m]) {
            ok = false;
            break;
        }
        ans[m] = (store_answer){q->id, q->competency, resp, ts, {uuid[m], "answer", json[m]}};
        m++;
    }
    if (ok && m > 0) {
        lk_status st = store_record_answers(k->st, p->scan.exp.id, ans, m);
        if (st != LK_OK) {
            fprintf(stderr, "lobkiosk: saving answers failed: %s\n", lk_strerror(st));
            ok = false;
        }
    }
    for (size_t i = 0; i < m; i++)
        free(json[i]);
    if (ok)
        sync_wake(k->sync);
    return ok;
}

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
        k->cap_rows = cap;
    }
    ui_host_row *r = &k->rows[k->n_rows++];
    memset(r, 0, sizeof *r);
    r->experience_id = e->id;
    lk_strlcpy(r->issuer, e->issuer, sizeof r->issuer);
    lk_strlcpy(r->subject, e->subject, sizeof r->subject);
    lk_strlcpy(r->checkin_uuid, e->checkin_uuid, sizeof r->checkin_uuid);
    r->checkin_ms = e->checkin_ms;
    r->confirmed = e->confirmed;
}

/* Today's experiences at the event (host screen) and the per-hour counts (admin). */
static void load_rows(kiosk *k)
{
    k->n_rows = 0;
    memset(k->v.per_hour, 0, sizeof k->v.per_hour);
    if (k->v.ev) {
        row_list rl = {k, lk_local_yyyymmdd(lk_now_ms())};
        if (store_each_experience(k->st, k->v.ev->id, collect_row, &rl) != LK_OK)
            fprintf(stderr, "lobkiosk: reading today's check-ins failed\n");
    }
    for (size_t i = 0; i < k->n_rows; i++) {
        store_person p;
        if (store_roster_find(k->st, k->rows[i].issuer, k->rows[i].subject, &p) == LK_OK)
            lk_strlcpy(k->rows[i].first_name, p.first_name, sizeof k->rows[i].first_name);
        time_t t = (time_t)(k->rows[i].checkin_ms / 1000);
        struct tm tm;
        if (localtime_r(&t, &tm))
            k->v.per_hour[tm.tm_hour]++;
    }
    k->v.rows = k->rows;
    k->v.n_rows = k->n_rows;
}

static void confirm_row(kiosk *k, size_t i)
{
    const ui_host_row *r = &k->rows[i];
    if (r->confirmed || !k->v.ev)
        return;
    pass student;
    memset(&student, 0, sizeof student);
    lk_strlcpy(student.issuer, r->issuer, sizeof student.issuer);
    lk_strlcpy(student.subject, r->subject, sizeof student.subject);
    student.role = PASS_ROLE_STUDENT;
    char uuid[37];
    lk_uuid4(uuid, sizeof uuid);
    int64_t now = lk_now_ms();
    const pass *host = &k->f.scan.who;
    char *json = xapi_confirmation(k->cfg, k->v.ev, host, &student, uuid, now, r->checkin_uuid);
    if (!json)
        return;
    store_statement stmt = {uuid, "confirmation", json};
    lk_status st = store_record_confirmation(k->st, r->experience_id, host->issuer, host->subject, now, &stmt);
    if (st != LK_OK && st != LK_ERR_EXISTS)
        fprintf(stderr, "lobkiosk: confirmation failed: %s\n", lk_strerror(st));
    free(json);
}

/* A writable mount point directly below dir (a stick's own file system: its
 * device differs from dir's). Checks dir/NAME, and dir/USER/NAME when deep. */
static bool find_mount(const char *dir, bool deep, char *out, size_t len)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct stat parent;
    bool found = false;
    if (stat(dir, &parent) == 0) {
        struct dirent *e;
        while (!found && (e = readdir(d))) {
            char p[1024];
            struct stat sb;
            if (e->d_name[0] == '.' || !lk_path_join(p, sizeof p, dir, e->d_name) || stat(p, &sb) != 0 ||
                !S_ISDIR(sb.st_mode))
                continue;
            if (sb.st_dev != parent.st_dev && access(p, W_OK) == 0) {
                lk_strlcpy(out, p, len);
                found = true;
            } else if (deep) {
                found = find_mount(p, false, out, len);
            }
        }
    }
    closedir(d);
    return found;
}

/* Writes a CSV export onto a mounted USB stick (/media or /run/media). Returns
 * the i18n key of the notice to show. */
static const char *export_usb(kiosk *k)
{
    char found[1024] = "";
    const char *root = getenv("LOBKIOSK_USB_ROOT"); /* tests point this at a folder */
    if (root && root[0])
        lk_strlcpy(found, root, sizeof found);
    else if (!find_mount("/media", true, found, sizeof found))
        find_mount("/run/media", true, found, sizeof found);
    if (!found[0])
        return "admin.export_none";
    /* Two files: the CSV opens in a spreadsheet; the xAPI file is what
     * `lobkiosk report --from` merges over several kiosks (and what a dossier reads). */
    static const struct {
        const char *ext;
        export_format fmt;
    } files[] = {{"csv", EXPORT_CSV}, {"json", EXPORT_XAPI}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char name[160], path[1200];
        snprintf(name, sizeof name, "lobkiosk-%s-%d.%s",
                 k->cfg->kiosk_id[0] ? k->cfg->kiosk_id : "kiosk", lk_local_yyyymmdd(lk_now_ms()),
                 files[i].ext);
        if (!lk_path_join(path, sizeof path, found, name))
            return "admin.export_failed";
        size_t n = 0;
        lk_status st = export_to_file(k->cfg, files[i].fmt, 0, path, &n);
        if (st != LK_OK) {
            fprintf(stderr, "lobkiosk: export failed: %s\n", lk_strerror(st));
            return "admin.export_failed";
        }
    }
    return "admin.export_ok";
}

/* The done-screen QR: the dossier URL template with {issuer}, {subject}, {event}
 * filled in. Only the pseudonymous subject goes in, never a name. */
static void make_qr(kiosk *k)
{
    if (k->qr) {
        SDL_DestroyTexture(k->qr);
        k->qr = NULL;
    }
    const char *tpl = k->cfg->ui.dossier_url;
    const checkin_result *r = &k->f.scan;
    if (!tpl[0] || !r->who.subject[0])
        return;
    const char *vars[][2] = {{"{issuer}", r->who.issuer}, {"{subject}", r->who.subject},
                             {"{event}", r->exp.event_id[0] ? r->exp.event_id : k->ev_id}};
    char url[CONFIG_PATH_MAX + 64];
    size_t n = 0;
    for (const char *p = tpl; *p && n + 1 < sizeof url;) {
        bool done = false;
        for (size_t i = 0; i < 3 && !done; i++) {
            size_t l = strlen(vars[i][0]);
            if (strncmp(p, vars[i][0], l) == 0) {
                int w = snprintf(url + n, sizeof url - n, "%s", vars[i][1]);
                n += w > 0 ? (size_t)w : 0;
                if (n >= sizeof url)
                    n = sizeof url - 1;
                p += l;
                done = true;
            }
        }
        if (!done)
            url[n++] = *p++;
    }
    url[n] = '\0';
    QRcode *q = qrcode_encode(url);
    if (!q)
        return;
    int quiet = 2, size = q->width + 2 * quiet;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, size, size, 32, SDL_PIXELFORMAT_RGBA32);
    if (s) {
        SDL_FillRect(s, NULL, SDL_MapRGBA(s->format, 255, 255, 255, 255));
        Uint32 dark = SDL_MapRGBA(s->format, 0, 0, 0, 255);
        for (int y = 0; y < q->width; y++)
            for (int x = 0; x < q->width; x++)
                if (q->data[y * q->width + x] & 1) {
                    SDL_Rect px = {x + quiet, y + quiet, 1, 1};
                    SDL_FillRect(s, &px, dark);
                }
        k->qr = SDL_CreateTextureFromSurface(k->ren, s);
        if (k->qr)
            SDL_SetTextureScaleMode(k->qr, SDL_ScaleModeNearest);
        SDL_FreeSurface(s);
    }
    QRcode_free(q);
}

static void toggle_language(kiosk *k)
{
    const char *next = strcmp(i18n_language(k->tr), "nl") == 0 ? "en" : "nl";
    if (i18n_set_language(k->tr, next))
        draw_flush_cache(k->d);
}

static void apply(kiosk *k, unsigned fx)
{
    flow *f = &k->f;
    if (fx & FLOW_FX_SAVE)
        fx |= flow_saved(f, save_answers(k), mono());
    if (fx & FLOW_FX_SOUND_OK)
        sound_play(k->snd, SOUND_OK);
    if (fx & FLOW_FX_SOUND_REFUSE)
        sound_play(k->snd, SOUND_REFUSE);
    if (fx & FLOW_FX_QUIT)
        k->running = false;
    if (fx & FLOW_FX_SYNC_NOW)
        sync_request_now(k->sync);
    if (fx & FLOW_FX_LANGUAGE)
        toggle_language(k);
    if (fx & FLOW_FX_EVENT) {
        if (f->event_choice >= 0 && (size_t)f->event_choice < k->cfg->n_events)
            lk_strlcpy(k->cfg->event_id, k->cfg->events[f->event_choice].id, sizeof k->cfg->event_id);
        else
            k->cfg->event_id[0] = '\0';
        save_event_choice(k->cfg);
        follow_event(k);
        refresh_status(k);
    }
    if (fx & FLOW_FX_CONFIRM) {
        if (f->confirm_row >= 0 && (size_t)f->confirm_row < k->n_rows)
            confirm_row(k, (size_t)f->confirm_row);
        else if (f->confirm_row < 0)
            for (size_t i = 0; i < k->n_rows; i++)
                confirm_row(k, i);
        sync_wake(k->sync);
    }
    if (fx & (FLOW_FX_HOST_LOAD | FLOW_FX_ADMIN_LOAD))
        load_rows(k);
    if (fx & FLOW_FX_CHECK_PIN) {
        /* Argon2 takes a fraction of a second: acceptable on the admin's keypad. */
        bool ok = pin_verify(k->cfg->ui.admin_pin_hash, f->pin);
        fx |= flow_pin_result(f, ok, mono());
        if (ok)
            load_rows(k);
    }
    if (fx & FLOW_FX_EXPORT)
        flow_notice(f, export_usb(k));
    if (f->screen == FLOW_DONE && (fx & FLOW_FX_REDRAW))
        make_qr(k);
    if (fx)
        k->dirty = true;
}

/* A payload from the camera, the USB scanner or a script. checkin_scan runs on the
 * UI thread on purpose: it is one short transaction with fsync, and the screen may
 * only say welcome after the database did; the next frame shows the outcome. */
static void on_payload(kiosk *k, const char *payload)
{
    k->scan_t0 = SDL_GetPerformanceCounter();
    checkin_result r;
    lk_status st = checkin_scan(k->st, k->cfg, &k->mem, payload, lk_now_ms(), &r);
    unsigned fx;
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk: check-in failed: %s\n", lk_strerror(st));
        fx = flow_scan_failed(&k->f, mono());
    } else {
        fx = flow_scan(&k->f, &r, mono());
        if (r.outcome == CHECKIN_CHECKED_IN || r.outcome == CHECKIN_CHECKED_OUT) {
            sync_wake(k->sync);
            k->v.count_today += r.outcome == CHECKIN_CHECKED_IN;
            k->next_status = 0;
        }
    }
    if (fx == 0)
        k->scan_t0 = 0; /* ignored: nothing to present */
    apply(k, fx);
}

/* --- drawing ---------------------------------------------------------------------- */

/* Copies a frame into the preview texture in one pass: converted straight into
 * the texture's own 32-bit pixels and already shrunk to the size it is shown at
 * (each pixel the mean of a 2x2 block, enough against shimmer at these ratios).
 * So there is no RGB24 texture, which the software renderer would convert and
 * scale pixel by pixel on every draw, and no intermediate buffer. */
static void upload_frame(kiosk *k, const lk_frame *fr)
{
    void *pixels;
    int pitch, tw = k->preview_w, th = k->preview_h;
    if (tw > PREVIEW_MAX_W || SDL_LockTexture(k->preview, NULL, &pixels, &pitch) != 0)
        return;
    /* Source columns once per frame, not a division per pixel. */
    int cx0[PREVIEW_MAX_W], cx1[PREVIEW_MAX_W];
    for (int x = 0; x < tw; x++) {
        cx0[x] = (int)((int64_t)x * fr->width / tw);
        cx1[x] = cx0[x] + 1 < fr->width && tw < fr->width ? cx0[x] + 1 : cx0[x];
    }
    for (int y = 0; y < th; y++) {
        Uint32 *dst = (Uint32 *)(void *)((uint8_t *)pixels + (size_t)y * (size_t)pitch);
        int y0 = (int)((int64_t)y * fr->height / th);
        int y1 = y0 + 1 < fr->height && th < fr->height ? y0 + 1 : y0;
        if (fr->rgb) {
            const uint8_t *r0 = fr->rgb + (size_t)y0 * (size_t)fr->width * 3;
            const uint8_t *r1 = fr->rgb + (size_t)y1 * (size_t)fr->width * 3;
            for (int x = 0; x < tw; x++) {
                const uint8_t *a = r0 + 3 * cx0[x], *b = r0 + 3 * cx1[x];
                const uint8_t *c = r1 + 3 * cx0[x], *e = r1 + 3 * cx1[x];
                Uint32 r = (Uint32)(a[0] + b[0] + c[0] + e[0]) >> 2;
                Uint32 g = (Uint32)(a[1] + b[1] + c[1] + e[1]) >> 2;
                Uint32 bl = (Uint32)(a[2] + b[2] + c[2] + e[2]) >> 2;
                dst[x] = 0xFF000000u | r << 16 | g << 8 | bl;
            }
        } else {
            const uint8_t *r0 = fr->grey + (size_t)y0 * (size_t)fr->width;
            const uint8_t *r1 = fr->grey + (size_t)y1 * (size_t)fr->width;
            for (int x = 0; x < tw; x++) {
                Uint32 v = (Uint32)(r0[cx0[x]] + r0[cx1[x]] + r1[cx0[x]] + r1[cx1[x]]) >> 2;
                dst[x] = 0xFF000000u | v * 0x010101u;
            }
        }
    }
    SDL_UnlockTexture(k->preview);
}

/* The size the preview is shown at: the frame fitted into the preview box of the
 * last idle frame, never larger than the frame (enlarging is the renderer's). */
static void preview_size(const kiosk *k, const lk_frame *fr, int *w, int *h)
{
    *w = fr->width;
    *h = fr->height;
    const SDL_Rect *box = &k->scr.preview_box;
    if (!k->scr.has_preview || box->w <= 0 || box->h <= 0)
        return;
    double sx = (double)box->w / fr->width, sy = (double)box->h / fr->height;
    double sc = sx < sy ? sx : sy;
    if (sc < 1.0 || *w > PREVIEW_MAX_W) {
        if (sc * fr->width > PREVIEW_MAX_W)
            sc = (double)PREVIEW_MAX_W / fr->width;
        *w = (int)(fr->width * sc);
        *h = (int)(fr->height * sc);
        if (*w < 1)
            *w = 1;
        if (*h < 1)
            *h = 1;
    }
}

static void update_preview(kiosk *k)
{
    if (!k->sc || k->f.screen != FLOW_IDLE)
        return;
    int64_t now = mono();
    if (now < k->next_preview)
        return;
    int fps = k->cfg->camera.fps > 0 && k->cfg->camera.fps < LK_UI_PREVIEW_FPS ? k->cfg->camera.fps
                                                                                : LK_UI_PREVIEW_FPS;
    k->next_preview = now + 1000 / fps;
    const lk_frame *fr = scanner_preview_lock(k->sc);
    if (!fr)
        return;
    if (fr->width > 0 && fr->seq != k->preview_seq && (fr->rgb || fr->grey)) {
        int tw, th;
        preview_size(k, fr, &tw, &th);
        if (!k->preview || tw != k->preview_w || th != k->preview_h) {
            if (k->preview)
                SDL_DestroyTexture(k->preview);
            k->preview = SDL_CreateTexture(k->ren, k->preview_fmt, SDL_TEXTUREACCESS_STREAMING, tw, th);
            /* Opaque pixels: a straight copy, no per-pixel blending. */
            if (k->preview)
                SDL_SetTextureBlendMode(k->preview, SDL_BLENDMODE_NONE);
            k->preview_w = tw;
            k->preview_h = th;
            k->dirty = true; /* a new texture: draw the whole frame once */
        }
        if (k->preview)
            upload_frame(k, fr);
        k->preview_seq = fr->seq;
        k->preview_dirty = true;
    }
    scanner_preview_unlock(k->sc);
    k->v.preview = k->preview;
    k->v.preview_w = k->preview_w;
    k->v.preview_h = k->preview_h;
    bool seen = now < k->hit_until;
    if (seen != k->v.code_seen)
        k->preview_dirty = true;
    k->v.code_seen = seen;
}

/* The window's pixel format when it is a plain 32-bit one (the software renderer
 * then copies the preview without converting), else ARGB8888, which every
 * renderer takes. upload_frame writes 0xAARRGGBB words: both have that layout. */
static Uint32 preview_format(SDL_Window *win)
{
    Uint32 f = SDL_GetWindowPixelFormat(win);
    return f == SDL_PIXELFORMAT_RGB888 ? f : SDL_PIXELFORMAT_ARGB8888;
}

/* Whether the renderer keeps what it drew after a present: the software renderer
 * draws into the window surface itself, so a preview-only frame may draw over the
 * last one. GPU renderers swap buffers; they redraw from k->base instead. */
static bool renderer_retains(SDL_Renderer *r)
{
    SDL_RendererInfo info;
    return SDL_GetRendererInfo(r, &info) == 0 && info.name && strcmp(info.name, "software") == 0;
}

/* A full idle frame with a camera on a swapping renderer is drawn into k->base
 * first, so the next frames can redraw the preview alone on a copy of it. */
static bool use_base(kiosk *k)
{
    if (k->retained || !k->sc || k->f.screen != FLOW_IDLE)
        return false;
    if (k->base && (k->base_w != k->w || k->base_h != k->h)) {
        SDL_DestroyTexture(k->base);
        k->base = NULL;
    }
    if (!k->base) {
        k->base = SDL_CreateTexture(k->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, k->w, k->h);
        k->base_w = k->w;
        k->base_h = k->h;
    }
    return k->base && SDL_SetRenderTarget(k->ren, k->base) == 0;
}

/* Only the preview changed: redraw its rectangle, on the kept frame or on a copy
 * of k->base. Falls back to a full frame when that is not possible. */
static void render_preview(kiosk *k)
{
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(k->ren, &w, &h);
    bool ok = w == k->w && h == k->h && k->scr.has_preview && k->f.screen == FLOW_IDLE && !k->pressed[0];
    if (ok && !k->retained) {
        ok = k->base && k->base_w == w && k->base_h == h;
        if (ok)
            SDL_RenderCopy(k->ren, k->base, NULL, NULL);
    }
    if (!ok || !screens_draw_preview(&k->scr, &k->v)) {
        k->dirty = true;
        return;
    }
    SDL_RenderPresent(k->ren);
    k->preview_dirty = false;
    k->preview_frames++;
}

static void render(kiosk *k)
{
    SDL_GetRendererOutputSize(k->ren, &k->w, &k->h);
    k->v.qr = k->qr;
    k->v.pressed = k->pressed[0] ? k->pressed : NULL;
    if (use_base(k)) {
        screens_draw(&k->scr, &k->f, &k->v, k->w, k->h);
        SDL_SetRenderTarget(k->ren, NULL);
        SDL_RenderCopy(k->ren, k->base, NULL, NULL);
    } else {
        screens_draw(&k->scr, &k->f, &k->v, k->w, k->h);
    }
    SDL_RenderPresent(k->ren);
    k->dirty = false;
    k->preview_dirty = false;
    k->preview_frames = 0;
    if (k->opt->latency && (int)k->f.screen != k->shown)
        fprintf(stderr, "screen-shown %s\n", flow_screen_token(k->f.screen));
    k->shown = (int)k->f.screen;
    if (!k->first_frame_done) {
        k->first_frame_done = true;
        if (k->opt->latency) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            fprintf(stderr, "first-frame-at %lld\n", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
        }
    }
    if (k->scan_t0) {
        double ms = (double)(SDL_GetPerformanceCounter() - k->scan_t0) * 1000.0 /
                    (double)SDL_GetPerformanceFrequency();
        if (k->opt->latency)
            fprintf(stderr, "scan-to-frame %.3f ms\n", ms);
        k->scan_t0 = 0;
    }
}

/* --- input ------------------------------------------------------------------------ */

/* A finger held longer than this while another comes down is taken as lost (its
 * FINGERUP dropped with a kernel SYN_DROPPED); the new finger presses instead. */
#define FINGER_STALE_MS 10000

/* Output pixels to the UI's coordinates. */
static void to_ui(const kiosk *k, int px, int py, int *x, int *y)
{
    (void)k;
    *x = px;
    *y = py;
}

/* The UI's coordinates to output pixels (the script's taps and touches). */
static void from_ui(const kiosk *k, int x, int y, int *px, int *py)
{
    (void)k;
    *px = x;
    *py = y;
}

static void output_size(const kiosk *k, int *w, int *h)
{
    if (SDL_GetRendererOutputSize(k->ren, w, h) != 0 || *w <= 0 || *h <= 0)
        *w = *h = 1;
}

/* A mouse position (window points) in output pixels: the same unless the window
 * is high-DPI. */
static void mouse_to_output(const kiosk *k, int mx, int my, int *px, int *py)
{
    int ow, oh, ww = 0, wh = 0;
    output_size(k, &ow, &oh);
    SDL_GetWindowSize(k->win, &ww, &wh);
    *px = ww > 0 && ww != ow ? (int)((long)mx * ow / ww) : mx;
    *py = wh > 0 && wh != oh ? (int)((long)my * oh / wh) : my;
}

/* A finger's normalised position (0..1 of the touchscreen, which covers the
 * output) in output pixels. KMSDRM's evdev backend sends it with no window. */
static void finger_to_output(const kiosk *k, float fx, float fy, int *px, int *py)
{
    int ow, oh;
    output_size(k, &ow, &oh);
    int x = (int)(fx * (float)ow), y = (int)(fy * (float)oh);
    *px = x < 0 ? 0 : x >= ow ? ow - 1 : x;
    *py = y < 0 ? 0 : y >= oh ? oh - 1 : y;
}

static void press(kiosk *k, int x, int y)
{
    const char *id = screens_hit(&k->scr, x, y);
    k->presses++;
    lk_strlcpy(k->pressed, id ? id : "", sizeof k->pressed);
    if (id)
        render(k); /* the pressed state at once */
}

static void release(kiosk *k, int x, int y)
{
    const char *id = screens_hit(&k->scr, x, y);
    char held[SCREENS_ID_MAX];
    lk_strlcpy(held, k->pressed, sizeof held);
    k->pressed[0] = '\0';
    k->dirty = true;
    /* Respond on release, and only when still on the button pressed. */
    if (id && held[0] && strcmp(id, held) == 0)
        apply(k, flow_tap(&k->f, held, mono()));
}

/* Finger events: one press per finger. While one finger holds a button, other
 * fingers do nothing; the press acts when that finger is lifted, on the button
 * under it then. */
static void finger_event(kiosk *k, const SDL_TouchFingerEvent *t)
{
    int px, py, x, y;
    finger_to_output(k, t->x, t->y, &px, &py);
    to_ui(k, px, py, &x, &y);
    bool ours = k->finger_down && t->touchId == k->finger_touch && t->fingerId == k->finger_id;
    if (t->type == SDL_FINGERDOWN) {
        if (k->finger_down && !ours && mono() - k->finger_t0 < FINGER_STALE_MS)
            return;
        k->finger_down = true;
        k->finger_touch = t->touchId;
        k->finger_id = t->fingerId;
        k->finger_t0 = mono();
        press(k, x, y);
    } else if (t->type == SDL_FINGERUP && ours) {
        k->finger_down = false;
        release(k, x, y);
    }
}

static void handle_event(kiosk *k, const SDL_Event *e)
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
        if (e->key.keysym.sym == SDLK_RETURN || e->key.keysym.sym == SDLK_KP_ENTER)
            wedge_key(k->wg, '\r', (int64_t)e->key.timestamp + k->sdl_to_mono);
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
            to_ui(k, px, py, &x, &y);
            if (e->type == SDL_MOUSEBUTTONDOWN)
                press(k, x, y);
            else
                release(k, x, y);
        }
        break;
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
        finger_event(k, &e->tfinger);
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED || e->window.event == SDL_WINDOWEVENT_EXPOSED ||
            e->window.event == SDL_WINDOWEVENT_SHOWN)
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

static void poll_sources(kiosk *k)
{
    char payload[WEDGE_MAX_LEN + 1];
    if (k->ev_in && evdev_pump(k->ev_in, k->wg, 0) == LK_ERR_DEVICE) {
        /* unplugged: evdev retries by itself */
    }
    while (wedge_poll(k->wg, mono(), payload, sizeof payload))
        on_payload(k, payload);
    scanner_hit hit;
    if (k->sc && scanner_take_hit(k->sc, k->last_hit, &hit)) {
        k->last_hit = hit.id;
        double sx = k->preview_w > 0 && hit.frame_w > 0 ? (double)k->preview_w / hit.frame_w : 1.0;
        double sy = k->preview_h > 0 && hit.frame_h > 0 ? (double)k->preview_h / hit.frame_h : 1.0;
        for (int i = 0; i < 4; i++)
            k->v.corners[i] = (SDL_FPoint){(float)(hit.corners[i].x * sx), (float)(hit.corners[i].y * sy)};
        k->hit_until = mono() + HIT_SHOW_MS;
        on_payload(k, hit.text);
    }
}

/* --- script ----------------------------------------------------------------------- */

static void script_fail(kiosk *k, const char *fmt, const char *arg)
{
    k->failures++;
    fprintf(stderr, "lobkiosk script line %d: ", k->script_line);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
}

/* A left click at output pixel (px, py) as SDL delivers it; which =
 * SDL_TOUCH_MOUSEID makes it the mouse SDL synthesises from a finger. */
static void push_mouse(Uint32 type, int px, int py, Uint32 which)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    e.button.which = which;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    e.button.x = px;
    e.button.y = py;
    e.button.clicks = 1;
    SDL_PushEvent(&e);
}

/* A finger at output pixel (px, py), as SDL_SendTouch posts it: position
 * normalised to the touchscreen (= the output), pressure 1. KMSDRM passes no
 * window (windowID 0); X11 and Wayland pass theirs. */
static void push_finger(kiosk *k, Uint32 type, int px, int py, Uint32 window_id)
{
    int ow, oh;
    output_size(k, &ow, &oh);
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    e.tfinger.touchId = 3; /* SDL's evdev uses the device's fd */
    e.tfinger.fingerId = k->script_finger;
    e.tfinger.x = ((float)px + 0.5f) / (float)ow;
    e.tfinger.y = ((float)py + 0.5f) / (float)oh;
    e.tfinger.pressure = 1.0f;
    e.tfinger.windowID = window_id;
    SDL_PushEvent(&e);
}

/* Types text as a USB scanner would: one SDL_TEXTINPUT event per character and
 * Enter, all through the event queue and the wedge assembler. */
static void push_typed(const char *s)
{
    SDL_Event e;
    for (; *s; s++) {
        memset(&e, 0, sizeof e);
        e.type = SDL_TEXTINPUT;
        e.text.text[0] = *s;
        SDL_PushEvent(&e);
    }
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDLK_RETURN;
    SDL_PushEvent(&e);
}

/* A new window of another size with a fresh renderer (script mode): headless
 * drivers do not resize a renderer's surface by themselves. */
static void resize(kiosk *k, int w, int h)
{
    if (k->qr)
        SDL_DestroyTexture(k->qr);
    if (k->preview)
        SDL_DestroyTexture(k->preview);
    if (k->base)
        SDL_DestroyTexture(k->base);
    k->qr = k->preview = k->base = NULL;
    k->v.preview = NULL;
    k->preview_w = k->preview_h = 0;
    k->preview_seq = 0;
    SDL_DestroyRenderer(k->ren);
    SDL_DestroyWindow(k->win);
    k->win = SDL_CreateWindow("lobkiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, SDL_WINDOW_SHOWN);
    k->ren = k->win ? SDL_CreateRenderer(k->win, -1, 0) : NULL;
    if (!k->ren) {
        fprintf(stderr, "lobkiosk: renderer: %s\n", SDL_GetError());
        k->running = false;
        return;
    }
    draw_set_renderer(k->d, k->ren);
    k->preview_fmt = preview_format(k->win);
    k->retained = renderer_retains(k->ren);
    if (k->f.screen == FLOW_DONE)
        make_qr(k);
    k->dirty = true;
}

/* The screen as presented, as 32-bit pixels (malloc'd), or NULL. */
static Uint32 *read_screen(kiosk *k, int *w, int *h)
{
    if (SDL_GetRendererOutputSize(k->ren, w, h) != 0 || *w <= 0 || *h <= 0)
        return NULL;
    Uint32 *px = malloc((size_t)*w * (size_t)*h * 4);
    if (px && SDL_RenderReadPixels(k->ren, NULL, SDL_PIXELFORMAT_ARGB8888, px, *w * 4) != 0) {
        free(px);
        px = NULL;
    }
    return px;
}

/* check-redraw: what the preview-only frames left on the screen must be exactly
 * what a full frame draws (nothing stale around the preview). Prints how many
 * preview-only frames came since the last full one, so a test can tell it ran. */
static void check_redraw(kiosk *k)
{
    if (k->dirty)
        render(k);
    else if (k->preview_dirty)
        render_preview(k);
    if (k->dirty)
        render(k);
    unsigned partial = k->preview_frames;
    int w, h, w2, h2;
    Uint32 *a = read_screen(k, &w, &h);
    render(k);
    Uint32 *b = read_screen(k, &w2, &h2);
    if (!a || !b || w != w2 || h != h2) {
        script_fail(k, "%s", "check-redraw: cannot read the screen");
    } else {
        size_t diff = 0, n = (size_t)w * (size_t)h;
        for (size_t i = 0; i < n; i++)
            diff += a[i] != b[i];
        char msg[64];
        snprintf(msg, sizeof msg, "%zu", diff);
        if (diff)
            script_fail(k, "check-redraw: %s pixels differ from a full frame", msg);
        printf("check-redraw: %u preview-only frames, %zu pixels differ\n", partial, diff);
        fflush(stdout);
    }
    free(a);
    free(b);
}

/* The point a tap or touch aims at, in the UI's coordinates: "X Y" or the
 * centre of the button with id arg. */
static int script_point(kiosk *k, const char *cmd, char *arg, int *x, int *y)
{
    char *sp = strchr(arg, ' ');
    if (sp) {
        long lx, ly;
        *sp = '\0';
        if (lk_parse_long(arg, 0, 100000, &lx) != LK_OK || lk_parse_long(sp + 1, 0, 100000, &ly) != LK_OK) {
            script_fail(k, "%s X Y needs two numbers", cmd);
            return -1;
        }
        *x = (int)lx;
        *y = (int)ly;
        return 0;
    }
    const ui_button *b = screens_find(&k->scr, arg);
    if (!b) {
        script_fail(k, "no button '%s' on this screen", arg);
        return -1;
    }
    *x = b->r.x + b->r.w / 2;
    *y = b->r.y + b->r.h / 2;
    return 0;
}

/* Runs script lines until one waits or the script ends. */
static void script_step(kiosk *k)
{
    char line[1024];
    while (k->script && k->running && mono() >= k->script_wait) {
        if (!fgets(line, sizeof line, k->script)) {
            fclose(k->script);
            k->script = NULL;
            return;
        }
        k->script_line++;
        line[strcspn(line, "\r\n")] = '\0';
        char *cmd = line;
        while (*cmd == ' ')
            cmd++;
        if (!*cmd || *cmd == '#')
            continue;
        char *arg = strchr(cmd, ' ');
        if (arg)
            *arg++ = '\0';
        else
            arg = cmd + strlen(cmd);
        if (k->dirty)
            render(k);
        if (strcmp(cmd, "scan") == 0) {
            on_payload(k, arg);
        } else if (strcmp(cmd, "type") == 0) {
            push_typed(arg);
            return; /* let the loop deliver the events */
        } else if (strcmp(cmd, "wait") == 0) {
            long ms;
            if (lk_parse_long(arg, 0, 600000, &ms) != LK_OK)
                script_fail(k, "wait needs milliseconds, got '%s'", arg);
            else
                k->script_wait = mono() + ms;
        } else if (strcmp(cmd, "tap") == 0 || strcmp(cmd, "touch") == 0 || strcmp(cmd, "touch-x11") == 0) {
            /* tap: the mouse; touch: a finger as KMSDRM delivers it; touch-x11:
             * a finger on a window plus the mouse clicks SDL makes from it. */
            int x, y;
            if (script_point(k, cmd, arg, &x, &y) != 0)
                continue;
            int px, py;
            from_ui(k, x, y, &px, &py);
            if (cmd[0] == 't' && cmd[1] == 'a') {
                push_mouse(SDL_MOUSEBUTTONDOWN, px, py, 0);
                push_mouse(SDL_MOUSEBUTTONUP, px, py, 0);
            } else {
                /* SDL_SendTouch posts the synthesised click before the finger. */
                Uint32 win = cmd[5] ? SDL_GetWindowID(k->win) : 0;
                if (win)
                    push_mouse(SDL_MOUSEBUTTONDOWN, px, py, SDL_TOUCH_MOUSEID);
                push_finger(k, SDL_FINGERDOWN, px, py, win);
                if (win)
                    push_mouse(SDL_MOUSEBUTTONUP, px, py, SDL_TOUCH_MOUSEID);
                push_finger(k, SDL_FINGERUP, px, py, win);
                k->script_finger++;
            }
            return; /* let the loop deliver the events */
        } else if (strcmp(cmd, "finger") == 0) {
            /* finger down|up N ID|X Y: one finger of several, as KMSDRM sends it */
            char *n = strchr(arg, ' ');
            char *rest = n ? strchr(n + 1, ' ') : NULL;
            long id;
            bool down = strncmp(arg, "down ", 5) == 0, up = strncmp(arg, "up ", 3) == 0;
            if (!rest || (!down && !up)) {
                script_fail(k, "finger needs down|up N ID or N X Y: '%s'", arg);
                continue;
            }
            *rest++ = '\0';
            int x, y, px, py;
            if (lk_parse_long(n + 1, 0, 1000000, &id) != LK_OK) {
                script_fail(k, "finger needs a number, got '%s'", n + 1);
                continue;
            }
            if (script_point(k, cmd, rest, &x, &y) != 0)
                continue;
            from_ui(k, x, y, &px, &py);
            SDL_FingerID next = k->script_finger;
            k->script_finger = id;
            push_finger(k, down ? SDL_FINGERDOWN : SDL_FINGERUP, px, py, 0);
            k->script_finger = next;
            return;
        } else if (strcmp(cmd, "expect-presses") == 0) {
            long n;
            if (lk_parse_long(arg, 0, 1000000, &n) != LK_OK) {
                script_fail(k, "expect-presses needs a number, got '%s'", arg);
            } else if ((long)k->presses != n) {
                char msg[64];
                snprintf(msg, sizeof msg, "%u, not %ld", k->presses, n);
                script_fail(k, "presses since the last check: %s", msg);
            }
            k->presses = 0;
        } else if (strcmp(cmd, "shot") == 0) {
            render(k);
            if (draw_screenshot(k->d, arg) != LK_OK)
                script_fail(k, "cannot save screenshot '%s'", arg);
        } else if (strcmp(cmd, "expect-text") == 0 || strcmp(cmd, "expect-no-text") == 0) {
            /* Any text of the frame on screen now (its first 95 bytes) holding arg. */
            render(k);
            size_t n = 0;
            const draw_record *rec = draw_records(k->d, &n);
            bool seen = false;
            for (size_t i = 0; i < n && !seen; i++)
                seen = strstr(rec[i].text, arg) != NULL;
            if (seen != (cmd[7] == 't'))
                script_fail(k, seen ? "the screen shows '%s'" : "no text '%s' on the screen", arg);
        } else if (strcmp(cmd, "check-redraw") == 0) {
            check_redraw(k);
        } else if (strcmp(cmd, "check-overflow") == 0) {
            render(k);
            size_t n = draw_check_overflow(k->d, stderr) + screens_check_targets(&k->scr, stderr);
            if (n > 0)
                script_fail(k, "%s: text or targets do not fit", flow_screen_token(k->f.screen));
            if (i18n_missing(k->tr) > 0)
                script_fail(k, "missing text '%s'", i18n_last_missing(k->tr));
        } else if (strcmp(cmd, "expect") == 0) {
            if (strcmp(flow_screen_token(k->f.screen), arg) != 0) {
                char msg[96];
                snprintf(msg, sizeof msg, "%s, not %s", flow_screen_token(k->f.screen), arg);
                script_fail(k, "screen is %s", msg);
            }
        } else if (strcmp(cmd, "lang") == 0) {
            if (!i18n_set_language(k->tr, arg))
                script_fail(k, "no language '%s'", arg);
            draw_flush_cache(k->d);
            k->dirty = true;
        } else if (strcmp(cmd, "size") == 0) {
            long w, h;
            char *x = strchr(arg, 'x');
            if (!x) {
                script_fail(k, "size needs WxH: '%s'", arg);
                continue;
            }
            *x = '\0';
            if (lk_parse_long(arg, 200, 8000, &w) != LK_OK || lk_parse_long(x + 1, 200, 8000, &h) != LK_OK) {
                script_fail(k, "bad size '%s'", arg);
                continue;
            }
            resize(k, (int)w, (int)h);
        } else if (strcmp(cmd, "echo") == 0) {
            printf("%s\n", arg);
            fflush(stdout);
        } else if (strcmp(cmd, "quit") == 0) {
            k->running = false;
        } else {
            script_fail(k, "unknown command '%s'", cmd);
        }
    }
}

/* --- set-up and loop -------------------------------------------------------------- */

/* SDL_WaitEventTimeout sleeps in the kernel only on drivers that can wait (X11,
 * Wayland); elsewhere (KMSDRM, offscreen, dummy) it polls every millisecond.
 * There we poll every POLL_MS instead: input answers within a frame and an idle
 * kiosk stays near 0% CPU. */
#define POLL_MS 16
static bool wait_event(kiosk *k, SDL_Event *e, int timeout)
{
    if (k->can_wait)
        return SDL_WaitEventTimeout(e, timeout) == 1;
    int64_t end = mono() + timeout;
    for (;;) {
        if (SDL_PollEvent(e))
            return true;
        int64_t left = end - mono();
        if (left <= 0)
            return false;
        SDL_Delay((Uint32)(left < POLL_MS ? left : POLL_MS));
    }
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static int setup(kiosk *k)
{
    config *cfg = k->cfg;
    char err[512], path[CONFIG_PATH_MAX];
    k->tr = i18n_create();
    if (!k->tr || i18n_load_dir(k->tr, cfg->assets_dir, err, sizeof err) != LK_OK) {
        fprintf(stderr, "lobkiosk: texts: %s\n", err);
        return -1;
    }
    if (!i18n_set_language(k->tr, cfg->language[0] ? cfg->language : "nl"))
        i18n_set_language(k->tr, "nl");
    if (store_path(cfg, path, sizeof path) != LK_OK || store_open(path, &k->st, err, sizeof err) != LK_OK) {
        fprintf(stderr, "lobkiosk: database: %s\n", err);
        return -1;
    }
    if (store_sync_events(k->st, cfg) != LK_OK)
        fprintf(stderr, "lobkiosk: could not copy the events into the database\n");
    load_event_choice(cfg);

    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_WINDOWS_NO_CLOSE_ON_ALT_F4, "1");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "lobkiosk: SDL: %s\n", SDL_GetError());
        return -1;
    }
    int w = k->opt->width > 0 ? k->opt->width : cfg->ui.width;
    int h = k->opt->height > 0 ? k->opt->height : cfg->ui.height;
    bool fullscreen = cfg->ui.fullscreen && k->opt->width <= 0;
    Uint32 flags = SDL_WINDOW_SHOWN;
    if (fullscreen)
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    if (w <= 0 || h <= 0) {
        w = 1024;
        h = 600;
    }
    k->win = SDL_CreateWindow("lobkiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
    if (!k->win) {
        fprintf(stderr, "lobkiosk: window: %s\n", SDL_GetError());
        return -1;
    }
    k->ren = SDL_CreateRenderer(k->win, -1, 0);
    if (!k->ren) {
        fprintf(stderr, "lobkiosk: renderer: %s\n", SDL_GetError());
        return -1;
    }
    if (fullscreen)
        SDL_ShowCursor(SDL_DISABLE);
    k->preview_fmt = preview_format(k->win);
    k->retained = renderer_retains(k->ren);
    const char *drv = SDL_GetCurrentVideoDriver();
    k->can_wait = drv && (strcmp(drv, "x11") == 0 || strcmp(drv, "wayland") == 0);
    if (!IMG_Init(IMG_INIT_PNG))
        fprintf(stderr, "lobkiosk: SDL_image: %s\n", IMG_GetError());
    k->d = draw_create(k->ren, cfg->assets_dir, err, sizeof err);
    if (!k->d) {
        fprintf(stderr, "lobkiosk: %s\n", err);
        return -1;
    }
    k->scr.d = k->d;
    k->snd = sound_open(cfg->assets_dir, cfg->ui.sound, cfg->ui.volume);
    k->wg = wedge_create(NULL);
    if (!k->wg)
        return -1;
    k->sdl_to_mono = mono() - (int64_t)SDL_GetTicks();
    SDL_StartTextInput();

    flow_timing ft = {0};
    ft.reflection_ms = (cfg->ui.reflection_timeout_s > 0 ? cfg->ui.reflection_timeout_s : LK_UI_REFLECTION_TIMEOUT_S) * 1000;
    flow_init(&k->f, &ft, mono());
    k->f.has_pin = cfg->ui.admin_pin_hash[0] != '\0';
    k->v.tr = k->tr;
    k->v.cfg = cfg;
    k->v.has_camera = strcmp(cfg->camera.source, "none") != 0 && cfg->camera.source[0];
    k->v.camera = k->v.has_camera ? FRAMESRC_RECOVERING : FRAMESRC_NONE;

    if (!k->opt->no_threads) {
        if (k->v.has_camera) {
            k->sc = scanner_start(&cfg->camera, err, sizeof err);
            if (!k->sc)
                fprintf(stderr, "lobkiosk: camera: %s\n", err);
        }
        k->sync = sync_start(cfg, err, sizeof err);
        if (!k->sync && err[0])
            fprintf(stderr, "lobkiosk: sync: %s\n", err);
        if (cfg->scanner.evdev[0]) {
            k->ev_in = evdev_open(cfg->scanner.evdev, cfg->scanner.layout, err, sizeof err);
            if (!k->ev_in)
                fprintf(stderr, "lobkiosk: scanner: %s\n", err);
        }
    }
    follow_event(k);
    refresh_status(k);
    return 0;
}

static void teardown(kiosk *k)
{
    if (k->script)
        fclose(k->script);
    evdev_close(k->ev_in);
    scanner_stop(k->sc);
    sync_stop(k->sync);
    sound_close(k->snd);
    wedge_destroy(k->wg);
    if (k->qr)
        SDL_DestroyTexture(k->qr);
    if (k->preview)
        SDL_DestroyTexture(k->preview);
    if (k->base)
        SDL_DestroyTexture(k->base);
    draw_destroy(k->d);
    if (k->ren)
        SDL_DestroyRenderer(k->ren);
    if (k->win)
        SDL_DestroyWindow(k->win);
    if (TTF_WasInit())
        TTF_Quit();
    IMG_Quit();
    SDL_Quit();
    reflection_set_destroy(k->set);
    free(k->rows);
    store_close(k->st);
    i18n_destroy(k->tr);
}

int kiosk_run(config *cfg, const kiosk_options *opt)
{
    static const kiosk_options none = {0};
    kiosk *k = calloc(1, sizeof *k);
    if (!cfg || !k) {
        free(k);
        return 3;
    }
    k->cfg = cfg;
    k->opt = opt ? opt : &none;
    k->shown = -1;
    int rc = 3;
    if (k->opt->script) {
        k->script = fopen(k->opt->script, "r");
        if (!k->script) {
            fprintf(stderr, "lobkiosk: script %s: %s\n", k->opt->script, strerror(errno));
            goto out;
        }
    }
    if (setup(k) != 0)
        goto out;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    k->running = true;
    k->dirty = true;
    while (k->running && !stop_signal) {
        int64_t now = mono();
        if (now >= k->next_status) {
            refresh_status(k);
            k->next_status = now + STATUS_EVERY_MS;
        }
        apply(k, flow_tick(&k->f, now));
        poll_sources(k);
        update_preview(k);
        script_step(k);
        if (!k->running)
            break;
        if (k->dirty)
            render(k);
        else if (k->preview_dirty)
            render_preview(k);
        if (k->dirty) /* the preview could not be drawn alone */
            render(k);
        /* Sleep until the next thing that can change the screen. */
        now = mono();
        int64_t until = min64(k->next_status, flow_deadline(&k->f));
        if (k->sc && k->f.screen == FLOW_IDLE)
            until = min64(until, k->next_preview);
        if (k->sc)
            until = min64(until, now + 1000 / (LK_UI_PREVIEW_FPS * 2)); /* hits */
        if (wedge_busy(k->wg))
            until = min64(until, now + 20);
        if (k->ev_in)
            until = min64(until, now + 30);
        if (k->script)
            until = min64(until, k->script_wait > now ? k->script_wait : now);
        int timeout = until <= now ? 0 : (int)min64(until - now, 1000);
        SDL_Event e;
        if (wait_event(k, &e, timeout)) {
            handle_event(k, &e);
            while (SDL_PollEvent(&e))
                handle_event(k, &e);
        }
    }
    /* Answers of a reflection still open are kept. */
    if (k->f.screen == FLOW_REFLECTION) {
        apply(k, flow_tick(&k->f, INT64_MAX));
    }
    rc = k->failures > 0 ? 1 : 0;
    if (k->opt->latency) {
        struct rusage ru;
        if (getrusage(RUSAGE_SELF, &ru) == 0)
            fprintf(stderr, "peak-rss-kb %ld\n", ru.ru_maxrss);
    }
out:
    teardown(k);
    free(k);
    return rc;
}
