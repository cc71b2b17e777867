#!/bin/sh
# The sync against a real LRS (Learning Locker's statement service, in memory, on
# 127.0.0.1) behind a fault-injecting proxy: LRS down at start, 500s, 401/403,
# 429 with Retry-After, answers slower than the timeout, connections cut after the
# LRS stored a batch, 413, a statement the LRS refuses, an id conflict (409), the
# kiosk killed mid-sync and the LRS killed and restarted; an LRS that refuses every
# statement (nothing may be quarantined), a run of refused statements behind an LRS
# that takes the others (all quarantined), sync --requeue. After each recovery the
# LRS is counted: every statement exactly once, nothing lost, nothing doubled; after
# the kill, no more than the two batches between a POST and its sent mark go again.
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
[ "$(grep -c '^quarantined_statement [0-9a-f]\{8\}-[0-9a-f-]* checkin HTTP 4' "$K/st")" = 3 ] ||
    die "status lists no 3 quarantined: $(cat "$K/st")"
grep "^quarantined_statement $CONFLICT" "$K/st" | grep -q "HTTP 409" || die "conflict not quarantined with 409"
grep '^quarantined_statement ' "$K/st" | grep -v "$CONFLICT" | grep -q "HTTP 400" ||
    die "refused statement without the LRS's 400 message: $(cat "$K/st")"
[ "$(field last_error "$K/st")" = - ] || die "an empty queue with a last error: $(cat "$K/st")"
C=$(lrs_count "$LRS" "$K/ids")
[ "$C" = "total 300 distinct 300 missing 0" ] || die "after faults: $C"
echo "ok: after recovery the LRS holds every statement once ($C), 3 quarantined"

# --- the kiosk killed mid-sync (kill -9), then synced again. ---
K2="$LK_TMP/k2"
make_kiosk "$K2" "http://127.0.0.1:$PROXY/xAPI" 10 10
"$SEEDER" seed "$K2/kiosk.ini" 1000 --ids "$K2/ids"
# statements posted through the proxy so far (every POST, whatever its answer)
posted() { proxy_stats "$PROXY" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).statements_posted))'; }
P0=$(posted)
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
# A sent mark that is on the disk survives the kill: only what was between its
# POST and its mark goes out again, the batch on the wire and the one being marked
# (batches of 10). A mark lost on the kill would resend everything sent before it.
R=$(($(posted) - P0 - 1000))
[ "$R" -ge 0 ] && [ "$R" -le 20 ] || die "kill mid-sync: $R statements sent twice (at most 20 may be)"
echo "ok: kiosk killed mid-sync with $Q queued; after resync: $C; $R sent twice"

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
"$LOBKIOSK" --config "$K3/kiosk.ini" sync --once >"$K3/out" 2>&1 || { cat "$K3/out"; die "resync after LRS restart"; }
C=$(lrs_count "$LRS" "$K3/unsent")
[ "$C" = "total $U distinct $U missing 0" ] || die "after LRS restart: expected $U, got $C"
echo "ok: LRS killed mid-sync and restarted: the $U unconfirmed statements re-sent once ($C)"

# --- an LRS that refuses every statement (a misconfigured server answering 400 to
# anything). A fresh LRS, so the counts below are exact. ---
kill "$LRS_PID"; wait "$LRS_PID" 2>/dev/null || true
start_lrs "$LRS"
K4="$LK_TMP/k4"
make_kiosk "$K4" "http://127.0.0.1:$PROXY/xAPI" 10 10
"$SEEDER" seed "$K4/kiosk.ini" 10 --ids "$K4/ids1"
run4() { "$LOBKIOSK" --config "$K4/kiosk.ini" sync "$@"; }
run4 --once >"$K4/out" 2>&1 || die "rejects-all: first sync: $(cat "$K4/out")"
# A second event, so the seeder's subjects do not meet their own check-ins again.
sed -i 's/EV1/EV2/g' "$K4/kiosk.ini"
"$SEEDER" seed "$K4/kiosk.ini" 40 --ids "$K4/ids2"
fault "$PROXY" '{"mode":"reject_all","message":"Problem in statements: server misconfigured"}'
for try in 1 2; do
    if run4 --once >"$K4/out" 2>"$K4/err"; then die "sync succeeded against an LRS refusing everything"; fi
    grep -q '^state error$' "$K4/out" || die "rejects-all: state not error: $(cat "$K4/out")"
    grep -q '^cause lrs_rejects_all$' "$K4/out" || die "rejects-all: no cause: $(cat "$K4/out")"
    [ "$(field quarantined "$K4/out")" = 0 ] || die "rejects-all: rows quarantined: $(cat "$K4/out")"
    [ "$(field requests "$K4/out")" -le 15 ] || die "rejects-all: too many requests: $(cat "$K4/out")"
    grep -q "server misconfigured" "$K4/err" || die "rejects-all: no LRS message: $(cat "$K4/err")"
    run4 --status >"$K4/st"
    [ "$(field queued "$K4/st")" = 40 ] && [ "$(field quarantined "$K4/st")" = 0 ] ||
        die "rejects-all (try $try): the queue changed: $(cat "$K4/st")"
    grep -q '^last_error lrs_rejects_all: .*one it had accepted before.*HTTP 400: Problem in statements: server misconfigured$' "$K4/st" ||
        die "rejects-all: last_error does not say why: $(cat "$K4/st")"
    [ "$(field head_attempts "$K4/st")" = "$try" ] || die "rejects-all: attempts not counted: $(cat "$K4/st")"
done
fault "$PROXY" '{"mode":"pass"}'
run4 --once >"$K4/out" 2>"$K4/err" || die "rejects-all: sync after the fix: $(cat "$K4/err")"
[ "$(field sent "$K4/out")" = 40 ] && [ "$(field quarantined "$K4/out")" = 0 ] ||
    die "rejects-all: after the fix: $(cat "$K4/out")"
cat "$K4/ids1" "$K4/ids2" >"$K4/ids"
C=$(lrs_count "$LRS" "$K4/ids")
[ "$C" = "total 50 distinct 50 missing 0" ] || die "after rejects-all: $C"
echo "ok: an LRS refusing everything: nothing quarantined, 40 kept queued with the reason; after the fix: $C"

# --- the same on a kiosk that never sent anything: the probe is another queued row. ---
K5="$LK_TMP/k5"
make_kiosk "$K5" "http://127.0.0.1:$PROXY/xAPI" 10 10
"$SEEDER" seed "$K5/kiosk.ini" 30 --bad 2 --ids "$K5/ids"
run5() { "$LOBKIOSK" --config "$K5/kiosk.ini" sync "$@"; }
fault "$PROXY" '{"mode":"reject_all"}'
if run5 --once >"$K5/out" 2>"$K5/err"; then die "fresh kiosk: sync succeeded against an LRS refusing everything"; fi
grep -q '^cause lrs_rejects_all$' "$K5/out" || die "fresh kiosk: no cause: $(cat "$K5/out")"
run5 --status >"$K5/st"
[ "$(field queued "$K5/st")" = 32 ] && [ "$(field quarantined "$K5/st")" = 0 ] ||
    die "fresh kiosk: the queue changed: $(cat "$K5/st")"
grep -q '^last_error lrs_rejects_all: .*other queued ones' "$K5/st" || die "fresh kiosk: $(cat "$K5/st")"
echo "ok: a kiosk that never sent: nothing quarantined behind an LRS refusing everything"

# --- a run of refused statements (the 8 oldest, plus the seeder's 2 bad ones) while the
# LRS takes the others: every refused one is quarantined, one by one, with its reason. ---
fault "$PROXY" '{"mode":"reject_match","match":"\"name\":\"S0000000[0-7]\""}'
run5 --once >"$K5/out" 2>"$K5/err" || die "run of refusals: sync failed: $(cat "$K5/err")"
[ "$(field sent "$K5/out")" = 22 ] && [ "$(field quarantined "$K5/out")" = 10 ] ||
    die "run of refusals: $(cat "$K5/out") $(cat "$K5/err")"
run5 --status >"$K5/st"
[ "$(grep -c '^quarantined_statement .* checkin HTTP 400: ' "$K5/st")" = 10 ] ||
    die "run of refusals: status: $(cat "$K5/st")"
[ "$(grep -c '^quarantined_statement .*injected 400: a statement matches' "$K5/st")" = 8 ] ||
    die "run of refusals: reasons: $(cat "$K5/st")"
echo "ok: 10 statements refused in runs among accepted ones: 10 quarantined, 22 sent"

# --- sync --requeue after the cause is fixed: all 10 back in the queue; the 8 go, the
# 2 the LRS itself refuses are quarantined again. ---
fault "$PROXY" '{"mode":"pass"}'
run5 --requeue >"$K5/rq" || die "requeue failed"
[ "$(cat "$K5/rq")" = "requeued 10" ] || die "requeue: $(cat "$K5/rq")"
run5 --status >"$K5/st"
[ "$(field queued "$K5/st")" = 10 ] && [ "$(field quarantined "$K5/st")" = 0 ] ||
    die "requeue: status: $(cat "$K5/st")"
! grep -q '^quarantined_statement' "$K5/st" || die "requeue: rows still listed: $(cat "$K5/st")"
run5 --once >"$K5/out" 2>"$K5/err" || die "requeue: sync failed: $(cat "$K5/err")"
[ "$(field sent "$K5/out")" = 8 ] && [ "$(field quarantined "$K5/out")" = 2 ] ||
    die "requeue: sync: $(cat "$K5/out")"
[ "$(run5 --requeue)" = "requeued 2" ] || die "requeue: second time"
[ "$(run5 --requeue)" = "requeued 0" ] || die "requeue: nothing left"
run5 --once >"$K5/out" 2>"$K5/err" || die "requeue: third sync failed"
[ "$(field quarantined "$K5/out")" = 2 ] || die "requeue: genuinely bad rows not quarantined again"
cat "$K4/ids" "$K5/ids" >"$LK_TMP/ids45"
C=$(lrs_count "$LRS" "$LK_TMP/ids45")
[ "$C" = "total 80 distinct 80 missing 0" ] || die "after requeue: $C"
echo "ok: sync --requeue: 10 back, 8 sent, the 2 the LRS refuses quarantined again; LRS: $C"

# --- sync --help names --requeue; a wrong option is a usage error that documents the
# output format. ---
run5 --help | grep -q -- '--requeue' || die "sync --help lacks --requeue"
if run5 --bogus 2>"$K5/usage"; then die "sync --bogus accepted"; fi
grep -q 'quarantined_statement UUID KIND REASON' "$K5/usage" || die "the usage lacks the format"
echo "ok: sync --help, usage with the output format"
