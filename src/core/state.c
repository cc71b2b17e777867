/* data_dir/kiosk-state.ini: the admin's event choice, kept across restarts. */
#include "lobkiosk/state.h"

#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/util.h"

static bool state_path(const config *cfg, char *buf, size_t len)
{
    return cfg->data_dir[0] && lk_path_join(buf, len, cfg->data_dir, STATE_FILE);
}

typedef struct state_read {
    char id[sizeof((config *)0)->event_id];
    bool found;    /* [kiosk] event was there */
    bool too_long; /* ... but longer than an event id can be */
} state_read;

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    state_read *r = user;
    if (strcmp(section, "kiosk") == 0 && name && strcmp(name, "event") == 0) {
        r->found = true;
        r->too_long = !lk_strlcpy(r->id, value, sizeof r->id);
    }
    return 1;
}

lk_status state_load_event(config *cfg)
{
    char path[CONFIG_PATH_MAX + 32];
    char *text = NULL;
    if (!cfg || !state_path(cfg, path, sizeof path) || lk_read_file(path, &text, NULL) != LK_OK)
        return LK_OK;
    state_read r = {0};
    int rc = ini_parse_string(text, on_ini, &r);
    free(text);
    const char *then = cfg->event_id[0] ? "serving [kiosk] event" : "choosing by time";
    if (rc != 0) {
        fprintf(stderr, "lobkiosk: %s:%d: this line is not 'key = value' or '[section]'; %s\n",
                path, rc, then);
        return LK_ERR_CONFIG;
    }
    if (r.too_long) {
        fprintf(stderr,
                "lobkiosk: %s: the event chosen earlier is longer than an event id can be; %s\n",
                path, then);
        return LK_ERR_CONFIG;
    }
    if (!r.found)
        return LK_OK;
    if (r.id[0] && !config_find_event(cfg, r.id)) {
        char safe[sizeof r.id * 4];
        lk_log_escape(r.id, safe, sizeof safe); /* the file may have been edited by hand */
        fprintf(stderr, "lobkiosk: the event chosen earlier (%s) is no longer in kiosk.ini; %s\n",
                safe, then);
        return LK_ERR_NOT_FOUND;
    }
    lk_strlcpy(cfg->event_id, r.id, sizeof cfg->event_id);
    return LK_OK;
}

lk_status state_save_event(const config *cfg)
{
    static const char head[] =
        "; The event chosen on the admin screen; lobkiosk writes this file.\n"
        "; Empty: by time. Delete the file to follow kiosk.ini again.\n"
        "[kiosk]\nevent = ";
    char path[CONFIG_PATH_MAX + 32];
    char text[sizeof head + sizeof cfg->event_id + 1];
    if (!cfg || !state_path(cfg, path, sizeof path))
        return LK_ERR_INVALID;
    int n = snprintf(text, sizeof text, "%s%s\n", head, cfg->event_id);
    if (n < 0 || (size_t)n >= sizeof text)
        return LK_ERR_INVALID; /* cannot happen: text holds the longest id */
    lk_status st = lk_write_file(path, text, (size_t)n, 0600, false);
    if (st != LK_OK)
        fprintf(stderr, "lobkiosk: could not keep the chosen event in %s: %s\n", path,
                lk_strerror(st));
    return st;
}
