#!/bin/sh
# The kiosk as a Type=notify service with WatchdogSec=, against a stand-in for
# systemd's notify socket (a unix datagram socket this test reads): READY=1
# arrives once the first frame is shown, WATCHDOG=1 keeps coming from the main
# loop at half the interval, and a loop that hangs (script `hang`) stops them,
# which is what makes systemd restart a frozen kiosk. STOPPING=1 at the end.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-notify.XXXXXX)
LPID=""
cleanup() { [ -n "$LPID" ] && kill "$LPID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
${CC:-cc} -O1 -o "$T/notify_listen" "$ROOT/tests/e2e/notify_listen.c"
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$T/demo/kiosk.ini"
sed -i 's/^source *= *folder/source = none/' "$T/demo/kiosk.ini"
"$T/notify_listen" "$T/notify" 60 > "$T/got" &
LPID=$!
i=0
while [ ! -S "$T/notify" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
cat > "$T/s" <<'SCRIPT'
wait 2500
hang 4000
wait 2500
quit
SCRIPT
# WatchdogSec=1s: a keep-alive every 500 ms.
NOTIFY_SOCKET="$T/notify" WATCHDOG_USEC=1000000 SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy \
    LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$T/s" LOBKIOSK_NO_THREADS=1 \
    "$LOBKIOSK" --config "$T/demo/kiosk.ini" 2> "$T/err"
wait "$LPID" || true
LPID=""
fail() { echo "service_notify: $1"; cat "$T/got"; cat "$T/err"; exit 1; }
grep -q 'keep-alive every 500 ms' "$T/err" || fail "the kiosk did not see the watchdog"
grep -q 'renderer' "$T/err" || fail "no log line naming the SDL renderer"
[ "$(grep -c 'READY=1' "$T/got")" = 1 ] || fail "READY=1 not sent exactly once"
grep -q 'STOPPING=1' "$T/got" || fail "no STOPPING=1 at the end"
# Keep-alives: about every 500 ms, except one gap of the 4 s hang.
awk '/WATCHDOG=1/ { if (last != "") { g = $1 - last; if (g > max) max = g; if (g < 1500) small++ } last = $1; n++ }
     END { printf "%d %d %d\n", n, max, small }' "$T/got" > "$T/stat"
read -r n max small < "$T/stat"
[ "$n" -ge 6 ] || fail "only $n keep-alives"
[ "$max" -ge 3500 ] || fail "the hung loop kept feeding the watchdog (largest gap $max ms)"
[ "$small" -ge 4 ] || fail "keep-alives did not come steadily outside the hang"
echo "service_notify: READY once, $n keep-alives, none for $max ms while the loop hung"
