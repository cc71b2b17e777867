/* lobkiosk init: placeholder until the subcommand is built. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_init(const cli_ctx *ctx, int argc, char **argv)
{
    fprintf(stderr, "lobkiosk: 'init' is not available in this build yet\n");
    return CLI_EXIT_ERROR;
}
