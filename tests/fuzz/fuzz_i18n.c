/* libFuzzer target for the texts: the input is written to one temp file and loaded
 * as assets/i18n/nl.ini and en.ini (inih), then every key the input seems to name
 * ("[section]" + "key =") is looked up and filled in with i18n_format at every
 * buffer size up to the full length. Checks: the result is always a NUL-terminated
 * prefix of the uncut result, equal to it when i18n_format says nothing was cut,
 * and (for valid UTF-8 texts) never ends in half a character. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lobkiosk/i18n.h"
#include "targets.h"

#define I18N_FUZZ_KEYS 16 /* keys looked up per input */

static char i18n_path[64];
static int i18n_fd = -1;

static void i18n_fuzz_cleanup(void)
{
    if (i18n_fd >= 0) {
        close(i18n_fd);
        unlink(i18n_path);
        i18n_fd = -1;
    }
}

/* Writes data to the process's temp file (made once). */
static bool i18n_write(const uint8_t *data, size_t size)
{
    if (i18n_fd < 0) {
        const char *dir = getenv("TMPDIR");
        snprintf(i18n_path, sizeof i18n_path, "%s/lk-fuzz-i18n-XXXXXX",
                 dir && *dir && strlen(dir) < 32 ? dir : "/tmp");
        i18n_fd = mkstemp(i18n_path);
        if (i18n_fd < 0)
            return false;
        atexit(i18n_fuzz_cleanup);
    }
    if (ftruncate(i18n_fd, 0) != 0)
        return false;
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(i18n_fd, data + done, size - done, (off_t)done);
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

/* True when s is valid UTF-8 (no overlong forms, surrogates or > U+10FFFF). */
static bool i18n_utf8(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2
                  : (s[0] & 0xF0) == 0xE0 ? 3 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
        if (n == 0)
            return false;
        for (size_t i = 1; i < n; i++)
            if ((s[i] & 0xC0) != 0x80)
                return false;
        if ((n == 3 && s[0] == 0xE0 && s[1] < 0xA0) || (n == 3 && s[0] == 0xED && s[1] >= 0xA0) ||
            (n == 4 && s[0] == 0xF0 && s[1] < 0x90) || (n == 4 && s[0] == 0xF4 && s[1] >= 0x90))
            return false;
        s += n;
    }
    return true;
}

/* Collects "section.key" names the way a person reads the file. */
static size_t i18n_keys(const uint8_t *data, size_t size, char keys[][128], size_t max)
{
    char section[64] = "";
    size_t n = 0;
    const char *p = (const char *)data, *end = p + size;
    while (p < end && n < max) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end;
        while (p < le && (*p == ' ' || *p == '\t'))
            p++;
        if (p < le && *p == '[') {
            const char *close = memchr(p, ']', (size_t)(le - p));
            if (close)
                snprintf(section, sizeof section, "%.*s", (int)(close - p - 1), p + 1);
        } else {
            const char *eq = p;
            while (eq < le && *eq != '=' && *eq != ':')
                eq++;
            const char *ke = eq;
            while (ke > p && (ke[-1] == ' ' || ke[-1] == '\t'))
                ke--;
            if (eq < le && ke > p && memchr(p, '\0', (size_t)(ke - p)) == NULL)
                snprintf(keys[n++], 128, "%s.%.*s", section, (int)(ke - p), p);
        }
        p = eol ? eol + 1 : end;
    }
    return n;
}

static void i18n_check_format(i18n *t, const char *key)
{
    static const char *const vars[] = {"name", "Zoë", "n", "3", "event", "Open dag {n}",
                                       "", "empty", NULL};
    char full[2048];
    bool whole = i18n_format(t, key, vars, full, sizeof full);
    size_t flen = strlen(full);
    if (flen >= sizeof full)
        abort();
    bool utf8 = i18n_utf8(i18n_get(t, key));
    if (utf8 && !i18n_utf8(full))
        abort(); /* cut inside a character */
    if (!whole)
        return;
    char buf[2048];
    for (size_t len = 1; len <= flen + 1; len += 1 + len / 16) {
        memset(buf, 0x55, sizeof buf);
        bool fit = i18n_format(t, key, vars, buf, len);
        size_t n = strnlen(buf, len);
        if (n >= len || memcmp(buf, full, n) != 0)
            abort(); /* not a NUL-terminated prefix of the whole text */
        if (fit != (len > flen) || (fit && n != flen))
            abort();
        if (utf8 && !i18n_utf8(buf))
            abort();
    }
}

int fuzz_i18n_one(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024 || !i18n_write(data, size))
        return 0;
    i18n *t = i18n_create();
    if (!t)
        return 0;
    char err[128];
    lk_status st = i18n_load_file(t, "nl", i18n_path, err, sizeof err);
    if (st != LK_OK && st != LK_ERR_CONFIG && st != LK_ERR_NOMEM)
        abort();
    if (strnlen(err, sizeof err) == sizeof err)
        abort();
    if (st == LK_OK) {
        if (i18n_load_file(t, "en", i18n_path, NULL, 0) != LK_OK)
            abort(); /* the same file loads twice (later values replace earlier) */
        if (!i18n_set_language(t, "en"))
            (void)0; /* an empty file has no texts: nothing to switch to */
    }
    char keys[I18N_FUZZ_KEYS][128];
    size_t n = i18n_keys(data, size, keys, I18N_FUZZ_KEYS);
    for (size_t i = 0; i < n; i++) {
        i18n_check_format(t, keys[i]);
        if (st == LK_OK && i18n_has(t, "nl", keys[i]) != i18n_has(t, "en", keys[i]))
            abort();
    }
    i18n_check_format(t, "missing.key {name}");
    i18n_destroy(t);
    return 0;
}

#ifndef LK_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_i18n_one(data, size);
}
#endif
