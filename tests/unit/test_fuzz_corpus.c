/* Replays every file of every fuzz corpus (tests/fuzz/corpus/<target>/) through
 * the fuzz targets' own entry code, so each seed and each saved finding is a
 * regression test in `make test` and `make asan`. The target files are compiled
 * in here with LK_FUZZ_REPLAY, which leaves out their libFuzzer entry points;
 * tests/fuzz/targets.h lists the functions. A target abort()s when the code under
 * test breaks a promise, so a failure here names the file on stderr first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lobkiosk/util.h"

#define LK_FUZZ_REPLAY 1
#include "../fuzz/targets.h"

#include "../fuzz/fuzz_config.c"
#include "../fuzz/fuzz_i18n.c"
#include "../fuzz/fuzz_reflection.c"
#include "../fuzz/fuzz_roster.c"
#include "../fuzz/fuzz_time.c"
#include "../fuzz/fuzz_wedge.c"
#include "../fuzz/fuzz_merge.c"
#include "../fuzz/fuzz_keymap.c"
#include "../fuzz/fuzz_decode.c"
#include "../fuzz/fuzz_lrs.c"
/* the pass target predates targets.h: its libFuzzer functions are called as they are */
#include "../fuzz/fuzz_pass.c"

#define CORPUS_ROOT "tests/fuzz/corpus"

static int fuzz_pass_one(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        LLVMFuzzerInitialize(NULL, NULL);
        ready = true;
    }
    return LLVMFuzzerTestOneInput(data, size);
}

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

/* Runs fn over every regular file in CORPUS_ROOT/name; returns the number of files. */
static int replay(const char *name, fuzz_fn fn)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s/%s", CORPUS_ROOT, name);
    DIR *d = opendir(dir);
    assert_non_null(d);
    int files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char path[512];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_name[0] == '.' || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        char *text = NULL;
        size_t len = 0;
        assert_int_equal(lk_read_file(path, &text, &len), LK_OK);
        /* an exact-size copy, as libFuzzer hands it over: ASan sees any over-read */
        uint8_t *data = malloc(len ? len : 1);
        assert_non_null(data);
        memcpy(data, text, len);
        free(text);
        fprintf(stderr, "%s\n", path); /* names the input should the target abort */
        assert_int_equal(fn(data, len), 0);
        free(data);
        files++;
    }
    closedir(d);
    assert_true(files > 0); /* every target has seeds */
    return files;
}

static void test_pass(void **state)
{
    (void)state;
    replay("pass", fuzz_pass_one);
}

static void test_roster(void **state)
{
    (void)state;
    replay("roster", fuzz_roster_one);
}

static void test_config(void **state)
{
    (void)state;
    replay("config", fuzz_config_one);
}

static void test_i18n(void **state)
{
    (void)state;
    replay("i18n", fuzz_i18n_one);
}

static void test_reflection(void **state)
{
    (void)state;
    replay("reflection", fuzz_reflection_one);
}

static void test_wedge(void **state)
{
    (void)state;
    replay("wedge", fuzz_wedge_one);
}

static void test_time(void **state)
{
    (void)state;
    replay("time", fuzz_time_one);
}

static void test_merge(void **state)
{
    (void)state;
    replay("merge", fuzz_merge_one);
}

static void test_keymap(void **state)
{
    (void)state;
    replay("keymap", fuzz_keymap_one);
}

static void test_decode(void **state)
{
    (void)state;
    replay("decode", fuzz_decode_one);
}

static void test_lrs(void **state)
{
    (void)state;
    replay("lrs", fuzz_lrs_one);
}

/* Every folder in the corpus has a target here: a new target cannot be forgotten. */
static void test_every_folder_replayed(void **state)
{
    (void)state;
    static const char *const known[] = {"pass", "roster", "config", "i18n",   "reflection", "wedge",
                                        "time", "merge",  "keymap", "decode", "lrs"};
    DIR *d = opendir(CORPUS_ROOT);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        bool found = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            found = found || strcmp(e->d_name, known[i]) == 0;
        if (!found)
            fprintf(stderr, "corpus folder %s has no replay in test_fuzz_corpus\n", e->d_name);
        assert_true(found);
    }
    closedir(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pass),       cmocka_unit_test(test_roster),
        cmocka_unit_test(test_config),     cmocka_unit_test(test_i18n),
        cmocka_unit_test(test_reflection), cmocka_unit_test(test_wedge),
        cmocka_unit_test(test_time),       cmocka_unit_test(test_merge),
        cmocka_unit_test(test_keymap),     cmocka_unit_test(test_decode),
        cmocka_unit_test(test_lrs),        cmocka_unit_test(test_every_folder_replayed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
