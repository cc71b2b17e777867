#!/bin/sh
# The coordinator's report on a seeded school with known answers, through the real
# binary: a roster (3B: Daan, Zoë, and Sem whose only scan was refused; 4A: Anna who
# never reflects, and Noor), an open day expecting 3B and 4A, an internship day
# expecting 3B where Daan stays 6 h 15 min and Zoë never checks out, a student not on
# the roster. Checks the CSV (export style), --without-experience, the period and
# group filters, and that every number on the PDF pages equals the CSV's.
set -eu
L=${LOBKIOSK:-build/lobkiosk}
T=$(mktemp -d "${TMPDIR:-/tmp}/lk-report-school.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
fail() { echo "report_school: $*" >&2; exit 1; }
CR=$(printf '\r')

"$L" keygen --issuer 00AA --key-id K1 --out "$T/keys" >"$T/trust.ini" 2>/dev/null
write_ini() { # write_ini FILE EVENT
    cat >"$1" <<INI
[kiosk]
id = K-SCHOOL
data_dir = data
event = $2

$(cat "$T/trust.ini")
name = Testcollege
home_page = https://dossier.example.nl/00AA

[event.OPEN1]
title = Open dag Techniek
kind = open_day
host = Testcollege
start = 2030-06-03T08:00+02:00
end = 2030-06-03T17:00+02:00
mode = checkin
expected_groups = 3B, 4A

[event.STAGE1]
title = Meeloopdag
kind = internship_day
host = Bouwbedrijf De Vries
start = 2030-06-04T08:00+02:00
end = 2030-06-04T18:00+02:00
mode = checkin_checkout
expected_groups = 3B
INI
}
write_ini "$T/open.ini" OPEN1
write_ini "$T/stage.ini" STAGE1
K="$T/keys/00AA-K1.key"
pass() { "$L" pass --key "$K" --role S --subject "$1" --expires "$2" 2>/dev/null; }
printf 'Stamnr;Roepnaam;Klas\r\n1001;Daan;3B\r\n1002;Zoë;3B\r\n1005;Sem;3B\r\n1003;Anna;4A\r\n1004;Noor;4A\r\n' |
    iconv -f UTF-8 -t WINDOWS-1252 >"$T/roster.csv"
"$L" --config "$T/open.ini" roster import "$T/roster.csv" >/dev/null
at() { LOBKIOSK_FAKE_NOW=$1 "$L" --config "$2" checkin "$3" >/dev/null; }
at 2030-06-03T09:10:00+02:00 "$T/open.ini" "$(pass 1001 2031-07-31)"
at 2030-06-03T09:40:00+02:00 "$T/open.ini" "$(pass 1002 2031-07-31)"
at 2030-06-03T10:05:00+02:00 "$T/open.ini" "$(pass 1003 2031-07-31)"
at 2030-06-03T10:20:00+02:00 "$T/open.ini" "$(pass 9999 2031-07-31)"
LOBKIOSK_FAKE_NOW=2030-06-03T10:30:00+02:00 "$L" --config "$T/open.ini" checkin "$(pass 1005 2030-01-31)" >/dev/null 2>&1 && fail "an expired pass checked in"
at 2030-06-04T08:30:00+02:00 "$T/stage.ini" "$(pass 1001 2031-07-31)"
at 2030-06-04T14:45:00+02:00 "$T/stage.ini" "$(pass 1001 2031-07-31)"
at 2030-06-04T08:35:00+02:00 "$T/stage.ini" "$(pass 1002 2031-07-31)"
# Reflections and a host's confirmation, as the kiosk's screens write them.
DB="$T/data/lobkiosk.db"
sqlite3 "$DB" "
INSERT INTO answers (experience_id, question_id, competency, response, answered_ms, uuid)
 SELECT id, 'overall', NULL, '4', checkin_ms, lower(hex(randomblob(16))) FROM experiences WHERE subject IN ('1001', '1002') AND event_id = 'OPEN1';
INSERT INTO answers (experience_id, question_id, competency, response, answered_ms, uuid)
 SELECT id, 'qualities', 'qualities', 'samenwerken', checkin_ms, lower(hex(randomblob(16))) FROM experiences WHERE subject = '1001' AND event_id = 'OPEN1';
INSERT INTO answers (experience_id, question_id, competency, response, answered_ms, uuid)
 SELECT id, 'networking', 'networking', 'ja', checkin_ms, lower(hex(randomblob(16))) FROM experiences WHERE subject IN ('1001', '1002') AND event_id = 'OPEN1';
INSERT INTO answers (experience_id, question_id, competency, response, answered_ms, uuid)
 SELECT id, 'overall', NULL, '5', checkin_ms, lower(hex(randomblob(16))) FROM experiences WHERE subject = '1001' AND event_id = 'STAGE1';
INSERT INTO confirmations (experience_id, host_issuer, host_subject, confirmed_ms, uuid)
 SELECT id, '00AA', 'H1', checkout_ms, lower(hex(randomblob(16))) FROM experiences WHERE subject = '1001' AND event_id = 'STAGE1';"

# --- CSV: every roster student, the numbers known ---------------------------------------
"$L" --config "$T/open.ini" report --csv >"$T/all.csv" || fail "report --csv"
head -c 3 "$T/all.csv" | od -An -tx1 | grep -q 'ef bb bf' || fail "CSV has no BOM"
row() { grep -q "^$1$CR\$" "$T/all.csv" || fail "CSV lacks: $1"; }
row '"student";"00AA";"1001";"Daan";"3B";"2";"6,25";"0";"1";"0";"4";"1";"0";"0";"0";"1";"1";"0";"0";"0";"1";"0"'
row '"student";"00AA";"1002";"Zoë";"3B";"2";"0,00";"1";"0";"0";"2";"0";"0";"0";"0";"1";"1";"0";"0";"0";"1";"0"'
row '"student";"00AA";"1005";"Sem";"3B";"0";"0,00";"0";"0";"0";"0";"0";"0";"0";"0";"0";"0";"0";"0";"0";"0";"0"'
row '"student";"00AA";"1003";"Anna";"4A";"1";"0,00";"0";"0";"0";"0";"0";"0";"0";"0";"0";"1";"0";"0";"0";"0";"0"'
row '"student";"00AA";"9999";"";"";"1";"0,00";"0";"0";"0";"0";"0";"0";"0";"0";"0";"1";"0";"0";"0";"0";"0"'
row '"group";"3B";"3";"2";"1";"4";"6,25";"6";"1";"0";"0";"0";"2"'
row '"group";"4A";"2";"1";"1";"1";"0,00";"0";"0";"0";"0";"0";"0"'
row '"event";"OPEN1";"2030-06-03";"open_day";"Testcollege";"4";"0";"5";"3";"2";"0";"0,00";"Open dag Techniek"'
row '"event";"STAGE1";"2030-06-04";"internship_day";"Bouwbedrijf De Vries";"2";"0";"3";"2";"1";"1";"6,25";"Meeloopdag"'
row '"missing";"OPEN1";"00AA";"1005";"Sem";"3B"'
row '"missing";"STAGE1";"00AA";"1005";"Sem";"3B"'
row '"host";"Bouwbedrijf De Vries";"2";"2";"1";"6,25";"1"'
row '"competency";"netwerken";"2";"2"'
row '"answer";"algemeen";"Wat had je eraan?";"Veel aan gehad";"2"'
row '"answer";"algemeen";"Wat had je eraan?";"Heel veel aan gehad";"1"'
row '"refusal";"expired";"1"'
row '"without_experience";"00AA";"1005";"Sem";"3B"'
row '"without_experience";"00AA";"1004";"Noor";"4A"'
if grep -q 'networking\|work_exploration' "$T/all.csv"; then fail "a competency id in the CSV"; fi
# Statements never hold a first name.
if sqlite3 "$DB" "SELECT json FROM outbox" | grep -q -e Daan -e Zoë; then fail "a name in a statement"; fi

# --- the list a mentor acts on, filters ------------------------------------------------
out=$("$L" --config "$T/open.ini" report --without-experience)
printf '%s\n' "$out" | grep -q ' 1005 *Sem *3B' || fail "without: $out"
printf '%s\n' "$out" | grep -q ' 1004 *Noor *4A' || fail "without: $out"
if printf '%s\n' "$out" | grep -q Daan; then fail "without lists Daan"; fi
out=$("$L" --config "$T/open.ini" report --without-experience --since 2030-06-04 --group 3B)
printf '%s\n' "$out" | grep -q 'Nog geen ervaring (1)' || fail "3B from 06-04: $out"
out=$("$L" --config "$T/open.ini" report --until 2030-06-03 --csv)
printf '%s\n' "$out" | grep -q '^"kind";"open_day";"4";"4";"0,00"' || fail "--until: $out"
if printf '%s\n' "$out" | grep -q '"kind";"internship_day"'; then fail "--until counted the 4th"; fi
set +e
"$L" --config "$T/open.ini" report --since 2030-02-30 >/dev/null 2>&1; rc1=$?
"$L" --config "$T/open.ini" report --since 2030-06-05 --until 2030-06-01 >/dev/null 2>&1; rc2=$?
set -e
[ "$rc1 $rc2" = "2 2" ] || fail "bad dates: exit $rc1 $rc2"

# --- the PDF: one page per event and group, numbers equal to the CSV -------------------
"$L" --config "$T/open.ini" report --pdf "$T/r.pdf" >/dev/null || fail "report --pdf"
[ "$(pdfinfo "$T/r.pdf" | sed -n 's/^Pages: *//p')" = 4 ] || fail "want 4 pages (2 events, 2 groups)"
pdftotext -layout "$T/r.pdf" "$T/r.txt"
page() { pdftotext -layout -f "$1" -l "$1" "$T/r.pdf" -; }
csv() { "$L" --config "$T/open.ini" report --csv "$@"; }
# Page 1, the open day: checked in, expected, per hour, competencies, ratings.
p1=$(page 1)
ev=$(csv --event OPEN1 | grep '^"event";"OPEN1"' | tr -d '"\r')
n=$(echo "$ev" | cut -d';' -f6); man=$(echo "$ev" | cut -d';' -f7)
exp=$(echo "$ev" | cut -d';' -f8); came=$(echo "$ev" | cut -d';' -f9)
printf '%s\n' "$p1" | grep -q "Ingecheckt: $n (met de hand: $man)\$" || fail "page 1: checked in is not $n ($man)"
printf '%s\n' "$p1" | grep -q "Verwacht: $came van $exp gekomen" || fail "page 1: expected $came/$exp"
csv --event OPEN1 | grep '^"hour";"OPEN1"' | tr -d '"\r' | while IFS=';' read -r _ _ h c; do
    printf '%s\n' "$p1" | grep -Eq "^ *$h +$c\$" || fail "page 1: hour $h is not $c"
done
csv --event OPEN1 | grep '^"competency"' | grep -v algemeen | tr -d '"\r' | while IFS=';' read -r _ c _ s; do
    printf '%s\n' "$p1" | grep -Eq "^ *$c +$s\$" || fail "page 1: $c is not $s"
done
csv --event OPEN1 | grep '^"answer";"algemeen"' | tr -d '"\r' | while IFS=';' read -r _ _ _ label c; do
    printf '%s\n' "$p1" | grep -Eq "^ *$label +$c\$" || fail "page 1: rating $label is not $c"
done
printf '%s\n' "$p1" | grep -q 'Sem (3B) 1005' || fail "page 1: Sem not missing"
# Page 2, the internship day: hours per company.
h=$(csv --event STAGE1 | grep '^"host";"Bouwbedrijf' | tr -d '"\r' | cut -d';' -f6)
page 2 | grep -Eq "^ *Bouwbedrijf De Vries +$h\$" || fail "page 2: hours are not $h"
# Page 3, group 3B: students, kinds, without experience.
g=$(csv --group 3B | grep '^"group";"3B"' | tr -d '"\r')
page 3 | grep -q "Leerlingen: $(echo "$g" | cut -d';' -f3), met ervaring: $(echo "$g" | cut -d';' -f4), nog zonder: $(echo "$g" | cut -d';' -f5)" ||
    fail "page 3: students line differs from $g"
csv --group 3B | grep '^"kind"' | tr -d '"\r' | while IFS=';' read -r _ k e _; do
    page 3 | grep -Eq "^ *$k +$e\$" || fail "page 3: kind $k is not $e"
done
page 3 | grep -q 'Sem (3B) 1005' || fail "page 3: Sem not in nog geen ervaring"
page 4 | grep -q 'Noor (4A) 1004' || fail "page 4: Noor not in nog geen ervaring"
if [ -n "${LK_KEEP_PDF:-}" ]; then cp "$T/r.pdf" "$LK_KEEP_PDF"; fi

# Noor forgot her pass: checked in by hand, counted apart, marked in the statement.
out=$(LOBKIOSK_FAKE_NOW=2030-06-03T11:00:00+02:00 "$L" --config "$T/open.ini" checkin --manual --subject 1004)
[ "$(printf '%s\n' "$out" | head -n 1)" = checked_in ] || fail "manual check-in: $out"
out=$(LOBKIOSK_FAKE_NOW=2030-06-03T11:01:00+02:00 "$L" --config "$T/open.ini" checkin --manual --subject 1004)
[ "$(printf '%s\n' "$out" | head -n 1)" = already ] || fail "manual again: $out"
set +e
LOBKIOSK_FAKE_NOW=2030-06-03T11:00:00+02:00 "$L" --config "$T/open.ini" checkin --manual --subject 4242 >/dev/null 2>&1; rc=$?
set -e
[ "$rc" = 1 ] || fail "manual check-in of someone not on the roster: exit $rc"
csv --event OPEN1 | grep -q '^"event";"OPEN1";"2030-06-03";"open_day";"Testcollege";"5";"1";"5";"4";"1";' ||
    fail "manual not counted apart: $(csv --event OPEN1 | grep '^"event"')"
csv | grep -q '^"student";"00AA";"1004";"Noor";"4A";"1";"0,00";"0";"0";"1";' || fail "Noor's manual check-in"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE subject = '1004' AND json LIKE '%manual-checkin%'")" = 1 ] ||
    fail "the statement is not marked manual"

# An empty period still writes a page that says so.
"$L" --config "$T/open.ini" report --pdf "$T/e.pdf" --since 2031-01-01 >/dev/null || fail "empty pdf"
pdftotext "$T/e.pdf" - | grep -q '(geen)' || fail "empty period page"
echo "report_school: ok"
