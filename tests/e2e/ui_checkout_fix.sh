#!/bin/sh
# An admin undoes a check-out or corrects its time on the admin screen (script
# mode), and the correction reaches a real LRS (Learning Locker's statement
# service, in memory):
# - the admin screen offers "N check-outs vandaag" at an internship day; the list
#   shows today's check-outs newest first, by roster name (else "Leerling ID"), in
#   pages;
# - "Check-out ongedaan maken" asks once; then the student is checked in again, and
#   the check-out statement the LRS had is voided (statementId 404,
#   voidedStatementId 200);
# - "Tijd aanpassen": the picker moves by an hour, ten minutes and a minute, never
#   before the check-in and never past now, "Opslaan" asks once; the old statement
#   is voided and a new check-out with the corrected time, its duration and the
#   "corrects" extension is in the LRS; the host screen and the report show the
#   corrected hours;
# - a forget afterwards voids the corrected check-out too; the LRS takes it all;
# - a check-out never sent is deleted from the outbox instead of voided;
# - the screens at 800x480, 1024x600 and 1280x800 in both languages, no overflow.
# no-sanitizer
set -eu
. "$LK_ROOT/tests/lrs/harness.sh"
lrs_install
command -v sqlite3 >/dev/null 2>&1 || { echo "note: no sqlite3 CLI; ui_checkout_fix skipped"; exit 0; }
SHOTS=${LK_UI_SHOTS:-$LK_TMP/shots}
mkdir -p "$SHOTS"

LRS=$(free_port)
start_lrs "$LRS"

export TZ=UTC
D="$LK_TMP/demo"
LOBKIOSK_FAKE_NOW=2030-06-03T08:00:00Z "$LOBKIOSK" init --demo "$D" --windowed --size 800x480 \
    >/dev/null 2>&1 || die "init --demo"
printf 'lrs-user:lrs-secret\n' >"$D/lrs.cred"
chmod 600 "$D/lrs.cred"
K="$D/kiosk.ini"
sed -i -e "s|^endpoint =.*|endpoint = http://127.0.0.1:$LRS/xAPI|" \
    -e "s|^credentials_file =.*|credentials_file = lrs.cred|" \
    -e "s|^;*assets_dir *=.*|assets_dir = $LK_ROOT/assets|" \
    -e 's/^source *= *folder/source = none/' \
    -e 's/^event = DEMO-OPEN$/event = DEMO-STAGE/' "$K"
DB="$D/data/lobkiosk.db"
q() { sqlite3 "$DB" "$1"; }
pay() { awk -v s="$1" '$2 == "S" && $3 == s { print $4; exit }' "$D/passes/passes.txt"; }
host_pay() { awk '$2 == "H" { print $4; exit }' "$D/passes/passes.txt"; }
at() { t=$1; shift; LOBKIOSK_FAKE_NOW="2030-06-03T$t" "$LOBKIOSK" --config "$K" "$@"; }
status_of() {
    curl -s -o /dev/null -w '%{http_code}' -u x:y -H 'X-Experience-API-Version: 1.0.3' \
        "http://127.0.0.1:$LRS/xAPI/statements?$1=$2"
}
statement() {
    curl -s -u x:y -H 'X-Experience-API-Version: 1.0.3' \
        "http://127.0.0.1:$LRS/xAPI/statements?statementId=$1"
}
kiosk() { # TIME SCRIPT
    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$2" \
        LOBKIOSK_NO_THREADS=1 LOBKIOSK_FAKE_NOW="2030-06-03T$1" "$LOBKIOSK" --config "$K" \
        >"$LK_TMP/kiosk.out" 2>&1 || { cat "$LK_TMP/kiosk.out"; die "the script failed ($2)"; }
}
ms() { date -u -d "2030-06-03T$1Z" +%s000; }
pin() { printf 'tap admin\ntap pin-1\ntap pin-2\ntap pin-3\ntap pin-4\ntap pin-ok\nexpect admin\n'; }

# in at 09:00; out at 11:00, 12:00 and 13:00 (the command line checks out at once)
for s in 1001 1002 1003 1004; do at 09:00:00Z checkin "$(pay $s)" >/dev/null 2>&1 || die "in $s"; done
at 11:00:00Z checkin "$(pay 1001)" >/dev/null 2>&1 || die "out 1001"
at 12:00:00Z checkin "$(pay 1002)" >/dev/null 2>&1 || die "out 1002"
at 13:00:00Z checkin "$(pay 1003)" >/dev/null 2>&1 || die "out 1003"
# six more without a roster row (shown by their id), in at 09:05, out at 10:0x: page 2
for s in 3001 3002 3003 3004 3005 3006; do
    p=$("$LOBKIOSK" pass --key "$D/keys/DEMO-D1.key" --role S --subject $s --expires 2031-01-01)
    at 09:05:00Z checkin "$p" >/dev/null 2>&1 || die "in $s"
    at "10:0${s#300}:00Z" checkin "$p" >/dev/null 2>&1 || die "out $s"
done
at 13:00:00Z sync --once >"$LK_TMP/out" 2>&1 || die "sync: $(cat "$LK_TMP/out")"
[ "$(q "SELECT count(*) FROM outbox WHERE id IN (SELECT id FROM outbox_queue)")" = 0 ] || die "not everything was sent"
OUT1=$(q "SELECT checkout_uuid FROM experiences WHERE subject = '1001'")
OUT2=$(q "SELECT checkout_uuid FROM experiences WHERE subject = '1002'")
[ "$(status_of statementId "$OUT1")" = 200 ] || die "1001's check-out is not in the LRS"
# a fourth check-out, never sent: undoing it deletes it from the outbox
at 13:30:00Z checkin "$(pay 1004)" >/dev/null 2>&1 || die "out 1004"
OUT4=$(q "SELECT checkout_uuid FROM experiences WHERE subject = '1004'")

{
    echo "wait 50"
    pin
    cat <<SCRIPT
expect-text 10 check-outs vandaag
check-overflow
tap checkouts
expect checkouts
expect-text Check-outs van vandaag
expect-text 09:00–13:30
expect-text Fatima
expect-text 3H2 · 3 uur
where co-3
where co-2
where co-1
where co-0
shot $SHOTS/checkouts-800x480.png
check-overflow
tap co-3
expect checkout_edit
expect-text Sem
expect-text In: 09:00 · uit: 13:30 · 4 uur en 30 minuten
tap co-undo
expect-text Ja, check-out ongedaan maken
tap co-undo
expect checkouts
expect-text Check-out ongedaan gemaakt.
expect-no-text 09:00–13:30
tap co-0
expect checkout_edit
shot $SHOTS/checkout-edit-800x480.png
check-overflow
tap co-undo
tap co-undo
expect checkouts
tap co-1
expect checkout_edit
tap co-time
expect checkout_time
expect-text 12:00
shot $SHOTS/checkout-time-800x480.png
check-overflow
tap co-save
expect checkout_time
tap co-hour-
tap co-hour-
tap co-hour-
tap co-hour-
expect-text uit: 09:00
tap co-hour+
tap co-hour+
tap co-hour+
tap co-hour+
tap co-hour+
tap co-hour+
expect-text uit: 14:00
tap co-hour-
tap co-hour-
tap co-hour-
tap co-hour-
tap co-10min+
tap co-min+
expect-text 10:11
expect-text 1 uur en 11 minuten
tap co-save
expect-text Ja, 10:11 opslaan
shot $SHOTS/checkout-time-ask-800x480.png
check-overflow
tap co-save
expect checkouts
expect-text De tijd van de check-out is aangepast.
expect-text 09:00–10:11
shot $SHOTS/checkouts-notice-800x480.png
check-overflow
SCRIPT
    for size in 1024x600 1280x800 800x480; do
        for lang in en nl; do
            printf 'size %s\nlang %s\ncheck-overflow\nshot %s/checkouts-%s-%s.png\n' \
                "$size" "$lang" "$SHOTS" "$size" "$lang"
            printf 'tap co-2\nexpect checkout_edit\ncheck-overflow\nshot %s/checkout-edit-%s-%s.png\n' \
                "$SHOTS" "$size" "$lang"
            printf 'tap co-time\nexpect checkout_time\ncheck-overflow\nshot %s/checkout-time-%s-%s.png\n' \
                "$SHOTS" "$size" "$lang"
            printf 'tap close\ntap close\nexpect checkouts\n'
        done
    done
    cat <<SCRIPT
expect-text Fatima
expect-text 1 van 2
expect-no-text Leerling 3001
tap co-more
expect-text 2 van 2
expect-text Leerling 3001
expect-text 09:05–10:01
shot $SHOTS/checkouts-page-2-800x480.png
check-overflow
tap co-more
expect-text 1 van 2
tap close
expect admin
expect-text 8 check-outs vandaag
lang en
expect-text 8 check-outs today
lang nl
tap close
expect idle
scan $(host_pay)
expect host
expect-text 09:00–10:11
expect-text 3H2 · 1 uur en 11 minuten
quit
SCRIPT
} >"$LK_TMP/s"
kiosk 14:00:00Z "$LK_TMP/s"

# newest first: 13:30 (row 3) above 13:00 (row 2) above 12:00 (row 1) above 11:00 (row 0)
ys=$(awk '$1 == "where" { print $4 }' "$LK_TMP/kiosk.out" | tr '\n' ' ')
set -- $ys
[ $# = 4 ] && [ "$1" -lt "$2" ] && [ "$2" -lt "$3" ] && [ "$3" -lt "$4" ] ||
    die "the check-outs are not newest first: $ys"

# the store: 1001 and 1004 checked in again, 1002 out at 10:11, 1003 as it was
[ "$(q "SELECT checkout_ms, checkout_uuid FROM experiences WHERE subject = '1001'")" = "0|" ] ||
    die "1001's check-out was not undone"
[ "$(q "SELECT checkout_ms FROM experiences WHERE subject = '1004'")" = 0 ] || die "1004 not undone"
[ "$(q "SELECT checkout_ms FROM experiences WHERE subject = '1002'")" = "$(ms 10:11:00)" ] ||
    die "1002's time was not corrected: $(q "SELECT checkout_ms FROM experiences WHERE subject = '1002'")"
[ "$(q "SELECT checkout_ms FROM experiences WHERE subject = '1003'")" = "$(ms 13:00:00)" ] ||
    die "1003 changed"
NEW2=$(q "SELECT checkout_uuid FROM experiences WHERE subject = '1002'")
[ -n "$NEW2" ] && [ "$NEW2" != "$OUT2" ] || die "no new check-out statement for 1002"
# never sent: gone from the outbox, no voiding of it; two voidings for the sent ones
[ "$(q "SELECT count(*) FROM outbox WHERE uuid = '$OUT4'")" = 0 ] || die "1004's unsent check-out is still queued"
[ "$(q "SELECT count(*) FROM outbox WHERE kind = 'voiding' AND id IN (SELECT id FROM outbox_queue)")" = 2 ] ||
    die "expected 2 voiding statements queued, got $(q "SELECT count(*) FROM outbox WHERE kind = 'voiding'")"
[ "$(q "SELECT count(*) FROM outbox WHERE json LIKE '%$OUT4%' AND kind = 'voiding'")" = 0 ] ||
    die "an unsent check-out was voided"
grep -q "check-out of experience [0-9]* undone by the admin (the old statement voided)" "$LK_TMP/kiosk.out" ||
    die "no log line of the undo"
if grep -E "Anouk|Daan|Fatima|Sem" "$LK_TMP/kiosk.out"; then die "a name in the log"; fi

# the report follows the correction: 1002 1:11 h, 1001 none
at 14:00:00Z report --csv >"$LK_TMP/report.csv" 2>&1 || die "report: $(cat "$LK_TMP/report.csv")"
grep -q '^"student";"DEMO";"1002";"[^"]*";"[^"]*";"1";"1,18";' "$LK_TMP/report.csv" || {
    grep 1002 "$LK_TMP/report.csv"
    die "the report does not show 1002's corrected hours (1.18)"
}

# the LRS: both old check-outs voided, the new one there with the corrected time
at 14:00:00Z sync --once >"$LK_TMP/out" 2>&1 || die "sync: $(cat "$LK_TMP/out")"
[ "$(q "SELECT count(*) FROM outbox WHERE id IN (SELECT id FROM outbox_queue)")" = 0 ] || die "the corrections were not all sent"
[ "$(status_of statementId "$OUT1")" = 404 ] || die "the undone check-out is still handed out"
[ "$(status_of voidedStatementId "$OUT1")" = 200 ] || die "the undone check-out is not voided"
[ "$(status_of statementId "$OUT2")" = 404 ] || die "the corrected check-out is still handed out"
[ "$(status_of voidedStatementId "$OUT2")" = 200 ] || die "the corrected check-out is not voided"
[ "$(status_of statementId "$NEW2")" = 200 ] || die "the corrected check-out is not in the LRS"
statement "$NEW2" | jq -e --arg old "$OUT2" '
    .verb.id == "http://activitystrea.ms/leave"
    and (.timestamp | startswith("2030-06-03T10:11:00"))
    and .result.duration == "PT1H11M"
    and .context.extensions["https://w3id.org/xapi/lob/extensions/corrects"] == $old
    and .context.statement.objectType == "StatementRef"' >/dev/null ||
    die "the corrected check-out in the LRS: $(statement "$NEW2")"
# forget after a correction: the corrected check-out is voided too, and the old one
# (voided already) is voided once more, which the LRS takes: nothing quarantined
at 14:00:00Z forget --issuer DEMO --subject 1002 >"$LK_TMP/out" 2>&1 || die "forget: $(cat "$LK_TMP/out")"
at 14:00:00Z sync --once >"$LK_TMP/out" 2>&1 || die "sync after forget: $(cat "$LK_TMP/out")"
grep -q "^quarantined 0" "$LK_TMP/out" || die "sync after forget: $(cat "$LK_TMP/out")"
[ "$(q "SELECT count(*) FROM outbox WHERE id NOT IN (SELECT id FROM outbox_sent)")" = 0 ] || die "after forget: not all sent"
[ "$(status_of statementId "$NEW2")" = 404 ] || die "forgotten: the corrected check-out is still handed out"
[ "$(status_of voidedStatementId "$NEW2")" = 200 ] || die "forgotten: the corrected check-out is not voided"
echo "ui_checkout_fix: undone and corrected on the admin screen; voided and corrected in the LRS; hours follow"
