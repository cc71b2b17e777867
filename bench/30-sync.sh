#!/bin/sh
# Sync throughput against the local LRS (Learning Locker's statement service, in
# memory, on 127.0.0.1), in one run on this machine:
#   - the kiosk: 10,000 queued statements, batches of 100 (sync --once)
#   - curl: the same prepared batches, one curl process, keep-alive
#   (three rounds of each, alternating, medians reported)
#   - the kiosk with one statement per request (on 1,000 statements)
# Each run gets a fresh LRS so none meets the others' data.
set -eu
. "$LK_ROOT/tests/lrs/harness.sh"
lrs_install
ensure_seeder
N=${LK_BENCH_SYNC_N:-10000}
N1=${LK_BENCH_SYNC_N1:-1000}
PORT=$(free_port)
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }

A="$LK_TMP/a"
make_kiosk "$A" "http://127.0.0.1:$PORT/xAPI" 60 100
"$SEEDER" seed "$A/kiosk.ini" "$N"
mkdir -p "$LK_TMP/batches"
"$SEEDER" batches "$A/kiosk.ini" "$LK_TMP/batches" 100
CFG="$LK_TMP/curl.cfg"
: >"$CFG"
first=1
for f in "$LK_TMP"/batches/batch-*.json; do
    [ $first = 1 ] || echo "next" >>"$CFG"
    first=0
    cat >>"$CFG" <<C
url = "http://127.0.0.1:$PORT/xAPI/statements"
user = "lrs-user:lrs-secret"
header = "X-Experience-API-Version: 1.0.3"
header = "Content-Type: application/json"
data-binary = "@$f"
output = "/dev/null"
write-out = "%{http_code}\n"
C
done

# Three rounds, curl and the kiosk alternating, each against a fresh LRS; the median
# of each is reported, so a warm-up or a noisy neighbour does not decide the ratio.
cp -a "$A/data" "$A/data.seed"
curl_rates=""
kiosk_rates=""
for round in 1 2 3; do
    start_lrs "$PORT"
    t0=$(now)
    curl -s -K "$CFG" >"$LK_TMP/curl.codes"
    t1=$(now)
    kill "$LRS_PID"; wait "$LRS_PID" 2>/dev/null || true
    bad=$(grep -vc '^200$' "$LK_TMP/curl.codes" || true)
    [ "$bad" = 0 ] || die "curl got non-200 answers: $bad"
    curl_rates="$curl_rates $(rate "$N" "$t0" "$t1")"

    rm -rf "$A/data"
    cp -a "$A/data.seed" "$A/data"
    start_lrs "$PORT"
    t0=$(now)
    "$LOBKIOSK" --config "$A/kiosk.ini" sync --once >"$A/out"
    t1=$(now)
    C=$(lrs_count "$PORT")
    kill "$LRS_PID"; wait "$LRS_PID" 2>/dev/null || true
    [ "$C" = "total $N distinct $N" ] || die "kiosk run $round: LRS holds $C"
    kiosk_rates="$kiosk_rates $(rate "$N" "$t0" "$t1")"
done
median() { printf '%s\n' $1 | sort -n | sed -n 2p; }
curl_rate=$(median "$curl_rates")
kiosk_rate=$(median "$kiosk_rates")

B="$LK_TMP/b"
make_kiosk "$B" "http://127.0.0.1:$PORT/xAPI" 60 1
"$SEEDER" seed "$B/kiosk.ini" "$N1"
start_lrs "$PORT"
t0=$(now)
"$LOBKIOSK" --config "$B/kiosk.ini" sync --once >"$B/out"
t1=$(now)
kill "$LRS_PID"; wait "$LRS_PID" 2>/dev/null || true
single_rate=$(rate "$N1" "$t0" "$t1")

pct=$(awk -v k="$kiosk_rate" -v c="$curl_rate" 'BEGIN { printf "%.0f", 100 * k / c }')
echo "sync: $N statements, batches of 100"
printf '  %-34s %8s statements/s  (median of%s)\n' "curl, same prepared batches" "$curl_rate" "$curl_rates"
printf '  %-34s %8s statements/s  (median of%s; %s%% of curl, goal >= 90%%)\n' "lobkiosk sync --once" "$kiosk_rate" "$kiosk_rates" "$pct"
printf '  %-34s %8s statements/s  (%s statements)\n' "lobkiosk, one statement a request" "$single_rate" "$N1"
