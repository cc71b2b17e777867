#!/bin/sh
# "Waar was je goed in?" takes several choices (script mode): the chips toggle, a
# chip that is on shows a tick (not colour alone), "Verder" goes on; the answer is
# stored as the chosen ids joined with "[,]" and queued as an xAPI choice statement
# whose result.response is that list and whose definition lists every choice.
# "Weet ik nog niet" stands alone: choosing it clears the qualities, choosing a
# quality clears it. Chips left on when the next student's scan takes over are kept. Screens at 800x480
# and 1920x1080 in both languages, checked for overflow.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-multiple.XXXXXX)
trap 'rm -rf "$T"' EXIT
SHOTS=${LK_UI_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$T/demo/kiosk.ini"
sed -i 's/^source *= *folder/source = none/' "$T/demo/kiosk.ini"
P="$T/demo/passes/passes.txt"
pay() { awk -v s="$1" '$3 == s { print $4 }' "$P"; }
cat > "$T/s" <<SCRIPT
wait 50
scan $(pay 1001)
tap next
expect reflection
tap choice-4
expect reflection
expect-text of meer.
expect-text Verder
tap choice-0
tap choice-3
tap choice-6
expect reflection
shot $SHOTS/multiple-dontknow-800x480.png
tap choice-1
tap choice-3
shot $SHOTS/multiple-800x480.png
check-overflow
lang en
expect-text Choose one or more.
expect-text Next
check-overflow
size 1920x1080
check-overflow
shot $SHOTS/multiple-1920x1080-en.png
lang nl
check-overflow
shot $SHOTS/multiple-1920x1080.png
size 800x480
tap next
expect reflection
expect-no-text of meer.
tap skip
tap skip
tap skip
tap skip
tap skip
expect done
tap close
expect idle
# the next student: one chip on, then a new scan takes over; the chip counts
scan $(pay 1002)
tap next
tap choice-2
tap choice-2
tap choice-6
expect reflection
expect-text of meer.
scan $(pay 1003)
expect welcome
quit
SCRIPT
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$T/s" \
    LOBKIOSK_NO_THREADS=1 "$LOBKIOSK" --config "$T/demo/kiosk.ini"
DB="$T/demo/data/lobkiosk.db"
q() { sqlite3 "$DB" "$1"; }
check() { got=$(q "$2"); [ "$got" = "$3" ] || { echo "ui_multiple: $1: expected $3, got $got"; exit 1; }; }
check "1001's qualities" "SELECT response FROM answers a JOIN experiences e ON e.id = a.experience_id WHERE e.subject = '1001' AND question_id = 'qualities'" \
    "handen[,]bedenken"
check "1002's answers" "SELECT group_concat(question_id || '=' || response, ',') FROM (SELECT a.* FROM answers a JOIN experiences e ON e.id = a.experience_id WHERE e.subject = '1002' ORDER BY a.id)" \
    "overall=3,qualities=weet_niet"
# the statement: a choice interaction with the list as its response
st=$(q "SELECT o.json FROM outbox o WHERE o.kind = 'answer' AND o.json LIKE '%/questions/%/qualities\"%' LIMIT 1")
[ -n "$st" ] || { echo "ui_multiple: no qualities statement queued"; exit 1; }
printf '%s' "$st" | jq -e '.result.response == "handen[,]bedenken"
    and .object.definition.interactionType == "choice"
    and (.object.definition.choices | length) == 7' >/dev/null ||
    { echo "ui_multiple: statement shape"; printf '%s\n' "$st"; exit 1; }
echo "ui_multiple: several choices toggled (\"Weet ik nog niet\" alone), stored and queued as one choice answer"
