# Retention in the running kiosk: with [kiosk] retention_days set, the kiosk purges
# sent statements and stale roster rows by itself after its first idle frame, and
# keeps what is still queued. The clock counts as synchronised here
# (LOBKIOSK_CLOCK_SYNC=yes): on an unsynchronised one nothing is purged (ui_clock.sh).
set -eu
: "${LOBKIOSK:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$LOBKIOSK" init --demo "$tmp/k" --windowed --size 800x480 >/dev/null
sed -i 's/^\[kiosk\]$/[kiosk]\nretention_days = 1/' "$tmp/k/kiosk.ini"
db="$tmp/k/data/lobkiosk.db"
for s in 1001 1002; do
    p=$(awk -v f="student-$s.png" '$1 == f { print $4 }' "$tmp/k/passes/passes.txt")
    "$LOBKIOSK" --config "$tmp/k/kiosk.ini" checkin "$p" >/dev/null
done
old=$(( ($(date +%s) - 2 * 86400) * 1000 ))
sqlite3 "$db" "UPDATE outbox SET state = 1, sent_ms = $old WHERE subject = '1001';
               UPDATE roster SET updated_ms = $old WHERE subject = '1003';"
test "$(sqlite3 "$db" "SELECT count(*) FROM outbox")" = 2
printf 'wait 2500\nquit\n' > "$tmp/script"
LOBKIOSK_CLOCK_SYNC=yes SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SCRIPT="$tmp/script" \
    "$LOBKIOSK" --config "$tmp/k/kiosk.ini" 2> "$tmp/log"
grep -q 'retention: removed 1 sent statements, 1 roster rows' "$tmp/log" || { cat "$tmp/log"; exit 1; }
test "$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE subject = '1001'")" = 0
test "$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE subject = '1002' AND id IN (SELECT id FROM outbox_queue)")" = 1
test "$(sqlite3 "$db" "SELECT count(*) FROM roster WHERE subject = '1003'")" = 0
test "$(sqlite3 "$db" "SELECT count(*) FROM roster")" = 6
test "$(sqlite3 "$db" "SELECT count(*) FROM experiences")" = 2
echo "kiosk retention ok"
