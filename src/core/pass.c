/* The signed LOB pass: strict parsing and Ed25519 verification of a scanned payload,
 * signing of new passes, and the issuer key files. The format is a product decision
 * (DESIGN.md, "The pass"); every field is checked exactly, nothing is guessed. */
#include "lobkiosk/pass.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>
#include <sodium.h>

#include "lobkiosk/util.h"

#define SIG_BYTES crypto_sign_BYTES           /* 64 */
#define SIG_B32_LEN 103                       /* ceil(64 * 8 / 5) */
#define PREFIX LK_PASS_PREFIX "."             /* "LOB1." */
#define PREFIX_LEN (sizeof PREFIX - 1)

/* --- base32 (RFC 4648, upper case, no padding) ---------------------------------
 * None of our libraries has base32. Decoding is strict so that one signature has
 * exactly one spelling: upper case only, no padding, exact length, zero tail bits. */

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static int b32_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

/* Encodes n bytes into out (needs (n * 8 + 4) / 5 + 1 bytes). */
static void b32_encode(const unsigned char *in, size_t n, char *out)
{
    unsigned acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = b32_alphabet[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
        acc &= (1u << bits) - 1; /* keep only the bits not yet written */
    }
    if (bits > 0)
        out[o++] = b32_alphabet[(acc << (5 - bits)) & 31];
    out[o] = '\0';
}

/* Decodes exactly len characters into exactly n bytes; false on any deviation. */
static bool b32_decode(const char *in, size_t len, unsigned char *out, size_t n)
{
    if (len != (n * 8 + 4) / 5)
        return false;
    unsigned acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b32_value(in[i]);
        if (v < 0)
            return false;
        acc = (acc << 5) | (unsigned)v;
        bits += 5;
        if (bits >= 8) {
            out[o++] = (unsigned char)(acc >> (bits - 8));
            bits -= 8;
        }
        acc &= (1u << bits) - 1;
    }
    /* the unused low bits of the last character must be zero */
    return o == n && acc == 0;
}

/* --- field syntax -------------------------------------------------------------- */

static bool is_upper_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

/* True when s[0..len) is [0-9A-Z]{min,max}. */
static bool field_ok(const char *s, size_t len, size_t min, size_t max)
{
    if (len < min || len > max)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!is_upper_alnum(s[i]))
            return false;
    return true;
}

static bool cstr_ok(const char *s, size_t min, size_t max)
{
    return s && field_ok(s, strlen(s), min, max);
}

static bool role_ok(int r)
{
    return r == PASS_ROLE_STUDENT || r == PASS_ROLE_HOST || r == PASS_ROLE_ADMIN;
}

/* A real calendar date YYYYMMDD within years 2000..9999 (a pass from before the
 * project existed is an error, not a date). */
static bool date_ok(int ymd)
{
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    if (y < 2000 || y > 9999 || m < 1 || m > 12 || d < 1)
        return false;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        max = 29;
    return d <= max;
}

/* Parses exactly 8 digits into a YYYYMMDD integer that is a real date. */
static bool expires_parse(const char *s, size_t len, int *out)
{
    if (len != 8)
        return false;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (!date_ok(v))
        return false;
    *out = v;
    return true;
}

bool pass_date_valid(int yyyymmdd)
{
    return date_ok(yyyymmdd);
}

bool pass_parse_date(const char *s, int *out)
{
    if (!s || !out || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    int v = 0;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (!pass_date_valid(v))
        return false;
    *out = v;
    return true;
}

/* --- verification -------------------------------------------------------------- */

lk_reason pass_verify(const char *payload, const config *cfg, int today, pass *out)
{
    if (!payload)
        return LK_REASON_NOT_A_PASS;
    size_t len = strnlen(payload, LK_PASS_MAX_LEN + 3);
    if (len < PREFIX_LEN || memcmp(payload, PREFIX, PREFIX_LEN) != 0)
        return LK_REASON_NOT_A_PASS;
    /* keyboard-wedge scanners end a code with Enter: CR, LF or CR LF */
    if (len > 0 && payload[len - 1] == '\n')
        len--;
    if (len > 0 && payload[len - 1] == '\r')
        len--;
    if (len > LK_PASS_MAX_LEN)
        return LK_REASON_MALFORMED;

    /* split into exactly seven fields */
    const char *f[7];
    size_t fl[7];
    size_t nf = 0;
    const char *start = payload;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || payload[i] == '.') {
            if (nf == 7)
                return LK_REASON_MALFORMED;
            f[nf] = start;
            fl[nf] = (size_t)(payload + i - start);
            nf++;
            start = payload + i + 1;
        }
    }
    if (nf != 7)
        return LK_REASON_MALFORMED;

    pass p;
    memset(&p, 0, sizeof p);
    unsigned char sig[SIG_BYTES];
    if (!field_ok(f[1], fl[1], 2, LK_ISSUER_MAX) || fl[2] != 1 || !role_ok(f[2][0]) ||
        !field_ok(f[3], fl[3], 1, LK_SUBJECT_MAX) || !expires_parse(f[4], fl[4], &p.expires) ||
        !field_ok(f[5], fl[5], 1, LK_KEYID_MAX) || !b32_decode(f[6], fl[6], sig, sizeof sig))
        return LK_REASON_MALFORMED;
    memcpy(p.issuer, f[1], fl[1]);
    p.role = (pass_role)f[2][0];
    memcpy(p.subject, f[3], fl[3]);
    memcpy(p.key_id, f[5], fl[5]);

    const config_issuer *iss = cfg ? config_find_issuer(cfg, p.issuer) : NULL;
    if (!iss)
        return LK_REASON_UNKNOWN_ISSUER;
    const config_key *key = NULL;
    for (size_t i = 0; i < iss->n_keys && i < CONFIG_MAX_KEYS; i++)
        if (strcmp(iss->keys[i].id, p.key_id) == 0)
            key = &iss->keys[i];
    if (!key)
        return LK_REASON_UNKNOWN_KEY;

    if (sodium_init() < 0)
        return LK_REASON_BAD_SIGNATURE; /* cannot check: never accept unchecked */
    size_t signed_len = (size_t)(f[6] - payload) - 1; /* up to the final '.' */
    if (crypto_sign_verify_detached(sig, (const unsigned char *)payload, signed_len,
                                    key->pk) != 0)
        return LK_REASON_BAD_SIGNATURE;

    if (today > p.expires)
        return LK_REASON_EXPIRED;
    if (config_is_revoked(iss, p.subject, p.expires))
        return LK_REASON_REVOKED;
    if (out)
        *out = p;
    return LK_REASON_NONE;
}

/* --- signing ------------------------------------------------------------------- */

lk_status pass_sign(const pass_key *key, pass_role role, const char *subject, int expires,
                    char *buf, size_t len)
{
    if (!key || !buf || len == 0)
        return LK_ERR_INVALID;
    buf[0] = '\0';
    if (!cstr_ok(key->issuer, 2, LK_ISSUER_MAX) || !cstr_ok(key->key_id, 1, LK_KEYID_MAX) ||
        !role_ok((int)role) || !cstr_ok(subject, 1, LK_SUBJECT_MAX) || !date_ok(expires))
        return LK_ERR_INVALID;
    if (sodium_init() < 0)
        return LK_ERR_CRYPTO;

    char msg[LK_PASS_MAX_LEN + 1];
    int n = snprintf(msg, sizeof msg, "%s%s.%c.%s.%08d.%s", PREFIX, key->issuer, (char)role,
                     subject, expires, key->key_id);
    if (n < 0 || (size_t)n >= sizeof msg)
        return LK_ERR_INVALID;
    unsigned char sig[SIG_BYTES];
    if (crypto_sign_detached(sig, NULL, (const unsigned char *)msg, (unsigned long long)n,
                             key->sk) != 0)
        return LK_ERR_CRYPTO;
    char sig32[SIG_B32_LEN + 1];
    b32_encode(sig, sizeof sig, sig32);
    int m = snprintf(buf, len, "%s.%s", msg, sig32);
    if (m < 0 || (size_t)m >= len) {
        buf[0] = '\0';
        return LK_ERR_INVALID;
    }
    return LK_OK;
}

void pass_pubkey_base64(const unsigned char pk[32], char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    buf[0] = '\0';
    if (!pk || len < sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL))
        return;
    sodium_bin2base64(buf, len, pk, 32, sodium_base64_VARIANT_ORIGINAL);
}

/* --- key files ----------------------------------------------------------------- */

lk_status pass_keygen(const char *issuer, const char *key_id, const char *dir,
                      pass_key *out_key)
{
    if (!cstr_ok(issuer, 2, LK_ISSUER_MAX) || !cstr_ok(key_id, 1, LK_KEYID_MAX) || !dir ||
        !*dir)
        return LK_ERR_INVALID;
    if (sodium_init() < 0)
        return LK_ERR_CRYPTO;

    char name[LK_ISSUER_MAX + LK_KEYID_MAX + 8];
    char key_path[4096], pub_path[4096];
    snprintf(name, sizeof name, "%s-%s.key", issuer, key_id);
    if (!lk_path_join(key_path, sizeof key_path, dir, name))
        return LK_ERR_INVALID;
    snprintf(name, sizeof name, "%s-%s.pub", issuer, key_id);
    if (!lk_path_join(pub_path, sizeof pub_path, dir, name))
        return LK_ERR_INVALID;
    /* a directory that holds secret keys is nobody else's business */
    lk_status st = lk_mkdirs(dir, 0700);
    if (st != LK_OK)
        return st;
    if (access(key_path, F_OK) == 0 || access(pub_path, F_OK) == 0)
        return LK_ERR_EXISTS;

    pass_key k;
    memset(&k, 0, sizeof k);
    lk_strlcpy(k.issuer, issuer, sizeof k.issuer);
    lk_strlcpy(k.key_id, key_id, sizeof k.key_id);
    crypto_sign_keypair(k.pk, k.sk);

    char sk64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
    char pk64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(sk64, sizeof sk64, k.sk, sizeof k.sk, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(pk64, sizeof pk64, k.pk, sizeof k.pk, sodium_base64_VARIANT_ORIGINAL);

    char text[512];
    int n = snprintf(text, sizeof text,
                     "; lobkiosk issuer signing key. Secret: keep it off kiosks, mode 0600.\n"
                     "[key]\nissuer = %s\nkey_id = %s\nsecret = %s\npublic = %s\n",
                     issuer, key_id, sk64, pk64);
    if (n > 0 && (size_t)n < sizeof text)
        st = lk_write_file(key_path, text, (size_t)n, 0600, true);
    else
        st = LK_ERR_INVALID;
    sodium_memzero(sk64, sizeof sk64);
    sodium_memzero(text, sizeof text);

    if (st == LK_OK) {
        n = snprintf(text, sizeof text,
                     "; lobkiosk issuer public key: kiosks trust it in kiosk.ini\n"
                     "[key]\nissuer = %s\nkey_id = %s\npublic = %s\n",
                     issuer, key_id, pk64);
        st = lk_write_file(pub_path, text, (size_t)n, 0644, true);
        if (st != LK_OK)
            unlink(key_path); /* no half-written pair: the caller may simply retry */
    }
    if (st == LK_OK && out_key)
        *out_key = k;
    sodium_memzero(&k, sizeof k);
    return st;
}

/* What the key file's [key] section holds while it is being read. */
typedef struct key_read {
    pass_key *key;
    bool have_issuer, have_key_id, have_secret, have_public;
    bool bad; /* a value did not parse */
} key_read;

static int key_ini_handler(void *user, const char *section, const char *name,
                           const char *value)
{
    key_read *kr = user;
    if (strcmp(section, "key") != 0)
        return 1; /* other sections are for humans or later versions */
    size_t got = 0;
    if (strcmp(name, "issuer") == 0) {
        kr->have_issuer = cstr_ok(value, 2, LK_ISSUER_MAX) &&
                          lk_strlcpy(kr->key->issuer, value, sizeof kr->key->issuer);
        kr->bad |= !kr->have_issuer;
    } else if (strcmp(name, "key_id") == 0) {
        kr->have_key_id = cstr_ok(value, 1, LK_KEYID_MAX) &&
                          lk_strlcpy(kr->key->key_id, value, sizeof kr->key->key_id);
        kr->bad |= !kr->have_key_id;
    } else if (strcmp(name, "secret") == 0) {
        kr->have_secret = sodium_base642bin(kr->key->sk, sizeof kr->key->sk, value,
                                            strlen(value), NULL, &got, NULL,
                                            sodium_base64_VARIANT_ORIGINAL) == 0 &&
                          got == sizeof kr->key->sk;
        kr->bad |= !kr->have_secret;
    } else if (strcmp(name, "public") == 0) {
        kr->have_public = sodium_base642bin(kr->key->pk, sizeof kr->key->pk, value,
                                            strlen(value), NULL, &got, NULL,
                                            sodium_base64_VARIANT_ORIGINAL) == 0 &&
                          got == sizeof kr->key->pk;
        kr->bad |= !kr->have_public;
    }
    return 1;
}

lk_status pass_key_load(const char *path, pass_key *out)
{
    if (!path || !*path || !out)
        return LK_ERR_INVALID;
    if (sodium_init() < 0)
        return LK_ERR_CRYPTO;
    memset(out, 0, sizeof *out);

    int fd;
    lk_status ost = lk_open_private(path, &fd);
    if (ost != LK_OK)
        return ost;
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return LK_ERR_IO;
    }
    key_read kr = {.key = out};
    int rc = ini_parse_file(f, key_ini_handler, &kr);
    fclose(f);

    lk_status st = LK_OK;
    unsigned char derived[32];
    if (rc != 0 || kr.bad || !kr.have_issuer || !kr.have_key_id || !kr.have_secret) {
        st = LK_ERR_INVALID;
    } else if (crypto_sign_ed25519_sk_to_pk(derived, out->sk) != 0 ||
               (kr.have_public && sodium_memcmp(derived, out->pk, sizeof derived) != 0)) {
        st = LK_ERR_CRYPTO; /* secret and public half do not belong together */
    } else {
        memcpy(out->pk, derived, sizeof derived);
    }
    if (st != LK_OK)
        sodium_memzero(out, sizeof *out);
    return st;
}
