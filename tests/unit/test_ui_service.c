/* Tests of the systemd notify module (src/ui/service.c) against a stand-in
 * notify socket, and of pausing the audio device between sounds
 * (src/ui/sound.c) on SDL's dummy audio driver. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include <SDL.h>

#include "lobkiosk/util.h"
#include "ui/service.h"
#include "ui/sound.h"

/* A bound unix datagram socket named by NOTIFY_SOCKET; returns its fd. */
static int fake_notify(char *path, size_t len)
{
    snprintf(path, len, "/tmp/lk-notify-%ld.sock", (long)getpid());
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    assert_true(fd >= 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    lk_strlcpy(a.sun_path, path, sizeof a.sun_path);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    setenv("NOTIFY_SOCKET", path, 1);
    return fd;
}

/* The messages waiting on fd, joined by '|'. */
static void drain(int fd, char *out, size_t len)
{
    char buf[512];
    out[0] = '\0';
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf - 1, 0)) > 0) {
        buf[n] = '\0';
        size_t used = strlen(out);
        snprintf(out + used, len - used, "%s%s", used ? "|" : "", buf);
    }
}

static void test_ready_once_and_watchdog_at_half_interval(void **state)
{
    (void)state;
    char path[108], got[2048];
    int fd = fake_notify(path, sizeof path);
    setenv("WATCHDOG_USEC", "2000000", 1);
    unsetenv("WATCHDOG_PID");
    service *s = service_open();
    assert_non_null(s);
    assert_int_equal(service_interval_ms(s), 1000);
    /* a camera program started later does not inherit the watchdog */
    assert_null(getenv("WATCHDOG_USEC"));
    service_tick(s, 10000);
    service_tick(s, 10500); /* too early */
    service_ready(s, "idle");
    service_ready(s, "idle");
    assert_int_equal(service_deadline(s), 11000);
    service_tick(s, 11000);
    service_close(s);
    drain(fd, got, sizeof got);
    assert_string_equal(got, "WATCHDOG=1|READY=1\nSTATUS=idle|WATCHDOG=1|STOPPING=1");
    close(fd);
    unlink(path);
    unsetenv("NOTIFY_SOCKET");
}

static void test_no_watchdog_for_another_pid_or_none(void **state)
{
    (void)state;
    char path[108], got[512];
    int fd = fake_notify(path, sizeof path);
    setenv("WATCHDOG_USEC", "2000000", 1);
    setenv("WATCHDOG_PID", "1", 1); /* meant for another process */
    service *s = service_open();
    assert_int_equal(service_interval_ms(s), 0);
    assert_true(service_deadline(s) == INT64_MAX);
    service_tick(s, 5000);
    service_close(s); /* never ready: no STOPPING either */
    drain(fd, got, sizeof got);
    assert_string_equal(got, "");
    close(fd);
    unlink(path);
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_PID");
    unsetenv("WATCHDOG_USEC");
    /* outside systemd: nothing at all, no crash */
    s = service_open();
    service_ready(s, NULL);
    service_tick(s, 1);
    service_close(s);
    service_close(NULL);
}

static void test_audio_paused_between_sounds(void **state)
{
    (void)state;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    assert_int_equal(SDL_Init(0), 0);
    sound *s = sound_open("assets", true, 50);
    assert_non_null(s);
    if (!sound_ready(s, SOUND_OK)) {
        sound_close(s);
        SDL_Quit();
        skip();
    }
    assert_false(sound_playing(s)); /* opened paused */
    assert_true(sound_deadline(s, 0) == INT64_MAX);
    sound_play(s, SOUND_OK);
    assert_true(sound_playing(s));
    int64_t t0 = lk_mono_ms();
    while (sound_playing(s) && lk_mono_ms() - t0 < 10000) {
        int64_t now = lk_mono_ms();
        int64_t next = sound_deadline(s, now);
        assert_true(next != INT64_MAX);
        SDL_Delay(next > now ? (Uint32)(next - now) : 1);
        sound_tick(s, lk_mono_ms());
    }
    assert_false(sound_playing(s));
    assert_true(sound_deadline(s, lk_mono_ms()) == INT64_MAX);
    /* and it plays again */
    sound_play(s, SOUND_REFUSE);
    assert_true(sound_playing(s));
    sound_close(s);
    SDL_Quit();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ready_once_and_watchdog_at_half_interval),
        cmocka_unit_test(test_no_watchdog_for_another_pid_or_none),
        cmocka_unit_test(test_audio_paused_between_sounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
