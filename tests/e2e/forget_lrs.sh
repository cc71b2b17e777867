#!/bin/sh
# forget reaches every statement that left the kiosk, checked in a real LRS
# (Learning Locker's statement service, in memory) on a demo kiosk:
# - sent, then purged by retention, then forgotten: voided from the statement ids the
#   kiosk keeps with the records; the LRS no longer hands the statement out by id
#   (statementId: 404) but holds it as voided (voidedStatementId: 200); another
#   student's statement stays;
# - forgotten while its batch is on the wire (the LRS stores it, the kiosk never sees
#   the answer: the sync is killed): voided all the same.
# no-sanitizer
set -eu
. "$LK_ROOT/tests/lrs/harness.sh"
lrs_install
command -v sqlite3 >/dev/null 2>&1 || { echo "note: no sqlite3 CLI; forget_lrs skipped"; exit 0; }

LRS=$(free_port); PROXY=$(free_port)
start_lrs "$LRS"
start_proxy "$PROXY" "$LRS"

export LOBKIOSK_FAKE_NOW=2030-06-03T12:00:00
D="$LK_TMP/demo"
"$LOBKIOSK" init --demo "$D" >/dev/null 2>&1 || die "init --demo"
printf 'lrs-user:lrs-secret\n' >"$D/lrs.cred"
chmod 600 "$D/lrs.cred"
sed -i -e "s|^endpoint =.*|endpoint = http://127.0.0.1:$PROXY/xAPI|" \
    -e "s|^credentials_file =.*|credentials_file = lrs.cred|" "$D/kiosk.ini"
K="$D/kiosk.ini"
DB="$D/data/lobkiosk.db"
q() { sqlite3 "$DB" "$1"; }
payload() { awk -v s="$1" '$2 == "S" && $3 == s { print $4; exit }' "$D/passes/passes.txt"; }
run() { "$LOBKIOSK" --config "$K" "$@"; }
# has_id ID: HTTP status of GET statements?statementId=ID (V: voidedStatementId)
status_of() {
    curl -s -o /dev/null -w '%{http_code}' -u x:y -H 'X-Experience-API-Version: 1.0.3' \
        "http://127.0.0.1:$LRS/xAPI/statements?$1=$2"
}

for s in 1001 1002; do
    run checkin "$(payload $s)" >/dev/null 2>&1 || die "checkin $s"
done
run sync --once >"$LK_TMP/out" 2>&1 || die "sync: $(cat "$LK_TMP/out")"
U1=$(q "SELECT checkin_uuid FROM experiences WHERE subject = '1001'")
U2=$(q "SELECT checkin_uuid FROM experiences WHERE subject = '1002'")
[ "$(status_of statementId "$U1")" = 200 ] || die "1001's check-in is not in the LRS"

# --- retention purges the sent rows; then forget ---
LOBKIOSK_FAKE_NOW=2030-09-03T12:00:00 run purge --older-than 30 >"$LK_TMP/out" 2>&1 ||
    die "purge: $(cat "$LK_TMP/out")"
[ "$(q "SELECT count(*) FROM outbox")" = 0 ] || die "purge left outbox rows"
run forget --issuer DEMO --subject 1001 >"$LK_TMP/out" 2>&1 || die "forget: $(cat "$LK_TMP/out")"
grep -q "voiding 1 sent statement" "$LK_TMP/out" || die "forget after purge: $(cat "$LK_TMP/out")"
grep -q "1 was purged from this kiosk already" "$LK_TMP/out" || die "forget: $(cat "$LK_TMP/out")"
run sync --once >"$LK_TMP/out" 2>&1 || die "sync of the voiding: $(cat "$LK_TMP/out")"
[ "$(status_of statementId "$U1")" = 404 ] || die "purged then forgotten: the LRS still hands it out"
[ "$(status_of voidedStatementId "$U1")" = 200 ] || die "purged then forgotten: not voided in the LRS"
[ "$(status_of statementId "$U2")" = 200 ] || die "another student's statement went too"
echo "ok: sent, purged, forgotten: voided in the LRS from the kept id; 1002's stays"

# --- forgotten while the batch is on the wire, the answer lost ---
run checkin "$(payload 1003)" >/dev/null 2>&1 || die "checkin 1003"
U3=$(q "SELECT checkin_uuid FROM experiences WHERE subject = '1003'")
fault "$PROXY" '{"mode":"delay","delay_ms":4000,"count":1}'
"$LOBKIOSK" --config "$K" sync --once >"$LK_TMP/inflight" 2>&1 &
SP=$!
i=0
until [ "$(status_of statementId "$U3")" = 200 ]; do  # the LRS has it; the answer is held
    i=$((i + 1)); [ $i -gt 100 ] && die "the in-flight statement never reached the LRS"
    sleep 0.05
done
run forget --issuer DEMO --subject 1003 >"$LK_TMP/out" 2>&1 || die "forget 1003: $(cat "$LK_TMP/out")"
kill -9 "$SP" 2>/dev/null || die "the sync finished before the forget could race it"
wait "$SP" 2>/dev/null || true
grep -q "voiding 1 sent statement" "$LK_TMP/out" || die "forgotten in flight: $(cat "$LK_TMP/out")"
fault "$PROXY" '{"mode":"pass"}'
run sync --once >"$LK_TMP/out" 2>&1 || die "sync of the in-flight voiding: $(cat "$LK_TMP/out")"
[ "$(status_of statementId "$U3")" = 404 ] || die "forgotten in flight: the LRS still hands it out"
[ "$(status_of voidedStatementId "$U3")" = 200 ] || die "forgotten in flight: not voided"
echo "ok: forgotten while on the wire (answer lost): voided in the LRS"
