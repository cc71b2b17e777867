#!/bin/sh
# Redraw only what changed (script mode, counted, not timed):
# 1. no camera: an idle kiosk presents at most about one frame a second;
# 2. a camera looking at a still scene with sensor noise (every frame differs a
#    little): the preview is not uploaded again (sensor noise is no change), and
#    nothing is presented; a scene whose light comes up slowly (4 levels a frame)
#    is uploaded as it drifts;
# 3. a camera seeing a small square move over a still scene: each upload carries
#    only the tiles that changed (well under half the preview), yet the preview
#    holds exactly the camera's newest frame and the screen equals a full frame.
# Both sizes of issue 12: 800x480 and 1920x1080.
set -eu
: "${LOBKIOSK:?}"
command -v convert >/dev/null || { echo "skip: ImageMagick convert missing"; exit 0; }
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-redraw.XXXXXX)
trap 'rm -rf "$T"' EXIT
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
INI="$T/demo/kiosk.ini"
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|; s/^sound *= *true/sound = false/; s/^fps *=.*/fps = 15/" "$INI"
empty="$T/demo/frames/$(ls "$T/demo/frames" | grep empty | head -n1)"
# A still scene with sensor noise: ten frames, each its own noise (sigma about 8).
mkdir "$T/noise" "$T/square" "$T/drift"
for i in 0 1 2 3 4 5 6 7 8 9; do
    convert "$empty" -seed $((i + 1)) -attenuate 0.4 +noise Gaussian "$T/noise/f$i.png"
done
# A 60 px square moving 20 px a frame over the clean scene.
for i in 0 1 2 3 4 5 6 7; do
    x=$((100 + 20 * i))
    convert "$empty" -fill black -draw "rectangle $x 150 $((x + 60)) 210" "$T/square/f$i.png"
done
# A clean scene getting brighter by about 4 levels a frame.
for i in 0 1 2 3 4 5 6 7 8 9; do
    convert "$empty" -evaluate add "$(awk -v i=$i 'BEGIN { printf "%.2f", i * 400 / 255 }')%" "$T/drift/f$i.png"
done
# The same square as a grey camera (source = command, raw I420 at 640x480, as
# rpicam-vid on a Pi writes it): the scanner hands the luma plane over as it is.
head -c $((640 * 480 / 2)) /dev/zero | tr '\000' '\200' > "$T/uv"
for i in 0 1 2 3 4 5 6 7; do
    convert "$T/square/f$i.png" -resize '640x480!' -colorspace Gray -depth 8 "gray:$T/y$i"
    cat "$T/y$i" "$T/uv" > "$T/g$i.i420"
done
printf 'while :; do for i in 0 1 2 3 4 5 6 7; do cat "%s/g$i.i420"; sleep 0.066; done; done\n' "$T" > "$T/cam.sh"
sed 's/^source *= *folder/source = none/' "$INI" > "$T/none.ini"
sed "/^source *=/d; /^command *=/d; s|^\[camera\]|[camera]\nsource = command\ncommand = sh $T/cam.sh|" \
    "$INI" > "$T/grey.ini"
sed "s|^folder *=.*|folder = $T/drift|" "$INI" > "$T/drift.ini"
sed "s|^folder *=.*|folder = $T/noise|" "$INI" > "$T/noise.ini"
sed "s|^folder *=.*|folder = $T/square|" "$INI" > "$T/square.ini"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy

run() { # ini size script -> stdout of the kiosk
    printf '%s\n' "$3" > "$T/s"
    LOBKIOSK_SIZE=$2 LOBKIOSK_SCRIPT="$T/s" "$LOBKIOSK" --config "$1" > "$T/out" 2> "$T/err" ||
        { cat "$T/out" "$T/err"; echo "FAIL: kiosk script ($2)"; exit 1; }
}
field() { awk -v k="$1" '/^frames / { for (i = 2; i < NF; i += 2) if ($i == k) print $(i + 1) }' "$T/out" | tail -n1; }
fail() { echo "FAIL ($size): $1"; cat "$T/out"; exit 1; }

# A square moving in front of the camera of kiosk.ini $1 at size $2 ($3 names it):
# partial uploads, an exact picture, the screen equal to a full frame.
moving_square() {
    run "$1" "$2" "wait-camera 5000
wait 1500
frames
wait 3000
frames
check-preview
wait 70
check-preview
wait 130
check-preview
wait 200
check-preview
check-redraw
quit"
    up=$(field uploads) px=$(field upload-px) all=$(field preview-px)
    [ "$up" -ge 15 ] || fail "$3: only $up uploads in 3 s at 15 frames a second"
    # only the square's tiles (a whole refresh every 10 s at most)
    [ $((px / up)) -lt $((all / 2)) ] || fail "$3: $px pixels in $up uploads of a $all pixel preview"
    [ "$(grep -c '^check-preview: 0 pixels differ$' "$T/out")" = 4 ] || fail "$3: preview differs from the frame"
    grep -q '^check-redraw: [0-9]* preview-only frames, 0 pixels differ$' "$T/out" || fail "$3: check-redraw"
    echo "ok $2: $3 $up uploads in 3 s, $((px / up)) of $all preview pixels each"
}

for size in 800x480 1920x1080; do
    # 1. No camera: 4 s idle, at most one frame a second (and one spare).
    run "$T/none.ini" "$size" "wait 1500
frames
wait 4000
frames
quit"
    full=$(field full)
    [ "$full" -le 5 ] || fail "no camera: $full frames presented in 4 s idle"

    # 2. Noisy still scene: 4 s at 15 frames a second = 60 camera frames.
    run "$T/noise.ini" "$size" "wait-camera 5000
wait 1500
frames
wait 4000
frames
quit"
    full=$(field full) pv=$(field preview) up=$(field uploads)
    [ "$up" -le 1 ] || fail "still scene: $up preview uploads in 4 s (sensor noise counted as change)"
    [ $((full + pv)) -le 5 ] || fail "still scene: $full full and $pv preview frames presented in 4 s"
    run "$T/drift.ini" "$size" "wait-camera 5000
wait 1500
frames
wait 4000
frames
quit"
    up=$(field uploads)
    [ "$up" -ge 6 ] || fail "slowly brightening scene: only $up preview uploads in 4 s"

    # 3. A moving square: partial uploads, exact picture, screen equal to a full frame.
    moving_square "$T/square.ini" "$size" "moving square"
    # 4. The same square from a grey camera: grey frames, converted tile by tile.
    moving_square "$T/grey.ini" "$size" "grey camera"
done
echo "ui_redraw: idle and still scenes present nothing new; drift and moving parts (RGB and grey cameras) upload only their tiles, exactly"
