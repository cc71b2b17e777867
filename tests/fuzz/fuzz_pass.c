/* libFuzzer target for pass_verify: any bytes a camera or a keyboard-wedge scanner
 * can deliver must give one reason and never crash. The config trusts one issuer
 * whose key comes from a fixed seed, so the fuzzer can also reach the signature,
 * expiry and revocation checks from the seed corpus (tests/fuzz/corpus/pass). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "lobkiosk/config.h"
#include "lobkiosk/pass.h"
#include "lobkiosk/util.h"

#define TODAY 20261128 /* fixed, so a finding replays the same way on any day */

static config *cfg;
static pass_key key; /* the trusted key: accepted passes can be signed again */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (sodium_init() < 0)
        abort();
    unsigned char seed[crypto_sign_SEEDBYTES];
    memset(seed, 0x4c, sizeof seed); /* same seed as the corpus replay in test_pass */
    lk_strlcpy(key.issuer, "00AA", sizeof key.issuer);
    lk_strlcpy(key.key_id, "K1", sizeof key.key_id);
    crypto_sign_seed_keypair(key.pk, key.sk, seed);

    cfg = malloc(sizeof *cfg);
    if (!cfg)
        abort();
    config_defaults(cfg);
    config_issuer *is = config_add_issuer(cfg, "00AA");
    if (!is)
        abort();
    lk_strlcpy(is->keys[0].id, "K1", sizeof is->keys[0].id);
    memcpy(is->keys[0].pk, key.pk, sizeof key.pk);
    is->n_keys = 1;
    if (config_revoke(is, "666", 0) != LK_OK)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a C string, as the scanner hands it over: the bytes up to the first NUL */
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    pass p;
    memset(&p, 0, sizeof p);
    lk_reason r = pass_verify(s, cfg, TODAY, &p);
    if (r > LK_REASON_REVOKED)
        abort(); /* pass_verify gives only its own seven reasons */
    if (r == LK_REASON_NONE) {
        /* an accepted pass has exactly one spelling: signing its fields again must
         * give the same text (Ed25519 is deterministic), or the parser let through
         * something the format does not allow */
        char again[LK_PASS_MAX_LEN + 1];
        if (pass_sign(&key, p.role, p.subject, p.expires, again, sizeof again) != LK_OK)
            abort();
        size_t n = strlen(s);
        if (n > 0 && s[n - 1] == '\n')
            n--;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        if (strlen(again) != n || memcmp(again, s, n) != 0)
            abort();
    }
    free(s);
    return 0;
}
