/* kiosk.ini loader (inih). Every key is checked: an unknown key, a bad value or a
 * missing required key is reported with the file, the line and the key, so a
 * kiosk set up by hand in a hurry says exactly what to fix. */
#include "lobkiosk/config.h"

#include <ctype.h>
#include <ini.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lobkiosk/pass.h"
#include "lobkiosk/paths.h"
#include "lobkiosk/util.h"

/* inih keeps this many characters of a section name (its MAX_SECTION less the NUL);
 * a longer name would be cut silently, so the reader refuses it. */
#define INI_SECTION_KEPT 49

/* Parser state passed through inih. */
typedef struct parse_ctx {
    config *cfg;
    char dir[CONFIG_PATH_MAX];  /* folder of the ini file, for relative paths */
    char err[CONFIG_ERR_MAX];   /* first problem found, without location */
    char err_section[128];      /* where it was found */
    char err_key[128];
    int failed;       /* a problem was recorded */
    int line;         /* line the reader handed to inih last (1-based) */
    int err_line;     /* line of the problem, 0 = find it by section/key */
    const char *next; /* reader: rest of the file text */
    const char *end;  /* reader: end of the file text */
} parse_ctx;

/* Records the first problem. value is foreign text: escaped before it is quoted. */
static int fail(parse_ctx *pc, const char *section, const char *key, const char *fmt,
                const char *value)
{
    if (!pc->failed) {
        char safe[CONFIG_ERR_MAX / 2 + 64];
        lk_log_escape(value ? value : "", safe, sizeof safe);
        pc->failed = 1;
        pc->err_line = pc->line;
        snprintf(pc->err, sizeof pc->err, fmt, safe);
        lk_log_escape(section ? section : "", pc->err_section, sizeof pc->err_section);
        lk_log_escape(key ? key : "", pc->err_key, sizeof pc->err_key);
    }
    return 0; /* inih: stop at the first error */
}

void config_defaults(config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    lk_strlcpy(cfg->kiosk_id, "kiosk", sizeof cfg->kiosk_id);
    lk_strlcpy(cfg->data_dir, "data", sizeof cfg->data_dir);
    lk_strlcpy(cfg->language, "nl", sizeof cfg->language);
    lk_strlcpy(cfg->activity_base, LK_ACTIVITY_BASE, sizeof cfg->activity_base);
    lk_strlcpy(cfg->usb_mount, LK_USB_MOUNT, sizeof cfg->usb_mount);
    cfg->sync.interval_s = LK_SYNC_INTERVAL_S;
    cfg->sync.connect_timeout_s = LK_SYNC_CONNECT_TIMEOUT_S;
    cfg->sync.timeout_s = LK_SYNC_TIMEOUT_S;
    cfg->sync.batch_size = LK_SYNC_BATCH_MAX;
    cfg->ui.fullscreen = true;
    cfg->ui.sound = true;
    cfg->ui.volume = 40;
    cfg->ui.reflection_timeout_s = LK_UI_REFLECTION_TIMEOUT_S;
    lk_strlcpy(cfg->camera.source, "none", sizeof cfg->camera.source);
    lk_strlcpy(cfg->camera.device, "/dev/video0", sizeof cfg->camera.device);
    cfg->camera.width = 640;
    cfg->camera.height = 480;
    cfg->camera.fps = LK_UI_PREVIEW_FPS;
    cfg->camera.focus = CONFIG_CAMERA_UNSET;
    cfg->camera.exposure = CONFIG_CAMERA_UNSET;
    lk_strlcpy(cfg->scanner.layout, "us", sizeof cfg->scanner.layout);
    cfg->trust.max_age_days = LK_TRUST_MAX_AGE_DAYS;
}

/* --- value parsers ------------------------------------------------------------ */

static bool parse_bool(const char *v, bool *out)
{
    if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") ||
        !strcasecmp(v, "on")) {
        *out = true;
        return true;
    }
    if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") ||
        !strcasecmp(v, "off")) {
        *out = false;
        return true;
    }
    return false;
}

static bool parse_int(const char *v, long min, long max, int *out)
{
    long l;
    if (lk_parse_long(v, min, max, &l) != LK_OK)
        return false;
    *out = (int)l;
    return true;
}

/* True when s is 1..max characters of [0-9A-Z]. */
static bool code_ok(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(isdigit((unsigned char)s[i]) || (s[i] >= 'A' && s[i] <= 'Z')))
            return false;
    return true;
}

static bool event_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > CONFIG_EVENT_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
            return false;
    return true;
}

/* Copies a path, made absolute against the ini file's folder when relative. */
static bool set_path(parse_ctx *pc, char *dst, size_t len, const char *v)
{
    if (v[0] == '/' || v[0] == '\0')
        return lk_strlcpy(dst, v, len);
    return lk_path_join(dst, len, pc->dir, v);
}

#define SET_TEXT(dst) \
    (lk_strlcpy((dst), value, sizeof(dst)) ? 1 : fail(pc, section, name, "value too long", NULL))

/* --- sections ----------------------------------------------------------------- */

static int kiosk_key(parse_ctx *pc, const char *section, const char *name, const char *value)
{
    config *c = pc->cfg;
    if (!strcmp(name, "id"))
        return SET_TEXT(c->kiosk_id);
    if (!strcmp(name, "data_dir"))
        return set_path(pc, c->data_dir, sizeof c->data_dir, value)
                   ? 1 : fail(pc, section, name, "path too long", NULL);
    if (!strcmp(name, "assets_dir"))
        return set_path(pc, c->assets_dir, sizeof c->assets_dir, value)
                   ? 1 : fail(pc, section, name, "path too long", NULL);
    if (!strcmp(name, "language")) {
        if (strcmp(value, "nl") && strcmp(value, "en"))
            return fail(pc, section, name, "'%s' is not a language; use nl or en", value);
        return SET_TEXT(c->language);
    }
    if (!strcmp(name, "activity_base")) {
        if (strncmp(value, "https://", 8) && strncmp(value, "http://", 7))
            return fail(pc, section, name, "'%s' is not an http(s) IRI", value);
        return SET_TEXT(c->activity_base);
    }
    if (!strcmp(name, "event")) {
        if (strlen(value) > CONFIG_EVENT_ID_MAX)
            return fail(pc, section, name, "event id '%s' is longer than 43 characters", value);
        if (value[0] && !event_id_ok(value))
            return fail(pc, section, name, "'%s' is not an event id", value);
        return SET_TEXT(c->event_id);
    }
    if (!strcmp(name, "demo"))
        return parse_bool(value, &c->demo) ? 1
                                           : fail(pc, section, name, "'%s' is not true or false", value);
    /* Ten years at most: a larger number is almost certainly a typo for "keep",
     * and 0 says that plainly. */
    if (!strcmp(name, "retention_days"))
        return parse_int(value, 0, 3650, &c->retention_days)
                   ? 1 : fail(pc, section, name, "'%s' is not 0 (keep) or 1..3650 days", value);
    /* The admin's export writes only into this mount point (export_to_usb). */
    if (!strcmp(name, "usb_mount")) {
        if (value[0] != '/')
            return fail(pc, section, name, "'%s' is not an absolute path", value);
        return SET_TEXT(c->usb_mount);
    }
    return fail(pc, section, name, "unknown key", NULL);
}

/* One revocation entry, SUBJECT or SUBJECT@YYYYMMDD (a real calendar date). */
static bool revoked_entry(const char *tok, char *subject, size_t len, int *expires)
{
    const char *at = strchr(tok, '@');
    size_t n = at ? (size_t)(at - tok) : strlen(tok);
    if (n >= len)
        return false;
    memcpy(subject, tok, n);
    subject[n] = '\0';
    if (!code_ok(subject, 1, LK_SUBJECT_MAX))
        return false;
    *expires = 0;
    if (at) {
        const char *d = at + 1;
        if (strlen(d) != 8 || strspn(d, "0123456789") != 8)
            return false;
        long v;
        if (lk_parse_long(d, 20000101, 99991231, &v) != LK_OK || !pass_date_valid((int)v))
            return false;
        *expires = (int)v;
    }
    return true;
}

/* Appends without sorting; config_load sorts each list once at the end. */
static lk_status revoked_append(config_issuer *is, const char *subject, int expires)
{
    if (is->n_revoked == is->cap_revoked) {
        size_t cap = is->cap_revoked ? is->cap_revoked * 2 : 64;
        config_revoked *grown = realloc(is->revoked, cap * sizeof *grown);
        if (!grown)
            return LK_ERR_NOMEM;
        is->revoked = grown;
        is->cap_revoked = cap;
    }
    config_revoked *r = &is->revoked[is->n_revoked++];
    lk_strlcpy(r->subject, subject, sizeof r->subject);
    r->expires = expires;
    return LK_OK;
}

static int revoked_cmp(const void *a, const void *b)
{
    const config_revoked *x = a, *y = b;
    int c = strcmp(x->subject, y->subject);
    if (c)
        return c;
    return (x->expires > y->expires) - (x->expires < y->expires);
}

static int parse_revoked(parse_ctx *pc, config_issuer *is, const char *section, const char *name,
                         const char *value)
{
    const char *p = value;
    while (*p) {
        p += strspn(p, ", \t");
        size_t n = strcspn(p, ", \t");
        if (n == 0)
            break;
        char tok[64], subject[LK_SUBJECT_MAX + 1];
        int expires;
        snprintf(tok, sizeof tok, "%.*s", (int)n, p);
        if (n >= sizeof tok || !revoked_entry(tok, subject, sizeof subject, &expires))
            return fail(pc, section, name,
                        "'%s' is not SUBJECT or SUBJECT@YYYYMMDD (a calendar date)", tok);
        if (revoked_append(is, subject, expires) != LK_OK)
            return fail(pc, section, name, "out of memory for the revocation list%s", "");
        p += n;
    }
    return 1;
}

/* revoked_file: one entry a line; blank lines and lines starting with # or ; are
 * skipped. A bad entry is reported with the list's own file name and line. */
static int parse_revoked_file(parse_ctx *pc, config_issuer *is, const char *section,
                              const char *name, const char *value)
{
    char path[CONFIG_PATH_MAX];
    if (!value[0] || !set_path(pc, path, sizeof path, value))
        return fail(pc, section, name, "'%s' is not a file name", value);
    char *text = NULL;
    size_t len = 0;
    lk_status st = lk_read_file(path, &text, &len);
    if (st != LK_OK)
        return fail(pc, section, name, "cannot read the revocation list %s", path);
    int rc = 1, line = 0;
    char *p = text, *end = text + len;
    while (p < end && rc) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        char *stop = eol ? eol : end;
        line++;
        while (p < stop && isspace((unsigned char)*p))
            p++;
        char *e = stop;
        while (e > p && isspace((unsigned char)e[-1]))
            e--;
        if (e > p && *p != '#' && *p != ';') {
            char tok[64], subject[LK_SUBJECT_MAX + 1], msg[CONFIG_ERR_MAX / 2];
            int expires;
            size_t n = (size_t)(e - p);
            bool ok = n < sizeof tok && !memchr(p, '\0', n);
            if (ok) {
                memcpy(tok, p, n);
                tok[n] = '\0';
                ok = revoked_entry(tok, subject, sizeof subject, &expires);
            } else {
                snprintf(tok, sizeof tok, "%.*s", (int)(n < 40 ? n : 40), p);
            }
            if (!ok) {
                char safe[96];
                lk_log_escape(tok, safe, sizeof safe);
                snprintf(msg, sizeof msg, "%.120s:%d: '%.60s' is not SUBJECT or SUBJECT@YYYYMMDD",
                         value, line, safe);
                rc = fail(pc, section, name, "%s", msg);
            } else if (revoked_append(is, subject, expires) != LK_OK) {
                rc = fail(pc, section, name, "out of memory for the revocation list%s", "");
            }
        }
        p = eol ? eol + 1 : end;
    }
    free(text);
    return rc;
}

static bool loopback_http(const char *url);

static int issuer_key(parse_ctx *pc, const char *section, const char *code, const char *name,
                      const char *value)
{
    if (!code_ok(code, 2, LK_ISSUER_MAX))
        return fail(pc, section, name, "issuer code '%s' must be 2-8 of 0-9 A-Z", code);
    config_issuer *is = config_add_issuer(pc->cfg, code);
    if (!is)
        return fail(pc, section, name, "out of memory for the issuer list%s", "");
    if (!strcmp(name, "name"))
        return SET_TEXT(is->name);
    if (!strcmp(name, "home_page")) {
        if (strncmp(value, "https://", 8) && strncmp(value, "http://", 7))
            return fail(pc, section, name, "'%s' is not an http(s) URL", value);
        return SET_TEXT(is->home_page);
    }
    if (!strcmp(name, "demo"))
        return parse_bool(value, &is->demo)
                   ? 1 : fail(pc, section, name, "'%s' is not true or false", value);
    if (!strcmp(name, "revoked"))
        return parse_revoked(pc, is, section, name, value);
    if (!strcmp(name, "revoked_file"))
        return parse_revoked_file(pc, is, section, name, value);
    if (!strcmp(name, "endpoint")) {
        if (value[0] && strncmp(value, "https://", 8) && !loopback_http(value))
            return fail(pc, section, name,
                        "'%s' is not an https URL (plain http only to this machine itself)", value);
        return SET_TEXT(is->endpoint);
    }
    if (!strcmp(name, "credentials_file"))
        return set_path(pc, is->credentials_file, sizeof is->credentials_file, value)
                   ? 1
                   : fail(pc, section, name, "path too long", NULL);
    if (!strcmp(name, "ca_file"))
        return set_path(pc, is->ca_file, sizeof is->ca_file, value)
                   ? 1
                   : fail(pc, section, name, "path too long", NULL);
    if (!strncmp(name, "key.", 4)) {
        const char *kid = name + 4;
        if (!code_ok(kid, 1, LK_KEYID_MAX))
            return fail(pc, section, name, "key id '%s' must be 1-4 of 0-9 A-Z", kid);
        if (is->n_keys >= CONFIG_MAX_KEYS)
            return fail(pc, section, name, "too many keys", NULL);
        config_key *k = &is->keys[is->n_keys];
        size_t bin_len = 0;
        if (sodium_base642bin(k->pk, sizeof k->pk, value, strlen(value), NULL, &bin_len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0 ||
            bin_len != sizeof k->pk)
            return fail(pc, section, name, "not a base64 Ed25519 public key", NULL);
        lk_strlcpy(k->id, kid, sizeof k->id);
        is->n_keys++;
        return 1;
    }
    return fail(pc, section, name, "unknown key", NULL);
}

static config_event *event_for(parse_ctx *pc, const char *id)
{
    config *c = pc->cfg;
    for (size_t i = 0; i < c->n_events; i++)
        if (!strcmp(c->events[i].id, id))
            return &c->events[i];
    if (c->n_events >= CONFIG_MAX_EVENTS)
        return NULL;
    config_event *ev = &c->events[c->n_events++];
    lk_strlcpy(ev->id, id, sizeof ev->id);
    lk_strlcpy(ev->kind, "other", sizeof ev->kind);
    lk_strlcpy(ev->questions, "default", sizeof ev->questions);
    ev->min_stay_minutes = LK_MIN_STAY_MINUTES;
    return ev;
}

static const char *const event_kinds[] = {"open_day",    "trial_day",      "company_visit",
                                          "career_fair", "internship_day", "other"};

static int event_key(parse_ctx *pc, const char *section, const char *id, const char *name,
                     const char *value)
{
    if (!event_id_ok(id))
        return fail(pc, section, name, "event id '%s' must be letters, digits, - or _", id);
    config_event *ev = event_for(pc, id);
    if (!ev)
        return fail(pc, section, name, "too many events", NULL);
    if (!strcmp(name, "title"))
        return SET_TEXT(ev->title);
    if (!strcmp(name, "host"))
        return SET_TEXT(ev->host);
    if (!strcmp(name, "location"))
        return SET_TEXT(ev->location);
    if (!strcmp(name, "questions"))
        return SET_TEXT(ev->questions);
    if (!strcmp(name, "issuers"))
        return SET_TEXT(ev->issuers);
    if (!strcmp(name, "expected_groups"))
        return SET_TEXT(ev->expected_groups);
    if (!strcmp(name, "hosts"))
        return SET_TEXT(ev->hosts);
    if (!strcmp(name, "min_stay_minutes"))
        return parse_int(value, 0, 1440, &ev->min_stay_minutes)
                   ? 1 : fail(pc, section, name, "'%s' is not 0..1440 minutes", value);
    if (!strcmp(name, "kind")) {
        for (size_t i = 0; i < sizeof event_kinds / sizeof event_kinds[0]; i++)
            if (!strcmp(value, event_kinds[i]))
                return SET_TEXT(ev->kind);
        return fail(pc, section, name,
                    "'%s' is not a kind; use open_day, trial_day, company_visit, career_fair, "
                    "internship_day or other", value);
    }
    if (!strcmp(name, "mode")) {
        if (!strcmp(value, "checkin"))
            ev->mode = CONFIG_MODE_CHECKIN;
        else if (!strcmp(value, "checkin_checkout"))
            ev->mode = CONFIG_MODE_CHECKIN_CHECKOUT;
        else
            return fail(pc, section, name, "'%s' is not a mode; use checkin or checkin_checkout",
                        value);
        return 1;
    }
    if (!strcmp(name, "start") || !strcmp(name, "end")) {
        int64_t ms;
        if (lk_parse_iso8601(value, &ms) != LK_OK)
            return fail(pc, section, name, "'%s' is not a date-time like 2026-11-28T09:00+01:00",
                        value);
        if (!strcmp(name, "start"))
            ev->start_ms = ms;
        else
            ev->end_ms = ms;
        return 1;
    }
    return fail(pc, section, name, "unknown key", NULL);
}

/* Credentials never cross a network in the clear: plain http is accepted only for
 * an LRS on this machine (a local relay, tests). */
static bool loopback_http(const char *url)
{
    static const char *const hosts[] = {"http://127.0.0.1", "http://localhost", "http://[::1]"};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        size_t n = strlen(hosts[i]);
        if (strncmp(url, hosts[i], n) != 0)
            continue;
        /* only a port may follow: "127.0.0.1:80@host" names host, with a user:password */
        const char *p = url + n;
        if (*p == ':')
            for (p++; isdigit((unsigned char)*p); p++)
                ;
        if (*p == '/' || *p == '\0')
            return true;
    }
    return false;
}

static int sync_key(parse_ctx *pc, const char *section, const char *name, const char *value)
{
    config_sync *s = &pc->cfg->sync;
    if (!strcmp(name, "endpoint")) {
        if (value[0] && strncmp(value, "https://", 8) && !loopback_http(value))
            return fail(pc, section, name,
                        "'%s' is not an https URL (plain http only to this machine itself)",
                        value);
        return SET_TEXT(s->endpoint);
    }
    if (!strcmp(name, "credentials_file"))
        return set_path(pc, s->credentials_file, sizeof s->credentials_file, value)
                   ? 1 : fail(pc, section, name, "path too long", NULL);
    if (!strcmp(name, "ca_file"))
        return set_path(pc, s->ca_file, sizeof s->ca_file, value)
                   ? 1 : fail(pc, section, name, "path too long", NULL);
    if (!strcmp(name, "interval"))
        return parse_int(value, 1, 86400, &s->interval_s)
                   ? 1 : fail(pc, section, name, "'%s' is not 1..86400 seconds", value);
    if (!strcmp(name, "connect_timeout"))
        return parse_int(value, 1, 600, &s->connect_timeout_s)
                   ? 1 : fail(pc, section, name, "'%s' is not 1..600 seconds", value);
    if (!strcmp(name, "timeout"))
        return parse_int(value, 1, 3600, &s->timeout_s)
                   ? 1 : fail(pc, section, name, "'%s' is not 1..3600 seconds", value);
    if (!strcmp(name, "batch_size"))
        return parse_int(value, 1, LK_SYNC_BATCH_MAX, &s->batch_size)
                   ? 1 : fail(pc, section, name, "'%s' is not 1..100", value);
    return fail(pc, section, name, "unknown key", NULL);
}

static int ui_key(parse_ctx *pc, const char *section, const char *name, const char *value)
{
    config_ui *u = &pc->cfg->ui;
    if (!strcmp(name, "width"))
        return parse_int(value, 0, 16384, &u->width)
                   ? 1 : fail(pc, section, name, "'%s' is not a width in pixels", value);
    if (!strcmp(name, "height"))
        return parse_int(value, 0, 16384, &u->height)
                   ? 1 : fail(pc, section, name, "'%s' is not a height in pixels", value);
    if (!strcmp(name, "fullscreen"))
        return parse_bool(value, &u->fullscreen)
                   ? 1 : fail(pc, section, name, "'%s' is not true or false", value);
    if (!strcmp(name, "rotate"))
        return parse_int(value, 0, 270, &u->rotate) && u->rotate % 90 == 0
                   ? 1 : fail(pc, section, name, "'%s' is not 0, 90, 180 or 270", value);
    if (!strcmp(name, "sound"))
        return parse_bool(value, &u->sound)
                   ? 1 : fail(pc, section, name, "'%s' is not true or false", value);
    if (!strcmp(name, "volume"))
        return parse_int(value, 0, 100, &u->volume)
                   ? 1 : fail(pc, section, name, "'%s' is not 0..100", value);
    if (!strcmp(name, "dossier_url")) {
        if (value[0] && strncmp(value, "https://", 8) && strncmp(value, "http://", 7))
            return fail(pc, section, name, "'%s' is not an http(s) URL", value);
        return SET_TEXT(u->dossier_url);
    }
    if (!strcmp(name, "admin_pin_hash")) {
        if (value[0] && strncmp(value, "$argon2", 7))
            return fail(pc, section, name,
                        "not a PIN hash; make one with 'lobkiosk pin'%s", "");
        return SET_TEXT(u->admin_pin_hash);
    }
    if (!strcmp(name, "reflection_timeout"))
        return parse_int(value, 5, 600, &u->reflection_timeout_s)
                   ? 1 : fail(pc, section, name, "'%s' is not 5..600 seconds", value);
    return fail(pc, section, name, "unknown key", NULL);
}

static int camera_key(parse_ctx *pc, const char *section, const char *name, const char *value)
{
    config_camera *cam = &pc->cfg->camera;
    if (!strcmp(name, "source")) {
        if (strcmp(value, "v4l2") && strcmp(value, "command") && strcmp(value, "folder") &&
            strcmp(value, "none"))
            return fail(pc, section, name,
                        "'%s' is not a source; use v4l2, command, folder or none", value);
        return SET_TEXT(cam->source);
    }
    if (!strcmp(name, "device"))
        return SET_TEXT(cam->device);
    if (!strcmp(name, "command"))
        return SET_TEXT(cam->command);
    if (!strcmp(name, "focus") || !strcmp(name, "exposure")) {
        int *dst = !strcmp(name, "focus") ? &cam->focus : &cam->exposure;
        if (!strcmp(value, "auto")) {
            *dst = CONFIG_CAMERA_AUTO;
            return 1;
        }
        if (value[0] == '\0') {
            *dst = CONFIG_CAMERA_UNSET;
            return 1;
        }
        return parse_int(value, 0, 1000000, dst)
                   ? 1 : fail(pc, section, name, "'%s' is not auto or a number 0..1000000", value);
    }
    if (!strcmp(name, "folder"))
        return set_path(pc, cam->folder, sizeof cam->folder, value)
                   ? 1 : fail(pc, section, name, "path too long", NULL);
    if (!strcmp(name, "width"))
        return parse_int(value, 16, 8192, &cam->width)
                   ? 1 : fail(pc, section, name, "'%s' is not a width in pixels", value);
    if (!strcmp(name, "height"))
        return parse_int(value, 16, 8192, &cam->height)
                   ? 1 : fail(pc, section, name, "'%s' is not a height in pixels", value);
    if (!strcmp(name, "fps"))
        return parse_int(value, 1, 60, &cam->fps)
                   ? 1 : fail(pc, section, name, "'%s' is not 1..60 frames per second", value);
    return fail(pc, section, name, "unknown key", NULL);
}

static int scanner_key(parse_ctx *pc, const char *section, const char *name, const char *value)
{
    config_scanner *sc = &pc->cfg->scanner;
    if (!strcmp(name, "evdev"))
        return SET_TEXT(sc->evdev);
    if (!strcmp(name, "layout")) {
        if (strcmp(value, "us") && strcmp(value, "nl"))
            return fail(pc, section, name, "'%s' is not a layout; use us or nl", value);
        return SET_TEXT(sc->layout);
    }
    return fail(pc, section, name, "unknown key", NULL);
}

static int trust_key(parse_ctx *pc, const char *section, const char *name, const char *value)
{
    config_trust *t = &pc->cfg->trust;
    if (!strcmp(name, "region_key")) {
        size_t bin_len = 0;
        if (sodium_base642bin(t->region_key, sizeof t->region_key, value, strlen(value), NULL,
                              &bin_len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
            bin_len != sizeof t->region_key)
            return fail(pc, section, name, "not a base64 Ed25519 public key", NULL);
        t->has_region_key = true;
        return 1;
    }
    if (!strcmp(name, "file"))
        return set_path(pc, t->file, sizeof t->file, value)
                   ? 1
                   : fail(pc, section, name, "path too long", NULL);
    if (!strcmp(name, "url")) {
        if (value[0] && strncmp(value, "https://", 8) && !loopback_http(value))
            return fail(pc, section, name,
                        "'%s' is not an https URL (plain http only to this machine itself)", value);
        return SET_TEXT(t->url);
    }
    if (!strcmp(name, "max_age_days"))
        return parse_int(value, 1, 3650, &t->max_age_days)
                   ? 1
                   : fail(pc, section, name, "'%s' is not 1..3650 days", value);
    return fail(pc, section, name, "unknown key", NULL);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *pc = user;
    if (pc->failed)
        return 0;
    if (!name) /* a section header alone (inih with INI_CALL_HANDLER_ON_NEW_SECTION) */
        return 1;
    if (!strcmp(section, "kiosk"))
        return kiosk_key(pc, section, name, value);
    if (!strncmp(section, "issuer.", 7))
        return issuer_key(pc, section, section + 7, name, value);
    if (!strncmp(section, "event.", 6))
        return event_key(pc, section, section + 6, name, value);
    if (!strcmp(section, "sync"))
        return sync_key(pc, section, name, value);
    if (!strcmp(section, "ui"))
        return ui_key(pc, section, name, value);
    if (!strcmp(section, "camera"))
        return camera_key(pc, section, name, value);
    if (!strcmp(section, "scanner"))
        return scanner_key(pc, section, name, value);
    if (!strcmp(section, "trust"))
        return trust_key(pc, section, name, value);
    if (!section[0])
        return fail(pc, section, name, "key outside a section%s", "");
    return fail(pc, section, name, "unknown section", NULL);
}

/* inih reader over the file text (ini_parse_stream). It counts lines, so a problem
 * is reported on the line inih was parsing, and it refuses what inih would silently
 * break: a line longer than inih's buffer (inih cuts it and reads the rest as a next
 * line) and a section name longer than inih keeps (cut to 49 characters). */
static char *text_reader(char *str, int num, void *stream)
{
    parse_ctx *pc = stream;
    if (pc->failed || pc->next >= pc->end)
        return NULL;
    const char *eol = memchr(pc->next, '\n', (size_t)(pc->end - pc->next));
    size_t len = eol ? (size_t)(eol - pc->next) + 1 : (size_t)(pc->end - pc->next);
    pc->line++;
    if (memchr(pc->next, '\0', len)) {
        fail(pc, "", "", "this line holds a NUL byte; is this a text file?%s", "");
        return NULL;
    }
    /* inih needs room for the line, its CR LF and a NUL */
    size_t content = len;
    while (content > 0 && (pc->next[content - 1] == '\n' || pc->next[content - 1] == '\r'))
        content--;
    if (num < 3 || content > (size_t)num - 3) {
        char what[64];
        snprintf(what, sizeof what, "%d", num > 3 ? num - 3 : 0);
        fail(pc, "", "",
             "this line is longer than %s characters; split a long revoked list over "
             "several 'revoked =' lines or put it in a revoked_file",
             what);
        return NULL;
    }
    memcpy(str, pc->next, len);
    str[len] = '\0';
    pc->next += len;
    const char *s = str;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '[') {
        size_t name = strcspn(s + 1, "];\r\n");
        if (name > INI_SECTION_KEPT) {
            char head[CONFIG_TEXT_MAX];
            snprintf(head, sizeof head, "%.*s", (int)name, s + 1);
            if (!strncmp(head, "event.", 6))
                fail(pc, "", "", "event id '%s' is longer than 43 characters", head + 6);
            else
                fail(pc, "", "", "section name '%s' is longer than 49 characters", head);
            return NULL;
        }
    }
    return str;
}

/* inih does not pass line numbers to the handler in Debian's build: find the line
 * of section/key in the text ourselves (first occurrence inside that section). */
static int locate_line(const char *text, const char *section, const char *key)
{
    int line = 1, in_section = section[0] == '\0';
    const char *p = text;
    size_t klen = strlen(key);
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        const char *s = p;
        while (s < p + len && isspace((unsigned char)*s))
            s++;
        if (*s == '[') {
            const char *close = memchr(s, ']', (size_t)(p + len - s));
            in_section = close && (size_t)(close - s - 1) == strlen(section) &&
                         !strncmp(s + 1, section, strlen(section));
            if (in_section && !key[0])
                return line;
        } else if (in_section && klen && !strncmp(s, key, klen)) {
            const char *after = s + klen;
            while (after < p + len && (*after == ' ' || *after == '\t'))
                after++;
            if (after < p + len && (*after == '=' || *after == ':'))
                return line;
        }
        if (!eol)
            break;
        p = eol + 1;
        line++;
    }
    return 0;
}

static lk_status check_complete(parse_ctx *pc)
{
    config *c = pc->cfg;
    for (size_t i = 0; i < c->n_issuers; i++) {
        const config_issuer *is = &c->issuers[i];
        snprintf(pc->err_section, sizeof pc->err_section, "issuer.%s", is->code);
        if (is->n_keys == 0) {
            lk_strlcpy(pc->err, "an issuer needs at least one key.ID = <public key>",
                       sizeof pc->err);
            pc->err_key[0] = '\0';
            return LK_ERR_CONFIG;
        }
    }
    for (size_t i = 0; i < c->n_events; i++) {
        const config_event *ev = &c->events[i];
        snprintf(pc->err_section, sizeof pc->err_section, "event.%s", ev->id);
        pc->err_key[0] = '\0';
        if (!ev->title[0]) {
            lk_strlcpy(pc->err, "missing key title", sizeof pc->err);
            return LK_ERR_CONFIG;
        }
        if (!ev->start_ms || !ev->end_ms) {
            lk_strlcpy(pc->err, "missing key start or end", sizeof pc->err);
            return LK_ERR_CONFIG;
        }
        if (ev->end_ms <= ev->start_ms) {
            lk_strlcpy(pc->err, "end is not after start", sizeof pc->err);
            return LK_ERR_CONFIG;
        }
    }
    if (c->event_id[0] && !config_find_event(c, c->event_id)) {
        lk_strlcpy(pc->err_section, "kiosk", sizeof pc->err_section);
        lk_strlcpy(pc->err_key, "event", sizeof pc->err_key);
        snprintf(pc->err, sizeof pc->err, "no [event.%s] section", c->event_id);
        return LK_ERR_CONFIG;
    }
    if (!strcmp(c->camera.source, "folder") && !c->camera.folder[0]) {
        lk_strlcpy(pc->err_section, "camera", sizeof pc->err_section);
        lk_strlcpy(pc->err_key, "folder", sizeof pc->err_key);
        lk_strlcpy(pc->err, "source = folder needs a folder", sizeof pc->err);
        return LK_ERR_CONFIG;
    }
    if (!strcmp(c->camera.source, "command") && !c->camera.command[0]) {
        lk_strlcpy(pc->err_section, "camera", sizeof pc->err_section);
        lk_strlcpy(pc->err_key, "command", sizeof pc->err_key);
        lk_strlcpy(pc->err, "source = command needs a command", sizeof pc->err);
        return LK_ERR_CONFIG;
    }
    return LK_OK;
}

/* Where the assets are when kiosk.ini does not say: next to the executable, in
 * the source tree it was built in, or PREFIX/share (paths.h); else ./assets. */
static void default_assets(config *cfg)
{
    if (!paths_assets_dir(cfg->assets_dir, sizeof cfg->assets_dir))
        lk_strlcpy(cfg->assets_dir, "assets", sizeof cfg->assets_dir);
}

void config_default_assets(config *cfg)
{
    if (cfg)
        default_assets(cfg);
}

lk_status config_load(config *cfg, const char *path, char *err, size_t err_len)
{
    if (cfg)
        config_defaults(cfg); /* config_free is safe on cfg from here on, whatever happens */
    if (!cfg || !path) {
        if (err)
            snprintf(err, err_len, "config: no file given");
        return LK_ERR_INVALID;
    }
    if (sodium_init() < 0) {
        if (err)
            snprintf(err, err_len, "%s: libsodium could not start", path);
        return LK_ERR_CRYPTO;
    }
    parse_ctx *pc = calloc(1, sizeof *pc);
    if (!pc)
        return LK_ERR_NOMEM;
    config_defaults(cfg);
    cfg->data_dir[0] = '\0';
    lk_strlcpy(cfg->path, path, sizeof cfg->path);
    pc->cfg = cfg;

    char abs[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash) {
        lk_strlcpy(pc->dir, ".", sizeof pc->dir);
    } else if (slash == path) {
        lk_strlcpy(pc->dir, "/", sizeof pc->dir);
    } else {
        snprintf(pc->dir, sizeof pc->dir, "%.*s", (int)(slash - path), path);
    }
    if (realpath(pc->dir, abs))
        lk_strlcpy(pc->dir, abs, sizeof pc->dir);

    char *text = NULL;
    size_t text_len = 0;
    lk_status st = lk_read_file(path, &text, &text_len);
    if (st != LK_OK) {
        if (err)
            snprintf(err, err_len, "%s: cannot read the file (%s)", path,
                     st == LK_ERR_NOT_FOUND ? "not found" : lk_strerror(st));
        free(pc);
        return LK_ERR_IO;
    }
    pc->next = text;
    pc->end = text + text_len;
    int rc = ini_parse_stream(text_reader, pc, handler, pc);
    if (rc > 0 && !pc->failed) {
        if (err)
            snprintf(err, err_len, "%s:%d: this line is not 'key = value' or '[section]'", path,
                     rc);
        st = LK_ERR_CONFIG;
    } else if (pc->failed) {
        int line = pc->err_line ? pc->err_line : locate_line(text, pc->err_section, pc->err_key);
        if (err && !pc->err_key[0] && !pc->err_section[0])
            snprintf(err, err_len, "%s:%d: %s", path, line, pc->err);
        else if (err)
            snprintf(err, err_len, "%s:%d: [%s] %s: %s", path, line, pc->err_section,
                     pc->err_key, pc->err);
        st = LK_ERR_CONFIG;
    } else if (rc < 0) {
        if (err)
            snprintf(err, err_len, "%s: out of memory while reading", path);
        st = LK_ERR_NOMEM;
    } else {
        st = check_complete(pc);
        if (st != LK_OK && err) {
            int line = locate_line(text, pc->err_section, pc->err_key);
            snprintf(err, err_len, "%s:%d: [%s]%s%s: %s", path, line, pc->err_section,
                     pc->err_key[0] ? " " : "", pc->err_key, pc->err);
        }
    }
    for (size_t i = 0; i < cfg->n_issuers; i++)
        config_sort_revoked(&cfg->issuers[i]);
    config_sort_issuers(cfg);
    if (st != LK_OK)
        config_free(cfg);
    if (st == LK_OK) {
        if (!cfg->data_dir[0] && !lk_path_join(cfg->data_dir, sizeof cfg->data_dir, pc->dir, "data"))
            st = LK_ERR_CONFIG;
        if (!cfg->assets_dir[0])
            default_assets(cfg);
        if (st == LK_OK && !cfg->trust.file[0] &&
            !lk_path_join(cfg->trust.file, sizeof cfg->trust.file, cfg->data_dir, "trust.json"))
            st = LK_ERR_CONFIG;
    }
    free(text);
    free(pc);
    return st;
}

static int issuer_cmp(const void *a, const void *b)
{
    return strcmp(((const config_issuer *)a)->code, ((const config_issuer *)b)->code);
}

/* The issuer with this code, trusted or not; NULL when there is none. */
static config_issuer *issuer_lookup(const config *cfg, const char *code)
{
    if (cfg->issuers_sorted) {
        config_issuer key;
        if (!lk_strlcpy(key.code, code, sizeof key.code))
            return NULL;
        return bsearch(&key, cfg->issuers, cfg->n_issuers, sizeof key, issuer_cmp);
    }
    for (size_t i = 0; i < cfg->n_issuers; i++)
        if (!strcmp(cfg->issuers[i].code, code))
            return &cfg->issuers[i];
    return NULL;
}

config_issuer *config_add_issuer(config *cfg, const char *code)
{
    if (!cfg || !code || !code_ok(code, 2, LK_ISSUER_MAX))
        return NULL;
    config_issuer *is = issuer_lookup(cfg, code);
    if (is)
        return is;
    if (cfg->n_issuers == cfg->cap_issuers) {
        size_t cap = cfg->cap_issuers ? cfg->cap_issuers * 2 : 8;
        config_issuer *grown = realloc(cfg->issuers, cap * sizeof *grown);
        if (!grown)
            return NULL;
        cfg->issuers = grown;
        cfg->cap_issuers = cap;
    }
    is = &cfg->issuers[cfg->n_issuers++];
    memset(is, 0, sizeof *is);
    lk_strlcpy(is->code, code, sizeof is->code);
    cfg->issuers_sorted = false;
    return is;
}

void config_drop_trust_list(config *cfg)
{
    if (!cfg)
        return;
    size_t k = 0;
    for (size_t i = 0; i < cfg->n_issuers; i++) {
        if (cfg->issuers[i].from_trust_list)
            free(cfg->issuers[i].revoked);
        else
            cfg->issuers[k++] = cfg->issuers[i];
    }
    cfg->n_issuers = k; /* the order stays sorted */
}

void config_sort_issuers(config *cfg)
{
    if (!cfg)
        return;
    if (cfg->n_issuers > 1)
        qsort(cfg->issuers, cfg->n_issuers, sizeof cfg->issuers[0], issuer_cmp);
    cfg->issuers_sorted = true;
}

const config_issuer *config_find_issuer(const config *cfg, const char *code)
{
    if (!cfg || !code)
        return NULL;
    const config_issuer *is = issuer_lookup(cfg, code);
    return (is && is->demo && !cfg->demo) ? NULL : is;
}

const config_event *config_find_event(const config *cfg, const char *id)
{
    if (!cfg || !id)
        return NULL;
    for (size_t i = 0; i < cfg->n_events; i++)
        if (!strcmp(cfg->events[i].id, id))
            return &cfg->events[i];
    return NULL;
}

const config_event *config_active_event(const config *cfg, int64_t now_ms)
{
    if (!cfg)
        return NULL;
    if (cfg->event_id[0])
        return config_find_event(cfg, cfg->event_id);
    const config_event *best = NULL;
    for (size_t i = 0; i < cfg->n_events; i++) {
        const config_event *ev = &cfg->events[i];
        if (now_ms >= ev->start_ms && now_ms < ev->end_ms &&
            (!best || ev->start_ms < best->start_ms))
            best = ev;
    }
    return best;
}

/* True when code is one of the comma (or space) separated items of list. */
static bool in_list(const char *list, const char *code)
{
    size_t n = strlen(code);
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        const char *start = p;
        while (*p && *p != ',' && *p != ' ' && *p != '\t')
            p++;
        if (n > 0 && (size_t)(p - start) == n && !strncmp(start, code, n))
            return true;
    }
    return false;
}

bool config_event_admits_host(const config_event *ev, const char *subject)
{
    if (!ev || !subject)
        return false;
    return !ev->hosts[0] || in_list(ev->hosts, subject);
}

bool config_event_admits(const config_event *ev, const char *issuer_code)
{
    if (!ev || !issuer_code)
        return false;
    if (!ev->issuers[0])
        return true;
    size_t n = strlen(issuer_code);
    const char *p = ev->issuers;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        const char *start = p;
        while (*p && *p != ',' && *p != ' ' && *p != '\t')
            p++;
        if ((size_t)(p - start) == n && !strncmp(start, issuer_code, n))
            return true;
    }
    return false;
}

void config_free(config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->n_issuers; i++)
        free(cfg->issuers[i].revoked);
    free(cfg->issuers);
    cfg->issuers = NULL;
    cfg->n_issuers = cfg->cap_issuers = 0;
    cfg->issuers_sorted = false;
}

lk_status config_revoke(config_issuer *is, const char *subject, int expires)
{
    if (!is || !subject || !code_ok(subject, 1, LK_SUBJECT_MAX) ||
        (expires != 0 && !pass_date_valid(expires)))
        return LK_ERR_INVALID;
    lk_status st = revoked_append(is, subject, expires);
    if (st != LK_OK)
        return st;
    /* keep the list sorted: move the new entry down to its place */
    config_revoked add = is->revoked[is->n_revoked - 1];
    size_t i = is->n_revoked - 1;
    while (i > 0 && revoked_cmp(&is->revoked[i - 1], &add) > 0) {
        is->revoked[i] = is->revoked[i - 1];
        i--;
    }
    is->revoked[i] = add;
    return LK_OK;
}

lk_status config_revoke_entry(config_issuer *is, const char *entry)
{
    char subject[LK_SUBJECT_MAX + 1];
    int expires;
    if (!is || !entry || !revoked_entry(entry, subject, sizeof subject, &expires))
        return LK_ERR_INVALID;
    return revoked_append(is, subject, expires);
}

void config_sort_revoked(config_issuer *is)
{
    if (is && is->n_revoked > 1)
        qsort(is->revoked, is->n_revoked, sizeof is->revoked[0], revoked_cmp);
}

bool config_is_revoked(const config_issuer *is, const char *subject, int expires)
{
    if (!is || !subject || !is->n_revoked || strlen(subject) > LK_SUBJECT_MAX)
        return false;
    config_revoked key;
    lk_strlcpy(key.subject, subject, sizeof key.subject);
    key.expires = 0; /* every pass of the subject */
    if (bsearch(&key, is->revoked, is->n_revoked, sizeof key, revoked_cmp))
        return true;
    key.expires = expires;
    return expires != 0 &&
           bsearch(&key, is->revoked, is->n_revoked, sizeof key, revoked_cmp) != NULL;
}
