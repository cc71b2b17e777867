#!/bin/sh
# A region's trust list brought on the USB stick: the admin's "Naar USB-stick" also
# installs trust.json from the top of the stick (signature, expiry, only a newer
# version, as `trust import`), the screen says so, and the next scan of that list's
# school checks in, without a restart. A forged list on the stick is not used and the
# screen says that too.
set -eu
: "${LOBKIOSK:?}"
L=$LOBKIOSK
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$L" init --demo "$T/k" --windowed --size 800x480 >/dev/null
K="$T/k/kiosk.ini"
sed -i 's/^source *= *folder/source = none/' "$K"
cd "$T"
"$L" keygen --issuer RGTW --key-id R1 --out keys >/dev/null 2>&1
"$L" keygen --issuer 11BB --key-id K1 --out keys >s11.ini 2>/dev/null
{ printf '[list]\nname = Regio\nversion = 1\nexpires = 2099-08-01\n'; cat s11.ini; } >schools.ini
mkdir -p usb
"$L" trust make --key keys/RGTW-R1.key --in schools.ini --out usb/trust.json >>"$K" 2>/dev/null
P=$("$L" pass --key keys/11BB-K1.key --role S --subject 88 --expires 2098-07-31 2>/dev/null)
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_USB_ROOT="$T/usb" LOBKIOSK_SIZE=800x480
admin_export() {
    cat <<S
wait 200
tap admin
tap pin-1
tap pin-2
tap pin-3
tap pin-4
tap pin-ok
expect admin
tap export
wait 1500
S
}
{ admin_export
  echo "expect-text De lijst van scholen is bijgewerkt."
  echo "shot $T/admin-trust.png"
  echo "check-overflow"
  echo "tap close"
  echo "scan $P"
  echo "expect welcome"
  echo "quit"; } >script
LOBKIOSK_SCRIPT=script "$L" --config "$K" 2>log || { cat log; exit 1; }
[ "$(sqlite3 k/data/lobkiosk.db "SELECT count(*) FROM experiences WHERE issuer = '11BB'")" = 1 ] ||
    { echo "ui_trust_usb: the list school's pass was not checked in"; exit 1; }
"$L" --config "$K" trust status | grep -q '^version: 1$' || { echo "ui_trust_usb: not installed"; exit 1; }
# a forged version 2 on the stick: refused, said so, version 1 stays
sed 's/"version\\":1/"version\\":2/' usb/trust.json >usb/forged && mv usb/forged usb/trust.json
{ admin_export
  echo "expect-text De lijst van scholen op de stick is niet gebruikt."
  echo "quit"; } >script
LOBKIOSK_SCRIPT=script "$L" --config "$K" 2>log || { cat log; exit 1; }
grep -q 'signature does not match' log || { echo "ui_trust_usb: no reason logged"; cat log; exit 1; }
"$L" --config "$K" trust status | grep -q '^version: 1$' || { echo "ui_trust_usb: forged list installed"; exit 1; }
[ -n "${LK_UI_SHOTS:-}" ] && cp "$T/admin-trust.png" "$LK_UI_SHOTS/" || true
echo "ui_trust_usb: ok"
