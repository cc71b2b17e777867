/* A region's signed trust list (trust.h): made from a schools.ini by the region,
 * verified and merged into the configuration by every kiosk. The signature covers
 * the payload's exact bytes; jansson reads and writes the JSON, libsodium signs. */
#include "lobkiosk/trust.h"

#include <ctype.h>
#include <ini.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lobkiosk/pass.h"
#include "lobkiosk/util.h"

static lk_status say(char *err, size_t len, lk_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static lk_status say(char *err, size_t len, lk_status st, const char *fmt, ...)
{
    if (err && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, len, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* "YYYY-MM-DD" (a calendar date) to YYYYMMDD, 0 when it is not one. */
static int parse_day(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    char digits[9];
    memcpy(digits, s, 4);
    memcpy(digits + 4, s + 5, 2);
    memcpy(digits + 6, s + 8, 2);
    digits[8] = '\0';
    long v;
    if (strspn(digits, "0123456789") != 8 || lk_parse_long(digits, 19700101, 99991231, &v) != LK_OK)
        return 0;
    return pass_date_valid((int)v) ? (int)v : 0;
}

/* YYYYMMDD (a date from parse_day or today) as "YYYY-MM-DD"; buf holds 16 bytes. */
static void format_day(int yyyymmdd, char buf[16])
{
    unsigned d = (unsigned)yyyymmdd % 100000000u;
    snprintf(buf, 16, "%04u-%02u-%02u", d / 10000, d / 100 % 100, d % 100);
}

long trust_days_between(int from, int to)
{
    struct tm a = {0}, b = {0};
    a.tm_year = from / 10000 - 1900;
    a.tm_mon = from / 100 % 100 - 1;
    a.tm_mday = from % 100;
    b.tm_year = to / 10000 - 1900;
    b.tm_mon = to / 100 % 100 - 1;
    b.tm_mday = to % 100;
    return (long)((timegm(&b) - timegm(&a)) / 86400);
}

static bool url_ok(const char *u)
{
    if (!strncmp(u, "https://", 8))
        return u[8] != '\0';
    /* plain http only to this machine itself, as kiosk.ini's endpoint */
    return !strncmp(u, "http://127.0.0.1:", 17) || !strncmp(u, "http://127.0.0.1/", 17) ||
           !strncmp(u, "http://localhost:", 17) || !strncmp(u, "http://localhost/", 17);
}

static bool key_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > LK_KEYID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(isdigit((unsigned char)s[i]) || (s[i] >= 'A' && s[i] <= 'Z')))
            return false;
    return true;
}

/* --- reading a list -------------------------------------------------------------- */

static lk_status read_issuer(json_t *o, config *into, size_t *n_revoked, char *err, size_t len)
{
    const char *code = json_string_value(json_object_get(o, "code"));
    if (!code)
        return say(err, len, LK_ERR_INVALID, "an issuer without a code");
    char safe[64];
    lk_log_escape(code, safe, sizeof safe);
    size_t before = into->n_issuers;
    config_issuer *is = config_add_issuer(into, code);
    if (!is)
        return say(err, len, LK_ERR_INVALID, "'%s' is not an issuer code (2-8 of 0-9 A-Z)", safe);
    if (into->n_issuers == before)
        return say(err, len, LK_ERR_INVALID, "issuer %s appears twice", safe);
    const char *name = json_string_value(json_object_get(o, "name"));
    const char *home = json_string_value(json_object_get(o, "home_page"));
    const char *endpoint = json_string_value(json_object_get(o, "endpoint"));
    if ((name && !lk_strlcpy(is->name, name, sizeof is->name)) ||
        (home && (!lk_strlcpy(is->home_page, home, sizeof is->home_page) ||
                  (home[0] && strncmp(home, "https://", 8) && strncmp(home, "http://", 7)))))
        return say(err, len, LK_ERR_INVALID, "issuer %s: name or home_page is not usable", safe);
    if (endpoint && endpoint[0] &&
        (!url_ok(endpoint) || !lk_strlcpy(is->endpoint, endpoint, sizeof is->endpoint)))
        return say(err, len, LK_ERR_INVALID, "issuer %s: endpoint is not an https URL", safe);
    json_t *keys = json_object_get(o, "keys");
    const char *kid;
    json_t *kv;
    if (!json_is_object(keys) || json_object_size(keys) == 0)
        return say(err, len, LK_ERR_INVALID, "issuer %s has no keys", safe);
    json_object_foreach(keys, kid, kv)
    {
        const char *b64 = json_string_value(kv);
        size_t bin_len = 0;
        if (is->n_keys >= CONFIG_MAX_KEYS || !key_id_ok(kid) || !b64)
            return say(err, len, LK_ERR_INVALID, "issuer %s: a key id or key is not usable", safe);
        config_key *k = &is->keys[is->n_keys];
        if (sodium_base642bin(k->pk, sizeof k->pk, b64, strlen(b64), NULL, &bin_len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0 ||
            bin_len != sizeof k->pk)
            return say(err, len, LK_ERR_INVALID, "issuer %s: key is not a base64 Ed25519 key",
                       safe);
        lk_strlcpy(k->id, kid, sizeof k->id);
        is->n_keys++;
    }
    json_t *revoked = json_object_get(o, "revoked");
    size_t i;
    json_t *rv;
    if (revoked && !json_is_array(revoked))
        return say(err, len, LK_ERR_INVALID, "issuer %s: revoked is not a list", safe);
    json_array_foreach(revoked, i, rv)
    {
        const char *entry = json_string_value(rv);
        if (!entry || config_revoke_entry(is, entry) != LK_OK)
            return say(err, len, LK_ERR_INVALID,
                       "issuer %s: revoked entry %zu is not SUBJECT or SUBJECT@YYYYMMDD", safe,
                       i + 1);
        (*n_revoked)++;
    }
    config_sort_revoked(is);
    return LK_OK;
}

lk_status trust_verify(const unsigned char region_pk[32], const char *text, size_t len,
                       config *into, trust_meta *meta, char *err, size_t err_len)
{
    if (!region_pk || !text || !into)
        return say(err, err_len, LK_ERR_INVALID, "no list");
    if (sodium_init() < 0)
        return say(err, err_len, LK_ERR_CRYPTO, "libsodium could not start");
    json_error_t jerr;
    json_t *outer = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *payload = NULL;
    lk_status st = LK_OK;
    if (!json_is_object(outer)) {
        st = say(err, err_len, LK_ERR_INVALID, "not a trust list (no JSON object, line %d)",
                 jerr.line);
        goto out;
    }
    const char *format = json_string_value(json_object_get(outer, "format"));
    const char *body = json_string_value(json_object_get(outer, "payload"));
    const char *sig64 = json_string_value(json_object_get(outer, "signature"));
    if (!format || strcmp(format, TRUST_FORMAT) || !body || !sig64) {
        st = say(err, err_len, LK_ERR_INVALID, "not a trust list of format %s", TRUST_FORMAT);
        goto out;
    }
    unsigned char sig[crypto_sign_BYTES];
    size_t sig_len = 0;
    if (sodium_base642bin(sig, sizeof sig, sig64, strlen(sig64), NULL, &sig_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        sig_len != sizeof sig ||
        crypto_sign_verify_detached(sig, (const unsigned char *)body, strlen(body), region_pk) !=
            0) {
        st = say(err, err_len, LK_ERR_CRYPTO,
                 "the signature does not match the region's key (region_key in [trust])");
        goto out;
    }
    payload = json_loads(body, JSON_REJECT_DUPLICATES, &jerr);
    trust_meta m;
    memset(&m, 0, sizeof m);
    const char *region = json_string_value(json_object_get(payload, "region"));
    json_t *version = json_object_get(payload, "version");
    m.issued = parse_day(json_string_value(json_object_get(payload, "issued")));
    m.expires = parse_day(json_string_value(json_object_get(payload, "expires")));
    json_t *issuers = json_object_get(payload, "issuers");
    if (!json_is_object(payload) || !region || !json_is_integer(version) ||
        json_integer_value(version) < 1 || !m.issued || !m.expires || !json_is_array(issuers)) {
        st = say(err, err_len, LK_ERR_INVALID,
                 "the list lacks region, version, issued, expires or issuers");
        goto out;
    }
    lk_strlcpy(m.region, region, sizeof m.region);
    m.version = (long)json_integer_value(version);
    size_t i;
    json_t *o;
    json_array_foreach(issuers, i, o)
    {
        if (!json_is_object(o)) {
            st = say(err, err_len, LK_ERR_INVALID, "issuer %zu is not an object", i + 1);
            goto out;
        }
        st = read_issuer(o, into, &m.n_revoked, err, err_len);
        if (st != LK_OK)
            goto out;
    }
    m.n_issuers = into->n_issuers;
    config_sort_issuers(into);
    if (meta)
        *meta = m;
out:
    json_decref(payload);
    json_decref(outer);
    return st;
}

lk_status trust_merge(config *cfg, const config *list, size_t *added)
{
    size_t n = 0;
    if (added)
        *added = 0;
    if (!cfg || !list)
        return LK_ERR_INVALID;
    for (size_t i = 0; i < list->n_issuers; i++) {
        const config_issuer *src = &list->issuers[i];
        size_t before = cfg->n_issuers;
        config_issuer *dst = config_add_issuer(cfg, src->code);
        if (!dst)
            return LK_ERR_NOMEM;
        if (cfg->n_issuers == before)
            continue; /* kiosk.ini (or an earlier list) has this issuer: it wins */
        config_revoked *revoked = NULL;
        if (src->n_revoked) {
            revoked = malloc(src->n_revoked * sizeof *revoked);
            if (!revoked) {
                cfg->n_issuers--; /* the empty entry just added */
                return LK_ERR_NOMEM;
            }
            memcpy(revoked, src->revoked, src->n_revoked * sizeof *revoked);
        }
        *dst = *src;
        dst->revoked = revoked;
        dst->cap_revoked = src->n_revoked;
        dst->demo = false;
        dst->from_trust_list = true;
        dst->credentials_file[0] = dst->ca_file[0] = '\0';
        n++;
    }
    config_sort_issuers(cfg);
    if (added)
        *added = n;
    return LK_OK;
}

/* Reads and verifies the installed list; into is set up here and the caller's to
 * config_free. */
static lk_status read_installed(const config *cfg, config *into, trust_meta *meta, char *err,
                                size_t err_len)
{
    config_defaults(into);
    if (!cfg->trust.has_region_key)
        return say(err, err_len, LK_ERR_NOT_FOUND, "no region_key in [trust]");
    char *text = NULL;
    size_t len = 0;
    lk_status st = lk_read_file(cfg->trust.file, &text, &len);
    if (st != LK_OK)
        return say(err, err_len, st == LK_ERR_NOT_FOUND ? LK_ERR_NOT_FOUND : LK_ERR_IO, "%s: %s",
                   cfg->trust.file,
                   st == LK_ERR_NOT_FOUND ? "no trust list installed" : "cannot be read");
    st = trust_verify(cfg->trust.region_key, text, len, into, meta, err, err_len);
    free(text);
    return st;
}

lk_status trust_apply_installed(config *cfg, int today, trust_meta *meta, char *err, size_t err_len)
{
    if (!cfg)
        return LK_ERR_INVALID;
    config *list = malloc(sizeof *list);
    if (!list)
        return LK_ERR_NOMEM;
    trust_meta m;
    lk_status st = read_installed(cfg, list, &m, err, err_len);
    if (st == LK_OK && m.expires < today) {
        char day[16];
        format_day(m.expires, day);
        st = say(err, err_len, LK_ERR_STALE,
                 "the region's trust list (version %ld) expired on %s; import a newer one",
                 m.version, day);
    }
    if (st == LK_OK)
        st = trust_merge(cfg, list, NULL);
    if (st == LK_OK && meta)
        *meta = m;
    config_free(list);
    free(list);
    return st;
}

lk_status trust_installed_meta(const config *cfg, int today, trust_meta *meta, char *err,
                               size_t err_len)
{
    if (!cfg)
        return LK_ERR_INVALID;
    config *probe = malloc(sizeof *probe);
    if (!probe) {
        if (err && err_len)
            snprintf(err, err_len, "out of memory");
        return LK_ERR_NOMEM;
    }
    config_defaults(probe);
    /* a copy of only what trust_apply_installed reads, applied to an empty config */
    probe->trust = cfg->trust;
    lk_status st = trust_apply_installed(probe, today, meta, err, err_len);
    config_free(probe);
    free(probe);
    return st;
}

lk_status trust_install(const config *cfg, const char *text, size_t len, int today,
                        trust_meta *meta, char *err, size_t err_len)
{
    if (!cfg || !text)
        return LK_ERR_INVALID;
    if (!cfg->trust.has_region_key)
        return say(err, err_len, LK_ERR_CONFIG,
                   "set region_key in [trust] of kiosk.ini before importing a trust list");
    config *list = malloc(sizeof *list);
    if (!list)
        return LK_ERR_NOMEM;
    config_defaults(list);
    trust_meta m, old;
    lk_status st = trust_verify(cfg->trust.region_key, text, len, list, &m, err, err_len);
    if (st == LK_OK && m.expires < today) {
        char day[16];
        format_day(m.expires, day);
        st = say(err, err_len, LK_ERR_STALE, "this list (version %ld) expired on %s", m.version,
                 day);
    }
    if (st == LK_OK) {
        config *cur = malloc(sizeof *cur);
        char ignore[256];
        if (!cur) {
            st = LK_ERR_NOMEM;
        } else if (read_installed(cfg, cur, &old, ignore, sizeof ignore) == LK_OK) {
            if (m.version == old.version)
                st =
                    say(err, err_len, LK_ERR_EXISTS, "version %ld is already installed", m.version);
            else if (m.version < old.version)
                st = say(err, err_len, LK_ERR_STALE,
                         "version %ld is older than the installed version %ld; not replaced",
                         m.version, old.version);
        }
        config_free(cur);
        free(cur);
    }
    if (st == LK_OK) {
        char dir[CONFIG_PATH_MAX];
        lk_strlcpy(dir, cfg->trust.file, sizeof dir);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            *slash = '\0';
            /* the data folder of a kiosk that never ran; if this fails, the write says so */
            if (lk_mkdirs(dir, 0700) != LK_OK)
                dir[0] = '\0';
        }
        st = lk_write_file(cfg->trust.file, text, len, 0644, false);
        if (st != LK_OK)
            say(err, err_len, st, "%s: cannot be written (%s)", cfg->trust.file, lk_strerror(st));
    }
    if (st == LK_OK && meta)
        *meta = m;
    config_free(list);
    free(list);
    return st;
}

/* --- making a list --------------------------------------------------------------- */

typedef struct make_ctx {
    json_t *issuers; /* code -> issuer object, in the order of the file */
    json_t *order;   /* codes in the order of the file */
    char region[CONFIG_TEXT_MAX];
    long version;
    int expires;
    char err[256];
    char section[64];
    char key[64];
} make_ctx;

static int make_fail(make_ctx *mc, const char *section, const char *key, const char *msg)
{
    if (!mc->err[0]) {
        lk_strlcpy(mc->err, msg, sizeof mc->err);
        lk_log_escape(section, mc->section, sizeof mc->section);
        lk_log_escape(key, mc->key, sizeof mc->key);
    }
    return 0;
}

static int add_revoked(make_ctx *mc, json_t *list, const char *section, const char *key,
                       const char *value)
{
    const char *p = value;
    config_issuer probe;
    memset(&probe, 0, sizeof probe);
    while (*p) {
        p += strspn(p, ", \t\r\n");
        size_t n = strcspn(p, ", \t\r\n#");
        if (*p == '#') { /* a comment in a revoked_file runs to the end of its line */
            p += strcspn(p, "\n");
            continue;
        }
        if (n == 0)
            break;
        char tok[64];
        snprintf(tok, sizeof tok, "%.*s", (int)n, p);
        if (n >= sizeof tok || config_revoke_entry(&probe, tok) != LK_OK) {
            free(probe.revoked);
            return make_fail(mc, section, key, "an entry is not SUBJECT or SUBJECT@YYYYMMDD");
        }
        json_array_append_new(list, json_string(tok));
        p += n;
    }
    free(probe.revoked);
    return 1;
}

static int make_handler(void *user, const char *section, const char *name, const char *value)
{
    make_ctx *mc = user;
    if (mc->err[0])
        return 0;
    if (!strcmp(section, "list")) {
        if (!strcmp(name, "name"))
            return lk_strlcpy(mc->region, value, sizeof mc->region)
                       ? 1
                       : make_fail(mc, section, name, "too long");
        if (!strcmp(name, "version"))
            return lk_parse_long(value, 1, 2000000000L, &mc->version) == LK_OK
                       ? 1
                       : make_fail(mc, section, name, "not a whole number from 1");
        if (!strcmp(name, "expires"))
            return (mc->expires = parse_day(value)) != 0
                       ? 1
                       : make_fail(mc, section, name, "not a date YYYY-MM-DD");
        return make_fail(mc, section, name, "unknown key");
    }
    if (strncmp(section, "issuer.", 7))
        return make_fail(mc, section, name, "unknown section (use [list] and [issuer.CODE])");
    const char *code = section + 7;
    json_t *is = json_object_get(mc->issuers, code);
    if (!is) {
        is = json_object();
        json_object_set_new(is, "code", json_string(code));
        json_object_set_new(is, "keys", json_object());
        json_object_set_new(is, "revoked", json_array());
        json_object_set_new(mc->issuers, code, is);
        json_array_append_new(mc->order, json_string(code));
    }
    if (!strcmp(name, "name") || !strcmp(name, "home_page") || !strcmp(name, "endpoint")) {
        json_object_set_new(is, name, json_string(value));
        return 1;
    }
    if (!strncmp(name, "key.", 4)) {
        json_object_set_new(json_object_get(is, "keys"), name + 4, json_string(value));
        return 1;
    }
    if (!strcmp(name, "revoked"))
        return add_revoked(mc, json_object_get(is, "revoked"), section, name, value);
    if (!strcmp(name, "revoked_file")) {
        char *text = NULL;
        if (lk_read_file(value, &text, NULL) != LK_OK)
            return make_fail(mc, section, name, "cannot read the file");
        int rc = add_revoked(mc, json_object_get(is, "revoked"), section, name, text);
        free(text);
        return rc;
    }
    return make_fail(mc, section, name, "unknown key");
}

lk_status trust_make(const unsigned char sk[64], const char *ini_path, int today, char **out,
                     trust_meta *meta, char *err, size_t err_len)
{
    if (!sk || !ini_path || !out)
        return LK_ERR_INVALID;
    *out = NULL;
    if (sodium_init() < 0)
        return say(err, err_len, LK_ERR_CRYPTO, "libsodium could not start");
    make_ctx mc;
    memset(&mc, 0, sizeof mc);
    mc.issuers = json_object();
    mc.order = json_array();
    json_t *payload = NULL, *outer = NULL;
    char *body = NULL;
    lk_status st = LK_OK;
    int rc = ini_parse(ini_path, make_handler, &mc);
    if (rc < 0) {
        st = say(err, err_len, LK_ERR_IO, "%s: cannot read the file", ini_path);
        goto out;
    }
    if (rc > 0 || mc.err[0]) {
        st = say(err, err_len, LK_ERR_CONFIG, "%s:%d: [%s] %s: %s", ini_path, rc, mc.section,
                 mc.key, mc.err[0] ? mc.err : "this line is not 'key = value' or '[section]'");
        goto out;
    }
    if (!mc.region[0] || !mc.version || !mc.expires) {
        st = say(err, err_len, LK_ERR_CONFIG, "%s: [list] needs name, version and expires",
                 ini_path);
        goto out;
    }
    char issued[16], expires[16];
    format_day(today, issued);
    format_day(mc.expires, expires);
    json_t *list = json_array();
    size_t i;
    json_t *code;
    json_array_foreach(mc.order, i, code)
        json_array_append(list, json_object_get(mc.issuers, json_string_value(code)));
    payload =
        json_pack("{s:s, s:I, s:s, s:s, s:o}", "region", mc.region, "version",
                  (json_int_t)mc.version, "issued", issued, "expires", expires, "issuers", list);
    body = payload ? json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (!body) {
        st = LK_ERR_NOMEM;
        goto out;
    }
    /* what a kiosk will accept, checked before anything is signed */
    unsigned char pk[32];
    crypto_sign_ed25519_sk_to_pk(pk, sk);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)body, strlen(body), sk);
    char sig64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    outer =
        json_pack("{s:s, s:s, s:s}", "format", TRUST_FORMAT, "payload", body, "signature", sig64);
    char *text = outer ? json_dumps(outer, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (!text) {
        st = LK_ERR_NOMEM;
        goto out;
    }
    config *check = malloc(sizeof *check);
    if (!check) {
        free(text);
        st = LK_ERR_NOMEM;
        goto out;
    }
    config_defaults(check);
    st = trust_verify(pk, text, strlen(text), check, meta, err, err_len);
    config_free(check);
    free(check);
    if (st != LK_OK) {
        free(text);
        goto out;
    }
    *out = text;
out:
    free(body);
    json_decref(outer);
    json_decref(payload);
    json_decref(mc.order);
    json_decref(mc.issuers);
    return st;
}
