#!/bin/sh
# The PIN pad's lockout is kept in the database: five wrong PINs shut the pad, a
# restart does not open it (the right PIN is refused while shut), the screen says
# how long and its keys are off (a tap on them shows nothing); after the lockout the right PIN opens the admin screen and the count
# is gone. The next five wrong PINs shut it for five minutes.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-pin.XXXXXX)
trap 'rm -rf "$T"' EXIT
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
INI="$T/demo/kiosk.ini"
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|; s/^source *= *folder/source = none/" "$INI"
DB="$T/demo/data/lobkiosk.db"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_NO_THREADS=1
run() { # script-file log [fake-now]
    LOBKIOSK_FAKE_NOW="$3" LOBKIOSK_SCRIPT="$1" "$LOBKIOSK" --config "$INI" 2> "$2" ||
        { cat "$2"; echo "kiosk failed ($1)"; exit 1; }
}
q() { sqlite3 "$DB" "$1"; }
wrong5() {
    for _ in 1 2 3 4 5; do
        printf 'tap pin-9\ntap pin-9\ntap pin-9\ntap pin-9\ntap pin-ok\n'
    done
}
right() { printf 'tap pin-1\ntap pin-2\ntap pin-3\ntap pin-4\ntap pin-ok\n'; }
NOW=2026-11-28T10:00:00+01:00

{ echo 'wait 50'; echo 'tap admin'; echo 'expect pin'; wrong5
  echo 'expect pin'; echo 'expect-text Wacht 1 minuut'; echo quit; } > "$T/1.script"
run "$T/1.script" "$T/1.log" "$NOW"
[ "$(q 'SELECT failures FROM pin_guard')" = 5 ] || { echo "failures not kept"; exit 1; }
until=$(q 'SELECT locked_until_ms FROM pin_guard')
want=$(( $(date -d "$NOW" +%s) * 1000 + 60000 ))
[ "$until" -ge $((want - 5000)) ] && [ "$until" -le "$want" ] ||
    { echo "locked_until_ms $until, want about $want"; exit 1; }

# Restarted 20 s later: still shut, the right PIN does nothing. The shut pad's keys
# are drawn off: a finger held on a digit, on OK or on "Wis" changes nothing on the
# screen (no pressed key, no dot), and neither does lifting it; the lock message stays.
{ echo 'wait 50'; echo 'tap admin'; echo 'expect pin'; echo 'expect-text Wacht 1 minuut'
  echo "shot $T/shut.png"
  for key in pin-5 pin-ok pin-erase; do
      echo "finger down 1 $key"; echo "shot $T/held-$key.png"
      echo "finger up 1 $key"; echo "shot $T/after-$key.png"
  done
  right; echo 'expect pin'; echo 'expect-text Wacht 1 minuut'; echo "shot $T/after-pin.png"
  echo quit; } > "$T/2.script"
run "$T/2.script" "$T/2.log" 2026-11-28T10:00:20+01:00
[ "$(q 'SELECT failures FROM pin_guard')" = 5 ] || { echo "restart changed the count"; exit 1; }
for shot in held-pin-5 after-pin-5 held-pin-ok after-pin-ok held-pin-erase after-pin-erase \
    after-pin; do
    cmp -s "$T/shut.png" "$T/$shot.png" || { echo "the shut pad changed on a tap ($shot)"; exit 1; }
done

# Two minutes later it is open; five more wrong PINs shut it for five minutes.
{ echo 'wait 50'; echo 'tap admin'; wrong5; echo 'expect-text Wacht 5 minuten'; echo quit; } \
    > "$T/3.script"
run "$T/3.script" "$T/3.log" 2026-11-28T10:02:00+01:00
[ "$(q 'SELECT failures FROM pin_guard')" = 10 ] || { echo "count did not go on"; exit 1; }
until=$(q 'SELECT locked_until_ms FROM pin_guard')
want=$(( $(date -d 2026-11-28T10:02:00+01:00 +%s) * 1000 + 300000 ))
[ "$until" -ge $((want - 5000)) ] && [ "$until" -le "$want" ] ||
    { echo "second lockout until $until, want about $want"; exit 1; }

# After it: the right PIN opens the admin screen and the count is gone.
{ echo 'wait 50'; echo 'tap admin'; right; echo 'expect admin'; echo quit; } > "$T/4.script"
run "$T/4.script" "$T/4.log" 2026-11-28T10:08:00+01:00
[ "$(q 'SELECT failures || "/" || locked_until_ms FROM pin_guard')" = 0/0 ] ||
    { echo "a right PIN did not reset the guard"; exit 1; }
echo "ui_pin_lockout: ok"
