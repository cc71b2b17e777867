#!/bin/sh
# One student's turn, start to end, in script mode: the language button on the
# welcome and the reflection; "Nog even? Tik om door te gaan" before a reflection
# times out (a tap there only says "still here" and chooses nothing); the timeout
# keeps the answers; and the next student starts in the kiosk's own language
# (the admin screen's language button changes that one).
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-turn.XXXXXX)
trap 'rm -rf "$T"' EXIT
SHOTS=${LK_UI_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$T/demo/kiosk.ini"
sed -i 's/^source *= *folder/source = none/' "$T/demo/kiosk.ini"
# A short timeout: the warning comes halfway (6 s), the end at 12 s.
sed -i 's/^reflection_timeout *=.*/reflection_timeout = 12/' "$T/demo/kiosk.ini"
P="$T/demo/passes/passes.txt"
pay() { awk -v s="$1" '$3 == s { print $4 }' "$P"; }
cat > "$T/s" <<SCRIPT
wait 50
expect-text Scan je LOB-pas
scan $(pay 1001)
expect welcome
expect-text Welkom
tap lang
expect welcome
expect-text Welcome
shot $SHOTS/welcome-lang.png
check-overflow
tap next
expect reflection
expect-text How useful was this open day?
tap lang
expect-text Wat had je aan deze open dag?
shot $SHOTS/reflection-lang.png
check-overflow
tap choice-4
wait 6300
expect reflection
expect-text Nog even?
expect-text Tik om door te gaan.
shot $SHOTS/reflection-warning.png
check-overflow
size 1280x800
check-overflow
lang en
expect-text Still there?
check-overflow
lang nl
size 800x480
# the tap lands where a chip is, but only says "still here"
tap stay
expect reflection
expect-no-text Nog even?
expect-text Wat zou jij goed kunnen in deze opleiding?
tap choice-1
tap next
# the student switches to English; the warning and the end follow it
tap lang
expect-text Does this course fit what you want?
wait 6300
expect-text Still there?
wait 6200
expect idle
# the next student starts in the kiosk's own language
expect-text Scan je LOB-pas
scan $(pay 1002)
expect-text Welkom
tap lang
expect-text Welcome
tap next
tap lang
expect-text Wat had je aan deze open dag?
tap lang
scan $(pay 1003)
expect welcome
expect-text Welkom
tap next
tap lang
# Klaar on the done screen ends the turn too
tap skip
tap skip
tap skip
tap skip
tap skip
tap skip
tap skip
expect done
expect-text Thank you!
tap close
expect-text Scan je LOB-pas
# the language button on the admin screen changes the kiosk's own language
tap admin
tap pin-1
tap pin-2
tap pin-3
tap pin-4
tap pin-ok
expect admin
tap lang
tap close
expect-text Scan your LOB pass
scan $(pay 1004)
expect-text Welcome
tap next
tap skip
tap skip
tap skip
tap skip
tap skip
tap skip
tap skip
tap close
expect-text Scan your LOB pass
quit
SCRIPT
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$T/s" \
    LOBKIOSK_NO_THREADS=1 "$LOBKIOSK" --config "$T/demo/kiosk.ini"
DB="$T/demo/data/lobkiosk.db"
got=$(sqlite3 "$DB" "SELECT group_concat(question_id || '=' || response) FROM (SELECT question_id, response FROM answers ORDER BY id)")
[ "$got" = "overall=5,qualities=handen" ] || { echo "ui_turn: expected overall=5,qualities=handen, got $got"; exit 1; }
echo "ui_turn: language button, warning and timeout as expected"
