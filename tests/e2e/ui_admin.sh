#!/bin/sh
# The admin screen (script mode): more events than fit as pages of a list with
# dates ("1 van 2", "Meer"), the event served now marked "nu bezig"; the USB
# export's success and failure look different and go after a while; "Nu
# verzenden" without an LRS says so; "Kiosk afsluiten" asks once; an old message
# is gone when the admin screen opens again.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-admin.XXXXXX)
trap 'rm -rf "$T"' EXIT
SHOTS=${LK_UI_SHOTS:-$T/shots}
mkdir -p "$SHOTS" "$T/usb"
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
K="$T/demo/kiosk.ini"
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$K"
sed -i 's/^source *= *folder/source = none/' "$K"
# six more events on the days after the demo's
for d in 1 2 3 4 5 6; do
    cat >> "$K" <<INI

[event.EXTRA-$d]
title = Bedrijfsbezoek $d
kind = company_visit
host = Bedrijf $d
start = 2027-12-0${d}T09:00:00Z
end = 2027-12-0${d}T15:30:00Z
mode = checkin
INI
done
P="$T/demo/passes/passes.txt"
pay() { awk -v s="$1" '$3 == s { print $4 }' "$P"; }
pin() { printf 'tap admin\ntap pin-1\ntap pin-2\ntap pin-3\ntap pin-4\ntap pin-ok\nexpect admin\n'; }
{
    echo "wait 50"
    pin
    cat <<SCRIPT
expect-text Automatisch (op datum en tijd)
expect-text nu bezig
expect-text 1 van
shot $SHOTS/admin-events-1.png
check-overflow
tap events-more
expect-text 2 van
expect-text Bedrijfsbezoek
expect-text 09:00–15:30
shot $SHOTS/admin-events-2.png
check-overflow
tap sync
expect-text Er is geen dossier gekoppeld.
check-overflow
tap export
wait 3000
expect-text Geen USB-stick gevonden.
shot $SHOTS/admin-export-failed.png
check-overflow
wait 8300
expect admin
expect-no-text Geen USB-stick gevonden.
tap leave
expect admin
expect-text Echt afsluiten? Tik nog eens.
shot $SHOTS/admin-leave.png
check-overflow
tap close
expect idle
SCRIPT
    pin
    cat <<SCRIPT
expect-no-text Echt afsluiten?
expect-text Kiosk afsluiten
size 1280x800
check-overflow
size 1024x600
check-overflow
lang en
check-overflow
lang nl
size 800x480
quit
SCRIPT
} > "$T/s1"
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$T/s1" \
    LOBKIOSK_NO_THREADS=1 TZ=UTC "$LOBKIOSK" --config "$K"
# with a USB stick: success, in other words and colours; then leave asks once
{
    echo "wait 50"
    pin
    cat <<SCRIPT
tap export
wait 3000
expect-text Opgeslagen op de USB-stick.
shot $SHOTS/admin-export-ok.png
check-overflow
tap leave
expect admin
tap leave
SCRIPT
} > "$T/s2"
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$T/s2" \
    LOBKIOSK_NO_THREADS=1 TZ=UTC LOBKIOSK_USB_ROOT="$T/usb" "$LOBKIOSK" --config "$K"
ls "$T/usb"/lobkiosk-*.csv >/dev/null
echo "ui_admin: event pages, notices, no LRS and leave as expected"
