/* lobkiosk checkin PAYLOAD: what the kiosk does on a scan, without a screen.
 * Prints the outcome token (and the reason token of a refusal) on the first line,
 * pseudonymous details on the second; never a first name. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lobkiosk/checkin.h"
#include "lobkiosk/store.h"
#include "lobkiosk/util.h"

/* Opens the kiosk's store and mirrors the configured events into it. */
static lk_status open_store(const config *cfg, store **out)
{
    char path[CONFIG_PATH_MAX + 32];
    lk_status ls = store_path(cfg, path, sizeof path);
    if (ls != LK_OK)
        return ls;
    char err[256];
    ls = store_open(path, out, err, sizeof err);
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
    if (argc != 1 || !ctx->cfg) {
        fprintf(stderr, "usage: lobkiosk --config FILE checkin PAYLOAD\n");
        return CLI_EXIT_USAGE;
    }
    store *st = NULL;
    lk_status ls = open_store(ctx->cfg, &st);
    if (ls != LK_OK) {
        fprintf(stderr, "lobkiosk: checkin: %s\n", lk_strerror(ls));
        return CLI_EXIT_ERROR;
    }
    checkin_result r;
    ls = checkin_scan(st, ctx->cfg, NULL, argv[0], lk_now_ms(), &r);
    store_close(st);
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
