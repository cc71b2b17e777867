/* kiosk.ini: the runtime configuration of one kiosk (inih). Loaded once at start
 * into plain structs that every module reads; nothing here touches SQLite or SDL.
 * Every key is documented in assets/demo/kiosk.example.ini. */
#ifndef LOBKIOSK_CONFIG_H
#define LOBKIOSK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/defaults.h"
#include "lobkiosk/status.h"

#define CONFIG_PATH_MAX 1024
#define CONFIG_TEXT_MAX 256
#define CONFIG_MAX_KEYS 8
#define CONFIG_MAX_EVENTS 64
#define CONFIG_EVENT_ID_MAX 43 /* inih keeps 49 characters of a section name: "event." + 43 */
#define CONFIG_ERR_MAX 512

/* One trusted public key of an issuer. */
typedef struct config_key {
    char id[LK_KEYID_MAX + 1];      /* key id as printed in passes */
    unsigned char pk[32];           /* Ed25519 public key */
} config_key;

/* A revoked pass: all passes of a subject, or only the one with this expiry. */
typedef struct config_revoked {
    char subject[LK_SUBJECT_MAX + 1]; /* subject id */
    int expires;                      /* YYYYMMDD, or 0 for every pass of the subject */
} config_revoked;

/* An organisation whose passes this kiosk trusts. */
typedef struct config_issuer {
    char code[LK_ISSUER_MAX + 1];   /* issuer code, e.g. a BRIN code "00AA" */
    char name[CONFIG_TEXT_MAX];     /* display name of the school or organisation */
    char home_page[CONFIG_TEXT_MAX];/* xAPI account homePage for its subjects */
    bool demo;                      /* a demo issuer: only trusted when [kiosk] demo = true */
    config_key keys[CONFIG_MAX_KEYS]; /* its public keys (rotation) */
    size_t n_keys;                  /* used entries of keys */
    config_revoked *revoked;        /* revocation list, sorted by subject then expires
                                       (config_is_revoked bsearches it); heap, owned by
                                       the config, freed by config_free */
    size_t n_revoked;               /* used entries of revoked */
    size_t cap_revoked;             /* allocated entries of revoked */
    char endpoint[CONFIG_PATH_MAX]; /* this school's own LRS (…/xAPI), "" = [sync] endpoint */
    char credentials_file[CONFIG_PATH_MAX]; /* "user:password" for endpoint, mode 0600 */
    char ca_file[CONFIG_PATH_MAX];  /* extra CA bundle for endpoint, "" = system store */
    bool from_trust_list;           /* came from the region's signed trust list, not
                                       from kiosk.ini (kiosk.ini entries win) */
} config_issuer;

/* How check-ins work at an event. */
typedef enum config_mode {
    CONFIG_MODE_CHECKIN = 0,          /* open day: one check-in per student */
    CONFIG_MODE_CHECKIN_CHECKOUT = 1, /* internship day: second scan checks out */
} config_mode;

/* One event this kiosk can serve. */
typedef struct config_event {
    char id[64];                     /* stable id, [A-Za-z0-9_-], used in IRIs */
    char title[CONFIG_TEXT_MAX];     /* "Open dag Techniek" */
    char kind[32];                   /* open_day, trial_day, company_visit, career_fair,
                                        internship_day, other */
    char host[CONFIG_TEXT_MAX];      /* hosting organisation, shown on screen */
    char location[CONFIG_TEXT_MAX];  /* room or site, may be empty */
    int64_t start_ms;                /* start, ms since epoch */
    int64_t end_ms;                  /* end, ms since epoch */
    config_mode mode;                /* check-in rules */
    char questions[64];              /* question set name in assets/questions/, "" = none */
    char issuers[CONFIG_TEXT_MAX];   /* comma list of admitted issuer codes, "" = all */
    char expected_groups[CONFIG_TEXT_MAX]; /* comma list of roster groups expected, "" = none */
    char hosts[CONFIG_TEXT_MAX];     /* comma list of host pass subjects that may open the
                                        host screen here ("H01,H02"), "" = any invited host */
    int min_stay_minutes;            /* checkin_checkout: the kiosk asks "Wil je uitchecken?"
                                        for a scan sooner than this after the check-in
                                        (default LK_MIN_STAY_MINUTES, 0 = never asks) */
} config_event;

/* [sync] */
typedef struct config_sync {
    char endpoint[CONFIG_PATH_MAX];      /* LRS base URL (…/xAPI), "" = sync off */
    char credentials_file[CONFIG_PATH_MAX]; /* "user:password" file, mode 0600 */
    char ca_file[CONFIG_PATH_MAX];       /* extra CA bundle, "" = system store */
    int interval_s;                      /* wake-up interval */
    int connect_timeout_s;               /* libcurl connect timeout */
    int timeout_s;                       /* libcurl total timeout */
    int batch_size;                      /* statements per POST, 1..100 */
} config_sync;

/* [ui] */
typedef struct config_ui {
    int width, height;              /* window size when not fullscreen; 0 = screen */
    bool fullscreen;                /* fullscreen kiosk mode */
    int rotate;                     /* 0, 90, 180 or 270: the picture turned clockwise
                                       (a screen mounted sideways or upside down) */
    bool sound;                     /* play sounds */
    int volume;                     /* 0..100 */
    char dossier_url[CONFIG_PATH_MAX]; /* URL template for the done-screen QR:
                                          {issuer}, {subject}, {event} are replaced */
    char admin_pin_hash[256];       /* crypto_pwhash_str of the admin PIN, "" = no PIN */
    int reflection_timeout_s;       /* idle seconds before a reflection ends */
} config_ui;

/* [camera] */
typedef struct config_camera {
    char source[16];                /* "v4l2", "command", "folder" or "none" */
    char device[CONFIG_PATH_MAX];   /* /dev/video0 */
    char command[CONFIG_PATH_MAX];  /* source = command: a command line (run with
                                       /bin/sh -c) writing raw I420 frames to stdout */
    char folder[CONFIG_PATH_MAX];   /* images played as frames (source = folder) */
    int width, height;              /* requested capture size */
    int fps;                        /* frames per second to scan */
    int focus;                      /* v4l2: CONFIG_CAMERA_UNSET, CONFIG_CAMERA_AUTO or 0.. */
    int exposure;                   /* v4l2: the same; N in the driver's units (UVC: 100 us) */
} config_camera;

#define CONFIG_CAMERA_UNSET (-2) /* focus/exposure: leave the camera's own setting */
#define CONFIG_CAMERA_AUTO (-1)  /* focus/exposure: automatic */

/* [scanner] */
typedef struct config_scanner {
    char evdev[CONFIG_PATH_MAX];    /* keyboard-wedge device to grab, "" = SDL text only */
    char layout[8];                 /* "us" or "nl" */
} config_scanner;

/* [trust]: a region's signed list of schools (trust.h). */
typedef struct config_trust {
    unsigned char region_key[32];   /* the region's Ed25519 public key */
    bool has_region_key;            /* region_key is set: a trust list may be used */
    char file[CONFIG_PATH_MAX];     /* the installed list, "" = <data_dir>/trust.json */
    char url[CONFIG_PATH_MAX];      /* where the region publishes it, "" = not known */
    int max_age_days;               /* warn when the list was issued longer ago */
} config_trust;

/* The whole kiosk.ini. Paths are made absolute against the ini file's folder. */
typedef struct config {
    char path[CONFIG_PATH_MAX];     /* the ini file itself */
    char kiosk_id[64];              /* this kiosk's id, appears in statements' context */
    char data_dir[CONFIG_PATH_MAX]; /* database and exports */
    char assets_dir[CONFIG_PATH_MAX]; /* i18n, questions, sounds */
    char language[8];               /* "nl" or "en": the default screen language */
    char activity_base[CONFIG_TEXT_MAX]; /* base IRI of event and question activities */
    char event_id[64];              /* the active event, "" = choose by time */
    bool demo;                      /* demo kiosk: trusts demo issuers, screen says DEMO */
    char usb_mount[CONFIG_PATH_MAX]; /* [kiosk] usb_mount: the USB stick's mount point,
                                       the only place the admin's export writes to
                                       (default LK_USB_MOUNT) */
    int retention_days;             /* [kiosk] retention_days: sent statements and stale
                                       roster rows older than this many days are purged
                                       (store_purge); 0 = keep everything */
    config_issuer *issuers;         /* trusted issuers; heap, owned by the config, grown
                                       by config_add_issuer, freed by config_free */
    size_t n_issuers;               /* used entries of issuers */
    size_t cap_issuers;             /* allocated entries of issuers */
    bool issuers_sorted;            /* issuers is sorted by code (config_sort_issuers):
                                       config_find_issuer bsearches instead of scanning */
    config_event events[CONFIG_MAX_EVENTS]; /* events */
    size_t n_events;                /* used entries of events */
    config_sync sync;               /* [sync] */
    config_ui ui;                   /* [ui] */
    config_camera camera;           /* [camera] */
    config_scanner scanner;         /* [scanner] */
    config_trust trust;             /* [trust] */
} config;

/* Fills cfg with defaults (no issuers, no events). Overwrites cfg without freeing:
 * call config_free first on a config that holds revocations. */
void config_defaults(config *cfg);

/* Sets cfg->assets_dir as config_load does when kiosk.ini names none: the installed
 * assets, else the source tree the binary was built in, else ./assets. For commands
 * that run without a kiosk.ini (passes). */
void config_default_assets(config *cfg);

/* Loads path into cfg (caller owns cfg; it is large, allocate it on the heap; its
 * revocation lists are released with config_free, also after a failed load).
 * On failure returns LK_ERR_CONFIG or LK_ERR_IO and writes a message naming the
 * file, the line and the key into err (may be NULL). Foreign text quoted in err is
 * escaped (lk_log_escape). A line longer than inih keeps is refused, not cut. */
lk_status config_load(config *cfg, const char *path, char *err, size_t err_len) LK_MUST_CHECK;

/* Releases the heap parts of cfg (issuers and their revocation lists) and empties them; the
 * struct itself stays the caller's. NULL is fine. */
void config_free(config *cfg);

/* Adds a revoked pass to an issuer's list, keeping it sorted: every pass of subject
 * (expires 0) or only the pass with this YYYYMMDD expiry. LK_ERR_INVALID for a
 * subject that is not 1..16 of 0-9 A-Z or a date that is not a calendar date,
 * LK_ERR_NOMEM when the list cannot grow. Any number of entries. */
lk_status config_revoke(config_issuer *is, const char *subject, int expires) LK_MUST_CHECK;

/* Appends one revocation written as in kiosk.ini, SUBJECT or SUBJECT@YYYYMMDD, without
 * sorting (for loading many at once): call config_sort_revoked when done, before
 * config_is_revoked. LK_ERR_INVALID for anything else, LK_ERR_NOMEM. */
lk_status config_revoke_entry(config_issuer *is, const char *entry) LK_MUST_CHECK;

/* Sorts an issuer's revocation list (after config_revoke_entry). */
void config_sort_revoked(config_issuer *is);

/* True when the issuer revoked this pass (all passes of subject, or the one with
 * this expiry). O(log n). False for NULL. */
bool config_is_revoked(const config_issuer *is, const char *subject, int expires);

/* The issuer with this code, added when missing (zeroed, code set). Borrowed pointer
 * into cfg, valid until the next config_add_issuer or config_free. NULL for a code
 * that is not 2..8 of 0-9 A-Z, or when the list cannot grow. Any number of issuers. */
config_issuer *config_add_issuer(config *cfg, const char *code);

/* Removes the issuers a trust list added (from_trust_list), before applying a newer
 * list; kiosk.ini's own stay. Pointers into cfg->issuers are invalid afterwards. */
void config_drop_trust_list(config *cfg);

/* Sorts the issuers by code, so lookups are O(log n). config_load does it; call it
 * again after adding issuers by hand if lookups should be fast. */
void config_sort_issuers(config *cfg);

/* The issuer with this code that this config trusts (demo issuers only when
 * cfg->demo), or NULL. Borrowed pointer into cfg. */
const config_issuer *config_find_issuer(const config *cfg, const char *code);

/* Event by id, or NULL. Borrowed. */
const config_event *config_find_event(const config *cfg, const char *id);

/* The event the kiosk serves at time now_ms: event_id when set, otherwise the
 * event whose [start, end) contains now (earliest start wins), or NULL. */
const config_event *config_active_event(const config *cfg, int64_t now_ms);

/* True when the event admits passes of this issuer. */
bool config_event_admits(const config_event *ev, const char *issuer_code);

/* True when a host pass with this subject may open the host screen at ev: ev has no
 * hosts list, or the subject is on it (another company's host pass opens nothing). */
bool config_event_admits_host(const config_event *ev, const char *subject);

#endif
