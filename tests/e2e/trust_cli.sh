#!/bin/sh
# End-to-end test of a region's trust list through the binary: a region signs a list
# of schools, a kiosk imports it and admits those schools' passes (revocations too),
# kiosk.ini wins for its own issuers, forged, older and expired lists are refused,
# and an old list is warned about.
set -eu
L=${LOBKIOSK:-build/lobkiosk}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run() {
    set +e
    out=$("$@" 2>"$T/stderr")
    rc=$?
    set -e
}
cd "$T"
"$L" keygen --issuer RGTW --key-id R1 --out keys >/dev/null 2>&1
"$L" keygen --issuer 11BB --key-id K1 --out keys >s11.ini 2>/dev/null
"$L" keygen --issuer 22CC --key-id K1 --out keys >s22.ini 2>/dev/null
"$L" keygen --issuer 22CC --key-id K9 --out keys >own22.ini 2>/dev/null
"$L" keygen --issuer 00AA --key-id K1 --out keys >own.ini 2>/dev/null
schools() { # schools VERSION EXPIRES
    cat >schools.ini <<EOF
[list]
name = Regio Twente
version = $1
expires = $2

$(cat s11.ini)
name = Het Twents Lyceum
home_page = https://dossier.lyceum.example/
revoked = 777, 888@20270731

$(cat s22.ini)
name = ROC Oost
EOF
}
export LOBKIOSK_FAKE_NOW=2026-11-29T10:00:00+01:00
schools 3 2027-08-01
run "$L" trust make --key keys/RGTW-R1.key --in schools.ini --out trust.json
[ "$rc" = 0 ] || fail "trust make: exit $rc: $(cat "$T/stderr")"
printf '%s\n' "$out" | grep -q '^region_key = ' || fail "trust make printed no region_key line: $out"
region=$out
grep -q 'schools: 2' "$T/stderr" || fail "trust make: no summary"
cat >kiosk.ini <<EOF
[kiosk]
id = K-TRUST
data_dir = data
event = OPEN1
$(cat own.ini)
name = Eigen school
$(cat own22.ini)
name = ROC Oost (eigen regel)
$region
max_age_days = 30
[event.OPEN1]
title = Open dag
kind = open_day
host = Eigen school
start = 2020-01-01T08:00
end = 2099-01-01T08:00
mode = checkin
EOF
pass() { "$L" pass --key "keys/$1.key" --role S --subject "$2" --expires 2027-07-31 2>/dev/null; }

# before the import: another school's pass is refused
run "$L" --config kiosk.ini checkin "$(pass 11BB-K1 12345)"
[ "$rc" = 1 ] && [ "$out" = "refused unknown_issuer" ] || fail "before import: $rc $out"

run "$L" --config kiosk.ini trust import trust.json
[ "$rc" = 0 ] || fail "import: exit $rc: $(cat "$T/stderr")"
printf '%s\n' "$out" | grep -q '^version: 3$' || fail "import: $out"
run "$L" --config kiosk.ini trust import trust.json
[ "$rc" = 0 ] && printf '%s' "$out" | grep -q 'already installed' || fail "same version: $rc $out"

run "$L" --config kiosk.ini checkin "$(pass 11BB-K1 12345)"
[ "$rc" = 0 ] && printf '%s\n' "$out" | head -n1 | grep -q '^checked_in$' || fail "list school: $rc $out"
run "$L" --config kiosk.ini check
printf '%s\n' "$out" | grep -q '^ok    trust       Regio Twente version 3: 2 schools, 2 revoked' ||
    fail "check: no trust line: $out"
run "$L" --config kiosk.ini checkin "$(pass 11BB-K1 777)"
[ "$out" = "refused revoked" ] || fail "revoked by the list: $out"
# kiosk.ini names 22CC with key K9 only: the list's K1 for 22CC is not used
run "$L" --config kiosk.ini checkin "$(pass 22CC-K1 555)"
[ "$out" = "refused unknown_key" ] || fail "kiosk.ini must win for 22CC: $out"
run "$L" --config kiosk.ini checkin "$(pass 22CC-K9 556)"
[ "$rc" = 0 ] || fail "kiosk.ini's own 22CC key: $out"

# forged: one byte of the payload changed
sed 's/Regio Twente/Regio Twenty/' trust.json >forged.json
run "$L" --config kiosk.ini trust import forged.json
[ "$rc" = 1 ] && grep -q 'signature does not match' "$T/stderr" || fail "forged: $rc $(cat "$T/stderr")"
# older version
schools 2 2027-08-01
"$L" trust make --key keys/RGTW-R1.key --in schools.ini --out v2.json >/dev/null 2>&1
run "$L" --config kiosk.ini trust import v2.json
[ "$rc" = 1 ] && grep -q 'older than the installed version 3' "$T/stderr" || fail "older: $rc $(cat "$T/stderr")"
# expired
schools 4 2026-11-28
"$L" trust make --key keys/RGTW-R1.key --in schools.ini --out v4.json >/dev/null 2>&1
run "$L" --config kiosk.ini trust import v4.json
[ "$rc" = 1 ] && grep -q 'expired' "$T/stderr" || fail "expired import: $rc $(cat "$T/stderr")"
run "$L" --config kiosk.ini trust status
printf '%s\n' "$out" | grep -q '^version: 3$' || fail "status after refusals: $out"

# 40 days later: still used, with a warning (max_age_days = 30)
export LOBKIOSK_FAKE_NOW=2027-01-08T10:00:00+01:00
run "$L" --config kiosk.ini checkin "$(pass 11BB-K1 12346)"
[ "$rc" = 0 ] || fail "old list: $out"
grep -q 'is 40 days old' "$T/stderr" || fail "no warning for an old list: $(cat "$T/stderr")"
# after the list's expiry: not used, said so, kiosk.ini's issuers still work
export LOBKIOSK_FAKE_NOW=2027-08-02T10:00:00+02:00
run "$L" --config kiosk.ini checkin "$(pass 11BB-K1 12347)"
[ "$out" = "refused unknown_issuer" ] || fail "expired list still used: $out"
grep -q 'expired on 2027-08-01' "$T/stderr" || fail "no warning for an expired list: $(cat "$T/stderr")"
run "$L" --config kiosk.ini check
printf '%s\n' "$out" | grep -q '^FAIL  trust .*expired on 2027-08-01' || fail "check: expired list: $out"
run "$L" --config kiosk.ini checkin \
    "$("$L" pass --key keys/00AA-K1.key --role S --subject 42 --expires 2028-07-31 2>/dev/null)"
[ "$rc" = 0 ] || fail "own issuer with an expired list: $out"

# a broken schools.ini names the line
printf '[list]\nname = R\nversion = 1\nexpires = 2027-02-30\n' >bad.ini
run "$L" trust make --key keys/RGTW-R1.key --in bad.ini --out bad.json
[ "$rc" = 3 ] && grep -q 'bad.ini:4: \[list\] expires' "$T/stderr" || fail "bad schools.ini: $rc $(cat "$T/stderr")"
[ ! -e bad.json ] || fail "a bad schools.ini wrote a list"
echo "trust_cli: ok"
