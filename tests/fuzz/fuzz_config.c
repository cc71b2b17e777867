/* libFuzzer target for kiosk.ini (config_load, inih): the input is written to one
 * temp file per process and loaded. Checks: a refused file always says why in a
 * NUL-terminated message that names the file; an accepted one holds only what
 * config.h promises (issuer codes 2-8 of 0-9 A-Z with 1..8 keys, revoked subjects,
 * events with a title and end after start, the active event exists, every text a
 * C string inside its field). Seeds in tests/fuzz/corpus/config. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lobkiosk/config.h"
#include "lobkiosk/pass.h"
#include "targets.h"

static char config_fuzz_path[64];
static int config_fuzz_fd = -1;
static config *config_fuzz_cfg;

static void config_fuzz_cleanup(void)
{
    if (config_fuzz_fd >= 0) {
        close(config_fuzz_fd);
        unlink(config_fuzz_path);
        config_fuzz_fd = -1;
    }
    free(config_fuzz_cfg);
    config_fuzz_cfg = NULL;
}

static bool config_fuzz_write(const uint8_t *data, size_t size)
{
    if (config_fuzz_fd < 0) {
        const char *dir = getenv("TMPDIR");
        snprintf(config_fuzz_path, sizeof config_fuzz_path, "%s/lk-fuzz-ini-XXXXXX",
                 dir && *dir && strlen(dir) < 32 ? dir : "/tmp");
        config_fuzz_fd = mkstemp(config_fuzz_path);
        if (config_fuzz_fd < 0)
            return false;
        config_fuzz_cfg = malloc(sizeof *config_fuzz_cfg);
        if (!config_fuzz_cfg)
            return false;
        atexit(config_fuzz_cleanup);
    }
    if (ftruncate(config_fuzz_fd, 0) != 0)
        return false;
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(config_fuzz_fd, data + done, size - done, (off_t)done);
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

#define CONFIG_CSTR(field) (strnlen((field), sizeof(field)) < sizeof(field))

static bool config_code(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    return n >= min && n <= max && strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == n;
}

static void config_fuzz_check(const config *c)
{
    if (!CONFIG_CSTR(c->path) || !CONFIG_CSTR(c->kiosk_id) || !CONFIG_CSTR(c->data_dir) ||
        !CONFIG_CSTR(c->assets_dir) || !CONFIG_CSTR(c->activity_base) ||
        !CONFIG_CSTR(c->event_id) || !CONFIG_CSTR(c->sync.endpoint) ||
        !CONFIG_CSTR(c->sync.credentials_file) || !CONFIG_CSTR(c->sync.ca_file) ||
        !CONFIG_CSTR(c->ui.dossier_url) || !CONFIG_CSTR(c->ui.admin_pin_hash) ||
        !CONFIG_CSTR(c->camera.source) || !CONFIG_CSTR(c->camera.device) ||
        !CONFIG_CSTR(c->camera.folder) || !CONFIG_CSTR(c->scanner.evdev) ||
        !CONFIG_CSTR(c->scanner.layout))
        abort();
    if (strcmp(c->language, "nl") && strcmp(c->language, "en"))
        abort();
    if (!c->data_dir[0] || !c->assets_dir[0])
        abort();
    if (c->n_events > CONFIG_MAX_EVENTS)
        abort();
    for (size_t i = 0; i < c->n_issuers; i++) {
        const config_issuer *is = &c->issuers[i];
        if (!config_code(is->code, 2, LK_ISSUER_MAX) || is->n_keys < 1 ||
            is->n_keys > CONFIG_MAX_KEYS || is->n_revoked > is->cap_revoked ||
            !CONFIG_CSTR(is->name) || !CONFIG_CSTR(is->home_page))
            abort();
        for (size_t k = 0; k < is->n_keys; k++)
            if (!config_code(is->keys[k].id, 1, LK_KEYID_MAX))
                abort();
        for (size_t k = 0; k < is->n_revoked; k++)
            if (!config_code(is->revoked[k].subject, 1, LK_SUBJECT_MAX) ||
                (is->revoked[k].expires != 0 &&
                 !pass_date_valid(is->revoked[k].expires)) ||
                (k > 0 && strcmp(is->revoked[k - 1].subject, is->revoked[k].subject) > 0))
                abort(); /* a real date; sorted for the binary search */
        for (size_t j = 0; j < i; j++)
            if (!strcmp(c->issuers[j].code, is->code))
                abort(); /* one entry per issuer */
    }
    for (size_t i = 0; i < c->n_events; i++) {
        const config_event *ev = &c->events[i];
        if (!ev->id[0] || !CONFIG_CSTR(ev->id) || !ev->title[0] || !CONFIG_CSTR(ev->title) ||
            !CONFIG_CSTR(ev->kind) || !CONFIG_CSTR(ev->host) || !CONFIG_CSTR(ev->location) ||
            !CONFIG_CSTR(ev->questions) || !CONFIG_CSTR(ev->issuers) || ev->end_ms <= ev->start_ms)
            abort();
        if (config_find_event(c, ev->id) != ev)
            abort(); /* one entry per event */
    }
    if (c->event_id[0] && !config_find_event(c, c->event_id))
        abort();
    if (c->sync.endpoint[0] && strncmp(c->sync.endpoint, "https://", 8) &&
        strncmp(c->sync.endpoint, "http://127.0.0.1", 16) &&
        strncmp(c->sync.endpoint, "http://localhost", 16) &&
        strncmp(c->sync.endpoint, "http://[::1]", 12))
        abort(); /* credentials in the clear */
    if (c->sync.batch_size < 1 || c->sync.batch_size > LK_SYNC_BATCH_MAX ||
        c->ui.volume < 0 || c->ui.volume > 100 || c->retention_days < 0 ||
        c->retention_days > 3650)
        abort();
}

int fuzz_config_one(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024 || !config_fuzz_write(data, size))
        return 0;
    char err[CONFIG_ERR_MAX + 1200];
    memset(err, 'x', sizeof err);
    lk_status st = config_load(config_fuzz_cfg, config_fuzz_path, err, sizeof err);
    if (st == LK_OK) {
        config_fuzz_check(config_fuzz_cfg);
        config_free(config_fuzz_cfg);
        return 0;
    }
    if (st != LK_ERR_CONFIG && st != LK_ERR_NOMEM)
        abort();
    if (!memchr(err, '\0', sizeof err) || strncmp(err, config_fuzz_path, strlen(config_fuzz_path)))
        abort(); /* every refusal names the file */
    (void)config_active_event(config_fuzz_cfg, 1795000000000);
    config_free(config_fuzz_cfg);
    return 0;
}

#ifndef LK_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_config_one(data, size);
}
#endif
