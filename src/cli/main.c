/* lobkiosk: the kiosk and its command line in one binary.
 * Start reading here: parse the global options, load kiosk.ini when the
 * subcommand needs it, run the subcommand, free in reverse order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lobkiosk/config.h"
#include "lobkiosk/util.h"

typedef struct command {
    const char *name;   /* as typed */
    int (*run)(const cli_ctx *ctx, int argc, char **argv);
    int needs_config;   /* load kiosk.ini before running */
    int own_help;       /* answers --help itself (with more than the usage line) */
    const char *usage;  /* one line for --help */
} command;

static const command commands[] = {
    {"keygen", cmd_keygen, 0, 0, "keygen --issuer CODE --key-id ID --out DIR"},
    {"pass", cmd_pass, 0, 0,
     "pass --key FILE --role S|H|A --subject ID --expires YYYY-MM-DD [--png FILE]"},
    {"passes", cmd_passes, 0, 0,
     "[--config FILE] passes --key FILE --roster FILE.csv --expires YYYY-MM-DD --out FILE.pdf "
     "[--png-dir DIR] [--role S|H] [--school NAME]"},
    {"init", cmd_init, 0, 0, "init --demo DIR [--size WxH] [--windowed]"},
    {"pin", cmd_pin, 0, 0, "pin            (reads a PIN, prints the admin_pin_hash line)"},
    {"decode", cmd_decode, 0, 0, "decode [--raw] [--verbose] IMAGE..."},
    {"roster", cmd_roster, 1, 0, "roster import FILE.csv [--issuer CODE]"},
    {"checkin", cmd_checkin, 1, 0, "checkin PAYLOAD | checkin --manual --subject ID [--issuer CODE]"},
    {"report", cmd_report, 0, 0,
     "[--config FILE] report [--csv] [--event ID] [--group G] [--since DATE] [--until DATE]\n"
     "                  [--without-experience] [--from FILE ...]"},
    {"sync", cmd_sync, 1, 1, "sync --once | --status | --requeue | --verify [N]"},
    {"export", cmd_export, 1, 0, "export --format csv|jsonl|xapi [--since YYYY-MM-DD] --out FILE"},
    {"forget", cmd_forget, 1, 0, "forget --issuer CODE --subject ID"},
    {"purge", cmd_purge, 1, 0, "purge [--older-than DAYS]"},
    {"check", cmd_check, 1, 0, "check [--network]   (is this kiosk ready?)"},
    {"camera", cmd_camera, 1, 0, "camera [--frames N] [--save DIR]   (the technician's camera test)"},
    {"trust", cmd_trust, 0, 1,
     "trust make --key REGION.key --in schools.ini --out trust.json | "
     "[--config FILE] trust import trust.json | update | status"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: lobkiosk --config FILE [--size WxH] [--script FILE]   run the kiosk\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "       lobkiosk %s%s\n", commands[i].needs_config ? "--config FILE " : "",
                commands[i].usage);
    fprintf(f, "See lobkiosk(1) for every option, exit code and kiosk.ini key, and\n"
               "docs/kiosk.md for the kiosk's test hooks (LOBKIOSK_SCRIPT, LOBKIOSK_SIZE, ...).\n");
}

/* True when argv holds --help or -h: every subcommand answers it the same way. */
static int wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    cli_ctx ctx = {0};
    int rc = CLI_EXIT_USAGE;
    int i = 1;
    if (lk_clock_from_env() != LK_OK)
        fprintf(stderr,
                "lobkiosk: LOBKIOSK_FAKE_NOW is not an ISO 8601 time; using the system clock\n");

    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            ctx.config_path = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return CLI_EXIT_OK;
        } else {
            break; /* the kiosk's own options (--size, --script): cmd_kiosk checks them */
        }
    }
    int kiosk_args = i < argc && argv[i][0] == '-';

    const command *cmd = NULL;
    if (i < argc && !kiosk_args) {
        for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
            if (strcmp(argv[i], commands[c].name) == 0)
                cmd = &commands[c];
        if (!cmd) {
            fprintf(stderr, "lobkiosk: unknown command '%s'\n", argv[i]);
            usage(stderr);
            return CLI_EXIT_USAGE;
        }
    }
    if (cmd && !cmd->own_help && wants_help(argc - i - 1, argv + i + 1)) {
        printf("usage: lobkiosk %s%s\n", cmd->needs_config ? "--config FILE " : "", cmd->usage);
        return CLI_EXIT_OK;
    }
    /* No subcommand: the kiosk itself, which needs a config. */
    int needs_config = cmd ? cmd->needs_config : 1;

    if (needs_config && !(cmd && cmd->own_help && wants_help(argc - i - 1, argv + i + 1))) {
        if (!ctx.config_path) {
            fprintf(stderr, "lobkiosk: --config FILE is required%s%s\n", cmd ? " for " : "",
                    cmd ? cmd->name : "");
            return CLI_EXIT_USAGE;
        }
        ctx.cfg = malloc(sizeof *ctx.cfg);
        if (!ctx.cfg) {
            fprintf(stderr, "lobkiosk: out of memory\n");
            return CLI_EXIT_ERROR;
        }
        rc = cli_config_load(ctx.cfg, ctx.config_path, cmd ? cmd->name : NULL);
        if (rc != CLI_EXIT_OK)
            goto out;
    }

    if (cmd)
        rc = cmd->run(&ctx, argc - i - 1, argv + i + 1);
    else
        rc = cmd_kiosk(&ctx, argc - i, argv + i);

out:
    config_free(ctx.cfg);
    free(ctx.cfg);
    return rc;
}
