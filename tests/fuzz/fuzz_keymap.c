/* libFuzzer target for the evdev key map (evdev_key_char), the table every key of a
 * USB scanner passes through: byte 0 picks the layout (us, nl, or a name that is not
 * one), then pairs [code high | shift, code low] are keys typed as a scanner types
 * them, 4 ms apart, into the wedge assembler. Checks what evdev.h promises: a key
 * gives '\n', '\t', printable ASCII or 0, never anything else, for any code; a
 * layout that is not nl types as us; letters type the same on both layouts and
 * shift makes them capitals; digits and Enter do not depend on the layout; and what
 * the assembler hands out is a NUL-terminated line without control characters. */
#include <linux/input.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/evdev.h"
#include "lobkiosk/wedge.h"
#include "targets.h"

static void keymap_check_one(unsigned code, bool shift)
{
    char us = evdev_key_char(code, shift, "us");
    char nl = evdev_key_char(code, shift, "nl");
    unsigned char u = (unsigned char)us, n = (unsigned char)nl;
    if ((u && u != '\n' && u != '\t' && (u < 0x20 || u > 0x7e)) ||
        (n && n != '\n' && n != '\t' && (n < 0x20 || n > 0x7e)))
        abort(); /* a control character or a byte outside ASCII */
    if (evdev_key_char(code, shift, NULL) != us || evdev_key_char(code, shift, "") != us ||
        evdev_key_char(code, shift, "xx") != us)
        abort(); /* anything but nl is us */
    if (code > KEY_MAX && (us || nl))
        abort();
    char lower = evdev_key_char(code, false, "us");
    if (lower >= 'a' && lower <= 'z') {
        if (us != nl || (shift && us != lower - 'a' + 'A') || (!shift && us != lower))
            abort(); /* letters: the pass alphabet types the same everywhere */
    }
    if (code >= KEY_1 && code <= KEY_0 && !shift && (us != nl || us < '0' || us > '9'))
        abort();
    if ((code == KEY_ENTER || code == KEY_KPENTER) && (us != '\n' || nl != '\n'))
        abort();
}

static void keymap_check_line(const char *out, size_t out_len)
{
    size_t n = strnlen(out, out_len);
    if (n >= out_len || n > WEDGE_MAX_LEN)
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            abort();
}

int fuzz_keymap_one(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const char *const layouts[] = {"us", "nl", "NL", "", "dvorak"};
    const char *layout = layouts[data[0] % 5];
    wedge *w = wedge_create(NULL);
    if (!w)
        return 0;
    char out[WEDGE_MAX_LEN + 1];
    int64_t t = 5000000;
    for (size_t i = 1; i + 1 < size; i += 2) {
        bool shift = data[i] & 0x80;
        unsigned code = ((unsigned)(data[i] & 0x7f) << 8) | data[i + 1];
        keymap_check_one(code, shift);
        keymap_check_one(code & 0x2ff, shift); /* the codes a keyboard really has */
        char c = evdev_key_char(code & 0x2ff, shift, layout);
        if (c) {
            t += 4;
            wedge_key(w, c, t);
        }
        if (wedge_poll(w, t, out, sizeof out))
            keymap_check_line(out, sizeof out);
    }
    t += 1000;
    for (int i = 0; i <= WEDGE_QUEUE; i++)
        if (wedge_poll(w, t, out, sizeof out))
            keymap_check_line(out, sizeof out);
    wedge_destroy(w);
    return 0;
}

#ifndef LK_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_keymap_one(data, size);
}
#endif
