/* lobkiosk sync --once | --status: one sync pass from the command line, or the
 * outbox figures and every quarantined statement with the LRS's reason.
 * Output is for admins (English); exit 0 when the queue was emptied. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lobkiosk/store.h"
#include "lobkiosk/sync.h"
#include "lobkiosk/util.h"

static void print_quarantined(const char *uuid, const char *kind, const char *message,
                              void *user)
{
    (void)user;
    printf("quarantined %s %s %s\n", uuid ? uuid : "", kind ? kind : "",
           message ? message : "");
}

static int show_status(const config *cfg)
{
    char path[CONFIG_PATH_MAX + 64];
    char err[256] = "";
    store *s = NULL;
    if (store_path(cfg, path, sizeof path) != LK_OK ||
        store_open(path, &s, err, sizeof err) != LK_OK) {
        fprintf(stderr, "lobkiosk: cannot open the store: %s\n", err);
        return CLI_EXIT_ERROR;
    }
    store_outbox_stats ss;
    int rc = CLI_EXIT_OK;
    if (store_outbox_stats_get(s, &ss) != LK_OK) {
        fprintf(stderr, "lobkiosk: cannot read the outbox\n");
        rc = CLI_EXIT_ERROR;
        goto out;
    }
    char last[40] = "never";
    if (ss.last_sent_ms > 0)
        lk_format_iso8601(ss.last_sent_ms, last, sizeof last);
    printf("endpoint %s\n", cfg->sync.endpoint[0] ? cfg->sync.endpoint : "(off)");
    printf("queued %lld\nsent %lld\nquarantined %lld\nlast_sync %s\n", (long long)ss.queued,
           (long long)ss.sent, (long long)ss.quarantined, last);
    if (store_outbox_each_quarantined(s, print_quarantined, NULL) != LK_OK)
        rc = CLI_EXIT_ERROR;
out:
    store_close(s);
    return rc;
}

int cmd_sync(const cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 1 || (strcmp(argv[0], "--once") != 0 && strcmp(argv[0], "--status") != 0)) {
        fprintf(stderr, "usage: lobkiosk --config FILE sync --once | --status\n");
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[0], "--status") == 0)
        return show_status(ctx->cfg);
    sync_report rep;
    int64_t t0 = lk_mono_ms();
    lk_status st = sync_once(ctx->cfg, &rep);
    int64_t ms = lk_mono_ms() - t0;
    printf("sent %zu\nquarantined %zu\nrequests %zu\nstate %s\nseconds %.3f\n", rep.sent,
           rep.quarantined, rep.requests, sync_state_token(rep.state), (double)ms / 1000.0);
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk: sync stopped (%s): %s\n", lk_strerror(st), rep.message);
        return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_OK;
}
