/* lobkiosk check --network: the LRS answers, with this kiosk's credentials, over
 * the same HTTP transport the sync uses. */
#include <SDL.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/check.h"
#include "lobkiosk/http.h"

/* --- network ------------------------------------------------------------------ */

/* The xAPI versions of an /about answer ({"version": ["1.0.3", ...]}) into buf; false
 * when the answer is not that. */
static bool about_versions(const char *text, size_t len, char *buf, size_t buf_len)
{
    json_t *root = json_loadb(text, len, 0, NULL);
    json_t *v = root ? json_object_get(root, "version") : NULL;
    bool ok = false;
    buf[0] = '\0';
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            const char *s = json_string_value(item);
            if (!s)
                continue;
            if (strncmp(s, "1.0.", 4) == 0)
                ok = true;
            size_t used = strlen(buf);
            snprintf(buf + used, buf_len - used, "%s%s", used ? ", " : "", s);
        }
    }
    json_decref(root);
    return ok;
}

void check_network(run *r)
{
    const config_sync *sc = &r->cfg->sync;
    if (!sc->endpoint[0]) {
        check_say(r, RES_SKIP, "lrs", "sync is off (no [sync] endpoint)");
        return;
    }
    char url[CONFIG_PATH_MAX + 16];
    if (http_url(sc, "about", url, sizeof url) != LK_OK) {
        check_say(r, RES_FAIL, "lrs", "the endpoint is too long");
        return;
    }
    /* The sync's own transport, without credentials: /about is open. */
    http_conn *c = NULL;
    char err[512] = "";
    if (http_conn_new(sc, NULL, NULL, NULL, &c, err, sizeof err) != LK_OK) {
        check_say(r, RES_FAIL, "lrs", "HTTP could not be set up: %s", err);
        return;
    }
    http_answer ans;
    lk_status st = http_request(c, url, NULL, 0, &ans, err, sizeof err);
    char versions[256];
    if (st != LK_OK && ans.tls_failed)
        check_say(r, RES_FAIL, "lrs",
                  "GET %s: TLS failed (%s) -> check the clock, and [sync] ca_file "
                  "when the LRS uses its own CA",
                  url, err);
    else if (st != LK_OK)
        check_say(r, RES_FAIL, "lrs",
                  "GET %s: no answer (%s) -> check the network and [sync] endpoint; "
                  "check-ins are kept and sent later",
                  url, err);
    else if (ans.status != 200)
        check_say(r, RES_FAIL, "lrs",
                  "GET %s answered HTTP %ld -> check [sync] endpoint: it is the "
                  "LRS's xAPI base URL (statements go to <endpoint>/statements)",
                  url, ans.status);
    else if (ans.truncated || !about_versions(ans.body, ans.body_len, versions, sizeof versions))
        check_say(r, RES_FAIL, "lrs",
                  "GET %s answered 200 without an xAPI 1.0 version list -> check "
                  "[sync] endpoint: it is the LRS's xAPI base URL",
                  url);
    else
        check_say(r, RES_OK, "lrs", "%s answers, xAPI %s", url, versions);
    http_conn_free(c);
}
