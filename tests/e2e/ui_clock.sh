#!/bin/sh
# The kiosk on a Raspberry Pi without a real-time clock, with the clock state
# faked through LOBKIOSK_CLOCK_SYNC, LOBKIOSK_FAKE_NOW and LOBKIOSK_FAKE_BOOT_MS
# (one fake boot):
# 1. A check-in on an unsynchronised clock is listed as such; `check` warns.
# 2. The kiosk started with the clock 45 days ahead and still unsynchronised:
#    the status line says "Klok niet gelijk", retention deletes nothing.
# 3. `purge` with the clock synchronised but jumped 45 days ahead of the boot
#    clock in the same boot: refused, nothing deleted.
# 4. The kiosk once the clock is synchronised in that boot: the check-in gets its
#    true time (also in its queued statement), retention still deletes nothing
#    on the day of the jump.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-clock.XXXXXX)
trap 'rm -rf "$T"' EXIT
SHOTS=${LK_UI_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
fail() { echo "ui_clock: $1"; exit 1; }
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
K="$T/demo/kiosk.ini"
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$K"
sed -i 's/^source *= *folder/source = none/' "$K"
sed -i 's/^\[kiosk\]$/[kiosk]\nretention_days = 30/' "$K"
DB="$T/demo/data/lobkiosk.db"
q() { sqlite3 "$DB" "$1"; }
pay() { awk -v s="$1" '$3 == s { print $4 }' "$T/demo/passes/passes.txt"; }
iso() { date -d "@$1" +%Y-%m-%dT%H:%M:%S%:z; }
now=$(date +%s)
BOOT=5000000 # ms since the fake boot at the first check-in

# 1. A check-in on the unsynchronised clock (the real time, a fake boot).
printf 'wait 300\nscan %s\nexpect welcome\nquit\n' "$(pay 1001)" > "$T/s0"
LOBKIOSK_CLOCK_SYNC=no LOBKIOSK_FAKE_BOOT_MS=$BOOT \
    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$T/s0" \
    LOBKIOSK_NO_THREADS=1 "$LOBKIOSK" --config "$K" 2> "$T/log0"
[ "$(q "SELECT count(*) FROM clock_unsynced WHERE boot_id = 'fake'")" = 1 ] || fail "the check-in is not listed as unsure"
t1=$(q "SELECT checkin_ms FROM experiences")
LOBKIOSK_CLOCK_SYNC=no "$LOBKIOSK" --config "$K" check > "$T/check" 2>&1 || true
grep -q 'warn.*clock.*not synchronised' "$T/check" || { cat "$T/check"; fail "check does not warn about the clock"; }
grep -q 'warn.*clock.*1 records were made on an unsynchronised clock' "$T/check" || fail "check does not count the unsure records"
# Old data that a 30-day retention would delete on a 45-days-later clock.
old=$(( (now - 2 * 86400) * 1000 ))
q "INSERT INTO outbox (uuid, kind, json, state, created_ms, sent_ms) VALUES ('old-sent', 'checkin', '{}', 1, $old, $old);
   UPDATE roster SET updated_ms = $old WHERE subject = '1003';"
rows() { q "SELECT (SELECT count(*) FROM outbox) || ' ' || (SELECT count(*) FROM roster)"; }
before=$(rows)

# 2. Started 45 days ahead, unsynchronised.
ahead=$((now + 45 * 86400))
printf 'wait 1500\nexpect idle\nexpect-text Klok niet gelijk\nshot %s\nquit\n' "$SHOTS/unsynced-idle.png" > "$T/s1"
LOBKIOSK_CLOCK_SYNC=no LOBKIOSK_FAKE_NOW=$(iso $ahead) LOBKIOSK_FAKE_BOOT_MS=$((BOOT + 60000)) \
    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$T/s1" \
    LOBKIOSK_NO_THREADS=1 "$LOBKIOSK" --config "$K" 2> "$T/log1"
grep -q 'clock: the wall clock jumped' "$T/log1" || { cat "$T/log1"; fail "the jump was not noticed"; }
grep -q 'retention: the system clock is not synchronised' "$T/log1" || { cat "$T/log1"; fail "retention did not refuse"; }
[ "$(rows)" = "$before" ] || fail "deleted on an unsynchronised clock: $before -> $(rows)"

# 3. purge on a synchronised clock that jumped 45 days in this boot.
rc=0
LOBKIOSK_CLOCK_SYNC=yes LOBKIOSK_FAKE_NOW=$(iso $ahead) LOBKIOSK_FAKE_BOOT_MS=$((BOOT + 120000)) \
    "$LOBKIOSK" --config "$K" purge > /dev/null 2> "$T/purge" || rc=$?
[ "$rc" = 1 ] || fail "purge after a jump: exit $rc"
grep -q 'jumped forward' "$T/purge" || fail "purge did not say the clock jumped: $(cat "$T/purge")"
[ "$(rows)" = "$before" ] || fail "purge deleted after a jump"

# 4. The kiosk with the clock synchronised in the same boot.
printf 'wait 1500\nexpect idle\nexpect-no-text Klok niet gelijk\nshot %s\nquit\n' "$SHOTS/synced-idle.png" > "$T/s2"
LOBKIOSK_CLOCK_SYNC=yes LOBKIOSK_FAKE_NOW=$(iso $ahead) LOBKIOSK_FAKE_BOOT_MS=$((BOOT + 180000)) \
    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$T/s2" \
    LOBKIOSK_NO_THREADS=1 "$LOBKIOSK" --config "$K" 2> "$T/log2"
grep -q 'records made before got their true time' "$T/log2" || { cat "$T/log2"; fail "no correction"; }
t2=$(q "SELECT checkin_ms FROM experiences")
want=$(( ahead * 1000 - 180000 ))
# (less the few ms between the check-in's time and its listing)
d=$((want - t2))
[ "$d" -ge 0 ] && [ "$d" -lt 2000 ] || fail "check-in time $t1 became $t2, want $want (45 days later less 3 boot minutes)"
ts=$(q "SELECT json_extract(json, '\$.timestamp') FROM outbox WHERE kind = 'checkin' AND id IN (SELECT id FROM outbox_queue)")
d=$((want / 1000 - $(date -d "$ts" +%s)))
[ "$d" -ge 0 ] && [ "$d" -le 2 ] || fail "the queued statement says $ts"
[ "$(q "SELECT count(*) FROM clock_unsynced")" = 0 ] || fail "still listed as unsure"
grep -q 'retention: the clock jumped forward' "$T/log2" || { cat "$T/log2"; fail "retention did not wait after the jump"; }
[ "$(rows)" = "$before" ] || fail "deleted on the day of the jump"
echo "ui_clock: unsure records listed and corrected, nothing deleted on an unsynchronised or jumped clock"
