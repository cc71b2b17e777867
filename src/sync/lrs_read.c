/* report --lrs: pages of GET <endpoint>/statements, each added to the merge engine
 * (which keeps a statement once by id and leaves voided ones out). The LRS itself
 * never returns voided statements in a query (xAPI 1.0.3, 2.1.4), but it does return
 * the voiding statements, which the merge engine also reads. */
#include "lobkiosk/lrs_read.h"

#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "lobkiosk/http.h"
#include "lobkiosk/sync.h"
#include "lobkiosk/util.h"

#define CRED_MAX 256
#define URL_MAX 4096

/* UTC "2030-06-03T07:00:00Z": nothing in it needs escaping in a query. */
static void utc_iso(int64_t ms, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "https://lrs.example.nl" of "https://lrs.example.nl/xapi/": scheme and authority. */
static bool origin_of(const char *endpoint, char *buf, size_t len)
{
    const char *p = strstr(endpoint, "://");
    if (!p)
        return false;
    p += 3;
    size_t n = (size_t)(strcspn(p, "/?#") + (size_t)(p - endpoint));
    if (n + 1 > len)
        return false;
    memcpy(buf, endpoint, n);
    buf[n] = '\0';
    return true;
}

lk_status lrs_read_into(const config *cfg, int64_t since_ms, int64_t until_ms, report_merge *m,
                        FILE *diag, lrs_read_stats *out)
{
    lrs_read_stats stats = {0};
    if (out)
        *out = stats;
    if (!cfg || !m)
        return LK_ERR_INVALID;
    if (!cfg->sync.endpoint[0]) {
        if (diag)
            fprintf(diag, "kiosk.ini has no [sync] endpoint: there is no LRS to read from\n");
        return LK_ERR_UNSUPPORTED;
    }
    lk_status st = http_global_init();
    if (st != LK_OK)
        return st;
    char user[CRED_MAX] = "", password[CRED_MAX] = "";
    bool auth = cfg->sync.credentials_file[0] != '\0';
    if (auth) {
        st = sync_read_credentials(cfg->sync.credentials_file, user, password, sizeof user);
        if (st != LK_OK) {
            if (diag)
                fprintf(diag, "credentials file %s: %s\n", cfg->sync.credentials_file,
                        st == LK_ERR_PERMISSION ? "readable by group or others (chmod 600 it)"
                                                : "cannot be read as user:password");
            sodium_memzero(user, sizeof user);
            sodium_memzero(password, sizeof password);
            return st;
        }
    }
    http_conn *c = NULL;
    char err[256] = "";
    st = http_conn_new(&cfg->sync, auth ? user : NULL, auth ? password : NULL, NULL, &c, err,
                       sizeof err);
    sodium_memzero(user, sizeof user);
    sodium_memzero(password, sizeof password);
    if (st != LK_OK) {
        if (diag)
            fprintf(diag, "cannot reach the LRS: %s\n", err);
        return st;
    }

    char origin[URL_MAX], url[URL_MAX], path[256];
    char since[32] = "", until[32] = "";
    if (since_ms > 0)
        utc_iso(since_ms, since, sizeof since);
    if (until_ms > 0)
        utc_iso(until_ms, until, sizeof until);
    snprintf(path, sizeof path, "statements?limit=%d%s%s%s%s", LRS_READ_PAGE,
             since[0] ? "&since=" : "", since, until[0] ? "&until=" : "", until);
    if (!origin_of(cfg->sync.endpoint, origin, sizeof origin) ||
        http_url(&cfg->sync, path, url, sizeof url) != LK_OK) {
        http_conn_free(c);
        return LK_ERR_CONFIG;
    }
    while (st == LK_OK) {
        http_answer a;
        st = http_request(c, url, NULL, 0, &a, err, sizeof err);
        if (st != LK_OK) {
            if (diag)
                fprintf(diag, "no answer from the LRS: %s\n", err);
            break;
        }
        if (a.status == 401 || a.status == 403) {
            if (diag)
                fprintf(diag, "the LRS refused the credentials (HTTP %ld)\n", a.status);
            st = LK_ERR_AUTH;
            break;
        }
        json_error_t je;
        json_t *res =
            a.status == 200 && !a.truncated ? json_loadb(a.body, a.body_len, 0, &je) : NULL;
        json_t *list = json_object_get(res, "statements");
        if (!json_is_array(list)) {
            if (diag)
                fprintf(diag, "the LRS answered HTTP %ld%s, not a page of statements\n", a.status,
                        a.truncated ? " (too long)" : "");
            json_decref(res);
            st = LK_ERR_HTTP;
            break;
        }
        stats.pages++;
        stats.statements += json_array_size(list);
        char *text = json_dumps(list, JSON_COMPACT);
        char name[64];
        snprintf(name, sizeof name, "LRS page %zu", stats.pages);
        size_t skipped = 0;
        st = text ? report_merge_add(m, name, text, strlen(text), diag, &skipped) : LK_ERR_NOMEM;
        free(text);
        if (st == LK_ERR_INVALID)
            st = LK_OK; /* an empty page: nothing to add */
        const char *more = json_string_value(json_object_get(res, "more"));
        bool next = st == LK_OK && more && *more;
        if (next) {
            /* Relative to the server; an absolute link must stay on it. */
            int n;
            if (more[0] == '/')
                n = snprintf(url, sizeof url, "%s%s", origin, more);
            else if (strncmp(more, origin, strlen(origin)) == 0 &&
                     strchr("/?", more[strlen(origin)]))
                n = snprintf(url, sizeof url, "%s", more);
            else
                n = -1;
            if (n < 0 || (size_t)n >= sizeof url) {
                if (diag)
                    fprintf(diag, "the LRS's next page is on another server; not followed\n");
                st = LK_ERR_HTTP;
            }
        }
        json_decref(res);
        if (!next)
            break;
    }
    http_conn_free(c);
    if (out)
        *out = stats;
    return st;
}
