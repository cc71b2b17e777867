#!/bin/sh
# A regional kiosk's sync: N queued statements spread over three destinations (the
# default and two schools with an LRS of their own), three local LRS instances
# (Learning Locker's statement service, in memory, on 127.0.0.1):
#   - the kiosk: sync --once, which sends to the three at once (a thread each)
#   - curl: the same statements in the same batches of 100, three curl processes at
#     once (one per LRS, keep-alive)
# Three rounds of each, alternating, fresh LRS instances each time; medians reported.
set -eu
. "$LK_ROOT/tests/lrs/harness.sh"
lrs_install
ensure_seeder
N=${LK_BENCH_SYNC_N:-9000}
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }
P1=$(free_port); P2=$(free_port); P3=$(free_port)
A="$LK_TMP/a"
make_kiosk "$A" "http://127.0.0.1:$P1/xAPI" 60 100
pk=$(head -c 32 /dev/urandom | base64)
cat >>"$A/kiosk.ini" <<INI
[issuer.11BB]
key.K1 = $pk
endpoint = http://127.0.0.1:$P2/xAPI
credentials_file = lrs.cred
[issuer.22CC]
key.K1 = $pk
endpoint = http://127.0.0.1:$P3/xAPI
credentials_file = lrs.cred
INI
"$SEEDER" seed "$A/kiosk.ini" "$N"
DB="$A/data/lobkiosk.db"
# a third of the statements about students of each school (routing follows the row)
sqlite3 "$DB" "UPDATE outbox SET issuer = CASE id % 3 WHEN 1 THEN '11BB' WHEN 2 THEN '22CC'
               ELSE issuer END"
for d in 00AA:$P1 11BB:$P2 22CC:$P3; do
    code=${d%%:*}; port=${d#*:}
    mkdir -p "$LK_TMP/b-$code"
    sqlite3 "$DB" "SELECT json FROM outbox WHERE id IN (SELECT id FROM outbox_queue) AND issuer = '$code' ORDER BY id" |
        awk -v dir="$LK_TMP/b-$code" '
            { if ((NR - 1) % 100 == 0) { if (f) { print "]" > f; close(f) }
                  f = sprintf("%s/batch-%05d.json", dir, (NR - 1) / 100); printf "[" > f }
              else printf "," > f
              printf "%s", $0 > f }
            END { if (f) { print "]" > f; close(f) } }'
    cfg="$LK_TMP/curl-$code.cfg"
    : >"$cfg"
    first=1
    for f in "$LK_TMP/b-$code"/batch-*.json; do
        [ $first = 1 ] || echo "next" >>"$cfg"
        first=0
        printf 'url = "http://127.0.0.1:%s/xAPI/statements"\nuser = "lrs-user:lrs-secret"\nheader = "X-Experience-API-Version: 1.0.3"\nheader = "Content-Type: application/json"\ndata-binary = "@%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' "$port" "$f" >>"$cfg"
    done
done
three_lrs() { for p in $P1 $P2 $P3; do start_lrs "$p"; eval "PID_$p=\$LRS_PID"; done; }
stop_lrs() { for p in $P1 $P2 $P3; do eval "kill \$PID_$p"; eval "wait \$PID_$p" 2>/dev/null || true; done; }
cp -a "$A/data" "$A/data.seed"
curl_rates=""
kiosk_rates=""
for round in 1 2 3; do
    three_lrs
    t0=$(now)
    pids=""
    for code in 00AA 11BB 22CC; do
        curl -s -K "$LK_TMP/curl-$code.cfg" >"$LK_TMP/codes-$code" &
        pids="$pids $!"
    done
    for j in $pids; do wait "$j"; done
    t1=$(now)
    stop_lrs
    bad=$(cat "$LK_TMP"/codes-* | grep -vc "^200$" || true)
    [ "$bad" = 0 ] || die "curl got non-200 answers: $bad"
    curl_rates="$curl_rates $(rate "$N" "$t0" "$t1")"

    rm -rf "$A/data"
    cp -a "$A/data.seed" "$A/data"
    three_lrs
    t0=$(now)
    "$LOBKIOSK" --config "$A/kiosk.ini" sync --once >"$A/out"
    t1=$(now)
    got=0
    for p in $P1 $P2 $P3; do
        c=$(lrs_count "$p"); got=$((got + $(echo "$c" | awk '{ print $2 }')))
    done
    stop_lrs
    [ "$got" = "$N" ] || die "kiosk run $round: the three LRS hold $got of $N"
    kiosk_rates="$kiosk_rates $(rate "$N" "$t0" "$t1")"
done
median() { printf '%s\n' $1 | sort -n | sed -n 2p; }
curl_rate=$(median "$curl_rates")
kiosk_rate=$(median "$kiosk_rates")
pct=$(awk -v k="$kiosk_rate" -v c="$curl_rate" 'BEGIN { printf "%.0f", 100 * k / c }')
echo "sync to three LRS at once: $N statements, a third each, batches of 100"
printf '  %-34s %8s statements/s  (median of%s)\n' "curl, three processes at once" "$curl_rate" "$curl_rates"
printf '  %-34s %8s statements/s  (median of%s; %s%% of curl)\n' "lobkiosk sync --once" "$kiosk_rate" "$kiosk_rates" "$pct"
