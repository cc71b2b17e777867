#!/bin/sh
# Sync throughput, in one run on this machine:
# 1. against the local LRS (Learning Locker's statement service, in memory, on
#    127.0.0.1), which sets the pace itself:
#   - the kiosk: 10,000 queued statements, batches of 100 (sync --once)
#   - curl: the same prepared batches, one curl process, keep-alive
#   (three rounds of each, alternating, medians reported)
#   - the kiosk with one statement per request (on 1,000 statements)
#   Each run gets a fresh LRS so none meets the others' data.
# 2. against a minimal endpoint that answers at once (bench/fast-lrs.js: 200 and
#    the batch's ids), so the sender sets the pace: 100,000 statements, the kiosk's
#    sync --once against curl with the same batches over one keep-alive connection;
#    statements per second and CPU (user+sys of each process; the seeding is a
#    process of its own, not counted), three rounds, ratios per round, medians.
set -eu
. "$LK_ROOT/tests/lrs/harness.sh"
lrs_install
ensure_seeder
N=${LK_BENCH_SYNC_N:-10000}
N1=${LK_BENCH_SYNC_N1:-1000}
PORT=$(free_port)
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }

# A kiosk in $1 with $3 queued statements for the LRS on port $2, and a curl config
# in $4 that sends the same statements in the same batches of 100, one request each.
seed_with_batches() {
    make_kiosk "$1" "http://127.0.0.1:$2/xAPI" 60 100
    "$SEEDER" seed "$1/kiosk.ini" "$3"
    mkdir -p "$1.batches"
    "$SEEDER" batches "$1/kiosk.ini" "$1.batches" 100
    : >"$4"
    first=1
    for f in "$1".batches/batch-*.json; do
        [ $first = 1 ] || echo "next" >>"$4"
        first=0
        cat >>"$4" <<C
url = "http://127.0.0.1:$2/xAPI/statements"
user = "lrs-user:lrs-secret"
header = "X-Experience-API-Version: 1.0.3"
header = "Content-Type: application/json"
data-binary = "@$f"
output = "/dev/null"
write-out = "%{http_code}\n"
C
    done
}

A="$LK_TMP/a"
CFG="$LK_TMP/curl.cfg"
seed_with_batches "$A" "$PORT" "$N" "$CFG"

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

# --- 2. against an endpoint that answers at once ------------------------------------
NF=${LK_BENCH_SYNC_FAST_N:-100000}
FPORT=$(free_port)
F="$LK_TMP/f"
FCFG="$LK_TMP/fcurl.cfg"
seed_with_batches "$F" "$FPORT" "$NF" "$FCFG"
cp -a "$F/data" "$F/data.seed"
rm -f "$LK_TMP/fast.log"
node "$LK_ROOT/bench/fast-lrs.js" "$FPORT" >"$LK_TMP/fast.log" 2>&1 &
FAST_PID=$!
LK_PIDS="$LK_PIDS $FAST_PID"
wait_line "$LK_TMP/fast.log" "fast-lrs ready"
# CPU seconds (user+sys) the endpoint has used so far
lrs_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$FAST_PID/stat"; }
cpu_of() { awk '{ printf "%.3f", $2 + $3 }' "$1"; }
fr_curl="" fr_kiosk="" fc_curl="" fc_kiosk="" f_rate="" f_cpu="" f_lrs=""
for round in 1 2 3; do
    l0=$(lrs_cpu)
    t0=$(now)
    /usr/bin/time -f '%e %U %S' -o "$LK_TMP/t.curl" curl -s -K "$FCFG" >"$LK_TMP/fcurl.codes"
    t1=$(now)
    l1=$(lrs_cpu)
    bad=$(grep -vc '^200$' "$LK_TMP/fcurl.codes" || true)
    [ "$bad" = 0 ] || die "curl got non-200 answers from the fast endpoint: $bad"
    rm -rf "$F/data"
    cp -a "$F/data.seed" "$F/data"
    sync
    t2=$(now)
    /usr/bin/time -f '%e %U %S' -o "$LK_TMP/t.kiosk" \
        "$LOBKIOSK" --config "$F/kiosk.ini" sync --once >"$F/out"
    t3=$(now)
    [ "$(field sent "$F/out")" = "$NF" ] || die "fast endpoint, round $round: $(cat "$F/out")"
    cr=$(rate "$NF" "$t0" "$t1")
    kr=$(rate "$NF" "$t2" "$t3")
    cc=$(cpu_of "$LK_TMP/t.curl")
    kc=$(cpu_of "$LK_TMP/t.kiosk")
    fr_curl="$fr_curl $cr"
    fr_kiosk="$fr_kiosk $kr"
    fc_curl="$fc_curl $cc"
    fc_kiosk="$fc_kiosk $kc"
    f_rate="$f_rate $(awk -v k="$kr" -v c="$cr" 'BEGIN { printf "%.0f", 100 * k / c }')"
    f_cpu="$f_cpu $(awk -v k="$kc" -v c="$cc" 'BEGIN { printf "%.2f", k / c }')"
    # what the endpoint could take: statements per CPU second it spent on curl's run
    f_lrs="$f_lrs $(awk -v n="$NF" -v a="$l0" -v b="$l1" 'BEGIN { printf "%.0f", (b > a ? n / (b - a) : 0) }')"
done
kill "$FAST_PID"; wait "$FAST_PID" 2>/dev/null || true
echo "sync: $NF statements, batches of 100, to a minimal endpoint that answers at once"
printf '  %-34s %8s statements/s  (median of%s), CPU %s s (median of%s)\n' \
    "curl, same prepared batches" "$(median "$fr_curl")" "$fr_curl" "$(median "$fc_curl")" "$fc_curl"
printf '  %-34s %8s statements/s  (median of%s), CPU %s s (median of%s)\n' \
    "lobkiosk sync --once" "$(median "$fr_kiosk")" "$fr_kiosk" "$(median "$fc_kiosk")" "$fc_kiosk"
printf '  %-34s %7s%%  of curl (per round:%s; goal >= 90%%)\n' "rate" "$(median "$f_rate")" "$f_rate"
printf '  %-34s %7sx curl (per round:%s; goal <= 1.5x)\n' "CPU" "$(median "$f_cpu")" "$f_cpu"
printf '  %-34s %8s statements per CPU second (per round:%s), %sx the kiosk'"'"'s rate\n' \
    "the endpoint could take" "$(median "$f_lrs")" "$f_lrs" \
    "$(awk -v e="$(median "$f_lrs")" -v k="$(median "$fr_kiosk")" 'BEGIN { printf "%.1f", e / k }')"
