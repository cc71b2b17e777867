#!/bin/sh
# Each statement to the LRS of the student's own school, against three real LRS
# instances on 127.0.0.1 at once, each behind a fault proxy: the default ([sync]
# endpoint, for schools without an LRS of their own) and two schools with their own
# endpoint and credentials. One school's LRS down, refusing credentials or losing an
# answer delays no one else; forget voids at the school's own LRS; sync --status
# shows each destination's queue; a kiosk killed mid-sync. At the end every LRS
# holds exactly its own school's statements: none missing, none doubled, none of
# another school.
# no-sanitizer
set -eu
. "$LK_ROOT/tests/lrs/harness.sh"
lrs_install
L=$LOBKIOSK
K="$LK_TMP/k"
mkdir -p "$K"
cd "$K"
for s in A B C; do
    eval "LRS_$s=\$(free_port); PROXY_$s=\$(free_port)"
done
start_lrs "$LRS_A"; start_proxy "$PROXY_A" "$LRS_A"
start_lrs "$LRS_B"; start_proxy "$PROXY_B" "$LRS_B"
start_lrs "$LRS_C"; start_proxy "$PROXY_C" "$LRS_C"

"$L" keygen --issuer 00AA --key-id K1 --out keys >s00.ini 2>/dev/null
"$L" keygen --issuer 11BB --key-id K1 --out keys >s11.ini 2>/dev/null
"$L" keygen --issuer 22CC --key-id K1 --out keys >s22.ini 2>/dev/null
"$L" keygen --issuer 33DD --key-id K1 --out keys >s33.ini 2>/dev/null
printf 'host:host-secret\n' >host.cred
printf 'lyceum:lyceum-secret\n' >b.cred
printf 'roc:roc-secret\n' >c.cred
chmod 600 host.cred b.cred c.cred
cat >kiosk.ini <<EOF
[kiosk]
id = K-REGION
data_dir = data
event = FAIR
$(cat s00.ini)
name = Gastschool
$(cat s11.ini)
name = Het Twents Lyceum
endpoint = http://127.0.0.1:$PROXY_B/xAPI
credentials_file = b.cred
$(cat s22.ini)
name = ROC Oost
endpoint = http://127.0.0.1:$PROXY_C/xAPI
credentials_file = c.cred
$(cat s33.ini)
name = Zonder eigen LRS
[event.FAIR]
title = Regionale beroepenmarkt
kind = career_fair
host = Gastschool
start = 2026-01-01T08:00+01:00
end = 2030-01-01T17:00+01:00
mode = checkin
[sync]
endpoint = http://127.0.0.1:$PROXY_A/xAPI
credentials_file = host.cred
interval = 1
connect_timeout = 2
timeout = 5
batch_size = 7
EOF
checkins() { # checkins ISSUER FROM TO
    i=$2
    while [ "$i" -le "$3" ]; do
        p=$("$L" pass --key "keys/$1-K1.key" --role S --subject "$i" --expires 2029-07-31 2>/dev/null)
        "$L" --config kiosk.ini checkin "$p" >/dev/null || die "checkin $1 $i"
        i=$((i + 1))
    done
}
db() { sqlite3 data/lobkiosk.db "$1"; }
queue_of() { awk -v d="$1" '$1 == "destination" && $2 == d { print $5 }' status.txt; }

for s in 00AA 11BB 22CC 33DD; do checkins "$s" 1 9; done

# --- B refuses the kiosk's credentials, C is down: A still gets its own. ---
fault "$PROXY_B" '{"mode":"status","status":401}'
fault "$PROXY_C" '{"mode":"refuse"}'
if "$L" --config kiosk.ini sync --once >once.txt 2>&1; then die "sync --once ok with B and C failing"; fi
"$L" --config kiosk.ini sync --status >status.txt
[ "$(queue_of -)" = 0 ] || die "default queue not emptied while B and C fail: $(cat status.txt)"
[ "$(queue_of 11BB)" = 9 ] || die "11BB queue: $(cat status.txt)"
[ "$(queue_of 22CC)" = 9 ] || die "22CC queue: $(cat status.txt)"
grep -q "^destination 11BB http://127.0.0.1:$PROXY_B/xAPI queued 9 " status.txt || die "status line: $(cat status.txt)"
[ "$(lrs_count "$LRS_B")" = "total 0 distinct 0" ] || die "B got statements through a 401"
echo "ok: one school's LRS refusing and another down delay no one else"

# --- B back; C loses one answer after storing the batch (a resend is harmless). ---
fault "$PROXY_B" '{"mode":"pass"}'
fault "$PROXY_C" '{"mode":"drop_after_forward","count":1}'
for s in 00AA 11BB 22CC 33DD; do checkins "$s" 10 14; done
"$L" --config kiosk.ini sync --once >once.txt 2>&1 || true
"$L" --config kiosk.ini sync --once >once.txt 2>&1 || die "second pass: $(cat once.txt)"
echo "ok: a lost answer at one school resent"

# --- the kiosk killed while sending to all three ---
for s in 00AA 11BB 22CC 33DD; do checkins "$s" 15 30; done
for p in "$PROXY_A" "$PROXY_B" "$PROXY_C"; do fault "$p" '{"mode":"delay","delay_ms":150,"count":1000}'; done
"$L" --config kiosk.ini sync --once >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
for p in "$PROXY_A" "$PROXY_B" "$PROXY_C"; do fault "$p" '{"mode":"pass"}'; done
"$L" --config kiosk.ini sync --once >once.txt 2>&1 || die "after kill: $(cat once.txt)"
[ "$(db "PRAGMA integrity_check")" = ok ] || die "integrity after kill -9"
echo "ok: kill -9 mid-sync"

# --- forget a student of 11BB: the voiding statements go to 11BB's LRS only ---
"$L" --config kiosk.ini forget --issuer 11BB --subject 3 >/dev/null || die "forget"
[ "$(db "SELECT count(*) FROM outbox WHERE kind = 'voiding' AND id IN (SELECT id FROM outbox_queue) AND issuer = '11BB'")" -ge 1 ] ||
    die "no voiding statement bound for 11BB"
"$L" --config kiosk.ini sync --once >once.txt 2>&1 || die "sync after forget: $(cat once.txt)"
[ "$(db "SELECT count(*) FROM outbox WHERE id NOT IN (SELECT id FROM outbox_sent)")" = 0 ] || die "rows left unsent"

# --- each LRS: exactly its own school's statements ---
db "SELECT uuid FROM outbox WHERE coalesce(issuer, '') NOT IN ('11BB', '22CC')" >ids-A
db "SELECT uuid FROM outbox WHERE issuer = '11BB'" >ids-B
db "SELECT uuid FROM outbox WHERE issuer = '22CC'" >ids-C
for s in A B C; do
    eval "port=\$LRS_$s"
    want=$(wc -l <"ids-$s" | tr -d ' ')
    got=$(lrs_count "$port" "ids-$s")
    [ "$got" = "total $want distinct $want missing 0" ] || die "LRS $s: $got, want $want exactly"
    echo "ok: LRS $s holds its $want statements exactly once"
done
[ "$(grep -c . ids-B)" -ge 30 ] && [ "$(grep -c . ids-C)" = 30 ] || die "ids per school: $(wc -l ids-*)"
# the voiding statements of the forgotten 11BB student are in B, not in A
void=$(db "SELECT uuid FROM outbox WHERE kind = 'voiding' LIMIT 1")
grep -q "$void" ids-B || die "voiding statement not routed to 11BB"
echo "sync_routing: ok"
