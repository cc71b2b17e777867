/* lobkiosk keygen: makes an issuer's Ed25519 signing key pair. The secret stays with
 * whoever prints passes; the kiosk.ini lines that trust the public half go to stdout,
 * everything else to stderr, so the output can be appended to a kiosk.ini. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "lobkiosk/pass.h"
#include "lobkiosk/util.h"

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "lobkiosk keygen: %s\n", why);
    fprintf(stderr, "usage: lobkiosk keygen --issuer CODE --key-id ID --out DIR\n"
                    "  CODE  issuer code, 2-8 of 0-9 A-Z (e.g. the BRIN code 00AA)\n"
                    "  ID    key id, 1-4 of 0-9 A-Z (e.g. K1; a new id for each rotation)\n");
    return CLI_EXIT_USAGE;
}

/* True when s is 1..max characters of [0-9A-Z] and at least min long. */
static int code_ok(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    return n >= min && n <= max && strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == n;
}

int cmd_keygen(const cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    const char *issuer = NULL, *key_id = NULL, *out = NULL;
    for (int i = 0; i < argc; i++) {
        const char **slot = NULL;
        if (strcmp(argv[i], "--issuer") == 0)
            slot = &issuer;
        else if (strcmp(argv[i], "--key-id") == 0)
            slot = &key_id;
        else if (strcmp(argv[i], "--out") == 0)
            slot = &out;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(NULL);
            return CLI_EXIT_OK;
        }
        if (!slot) {
            fprintf(stderr, "lobkiosk keygen: unknown argument '%s'\n", argv[i]);
            return usage(NULL);
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "lobkiosk keygen: %s needs a value\n", argv[i]);
            return usage(NULL);
        }
        *slot = argv[++i];
    }
    if (!issuer || !key_id || !out)
        return usage("--issuer, --key-id and --out are required");
    if (!code_ok(issuer, 2, LK_ISSUER_MAX))
        return usage("the issuer code must be 2-8 characters of 0-9 and upper-case A-Z");
    if (!code_ok(key_id, 1, LK_KEYID_MAX))
        return usage("the key id must be 1-4 characters of 0-9 and upper-case A-Z");
    if (!*out)
        return usage("--out needs a directory");

    char key_path[4096], name[32];
    snprintf(name, sizeof name, "%s-%s.key", issuer, key_id);
    if (!lk_path_join(key_path, sizeof key_path, out, name))
        return usage("the --out path is too long");

    pass_key key;
    lk_status st = pass_keygen(issuer, key_id, out, &key);
    if (st == LK_ERR_EXISTS) {
        fprintf(stderr,
                "lobkiosk keygen: %s or its .pub already exists; a key is never overwritten "
                "(passes signed with it would stop verifying). Use a new --key-id.\n",
                key_path);
        return CLI_EXIT_ERROR;
    }
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk keygen: cannot write the key pair in %s: %s\n", out,
                lk_strerror(st));
        return CLI_EXIT_ERROR;
    }
    char pk64[64];
    pass_pubkey_base64(key.pk, pk64, sizeof pk64);
    sodium_memzero(&key, sizeof key);

    fprintf(stderr,
            "lobkiosk keygen: wrote %s (secret, mode 0600: keep it off kiosks) and its .pub\n"
            "Add these lines to kiosk.ini on every kiosk that should trust the passes:\n",
            key_path);
    printf("[issuer.%s]\nkey.%s = %s\n", issuer, key_id, pk64);
    return CLI_EXIT_OK;
}
