/* lobkiosk passes: a whole class's passes at once. Reads the school's roster (as
 * `roster import` does, every encoding), signs one pass per student with the
 * issuer key and writes A4 sheets of cards to cut (PDF), and optionally one PNG per
 * student for a phone. First names go on the cards only, never into a QR code. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "cli/cli.h"
#include "lobkiosk/i18n.h"
#include "lobkiosk/pass.h"
#include "lobkiosk/print.h"
#include "lobkiosk/roster.h"
#include "lobkiosk/util.h"

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "lobkiosk passes: %s\n", why);
    fprintf(stderr,
            "usage: lobkiosk [--config FILE] passes --key FILE --roster FILE.csv "
            "--expires YYYY-MM-DD --out FILE.pdf\n"
            "         [--png-dir DIR] [--role S|H] [--school NAME]\n"
            "  the roster as for 'roster import'; S student passes (default), H host passes;\n"
            "  the school's name from --school, else from kiosk.ini, else the issuer code\n");
    return CLI_EXIT_USAGE;
}

/* Cards go out by group, then first name, so a mentor hands out one class's pages. */
static int by_group_name(const void *a, const void *b)
{
    const roster_row *x = a, *y = b;
    int c = strcmp(x->person.group, y->person.group);
    if (c == 0)
        c = strcmp(x->person.first_name, y->person.first_name);
    if (c == 0)
        c = (x->line > y->line) - (x->line < y->line);
    return c;
}

typedef struct opts {
    const char *key, *roster, *expires, *out, *png_dir, *role, *school;
} opts;

static int parse_args(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char **slot = NULL;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(NULL);
            return CLI_EXIT_OK;
        }
        if (strcmp(argv[i], "--key") == 0)
            slot = &o->key;
        else if (strcmp(argv[i], "--roster") == 0)
            slot = &o->roster;
        else if (strcmp(argv[i], "--expires") == 0)
            slot = &o->expires;
        else if (strcmp(argv[i], "--out") == 0)
            slot = &o->out;
        else if (strcmp(argv[i], "--png-dir") == 0)
            slot = &o->png_dir;
        else if (strcmp(argv[i], "--role") == 0)
            slot = &o->role;
        else if (strcmp(argv[i], "--school") == 0)
            slot = &o->school;
        if (!slot) {
            fprintf(stderr, "lobkiosk passes: unknown argument '%s'\n", argv[i]);
            return usage(NULL);
        }
        if (i + 1 >= argc || !*argv[i + 1]) {
            fprintf(stderr, "lobkiosk passes: %s needs a value\n", argv[i]);
            return usage(NULL);
        }
        *slot = argv[++i];
    }
    if (!o->key || !o->roster || !o->expires || !o->out)
        return usage("--key, --roster, --expires and --out are required");
    if (!o->role)
        o->role = "S";
    if (strcmp(o->role, "S") != 0 && strcmp(o->role, "H") != 0)
        return usage("--role must be S (student) or H (host); admin passes one at a time with "
                     "'lobkiosk pass'");
    return -1;
}

static int load_key(const char *path, pass_key *key)
{
    lk_status st = pass_key_load(path, key);
    if (st == LK_OK)
        return CLI_EXIT_OK;
    if (st == LK_ERR_PERMISSION)
        fprintf(stderr, "lobkiosk passes: %s can be read by others; chmod 600 %s\n", path, path);
    else if (st == LK_ERR_NOT_FOUND)
        fprintf(stderr, "lobkiosk passes: %s: no such key file\n", path);
    else
        fprintf(stderr, "lobkiosk passes: %s is not a key file written by 'lobkiosk keygen' (%s)\n",
                path, lk_strerror(st));
    return CLI_EXIT_ERROR;
}

int cmd_passes(const cli_ctx *ctx, int argc, char **argv)
{
    opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    int exp = 0;
    if (!pass_parse_date(o.expires, &exp))
        return usage("--expires must be a real date written YYYY-MM-DD, e.g. 2027-07-31");
    if (exp < lk_local_yyyymmdd(lk_now_ms()))
        fprintf(stderr,
                "lobkiosk passes: warning: %s is in the past; kiosks will refuse these "
                "passes as expired\n",
                o.expires);

    config *cfg = calloc(1, sizeof *cfg);
    pass_key key;
    roster_row *rows = NULL;
    size_t n = 0;
    print_card *cards = NULL;
    char(*payloads)[LK_PASS_MAX_LEN + 1] = NULL;
    i18n *tr = NULL;
    rc = CLI_EXIT_ERROR;
    if (!cfg) {
        fprintf(stderr, "lobkiosk passes: out of memory\n");
        return CLI_EXIT_ERROR;
    }
    char err[CONFIG_ERR_MAX] = "";
    if (ctx->config_path) {
        if (config_load(cfg, ctx->config_path, err, sizeof err) != LK_OK) {
            fprintf(stderr, "lobkiosk: %s\n", err);
            config_free(cfg);
            free(cfg);
            return CLI_EXIT_ERROR;
        }
    } else {
        config_defaults(cfg);
        config_default_assets(cfg);
    }
    if (load_key(o.key, &key) != CLI_EXIT_OK) {
        config_free(cfg);
        free(cfg);
        return CLI_EXIT_ERROR;
    }

    roster_stats stats;
    lk_status ls = roster_read_file(o.roster, key.issuer, stderr, &rows, &n, &stats);
    if (ls != LK_OK) {
        fprintf(stderr, "lobkiosk passes: no passes made (%s)\n", lk_strerror(ls));
        goto out;
    }
    /* A key signs for its own issuer only. */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].person.issuer, key.issuer) != 0) {
            fprintf(stderr, "line %ld: issuer %s, but the key is %s's, skipped\n", rows[i].line,
                    rows[i].person.issuer, key.issuer);
            stats.skipped++;
            continue;
        }
        rows[kept++] = rows[i];
    }
    n = kept;
    if (n == 0) {
        fprintf(stderr, "lobkiosk passes: the roster has no students to make passes for\n");
        goto out;
    }
    qsort(rows, n, sizeof *rows, by_group_name);

    tr = i18n_create();
    if (!tr || i18n_load_dir(tr, cfg->assets_dir, err, sizeof err) != LK_OK) {
        fprintf(stderr, "lobkiosk passes: cannot load the texts: %s\n", err);
        goto out;
    }
    const char *school = o.school;
    const config_issuer *iss = ctx->config_path ? config_find_issuer(cfg, key.issuer) : NULL;
    if (!school && iss && iss->name[0])
        school = iss->name;
    if (!school)
        school = key.issuer;

    cards = calloc(n, sizeof *cards);
    payloads = calloc(n, sizeof *payloads);
    if (!cards || !payloads) {
        fprintf(stderr, "lobkiosk passes: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const store_person *p = &rows[i].person;
        ls =
            pass_sign(&key, (pass_role)o.role[0], p->subject, exp, payloads[i], sizeof payloads[i]);
        if (ls != LK_OK) {
            fprintf(stderr, "line %ld: cannot sign: %s\n", rows[i].line, lk_strerror(ls));
            goto out;
        }
        cards[i] = (print_card){.payload = payloads[i],
                                .first_name = p->first_name,
                                .group = p->group,
                                .subject = p->subject};
    }
    print_sheet sh = {.school = school, .role = o.role[0], .expires = exp, .tr = tr};
    ls = print_pass_pdf(o.out, &sh, cards, n, err, sizeof err);
    if (ls != LK_OK) {
        fprintf(stderr, "lobkiosk passes: cannot write %s: %s\n", o.out, err);
        goto out;
    }
    if (o.png_dir) {
        if (mkdir(o.png_dir, 0700) != 0 && errno != EEXIST) {
            fprintf(stderr, "lobkiosk passes: cannot create %s: %s\n", o.png_dir, strerror(errno));
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            char path[4096];
            /* Named by subject: a file name is no place for a child's name. */
            if (snprintf(path, sizeof path, "%s/%s-%s.png", o.png_dir, key.issuer,
                         cards[i].subject) >= (int)sizeof path) {
                fprintf(stderr, "lobkiosk passes: --png-dir is too long\n");
                goto out;
            }
            ls = print_pass_png(path, &sh, &cards[i], err, sizeof err);
            if (ls != LK_OK) {
                fprintf(stderr, "lobkiosk passes: cannot write %s: %s\n", path, err);
                goto out;
            }
        }
    }
    size_t pages = 0;
    for (size_t i = 0, slot = 0; i < n; i++, slot++) {
        if (i == 0 || slot == PRINT_COLS * PRINT_ROWS ||
            strcmp(cards[i].group, cards[i - 1].group) != 0) {
            pages++;
            slot = 0;
        }
    }
    printf("%zu passes on %zu pages in %s%s%s; %zu rows skipped\n", n, pages, o.out,
           o.png_dir ? ", PNGs in " : "", o.png_dir ? o.png_dir : "", stats.skipped);
    rc = CLI_EXIT_OK;
out:
    sodium_memzero(&key, sizeof key);
    if (payloads)
        sodium_memzero(payloads, n * sizeof *payloads);
    free(payloads);
    free(cards);
    free(rows);
    i18n_destroy(tr);
    config_free(cfg);
    free(cfg);
    return rc;
}
