/* Search keys for names (fold.h): iconv's transliteration to ASCII under the
 * C.UTF-8 locale of the calling thread only (uselocale), then letters and digits. */
#include "lobkiosk/fold.h"

#include <errno.h>
#include <iconv.h>
#include <locale.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t c_utf8_once = PTHREAD_ONCE_INIT;
static locale_t c_utf8 = (locale_t)0;

/* The locale whose LC_CTYPE carries glibc's transliteration table for Latin
 * letters; the "C" locale (a systemd service's default) has none and makes every
 * accented letter "?". Made once, kept for the life of the process. */
static void c_utf8_make(void)
{
    static const char *const names[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !c_utf8; i++)
        c_utf8 = newlocale(LC_CTYPE_MASK, names[i], (locale_t)0);
}

/* Transliterates in[0..n) to ASCII into buf (size cap), skipping what iconv cannot
 * take; returns the bytes written. Falls back to the ASCII bytes alone when iconv
 * has no converter (a static build without gconv modules). */
static size_t to_ascii(const char *in, size_t n, char *buf, size_t cap)
{
    iconv_t cd = iconv_open("ASCII//TRANSLIT", "UTF-8");
    size_t o = 0;
    if (cd == (iconv_t)-1) {
        for (size_t i = 0; i < n && o < cap; i++)
            if ((unsigned char)in[i] < 0x80)
                buf[o++] = in[i];
        return o;
    }
    char *ip = (char *)in; /* iconv's prototype is not const-correct */
    size_t il = n;
    char *op = buf;
    size_t ol = cap;
    while (il > 0) {
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
            break;
        if (errno == E2BIG)
            break; /* the key is long enough */
        /* EILSEQ (not UTF-8, or no ASCII form) or EINVAL (cut short): skip a byte;
         * the rest of a broken sequence goes the same way, the next letter stays */
        ip++;
        il--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    iconv_close(cd);
    return (size_t)(op - buf);
}

size_t fold_key(const char *in, char *out, size_t len)
{
    if (!out || len == 0)
        return 0;
    out[0] = '\0';
    if (!in)
        return 0;
    size_t n = strnlen(in, FOLD_INPUT_MAX);
    /* transliteration may lengthen ("ß" -> "ss", "ﬃ" -> "ffi"); four times is room */
    char ascii[4 * FOLD_INPUT_MAX];
    pthread_once(&c_utf8_once, c_utf8_make);
    locale_t old = c_utf8 ? uselocale(c_utf8) : (locale_t)0;
    size_t an = to_ascii(in, n, ascii, sizeof ascii);
    if (old)
        uselocale(old);
    size_t o = 0;
    for (size_t i = 0; i < an && o + 1 < len; i++) {
        char c = ascii[i];
        if (c >= 'A' && c <= 'Z')
            out[o++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out[o++] = c;
    }
    out[o] = '\0';
    return o;
}
