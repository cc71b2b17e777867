/* The kiosk's own state file, data_dir/kiosk-state.ini: the event an admin chose on
 * the admin screen, so a restart (power cut, update, watchdog) serves the same
 * event. kiosk.ini stays untouched: it may be read-only or managed centrally.
 * "event =" (empty) means the admin chose "by time". Read with inih. Called from
 * the UI thread only (one writer). */
#ifndef LOBKIOSK_STATE_H
#define LOBKIOSK_STATE_H

#include "lobkiosk/config.h"
#include "lobkiosk/status.h"

#define STATE_FILE "kiosk-state.ini"

/* Applies a kept choice to cfg->event_id. No file, or no data_dir: LK_OK and
 * cfg unchanged. A file that does not read (a broken line, an id longer than an
 * event id can be) or an event no longer in kiosk.ini leaves kiosk.ini's own
 * choice in place, with a message on stderr, and returns LK_ERR_CONFIG or
 * LK_ERR_NOT_FOUND. */
lk_status state_load_event(config *cfg);

/* Keeps cfg->event_id in the state file (0600, written atomically). A failure is
 * also said on stderr (the kiosk goes on serving the choice until a restart). */
lk_status state_save_event(const config *cfg);

#endif
