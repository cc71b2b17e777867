#!/bin/sh
# The done screen says what is true about where the student's experience is
# (script mode, with the sync thread running): with no LRS "saved on this kiosk,
# your school adds it later"; with an LRS that cannot be reached "saved on this
# kiosk, it goes later"; with the test LRS accepting, "in your career dossier"
# only once the LRS confirmed what was queued.
set -eu
. "$LK_ROOT/tests/lrs/harness.sh"
lrs_install
ROOT=$LK_ROOT
"$LOBKIOSK" init --demo "$LK_TMP/demo" --windowed --size 800x480 >/dev/null
K="$LK_TMP/demo"
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$K/kiosk.ini"
sed -i 's/^source *= *folder/source = none/' "$K/kiosk.ini"
printf 'lrs-user:lrs-secret\n' >"$K/lrs.cred"
chmod 600 "$K/lrs.cred"
P="$K/passes/passes.txt"
pay() { awk -v s="$1" '$3 == s { print $4 }' "$P"; }
endpoint() {
    sed -i "s|^endpoint *=.*|endpoint = $1|; s|^credentials_file *=.*|credentials_file = ${1:+lrs.cred}|; s|^interval *=.*|interval = 1|; s|^connect_timeout *=.*|connect_timeout = 1|" "$K/kiosk.ini"
}
# run STUDENT WAIT_MS TEXT: a check-in, all questions skipped, TEXT on the done screen
run() {
    cat >"$LK_TMP/s" <<SCRIPT
wait 50
scan $(pay "$1")
tap next
tap skip
tap skip
tap skip
tap skip
tap skip
tap skip
tap skip
expect done
wait $2
expect-text $3
check-overflow
quit
SCRIPT
    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$LK_TMP/s" \
        "$LOBKIOSK" --config "$K/kiosk.ini" 2>"$LK_TMP/kiosk.log" || { cat "$LK_TMP/kiosk.log"; die "$1: not '$3'"; }
}
endpoint ""
run 1001 100 "Je school zet het later in je loopbaandossier."
DEAD=$(free_port)
endpoint "http://127.0.0.1:$DEAD/xAPI"
run 1002 3000 "Het gaat later naar je loopbaandossier."
LRS=$(free_port)
start_lrs "$LRS"
endpoint "http://127.0.0.1:$LRS/xAPI"
run 1003 4000 "Je ervaring staat in je loopbaandossier."
left=$(sqlite3 "$K/data/lobkiosk.db" "SELECT count(*) FROM outbox WHERE id IN (SELECT id FROM outbox_queue)")
[ "$left" = 0 ] || die "the done screen said 'in the dossier' with $left statements queued"
echo "ok: the done screen's words follow the sync"
