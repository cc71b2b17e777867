#!/bin/sh
# bench/seed, the benches' kiosk after a school year, makes a kiosk like any other
# (it loads its rows with the indexes and triggers set aside and edits the schema
# while it does): on a small seed the database passes integrity_check and
# foreign_key_check; its schema (every table, index and trigger: name, table, SQL
# text; each index's columns, collation, uniqueness and origin) is a fresh store's;
# every table a trigger keeps (outbox_totals) holds what the store's own triggers
# make of the same rows, replayed into a fresh store; sync --status counts what is
# in the outbox; report and check work; and the kiosk checks a student in on it,
# its totals following.
set -eu
: "${LOBKIOSK:?}"
LK_ROOT=${LK_ROOT:-$(pwd)}
LK_BUILD=${LK_BUILD:-$LK_ROOT/build}
SEED="$LK_BUILD/bench/seed"
command -v sqlite3 >/dev/null 2>&1 || { echo "note: no sqlite3 CLI; seed_bench skipped"; exit 0; }
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x "$SEED" ] || fail "no $SEED (make test builds it)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
N=${SEED_BENCH_N:-12000}

"$SEED" "$tmp/s" "$N" >"$tmp/seed.out" 2>"$tmp/seed.err" || fail "seed: $(cat "$tmp/seed.err")"
# every table's constraints were set aside for the load (the fast way, not the fallback)
if grep -q 'keeps its UNIQUE' "$tmp/seed.err"; then fail "seed: $(cat "$tmp/seed.err")"; fi
K="$tmp/s/kiosk.ini"
DB="$tmp/s/data/lobkiosk.db"
sed -i 's/^source *= *folder/source = none/; s/^sound *= *true/sound = false/' "$K"
q() { sqlite3 "$DB" "$@"; }

[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check: $(q 'PRAGMA integrity_check' | head -5)"
[ -z "$(q 'PRAGMA foreign_key_check')" ] || fail "foreign_key_check: $(q 'PRAGMA foreign_key_check' | head -5)"
[ "$(q 'PRAGMA journal_mode')" = wal ] || fail "journal_mode $(q 'PRAGMA journal_mode'), not wal"
exps=$(q 'SELECT count(*) FROM experiences')
[ "$exps" -ge "$N" ] || fail "$exps experiences, seeded $N"
echo "ok: $exps experiences, $(q 'SELECT count(*) FROM outbox') outbox rows, integrity ok"

# a fresh store of the same build
"$LOBKIOSK" init --demo "$tmp/f" >/dev/null 2>&1 || fail "init --demo"
F="$tmp/f/data/lobkiosk.db"
"$LOBKIOSK" --config "$tmp/f/kiosk.ini" sync --status >/dev/null 2>&1 || fail "sync --status, fresh"
shape() { # DB: the schema as text, and each index as SQLite reads it
    sqlite3 "$1" "SELECT type, name, tbl_name, coalesce(sql, '(constraint)') FROM sqlite_master
                  ORDER BY type, name;
                  SELECT m.name, l.name, l.\"unique\", l.origin, l.partial, x.seqno, x.cid,
                         x.name, x.desc, x.coll, x.key
                  FROM sqlite_master m, pragma_index_list(m.name) l,
                       pragma_index_xinfo(l.name) x
                  WHERE m.type = 'table' ORDER BY m.name, l.name, x.seqno;
                  PRAGMA user_version; PRAGMA auto_vacuum; PRAGMA page_size; PRAGMA encoding"
}
shape "$F" >"$tmp/fresh.shape"
shape "$DB" >"$tmp/seed.shape"
diff "$tmp/fresh.shape" "$tmp/seed.shape" >&2 || fail "the seeded schema is not a fresh store's"
echo "ok: the same schema as a fresh store ($(grep -c . "$tmp/fresh.shape") lines)"

# the tables triggers keep for other tables (running totals, the sync's queue), as
# the store's triggers make them: the seeded rows replayed into the fresh store
# (each table that is empty there, in the order the migrations made them), then
# those tables compared. (A trigger that writes its own table keeps a column of the row, as
# roster's search key: the seed leaves those on.)
targets=$(q "SELECT tbl_name || ' ' || substr(sql, instr(upper(sql), ' BEGIN')) FROM sqlite_master
             WHERE type = 'trigger'" | while read -r on body; do
    echo "$body" | grep -oiE '(^|[^a-z_])(UPDATE|INTO|DELETE FROM) +[a-z_]+' | awk '{ print $NF }' |
        grep -vx "$on" || true
done | sort -u)
[ -n "$targets" ] || fail "no table kept by another table's trigger found"
for t in $(q "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
              ORDER BY rowid"); do
    # empty until now (not filled by the triggers of a table copied before)
    [ "$(sqlite3 "$F" "SELECT count(*) FROM \"$t\"")" = 0 ] || continue
    sqlite3 "$F" "ATTACH '$DB' AS s; INSERT INTO main.\"$t\" SELECT * FROM s.\"$t\"" ||
        fail "replaying the seeded rows of $t"
done
for t in $targets; do
    d=$(sqlite3 "$F" "ATTACH '$DB' AS s;
        SELECT count(*) FROM (SELECT * FROM main.\"$t\" EXCEPT SELECT * FROM s.\"$t\");
        SELECT count(*) FROM (SELECT * FROM s.\"$t\" EXCEPT SELECT * FROM main.\"$t\")" | tr '\n' ' ')
    [ "$d" = "0 0 " ] || fail "$t: seeded $(q "SELECT * FROM \"$t\" LIMIT 3" | tr '\n' ' '), the triggers make $(sqlite3 "$F" "SELECT * FROM \"$t\" LIMIT 3" | tr '\n' ' ')"
    echo "ok: $t as the triggers keep it: $(q "SELECT * FROM \"$t\" LIMIT 3" | tr '\n' ' ')"
done

# the commands a school runs
"$LOBKIOSK" --config "$K" sync --status >"$tmp/status" 2>&1 || fail "sync --status: $(cat "$tmp/status")"
for state in queued:0 sent:1 quarantined:2; do
    want=$(q "SELECT count(*) FROM outbox WHERE state = ${state#*:}")
    grep -qx "${state%:*} $want" "$tmp/status" || fail "sync --status: not '${state%:*} $want': $(cat "$tmp/status")"
done
"$LOBKIOSK" --config "$K" report >"$tmp/report" 2>&1 || fail "report: $(tail -3 "$tmp/report")"
grep -q "^Total: $exps check-ins" "$tmp/report" || fail "report: $(head -2 "$tmp/report")"
"$LOBKIOSK" --config "$K" check >"$tmp/check" 2>&1 || fail "check: $(grep FAIL "$tmp/check")"
grep -q '^ok    database' "$tmp/check" || fail "check: $(grep database "$tmp/check")"
echo "ok: sync --status, report and check"

# the kiosk checks a student in on it
queued=$(q 'SELECT queued FROM outbox_totals')
pass=$("$LOBKIOSK" pass --key "$tmp/s/keys/DEMO-D1.key" --role S --subject 900001 --expires 2099-12-31 | tail -n1)
printf 'wait 300\nscan %s\nexpect welcome\necho confirmed\nwait 300\nquit\n' "$pass" >"$tmp/script"
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SCRIPT="$tmp/script" \
    "$LOBKIOSK" --config "$K" >"$tmp/kiosk.out" 2>"$tmp/kiosk.log" || fail "kiosk: $(tail -3 "$tmp/kiosk.log")"
grep -q '^confirmed$' "$tmp/kiosk.out" || fail "kiosk: no welcome: $(tail -3 "$tmp/kiosk.log")"
[ "$(q "SELECT count(*) FROM experiences WHERE subject = '900001'")" = 1 ] || fail "the check-in is not in the database"
after=$(q 'SELECT queued FROM outbox_totals')
[ "$after" -gt "$queued" ] && [ "$after" = "$(q 'SELECT count(*) FROM outbox WHERE state = 0')" ] ||
    fail "outbox_totals.queued $queued -> $after, $(q 'SELECT count(*) FROM outbox WHERE state = 0') queued rows"
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check after the check-in"
echo "ok: a kiosk check-in on the seeded database (queued $queued -> $after)"
