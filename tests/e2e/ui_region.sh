#!/bin/sh
# A regional kiosk on screen: with two visiting schools that have an LRS of their own
# (unreachable here, as on a fair's Wi-Fi that blocks them), the sync threads run one
# per destination and the admin screen names the one that needs a look (11BB: its
# statement waits; the others have nothing queued), at 800x480
# (tapped with a finger as KMSDRM delivers it) and 1920x1080, without overflow.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-region.XXXXXX)
trap 'rm -rf "$T"' EXIT
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$T/demo/kiosk.ini"
sed -i 's/^source *= *folder/source = none/' "$T/demo/kiosk.ini"
sed -i 's|^endpoint *=$|endpoint = http://127.0.0.1:9/xAPI|' "$T/demo/kiosk.ini"
for s in 11BB 22CC; do
    "$LOBKIOSK" keygen --issuer $s --key-id K1 --out "$T/keys" >>"$T/demo/kiosk.ini" 2>/dev/null
    printf 'name = School %s\nendpoint = http://127.0.0.1:9/%s/xAPI\n' $s $s >>"$T/demo/kiosk.ini"
done
# a statement for 11BB waits in its own queue
P=$("$LOBKIOSK" pass --key "$T/keys/11BB-K1.key" --role S --subject 42 --expires 2099-07-31 2>/dev/null)
"$LOBKIOSK" --config "$T/demo/kiosk.ini" checkin "$P" >/dev/null
S=$T/flow.script
echo "wait 2500" >"$S"
for size in 800x480 1920x1080; do
    cat >>"$S" <<SCRIPT
size $size
wait 100
touch admin
expect pin
touch pin-1
touch pin-2
touch pin-3
touch pin-4
touch pin-ok
expect admin
expect-text 11BB: Geen verbinding
shot $T/admin-$size.png
check-overflow
touch close
expect idle
SCRIPT
done
echo quit >>"$S"
SDL_VIDEODRIVER=${LK_UI_VIDEO:-dummy} SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 \
    LOBKIOSK_SCRIPT="$S" "$LOBKIOSK" --config "$T/demo/kiosk.ini" 2>"$T/log" ||
    { cat "$T/log"; exit 1; }
[ -n "${LK_UI_SHOTS:-}" ] && cp "$T"/admin-*.png "$LK_UI_SHOTS/" 2>/dev/null || true
# the statement stayed queued for 11BB only
q=$(sqlite3 "$T/demo/data/lobkiosk.db" "SELECT count(*) FROM outbox WHERE id IN (SELECT id FROM outbox_queue) AND issuer = '11BB'")
[ "$q" -ge 1 ] || { echo "ui_region: the 11BB statement is not queued"; exit 1; }
echo "ui_region: ok"
