/* Reading a school's statements back from its LRS (GET <endpoint>/statements with
 * since/until, following "more"), for `report --lrs`: the school's counts from all
 * the kiosks that delivered its students' statements. Uses the one HTTP transport
 * (http.h) with the [sync] endpoint and credentials. CLI thread only. */
#ifndef LOBKIOSK_LRS_READ_H
#define LOBKIOSK_LRS_READ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lobkiosk/config.h"
#include "lobkiosk/report.h"
#include "lobkiosk/status.h"

#define LRS_READ_PAGE 25 /* statements asked per page: a page stays under HTTP_BODY_MAX */

/* What a read brought. */
typedef struct lrs_read_stats {
    size_t pages;      /* GET requests answered */
    size_t statements; /* statements received */
} lrs_read_stats;

/* Adds every statement the LRS of cfg's [sync] stored in [since_ms, until_ms)
 * (0 = open end) to m, page by page. A "more" link that leaves the endpoint's
 * server is refused (the credentials go only there). diag (may be NULL) gets the
 * reason on failure. LK_ERR_UNSUPPORTED when [sync] has no endpoint; LK_ERR_AUTH on
 * 401/403; LK_ERR_HTTP on another status or an answer that is no statement result;
 * LK_ERR_NETWORK / LK_ERR_TIMEOUT without an answer. */
lk_status lrs_read_into(const config *cfg, int64_t since_ms, int64_t until_ms, report_merge *m,
                        FILE *diag, lrs_read_stats *out) LK_MUST_CHECK;

#endif
