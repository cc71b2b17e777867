#!/bin/sh
# Endpoints that answer 2xx but not as an LRS must swallow nothing (xAPI 1.0.3: POST
# /statements answers 200 and exactly the ids sent). In front of a real LRS
# (Learning Locker's statement service, in memory) a proxy answers: 200 with an HTML
# page, 200 with an empty body, 299; or forwards and then rewrites the LRS's answer
# (fewer ids, wrong ids). Each time the sync stops with cause not_lrs, sync --status
# shows the cause and the screen's words, only confirmed ids leave the queue; with
# the proxy passing again the LRS holds every statement exactly once.
# Then sync --verify reads statements back by id: all there; a fresh LRS (in memory:
# the restart forgets everything) with only some of them re-posted: the others are
# reported missing.
# no-sanitizer
set -eu
. "$LK_ROOT/tests/lrs/harness.sh"
lrs_install
ensure_seeder

LRS=$(free_port); PROXY=$(free_port)
start_lrs "$LRS"
start_proxy "$PROXY" "$LRS"
K="$LK_TMP/k"
make_kiosk "$K" "http://127.0.0.1:$PROXY/xAPI" 5 20
run() { "$LOBKIOSK" --config "$K/kiosk.ini" "$@"; }
"$SEEDER" seed "$K/kiosk.ini" 100 --ids "$K/ids"

queued() { run sync --status >"$K/st"; field queued "$K/st"; }
LEFT=100
for f in '{"mode":"body","body":"<html><body>Welkom op het gastnetwerk</body></html>","count":1}' \
         '{"mode":"body","body":"","type":"application/json","count":1}' \
         '{"mode":"body","status":299,"body":"[]","type":"application/json","count":1}' \
         '{"mode":"rewrite","rewrite":"wrong","count":1}' \
         '{"mode":"rewrite","rewrite":"status299","count":1}' \
         '{"mode":"rewrite","rewrite":"fewer","count":1}'; do
    fault "$PROXY" "$f"
    if run sync --once >"$K/out" 2>"$K/err"; then die "sync succeeded through $f"; fi
    grep -q '^state error$' "$K/out" || die "$f: not state error: $(cat "$K/out")"
    grep -q '^cause not_lrs$' "$K/out" || die "$f: no cause not_lrs: $(cat "$K/out")"
    grep -q '^requests 1$' "$K/out" || die "$f: more than one request: $(cat "$K/out")"
    SENT=$(field sent "$K/out")
    case $f in
    *fewer*) [ "$SENT" = 19 ] || die "$f: the 19 listed ids are sent, got $SENT" ;;
    *) [ "$SENT" = 0 ] || die "$f: $SENT marked sent" ;;
    esac
    LEFT=$((LEFT - SENT))
    [ "$(queued)" = "$LEFT" ] || die "$f: queue $LEFT expected: $(cat "$K/st")"
    grep -q '^cause not_lrs$' "$K/st" || die "$f: sync --status has no cause: $(cat "$K/st")"
    grep -q '^screen_text Het dossier antwoordt niet zoals een LRS$' "$K/st" ||
        die "$f: sync --status has not the screen's words: $(cat "$K/st")"
    grep -q '^last_error not_lrs: ' "$K/st" || die "$f: no last_error: $(cat "$K/st")"
    if grep -q "Welkom" "$K/st" "$K/err"; then die "$f: the page's text was repeated"; fi
done
echo "ok: HTML, empty, 299, wrong ids, fewer ids: cause not_lrs, $LEFT of 100 still queued"

run sync --once >"$K/out" 2>"$K/err" || die "sync through the passing proxy: $(cat "$K/err")"
[ "$(queued)" = 0 ] || die "queue not empty: $(cat "$K/st")"
grep -q '^cause -$' "$K/st" || die "the cause stayed after the LRS answered: $(cat "$K/st")"
C=$(lrs_count "$LRS" "$K/ids")
[ "$C" = "total 100 distinct 100 missing 0" ] || die "LRS after recovery: $C"
echo "ok: the real LRS then holds every statement once ($C)"

# --- sync --verify ---
run sync --verify 100 >"$K/v" 2>"$K/err" || die "verify: $(cat "$K/v" "$K/err")"
grep -q '^checked 100$' "$K/v" && grep -q '^missing 0$' "$K/v" || die "verify: $(cat "$K/v")"
kill -9 "$LRS_PID"
wait "$LRS_PID" 2>/dev/null || true
start_lrs "$LRS"
# re-post 30 of them straight to the fresh LRS, as they were sent
sqlite3 "$K/data/lobkiosk.db" "SELECT json FROM outbox WHERE id IN (SELECT id FROM outbox_sent) ORDER BY id LIMIT 30" |
    while IFS= read -r stmt; do
        printf '%s' "$stmt" | curl -s -f -u x:y -H 'X-Experience-API-Version: 1.0.3' \
            -H 'Content-Type: application/json' --data-binary @- \
            "http://127.0.0.1:$LRS/xAPI/statements" >/dev/null || exit 1
    done || die "re-posting to the fresh LRS"
set +e
run sync --verify 100 >"$K/v" 2>"$K/err"
rc=$?
set -e
[ "$rc" = 1 ] || die "verify with statements missing: exit $rc: $(cat "$K/v" "$K/err")"
grep -q '^checked 100$' "$K/v" && grep -q '^missing 70$' "$K/v" || die "verify: $(cat "$K/v")"
[ "$(grep -c '^missing_statement [0-9a-f-]* checkin$' "$K/v")" = 70 ] || die "verify list: $(cat "$K/v")"
sqlite3 "$K/data/lobkiosk.db" "SELECT uuid FROM outbox WHERE id IN (SELECT id FROM outbox_sent) ORDER BY id LIMIT 30" >"$K/there"
if grep -F -f "$K/there" "$K/v" >/dev/null; then die "verify reports a statement the LRS has"; fi
set +e
run sync --verify 0 >/dev/null 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || die "verify 0: exit $rc"
echo "ok: sync --verify: 100 of 100 there; after a fresh LRS with 30 re-posted: 70 missing, named"
