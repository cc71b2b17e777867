#!/bin/sh
# "Forgot the pass" on the admin screen, headless at 800x480, 720x1280 (portrait) and
# 1920x1080: an admin pass opens the admin screen, "Pas vergeten" opens the search,
# letters narrow the demo roster down, a tap on a student checks them in by hand and
# the welcome follows as for a scan. Each screen is saved and checked for overflow and
# target sizes. The database and the statement must mark the check-ins as manual.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-manual.XXXXXX)
trap 'rm -rf "$T"' EXIT
SHOTS=${LK_UI_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$T/demo/kiosk.ini"
sed -i 's/^source *= *folder/source = none/' "$T/demo/kiosk.ini"
P="$T/demo/passes/passes.txt"
ADMIN=$(awk '$3 == "A01" { print $4 }' "$P")
S=$T/manual.script
: >"$S"
# The admin screen by the admin pass first, then by the PIN (the same pass again
# within seconds is ignored as held in view).
open_admin() {
    if [ "$first" = 1 ]; then echo "scan $ADMIN"; first=0; return; fi
    for k in admin pin-1 pin-2 pin-3 pin-4 pin-ok; do echo "tap $k"; done
}
first=1
# size, letters to type, the student expected first
for run in "800x480 m a Maximiliaan-Alexander" "720x1280 f Fatima" "1920x1080 y Yusuf"; do
    set -- $run
    size=$1
    shift
    d="$SHOTS/$size"
    mkdir -p "$d"
    {
        echo "size $size"
        echo "wait 50"
        open_admin
        echo "expect admin"
        echo "expect-text Pas vergeten"
        echo "shot $d/01-admin.png"
        echo "check-overflow"
        echo "tap manual"
        echo "expect manual"
        echo "expect-text Meer leerlingen gevonden"
        echo "shot $d/02-manual-empty.png"
        echo "check-overflow"
        echo "tap key-q"
        echo "expect-text Niemand gevonden"
        echo "tap key-erase"
        while [ $# -gt 1 ]; do echo "tap key-$1"; shift; done
        echo "expect-text $1"
        echo "shot $d/03-manual-found.png"
        echo "check-overflow"
        echo "tap pick-0"
        echo "expect welcome"
        echo "expect-text $1"
        echo "shot $d/04-welcome.png"
        echo "check-overflow"
        # The student reflects as after a scan (skipping here), then the next one.
        echo "tap next"
        echo "expect reflection"
        for _ in 1 2 3 4 5 6 7; do echo "tap skip"; done
        echo "expect done"
        echo "tap close"
        echo "expect idle"
    } >>"$S"
done
# Daan again by hand after his check-in by hand: "already", nothing written twice.
{
    open_admin
    echo "tap manual"
    echo "tap key-d"
    echo "tap pick-0"
    echo "expect welcome"
    echo "tap next"
    for _ in 1 2 3 4 5 6 7; do echo "tap skip"; done
    echo "tap close"
    open_admin
    echo "tap manual"
    echo "tap key-d"
    echo "tap pick-0"
    echo "expect welcome"
    echo "expect-text Daan"
    echo "quit"
} >>"$S"
SDL_VIDEODRIVER=${LK_UI_VIDEO:-dummy} SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$S" \
    LOBKIOSK_NO_THREADS=1 "$LOBKIOSK" --config "$T/demo/kiosk.ini"

n=$(ls "$SHOTS"/*/*.png | wc -l)
[ "$n" = 12 ] || { echo "ui_manual: expected 12 screenshots, got $n"; exit 1; }
DB="$T/demo/data/lobkiosk.db"
got=$(sqlite3 "$DB" "SELECT group_concat(subject) FROM (SELECT subject FROM experiences WHERE manual = 1 ORDER BY subject)")
[ "$got" = "1002,1003,1005,1007" ] || { echo "ui_manual: manual check-ins $got"; exit 1; }
got=$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE kind = 'checkin' AND json LIKE '%manual-checkin\":true%'")
[ "$got" = 4 ] || { echo "ui_manual: $got statements marked manual"; exit 1; }
echo "ui_manual: ok"
