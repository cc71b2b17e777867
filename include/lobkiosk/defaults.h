/* Compile-time defaults, one commented constant each. Runtime settings live in
 * kiosk.ini; these are the values used when kiosk.ini says nothing. */
#ifndef LOBKIOSK_DEFAULTS_H
#define LOBKIOSK_DEFAULTS_H

/* Pass format */
#define LK_PASS_PREFIX "LOB1"          /* version tag every pass starts with */
#define LK_PASS_MAX_LEN 200            /* longest payload we even look at */
#define LK_ISSUER_MAX 8                /* issuer code, [0-9A-Z]{2,8} */
#define LK_SUBJECT_MAX 16              /* pseudonymous subject id, [0-9A-Z]{1,16} */
#define LK_KEYID_MAX 4                 /* key id, [0-9A-Z]{1,4} */

/* Check-in rules */
#define LK_REPEAT_IGNORE_SECONDS 8     /* same pass again within this: ignored silently */

/* Store */
#define LK_DB_FILE "lobkiosk.db"       /* database file name inside data_dir */
#define LK_DB_BUSY_TIMEOUT_MS 5000     /* SQLite busy timeout per connection */

/* Sync */
#define LK_SYNC_BATCH_MAX 100          /* statements per POST */
#define LK_SYNC_INTERVAL_S 30          /* wake-up interval when nothing new */
#define LK_TRUST_MAX_AGE_DAYS 60       /* a region's trust list older than this: warn */
#define LK_TRUST_CHECK_S 900           /* the sync asks [trust] url for a newer list */
#define LK_TRUST_MAX_BYTES (32 * 1024 * 1024) /* a trust list larger than this is refused */
#define LK_SYNC_CONNECT_TIMEOUT_S 10   /* libcurl connect timeout */
#define LK_SYNC_TIMEOUT_S 30           /* libcurl total timeout per request */
#define LK_SYNC_BACKOFF_MAX_S 300      /* cap of the exponential back-off */

/* Activity IRIs: events and questions get ids below this base unless kiosk.ini
 * sets activity_base. */
#define LK_ACTIVITY_BASE "https://w3id.org/xapi/lob/kiosk/"

/* The one place the admin's export writes to: the kiosk's USB stick is mounted
 * here by firmware-free-app/media-lobkiosk.mount (a plain mount started by udev
 * when a stick with the label or any vfat/exfat partition appears, no
 * automount), which the service's ProtectSystem=strict leaves writable. */
#define LK_USB_MOUNT "/media/lobkiosk"

/* UI */
#define LK_MIN_STAY_MINUTES 30        /* checkin_checkout: a scan before this asks first */
#define LK_UI_WELCOME_MS 2000          /* how long the welcome screen stays */
#define LK_UI_REFLECTION_TIMEOUT_S 45  /* idle time before a reflection ends itself */
#define LK_UI_PREVIEW_FPS 15           /* cap of the camera preview frame rate */

#endif
