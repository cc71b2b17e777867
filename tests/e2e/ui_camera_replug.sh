#!/bin/sh
# The camera unplugged and plugged in again, as the idle screen shows it, with the
# folder frame source: the frames folder is renamed away while the kiosk runs (the
# status line says the camera is missing), then put back with a pass in it: the
# camera recovers by itself within seconds and the pass is checked in. On the way,
# the preview-only redraw must leave the same screen as a full frame.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-cam.XXXXXX)
cleanup() {
    [ -n "${KPID:-}" ] && kill "$KPID" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
INI="$T/demo/kiosk.ini"
F="$T/cam"
mkdir -p "$F"
# Two images without a code, five frames each: the folder source looks at the
# folder whenever it moves on to the next image, so a vanished folder is noticed.
# The second is brighter, so the preview changes and is redrawn on its own.
empty=$(ls "$T/demo/frames" | grep empty | head -n1)
pass=$(ls "$T/demo/frames" | grep pass | head -n1)
cp "$T/demo/frames/$empty" "$F/00-empty@5.png"
convert "$T/demo/frames/$empty" -evaluate add 20% "$F/01-empty@5.png"
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|; s/^sound *= *true/sound = false/; s|^folder *=.*|folder = $F|; s/^fps *=.*/fps = 15/" "$INI"
SHOTS=${LK_UI_SHOTS:-$T}
cat > "$T/s" <<SCRIPT
wait 1500
check-redraw
expect idle
expect-text Camera aan
echo UNPLUG
wait 3000
expect idle
expect-text Geen camera
shot $SHOTS/camera-unplugged.png
check-overflow
echo REPLUG
wait 6000
quit
SCRIPT
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_LATENCY=1 \
    LOBKIOSK_SCRIPT="$T/s" "$LOBKIOSK" --config "$INI" > "$T/out" 2> "$T/err" &
KPID=$!
waitfor() { # word: until the kiosk printed it (at most 10 s)
    i=0
    until grep -q "^$1\$" "$T/out"; do
        i=$((i + 1))
        [ $i -lt 100 ] || { echo "kiosk never said $1"; cat "$T/err"; exit 1; }
        sleep 0.1
    done
}
waitfor UNPLUG
mv "$F" "$T/cam.away"
waitfor REPLUG
cp "$T/demo/frames/$pass" "$T/cam.away/02-pass@30.png"
mv "$T/cam.away" "$F"
back=$(date +%s%3N)
rc=0
wait "$KPID" || rc=$?
KPID=
[ "$rc" = 0 ] || { cat "$T/err"; echo "kiosk script failed ($rc)"; exit 1; }
grep -q '^check-redraw: [1-9][0-9]* preview-only frames, 0 pixels differ$' "$T/out" ||
    { cat "$T/out"; echo "no preview-only frames before the check"; exit 1; }
# The pass in the frames was checked in after the camera came back.
n=$(sqlite3 "$T/demo/data/lobkiosk.db" "SELECT count(*) FROM experiences")
[ "$n" = 1 ] || { cat "$T/err"; echo "expected 1 check-in after the replug, got $n"; exit 1; }
at=$(sqlite3 "$T/demo/data/lobkiosk.db" "SELECT checkin_ms FROM experiences")
took=$((at - back))
[ "$took" -ge 0 ] && [ "$took" -lt 5000 ] || { echo "check-in $took ms after the replug"; exit 1; }
seq=$(awk '/^screen-shown/ { printf "%s ", $2 }' "$T/err")
case "$seq" in "idle welcome "*) ;; *) echo "screens shown: $seq"; exit 1 ;; esac
echo "ui_camera_replug: camera missing shown, back and checked in $took ms after the replug"
