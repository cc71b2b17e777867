/* Unit tests of the signed pass: every refusal reason with real signed passes, the
 * strict base32 signature, key files (permissions, overwrite) and a replay of the
 * fuzz corpus so every saved finding stays fixed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <qrencode.h>
#include <sodium.h>

#include "lobkiosk/config.h"
#include "lobkiosk/pass.h"
#include "lobkiosk/util.h"

#define TODAY 20261128
#define CORPUS_DIR "tests/fuzz/corpus/pass"

/* Shared by the tests: a config trusting issuer 00AA with key K1, and its secret. */
typedef struct fixture {
    config *cfg;
    pass_key key;   /* 00AA / K1, trusted */
    pass_key other; /* 00AA / K1 as well, but a different key pair: a forger's */
} fixture;

static void make_key(pass_key *k, const char *issuer, const char *key_id)
{
    memset(k, 0, sizeof *k);
    lk_strlcpy(k->issuer, issuer, sizeof k->issuer);
    lk_strlcpy(k->key_id, key_id, sizeof k->key_id);
    crypto_sign_keypair(k->pk, k->sk);
}

static config_issuer *add_issuer(config *cfg, const char *code, const pass_key *k, bool demo)
{
    config_issuer *is = config_add_issuer(cfg, code);
    assert_non_null(is);
    is->demo = demo;
    lk_strlcpy(is->keys[0].id, k->key_id, sizeof is->keys[0].id);
    memcpy(is->keys[0].pk, k->pk, 32);
    is->n_keys = 1;
    return is;
}

static int setup(void **state)
{
    assert_true(sodium_init() >= 0);
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->cfg = malloc(sizeof *fx->cfg);
    assert_non_null(fx->cfg);
    config_defaults(fx->cfg);
    make_key(&fx->key, "00AA", "K1");
    make_key(&fx->other, "00AA", "K1");
    add_issuer(fx->cfg, "00AA", &fx->key, false);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    sodium_memzero(&fx->key, sizeof fx->key);
    config_free(fx->cfg);
    free(fx->cfg);
    free(fx);
    return 0;
}

static void sign(const pass_key *k, pass_role role, const char *subject, int expires,
                 char *buf, size_t len)
{
    assert_int_equal(pass_sign(k, role, subject, expires, buf, len), LK_OK);
}

/* --- happy path -------------------------------------------------------------- */

static void test_round_trip(void **state)
{
    fixture *fx = *state;
    char buf[256];
    sign(&fx->key, PASS_ROLE_STUDENT, "123456", 20270731, buf, sizeof buf);
    pass p;
    memset(&p, 0xAB, sizeof p);
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, &p), LK_REASON_NONE);
    assert_string_equal(p.issuer, "00AA");
    assert_int_equal(p.role, PASS_ROLE_STUDENT);
    assert_string_equal(p.subject, "123456");
    assert_int_equal(p.expires, 20270731);
    assert_string_equal(p.key_id, "K1");
    /* out may be NULL */
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_NONE);

    /* host and admin passes parse the same way; the role is the caller's business */
    sign(&fx->key, PASS_ROLE_HOST, "H1", 20270731, buf, sizeof buf);
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, &p), LK_REASON_NONE);
    assert_int_equal(p.role, PASS_ROLE_HOST);
    sign(&fx->key, PASS_ROLE_ADMIN, "A1", 20270731, buf, sizeof buf);
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, &p), LK_REASON_NONE);
    assert_int_equal(p.role, PASS_ROLE_ADMIN);
}

static void test_format_and_qr_size(void **state)
{
    fixture *fx = *state;
    char buf[256];
    sign(&fx->key, PASS_ROLE_STUDENT, "123456", 20270731, buf, sizeof buf);
    assert_int_equal(strncmp(buf, "LOB1.00AA.S.123456.20270731.K1.", 31), 0);
    const char *sig = strrchr(buf, '.') + 1;
    assert_int_equal(strlen(sig), 103);
    assert_int_equal(strspn(sig, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 103);
    /* about 135 characters: fits QR version 6 at level M in alphanumeric mode.
     * (QRcode_encodeString refuses QR_MODE_AN as a hint; it picks alphanumeric
     * segments itself from QR_MODE_8, and QRinput takes the mode explicitly.) */
    assert_in_range(strlen(buf), 130, 140);
    QRcode *qr = QRcode_encodeString(buf, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    assert_non_null(qr);
    assert_int_equal(qr->version, 6);
    QRcode_free(qr);
    QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
    assert_non_null(in);
    assert_int_equal(QRinput_append(in, QR_MODE_AN, (int)strlen(buf), (unsigned char *)buf), 0);
    qr = QRcode_encodeInput(in);
    assert_non_null(qr);
    assert_int_equal(qr->version, 6);
    QRcode_free(qr);
    QRinput_free(in);

    /* the longest pass still fits the scanner's limit */
    pass_key big;
    make_key(&big, "ABCDEFGH", "ZZZZ");
    sign(&big, PASS_ROLE_STUDENT, "0123456789ABCDEF", 20991231, buf, sizeof buf);
    assert_true(strlen(buf) <= LK_PASS_MAX_LEN);
}

static void test_trailing_newline_accepted(void **state)
{
    fixture *fx = *state;
    char buf[256], with[260];
    sign(&fx->key, PASS_ROLE_STUDENT, "123456", 20270731, buf, sizeof buf);
    const char *ends[] = {"\n", "\r", "\r\n"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(with, sizeof with, "%s%s", buf, ends[i]);
        assert_int_equal(pass_verify(with, fx->cfg, TODAY, NULL), LK_REASON_NONE);
    }
    /* but not more than one line end, nor other white space */
    snprintf(with, sizeof with, "%s\n\n", buf);
    assert_int_equal(pass_verify(with, fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);
    snprintf(with, sizeof with, "%s ", buf);
    assert_int_equal(pass_verify(with, fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);
}

/* --- not_a_pass and malformed ------------------------------------------------- */

static void test_not_a_pass(void **state)
{
    fixture *fx = *state;
    const char *inputs[] = {"", "https://example.nl", "WIFI:S:x;;", "LOB1", "LOB2.00AA",
                            "lob1.00aa.s.1.20270731.k1.AAAA", " LOB1.00AA", "LOB1,00AA"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        assert_int_equal(pass_verify(inputs[i], fx->cfg, TODAY, NULL), LK_REASON_NOT_A_PASS);
    assert_int_equal(pass_verify(NULL, fx->cfg, TODAY, NULL), LK_REASON_NOT_A_PASS);
}

/* Replaces field idx (0 = "LOB1") of a signed pass with repl. */
static void replace_field(const char *in, int idx, const char *repl, char *out, size_t len)
{
    char tmp[512];
    lk_strlcpy(tmp, in, sizeof tmp);
    out[0] = '\0';
    size_t o = 0;
    int field = 0;
    const char *start = tmp;
    for (const char *c = tmp;; c++) {
        if (*c == '.' || *c == '\0') {
            const char *piece = field == idx ? repl : start;
            int n = field == idx ? (int)strlen(repl) : (int)(c - start);
            o += (size_t)snprintf(out + o, len - o, "%s%.*s", field ? "." : "", n, piece);
            field++;
            start = c + 1;
            if (*c == '\0')
                break;
        }
    }
}

static void test_malformed(void **state)
{
    fixture *fx = *state;
    char good[256], bad[512];
    sign(&fx->key, PASS_ROLE_STUDENT, "123456", 20270731, good, sizeof good);

    struct {
        int field;
        const char *value;
    } cases[] = {
        {1, "0"},         {1, "00aa"},      {1, "ABCDEFGHI"}, {1, ""},
        {2, "X"},         {2, "SS"},        {2, ""},          {2, "s"},
        {3, ""},          {3, "12345a"},    {3, "0123456789ABCDEFG"},
        {3, "A@B"},       {4, "2027073"},   {4, "202707311"}, {4, "20270230"},
        {4, "20271301"},  {4, "20270000"},  {4, "19991231"},  {4, "2027-7-3"},
        {4, "20250229"},  {5, ""},          {5, "K12345"},    {5, "k1"},
        {6, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        replace_field(good, cases[i].field, cases[i].value, bad, sizeof bad);
        if (pass_verify(bad, fx->cfg, TODAY, NULL) != LK_REASON_MALFORMED)
            fail_msg("field %d = '%s' not refused as malformed: %s", cases[i].field,
                     cases[i].value, bad);
    }

    /* extra field, missing field, empty fields */
    snprintf(bad, sizeof bad, "%s.X", good);
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);
    snprintf(bad, sizeof bad, "%.*s", (int)(strrchr(good, '.') - good), good);
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);
    assert_int_equal(pass_verify("LOB1.", fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);
    assert_int_equal(pass_verify("LOB1.......", fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);

    /* the whole pass in lower case after the prefix */
    lk_strlcpy(bad, good, sizeof bad);
    for (char *c = bad + 5; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);

    /* too long: a valid start followed by junk */
    char longp[LK_PASS_MAX_LEN + 64];
    memset(longp, 'A', sizeof longp - 1);
    longp[sizeof longp - 1] = '\0';
    memcpy(longp, "LOB1.", 5);
    assert_int_equal(pass_verify(longp, fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);
    /* a NUL inside is the end of the string: the pass is cut short */
    lk_strlcpy(bad, good, sizeof bad);
    bad[40] = '\0';
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);
}

static void test_signature_encoding_strict(void **state)
{
    fixture *fx = *state;
    char good[256], bad[512];
    sign(&fx->key, PASS_ROLE_STUDENT, "123456", 20270731, good, sizeof good);
    size_t len = strlen(good);
    size_t sig = (size_t)(strrchr(good, '.') - good) + 1;

    /* lower case in the signature */
    lk_strlcpy(bad, good, sizeof bad);
    size_t letter = sig;
    while (bad[letter] < 'A' || bad[letter] > 'Z')
        letter++;
    bad[letter] = (char)(bad[letter] - 'A' + 'a');
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);
    /* padding */
    snprintf(bad, sizeof bad, "%s=", good);
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);
    /* one character short, one too many */
    snprintf(bad, sizeof bad, "%.*s", (int)(len - 1), good);
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);
    snprintf(bad, sizeof bad, "%sA", good);
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);
    /* characters outside the alphabet: 0, 1, 8, 9 */
    lk_strlcpy(bad, good, sizeof bad);
    bad[sig + 5] = '1';
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);
    /* 103 chars carry 515 bits for 512: the last 3 bits must be zero, so the last
     * character is one of A, I, Q, Y (values 0, 8, 16, 24). Setting a
     * trailing bit gives another spelling of the same signature: refused. */
    lk_strlcpy(bad, good, sizeof bad);
    const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    int v = (int)(strchr(alpha, good[len - 1]) - alpha);
    assert_int_equal(v & 7, 0);
    bad[len - 1] = alpha[v | 1];
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_MALFORMED);
}

/* --- issuer, key, signature --------------------------------------------------- */

static void test_unknown_issuer(void **state)
{
    fixture *fx = *state;
    pass_key k;
    make_key(&k, "99ZZ", "K1");
    char buf[256];
    sign(&k, PASS_ROLE_STUDENT, "123456", 20270731, buf, sizeof buf);
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_UNKNOWN_ISSUER);
    /* no config trusts nobody */
    assert_int_equal(pass_verify(buf, NULL, TODAY, NULL), LK_REASON_UNKNOWN_ISSUER);
}

static void test_demo_issuer(void **state)
{
    fixture *fx = *state;
    pass_key k;
    make_key(&k, "DEMO", "D1");
    add_issuer(fx->cfg, "DEMO", &k, true);
    char buf[256];
    sign(&k, PASS_ROLE_STUDENT, "123456", 20270731, buf, sizeof buf);
    fx->cfg->demo = false;
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_UNKNOWN_ISSUER);
    fx->cfg->demo = true;
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_NONE);
}

static void test_unknown_key(void **state)
{
    fixture *fx = *state;
    pass_key k;
    make_key(&k, "00AA", "K2");
    char buf[256];
    sign(&k, PASS_ROLE_STUDENT, "123456", 20270731, buf, sizeof buf);
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_UNKNOWN_KEY);

    /* after rotation both keys are trusted */
    config_issuer *is = &fx->cfg->issuers[0];
    lk_strlcpy(is->keys[1].id, "K2", sizeof is->keys[1].id);
    memcpy(is->keys[1].pk, k.pk, 32);
    is->n_keys = 2;
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_NONE);
    sign(&fx->key, PASS_ROLE_STUDENT, "123456", 20270731, buf, sizeof buf);
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_NONE);
}

static void test_bad_signature(void **state)
{
    fixture *fx = *state;
    char good[256], bad[512];
    sign(&fx->key, PASS_ROLE_STUDENT, "123456", 20270731, good, sizeof good);
    size_t sig = (size_t)(strrchr(good, '.') - good) + 1;

    /* flip one signature character (not the last, whose low bits are fixed) */
    lk_strlcpy(bad, good, sizeof bad);
    bad[sig + 10] = bad[sig + 10] == 'A' ? 'B' : 'A';
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_BAD_SIGNATURE);

    /* change the subject, the role, the expiry after signing */
    replace_field(good, 3, "123457", bad, sizeof bad);
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_BAD_SIGNATURE);
    replace_field(good, 2, "A", bad, sizeof bad);
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_BAD_SIGNATURE);
    replace_field(good, 4, "20991231", bad, sizeof bad);
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_BAD_SIGNATURE);

    /* another key pair under the trusted issuer and key id */
    sign(&fx->other, PASS_ROLE_STUDENT, "123456", 20270731, bad, sizeof bad);
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_BAD_SIGNATURE);

    /* the signature of one pass on another */
    char two[256];
    sign(&fx->key, PASS_ROLE_STUDENT, "654321", 20270731, two, sizeof two);
    snprintf(bad, sizeof bad, "%.*s%s", (int)sig, good, strrchr(two, '.') + 1);
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_BAD_SIGNATURE);

    /* a bad signature on an expired pass says bad_signature: order matters */
    sign(&fx->key, PASS_ROLE_STUDENT, "123456", 20200101, good, sizeof good);
    lk_strlcpy(bad, good, sizeof bad);
    bad[sig + 10] = bad[sig + 10] == 'A' ? 'B' : 'A';
    assert_int_equal(pass_verify(bad, fx->cfg, TODAY, NULL), LK_REASON_BAD_SIGNATURE);
}

/* --- expiry and revocation ---------------------------------------------------- */

static void test_expired(void **state)
{
    fixture *fx = *state;
    char buf[256];
    sign(&fx->key, PASS_ROLE_STUDENT, "123456", TODAY, buf, sizeof buf);
    /* valid on its last day */
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_NONE);
    /* expired the next day, also across a month and a year */
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY + 1, NULL), LK_REASON_EXPIRED);
    sign(&fx->key, PASS_ROLE_STUDENT, "123456", 20261231, buf, sizeof buf);
    assert_int_equal(pass_verify(buf, fx->cfg, 20261231, NULL), LK_REASON_NONE);
    assert_int_equal(pass_verify(buf, fx->cfg, 20270101, NULL), LK_REASON_EXPIRED);
    /* leap day is a real date */
    sign(&fx->key, PASS_ROLE_STUDENT, "123456", 20280229, buf, sizeof buf);
    assert_int_equal(pass_verify(buf, fx->cfg, 20280229, NULL), LK_REASON_NONE);
    assert_int_equal(pass_verify(buf, fx->cfg, 20280301, NULL), LK_REASON_EXPIRED);
}

static void test_revoked(void **state)
{
    fixture *fx = *state;
    config_issuer *is = &fx->cfg->issuers[0];
    assert_int_equal(config_revoke(is, "111", 0), LK_OK);        /* every pass of 111 */
    assert_int_equal(config_revoke(is, "222", 20270731), LK_OK); /* only this pass of 222 */
    assert_int_equal(config_revoke(is, "2x2", 0), LK_ERR_INVALID);
    assert_int_equal(config_revoke(is, "222", 20270230), LK_ERR_INVALID);

    char buf[256];
    sign(&fx->key, PASS_ROLE_STUDENT, "111", 20270731, buf, sizeof buf);
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_REVOKED);
    sign(&fx->key, PASS_ROLE_STUDENT, "111", 20280731, buf, sizeof buf);
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_REVOKED);
    sign(&fx->key, PASS_ROLE_STUDENT, "222", 20270731, buf, sizeof buf);
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_REVOKED);
    /* the reissued pass of 222 is good */
    sign(&fx->key, PASS_ROLE_STUDENT, "222", 20280731, buf, sizeof buf);
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_NONE);
    /* a prefix of a revoked subject is another subject */
    sign(&fx->key, PASS_ROLE_STUDENT, "11", 20270731, buf, sizeof buf);
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_NONE);
    /* expired and revoked: expired comes first */
    sign(&fx->key, PASS_ROLE_STUDENT, "111", 20200101, buf, sizeof buf);
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_EXPIRED);
}

/* --- signing arguments -------------------------------------------------------- */

static void test_sign_refuses_bad_arguments(void **state)
{
    fixture *fx = *state;
    char buf[256];
    assert_int_equal(pass_sign(NULL, PASS_ROLE_STUDENT, "1", 20270731, buf, sizeof buf),
                     LK_ERR_INVALID);
    assert_int_equal(pass_sign(&fx->key, PASS_ROLE_STUDENT, NULL, 20270731, buf, sizeof buf),
                     LK_ERR_INVALID);
    assert_int_equal(pass_sign(&fx->key, PASS_ROLE_STUDENT, "", 20270731, buf, sizeof buf),
                     LK_ERR_INVALID);
    assert_int_equal(pass_sign(&fx->key, PASS_ROLE_STUDENT, "jan", 20270731, buf, sizeof buf),
                     LK_ERR_INVALID);
    assert_int_equal(
        pass_sign(&fx->key, PASS_ROLE_STUDENT, "A@B.NL", 20270731, buf, sizeof buf),
        LK_ERR_INVALID);
    assert_int_equal(pass_sign(&fx->key, PASS_ROLE_STUDENT, "0123456789ABCDEFG", 20270731, buf,
                               sizeof buf),
                     LK_ERR_INVALID);
    assert_int_equal(pass_sign(&fx->key, (pass_role)'X', "1", 20270731, buf, sizeof buf),
                     LK_ERR_INVALID);
    assert_int_equal(pass_sign(&fx->key, PASS_ROLE_STUDENT, "1", 20270230, buf, sizeof buf),
                     LK_ERR_INVALID);
    assert_int_equal(pass_sign(&fx->key, PASS_ROLE_STUDENT, "1", 0, buf, sizeof buf),
                     LK_ERR_INVALID);
    assert_int_equal(pass_sign(&fx->key, PASS_ROLE_STUDENT, "1", 20270731, NULL, 0),
                     LK_ERR_INVALID);
    /* a buffer too small gets an empty string, never a cut pass */
    char small[100];
    assert_int_equal(pass_sign(&fx->key, PASS_ROLE_STUDENT, "1", 20270731, small, sizeof small),
                     LK_ERR_INVALID);
    assert_string_equal(small, "");
}

/* --- key files ---------------------------------------------------------------- */

static void temp_dir(char *buf, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, len, "%s/lk-test-pass-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(buf));
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[1024];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            remove_tree(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static void test_keygen_and_load(void **state)
{
    fixture *fx = *state;
    char dir[512], sub[600], path[700];
    temp_dir(dir, sizeof dir);
    snprintf(sub, sizeof sub, "%s/keys/new", dir); /* created when missing */

    pass_key made, loaded;
    assert_int_equal(pass_keygen("00AB", "K7", sub, &made), LK_OK);
    snprintf(path, sizeof path, "%s/00AB-K7.key", sub);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(pass_key_load(path, &loaded), LK_OK);
    assert_string_equal(loaded.issuer, "00AB");
    assert_string_equal(loaded.key_id, "K7");
    assert_memory_equal(loaded.sk, made.sk, sizeof made.sk);
    assert_memory_equal(loaded.pk, made.pk, sizeof made.pk);

    /* the public file has the public key and no secret */
    char pubpath[700], *pub = NULL;
    snprintf(pubpath, sizeof pubpath, "%s/00AB-K7.pub", sub);
    assert_int_equal(stat(pubpath, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644);
    assert_int_equal(lk_read_file(pubpath, &pub, NULL), LK_OK);
    char b64[64];
    pass_pubkey_base64(made.pk, b64, sizeof b64);
    assert_non_null(strstr(pub, b64));
    assert_null(strstr(pub, "secret"));
    free(pub);

    /* a pass signed with the loaded key verifies against its public key */
    config_issuer *is = add_issuer(fx->cfg, "00AB", &loaded, false);
    (void)is;
    char buf[256];
    sign(&loaded, PASS_ROLE_STUDENT, "42", 20270731, buf, sizeof buf);
    assert_int_equal(pass_verify(buf, fx->cfg, TODAY, NULL), LK_REASON_NONE);

    /* never overwrites */
    assert_int_equal(pass_keygen("00AB", "K7", sub, NULL), LK_ERR_EXISTS);
    assert_int_equal(pass_key_load(path, &loaded), LK_OK);
    assert_memory_equal(loaded.sk, made.sk, sizeof made.sk);

    /* refuses a secret others can read */
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(pass_key_load(path, &loaded), LK_ERR_PERMISSION);
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(pass_key_load(path, &loaded), LK_ERR_PERMISSION);
    assert_int_equal(chmod(path, 0400), 0);
    assert_int_equal(pass_key_load(path, &loaded), LK_OK);

    sodium_memzero(&made, sizeof made);
    sodium_memzero(&loaded, sizeof loaded);
    remove_tree(dir);
}

static void test_keygen_bad_arguments(void **state)
{
    (void)state;
    char dir[512];
    temp_dir(dir, sizeof dir);
    assert_int_equal(pass_keygen(NULL, "K1", dir, NULL), LK_ERR_INVALID);
    assert_int_equal(pass_keygen("00AA", NULL, dir, NULL), LK_ERR_INVALID);
    assert_int_equal(pass_keygen("00AA", "K1", NULL, NULL), LK_ERR_INVALID);
    assert_int_equal(pass_keygen("00AA", "K1", "", NULL), LK_ERR_INVALID);
    assert_int_equal(pass_keygen("0", "K1", dir, NULL), LK_ERR_INVALID);
    assert_int_equal(pass_keygen("00aa", "K1", dir, NULL), LK_ERR_INVALID);
    assert_int_equal(pass_keygen("../../X", "K1", dir, NULL), LK_ERR_INVALID);
    assert_int_equal(pass_keygen("00AA", "K12345", dir, NULL), LK_ERR_INVALID);
    assert_int_equal(pass_keygen("00AA", "K/1", dir, NULL), LK_ERR_INVALID);
    remove_tree(dir);
}

static void write_text(const char *path, const char *text, unsigned mode)
{
    assert_int_equal(lk_write_file(path, text, strlen(text), mode, false), LK_OK);
}

static void test_key_load_hostile(void **state)
{
    (void)state;
    char dir[512], path[700];
    temp_dir(dir, sizeof dir);
    pass_key k;
    assert_int_equal(pass_key_load(NULL, &k), LK_ERR_INVALID);
    assert_int_equal(pass_key_load("", &k), LK_ERR_INVALID);
    snprintf(path, sizeof path, "%s/missing.key", dir);
    assert_int_equal(pass_key_load(path, &k), LK_ERR_NOT_FOUND);
    assert_int_equal(pass_key_load(dir, &k), LK_ERR_IO); /* a directory */

    snprintf(path, sizeof path, "%s/x.key", dir);
    write_text(path, "", 0600);
    assert_int_equal(pass_key_load(path, &k), LK_ERR_INVALID);
    write_text(path, "[key]\nissuer = 00AA\nkey_id = K1\nsecret = not base64!\n", 0600);
    assert_int_equal(pass_key_load(path, &k), LK_ERR_INVALID);
    write_text(path, "[key]\nissuer = 00AA\nkey_id = K1\nsecret = AAAA\n", 0600);
    assert_int_equal(pass_key_load(path, &k), LK_ERR_INVALID);

    /* secret and public of different pairs */
    pass_key a, b;
    make_key(&a, "00AA", "K1");
    make_key(&b, "00AA", "K1");
    char sk64[128], pk64[64], text[512];
    sodium_bin2base64(sk64, sizeof sk64, a.sk, 64, sodium_base64_VARIANT_ORIGINAL);
    pass_pubkey_base64(b.pk, pk64, sizeof pk64);
    snprintf(text, sizeof text, "[key]\nissuer = 00AA\nkey_id = K1\nsecret = %s\npublic = %s\n",
             sk64, pk64);
    write_text(path, text, 0600);
    assert_int_equal(pass_key_load(path, &k), LK_ERR_CRYPTO);
    /* a bad issuer code in the file */
    pass_pubkey_base64(a.pk, pk64, sizeof pk64);
    snprintf(text, sizeof text, "[key]\nissuer = 00aa\nkey_id = K1\nsecret = %s\npublic = %s\n",
             sk64, pk64);
    write_text(path, text, 0600);
    assert_int_equal(pass_key_load(path, &k), LK_ERR_INVALID);
    /* well formed */
    snprintf(text, sizeof text, "[key]\nissuer = 00AA\nkey_id = K1\nsecret = %s\npublic = %s\n",
             sk64, pk64);
    write_text(path, text, 0600);
    assert_int_equal(pass_key_load(path, &k), LK_OK);
    assert_memory_equal(k.pk, a.pk, 32);
    remove_tree(dir);
}

static void test_pubkey_base64(void **state)
{
    (void)state;
    unsigned char pk[32] = {0};
    char buf[64];
    pass_pubkey_base64(pk, buf, sizeof buf);
    assert_string_equal(buf, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    char small[10] = "junk";
    pass_pubkey_base64(pk, small, sizeof small);
    assert_string_equal(small, "");
    pass_pubkey_base64(NULL, buf, sizeof buf);
    assert_string_equal(buf, "");
}

static void test_date_valid(void **state)
{
    (void)state;
    int d = 0;
    assert_true(pass_parse_date("2027-07-31", &d));
    assert_int_equal(d, 20270731);
    assert_false(pass_parse_date("2027-02-30", &d)); /* not a date */
    assert_false(pass_parse_date("2027-7-31", &d));
    assert_false(pass_parse_date("2027-07-31 ", &d));
    assert_false(pass_parse_date("2027/07/31", &d));
    assert_false(pass_parse_date(NULL, &d));
    assert_int_equal(d, 20270731); /* untouched */
    assert_true(pass_date_valid(20270731));
    assert_true(pass_date_valid(20280229));  /* leap year */
    assert_true(pass_date_valid(20000229));  /* divisible by 400: leap */
    assert_false(pass_date_valid(21000229)); /* divisible by 100: not leap */
    assert_false(pass_date_valid(20270229));
    assert_true(pass_date_valid(20271231));
    assert_false(pass_date_valid(20271232));
    assert_false(pass_date_valid(20270431)); /* April has 30 days */
    assert_false(pass_date_valid(20271300));
    assert_false(pass_date_valid(20270001));
    assert_false(pass_date_valid(20270100));
    assert_false(pass_date_valid(19991231));
    assert_true(pass_date_valid(99991231));
    assert_false(pass_date_valid(100000101));
    assert_false(pass_date_valid(0));
    assert_false(pass_date_valid(-20270731));
}

/* --- fuzz corpus replay ------------------------------------------------------- */

/* The corpus is verified against the fuzz target's fixed config (see
 * tests/fuzz/fuzz_pass.c): issuer 00AA, key K1 from a fixed seed. */
static void fuzz_config(config *cfg)
{
    unsigned char seed[crypto_sign_SEEDBYTES], pk[32], sk[64];
    memset(seed, 0x4c, sizeof seed); /* 'L': same seed as the fuzz target */
    crypto_sign_seed_keypair(pk, sk, seed);
    config_defaults(cfg);
    config_issuer *is = config_add_issuer(cfg, "00AA");
    assert_non_null(is);
    lk_strlcpy(is->keys[0].id, "K1", sizeof is->keys[0].id);
    memcpy(is->keys[0].pk, pk, 32);
    is->n_keys = 1;
}

static void test_fuzz_corpus_replay(void **state)
{
    (void)state;
    config *cfg = malloc(sizeof *cfg);
    assert_non_null(cfg);
    fuzz_config(cfg);
    static const struct {
        const char *prefix;
        lk_reason reason;
    } expect[] = {
        {"valid", LK_REASON_NONE},
        {"not-a-pass", LK_REASON_NOT_A_PASS},
        {"malformed", LK_REASON_MALFORMED},
        {"unknown-issuer", LK_REASON_UNKNOWN_ISSUER},
        {"unknown-key", LK_REASON_UNKNOWN_KEY},
        {"bad-signature", LK_REASON_BAD_SIGNATURE},
        {"expired", LK_REASON_EXPIRED},
    };
    DIR *d = opendir(CORPUS_DIR);
    assert_non_null(d);
    struct dirent *e;
    int files = 0, valid = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[512], *data = NULL;
        size_t len = 0;
        snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, e->d_name);
        assert_int_equal(lk_read_file(path, &data, &len), LK_OK);
        lk_reason r = pass_verify(data, cfg, 20261128, NULL);
        assert_true(r >= LK_REASON_NONE && r <= LK_REASON_REVOKED);
        /* seeds are named after the answer they must get; fuzzer findings
         * (crash-*, leak-*, ...) only have to be survived */
        for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
            size_t n = strlen(expect[i].prefix);
            if (strncmp(e->d_name, expect[i].prefix, n) == 0 && r != expect[i].reason)
                fail_msg("%s: got %s", e->d_name, lk_reason_token(r));
        }
        valid += r == LK_REASON_NONE;
        files++;
        free(data);
    }
    closedir(d);
    config_free(cfg);
    free(cfg);
    assert_true(files >= 10);
    assert_true(valid >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format_and_qr_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trailing_newline_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signature_encoding_strict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_issuer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_demo_issuer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_signature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expired, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revoked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_refuses_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keygen_and_load, setup, teardown),
        cmocka_unit_test(test_keygen_bad_arguments),
        cmocka_unit_test(test_key_load_hostile),
        cmocka_unit_test(test_pubkey_base64),
        cmocka_unit_test(test_date_valid),
        cmocka_unit_test(test_fuzz_corpus_replay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
