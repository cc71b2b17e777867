/* A region's trust list: one file that names the schools (issuers) a kiosk trusts,
 * with their public keys, revocations and optionally their own LRS, signed with the
 * region's Ed25519 key. A kiosk holds only the region's public key ([trust]
 * region_key); kiosk.ini's own [issuer.CODE] sections win for their issuer. A list
 * carries a version (never replaced by an older one) and an expiry date (an expired
 * list is not used). It carries no secrets: credentials stay in kiosk.ini's files.
 *
 * The file is JSON: {"format": "lobkiosk-trust-1", "payload": "<JSON text>",
 * "signature": "<base64 Ed25519 signature over the payload's exact bytes>"}, so a
 * verifier never depends on how a JSON library re-serialises anything. */
#ifndef LOBKIOSK_TRUST_H
#define LOBKIOSK_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/config.h"
#include "lobkiosk/status.h"

#define TRUST_FORMAT "lobkiosk-trust-1"

/* What a list says about itself. */
typedef struct trust_meta {
    char region[CONFIG_TEXT_MAX]; /* the region's (or school board's) name */
    long version;                 /* increases with every publication */
    int issued;                   /* YYYYMMDD the list was made */
    int expires;                  /* YYYYMMDD, last day the list may be used */
    size_t n_issuers;             /* schools in the list */
    size_t n_revoked;             /* revoked passes, all schools together */
} trust_meta;

/* Makes a signed list from schools.ini: a [list] section (name, version, expires
 * = YYYY-MM-DD) and [issuer.CODE] sections as in kiosk.ini (name, home_page,
 * key.ID, revoked, revoked_file, endpoint). sk is the region's 64-byte Ed25519
 * secret key; today is YYYYMMDD for "issued". *out is a heap string (free()).
 * LK_ERR_CONFIG with the file, line and key in err for a bad schools.ini. */
lk_status trust_make(const unsigned char sk[64], const char *ini_path, int today, char **out,
                     trust_meta *meta, char *err, size_t err_len) LK_MUST_CHECK;

/* Verifies a list with the region's public key and reads it: its issuers go into
 * into (a config from config_defaults; the caller config_free()s it), its header
 * into *meta (may be NULL). LK_ERR_CRYPTO for a bad signature, LK_ERR_INVALID for
 * anything malformed, with the reason in err. Does not look at the dates. */
lk_status trust_verify(const unsigned char region_pk[32], const char *text, size_t len,
                       config *into, trust_meta *meta, char *err, size_t err_len) LK_MUST_CHECK;

/* Adds list's issuers to cfg, except those cfg already has (kiosk.ini wins). Marks
 * them from_trust_list and sorts cfg's issuers. *added (may be NULL) gets how many
 * were added. LK_ERR_NOMEM when cfg cannot grow (cfg keeps what it had). */
lk_status trust_merge(config *cfg, const config *list, size_t *added) LK_MUST_CHECK;

/* Loads the installed list (cfg->trust.file) into cfg when a region key is set:
 * LK_OK with *meta filled; LK_ERR_NOT_FOUND when no list is installed or no region
 * key is set (nothing to do); LK_ERR_STALE when the list expired before today
 * (YYYYMMDD; not applied); another error with the reason in err (not applied). */
lk_status trust_apply_installed(config *cfg, int today, trust_meta *meta, char *err,
                                size_t err_len) LK_MUST_CHECK;

/* How the installed list stands, without changing cfg: trust_apply_installed on
 * an empty config with cfg's [trust] settings. Same results. */
lk_status trust_installed_meta(const config *cfg, int today, trust_meta *meta, char *err,
                               size_t err_len) LK_MUST_CHECK;

/* Installs the list in text as cfg->trust.file, atomically, after checking its
 * signature, that it has not expired by today, and that its version is newer than
 * the installed one's: LK_ERR_EXISTS for the same version (nothing changes),
 * LK_ERR_STALE for an older one or one that expired. *meta gets the new list's header. */
lk_status trust_install(const config *cfg, const char *text, size_t len, int today,
                        trust_meta *meta, char *err, size_t err_len) LK_MUST_CHECK;

/* Whole days from YYYYMMDD from to YYYYMMDD to (negative when to is earlier). */
long trust_days_between(int from, int to);

#endif
