/* lobkiosk check: what the kiosk keeps: key files and secrets (no private key
 * beside kiosk.ini, modes not too open), free disk, writable folders, the database
 * and its outbox. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cli/check.h"
#include "lobkiosk/store.h"
#include "lobkiosk/sync.h"
#include "lobkiosk/util.h"

#define DISK_WARN_BYTES (200ULL << 20) /* a busy day's database and WAL fit many times */
#define DISK_FAIL_BYTES (20ULL << 20)  /* SQLite may refuse a check-in soon */

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
void check_key_files(run *r)
{
    char dir[CONFIG_PATH_MAX];
    ini_dir(r->cfg, dir, sizeof dir);
    char first[CONFIG_PATH_MAX + 256] = "";
    size_t unreadable = 0;
    size_t n = find_secret_keys(dir, true, first, sizeof first, &unreadable);
    n += find_secret_keys(r->cfg->data_dir, false, first, sizeof first, &unreadable);
    if (n == 0)
        check_say(r, RES_OK, "key-files", "no secret key next to kiosk.ini or in data_dir");
    else
        check_say(r, RES_WARN, "key-files",
                  "%zu issuer key file%s with a secret%s on this kiosk, e.g. %s: whoever takes the "
                  "kiosk can print passes -> move %s to the school's own computer; a kiosk needs "
                  "only the key line in kiosk.ini%s",
                  n, n == 1 ? "" : "s", unreadable ? " (or unreadable, so maybe)" : "", first,
                  n == 1 ? "it" : "them",
                  r->cfg->demo ? " (a demo kiosk may keep its demo key)" : "");
}

static void check_disk(run *r)
{
    struct statvfs vs;
    if (statvfs(r->cfg->data_dir, &vs) != 0) {
        check_say(r, RES_FAIL, "disk", "cannot read the free space of %s: %s", r->cfg->data_dir,
                  strerror(errno));
        return;
    }
    unsigned long long avail = (unsigned long long)vs.f_bavail * vs.f_frsize;
    unsigned long long mb = avail >> 20;
    if (avail < DISK_FAIL_BYTES)
        check_say(r, RES_FAIL, "disk",
                  "%llu MB free in %s: check-ins may soon fail -> free space (old exports, logs: "
                  "journalctl --vacuum-size=50M) or run lobkiosk purge",
                  mb, r->cfg->data_dir);
    else if (avail < DISK_WARN_BYTES)
        check_say(r, RES_WARN, "disk",
                  "only %llu MB free in %s -> free some space before a long day", mb,
                  r->cfg->data_dir);
    else
        check_say(r, RES_OK, "disk", "%llu MB free in %s", mb, r->cfg->data_dir);
}

/* A throw-away file proves that the kiosk can write here (also on a read-only or
 * full file system, which a mode bit does not show). */
static bool check_writable(run *r)
{
    char probe[CONFIG_PATH_MAX + 64];
    if (!lk_path_join(probe, sizeof probe, r->cfg->data_dir, ".lobkiosk-check-XXXXXX")) {
        check_say(r, RES_FAIL, "data-dir",
                  "data_dir is too long -> use a shorter [kiosk] data_dir");
        return false;
    }
    int fd = mkstemp(probe);
    if (fd < 0) {
        check_say(r, RES_FAIL, "data-dir",
                  "cannot write in %s: %s -> make it writable for the kiosk's "
                  "user, or fix [kiosk] data_dir",
                  r->cfg->data_dir, strerror(errno));
        return false;
    }
    bool ok = write(fd, "x", 1) == 1;
    int saved = errno;
    close(fd);
    unlink(probe);
    if (!ok) {
        check_say(r, RES_FAIL, "data-dir", "cannot write in %s: %s", r->cfg->data_dir,
                  strerror(saved));
        return false;
    }
    check_say(r, RES_OK, "data-dir", "%s is writable", r->cfg->data_dir);
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
        check_say(r, RES_FAIL, "outbox", "cannot read the outbox -> see the message above");
        return;
    }
    bool sync_on = cfg->sync.endpoint[0] != '\0';
    int64_t age = oldest_queued_ms(s, r->now_ms);
    char last_error[SYNC_MESSAGE_MAX] = "";
    int64_t attempts = 0;
    if (store_outbox_head_error(s, last_error, sizeof last_error, &attempts) != LK_OK)
        last_error[0] = '\0';
    if (!sync_on)
        check_say(r, RES_OK, "outbox",
                  "%lld queued, %lld quarantined (sync is off: take them with lobkiosk export)",
                  (long long)ss.queued, (long long)ss.quarantined);
    else if (ss.queued > 0 && age > STORE_DAY_MS)
        check_say(r, RES_WARN, "outbox",
                  "%lld queued, the oldest %lld days old: the LRS has not taken them%s%s -> run "
                  "lobkiosk sync --once and read lobkiosk sync --status",
                  (long long)ss.queued, (long long)(age / STORE_DAY_MS),
                  last_error[0] ? "; last error: " : "", last_error);
    else
        check_say(r, RES_OK, "outbox", "%lld queued%s", (long long)ss.queued,
                  ss.queued > 0 && age > 0 ? ", the oldest less than a day old" : "");
    store_outbox_audit a;
    if (store_outbox_audit_get(s, &a) != LK_OK)
        check_say(r, RES_FAIL, "queue", "cannot walk the outbox -> see the message above");
    else if (a.unplaced > 0 || a.doubled > 0 || a.orphans > 0 || a.unrun > 0 || a.totals_off)
        check_say(r, RES_FAIL, "queue",
                  "the outbox does not add up (statements neither queued nor sent, so never "
                  "sent: %lld; in two places: %lld; entries without their statement: %lld; "
                  "sent but not found by retention: %lld%s); was the database changed by "
                  "hand? -> keep a copy of the file and ask for help",
                  (long long)a.unplaced, (long long)a.doubled, (long long)a.orphans,
                  (long long)a.unrun, a.totals_off ? "; the counts differ from the rows" : "");
    else
        check_say(r, RES_OK, "queue", "every statement is queued, sent or quarantined once");
    if (ss.quarantined > 0)
        check_say(
            r, RES_WARN, "quarantine",
            "%lld statements refused by the LRS -> read lobkiosk sync --status, fix the cause at "
            "the LRS, then lobkiosk sync --requeue",
            (long long)ss.quarantined);
}

void check_store(run *r)
{
    if (r->db_skipped) {
        check_say(r, RES_SKIP, "database",
                  "not opened: fix the modes above first (opening it would "
                  "tighten them silently)");
        return;
    }
    char path[CONFIG_PATH_MAX + 64];
    lk_status st = store_path(r->cfg, path, sizeof path);
    if (st != LK_OK) {
        check_say(r, RES_FAIL, "data-dir",
                  "cannot create %s (%s) -> fix [kiosk] data_dir or its "
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
        check_say(r, RES_FAIL, "database", "%s does not open (%s: %s) -> %s", path, lk_strerror(st),
                  err[0] ? err : "see above",
                  st == LK_ERR_BUSY
                      ? "another program holds it locked; try again"
                      : "keep a copy of the file and ask for help before anything else");
        return;
    }
    char msg[512];
    if (store_integrity_check(s, msg, sizeof msg) != LK_OK)
        check_say(r, RES_FAIL, "database",
                  "%s is damaged (integrity_check: %s) -> keep a copy of the "
                  "file, export what you can and ask for help",
                  path, msg);
    else
        check_say(r, RES_OK, "database", "%s opens, is migrated and passes integrity_check", path);
    check_outbox(r, s);
    int64_t unsure = 0;
    if (store_clock_unsynced_count(s, &unsure) == LK_OK && unsure > 0)
        check_say(r, RES_WARN, "clock",
                  "%lld records were made on an unsynchronised clock and keep their unsure time "
                  "until the clock is synchronised in the same boot (later boots cannot correct "
                  "them)",
                  (long long)unsure);
    store_close(s);
}
