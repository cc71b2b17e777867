/* lobkiosk check [--network]: is this kiosk ready before the doors open?
 * One line per check, "ok", "warn", "FAIL" or "skip", the thing checked, a short
 * reason and, after " -> ", what to do; then a summary line. Exit 0 when nothing
 * failed (warnings allowed), 1 when something failed, 2 for wrong arguments.
 * kiosk.ini itself was loaded by main.c before we run (a kiosk.ini that does not
 * load stops there with exit 3 and the file, line and key).
 * The checks look and do not repair: a file mode that is too open is reported, not
 * changed, so the person at the kiosk learns that it was open. The one thing that
 * writes is opening the database, which creates and migrates it as the kiosk would. */
#include <SDL.h>
#include <SDL_ttf.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lobkiosk/clock.h"
#include "lobkiosk/trust.h"
#include "lobkiosk/framesrc.h"
#include "lobkiosk/i18n.h"
#include "lobkiosk/reflection.h"
#include "lobkiosk/http.h"
#include "lobkiosk/store.h"
#include "lobkiosk/sync.h"
#include "lobkiosk/util.h"
#include "ui/draw.h"

static const char USAGE[] = "usage: lobkiosk --config FILE check [--network]\n";

#define HOUR_MS 3600000LL
#define DISK_WARN_BYTES (200ULL << 20) /* a busy day's database and WAL fit many times */
#define DISK_FAIL_BYTES (20ULL << 20)  /* SQLite may refuse a check-in soon */
#define CHECK_CAMERA_WAIT_MS 10000      /* rpicam-vid needs a second or two to start */

typedef enum result { RES_OK = 0, RES_WARN = 1, RES_FAIL = 2, RES_SKIP = 3 } result;

typedef struct run {
    const config *cfg;
    int count[4];     /* lines per result */
    int64_t now_ms;   /* one "now" for every check, so they agree */
    bool db_skipped;  /* the database was not opened (a mode to fix first) */
} run;

/* One result line. Paths and titles come from kiosk.ini: a control character in one
 * would break the one-line-per-check layout that scripts grep, so it becomes a space. */
__attribute__((format(printf, 4, 5))) static void say(run *r, result res, const char *what,
                                                     const char *fmt, ...)
{
    static const char *const word[] = {"ok", "warn", "FAIL", "skip"};
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    for (unsigned char *p = (unsigned char *)line; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            *p = ' ';
    printf("%-4s  %-11s %s\n", word[res], what, line);
    r->count[res]++;
}

/* "2026-11-28 16:00" in local time, as staff read the event times. */
static void fmt_time(int64_t ms, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
        lk_strlcpy(buf, "?", len);
}

/* The folder of kiosk.ini, for the key-file search. */
static void ini_dir(const config *cfg, char *buf, size_t len)
{
    lk_strlcpy(buf, cfg->path, len);
    char *slash = strrchr(buf, '/');
    if (!slash)
        lk_strlcpy(buf, ".", len);
    else if (slash == buf)
        buf[1] = '\0';
    else
        *slash = '\0';
}

/* --- configuration ------------------------------------------------------------ */

static void check_issuers(run *r)
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
        say(r, RES_FAIL, "issuers",
            "no trusted issuer with a key%s: every pass will be refused -> add an "
            "[issuer.CODE] section with the key line that lobkiosk keygen printed",
            demo_ignored ? " (demo issuers count only on a demo kiosk)" : "");
    else
        say(r, RES_OK, "issuers", "%zu trusted issuer%s with %zu key%s", trusted,
            trusted == 1 ? "" : "s", keys, keys == 1 ? "" : "s");
}

/* The region's trust list: installed, signed by region_key, in date, not too old.
 * The config was loaded with it applied (cli_config_load); this says how it stands. */
static void check_trust(run *r)
{
    const config *cfg = r->cfg;
    if (!cfg->trust.has_region_key) {
        say(r, RES_SKIP, "trust", "no [trust] region_key: kiosk.ini's issuers alone");
        return;
    }
    config *probe = malloc(sizeof *probe);
    if (!probe) {
        say(r, RES_FAIL, "trust", "out of memory");
        return;
    }
    config_defaults(probe);
    probe->trust = cfg->trust;
    char err[512];
    trust_meta m;
    int today = lk_local_yyyymmdd(lk_now_ms());
    lk_status st = trust_apply_installed(probe, today, &m, err, sizeof err);
    config_free(probe);
    free(probe);
    if (st != LK_OK) {
        say(r, RES_FAIL, "trust",
            "%s -> import the region's current list (lobkiosk trust import FILE, or the "
            "admin screen's USB stick)",
            err);
        return;
    }
    long age = trust_days_between(m.issued, today);
    long left = trust_days_between(today, m.expires);
    if (age > cfg->trust.max_age_days)
        say(r, RES_WARN, "trust",
            "%s version %ld is %ld days old (max_age_days = %d) -> import a newer list",
            m.region, m.version, age, cfg->trust.max_age_days);
    else
        say(r, RES_OK, "trust", "%s version %ld: %zu schools, %zu revoked, expires in %ld days",
            m.region, m.version, m.n_issuers, m.n_revoked, left);
}

static void check_demo(run *r)
{
    if (r->cfg->demo)
        say(r, RES_WARN, "demo",
            "this is a demo kiosk: it trusts demo passes and shows DEMO on screen -> for a "
            "real event set [kiosk] demo = false and add the school's issuer");
    else
        say(r, RES_OK, "demo", "not a demo kiosk");
}

/* A Pi has no battery-backed clock: without network time it starts in 1970, and
 * then every pass looks expired and no event is open. */
static void check_clock(run *r)
{
    char now[32];
    fmt_time(r->now_ms, now, sizeof now);
    time_t t = (time_t)(r->now_ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 2025)
        say(r, RES_FAIL, "clock",
            "the system clock says %s: every pass looks expired and no event is open "
            "(no real-time clock and no network time) -> connect the network so the time "
            "is set (timedatectl set-ntp true) or set it: sudo date -s 'YYYY-MM-DD HH:MM'",
            now);
    else if (!clock_synced())
        say(r, RES_WARN, "clock",
            "%s, not synchronised (no network time yet): check-ins are marked and get their "
            "true time once it is synchronised in this boot, and retention deletes nothing "
            "meanwhile -> connect the network (timedatectl set-ntp true) or set the time "
            "on the admin screen",
            now);
    else
        say(r, RES_OK, "clock", "%s, synchronised", now);
}

static void check_event(run *r)
{
    const config *cfg = r->cfg;
    const int64_t now = r->now_ms;
    const config_event *ev = config_active_event(cfg, now);
    char a[32], b[32];
    if (!ev) {
        const config_event *next = NULL;
        for (size_t i = 0; i < cfg->n_events; i++)
            if (cfg->events[i].start_ms > now && (!next || cfg->events[i].start_ms < next->start_ms))
                next = &cfg->events[i];
        if (next) {
            fmt_time(next->start_ms, a, sizeof a);
            say(r, RES_WARN, "event",
                "no event is open now; the next is %s at %s: scans are refused until then "
                "-> fine the day before; otherwise check its start and the clock",
                next->id, a);
        } else {
            say(r, RES_WARN, "event",
                "no event is open now and none is planned: every scan is refused -> add an "
                "[event.ID] section with start and end around today");
        }
        return;
    }
    fmt_time(ev->start_ms, a, sizeof a);
    fmt_time(ev->end_ms, b, sizeof b);
    /* [kiosk] event picks an event whatever the time; check-ins still need its window. */
    if (now < ev->start_ms)
        say(r, RES_WARN, "event",
            "%s (set by [kiosk] event) opens at %s: scans are refused until then -> fine the "
            "day before; otherwise fix its start",
            ev->id, a);
    else if (now >= ev->end_ms)
        say(r, RES_WARN, "event",
            "%s (set by [kiosk] event) ended at %s: every scan is refused -> fix its end or "
            "choose another [kiosk] event",
            ev->id, b);
    else if (ev->end_ms - now < HOUR_MS)
        say(r, RES_WARN, "event",
            "%s \"%s\" closes at %s, in %lld minutes: later scans are refused -> move its end "
            "if the event runs longer",
            ev->id, ev->title, b, (long long)((ev->end_ms - now) / 60000));
    else
        say(r, RES_OK, "event", "%s \"%s\" open %s .. %s", ev->id, ev->title, a, b);
}

/* The question set of every event that is still to come: a set that does not load
 * means students get no reflection, and the kiosk only says so in its log. */
static void check_questions(run *r)
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
            say(r, RES_FAIL, "questions",
                "event %s: unknown question set '%s' (no questions/%s.json in %s): students "
                "get no reflection -> fix [event.%s] questions, or leave it empty for none",
                ev->id, ev->questions, ev->questions, cfg->assets_dir, ev->id);
        else if (st != LK_OK)
            say(r, RES_FAIL, "questions",
                "event %s: question set '%s' does not load (%s): students get no reflection "
                "-> fix the file or [event.%s] questions",
                ev->id, ev->questions, err[0] ? err : lk_strerror(st), ev->id);
        else
            say(r, RES_OK, "questions", "set '%s' loads (%zu questions)", ev->questions,
                reflection_set_count(set));
        reflection_set_destroy(set);
    }
    if (checked == 0)
        say(r, RES_OK, "questions", "no question set in use (no reflection)");
}

static void check_texts(run *r)
{
    const config *cfg = r->cfg;
    i18n *t = i18n_create();
    char err[512] = "";
    lk_status st = t ? i18n_load_dir(t, cfg->assets_dir, err, sizeof err) : LK_ERR_NOMEM;
    if (st != LK_OK)
        say(r, RES_FAIL, "texts", "the screen texts do not load from %s/i18n: %s -> reinstall "
            "the assets or fix [kiosk] assets_dir",
            cfg->assets_dir, err[0] ? err : lk_strerror(st));
    else if (!i18n_has_language(t, cfg->language))
        say(r, RES_FAIL, "texts", "no texts for [kiosk] language = %s in %s/i18n -> use nl or en",
            cfg->language, cfg->assets_dir);
    else
        say(r, RES_OK, "texts", "loaded from %s/i18n (%s%s)", cfg->assets_dir, "nl",
            i18n_has_language(t, "en") ? " and en" : "");
    i18n_destroy(t);
}

/* --- files and storage -------------------------------------------------------- */

/* Mode checks come before the database is opened: store_path and store_open tighten
 * loose modes by themselves, which would hide that the data stood open. */
static void check_modes(run *r)
{
    const config *cfg = r->cfg;
    struct stat sb;
    if (stat(cfg->data_dir, &sb) != 0) {
        say(r, RES_OK, "data-mode", "%s does not exist yet; it is created with mode 0700",
            cfg->data_dir);
    } else if (!S_ISDIR(sb.st_mode)) {
        say(r, RES_FAIL, "data-mode", "%s is not a folder -> fix [kiosk] data_dir",
            cfg->data_dir);
        r->db_skipped = true;
    } else if (sb.st_mode & 007) {
        say(r, RES_FAIL, "data-mode",
            "%s is mode %04o: others can list and read the kiosk's data -> chmod 700 %s",
            cfg->data_dir, (unsigned)(sb.st_mode & 07777), cfg->data_dir);
        r->db_skipped = true;
    } else {
        if (sb.st_uid != geteuid())
            say(r, RES_WARN, "data-mode",
                "%s belongs to uid %u, the check runs as uid %u: files it creates may not be "
                "usable by the kiosk -> run the check as the kiosk's user "
                "(sudo -u lobkiosk lobkiosk --config FILE check)",
                cfg->data_dir, (unsigned)sb.st_uid, (unsigned)geteuid());
        else
            say(r, RES_OK, "data-mode", "%s is mode %04o", cfg->data_dir,
                (unsigned)(sb.st_mode & 07777));
    }

    char db[CONFIG_PATH_MAX + 64];
    if (!lk_path_join(db, sizeof db, cfg->data_dir, LK_DB_FILE)) {
        say(r, RES_FAIL, "db-mode", "data_dir is too long -> use a shorter [kiosk] data_dir");
        r->db_skipped = true;
    } else if (stat(db, &sb) != 0) {
        say(r, RES_OK, "db-mode", "%s does not exist yet; it is created with mode 0600", db);
    } else if (sb.st_mode & 077) {
        say(r, RES_FAIL, "db-mode",
            "%s is mode %04o: %s can read first names -> chmod 600 %s", db,
            (unsigned)(sb.st_mode & 07777), sb.st_mode & 007 ? "everyone" : "the group", db);
        r->db_skipped = true;
    } else {
        say(r, RES_OK, "db-mode", "%s is mode %04o", db, (unsigned)(sb.st_mode & 07777));
    }

    const char *cred = cfg->sync.credentials_file;
    if (!cred[0]) {
        if (cfg->sync.endpoint[0])
            say(r, RES_WARN, "credentials",
                "no [sync] credentials_file: the LRS must take statements without a login "
                "-> set credentials_file if it asks for one");
        else
            say(r, RES_OK, "credentials", "none needed (sync is off)");
        return;
    }
    char user[256], password[256];
    lk_status st = sync_read_credentials(cred, user, password, sizeof user);
    /* Only the verdict is needed here: wipe the secret at once. */
    explicit_bzero(user, sizeof user);
    explicit_bzero(password, sizeof password);
    if (st == LK_ERR_PERMISSION)
        say(r, RES_FAIL, "credentials",
            "%s is readable by group or others (or a symlink): sync refuses it -> chmod 600 %s",
            cred, cred);
    else if (st == LK_ERR_INVALID)
        say(r, RES_FAIL, "credentials", "%s holds no user:password -> write user:password in it",
            cred);
    else if (st != LK_OK)
        say(r, RES_FAIL, "credentials", "%s cannot be read (%s): sync cannot start -> create it "
            "(user:password, chmod 600) or fix [sync] credentials_file",
            cred, lk_strerror(st));
    else
        say(r, RES_OK, "credentials", "%s is private and holds user:password", cred);
}

/* True when the file at path holds an issuer's secret ("secret = ..." as keygen
 * writes it); *unreadable is set when it could not be read to tell. */
static bool holds_secret(const char *path, bool *unreadable)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        *unreadable = true;
        return false;
    }
    char line[512];
    bool secret = false;
    while (!secret && fgets(line, sizeof line, f)) {
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, "secret", 6) == 0) {
            p += 6;
            while (*p == ' ' || *p == '\t')
                p++;
            secret = *p == '=';
        }
    }
    fclose(f);
    return secret;
}

/* Looks for *.key files in dir, and one level below when subdirs is set (the demo
 * and keygen put them in a keys/ folder). Returns how many hold a secret and keeps
 * the first one's path. */
static size_t find_secret_keys(const char *dir, bool subdirs, char *first, size_t first_len,
                               size_t *unreadable)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[CONFIG_PATH_MAX + 256];
        if (!lk_path_join(path, sizeof path, dir, e->d_name))
            continue;
        struct stat sb;
        if (stat(path, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            if (subdirs)
                n += find_secret_keys(path, false, first, first_len, unreadable);
            continue;
        }
        size_t len = strlen(e->d_name);
        if (!S_ISREG(sb.st_mode) || len < 5 || strcmp(e->d_name + len - 4, ".key") != 0)
            continue;
        bool cannot = false;
        if (holds_secret(path, &cannot) || cannot) {
            if (cannot)
                (*unreadable)++;
            if (n == 0 && !first[0])
                lk_strlcpy(first, path, first_len);
            n++;
        }
    }
    closedir(d);
    return n;
}

/* A kiosk needs only public keys: a secret key on it lets whoever takes the kiosk
 * (or its SD card) print valid passes. */
static void check_key_files(run *r)
{
    char dir[CONFIG_PATH_MAX];
    ini_dir(r->cfg, dir, sizeof dir);
    char first[CONFIG_PATH_MAX + 256] = "";
    size_t unreadable = 0;
    size_t n = find_secret_keys(dir, true, first, sizeof first, &unreadable);
    n += find_secret_keys(r->cfg->data_dir, false, first, sizeof first, &unreadable);
    if (n == 0)
        say(r, RES_OK, "key-files", "no secret key next to kiosk.ini or in data_dir");
    else
        say(r, RES_WARN, "key-files",
            "%zu issuer key file%s with a secret%s on this kiosk, e.g. %s: whoever takes the "
            "kiosk can print passes -> move %s to the school's own computer; a kiosk needs "
            "only the key line in kiosk.ini%s",
            n, n == 1 ? "" : "s", unreadable ? " (or unreadable, so maybe)" : "", first,
            n == 1 ? "it" : "them", r->cfg->demo ? " (a demo kiosk may keep its demo key)" : "");
}

static void check_disk(run *r)
{
    struct statvfs vs;
    if (statvfs(r->cfg->data_dir, &vs) != 0) {
        say(r, RES_FAIL, "disk", "cannot read the free space of %s: %s", r->cfg->data_dir,
            strerror(errno));
        return;
    }
    unsigned long long avail = (unsigned long long)vs.f_bavail * vs.f_frsize;
    unsigned long long mb = avail >> 20;
    if (avail < DISK_FAIL_BYTES)
        say(r, RES_FAIL, "disk",
            "%llu MB free in %s: check-ins may soon fail -> free space (old exports, logs: "
            "journalctl --vacuum-size=50M) or run lobkiosk purge",
            mb, r->cfg->data_dir);
    else if (avail < DISK_WARN_BYTES)
        say(r, RES_WARN, "disk", "only %llu MB free in %s -> free some space before a long day",
            mb, r->cfg->data_dir);
    else
        say(r, RES_OK, "disk", "%llu MB free in %s", mb, r->cfg->data_dir);
}

/* A throw-away file proves that the kiosk can write here (also on a read-only or
 * full file system, which a mode bit does not show). */
static bool check_writable(run *r)
{
    char probe[CONFIG_PATH_MAX + 64];
    if (!lk_path_join(probe, sizeof probe, r->cfg->data_dir, ".lobkiosk-check-XXXXXX")) {
        say(r, RES_FAIL, "data-dir", "data_dir is too long -> use a shorter [kiosk] data_dir");
        return false;
    }
    int fd = mkstemp(probe);
    if (fd < 0) {
        say(r, RES_FAIL, "data-dir", "cannot write in %s: %s -> make it writable for the kiosk's "
            "user, or fix [kiosk] data_dir",
            r->cfg->data_dir, strerror(errno));
        return false;
    }
    bool ok = write(fd, "x", 1) == 1;
    int saved = errno;
    close(fd);
    unlink(probe);
    if (!ok) {
        say(r, RES_FAIL, "data-dir", "cannot write in %s: %s", r->cfg->data_dir, strerror(saved));
        return false;
    }
    say(r, RES_OK, "data-dir", "%s is writable", r->cfg->data_dir);
    return true;
}

/* Oldest queued statement's age in ms; 0 when none (or none with a time). */
static int64_t oldest_queued_ms(store *s, int64_t now)
{
    int64_t t = 0;
    if (store_oldest_queued_ms(s, &t) != LK_OK || t <= 0)
        return 0;
    return now > t ? now - t : 0;
}

static void check_outbox(run *r, store *s)
{
    const config *cfg = r->cfg;
    store_outbox_stats ss;
    if (store_outbox_stats_get(s, &ss) != LK_OK) {
        say(r, RES_FAIL, "outbox", "cannot read the outbox -> see the message above");
        return;
    }
    bool sync_on = cfg->sync.endpoint[0] != '\0';
    int64_t age = oldest_queued_ms(s, r->now_ms);
    char last_error[SYNC_MESSAGE_MAX] = "";
    int64_t attempts = 0;
    if (store_outbox_head_error(s, last_error, sizeof last_error, &attempts) != LK_OK)
        last_error[0] = '\0';
    if (!sync_on)
        say(r, RES_OK, "outbox",
            "%lld queued, %lld quarantined (sync is off: take them with lobkiosk export)",
            (long long)ss.queued, (long long)ss.quarantined);
    else if (ss.queued > 0 && age > STORE_DAY_MS)
        say(r, RES_WARN, "outbox",
            "%lld queued, the oldest %lld days old: the LRS has not taken them%s%s -> run "
            "lobkiosk sync --once and read lobkiosk sync --status",
            (long long)ss.queued, (long long)(age / STORE_DAY_MS),
            last_error[0] ? "; last error: " : "", last_error);
    else
        say(r, RES_OK, "outbox", "%lld queued%s", (long long)ss.queued,
            ss.queued > 0 && age > 0 ? ", the oldest less than a day old" : "");
    if (ss.quarantined > 0)
        say(r, RES_WARN, "quarantine",
            "%lld statements refused by the LRS -> read lobkiosk sync --status, fix the cause at "
            "the LRS, then lobkiosk sync --requeue",
            (long long)ss.quarantined);
}

static void check_store(run *r)
{
    if (r->db_skipped) {
        say(r, RES_SKIP, "database", "not opened: fix the modes above first (opening it would "
            "tighten them silently)");
        return;
    }
    char path[CONFIG_PATH_MAX + 64];
    lk_status st = store_path(r->cfg, path, sizeof path);
    if (st != LK_OK) {
        say(r, RES_FAIL, "data-dir", "cannot create %s (%s) -> fix [kiosk] data_dir or its "
            "parent's permissions",
            r->cfg->data_dir, lk_strerror(st));
        return;
    }
    if (!check_writable(r))
        return;
    check_disk(r);
    store *s = NULL;
    char err[512] = "";
    st = store_open(path, &s, err, sizeof err);
    if (st != LK_OK) {
        say(r, RES_FAIL, "database", "%s does not open (%s: %s) -> %s", path, lk_strerror(st),
            err[0] ? err : "see above",
            st == LK_ERR_BUSY ? "another program holds it locked; try again"
                              : "keep a copy of the file and ask for help before anything else");
        return;
    }
    char msg[512];
    if (store_integrity_check(s, msg, sizeof msg) != LK_OK)
        say(r, RES_FAIL, "database", "%s is damaged (integrity_check: %s) -> keep a copy of the "
            "file, export what you can and ask for help",
            path, msg);
    else
        say(r, RES_OK, "database", "%s opens, is migrated and passes integrity_check", path);
    check_outbox(r, s);
    int64_t unsure = 0;
    if (store_clock_unsynced_count(s, &unsure) == LK_OK && unsure > 0)
        say(r, RES_WARN, "clock",
            "%lld records were made on an unsynchronised clock and keep their unsure time "
            "until the clock is synchronised in the same boot (later boots cannot correct them)",
            (long long)unsure);
    store_close(s);
}

/* --- devices ------------------------------------------------------------------ */

/* The image extensions the folder source plays (src/scan/framesrc_folder.c). */
static bool is_image(const char *name)
{
    static const char *const exts[] = {".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm", ".pnm"};
    const char *dot = strrchr(name, '.');
    if (!dot)
        return false;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (strcasecmp(dot, exts[i]) == 0)
            return true;
    return false;
}

static void check_device(run *r, const char *what, const char *path, const char *fix_missing,
                         const char *group)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        say(r, RES_FAIL, what, "%s does not exist (%s) -> %s", path, strerror(errno), fix_missing);
    else if (!S_ISCHR(sb.st_mode))
        say(r, RES_FAIL, what, "%s is not a device -> fix the path in kiosk.ini", path);
    else if (access(path, R_OK) != 0)
        say(r, RES_WARN, what, "%s is there, but this user may not open it -> the kiosk's user "
            "needs the %s group",
            path, group);
    else
        say(r, RES_OK, what, "%s is there", path);
}

/* Opens the camera as the kiosk would and waits for one real frame. */
static void check_grab(run *r, const config_camera *cam)
{
    char err[512] = "", desc[CONFIG_PATH_MAX + 200];
    framesrc *src = framesrc_open(cam, err, sizeof err);
    if (!src) {
        say(r, RES_FAIL, "camera", "%s -> fix [camera]", err);
        return;
    }
    int64_t until = lk_mono_ms() + CHECK_CAMERA_WAIT_MS;
    lk_frame f;
    lk_status st;
    do {
        st = framesrc_next(src, &f, 200);
    } while (st != LK_OK && lk_mono_ms() < until);
    framesrc_describe(src, desc, sizeof desc);
    if (st == LK_OK)
        say(r, RES_OK, "camera", "a %dx%d frame: %s", f.width, f.height, desc);
    else
        say(r, RES_FAIL, "camera", "no frame within %d s: %s -> plug the camera in; stop the "
            "kiosk first if it is running (it holds the camera); `lobkiosk camera` shows more",
            CHECK_CAMERA_WAIT_MS / 1000, desc);
    framesrc_close(src);
}

static void check_camera(run *r)
{
    const config_camera *cam = &r->cfg->camera;
    if (!cam->source[0] || strcmp(cam->source, "none") == 0) {
        say(r, RES_OK, "camera", "source none: scanner only");
        return;
    }
    if (strcmp(cam->source, "v4l2") == 0 || strcmp(cam->source, "command") == 0) {
        check_grab(r, cam);
        return;
    }
    DIR *d = opendir(cam->folder);
    if (!d) {
        say(r, RES_FAIL, "camera", "frames folder %s cannot be opened (%s) -> create it or fix "
            "[camera] folder",
            cam->folder, strerror(errno));
        return;
    }
    size_t n = 0;
    char first[256] = "";
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !is_image(e->d_name))
            continue;
        if (!first[0] || strcmp(e->d_name, first) < 0)
            lk_strlcpy(first, e->d_name, sizeof first);
        n++;
    }
    closedir(d);
    if (n == 0) {
        say(r, RES_FAIL, "camera", "frames folder %s holds no images -> put PNG or JPEG files in "
            "it", cam->folder);
        return;
    }
    char path[CONFIG_PATH_MAX + 256], err[256] = "";
    lk_frame fr = {0};
    if (!lk_path_join(path, sizeof path, cam->folder, first) ||
        framesrc_load_image(path, &fr, err, sizeof err) != LK_OK) {
        say(r, RES_FAIL, "camera", "%s does not load as an image (%s) -> replace it", path, err);
        return;
    }
    framesrc_frame_free(&fr);
    say(r, RES_OK, "camera", "frames folder %s: %zu images", cam->folder, n);
}

static void check_scanner(run *r)
{
    const char *dev = r->cfg->scanner.evdev;
    if (!dev[0]) {
        say(r, RES_OK, "scanner", "no evdev device: a scanner types into the kiosk window");
        return;
    }
    check_device(r, "scanner", dev, "plug the scanner in, or fix [scanner] evdev", "input");
}

/* The UI's own font lookup (draw_create) on a small off-screen renderer, so this
 * check finds exactly what the kiosk will find. */
static void check_fonts(run *r)
{
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, 8, 8, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *ren = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    char err[256] = "";
    draw *d = ren ? draw_create(ren, r->cfg->assets_dir, err, sizeof err) : NULL;
    if (d)
        say(r, RES_OK, "fonts", "%s", draw_font_path(d));
    else if (!ren)
        say(r, RES_FAIL, "fonts", "cannot try the fonts: %s", SDL_GetError());
    else
        say(r, RES_FAIL, "fonts", "%s -> sudo apt install fonts-noto-core",
            err[0] ? err : "no font found");
    draw_destroy(d);
    if (ren)
        SDL_DestroyRenderer(ren);
    SDL_FreeSurface(surf);
    if (TTF_WasInit())
        TTF_Quit();
}

/* --- network ------------------------------------------------------------------ */

/* The xAPI versions of an /about answer ({"version": ["1.0.3", ...]}) into buf; false
 * when the answer is not that. */
static bool about_versions(const char *text, size_t len, char *buf, size_t buf_len)
{
    json_t *root = json_loadb(text, len, 0, NULL);
    json_t *v = root ? json_object_get(root, "version") : NULL;
    bool ok = false;
    buf[0] = '\0';
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            const char *s = json_string_value(item);
            if (!s)
                continue;
            if (strncmp(s, "1.0.", 4) == 0)
                ok = true;
            size_t used = strlen(buf);
            snprintf(buf + used, buf_len - used, "%s%s", used ? ", " : "", s);
        }
    }
    json_decref(root);
    return ok;
}

static void check_network(run *r)
{
    const config_sync *sc = &r->cfg->sync;
    if (!sc->endpoint[0]) {
        say(r, RES_SKIP, "lrs", "sync is off (no [sync] endpoint)");
        return;
    }
    char url[CONFIG_PATH_MAX + 16];
    if (http_url(sc, "about", url, sizeof url) != LK_OK) {
        say(r, RES_FAIL, "lrs", "the endpoint is too long");
        return;
    }
    /* The sync's own transport, without credentials: /about is open. */
    http_conn *c = NULL;
    char err[512] = "";
    if (http_conn_new(sc, NULL, NULL, NULL, &c, err, sizeof err) != LK_OK) {
        say(r, RES_FAIL, "lrs", "HTTP could not be set up: %s", err);
        return;
    }
    http_answer ans;
    lk_status st = http_request(c, url, NULL, 0, &ans, err, sizeof err);
    char versions[256];
    if (st != LK_OK && ans.tls_failed)
        say(r, RES_FAIL, "lrs", "GET %s: TLS failed (%s) -> check the clock, and [sync] ca_file "
            "when the LRS uses its own CA",
            url, err);
    else if (st != LK_OK)
        say(r, RES_FAIL, "lrs", "GET %s: no answer (%s) -> check the network and [sync] endpoint; "
            "check-ins are kept and sent later",
            url, err);
    else if (ans.status != 200)
        say(r, RES_FAIL, "lrs", "GET %s answered HTTP %ld -> check [sync] endpoint: it is the "
            "LRS's xAPI base URL (statements go to <endpoint>/statements)",
            url, ans.status);
    else if (ans.truncated ||
             !about_versions(ans.body, ans.body_len, versions, sizeof versions))
        say(r, RES_FAIL, "lrs", "GET %s answered 200 without an xAPI 1.0 version list -> check "
            "[sync] endpoint: it is the LRS's xAPI base URL",
            url);
    else
        say(r, RES_OK, "lrs", "%s answers, xAPI %s", url, versions);
    http_conn_free(c);
}

int cmd_check(const cli_ctx *ctx, int argc, char **argv)
{
    bool network = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--network") == 0) {
            network = true;
        } else {
            fputs(USAGE, stderr);
            return CLI_EXIT_USAGE;
        }
    }
    run r = {.cfg = ctx->cfg, .now_ms = lk_now_ms()};
    say(&r, RES_OK, "config", "%s loads", ctx->config_path);
    check_issuers(&r);
    check_trust(&r);
    check_demo(&r);
    check_clock(&r);
    check_event(&r);
    check_questions(&r);
    check_texts(&r);
    check_modes(&r);
    check_key_files(&r);
    check_store(&r);
    check_camera(&r);
    check_scanner(&r);
    check_fonts(&r);
    if (network)
        check_network(&r);
    else
        say(&r, RES_SKIP, "lrs", "skipped: add --network to ask the LRS");
    fflush(stdout);
    printf("%d ok, %d warn, %d FAIL, %d skipped: %s\n", r.count[RES_OK], r.count[RES_WARN],
           r.count[RES_FAIL], r.count[RES_SKIP],
           r.count[RES_FAIL] ? "NOT READY, fix the FAIL lines"
           : r.count[RES_WARN] ? "ready, read the warnings"
                               : "ready");
    return r.count[RES_FAIL] ? CLI_EXIT_REFUSED : CLI_EXIT_OK;
}
