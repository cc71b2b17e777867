/* Tests of the kiosk's state file (data_dir/kiosk-state.ini): the admin's event
 * choice kept and read back, "by time", an event gone from kiosk.ini, and files
 * that do not read (a long id is refused, never cut short). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lobkiosk/state.h"
#include "lobkiosk/util.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    config *cfg;
} fixture;

static void add_event(config *cfg, const char *id)
{
    config_event *ev = &cfg->events[cfg->n_events++];
    memset(ev, 0, sizeof *ev);
    lk_strlcpy(ev->id, id, sizeof ev->id);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/lk-state-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, STATE_FILE);
    f->cfg = malloc(sizeof *f->cfg);
    assert_non_null(f->cfg);
    config_defaults(f->cfg);
    lk_strlcpy(f->cfg->data_dir, f->dir, sizeof f->cfg->data_dir);
    add_event(f->cfg, "OPEN");
    add_event(f->cfg, "STAGE");
    /* the longest id an event can have */
    char longest[sizeof f->cfg->event_id];
    memset(longest, 'x', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    add_event(f->cfg, longest);
    lk_strlcpy(f->cfg->event_id, "OPEN", sizeof f->cfg->event_id);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    remove(f->path);
    rmdir(f->dir);
    free(f->cfg);
    free(f);
    return 0;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_no_file_keeps_kiosk_ini(void **state)
{
    fixture *f = *state;
    assert_int_equal(state_load_event(f->cfg), LK_OK);
    assert_string_equal(f->cfg->event_id, "OPEN");
    /* no data_dir: nothing to read or write */
    f->cfg->data_dir[0] = '\0';
    assert_int_equal(state_load_event(f->cfg), LK_OK);
    assert_int_equal(state_save_event(f->cfg), LK_ERR_INVALID);
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    lk_strlcpy(f->cfg->event_id, "STAGE", sizeof f->cfg->event_id);
    assert_int_equal(state_save_event(f->cfg), LK_OK);
    struct stat sb;
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    lk_strlcpy(f->cfg->event_id, "OPEN", sizeof f->cfg->event_id);
    assert_int_equal(state_load_event(f->cfg), LK_OK);
    assert_string_equal(f->cfg->event_id, "STAGE");

    /* The longest event id survives whole. */
    const char *longest = f->cfg->events[2].id;
    assert_int_equal(strlen(longest), sizeof f->cfg->event_id - 1);
    lk_strlcpy(f->cfg->event_id, longest, sizeof f->cfg->event_id);
    assert_int_equal(state_save_event(f->cfg), LK_OK);
    f->cfg->event_id[0] = '\0';
    assert_int_equal(state_load_event(f->cfg), LK_OK);
    assert_string_equal(f->cfg->event_id, longest);

    /* "By time" is kept as an empty choice. */
    f->cfg->event_id[0] = '\0';
    assert_int_equal(state_save_event(f->cfg), LK_OK);
    lk_strlcpy(f->cfg->event_id, "OPEN", sizeof f->cfg->event_id);
    assert_int_equal(state_load_event(f->cfg), LK_OK);
    assert_string_equal(f->cfg->event_id, "");
}

static void test_hand_edited(void **state)
{
    fixture *f = *state;
    /* inih reads what a person may write: spaces, comments, CRLF, other keys. */
    write_text(f->path,
               "; chosen\r\n[other]\r\nevent = OPEN\r\n[kiosk]\r\n  event   =   STAGE  \r\n");
    assert_int_equal(state_load_event(f->cfg), LK_OK);
    assert_string_equal(f->cfg->event_id, "STAGE");
    /* no [kiosk] event at all: kiosk.ini's choice */
    write_text(f->path, "[kiosk]\n");
    assert_int_equal(state_load_event(f->cfg), LK_OK);
    assert_string_equal(f->cfg->event_id, "STAGE");
}

static void test_gone_and_broken(void **state)
{
    fixture *f = *state;
    write_text(f->path, "[kiosk]\nevent = GONE\n");
    assert_int_equal(state_load_event(f->cfg), LK_ERR_NOT_FOUND);
    assert_string_equal(f->cfg->event_id, "OPEN");

    /* An id longer than any event's is refused, not cut to a different id. */
    char text[400];
    int n = snprintf(text, sizeof text, "[kiosk]\nevent = ");
    memset(text + n, 'x', 300);
    memcpy(text + n + 300, "\n", 2);
    write_text(f->path, text);
    assert_int_equal(state_load_event(f->cfg), LK_ERR_CONFIG);
    assert_string_equal(f->cfg->event_id, "OPEN");
    /* 64 x's is one longer than the longest event id ("xxx...x", 63). */
    n = snprintf(text, sizeof text, "[kiosk]\nevent = ");
    memset(text + n, 'x', sizeof f->cfg->event_id);
    memcpy(text + n + sizeof f->cfg->event_id, "\n", 2);
    write_text(f->path, text);
    assert_int_equal(state_load_event(f->cfg), LK_ERR_CONFIG);
    assert_string_equal(f->cfg->event_id, "OPEN");

    write_text(f->path, "[kiosk]\nthis is not ini\n");
    assert_int_equal(state_load_event(f->cfg), LK_ERR_CONFIG);
    assert_string_equal(f->cfg->event_id, "OPEN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_file_keeps_kiosk_ini, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hand_edited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gone_and_broken, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
