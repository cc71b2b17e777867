#!/bin/sh
# The kiosk's database read and written by other processes while the kiosk checks
# students in and its sync thread runs (it has its own handle): `sync --status`,
# `report`, `check`, `export`, a check-in and a forget from the command line, and
# the sqlite3 command (as scripts/soak reads), over and over. None of them may fail or see
# "malformed", none may delete the kiosk's -wal or -shm (the kiosk would go on
# committing into a file nobody else sees), each sees what the kiosk confirmed, and
# every write of theirs is still there after the kiosk stopped.
set -eu
: "${LOBKIOSK:?}"
command -v sqlite3 >/dev/null 2>&1 || { echo "note: no sqlite3 CLI; db_second_process skipped"; exit 0; }
tmp=$(mktemp -d)
KP=""
trap '[ -n "$KP" ] && kill "$KP" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
N=${DB_SECOND_PROCESS_CHECKINS:-24}
D="$tmp/k"
"$LOBKIOSK" init --demo "$D" >/dev/null
K="$D/kiosk.ini"
DB="$D/data/lobkiosk.db"
# a sync thread with its own handle, trying an endpoint where nothing answers
sed -i -e "s|^endpoint =.*|endpoint = http://127.0.0.1:9/xAPI|" -e "s|^interval =.*|interval = 1|" \
    -e "s|^source *= *folder|source = none|" "$K"
pass_of() {
    "$LOBKIOSK" pass --key "$D/keys/DEMO-D1.key" --role S --subject "$1" --expires 2099-12-31
}
S="$tmp/script"
: >"$S"
i=1
while [ $i -le "$N" ]; do
    cat >>"$S" <<SCRIPT
scan $(pass_of $((500000 + i)))
expect welcome
echo confirmed $((500000 + i))
tap next
tap choice-3
tap choice-1
tap next
tap skip
tap skip
tap skip
tap skip
tap send
tap close
expect idle
wait 300
SCRIPT
    i=$((i + 1))
done
printf 'echo finished\nwait 600000\n' >>"$S"

export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
: >"$tmp/out"
LOBKIOSK_SCRIPT="$S" "$LOBKIOSK" --config "$K" >"$tmp/out" 2>"$tmp/log" &
KP=$!
wal_kept() {
    if ls -l "/proc/$KP/fd" 2>/dev/null | grep -q 'lobkiosk\.db.*(deleted)'; then
        fail "after $1 the kiosk holds a deleted $(ls -l "/proc/$KP/fd" |
            grep -o 'lobkiosk\.db-[a-z]* (deleted)' | head -1)"
    fi
}
confirmed() { grep -c '^confirmed ' "$tmp/out" || true; }
round=0; cli=0; forgotten=""; exports=0
while ! grep -q '^finished$' "$tmp/out"; do
    kill -0 "$KP" 2>/dev/null || fail "the kiosk stopped: $(tail -3 "$tmp/log")"
    round=$((round + 1))
    before=$(confirmed)
    "$LOBKIOSK" --config "$K" sync --status >"$tmp/status" 2>&1 ||
        fail "sync --status: $(cat "$tmp/status")"
    wal_kept "sync --status"
    "$LOBKIOSK" --config "$K" report --csv >"$tmp/report" 2>"$tmp/report.err" ||
        fail "report: $(cat "$tmp/report.err")"
    wal_kept "report"
    seen=$(sqlite3 "$DB" "SELECT count(*) FROM experiences WHERE subject < '600000'" 2>&1) ||
        fail "sqlite3: $seen"
    n_forgotten=$(echo $forgotten | wc -w)
    [ "$seen" -ge $((before - n_forgotten)) ] ||
        fail "a second process sees $seen check-ins, the kiosk confirmed $before ($n_forgotten forgotten)"
    wal_kept "a read by sqlite3"
    case $((round % 3)) in
    0) "$LOBKIOSK" --config "$K" export --format csv --out "$tmp/e.csv" >/dev/null 2>"$tmp/e.err" ||
           fail "export: $(cat "$tmp/e.err")"
       exports=$((exports + 1)); wal_kept "export" ;;
    1) cli=$((cli + 1))
       "$LOBKIOSK" --config "$K" checkin "$(pass_of $((600000 + cli)))" >/dev/null 2>"$tmp/c.err" ||
           fail "checkin: $(cat "$tmp/c.err")"
       wal_kept "a check-in from the command line" ;;
    2) "$LOBKIOSK" --config "$K" check >"$tmp/check" 2>&1 || true
       grep -q "passes integrity_check" "$tmp/check" || fail "check: $(cat "$tmp/check")"
       wal_kept "check"
       # a student the kiosk is done with: two check-ins back
       f=$(grep '^confirmed ' "$tmp/out" | awk '{print $2}' | tail -3 | head -1)
       case " $forgotten $(grep '^confirmed ' "$tmp/out" | tail -2 | awk '{print $2}') " in *" $f "*) ;; *)
           "$LOBKIOSK" --config "$K" forget --issuer DEMO --subject "$f" >/dev/null 2>"$tmp/f.err" ||
               fail "forget $f: $(cat "$tmp/f.err")"
           forgotten="$forgotten $f"; wal_kept "forget" ;;
       esac ;;
    esac
done
kill "$KP"
wait "$KP" 2>/dev/null || true
KP=""
grep -qi 'malformed\|corrupt' "$tmp/log" && fail "the kiosk says: $(grep -i 'malformed\|corrupt' "$tmp/log")"
[ "$(confirmed)" = "$N" ] || fail "$(confirmed) of $N check-ins confirmed"
! grep '^lobkiosk script line' "$tmp/log" || fail "the screen flow did not go as scripted"
# every write of the other processes is still there
store_count() { sqlite3 "$DB" "$1"; }
n_forgotten=$(echo $forgotten | wc -w)
[ "$n_forgotten" -ge 1 ] && [ "$cli" -ge 1 ] && [ "$exports" -ge 1 ] || fail "too few rounds ($round)"
got=$(store_count "SELECT count(*) FROM experiences")
[ "$got" = $((N + cli - n_forgotten)) ] ||
    fail "$got check-ins kept, expected $N at the kiosk + $cli from the command line - $n_forgotten forgotten"
for f in $forgotten; do
    [ "$(store_count "SELECT count(*) FROM experiences WHERE subject = '$f'")" = 0 ] ||
        fail "forgotten student $f is back"
done
# the kiosk's answers: two a student (how was it, what were you good at)
got=$(store_count "SELECT count(*) FROM answers a JOIN experiences e ON e.id = a.experience_id
                   WHERE e.subject < '600000'")
[ "$got" = $((2 * (N - n_forgotten))) ] || fail "$got answers kept, expected $((2 * (N - n_forgotten)))"
got=$(store_count "SELECT count(*) FROM exports")
[ "$got" = "$exports" ] || fail "$got of $exports exports recorded"
"$LOBKIOSK" --config "$K" check >"$tmp/check" 2>&1 || true
grep -q "passes integrity_check" "$tmp/check" || fail "check at the end: $(cat "$tmp/check")"
echo "second processes ok: $round rounds beside $N kiosk check-ins ($cli check-ins, $n_forgotten" \
    "forgets, $exports exports from the command line); the WAL stayed the kiosk's"
