/* The admin PIN that lets kiosk staff leave kiosk mode without an admin pass.
 * Only its Argon2 hash (libsodium crypto_pwhash_str) is stored, in kiosk.ini [ui]. */
#ifndef LOBKIOSK_PIN_H
#define LOBKIOSK_PIN_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
