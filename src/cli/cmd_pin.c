/* lobkiosk pin: reads an admin PIN and prints the kiosk.ini line with its hash.
 * On a terminal the PIN is asked twice without echo; from a pipe one line is read,
 * so set-up scripts can use it. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "lobkiosk/pin.h"

/* Reads one line from stdin into buf without its line end, echo off on a terminal.
 * Returns false at end of input or when the line does not fit. */
static bool read_pin(const char *prompt, char *buf, size_t len)
{
    bool tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    bool restore = false;
    if (tty) {
        fputs(prompt, stderr);
        fflush(stderr);
        if (tcgetattr(STDIN_FILENO, &old) == 0) {
            quiet = old;
            quiet.c_lflag &= (tcflag_t)~ECHO;
            restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
    bool ok = fgets(buf, (int)len, stdin) != NULL;
    if (restore) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!ok)
        return false;
    size_t n = strlen(buf);
    if (n > 0 && buf[n - 1] == '\n')
        buf[--n] = '\0';
    else if (!feof(stdin))
        return false; /* longer than the buffer: certainly not a PIN */
    if (n > 0 && buf[n - 1] == '\r')
        buf[--n] = '\0';
    return true;
}

int cmd_pin(const cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    if (argc > 0) {
        if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
            fprintf(stderr, "usage: lobkiosk pin   (reads a PIN of 4-12 digits from stdin)\n");
            return CLI_EXIT_OK;
        }
        fprintf(stderr, "lobkiosk pin: takes no arguments; it reads the PIN from stdin\n"
                        "usage: lobkiosk pin\n");
        return CLI_EXIT_USAGE;
    }

    int rc = CLI_EXIT_ERROR;
    char pin[64], again[64], hash[PIN_HASH_MAX];
    if (!read_pin("Admin PIN (4-12 digits): ", pin, sizeof pin)) {
        fprintf(stderr, "lobkiosk pin: no PIN read\n");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (!pin_valid(pin)) {
        fprintf(stderr, "lobkiosk pin: a PIN is 4 to 12 digits (0-9), nothing else\n");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (isatty(STDIN_FILENO)) {
        if (!read_pin("Again: ", again, sizeof again) || strcmp(pin, again) != 0) {
            fprintf(stderr, "lobkiosk pin: the PINs differ\n");
            rc = CLI_EXIT_USAGE;
            goto out;
        }
    }
    if (pin_hash(pin, hash, sizeof hash) != LK_OK) {
        fprintf(stderr, "lobkiosk pin: cannot hash the PIN (out of memory?)\n");
        goto out;
    }
    fprintf(stderr, "Put this line in the [ui] section of kiosk.ini:\n");
    printf("admin_pin_hash = %s\n", hash);
    rc = CLI_EXIT_OK;
out:
    sodium_memzero(pin, sizeof pin);
    sodium_memzero(again, sizeof again);
    return rc;
}
