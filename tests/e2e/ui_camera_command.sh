#!/bin/sh
# [camera] source = command, as a Pi with a libcamera camera runs it (rpicam-vid
# --codec yuv420 -o -): a program writes raw I420 frames to its stdout. Here the
# program is a shell script that plays I420 frames made from the demo's PNG frames
# (an empty scene, then a pass), then ends; the kiosk, headless in script mode,
# checks the student in, notices the end, and starts the program again. A second
# program writes a few garbage bytes and then hangs: the kiosk shows "Geen camera",
# stays responsive, and on quit leaves no process of the program behind.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-camcmd.XXXXXX)
cleanup() {
    [ -n "${KPID:-}" ] && kill "$KPID" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
INI="$T/demo/kiosk.ini"
empty=$(ls "$T/demo/frames" | grep empty | head -n1)
pass=$(ls "$T/demo/frames" | grep pass | head -n1)
# I420 = the Y plane (the grey picture) and two quarter-size chroma planes.
head -c $((640 * 480 / 2)) /dev/zero | tr '\000' '\200' > "$T/uv"
for f in empty pass; do
    eval src=\$$f
    convert "$T/demo/frames/$src" -resize '640x480!' -colorspace Gray -depth 8 "gray:$T/$f.y"
    [ "$(wc -c < "$T/$f.y")" = $((640 * 480)) ] || { echo "bad Y plane for $f"; exit 1; }
    cat "$T/$f.y" "$T/uv" > "$T/$f.i420"
done
# The first start: two seconds of empty frames, two seconds of the pass, then the end
# of the program (a camera that went away). Later starts: empty frames, on and on.
cat > "$T/cam.sh" <<CAM
echo started >> "$T/starts"
if [ "\$(wc -l < "$T/starts")" = 1 ]; then
    i=0; while [ \$i -lt 20 ]; do cat "$T/empty.i420"; sleep 0.1; i=\$((i + 1)); done
    i=0; while [ \$i -lt 20 ]; do cat "$T/pass.i420"; sleep 0.1; i=\$((i + 1)); done
    exit 3
fi
while :; do cat "$T/empty.i420"; sleep 0.1; done
CAM
setcam() { # the [camera] section of kiosk.ini: source = command with command $1
    sed -i "/^source *=/d; /^command *=/d; s|^\[camera\]|[camera]\nsource = command\ncommand = $1|" "$INI"
}
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|; s/^sound *= *true/sound = false/; s/^fps *=.*/fps = 15/" "$INI"
setcam "sh $T/cam.sh"
cat > "$T/s" <<SCRIPT
wait 1500
expect-text Camera aan
wait 6500
quit
SCRIPT
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_LATENCY=1 \
    LOBKIOSK_SCRIPT="$T/s" "$LOBKIOSK" --config "$INI" > "$T/out" 2> "$T/err" &
KPID=$!
rc=0
wait "$KPID" || rc=$?
KPID=
[ "$rc" = 0 ] || { cat "$T/err"; echo "kiosk script failed ($rc)"; exit 1; }
n=$(sqlite3 "$T/demo/data/lobkiosk.db" "SELECT count(*) FROM experiences")
[ "$n" = 1 ] || { cat "$T/err"; echo "expected 1 check-in from the command's frames, got $n"; exit 1; }
grep -q 'camera command: the program ended (exit status 3)' "$T/err" ||
    { cat "$T/err"; echo "the program's end was not noticed"; exit 1; }
starts=$(wc -l < "$T/starts")
[ "$starts" -ge 2 ] || { cat "$T/err"; echo "the program was not started again ($starts starts)"; exit 1; }
seq=$(awk '/^screen-shown/ { printf "%s ", $2 }' "$T/err")
case "$seq" in "idle welcome "*) ;; *) echo "screens shown: $seq"; exit 1 ;; esac

# Garbage: a few bytes, then a program that hangs (and a child of its own).
marker=$((9000 + $$ % 997))
setcam "head -c 1000 /dev/urandom; sleep $marker.25 \& exec sleep $marker.5"
SHOTS=${LK_UI_SHOTS:-$T}
cat > "$T/s" <<SCRIPT
wait 1500
expect idle
wait 3000
expect idle
expect-text Geen camera
shot $SHOTS/camera-command-stuck.png
check-overflow
quit
SCRIPT
start=$(date +%s)
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_LATENCY=1 \
    LOBKIOSK_SCRIPT="$T/s" "$LOBKIOSK" --config "$INI" > "$T/out" 2> "$T/err" &
KPID=$!
rc=0
wait "$KPID" || rc=$?
KPID=
took=$(($(date +%s) - start))
[ "$rc" = 0 ] || { cat "$T/err"; echo "kiosk script failed with a garbage camera ($rc)"; exit 1; }
[ "$took" -lt 20 ] || { echo "the kiosk took $took s with a garbage camera"; exit 1; }
grep -q 'camera command: no whole frame for 3 s' "$T/err" ||
    { cat "$T/err"; echo "the stuck program was not stopped"; exit 1; }
sleep 0.3
if pgrep -f "sleep $marker\\." >/dev/null; then
    ps -eo pid,ppid,stat,cmd | grep "sleep $marker" | grep -v grep
    echo "the camera program outlived the kiosk"
    exit 1
fi
echo "ui_camera_command: checked in from I420 frames, restarted after the program ended ($starts starts), a stuck program stopped and gone"
