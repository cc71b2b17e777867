/* Inside `lobkiosk check`: one result line per check (check_say) and the checks,
 * grouped by what they look at: kiosk.ini against the clock and the assets
 * (check_config.c), what the kiosk keeps on disk (check_store.c), the hardware
 * (check_devices.c) and the LRS (check_network.c). cmd_check.c runs them in order. */
#ifndef LOBKIOSK_CLI_CHECK_H
#define LOBKIOSK_CLI_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "lobkiosk/config.h"

typedef enum result { RES_OK = 0, RES_WARN = 1, RES_FAIL = 2, RES_SKIP = 3 } result;

typedef struct run {
    const config *cfg;
    int count[4];    /* lines per result */
    int64_t now_ms;  /* one "now" for every check, so they agree */
    bool db_skipped; /* the database was not opened (a mode to fix first) */
} run;

/* One result line: "ok", "warn", "FAIL" or "skip", what was checked, the reason
 * and, after " -> ", what to do. Control characters become spaces. */
__attribute__((format(printf, 4, 5))) void check_say(run *r, result res, const char *what,
                                                     const char *fmt, ...);

/* check_config.c */
void check_issuers(run *r);
void check_trust(run *r);
void check_demo(run *r);
void check_clock(run *r);
void check_event(run *r);
void check_questions(run *r);
void check_texts(run *r);
void check_modes(run *r);
/* check_store.c */
void check_key_files(run *r);
void check_store(run *r);
/* check_devices.c */
void check_camera(run *r);
void check_scanner(run *r);
void check_fonts(run *r);
/* check_network.c */
void check_network(run *r);

#endif
