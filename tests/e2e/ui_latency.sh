#!/bin/sh
# The bench's latency figure (script mode): a pass typed by a scanner from its own
# thread (type-later) checks the student in, and the welcome frame prints
# "input-to-frame MS" from the Return's SDL stamp; a Return with no pass before it
# prints nothing, and a scan without a Return (camera, `scan`) has no such figure.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-latency.XXXXXX)
trap 'rm -rf "$T"' EXIT
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|; s/^sound *= *true/sound = false/" \
    "$T/demo/kiosk.ini"
sed -i 's/^source *= *folder/source = none/' "$T/demo/kiosk.ini"
P="$T/demo/passes/passes.txt"
pay() { awk -v s="$1" '$3 == s { print $4 }' "$P"; }
cat > "$T/s" <<SCRIPT
wait 100
type-later 50 $(pay 1001)
wait 1500
expect welcome
scan $(pay 1002)
wait 300
type-later 10
wait 300
quit
SCRIPT
# "type-later 10" alone is a usage error: the kiosk says so and exits 1
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_LATENCY=1
if LOBKIOSK_SCRIPT="$T/s" "$LOBKIOSK" --config "$T/demo/kiosk.ini" 2> "$T/log"; then
    echo "FAIL: a type-later without text was accepted"; exit 1
fi
grep -q "type-later needs milliseconds and text" "$T/log" || { cat "$T/log"; exit 1; }
n=$(grep -c '^input-to-frame [0-9][0-9]* ms$' "$T/log" || true)
[ "$n" = 1 ] || { echo "FAIL: $n input-to-frame lines, want 1"; cat "$T/log"; exit 1; }
ms=$(awk '/^input-to-frame/ { print $2 }' "$T/log")
[ "$ms" -lt 10000 ] || { echo "FAIL: input-to-frame $ms ms"; exit 1; }
[ "$(grep -c '^scan-to-frame' "$T/log")" = 2 ] || { cat "$T/log"; exit 1; }
echo "ok: input-to-frame $ms ms"
