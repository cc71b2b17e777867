#!/bin/sh
# [ui] rotate: a screen mounted sideways or upside down. For 90, 180 and 270 on an
# 800x480 output (and 90 on 1920x1080):
# - the picture is the UI laid out for the turned size (480x800 at 90 and 270),
#   turned clockwise: the screenshot equals the unturned screenshot at that size
#   turned by ImageMagick;
# - a finger and a mouse click at the output pixel where a button shows up hit
#   that button: the PIN 1234 typed at output pixels opens the admin screen;
# - no text overflows at the turned size.
# The kiosk starts turned from kiosk.ini (rotate = 90) once, too.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-rotate.XXXXXX)
trap 'rm -rf "$T"' EXIT
SHOTS=${LK_UI_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$T/demo/kiosk.ini"
sed -i 's/^source *= *folder/source = none/' "$T/demo/kiosk.ini"
run() { # script [size]
    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=${2:-800x480} LOBKIOSK_SCRIPT="$1" \
        LOBKIOSK_NO_THREADS=1 "$LOBKIOSK" --config "$T/demo/kiosk.ini"
}
fail() { echo "ui_rotate: $1"; exit 1; }
# The same pixels, allowing a few at antialiased edges.
same() {
    n=$(compare -metric AE "$1" "$2" null: 2>&1 || true)
    n=${n%% *}
    [ "${n%.*}" -le 50 ] 2>/dev/null || fail "$3: $n pixels differ ($1, $2)"
}
for case in 800x480:90 800x480:180 800x480:270 1920x1080:90; do
    size=${case%%:*}
    rot=${case##*:}
    ow=${size%x*}
    oh=${size#*x}
    if [ "$rot" = 180 ]; then lsize=$size; else lsize=${oh}x${ow}; fi
    d="$SHOTS/$size-$rot"
    mkdir -p "$d"
    # 1. Where the buttons are in the UI, and the unturned pictures.
    cat > "$T/a" <<SCRIPT
size $lsize
wait 30
shot $d/idle-unturned.png
where admin
tap admin
expect pin
shot $d/pin-unturned.png
where pin-1
where pin-2
where pin-3
where pin-4
where pin-ok
tap pin-1
tap pin-2
tap pin-3
tap pin-4
tap pin-ok
expect admin
where close
quit
SCRIPT
    run "$T/a" "$lsize" > "$T/where"
    # 2. The turned pictures, and the PIN typed at output pixels.
    {
        echo "rotate $rot"
        echo "wait 30"
        echo "shot $d/idle.png"
        echo "check-overflow"
        grep '^where admin ' "$T/where"
        echo "expect pin"
        echo "shot $d/pin.png"
        echo "check-overflow"
        grep '^where pin-' "$T/where"
        echo "expect admin"
        echo "shot $d/admin.png"
        echo "check-overflow"
        grep '^where close ' "$T/where"
        echo "expect idle"
        echo "quit"
    } | awk -v ow="$ow" -v oh="$oh" -v rot="$rot" '
        $1 == "where" {
            x = $3; y = $4
            # The UI turned clockwise: where its point (x, y) shows on the output.
            if (rot == 90) { px = ow - 1 - y; py = x }
            else if (rot == 180) { px = ow - 1 - x; py = oh - 1 - y }
            else { px = y; py = oh - 1 - x }
            # fingers for the PIN digits, the mouse for the rest
            print ($2 ~ /^pin-[0-9]$/ ? "touch-output " : "tap-output ") px " " py
            next
        }
        { print }' > "$T/b"
    run "$T/b" "$size" || fail "$size turned $rot: the taps at output pixels missed (script $(cat "$T/b"))"
    for s in idle pin; do
        convert "$d/$s-unturned.png" -rotate "$rot" "$T/want.png"
        same "$T/want.png" "$d/$s.png" "$size turned $rot, $s screen"
    done
done
# From kiosk.ini.
sed -i 's/^rotate *=.*/rotate = 90/' "$T/demo/kiosk.ini"
grep -q '^rotate = 90' "$T/demo/kiosk.ini" || fail "no rotate key in the demo kiosk.ini"
printf 'wait 30\nshot %s\nquit\n' "$SHOTS/ini-90.png" > "$T/c"
run "$T/c" 800x480
convert "$SHOTS/800x480-90/idle-unturned.png" -rotate 90 "$T/want.png"
same "$T/want.png" "$SHOTS/ini-90.png" "rotate = 90 from kiosk.ini"
sed -i 's/^rotate *=.*/rotate = 45/' "$T/demo/kiosk.ini"
if run "$T/c" 800x480 2> "$T/err"; then fail "rotate = 45 was accepted"; fi
grep -q "rotate" "$T/err" || fail "rotate = 45 refused without saying why"
echo "ui_rotate: 90, 180, 270 drawn turned, taps at output pixels hit their buttons"
