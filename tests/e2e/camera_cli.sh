#!/bin/sh
# no-sanitizer: one part loads the fake camera with LD_PRELOAD, which must not
# come before the sanitizer runtime.
# lobkiosk camera, the technician's camera test, and check's camera line, with the
# three kinds of source: the demo's frames folder, a command writing I420 frames,
# and a fake V4L2 webcam (tests/fake/fake_v4l2.c through LD_PRELOAD) that runs at
# 30 fps and offers only MJPEG. Each prints the format negotiated and the frame
# rate; a pass in view is printed as a line beginning with its payload; --save
# writes PNGs that decode to the same payload; frames faster than fps are dropped
# (30 fps in, about 15 out). A command that never sends a frame: exit 1 and a FAIL
# line in check.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-camcli.XXXXXX)
trap 'rm -rf "$T"' EXIT
die() { echo "camera_cli: $*"; exit 1; }
"$LOBKIOSK" init --demo "$T/demo" >/dev/null
INI="$T/demo/kiosk.ini"
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$INI"
pass=$(ls "$T/demo/frames" | grep pass | head -n1)
payload=$("$LOBKIOSK" decode "$T/demo/frames/$pass")
[ -n "$payload" ] || die "the demo pass frame does not decode"
rate() { sed -n 's/.* \([0-9.]*\) fps (asked.*/\1/p' "$T/err"; }
between() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'; }

# --- the frames folder (the demo camera) ---
"$LOBKIOSK" --config "$INI" camera --frames 75 --save "$T/shots" > "$T/out" 2> "$T/err" ||
    { cat "$T/err"; die "folder: exit $?"; }
grep -q '^camera: format images of 640x480 from the folder ' "$T/err" || { cat "$T/err"; die "folder: no format"; }
grep -q "^$payload	frame [0-9]*\$" "$T/out" || { cat "$T/out"; die "folder: payload not printed"; }
[ "$(ls "$T/shots" | wc -l)" = 75 ] || die "folder: not 75 PNGs saved"
n=$(grep -m1 "^$payload" "$T/out" | sed 's/.*frame //')
"$LOBKIOSK" decode "$T/shots/frame-$(printf %04d "$n").png" | grep -qx "$payload" ||
    die "folder: the saved frame $n does not decode"
echo "ok: folder: format, payload, 75 PNGs saved, rate $(rate) fps"

# --- a command writing I420 at 30 fps; asked 15 ---
convert "$T/demo/frames/$pass" -colorspace Gray -depth 8 "gray:$T/pass.y"
head -c $((640 * 480 / 2)) /dev/zero | tr '\000' '\200' > "$T/uv"
cat "$T/pass.y" "$T/uv" > "$T/pass.i420"
cat > "$T/cam.sh" <<CAM
while :; do cat "$T/pass.i420"; sleep 0.033; done
CAM
sed -i "/^source *=/d; /^command *=/d; s|^\[camera\]|[camera]\nsource = command\ncommand = sh $T/cam.sh|" "$INI"
"$LOBKIOSK" --config "$INI" camera --frames 30 > "$T/out" 2> "$T/err" || { cat "$T/err"; die "command: exit $?"; }
grep -q "^camera: format I420 640x480 from the command 'sh $T/cam.sh'" "$T/err" || { cat "$T/err"; die "command: no format"; }
grep -q "^$payload	frame " "$T/out" || { cat "$T/out" "$T/err"; die "command: payload not printed"; }
between "$(rate)" 10 17 || { cat "$T/err"; die "command: rate $(rate) fps, asked 15"; }
"$LOBKIOSK" --config "$INI" check > "$T/check" 2>&1 || true
grep -q "^ok    camera      a 640x480 frame: I420 640x480 from the command" "$T/check" ||
    { cat "$T/check"; die "command: check did not grab a frame"; }
echo "ok: command: format, payload, rate $(rate) fps of 30 offered (asked 15), check grabs a frame"

# --- a command that never sends a frame ---
sed -i "s|^command *=.*|command = sleep 30|" "$INI"
rc=0
"$LOBKIOSK" --config "$INI" camera --frames 5 > "$T/out" 2> "$T/err" || rc=$?
[ "$rc" = 1 ] || { cat "$T/err"; die "silent command: exit $rc, expected 1"; }
grep -q '^camera: no frame within' "$T/err" || { cat "$T/err"; die "silent command: no explanation"; }
rc=0
"$LOBKIOSK" --config "$INI" check > "$T/check" 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q '^FAIL  camera      no frame within' "$T/check" ||
    { cat "$T/check"; die "silent command: check did not fail ($rc)"; }
echo "ok: a command without frames: camera exits 1, check FAILs"

# --- a fake V4L2 webcam: MJPEG only, 30 fps ---
${CC:-cc} -shared -fPIC -O1 -o "$T/fake_v4l2.so" "$ROOT/tests/fake/fake_v4l2.c" -ldl
convert "$T/demo/frames/$pass" -quality 85 "$T/pass.jpg"
sed -i "/^source *=/d; /^device *=/d; s|^\[camera\]|[camera]\nsource = v4l2\ndevice = $T/video5|" "$INI"
export FAKE_V4L2_DEVICE="$T/video5" FAKE_V4L2_FORMAT=MJPG FAKE_V4L2_FRAMES="$T/pass.jpg" FAKE_V4L2_FPS=30
LD_PRELOAD="$T/fake_v4l2.so" "$LOBKIOSK" --config "$INI" camera --frames 30 > "$T/out" 2> "$T/err" ||
    { cat "$T/err"; die "v4l2: exit $?"; }
grep -q "^camera: format MJPG 640x480 from $T/video5 (it offers MJPG; decoded to grey by libjpeg-turbo)" "$T/err" ||
    { cat "$T/err"; die "v4l2: no format"; }
grep -q "^$payload	frame " "$T/out" || { cat "$T/out" "$T/err"; die "v4l2: payload not printed"; }
between "$(rate)" 10 17 || { cat "$T/err"; die "v4l2: rate $(rate) fps, asked 15"; }
LD_PRELOAD="$T/fake_v4l2.so" "$LOBKIOSK" --config "$INI" check > "$T/check" 2>&1 || true
grep -q "^ok    camera      a 640x480 frame: MJPG 640x480 from $T/video5" "$T/check" ||
    { cat "$T/check"; die "v4l2: check did not grab a frame"; }
echo "ok: v4l2 (fake, MJPEG only): format, payload, rate $(rate) fps of 30 (asked 15), check grabs a frame"

# --- wrong arguments ---
rc=0
"$LOBKIOSK" --config "$INI" camera --frames 0 > /dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || die "--frames 0: exit $rc"
echo "camera_cli: folder, command and fake V4L2 sources tested"
