#!/bin/sh
# Figures of the kiosk UI (headless, SDL dummy video with the software renderer):
# scan to welcome frame (p50, p99) over fresh check-ins, CPU of an idle kiosk over
# 30 s without a camera and with the folder camera at 15 frames a second, peak RSS
# at 1280x800 through a whole flow, and start to the first idle frame.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-bench-ui.XXXXXX)
trap 'rm -rf "$T"' EXIT
IDLE_S=${LK_BENCH_IDLE_S:-30}
N=${LK_BENCH_SCANS:-200}
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 1280x800 >/dev/null
INI="$T/demo/kiosk.ini"
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|; s/^sound *= *true/sound = false/" "$INI"
# The dummy video driver renders in software without loading Mesa (the offscreen
# driver pulls in EGL, about 85 MB that a Pi with its own GPU driver does not have).
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_LATENCY=1
KEY=$(ls "$T/demo/keys/"*.key | head -n1)

# 1. Scan to welcome: N students never seen before (each a durable check-in with
#    fsync), payload in until the welcome frame is presented.
: > "$T/scan.script"
i=0
while [ $i -lt "$N" ]; do
    p=$("$LOBKIOSK" pass --key "$KEY" --role S --subject "B$i" --expires 2099-12-31 | tail -n1)
    printf 'scan %s\n' "$p" >> "$T/scan.script"
    i=$((i + 1))
done
echo quit >> "$T/scan.script"
sed 's/^source *= *folder/source = none/' "$INI" > "$T/none.ini"
LOBKIOSK_SIZE=1280x800 LOBKIOSK_SCRIPT="$T/scan.script" LOBKIOSK_NO_THREADS=1 \
    "$LOBKIOSK" --config "$T/none.ini" 2> "$T/scan.log"
grep '^scan-to-frame' "$T/scan.log" | awk '{print $2}' | sort -n > "$T/lat"
n=$(wc -l < "$T/lat")
p50=$(awk -v n="$n" 'NR == int(n * 0.50 + 0.5) { print }' "$T/lat")
p99=$(awk -v n="$n" 'NR == int(n * 0.99 + 0.5) { print }' "$T/lat")
echo "scan to welcome frame ($n check-ins, 1280x800): p50 ${p50} ms, p99 ${p99} ms (goal p99 < 50 ms)"

# CPU seconds (user + system) of a process from /proc, in clock ticks.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
idle_cpu() { # ini label
    LOBKIOSK_SIZE=800x480 "$LOBKIOSK" --config "$1" 2>/dev/null &
    pid=$!
    sleep 2 # start-up is not idle
    a=$(ticks $pid)
    ua=$(awk '{ print $14 + $15 }' "/proc/$pid/task/$pid/stat") # the UI thread alone
    sleep "$IDLE_S"
    b=$(ticks $pid)
    ub=$(awk '{ print $14 + $15 }' "/proc/$pid/task/$pid/stat")
    kill -TERM $pid
    wait $pid || true
    hz=$(getconf CLK_TCK)
    awk -v a="$a" -v b="$b" -v ua="$ua" -v ub="$ub" -v hz="$hz" -v s="$IDLE_S" -v l="$2" \
        'BEGIN { printf "idle CPU %s: %.2f%% of one core over %d s (UI thread %.2f%%)\n", l,
                 (b - a) / hz / s * 100, s, (ub - ua) / hz / s * 100 }'
}
# 2. Idle without a camera (goal < 1%), and with the folder camera at 15 fps on
#    frames without a code (the preview is drawn, the decoder runs).
idle_cpu "$T/none.ini" "without camera (goal < 1%)"
mkdir -p "$T/empty"
first=$(ls "$T/demo/frames" | head -n1)
cp "$T/demo/frames/$first" "$T/empty/frame.png"
sed "s|^folder *=.*|folder = $T/empty|; s/^fps *=.*/fps = 15/" "$INI" > "$T/cam.ini"
idle_cpu "$T/cam.ini" "with the folder camera at 15 fps"

# 3. Peak RSS at 1280x800 through check-in, reflection, done, host and admin,
#    and 4. start to the first idle frame.
P="$T/demo/passes/passes.txt"
S1=$(awk '$3 == "1001" { print $4 }' "$P")
H=$(awk '$3 == "H01" { print $4 }' "$P")
cat > "$T/flow.script" <<SCRIPT
wait 300
scan $S1
tap next
tap choice-3
tap choice-0
tap skip
tap skip
tap skip
tap skip
tap key-a
tap send
scan $H
tap close
quit
SCRIPT
start=$(date +%s%3N)
LOBKIOSK_SIZE=1280x800 LOBKIOSK_SCRIPT="$T/flow.script" "$LOBKIOSK" --config "$T/cam.ini" 2> "$T/flow.log"
first=$(awk '/^first-frame-at/ { print $2 }' "$T/flow.log")
rss=$(awk '/^peak-rss-kb/ { print $2 }' "$T/flow.log")
echo "start to first idle frame: $((first - start)) ms (goal < 500 ms)"
awk -v k="$rss" 'BEGIN { printf "peak RSS at 1280x800 (camera on, whole flow): %.1f MB (goal < 60 MB)\n", k / 1024 }'
