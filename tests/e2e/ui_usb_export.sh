# The admin's "Naar USB-stick": the kiosk writes a spreadsheet CSV and an xAPI file
# onto the stick; the xAPI file merges with `report --from`, and a student forgotten
# afterwards is voided in the next export, so the merge drops them. Symlinks planted
# on the stick are refused and the screen says the export failed.
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
# A stick with symlinks planted at both names the export writes, pointing at the
# kiosk's database: the export refuses, the admin screen says it failed, and the
# database is untouched (it still opens, passes integrity_check and checks in).
rm -f "$tmp/usb"/*
DB="$tmp/k/data/lobkiosk.db"
for ext in csv json; do
    ln -s "$DB" "$tmp/usb/lobkiosk-DEMO-KIOSK-1-$(date +%Y%m%d).$ext"
done
cat > "$tmp/script2" <<S
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
wait 800
expect-text Opslaan op de USB-stick lukte niet.
quit
S
LOBKIOSK_SCRIPT="$tmp/script2" "$LOBKIOSK" --config "$K" 2>"$tmp/log2" || { cat "$tmp/log2"; exit 1; }
grep -q "not a plain file" "$tmp/log2" || { cat "$tmp/log2"; echo "no reason in the log"; exit 1; }
head -c 15 "$DB" | grep -q "SQLite format 3" || { echo "the database was overwritten"; exit 1; }
"$LOBKIOSK" --config "$K" check >"$tmp/check" 2>&1 || true
grep -q "passes integrity_check" "$tmp/check" || { cat "$tmp/check"; exit 1; }
p=$(awk -v f="student-1003.png" '$1 == f { print $4 }' "$tmp/k/passes/passes.txt")
"$LOBKIOSK" --config "$K" checkin "$p" >/dev/null || { echo "check-in after the attack failed"; exit 1; }
echo "usb export ok; planted symlinks refused, the screen says so, the database untouched"
