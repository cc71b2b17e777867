#!/bin/sh
# report --lrs against the real test LRS (Learning Locker's statement service): two
# kiosks of one school at one open day sync their statements; a student seen by both
# counts once, a student forgotten after the sync (voided at the LRS) not at all, and
# more statements than fit on one page are read by following "more". Also the period
# (since/until on the LRS's stored time) and refusals (no [sync], an open credentials
# file, options that need the roster).
set -eu
. "$LK_ROOT/tests/lrs/harness.sh"
lrs_install
L=$LOBKIOSK
PORT=$(free_port)
start_lrs "$PORT"
T=$LK_TMP
"$L" keygen --issuer 00AA --key-id K1 --out "$T/keys" >"$T/trust.ini" 2>/dev/null
kiosk() { # kiosk DIR ID
    mkdir -p "$1"
    printf 'lrs-user:lrs-secret\n' >"$1/lrs.cred"
    chmod 600 "$1/lrs.cred"
    cat >"$1/kiosk.ini" <<INI
[kiosk]
id = $2
data_dir = data
event = OPEN1

$(cat "$T/trust.ini")
name = Testcollege
home_page = https://dossier.example.nl/00AA

[event.OPEN1]
title = Open dag Techniek
kind = open_day
host = Testcollege
start = 2020-01-01T08:00
end = 2099-01-01T08:00
mode = checkin

[sync]
endpoint = http://127.0.0.1:$PORT/xAPI
credentials_file = lrs.cred
INI
}
kiosk "$T/a" K-A
kiosk "$T/b" K-B
pass() { "$L" pass --key "$T/keys/00AA-K1.key" --role S --subject "$1" --expires 2031-07-31 2>/dev/null; }
ci() { "$L" --config "$T/$1/kiosk.ini" checkin "$(pass "$2")" >/dev/null || die "checkin $2 at $1"; }
ci a 1001
ci b 1001
ci a 1002
i=2000
while [ $i -lt 2030 ]; do ci b $i; i=$((i + 1)); done
"$L" --config "$T/a/kiosk.ini" sync --once >/dev/null 2>&1 || die "sync a"
"$L" --config "$T/b/kiosk.ini" sync --once >/dev/null 2>&1 || die "sync b"
# Forget 1002 at A: its check-in is voided at the LRS.
"$L" --config "$T/a/kiosk.ini" forget --issuer 00AA --subject 1002 >/dev/null 2>&1 || die "forget"
"$L" --config "$T/a/kiosk.ini" sync --once >/dev/null 2>&1 || die "sync a after forget"

# 34 check-ins were sent (2 pages at least), 1001 twice, 1002 voided: 31 students.
"$L" --config "$T/a/kiosk.ini" report --lrs --csv >"$T/out" 2>"$T/err" || die "report --lrs: $(cat "$T/err")"
grep -q 'statements in [2-9] pages' "$T/err" || die "did not follow more: $(cat "$T/err")"
grep -q '^event,OPEN1,Open dag Techniek,open_day,,,,,,31,0,31,,,2,$' "$T/out" || die "event row: $(cat "$T/out")"
grep -q '^student,,,,https://dossier.example.nl/00AA,1001,,,,1,0,,0,,,$' "$T/out" || die "1001 not once: $(grep 1001 "$T/out")"
if grep -q ',1002,' "$T/out"; then die "a forgotten student counted"; fi
# The same from kiosk B's configuration: the LRS, not the kiosk, is the source.
"$L" --config "$T/b/kiosk.ini" report --lrs --event OPEN1 >"$T/text" 2>/dev/null || die "report --lrs text"
grep -q '^Total: 31 check-ins by 31 students at 1 events' "$T/text" || die "text: $(head -3 "$T/text")"
# A period that ends before today holds nothing.
"$L" --config "$T/a/kiosk.ini" report --lrs --until 2020-01-01 >"$T/text" 2>/dev/null || die "report --lrs --until"
grep -q '^Total: 0 check-ins' "$T/text" || die "until: $(head -2 "$T/text")"

# Refusals (the test LRS takes any credentials): a credentials file others can read;
# no LRS configured; options that need the roster.
chmod 644 "$T/a/lrs.cred"
set +e
"$L" --config "$T/a/kiosk.ini" report --lrs >/dev/null 2>"$T/err"; rc1=$?
sed -i 's|^endpoint = .*|endpoint =|' "$T/b/kiosk.ini"
"$L" --config "$T/b/kiosk.ini" report --lrs >/dev/null 2>&1; rc2=$?
"$L" --config "$T/b/kiosk.ini" report --lrs --group 3B >/dev/null 2>&1; rc3=$?
set -e
[ "$rc1 $rc2 $rc3" = "3 3 2" ] || die "refusals exit $rc1 $rc2 $rc3, want 3 3 2"
grep -q 'chmod 600' "$T/err" || die "open credentials file not said: $(cat "$T/err")"
echo "report_lrs: ok"
