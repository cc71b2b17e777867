/* lobkiosk report [--csv] [--event ID]: counts of practical experiences per event,
 * per kind, per student (subject) and answers per competency, from this kiosk's
 * database. Never prints a first name. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lobkiosk/report.h"
#include "lobkiosk/store.h"

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "lobkiosk report: %s\n", why);
    fprintf(stderr, "usage: lobkiosk --config FILE report [--csv] [--event ID]\n");
    return CLI_EXIT_USAGE;
}

int cmd_report(const cli_ctx *ctx, int argc, char **argv)
{
    if (!ctx->cfg)
        return usage("needs --config FILE");
    report_format fmt = REPORT_TEXT;
    const char *event_id = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--csv") == 0)
            fmt = REPORT_CSV;
        else if (strcmp(argv[i], "--event") == 0 && i + 1 < argc)
            event_id = argv[++i];
        else
            return usage("unknown argument");
    }
    if (event_id && !config_find_event(ctx->cfg, event_id))
        fprintf(stderr, "lobkiosk report: note: event '%s' is not in kiosk.ini\n", event_id);

    char path[CONFIG_PATH_MAX + 32];
    lk_status ls = store_path(ctx->cfg, path, sizeof path);
    store *st = NULL;
    char err[256] = "";
    if (ls == LK_OK)
        ls = store_open(path, &st, err, sizeof err);
    /* Titles and kinds come from kiosk.ini as it is now. */
    if (ls == LK_OK)
        ls = store_sync_events(st, ctx->cfg);
    if (ls == LK_OK)
        ls = report_write(st, event_id, fmt, stdout);
    store_close(st);
    if (ls != LK_OK) {
        fprintf(stderr, "lobkiosk report: %s %s\n", lk_strerror(ls), err);
        return CLI_EXIT_ERROR;
    }
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}
