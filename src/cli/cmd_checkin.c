/* lobkiosk checkin PAYLOAD: what the kiosk does on a scan, without a screen.
 * lobkiosk checkin --manual --subject ID [--issuer CODE]: the admin screen's check-in
 * by hand of a roster student who forgot the pass.
 * Prints the outcome token (and the reason token of a refusal) on the first line,
 * pseudonymous details on the second; never a first name. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lobkiosk/checkin.h"
#include "lobkiosk/roster.h"
#include "lobkiosk/store.h"
#include "lobkiosk/util.h"

/* Opens the kiosk's store and mirrors the configured events into it. */
static lk_status open_store(const config *cfg, store **out)
{
    char err[256] = "";
    lk_status ls = store_open_config(cfg, out, err, sizeof err);
    if (ls != LK_OK) {
        fprintf(stderr, "lobkiosk: cannot open the database: %s\n", err);
        return ls;
    }
    ls = store_sync_events(*out, cfg);
    if (ls != LK_OK) {
        store_close(*out);
        *out = NULL;
    }
    return ls;
}

static void print_details(const checkin_result *r)
{
    char in[40] = "", out[40] = "";
    if (r->exp.checkin_ms)
        lk_format_iso8601(r->exp.checkin_ms, in, sizeof in);
    if (r->exp.checkout_ms)
        lk_format_iso8601(r->exp.checkout_ms, out, sizeof out);
    switch (r->outcome) {
    case CHECKIN_CHECKED_IN:
    case CHECKIN_ALREADY:
    case CHECKIN_CONFIRM_CHECKOUT: /* only the kiosk asks; the command line checks out */
        printf("event=%s issuer=%s subject=%s checkin=%s\n", r->exp.event_id, r->exp.issuer,
               r->exp.subject, in);
        break;
    case CHECKIN_CHECKED_OUT:
    case CHECKIN_ALREADY_OUT:
        printf("event=%s issuer=%s subject=%s checkin=%s checkout=%s minutes=%lld\n",
               r->exp.event_id, r->exp.issuer, r->exp.subject, in, out,
               (long long)(r->duration_ms / 60000));
        break;
    case CHECKIN_HOST:
    case CHECKIN_ADMIN:
        printf("issuer=%s subject=%s\n", r->who.issuer, r->who.subject);
        break;
    case CHECKIN_REFUSED:
    case CHECKIN_IGNORED:
        break;
    }
}

int cmd_checkin(const cli_ctx *ctx, int argc, char **argv)
{
    const char *subject = NULL, *issuer = NULL;
    bool manual = argc >= 1 && strcmp(argv[0], "--manual") == 0;
    for (int i = 1; manual && i < argc; i++) {
        if (strcmp(argv[i], "--subject") == 0 && i + 1 < argc)
            subject = argv[++i];
        else if (strcmp(argv[i], "--issuer") == 0 && i + 1 < argc)
            issuer = argv[++i];
        else
            subject = NULL, i = argc; /* a wrong argument: usage below */
    }
    if (!ctx->cfg || (manual ? !subject : argc != 1)) {
        fprintf(stderr, "usage: lobkiosk --config FILE checkin PAYLOAD\n"
                        "       lobkiosk --config FILE checkin --manual --subject ID "
                        "[--issuer CODE]\n");
        return CLI_EXIT_USAGE;
    }
    char def[LK_ISSUER_MAX + 1] = "";
    if (manual && !issuer) {
        /* The only trusted issuer, as roster import takes it. */
        if (roster_default_issuer(ctx->cfg, def, sizeof def) != LK_OK) {
            fprintf(stderr, "lobkiosk: checkin --manual: give --issuer CODE\n");
            return CLI_EXIT_USAGE;
        }
        issuer = def;
    }
    store *st = NULL;
    lk_status ls = open_store(ctx->cfg, &st);
    if (ls != LK_OK) {
        fprintf(stderr, "lobkiosk: checkin: %s\n", lk_strerror(ls));
        return CLI_EXIT_ERROR;
    }
    checkin_result r;
    if (manual)
        ls = checkin_manual(st, ctx->cfg, issuer, subject, lk_now_ms(), &r);
    else
        ls = checkin_scan(st, ctx->cfg, NULL, argv[0], lk_now_ms(), &r);
    store_close(st);
    if (ls == LK_ERR_NOT_FOUND && manual) {
        fprintf(stderr, "lobkiosk: checkin: %s %s is not on the roster\n", issuer, subject);
        return CLI_EXIT_REFUSED;
    }
    if (ls != LK_OK) {
        /* Nothing was confirmed: the kiosk would not say welcome either. */
        fprintf(stderr, "lobkiosk: checkin: %s\n", lk_strerror(ls));
        return CLI_EXIT_ERROR;
    }
    if (r.outcome == CHECKIN_REFUSED) {
        printf("refused %s\n", lk_reason_token(r.reason));
        return CLI_EXIT_REFUSED;
    }
    printf("%s\n", checkin_outcome_token(r.outcome));
    print_details(&r);
    return CLI_EXIT_OK;
}
