#!/bin/sh
# The host screen (script mode): the event's title, each student's group, check-in
# and check-out times and hours, a page number ("1 van 3"), and "Bevestig iedereen"
# that says how many and asks once before it confirms every open row, also those
# on pages the host never saw; another company's host pass (hosts = H01) opens
# nothing.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-host.XXXXXX)
trap 'rm -rf "$T"' EXIT
SHOTS=${LK_UI_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
# The demo event starts on the day of init: the day before the fixed clocks below.
LOBKIOSK_FAKE_NOW=2026-11-28T12:00:00Z "$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
K="$T/demo/kiosk.ini"
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$K"
sed -i 's/^source *= *folder/source = none/' "$K"
sed -i 's/^event = DEMO-OPEN$/event = DEMO-STAGE/' "$K"
# host passes tied to this event: H01 only
sed -i 's/^hosts =$/hosts = H01/' "$K"
P="$T/demo/passes/passes.txt"
pay() { awk -v s="$1" '$3 == s { print $4 }' "$P"; }
ck() { TZ=UTC LOBKIOSK_FAKE_NOW="$2" "$LOBKIOSK" --config "$K" checkin "$1" >/dev/null; }
# five roster students and six more passes (no roster row): eleven rows, three pages at 800x480
for s in 1001 1002 1003 1004 1005; do ck "$(pay $s)" 2026-11-29T09:00:00Z; done
for s in 3001 3002 3003 3004 3005 3006; do
    p=$("$LOBKIOSK" pass --key "$T/demo/keys/DEMO-D1.key" --role S --subject $s --expires 2027-11-29)
    ck "$p" 2026-11-29T09:05:00Z
done
ck "$(pay 1001)" 2026-11-29T15:40:00Z # checked out: 6 uur en 40 minuten
OTHER_HOST=$("$LOBKIOSK" pass --key "$T/demo/keys/DEMO-D1.key" --role H --subject H02 --expires 2027-11-29)
cat > "$T/s" <<SCRIPT
wait 50
scan $OTHER_HOST
expect refusal
expect-text Deze pas werkt hier niet.
tap ok
scan $(pay H01)
expect host
expect-text Meeloopdag bij Bouwbedrijf De Vries
expect-text 3H2 · 6 uur en 40 minuten
expect-text 09:00–15:40
expect-text 1 van 3
expect-text Bevestig iedereen (11)
shot $SHOTS/host-page-1.png
check-overflow
tap confirm-all
expect host
expect-text Ja, 11 bevestigen
shot $SHOTS/host-confirm-all.png
check-overflow
tap more
expect-text 2 van 3
expect-text Bevestig iedereen (11)
shot $SHOTS/host-page-2.png
check-overflow
size 1280x800
check-overflow
lang en
expect-text Confirm everyone (11)
check-overflow
lang nl
size 800x480
tap confirm-all
tap confirm-all
expect host
expect-no-text Bevestig iedereen
# for a minute: "Ongedaan maken" takes all eleven back (none was sent yet)
expect-text Ongedaan maken
shot $SHOTS/host-undo.png
check-overflow
size 1920x1080
check-overflow
lang en
expect-text Undo
check-overflow
lang nl
size 800x480
tap undo
expect host
expect-no-text Ongedaan maken
expect-text Bevestig iedereen (11)
tap confirm-all
tap confirm-all
expect-text Ongedaan maken
quit
SCRIPT
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$T/s" \
    LOBKIOSK_NO_THREADS=1 TZ=UTC LOBKIOSK_FAKE_NOW=2026-11-29T16:00:00Z "$LOBKIOSK" --config "$K"
n=$(sqlite3 "$T/demo/data/lobkiosk.db" "SELECT count(*) FROM confirmations")
[ "$n" = 11 ] || { echo "ui_host: expected 11 confirmations, got $n"; exit 1; }
# the undone ones left the outbox with their rows; nothing was sent, so nothing voided
n=$(sqlite3 "$T/demo/data/lobkiosk.db" "SELECT count(*) FROM outbox WHERE kind = 'confirmation'")
[ "$n" = 11 ] || { echo "ui_host: expected 11 confirmation statements, got $n"; exit 1; }
n=$(sqlite3 "$T/demo/data/lobkiosk.db" "SELECT count(*) FROM outbox WHERE kind = 'voiding'")
[ "$n" = 0 ] || { echo "ui_host: expected no voiding statement, got $n"; exit 1; }
echo "ui_host: times, groups, hours, pages, confirm-all and its undo as expected"
