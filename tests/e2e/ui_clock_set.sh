#!/bin/sh
# The admin screen sets the date and time. The kiosk's clock is faked
# (LOBKIOSK_FAKE_NOW) and the command that sets the clock is a stand-in
# (LOBKIOSK_SET_TIME_CMD) that records what it was asked, so the machine's clock
# is never touched. At 800x480, 1920x1080 and 480x800: the time button on the
# admin screen opens "Datum en tijd"; a day on and an hour back, saved, asks
# `set-time '2030-06-04 11:00:00'`; a refusal (the stand-in exits 1, as
# timedatectl does without polkit's permission) says so on the admin screen.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-clock-set.XXXXXX)
trap 'rm -rf "$T"' EXIT
SHOTS=${LK_UI_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
fail() { echo "ui_clock_set: $1"; exit 1; }
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
K="$T/demo/kiosk.ini"
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$K"
sed -i 's/^source *= *folder/source = none/' "$K"
cat > "$T/set-time" <<EOS
#!/bin/sh
printf '%s|%s\n' "\$1" "\$2" >> "$T/asked"
exit \${SET_TIME_EXIT:-0}
EOS
chmod +x "$T/set-time"
S="$T/s"
: > "$S"
for size in 800x480 1920x1080 480x800; do
    cat >> "$S" <<SCRIPT
size $size
wait 30
tap admin
tap pin-1
tap pin-2
tap pin-3
tap pin-4
tap pin-ok
expect admin
expect-text Klok 12:00
shot $SHOTS/$size-admin.png
check-overflow
touch clock
expect clock
expect-text 03-06-2030  12:00
shot $SHOTS/$size-clock.png
check-overflow
touch clock-day+
touch clock-hour-
expect-text 04-06-2030  11:00
shot $SHOTS/$size-clock-changed.png
touch clock-save
expect admin
expect-text De klok is gezet.
shot $SHOTS/$size-admin-set.png
check-overflow
tap close
expect idle
SCRIPT
done
echo quit >> "$S"
run() {
    LOBKIOSK_FAKE_NOW=2030-06-03T12:00:00 LOBKIOSK_CLOCK_SYNC=no LOBKIOSK_SET_TIME_CMD="$T/set-time" \
        SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$1" \
        LOBKIOSK_NO_THREADS=1 "$LOBKIOSK" --config "$K" 2> "$T/log"
}
run "$S" || { cat "$T/log"; fail "the script failed"; }
[ "$(sort -u "$T/asked")" = "set-time|2030-06-04 11:00:00" ] || fail "asked: $(cat "$T/asked")"
[ "$(wc -l < "$T/asked")" = 3 ] || fail "set-time asked $(wc -l < "$T/asked") times, want 3"
grep -q 'clock: set by the admin screen' "$T/log" || fail "no log line"
# Not permitted.
printf 'wait 30\ntap admin\ntap pin-1\ntap pin-2\ntap pin-3\ntap pin-4\ntap pin-ok\ntap clock\ntap clock-min+\ntap clock-save\nexpect admin\nexpect-text De kiosk mag de klok niet zetten.\nshot %s\ncheck-overflow\nquit\n' \
    "$SHOTS/admin-denied.png" > "$T/s2"
SET_TIME_EXIT=1 run "$T/s2" || { cat "$T/log"; fail "the refusal was not shown"; }
grep -q 'clock: not set (permission)' "$T/log" || { cat "$T/log"; fail "no log line for the refusal"; }
echo "ui_clock_set: the admin screen sets the date and time, and says when it may not"
