/* Unit tests of the shared LRS transport (http.h): URL joining, and against a
 * one-shot server on loopback: the xAPI version header goes out, a redirect is not
 * followed, Retry-After is read, a long body is cut and said to be, and a closed
 * port is "no answer" with the reason. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "lobkiosk/http.h"
#include "lobkiosk/util.h"

static void test_url(void **state)
{
    config_sync sc;
    memset(&sc, 0, sizeof sc);
    char buf[64];
    lk_strlcpy(sc.endpoint, "https://lrs.example/xAPI/", sizeof sc.endpoint);
    assert_int_equal(http_url(&sc, "statements", buf, sizeof buf), LK_OK);
    assert_string_equal(buf, "https://lrs.example/xAPI/statements");
    lk_strlcpy(sc.endpoint, "https://lrs.example/xAPI", sizeof sc.endpoint);
    assert_int_equal(http_url(&sc, "/about", buf, sizeof buf), LK_OK);
    assert_string_equal(buf, "https://lrs.example/xAPI/about");
    assert_int_equal(http_url(&sc, "statements?statementId=0123456789", buf, 30), LK_ERR_CONFIG);
}

typedef struct server {
    int fd, port;
    const char *answer; /* the whole HTTP answer */
    size_t answer_len;
    char request[4096]; /* what the client sent */
    pthread_t th;
} server;

static void *serve(void *arg)
{
    server *s = arg;
    int c = accept(s->fd, NULL, NULL);
    if (c < 0)
        return NULL;
    size_t used = 0;
    while (used < sizeof s->request - 1 && !strstr(s->request, "\r\n\r\n")) {
        ssize_t got = recv(c, s->request + used, sizeof s->request - 1 - used, 0);
        if (got <= 0)
            break;
        used += (size_t)got;
        s->request[used] = '\0';
    }
    for (size_t off = 0; off < s->answer_len;) {
        ssize_t put = send(c, s->answer + off, s->answer_len - off, MSG_NOSIGNAL);
        if (put <= 0)
            break;
        off += (size_t)put;
    }
    close(c);
    return NULL;
}

static void server_start(server *s, config_sync *sc, const char *answer, size_t len)
{
    memset(s->request, 0, sizeof s->request);
    s->answer = answer;
    s->answer_len = len;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s->fd, 4), 0);
    socklen_t al = sizeof a;
    assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &al), 0);
    s->port = ntohs(a.sin_port);
    snprintf(sc->endpoint, sizeof sc->endpoint, "http://127.0.0.1:%d/xAPI", s->port);
    assert_int_equal(pthread_create(&s->th, NULL, serve, s), 0);
}

static void server_stop(server *s)
{
    pthread_join(s->th, NULL);
    close(s->fd);
}

static void test_request(void **state)
{
    config_sync sc;
    memset(&sc, 0, sizeof sc);
    sc.connect_timeout_s = 5;
    sc.timeout_s = 5;
    server s;
    static const char redirect[] = "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\n"
                                   "Retry-After: 7\r\nContent-Length: 2\r\n\r\nhi";
    server_start(&s, &sc, redirect, sizeof redirect - 1);
    http_conn *c = NULL;
    char err[256] = "";
    assert_int_equal(http_conn_new(&sc, "u", "p", NULL, &c, err, sizeof err), LK_OK);
    char url[128];
    assert_int_equal(http_url(&sc, "statements", url, sizeof url), LK_OK);
    http_answer ans;
    assert_int_equal(http_request(c, url, "[]", 2, &ans, err, sizeof err), LK_OK);
    server_stop(&s);
    assert_int_equal(ans.status, 302); /* not followed */
    assert_int_equal(ans.retry_after_s, 7);
    assert_string_equal(ans.body, "hi");
    assert_false(ans.truncated);
    assert_non_null(strstr(s.request, "POST /xAPI/statements HTTP/1.1"));
    assert_non_null(strstr(s.request, "X-Experience-API-Version: 1.0.3"));
    assert_non_null(strstr(s.request, "Authorization: Basic dTpw")); /* u:p */

    /* a body longer than HTTP_BODY_MAX is cut, and said to be */
    size_t big = HTTP_BODY_MAX + 5000;
    char *long_answer = malloc(big + 128);
    assert_non_null(long_answer);
    int hl = snprintf(long_answer, 128, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", big);
    memset(long_answer + hl, 'x', big);
    server_start(&s, &sc, long_answer, (size_t)hl + big);
    assert_int_equal(http_url(&sc, "about", url, sizeof url), LK_OK);
    assert_int_equal(http_request(c, url, NULL, 0, &ans, err, sizeof err), LK_OK);
    server_stop(&s);
    free(long_answer);
    assert_non_null(strstr(s.request, "GET /xAPI/about HTTP/1.1"));
    assert_int_equal(ans.status, 200);
    assert_true(ans.truncated);
    assert_int_equal(ans.body_len, HTTP_BODY_MAX);
    assert_int_equal(strlen(ans.body), HTTP_BODY_MAX);
    assert_int_equal(ans.retry_after_s, 0);

    /* nothing listens: no answer, and why */
    assert_int_equal(
        http_request(c, "http://127.0.0.1:1/xAPI/about", NULL, 0, &ans, err, sizeof err),
        LK_ERR_NETWORK);
    assert_int_equal(ans.status, 0);
    assert_true(err[0] != '\0');
    http_conn_free(c);
    http_conn_free(NULL);
    assert_int_equal(http_conn_new(&sc, "u", NULL, NULL, &c, err, sizeof err), LK_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
