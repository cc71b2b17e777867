#!/bin/sh
# The error screen for real: the kiosk's data_dir is a small tmpfs that is filled
# up while the kiosk runs. A scan then cannot be saved: the kiosk shows the error
# screen and never welcome, and nothing is in the database. Once space is freed,
# the same student's next scan checks in. The error screen is checked for overflow at
# 800x480, 1024x600 and 1280x800 in both languages. Needs root (mount); skips otherwise.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-full.XXXXXX)
D="$T/data"
mkdir -p "$D"
cleanup() {
    [ -n "${KPID:-}" ] && kill "$KPID" 2>/dev/null || true
    umount "$D" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT
if ! mount -t tmpfs -o size=4m,mode=0700 lk-ui-full "$D" 2>/dev/null; then
    echo "ui_error_disk_full: skipped (cannot mount a tmpfs here; needs root)"
    exit 0
fi
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
INI="$T/demo/kiosk.ini"
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|; s/^source *= *folder/source = none/; s|^data_dir *=.*|data_dir = $D|" "$INI"
P="$T/demo/passes/passes.txt"
pay() { awk -v s="$1" '$3 == s { print $4 }' "$P"; }
S2=$(pay 1002)
SHOT="$T/error.png"
# The script signals on stdout and waits; the shell fills or frees the disk meanwhile.
cat > "$T/s" <<SCRIPT
wait 50
expect idle
echo FILL
wait 6000
scan $S2
expect error
expect-text Opslaan lukte niet
shot $SHOT
check-overflow
size 1024x600
check-overflow
size 1280x800
check-overflow
lang en
expect-text Saving
check-overflow
size 1024x600
check-overflow
size 800x480
check-overflow
lang nl
tap ok
expect idle
echo FREE
wait 6000
scan $S2
expect welcome
expect-text Welkom
quit
SCRIPT
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_NO_THREADS=1 LOBKIOSK_LATENCY=1 \
    LOBKIOSK_SCRIPT="$T/s" "$LOBKIOSK" --config "$INI" > "$T/out" 2> "$T/err" &
KPID=$!
waitfor() { # word: until the kiosk printed it (at most 10 s)
    i=0
    until grep -q "^$1\$" "$T/out"; do
        i=$((i + 1))
        [ $i -lt 100 ] || { echo "kiosk never said $1"; cat "$T/err"; exit 1; }
        sleep 0.1
    done
}
waitfor FILL
# Fill every free block (dd stops at ENOSPC).
dd if=/dev/zero of="$D/fill" bs=64k 2>/dev/null || true
[ "$(df -P "$D" | awk 'NR == 2 { print $4 }')" -lt 8 ] || { echo "tmpfs not full"; exit 1; }
waitfor FREE
rm -f "$D/fill"
rc=0
wait "$KPID" || rc=$?
KPID=
[ "$rc" = 0 ] || { cat "$T/err"; echo "kiosk script failed ($rc)"; exit 1; }
grep -q 'check-in failed' "$T/err" || { cat "$T/err"; echo "no failed check-in in the log"; exit 1; }
# Screens in the order presented: idle, error (never welcome), idle, welcome.
seq=$(awk '/^screen-shown/ { printf "%s ", $2 }' "$T/err")
[ "$seq" = "idle error idle welcome " ] || { echo "screens shown: $seq"; exit 1; }
[ -s "$SHOT" ] || { echo "no screenshot"; exit 1; }
DB="$D/lobkiosk.db"
n=$(sqlite3 "$DB" "SELECT count(*) FROM experiences")
[ "$n" = 1 ] || { echo "expected 1 check-in, got $n"; exit 1; }
[ -n "${LK_UI_SHOTS:-}" ] && cp "$SHOT" "$LK_UI_SHOTS/error-disk-full.png"
echo "ui_error_disk_full: error screen on a full disk, never welcome; next scan after freeing space ok"
