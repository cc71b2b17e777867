#!/bin/sh
# Scans that change nothing do not interrupt a reflection (script mode): during a
# student's reflection an "already checked in" pass, an expired pass and a host pass
# each show a short banner over the reflection, which keeps its step and answers and
# goes on; the banner goes by itself. Only a scan that checks someone in takes over,
# and then the answers so far are saved.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-banner.XXXXXX)
trap 'rm -rf "$T"' EXIT
SHOTS=${LK_UI_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$T/demo/kiosk.ini"
sed -i 's/^source *= *folder/source = none/' "$T/demo/kiosk.ini"
P="$T/demo/passes/passes.txt"
pay() { awk -v s="$1" '$3 == s { print $4 }' "$P"; }
cat > "$T/s" <<SCRIPT
wait 50
scan $(pay 1002)
tap next
tap skip
tap skip
tap skip
tap skip
tap skip
tap skip
tap skip
expect done
tap close
scan $(pay 1001)
tap next
expect reflection
tap choice-4
tap choice-1
tap next
expect reflection
# past the repeat window, so 1002's pass counts as a new scan
wait 8200
scan $(pay 1002)
expect reflection
expect-text Je was al ingecheckt om
shot $SHOTS/banner-already.png
check-overflow
scan $(pay 1006)
expect reflection
expect-text Je pas is verlopen.
shot $SHOTS/banner-refusal.png
check-overflow
size 1280x800
check-overflow
lang en
expect-text Your pass has expired.
check-overflow
lang nl
size 800x480
scan $(pay H01)
expect reflection
expect-text Er is een leerling bezig.
check-overflow
wait 4300
expect reflection
expect-no-text Er is een leerling bezig.
tap back
tap next
tap choice-0
expect reflection
# a new student checks in: takes over, 1001's three answers are kept
scan $(pay 1003)
expect welcome
quit
SCRIPT
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$T/s" \
    LOBKIOSK_NO_THREADS=1 "$LOBKIOSK" --config "$T/demo/kiosk.ini"
DB="$T/demo/data/lobkiosk.db"
got=$(sqlite3 "$DB" "SELECT count(*) FROM answers a JOIN experiences e ON e.id = a.experience_id WHERE e.subject = '1001'")
[ "$got" = 3 ] || { echo "ui_scan_banner: expected 3 answers of 1001, got $got"; exit 1; }
got=$(sqlite3 "$DB" "SELECT count(*) FROM experiences")
[ "$got" = 3 ] || { echo "ui_scan_banner: expected 3 check-ins, got $got"; exit 1; }
echo "ui_scan_banner: banners over the reflection, answers kept"
