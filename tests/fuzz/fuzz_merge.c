/* libFuzzer target for `report --from`'s merge input (report_merge_add): the bytes
 * are split in two files at the first NUL byte (when there is one), so duplicates
 * and voids across files are reached too, and each is added as another file. Checks
 * what report.h promises: LK_OK or LK_ERR_INVALID (nothing else for any bytes,
 * memory permitting); the totals add up (a file counts only when it was taken,
 * nothing is left out more often than it was read); the report is written in text
 * and CSV from whatever was merged, for every event and for a named one. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/report.h"
#include "targets.h"

static FILE *merge_sink(void)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    if (!sink)
        abort();
    return sink;
}

int fuzz_merge_one(const uint8_t *data, size_t size)
{
    report_merge *m = report_merge_create();
    if (!m)
        return 0;
    const uint8_t *nul = size ? memchr(data, 0, size) : NULL;
    size_t first = nul ? (size_t)(nul - data) : size;
    const char *part[2] = {(const char *)data, (const char *)data + first + (nul ? 1 : 0)};
    size_t len[2] = {first, nul ? size - first - 1 : 0};
    size_t taken = 0, skipped_sum = 0;
    for (int i = 0; i < (nul ? 2 : 1); i++) {
        size_t skipped = 0;
        lk_status st = report_merge_add(m, i ? "kiosk-b.jsonl" : "kiosk-a.json", part[i], len[i],
                                        NULL, &skipped);
        if (st == LK_OK)
            taken++;
        else if (st != LK_ERR_INVALID && st != LK_ERR_NOMEM)
            abort();
        else if (skipped != 0)
            abort(); /* a refused file adds nothing */
        skipped_sum += skipped;
    }
    report_merge_stats s;
    if (report_merge_get_stats(m, &s) != LK_OK)
        abort();
    if (s.files != taken || s.skipped != skipped_sum || s.duplicates > s.statements ||
        s.skipped > s.statements || s.duplicates + s.skipped > s.statements ||
        s.voided > s.statements)
        abort();
    FILE *sink = merge_sink();
    if (report_merge_write(m, NULL, REPORT_TEXT, sink) != LK_OK ||
        report_merge_write(m, "", REPORT_CSV, sink) != LK_OK ||
        report_merge_write(m, "DEMO-OPEN", REPORT_TEXT, sink) != LK_OK)
        abort();
    report_merge_destroy(m);
    return 0;
}

#ifndef LK_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_merge_one(data, size);
}
#endif
