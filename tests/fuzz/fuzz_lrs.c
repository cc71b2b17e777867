/* libFuzzer target for what an LRS answers to POST /statements
 * (xapi_statements_answer, which decides what the sync marks sent). The input:
 *   bytes 0-1   the HTTP status, 100 + (big-endian value % 500)
 *   byte 2      how many statements were sent, 1 + (value % 8)
 *   the rest    the body, as the LRS sent it
 * The ids sent are fixed UUIDs, so seeds can hold real answers (exactly the ids,
 * fewer, other ids, an HTML page, ...; tests/fuzz/corpus/lrs). Headers: the one the
 * sync reads, Retry-After, is parsed by libcurl (CURLINFO_RETRY_AFTER), not by us.
 * Checks what xapi.h promises: only a 200 confirms anything; XAPI_STORED only for a
 * 200 that confirms every id; the verdict follows the status class; a confirmed id
 * is in the body (unless JSON escapes spell it); the reason is one short line with
 * no control characters and none of the body's text. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/xapi.h"
#include "targets.h"

static const char *const LRS_IDS[8] = {
    "0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b", "5c1d9a70-2f3e-4b8a-8e1d-0c9f6b7a2e31",
    "a3e0c5b2-1d4f-4e6a-9b7c-8d2e1f0a3b4c", "d4c3b2a1-0f9e-4d8c-b7a6-958473625140",
    "11111111-2222-4333-8444-555555555555", "66666666-7777-4888-9999-aaaaaaaaaaaa",
    "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff", "01234567-89ab-4cde-8f01-23456789abcd",
};

int fuzz_lrs_one(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    long status = 100 + (long)(((unsigned)data[0] << 8 | data[1]) % 500);
    size_t n = 1 + data[2] % 8;
    size_t len = size - 3;
    char *body = malloc(len + 1);
    if (!body)
        return 0;
    memcpy(body, data + 3, len);
    body[len] = '\0';
    bool confirmed[8];
    memset(confirmed, 0xAA, sizeof confirmed); /* neither true nor false: must be set */
    char why[160];
    memset(why, 'x', sizeof why);
    xapi_verdict v = xapi_statements_answer(status, (const char *)data + 3, len, LRS_IDS, n,
                                            confirmed, why, sizeof why);
    size_t any = 0, all = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char raw;
        memcpy(&raw, &confirmed[i], 1);
        if (raw > 1)
            abort(); /* left unset */
        any += confirmed[i];
        all += confirmed[i];
        if (confirmed[i] && !memchr(body, '\\', len) && !strcasestr(body, LRS_IDS[i]))
            abort(); /* confirmed an id the answer does not hold */
    }
    if (any && status != 200)
        abort();
    if (v == XAPI_STORED && (status != 200 || all != n))
        abort();
    bool refusal = status == 400 || status == 409 || status == 413;
    bool auth = status == 401 || status == 403;
    bool ok2xx = status >= 200 && status <= 299;
    if ((v == XAPI_REFUSED) != refusal || (v == XAPI_AUTH) != auth)
        abort();
    if ((v == XAPI_STORED || v == XAPI_NOT_LRS) != ok2xx ||
        (v == XAPI_RETRY) != (!ok2xx && !refusal && !auth))
        abort();
    size_t wl = strnlen(why, sizeof why);
    if (wl >= sizeof why)
        abort(); /* not terminated */
    if (v == XAPI_NOT_LRS && wl == 0)
        abort(); /* a person must be told why */
    for (size_t i = 0; i < wl; i++)
        if ((unsigned char)why[i] < 0x20 || why[i] == 0x7f)
            abort();
    /* none of the body's words in the reason: a login page's text stays out of logs */
    if (len >= 12 && wl >= 12)
        for (size_t i = 0; i + 12 <= len; i++)
            if (memmem(why, wl, body + i, 12))
                abort();
    free(body);
    return 0;
}

#ifndef LK_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_lrs_one(data, size);
}
#endif
