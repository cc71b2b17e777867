/* lobkiosk trust: a region's signed list of schools. `make` signs one from a
 * schools.ini with the region's key; `import` installs one on a kiosk (checked:
 * signature, expiry, never an older version); `status` says what is installed.
 * cli_config_load is how every command loads kiosk.ini with the list applied. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "lobkiosk/pass.h"
#include "lobkiosk/sync.h"
#include "lobkiosk/trust.h"
#include "lobkiosk/util.h"

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "lobkiosk trust: %s\n", why);
    fprintf(stderr,
            "usage: lobkiosk trust make --key REGION.key --in schools.ini --out trust.json\n"
            "       lobkiosk --config FILE trust import trust.json\n"
            "       lobkiosk --config FILE trust update\n"
            "       lobkiosk --config FILE trust status\n");
    return CLI_EXIT_USAGE;
}

static void print_meta(FILE *f, const trust_meta *m)
{
    fprintf(f,
            "region: %s\nversion: %ld\nissued: %04d-%02d-%02d\nexpires: %04d-%02d-%02d\n"
            "schools: %zu\nrevoked passes: %zu\n",
            m->region, m->version, m->issued / 10000, m->issued / 100 % 100, m->issued % 100,
            m->expires / 10000, m->expires / 100 % 100, m->expires % 100, m->n_issuers,
            m->n_revoked);
}

int cli_config_load(config *cfg, const char *path, const char *who)
{
    char err[CONFIG_ERR_MAX];
    if (config_load(cfg, path, err, sizeof err) != LK_OK) {
        fprintf(stderr, "lobkiosk: %s\n", err);
        return CLI_EXIT_ERROR;
    }
    int today = lk_local_yyyymmdd(lk_now_ms());
    trust_meta m;
    lk_status st = trust_apply_installed(cfg, today, &m, err, sizeof err);
    if (st == LK_OK) {
        long age = trust_days_between(m.issued, today);
        if (age > cfg->trust.max_age_days)
            fprintf(stderr,
                    "lobkiosk%s%s: warning: the region's trust list (version %ld) is %ld days "
                    "old; import a newer one (max_age_days = %d)\n",
                    who ? " " : "", who ? who : "", m.version, age, cfg->trust.max_age_days);
    } else if (st != LK_ERR_NOT_FOUND) {
        fprintf(stderr,
                "lobkiosk%s%s: warning: trust list not used, only kiosk.ini's issuers are "
                "trusted: %s\n",
                who ? " " : "", who ? who : "", err);
    }
    return CLI_EXIT_OK;
}

static int trust_make_cmd(int argc, char **argv)
{
    const char *key_file = NULL, *in = NULL, *out = NULL;
    for (int i = 0; i < argc; i++) {
        const char **slot = NULL;
        if (!strcmp(argv[i], "--key"))
            slot = &key_file;
        else if (!strcmp(argv[i], "--in"))
            slot = &in;
        else if (!strcmp(argv[i], "--out"))
            slot = &out;
        if (!slot || i + 1 >= argc)
            return usage(slot ? "an option needs a value" : "unknown argument");
        *slot = argv[++i];
    }
    if (!key_file || !in || !out)
        return usage("make needs --key, --in and --out");
    pass_key key;
    lk_status st = pass_key_load(key_file, &key);
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk trust: %s: cannot use this key file (%s)\n", key_file,
                st == LK_ERR_PERMISSION ? "readable by others: chmod 600" : lk_strerror(st));
        return CLI_EXIT_ERROR;
    }
    char err[512], *text = NULL;
    trust_meta m;
    st = trust_make(key.sk, in, lk_local_yyyymmdd(lk_now_ms()), &text, &m, err, sizeof err);
    char pk64[64];
    pass_pubkey_base64(key.pk, pk64, sizeof pk64);
    sodium_memzero(&key, sizeof key);
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk trust: %s\n", err);
        return CLI_EXIT_ERROR;
    }
    st = lk_write_file(out, text, strlen(text), 0644, false);
    free(text);
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk trust: %s: cannot write (%s)\n", out, lk_strerror(st));
        return CLI_EXIT_ERROR;
    }
    fprintf(stderr, "lobkiosk trust: wrote %s\n", out);
    print_meta(stderr, &m);
    fprintf(stderr, "Every kiosk of the region trusts it with these lines in kiosk.ini:\n");
    printf("[trust]\nregion_key = %s\n", pk64);
    return CLI_EXIT_OK;
}

static int trust_import_cmd(const config *cfg, int argc, char **argv)
{
    if (argc != 1)
        return usage("import needs one file");
    char *text = NULL;
    size_t len = 0;
    lk_status st = lk_read_file(argv[0], &text, &len);
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk trust: %s: cannot read (%s)\n", argv[0], lk_strerror(st));
        return CLI_EXIT_ERROR;
    }
    char err[512];
    trust_meta m;
    st = trust_install(cfg, text, len, lk_local_yyyymmdd(lk_now_ms()), &m, err, sizeof err);
    free(text);
    if (st == LK_ERR_EXISTS) {
        printf("lobkiosk trust: %s\n", err);
        return CLI_EXIT_OK;
    }
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk trust: %s: not imported: %s\n", argv[0], err);
        return st == LK_ERR_STALE || st == LK_ERR_CRYPTO || st == LK_ERR_INVALID ? CLI_EXIT_REFUSED
                                                                                 : CLI_EXIT_ERROR;
    }
    printf("lobkiosk trust: imported into %s\n", cfg->trust.file);
    print_meta(stdout, &m);
    return CLI_EXIT_OK;
}

static int trust_update_cmd(const config *cfg)
{
    char err[512] = "";
    trust_meta m;
    lk_status st = sync_trust_update(cfg, &m, err, sizeof err);
    if (st == LK_ERR_EXISTS) {
        printf("lobkiosk trust: no newer list at %s (%s)\n", cfg->trust.url, err);
        return CLI_EXIT_OK;
    }
    if (st == LK_ERR_UNSUPPORTED) {
        fprintf(stderr, "lobkiosk trust: set url in [trust] first\n");
        return CLI_EXIT_ERROR;
    }
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk trust: %s: not updated: %s\n", cfg->trust.url, err);
        return st == LK_ERR_STALE || st == LK_ERR_CRYPTO || st == LK_ERR_INVALID
                   ? CLI_EXIT_REFUSED
                   : CLI_EXIT_ERROR;
    }
    printf("lobkiosk trust: downloaded and imported into %s\n", cfg->trust.file);
    print_meta(stdout, &m);
    return CLI_EXIT_OK;
}

static int trust_status_cmd(const config *cfg)
{
    char err[512] = "";
    trust_meta m;
    int today = lk_local_yyyymmdd(lk_now_ms());
    lk_status st = trust_installed_meta(cfg, today, &m, err, sizeof err);
    if (st != LK_OK) {
        printf("trust list: %s\n", err);
        return st == LK_ERR_NOT_FOUND ? CLI_EXIT_OK : CLI_EXIT_REFUSED;
    }
    printf("trust list: %s\n", cfg->trust.file);
    print_meta(stdout, &m);
    long age = trust_days_between(m.issued, today);
    printf("age: %ld days%s\n", age,
           age > cfg->trust.max_age_days ? " (older than max_age_days: import a newer one)" : "");
    return CLI_EXIT_OK;
}

int cmd_trust(const cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 1)
        return usage("make, import, update or status?");
    if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
        usage(NULL);
        return CLI_EXIT_OK;
    }
    if (!strcmp(argv[0], "make"))
        return trust_make_cmd(argc - 1, argv + 1);
    if (strcmp(argv[0], "import") && strcmp(argv[0], "status") && strcmp(argv[0], "update"))
        return usage("make, import, update or status?");
    if (!ctx->config_path)
        return usage("import, update and status need --config FILE");
    config *cfg = malloc(sizeof *cfg);
    if (!cfg)
        return CLI_EXIT_ERROR;
    char err[CONFIG_ERR_MAX];
    int rc;
    if (config_load(cfg, ctx->config_path, err, sizeof err) != LK_OK) {
        fprintf(stderr, "lobkiosk: %s\n", err);
        rc = CLI_EXIT_ERROR;
    } else if (!cfg->trust.has_region_key) {
        fprintf(stderr, "lobkiosk trust: set region_key in [trust] of %s first\n",
                ctx->config_path);
        rc = CLI_EXIT_ERROR;
    } else if (!strcmp(argv[0], "import")) {
        rc = trust_import_cmd(cfg, argc - 1, argv + 1);
    } else if (!strcmp(argv[0], "update")) {
        rc = argc == 1 ? trust_update_cmd(cfg) : usage("update takes no arguments");
    } else {
        rc = argc == 1 ? trust_status_cmd(cfg) : usage("status takes no arguments");
    }
    config_free(cfg);
    free(cfg);
    return rc;
}
