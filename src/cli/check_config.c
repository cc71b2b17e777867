/* lobkiosk check: what kiosk.ini says, read against the clock and the assets:
 * the issuers, demo mode, the clock, the event served now, its question set, the
 * texts and the scan modes. */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/check.h"
#include "lobkiosk/clock.h"
#include "lobkiosk/i18n.h"
#include "lobkiosk/reflection.h"
#include "lobkiosk/sync.h"
#include "lobkiosk/trust.h"
#include "lobkiosk/util.h"

#define HOUR_MS 3600000LL

/* "2026-11-28 16:00" in local time, as staff read the event times. */
static void fmt_time(int64_t ms, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
        lk_strlcpy(buf, "?", len);
}

/* --- configuration ------------------------------------------------------------ */

void check_issuers(run *r)
{
    const config *cfg = r->cfg;
    size_t trusted = 0, keys = 0, demo_ignored = 0;
    for (size_t i = 0; i < cfg->n_issuers; i++) {
        const config_issuer *is = &cfg->issuers[i];
        if (is->demo && !cfg->demo) {
            demo_ignored++;
            continue;
        }
        if (is->n_keys > 0) {
            trusted++;
            keys += is->n_keys;
        }
    }
    if (trusted == 0)
        check_say(r, RES_FAIL, "issuers",
                  "no trusted issuer with a key%s: every pass will be refused -> add an "
                  "[issuer.CODE] section with the key line that lobkiosk keygen printed",
                  demo_ignored ? " (demo issuers count only on a demo kiosk)" : "");
    else
        check_say(r, RES_OK, "issuers", "%zu trusted issuer%s with %zu key%s", trusted,
                  trusted == 1 ? "" : "s", keys, keys == 1 ? "" : "s");
}

/* The region's trust list: installed, signed by region_key, in date, not too old.
 * The config was loaded with it applied (cli_config_load); this says how it stands. */
void check_trust(run *r)
{
    const config *cfg = r->cfg;
    if (!cfg->trust.has_region_key) {
        check_say(r, RES_SKIP, "trust", "no [trust] region_key: kiosk.ini's issuers alone");
        return;
    }
    char err[512] = "";
    trust_meta m;
    int today = lk_local_yyyymmdd(lk_now_ms());
    lk_status st = trust_installed_meta(cfg, today, &m, err, sizeof err);
    if (st != LK_OK) {
        check_say(r, RES_FAIL, "trust",
                  "%s -> import the region's current list (lobkiosk trust import FILE, or the "
                  "admin screen's USB stick)",
                  err);
        return;
    }
    long age = trust_days_between(m.issued, today);
    long left = trust_days_between(today, m.expires);
    if (age > cfg->trust.max_age_days)
        check_say(r, RES_WARN, "trust",
                  "%s version %ld is %ld days old (max_age_days = %d) -> import a newer list",
                  m.region, m.version, age, cfg->trust.max_age_days);
    else
        check_say(r, RES_OK, "trust",
                  "%s version %ld: %zu schools, %zu revoked, expires in %ld days", m.region,
                  m.version, m.n_issuers, m.n_revoked, left);
}

void check_demo(run *r)
{
    if (r->cfg->demo)
        check_say(r, RES_WARN, "demo",
                  "this is a demo kiosk: it trusts demo passes and shows DEMO on screen -> for a "
                  "real event set [kiosk] demo = false and add the school's issuer");
    else
        check_say(r, RES_OK, "demo", "not a demo kiosk");
}

/* A Pi has no battery-backed clock: without network time it starts in 1970, and
 * then every pass looks expired and no event is open. */
void check_clock(run *r)
{
    char now[32];
    fmt_time(r->now_ms, now, sizeof now);
    time_t t = (time_t)(r->now_ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 2025)
        check_say(r, RES_FAIL, "clock",
                  "the system clock says %s: every pass looks expired and no event is open "
                  "(no real-time clock and no network time) -> connect the network so the time "
                  "is set (timedatectl set-ntp true) or set it: sudo date -s 'YYYY-MM-DD HH:MM'",
                  now);
    else if (!clock_synced())
        check_say(r, RES_WARN, "clock",
                  "%s, not synchronised (no network time yet): check-ins are marked and get their "
                  "true time once it is synchronised in this boot, and retention deletes nothing "
                  "meanwhile -> connect the network (timedatectl set-ntp true) or set the time "
                  "on the admin screen",
                  now);
    else
        check_say(r, RES_OK, "clock", "%s, synchronised", now);
}

void check_event(run *r)
{
    const config *cfg = r->cfg;
    const int64_t now = r->now_ms;
    const config_event *ev = config_active_event(cfg, now);
    char a[32], b[32];
    if (!ev) {
        const config_event *next = NULL;
        for (size_t i = 0; i < cfg->n_events; i++)
            if (cfg->events[i].start_ms > now &&
                (!next || cfg->events[i].start_ms < next->start_ms))
                next = &cfg->events[i];
        if (next) {
            fmt_time(next->start_ms, a, sizeof a);
            check_say(r, RES_WARN, "event",
                      "no event is open now; the next is %s at %s: scans are refused until then "
                      "-> fine the day before; otherwise check its start and the clock",
                      next->id, a);
        } else {
            check_say(r, RES_WARN, "event",
                      "no event is open now and none is planned: every scan is refused -> add an "
                      "[event.ID] section with start and end around today");
        }
        return;
    }
    fmt_time(ev->start_ms, a, sizeof a);
    fmt_time(ev->end_ms, b, sizeof b);
    /* [kiosk] event picks an event whatever the time; check-ins still need its window. */
    if (now < ev->start_ms)
        check_say(r, RES_WARN, "event",
                  "%s (set by [kiosk] event) opens at %s: scans are refused until then -> fine the "
                  "day before; otherwise fix its start",
                  ev->id, a);
    else if (now >= ev->end_ms)
        check_say(r, RES_WARN, "event",
                  "%s (set by [kiosk] event) ended at %s: every scan is refused -> fix its end or "
                  "choose another [kiosk] event",
                  ev->id, b);
    else if (ev->end_ms - now < HOUR_MS)
        check_say(
            r, RES_WARN, "event",
            "%s \"%s\" closes at %s, in %lld minutes: later scans are refused -> move its end "
            "if the event runs longer",
            ev->id, ev->title, b, (long long)((ev->end_ms - now) / 60000));
    else
        check_say(r, RES_OK, "event", "%s \"%s\" open %s .. %s", ev->id, ev->title, a, b);
}

/* The question set of every event that is still to come: a set that does not load
 * means students get no reflection, and the kiosk only says so in its log. */
void check_questions(run *r)
{
    const config *cfg = r->cfg;
    const config_event *active = config_active_event(cfg, r->now_ms);
    size_t checked = 0;
    for (size_t i = 0; i < cfg->n_events; i++) {
        const config_event *ev = &cfg->events[i];
        if (ev != active && ev->end_ms <= r->now_ms)
            continue; /* over: its questions no longer matter */
        if (!ev->questions[0])
            continue;
        bool seen = false; /* one line per set, not per event */
        for (size_t j = 0; j < i && !seen; j++)
            seen = (&cfg->events[j] == active || cfg->events[j].end_ms > r->now_ms) &&
                   strcmp(cfg->events[j].questions, ev->questions) == 0;
        if (seen)
            continue;
        checked++;
        reflection_set *set = NULL;
        char err[512] = "";
        lk_status st = reflection_set_load(cfg->assets_dir, ev->questions, &set, err, sizeof err);
        if (st == LK_ERR_NOT_FOUND)
            check_say(r, RES_FAIL, "questions",
                      "event %s: unknown question set '%s' (no questions/%s.json in %s): students "
                      "get no reflection -> fix [event.%s] questions, or leave it empty for none",
                      ev->id, ev->questions, ev->questions, cfg->assets_dir, ev->id);
        else if (st != LK_OK)
            check_say(r, RES_FAIL, "questions",
                      "event %s: question set '%s' does not load (%s): students get no reflection "
                      "-> fix the file or [event.%s] questions",
                      ev->id, ev->questions, err[0] ? err : lk_strerror(st), ev->id);
        else
            check_say(r, RES_OK, "questions", "set '%s' loads (%zu questions)", ev->questions,
                      reflection_set_count(set));
        reflection_set_destroy(set);
    }
    if (checked == 0)
        check_say(r, RES_OK, "questions", "no question set in use (no reflection)");
}

void check_texts(run *r)
{
    const config *cfg = r->cfg;
    i18n *t = i18n_create();
    char err[512] = "";
    lk_status st = t ? i18n_load_dir(t, cfg->assets_dir, err, sizeof err) : LK_ERR_NOMEM;
    if (st != LK_OK)
        check_say(r, RES_FAIL, "texts",
                  "the screen texts do not load from %s/i18n: %s -> reinstall "
                  "the assets or fix [kiosk] assets_dir",
                  cfg->assets_dir, err[0] ? err : lk_strerror(st));
    else if (!i18n_has_language(t, cfg->language))
        check_say(r, RES_FAIL, "texts",
                  "no texts for [kiosk] language = %s in %s/i18n -> use nl or en", cfg->language,
                  cfg->assets_dir);
    else
        check_say(r, RES_OK, "texts", "loaded from %s/i18n (%s%s)", cfg->assets_dir, "nl",
                  i18n_has_language(t, "en") ? " and en" : "");
    i18n_destroy(t);
}

/* --- files and storage -------------------------------------------------------- */

/* Mode checks come before the database is opened: store_path and store_open tighten
 * loose modes by themselves, which would hide that the data stood open. */
void check_modes(run *r)
{
    const config *cfg = r->cfg;
    struct stat sb;
    if (stat(cfg->data_dir, &sb) != 0) {
        check_say(r, RES_OK, "data-mode", "%s does not exist yet; it is created with mode 0700",
                  cfg->data_dir);
    } else if (!S_ISDIR(sb.st_mode)) {
        check_say(r, RES_FAIL, "data-mode", "%s is not a folder -> fix [kiosk] data_dir",
                  cfg->data_dir);
        r->db_skipped = true;
    } else if (sb.st_mode & 007) {
        check_say(r, RES_FAIL, "data-mode",
                  "%s is mode %04o: others can list and read the kiosk's data -> chmod 700 %s",
                  cfg->data_dir, (unsigned)(sb.st_mode & 07777), cfg->data_dir);
        r->db_skipped = true;
    } else {
        if (sb.st_uid != geteuid())
            check_say(r, RES_WARN, "data-mode",
                      "%s belongs to uid %u, the check runs as uid %u: files it creates may not be "
                      "usable by the kiosk -> run the check as the kiosk's user "
                      "(sudo -u lobkiosk lobkiosk --config FILE check)",
                      cfg->data_dir, (unsigned)sb.st_uid, (unsigned)geteuid());
        else
            check_say(r, RES_OK, "data-mode", "%s is mode %04o", cfg->data_dir,
                      (unsigned)(sb.st_mode & 07777));
    }

    char db[CONFIG_PATH_MAX + 64];
    if (!lk_path_join(db, sizeof db, cfg->data_dir, LK_DB_FILE)) {
        check_say(r, RES_FAIL, "db-mode", "data_dir is too long -> use a shorter [kiosk] data_dir");
        r->db_skipped = true;
    } else if (stat(db, &sb) != 0) {
        check_say(r, RES_OK, "db-mode", "%s does not exist yet; it is created with mode 0600", db);
    } else if (sb.st_mode & 077) {
        check_say(r, RES_FAIL, "db-mode",
                  "%s is mode %04o: %s can read first names -> chmod 600 %s", db,
                  (unsigned)(sb.st_mode & 07777), sb.st_mode & 007 ? "everyone" : "the group", db);
        r->db_skipped = true;
    } else {
        check_say(r, RES_OK, "db-mode", "%s is mode %04o", db, (unsigned)(sb.st_mode & 07777));
    }

    const char *cred = cfg->sync.credentials_file;
    if (!cred[0]) {
        if (cfg->sync.endpoint[0])
            check_say(r, RES_WARN, "credentials",
                      "no [sync] credentials_file: the LRS must take statements without a login "
                      "-> set credentials_file if it asks for one");
        else
            check_say(r, RES_OK, "credentials", "none needed (sync is off)");
        return;
    }
    char user[256], password[256];
    lk_status st = sync_read_credentials(cred, user, password, sizeof user);
    /* Only the verdict is needed here: wipe the secret at once. */
    explicit_bzero(user, sizeof user);
    explicit_bzero(password, sizeof password);
    if (st == LK_ERR_PERMISSION)
        check_say(
            r, RES_FAIL, "credentials",
            "%s is readable by group or others (or a symlink): sync refuses it -> chmod 600 %s",
            cred, cred);
    else if (st == LK_ERR_INVALID)
        check_say(r, RES_FAIL, "credentials",
                  "%s holds no user:password -> write user:password in it", cred);
    else if (st != LK_OK)
        check_say(r, RES_FAIL, "credentials",
                  "%s cannot be read (%s): sync cannot start -> create it "
                  "(user:password, chmod 600) or fix [sync] credentials_file",
                  cred, lk_strerror(st));
    else
        check_say(r, RES_OK, "credentials", "%s is private and holds user:password", cred);
}
