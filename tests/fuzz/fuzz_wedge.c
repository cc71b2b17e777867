/* libFuzzer target for the keyboard-wedge assembler. The input is a script:
 *   byte 0          timing rules (0: defaults, else derived end timeout, mean gap
 *                   and minimum length)
 *   then pairs      [gap, byte]: gap < 0xF0 is that many ms before the key;
 *                   0xF0..0xFD a silence of (gap - 0xF0) * 100 ms; 0xFE the clock
 *                   going back 50 ms; 0xFF no key but a poll with an out buffer of
 *                   (byte % 64) bytes (0: the full WEDGE_MAX_LEN + 1).
 * Scanner bursts are runs of small gaps, a person is gaps of 100-300 ms; seeds of
 * both are in tests/fuzz/corpus/wedge. Checks what wedge.h promises: a payload is
 * NUL-terminated inside out, at least min_len and at most WEDGE_MAX_LEN bytes, has
 * no control characters and no lower-case ASCII; and when every gap between keys
 * is longer than the scanner's mean gap (a person typing), nothing comes out. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/wedge.h"
#include "targets.h"

static void wedge_check(const char *out, size_t out_len, const wedge_config *cfg,
                        bool person_only)
{
    size_t n = strnlen(out, out_len);
    if (n >= out_len || n > WEDGE_MAX_LEN || n < cfg->min_len || n < 2)
        abort();
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)out[i];
        if (c < 0x20 || c == 0x7f || (c >= 'a' && c <= 'z'))
            abort();
    }
    if (person_only)
        abort(); /* a person's slow typing came out as a scan */
}

int fuzz_wedge_one(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    wedge_config cfg = {0};
    if (data[0]) {
        cfg.end_timeout_ms = 20 + (data[0] & 0x0f) * 20;     /* 20..320 */
        cfg.avg_gap_max_ms = 5 + ((data[0] >> 4) & 0x07) * 10; /* 5..75 */
        cfg.min_len = 1 + (data[0] >> 7) * 7;                 /* 1 or 8 */
    }
    wedge *w = wedge_create(&cfg);
    if (!w)
        return 0;
    wedge_config eff = cfg; /* the rules in force, defaults filled in as wedge.h says */
    if (eff.end_timeout_ms <= 0)
        eff.end_timeout_ms = WEDGE_DEFAULT_END_TIMEOUT_MS;
    if (eff.avg_gap_max_ms <= 0)
        eff.avg_gap_max_ms = WEDGE_DEFAULT_AVG_GAP_MAX_MS;
    if (eff.min_len == 0)
        eff.min_len = WEDGE_DEFAULT_MIN_LEN;

    int64_t t = 1000000; /* a monotonic clock some time after boot */
    int64_t t_max = t;   /* the assembler never looks back: a key at t < t_max counts at t_max */
    int64_t last_key = -1;
    bool person_only = true; /* every gap so far between two keys > avg_gap_max_ms */
    char out[WEDGE_MAX_LEN + 1];
    for (size_t i = 1; i + 1 < size; i += 2) {
        uint8_t gap = data[i], b = data[i + 1];
        if (gap == 0xFF) {
            size_t out_len = b % 64 ? b % 64 : sizeof out;
            memset(out, 'x', sizeof out);
            if (wedge_poll(w, t, out, out_len))
                wedge_check(out, out_len, &eff, person_only);
            continue;
        }
        if (gap == 0xFE) {
            t -= 50;
            person_only = false; /* a clock going back is a gap of 0 */
        } else if (gap >= 0xF0) {
            t += (int64_t)(gap - 0xF0) * 100;
        } else {
            t += gap;
        }
        if (last_key >= 0 && t - last_key <= eff.avg_gap_max_ms)
            person_only = false;
        last_key = t;
        if (t > t_max)
            t_max = t;
        wedge_key(w, (char)b, t);
        (void)wedge_busy(w);
    }
    /* drain: a silence ends the last burst */
    t = t_max + eff.end_timeout_ms + 1;
    for (int i = 0; i <= WEDGE_QUEUE; i++) {
        memset(out, 'x', sizeof out);
        if (wedge_poll(w, t, out, sizeof out))
            wedge_check(out, sizeof out, &eff, person_only);
    }
    if (wedge_busy(w) || wedge_poll(w, t, out, sizeof out))
        abort(); /* everything was handed out */
    wedge_destroy(w);
    return 0;
}

#ifndef LK_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_wedge_one(data, size);
}
#endif
