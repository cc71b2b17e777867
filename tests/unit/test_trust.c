/* Tests of the region's trust list: made and verified round trip, every kind of
 * tampering and malformed list refused, kiosk.ini winning over the list, versions
 * never going back, expired lists not used, and a region-sized list (500 schools,
 * 50,000 revocations) found by code and revocation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lobkiosk/config.h"
#include "lobkiosk/trust.h"
#include "lobkiosk/util.h"

#define TODAY 20261129

typedef struct fixture {
    char dir[64];
    unsigned char pk[32], sk[64]; /* the region's key */
    unsigned char school_pk[32];  /* a school's pass key */
    char school64[64];
    config *cfg; /* a kiosk with the region key */
} fixture;

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    assert_true(sodium_init() >= 0);
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/lk-trust-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    crypto_sign_keypair(f->pk, f->sk);
    unsigned char sk[64];
    crypto_sign_keypair(f->school_pk, sk);
    sodium_bin2base64(f->school64, sizeof f->school64, f->school_pk, 32,
                      sodium_base64_VARIANT_ORIGINAL);
    f->cfg = malloc(sizeof *f->cfg);
    assert_non_null(f->cfg);
    config_defaults(f->cfg);
    memcpy(f->cfg->trust.region_key, f->pk, 32);
    f->cfg->trust.has_region_key = true;
    snprintf(f->cfg->trust.file, sizeof f->cfg->trust.file, "%s/data/trust.json", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    config_free(f->cfg);
    free(f->cfg);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    int rc = system(cmd);
    free(f);
    return rc;
}

/* A signed list of version v (schools 11BB with an endpoint and revocations, and
 * 22CC), made from a schools.ini; heap string. */
static char *make_list(fixture *f, int version, const char *expires, trust_meta *meta)
{
    char ini[2048], path[128];
    snprintf(ini, sizeof ini,
             "[list]\nname = Regio Twente\nversion = %d\nexpires = %s\n\n"
             "[issuer.11BB]\nname = Het Twents Lyceum\nhome_page = https://lyceum.example/\n"
             "endpoint = https://lrs.lyceum.example/xAPI\nkey.K1 = %s\n"
             "revoked = 777, 888@20270731\n\n"
             "[issuer.22CC]\nname = ROC Oost\nkey.K1 = %s\nkey.K2 = %s\n",
             version, expires, f->school64, f->school64, f->school64);
    snprintf(path, sizeof path, "%s/schools-%d.ini", f->dir, version);
    write_text(path, ini);
    char *out = NULL, err[256] = "";
    lk_status st = trust_make(f->sk, path, TODAY, &out, meta, err, sizeof err);
    if (st != LK_OK)
        fail_msg("trust_make: %s", err);
    return out;
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    trust_meta made;
    char *text = make_list(f, 3, "2027-08-01", &made);
    assert_int_equal(made.version, 3);
    assert_int_equal(made.issued, TODAY);
    assert_int_equal(made.expires, 20270801);
    assert_int_equal(made.n_issuers, 2);
    assert_int_equal(made.n_revoked, 2);

    config *list = malloc(sizeof *list);
    assert_non_null(list);
    config_defaults(list);
    trust_meta m;
    char err[256];
    assert_int_equal(trust_verify(f->pk, text, strlen(text), list, &m, err, sizeof err), LK_OK);
    assert_string_equal(m.region, "Regio Twente");
    const config_issuer *is = config_find_issuer(list, "11BB");
    assert_non_null(is);
    assert_string_equal(is->name, "Het Twents Lyceum");
    assert_string_equal(is->endpoint, "https://lrs.lyceum.example/xAPI");
    assert_int_equal(is->n_keys, 1);
    assert_memory_equal(is->keys[0].pk, f->school_pk, 32);
    assert_true(config_is_revoked(is, "777", 20300101));
    assert_true(config_is_revoked(is, "888", 20270731));
    assert_false(config_is_revoked(is, "888", 20280731));
    assert_int_equal(config_find_issuer(list, "22CC")->n_keys, 2);
    assert_null(config_find_issuer(list, "33DD"));
    config_free(list);
    free(list);
    free(text);
}

/* Any change to the signed bytes, another region's key, or a broken file: refused. */
static void test_tampering_refused(void **state)
{
    fixture *f = *state;
    char *text = make_list(f, 1, "2027-08-01", NULL);
    config *list = malloc(sizeof *list);
    assert_non_null(list);
    char err[256];

    char *forged = strdup(text);
    char *p = strstr(forged, "Regio Twente");
    assert_non_null(p);
    p[6] = 'X'; /* "Regio Xwente" */
    config_defaults(list);
    assert_int_equal(trust_verify(f->pk, forged, strlen(forged), list, NULL, err, sizeof err),
                     LK_ERR_CRYPTO);
    assert_int_equal(list->n_issuers, 0);
    config_free(list);

    unsigned char other_pk[32], other_sk[64];
    crypto_sign_keypair(other_pk, other_sk);
    config_defaults(list);
    assert_int_equal(trust_verify(other_pk, text, strlen(text), list, NULL, err, sizeof err),
                     LK_ERR_CRYPTO);
    config_free(list);

    static const char *const broken[] = {
        "",
        "{",
        "[]",
        "{\"format\":\"lobkiosk-trust-1\"}",
        "{\"format\":\"other\",\"payload\":\"{}\",\"signature\":\"AAAA\"}",
        "{\"format\":\"lobkiosk-trust-1\",\"payload\":\"{}\",\"signature\":\"not base64!\"}",
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        config_defaults(list);
        lk_status st =
            trust_verify(f->pk, broken[i], strlen(broken[i]), list, NULL, err, sizeof err);
        assert_true(st == LK_ERR_INVALID || st == LK_ERR_CRYPTO);
        config_free(list);
    }
    free(list);
    free(forged);
    free(text);
}

/* A correctly signed payload that is not a usable list is refused as a whole. */
static void test_signed_but_malformed(void **state)
{
    fixture *f = *state;
    static const char *const payloads[] = {
        /* no version */
        "{\"region\":\"R\",\"issued\":\"2026-11-29\",\"expires\":\"2027-01-01\",\"issuers\":[]}",
        /* not a calendar date */
        "{\"region\":\"R\",\"version\":1,\"issued\":\"2026-11-29\",\"expires\":\"2027-02-30\","
        "\"issuers\":[]}",
        /* a school twice */
        "{\"region\":\"R\",\"version\":1,\"issued\":\"2026-11-29\",\"expires\":\"2027-01-01\","
        "\"issuers\":[{\"code\":\"11BB\",\"keys\":{\"K1\":\"%s\"}},"
        "{\"code\":\"11BB\",\"keys\":{\"K1\":\"%s\"}}]}",
        /* a plain http endpoint to another machine */
        "{\"region\":\"R\",\"version\":1,\"issued\":\"2026-11-29\",\"expires\":\"2027-01-01\","
        "\"issuers\":[{\"code\":\"11BB\",\"endpoint\":\"http://lrs.example/xAPI\","
        "\"keys\":{\"K1\":\"%s\"}}]}",
        /* a revocation that is not SUBJECT@YYYYMMDD */
        "{\"region\":\"R\",\"version\":1,\"issued\":\"2026-11-29\",\"expires\":\"2027-01-01\","
        "\"issuers\":[{\"code\":\"11BB\",\"revoked\":[\"a b\"],\"keys\":{\"K1\":\"%s\"}}]}",
        /* no keys */
        "{\"region\":\"R\",\"version\":1,\"issued\":\"2026-11-29\",\"expires\":\"2027-01-01\","
        "\"issuers\":[{\"code\":\"11BB\",\"keys\":{}}]}",
        /* a bad issuer code */
        "{\"region\":\"R\",\"version\":1,\"issued\":\"2026-11-29\",\"expires\":\"2027-01-01\","
        "\"issuers\":[{\"code\":\"x\",\"keys\":{\"K1\":\"%s\"}}]}",
    };
    config *list = malloc(sizeof *list);
    assert_non_null(list);
    for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
        char body[1024], sig64[128];
        snprintf(body, sizeof body, payloads[i], f->school64, f->school64);
        unsigned char sig[64];
        crypto_sign_detached(sig, NULL, (const unsigned char *)body, strlen(body), f->sk);
        sodium_bin2base64(sig64, sizeof sig64, sig, 64, sodium_base64_VARIANT_ORIGINAL);
        {
            /* the payload as a JSON string: only quotes need escaping here */
            char esc[2048];
            size_t o = 0;
            for (const char *c = body; *c && o + 2 < sizeof esc; c++) {
                if (*c == '"')
                    esc[o++] = '\\';
                esc[o++] = *c;
            }
            esc[o] = '\0';
            char text[4096];
            snprintf(text, sizeof text,
                     "{\"format\":\"lobkiosk-trust-1\",\"payload\":\"%s\",\"signature\":\"%s\"}",
                     esc, sig64);
            char err[256] = "";
            config_defaults(list);
            assert_int_equal(trust_verify(f->pk, text, strlen(text), list, NULL, err, sizeof err),
                             LK_ERR_INVALID);
            assert_true(err[0] != '\0');
            config_free(list);
        }
    }
    free(list);
}

/* kiosk.ini's own entry for a school wins; the list adds the others. */
static void test_merge_kiosk_ini_wins(void **state)
{
    fixture *f = *state;
    char *text = make_list(f, 1, "2027-08-01", NULL);
    config *list = malloc(sizeof *list);
    assert_non_null(list);
    config_defaults(list);
    assert_int_equal(trust_verify(f->pk, text, strlen(text), list, NULL, NULL, 0), LK_OK);

    config_issuer *own = config_add_issuer(f->cfg, "22CC");
    assert_non_null(own);
    lk_strlcpy(own->name, "ROC Oost (eigen)", sizeof own->name);
    own->n_keys = 1;
    assert_non_null(config_add_issuer(f->cfg, "00AA"));
    size_t added = 9;
    assert_int_equal(trust_merge(f->cfg, list, &added), LK_OK);
    assert_int_equal(added, 1);
    assert_int_equal(f->cfg->n_issuers, 3);
    const config_issuer *kept = config_find_issuer(f->cfg, "22CC");
    assert_string_equal(kept->name, "ROC Oost (eigen)");
    assert_false(kept->from_trust_list);
    const config_issuer *got = config_find_issuer(f->cfg, "11BB");
    assert_non_null(got);
    assert_true(got->from_trust_list);
    assert_true(config_is_revoked(got, "777", 20300101));
    /* sorted by code after the merge */
    assert_string_equal(f->cfg->issuers[0].code, "00AA");
    assert_string_equal(f->cfg->issuers[2].code, "22CC");
    config_free(list);
    free(list);
    free(text);
}

/* Versions only go forward; the same version is a no-op; expired lists are refused. */
static void test_install_versions_and_expiry(void **state)
{
    fixture *f = *state;
    char err[256];
    trust_meta m;
    assert_int_equal(trust_apply_installed(f->cfg, TODAY, &m, err, sizeof err), LK_ERR_NOT_FOUND);
    char *v2 = make_list(f, 2, "2027-08-01", NULL);
    char *v1 = make_list(f, 1, "2027-08-01", NULL);
    char *v3 = make_list(f, 3, "2027-08-01", NULL);
    char *gone = make_list(f, 9, "2026-11-28", NULL);
    assert_int_equal(trust_install(f->cfg, v2, strlen(v2), TODAY, &m, err, sizeof err), LK_OK);
    assert_int_equal(m.version, 2);
    struct stat sb;
    assert_int_equal(stat(f->cfg->trust.file, &sb), 0);
    assert_int_equal(trust_install(f->cfg, v2, strlen(v2), TODAY, &m, err, sizeof err),
                     LK_ERR_EXISTS);
    assert_int_equal(trust_install(f->cfg, v1, strlen(v1), TODAY, &m, err, sizeof err),
                     LK_ERR_STALE);
    assert_non_null(strstr(err, "older"));
    assert_int_equal(trust_install(f->cfg, gone, strlen(gone), TODAY, &m, err, sizeof err),
                     LK_ERR_STALE);
    assert_non_null(strstr(err, "expired"));
    assert_int_equal(trust_install(f->cfg, v3, strlen(v3), TODAY, &m, err, sizeof err), LK_OK);
    assert_int_equal(trust_apply_installed(f->cfg, TODAY, &m, err, sizeof err), LK_OK);
    assert_int_equal(m.version, 3);
    assert_non_null(config_find_issuer(f->cfg, "11BB"));
    free(v1);
    free(v2);
    free(v3);
    free(gone);
}

/* An installed list that has expired since is not used at all. */
static void test_expired_installed_list_not_applied(void **state)
{
    fixture *f = *state;
    char *text = make_list(f, 4, "2026-12-31", NULL);
    char err[256];
    assert_int_equal(trust_install(f->cfg, text, strlen(text), TODAY, NULL, err, sizeof err),
                     LK_OK);
    assert_int_equal(trust_apply_installed(f->cfg, 20270101, NULL, err, sizeof err), LK_ERR_STALE);
    assert_non_null(strstr(err, "expired on 2026-12-31"));
    assert_int_equal(f->cfg->n_issuers, 0);
    assert_int_equal(trust_apply_installed(f->cfg, 20261231, NULL, err, sizeof err), LK_OK);
    assert_int_equal(f->cfg->n_issuers, 2);
    free(text);
}

/* A region: 500 schools and 50,000 revocations, every school found by code and
 * every revocation by subject (O(log n) each; a bench measures the time). */
static void test_region_scale(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/region.ini", f->dir);
    FILE *ini = fopen(path, "w");
    assert_non_null(ini);
    fprintf(ini, "[list]\nname = Regio\nversion = 1\nexpires = 2027-08-01\n");
    for (int s = 0; s < 500; s++) {
        fprintf(ini, "[issuer.%04dR]\nname = School %d\nkey.K1 = %s\n", s, s, f->school64);
        for (int r = 0; r < 100; r += 10) {
            fprintf(ini, "revoked = ");
            for (int k = r; k < r + 10; k++)
                fprintf(ini, "%s%d", k > r ? ", " : "", s * 1000 + k);
            fprintf(ini, "\n");
        }
    }
    fclose(ini);
    char *text = NULL, err[256] = "";
    trust_meta m;
    assert_int_equal(trust_make(f->sk, path, TODAY, &text, &m, err, sizeof err), LK_OK);
    assert_int_equal(m.n_issuers, 500);
    assert_int_equal(m.n_revoked, 50000);
    assert_int_equal(trust_install(f->cfg, text, strlen(text), TODAY, NULL, err, sizeof err),
                     LK_OK);
    assert_int_equal(trust_apply_installed(f->cfg, TODAY, NULL, err, sizeof err), LK_OK);
    assert_int_equal(f->cfg->n_issuers, 500);
    for (int s = 0; s < 500; s++) {
        char code[8], subject[16];
        snprintf(code, sizeof code, "%04dR", s);
        const config_issuer *is = config_find_issuer(f->cfg, code);
        assert_non_null(is);
        snprintf(subject, sizeof subject, "%d", s * 1000 + 99);
        assert_true(config_is_revoked(is, subject, 20270101));
        snprintf(subject, sizeof subject, "%d", s * 1000 + 100);
        assert_false(config_is_revoked(is, subject, 20270101));
    }
    free(text);
}

static void test_days_between(void **state)
{
    (void)state;
    assert_int_equal(trust_days_between(20261129, 20261129), 0);
    assert_int_equal(trust_days_between(20261129, 20270128), 60);
    assert_int_equal(trust_days_between(20240228, 20240301), 2); /* a leap year */
    assert_int_equal(trust_days_between(20270101, 20261231), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampering_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signed_but_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_kiosk_ini_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_install_versions_and_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expired_installed_list_not_applied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_region_scale, setup, teardown),
        cmocka_unit_test(test_days_between),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
