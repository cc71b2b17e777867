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
tap next
tap choice-0
tap choice-0
tap choice-2
tap choice-0
tap key-a
tap send
scan $H
tap close
quit
SCRIPT
start=$(date +%s%3N)
LOBKIOSK_SIZE=1280x800 LOBKIOSK_SCRIPT="$T/flow.script" "$LOBKIOSK" --config "$T/cam.ini" 2> "$T/flow.log" ||
    echo "(the flow script missed a button: $(grep -c 'no button' "$T/flow.log") taps)"
first=$(awk '/^first-frame-at/ { print $2 }' "$T/flow.log")
rss=$(awk '/^peak-rss-kb/ { print $2 }' "$T/flow.log")
echo "start to first idle frame: $((first - start)) ms (goal < 500 ms)"
awk -v k="$rss" 'BEGIN { printf "peak RSS at 1280x800 (camera on, whole flow): %.1f MB (goal < 60 MB)\n", k / 1024 }'

# 5. Both renderers in a real X server (Xvfb; its GL is Mesa llvmpipe, a CPU
#    rasteriser, where a Pi has a GPU), at 800x480 and 1920x1080, side by side:
#    input to presented frame (a scanner's Return typed from its own thread to
#    after SDL_RenderPresent of the welcome frame, fresh students), and idle CPU
#    with the camera off and on. The camera is a program writing raw I420 frames
#    at 15 a second, as rpicam-vid does on a Pi: ten frames of a still scene, each
#    with its own sensor noise (so no two frames are the same). "render" is the UI
#    thread plus Mesa's llvmpipe threads; the rest is the camera thread (decoder)
#    and sync. LK_BENCH_GL=0 skips this part.
if [ "${LK_BENCH_GL:-1}" != 0 ] && command -v Xvfb >/dev/null && command -v convert >/dev/null; then
    GL_N=${LK_BENCH_GL_SCANS:-30}
    GL_IDLE=${LK_BENCH_GL_IDLE_S:-10}
    head -c $((640 * 480 / 2)) /dev/zero | tr '\000' '\200' > "$T/uv"
    empty=$(ls "$T/demo/frames" | grep empty | head -n1)
    for i in 0 1 2 3 4 5 6 7 8 9; do
        convert "$T/demo/frames/$empty" -resize '640x480!' -colorspace Gray -seed $((i + 1)) \
            -attenuate 0.4 +noise Gaussian -depth 8 "gray:$T/y$i"
        cat "$T/y$i" "$T/uv" > "$T/f$i.i420"
    done
    printf 'while :; do for i in 0 1 2 3 4 5 6 7 8 9; do cat "%s/f$i.i420"; sleep 0.066; done; done\n' \
        "$T" > "$T/cam.sh"
    sed "/^source *=/d; /^command *=/d; s|^\[camera\]|[camera]\nsource = command\ncommand = sh $T/cam.sh|" \
        "$INI" > "$T/camcmd.ini"
    : > "$T/gl.script"
    echo "wait 1200" >> "$T/gl.script"
    i=0
    while [ $i -lt "$GL_N" ]; do
        p=$("$LOBKIOSK" pass --key "$KEY" --role S --subject "G$i" --expires 2099-12-31 | tail -n1)
        echo "type-later $(( (i * 373) % 900 )) $p" >> "$T/gl.script"
        echo "wait 1100" >> "$T/gl.script"
        i=$((i + 1))
    done
    echo quit >> "$T/gl.script"
    pct() { sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END { if (!NR) { print "-"; exit }
        i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print v[i] }'; }
    thread_ticks() { # pid -> "total render" clock ticks (render: UI thread + llvmpipe)
        for t in /proc/$1/task/*; do
            c=$(cat "$t/comm"); v=$(awk '{ print $14 + $15 }' "$t/stat")
            r=0
            { [ "${t##*/}" = "$1" ] || [ "${c#llvmpipe}" != "$c" ]; } && r=$v
            echo "$v $r"
        done | awk '{ a += $1; b += $2 } END { print a, b }'
    }
    gl_idle() { # ini driver -> "total% render%"
        DISPLAY=:$DPY SDL_VIDEODRIVER=x11 SDL_RENDER_DRIVER=$2 LOBKIOSK_SIZE=$size \
            "$LOBKIOSK" --config "$1" 2>/dev/null &
        pid=$!
        sleep 3
        a=$(thread_ticks $pid)
        sleep "$GL_IDLE"
        b=$(thread_ticks $pid)
        kill -TERM $pid
        wait $pid || true
        echo "$a $b" | awk -v hz="$(getconf CLK_TCK)" -v s="$GL_IDLE" \
            '{ printf "%.1f%% %.1f%%", ($3 - $1) / hz / s * 100, ($4 - $2) / hz / s * 100 }'
    }
    : > "$T/gl.res"
    echo quit > "$T/quit.script"
    DPY=$$
    while [ -e "/tmp/.X$DPY-lock" ]; do DPY=$((DPY + 1)); done
    for size in 800x480 1920x1080; do
        Xvfb ":$DPY" -screen 0 "${size}x24" -nolisten tcp > /dev/null 2>&1 &
        xpid=$!
        sleep 1
        chosen=$(DISPLAY=:$DPY SDL_VIDEODRIVER=x11 LOBKIOSK_SIZE=$size LOBKIOSK_SCRIPT="$T/quit.script" \
            "$LOBKIOSK" --config "$T/none.ini" 2>&1 | sed -n 's/.*renderer \([a-z0-9]*\).*/\1/p' | head -n1)
        for drv in software opengl opengles2; do
            rm -rf "$T/gl"
            cp -r "$T/demo" "$T/gl"
            rm -f "$T/gl/data/lobkiosk.db"*
            sed 's/^source *= *folder/source = none/' "$INI" > "$T/gl/kiosk.ini"
            DISPLAY=:$DPY SDL_VIDEODRIVER=x11 SDL_RENDER_DRIVER=$drv LOBKIOSK_SIZE=$size \
                LOBKIOSK_SCRIPT="$T/gl.script" "$LOBKIOSK" --config "$T/gl/kiosk.ini" 2> "$T/gl.log" || true
            got=$(sed -n 's/.*renderer \([a-z0-9]*\).*/\1/p' "$T/gl.log" | head -n1)
            awk '/^input-to-frame/ { print $2 }' "$T/gl.log" > "$T/gl.lat"
            awk '/^frame-ms/ { print $2 }' "$T/gl.log" > "$T/gl.frame"
            off=$(gl_idle "$T/none.ini" $drv)
            on=$(gl_idle "$T/camcmd.ini" $drv)
            printf '%-10s %-10s %4s %5s %5s %5s %7s %7s %7s %7s\n' "$size" "$got" "$(wc -l < "$T/gl.lat")" \
                "$(pct "$T/gl.lat" 50)" "$(pct "$T/gl.lat" 99)" "$(pct "$T/gl.frame" 99)" $off $on >> "$T/gl.res"
        done
        kill $xpid
        wait $xpid 2> /dev/null || true
        echo "renderer the kiosk chooses itself in X at $size: $chosen"
    done
    echo "Xvfb (Mesa llvmpipe for GL): input to frame over $GL_N check-ins (ms; goal p99 < 50; frame: the"
    echo "welcome frame's own drawing and present, p99), idle CPU over $GL_IDLE s (% of one core; goal"
    echo "< 5 % with the camera at 1920x1080 with GL)"
    printf '%-10s %-10s %4s %5s %5s %5s %15s %15s\n' size renderer n p50 p99 frame "camera off" "camera on"
    printf '%-10s %-10s %4s %5s %5s %5s %7s %7s %7s %7s\n' "" "" "" "" "" "" all render all render
    cat "$T/gl.res"
fi

# 6. A Pi Zero 2 W estimate from instruction counts: the kiosk on its idle screen
#    at 800x480 (the Pi's own display) with the camera program above (15 noisy
#    I420 frames a second of a still scene) under callgrind, counted over a
#    window after start-up (callgrind_control). Camera thread (reading, handing
#    the preview over, decoding) per camera frame; UI thread (preview change
#    detection and uploads, frames presented, the loop) per preview look, which
#    happen at 15 a second at most; both times 15 per second, over one Cortex-A53
#    core at 1 GHz with an assumed IPC of 0.8 (x86-64 instructions stand in for
#    AArch64 ones). Software renderer: on the Pi the GPU composes, so the
#    renderer's share here is an upper bound. LK_BENCH_PI=0 skips this part.
#    Measured (x86-64, two runs side by side): camera thread 1.61 M instr/frame, UI
#    0.17 M/look, together 3.3 %; it was 4.99 M/frame (9.8 % together) while the
#    scanner turned every grey frame into RGB for the preview (about 3.7 M). Of
#    the 1.61 M, handing the luma plane over is 0.31 M (one memcpy, counted a byte
#    an instruction: callgrind counts each step of the ERMS "rep movsb").
if [ "${LK_BENCH_PI:-1}" != 0 ] && [ -f "$T/camcmd.ini" ] && command -v callgrind_control >/dev/null; then
    rm -rf "$T/pi"
    cp -r "$T/demo" "$T/pi"
    rm -f "$T/pi/data/lobkiosk.db"*
    cp "$T/camcmd.ini" "$T/pi/kiosk.ini"
    printf 'wait-camera 60000\nwait 60000\nquit\n' > "$T/pi.script"
    (cd "$T/pi" && LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT="$T/pi.script" exec valgrind --tool=callgrind \
        --separate-threads=yes --instr-atstart=no --callgrind-out-file="$T/pi/cg.%p" \
        "$LOBKIOSK" --config "$T/pi/kiosk.ini" > /dev/null 2>&1) &
    vpid=$!
    sleep 15 # start-up under valgrind, the camera running
    callgrind_control -i on $vpid > /dev/null 2>&1
    sleep "${LK_BENCH_PI_S:-20}"
    callgrind_control -d $vpid > /dev/null 2>&1
    kill $vpid 2> /dev/null || true
    wait $vpid 2> /dev/null || true
    calls() { callgrind_annotate --inclusive=yes "$1" 2> /dev/null |
        awk -v f="$2" '$0 ~ "=> .*:" f " " { gsub(/[(x)]/, "", $NF); n += $NF } END { print n + 0 }'; }
    total() { callgrind_annotate "$1" 2> /dev/null | awk '/PROGRAM TOTALS/ { gsub(/,/, "", $1); print $1 }'; }
    ui=$(ls "$T/pi/"cg.*.1-01 2> /dev/null | head -n1)
    cam=$(ls "$T/pi/"cg.*.1-* 2> /dev/null | xargs grep -l decoder_scan 2> /dev/null | head -n1)
    if [ -n "$ui" ] && [ -n "$cam" ] && [ "$ui" != "$cam" ]; then
        ui_i=$(total "$ui") ui_n=$(calls "$ui" preview_update)
        cam_i=$(total "$cam") cam_n=$(calls "$cam" decoder_scan)
        awk -v ui="$ui_i" -v un="$ui_n" -v cam="$cam_i" -v cn="$cam_n" 'BEGIN {
            if (!un || !cn) { print "Pi Zero 2 W estimate: no frames counted"; exit }
            u = ui / un * 15; c = cam / cn * 15
            printf "Pi Zero 2 W estimate (camera 15 fps + idle screen, 800x480, IPC 0.8 at 1 GHz):\n"
            printf "  camera thread %.2f M instr/frame (%d frames) -> %.1f%% of one core\n", cam / cn / 1e6, cn, c / 8e6
            printf "  UI thread     %.2f M instr/look (%d looks)   -> %.1f%% of one core\n", ui / un / 1e6, un, u / 8e6
            printf "  together %.1f%% of one A53 core (goal < 25%%)\n", (u + c) / 8e6 }'
    else
        echo "Pi Zero 2 W estimate: callgrind gave no per-thread counts"
    fi
fi
