#!/bin/sh
# Costs against the size of the database: the same figures for an empty kiosk and
# for one after a school year of check-ins (bench/seed: 100,000 experiences by
# default, and 1,000,000 with `make bench BIG=1`), side by side, in one run.
#   - start to the first idle frame (median of 3)
#   - input to frame: a scanner's Return, stamped by SDL when it is queued from its
#     own thread at a random moment, to after SDL_RenderPresent of the welcome
#     frame (so a stall anywhere on the UI thread shows); software renderer
#     (SDL dummy video), 800x480 and 1920x1080, p50 and p99
#   - idle CPU with sync off and no camera
#   - one check-in (bench/checkin) against a bare INSERT+COMMIT, both fsync'd
#   - the coordinator's report over the whole year (every section, text and
#     --csv; median wall time of 3 and the CPU time of the median run) and
#     report --event (today's event; median of 9)
#   - sync --status, export RSS and time, forget
#     of a student with an experience at every seeded event, purge of the oldest
#     seeded event (a day's retention purge: the same rows at every size).
# Each seeded kiosk is made once per run in the build folder and removed at the end.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
B=${LK_BUILD:-build}
SEED="$B/bench/seed"
CHECKIN="$B/bench/checkin"
SIZES="0 ${LK_BENCH_SEED:-100000}"
[ -n "${LK_BENCH_BIG:-}" ] && [ "${LK_BENCH_BIG}" != 0 ] && SIZES="$SIZES 1000000"
SCANS=${LK_BENCH_SCANS_SCALE:-30}
IDLE_S=${LK_BENCH_IDLE_S:-10}
W="$B/bench-scale"
rm -rf "$W"
mkdir -p "$W"
trap 'rm -rf "$W"' EXIT
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_LATENCY=1

now_ms() { date +%s%3N; }
# p-th percentile of the numbers in a file (nearest rank)
pct() { sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END { if (!NR) { print "-"; exit }
    i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print v[i] }'; }
median_ms() { # command...: median wall time of 3 runs, ms
    : > "$W/t"
    for _ in 1 2 3; do
        a=$(now_ms); "$@" > /dev/null 2>&1; b=$(now_ms); echo $((b - a)) >> "$W/t"
    done
    pct "$W/t" 50
}
median_cpu() { # key runs command...: median wall ms of the runs as "key", the CPU
    k=$1 runs=$2  # (user+system) ms of that run as "key_cpu"
    shift 2
    : > "$W/tc"
    for _ in $(seq "$runs"); do
        a=$(now_ms)
        /usr/bin/time -f '%U %S' -o "$W/cpu" "$@" > /dev/null 2>&1
        b=$(now_ms)
        echo "$((b - a)) $(awk '{ printf "%d", ($1 + $2) * 1000 }' "$W/cpu")" >> "$W/tc"
    done
    sort -n "$W/tc" | sed -n "$(((runs + 1) / 2))p" > "$W/tm"
    put "$n" "$k $(cut -d' ' -f1 "$W/tm")"
    put "$n" "${k}_cpu $(cut -d' ' -f2 "$W/tm")"
}
put() { echo "$2" >> "$W/res.$1"; } # size "key value"

measure() { # N
    n=$1 k="$W/k$n"
    a=$(now_ms)
    "$SEED" "$k" "$n" > /dev/null 2> "$W/seed.log" || { cat "$W/seed.log"; exit 1; }
    b=$(now_ms)
    put "$n" "seed_s $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f", (b - a) / 1000 }')"
    put "$n" "seed_cpu_s $(awk '/^seed: cpu/ { print $3 }' "$W/seed.log")"
    ini="$k/kiosk.ini"
    sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|; s/^sound *= *true/sound = false/;
            s/^source *= *folder/source = none/" "$ini"
    db="$k/data/lobkiosk.db"
    put "$n" "db_mb $(du -m "$db" | cut -f1)"
    ev=$(awk '/^\[event\./ { sub(/^\[event\./, ""); sub(/\].*/, ""); print; exit }' "$ini")
    key=$(ls "$k/keys/"*.key | head -n1)

    # start to first frame
    printf 'wait 200\nquit\n' > "$W/first.script"
    : > "$W/first"
    for _ in 1 2 3; do
        a=$(now_ms)
        LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$W/first.script" "$LOBKIOSK" --config "$ini" \
            2> "$W/first.log" || true
        f=$(awk '/^first-frame-at/ { print $2 }' "$W/first.log")
        [ -n "$f" ] && echo $((f - a)) >> "$W/first"
    done
    put "$n" "first_frame_ms $(pct "$W/first" 50)"

    # input to frame, two sizes; fresh students each time
    for size in 800x480 1920x1080; do
        : > "$W/lat.script"
        echo "wait 1200" >> "$W/lat.script"
        i=0
        while [ $i -lt "$SCANS" ]; do
            p=$("$LOBKIOSK" pass --key "$key" --role S --subject "X${size%%x*}$i" \
                --expires 2099-12-31 | tail -n1)
            # a random moment within the UI loop's second (status refresh, redraws)
            echo "type-later $(( (i * 373 + n) % 900 )) $p" >> "$W/lat.script"
            echo "wait 1100" >> "$W/lat.script"
            i=$((i + 1))
        done
        echo quit >> "$W/lat.script"
        LOBKIOSK_SIZE=$size LOBKIOSK_SCRIPT="$W/lat.script" "$LOBKIOSK" --config "$ini" \
            2> "$W/lat.log" || true
        awk '/^input-to-frame/ { print $2 }' "$W/lat.log" > "$W/lat"
        put "$n" "lat_${size}_p50 $(pct "$W/lat" 50)"
        put "$n" "lat_${size}_p99 $(pct "$W/lat" 99)"
        put "$n" "lat_${size}_n $(wc -l < "$W/lat")"
    done

    # idle CPU, sync off, no camera
    LOBKIOSK_SIZE=800x480 "$LOBKIOSK" --config "$ini" 2> /dev/null &
    pid=$!
    sleep 2
    t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    sleep "$IDLE_S"
    t2=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    kill -TERM $pid
    wait $pid || true
    put "$n" "idle_cpu_pct $(awk -v a="$t1" -v b="$t2" -v hz="$(getconf CLK_TCK)" -v s="$IDLE_S" \
        'BEGIN { printf "%.2f", (b - a) / hz / s * 100 }')"

    # sync --status; the report over the year (text, CSV) and of today's event
    put "$n" "sync_status_ms $(median_ms "$LOBKIOSK" --config "$ini" sync --status)"
    median_cpu report_year_ms 3 "$LOBKIOSK" --config "$ini" report
    median_cpu report_year_csv_ms 3 "$LOBKIOSK" --config "$ini" report --csv
    median_cpu report_event_ms 9 "$LOBKIOSK" --config "$ini" report --event "$ev"

    # exports, the spreadsheet's CSV beside the xAPI file: peak RSS, wall and CPU time,
    # and the CSV's time over the xAPI file's (both from the same snapshot, one run)
    for fmt in csv xapi; do
        a=$(now_ms)
        /usr/bin/time -f '%M %U %S' -o "$W/rss" "$LOBKIOSK" --config "$ini" export --format $fmt \
            --out "$W/export.$fmt" > /dev/null
        b=$(now_ms)
        put "$n" "export_${fmt}_mb $(awk '{ printf "%.1f", $1 / 1024 }' "$W/rss")"
        put "$n" "export_${fmt}_s $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b - a) / 1000 }')"
        put "$n" "export_${fmt}_cpu_s $(awk '{ printf "%.2f", $2 + $3 }' "$W/rss")"
        rm -f "$W/export.$fmt"
    done
    put "$n" "export_csv_vs_xapi $(awk '$1 == "export_csv_s" { c = $2 }
        $1 == "export_xapi_s" { x = $2 } END { if (x > 0) printf "%.2fx", c / x; else print "-" }' \
        "$W/res.$n")"

    # one check-in against the floor, in the seeded database
    "$CHECKIN" 300 "$k/data" > "$W/checkin.log"
    core=$(awk '/^checkin_scan/ { print $(NF - 4) }' "$W/checkin.log")
    floor=$(awk '/^sqlite INSERT/ { print $(NF - 4) }' "$W/checkin.log")
    put "$n" "checkin_p50_ms $core"
    put "$n" "floor_p50_ms $floor"
    put "$n" "checkin_vs_floor $(awk -v c="$core" -v f="$floor" 'BEGIN { printf "%.2fx", f / c }')"

    # forget and purge (they change the kiosk: last)
    a=$(now_ms)
    "$LOBKIOSK" --config "$ini" forget --issuer DEMO --subject L000123 > /dev/null 2>&1 || true
    b=$(now_ms)
    put "$n" "forget_ms $((b - a))"
    a=$(now_ms)
    "$LOBKIOSK" --config "$ini" purge --older-than 329 > /dev/null 2>&1 || true
    b=$(now_ms)
    put "$n" "purge_ms $((b - a))"
    rm -rf "$k"
}

for n in $SIZES; do
    measure "$n"
done

# side by side
printf '%-34s' "experiences"
for n in $SIZES; do printf ' %12s' "$n"; done
echo
for key in seed_s seed_cpu_s db_mb first_frame_ms lat_800x480_p50 lat_800x480_p99 lat_1920x1080_p50 \
    lat_1920x1080_p99 idle_cpu_pct checkin_p50_ms floor_p50_ms checkin_vs_floor \
    sync_status_ms report_year_ms report_year_ms_cpu report_year_csv_ms report_year_csv_ms_cpu \
    report_event_ms report_event_ms_cpu export_csv_mb export_csv_s export_csv_cpu_s \
    export_xapi_mb export_xapi_s export_xapi_cpu_s export_csv_vs_xapi forget_ms purge_ms; do
    printf '%-34s' "$key"
    for n in $SIZES; do
        printf ' %12s' "$(awk -v k="$key" '$1 == k { print $2 }' "$W/res.$n")"
    done
    echo
done
echo "(lat_*: input to presented frame in ms, $SCANS scans each; checkin_vs_floor: the"
echo " floor's p50 over a check-in's p50, 1.00x = as fast as a bare INSERT+COMMIT;"
echo " report_*_ms: wall time, median of 3 (report --event: of 9); *_cpu: user+system CPU"
echo " ms of that run, in steps of 10 ms; export_*_cpu_s: user+system CPU s; export_csv_vs_xapi:"
echo " the CSV export's wall time over the xAPI export's, same kiosk, same run)"
