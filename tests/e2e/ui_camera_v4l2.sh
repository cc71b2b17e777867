#!/bin/sh
# no-sanitizer: the fake camera is an LD_PRELOAD library, which must not come
# before the sanitizer runtime.
# [camera] source = v4l2 against a fake V4L2 webcam (tests/fake/fake_v4l2.c, built
# here and loaded with LD_PRELOAD into the real binary: it answers open, ioctl,
# mmap and poll for one device path as a UVC webcam does). One fake offers only
# MJPEG (the frames are JPEG files made from the demo's PNGs), one only YUYV (the
# fake packs grey frames into YUYV with sensor noise). With each, the headless
# kiosk checks a student in; the fake's log shows the format asked for, the
# frame rate hint and the focus and exposure controls from kiosk.ini.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-v4l2.XXXXXX)
cleanup() {
    [ -n "${KPID:-}" ] && kill "$KPID" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT
${CC:-cc} -shared -fPIC -O1 -o "$T/fake_v4l2.so" "$ROOT/tests/fake/fake_v4l2.c" -ldl
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
INI="$T/demo/kiosk.ini"
empty=$(ls "$T/demo/frames" | grep empty | head -n1)
pass=$(ls "$T/demo/frames" | grep pass | head -n1)
for f in empty pass; do
    eval src=\$$f
    convert "$T/demo/frames/$src" -resize '640x480!' -quality 85 "$T/$f.jpg"
    convert "$T/demo/frames/$src" -resize '640x480!' -colorspace Gray -depth 8 "gray:$T/$f.y"
done
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|; s/^sound *= *true/sound = false/; s/^fps *=.*/fps = 15/" "$INI"
sed -i "/^source *=/d; /^device *=/d; /^focus *=/d; /^exposure *=/d" "$INI"
sed -i "s|^\[camera\]|[camera]\nsource = v4l2\ndevice = $T/video7\nfocus = 200\nexposure = auto|" "$INI"
cat > "$T/s" <<SCRIPT
wait 1500
expect-text Camera aan
wait 5000
quit
SCRIPT
run() { # format frames...
    fmt=$1
    shift
    rm -f "$T/demo/data/lobkiosk.db" "$T/demo/data/lobkiosk.db-wal" "$T/demo/data/lobkiosk.db-shm" "$T/log"
    frames=$(echo "$@" | tr ' ' ':')
    FAKE_V4L2_DEVICE="$T/video7" FAKE_V4L2_FORMAT=$fmt FAKE_V4L2_FRAMES=$frames \
        FAKE_V4L2_HOLD=75 FAKE_V4L2_FPS=30 FAKE_V4L2_LOG="$T/log" LD_PRELOAD="$T/fake_v4l2.so" \
        SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_LATENCY=1 \
        LOBKIOSK_SCRIPT="$T/s" "$LOBKIOSK" --config "$INI" > "$T/out" 2> "$T/err" &
    KPID=$!
    rc=0
    wait "$KPID" || rc=$?
    KPID=
    [ "$rc" = 0 ] || { cat "$T/err"; echo "$fmt: kiosk script failed ($rc)"; exit 1; }
    n=$(sqlite3 "$T/demo/data/lobkiosk.db" "SELECT count(*) FROM experiences")
    [ "$n" = 1 ] || { cat "$T/err"; echo "$fmt: expected 1 check-in, got $n"; exit 1; }
    grep -q "^S_FMT asked $fmt 640x480" "$T/log" || { cat "$T/log"; echo "$fmt: not asked for"; exit 1; }
    grep -q "lobkiosk: camera $T/video7: $fmt 640x480" "$T/err" || { cat "$T/err"; echo "$fmt: not logged"; exit 1; }
    grep -q '^S_PARM 1/15$' "$T/log" || { echo "$fmt: no frame rate hint"; exit 1; }
    # focus = 200: autofocus off (0x9a090c), absolute focus 200 (0x9a090a);
    # exposure = auto: V4L2_EXPOSURE_AUTO (0x9a0901 = 0)
    grep -q '^S_CTRL 0x9a090c 0$' "$T/log" && grep -q '^S_CTRL 0x9a090a 200$' "$T/log" &&
        grep -q '^S_CTRL 0x9a0901 0$' "$T/log" || { cat "$T/log"; echo "$fmt: controls not set"; exit 1; }
    echo "ok: $fmt only: checked in"
}
run MJPG "$T/empty.jpg" "$T/pass.jpg"
run YUYV "$T/empty.y" "$T/pass.y"
echo "ui_camera_v4l2: a fake MJPEG-only and a fake YUYV-only webcam each checked a student in"
