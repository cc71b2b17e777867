#!/bin/sh
# lobkiosk check: a demo kiosk is ready (exit 0, with the demo warning); then one
# thing broken at a time gives exactly one FAIL line, for that thing, and exit 1:
# an unknown question set, a database readable by others, a credentials file
# readable by others, a clock in 1970 (a Pi without RTC or network time), a missing
# frames folder. A stale outbox warns. --network asks a real LRS on 127.0.0.1
# (ok) and a closed port (FAIL). Wrong arguments exit 2.
set -eu
LK_ROOT=${LK_ROOT:-$(pwd)}
LK_BUILD=${LK_BUILD:-$LK_ROOT/build}
. "$LK_ROOT/tests/lrs/harness.sh"
L=${LOBKIOSK:-build/lobkiosk}
T="$LK_TMP"

# init dates the demo from "now"; noon local time is inside its events.
export LOBKIOSK_FAKE_NOW=2030-06-03T12:00:00
"$L" init --demo "$T/demo" >/dev/null 2>&1 || die "init --demo"
D="$T/demo"
K="$D/kiosk.ini"

# check INI [ENV=VALUE...]: runs the check, output in $T/out, exit code in $rc.
check() {
    ini=$1
    shift
    set +e
    env "$@" "$L" --config "$ini" check ${NETWORK:-} >"$T/out" 2>"$T/err"
    rc=$?
    set -e
}
show() { cat "$T/out" "$T/err" >&2; }

# expect_fail WHAT TEXT: exit 1, one FAIL line, for WHAT, saying TEXT.
expect_fail() {
    [ "$rc" = 1 ] || { show; die "$1: exit $rc, expected 1"; }
    [ "$(grep -c '^FAIL' "$T/out")" = 1 ] || { show; die "$1: not exactly one FAIL line"; }
    grep "^FAIL  $1 " "$T/out" | grep -q -- "$2" || { show; die "$1: no FAIL line saying '$2'"; }
    grep -q 'NOT READY' "$T/out" || { show; die "$1: the summary does not say NOT READY"; }
    echo "ok: $(grep '^FAIL' "$T/out" | cut -c1-110)"
}

# --- a demo kiosk is ready, with the demo warning ---
check "$K"
[ "$rc" = 0 ] || { show; die "demo kiosk: exit $rc"; }
grep -q '^warn  demo ' "$T/out" || { show; die "no demo warning"; }
grep -q '^FAIL' "$T/out" && { show; die "demo kiosk has a FAIL line"; }
for what in config issuers clock event questions texts data-mode db-mode database outbox \
    queue camera scanner fonts; do
    grep -q "^ok    $what " "$T/out" || { show; die "demo kiosk: no ok line for $what"; }
done
grep -q '^skip  lrs  *skipped' "$T/out" || { show; die "without --network the LRS is not skipped"; }
tail -n 1 "$T/out" | grep -q '0 FAIL.*ready' || { show; die "summary: $(tail -n 1 "$T/out")"; }
echo "ok: demo kiosk ready (exit 0) with the demo warning"

# --- wrong arguments ---
set +e
"$L" --config "$K" check --bogus >/dev/null 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || die "check --bogus: exit $rc, expected 2"
echo "ok: check --bogus exits 2"

# --- an event with a question set that does not exist ---
sed 's/^questions = default$/questions = gone/' "$K" >"$D/noset.ini"
check "$D/noset.ini"
expect_fail questions "unknown question set 'gone'"

# --- the database readable by others (the check reports it, does not hide it) ---
chmod 644 "$D/data/lobkiosk.db"
check "$K"
expect_fail db-mode "mode 0644"
[ "$(stat -c %a "$D/data/lobkiosk.db")" = 644 ] || die "the check changed the database's mode"
chmod 600 "$D/data/lobkiosk.db"

# --- a credentials file readable by others ---
printf 'lrs-user:lrs-secret\n' >"$D/lrs.cred"
chmod 644 "$D/lrs.cred"
sed 's|^credentials_file =.*|credentials_file = lrs.cred|' "$K" >"$D/cred.ini"
check "$D/cred.ini"
expect_fail credentials "readable by group or others"
chmod 600 "$D/lrs.cred"
check "$D/cred.ini"
[ "$rc" = 0 ] || { show; die "a private credentials file: exit $rc"; }
echo "ok: chmod 600 on the credentials file makes it ok again"

# --- a clock in 1970: every pass would look expired ---
check "$K" LOBKIOSK_FAKE_NOW=1970-01-01T00:00Z
expect_fail clock "the system clock says 19[67]"
grep '^FAIL  clock ' "$T/out" | grep -q 'expired' || { show; die "clock: no explanation"; }

# --- the frames folder is gone ---
mv "$D/frames" "$D/frames.away"
check "$K"
expect_fail camera "frames folder"
mv "$D/frames.away" "$D/frames"

# --- a statement queued two days ago and never sent warns (sync on) ---
if command -v sqlite3 >/dev/null 2>&1; then
    sed 's|^endpoint =.*|endpoint = http://127.0.0.1:9/xAPI|' "$D/cred.ini" >"$D/stale.ini"
    now_ms=$(date -d 2030-06-03T12:00:00 +%s)000
    sqlite3 "$D/data/lobkiosk.db" "INSERT INTO outbox (uuid, kind, json, state, created_ms)
        VALUES ('00000000-0000-4000-8000-000000000001', 'checkin', '{}', 0,
                $now_ms - 2 * 86400000)"
    check "$D/stale.ini"
    [ "$rc" = 0 ] || { show; die "a stale outbox: exit $rc, expected 0 (a warning)"; }
    grep '^warn  outbox ' "$T/out" | grep -q '2 days old' || { show; die "no stale-outbox warning"; }
    sqlite3 "$D/data/lobkiosk.db" "DELETE FROM outbox"
    echo "ok: a statement queued 2 days ago warns"
    # a statement taken out of the queue by hand would never be sent: check fails
    sqlite3 "$D/data/lobkiosk.db" "INSERT INTO outbox (uuid, kind, json, created_ms)
        VALUES ('00000000-0000-4000-8000-000000000002', 'checkin', '{}', $now_ms);
        DELETE FROM outbox_queue"
    check "$D/stale.ini"
    [ "$rc" = 1 ] || { show; die "a statement out of the queue: exit $rc, expected 1"; }
    grep '^FAIL  queue ' "$T/out" | grep -q 'so never sent: 1;' ||
        { show; die "no queue failure for a statement in no place"; }
    sqlite3 "$D/data/lobkiosk.db" "INSERT INTO outbox_queue (id) SELECT id FROM outbox;
        UPDATE outbox_totals SET queued = queued + 5"
    check "$D/stale.ini"
    grep '^FAIL  queue ' "$T/out" | grep -q 'never sent: 0;.*; the counts differ' ||
        { show; die "counts that no longer match the rows pass"; }
    sqlite3 "$D/data/lobkiosk.db" "UPDATE outbox_totals SET queued = queued - 5"
    check "$D/stale.ini"
    grep -q '^ok    queue ' "$T/out" || { show; die "a queue that adds up again still fails"; }
    sqlite3 "$D/data/lobkiosk.db" "DELETE FROM outbox"
    echo "ok: a statement in no place of the queue, and counts that differ, fail check"
else
    echo "note: no sqlite3 CLI; the stale-outbox warning is not tested"
fi

# --- --network: a real LRS answers /about; a closed port does not ---
if command -v node >/dev/null 2>&1; then
    lrs_install
    LRS=$(free_port)
    DEAD=$(free_port)
    start_lrs "$LRS"
    sed "s|^endpoint =.*|endpoint = http://127.0.0.1:$LRS/xAPI|" "$D/cred.ini" >"$D/lrs.ini"
    NETWORK=--network check "$D/lrs.ini"
    [ "$rc" = 0 ] || { show; die "--network against the LRS: exit $rc"; }
    grep '^ok    lrs ' "$T/out" | grep -q '1\.0\.' || { show; die "--network: no ok lrs line"; }
    echo "ok: $(grep '^ok    lrs ' "$T/out")"
    sed "s|^endpoint =.*|endpoint = http://127.0.0.1:$DEAD/xAPI|;s|^connect_timeout =.*|connect_timeout = 2|" \
        "$D/cred.ini" >"$D/dead.ini"
    NETWORK=--network check "$D/dead.ini"
    expect_fail lrs "no answer"
else
    echo "note: no node; --network is not tested"
fi
echo "check_cli: all ok"
