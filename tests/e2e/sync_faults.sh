#!/bin/sh
# The sync against a real LRS (Learning Locker's statement service, in memory, on
# 127.0.0.1) behind a fault-injecting proxy: LRS down at start, 500s, 401/403,
# 429 with Retry-After, answers slower than the timeout, connections cut after the
# LRS stored a batch, 413, a statement the LRS refuses, an id conflict (409), the
# kiosk killed mid-sync and the LRS killed and restarted. After each recovery the
# LRS is counted: every statement exactly once, nothing lost, nothing doubled.
# no-sanitizer
set -eu
. "$LK_ROOT/tests/lrs/harness.sh"
lrs_install
ensure_seeder

LRS=$(free_port); PROXY=$(free_port); DEAD=$(free_port)
K="$LK_TMP/k"
run() { "$LOBKIOSK" --config "$K/kiosk.ini" "$@"; }

# --- LRS down at start: nothing listens; the queue stays whole. ---
make_kiosk "$K" "http://127.0.0.1:$DEAD/xAPI" 2
"$SEEDER" seed "$K/kiosk.ini" 300 --bad 2 --ids "$K/ids"
if run sync --once >"$K/out" 2>"$K/err"; then die "sync succeeded with the LRS down"; fi
grep -q "state offline" "$K/out" || die "LRS down: state not offline: $(cat "$K/out")"
run sync --status >"$K/st"
[ "$(field queued "$K/st")" = 302 ] || die "LRS down: queue changed: $(cat "$K/st")"
echo "ok: LRS down at start, 302 queued"

start_lrs "$LRS"
start_proxy "$PROXY" "$LRS"
make_kiosk "$K" "http://127.0.0.1:$PROXY/xAPI" 2 50

# --- 409: the LRS already holds other content under one of our ids. ---
CONFLICT=$(sed -n 5p "$K/ids")
curl -s -f -u x:y -H 'X-Experience-API-Version: 1.0.3' -H 'Content-Type: application/json' \
    -X POST "http://127.0.0.1:$LRS/xAPI/statements" --data "{\"id\":\"$CONFLICT\",\
\"actor\":{\"objectType\":\"Agent\",\"account\":{\"homePage\":\"https://other.example\",\"name\":\"X\"}},\
\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/experienced\"},\
\"object\":{\"id\":\"https://other.example/a\"}}" >/dev/null || die "pre-posting the conflict"

# --- 500s: back off, nothing sent, nothing lost. ---
fault "$PROXY" '{"mode":"status","status":500,"count":1}'
if run sync --once >"$K/out" 2>"$K/err"; then die "sync succeeded through a 500"; fi
grep -q "state offline" "$K/out" || die "500: not offline"
echo "ok: 500 -> offline"

# --- 401 and 403 stop the sync and say why. ---
for code in 401 403; do
    fault "$PROXY" "{\"mode\":\"status\",\"status\":$code,\"count\":1}"
    if run sync --once >"$K/out" 2>"$K/err"; then die "sync succeeded through a $code"; fi
    grep -q "state auth_failed" "$K/out" || die "$code: not auth_failed: $(cat "$K/out")"
    grep -q "HTTP $code" "$K/err" || die "$code: no reason given: $(cat "$K/err")"
done
echo "ok: 401/403 -> auth_failed with the reason"

# --- 429 honours Retry-After (the thread waits; the CLI reports it). ---
fault "$PROXY" '{"mode":"status","status":429,"retry_after":7,"count":1}'
if run sync --once >"$K/out" 2>"$K/err"; then die "sync succeeded through a 429"; fi
grep -q "wait 7s" "$K/err" || die "429: Retry-After not read: $(cat "$K/err")"
echo "ok: 429 Retry-After read"

# --- slower than the timeout (2 s): the LRS stored the batch, we did not hear. ---
fault "$PROXY" '{"mode":"delay","delay_ms":4000,"count":1}'
if run sync --once >"$K/out" 2>"$K/err"; then die "sync succeeded through a timeout"; fi
grep -q "state offline" "$K/out" || die "timeout: not offline"
echo "ok: timeout -> offline"

# --- connection cut after the LRS stored the batch. ---
fault "$PROXY" '{"mode":"drop_after_forward","count":1}'
if run sync --once >"$K/out" 2>"$K/err"; then die "sync succeeded through a cut connection"; fi
echo "ok: cut connection -> offline"

# --- 413 over 20 statements: batches halve until they fit. Then everything goes,
# the two refused statements and the conflict are quarantined. ---
fault "$PROXY" '{"max_batch":20}'
run sync --once >"$K/out" 2>"$K/err" || die "recovery sync failed: $(cat "$K/err")"
fault "$PROXY" '{"max_batch":0}'
[ "$(field quarantined "$K/out")" = 3 ] || die "expected 3 quarantined: $(cat "$K/out") $(cat "$K/err")"
run sync --status >"$K/st"
[ "$(field queued "$K/st")" = 0 ] || die "queue not empty: $(cat "$K/st")"
[ "$(grep -c '^quarantined [0-9a-f]\{8\}-' "$K/st")" = 3 ] || die "status lists no 3 quarantined: $(cat "$K/st")"
grep "^quarantined $CONFLICT" "$K/st" | grep -q "HTTP 409" || die "conflict not quarantined with 409"
grep '^quarantined ' "$K/st" | grep -v "$CONFLICT" | grep '^quarantined [0-9a-f]\{8\}-' | grep -q "HTTP 400" ||
    die "refused statement without the LRS's 400 message: $(cat "$K/st")"
C=$(lrs_count "$LRS" "$K/ids")
[ "$C" = "total 300 distinct 300 missing 0" ] || die "after faults: $C"
echo "ok: after recovery the LRS holds every statement once ($C), 3 quarantined"

# --- the kiosk killed mid-sync (kill -9), then synced again. ---
K2="$LK_TMP/k2"
make_kiosk "$K2" "http://127.0.0.1:$PROXY/xAPI" 10 10
"$SEEDER" seed "$K2/kiosk.ini" 1000 --ids "$K2/ids"
fault "$PROXY" '{"mode":"delay","delay_ms":100,"count":100000}'
"$LOBKIOSK" --config "$K2/kiosk.ini" sync --once >/dev/null 2>&1 &
SP=$!
sleep 1.5
kill -9 $SP 2>/dev/null || die "sync finished before it could be killed"
wait $SP 2>/dev/null || true
fault "$PROXY" '{"mode":"pass"}'
"$LOBKIOSK" --config "$K2/kiosk.ini" sync --status >"$K2/st"
Q=$(field queued "$K2/st")
[ "$Q" -gt 0 ] && [ "$Q" -lt 1000 ] || die "kill mid-sync: expected a partial queue, got $Q"
"$LOBKIOSK" --config "$K2/kiosk.ini" sync --once >"$K2/out" 2>&1 || die "resync after kill"
cat "$K/ids" "$K2/ids" >"$LK_TMP/all-ids"
C=$(lrs_count "$LRS" "$LK_TMP/all-ids")
[ "$C" = "total 1300 distinct 1300 missing 0" ] || die "after kill -9 of the kiosk: $C"
echo "ok: kiosk killed mid-sync with $Q queued; after resync: $C"

# --- the LRS killed mid-sync and restarted (it forgets everything: in memory).
# The kiosk must re-send exactly what it had not seen confirmed. ---
K3="$LK_TMP/k3"
make_kiosk "$K3" "http://127.0.0.1:$LRS/xAPI" 2 100
"$SEEDER" seed "$K3/kiosk.ini" 3000
"$LOBKIOSK" --config "$K3/kiosk.ini" sync --once >"$K3/out1" 2>&1 &
SP=$!
sleep 0.4
kill -9 "$LRS_PID"
wait $SP 2>/dev/null && die "sync did not notice the LRS dying"
queued_ids "$K3" >"$K3/unsent"
U=$(wc -l <"$K3/unsent")
[ "$U" -gt 0 ] || die "the LRS died after the sync finished; nothing to re-send"
start_lrs "$LRS"
"$LOBKIOSK" --config "$K3/kiosk.ini" sync --once >"$K3/out" 2>&1 || die "resync after LRS restart"
C=$(lrs_count "$LRS" "$K3/unsent")
[ "$C" = "total $U distinct $U missing 0" ] || die "after LRS restart: expected $U, got $C"
echo "ok: LRS killed mid-sync and restarted: the $U unconfirmed statements re-sent once ($C)"
