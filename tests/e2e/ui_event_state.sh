#!/bin/sh
# The event an admin chooses on the admin screen survives a restart (kept in
# data_dir/kiosk-state.ini, mode 0600); an event that left kiosk.ini falls back to
# kiosk.ini's own [kiosk] event, and "by time" is kept as a choice too.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-event.XXXXXX)
trap 'rm -rf "$T"' EXIT
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
INI="$T/demo/kiosk.ini"
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|; s/^source *= *folder/source = none/" "$INI"
STATE="$T/demo/data/kiosk-state.ini"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_NO_THREADS=1
run() { # script-file log
    LOBKIOSK_SCRIPT="$1" "$LOBKIOSK" --config "$INI" 2> "$2" || { cat "$2"; echo "kiosk failed ($1)"; exit 1; }
}
OPEN='Open dag Techniek'
STAGE='Meeloopdag bij Bouwbedrijf'

# 1. kiosk.ini serves DEMO-OPEN; the admin switches to the second event (DEMO-STAGE).
cat > "$T/choose.script" <<SCRIPT
wait 50
expect idle
expect-text $OPEN
tap admin
tap pin-1
tap pin-2
tap pin-3
tap pin-4
tap pin-ok
expect admin
tap event-1
tap close
expect idle
expect-text $STAGE
quit
SCRIPT
run "$T/choose.script" "$T/1.log"
[ -f "$STATE" ] || { echo "no $STATE"; exit 1; }
[ "$(stat -c %a "$STATE")" = 600 ] || { echo "state file mode $(stat -c %a "$STATE"), not 600"; exit 1; }
grep -q '^event = DEMO-STAGE$' "$STATE" || { cat "$STATE"; exit 1; }

# 2. A restart serves the chosen event.
printf 'wait 50\nexpect idle\nexpect-text %s\nexpect-no-text %s\nquit\n' "$STAGE" "$OPEN" > "$T/restart.script"
run "$T/restart.script" "$T/2.log"

# 3. The chosen event left kiosk.ini: back to kiosk.ini's [kiosk] event, with a line
#    in the log.
sed -i 's/^event = DEMO-STAGE$/event = GONE-EVENT/' "$STATE"
printf 'wait 50\nexpect idle\nexpect-text %s\nquit\n' "$OPEN" > "$T/fallback.script"
run "$T/fallback.script" "$T/3.log"
grep -q 'GONE-EVENT) is no longer in kiosk.ini; serving \[kiosk\] event' "$T/3.log" || { cat "$T/3.log"; exit 1; }

# 4. Without [kiosk] event in kiosk.ini the fallback is by time (both demo events run
#    now; the earliest start wins, as without a kept choice).
sed 's/^event = DEMO-OPEN$/event =/' "$INI" > "$T/demo/bytime.ini"
LOBKIOSK_SCRIPT="$T/fallback.script" "$LOBKIOSK" --config "$T/demo/bytime.ini" 2> "$T/4.log" || { cat "$T/4.log"; exit 1; }
grep -q 'no longer in kiosk.ini; choosing by time' "$T/4.log" || { cat "$T/4.log"; exit 1; }

# 5. "By time" chosen on the admin screen is kept as well (overrides [kiosk] event).
sed -i 's/^event = .*$/event = DEMO-STAGE/' "$STATE"
cat > "$T/auto.script" <<SCRIPT
wait 50
expect-text $STAGE
tap admin
tap pin-1
tap pin-2
tap pin-3
tap pin-4
tap pin-ok
tap event-auto
tap close
quit
SCRIPT
run "$T/auto.script" "$T/5.log"
grep -q '^event = *$' "$STATE" || { cat "$STATE"; exit 1; }
echo "ui_event_state: chosen event kept across restarts, fallbacks ok"
