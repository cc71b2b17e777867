/* The admin PIN that lets kiosk staff leave kiosk mode without an admin pass.
 * Only its Argon2 hash (libsodium crypto_pwhash_str) is stored, in kiosk.ini [ui]. */
#ifndef LOBKIOSK_PIN_H
#define LOBKIOSK_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/status.h"

#define PIN_MIN_DIGITS 4   /* shortest PIN accepted */
#define PIN_MAX_DIGITS 12  /* longest PIN accepted */
#define PIN_HASH_MAX 128   /* crypto_pwhash_STRBYTES: room for a hash and its NUL */

/* True when pin is 4 to 12 ASCII digits and nothing else. NULL is not a PIN. */
bool pin_valid(const char *pin);

/* Hashes a PIN with interactive limits into out (len >= PIN_HASH_MAX), a
 * "$argon2id$..." string for admin_pin_hash. LK_ERR_INVALID when the PIN is not
 * pin_valid or out is too small, LK_ERR_NOMEM when the hash could not get its memory.
 * Slow on purpose (tenths of a second). */
lk_status pin_hash(const char *pin, char *out, size_t len) LK_MUST_CHECK;

/* True when pin matches hash. False for NULL, an empty hash (no PIN configured), a
 * PIN that is not pin_valid or a hash that does not parse. Slow on purpose. */
bool pin_verify(const char *hash, const char *pin);

/* --- lockout after wrong PINs -------------------------------------------------
 * Every PIN_TRIES wrong PINs in a row shut the pad, each time for longer: 1, 5, 15,
 * then 60 minutes. A right PIN resets it. The kiosk keeps the guard in its database
 * (store_pin_guard_*), so a restart neither resets the count nor opens the pad.
 * Plain data, one time base chosen by the caller (the kiosk: wall-clock ms in the
 * database, monotonic ms on screen). Not thread-safe: the UI thread owns it. */

#define PIN_TRIES 5 /* wrong PINs in a row that shut the pad */

typedef struct pin_guard {
    int failures;            /* wrong PINs since the last right one (not reset by a lockout) */
    int64_t locked_until_ms; /* the pad is shut before this moment, 0 = open */
} pin_guard;

/* How long the n-th lockout lasts (n >= 1): 1, 5, 15 and from then on 60 minutes.
 * 0 for n < 1. */
int64_t pin_lock_ms(int n);

/* A wrong PIN at now_ms: counts it and, at every PIN_TRIES-th in a row, shuts the
 * pad for the next lock length. Returns true when the pad is shut now. */
bool pin_guard_failed(pin_guard *g, int64_t now_ms);

/* A right PIN: the count and any lockout end. */
void pin_guard_ok(pin_guard *g);

/* Milliseconds the pad stays shut at now_ms, 0 = open. A clock stepped back cannot
 * stretch a lockout: it is never longer than the lock length its count earned. */
int64_t pin_guard_remaining(const pin_guard *g, int64_t now_ms);

#endif
