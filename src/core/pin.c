/* The admin PIN: validation, hashing and checking with libsodium's crypto_pwhash_str
 * (Argon2id, interactive limits). The PIN itself is never stored. */
#include "lobkiosk/pin.h"

#include <string.h>

#include <sodium.h>

bool pin_valid(const char *pin)
{
    if (!pin)
        return false;
    size_t n = strnlen(pin, PIN_MAX_DIGITS + 1);
    if (n < PIN_MIN_DIGITS || n > PIN_MAX_DIGITS)
        return false;
    for (size_t i = 0; i < n; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return false;
    return true;
}

lk_status pin_hash(const char *pin, char *out, size_t len)
{
    if (out && len > 0)
        out[0] = '\0';
    _Static_assert(PIN_HASH_MAX >= crypto_pwhash_STRBYTES, "PIN_HASH_MAX too small");
    if (!out || len < crypto_pwhash_STRBYTES || !pin_valid(pin))
        return LK_ERR_INVALID;
    if (sodium_init() < 0)
        return LK_ERR_CRYPTO;
    char buf[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(buf, pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return LK_ERR_NOMEM; /* the only documented failure: memory for Argon2 */
    memcpy(out, buf, sizeof buf);
    return LK_OK;
}

bool pin_verify(const char *hash, const char *pin)
{
    if (!hash || !*hash || !pin_valid(pin))
        return false;
    /* the hash must be NUL-terminated within crypto_pwhash_STRBYTES */
    if (strnlen(hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
        return false;
    if (sodium_init() < 0)
        return false;
    return crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0;
}

int64_t pin_lock_ms(int n)
{
    static const int64_t minutes[] = {1, 5, 15, 60};
    if (n < 1)
        return 0;
    size_t i = (size_t)n - 1;
    if (i >= sizeof minutes / sizeof minutes[0])
        i = sizeof minutes / sizeof minutes[0] - 1;
    return minutes[i] * 60000;
}

bool pin_guard_failed(pin_guard *g, int64_t now_ms)
{
    if (!g)
        return false;
    if (g->failures < INT32_MAX)
        g->failures++;
    if (g->failures % PIN_TRIES == 0)
        g->locked_until_ms = now_ms + pin_lock_ms(g->failures / PIN_TRIES);
    return pin_guard_remaining(g, now_ms) > 0;
}

void pin_guard_ok(pin_guard *g)
{
    if (g) {
        g->failures = 0;
        g->locked_until_ms = 0;
    }
}

int64_t pin_guard_remaining(const pin_guard *g, int64_t now_ms)
{
    if (!g || g->locked_until_ms <= now_ms)
        return 0;
    int64_t left = g->locked_until_ms - now_ms;
    int64_t max = pin_lock_ms(g->failures / PIN_TRIES);
    if (max == 0)
        max = pin_lock_ms(1); /* a stored lockout without its count: the shortest */
    return left < max ? left : max;
}
