/* One status enum for the whole project, and the refusal reasons a scan can get.
 * Values are never renumbered: they appear in logs and in exit codes of the CLI. */
#ifndef LOBKIOSK_STATUS_H
#define LOBKIOSK_STATUS_H

#define LK_MUST_CHECK __attribute__((warn_unused_result))

typedef enum lk_status {
    LK_OK = 0,
    LK_ERR_NOMEM = 1,       /* out of memory */
    LK_ERR_IO = 2,          /* a file or device could not be read or written */
    LK_ERR_INVALID = 3,     /* bad argument or malformed input */
    LK_ERR_NOT_FOUND = 4,   /* a named thing does not exist */
    LK_ERR_EXISTS = 5,      /* refuses to overwrite */
    LK_ERR_DB = 6,          /* SQLite failed; its message is logged */
    LK_ERR_CONFIG = 7,      /* kiosk.ini is wrong; the message names file, line, key */
    LK_ERR_CRYPTO = 8,      /* libsodium failed or a key is unusable */
    LK_ERR_NETWORK = 9,     /* no connection, DNS, TLS, timeout on the wire */
    LK_ERR_HTTP = 10,       /* the server answered with an unexpected status */
    LK_ERR_AUTH = 11,       /* credentials refused (401/403) */
    LK_ERR_PERMISSION = 12, /* a secret is readable by others, or access denied */
    LK_ERR_FULL = 13,       /* disk full */
    LK_ERR_TIMEOUT = 14,    /* waited too long */
    LK_ERR_DEVICE = 15,     /* camera or input device missing or failing */
    LK_ERR_UNSUPPORTED = 16,/* not possible on this build or device */
    LK_ERR_BUSY = 17,       /* the database or a device is locked by another user */
    LK_ERR_STALE = 18,      /* older than what is in use, or past its expiry date */
    LK_ERR_CLOCK = 19,      /* the system clock cannot be trusted for this */
} lk_status;

/* A stable, lower-case token for a status, for logs and the CLI ("io", "db", ...).
 * The returned string is static. */
const char *lk_strerror(lk_status st);

/* Why a scan was refused. Each reason has a stable token (logs, CLI, database)
 * and a translated sentence in assets/i18n under "refusal.<token>". */
typedef enum lk_reason {
    LK_REASON_NONE = 0,             /* not refused */
    LK_REASON_NOT_A_PASS = 1,       /* a URL, a Wi-Fi code, anything not starting with LOB1. */
    LK_REASON_MALFORMED = 2,        /* starts like a pass but a field is wrong */
    LK_REASON_UNKNOWN_ISSUER = 3,   /* issuer not trusted by this kiosk (another school) */
    LK_REASON_UNKNOWN_KEY = 4,      /* issuer trusted, key id not known */
    LK_REASON_BAD_SIGNATURE = 5,    /* signature does not verify */
    LK_REASON_EXPIRED = 6,          /* past its last valid day */
    LK_REASON_REVOKED = 7,          /* on the issuer's revocation list */
    LK_REASON_ROLE_NOT_ALLOWED = 8, /* e.g. a host pass where none is accepted */
    LK_REASON_NO_EVENT = 9,         /* the kiosk has no open event right now */
    LK_REASON_ISSUER_NOT_INVITED = 10, /* trusted issuer, but not admitted to this event */
    LK_REASON_COUNT
} lk_reason;

/* Stable token of a reason ("not_a_pass", "expired", ...); static string. */
const char *lk_reason_token(lk_reason r);

/* Reverse of lk_reason_token; LK_REASON_COUNT when unknown. */
lk_reason lk_reason_from_token(const char *token);

#endif
