#!/bin/sh
# Every kiosk screen at every listed size, headless (SDL dummy video, software
# rendering; LK_UI_VIDEO=offscreen also works): a scripted
# flow per size (tapped with a finger at 800x480 and 1920x1080, the mouse
# elsewhere) drives idle -> welcome -> reflection -> done, already, refusal,
# host (confirm one), PIN -> admin, then an internship day (check-in, an early
# scan that asks "Wil je uitchecken?", yes, the reflection after the check-out) and English. Each screen is saved as a PNG and
# checked: no text outside its box, targets big enough and apart, no missing
# text. Then the database must hold exactly the rows the flows made.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-screens.XXXXXX)
trap 'rm -rf "$T"' EXIT
SHOTS=${LK_UI_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
# The checked-out copy's assets, not an installed older version.
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$T/demo/kiosk.ini"
# No camera here (the folder camera is covered by ui_camera.sh).
sed -i 's/^source *= *folder/source = none/' "$T/demo/kiosk.ini"
P="$T/demo/passes/passes.txt"
pay() { awk -v s="$1" '$3 == s { print $4 }' "$P"; }
HOST=$(pay H01)
EXPIRED=$(pay 1006)
OTHER=$(pay 2001)
S=$T/flow.script
: > "$S"
i=0
for size in 800x480 1024x600 1280x800 720x1280 1920x1080; do
    stu=$(pay 100$((i + 1)))
    d="$SHOTS/$size"
    # A finger as the Pi's KMSDRM backend delivers it (windowID 0, no mouse
    # events) at the smallest and largest size; the mouse at the others.
    case $size in 800x480 | 1920x1080) HIT=touch ;; *) HIT=tap ;; esac
    mkdir -p "$d"
    cat >> "$S" <<SCRIPT
size $size
wait 50
expect idle
shot $d/01-idle.png
check-overflow
scan $stu
expect welcome
shot $d/02-welcome.png
check-overflow
$HIT next
expect reflection
shot $d/03-reflection-faces.png
check-overflow
$HIT choice-4
shot $d/04-reflection-chips.png
check-overflow
$HIT choice-1
$HIT choice-3
$HIT next
$HIT skip
$HIT back
$HIT choice-0
$HIT choice-0
$HIT choice-2
$HIT choice-0
expect reflection
$HIT key-j
$HIT key-a
$HIT key-space
$HIT key-space
$HIT key-erase
shot $d/05-reflection-text.png
check-overflow
$HIT send
expect done
shot $d/06-done.png
check-overflow
$HIT close
expect idle
scan $EXPIRED
expect refusal
shot $d/07-refusal.png
check-overflow
$HIT ok
scan $OTHER
expect refusal
$HIT ok
scan $HOST
expect host
shot $d/08-host.png
check-overflow
$HIT confirm-$i
check-overflow
$HIT close
scan $stu
expect welcome
shot $d/09-already.png
check-overflow
$HIT next
expect idle
$HIT admin
expect pin
$HIT pin-9
$HIT pin-9
$HIT pin-9
$HIT pin-9
$HIT pin-ok
expect pin
shot $d/10-pin-wrong.png
check-overflow
$HIT pin-1
$HIT pin-2
$HIT pin-3
$HIT pin-4
$HIT pin-ok
expect admin
shot $d/11-admin.png
check-overflow
$HIT close
expect idle
SCRIPT
    i=$((i + 1))
done
# An internship day: the reflection comes at check-out.
stu=$(pay 1001)
cat >> "$S" <<SCRIPT
size 1024x600
scan $HOST
tap close
tap admin
tap pin-1
tap pin-2
tap pin-3
tap pin-4
tap pin-ok
expect admin
tap event-1
tap close
scan $stu
expect welcome
shot $SHOTS/stage-checkin.png
check-overflow
tap next
expect idle
scan $HOST
tap close
scan $stu
expect confirm_out
expect-text Wil je uitchecken?
shot $SHOTS/stage-confirm.png
check-overflow
tap checkout-yes
expect welcome
shot $SHOTS/stage-checkout.png
check-overflow
tap next
expect reflection
tap choice-2
tap skip
tap skip
tap skip
tap skip
tap skip
tap skip
expect done
tap close
lang en
expect idle
shot $SHOTS/en-idle.png
check-overflow
scan $EXPIRED
shot $SHOTS/en-refusal.png
check-overflow
quit
SCRIPT
SDL_VIDEODRIVER=${LK_UI_VIDEO:-dummy} SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$S" \
    LOBKIOSK_NO_THREADS=1 "$LOBKIOSK" --config "$T/demo/kiosk.ini"

n=$(ls "$SHOTS"/*/*.png "$SHOTS"/*.png | wc -l)
[ "$n" = 60 ] || { echo "expected 60 screenshots, got $n"; exit 1; }
DB="$T/demo/data/lobkiosk.db"
q() { sqlite3 "$DB" "$1"; }
check() { got=$(q "$2"); [ "$got" = "$3" ] || { echo "$1: expected $3, got $got"; exit 1; }; }
check "open-day check-ins" "SELECT count(*) FROM experiences WHERE event_id = 'DEMO-OPEN'" 5
check "answers per open-day student" \
    "SELECT group_concat(n) FROM (SELECT count(*) n FROM answers a JOIN experiences e ON e.id = a.experience_id WHERE e.event_id = 'DEMO-OPEN' GROUP BY e.id)" \
    "7,7,7,7,7"
check "text answer" "SELECT DISTINCT response FROM answers WHERE question_id = 'note'" "ja"
check "rating" "SELECT DISTINCT response FROM answers WHERE question_id = 'overall' AND experience_id IN (SELECT id FROM experiences WHERE event_id = 'DEMO-OPEN')" "5"
check "work exploration after skip and back" "SELECT count(*) FROM answers WHERE question_id = 'work_exploration' AND response = 'veel_beter'" 5
check "several qualities" "SELECT count(*) FROM answers WHERE question_id = 'qualities' AND response = 'handen[,]bedenken'" 5
check "motives after back" "SELECT count(*) FROM answers WHERE question_id = 'motives' AND response = 'ja'" 5
check "confirmations" "SELECT count(*) FROM confirmations" 5
check "internship day: checked out" "SELECT count(*) FROM experiences WHERE event_id = 'DEMO-STAGE' AND checkout_ms > 0" 1
check "internship day: one answer, at check-out" \
    "SELECT count(*) FROM answers a JOIN experiences e ON e.id = a.experience_id WHERE e.event_id = 'DEMO-STAGE'" 1
check "refusals counted" "SELECT sum(count) FROM refusals" 11
check "outbox: a statement per record" \
    "SELECT count(*) FROM outbox" \
    "$(q "SELECT (SELECT count(*) FROM experiences) + (SELECT count(*) FROM experiences WHERE checkout_ms > 0) + (SELECT count(*) FROM answers) + (SELECT count(*) FROM confirmations)")"
check "no first name in any statement" \
    "SELECT count(*) FROM outbox o, roster r WHERE instr(o.json, r.first_name) > 0" 0
echo "ui_screens: $n screenshots, database as expected"
