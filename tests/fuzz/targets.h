/* The fuzz targets' entry code, one function per target. Each tests/fuzz/fuzz_<name>.c
 * defines fuzz_<name>_one() and, unless LK_FUZZ_REPLAY is defined, the libFuzzer
 * entry LLVMFuzzerTestOneInput() that calls it. tests/unit/test_fuzz_corpus.c
 * defines LK_FUZZ_REPLAY, includes the target files and replays every file of
 * tests/fuzz/corpus/<name>/ through the same functions, so a saved finding is a
 * regression test in `make test` and `make asan`.
 *
 * Each function takes any bytes, returns 0, and abort()s when the code under test
 * breaks one of the promises its header makes (the sanitizers catch the rest).
 * State that is costly to set up (a store, a temp file) is made on the first call
 * and kept for the life of the process. */
#ifndef LOBKIOSK_FUZZ_TARGETS_H
#define LOBKIOSK_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

int fuzz_roster_one(const uint8_t *data, size_t size);     /* roster_import */
int fuzz_config_one(const uint8_t *data, size_t size);     /* config_load */
int fuzz_i18n_one(const uint8_t *data, size_t size);       /* i18n_load_file, i18n_format */
int fuzz_reflection_one(const uint8_t *data, size_t size); /* reflection_set_parse, session */
int fuzz_wedge_one(const uint8_t *data, size_t size);      /* wedge_key, wedge_poll */
int fuzz_time_one(const uint8_t *data, size_t size);       /* lk_parse_iso8601 */
int fuzz_merge_one(const uint8_t *data, size_t size);      /* report_merge_add (report --from) */
int fuzz_keymap_one(const uint8_t *data, size_t size);     /* evdev_key_char, into the wedge */
int fuzz_decode_one(const uint8_t *data, size_t size);     /* decoder_scan on camera frames */
int fuzz_lrs_one(const uint8_t *data, size_t size);        /* xapi_statements_answer (LRS) */

#endif
