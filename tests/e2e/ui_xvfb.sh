#!/bin/sh
# The kiosk in a real X window (Xvfb): xdotool types a pass fast as a USB scanner
# would, then clicks through a reflection like a student. Afterwards the database
# holds the check-in and the answers, and the outbox a statement for each.
# Coordinates are those of the 800x480 layout (the official 7" display).
# no-sanitizer
set -eu
: "${LOBKIOSK:?}"
command -v xvfb-run >/dev/null && command -v xdotool >/dev/null || { echo "skip: xvfb-run/xdotool missing"; exit 0; }
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-xvfb.XXXXXX)
trap 'rm -rf "$T"' EXIT
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$T/demo/kiosk.ini"
sed -i 's/^source *= *folder/source = none/; s/^sound *= *true/sound = false/' "$T/demo/kiosk.ini"
PAY=$(awk '$3 == "1002" { print $4 }' "$T/demo/passes/passes.txt")
cat > "$T/drive.sh" <<DRIVE
set -eu
SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 "$LOBKIOSK" --config "$T/demo/kiosk.ini" 2>"$T/kiosk.log" &
pid=\$!
xdotool search --sync --onlyvisible --name lobkiosk >/dev/null
sleep 0.5
wid=\$(xdotool search --onlyvisible --name lobkiosk | head -n1)
xdotool windowactivate --sync "\$wid" 2>/dev/null || xdotool windowfocus --sync "\$wid"
click() { xdotool mousemove --window "\$wid" "\$1" "\$2" click 1; sleep 0.35; }
# A USB scanner types the whole payload within a few milliseconds, then Enter.
xdotool type --window "\$wid" --delay 2 "$PAY"
xdotool key --window "\$wid" Return
sleep 0.6
click 400 240   # welcome: tap anywhere to go on
click 551 330   # "Veel aan gehad" (4 of 5 faces)
click 142 231   # "Samenwerken" (several may be chosen)
click 681 436   # "Verder"
for i in 1 2 3 4 5; do click 706 44; done   # "Overslaan" for the rest
sleep 0.3
# Esc, Ctrl-Q and Alt-F4 must not end the kiosk.
xdotool key --window "\$wid" Escape ctrl+q alt+F4
sleep 0.3
kill -0 \$pid
kill -TERM \$pid
wait \$pid
DRIVE
xvfb-run -a -s "-screen 0 1024x768x24" sh "$T/drive.sh" || { cat "$T/kiosk.log"; exit 1; }
DB="$T/demo/data/lobkiosk.db"
q() { sqlite3 "$DB" "$1"; }
check() { got=$(q "$2"); [ "$got" = "$3" ] || { echo "$1: expected $3, got $got"; cat "$T/kiosk.log"; exit 1; }; }
check "check-in" "SELECT subject FROM experiences" "1002"
check "answers" "SELECT group_concat(question_id || '=' || response, ',') FROM (SELECT * FROM answers ORDER BY id)" \
    "overall=4,qualities=samenwerken"
check "outbox" "SELECT group_concat(kind, ',') FROM (SELECT kind FROM outbox ORDER BY id)" "checkin,answer,answer"
echo "ui_xvfb: typed scan, clicked reflection, rows as expected"
