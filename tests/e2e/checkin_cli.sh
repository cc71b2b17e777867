#!/bin/sh
# End-to-end test of the check-in core through the binary: checkin outcomes and exit
# codes, check-out, roster imports of tests/data, reports, the demo kiosk, and kill -9
# in the middle of writes (integrity and experience/outbox pairs checked with sqlite3).
set -eu
L=${LOBKIOSK:-build/lobkiosk}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Runs a command, keeping stdout in $out and the exit code in $rc.
run() {
    set +e
    out=$("$@" 2>"$T/stderr")
    rc=$?
    set -e
}
expect() { # expect RC FIRST-LINE -- command...
    want_rc=$1; want=$2; shift 3
    run "$@"
    first=$(printf '%s\n' "$out" | head -n 1)
    [ "$rc" = "$want_rc" ] || fail "$*: exit $rc, want $want_rc (out: $out; err: $(cat "$T/stderr"))"
    [ "$first" = "$want" ] || fail "$*: printed '$first', want '$want'"
}

# --- a kiosk of our own: one trusted issuer, one untrusted, three events ---------------
"$L" keygen --issuer 00AA --key-id K1 --out "$T/keys" >"$T/trust.ini" 2>/dev/null
"$L" keygen --issuer 99ZZ --key-id K1 --out "$T/keys" >/dev/null 2>&1
write_ini() { # write_ini FILE EVENT
    cat >"$1" <<EOF
[kiosk]
id = K-E2E
data_dir = data
event = $2

$(cat "$T/trust.ini")
name = Testcollege
home_page = https://dossier.example.nl/00AA
revoked = GONE

[event.OPEN1]
title = Open dag Techniek
kind = open_day
host = Testcollege
start = 2020-01-01T08:00
end = 2099-01-01T08:00
mode = checkin

[event.STAGE1]
title = Meeloopdag
kind = internship_day
host = Bouwbedrijf
start = 2020-01-01T08:00
end = 2099-01-01T08:00
mode = checkin_checkout

[event.PAST]
title = Voorbij
kind = career_fair
host = Beurs
start = 2020-01-01T08:00
end = 2020-01-01T17:00
mode = checkin
EOF
}
write_ini "$T/kiosk.ini" OPEN1
write_ini "$T/stage.ini" STAGE1
write_ini "$T/past.ini" PAST
K="$T/keys/00AA-K1.key"
pass() { "$L" pass --key "$1" --role "$2" --subject "$3" --expires "$4" 2>/dev/null; }
export LOBKIOSK_FAKE_NOW=2030-06-03T10:00:00+02:00

# --- roster first, so we can check that no first name is ever printed ------------------
expect 0 "6 imported: 6 added, 0 updated; 0 skipped" -- "$L" --config "$T/kiosk.ini" roster import tests/data/roster-good.csv
expect 0 "6 imported: 0 added, 6 updated; 0 skipped" -- "$L" --config "$T/kiosk.ini" roster import tests/data/roster-good.csv
expect 0 "4 imported: 3 added, 1 updated; 0 skipped" -- "$L" --config "$T/kiosk.ini" roster import tests/data/roster-semicolon-bom-crlf.csv
expect 0 "3 imported: 3 added, 0 updated; 18 skipped (lines 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21)" -- "$L" --config "$T/kiosk.ini" roster import tests/data/roster-hostile.csv
grep -q '^line 3: ' "$T/stderr" || fail "hostile roster: line 3 not reported"
grep -q '^line 21: ' "$T/stderr" || fail "hostile roster: line 21 not reported"
if grep -q 'calc' "$T/stderr"; then fail "hostile roster: a bad row's content was echoed"; fi
expect 0 "3 imported: 3 added, 0 updated; 1 skipped (line 5)" -- "$L" --config "$T/kiosk.ini" roster import tests/data/roster-issuer-column.csv
expect 3 "" -- "$L" --config "$T/kiosk.ini" roster import tests/data/does-not-exist.csv
# Rosters as schools export them: Excel's classic CSV (Windows-1252), Unicode text
# (UTF-16, TAB), a Stamnr header; a file in no known encoding is refused by line.
expect 0 "7 imported: 7 added, 0 updated; 0 skipped" -- "$L" --config "$T/kiosk.ini" roster import tests/data/roster-cp1252.csv
printf '%s\n' "$out" | grep -qx 'read as Windows-1252 (Excel CSV)' || fail "cp1252 roster: encoding not said: $out"
expect 0 "8 imported: 8 added, 0 updated; 0 skipped" -- "$L" --config "$T/kiosk.ini" roster import tests/data/roster-utf16.txt
expect 0 "3 imported: 3 added, 0 updated; 0 skipped" -- "$L" --config "$T/kiosk.ini" roster import tests/data/roster-stamnr.csv
for who in "6001|Zoë|2A" "6002|Noëlle|2A" "6003|Chloë|2A" "6004|Esmée|2B" "6005|Björn|2B" "6006|Renée|2B" "7005|李明|H4B" "8001|Daan|3B"; do
    got=$(sqlite3 "$T/data/lobkiosk.db" "SELECT subject||'|'||first_name||'|'||grp FROM roster WHERE subject='${who%%|*}'")
    [ "$got" = "$who" ] || fail "roster: '$got', want '$who'"
done
printf 'id;voornaam\n1;Zo\353\n2;A\201b\n' >"$T/bad-roster.csv"
expect 3 "" -- "$L" --config "$T/kiosk.ini" roster import "$T/bad-roster.csv"
grep -q '^line 3: the file is not text' "$T/stderr" || fail "bad roster: line 3 not named: $(cat "$T/stderr")"
expect 2 "" -- "$L" --config "$T/kiosk.ini" roster export x.csv

# --- check-in, already, refusals ---------------------------------------------------------
P1001=$(pass "$K" S 1001 2031-12-31)
expect 0 checked_in -- "$L" --config "$T/kiosk.ini" checkin "$P1001"
case $out in *Daan*) fail "checkin printed a first name" ;; esac
printf '%s\n' "$out" | grep -q 'subject=1001' || fail "checkin: no subject in details"
expect 0 already -- "$L" --config "$T/kiosk.ini" checkin "$P1001"
printf '%s\n' "$out" | grep -q 'checkin=2030-06-03T' || fail "already: no check-in time"
expect 0 checked_in -- "$L" --config "$T/kiosk.ini" checkin "$(pass "$K" S 1002 2031-12-31)"

expect 1 "refused not_a_pass" -- "$L" --config "$T/kiosk.ini" checkin "https://example.org/wifi"
expect 1 "refused expired" -- "$L" --config "$T/kiosk.ini" checkin "$(pass "$K" S 1003 2030-06-02)"
expect 1 "refused revoked" -- "$L" --config "$T/kiosk.ini" checkin "$(pass "$K" S GONE 2031-12-31)"
expect 1 "refused unknown_issuer" -- "$L" --config "$T/kiosk.ini" checkin "$(pass "$T/keys/99ZZ-K1.key" S 1004 2031-12-31)"
TAMPERED=$(printf '%s' "$P1001" | sed 's/\.1001\./.1009./')
expect 1 "refused bad_signature" -- "$L" --config "$T/kiosk.ini" checkin "$TAMPERED"
expect 1 "refused no_event" -- "$L" --config "$T/past.ini" checkin "$(pass "$K" S 1005 2031-12-31)"
expect 0 host -- "$L" --config "$T/kiosk.ini" checkin "$(pass "$K" H H01 2031-12-31)"
expect 0 admin -- "$L" --config "$T/kiosk.ini" checkin "$(pass "$K" A A01 2031-12-31)"
expect 2 "" -- "$L" --config "$T/kiosk.ini" checkin
expect 2 "" -- "$L" --config "$T/kiosk.ini" checkin a b

# --- check-out at an internship day ------------------------------------------------------
P2001=$(pass "$K" S 2001 2031-12-31)
expect 0 checked_in -- "$L" --config "$T/stage.ini" checkin "$P2001"
LOBKIOSK_FAKE_NOW=2030-06-03T16:15:00+02:00 expect 0 checked_out -- "$L" --config "$T/stage.ini" checkin "$P2001"
printf '%s\n' "$out" | grep -q 'minutes=375' || fail "checkout: want minutes=375, got $out"
LOBKIOSK_FAKE_NOW=2030-06-03T17:00:00+02:00 expect 0 already_out -- "$L" --config "$T/stage.ini" checkin "$P2001"

# --- reports ----------------------------------------------------------------------------
run "$L" --config "$T/kiosk.ini" report
[ "$rc" = 0 ] || fail "report: exit $rc"
printf '%s\n' "$out" | grep -q '^Total: 3 check-ins by 3 students at 2 events' || fail "report total: $out"
printf '%s\n' "$out" | grep -q 'expired' || fail "report: refusals missing"
# The coordinator's report names roster students (it stays at school), Daan included.
printf '%s\n' "$out" | grep -q ' 1001 *Daan *3B ' || fail "report: no roster row for Daan: $out"
run "$L" --config "$T/kiosk.ini" report --csv --event OPEN1
[ "$rc" = 0 ] || fail "report --csv: exit $rc"
printf '%s\n' "$out" | head -n 1 | grep -q '^.*"section";"issuer";"subject";"first_name";"group"' || fail "report --csv: no header"
printf '%s\n' "$out" | grep -q '^"event";"OPEN1";"2030-06-03";"open_day";"Testcollege";"2";"0";"";"";"";"0";"0,00";"Open dag Techniek"'"$(printf '\r')"'$' || fail "report --csv: $out"
if printf '%s\n' "$out" | grep -q 'STAGE1'; then fail "report --event OPEN1 shows STAGE1"; fi
run "$L" --config "$T/kiosk.ini" report --bogus
[ "$rc" = 2 ] || fail "report --bogus: exit $rc"

# --- an error is exit 3: the data folder is a file -------------------------------------
sed 's/^data_dir = data$/data_dir = blocked/' "$T/kiosk.ini" >"$T/blocked.ini"
: >"$T/blocked"
expect 3 "" -- "$L" --config "$T/blocked.ini" checkin "$P1001"

# --- the database's modes: it holds first names -----------------------------------------
[ "$(stat -c %a "$T/data")" = 700 ] || fail "data dir mode $(stat -c %a "$T/data")"
[ "$(stat -c %a "$T/data/lobkiosk.db")" = 600 ] || fail "db mode $(stat -c %a "$T/data/lobkiosk.db")"

# --- the demo kiosk, when init --demo is there ------------------------------------------
# init dates the demo from "now"; noon local time is inside its event window.
LOBKIOSK_FAKE_NOW=2030-06-03T12:00:00
if "$L" init --demo "$T/demo" >/dev/null 2>&1 && [ -f "$T/demo/passes/passes.txt" ]; then
    DEMO_PASS=$(awk '$2 == "S" && $3 == "1001" { print $4; exit }' "$T/demo/passes/passes.txt")
    expect 0 checked_in -- "$L" --config "$T/demo/kiosk.ini" checkin "$DEMO_PASS"
    if [ -f "$T/demo/roster.csv" ]; then
        run "$L" --config "$T/demo/kiosk.ini" roster import "$T/demo/roster.csv"
        [ "$rc" = 0 ] || fail "demo roster import: exit $rc: $(cat "$T/stderr")"
    fi
    run "$L" --config "$T/demo/kiosk.ini" report
    printf '%s\n' "$out" | grep -q '^Total: 1 check-ins' || fail "demo report: $out"
else
    echo "note: init --demo not available; demo part skipped"
fi

# --- kill -9 in the middle of writes -----------------------------------------------------
LOBKIOSK_FAKE_NOW=2030-06-03T10:00:00+02:00
if ! command -v sqlite3 >/dev/null 2>&1; then
    echo "note: no sqlite3 CLI; crash test skipped"
    exit 0
fi
write_ini "$T/crash.ini" OPEN1
sed -i 's/^data_dir = data$/data_dir = crashdata/' "$T/crash.ini"
i=0
while [ $i -lt 80 ]; do
    pass "$K" S "C$i" 2031-12-31 >>"$T/passes.txt"
    i=$((i + 1))
done
# The loop records the pid of each running check-in so we can kill exactly that one.
(
    while read -r p; do
        "$L" --config "$T/crash.ini" checkin "$p" >/dev/null 2>&1 &
        echo $! >"$T/child.pid"
        wait $! || true
    done <"$T/passes.txt"
    echo done >"$T/loop.done"
) 2>/dev/null &
LOOP=$!
kills=0
for d in 0.13 0.07 0.21 0.05 0.17 0.11 0.09 0.23 0.03 0.15 0.19 0.06; do
    sleep "$d"
    [ -f "$T/loop.done" ] && break
    kill -9 "$(cat "$T/child.pid" 2>/dev/null)" 2>/dev/null && kills=$((kills + 1))
done
wait $LOOP || true
DB="$T/crashdata/lobkiosk.db"
[ -f "$DB" ] || fail "crash test: no database"
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] || fail "crash test: integrity_check failed"
exps=$(sqlite3 "$DB" 'SELECT count(*) FROM experiences')
rows=$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE kind = 'checkin'")
orphans=$(sqlite3 "$DB" 'SELECT count(*) FROM experiences e LEFT JOIN outbox o ON o.uuid = e.checkin_uuid WHERE o.id IS NULL')
[ "$exps" -gt 0 ] || fail "crash test: nothing written"
[ "$exps" = "$rows" ] || fail "crash test: $exps experiences but $rows outbox rows"
[ "$orphans" = 0 ] || fail "crash test: $orphans experiences without a statement"
# The database still works after the crashes.
expect 0 checked_in -- "$L" --config "$T/crash.ini" checkin "$(pass "$K" S AFTER 2031-12-31)"
echo "crash test: $kills kills, $exps check-ins, each with its statement"
echo "checkin_cli: ok"
