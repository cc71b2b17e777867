#!/bin/sh
# A region's trust list of 500 schools and 50,000 revoked passes: the time a whole
# `lobkiosk checkin` process takes (load kiosk.ini, verify and apply the list, check
# one pass in) against the same kiosk without the list, median of 7 runs each.
set -eu
L=${LOBKIOSK:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
"$L" keygen --issuer RGN --key-id R1 --out keys >/dev/null 2>&1
"$L" keygen --issuer 00AA --key-id K1 --out keys >own.ini 2>/dev/null
pk=$(sed -n 's/^key.K1 = //p' own.ini)
awk -v pk="$pk" 'BEGIN {
    print "[list]\nname = Bench region\nversion = 1\nexpires = 2099-12-31"
    for (s = 0; s < 500; s++) {
        printf "[issuer.R%04d]\nname = School %d\nkey.K1 = %s\n", s, s, pk
        for (r = 0; r < 100; r += 10) {
            printf "revoked = "
            for (k = r; k < r + 10; k++) printf "%s%d", (k > r ? ", " : ""), s * 1000 + k
            printf "\n"
        }
    }
}' >schools.ini
region=$("$L" trust make --key keys/RGN-R1.key --in schools.ini --out trust.json 2>/dev/null)
write_ini() { # FILE DATA [REGION-LINES]
    cat >"$1" <<EOF
[kiosk]
id = BENCH
data_dir = $2
$(cat own.ini)
[event.E]
title = Bench
kind = open_day
host = Bench
start = 2020-01-01T08:00
end = 2099-01-01T08:00
mode = checkin
$3
EOF
}
write_ini plain.ini plain ""
write_ini region.ini region "$region"
"$L" --config region.ini trust import trust.json >/dev/null
ms() { # median ms of 7 runs of a checkin of a new student
    for i in 1 2 3 4 5 6 7; do
        p=$("$L" pass --key keys/00AA-K1.key --role S --subject "$1$i" --expires 2098-07-31 2>/dev/null)
        a=$(date +%s%N)
        "$L" --config "$2" checkin "$p" >/dev/null
        b=$(date +%s%N)
        echo $(((b - a) / 1000000))
    done | sort -n | sed -n 4p
}
plain=$(ms P plain.ini)
with=$(ms R region.ini)
echo "trust list: $(wc -c <trust.json) bytes, 500 schools, 50000 revoked passes"
printf '  %-44s %6s ms\n' "lobkiosk checkin, kiosk.ini alone" "$plain"
printf '  %-44s %6s ms  (goal: the list loads in under a second)\n' "lobkiosk checkin, with the region's list" "$with"
