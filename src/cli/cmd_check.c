/* lobkiosk check [--network]: is this kiosk ready before the doors open?
 * One line per check, "ok", "warn", "FAIL" or "skip", the thing checked, a short
 * reason and, after " -> ", what to do; then a summary line. Exit 0 when nothing
 * failed (warnings allowed), 1 when something failed, 2 for wrong arguments.
 * kiosk.ini itself was loaded by main.c before we run (a kiosk.ini that does not
 * load stops there with exit 3 and the file, line and key).
 * The checks look and do not repair: a file mode that is too open is reported, not
 * changed, so the person at the kiosk learns that it was open. The one thing that
 * writes is opening the database, which creates and migrates it as the kiosk would. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/check.h"
#include "cli/cli.h"
#include "lobkiosk/util.h"

static const char USAGE[] = "usage: lobkiosk --config FILE check [--network]\n";

/* One result line. Paths and titles come from kiosk.ini: a control character in one
 * would break the one-line-per-check layout that scripts grep, so it becomes a space. */
void check_say(run *r, result res, const char *what, const char *fmt, ...)
{
    static const char *const word[] = {"ok", "warn", "FAIL", "skip"};
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    for (unsigned char *p = (unsigned char *)line; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            *p = ' ';
    printf("%-4s  %-11s %s\n", word[res], what, line);
    r->count[res]++;
}

int cmd_check(const cli_ctx *ctx, int argc, char **argv)
{
    bool network = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--network") == 0) {
            network = true;
        } else {
            fputs(USAGE, stderr);
            return CLI_EXIT_USAGE;
        }
    }
    run r = {.cfg = ctx->cfg, .now_ms = lk_now_ms()};
    check_say(&r, RES_OK, "config", "%s loads", ctx->config_path);
    check_issuers(&r);
    check_trust(&r);
    check_demo(&r);
    check_clock(&r);
    check_event(&r);
    check_questions(&r);
    check_texts(&r);
    check_modes(&r);
    check_key_files(&r);
    check_store(&r);
    check_camera(&r);
    check_scanner(&r);
    check_fonts(&r);
    if (network)
        check_network(&r);
    else
        check_say(&r, RES_SKIP, "lrs", "skipped: add --network to ask the LRS");
    fflush(stdout);
    printf("%d ok, %d warn, %d FAIL, %d skipped: %s\n", r.count[RES_OK], r.count[RES_WARN],
           r.count[RES_FAIL], r.count[RES_SKIP],
           r.count[RES_FAIL] ? "NOT READY, fix the FAIL lines"
           : r.count[RES_WARN] ? "ready, read the warnings"
                               : "ready");
    return r.count[RES_FAIL] ? CLI_EXIT_REFUSED : CLI_EXIT_OK;
}
