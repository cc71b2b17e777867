# The whole command-line story of a school: a demo kiosk, then a real issuer key,
# a kiosk.ini that trusts it, passes, a roster import, check-ins and a report.
set -eu
: "${LOBKIOSK:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=Europe/Amsterdam

# 1. demo kiosk: every file is there and the demo passes work
"$LOBKIOSK" init --demo "$tmp/demo" >/dev/null
for f in kiosk.ini keys/DEMO-D1.key keys/DEMO-D1.pub passes/passes.txt passes/student-1001.png roster.csv; do
    test -e "$tmp/demo/$f" || { echo "init --demo: missing $f"; exit 1; }
done
test "$(stat -c %a "$tmp/demo/keys/DEMO-D1.key")" = 600
if "$LOBKIOSK" init --demo "$tmp/demo" >/dev/null 2>&1; then echo "init overwrote a kiosk"; exit 1; fi
p1001=$(awk '$1 == "student-1001.png" { print $4 }' "$tmp/demo/passes/passes.txt")
out=$("$LOBKIOSK" --config "$tmp/demo/kiosk.ini" checkin "$p1001")
case "$out" in checked_in*) ;; *) echo "demo check-in: $out"; exit 1 ;; esac
# the demo roster was imported: the first name is known (shown on screen only, never printed)
sqlite3 "$tmp/demo/data/lobkiosk.db" "SELECT count(*) FROM roster" | grep -qx 7
for f in expired-1006.png revoked-1007.png other-school-2001.png; do
    p=$(awk -v f="$f" '$1 == f { print $4 }' "$tmp/demo/passes/passes.txt")
    if "$LOBKIOSK" --config "$tmp/demo/kiosk.ini" checkin "$p" >"$tmp/out" 2>&1; then
        echo "demo pass $f was accepted"; exit 1
    fi
done
# the demo camera frames really hold the passes: the kiosk's decoder reads them
"$LOBKIOSK" decode "$tmp/demo/frames/"*-pass@*.png | grep -c '^LOB1\.' | grep -qx 4

# 2. a real school: keygen, kiosk.ini, passes
"$LOBKIOSK" keygen --issuer 00AA --key-id K1 --out "$tmp/keys" > "$tmp/trust.txt"
grep -q '^\[issuer.00AA\]' "$tmp/trust.txt"
mkdir -p "$tmp/school"
{
    echo "[kiosk]"
    echo "id = TEST-1"
    echo "event = OPEN"
    cat "$tmp/trust.txt"
    echo "name = Techniek College"
    echo "home_page = https://dossier.example.nl/00AA"
    echo "[event.OPEN]"
    echo "title = Open dag Techniek"
    echo "kind = open_day"
    echo "start = 2026-01-01T08:00+01:00"
    echo "end = 2030-01-01T08:00+01:00"
    echo "mode = checkin"
} > "$tmp/school/kiosk.ini"
K="$LOBKIOSK --config $tmp/school/kiosk.ini"
printf 'voornaam,leerlingnummer,klas\nAnouk,123456,3H2\nDaan,234567,3H2\n' > "$tmp/roster.csv"
$K roster import "$tmp/roster.csv" >/dev/null
for s in 123456 234567; do
    p=$("$LOBKIOSK" pass --key "$tmp/keys/00AA-K1.key" --role S --subject $s --expires 2029-07-31)
    $K checkin "$p" | grep -q '^checked_in'
    $K checkin "$p" | grep -q '^already'
done
# the school's report names its roster students; a statement in the outbox never does
$K report | grep -q Anouk || { echo "report lacks the roster's first name"; exit 1; }
if sqlite3 "$tmp/school/data/lobkiosk.db" "SELECT json FROM outbox" | grep -qi -e anouk -e daan; then
    echo "a statement holds a name"; exit 1
fi
$K report --csv > "$tmp/report.csv"
grep -q 'OPEN' "$tmp/report.csv"
test "$(sqlite3 "$tmp/school/data/lobkiosk.db" "SELECT count(*) FROM experiences")" = 2
test "$(sqlite3 "$tmp/school/data/lobkiosk.db" "SELECT count(*) FROM outbox")" = 2
# 3. a broken kiosk.ini stops the kiosk and every command with the file, line and key
printf '[kiosk]\nid = X\n[event.OPEN]\ntitle = Open dag\nmode = open\n' > "$tmp/broken.ini"
for args in "" "checkin LOB1.X" "report"; do
    # shellcheck disable=SC2086
    if SDL_VIDEODRIVER=dummy "$LOBKIOSK" --config "$tmp/broken.ini" $args >/dev/null 2>"$tmp/err"; then
        echo "a broken kiosk.ini was accepted ($args)"; exit 1
    fi
    grep -q "broken.ini:5: \[event.OPEN\] mode" "$tmp/err" || { cat "$tmp/err"; exit 1; }
done
if "$LOBKIOSK" --config "$tmp/nope.ini" report 2>"$tmp/err"; then echo "missing config accepted"; exit 1; fi
grep -q "nope.ini: cannot read the file (not found)" "$tmp/err"
echo "cli story ok"
