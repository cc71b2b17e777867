/* lobkiosk roster import FILE.csv [--issuer CODE]: loads a school's student list
 * so the kiosk can greet by first name. Bad rows go to stderr by line number; the
 * summary goes to stdout. First names are never printed. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lobkiosk/roster.h"
#include "lobkiosk/store.h"

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "lobkiosk roster: %s\n", why);
    fprintf(stderr,
            "usage: lobkiosk --config FILE roster import FILE.csv [--issuer CODE]\n"
            "  columns: subject (stamnr, stamnummer, leerlingnummer, id), first_name\n"
            "           (roepnaam, voornaam), group (klas, groep, lesgroep), optional issuer\n"
            "           (brin); ';', ',' or TAB separated; UTF-8, UTF-16 or Windows-1252\n");
    return CLI_EXIT_USAGE;
}

int cmd_roster(const cli_ctx *ctx, int argc, char **argv)
{
    if (!ctx->cfg)
        return usage("needs --config FILE");
    if (argc < 1 || strcmp(argv[0], "import") != 0)
        return usage(NULL);
    const char *file = NULL, *issuer = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--issuer") == 0 && i + 1 < argc)
            issuer = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return usage("unknown option");
        else if (!file)
            file = argv[i];
        else
            return usage("one file at a time");
    }
    if (!file)
        return usage("which file?");

    char def[LK_ISSUER_MAX + 1] = "";
    if (!issuer) {
        /* Without --issuer the only trusted issuer is meant; with several, the file
         * must say (issuer column) or roster_import asks for --issuer. */
        lk_status ds = roster_default_issuer(ctx->cfg, def, sizeof def);
        if (ds == LK_ERR_EXISTS)
            fprintf(stderr, "lobkiosk roster: this kiosk trusts several issuers; rows without "
                            "an issuer need --issuer CODE\n");
        issuer = def;
    } else if (!config_find_issuer(ctx->cfg, issuer)) {
        fprintf(stderr, "lobkiosk roster: warning: issuer '%s' is not trusted by this kiosk\n",
                issuer);
    }

    store *st = NULL;
    char err[256] = "";
    lk_status ls = store_open_config(ctx->cfg, &st, err, sizeof err);
    if (ls != LK_OK) {
        fprintf(stderr, "lobkiosk roster: cannot open the database: %s %s\n", lk_strerror(ls), err);
        return CLI_EXIT_ERROR;
    }
    roster_stats stats;
    ls = roster_import_file(st, file, issuer, stderr, &stats);
    store_close(st);
    if (ls != LK_OK) {
        fprintf(stderr, "lobkiosk roster: nothing imported (%s)\n", lk_strerror(ls));
        return CLI_EXIT_ERROR;
    }
    printf("%zu imported: %zu added, %zu updated; %zu skipped", stats.imported, stats.inserted,
           stats.updated, stats.skipped);
    for (size_t i = 0; i < stats.skipped && i < ROSTER_SKIPPED_LINES_MAX; i++)
        printf("%s%ld",
               i > 0                ? ", "
               : stats.skipped == 1 ? " (line "
                                    : " (lines ",
               stats.skipped_lines[i]);
    if (stats.skipped > ROSTER_SKIPPED_LINES_MAX)
        printf(", ...");
    printf("%s\n", stats.skipped ? ")" : "");
    printf("read as %s\n", stats.encoding);
    return CLI_EXIT_OK;
}
