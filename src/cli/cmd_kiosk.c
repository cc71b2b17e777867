/* lobkiosk --config FILE (no subcommand): runs the kiosk. Window size and the
 * test hooks come from the environment so main.c stays simple:
 * LOBKIOSK_SIZE=WxH (a window of that size instead of fullscreen),
 * LOBKIOSK_SCRIPT=FILE (scripted input, see docs/kiosk.md), LOBKIOSK_LATENCY=1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lobkiosk/util.h"
#include "ui/kiosk.h"

/* Parses "WxH" into *w and *h. */
static bool parse_size(const char *s, int *w, int *h)
{
    char buf[32];
    if (!s || !lk_strlcpy(buf, s, sizeof buf))
        return false;
    char *x = strchr(buf, 'x');
    if (!x)
        return false;
    *x = '\0';
    long lw, lh;
    if (lk_parse_long(buf, 200, 8000, &lw) != LK_OK || lk_parse_long(x + 1, 200, 8000, &lh) != LK_OK)
        return false;
    *w = (int)lw;
    *h = (int)lh;
    return true;
}

int cmd_kiosk(const cli_ctx *ctx, int argc, char **argv)
{
    kiosk_options opt = {0};
    const char *size = getenv("LOBKIOSK_SIZE");
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
            size = argv[++i];
        else if (strcmp(argv[i], "--script") == 0 && i + 1 < argc)
            opt.script = argv[++i];
        else {
            fprintf(stderr, "lobkiosk: unknown kiosk option '%s'\n", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    if (size && size[0] && !parse_size(size, &opt.width, &opt.height)) {
        fprintf(stderr, "lobkiosk: LOBKIOSK_SIZE must be WxH, e.g. 800x480\n");
        return CLI_EXIT_USAGE;
    }
    if (!opt.script) {
        const char *s = getenv("LOBKIOSK_SCRIPT");
        if (s && s[0])
            opt.script = s;
    }
    const char *lat = getenv("LOBKIOSK_LATENCY");
    opt.latency = lat && strcmp(lat, "1") == 0;
    const char *nt = getenv("LOBKIOSK_NO_THREADS");
    opt.no_threads = nt && strcmp(nt, "1") == 0;
    if (!ctx || !ctx->cfg) {
        fprintf(stderr, "lobkiosk: --config FILE is required\n");
        return CLI_EXIT_USAGE;
    }
    int rc = kiosk_run(ctx->cfg, &opt);
    return rc == 0 ? CLI_EXIT_OK : rc == 1 ? CLI_EXIT_REFUSED : CLI_EXIT_ERROR;
}
