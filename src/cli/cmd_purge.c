/* lobkiosk purge [--older-than DAYS]: retention (AVG art. 5(1)(e), storage
 * limitation). Deletes statements the LRS accepted more than DAYS ago and roster
 * rows (first names) not re-imported for DAYS; keeps queued and quarantined
 * statements and every experience and answer. DAYS defaults to [kiosk]
 * retention_days. store_purge is the same clean-up for the kiosk to call daily. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lobkiosk/store.h"
#include "lobkiosk/util.h"

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "lobkiosk purge: %s\n", why);
    fprintf(stderr, "usage: lobkiosk --config FILE purge [--older-than DAYS]\n");
    return CLI_EXIT_USAGE;
}

int cmd_purge(const cli_ctx *ctx, int argc, char **argv)
{
    if (!ctx->cfg)
        return usage("needs --config FILE");
    long days = ctx->cfg->retention_days;
    int given = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--older-than") == 0 && i + 1 < argc) {
            if (lk_parse_long(argv[++i], 1, 3650, &days) != LK_OK)
                return usage("--older-than must be 1..3650 days");
            given = 1;
        } else {
            return usage("unknown argument");
        }
    }
    if (!given && days <= 0)
        return usage("no period: give --older-than DAYS or set [kiosk] retention_days");

    store *st = NULL;
    char err[256] = "";
    lk_status ls = store_open_config(ctx->cfg, &st, err, sizeof err);
    store_purge_stats ps;
    memset(&ps, 0, sizeof ps);
    if (ls == LK_OK)
        ls = store_purge(st, (int64_t)days * STORE_DAY_MS, &ps);
    store_close(st);
    if (ls == LK_ERR_CLOCK) {
        fprintf(stderr, "lobkiosk purge: %s\n", ps.refused);
        return CLI_EXIT_REFUSED;
    }
    if (ls != LK_OK) {
        fprintf(stderr, "lobkiosk purge: %s %s; nothing was removed\n", lk_strerror(ls), err);
        return CLI_EXIT_ERROR;
    }
    printf("purged: %lld sent %s, %lld roster %s older than %ld %s%s\n",
           (long long)ps.statements, ps.statements == 1 ? "statement" : "statements",
           (long long)ps.roster, ps.roster == 1 ? "row" : "rows", days, days == 1 ? "day" : "days",
           ps.vacuumed ? "; file rewritten" : "");
    if (!ps.checkpointed)
        fprintf(stderr, "lobkiosk purge: note: the write-ahead log could not be emptied now"
                        " (the kiosk is using it); it is emptied on the next purge\n");
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}
