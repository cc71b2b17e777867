/* The signed LOB pass (DESIGN.md, "The pass"): parsing, verification, signing and
 * issuer key files. Parsing and verification are one pure function over a payload,
 * a config and a date; no I/O. */
#ifndef LOBKIOSK_PASS_H
#define LOBKIOSK_PASS_H

#include <stdbool.h>
#include <stddef.h>

#include "lobkiosk/config.h"
#include "lobkiosk/status.h"

typedef enum pass_role {
    PASS_ROLE_STUDENT = 'S',
    PASS_ROLE_HOST = 'H',
    PASS_ROLE_ADMIN = 'A',
} pass_role;

/* A verified pass. Plain data, no pointers. */
typedef struct pass {
    char issuer[LK_ISSUER_MAX + 1];   /* issuer code */
    pass_role role;                   /* S, H or A */
    char subject[LK_SUBJECT_MAX + 1]; /* pseudonymous subject id */
    int expires;                      /* last valid day, YYYYMMDD */
    char key_id[LK_KEYID_MAX + 1];    /* signing key id */
} pass;

/* Parses and verifies payload against the issuers trusted by cfg, on local date
 * today (YYYYMMDD). Returns LK_REASON_NONE and fills *out (may be NULL) when the
 * pass is good; otherwise the one specific reason, checked in this order:
 * not_a_pass, malformed, unknown_issuer, unknown_key, bad_signature, expired, revoked.
 * Role rules belong to the caller (checkin). Accepts a payload with trailing CR/LF. */
lk_reason pass_verify(const char *payload, const config *cfg, int today, pass *out);

/* An issuer signing key, as read from a key file. */
typedef struct pass_key {
    char issuer[LK_ISSUER_MAX + 1]; /* issuer code */
    char key_id[LK_KEYID_MAX + 1];  /* key id */
    unsigned char sk[64];           /* Ed25519 secret key (libsodium layout) */
    unsigned char pk[32];           /* Ed25519 public key */
} pass_key;

/* Generates a key pair and writes DIR/<issuer>-<keyid>.key (INI [key] issuer, key_id,
 * secret, public in base64; mode 0600) and DIR/<issuer>-<keyid>.pub (the same without
 * the secret; mode 0644), creating DIR (0700) when missing. LK_ERR_EXISTS when either
 * file exists: a key is never overwritten. out_key (may be NULL, caller's) receives
 * the key; wipe it with sodium_memzero. */
lk_status pass_keygen(const char *issuer, const char *key_id, const char *dir,
                      pass_key *out_key) LK_MUST_CHECK;

/* Reads a key file written by pass_keygen. Refuses (LK_ERR_PERMISSION) a secret key
 * file readable by group or others. Wipe *out with sodium_memzero when done. */
lk_status pass_key_load(const char *path, pass_key *out) LK_MUST_CHECK;

/* Base64 of a public key as written in kiosk.ini ("key.K1 = ..."); buf >= 48 bytes. */
void pass_pubkey_base64(const unsigned char pk[32], char *buf, size_t len);

/* True when yyyymmdd is a real calendar date (years 2000..9999), the rule for
 * EXPIRES. For the CLI and kiosk.ini checks that want to say so before signing. */
bool pass_date_valid(int yyyymmdd);

/* A strict YYYY-MM-DD that is a real date (as a pass's expiry is typed) into
 * *out as YYYYMMDD. False, *out untouched, otherwise. */
bool pass_parse_date(const char *s, int *out);

/* Signs a pass: writes the payload (about 135 characters, at most LK_PASS_MAX_LEN)
 * into buf (caller's, 256 bytes is ample). LK_ERR_INVALID when a field breaks the
 * format (subject alphabet, role, a date that does not exist) or buf is too small;
 * buf then holds "". Borrows key. */
lk_status pass_sign(const pass_key *key, pass_role role, const char *subject, int expires,
                    char *buf, size_t len) LK_MUST_CHECK;

#endif
