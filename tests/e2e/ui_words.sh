#!/bin/sh
# The words on screen, through the kiosk's script mode: counts in the right plural
# form in Dutch and English ("1 antwoord", "1 uur en 1 minuut", "Vandaag 1
# leerling", "1 student today"), and the Dutch texts that replaced the unclear ones.
# Two runs with a fixed clock 61 minutes apart give a real check-out duration.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-words.XXXXXX)
trap 'rm -rf "$T"' EXIT
# The demo event starts on the day of init: the day before the fixed clocks below.
LOBKIOSK_FAKE_NOW=2026-11-28T12:00:00Z "$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$T/demo/kiosk.ini"
sed -i 's/^source *= *folder/source = none/' "$T/demo/kiosk.ini"
P="$T/demo/passes/passes.txt"
pay() { awk -v s="$1" '$3 == s { print $4 }' "$P"; }
run() {
    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$1" \
        LOBKIOSK_NO_THREADS=1 LOBKIOSK_FAKE_NOW="$2" "$LOBKIOSK" --config "$T/demo/kiosk.ini"
}
cat > "$T/one.script" <<SCRIPT
wait 50
scan $(pay 1001)
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
expect-text 1 antwoord bewaard.
expect-no-text antwoorden
check-overflow
tap close
expect idle
expect-text Vandaag 1 leerling
expect-no-text leerlingen
lang en
expect-text 1 student today
lang nl
scan $(pay 1002)
tap next
tap choice-2
tap choice-0
tap next
tap skip
tap skip
tap skip
tap skip
tap skip
expect done
expect-text 2 antwoorden bewaard.
lang en
expect-text 2 answers saved.
lang nl
tap close
expect-text Vandaag 2 leerlingen
tap admin
tap pin-1
tap pin-2
tap pin-3
tap pin-4
tap pin-ok
expect admin
expect-text Automatisch (op datum en tijd)
expect-text Aanmeldingen per uur
expect-no-text Kies op tijd
expect-no-text Check-ins
tap event-1
tap close
scan $(pay 1003)
expect welcome
tap next
expect idle
quit
SCRIPT
run "$T/one.script" 2026-11-29T10:00:00+01:00
cat > "$T/two.script" <<SCRIPT
wait 50
scan $(pay 1003)
expect welcome
expect-text Je was hier 1 uur en 1 minuut.
check-overflow
lang en
expect-text You were here for 1 hour and 1 minute.
quit
SCRIPT
run "$T/two.script" 2026-11-29T11:01:30+01:00
echo "ui_words: plural forms and words as expected"
