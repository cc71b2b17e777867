/* A stand-in for systemd's notify socket (tests/e2e/service_notify.sh): binds a
 * unix datagram socket at PATH and prints every message it receives as
 * "MS TEXT" (ms since it started, the message's lines joined by ';') until
 * STOPPING=1 arrives or SECONDS have passed. */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static long long ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: notify_listen PATH SECONDS\n");
        return 2;
    }
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (fd < 0 || strlen(argv[1]) >= sizeof a.sun_path) {
        perror("socket");
        return 1;
    }
    strcpy(a.sun_path, argv[1]);
    unlink(argv[1]);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("bind");
        return 1;
    }
    long long t0 = ms_now(), end = t0 + atol(argv[2]) * 1000LL;
    char buf[4096];
    for (;;) {
        long long left = end - ms_now();
        if (left <= 0)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
        if (n <= 0)
            continue;
        buf[n] = '\0';
        for (char *c = buf; *c; c++)
            if (*c == '\n')
                *c = ';';
        printf("%lld %s\n", ms_now() - t0, buf);
        fflush(stdout);
        if (strstr(buf, "STOPPING=1"))
            break;
    }
    unlink(argv[1]);
    return 0;
}
