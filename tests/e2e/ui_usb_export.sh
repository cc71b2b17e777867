# The admin's "Naar USB-stick": the kiosk writes a spreadsheet CSV and an xAPI file
# onto the stick; the xAPI file merges with `report --from`, and a student forgotten
# afterwards is voided in the next export, so the merge drops them.
set -eu
: "${LOBKIOSK:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$LOBKIOSK" init --demo "$tmp/k" --windowed --size 800x480 >/dev/null
K="$tmp/k/kiosk.ini"
for s in 1001 1002; do
    p=$(awk -v f="student-$s.png" '$1 == f { print $4 }' "$tmp/k/passes/passes.txt")
    "$LOBKIOSK" --config "$K" checkin "$p" >/dev/null
done
mkdir -p "$tmp/usb"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_USB_ROOT="$tmp/usb"
cat > "$tmp/script" <<S
wait 200
tap admin
tap pin-1
tap pin-2
tap pin-3
tap pin-4
tap pin-ok
wait 300
expect admin
tap export
wait 300
quit
S
LOBKIOSK_SCRIPT="$tmp/script" "$LOBKIOSK" --config "$K" 2>"$tmp/log" || { cat "$tmp/log"; exit 1; }
csv=$(ls "$tmp/usb"/lobkiosk-DEMO-KIOSK-1-*.csv)
json=$(ls "$tmp/usb"/lobkiosk-DEMO-KIOSK-1-*.json)
head -c 3 "$csv" | od -An -tx1 | grep -q 'ef bb bf' || { echo "no BOM in the CSV"; exit 1; }
test "$(grep -c 'checkin' "$csv")" -ge 2
"$LOBKIOSK" report --from "$json" --csv > "$tmp/merged.csv"
grep -q '^event,DEMO-OPEN,.*,2,' "$tmp/merged.csv" || { cat "$tmp/merged.csv"; exit 1; }
# forget 1001; the next export voids its exported statements, the merge drops it
"$LOBKIOSK" --config "$K" forget --issuer DEMO --subject 1001 >/dev/null
"$LOBKIOSK" --config "$K" export --format xapi --out "$tmp/after.json" >/dev/null
"$LOBKIOSK" report --from "$json" --from "$tmp/after.json" --csv > "$tmp/merged2.csv"
grep -q '^event,DEMO-OPEN,.*,1,' "$tmp/merged2.csv" || { cat "$tmp/merged2.csv"; exit 1; }
echo "usb export ok"
