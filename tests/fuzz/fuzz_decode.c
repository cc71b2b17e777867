/* libFuzzer target for camera frames through the QR decoder (decoder_scan, ZBar and
 * its preprocessing passes). Input: byte 0 flags (bit 0: still mode, else video;
 * bit 1: scan the frame twice, as a camera shows one scene in a row; bit 2: the frame
 * is tiled from the data, else the data and then black), bytes 1-2 the width and 3-4
 * the height (1..640 and 1..480, little endian, taken modulo), then grey pixels.
 * Seeds are real camera frames with passes in them (tests/fuzz/corpus/decode).
 * Checks what decode.h promises: LK_OK for any frame; at most DECODE_MAX_SYMBOLS
 * codes; each text NUL-terminated at text_len, valid UTF-8 and no longer than
 * DECODE_TEXT_MAX; raw_len at most DECODE_RAW_MAX; a skipped frame has no codes.
 * And decode_bytes_to_utf8 on the raw input: valid UTF-8, terminated, in bounds. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/decode.h"
#include "lobkiosk/util.h"
#include "targets.h"

static void decode_check(const decode_result *r)
{
    if (r->n > DECODE_MAX_SYMBOLS || (r->skipped && r->n) || !r->pass)
        abort();
    for (size_t i = 0; i < r->n; i++) {
        const decode_symbol *s = &r->sym[i];
        if (s->text_len >= DECODE_TEXT_MAX || s->text[s->text_len] != '\0' ||
            s->raw_len > DECODE_RAW_MAX || !lk_utf8_valid(s->text, s->text_len))
            abort();
    }
}

static void decode_check_text(const uint8_t *raw, size_t n)
{
    char text[256];
    size_t out_len = 99999;
    (void)decode_bytes_to_utf8(raw, n, text, sizeof text, &out_len);
    if (out_len >= sizeof text || text[out_len] != '\0' || !lk_utf8_valid(text, out_len))
        abort();
}

int fuzz_decode_one(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    decode_check_text(data + 5, size - 5 < 300 ? size - 5 : 300);
    int w = 1 + (int)((data[1] | (data[2] << 8)) % 640);
    int h = 1 + (int)((data[3] | (data[4] << 8)) % 480);
    size_t px = (size_t)w * (size_t)h, have = size - 5;
    uint8_t *grey = malloc(px);
    if (!grey)
        return 0;
    if ((data[0] & 4) && have > 0) {
        for (size_t i = 0; i < px; i++)
            grey[i] = data[5 + i % have];
    } else {
        size_t n = have < px ? have : px;
        memcpy(grey, data + 5, n);
        memset(grey + n, 0, px - n);
    }
    decoder *dec = decoder_create((data[0] & 1) ? DECODE_STILL : DECODE_VIDEO);
    decode_result *r = malloc(sizeof *r);
    if (!dec || !r) {
        decoder_destroy(dec);
        free(r);
        free(grey);
        return 0;
    }
    lk_frame f = {.width = w, .height = h, .grey = grey, .t_ms = 1000, .seq = 1};
    for (int round = 0; round < ((data[0] & 2) ? 2 : 1); round++) {
        memset(r, 0xA5, sizeof *r);
        lk_status st = decoder_scan(dec, &f, r);
        if (st == LK_ERR_NOMEM)
            break;
        if (st != LK_OK)
            abort();
        decode_check(r);
        f.t_ms += 66;
        f.seq++;
    }
    decoder_destroy(dec);
    free(r);
    free(grey);
    return 0;
}

#ifndef LK_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_decode_one(data, size);
}
#endif
