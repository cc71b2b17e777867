/* The command line: one function per subcommand, dispatched from main.c.
 * Each returns the process exit code. */
#ifndef LOBKIOSK_CLI_H
#define LOBKIOSK_CLI_H

#include "lobkiosk/config.h"

/* What main hands to a subcommand. */
typedef struct cli_ctx {
    const char *config_path; /* --config FILE, or NULL */
    config *cfg;             /* loaded config when the command needs one, else NULL */
} cli_ctx;

/* Exit codes shared by all subcommands. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_REFUSED = 1, /* the command worked, the answer is no (a refused pass) */
    CLI_EXIT_USAGE = 2,   /* wrong arguments */
    CLI_EXIT_ERROR = 3,   /* something failed; a message was printed */
};

int cmd_keygen(const cli_ctx *ctx, int argc, char **argv);
int cmd_pass(const cli_ctx *ctx, int argc, char **argv);
int cmd_passes(const cli_ctx *ctx, int argc, char **argv);
int cmd_init(const cli_ctx *ctx, int argc, char **argv);
int cmd_roster(const cli_ctx *ctx, int argc, char **argv);
int cmd_checkin(const cli_ctx *ctx, int argc, char **argv);
int cmd_report(const cli_ctx *ctx, int argc, char **argv);
int cmd_decode(const cli_ctx *ctx, int argc, char **argv);
int cmd_sync(const cli_ctx *ctx, int argc, char **argv);
int cmd_export(const cli_ctx *ctx, int argc, char **argv);
int cmd_kiosk(const cli_ctx *ctx, int argc, char **argv);
int cmd_pin(const cli_ctx *ctx, int argc, char **argv);
int cmd_forget(const cli_ctx *ctx, int argc, char **argv);
int cmd_purge(const cli_ctx *ctx, int argc, char **argv);
int cmd_check(const cli_ctx *ctx, int argc, char **argv);
int cmd_camera(const cli_ctx *ctx, int argc, char **argv);
int cmd_trust(const cli_ctx *ctx, int argc, char **argv);

/* Loads kiosk.ini into cfg and applies the region's installed trust list, warning
 * on stderr when the list is old, expired or broken (the kiosk then trusts
 * kiosk.ini's issuers alone). who names the command in messages (may be NULL).
 * CLI_EXIT_OK, or CLI_EXIT_ERROR after printing the config's error. cfg is the
 * caller's to config_free, also after a failure. */
int cli_config_load(config *cfg, const char *path, const char *who);

#endif
