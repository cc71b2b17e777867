# `make run` without a display: the headless demo, made from another working
# directory than the source tree. Its first screen must show the demo camera's
# picture (not "Geen camera"), and right from the first frame the kiosk never says
# "no camera" for a camera that is only starting.
# no-sanitizer: SDL's offscreen video driver (the one make run uses headless) loads
# Mesa's EGL with dlopen and unloads it again; LeakSanitizer cannot name what those
# unloaded modules allocated, so it would count them against the kiosk.
set -eu
: "${LOBKIOSK:?}" "${LK_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy sh "$LK_ROOT/scripts/run-demo" "$LOBKIOSK" demo >"$tmp/out" 2>&1 ||
    { cat "$tmp/out"; echo "demo_run: the headless demo failed"; exit 1; }
for f in 1-idle 2-welcome 3-reflection; do
    test -s "demo/screens/$f.png" || { cat "$tmp/out"; echo "demo_run: no $f.png"; exit 1; }
done
cat > "$tmp/first" <<S
expect-no-text Geen camera
shot $tmp/first.png
wait-camera 15000
expect-text Camera aan
expect-no-text Geen camera
quit
S
SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy LOBKIOSK_SCRIPT="$tmp/first" \
    "$LOBKIOSK" --config demo/kiosk.ini 2>"$tmp/log" || { cat "$tmp/log"; exit 1; }
echo "demo_run: headless demo from $tmp shows the camera"
