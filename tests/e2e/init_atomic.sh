#!/bin/sh
# init --demo is all or nothing: a run that fails half-way (the disk fills up while
# the frames and the database are written, after the keys, kiosk.ini and the passes) leaves
# nothing behind, neither the demo folder nor its hidden work folder, and a retry
# with room succeeds. The full disk is a real small tmpfs (needs root to mount);
# without it, a missing example file (a fault after the folders are made) is used.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-init-atomic.XXXXXX)
M="$T/small"
cleanup() {
    umount "$M" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$M" "$T/elsewhere"
fail() { echo "init_atomic: $*"; exit 1; }
left() { # folder: fails when anything is in it
    [ -z "$(ls -A "$1")" ] || { ls -laR "$1"; fail "init left files behind in $1"; }
}

if mount -t tmpfs -o size=600k,mode=0755 lk-init-atomic "$M" 2>/dev/null; then
    if "$LOBKIOSK" init --demo "$M/demo" > "$T/out" 2> "$T/err"; then
        fail "init succeeded on a 600 KiB disk (the test needs it to fail half-way)"
    fi
    # it fails after the keys and kiosk.ini were written (frames or the database)
    grep -Eq "passes and frames|database" "$T/err" || { cat "$T/err"; fail "did not fail half-way"; }
    left "$M"
    [ "$(df -k "$M" | awk 'NR == 2 { print $3 }')" -le 4 ] || fail "space not given back"
    mount -o remount,size=8m "$M"
    "$LOBKIOSK" init --demo "$M/demo" > "$T/out" 2> "$T/err" || { cat "$T/err"; fail "retry failed"; }
    [ -f "$M/demo/kiosk.ini" ] && [ -f "$M/demo/keys/DEMO-D1.key" ] || fail "retry made no demo"
    [ "$(ls "$M/demo/frames" | wc -l)" -ge 9 ] || fail "retry made no frames"
    for f in "$M"/demo/frames/*.png; do [ -s "$f" ] || fail "empty frame $f"; done
    [ "$(ls -A "$M")" = demo ] || fail "work folder left next to the demo"
    sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$M/demo/kiosk.ini"
    "$LOBKIOSK" --config "$M/demo/kiosk.ini" checkin "$(awk '$3 == "1001" { print $4 }' \
        "$M/demo/passes/passes.txt")" > "$T/checkin" || fail "the retried demo does not check in"
    grep -q checked_in "$T/checkin" || fail "the retried demo does not check in"
    echo "init_atomic: full disk half-way: nothing left, retry ok"
else
    echo "init_atomic: no tmpfs (needs root); using a missing example file instead"
fi

# A fault after the folders are made, for any user: no kiosk.example.ini to be found
# (run from a folder without assets/; skipped when an installed copy exists).
if (cd "$T/elsewhere" && "$LOBKIOSK" init --demo "$T/out2/demo" > /dev/null 2> "$T/err2"); then
    echo "init_atomic: an installed kiosk.example.ini exists; missing-file case skipped"
else
    grep -q "kiosk.example.ini" "$T/err2" || { cat "$T/err2"; fail "unexpected failure"; }
    left "$T/out2"
    left "$T/elsewhere"
    "$LOBKIOSK" init --demo "$T/out2/demo" > /dev/null || fail "retry failed"
    [ "$(ls -A "$T/out2")" = demo ] || fail "work folder left next to the demo"
fi
# A folder that holds something else is refused and kept as it was.
mkdir -p "$T/busy" && echo x > "$T/busy/notes.txt"
if "$LOBKIOSK" init --demo "$T/busy" > /dev/null 2> "$T/err3"; then fail "wrote into a full folder"; fi
grep -q "not an empty folder" "$T/err3" || { cat "$T/err3"; fail "no clear message"; }
[ "$(ls -A "$T/busy")" = notes.txt ] || fail "the busy folder changed"
echo "init_atomic: ok"
