#!/bin/sh
# Touch as a Raspberry Pi delivers it, headless. SDL 2.26's KMSDRM backend reads
# the touchscreen through evdev and posts only SDL_FINGERDOWN/UP with window id
# 0 and no mouse events; X11 and Wayland post the finger on the window and a
# mouse click made from it (which = SDL_TOUCH_MOUSEID). The script pushes those
# events exactly so, at 800x480 and 1920x1080, and checks through the PIN pad
# (one digit too many or too few shows as a wrong PIN):
# - a finger taps (KMSDRM), one tap per touch with the synthesised mouse (X11),
#   and the mouse alone still clicks;
# - a second finger while the first holds a button does nothing;
# - a finger that slides off its button before lifting does nothing;
# - a check-in driven by fingers alone.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-touch.XXXXXX)
trap 'rm -rf "$T"' EXIT
SHOTS=${LK_UI_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$T/demo/kiosk.ini"
sed -i 's/^source *= *folder/source = none/' "$T/demo/kiosk.ini"
P="$T/demo/passes/passes.txt"
pay() { awk -v s="$1" '$3 == s { print $4 }' "$P"; }
S=$T/touch.script
: > "$S"
n=1
for size in 800x480 1920x1080; do
    stu=$(pay 100$n)
    cat >> "$S" <<SCRIPT
size $size
wait 30
expect idle
# KMSDRM: fingers only, window id 0
touch admin
expect pin
touch pin-1
touch pin-2
touch pin-3
touch pin-4
touch pin-ok
expect admin
touch close
expect idle
# X11/Wayland: each touch also arrives as a synthesised mouse click
expect-presses 7
touch-x11 admin
expect-presses 1
expect pin
touch-x11 pin-1
touch-x11 pin-2
touch-x11 pin-3
touch-x11 pin-4
touch-x11 pin-ok
expect admin
touch-x11 close
expect-presses 6
expect idle
# the mouse
tap admin
tap pin-1
tap pin-2
tap pin-3
tap pin-4
tap pin-ok
expect admin
tap close
expect-presses 7
# a second finger while the first holds pin-1; then a slide off pin-2
touch admin
finger down 1 pin-1
shot $SHOTS/$size-pressed.png
finger down 2 pin-7
finger up 2 pin-7
finger up 1 pin-1
expect-presses 2
finger down 3 pin-2
finger up 3 pin-9
touch pin-2
touch pin-3
touch pin-4
touch pin-ok
expect admin
touch close
# a check-in with fingers alone
scan $stu
expect welcome
touch next
expect reflection
touch choice-4
touch skip
touch skip
touch skip
touch skip
touch skip
shot $SHOTS/$size-text.png
touch key-j
touch key-a
touch send
expect done
touch close
expect idle
expect-presses 17
SCRIPT
    n=$((n + 1))
done
echo quit >> "$S"
SDL_VIDEODRIVER=${LK_UI_VIDEO:-dummy} SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$S" \
    LOBKIOSK_NO_THREADS=1 "$LOBKIOSK" --config "$T/demo/kiosk.ini"
DB="$T/demo/data/lobkiosk.db"
got=$(sqlite3 "$DB" "SELECT count(*) FROM experiences")
[ "$got" = 2 ] || { echo "ui_touch: expected 2 check-ins by touch, got $got"; exit 1; }
got=$(sqlite3 "$DB" "SELECT group_concat(response, ',') FROM answers WHERE question_id = 'note'")
[ "$got" = "ja,ja" ] || { echo "ui_touch: expected the typed answer 'ja' twice, got '$got'"; exit 1; }
echo "ui_touch: fingers (KMSDRM and X11 style) and the mouse tap once each, at 800x480 and 1920x1080"
