#!/bin/sh
# Internship days (script mode): a scan within min_stay_minutes (here 30) of the
# check-in asks "Wil je uitchecken?"; no, and no answer, check nobody out; yes
# does; a scan after the check-out says "al uitgecheckt". After the minimum stay
# a scan checks out at once. Three runs with a fixed clock.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-checkout.XXXXXX)
trap 'rm -rf "$T"' EXIT
SHOTS=${LK_UI_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
# The demo event starts on the day of init: the day before the fixed clocks below.
LOBKIOSK_FAKE_NOW=2026-11-28T12:00:00Z "$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
K="$T/demo/kiosk.ini"
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$K"
sed -i 's/^source *= *folder/source = none/' "$K"
sed -i 's/^event = DEMO-OPEN$/event = DEMO-STAGE/' "$K"
sed -i "s/^min_stay_minutes = .*/min_stay_minutes = 30/" "$K"
P="$T/demo/passes/passes.txt"
pay() { awk -v s="$1" '$3 == s { print $4 }' "$P"; }
DB="$T/demo/data/lobkiosk.db"
out() { sqlite3 "$DB" "SELECT count(*) FROM experiences WHERE checkout_ms > 0"; }
run() {
    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$1" \
        LOBKIOSK_NO_THREADS=1 TZ=UTC LOBKIOSK_FAKE_NOW="$2" "$LOBKIOSK" --config "$K"
}
cat > "$T/in.script" <<SCRIPT
wait 50
scan $(pay 1001)
expect welcome
expect-text Je bent ingecheckt
tap next
scan $(pay 1002)
tap next
quit
SCRIPT
run "$T/in.script" 2026-11-29T09:00:00Z
# 10 minutes later: asked; no; then no answer at all
cat > "$T/early.script" <<SCRIPT
wait 50
scan $(pay 1001)
expect confirm_out
expect-text Wil je uitchecken?
expect-text Je bent om 09:00 ingecheckt, 10 minuten geleden.
shot $SHOTS/confirm-out.png
check-overflow
size 1280x800
check-overflow
lang en
expect-text Do you want to check out?
check-overflow
lang nl
size 800x480
tap checkout-no
expect idle
scan $(pay 1002)
expect confirm_out
wait 10300
expect idle
quit
SCRIPT
run "$T/early.script" 2026-11-29T09:10:00Z
[ "$(out)" = 0 ] || { echo "ui_checkout: 'no' checked someone out"; exit 1; }
# 20 minutes: yes
cat > "$T/yes.script" <<SCRIPT
wait 50
scan $(pay 1001)
expect confirm_out
tap checkout-yes
expect welcome
expect-text Tot ziens
expect-text Je was hier 20 minuten.
tap next
expect reflection
tap skip
tap skip
tap skip
tap skip
tap skip
tap skip
tap skip
expect done
tap close
quit
SCRIPT
run "$T/yes.script" 2026-11-29T09:20:00Z
[ "$(out)" = 1 ] || { echo "ui_checkout: expected 1 check-out after yes, got $(out)"; exit 1; }
# after the minimum stay: out at once; an extra scan: already out
cat > "$T/late.script" <<SCRIPT
wait 50
scan $(pay 1002)
expect welcome
expect-text Je was hier 31 minuten.
tap next
tap skip
tap skip
tap skip
tap skip
tap skip
tap skip
tap skip
tap close
scan $(pay 1001)
expect welcome
expect-text Je was al uitgecheckt om 09:20.
quit
SCRIPT
run "$T/late.script" 2026-11-29T09:31:00Z
[ "$(out)" = 2 ] || { echo "ui_checkout: expected 2 check-outs, got $(out)"; exit 1; }
echo "ui_checkout: asked within the minimum stay; no means no; yes, already out, late as expected"
