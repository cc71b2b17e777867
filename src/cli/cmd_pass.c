/* lobkiosk pass: signs one pass with an issuer key file and prints its payload,
 * optionally as a QR PNG to print. Every argument is checked here with a message
 * that says what is wrong, before anything is signed. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "lobkiosk/pass.h"
#include "lobkiosk/qrcode.h"
#include "lobkiosk/util.h"

#define PNG_SCALE 8 /* pixels per module: about 4 cm at 300 dpi for a version 6 code */

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "lobkiosk pass: %s\n", why);
    fprintf(stderr,
            "usage: lobkiosk pass --key FILE --role S|H|A --subject ID --expires YYYY-MM-DD "
            "[--png FILE]\n"
            "  S student, H host, A admin; ID a pseudonymous id, 1-16 of 0-9 A-Z;\n"
            "  YYYY-MM-DD the last day the pass is valid\n");
    return CLI_EXIT_USAGE;
}

/* Explains what is wrong with a subject, or returns NULL when it is fine. A subject
 * is printed in every QR and sent in every statement: it must not name anyone. */
static const char *subject_problem(const char *s)
{
    static const char *privacy =
        "subjects are pseudonymous ids (e.g. a student number), never names or e-mail "
        "addresses; use 0-9 and upper-case A-Z";
    size_t n = strlen(s);
    if (n == 0)
        return "the subject is empty";
    if (strchr(s, '@'))
        return privacy;
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'a' && s[i] <= 'z')
            return privacy;
    if (strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != n)
        return "the subject may only contain 0-9 and upper-case A-Z";
    if (n > LK_SUBJECT_MAX)
        return "the subject is longer than 16 characters";
    return NULL;
}

int cmd_pass(const cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    const char *key_file = NULL, *role = NULL, *subject = NULL, *expires = NULL, *png = NULL;
    for (int i = 0; i < argc; i++) {
        const char **slot = NULL;
        if (strcmp(argv[i], "--key") == 0)
            slot = &key_file;
        else if (strcmp(argv[i], "--role") == 0)
            slot = &role;
        else if (strcmp(argv[i], "--subject") == 0)
            slot = &subject;
        else if (strcmp(argv[i], "--expires") == 0)
            slot = &expires;
        else if (strcmp(argv[i], "--png") == 0)
            slot = &png;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(NULL);
            return CLI_EXIT_OK;
        }
        if (!slot) {
            fprintf(stderr, "lobkiosk pass: unknown argument '%s'\n", argv[i]);
            return usage(NULL);
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "lobkiosk pass: %s needs a value\n", argv[i]);
            return usage(NULL);
        }
        *slot = argv[++i];
    }
    if (!key_file || !role || !subject || !expires)
        return usage("--key, --role, --subject and --expires are required");
    if (strlen(role) != 1 || !strchr("SHA", role[0]))
        return usage("--role must be S (student), H (host) or A (admin)");
    const char *problem = subject_problem(subject);
    if (problem)
        return usage(problem);
    int exp = 0;
    if (!pass_parse_date(expires, &exp))
        return usage("--expires must be a real date written YYYY-MM-DD, e.g. 2027-07-31");
    if (png && !*png)
        return usage("--png needs a file name");
    if (exp < lk_local_yyyymmdd(lk_now_ms()))
        fprintf(stderr, "lobkiosk pass: warning: %s is in the past; kiosks will refuse this "
                        "pass as expired\n", expires);

    pass_key key;
    lk_status st = pass_key_load(key_file, &key);
    switch (st) {
    case LK_OK:
        break;
    case LK_ERR_PERMISSION:
        fprintf(stderr,
                "lobkiosk pass: %s can be read by group or others, or not by you; a signing "
                "key must be private to its owner: chmod 600 %s\n",
                key_file, key_file);
        return CLI_EXIT_ERROR;
    case LK_ERR_NOT_FOUND:
        fprintf(stderr, "lobkiosk pass: %s: no such key file\n", key_file);
        return CLI_EXIT_ERROR;
    case LK_ERR_CRYPTO:
        fprintf(stderr, "lobkiosk pass: %s: the secret and public key do not belong together\n",
                key_file);
        return CLI_EXIT_ERROR;
    default:
        fprintf(stderr, "lobkiosk pass: %s is not a key file written by 'lobkiosk keygen' (%s)\n",
                key_file, lk_strerror(st));
        return CLI_EXIT_ERROR;
    }

    char payload[LK_PASS_MAX_LEN + 1];
    st = pass_sign(&key, (pass_role)role[0], subject, exp, payload, sizeof payload);
    sodium_memzero(&key, sizeof key);
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk pass: cannot sign: %s\n", lk_strerror(st));
        return CLI_EXIT_ERROR;
    }
    if (png) {
        st = qrcode_write_png(payload, png, PNG_SCALE);
        if (st != LK_OK) {
            fprintf(stderr, "lobkiosk pass: cannot write %s: %s\n", png, lk_strerror(st));
            return CLI_EXIT_ERROR;
        }
    }
    printf("%s\n", payload);
    return CLI_EXIT_OK;
}
