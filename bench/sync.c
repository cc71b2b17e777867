/* Test and benchmark helper for the sync: fills a kiosk's outbox with real
 * check-in statements (built by xapi_checkin, written by store_record_checkin) and
 * dumps the queued statements as the same JSON batches the sync posts, for curl.
 *   sync seed CONFIG N [--bad B] [--ids FILE]   queue N check-ins (+B the LRS refuses)
 *   sync batches CONFIG DIR SIZE                write DIR/batch-NNNNN.json of SIZE each */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/config.h"
#include "lobkiosk/store.h"
#include "lobkiosk/util.h"
#include "lobkiosk/xapi.h"

static store *open_store(const config *cfg)
{
    char path[CONFIG_PATH_MAX + 64];
    char err[256] = "";
    store *s = NULL;
    if (store_path(cfg, path, sizeof path) != LK_OK ||
        store_open(path, &s, err, sizeof err) != LK_OK) {
        fprintf(stderr, "sync: cannot open the store: %s\n", err);
        return NULL;
    }
    return s;
}

/* A statement the LRS must refuse (400): a verb id that is not an IRI. */
static char *spoil(char *json)
{
    json_error_t e;
    json_t *j = json_loads(json, 0, &e);
    free(json);
    if (!j)
        return NULL;
    json_object_set_new(json_object_get(j, "verb"), "id", json_string("not an iri"));
    char *out = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return out;
}

static int seed(const config *cfg, long n, long bad, const char *ids_path)
{
    if (cfg->n_events == 0 || cfg->n_issuers == 0) {
        fprintf(stderr, "sync: the config needs an event and an issuer\n");
        return 1;
    }
    store *s = open_store(cfg);
    if (!s)
        return 1;
    /* Seeding is set-up, not the thing measured: skip the per-row fsync. */
    sqlite3_exec(store_db(s), "PRAGMA synchronous = OFF", NULL, NULL, NULL);
    FILE *ids = ids_path ? fopen(ids_path, "w") : NULL;
    const config_event *ev = &cfg->events[0];
    long total = n + bad;
    long every = bad > 0 ? total / bad : 0;
    int64_t now = lk_now_ms();
    int rc = 0;
    for (long i = 0; i < total && rc == 0; i++) {
        pass p;
        memset(&p, 0, sizeof p);
        lk_strlcpy(p.issuer, cfg->issuers[0].code, sizeof p.issuer);
        p.role = PASS_ROLE_STUDENT;
        snprintf(p.subject, sizeof p.subject, "S%08ld", i % 100000000L);
        store_experience exp;
        memset(&exp, 0, sizeof exp);
        lk_strlcpy(exp.event_id, ev->id, sizeof exp.event_id);
        lk_strlcpy(exp.issuer, p.issuer, sizeof exp.issuer);
        lk_strlcpy(exp.subject, p.subject, sizeof exp.subject);
        exp.checkin_ms = now - (total - i) * 1000;
        lk_uuid4(exp.checkin_uuid, sizeof exp.checkin_uuid);
        char *json = xapi_checkin(cfg, ev, &p, exp.checkin_uuid, exp.checkin_ms);
        bool is_bad = every > 0 && i % every == every / 2 && bad-- > 0;
        if (is_bad)
            json = spoil(json);
        if (!json) {
            rc = 1;
            break;
        }
        store_statement st = {exp.checkin_uuid, "checkin", json};
        if (store_record_checkin(s, &exp, &st) != LK_OK)
            rc = 1;
        else if (ids && !is_bad)
            fprintf(ids, "%s\n", exp.checkin_uuid);
        free(json);
    }
    if (ids)
        fclose(ids);
    store_close(s);
    return rc;
}

static int batches(const config *cfg, const char *dir, long size)
{
    store *s = open_store(cfg);
    if (!s)
        return 1;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(
            store_db(s),
            "SELECT json FROM outbox WHERE id IN (SELECT id FROM outbox_queue) ORDER BY id", -1, &q,
            NULL) != SQLITE_OK) {
        store_close(s);
        return 1;
    }
    FILE *f = NULL;
    long in_batch = 0, files = 0;
    int rc = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        if (!f) {
            char name[64], path[CONFIG_PATH_MAX + 64];
            snprintf(name, sizeof name, "batch-%05ld.json", files++);
            if (!lk_path_join(path, sizeof path, dir, name) || !(f = fopen(path, "w"))) {
                rc = 1;
                break;
            }
            fputc('[', f);
        }
        fprintf(f, "%s%s", in_batch ? "," : "", (const char *)sqlite3_column_text(q, 0));
        if (++in_batch == size) {
            fputs("]", f);
            fclose(f);
            f = NULL;
            in_batch = 0;
        }
    }
    if (f) {
        fputs("]", f);
        fclose(f);
    }
    sqlite3_finalize(q);
    store_close(s);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: sync seed CONFIG N [--bad B] [--ids FILE]\n"
                        "       sync batches CONFIG DIR SIZE\n");
        return 2;
    }
    config *cfg = malloc(sizeof *cfg);
    char err[CONFIG_ERR_MAX];
    if (!cfg || config_load(cfg, argv[2], err, sizeof err) != LK_OK) {
        fprintf(stderr, "sync: %s\n", cfg ? err : "out of memory");
        config_free(cfg);
        free(cfg);
        return 1;
    }
    int rc = 2;
    if (strcmp(argv[1], "seed") == 0) {
        long n = 0, bad = 0;
        const char *ids = NULL;
        rc = lk_parse_long(argv[3], 0, 10000000, &n) == LK_OK ? 0 : 2;
        for (int i = 4; rc == 0 && i + 1 < argc; i += 2) {
            if (strcmp(argv[i], "--bad") == 0)
                rc = lk_parse_long(argv[i + 1], 0, n, &bad) == LK_OK ? 0 : 2;
            else if (strcmp(argv[i], "--ids") == 0)
                ids = argv[i + 1];
            else
                rc = 2;
        }
        if (rc == 0)
            rc = seed(cfg, n, bad, ids);
    } else if (strcmp(argv[1], "batches") == 0 && argc == 5) {
        long size = 0;
        if (lk_parse_long(argv[4], 1, 100000, &size) == LK_OK)
            rc = batches(cfg, argv[3], size);
    }
    config_free(cfg);
    free(cfg);
    return rc;
}
