/* lobkiosk export --format csv|jsonl|xapi [--since YYYY-MM-DD] --out FILE: the
 * kiosk's records for a school without an LRS. Output is for admins (English). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lobkiosk/export.h"
#include "lobkiosk/util.h"

int cmd_export(const cli_ctx *ctx, int argc, char **argv)
{
    const char *format = NULL, *since = NULL, *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--format") == 0)
            format = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--since") == 0)
            since = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--out") == 0)
            out = argv[++i];
        else
            format = NULL, i = argc; /* unknown argument: usage */
    }
    export_format fmt;
    if (!format || !out || export_format_parse(format, &fmt) != LK_OK) {
        fprintf(stderr, "usage: lobkiosk --config FILE export --format csv|jsonl|xapi"
                        " [--since YYYY-MM-DD] --out FILE\n");
        return CLI_EXIT_USAGE;
    }
    int64_t since_ms = 0;
    if (since && (strlen(since) != 10 || lk_parse_iso8601(since, &since_ms) != LK_OK)) {
        fprintf(stderr, "lobkiosk: --since wants a date YYYY-MM-DD, not '%s'\n", since);
        return CLI_EXIT_USAGE;
    }
    size_t n = 0;
    lk_status st = export_to_file(ctx->cfg, fmt, since_ms, out, &n);
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk: export failed (%s)\n", lk_strerror(st));
        return CLI_EXIT_ERROR;
    }
    printf("exported %zu records to %s\n", n, out);
    return CLI_EXIT_OK;
}
